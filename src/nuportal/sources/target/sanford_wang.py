"""Meson production by 8.89 GeV/c protons on beryllium: the MiniBooNE flux paper's fits.

A. A. Aguilar-Arevalo et al. (MiniBooNE), "The neutrino flux prediction at MiniBooNE",
Phys. Rev. D 79, 072002 (2009), arXiv:0806.1449, Sec. IV:

- Sanford-Wang (J. R. Sanford and C. L. Wang, BNL 11299/11479 (1967)) for pi+, pi- (fit to the
  HARP 8.9 GeV/c p-Be data, hep-ex/0702024, and E910) and K0 (E910, Abe et al.):

      d^2sigma/(dp dOmega) = c1 p^c2 (1 - p/(p_B - c9))
                             exp[-c3 p^c4 / p_B^c5 - c6 theta (p - c7 p_B cos^c8 theta)]
                                                                          [mb / (GeV sr)]

- K+: the Feynman-scaling form (its Eq. for K+, also C. Mariani et al., Phys. Rev. D 84, 114021
  (2011), arXiv:1110.0417):

      d^2sigma/(dp dOmega) = (p^2/E) c1 exp[-c3 |x_F|^c4 - c7 |p_T x_F|^c6 - c2 p_T - c5 p_T^2],
      x_F = p_L* / p*_max, p*_max the centre-of-mass momentum with the lightest recoil allowed
      by strangeness conservation, M_X = m_Lambda + m_p (2.053 GeV, MiniBooNE).

The parameter values are those of the flux paper's tables as used by the public codes BdNMC
(arXiv:1609.01770; pi+, pi-, K0) and RKHorn (K+); units as above with p, p_B in GeV, theta in
rad. The fits describe p-Be only: other materials are rejected.
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal import constants

__all__ = [
    "FEYNMAN_KPLUS",
    "SANFORD_WANG",
    "SW_BEAM_RANGE",
    "check_beam_momentum",
    "feynman_scaling_kplus",
    "sanford_wang",
    "sanford_wang_sum",
]

#: Sanford-Wang c1..c9 by species (p-Be, 8.89 GeV/c; arXiv:0806.1449 Tables V and VI).
SANFORD_WANG = MappingProxyType(
    {
        "pi+": (220.7, 1.080, 1.000, 1.978, 1.32, 5.572, 0.0868, 9.686, 1.0),
        "pi-": (213.7, 0.9379, 5.454, 1.210, 1.284, 4.781, 0.07338, 8.329, 1.0),
        "K0": (15.130, 1.975, 4.084, 0.928, 0.731, 4.362, 0.048, 13.300, 1.278),
    }
)

#: Feynman-scaling c1..c7 for K+ (p-Be; arXiv:0806.1449 Table VII).
FEYNMAN_KPLUS = (11.70, 0.88, 4.77, 1.51, 2.21, 2.17, 1.51)

#: Beam momenta [GeV] covered by the data of the fits (E910 6.4 GeV/c to 12.3 GeV/c, HARP 8.9).
SW_BEAM_RANGE = (6.4, 12.3)

_M_PROTON = constants.mass("p")
_M_RECOIL_KPLUS = 2.053  # GeV, Lambda + p (MiniBooNE)


def check_beam_momentum(beam_momentum: float) -> float:
    """``beam_momentum`` [GeV], or a ValueError unless it lies in :data:`SW_BEAM_RANGE`."""
    lo, hi = SW_BEAM_RANGE
    if not (np.isfinite(beam_momentum) and lo <= beam_momentum <= hi):
        raise ValueError(
            f"proton energy {beam_momentum!r} GeV is outside the range of the MiniBooNE "
            f"Sanford-Wang / Feynman-scaling fits [{lo:g}, {hi:g}] GeV (BMPT covers 50-1000 GeV)"
        )
    return float(beam_momentum)


def sanford_wang(
    species: str, p: ArrayLike, theta: ArrayLike, beam_momentum: float = 8.89
) -> NDArray[np.float64]:
    """Sanford-Wang d^2sigma/(dp dOmega) of p Be -> h X [mb / (GeV sr)].

    Parameters
    ----------
    species : {"pi+", "pi-", "K0"}
        "K0" is the K0_S (equivalently K0_L) cross section.
    p, theta : array_like
        Lab momentum [GeV] and angle to the beam [rad] of the meson.
    beam_momentum : float
        p_B [GeV] in :data:`SW_BEAM_RANGE`.

    Returns
    -------
    ndarray
        Zero where p >= p_B - c9 (the kinematic end point of the fit).
    """
    check_beam_momentum(beam_momentum)
    if species not in SANFORD_WANG:
        raise ValueError(f"species must be one of {list(SANFORD_WANG)}, got {species!r}")
    p = np.asarray(p, float)
    theta = np.asarray(theta, float)
    return sanford_wang_sum((species,), p, theta, np.cos(theta), float(beam_momentum))


def sanford_wang_sum(
    species: tuple[str, ...],
    p: NDArray[np.float64],
    theta: NDArray[np.float64],
    cos_t: NDArray[np.float64],
    beam_momentum: float,
) -> NDArray[np.float64]:
    """Sum of the Sanford-Wang d^2sigma/(dp dOmega) of several species [mb / (GeV sr)].

    The samplers' hot path: no range check; the logarithms of p and cos(theta) are shared and the
    powers written as exponentials.
    """
    pb = float(beam_momentum)
    q = np.maximum(p, 1e-300)
    log_p = np.log(q)
    log_cos = np.log(np.maximum(cos_t, 1e-300))
    total = np.zeros(np.broadcast(p, theta).shape)
    for name in species:
        c1, c2, c3, c4, c5, c6, c7, c8, c9 = SANFORD_WANG[name]
        end = 1.0 - p / (pb - c9)
        exponent = (
            c2 * log_p
            - (c3 / pb**c5) * np.exp(c4 * log_p)
            - c6 * theta * (p - c7 * pb * np.exp(c8 * log_cos))
        )
        total += np.where((end > 0.0) & (p > 0.0), c1 * end * np.exp(exponent), 0.0)
    return total


def feynman_scaling_kplus(
    p: ArrayLike, theta: ArrayLike, beam_momentum: float = 8.89
) -> NDArray[np.float64]:
    """Feynman-scaling d^2sigma/(dp dOmega) of p Be -> K+ X [mb / (GeV sr)].

    Parameters
    ----------
    p, theta : array_like
        Lab momentum [GeV] and angle to the beam [rad] of the K+.
    beam_momentum : float
        p_B [GeV] in :data:`SW_BEAM_RANGE`.
    """
    check_beam_momentum(beam_momentum)
    c1, c2, c3, c4, c5, c6, c7 = FEYNMAN_KPLUS
    m = constants.M_K_CHARGED
    p = np.asarray(p, float)
    theta = np.asarray(theta, float)
    pb = float(beam_momentum)
    e_beam = np.hypot(pb, _M_PROTON)
    s = 2.0 * _M_PROTON * (_M_PROTON + e_beam)
    sqrt_s = np.sqrt(s)
    energy = np.sqrt(p * p + m * m)
    p_long_star = ((e_beam + _M_PROTON) * p * np.cos(theta) - pb * energy) / sqrt_s
    e_star_max = (s + m * m - _M_RECOIL_KPLUS**2) / (2.0 * sqrt_s)
    p_star_max = np.sqrt(e_star_max**2 - m * m)
    x_f = np.abs(p_long_star / p_star_max)
    p_t = p * np.sin(theta)
    val = (
        c1
        * p
        * p
        / energy
        * np.exp(-c3 * x_f**c4 - c7 * (p_t * x_f) ** c6 - c2 * p_t - c5 * p_t * p_t)
    )
    return np.where(x_f < 1.0, val, 0.0)
