"""nuportal.generation: samplers that turn models into weighted events.

Rest-frame decay samplers (:mod:`nuportal.generation.decay_samplers`) return
:class:`RestFrameDecays` with ``weight.sum()`` = an estimate of the partial width [GeV];
:mod:`nuportal.generation.vegas_sampler` holds the deterministic vegas adaptation they use.
"""

from nuportal.generation.decay_samplers import (
    RestFrameDecays,
    ThreeBodyNuLL,
    TwoBodyIsotropic,
    as_generator,
    clear_vegas_cache,
)
from nuportal.generation.unweighting import unweight
from nuportal.generation.vegas_sampler import AdaptedMap, adapt_map, map_points

__all__ = [
    "AdaptedMap",
    "RestFrameDecays",
    "ThreeBodyNuLL",
    "TwoBodyIsotropic",
    "adapt_map",
    "as_generator",
    "clear_vegas_cache",
    "map_points",
    "unweight",
]
