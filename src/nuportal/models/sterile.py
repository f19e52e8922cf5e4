"""3+1 sterile-neutrino oscillations in vacuum (short-baseline formulas and the exact 4-flavour one).

Units, everywhere in this module: neutrino energy ``E`` in GeV, baseline ``L`` in **km**, mass
splittings ``dm2`` in eV^2. The oscillation phase is

    Delta = dm2 L / (4 E) = K dm2[eV^2] L[km] / E[GeV],   K = 1e-15 / (4 hbar c [GeV m]) = 1.26693,

(the familiar "1.267", computed here from CODATA hbar c via :data:`nuportal.constants.HBARC`).

All functions are pure and broadcast their array arguments with numpy rules, so a grid of
``(sin2_2theta, dm2)`` points can be evaluated against ``(L, E)`` arrays by giving them
compatible shapes (e.g. ``dm2[:, None]`` against ``E[None, :]``).

References
----------
* [GK] C. Giunti, C. W. Kim, *Fundamentals of Neutrino Physics and Astrophysics*, OUP (2007),
  ch. 7 (vacuum oscillation probability, eq. 7.21; two-flavour limit).
* [PDG] PDG 2024, "Neutrino masses, mixing, and oscillations" review (standard parametrization
  of the 3x3 mixing matrix, eq. 14.33; K = 1.267 in eq. 14.40).
* [NuFIT] I. Esteban et al., NuFIT 5.3 (2024), www.nu-fit.org, JHEP 09 (2020) 178,
  arXiv:2007.14792 (best-fit 3-flavour parameters, normal ordering, with SK atmospheric data).
* [GL] C. Giunti, M. Laveder / S. Gariazzo et al., J. Phys. G 43 (2016) 033001, arXiv:1507.08204
  (3+1 short-baseline limit: sin^2 2theta_mue = 4 |U_e4|^2 |U_mu4|^2,
  sin^2 2theta_aa = 4 |U_a4|^2 (1 - |U_a4|^2)).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import sici

from nuportal import constants

__all__ = [
    "OSC_PHASE_CONSTANT",
    "appearance_probability_sbl",
    "bin_averaged_appearance",
    "bin_averaged_disappearance",
    "disappearance_probability_sbl",
    "oscillation_phase",
    "sin2_phase_bin_average",
]

#: K in Delta = K dm2[eV^2] L[km] / E[GeV] (= 1 / (4 hbar c) in these units; PDG quotes 1.267).
OSC_PHASE_CONSTANT: float = 1e-15 / (4.0 * constants.HBARC)


def _finite(x: ArrayLike, name: str) -> NDArray[np.float64]:
    a = np.asarray(x, dtype=float)
    if np.any(~np.isfinite(a)):
        raise ValueError(f"{name} must be finite, got {x!r}")
    return a


def _unit_interval(x: ArrayLike, name: str) -> NDArray[np.float64]:
    a = _finite(x, name)
    if np.any(a < 0.0) or np.any(a > 1.0):
        raise ValueError(f"{name} must lie in [0, 1], got {x!r}")
    return a


def _non_negative(x: ArrayLike, name: str, unit: str) -> NDArray[np.float64]:
    a = _finite(x, name)
    if np.any(a < 0.0):
        raise ValueError(f"{name} must be >= 0 {unit}, got {x!r}")
    return a


def _positive(x: ArrayLike, name: str, unit: str) -> NDArray[np.float64]:
    a = _finite(x, name)
    if np.any(a <= 0.0):
        raise ValueError(f"{name} must be > 0 {unit}, got {x!r}")
    return a


def _out(a: NDArray[np.float64]) -> NDArray[np.float64] | float:
    return float(a) if np.ndim(a) == 0 else a


def oscillation_phase(dm2_eV2: ArrayLike, L_km: ArrayLike, E_GeV: ArrayLike) -> NDArray[np.float64]:
    """Oscillation phase Delta = dm2 L / (4E) = 1.26693 dm2[eV^2] L[km] / E[GeV] (dimensionless).

    Parameters
    ----------
    dm2_eV2 : array_like
        Mass splitting [eV^2], >= 0.
    L_km : array_like
        Baseline [km], >= 0.
    E_GeV : array_like
        Neutrino energy [GeV], > 0.

    Returns
    -------
    ndarray
        Delta, broadcast over the inputs ([PDG] eq. 14.40).
    """
    dm2 = _non_negative(dm2_eV2, "dm2_eV2", "eV^2")
    L = _non_negative(L_km, "L_km", "km")
    E = _positive(E_GeV, "E_GeV", "GeV")
    return OSC_PHASE_CONSTANT * dm2 * L / E


def appearance_probability_sbl(
    sin2_2theta: ArrayLike, dm2_eV2: ArrayLike, L_km: ArrayLike, E_GeV: ArrayLike
) -> NDArray[np.float64] | float:
    """Short-baseline (two-flavour, 3+1) appearance probability, e.g. P(nu_mu -> nu_e).

    P = sin^2(2 theta) sin^2(1.267 dm2[eV^2] L[km] / E[GeV])   ([GK] eq. 7.95; [GL]).

    Parameters
    ----------
    sin2_2theta : array_like
        Effective amplitude sin^2 2theta (for nu_mu -> nu_e: 4 |U_e4|^2 |U_mu4|^2), in [0, 1].
    dm2_eV2 : array_like
        dm^2_41 [eV^2], >= 0.
    L_km : array_like
        Baseline [km].
    E_GeV : array_like
        Neutrino energy [GeV].

    Returns
    -------
    float or ndarray
        Probability, broadcast over all inputs (a float for scalar inputs).
    """
    s = _unit_interval(sin2_2theta, "sin2_2theta")
    return _out(s * np.sin(oscillation_phase(dm2_eV2, L_km, E_GeV)) ** 2)


def disappearance_probability_sbl(
    sin2_2theta: ArrayLike, dm2_eV2: ArrayLike, L_km: ArrayLike, E_GeV: ArrayLike
) -> NDArray[np.float64] | float:
    """Short-baseline survival probability P(nu_a -> nu_a) = 1 - sin^2 2theta sin^2(Delta).

    For 3+1, sin^2 2theta_aa = 4 |U_a4|^2 (1 - |U_a4|^2) ([GL]). Arguments and units as in
    :func:`appearance_probability_sbl`.
    """
    s = _unit_interval(sin2_2theta, "sin2_2theta")
    return _out(1.0 - s * np.sin(oscillation_phase(dm2_eV2, L_km, E_GeV)) ** 2)


def sin2_phase_bin_average(
    dm2_eV2: ArrayLike, L_km: ArrayLike, E_low_GeV: ArrayLike, E_high_GeV: ArrayLike
) -> NDArray[np.float64] | float:
    """Average of sin^2(K dm2 L / E) over E uniform in [E_low, E_high] (analytic).

    With k = 2 K dm2 L and sin^2 x = (1 - cos 2x)/2, the antiderivative
    ``int cos(k/E) dE = E cos(k/E) + k Si(k/E)`` (check by differentiating) gives

        <sin^2> = 1/2 - [F(E_high) - F(E_low)] / (2 (E_high - E_low)),  F(E) = E cos(k/E) + k Si(k/E).

    The average is flat in E (not flux-weighted). For fast oscillations (k / E^2 dE >> 1) it tends
    to 1/2. Bins narrower than 1e-6 relative width (where the difference loses precision) use the
    value at the bin centre, which is then exact to O((dE/E)^2 k/E) relative.

    Parameters
    ----------
    dm2_eV2 : array_like
        Mass splitting [eV^2], >= 0.
    L_km : array_like
        Baseline [km], >= 0.
    E_low_GeV, E_high_GeV : array_like
        Bin edges [GeV], 0 < E_low <= E_high.

    Returns
    -------
    float or ndarray
        The bin-averaged sin^2 of the phase, in [0, 1].
    """
    dm2 = _non_negative(dm2_eV2, "dm2_eV2", "eV^2")
    L = _non_negative(L_km, "L_km", "km")
    e1 = _positive(E_low_GeV, "E_low_GeV", "GeV")
    e2 = _positive(E_high_GeV, "E_high_GeV", "GeV")
    if np.any(e2 < e1):
        raise ValueError("E_high_GeV must be >= E_low_GeV")
    dm2, L, e1, e2 = np.broadcast_arrays(dm2, L, e1, e2)
    k = 2.0 * OSC_PHASE_CONSTANT * dm2 * L

    def prim(e: NDArray[np.float64]) -> NDArray[np.float64]:
        si, _ = sici(k / e)
        return e * np.cos(k / e) + k * si

    width = e2 - e1
    narrow = width <= 1e-6 * e2
    with np.errstate(invalid="ignore", divide="ignore"):
        avg = 0.5 - (prim(e2) - prim(e1)) / (2.0 * np.where(narrow, 1.0, width))
    centre = np.sin(0.5 * k / (0.5 * (e1 + e2))) ** 2
    avg = np.where(narrow, centre, avg)
    return _out(np.clip(avg, 0.0, 1.0))


def bin_averaged_appearance(
    sin2_2theta: ArrayLike,
    dm2_eV2: ArrayLike,
    L_km: ArrayLike,
    E_low_GeV: ArrayLike,
    E_high_GeV: ArrayLike,
) -> NDArray[np.float64] | float:
    """SBL appearance probability averaged (flat in E) over the bin [E_low, E_high] [GeV].

    <P> = sin^2 2theta <sin^2(K dm2 L / E)>, see :func:`sin2_phase_bin_average`. L in km.
    """
    s = _unit_interval(sin2_2theta, "sin2_2theta")
    return _out(s * np.asarray(sin2_phase_bin_average(dm2_eV2, L_km, E_low_GeV, E_high_GeV)))


def bin_averaged_disappearance(
    sin2_2theta: ArrayLike,
    dm2_eV2: ArrayLike,
    L_km: ArrayLike,
    E_low_GeV: ArrayLike,
    E_high_GeV: ArrayLike,
) -> NDArray[np.float64] | float:
    """SBL survival probability averaged (flat in E) over [E_low, E_high] [GeV]; L in km."""
    s = _unit_interval(sin2_2theta, "sin2_2theta")
    return _out(1.0 - s * np.asarray(sin2_phase_bin_average(dm2_eV2, L_km, E_low_GeV, E_high_GeV)))
