"""Decays of the dark neutrino N and of the Z': widths, polarised distributions, |M|^2.

Widths derived for this package ([DER]; they agree with the DarkNews code [DN] except where
the function docstrings say otherwise), each in one function; the couplings come from
:class:`~nuportal.models.dark_neutrino.DarkNeutrinoCouplings` (Lagrangian of [DN] and [BJMZ],
fermion currents fbar gamma^m (g_V - g_A gamma5) f, neutral-lepton currents
nubar gamma^m P_L N). Light neutrinos are massless.

Units: GeV for masses, widths and four-momenta, GeV^-1 for dipole couplings.

Dirac N is the default; ``dirac=False`` gives a Majorana N: every width into nu + X doubles
(the charge-conjugate channel N -> nubar + Xbar has the same width, because for a Majorana N
the vertex V nubar gamma^m P_L N + h.c. also reads -V* nubar^c gamma^m P_R N), and the spin
asymmetries of the two charge-conjugate channels are opposite (CP), so the two-body angular
distributions become isotropic. Same rule as DarkNews ``decay_rates.py`` and [BBGR] sec. 3.

Three-body decay N(p) -> nu(k) l-(p1) l+(p2)
--------------------------------------------
All exchanges (off-shell Z', Z and, for nu_alpha with alpha = l, the W after a Fierz
rearrangement) give the amplitude::

    M = [ubar(k) gamma^m P_L u(p)] [ubar(p1) gamma_m (A_L P_L + A_R P_R) v(p2)]
    A_L = V_aN (d_V + d_A)/(m_ll^2 - m_Z'^2) + C_aN (c_V + c_A)/(m_ll^2 - m_Z^2)
          - delta_al (g/sqrt 2) W_aN / (m_{nu l+}^2 - m_W^2)
    A_R = V_aN (d_V - d_A)/(m_ll^2 - m_Z'^2) + C_aN (c_V - c_A)/(m_ll^2 - m_Z^2)

(a common overall sign dropped; the sign of the W term is fixed by the known W-Z interference:
in the contact limit it turns the Z coupling g_L = -1/2 + s_W^2 into 1/2 + s_W^2, [BBGR]
eq. 3.4). The q_m q_n/M^2 part of the massive propagators contributes only through the axial
lepton coupling, proportional to m m_l g_A/M^2 (< 1e-5 for the Z, ~0 for the Z'), and is
dropped, as in DarkNews. With the N spin density (pslash + m)(1 + gamma5 sslash)/2 the trace
gives (derived here; for a left-chiral N vertex the spin enters only through p -> p - m s)::

    sum_final |M(s)|^2 = (1/2) F(p - m s),
    F(q) = 16 [ A_L^2 (k.p1)(q.p2) + A_R^2 (k.p2)(q.p1) + A_L A_R m_l^2 (k.q) ],

summed over the light flavours alpha. The spin-averaged |M|^2 is (1/2) F(p); in terms of the
invariants it equals the spin-averaged form derived for this package, [DER] (with
g_V g_A -> (A_L^2 - A_R^2)/4). DarkNews
``diff_gamma_Ni_to_Nj_ell_ell`` has the same structure. Majorana N: add the charge-conjugate
channel, which by CP equals the Dirac expression with s -> -s and l- <-> l+.

References
----------
* [DER] derived for this package (explicit trace and helicity-spinor calculations); the check
  values in the tests were computed for this package with scipy quadrature.
* [BJMZ] E. Bertuzzo, S. Jana, P. A. N. Machado, R. Zukanovich Funchal, PRL 121 (2018) 241801,
  arXiv:1807.09877 (three-portal model).
* [DN] A. Abdullahi, M. Hostert, D. Massaro, S. Pascoli, arXiv:2207.04137, and the DarkNews
  code (``decay_rates.py``).
* [BBGR] K. Bondarenko, A. Boyarsky, D. Gorbunov, O. Ruchayskiy, JHEP 11 (2018) 032,
  arXiv:1805.08567, sec. 3.
* [PDG-kin] PDG review "Kinematics", sec. 49.4.3.1 (Dalitz-plot variables and limits).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import integrate

from nuportal import constants
from nuportal._validation import positive_mass as _check_mass
from nuportal._validation import scalar_or_array as _out
from nuportal.models.dark_photon import width_dark_photon_leptons

if TYPE_CHECKING:
    from nuportal.models.dark_neutrino import DarkNeutrinoCouplings

__all__ = [
    "dalitz_limits_nu_ll",
    "dalitz_limits_three_body",
    "dgamma_dcos_nu_gamma",
    "dgamma_dcos_nu_zprime",
    "msq_ni_to_nj_ll",
    "msq_ni_to_nj_ll_polarized",
    "msq_nu_ll",
    "msq_nu_ll_polarized",
    "width_n_to_nu_gamma",
    "width_n_to_nu_ll",
    "width_n_to_nu_zprime",
    "width_ni_to_nj_ll",
    "width_ni_to_nj_zprime",
    "width_zprime_to_leptons",
    "width_zprime_to_n_n",
    "width_zprime_to_ni_nj",
    "width_zprime_to_nu_n",
]

_FLAVOURS = ("e", "mu", "tau")
_T_NODES, _T_WEIGHTS = np.polynomial.legendre.leggauss(8)
_EPSREL = 1e-10


# ------------------------------------------------------------------------ helpers
def _coupling(value: ArrayLike, name: str, *, signed: bool = True) -> NDArray[np.float64]:
    v = np.asarray(value, dtype=float)
    if np.any(~np.isfinite(v)) or (not signed and np.any(v < 0.0)):
        rng = "finite" if signed else "finite and >= 0"
        raise ValueError(f"{name} must be {rng}, got {value!r}")
    return v


def _helicity(h: ArrayLike) -> NDArray[np.float64]:
    hh = np.asarray(h, dtype=float)
    if np.any(~np.isfinite(hh)) or np.any(np.abs(hh) > 1.0):
        raise ValueError(f"h must be in [-1, 1] (helicity +-1 or a polarisation), got {h!r}")
    return hh


def _cosine(c: ArrayLike, name: str) -> NDArray[np.float64]:
    cc = np.asarray(c, dtype=float)
    if np.any(~np.isfinite(cc)) or np.any(np.abs(cc) > 1.0):
        raise ValueError(f"{name} must be in [-1, 1], got {c!r}")
    return cc


def _lepton_mass(lepton: str) -> float:
    if lepton not in _FLAVOURS:
        raise ValueError(f"lepton must be one of {_FLAVOURS}, got {lepton!r}")
    return constants.LEPTON_MASS[lepton]


def _dot(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """Minkowski product, metric (+, -, -, -), last axis = (E, px, py, pz)."""
    return (
        a[..., 0] * b[..., 0]
        - a[..., 1] * b[..., 1]
        - a[..., 2] * b[..., 2]
        - a[..., 3] * b[..., 3]
    )


# ------------------------------------------------------------------------ N -> nu Z'
def width_n_to_nu_zprime(
    mass: ArrayLike, mzprime: ArrayLike, v_sq: ArrayLike, *, dirac: bool = True
) -> NDArray[np.float64] | float:
    """Gamma(N -> nu Z') on shell [GeV], summed over light flavours ([DER]; [DN]).

    Gamma = |V_N|^2 m^3 / (32 pi m_Z'^2) (1 - r^2)^2 (1 + 2 r^2),   r = m_Z'/m,

    times 2 for a Majorana N; zero for m <= m_Z'. (DarkNews' total-width helper
    ``gamma_Ni_to_Nj_V`` lacks the factor (m/m_Z')^2; its differential version agrees with
    this.)

    Parameters
    ----------
    mass : float or array_like
        N mass m [GeV], > 0.
    mzprime : float or array_like
        Z' mass [GeV], > 0.
    v_sq : float or array_like
        sum_alpha |V_alphaN|^2 (:meth:`DarkNeutrinoCouplings.V_N_total_sq`), >= 0.
    dirac : bool
        False for a Majorana N (factor 2).
    """
    m = _check_mass(mass, "mass")
    mzp = _check_mass(mzprime, "mzprime")
    v2 = _coupling(v_sq, "v_sq", signed=False)
    r2 = (mzp / m) ** 2
    w = v2 * m**3 / (32.0 * np.pi * mzp**2) * (1.0 - r2) ** 2 * (1.0 + 2.0 * r2)
    return _out(np.where(r2 < 1.0, w, 0.0) * (1.0 if dirac else 2.0))


def dgamma_dcos_nu_zprime(
    h: ArrayLike,
    cos_theta: ArrayLike,
    mass: ArrayLike,
    mzprime: ArrayLike,
    v_sq: ArrayLike,
    *,
    dirac: bool = True,
) -> NDArray[np.float64] | float:
    """dGamma/dcos(theta_Z') of a polarised N -> nu Z' [GeV] ([DER], explicit helicity spinors).

    Dirac: dGamma/dcos = (Gamma/2) [1 + h cos(theta_Z') (1 - 2 r^2)/(1 + 2 r^2)], r = m_Z'/m,
    with theta_Z' the angle of the Z' momentum to the N spin (helicity) axis in the N rest
    frame; the daughter neutrino goes the opposite way (DarkNews samples the neutrino angle,
    i.e. 1 - h cos(theta_nu)(...): the same physics). Majorana: isotropic, Gamma_Maj/2.
    Derived here from the trace with (pslash + m)(1 + gamma5 sslash)/2 and checked against an
    explicit Dirac-matrix evaluation (tests).

    Parameters
    ----------
    h : float or array_like
        N helicity +1 or -1 (or a polarisation in [-1, 1]).
    cos_theta : float or array_like
        cos(theta_Z') in [-1, 1].
    mass, mzprime, v_sq, dirac
        As in :func:`width_n_to_nu_zprime`.
    """
    hh = _helicity(h)
    c = _cosine(cos_theta, "cos_theta")
    gamma = np.asarray(width_n_to_nu_zprime(mass, mzprime, v_sq, dirac=dirac))
    if not dirac:
        return _out(0.5 * gamma * np.ones_like(hh * c))
    r2 = (np.asarray(mzprime, dtype=float) / np.asarray(mass, dtype=float)) ** 2
    asym = (1.0 - 2.0 * r2) / (1.0 + 2.0 * r2)
    return _out(0.5 * gamma * (1.0 + hh * c * asym))


# ------------------------------------------------------------------------ Z' decays
def width_zprime_to_leptons(
    mzprime: ArrayLike, g_v: float, g_a: float, lepton: str
) -> NDArray[np.float64] | float:
    """Gamma(Z' -> l+ l-) [GeV] for couplings Z'_m lbar gamma^m (g_V - g_A gamma5) l.

    Gamma = g_V^2 M/(12 pi) (1 + 2 r) sqrt(1 - 4 r) + g_A^2 M/(12 pi) (1 - 4 r)^(3/2),
    r = m_l^2/M^2, zero for M <= 2 m_l (standard vector/axial two-body width). The vector part is
    :func:`~nuportal.models.dark_photon.width_dark_photon_leptons` with the effective mixing
    eps_eff = |g_V|/e0 (alpha eps_eff^2 = g_V^2/(4 pi)), the one home of that formula.

    Parameters
    ----------
    mzprime : float or array_like
        M [GeV], > 0.
    g_v, g_a : float
        Vector and axial couplings (``zprime_electron_vector``, ``zprime_electron_axial``).
    lepton : {"e", "mu", "tau"}
        Final-state lepton (mass from :data:`nuportal.constants.LEPTON_MASS`).
    """
    m = _check_mass(mzprime, "mzprime")
    gv = float(_coupling(g_v, "g_v"))
    ga = float(_coupling(g_a, "g_a"))
    ml = _lepton_mass(lepton)
    e0 = math.sqrt(4.0 * math.pi * constants.ALPHA_EM)
    vector = np.asarray(width_dark_photon_leptons(m, abs(gv) / e0, ml))
    beta2 = np.clip(1.0 - 4.0 * (ml / m) ** 2, 0.0, None)
    axial = ga**2 * m / (12.0 * np.pi) * beta2**1.5
    return _out(vector + axial)


def width_zprime_to_nu_n(
    mzprime: ArrayLike, mass: ArrayLike, v_sq: ArrayLike, *, dirac: bool = True
) -> NDArray[np.float64] | float:
    """Gamma(Z' -> nubar N + nu Nbar) [GeV], summed over light flavours ([DER], chiral coupling).

    Gamma = 2 |V_N|^2 M (1 - x)^2 (2 + x)/(48 pi), x = m^2/M^2 (left-chiral vertex, massless
    nu; both charge states), zero for M <= m. For a Majorana N the two final states nu N and
    nubar N have the same total width (no change).

    Parameters
    ----------
    mzprime : float or array_like
        M [GeV], > 0.
    mass : float or array_like
        N mass m [GeV], > 0.
    v_sq : float or array_like
        sum_alpha |V_alphaN|^2, >= 0.
    dirac : bool
        Dirac or Majorana N (same result; kept for a uniform interface).
    """
    mzp = _check_mass(mzprime, "mzprime")
    m = _check_mass(mass, "mass")
    v2 = _coupling(v_sq, "v_sq", signed=False)
    x = (m / mzp) ** 2
    w = 2.0 * v2 * mzp * (1.0 - x) ** 2 * (2.0 + x) / (48.0 * np.pi)
    return _out(np.where(x < 1.0, w, 0.0))


def width_zprime_to_n_n(
    mzprime: ArrayLike, mass: ArrayLike, v_nn: ArrayLike, *, dirac: bool = True
) -> NDArray[np.float64] | float:
    """Gamma(Z' -> N Nbar) [GeV] ([DER]; DarkNews has only commented-out versions).

    Dirac, vertex V_NN Nbar gamma^m P_L N: Gamma = |V_NN|^2 M (1 - x) sqrt(1 - 4x)/(24 pi),
    x = m^2/M^2. Majorana: the vertex is pure axial, -(V_NN/2) Nbar gamma^m gamma5 N, Feynman
    rule -V_NN gamma^m gamma5 and identical-particle factor 1/2:
    Gamma = |V_NN|^2 M (1 - 4x)^(3/2)/(24 pi). Zero for M <= 2 m.

    Parameters
    ----------
    mzprime : float or array_like
        M [GeV], > 0.
    mass : float or array_like
        N mass m [GeV], > 0.
    v_nn : float or array_like
        V_NN (signed).
    dirac : bool
        False for a Majorana N.
    """
    mzp = _check_mass(mzprime, "mzprime")
    m = _check_mass(mass, "mass")
    v = _coupling(v_nn, "v_nn")
    x = (m / mzp) ** 2
    beta = np.sqrt(np.clip(1.0 - 4.0 * x, 0.0, None))
    shape = (1.0 - x) * beta if dirac else beta**3
    return _out(np.where(4.0 * x < 1.0, v**2 * mzp * shape / (24.0 * np.pi), 0.0))


# ------------------------------------------------------------------------ N -> nu gamma
def width_n_to_nu_gamma(
    mass: ArrayLike, d_sq: ArrayLike, *, dirac: bool = True
) -> NDArray[np.float64] | float:
    """Gamma(N -> nu gamma) through the transition dipole [GeV] ([DER], explicit spinors; equals
    mu^2 m^3/(16 pi) for mu = 2d).

    Gamma = |d|^2 m^3/(4 pi) (massless nu) for L = d (Nbar sigma^mn P_L nu) F_mn + h.c.
    (= mu^2 m^3/(16 pi) with mu = 2 d); times 2 for a Majorana N. DarkNews'
    ``gamma_Ni_to_Nj_gamma`` (Dirac) gives |d|^2 m^3/(8 pi), half of this, although its
    upscattering uses the normalisation d = mu_tr/2 ([DN] ``model.py``: t_aj = mu_tr/2); event
    weights in DarkNews are unaffected (decays normalised to 1), its lifetimes are.
    Checked against an explicit Dirac-matrix trace (tests).

    Parameters
    ----------
    mass : float or array_like
        N mass [GeV], > 0.
    d_sq : float or array_like
        sum_alpha |d_alpha|^2 [GeV^-2], >= 0.
    dirac : bool
        False for a Majorana N (factor 2).
    """
    m = _check_mass(mass, "mass")
    d2 = _coupling(d_sq, "d_sq", signed=False)
    return _out(d2 * m**3 / (4.0 * np.pi) * (1.0 if dirac else 2.0))


def dgamma_dcos_nu_gamma(
    h: ArrayLike,
    cos_theta_gamma: ArrayLike,
    mass: ArrayLike,
    d_sq: ArrayLike,
    *,
    dirac: bool = True,
) -> NDArray[np.float64] | float:
    """dGamma/dcos(theta_gamma) of a polarised N -> nu gamma [GeV] ([DER]).

    Dirac: (Gamma/2)(1 - h cos theta_gamma), theta_gamma = angle of the photon to the N spin
    (helicity) axis in the N rest frame: the photon goes opposite to the spin, the left-handed
    neutrino along it. Majorana: isotropic. (DarkNews applies (1 - h cos) to the sampled
    neutrino angle instead, which reverses the photon asymmetry.)

    Parameters
    ----------
    h : float or array_like
        N helicity +1 or -1 (or a polarisation in [-1, 1]).
    cos_theta_gamma : float or array_like
        cos(theta_gamma) in [-1, 1].
    mass, d_sq, dirac
        As in :func:`width_n_to_nu_gamma`.
    """
    hh = _helicity(h)
    c = _cosine(cos_theta_gamma, "cos_theta_gamma")
    gamma = np.asarray(width_n_to_nu_gamma(mass, d_sq, dirac=dirac))
    if not dirac:
        return _out(0.5 * gamma * np.ones_like(hh * c))
    return _out(0.5 * gamma * (1.0 - hh * c))


# ------------------------------------------------------------------------ N -> nu l+ l-
def _chiral_coefficients(
    m_ll2: NDArray[np.float64],
    m_nulp2: NDArray[np.float64],
    couplings: DarkNeutrinoCouplings,
    mzprime: float,
    lepton: str,
    zprime: bool,
    z: bool,
    w: bool,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """A_L, A_R (module docstring) stacked over the flavours e, mu, tau: shape (3, ...)."""
    shape = np.broadcast(m_ll2, m_nulp2).shape
    a_l = np.zeros((3, *shape))
    a_r = np.zeros((3, *shape))
    c = couplings
    prop_zp = 1.0 / (m_ll2 - mzprime**2) if zprime else 0.0
    prop_z = 1.0 / (m_ll2 - c.m_z**2) if z else 0.0
    dl, dr = (
        c.zprime_electron_vector + c.zprime_electron_axial,
        c.zprime_electron_vector - c.zprime_electron_axial,
    )
    cl, cr = (
        c.z_electron_vector + c.z_electron_axial,
        c.z_electron_vector - c.z_electron_axial,
    )
    for i, a in enumerate(_FLAVOURS):
        v, cz = c.V_N[a], c.C_N[a]
        a_l[i] = v * dl * prop_zp + cz * cl * prop_z
        a_r[i] = v * dr * prop_zp + cz * cr * prop_z
        if w and a == lepton and c.W_N[a] != 0.0:
            a_l[i] = a_l[i] - c.g_weak / math.sqrt(2.0) * c.W_N[a] / (m_nulp2 - c.m_w**2)
    return a_l, a_r


def _f_contracted(
    a_l: NDArray[np.float64],
    a_r: NDArray[np.float64],
    k_p1: NDArray[np.float64],
    q_p2: NDArray[np.float64],
    k_p2: NDArray[np.float64],
    q_p1: NDArray[np.float64],
    k_q: NDArray[np.float64],
    ml: float,
) -> NDArray[np.float64]:
    """F(q) = 16 sum_alpha [A_L^2 (k.p1)(q.p2) + A_R^2 (k.p2)(q.p1) + A_L A_R m_l^2 (k.q)]."""
    terms = a_l**2 * (k_p1 * q_p2) + a_r**2 * (k_p2 * q_p1) + a_l * a_r * ml**2 * k_q
    return 16.0 * np.sum(terms, axis=0)


def _msq_dirac_invariants(
    s: NDArray[np.float64],
    t: NDArray[np.float64],
    m: float,
    couplings: DarkNeutrinoCouplings,
    mzprime: float,
    lepton: str,
    ml: float,
    flags: tuple[bool, bool, bool],
) -> NDArray[np.float64]:
    u = m * m + 2.0 * ml * ml - s - t
    a_l, a_r = _chiral_coefficients(s, u, couplings, mzprime, lepton, *flags)
    k_p1 = 0.5 * (t - ml * ml)
    k_p2 = 0.5 * (u - ml * ml)
    p_p2 = 0.5 * (m * m + ml * ml - t)
    p_p1 = 0.5 * (m * m + ml * ml - u)
    k_p = 0.5 * (m * m - s)
    return 0.5 * _f_contracted(a_l, a_r, k_p1, p_p2, k_p2, p_p1, k_p, ml)


def msq_nu_ll(
    m_ll2: ArrayLike,
    m_nul2: ArrayLike,
    mass: float,
    couplings: DarkNeutrinoCouplings,
    mzprime: float,
    lepton: str,
    *,
    dirac: bool = True,
    zprime: bool = True,
    z: bool = True,
    w: bool = True,
) -> NDArray[np.float64] | float:
    """Spin-averaged |M|^2 of N(p) -> nu(k) l-(p1) l+(p2), summed over light flavours.

    |M|^2 = 8 sum_alpha [A_L^2 (k.p1)(p.p2) + A_R^2 (k.p2)(p.p1) + A_L A_R m_l^2 (k.p)]
    (module docstring; [DER] in chiral form), with
    k.p1 = (t - m_l^2)/2, p.p2 = (m^2 + m_l^2 - t)/2, k.p2 = (u - m_l^2)/2,
    p.p1 = (m^2 + m_l^2 - u)/2, k.p = (m^2 - s)/2, u = m^2 + 2 m_l^2 - s - t.
    Majorana: |M|^2(s, t) + |M|^2(s, u) (the charge-conjugate channel, l- <-> l+).
    The differential width is dGamma = |M|^2 ds dt / ((2 pi)^3 32 m^3).

    Parameters
    ----------
    m_ll2 : array_like
        s = (p1 + p2)^2 [GeV^2].
    m_nul2 : array_like
        t = (k + p1)^2, the (nu l-) invariant mass squared [GeV^2].
    mass : float
        N mass m [GeV].
    couplings : DarkNeutrinoCouplings
        Vertex couplings.
    mzprime : float
        Z' mass [GeV].
    lepton : {"e", "mu", "tau"}
        Charged-lepton flavour (the W term acts for nu_alpha with alpha = lepton).
    dirac : bool
        False for a Majorana N.
    zprime, z, w : bool
        Include the Z', Z, W exchanges.

    Returns
    -------
    float or ndarray
        |M|^2 (dimensionless), broadcast over the inputs; no kinematic mask is applied.
    """
    m = float(_check_mass(mass, "mass"))
    ml = _lepton_mass(lepton)
    s = np.asarray(m_ll2, dtype=float)
    t = np.asarray(m_nul2, dtype=float)
    flags = (zprime, z, w)
    out = _msq_dirac_invariants(s, t, m, couplings, mzprime, lepton, ml, flags)
    if not dirac:
        u = m * m + 2.0 * ml * ml - s - t
        out = out + _msq_dirac_invariants(s, u, m, couplings, mzprime, lepton, ml, flags)
    return _out(out)


def _f_momenta(
    q: NDArray[np.float64],
    k: NDArray[np.float64],
    p1: NDArray[np.float64],
    p2: NDArray[np.float64],
    couplings: DarkNeutrinoCouplings,
    mzprime: float,
    lepton: str,
    ml: float,
    flags: tuple[bool, bool, bool],
) -> NDArray[np.float64]:
    s = _dot(p1 + p2, p1 + p2)
    u = _dot(k + p2, k + p2)
    a_l, a_r = _chiral_coefficients(s, u, couplings, mzprime, lepton, *flags)
    return _f_contracted(
        a_l, a_r, _dot(k, p1), _dot(q, p2), _dot(k, p2), _dot(q, p1), _dot(k, q), ml
    )


def msq_nu_ll_polarized(
    p_n: ArrayLike,
    s_n: ArrayLike,
    k_nu: ArrayLike,
    p_lminus: ArrayLike,
    p_lplus: ArrayLike,
    couplings: DarkNeutrinoCouplings,
    mzprime: float,
    lepton: str,
    *,
    h: ArrayLike = 1.0,
    dirac: bool = True,
    zprime: bool = True,
    z: bool = True,
    w: bool = True,
) -> NDArray[np.float64] | float:
    """|M_h|^2 of a polarised N(p, h) -> nu(k) l-(p1) l+(p2), summed over final spins.

    Dirac: |M_h|^2 = (1/2) F(p - h m s) with F of the module docstring (derived from the trace
    with u ubar = (pslash + m)(1 + gamma5 h sslash)/2); sum over h = +-1 gives 2 x the
    spin-averaged :func:`msq_nu_ll`. Majorana: plus the charge-conjugate channel,
    (1/2) F(p + h m s) with l- <-> l+. Frame independent; in the N rest frame with s = (0, z)
    the h-dependent term is the DarkNews polarised matrix element ([DN] ``decay_rates.py``).
    Decay rate: dGamma_h = |M_h|^2 dPhi_3 / (2 m).

    Parameters
    ----------
    p_n : array_like, shape (..., 4)
        N four-momentum (E, px, py, pz) [GeV], on shell (its mass is sqrt(p.p)).
    s_n : array_like, shape (..., 4)
        Spin four-vector of the h = +1 state (s.p = 0, s.s = -1); for helicity states
        s = (|p|/m, E p_hat/m).
    k_nu, p_lminus, p_lplus : array_like, shape (..., 4)
        Four-momenta of nu, l-, l+ [GeV].
    couplings, mzprime, lepton, dirac, zprime, z, w
        As in :func:`msq_nu_ll`.
    h : float or array_like
        Helicity +1 or -1 (or a polarisation in [-1, 1]), broadcast over the events.

    Returns
    -------
    float or ndarray
        |M_h|^2, shape (...).
    """
    p = np.asarray(p_n, dtype=float)
    sn = np.asarray(s_n, dtype=float)
    k = np.asarray(k_nu, dtype=float)
    p1 = np.asarray(p_lminus, dtype=float)
    p2 = np.asarray(p_lplus, dtype=float)
    for name, arr in (("p_n", p), ("s_n", sn), ("k_nu", k), ("p_lminus", p1), ("p_lplus", p2)):
        if arr.shape[-1:] != (4,) or np.any(~np.isfinite(arr)):
            raise ValueError(f"{name} must be finite four-vectors with last axis of length 4")
    hh = _helicity(h)
    ml = _lepton_mass(lepton)
    m = np.sqrt(np.clip(_dot(p, p), 0.0, None))
    hms = (hh * m)[..., None] * sn
    flags = (zprime, z, w)
    out = 0.5 * _f_momenta(p - hms, k, p1, p2, couplings, mzprime, lepton, ml, flags)
    if not dirac:
        out = out + 0.5 * _f_momenta(p + hms, k, p2, p1, couplings, mzprime, lepton, ml, flags)
    return _out(out)


def dalitz_limits_nu_ll(
    m_ll2: ArrayLike, mass: ArrayLike, lepton_mass: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Range of t = m_{nu l-}^2 at fixed s = m_ll^2 for N -> nu l- l+ (massless nu).

    t_min,max = (E1* + E3*)^2 - (p1* +- E3*)^2 with E1* = sqrt(s)/2, p1* = sqrt(s/4 - m_l^2),
    E3* = (m^2 - s)/(2 sqrt(s)) in the l+ l- rest frame ([PDG-kin] eq. 49.23); the width of
    the range is (m^2 - s) sqrt(1 - 4 m_l^2/s). Valid for 4 m_l^2 <= s <= m^2 (s > 0).
    """
    s = np.asarray(m_ll2, dtype=float)
    m = np.asarray(mass, dtype=float)
    ml = float(lepton_mass)
    rs = np.sqrt(s)
    e1 = 0.5 * rs
    p1 = np.sqrt(np.clip(0.25 * s - ml * ml, 0.0, None))
    e3 = (m * m - s) / (2.0 * rs)
    return (e1 + e3) ** 2 - (p1 + e3) ** 2, (e1 + e3) ** 2 - (p1 - e3) ** 2


def _width_nu_ll_scalar(
    m: float,
    couplings: DarkNeutrinoCouplings,
    mzprime: float,
    lepton: str,
    dirac: bool,
    flags: tuple[bool, bool, bool],
) -> float:
    ml = _lepton_mass(lepton)
    a, b = 4.0 * ml * ml, m * m
    if b <= a:
        return 0.0
    if flags[0] and mzprime < m and any(v != 0.0 for v in couplings.V_N.values()):
        raise ValueError(
            f"the three-body width with Z' exchange needs mzprime >= mass (off shell), got "
            f"mzprime = {mzprime!r}, mass = {m!r}; use the on-shell width_n_to_nu_zprime"
        )

    def g_of_y(y: float) -> float:
        # s = a + (b - a) y^2 removes the sqrt(s - 4 m_l^2) threshold behaviour.
        s = a + (b - a) * y * y
        t_lo, t_hi = dalitz_limits_nu_ll(s, m, ml)
        half = 0.5 * (t_hi - t_lo)
        t = 0.5 * (t_hi + t_lo) + half * _T_NODES
        msq = _msq_dirac_invariants(s, t, m, couplings, mzprime, lepton, ml, flags)
        return float(half * np.dot(_T_WEIGHTS, msq) * 2.0 * (b - a) * y)

    val, _ = integrate.quad(g_of_y, 0.0, 1.0, epsabs=0.0, epsrel=_EPSREL, limit=200)
    factor = 1.0 if dirac else 2.0  # the l- <-> l+ image integrates to the same value
    return factor * val / ((2.0 * np.pi) ** 3 * 32.0 * m**3)


def width_n_to_nu_ll(
    mass: ArrayLike,
    couplings: DarkNeutrinoCouplings,
    mzprime: float,
    lepton: str,
    *,
    dirac: bool = True,
    zprime: bool = True,
    z: bool = True,
    w: bool = True,
) -> NDArray[np.float64] | float:
    """Gamma(N -> nu l+ l-) three-body [GeV], summed over light flavours ([DER]; [DN]
    ``diff_gamma_Ni_to_Nj_ell_ell``).

    Gamma = 1/((2 pi)^3 32 m^3) integral ds dt |M|^2 over the Dalitz region
    (:func:`msq_nu_ll`, :func:`dalitz_limits_nu_ll`): t by 8-point Gauss-Legendre (exact for
    the Z'/Z terms, which are quadratic in t at fixed s), s by adaptive quadrature
    (``scipy.integrate.quad``, relative tolerance 1e-10) after s = 4 m_l^2 + (m^2 - 4 m_l^2)
    y^2. Heavy-mediator, massless-lepton limit: Gamma = |V_N|^2 (g_V^2 + g_A^2) m^5 /
    (768 pi^3 m_Z'^4) (and likewise for the Z). Majorana: times 2.

    Only the off-shell regime is valid with ``zprime=True``: mzprime >= mass (else ValueError;
    for m > m_Z' use the narrow-width Gamma(N -> nu Z') Br(Z' -> l+ l-), as
    :class:`~nuportal.models.dark_neutrino.DarkNeutrinoModel` does).

    Parameters
    ----------
    mass : float or array_like
        N mass [GeV], > 0 (arrays are evaluated element by element).
    couplings, mzprime, lepton, dirac, zprime, z, w
        As in :func:`msq_nu_ll`.

    Returns
    -------
    float or ndarray
        Gamma [GeV]; 0 below threshold (m <= 2 m_l).
    """
    m = _check_mass(mass, "mass")
    mzp = float(_check_mass(mzprime, "mzprime"))
    flags = (zprime, z, w)
    out = np.array(
        [_width_nu_ll_scalar(float(x), couplings, mzp, lepton, dirac, flags) for x in m.flat]
    ).reshape(m.shape)
    return _out(out)


# ------------------------------------------------------------------------ N_i -> N_j l+ l- (3+2)
# Heavy-to-heavy decays of the 3+2 model (:class:`~nuportal.models.dark_neutrino.DarkNeutrinoModel`
# with m5): N_i(p) -> N_j(k) l-(p1) l+(p2) with a MASSIVE daughter N_j, through the vertices
# Z'_m V_ij Nbar_j gamma^m P_L N_i + Z_m C_ij Nbar_j gamma^m P_L N_i. The amplitude has the form
# of the module docstring with A_L = V_ij (d_V + d_A)/(s - m_Z'^2) + C_ij (c_V + c_A)/(s - m_Z^2),
# A_R likewise with (d_V - d_A), (c_V - c_A); no W exchange (it needs a charged current with the
# daughter in the lepton doublet). Dirac N_i, N_j only. With u ubar(p) = (pslash + m_i)(1 +
# gamma5 h sslash)/2 and sum over the N_j spin (kslash + m_j), the N-side trace is
# Tr[(kslash + m_j) gamma^m P_L (pslash + m_i)(1 + gamma5 h sslash)/2 gamma^n P_L]: the chiral
# projectors keep only the odd part pslash - h m_i sslash of the parent density, and the m_j
# term is then a trace of an odd number of gamma matrices, so it vanishes (no m_i m_j term,
# unlike the Majorana case): the |M_h|^2 is F(p - h m_i s) of the module docstring with k now
# massive (checked against an explicit 4x4 trace in tests/test_dark_neutrino_3p2.py). DarkNews'
# Dirac ``diff_gamma_Ni_to_Nj_ell_ell`` (``Amp_KinMix_SQR``) likewise has no m_i m_j term.


def dalitz_limits_three_body(
    m_ll2: ArrayLike, mass: ArrayLike, daughter_mass: ArrayLike, lepton_mass: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Range of t = (k + p1)^2 at fixed s = (p1 + p2)^2 for m -> m_j(k) l-(p1) l+(p2).

    t_min,max = (E1* + E3*)^2 - (p1* +- p3*)^2 in the l+ l- rest frame ([PDG-kin] eq. 49.23):
    E1* = sqrt(s)/2, p1* = sqrt(s/4 - m_l^2), E3* = (m^2 - s - m_j^2)/(2 sqrt(s)),
    p3* = sqrt(E3*^2 - m_j^2). Valid for 4 m_l^2 <= s <= (m - m_j)^2, s > 0. For m_j = 0 it is
    :func:`dalitz_limits_nu_ll`.
    """
    s = np.asarray(m_ll2, dtype=float)
    m = np.asarray(mass, dtype=float)
    mj = np.asarray(daughter_mass, dtype=float)
    ml = float(lepton_mass)
    rs = np.sqrt(s)
    e1 = 0.5 * rs
    p1 = np.sqrt(np.clip(0.25 * s - ml * ml, 0.0, None))
    e3 = (m * m - s - mj * mj) / (2.0 * rs)
    p3 = np.sqrt(np.clip(e3 * e3 - mj * mj, 0.0, None))
    return (e1 + e3) ** 2 - (p1 + p3) ** 2, (e1 + e3) ** 2 - (p1 - p3) ** 2


def _heavy_chiral(
    s: NDArray[np.float64],
    v_ij: float,
    c_ij: float,
    couplings: DarkNeutrinoCouplings,
    mzprime: float,
    zprime: bool,
    z: bool,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """A_L, A_R of N_i -> N_j l l, shape (1, ...) (one 'flavour' for _f_contracted)."""
    c = couplings
    prop_zp = v_ij / (s - mzprime**2) if zprime else 0.0 * s
    prop_z = c_ij / (s - c.m_z**2) if z else 0.0 * s
    dl = c.zprime_electron_vector + c.zprime_electron_axial
    dr = c.zprime_electron_vector - c.zprime_electron_axial
    cl = c.z_electron_vector + c.z_electron_axial
    cr = c.z_electron_vector - c.z_electron_axial
    a_l = np.asarray(dl * prop_zp + cl * prop_z, dtype=float)[None]
    a_r = np.asarray(dr * prop_zp + cr * prop_z, dtype=float)[None]
    return a_l, a_r


def _msq_heavy_invariants(
    s: NDArray[np.float64],
    t: NDArray[np.float64],
    m: float,
    mj: float,
    ml: float,
    a_lr: tuple[NDArray[np.float64], NDArray[np.float64]],
) -> NDArray[np.float64]:
    u = m * m + mj * mj + 2.0 * ml * ml - s - t
    k_p1 = 0.5 * (t - mj * mj - ml * ml)
    k_p2 = 0.5 * (u - mj * mj - ml * ml)
    p_p2 = 0.5 * (m * m + ml * ml - t)
    p_p1 = 0.5 * (m * m + ml * ml - u)
    k_p = 0.5 * (m * m + mj * mj - s)
    return 0.5 * _f_contracted(a_lr[0], a_lr[1], k_p1, p_p2, k_p2, p_p1, k_p, ml)


def msq_ni_to_nj_ll(
    m_ll2: ArrayLike,
    m_njl2: ArrayLike,
    mass: float,
    daughter_mass: float,
    v_ij: float,
    c_ij: float,
    couplings: DarkNeutrinoCouplings,
    mzprime: float,
    lepton: str,
    *,
    zprime: bool = True,
    z: bool = True,
) -> NDArray[np.float64] | float:
    """Spin-averaged |M|^2 of N_i(p) -> N_j(k) l-(p1) l+(p2), Dirac, massive N_j.

    |M|^2 = 8 [A_L^2 (k.p1)(p.p2) + A_R^2 (k.p2)(p.p1) + A_L A_R m_l^2 (k.p)] (see the comment
    block above :func:`dalitz_limits_three_body`), with k.p1 = (t - m_j^2 - m_l^2)/2,
    k.p2 = (u - m_j^2 - m_l^2)/2, p.p2 = (m^2 + m_l^2 - t)/2, p.p1 = (m^2 + m_l^2 - u)/2,
    k.p = (m^2 + m_j^2 - s)/2, u = m^2 + m_j^2 + 2 m_l^2 - s - t. For m_j -> 0 and
    V_ij -> V_N it is :func:`msq_nu_ll` (Z' part). dGamma = |M|^2 ds dt / ((2 pi)^3 32 m^3).

    Parameters
    ----------
    m_ll2, m_njl2 : array_like
        s = (p1 + p2)^2 and t = (k + p1)^2 [GeV^2].
    mass, daughter_mass : float
        m_i > m_j >= 0 [GeV].
    v_ij, c_ij : float
        Z' and Z couplings of Nbar_j gamma^m P_L N_i (V_45, C_45 of the 3+2 model).
    couplings : DarkNeutrinoCouplings
        Source of the charged-lepton couplings and of m_Z.
    mzprime : float
        Z' mass [GeV].
    lepton : {"e", "mu", "tau"}
        Charged lepton.
    zprime, z : bool
        Include the Z' and Z exchanges.
    """
    m = float(_check_mass(mass, "mass"))
    mj = float(daughter_mass)
    if not (0.0 <= mj < m):
        raise ValueError(f"daughter_mass must be in [0, mass), got {daughter_mass!r}")
    ml = _lepton_mass(lepton)
    s, t = np.broadcast_arrays(np.asarray(m_ll2, dtype=float), np.asarray(m_njl2, dtype=float))
    a_lr = _heavy_chiral(s, float(v_ij), float(c_ij), couplings, mzprime, zprime, z)
    return _out(_msq_heavy_invariants(s, t, m, mj, ml, a_lr))


def msq_ni_to_nj_ll_polarized(
    p_n: ArrayLike,
    s_n: ArrayLike,
    k_nj: ArrayLike,
    p_lminus: ArrayLike,
    p_lplus: ArrayLike,
    v_ij: float,
    c_ij: float,
    couplings: DarkNeutrinoCouplings,
    mzprime: float,
    *,
    h: ArrayLike = 1.0,
    zprime: bool = True,
    z: bool = True,
) -> NDArray[np.float64] | float:
    """|M_h|^2 of a polarised Dirac N_i(p, h) -> N_j(k) l-(p1) l+(p2), summed over final spins.

    |M_h|^2 = (1/2) F(p - h m_i s), F(q) = 16 [A_L^2 (k.p1)(q.p2) + A_R^2 (k.p2)(q.p1)
    + A_L A_R m_l^2 (k.q)], k the massive N_j momentum (no m_i m_j term for the chiral vertex,
    see the comment block above :func:`dalitz_limits_three_body`). The lepton mass is taken
    from the l- four-momentum. Sum over h = +-1 is 2 x :func:`msq_ni_to_nj_ll`.
    dGamma_h = |M_h|^2 dPhi_3 / (2 m_i).

    Parameters
    ----------
    p_n, s_n : array_like, shape (..., 4)
        Parent four-momentum and spin four-vector of the h = +1 state (s.p = 0, s.s = -1).
    k_nj, p_lminus, p_lplus : array_like, shape (..., 4)
        Four-momenta of N_j, l-, l+ [GeV].
    v_ij, c_ij, couplings, mzprime, zprime, z
        As in :func:`msq_ni_to_nj_ll`.
    h : float or array_like
        Helicity +1 or -1 (or a polarisation in [-1, 1]).
    """
    p = np.asarray(p_n, dtype=float)
    sn = np.asarray(s_n, dtype=float)
    k = np.asarray(k_nj, dtype=float)
    p1 = np.asarray(p_lminus, dtype=float)
    p2 = np.asarray(p_lplus, dtype=float)
    for name, arr in (("p_n", p), ("s_n", sn), ("k_nj", k), ("p_lminus", p1), ("p_lplus", p2)):
        if arr.shape[-1:] != (4,) or np.any(~np.isfinite(arr)):
            raise ValueError(f"{name} must be finite four-vectors with last axis of length 4")
    hh = _helicity(h)
    m = np.sqrt(np.clip(_dot(p, p), 0.0, None))
    ml2 = np.clip(_dot(p1, p1), 0.0, None)
    q = p - (hh * m)[..., None] * sn
    s = _dot(p1 + p2, p1 + p2)
    a_l, a_r = _heavy_chiral(s, float(v_ij), float(c_ij), couplings, mzprime, zprime, z)
    f = 16.0 * (
        a_l[0] ** 2 * _dot(k, p1) * _dot(q, p2)
        + a_r[0] ** 2 * _dot(k, p2) * _dot(q, p1)
        + a_l[0] * a_r[0] * ml2 * _dot(k, q)
    )
    return _out(0.5 * f)


def width_ni_to_nj_ll(
    mass: float,
    daughter_mass: float,
    v_ij: float,
    c_ij: float,
    couplings: DarkNeutrinoCouplings,
    mzprime: float,
    lepton: str,
    *,
    zprime: bool = True,
    z: bool = True,
) -> float:
    """Gamma(N_i -> N_j l+ l-) three-body [GeV], Dirac, massive N_j.

    1/((2 pi)^3 32 m^3) integral ds dt |M|^2 (:func:`msq_ni_to_nj_ll`) over the Dalitz region
    (:func:`dalitz_limits_three_body`): t by 8-point Gauss-Legendre (exact: |M|^2 is
    quadratic in t at fixed s), s in [4 m_l^2, (m - m_j)^2] by adaptive quadrature (relative
    tolerance 1e-10) after s = a + (b - a)(1 - cos(pi y))/2, which removes the square-root
    behaviour at both ends. Off-shell Z' only: with ``zprime=True`` the Z' must not be
    producible on shell, m - m_j <= m_Z' (else ValueError; use :func:`width_ni_to_nj_zprime`).
    0 below threshold (m - m_j <= 2 m_l).

    Parameters
    ----------
    mass, daughter_mass, v_ij, c_ij, couplings, mzprime, lepton, zprime, z
        As in :func:`msq_ni_to_nj_ll`.
    """
    m = float(_check_mass(mass, "mass"))
    mj = float(daughter_mass)
    if not (0.0 <= mj < m):
        raise ValueError(f"daughter_mass must be in [0, mass), got {daughter_mass!r}")
    ml = _lepton_mass(lepton)
    a, b = 4.0 * ml * ml, (m - mj) ** 2
    if b <= a:
        return 0.0
    if zprime and v_ij != 0.0 and mzprime < m - mj:
        raise ValueError(
            f"the three-body width with Z' exchange needs mzprime >= mass - daughter_mass "
            f"(off shell), got mzprime = {mzprime!r}; use width_ni_to_nj_zprime"
        )
    v, c = float(v_ij), float(c_ij)

    def g_of_y(y: float) -> float:
        s = a + 0.5 * (b - a) * (1.0 - math.cos(math.pi * y))
        t_lo, t_hi = dalitz_limits_three_body(s, m, mj, ml)
        half = 0.5 * (t_hi - t_lo)
        t = 0.5 * (t_hi + t_lo) + half * _T_NODES
        sv = np.full(t.shape, s)
        a_lr = _heavy_chiral(sv, v, c, couplings, mzprime, zprime, z)
        msq = _msq_heavy_invariants(sv, t, m, mj, ml, a_lr)
        jac = 0.5 * (b - a) * math.pi * math.sin(math.pi * y)
        return float(half * np.dot(_T_WEIGHTS, msq) * jac)

    val, _ = integrate.quad(g_of_y, 0.0, 1.0, epsabs=0.0, epsrel=_EPSREL, limit=200)
    return float(val / ((2.0 * np.pi) ** 3 * 32.0 * m**3))


def width_ni_to_nj_zprime(mass: float, daughter_mass: float, mzprime: float, v_ij: float) -> float:
    """Gamma(N_i -> N_j Z') on shell [GeV], Dirac, vertex V_ij Nbar_j gamma^m P_L N_i.

    Gamma = |V_ij|^2 m^3/(32 pi m_Z'^2) lambda^(1/2)(1, x, y) (1 - 2x + x^2 + y + x y - 2 y^2),
    x = m_j^2/m^2, y = m_Z'^2/m^2 (derived here: spin-averaged |M|^2 = |V|^2 [k.p + 2 (k.q)
    (p.q)/m_Z'^2]; the m_i m_j term cancels for the chiral vertex). For m_j = 0 it is
    :func:`width_n_to_nu_zprime`; it equals DarkNews' differential ``diff_gamma_Ni_to_Nj_V``
    (Dirac) integrated over the angle. Zero for m <= m_j + m_Z'.
    """
    m = float(_check_mass(mass, "mass"))
    mzp = float(_check_mass(mzprime, "mzprime"))
    mj = float(daughter_mass)
    if m <= mj + mzp:
        return 0.0
    x, y = (mj / m) ** 2, (mzp / m) ** 2
    lam = max((1.0 - x - y) ** 2 - 4.0 * x * y, 0.0)
    poly = 1.0 - 2.0 * x + x * x + y + x * y - 2.0 * y * y
    return float(v_ij**2 * m**3 / (32.0 * np.pi * mzp**2) * math.sqrt(lam) * poly)


def width_zprime_to_ni_nj(mzprime: float, m_i: float, m_j: float, v_ij: float) -> float:
    """Gamma(Z' -> N_i Nbar_j) [GeV], Dirac, vertex V_ij Nbar_j gamma^m P_L N_i (+ h.c.).

    Gamma = |V|^2 lambda^(1/2)(M^2, m_i^2, m_j^2)/(48 pi M^3) [2 a.b + 4 (a.q)(b.q)/M^2],
    a.b = (M^2 - m_i^2 - m_j^2)/2, a.q = (M^2 + m_i^2 - m_j^2)/2, b.q = (M^2 - m_i^2 + m_j^2)/2
    (derived here; one charge state). For m_i = m_j it is :func:`width_zprime_to_n_n` (Dirac);
    twice it with m_i = 0 is :func:`width_zprime_to_nu_n`. Zero for M <= m_i + m_j.
    """
    mzp = float(_check_mass(mzprime, "mzprime"))
    mi, mj = float(m_i), float(m_j)
    if mzp <= mi + mj:
        return 0.0
    m2 = mzp * mzp
    lam = max((m2 - mi * mi - mj * mj) ** 2 - 4.0 * mi * mi * mj * mj, 0.0)
    ab = 0.5 * (m2 - mi * mi - mj * mj)
    aq = 0.5 * (m2 + mi * mi - mj * mj)
    bq = 0.5 * (m2 - mi * mi + mj * mj)
    return float(
        v_ij**2 * math.sqrt(lam) / (48.0 * np.pi * mzp**3) * (2.0 * ab + 4.0 * aq * bq / m2)
    )
