"""Heavy neutral lepton (HNL) N: decay widths, branching ratios, lifetime.

Units: GeV for masses and widths, seconds for the lifetime, metres for lengths.

References
----------
* [BBGR] K. Bondarenko, A. Boyarsky, D. Gorbunov, O. Ruchayskiy, "Phenomenology of GeV-scale heavy
  neutral leptons", JHEP 11 (2018) 032, arXiv:1805.08567, section 3 (eqs. 3.1-3.9).
* [AHPZ] A. Atre, T. Han, S. Pascoli, B. Zhang, JHEP 05 (2009) 030, arXiv:0901.3589.
* [dGK] A. de Gouvea, K. J. Kelly, arXiv:2104.05719 (g_L, g_R notation, Table 3).

Dirac versus Majorana: every formula here is the width of a Dirac N into one charge configuration;
a Majorana N decays also into the charge-conjugate final states, with the same width, so every
channel (and the total width) is multiplied by 2 [BBGR, section 3].
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal import constants
from nuportal._validation import positive_mass as _check_mass
from nuportal._validation import scalar_or_array as _out
from nuportal.kinematics import kallen
from nuportal.models import hnl_hadronic as _had
from nuportal.models.decaying import DecayingParticle

__all__ = [
    "HNL_MAX_MASS",
    "HeavyNeutralLepton",
    "cc_phase_space",
    "cc_phase_space_one_mass",
    "loop_function_L",
    "nu_ll_couplings",
    "width_3nu_dirac",
    "width_cc_lll_dirac",
    "width_nu_ll_dirac",
]

_FLAVOURS = ("e", "mu", "tau")
#: Highest HNL mass [GeV] for which the exclusive channel list of this module is complete enough:
#: above about 1 GeV multi-hadron final states matter [BBGR, sec. 3.3-3.5].
HNL_MAX_MASS: float = 1.0
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(64)


# ---------------------------------------------------------------- three-body, neutral current
def nu_ll_couplings(mixing: str, lepton: str, sin2_theta_w: float) -> tuple[float, float]:
    """Effective chiral couplings (g_L, g_R) of N -> nu_a l_b+ l_b-.

    Parameters
    ----------
    mixing : {"e", "mu", "tau"}
        Flavour a of the active neutrino the HNL mixes with.
    lepton : {"e", "mu", "tau"}
        Flavour b of the charged-lepton pair.
    sin2_theta_w : float
        sin^2 theta_W.

    Returns
    -------
    (g_L, g_R) : tuple of float
        g_L = 1/2 + s_W^2 if a == b (the W exchange interferes with the Z exchange), else
        g_L = -1/2 + s_W^2; g_R = s_W^2. With these, C1 = g_L^2 + g_R^2 and C2 = g_L g_R are the
        coefficients of [BBGR] eq. (3.4) ([dGK] Table 3 uses the same g_L, g_R).
    """
    for name, value in (("mixing", mixing), ("lepton", lepton)):
        if value not in _FLAVOURS:
            raise ValueError(f"{name} must be one of {_FLAVOURS}, got {value!r}")
    s2 = float(sin2_theta_w)
    if not (math.isfinite(s2) and 0.0 <= s2 <= 1.0):
        raise ValueError(f"sin2_theta_w must be finite and in [0, 1], got {sin2_theta_w!r}")
    g_l = (0.5 if mixing == lepton else -0.5) + s2
    return g_l, s2


def loop_function_L(x: ArrayLike) -> NDArray[np.float64]:
    """L(x) = -4 ln[(1 + sqrt(1 - 4x^2)) / (2x)], the numerically stable form.

    Algebraically equal to ln[(1 - 3x^2 - (1 - x^2) sqrt(1 - 4x^2)) / (x^2 (1 + sqrt(1 - 4x^2)))]
    of [BBGR] eq. (3.4), whose numerator cancels catastrophically for small x. Defined for
    0 < x <= 1/2 (L(1/2) = 0); returns 0 outside that range (L always enters multiplied by x^4 or
    by a closed-channel zero).
    """
    x = np.asarray(x, dtype=float)
    inside = (x > 0.0) & (x <= 0.5)
    xs = np.where(inside, x, 0.25)
    r = np.sqrt(np.clip(1.0 - 4.0 * xs * xs, 0.0, None))
    return np.where(inside, -4.0 * np.log((1.0 + r) / (2.0 * xs)), 0.0)


# Threshold expansions of f1, f2 in r = sqrt(1 - 4x^2) (odd powers r^7 ... r^29), exact rational
# coefficients from expanding the closed forms with L = -4 artanh(r) (valid identity); used for
# r < 0.3 (x > 0.477), where the closed forms cancel (relative error ~ 1e-8 at x = 0.499).
_F1_SERIES = (
    (7, 32 / 35), (9, 0.0), (11, 32 / 1155), (13, 256 / 15015), (15, 32 / 3003), (17, 256 / 36465),
    (19, 224 / 46189), (21, 512 / 146965), (23, 96 / 37145), (25, 512 / 260015),
    (27, 352 / 229425), (29, 256 / 210105),
)  # fmt: skip
_F2_SERIES = (
    (7, 32 / 35), (9, -64 / 105), (11, -32 / 231), (13, -128 / 2145), (15, -32 / 1001),
    (17, -64 / 3315), (19, -224 / 17765), (21, -256 / 29393), (23, -96 / 15295),
    (25, -64 / 13685), (27, -352 / 98325), (29, -128 / 45675),
)  # fmt: skip
_SERIES_R_MAX = 0.3


def _f1_f2(x: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """f1(x), f2(x) of [BBGR] eq. (3.4), f2 including the factor 4; both 0 for x >= 1/2.

    Closed forms with the stable L(x) away from threshold; the power series in
    r = sqrt(1 - 4x^2) (both start as 32/35 r^7) near threshold.
    """
    open_ = x < 0.5
    xs = np.where(open_, x, 0.0)
    x2 = xs * xs
    x4 = x2 * x2
    r = np.sqrt(np.clip((1.0 - 2.0 * xs) * (1.0 + 2.0 * xs), 0.0, None))
    ell = loop_function_L(xs)
    f1 = (1.0 - 14.0 * x2 - 2.0 * x4 - 12.0 * x4 * x2) * r + 12.0 * x4 * (x4 - 1.0) * ell
    f2 = 4.0 * (
        x2 * (2.0 + 10.0 * x2 - 12.0 * x4) * r + 6.0 * x4 * (1.0 - 2.0 * x2 + 2.0 * x4) * ell
    )
    near = r < _SERIES_R_MAX
    if np.any(near):
        rn = np.where(near, r, 0.0)
        s1 = sum(c * rn**k for k, c in _F1_SERIES)
        s2 = sum(c * rn**k for k, c in _F2_SERIES)
        f1 = np.where(near, s1, f1)
        f2 = np.where(near, s2, f2)
    return np.where(open_, f1, 0.0), np.where(open_, f2, 0.0)


def _check_lepton_mass(value: float, name: str) -> float:
    if not (math.isfinite(value) and value >= 0.0):
        raise ValueError(f"{name} must be finite and >= 0 GeV, got {value!r}")
    return float(value)


def width_nu_ll_dirac(
    mass: ArrayLike,
    lepton_mass: float,
    g_L: float,
    g_R: float,
    *,
    g_fermi: float = constants.G_FERMI,
) -> NDArray[np.float64] | float:
    """Width of a Dirac HNL, N -> nu_a l+ l-, per unit |U_a4|^2 [GeV].

    Gamma = G_F^2 m^5 / (192 pi^3) [(g_L^2 + g_R^2) f1(x) + g_L g_R f2(x)],  x = m_l / m,

    [BBGR] eq. (3.4) with C1 = g_L^2 + g_R^2, C2 = g_L g_R (f2 here includes the factor 4 of that
    equation). L(x) is evaluated in its stable form (:func:`loop_function_L`). Zero at and below
    threshold, m <= 2 m_l.

    Parameters
    ----------
    mass : float or array_like
        HNL mass m [GeV], finite and > 0.
    lepton_mass : float
        Charged-lepton mass m_l [GeV], >= 0.
    g_L, g_R : float
        Chiral couplings, see :func:`nu_ll_couplings`.
    g_fermi : float, optional
        Fermi constant [GeV^-2].

    Returns
    -------
    float or ndarray
        Width per |U_a4|^2 [GeV] (a float for scalar ``mass``).
    """
    m = _check_mass(mass)
    ml = _check_lepton_mass(lepton_mass, "lepton_mass")
    f1, f2 = _f1_f2(ml / m)
    out = g_fermi**2 * m**5 / (192.0 * np.pi**3) * ((g_L**2 + g_R**2) * f1 + g_L * g_R * f2)
    return _out(out)


def width_3nu_dirac(
    mass: ArrayLike, *, g_fermi: float = constants.G_FERMI
) -> NDArray[np.float64] | float:
    """Gamma(N -> nu_a nu nubar), summed over the three flavours, per |U_a4|^2, Dirac N [GeV].

    Gamma = G_F^2 m^5 / (192 pi^3): the sum over b of (1 + delta_ab) G_F^2 m^5 / (768 pi^3),
    [BBGR] eq. (3.5).
    """
    m = _check_mass(mass)
    return _out(g_fermi**2 * m**5 / (192.0 * np.pi**3))


# ---------------------------------------------------------------- three-body, charged current
def cc_phase_space_one_mass(x: ArrayLike) -> NDArray[np.float64]:
    """I(x) = 1 - 8x^2 + 8x^6 - x^8 - 12 x^4 ln(x^2): the charged-current function for one massive
    lepton (the muon-decay function). For 0 < x < 1; I(0) = 1, I(1) = 0."""
    x = np.asarray(x, dtype=float)
    x2 = x * x
    xs2 = np.where(x2 > 0.0, x2, 1.0)
    log_term = np.where(x2 > 0.0, 12.0 * x2 * x2 * np.log(xs2), 0.0)
    return np.where(x < 1.0, 1.0 - 8.0 * x2 + 8.0 * x2**3 - x2**4 - log_term, 0.0)


def cc_phase_space(x_alpha: ArrayLike, x_beta: ArrayLike) -> NDArray[np.float64]:
    """Two-mass charged-current function I(x_a, 0, x_b) of [BBGR] eq. (3.2).

    I = 12 * integral_{x_a^2}^{(1 - x_b)^2} ds/s (s - x_a^2)^2 (1 + x_b^2 - s)
        sqrt(lambda(1, s, x_b^2)),

    for N -> l_a- l_b+ nu_b with x_i = m_i / m_N and s the (l_a nu_b) invariant mass squared over
    m_N^2 (the massless-neutrino case of [BBGR]'s I(x, y, z)). I(x, 0) and I(0, x) both equal
    :func:`cc_phase_space_one_mass` (x). Evaluated with 64-point Gauss-Legendre quadrature after
    s = a + (b - a)(1 - cos t)/2, which removes the square-root endpoint; zero when closed.
    """
    xa, xb = np.broadcast_arrays(np.asarray(x_alpha, float), np.asarray(x_beta, float))
    open_ = xa + xb < 1.0
    a = np.where(open_, xa, 0.0)[..., None] ** 2
    zb = np.where(open_, xb, 0.0)[..., None]
    b = (1.0 - zb) ** 2
    t = 0.5 * np.pi * (_GL_NODES + 1.0)
    s = a + (b - a) * 0.5 * (1.0 - np.cos(t))
    jac = (b - a) * 0.5 * np.sin(t) * 0.5 * np.pi
    lam = np.clip(kallen(1.0, s, zb**2), 0.0, None)
    integrand = 12.0 * (s - a) ** 2 * (1.0 + zb**2 - s) * np.sqrt(lam) / s
    val = np.sum(integrand * jac * _GL_WEIGHTS, axis=-1)
    return np.where(open_, val, 0.0)


def width_cc_lll_dirac(
    mass: ArrayLike,
    m_alpha: float,
    m_beta: float,
    *,
    g_fermi: float = constants.G_FERMI,
) -> NDArray[np.float64] | float:
    """Gamma(N -> l_a- l_b+ nu_b), a != b, per |U_a4|^2 for a Dirac N [GeV].

    Gamma = G_F^2 m^5 / (192 pi^3) I(m_a/m, m_b/m)  ([BBGR] eq. 3.2, :func:`cc_phase_space`).
    Zero for m <= m_a + m_b.
    """
    m = _check_mass(mass)
    ma = _check_lepton_mass(m_alpha, "m_alpha")
    mb = _check_lepton_mass(m_beta, "m_beta")
    return _out(g_fermi**2 * m**5 / (192.0 * np.pi**3) * cc_phase_space(ma / m, mb / m))


# ------------------------------------------------------------------------ the model
def _check_unit_interval(value: ArrayLike, name: str) -> float:
    v = float(value)
    if not (math.isfinite(v) and 0.0 <= v <= 1.0):
        raise ValueError(f"{name} must be finite and in [0, 1], got {value!r}")
    return v


class HeavyNeutralLepton(DecayingParticle):
    """A heavy neutral lepton N of mass up to 1 GeV mixing with the active neutrinos.

    Parameters
    ----------
    mass : float or array_like
        N mass [GeV], finite, 0 < mass <= 1 GeV (:data:`HNL_MAX_MASS`; above it multi-hadron
        channels missing from this model matter, so a ValueError is raised). An array of masses
        gives arrays of widths.
    U2_e, U2_mu, U2_tau : float
        |U_e4|^2, |U_mu4|^2, |U_tau4|^2, each in [0, 1].
    majorana : bool
        True for a Majorana N (every width doubled by the charge-conjugate channels), False for
        Dirac.
    sin2_theta_w : float
        sin^2 theta_W used in the neutral-current couplings (default: on-shell value, as in the
        Kelly-Machado recast arXiv:2106.06548).
    g_fermi : float, keyword-only
        Fermi constant [GeV^-2].

    Notes
    -----
    Channels (keys of :meth:`partial_widths`; widths in GeV, summed over the mixing flavours
    a = e, mu, tau with their |U_a4|^2, Majorana factor included; for a Majorana N each key also
    contains the charge-conjugate final state):

    ``"nu nu nu"``
        N -> nu_a nu_b nubar_b summed over a, b (invisible) [BBGR eq. 3.5].
    ``"nu e+ e-"``, ``"nu mu+ mu-"``
        N -> nu_a l+ l- summed over a, with the W-Z interference for a = l [BBGR eq. 3.4].
    ``"e- mu+ nu_mu"``, ``"mu- e+ nu_e"``
        Charged current N -> l_a- l_b+ nu_b (a != b), from U_e4 and U_mu4 [BBGR eq. 3.2].
    ``"nu pi0"``, ``"nu eta"``, ``"nu eta'"``
        N -> nu_a P0 [BBGR eq. 3.7].
    ``"e- pi+"``, ``"mu- pi+"``, ``"e- K+"``, ``"mu- K+"``
        N -> l_a- P+ [BBGR eq. 3.6].
    ``"nu rho0"``, ``"nu omega"``
        N -> nu_a V0 [BBGR eq. 3.9].
    ``"e- rho+"``, ``"mu- rho+"``
        N -> l_a- V+ [BBGR eq. 3.8].

    Closed channels have width 0; all keys are always present. Channels with a tau lepton are
    closed below 1 GeV.
    """

    _zero_coupling_message = "branching ratios are undefined: all mixings U2_e, U2_mu, U2_tau are 0"

    def __init__(
        self,
        mass: ArrayLike,
        U2_e: float = 0.0,
        U2_mu: float = 0.0,
        U2_tau: float = 0.0,
        majorana: bool = True,
        sin2_theta_w: float = constants.SIN2_THETA_W_ON_SHELL,
        *,
        g_fermi: float = constants.G_FERMI,
    ) -> None:
        m = np.asarray(mass, dtype=float)
        if np.any(~np.isfinite(m)) or np.any(m <= 0.0):
            raise ValueError(f"mass must be finite and > 0 GeV, got {mass!r}")
        if np.any(m > HNL_MAX_MASS):
            raise ValueError(
                f"mass = {mass!r} GeV is outside the implemented range 0 < mass <= "
                f"{HNL_MAX_MASS} GeV (multi-hadron HNL decays above 1 GeV are not modelled)"
            )
        self._mass = m
        self._U2 = {
            "e": _check_unit_interval(U2_e, "U2_e"),
            "mu": _check_unit_interval(U2_mu, "U2_mu"),
            "tau": _check_unit_interval(U2_tau, "U2_tau"),
        }
        self._majorana = bool(majorana)
        self._sin2_theta_w = _check_unit_interval(sin2_theta_w, "sin2_theta_w")
        if not (math.isfinite(g_fermi) and g_fermi > 0.0):
            raise ValueError(f"g_fermi must be finite and > 0 GeV^-2, got {g_fermi!r}")
        self._g_fermi = float(g_fermi)
        self._widths = self._compute_partial_widths()

    # -------------------------------------------------------------- basic properties
    @property
    def mass(self) -> NDArray[np.float64] | float:
        """N mass [GeV]."""
        return _out(self._mass)

    @property
    def mixings(self) -> dict[str, float]:
        """{"e": |U_e4|^2, "mu": |U_mu4|^2, "tau": |U_tau4|^2} (a copy)."""
        return dict(self._U2)

    @property
    def majorana(self) -> bool:
        """True for a Majorana N."""
        return self._majorana

    @property
    def sin2_theta_w(self) -> float:
        """sin^2 theta_W used in the neutral-current couplings."""
        return self._sin2_theta_w

    @property
    def g_fermi(self) -> float:
        """Fermi constant [GeV^-2]."""
        return self._g_fermi

    @property
    def U2_e(self) -> float:
        """|U_e4|^2."""
        return self._U2["e"]

    @property
    def U2_mu(self) -> float:
        """|U_mu4|^2."""
        return self._U2["mu"]

    @property
    def U2_tau(self) -> float:
        """|U_tau4|^2."""
        return self._U2["tau"]

    @property
    def _factor(self) -> float:
        return 2.0 if self.majorana else 1.0

    def __repr__(self) -> str:
        return (
            f"HeavyNeutralLepton(mass={self.mass!r}, U2_e={self.U2_e!r}, U2_mu={self.U2_mu!r}, "
            f"U2_tau={self.U2_tau!r}, majorana={self.majorana!r})"
        )

    # -------------------------------------------------------------- widths
    def width_nu_ll(self, lepton: str = "e") -> NDArray[np.float64] | float:
        """Gamma(N -> nu l+ l-) [GeV], summed over mixing flavours, Majorana factor included.

        Parameters
        ----------
        lepton : {"e", "mu", "tau"}
            Flavour of the charged-lepton pair.
        """
        if lepton not in _FLAVOURS:
            raise ValueError(f"lepton must be one of {_FLAVOURS}, got {lepton!r}")
        ml = constants.LEPTON_MASS[lepton]
        total = np.zeros_like(self._mass)
        for a, u2 in self._U2.items():
            if u2 == 0.0:
                continue
            g_l, g_r = nu_ll_couplings(a, lepton, self.sin2_theta_w)
            total = total + u2 * np.asarray(
                width_nu_ll_dirac(self._mass, ml, g_l, g_r, g_fermi=self.g_fermi)
            )
        return _out(self._factor * total)

    def _compute_partial_widths(self) -> dict[str, NDArray[np.float64]]:
        m, gf, s2 = self._mass, self.g_fermi, self.sin2_theta_w
        u_sum = sum(self._U2.values())
        lep = constants.LEPTON_MASS
        w: dict[str, NDArray[np.float64]] = {}
        w["nu nu nu"] = u_sum * np.asarray(width_3nu_dirac(m, g_fermi=gf))
        w["nu e+ e-"] = np.asarray(self.width_nu_ll("e")) / self._factor
        w["nu mu+ mu-"] = np.asarray(self.width_nu_ll("mu")) / self._factor
        w["e- mu+ nu_mu"] = self._U2["e"] * np.asarray(
            width_cc_lll_dirac(m, lep["e"], lep["mu"], g_fermi=gf)
        )
        w["mu- e+ nu_e"] = self._U2["mu"] * np.asarray(
            width_cc_lll_dirac(m, lep["mu"], lep["e"], g_fermi=gf)
        )
        for p in _had.NEUTRAL_PSEUDOSCALARS:
            w[f"nu {p.label}"] = u_sum * np.asarray(
                _had.width_nu_pseudoscalar(m, p.mass, p.decay_constant, g_fermi=gf)
            )
        for p in _had.CHARGED_PSEUDOSCALARS:
            for a in ("e", "mu"):
                w[f"{a}- {p.label}"] = self._U2[a] * np.asarray(
                    _had.width_lepton_pseudoscalar(
                        m, lep[a], p.mass, p.decay_constant, p.ckm, g_fermi=gf
                    )
                )
        for v in _had.NEUTRAL_VECTORS:
            kappa = _had.kappa_neutral_vector(v.kappa or "", s2)
            w[f"nu {v.label}"] = u_sum * np.asarray(
                _had.width_nu_vector(m, v.mass, v.decay_constant, kappa, g_fermi=gf)
            )
        for v in _had.CHARGED_VECTORS:
            for a in ("e", "mu"):
                w[f"{a}- {v.label}"] = self._U2[a] * np.asarray(
                    _had.width_lepton_vector(m, lep[a], v.mass, v.decay_constant, v.ckm, g_fermi=gf)
                )
        return {k: self._factor * np.broadcast_to(v, m.shape).astype(float) for k, v in w.items()}
