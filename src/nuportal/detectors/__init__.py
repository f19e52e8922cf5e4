"""Detector geometry (box, cylinder, sphere, unions) and the catalog of real detectors.

Lengths in metres. See :mod:`nuportal.detectors.catalog` (and ``README.md`` next to it) for the
published numbers behind each catalog entry and their citations; the entries are TOML experiment
files (``data/*.toml``) read by :func:`load_experiment_file`, which also reads users' own.
"""

from nuportal.detectors.catalog import (
    Detector,
    Source,
    get_detector,
    list_detectors,
)
from nuportal.detectors.experiment_file import (
    ExperimentFileError,
    ExperimentSpec,
    load_experiment_file,
)
from nuportal.detectors.geometry import (
    Box,
    Cylinder,
    Intersection,
    Sphere,
    Union,
    Volume,
    rotation_matrix,
)

__all__ = [
    "Box",
    "Cylinder",
    "Detector",
    "ExperimentFileError",
    "ExperimentSpec",
    "Intersection",
    "Source",
    "Sphere",
    "Union",
    "Volume",
    "get_detector",
    "list_detectors",
    "load_experiment_file",
    "rotation_matrix",
]
