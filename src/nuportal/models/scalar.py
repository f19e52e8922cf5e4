"""Higgs-portal scalar S (mixing angle theta with the Standard-Model Higgs), m_S below 2 m_K.

Units: GeV for masses and widths, seconds, metres. All widths scale with theta^2 (theta << 1, so
sin^2 theta = theta^2 to the accuracy of these formulas).

References
----------
* [BFIM] B. Batell, A. Freitas, A. Ismail, D. McKeen, PRD 100 (2019) 095020, arXiv:1909.11670.
* [BBG]  I. Boiarska, K. Bondarenko, A. Boyarsky, V. Gorkavenko, M. Ovchynnikov, A. Sokolenko,
  JHEP 11 (2019) 162, arXiv:1904.10447 (appendix A: effective h s d vertex from the top loop).
* [BG]   F. Bezrukov, D. Gorbunov, JHEP 05 (2010) 010, arXiv:0912.0390 (S -> l l, pi pi).
* [V]    M. B. Voloshin, Sov. J. Nucl. Phys. 44 (1986) 478 (low-energy theorem, h -> pi pi).
* [D]    A. Djouadi, Phys. Rept. 457 (2008) 1, arXiv:hep-ph/0503172, eqs. (2.18)-(2.21) (h -> gamma
  gamma loop functions).
* [KM]   K. J. Kelly, P. A. N. Machado, arXiv:2106.06548 (MicroBooNE recast, reference notebook).
* [W]    M. W. Winkler, PRD 99 (2019) 015018, arXiv:1809.01876 (hadronic scalar decays beyond
  leading order; the leading-order pi pi width used here is an order-of-magnitude estimate above
  about 0.5 GeV).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal import constants
from nuportal._validation import positive_mass as _check_mass
from nuportal._validation import scalar_or_array as _out
from nuportal.kinematics import kallen
from nuportal.models.decaying import DecayingParticle

__all__ = [
    "IM_LAMBDA_T",
    "SCALAR_MAX_MASS",
    "HiggsPortalScalar",
    "br_kaon_to_pion_scalar",
    "br_klong_to_pion_scalar",
    "loop_amplitude_fermion",
    "loop_amplitude_w",
    "width_kaon_to_pion_scalar",
    "width_scalar_gamma_gamma",
    "width_scalar_leptons",
    "width_scalar_pions",
]

#: Highest scalar mass [GeV] of the model: 2 m_K, where S -> K K (not modelled) opens.
SCALAR_MAX_MASS: float = 2.0 * constants.M_K_CHARGED
#: Im(V_ts* V_td) = A^2 lambda^5 eta-bar to leading order in lambda, with the PDG 2024 Wolfenstein
#: parameters A = 0.826, lambda = 0.22501, eta-bar = 0.3523 (PDG 2024 CKM review): 1.39e-4.
IM_LAMBDA_T: float = 0.826**2 * 0.22501**5 * 0.3523

_SERIES_N = 24
# arcsin^2(sqrt(tau)) = sum_n c_n tau^n, c_n = 2^(2n-1) / (n^2 binom(2n, n)).
_C = np.array([2.0 ** (2 * n - 1) / (n * n * math.comb(2 * n, n)) for n in range(1, _SERIES_N + 1)])


def _check_theta(theta: ArrayLike) -> NDArray[np.float64]:
    t = np.asarray(theta, dtype=float)
    if np.any(~np.isfinite(t)) or np.any(t < 0.0) or np.any(t > 1.0):
        raise ValueError(f"theta must be finite and in [0, 1], got {theta!r}")
    return t


# ------------------------------------------------------------------------ decays
def width_scalar_leptons(
    mass: ArrayLike, lepton_mass: float, theta: ArrayLike = 1.0, *, vev: float = constants.HIGGS_VEV
) -> NDArray[np.float64] | float:
    """Gamma(S -> l+ l-) [GeV].

    Gamma = theta^2 m_l^2 m_S / (8 pi v^2) (1 - 4 m_l^2/m_S^2)^(3/2)  ([BG]; [BFIM]); 0 below
    threshold.
    """
    m = _check_mass(mass)
    t = _check_theta(theta)
    beta2 = 1.0 - 4.0 * lepton_mass**2 / m**2
    w = t**2 * lepton_mass**2 * m / (8.0 * np.pi * vev**2) * np.clip(beta2, 0.0, None) ** 1.5
    return _out(np.where(beta2 > 0.0, w, 0.0))


def _f_loop(tau: NDArray[np.float64]) -> NDArray[np.complex128]:
    """f(tau) of [D] eq. (2.21): arcsin^2(sqrt(tau)) for tau <= 1, else
    -1/4 [ln((1 + b)/(1 - b)) - i pi]^2 with b = sqrt(1 - 1/tau), (1+b)/(1-b) = tau (1+b)^2."""
    tau = np.asarray(tau, dtype=float)
    below = tau <= 1.0
    tb = np.where(below, tau, 0.5)
    ta = np.where(below, 2.0, tau)
    f_below = np.arcsin(np.sqrt(tb)) ** 2
    b = np.sqrt(1.0 - 1.0 / ta)
    f_above = -0.25 * (np.log(ta * (1.0 + b) ** 2) - 1j * np.pi) ** 2
    return np.where(below, f_below + 0j, f_above)


def _series(tau: NDArray[np.float64], coeffs: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.polynomial.polynomial.polyval(tau, coeffs)


def loop_amplitude_fermion(tau: ArrayLike) -> NDArray[np.complex128]:
    """Spin-1/2 loop amplitude A_1/2(tau) = 2 [tau + (tau - 1) f(tau)] / tau^2, tau = m_S^2/4m_f^2

    [D] eq. (2.19) (normalized so that A_1/2 -> 4/3 for a heavy fermion, tau -> 0). For
    tau < 0.1 the power series 2 sum_k (c_(k+1) - c_(k+2)) tau^k is used (no cancellation).
    """
    tau = np.asarray(tau, dtype=float)
    small = tau < 0.1
    ts = np.where(small, tau, 0.05)
    tl = np.where(small, 1.0, tau)
    c = np.concatenate([_C, [0.0, 0.0]])
    series = 2.0 * _series(ts, c[:-2] - c[1:-1])
    direct = 2.0 * (tl + (tl - 1.0) * _f_loop(tl)) / tl**2
    return np.where(small, series + 0j, direct)


def loop_amplitude_w(tau: ArrayLike) -> NDArray[np.complex128]:
    """W-boson loop amplitude A_1(tau) = -[2 tau^2 + 3 tau + 3 (2 tau - 1) f(tau)] / tau^2.

    [D] eq. (2.20) (A_1 -> -7 for tau -> 0); a power series is used for tau < 0.1.
    """
    tau = np.asarray(tau, dtype=float)
    small = tau < 0.1
    ts = np.where(small, tau, 0.05)
    tl = np.where(small, 1.0, tau)
    # A_1 = -[7 + sum_{k>=3} (6 c_(k-1) - 3 c_k) tau^(k-2)]
    k = np.arange(3, _SERIES_N + 1)
    coeffs = np.concatenate([[7.0], 6.0 * _C[k - 2] - 3.0 * _C[k - 1]])
    series = -_series(ts, coeffs)
    direct = -(2.0 * tl**2 + 3.0 * tl + 3.0 * (2.0 * tl - 1.0) * _f_loop(tl)) / tl**2
    return np.where(small, series + 0j, direct)


def width_scalar_gamma_gamma(
    mass: ArrayLike, theta: ArrayLike = 1.0, *, vev: float = constants.HIGGS_VEV
) -> NDArray[np.float64] | float:
    """Gamma(S -> gamma gamma) [GeV] at one loop (W, top, e, mu, tau).

    Gamma = theta^2 alpha^2 m_S^3 / (256 pi^3 v^2)
            |sum_f N_c Q_f^2 A_1/2(tau_f) + A_1(tau_W)|^2,   tau_i = m_S^2/(4 m_i^2)
    ([D] eq. 2.18 with G_F/sqrt(2) = 1/(2 v^2)). Light-quark and hadronic loops are not included
    (they are not calculable perturbatively at these masses; see [W]); this channel is below
    1e-3 of S -> e+ e- for m_S < 2 m_mu anyway.
    """
    m = _check_mass(mass)
    t = _check_theta(theta)
    amp = loop_amplitude_w(m**2 / (4.0 * constants.mass("W+") ** 2))
    amp = amp + 3.0 * (2.0 / 3.0) ** 2 * loop_amplitude_fermion(m**2 / (4.0 * constants.M_TOP**2))
    for ml in constants.LEPTON_MASS.values():
        amp = amp + loop_amplitude_fermion(m**2 / (4.0 * ml**2))
    w = t**2 * constants.ALPHA_EM**2 * m**3 / (256.0 * np.pi**3 * vev**2) * np.abs(amp) ** 2
    return _out(w)


def width_scalar_pions(
    mass: ArrayLike,
    theta: ArrayLike = 1.0,
    charged: bool = True,
    *,
    vev: float = constants.HIGGS_VEV,
) -> NDArray[np.float64] | float:
    """Gamma(S -> pi+ pi-) (``charged=True``) or Gamma(S -> pi0 pi0) [GeV], leading-order ChPT.

    Amplitude (low-energy theorem with three heavy quarks, [V], [BG]):
        A = (theta / v) (2/9) (m_S^2 + 11/2 m_pi^2),
    Gamma(pi+ pi-) = |A|^2 beta / (16 pi m_S), Gamma(pi0 pi0) = |A|^2 beta / (32 pi m_S),
    beta = sqrt(1 - 4 m_pi^2 / m_S^2); the sum is
    3 theta^2 m_S^3 / (32 pi v^2) (2/9 + 11/9 m_pi^2/m_S^2)^2 beta of [BG] (isospin limit).
    Leading order only: reliable near threshold, an order-of-magnitude estimate above ~0.5 GeV
    (final-state interactions, [W]).
    """
    m = _check_mass(mass)
    t = _check_theta(theta)
    mpi = constants.M_PI_CHARGED if charged else constants.M_PI0
    beta2 = 1.0 - 4.0 * mpi**2 / m**2
    amp = t / vev * (2.0 / 9.0) * (m**2 + 5.5 * mpi**2)
    sym = 1.0 if charged else 0.5
    w = sym * amp**2 * np.sqrt(np.clip(beta2, 0.0, None)) / (16.0 * np.pi * m)
    return _out(np.where(beta2 > 0.0, w, 0.0))


class HiggsPortalScalar(DecayingParticle):
    """Higgs-portal scalar S with mass m_S and Higgs mixing angle theta.

    Parameters
    ----------
    mass : float or array_like
        m_S [GeV], 0 < m_S < 2 m_K (:data:`SCALAR_MAX_MASS`; S -> K K and S -> 4 pi are not
        modelled). Arrays give arrays of widths.
    theta : float
        Mixing angle, in [0, 1] (widths scale as theta^2).
    vev : float, keyword-only
        Higgs vacuum expectation value v [GeV].

    Notes
    -----
    Channels (keys of :meth:`partial_widths`): ``"e+ e-"``, ``"mu+ mu-"``, ``"gamma gamma"``,
    ``"pi+ pi-"``, ``"pi0 pi0"``. All keys are always present; closed channels have width 0.
    """

    _zero_coupling_message = "branching ratios are undefined for theta = 0"

    def __init__(self, mass: ArrayLike, theta: float, *, vev: float = constants.HIGGS_VEV) -> None:
        m = _check_mass(mass)
        if np.any(m >= SCALAR_MAX_MASS):
            raise ValueError(
                f"mass = {mass!r} GeV is outside the implemented range 0 < mass < 2 m_K = "
                f"{SCALAR_MAX_MASS:.4f} GeV"
            )
        th = float(theta)
        if not (math.isfinite(th) and 0.0 <= th <= 1.0):
            raise ValueError(f"theta must be finite and in [0, 1], got {theta!r}")
        if not (math.isfinite(vev) and vev > 0.0):
            raise ValueError(f"vev must be finite and > 0 GeV, got {vev!r}")
        self._mass = m
        self._theta = th
        self._vev = float(vev)
        kw = {"vev": self._vev}
        self._widths = {
            "e+ e-": np.asarray(width_scalar_leptons(m, constants.M_ELECTRON, th, **kw)),
            "mu+ mu-": np.asarray(width_scalar_leptons(m, constants.M_MUON, th, **kw)),
            "gamma gamma": np.asarray(width_scalar_gamma_gamma(m, th, **kw)),
            "pi+ pi-": np.asarray(width_scalar_pions(m, th, True, **kw)),
            "pi0 pi0": np.asarray(width_scalar_pions(m, th, False, **kw)),
        }

    def __repr__(self) -> str:
        return f"HiggsPortalScalar(mass={self.mass!r}, theta={self.theta!r})"

    @property
    def mass(self) -> NDArray[np.float64] | float:
        """m_S [GeV]."""
        return _out(self._mass)

    @property
    def theta(self) -> float:
        """Higgs mixing angle."""
        return self._theta

    @property
    def vev(self) -> float:
        """Higgs vacuum expectation value [GeV]."""
        return self._vev


# ------------------------------------------------------------------------ production in kaon decays
def _kaon_pion_amplitude_sq(ckm_product: float, m_k: float, vev: float, m_top: float) -> float:
    """|M|^2 / theta^2 = [3 ckm m_t^2 m_K^2 / (32 pi^2 v^3)]^2 [GeV^2] ([BFIM] eq. 5; [BBG] A)."""
    return (3.0 * ckm_product * m_top**2 * m_k**2 / (32.0 * np.pi**2 * vev**3)) ** 2


def width_kaon_to_pion_scalar(
    m_S: ArrayLike,
    theta: ArrayLike = 1.0,
    *,
    neutral: bool = False,
    vev: float = constants.HIGGS_VEV,
    m_top: float = constants.M_TOP,
) -> NDArray[np.float64] | float:
    """Gamma(K+ -> pi+ S) or, with ``neutral=True``, Gamma(K_L -> pi0 S) [GeV].

    Gamma = theta^2 / (16 pi m_K) [3 C m_t^2 m_K^2 / (32 pi^2 v^3)]^2
            sqrt(lambda(1, m_S^2/m_K^2, m_pi^2/m_K^2))
    with C = |V_td V_ts*| for K+ ([BFIM] eq. 5) and C = Im(V_ts* V_td) for K_L (CP-violating;
    [BBG] app. A/B, the K_L amplitude is i Im of the K0 one, isospin factors cancel). Derivation
    check: the top-loop h s d vertex g = 3 m_t^2 m_s V_ts* V_td / (16 pi^2 v^3) times
    <pi|s d|K> = (m_K^2 - m_pi^2)/(m_s - m_d) ~ m_K^2/m_s, with the chiral projector giving 1/2.
    sqrt(lambda) = 2 p_S / m_K is the usual two-body phase-space factor. 0 when closed.
    """
    m = np.asarray(m_S, dtype=float)
    if np.any(~np.isfinite(m)) or np.any(m < 0.0):
        raise ValueError(f"m_S must be finite and >= 0 GeV, got {m_S!r}")
    t = _check_theta(theta)
    if neutral:
        m_k, m_pi, ckm = constants.M_K_LONG, constants.M_PI0, IM_LAMBDA_T
    else:
        m_k, m_pi, ckm = (
            constants.M_K_CHARGED,
            constants.M_PI_CHARGED,
            constants.CKM_VTD * constants.CKM_VTS,
        )
    lam = kallen(1.0, (m / m_k) ** 2, (m_pi / m_k) ** 2)
    w = t**2 * _kaon_pion_amplitude_sq(ckm, m_k, vev, m_top) / (16.0 * np.pi * m_k)
    w = w * np.sqrt(np.clip(lam, 0.0, None))
    return _out(np.where(m < m_k - m_pi, w, 0.0))


def br_kaon_to_pion_scalar(
    m_S: ArrayLike, theta: ArrayLike = 1.0, form: str = "first-principles"
) -> NDArray[np.float64] | float:
    """Br(K+ -> pi+ S); 0 when closed (m_S >= m_K - m_pi).

    Parameters
    ----------
    m_S : float or array_like
        Scalar mass [GeV].
    theta : float or array_like
        Mixing angle.
    form : {"first-principles", "approximate", "kelly-machado"}
        ``"first-principles"``: :func:`width_kaon_to_pion_scalar` times tau_K+/hbar
        (Br/theta^2 = 1.80e-3 at m_S = 0.1 GeV). ``"approximate"``: 2.0e-3 theta^2 (2 p_S / m_K),
        the rounded form of the same ([BFIM] eq. 5). ``"kelly-machado"``: 2.0e-3 theta^2
        p_S / m_K, the form of the Kelly-Machado reference notebook ([KM]), half of the other two;
        because a recast divides by the S rate, it moves an HNL limit on |U|^2 by sqrt(2).
    """
    if form == "first-principles":
        w = np.asarray(width_kaon_to_pion_scalar(m_S, theta))
        return _out(w * constants.lifetime("K+") / constants.HBAR)
    if form in ("approximate", "kelly-machado"):
        m = np.asarray(m_S, dtype=float)
        if np.any(~np.isfinite(m)) or np.any(m < 0.0):
            raise ValueError(f"m_S must be finite and >= 0 GeV, got {m_S!r}")
        t = _check_theta(theta)
        m_k, m_pi = constants.M_K_CHARGED, constants.M_PI_CHARGED
        two_p_over_mk = np.sqrt(np.clip(kallen(1.0, (m / m_k) ** 2, (m_pi / m_k) ** 2), 0.0, None))
        factor = 1.0 if form == "approximate" else 0.5
        br = 2.0e-3 * t**2 * factor * two_p_over_mk
        return _out(np.where(m < m_k - m_pi, br, 0.0))
    raise ValueError(
        f"form must be 'first-principles', 'approximate' or 'kelly-machado', got {form!r}"
    )


def br_klong_to_pion_scalar(m_S: ArrayLike, theta: ArrayLike = 1.0) -> NDArray[np.float64] | float:
    """Br(K_L -> pi0 S) = Gamma(K_L -> pi0 S) tau_KL / hbar (:func:`width_kaon_to_pion_scalar`)."""
    w = np.asarray(width_kaon_to_pion_scalar(m_S, theta, neutral=True))
    return _out(w * constants.lifetime("K(L)0") / constants.HBAR)
