"""Two- and three-body decay kinematics and phase space, vectorized over events.

Conventions follow the PDG review "Kinematics" (PDG 2024, section 49): for a decay M -> 1 2 3,

    dGamma = |M|^2 / ((2 pi)^3 32 M^3) dm12^2 dm23^2,

so the three-body phase-space volume in those variables is
Phi_3 = (1 / (128 pi^3 M^2)) * Area(Dalitz region)  (for dGamma = |M|^2 dPhi_3 / (2 M)).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal.kinematics.fourvectors import (
    boost_from_rest_frame,
    kallen,
    rotate_axis_angle,
    rotate_z_to,
    unit_vectors,
)

__all__ = [
    "dalitz_limits",
    "isotropic_directions",
    "three_body_phase_space",
    "two_body_decay",
    "two_body_decay_at_rest",
    "two_body_energy",
    "two_body_momentum",
]


def two_body_momentum(parent_mass: ArrayLike, m1: ArrayLike, m2: ArrayLike) -> NDArray[np.float64]:
    """Daughter momentum [GeV] in the rest frame of a parent of mass M decaying to masses m1, m2.

    p = sqrt(lambda(M^2, m1^2, m2^2)) / (2 M). Raises if the decay is kinematically closed.
    """
    big_m = np.asarray(parent_mass, float)
    lam = kallen(big_m**2, np.asarray(m1, float) ** 2, np.asarray(m2, float) ** 2)
    closed = np.asarray(big_m < np.asarray(m1) + np.asarray(m2))
    if np.any(closed):
        raise ValueError(
            f"two-body decay closed: parent mass {parent_mass} GeV < m1 + m2 = "
            f"{np.asarray(m1) + np.asarray(m2)} GeV"
        )
    return np.sqrt(np.clip(lam, 0.0, None)) / (2.0 * big_m)


def two_body_energy(parent_mass: ArrayLike, m1: ArrayLike, m2: ArrayLike) -> NDArray[np.float64]:
    """Energy [GeV] of daughter 1 in the parent rest frame, E1 = (M^2 + m1^2 - m2^2) / (2M)."""
    big_m = np.asarray(parent_mass, float)
    return (big_m**2 + np.asarray(m1, float) ** 2 - np.asarray(m2, float) ** 2) / (2.0 * big_m)


def isotropic_directions(n: int, rng: np.random.Generator) -> NDArray[np.float64]:
    """``n`` unit vectors uniformly distributed on the sphere, shape (n, 3)."""
    cos_t = rng.uniform(-1.0, 1.0, n)
    phi = rng.uniform(0.0, 2.0 * np.pi, n)
    return unit_vectors(cos_t, phi)


def two_body_decay_at_rest(
    parent_mass: float,
    m1: float,
    m2: float,
    n: int,
    rng: np.random.Generator,
    directions: ArrayLike | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Isotropic two-body decay at rest.

    Parameters
    ----------
    parent_mass, m1, m2 : float
        Masses [GeV].
    n : int
        Number of decays.
    rng : numpy.random.Generator
        Random generator (ignored if ``directions`` is given).
    directions : array_like, shape (n, 3), optional
        Unit vectors for daughter 1; isotropic if omitted.

    Returns
    -------
    p1, p2 : ndarray, shape (n, 4)
        Four-momenta [GeV] of the two daughters, back to back.
    """
    p = float(two_body_momentum(parent_mass, m1, m2))
    d = isotropic_directions(n, rng) if directions is None else np.asarray(directions, float)
    p1 = np.empty((len(d), 4))
    p2 = np.empty((len(d), 4))
    p1[:, 0] = np.sqrt(p * p + m1 * m1)
    p2[:, 0] = np.sqrt(p * p + m2 * m2)
    p1[:, 1:] = p * d
    p2[:, 1:] = -p * d
    return p1, p2


def two_body_decay(
    parents: ArrayLike, m1: float, m2: float, rng: np.random.Generator
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Isotropic (in the parent rest frame) two-body decays of moving parents.

    Parameters
    ----------
    parents : array_like, shape (N, 4)
        Parent four-momenta [GeV] in the lab.
    m1, m2 : float
        Daughter masses [GeV].
    rng : numpy.random.Generator

    Returns
    -------
    p1, p2 : ndarray, shape (N, 4)
        Daughter four-momenta in the lab frame [GeV].
    """
    parents = np.atleast_2d(np.asarray(parents, float))
    m_parent = np.sqrt(np.clip(parents[:, 0] ** 2 - np.sum(parents[:, 1:] ** 2, axis=1), 0, None))
    pstar = two_body_momentum(m_parent, m1, m2)
    d = isotropic_directions(len(parents), rng)
    r1 = np.column_stack([np.sqrt(pstar**2 + m1**2), pstar[:, None] * d])
    r2 = np.column_stack([np.sqrt(pstar**2 + m2**2), -pstar[:, None] * d])
    return boost_from_rest_frame(r1, parents), boost_from_rest_frame(r2, parents)


def dalitz_limits(
    parent_mass: float, m1: float, m2: float, m3: float, m12_sq: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Range of m23^2 [GeV^2] at fixed m12^2 for M -> 1 2 3 (PDG kinematics review, eq. 49.23)."""
    m12_sq = np.asarray(m12_sq, float)
    m12 = np.sqrt(m12_sq)
    e2 = (m12_sq - m1**2 + m2**2) / (2.0 * m12)
    e3 = (parent_mass**2 - m12_sq - m3**2) / (2.0 * m12)
    p2 = np.sqrt(np.clip(e2**2 - m2**2, 0.0, None))
    p3 = np.sqrt(np.clip(e3**2 - m3**2, 0.0, None))
    s = (e2 + e3) ** 2
    return s - (p2 + p3) ** 2, s - (p2 - p3) ** 2


def three_body_phase_space(
    parent_mass: float, m1: float, m2: float, m3: float, n: int, rng: np.random.Generator
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Weighted, randomly oriented three-body phase-space points in the parent rest frame.

    m12^2 is drawn uniformly over its full range and m23^2 uniformly within its Dalitz limits; the
    weight makes the sample flat in (m12^2, m23^2), so sum(weight)/n estimates the Dalitz area and
    ``sum(weight * |M|^2) / n / (256 pi^3 M^3)`` estimates the width of an unpolarized decay.

    Returns
    -------
    p1, p2, p3 : ndarray, shape (n, 4)
        Four-momenta [GeV].
    weight : ndarray, shape (n,)
        Dalitz-area weight [GeV^4].
    """
    if parent_mass <= m1 + m2 + m3:
        raise ValueError(
            f"three-body decay closed: parent mass {parent_mass} GeV <= sum of daughter masses "
            f"{m1 + m2 + m3} GeV"
        )
    lo12, hi12 = (m1 + m2) ** 2, (parent_mass - m3) ** 2
    m12_sq = rng.uniform(lo12, hi12, n)
    lo23, hi23 = dalitz_limits(parent_mass, m1, m2, m3, m12_sq)
    m23_sq = lo23 + (hi23 - lo23) * rng.uniform(0.0, 1.0, n)
    weight = (hi12 - lo12) * (hi23 - lo23)
    m13_sq = parent_mass**2 + m1**2 + m2**2 + m3**2 - m12_sq - m23_sq
    # Energies in the parent rest frame from the invariants.
    e1 = (parent_mass**2 + m1**2 - m23_sq) / (2.0 * parent_mass)
    e3 = (parent_mass**2 + m3**2 - m12_sq) / (2.0 * parent_mass)
    e2 = (parent_mass**2 + m2**2 - m13_sq) / (2.0 * parent_mass)
    q1 = np.sqrt(np.clip(e1**2 - m1**2, 0.0, None))
    q2 = np.sqrt(np.clip(e2**2 - m2**2, 0.0, None))
    q3 = np.sqrt(np.clip(e3**2 - m3**2, 0.0, None))
    # Particle 3 along +z, particle 1 in the x-z plane; 2 balances the momentum.
    cos13 = np.clip((q2**2 - q1**2 - q3**2) / np.where(q1 * q3 > 0, 2.0 * q1 * q3, 1.0), -1.0, 1.0)
    sin13 = np.sqrt(1.0 - cos13**2)
    zero = np.zeros(n)
    v3 = np.column_stack([zero, zero, q3])
    v1 = np.column_stack([q1 * sin13, zero, q1 * cos13])
    v2 = -(v1 + v3)
    # Random orientation: uniform direction for the z axis and a uniform rotation about it.
    axis = isotropic_directions(n, rng)
    psi = rng.uniform(0.0, 2.0 * np.pi, n)
    out = []
    for e, v in ((e1, v1), (e2, v2), (e3, v3)):
        v = rotate_z_to(rotate_axis_angle(v, np.array([0.0, 0.0, 1.0]), psi), axis)
        out.append(np.column_stack([e, v]))
    return out[0], out[1], out[2], weight
