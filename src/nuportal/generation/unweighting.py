"""Unweighting: turn weighted events into events of equal weight (a separate, explicit step)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from nuportal.generation.decay_samplers import as_generator

__all__ = ["unweight"]


def unweight(
    events: pd.DataFrame,
    rng: np.random.Generator | int,
    weight: str = "weight",
    max_weight: float | None = None,
) -> pd.DataFrame:
    """Hit-or-miss unweighting: keep event i with probability w_i / w_max.

    The kept events all get the weight ``sum(w) / n_kept``, so the total (e.g. the expected
    number of decays) is preserved exactly and every distribution is preserved in expectation.

    Parameters
    ----------
    events : pandas.DataFrame
        Weighted events (non-negative, finite weights in column ``weight``).
    rng : numpy.random.Generator or int
        Random generator or seed.
    weight : str
        Name of the weight column.
    max_weight : float, optional
        Reference weight w_max (default: the largest weight). A smaller value keeps more events
        but biases the distributions where w > w_max; such events are kept once and counted in
        ``attrs["unweighting"]["overweight_fraction"]``.

    Returns
    -------
    pandas.DataFrame
        The kept events (index reset) with equal weights; ``attrs["unweighting"]`` records the
        efficiency n_kept / n and the overweight fraction.
    """
    if weight not in events.columns:
        raise ValueError(f"no weight column {weight!r} in the events")
    w = events[weight].to_numpy(dtype=float)
    if w.size == 0:
        raise ValueError("cannot unweight an empty event table")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("weights must be finite and >= 0 to unweight")
    w_max = float(w.max()) if max_weight is None else float(max_weight)
    if not (np.isfinite(w_max) and w_max > 0):
        raise ValueError(f"max_weight must be finite and > 0, got {max_weight!r}")
    keep = as_generator(rng).uniform(0.0, w_max, w.size) < w
    out = events.loc[keep].reset_index(drop=True)
    n_kept = int(keep.sum())
    out[weight] = w.sum() / n_kept if n_kept else 0.0
    out.attrs = dict(events.attrs)
    out.attrs["unweighting"] = {
        "efficiency": n_kept / w.size,
        "max_weight": w_max,
        "overweight_fraction": float(np.mean(w > w_max)),
    }
    return out
