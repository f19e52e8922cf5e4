"""Light dark matter at the DUNE near detector, on and off axis (DUNE-PRISM).

A dark photon A' made in the LBNF target decays to dark matter chi; chi scatter on electrons in
ND-LAr (chi e -> chi e), against nu e -> nu e and nu_e CCQE. Modules: :mod:`.selection` (detector,
response and cuts), :mod:`.signal`, :mod:`.background`, :mod:`.reach` (pyhf sensitivities).
"""

from nuportal.inference.light_dark_matter.selection import ElectronSelection, NDLArGeometry
from nuportal.inference.light_dark_matter.signal import DEFAULT_POSITIONS, LDMSignal, ldm_signal

__all__ = ["DEFAULT_POSITIONS", "ElectronSelection", "LDMSignal", "NDLArGeometry", "ldm_signal"]
