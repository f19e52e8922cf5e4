"""Dark photon A' (mass M, kinetic mixing epsilon with the photon), M below 2 m_pi.

The dark photon couples to the electromagnetic current with strength epsilon e: every A' amplitude
is a photon amplitude with one photon replaced by a massive vector of mass M, times epsilon. All
widths and production rates below scale as epsilon^2.

Units: GeV for masses and widths, seconds, metres (package convention).

Mass range
----------
The model is complete only below 2 m_pi+ = 0.2791 GeV (:data:`DARK_PHOTON_MAX_MASS`): there the
open channels are e+ e-, mu+ mu- (above 2 m_mu) and, below 2 m_e, three photons. Above 2 m_pi the
hadronic channels (pi+ pi-, then the rho/omega region) are a few per cent right at threshold and
dominant near 0.77 GeV; they are not modelled, so :class:`DarkPhoton` raises a ValueError at or
above :data:`DARK_PHOTON_MAX_MASS` instead of returning a wrong lifetime. One hadronic channel is
open below that mass and neglected: A' -> pi0 gamma (above m_pi0), through the pi0 gamma gamma*
anomaly vertex. With the pointlike anomaly coupling alpha/(pi f_pi) (f_pi = 92 MeV) its width is
Gamma = eps^2 alpha^2 (M^2 - m_pi0^2)^3 / (96 pi^3 f_pi^2 M^3), i.e.
Gamma(pi0 gamma)/Gamma(e+ e-) = alpha (M^2 - m_pi0^2)^3 / (32 pi^3 f_pi^2 M^4) <= 3.0e-5 for
M < 2 m_pi, and <= 4.0e-5 with the rho-pole factor (1 - M^2/m_rho^2)^-2 (an estimate derived for
this module; the same coupling gives Gamma(pi0 -> gamma gamma) = alpha^2 m_pi0^3/(64 pi^3 f_pi^2)
= 7.76 eV, PDG 7.8 eV).

References
----------
* [BPR]  B. Batell, M. Pospelov, A. Ritz, PRD 80 (2009) 095024, arXiv:0906.5614 (P -> gamma A').
* [PRV]  M. Pospelov, A. Ritz, M. Voloshin, PRD 78 (2008) 115012, arXiv:0807.3279 (vector
  super-WIMP: V -> 3 gamma below 2 m_e from the Euler-Heisenberg Lagrangian).
* [MPR]  S. D. McDermott, H. H. Patel, H. Ramani, PRD 97 (2018) 073005, arXiv:1705.00619 (exact
  one-loop A' -> 3 gamma; the Euler-Heisenberg result of [PRV] underestimates it for
  m_e <~ M < 2 m_e).
* [BEST] J. D. Bjorken, R. Essig, P. Schuster, N. Toro, PRD 80 (2009) 075018, arXiv:0906.0580
  (A' -> l+ l- width).
* [BdNMC] P. deNiverville, C.-Y. Chen, M. Pospelov, A. Ritz, arXiv:1609.01770, and the BdNMC
  code (``branchingratios.cpp``: Br(P -> gamma gamma), PDG values). The check values in the
  tests (widths, c tau, Br/eps^2) were computed for this package from the formulas below.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal import constants
from nuportal._validation import positive_mass as _check_mass
from nuportal._validation import scalar_or_array as _out
from nuportal.models.decaying import DecayingParticle

__all__ = [
    "BR_MESON_GAMMA_GAMMA",
    "DARK_PHOTON_MAX_MASS",
    "DarkPhoton",
    "br_meson_to_gamma_dark_photon",
    "width_dark_photon_leptons",
    "width_dark_photon_three_photons",
]

#: Highest dark-photon mass of the model [GeV]: 2 m_pi+, where A' -> pi+ pi- (not modelled) opens.
DARK_PHOTON_MAX_MASS: float = 2.0 * constants.M_PI_CHARGED

#: Br(P -> gamma gamma) for the mesons of :func:`br_meson_to_gamma_dark_photon`. The ``particle``
#: package carries masses and widths but no branching ratios, so the values are the PDG values
#: as used in BdNMC ([BdNMC], deNiverville et al.): pi0 98.823 %, eta 39.41 %.
#: (PDG 2024 quotes Br(eta -> gamma gamma) = 39.36 %, 0.13 % lower.)
BR_MESON_GAMMA_GAMMA: dict[str, float] = {"pi0": 0.98823, "eta": 0.3941}

# Euler-Heisenberg coefficient of [PRV]: 17 / (2^7 3^6 5^3 pi^3) = 4.70e-8.
_EH_THREE_PHOTON = 17.0 / (2**7 * 3**6 * 5**3 * math.pi**3)


def _check_epsilon(epsilon: ArrayLike) -> NDArray[np.float64]:
    e = np.asarray(epsilon, dtype=float)
    if np.any(~np.isfinite(e)) or np.any(e < 0.0):
        raise ValueError(f"epsilon must be finite and >= 0, got {epsilon!r}")
    return e


# ------------------------------------------------------------------------ decays
def width_dark_photon_leptons(
    mass: ArrayLike, epsilon: ArrayLike, lepton_mass: float
) -> NDArray[np.float64] | float:
    """Partial width Gamma(A' -> l+ l-) [GeV].

    Gamma = (alpha eps^2 M / 3) (1 + 2 m_l^2/M^2) sqrt(1 - 4 m_l^2/M^2)   ([BEST]),
    zero at and below threshold (M <= 2 m_l). This function is the one home of the formula.

    Parameters
    ----------
    mass : float or array_like
        Dark-photon mass M [GeV], finite and > 0.
    epsilon : float or array_like
        Kinetic mixing, finite and >= 0 (broadcasts against ``mass``).
    lepton_mass : float
        Lepton mass m_l [GeV], finite and > 0 (``constants.M_ELECTRON``, ``constants.M_MUON``).

    Returns
    -------
    float or numpy.ndarray
        Gamma [GeV].
    """
    m = _check_mass(mass)
    eps = _check_epsilon(epsilon)
    ml = float(lepton_mass)
    if not (math.isfinite(ml) and ml > 0.0):
        raise ValueError(f"lepton_mass must be finite and > 0 GeV, got {lepton_mass!r}")
    r = (ml / m) ** 2
    beta2 = 1.0 - 4.0 * r
    w = constants.ALPHA_EM * eps**2 * m / 3.0 * (1.0 + 2.0 * r) * np.sqrt(np.clip(beta2, 0.0, None))
    return _out(np.where(beta2 > 0.0, w, 0.0))


def width_dark_photon_three_photons(
    mass: ArrayLike, epsilon: ArrayLike
) -> NDArray[np.float64] | float:
    """Partial width Gamma(A' -> gamma gamma gamma) [GeV], for M < 2 m_e; zero above.

    Leading order of the Euler-Heisenberg expansion ([PRV], decay of a vector super-WIMP)::

        Gamma = 17 alpha^3 alpha' / (2^7 3^6 5^3 pi^3) M^9 / m_e^8,   alpha' = eps^2 alpha,

    i.e. 4.70e-8 alpha^4 eps^2 M^9 / m_e^8. Exact for M << m_e; for m_e <~ M < 2 m_e higher
    orders in M^2/m_e^2 raise the width (by several times close to 2 m_e, [MPR]), so the lifetime
    there is an upper estimate. Above 2 m_e the three-photon width is neglected (it is smaller
    than Gamma(e+ e-) by ~1e-11 / beta_e).

    Parameters
    ----------
    mass : float or array_like
        M [GeV], finite and > 0.
    epsilon : float or array_like
        Kinetic mixing, finite and >= 0.

    Returns
    -------
    float or numpy.ndarray
        Gamma [GeV].
    """
    m = _check_mass(mass)
    eps = _check_epsilon(epsilon)
    me = constants.M_ELECTRON
    alpha = constants.ALPHA_EM
    w = _EH_THREE_PHOTON * alpha**4 * eps**2 * m * (m / me) ** 8
    return _out(np.where(m < 2.0 * me, w, 0.0))


class DarkPhoton(DecayingParticle):
    """Dark photon A' with mass M and kinetic mixing epsilon, 0 < M < 2 m_pi+.

    Parameters
    ----------
    mass : float or array_like
        M [GeV], finite, 0 < M < :data:`DARK_PHOTON_MAX_MASS` (= 2 m_pi+ = 0.2791 GeV; hadronic
        channels are not modelled, see the module docstring). Arrays give arrays of widths.
    epsilon : float
        Kinetic mixing, finite and >= 0 (widths scale as epsilon^2; epsilon = 0 gives a stable
        particle: infinite lifetime, undefined branching ratios).

    Notes
    -----
    Channels (keys of :meth:`partial_widths`, all always present, closed channels have width 0):
    ``"e+ e-"``, ``"mu+ mu-"`` (:func:`width_dark_photon_leptons`) and ``"gamma gamma gamma"``
    (:func:`width_dark_photon_three_photons`, M < 2 m_e only). Lifetime and c tau come from
    :class:`~nuportal.models.decaying.DecayingParticle` (seconds, metres).
    """

    _zero_coupling_message = "branching ratios are undefined for epsilon = 0"

    def __init__(self, mass: ArrayLike, epsilon: float) -> None:
        m = _check_mass(mass)
        if np.any(m >= DARK_PHOTON_MAX_MASS):
            raise ValueError(
                f"mass = {mass!r} GeV is outside the implemented range 0 < mass < 2 m_pi+ = "
                f"{DARK_PHOTON_MAX_MASS:.4f} GeV (hadronic A' decays are not modelled)"
            )
        eps = float(epsilon)
        if not (math.isfinite(eps) and eps >= 0.0):
            raise ValueError(f"epsilon must be finite and >= 0, got {epsilon!r}")
        self._mass = m
        self._epsilon = eps
        self._widths = {
            "e+ e-": np.asarray(width_dark_photon_leptons(m, eps, constants.M_ELECTRON)),
            "mu+ mu-": np.asarray(width_dark_photon_leptons(m, eps, constants.M_MUON)),
            "gamma gamma gamma": np.asarray(width_dark_photon_three_photons(m, eps)),
        }

    def __repr__(self) -> str:
        return f"DarkPhoton(mass={self.mass!r}, epsilon={self.epsilon!r})"

    @property
    def mass(self) -> NDArray[np.float64] | float:
        """M [GeV]."""
        return _out(self._mass)

    @property
    def epsilon(self) -> float:
        """Kinetic mixing epsilon."""
        return self._epsilon


# ------------------------------------------------------------------------ production: meson decays
def br_meson_to_gamma_dark_photon(
    meson: str, mass: ArrayLike, epsilon: ArrayLike = 1.0
) -> NDArray[np.float64] | float:
    """Br(P -> gamma A') for P = pi0 or eta.

    Br = 2 eps^2 (1 - M^2/m_P^2)^3 Br(P -> gamma gamma)   ([BPR]; [BdNMC]): the factor 2
    counts the two photons either of which can be the A', the cube is the P-wave phase space of
    the anomaly vertex. Zero when closed (M >= m_P). With the default ``epsilon = 1`` this is
    Br / eps^2.

    Parameters
    ----------
    meson : {"pi0", "eta"}
        Decaying meson; m_P from the PDG data of ``particle``, Br(P -> gamma gamma) from
        :data:`BR_MESON_GAMMA_GAMMA`.
    mass : float or array_like
        M [GeV], finite and > 0.
    epsilon : float or array_like
        Kinetic mixing, finite and >= 0.

    Returns
    -------
    float or numpy.ndarray
        Branching ratio.
    """
    if meson not in BR_MESON_GAMMA_GAMMA:
        raise ValueError(f"meson must be one of {sorted(BR_MESON_GAMMA_GAMMA)}, got {meson!r}")
    m = _check_mass(mass)
    eps = _check_epsilon(epsilon)
    m_p = constants.mass(meson)
    x = np.clip(1.0 - (m / m_p) ** 2, 0.0, None)
    return _out(2.0 * eps**2 * x**3 * BR_MESON_GAMMA_GAMMA[meson])
