"""Figures of the target source: meson momentum-angle maps (matplotlib mathtext only)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from nuportal.plotting.core import _pyplot

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_meson_maps"]

_LABELS = {"pi+": r"$\pi^+$", "pi-": r"$\pi^-$", "pi0": r"$\pi^0$", "K+": r"$K^+$",
           "K-": r"$K^-$", "K0": r"$K^0_{L}$", "eta": r"$\eta$"}  # fmt: skip


def plot_meson_maps(
    mesons: pd.DataFrame, path: str | Path | None = None, title: str | None = None
) -> Figure:
    """Momentum-angle maps of mesons from a target, one panel per species.

    Parameters
    ----------
    mesons : pandas.DataFrame
        Columns ``E, px, py, pz`` [GeV], ``weight`` [mesons per POT] and ``species`` (e.g.
        :meth:`nuportal.sources.target.MesonSample.to_dataframe`, concatenated over species).
    path : str or Path, optional
        Where to save a PNG.
    title : str, optional
        Figure title (default: the beam of ``mesons.attrs["metadata"]`` if present).

    Returns
    -------
    matplotlib.figure.Figure
        Colour: mesons per POT per bin of (log10 p, log10 theta).
    """
    from matplotlib.colors import LogNorm

    plt = _pyplot()
    species = list(dict.fromkeys(mesons["species"]))
    ncol = min(4, len(species))
    nrow = math.ceil(len(species) / ncol)
    fig, axes = plt.subplots(
        nrow, ncol, figsize=(3.6 * ncol, 3.2 * nrow), squeeze=False, constrained_layout=True
    )
    p = np.hypot(np.hypot(mesons["px"], mesons["py"]), mesons["pz"]).to_numpy()
    theta = np.arctan2(np.hypot(mesons["px"], mesons["py"]), mesons["pz"]).to_numpy()
    logp = np.log10(np.maximum(p, 1e-3))
    logt = np.log10(np.maximum(theta * 1e3, 1e-3))  # mrad
    p_range = (max(-1.5, float(logp.min())), float(logp.max()) + 1e-9)
    t_range = (-1.0, math.log10(0.5 * math.pi * 1e3))
    for ax, name in zip(axes.ravel(), species, strict=False):
        sel = (mesons["species"] == name).to_numpy()
        w = mesons["weight"].to_numpy()[sel]
        h, xe, ye = np.histogram2d(
            logp[sel], logt[sel], bins=60, range=[p_range, t_range], weights=w
        )
        positive = h[h > 0]
        if positive.size:
            mesh = ax.pcolormesh(
                xe, ye, h.T, norm=LogNorm(positive.max() * 1e-5, positive.max()), cmap="viridis"
            )
            fig.colorbar(mesh, ax=ax, label="mesons / POT / bin")
        ax.set_title(f"{_LABELS.get(name, name)}: {w.sum():.3g} per POT", fontsize=10)
        ax.set_xlabel(r"$\log_{10}(p$ / GeV)")
        ax.set_ylabel(r"$\log_{10}(\theta$ / mrad)")
    for ax in axes.ravel()[len(species) :]:
        ax.set_visible(False)
    meta = mesons.attrs.get("metadata", {})
    if title is None and meta:
        title = (
            f"Mesons from {meta.get('proton_energy_GeV', '?')} GeV protons on "
            f"{meta.get('target_length_m', '?')} m of {meta.get('material', '?')} "
            f"({meta.get('beam', '')})"
        )
    fig.suptitle(title or "Mesons from protons on target: momentum-angle maps")
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig
