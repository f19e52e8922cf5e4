"""Two-body hadronic decay widths of a heavy neutral lepton N (m_N up to about 1 GeV).

All widths are for a Dirac N, one charge configuration, per unit |U_a4|^2, in GeV. A Majorana N has
twice each width (the charge-conjugate channel); :class:`nuportal.models.HeavyNeutralLepton` applies
that factor.

Formulas: K. Bondarenko, A. Boyarsky, D. Gorbunov, O. Ruchayskiy, "Phenomenology of GeV-scale heavy
neutral leptons", JHEP 11 (2018) 032, arXiv:1805.08567, section 3.2, eqs. (3.6)-(3.9). The
pseudoscalar and vector kinematic factors were re-derived from the spin-summed traces (tests in
``tests/test_models_hnl.py`` check them against the crossed production width M -> l N).

Known literature caveat: for N -> nu rho0 the normalization of the neutral-current rho0 coupling
differs between references (compare Coloma, Fernandez-Martinez, Gonzalez-Lopez, Hernandez-Garcia,
Pavon, arXiv:2007.03701); we follow arXiv:1805.08567.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal import constants
from nuportal._validation import scalar_or_array as _out
from nuportal.kinematics import kallen

__all__ = [
    "CHARGED_PSEUDOSCALARS",
    "CHARGED_VECTORS",
    "NEUTRAL_PSEUDOSCALARS",
    "NEUTRAL_VECTORS",
    "MesonCoupling",
    "kappa_neutral_vector",
    "width_lepton_pseudoscalar",
    "width_lepton_vector",
    "width_nu_pseudoscalar",
    "width_nu_vector",
]


@dataclass(frozen=True)
class MesonCoupling:
    """A meson that appears in a two-body HNL decay.

    Attributes
    ----------
    name : str
        PDG name used to look up the mass through :func:`nuportal.constants.mass`.
    label : str
        Short label used in channel names ("pi0", "eta'", "rho+", ...).
    decay_constant : float
        f_h [GeV] for pseudoscalars, g_h [GeV^2] for vector mesons.
    ckm : float
        |V_qq'| for charged mesons, 1 for neutral ones.
    kappa : str or None
        For neutral vector mesons, which neutral-current factor kappa_h(s_W^2) applies.
    """

    name: str
    label: str
    decay_constant: float
    ckm: float = 1.0
    kappa: str | None = None

    @property
    def mass(self) -> float:
        """Meson mass [GeV] from the PDG data."""
        return constants.mass(self.name)


# Decay constants: arXiv:1805.08567, section 3.2 and its tables of meson decay constants
# (f_pi0 = 130.2 MeV, f_eta = 81.7 MeV, f_eta' = -94.7 MeV; g_rho = 0.162 GeV^2,
# g_omega = 0.153 GeV^2), except f_pi and f_K, which are the PDG 2024 values of nuportal.constants
# (the paper uses 130.2 and 155.6 MeV). CKM elements from nuportal.constants (PDG 2024).
#: Neutral pseudoscalars P0 for N -> nu_a P0.
NEUTRAL_PSEUDOSCALARS: tuple[MesonCoupling, ...] = (
    MesonCoupling("pi0", "pi0", constants.F_PI),
    MesonCoupling("eta", "eta", 0.0817),
    MesonCoupling("eta'(958)", "eta'", -0.0947),
)
#: Charged pseudoscalars P+ for N -> l_a- P+.
CHARGED_PSEUDOSCALARS: tuple[MesonCoupling, ...] = (
    MesonCoupling("pi+", "pi+", constants.F_PI, constants.CKM_VUD),
    MesonCoupling("K+", "K+", constants.F_K, constants.CKM_VUS),
)
#: Neutral vector mesons V0 for N -> nu_a V0 (phi(1020) is above the 1 GeV range of the model).
NEUTRAL_VECTORS: tuple[MesonCoupling, ...] = (
    MesonCoupling("rho(770)0", "rho0", 0.162, kappa="rho"),
    MesonCoupling("omega(782)", "omega", 0.153, kappa="omega"),
)
#: Charged vector mesons V+ for N -> l_a- V+ (K*+ omitted: Cabibbo suppressed and at the edge of
#: the 1 GeV range).
CHARGED_VECTORS: tuple[MesonCoupling, ...] = (
    MesonCoupling("rho(770)+", "rho+", 0.162, constants.CKM_VUD),
)


def kappa_neutral_vector(kind: str, sin2_theta_w: float) -> float:
    """Neutral-current factor kappa_h of arXiv:1805.08567 eq. (3.9).

    kappa_rho = 1 - 2 s_W^2, kappa_omega = 4/3 s_W^2, kappa_phi = 4/3 s_W^2 - 1.
    """
    if kind == "rho":
        return 1.0 - 2.0 * sin2_theta_w
    if kind == "omega":
        return 4.0 / 3.0 * sin2_theta_w
    if kind == "phi":
        return 4.0 / 3.0 * sin2_theta_w - 1.0
    raise ValueError(f"kappa kind must be 'rho', 'omega' or 'phi', got {kind!r}")


def _mass_array(mass: ArrayLike) -> NDArray[np.float64]:
    m = np.asarray(mass, dtype=float)
    if np.any(~np.isfinite(m)) or np.any(m <= 0.0):
        raise ValueError(f"mass must be finite and > 0 GeV, got {mass!r}")
    return m


def width_nu_pseudoscalar(
    mass: ArrayLike,
    meson_mass: float,
    decay_constant: float,
    *,
    g_fermi: float = constants.G_FERMI,
) -> NDArray[np.float64] | float:
    """Gamma(N -> nu_a P0) per |U_a4|^2 for a Dirac N [GeV].

    Gamma = G_F^2 f_P^2 m^3 / (32 pi) (1 - x_P^2)^2,  x_P = m_P / m
    (arXiv:1805.08567 eq. 3.7). Zero for m <= m_P.

    Parameters
    ----------
    mass : float or array_like
        HNL mass [GeV].
    meson_mass : float
        m_P [GeV].
    decay_constant : float
        f_P [GeV] (f_pi ~ 0.130 GeV convention).
    g_fermi : float, optional
        Fermi constant [GeV^-2].
    """
    m = _mass_array(mass)
    x2 = (meson_mass / m) ** 2
    w = g_fermi**2 * decay_constant**2 * m**3 / (32.0 * np.pi) * (1.0 - x2) ** 2
    return _out(np.where(m > meson_mass, w, 0.0))


def width_lepton_pseudoscalar(
    mass: ArrayLike,
    lepton_mass: float,
    meson_mass: float,
    decay_constant: float,
    ckm: float,
    *,
    g_fermi: float = constants.G_FERMI,
) -> NDArray[np.float64] | float:
    """Gamma(N -> l_a- P+) per |U_a4|^2 for a Dirac N [GeV].

    Gamma = G_F^2 f_P^2 |V|^2 m^3 / (16 pi) [(1 - x_l^2)^2 - x_P^2 (1 + x_l^2)]
            * sqrt(lambda(1, x_P^2, x_l^2)),   x = m_i / m
    (arXiv:1805.08567 eq. 3.6). Zero for m <= m_l + m_P.
    """
    m = _mass_array(mass)
    xl2 = (lepton_mass / m) ** 2
    xp2 = (meson_mass / m) ** 2
    open_ = m > lepton_mass + meson_mass
    kin = (1.0 - xl2) ** 2 - xp2 * (1.0 + xl2)
    lam = np.clip(kallen(1.0, xp2, xl2), 0.0, None)
    w = g_fermi**2 * decay_constant**2 * ckm**2 * m**3 / (16.0 * np.pi) * kin * np.sqrt(lam)
    return _out(np.where(open_, w, 0.0))


def width_nu_vector(
    mass: ArrayLike,
    meson_mass: float,
    g_vector: float,
    kappa: float,
    *,
    g_fermi: float = constants.G_FERMI,
) -> NDArray[np.float64] | float:
    """Gamma(N -> nu_a V0) per |U_a4|^2 for a Dirac N [GeV].

    Gamma = G_F^2 kappa^2 g_V^2 m^3 / (32 pi m_V^2) (1 + 2 x_V^2)(1 - x_V^2)^2
    (arXiv:1805.08567 eq. 3.9), g_V [GeV^2] the vector decay constant. Zero for m <= m_V.
    """
    m = _mass_array(mass)
    x2 = (meson_mass / m) ** 2
    w = (
        g_fermi**2
        * kappa**2
        * g_vector**2
        * m**3
        / (32.0 * np.pi * meson_mass**2)
        * (1.0 + 2.0 * x2)
        * (1.0 - x2) ** 2
    )
    return _out(np.where(m > meson_mass, w, 0.0))


def width_lepton_vector(
    mass: ArrayLike,
    lepton_mass: float,
    meson_mass: float,
    g_vector: float,
    ckm: float,
    *,
    g_fermi: float = constants.G_FERMI,
) -> NDArray[np.float64] | float:
    """Gamma(N -> l_a- V+) per |U_a4|^2 for a Dirac N [GeV].

    Gamma = G_F^2 g_V^2 |V|^2 m^3 / (16 pi m_V^2)
            * [(1 - x_l^2)^2 + x_V^2 (1 + x_l^2) - 2 x_V^4] sqrt(lambda(1, x_V^2, x_l^2))
    (arXiv:1805.08567 eq. 3.8). Zero for m <= m_l + m_V.
    """
    m = _mass_array(mass)
    xl2 = (lepton_mass / m) ** 2
    xv2 = (meson_mass / m) ** 2
    open_ = m > lepton_mass + meson_mass
    kin = (1.0 - xl2) ** 2 + xv2 * (1.0 + xl2) - 2.0 * xv2**2
    lam = np.clip(kallen(1.0, xv2, xl2), 0.0, None)
    w = (
        g_fermi**2
        * g_vector**2
        * ckm**2
        * m**3
        / (16.0 * np.pi * meson_mass**2)
        * kin
        * np.sqrt(lam)
    )
    return _out(np.where(open_, w, 0.0))
