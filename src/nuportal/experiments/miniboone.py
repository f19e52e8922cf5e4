"""Validating reader for the MiniBooNE 2020 oscillation data release shipped with nuportal.

Source: MiniBooNE Collaboration, A. A. Aguilar-Arevalo et al., "Updated MiniBooNE neutrino
oscillation results with increased data and new background studies", arXiv:2006.16883,
Phys. Rev. D 103, 052002 (2021), and its public data release (neutrino mode 18.75e20 POT,
antineutrino mode 11.27e20 POT). The files are byte-for-byte copies, kept in
``nuportal/experiments/data/miniboone_2020/{nu_mode,nubar_mode,combined}/`` (see the README there).

:func:`load_miniboone` reads one mode (``"nu"``, ``"nubar"`` or ``"combined"``) and checks every
file: the number of values (11 nu_e bins from 200 to 3000 MeV, 8 nu_mu bins), finite and
non-negative counts, strictly increasing bin edges, a square symmetric fractional covariance of
size 30 x 30 (one mode) or 60 x 60 (combined), and a four-column Monte Carlo ntuple with the
release's number of rows. A malformed or truncated file raises a :class:`ValueError` naming it.

Units: energies in MeV and baselines in cm as in the release (the ``*_GeV`` / ``*_km``
accessors of :class:`OscillationNtuple` convert). Counts are events for the full exposure.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType

import numpy as np

__all__ = [
    "MINIBOONE_2020_CITATION",
    "MODES",
    "MiniBooNEMode",
    "MiniBooNERelease",
    "OscillationNtuple",
    "load_miniboone",
]

MINIBOONE_2020_CITATION = (
    "MiniBooNE Collaboration, A. A. Aguilar-Arevalo et al., 'Updated MiniBooNE neutrino "
    "oscillation results with increased data and new background studies', arXiv:2006.16883, "
    "Phys. Rev. D 103, 052002 (2021); public data release"
)

#: Allowed values of ``mode``.
MODES = ("nu", "nubar", "combined")

N_NUE_BINS = 11
N_NUMU_BINS = 8
#: Blocks of the fractional covariance per beam mode: nu_e signal, nu_e background, nu_mu.
N_COV_PER_MODE = 2 * N_NUE_BINS + N_NUMU_BINS

# Rows of the full-transmutation ntuples of the release (a shorter file is truncated).
_NTUPLE_ROWS = {
    "miniboone_numunuefullosc_ntuple.txt": 17204,
    "miniboone_numubarnuebarfullosc_ntuple.txt": 86403,
    "miniboone_nubarfullosc_ntuple.txt": 117949,
}

# Per beam mode inside a folder: (nu_e data, nu_e background, nu_mu data, nu_mu prediction,
# ntuple), by folder and beam ("nu" or "nubar").
_BEAM_FILES = {
    ("nu_mode", "nu"): (
        "miniboone_nuedata_lowe.txt",
        "miniboone_nuebgr_lowe.txt",
        "miniboone_numudata.txt",
        "miniboone_numu.txt",
        "miniboone_numunuefullosc_ntuple.txt",
    ),
    ("nubar_mode", "nubar"): (
        "miniboone_nuebardata_lowe.txt",
        "miniboone_nuebarbgr_lowe.txt",
        "miniboone_numubardata.txt",
        "miniboone_numubar.txt",
        "miniboone_numubarnuebarfullosc_ntuple.txt",
    ),
    ("combined", "nu"): (
        "miniboone_nuedata_lowe.txt",
        "miniboone_nuebgr_lowe.txt",
        "miniboone_numudata.txt",
        "miniboone_numu.txt",
        "miniboone_numunuefullosc_ntuple.txt",
    ),
    # The combined release ships its own antineutrino-mode ntuple (117949 rows; it differs from
    # the antineutrino-mode-only ntuple of 86403 rows), used as given.
    ("combined", "nubar"): (
        "miniboone_nuebardata_lowe.txt",
        "miniboone_nuebarbgr_lowe.txt",
        "miniboone_numubardata.txt",
        "miniboone_numubar.txt",
        "miniboone_nubarfullosc_ntuple.txt",
    ),
}
_MODE_LAYOUT = {
    "nu": ("nu_mode", ("nu",), "miniboone_full_fractcovmatrix_nu_lowe.txt"),
    "nubar": ("nubar_mode", ("nubar",), "miniboone_full_fractcovmatrix_nubar_lowe.txt"),
    "combined": ("combined", ("nu", "nubar"), "miniboone_full_fractcovmatrix_combined_lowe.txt"),
}
_EDGES_FILE = "miniboone_binboundaries_nue_lowe.txt"


@dataclass(frozen=True)
class OscillationNtuple:
    """Full-transmutation (nu_mu -> nu_e with P = 1) Monte Carlo of one beam mode.

    Attributes
    ----------
    E_reco_MeV : numpy.ndarray
        Reconstructed neutrino energy E_nu^QE [MeV] (may lie outside the analysis range, even be
        negative: such rows fall in no bin).
    E_true_MeV : numpy.ndarray
        True neutrino energy [MeV], > 0.
    L_cm : numpy.ndarray
        Distance from the neutrino's production point to its interaction [cm], > 0.
    weight : numpy.ndarray
        Event weight already divided by the number of rows, as the release prescribes: the
        expected number of full-transmutation events is ``weight.sum()``; the oscillated signal
        is ``sum(weight * P(E_true, L))``.
    source : str
        File read.
    """

    E_reco_MeV: np.ndarray
    E_true_MeV: np.ndarray
    L_cm: np.ndarray
    weight: np.ndarray
    source: str = ""

    @property
    def E_true_GeV(self) -> np.ndarray:
        """True neutrino energy [GeV]."""
        return self.E_true_MeV * 1e-3

    @property
    def L_km(self) -> np.ndarray:
        """Baseline [km]."""
        return self.L_cm * 1e-5

    def __len__(self) -> int:
        return self.weight.size


@dataclass(frozen=True)
class MiniBooNEMode:
    """The nu_e and nu_mu samples of one beam mode (neutrino or antineutrino running).

    Attributes
    ----------
    beam : str
        ``"nu"`` or ``"nubar"``.
    nue_data, nue_background : numpy.ndarray
        Observed nu_e CCQE candidates and predicted (unconstrained) background per E_nu^QE bin,
        11 bins [events].
    numu_data, numu_prediction : numpy.ndarray
        Observed and predicted nu_mu CCQE events, 8 bins from 0 to 1900 MeV [events].
    ntuple : OscillationNtuple
        Full-transmutation Monte Carlo.
    """

    beam: str
    nue_data: np.ndarray
    nue_background: np.ndarray
    numu_data: np.ndarray
    numu_prediction: np.ndarray
    ntuple: OscillationNtuple


@dataclass(frozen=True)
class MiniBooNERelease:
    """One mode of the MiniBooNE 2020 data release.

    Attributes
    ----------
    mode : str
        ``"nu"``, ``"nubar"`` or ``"combined"``.
    bin_edges_MeV : numpy.ndarray
        E_nu^QE bin edges of the nu_e samples [MeV], 12 edges from 200 to 3000.
    beams : Mapping[str, MiniBooNEMode]
        The beam modes in covariance order (``"nu"`` before ``"nubar"``).
    fractional_covariance : numpy.ndarray
        Fractional covariance F, 30 x 30 per beam mode (60 x 60 combined), ordered per beam mode
        as (nu_e signal 11, nu_e background 11, nu_mu 8); the absolute covariance is
        ``F_ij p_i p_j``.
    citation : str
    directory : str
        Folder the files were read from.
    """

    mode: str
    bin_edges_MeV: np.ndarray
    beams: Mapping[str, MiniBooNEMode]
    fractional_covariance: np.ndarray
    citation: str = MINIBOONE_2020_CITATION
    directory: str = field(default="", repr=False)


# ------------------------------------------------------------------ file parsing


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(
            f"{path}: cannot read the MiniBooNE data file ({exc.strerror or exc})"
        ) from None


def _parse_numbers(text: str, label: str) -> list[list[float]]:
    rows: list[list[float]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        tokens = line.split()
        if not tokens:
            continue
        try:
            rows.append([float(t) for t in tokens])
        except ValueError:
            raise ValueError(
                f"{label}: line {lineno}: non-numeric value in {line.strip()!r}"
            ) from None
    return rows


def _read_vector(path: Path, n: int, what: str) -> np.ndarray:
    """Read ``n`` whitespace-separated finite values from a one-line file."""
    values = np.array(
        [v for row in _parse_numbers(_read_text(path), str(path)) for v in row], dtype=float
    )
    if values.size != n:
        raise ValueError(f"{path}: expected {n} values ({what}); found {values.size}")
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{path}: non-finite value in {what}: {values.tolist()}")
    values.setflags(write=False)
    return values


def _read_counts(path: Path, n: int, what: str) -> np.ndarray:
    values = _read_vector(path, n, what)
    if np.any(values < 0):
        i = int(np.argmax(values < 0))
        raise ValueError(f"{path}: {what} must be >= 0 events; bin {i} has {values[i]!r}")
    return values


def _read_edges(path: Path) -> np.ndarray:
    edges = _read_vector(path, N_NUE_BINS + 1, "E_nu^QE bin edges [MeV]")
    if not (edges[0] > 0 and np.all(np.diff(edges) > 0)):
        raise ValueError(f"{path}: bin edges must be > 0 and strictly increasing; got {edges}")
    return edges


def _read_covariance(path: Path, n: int) -> np.ndarray:
    rows = _parse_numbers(_read_text(path), str(path))
    if len(rows) != n or any(len(r) != n for r in rows):
        shape = f"{len(rows)} rows of lengths {sorted({len(r) for r in rows})}"
        raise ValueError(f"{path}: fractional covariance must be {n} x {n}; found {shape}")
    cov = np.array(rows, dtype=float)
    if not np.all(np.isfinite(cov)):
        raise ValueError(f"{path}: fractional covariance has non-finite entries")
    # The release prints 6 significant digits, so the transpose agrees to ~1e-6 of the largest
    # entry (the combined antineutrino block differs from the one-mode file by 5e-7).
    asym = float(np.max(np.abs(cov - cov.T)))
    if asym > 1e-5 * float(np.max(np.abs(cov))):
        raise ValueError(f"{path}: fractional covariance is not symmetric (max |F - F^T| = {asym})")
    if np.any(np.diag(cov) < 0):
        raise ValueError(f"{path}: fractional covariance has a negative diagonal entry")
    cov.setflags(write=False)
    return cov


def _read_ntuple(path: Path) -> OscillationNtuple:
    text = _read_text(path)
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    for lineno, line in enumerate(lines, start=1):
        if len(line.split()) != 4:
            raise ValueError(
                f"{path}: line {lineno} has {len(line.split())} fields; expected 4 "
                "(E_reco [MeV], E_true [MeV], L [cm], weight)"
            )
    try:
        data = np.array(text.split(), dtype=float).reshape(-1, 4)
    except ValueError:
        _parse_numbers(text, str(path))  # raises with the line number
        raise
    expected = _NTUPLE_ROWS.get(path.name)
    if expected is not None and data.shape[0] != expected:
        raise ValueError(
            f"{path}: {data.shape[0]} rows; the data release has {expected} (truncated file?)"
        )
    if not np.all(np.isfinite(data)):
        raise ValueError(f"{path}: non-finite value in the ntuple")
    for j, name in ((1, "E_true [MeV]"), (2, "L [cm]"), (3, "weight")):
        bad = ~(data[:, j] > 0)
        if bad.any():
            i = int(np.argmax(bad))
            raise ValueError(f"{path}: line {i + 1}: {name} must be > 0; got {data[i, j]!r}")
    cols = [np.ascontiguousarray(data[:, j]) for j in range(4)]
    cols[3] = cols[3] / data.shape[0]  # the release: divide each weight by the number of rows
    for c in cols:
        c.setflags(write=False)
    return OscillationNtuple(*cols, source=str(path))


def _data_root() -> Path:
    root = resources.files("nuportal.experiments").joinpath("data", "miniboone_2020")
    return Path(str(root))


@cache
def _load(mode: str, directory: str | None) -> MiniBooNERelease:
    folder, beams, cov_file = _MODE_LAYOUT[mode]
    base = Path(directory) if directory is not None else _data_root() / folder
    if not base.is_dir():
        raise ValueError(f"{base}: MiniBooNE data folder is missing")
    edges = _read_edges(base / _EDGES_FILE)
    samples: dict[str, MiniBooNEMode] = {}
    for beam in beams:
        d, b, nd, npred, nt = _BEAM_FILES[(folder, beam)]
        samples[beam] = MiniBooNEMode(
            beam=beam,
            nue_data=_read_counts(base / d, N_NUE_BINS, "nu_e data"),
            nue_background=_read_counts(base / b, N_NUE_BINS, "nu_e background"),
            numu_data=_read_counts(base / nd, N_NUMU_BINS, "nu_mu data"),
            numu_prediction=_read_counts(base / npred, N_NUMU_BINS, "nu_mu prediction"),
            ntuple=_read_ntuple(base / nt),
        )
    cov = _read_covariance(base / cov_file, N_COV_PER_MODE * len(beams))
    return MiniBooNERelease(
        mode=mode,
        bin_edges_MeV=edges,
        beams=MappingProxyType(samples),
        fractional_covariance=cov,
        directory=str(base),
    )


def load_miniboone(
    mode: str = "combined", directory: str | os.PathLike[str] | None = None
) -> MiniBooNERelease:
    """Load and validate one mode of the MiniBooNE 2020 data release (arXiv:2006.16883).

    Parameters
    ----------
    mode : {"nu", "nubar", "combined"}
        Neutrino mode (18.75e20 POT), antineutrino mode (11.27e20 POT), or both with their
        60 x 60 joint covariance.
    directory : str or path-like, optional
        A folder holding the release's files of this mode under their release names (e.g. a
        newer copy); defaults to the shipped ``data/miniboone_2020/<mode folder>``.

    Returns
    -------
    MiniBooNERelease
        Read-only arrays; cached, so repeated calls are free.

    Raises
    ------
    ValueError
        For an unknown ``mode``, or a missing, malformed or truncated file (wrong number of
        values, non-numeric or non-finite entries, negative counts, non-increasing bin edges,
        non-square or asymmetric covariance, an ntuple row without 4 fields, non-positive
        E_true, L or weight, fewer rows than the release). The message names the file.
    """
    if mode not in MODES:
        raise ValueError(f"mode = {mode!r}; allowed values are {MODES}")
    key = None if directory is None else os.fspath(directory)
    return _load(mode, key)
