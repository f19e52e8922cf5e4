"""The recast figure: excluded HNL bands per efficiency transfer and the input scalar limit."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from nuportal.plotting.core import _pyplot
from nuportal.plotting.describe import coupling_label as coupling_label_for

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_recast"]


def _attr(limits: pd.DataFrame, key: str):
    """A property of the run from ``attrs`` or a constant column (None if unknown)."""
    if key in limits.attrs:
        return limits.attrs[key]
    if key in limits.columns and limits[key].nunique() == 1:
        value = limits[key].iloc[0]
        return value.item() if hasattr(value, "item") else value
    return None


def plot_recast(
    limits: pd.DataFrame,
    reference: pd.DataFrame,
    path: str | Path | None = None,
    methods: Sequence[str] | None = None,
    coupling_label: str | None = None,
    reference_label: str = r"$\theta$ (MicroBooNE 95% CL)",
    published: pd.DataFrame | None = None,
    published_label: str = "Kelly & Machado 2021 (their conventions)",
    *,
    mixing: str | None = None,
    majorana: bool | None = None,
) -> Figure:
    """The standard recast figure: excluded bands per efficiency method, and the input limit.

    Parameters
    ----------
    limits : pandas.DataFrame
        Output of :func:`nuportal.recast.microboone_kdar` (columns ``mass_GeV``,
        ``U2_lower``, ``U2_upper``, ``efficiency_method``, optionally ``extrapolated``).
    reference : pandas.DataFrame
        The published limit that was recast (columns ``mass_GeV``, ``theta_limit``).
    path : str or Path, optional
        Where to save a PNG.
    methods : sequence of str, optional
        Efficiency methods to draw (default: all in ``limits``); the first is shaded.
    coupling_label : str, optional
        y-axis label (default: |U_l4|^2 with l the ``mixing`` flavour, in mathtext).
    published : pandas.DataFrame, optional
        A published limit on the same plane to overlay (columns ``mass_GeV``, ``U2``).
    mixing : {"e", "mu"}, optional
        Flavour the HNL mixes with (default: ``limits.attrs["mixing"]`` or a ``mixing``
        column); sets the y-axis label and the title.
    majorana : bool, optional
        HNL nature for the title (default: ``limits.attrs["majorana"]`` or a column).
    """
    plt = _pyplot()
    mixing = mixing or _attr(limits, "mixing")
    majorana = majorana if majorana is not None else _attr(limits, "majorana")
    label = coupling_label or coupling_label_for(mixing)
    fig, (ax, ax_ref) = plt.subplots(
        1, 2, figsize=(12, 5.4), constrained_layout=True, gridspec_kw={"width_ratios": [3, 2]}
    )
    if methods is None:
        methods = list(dict.fromkeys(limits["efficiency_method"]))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, (color, method) in enumerate(zip(colors, methods, strict=False)):
        sub = limits[limits["efficiency_method"] == method].sort_values("mass_GeV")
        m = sub["mass_GeV"].to_numpy()
        lo, hi = sub["U2_lower"].to_numpy(), sub["U2_upper"].to_numpy()
        ok = np.isfinite(lo) & np.isfinite(hi)
        if i == 0:
            ax.fill_between(
                m, np.where(ok, lo, np.nan), np.where(ok, hi, np.nan), color=color, alpha=0.2
            )
        ax.plot(m[ok], lo[ok], color=color, label=f"{method}")
        ax.plot(m[ok], hi[ok], color=color, ls=":")
    if "extrapolated" in limits.columns and limits["extrapolated"].any():
        edge = reference["mass_GeV"].max()
        ax.axvline(edge, color="0.4", ls="--", lw=0.8)
        ax.text(
            edge,
            0.02,
            " scalar data end here",
            transform=ax.get_xaxis_transform(),
            fontsize=8,
            color="0.3",
        )
    if published is not None:
        ax.plot(published["mass_GeV"], published["U2"], "k--", lw=1.2, label=published_label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("$m_N$ [GeV]")
    ax.set_ylabel(label)
    ax.set_title(
        f"excluded: shaded ({methods[0]}); lower edges solid, upper edges dotted", fontsize=9
    )
    ax.legend(title="efficiency transfer", fontsize=9)
    ax.grid(True, which="both", alpha=0.2)

    ax_ref.plot(reference["mass_GeV"], reference["theta_limit"], "k.-")
    ax_ref.set_xscale("log")
    ax_ref.set_yscale("log")
    ax_ref.set_xlabel("$m_S$ [GeV]")
    ax_ref.set_ylabel(reference_label)
    ax_ref.set_title("input: Higgs-portal scalar limit (arXiv:2106.00568)", fontsize=9)
    ax_ref.grid(True, which="both", alpha=0.2)
    nature = "" if majorana is None else (" Majorana" if majorana else " Dirac")
    flavour = {"mu": r"$\nu_\mu$", "e": r"$\nu_e$"}.get(str(mixing), "an active neutrino")
    fig.suptitle(
        f"MicroBooNE KDAR search (NuMI absorber) recast into{nature} HNL limits: N mixing "
        f"with {flavour}, {label} vs $m_N$ (95% CL)",
        fontsize=10,
    )
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig
