"""Parsing and validation of experiment files (TOML data -> :class:`ExperimentSpec`).

Internal; the format is documented in :mod:`nuportal.detectors.experiment_file`. Every problem is
one :class:`ExperimentFileError` line naming the file, the dotted key and what is allowed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from nuportal.detectors._experiment_spec import (
    BeamSpec,
    ExperimentSpec,
    _SourceSpec,
    _VolumeSpec,
)

__all__ = ["SCHEMA", "ExperimentFileError", "parse_experiment"]

#: The format version written in every experiment file.
SCHEMA = "nuportal-experiment/1"

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")
_UNITS = {"m": "metres", "t": "tonnes", "GeV": "GeV", "mrad": "mrad", "t_per_m3": "t/m^3"}


class ExperimentFileError(ValueError):
    """An experiment file is malformed: unknown key, wrong type or unit, missing field."""


# ---------------------------------------------------------------- validation helpers
class _Checker:
    """Checks values of one file, naming the file and the dotted key in every message."""

    def __init__(self, label: str) -> None:
        self.label = label

    def fail(self, message: str) -> ExperimentFileError:
        return ExperimentFileError(f"{self.label}: {message}")

    def keys(self, table: Any, where: str, required: tuple[str, ...], optional: tuple[str, ...]):
        if not isinstance(table, dict):
            raise self.fail(f"{where} must be a table, got {type(table).__name__}")
        allowed = required + optional
        for key in table:
            if key not in allowed:
                raise self.fail(_unknown_key_message(f"{where}.{key}" if where else key, allowed))
        for key in required:
            if key not in table:
                full = f"{where}.{key}" if where else key
                raise self.fail(f"missing key {full} (required keys: {', '.join(required)})")

    def number(self, value: Any, where: str, unit: str = "", *, positive: bool = True,
               minimum: float | None = None) -> float:  # fmt: skip
        units = f" ({unit})" if unit else ""
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(f"{where} must be a number{units}, got {value!r}")
        v = float(value)
        if not np.isfinite(v):
            raise self.fail(f"{where} must be finite{units}, got {value!r}")
        if positive and not v > 0.0:
            raise self.fail(f"{where} must be > 0{units}, got {value!r}")
        if minimum is not None and v < minimum:
            raise self.fail(f"{where} must be >= {minimum:g}{units}, got {value!r}")
        return v

    def vector(self, value: Any, where: str, unit: str = "", *, nonzero: bool = False):
        if not isinstance(value, list) or len(value) != 3:
            raise self.fail(f"{where} must be a list of three numbers [x, y, z]{_paren(unit)}, "
                            f"got {value!r}")  # fmt: skip
        v = np.array([self.number(x, where, unit, positive=False) for x in value])
        if nonzero and not np.linalg.norm(v) > 0:
            raise self.fail(f"{where} must be a non-zero vector, got {value!r}")
        return v

    def string(self, value: Any, where: str, choices: tuple[str, ...] | None = None) -> str:
        if not isinstance(value, str):
            raise self.fail(f"{where} must be a string, got {value!r}")
        if choices is not None and value.strip().lower() not in choices:
            raise self.fail(f"{where} = {value!r} is not allowed; allowed values: "
                            f"{', '.join(choices)}")  # fmt: skip
        return value.strip().lower() if choices is not None else value

    def name(self, value: Any, where: str) -> str:
        s = self.string(value, where)
        if not _NAME_RE.match(s):
            raise self.fail(f"{where} = {s!r} must be an identifier (letters, digits, '_', '-')")
        return s.lower()

    def strings(self, value: Any, where: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            raise self.fail(f"{where} must be a list of strings, got {value!r}")
        return tuple(value)


def _paren(unit: str) -> str:
    return f" ({unit})" if unit else ""


def _unknown_key_message(key: str, allowed: tuple[str, ...]) -> str:
    """'unknown key' or, if the stem matches an allowed key with a unit, 'wrong unit'."""
    leaf = key.rsplit(".", 1)[-1]
    stem = re.sub(r"_(mm|cm|m|km|kg|g|t|kt|ton|tons|tonnes|mev|kev|gev|tev|ev|mrad|rad|deg)$",
                  "", leaf, flags=re.IGNORECASE)  # fmt: skip
    for candidate in allowed:
        for suffix, unit in _UNITS.items():
            if candidate == f"{stem}_{suffix}" and candidate != leaf:
                return (f"wrong unit in key {key}: give {candidate} (in {unit}); allowed keys: "
                        f"{', '.join(allowed)}")  # fmt: skip
    return f"unknown key {key}; allowed keys: {', '.join(allowed)}"


# ---------------------------------------------------------------- parsing
_VOLUME_KEYS = {
    "box": ((), ("lower_m", "upper_m", "center_m", "size_m")),
    "sphere": (("center_m", "radius_m"), ()),
    "cylinder": (("center_m", "radius_m", "length_m"), ("axis",)),
}


def _volume(c: _Checker, table: Any, where: str) -> _VolumeSpec:
    if not isinstance(table, dict):
        raise c.fail(f"{where} must be a table")
    shape = c.string(table.get("shape"), f"{where}.shape", tuple(_VOLUME_KEYS)) \
        if "shape" in table else None  # fmt: skip
    if shape is None:
        raise c.fail(f"missing key {where}.shape (allowed values: {', '.join(_VOLUME_KEYS)})")
    required, optional = _VOLUME_KEYS[shape]
    c.keys(table, where, ("shape", *required), optional)
    values: dict[str, Any] = {}
    if shape == "box":
        if "lower_m" in table or "upper_m" in table:
            c.keys(table, where, ("shape", "lower_m", "upper_m"), ())
            lo = c.vector(table["lower_m"], f"{where}.lower_m", "m")
            hi = c.vector(table["upper_m"], f"{where}.upper_m", "m")
            if np.any(hi <= lo):
                raise c.fail(f"{where}: upper_m must exceed lower_m in every coordinate")
            values = {"lower_m": lo, "upper_m": hi}
        else:
            c.keys(table, where, ("shape", "center_m", "size_m"), ())
            size = c.vector(table["size_m"], f"{where}.size_m", "m")
            if np.any(size <= 0):
                raise c.fail(f"{where}.size_m must be > 0 in every coordinate (m)")
            values = {"center_m": c.vector(table["center_m"], f"{where}.center_m", "m"),
                      "size_m": size}  # fmt: skip
    else:
        values["center_m"] = c.vector(table["center_m"], f"{where}.center_m", "m")
        values["radius_m"] = c.number(table["radius_m"], f"{where}.radius_m", "m")
        if shape == "cylinder":
            values["length_m"] = c.number(table["length_m"], f"{where}.length_m", "m")
            if "axis" in table:
                values["axis"] = c.vector(table["axis"], f"{where}.axis", nonzero=True)
    return _VolumeSpec(shape, values)


def _volumes(c: _Checker, value: Any, where: str) -> tuple[_VolumeSpec, ...]:
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not value:
        raise c.fail(f"{where} must be one or more tables ([[{where}]])")
    return tuple(_volume(c, t, f"{where}[{i}]" if len(value) > 1 else where)
                 for i, t in enumerate(value))  # fmt: skip


def _source(c: _Checker, table: Any, where: str) -> _SourceSpec:
    c.keys(table, where, ("name",), ("position_m", "distance_m", "direction", "reference",
                                     "description", "citations", "off_axis_mrad"))  # fmt: skip
    name = c.name(table["name"], f"{where}.name")
    has_pos, has_dist = "position_m" in table, "distance_m" in table
    if has_pos == has_dist:
        raise c.fail(f"{where} ({name}) needs exactly one of position_m (m, detector frame) or "
                     "distance_m (m, from the active-volume centre)")  # fmt: skip
    if has_pos and ("direction" in table or "reference" in table):
        raise c.fail(f"{where} ({name}): direction and reference go with distance_m, not "
                     "position_m")  # fmt: skip
    return _SourceSpec(
        name=name,
        position=c.vector(table["position_m"], f"{where}.position_m", "m") if has_pos else None,
        distance=c.number(table["distance_m"], f"{where}.distance_m", "m") if has_dist else None,
        direction=(
            c.vector(table["direction"], f"{where}.direction", nonzero=True)
            if "direction" in table
            else np.array([0.0, 0.0, 1.0])
        ),
        reference=c.string(
            table.get("reference", "center"), f"{where}.reference", ("center", "front_face")
        ),
        description=c.string(table.get("description", ""), f"{where}.description"),
        citations=c.strings(table.get("citations", []), f"{where}.citations"),
        off_axis_mrad=(
            c.number(
                table["off_axis_mrad"],
                f"{where}.off_axis_mrad",
                "mrad",
                positive=False,
                minimum=0.0,
            )
            if "off_axis_mrad" in table
            else None
        ),
    )


def _exposure(c: _Checker, table: Any, where: str) -> dict[str, Any]:
    from nuportal.models.targets import nucleus

    c.keys(table, where, ("pot",), ("target_masses_t", "target_mass_t", "molecule",
                                    "mass_fractions", "citations", "notes"))  # fmt: skip
    pot = c.number(table["pot"], f"{where}.pot", "protons on target")
    direct = "target_masses_t" in table
    split = "target_mass_t" in table
    if direct == split:
        raise c.fail(f"{where} needs target_masses_t (nucleus = tonnes) or target_mass_t with "
                     "molecule or mass_fractions")  # fmt: skip

    def nuclei(t: Any, key: str) -> dict[str, float]:
        if not isinstance(t, dict) or not t:
            raise c.fail(f"{where}.{key} must be a non-empty table of nucleus = number")
        out = {}
        for name, value in t.items():
            try:
                nucleus(name)
            except ValueError as exc:
                raise c.fail(f"{where}.{key}.{name}: {exc}") from None
            out[name] = c.number(value, f"{where}.{key}.{name}")
        return out

    if direct:
        if "molecule" in table or "mass_fractions" in table:
            raise c.fail(f"{where}: molecule / mass_fractions go with target_mass_t")
        masses = nuclei(table["target_masses_t"], "target_masses_t")
    else:
        total = c.number(table["target_mass_t"], f"{where}.target_mass_t", "t")
        if ("molecule" in table) == ("mass_fractions" in table):
            raise c.fail(f"{where}: target_mass_t needs exactly one of molecule (nucleus = "
                         "count) or mass_fractions (nucleus = fraction)")  # fmt: skip
        if "molecule" in table:
            counts = nuclei(table["molecule"], "molecule")
            weights = {k: n * nucleus(k).A for k, n in counts.items()}
            norm = sum(weights.values())
            masses = {k: total * w / norm for k, w in weights.items()}
        else:
            fractions = nuclei(table["mass_fractions"], "mass_fractions")
            if sum(fractions.values()) > 1.0 + 1e-9:
                raise c.fail(f"{where}.mass_fractions must add up to at most 1")
            masses = {k: total * f for k, f in fractions.items()}
    return {
        "pot": pot,
        "target_masses_t": masses,
        "citations": c.strings(table.get("citations", []), f"{where}.citations"),
        "notes": c.string(table.get("notes", ""), f"{where}.notes"),
    }


def _beam(c: _Checker, table: Any, where: str, sources: set[str], base: Path | None) -> BeamSpec:
    from nuportal.sources.fluxes import FLUX_TABLES

    c.keys(table, where, ("name", "source", "mode", "energy_range_GeV"),
           ("flux_table", "flux_file", "flux_per_bin_GeV", "exposure", "limitation",
            "description", "citations"))  # fmt: skip
    name = c.name(table["name"], f"{where}.name")
    source = c.name(table["source"], f"{where}.source")
    if source not in sources:
        raise c.fail(f"{where}.source = {source!r} is not a [[source]] of the file; allowed "
                     f"values: {', '.join(sorted(sources))}")  # fmt: skip
    mode = c.string(table["mode"], f"{where}.mode", ("fhc", "rhc"))
    if ("flux_table" in table) == ("flux_file" in table):
        raise c.fail(f"{where} ({name}) needs exactly one of flux_table (one of "
                     f"{', '.join(FLUX_TABLES)}) or flux_file (a path)")  # fmt: skip
    flux_table = flux_file = None
    if "flux_table" in table:
        flux_table = c.string(table["flux_table"], f"{where}.flux_table", tuple(FLUX_TABLES))
        if "flux_per_bin_GeV" in table:
            raise c.fail(f"{where}.flux_per_bin_GeV goes with flux_file, not a shipped table")
    else:
        raw = Path(c.string(table["flux_file"], f"{where}.flux_file"))
        flux_file = raw if raw.is_absolute() or base is None else base / raw
        if not flux_file.is_file():
            raise c.fail(f"{where}.flux_file: {str(flux_file)!r} does not exist")
    per_bin = (c.number(table["flux_per_bin_GeV"], f"{where}.flux_per_bin_GeV", "GeV")
               if "flux_per_bin_GeV" in table else None)  # fmt: skip
    rng = table["energy_range_GeV"]
    if not isinstance(rng, list) or len(rng) != 2:
        raise c.fail(f"{where}.energy_range_GeV must be [low, high] (GeV), got {rng!r}")
    lo = c.number(rng[0], f"{where}.energy_range_GeV", "GeV")
    hi = c.number(rng[1], f"{where}.energy_range_GeV", "GeV")
    if not hi > lo:
        raise c.fail(f"{where}.energy_range_GeV must have low < high (GeV), got {rng!r}")
    exposure = (_exposure(c, table["exposure"], f"{where}.exposure")
                if "exposure" in table else None)  # fmt: skip
    return BeamSpec(
        name, source, mode, flux_table, flux_file, per_bin, (lo, hi), exposure,
        c.string(table["limitation"], f"{where}.limitation") if "limitation" in table else None,
        c.string(table.get("description", ""), f"{where}.description"),
        c.strings(table.get("citations", []), f"{where}.citations"),
    )  # fmt: skip


def parse_experiment(
    data: Mapping[str, Any], label: str, base: Path | None = None
) -> ExperimentSpec:
    """Validate the parsed TOML ``data`` of an experiment file (``label`` names it in errors)."""
    c = _Checker(label)
    c.keys(dict(data), "", ("detector", "source"), ("schema", "beam"))
    schema = data.get("schema", SCHEMA)
    if schema != SCHEMA:
        raise c.fail(f"schema = {schema!r} is not supported; allowed values: {SCHEMA}")
    det = data["detector"]
    c.keys(det, "detector", ("name", "target_material", "active_volume"),
           ("title", "aliases", "active_mass_t", "density_t_per_m3", "fiducial_mass_t",
            "fiducial_volume", "off_axis", "citations", "notes"))  # fmt: skip
    name = c.name(det["name"], "detector.name")
    if "active_mass_t" in det and "density_t_per_m3" in det:
        raise c.fail("detector: give active_mass_t or density_t_per_m3, not both")
    off_dir = off_max = None
    if "off_axis" in det:
        c.keys(det["off_axis"], "detector.off_axis", ("direction", "max_m"), ("citations",))
        off_dir = c.vector(det["off_axis"]["direction"], "detector.off_axis.direction",
                           nonzero=True)  # fmt: skip
        off_dir = off_dir / np.linalg.norm(off_dir)
        off_max = c.number(det["off_axis"]["max_m"], "detector.off_axis.max_m", "m")
    raw_sources = data["source"]
    if isinstance(raw_sources, dict):
        raw_sources = [raw_sources]
    if not isinstance(raw_sources, list) or not raw_sources:
        raise c.fail("source must be one or more [[source]] tables")
    sources = tuple(_source(c, t, f"source[{i}]") for i, t in enumerate(raw_sources))
    names = [s.name for s in sources]
    if len(set(names)) != len(names):
        raise c.fail(f"source names must be unique, got {names}")
    raw_beams = data.get("beam", [])
    if isinstance(raw_beams, dict):
        raw_beams = [raw_beams]
    if not isinstance(raw_beams, list):
        raise c.fail("beam must be [[beam]] tables")
    beams: dict[str, BeamSpec] = {}
    for i, t in enumerate(raw_beams):
        b = _beam(c, t, f"beam[{i}]", set(names), base)
        if b.name in beams:
            raise c.fail(f"beam[{i}].name = {b.name!r} is used twice")
        beams[b.name] = b
    return ExperimentSpec(
        label=label,
        name=name,
        title=c.string(det.get("title", name), "detector.title"),
        aliases=tuple(a.lower() for a in c.strings(det.get("aliases", []), "detector.aliases")),
        target_material=c.string(det["target_material"], "detector.target_material"),
        active_mass_t=(
            c.number(det["active_mass_t"], "detector.active_mass_t", "t")
            if "active_mass_t" in det
            else None
        ),
        density_t_per_m3=(
            c.number(det["density_t_per_m3"], "detector.density_t_per_m3", "t/m^3")
            if "density_t_per_m3" in det
            else None
        ),
        fiducial_mass_t=(
            c.number(det["fiducial_mass_t"], "detector.fiducial_mass_t", "t")
            if "fiducial_mass_t" in det
            else None
        ),
        citations=c.strings(det.get("citations", []), "detector.citations"),
        notes=c.string(det.get("notes", ""), "detector.notes"),
        volumes=_volumes(c, det["active_volume"], "detector.active_volume"),
        fiducial_volumes=(
            _volumes(c, det["fiducial_volume"], "detector.fiducial_volume")
            if "fiducial_volume" in det
            else ()
        ),
        off_axis_direction=off_dir,
        off_axis_max_m=off_max,
        sources=sources,
        beams=beams,
    )
