"""Moller (e- e- -> e- e-) and Bhabha (e+ e- -> e+ e-) scattering on atomic electrons at rest.

Incident kinetic energy T, gamma = T/m_e + 1, beta^2 = 1 - 1/gamma^2; eps = T'/T is the kinetic
energy fraction of the delta ray (the struck atomic electron). Per free electron:

Moller (identical particles; the delta ray is the slower electron, eps in [eps_c, 1/2]):
    dsigma/deps = [2 pi r_e^2 / (beta^2 (gamma - 1))]
                  {((gamma - 1)/gamma)^2 + (1/eps)(1/eps - c) + (1/(1 - eps))(1/(1 - eps) - c)},
    c = (2 gamma - 1)/gamma^2;
Bhabha (eps in [eps_c, 1]):
    dsigma/deps = [2 pi r_e^2 / (gamma - 1)] {1/(beta^2 eps^2) - B1/eps + B2 - B3 eps + B4 eps^2},
    y = 1/(gamma + 1), B1 = 2 - y^2, B2 = (1 - 2y)(3 + y^2), B4 = (1 - 2y)^3, B3 = B4 + (1 - 2y)^2.

eps_c = T_cut/T with T_cut the delta-ray production cut (kinetic). The total cross sections are
the closed-form integrals of these expressions (no quadrature, exact for any T/T_cut). Per atom:
Z times. Both outgoing particles have cos^2 theta = T'(T + 2 m_e) / (T (T' + 2 m_e)) (two-body
kinematics with equal masses, target at rest).

References
----------
C. Moller, Ann. Phys. 14 (1932) 531; H. J. Bhabha, Proc. R. Soc. A 154 (1936) 195; lab-frame
forms as in the Geant4 Physics Reference Manual (Moller and Bhabha scattering) and EGS4,
SLAC-265 (1985).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal._validation import as_rng
from nuportal.sources.shower.materials import Material, resolve_material
from nuportal.sources.shower.processes import Products, Species
from nuportal.sources.shower.qed_constants import CLASSICAL_ELECTRON_RADIUS, M_E
from nuportal.sources.shower.sm_tabulation import check_cut, check_energy

__all__ = [
    "BhabhaScattering",
    "MollerScattering",
    "bhabha_cross_section",
    "bhabha_dsigma_deps",
    "delta_ray_cos_theta",
    "moller_cross_section",
    "moller_dsigma_deps",
]

_TWO_PI_RE2 = 2.0 * np.pi * CLASSICAL_ELECTRON_RADIUS**2


def _gamma_beta2(kinetic: NDArray) -> tuple[NDArray, NDArray]:
    gamma = kinetic / M_E + 1.0
    tau = kinetic / M_E
    return gamma, tau * (tau + 2.0) / gamma**2


def _bhabha_coefficients(gamma: NDArray) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    y = 1.0 / (gamma + 1.0)
    b = 1.0 - 2.0 * y
    b4 = b**3
    return 2.0 - y**2, b * (3.0 + y**2), b4 + b**2, b4


def moller_dsigma_deps(eps: ArrayLike, kinetic: ArrayLike) -> NDArray[np.float64]:
    """Moller dsigma/deps per electron [cm^2] (module docstring formula; 0 outside (0, 1/2]).

    Parameters
    ----------
    eps : array_like
        Delta-ray kinetic energy over the incident kinetic energy.
    kinetic : array_like
        Incident kinetic energy T [GeV].
    """
    eps, t = np.broadcast_arrays(np.asarray(eps, float), np.asarray(kinetic, float))
    gamma, beta2 = _gamma_beta2(t)
    c = (2.0 * gamma - 1.0) / gamma**2
    with np.errstate(divide="ignore", invalid="ignore"):
        val = (
            ((gamma - 1.0) / gamma) ** 2
            + (1.0 / eps) * (1.0 / eps - c)
            + (1.0 / (1.0 - eps)) * (1.0 / (1.0 - eps) - c)
        ) * (_TWO_PI_RE2 / (beta2 * (gamma - 1.0)))
    return np.where((eps > 0.0) & (eps <= 0.5) & (t > 0.0), val, 0.0)


def bhabha_dsigma_deps(eps: ArrayLike, kinetic: ArrayLike) -> NDArray[np.float64]:
    """Bhabha dsigma/deps per electron [cm^2] (module docstring formula; 0 outside (0, 1]).

    Parameters
    ----------
    eps : array_like
        Kinetic energy of the struck electron over the incident positron kinetic energy.
    kinetic : array_like
        Incident positron kinetic energy T [GeV].
    """
    eps, t = np.broadcast_arrays(np.asarray(eps, float), np.asarray(kinetic, float))
    gamma, beta2 = _gamma_beta2(t)
    b1, b2, b3, b4 = _bhabha_coefficients(gamma)
    with np.errstate(divide="ignore", invalid="ignore"):
        val = (1.0 / (beta2 * eps**2) - b1 / eps + b2 - eps * (b3 - b4 * eps)) * (
            _TWO_PI_RE2 / (gamma - 1.0)
        )
    return np.where((eps > 0.0) & (eps <= 1.0) & (t > 0.0), val, 0.0)


def moller_cross_section(kinetic: ArrayLike, cut: float) -> NDArray[np.float64]:
    """Moller cross section per electron [cm^2] for delta rays with T' > ``cut``.

    sigma = [2 pi r_e^2/(beta^2 (gamma - 1))] [((gamma - 1)/gamma)^2 (1/2 - e) + 1/e - 1/(1 - e)
    - c ln((1 - e)/e)], e = cut/T; zero for T <= 2 cut.

    Parameters
    ----------
    kinetic : array_like
        Incident kinetic energy T [GeV].
    cut : float
        Delta-ray kinetic-energy cut [GeV].
    """
    t = np.asarray(kinetic, dtype=float)
    ok = t > 2.0 * cut
    tt = np.where(ok, t, 4.0 * cut)
    e = cut / tt
    gamma, beta2 = _gamma_beta2(tt)
    c = (2.0 * gamma - 1.0) / gamma**2
    val = (
        ((gamma - 1.0) / gamma) ** 2 * (0.5 - e)
        + 1.0 / e
        - 1.0 / (1.0 - e)
        - c * np.log((1.0 - e) / e)
    ) * (_TWO_PI_RE2 / (beta2 * (gamma - 1.0)))
    return np.where(ok, val, 0.0)


def bhabha_cross_section(kinetic: ArrayLike, cut: float) -> NDArray[np.float64]:
    """Bhabha cross section per electron [cm^2] for delta rays with T' > ``cut``.

    sigma = [2 pi r_e^2/(gamma - 1)] [(1/e - 1)/beta^2 - B1 ln(1/e) + B2 (1 - e) - B3 (1 - e^2)/2
    + B4 (1 - e^3)/3], e = cut/T; zero for T <= cut.

    Parameters
    ----------
    kinetic : array_like
        Incident positron kinetic energy T [GeV].
    cut : float
        Delta-ray kinetic-energy cut [GeV].
    """
    t = np.asarray(kinetic, dtype=float)
    ok = t > cut
    tt = np.where(ok, t, 2.0 * cut)
    e = cut / tt
    gamma, beta2 = _gamma_beta2(tt)
    b1, b2, b3, b4 = _bhabha_coefficients(gamma)
    val = (
        (1.0 / e - 1.0) / beta2
        + b1 * np.log(e)
        + b2 * (1.0 - e)
        - b3 * (1.0 - e**2) / 2.0
        + b4 * (1.0 - e**3) / 3.0
    ) * (_TWO_PI_RE2 / (gamma - 1.0))
    return np.where(ok, val, 0.0)


def delta_ray_cos_theta(kinetic_out: ArrayLike, kinetic_in: ArrayLike) -> NDArray[np.float64]:
    """cos theta of an outgoing e+- with kinetic energy T' after e+- e- scattering at rest.

    cos^2 theta = T' (T + 2 m_e) / (T (T' + 2 m_e)) (energy-momentum conservation, equal masses).
    """
    tp = np.asarray(kinetic_out, dtype=float)
    t = np.asarray(kinetic_in, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        c2 = tp * (t + 2.0 * M_E) / (t * (tp + 2.0 * M_E))
    return np.sqrt(np.clip(np.nan_to_num(c2, nan=1.0), 0.0, 1.0))


class _DeltaRayProcess:
    """Common part of Moller and Bhabha scattering (per atom = Z x per electron)."""

    name: str
    incoming: Species
    products: tuple[Species, Species]
    _max_fraction: float  # largest eps: 1/2 (Moller), 1 (Bhabha)

    def __init__(self, material: Material | str, electron_cut: float) -> None:
        self.material = resolve_material(material)
        self.electron_cut = check_cut(electron_cut, "electron_cut")

    @property
    def threshold(self) -> float:
        """Lowest incident total energy with a non-zero cross section [GeV]."""
        return M_E + self.electron_cut / self._max_fraction

    def _per_electron(self, kinetic: NDArray) -> NDArray[np.float64]:
        raise NotImplementedError

    def _rejection(self, eps: NDArray, gamma: NDArray, beta2: NDArray) -> NDArray[np.float64]:
        """eps^2 (dsigma/deps) / prefactor, to be compared with :meth:`_bound`."""
        raise NotImplementedError

    def _bound(self, eps_c: NDArray, gamma: NDArray, beta2: NDArray) -> NDArray[np.float64]:
        raise NotImplementedError

    def cross_section(self, energy: ArrayLike) -> NDArray[np.float64]:
        """Cross section per atom [cm^2] for delta rays above the cut, at total energy [GeV]."""
        e = check_energy(energy)
        return self.material.Z * self._per_electron(np.maximum(e - M_E, 0.0))

    def sample(self, energy: ArrayLike, rng: np.random.Generator) -> Products:
        """Sample the delta-ray energy; the scattered lepton's energy follows from the ledger.

        eps is drawn from 1/eps^2 on [eps_c, eps_max] and accepted with eps^2 dsigma/deps over an
        upper bound. Energies at or below :attr:`threshold` (which a caller's interpolated cross
        section may select) get the limiting kinematics eps = eps_max.

        Returns
        -------
        Products
            energy_1: scattered incident lepton E - T'; energy_2: delta-ray electron T' + m_e
            (from the ledger); cosines from two-body kinematics.
        """
        rng = as_rng(rng)
        e = check_energy(energy)
        shape = e.shape
        e = e.ravel()
        if np.any(e < M_E):
            raise ValueError(f"energy must be >= m_e = {M_E:g} GeV, got min {e.min():g} GeV")
        t = e - M_E
        eps_max = self._max_fraction
        eps = np.full_like(t, eps_max)
        todo = np.flatnonzero(t * eps_max > self.electron_cut)
        eps_c = self.electron_cut / np.where(t > 0.0, t, 1.0)
        gamma = t / M_E + 1.0
        beta2 = (t / M_E) * (t / M_E + 2.0) / gamma**2
        bound = self._bound(eps_c, gamma, beta2)
        span = 1.0 / eps_c - 1.0 / eps_max
        while todo.size:
            r = rng.random((2, todo.size))
            et = 1.0 / (1.0 / eps_max + r[0] * span[todo])
            accept = r[1] * bound[todo] <= self._rejection(et, gamma[todo], beta2[todo])
            eps[todo[accept]] = et[accept]
            todo = todo[~accept]
        delta_t = eps * t
        scattered = e - delta_t
        ledger_in = e + (M_E if self.incoming is Species.POSITRON else -M_E)
        ledger_scattered = scattered + (M_E if self.incoming is Species.POSITRON else -M_E)
        delta = (ledger_in - ledger_scattered) + M_E
        return Products(
            energy_1=scattered.reshape(shape),
            energy_2=delta.reshape(shape),
            cos_theta_1=delta_ray_cos_theta(t - delta_t, t).reshape(shape),
            cos_theta_2=delta_ray_cos_theta(delta_t, t).reshape(shape),
        )


class MollerScattering(_DeltaRayProcess):
    """Moller scattering e- e- -> e- e- with a delta ray of kinetic energy > ``electron_cut``.

    Parameters
    ----------
    material : Material or str
        Target material.
    electron_cut : float
        Delta-ray kinetic-energy cut [GeV]; the cross section vanishes for T <= 2 cut.

    Notes
    -----
    Rejection function eps^2 {((gamma-1)/gamma)^2 + (1/eps)(1/eps - c) + (1/(1-eps))(1/(1-eps)
    - c)} <= 1/4 + 1 + 1 = 9/4 on (0, 1/2] (c > 0).
    """

    name = "moller"
    incoming = Species.ELECTRON
    products = (Species.ELECTRON, Species.ELECTRON)
    _max_fraction = 0.5

    def _per_electron(self, kinetic: NDArray) -> NDArray[np.float64]:
        return moller_cross_section(kinetic, self.electron_cut)

    def _rejection(self, eps: NDArray, gamma: NDArray, beta2: NDArray) -> NDArray[np.float64]:
        c = (2.0 * gamma - 1.0) / gamma**2
        q = eps / (1.0 - eps)
        return ((gamma - 1.0) / gamma) ** 2 * eps**2 + 1.0 - c * eps + q * (q - c * eps)

    def _bound(self, eps_c: NDArray, gamma: NDArray, beta2: NDArray) -> NDArray[np.float64]:
        return np.full_like(gamma, 2.25)


class BhabhaScattering(_DeltaRayProcess):
    """Bhabha scattering e+ e- -> e+ e- with a delta ray of kinetic energy > ``electron_cut``.

    Parameters
    ----------
    material : Material or str
        Target material.
    electron_cut : float
        Delta-ray kinetic-energy cut [GeV]; the cross section vanishes for T <= cut.

    Notes
    -----
    Rejection function g = 1/beta^2 - B1 eps + B2 eps^2 - B3 eps^3 + B4 eps^4 <= 1/beta^2 - B1 eps
    + B2 eps^2 (B3 >= B4 >= 0 on [0, 1]), a convex quadratic, bounded by its larger end value.
    """

    name = "bhabha"
    incoming = Species.POSITRON
    products = (Species.POSITRON, Species.ELECTRON)
    _max_fraction = 1.0

    def _per_electron(self, kinetic: NDArray) -> NDArray[np.float64]:
        return bhabha_cross_section(kinetic, self.electron_cut)

    def _rejection(self, eps: NDArray, gamma: NDArray, beta2: NDArray) -> NDArray[np.float64]:
        b1, b2, b3, b4 = _bhabha_coefficients(gamma)
        return 1.0 / beta2 - eps * (b1 - eps * (b2 - eps * (b3 - eps * b4)))

    def _bound(self, eps_c: NDArray, gamma: NDArray, beta2: NDArray) -> NDArray[np.float64]:
        b1, b2, _, _ = _bhabha_coefficients(gamma)
        with np.errstate(divide="ignore"):
            low = 1.0 / beta2 - b1 * eps_c + b2 * eps_c**2
            high = 1.0 / beta2 - b1 + b2
        return np.maximum(low, high)
