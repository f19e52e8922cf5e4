"""Neutrinophilic (lepton-number-charged) scalar phi: L = (g_ab/2) nu_a nu_b phi.

Modules: :mod:`.model` (parameters and coupling convention), :mod:`.meson_decays`
(M+ -> l+ nu phi: widths, branching ratios, the (anti)neutrino spectrum), :mod:`.cc_emission`
(nu N -> l+ phi X: collinear splitting function and the exact leptonic tensor).
"""

from nuportal.models.neutrinophilic.meson_decays import (
    br_meson_to_lepton_nu_phi,
    collinear_log_slope,
    matrix_element_sigma,
    max_phi_mass,
    nubar_energy_spectrum,
    width_massless,
    width_meson_to_lepton_nu_phi,
)
from nuportal.models.neutrinophilic.model import FLAVOURS, NeutrinophilicScalar

__all__ = [
    "FLAVOURS",
    "NeutrinophilicScalar",
    "br_meson_to_lepton_nu_phi",
    "collinear_log_slope",
    "matrix_element_sigma",
    "max_phi_mass",
    "nubar_energy_spectrum",
    "width_massless",
    "width_meson_to_lepton_nu_phi",
]
