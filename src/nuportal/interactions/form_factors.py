"""Nucleon form factors of the charged weak current (quasi-elastic scattering).

Units: Q^2 in GeV^2, masses in GeV; form factors dimensionless.

* Vector (CVC): the isovector Sachs form factors G^V = G^p - G^n with the BBBA05 fits
  [R. Bradford, A. Bodek, H. Budd, J. Arrington, Nucl. Phys. B Proc. Suppl. 159 (2006) 127,
  arXiv:hep-ex/0602017]: G(Q^2) = sum_{k=0}^{2} a_k tau^k / (1 + sum_{k=1}^{4} b_k tau^k),
  tau = Q^2 / (4 M^2), for G_E^p, G_M^p/mu_p, G_M^n/mu_n and G_E^n (table of that paper;
  coefficients as also used by GENIE's BBA05 model). Dirac and Pauli:
  F1 = (G_E + tau G_M)/(1 + tau), xi F2 = (G_M - G_E)/(1 + tau). The dipole option
  (G_E^p = G_D, G_M = mu G_D, G_E^n = 0, M_V = 0.84 GeV) is the textbook form [C. H. Llewellyn
  Smith, Phys. Rep. 3 (1972) 261].
* Axial: dipole F_A = g_A / (1 + Q^2/M_A^2)^2, g_A = 1.2754 (PDG 2024 lambda = g_A/g_V),
  M_A = 1.03 GeV by default [V. Bernard, L. Elouadrhiri, U.-G. Meissner, J. Phys. G 28 (2002)
  R1, arXiv:hep-ph/0107088: world average of neutrino and pion electroproduction, 1.026 +- 0.021
  GeV]; the NOvA 2018 tune uses 1.04 GeV, GENIE 2.12 0.99 GeV. Or the model-independent
  z expansion of A. S. Meyer, M. Betancourt, R. Gran, R. J. Hill, Phys. Rev. D 93 (2016)
  113015, arXiv:1603.03048: F_A = sum_{k=0}^{8} a_k z^k,
  z = (sqrt(t_c + Q^2) - sqrt(t_c - t_0)) / (sqrt(t_c + Q^2) + sqrt(t_c - t_0)), t_c = 9 m_pi^2,
  t_0 = -0.28 GeV^2, with the deuterium fit a_1..a_4 = 2.30, -0.6, -3.8, 2.3 of that paper,
  whose convention is F_A(0) = -g_A; here F_A(0) = +g_A, so the signs flip:
  a_1..a_4 = -2.30, 0.6, 3.8, -2.3. a_0 and a_5..a_8 are fixed by F_A(0) = g_A and the four
  sum rules sum_k k^n a_k = 0 (n = 0..3) that make Q^4 F_A fall off. (With the paper's signs
  kept, F_A would grow with Q^2: a check that the flip is right.)
* Pseudoscalar (PCAC, pion pole): F_P = 2 M^2 F_A / (m_pi^2 + Q^2).
"""

from __future__ import annotations

from functools import cache
from typing import Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal import constants

__all__ = [
    "BBBA05",
    "G_A",
    "MU_N",
    "MU_P",
    "M_A_DEFAULT",
    "M_NUCLEON",
    "Z_EXPANSION_A1_A4",
    "CCFormFactors",
    "axial_dipole",
    "axial_z_expansion",
    "cc_form_factors",
    "pseudoscalar",
    "sachs_bbba05",
    "z_expansion_coefficients",
]

#: Average nucleon mass (m_p + m_n)/2 [GeV] used in tau and the LS formula.
M_NUCLEON: float = 0.5 * (constants.mass("p") + constants.mass("n"))
#: Proton and neutron magnetic moments [nuclear magnetons] (PDG/CODATA).
MU_P: float = 2.792847
MU_N: float = -1.913043
#: Axial coupling g_A (PDG 2024, |lambda| = 1.2754 +- 0.0013).
G_A: float = 1.2754
#: Default axial mass [GeV] (Bernard, Elouadrhiri, Meissner, arXiv:hep-ph/0107088).
M_A_DEFAULT: float = 1.03

#: BBBA05 coefficients (a0, a1, a2; b1, b2, b3, b4) of arXiv:hep-ex/0602017.
BBBA05: dict[str, tuple[tuple[float, float, float], tuple[float, float, float, float]]] = {
    "GEp": ((1.0, -0.0578, 0.0), (11.1, 13.6, 33.0, 0.0)),
    "GMp": ((1.0, 0.150, 0.0), (11.1, 19.6, 7.54, 0.0)),
    "GMn": ((1.0, 1.81, 0.0), (14.1, 20.7, 68.7, 0.0)),
    "GEn": ((0.0, 1.25, 1.30), (-9.86, 305.0, -758.0, 802.0)),
}

#: Meyer-Betancourt-Gran-Hill deuterium fit a_1..a_4 (arXiv:1603.03048) in the F_A(0) = +g_A
#: convention (the paper's signs flipped, module docstring).
Z_EXPANSION_A1_A4: tuple[float, float, float, float] = (-2.30, 0.6, 3.8, -2.3)
_T0_Z = -0.28
_TCUT = 9.0 * constants.M_PI_CHARGED**2


class CCFormFactors(NamedTuple):
    """Isovector form factors of the CC current: F1^V, xi F2^V, F_A, F_P (dimensionless)."""

    F1: NDArray[np.float64]
    F2: NDArray[np.float64]
    FA: NDArray[np.float64]
    FP: NDArray[np.float64]


def _q2(Q2: ArrayLike) -> NDArray[np.float64]:
    q2 = np.asarray(Q2, dtype=float)
    if np.any(~np.isfinite(q2)) or np.any(q2 < 0.0):
        raise ValueError(f"Q2 must be finite and >= 0 GeV^2, got {Q2!r}")
    return q2


def _check_mass(value: float, name: str) -> float:
    v = float(value)
    if not (np.isfinite(v) and v > 0.0):
        raise ValueError(f"{name} must be finite and > 0 GeV, got {value!r}")
    return v


def _bbba(tau: NDArray[np.float64], key: str) -> NDArray[np.float64]:
    (a0, a1, a2), (b1, b2, b3, b4) = BBBA05[key]
    num = a0 + tau * (a1 + tau * a2)
    den = 1.0 + tau * (b1 + tau * (b2 + tau * (b3 + tau * b4)))
    return num / den


def sachs_bbba05(Q2: ArrayLike) -> dict[str, NDArray[np.float64]]:
    """BBBA05 Sachs form factors {"GEp", "GMp", "GEn", "GMn"} at Q^2 [GeV^2] (magnetic with mu)."""
    q2 = _q2(Q2)
    tau = q2 / (4.0 * M_NUCLEON**2)
    return {
        "GEp": _bbba(tau, "GEp"),
        "GMp": MU_P * _bbba(tau, "GMp"),
        "GEn": _bbba(tau, "GEn"),
        "GMn": MU_N * _bbba(tau, "GMn"),
    }


def axial_dipole(Q2: ArrayLike, M_A: float = M_A_DEFAULT, g_A: float = G_A) -> NDArray[np.float64]:
    """Dipole axial form factor g_A / (1 + Q^2/M_A^2)^2 (Q^2 [GeV^2], M_A [GeV])."""
    m = _check_mass(M_A, "M_A")
    return g_A / (1.0 + _q2(Q2) / (m * m)) ** 2


def _z(q2: NDArray[np.float64], t0: float = _T0_Z) -> NDArray[np.float64]:
    a, b = np.sqrt(_TCUT + q2), np.sqrt(_TCUT - t0)
    return (a - b) / (a + b)


@cache
def z_expansion_coefficients(
    a1_a4: tuple[float, float, float, float] = Z_EXPANSION_A1_A4, g_A: float = G_A
) -> tuple[float, ...]:
    """a_0..a_8 of the z expansion: a_1..a_4 given, a_0 and a_5..a_8 from F_A(0) = g_A and the
    sum rules sum_k k^n a_k = 0, n = 0..3 (Meyer et al., arXiv:1603.03048, sec. III)."""
    z0 = float(_z(np.array(0.0)))
    known = {k + 1: float(v) for k, v in enumerate(a1_a4)}
    unknown = [0, 5, 6, 7, 8]
    rows, rhs = [], []
    rows.append([z0**k for k in unknown])
    rhs.append(g_A - sum(a * z0**k for k, a in known.items()))
    for n in range(4):
        rows.append([float(k**n) if (k or n) else 1.0 for k in unknown])
        rhs.append(-sum(a * float(k**n) for k, a in known.items()))
    sol = np.linalg.solve(np.array(rows), np.array(rhs))
    coeffs = dict(zip(unknown, sol, strict=True)) | known
    return tuple(float(coeffs[k]) for k in range(9))


def axial_z_expansion(
    Q2: ArrayLike, a1_a4: tuple[float, float, float, float] = Z_EXPANSION_A1_A4, g_A: float = G_A
) -> NDArray[np.float64]:
    """z-expansion axial form factor F_A(Q^2) (module docstring), F_A(0) = g_A."""
    a = np.array(z_expansion_coefficients(tuple(float(x) for x in a1_a4), float(g_A)))
    return np.polynomial.polynomial.polyval(_z(_q2(Q2)), a)


def pseudoscalar(Q2: ArrayLike, FA: ArrayLike) -> NDArray[np.float64]:
    """PCAC pseudoscalar form factor F_P = 2 M^2 F_A / (m_pi^2 + Q^2)."""
    q2 = _q2(Q2)
    return 2.0 * M_NUCLEON**2 * np.asarray(FA, dtype=float) / (constants.M_PI_CHARGED**2 + q2)


def cc_form_factors(
    Q2: ArrayLike,
    *,
    M_A: float = M_A_DEFAULT,
    axial: Literal["dipole", "z_expansion"] = "dipole",
    vector: Literal["bbba05", "dipole"] = "bbba05",
) -> CCFormFactors:
    """Form factors of the nucleon CC current at Q^2 [GeV^2] (module docstring).

    Parameters
    ----------
    Q2 : array_like
        [GeV^2], >= 0.
    M_A : float
        Axial dipole mass [GeV] (``axial="dipole"``).
    axial : {"dipole", "z_expansion"}
    vector : {"bbba05", "dipole"}

    Returns
    -------
    CCFormFactors
        F1^V, xi F2^V (isovector, F1(0) = 1, xi F2(0) = mu_p - mu_n - 1 = 3.706), F_A (> 0 at
        Q^2 = 0, = g_A), F_P (PCAC).
    """
    q2 = _q2(Q2)
    tau = q2 / (4.0 * M_NUCLEON**2)
    if vector == "bbba05":
        g = sachs_bbba05(q2)
        ge, gm = g["GEp"] - g["GEn"], g["GMp"] - g["GMn"]
    elif vector == "dipole":
        gd = 1.0 / (1.0 + q2 / 0.71) ** 2
        ge, gm = gd, (MU_P - MU_N) * gd
    else:
        raise ValueError(f"vector must be 'bbba05' or 'dipole', got {vector!r}")
    f1 = (ge + tau * gm) / (1.0 + tau)
    f2 = (gm - ge) / (1.0 + tau)
    if axial == "dipole":
        fa = axial_dipole(q2, M_A)
    elif axial == "z_expansion":
        fa = axial_z_expansion(q2)
    else:
        raise ValueError(f"axial must be 'dipole' or 'z_expansion', got {axial!r}")
    return CCFormFactors(f1, f2, fa, pseudoscalar(q2, fa))
