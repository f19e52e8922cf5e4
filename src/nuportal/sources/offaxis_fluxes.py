"""Off-axis neutrino fluxes at the DUNE near detector (DUNE-PRISM), with a validating reader.

ND-LAr moves horizontally up to about 30 m off the beam axis (DUNE Collaboration, ND CDR,
arXiv:2103.13910). The shipped DUNE-PRISM tables (``experiments/data/fluxes/dune_prism/``, see the
README there for their provenance) give the flux per flavour in 0.5 m slices from 0 to 19 m. Their
on-axis slice comes from a different beam-simulation version than the on-axis table of
arXiv:2103.04797 (0.86-0.93 of it below 4 GeV, 0.95-1.14 above), so nuportal combines them as

    phi_f(E, x) = phi_f^on-axis(E) * R_f(E, x),   R_f(E, x) = prism_f(E, x) / prism_f(E, 0),

the absolute normalization from the on-axis table and the off-axis shape from DUNE-PRISM.

Beyond the last tabulated slice (19 m) the ratio is extrapolated per energy bin, linearly in
ln R over the slices of the last :data:`EXTRAPOLATION_WINDOW_M` metres; a :class:`UserWarning`
says so. The extrapolation error measured on the tables themselves (predicting the 19 m slice
from the 11.5-15 m slices, the same 4 m lever arm) is recorded in docs/ldm_dune.md; the
extrapolated fluxes should be read as an estimate of that quality, not as a beam simulation.

Units: E in GeV, off-axis distance in metres, flux in nu / cm^2 / POT / GeV.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal.sources.fluxes import FLAVOUR_COLUMNS, Flux, detector_flux

__all__ = [
    "EXTRAPOLATION_WINDOW_M",
    "PRISM_MAX_OFF_AXIS_M",
    "PRISM_TABULATED_M",
    "PrismTable",
    "dune_prism_flux",
    "dune_prism_ratio",
    "parse_prism_table",
]

#: Largest off-axis distance [m] of the shipped tables (centre of the last slice).
PRISM_TABULATED_M: float = 19.0
#: Largest accepted off-axis distance [m]: ND-LAr's range of motion is quoted as up to about
#: 30.5 m (arXiv:2103.13910); a little margin is allowed for studies of the far edge.
PRISM_MAX_OFF_AXIS_M: float = 33.0
#: Length [m] of the last tabulated stretch used to extrapolate ln R beyond 19 m.
EXTRAPOLATION_WINDOW_M: float = 4.0

_FLAVOUR_FILES: MappingProxyType[str, str] = MappingProxyType(
    {"nue": "nue", "numu": "numu", "nuebar": "nuebar", "numubar": "numubar"}
)
_MODES = ("fhc", "rhc")


@dataclass(frozen=True)
class PrismTable:
    """One DUNE-PRISM table: flux of one flavour and horn polarity versus (E, off-axis slice).

    Attributes
    ----------
    E_low, E_high : ndarray, shape (nE,)
        Energy bin edges [GeV].
    x : ndarray, shape (nx,)
        Off-axis slice centres [m], increasing from 0.
    flux : ndarray, shape (nx, nE)
        Flux [nu / cm^2 / POT / GeV] per slice and energy bin (shape information only, see the
        module docstring).
    frac_uncertainty : ndarray, shape (nx, nE)
        Total fractional flux uncertainty of the source.
    """

    E_low: NDArray[np.float64]
    E_high: NDArray[np.float64]
    x: NDArray[np.float64]
    flux: NDArray[np.float64]
    frac_uncertainty: NDArray[np.float64]

    @property
    def E_centre(self) -> NDArray[np.float64]:
        """Energy bin centres [GeV]."""
        return 0.5 * (self.E_low + self.E_high)


def parse_prism_table(text: str, label: str) -> PrismTable:
    """Parse and validate a DUNE-PRISM CSV table (``#`` comments, six comma-separated columns).

    Raises
    ------
    ValueError
        If a row does not have six finite numbers, a flux or uncertainty is negative, the
        (energy, off-axis) grid is incomplete, or the slices do not start at 0 m. The message names
        ``label`` (and the line for row errors).
    """
    rows = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(",")
        where = f"{label}, line {lineno}"
        try:
            values = [float(p) for p in parts]
        except ValueError:
            raise ValueError(f"{where}: not a row of numbers: {line[:60]!r}") from None
        if len(values) != 6 or not all(math.isfinite(v) for v in values):
            raise ValueError(f"{where}: expected 6 finite numbers, got {line[:60]!r}")
        if values[4] < 0 or values[5] < 0:
            raise ValueError(f"{where}: flux and uncertainty must be >= 0")
        rows.append(values)
    if not rows:
        raise ValueError(f"{label}: no data rows")
    a = np.array(rows)
    e_edges = np.unique(a[:, 0:2], axis=0)
    x_edges = np.unique(a[:, 2:4], axis=0)
    nE, nx = len(e_edges), len(x_edges)
    if len(a) != nE * nx:
        raise ValueError(
            f"{label}: incomplete grid ({len(a)} rows for {nE} energies x {nx} slices)"
        )
    if np.any(e_edges[:, 1] <= e_edges[:, 0]) or np.any(e_edges[1:, 0] < e_edges[:-1, 1]):
        raise ValueError(f"{label}: energy bins must be increasing and non-overlapping")
    x_centre = x_edges.mean(axis=1)
    if abs(x_centre[0]) > 1e-9 or np.any(np.diff(x_centre) <= 0):
        raise ValueError(f"{label}: off-axis slices must start at 0 m and increase")
    ie = np.searchsorted(e_edges[:, 0], a[:, 0])
    ix = np.searchsorted(x_edges[:, 0], a[:, 2])
    flux = np.full((nx, nE), np.nan)
    unc = np.full((nx, nE), np.nan)
    flux[ix, ie] = a[:, 4]
    unc[ix, ie] = a[:, 5]
    if np.isnan(flux).any():
        raise ValueError(f"{label}: duplicated or missing (energy, off-axis) cells")
    return PrismTable(e_edges[:, 0], e_edges[:, 1], x_centre, flux, unc)


@lru_cache(maxsize=8)
def _table(flavour: str, mode: str) -> PrismTable:
    filename = f"ND_offaxis_{mode.upper()}_{_FLAVOUR_FILES[flavour]}.csv"
    label = f"nuportal/experiments/data/fluxes/dune_prism/{filename}"
    resource = resources.files("nuportal.experiments").joinpath(
        "data", "fluxes", "dune_prism", filename
    )
    try:
        text = resource.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"{label}: shipped flux file is missing from the installation") from None
    return parse_prism_table(text, label)


def _check_off_axis(off_axis_m: float) -> float:
    x = float(off_axis_m)
    if not (math.isfinite(x) and 0.0 <= x <= PRISM_MAX_OFF_AXIS_M):
        raise ValueError(
            f"off_axis_m must be in [0, {PRISM_MAX_OFF_AXIS_M:g}] m (ND-LAr's range of motion), "
            f"got {off_axis_m!r}"
        )
    return x


def _check_mode(mode: str) -> str:
    m = str(mode).strip().lower()
    if m not in _MODES:
        raise ValueError(f"mode must be one of {list(_MODES)}, got {mode!r}")
    return m


def _ratio_in_slices(table: PrismTable, x: float, window_m: float) -> NDArray[np.float64]:
    """R(E_bin, x) = flux(E_bin, x) / flux(E_bin, 0) per energy bin of ``table``."""
    on = table.flux[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(on > 0, table.flux / on, 0.0)
    if x <= table.x[-1]:
        j = int(np.clip(np.searchsorted(table.x, x) - 1, 0, len(table.x) - 2))
        t = (x - table.x[j]) / (table.x[j + 1] - table.x[j])
        return (1 - t) * ratios[j] + t * ratios[j + 1]
    sel = table.x >= table.x[-1] - window_m - 1e-9
    xs = table.x[sel]
    r = ratios[sel]
    positive = np.all(r > 0, axis=0)
    logr = np.log(np.where(r > 0, r, 1.0))
    # least-squares line in ln R per energy bin (vectorized normal equations)
    xm = xs.mean()
    slope = ((xs - xm)[:, None] * (logr - logr.mean(axis=0))).sum(axis=0) / ((xs - xm) ** 2).sum()
    intercept = logr.mean(axis=0) - slope * xm
    return np.where(positive, np.exp(intercept + slope * x), 0.0)


def dune_prism_ratio(
    E_GeV: ArrayLike,
    off_axis_m: float,
    flavour: str = "numu",
    mode: str = "fhc",
    *,
    window_m: float = EXTRAPOLATION_WINDOW_M,
) -> NDArray[np.float64]:
    """Off-axis to on-axis flux ratio R_f(E, x) of the DUNE-PRISM tables.

    Parameters
    ----------
    E_GeV : array_like
        Neutrino energies [GeV]; the ratio is linear between energy-bin centres and constant
        beyond the first and last centre.
    off_axis_m : float
        Horizontal distance of ND-LAr from the beam axis [m], in [0, 33]; linear between the
        0.5 m slices up to 19 m, extrapolated beyond (see the module docstring; warns).
    flavour : {"nue", "numu", "nuebar", "numubar"}
        Neutrino flavour (nu_tau is absent from the tables).
    mode : {"fhc", "rhc"}
        Horn polarity.
    window_m : float
        Length [m] of the last tabulated stretch used for the extrapolation.

    Returns
    -------
    ndarray
        R >= 0, same shape as ``E_GeV``.
    """
    x = _check_off_axis(off_axis_m)
    if flavour not in _FLAVOUR_FILES:
        raise ValueError(f"flavour must be one of {list(_FLAVOUR_FILES)}, got {flavour!r}")
    table = _table(flavour, _check_mode(mode))
    if x > table.x[-1]:
        warnings.warn(
            f"off-axis distance {x:g} m is beyond the DUNE-PRISM tables (0-{table.x[-1]:g} m): "
            f"the flux shape is extrapolated (ln R linear over the last {window_m:g} m)",
            UserWarning,
            stacklevel=2,
        )
    per_bin = _ratio_in_slices(table, x, window_m)
    e = np.asarray(E_GeV, dtype=float)
    return np.interp(e, table.E_centre, per_bin)


def dune_prism_flux(off_axis_m: float, mode: str = "fhc") -> Flux:
    """The DUNE near-detector flux at ``off_axis_m`` metres off axis, nu / cm^2 / POT / GeV.

    The on-axis table of arXiv:2103.04797 (:func:`nuportal.sources.fluxes.detector_flux`) times
    the DUNE-PRISM off-axis ratio of each flavour (:func:`dune_prism_ratio`); nu_tau columns are
    those of the on-axis table (zero). ``off_axis_m = 0`` returns the on-axis table itself.

    Parameters
    ----------
    off_axis_m : float
        Horizontal off-axis distance [m], in [0, 33].
    mode : {"fhc", "rhc"}
        Horn polarity.
    """
    x = _check_off_axis(off_axis_m)
    on = detector_flux("dune_nd", _check_mode(mode))
    cols = {}
    for flavour in FLAVOUR_COLUMNS:
        col = np.array(on[flavour], dtype=float)
        if flavour in _FLAVOUR_FILES and x > 0:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # warned once below
                col = col * dune_prism_ratio(on.E_GeV, x, flavour, mode)
        col.setflags(write=False)
        cols[flavour] = col
    if x > PRISM_TABULATED_M:
        warnings.warn(
            f"off-axis distance {x:g} m is beyond the DUNE-PRISM tables (0-{PRISM_TABULATED_M:g}"
            " m): the flux shape is extrapolated",
            UserWarning,
            stacklevel=2,
        )
    baseline = math.hypot(on.baseline_m or 574.0, x)
    return Flux(
        f"dune_nd_{mode}_offaxis_{x:g}m", on.E_GeV, MappingProxyType(cols), baseline,
        on.decay_region,
    )
