"""Nuclear and nucleon form factors for neutrino upscattering nu A -> N A.

Units: Q^2 in GeV^2 (Q = sqrt(Q^2) in GeV); radii and Fourier-Bessel parameters in fm
(converted with hbar c from :mod:`nuportal.constants`); form factors are dimensionless.

The formulas follow the choices of the DarkNews code (``nuclear_tools.py``, ``const_dics.py``) of
[DarkNews] A. Abdullahi, M. Hostert, D. Massaro, S. Pascoli, arXiv:2207.04137; they were
re-derived for this package, and the check values in the tests were computed for this package.
Other sources: [deVries] H. de Vries, C. W. de Jager, C. de Vries, At. Data Nucl. Data Tables 36
(1987) 495 (Fourier-Bessel fits); [Helm] R. H. Helm, Phys. Rev. 104 (1956) 1466; [LS] J. D.
Lewin, P. F. Smith, Astropart. Phys. 6 (1996) 87.

* Nuclear charge form factors (coherent scattering): Fourier-Bessel expansion ([deVries], used for
  12C), symmetrized Fermi (the DarkNews fallback for other nuclei), Helm ([Helm], [LS]).
  DarkNews returns |F|; the functions here return the signed F (cross sections use F^2 only).
* Nucleon electromagnetic form factors: dipole parametrization (as in [DarkNews]), Sachs G_E,
  G_M and Dirac-Pauli F1, F2 of the proton and the neutron.
* Nucleon weak neutral-current form factors F1^Z, F2^Z, F_A, in two conventions:

  - ``"physical"``: isospin decomposition F_i^Z = (tau3/2)(F_i^p - F_i^n) - 2 s_W^2 F_i^N with
    the electromagnetic F1, F2 of this module (no strangeness), F_A = tau3 (g_A/2) D_A(Q^2); the
    Z current is (g/2c_W) ubar [F1^Z gamma^mu + i F2^Z sigma^{mu nu} q_nu/(2M)
    - F_A gamma^mu gamma_5] u, so the weak vector charge (1/2 - 2 s_W^2 for the proton) enters
    once.
  - ``"darknews"``: the DarkNews expressions (``nuclear_tools.py``), which (i) use the full magnetic
    moments mu_p, mu_n where the anomalous moments kappa_p = mu_p - 1, kappa_n = mu_n belong
    (F2^Z(0) = 1.105 instead of 1.052 for the proton, and a different F1^Z slope) and (ii) are
    multiplied in DarkNews by the Z-proton coupling c_pV, which already contains the weak charge
    (the charge enters twice). The second point is a property of the coupling that
    multiplies these form factors; see :mod:`nuportal.models.upscattering`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal import constants
from nuportal._validation import scalar_or_array as _out

__all__ = [
    "FM_TO_INV_GEV",
    "FOURIER_BESSEL_C12",
    "FourierBesselParameters",
    "NucleonFormFactors",
    "NucleonNCFormFactors",
    "dipole_form_factor",
    "fourier_bessel_charge",
    "fourier_bessel_form_factor",
    "fourier_bessel_rms_radius",
    "helm_form_factor",
    "nucleon_form_factors",
    "nucleon_nc_form_factors",
    "nucleon_sachs_form_factors",
    "symmetrized_fermi_form_factor",
]

#: 1 fm in GeV^-1 (= 1 / (hbar c) with hbar c in GeV fm), about 5.0677.
FM_TO_INV_GEV: float = 1e-15 / constants.HBARC

#: Proton mass [GeV]: tau = Q^2/(4 m_p^2) of the nucleon form factors (DarkNews uses
#: the proton mass for both nucleons).
M_PROTON: float = constants.mass("p")

# Dipole parametrization of DarkNews nuclear_tools.py ([DarkNews]): vector dipole mass, magnetic
# moments in nuclear magnetons, axial coupling and axial mass.
M_VECTOR_DIPOLE: float = 0.843
MU_PROTON: float = 2.792
MU_NEUTRON: float = -1.913
G_AXIAL: float = 1.26
M_AXIAL: float = 1.02
#: Galster parametrization of the neutron electric form factor, G_E^n = -mu_n tau D/(1 + b tau),
#: b = 5.6 [S. Galster et al., Nucl. Phys. B 32 (1971) 221]; used only for the neutron.
GALSTER_B: float = 5.6

Nucleon = Literal["proton", "neutron"]
NCConvention = Literal["physical", "darknews"]


def _q2_array(Q2: ArrayLike, name: str = "Q2") -> NDArray[np.float64]:
    """``Q2`` as a float array, or a ValueError unless every value is finite and >= 0 GeV^2."""
    q2 = np.asarray(Q2, dtype=float)
    if not np.all(np.isfinite(q2)) or np.any(q2 < 0.0):
        raise ValueError(f"{name} must be finite and >= 0 GeV^2, got {Q2!r}")
    return q2


def _positive(value: float, name: str, unit: str) -> float:
    v = float(value)
    if not (math.isfinite(v) and v > 0.0):
        raise ValueError(f"{name} must be finite and > 0 {unit}, got {value!r}")
    return v


def _mass_number(A: float) -> float:
    a = float(A)
    if not (math.isfinite(a) and a >= 1.0):
        raise ValueError(f"A (mass number) must be finite and >= 1, got {A!r}")
    return a


# ---------------------------------------------------------------- Fourier-Bessel ([deVries])
@dataclass(frozen=True)
class FourierBesselParameters:
    """Fourier-Bessel expansion of a nuclear charge density, rho(r) = sum_n a_n j0(n pi r/R).

    Attributes
    ----------
    radius_fm : float
        Cut-off radius R [fm]; rho = 0 for r > R.
    coefficients : tuple of float
        a_1, a_2, ... [fm^-3].
    reference : str
        Where the numbers come from.
    """

    radius_fm: float
    coefficients: tuple[float, ...]
    reference: str = ""

    def __post_init__(self) -> None:
        _positive(self.radius_fm, "radius_fm", "fm")
        if len(self.coefficients) == 0 or not all(math.isfinite(a) for a in self.coefficients):
            raise ValueError("coefficients must be a non-empty sequence of finite numbers [fm^-3]")


#: 12C charge density, R = 8 fm, a_1..a_15 as in DarkNews const_dics.py ([DarkNews]).
#: DarkNews cites the UVa NCD web page and "Nuclear Data Tables"; presumably the Fourier-Bessel fits
#: of H. de Vries, C. W. de Jager, C. de Vries, At. Data Nucl. Data Tables 36 (1987) 495
#: [provenance not verified]. Charge 6.00028, r_rms 2.4639 fm.
_C12_FB_COEFFICIENTS = (
    1.5737e-2, 3.8897e-2, 3.7085e-2, 1.4795e-2, -4.4831e-3, -1.0057e-2, -6.8696e-3, -2.8813e-3,
    -7.7229e-4, 6.6908e-5, 1.0636e-4, -3.6864e-5, -5.0135e-6, 9.4550e-6, -4.7687e-6,
)  # fmt: skip
FOURIER_BESSEL_C12 = FourierBesselParameters(
    radius_fm=8.0,
    coefficients=_C12_FB_COEFFICIENTS,
    reference="DarkNews const_dics.py (UVa NCD page, Nuclear Data Tables; de Vries et al. 1987?)",
)


def _fb_arrays(p: FourierBesselParameters) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(c_n = a_n (-1)^n, (n pi)^2) for n = 1..len(a)."""
    a = np.asarray(p.coefficients, dtype=float)
    n = np.arange(1, a.size + 1)
    return a * np.where(n % 2 == 0, 1.0, -1.0), (n * np.pi) ** 2


def fourier_bessel_charge(params: FourierBesselParameters = FOURIER_BESSEL_C12) -> float:
    """Total charge of a Fourier-Bessel density, 4 pi sum_n a_n (-1)^(n+1) R^3/(n pi)^2.

    [deVries] (check value computed for this package: 6.00028 for 12C).
    """
    c, n2pi2 = _fb_arrays(params)
    return float(-4.0 * np.pi * params.radius_fm**3 * np.sum(c / n2pi2))


def fourier_bessel_rms_radius(params: FourierBesselParameters = FOURIER_BESSEL_C12) -> float:
    """Root-mean-square charge radius [fm] of a Fourier-Bessel density.

    From the slope of F at q = 0 (F = 1 - q^2 <r^2>/6 + ...), which for the expansion above
    gives <r^2> = R^2 [1 - 6 sum_n c_n/(n pi)^4 / sum_n c_n/(n pi)^2], c_n = a_n (-1)^n.
    Check (12C): 2.4639 fm.
    """
    c, n2pi2 = _fb_arrays(params)
    r2 = params.radius_fm**2 * (1.0 - 6.0 * np.sum(c / n2pi2**2) / np.sum(c / n2pi2))
    return float(math.sqrt(r2))


def fourier_bessel_form_factor(
    Q2: ArrayLike, params: FourierBesselParameters = FOURIER_BESSEL_C12
) -> NDArray[np.float64] | float:
    """Fourier-Bessel charge form factor F(Q^2), normalized to F(0) = 1.

    F = j0(x) sum_n c_n/((n pi)^2 - x^2) / sum_n c_n/(n pi)^2, x = q R, c_n = a_n (-1)^n,
    j0(x) = sin x / x ([deVries]; DarkNews nuclear_tools.py returns the absolute value, which gives
    the same F^2). The removable singularities at x = n pi are evaluated with the regular form
    -a_n sinc(x - n pi)/(x (x + n pi)) of the n-th term.

    Parameters
    ----------
    Q2 : array_like
        Squared momentum transfer [GeV^2], finite and >= 0.
    params : FourierBesselParameters
        Expansion (default: 12C, DarkNews const_dics.py).

    Returns
    -------
    float or ndarray
        F (signed), same shape as ``Q2``. Check (12C): F(Q = 0.05, 0.1, 0.2, 0.3 GeV) =
        0.93698, 0.76947, 0.33827, 0.06502.
    """
    q2 = _q2_array(Q2)
    c, n2pi2 = _fb_arrays(params)
    npi = np.sqrt(n2pi2)
    x = np.sqrt(q2) * (params.radius_fm * FM_TO_INV_GEV)
    x2 = x * x
    norm = float(np.sum(c / n2pi2))
    with np.errstate(divide="ignore", invalid="ignore"):
        total = np.zeros_like(x2)
        for cn, n2 in zip(c, n2pi2, strict=True):
            total += cn / (n2 - x2)
        f = np.sinc(x / np.pi) * total / norm
    # points within 1e-5 of a pole x = n pi (n <= n_max): term-by-term regular form
    k = np.rint(x / np.pi)
    near = (k >= 1) & (k <= c.size) & (np.abs(x - k * np.pi) < 1e-5)
    if np.any(near):
        xn = x[near]
        a = np.asarray(params.coefficients, dtype=float)
        terms = -a[None, :] * np.sinc((xn[:, None] - npi[None, :]) / np.pi)
        terms /= xn[:, None] * (xn[:, None] + npi[None, :])
        f = np.asarray(f, dtype=float).copy()
        f[near] = np.sum(terms, axis=1) / norm
    return _out(f)


# ---------------------------------------------------------------- symmetrized Fermi (DarkNews)
def _g_series_or_direct(u: NDArray[np.float64]) -> NDArray[np.float64]:
    """g(u) = sin u - u cos u, with its Taylor series for u < 0.1 (no cancellation)."""
    small = u < 0.1
    us = np.where(small, u, 0.0)
    u2 = us * us
    series = us * u2 * (1.0 / 3.0 - u2 * (1.0 / 30.0 - u2 * (1.0 / 840.0 - u2 / 45360.0)))
    return np.where(small, series, np.sin(u) - u * np.cos(u))


def _vcoth_minus_one(v: NDArray[np.float64]) -> NDArray[np.float64]:
    """v coth v - 1 (v > 0), with its Taylor series for v < 0.1."""
    small = v < 0.1
    vl = np.where(small, 1.0, v)
    v2 = np.where(small, v, 0.0) ** 2
    series = v2 * (1.0 / 3.0 - v2 * (1.0 / 45.0 - v2 * (2.0 / 945.0 - v2 / 4725.0)))
    return np.where(small, series, vl / np.tanh(vl) - 1.0)


def symmetrized_fermi_form_factor(
    Q2: ArrayLike,
    A: float,
    *,
    diffuseness_fm: float = 0.523,
    r0_coefficient_fm: float = 1.03,
    q_max: float = 5.0,
) -> NDArray[np.float64] | float:
    """Symmetrized Fermi charge form factor F(Q^2), F(0) = 1.

    F(Q) = 3 pi a / (r0^2 + pi^2 a^2) [pi a coth(pi a Q) sin(Q r0) - r0 cos(Q r0)]
    / [Q r0 sinh(pi a Q)], a = 0.523 fm, r0 = 1.03 A^(1/3) fm, F = 0 for Q >= 5 GeV
    (DarkNews nuclear_tools.py, [DarkNews]). Evaluated as
    3 pi a [(v coth v - 1) sin u + sin u - u cos u] / [(r0^2 + pi^2 a^2) Q^2 r0 sinh v],
    u = Q r0, v = pi a Q, with Taylor series at small u, v (no cancellation for Q -> 0).

    Parameters
    ----------
    Q2 : array_like
        Squared momentum transfer [GeV^2], finite and >= 0.
    A : float
        Mass number (>= 1).
    diffuseness_fm, r0_coefficient_fm : float
        a [fm] and the coefficient c of r0 = c A^(1/3) [fm].
    q_max : float
        F is set to 0 for Q >= q_max [GeV] (DarkNews: 5 GeV).

    Returns
    -------
    float or ndarray
        F. Check (A = 12): F(Q = 0.05, 0.1, 0.2, 0.3 GeV) = 0.92667, 0.73702, 0.28678, 0.03902.
    """
    q2 = _q2_array(Q2)
    a_nucl = _mass_number(A)
    a = _positive(diffuseness_fm, "diffuseness_fm", "fm") * FM_TO_INV_GEV
    r0 = _positive(r0_coefficient_fm, "r0_coefficient_fm", "fm") * a_nucl ** (1 / 3)
    r0 *= FM_TO_INV_GEV
    q = np.sqrt(q2)
    inside = (q > 0.0) & (q < q_max)
    qs = np.where(inside, q, 1.0)
    u, v = qs * r0, np.pi * a * qs
    num = _vcoth_minus_one(v) * np.sin(u) + _g_series_or_direct(u)
    with np.errstate(over="ignore"):
        f = 3.0 * np.pi * a * num / ((r0 * r0 + (np.pi * a) ** 2) * qs * qs * r0 * np.sinh(v))
    return _out(np.where(inside, f, np.where(q == 0.0, 1.0, 0.0)))


# ---------------------------------------------------------------- Helm ([Helm], [LS])
def helm_form_factor(
    Q2: ArrayLike,
    A: float,
    *,
    parametrization: Literal["darknews", "lewin_smith"] = "darknews",
) -> NDArray[np.float64] | float:
    """Helm form factor F = 3 j1(Q R)/(Q R) exp(-Q^2 s^2/2), j1(x) = sin x/x^2 - cos x/x.

    Parameters
    ----------
    Q2 : array_like
        Squared momentum transfer [GeV^2], finite and >= 0.
    A : float
        Mass number (>= 1).
    parametrization : {"darknews", "lewin_smith"}
        ``"darknews"`` (defined but unused in DarkNews): s = 0.9 fm,
        R = 3.9 (A/40)^(1/3) fm. ``"lewin_smith"``: s = 0.9 fm,
        R^2 = c^2 + (7/3) pi^2 a^2 - 5 s^2, c = 1.23 A^(1/3) - 0.6 fm, a = 0.52 fm
        [J. D. Lewin, P. F. Smith, Astropart. Phys. 6 (1996) 87; these values were not checked
        against the paper].

    Returns
    -------
    float or ndarray
        F (signed; DarkNews takes |j1|). Check (A = 12, DarkNews parameters):
        F(Q = 0.05, 0.1, 0.2, 0.3 GeV) = 0.93235, 0.75300, 0.29942, 0.03667.
    """
    q2 = _q2_array(Q2)
    a_nucl = _mass_number(A)
    s_fm = 0.9
    if parametrization == "darknews":
        r_fm = 3.9 * (a_nucl / 40.0) ** (1 / 3)
    elif parametrization == "lewin_smith":
        c_fm = 1.23 * a_nucl ** (1 / 3) - 0.6
        r_fm = math.sqrt(c_fm**2 + 7.0 / 3.0 * math.pi**2 * 0.52**2 - 5.0 * s_fm**2)
    else:
        raise ValueError(
            f"parametrization must be 'darknews' or 'lewin_smith', got {parametrization!r}"
        )
    x = np.sqrt(q2) * (r_fm * FM_TO_INV_GEV)
    small = x < 0.05
    xl = np.where(small, 1.0, x)
    x2 = np.where(small, x, 0.0) ** 2
    three_j1_over_x = np.where(
        small,
        1.0 - x2 * (0.1 - x2 * (1.0 / 280.0 - x2 / 15120.0)),
        3.0 * (np.sin(xl) - xl * np.cos(xl)) / xl**3,
    )
    s = s_fm * FM_TO_INV_GEV
    return _out(three_j1_over_x * np.exp(-0.5 * q2 * s * s))


# ---------------------------------------------------------------- nucleons (dipole, as in DarkNews)
class NucleonFormFactors(NamedTuple):
    """Electromagnetic nucleon form factors (dimensionless)."""

    F1: NDArray[np.float64] | float
    F2: NDArray[np.float64] | float


class NucleonNCFormFactors(NamedTuple):
    """Weak neutral-current nucleon form factors F1^Z, F2^Z and the axial F_A (dimensionless)."""

    F1: NDArray[np.float64] | float
    F2: NDArray[np.float64] | float
    FA: NDArray[np.float64] | float


def _check_nucleon(nucleon: str) -> float:
    """tau3 = +1 (proton) or -1 (neutron)."""
    if nucleon == "proton":
        return 1.0
    if nucleon == "neutron":
        return -1.0
    raise ValueError(f"nucleon must be 'proton' or 'neutron', got {nucleon!r}")


def _tau(q2: NDArray[np.float64]) -> NDArray[np.float64]:
    return q2 / (4.0 * M_PROTON**2)


def dipole_form_factor(Q2: ArrayLike, mass: float = M_VECTOR_DIPOLE) -> NDArray[np.float64] | float:
    """Dipole D(Q^2) = (1 + Q^2/M_V^2)^-2, M_V = 0.843 GeV by default ([DarkNews]) [GeV^2 in]."""
    q2 = _q2_array(Q2)
    mv = _positive(mass, "mass", "GeV")
    return _out(1.0 / (1.0 + q2 / mv**2) ** 2)


def _sachs(q2: NDArray[np.float64], tau3: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    d = 1.0 / (1.0 + q2 / M_VECTOR_DIPOLE**2) ** 2
    if tau3 > 0:
        return d, MU_PROTON * d
    tau = _tau(q2)
    return -MU_NEUTRON * tau * d / (1.0 + GALSTER_B * tau), MU_NEUTRON * d


def nucleon_sachs_form_factors(
    Q2: ArrayLike, nucleon: Nucleon = "proton"
) -> tuple[NDArray[np.float64] | float, NDArray[np.float64] | float]:
    """Sachs form factors (G_E, G_M) in the dipole parametrization.

    Proton: G_E = D, G_M = mu_p D ([DarkNews], mu_p = 2.792, M_V = 0.843 GeV). Neutron:
    G_M = mu_n D (mu_n = -1.913) and the Galster G_E = -mu_n tau D/(1 + 5.6 tau)
    [Galster et al., Nucl. Phys. B 32 (1971) 221], tau = Q^2/(4 m_p^2).

    Parameters
    ----------
    Q2 : array_like
        [GeV^2], finite and >= 0.
    nucleon : {"proton", "neutron"}
    """
    tau3 = _check_nucleon(nucleon)
    ge, gm = _sachs(_q2_array(Q2), tau3)
    return _out(ge), _out(gm)


def _dirac_pauli(q2: NDArray[np.float64], tau3: float) -> tuple[NDArray[np.float64], ...]:
    ge, gm = _sachs(q2, tau3)
    tau = _tau(q2)
    return (ge + tau * gm) / (1.0 + tau), (gm - ge) / (1.0 + tau)


def nucleon_form_factors(Q2: ArrayLike, nucleon: Nucleon = "proton") -> NucleonFormFactors:
    """Dirac and Pauli form factors F1 = (G_E + tau G_M)/(1 + tau), F2 = (G_M - G_E)/(1 + tau).

    With the Sachs form factors of :func:`nucleon_sachs_form_factors`;
    tau = Q^2/(4 m_p^2). Proton: F1 = D (1 + tau mu_p)/(1 + tau), F2 = D (mu_p - 1)/(1 + tau).
    Check (proton): Q^2 = 0.1: F1 = 0.80653, F2 = 1.33913; Q^2 = 0.5: 0.42134, 0.54069;
    Q^2 = 1: 0.24098, 0.24086.

    Parameters
    ----------
    Q2 : array_like
        [GeV^2], finite and >= 0.
    nucleon : {"proton", "neutron"}

    Returns
    -------
    NucleonFormFactors
        (F1, F2), dimensionless.
    """
    tau3 = _check_nucleon(nucleon)
    f1, f2 = _dirac_pauli(_q2_array(Q2), tau3)
    return NucleonFormFactors(_out(f1), _out(f2))


def _check_sin2(sin2_theta_w: float) -> float:
    s2 = float(sin2_theta_w)
    if not (math.isfinite(s2) and 0.0 < s2 < 1.0):
        raise ValueError(f"sin2_theta_w must be finite and in (0, 1), got {sin2_theta_w!r}")
    return s2


def _nc(
    q2: NDArray[np.float64], tau3: float, s2: float, convention: str
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    tau = _tau(q2)
    fa = tau3 * 0.5 * G_AXIAL / (1.0 + q2 / M_AXIAL**2) ** 2
    if convention == "darknews":
        d = 1.0 / (1.0 + q2 / M_VECTOR_DIPOLE**2) ** 2
        iv = (0.5 - s2) * tau3
        f1 = iv * (1.0 + tau * (1.0 + MU_PROTON - MU_NEUTRON))
        f1 -= s2 * (1.0 + tau * (1.0 + MU_PROTON + MU_NEUTRON))
        f2 = iv * (MU_PROTON - MU_NEUTRON) - s2 * (MU_PROTON + MU_NEUTRON)
        return f1 * d / (1.0 + tau), f2 * d / (1.0 + tau), fa
    if convention == "physical":
        f1p, f2p = _dirac_pauli(q2, 1.0)
        f1n, f2n = _dirac_pauli(q2, -1.0)
        own1, own2 = (f1p, f2p) if tau3 > 0 else (f1n, f2n)
        f1 = 0.5 * tau3 * (f1p - f1n) - 2.0 * s2 * own1
        f2 = 0.5 * tau3 * (f2p - f2n) - 2.0 * s2 * own2
        return f1, f2, fa
    raise ValueError(f"convention must be 'physical' or 'darknews', got {convention!r}")


def nucleon_nc_form_factors(
    Q2: ArrayLike,
    nucleon: Nucleon = "proton",
    *,
    sin2_theta_w: float = constants.SIN2_THETA_W_ON_SHELL,
    convention: NCConvention = "physical",
) -> NucleonNCFormFactors:
    """Weak neutral-current form factors of a nucleon.

    The Z-nucleon vertex is N_Z ubar [F1^Z gamma^mu + i F2^Z sigma^{mu nu} q_nu/(2M)
    - F_A gamma^mu gamma_5] u, with the normalization N_Z = g/(2 c_W) in the ``"physical"``
    convention (DarkNews multiplies its form factors by c_pV instead, see the module docstring).

    * ``"physical"``: F_i^Z = (tau3/2)(F_i^p - F_i^n) - 2 s_W^2 F_i^N (F_i of
      :func:`nucleon_form_factors`, no strange form factors), i.e. for the proton
      F1^Z(0) = 1/2 - 2 s_W^2, F2^Z(0) = (1/2 - 2 s_W^2) kappa_p - kappa_n/2.
    * ``"darknews"`` (DarkNews nuclear_tools.py, [DarkNews]):
      F1^Z = D [(1/2 - s_W^2) tau3 (1 + tau (1 + mu_p - mu_n)) - s_W^2 (1 + tau (1 + mu_p + mu_n))]
      /(1 + tau), F2^Z = D [(1/2 - s_W^2) tau3 (mu_p - mu_n) - s_W^2 (mu_p + mu_n)]/(1 + tau).
    * Both: F_A = tau3 (g_A/2)(1 + Q^2/M_A^2)^-2, g_A = 1.26, M_A = 1.02 GeV; the sign is that of
      a left-handed quark current (gamma^mu (g_V - g_A gamma_5) with g_A > 0 for the proton),
      which is also the DarkNews sign (its |M|^2 has (F1 + F_A)^2 (k1.p2)(k3.p4)).

    Parameters
    ----------
    Q2 : array_like
        [GeV^2], finite and >= 0.
    nucleon : {"proton", "neutron"}
    sin2_theta_w : float
        Weak mixing angle entering the form factors (DarkNews: 0.22343, on shell).
    convention : {"physical", "darknews"}

    Returns
    -------
    NucleonNCFormFactors
        (F1^Z, F2^Z, F_A).
    """
    tau3 = _check_nucleon(nucleon)
    f1, f2, fa = _nc(_q2_array(Q2), tau3, _check_sin2(sin2_theta_w), convention)
    return NucleonNCFormFactors(_out(f1), _out(f2), _out(fa))
