"""Scattering targets for neutrino upscattering: nuclei and free protons.

Units: masses in GeV, Q^2 in GeV^2.

Nuclear masses follow the DarkNews
choice (nuclear_tools.py of [DarkNews] arXiv:2207.04137):
M_A = A_atomic u - Z m_e + B_e(Z), with u = 0.9314941024228 GeV (CODATA 2018, the value of
DarkNews), m_e from :mod:`nuportal.constants` and the total electron binding energy
B_e(Z) = (14.4381 Z^2.39 + 1.55468e-6 Z^5.35) eV [D. Lunney, J. M. Pearson, C. Thibault,
Rev. Mod. Phys. 75 (2003) 1021, eq. (A4)]. Checks (computed for this package):
M(12C) = 11.1748643 GeV, M(1H) = 0.9382721 GeV.

Atomic masses A_atomic [u] are those of the AME2020 atomic mass evaluation [M. Wang, W. J. Huang,
F. G. Kondev, G. Audi, S. Naimi, Chinese Phys. C 45 (2021) 030003], the table DarkNews reads
(include/aux_data/mass20_1.txt): 1H 1.007825031898, 12C 12 (exact, definition of u),
16O 15.99491461926, 40Ar 39.96238312204.

Charge form factors (coherent scattering, :mod:`nuportal.models.nuclear_form_factors`): 12C uses
the Fourier-Bessel expansion of DarkNews ``const_dics.py`` (presumably de Vries et al., At.
Data Nucl. Data Tables 36 (1987) 495; provenance of the coefficients not verified); the other
nuclei use the symmetrized Fermi form of DarkNews ``nuclear_tools.py``. (DarkNews also has
Fourier-Bessel tables for 16O and 40Ar, which are not carried over here.) Single nucleons
(``"H1"``, ``"proton"``) scatter elastically with the dipole Dirac/Pauli form factors.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal import constants
from nuportal.models import nuclear_form_factors as _ff

__all__ = [
    "ATOMIC_MASS_UNIT",
    "NUCLEI",
    "Nucleus",
    "electron_binding_energy",
    "nuclear_mass",
    "nucleus",
]

#: Atomic mass unit [GeV], CODATA 2018 (931.49410242 MeV), the value used by DarkNews.
ATOMIC_MASS_UNIT: float = 0.9314941024228

FormFactorModel = Literal["fourier_bessel", "symmetrized_fermi", "helm", "nucleon"]
_FORM_FACTOR_MODELS = ("fourier_bessel", "symmetrized_fermi", "helm", "nucleon")


def electron_binding_energy(Z: int) -> float:
    """Total binding energy of the Z atomic electrons [GeV].

    B_e(Z) = (14.4381 Z^2.39 + 1.55468e-6 Z^5.35) eV [Lunney, Pearson, Thibault, Rev. Mod. Phys.
    75 (2003) 1021, eq. (A4); as in DarkNews].
    """
    z = _check_count(Z, "Z")
    return (14.4381 * z**2.39 + 1.55468e-6 * z**5.35) * 1e-9


def nuclear_mass(atomic_mass_u: float, Z: int) -> float:
    """Nuclear mass M_A = A_atomic u - Z m_e + B_e(Z) [GeV] from the atomic mass [u] (DarkNews).

    Checks: 12C (12 u) 11.1748643 GeV; 1H (1.007825031898 u) 0.9382721 GeV.
    """
    a = float(atomic_mass_u)
    if not (math.isfinite(a) and a > 0.0):
        raise ValueError(f"atomic_mass_u must be finite and > 0 u, got {atomic_mass_u!r}")
    z = _check_count(Z, "Z")
    return a * ATOMIC_MASS_UNIT - z * constants.M_ELECTRON + electron_binding_energy(z)


def _check_count(value: int, name: str) -> int:
    if isinstance(value, bool) or int(value) != value or value < 0:
        raise ValueError(f"{name} must be an integer >= 0, got {value!r}")
    return int(value)


@dataclass(frozen=True)
class Nucleus:
    """A scattering target: a nucleus (A > 1) or a single nucleon.

    Attributes
    ----------
    name : str
        Registry name (``"C12"``, ``"proton"``, ...).
    Z, N : int
        Proton and neutron numbers.
    mass : float
        Target mass [GeV] (nuclear mass, not atomic).
    form_factor_model : {"fourier_bessel", "symmetrized_fermi", "helm", "nucleon"}
        Charge form factor used for coherent scattering; ``"nucleon"`` for single nucleons.
    atomic_mass_u : float or None
        Atomic mass [u] the nuclear mass was computed from (None if the mass was given).
    fourier_bessel : FourierBesselParameters or None
        Expansion used when ``form_factor_model == "fourier_bessel"``.
    """

    name: str
    Z: int
    N: int
    mass: float
    form_factor_model: FormFactorModel
    atomic_mass_u: float | None = None
    fourier_bessel: _ff.FourierBesselParameters | None = None

    def __post_init__(self) -> None:
        _check_count(self.Z, "Z")
        _check_count(self.N, "N")
        if self.Z + self.N < 1:
            raise ValueError(f"Z + N must be >= 1, got Z={self.Z}, N={self.N}")
        if not (math.isfinite(self.mass) and self.mass > 0.0):
            raise ValueError(f"mass must be finite and > 0 GeV, got {self.mass!r}")
        if self.form_factor_model not in _FORM_FACTOR_MODELS:
            raise ValueError(
                f"form_factor_model must be one of {_FORM_FACTOR_MODELS}, "
                f"got {self.form_factor_model!r}"
            )
        if self.form_factor_model == "fourier_bessel" and self.fourier_bessel is None:
            raise ValueError("form_factor_model 'fourier_bessel' needs fourier_bessel parameters")
        if (self.form_factor_model == "nucleon") != (self.A == 1):
            raise ValueError("form_factor_model 'nucleon' is for (and only for) A = 1 targets")

    @classmethod
    def from_atomic_mass(
        cls,
        name: str,
        Z: int,
        N: int,
        atomic_mass_u: float,
        form_factor_model: FormFactorModel = "symmetrized_fermi",
        fourier_bessel: _ff.FourierBesselParameters | None = None,
    ) -> Nucleus:
        """Target whose mass is M_A = A_atomic u - Z m_e + B_e(Z) (:func:`nuclear_mass`)."""
        return cls(
            name=name,
            Z=Z,
            N=N,
            mass=nuclear_mass(atomic_mass_u, Z),
            form_factor_model=form_factor_model,
            atomic_mass_u=float(atomic_mass_u),
            fourier_bessel=fourier_bessel,
        )

    @property
    def A(self) -> int:
        """Mass number Z + N."""
        return self.Z + self.N

    @property
    def is_nucleon(self) -> bool:
        """True for single-nucleon targets (A = 1): elastic scattering only, no coherent."""
        return self.A == 1

    @property
    def charge_form_factor(self) -> Callable[[ArrayLike], NDArray[np.float64] | float]:
        """F(Q^2) of the nuclear charge distribution (Q^2 in GeV^2), F(0) = 1.

        For single nucleons: the Sachs G_E of the dipole parametrization (as in DarkNews).
        """
        model = self.form_factor_model
        if model == "fourier_bessel":
            params = self.fourier_bessel
            return lambda q2: _ff.fourier_bessel_form_factor(q2, params)
        if model == "symmetrized_fermi":
            a = self.A
            return lambda q2: _ff.symmetrized_fermi_form_factor(q2, a)
        if model == "helm":
            a = self.A
            return lambda q2: _ff.helm_form_factor(q2, a)
        nucleon = "proton" if self.Z == 1 else "neutron"
        return lambda q2: _ff.nucleon_sachs_form_factors(q2, nucleon)[0]


#: Registry of targets by name. 12C: Fourier-Bessel; 16O, 40Ar: symmetrized Fermi; 1H: the
#: hydrogen nucleus (mass from its atomic mass); "proton": free proton with the PDG mass.
NUCLEI: dict[str, Nucleus] = {
    "C12": Nucleus.from_atomic_mass("C12", 6, 6, 12.0, "fourier_bessel", _ff.FOURIER_BESSEL_C12),
    "H1": Nucleus.from_atomic_mass("H1", 1, 0, 1.007825031898, "nucleon"),
    "O16": Nucleus.from_atomic_mass("O16", 8, 8, 15.99491461926),
    "Ar40": Nucleus.from_atomic_mass("Ar40", 18, 22, 39.96238312204),
    "proton": Nucleus("proton", 1, 0, constants.mass("p"), "nucleon"),
}


def nucleus(name: str | Nucleus) -> Nucleus:
    """The registered target called ``name`` (case-insensitive); a Nucleus is returned as is.

    Raises
    ------
    ValueError
        For an unknown name; the message lists the known names.
    """
    if isinstance(name, Nucleus):
        return name
    if isinstance(name, str):
        for key, value in NUCLEI.items():
            if key.lower() == name.lower():
                return value
    raise ValueError(f"unknown target {name!r}; known targets: {', '.join(NUCLEI)}")
