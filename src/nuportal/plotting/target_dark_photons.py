"""Figures of dark photons from a proton target: energy-angle maps and yields versus mass."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from nuportal.plotting.core import _pyplot

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_target_dark_photons", "plot_target_yields_vs_mass"]


def plot_target_dark_photons(
    dark_photons: pd.DataFrame, path: str | Path | None = None, off_axis_angle: float | None = None
) -> Figure:
    """A' energy-angle distributions, one panel per channel, and the energy spectra.

    Parameters
    ----------
    dark_photons : pandas.DataFrame
        Output of :func:`nuportal.sources.target.dark_photons.target_dark_photons` (columns
        E, px, py, pz [GeV], channel, weight [A' per POT]).
    path : str or Path, optional
        Where to save the figure.
    off_axis_angle : float, optional
        Angle of a detector position [rad], drawn as a dashed line.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.colors import LogNorm

    plt = _pyplot()
    channels = list(dict.fromkeys(dark_photons["channel"]))
    n_panels = len(channels) + 1
    ncol = min(4, n_panels)
    nrow = math.ceil(n_panels / ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(3.8 * ncol, 3.4 * nrow), squeeze=False,
                             constrained_layout=True)  # fmt: skip
    axes = axes.ravel()
    for ax in axes[n_panels:]:
        ax.set_visible(False)
    spectra = axes[n_panels - 1]
    energy = dark_photons["E"].to_numpy()
    theta = np.arctan2(np.hypot(dark_photons["px"], dark_photons["py"]), dark_photons["pz"])
    theta_mrad = np.maximum(theta.to_numpy() * 1e3, 1e-2)
    w = dark_photons["weight"].to_numpy()
    e_bins = np.geomspace(max(float(energy.min()), 1e-2), float(energy.max()) * 1.01, 50)
    t_bins = np.geomspace(1e-2, 0.5 * math.pi * 1e3, 50)
    for ax, name in zip(axes, channels, strict=False):
        sel = (dark_photons["channel"] == name).to_numpy()
        h, xe, ye = np.histogram2d(energy[sel], theta_mrad[sel], bins=[e_bins, t_bins],
                                   weights=w[sel])  # fmt: skip
        positive = h[h > 0]
        if positive.size:
            mesh = ax.pcolormesh(xe, ye, h.T, norm=LogNorm(positive.max() * 1e-5, positive.max()),
                                 cmap="viridis")  # fmt: skip
            fig.colorbar(mesh, ax=ax, label="A' / POT / bin")
        if off_axis_angle is not None and off_axis_angle > 0:
            ax.axhline(off_axis_angle * 1e3, color="w", ls="--", lw=1)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(r"$E_{A'}$ (GeV)")
        ax.set_ylabel(r"$\theta_{A'}$ (mrad)")
        ax.set_title(f"{name}: {w[sel].sum():.3g} per POT", fontsize=10)
        spectra.hist(energy[sel], bins=e_bins, weights=w[sel], histtype="step", label=name)
    spectra.set_xscale("log")
    spectra.set_yscale("log")
    spectra.set_xlabel(r"$E_{A'}$ (GeV)")
    spectra.set_ylabel("A' / POT / bin")
    spectra.legend(fontsize=8)
    spectra.set_title("energy spectra", fontsize=10)
    meta = dark_photons.attrs.get("metadata", {})
    fig.suptitle(
        f"Dark photons from {meta.get('proton_energy_GeV', '?')} GeV protons on "
        f"{meta.get('material', '?')} ({meta.get('beam', '')}): "
        rf"$m_{{A'}}$ = {1e3 * meta.get('dark_photon_mass_GeV', float('nan')):g} MeV, "
        rf"$\epsilon$ = {meta.get('epsilon', float('nan')):g}"
    )
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig


def plot_target_yields_vs_mass(
    yields: pd.DataFrame, path: str | Path | None = None, title: str | None = None
) -> Figure:
    """A' yield per POT per eps^2 by channel versus the A' mass.

    Parameters
    ----------
    yields : pandas.DataFrame
        Columns ``mass_GeV``, ``channel`` and ``per_pot_per_eps2`` (one row per mass and channel).
    path : str or Path, optional
        Where to save the figure.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4.2), constrained_layout=True)
    for name, rows in yields.groupby("channel", sort=False):
        rows = rows.sort_values("mass_GeV")
        ax.plot(rows["mass_GeV"] * 1e3, rows["per_pot_per_eps2"], marker="o", label=str(name))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"$m_{A'}$ (MeV)")
    ax.set_ylabel(r"A' per POT / $\epsilon^2$")
    ax.legend(fontsize=8)
    ax.set_title(title or "Dark-photon yield from a proton target by channel")
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig
