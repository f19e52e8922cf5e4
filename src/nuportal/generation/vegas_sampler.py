"""Deterministic vegas adaptation on the unit hypercube and batch sampling through the map.

vegas (G. P. Lepage, J. Comput. Phys. 27 (1978) 192; J. Comput. Phys. 439 (2021) 110386) is used
for two things only:

1. :func:`adapt_map` runs a ``vegas.Integrator`` for a few iterations on a batch integrand over
   [0, 1]^d. Its random numbers come from ``ran_array_generator``, fed by a
   :class:`numpy.random.Generator` seeded with ``seed``, so the adapted grid is a deterministic
   function of the integrand, the settings and the seed (vegas' own generator ``gvar.RNG`` is only
   used by vegas to pick a probe point that fixes the integrand's output shape, which does not
   influence the grid or any result).
2. :func:`map_points` sends uniform numbers drawn from *our* generator through the adapted
   ``vegas.AdaptiveMap``, so the events are reproducible bit for bit from the caller's seed.

Adapted maps are kept in memory only (no pickles: their layout is tied to the vegas version).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import vegas
from numpy.typing import NDArray

__all__ = ["AdaptedMap", "adapt_map", "map_points"]


@dataclass(frozen=True)
class AdaptedMap:
    """A vegas map adapted to an integrand over the unit hypercube.

    Attributes
    ----------
    map : vegas.AdaptiveMap
        The adapted map y in [0, 1)^d -> x in [0, 1]^d. Treat as read-only.
    integral, error : float
        vegas' estimate of the integral over the unit hypercube and its standard error, from the
        adaptation iterations after the first (weighted average); diagnostic only.
    chi2_dof : float
        chi^2 per degree of freedom of the iteration estimates (consistency diagnostic).
    """

    map: vegas.AdaptiveMap
    integral: float
    error: float
    chi2_dof: float

    @property
    def dim(self) -> int:
        """Number of dimensions."""
        return int(self.map.dim)


def adapt_map(
    integrand: Callable[[NDArray[np.float64]], NDArray[np.float64]],
    dim: int,
    *,
    seed: int = 0,
    nitn: int = 8,
    neval: int = 20_000,
    alpha: float = 0.5,
    warmup: int = 2,
) -> AdaptedMap:
    """Adapt a vegas map to ``integrand`` over [0, 1]^dim, deterministically given ``seed``.

    Parameters
    ----------
    integrand : callable
        Batch integrand: takes x of shape (n, dim) in [0, 1]^dim and returns f of shape (n,).
    dim : int
        Number of dimensions.
    seed : int
        Seed of the :class:`numpy.random.Generator` that supplies vegas' random numbers.
    nitn : int
        Number of vegas iterations (all of them adapt the map).
    neval : int
        Integrand evaluations per iteration (upper bound, vegas' ``neval``).
    alpha : float
        vegas damping parameter of the grid adaptation.
    warmup : int
        Number of first iterations left out of the reported integral estimate.

    Returns
    -------
    AdaptedMap
    """
    if dim < 1:
        raise ValueError(f"dim must be >= 1, got {dim}")
    if nitn <= warmup:
        raise ValueError(f"nitn must exceed warmup = {warmup}, got {nitn}")
    gen = np.random.default_rng(seed)

    def ran_array_generator(size: tuple[int, ...]) -> NDArray[np.float64]:
        return gen.random(size)

    @vegas.lbatchintegrand
    def f(x: NDArray[np.float64]) -> NDArray[np.float64]:
        return integrand(np.ascontiguousarray(x))

    integ = vegas.Integrator(
        [[0.0, 1.0]] * dim,
        ran_array_generator=ran_array_generator,
        sync_ran=False,
        mpi=False,
        nproc=1,
    )
    integ(f, nitn=warmup, neval=neval, alpha=alpha)
    result = integ(f, nitn=nitn - warmup, neval=neval, alpha=alpha)
    return AdaptedMap(
        map=vegas.AdaptiveMap(integ.map),
        integral=float(result.mean),
        error=float(result.sdev),
        chi2_dof=float(result.chi2 / result.dof) if result.dof > 0 else 0.0,
    )


def map_points(
    adapted: vegas.AdaptiveMap, y: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Map uniform points y in [0, 1)^d through a vegas map.

    Parameters
    ----------
    adapted : vegas.AdaptiveMap
        The map (not modified).
    y : ndarray, shape (n, d)
        Uniform random numbers (C-contiguous float64), e.g. from ``Generator.random((n, d))``.

    Returns
    -------
    x : ndarray, shape (n, d)
        Mapped points in the unit hypercube, distributed with density 1/jac.
    jac : ndarray, shape (n,)
        Jacobian dx/dy: the importance weight of each point (its mean estimates the volume 1).
    """
    y = np.ascontiguousarray(y, dtype=float)
    x = np.empty_like(y)
    jac = np.empty(y.shape[0])
    adapted.map(y, x, jac, y.shape[0])
    return x, jac
