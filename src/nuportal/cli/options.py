"""Option types shared by every command: one definition of each option of the common vocabulary.

``--n-events``, ``--seed``, ``--out``, ``--plot``, ``--workers`` and ``--scheduler`` mean the same
thing in every command that has them; commands take these ``Annotated`` types rather than
spelling their own. Units in help texts are written in parentheses, e.g. "(GeV)".
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

__all__ = [
    "Mixing",
    "NEventsOption",
    "PlotOption",
    "SchedulerOption",
    "SeedOption",
    "WorkersOption",
    "out_option",
]


class Mixing(str, Enum):
    """Active neutrino flavour a heavy neutral lepton mixes with."""

    e = "e"
    mu = "mu"
    tau = "tau"


#: --n-events: how many (weighted) events, showers or simulated decays a command produces.
NEventsOption = Annotated[int, typer.Option("--n-events", help="Number of events to generate.")]

#: --seed, on every stochastic command.
SeedOption = Annotated[int, typer.Option(help="Random seed (same seed, same result).")]

#: --plot, on every command whose result is worth a figure.
PlotOption = Annotated[
    Path | None,
    typer.Option(help="Also draw the standard figure to this file (.png, .pdf or .svg)."),
]

#: --workers / --scheduler, on every command that runs its loop through an executor.
WorkersOption = Annotated[
    int | None, typer.Option(help="Local worker processes (default: all cores; 1: no pool).")
]
SchedulerOption = Annotated[
    str | None, typer.Option(help="Run on this dask scheduler instead (tcp://HOST:PORT).")
]


def out_option(help: str) -> typer.models.OptionInfo:
    """The ``--out`` option with a command-specific description of what is written."""
    return typer.Option("--out", help=help)
