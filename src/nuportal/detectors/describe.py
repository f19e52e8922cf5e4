"""Text descriptions of detectors for listings (``nuportal detectors``): geometry, target
material, baselines, beams (flux tables) and exposures."""

from __future__ import annotations

import os

from nuportal.detectors.catalog import Detector, get_detector, is_experiment_file
from nuportal.detectors.geometry import Box, Cylinder, Sphere, Union, Volume

__all__ = ["detector_details", "detector_line", "volume_summary"]


def volume_summary(volume: Volume) -> str:
    """``box 2.56 x 2.33 x 10.37 m``, ``sphere r = 6.1 m``, ``2 modules: ...`` (metres)."""
    if isinstance(volume, Union):
        parts = [volume_summary(v) for v in volume.volumes]
        same = len(set(parts)) == 1
        return f"{len(parts)} x {parts[0]}" if same else " + ".join(parts)
    if isinstance(volume, Box):
        return "box " + " x ".join(f"{s:.4g}" for s in volume.size) + " m"
    if isinstance(volume, Sphere):
        return f"sphere r = {volume.radius:.4g} m"
    if isinstance(volume, Cylinder):
        return f"cylinder r = {volume.radius:.4g} m, length {volume.length:.4g} m"
    return type(volume).__name__


def _spec(det: Detector, name: str | os.PathLike[str]):
    from nuportal.detectors.experiment_file import builtin_spec, load_experiment_file

    return load_experiment_file(name) if is_experiment_file(name) else builtin_spec(det.name)


def _beams(spec) -> list[str]:
    out = []
    for beam in spec.beams.values():
        if beam.exposure is not None:
            out.append(f"{beam.name} ({beam.exposure['pot']:.3g} POT)")
        else:
            out.append(f"{beam.name} (flux only)")
    return out


def detector_line(name: str | os.PathLike[str]) -> str:
    """One line: name, material, active mass, geometry, source distances, beams."""
    det = get_detector(name)
    spec = _spec(det, name)
    mass = f"{det.active_mass:.4g} t" if det.active_mass is not None else "- t"
    sources = ", ".join(f"{k} {det.baseline(k):.4g} m" for k in det.sources)
    beams = ", ".join(_beams(spec)) or "none (geometry only)"
    return (
        f"{det.name:11s} {det.target_material or '-'}, {mass}, {volume_summary(det.active_volume)};"
        f" sources: {sources}; beams: {beams}"
    )


def detector_details(name: str | os.PathLike[str]) -> list[str]:
    """Several lines about one detector or experiment file, with every citation."""
    det = get_detector(name)
    spec = _spec(det, name)
    lines = [f"{det.name}: {det.title or det.name}"]
    lines.append(f"  target material: {det.target_material or '-'}")
    if det.active_mass is not None:
        lines.append(f"  active mass: {det.active_mass:.4g} t")
    lines.append(f"  active volume: {volume_summary(det.active_volume)} (detector frame, metres)")
    if det.fiducial_volume is not None:
        lines.append(f"  fiducial volume: {volume_summary(det.fiducial_volume)}")
    for key in det.sources:
        lines.append(f"  source {key}: {det.baseline(key):.5g} m from the active-volume centre")
    for beam in spec.beams.values():
        text = f"  beam {beam.name}: {beam.mode.upper()} from {beam.source}, flux "
        text += beam.flux_table or str(beam.flux_file)
        text += f", {beam.energy_range_GeV[0]:g}-{beam.energy_range_GeV[1]:g} GeV"
        if beam.exposure is not None:
            targets = ", ".join(
                f"{k} {v:.4g} t" for k, v in beam.exposure["target_masses_t"].items()
            )
            text += f"; exposure {beam.exposure['pot']:.3g} POT on {targets}"
        lines.append(text)
    if spec.off_axis_max_m is not None:
        lines.append(f"  movable off axis: off_axis in [0, {spec.off_axis_max_m:g}] m")
    if det.notes:
        lines.append(f"  notes: {det.notes}")
    lines += [f"  [{i}] {c}" for i, c in enumerate(det.citations, start=1)]
    return lines
