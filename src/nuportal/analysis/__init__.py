"""Detector response (smearing, thresholds) and named, composable event selections."""

from nuportal.analysis.response import above_threshold, smear_direction, smear_energy
from nuportal.analysis.selection import (
    Cut,
    Selection,
    angle_to_direction,
    energy_threshold,
    energy_thresholds,
    four_momentum,
    opening_angle,
)

__all__ = [
    "Cut",
    "Selection",
    "above_threshold",
    "angle_to_direction",
    "energy_threshold",
    "energy_thresholds",
    "four_momentum",
    "opening_angle",
    "smear_direction",
    "smear_energy",
]
