"""LSND: the released nubar_mu -> nubar_e excess versus L/E_nu and the experiment's key numbers.

Source: A. Aguilar et al. (LSND Collaboration), Phys. Rev. D 64, 112007 (2001), hep-ex/0104049
(cited below as [LSND01]); detector: C. Athanassopoulos et al. (LSND), Nucl. Instrum. Meth. A 388,
149 (1997), nucl-ex/9605002 ([LSND-NIM]).

Units: the table keeps the paper's units (L/E in m/MeV, which equals km/GeV; counts in events);
the module constants are in metres and GeV like the rest of nuportal.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from nuportal import constants

__all__ = [
    "LSND_BASELINE_M",
    "LSND_CITATION",
    "LSND_DETECTOR_DIAMETER_M",
    "LSND_DETECTOR_LENGTH_M",
    "LSND_ENU_WINDOW_GEV",
    "LSND_EXCESS_EVENTS",
    "LSND_OSC_PROBABILITY",
    "LSND_POSITRON_WINDOW_GEV",
    "LSNDExcess",
    "load_lsnd_excess",
]

LSND_CITATION = (
    "A. Aguilar et al. (LSND Collaboration), 'Evidence for neutrino oscillations from the "
    "observation of anti-nu_e appearance in a anti-nu_mu beam', Phys. Rev. D 64, 112007 (2001), "
    "hep-ex/0104049"
)

#: Distance from the neutrino source (the A6 beam stop) to the centre of the detector [m]
#: ("located 30 m from a proton beam dump at LAMPF": C. Athanassopoulos et al. (LSND),
#: Phys. Rev. Lett. 75, 2650 (1995), nucl-ex/9504002, abstract; [LSND01]: L about 30 m).
#: Used as the centre of the L distribution in :mod:`nuportal.stats.lsnd_fit`.
LSND_BASELINE_M: float = 30.0
#: Length and diameter of LSND's cylindrical tank [m] ([LSND-NIM]: 8.3 m long, 5.7 m diameter).
LSND_DETECTOR_LENGTH_M: float = 8.3
LSND_DETECTOR_DIAMETER_M: float = 5.7
#: Positron energy window of the oscillation analysis [GeV] ([LSND01]: 20 < E_e < 60 MeV).
LSND_POSITRON_WINDOW_GEV: tuple[float, float] = (0.020, 0.060)
#: Neutrino energy window [GeV]: from the 20 MeV positron cut to the nubar_mu endpoint m_mu / 2
#: = 52.8 MeV of mu+ decay at rest (the 60 MeV positron cut is above the endpoint). With
#: nubar_e p -> e+ n, E_nu = E_e + (m_n - m_p) at zeroth order in 1/M, so the lower edge is
#: in fact 21.3 MeV; the model in :mod:`nuportal.stats.lsnd_fit` uses that.
LSND_ENU_WINDOW_GEV: tuple[float, float] = (0.020, 0.5 * constants.M_MUON)
#: Total excess of the full sample ([LSND01] abstract): 87.9 +- 22.4 (stat) +- 6.0 (syst) events.
LSND_EXCESS_EVENTS: tuple[float, float, float] = (87.9, 22.4, 6.0)
#: Oscillation probability ([LSND01] abstract): (0.264 +- 0.067 (stat) +- 0.045 (syst)) %.
LSND_OSC_PROBABILITY: tuple[float, float, float] = (0.00264, 0.00067, 0.00045)

_FILENAME = "lsnd_excess_L_over_E_digitized.dat"
_HEADER = (
    "L/Enu(m/MeV)",
    "Data",
    "top_of_errorbar",
    "top_of_osc_signal",
    "top_of_background",
)
_N_ROWS = 11
_BIN_WIDTH = 0.1  # m/MeV, the paper's binning (0.4 to 1.5 m/MeV)


@dataclass(frozen=True)
class LSNDExcess:
    """The LSND beam excess versus L/E_nu ([LSND01], figure of L/E_nu, R_gamma > 10).

    Attributes
    ----------
    L_over_E : numpy.ndarray
        Bin centres as digitized [m/MeV] (= [km/GeV]).
    bin_edges : numpy.ndarray
        Bin edges [m/MeV]: the paper's 0.1 m/MeV bins, 0.4 to 1.5 (centres rounded to 0.05).
    excess : numpy.ndarray
        Beam excess events per bin (beam-on minus beam-off; may be negative).
    error : numpy.ndarray
        1 sigma error bar per bin [events] (``top_of_errorbar - excess``), > 0.
    background : numpy.ndarray
        Expected beam-related neutrino background per bin [events].
    oscillation_expectation : numpy.ndarray
        LSND's plotted oscillation expectation per bin [events]
        (``top_of_osc_signal - top_of_background``).
    citation : str
    header : tuple of str
    source : str
    """

    L_over_E: np.ndarray
    bin_edges: np.ndarray
    excess: np.ndarray
    error: np.ndarray
    background: np.ndarray
    oscillation_expectation: np.ndarray
    citation: str = LSND_CITATION
    header: tuple[str, ...] = field(default=(), repr=False)
    source: str = ""

    @property
    def signal(self) -> np.ndarray:
        """Excess over the neutrino background per bin [events] (``excess - background``)."""
        return self.excess - self.background


def _read_only(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a, dtype=float)
    a.setflags(write=False)
    return a


def _parse(text: str, source: str) -> LSNDExcess:
    lines = text.splitlines()
    if not lines or not lines[0].startswith("#"):
        raise ValueError(f"{source}: line 1 must be the '#' header naming the columns {_HEADER}")
    names = tuple(lines[0][1:].split()[: len(_HEADER)])
    if names != _HEADER:
        raise ValueError(f"{source}: line 1 has columns {names}; expected {_HEADER}")
    rows: list[list[float]] = []
    for lineno, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        if line.lstrip().startswith("#"):
            raise ValueError(f"{source}: line {lineno}: comment lines only allowed at the top")
        cells = line.split()
        if len(cells) != len(_HEADER):
            raise ValueError(
                f"{source}: line {lineno} has {len(cells)} fields; expected {len(_HEADER)} "
                f"({_HEADER}); truncated or malformed file"
            )
        try:
            values = [float(c) for c in cells]
        except ValueError:
            raise ValueError(f"{source}: line {lineno}: non-numeric value in {cells}") from None
        if not all(math.isfinite(v) for v in values):
            raise ValueError(f"{source}: line {lineno}: non-finite value in {cells}")
        rows.append(values)
    if len(rows) != _N_ROWS:
        raise ValueError(
            f"{source}: {len(rows)} data rows; the LSND L/E table has {_N_ROWS} (0.4-1.5 m/MeV "
            "in 0.1 m/MeV bins); truncated or malformed file"
        )
    data = np.array(rows)
    le, d, top, top_osc, top_bkg = data.T
    centres = np.round(le / _BIN_WIDTH - 0.5) * _BIN_WIDTH + 0.5 * _BIN_WIDTH
    if np.any(le <= 0) or np.any(np.diff(le) <= 0):
        raise ValueError(f"{source}: L/E must be > 0 and strictly increasing, got {le.tolist()}")
    if np.any(np.abs(le - centres) > 0.01) or np.any(np.abs(np.diff(centres) - _BIN_WIDTH) > 1e-9):
        raise ValueError(
            f"{source}: L/E values {le.tolist()} are not the centres of consecutive 0.1 m/MeV bins"
        )
    err = top - d
    if np.any(err <= 0):
        i = int(np.argmax(err <= 0))
        raise ValueError(f"{source}: row {i + 2}: top_of_errorbar must be above the data point")
    if np.any(top_bkg < 0) or np.any(top_osc < top_bkg):
        raise ValueError(f"{source}: need 0 <= top_of_background <= top_of_osc_signal in every row")
    edges = np.append(centres - 0.5 * _BIN_WIDTH, centres[-1] + 0.5 * _BIN_WIDTH)
    return LSNDExcess(
        L_over_E=_read_only(le),
        bin_edges=_read_only(edges),
        excess=_read_only(d),
        error=_read_only(err),
        background=_read_only(top_bkg),
        oscillation_expectation=_read_only(top_osc - top_bkg),
        header=(lines[0][1:].strip(),),
        source=source,
    )


@cache
def _load_cached(path: str | None) -> LSNDExcess:
    if path is None:
        label = f"nuportal/experiments/data/lsnd/{_FILENAME}"
        resource = resources.files("nuportal.experiments").joinpath("data", "lsnd", _FILENAME)
        try:
            text = resource.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ValueError(
                f"{label}: shipped data file is missing from the installation"
            ) from None
    else:
        label = path
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ValueError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    return _parse(text, label)


def load_lsnd_excess(path: str | os.PathLike[str] | None = None) -> LSNDExcess:
    """Load and validate the LSND excess versus L/E_nu ([LSND01]).

    Parameters
    ----------
    path : str or path-like, optional
        A file in the same format to read instead of the shipped table.

    Returns
    -------
    LSNDExcess
        Read-only arrays per L/E bin [m/MeV]: beam excess, 1 sigma error, neutrino background and
        LSND's oscillation expectation [events].

    Raises
    ------
    ValueError
        If the file is missing or unreadable, the header does not name the five columns, a row has
        the wrong number of fields or a non-finite/non-numeric value, there are not 11 rows, the
        L/E values are not the centres of consecutive 0.1 m/MeV bins, an error bar is not
        positive, or the background is negative or above the stacked expectation. The message
        names the file and line.
    """
    return _load_cached(None if path is None else os.fspath(path))
