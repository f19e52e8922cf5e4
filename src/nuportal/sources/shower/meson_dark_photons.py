"""Dark photons from neutral-meson decays P -> gamma A' (P = pi0, eta).

A hadronic source (photo- or electro-production in the target; outside a pure QED shower)
supplies pi0 or eta four-momenta; each meson decays to gamma A' with branching ratio
Br(P -> gamma A') = 2 eps^2 (1 - M^2/m_P^2)^3 Br(P -> gamma gamma)
(:func:`nuportal.models.dark_photon.br_meson_to_gamma_dark_photon`; [BPR]; Br(P -> gamma gamma) of
[BdNMC]).
The A' is emitted isotropically in the meson rest frame with E* = (m_P^2 + M^2)/(2 m_P) and the
decay is boosted to the lab with :mod:`nuportal.kinematics` (isotropic two-body decay of moving
parents). Each meson yields one A' carrying the weight Br/eps^2: the expected number of A' per
meson is weight x eps^2.

Units: GeV for four-momenta (columns E, px, py, pz).

References
----------
* [BPR] B. Batell, M. Pospelov, A. Ritz, PRD 80 (2009) 095024, arXiv:0906.5614.
* [BdNMC] P. deNiverville, C.-Y. Chen, M. Pospelov, A. Ritz, arXiv:1609.01770 (code
  ``branchingratios.cpp``: the formula and the PDG Br(P -> gamma gamma) values).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal import constants
from nuportal._validation import RngLike, as_rng
from nuportal.kinematics import two_body_decay
from nuportal.models.dark_photon import BR_MESON_GAMMA_GAMMA, br_meson_to_gamma_dark_photon

__all__ = ["MESON_MASS_TOLERANCE", "MesonDarkPhotons", "dark_photons_from_mesons"]

#: Largest accepted relative deviation |m_inv - m_P| / m_P of the input four-momenta; inputs
#: within it are put exactly on shell (E recomputed from the three-momentum).
MESON_MASS_TOLERANCE: float = 1e-3


class MesonDarkPhotons(NamedTuple):
    """Result of :func:`dark_photons_from_mesons` (unpacks as ``dark_photon, weight, photon``).

    Attributes
    ----------
    dark_photon : numpy.ndarray, shape (N, 4)
        A' four-momenta in the lab [GeV].
    weight : numpy.ndarray, shape (N,)
        Br(P -> gamma A') / eps^2 per meson (the same for every meson of one species and mass).
    photon : numpy.ndarray, shape (N, 4)
        Four-momenta of the accompanying photons [GeV]; photon + A' = meson.
    """

    dark_photon: NDArray[np.float64]
    weight: NDArray[np.float64]
    photon: NDArray[np.float64]


def dark_photons_from_mesons(
    meson_momenta: ArrayLike, meson: str, mass: float, rng: RngLike = None
) -> MesonDarkPhotons:
    """A' from the decays P -> gamma A' of the given mesons, one per meson, weighted.

    Parameters
    ----------
    meson_momenta : array_like, shape (N, 4) or (4,)
        Lab four-momenta (E, px, py, pz) of the mesons [GeV], on shell to within
        :data:`MESON_MASS_TOLERANCE` (they are then put exactly on shell, keeping the
        three-momentum).
    meson : {"pi0", "eta"}
        Meson species (mass from the PDG data of ``particle``).
    mass : float
        A' mass M [GeV], 0 < M < m_P.
    rng : numpy.random.Generator, int or None
        Random generator or seed.

    Returns
    -------
    MesonDarkPhotons
        ``(dark_photon, weight, photon)``: A' four-momenta (N, 4), weights Br/eps^2 (N,), photon
        four-momenta (N, 4). The A' direction is isotropic in the meson rest frame, where its
        energy is (m_P^2 + M^2)/(2 m_P).
    """
    if meson not in BR_MESON_GAMMA_GAMMA:
        raise ValueError(f"meson must be one of {sorted(BR_MESON_GAMMA_GAMMA)}, got {meson!r}")
    m_p = constants.mass(meson)
    m = float(mass)
    if not (math.isfinite(m) and 0.0 < m < m_p):
        raise ValueError(
            f"mass must be finite and in (0, m_{meson} = {m_p:.6g}) GeV for {meson} -> gamma A', "
            f"got {mass!r}"
        )
    p = np.asarray(meson_momenta, dtype=float)
    if p.ndim == 1:
        p = p[None, :]
    if p.ndim != 2 or p.shape[1] != 4:
        raise ValueError(
            f"meson_momenta must have shape (N, 4) (E, px, py, pz), got shape {np.shape(p)}"
        )
    if np.any(~np.isfinite(p)):
        raise ValueError("meson_momenta must be finite")
    p3 = p[:, 1:]
    p2 = np.einsum("ij,ij->i", p3, p3)
    m_inv = np.sqrt(np.clip(p[:, 0] ** 2 - p2, 0.0, None)) * np.sign(p[:, 0])
    off = np.abs(m_inv - m_p) > MESON_MASS_TOLERANCE * m_p
    if np.any(off):
        raise ValueError(
            f"meson_momenta must be {meson} four-momenta (invariant mass {m_p:.6g} GeV within a "
            f"relative {MESON_MASS_TOLERANCE:g}); {int(np.sum(off))} of {len(p)} are not, e.g. "
            f"invariant mass {float(m_inv[off][0]):.6g} GeV"
        )
    on_shell = np.column_stack([np.sqrt(p2 + m_p * m_p), p3])
    dark, photon = two_body_decay(on_shell, m, 0.0, as_rng(rng))
    weight = np.full(len(p), float(br_meson_to_gamma_dark_photon(meson, m)))
    return MesonDarkPhotons(dark, weight, photon)
