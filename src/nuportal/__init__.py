"""nuportal: new-physics phenomenology at accelerator neutrino facilities.

The pipeline (DESIGN.md): source -> production -> propagation -> detection -> response ->
inference. The public API:

* models: :class:`HeavyNeutralLepton`, :class:`HiggsPortalScalar`
* detectors: :func:`get_detector`, :func:`list_detectors`
* event generation: :func:`generate` (weighted events as a DataFrame), :mod:`nuportal.io`
* recasting: :func:`nuportal.recast.microboone_kdar`
* parameter scans: :func:`nuportal.scan.scan` (local processes or dask, resumable)
"""

__version__ = "0.1.0"

from nuportal import io, plotting, recast, scan
from nuportal.detectors import get_detector, list_detectors
from nuportal.generation.pipeline import generate
from nuportal.models import HeavyNeutralLepton, HiggsPortalScalar

__all__ = [
    "HeavyNeutralLepton",
    "HiggsPortalScalar",
    "__version__",
    "generate",
    "get_detector",
    "io",
    "list_detectors",
    "plotting",
    "recast",
    "scan",
]
