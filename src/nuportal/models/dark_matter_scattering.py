"""Light dark matter scattering on electrons at rest through a dark photon: chi e- -> chi e-.

A dark-matter particle chi of mass m_chi (complex scalar or Dirac fermion, charge g_D under the
dark U(1), alpha_D = g_D^2 / 4 pi) exchanges a dark photon A' of mass M that mixes kinetically
with the photon (coupling eps e to the electromagnetic current). With the electron at rest,
T = E_e - m_e its kinetic energy, E the chi energy and p^2 = E^2 - m_chi^2:

    dsigma/dT (scalar) = 4 pi alpha alpha_D eps^2 [2 m_e E^2 - (2 m_e E + m_chi^2) T]
                         / [p^2 (M^2 + 2 m_e T)^2]
    dsigma/dT (Dirac)  = 4 pi alpha alpha_D eps^2 [2 m_e E^2 - (2 m_e E + m_chi^2 + m_e^2) T
                         + m_e T^2] / [p^2 (M^2 + 2 m_e T)^2]

(P. deNiverville, M. Pospelov, A. Ritz, PRD 84 (2011) 075020, arXiv:1107.4580, and
P. deNiverville, C.-Y. Chen, M. Pospelov, A. Ritz, PRD 95 (2017) 035006, arXiv:1609.01770, for
the scalar; the fermion form follows from the same vector exchange with the Dirac trace; both are
checked in the tests against |M|^2 contracted numerically from the two currents' tensors.)
Kinematics: T_max = 2 m_e p^2 / (m_chi^2 + m_e^2 + 2 m_e E) and
cos(theta_e) = (E + m_e)/p * sqrt(T / (T + 2 m_e)).

Units: GeV for energies and masses, cm^2 for cross sections (GeV^-2 -> cm^2 with hbar c).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal import constants

__all__ = [
    "chi_electron_dsigma_dT",
    "chi_electron_max_recoil",
    "chi_electron_sigma",
    "electron_recoil_cos_angle",
]

GEV2_TO_CM2 = constants.GEV2_TO_CM2

Spin = Literal["scalar", "dirac"]


def _check(m_chi: float, m_dark_photon: float, epsilon: float, alpha_D: float, spin: str) -> None:
    for name, v in (("m_chi", m_chi), ("m_dark_photon", m_dark_photon)):
        if not (math.isfinite(v) and v > 0):
            raise ValueError(f"{name} must be finite and > 0 GeV, got {v!r}")
    if not (math.isfinite(epsilon) and 0 <= epsilon <= 1):
        raise ValueError(f"epsilon must be finite and in [0, 1], got {epsilon!r}")
    if not (math.isfinite(alpha_D) and 0 <= alpha_D <= 4 * math.pi):
        raise ValueError(f"alpha_D must be finite and in [0, 4 pi], got {alpha_D!r}")
    if spin not in ("scalar", "dirac"):
        raise ValueError(f"spin must be 'scalar' or 'dirac', got {spin!r}")


def chi_electron_max_recoil(E: ArrayLike, m_chi: float) -> NDArray[np.float64]:
    """Largest electron kinetic energy T_max [GeV] for a chi of energy E [GeV] (0 below m_chi)."""
    e = np.asarray(E, dtype=float)
    me = constants.M_ELECTRON
    p2 = np.clip(e**2 - m_chi**2, 0.0, None)
    return 2 * me * p2 / (m_chi**2 + me**2 + 2 * me * e)


def electron_recoil_cos_angle(E: ArrayLike, T: ArrayLike, m_chi: float) -> NDArray[np.float64]:
    """cos(theta_e) of the recoil electron w.r.t. the incoming chi (E, T in GeV, T <= T_max)."""
    e = np.asarray(E, dtype=float)
    t = np.asarray(T, dtype=float)
    me = constants.M_ELECTRON
    p = np.sqrt(np.clip(e**2 - m_chi**2, 0.0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        c = (e + me) / p * np.sqrt(t / (t + 2 * me))
    return np.clip(c, -1.0, 1.0)


def chi_electron_dsigma_dT(
    E: ArrayLike,
    T: ArrayLike,
    m_chi: float,
    m_dark_photon: float,
    epsilon: float,
    alpha_D: float,
    spin: Spin = "scalar",
) -> NDArray[np.float64]:
    """dsigma/dT [cm^2 / GeV] of chi e- -> chi e- on an electron at rest (module docstring).

    Parameters
    ----------
    E : array_like
        chi energy [GeV] (lab frame).
    T : array_like
        Electron kinetic energy [GeV]; zero cross section outside 0 <= T <= T_max(E).
    m_chi, m_dark_photon : float
        chi and A' masses [GeV].
    epsilon, alpha_D : float
        Kinetic mixing and dark coupling alpha_D = g_D^2 / 4 pi.
    spin : {"scalar", "dirac"}
        Complex scalar or Dirac fermion chi.
    """
    _check(m_chi, m_dark_photon, epsilon, alpha_D, spin)
    e, t = np.broadcast_arrays(np.asarray(E, float), np.asarray(T, float))
    me = constants.M_ELECTRON
    p2 = e**2 - m_chi**2
    if spin == "scalar":
        num = 2 * me * e**2 - (2 * me * e + m_chi**2) * t
    else:
        num = 2 * me * e**2 - (2 * me * e + m_chi**2 + me**2) * t + me * t**2
    pref = 4 * math.pi * constants.ALPHA_EM * alpha_D * epsilon**2
    with np.errstate(divide="ignore", invalid="ignore"):
        d = pref * num / (p2 * (m_dark_photon**2 + 2 * me * t) ** 2)
    inside = (p2 > 0) & (t >= 0) & (t <= chi_electron_max_recoil(e, m_chi))
    return np.where(inside, np.clip(d, 0.0, None), 0.0) * GEV2_TO_CM2


def chi_electron_sigma(
    E: ArrayLike,
    m_chi: float,
    m_dark_photon: float,
    epsilon: float,
    alpha_D: float,
    spin: Spin = "scalar",
    *,
    T_min: float = 0.0,
    T_max: float = math.inf,
) -> NDArray[np.float64]:
    """Cross section [cm^2] with the electron kinetic energy in [T_min, min(T_max, T_max(E))].

    Closed form: the integrand is a polynomial in T of degree <= 2 over (M^2 + 2 m_e T)^2,
    integrated term by term with u = M^2 + 2 m_e T.
    """
    _check(m_chi, m_dark_photon, epsilon, alpha_D, spin)
    if not (T_min >= 0 and T_max >= T_min):
        raise ValueError(f"need 0 <= T_min <= T_max, got T_min={T_min!r}, T_max={T_max!r}")
    e = np.asarray(E, dtype=float)
    me = constants.M_ELECTRON
    M2 = m_dark_photon**2
    p2 = e**2 - m_chi**2
    hi = np.minimum(chi_electron_max_recoil(e, m_chi), T_max)
    lo = np.minimum(np.full_like(e, T_min), hi)
    # numerator a + b T + c T^2
    a = 2 * me * e**2
    if spin == "scalar":
        b = -(2 * me * e + m_chi**2)
        c = 0.0
    else:
        b = -(2 * me * e + m_chi**2 + me**2)
        c = me

    def antiderivative(t):
        # integral of (a + b t + c t^2) / (M2 + 2 me t)^2 dt, with u = M2 + 2 me t
        u = M2 + 2 * me * t
        k = 2 * me
        # t = (u - M2)/k; write numerator in u: a' + b' u + c' u^2
        a1 = a - b * M2 / k + c * M2**2 / k**2
        b1 = b / k - 2 * c * M2 / k**2
        c1 = c / k**2
        return (-a1 / u + b1 * np.log(u) + c1 * u) / k

    pref = 4 * math.pi * constants.ALPHA_EM * alpha_D * epsilon**2
    with np.errstate(divide="ignore", invalid="ignore"):
        s = pref * (antiderivative(hi) - antiderivative(lo)) / p2
    return np.where(p2 > 0, np.clip(s, 0.0, None), 0.0) * GEV2_TO_CM2
