"""The standard set of Standard-Model discrete processes of the shower, per species.

photon: pair production, Compton scattering; electron: bremsstrahlung, Moller scattering;
positron: bremsstrahlung, Bhabha scattering, two-photon annihilation in flight.
"""

from __future__ import annotations

from nuportal.sources.shower.annihilation import TwoPhotonAnnihilation
from nuportal.sources.shower.bremsstrahlung import Bremsstrahlung
from nuportal.sources.shower.compton import Compton
from nuportal.sources.shower.electron_scattering import BhabhaScattering, MollerScattering
from nuportal.sources.shower.materials import Material, resolve_material
from nuportal.sources.shower.pair_production import PairProduction
from nuportal.sources.shower.processes import DiscreteProcess, Species
from nuportal.sources.shower.sm_tabulation import check_cut

__all__ = ["standard_processes"]


def standard_processes(
    material: Material | str, electron_cut: float, photon_cut: float
) -> dict[Species, tuple[DiscreteProcess, ...]]:
    """The discrete Standard-Model processes of each species in ``material``.

    Parameters
    ----------
    material : Material or str
        Target material (or its name).
    electron_cut : float
        Delta-ray production cut, kinetic energy [GeV] (Moller, Bhabha).
    photon_cut : float
        Bremsstrahlung photon production cut [GeV].

    Returns
    -------
    dict
        {PHOTON: (pair, Compton), ELECTRON: (brems, Moller),
        POSITRON: (brems, Bhabha, annihilation)}; the tables are shared through the caches of the
        process modules.
    """
    mat = resolve_material(material)
    electron_cut = check_cut(electron_cut, "electron_cut")
    photon_cut = check_cut(photon_cut, "photon_cut")
    return {
        Species.PHOTON: (PairProduction(mat), Compton(mat)),
        Species.ELECTRON: (
            Bremsstrahlung(mat, photon_cut, Species.ELECTRON),
            MollerScattering(mat, electron_cut),
        ),
        Species.POSITRON: (
            Bremsstrahlung(mat, photon_cut, Species.POSITRON),
            BhabhaScattering(mat, electron_cut),
            TwoPhotonAnnihilation(mat),
        ),
    }
