"""Bremsstrahlung e+- N -> e+- N gamma with Tsai's screening functions (discrete part, k > cut).

Differential cross section per atom (photon energy k, lepton total energies E -> E' = E - k,
y = k/E), valid for E >> m_e from complete screening to no screening:

    dsigma/dk = (alpha r_e^2 / k) {(4/3 - 4y/3 + y^2) C1(delta) + (2/3)(1 - y) C2(delta)},
    C1 = Z^2 [phi_1(g) - (4/3) ln Z - 4 f(Z)] + Z [psi_1(e) - (8/3) ln Z],
    C2 = Z^2 [phi_1(g) - phi_2(g)] + Z [psi_1(e) - psi_2(e)],

with delta = m_e k / (E E'), g = 100 delta Z^(-1/3), e = 100 delta Z^(-2/3) and Tsai's fits of the
Thomas-Fermi screening functions phi_1,2 (nucleus) and psi_1,2 (atomic electrons). In the complete-
screening limit C1 -> 4 [Z^2 (L_rad - f) + Z L'_rad] and C2 -> (2/3)(Z^2 + Z), which is the
complete-screening form of Tsai (1974), Sec. III; with no screening
phi_1 - (4/3) ln Z -> 4 [ln(2 E E'/(m_e k)) - 1/2], the
unscreened Bethe-Heitler result. The screening fits are written as 4 L_rad(Z) + [phi_1(g) -
phi_1(0)] so that for Z < 5 Tsai's tabulated L_rad, L'_rad are used (exactly Tsai's form for
Z >= 5): the high-energy limit is then consistent with :func:`tsai_radiation_length`.

The same brackets C1, C2 (function :func:`screening_brackets`) serve pair production.

Limitations: Born approximation with the high-energy Coulomb correction and the same cross
section for e- and e+; no LPM or dielectric suppression; below ~10 MeV the formula is only
approximate (Seltzer-Berger tables would be needed for precision there). Where C1, C2 make the
bracket negative (tip of the spectrum at low energy, high Z) the cross section is set to 0.

References
----------
Y.-S. Tsai, Rev. Mod. Phys. 46 (1974) 815, Sec. III.B (cross section with screening functions
phi_1, phi_2, psi_1, psi_2 and their Thomas-Fermi fits; the same fits are printed in the Geant4
Physics Reference Manual, relativistic bremsstrahlung and Bethe-Heitler pair-production sections);
PDG "Passage of particles through matter", bremsstrahlung section.
"""

from __future__ import annotations

from functools import cache, lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal._validation import as_rng
from nuportal.sources.shower.materials import (
    Material,
    coulomb_correction,
    radiation_logarithms,
    resolve_material,
)
from nuportal.sources.shower.processes import Products, Species, ledger_energy
from nuportal.sources.shower.qed_constants import ALPHA, CLASSICAL_ELECTRON_RADIUS, M_E
from nuportal.sources.shower.sm_tabulation import (
    MAX_ENERGY,
    ThresholdTable,
    check_cut,
    check_energy,
    gauss_legendre,
)

__all__ = [
    "Bremsstrahlung",
    "brems_dsigma_dk",
    "integrate_brems_spectrum",
    "sample_modified_tsai_cos",
    "screening_brackets",
]

_AR2 = ALPHA * CLASSICAL_ELECTRON_RADIUS**2  # alpha r_e^2 [cm^2]
_NODES = 48  # Gauss-Legendre points per panel of the k integrals


@cache
def _screening_constants(Z: int) -> tuple[float, float, float, float, float, float]:
    """(Z^2, Z, 4 (L_rad - f), 4 L'_rad, 100 Z^(-1/3), 100 Z^(-2/3)) of element Z."""
    lrad, lrad_prime = radiation_logarithms(Z)
    return (
        float(Z * Z),
        float(Z),
        4.0 * (lrad - coulomb_correction(Z)),
        4.0 * lrad_prime,
        100.0 * Z ** (-1.0 / 3.0),
        100.0 * Z ** (-2.0 / 3.0),
    )


def screening_brackets(Z: int, delta: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Tsai's screened brackets C1, C2 (dimensionless) at reduced momentum transfer ``delta``.

    Parameters
    ----------
    Z : int
        Atomic number.
    delta : array_like
        m_e k / (E E') for bremsstrahlung, m_e k / (E+ E-) for pair production (dimensionless).

    Returns
    -------
    C1, C2 : numpy.ndarray
        C1 = Z^2 [4 (L_rad - f) + phi_1(g) - phi_1(0)] + Z [4 L'_rad + psi_1(e) - psi_1(0)],
        C2 = Z^2 [phi_1(g) - phi_2(g)] + Z [psi_1(e) - psi_2(e)], g = 100 delta Z^(-1/3),
        e = 100 delta Z^(-2/3), with Tsai's fits
        phi_1(g) - phi_1(0) = -2 ln(1 + (0.55846 g)^2) - 4 [1 - 0.6 exp(-0.9 g) - 0.4 exp(-1.5 g)],
        phi_1 - phi_2 = (2/3) / (1 + 6.5 g + 6 g^2),
        psi_1(e) - psi_1(0) = -2 ln(1 + (3.621 e)^2) - 4 [1 - 0.7 exp(-8 e) - 0.3 exp(-29.2 e)],
        psi_1 - psi_2 = (2/3) / (1 + 40 e + 400 e^2).

    References
    ----------
    Tsai, RMP 46 (1974) 815, Sec. III.B (Thomas-Fermi fits of the screening functions).
    """
    z2, z1, c_el, c_in, sg, se = _screening_constants(int(Z))
    d = np.asarray(delta, dtype=float)
    g = sg * d
    e = se * d
    phi1 = -2.0 * np.log1p((0.55846 * g) ** 2) - 4.0 * (
        1.0 - 0.6 * np.exp(-0.9 * g) - 0.4 * np.exp(-1.5 * g)
    )
    psi1 = -2.0 * np.log1p((3.621 * e) ** 2) - 4.0 * (
        1.0 - 0.7 * np.exp(-8.0 * e) - 0.3 * np.exp(-29.2 * e)
    )
    c1 = z2 * (c_el + phi1) + z1 * (c_in + psi1)
    c2 = (2.0 / 3.0) * (z2 / (1.0 + g * (6.5 + 6.0 * g)) + z1 / (1.0 + e * (40.0 + 400.0 * e)))
    return c1, c2


def _k_dsigma_dk(k: NDArray, energy: NDArray, Z: int) -> NDArray[np.float64]:
    """k dsigma/dk per atom [cm^2] for 0 < k < E - m_e (no range check)."""
    y = k / energy
    c1, c2 = screening_brackets(Z, M_E * k / (energy * (energy - k)))
    val = (4.0 / 3.0 - y * (4.0 / 3.0 - y)) * c1 + (2.0 / 3.0) * (1.0 - y) * c2
    return _AR2 * np.maximum(val, 0.0)


def brems_dsigma_dk(k: ArrayLike, energy: ArrayLike, Z: int) -> NDArray[np.float64]:
    """Bremsstrahlung dsigma/dk per atom [cm^2/GeV] (module docstring formula, Tsai 1974 Sec. III).

    Parameters
    ----------
    k : array_like
        Photon energy [GeV].
    energy : array_like
        Lepton total energy E [GeV] (broadcast with ``k``).
    Z : int
        Atomic number.

    Returns
    -------
    numpy.ndarray
        Zero outside 0 < k < E - m_e.
    """
    k, energy = np.broadcast_arrays(np.asarray(k, dtype=float), np.asarray(energy, dtype=float))
    inside = (k > 0.0) & (k < energy - M_E)
    out = np.zeros(k.shape)
    out[inside] = _k_dsigma_dk(k[inside], energy[inside], Z) / k[inside]
    return out


def integrate_brems_spectrum(
    energy: ArrayLike, k_low: ArrayLike, k_high: ArrayLike, Z: int, moment: int = 0
) -> NDArray[np.float64]:
    """integral_{k_low}^{k_high} k^moment dsigma/dk dk per atom [cm^2 GeV^moment].

    Two Gauss-Legendre panels: in ln k up to k = T/2 and in ln(E - k) above, which resolves both
    the 1/k rise and the tip k -> T = E - m_e. ``k_low`` must be > 0; limits are clipped to
    [k_low, T].

    Parameters
    ----------
    energy : array_like
        Lepton total energy [GeV].
    k_low, k_high : array_like
        Integration limits [GeV] (broadcast with ``energy``).
    Z : int
        Atomic number.
    moment : int
        0 for the cross section, 1 for the energy-weighted integral (radiative stopping power).
    """
    e, lo, hi = np.broadcast_arrays(
        np.asarray(energy, dtype=float),
        np.asarray(k_low, dtype=float),
        np.asarray(k_high, dtype=float),
    )
    t = e - M_E
    hi = np.minimum(hi, t)
    lo = np.minimum(lo, hi)
    mid = np.clip(0.5 * t, lo, hi)
    x, w = gauss_legendre(_NODES)
    ee = e[..., None]
    # panel 1: u = ln k from ln(lo) to ln(mid); dk = k du
    a, b = np.log(lo)[..., None], np.log(mid)[..., None]
    k1 = np.exp(a + (b - a) * x)
    f1 = _k_dsigma_dk(k1, ee, Z) * k1**moment
    s1 = (b - a)[..., 0] * (f1 @ w)
    # panel 2: v = ln(E - k) from ln(E - hi) to ln(E - mid); dk = (E - k) dv
    a2, b2 = np.log(e - hi)[..., None], np.log(e - mid)[..., None]
    ek = np.exp(a2 + (b2 - a2) * x)
    k2 = ee - ek
    with np.errstate(divide="ignore", invalid="ignore"):
        f2 = np.where(k2 > 0.0, _k_dsigma_dk(k2, ee, Z) / k2 * ek * k2**moment, 0.0)
    s2 = (b2 - a2)[..., 0] * (f2 @ w)
    return s1 + s2


def sample_modified_tsai_cos(energy: ArrayLike, rng: np.random.Generator) -> NDArray[np.float64]:
    """Sample cos(theta) of the "modified Tsai" angular distribution of a lepton or photon.

    u is drawn from f(u) ~ u exp(-a u) + d u exp(-3 a u), a = 0.625, d = 27 (with probability
    9/(9 + d) = 1/4 as u = -ln(r1 r2)/a, otherwise -ln(r1 r2)/(3 a)), truncated to
    u <= u_max = 2 E/m_e, and cos(theta) = 1 - 2 (u/u_max)^2, i.e. theta ~= u m_e/E at small angles
    and cos(theta) in [-1, 1].

    Parameters
    ----------
    energy : array_like
        Total energy [GeV] of the radiating lepton (bremsstrahlung) or of the produced lepton
        (pair production).
    rng : numpy.random.Generator
        Random source.

    References
    ----------
    Geant4 Physics Reference Manual, bremsstrahlung "Angular distribution" (modified Tsai
    distribution of L. Urban, Geant3 manual PHYS211 (1993), derived from Tsai, RMP 46 (1974) 815
    and RMP 49 (1977) 421); also used there for the e+- of pair production.
    """
    e = np.asarray(energy, dtype=float)
    u_max = 2.0 * e.ravel() / M_E
    u = np.empty_like(u_max)
    todo = np.arange(u.size)
    while todo.size:
        r = rng.random((3, todo.size))
        ut = -np.log(r[0] * r[1]) * np.where(r[2] < 0.25, 1.0 / 0.625, 1.0 / 1.875)
        ok = ut <= u_max[todo]
        u[todo[ok]] = ut[ok]
        todo = todo[~ok]
    return (1.0 - 2.0 * (u / u_max) ** 2).reshape(e.shape)


@lru_cache(maxsize=64)
def _cross_section_table(material: Material, photon_cut: float) -> ThresholdTable:
    """Total cross section table of one (material, cut): 32 points/decade in ln(T - cut)."""
    return ThresholdTable(
        threshold=M_E + photon_cut,
        lowest=1e-6 * photon_cut,
        highest=MAX_ENERGY,
        points_per_decade=32,
        function=lambda e: integrate_brems_spectrum(e, photon_cut, e - M_E, material.Z),
    )


class Bremsstrahlung:
    """Bremsstrahlung with photon energy k > ``photon_cut`` (DiscreteProcess).

    Parameters
    ----------
    material : Material or str
        Target material.
    photon_cut : float
        Lowest photon energy of the discrete process [GeV]; softer photons belong to the
        continuous loss (:func:`~nuportal.sources.shower.energy_loss.radiative_stopping_power`).
    incoming : Species
        ``Species.ELECTRON`` or ``Species.POSITRON`` (same cross section).

    Notes
    -----
    ``cross_section`` interpolates (log-log) a table built once per (material, cut) by
    quadrature of :func:`brems_dsigma_dk`. ``sample`` draws k from 1/k on [cut, T] and accepts
    with k dsigma/dk / B(E), B = alpha r_e^2 [(4/3) C1 + (2/3) C2] at k = cut (an upper bound:
    C1, C2 fall with k). The photon polar angle follows the modified Tsai distribution,
    theta = u m_e / E (Geant4 Physics Reference Manual); the lepton direction is left unchanged
    (cos theta_1 = 1), an approximation valid to O(m_e/E).
    """

    name = "bremsstrahlung"

    def __init__(
        self,
        material: Material | str,
        photon_cut: float,
        incoming: Species = Species.ELECTRON,
    ) -> None:
        self.material = resolve_material(material)
        self.photon_cut = check_cut(photon_cut, "photon_cut")
        incoming = Species(incoming)
        if incoming is Species.PHOTON:
            raise ValueError("incoming must be Species.ELECTRON or Species.POSITRON, got PHOTON")
        self.incoming = incoming
        self.products = (incoming, Species.PHOTON)
        self._table = _cross_section_table(self.material, self.photon_cut)

    @property
    def threshold(self) -> float:
        """Lowest lepton total energy with a non-zero cross section [GeV]."""
        return M_E + self.photon_cut

    def cross_section(self, energy: ArrayLike) -> NDArray[np.float64]:
        """Total cross section per atom [cm^2] for photons above the cut, at lepton energy [GeV]."""
        return self._table(check_energy(energy))

    def sample(self, energy: ArrayLike, rng: np.random.Generator) -> Products:
        """Sample the photon energy and angle; lepton energy by the ledger.

        Energies at or below :attr:`threshold` (which a caller's own interpolation of the cross
        section may select) get the limiting kinematics k = T = E - m_e, conserving the ledger.

        Returns
        -------
        Products
            energy_1 = E - k (lepton), energy_2 = k (photon), cos_theta_1 = 1, cos_theta_2 from
            the modified Tsai distribution.
        """
        rng = as_rng(rng)
        e = check_energy(energy)
        shape = e.shape
        e = e.ravel()
        if np.any(e < M_E):
            raise ValueError(f"energy must be >= m_e = {M_E:g} GeV, got min {e.min():g} GeV")
        kc = self.photon_cut
        z = self.material.Z
        t = e - M_E
        log_ratio = np.log(np.maximum(t, kc) / kc)
        c1, c2 = screening_brackets(z, M_E * kc / (e * np.maximum(e - kc, M_E)))
        bound = _AR2 * ((4.0 / 3.0) * np.maximum(c1, 0.0) + (2.0 / 3.0) * c2)
        k = t.copy()  # limiting kinematics k = T at and below the threshold
        todo = np.flatnonzero((t > kc) & (bound > 0.0))
        while todo.size:
            et = e[todo]
            kk = kc * np.exp(rng.random(todo.size) * log_ratio[todo])
            accept = rng.random(todo.size) * bound[todo] <= _k_dsigma_dk(kk, et, z)
            k[todo[accept]] = kk[accept]
            todo = todo[~accept]
        lepton = e - k
        ledger_in = ledger_energy(self.incoming, e)
        photon = ledger_in - ledger_energy(self.incoming, lepton)
        return Products(
            energy_1=lepton.reshape(shape),
            energy_2=photon.reshape(shape),
            cos_theta_1=np.ones(shape),
            cos_theta_2=sample_modified_tsai_cos(e, rng).reshape(shape),
        )
