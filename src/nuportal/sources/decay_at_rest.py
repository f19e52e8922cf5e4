"""Neutrino spectra from mu+ decay at rest (mu+ -> e+ nu_e nubar_mu), as at LSND.

In the V-A theory with the electron mass and radiative corrections neglected, the squared matrix
element of mu+ -> e+ nu_e nubar_mu is proportional to (p_mu . p_nue)(p_e . p_numubar), so the
nubar_mu has the same energy spectrum as the positron (the Michel spectrum with rho = 3/4) and the
nu_e the spectrum of the particle paired with the muon. With x = 2 E / m_mu in [0, 1]:

    nubar_mu:  dN/dx = 2 x^2 (3 - 2 x),     nu_e:  dN/dx = 12 x^2 (1 - x),

both normalized to 1, and in energy (E_max = m_mu / 2)

    dN/dE (nubar_mu) = (16 E^2 / m_mu^3) (3 - 4 E / m_mu),
    dN/dE (nu_e)     = (96 E^2 / m_mu^4) (m_mu - 2 E).

Mean energies: <x> = 7/10 (nubar_mu) and 3/5 (nu_e), i.e. <E> = 0.35 m_mu = 37.0 MeV and
0.3 m_mu = 31.7 MeV.

References
----------
* [Okun] L. B. Okun, *Leptons and Quarks*, North-Holland (1982), ch. 3 (muon decay in V-A).
* [PDG] PDG 2024, review "Muon decay parameters": the e+ spectrum
  dN/dx ∝ x^2 [3 (1 - x) + (2 rho / 3)(4 x - 3)] for m_e -> 0, eta = 0; V-A gives rho = 3/4.
* [LSND01] A. Aguilar et al. (LSND), Phys. Rev. D 64, 112007 (2001), hep-ex/0104049, Sec. II
  (the DAR nubar_mu flux with endpoint 52.8 MeV).
Units: GeV; the muon mass is :data:`nuportal.constants.M_MUON` (PDG via ``particle``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal import constants
from nuportal._validation import scalar_or_array

__all__ = [
    "DAR_NUMUBAR_MAX_ENERGY_GEV",
    "DAR_NUMUBAR_MEAN_ENERGY_GEV",
    "DAR_NU_E_MEAN_ENERGY_GEV",
    "dar_nu_e_spectrum",
    "dar_numubar_spectrum",
]

#: Endpoint of both DAR spectra, m_mu / 2 [GeV] (52.83 MeV).
DAR_NUMUBAR_MAX_ENERGY_GEV: float = 0.5 * constants.M_MUON
#: Mean nubar_mu energy from mu+ DAR, 7/10 of the endpoint [GeV].
DAR_NUMUBAR_MEAN_ENERGY_GEV: float = 0.7 * DAR_NUMUBAR_MAX_ENERGY_GEV
#: Mean nu_e energy from mu+ DAR, 3/5 of the endpoint [GeV].
DAR_NU_E_MEAN_ENERGY_GEV: float = 0.6 * DAR_NUMUBAR_MAX_ENERGY_GEV


def _energy(E_GeV: ArrayLike) -> NDArray[np.float64]:
    e = np.asarray(E_GeV, dtype=float)
    if np.any(~np.isfinite(e)) or np.any(e < 0.0):
        raise ValueError(f"E_GeV must be finite and >= 0 GeV, got {E_GeV!r}")
    return e


def dar_numubar_spectrum(E_GeV: ArrayLike) -> NDArray[np.float64] | float:
    """Normalized nubar_mu energy spectrum from mu+ decay at rest [1/GeV].

    dN/dE = (16 E^2 / m_mu^3)(3 - 4 E / m_mu) for 0 <= E <= m_mu / 2, zero above
    (V-A, m_e = 0, no radiative corrections; [Okun], [PDG] with rho = 3/4). Integrates to 1 over
    [0, m_mu/2]; mean 0.35 m_mu; value 2 / E_max at the endpoint.

    Parameters
    ----------
    E_GeV : array_like
        Neutrino energy [GeV], finite and >= 0.

    Returns
    -------
    float or ndarray
        Probability density [1/GeV], same shape as ``E_GeV``.

    Raises
    ------
    ValueError
        If an energy is negative or not finite.
    """
    e = _energy(E_GeV)
    m = constants.M_MUON
    pdf = np.where(e <= 0.5 * m, 16.0 * e**2 / m**3 * (3.0 - 4.0 * e / m), 0.0)
    return scalar_or_array(pdf)


def dar_nu_e_spectrum(E_GeV: ArrayLike) -> NDArray[np.float64] | float:
    """Normalized nu_e energy spectrum from mu+ decay at rest [1/GeV].

    dN/dE = (96 E^2 / m_mu^4)(m_mu - 2 E) for 0 <= E <= m_mu / 2, zero above (V-A, m_e = 0;
    [Okun]). Integrates to 1; mean 0.3 m_mu; zero at the endpoint.

    Parameters
    ----------
    E_GeV : array_like
        Neutrino energy [GeV], finite and >= 0.

    Returns
    -------
    float or ndarray
        Probability density [1/GeV].
    """
    e = _energy(E_GeV)
    m = constants.M_MUON
    pdf = np.where(e <= 0.5 * m, 96.0 * e**2 / m**4 * (m - 2.0 * e), 0.0)
    return scalar_or_array(pdf)
