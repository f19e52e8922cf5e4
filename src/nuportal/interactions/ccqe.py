"""Charged-current quasi-elastic scattering: nu n -> l- p and nubar p -> l+ n.

Free nucleon [C. H. Llewellyn Smith, Phys. Rep. 3 (1972) 261, eqs. (3.18)-(3.22); the form of
J. A. Formaggio, G. P. Zeller, Rev. Mod. Phys. 84 (2012) 1307, eqs. (8)-(10)]:

    dsigma/dQ^2 = G_F^2 cos^2 theta_C M^4 / (8 pi (k.P)^2)
                  [A(Q^2) +- B(Q^2) (s - u)/M^2 + C(Q^2) (s - u)^2/M^4]   (+ nu, - nubar),
    s - u = 4 k.P - Q^2 - m^2,   tau = Q^2/(4 M^2),
    A = (m^2 + Q^2)/M^2 [(1 + tau) F_A^2 - (1 - tau) F_1^2 + tau (1 - tau) (xi F_2)^2
        + 4 tau F_1 xi F_2 - m^2/(4 M^2) ((F_1 + xi F_2)^2 + (F_A + 2 F_P)^2
        - (Q^2/M^2 + 4) F_P^2)],
    B = (Q^2/M^2) F_A (F_1 + xi F_2),   C = (F_A^2 + F_1^2 + tau (xi F_2)^2)/4,

with k.P = M E_nu for a nucleon at rest, the form factors of :mod:`.form_factors` (F_A > 0
convention) and cos theta_C = |V_ud|. As E_nu -> infinity, sigma -> (G_F^2 cos^2 theta_C /
2 pi) int_0^inf (F_A^2 + F_1^2 + tau (xi F_2)^2) dQ^2 (the C term alone), the asymptote the tests
compare with.

Nucleus: relativistic Fermi gas [R. A. Smith, E. J. Moniz, Nucl. Phys. B 43 (1972) 605] in its
Monte Carlo form: the struck nucleon has a momentum p uniform in the Fermi sphere |p| < k_F and
the off-shell four-momentum P = (sqrt(M^2 + p^2) - E_b, p); the lepton is produced in the
(k + P) centre-of-mass frame with the final nucleon on shell; the cross section is the free
formula with k.P of the bound nucleon (de Forest-like off-shell prescription), times the flux
factor k.P/(E_nu P^0) of a moving target; Pauli blocking rejects final nucleons with
|p'| < k_F. In the local Fermi gas (``fermi_gas="local"``) the interaction radius r is drawn
from the nuclear density and k_F(r) of the struck species replaces k_F
(:func:`nuportal.interactions.targets.fermi_momentum_profile`). k_F, E_b per nucleus:
:mod:`nuportal.interactions.targets`.

Sampling (vectorized, one weighted event per neutrino energy): Q^2 is drawn from
(1 + Q^2/Lambda^2)^-2, Lambda^2 = 1 GeV^2, on the kinematic range, mapped to the CM polar angle,
the azimuth uniformly; the weight is dsigma/dQ^2 / g(Q^2) x flux factor x Pauli x (number of
target nucleons of the struck species), an unbiased estimate of sigma per nucleus [cm^2].

RPA-like suppression (``rpa_strength`` s, default 0): weights x [1 + s (R(Q^2) - 1)] with the
Bernstein-polynomial "BeRPA" form of T2K [K. Abe et al. (T2K), Phys. Rev. D 96 (2017) 092006,
arXiv:1707.01048, sec. IV.A]: R = A(1-x)^3 + 3B(1-x)^2 x + 3C(1-x) x^2 + D x^3, x = Q^2/U for
Q^2 < U, R = 1 above, with A = 0.59, B = 1.05, C = 1.13, D = 1, U = 1.2 GeV^2 (central values
as remembered, not re-read in this session; D = 1 drops the tail term).

Units: GeV, GeV^2; cross sections in cm^2.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from nuportal import constants
from nuportal._validation import RngLike, as_rng
from nuportal.interactions import form_factors as ff
from nuportal.interactions.nu_electron import GEV2_TO_CM2
from nuportal.interactions.targets import (
    NucleusParameters,
    density_radius_cdf,
    fermi_momentum_profile,
    nucleus_parameters,
)

__all__ = [
    "BERPA",
    "CCQEKinematics",
    "free_differential_cross_section",
    "free_total_cross_section",
    "high_energy_limit",
    "nuclear_total_cross_section",
    "rpa_ratio",
    "sample_ccqe",
    "sample_ccqe_arrays",
    "total_cross_section",
]

M_N: float = ff.M_NUCLEON
M_PROTON: float = constants.mass("p")
M_NEUTRON: float = constants.mass("n")
_G2 = constants.G_FERMI**2 * constants.CKM_VUD**2
_LAMBDA2 = 1.0  # GeV^2, importance density of Q^2
#: BeRPA parameters (A, B, C, D, U [GeV^2]), module docstring.
BERPA: tuple[float, float, float, float, float] = (0.59, 1.05, 1.13, 1.0, 1.2)
_LEPTON = {12: constants.M_ELECTRON, 14: constants.M_MUON, 16: constants.M_TAU}

FermiGas = Literal["global", "local"]

#: Model parameters the CCQE functions take (keyword arguments).
PARAMETERS: tuple[str, ...] = (
    "M_A_QE",
    "axial",
    "vector",
    "fermi_gas",
    "kF",
    "E_b",
    "kF_scale",
    "E_b_shift",
    "rpa_strength",
    "pauli_blocking",
)


def _check_pdg(nu_pdg: int) -> int:
    p = int(nu_pdg)
    if p not in _LEPTON and -p not in _LEPTON:
        raise ValueError(f"nu_pdg must be one of 12, 14, 16, -12, -14, -16, got {nu_pdg!r}")
    return p


def _check_energy(E_nu: ArrayLike) -> NDArray[np.float64]:
    e = np.asarray(E_nu, dtype=float)
    if np.any(~np.isfinite(e)) or np.any(e <= 0.0):
        raise ValueError(f"E_nu must be finite and > 0 GeV, got {E_nu!r}")
    return e


def _check_ma(M_A: float) -> float:
    v = float(M_A)
    if not (np.isfinite(v) and 0.2 <= v <= 5.0):
        raise ValueError(f"M_A must be finite and in [0.2, 5] GeV, got {M_A!r}")
    return v


def lepton_mass(nu_pdg: int) -> float:
    """Charged-lepton mass [GeV] of the CC partner of ``nu_pdg``."""
    return _LEPTON[abs(_check_pdg(nu_pdg))]


def _bracket(
    Q2: NDArray[np.float64],
    kP: NDArray[np.float64],
    m: float,
    sign: float,
    M_A: float,
    axial: str,
    vector: str,
) -> NDArray[np.float64]:
    """dsigma/dQ^2 [cm^2/GeV^2] of the module docstring at Q^2 and k.P (vectorized)."""
    f = ff.cc_form_factors(Q2, M_A=M_A, axial=axial, vector=vector)
    return _bracket_ff(Q2, kP, m, sign, f.F1, f.F2, f.FA, f.FP)


def _bracket_ff(
    Q2: NDArray,
    kP: NDArray,
    m: float,
    sign: float,
    f1: NDArray,
    f2: NDArray,
    fa: NDArray,
    fp: NDArray,
) -> NDArray[np.float64]:
    """:func:`_bracket` with the form factors given."""
    m2, M2 = m * m, M_N * M_N
    tau = Q2 / (4.0 * M2)
    a = (
        (1.0 + tau) * fa * fa
        - (1.0 - tau) * f1 * f1
        + tau * (1.0 - tau) * f2 * f2
        + 4.0 * tau * f1 * f2
    )
    if m2 > 0.0:
        a = a - m2 / (4.0 * M2) * (
            (f1 + f2) ** 2 + (fa + 2.0 * fp) ** 2 - (Q2 / M2 + 4.0) * fp * fp
        )
    a = a * (m2 + Q2) / M2
    b = Q2 / M2 * fa * (f1 + f2)
    c = 0.25 * (fa * fa + f1 * f1 + tau * f2 * f2)
    su = (4.0 * kP - Q2 - m2) / M2
    val = a + sign * b * su + c * su * su
    pref = _G2 * M2 * M2 / (8.0 * np.pi * kP * kP) * GEV2_TO_CM2
    return np.maximum(pref * val, 0.0)


def _q2_range(s: NDArray, P2: NDArray, m: float, Mf: float) -> tuple[NDArray, NDArray, NDArray]:
    """(Q2_min, Q2_max, open) for nu + P -> l + N' at invariant mass^2 s (massless nu)."""
    rs = np.sqrt(np.maximum(s, 0.0))
    open_ = rs > m + Mf
    rs = np.where(open_, rs, m + Mf + 1.0)
    ek = (rs * rs - P2) / (2.0 * rs)
    el = (rs * rs + m * m - Mf * Mf) / (2.0 * rs)
    pl = np.sqrt(np.maximum(el * el - m * m, 0.0))
    return -m * m + 2.0 * ek * (el - pl), -m * m + 2.0 * ek * (el + pl), open_


def free_differential_cross_section(
    E_nu: ArrayLike,
    Q2: ArrayLike,
    nu_pdg: int,
    *,
    M_A: float = ff.M_A_DEFAULT,
    axial: Literal["dipole", "z_expansion"] = "dipole",
    vector: Literal["bbba05", "dipole"] = "bbba05",
) -> NDArray[np.float64]:
    """Free-nucleon dsigma/dQ^2 [cm^2/GeV^2] (nu on n, nubar on p; 0 outside the kinematic range).

    Parameters
    ----------
    E_nu : array_like
        Neutrino energy [GeV] in the nucleon rest frame.
    Q2 : array_like
        Four-momentum transfer squared [GeV^2] (broadcast with E_nu).
    nu_pdg : int
        Neutrino species (PDG code; negative for antineutrinos).
    M_A, axial, vector
        Form factors (:func:`nuportal.interactions.form_factors.cc_form_factors`).
    """
    p = _check_pdg(nu_pdg)
    e = _check_energy(E_nu)
    q2 = np.asarray(Q2, dtype=float)
    if np.any(~np.isfinite(q2)):
        raise ValueError(f"Q2 must be finite (GeV^2), got {Q2!r}")
    e, q2 = np.broadcast_arrays(e, q2)
    m = lepton_mass(p)
    lo, hi, open_ = _q2_range(M_N * M_N + 2.0 * M_N * e, np.full_like(e, M_N * M_N), m, M_N)
    inside = open_ & (q2 >= lo) & (q2 <= hi)
    q2c = np.clip(q2, 0.0, None)
    val = _bracket(q2c, M_N * e, m, 1.0 if p > 0 else -1.0, _check_ma(M_A), axial, vector)
    return np.where(inside, val, 0.0)


_GLX, _GLW = np.polynomial.legendre.leggauss(96)


def free_total_cross_section(
    E_nu: ArrayLike,
    nu_pdg: int,
    *,
    M_A: float = ff.M_A_DEFAULT,
    axial: Literal["dipole", "z_expansion"] = "dipole",
    vector: Literal["bbba05", "dipole"] = "bbba05",
) -> NDArray[np.float64] | float:
    """Free-nucleon sigma(E_nu) [cm^2 per target nucleon]: 96-point Gauss-Legendre in
    x = Q^2/(Q^2 + 1 GeV^2) over the kinematic range (0 below threshold)."""
    p = _check_pdg(nu_pdg)
    e = np.atleast_1d(_check_energy(E_nu)).astype(float)
    m = lepton_mass(p)
    lo, hi, open_ = _q2_range(M_N * M_N + 2.0 * M_N * e, np.full_like(e, M_N * M_N), m, M_N)
    xlo, xhi = lo / (lo + 1.0), hi / (hi + 1.0)
    half = 0.5 * (xhi - xlo)
    x = xlo[:, None] + half[:, None] * (_GLX + 1.0)
    q2 = x / (1.0 - x)
    jac = 1.0 / (1.0 - x) ** 2
    ds = _bracket(q2, M_N * e[:, None], m, 1.0 if p > 0 else -1.0, _check_ma(M_A), axial, vector)
    out = np.where(open_, half * np.sum(ds * jac * _GLW, axis=1), 0.0)
    return float(out[0]) if np.ndim(E_nu) == 0 else out


def high_energy_limit(
    *, M_A: float = ff.M_A_DEFAULT, axial: str = "dipole", vector: str = "bbba05"
) -> float:
    """lim sigma (E -> inf) = G_F^2 cos^2 theta_C/(2 pi) int (F_A^2 + F_1^2 + tau xi^2 F_2^2) dQ^2
    [cm^2] (module docstring), by scipy quadrature in Q^2 on [0, inf)."""
    from scipy import integrate

    def integrand(q2: float) -> float:
        f = ff.cc_form_factors(q2, M_A=M_A, axial=axial, vector=vector)
        return float(f.FA**2 + f.F1**2 + q2 / (4 * M_N**2) * f.F2**2)

    val, _ = integrate.quad(integrand, 0.0, np.inf, limit=400, epsabs=0, epsrel=1e-10)
    return _G2 / (2.0 * np.pi) * val * GEV2_TO_CM2


def rpa_ratio(Q2: ArrayLike, strength: float = 1.0) -> NDArray[np.float64]:
    """1 + strength (R(Q^2) - 1) with the BeRPA R (module docstring); Q^2 [GeV^2]."""
    a, b, c, d, u = BERPA
    q2 = np.asarray(Q2, dtype=float)
    x = np.clip(q2 / u, 0.0, 1.0)
    r = a * (1 - x) ** 3 + 3 * b * (1 - x) ** 2 * x + 3 * c * (1 - x) * x * x + d * x**3
    r = np.where(q2 < u, r, 1.0)
    return 1.0 + float(strength) * (r - 1.0)


# ---------------------------------------------------------------- nuclear sampler
class CCQEKinematics(dict):
    """Arrays of one CCQE sample (dict of name -> ndarray): ``weight`` [cm^2 per nucleus],
    ``Q2``, ``lep`` (N, 4), ``nuc_in`` (N, 4) (off-shell), ``nuc_out`` (N, 4), ``kF``, ``pF``."""


def _nucleons(t: NucleusParameters, nu_pdg: int) -> tuple[int, int, float, float]:
    """(struck pdg, final pdg, count of struck nucleons, final mass)."""
    if nu_pdg > 0:
        return 2112, 2212, t.N, M_PROTON
    return 2212, 2112, t.Z, M_NEUTRON


def _params(params: dict) -> dict:
    out = {
        "M_A_QE": _check_ma(params.get("M_A_QE", ff.M_A_DEFAULT)),
        "axial": params.get("axial", "dipole"),
        "vector": params.get("vector", "bbba05"),
        "fermi_gas": params.get("fermi_gas", "global"),
        "rpa_strength": float(params.get("rpa_strength", 0.0)),
        "pauli_blocking": bool(params.get("pauli_blocking", True)),
    }
    if out["fermi_gas"] not in ("global", "local"):
        raise ValueError(f"fermi_gas must be 'global' or 'local', got {out['fermi_gas']!r}")
    if not (np.isfinite(out["rpa_strength"]) and 0.0 <= out["rpa_strength"] <= 2.0):
        raise ValueError(f"rpa_strength must be in [0, 2], got {params.get('rpa_strength')!r}")
    return out


def _target(target: str | NucleusParameters, params: dict) -> NucleusParameters:
    t = nucleus_parameters(target)
    kf, eb = params.get("kF"), params.get("E_b")
    scale, shift = params.get("kF_scale"), params.get("E_b_shift")
    if t.is_free or (kf is None and eb is None and scale is None and shift is None):
        return t
    kf = t.kF if kf is None else float(kf)
    eb = t.E_b if eb is None else float(eb)
    if scale is not None:
        if not (np.isfinite(float(scale)) and 0.5 <= float(scale) <= 1.5):
            raise ValueError(f"kF_scale must be finite and in [0.5, 1.5], got {scale!r}")
        kf *= float(scale)
    if shift is not None:
        if not (np.isfinite(float(shift)) and abs(float(shift)) <= 0.05):
            raise ValueError(f"E_b_shift must be finite and in [-0.05, 0.05] GeV, got {shift!r}")
        eb += float(shift)
    if not (np.isfinite(kf) and 0.0 < kf < 0.6):
        raise ValueError(f"kF must be finite and in (0, 0.6) GeV, got {kf!r}")
    if not (np.isfinite(eb) and 0.0 <= eb < 0.1):
        raise ValueError(f"E_b must be finite and in [0, 0.1) GeV, got {eb!r}")
    return NucleusParameters(t.name, t.Z, t.N, t.mass, kf, eb)


def sample_ccqe_arrays(
    E_nu: ArrayLike,
    nu_pdg: int,
    target: str | NucleusParameters,
    rng: RngLike = None,
    **params: object,
) -> CCQEKinematics:
    """Core vectorized sampler: one weighted CCQE event per entry of ``E_nu`` (lab, nu along +z).

    Parameters
    ----------
    E_nu : array_like
        Neutrino energies [GeV].
    nu_pdg : int
        Neutrino species.
    target : str or NucleusParameters
        ``"C12"``, ``"O16"``, ``"Ar40"``, ``"H1"`` (free proton: antineutrinos only).
    rng : numpy.random.Generator or int or None
    **params
        ``M_A_QE`` [GeV], ``axial``, ``vector``, ``fermi_gas`` ("global"/"local"), ``kF``,
        ``E_b`` [GeV] (override the target's), ``kF_scale`` (x k_F, in [0.5, 1.5]),
        ``E_b_shift`` [GeV] (+ E_b, |shift| <= 0.05), ``rpa_strength``, ``pauli_blocking``
        (default True; False only for tests of the high-energy limit).

    Returns
    -------
    CCQEKinematics
        Weights have mean sigma(E_nu) [cm^2 per nucleus]; weight 0 for Pauli-blocked or
        below-threshold draws.
    """
    gen = as_rng(rng)
    p = _check_pdg(nu_pdg)
    par = _params(params)
    t = _target(target, params)
    e = np.atleast_1d(_check_energy(E_nu)).astype(float, copy=False).ravel()
    u = gen.random((6, e.size))
    if e.size <= _BLOCK:
        return _core(e, u, p, par, t)
    # blocks that fit in the CPU cache (same random numbers, same result as one block)
    parts = [
        _core(e[i : i + _BLOCK], u[:, i : i + _BLOCK], p, par, t) for i in range(0, e.size, _BLOCK)
    ]
    out = CCQEKinematics({k: parts[0][k] for k in ("hit", "out_pdg")})
    for key in parts[0]:
        if key not in out:
            out[key] = np.concatenate([q[key] for q in parts])
    return out


_BLOCK = 1 << 15


def _core(e: NDArray, u: NDArray, p: int, par: dict, t: NucleusParameters) -> CCQEKinematics:
    n = e.size
    m = lepton_mass(p)
    hit, out_pdg, count, Mf = _nucleons(t, p)
    Mi = M_NEUTRON if hit == 2112 else M_PROTON
    # struck nucleon momentum: uniform in the (local) Fermi sphere
    if t.is_free:
        kf = np.zeros(n)
        px = py = pz = p2 = np.zeros(n)
        eb = 0.0
    else:
        if par["fermi_gas"] == "local":
            r_grid, cdf = density_radius_cdf(t)
            kf = fermi_momentum_profile(t, np.interp(u[0], cdf, r_grid), hit)
        else:
            kf = np.full(n, t.kF)
        pmag = kf * np.cbrt(u[1])
        cth = 2.0 * u[2] - 1.0
        sth = np.sqrt(1.0 - cth * cth)
        ph = 2.0 * np.pi * u[3]
        px, py, pz = pmag * sth * np.cos(ph), pmag * sth * np.sin(ph), pmag * cth
        p2 = pmag * pmag
        eb = t.E_b
    P0 = np.sqrt(Mi * Mi + p2) - eb
    Pm2 = P0 * P0 - p2
    kP = e * (P0 - pz)
    s = Pm2 + 2.0 * kP
    lo, hi, open_ = _q2_range(s, Pm2, m, Mf)
    lo = np.maximum(lo, 0.0)
    hi = np.maximum(hi, lo)
    # Q^2 from (1 + Q^2/L)^-2 on [lo, hi]
    ylo, yhi = 1.0 / (1.0 + lo / _LAMBDA2), 1.0 / (1.0 + hi / _LAMBDA2)
    y = ylo - u[4] * (ylo - yhi)
    q2 = _LAMBDA2 * (1.0 / y - 1.0)
    g = y * y / (_LAMBDA2 * np.maximum(ylo - yhi, 1e-300))  # normalized density of Q^2
    # lepton in the (k + P) centre-of-mass frame; beta = (p + k z_hat) / (E + P0)
    s_ok = np.where(open_, s, (m + Mf + 1.0) ** 2)
    rs = np.sqrt(s_ok)
    etot = e + P0
    bx, by, bz = px / etot, py / etot, (pz + e) / etot
    gam = etot / rs
    # neutrino (e, 0, 0, e) boosted by -beta: direction of k in the CM
    bk = bz * e
    c1 = gam * gam / (gam + 1.0) * bk - gam * e
    kx, ky, kz = c1 * bx, c1 * by, e + c1 * bz
    kn = np.sqrt(kx * kx + ky * ky + kz * kz)
    ax, ay, az = kx / kn, ky / kn, kz / kn
    ek = (s_ok - Pm2) / (2.0 * rs)
    el = (s_ok + m * m - Mf * Mf) / (2.0 * rs)
    pl = np.sqrt(np.maximum(el * el - m * m, 0.0))
    ct = np.clip((el - (q2 + m * m) / (2.0 * ek)) / np.maximum(pl, 1e-300), -1.0, 1.0)
    st = np.sqrt(1.0 - ct * ct)
    phi = 2.0 * np.pi * u[5]
    cp, sp = np.cos(phi), np.sin(phi)
    rho = np.sqrt(ax * ax + ay * ay)
    good = rho > 1e-12
    rinv = 1.0 / np.where(good, rho, 1.0)
    e1x, e1y = np.where(good, ay * rinv, 1.0), np.where(good, -ax * rinv, 0.0)
    e2x = np.where(good, az * ax * rinv, 0.0)
    e2y = np.where(good, az * ay * rinv, az)
    e2z = np.where(good, -rho, 0.0)
    a1, a2 = pl * st * cp, pl * st * sp
    lx = pl * ct * ax + a1 * e1x + a2 * e2x
    ly = pl * ct * ay + a1 * e1y + a2 * e2y
    lz = pl * ct * az + a2 * e2z
    # boost the lepton back to the lab by +beta
    bl = bx * lx + by * ly + bz * lz
    c2 = gam * gam / (gam + 1.0) * bl + gam * el
    lep = np.empty((n, 4))
    lep[:, 0] = gam * (el + bl)
    lep[:, 1] = lx + c2 * bx
    lep[:, 2] = ly + c2 * by
    lep[:, 3] = lz + c2 * bz
    nuc_out = np.empty((n, 4))
    nuc_out[:, 0] = etot - lep[:, 0]
    nuc_out[:, 1] = px - lep[:, 1]
    nuc_out[:, 2] = py - lep[:, 2]
    nuc_out[:, 3] = pz + e - lep[:, 3]
    sign = 1.0 if p > 0 else -1.0
    ds = _bracket(q2, kP, m, sign, par["M_A_QE"], par["axial"], par["vector"])
    w = ds / g * (kP / (e * P0)) * count
    if par["rpa_strength"] != 0.0:
        w = w * rpa_ratio(q2, par["rpa_strength"])
    ok = open_ & (hi > lo)
    if not t.is_free and par["pauli_blocking"]:
        pout2 = nuc_out[:, 1] ** 2 + nuc_out[:, 2] ** 2 + nuc_out[:, 3] ** 2
        ok &= pout2 > kf * kf
    w = np.where(ok, w, 0.0)
    nuc_in = np.empty((n, 4))
    nuc_in[:, 0], nuc_in[:, 1], nuc_in[:, 2], nuc_in[:, 3] = P0, px, py, pz
    return CCQEKinematics(
        weight=w,
        Q2=q2,
        lep=lep,
        nuc_in=nuc_in,
        nuc_out=nuc_out,
        kF=kf,
        pF=np.sqrt(p2),
        E_b=np.full(n, eb),
        hit=hit,
        out_pdg=out_pdg,
        E_nu=e,
    )


def nuclear_total_cross_section(
    E_nu: ArrayLike,
    nu_pdg: int,
    target: str | NucleusParameters,
    *,
    n_samples: int = 20000,
    seed: int = 12345,
    **params: object,
) -> NDArray[np.float64] | float:
    """sigma(E_nu) [cm^2 per nucleus] on a Fermi gas: mean sampler weight over ``n_samples``
    draws (fixed seed, so smooth in E_nu; relative MC error ~ 1/sqrt(n_samples)). Free targets
    use the quadrature of :func:`free_total_cross_section`."""
    e = np.atleast_1d(_check_energy(E_nu)).astype(float)
    t = _target(target, params)
    p = _check_pdg(nu_pdg)
    par = _params(params)
    if t.is_free:
        if p > 0:
            out = np.zeros_like(e)
        else:
            out = free_total_cross_section(
                e, p, M_A=par["M_A_QE"], axial=par["axial"], vector=par["vector"]
            )
            if par["rpa_strength"] != 0.0:
                raise ValueError("rpa_strength applies to nuclear targets only (got H1)")
    else:
        out = np.empty_like(e)
        for i, ei in enumerate(e):
            k = sample_ccqe_arrays(np.full(n_samples, ei), p, target, seed, **params)
            out[i] = k["weight"].mean()
    return float(out[0]) if np.ndim(E_nu) == 0 else out


@lru_cache(maxsize=64)
def _sigma_grid(nu_pdg: int, target: str, key: tuple) -> tuple[NDArray, NDArray]:
    params = dict(key)
    grid = np.geomspace(0.05, 200.0, 70)
    return grid, nuclear_total_cross_section(grid, nu_pdg, target, n_samples=10000, **params)


def total_cross_section(
    E_nu: ArrayLike, nu_pdg: int, target: str = "C12", **params: object
) -> NDArray[np.float64] | float:
    """sigma(E_nu) [cm^2 per nucleus] of CCQE (process interface): interpolated (log-log) on a
    cached grid of :func:`nuclear_total_cross_section` (70 energies 0.05-200 GeV, 10^4 draws
    each with a common seed: ~1% correlated MC error; constant above 200 GeV).

    Parameters
    ----------
    E_nu : array_like
        [GeV].
    nu_pdg : int
    target : str
        Nucleus name.
    **params
        As for :func:`sample_ccqe_arrays` (unknown keys ignored).
    """
    e = _check_energy(E_nu)
    key = tuple(sorted((k, v) for k, v in params.items() if k in PARAMETERS))
    t = nucleus_parameters(target)
    grid, sig = _sigma_grid(_check_pdg(nu_pdg), t.name, key)
    pos = sig > 0
    if not pos.any():
        out = np.zeros_like(e, dtype=float)
    else:
        lg = np.interp(np.log(e), np.log(grid[pos]), np.log(sig[pos]), left=-np.inf, right=-np.inf)
        out = np.where(e >= grid[pos][0], np.exp(lg), 0.0)
        out = np.where(e > grid[-1], sig[-1], out)
    return float(out) if np.ndim(out) == 0 else out


def sample_ccqe(
    E_nu: ArrayLike,
    nu_pdg: int,
    target: str,
    rng: RngLike = None,
    **params: object,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """CCQE events (process interface): events and particles tables, ``weight`` [cm^2/nucleus].

    See :func:`sample_ccqe_arrays` for the parameters. Particles: the charged lepton and the
    final nucleon (status 1).
    """
    p = _check_pdg(nu_pdg)
    k = sample_ccqe_arrays(E_nu, p, target, rng, **params)
    e = k["E_nu"]
    n = e.size
    lep, nin, nout = k["lep"], k["nuc_in"], k["nuc_out"]
    q0 = e - lep[:, 0]
    q3 = np.sqrt(lep[:, 1] ** 2 + lep[:, 2] ** 2 + (e - lep[:, 3]) ** 2)
    lep_pdg = (np.sign(p) * (abs(p) - 1)).astype(np.int64)
    events = pd.DataFrame(
        {
            "nu_pdg": np.full(n, p, dtype=np.int64),
            "E_nu": e,
            "target": nucleus_parameters(target).name,
            "hit_nucleon_pdg": np.full(n, k["hit"], dtype=np.int64),
            "mode": "ccqe",
            "cc": np.ones(n, dtype=bool),
            "weight": k["weight"],
            "q0": q0,
            "q3": q3,
            "Q2": k["Q2"],
            "W": np.sqrt(np.maximum(nout[:, 0] ** 2 - np.sum(nout[:, 1:] ** 2, axis=1), 0.0)),
            "x": k["Q2"] / (2.0 * M_N * np.maximum(q0, 1e-12)),
            "y": q0 / e,
            "lep_pdg": np.full(n, lep_pdg, dtype=np.int64),
            "lep_E": lep[:, 0],
            "lep_px": lep[:, 1],
            "lep_py": lep[:, 2],
            "lep_pz": lep[:, 3],
            "pF": k["pF"],
            "nuc_px": nin[:, 1],
            "nuc_py": nin[:, 2],
            "nuc_pz": nin[:, 3],
            "E_b": k["E_b"],
            "kF": k["kF"],
        }
    )
    mom = np.empty((2 * n, 4))
    mom[0::2], mom[1::2] = lep, nout
    particles = pd.DataFrame(
        {
            "event": np.repeat(np.arange(n), 2),
            "pdg": np.tile([lep_pdg, k["out_pdg"]], n).astype(np.int64),
            "E": mom[:, 0],
            "px": mom[:, 1],
            "py": mom[:, 2],
            "pz": mom[:, 3],
            "status": np.ones(2 * n, dtype=np.int64),
        }
    )
    return events, particles


def weight_ratio_ma(df: pd.DataFrame, M_A_old: float, M_A_new: float, **params: object) -> NDArray:
    """dsigma(M_A_new)/dsigma(M_A_old) per CCQE event from its stored kinematics (1 elsewhere).

    Uses ``E_nu``, ``Q2``, ``nuc_pz``, ``pF``, ``E_b`` and ``nu_pdg`` (k.P of the bound nucleon).
    """
    w = np.ones(len(df))
    sel = ((df["mode"] == "ccqe").to_numpy()) & (df["weight"].to_numpy() > 0)
    if not sel.any():
        return w

    def col(name: str) -> NDArray:
        return df[name].to_numpy()[sel]

    e, q2, pdg = col("E_nu"), col("Q2"), col("nu_pdg")
    mi = np.where(pdg > 0, M_NEUTRON, M_PROTON)
    p0 = np.sqrt(mi * mi + col("pF") ** 2) - col("E_b")
    kP = e * (p0 - col("nuc_pz"))
    axial = str(params.get("axial", "dipole"))
    vector = str(params.get("vector", "bbba05"))
    # the vector form factors do not depend on M_A: evaluate them once
    f = ff.cc_form_factors(q2, M_A=M_A_old, axial=axial, vector=vector)
    if axial == "dipole":
        fa_new = ff.axial_dipole(q2, M_A_new)
        fp_new = ff.pseudoscalar(q2, fa_new)
    else:  # the z expansion does not depend on M_A
        fa_new, fp_new = f.FA, f.FP
    r = np.ones(q2.size)
    for code in np.unique(pdg):
        mk = pdg == code
        m = lepton_mass(int(code))
        sign = 1.0 if code > 0 else -1.0
        args = (q2[mk], kP[mk], m, sign, f.F1[mk], f.F2[mk])
        new = _bracket_ff(*args, fa_new[mk], fp_new[mk])
        old = _bracket_ff(*args, f.FA[mk], f.FP[mk])
        r[mk] = np.where(old > 0, new / np.where(old > 0, old, 1.0), 1.0)
    w[sel] = r
    return w


def _gen_params(df: pd.DataFrame) -> dict:
    return dict(df.attrs.get("params") or {})


def _knob_ma(df: pd.DataFrame, value: float) -> NDArray:
    par = _gen_params(df)
    old = float(par.get("M_A_QE", ff.M_A_DEFAULT))
    return weight_ratio_ma(df, old, _check_ma(value), **par)


def _knob_rpa(df: pd.DataFrame, value: float) -> NDArray:
    par = _gen_params(df)
    old = float(par.get("rpa_strength", 0.0))
    w = np.ones(len(df))
    sel = (df["mode"] == "ccqe").to_numpy()
    q2 = df["Q2"].to_numpy()[sel]
    den = rpa_ratio(q2, old)
    w[sel] = np.where(den > 0, rpa_ratio(q2, value) / np.where(den > 0, den, 1.0), 1.0)
    return w


def _sigma_ratio_knob(name: str):
    def weight(df: pd.DataFrame, value: float) -> NDArray:
        par = _gen_params(df)
        base = {k: v for k, v in par.items() if k in PARAMETERS}
        new = {**base, name: float(value)}
        w = np.ones(len(df))
        sel = ((df["mode"] == "ccqe").to_numpy()) & ((df["target"] != "H1").to_numpy())
        if not sel.any():
            return w
        sub = df.loc[sel, ["E_nu", "nu_pdg", "target"]]
        r = np.ones(len(sub))
        keys = sub.groupby(["nu_pdg", "target"]).indices
        e = sub["E_nu"].to_numpy()
        for (pdg, tgt), idx in keys.items():
            s_old = total_cross_section(e[idx], int(pdg), str(tgt), **base)
            s_new = total_cross_section(e[idx], int(pdg), str(tgt), **new)
            r[idx] = np.where(s_old > 0, s_new / np.where(s_old > 0, s_old, 1.0), 1.0)
        w[sel] = r
        return w

    return weight


def _register() -> None:
    from nuportal.interactions.processes import Process, register_process
    from nuportal.interactions.reweight import Knob, register_knob

    register_knob(
        Knob(
            "M_A_QE",
            ff.M_A_DEFAULT,
            0.10,
            "GeV",
            "CCQE axial dipole mass: ratio of Llewellyn Smith dsigma/dQ^2 at the event's Q^2, k.P",
            _knob_ma,
            0.2,
            5.0,
        )
    )
    register_knob(
        Knob(
            "rpa_strength",
            0.0,
            1.0,
            "1",
            "strength of the BeRPA Q^2 suppression of CCQE (T2K arXiv:1707.01048); 0 off, 1 full",
            _knob_rpa,
            0.0,
            2.0,
        )
    )
    register_knob(
        Knob(
            "kF_scale",
            1.0,
            0.1,
            "1",
            "Fermi momentum scale of the CCQE Fermi gas: ratio of sigma(E_nu) (normalization only)",
            _sigma_ratio_knob("kF_scale"),
            0.5,
            1.5,
        )
    )
    register_knob(
        Knob(
            "E_b_shift",
            0.0,
            0.01,
            "GeV",
            "binding-energy shift of the CCQE Fermi gas: ratio of sigma(E_nu) (normalization only)",
            _sigma_ratio_knob("E_b_shift"),
            -0.05,
            0.05,
        )
    )

    register_process(
        Process(
            name="ccqe",
            sample=sample_ccqe,
            total_cross_section=total_cross_section,
            mode="ccqe",
            doc="CCQE: Llewellyn Smith (BBBA05, dipole M_A) on a Smith-Moniz Fermi gas",
            weighted=True,
        )
    )


_register()
