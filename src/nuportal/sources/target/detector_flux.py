"""Flux of particles from a target (A', chi) through a detector volume on or off axis.

Each row of a particle list (production point x, y, z [m] and momentum px, py, pz [GeV], with a
weight per POT) is a straight line from its production point; the detector is any
:class:`nuportal.detectors.geometry.Volume` (ray intersection by its slab / quadric method).
:func:`nd_lar_box` builds the DUNE ND-LAr active volume: 7 m wide (x) x 3 m high (y) x 5 m long
(z), its upstream face 574 m from the target's upstream face, moved sideways by ``off_axis``
(DUNE-PRISM moves it up to ~30 m; DUNE ND CDR, arXiv:2103.13910). The particles are neither
decayed nor attenuated on the way (for A' -> chi chi use
:func:`nuportal.sources.target.dark_photons.chi_pairs` first).

Units: metres, GeV; weights per proton on target.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from nuportal.detectors.geometry import Box, Volume

__all__ = [
    "DUNE_ND_LAR_DISTANCE",
    "DUNE_ND_LAR_SIZE",
    "DetectorFlux",
    "acceptance_table",
    "detector_flux",
    "nd_lar_box",
]

#: Distance from the target's upstream face to ND-LAr's upstream face [m] (DUNE ND at 574 m).
DUNE_ND_LAR_DISTANCE: float = 574.0
#: ND-LAr active volume (width x, height y, length z) [m] (DUNE ND CDR, arXiv:2103.13910).
DUNE_ND_LAR_SIZE: tuple[float, float, float] = (7.0, 3.0, 5.0)


def nd_lar_box(
    off_axis: float = 0.0,
    *,
    distance: float = DUNE_ND_LAR_DISTANCE,
    size: Sequence[float] = DUNE_ND_LAR_SIZE,
) -> Box:
    """An axis-aligned box: upstream face at z = ``distance``, centre at x = ``off_axis``.

    Parameters
    ----------
    off_axis : float
        Sideways (x) displacement of the box centre from the beam axis [m], finite.
    distance : float
        z of the upstream face [m], > 0.
    size : (float, float, float)
        Width (x), height (y), length (z) [m], each > 0.
    """
    off = float(off_axis)
    if not math.isfinite(off):
        raise ValueError(f"off_axis must be finite [m], got {off_axis!r}")
    d = float(distance)
    if not (math.isfinite(d) and d > 0.0):
        raise ValueError(f"distance must be finite and > 0 m, got {distance!r}")
    s = np.asarray(size, dtype=float)
    if s.shape != (3,) or np.any(~np.isfinite(s)) or np.any(s <= 0.0):
        raise ValueError(f"size must be three finite lengths > 0 m, got {size!r}")
    return Box([off, 0.0, d + 0.5 * s[2]], s)


@dataclass(frozen=True)
class DetectorFlux:
    """Particles through a detector (:func:`detector_flux`).

    Attributes
    ----------
    hit : numpy.ndarray of bool, shape (n,)
        Rows whose straight line crosses the volume.
    path_length : numpy.ndarray, shape (n,)
        Path length inside the volume [m] (0 for misses).
    total_per_pot : float
        Sum of all weights (particles per POT).
    accepted_per_pot : float
        Sum of the weights of the rows that cross the volume.
    fraction : float
        accepted / total.
    fraction_error : float
        Monte Carlo standard error of ``fraction`` (from the weights; binomial for equal weights).
    energy_edges : numpy.ndarray
        Energy bin edges [GeV].
    spectrum : numpy.ndarray
        Accepted particles per POT in each energy bin.
    mean_energy : float
        Weighted mean energy of the accepted particles [GeV] (NaN if none).
    mean_path_length : float
        Weighted mean path length in the volume of the accepted particles [m].
    """

    hit: NDArray[np.bool_]
    path_length: NDArray[np.float64]
    total_per_pot: float
    accepted_per_pot: float
    fraction: float
    fraction_error: float
    energy_edges: NDArray[np.float64]
    spectrum: NDArray[np.float64]
    mean_energy: float
    mean_path_length: float


def detector_flux(
    particles: pd.DataFrame,
    detector: Volume,
    *,
    energy_edges: Sequence[float] | None = None,
) -> DetectorFlux:
    """Which particles cross ``detector``, their path lengths, accepted fraction and spectrum.

    Parameters
    ----------
    particles : pandas.DataFrame
        Columns E, px, py, pz [GeV], x, y, z [m], weight [per POT] (e.g. from
        :func:`~nuportal.sources.target.dark_photons.target_dark_photons` or
        :func:`~nuportal.sources.target.dark_photons.chi_pairs`).
    detector : Volume
        Detector volume (e.g. :func:`nd_lar_box`).
    energy_edges : sequence of float, optional
        Energy bin edges [GeV] (default 0-60 GeV in 1 GeV bins).

    Returns
    -------
    DetectorFlux
    """
    if not isinstance(detector, Volume):
        raise ValueError(f"detector must be a Volume (Box, Cylinder, ...), got {detector!r}")
    missing = [c for c in ("E", "px", "py", "pz", "x", "y", "z", "weight") if c not in particles]
    if missing:
        raise ValueError(f"particles lacks the columns {missing}")
    edges = np.arange(0.0, 61.0, 1.0) if energy_edges is None else np.asarray(energy_edges, float)
    if edges.ndim != 1 or edges.size < 2 or np.any(np.diff(edges) <= 0):
        raise ValueError("energy_edges must be an increasing sequence of >= 2 energies [GeV]")
    w = particles["weight"].to_numpy(float)
    origins = particles[["x", "y", "z"]].to_numpy(float)
    directions = particles[["px", "py", "pz"]].to_numpy(float)
    energy = particles["E"].to_numpy(float)
    if len(w) == 0:
        empty = np.zeros(0)
        return DetectorFlux(
            empty.astype(bool), empty, 0.0, 0.0, math.nan, math.nan, edges,
            np.zeros(edges.size - 1), math.nan, math.nan,
        )  # fmt: skip
    length = detector.path_length(origins, directions)
    if length.ndim > 1:  # a Union: one column per component
        length = length.sum(axis=-1)
    hit = length > 0.0
    total = float(w.sum())
    acc = float(w[hit].sum())
    frac = acc / total if total > 0 else math.nan
    # standard error of a ratio of weighted sums: var = sum w_i^2 (h_i - f)^2 / (sum w)^2
    err = math.sqrt(float(np.sum(w**2 * (hit - frac) ** 2))) / total if total > 0 else math.nan
    spectrum, _ = np.histogram(energy[hit], bins=edges, weights=w[hit])
    mean_e = float(np.average(energy[hit], weights=w[hit])) if acc > 0 else math.nan
    mean_l = float(np.average(length[hit], weights=w[hit])) if acc > 0 else math.nan
    return DetectorFlux(hit, length, total, acc, frac, err, edges, spectrum, mean_e, mean_l)


def acceptance_table(
    particles: pd.DataFrame,
    off_axis: Sequence[float] = (0.0, 10.0, 20.0, 30.0),
    *,
    by: str | None = "channel",
    distance: float = DUNE_ND_LAR_DISTANCE,
    size: Sequence[float] = DUNE_ND_LAR_SIZE,
) -> pd.DataFrame:
    """Accepted fraction, flux and mean energy in an ND-LAr-like box at several off-axis positions.

    Parameters
    ----------
    particles : pandas.DataFrame
        Particle list (see :func:`detector_flux`).
    off_axis : sequence of float
        Box centre displacements [m].
    by : str or None
        Group the rows by this column (default ``"channel"``); None: all rows together.
    distance, size
        As in :func:`nd_lar_box`.

    Returns
    -------
    pandas.DataFrame
        One row per (group, off_axis): ``group``, ``off_axis_m``, ``total_per_pot``,
        ``accepted_per_pot``, ``fraction``, ``fraction_error``, ``mean_energy_GeV``,
        ``mean_path_m``, ``n_rows``.
    """
    if by is not None and by not in particles:
        raise ValueError(f"particles has no column {by!r} to group by")
    groups = [("all", particles)] if by is None else list(particles.groupby(by, sort=True))
    rows = []
    for name, part in groups:
        for off in off_axis:
            flux = detector_flux(part, nd_lar_box(off, distance=distance, size=size))
            rows.append(
                {
                    "group": str(name),
                    "off_axis_m": float(off),
                    "total_per_pot": flux.total_per_pot,
                    "accepted_per_pot": flux.accepted_per_pot,
                    "fraction": flux.fraction,
                    "fraction_error": flux.fraction_error,
                    "mean_energy_GeV": flux.mean_energy,
                    "mean_path_m": flux.mean_path_length,
                    "n_rows": len(part),
                }
            )
    return pd.DataFrame(rows)
