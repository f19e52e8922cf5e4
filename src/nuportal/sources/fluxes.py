"""Tabulated accelerator-neutrino fluxes at near detectors, with a validating reader.

Shipped tables live in ``nuportal/experiments/data/fluxes/`` (byte-for-byte copies; sources in that
directory's ``README.md``). Every table has seven whitespace-separated columns: E_nu [GeV], then
nu_e, nu_mu, nu_tau, nubar_e, nubar_mu, nubar_tau. :func:`load_flux` returns them in
**neutrinos / cm^2 / POT / GeV**; the MicroBooNE table is stored per 50 MeV bin and is divided by
0.05 GeV on reading.

Units: E in GeV, flux in nu / cm^2 / POT / GeV, baselines in metres (project convention; the
oscillation functions of :mod:`nuportal.models.sterile` take km: divide by 1000).

Baselines (target, or start of horn 1 for DUNE, to the detector) and decay-region lengths:

* SBND 110 m, MicroBooNE 470 m, MiniBooNE 541 m from the BNB target (the detector catalog,
  :mod:`nuportal.detectors.catalog`; MiniBooNE: A. A. Aguilar-Arevalo et al., PRD 79, 072002
  (2009); MicroBooNE: its BNB flux release used in arXiv:2110.13978; SBND: SBND collaboration,
  NuFACT 2022); BNB decay region 50 m long
  (A. A. Aguilar-Arevalo et al., PRD 79, 072002 (2009), arXiv:0806.1449, sec. II).
* DUNE ND 574 m from the start of horn 1 (DUNE Collaboration, arXiv:2103.04797); LBNF decay pipe
  194 m (same reference).
* NOvA ND about 1 km from the NuMI target (NOvA Collaboration, e.g. M. A. Acero et al.,
  PRD 106, 032004 (2022), arXiv:2108.08219: "the 193 t near detector ... 1 km from the
  target"; quoted from memory, **not verified** in this session; the exact figure used by NOvA
  analyses is about 1.0 km). NuMI decay pipe 675 m, starting about 50 m downstream of the target
  (P. Adamson et al., NIM A 806 (2016) 279, arXiv:1507.06690).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "DETECTOR_BASELINES_M",
    "DETECTOR_FLUXES",
    "FLAVOUR_COLUMNS",
    "FLUX_TABLES",
    "DecayRegion",
    "Flux",
    "FluxTable",
    "detector_flux",
    "flux_for_beam",
    "load_flux",
    "read_flux_file",
]

#: Flavour columns of every flux table, in file order (after E).
FLAVOUR_COLUMNS: tuple[str, ...] = ("nue", "numu", "nutau", "nuebar", "numubar", "nutaubar")


@dataclass(frozen=True)
class FluxTable:
    """A shipped flux file: its name in the package, and its bin width if stored per bin.

    Attributes
    ----------
    filename : str
        File in ``nuportal/experiments/data/fluxes/``.
    per_bin_GeV : float or None
        If the file holds neutrinos per bin (not per GeV), the bin width [GeV] to divide by.
    description : str
        Beam, mode, detector and source.
    limitation : str or None
        A documented limitation of the table, warned about (:class:`nuportal.validity.
        ValidityWarning`) whenever the table is loaded.
    """

    filename: str
    per_bin_GeV: float | None
    description: str
    limitation: str | None = None


#: Shipped flux tables by name.
FLUX_TABLES: MappingProxyType[str, FluxTable] = MappingProxyType(
    {
        "sbnd_fhc": FluxTable(
            "SBND_FHC_digitized.dat",
            None,
            "BNB neutrino mode at SBND, digitized (SBND, NuFACT 2022); covers 1-3 GeV only",
            "the shipped SBND flux table covers 1-3 GeV only (zero below, where the BNB flux "
            "peaks at ~0.7 GeV): SBND rates are lower bounds",
        ),
        "microboone_fhc": FluxTable(
            "MicroBooNE_BNB_fullflux.txt",
            0.05,
            "BNB neutrino mode averaged over the MicroBooNE active TPC (arXiv:2110.13978)",
        ),
        "miniboone_fhc": FluxTable(
            "MiniBooNE_FHC.dat", None, "BNB neutrino mode at MiniBooNE (arXiv:0806.1449)"
        ),
        "miniboone_rhc": FluxTable(
            "MiniBooNE_RHC.dat", None, "BNB antineutrino mode at MiniBooNE (arXiv:0806.1449)"
        ),
        "dune_nd_fhc": FluxTable(
            "DUNE_ND_FHC.dat", None, "LBNF neutrino mode, DUNE ND on axis (arXiv:2103.04797)"
        ),
        "dune_nd_rhc": FluxTable(
            "DUNE_ND_RHC.dat", None, "LBNF antineutrino mode, DUNE ND on axis (arXiv:2103.04797)"
        ),
        "nova_nd_fhc": FluxTable(
            "NOvA_FHC.dat", None, "NuMI neutrino mode at the NOvA ND (NOvA flux release)"
        ),
        "nova_nd_rhc": FluxTable(
            "NOvA_RHC.dat", None, "NuMI antineutrino mode at the NOvA ND (NOvA flux release)"
        ),
    }
)

#: Nominal baseline [m] of each detector with a shipped flux (see the module docstring).
DETECTOR_BASELINES_M: MappingProxyType[str, float] = MappingProxyType(
    {"sbnd": 110.0, "microboone": 470.0, "miniboone": 541.0, "dune_nd": 574.0, "nova_nd": 1000.0}
)


@dataclass(frozen=True)
class DecayRegion:
    """Where the parent mesons decay, as distances [m] from the target (or horn-1 start).

    Parent decay points are modelled as uniform in ``[start_m, end_m]`` (a rough model: the
    exponential decay of the parents and their energy dependence are neglected).
    """

    start_m: float
    end_m: float


# BNB: 50 m decay region right after the target/horn; NuMI: 675 m pipe from ~50 m; LBNF: 194 m pipe
# (approximate start ~20 m, after the horns). References in the module docstring.
_DECAY_REGIONS: dict[str, DecayRegion] = {
    "bnb": DecayRegion(0.0, 50.0),
    "numi": DecayRegion(50.0, 725.0),
    "lbnf": DecayRegion(20.0, 214.0),
}

#: Detector -> (flux table name by mode, beam decay region key).
DETECTOR_FLUXES: MappingProxyType[str, dict[str, str]] = MappingProxyType(
    {
        "sbnd": {"fhc": "sbnd_fhc", "beam": "bnb"},
        "microboone": {"fhc": "microboone_fhc", "beam": "bnb"},
        "miniboone": {"fhc": "miniboone_fhc", "rhc": "miniboone_rhc", "beam": "bnb"},
        "dune_nd": {"fhc": "dune_nd_fhc", "rhc": "dune_nd_rhc", "beam": "lbnf"},
        "nova_nd": {"fhc": "nova_nd_fhc", "rhc": "nova_nd_rhc", "beam": "numi"},
    }
)


@dataclass(frozen=True)
class Flux:
    """A tabulated neutrino flux at one detector.

    Attributes
    ----------
    name : str
        Table name (a key of :data:`FLUX_TABLES`) or the file path it was read from.
    E_GeV : ndarray
        Energies [GeV] of the tabulated points (bin centres), strictly increasing, >= 0.
    columns : mapping of str to ndarray
        Flux [nu / cm^2 / POT / GeV] per flavour (keys :data:`FLAVOUR_COLUMNS`), all >= 0.
    baseline_m : float or None
        Nominal detector baseline [m], if known.
    decay_region : DecayRegion or None
        Parent decay region of the beam, if known.
    """

    name: str
    E_GeV: NDArray[np.float64]
    columns: MappingProxyType[str, NDArray[np.float64]]
    baseline_m: float | None = None
    decay_region: DecayRegion | None = field(default=None)

    def __getitem__(self, flavour: str) -> NDArray[np.float64]:
        return self.columns[_check_flavour(flavour)]

    def interpolate(self, E_GeV: ArrayLike, flavour: str) -> NDArray[np.float64] | float:
        """Flux [nu / cm^2 / POT / GeV] at energies ``E_GeV`` [GeV], linear in E.

        Zero outside the tabulated range [E_GeV[0], E_GeV[-1]] (the tables end where the flux is
        negligible, except ``sbnd_fhc``, which only covers 1-3 GeV).
        """
        col = self.columns[_check_flavour(flavour)]
        e = np.asarray(E_GeV, dtype=float)
        if np.any(~np.isfinite(e)):
            raise ValueError(f"E_GeV must be finite, got {E_GeV!r}")
        out = np.interp(e, self.E_GeV, col, left=0.0, right=0.0)
        return float(out) if out.ndim == 0 else out

    @property
    def E_range_GeV(self) -> tuple[float, float]:
        """Tabulated energy range [GeV]."""
        return float(self.E_GeV[0]), float(self.E_GeV[-1])


def _check_flavour(flavour: str) -> str:
    if flavour not in FLAVOUR_COLUMNS:
        raise ValueError(f"unknown flavour {flavour!r}; known: {list(FLAVOUR_COLUMNS)}")
    return flavour


def _parse(text: str, label: str, per_bin_GeV: float | None) -> tuple[NDArray, dict]:
    rows: list[list[float]] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 1 + len(FLAVOUR_COLUMNS):
            raise ValueError(
                f"{label}, line {lineno}: expected {1 + len(FLAVOUR_COLUMNS)} columns "
                f"(E_GeV, {', '.join(FLAVOUR_COLUMNS)}), got {len(parts)}"
            )
        try:
            vals = [float(p) for p in parts]
        except ValueError:
            raise ValueError(f"{label}, line {lineno}: not a number in {line!r}") from None
        if not all(np.isfinite(vals)):
            raise ValueError(f"{label}, line {lineno}: non-finite value in {line!r}")
        if vals[0] < 0.0 or any(v < 0.0 for v in vals[1:]):
            raise ValueError(f"{label}, line {lineno}: energies and fluxes must be >= 0")
        rows.append(vals)
    if len(rows) < 2:
        raise ValueError(f"{label}: fewer than two data rows")
    data = np.array(rows)
    if np.any(np.diff(data[:, 0]) <= 0.0):
        raise ValueError(f"{label}: energies must be strictly increasing")
    scale = 1.0 if per_bin_GeV is None else 1.0 / per_bin_GeV
    cols = {f: data[:, i + 1] * scale for i, f in enumerate(FLAVOUR_COLUMNS)}
    return data[:, 0], cols


def _make(
    name: str, e: NDArray, cols: dict, baseline_m: float | None, region: DecayRegion | None
) -> Flux:
    for a in (e, *cols.values()):
        a.setflags(write=False)
    return Flux(name, e, MappingProxyType(cols), baseline_m, region)


def read_flux_file(path: str | os.PathLike[str], *, per_bin_GeV: float | None = None) -> Flux:
    """Read and validate a flux file on disk (same format as the shipped tables).

    Parameters
    ----------
    path : str or path-like
        Whitespace-separated file: ``#`` comment lines, then rows E [GeV] and six fluxes.
    per_bin_GeV : float, optional
        If the file holds neutrinos per bin, the bin width [GeV] to divide by.

    Raises
    ------
    ValueError
        If the file cannot be read, a row has the wrong number of columns, a value is not a finite
        number >= 0, or the energies are not strictly increasing. The message names file and line.
    """
    label = os.fspath(path)
    try:
        text = Path(label).read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"{label}: cannot read the file ({exc.strerror or exc})") from None
    if per_bin_GeV is not None and not (np.isfinite(per_bin_GeV) and per_bin_GeV > 0.0):
        raise ValueError(f"per_bin_GeV must be finite and > 0, got {per_bin_GeV!r}")
    e, cols = _parse(text, label, per_bin_GeV)
    return _make(label, e, cols, None, None)


def load_flux(name: str) -> Flux:
    """Load a shipped flux table by name, validated, in nu / cm^2 / POT / GeV.

    Parameters
    ----------
    name : str
        A key of :data:`FLUX_TABLES` (e.g. ``"miniboone_fhc"``) or a detector name of
        :data:`DETECTOR_FLUXES` (``"sbnd"``, ``"microboone"``, ``"miniboone"``, ``"dune_nd"``,
        ``"nova_nd"``; its neutrino-mode table). Case-insensitive.

    Returns
    -------
    Flux
        With the detector's nominal baseline [m] and beam decay region attached.

    Raises
    ------
    ValueError
        For an unknown name, a file missing from the installation, or a malformed file.
    """
    key = str(name).strip().lower()
    if key in DETECTOR_FLUXES:
        key = DETECTOR_FLUXES[key]["fhc"]
    if key not in FLUX_TABLES:
        raise ValueError(
            f"unknown flux {name!r}; known tables: {sorted(FLUX_TABLES)}, "
            f"detectors: {sorted(DETECTOR_FLUXES)}"
        )
    return _load_shipped(key)


def _load_shipped(key: str) -> Flux:
    table = FLUX_TABLES[key]
    if table.limitation:
        from nuportal.validity import warn_limitation

        warn_limitation(table.limitation, stacklevel=4)
    label = f"nuportal/experiments/data/fluxes/{table.filename}"
    resource = resources.files("nuportal.experiments").joinpath("data", "fluxes", table.filename)
    try:
        text = resource.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"{label}: shipped flux file is missing from the installation") from None
    e, cols = _parse(text, label, table.per_bin_GeV)
    detector = next((d for d, m in DETECTOR_FLUXES.items() if key in m.values()), None)
    baseline = DETECTOR_BASELINES_M.get(detector) if detector else None
    region = _DECAY_REGIONS[DETECTOR_FLUXES[detector]["beam"]] if detector else None
    return _make(key, e, cols, baseline, region)


def detector_flux(detector: str, mode: str = "fhc") -> Flux:
    """The shipped flux of a named detector in ``mode`` (``"fhc"`` or ``"rhc"``).

    Raises
    ------
    ValueError
        For an unknown detector or a mode without a shipped table.
    """
    det = str(detector).strip().lower()
    if det not in DETECTOR_FLUXES:
        raise ValueError(f"unknown detector {detector!r}; known: {sorted(DETECTOR_FLUXES)}")
    m = str(mode).strip().lower()
    if m not in ("fhc", "rhc") or m not in DETECTOR_FLUXES[det]:
        modes = [k for k in DETECTOR_FLUXES[det] if k != "beam"]
        raise ValueError(f"no {mode!r} flux shipped for {det}; available: {modes}")
    return _load_shipped(DETECTOR_FLUXES[det][m])


def flux_for_beam(
    flux_table: str | None,
    flux_file: str | os.PathLike[str] | None,
    per_bin_GeV: float | None = None,
    baseline_m: float | None = None,
    limitation: str | None = None,
) -> Flux:
    """The flux of a beam of an experiment file: a shipped table or a file, with its baseline.

    Parameters
    ----------
    flux_table : str or None
        A key of :data:`FLUX_TABLES` (its baseline and decay region are kept unless
        ``baseline_m`` is given).
    flux_file : path or None
        A flux file (:func:`read_flux_file`) if ``flux_table`` is None.
    per_bin_GeV : float, optional
        Bin width [GeV] if the file holds neutrinos per bin.
    baseline_m : float, optional
        Source-to-detector distance [m] to attach.
    limitation : str, optional
        A documented limitation, warned about (:class:`nuportal.validity.ValidityWarning`).
    """
    from dataclasses import replace

    if flux_table is not None:
        flux = load_flux(flux_table)
    elif flux_file is not None:
        flux = read_flux_file(flux_file, per_bin_GeV=per_bin_GeV)
    else:
        raise ValueError("a beam needs flux_table or flux_file")
    if limitation:
        from nuportal.validity import warn_limitation

        warn_limitation(limitation, stacklevel=3)
    if baseline_m is not None and flux_file is not None:
        flux = replace(flux, baseline_m=float(baseline_m))
    return flux
