"""DUNE ND setup for the wrong-sign-lepton search: exposure, charge identification, binning.

All efficiencies and mis-identification rates are *inputs* (the papers' values, arXiv:1901.01259,
could not be read); the defaults are illustrative choices, documented here:

* ``"lar"`` (ND-LAr, arXiv:2103.13910): no magnetic field in the TPC; the muon charge is measured
  by the downstream magnetized spectrometer (TMS) for exiting muons: charge mis-ID 2 %
  (assumption), a charged pion taken as a muon 1 % (track length and no Michel/capture
  signature; assumption), electron/positron charge not measured (e channel: mis-ID 50 %), a
  photon or pi0 shower taken as a single e+- 1 % (assumption); fiducial mass 67 t (6 x 2 x 4 m^3
  of LAr at 1.3954 g/cm^3).
* ``"gar"`` (ND-GAr, a magnetized high-pressure gas TPC): charge mis-ID 0.1 % for muons and
  electrons, pi -> mu 1 %, shower -> e 0.1 % (assumptions); fiducial mass 1 t.

Lepton identification efficiency 90 % (both). Exposure: 1.1e21 POT per year (120 GeV, 1.2 MW),
3.5 years in neutrino mode (FHC).

Units: tonnes, protons on target, GeV.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

__all__ = [
    "DETECTORS",
    "NDSetup",
    "histogram",
    "n_argon_atoms",
]

DETECTORS: tuple[str, ...] = ("lar", "gar")
_AVOGADRO = 6.02214076e23
_M_AR_G_PER_MOL = 39.948

_DEFAULTS = {
    "lar": {"fiducial_mass_t": 67.0, "charge_misid_mu": 0.02, "charge_misid_e": 0.5,
            "pion_as_muon": 0.01, "shower_as_electron": 0.01},
    "gar": {"fiducial_mass_t": 1.0, "charge_misid_mu": 1e-3, "charge_misid_e": 1e-3,
            "pion_as_muon": 0.01, "shower_as_electron": 1e-3},
}


def n_argon_atoms(mass_t: float) -> float:
    """Argon atoms in ``mass_t`` tonnes (40Ar only, molar mass 39.948 g/mol)."""
    return mass_t * 1e6 / _M_AR_G_PER_MOL * _AVOGADRO


@dataclass(frozen=True)
class NDSetup:
    """Detector, exposure and selection of the search (module docstring for the defaults).

    Attributes
    ----------
    detector : {"lar", "gar"}
    fiducial_mass_t : float
        Fiducial argon mass [t].
    pot : float
        Protons on target in neutrino mode.
    lepton_efficiency : float
        Probability to reconstruct and identify the charged lepton (fraction).
    charge_misid_mu, charge_misid_e : float
        Probability to assign the wrong charge to a muon / electron.
    pion_as_muon : float
        Probability that the leading charged pion of an NC event is taken as a muon.
    shower_as_electron : float
        Probability that a pi0/photon shower of an NC event is taken as an electron.
    evis_edges, pt_edges : tuple of float
        Bin edges of visible energy [GeV] and missing p_T [GeV/c] (the 2-d histogram is
        flattened; the last bins are overflow-inclusive).
    """

    detector: str = "lar"
    fiducial_mass_t: float = 67.0
    pot: float = 1.1e21 * 3.5
    lepton_efficiency: float = 0.9
    charge_misid_mu: float = 0.02
    charge_misid_e: float = 0.5
    pion_as_muon: float = 0.01
    shower_as_electron: float = 0.01
    evis_edges: tuple[float, ...] = field(default=(0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 10.0))
    pt_edges: tuple[float, ...] = field(default=(0.0, 0.2, 0.4, 0.6, 0.9, 1.5))

    def __post_init__(self) -> None:
        if self.detector not in DETECTORS:
            raise ValueError(f"detector must be one of {DETECTORS}, got {self.detector!r}")
        for name in ("fiducial_mass_t", "pot"):
            v = getattr(self, name)
            if not (math.isfinite(v) and v > 0):
                raise ValueError(f"{name} must be finite and > 0, got {v!r}")
        for name in ("lepton_efficiency", "charge_misid_mu", "charge_misid_e", "pion_as_muon",
                     "shower_as_electron"):
            v = getattr(self, name)
            if not (math.isfinite(v) and 0.0 <= v <= 1.0):
                raise ValueError(f"{name} must be a fraction in [0, 1], got {v!r}")
        for name in ("evis_edges", "pt_edges"):
            e = np.asarray(getattr(self, name), float)
            if e.ndim != 1 or e.size < 2 or np.any(np.diff(e) <= 0) or e[0] < 0:
                raise ValueError(f"{name} must be >= 2 increasing edges >= 0, got {e.tolist()}")

    @classmethod
    def for_detector(cls, detector: str = "lar", **overrides: float) -> NDSetup:
        """The defaults of ``detector`` ("lar" or "gar") with ``overrides``."""
        if detector not in _DEFAULTS:
            raise ValueError(f"detector must be one of {DETECTORS}, got {detector!r}")
        return replace(cls(detector=detector, **_DEFAULTS[detector]), **overrides)

    @property
    def n_targets(self) -> float:
        """Argon atoms in the fiducial volume."""
        return n_argon_atoms(self.fiducial_mass_t)

    @property
    def exposure(self) -> float:
        """POT x argon atoms: multiplies weights in events per POT per atom."""
        return self.pot * self.n_targets

    def charge_misid(self, lepton: str) -> float:
        """Charge mis-identification probability of ``lepton`` ("mu" or "e")."""
        return self.charge_misid_mu if lepton == "mu" else self.charge_misid_e

    @property
    def n_bins(self) -> int:
        """Bins of the flattened (E_vis, p_T^miss) histogram."""
        return (len(self.evis_edges) - 1) * (len(self.pt_edges) - 1)


def histogram(sample: pd.DataFrame, setup: NDSetup, weight: str = "selected") -> np.ndarray:
    """Flattened (E_vis, p_T^miss) histogram of ``sample[weight]`` x exposure (events).

    Overflow is added to the last bin of each axis.
    """
    ev = np.clip(sample["E_vis"].to_numpy(float), setup.evis_edges[0],
                 np.nextafter(setup.evis_edges[-1], 0))
    pt = np.clip(sample["pt_miss"].to_numpy(float), setup.pt_edges[0],
                 np.nextafter(setup.pt_edges[-1], 0))
    h, _, _ = np.histogram2d(ev, pt, bins=[np.asarray(setup.evis_edges),
                                            np.asarray(setup.pt_edges)],
                             weights=sample[weight].to_numpy(float))
    return h.ravel() * setup.exposure
