"""Generic rate matching: turn a published limit on one model into a limit on another.

A long-lived particle X of mass m and momentum p, produced by N parents with branching ratio
Br_prod, decaying into the visible channel with width Gamma_vis out of Gamma_tot, gives a signal

    R_X(g) = N * Br_prod(g) * A * (Gamma_vis(g) / Gamma_tot(g)) * <P_dec(g)> * eps,
    P_dec  = exp(-l_in / lambda) - exp(-(l_out) / lambda),    lambda = p / (m Gamma_tot) * hbar c,

with l_in, l_out the path lengths at which X enters and leaves the detector (one number each, or
per-event arrays averaged with weights), A the acceptance and eps the efficiency
(rate matching of K. J. Kelly, P. A. N. Machado, arXiv:2106.06548; decay probability of a
particle crossing the detector, standard). The coupling g enters through the
production and the widths; for a heavy neutral lepton g = |U|^2 (Br_prod, Gamma proportional to
g), for a Higgs-portal scalar g = theta^2.

Recasting solves R_X(g) = R_target, where R_target is the rate the published limit of another
model implies (:func:`published_limit_rate`). R_X rises as g^2 while X is long-lived, peaks, and
falls exponentially once X decays before the detector, so the excluded region at each mass is a
band [g_lower, g_upper] (:func:`solve_excluded_band`), or empty. In the long-lifetime regime
R_X / R_target = k g^2 and g_lower = k^(-1/2) (section 8; :func:`long_lifetime_limit`).

Everything here is independent of the particle models and of the event generator: the models
enter as numbers at unit coupling with power laws (:class:`PowerLawScaling`) or as any callable
returning (production, visible width, total width) for an array of couplings.

Units: GeV for masses, momenta and widths; metres for lengths; rates in the units of
``n_parents`` (events when ``n_parents`` is a number of parents).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import brentq, minimize_scalar

from nuportal import propagation
from nuportal.constants import HBARC
from nuportal.propagation import _decay_probability_from_ratios

__all__ = [
    "CouplingModel",
    "ExcludedBand",
    "PowerLawScaling",
    "coupling_limit_from_ratio",
    "decay_length",
    "decay_probability",
    "long_lifetime_limit",
    "long_lifetime_rate_coefficient",
    "mean_decay_probability",
    "published_limit_rate",
    "signal_rate",
    "solve_excluded_band",
    "solve_excluded_bands",
]

#: A coupling model: couplings (array) -> (production, visible width [GeV], total width [GeV]),
#: each broadcastable against the couplings. Production is a branching ratio or any yield per
#: parent; it multiplies ``n_parents``.
CouplingModel = Callable[[np.ndarray], tuple[ArrayLike, ArrayLike, ArrayLike]]

# Largest number of (coupling, event) pairs evaluated at once in the per-event average.
_CHUNK_ELEMENTS = 1 << 16


# ------------------------------------------------------------------ validation helpers


def _array(name: str, value: ArrayLike) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or an array of numbers; got {value!r}") from None
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite; got {_first_bad(arr, ~np.isfinite(arr))}")
    return arr


def _first_bad(arr: np.ndarray, mask: np.ndarray) -> float:
    return float(arr[mask].flat[0]) if arr.ndim else float(arr)


def _positive(name: str, value: ArrayLike) -> np.ndarray:
    arr = _array(name, value)
    if np.any(arr <= 0):
        raise ValueError(f"{name} must be > 0; got {_first_bad(arr, arr <= 0)}")
    return arr


def _non_negative(name: str, value: ArrayLike) -> np.ndarray:
    arr = _array(name, value)
    if np.any(arr < 0):
        raise ValueError(f"{name} must be >= 0; got {_first_bad(arr, arr < 0)}")
    return arr


def _normalized_weights(weights: ArrayLike, shape: tuple[int, ...]) -> np.ndarray:
    """Event weights (>= 0, not all zero, one per event) divided by their sum."""
    w = _non_negative("weights", weights)
    if w.shape != shape:
        raise ValueError(f"weights has shape {w.shape}; expected {shape} (one weight per event)")
    total = w.sum()
    if total <= 0:
        raise ValueError("weights must not all be zero")
    return w / total


_WEIGHTS_NEED_EVENTS = "weights need per-event path lengths: l_in/l_out of shape (n_events,)"


def _overall_factor(
    n_parents: ArrayLike, acceptance: ArrayLike, efficiency: ArrayLike
) -> np.ndarray:
    return (
        _non_negative("n_parents", n_parents)
        * _non_negative("acceptance", acceptance)
        * _non_negative("efficiency", efficiency)
    )


# ------------------------------------------------------------------ decay in a volume


def decay_length(momentum: ArrayLike, mass: ArrayLike, total_width: ArrayLike) -> np.ndarray:
    """Mean decay length in the lab, lambda = p / (m Gamma_tot) * hbar c.

    Parameters
    ----------
    momentum : array_like
        Momentum p [GeV], > 0.
    mass : array_like
        Mass m [GeV], > 0.
    total_width : array_like
        Total width Gamma_tot [GeV], >= 0 (0 gives an infinite decay length).

    Returns
    -------
    numpy.ndarray
        Decay length [m], broadcast shape of the inputs.
    """
    p = _positive("momentum", momentum)
    m = _positive("mass", mass)
    w = _non_negative("total_width", total_width)
    return propagation.decay_length(p, m, w)


def _check_paths(l_in: ArrayLike, l_out: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    a = _non_negative("l_in", l_in)
    b = _array("l_out", l_out)
    try:
        a, b = np.broadcast_arrays(a, b)
    except ValueError:
        raise ValueError(
            f"l_in (shape {a.shape}) and l_out (shape {b.shape}) do not broadcast"
        ) from None
    if np.any(b < a):
        i = np.argmax(b < a) if b.ndim else 0
        raise ValueError(
            f"l_out must be >= l_in (the particle leaves the detector after entering it); "
            f"got l_in = {a.flat[i]}, l_out = {b.flat[i]}"
        )
    return a, b


def decay_probability(l_in: ArrayLike, l_out: ArrayLike, decay_length: ArrayLike) -> np.ndarray:
    """Probability to decay between path lengths l_in and l_out.

    P = exp(-l_in/lambda) - exp(-l_out/lambda), evaluated by
    :func:`nuportal.propagation.decay_probability_inside` as
    exp(-l_in/lambda) * (-expm1(-(l_out - l_in)/lambda)), which keeps full relative precision
    when lambda >> l_out (P -> (l_out - l_in)/lambda) and is 0 for lambda = inf.

    Parameters
    ----------
    l_in, l_out : array_like
        Path lengths [m] from the production point to where the particle enters and leaves the
        detector, 0 <= l_in <= l_out.
    decay_length : array_like
        Mean lab-frame decay length lambda [m], > 0 (``inf`` allowed).

    Returns
    -------
    numpy.ndarray
        Decay probability in [0, 1], broadcast shape of the inputs.
    """
    a, b = _check_paths(l_in, l_out)
    lam = np.asarray(decay_length, dtype=float)
    if np.any(np.isnan(lam)) or np.any(lam <= 0):
        raise ValueError(
            f"decay_length must be > 0 (inf allowed); got {_first_bad(lam, ~(lam > 0))}"
        )
    return propagation.decay_probability_inside(lam, a, b)


def mean_decay_probability(
    l_in: ArrayLike,
    l_out: ArrayLike,
    decay_length: ArrayLike,
    weights: ArrayLike | None = None,
) -> float:
    """Weighted average over events of the decay probability.

    Parameters
    ----------
    l_in, l_out : array_like, shape (n_events,)
        Per-event path lengths [m] to the detector entry and exit, 0 <= l_in <= l_out.
    decay_length : array_like, shape () or (n_events,)
        Lab-frame decay length [m] (one value, or one per event if momenta differ).
    weights : array_like, shape (n_events,), optional
        Non-negative event weights (default: equal weights).

    Returns
    -------
    float
        sum(w P) / sum(w).
    """
    p = decay_probability(l_in, l_out, decay_length)
    if weights is None:
        return float(np.mean(p))
    return float(np.dot(p.ravel(), _normalized_weights(weights, p.shape).ravel()))


# ------------------------------------------------------------------ coupling dependence


@dataclass(frozen=True)
class PowerLawScaling:
    """Production and widths as reference values at unit coupling times powers of the coupling.

    production(g) = production * g**production_power, and likewise for the widths. For a heavy
    neutral lepton mixing with one flavour, g = |U|^2 and all three powers are 1; for a
    Higgs-portal scalar, g = theta^2 and all powers are 1. The reference values may be arrays
    (one entry per mass) that broadcast against the couplings.

    Attributes
    ----------
    production : array_like
        Production branching ratio (or yield per parent) at g = 1, >= 0.
    visible_width : array_like
        Width into the visible channel at g = 1 [GeV], >= 0.
    total_width : array_like
        Total width at g = 1 [GeV], > 0, >= visible_width.
    production_power, visible_width_power, total_width_power : float
        Powers of g (default 1).
    """

    production: ArrayLike
    visible_width: ArrayLike
    total_width: ArrayLike
    production_power: float = 1.0
    visible_width_power: float = 1.0
    total_width_power: float = 1.0

    def __post_init__(self) -> None:
        prod = _non_negative("production", self.production)
        vis = _non_negative("visible_width", self.visible_width)
        tot = _positive("total_width", self.total_width)
        if np.any(vis > tot * (1 + 1e-12)):
            raise ValueError(
                f"visible_width must be <= total_width; got {_first_bad(vis, vis > tot)} GeV "
                f"above the total width"
            )
        for name in ("production_power", "visible_width_power", "total_width_power"):
            value = getattr(self, name)
            if not (isinstance(value, numbers.Real) and math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a finite number > 0; got {value!r}")
        object.__setattr__(self, "production", prod)
        object.__setattr__(self, "visible_width", vis)
        object.__setattr__(self, "total_width", tot)

    def __call__(self, coupling: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Production, visible width [GeV] and total width [GeV] at the given couplings."""
        g = np.asarray(coupling, dtype=float)
        return (
            self.production * g**self.production_power,
            self.visible_width * g**self.visible_width_power,
            self.total_width * g**self.total_width_power,
        )


# ------------------------------------------------------------------ signal rate


def signal_rate(
    coupling: ArrayLike,
    scaling: CouplingModel,
    *,
    mass: ArrayLike,
    momentum: ArrayLike,
    l_in: ArrayLike,
    l_out: ArrayLike,
    weights: ArrayLike | None = None,
    n_parents: ArrayLike = 1.0,
    acceptance: ArrayLike = 1.0,
    efficiency: ArrayLike = 1.0,
) -> np.ndarray:
    """Signal rate with the exact decay probability.

    R(g) = n_parents * Br_prod(g) * acceptance * Gamma_vis(g)/Gamma_tot(g) * <P_dec(g)> * eff,
    P_dec = exp(-l_in/lambda) - exp(-l_out/lambda), lambda = p/(m Gamma_tot(g)) * hbar c
    (as in Kelly & Machado, arXiv:2106.06548).

    Two layouts:

    * Single path lengths (``l_in``, ``l_out`` scalars, ``weights`` None): every argument,
      including ``coupling``, ``mass``, ``momentum`` and the scaling's outputs, broadcasts
      element-wise, so one call covers many masses (e.g. arrays of shape (n_masses,)).
    * Per-event path lengths (``l_in`` and/or ``l_out`` of shape (n_events,)): the probability
      is averaged over events with ``weights``; ``momentum`` is one number or one per event,
      ``mass`` is one number, and the result has the shape of the coupling (and scaling) arrays.

    Parameters
    ----------
    coupling : array_like
        Coupling g (>= 0), e.g. |U|^2 or theta^2; any shape.
    scaling : PowerLawScaling or callable
        g -> (production, visible width [GeV], total width [GeV]).
    mass : array_like
        Particle mass [GeV], > 0.
    momentum : array_like
        Lab momentum [GeV], > 0.
    l_in, l_out : array_like
        Path lengths [m] from production to detector entry and exit, 0 <= l_in <= l_out.
    weights : array_like, optional
        Per-event non-negative weights (per-event layout only; default equal).
    n_parents : array_like
        Number of parent decays (or 1 for a rate per parent).
    acceptance : array_like
        Geometric acceptance (fraction of particles pointing at the detector).
    efficiency : array_like
        Selection efficiency.

    Returns
    -------
    numpy.ndarray
        Expected number of signal events (in the units of ``n_parents``).
    """
    g = _non_negative("coupling", coupling)
    m = _positive("mass", mass)
    p = _positive("momentum", momentum)
    a, b = _check_paths(l_in, l_out)
    factor = _overall_factor(n_parents, acceptance, efficiency)
    prod, vis, tot = (np.asarray(x, dtype=float) for x in scaling(g))
    if not (np.all(np.isfinite(prod)) and np.all(np.isfinite(vis)) and np.all(np.isfinite(tot))):
        raise ValueError("scaling returned a non-finite production or width")
    if np.any(prod < 0) or np.any(vis < 0) or np.any(tot < 0):
        raise ValueError("scaling returned a negative production or width")
    if np.any(vis > tot * (1 + 1e-12)):
        raise ValueError("scaling returned a visible width larger than the total width")
    with np.errstate(invalid="ignore", divide="ignore"):
        br_vis = np.where(tot > 0, vis / np.where(tot > 0, tot, 1.0), 0.0)
    # inverse decay length per unit 1/momentum: kappa = (m Gamma_tot / hbar c) / p  [1/m]
    inv = m * tot / HBARC

    per_event = a.ndim > 0
    if not per_event:
        if weights is not None:
            raise ValueError(_WEIGHTS_NEED_EVENTS)
        kappa = inv / p
        prob = _decay_probability_from_ratios(kappa * a, kappa * (b - a))
        return factor * prod * br_vis * prob

    if a.ndim != 1:
        raise ValueError(f"per-event l_in/l_out must be 1-D (n_events,); got shape {a.shape}")
    if m.ndim != 0:
        raise ValueError("with per-event path lengths, mass must be a single number")
    n_events = a.shape[0]
    if p.ndim not in (0, 1) or (p.ndim == 1 and p.shape[0] != n_events):
        raise ValueError(
            f"with per-event path lengths, momentum must be one number or shape ({n_events},); "
            f"got shape {p.shape}"
        )
    if weights is None:
        w = np.full(n_events, 1.0 / n_events)
    else:
        w = _normalized_weights(weights, (n_events,))
    # l/lambda = kappa * l/p with kappa = m Gamma_tot / hbar c per coupling: per-event ratios l/p
    # once, one scale per coupling, in blocks of couplings (events stay vectorized)
    lin_over_p = a / p
    dl_over_p = (b - a) / p
    shape = np.broadcast_shapes(inv.shape, prod.shape, br_vis.shape)
    inv_flat = np.broadcast_to(inv, shape).ravel()
    mean_prob = np.empty(inv_flat.size)
    chunk = max(1, min(inv_flat.size, _CHUNK_ELEMENTS // n_events))
    work = (np.empty((chunk, n_events)), np.empty((chunk, n_events)))
    for start in range(0, inv_flat.size, chunk):
        k = inv_flat[start : start + chunk, None]
        buffers = tuple(buf[: k.shape[0]] for buf in work)
        prob = _decay_probability_from_ratios(lin_over_p, dl_over_p, k, out=buffers)
        # einsum, not prob @ w: a BLAS gemv here wakes OpenBLAS's threads for every block, which
        # spin (~50% more CPU for a whole recast) and stall when the cores are busy
        mean_prob[start : start + chunk] = np.einsum("ij,j->i", prob, w)
    return factor * prod * br_vis * mean_prob.reshape(shape)


def published_limit_rate(
    limit: ArrayLike,
    scaling: CouplingModel,
    *,
    limit_power: float = 2.0,
    mass: ArrayLike,
    momentum: ArrayLike,
    l_in: ArrayLike,
    l_out: ArrayLike,
    weights: ArrayLike | None = None,
    n_parents: ArrayLike = 1.0,
    acceptance: ArrayLike = 1.0,
    efficiency: ArrayLike = 1.0,
) -> np.ndarray:
    """The signal rate a published limit corresponds to: the target rate of a recast.

    Evaluates :func:`signal_rate` at g = limit**limit_power with the published model's inputs,
    e.g. for MicroBooNE's Higgs-portal scalar: ``limit`` = theta_lim per mass,
    ``limit_power`` = 2, ``scaling`` = PowerLawScaling(Br(K -> pi S)/theta^2,
    Gamma(S -> ee)/theta^2, Gamma_tot/theta^2), ``momentum`` = p_S per mass, ``efficiency`` =
    the published efficiency per mass, ``l_in``, ``l_out`` = distances to the detector.

    Parameters
    ----------
    limit : array_like
        Published limit on the coupling as published (e.g. theta), > 0.
    scaling : PowerLawScaling or callable
        Production and widths of the published model as functions of g = limit**limit_power.
    limit_power : float
        Power turning the published quantity into the coupling g of ``scaling`` (2 for
        theta -> theta^2; 1 if the limit is already on g).
    mass, momentum, l_in, l_out, weights, n_parents, acceptance, efficiency
        As in :func:`signal_rate` (GeV, metres).

    Returns
    -------
    numpy.ndarray
        Target rate (in the units of ``n_parents``).
    """
    lim = _positive("limit", limit)
    if not (math.isfinite(limit_power) and limit_power > 0):
        raise ValueError(f"limit_power must be a finite number > 0; got {limit_power!r}")
    return signal_rate(
        lim**limit_power,
        scaling,
        mass=mass,
        momentum=momentum,
        l_in=l_in,
        l_out=l_out,
        weights=weights,
        n_parents=n_parents,
        acceptance=acceptance,
        efficiency=efficiency,
    )


# ------------------------------------------------------------------ long-lifetime shortcut


def coupling_limit_from_ratio(k: ArrayLike, power: float = 2.0) -> np.ndarray:
    """Limit from the rate ratio in the long-lifetime regime: g_lim = k**(-1/power).

    With R_X(g) / R_target = k g**power (k per unit coupling; power = 2 for an HNL with
    g = |U|^2: production and visible width each proportional to g), R_X = R_target at
    g = k**(-1/power) (Kelly & Machado, arXiv:2106.06548).

    Parameters
    ----------
    k : array_like
        Rate ratio at unit coupling, > 0.
    power : float
        Power of the coupling in the long-lifetime rate (> 0).

    Returns
    -------
    numpy.ndarray
        Coupling limit g_lim.
    """
    kk = _positive("k", k)
    if not (math.isfinite(power) and power > 0):
        raise ValueError(f"power must be a finite number > 0; got {power!r}")
    return kk ** (-1.0 / power)


def long_lifetime_rate_coefficient(
    scaling: PowerLawScaling,
    *,
    mass: ArrayLike,
    momentum: ArrayLike,
    l_in: ArrayLike,
    l_out: ArrayLike,
    weights: ArrayLike | None = None,
    n_parents: ArrayLike = 1.0,
    acceptance: ArrayLike = 1.0,
    efficiency: ArrayLike = 1.0,
) -> np.ndarray:
    """Coefficient C of the long-lifetime rate, R(g) -> C g**(production_power + visible_power).

    For lambda >> l_out, P_dec -> (l_out - l_in)/lambda = (l_out - l_in) m Gamma_tot/(p hbar c),
    Gamma_tot cancels against Br_vis = Gamma_vis/Gamma_tot and

        C = n_parents * acceptance * efficiency * production * visible_width
            * m <(l_out - l_in)/p> / (hbar c).

    Parameters
    ----------
    scaling : PowerLawScaling
        Reference values at unit coupling.
    mass, momentum, l_in, l_out, weights, n_parents, acceptance, efficiency
        As in :func:`signal_rate` (GeV, metres); per-event arrays are averaged with ``weights``.

    Returns
    -------
    numpy.ndarray
        C (rate at unit coupling in the long-lifetime approximation).
    """
    if not isinstance(scaling, PowerLawScaling):
        raise ValueError(
            "long_lifetime_rate_coefficient needs a PowerLawScaling (reference values and powers)"
        )
    m = _positive("mass", mass)
    p = _positive("momentum", momentum)
    a, b = _check_paths(l_in, l_out)
    factor = _overall_factor(n_parents, acceptance, efficiency)
    dl_over_p = (b - a) / p
    if a.ndim > 0:
        if weights is None:
            mean = np.mean(dl_over_p, axis=-1)
        else:
            mean = dl_over_p @ _normalized_weights(weights, dl_over_p.shape[-1:])
    else:
        if weights is not None:
            raise ValueError(_WEIGHTS_NEED_EVENTS)
        mean = dl_over_p
    return factor * scaling.production * scaling.visible_width * m * mean / HBARC


def long_lifetime_limit(
    target_rate: ArrayLike,
    scaling: PowerLawScaling,
    *,
    mass: ArrayLike,
    momentum: ArrayLike,
    l_in: ArrayLike,
    l_out: ArrayLike,
    weights: ArrayLike | None = None,
    n_parents: ArrayLike = 1.0,
    acceptance: ArrayLike = 1.0,
    efficiency: ArrayLike = 1.0,
) -> np.ndarray:
    """Lower edge of the excluded band in the long-lifetime approximation.

    k = C / target_rate with C from :func:`long_lifetime_rate_coefficient`, and
    g_lim = k**(-1/(production_power + visible_width_power)), i.e. k**(-1/2) for an HNL with
    g = |U|^2 (Kelly & Machado, arXiv:2106.06548). Valid when the decay length at g_lim is much
    longer than ``l_out``; :func:`solve_excluded_band` gives the exact edges.

    Parameters
    ----------
    target_rate : array_like
        Rate to match (> 0), e.g. from :func:`published_limit_rate`.
    scaling, mass, momentum, l_in, l_out, weights, n_parents, acceptance, efficiency
        As in :func:`long_lifetime_rate_coefficient`.

    Returns
    -------
    numpy.ndarray
        Coupling limit g_lim.
    """
    target = _positive("target_rate", target_rate)
    coefficient = long_lifetime_rate_coefficient(
        scaling,
        mass=mass,
        momentum=momentum,
        l_in=l_in,
        l_out=l_out,
        weights=weights,
        n_parents=n_parents,
        acceptance=acceptance,
        efficiency=efficiency,
    )
    if np.any(coefficient <= 0):
        raise ValueError(
            "the long-lifetime rate coefficient is zero (no production, visible width or path)"
        )
    return coupling_limit_from_ratio(
        coefficient / target, scaling.production_power + scaling.visible_width_power
    )


# ------------------------------------------------------------------ excluded band


@dataclass(frozen=True)
class ExcludedBand:
    """Excluded coupling interval at one mass.

    Iterating gives ``(lower, upper)``, so ``lo, hi = solve_excluded_band(...)`` works. Both are
    NaN when nothing is excluded. ``lower_at_bound`` / ``upper_at_bound`` say that the rate still
    exceeds the target at ``g_min`` / ``g_max``: the band extends at least to that bound, and the
    returned edge is the bound itself.

    Attributes
    ----------
    lower, upper : float
        Edges of the excluded band (couplings), or NaN.
    lower_at_bound, upper_at_bound : bool
    peak_coupling, peak_rate : float
        Coupling at which the rate peaks in [g_min, g_max], and the peak rate.
    """

    lower: float
    upper: float
    lower_at_bound: bool = False
    upper_at_bound: bool = False
    peak_coupling: float = math.nan
    peak_rate: float = math.nan

    def __iter__(self):
        yield self.lower
        yield self.upper

    @property
    def excluded(self) -> bool:
        """True if some coupling in [g_min, g_max] is excluded."""
        return not math.isnan(self.lower)


def _evaluate(rate_function: Callable[[np.ndarray], Any], g: np.ndarray) -> np.ndarray:
    r = np.asarray(rate_function(g), dtype=float)
    if r.shape != g.shape:
        raise ValueError(
            f"rate_function must map an array of couplings of shape {g.shape} to rates of the same "
            f"shape; it returned shape {r.shape}"
        )
    bad = ~np.isfinite(r) | (r < 0)
    if np.any(bad):
        i = int(np.argmax(bad))
        raise ValueError(
            f"rate_function returned {r.flat[i]!r} at coupling {g.flat[i]!r}; "
            "rates must be finite and >= 0"
        )
    return r


def solve_excluded_band(
    rate_function: Callable[[np.ndarray], Any],
    target_rate: float,
    g_min: float,
    g_max: float,
    *,
    points_per_decade: float = 4.0,
    xtol: float = 1e-12,
) -> ExcludedBand:
    """Couplings g in [g_min, g_max] where the rate exceeds the target.

    The rate rises with g (as g^2 for an HNL while it is long-lived), peaks, and falls
    exponentially when the particle decays before the detector. The function scans
    ln g on a grid, refines the maximum with a bounded scalar minimisation around the best grid
    point, and finds the two crossings R(g) = target with Brent's method on ln g, using
    ln R - ln target (linear in ln g on the rising side). The band returned is the connected one
    around the maximum.

    Parameters
    ----------
    rate_function : callable
        Vectorized rate: maps a 1-D array of couplings to an array of rates (finite, >= 0) of the
        same shape, e.g. ``functools.partial(signal_rate, scaling=..., mass=..., ...)``.
    target_rate : float
        Rate to match, > 0 (same units as ``rate_function``).
    g_min, g_max : float
        Search interval of the coupling, 0 < g_min < g_max.
    points_per_decade : float
        Density of the initial log grid (at least 16 points in total).
    xtol : float
        Absolute tolerance on ln g of the edges.

    Returns
    -------
    ExcludedBand
        ``(lower, upper)`` when iterated; ``(nan, nan)`` if the peak rate is below the target.

    Raises
    ------
    ValueError
        If ``target_rate`` is not > 0 and finite, if not 0 < g_min < g_max < inf, or if
        ``rate_function`` returns a wrong shape, a negative or a non-finite rate.
    """
    checked = []
    for name, value in (("target_rate", target_rate), ("g_min", g_min), ("g_max", g_max)):
        try:  # numbers and 0-d arrays
            number = float(value) if np.ndim(value) == 0 else math.nan
        except (TypeError, ValueError):
            number = math.nan
        if not math.isfinite(number) or number <= 0:
            raise ValueError(f"{name} must be a finite number > 0; got {value!r}")
        checked.append(number)
    target_rate, g_min, g_max = checked
    if not g_min < g_max:
        raise ValueError(f"g_min must be < g_max; got g_min = {g_min!r}, g_max = {g_max!r}")
    if not (math.isfinite(points_per_decade) and points_per_decade > 0):
        raise ValueError(f"points_per_decade must be > 0; got {points_per_decade!r}")

    x_lo, x_hi = math.log(g_min), math.log(g_max)
    n = max(16, math.ceil((x_hi - x_lo) / math.log(10.0) * points_per_decade) + 1)
    x = np.linspace(x_lo, x_hi, n)
    r = _evaluate(rate_function, np.exp(x))
    log_target = math.log(target_rate)
    tiny = np.finfo(float).tiny

    def rate_at(t: float) -> float:
        return float(_evaluate(rate_function, np.array([math.exp(t)]))[0])

    def f(t: float) -> float:
        return math.log(max(rate_at(t), tiny)) - log_target

    i = int(np.argmax(r))
    x_peak, r_peak = float(x[i]), float(r[i])
    if 0 < i < n - 1:
        res = minimize_scalar(
            lambda t: -rate_at(t),
            bounds=(x[i - 1], x[i + 1]),
            method="bounded",
            options={"xatol": 1e-8},
        )
        if -res.fun > r_peak:
            x_peak, r_peak = float(res.x), float(-res.fun)
    if r_peak < target_rate:
        return ExcludedBand(math.nan, math.nan, peak_coupling=math.exp(x_peak), peak_rate=r_peak)

    # lower edge: last point below the target on the rising side
    left = x < x_peak
    xs = np.append(x[left], x_peak)
    rs = np.append(r[left], r_peak)
    below = np.nonzero(rs < target_rate)[0]
    if below.size == 0:
        lower, lower_at_bound = g_min, True
    else:
        j = int(below[-1])
        lower = math.exp(brentq(f, xs[j], xs[j + 1], xtol=xtol))
        lower_at_bound = False

    # upper edge: first point below the target on the falling side
    right = x > x_peak
    xs = np.insert(x[right], 0, x_peak)
    rs = np.insert(r[right], 0, r_peak)
    below = np.nonzero(rs < target_rate)[0]
    if below.size == 0:
        upper, upper_at_bound = g_max, True
    else:
        j = int(below[0])
        upper = math.exp(brentq(f, xs[j - 1], xs[j], xtol=xtol))
        upper_at_bound = False

    return ExcludedBand(
        lower,
        upper,
        lower_at_bound=lower_at_bound,
        upper_at_bound=upper_at_bound,
        peak_coupling=math.exp(x_peak),
        peak_rate=r_peak,
    )


def solve_excluded_bands(
    rate_functions: Sequence[Callable[[np.ndarray], Any]],
    target_rates: ArrayLike,
    g_min: float,
    g_max: float,
    **kwargs: Any,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`solve_excluded_band` for several masses (a loop over masses, not over events).

    Parameters
    ----------
    rate_functions : sequence of callables
        One vectorized rate function per mass.
    target_rates : array_like, shape (n_masses,)
        Rate to match at each mass (> 0).
    g_min, g_max : float
        Search interval, shared by all masses.
    **kwargs
        Passed to :func:`solve_excluded_band`.

    Returns
    -------
    lower, upper : numpy.ndarray, shape (n_masses,)
        Band edges per mass (NaN where nothing is excluded; at g_min/g_max where the band reaches
        the search bound).
    """
    targets = np.atleast_1d(np.asarray(target_rates, dtype=float))
    if targets.ndim != 1 or targets.shape[0] != len(rate_functions):
        raise ValueError(
            f"target_rates must have one entry per rate function ({len(rate_functions)}); "
            f"got shape {targets.shape}"
        )
    bands = [
        solve_excluded_band(fn, float(t), g_min, g_max, **kwargs)
        for fn, t in zip(rate_functions, targets, strict=True)
    ]
    return np.array([b.lower for b in bands]), np.array([b.upper for b in bands])
