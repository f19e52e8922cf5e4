"""A list of shower primaries: species, energies, start points, directions and weights.

:func:`~nuportal.sources.shower.simulate.simulate_showers` starts one shower per row, so that a
cascade can be seeded by the photons of meson decays spread through a target (each with its own
energy, direction, position and weight) instead of one particle entering along +z.
Energies in GeV, positions in cm (the shower code's working unit), directions unit vectors.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal.sources.shower.processes import Species, ledger_energy
from nuportal.sources.shower.qed_constants import M_E
from nuportal.sources.shower.target import Target

__all__ = ["PrimaryList"]

_NAMES = {"gamma": Species.PHOTON, "e-": Species.ELECTRON, "e+": Species.POSITRON}


def _species_array(species: ArrayLike | str, n: int) -> NDArray[np.int8]:
    if isinstance(species, str):
        species = [species] * n
    values = []
    for s in np.asarray(species, dtype=object).ravel():
        if isinstance(s, str):
            if s not in _NAMES:
                raise ValueError(f"species must be one of {sorted(_NAMES)}, got {s!r}")
            values.append(int(_NAMES[s]))
        else:
            values.append(int(Species(int(s))))
    return np.asarray(values, dtype=np.int8)


@dataclass(frozen=True)
class PrimaryList:
    """Primaries of a set of showers, one per row.

    Attributes
    ----------
    species : numpy.ndarray of int8
        :class:`~nuportal.sources.shower.processes.Species` of each primary.
    energy : numpy.ndarray
        Total energy [GeV].
    position : numpy.ndarray, shape (n, 3)
        Start point [cm] in target coordinates (upstream face at z = 0, axis along +z).
    direction : numpy.ndarray, shape (n, 3)
        Unit direction.
    weight : numpy.ndarray
        What each shower stands for (e.g. photons per proton on target); dark-photon yields of
        a weighted list are sums of weight x (A' from that shower).
    """

    species: NDArray[np.int8]
    energy: NDArray[np.float64]
    position: NDArray[np.float64]
    direction: NDArray[np.float64]
    weight: NDArray[np.float64]

    @classmethod
    def build(
        cls,
        species: ArrayLike | str,
        energy: ArrayLike,
        position: ArrayLike | None = None,
        direction: ArrayLike | None = None,
        weight: ArrayLike | None = None,
    ) -> PrimaryList:
        """A validated list.

        Parameters
        ----------
        species : str or array_like
            ``"gamma"``, ``"e-"``, ``"e+"`` (one for all rows, or one per row) or Species values.
        energy : array_like
            Total energies [GeV], shape (n,).
        position : array_like, optional
            Start points [cm], shape (n, 3); default the origin.
        direction : array_like, optional
            Directions, shape (n, 3), normalized here; default +z.
        weight : array_like, optional
            Non-negative weights, shape (n,); default 1.
        """
        energy = np.atleast_1d(np.asarray(energy, dtype=float))
        n = len(energy)
        if energy.ndim != 1 or n < 1:
            raise ValueError(
                f"energy must be a non-empty 1-d array [GeV], got shape {energy.shape}"
            )
        if not np.all(np.isfinite(energy)) or np.any(energy <= 0.0):
            raise ValueError("energy must be positive and finite [GeV] for every primary")
        sp = _species_array(species, n)
        if len(sp) != n:
            raise ValueError(f"species must have one entry per primary ({n}), got {len(sp)}")
        pos = np.zeros((n, 3)) if position is None else np.asarray(position, dtype=float)
        dirs = (
            np.tile([0.0, 0.0, 1.0], (n, 1))
            if direction is None
            else np.asarray(direction, dtype=float)
        )
        for name, arr in (("position", pos), ("direction", dirs)):
            if arr.shape != (n, 3) or not np.all(np.isfinite(arr)):
                raise ValueError(f"{name} must be a finite array of shape ({n}, 3)")
        norm = np.linalg.norm(dirs, axis=1)
        if np.any(norm == 0.0):
            raise ValueError("direction must be non-zero for every primary")
        w = np.ones(n) if weight is None else np.asarray(weight, dtype=float)
        if w.shape != (n,) or not np.all(np.isfinite(w)) or np.any(w < 0.0):
            raise ValueError(f"weight must be a finite non-negative array of shape ({n},)")
        return cls(sp, energy, pos, dirs / norm[:, None], w)

    @classmethod
    def single(cls, particle: str, energy: float, n: int) -> PrimaryList:
        """``n`` identical primaries at the origin along +z (the classic beam-on-target case)."""
        return cls.build(particle, np.full(n, float(energy)))

    def __len__(self) -> int:
        return len(self.energy)

    def take(self, index: NDArray | slice) -> PrimaryList:
        """Rows selected by a slice, mask or index array."""
        return PrimaryList(
            self.species[index],
            self.energy[index],
            self.position[index],
            self.direction[index],
            self.weight[index],
        )

    @property
    def ledger_energy(self) -> NDArray[np.float64]:
        """Per primary, its energy in the shower's bookkeeping [GeV] (see ``ledger_energy``)."""
        return ledger_energy(self.species, self.energy)

    def check(self, target: Target, electron_cut: float, photon_cut: float) -> None:
        """Raise ValueError unless every primary is above its cut and inside ``target``."""
        cut = np.where(self.species == Species.PHOTON, photon_cut, M_E + electron_cut)
        if np.any(self.energy <= cut):
            raise ValueError(
                "every primary's energy must exceed its cut (photon_cut for photons, "
                "m_e + electron_cut for e+-); drop softer primaries first"
            )
        z = self.position[:, 2]
        r2 = self.position[:, 0] ** 2 + self.position[:, 1] ** 2
        tol = 1e-9 * max(target.length, 1.0)
        outside = (z < -tol) | (z > target.length + tol)
        if math.isfinite(target.radius):
            outside |= r2 > (target.radius * (1.0 + 1e-9)) ** 2
        if np.any(outside):
            raise ValueError(
                f"primary positions must lie inside the target (0 <= z <= {target.length:g} cm, "
                f"r <= {target.radius:g} cm); {int(outside.sum())} do not"
            )

    @staticmethod
    def concatenate(lists: Sequence[PrimaryList]) -> PrimaryList:
        """One list from several."""
        return PrimaryList(
            *(
                np.concatenate([getattr(p, f) for p in lists])
                for f in ("species", "energy", "position", "direction", "weight")
            )
        )
