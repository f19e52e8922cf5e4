"""Total cross sections sigma(E_nu) per process and inclusive, per target material.

Processes are those of the registry :data:`nuportal.interactions.processes.PROCESSES` (CCQE and
2p2h from :mod:`.ccqe` / :mod:`.mec`, nu e elastic, and the inelastic modes res / nonres / dis of
:mod:`.resonant` and :mod:`.dis`, CC and NC). Per formula unit of a material of
:data:`nuportal.interactions.targets.MATERIALS` (Ar40, C12, CH, CH2, H2O, O16, H1): the sum over
its nuclei (and electrons for nu e scattering) of count x sigma.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from nuportal.interactions.targets import material, nucleus_parameters

__all__ = [
    "CC_PROCESSES",
    "E_RANGE",
    "FLAVOURS",
    "cross_section_table",
    "load_measurements",
    "sigma_process",
]

#: Energy range [GeV] of the tables.
E_RANGE: tuple[float, float] = (0.1, 500.0)
#: Flavour names and PDG codes.
FLAVOURS: dict[str, int] = {"numu": 14, "numubar": -14, "nue": 12, "nuebar": -12,
                            "nutau": 16, "nutaubar": -16}
#: Processes summed into the inclusive CC cross section.
CC_PROCESSES: tuple[str, ...] = ("ccqe", "2p2h", "res_cc", "nonres_cc", "dis_cc")


def _processes():
    import nuportal.interactions  # noqa: F401  (registers the process modules)
    from nuportal.interactions.processes import PROCESSES

    return PROCESSES


def sigma_process(process: str, E_nu: ArrayLike, nu_pdg: int, target: str,
                  **params: float) -> np.ndarray:
    """sigma [cm^2] per formula unit of material ``target`` for one registered process.

    Parameters
    ----------
    process : str
        Registry name (``"ccqe"``, ``"res_cc"``, ``"dis_cc"``, ...).
    E_nu : array_like
        Neutrino energies [GeV] within :data:`E_RANGE`.
    nu_pdg : int
        Neutrino PDG code.
    target : str
        Material (``"Ar40"``, ``"C12"``, ``"CH"``, ``"H2O"``, ``"H1"``, ...).
    **params
        Model parameters passed to the process.
    """
    procs = _processes()
    if process not in procs:
        raise ValueError(f"unknown process {process!r}; known: {sorted(procs)}")
    E = np.atleast_1d(np.asarray(E_nu, float))
    if np.any(~np.isfinite(E)) or np.any(E < E_RANGE[0]) or np.any(E > E_RANGE[1]):
        raise ValueError(f"E_nu must be in [{E_RANGE[0]}, {E_RANGE[1]}] GeV, got {E_nu!r}")
    proc = procs[process]
    out = np.zeros(E.size)
    if nu_pdg not in proc.nu_pdgs:
        return out
    for nuc, count in material(target):
        s = np.asarray(proc.total_cross_section(E, nu_pdg, nuc, **params), float)
        if proc.per_electron:
            s = s * nucleus_parameters(nuc).Z
        out += count * s
    return out


def cross_section_table(E_nu: ArrayLike, flavour: str, target: str,
                        processes: tuple[str, ...] | None = None, **params: float
                        ) -> pd.DataFrame:
    """Table of sigma [cm^2 per formula unit] by process and the inclusive CC sum.

    Columns: ``E_nu`` [GeV], one column per process, ``cc_inclusive`` (sum of
    :data:`CC_PROCESSES` present in the registry).
    """
    if flavour not in FLAVOURS:
        raise ValueError(f"unknown flavour {flavour!r}; known: {sorted(FLAVOURS)}")
    material(target)  # validates
    nu = FLAVOURS[flavour]
    procs = _processes()
    names = list(processes) if processes else sorted(procs)
    E = np.atleast_1d(np.asarray(E_nu, float))
    table = {"E_nu": E}
    for name in names:
        table[name] = sigma_process(name, E, nu, target, **params)
    table["cc_inclusive"] = sum(
        (table[n] if n in table else sigma_process(n, E, nu, target, **params))
        for n in CC_PROCESSES if n in procs)
    return pd.DataFrame(table)


_MEAS_COLUMNS = ("experiment", "reference", "target", "flavour", "E_mean_GeV", "E_low_GeV",
                 "E_high_GeV", "quantity", "value", "stat", "syst_up", "syst_down")


def load_measurements() -> pd.DataFrame:
    """Published inclusive CC measurements shipped with nuportal (``data/README.md`` cites each).

    Returns
    -------
    pandas.DataFrame
        Columns ``experiment``, ``reference``, ``target``, ``flavour``, ``E_mean_GeV`` (or the
        range ``E_low_GeV``-``E_high_GeV``) [GeV], ``quantity`` (``sigma_per_nucleon`` in
        1e-38 cm^2, ``sigma_over_E`` in 1e-38 cm^2/GeV), ``value``, ``stat``, ``syst_up``,
        ``syst_down`` (same units), and ``error`` (stat and larger syst in quadrature).
    """
    from importlib.resources import files

    path = files("nuportal.interactions") / "data" / "inclusive_cc_measurements.csv"
    with path.open() as fh:
        df = pd.read_csv(fh, comment="#")
    missing = [c for c in _MEAS_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"measurement table lacks columns {missing}")
    if not df["quantity"].isin(["sigma_per_nucleon", "sigma_over_E"]).all():
        raise ValueError("measurement quantity must be sigma_per_nucleon or sigma_over_E")
    if not df["flavour"].isin(list(FLAVOURS)).all():
        raise ValueError(f"measurement flavour must be one of {sorted(FLAVOURS)}")
    for c in ("value", "stat", "syst_up", "syst_down"):
        if not np.all(np.isfinite(df[c].to_numpy(float))) or np.any(df[c].to_numpy(float) < 0):
            raise ValueError(f"measurement column {c} must be finite and >= 0")
    df["error"] = np.hypot(df["stat"], np.maximum(df["syst_up"], df["syst_down"]))
    return df
