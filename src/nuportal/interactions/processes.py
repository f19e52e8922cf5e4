"""Registry of interaction processes, the interface between process modules and the generator.

A process module registers a :class:`Process` with :func:`register_process`:

``sample(E_nu, nu_pdg, target, rng, **params) -> (events_df, particles_df)``
    ``E_nu`` an array [GeV] (one event per entry), ``nu_pdg`` an int, ``target`` a nucleus name
    of :data:`nuportal.interactions.targets.NUCLEUS_PARAMETERS` (``"C12"``, ``"Ar40"``, ``"O16"``,
    ``"H1"``) , ``rng`` a numpy Generator, ``params`` model parameters (each process takes the
    keys it knows and ignores the others). Returns an events table with every column of
    :data:`nuportal.interactions.events.EVENT_COLUMNS` (``weight`` may be anything: the
    generator multiplies it by sigma(E_nu) unless the process is ``weighted``, see
    :class:`Process`) and a particles table whose ``event`` runs over 0..len(E_nu)-1.
    Entries whose kinematics are impossible (below threshold) may be given ``weight = 0``.
``total_cross_section(E_nu, nu_pdg, target, **params) -> ndarray``
    sigma [cm^2] per target nucleus, or per *electron* if ``per_electron`` is True (the
    generator multiplies by Z).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["PROCESSES", "Process", "register_process"]

SampleFunction = Callable[..., tuple[pd.DataFrame, pd.DataFrame]]
SigmaFunction = Callable[..., np.ndarray]


@dataclass(frozen=True)
class Process:
    """A registered process.

    Attributes
    ----------
    name : str
        Registry key (``"nu_e_elastic"``, ``"ccqe"``, ``"2p2h"``, ``"res_cc"``, ...).
    sample, total_cross_section : callable
        See the module docstring.
    mode : str
        Value of the ``mode`` column its events carry (one of ``events.MODES``).
    per_electron : bool
        True if ``total_cross_section`` is per electron (nu e scattering).
    nu_pdgs : tuple of int
        Neutrino species the process exists for.
    doc : str
        One line with the model and its reference.
    weighted : bool
        True if the sampler's ``weight`` column is an importance weight whose mean at each energy
        is sigma(E_nu) [cm^2 per nucleus or electron] (nu e, CCQE, 2p2h); False if the events are
        distributed as dsigma at each energy with ``weight`` 1 (0 for impossible kinematics), in
        which case the generator multiplies by ``total_cross_section(E_nu)``.
    """

    name: str
    sample: SampleFunction
    total_cross_section: SigmaFunction
    mode: str
    per_electron: bool = False
    nu_pdgs: tuple[int, ...] = (12, 14, 16, -12, -14, -16)
    doc: str = ""
    weighted: bool = False


#: Registered processes by name.
PROCESSES: dict[str, Process] = {}


def register_process(process: Process) -> Process:
    """Add ``process`` to :data:`PROCESSES` (replacing one of the same name) and return it."""
    from nuportal.interactions.events import MODES

    if not isinstance(process, Process):
        raise ValueError(f"process must be a Process, got {type(process).__name__}")
    if process.mode not in MODES:
        raise ValueError(f"process mode must be one of {MODES}, got {process.mode!r}")
    PROCESSES[process.name] = process
    return process
