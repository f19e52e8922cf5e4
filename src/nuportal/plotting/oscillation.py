"""Sterile-neutrino figures: allowed regions of a fit surface, oscillated spectra."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from nuportal.plotting.core import _pyplot

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_oscillation_regions", "plot_oscillation_spectrum"]


def plot_oscillation_regions(
    table: pd.DataFrame, path: str | Path | None = None, title: str | None = None
) -> Figure:
    """Allowed regions in the (sin^2 2theta, dm^2) plane from a fit surface.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`nuportal.stats.oscillation_fit.fit_surface` (a full dm2-major grid with
        a ``delta`` column and ``attrs["levels"]`` / ``attrs["best_fit"]``).
    path : str or Path, optional
        Where to save a PNG.
    title : str, optional
        Figure title (default: the experiment and mode).
    """
    plt = _pyplot()
    s = np.unique(table["sin2_2theta"].to_numpy())
    d = np.unique(table["dm2_eV2"].to_numpy())
    delta = table["delta"].to_numpy().reshape(len(d), len(s))
    levels = table.attrs.get("levels", {"1sigma": 2.30, "90%": 4.61, "99%": 9.21, "3sigma": 11.83})
    names, values = list(levels), list(levels.values())
    names = [n.replace("sigma", r"$\sigma$") for n in names]
    fig, ax = plt.subplots(figsize=(6.5, 5.5), constrained_layout=True)
    colors = ["#1b4f72", "#2e86c1", "#85c1e9", "#d6eaf8"]
    ax.contourf(s, d, delta, levels=[0.0, *values], colors=colors[: len(values)])
    ax.contour(s, d, delta, levels=values, colors="k", linewidths=0.5)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in colors[: len(values)]]
    best = table.attrs.get("best_fit")
    if best:
        (marker,) = ax.plot(best["sin2_2theta"], best["dm2_eV2"], "r*", ms=12)
        handles.append(marker)
        names = [*names, "best fit"]
    ax.legend(handles, names, loc="lower left", fontsize=9)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"$\sin^2 2\theta_{\mu e}$")
    ax.set_ylabel(r"$\Delta m^2_{41}$ [eV$^2$]")
    exp, mode = table.attrs.get("experiment", ""), table.attrs.get("mode")
    ax.set_title(
        title
        or f"3+1 sterile neutrino, {exp}{f' ({mode})' if mode else ''}: allowed regions "
        "(Wilks, 2 dof)",
        fontsize=10,
    )
    ax.grid(True, which="both", alpha=0.2)
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig


def plot_oscillation_spectrum(
    table: pd.DataFrame, path: str | Path | None = None, title: str | None = None
) -> Figure:
    """Unoscillated and oscillated spectra at a detector, and their ratio, per energy bin.

    Parameters
    ----------
    table : pandas.DataFrame
        The table of ``nuportal oscillation predict --out`` (columns ``E_low_GeV``,
        ``E_high_GeV``, ``unoscillated_per_cm2_POT``, ``oscillated_per_cm2_POT``, ``ratio``).
    path : str or Path, optional
        Where to save a PNG.
    title : str, optional
        Figure title (default: from ``attrs``: detector, channel, dm2, sin^2 2theta).
    """
    plt = _pyplot()
    edges = np.append(table["E_low_GeV"].to_numpy(), table["E_high_GeV"].to_numpy()[-1])
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(7, 7), sharex=True, constrained_layout=True,
                                   gridspec_kw={"height_ratios": [2, 1]})  # fmt: skip
    ax1.stairs(table["unoscillated_per_cm2_POT"], edges, label="no oscillation")
    ax1.stairs(table["oscillated_per_cm2_POT"], edges, label="3+1 oscillation", ls="--")
    ax1.set_ylabel(r"flux per bin [$\nu$ / cm$^2$ / POT]")
    ax1.legend(fontsize=9)
    ax2.stairs(table["ratio"], edges, color="k")
    ax2.set_xlabel(r"neutrino energy $E_\nu$ [GeV]")
    ax2.set_ylabel("oscillated / unoscillated")
    a = {k: table.attrs[k] for k in ("detector", "channel", "dm2_eV2", "sin2_2theta")
         if k in table.attrs}  # fmt: skip
    for k in ("detector", "channel", "dm2_eV2", "sin2_2theta"):  # or constant columns
        if k not in a and k in table.columns and table[k].nunique() == 1:
            a[k] = table[k].iloc[0]
    default = "3+1 sterile-neutrino oscillation at a detector (parameters not recorded)"
    if len(a) == 4:
        default = (
            f"3+1 at {a['detector']} ({a['channel']}): "
            f"$\\Delta m^2_{{41}}$ = {float(a['dm2_eV2']):.3g} eV$^2$, "
            f"$\\sin^2 2\\theta$ = {float(a['sin2_2theta']):.3g}"
        )
    ax1.set_title(title or default, fontsize=10)
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig
