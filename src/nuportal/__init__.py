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
* neutrino upscattering into dark neutrinos: :func:`generate_upscattering`,
  :func:`upscattering_rates` (:mod:`nuportal.generation.upscattering`)
* parameter scans: :func:`nuportal.scan.scan` (local processes or dask, resumable)
"""

__version__ = "0.1.0"

from nuportal import io, plotting, recast, scan
from nuportal.detectors import get_detector, list_detectors
from nuportal.generation.pipeline import generate
from nuportal.generation.upscattering import generate_upscattering, upscattering_rates
from nuportal.models import DarkNeutrinoModel, DarkPhoton, HeavyNeutralLepton, HiggsPortalScalar
from nuportal.sources.shower import dark_photon_flux, simulate_showers

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
    "io",
    "list_detectors",
    "plotting",
    "recast",
    "scan",
    "simulate_showers",
    "upscattering_rates",
]
