"""Detector response: direction and energy smearing, energy thresholds.

Four-momenta are arrays of shape ``(..., 4)`` with columns ``(E, px, py, pz)`` in GeV. Every
stochastic function takes ``rng`` (a :class:`numpy.random.Generator` or a seed) and never touches
numpy's global random state.

The reference MicroBooNE recast (Kelly & Machado, arXiv:2106.06548, and its public code)
smears each e+/e- direction by a Gaussian angle of 3 degrees about the true direction with a
random azimuth, keeps energies as true, and sees a track if its energy exceeds 10 MeV.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal._validation import RngLike, as_rng
from nuportal.kinematics import rotate_z_to, unit_vectors

__all__ = ["above_threshold", "smear_direction", "smear_energy"]


def _four_vectors(p4: ArrayLike, name: str = "p4") -> NDArray[np.float64]:
    arr = np.asarray(p4, dtype=float)
    if arr.ndim == 0 or arr.shape[-1] != 4:
        raise ValueError(f"{name} must have shape (4,) or (N, 4) (E, px, py, pz), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got non-finite entries")
    return arr


def smear_direction(
    p4: ArrayLike,
    sigma_angle_rad: float,
    rng: RngLike = None,
    distribution: Literal["gaussian2d", "half_normal"] = "gaussian2d",
) -> NDArray[np.float64]:
    """Smear the direction of each momentum by a random angle about its true direction.

    Energy and |p| (hence the mass) are kept; only the direction changes. The azimuth of the
    deviation about the true direction is uniform in [0, 2 pi).

    Parameters
    ----------
    p4 : array_like, shape (4,) or (N, 4)
        Four-momenta [GeV].
    sigma_angle_rad : float
        Angular resolution sigma [rad] (>= 0).
    rng : numpy.random.Generator or int or None
        Random generator or seed.
    distribution : {"gaussian2d", "half_normal"}
        How the polar deviation theta is drawn:

        * ``"gaussian2d"`` (default): the deviation is a two-dimensional Gaussian on the plane
          transverse to the true direction, each projected angle with width sigma; theta follows
          a Rayleigh law and <theta^2> = 2 sigma^2 (small sigma). This is the usual meaning of
          "Gaussian angular resolution sigma" per projection.
        * ``"half_normal"``: theta = |N(0, sigma)|, so <theta^2> = sigma^2.

    Returns
    -------
    ndarray, same shape as ``p4``
        Smeared four-momenta. Particles with |p| = 0 are returned unchanged.
    """
    p = _four_vectors(p4)
    sigma = float(sigma_angle_rad)
    if not (np.isfinite(sigma) and sigma >= 0):
        raise ValueError(f"sigma_angle_rad must be finite and >= 0 rad, got {sigma_angle_rad!r}")
    if distribution not in ("gaussian2d", "half_normal"):
        raise ValueError(
            f"distribution must be 'gaussian2d' or 'half_normal', got {distribution!r}"
        )
    gen = as_rng(rng)
    shape = p.shape[:-1]
    if distribution == "gaussian2d":
        tx = gen.normal(0.0, sigma, shape)
        ty = gen.normal(0.0, sigma, shape)
        theta = np.hypot(tx, ty)
        phi = np.arctan2(ty, tx)
    else:
        theta = np.abs(gen.normal(0.0, sigma, shape))
        phi = gen.uniform(0.0, 2.0 * np.pi, shape)
    pmag = np.linalg.norm(p[..., 1:], axis=-1)
    moving = pmag > 0
    safe_dir = np.where(moving[..., None], p[..., 1:], np.array([0.0, 0.0, 1.0]))
    # Deviation built about +z, then carried onto the true direction.
    local = unit_vectors(np.cos(theta), phi)
    new_dir = rotate_z_to(local, safe_dir)
    out = p.copy()
    out[..., 1:] = np.where(moving[..., None], pmag[..., None] * new_dir, p[..., 1:])
    return out


def smear_energy(
    p4: ArrayLike,
    resolution: float | tuple[float, float],
    rng: RngLike = None,
) -> NDArray[np.float64]:
    """Smear energies with a Gaussian relative resolution a/sqrt(E) (+) b.

    sigma_E / E = sqrt(a^2 / E + b^2) (E in GeV), E' = E (1 + sigma_E/E * N(0, 1)), clipped at
    the particle's mass; the direction and the mass are kept (|p'| = sqrt(E'^2 - m^2)).

    Parameters
    ----------
    p4 : array_like, shape (4,) or (N, 4)
        Four-momenta [GeV].
    resolution : float or (float, float)
        ``(a, b)``: stochastic term a [sqrt(GeV)] and constant term b (dimensionless), both
        >= 0; a single number is a constant relative resolution b.
    rng : numpy.random.Generator or int or None
        Random generator or seed.

    Returns
    -------
    ndarray, same shape as ``p4``
        Smeared four-momenta. Particles at rest or with E <= 0 are returned unchanged.
    """
    p = _four_vectors(p4)
    if np.ndim(resolution) == 0:
        a, b = 0.0, float(resolution)
    else:
        res = tuple(float(r) for r in resolution)  # type: ignore[union-attr]
        if len(res) != 2:
            raise ValueError(f"resolution must be b or (a, b), got {resolution!r}")
        a, b = res
    if not (np.isfinite(a) and np.isfinite(b) and a >= 0 and b >= 0):
        raise ValueError(f"resolution terms must be finite and >= 0, got a={a!r}, b={b!r}")
    e = p[..., 0]
    pvec = p[..., 1:]
    pmag = np.linalg.norm(pvec, axis=-1)
    mass = np.sqrt(np.clip(e * e - pmag * pmag, 0.0, None))
    active = (e > 0) & (pmag > 0)
    e_safe = np.where(active, e, 1.0)
    rel = np.sqrt(a * a / e_safe + b * b)
    e_new = e_safe * (1.0 + rel * as_rng(rng).standard_normal(e.shape))
    e_new = np.maximum(e_new, mass)
    p_new = np.sqrt(np.clip(e_new * e_new - mass * mass, 0.0, None))
    scale = np.where(active, p_new / np.where(active, pmag, 1.0), 1.0)
    out = p.copy()
    out[..., 0] = np.where(active, e_new, e)
    out[..., 1:] = pvec * scale[..., None]
    return out


def above_threshold(
    p4: ArrayLike, threshold_GeV: float, kinetic: bool = False
) -> NDArray[np.bool_]:
    """Whether each particle's energy exceeds a threshold.

    Parameters
    ----------
    p4 : array_like, shape (4,) or (N, 4)
        Four-momenta [GeV].
    threshold_GeV : float
        Threshold [GeV] (>= 0). The comparison is strict: E > threshold.
    kinetic : bool
        Compare the kinetic energy E - m instead of the total energy E (default False, as in
        the reference recast: "a track is seen if its energy exceeds 10 MeV").

    Returns
    -------
    ndarray of bool, shape () or (N,)
    """
    p = _four_vectors(p4)
    thr = float(threshold_GeV)
    if not (np.isfinite(thr) and thr >= 0):
        raise ValueError(f"threshold_GeV must be finite and >= 0 GeV, got {threshold_GeV!r}")
    e = p[..., 0]
    if kinetic:
        p2 = np.einsum("...i,...i->...", p[..., 1:], p[..., 1:])
        m = np.sqrt(np.clip(e * e - p2, 0.0, None))
        with np.errstate(invalid="ignore", divide="ignore"):
            e = np.where(e + m > 0, p2 / (e + m), 0.0)  # T = E - m without cancellation
    return e > thr
