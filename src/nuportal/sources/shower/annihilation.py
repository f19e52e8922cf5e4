"""Two-photon annihilation in flight e+ e- -> gamma gamma on atomic electrons at rest (Heitler).

Positron total energy E = gamma m_e; the photons share E + m_e. With eps = k1/(E + m_e),
eps in [eps_min, 1 - eps_min], eps_min = (1 - sqrt((gamma - 1)/(gamma + 1)))/2, per electron:

    dsigma/deps = [pi r_e^2 / (2 (gamma - 1))] h(eps),
    h = eps/(1 - eps) + (1 - eps)/eps + 2/((gamma + 1) eps (1 - eps))
        - 1/((gamma + 1)^2 eps^2 (1 - eps)^2),

integrating to Heitler's total

    sigma = [pi r_e^2/(gamma + 1)] {[(gamma^2 + 4 gamma + 1)/(gamma^2 - 1)]
            ln(gamma + sqrt(gamma^2 - 1)) - (gamma + 3)/sqrt(gamma^2 - 1)}.

The differential form is the e+ e- -> gamma A' |M|^2 of
:mod:`nuportal.sources.shower.dark_annihilation` at M = 0 (times 1/2 for identical photons) with
T = -2 m_e k2, U = -2 m_e k1 for an electron at rest; its integral reproduces Heitler's formula
(tested). Per atom: Z times. Photon angles from kinematics: cos theta_i = (E + m_e)(1 - m_e/k_i)/p.

References
----------
W. Heitler, The Quantum Theory of Radiation, 3rd ed. (Oxford, 1954), two-quantum annihilation
in flight; the same formulas are used in the Geant4 Physics Reference Manual (positron
annihilation into two gammas) and EGS4 (SLAC-265).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal._validation import as_rng
from nuportal.sources.shower.materials import Material, resolve_material
from nuportal.sources.shower.processes import Products, Species
from nuportal.sources.shower.qed_constants import CLASSICAL_ELECTRON_RADIUS, M_E
from nuportal.sources.shower.sm_tabulation import check_energy

__all__ = ["TwoPhotonAnnihilation", "heitler_cross_section", "heitler_dsigma_deps"]

_PI_RE2 = np.pi * CLASSICAL_ELECTRON_RADIUS**2


def heitler_cross_section(energy: ArrayLike) -> NDArray[np.float64]:
    """Heitler two-photon annihilation cross section per electron [cm^2] (module docstring).

    Parameters
    ----------
    energy : array_like
        Positron total energy [GeV]; E = m_e (at rest) gives +inf (the 1/v divergence).
    """
    e = check_energy(energy, minimum=M_E)
    tau = (e - M_E) / M_E
    gamma = tau + 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.sqrt(tau * (tau + 2.0))  # sqrt(gamma^2 - 1) without cancellation
        val = (
            _PI_RE2
            / (gamma + 1.0)
            * ((gamma**2 + 4.0 * gamma + 1.0) / s**2 * np.log1p(tau + s) - (gamma + 3.0) / s)
        )
    return np.where(tau > 0.0, val, np.inf)


def heitler_dsigma_deps(eps: ArrayLike, energy: ArrayLike) -> NDArray[np.float64]:
    """dsigma/deps per electron [cm^2], eps = k1/(E + m_e) (module docstring; 0 outside range).

    Parameters
    ----------
    eps : array_like
        Energy fraction of one photon.
    energy : array_like
        Positron total energy [GeV].
    """
    eps, e = np.broadcast_arrays(np.asarray(eps, float), np.asarray(energy, float))
    tau = (e - M_E) / M_E
    gamma = tau + 1.0
    eps_min = 0.5 * (1.0 - np.sqrt(tau / (tau + 2.0)))
    with np.errstate(divide="ignore", invalid="ignore"):
        val = _PI_RE2 / (2.0 * tau) * _h(eps, gamma)
    return np.where((tau > 0.0) & (eps >= eps_min) & (eps <= 1.0 - eps_min), val, 0.0)


def _h(eps: NDArray, gamma: NDArray) -> NDArray[np.float64]:
    q = 1.0 / ((gamma + 1.0) * eps * (1.0 - eps))
    return eps / (1.0 - eps) + (1.0 - eps) / eps + 2.0 * q - q**2


class TwoPhotonAnnihilation:
    """In-flight annihilation of a positron with one of the Z atomic electrons into two photons.

    Parameters
    ----------
    material : Material or str
        Target material.

    Notes
    -----
    ``cross_section`` is Heitler's closed form times Z. ``sample`` draws eps from 1/eps on
    [eps_min, 1/2], accepts with eps h(eps) / (3/2 + 4/(gamma + 1)) (an upper bound of eps h on
    that interval), then exchanges the photons with probability 1/2 (h is symmetric).
    """

    name = "annihilation"
    incoming = Species.POSITRON
    products = (Species.PHOTON, Species.PHOTON)
    threshold = M_E

    def __init__(self, material: Material | str) -> None:
        self.material = resolve_material(material)

    def cross_section(self, energy: ArrayLike) -> NDArray[np.float64]:
        """Cross section per atom [cm^2] at positron total energy ``energy`` [GeV] (>= m_e)."""
        return self.material.Z * heitler_cross_section(energy)

    def sample(self, energy: ArrayLike, rng: np.random.Generator) -> Products:
        """Sample the two photon energies and polar angles (``energy`` > m_e).

        Returns
        -------
        Products
            energy_1 = k1, energy_2 = (E + m_e) - k1 (the ledger of the positron).
        """
        rng = as_rng(rng)
        e = check_energy(energy)
        shape = e.shape
        e = e.ravel()
        if np.any(e <= M_E):
            raise ValueError(f"energy must be > m_e = {M_E:g} GeV, got min {e.min():g} GeV")
        tau = (e - M_E) / M_E
        gamma = tau + 1.0
        eps_min = 0.5 * (1.0 - np.sqrt(tau / (tau + 2.0)))
        log_span = np.log(0.5 / eps_min)
        bound = 1.5 + 4.0 / (gamma + 1.0)
        eps = np.empty_like(e)
        todo = np.arange(e.size)
        while todo.size:
            r = rng.random((2, todo.size))
            et = eps_min[todo] * np.exp(r[0] * log_span[todo])
            accept = r[1] * bound[todo] <= et * _h(et, gamma[todo])
            eps[todo[accept]] = et[accept]
            todo = todo[~accept]
        eps = np.where(rng.random(e.size) < 0.5, eps, 1.0 - eps)
        total = e + M_E
        k1 = eps * total
        k2 = total - k1
        p = np.sqrt(tau * (tau + 2.0)) * M_E
        cos1 = np.clip(total * (1.0 - M_E / k1) / p, -1.0, 1.0)
        cos2 = np.clip(total * (1.0 - M_E / k2) / p, -1.0, 1.0)
        return Products(
            energy_1=k1.reshape(shape),
            energy_2=k2.reshape(shape),
            cos_theta_1=cos1.reshape(shape),
            cos_theta_2=cos2.reshape(shape),
        )
