"""Meson decays M+ -> l+ nu phi (M = pi, K) of the neutrinophilic scalar.

phi is radiated off the neutrino line of M+ -> l+ nu; with L = (g/2) nu nu phi (see
:mod:`.model`) the outgoing neutral lepton is an antineutrino ("wrong-sign": L = -1). Amplitude
(massless neutrino, q = p_nu + p_phi the internal neutrino momentum, f_M ≈ 130 MeV convention;
derived for arXiv:1802.00009 / 1901.01259-type models, whose equations could not be read)::

    A = sqrt(2) G_F V f_M g [ubar(p_nu) P_L qslash pslash_M P_L v(p_l)] / q^2,
    sum_spins |A|^2 = 2 G_F^2 |V|^2 f_M^2 g^2 Sigma / q^4,
    Sigma = 2 {2 (p_M.p_l)[2 (q.p_M)(q.p_nu) - q^2 (p_M.p_nu)]
               - M^2 [2 (q.p_l)(q.p_nu) - q^2 (p_l.p_nu)]},
    Gamma = 1/((2 pi)^3 32 M^3) ∫∫ sum|A|^2 dm^2_{l nu} dm^2_{nu phi}   (PDG kinematics review).

The m_l-linear term of the lepton spin sum cancels by chirality; the lepton mass enters through
the kinematics (and so gives the collinear logarithm below). ``Sigma`` equals the Dirac trace
Tr[pslash_nu P_L qslash pslash_M P_L (pslash_l - m_l) P_R pslash_M qslash P_R], checked with
explicit gamma matrices in the tests. For M -> l_a nu_b phi the coupling is |g_ab|, summed over
the unobserved b (:meth:`NeutrinophilicScalar.coupling_sq`).

Limits (tests):

* m_l, m_phi -> 0: Gamma = g^2 G_F^2 |V|^2 f_M^2 M^3 / (768 pi^3) (not helicity suppressed);
* m_phi -> 0 at m_l > 0: Gamma -> Gamma(M -> l nu) (g^2 / 32 pi^2) ln(M^2/m_phi^2) + const:
  the collinear splitting nu -> nubar phi (probability (g^2/16 pi^2) ∫ (1 - z) dz ln(...)) of the
  helicity-suppressed two-body decay; for pi -> mu nu phi at m_phi = 0.1 MeV the full width is
  3.1 times the massless formula.

Quadrature: 2-d Gauss-Legendre, in ln m^2_{nu phi} (resolves the 1/q^4 peak at q^2 = m_phi^2)
and linearly in m^2_{l nu} within the Dalitz limits; relative accuracy < 1e-6.

Units: GeV (masses, widths, energies); branching ratios per g^2 where stated.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal import constants
from nuportal._validation import scalar_or_array
from nuportal.kinematics.phase_space import dalitz_limits
from nuportal.models.meson_decays import MESONS, width_meson_to_lepton_hnl
from nuportal.models.neutrinophilic.model import NeutrinophilicScalar

__all__ = [
    "br_meson_to_lepton_nu_phi",
    "collinear_log_slope",
    "matrix_element_sigma",
    "max_phi_mass",
    "nubar_energy_spectrum",
    "width_massless",
    "width_meson_to_lepton_nu_phi",
]

_MESONS = {"pi+": "pi+", "pi": "pi+", "K+": "K+", "K": "K+"}
_GL_X, _GL_W = np.polynomial.legendre.leggauss(160)


def _meson(meson: str):
    if meson not in _MESONS:
        raise ValueError(f"meson must be 'pi+' or 'K+' (or 'pi', 'K'), got {meson!r}")
    return MESONS[_MESONS[meson]]


def _lepton_mass(lepton: str) -> float:
    if lepton not in ("e", "mu"):
        raise ValueError(f"lepton must be 'e' or 'mu', got {lepton!r}")
    return constants.LEPTON_MASS[lepton]


def max_phi_mass(meson: str, lepton: str) -> float:
    """Kinematic limit m_M - m_l [GeV] of M+ -> l+ nu phi."""
    return _meson(meson).mass - _lepton_mass(lepton)


def _check_mass(m_phi: ArrayLike, meson: str, lepton: str) -> NDArray[np.float64]:
    _meson(meson), _lepton_mass(lepton)
    m = np.asarray(m_phi, dtype=float)
    if np.any(~np.isfinite(m)) or np.any(m <= 0.0):
        raise ValueError(f"m_phi must be finite and > 0 GeV, got {m_phi!r}")
    return m


def matrix_element_sigma(
    M: float, m_l: float, m_phi: float, s: ArrayLike, t: ArrayLike
) -> NDArray[np.float64]:
    """Sigma of the module docstring [GeV^6] at s = m^2_{nu phi} = q^2, t = m^2_{l nu} [GeV^2].

    sum_spins |A|^2 = 2 G_F^2 |V|^2 f_M^2 g^2 Sigma / s^2.
    """
    s = np.asarray(s, float)
    t = np.asarray(t, float)
    u = M * M + m_l * m_l + m_phi * m_phi - s - t  # m^2_{l phi}
    l_nu = 0.5 * (t - m_l * m_l)
    nu_phi = 0.5 * (s - m_phi * m_phi)
    l_phi = 0.5 * (u - m_l * m_l - m_phi * m_phi)
    q_nu = nu_phi
    q_l = l_nu + l_phi
    q_M = q_l + s
    M_nu = l_nu + nu_phi
    M_l = m_l * m_l + l_nu + l_phi
    return 2.0 * (2.0 * M_l * (2.0 * q_M * q_nu - s * M_nu) - M * M * (2.0 * q_l * q_nu - s * l_nu))


def _prefactor(meson: str) -> float:
    mes = _meson(meson)
    return 2.0 * constants.G_FERMI**2 * mes.ckm**2 * mes.decay_constant**2


@lru_cache(maxsize=512)
def _width_g1(meson: str, lepton: str, m_phi: float) -> float:
    mes = _meson(meson)
    M, ml = mes.mass, _lepton_mass(lepton)
    if m_phi >= M - ml:
        return 0.0
    a, b = 2.0 * np.log(m_phi), 2.0 * np.log(M - ml)
    ls = a + (b - a) * 0.5 * (_GL_X + 1.0)
    s = np.exp(ls)
    js = s * 0.5 * (b - a) * _GL_W
    lo, hi = dalitz_limits(M, m_phi, 0.0, ml, s)  # (phi, nu, l): m12 = nu phi, m23 = nu l
    t = lo[:, None] + (hi - lo)[:, None] * 0.5 * (_GL_X[None, :] + 1.0)
    jt = 0.5 * (hi - lo)[:, None] * _GL_W[None, :]
    amp2 = _prefactor(meson) * matrix_element_sigma(M, ml, m_phi, s[:, None], t) / s[:, None] ** 2
    integral = float(np.sum(js[:, None] * jt * amp2))
    return integral / ((2.0 * np.pi) ** 3 * 32.0 * M**3)


def width_meson_to_lepton_nu_phi(
    meson: str, lepton: str, m_phi: ArrayLike, g2: float = 1.0
) -> NDArray[np.float64] | float:
    """Gamma(M+ -> l+ nu phi) [GeV] with the full three-body matrix element.

    Parameters
    ----------
    meson : {"pi+", "K+"}
    lepton : {"e", "mu"}
    m_phi : array_like
        Scalar mass [GeV] (> 0; 0 width at and above m_M - m_l).
    g2 : float
        Coupling factor sum_b |g_lb|^2 (default 1: width per g^2).
    """
    m = _check_mass(m_phi, meson, lepton)
    _lepton_mass(lepton)
    if not (np.isfinite(g2) and g2 >= 0):
        raise ValueError(f"g2 must be finite and >= 0, got {g2!r}")
    flat = np.array([_width_g1(meson, lepton, float(x)) for x in np.ravel(m)])
    return scalar_or_array(g2 * flat.reshape(m.shape))


def br_meson_to_lepton_nu_phi(
    meson: str, lepton: str, model: NeutrinophilicScalar | ArrayLike, g2: float | None = None
) -> NDArray[np.float64] | float:
    """Branching ratio of M+ -> l+ nu phi (width times the PDG lifetime).

    Parameters
    ----------
    meson : {"pi+", "K+"}
    lepton : {"e", "mu"}
    model : NeutrinophilicScalar or array_like
        The model (its mass and sum_b |g_lb|^2) or masses m_phi [GeV] (then ``g2``, default 1).
    g2 : float, optional
        Coupling factor when ``model`` is a mass.
    """
    if isinstance(model, NeutrinophilicScalar):
        m, coup = model.mass, model.coupling_sq(lepton)
    else:
        m, coup = model, 1.0 if g2 is None else float(g2)
    width = width_meson_to_lepton_nu_phi(meson, lepton, m, coup)
    return scalar_or_array(np.asarray(width) * _meson(meson).lifetime / constants.HBAR)


def width_massless(meson: str, g2: float = 1.0) -> float:
    """Massless limit g^2 G_F^2 |V|^2 f_M^2 M^3 / (768 pi^3) [GeV] (m_l = m_phi = 0)."""
    mes = _meson(meson)
    return g2 * constants.G_FERMI**2 * mes.ckm**2 * mes.decay_constant**2 * mes.mass**3 / (
        768.0 * np.pi**3
    )


def collinear_log_slope(meson: str, lepton: str, g2: float = 1.0) -> float:
    """d Gamma / d ln(1/m_phi^2) for m_phi -> 0: Gamma(M+ -> l+ nu) g^2 / (32 pi^2) [GeV]
    (tree-level two-body width of :func:`nuportal.models.meson_decays.width_meson_to_lepton_hnl`
    at zero neutrino mass)."""
    mes = _meson(meson)
    two_body = width_meson_to_lepton_hnl(mes.name, lepton, 0.0, 1.0)
    return g2 * float(two_body) / (32.0 * np.pi**2)


def nubar_energy_spectrum(
    meson: str, lepton: str, m_phi: float, E_nu: ArrayLike, g2: float = 1.0
) -> NDArray[np.float64] | float:
    """dGamma/dE_nu [GeV / GeV] of the (anti)neutrino in the meson rest frame.

    With m^2_{l phi} = M^2 - 2 M E_nu, dGamma/dE = 2 M dGamma/dm^2_{l phi}, the inner integral over
    m^2_{nu phi} within its Dalitz limits (Gauss-Legendre in ln m^2_{nu phi}). 0 outside
    0 < E_nu < (M^2 - (m_l + m_phi)^2) / (2 M).
    """
    mes = _meson(meson)
    M, ml = mes.mass, _lepton_mass(lepton)
    m_phi = float(_check_mass(m_phi, meson, lepton))
    e = np.atleast_1d(np.asarray(E_nu, float))
    if np.any(~np.isfinite(e)):
        raise ValueError(f"E_nu must be finite (GeV), got {E_nu!r}")
    u = M * M - 2.0 * M * e
    inside = (u > (ml + m_phi) ** 2) & (e > 0.0) & (m_phi < M - ml)
    uu = np.where(inside, u, (ml + m_phi) ** 2 * 1.0001 + 1e-12)
    lo, hi = dalitz_limits(M, ml, m_phi, 0.0, uu)  # (l, phi, nu): m12 = l phi, m23 = phi nu
    lo = np.maximum(lo, m_phi * m_phi * (1.0 + 1e-12))
    hi = np.maximum(hi, lo)
    a, b = np.log(lo), np.log(hi)
    ls = a[:, None] + (b - a)[:, None] * 0.5 * (_GL_X[None, :] + 1.0)
    s = np.exp(ls)
    js = s * 0.5 * (b - a)[:, None] * _GL_W[None, :]
    t = M * M + ml * ml + m_phi * m_phi - s - uu[:, None]
    amp2 = _prefactor(meson) * matrix_element_sigma(M, ml, m_phi, s, t) / s**2
    dgam_du = np.sum(js * amp2, axis=1) / ((2.0 * np.pi) ** 3 * 32.0 * M**3)
    out = np.where(inside, g2 * 2.0 * M * dgam_du, 0.0)
    return scalar_or_array(out if np.ndim(E_nu) else out[0])
