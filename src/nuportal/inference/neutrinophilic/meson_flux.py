"""Wrong-sign antineutrino flux from M+ -> l+ nubar phi in the beam's decay pipe (DUNE ND, FHC).

How the parents are obtained: the shipped on-axis DUNE ND FHC nu_mu flux (arXiv:2103.04797) is
*unfolded* into its pion and kaon parts, and each part into an effective parent spectrum by the
two-body kinematics of M+ -> mu+ nu_mu. For a parent of boost D = gamma (1 + beta) decaying far
upstream of a small on-axis detector (forward emission, theta << 1/gamma), the flux per unit
solid angle and lab energy of a daughter with rest-frame energy E* is
(D^2 / 4 pi) (1/D) dN/dE* at E = D E*. The two-body nu_mu therefore sits at E' = D E*_2
(E*_2 = (M^2 - m_mu^2)/(2M)) with weight D^2 BR_2/(4 pi), and the same parents give the
three-body antineutrino flux

    Phi_3(E) = sum_M ∫ dE' Phi_2^M(E') (E*_2 / E') (1/BR_2) dBR_3/dE*(E E*_2 / E'),

with dBR_3/dE* of :func:`nuportal.models.neutrinophilic.meson_decays.nubar_energy_spectrum`
(per g^2) and BR_2 the measured Br(M+ -> mu+ nu) (:data:`nuportal.models.meson_decays.MESONS`).

Pion/kaon split: f_K(E') = Phi_K/(Phi_pi + Phi_K) from the 120 GeV LBNF target meson spectra
(:func:`nuportal.sources.target.sample_mesons`, BMPT) with the two-body flux averaged over the
detector face, BR_2 (gamma theta_d)^2/(1 + (gamma theta_d)^2) per parent at E' = D E*_2
(theta_d = 5.7 mrad: D^2/4 pi for gamma theta_d << 1, saturating for fast parents), the decay
probability 1 - exp(-L/(gamma beta c tau)) in a 194 m decay pipe, and
*equal, perfect focusing* of every pi+ and K+ above 1 GeV/c (the horns' momentum and angle
acceptance and the absorption in the target are not modelled: this sets only the pi/K ratio).

Limitations: forward (on-axis, far-detector) approximation, so the phi mass enters only through
the rest-frame spectrum; muon-decay and wrong-sign-parent contributions of the table are not
separated (the nu_mu column is taken as pi+/K+ two-body decays); off-diagonal couplings g_ab
(a != b) give nubar_b, which is not propagated (the ND analysis uses diagonal flavour).

Units: GeV; fluxes in nu / cm^2 / POT / GeV per unit |g_lb|^2 (nubar_b; b = l for the diagonal
coupling).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from nuportal import constants
from nuportal.models.meson_decays import MESONS
from nuportal.models.neutrinophilic.meson_decays import nubar_energy_spectrum

__all__ = ["PARENTS", "kaon_fraction", "wrong_sign_flux"]

PARENTS: tuple[str, ...] = ("pi+", "K+")
_DECAY_PIPE_M = 194.0
_P_MIN = 1.0
#: Angular radius of the ND-LAr face seen from the middle of the decay pipe: a 2.6 m radius
#: (the 7 m x 3 m face as a disk of equal area) at 574 - 117 = 457 m.
_THETA_D = 2.6 / 457.0


def _e2star(meson: str) -> float:
    M = MESONS[meson].mass
    return (M * M - constants.M_MUON**2) / (2.0 * M)


@lru_cache(maxsize=4)
def _parent_spectra(n: int, seed: int) -> tuple[NDArray, NDArray, NDArray]:
    """(E_nu grid edges, pi flux shape, K flux shape) of the forward nu_mu from target mesons."""
    from nuportal.sources.target import sample_mesons

    edges = np.linspace(0.0, 125.0, 501)
    out = []
    for meson in PARENTS:
        sample = sample_mesons("lbnf", meson, n, seed)
        p = sample.momentum
        mes = MESONS[meson]
        E = np.sqrt(p * p + mes.mass**2)
        gamma = E / mes.mass
        beta = p / E
        D = gamma * (1.0 + beta)
        decay_len = gamma * beta * constants.SPEED_OF_LIGHT * mes.lifetime
        prob = 1.0 - np.exp(-_DECAY_PIPE_M / decay_len)
        # flux averaged over the detector face (angular radius theta_d): the fraction
        # (gamma theta_d)^2 / (1 + (gamma theta_d)^2) of the nu within theta_d, over pi theta_d^2
        gt2 = (gamma * _THETA_D) ** 2
        w = sample.weights * gt2 / (1.0 + gt2) * mes.br_sm["mu"] * prob * (p > _P_MIN)
        h, _ = np.histogram(D * _e2star(meson), bins=edges, weights=w)
        out.append(h)
    return edges, out[0], out[1]


def kaon_fraction(E_nu: NDArray, *, n: int = 400_000, seed: int = 5) -> NDArray[np.float64]:
    """f_K(E_nu): the kaon share of the forward nu_mu flux (module docstring), smoothed over
    2 GeV; 1 above the pion-parent end point of the sampled spectrum."""
    edges, h_pi, h_k = _parent_spectra(n, seed)
    kernel = np.ones(8) / 8.0
    s_pi = np.convolve(h_pi, kernel, mode="same")
    s_k = np.convolve(h_k, kernel, mode="same")
    tot = s_pi + s_k
    frac = np.where(tot > 0, s_k / np.where(tot > 0, tot, 1.0), 1.0)
    centres = 0.5 * (edges[1:] + edges[:-1])
    return np.interp(np.asarray(E_nu, float), centres, frac)


def wrong_sign_flux(
    flux_E: NDArray,
    numu_flux: NDArray,
    m_phi: float,
    lepton: str = "mu",
    *,
    n_fine: int = 300,
) -> NDArray[np.float64]:
    """Phi_3(E) [nu / cm^2 / POT / GeV per unit |g_lb|^2] of nubar_b on the grid ``flux_E``.

    Parameters
    ----------
    flux_E : ndarray
        Energies [GeV] of the tabulated nu_mu flux (bin centres, equal widths).
    numu_flux : ndarray
        The FHC nu_mu flux [nu / cm^2 / POT / GeV] at ``flux_E``.
    m_phi : float
        Scalar mass [GeV].
    lepton : {"mu", "e"}
        Charged lepton of M+ -> l+ nubar phi (the antineutrino has the same flavour for a
        diagonal coupling).
    """
    e = np.asarray(flux_E, float)
    phi2 = np.asarray(numu_flux, float)
    if e.shape != phi2.shape or e.ndim != 1 or e.size < 2:
        raise ValueError("flux_E and numu_flux must be 1-D arrays of equal length >= 2")
    de = np.gradient(e)
    fk = kaon_fraction(e)
    out = np.zeros_like(e)
    for meson, frac in (("pi+", 1.0 - fk), ("K+", fk)):
        mes = MESONS[meson]
        e2 = _e2star(meson)
        ml = constants.LEPTON_MASS[lepton]
        e_max = (mes.mass**2 - (ml + m_phi) ** 2) / (2.0 * mes.mass)
        if e_max <= 0:
            continue
        # dBR_3/dE* tabulated on a fine grid, then interpolated at E* = E E2*/E'
        grid = np.linspace(0.0, e_max, n_fine)
        dbr = (
            np.asarray(nubar_energy_spectrum(meson, lepton, m_phi, grid))
            * mes.lifetime
            / constants.HBAR
        )
        estar = e[:, None] * e2 / e[None, :]  # rows: E (daughter), columns: E' (parent nu_mu)
        dens = np.interp(estar, grid, dbr, left=0.0, right=0.0)
        kern = dens * (e2 / e[None, :]) / mes.br_sm["mu"]
        out += kern @ (frac * phi2 * de)
    return out
