"""Shower figures: longitudinal profile and track lengths; dark photons from a shower."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from nuportal.plotting.core import _pyplot

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_dark_photons", "plot_shower"]


def plot_shower(metadata: dict, path: str | Path | None = None) -> Figure:
    """Longitudinal profile and track-length spectra of a shower run.

    Parameters
    ----------
    metadata : dict
        :meth:`nuportal.sources.shower.ShowerResult.metadata` (also what ``nuportal shower``
        writes into its output file).
    path : str or Path, optional
        Where to save a PNG.
    """
    from nuportal.sources.shower.materials import material
    from nuportal.sources.shower.parameterizations import longitudinal_profile

    plt = _pyplot()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.5), constrained_layout=True)
    edges = np.asarray(metadata["depth_edges_X0"])
    mean = np.asarray(metadata["profile_GeV_per_X0"])
    err = np.asarray(metadata["profile_error_GeV_per_X0"])
    centres = 0.5 * (edges[1:] + edges[:-1])
    ax1.stairs(mean, edges, label="nuportal (mean per shower)")
    ax1.errorbar(centres, mean, err, fmt="none", ecolor="C0", lw=0.8)
    mat = material(metadata["material"])
    if mat.critical_energy is not None:
        t = np.linspace(edges[0] + 1e-3, edges[-1], 400)
        ax1.plot(
            t,
            longitudinal_profile(
                t, metadata["energy_GeV"], mat.critical_energy, metadata["primary"]
            ),
            "k--",
            lw=1,
            label=r"PDG $\Gamma$-function profile ($b$ = 0.5)",
        )
    ax1.set_xlabel("depth $t$ [$X_0$]")
    ax1.set_ylabel("$dE/dt$ [GeV / $X_0$]")
    ax1.set_title(
        f"{metadata['primary']} {metadata['energy_GeV']:g} GeV in {metadata['material']}"
        f" ({metadata['n_showers']} showers)",
        fontsize=10,
    )
    ax1.legend(fontsize=8)
    e_edges = np.asarray(metadata["energy_edges_GeV"])
    for name, values in metadata["track_length_cm_per_shower"].items():
        ax2.stairs(np.asarray(values) / np.diff(e_edges), e_edges, label=name)
    ax2.set_xscale("log")
    ax2.set_yscale("log")
    ax2.set_xlabel(r"energy [GeV] (kinetic for $e^\pm$)")
    ax2.set_ylabel("track length $dL/dE$ per shower [cm / GeV]")
    ax2.legend(fontsize=8)
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig


def plot_dark_photons(table: pd.DataFrame, path: str | Path | None = None) -> Figure:
    """Energy-angle distribution of a weighted dark-photon list, and its energy by process.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`nuportal.sources.shower.dark_photon_flux` (``dark_photons``) or the file
        written by ``nuportal dark-flux``.
    path : str or Path, optional
        Where to save a PNG.
    """
    from matplotlib.colors import LogNorm

    plt = _pyplot()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.5), constrained_layout=True)
    energy = table["dark_photon_E"].to_numpy()
    p = table[["dark_photon_px", "dark_photon_py", "dark_photon_pz"]].to_numpy()
    cos_theta = p[:, 2] / np.linalg.norm(p, axis=1)
    theta = np.arccos(np.clip(cos_theta, -1.0, 1.0))
    w = table["weight"].to_numpy()
    positive = theta > 0
    e_bins = np.geomspace(max(energy.min(), 1e-4), energy.max() * 1.01, 50)
    t_bins = np.geomspace(max(theta[positive].min(), 1e-6) if positive.any() else 1e-6, np.pi, 50)
    h = ax1.hist2d(
        energy,
        np.maximum(theta, t_bins[0]),
        bins=[e_bins, t_bins],
        weights=w,
        norm=LogNorm(),
        cmap="viridis",
    )
    fig.colorbar(h[3], ax=ax1, label="dark photons per primary per bin")
    ax1.set_xscale("log")
    ax1.set_yscale("log")
    ax1.set_xlabel(r"$E_{A'}$ [GeV]")
    ax1.set_ylabel(r"angle to the beam $\theta_{A'}$ [rad]")
    meta = table.attrs.get("metadata", {})
    if meta:
        fig.suptitle(
            f"dark photon $m_{{A'}}$ = {1e3 * meta.get('dark_photon_mass_GeV', float('nan')):g} "
            f"MeV, $\\varepsilon$ = {meta.get('epsilon', float('nan')):g}: "
            f"{meta.get('primary', '')} {meta.get('energy_GeV', '')} GeV on "
            f"{meta.get('material', '')}",
            fontsize=10,
        )
    for name in pd.unique(table["process"]):
        rows = (table["process"] == name).to_numpy()
        ax2.hist(energy[rows], bins=e_bins, weights=w[rows], histtype="step", label=str(name))
    ax2.set_xscale("log")
    ax2.set_yscale("log")
    ax2.set_xlabel(r"$E_{A'}$ [GeV]")
    ax2.set_ylabel("dark photons per primary per bin")
    ax2.legend(fontsize=8)
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig
