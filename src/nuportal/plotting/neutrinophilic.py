"""Figures of the neutrinophilic-scalar search at the DUNE ND: reach and event distributions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from nuportal.plotting.core import _pyplot

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_nuphilic_events", "plot_nuphilic_reach"]

_LABEL = {"mu": r"$g_{\mu\mu}$", "e": r"$g_{ee}$"}


def plot_nuphilic_reach(
    table: pd.DataFrame, path: str | Path | None = None, *, lepton: str = "mu",
    title: str | None = None,
) -> Figure:
    """Expected 90 % CL reach g_90 versus m_phi, with the indicative kaon-decay scale.

    Parameters
    ----------
    table : pandas.DataFrame
        :attr:`nuportal.inference.neutrinophilic.reach.ReachTable.table` (columns ``m_phi``,
        ``g_90``, ``g_kaon_indicative``; optional ``detector``).
    path : str or Path, optional
        Where to save the figure.
    lepton : {"mu", "e"}
    title : str, optional
    """
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.8), constrained_layout=True)
    groups = table.groupby("detector") if "detector" in table else [("DUNE ND", table)]
    for i, (name, part) in enumerate(groups):
        part = part.sort_values("m_phi")
        ax.plot(part["m_phi"], part["g_90"], color=f"C{i}", lw=2,
                label=f"{str(name).upper()} expected 90% CL")
    if lepton == "mu":
        from nuportal.inference.neutrinophilic.reach import indicative_kaon_coupling
        from nuportal.models.neutrinophilic import max_phi_mass

        lo = max(float(table["m_phi"].min()), 1e-3)
        grid = np.geomspace(lo, 0.999 * max_phi_mass("K+", "mu"), 60)
        g_k = indicative_kaon_coupling(grid)
        keep = g_k < 10.0  # near the end point the curve leaves any perturbative coupling
        if keep.any():
            ax.plot(grid[keep], g_k[keep], "k--",
                    label=r"BR($K^+\to\mu^+\nu\phi$) = $10^{-6}$ (indicative; NA62 scale)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"$m_\phi$ (GeV)")
    ax.set_ylabel(_LABEL.get(lepton, "g") + " (dimensionless)")
    ax.set_title(title or "Neutrinophilic scalar: DUNE ND wrong-sign reach (FHC)", fontsize=10,
                 wrap=True)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    if path is not None:
        fig.savefig(path, dpi=130)
    return fig


def plot_nuphilic_events(
    histograms: pd.DataFrame, evis_edges, pt_edges, path: str | Path | None = None, *,
    title: str | None = None,
) -> Figure:
    """Selected events per component projected on E_vis and p_T^miss.

    Parameters
    ----------
    histograms : pandas.DataFrame
        Columns = components, rows = flattened (E_vis, p_T^miss) bins (events), as from
        :func:`nuportal.inference.neutrinophilic.reach.selected_histograms`.
    evis_edges, pt_edges : sequence of float
        Bin edges [GeV] and [GeV/c].
    path : str or Path, optional
    title : str, optional
    """
    plt = _pyplot()
    ne, npt = len(evis_edges) - 1, len(pt_edges) - 1
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.4), constrained_layout=True)
    for i, comp in enumerate(histograms.columns):
        h = histograms[comp].to_numpy().reshape(ne, npt)
        style = "--" if comp.startswith(("emission", "meson")) else "-"
        for ax, proj, edges in ((axes[0], h.sum(axis=1), evis_edges),
                                (axes[1], h.sum(axis=0), pt_edges)):
            ax.stairs(np.maximum(proj, 1e-3), edges, color=f"C{i}", ls=style, label=comp)
    axes[0].set_xlabel(r"$E_{\rm vis}$ (GeV)")
    axes[1].set_xlabel(r"$p_T^{\rm miss}$ (GeV/c)")
    for ax in axes:
        ax.set_yscale("log")
        ax.set_ylabel("selected wrong-sign events per bin")
        ax.legend(fontsize=8)
    fig.suptitle(title or "Neutrinophilic scalar: selected events at the DUNE ND")
    if path is not None:
        fig.savefig(path, dpi=130)
    return fig
