"""Exposures of neutrino experiments: target nuclei and masses, protons on target, flux.

What a rate calculation needs beyond the detector geometry of :mod:`nuportal.detectors.catalog`:
which nuclei the neutrinos hit and how many of them there are, for how many protons on target
(POT), with which flux table (:func:`nuportal.sources.fluxes.detector_flux`) and in which
energy range.

The exposures are the ``[beam.exposure]`` tables of the experiment files
(``nuportal/detectors/data/<detector>.toml``, or a user's own ``.toml``), one per beam, named
``<detector>_<mode>`` (``"miniboone_fhc"``); a detector name means its first beam with an
exposure (``"miniboone"`` is ``"miniboone_fhc"``). For MiniBooNE, MicroBooNE, SBND and the DUNE
ND the numbers are those of the configuration files of the DarkNews generator (v0.4.8,
``include/detectors/*.txt``; Abdullahi, Hostert, Massaro, Pascoli, arXiv:2207.04137), which
cite the experiments' publications given in each entry, so that rates can be compared with that
generator like for like.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from nuportal.sources.fluxes import Flux, detector_flux, flux_for_beam

__all__ = ["GEV_PER_TONNE", "Exposure", "exposure", "list_exposures"]

#: One metric tonne in GeV/c^2 (1e6 g / (1.78266192e-24 g per GeV/c^2)).
GEV_PER_TONNE: float = 5.6095886031e29


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
    flux_table, flux_file, flux_per_bin_GeV : optional
        Where the flux comes from: a shipped table, or a file (neutrinos per bin of that width
        [GeV] if given); default the detector's shipped table in ``beam_mode``.
    limitation : str, optional
        A documented limitation of the flux (warned about when the flux is used).
    spec : ExperimentSpec, optional
        The experiment file the exposure comes from (its detector geometry).
    """

    name: str
    detector: str
    beam_mode: str
    pot: float
    target_masses: Mapping[str, float]
    energy_range: tuple[float, float]
    citations: tuple[str, ...] = ()
    notes: str = ""
    flux_table: str | None = None
    flux_file: str | None = None
    flux_per_bin_GeV: float | None = None
    limitation: str | None = None
    spec: Any = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "target_masses", MappingProxyType(dict(self.target_masses)))

    @property
    def flux(self) -> Flux:
        """The flux table [nu / cm^2 / POT / GeV] of this beam (warns about its limitation)."""
        if self.flux_table is None and self.flux_file is None:
            return detector_flux(self.detector, self.beam_mode)
        baseline = None
        if self.spec is not None:
            beam = self.spec.beam(self.name)
            baseline = self.spec.detector().baseline(beam.source)
        return flux_for_beam(
            self.flux_table, self.flux_file, self.flux_per_bin_GeV, baseline, self.limitation
        )

    def geometry(self):
        """The :class:`~nuportal.detectors.Detector` of this exposure (active volume, sources)."""
        if self.spec is not None:
            return self.spec.detector()
        from nuportal.detectors.catalog import get_detector

        return get_detector(self.detector)

    def number_of_targets(self, nucleus: str, nucleus_mass: float) -> float:
        """Number of nuclei of one kind: mass [t] x GeV per tonne / nucleus mass [GeV]."""
        return self.target_masses[nucleus] * GEV_PER_TONNE / nucleus_mass


def _entries() -> dict[str, Exposure]:
    from nuportal.detectors.catalog import list_detectors
    from nuportal.detectors.experiment_file import builtin_spec

    out = {}
    for det in list_detectors():
        spec = builtin_spec(det)
        for beam in spec.beams.values():
            if beam.exposure is not None:
                out[beam.name] = spec.exposure(beam.name)
    return out


_CACHE: dict[str, Mapping[str, Exposure]] = {}


def __getattr__(name: str):
    # EXPOSURES: the built-in exposures by name, read from the experiment files on first use
    if name == "EXPOSURES":
        if "all" not in _CACHE:
            _CACHE["all"] = MappingProxyType(_entries())
        return _CACHE["all"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def list_exposures() -> list[str]:
    """Names of the built-in exposures (``<detector>_<mode>``)."""
    return sorted(__getattr__("EXPOSURES"))


def exposure(name: str | os.PathLike[str], beam: str | None = None) -> Exposure:
    """The exposure of an experiment: a beam name, a detector name or an experiment file.

    Parameters
    ----------
    name : str or path-like
        ``"miniboone_fhc"``, a detector name (case-insensitive, aliases allowed: its first beam
        with an exposure, ``"miniboone"`` means FHC) or a ``.toml`` experiment file.
    beam : str, optional
        Beam of the detector or file (its name, or ``"fhc"``/``"rhc"``).

    Raises
    ------
    ValueError
        For an unknown name (the message lists the known ones), a detector without an exposure,
        or a malformed experiment file.
    """
    from nuportal.detectors.catalog import is_experiment_file, resolve_name
    from nuportal.detectors.experiment_file import builtin_spec, load_experiment_file

    if is_experiment_file(name):
        return load_experiment_file(name).exposure(beam)
    key = str(name).strip().lower()
    table = __getattr__("EXPOSURES")
    if key in table and beam is None:
        return table[key]
    try:
        detector = resolve_name(key)
    except ValueError:
        raise ValueError(
            f"unknown experiment {name!r}; known: {list_exposures()} (or a detector name, or a "
            ".toml experiment file)"
        ) from None
    return builtin_spec(detector).exposure(beam)
