"""The neutrinophilic scalar phi at the DUNE near detector: signal, backgrounds, sensitivity.

Modules: :mod:`.qe_emission` (nu p -> l+ phi n on the Fermi gas with the exact tensor),
:mod:`.meson_flux` (wrong-sign antineutrinos of M+ -> l+ nubar phi in the decay pipe),
:mod:`.signal`, :mod:`.background`, :mod:`.selection` (detector, exposure, charge ID, binning)
and :mod:`.reach` (90 % CL reach in g versus m_phi on pyhf).
"""

from nuportal.inference.neutrinophilic.background import (
    BACKGROUND_COMPONENTS,
    background_sample,
    selection_probability,
)
from nuportal.inference.neutrinophilic.reach import ReachTable, nuphilic_reach
from nuportal.inference.neutrinophilic.selection import DETECTORS, NDSetup
from nuportal.inference.neutrinophilic.signal import SIGNAL_COMPONENTS, signal_sample

__all__ = [
    "BACKGROUND_COMPONENTS",
    "DETECTORS",
    "SIGNAL_COMPONENTS",
    "NDSetup",
    "ReachTable",
    "background_sample",
    "nuphilic_reach",
    "selection_probability",
    "signal_sample",
]
