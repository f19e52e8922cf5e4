"""Four-vector arrays: invariants, Kallen function, boosts and rotations.

Four-momenta are numpy arrays of shape ``(..., 4)`` with columns ``(E, px, py, pz)`` in GeV and
metric ``(+, -, -, -)``. Every function accepts a single four-vector of shape ``(4,)`` or a batch of
shape ``(N, 4)`` and broadcasts like numpy.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "boost",
    "boost_from_rest_frame",
    "boost_to_rest_frame",
    "cos_angle",
    "energy",
    "invariant_mass",
    "invariant_mass_squared",
    "kallen",
    "minkowski_dot",
    "momentum",
    "momentum_magnitude",
    "rotate_axis_angle",
    "rotate_z_to",
    "unit_vectors",
    "velocity",
]


def _as_array(p: ArrayLike) -> NDArray[np.float64]:
    arr = np.asarray(p, dtype=float)
    if arr.shape[-1] not in (3, 4):
        raise ValueError(
            f"expected vectors with a last axis of length 3 or 4, got shape {arr.shape}"
        )
    return arr


def kallen(a: ArrayLike, b: ArrayLike, c: ArrayLike) -> NDArray[np.float64]:
    """Kallen triangle function lambda(a, b, c) = a^2 + b^2 + c^2 - 2(ab + bc + ca).

    Written as (a - b - c)^2 - 4bc, which loses no precision when b, c << a.
    """
    a, b, c = np.asarray(a, float), np.asarray(b, float), np.asarray(c, float)
    return (a - b - c) ** 2 - 4.0 * b * c


def energy(p: ArrayLike) -> NDArray[np.float64]:
    """Energy component E [GeV] of four-vectors."""
    return _as_array(p)[..., 0]


def momentum(p: ArrayLike) -> NDArray[np.float64]:
    """Three-momentum (px, py, pz) [GeV] of four-vectors, shape (..., 3)."""
    return _as_array(p)[..., 1:]


def momentum_magnitude(p: ArrayLike) -> NDArray[np.float64]:
    """|p| [GeV] of four-vectors (or of three-vectors)."""
    arr = _as_array(p)
    v = arr[..., 1:] if arr.shape[-1] == 4 else arr
    return np.sqrt(np.einsum("...i,...i->...", v, v))


def minkowski_dot(p: ArrayLike, q: ArrayLike) -> NDArray[np.float64]:
    """Minkowski product p.q = E_p E_q - p.q [GeV^2]."""
    p, q = _as_array(p), _as_array(q)
    return p[..., 0] * q[..., 0] - np.einsum("...i,...i->...", p[..., 1:], q[..., 1:])


def invariant_mass_squared(*momenta: ArrayLike) -> NDArray[np.float64]:
    """Invariant mass squared of the sum of the given four-momenta [GeV^2]."""
    total = (
        np.sum([_as_array(p) for p in momenta], axis=0)
        if len(momenta) > 1
        else _as_array(momenta[0])
    )
    return minkowski_dot(total, total)


def invariant_mass(*momenta: ArrayLike) -> NDArray[np.float64]:
    """Invariant mass of the sum of four-momenta [GeV] (round-off negative m^2 clipped to 0)."""
    return np.sqrt(np.clip(invariant_mass_squared(*momenta), 0.0, None))


def velocity(p: ArrayLike) -> NDArray[np.float64]:
    """Velocity vector beta = p / E of four-momenta, shape (..., 3)."""
    arr = _as_array(p)
    return arr[..., 1:] / arr[..., :1]


def boost(p: ArrayLike, beta: ArrayLike) -> NDArray[np.float64]:
    """Lorentz boost of four-vectors by the velocity ``beta``.

    A particle at rest in the original frame moves with velocity ``beta`` in the new frame, i.e.
    this is the active boost that takes rest-frame momenta of a parent to the frame in which the
    parent has velocity ``beta``.

    Parameters
    ----------
    p : array_like, shape (..., 4)
        Four-vectors [GeV].
    beta : array_like, shape (..., 3)
        Boost velocity in units of c, |beta| < 1.

    Returns
    -------
    ndarray, shape broadcast of (..., 4)
        E' = gamma (E + beta.p),  p' = p + [gamma^2/(gamma+1) (beta.p) + gamma E] beta.
    """
    p = _as_array(p)
    beta = np.asarray(beta, dtype=float)
    b2 = np.einsum("...i,...i->...", beta, beta)
    if np.any(b2 >= 1.0):
        raise ValueError("boost velocity must satisfy |beta| < 1")
    gamma = 1.0 / np.sqrt(1.0 - b2)
    bp = np.einsum("...i,...i->...", beta, p[..., 1:])
    e = p[..., 0]
    coeff = gamma**2 / (gamma + 1.0) * bp + gamma * e
    out = np.empty(np.broadcast_shapes(p.shape, (*beta.shape[:-1], 4)))
    out[..., 0] = gamma * (e + bp)
    out[..., 1:] = p[..., 1:] + coeff[..., None] * beta
    return out


def boost_from_rest_frame(p_rest: ArrayLike, parent: ArrayLike) -> NDArray[np.float64]:
    """Boost four-vectors from the rest frame of ``parent`` to the frame where ``parent`` is given.

    Axes are kept parallel (no Wigner rotation is introduced for a single pure boost).
    """
    return boost(p_rest, velocity(parent))


def boost_to_rest_frame(p: ArrayLike, parent: ArrayLike) -> NDArray[np.float64]:
    """Boost four-vectors into the rest frame of ``parent`` (inverse of boost_from_rest_frame)."""
    return boost(p, -velocity(parent))


def unit_vectors(cos_theta: ArrayLike, phi: ArrayLike) -> NDArray[np.float64]:
    """Unit three-vectors from polar cosine and azimuth [rad], shape (..., 3)."""
    c = np.asarray(cos_theta, float)
    s = np.sqrt(np.clip(1.0 - c * c, 0.0, None))
    phi = np.asarray(phi, float)
    return np.stack(np.broadcast_arrays(s * np.cos(phi), s * np.sin(phi), c), axis=-1)


def rotate_z_to(v: ArrayLike, direction: ArrayLike) -> NDArray[np.float64]:
    """Rotate vectors so that the z axis is carried onto ``direction``.

    The rotation is R = R_z(phi) R_y(theta) with (theta, phi) the polar angles of ``direction``:
    a vector along +z comes out along ``direction``. Works on three-vectors or on the spatial part
    of four-vectors (the energy is unchanged).
    """
    v = _as_array(v)
    d = np.asarray(direction, float)
    d = d / np.linalg.norm(d, axis=-1, keepdims=True)
    cos_t = np.clip(d[..., 2], -1.0, 1.0)
    sin_t = np.sqrt(1.0 - cos_t**2)
    rho = np.hypot(d[..., 0], d[..., 1])
    safe = rho > 0
    cos_p = np.where(safe, d[..., 0] / np.where(safe, rho, 1.0), 1.0)
    sin_p = np.where(safe, d[..., 1] / np.where(safe, rho, 1.0), 0.0)
    spatial = v[..., -3:]
    x, y, z = spatial[..., 0], spatial[..., 1], spatial[..., 2]
    x1 = x * cos_t + z * sin_t
    z1 = -x * sin_t + z * cos_t
    rotated = np.stack([x1 * cos_p - y * sin_p, x1 * sin_p + y * cos_p, z1], axis=-1)
    if v.shape[-1] == 3:
        return rotated
    out = np.empty(np.broadcast_shapes(v.shape, (*rotated.shape[:-1], 4)))
    out[..., 0] = v[..., 0]
    out[..., 1:] = rotated
    return out


def rotate_axis_angle(v: ArrayLike, axis: ArrayLike, angle: ArrayLike) -> NDArray[np.float64]:
    """Rotate vectors about ``axis`` by ``angle`` [rad] (right-handed, Rodrigues' formula).

    Works on three-vectors or on the spatial part of four-vectors.
    """
    v = _as_array(v)
    k = np.asarray(axis, float)
    k = k / np.linalg.norm(k, axis=-1, keepdims=True)
    a = np.asarray(angle, float)[..., None]
    s = v[..., -3:]
    kxs = np.cross(k, s)
    kds = np.einsum("...i,...i->...", k, s)[..., None]
    rotated = s * np.cos(a) + kxs * np.sin(a) + k * kds * (1.0 - np.cos(a))
    if v.shape[-1] == 3:
        return rotated
    out = np.empty(np.broadcast_shapes(v.shape, (*rotated.shape[:-1], 4)))
    out[..., 0] = v[..., 0]
    out[..., 1:] = rotated
    return out


def cos_angle(a: ArrayLike, b: ArrayLike) -> NDArray[np.float64]:
    """Cosine of the angle between the spatial parts of two (three- or four-) vectors."""
    a, b = _as_array(a), _as_array(b)
    a3, b3 = a[..., -3:], b[..., -3:]
    num = np.einsum("...i,...i->...", a3, b3)
    den = np.linalg.norm(a3, axis=-1) * np.linalg.norm(b3, axis=-1)
    return np.clip(num / den, -1.0, 1.0)
