"""Inference-stage predictions: expected spectra and their ratios for new-physics hypotheses."""

from nuportal.inference.near_detector import (
    CHANNELS,
    DEFAULT_EDGES_GEV,
    OscillatedSpectrum,
    decay_distance_nodes,
    oscillated_spectrum,
)

__all__ = [
    "CHANNELS",
    "DEFAULT_EDGES_GEV",
    "OscillatedSpectrum",
    "decay_distance_nodes",
    "oscillated_spectrum",
]
