"""Sterile-neutrino fits on a (sin^2 2theta, dm^2) grid: MiniBooNE, LSND and both together.

* MiniBooNE: the collaboration's -2 ln L (:mod:`nuportal.stats.miniboone_fit`).
* LSND: chi^2 of the released L/E excess (:mod:`nuportal.stats.lsnd_fit`).
* joint: the sum of the two (independent data sets), -2 ln L_MB + chi^2_LSND.

Regions use Wilks' theorem for two parameters (Delta = 2.30, 4.61, 9.21, 11.83 for 1 sigma,
90 %, 99 %, 3 sigma); Feldman-Cousins critical values from pseudo-experiments are in
:mod:`nuportal.stats.feldman_cousins`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from nuportal.stats import lsnd_fit, miniboone_fit

__all__ = ["DEFAULT_DM2_GRID", "DEFAULT_SIN2_GRID", "EXPERIMENTS", "fit_surface"]

EXPERIMENTS = ("miniboone", "lsnd", "joint")
#: Default grids: 100 x 100 log-spaced points.
DEFAULT_SIN2_GRID = np.geomspace(1e-4, 1.0, 100)
DEFAULT_DM2_GRID = np.geomspace(1e-2, 1e2, 100)


def fit_surface(
    experiment: str = "miniboone",
    mode: str = "combined",
    sin2_grid: ArrayLike | None = None,
    dm2_grid: ArrayLike | None = None,
) -> pd.DataFrame:
    """The fit statistic on the grid sin2_grid x dm2_grid, with its minimum and regions.

    Parameters
    ----------
    experiment : {"miniboone", "lsnd", "joint"}
    mode : {"nu", "nubar", "combined"}
        MiniBooNE beam mode (ignored for LSND alone).
    sin2_grid, dm2_grid : array_like, optional
        1-D grids of sin^2 2theta_mue in [0, 1] and dm^2_41 [eV^2] (default: 100 log-spaced
        points each, 1e-4..1 and 1e-2..1e2 eV^2).

    Returns
    -------
    pandas.DataFrame
        One row per point (dm2-major): ``dm2_eV2``, ``sin2_2theta``, the statistic
        (``minus2lnL`` for MiniBooNE and joint, ``chi2`` for LSND), ``delta`` (statistic minus
        its grid minimum) and, for the joint fit, both components. ``attrs``: ``statistic``,
        ``best_fit`` (dict), ``levels`` (Wilks, 2 dof), ``experiment``, ``mode``.
    """
    if experiment not in EXPERIMENTS:
        raise ValueError(f"unknown experiment {experiment!r}; choose from {list(EXPERIMENTS)}")
    s = DEFAULT_SIN2_GRID if sin2_grid is None else np.asarray(sin2_grid, float)
    d = DEFAULT_DM2_GRID if dm2_grid is None else np.asarray(dm2_grid, float)
    if experiment in ("miniboone", "joint"):
        mb = miniboone_fit.surface(mode, s, d)
    if experiment in ("lsnd", "joint"):
        ls = lsnd_fit.surface_lsnd(s, d)
    if experiment == "miniboone":
        table, statistic = mb[["dm2_eV2", "sin2_2theta", "minus2lnL", "chi2"]].copy(), "minus2lnL"
    elif experiment == "lsnd":
        table, statistic = ls[["dm2_eV2", "sin2_2theta", "chi2"]].copy(), "chi2"
    else:
        # both tables are dm2-major on the same grids: add point by point
        table = mb[["dm2_eV2", "sin2_2theta"]].copy()
        table["minus2lnL_miniboone"] = mb["minus2lnL"].to_numpy()
        table["chi2_lsnd"] = ls["chi2"].to_numpy()
        table["minus2lnL"] = table["minus2lnL_miniboone"] + table["chi2_lsnd"]
        statistic = "minus2lnL"
    values = table[statistic].to_numpy()
    table["delta"] = values - values.min()
    best = table.loc[int(np.argmin(values))]
    table.attrs = {
        "experiment": experiment,
        "mode": mode if experiment != "lsnd" else None,
        "statistic": statistic,
        "best_fit": {k: float(best[k]) for k in ("dm2_eV2", "sin2_2theta", statistic)},
        "levels": miniboone_fit.contour_levels(2),
    }
    return table
