"""Protons on a thick target: hadron production (mesons per proton on target) as a source.

``get_beam("lbnf" | "numi" | "bnb")`` or a user :class:`BeamTarget`; :func:`meson_yields` gives
mesons per POT by species; :func:`sample_mesons` draws weighted four-momenta and production
points. Thin-target production: BMPT (Bonesini et al., EPJC 20 (2001) 13) at p_B >= 50 GeV,
the MiniBooNE Sanford-Wang / Feynman-scaling fits (arXiv:0806.1449) at BNB energies; primary
protons attenuated with the PDG nuclear interaction lengths. See docs/target.md.
"""

from nuportal.sources.target import nuclear
from nuportal.sources.target.beams import BEAMS, BeamTarget, get_beam, list_beams
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
    "SPECIES",
    "BeamTarget",
    "MesonSample",
    "available_species",
    "get_beam",
    "list_beams",
    "meson_yields",
    "nuclear",
    "production_cross_section",
    "sample_mesons",
    "secondary_interaction_bounds",
    "tertiary_yield_estimate",
]
