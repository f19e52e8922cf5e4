"""Pair production gamma N -> e- e+ N (Bethe-Heitler with Tsai's screening and Coulomb correction).

Differential cross section per atom in x = E+/k (photon energy k, E+ + E- = k):

    dsigma/dx = alpha r_e^2 {[x^2 + (1 - x)^2 + (2/3) x (1 - x)] C1(delta)
                             - (2/3) x (1 - x) C2(delta)},

with delta = m_e k / (E+ E-) = m_e / (k x (1 - x)) and the screened brackets C1, C2 of
:func:`~nuportal.sources.shower.bremsstrahlung.screening_brackets` (nucleus with Coulomb
correction, plus atomic electrons). x^2 + (1 - x)^2 + (2/3) x (1 - x) = 1 - (4/3) x (1 - x). In the
complete-screening limit this is the form 4 alpha r_e^2 {[1 - (4/3) x(1 - x)]
[Z^2 (L_rad - f) + Z L'_rad] - (1/9) x (1 - x)(Z^2 + Z)}, whose integral is
(7/9) A/(X0 N_A) [1 - (Z^2 + Z) / (42 (Z^2 (L_rad - f) + Z L'_rad))] (a 0.5-0.7 % reduction).
Kinematic range m_e/k <= x <= 1 - m_e/k, threshold k = 2 m_e.

Limitations: Born approximation with the high-energy Coulomb correction; near threshold (k of a
few MeV) the result is only approximate, and for high Z the bracket is negative just above 2 m_e
(the cross section is then set to 0, e.g. below 2.35 MeV in lead), where the true cross section
is negligible against Compton scattering.

References
----------
Y.-S. Tsai, Rev. Mod. Phys. 46 (1974) 815, Sec. III (pair production with the screening functions
of bremsstrahlung); H. A. Bethe, W. Heitler, Proc. R. Soc. A 146 (1934) 83; PDG "Passage of
particles through matter", "Energy loss by photons" (7/9 law); the sign of the
1/9 term was re-derived for this package from the Bethe-Heitler complete-screening functions.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal._validation import as_rng
from nuportal.sources.shower.bremsstrahlung import sample_modified_tsai_cos, screening_brackets
from nuportal.sources.shower.materials import Material, resolve_material
from nuportal.sources.shower.processes import Products, Species
from nuportal.sources.shower.qed_constants import ALPHA, CLASSICAL_ELECTRON_RADIUS, M_E
from nuportal.sources.shower.sm_tabulation import (
    MAX_ENERGY,
    ThresholdTable,
    check_energy,
    gauss_legendre,
)

__all__ = ["PairProduction", "integrate_pair_spectrum", "pair_dsigma_dx"]

_AR2 = ALPHA * CLASSICAL_ELECTRON_RADIUS**2  # alpha r_e^2 [cm^2]
_NODES = 64


def _dsigma_dx(x: NDArray, k: NDArray, Z: int) -> NDArray[np.float64]:
    """dsigma/dx per atom [cm^2] inside the kinematic range (no range check)."""
    xx = x * (1.0 - x)
    c1, c2 = screening_brackets(Z, M_E / (k * xx))
    return _AR2 * np.maximum((1.0 - (4.0 / 3.0) * xx) * c1 - (2.0 / 3.0) * xx * c2, 0.0)


def pair_dsigma_dx(x: ArrayLike, k: ArrayLike, Z: int) -> NDArray[np.float64]:
    """Pair-production dsigma/dx per atom [cm^2], x = E+/k (module docstring; Tsai 1974 Sec. III).

    Parameters
    ----------
    x : array_like
        Positron energy fraction E+/k (total energies).
    k : array_like
        Photon energy [GeV] (broadcast with ``x``).
    Z : int
        Atomic number.

    Returns
    -------
    numpy.ndarray
        Zero outside m_e/k < x < 1 - m_e/k.
    """
    x, k = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(k, dtype=float))
    inside = (k > 2.0 * M_E) & (x > M_E / k) & (x < 1.0 - M_E / k)
    out = np.zeros(x.shape)
    out[inside] = _dsigma_dx(x[inside], k[inside], Z)
    return out


def integrate_pair_spectrum(k: ArrayLike, Z: int) -> NDArray[np.float64]:
    """Total pair cross section per atom [cm^2] by Gauss-Legendre quadrature of dsigma/dx.

    sigma = 2 integral_{m_e/k}^{1/2} dsigma/dx dx (the integrand is symmetric in x <-> 1 - x).
    """
    k = np.asarray(k, dtype=float)
    out = np.zeros(k.shape)
    ok = k > 2.0 * M_E
    kk = k[ok][..., None]
    lo = M_E / kk
    x, w = gauss_legendre(_NODES)
    xs = lo + (0.5 - lo) * x
    out[ok] = 2.0 * (0.5 - lo[..., 0]) * (_dsigma_dx(xs, kk, Z) @ w)
    return out


@lru_cache(maxsize=64)
def _cross_section_table(material: Material) -> ThresholdTable:
    """Total cross section table of one material: 32 points/decade in ln(k - 2 m_e)."""
    return ThresholdTable(
        threshold=2.0 * M_E,
        lowest=1e-6,
        highest=MAX_ENERGY,
        points_per_decade=32,
        function=lambda k: integrate_pair_spectrum(k, material.Z),
    )


class PairProduction:
    """Photon conversion gamma -> e- e+ in the field of the nucleus and the atomic electrons.

    Parameters
    ----------
    material : Material or str
        Target material.

    Notes
    -----
    ``cross_section`` interpolates (log-log in k - 2 m_e) a table built once per material by
    quadrature of :func:`pair_dsigma_dx`. ``sample`` draws x uniformly on [m_e/k, 1/2] and
    accepts with dsigma/dx / (alpha r_e^2 C1(4 m_e/k)) (an upper bound: 1 - (4/3) x(1 - x) <= 1
    and C1 is largest at x = 1/2), then gives the electron x or 1 - x with equal probability.
    Polar angles: modified Tsai distribution, theta ~= u m_e / E+- (Geant4 Physics Reference
    Manual; :func:`~nuportal.sources.shower.bremsstrahlung.sample_modified_tsai_cos`),
    independently for the two leptons (the caller puts them at opposite azimuths).
    """

    name = "pair_production"
    incoming = Species.PHOTON
    products = (Species.ELECTRON, Species.POSITRON)
    #: Kinematic threshold 2 m_e [GeV].
    threshold = 2.0 * M_E

    def __init__(self, material: Material | str) -> None:
        self.material = resolve_material(material)
        self._table = _cross_section_table(self.material)

    def cross_section(self, energy: ArrayLike) -> NDArray[np.float64]:
        """Total cross section per atom [cm^2] at photon energy ``energy`` [GeV]."""
        return self._table(check_energy(energy))

    def sample(self, energy: ArrayLike, rng: np.random.Generator) -> Products:
        """Sample the e- and e+ energies and angles (``energy`` > 2 m_e).

        Where the cross section vanishes above 2 m_e (high Z just above threshold, see the module
        docstring) the symmetric split x = 1/2 is returned.

        Returns
        -------
        Products
            energy_1 = E- (electron), energy_2 = E+ from the ledger k = (E- - m_e) + (E+ + m_e).
        """
        rng = as_rng(rng)
        k = check_energy(energy)
        shape = k.shape
        k = k.ravel()
        if np.any(k <= 2.0 * M_E):
            raise ValueError(
                f"energy must exceed the pair threshold 2 m_e = {2.0 * M_E:g} GeV, "
                f"got min {k.min():g} GeV"
            )
        z = self.material.Z
        lo = M_E / k
        bound = _AR2 * screening_brackets(z, 4.0 * M_E / k)[0]
        x = np.full_like(k, 0.5)
        todo = np.flatnonzero(bound > 0.0)
        while todo.size:
            kt = k[todo]
            xt = lo[todo] + (0.5 - lo[todo]) * rng.random(todo.size)
            accept = rng.random(todo.size) * bound[todo] <= _dsigma_dx(xt, kt, z)
            x[todo[accept]] = xt[accept]
            todo = todo[~accept]
        x = np.where(rng.random(k.size) < 0.5, x, 1.0 - x)
        electron = x * k
        positron = (k - (electron - M_E)) - M_E
        return Products(
            energy_1=electron.reshape(shape),
            energy_2=positron.reshape(shape),
            cos_theta_1=sample_modified_tsai_cos(electron, rng).reshape(shape),
            cos_theta_2=sample_modified_tsai_cos(positron, rng).reshape(shape),
        )
