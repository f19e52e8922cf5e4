"""Simulated decays of a new particle from kaons decaying at rest, reduced to what a recast needs.

A recast solves for a coupling, so it keeps the coupling-independent part of each event: its
acceptance weight, the entry and exit distances of its flight line through the detector (the
decay probability at any coupling follows from them) and its reconstructed observables.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from nuportal.analysis.reconstruct import DetectorResponse
from nuportal.detectors import Detector
from nuportal.generation.pipeline import generate

__all__ = ["SimulatedDecays", "simulate_kdar_decays", "weighted_fraction_error", "weighted_mean"]


@dataclass(frozen=True)
class SimulatedDecays:
    """Per-event quantities of one model at one mass, independent of the coupling.

    Attributes
    ----------
    mass, momentum : float
        [GeV]
    acceptance_weight : ndarray
        Per kaon decaying at rest, before branching ratios and the decay probability.
    l_in, l_out : ndarray
        Distances [m] from the source to where each flight line enters and leaves the TPC.
    selected : ndarray of bool
        Passes the reference cuts (thresholds, opening angle).
    opening_angle_deg : ndarray
        Reconstructed e+e- opening angle [degrees].
    """

    mass: float
    momentum: float
    acceptance_weight: np.ndarray
    l_in: np.ndarray
    l_out: np.ndarray
    selected: np.ndarray
    opening_angle_deg: np.ndarray

    def chord(self) -> np.ndarray:
        """Path length through the TPC [m]: the long-lifetime decay weight up to 1/lambda."""
        return self.l_out - self.l_in

    def rate_inputs(self, efficiency: float | np.ndarray) -> dict:
        """Keyword arguments of :func:`~nuportal.recast.rate_matching.signal_rate` for a rate
        per kaon decaying at rest with a per-event (or common) efficiency."""
        w = self.acceptance_weight * np.broadcast_to(efficiency, self.acceptance_weight.shape)
        return {
            "mass": self.mass,
            "momentum": self.momentum,
            "l_in": self.l_in,
            "l_out": self.l_out,
            "weights": w if w.sum() > 0 else None,
            "acceptance": float(w.sum()),
        }

    def passing_fraction_error(self) -> float:
        """Relative standard error of the (long-lifetime weighted) fraction passing the cuts."""
        w = self.acceptance_weight * self.chord()
        c = weighted_mean(self.selected, w)
        return weighted_fraction_error(self.selected, w) / c if c > 0 else math.inf


def simulate_kdar_decays(
    model: str,
    mass: float,
    mixing: str,
    majorana: bool,
    n_events: int,
    detector: Detector,
    response: DetectorResponse,
    seed,
    method: str,
) -> SimulatedDecays:
    """Run :func:`nuportal.generate` and keep the coupling-independent columns of the events
    whose flight line crosses the TPC (see the module docstring)."""
    # the coupling only sets the decay positions, which no observable here depends on
    ev = generate(
        model=model,
        mass=float(mass),
        coupling=1e-8,
        mixing=mixing,
        majorana=majorana,
        n_events=n_events,
        detector=detector,
        method=method,
        seed=seed,
        response=response,
    )
    ev = ev[np.isfinite(ev["path_entry_m"].to_numpy())]
    p = float(np.linalg.norm(ev[["parent_px", "parent_py", "parent_pz"]].to_numpy()[0]))
    return SimulatedDecays(
        mass=float(mass),
        momentum=p,
        acceptance_weight=ev["acceptance_weight"].to_numpy(),
        l_in=ev["path_entry_m"].to_numpy(),
        l_out=ev["path_exit_m"].to_numpy(),
        selected=ev["selected"].to_numpy(),
        opening_angle_deg=ev["opening_angle_deg_reco"].to_numpy(),
    )


def weighted_mean(x: np.ndarray, w: np.ndarray) -> float:
    """sum(w x) / sum(w), NaN for no weight."""
    total = np.sum(w)
    return float(np.sum(w * x) / total) if total > 0 else math.nan


def weighted_fraction_error(x: np.ndarray, w: np.ndarray) -> float:
    """Standard error of sum(w x)/sum(w) for weighted events (delta method)."""
    f = weighted_mean(np.asarray(x, float), w)
    total = np.sum(w)
    return float(np.sqrt(np.sum(w**2 * (x - f) ** 2)) / total) if total > 0 else math.nan
