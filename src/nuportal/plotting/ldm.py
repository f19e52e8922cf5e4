"""Figures of the light-dark-matter search at the DUNE ND: reach curves and event distributions."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from nuportal.plotting.core import _pyplot

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_ldm_events", "plot_ldm_reach"]

_ME_MEV = 0.51099895


def plot_ldm_reach(
    reach: pd.DataFrame,
    path: str | Path | None = None,
    *,
    limits: Mapping[str, object] | None = None,
    title: str | None = None,
) -> Figure:
    """y_90 versus m_chi for every configuration, rate and spectral side by side.

    Parameters
    ----------
    reach : pandas.DataFrame
        Output of :func:`nuportal.inference.light_dark_matter.reach.ldm_reach` (columns m_chi,
        configuration, analysis, y_limit, alpha_D, m_dark_photon, spin).
    path : str or Path, optional
        Where to save the figure.
    limits : mapping, optional
        Curves to overlay (name -> :class:`nuportal.experiments.ldm_limits.LDMCurve`), e.g.
        :func:`~nuportal.experiments.ldm_limits.existing_ldm_limits` at the same alpha_D.
    title : str, optional
        Figure title (default: model and run summary).
    """
    plt = _pyplot()
    analyses = list(dict.fromkeys(reach["analysis"]))
    fig, axes = plt.subplots(1, len(analyses), figsize=(6.2 * len(analyses), 4.8), squeeze=False,
                             sharey=True, constrained_layout=True)  # fmt: skip
    styles = {"on-axis (all POT)": ("k", "-"), "PRISM": ("C3", "-")}
    for ax, analysis in zip(axes[0], analyses, strict=True):
        part = reach[reach["analysis"] == analysis]
        for k, (config, g) in enumerate(part.groupby("configuration", sort=False)):
            g = g.sort_values("m_chi")
            color, ls = styles.get(config, (f"C{k % 10}", "--"))
            lw = 2.0 if config in styles else 1.2
            ax.plot(g["m_chi"] * 1e3, g["y_limit"], color=color, ls=ls, lw=lw,
                    label=f"DUNE ND {config}")
        for j, (name, curve) in enumerate((limits or {}).items()):
            if curve.kind == "relic":
                ax.plot(curve.m_chi * 1e3, curve.y, color="0.3", lw=2.5, alpha=0.6, label=name)
            else:
                ax.fill_between(curve.m_chi * 1e3, curve.y, 1e-3, color=f"C{(j + 5) % 10}",
                                alpha=0.15, lw=0, label=f"{name} (excluded)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(r"$m_\chi$ [MeV]")
        ax.set_title(f"{analysis} analysis", fontsize=10)
        m = reach["m_chi"].to_numpy() * 1e3
        ax.set_xlim(m.min() * 0.9, m.max() * 1.1)
        finite = reach["y_limit"][np.isfinite(reach["y_limit"])]
        if len(finite):
            ax.set_ylim(max(finite.min() / 30, 1e-15), min(finite.max() * 30, 1e-5))
        ax.grid(alpha=0.3, which="both", lw=0.4)
    axes[0][0].set_ylabel(r"$y = \epsilon^2 \alpha_D (m_\chi/m_{A'})^4$ (90% CL)")
    axes[0][-1].legend(fontsize=7, loc="lower right", ncol=1)
    first = reach.iloc[0]
    ratio = float(first["m_dark_photon"] / first["m_chi"])
    fig.suptitle(
        title
        or (
            f"Light dark matter at the DUNE ND ({first['spin']} $\\chi$, "
            f"$m_{{A'}} = {ratio:g}\\,m_\\chi$, $\\alpha_D = {first['alpha_D']:g}$): "
            r"$\chi e \to \chi e$ vs $\nu e \to \nu e$"
        ),
        fontsize=10,
    )
    if path is not None:
        fig.savefig(path, dpi=130)
    return fig


def plot_ldm_events(
    signal_events: pd.DataFrame,
    background_events: pd.DataFrame,
    pot: Mapping[float, float],
    path: str | Path | None = None,
    *,
    title: str = "",
) -> Figure:
    """Selected signal and background electrons: E_e, theta_e and E_e theta_e^2 per position.

    Parameters
    ----------
    signal_events, background_events : pandas.DataFrame
        ``LDMSignal.events`` and ``NeutrinoBackground.events`` (columns position_m, E_reco,
        theta_reco, selected, weight per POT; the background also mode and process).
    pot : mapping
        Position [m] -> POT of the plotted exposure at that position (per horn mode for the
        background: every mode's events are scaled by it).
    path : str or Path, optional
        Where to save the figure.
    title : str
        Figure title.
    """
    plt = _pyplot()
    positions = sorted(pot)
    fig, axes = plt.subplots(len(positions), 3, figsize=(12, 2.7 * len(positions)),
                             squeeze=False, constrained_layout=True)  # fmt: skip
    e_bins = np.arange(0.25, 10.26, 0.25)
    t_bins = np.linspace(0, 120, 41)
    et_bins = np.linspace(0, 10, 41)
    for row, x in zip(axes, positions, strict=True):
        for label, ev, color in (("signal", signal_events, "C3"),
                                 ("background", background_events, "C0")):
            part = ev[(ev["position_m"] == x)]
            w = part["weight"].to_numpy() * pot[x]
            sel = part["selected"].to_numpy()
            E = part["E_reco"].to_numpy()
            th = part["theta_reco"].to_numpy() * 1e3
            et2 = E * (th * 1e-3) ** 2 * 1e3
            row[0].hist(E[sel], e_bins, weights=w[sel], histtype="step", color=color,
                        label=label)
            in_window = (E >= 0.25) & (E < 10.25)
            row[1].hist(th[in_window], t_bins, weights=w[in_window], histtype="step", color=color)
            row[2].hist(et2[in_window], et_bins, weights=w[in_window], histtype="step",
                        color=color)
        row[0].set_ylabel(f"{x:g} m off axis\nevents / bin")
        row[0].set_yscale("log")
        row[1].set_yscale("log")
        row[2].set_yscale("log")
        row[2].axvline(2 * _ME_MEV, color="0.4", ls=":", lw=1)
    axes[-1][0].set_xlabel(r"reconstructed $E_e$ [GeV] (selected)")
    axes[-1][1].set_xlabel(r"$\theta_e$ [mrad] (energy window)")
    axes[-1][2].set_xlabel(r"$E_e\theta_e^2$ [MeV rad$^2$] (dotted: $2 m_e$)")
    axes[0][0].legend(fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig
