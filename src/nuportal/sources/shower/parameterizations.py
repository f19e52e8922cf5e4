"""Textbook parameterizations of mean shower properties, for validation and plots.

These are not used by the transport; they are the independent numbers a simulated shower is
checked against.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import gammaln

__all__ = [
    "longitudinal_profile",
    "rossi_track_length",
    "shower_maximum_depth",
]


def shower_maximum_depth(energy: ArrayLike, critical_energy: float, primary: str = "e-"):
    """Depth of the shower maximum t_max = ln(E0/Ec) + C_j [X0].

    C_e = -0.5 for electron- (and positron-) initiated showers, C_gamma = +0.5 for photons.

    Reference: PDG, Review of Particle Physics, "Passage of particles through matter",
    longitudinal development of electromagnetic cascades (RPP 2024 Eq. 34.36; Longo & Sestili,
    NIM 128 (1975) 283).

    Parameters
    ----------
    energy : array_like
        Primary energy E0 [GeV].
    critical_energy : float
        Critical energy Ec [GeV] (Rossi definition).
    primary : {"e-", "e+", "gamma"}
    """
    c = 0.5 if primary == "gamma" else -0.5
    return np.log(np.asarray(energy, dtype=float) / critical_energy) + c


def longitudinal_profile(
    depth: ArrayLike, energy: float, critical_energy: float, primary: str = "e-", b: float = 0.5
) -> NDArray[np.float64]:
    """Mean energy deposition per radiation length dE/dt [GeV per X0] (gamma distribution).

    dE/dt = E0 b (bt)^(a-1) e^(-bt) / Gamma(a), with a = 1 + b t_max and t_max from
    :func:`shower_maximum_depth` (PDG review "Passage of particles through matter", RPP 2024
    Eq. 34.35; b ~ 0.5).

    Parameters
    ----------
    depth : array_like
        Depth t [X0].
    energy, critical_energy : float
        E0 and Ec [GeV].
    primary : {"e-", "e+", "gamma"}
    b : float
        Scale parameter (PDG: about 0.5).
    """
    t = np.asarray(depth, dtype=float)
    a = 1.0 + b * shower_maximum_depth(energy, critical_energy, primary)
    with np.errstate(divide="ignore"):
        log_shape = (a - 1.0) * np.log(b * t) - b * t - gammaln(a)
    return energy * b * np.exp(log_shape)


def rossi_track_length(energy: ArrayLike, critical_energy: float) -> NDArray[np.float64]:
    """Total charged track length of a shower in Rossi's approximation B [X0].

    T = E0/Ec: the whole energy is dissipated by ionization at Ec per radiation length
    (B. Rossi, High-Energy Particles, Prentice-Hall (1952); approximation B neglects Compton
    scattering and uses complete screening; good to tens of percent).

    Parameters
    ----------
    energy : array_like
        Primary energy E0 [GeV].
    critical_energy : float
        Critical energy Ec [GeV].
    """
    return np.asarray(energy, dtype=float) / critical_energy
