"""Positron annihilation on atomic electrons into dark photons, at epsilon = 1.

Two processes of a positron e+ (total energy E+) on an electron at rest:

* associated production e+ e- -> gamma A' ([DER]), a continuous process with the
  :class:`~nuportal.sources.shower.processes.DarkProcess` interface (:class:`DarkAnnihilation`);
* resonant production e+ e- -> A' ([DER], [MAR]), a line at E+ = E_R = (M^2 - 2 m_e^2)/(2 m_e):
  narrow-width integral, Breit-Wigner shape and the continuous-slowing-down yield.

e+ e- -> gamma A'
-----------------
Notation: positron p+, electron p, photon k, A' k' (mass M); s = 2 m^2 + 2 m E+,
t = (p+ - k)^2, u = (p+ - k')^2, T = t - m^2 = -P, U = u - m^2 = -Q with P, Q > 0 and
P + Q = D = s - M^2. Spin-averaged squared amplitude at eps = 1 ([DER], the crossing
s -> u, u -> t of dark Compton with an overall minus sign)::

    <|A|^2> = e^4 { 2 [ U/T + T/U - 4 m^2 (1/T + 1/U) - 4 m^4 (1/T + 1/U)^2 ]
                    - 4 M^2 [ m^2 (1/T^2 + 1/U^2) + 1/T + 1/U - M^2/(T U) ] }

re-checked for this module against explicit Dirac-matrix traces (agreement 1e-8). Using
P + Q = D it becomes {B} = K (1/P + 1/Q) - 4 - c2 (1/P^2 + 1/Q^2) with
K = 2 D + 8 m^2 + 4 M^2 + (4 M^4 - 16 m^4)/D > 0 and c2 = 8 m^4 + 4 M^2 m^2, or, free of
cancellations (all terms >= 0; derived for this module),

    {B} = 2 D^2/(P Q) - 4 + 4 (M^2 + 2 m^2) s (P - P_lo)(Q - P_lo) / (P Q)^2,

which is how the code evaluates it (the first form has terms ~1/D^2 cancelling near threshold
and at the collinear edges). Integrating the first form,

    sigma = pi alpha^2 / (s (s - 4 m^2)) [ 2 K L - 4 dP - 2 c2 dP / (P_lo P_hi) ],

with P in [P_lo, P_hi] = 2 E_gamma* (E* -+ p*), L = ln(P_hi/P_lo) = 2 arcsinh(p*/m),
dP = 4 E_gamma* p* (CM energies E* = sqrt(s)/2, p* = sqrt(s/4 - m^2), E_gamma* = D/(2 sqrt s)).
The collinear peaks at P -> P_lo (photon along the positron) and Q -> P_lo (A' along the
positron) are regulated by m_e only; m_e is kept exactly. M -> 0 times 1/2 (identical photons)
is Heitler's two-photon annihilation ([H]). Threshold: s > max(M^2, 4 m^2).

Lab kinematics are exact: E_A' = (M^2 + P)/(2 m), E_gamma = Q/(2 m), and
E+ E_A' - p+ p_A' cos theta = (M^2 + Q)/2.

Sampling is exact: {B} is a concave quadratic in u = 1/(P Q), so its tangent at the mean of u is
an envelope, linear in 1/P + 1/Q; its pieces 1/P, 1/Q and a constant are drawn by inverse
transform (see :func:`_sample_p`); the acceptance is above 65 % (checked for M from 1 keV to
0.3 GeV, including M ~ 2 m_e, from threshold to 1e6 times it).

References
----------
* [DER] derived for this package: <|A|^2> of e+ e- -> gamma A' from explicit Dirac-matrix spin
  and polarisation sums (the crossing of dark Compton; its m_e -> 0 form agrees with [PETITE]'s
  code), the narrow-width reduction of the resonant line; the check values are computed for
  this package.
* [H] W. Heitler, The Quantum Theory of Radiation (two-photon annihilation in flight).
* [MAR] L. Marsicano et al., PRD 98 (2018) 015031, arXiv:1802.03794 (resonant A' production by
  shower positrons).
* [PETITE] N. Blinov, P. J. Fox, K. J. Kelly, P. A. N. Machado, R. Plestid, arXiv:2401.06843.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal._validation import scalar_or_array as _out
from nuportal.sources.shower.dark_compton import (
    _check_cos,
    _check_energy,
    _check_mass,
    _check_process_mass,
    _LogEnergyTable,
    _material_z,
)
from nuportal.sources.shower.processes import DarkProducts, Species
from nuportal.sources.shower.qed_constants import ALPHA, GEV2_CM2, M_E

__all__ = [
    "DarkAnnihilation",
    "dark_annihilation_amplitude_squared",
    "dark_annihilation_cross_section",
    "dark_annihilation_cross_section_photon_cut",
    "dark_annihilation_dsigma_dcos",
    "dark_annihilation_threshold",
    "resonant_cross_section",
    "resonant_cross_section_integral",
    "resonant_dark_photon_energy",
    "resonant_positron_energy",
    "resonant_yield",
]

_M2 = M_E * M_E
_E4 = 16.0 * math.pi**2 * ALPHA**2  # e^4


# ------------------------------------------------------------------------ e+ e- -> gamma A'
def dark_annihilation_threshold(mass: ArrayLike) -> NDArray[np.float64] | float:
    """Positron total-energy threshold of e+ e- -> gamma A' [GeV]: s > max(M^2, 4 m_e^2), i.e.
    E+ > max(E_R, m_e) with E_R = (M^2 - 2 m_e^2)/(2 m_e) ([DER])."""
    m = _check_mass(mass)
    return _out(np.maximum((m * m - 2.0 * _M2) / (2.0 * M_E), M_E))


def _bracket(p: Any, q: Any, xp: Any, xq: Any, s: Any, d: Any, mass: ArrayLike) -> Any:
    """<|A|^2> / e^4 from P = -T, Q = -U, their excesses xp = P - P_lo, xq = Q - P_lo over the
    collinear minimum, s and D = s - M^2 (cancellation-free form of the module docstring)."""
    mm = np.asarray(mass, dtype=float) ** 2
    pq = p * q
    return 2.0 * d * d / pq - 4.0 + 4.0 * (mm + 2.0 * _M2) * s * (xp / pq) * (xq / pq)


def dark_annihilation_amplitude_squared(
    s: ArrayLike, t: ArrayLike, mass: ArrayLike
) -> NDArray[np.float64] | float:
    """Spin-averaged <|A|^2> of e+ e- -> gamma A' at eps = 1 (dimensionless).

    [DER] (module docstring); the one home of the formula. Symmetric under T <-> U.

    Parameters
    ----------
    s, t : float or array_like
        Mandelstam s and t = (p+ - k_gamma)^2 [GeV^2], in the physical region.
    mass : float or array_like
        M [GeV], finite and >= 0 (M = 0: e+ e- -> gamma gamma, before the 1/2 for identical
        photons).
    """
    m = _check_mass(mass)
    s_ = np.asarray(s, dtype=float)
    _, d, _, _, e_gam, e_minus_p = _cm((s_ - 2.0 * _M2) / (2.0 * M_E), m)
    p = _M2 - np.asarray(t, dtype=float)
    q = d - p
    p_lo = 2.0 * e_gam * e_minus_p
    return _out(_E4 * _bracket(p, q, p - p_lo, q - p_lo, s_, d, m))


def _cm(e_pos: Any, mass: Any) -> tuple[Any, ...]:
    """s, D = s - M^2, E*, p*, E_gamma* and E* - p* (= m^2/(E* + p*)) in the CM frame."""
    s = 2.0 * _M2 + 2.0 * M_E * e_pos
    rs = np.sqrt(s)
    e_star = 0.5 * rs
    p_star = np.sqrt(np.clip(M_E * (e_pos - M_E) / 2.0, 0.0, None))  # s/4 - m^2 = m (E+ - m)/2
    d = s - mass * mass
    e_gam = d / (2.0 * rs)
    return s, d, e_star, p_star, e_gam, _M2 / (e_star + p_star)


def dark_annihilation_dsigma_dcos(
    e_positron: ArrayLike, cos_theta_cm: ArrayLike, mass: ArrayLike
) -> NDArray[np.float64] | float:
    """dsigma/dcos(theta*) of e+ e- -> gamma A' per electron at eps = 1 [cm^2].

    dsigma/dcos = <|A|^2> E_gamma* / (32 pi s p*) ([DER]), theta* the angle of the A'
    to the positron in the CM frame: P = 2 E_gamma* (E* + p* cos), Q = 2 E_gamma* (E* - p* cos).
    Zero at and below threshold.

    Parameters
    ----------
    e_positron : float or array_like
        Positron total energy [GeV] (electron at rest).
    cos_theta_cm : float or array_like
        cos(theta*) in [-1, 1].
    mass : float or array_like
        M [GeV], finite and >= 0.
    """
    e = _check_energy(e_positron, "e_positron")
    c = _check_cos(cos_theta_cm)
    m = _check_mass(mass)
    e, c, m = np.broadcast_arrays(e, c, m)
    above = e > np.maximum((m * m - 2.0 * _M2) / (2.0 * M_E), M_E)
    e_ok = np.where(above, e, (m * m) / M_E + 2.0 * M_E)
    s, d, _, p_star, e_gam, e_minus_p = _cm(e_ok, m)
    xp = 2.0 * e_gam * p_star * (1.0 + c)
    xq = 2.0 * e_gam * p_star * (1.0 - c)
    p_lo = 2.0 * e_gam * e_minus_p
    bracket = _bracket(p_lo + xp, p_lo + xq, xp, xq, s, d, m)
    dsig = math.pi * ALPHA**2 * bracket * e_gam / (2.0 * s * p_star) * GEV2_CM2
    return _out(np.where(above, dsig, 0.0))


def dark_annihilation_cross_section(
    e_positron: ArrayLike, mass: ArrayLike
) -> NDArray[np.float64] | float:
    """Total cross section of e+ e- -> gamma A' per electron at eps = 1 [cm^2].

    Closed form of the module docstring ([DER]). Zero at and below threshold. Check
    values ([DER]): 2.078e-27 (E+ = 1 GeV, M = 10 MeV), 2.466e-28 (10 GeV, 10 MeV),
    2.215e-26 cm^2 (10 GeV, 100 MeV; threshold 9.784 GeV).

    Parameters
    ----------
    e_positron : float or array_like
        Positron total energy [GeV].
    mass : float or array_like
        M [GeV], finite and >= 0.
    """
    e = _check_energy(e_positron, "e_positron")
    m = _check_mass(mass)
    e, m = np.broadcast_arrays(e, m)
    above = e > np.maximum((m * m - 2.0 * _M2) / (2.0 * M_E), M_E)
    e_ok = np.where(above, e, (m * m) / M_E + 2.0 * M_E)
    s, d, _, p_star, e_gam, _ = _cm(e_ok, m)
    mm = m * m
    k = 2.0 * d + 8.0 * _M2 + 4.0 * mm + (4.0 * mm * mm - 16.0 * _M2 * _M2) / d
    c2 = 8.0 * _M2 * _M2 + 4.0 * mm * _M2
    log_ratio = 2.0 * np.arcsinh(p_star / M_E)
    dp = 4.0 * e_gam * p_star
    integral = 2.0 * k * log_ratio - 4.0 * dp - 2.0 * c2 * dp / (4.0 * e_gam * e_gam * _M2)
    sigma = math.pi * ALPHA**2 / (s * 4.0 * p_star * p_star) * integral * GEV2_CM2
    return _out(np.where(above, sigma, 0.0))


_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(64)


def dark_annihilation_cross_section_photon_cut(
    e_positron: ArrayLike, mass: float, photon_cut: float
) -> NDArray[np.float64]:
    """Cross section of e+ e- -> gamma A' per electron at eps = 1 with the photon's lab energy
    above ``photon_cut`` [cm^2].

    Tree-level e+ e- -> gamma A' grows as 1/(E+ - E_R) towards the resonance: the soft-photon
    (radiative-return) region, which belongs to the resonant line and its radiative corrections.
    As for bremsstrahlung, photons below the shower's photon cut are not produced; the lab photon
    energy is k = E+ + m_e - E_A' with E_A' = (M^2 + P)/(2 m_e), so the cut is P <= P_max =
    2 m_e (E+ + m_e - k_min) - M^2. dsigma/dP = pi alpha^2 {B}/(4 s p*^2) with the bracket {B} of
    :func:`dark_annihilation_amplitude_squared`, integrated by Gauss-Legendre quadrature in
    ln P up to D/2 and in ln Q beyond (the two collinear peaks).

    Parameters
    ----------
    e_positron : array_like
        Positron total energy [GeV].
    mass : float
        M [GeV].
    photon_cut : float
        Minimum lab-frame photon energy [GeV].
    """
    e = np.atleast_1d(_check_energy(e_positron, "e_positron")).astype(float)
    m = float(_check_mass(mass))
    out = np.zeros(e.shape)
    above = e > max((m * m - 2.0 * _M2) / (2.0 * M_E), M_E)
    if not np.any(above):
        return out
    s, d, _, p_star, e_gam, e_minus_p = _cm(e[above], m)
    p_lo = 2.0 * e_gam * e_minus_p
    p_max = 2.0 * M_E * (e[above] + M_E - photon_cut) - m * m
    upper = np.clip(p_max, p_lo, d - p_lo)
    half = np.minimum(upper, 0.5 * d)
    total = np.zeros(len(s))
    # region P in [p_lo, half]: P = p_lo exp(u)
    span = np.log(half / p_lo)
    u = 0.5 * (_GL_NODES[:, None] + 1.0) * span
    p = p_lo * np.exp(u)
    xp = p_lo * np.expm1(u)
    q = d - p
    xq = q - p_lo
    total += 0.5 * span * np.sum(_GL_WEIGHTS[:, None] * _bracket(p, q, xp, xq, s, d, m) * p, 0)
    # region P in [D/2, upper]: Q = D - P from D - upper up to D/2, Q = q_lo exp(v)
    q_lo = d - upper
    span = np.where(upper > 0.5 * d, np.log(0.5 * d / np.minimum(q_lo, 0.5 * d)), 0.0)
    v = 0.5 * (_GL_NODES[:, None] + 1.0) * span
    q = q_lo * np.exp(v)
    xq = (q_lo - p_lo) + q_lo * np.expm1(v)
    p = d - q
    xp = p - p_lo
    total += 0.5 * span * np.sum(_GL_WEIGHTS[:, None] * _bracket(p, q, xp, xq, s, d, m) * q, 0)
    out[above] = math.pi * ALPHA**2 * total / (4.0 * s * p_star * p_star) * GEV2_CM2
    return out


def _photon_cut_threshold(mass: float, photon_cut: float) -> float:
    """Lowest positron energy [GeV] at which e+ e- -> gamma A' can give a photon above the cut:
    where P_max reaches the collinear minimum P_lo (found by bisection in log E)."""
    from scipy.optimize import brentq

    e0 = float(dark_annihilation_threshold(mass))

    def gap(log_excess: float) -> float:
        e = e0 + math.exp(log_excess)
        _, _, _, _, e_gam, e_minus_p = _cm(np.array([e]), mass)
        p_lo = 2.0 * e_gam * e_minus_p
        return float(2.0 * M_E * (e + M_E - photon_cut) - mass * mass - p_lo[0])

    lo, hi = math.log(1e-12 * max(e0, M_E)), math.log(1e6)
    return e0 + math.exp(brentq(gap, lo, hi, xtol=1e-12)) if gap(lo) < 0.0 else e0


def _sample_p(
    e_pos: NDArray[np.float64], mass: float, rng: np.random.Generator
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(P, Q) distributed as dsigma/dP, by rejection (module docstring).

    Exactly, {B} = h(u) = alpha u - 4 - c2 D^2 u^2 with u = 1/(P Q) = (1/P + 1/Q)/D and
    alpha = K D + 2 c2. h is concave, so its tangent at the mean u0 = 2 L/(D dP) bounds it:
    {B} <= A u + b0, A = alpha - 2 c2 D^2 u0, b0 = c2 D^2 u0^2 - 4. If A >= 0 the envelope is
    (A/D) (1/P + 1/Q) + max(b0, 0); if A < 0 the tangent decreases with u and the envelope is its
    value at the smallest u, 4/D^2 (P = Q = D/2), a constant.
    """
    mm = mass * mass
    c2 = 8.0 * _M2 * _M2 + 4.0 * mm * _M2
    p_out = np.empty(e_pos.shape)
    q_out = np.empty(e_pos.shape)
    todo = np.arange(e_pos.size)
    while todo.size:
        s, d, _, p_star, e_gam, e_minus_p = _cm(e_pos[todo], mass)
        k = 2.0 * d + 8.0 * _M2 + 4.0 * mm + (4.0 * mm * mm - 16.0 * _M2 * _M2) / d
        p_lo = 2.0 * e_gam * e_minus_p
        dp = 4.0 * e_gam * p_star
        log_ratio = 2.0 * np.arcsinh(p_star / M_E)
        alpha = k * d + 2.0 * c2
        cd2 = c2 * d * d
        u0 = 2.0 * log_ratio / (d * dp)
        slope = alpha - 2.0 * cd2 * u0
        b0 = cd2 * u0 * u0 - 4.0
        rising = slope >= 0.0
        a = np.where(rising, slope / d, 0.0)
        b = np.where(rising, np.clip(b0, 0.0, None), slope * 4.0 / (d * d) + b0)
        w_log = a * log_ratio  # integral of a/P (and of a/Q) over [P_lo, P_hi]
        w_flat = b * dp
        r = rng.random((3, todo.size))
        pick = r[0] * (2.0 * w_log + w_flat)
        # x log-uniform on [P_lo, P_hi] with excess x - P_lo = P_lo expm1(r L); its partner
        # P_lo + P_hi - x = D - x has excess P_hi - x = -P_hi expm1((r - 1) L) (no cancellation).
        x_ex = p_lo * np.expm1(r[1] * log_ratio)
        partner_ex = -(p_lo + dp) * np.expm1((r[1] - 1.0) * log_ratio)
        piece_p = pick < w_log  # a/P piece: P log-uniform
        piece_q = (pick >= w_log) & (pick < 2.0 * w_log)  # a/Q piece: Q log-uniform
        xp = np.where(piece_p, x_ex, np.where(piece_q, partner_ex, r[1] * dp))
        xq = np.where(piece_p, partner_ex, np.where(piece_q, x_ex, (1.0 - r[1]) * dp))
        p = p_lo + xp
        q = p_lo + xq
        env = a * (1.0 / p + 1.0 / q) + b
        accept = r[2] * env <= _bracket(p, q, xp, xq, s, d, mass)
        p_out[todo[accept]] = p[accept]
        q_out[todo[accept]] = q[accept]
        todo = todo[~accept]
    return p_out, q_out


class DarkAnnihilation:
    """e+ e- -> gamma A' on the atomic electrons of one material, at epsilon = 1.

    Follows :class:`~nuportal.sources.shower.processes.DarkProcess`: ``cross_section`` per atom
    (Z times :func:`dark_annihilation_cross_section`) [cm^2] from a table built at construction;
    ``sample`` draws the A' exactly from dsigma/dcos. The resonant line e+ e- -> A' is not part
    of this process (see :func:`resonant_yield`).

    Parameters
    ----------
    material : object with ``.Z``
        Target material (duck-typed; electrons per atom).
    mass : float
        M [GeV], finite and > 0.
    e_max : float, keyword-only
        Upper end of the table [GeV]; above it the closed form is evaluated directly.
    photon_cut : float, keyword-only
        Minimum lab energy of the photon [GeV] (default 0: the full tree-level cross section,
        which grows as 1/(E+ - E_R) near the resonance; see
        :func:`dark_annihilation_cross_section_photon_cut`).
    """

    name: str = "dark_annihilation"
    incoming: Species = Species.POSITRON

    def __init__(
        self, material: Any, mass: float, *, e_max: float = 1.0e4, photon_cut: float = 0.0
    ) -> None:
        self.material = material
        self.Z = _material_z(material)
        self.mass = _check_process_mass(mass)
        if not (math.isfinite(photon_cut) and photon_cut >= 0.0):
            raise ValueError(f"photon_cut must be >= 0 [GeV], got {photon_cut!r}")
        self.photon_cut = float(photon_cut)
        m = self.mass
        if self.photon_cut > 0.0:
            #: Positron total-energy threshold [GeV] (with the photon cut).
            self.threshold = _photon_cut_threshold(m, self.photon_cut)
            self._table = _LogEnergyTable(
                lambda e: dark_annihilation_cross_section_photon_cut(e, m, self.photon_cut),
                self.threshold,
                float(e_max),
                points_per_decade=24,
            )
        else:
            #: Positron total-energy threshold max(E_R, m_e) [GeV].
            self.threshold = float(dark_annihilation_threshold(m))
            self._table = _LogEnergyTable(
                lambda e: np.asarray(dark_annihilation_cross_section(e, m)),
                self.threshold,
                float(e_max),
            )

    def __repr__(self) -> str:
        return f"DarkAnnihilation(Z={self.Z!r}, mass={self.mass!r})"

    def cross_section(self, energy: ArrayLike) -> NDArray[np.float64]:
        """Cross section per atom at eps = 1 [cm^2] at positron total energy ``energy`` [GeV];
        0 at and below threshold."""
        e = _check_energy(energy)
        return self.Z * self._table(e)

    def sample(self, energy: ArrayLike, rng: np.random.Generator) -> DarkProducts:
        """Draw the A' of e+ e- -> gamma A' for positrons of total energy ``energy`` [GeV].

        Returns
        -------
        DarkProducts
            A' total energy [GeV] and cos of its angle to the positron direction (lab frame),
            arrays of the shape of ``energy``. The photon is k = p+ + p - k' (massless by
            construction).
        """
        e = _check_energy(energy)
        if np.any(e <= self.threshold):
            raise ValueError(
                f"energy must be above the e+ e- -> gamma A' threshold {self.threshold:.6g} GeV "
                f"(mass = {self.mass!r} GeV), got min {float(np.min(e))!r} GeV"
            )
        flat = e.ravel()
        p, q = _sample_p(flat, self.mass, rng)
        mm = self.mass * self.mass
        if self.photon_cut > 0.0:  # redraw the events whose photon is below the cut
            p_max = 2.0 * M_E * (flat + M_E - self.photon_cut) - mm
            redo = np.flatnonzero(p > p_max)
            while redo.size:
                p[redo], q[redo] = _sample_p(flat[redo], self.mass, rng)
                redo = redo[p[redo] > p_max[redo]]
        e_a = (mm + p) / (2.0 * M_E)
        p_a = np.sqrt(np.clip((e_a - self.mass) * (e_a + self.mass), 0.0, None))
        p_pos = np.sqrt((flat - M_E) * (flat + M_E))
        den = p_pos * p_a
        cos = np.where(den > 0.0, (flat * e_a - 0.5 * (mm + q)) / np.where(den > 0, den, 1.0), 1.0)
        return DarkProducts(e_a.reshape(e.shape), np.clip(cos, -1.0, 1.0).reshape(e.shape))


# ------------------------------------------------------------------------ resonant e+ e- -> A'
def _check_resonance_mass(mass: ArrayLike) -> NDArray[np.float64]:
    m = _check_mass(mass, allow_zero=False)
    if np.any(m <= 2.0 * M_E):
        raise ValueError(
            f"mass must be > 2 m_e = {2.0 * M_E:.6g} GeV for resonant e+ e- -> A', got {mass!r}"
        )
    return m


def resonant_positron_energy(mass: ArrayLike) -> NDArray[np.float64] | float:
    """Positron total energy E_R = (M^2 - 2 m_e^2)/(2 m_e) of resonant e+ e- -> A' on an electron
    at rest [GeV] ([DER], [MAR]); M must exceed 2 m_e. E_R = 0.2823, 2.446, 9.784 GeV for
    M = 17, 50, 100 MeV."""
    m = _check_resonance_mass(mass)
    return _out((m * m - 2.0 * _M2) / (2.0 * M_E))


def resonant_dark_photon_energy(mass: ArrayLike) -> NDArray[np.float64] | float:
    """Energy of the resonantly produced A' [GeV]: E_R + m_e = M^2/(2 m_e); it moves along the
    positron ([DER], [MAR])."""
    m = _check_resonance_mass(mass)
    return _out(m * m / (2.0 * M_E))


def _resonance_factor(mass: ArrayLike | None) -> NDArray[np.float64] | float:
    """(1 + 2 m^2/M^2) / sqrt(1 - 4 m^2/M^2): electron-mass factor of the exact narrow-width
    cross section (1 if ``mass`` is None, the m_e -> 0 limit of [DER], [MAR])."""
    if mass is None:
        return 1.0
    m = _check_resonance_mass(mass)
    r = _M2 / (m * m)
    return (1.0 + 2.0 * r) / np.sqrt(1.0 - 4.0 * r)


def _check_z(z: ArrayLike) -> NDArray[np.float64]:
    zz = np.asarray(z, dtype=float)
    if np.any(~np.isfinite(zz)) or np.any(zz <= 0.0):
        raise ValueError(f"Z must be finite and > 0, got {z!r}")
    return zz


def resonant_cross_section_integral(
    Z: ArrayLike, *, mass: ArrayLike | None = None
) -> NDArray[np.float64] | float:
    """Integral of the resonant e+ e- -> A' cross section over the positron energy, per atom, at
    eps = 1 [cm^2 GeV].

    Narrow width: sigma = 4 pi^2 alpha eps^2 F delta(s - M^2) = (2 pi^2 alpha eps^2 / m_e) F
    delta(E+ - E_R) per electron, so int sigma dE+ = Z (2 pi^2 alpha / m_e) F (hbar c)^2.
    ``mass=None`` gives F = 1, the m_e -> 0 form of [DER], [MAR] (1.0976e-22 cm^2 MeV per
    electron); with ``mass`` the exact tree-level factor F = (1 + 2 m_e^2/M^2)/beta,
    beta = sqrt(1 - 4 m_e^2/M^2), is included (derived for this module from
    <|A|^2> = e^2 eps^2 (s + 2 m_e^2) and the flux 2 sqrt(s (s - 4 m_e^2)); F = 1.0036 at
    M = 17 MeV). All of the A' decays are counted (Gamma_f = Gamma).

    Parameters
    ----------
    Z : float or array_like
        Electrons per atom, > 0.
    mass : float or array_like, optional, keyword-only
        M [GeV], > 2 m_e.
    """
    z = _check_z(Z)
    f = _resonance_factor(mass)
    return _out(z * 2.0 * math.pi**2 * ALPHA / M_E * f * GEV2_CM2)


def resonant_cross_section(
    e_positron: ArrayLike, mass: float, epsilon: float, total_width: float
) -> NDArray[np.float64] | float:
    """Breit-Wigner cross section of e+ e- -> A' (-> anything) per electron [cm^2].

    sigma(s) = 4 pi alpha eps^2 (s + 2 m^2) / sqrt(s (s - 4 m^2))
               * M Gamma / ((s - M^2)^2 + M^2 Gamma^2),   s = 2 m^2 + 2 m E+,

    the tree-level e+ e- -> A' cross section with delta(s - M^2) replaced by the Lorentzian of
    width M Gamma. At the peak this is 12 pi Gamma_ee / (M^2 Gamma beta^2) (Gamma_ee from
    :func:`~nuportal.models.dark_photon.width_dark_photon_leptons`), the form of [DER], [MAR]
    / [MAR] with the flux factor 1/beta^2 of massive electrons; its integral over E+ tends to
    :func:`resonant_cross_section_integral` (with ``mass``) times eps^2 for Gamma << M.

    Parameters
    ----------
    e_positron : float or array_like
        Positron total energy [GeV]; 0 for E+ <= m_e.
    mass : float
        M [GeV], > 2 m_e.
    epsilon : float
        Kinetic mixing, finite and >= 0.
    total_width : float
        Total A' width Gamma [GeV], finite and > 0 (e.g. ``DarkPhoton(M, eps).total_width``, or
        larger with invisible decays).
    """
    e = _check_energy(e_positron, "e_positron")
    m = float(_check_resonance_mass(mass))
    eps = float(epsilon)
    if not (math.isfinite(eps) and eps >= 0.0):
        raise ValueError(f"epsilon must be finite and >= 0, got {epsilon!r}")
    gam = float(total_width)
    if not (math.isfinite(gam) and gam > 0.0):
        raise ValueError(f"total_width must be finite and > 0 GeV, got {total_width!r}")
    moving = e > M_E
    e_ok = np.where(moving, e, 2.0 * M_E)
    s = 2.0 * _M2 + 2.0 * M_E * e_ok
    flux = np.sqrt(s * 2.0 * M_E * (e_ok - M_E))  # sqrt(s (s - 4 m^2))
    bw = m * gam / ((s - m * m) ** 2 + (m * gam) ** 2)
    sigma = 4.0 * math.pi * ALPHA * eps**2 * (s + 2.0 * _M2) / flux * bw * GEV2_CM2
    return _out(np.where(moving, sigma, 0.0))


def resonant_yield(
    Z: ArrayLike, atom_density: ArrayLike, dE_dx: ArrayLike, *, mass: ArrayLike | None = None
) -> NDArray[np.float64] | float:
    """Expected resonant A' per positron per eps^2, for a positron slowing down continuously
    through E_R ([DER], [MAR]):

        N / eps^2 = n_e (int sigma dE) / |dE/dx|(E_R),   n_e = Z n_atom,

    with int sigma dE from :func:`resonant_cross_section_integral` (``mass`` as there). The
    general shower estimate replaces 1/|dE/dx| by the differential positron track length
    dL+/dE at E_R. The A' carries :func:`resonant_dark_photon_energy` along the positron.
    Check ([DER]): n_e x 1.0976e-22 cm^2 MeV = 513.5 (W), 296.9 (Pb) MeV/cm.

    Parameters
    ----------
    Z : float or array_like
        Electrons per atom, > 0.
    atom_density : float or array_like
        Atoms per cm^3, > 0.
    dE_dx : float or array_like
        Stopping power at E_R [GeV/cm]; its magnitude is used (must be non-zero).

    Returns
    -------
    float or numpy.ndarray
        Expected number of A' divided by eps^2 (dimensionless).
    """
    n = np.asarray(atom_density, dtype=float)
    if np.any(~np.isfinite(n)) or np.any(n <= 0.0):
        raise ValueError(f"atom_density must be finite and > 0 cm^-3, got {atom_density!r}")
    loss = np.abs(np.asarray(dE_dx, dtype=float))
    if np.any(~np.isfinite(loss)) or np.any(loss <= 0.0):
        raise ValueError(f"dE_dx must be finite and non-zero (GeV/cm), got {dE_dx!r}")
    integral = np.asarray(resonant_cross_section_integral(Z, mass=mass))
    return _out(n * integral / loss)
