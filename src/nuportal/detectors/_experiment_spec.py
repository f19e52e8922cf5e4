"""Validated experiment files as objects: detector, sources and beams, and how to build them.

Internal: made by :mod:`nuportal.detectors._experiment_parse`, used through
:mod:`nuportal.detectors.experiment_file` (public names re-exported there).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nuportal.detectors.catalog import Detector, Source
from nuportal.detectors.geometry import Box, Cylinder, Sphere, Union, Volume

__all__ = ["BeamSpec", "ExperimentSpec"]


# ---------------------------------------------------------------- specs
@dataclass(frozen=True)
class _VolumeSpec:
    shape: str
    values: Mapping[str, Any]

    def build(self, shift: NDArray[np.float64]) -> Volume:
        v = self.values
        if self.shape == "box":
            if "lower_m" in v:
                return Box.from_bounds(v["lower_m"] + shift, v["upper_m"] + shift)
            return Box(v["center_m"] + shift, v["size_m"])
        if self.shape == "sphere":
            return Sphere(v["center_m"] + shift, v["radius_m"])
        return Cylinder(
            v["center_m"] + shift, v["radius_m"], v["length_m"], v.get("axis", (0, 0, 1))
        )


@dataclass(frozen=True)
class _SourceSpec:
    name: str
    position: NDArray[np.float64] | None
    distance: float | None
    direction: NDArray[np.float64]
    reference: str
    description: str
    citations: tuple[str, ...]
    off_axis_mrad: float | None


@dataclass(frozen=True)
class BeamSpec:
    """A beam a detector sees: its source, flux table and, optionally, an exposure.

    Attributes
    ----------
    name : str
        Beam name, e.g. ``"sbnd_fhc"``.
    source : str
        Key of the detector's source the neutrinos come from.
    mode : str
        ``"fhc"`` or ``"rhc"``.
    flux_table : str or None
        A shipped table (:data:`nuportal.sources.fluxes.FLUX_TABLES`), or None if ``flux_file``.
    flux_file : pathlib.Path or None
        A flux file (same format as the shipped tables), resolved against the TOML's directory.
    flux_per_bin_GeV : float or None
        Bin width [GeV] if ``flux_file`` holds neutrinos per bin.
    energy_range_GeV : tuple of float
        Neutrino energies [GeV] used for rates.
    exposure : mapping or None
        ``pot``, ``target_masses_t`` (nucleus -> tonnes), ``citations``, ``notes``.
    limitation : str or None
        A documented limitation of the flux, warned about whenever it is used.
    """

    name: str
    source: str
    mode: str
    flux_table: str | None
    flux_file: Path | None
    flux_per_bin_GeV: float | None
    energy_range_GeV: tuple[float, float]
    exposure: Mapping[str, Any] | None = None
    limitation: str | None = None
    description: str = ""
    citations: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExperimentSpec:
    """A validated experiment file: detector, sources and beams, ready to build.

    Use :meth:`detector` for the :class:`~nuportal.detectors.Detector` (optionally moved off
    axis or with other source distances) and :meth:`exposure` for the rates of one beam.
    """

    label: str
    name: str
    title: str
    aliases: tuple[str, ...]
    target_material: str | None
    active_mass_t: float | None
    density_t_per_m3: float | None
    fiducial_mass_t: float | None
    citations: tuple[str, ...]
    notes: str
    volumes: tuple[_VolumeSpec, ...]
    fiducial_volumes: tuple[_VolumeSpec, ...]
    off_axis_direction: NDArray[np.float64] | None
    off_axis_max_m: float | None
    sources: tuple[_SourceSpec, ...]
    beams: Mapping[str, BeamSpec] = field(default_factory=dict)

    # ------------------------------------------------------------ detector
    def detector(
        self,
        *,
        off_axis: float = 0.0,
        source_distances: Mapping[str, float] | None = None,
        source_directions: Mapping[str, Any] | None = None,
    ) -> Detector:
        """Build the detector.

        Parameters
        ----------
        off_axis : float
            Sideways displacement [m] of the active volume along the file's
            ``[detector.off_axis]`` direction, in [0, max_m] (the sources stay where they are).
        source_distances : mapping, optional
            Source name -> distance [m] replacing the file's ``distance_m``.
        source_directions : mapping, optional
            Source name -> flight direction (3-vector) replacing the file's ``direction``.
        """
        off = float(off_axis)
        if off != 0.0:
            if self.off_axis_direction is None:
                raise ValueError(f"detector {self.name!r} cannot be moved off axis "
                                 "(its file has no [detector.off_axis])")  # fmt: skip
            if not (np.isfinite(off) and 0.0 <= off <= self.off_axis_max_m):
                raise ValueError(f"off_axis must be in [0, {self.off_axis_max_m:g}] m for "
                                 f"{self.name}, got {off_axis!r}")  # fmt: skip
        zero = np.zeros(3)
        shift = zero if off == 0.0 else off * self.off_axis_direction
        on_axis = [v.build(zero) for v in self.volumes]
        moved = [v.build(shift) for v in self.volumes]
        active = moved[0] if len(moved) == 1 else Union(moved)
        reference_volume = on_axis[0] if len(on_axis) == 1 else Union(on_axis)
        fid = [v.build(shift) for v in self.fiducial_volumes]
        fiducial = None if not fid else (fid[0] if len(fid) == 1 else Union(fid))
        distances = {k.lower(): v for k, v in (source_distances or {}).items()}
        directions = {k.lower(): v for k, v in (source_directions or {}).items()}
        unknown = sorted((set(distances) | set(directions)) - {s.name for s in self.sources})
        if unknown:
            raise ValueError(f"unknown source(s) {unknown} for detector {self.name!r}; known "
                             f"sources: {[s.name for s in self.sources]}")  # fmt: skip
        sources = {}
        for s in self.sources:
            sources[s.name] = _build_source(s, reference_volume, distances.get(s.name),
                                            directions.get(s.name))  # fmt: skip
        mass = self.active_mass_t
        if mass is None and self.density_t_per_m3 is not None:
            mass = float(reference_volume.volume * self.density_t_per_m3)
        return Detector(
            name=self.name,
            active_volume=active,
            sources=sources,
            default_source=self.sources[0].name,
            target_material=self.target_material,
            active_mass=mass,
            fiducial_volume=fiducial,
            fiducial_mass=self.fiducial_mass_t,
            citations=self.citations,
            notes=self.notes,
            title=self.title,
            beams=tuple(self.beams),
            off_axis_m=off,
        )

    # ------------------------------------------------------------ beams and exposures
    def beam(self, name: str | None = None) -> BeamSpec:
        """The beam called ``name`` (case-insensitive; ``"fhc"``/``"rhc"`` select by mode), or
        the first beam with an exposure (else the first beam)."""
        if not self.beams:
            raise ValueError(f"{self.label}: detector {self.name!r} has no [[beam]] (no flux "
                             "table): rates and upscattering need one")  # fmt: skip
        if name is None:
            with_exposure = [b for b in self.beams.values() if b.exposure is not None]
            return (with_exposure or list(self.beams.values()))[0]
        key = str(name).strip().lower()
        if key in self.beams:
            return self.beams[key]
        by_mode = [b for b in self.beams.values() if b.mode == key]
        if by_mode:
            return by_mode[0]
        raise ValueError(f"unknown beam {name!r} for {self.name}; known beams: {list(self.beams)}")

    def exposure(self, beam: str | None = None):
        """The :class:`~nuportal.detectors.exposures.Exposure` of one beam (default: the first
        beam with an ``[beam.exposure]`` table)."""
        from nuportal.detectors.exposures import Exposure

        b = self.beam(beam)
        if b.exposure is None:
            having = [x.name for x in self.beams.values() if x.exposure is not None]
            raise ValueError(f"beam {b.name!r} of {self.name} has no [beam.exposure] (POT and "
                             f"targets); beams with one: {having}")  # fmt: skip
        e = b.exposure
        return Exposure(
            b.name, self.name, b.mode, e["pot"], e["target_masses_t"], b.energy_range_GeV,
            e.get("citations", ()), e.get("notes", ""), flux_table=b.flux_table,
            flux_file=None if b.flux_file is None else str(b.flux_file),
            flux_per_bin_GeV=b.flux_per_bin_GeV, limitation=b.limitation, spec=self,
        )  # fmt: skip

    def flux(self, beam: str | None = None):
        """The :class:`~nuportal.sources.fluxes.Flux` of one beam, with the source-to-detector
        distance as its baseline (warns about the beam's documented limitation, if any)."""
        from nuportal.sources.fluxes import flux_for_beam

        b = self.beam(beam)
        baseline = self.detector().baseline(b.source)
        return flux_for_beam(b.flux_table, b.flux_file, b.flux_per_bin_GeV, baseline,
                             b.limitation)  # fmt: skip


def _build_source(s: _SourceSpec, volume: Volume, distance, direction) -> Source:
    if s.position is not None:
        if distance is not None or direction is not None:
            raise ValueError(f"source {s.name!r} has a fixed position_m; it has no distance or "
                             "direction to change")  # fmt: skip
        return Source(s.name, s.position, s.description, s.citations)
    from nuportal._validation import positive_length

    d = s.distance if distance is None else positive_length(distance, f"{s.name}_distance")
    n = s.direction if direction is None else np.asarray(direction, dtype=float)
    if n.shape != (3,) or not np.all(np.isfinite(n)) or not np.linalg.norm(n) > 0:
        raise ValueError(f"{s.name}_direction must be a finite non-zero 3-vector, got "
                         f"{direction!r}")  # fmt: skip
    n = n / np.linalg.norm(n)
    centre = volume.center
    if s.reference == "front_face":
        d = d + float(centre @ n) - _front(volume, n)
    text = s.description or f"source {s.name}"
    text = f"{text}; {d:g} m from the active-volume centre, particles flying along " \
           f"{np.round(n, 4).tolist()}"  # fmt: skip
    return Source(s.name, centre - d * n, text, s.citations)


def _front(volume: Volume, n: NDArray[np.float64]) -> float:
    """Smallest projection on ``n`` of a point of the volume (the upstream face along n)."""
    if isinstance(volume, Union):
        return min(_front(v, n) for v in volume.volumes)
    if isinstance(volume, Sphere):
        return float(volume.center @ n - volume.radius)
    if isinstance(volume, Cylinder):
        c = abs(float(volume.axis @ n))
        return float(volume.center @ n - 0.5 * volume.length * c
                     - volume.radius * np.sqrt(max(1.0 - c * c, 0.0)))  # fmt: skip
    corners = np.array(np.meshgrid(*[(-0.5, 0.5)] * 3)).reshape(3, -1).T * volume.size
    world = corners @ np.asarray(volume.rotation).T + volume.center
    return float(np.min(world @ n))
