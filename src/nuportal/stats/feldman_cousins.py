"""Feldman-Cousins critical values from pseudo-experiments, for Gaussian fit statistics.

For a true point theta_t the pseudo-data are x ~ N(mu(theta_t), V(theta_t)) and the ordering
statistic is Delta = T(theta_t; x) - min_grid T(theta; x), with
T = (x - mu)^T V^-1 (x - mu) (+ ln det V for a -2 ln L). The critical value at confidence CL is
the CL quantile of Delta over the pseudo-experiments; theta_t is inside the region when the data's
Delta is below it (G. J. Feldman and R. D. Cousins, Phys. Rev. D 57, 3873 (1998)).

Both fits of :mod:`nuportal.stats.oscillation_fit` are of this form:

* MiniBooNE: mu = no-oscillation prediction + signal (collapsed nu_e, nu_mu vectors) and V the
  recipe's collapsed covariance, statistic -2 ln L (:mod:`nuportal.stats.miniboone_fit`);
* LSND: mu = background + signal per L/E bin and V = diag(error^2) + sigma_eta^2 s s^T, which is
  exactly the chi^2 with the normalization nuisance profiled (:mod:`nuportal.stats.lsnd_fit`).

Points are independent: :func:`feldman_cousins` maps them through any concurrent.futures
executor (a local pool or a dask client's executor), each seeded from (seed, point).
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass
from functools import lru_cache, partial

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from tqdm.auto import tqdm

from nuportal.stats import lsnd_fit, miniboone_fit

__all__ = ["GaussianGridModel", "critical_value", "feldman_cousins", "grid_model"]


@dataclass(frozen=True)
class GaussianGridModel:
    """Means, inverse covariances and log-determinants of a Gaussian model on a grid.

    Attributes
    ----------
    sin2_2theta, dm2_eV2 : ndarray, shape (n,)
        The grid points (flattened).
    mean : ndarray, shape (n, k)
    inverse_covariance : ndarray, shape (n, k, k)
    covariance : ndarray, shape (n, k, k)
    logdet : ndarray, shape (n,)
        ln det V, added to the statistic for a -2 ln L (zeros for a chi^2).
    data : ndarray, shape (k,)
        The observed vector.
    """

    sin2_2theta: np.ndarray
    dm2_eV2: np.ndarray
    mean: np.ndarray
    inverse_covariance: np.ndarray
    covariance: np.ndarray
    logdet: np.ndarray
    data: np.ndarray

    def statistic(self, x: np.ndarray) -> np.ndarray:
        """T at every grid point for pseudo-data x of shape (t, k) -> (t, n)."""
        r = x[:, None, :] - self.mean[None, :, :]
        return np.einsum("tni,nij,tnj->tn", r, self.inverse_covariance, r) + self.logdet


def _finish(sin2, dm2, mean, cov, data, with_logdet: bool) -> GaussianGridModel:
    sign, logdet = np.linalg.slogdet(cov)
    if np.any(sign <= 0):
        raise ValueError("a covariance matrix on the grid is not positive definite")
    return GaussianGridModel(
        sin2_2theta=sin2,
        dm2_eV2=dm2,
        mean=mean,
        inverse_covariance=np.linalg.inv(cov),
        covariance=cov,
        logdet=logdet if with_logdet else np.zeros_like(logdet),
        data=data,
    )


def grid_model(
    experiment: str, sin2_grid: ArrayLike, dm2_grid: ArrayLike, mode: str = "combined"
) -> GaussianGridModel:
    """The Gaussian model of ``"miniboone"`` (-2 ln L) or ``"lsnd"`` (chi^2) on a grid."""
    s_grid = np.asarray(sin2_grid, float)
    d_grid = np.asarray(dm2_grid, float)
    d, s = (a.ravel() for a in np.meshgrid(d_grid, s_grid, indexing="ij"))
    if experiment == "miniboone":
        setup = miniboone_fit._setup(mode)
        s, d = miniboone_fit._validate(s, d)
        dm2_unique, inverse = np.unique(d, return_inverse=True)
        sig = s[:, None] * miniboone_fit._full_transmutation_signal(setup, dm2_unique)[inverse]
        mean = np.repeat(setup.prediction0[None], s.size, axis=0)
        mean[:, setup.nue_idx] += sig
        cov = miniboone_fit._covariance_batch(setup, sig)
        return _finish(s, d, mean, cov, setup.data, with_logdet=True)
    if experiment == "lsnd":
        m = lsnd_fit._model()
        dm2_unique, inverse = np.unique(d, return_inverse=True)
        sig = s[:, None] * lsnd_fit.lsnd_template(dm2_unique)[inverse]
        eta = lsnd_fit.NORMALIZATION_UNCERTAINTY
        cov = np.diag(m.error**2)[None] + eta**2 * sig[:, :, None] * sig[:, None, :]
        return _finish(s, d, m.background[None] + sig, cov, m.data, with_logdet=False)
    raise ValueError(f"unknown experiment {experiment!r}; choose 'miniboone' or 'lsnd'")


def critical_value(
    model: GaussianGridModel,
    index: int,
    n_toys: int = 500,
    confidence: float = 0.9,
    rng: np.random.Generator | int = 0,
) -> tuple[float, float]:
    """(critical Delta at ``confidence``, the data's Delta) for the grid point ``index``.

    The true point is on the grid, so Delta >= 0 for every pseudo-experiment.
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    if int(n_toys) < 10:
        raise ValueError(f"n_toys must be >= 10, got {n_toys!r}")
    rng = np.random.default_rng(rng)
    toys = rng.multivariate_normal(
        model.mean[index], model.covariance[index], size=int(n_toys), method="cholesky"
    )
    deltas = np.empty(int(n_toys))
    for k in range(0, toys.shape[0], 64):  # bounded memory: (64, n_grid, k) residuals
        t = model.statistic(toys[k : k + 64])
        deltas[k : k + 64] = t[:, index] - t.min(axis=1)
    data_t = model.statistic(model.data[None])[0]
    return float(np.quantile(deltas, confidence)), float(data_t[index] - data_t.min())


@lru_cache(maxsize=4)
def _cached_model(experiment: str, sin2: tuple, dm2: tuple, mode: str) -> GaussianGridModel:
    return grid_model(experiment, np.array(sin2), np.array(dm2), mode)


def _point(index: int, experiment, sin2_grid, dm2_grid, mode, n_toys, confidence, seed):
    # one grid model per worker process and grid, reused for all its points
    model = _cached_model(experiment, tuple(sin2_grid), tuple(dm2_grid), mode)
    return critical_value(model, index, n_toys, confidence, [int(seed), int(index)])


def feldman_cousins(
    experiment: str,
    sin2_grid: ArrayLike,
    dm2_grid: ArrayLike,
    mode: str = "combined",
    n_toys: int = 500,
    confidence: float = 0.9,
    seed: int = 1,
    points: ArrayLike | None = None,
    executor: Executor | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Feldman-Cousins critical values on a grid (or at some of its points).

    Parameters
    ----------
    experiment : {"miniboone", "lsnd"}
    sin2_grid, dm2_grid : array_like
        1-D grids (the fit's grid: the minimum over it defines Delta).
    mode : {"nu", "nubar", "combined"}
        MiniBooNE beam mode.
    n_toys : int
        Pseudo-experiments per point.
    confidence : float
        Confidence level of the critical value.
    seed : int
        Each point is seeded from (seed, point index): the result does not depend on the
        executor or on the order of the points.
    points : array_like of int, optional
        Flat (dm2-major) indices of the grid points to evaluate (default: all).
    executor : concurrent.futures.Executor, optional
        Runs the points (each worker builds the grid model once and keeps it); serial if
        omitted.
    progress : bool
        Show a progress bar (one step per grid point).

    Returns
    -------
    pandas.DataFrame
        ``dm2_eV2``, ``sin2_2theta``, ``delta_critical``, ``delta_data`` and ``inside``
        (delta_data <= delta_critical: the point is in the Feldman-Cousins region).
    """
    s_grid, d_grid = np.asarray(sin2_grid, float), np.asarray(dm2_grid, float)
    n = s_grid.size * d_grid.size
    idx = np.arange(n) if points is None else np.asarray(points, int).ravel()
    if np.any((idx < 0) | (idx >= n)):
        raise ValueError(f"points must be flat grid indices in [0, {n})")
    grid_model(experiment, s_grid[:1], d_grid[:1], mode)  # fail fast on bad input
    work = partial(
        _point, experiment=experiment, sin2_grid=s_grid, dm2_grid=d_grid, mode=mode,
        n_toys=n_toys, confidence=confidence, seed=seed,
    )  # fmt: skip
    mapper = map if executor is None else executor.map
    with tqdm(total=idx.size, unit="point", desc="Feldman-Cousins", disable=not progress) as bar:
        results = []
        for result in mapper(work, idx.tolist()):
            results.append(result)
            bar.update(1)
    d_flat, s_flat = (a.ravel() for a in np.meshgrid(d_grid, s_grid, indexing="ij"))
    crit = np.array([r[0] for r in results])
    data = np.array([r[1] for r in results])
    return pd.DataFrame(
        {
            "dm2_eV2": d_flat[idx],
            "sin2_2theta": s_flat[idx],
            "delta_critical": crit,
            "delta_data": data,
            "inside": data <= crit,
        }
    )
