"""3+1 sterile-neutrino oscillations in vacuum: short-baseline formulas and the exact 4-flavour one.

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
* [NuFIT] I. Esteban et al., NuFIT 6.0 (2024), www.nu-fit.org, JHEP 12 (2024) 216,
  arXiv:2410.05380 (best-fit 3-flavour parameters, normal ordering, with SK+IC atmospheric data).
* [GL] C. Giunti, M. Laveder / S. Gariazzo et al., J. Phys. G 43 (2016) 033001, arXiv:1507.08204
  (3+1 short-baseline limit: sin^2 2theta_mue = 4 |U_e4|^2 |U_mu4|^2,
  sin^2 2theta_aa = 4 |U_a4|^2 (1 - |U_a4|^2)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import sici

from nuportal import constants

__all__ = [
    "FLAVOURS",
    "NUFIT60_NO",
    "OSC_PHASE_CONSTANT",
    "ThreeFlavourParameters",
    "appearance_probability_sbl",
    "bin_averaged_appearance",
    "bin_averaged_disappearance",
    "disappearance_probability_sbl",
    "mixing_matrix_3p1",
    "oscillation_phase",
    "oscillation_probability",
    "oscillation_probability_3p1",
    "probability_matrix",
    "sin2_2theta_disappearance",
    "sin2_2theta_mue",
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

        <sin^2> = 1/2 - [F(E_high) - F(E_low)] / (2 (E_high - E_low)),
        F(E) = E cos(k/E) + k Si(k/E).

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
    """SBL appearance probability averaged (flat in E) over the bin [E_low, E_high] (GeV).

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
    """SBL survival probability averaged (flat in E) over [E_low, E_high] (GeV); L in km."""
    s = _unit_interval(sin2_2theta, "sin2_2theta")
    return _out(1.0 - s * np.asarray(sin2_phase_bin_average(dm2_eV2, L_km, E_low_GeV, E_high_GeV)))


# --------------------------------------------------------------------------------------------
# Exact 4-flavour (3+1) vacuum oscillations
# --------------------------------------------------------------------------------------------

#: Flavour index of each name: rows of the 4x4 mixing matrix (``"s"`` is the sterile state).
FLAVOURS: dict[str, int] = {"e": 0, "mu": 1, "tau": 2, "s": 3}


@dataclass(frozen=True)
class ThreeFlavourParameters:
    """Standard 3-flavour oscillation parameters (angles in radians, splittings in eV^2).

    Attributes
    ----------
    theta12, theta13, theta23 : float
        Mixing angles [rad] of the PDG parametrization ([PDG] eq. 14.33).
    delta_cp : float
        Dirac CP phase [rad].
    dm2_21, dm2_31 : float
        m_2^2 - m_1^2 and m_3^2 - m_1^2 [eV^2] (dm2_31 < 0 for inverted ordering).
    """

    theta12: float
    theta13: float
    theta23: float
    delta_cp: float
    dm2_21: float
    dm2_31: float


#: NuFIT 6.0 (2024) best fit, normal ordering, with SK+IC atmospheric data (arXiv:2410.05380,
#: www.nu-fit.org): theta12 = 33.68 deg, theta13 = 8.56 deg, theta23 = 43.3 deg, delta = 212 deg,
#: dm2_21 = 7.49e-5 eV^2, dm2_31 = 2.513e-3 eV^2. Quoted from memory of the NuFIT table, not
#: re-checked against it in this session; at short baselines (L/E < 1 km/GeV) these phases are
#: below 3e-3 and the values barely matter.
NUFIT60_NO = ThreeFlavourParameters(
    theta12=np.deg2rad(33.68),
    theta13=np.deg2rad(8.56),
    theta23=np.deg2rad(43.3),
    delta_cp=np.deg2rad(212.0),
    dm2_21=7.49e-5,
    dm2_31=2.513e-3,
)


def _rotation(
    n: int, i: int, j: int, theta: NDArray[np.float64], delta: NDArray[np.float64] | float = 0.0
) -> NDArray[np.complex128]:
    """Complex rotation in the (i, j) plane, shape ``theta.shape + (n, n)``.

    R_ii = R_jj = cos, R_ij = sin e^{-i delta}, R_ji = -sin e^{+i delta} ([PDG] eq. 14.33
    convention).
    """
    theta, delta = np.broadcast_arrays(np.asarray(theta, float), np.asarray(delta, float))
    r = np.zeros((*theta.shape, n, n), dtype=complex)
    for k in range(n):
        r[..., k, k] = 1.0
    c, s = np.cos(theta), np.sin(theta)
    r[..., i, i] = c
    r[..., j, j] = c
    r[..., i, j] = s * np.exp(-1j * delta)
    r[..., j, i] = -s * np.exp(1j * delta)
    return r


def mixing_matrix_3p1(
    ue4_sq: ArrayLike,
    umu4_sq: ArrayLike,
    utau4_sq: ArrayLike = 0.0,
    *,
    three_flavour: ThreeFlavourParameters = NUFIT60_NO,
    delta_14: ArrayLike = 0.0,
    delta_24: ArrayLike = 0.0,
) -> NDArray[np.complex128]:
    """Unitary 4x4 mixing matrix U = R34 R24(delta_24) R14(delta_14) R23 R13(delta_cp) R12.

    The ordering is the usual 3+1 one ([GL] eq. 4.1): its fourth column is
    (s14, c14 s24, c14 c24 s34, c14 c24 c34) up to phases, so the inputs map one to one onto the
    angles: s14^2 = |U_e4|^2, s24^2 = |U_mu4|^2 / (1 - |U_e4|^2),
    s34^2 = |U_tau4|^2 / (1 - |U_e4|^2 - |U_mu4|^2). With the sterile angles at zero the upper
    3x3 block is the PDG matrix of ``three_flavour``.

    Parameters
    ----------
    ue4_sq, umu4_sq, utau4_sq : array_like
        |U_e4|^2, |U_mu4|^2, |U_tau4|^2, each in [0, 1], with sum <= 1 (unitarity), broadcast.
    three_flavour : ThreeFlavourParameters
        Standard angles and phase (only the angles and delta_cp enter U).
    delta_14, delta_24 : array_like
        Extra CP phases [rad] (0: real sterile sector).

    Returns
    -------
    ndarray of complex, shape ``broadcast(...) + (4, 4)``
        U[..., alpha, i], rows alpha = e, mu, tau, s; columns the mass states 1..4.

    Raises
    ------
    ValueError
        For non-finite input, an element outside [0, 1], or |U_e4|^2 + |U_mu4|^2 + |U_tau4|^2 > 1.
    """
    e = _unit_interval(ue4_sq, "ue4_sq")
    m = _unit_interval(umu4_sq, "umu4_sq")
    t = _unit_interval(utau4_sq, "utau4_sq")
    d14 = _finite(delta_14, "delta_14")
    d24 = _finite(delta_24, "delta_24")
    e, m, t, d14, d24 = np.broadcast_arrays(e, m, t, d14, d24)
    total = e + m + t
    if np.any(total > 1.0 + 1e-12):
        raise ValueError(
            "|U_e4|^2 + |U_mu4|^2 + |U_tau4|^2 must be <= 1 (unitarity of the 4x4 matrix), "
            f"got a maximum of {float(np.max(total))!r}"
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        s24_sq = np.where(e < 1.0, m / np.where(e < 1.0, 1.0 - e, 1.0), 0.0)
        rest = 1.0 - e - m
        s34_sq = np.where(rest > 0.0, t / np.where(rest > 0.0, rest, 1.0), 0.0)
    th14 = np.arcsin(np.sqrt(e))
    th24 = np.arcsin(np.sqrt(np.clip(s24_sq, 0.0, 1.0)))
    th34 = np.arcsin(np.sqrt(np.clip(s34_sq, 0.0, 1.0)))
    p = three_flavour
    zero = np.zeros(e.shape)
    u3 = (
        _rotation(4, 1, 2, zero + p.theta23)
        @ _rotation(4, 0, 2, zero + p.theta13, p.delta_cp)
        @ _rotation(4, 0, 1, zero + p.theta12)
    )
    return (
        _rotation(4, 2, 3, th34)
        @ _rotation(4, 1, 3, th24, d24)
        @ _rotation(4, 0, 3, th14, d14)
        @ u3
    )


def probability_matrix(
    U: ArrayLike,
    dm2_i1_eV2: ArrayLike,
    L_km: ArrayLike,
    E_GeV: ArrayLike,
    *,
    antineutrino: bool = False,
) -> NDArray[np.float64]:
    """All vacuum transition probabilities P[..., a, b] = P(nu_a -> nu_b) for N flavours.

    P(nu_a -> nu_b) = | sum_i U*_ai U_bi exp(-i m_i^2 L / 2E) |^2   ([GK] eq. 7.21; [PDG] eq. 14.9),
    with m_i^2 L / 2E = 2 K dm2_i1 L[km] / E[GeV] (the common phase of m_1 drops out).
    Antineutrinos: U -> U*.

    Parameters
    ----------
    U : array_like, shape ``(..., N, N)``
        Unitary mixing matrix, rows flavours, columns mass states (not checked for unitarity).
    dm2_i1_eV2 : array_like, shape ``(..., N)``
        m_i^2 - m_1^2 [eV^2] (first entry 0; entries may be negative).
    L_km, E_GeV : array_like
        Baseline [km] and energy [GeV], broadcast against the leading dimensions of U and dm2.
    antineutrino : bool
        Use U* (antineutrino oscillations).

    Returns
    -------
    ndarray, shape ``broadcast(U[..., 0, 0], dm2[..., 0], L, E) + (N, N)``
    """
    u = np.asarray(U, dtype=complex)
    if u.ndim < 2 or u.shape[-1] != u.shape[-2] or not np.all(np.isfinite(u)):
        raise ValueError("U must be a finite array of shape (..., N, N)")
    dm2 = _finite(dm2_i1_eV2, "dm2_i1_eV2")
    L = _non_negative(L_km, "L_km", "km")
    E = _positive(E_GeV, "E_GeV", "GeV")
    if antineutrino:
        u = u.conj()
    phase = 2.0 * OSC_PHASE_CONSTANT * dm2 * (L / E)[..., None]
    amp = np.einsum("...ai,...i,...bi->...ab", u.conj(), np.exp(-1j * phase), u)
    return np.abs(amp) ** 2


def _flavour_index(flavour: str | int) -> int:
    if isinstance(flavour, str):
        try:
            return FLAVOURS[flavour]
        except KeyError:
            raise ValueError(f"unknown flavour {flavour!r}; known: {sorted(FLAVOURS)}") from None
    if int(flavour) not in range(4):
        raise ValueError(f"flavour index must be 0..3, got {flavour!r}")
    return int(flavour)


def oscillation_probability(
    U: ArrayLike,
    dm2_i1_eV2: ArrayLike,
    initial: str | int,
    final: str | int,
    L_km: ArrayLike,
    E_GeV: ArrayLike,
    *,
    antineutrino: bool = False,
) -> NDArray[np.float64] | float:
    """P(nu_initial -> nu_final) from a mixing matrix, see :func:`probability_matrix`.

    Flavours are ``"e"``, ``"mu"``, ``"tau"``, ``"s"`` or row indices 0-3.
    """
    a, b = _flavour_index(initial), _flavour_index(final)
    return _out(
        probability_matrix(U, dm2_i1_eV2, L_km, E_GeV, antineutrino=antineutrino)[..., a, b]
    )


def oscillation_probability_3p1(
    initial: str | int,
    final: str | int,
    L_km: ArrayLike,
    E_GeV: ArrayLike,
    dm2_41_eV2: ArrayLike,
    ue4_sq: ArrayLike,
    umu4_sq: ArrayLike,
    utau4_sq: ArrayLike = 0.0,
    *,
    antineutrino: bool = False,
    three_flavour: ThreeFlavourParameters = NUFIT60_NO,
    standard_phases: bool = True,
    delta_14: ArrayLike = 0.0,
    delta_24: ArrayLike = 0.0,
) -> NDArray[np.float64] | float:
    """Exact 3+1 vacuum probability P(nu_initial -> nu_final) at (L [km], E [GeV]).

    U from :func:`mixing_matrix_3p1`; masses m_1 = 0 (the choice is irrelevant), dm2_21 and dm2_31
    from ``three_flavour``, dm2_41 given. With ``standard_phases=False`` the solar and atmospheric
    splittings are set to zero: the short-baseline limit, in which this reproduces exactly
    P(mu -> e) = 4 |U_e4|^2 |U_mu4|^2 sin^2(K dm2_41 L/E) and
    P(a -> a) = 1 - 4 |U_a4|^2 (1 - |U_a4|^2) sin^2(...) ([GL]). dm2_41 is measured from m_1
    (dm2_41 = m_4^2 - m_1^2 >= 0 is required: the 3+1 model with a heavier fourth state).

    Parameters broadcast together (sterile parameters with L and E), so
    ``dm2_41[:, None, None]``, ``ue4_sq[None, :, None]``, ``E[None, None, :]`` gives a grid.
    """
    dm41 = _non_negative(dm2_41_eV2, "dm2_41_eV2", "eV^2")
    u = mixing_matrix_3p1(
        ue4_sq, umu4_sq, utau4_sq, three_flavour=three_flavour, delta_14=delta_14, delta_24=delta_24
    )
    p = three_flavour
    d21, d31 = (p.dm2_21, p.dm2_31) if standard_phases else (0.0, 0.0)
    dm41_b = np.broadcast_to(dm41, np.broadcast_shapes(dm41.shape, u.shape[:-2]))
    dm2 = np.stack([np.zeros_like(dm41_b), d21 + 0 * dm41_b, d31 + 0 * dm41_b, dm41_b], axis=-1)
    return oscillation_probability(u, dm2, initial, final, L_km, E_GeV, antineutrino=antineutrino)


def sin2_2theta_mue(ue4_sq: ArrayLike, umu4_sq: ArrayLike) -> NDArray[np.float64] | float:
    """Effective appearance amplitude sin^2 2theta_mue = 4 |U_e4|^2 |U_mu4|^2 ([GL])."""
    e = _unit_interval(ue4_sq, "ue4_sq")
    m = _unit_interval(umu4_sq, "umu4_sq")
    if np.any(e + m > 1.0 + 1e-12):
        raise ValueError("|U_e4|^2 + |U_mu4|^2 must be <= 1 (unitarity)")
    return _out(4.0 * e * m)


def sin2_2theta_disappearance(ua4_sq: ArrayLike) -> NDArray[np.float64] | float:
    """Effective disappearance amplitude sin^2 2theta_aa = 4 |U_a4|^2 (1 - |U_a4|^2) ([GL])."""
    a = _unit_interval(ua4_sq, "ua4_sq")
    return _out(4.0 * a * (1.0 - a))
