"""nuportal: new-physics phenomenology at accelerator neutrino facilities.

The pipeline (DESIGN.md): source -> production -> propagation -> detection -> response ->
inference. The public API:

* models: :class:`HeavyNeutralLepton`, :class:`HiggsPortalScalar`, :class:`DarkPhoton`,
  :class:`DarkNeutrinoModel`
* detectors: :func:`get_detector`, :func:`list_detectors`
* event generation: :func:`generate` (weighted events as a DataFrame), :mod:`nuportal.io`
* recasting: :func:`nuportal.recast.microboone_kdar`
* electromagnetic showers and their dark photons: :func:`simulate_showers`,
  :func:`dark_photon_flux` (:mod:`nuportal.sources.shower`)
* protons on a thick target: :mod:`nuportal.sources.target`
* Standard-Model neutrino interactions: :mod:`nuportal.interactions`
* neutrino upscattering into dark neutrinos: :func:`generate_upscattering`,
  :func:`upscattering_rates` (:mod:`nuportal.generation.upscattering`)
* parameter scans: :func:`nuportal.scan.scan` (local processes or dask, resumable)

Everything is loaded on first use (module-level ``__getattr__``, the scientific-Python lazy
loading convention SPEC 1): ``import nuportal`` imports neither numpy-heavy subpackages nor pandas,
scipy, matplotlib or the particle table, so the command line starts at once and a program pays
only for what it uses.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Subpackages and modules reachable as attributes, imported on first access.
_SUBMODULES = frozenset(
    {
        "analysis",
        "cli",
        "constants",
        "detectors",
        "experiments",
        "generation",
        "hepmc3",
        "inference",
        "interactions",
        "io",
        "kinematics",
        "models",
        "plotting",
        "propagation",
        "recast",
        "scan",
        "sources",
        "stats",
    }
)

#: Public functions and classes re-exported here, by the module that defines them.
_ATTRIBUTES = {
    "DarkNeutrinoModel": "nuportal.models",
    "DarkPhoton": "nuportal.models",
    "HeavyNeutralLepton": "nuportal.models",
    "HiggsPortalScalar": "nuportal.models",
    "dark_photon_flux": "nuportal.sources.shower",
    "generate": "nuportal.generation.pipeline",
    "generate_upscattering": "nuportal.generation.upscattering",
    "get_detector": "nuportal.detectors",
    "list_detectors": "nuportal.detectors",
    "simulate_showers": "nuportal.sources.shower",
    "upscattering_rates": "nuportal.generation.upscattering",
}

__all__ = [
    "DarkNeutrinoModel",
    "DarkPhoton",
    "HeavyNeutralLepton",
    "HiggsPortalScalar",
    "__version__",
    "dark_photon_flux",
    "generate",
    "generate_upscattering",
    "get_detector",
    "interactions",
    "io",
    "list_detectors",
    "plotting",
    "recast",
    "scan",
    "simulate_showers",
    "sources",
    "upscattering_rates",
]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _ATTRIBUTES:
        value = getattr(importlib.import_module(_ATTRIBUTES[name]), name)
        globals()[name] = value  # the next access is a plain attribute lookup
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_SUBMODULES, *_ATTRIBUTES})


if TYPE_CHECKING:  # static type checkers and IDEs see the eager imports
    from nuportal import interactions, io, plotting, recast, scan, sources
    from nuportal.detectors import get_detector, list_detectors
    from nuportal.generation.pipeline import generate
    from nuportal.generation.upscattering import generate_upscattering, upscattering_rates
    from nuportal.models import (
        DarkNeutrinoModel,
        DarkPhoton,
        HeavyNeutralLepton,
        HiggsPortalScalar,
    )
    from nuportal.sources.shower import dark_photon_flux, simulate_showers
