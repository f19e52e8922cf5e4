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

__all__ = ["CC_PROCESSES", "E_RANGE", "FLAVOURS", "cross_section_table", "sigma_process"]

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
