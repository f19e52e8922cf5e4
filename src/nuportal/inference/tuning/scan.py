"""Significance and absorbed fraction versus the injected signal strength (Asimov pseudo-data).

For each strength mu (the signal as built, scaled; for a 3+1 oscillation built at
sin^2 2theta = s_ref the strength mu is sin^2 2theta / s_ref, exact since the signal is linear in
sin^2 2theta) :func:`significance_scan` runs :func:`nuportal.inference.tuning.fit.tuning_study`
on Asimov pseudo-data and tabulates the absorbed fraction, the tune's chi^2 and p-value and the
three discovery significances (definitions in :mod:`.fit`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from nuportal.inference.tuning.fit import TuneProblem, tuning_study

__all__ = ["significance_scan"]


def significance_scan(
    problem: TuneProblem,
    strengths: ArrayLike,
    theta_true: Sequence[float] | None = None,
) -> pd.DataFrame:
    """Tuning studies at several injected strengths (Asimov pseudo-data).

    Parameters
    ----------
    problem : TuneProblem
        With a signal (event or template).
    strengths : array_like
        Injected strengths mu (> 0).
    theta_true : sequence of float, optional
        True knob values (default nominal).

    Returns
    -------
    pandas.DataFrame
        Columns ``mu``, ``signal_events`` (sum of |S| over bins), ``absorbed_fraction``,
        ``chi2``, ``chi2_prior``, ``ndof``, ``p_value``, ``z_true``, ``z_tuned``, ``z_profiled``
        and one column per knob (its tuned value).
    """
    mus = np.atleast_1d(np.asarray(strengths, dtype=float))
    if mus.ndim != 1 or mus.size == 0 or not np.all(np.isfinite(mus)) or np.any(mus <= 0):
        raise ValueError(f"strengths must be finite and > 0, got {strengths!r}")
    rows = []
    for mu in mus:
        r = tuning_study(problem, theta_true, float(mu))
        row = {
            "mu": float(mu),
            "signal_events": float(np.abs(r.signal).sum()),
            "absorbed_fraction": r.absorbed_fraction,
            "chi2": r.tune.chi2,
            "chi2_prior": r.tune.chi2_prior,
            "ndof": r.tune.ndof,
            "p_value": r.tune.p_value,
            "z_true": r.z_true,
            "z_tuned": r.z_tuned,
            "z_profiled": r.z_profiled,
        }
        row.update(dict(zip(problem.response.names, r.tune.values, strict=True)))
        rows.append(row)
    return pd.DataFrame(rows)
