"""Solid volumes (box, cylinder, sphere, unions) with vectorized containment and ray intersection.

All lengths are in metres. Points and directions are arrays whose last axis has length 3
(``(3,)`` for one, ``(N, 3)`` for many); origins and directions broadcast against each other like
numpy arrays. Directions need not be normalized: they are normalized internally, so every path
length returned is a distance in metres along the ray.

Ray convention
--------------
:meth:`Volume.intersect` returns an :class:`Intersection` ``(t_entry, t_exit)`` of distances along
each ray ``origin + t * direction`` (``t >= 0``):

* a ray that crosses the volume has ``0 <= t_entry < t_exit``;
* a ray that starts inside has ``t_entry = 0`` and ``t_exit`` the distance to the wall;
* a ray that misses (including one that only grazes the surface, a chord of zero length, or one
  whose chord lies entirely behind its origin) has ``t_entry = t_exit = NaN``;
  :attr:`Intersection.hit` is the boolean mask and :attr:`Intersection.length` the path length
  with 0 for misses.

The slab method used for :class:`Box` is the standard one (T. L. Kay and J. T. Kajiya, "Ray
tracing complex scenes", SIGGRAPH 1986); spheres and cylinders solve the quadratic in its
numerically stable form (the root of larger magnitude first, the other from Vieta's relation).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal._validation import positive_length
from nuportal.kinematics import rotate_axis_angle, rotate_z_to

__all__ = [
    "Box",
    "Cylinder",
    "Intersection",
    "Sphere",
    "Union",
    "Volume",
    "rotation_matrix",
    "sample_uniform_points",
]


class Intersection(NamedTuple):
    """Entry and exit distances [m] of rays through a volume (NaN where a ray misses).

    For a :class:`Union` the arrays carry one extra last axis, one column per component volume.
    """

    t_entry: NDArray[np.float64]
    t_exit: NDArray[np.float64]

    @property
    def hit(self) -> NDArray[np.bool_]:
        """True where the ray crosses the volume with a chord of non-zero length."""
        return np.isfinite(self.t_entry)

    @property
    def length(self) -> NDArray[np.float64]:
        """Path length inside the volume [m], 0 for misses."""
        return np.where(self.hit, self.t_exit - self.t_entry, 0.0)


# ---------------------------------------------------------------- input checking
def _vectors(value: ArrayLike, name: str) -> NDArray[np.float64]:
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0 or arr.shape[-1] != 3:
        raise ValueError(
            f"{name} must be an array of 3-vectors with shape (3,) or (N, 3), got shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got non-finite entries")
    return arr


def _directions(value: ArrayLike, name: str = "directions") -> NDArray[np.float64]:
    d = _vectors(value, name)
    norm = np.linalg.norm(d, axis=-1, keepdims=True)
    if np.any(norm == 0.0):
        raise ValueError(f"{name} must be non-zero vectors, got a zero-length direction")
    return d / norm


def _rays(
    origins: ArrayLike, directions: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    o = _vectors(origins, "origins")
    d = _directions(directions)
    try:
        o, d = np.broadcast_arrays(o, d)
    except ValueError as exc:
        raise ValueError(
            f"origins with shape {o.shape} and directions with shape {d.shape} do not broadcast"
        ) from exc
    return o, d


def _apply(vectors: NDArray[np.float64], matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    """``vectors @ matrix`` for (..., 3) x (3, 3) without BLAS: with an inner dimension of 3 a
    threaded BLAS call gains nothing and stalls (10x slower) when the other core is busy."""
    return np.einsum("...i,ij->...j", vectors, matrix)


def _finish(t_near: NDArray[np.float64], t_far: NDArray[np.float64]) -> Intersection:
    """Clip to the forward half-line and mark misses (empty or zero-length chords) as NaN."""
    t_entry = np.maximum(t_near, 0.0)
    hit = t_far > t_entry
    nan = np.full(np.shape(t_entry), np.nan)
    return Intersection(np.where(hit, t_entry, nan), np.where(hit, t_far, nan))


def _quadratic_roots(
    a: NDArray[np.float64], b_half: NDArray[np.float64], c: NDArray[np.float64], disc: NDArray
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """Roots of a t^2 + 2 b_half t + c = 0 (a > 0) given disc = b_half^2 - a c, stably.

    Returns (t_low, t_high, real) with NaN roots where ``disc < 0``.
    """
    real = disc >= 0.0
    s = np.sqrt(np.where(real, disc, 0.0))
    q = -(b_half + np.copysign(s, b_half))  # |q| = |b_half| + s: no cancellation
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        r1 = q / a
        r2 = np.where(q != 0.0, c / q, 0.0)  # q == 0 only if b_half = disc = 0, so c = 0
    t_lo = np.where(real, np.minimum(r1, r2), np.nan)
    t_hi = np.where(real, np.maximum(r1, r2), np.nan)
    return t_lo, t_hi, real


def _slab(
    o: NDArray[np.float64], d: NDArray[np.float64], half: float | NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Interval [t_lo, t_hi] of t where |o + t d| <= half, componentwise (slab method).

    A ray parallel to a slab (d = 0) is inside it for all t (-inf, inf) or for none (inf, -inf).
    """
    parallel = d == 0.0
    inside = np.abs(o) <= half
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        t1 = (-half - o) / d
        t2 = (half - o) / d
    t_lo = np.where(parallel, np.where(inside, -np.inf, np.inf), np.minimum(t1, t2))
    t_hi = np.where(parallel, np.where(inside, np.inf, -np.inf), np.maximum(t1, t2))
    return t_lo, t_hi


def rotation_matrix(axis: ArrayLike, angle: float) -> NDArray[np.float64]:
    """Rotation matrix for a right-handed rotation by ``angle`` [rad] about ``axis``.

    Parameters
    ----------
    axis : array_like, shape (3,)
        Rotation axis (any non-zero length).
    angle : float
        Rotation angle [rad].

    Returns
    -------
    ndarray, shape (3, 3)
        Proper orthogonal matrix R with ``R @ v`` the rotated vector; its columns are the images
        of the x, y, z unit vectors.
    """
    k = _directions(axis, "axis")
    if k.shape != (3,):
        raise ValueError(f"axis must have shape (3,), got {k.shape}")
    if not np.isfinite(angle):
        raise ValueError(f"angle must be finite, got {angle!r}")
    return rotate_axis_angle(np.eye(3), k, angle).T


# ---------------------------------------------------------------- volumes
class Volume(ABC):
    """A solid region of space (lengths in metres)."""

    @property
    @abstractmethod
    def center(self) -> NDArray[np.float64]:
        """Reference point [m]: the geometric centre (volume-weighted for a union)."""

    @property
    @abstractmethod
    def volume(self) -> float:
        """Volume [m^3]."""

    @abstractmethod
    def contains(self, points: ArrayLike) -> NDArray[np.bool_]:
        """Whether each point [m] lies inside the volume or on its surface.

        Parameters
        ----------
        points : array_like, shape (3,) or (N, 3)
            Points [m].

        Returns
        -------
        ndarray of bool, shape () or (N,)
        """

    @abstractmethod
    def intersect(self, origins: ArrayLike, directions: ArrayLike) -> Intersection:
        """Entry and exit distances [m] of rays through the volume (see the module docstring).

        Parameters
        ----------
        origins : array_like, shape (3,) or (N, 3)
            Ray start points [m].
        directions : array_like, shape (3,) or (N, 3)
            Ray directions (normalized internally).

        Returns
        -------
        Intersection
            ``(t_entry, t_exit)`` [m], NaN where a ray misses.
        """

    def path_length(self, origins: ArrayLike, directions: ArrayLike) -> NDArray[np.float64]:
        """Length [m] of each ray's path inside the volume (0 for misses)."""
        return self.intersect(origins, directions).length


class Box(Volume):
    """Rectangular box, possibly rotated.

    Parameters
    ----------
    center : array_like, shape (3,)
        Centre of the box [m].
    size : array_like, shape (3,)
        Full edge lengths [m] along the box's own axes (all > 0).
    rotation : array_like, shape (3, 3), optional
        Proper rotation matrix whose columns are the box's local x, y, z axes expressed in the
        world frame (see :func:`rotation_matrix` for the axis/angle form). ``None`` means the box
        is aligned with the world axes.
    """

    def __init__(self, center: ArrayLike, size: ArrayLike, rotation: ArrayLike | None = None):
        c = _vectors(center, "center")
        s = _vectors(size, "size")
        if c.shape != (3,) or s.shape != (3,):
            raise ValueError(f"center and size must have shape (3,), got {c.shape}, {s.shape}")
        if np.any(s <= 0.0):
            raise ValueError(f"size must have all edge lengths > 0 m, got {s.tolist()}")
        if rotation is None:
            r = np.eye(3)
        else:
            r = np.asarray(rotation, dtype=float)
            if r.shape != (3, 3) or not np.all(np.isfinite(r)):
                raise ValueError(f"rotation must be a finite 3x3 matrix, got shape {r.shape}")
            if not np.allclose(r.T @ r, np.eye(3), atol=1e-9) or np.linalg.det(r) < 0:
                raise ValueError(
                    "rotation must be a proper rotation matrix (orthonormal columns, det = +1)"
                )
        self._center = c
        self.size = s
        self.half = 0.5 * s
        self.rotation = r

    @classmethod
    def from_bounds(cls, lower: ArrayLike, upper: ArrayLike) -> Box:
        """Axis-aligned box spanning ``lower <= x <= upper`` componentwise [m]."""
        lo, hi = _vectors(lower, "lower"), _vectors(upper, "upper")
        if lo.shape != (3,) or hi.shape != (3,):
            raise ValueError("lower and upper must have shape (3,)")
        if np.any(hi <= lo):
            raise ValueError(
                f"upper must exceed lower in every coordinate, got lower={lo.tolist()}, "
                f"upper={hi.tolist()}"
            )
        return cls(0.5 * (lo + hi), hi - lo)

    @property
    def center(self) -> NDArray[np.float64]:
        return self._center

    @property
    def volume(self) -> float:
        return float(np.prod(self.size))

    def to_local(self, points: ArrayLike) -> NDArray[np.float64]:
        """Coordinates [m] of world points in the box frame (origin at the centre)."""
        return _apply(_vectors(points, "points") - self._center, self.rotation)

    def contains(self, points: ArrayLike) -> NDArray[np.bool_]:
        return np.all(np.abs(self.to_local(points)) <= self.half, axis=-1)

    def intersect(self, origins: ArrayLike, directions: ArrayLike) -> Intersection:
        o, d = _rays(origins, directions)
        o_loc = _apply(o - self._center, self.rotation)
        d_loc = _apply(d, self.rotation)
        t_lo, t_hi = _slab(o_loc, d_loc, self.half)
        return _finish(t_lo.max(axis=-1), t_hi.min(axis=-1))

    def __repr__(self) -> str:
        return f"Box(center={self._center.tolist()}, size={self.size.tolist()})"


class Sphere(Volume):
    """Solid sphere.

    Parameters
    ----------
    center : array_like, shape (3,)
        Centre [m].
    radius : float
        Radius [m] (> 0).
    """

    def __init__(self, center: ArrayLike, radius: float):
        c = _vectors(center, "center")
        if c.shape != (3,):
            raise ValueError(f"center must have shape (3,), got {c.shape}")
        self._center = c
        self.radius = positive_length(radius, "radius")

    @property
    def center(self) -> NDArray[np.float64]:
        return self._center

    @property
    def volume(self) -> float:
        return 4.0 / 3.0 * np.pi * self.radius**3

    def contains(self, points: ArrayLike) -> NDArray[np.bool_]:
        rel = _vectors(points, "points") - self._center
        return np.einsum("...i,...i->...", rel, rel) <= self.radius**2

    def intersect(self, origins: ArrayLike, directions: ArrayLike) -> Intersection:
        o, d = _rays(origins, directions)
        rel = o - self._center
        b = np.einsum("...i,...i->...", rel, d)
        c = np.einsum("...i,...i->...", rel, rel) - self.radius**2
        # Discriminant from the distance of closest approach: no b^2 - c cancellation far away.
        perp = rel - b[..., None] * d
        disc = self.radius**2 - np.einsum("...i,...i->...", perp, perp)
        t_lo, t_hi, real = _quadratic_roots(np.ones_like(b), b, c, disc)
        return _finish(np.where(real, t_lo, np.inf), np.where(real, t_hi, -np.inf))

    def __repr__(self) -> str:
        return f"Sphere(center={self._center.tolist()}, radius={self.radius})"


class Cylinder(Volume):
    """Solid right circular cylinder of finite length.

    Parameters
    ----------
    center : array_like, shape (3,)
        Centre of the cylinder (midpoint of its axis) [m].
    radius : float
        Radius [m] (> 0).
    length : float
        Full length along the axis [m] (> 0).
    axis : array_like, shape (3,)
        Direction of the symmetry axis (normalized internally); default +z.
    """

    def __init__(
        self, center: ArrayLike, radius: float, length: float, axis: ArrayLike = (0.0, 0.0, 1.0)
    ):
        c = _vectors(center, "center")
        a = _directions(axis, "axis")
        if c.shape != (3,) or a.shape != (3,):
            raise ValueError(f"center and axis must have shape (3,), got {c.shape}, {a.shape}")
        self._center = c
        self.axis = a
        self.radius = positive_length(radius, "radius")
        self.length = positive_length(length, "length")

    @property
    def center(self) -> NDArray[np.float64]:
        return self._center

    @property
    def volume(self) -> float:
        return np.pi * self.radius**2 * self.length

    def _split(self, v: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        along = np.einsum("...i,i->...", v, self.axis)
        return along, v - along[..., None] * self.axis

    def contains(self, points: ArrayLike) -> NDArray[np.bool_]:
        z, perp = self._split(_vectors(points, "points") - self._center)
        r2 = np.einsum("...i,...i->...", perp, perp)
        return (np.abs(z) <= 0.5 * self.length) & (r2 <= self.radius**2)

    def intersect(self, origins: ArrayLike, directions: ArrayLike) -> Intersection:
        o, d = _rays(origins, directions)
        oz, o_perp = self._split(o - self._center)
        dz, d_perp = self._split(d)
        half = 0.5 * self.length
        # Radial part: |o_perp + t d_perp|^2 = r^2.
        a = np.einsum("...i,...i->...", d_perp, d_perp)
        b = np.einsum("...i,...i->...", o_perp, d_perp)
        c = np.einsum("...i,...i->...", o_perp, o_perp) - self.radius**2
        parallel = a == 0.0
        a_safe = np.where(parallel, 1.0, a)
        closest = o_perp - (b / a_safe)[..., None] * d_perp
        disc = a_safe * (self.radius**2 - np.einsum("...i,...i->...", closest, closest))
        t_lo, t_hi, real = _quadratic_roots(a_safe, b, c, disc)
        inside_radially = c <= 0.0
        r_lo = np.where(parallel, np.where(inside_radially, -np.inf, np.inf), t_lo)
        r_hi = np.where(parallel, np.where(inside_radially, np.inf, -np.inf), t_hi)
        r_lo = np.where(parallel | real, r_lo, np.inf)
        r_hi = np.where(parallel | real, r_hi, -np.inf)
        # Axial slab |oz + t dz| <= half.
        z_lo, z_hi = _slab(oz, dz, half)
        return _finish(np.maximum(r_lo, z_lo), np.minimum(r_hi, z_hi))

    def __repr__(self) -> str:
        return (
            f"Cylinder(center={self._center.tolist()}, radius={self.radius}, "
            f"length={self.length}, axis={self.axis.tolist()})"
        )


class Union(Volume):
    """Union of non-overlapping volumes (e.g. the two ICARUS modules).

    :meth:`intersect` returns one ``(t_entry, t_exit)`` column per component, shape ``(..., k)``,
    so that quantities additive over disjoint segments (path length, decay probability) can be
    summed over the last axis. The components are assumed not to overlap (not checked).

    Parameters
    ----------
    volumes : sequence of Volume
        The components (at least one).
    """

    def __init__(self, volumes: Sequence[Volume]):
        parts = tuple(volumes)
        if not parts or not all(isinstance(v, Volume) for v in parts):
            raise ValueError("volumes must be a non-empty sequence of Volume instances")
        self.volumes = parts

    @property
    def center(self) -> NDArray[np.float64]:
        w = np.array([v.volume for v in self.volumes])
        return np.sum([wi * v.center for wi, v in zip(w, self.volumes, strict=True)], axis=0) / (
            w.sum()
        )

    @property
    def volume(self) -> float:
        return float(sum(v.volume for v in self.volumes))

    def contains(self, points: ArrayLike) -> NDArray[np.bool_]:
        return np.any([v.contains(points) for v in self.volumes], axis=0)

    def intersect(self, origins: ArrayLike, directions: ArrayLike) -> Intersection:
        parts = [v.intersect(origins, directions) for v in self.volumes]
        return Intersection(
            np.stack([p.t_entry for p in parts], axis=-1),
            np.stack([p.t_exit for p in parts], axis=-1),
        )

    def path_length(self, origins: ArrayLike, directions: ArrayLike) -> NDArray[np.float64]:
        """Total length [m] of each ray's path inside all components (0 for misses)."""
        return self.intersect(origins, directions).length.sum(axis=-1)

    def __repr__(self) -> str:
        return f"Union({list(self.volumes)!r})"


def sample_uniform_points(volume: Volume, n: int, rng: np.random.Generator) -> NDArray[np.float64]:
    """``n`` points distributed uniformly inside ``volume`` [m], shape (n, 3).

    Supports :class:`Box`, :class:`Sphere`, :class:`Cylinder` and :class:`Union` (components
    chosen in proportion to their volumes).
    """
    if isinstance(volume, Box):
        local = rng.uniform(-1.0, 1.0, (n, 3)) * volume.half
        return volume.center + _apply(local, volume.rotation.T)
    if isinstance(volume, Sphere):
        d = rng.normal(size=(n, 3))
        d /= np.linalg.norm(d, axis=1, keepdims=True)
        return volume.center + d * (volume.radius * rng.uniform(0.0, 1.0, n) ** (1 / 3))[:, None]
    if isinstance(volume, Cylinder):
        r = volume.radius * np.sqrt(rng.uniform(0.0, 1.0, n))
        phi = rng.uniform(0.0, 2.0 * np.pi, n)
        z = rng.uniform(-0.5, 0.5, n) * volume.length
        local = np.column_stack([r * np.cos(phi), r * np.sin(phi), z])
        return volume.center + rotate_z_to(local, volume.axis)
    if isinstance(volume, Union):
        fractions = np.array([v.volume for v in volume.volumes]) / volume.volume
        counts = rng.multinomial(n, fractions)
        points = np.concatenate(
            [sample_uniform_points(v, k, rng) for v, k in zip(volume.volumes, counts, strict=True)]
        )
        return points[rng.permutation(n)]
    raise TypeError(f"cannot sample points in a volume of type {type(volume).__name__}")
