"""Small input helpers shared by several stages (one home each; internal, not public API)."""

from __future__ import annotations

import numpy as np

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
