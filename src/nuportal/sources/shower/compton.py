"""Compton scattering gamma e -> gamma e on atomic electrons (Klein-Nishina, electrons at rest).

Per free electron, with kappa = k/m_e and eps = k'/k (scattered photon over incident energy),
1 - cos theta = (1 - eps)/(kappa eps), eps in [1/(1 + 2 kappa), 1]:

    dsigma/deps = (pi r_e^2 / kappa) (1/eps + eps) [1 - eps sin^2 theta / (1 + eps^2)],
    sigma_KN = 2 pi r_e^2 {(1 + kappa)/kappa^2 [2 (1 + kappa)/(1 + 2 kappa) - ln(1 + 2 kappa)/kappa]
               + ln(1 + 2 kappa)/(2 kappa) - (1 + 3 kappa)/(1 + 2 kappa)^2}.

Per atom: Z times (binding and Doppler broadening neglected: valid for k >> atomic binding).

References
----------
O. Klein, Y. Nishina, Z. Phys. 52 (1929) 853. Sampling: J. C. Butcher,
H. Messel, Nucl. Phys. 20 (1960) 15 (the mixture-and-rejection method also described in the
Geant4 Physics Reference Manual, Compton scattering, and in EGS4, SLAC-265 (1985)).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal._validation import as_rng
from nuportal.sources.shower.materials import Material, resolve_material
from nuportal.sources.shower.processes import Products, Species
from nuportal.sources.shower.qed_constants import CLASSICAL_ELECTRON_RADIUS, M_E
from nuportal.sources.shower.sm_tabulation import check_energy

__all__ = [
    "THOMSON_CROSS_SECTION",
    "Compton",
    "klein_nishina_cross_section",
    "klein_nishina_dsigma_deps",
]

_PI_RE2 = np.pi * CLASSICAL_ELECTRON_RADIUS**2
#: Thomson cross section 8 pi r_e^2 / 3 [cm^2].
THOMSON_CROSS_SECTION: float = 8.0 / 3.0 * _PI_RE2
_SERIES_BELOW = 1e-3  # kappa below which the low-energy expansion is used


def klein_nishina_cross_section(energy: ArrayLike) -> NDArray[np.float64]:
    """Klein-Nishina total cross section per electron [cm^2] at photon energy [GeV].

    Closed form of the module docstring; for kappa < 1e-3 the expansion
    sigma_T (1 - 2 kappa + 26 kappa^2/5) (avoids the cancellation of the closed form; error
    < 1e-7 relative).

    References
    ----------
    Klein & Nishina (1929).
    """
    k = check_energy(energy, "energy")
    kap = k / M_E
    small = kap < _SERIES_BELOW
    kb = np.where(small, 1.0, kap)
    l2k = np.log1p(2.0 * kb)
    full = (
        2.0
        * _PI_RE2
        * (
            (1.0 + kb) / kb**2 * (2.0 * (1.0 + kb) / (1.0 + 2.0 * kb) - l2k / kb)
            + l2k / (2.0 * kb)
            - (1.0 + 3.0 * kb) / (1.0 + 2.0 * kb) ** 2
        )
    )
    series = THOMSON_CROSS_SECTION * (1.0 - 2.0 * kap + 5.2 * kap**2)
    return np.where(small, series, full)


def klein_nishina_dsigma_deps(eps: ArrayLike, energy: ArrayLike) -> NDArray[np.float64]:
    """Klein-Nishina dsigma/deps per electron [cm^2], eps = k'/k (zero outside [1/(1+2kappa), 1]).

    References
    ----------
    Klein & Nishina (1929): dsigma/dOmega = (r_e^2/2) eps^2 (eps + 1/eps - sin^2 theta) with
    dcos(theta)/deps = 1/(kappa eps^2).
    """
    eps, k = np.broadcast_arrays(np.asarray(eps, dtype=float), np.asarray(energy, dtype=float))
    kap = k / M_E
    one_minus_cos = (1.0 - eps) / (kap * eps)
    sin2 = one_minus_cos * (2.0 - one_minus_cos)
    val = _PI_RE2 / kap * (1.0 / eps + eps) * (1.0 - eps * sin2 / (1.0 + eps**2))
    inside = (eps >= 1.0 / (1.0 + 2.0 * kap)) & (eps <= 1.0)
    return np.where(inside, val, 0.0)


class Compton:
    """Compton scattering on the Z atomic electrons, treated as free and at rest.

    Parameters
    ----------
    material : Material or str
        Target material.

    Notes
    -----
    ``cross_section`` is the closed Klein-Nishina form times Z (as fast as a table lookup).
    ``sample`` is the Butcher-Messel method: eps from the mixture a1 (1/eps) + a2 (eps) on
    [eps0, 1] (a1 = ln(1/eps0), a2 = (1 - eps0^2)/2) accepted with 1 - eps sin^2/(1 + eps^2).
    The electron direction follows from momentum conservation.
    """

    name = "compton"
    incoming = Species.PHOTON
    products = (Species.PHOTON, Species.ELECTRON)
    threshold = 0.0

    def __init__(self, material: Material | str) -> None:
        self.material = resolve_material(material)

    def cross_section(self, energy: ArrayLike) -> NDArray[np.float64]:
        """Total cross section per atom [cm^2] at photon energy ``energy`` [GeV]."""
        return self.material.Z * klein_nishina_cross_section(energy)

    def sample(self, energy: ArrayLike, rng: np.random.Generator) -> Products:
        """Sample the scattered photon and the recoil electron (``energy`` > 0).

        Returns
        -------
        Products
            energy_1 = k' (photon), energy_2 = (k - k') + m_e (electron, from the ledger).
        """
        rng = as_rng(rng)
        k = check_energy(energy)
        shape = k.shape
        k = k.ravel()
        if np.any(k <= 0.0):
            raise ValueError(f"energy must be > 0 GeV, got min {k.min():g} GeV")
        kap = k / M_E
        eps0 = 1.0 / (1.0 + 2.0 * kap)
        a1 = -np.log(eps0)
        a2 = 0.5 * (1.0 - eps0**2)
        p1 = a1 / (a1 + a2)
        eps = np.empty_like(k)
        omc = np.empty_like(k)
        todo = np.arange(k.size)
        while todo.size:
            r = rng.random((3, todo.size))
            e0 = eps0[todo]
            first = r[0] < p1[todo]
            et = np.where(first, np.exp(-a1[todo] * r[1]), np.sqrt(e0**2 + (1.0 - e0**2) * r[1]))
            t = (1.0 - et) / (kap[todo] * et)
            g = 1.0 - et * t * (2.0 - t) / (1.0 + et**2)
            accept = r[2] <= g
            eps[todo[accept]] = et[accept]
            omc[todo[accept]] = t[accept]
            todo = todo[~accept]
        photon = eps * k
        electron = (k - photon) + M_E
        cos_g = np.clip(1.0 - omc, -1.0, 1.0)
        sin_g = np.sqrt(np.maximum(omc * (2.0 - omc), 0.0))
        pz = k - photon * cos_g
        pt = photon * sin_g
        with np.errstate(invalid="ignore", divide="ignore"):
            cos_e = np.where(pz**2 + pt**2 > 0.0, pz / np.hypot(pz, pt), 1.0)
        return Products(
            energy_1=photon.reshape(shape),
            energy_2=electron.reshape(shape),
            cos_theta_1=cos_g.reshape(shape),
            cos_theta_2=cos_e.reshape(shape),
        )
