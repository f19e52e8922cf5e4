"""Propagation of unstable particles: decay lengths, decay-in-volume probabilities, acceptance.

A particle of lab-frame decay length lambda that travels along a ray crossing a volume between
the distances ``l_entry`` and ``l_exit`` from its production point decays inside with probability

    P = exp(-l_entry / lambda) - exp(-l_exit / lambda)
      = exp(-l_entry / lambda) * (-expm1(-(l_exit - l_entry) / lambda)),

and the second form is what is evaluated: it has no cancellation when lambda >> l_exit (where
P -> (l_exit - l_entry) / lambda * exp(-l_entry / lambda)) and no 0 * inf or inf - inf when
lambda -> 0 or lambda -> inf. Lengths are in metres, momenta/masses/widths in GeV.

Misses: geometry routines mark rays that miss a volume with ``l_entry = l_exit = NaN``
(:class:`nuportal.detectors.geometry.Intersection`); the functions here treat such pairs as
"no path inside": probability 0, and no decay point (NaN) from :func:`sample_decay_distance`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal._validation import RngLike, as_rng
from nuportal.constants import HBARC
from nuportal.detectors.geometry import Union, Volume
from nuportal.kinematics import isotropic_directions

__all__ = [
    "decay_length",
    "decay_probability_in_volume",
    "decay_probability_inside",
    "geometric_acceptance",
    "sample_decay_distance",
]


def _scalar_or_array(x: NDArray[np.float64]) -> NDArray[np.float64]:
    return x[()] if x.ndim == 0 else x


def decay_length(momentum: ArrayLike, mass: ArrayLike, total_width: ArrayLike) -> NDArray:
    """Lab-frame mean decay length lambda = beta gamma c tau = (p / m) * hbar c / Gamma.

    Parameters
    ----------
    momentum : array_like
        Momentum |p| [GeV] (>= 0).
    mass : array_like
        Mass [GeV] (> 0).
    total_width : array_like
        Total width Gamma [GeV] (>= 0; 0 gives an infinite decay length).

    Returns
    -------
    ndarray or float
        Decay length [m] (``inf`` for a stable particle, 0 for a particle at rest).
    """
    p = np.asarray(momentum, dtype=float)
    m = np.asarray(mass, dtype=float)
    g = np.asarray(total_width, dtype=float)
    if np.any(~np.isfinite(p) | (p < 0)):
        raise ValueError(f"momentum must be finite and >= 0 GeV, got {momentum!r}")
    if np.any(~np.isfinite(m) | (m <= 0)):
        raise ValueError(f"mass must be finite and > 0 GeV, got {mass!r}")
    if np.any(~np.isfinite(g) | (g < 0)):
        raise ValueError(f"total_width must be finite and >= 0 GeV, got {total_width!r}")
    p, m, g = np.broadcast_arrays(p, m, g)
    num = p * HBARC
    with np.errstate(divide="ignore", invalid="ignore"):
        lam = np.where(g > 0, num / np.where(g > 0, m * g, 1.0), np.where(p > 0, np.inf, 0.0))
    return _scalar_or_array(np.asarray(lam, dtype=float))


def _check_lengths(
    decay_length: ArrayLike, l_entry: ArrayLike, l_exit: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    lam = np.asarray(decay_length, dtype=float)
    a = np.asarray(l_entry, dtype=float)
    b = np.asarray(l_exit, dtype=float)
    if np.any(np.isnan(lam) | (lam < 0)):
        raise ValueError(f"decay_length must be >= 0 m (inf allowed), got {decay_length!r}")
    try:
        lam, a, b = np.broadcast_arrays(lam, a, b)
    except ValueError as exc:
        raise ValueError(
            f"decay_length, l_entry, l_exit with shapes {lam.shape}, {a.shape}, {b.shape} do "
            "not broadcast"
        ) from exc
    miss = np.isnan(a) & np.isnan(b)
    if np.any(np.isnan(a) != np.isnan(b)):
        raise ValueError("l_entry and l_exit must be NaN together (a miss) or both numbers")
    ok = ~miss
    if np.any(~np.isfinite(a[ok]) | ~np.isfinite(b[ok])):
        raise ValueError("l_entry and l_exit must be finite (or NaN together for a miss)")
    if np.any(a[ok] < 0):
        raise ValueError(f"l_entry must be >= 0 m, got minimum {a[ok].min()!r}")
    if np.any(b[ok] < a[ok]):
        raise ValueError("l_exit must be >= l_entry for every ray")
    return lam, np.where(miss, 0.0, a), np.where(miss, 0.0, b), miss


def _ratio(length: NDArray[np.float64], lam: NDArray[np.float64]) -> NDArray[np.float64]:
    """length / lam with 0/0 -> 0, x/0 -> inf, x/inf -> 0, without warnings."""
    pos = lam > 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        r = length / np.where(pos, lam, 1.0)
    return np.where(pos, r, np.where(length > 0, np.inf, 0.0))


def _decay_probability_from_ratios(
    entry_ratio: ArrayLike,
    span_ratio: ArrayLike,
    scale: ArrayLike = 1.0,
    *,
    out: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None,
) -> NDArray[np.float64]:
    """P = exp(-r1) * (-expm1(-r2)) with r1 = scale * entry_ratio, r2 = scale * span_ratio.

    The one home of the decay-in-interval formula (module docstring): r1 = l_entry / lambda and
    r2 = (l_exit - l_entry) / lambda, both >= 0, ``inf`` allowed (P stays exact, no 0 * inf).
    ``scale`` lets a hot loop pass per-event ratios once and one inverse length per call, e.g.
    ``entry_ratio`` = l_entry / p [m/GeV] and ``scale`` = m Gamma / (hbar c) [GeV/m]: the product
    is formed in the same pass as the sign flip. All arguments broadcast. No input checking: the
    callers validate (:func:`decay_probability_inside`, and
    :func:`nuportal.recast.rate_matching.signal_rate` for its per-event average).

    ``out`` = two float64 arrays of the broadcast shape to use as work space (no allocation in a
    loop); the result is then written into ``out[0]``.
    """
    neg_scale = np.negative(scale)
    if out is None:
        return np.exp(np.multiply(entry_ratio, neg_scale)) * -np.expm1(
            np.multiply(span_ratio, neg_scale)
        )
    survive = np.multiply(entry_ratio, neg_scale, out=out[0])  # -l_entry / lambda
    np.exp(survive, out=survive)
    decay = np.multiply(span_ratio, neg_scale, out=out[1])  # -(l_exit - l_entry) / lambda
    np.expm1(decay, out=decay)  # = -(1 - exp(-r2)): no cancellation for lambda >> l_exit
    survive *= decay
    return np.negative(survive, out=survive)


def decay_probability_inside(
    decay_length: ArrayLike, l_entry: ArrayLike, l_exit: ArrayLike
) -> NDArray[np.float64]:
    """Probability to decay between the distances ``l_entry`` and ``l_exit`` from production.

    P = exp(-l_entry/lambda) - exp(-l_exit/lambda), evaluated as
    exp(-l_entry/lambda) * (-expm1(-(l_exit - l_entry)/lambda)) (see the module docstring);
    exact and free of warnings for lambda = 0 (P = 0 unless l_entry = 0 < l_exit, then 1) and
    lambda = inf (P = 0).

    Parameters
    ----------
    decay_length : array_like
        Lab-frame decay length lambda [m] (>= 0, ``inf`` allowed).
    l_entry, l_exit : array_like
        Distances [m] from the production point to where the path enters and leaves the volume,
        ``0 <= l_entry <= l_exit``; ``NaN`` in both marks a miss (P = 0). All three broadcast.

    Returns
    -------
    ndarray or float
        Decay probability in [0, 1].
    """
    lam, a, b, miss = _check_lengths(decay_length, l_entry, l_exit)
    p = _decay_probability_from_ratios(_ratio(a, lam), _ratio(b - a, lam))
    return _scalar_or_array(np.where(miss, 0.0, p))


def sample_decay_distance(
    decay_length: ArrayLike,
    l_entry: ArrayLike,
    l_exit: ArrayLike,
    rng: RngLike = None,
    size: int | tuple[int, ...] | None = None,
) -> NDArray[np.float64]:
    """Draw decay distances from the exponential law truncated to [l_entry, l_exit].

    Inverse CDF: with L = l_exit - l_entry and u uniform in [0, 1),
    ``l = l_entry - lambda * log1p(u * expm1(-L / lambda))``, which tends to ``l_entry + u L``
    (uniform) for lambda >> L and to ``l_entry`` for lambda -> 0, without cancellation or
    warnings. Use together with :func:`decay_probability_inside` as the event weight.

    Parameters
    ----------
    decay_length : array_like
        Lab-frame decay length lambda [m] (>= 0, ``inf`` allowed).
    l_entry, l_exit : array_like
        Interval [m] (``0 <= l_entry <= l_exit``; NaN in both = a miss, giving NaN).
    rng : numpy.random.Generator or int or None
        Random generator or seed.
    size : int or tuple of int, optional
        Output shape; must be broadcast-compatible with the inputs (default: their broadcast
        shape).

    Returns
    -------
    ndarray or float
        Decay distances [m] from the production point, in [l_entry, l_exit].
    """
    lam, a, b, miss = _check_lengths(decay_length, l_entry, l_exit)
    if size is None:
        shape = lam.shape
    else:
        size_t = (int(size),) if np.ndim(size) == 0 else tuple(int(s) for s in size)
        try:
            shape = np.broadcast_shapes(lam.shape, size_t)
        except ValueError as exc:
            raise ValueError(
                f"size {size_t} does not broadcast with the parameters' shape {lam.shape}"
            ) from exc
    u = as_rng(rng).random(shape)
    span = b - a
    with np.errstate(over="ignore", invalid="ignore"):
        x = -lam * np.log1p(u * np.expm1(-_ratio(span, lam)))
    # lambda = inf: uniform; lambda = 0: at the entry point (0 * finite above is already 0).
    x = np.where(np.isinf(lam), u * span, np.where(lam == 0, 0.0, x))
    dist = a + np.clip(x, 0.0, span)
    return _scalar_or_array(np.where(miss, np.nan, dist))


def decay_probability_in_volume(
    volume: Volume, origins: ArrayLike, directions: ArrayLike, decay_length: ArrayLike
) -> NDArray[np.float64]:
    """Probability that particles produced at ``origins`` flying along ``directions`` decay in
    ``volume`` (summed over the components of a :class:`~nuportal.detectors.geometry.Union`).

    Parameters
    ----------
    volume : Volume
        Decay volume [m].
    origins : array_like, shape (3,) or (N, 3)
        Production points [m].
    directions : array_like, shape (3,) or (N, 3)
        Directions of flight.
    decay_length : array_like, shape () or (N,)
        Lab-frame decay lengths [m].

    Returns
    -------
    ndarray, shape (N,)
        Decay probabilities (0 where the ray misses the volume).
    """
    inter = volume.intersect(origins, directions)
    lam = np.asarray(decay_length, dtype=float)
    if isinstance(volume, Union):
        return decay_probability_inside(lam[..., None], inter.t_entry, inter.t_exit).sum(axis=-1)
    return decay_probability_inside(lam, inter.t_entry, inter.t_exit)


def geometric_acceptance(
    volume: Volume, origin: ArrayLike, n_samples: int = 100_000, rng: RngLike = None
) -> tuple[float, float]:
    """Fraction of isotropic directions from ``origin`` whose ray crosses ``volume``.

    A plain Monte Carlo estimate (for a far, small volume sample a cone instead, as the point
    sources in :mod:`nuportal.sources` do).

    Parameters
    ----------
    volume : Volume
        Target volume [m].
    origin : array_like, shape (3,)
        Emission point [m].
    n_samples : int
        Number of random directions (> 0).
    rng : numpy.random.Generator or int or None
        Random generator or seed.

    Returns
    -------
    (float, float)
        Acceptance (solid-angle fraction) and its binomial standard error.
    """
    if int(n_samples) <= 0:
        raise ValueError(f"n_samples must be > 0, got {n_samples!r}")
    n = int(n_samples)
    d = isotropic_directions(n, as_rng(rng))
    hit = volume.path_length(origin, d) > 0
    frac = float(hit.mean())
    return frac, float(np.sqrt(frac * (1.0 - frac) / n))
