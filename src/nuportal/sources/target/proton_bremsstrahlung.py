"""Dark photons from proton bremsstrahlung p N -> p N A' (quasi-real approximation).

Blumlein and Brunner [BB] (arXiv:1311.3870, PLB 731 (2014) 320) treat the A' as radiated by the
incoming proton before an (unchanged) inelastic pp collision at the reduced energy, in the
generalised Weizsacker-Williams / splitting-function approximation. With z = p_A',L / P the
fraction of the beam momentum P carried by the A' along the beam and p_T its transverse
momentum, the number of A' per inelastic proton interaction is::

    d^2N / (dz dp_T^2) = [sigma_pp(s') / sigma_pp(s)] |F_1(M^2)|^2 w_ba(z, p_T^2),
    w_ba = eps^2 alpha / (2 pi H) { [1 + (1-z)^2]/z
           - 2 z (1-z) [(2 m_p^2 + M^2)/H - 2 z^2 m_p^4/H^2]
           + 2 z (1-z) [z + (1-z)^2] m_p^2 M^2 / H^2 + 2 z (1-z)^2 M^4 / H^2 },
    H = p_T^2 + (1 - z) M^2 + z^2 m_p^2,  s = 2 m_p E_p,  s' = 2 m_p (E_p - E_A'),

F_1 the timelike proton form factor (:mod:`.timelike_form_factor`) and sigma_pp the total pp
cross section (:func:`sigma_pp_total`; only the ratio enters).

Normalisation. BdNMC (deNiverville et al., arXiv:1609.01770) multiplies w_ba by an extra 1/4
(marked "divide by 4?" in its source) and integrates it over p_T instead of p_T^2. Without the
1/4 the massless, large-p_T limit of w_ba is (eps^2 alpha / 2 pi) P_gamma<-q(z) / p_T^2 with
P(z) = [1 + (1-z)^2]/z, i.e. the textbook equivalent-photon (Weizsacker-Williams) splitting of a
charged spin-1/2 particle (e.g. Peskin & Schroeder, eq. 6.70 / 17.122: f_gamma(z) =
alpha/(2 pi) [1 + (1-z)^2]/z ln(Q^2_max/Q^2_min), i.e. alpha/(2 pi) P(z) dp_T^2/p_T^2); with the
1/4 it would be a quarter of it. This module follows [BB] without the 1/4 (tested). Later work
(Foroughi-Abari & Ritz, arXiv:2108.05900; Gorbunov & Kriukova, arXiv:2306.15800) finds that
this approximation can differ from more complete treatments by factors of order one for
M >~ 0.5 GeV; treat the channel as an estimate at that level.

Validity ([BB]: E_p, E_A', E_p - E_A' >> m_p, M, p_T). Enforced as
min(z_min P, (1 - z_max) P) >= :data:`VALIDITY_FACTOR` x max(m_p, M, p_T,max), with
0 < z_min < z_max < 1 (default z in [0.1, 0.9], p_T < 1 GeV, as used for 120 GeV beams in the
literature). At 120 GeV the defaults pass; at the 8.9 GeV BNB they do not (a clear ValueError).

Units: GeV, GeV^2; cross sections in mb.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal import constants
from nuportal._validation import RngLike, as_rng
from nuportal.sources.target.timelike_form_factor import proton_f1_squared

__all__ = [
    "PP_TOTAL_PARAMETERS",
    "VALIDITY_FACTOR",
    "BremSample",
    "brem_d2n_dz_dpt2",
    "check_brem_validity",
    "proton_brem_yield",
    "sample_proton_brem",
    "sigma_pp_total",
    "splitting_w_ba",
]

M_PROTON: float = constants.mass("p")

#: Parameters of sigma_pp(s) = H ln^2(s/s_M) + P + R1 (s/s_M)^-eta1 - R2 (s/s_M)^-eta2,
#: s_M = (2 m_p + M)^2: the high-energy form of the PDG review of total hadronic cross sections
#: (COMPETE-type fit; PDG, "Plots of cross sections and related quantities"), with the pp values
#: used for proton bremsstrahlung by deNiverville et al., arXiv:1609.01770 (BdNMC). They give
#: sigma_pp = 38.6 mb at 120 GeV (PDG data: 38.5-39 mb at p_lab = 100-200 GeV). H, P, R1, R2 in
#: mb, M in GeV.
PP_TOTAL_PARAMETERS: dict[str, float] = {
    "H": 0.2704,
    "M": 2.2127,
    "eta1": 0.451,
    "eta2": 0.549,
    "R1": 12.98,
    "R2": 7.38,
    "P": 34.49,
}

#: Quantitative reading of [BB]'s "E >> m_p, M, p_T": the A' and the outgoing proton must carry
#: at least this many times the largest of m_p, M and p_T,max.
VALIDITY_FACTOR: float = 5.0


def sigma_pp_total(s: ArrayLike) -> NDArray[np.float64] | float:
    """Total pp cross section [mb] at centre-of-mass energy squared s [GeV^2] (s > s_M).

    Parameters
    ----------
    s : float or array_like
        s [GeV^2]; must exceed s_M = (2 m_p + M)^2 = 16.7 GeV^2 (the fit's range starts there).
    """
    p = PP_TOTAL_PARAMETERS
    s_m = (2.0 * M_PROTON + p["M"]) ** 2
    x = np.asarray(s, dtype=float)
    if np.any(~np.isfinite(x)) or np.any(x <= s_m):
        raise ValueError(f"s must be finite and > s_M = {s_m:.4g} GeV^2, got {s!r}")
    r = x / s_m
    value = p["H"] * np.log(r) ** 2 + p["P"] + p["R1"] * r ** -p["eta1"] - p["R2"] * r ** -p["eta2"]
    return float(value) if value.ndim == 0 else value


def splitting_w_ba(
    z: ArrayLike, pt2: ArrayLike, mass: float, epsilon: float = 1.0
) -> NDArray[np.float64]:
    """The splitting function w_ba(z, p_T^2) of [BB], in GeV^-2 (module docstring).

    Parameters
    ----------
    z : array_like
        Longitudinal momentum fraction of the A', in (0, 1).
    pt2 : array_like
        p_T^2 of the A' [GeV^2], >= 0.
    mass : float
        A' mass M [GeV], > 0.
    epsilon : float
        Kinetic mixing.

    Returns
    -------
    numpy.ndarray
        dN/(dz dp_T^2) before the sigma_pp ratio and the form factor [GeV^-2].
    """
    z = np.asarray(z, dtype=float)
    pt2 = np.asarray(pt2, dtype=float)
    m2 = float(mass) ** 2
    mp2 = M_PROTON**2
    omz = 1.0 - z
    h = pt2 + omz * m2 + z * z * mp2
    bracket = (
        (1.0 + omz**2) / z
        - 2.0 * z * omz * ((2.0 * mp2 + m2) / h - 2.0 * z * z * mp2 * mp2 / h**2)
        + 2.0 * z * omz * (z + omz**2) * mp2 * m2 / h**2
        + 2.0 * z * omz**2 * m2 * m2 / h**2
    )
    return epsilon**2 * constants.ALPHA_EM / (2.0 * math.pi * h) * bracket


def check_brem_validity(
    beam_momentum: float,
    mass: float,
    z_range: tuple[float, float] = (0.1, 0.9),
    pt_max: float = 1.0,
) -> tuple[float, float, float]:
    """Validate the kinematic range of the [BB] approximation; returns (z_min, z_max, pt_max).

    Raises
    ------
    ValueError
        Naming the parameter and its allowed range (see the module docstring).
    """
    p = float(beam_momentum)
    if not (math.isfinite(p) and p > 0.0):
        raise ValueError(f"beam momentum must be finite and > 0 GeV, got {beam_momentum!r}")
    m = float(mass)
    if not (math.isfinite(m) and m > 0.0):
        raise ValueError(f"mass must be finite and > 0 GeV, got {mass!r}")
    try:
        z_min, z_max = (float(v) for v in z_range)
    except (TypeError, ValueError):
        raise ValueError(f"z_range must be two numbers (z_min, z_max), got {z_range!r}") from None
    if not (math.isfinite(z_min) and math.isfinite(z_max) and 0.0 < z_min < z_max < 1.0):
        raise ValueError(f"z_range must satisfy 0 < z_min < z_max < 1, got {z_range!r}")
    pt = float(pt_max)
    if not (math.isfinite(pt) and pt > 0.0):
        raise ValueError(f"pt_max must be finite and > 0 GeV, got {pt_max!r}")
    scale = VALIDITY_FACTOR * max(M_PROTON, m, pt)
    if z_min * p < scale or (1.0 - z_max) * p < scale:
        raise ValueError(
            "proton bremsstrahlung (Blumlein-Brunner) is valid only for E_A' and E_p - E_A' >> "
            f"m_p, M, p_T: need z_min * P and (1 - z_max) * P >= {VALIDITY_FACTOR:g} x "
            f"max(m_p, M, pt_max) = {scale:.3g} GeV; got P = {p:.4g} GeV, z_range = "
            f"({z_min:g}, {z_max:g}), M = {m:g} GeV, pt_max = {pt:g} GeV (narrow z_range, lower "
            "pt_max or use a higher beam energy)"
        )
    return z_min, z_max, pt


def brem_d2n_dz_dpt2(
    z: ArrayLike,
    pt2: ArrayLike,
    mass: float,
    beam_momentum: float,
    epsilon: float = 1.0,
    form_factor: bool = True,
) -> NDArray[np.float64]:
    """d^2N/(dz dp_T^2) [GeV^-2]: A' per inelastic proton interaction (module docstring).

    Parameters
    ----------
    z, pt2 : array_like
        Momentum fraction and p_T^2 [GeV^2] (inside the validity range, not checked here).
    mass : float
        A' mass M [GeV].
    beam_momentum : float
        Beam proton momentum P [GeV].
    epsilon : float
        Kinetic mixing.
    form_factor : bool
        Multiply by |F_1(M^2)|^2 (default) or not (pointlike proton).
    """
    z = np.asarray(z, dtype=float)
    pt2 = np.asarray(pt2, dtype=float)
    p = float(beam_momentum)
    e_p = math.hypot(p, M_PROTON)
    e_a = np.sqrt(mass**2 + pt2 + (z * p) ** 2)
    ratio = sigma_pp_total(2.0 * M_PROTON * (e_p - e_a)) / sigma_pp_total(2.0 * M_PROTON * e_p)
    ff = float(proton_f1_squared(mass**2)) if form_factor else 1.0
    return ratio * ff * splitting_w_ba(z, pt2, mass, epsilon)


def _h0(z: NDArray[np.float64], mass: float) -> NDArray[np.float64]:
    return (1.0 - z) * mass**2 + (z * M_PROTON) ** 2


def proton_brem_yield(
    beam_momentum: float,
    mass: float,
    epsilon: float = 1.0,
    *,
    z_range: tuple[float, float] = (0.1, 0.9),
    pt_max: float = 1.0,
    form_factor: bool = True,
    n_nodes: int = 96,
) -> float:
    """A' per inelastic proton interaction, integrated over the validity range (quadrature).

    Gauss-Legendre in u = ln z and v = ln(p_T^2 + H_0(z)), H_0 = (1-z) M^2 + z^2 m_p^2, where the
    integrand is smooth (the 1/z and 1/H shapes are absorbed by the Jacobians).

    Parameters
    ----------
    beam_momentum : float
        P [GeV].
    mass : float
        A' mass M [GeV].
    epsilon : float
        Kinetic mixing (the yield scales as epsilon^2).
    z_range : (float, float)
        z interval (validity enforced by :func:`check_brem_validity`).
    pt_max : float
        Largest p_T [GeV].
    form_factor : bool
        Include |F_1(M^2)|^2.
    n_nodes : int
        Gauss-Legendre nodes per dimension.

    Returns
    -------
    float
        Expected A' per interacting proton.
    """
    z_min, z_max, pt = check_brem_validity(beam_momentum, mass, z_range, pt_max)
    x, w = np.polynomial.legendre.leggauss(n_nodes)
    u_lo, u_hi = math.log(z_min), math.log(z_max)
    u = 0.5 * (u_hi - u_lo) * x + 0.5 * (u_hi + u_lo)
    z = np.exp(u)
    h0 = _h0(z, mass)
    v_lo, v_hi = np.log(h0), np.log(h0 + pt * pt)
    v = 0.5 * (v_hi - v_lo)[:, None] * x[None, :] + 0.5 * (v_hi + v_lo)[:, None]
    t = np.exp(v) - h0[:, None]
    zz = np.broadcast_to(z[:, None], t.shape)
    f = brem_d2n_dz_dpt2(zz, t, mass, beam_momentum, epsilon, form_factor)
    jac = zz * (t + h0[:, None])  # dz dt = z (t + h0) du dv
    inner = (f * jac * w[None, :]).sum(axis=1) * 0.5 * (v_hi - v_lo)
    return float((inner * w).sum() * 0.5 * (u_hi - u_lo))


class BremSample(NamedTuple):
    """Weighted A' from :func:`sample_proton_brem`.

    Attributes
    ----------
    momenta : numpy.ndarray, shape (n, 4)
        A' four-momenta (E, px, py, pz) [GeV], beam along +z.
    weights : numpy.ndarray, shape (n,)
        A' per inelastic proton interaction carried by each row (their sum estimates
        :func:`proton_brem_yield`).
    """

    momenta: NDArray[np.float64]
    weights: NDArray[np.float64]


def sample_proton_brem(
    beam_momentum: float,
    mass: float,
    n: int,
    rng: RngLike = None,
    *,
    epsilon: float = 1.0,
    z_range: tuple[float, float] = (0.1, 0.9),
    pt_max: float = 1.0,
    form_factor: bool = True,
) -> BremSample:
    """Weighted A' four-momenta from proton bremsstrahlung (vectorized importance sampling).

    z is drawn from 1/z and p_T^2 from 1/(p_T^2 + H_0(z)) (inverse CDFs), close to the shape of
    w_ba, so the weights f/q vary little; the azimuth is uniform.

    Parameters
    ----------
    beam_momentum : float
        P [GeV].
    mass : float
        A' mass M [GeV].
    n : int
        Number of rows, >= 1.
    rng : numpy.random.Generator, int or None
        Random generator or seed.
    epsilon, z_range, pt_max, form_factor
        As in :func:`proton_brem_yield`.

    Returns
    -------
    BremSample
        ``(momenta, weights)``; sum(weights) = A' per interacting proton (MC estimate).
    """
    z_min, z_max, pt = check_brem_validity(beam_momentum, mass, z_range, pt_max)
    n = int(n)
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    gen = as_rng(rng)
    log_ratio = math.log(z_max / z_min)
    z = z_min * np.exp(log_ratio * gen.random(n))
    h0 = _h0(z, mass)
    span = np.log1p(pt * pt / h0)
    t = h0 * np.expm1(span * gen.random(n))
    phi = gen.uniform(0.0, 2.0 * math.pi, n)
    q = 1.0 / (z * log_ratio) / ((t + h0) * span)
    f = brem_d2n_dz_dpt2(z, t, mass, beam_momentum, epsilon, form_factor)
    p_t = np.sqrt(t)
    p_z = z * float(beam_momentum)
    momenta = np.column_stack(
        [np.sqrt(mass**2 + t + p_z**2), p_t * np.cos(phi), p_t * np.sin(phi), p_z]
    )
    return BremSample(momenta, f / q / n)
