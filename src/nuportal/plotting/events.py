"""Standard figures of event samples: ``nuportal generate`` and ``nuportal upscatter`` output.

Quantities a file does not carry (a HepMC3 file holds only four-momenta and vertices) are
computed from the four-vectors, so every panel has data whatever the format read.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from nuportal.plotting.core import _pyplot
from nuportal.plotting.describe import describe_events, describe_upscattering

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["event_observables", "plot_events", "plot_upscattering"]


def _p4(events: pd.DataFrame, name: str, suffix: str = "") -> NDArray[np.float64] | None:
    cols = [f"{name}_{c}{suffix}" for c in ("E", "px", "py", "pz")]
    return events[cols].to_numpy(dtype=float) if all(c in events for c in cols) else None


def _angle_deg(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    na, nb = np.linalg.norm(a, axis=-1), np.linalg.norm(b, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.einsum("ij,ij->i", a, b) / (na * nb)
    return np.degrees(np.arccos(np.clip(c, -1.0, 1.0)))


def _pair(events: pd.DataFrame, suffix: str = ""):
    for minus, plus in (("e_minus", "e_plus"), ("mu_minus", "mu_plus")):
        lm, lp = _p4(events, minus, suffix), _p4(events, plus, suffix)
        if lm is not None and lp is not None:
            return lm, lp
    return None


def _beam_directions(events: pd.DataFrame, meta: dict) -> NDArray[np.float64] | None:
    """Unit vectors from the production point (``source_position_m``, or the experiment's
    beam source) to each decay vertex."""
    origin = meta.get("source_position_m")
    if origin is None and meta.get("experiment"):
        try:
            from nuportal.detectors.exposures import exposure

            origin = exposure(meta["experiment"]).geometry().source().position
        except ValueError:
            origin = None
    if origin is None or not all(f"vertex_{a}" in events for a in "xyz"):
        return None
    d = events[["vertex_x", "vertex_y", "vertex_z"]].to_numpy(dtype=float) - np.asarray(origin)
    return d / np.linalg.norm(d, axis=1, keepdims=True)


def event_observables(events: pd.DataFrame) -> pd.DataFrame:
    """The table with the standard observables added where missing.

    From the four-vectors and vertices: ``opening_angle_deg`` (and ``_reco``) of the charged
    pair, ``angle_to_beam_deg`` of the pair to the flight direction, ``decay_distance_m``
    (production point to decay vertex) and, for upscattering samples, ``E_vis`` [GeV],
    ``cos_theta_vis`` and ``E_QE`` [GeV]. The metadata (``attrs["metadata"]``) gives the
    production point.
    """
    out = events.copy()
    meta = dict(events.attrs.get("metadata", {}))
    out.attrs["metadata"] = meta
    beam = _beam_directions(events, meta)
    for suffix in ("", "_reco"):
        pair = _pair(events, suffix)
        if pair is None:
            continue
        lm, lp = pair
        if f"opening_angle_deg{suffix}" not in out:
            out[f"opening_angle_deg{suffix}"] = _angle_deg(lm[:, 1:], lp[:, 1:])
        if f"angle_to_beam_deg{suffix}" not in out and beam is not None:
            out[f"angle_to_beam_deg{suffix}"] = _angle_deg((lm + lp)[:, 1:], beam)
    if "decay_distance_m" not in out and meta.get("source_position_m") is not None:
        d = events[["vertex_x", "vertex_y", "vertex_z"]].to_numpy(dtype=float)
        out["decay_distance_m"] = np.linalg.norm(d - np.asarray(meta["source_position_m"]), axis=1)
    upscattering = meta.get("generator") == "nuportal.generation.upscattering"
    if "E_vis" not in out and upscattering:
        names = ("e_minus", "e_plus", "mu_minus", "mu_plus", "gamma")
        visible = [p for p in names if f"{p}_E" in out]
        if visible and beam is not None:
            from nuportal.generation.upscattering import reconstructed_energy_qe

            p = sum(_p4(events, name) for name in visible)
            out["E_vis"] = p[:, 0]
            cos = np.einsum("ij,ij->i", p[:, 1:], beam) / np.linalg.norm(p[:, 1:], axis=1)
            out["cos_theta_vis"] = cos
            out["E_QE"] = reconstructed_energy_qe(p[:, 0], cos)
    return out


def _visible_names(df: pd.DataFrame) -> list[str]:
    return [n for n in ("e_minus", "e_plus", "mu_minus", "mu_plus") if f"{n}_E" in df.columns]


_LEPTON_TEX = {"e_minus": "$e^-$", "e_plus": "$e^+$", "mu_minus": r"$\mu^-$", "mu_plus": r"$\mu^+$"}


def _angle_histograms(ax, events: pd.DataFrame, w: np.ndarray, column: str) -> None:
    for col, label, ls in ((column, "true", "-"), (f"{column}_reco", "reconstructed", "--")):
        if col in events.columns:
            ax.hist(events[col], bins=60, range=(0, 180), weights=w, histtype="step", ls=ls,
                    label=label)  # fmt: skip
    ax.legend(fontsize=8)


def plot_events(events: pd.DataFrame, path: str | Path | None = None) -> Figure:
    """Standard distributions of a generated event table (weighted histograms).

    Panels: true and reconstructed energies of the charged leptons, their opening angle, the
    angle of the pair to the flight direction of the parent, and the distance from production
    to decay. Observables missing from the table (HepMC3 files) are computed from the
    four-vectors (:func:`event_observables`). The title gives the model, mass, coupling,
    nature, source and detector.

    Parameters
    ----------
    events : pandas.DataFrame
        Table from :func:`nuportal.generate` or :func:`nuportal.io.read_events`.
    path : str or Path, optional
        Where to save a PNG; the figure is returned either way.
    """
    plt = _pyplot()
    events = event_observables(events)
    w = events["weight"].to_numpy()
    fig, axes = plt.subplots(2, 2, figsize=(10, 8.4), constrained_layout=True)
    ax = axes[0, 0]
    for name in _visible_names(events):
        label = _LEPTON_TEX.get(name, name)
        ax.hist(events[f"{name}_E"] * 1e3, bins=50, weights=w, histtype="step",
                label=f"{label} true")  # fmt: skip
        if f"{name}_E_reco" in events.columns:
            ax.hist(events[f"{name}_E_reco"] * 1e3, bins=50, weights=w, histtype="step", ls="--",
                    label=f"{label} reconstructed")  # fmt: skip
    ax.set_xlabel("lepton energy $E$ [MeV]")
    ax.legend(fontsize=8)

    ax = axes[0, 1]
    _angle_histograms(ax, events, w, "opening_angle_deg")
    ax.set_xlabel(r"opening angle of the lepton pair $\theta_{+-}$ [deg]")

    ax = axes[1, 0]
    _angle_histograms(ax, events, w, "angle_to_beam_deg")
    ax.set_xlabel(r"angle of the pair to the parent's flight $\theta_{\rm beam}$ [deg]")

    ax = axes[1, 1]
    if "decay_distance_m" in events.columns:
        ax.hist(events["decay_distance_m"], bins=60, weights=w, histtype="step")
    ax.set_xlabel("distance from production to decay $L$ [m]")
    if "selected" in events.columns:
        frac = w[events["selected"].to_numpy()].sum() / w.sum() if w.sum() > 0 else 0.0
        ax.set_title(f"weighted fraction selected: {frac:.3f}", fontsize=9)
    for a in axes.ravel():
        a.set_ylabel("weighted events per bin [decays per source decay]", fontsize=8)
    meta = events.attrs.get("metadata", {})
    fig.suptitle(describe_events(meta, len(events)), fontsize=10)
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig


def plot_upscattering(events: pd.DataFrame, path: str | Path | None = None) -> Figure:
    """Standard distributions of upscattering events (weighted by events in the detector).

    Panels: visible energy, cosine of the visible system's angle to the beam, lepton-pair
    opening angle, and the MiniBooNE-like reconstructed neutrino energy E_QE. Missing
    observables (HepMC3 files) are computed from the four-vectors. The title gives the model,
    its couplings, Dirac/Majorana, the beam, the experiment and the decay.

    Parameters
    ----------
    events : pandas.DataFrame
        Output of :func:`nuportal.generation.upscattering.generate_upscattering` or a file read
        by :func:`nuportal.io.read_events`.
    path : str or Path, optional
        Where to save a PNG.
    """
    plt = _pyplot()
    events = event_observables(events)
    w = events["weight"].to_numpy()
    fig, axes = plt.subplots(2, 2, figsize=(10, 8), constrained_layout=True)
    e_max = max(2.0, float(events["E_vis"].max())) if "E_vis" in events else 2.0
    panels = [
        ("E_vis", r"visible energy $E_{\rm vis}$ [GeV]", (0.0, e_max)),
        ("cos_theta_vis", r"$\cos\theta$ of the visible system to the beam", (-1.0, 1.0)),
        ("opening_angle_deg", r"lepton-pair opening angle $\theta_{+-}$ [deg]", (0.0, 180.0)),
        ("E_QE", r"reconstructed $E_{\rm QE}$ [GeV] (CCQE, $E_B$ = 34 MeV)", (0.0, 3.0)),
    ]
    for ax, (column, label, window) in zip(axes.ravel(), panels, strict=True):
        if column in events:
            ax.hist(events[column], bins=50, range=window, weights=w, histtype="step")
        else:  # a photon final state has no pair
            ax.text(0.5, 0.5, "no lepton pair in this final state", ha="center",
                    transform=ax.transAxes, fontsize=9, color="0.4")  # fmt: skip
        ax.set_xlabel(label)
        ax.set_ylabel("events per bin [for the exposure]")
    meta = events.attrs.get("metadata", {})
    fig.suptitle(describe_upscattering(meta, float(w.sum())), fontsize=10)
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig
