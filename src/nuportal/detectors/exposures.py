"""Exposures of neutrino experiments: target nuclei and masses, protons on target, flux.

What a rate calculation needs beyond the detector geometry of :mod:`nuportal.detectors.catalog`:
which nuclei the neutrinos hit and how many of them there are, for how many protons on target
(POT), with which flux table (:func:`nuportal.sources.fluxes.detector_flux`) and in which
energy range.

Numbers are those of the configuration files of the DarkNews generator (v0.4.8,
``include/detectors/*.txt``; Abdullahi, Hostert, Massaro, Pascoli, arXiv:2207.04137), which
cite the experiments' publications given in each entry, so that rates can be compared with that
generator like for like.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from nuportal.sources.fluxes import Flux, detector_flux

__all__ = ["EXPOSURES", "GEV_PER_TONNE", "Exposure", "exposure", "list_exposures"]

#: One metric tonne in GeV/c^2 (1e6 g / (1.78266192e-24 g per GeV/c^2)).
GEV_PER_TONNE: float = 5.6095886031e29

_DN = "DarkNews 0.4.8 include/detectors/{}.txt (arXiv:2207.04137)"


@dataclass(frozen=True)
class Exposure:
    """One experiment's exposure to a neutrino beam.

    Attributes
    ----------
    name : str
        Key, e.g. ``"miniboone_fhc"``.
    detector : str
        Catalog name of the detector (geometry, :func:`nuportal.detectors.get_detector`).
    beam_mode : str
        ``"fhc"`` or ``"rhc"`` (flux table of :func:`nuportal.sources.fluxes.detector_flux`).
    pot : float
        Protons on target.
    target_masses : Mapping[str, float]
        Mass [t] of each target nucleus (names of :func:`nuportal.models.targets.nucleus`).
    energy_range : tuple of float
        Neutrino energies [GeV] used for rates.
    citations : tuple of str
        Sources of the numbers.
    notes : str
        Caveats.
    """

    name: str
    detector: str
    beam_mode: str
    pot: float
    target_masses: Mapping[str, float]
    energy_range: tuple[float, float]
    citations: tuple[str, ...] = ()
    notes: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "target_masses", MappingProxyType(dict(self.target_masses)))

    @property
    def flux(self) -> Flux:
        """The detector's flux table in this beam mode."""
        return detector_flux(self.detector, self.beam_mode)

    def number_of_targets(self, nucleus: str, nucleus_mass: float) -> float:
        """Number of nuclei of one kind: mass [t] x GeV per tonne / nucleus mass [GeV]."""
        return self.target_masses[nucleus] * GEV_PER_TONNE / nucleus_mass


def _entries() -> dict[str, Exposure]:
    bnb_flux = (
        "MiniBooNE flux release with A. A. Aguilar-Arevalo et al., Phys. Rev. D 79, 072002 (2009), "
        "arXiv:0806.1449"
    )
    return {
        "miniboone_fhc": Exposure(
            "miniboone_fhc",
            "miniboone",
            "fhc",
            18.75e20,
            {"C12": 818.0 * 12 / 14, "H1": 818.0 * 2 / 14},
            (0.1, 9.0),
            (
                _DN.format("miniboone_fhc"),
                bnb_flux,
                "POT of the 2020 neutrino-mode sample: MiniBooNE, arXiv:2006.16883",
            ),
            "818 t of CH2 split by mass between carbon and hydrogen; the whole oil volume.",
        ),
        "miniboone_rhc": Exposure(
            "miniboone_rhc",
            "miniboone",
            "rhc",
            11.27e20,
            {"C12": 818.0 * 12 / 14, "H1": 818.0 * 2 / 14},
            (0.1, 9.0),
            (
                _DN.format("miniboone_rhc"),
                bnb_flux,
                "POT of the antineutrino-mode sample: MiniBooNE, arXiv:2006.16883",
            ),
        ),
        "microboone": Exposure(
            "microboone",
            "microboone",
            "fhc",
            6.8e20,
            {"Ar40": 170.0},
            (0.05, 7.0),
            (
                _DN.format("microboone"),
                "flux and POT of the Wire-Cell analysis, MicroBooNE, arXiv:2110.13978",
            ),
            "170 t is the total LAr mass in the cryostat (DarkNews' choice), not the 85 t active.",
        ),
        "sbnd": Exposure(
            "sbnd",
            "sbnd",
            "fhc",
            15.6e20,
            {"Ar40": 112.0},
            (0.05, 3.0),
            (_DN.format("sbnd"), "flux digitized from the SBND collaboration's NuFACT 2022 talk"),
            "The shipped SBND flux table covers 1-3 GeV only (zero below): rates are lower bounds.",
        ),
        "dune_nd_fhc": Exposure(
            "dune_nd_fhc",
            "dune_nd",
            "fhc",
            1.0e22,
            {"Ar40": 30.0},
            (0.05, 40.0),
            (_DN.format("dune_nd_fhc"), "flux: DUNE, arXiv:2103.04797 (1.2 MW, 120 GeV)"),
            "No DUNE ND geometry in the detector catalog yet: rates only, no decay vertices.",
        ),
    }


#: The exposures by name.
EXPOSURES: Mapping[str, Exposure] = MappingProxyType(_entries())


def list_exposures() -> list[str]:
    """Names of the known exposures."""
    return sorted(EXPOSURES)


def exposure(name: str) -> Exposure:
    """The exposure of an experiment by name (case-insensitive; ``"miniboone"`` means FHC).

    Raises
    ------
    ValueError
        For an unknown name (the message lists the known ones).
    """
    key = str(name).strip().lower()
    key = {"miniboone": "miniboone_fhc", "dune_nd": "dune_nd_fhc"}.get(key, key)
    if key not in EXPOSURES:
        raise ValueError(f"unknown experiment {name!r}; known: {list_exposures()}")
    return EXPOSURES[key]
