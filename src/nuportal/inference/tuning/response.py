"""Per-event response functions of the interaction knobs: reweighting without regeneration.

For each knob k the exact weight ratio w_k(v) of every event (:func:`nuportal.interactions.reweight`
with only that knob) is computed once on ``n_nodes`` Chebyshev nodes of the fit range
[lo_k, hi_k], and a polynomial of degree ``n_nodes - 1`` in v (through the nodes: an interpolant)
is stored per touched event, in v itself or in ln w (whichever reproduces the exact weights
better at the mid-points between the nodes; ln w is exact for Gaussian-shape knobs, w for the
linear normalization knobs). This is the "response function" technique of the T2K and NOvA
fits (per-event splines); the maximum interpolation error at the mid-points is recorded per knob.

Knob weights multiply (the registry's reweighting is a product of single-knob ratios, each from
the generated value), so the weight of an event at a knob vector theta is
prod_k w_k(theta_k). Evaluating it for 1e6 events costs a few polynomial evaluations on the
touched events only, and one product.

A pseudo-knob ``flux_norm`` (nominal 1, sigma 0.1: an overall normalization) is available besides
the registered knobs.

Units: those of each knob (:data:`nuportal.interactions.KNOBS`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["DEFAULT_KNOBS", "KnobResponse", "KnobSpec", "knob_spec"]

#: The NOvA-2018-like set (arXiv:2006.08727): CCQE axial mass, RPA, 2p2h normalization and
#: (q0, |q|) shape, non-resonant pion scale, resonant axial mass.
DEFAULT_KNOBS: tuple[str, ...] = (
    "M_A_QE",
    "rpa_strength",
    "MEC_norm",
    "MEC_q0_mean",
    "MEC_q3_mean",
    "nonres_pion_scale",
    "M_A_RES",
)

#: knob range in prior standard deviations around the nominal (clipped to the knob's range)
RANGE_SIGMAS: float = 4.0


@dataclass(frozen=True)
class KnobSpec:
    """A fit parameter: name, nominal (prior centre), prior sigma and the fit range (knob units)."""

    name: str
    nominal: float
    sigma: float
    lower: float
    upper: float
    unit: str = "1"


def knob_spec(name: str) -> KnobSpec:
    """The fit parameter of a registered knob (or ``flux_norm``); ValueError for unknown names."""
    if name == "flux_norm":
        return KnobSpec("flux_norm", 1.0, 0.1, 1.0 - RANGE_SIGMAS * 0.1, 1.0 + RANGE_SIGMAS * 0.1)
    from nuportal.interactions import KNOBS

    if name not in KNOBS:
        raise ValueError(f"unknown knob {name!r}; known: {sorted([*KNOBS, 'flux_norm'])}")
    k = KNOBS[name]
    lo = max(k.lower, k.nominal - RANGE_SIGMAS * k.sigma)
    hi = min(k.upper, k.nominal + RANGE_SIGMAS * k.sigma)
    return KnobSpec(name, float(k.nominal), float(k.sigma), float(lo), float(hi), k.unit)


def _cheb_nodes(lo: float, hi: float, n: int) -> NDArray[np.float64]:
    # Chebyshev-Lobatto nodes (include the ends): well-conditioned interpolation
    t = np.cos(np.pi * np.arange(n)[::-1] / (n - 1))
    return np.clip(0.5 * (lo + hi) + 0.5 * (hi - lo) * t, lo, hi)


class KnobResponse:
    """Per-event polynomial responses of a set of knobs (see the module docstring).

    Parameters
    ----------
    events : InteractionEvents
        The generated events (with ``metadata["params"]``).
    knobs : sequence of str
        Registered knob names or ``"flux_norm"``.
    n_nodes : int
        Interpolation nodes per knob (>= 3; default 9).
    """

    def __init__(self, events: object, knobs: Sequence[str], n_nodes: int = 9) -> None:
        from nuportal.interactions import reweight

        names = list(knobs)
        if not names:
            raise ValueError("knobs must name at least one knob")
        if len(set(names)) != len(names):
            raise ValueError(f"knobs must be distinct, got {names}")
        if int(n_nodes) < 3:
            raise ValueError(f"n_nodes must be >= 3, got {n_nodes!r}")
        self.specs = [knob_spec(n) for n in names]
        self.n_events = len(events)  # type: ignore[arg-type]
        self._terms: list[tuple[NDArray[np.int64], NDArray[np.float64], bool, float, float]] = []
        self.max_error: dict[str, float] = {}
        self.log_form: dict[str, bool] = {}
        n = int(n_nodes)
        for spec in self.specs:
            if spec.name == "flux_norm":
                # w = v / nominal for every event: exact, linear
                self._terms.append((np.zeros(0, np.int64), np.zeros((0, 1)), False, 0.0, 1.0))
                self.max_error[spec.name] = 0.0
                self.log_form[spec.name] = False
                continue
            nodes = _cheb_nodes(spec.lower, spec.upper, n)
            W = np.stack([reweight(events, **{spec.name: v}) for v in nodes], axis=1)
            touched = np.flatnonzero(np.any(np.abs(W - 1.0) > 1e-12, axis=1))
            Wt = W[touched]
            mids = 0.5 * (nodes[1:] + nodes[:-1])
            Wm = np.stack([reweight(events, **{spec.name: v}) for v in mids], axis=1)[touched]
            # fit on the scaled variable u in [-1, 1] (conditioning)
            c, h = 0.5 * (spec.lower + spec.upper), 0.5 * (spec.upper - spec.lower)
            V = np.vander((nodes - c) / h, n, increasing=True)
            Vm = np.vander((mids - c) / h, n, increasing=True)
            Vinv = np.linalg.inv(V)
            coef_w = Wt @ Vinv.T
            err_w = np.max(np.abs(coef_w @ Vm.T - Wm), initial=0.0)
            use_log = bool(np.all(Wt > 0))
            if use_log:
                coef_l = np.log(Wt) @ Vinv.T
                err_l = np.max(np.abs(np.exp(coef_l @ Vm.T) - Wm), initial=0.0)
                use_log = err_l < err_w
            coef = coef_l if use_log else coef_w
            self._terms.append((touched, coef, use_log, c, h))
            self.max_error[spec.name] = float(min(err_w, err_l) if use_log else err_w)
            self.log_form[spec.name] = use_log

    @property
    def names(self) -> list[str]:
        """Knob names in parameter order."""
        return [s.name for s in self.specs]

    def weights(self, theta: Sequence[float]) -> NDArray[np.float64]:
        """Per-event weight ratio prod_k w_k(theta_k) (one per event, >= 0).

        Parameters
        ----------
        theta : sequence of float
            Knob values in the order of :attr:`names` (knob units), inside each fit range.
        """
        th = np.asarray(theta, dtype=float)
        if th.shape != (len(self.specs),) or not np.all(np.isfinite(th)):
            raise ValueError(f"theta must be {len(self.specs)} finite knob values, got {theta!r}")
        w = np.ones(self.n_events)
        for spec, v, (idx, coef, log, c, h) in zip(self.specs, th, self._terms, strict=True):
            if not (spec.lower - 1e-9 <= v <= spec.upper + 1e-9):
                raise ValueError(
                    f"{spec.name} must be in the fit range [{spec.lower:g}, {spec.upper:g}] "
                    f"{spec.unit}, got {v!r}"
                )
            if spec.name == "flux_norm":
                w *= v / spec.nominal
                continue
            u = (v - c) / h
            p = coef[:, -1].copy()
            for j in range(coef.shape[1] - 2, -1, -1):  # Horner
                p *= u
                p += coef[:, j]
            w[idx] *= np.exp(p) if log else np.maximum(p, 0.0)
        return w

    @property
    def nominal(self) -> NDArray[np.float64]:
        """Prior centres (knob units)."""
        return np.array([s.nominal for s in self.specs])
