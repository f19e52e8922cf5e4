"""What the shower transport needs from an interaction: the contract every process follows.

A *discrete process* (bremsstrahlung, pair production, Compton, Moller, Bhabha, two-photon
annihilation, and the dark-photon processes) is bound at construction to one material and its
production cuts, and then offers two vectorized methods:

``cross_section(energy)``
    total cross section per atom [cm^2] (all Z electrons of the atom included for processes on
    atomic electrons) at the incoming particle's total energy ``energy`` [GeV]; zero below
    threshold or below the cut.
``threshold``
    lowest incoming total energy [GeV] at which the cross section can be non-zero.
``sample(energy, rng)``
    the outgoing energies and polar angles, in the frame where the incoming particle moves along
    +z, as :class:`Products` (Standard-Model processes) or :class:`DarkProducts` (one dark photon).
    Azimuths are drawn by the caller: phi_1 uniform, phi_2 = phi_1 + pi.

Energy ledger
-------------
Energies are total energies (rest mass included). So that every interaction conserves energy
exactly with atomic electrons taken from rest, the shower's bookkeeping counts

* a photon as E,
* an electron as E - m_e (kinetic energy: its rest mass was borrowed from an atom or a photon),
* a positron as E + m_e (kinetic energy plus the 2 m_e its annihilation will release).

With this rule brems, pair production, Compton, Moller, Bhabha and annihilation all conserve the
ledger exactly, and a positron stopping below the cut deposits its kinetic energy and releases
2 m_e as annihilation photons at rest. :func:`ledger_energy` is the one home of the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal.sources.shower.qed_constants import M_E

__all__ = [
    "DarkProcess",
    "DarkProducts",
    "DiscreteProcess",
    "Products",
    "Species",
    "ledger_energy",
]


class Species(IntEnum):
    """Particle species of the shower stack (the values are stored in integer arrays)."""

    PHOTON = 0
    ELECTRON = 1
    POSITRON = 2

    @property
    def pdg(self) -> int:
        """PDG Monte Carlo number (22, 11, -11)."""
        return (22, 11, -11)[self.value]

    @property
    def mass(self) -> float:
        """Rest mass [GeV]."""
        return 0.0 if self is Species.PHOTON else M_E


def ledger_energy(species: ArrayLike, energy: ArrayLike) -> NDArray[np.float64]:
    """Energy a particle carries in the shower's energy bookkeeping [GeV].

    Parameters
    ----------
    species : array_like of int
        :class:`Species` values.
    energy : array_like
        Total energy [GeV].

    Returns
    -------
    numpy.ndarray
        E for photons, E - m_e for electrons, E + m_e for positrons (see the module docstring).
    """
    species = np.asarray(species)
    energy = np.asarray(energy, dtype=float)
    offset = np.select([species == Species.ELECTRON, species == Species.POSITRON], [-M_E, M_E], 0.0)
    return energy + offset


@dataclass(frozen=True)
class Products:
    """Two outgoing particles of a Standard-Model interaction (incoming along +z).

    Attributes
    ----------
    energy_1, energy_2 : numpy.ndarray
        Total energies [GeV] of the process's ``products[0]`` and ``products[1]``. ``energy_2`` is
        computed from ``energy_1`` so that :func:`ledger_energy` is conserved exactly.
    cos_theta_1, cos_theta_2 : numpy.ndarray
        Cosines of their polar angles to the incoming direction.
    """

    energy_1: NDArray[np.float64]
    energy_2: NDArray[np.float64]
    cos_theta_1: NDArray[np.float64]
    cos_theta_2: NDArray[np.float64]


@dataclass(frozen=True)
class DarkProducts:
    """The dark photon of a dark-photon emission (incoming along +z).

    Attributes
    ----------
    energy : numpy.ndarray
        Dark-photon total energy [GeV].
    cos_theta : numpy.ndarray
        Cosine of its polar angle to the incoming particle's direction.
    """

    energy: NDArray[np.float64]
    cos_theta: NDArray[np.float64]


class DiscreteProcess(Protocol):
    """A Standard-Model interaction bound to a material and its cuts (see the module docstring)."""

    name: str
    incoming: Species
    products: tuple[Species, Species]
    threshold: float  # lowest total energy [GeV] with a non-zero cross section

    def cross_section(self, energy: ArrayLike) -> NDArray[np.float64]: ...

    def sample(self, energy: ArrayLike, rng: np.random.Generator) -> Products: ...


class DarkProcess(Protocol):
    """A dark-photon emission process bound to a material and a dark-photon mass, at epsilon = 1.

    Cross sections are per atom [cm^2] at kinetic mixing epsilon = 1; rates scale as epsilon^2.
    """

    name: str
    incoming: Species

    def cross_section(self, energy: ArrayLike) -> NDArray[np.float64]: ...

    def sample(self, energy: ArrayLike, rng: np.random.Generator) -> DarkProducts: ...
