"""New particles from mesons decaying in flight, aimed through a detector volume.

Charged mesons from a target (a :class:`~nuportal.sources.target.MesonSample`) fly along straight
lines (**no horn focusing, no energy loss, no absorption before the end of the decay region**)
and decay within ``decay_region`` metres of their production point with probability
P = 1 - exp(-L / (beta gamma c tau)). In the two-body decay M -> X + partner, X is emitted
isotropically in the meson rest frame; instead of drawing its direction there and keeping the few
that cross a distant detector, the lab direction is drawn toward a uniform point of the detector
volume and the event carries the exact weight

    w = w_meson P (dN/dOmega_lab) / p_dir(n),      dN/dOmega_lab = sum over the kinematic roots of
        (1/4 pi) p^2 / (gamma p* |p - E beta cos(alpha)|),

with p_dir(n) = (l_out^3 - l_in^3) / (3 V) the density of such directions per steradian (l_in,
l_out: distances to where the line enters and leaves the volume), alpha the angle between the
direction and the meson's velocity, and p the lab momentum of X along it (one root, or two when X
is slower in the meson frame than the meson in the lab; one of them is drawn with probability
proportional to its density). The weights sum, in expectation, to the number of X per proton on
target whose line of flight crosses the volume.
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from nuportal.detectors.geometry import Box, Cylinder, Sphere, Union, Volume, sample_uniform_points
from nuportal.kinematics import two_body_momentum
from nuportal.sources.point_source import ParentBeam

__all__ = ["DECAY_REGION", "bounding_sphere", "can_reach", "daughters_through_volume"]

#: Length [m] of the region where mesons may decay, by catalog beam: the decay pipes of LBNF
#: (194 m, DUNE CDR/TDR, arXiv:2002.03005) and NuMI (675 m, arXiv:1507.06690) and the BNB decay
#: region (50 m, arXiv:0806.1449). The pipe's radius is not modelled.
DECAY_REGION = MappingProxyType({"lbnf": 194.0, "numi": 675.0, "bnb": 50.0})


def daughters_through_volume(
    momenta: NDArray[np.float64],
    positions: NDArray[np.float64],
    weights: NDArray[np.float64],
    parent_mass: float,
    parent_ctau: float,
    daughter_mass: float,
    partner_mass: float,
    volume: Volume,
    decay_region: float,
    rng: np.random.Generator,
) -> ParentBeam:
    """X from M -> X + partner in flight, one X per meson, aimed through ``volume``.

    Parameters
    ----------
    momenta : ndarray, shape (n, 4)
        Meson four-momenta [GeV] in the frame of ``volume``.
    positions : ndarray, shape (n, 3)
        Meson production points [m] in the same frame.
    weights : ndarray, shape (n,)
        Mesons per POT carried by each row.
    parent_mass, daughter_mass, partner_mass : float
        Masses [GeV] of M, X and the partner (m_X + m_partner < m_M).
    parent_ctau : float
        c tau of M [m].
    volume : Volume
        Detector volume [m]; it must not contain the decay region.
    decay_region : float
        Length [m] along the meson's flight within which it may decay.
    rng : numpy.random.Generator

    Returns
    -------
    ParentBeam
        X four-momenta [GeV], decay points of the mesons [m], weights (X per POT crossing the
        volume, before the production branching ratio), helicities 0.
    """
    n = len(weights)
    p_star = float(two_body_momentum(parent_mass, daughter_mass, partner_mass))
    e_star = float(np.hypot(p_star, daughter_mass))
    p_vec = momenta[:, 1:]
    p_mag = np.linalg.norm(p_vec, axis=1)
    d_hat = p_vec / p_mag[:, None]
    lam = p_mag / parent_mass * parent_ctau
    prob = -np.expm1(-decay_region / lam)
    dist = -lam * np.log1p(-rng.random(n) * prob)
    vertex = positions + dist[:, None] * d_hat

    points = sample_uniform_points(volume, n, rng)
    n_hat = points - vertex
    n_hat /= np.linalg.norm(n_hat, axis=1, keepdims=True)
    inter = volume.intersect(vertex, n_hat)
    cubes = np.nan_to_num(inter.t_exit**3 - np.maximum(inter.t_entry, 0.0) ** 3, nan=0.0)
    if cubes.ndim == 2:
        cubes = cubes.sum(axis=1)
    inv_pdir = np.where(cubes > 0, 3.0 * volume.volume / np.where(cubes > 0, cubes, 1.0), 0.0)

    energy = momenta[:, 0]
    beta = p_mag / energy
    gamma = energy / parent_mass
    cos_a = np.einsum("ij,ij->i", n_hat, d_hat)
    # lab momentum p of X along n: (1 - b^2 c^2) p^2 - 2 (E* b c / g) p + m^2 - E*^2/g^2 = 0
    a = 1.0 - (beta * cos_a) ** 2
    half_b = e_star * beta * cos_a / gamma
    disc = (e_star / gamma) ** 2 - daughter_mass**2 * a
    ok = disc >= 0.0
    root = np.sqrt(np.where(ok, disc, 0.0))
    roots = np.stack([(half_b + root) / a, (half_b - root) / a])  # (2, n)
    e_lab = np.sqrt(roots**2 + daughter_mass**2)
    # a root is physical if p > 0 and it reproduces E* (squaring admits E = E*/g + b p c < 0)
    valid = (
        ok
        & (roots > 0.0)
        & (np.abs(gamma * (e_lab - beta * roots * cos_a) - e_star) < 1e-6 * e_star + 1e-12)
    )
    jac = roots**2 / (gamma * p_star * np.abs(roots - e_lab * beta * cos_a))
    dens = np.where(valid, jac, 0.0) / (4.0 * np.pi)
    total = dens.sum(axis=0)
    pick_second = rng.random(n) * np.where(total > 0, total, 1.0) >= dens[0]
    p_x = np.where(pick_second, roots[1], roots[0])
    # directions X cannot reach carry weight 0; any momentum along them keeps the rows finite
    p_x = np.where(total > 0, p_x, p_star)
    out = np.empty((n, 4))
    out[:, 0] = np.sqrt(p_x**2 + daughter_mass**2)
    out[:, 1:] = p_x[:, None] * n_hat
    w = weights * prob * total * inv_pdir
    return ParentBeam(out, vertex, w, np.zeros(n))


def bounding_sphere(volume: Volume) -> tuple[NDArray[np.float64], float]:
    """Centre [m] and radius [m] of a sphere that contains ``volume``."""
    c = np.asarray(volume.center, float)
    if isinstance(volume, Box):
        return c, 0.5 * float(np.linalg.norm(volume.size))
    if isinstance(volume, Sphere):
        return c, float(volume.radius)
    if isinstance(volume, Cylinder):
        return c, float(np.hypot(volume.radius, 0.5 * volume.length))
    if isinstance(volume, Union):
        parts = [bounding_sphere(v) for v in volume.volumes]
        return c, max(float(np.linalg.norm(pc - c)) + r for pc, r in parts)
    raise ValueError(f"no bounding sphere for a {type(volume).__name__}")


def can_reach(
    momenta: NDArray[np.float64],
    positions: NDArray[np.float64],
    parent_mass: float,
    daughter_mass: float,
    partner_mass: float,
    volume: Volume,
    decay_region: float,
) -> NDArray[np.bool_]:
    """False for mesons whose daughter X cannot reach ``volume`` from any decay point.

    Conservative (never False for a meson that can reach it): X makes at most the angle
    arcsin[(p*/m_X) / (beta gamma)_M] with the meson's direction when it is slower in the meson
    frame than the meson in the lab; the angle between the meson direction and the volume's
    bounding sphere is smallest, over the decay segment, at the production point for the centre
    and at the closest approach for the sphere's angular radius.
    """
    p_star = float(two_body_momentum(parent_mass, daughter_mass, partner_mass))
    p_mag = np.linalg.norm(momenta[:, 1:], axis=1)
    d_hat = momenta[:, 1:] / p_mag[:, None]
    bg_m = p_mag / parent_mass
    bg_x = np.inf if daughter_mass == 0 else p_star / daughter_mass
    sin_max = np.minimum(bg_x / bg_m, 1.0)
    theta_max = np.where(sin_max < 1.0, np.arcsin(sin_max), np.pi)
    center, radius = bounding_sphere(volume)
    rel = center - positions
    dist0 = np.linalg.norm(rel, axis=1)
    along = np.einsum("ij,ij->i", rel, d_hat)
    ang0 = np.arccos(np.clip(along / dist0, -1.0, 1.0))
    t_c = np.clip(along, 0.0, decay_region)
    d_min = np.linalg.norm(rel - t_c[:, None] * d_hat, axis=1)
    ang_det = np.where(
        d_min > radius, np.arcsin(np.minimum(radius / np.maximum(d_min, 1e-300), 1.0)), np.pi
    )
    return ang0 - ang_det <= theta_max
