"""Small input helpers shared by several stages (one home each; internal, not public API)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: What the stochastic functions accept as ``rng``: a generator, a seed, or None (fresh entropy).
RngLike = np.random.Generator | int | None


def as_rng(rng: RngLike) -> np.random.Generator:
    """``rng`` itself if it is a :class:`numpy.random.Generator`, else ``default_rng(rng)``."""
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def positive_length(value: float, name: str) -> float:
    """``value`` as a float, or a ValueError naming ``name`` unless it is finite and > 0 [m]."""
    v = float(value)
    if not (np.isfinite(v) and v > 0.0):
        raise ValueError(f"{name} must be finite and > 0 m, got {value!r}")
    return v


def scalar_or_array(a: NDArray[np.float64]) -> NDArray[np.float64] | float:
    """A Python float for a 0-d result, the array otherwise (scalar in, scalar out)."""
    return float(a) if np.ndim(a) == 0 else a


def positive_mass(mass: ArrayLike, name: str = "mass") -> NDArray[np.float64]:
    """``mass`` as a float array, or a ValueError naming ``name`` unless finite and > 0 [GeV]."""
    m = np.asarray(mass, dtype=float)
    if np.any(~np.isfinite(m)) or np.any(m <= 0.0):
        raise ValueError(f"{name} must be finite and > 0 GeV, got {mass!r}")
    return m
