"""Light dark matter chi coupled to a dark photon A' (mass M, kinetic mixing eps, coupling g_D).

Lagrangian (complex scalar chi; Dirac fermion in brackets), alpha_D = g_D^2 / (4 pi)::

    L > -(1/4) F'F' + (1/2) M^2 A'A' - (eps/2) F'F + |D chi|^2 - m_chi^2 |chi|^2
        [or chibar (i Dslash - m_chi) chi],   D = d - i g_D A'

The A' couples to the electromagnetic current with strength eps e (its leptonic widths are those
of :mod:`nuportal.models.dark_photon`, reused here) and to chi with g_D.

Formulas (one home each)
------------------------
* Gamma(A' -> chi chi*) = alpha_D M (1 - 4 r)^{3/2} / 12 (scalar),
  Gamma(A' -> chi chibar) = alpha_D M (1 + 2 r) sqrt(1 - 4 r) / 3 (Dirac), r = m_chi^2/M^2, from
  the spin-summed squares g_D^2 (M^2 - 4 m_chi^2) and 4 g_D^2 (M^2 + 2 m_chi^2) of the vertex
  currents (the Dirac width is the lepton width of [BEST] with eps^2 alpha -> alpha_D,
  m_l -> m_chi). Zero below threshold (M <= 2 m_chi).
* y = eps^2 alpha_D (m_chi / M)^4 [IKST].
* Three-body decays P -> gamma chi chi through an off-shell A' (P = pi0, eta), s = m_chichi^2:
  the chi current is conserved, so after the chi angular integration the A'* -> chi chi tensor
  is proportional to (-g + q q / s) and the rate factorises exactly into::

      dBr/ds = Br(P -> gamma A'; mass sqrt(s)) * sqrt(s) Gamma(A'* -> chi chi; sqrt(s))
               / (pi [(s - M^2)^2 + M^2 Gamma_A'^2]),     4 m_chi^2 < s < m_P^2,

  with Br(P -> gamma A') of :func:`nuportal.models.dark_photon.br_meson_to_gamma_dark_photon`
  [BPR] and Gamma_A' the total on-shell width at M (fixed-width Breit-Wigner). For the complex
  scalar this is alpha_D eps^2 Br_gg (m_P^2 - s)^3 (s - 4 m_chi^2) sqrt(1 - 4 m_chi^2/s)
  / (6 pi m_P^6 D), the form of [dNPR] (BdNMC, for pi0 with Br_gg = 1); for the Dirac fermion
  2 alpha_D eps^2 Br_gg (m_P^2 - s)^3 (s + 2 m_chi^2) sqrt(1 - 4 m_chi^2/s) / (3 pi m_P^6 D)
  (derived here; the test suite checks both against a direct Dalitz integration of the full
  matrix element built from the Levi-Civita anomaly vertex and the explicit chi traces). In
  the narrow-width limit the s integral tends to Br(P -> gamma A') Br(A' -> chi chi).
* Angular distribution of A' -> chi chi for a transversely polarised A' (the A' of
  P -> gamma A', helicity +-1 along its flight direction in the P frame), theta* from that axis
  in the A' frame: sin^2 theta* (scalar); 1 + cos^2 theta* + (4 m_chi^2/s) sin^2 theta* (Dirac).

Units: GeV for masses, widths and s in GeV^2.

References
----------
* [BPR]  B. Batell, M. Pospelov, A. Ritz, PRD 80 (2009) 095024, arXiv:0906.5614.
* [BEST] J. D. Bjorken, R. Essig, P. Schuster, N. Toro, PRD 80 (2009) 075018, arXiv:0906.0580.
* [dNPR] P. deNiverville, M. Pospelov, A. Ritz, PRD 84 (2011) 075020, arXiv:1107.4580;
  P. deNiverville, C.-Y. Chen, M. Pospelov, A. Ritz, PRD 95 (2017) 035006, arXiv:1609.01770.
* [IKST] E. Izaguirre, G. Krnjaic, P. Schuster, N. Toro, PRL 115 (2015) 251301,
  arXiv:1505.00011 (the variable y).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import integrate

from nuportal import constants
from nuportal._validation import positive_mass as _check_mass
from nuportal._validation import scalar_or_array as _out
from nuportal.models.dark_photon import (
    BR_MESON_GAMMA_GAMMA,
    br_meson_to_gamma_dark_photon,
    width_dark_photon_leptons,
    width_dark_photon_three_photons,
)

__all__ = [
    "CHI_SPINS",
    "DarkSector",
    "br_dark_photon_to_chi",
    "br_meson_to_gamma_chi_chi",
    "chi_angular_density",
    "dbr_meson_to_gamma_chi_chi_ds",
    "width_dark_photon_to_chi",
    "width_dark_photon_total",
    "y_variable",
]

#: The two chi spins: complex scalar or Dirac fermion.
CHI_SPINS: tuple[str, ...] = ("scalar", "dirac")


def _check_spin(spin: str) -> str:
    if spin not in CHI_SPINS:
        raise ValueError(f"spin must be one of {CHI_SPINS}, got {spin!r}")
    return spin


def _check_nonneg(value: ArrayLike, name: str) -> NDArray[np.float64]:
    v = np.asarray(value, dtype=float)
    if np.any(~np.isfinite(v)) or np.any(v < 0.0):
        raise ValueError(f"{name} must be finite and >= 0, got {value!r}")
    return v


def _check_epsilon(epsilon: ArrayLike) -> NDArray[np.float64]:
    e = np.asarray(epsilon, dtype=float)
    if np.any(~np.isfinite(e)) or np.any(e < 0.0) or np.any(e > 1.0):
        raise ValueError(f"epsilon must be finite and in [0, 1], got {epsilon!r}")
    return e


@dataclass(frozen=True)
class DarkSector:
    """The dark matter particle chi and its coupling to the A'.

    Parameters
    ----------
    m_chi : float
        chi mass [GeV], finite and > 0.
    alpha_D : float
        Dark fine-structure constant g_D^2/(4 pi), finite and in (0, 4 pi] (perturbative bound
        g_D <= 4 pi); the convention of the literature is alpha_D = 0.5.
    spin : {"scalar", "dirac"}
        Complex scalar or Dirac fermion.
    """

    m_chi: float
    alpha_D: float = 0.5
    spin: str = "scalar"

    def __post_init__(self) -> None:
        m = float(self.m_chi)
        if not (math.isfinite(m) and m > 0.0):
            raise ValueError(f"m_chi must be finite and > 0 GeV, got {self.m_chi!r}")
        a = float(self.alpha_D)
        if not (math.isfinite(a) and 0.0 < a <= 4.0 * math.pi):
            raise ValueError(f"alpha_D must be finite and in (0, 4 pi], got {self.alpha_D!r}")
        _check_spin(self.spin)
        object.__setattr__(self, "m_chi", m)
        object.__setattr__(self, "alpha_D", a)


# ------------------------------------------------------------------------ widths
def width_dark_photon_to_chi(
    mass: ArrayLike, m_chi: float, alpha_D: float, spin: str = "scalar"
) -> NDArray[np.float64] | float:
    """Partial width Gamma(A' -> chi chi) [GeV], zero at and below threshold (M <= 2 m_chi).

    Parameters
    ----------
    mass : float or array_like
        A' mass M [GeV] (or sqrt(s) of an off-shell A'), finite and > 0.
    m_chi : float
        chi mass [GeV], > 0.
    alpha_D : float
        Dark fine-structure constant, >= 0.
    spin : {"scalar", "dirac"}

    Returns
    -------
    float or numpy.ndarray
        Gamma [GeV]: alpha_D M (1 - 4r)^{3/2}/12 (scalar), alpha_D M (1 + 2r) sqrt(1 - 4r)/3
        (Dirac), r = m_chi^2/M^2.
    """
    m = _check_mass(mass)
    mc = float(_check_mass(m_chi, "m_chi"))
    a = _check_nonneg(alpha_D, "alpha_D")
    r = (mc / m) ** 2
    beta2 = np.clip(1.0 - 4.0 * r, 0.0, None)
    if _check_spin(spin) == "scalar":
        w = a * m * beta2**1.5 / 12.0
    else:
        w = a * m * (1.0 + 2.0 * r) * np.sqrt(beta2) / 3.0
    return _out(np.where(m > 2.0 * mc, w, 0.0))


def width_dark_photon_total(
    mass: ArrayLike, epsilon: ArrayLike, sector: DarkSector
) -> NDArray[np.float64] | float:
    """Total A' width [GeV]: chi chi + e+ e- + mu+ mu- (+ 3 gamma below 2 m_e).

    Hadronic widths (open above 2 m_pi) are neglected: they are of order eps^2 alpha, far below
    Gamma(chi chi) ~ alpha_D whenever that channel is open.

    Parameters
    ----------
    mass : float or array_like
        M [GeV], > 0.
    epsilon : float or array_like
        Kinetic mixing, in [0, 1].
    sector : DarkSector

    Returns
    -------
    float or numpy.ndarray
        Gamma_A' [GeV].
    """
    m = _check_mass(mass)
    eps = _check_epsilon(epsilon)
    total = (
        np.asarray(width_dark_photon_to_chi(m, sector.m_chi, sector.alpha_D, sector.spin))
        + np.asarray(width_dark_photon_leptons(m, eps, constants.M_ELECTRON))
        + np.asarray(width_dark_photon_leptons(m, eps, constants.M_MUON))
        + np.asarray(width_dark_photon_three_photons(m, eps))
    )
    return _out(total)


def br_dark_photon_to_chi(
    mass: ArrayLike, epsilon: ArrayLike, sector: DarkSector
) -> NDArray[np.float64] | float:
    """Br(A' -> chi chi) of an on-shell A' (0 below 2 m_chi; 1 at eps = 0 above threshold).

    Parameters
    ----------
    mass : float or array_like
        M [GeV].
    epsilon : float or array_like
        Kinetic mixing, in [0, 1].
    sector : DarkSector

    Returns
    -------
    float or numpy.ndarray
    """
    chi = np.asarray(width_dark_photon_to_chi(mass, sector.m_chi, sector.alpha_D, sector.spin))
    total = np.asarray(width_dark_photon_total(mass, epsilon, sector))
    with np.errstate(invalid="ignore", divide="ignore"):
        br = np.where(total > 0.0, chi / np.where(total > 0.0, total, 1.0), 0.0)
    return _out(br)


def y_variable(
    mass: ArrayLike, epsilon: ArrayLike, m_chi: ArrayLike, alpha_D: ArrayLike
) -> NDArray[np.float64] | float:
    """y = eps^2 alpha_D (m_chi / M)^4 [IKST] (dimensionless).

    Parameters
    ----------
    mass : float or array_like
        A' mass M [GeV].
    epsilon : float or array_like
        Kinetic mixing, in [0, 1].
    m_chi : float or array_like
        chi mass [GeV].
    alpha_D : float or array_like
        Dark fine-structure constant, >= 0.
    """
    m = _check_mass(mass)
    return _out(
        _check_epsilon(epsilon) ** 2
        * _check_nonneg(alpha_D, "alpha_D")
        * (_check_mass(m_chi, "m_chi") / m) ** 4
    )


# ------------------------------------------------------------------------ P -> gamma chi chi
def _check_meson(meson: str) -> float:
    if meson not in BR_MESON_GAMMA_GAMMA:
        raise ValueError(f"meson must be one of {sorted(BR_MESON_GAMMA_GAMMA)}, got {meson!r}")
    return constants.mass(meson)


def dbr_meson_to_gamma_chi_chi_ds(
    meson: str, s: ArrayLike, mass: float, epsilon: float, sector: DarkSector
) -> NDArray[np.float64] | float:
    """dBr(P -> gamma chi chi)/ds via an off-shell A' [GeV^-2]; 0 outside 4 m_chi^2 < s < m_P^2.

    Parameters
    ----------
    meson : {"pi0", "eta"}
    s : float or array_like
        Invariant mass squared of the chi pair [GeV^2].
    mass : float
        A' mass M [GeV], > 0 (any value: on-shell below m_P, off-shell otherwise).
    epsilon : float
        Kinetic mixing, in [0, 1].
    sector : DarkSector

    Returns
    -------
    float or numpy.ndarray
        Br(P -> gamma A'(sqrt s)) sqrt(s) Gamma(A'* -> chi chi) / (pi [(s - M^2)^2 + M^2 Gamma^2]).
    """
    m_p = _check_meson(meson)
    m = float(_check_mass(mass))
    eps = float(_check_epsilon(epsilon))
    s_arr = np.asarray(s, dtype=float)
    if np.any(~np.isfinite(s_arr)):
        raise ValueError(f"s must be finite [GeV^2], got {s!r}")
    inside = (s_arr > 4.0 * sector.m_chi**2) & (s_arr < m_p**2)
    root = np.sqrt(np.where(inside, s_arr, (2.0 * sector.m_chi + m_p) ** 2 / 4.0))
    gamma = float(width_dark_photon_total(m, eps, sector))
    br_gamma = np.asarray(br_meson_to_gamma_dark_photon(meson, root, eps))
    w_chi = np.asarray(width_dark_photon_to_chi(root, sector.m_chi, sector.alpha_D, sector.spin))
    denom = (s_arr - m * m) ** 2 + (m * gamma) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        value = br_gamma * root * w_chi / (math.pi * denom)
    return _out(np.where(inside & (denom > 0.0), value, 0.0))


def _phi_range(meson: str, mass: float, epsilon: float, sector: DarkSector):
    """Breit-Wigner substitution s = M^2 + M Gamma tan(phi): range of phi and the scale M Gamma."""
    m_p = constants.mass(meson)
    gamma = float(width_dark_photon_total(mass, epsilon, sector))
    mg = mass * gamma
    s_lo, s_hi = 4.0 * sector.m_chi**2, m_p**2
    if mg <= 0.0:
        return None, s_lo, s_hi
    return (math.atan((s_lo - mass**2) / mg), math.atan((s_hi - mass**2) / mg), mg), s_lo, s_hi


def br_meson_to_gamma_chi_chi(meson: str, mass: float, epsilon: float, sector: DarkSector) -> float:
    """Br(P -> gamma chi chi) through an on- or off-shell A', integrated over s.

    The integral runs over the Breit-Wigner angle phi (s = M^2 + M Gamma tan phi), in which the
    resonance is flat, so narrow widths are integrated accurately (adaptive Gauss-Kronrod).

    Parameters
    ----------
    meson : {"pi0", "eta"}
    mass : float
        A' mass M [GeV], > 0.
    epsilon : float
        Kinetic mixing, in [0, 1].
    sector : DarkSector

    Returns
    -------
    float
        Branching ratio; 0 when 2 m_chi >= m_P (closed).
    """
    m_p = _check_meson(meson)
    m = float(_check_mass(mass))
    eps = float(_check_epsilon(epsilon))
    if 2.0 * sector.m_chi >= m_p:
        return 0.0
    rng_phi, s_lo, s_hi = _phi_range(meson, m, eps, sector)
    if rng_phi is None:  # eps = 0 and A' below 2 m_chi: no width, no rate
        return float(
            integrate.quad(
                lambda s: dbr_meson_to_gamma_chi_chi_ds(meson, s, m, eps, sector),
                s_lo,
                s_hi,
                limit=200,
            )[0]
        )
    phi_lo, phi_hi, mg = rng_phi

    def integrand(phi: float) -> float:
        s = m * m + mg * math.tan(phi)
        # ds = mg sec^2(phi) dphi and D = mg^2 sec^2(phi): ds / D = dphi / mg
        d = (s - m * m) ** 2 + mg * mg
        return float(dbr_meson_to_gamma_chi_chi_ds(meson, s, m, eps, sector)) * d / mg

    value, _ = integrate.quad(integrand, phi_lo, phi_hi, limit=400, epsabs=0.0, epsrel=1e-9)
    return float(value)


def chi_angular_density(
    cos_theta: ArrayLike, s: ArrayLike, m_chi: float, spin: str
) -> NDArray[np.float64] | float:
    """Normalised density of cos(theta*) in A'(*) -> chi chi for a transversely polarised A'.

    theta* is the chi direction in the A' rest frame measured from the A' flight axis of the
    P -> gamma A' decay. Scalar: (3/4) sin^2; Dirac: (1 + c^2 + a (1 - c^2)) / (8/3 + 4a/3),
    a = 4 m_chi^2 / s.

    Parameters
    ----------
    cos_theta : float or array_like
        cos(theta*), in [-1, 1].
    s : float or array_like
        A'(*) invariant mass squared [GeV^2], > 4 m_chi^2.
    m_chi : float
        chi mass [GeV].
    spin : {"scalar", "dirac"}

    Returns
    -------
    float or numpy.ndarray
        Probability density in cos(theta*) (integrates to 1 over [-1, 1]).
    """
    c = np.asarray(cos_theta, dtype=float)
    a = 4.0 * float(m_chi) ** 2 / np.asarray(s, dtype=float)
    if _check_spin(spin) == "scalar":
        return _out(0.75 * (1.0 - c * c) + 0.0 * a)
    return _out((1.0 + c * c + a * (1.0 - c * c)) / (8.0 / 3.0 + 4.0 * a / 3.0))
