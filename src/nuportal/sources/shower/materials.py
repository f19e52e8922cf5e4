"""Target materials of the shower code and their radiation constants (Tsai).

The table holds the PDG "Atomic and Nuclear Properties" values (pdg.lbl.gov, 2019-2025 editions,
as quoted by the public codes named in each entry); each :class:`Material` carries the citation of
its numbers. This module is also the one home of Tsai's radiation logarithms L_rad, L'_rad, of
the Davies-Bethe-Maximon Coulomb correction f(Z) and of Tsai's radiation length, which the
bremsstrahlung and pair-production cross sections share.

References
----------
Y.-S. Tsai, Rev. Mod. Phys. 46 (1974) 815, Eq. (3.66) and his L_rad, L'_rad values for Z < 5
(as reproduced in PDG, "Passage of particles through matter", radiation-length section);
H. Davies, H. A. Bethe, L. C. Maximon, Phys. Rev. 93 (1954) 788 (Coulomb correction, in the fit
quoted by PDG, "Passage of particles through matter", section "Radiation length").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal.sources.shower.qed_constants import ALPHA, AVOGADRO, CLASSICAL_ELECTRON_RADIUS

__all__ = [
    "MATERIALS",
    "Material",
    "coulomb_correction",
    "material",
    "radiation_logarithms",
    "resolve_material",
    "tsai_radiation_length",
]

_EV = 1.0e-9  # GeV
_MEV = 1.0e-3  # GeV


@dataclass(frozen=True)
class Material:
    """A pure element as a shower target.

    Attributes
    ----------
    name : str
        Canonical name (lower case).
    Z : int
        Atomic number.
    A : float
        Atomic weight [g/mol].
    density : float
        Mass density [g/cm^3].
    radiation_length_g_cm2 : float
        Radiation length X0 [g/cm^2], PDG tabulated value.
    mean_excitation_energy : float
        Mean excitation energy I [GeV].
    critical_energy : float or None
        PDG tabulated critical energy for electrons (Rossi definition) [GeV]; None where PDG's value
        could not be verified for this package.
    citation : str
        Where the numbers come from.
    """

    name: str
    Z: int
    A: float
    density: float
    radiation_length_g_cm2: float
    mean_excitation_energy: float
    critical_energy: float | None
    citation: str

    @property
    def atom_density(self) -> float:
        """Atoms per volume n_A = rho N_A / A [1/cm^3]."""
        return self.density * AVOGADRO / self.A

    @property
    def electron_density(self) -> float:
        """Electrons per volume n_e = Z n_A [1/cm^3]."""
        return self.Z * self.atom_density

    @property
    def radiation_length(self) -> float:
        """Radiation length X0 / rho [cm]."""
        return self.radiation_length_g_cm2 / self.density


_PDG = "PDG Atomic and Nuclear Properties (pdg.lbl.gov, 2019-2025 editions)"
_RHO_I_A_PUMAS = "rho, I, A: PDG 2019/2020 values as quoted in niess/pumas-luajit materials tables"
_RHO_I_OPAL = "rho, I: PDG 2020 values as quoted in the OPAL Physics material classes"

_TABLE: tuple[Material, ...] = (
    Material(
        "graphite", 6, 12.0107, 2.210, 42.70, 78.0 * _EV, None,
        f"{_PDG}; {_RHO_I_A_PUMAS}; X0 42.70 g/cm^2: OPAL material classes and JLab target note; "
        "critical energy not verified",
    ),
    Material(
        "beryllium", 4, 9.012182, 1.848, 65.19, 63.7 * _EV, None,
        f"{_PDG}; {_RHO_I_OPAL}; X0 65.19 g/cm^2: OPAL material classes (35.28 cm quoted from "
        "the PDG 2021/2022 page); critical energy not verified",
    ),
    Material(
        "aluminium", 13, 26.9815385, 2.699, 24.01, 166.0 * _EV, None,
        f"{_PDG}; {_RHO_I_A_PUMAS}; X0 24.01 g/cm^2: OPAL material classes (8.897 cm quoted from "
        "the PDG 2021/2022 page); critical energy (42.70 MeV recalled) not verified",
    ),
    Material(
        "iron", 26, 55.845, 7.874, 13.84, 286.0 * _EV, None,
        f"{_PDG}; {_RHO_I_A_PUMAS}; X0 13.84 g/cm^2 (1.757 cm, PDG 2025 iron_Fe page); "
        "critical energy (21.68 MeV recalled) not verified",
    ),
    Material(
        "copper", 29, 63.546, 8.960, 12.86, 322.0 * _EV, 19.42 * _MEV,
        f"{_PDG}; {_RHO_I_OPAL}; A = 63.546 standard atomic weight; X0 12.86 g/cm^2 (OPAL) = "
        "1.436 cm; Ec 19.42 MeV: PDG per-element page (PDG 2012 Fig. 30.13 prints 19.63 MeV)",
    ),
    Material(
        "molybdenum", 42, 95.95, 10.22, 9.80, 424.0 * _EV, None,
        f"{_PDG}; {_RHO_I_A_PUMAS}; X0 9.80 g/cm^2: OPAL material classes; "
        "critical energy not verified",
    ),
    Material(
        "tungsten", 74, 183.84, 19.30, 6.76, 727.0 * _EV, 7.97 * _MEV,
        f"{_PDG}; {_RHO_I_A_PUMAS}; X0 0.3504 cm and Ec 7.97 MeV: PDG 2025 tungsten_W page "
        "(6.76 g/cm^2 = 0.3504 cm x 19.30 g/cm^3)",
    ),
    Material(
        "lead", 82, 207.2, 11.35, 6.37, 823.0 * _EV, 7.43 * _MEV,
        f"{_PDG}; {_RHO_I_A_PUMAS}; X0 6.37 g/cm^2 = 0.5612 cm (PDG 2012); Ec 7.43 MeV: PDG "
        "per-element page",
    ),
)  # fmt: skip

#: The shower materials by canonical name.
MATERIALS: Mapping[str, Material] = MappingProxyType({m.name: m for m in _TABLE})

_ALIASES: dict[str, str] = {
    "graphite": "graphite", "carbon": "graphite", "c": "graphite",
    "beryllium": "beryllium", "be": "beryllium",
    "aluminium": "aluminium", "aluminum": "aluminium", "al": "aluminium",
    "iron": "iron", "fe": "iron",
    "copper": "copper", "cu": "copper",
    "molybdenum": "molybdenum", "mo": "molybdenum",
    "tungsten": "tungsten", "w": "tungsten",
    "lead": "lead", "pb": "lead",
}  # fmt: skip


def material(name: str) -> Material:
    """The :class:`Material` called ``name`` (case-insensitive; symbols and aliases accepted).

    Raises
    ------
    ValueError
        If the name is unknown; the message lists the known names.
    """
    key = str(name).strip().lower()
    if key not in _ALIASES:
        raise ValueError(
            f"material must be one of {sorted(_ALIASES)} (case-insensitive), got {name!r}"
        )
    return MATERIALS[_ALIASES[key]]


def resolve_material(value: Material | str) -> Material:
    """``value`` itself if it is a :class:`Material`, else :func:`material` of that name."""
    return value if isinstance(value, Material) else material(value)


def coulomb_correction(Z: ArrayLike) -> NDArray[np.float64] | float:
    """Coulomb correction f(Z) of bremsstrahlung and pair production (dimensionless).

    f = a^2 [1/(1 + a^2) + 0.20206 - 0.0369 a^2 + 0.0083 a^4 - 0.002 a^6], a = alpha Z.

    References
    ----------
    Davies, Bethe, Maximon, Phys. Rev. 93 (1954) 788; this fit as used by Tsai, RMP 46 (1974) 815,
    Sec. III, and PDG "Passage of particles through matter" (radiation length).
    """
    a2 = (ALPHA * np.asarray(Z, dtype=float)) ** 2
    f = a2 * (1.0 / (1.0 + a2) + 0.20206 - 0.0369 * a2 + 0.0083 * a2**2 - 0.002 * a2**3)
    return float(f) if np.ndim(f) == 0 else f


_LRAD_LOW_Z = {1: (5.31, 6.144), 2: (4.79, 5.621), 3: (4.74, 5.805), 4: (4.71, 5.924)}


def radiation_logarithms(Z: int) -> tuple[float, float]:
    """Tsai's radiation logarithms (L_rad, L'_rad) of element ``Z``.

    L_rad = ln(184.15 Z^(-1/3)), L'_rad = ln(1194 Z^(-2/3)) for Z >= 5; Tsai's table (Hartree-Fock
    form factors) for Z = 1..4.

    References
    ----------
    Tsai, RMP 46 (1974) 815, Sec. III; PDG "Passage of particles through matter", radiation-length
    section and its L_rad table.
    """
    z = int(Z)
    if z < 1:
        raise ValueError(f"Z must be an integer >= 1, got {Z!r}")
    if z in _LRAD_LOW_Z:
        return _LRAD_LOW_Z[z]
    return float(np.log(184.15 * z ** (-1.0 / 3.0))), float(np.log(1194.0 * z ** (-2.0 / 3.0)))


def tsai_radiation_length(Z: int, A: float) -> float:
    """Tsai's radiation length [g/cm^2].

    1/X0 = (4 alpha r_e^2 N_A / A) {Z^2 [L_rad - f(Z)] + Z L'_rad}.

    Parameters
    ----------
    Z : int
        Atomic number.
    A : float
        Atomic weight [g/mol].

    References
    ----------
    Tsai, RMP 46 (1974) 815, Eq. (3.66); PDG "Passage of particles through matter".
    """
    if not (np.isfinite(A) and A > 0.0):
        raise ValueError(f"A must be finite and > 0 g/mol, got {A!r}")
    lrad, lrad_prime = radiation_logarithms(Z)
    bracket = Z * Z * (lrad - coulomb_correction(Z)) + Z * lrad_prime
    return A / (4.0 * ALPHA * CLASSICAL_ELECTRON_RADIUS**2 * AVOGADRO * bracket)
