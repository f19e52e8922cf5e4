"""Transfer a published signal efficiency from one model (scalar S) to another (HNL N).

Methods 1 and 2 follow K. J. Kelly, P. A. N. Machado, arXiv:2106.06548; the third is this
package's own:

``"same"``
    eps_N(m) = eps_S(m).
``"opening-angle"``
    eps read off the map <cos theta_ee>_S(m_S) -> eps_S(m_S) at the HNL's <cos theta_ee>, times
    the conservative factor r = min(1, eps_map/eps_S, eps_map/eps_S * c_N/c_S) with c the
    fraction passing the reference cuts.
``"per-event"``
    a function eps(theta_ee) in [0, 1] of the reconstructed opening angle, fitted to reproduce
    all published eps_S(m) at once when folded with simulated S events, folded with N events.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import lsq_linear

from nuportal.recast.kdar_events import SimulatedDecays, weighted_fraction_error, weighted_mean

__all__ = [
    "EFFICIENCY_METHODS",
    "OpeningAngleEfficiency",
    "fit_opening_angle_efficiency",
    "transfer_efficiency",
]

EFFICIENCY_METHODS = ("same", "opening-angle", "per-event")


@dataclass(frozen=True)
class OpeningAngleEfficiency:
    """Per-event efficiency eps(theta_ee), piecewise linear in the reconstructed opening angle.

    Attributes
    ----------
    knots_deg : ndarray
        Knots [degrees].
    values : ndarray
        eps at the knots, in [0, 1].
    fitted, published : ndarray
        eps_S(m) reproduced by the fit and published, at the data masses.
    """

    knots_deg: np.ndarray
    values: np.ndarray
    fitted: np.ndarray
    published: np.ndarray

    def __call__(self, angle_deg: np.ndarray) -> np.ndarray:
        return np.interp(angle_deg, self.knots_deg, self.values)

    @property
    def rms_relative_deviation(self) -> float:
        """Root-mean-square relative deviation of the refolded eps_S from the published one."""
        return float(np.sqrt(np.mean(((self.fitted - self.published) / self.published) ** 2)))


def _hat_basis(angle_deg: np.ndarray, knots: np.ndarray) -> np.ndarray:
    eye = np.eye(len(knots))
    return np.stack([np.interp(angle_deg, knots, eye[k]) for k in range(len(knots))], axis=-1)


def fit_opening_angle_efficiency(
    scalar_events: Sequence[SimulatedDecays],
    scalar_probabilities: Sequence[np.ndarray],
    published: np.ndarray,
    knots_deg: np.ndarray | None = None,
    smoothing: float = 0.02,
) -> OpeningAngleEfficiency:
    """Fit eps(theta_ee) in [0, 1] to the published eps_S(m).

    Folded with the S events of each data mass (weights = acceptance x decay probability, only
    events passing the reference cuts) the function must reproduce eps_S(m): bounded linear least
    squares (scipy ``lsq_linear``) on the relative residuals, with a second-difference smoothness
    penalty of strength ``smoothing``.
    """
    knots = np.linspace(0.0, 180.0, 19) if knots_deg is None else np.asarray(knots_deg, float)
    rows = []
    for sim, prob in zip(scalar_events, scalar_probabilities, strict=True):
        w = sim.acceptance_weight * prob
        basis = _hat_basis(sim.opening_angle_deg, knots) * sim.selected[:, None]
        rows.append((w[:, None] * basis).sum(axis=0) / w.sum())
    design = np.array(rows) / published[:, None]
    d2 = np.diff(np.eye(len(knots)), n=2, axis=0) * smoothing
    a = np.vstack([design, d2])
    b = np.concatenate([np.ones(len(published)), np.zeros(len(d2))])
    fit = lsq_linear(a, b, bounds=(0.0, 1.0), method="bvls")
    values = np.clip(fit.x, 0.0, 1.0)  # bvls may leave round-off just outside the bounds
    return OpeningAngleEfficiency(knots, values, np.array(rows) @ values, np.asarray(published))


def transfer_efficiency(
    method: str,
    hnl: SimulatedDecays,
    eps_s: float,
    c_s: float,
    scalar_cos: np.ndarray,
    scalar_eps: np.ndarray,
    per_event: OpeningAngleEfficiency,
) -> tuple[float | np.ndarray, float]:
    """The HNL efficiency (a number or one value per event) and its relative statistical error.

    Parameters
    ----------
    method : {"same", "opening-angle", "per-event"}
    hnl : SimulatedDecays
        The HNL events at this mass.
    eps_s, c_s : float
        Published scalar efficiency and simulated passing fraction at the reference mass.
    scalar_cos, scalar_eps : ndarray
        The map <cos theta_ee>_S(m_S) -> eps_S(m_S) over the published masses.
    per_event : OpeningAngleEfficiency
        The fitted per-event efficiency.
    """
    w_long = hnl.acceptance_weight * hnl.chord()  # long-lifetime shape of the decay weights
    if method == "same":
        return eps_s, 0.0
    if method == "opening-angle":
        c_n = weighted_mean(hnl.selected, w_long)
        cos_n = weighted_mean(np.cos(np.radians(hnl.opening_angle_deg)), w_long * hnl.selected)
        order = np.argsort(scalar_cos)
        ratio = float(np.interp(cos_n, scalar_cos[order], scalar_eps[order])) / eps_s
        r = min(1.0, ratio, ratio * c_n / c_s)
        # statistical error: that of c_N when the passing-fraction term decides r
        binding = r < 1.0 and ratio * c_n / c_s < ratio
        err = weighted_fraction_error(hnl.selected, w_long) / c_n if binding else 0.0
        return eps_s * r, err
    if method == "per-event":
        eps = per_event(hnl.opening_angle_deg) * hnl.selected
        mean = weighted_mean(eps, w_long)
        return eps, (weighted_fraction_error(eps, w_long) / mean if mean > 0 else math.nan)
    raise ValueError(f"unknown efficiency method {method!r}; choose from {EFFICIENCY_METHODS}")
