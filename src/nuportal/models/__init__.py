"""New-particle models: decay widths, branching ratios, lifetimes and production in meson decays.

Units: GeV for masses, momenta and widths; seconds; metres.
"""

from nuportal.models.dark_neutrino import DarkNeutrinoModel
from nuportal.models.dark_photon import (
    DARK_PHOTON_MAX_MASS,
    DarkPhoton,
    br_meson_to_gamma_dark_photon,
    width_dark_photon_leptons,
    width_dark_photon_three_photons,
)
from nuportal.models.hnl import (
    HNL_MAX_MASS,
    HeavyNeutralLepton,
    cc_phase_space,
    cc_phase_space_one_mass,
    loop_function_L,
    nu_ll_couplings,
    width_3nu_dirac,
    width_cc_lll_dirac,
    width_nu_ll_dirac,
)
from nuportal.models.hnl_hadronic import (
    width_lepton_pseudoscalar,
    width_lepton_vector,
    width_nu_pseudoscalar,
    width_nu_vector,
)
from nuportal.models.meson_decays import (
    br_meson_to_lepton_hnl,
    hnl_energy_at_rest,
    hnl_momentum_at_rest,
    hnl_polarization,
    rho_hnl,
    width_meson_to_lepton_hnl,
)
from nuportal.models.scalar import (
    SCALAR_MAX_MASS,
    HiggsPortalScalar,
    br_kaon_to_pion_scalar,
    br_klong_to_pion_scalar,
    width_kaon_to_pion_scalar,
    width_scalar_gamma_gamma,
    width_scalar_leptons,
    width_scalar_pions,
)

__all__ = [
    "DARK_PHOTON_MAX_MASS",
    "HNL_MAX_MASS",
    "SCALAR_MAX_MASS",
    "DarkNeutrinoModel",
    "DarkPhoton",
    "HeavyNeutralLepton",
    "HiggsPortalScalar",
    "br_kaon_to_pion_scalar",
    "br_klong_to_pion_scalar",
    "br_meson_to_gamma_dark_photon",
    "br_meson_to_lepton_hnl",
    "cc_phase_space",
    "cc_phase_space_one_mass",
    "hnl_energy_at_rest",
    "hnl_momentum_at_rest",
    "hnl_polarization",
    "loop_function_L",
    "nu_ll_couplings",
    "rho_hnl",
    "width_3nu_dirac",
    "width_cc_lll_dirac",
    "width_dark_photon_leptons",
    "width_dark_photon_three_photons",
    "width_kaon_to_pion_scalar",
    "width_lepton_pseudoscalar",
    "width_lepton_vector",
    "width_meson_to_lepton_hnl",
    "width_nu_ll_dirac",
    "width_nu_pseudoscalar",
    "width_nu_vector",
    "width_scalar_gamma_gamma",
    "width_scalar_leptons",
    "width_scalar_pions",
]
