"""Multiple Coulomb scattering of charged shower particles: Highland width, Moliere distribution.

Highland-Lynch-Dahl width of the plane-projected angle (central 98 %):

    theta_0 = (13.6 MeV / (beta c p)) |z| sqrt(x/X0) [1 + 0.038 ln(x z^2 / (X0 beta^2))],

accurate to ~11 % for 1e-3 < x/X0 < 100. With ``model="highland"`` the space-angle deflection is
a Gaussian in the two projected angles with width theta_0 each (no single-scattering tail).

Moliere theory in Bethe's form (small angles, charge 1, element Z, n_A atoms/cm^3, step x):

    chi_c^2 = 4 pi n_A x Z (Z + 1) r_e^2 m_e^2 / (p beta)^2,
    chi_a^2 = chi_0^2 (1.13 + 3.76 (Z alpha/beta)^2),  chi_0 = hbar c / (p 0.885 a_0 Z^(-1/3)),
    b = ln(chi_c^2 / (1.167 chi_a^2)),  B - ln B = b,
    f(theta) theta dtheta = v dv [f0(v) + f1(v)/B + f2(v)/B^2],  v = theta / (chi_c sqrt(B)),
    f_n(v) = (1/n!) int_0^inf u du J0(v u) exp(-u^2/4) [(u^2/4) ln(u^2/4)]^n,  f0 = 2 exp(-v^2),

with a_0 = r_e/alpha^2 the Bohr radius. The expansion needs B >~ 4.5 (about 20 or more
collisions); thinner steps fall back to the Highland Gaussian.

References
----------
V. L. Highland, Nucl. Instrum. Methods 129 (1975) 497; G. R. Lynch, O. I. Dahl, Nucl. Instrum.
Methods B 58 (1991) 6; PDG RPP 2018 Eq. (33.15) ("Passage of particles through matter",
multiple scattering). G. Moliere, Z. Naturforsch. 3a (1948) 78; H. A. Bethe,
Phys. Rev. 89 (1953) 1256 (the form above, B - ln B = b, the functions f_n); B. Gottschalk et al.,
Nucl. Instrum. Methods B 74 (1993) 467 (chi_c, chi_a in practical form).
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import j0, j1

from nuportal._validation import as_rng, scalar_or_array
from nuportal.sources.shower.materials import Material, resolve_material
from nuportal.sources.shower.qed_constants import (
    ALPHA,
    CLASSICAL_ELECTRON_RADIUS,
    HBARC_GEV_CM,
    M_E,
)
from nuportal.sources.shower.sm_tabulation import gauss_legendre

__all__ = [
    "highland_theta0",
    "moliere_functions",
    "moliere_parameters",
    "sample_deflection",
    "sample_moliere_angle",
]

_HIGHLAND_SCALE = 13.6e-3  # GeV
#: Smallest B of the Moliere expansion (Bethe 1953: about 20 collisions or more).
MOLIERE_MIN_B: float = 4.5
_V_MAX = 20.0  # reduced angle beyond which the Rutherford tail 1 - F ~ c/v^2 is used
_S_MAX = 13.0  # -ln(1 - u) covered by the inverse table


def _positive(value: ArrayLike, name: str, unit: str, allow_zero: bool = False) -> NDArray:
    v = np.asarray(value, dtype=float)
    ok = np.isfinite(v) & ((v >= 0.0) if allow_zero else (v > 0.0))
    if not np.all(ok):
        rng = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be finite and {rng} {unit}, got {v[~ok].ravel()[:3]!r}")
    return v


def highland_theta0(
    momentum: ArrayLike,
    beta: ArrayLike,
    thickness_cm: ArrayLike,
    radiation_length_cm: float,
    charge: float = 1,
) -> NDArray[np.float64] | float:
    """Highland width theta_0 [rad] of the plane-projected multiple-scattering angle.

    Parameters
    ----------
    momentum : array_like
        Momentum p [GeV/c].
    beta : array_like
        Velocity v/c, in (0, 1].
    thickness_cm : array_like
        Path length x [cm] (0 gives 0).
    radiation_length_cm : float
        Radiation length X0 of the material [cm].
    charge : float
        Charge number z.

    References
    ----------
    PDG RPP 2018 Eq. (33.15); Lynch & Dahl, NIM B 58 (1991) 6.
    """
    p = _positive(momentum, "momentum", "GeV/c")
    b = _positive(beta, "beta", "")
    if np.any(b > 1.0):
        raise ValueError(f"beta must be in (0, 1], got {b[b > 1.0].ravel()[:3]!r}")
    x = _positive(thickness_cm, "thickness_cm", "cm", allow_zero=True)
    x0 = float(_positive(radiation_length_cm, "radiation_length_cm", "cm"))
    z = abs(float(charge))
    if not (np.isfinite(z) and z > 0.0):
        raise ValueError(f"charge must be finite and non-zero, got {charge!r}")
    t = x / x0
    with np.errstate(divide="ignore", invalid="ignore"):
        theta = (
            _HIGHLAND_SCALE / (b * p) * z * np.sqrt(t) * (1.0 + 0.038 * np.log(t * z * z / b**2))
        )
    return scalar_or_array(np.where(t > 0.0, theta, 0.0))


def sample_deflection(
    momentum: ArrayLike,
    beta: ArrayLike,
    step_cm: ArrayLike,
    radiation_length_cm: float,
    rng: np.random.Generator,
    model: str = "highland",
    material: Material | str | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Sample the space-angle deflection (theta, phi) [rad] after a step of length ``step_cm``.

    Parameters
    ----------
    momentum, beta : array_like
        Momentum [GeV/c] and velocity of the particle (charge 1), broadcast with ``step_cm``.
    step_cm : array_like
        Step length [cm].
    radiation_length_cm : float
        Radiation length [cm].
    rng : numpy.random.Generator
        Random source.
    model : {"highland", "moliere"}
        "highland": Gaussian projected angles of width :func:`highland_theta0`;
        theta = theta_0 sqrt(-2 ln u) (Rayleigh), clipped to pi. Very thin steps (x/X0 < ~1e-3,
        where 1 + 0.038 ln(x/X0) shrinks) and thick ones (theta_0 ~ 1) are outside Highland's
        accuracy. "moliere": Bethe's form of Moliere theory (:func:`sample_moliere_angle`), with
        the single-scattering tail; steps with B < 4.5 (too few collisions) use "highland".
    material : Material or str, optional
        Required for "moliere" (Z and atom density); ``radiation_length_cm`` is then only used
        for the Highland fallback.

    Returns
    -------
    theta, phi : numpy.ndarray
        Polar deflection angle in [0, pi] and azimuth in [0, 2 pi).
    """
    if model not in ("highland", "moliere"):
        raise ValueError(f"model must be 'highland' or 'moliere', got {model!r}")
    rng = as_rng(rng)
    _positive(step_cm, "step_cm", "cm", allow_zero=True)
    theta0 = np.asarray(highland_theta0(momentum, beta, step_cm, radiation_length_cm))
    theta0 = np.maximum(theta0, 0.0)
    u = rng.random((2, *theta0.shape))
    theta = np.minimum(theta0 * np.sqrt(-2.0 * np.log1p(-u[0])), np.pi)
    phi = 2.0 * np.pi * u[1]
    if model == "moliere":
        if material is None:
            raise ValueError("material is required for model='moliere' (Z and atom density)")
        p, b, x = np.broadcast_arrays(
            np.asarray(momentum, float), np.asarray(beta, float), np.asarray(step_cm, float)
        )
        chi_c, big_b = moliere_parameters(p, b, x, material)
        ok = np.broadcast_to(big_b >= MOLIERE_MIN_B, theta.shape)
        if np.any(ok):
            theta = theta.copy()
            theta[ok] = sample_moliere_angle(
                np.broadcast_to(chi_c, theta.shape)[ok],
                np.broadcast_to(big_b, theta.shape)[ok],
                rng,
            )
    return theta, phi


def moliere_parameters(
    momentum: ArrayLike, beta: ArrayLike, step_cm: ArrayLike, material: Material | str
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Moliere's characteristic angle chi_c [rad] and expansion parameter B (charge 1).

    chi_c^2 = 4 pi n_A x Z (Z + 1) r_e^2 m_e^2 / (p beta)^2; chi_a^2 = chi_0^2 (1.13 + 3.76
    (Z alpha/beta)^2), chi_0 = hbar c Z^(1/3) / (0.885 a_0 p); B - ln B = ln(chi_c^2/(1.167
    chi_a^2)) solved by Newton's method (B = 0 where b <= 1.5, i.e. B < 3, outside the theory).

    References
    ----------
    Bethe, Phys. Rev. 89 (1953) 1256; Gottschalk et al., NIM B 74 (1993) 467.
    """
    m = resolve_material(material)
    p = _positive(momentum, "momentum", "GeV/c")
    b = _positive(beta, "beta", "")
    x = _positive(step_cm, "step_cm", "cm", allow_zero=True)
    z = m.Z
    chi_c2 = (
        4.0
        * np.pi
        * m.atom_density
        * x
        * z
        * (z + 1)
        * (CLASSICAL_ELECTRON_RADIUS * M_E / (p * b)) ** 2
    )
    bohr = CLASSICAL_ELECTRON_RADIUS / ALPHA**2
    chi_02 = (HBARC_GEV_CM * z ** (1.0 / 3.0) / (0.885 * bohr * p)) ** 2
    chi_a2 = chi_02 * (1.13 + 3.76 * (z * ALPHA / b) ** 2)
    with np.errstate(divide="ignore"):
        small_b = np.log(chi_c2 / (1.167 * chi_a2))
    safe_b = np.maximum(small_b, 1.5)
    big_b = safe_b + np.log(safe_b) + 1.0  # right of the root: Newton on the convex g converges
    for _ in range(8):  # g(B) = B - ln B - b; to < 1e-12 for b > 3 (B >= 4.5) in 8 steps
        big_b = big_b - (big_b - np.log(big_b) - safe_b) / (1.0 - 1.0 / big_b)
    big_b = np.where(small_b > 1.5, big_b, 0.0)
    return np.sqrt(chi_c2), big_b


def moliere_functions(v: ArrayLike) -> tuple[NDArray, NDArray, NDArray]:
    """Bethe's functions f0, f1, f2 of the reduced angle v (module docstring).

    Computed by 600-point Gauss-Legendre quadrature of the Bessel integrals on u in [0, 12]
    (accurate to ~1e-12 for v <= 20); f0 = 2 exp(-v^2). f1(0) = 0.8456, f2(0) = 2.4929, and
    f1 -> 2/v^4 (Rutherford tail) at large v.

    References
    ----------
    Bethe, Phys. Rev. 89 (1953) 1256.
    """
    v = np.asarray(v, dtype=float)
    x, w = gauss_legendre(600)
    u = 12.0 * x
    w = 12.0 * w
    q = 0.25 * u * u
    base = np.exp(-q) * q * np.log(q) * u
    k = j0(np.outer(v.ravel(), u))
    f1 = (k @ (w * base)).reshape(v.shape)
    f2 = (k @ (w * base * q * np.log(q) / 2.0)).reshape(v.shape)
    return 2.0 * np.exp(-v * v), f1, f2


@cache
def _moliere_cdf_terms() -> tuple[NDArray, NDArray, NDArray]:
    """Reduced-angle grid and the CDF terms F_n(v) = int_0^v f_n v' dv' (n = 1, 2).

    int_0^v J0(v' u) v' dv' = v J1(v u)/u, so F_n(v) = (v/n!) int du J1(v u) exp(-u^2/4)
    [(u^2/4) ln(u^2/4)]^n.
    """
    v = np.concatenate([np.linspace(0.0, 6.0, 601)[:-1], np.geomspace(6.0, _V_MAX, 121)])
    x, w = gauss_legendre(600)
    u = 12.0 * x
    w = 12.0 * w
    q = 0.25 * u * u
    g = np.exp(-q) * q * np.log(q)
    k = j1(np.outer(v, u))
    return v, v * (k @ (w * g)), v * (k @ (w * g * q * np.log(q) / 2.0))


@cache
def _moliere_inverse_table() -> tuple[NDArray, NDArray, NDArray, float, float]:
    """v^2 at s = -ln(1 - u) (uniform in s) for lambda = 1/B on a uniform grid."""
    v, f1, f2 = _moliere_cdf_terms()
    lam = np.linspace(0.0, 1.0 / MOLIERE_MIN_B, 41)
    s = np.linspace(0.0, _S_MAX, 1301)
    table = np.empty((lam.size, s.size))
    for j, la in enumerate(lam):
        cdf = np.maximum.accumulate(1.0 - np.exp(-v * v) + la * f1 + la * la * f2)
        cdf = np.minimum(cdf, np.nextafter(1.0, 0.0))
        s_of_v = -np.log1p(-cdf)
        tail = _V_MAX**2 * (1.0 - cdf[-1])  # 1 - F = tail / v^2 beyond V_MAX
        inside = s <= s_of_v[-1]
        table[j, inside] = np.interp(s[inside], s_of_v, v * v)
        table[j, ~inside] = tail * np.exp(s[~inside])
    return lam, s, table, f1[-1], f2[-1]


def sample_moliere_angle(
    chi_c: ArrayLike, big_b: ArrayLike, rng: np.random.Generator
) -> NDArray[np.float64]:
    """Sample the space angle theta [rad] of Bethe's Moliere distribution (B >= 4.5).

    Inverse-CDF table of the reduced angle v in (1/B, -ln(1 - u)) with bilinear interpolation of
    v^2, the Rutherford tail 1 - F = c(B)/v^2 beyond v = 20, theta = chi_c sqrt(B) v; angles
    above pi (where the small-angle theory fails anyway) are redrawn.
    """
    chi = np.asarray(chi_c, dtype=float).ravel()
    b = np.asarray(big_b, dtype=float).ravel()
    if np.any(b < MOLIERE_MIN_B * (1 - 1e-12)):
        raise ValueError(f"big_b must be >= {MOLIERE_MIN_B}, got min {b.min():g}")
    lam_grid, s_grid, table, f1_end, f2_end = _moliere_inverse_table()
    lam = np.minimum(1.0 / b, lam_grid[-1])
    tail = _V_MAX**2 * (np.exp(-(_V_MAX**2)) - lam * f1_end - lam * lam * f2_end)
    jf = lam / lam_grid[1]
    j = np.minimum(jf.astype(np.intp), lam_grid.size - 2)
    tj = jf - j
    theta = np.empty_like(chi)
    todo = np.arange(chi.size)
    while todo.size:
        s = -np.log1p(-rng.random(todo.size))
        jt, tt = j[todo], tj[todo]
        sf = s / s_grid[1]
        i = np.minimum(sf.astype(np.intp), s_grid.size - 2)
        ti = sf - i
        v2 = (1 - tt) * ((1 - ti) * table[jt, i] + ti * table[jt, i + 1]) + tt * (
            (1 - ti) * table[jt + 1, i] + ti * table[jt + 1, i + 1]
        )
        v2 = np.where(s > _S_MAX, tail[todo] * np.exp(s), v2)
        th = chi[todo] * np.sqrt(b[todo] * v2)
        ok = th <= np.pi
        theta[todo[ok]] = th[ok]
        todo = todo[~ok]
    return theta.reshape(np.shape(chi_c))
