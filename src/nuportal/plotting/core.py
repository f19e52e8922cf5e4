"""Matplotlib figures. The only module that draws; matplotlib is imported lazily.

Figures use plain matplotlib text (no LaTeX installation needed) and the Agg backend when saved
from the command line.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_events", "plot_oscillation_regions", "plot_recast"]


def _pyplot():
    import matplotlib

    if matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline"):
        try:
            matplotlib.use("Agg")
        except Exception:  # pragma: no cover - backend already fixed by the user
            pass
    import matplotlib.pyplot as plt

    return plt


def _visible_names(df: pd.DataFrame) -> list[str]:
    """Names of the charged final-state particles present in an event table."""
    names = []
    for name in ("e_minus", "e_plus", "mu_minus", "mu_plus"):
        if f"{name}_E" in df.columns:
            names.append(name)
    return names


def _angle_histograms(ax, events: pd.DataFrame, w: np.ndarray, column: str) -> None:
    for col, label, ls in ((column, "true", "-"), (f"{column}_reco", "reco", "--")):
        if col in events.columns:
            ax.hist(
                events[col], bins=60, range=(0, 180), weights=w, histtype="step", ls=ls, label=label
            )
    ax.legend(fontsize=8)


def plot_events(events: pd.DataFrame, path: str | Path | None = None) -> Figure:
    """Standard distributions of a generated event table (weighted histograms).

    Panels: true and reconstructed energies of the visible leptons, the e+e- opening angle
    (true and reconstructed), the angle of the visible pair to the beam (the parent direction at
    production), and the longitudinal decay-vertex position.

    Parameters
    ----------
    events : pandas.DataFrame
        Table from :func:`nuportal.generate` or :func:`nuportal.io.read_events`.
    path : str or Path, optional
        Where to save a PNG; the figure is returned either way.
    """
    plt = _pyplot()
    w = events["weight"].to_numpy()
    fig, axes = plt.subplots(2, 2, figsize=(10, 8), constrained_layout=True)
    ax = axes[0, 0]
    for name in _visible_names(events):
        e = events[f"{name}_E"].to_numpy()
        ax.hist(e * 1e3, bins=50, weights=w, histtype="step", label=f"{name} true")
        if f"{name}_E_reco" in events.columns:
            er = events[f"{name}_E_reco"].to_numpy()
            ax.hist(er * 1e3, bins=50, weights=w, histtype="step", ls="--", label=f"{name} reco")
    ax.set_xlabel("lepton energy [MeV]")
    ax.set_ylabel("weighted events")
    ax.legend(fontsize=8)

    ax = axes[0, 1]
    _angle_histograms(ax, events, w, "opening_angle_deg")
    ax.set_xlabel("opening angle of the lepton pair [deg]")

    ax = axes[1, 0]
    _angle_histograms(ax, events, w, "angle_to_beam_deg")
    ax.set_xlabel("angle of the lepton pair to the beam [deg]")

    ax = axes[1, 1]
    if "decay_distance_m" in events.columns:
        ax.hist(events["decay_distance_m"], bins=60, weights=w, histtype="step")
        ax.set_xlabel("distance from production to decay [m]")
    if "selected" in events.columns:
        frac = w[events["selected"].to_numpy()].sum() / w.sum() if w.sum() > 0 else 0.0
        ax.set_title(f"weighted fraction selected: {frac:.3f}", fontsize=10)
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig


def plot_recast(
    limits: pd.DataFrame,
    reference: pd.DataFrame,
    path: str | Path | None = None,
    methods: Sequence[str] | None = None,
    coupling_label: str = "|U_mu4|^2",
    reference_label: str = "theta (MicroBooNE 95% CL)",
    published: pd.DataFrame | None = None,
    published_label: str = "Kelly & Machado 2021 (their conventions)",
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
    published : pandas.DataFrame, optional
        A published limit on the same plane to overlay (columns ``mass_GeV``, ``U2``).
    """
    plt = _pyplot()
    fig, (ax, ax_ref) = plt.subplots(
        1, 2, figsize=(12, 5), constrained_layout=True, gridspec_kw={"width_ratios": [3, 2]}
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
    ax.set_xlabel("m_N [GeV]")
    ax.set_ylabel(coupling_label)
    ax.set_title(
        f"excluded: shaded ({methods[0]}); lower edges solid, upper edges dotted", fontsize=10
    )
    ax.legend(title="efficiency transfer", fontsize=9)
    ax.grid(True, which="both", alpha=0.2)

    ax_ref.plot(reference["mass_GeV"], reference["theta_limit"], "k.-")
    ax_ref.set_xscale("log")
    ax_ref.set_yscale("log")
    ax_ref.set_xlabel("m_S [GeV]")
    ax_ref.set_ylabel(reference_label)
    ax_ref.set_title("input: Higgs-portal scalar limit (arXiv:2106.00568)", fontsize=10)
    ax_ref.grid(True, which="both", alpha=0.2)
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig


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
    ax.set_xlabel("sin^2 2theta_mue")
    ax.set_ylabel("Delta m^2_41 [eV^2]")
    exp, mode = table.attrs.get("experiment", ""), table.attrs.get("mode")
    ax.set_title(title or f"{exp}{f' ({mode})' if mode else ''}: allowed regions (Wilks, 2 dof)")
    ax.grid(True, which="both", alpha=0.2)
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig


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
            label="PDG gamma-function profile (b = 0.5)",
        )
    ax1.set_xlabel("depth t [X0]")
    ax1.set_ylabel("dE/dt [GeV per X0]")
    ax1.set_title(
        f"{metadata['primary']} {metadata['energy_GeV']:g} GeV in {metadata['material']}"
        f" ({metadata['n_showers']} showers)"
    )
    ax1.legend(fontsize=8)
    e_edges = np.asarray(metadata["energy_edges_GeV"])
    for name, values in metadata["track_length_cm_per_shower"].items():
        ax2.stairs(np.asarray(values) / np.diff(e_edges), e_edges, label=name)
    ax2.set_xscale("log")
    ax2.set_yscale("log")
    ax2.set_xlabel("energy [GeV] (kinetic for e+-)")
    ax2.set_ylabel("track length dL/dE per shower [cm / GeV]")
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
    ax1.set_xlabel("E_A' [GeV]")
    ax1.set_ylabel("angle to the beam [rad]")
    meta = table.attrs.get("metadata", {})
    if meta:
        ax1.set_title(
            f"A' {1e3 * meta.get('dark_photon_mass_GeV', float('nan')):g} MeV, "
            f"eps = {meta.get('epsilon', float('nan')):g}: {meta.get('primary', '')} "
            f"{meta.get('energy_GeV', '')} GeV on {meta.get('material', '')}"
        )
    for name in pd.unique(table["process"]):
        rows = (table["process"] == name).to_numpy()
        ax2.hist(energy[rows], bins=e_bins, weights=w[rows], histtype="step", label=str(name))
    ax2.set_xscale("log")
    ax2.set_yscale("log")
    ax2.set_xlabel("E_A' [GeV]")
    ax2.set_ylabel("dark photons per primary per bin")
    ax2.legend(fontsize=8)
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig


def plot_upscattering(events: pd.DataFrame, path: str | Path | None = None) -> Figure:
    """Standard distributions of upscattering events (weighted by events in the detector).

    Panels: visible energy, cosine of the visible system's angle to the beam, e+ e- opening angle
    (for e+ e- final states), and the MiniBooNE-like reconstructed neutrino energy E_QE.

    Parameters
    ----------
    events : pandas.DataFrame
        Output of :func:`nuportal.generation.upscattering.generate_upscattering`.
    path : str or Path, optional
        Where to save a PNG.
    """
    plt = _pyplot()
    w = events["weight"].to_numpy()
    fig, axes = plt.subplots(2, 2, figsize=(10, 7.5), constrained_layout=True)
    panels = [
        ("E_vis", "visible energy E_vis [GeV]", (0.0, max(2.0, float(events["E_vis"].max())))),
        ("cos_theta_vis", "cos(theta) of the visible system to the beam", (-1.0, 1.0)),
        ("opening_angle_deg", "e+ e- opening angle [deg]", (0.0, 180.0)),
        ("E_QE", "reconstructed E_QE [GeV] (CCQE, E_B = 34 MeV)", (0.0, 3.0)),
    ]
    for ax, (column, label, window) in zip(axes.ravel(), panels, strict=True):
        if column in events:
            ax.hist(events[column], bins=50, range=window, weights=w, histtype="step")
        ax.set_xlabel(label)
        ax.set_ylabel("events per bin")
    meta = events.attrs.get("metadata", {})
    fig.suptitle(
        f"{meta.get('experiment', '')}: {meta.get('model', '')}, N -> {meta.get('decay', '')} "
        f"in the detector ({w.sum():.3g} events)",
        fontsize=9,
    )
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig
