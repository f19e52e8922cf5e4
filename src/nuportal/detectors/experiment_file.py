"""Experiment files: a detector, its sources, beams (flux tables) and exposures in TOML.

The built-in catalog (``nuportal/detectors/data/*.toml``) and the files users write for their own
setups (``nuportal upscatter --experiment my_setup.toml``) have the same format and are read by
the same validating loader, :func:`load_experiment_file`. Every problem is reported as one
:class:`ExperimentFileError` (a ``ValueError``) naming the file, the key and what is allowed.

Format (``schema = "nuportal-experiment/1"``; lengths in metres, masses in tonnes, energies in
GeV, the unit being part of each key's name)::

    schema = "nuportal-experiment/1"

    [detector]
    name = "my_lartpc"                 # identifier: letters, digits, '_' and '-'
    title = "My LArTPC"                # optional, for figures and listings
    target_material = "LAr"
    active_mass_t = 100.0              # optional; or density_t_per_m3 to compute it
    citations = ["..."]                # optional
    notes = "..."                      # optional

    [[detector.active_volume]]         # one or more; several make a Union (modules)
    shape = "box"                      # box: lower_m/upper_m or center_m/size_m
    lower_m = [-2.0, -2.0, 0.0]        # sphere: center_m, radius_m
    upper_m = [2.0, 2.0, 5.0]          # cylinder: center_m, radius_m, length_m, axis

    [[source]]                         # one or more beam targets / absorbers
    name = "bnb"
    distance_m = 110.0                 # from the active-volume centre (reference = "center")
    direction = [0.0, 0.0, 1.0]        # flight direction of particles from the source
    # or: position_m = [x, y, z] in the detector frame

    [[beam]]                           # optional: flux tables the detector sees
    name = "my_lartpc_fhc"
    source = "bnb"
    mode = "fhc"                       # fhc or rhc
    flux_table = "sbnd_fhc"            # a shipped table, or flux_file = "flux.dat"
    energy_range_GeV = [0.05, 3.0]

    [beam.exposure]                    # optional: what rates need
    pot = 1e20
    target_masses_t = { Ar40 = 100.0 } # or target_mass_t with molecule / mass_fractions

Optional keys: ``[detector] aliases``, ``fiducial_mass_t``, ``[[detector.fiducial_volume]]``,
``[detector.off_axis]`` (``direction``, ``max_m``: the detector can be moved sideways, as
DUNE-PRISM), a source's ``reference = "front_face"`` (distance to the upstream face),
``description``, ``citations``, ``off_axis_mrad``; a beam's ``flux_per_bin_GeV`` (a
``flux_file`` that holds neutrinos per bin), ``limitation`` (a documented limitation, said as a
warning whenever the beam's flux is used), ``description``, ``citations``.
"""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from nuportal.detectors._experiment_parse import SCHEMA, ExperimentFileError, parse_experiment
from nuportal.detectors._experiment_spec import BeamSpec, ExperimentSpec

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = [
    "SCHEMA",
    "BeamSpec",
    "ExperimentFileError",
    "ExperimentSpec",
    "builtin_names",
    "builtin_spec",
    "load_experiment_file",
    "parse_experiment",
]


def _parse_toml(text: str, label: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ExperimentFileError(f"{label}: not valid TOML: {exc}") from None


def load_experiment_file(path: str | os.PathLike[str]) -> ExperimentSpec:
    """Read and validate an experiment file (TOML; format in the module docstring).

    Parameters
    ----------
    path : str or path-like
        The ``.toml`` file. Relative ``flux_file`` paths inside it are relative to its directory.

    Returns
    -------
    ExperimentSpec
        ``.detector()`` builds the detector, ``.exposure()`` the exposure of a beam.

    Raises
    ------
    ExperimentFileError
        The file cannot be read, is not TOML, or breaks the format (one line naming the key and
        the allowed values).
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ExperimentFileError(f"{p}: cannot read the experiment file ({exc})") from None
    return parse_experiment(_parse_toml(text, str(p)), str(p), p.resolve().parent)


_BUILTIN: dict[str, ExperimentSpec] = {}


def builtin_names() -> list[str]:
    """Names of the built-in experiment files (the detector catalog), sorted."""
    files = resources.files("nuportal.detectors").joinpath("data").iterdir()
    return sorted(f.name[: -len(".toml")] for f in files if f.name.endswith(".toml"))


def builtin_spec(name: str) -> ExperimentSpec:
    """The validated built-in experiment file ``nuportal/detectors/data/<name>.toml``."""
    if name not in _BUILTIN:
        label = f"nuportal/detectors/data/{name}.toml"
        resource = resources.files("nuportal.detectors").joinpath("data", f"{name}.toml")
        try:
            text = resource.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ValueError(f"{label} is missing from the installation") from None
        spec = parse_experiment(_parse_toml(text, label), label, None)
        if spec.name != name:
            raise ExperimentFileError(f"{label}: detector.name must be {name!r}")
        _BUILTIN[name] = spec
    return _BUILTIN[name]
