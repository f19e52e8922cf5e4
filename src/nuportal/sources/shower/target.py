"""The thick target a shower develops in: a cylinder of one material along +z.

The beam enters at the origin, on the upstream face z = 0, along +z; the target occupies
0 <= z <= length and x^2 + y^2 <= radius^2 (radius may be infinite: a slab). Lengths in cm.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from nuportal.sources.shower.materials import Material, resolve_material

__all__ = ["Target"]


@dataclass(frozen=True)
class Target:
    """A cylindrical target of one material, its axis along +z, upstream face at z = 0.

    Parameters
    ----------
    material : Material or str
        The material (a name from :data:`nuportal.sources.shower.materials.MATERIALS` works).
    length : float, optional
        Length along z [cm]; default 30 radiation lengths (contains a 100 GeV shower).
    radius : float, optional
        Radius [cm]; default infinite (a slab).
    """

    material: Material
    length: float
    radius: float = math.inf

    def __init__(
        self, material: Material | str, length: float | None = None, radius: float = math.inf
    ) -> None:
        mat = resolve_material(material)
        if length is None:
            length = 30.0 * mat.radiation_length
        if not (math.isfinite(length) and length > 0.0):
            raise ValueError(f"target length must be positive and finite [cm], got {length!r}")
        if not (radius > 0.0) or math.isnan(radius):
            raise ValueError(
                f"target radius must be positive [cm] (inf for a slab), got {radius!r}"
            )
        object.__setattr__(self, "material", mat)
        object.__setattr__(self, "length", float(length))
        object.__setattr__(self, "radius", float(radius))

    @property
    def length_in_radiation_lengths(self) -> float:
        """Length in units of the material's radiation length X0."""
        return self.length / self.material.radiation_length

    def distance_to_exit(
        self, position: NDArray[np.float64], direction: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """Distance [cm] from points inside the target along unit directions to its surface.

        Parameters
        ----------
        position : numpy.ndarray, shape (N, 3)
            Points inside the target [cm].
        direction : numpy.ndarray, shape (N, 3)
            Unit directions.
        """
        z, uz = position[:, 2], direction[:, 2]
        with np.errstate(divide="ignore", invalid="ignore"):
            to_face = np.where(
                uz > 0.0, (self.length - z) / uz, np.where(uz < 0.0, -z / uz, np.inf)
            )
        to_face = np.maximum(to_face, 0.0)
        if math.isinf(self.radius):
            return to_face
        x, y = position[:, 0], position[:, 1]
        ux, uy = direction[:, 0], direction[:, 1]
        a = ux * ux + uy * uy
        b = x * ux + y * uy
        c = x * x + y * y - self.radius**2
        disc = np.maximum(b * b - a * c, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            to_side = np.where(a > 0.0, (-b + np.sqrt(disc)) / a, np.inf)
        return np.minimum(to_face, np.maximum(to_side, 0.0))
