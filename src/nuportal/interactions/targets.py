"""Targets of neutrino interactions: nuclei with Fermi-gas parameters, and detector materials.

Nuclear masses come from :mod:`nuportal.models.targets` (AME2020 atomic masses). Fermi-gas
parameters (Fermi momentum k_F, binding or "separation" energy E_b of the Smith-Moniz
relativistic Fermi gas) are those extracted from quasi-elastic electron scattering by
E. J. Moniz, I. Sick, R. R. Whitney, J. R. Ficenec, R. D. Kephart, W. P. Trower,
Phys. Rev. Lett. 26 (1971) 445, table I:

* 12C: k_F = 221 MeV, E_b = 25 MeV (measured);
* 40Ar: not measured there; the 40Ca values (k_F = 251 MeV, E_b = 28 MeV) of the same table are
  used for the isobar 40Ar (the choice of GENIE's default Fermi-momentum table for argon);
* 16O: not measured there; k_F = 225 MeV, E_b = 27 MeV, interpolated between 12C and 24Mg
  (235 MeV, 32 MeV) of the same table (the values NEUT uses for water).

Free nucleons (``"H1"``, and the hydrogen of CH, CH2, H2O) have no Fermi motion and no binding.

Materials (detector media) are lists of (nucleus, count per formula unit); event weights of the
generator are per formula unit (per CH2, per H2O, per Ar atom).

The nuclear density used by the local Fermi gas is a two-parameter Fermi (Woods-Saxon)
distribution rho(r) = rho0 / (1 + exp((r - c)/a)) with a = 0.523 fm and c = 1.03 A^(1/3) fm (the
same parameters as the symmetrized-Fermi charge form factor of
:mod:`nuportal.models.nuclear_form_factors`); k_F(r) = (3 pi^2 rho_N(r)/2)^(1/3) per nucleon
species, rho_p = (Z/A) rho, rho_n = (N/A) rho [e.g. J. Nieves, J. E. Amaro, M. Valverde,
Phys. Rev. C 70 (2004) 055503, sec. II].
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from nuportal.models.targets import nucleus as _nucleus

__all__ = [
    "MATERIALS",
    "NUCLEUS_PARAMETERS",
    "NucleusParameters",
    "density_radius_cdf",
    "electrons_per_unit",
    "fermi_momentum_profile",
    "material",
    "nucleus_parameters",
]


@dataclass(frozen=True)
class NucleusParameters:
    """A nucleus as an interaction target.

    Attributes
    ----------
    name : str
        ``"C12"``, ``"O16"``, ``"Ar40"``, ``"H1"``.
    Z, N : int
        Proton and neutron numbers.
    mass : float
        Nuclear mass [GeV].
    kF : float
        Fermi momentum of the global relativistic Fermi gas [GeV] (0 for a free nucleon).
    E_b : float
        Binding energy of the Smith-Moniz Fermi gas [GeV] (0 for a free nucleon).
    """

    name: str
    Z: int
    N: int
    mass: float
    kF: float
    E_b: float

    @property
    def A(self) -> int:
        """Mass number."""
        return self.Z + self.N

    @property
    def is_free(self) -> bool:
        """True for a free nucleon (no Fermi motion, no binding)."""
        return self.A == 1


def _make(name: str, kF: float, E_b: float) -> NucleusParameters:
    nuc = _nucleus(name)
    return NucleusParameters(name, nuc.Z, nuc.N, nuc.mass, kF, E_b)


#: Interaction targets by name (Fermi-gas parameters: module docstring).
NUCLEUS_PARAMETERS: MappingProxyType[str, NucleusParameters] = MappingProxyType(
    {
        "H1": _make("H1", 0.0, 0.0),
        "C12": _make("C12", 0.221, 0.025),
        "O16": _make("O16", 0.225, 0.027),
        "Ar40": _make("Ar40", 0.251, 0.028),
    }
)

#: Detector materials: (nucleus, count per formula unit).
MATERIALS: MappingProxyType[str, tuple[tuple[str, int], ...]] = MappingProxyType(
    {
        "Ar40": (("Ar40", 1),),
        "C12": (("C12", 1),),
        "O16": (("O16", 1),),
        "H1": (("H1", 1),),
        "CH": (("C12", 1), ("H1", 1)),
        "CH2": (("C12", 1), ("H1", 2)),
        "H2O": (("O16", 1), ("H1", 2)),
    }
)


def nucleus_parameters(name: str | NucleusParameters) -> NucleusParameters:
    """The interaction target ``name`` (case-insensitive); ValueError listing the known ones."""
    if isinstance(name, NucleusParameters):
        return name
    for key, value in NUCLEUS_PARAMETERS.items():
        if isinstance(name, str) and key.lower() == name.lower():
            return value
    raise ValueError(f"unknown target nucleus {name!r}; known: {sorted(NUCLEUS_PARAMETERS)}")


def material(name: str) -> tuple[tuple[str, int], ...]:
    """Composition of material ``name``: ((nucleus, count), ...); ValueError if unknown."""
    for key, value in MATERIALS.items():
        if isinstance(name, str) and key.lower() == name.lower():
            return value
    raise ValueError(f"unknown target material {name!r}; known: {sorted(MATERIALS)}")


def electrons_per_unit(name: str) -> int:
    """Electrons per formula unit of material ``name`` (sum of Z x count)."""
    return int(sum(nucleus_parameters(n).Z * c for n, c in material(name)))


def fermi_momentum_profile(
    target: str | NucleusParameters, r_fm: np.ndarray, nucleon: int
) -> np.ndarray:
    """Local Fermi momentum k_F(r) [GeV] of protons (``nucleon`` = 2212) or neutrons (2112).

    k_F(r) = hbar c (3 pi^2 rho_N(r))^(1/3), rho_N = (Z or N)/A x rho(r), rho the two-parameter
    Fermi density normalized to A (module docstring). ``r_fm`` in fm.
    """
    from nuportal.models.nuclear_form_factors import FM_TO_INV_GEV

    t = nucleus_parameters(target)
    r = np.asarray(r_fm, dtype=float)
    if t.is_free:
        return np.zeros_like(r)
    c, a = 1.03 * t.A ** (1 / 3), 0.523
    rho0 = t.A / _fermi_volume(c, a)
    count = t.Z if nucleon == 2212 else t.N
    rho = (count / t.A) * rho0 / (1.0 + np.exp((r - c) / a))  # fm^-3
    return (3.0 * np.pi**2 * rho) ** (1 / 3) / FM_TO_INV_GEV


def _fermi_volume(c: float, a: float) -> float:
    """Integral of 4 pi r^2 / (1 + exp((r - c)/a)) dr over r >= 0 [fm^3] (numerical)."""
    r = np.linspace(0.0, c + 20.0 * a, 4001)
    f = 4.0 * np.pi * r * r / (1.0 + np.exp((r - c) / a))
    return float(np.trapezoid(f, r))


def density_radius_cdf(target: str | NucleusParameters) -> tuple[np.ndarray, np.ndarray]:
    """(r [fm], CDF) of the radius of a nucleon drawn from the nuclear density (for the LFG)."""
    t = nucleus_parameters(target)
    c, a = 1.03 * t.A ** (1 / 3), 0.523
    r = np.linspace(0.0, c + 12.0 * a, 2001)
    f = r * r / (1.0 + np.exp((r - c) / a))
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (f[1:] + f[:-1]) * np.diff(r))])
    return r, cdf / cdf[-1]
