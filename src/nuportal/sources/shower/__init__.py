"""Electromagnetic showers in thick targets and the dark photons they radiate (stage: source).

Working units: GeV, cm, cm^2 (see :mod:`nuportal.sources.shower.qed_constants`); positions
returned to the user are in metres.
"""

from nuportal.sources.shower.dark_flux import (
    DARK_PROCESSES,
    DarkFluxResult,
    dark_photon_flux,
    dark_photons_through_disk,
)
from nuportal.sources.shower.materials import MATERIALS, Material, material
from nuportal.sources.shower.primaries import PrimaryList
from nuportal.sources.shower.simulate import PRIMARIES, ShowerResult, simulate_showers
from nuportal.sources.shower.target import Target

__all__ = [
    "DARK_PROCESSES",
    "MATERIALS",
    "PRIMARIES",
    "DarkFluxResult",
    "Material",
    "PrimaryList",
    "ShowerResult",
    "Target",
    "dark_photon_flux",
    "dark_photons_through_disk",
    "material",
    "simulate_showers",
]
