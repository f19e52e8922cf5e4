"""Protons on a thick target: hadron production (mesons per proton on target) as a source.

``get_beam("lbnf" | "numi" | "bnb")`` or a user :class:`BeamTarget`; :func:`meson_yields` gives
mesons per POT by species; :func:`sample_mesons` draws weighted four-momenta and production
points. Thin-target production: BMPT (Bonesini et al., EPJC 20 (2001) 13) at p_B >= 50 GeV,
the MiniBooNE Sanford-Wang / Feynman-scaling fits (arXiv:0806.1449) at BNB energies; primary
protons attenuated with the PDG nuclear interaction lengths. See docs/target.md.

New particles from the target (docs/target_dark_photons.md, docs/target_cascade.md):
:func:`target_dark_photons` (pi0/eta -> gamma A', three-body pi0/eta -> gamma chi chi, proton
bremsstrahlung, the target's EM cascade), :func:`chi_pairs`, and the flux through a detector at
any off-axis position (:func:`detector_flux`, :func:`nd_lar_box`, :func:`acceptance_table`).
"""

from nuportal.sources.target import nuclear
from nuportal.sources.target.beams import BEAMS, BeamTarget, get_beam, list_beams
from nuportal.sources.target.cascade import cascade_dark_photons, cascade_yield_table
from nuportal.sources.target.dark_photons import (
    DARK_PHOTON_CHANNELS,
    chi_pairs,
    dark_photon_yields,
    open_channels,
    target_dark_photons,
)
from nuportal.sources.target.detector_flux import acceptance_table, detector_flux, nd_lar_box
from nuportal.sources.target.mesons import (
    SPECIES,
    MesonSample,
    available_species,
    meson_yields,
    production_cross_section,
    sample_mesons,
    secondary_interaction_bounds,
)
from nuportal.sources.target.secondaries import tertiary_yield_estimate

__all__ = [
    "BEAMS",
    "DARK_PHOTON_CHANNELS",
    "SPECIES",
    "BeamTarget",
    "MesonSample",
    "acceptance_table",
    "available_species",
    "cascade_dark_photons",
    "cascade_yield_table",
    "chi_pairs",
    "dark_photon_yields",
    "detector_flux",
    "get_beam",
    "list_beams",
    "meson_yields",
    "nd_lar_box",
    "nuclear",
    "open_channels",
    "production_cross_section",
    "sample_mesons",
    "secondary_interaction_bounds",
    "target_dark_photons",
    "tertiary_yield_estimate",
]
