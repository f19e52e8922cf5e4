"""Continuous energy loss of electrons and positrons: collision (ionization) and radiative.

Collision stopping power (unrestricted; tau = T/m_e, beta, gamma of the lepton; n_e electrons
per cm^3; I mean excitation energy; delta density effect):

    -dE/dx = 2 pi r_e^2 m_e n_e (1/beta^2) [ln(tau^2 (tau + 2) / (2 (I/m_e)^2)) + F(tau) - delta],
    F-(tau) = (1 - beta^2) [1 + tau^2/8 - (2 tau + 1) ln 2],
    F+(tau) = 2 ln 2 - (beta^2/12) [23 + 14/(tau + 2) + 10/(tau + 2)^2 + 4/(tau + 2)^3]

(2 pi r_e^2 m_e n_e = (K/2)(Z/A) rho with K = 4 pi N_A r_e^2 m_e). Restricted to energy
transfers below the delta-ray cut Delta (in units of m_e):

    -dE/dx = 2 pi r_e^2 m_e n_e (1/beta^2) [ln(2 (tau + 2) / (I/m_e)^2) + F(tau, Delta) - delta],
    F-(tau, D) = -1 - beta^2 + ln((tau - D) D) + tau/(tau - D)
                 + [D^2/2 + (2 tau + 1) ln(1 - D/tau)] / gamma^2,            D <= tau/2,
    F+(tau, D) = ln(tau D) - (beta^2/tau) [tau + 2 D - (3/2) D^2 y - (D - D^3/3) y^2
                 - (D^2/2 - tau D^3/3 + D^4/4) y^3],  y = 1/(gamma + 1),      D <= tau,

which equal the unrestricted forms at D = tau/2 (e-) and D = tau (e+), and differ from them by
exactly the energy carried by Moller/Bhabha delta rays above the cut (tested).

Density effect: Sternheimer-Peierls general formula from I and the plasma energy
hbar omega_p = hbar c sqrt(4 pi n_e r_e); with X = log10(beta gamma), C = 2 ln(I/hbar omega_p) + 1:
delta = 2 ln 10 X - C + a (X1 - X)^3 for X0 <= X < X1, 2 ln 10 X - C above X1, 0 below X0, and
for solids and liquids: I < 100 eV: X1 = 2, X0 = 0.2 if C < 3.681 else 0.326 C - 1.0;
I >= 100 eV: X1 = 3, X0 = 0.2 if C < 5.215 else 0.326 C - 1.5; a = (C - 2 ln 10 X0)/(X1 - X0)^3.

Radiative stopping power: n_A integral k dsigma/dk dk of the bremsstrahlung differential cross
section (:mod:`~nuportal.sources.shower.bremsstrahlung`), the same for e- and e+.

Validity: the Bethe-type formulas hold for T >> I (here T >~ 10 keV); below 1 keV the tables are
clamped (loss rate) or scaled (range), see the functions.

References
----------
ICRU Report 37 (1984), Stopping powers for electrons and positrons (Rohrlich-Carlson forms of
F+-; M. J. Berger, S. M. Seltzer, NBSIR 82-2550 (1982) for the restricted forms, also in the
Geant4 Physics Reference Manual, "Ionization" of e+-); PDG "Passage of particles through matter"
(K, Bethe equation); R. M. Sternheimer, R. F. Peierls, Phys. Rev. B 3 (1971) 3681 (general
density-effect formula); B. Rossi, High-Energy Particles (1952) (critical energy); PDG RPP 2012
(PRD 86, 010001), Fig. 30.14 caption (Ec = 610 MeV/(Z + 1.24) fit).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import brentq

from nuportal._validation import scalar_or_array
from nuportal.sources.shower.bremsstrahlung import integrate_brems_spectrum
from nuportal.sources.shower.materials import Material, resolve_material
from nuportal.sources.shower.processes import Species
from nuportal.sources.shower.qed_constants import CLASSICAL_ELECTRON_RADIUS, HBARC_GEV_CM, M_E
from nuportal.sources.shower.sm_tabulation import (
    MAX_ENERGY,
    check_cut,
    check_energy,
)

__all__ = [
    "collision_stopping_power",
    "continuous_energy_loss_rate",
    "critical_energy",
    "csda_range",
    "density_effect",
    "plasma_energy",
    "radiative_stopping_power",
    "restricted_collision_stopping_power",
    "sternheimer_peierls_parameters",
]

#: Lowest kinetic energy [GeV] of the loss and range tables (1 keV).
LOWEST_KINETIC: float = 1.0e-6
_LN2 = np.log(2.0)
_LN10 = np.log(10.0)


def _material(value: Material | str) -> Material:
    return resolve_material(value)


def plasma_energy(material: Material | str) -> float:
    """Plasma energy hbar omega_p = hbar c sqrt(4 pi n_e r_e) [GeV].

    PDG "Passage of particles through matter": hbar omega_p = 28.816 sqrt(rho <Z/A>) eV.
    """
    m = _material(material)
    return HBARC_GEV_CM * float(
        np.sqrt(4.0 * np.pi * m.electron_density * CLASSICAL_ELECTRON_RADIUS)
    )


def sternheimer_peierls_parameters(material: Material | str) -> tuple[float, float, float, float]:
    """Density-effect parameters (C, X0, X1, a) of the Sternheimer-Peierls general formula (m = 3).

    References
    ----------
    Sternheimer & Peierls, Phys. Rev. B 3 (1971) 3681 (solids and liquids).
    """
    m = _material(material)
    c = 2.0 * np.log(m.mean_excitation_energy / plasma_energy(m)) + 1.0
    if m.mean_excitation_energy < 100e-9:
        x1 = 2.0
        x0 = 0.2 if c < 3.681 else 0.326 * c - 1.0
    else:
        x1 = 3.0
        x0 = 0.2 if c < 5.215 else 0.326 * c - 1.5
    a = (c - 2.0 * _LN10 * x0) / (x1 - x0) ** 3
    return float(c), float(x0), float(x1), float(a)


def density_effect(beta_gamma: ArrayLike, material: Material | str) -> NDArray[np.float64] | float:
    """Density-effect correction delta(beta gamma) (Sternheimer-Peierls general formula)."""
    c, x0, x1, a = sternheimer_peierls_parameters(material)
    with np.errstate(divide="ignore"):
        x = np.log10(np.asarray(beta_gamma, dtype=float))
    d = 2.0 * _LN10 * x - c
    d = np.where(x < x1, d + a * np.clip(x1 - x, 0.0, None) ** 3, d)
    return scalar_or_array(np.where(x < x0, 0.0, d))


def _kinematics(energy: ArrayLike) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    """(tau, gamma, beta^2, beta gamma) of leptons of total energy [GeV] (checked >= m_e)."""
    e = check_energy(energy, minimum=M_E)
    tau = (e - M_E) / M_E
    gamma = tau + 1.0
    bg2 = tau * (tau + 2.0)
    return tau, gamma, bg2 / gamma**2, np.sqrt(bg2)


def _prefactor(m: Material) -> float:
    """2 pi r_e^2 m_e n_e [GeV/cm]."""
    return 2.0 * np.pi * CLASSICAL_ELECTRON_RADIUS**2 * M_E * m.electron_density


def collision_stopping_power(
    energy: ArrayLike, material: Material | str, positron: bool = False
) -> NDArray[np.float64] | float:
    """Unrestricted collision stopping power -dE/dx [GeV/cm] of e- (or e+) of total energy [GeV].

    ICRU 37 / Rohrlich-Carlson formula of the module docstring with the Sternheimer-Peierls
    density effect. Meaningful for T >~ 10 keV (T >> I); not clipped.
    """
    m = _material(material)
    tau, _, beta2, bg = _kinematics(energy)
    with np.errstate(divide="ignore", invalid="ignore"):
        if positron:
            y = 1.0 / (tau + 2.0)
            f = 2.0 * _LN2 - beta2 / 12.0 * (23.0 + y * (14.0 + y * (10.0 + 4.0 * y)))
        else:
            f = (1.0 - beta2) * (1.0 + tau**2 / 8.0 - (2.0 * tau + 1.0) * _LN2)
        i_over_m = m.mean_excitation_energy / M_E
        bracket = np.log(tau**2 * (tau + 2.0) / (2.0 * i_over_m**2)) + f - density_effect(bg, m)
        val = _prefactor(m) / beta2 * bracket
    return scalar_or_array(np.where(tau > 0.0, val, np.inf))


def restricted_collision_stopping_power(
    energy: ArrayLike, material: Material | str, electron_cut: float, positron: bool = False
) -> NDArray[np.float64] | float:
    """Collision stopping power [GeV/cm] restricted to energy transfers below ``electron_cut``.

    Berger-Seltzer formulas (ICRU 37) of the module docstring with Delta = min(cut, T/2) for e-
    and min(cut, T) for e+, so it equals :func:`collision_stopping_power` when no delta ray is
    possible. ``electron_cut`` is a kinetic energy [GeV].
    """
    m = _material(material)
    cut = check_cut(electron_cut, "electron_cut")
    tau, gamma, beta2, bg = _kinematics(energy)
    with np.errstate(divide="ignore", invalid="ignore"):
        if positron:
            d = np.minimum(cut / M_E, tau)
            y = 1.0 / (gamma + 1.0)
            f = np.log(tau * d) - beta2 / tau * (
                tau
                + 2.0 * d
                - 1.5 * d**2 * y
                - (d - d**3 / 3.0) * y**2
                - (d**2 / 2.0 - tau * d**3 / 3.0 + d**4 / 4.0) * y**3
            )
        else:
            d = np.minimum(cut / M_E, 0.5 * tau)
            f = (
                -1.0
                - beta2
                + np.log((tau - d) * d)
                + tau / (tau - d)
                + (0.5 * d**2 + (2.0 * tau + 1.0) * np.log1p(-d / tau)) / gamma**2
            )
        i_over_m = m.mean_excitation_energy / M_E
        bracket = np.log(2.0 * (tau + 2.0) / i_over_m**2) + f - density_effect(bg, m)
        val = _prefactor(m) / beta2 * bracket
    return scalar_or_array(np.where(tau > 0.0, val, np.inf))


def radiative_stopping_power(
    energy: ArrayLike, material: Material | str, photon_cut: float | None = None
) -> NDArray[np.float64] | float:
    """Radiative stopping power [GeV/cm]: n_A integral_0^kmax k dsigma/dk dk (bremsstrahlung).

    Parameters
    ----------
    energy : array_like
        Lepton total energy [GeV].
    material : Material or str
        Target material.
    photon_cut : float, optional
        If given, only photons below it count (k_max = min(cut, T), the soft part left to the
        continuous loss); if None, k_max = T (the full radiative loss).

    Notes
    -----
    Quadrature of :func:`~nuportal.sources.shower.bremsstrahlung.brems_dsigma_dk` from
    k = 1e-12 T (the neglected part is < 1e-11 relative) with the two-panel Gauss-Legendre rule of
    :func:`~nuportal.sources.shower.bremsstrahlung.integrate_brems_spectrum`.
    """
    m = _material(material)
    e = check_energy(energy, minimum=M_E)
    t = e - M_E
    k_high = t if photon_cut is None else np.minimum(check_cut(photon_cut, "photon_cut"), t)
    with np.errstate(invalid="ignore", divide="ignore"):
        val = integrate_brems_spectrum(e, 1e-12 * t, k_high, m.Z, moment=1)
    return scalar_or_array(np.where(t > 0.0, m.atom_density * val, 0.0))


@lru_cache(maxsize=64)
def _loss_table(
    material: Material, positron: bool, electron_cut: float, photon_cut: float
) -> tuple[NDArray, NDArray]:
    """(ln T, ln rate) on 64 points/decade from 1 keV to 1 PeV plus nodes at the kinks.

    The restricted collision loss has a kink where the delta-ray cut becomes active (T = 2 cut
    for e-, T = cut for e+) and the soft radiative loss where the photon cut does (T = cut);
    these energies and a geometric refinement above them are grid nodes, so that the log-log
    interpolation error stays < 2e-4 above 10 keV.
    """
    t_max = MAX_ENERGY - M_E
    n = int(np.ceil(np.log10(t_max / LOWEST_KINETIC) * 64)) + 1
    # the soft radiative loss varies steeply just above T = photon cut (the tip of its spectrum
    # reaches k = T there): geometric refinement above both kinks
    refine = 1.0 + np.concatenate([[0.0], np.geomspace(1e-4, 1.0, 33)])
    kinks = np.outer([electron_cut if positron else 2.0 * electron_cut, photon_cut], refine)
    kinks = kinks[(kinks > LOWEST_KINETIC) & (kinks < t_max)]
    t = np.unique(np.concatenate([np.geomspace(LOWEST_KINETIC, t_max, n), kinks]))
    e = np.minimum(t + M_E, MAX_ENERGY)
    rate = np.asarray(
        restricted_collision_stopping_power(e, material, electron_cut, positron)
    ) + np.asarray(radiative_stopping_power(e, material, photon_cut))
    return np.log(t), np.log(rate)


def _species(species: Species | int) -> bool:
    """True for positrons, False for electrons; ValueError for photons."""
    sp = Species(int(species))
    if sp is Species.PHOTON:
        raise ValueError("species must be Species.ELECTRON or Species.POSITRON, got PHOTON")
    return sp is Species.POSITRON


def continuous_energy_loss_rate(
    energy: ArrayLike,
    material: Material | str,
    species: Species | int,
    electron_cut: float,
    photon_cut: float,
) -> NDArray[np.float64] | float:
    """Continuous loss rate [GeV/cm] = restricted collision + soft radiative stopping power.

    Tabulated once per (material, species, cuts) on 64 points per decade of kinetic energy from
    1 keV to 1 PeV, refined at the cut-induced kinks, and interpolated log-log (error < 2e-4
    above 10 keV, < 2e-3 at 1-10 keV). Below T = 1 keV (outside the validity of the Bethe
    formula) the 1 keV value is returned.

    Parameters
    ----------
    energy : array_like
        Lepton total energy [GeV] (>= m_e).
    material : Material or str
        Target material.
    species : Species
        ELECTRON or POSITRON.
    electron_cut : float
        Delta-ray production cut, kinetic [GeV] (Moller/Bhabha above it are discrete).
    photon_cut : float
        Bremsstrahlung photon cut [GeV] (harder photons are discrete).
    """
    m = _material(material)
    log_t, log_rate = _loss_table(
        m,
        _species(species),
        check_cut(electron_cut, "electron_cut"),
        check_cut(photon_cut, "photon_cut"),
    )
    e = check_energy(energy, minimum=M_E)
    t = np.maximum(e - M_E, LOWEST_KINETIC)
    return scalar_or_array(np.exp(np.interp(np.log(t), log_t, log_rate)))


@lru_cache(maxsize=32)
def _range_table(material: Material, positron: bool) -> tuple[NDArray, NDArray]:
    """(ln T, ln R) on 32 points/decade from 1 keV to 1 PeV (trapezoid in ln T of T/S).

    The trapezoid rule on 4 x 32 points per decade of the smooth T/S(T) is accurate to ~1e-5.
    """
    t_max = MAX_ENERGY - M_E
    n = int(np.ceil(np.log10(t_max / LOWEST_KINETIC) * 32)) + 1
    t = np.geomspace(LOWEST_KINETIC, t_max, n)
    # 4 sub-intervals per grid step for the quadrature
    tf = np.geomspace(LOWEST_KINETIC, t_max, 4 * (n - 1) + 1)
    ef = np.minimum(tf + M_E, MAX_ENERGY)
    s = np.asarray(collision_stopping_power(ef, material, positron)) + np.asarray(
        radiative_stopping_power(ef, material)
    )
    integrand = tf / s  # dR/d(ln T)
    dlog = np.diff(np.log(tf))
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (integrand[1:] + integrand[:-1]) * dlog)])
    r0 = 0.5 * LOWEST_KINETIC / s[0]  # S ~ 1/T below 1 keV => R(T) = T / (2 S(T))
    r = r0 + cum[::4]
    return np.log(t), np.log(r)


def csda_range(
    energy: ArrayLike, material: Material | str, positron: bool = False
) -> NDArray[np.float64] | float:
    """CSDA range [cm] of an e- (or e+) of total energy [GeV]: integral_0^T dT'/S_total(T').

    S_total = collision (unrestricted) + radiative stopping power. Tabulated once per
    (material, species); below T = 1 keV the range is taken as R(1 keV) (T/1 keV)^2 (S ~ 1/T).
    """
    m = _material(material)
    log_t, log_r = _range_table(m, bool(positron))
    e = check_energy(energy, minimum=M_E)
    t = e - M_E
    with np.errstate(divide="ignore"):
        lt = np.log(t)
    low = t < LOWEST_KINETIC
    r = np.exp(np.interp(np.where(low, log_t[0], lt), log_t, log_r))
    r = np.where(low, np.exp(log_r[0]) * (t / LOWEST_KINETIC) ** 2, r)
    return scalar_or_array(r)


def critical_energy(material: Material | str, definition: str = "rossi") -> float:
    """Critical energy of electrons [GeV] (kinetic), computed from the stopping powers.

    Parameters
    ----------
    material : Material or str
        Target material.
    definition : {"rossi", "crossing"}
        "rossi": the kinetic energy T at which the collision loss per radiation length equals
        T, (dE/dx)_coll(T) X0 = T (Rossi's definition, used by PDG for its tabulated values);
        "crossing": T at which collision and radiative stopping powers are equal.

    Notes
    -----
    Uses the unrestricted collision stopping power with the Sternheimer-Peierls density effect
    and the tabulated X0 (PDG); PDG's values rest on tabulated density-effect parameters and
    Seltzer-Berger bremsstrahlung, so agreement to a few per cent is expected.
    """
    m = _material(material)
    if definition == "rossi":

        def g(t: float) -> float:
            return collision_stopping_power(t + M_E, m) * m.radiation_length - t

    elif definition == "crossing":

        def g(t: float) -> float:
            return collision_stopping_power(t + M_E, m) - radiative_stopping_power(t + M_E, m)

    else:
        raise ValueError(f"definition must be 'rossi' or 'crossing', got {definition!r}")
    return float(brentq(g, 1e-4, 10.0, xtol=1e-9, rtol=1e-10))
