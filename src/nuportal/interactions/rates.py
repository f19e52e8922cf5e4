"""Event rates of Standard-Model neutrino interactions at a detector: flux x cross section.

``N = POT x N_targets x integral dE phi(E) sigma(E)``, with ``phi`` a shipped flux table
(:func:`nuportal.sources.fluxes.load_flux`, neutrinos / cm^2 / POT / GeV, linear between its
points and zero outside them, the convention of :meth:`Flux.interpolate`) and ``sigma`` the sum
of the registered processes' total cross sections (:data:`nuportal.interactions.processes.
PROCESSES`) over the nuclei of a material (:data:`nuportal.interactions.targets.MATERIALS`),
per formula unit; nu e scattering per electron times the electrons of the formula unit.

Numerics: every sigma(E) is evaluated once on ``n_knots`` log-spaced energies and interpolated
(PCHIP in ln E, shape-preserving at thresholds); the integral runs over each interval between
consecutive flux points with 6-point Gauss-Legendre nodes (exact for the linear flux times a
quintic sigma). Checked against direct quadrature in ``tests/interactions/test_rates.py``.

Channels (:func:`event_rates`): ``<flavour>_cc`` (charged current: CC quasi-elastic, 2p2h, CC
pions, CC DIS), ``<flavour>_nc`` (neutral current: NC pions, NC DIS, NC elastic) and
``nu_e_elastic`` (nu e -> nu e, every flavour, on the material's electrons), flavours ``nue``,
``numu``, ``nutau``, ``nuebar``, ``numubar``, ``nutaubar``.

Targets per tonne use the atomic mass of the formula unit (nuclear masses of
:mod:`nuportal.interactions.targets` plus Z electron masses): 1.507e28 Ar40 atoms per tonne
(2.713e29 electrons for natural argon, 39.948 u).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from nuportal.interactions.generate import FLAVOUR_PDG

__all__ = [
    "FLAVOUR_PDG",
    "GEV_TO_KG",
    "channel_of",
    "event_rates",
    "flux_averaged_rate",
    "rate_summary",
    "units_per_tonne",
]

#: 1 GeV/c^2 in kg (CODATA 2018 through scipy: e * 1e9 / c^2).
GEV_TO_KG: float = 1.602176634e-10 / 299792458.0**2

_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(6)


def channel_of(process) -> str:
    """``"cc"``, ``"nc"`` or ``"nu_e_elastic"`` for a registered process.

    A ``cc`` attribute of the process wins; otherwise the name: ``*_cc`` and the CC-only modes
    ``ccqe`` and ``2p2h`` are charged current, ``*_nc`` and ``nc_elastic`` neutral current.
    """
    if process.per_electron or process.mode == "nu_e_elastic":
        return "nu_e_elastic"
    cc = getattr(process, "cc", None)
    if cc is not None:
        return "cc" if cc else "nc"
    name = process.name.lower()
    if name.endswith("_nc") or process.mode == "nc_elastic":
        return "nc"
    if name.endswith("_cc") or process.mode in ("ccqe", "2p2h"):
        return "cc"
    raise ValueError(f"cannot tell whether process {process.name!r} is CC or NC")


def units_per_tonne(material: str) -> float:
    """Formula units of ``material`` per tonne (atoms of Ar40, molecules of CH2, ...)."""
    from nuportal.constants import M_ELECTRON
    from nuportal.interactions.targets import material as composition
    from nuportal.interactions.targets import nucleus_parameters

    mass_gev = 0.0
    for name, count in composition(material):
        t = nucleus_parameters(name)
        mass_gev += count * (t.mass + t.Z * M_ELECTRON)
    return 1000.0 / (mass_gev * GEV_TO_KG)


@cache
def _sigma_knots(
    process_name: str, nu_pdg: int, material: str, e_max: float, n_knots: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """sigma [cm^2 per formula unit] of one process on log-spaced knots up to ``e_max``."""
    from nuportal.interactions.processes import PROCESSES
    from nuportal.interactions.targets import electrons_per_unit
    from nuportal.interactions.targets import material as composition

    proc = PROCESSES[process_name]
    knots = np.geomspace(0.02, max(e_max, 0.05) * 1.001, n_knots)
    if nu_pdg not in proc.nu_pdgs:
        return knots, np.zeros(n_knots)
    if proc.per_electron:
        sigma = np.asarray(proc.total_cross_section(knots, nu_pdg, "e-"), dtype=float)
        sigma = sigma * electrons_per_unit(material)
    else:
        sigma = np.zeros(n_knots)
        for name, count in composition(material):
            s = np.asarray(proc.total_cross_section(knots, nu_pdg, name), dtype=float)
            sigma += count * s
    if not np.all(np.isfinite(sigma)) or np.any(sigma < 0):
        raise ValueError(f"process {process_name} gives a non-finite or negative cross section")
    sigma.setflags(write=False)
    return knots, sigma


def flux_averaged_rate(
    flux, flavour: str, process_name: str, material: str, *, n_knots: int = 100
) -> float:
    """``integral dE phi(E) sigma(E)`` [events / POT / formula unit] for one process.

    Parameters
    ----------
    flux : nuportal.sources.fluxes.Flux
        Flux table (nu / cm^2 / POT / GeV).
    flavour : str
        Flux column (``"numu"``, ``"nuebar"``, ...).
    process_name : str
        Key of :data:`nuportal.interactions.processes.PROCESSES`.
    material : str
        Material of :data:`nuportal.interactions.targets.MATERIALS`.
    n_knots : int
        Energies at which sigma is computed (module docstring).
    """
    from scipy.interpolate import PchipInterpolator

    if flavour not in FLAVOUR_PDG:
        raise ValueError(f"unknown flavour {flavour!r}; known: {list(FLAVOUR_PDG)}")
    e = np.asarray(flux.E_GeV, dtype=float)
    phi = np.asarray(flux[flavour], dtype=float)
    if not np.any(phi > 0):
        return 0.0
    knots, sigma = _sigma_knots(process_name, FLAVOUR_PDG[flavour], material, float(e[-1]), n_knots)
    interp = PchipInterpolator(np.log(knots), sigma, extrapolate=False)
    lo, hi = e[:-1], e[1:]
    half = 0.5 * (hi - lo)
    nodes = 0.5 * (hi + lo)[:, None] + half[:, None] * _GL_NODES  # (intervals, 6)
    frac = (nodes - lo[:, None]) / (hi - lo)[:, None]
    phi_nodes = phi[:-1, None] * (1.0 - frac) + phi[1:, None] * frac
    with np.errstate(divide="ignore"):
        s = np.nan_to_num(interp(np.log(np.clip(nodes, 1e-300, None))), nan=0.0)
    s = np.where(nodes < knots[0], 0.0, np.clip(s, 0.0, None))
    return float(np.sum(half[:, None] * _GL_WEIGHTS * phi_nodes * s))


def event_rates(
    flux: str = "dune_nd_fhc",
    material: str = "Ar40",
    *,
    processes: list[str] | None = None,
    flavours: list[str] | None = None,
    pot: float = 1e21,
    tonnes: float = 1.0,
    n_knots: int = 100,
) -> pd.DataFrame:
    """Expected events per channel and process for an exposure.

    Parameters
    ----------
    flux : str
        A shipped flux table or detector name (:func:`nuportal.sources.fluxes.load_flux`).
    material : str
        Detector material (``"Ar40"``, ``"CH2"``, ``"CH"``, ``"H2O"``, ``"C12"``, ...).
    processes : list of str, optional
        Registered process names (default: all of them).
    flavours : list of str, optional
        Flux flavours to include (default: all with a non-zero flux).
    pot : float
        Protons on target (default 1e21).
    tonnes : float
        Detector mass [t] (default 1).
    n_knots : int
        Energies at which each cross section is computed.

    Returns
    -------
    pandas.DataFrame
        Columns ``channel`` (``numu_cc``, ``nue_nc``, ``nu_e_elastic``, ...), ``flavour``,
        ``process``, ``events``; rows with zero flux are dropped.

    Raises
    ------
    ValueError
        Unknown flux, material or process; non-positive exposure.
    """
    import nuportal.interactions  # noqa: F401  (fills the process registry)
    from nuportal.interactions.processes import PROCESSES
    from nuportal.sources.fluxes import load_flux

    for name, v in (("pot", pot), ("tonnes", tonnes)):
        if not (np.isfinite(v) and v > 0):
            raise ValueError(f"{name} must be finite and > 0, got {v!r}")
    if n_knots < 10:
        raise ValueError(f"n_knots must be >= 10, got {n_knots!r}")
    names = list(PROCESSES) if processes is None else list(processes)
    unknown = [p for p in names if p not in PROCESSES]
    if unknown:
        raise ValueError(f"unknown process(es) {unknown}; registered: {sorted(PROCESSES)}")
    wanted = list(FLAVOUR_PDG) if flavours is None else list(flavours)
    bad = [f for f in wanted if f not in FLAVOUR_PDG]
    if bad:
        raise ValueError(f"unknown flavour(s) {bad}; known: {list(FLAVOUR_PDG)}")
    table = load_flux(flux)
    scale = pot * tonnes * units_per_tonne(material)
    rows = []
    for flavour in wanted:
        if not np.any(np.asarray(table[flavour]) > 0):
            continue
        for name in names:
            proc = PROCESSES[name]
            chan = channel_of(proc)
            channel = chan if chan == "nu_e_elastic" else f"{flavour}_{chan}"
            rate = flux_averaged_rate(table, flavour, name, material, n_knots=n_knots)
            rows.append((channel, flavour, name, rate * scale))
    return pd.DataFrame(rows, columns=["channel", "flavour", "process", "events"])


def rate_summary(rates: pd.DataFrame) -> pd.Series:
    """Events per channel (sum over processes and, for nu e scattering, flavours)."""
    return rates.groupby("channel", sort=False)["events"].sum()
