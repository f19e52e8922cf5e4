"""Dark Compton scattering gamma + e- -> A' + e- on atomic electrons (at rest), at epsilon = 1.

Kinematics and notation ([DER]): photon k (energy E_gamma) on an electron p at rest, A'
k' (mass M), recoil electron p'. s = m_e^2 + 2 m_e E_gamma, t = (k - k')^2, u = (p - k')^2,
s + t + u = 2 m_e^2 + M^2, S = s - m_e^2 > 0 and U = u - m_e^2 < 0; the code works with
V = -U = 2 m_e E_A' - M^2 > 0 (E_A' the lab energy), which is exact and free of cancellations.

Spin- and polarization-averaged squared amplitude at eps = 1 (e^4 = 16 pi^2 alpha^2)::

    <|A|^2> = e^4 { 2 [ -U/S - S/U + 4 m^2 (1/S + 1/U) + 4 m^4 (1/S + 1/U)^2 ]
                    + 4 M^2 [ m^2 (1/S^2 + 1/U^2) + 1/S + 1/U - M^2/(S U) ] }

dsigma/dt = <|A|^2> / (16 pi S^2); dsigma/dcos(theta*) = <|A|^2> p'*/(32 pi s k*) in the CM frame.
Threshold E_gamma > M + M^2/(2 m_e). The u-channel pole 1/U is regulated only by m_e, which is
kept exactly everywhere. The amplitude was re-checked for this module against explicit
4x4 Dirac-matrix traces with the massive polarization sum -g + k k/M^2 (agreement 1e-8 at random
phase-space points); M -> 0 is the Peskin-Schroeder Compton amplitude, eq. (5.87), and gives the
Klein-Nishina cross section.

Total cross section (derived for this module): at fixed S the bracket is a Laurent polynomial in V,
{B} = c1 V + c0 + c_1/V + c_2/V^2 with

    c1 = 2/S,   c0 = 8 m^2/S + 8 m^4/S^2 + 4 M^2 m^2/S^2 + 4 M^2/S,
    c_1 = 2 S - 8 m^2 - 16 m^4/S - 4 M^2 + 4 M^4/S,   c_2 = 8 m^4 + 4 M^2 m^2,

so sigma = (pi alpha^2 / S^2) int_{V_lo}^{V_hi} {B} dV in closed form, V_lo (A' backward in the CM)
to V_hi = V_lo + 4 k* p'*.

Sampling is exact at any energy: rejection from an envelope A1/V + A0 + 2 V/S >= {B} (see
:func:`_sample_v`), whose three pieces are drawn by inverse transform; the acceptance is above
60 % (checked for M from 1 keV to 0.3 GeV, from threshold to 1e6 times it) and close to 100 % at
high energy.

References
----------
* [DER] derived for this package: <|A|^2> from explicit Dirac-matrix spin and polarisation sums;
  its M -> 0 limit is [PS] and reproduces Klein-Nishina [KN]; the check values are computed for
  this package.
* [KN] O. Klein, Y. Nishina, Z. Phys. 52 (1929) 853.
* [PS] M. Peskin, D. Schroeder, An Introduction to QFT (1995), eq. (5.87) (Compton, M = 0).
* [PETITE] N. Blinov, P. J. Fox, K. J. Kelly, P. A. N. Machado, R. Plestid, arXiv:2401.06843
  (dark Compton in EM showers).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal._validation import scalar_or_array as _out
from nuportal.sources.shower.processes import DarkProducts, Species
from nuportal.sources.shower.qed_constants import ALPHA, GEV2_CM2, M_E

__all__ = [
    "DarkCompton",
    "dark_compton_amplitude_squared",
    "dark_compton_cross_section",
    "dark_compton_dsigma_dcos",
    "dark_compton_threshold",
]

_M2 = M_E * M_E
_E4 = 16.0 * math.pi**2 * ALPHA**2  # e^4


# ------------------------------------------------------------------------ input checks (shared)
def _check_mass(mass: ArrayLike, allow_zero: bool = True) -> NDArray[np.float64]:
    """Dark-photon mass [GeV] as an array; ValueError unless finite and >= 0 (> 0 if not
    ``allow_zero``). M = 0 is accepted by the cross-section functions (ordinary QED limit)."""
    m = np.asarray(mass, dtype=float)
    bad = ~np.isfinite(m) | ((m < 0.0) if allow_zero else (m <= 0.0))
    if np.any(bad):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"mass must be finite and {bound} GeV, got {mass!r}")
    return m


def _check_energy(energy: ArrayLike, name: str = "energy") -> NDArray[np.float64]:
    e = np.asarray(energy, dtype=float)
    if np.any(~np.isfinite(e)):
        raise ValueError(f"{name} must be finite (GeV), got {energy!r}")
    return e


def _check_cos(cos_theta: ArrayLike, name: str = "cos_theta_cm") -> NDArray[np.float64]:
    c = np.asarray(cos_theta, dtype=float)
    if np.any(~np.isfinite(c)) or np.any(np.abs(c) > 1.0):
        raise ValueError(f"{name} must be in [-1, 1], got {cos_theta!r}")
    return c


def _material_z(material: Any) -> float:
    """Atomic number of a material-like object (anything with a ``.Z``), checked > 0."""
    try:
        z = float(material.Z)
    except (AttributeError, TypeError) as exc:
        raise ValueError(
            f"material must have a numeric atomic number .Z, got {material!r}"
        ) from exc
    if not (math.isfinite(z) and z > 0.0):
        raise ValueError(f"material.Z must be finite and > 0, got {z!r}")
    return z


def _check_process_mass(mass: float) -> float:
    m = float(mass)
    if not (math.isfinite(m) and m > 0.0):
        raise ValueError(f"mass must be finite and > 0 GeV, got {mass!r}")
    return m


class _LogEnergyTable:
    """sigma(E) tabulated on a grid uniform in ln(E - E_th) and interpolated linearly in
    (ln(E - E_th), ln sigma); outside the grid (E - E_th below ``rel_lo * max(E_th, m_e)`` or E
    above ``e_max``) ``func`` is evaluated directly, and sigma = 0 at and below threshold.

    Near threshold ln sigma is linear in ln(E - E_th) (power-law onset), so the interpolation
    is accurate there as well; with 128 points per decade the error is below 1e-4.
    """

    def __init__(
        self,
        func: Callable[[NDArray[np.float64]], NDArray[np.float64]],
        threshold: float,
        e_max: float,
        points_per_decade: int = 128,
        rel_lo: float = 1e-7,
    ) -> None:
        if not (math.isfinite(e_max) and e_max > threshold * (1.0 + 1e-6)):
            raise ValueError(
                f"e_max must be finite and above the threshold {threshold:.6g} GeV, got {e_max!r}"
            )
        self._func = func
        self._threshold = threshold
        lo = rel_lo * max(threshold, M_E)
        hi = e_max - threshold
        n = max(math.ceil(math.log10(hi / lo) * points_per_decade) + 1, 2)
        self._x = np.linspace(math.log(lo), math.log(hi), n)
        self._lo, self._hi = lo, hi
        self._y = np.log(func(threshold + np.exp(self._x)))

    def __call__(self, energy: NDArray[np.float64]) -> NDArray[np.float64]:
        d = energy - self._threshold
        out = np.zeros(np.shape(energy))
        inside = (d >= self._lo) & (d <= self._hi)
        out[inside] = np.exp(np.interp(np.log(d[inside]), self._x, self._y))
        rest = (d > 0.0) & ~inside
        if np.any(rest):
            out[rest] = self._func(energy[rest])
        return out


# ------------------------------------------------------------------------ physics (one home each)
def dark_compton_threshold(mass: ArrayLike) -> NDArray[np.float64] | float:
    """Photon energy threshold of gamma e -> A' e on an electron at rest [GeV].

    s = (m_e + M)^2, i.e. E_gamma = M + M^2 / (2 m_e)  ([DER]).
    """
    m = _check_mass(mass)
    return _out(m + m * m / (2.0 * M_E))


def _coefficients(mass: ArrayLike) -> tuple[Any, Any, Any]:
    """c2 = 8 m^4 + 4 M^2 m^2, c1 = 8 m^2 + 4 M^2, c3 = 8 M^2 m^2 + 4 M^4 [GeV^4, GeV^2, GeV^4]."""
    mm = np.asarray(mass, dtype=float) ** 2
    return 8.0 * _M2 * _M2 + 4.0 * mm * _M2, 8.0 * _M2 + 4.0 * mm, 8.0 * mm * _M2 + 4.0 * mm * mm


def _bracket(s_big: Any, v: Any, y: Any, mass: ArrayLike) -> Any:
    """<|A|^2> / e^4 from S = s - m^2, V = -(u - m^2) and y = S - V = 2 k.k' (module docstring).

    Written as 2 V/S + 2 S/V + c2 z^2 - c1 z + c3/(S V) with z = 1/V - 1/S = y/(S V) >= 0, an
    exact rewriting of the [DER] bracket (1/S + 1/U = -z, 1/S^2 + 1/U^2 = z^2 + 2/(S V)) that
    has no large cancelling terms in the Thomson regime E_gamma << m_e.
    """
    c2, c1, c3 = _coefficients(mass)
    sv = s_big * v
    z = y / sv
    return 2.0 * v / s_big + 2.0 * s_big / v + (c2 * z - c1) * z + c3 / sv


def _cm_frame(e_gamma: NDArray[np.float64], mass: NDArray[np.float64]) -> tuple[Any, ...]:
    """S, s, photon CM momentum k*, A' CM momentum p'*, V_lo and dV = V_hi - V_lo (above
    threshold; callers mask)."""
    s_big = 2.0 * M_E * e_gamma
    s = _M2 + s_big
    rs = np.sqrt(s)
    mm = mass * mass
    k = s_big / (2.0 * rs)
    e_e = (s + _M2) / (2.0 * rs)
    e_a = (s + mm - _M2) / (2.0 * rs)
    lam = np.clip((s - (mass + M_E) ** 2) * (s - (mass - M_E) ** 2), 0.0, None)
    p_a = np.sqrt(lam) / (2.0 * rs)
    # E_e E_a - k p_a without cancellation: (E_e^2 E_a^2 - k^2 p_a^2) / (E_e E_a + k p_a).
    v_lo = 2.0 * (k * k * mm + _M2 * p_a * p_a + _M2 * mm) / (e_e * e_a + k * p_a) - mm
    return s_big, s, k, p_a, v_lo, 4.0 * k * p_a


def dark_compton_amplitude_squared(
    s: ArrayLike, t: ArrayLike, mass: ArrayLike
) -> NDArray[np.float64] | float:
    """Spin/polarization-averaged <|A|^2> of gamma e -> A' e at eps = 1 (dimensionless).

    [DER] (formula in the module docstring), the one home of the formula (the code
    evaluates it in the variables S = s - m_e^2 and V = M^2 - S - t = -(u - m_e^2)).

    Parameters
    ----------
    s, t : float or array_like
        Mandelstam s = (k + p)^2 and t = (k - k')^2 [GeV^2], in the physical region.
    mass : float or array_like
        M [GeV], finite and >= 0 (M = 0: ordinary Compton scattering).

    Returns
    -------
    float or numpy.ndarray
        <|A|^2>; multiply by eps^2 for kinetic mixing eps.
    """
    m = _check_mass(mass)
    s_big = np.asarray(s, dtype=float) - _M2
    y = m * m - np.asarray(t, dtype=float)  # S - V = M^2 - t = 2 k.k'
    return _out(_E4 * _bracket(s_big, s_big - y, y, m))


def dark_compton_dsigma_dcos(
    e_gamma: ArrayLike, cos_theta_cm: ArrayLike, mass: ArrayLike
) -> NDArray[np.float64] | float:
    """dsigma/dcos(theta*) of gamma e -> A' e per electron at eps = 1 [cm^2].

    dsigma/dcos = <|A|^2> p'* / (32 pi s k*) ([DER]), theta* the angle of the A' to the
    incoming photon in the CM frame; V = V_lo + 2 k* p'* (1 + cos theta*). Zero at and below
    threshold.

    Parameters
    ----------
    e_gamma : float or array_like
        Photon energy in the frame of the electron at rest [GeV].
    cos_theta_cm : float or array_like
        cos(theta*) in [-1, 1] (broadcasts with ``e_gamma``).
    mass : float or array_like
        M [GeV], finite and >= 0.
    """
    e = _check_energy(e_gamma, "e_gamma")
    c = _check_cos(cos_theta_cm)
    m = _check_mass(mass)
    e, c, m = np.broadcast_arrays(e, c, m)
    above = e > m + m * m / (2.0 * M_E)
    e_ok = np.where(above, e, 2.0 * (m + M_E) + 1.0)
    s_big, s, k, p_a, v_lo, _ = _cm_frame(e_ok, m)
    v = v_lo + 2.0 * k * p_a * (1.0 + c)
    # y = S - V = 2 k* (E'* - p'* cos) with E'* - p'* = M^2 / (E'* + p'*): no cancellation.
    e_a = np.sqrt(p_a * p_a + m * m)
    y = 2.0 * k * (m * m / (e_a + p_a) + p_a * (1.0 - c))
    dsig = math.pi * ALPHA**2 * _bracket(s_big, v, y, m) * p_a / (2.0 * s * k) * GEV2_CM2
    return _out(np.where(above, dsig, 0.0))


def dark_compton_cross_section(e_gamma: ArrayLike, mass: ArrayLike) -> NDArray[np.float64] | float:
    """Total cross section of gamma e -> A' e per electron at eps = 1 [cm^2].

    Closed-form integral of dsigma/dt (module docstring; [DER]). Zero at and below
    the threshold E_gamma = M + M^2/(2 m_e). M = 0 gives Klein-Nishina ([KN]).
    Check values ([DER]): 9.43e-28 (1 GeV, M = 10 MeV), 1.387e-28 (10 GeV, 10 MeV),
    3.49e-29 cm^2 (10 GeV, 100 MeV).

    Parameters
    ----------
    e_gamma : float or array_like
        Photon energy [GeV] (electron at rest).
    mass : float or array_like
        M [GeV], finite and >= 0.
    """
    e = _check_energy(e_gamma, "e_gamma")
    m = _check_mass(mass)
    e, m = np.broadcast_arrays(e, m)
    above = e > m + m * m / (2.0 * M_E)
    e_ok = np.where(above, e, 2.0 * (m + M_E) + 1.0)
    s_big, _, _, _, v_lo, dv = _cm_frame(e_ok, m)
    mm = m * m
    m4 = _M2 * _M2
    v_hi = v_lo + dv
    c1 = 2.0 / s_big
    c0 = (8.0 * _M2 + 4.0 * mm) / s_big + (8.0 * m4 + 4.0 * mm * _M2) / s_big**2
    cm1 = 2.0 * s_big - 8.0 * _M2 - 4.0 * mm + (4.0 * mm * mm - 16.0 * m4) / s_big
    cm2 = 8.0 * m4 + 4.0 * mm * _M2
    integral = (
        c1 * dv * (v_hi + v_lo) / 2.0
        + c0 * dv
        + cm1 * np.log1p(dv / v_lo)
        + cm2 * dv / (v_lo * v_hi)
    )
    sigma = math.pi * ALPHA**2 / s_big**2 * integral * GEV2_CM2
    return _out(np.where(above, sigma, 0.0))


def _sample_v(
    s_big: NDArray[np.float64],
    v_lo: NDArray[np.float64],
    dv: NDArray[np.float64],
    mass: float,
    rng: np.random.Generator,
) -> NDArray[np.float64]:
    """V = 2 m_e E_A' - M^2 distributed as dsigma/dV, by rejection (module docstring).

    Envelope: with 0 <= z <= z_max = 1/V_lo - 1/S, c2 z^2 <= c2 z_max z, hence
    {B} <= 2 V/S + 2 S/V + kappa z + c3/(S V), kappa = c2 z_max - c1. Either kappa z is split as
    kappa/V - kappa/S (envelope 2 V/S + A1/V + A0, A1 = 2 S + kappa + c3/S, A0 = -kappa/S, a
    negative A0 or A1 replaced by 0), or, if kappa < 0, dropped (A1 = 2 S + c3/S, A0 = 0); per
    sample the envelope of smaller integral is used. Its pieces V, 1 and 1/V are drawn by inverse
    transform.
    """
    c2, c1, c3 = _coefficients(mass)
    out = np.empty(s_big.shape)
    todo = np.arange(s_big.size)
    while todo.size:
        sb, lo, d = s_big[todo], v_lo[todo], dv[todo]
        hi = lo + d
        log_ratio = np.log1p(d / lo)
        kappa = c2 * (sb - lo) / (sb * lo) - c1
        c = 2.0 / sb
        a_split = np.clip(2.0 * sb + kappa + c3 / sb, 0.0, None)
        b_split = np.clip(-kappa / sb, 0.0, None)
        a_drop = 2.0 * sb + c3 / sb
        use_drop = (kappa < 0.0) & (a_drop * log_ratio < a_split * log_ratio + b_split * d)
        a = np.where(use_drop, a_drop, a_split)
        b = np.where(use_drop, 0.0, b_split)
        w_a = a * log_ratio
        w_b = b * d
        w_c = c * d * (hi + lo) / 2.0
        r = rng.random((3, todo.size))
        pick = r[0] * (w_a + w_b + w_c)
        v = np.where(
            pick < w_a,
            lo * np.exp(r[1] * log_ratio),
            np.where(pick < w_a + w_b, lo + r[1] * d, np.sqrt(lo * lo + r[1] * d * (hi + lo))),
        )
        v = np.clip(v, lo, hi)
        accept = r[2] * (a / v + b + c * v) <= _bracket(sb, v, sb - v, mass)
        out[todo[accept]] = v[accept]
        todo = todo[~accept]
    return out


class DarkCompton:
    """gamma e- -> A' e- on the atomic electrons of one material, at epsilon = 1.

    Follows :class:`~nuportal.sources.shower.processes.DarkProcess`: ``cross_section`` per atom
    (Z times the per-electron :func:`dark_compton_cross_section`) [cm^2], interpolated from a table
    built at construction (~1 ms); ``sample`` draws the A' exactly from dsigma/dcos.

    Parameters
    ----------
    material : object with ``.Z``
        Target material (duck-typed; only the atomic number, electrons per atom, is used).
    mass : float
        Dark-photon mass M [GeV], finite and > 0.
    e_max : float, keyword-only
        Upper end of the cross-section table [GeV] (above it the closed form is evaluated
        directly, so results stay exact, only slower).
    """

    name: str = "dark_compton"
    incoming: Species = Species.PHOTON

    def __init__(self, material: Any, mass: float, *, e_max: float = 1.0e4) -> None:
        self.material = material
        self.Z = _material_z(material)
        self.mass = _check_process_mass(mass)
        #: Threshold photon energy M + M^2/(2 m_e) [GeV].
        self.threshold = float(dark_compton_threshold(self.mass))
        m = self.mass
        self._table = _LogEnergyTable(
            lambda e: np.asarray(dark_compton_cross_section(e, m)), self.threshold, float(e_max)
        )

    def __repr__(self) -> str:
        return f"DarkCompton(Z={self.Z!r}, mass={self.mass!r})"

    def cross_section(self, energy: ArrayLike) -> NDArray[np.float64]:
        """Cross section per atom at eps = 1 [cm^2] at photon energy ``energy`` [GeV]; 0 at and
        below threshold."""
        e = _check_energy(energy)
        return self.Z * self._table(e)

    def sample(self, energy: ArrayLike, rng: np.random.Generator) -> DarkProducts:
        """Draw the A' of gamma e -> A' e for photons of energy ``energy`` [GeV].

        Parameters
        ----------
        energy : float or array_like
            Photon energies [GeV], all above :attr:`threshold`.
        rng : numpy.random.Generator

        Returns
        -------
        DarkProducts
            A' total energy [GeV] and cos of its angle to the photon direction (lab frame, the
            electron at rest), arrays of the shape of ``energy``. Exact: E_A' = (M^2 + V)/(2 m_e)
            and E_A' - p_A' cos theta = (S - V)/(2 E_gamma), so the recoil electron
            k + p - k' is on shell.
        """
        e = _check_energy(energy)
        if np.any(e <= self.threshold):
            raise ValueError(
                f"energy must be above the dark-Compton threshold {self.threshold:.6g} GeV "
                f"(mass = {self.mass!r} GeV), got min {float(np.min(e))!r} GeV"
            )
        flat = e.ravel()
        m = np.full(flat.shape, self.mass)
        s_big, _, _, _, v_lo, dv = _cm_frame(flat, m)
        v = _sample_v(s_big, v_lo, dv, self.mass, rng)
        mm = self.mass * self.mass
        e_a = (mm + v) / (2.0 * M_E)
        p_a = np.sqrt(np.clip((e_a - self.mass) * (e_a + self.mass), 0.0, None))
        num = e_a - (s_big - v) / (2.0 * flat)
        cos = np.where(p_a > 0.0, num / np.where(p_a > 0.0, p_a, 1.0), 1.0)
        return DarkProducts(e_a.reshape(e.shape), np.clip(cos, -1.0, 1.0).reshape(e.shape))
