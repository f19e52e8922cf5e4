"""Sources of new particles: a monochromatic isotropic point source and user-given parents.

The monochromatic point source is what a meson decaying at rest produces (K+ -> mu+ N from kaons
stopped in an absorber: every N has the same momentum, isotropically distributed). A detector far
away covers a tiny solid angle, so directions are drawn only inside the cone that contains the
detector, and each event carries the exact fraction of the sphere that cone covers. Drawing
isotropically and throwing away misses would give the same distribution at ~1e4 times the cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal.detectors.geometry import Volume, sample_uniform_points
from nuportal.kinematics import rotate_z_to, unit_vectors

__all__ = ["MonochromaticPointSource", "ParentBeam", "parents_from_list"]


@dataclass(frozen=True)
class ParentBeam:
    """Decaying particles handed from the source stage to propagation.

    Attributes
    ----------
    momenta : ndarray, shape (N, 4)
        Four-momenta [GeV] in the detector frame.
    origins : ndarray, shape (N, 3)
        Production points [m] in the detector frame.
    weights : ndarray, shape (N,)
        Expected number of particles per source decay represented by each entry (for the point
        source: the solid-angle fraction of the sampling cone divided by N).
    polarization : ndarray, shape (N,)
        Helicity of each particle along its direction of motion, in [-1, 1].
    """

    momenta: NDArray[np.float64]
    origins: NDArray[np.float64]
    weights: NDArray[np.float64]
    polarization: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))

    def __len__(self) -> int:
        return len(self.momenta)

    @property
    def directions(self) -> NDArray[np.float64]:
        """Unit vectors of the momenta, shape (N, 3)."""
        p = self.momenta[:, 1:]
        return p / np.linalg.norm(p, axis=1, keepdims=True)


@dataclass(frozen=True)
class MonochromaticPointSource:
    """Particles of one mass and one momentum emitted isotropically from a point.

    Parameters
    ----------
    position : array_like, shape (3,)
        Emission point [m] in the detector frame.
    mass : float
        Mass of the emitted particle [GeV].
    momentum : float
        Momentum [GeV] (> 0).
    polarization : float
        Helicity of the emitted particles along their direction of motion, in [-1, 1].
    """

    position: ArrayLike
    mass: float
    momentum: float
    polarization: float = 0.0

    def __post_init__(self) -> None:
        if not (np.isfinite(self.momentum) and self.momentum > 0):
            raise ValueError(f"momentum must be finite and > 0 GeV, got {self.momentum}")
        if not (np.isfinite(self.mass) and self.mass >= 0):
            raise ValueError(f"mass must be finite and >= 0 GeV, got {self.mass}")
        if not -1.0 <= self.polarization <= 1.0:
            raise ValueError(f"polarization must lie in [-1, 1], got {self.polarization}")

    def sample_towards(
        self,
        target_center: ArrayLike,
        target_radius: float,
        n: int,
        rng: np.random.Generator,
    ) -> ParentBeam:
        """Draw ``n`` particles inside the cone that contains a sphere around the target.

        Parameters
        ----------
        target_center : array_like, shape (3,)
            Centre of a sphere enclosing the detector [m].
        target_radius : float
            Radius of that sphere [m].
        n : int
            Number of particles.
        rng : numpy.random.Generator

        Returns
        -------
        ParentBeam
            Weights sum to the fraction of an isotropic emission that falls in the cone,
            (1 - cos alpha)/2 with sin alpha = radius / distance (the whole sphere if the point
            lies inside it).
        """
        origin = np.asarray(self.position, float)
        axis = np.asarray(target_center, float) - origin
        distance = float(np.linalg.norm(axis))
        if distance > target_radius:
            cos_alpha = np.sqrt(1.0 - (target_radius / distance) ** 2)
            axis = axis / distance
        else:
            cos_alpha, axis = -1.0, np.array([0.0, 0.0, 1.0])
        cos_t = rng.uniform(cos_alpha, 1.0, n)
        phi = rng.uniform(0.0, 2.0 * np.pi, n)
        directions = rotate_z_to(unit_vectors(cos_t, phi), axis)
        fraction = 0.5 * (1.0 - cos_alpha)
        return self._beam(directions, np.full(n, fraction / n))

    def sample_through(self, volume: Volume, n: int, rng: np.random.Generator) -> ParentBeam:
        """Draw ``n`` particles whose flight lines all cross ``volume``.

        Directions point from the source to points drawn uniformly inside the volume, so a
        direction d is drawn with density p(d) = sum over crossings of (l_out^3 - l_in^3) / (3 V)
        per steradian (l_in, l_out: distances [m] from the source to where the line enters and
        leaves the volume). Each particle carries the exact isotropic weight
        (1 / 4 pi) / p(d) / n, so the weights of all particles sum, in expectation, to the
        fraction of an isotropic emission that crosses the volume. For a long-lived particle the
        decay probability is proportional to the chord l_out - l_in, which nearly cancels the
        weight: the estimate of the decay rate then has almost no variance.

        Parameters
        ----------
        volume : Volume
            Target volume [m] (box, sphere, cylinder or a union of them), not containing the
            source point.
        n : int
            Number of particles.
        rng : numpy.random.Generator
        """
        origin = np.asarray(self.position, float)
        if np.any(volume.contains(origin)):
            raise ValueError("the source lies inside the target volume; use sample_isotropic")
        points = sample_uniform_points(volume, n, rng)
        directions = points - origin
        directions /= np.linalg.norm(directions, axis=1, keepdims=True)
        inter = volume.intersect(origin, directions)
        cubes = np.nan_to_num(inter.t_exit**3 - inter.t_entry**3, nan=0.0)
        if cubes.ndim == 2:  # a union: every crossing contributes
            cubes = cubes.sum(axis=1)
        weights = 3.0 * volume.volume / (4.0 * np.pi * cubes) / n
        return self._beam(directions, weights)

    def sample_isotropic(self, n: int, rng: np.random.Generator) -> ParentBeam:
        """Draw ``n`` particles over the full sphere (weights 1/n)."""
        directions = unit_vectors(rng.uniform(-1.0, 1.0, n), rng.uniform(0.0, 2.0 * np.pi, n))
        return self._beam(directions, np.full(n, 1.0 / n))

    def _beam(self, directions: NDArray[np.float64], weights: NDArray[np.float64]) -> ParentBeam:
        n = len(directions)
        momenta = np.empty((n, 4))
        momenta[:, 0] = np.hypot(self.momentum, self.mass)
        momenta[:, 1:] = self.momentum * directions
        origins = np.broadcast_to(np.asarray(self.position, float), (n, 3)).copy()
        return ParentBeam(momenta, origins, weights, np.full(n, float(self.polarization)))


def parents_from_list(
    momenta: ArrayLike,
    origins: ArrayLike,
    weights: ArrayLike | None = None,
    polarization: ArrayLike | float = 0.0,
) -> ParentBeam:
    """A user-given list of decaying particles (four-momenta [GeV] and production points [m]).

    Parameters
    ----------
    momenta : array_like, shape (N, 4)
        Four-momenta (E, px, py, pz) [GeV]; every particle must have the same mass within 1e-6.
    origins : array_like, shape (N, 3) or (3,)
        Production points [m], one per particle or one for all.
    weights : array_like, shape (N,), optional
        Weight of each particle (default 1 each).
    polarization : float or array_like, shape (N,)
        Helicity along the direction of motion, in [-1, 1].
    """
    p = np.atleast_2d(np.asarray(momenta, float))
    if p.ndim != 2 or p.shape[1] != 4:
        raise ValueError(f"momenta must have shape (N, 4), got {p.shape}")
    if not np.all(np.isfinite(p)):
        raise ValueError("momenta contain non-finite values")
    m2 = p[:, 0] ** 2 - np.sum(p[:, 1:] ** 2, axis=1)
    if np.any(m2 <= 0) or np.any(np.linalg.norm(p[:, 1:], axis=1) == 0):
        raise ValueError("momenta must be time-like with non-zero three-momentum (massive, moving)")
    n = len(p)
    o = np.broadcast_to(np.asarray(origins, float), (n, 3)).copy()
    w = np.ones(n) if weights is None else np.asarray(weights, float).reshape(n)
    if np.any(w < 0) or not np.all(np.isfinite(w)):
        raise ValueError("weights must be finite and >= 0")
    pol = np.broadcast_to(np.asarray(polarization, float), (n,)).copy()
    if np.any(np.abs(pol) > 1):
        raise ValueError("polarization must lie in [-1, 1]")
    return ParentBeam(p, o, w, pol)
