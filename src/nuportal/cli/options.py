"""Option types shared by every command: one definition of each option of the common vocabulary.

``--n-events``, ``--seed``, ``--out``, ``--plot``, ``--workers`` and ``--scheduler`` mean the same
thing in every command that has them; commands take these ``Annotated`` types rather than
spelling their own. Units in help texts are written in parentheses, e.g. "(GeV)". Choices are
Enums (listed in ``--help``, any capitalization accepted). Old spellings stay for one release as
hidden aliases (``--n`` for ``--n-events``), resolved by :func:`alias`.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, TypeVar

import typer

__all__ = [
    "KdarMixing",
    "Mixing",
    "NEventsOption",
    "NLegacyOption",
    "PlotOption",
    "SchedulerOption",
    "SeedOption",
    "WorkersOption",
    "alias",
    "out_option",
]

T = TypeVar("T")


class Mixing(str, Enum):
    """Active neutrino flavour a heavy neutral lepton mixes with."""

    e = "e"
    mu = "mu"
    tau = "tau"


class KdarMixing(str, Enum):
    """Flavours open in K+ -> l+ N at rest (a tau is heavier than the kaon)."""

    e = "e"
    mu = "mu"


def _whole_number(text: str | int) -> int:
    """Parse a whole number, also written 1e8 or 100_000 (any sign: checked by the command)."""
    if isinstance(text, int):
        return text
    raw = str(text).strip().replace("_", "")
    try:
        value = int(raw)
    except ValueError:
        try:
            number = float(raw)
        except ValueError:
            number = float("nan")
        if not (number == number and number.is_integer() and abs(number) < 2**63):
            raise typer.BadParameter(
                f"must be a whole number of events >= 1 (e.g. 100000 or 1e8), got {text!r}"
            ) from None
        value = int(number)
    return value


def event_count(text: str | int) -> int:
    """Parse an event count: a whole number >= 1, also written 1e8 or 100_000."""
    value = _whole_number(text)
    if value < 1:
        raise typer.BadParameter(f"must be a whole number of events >= 1, got {text!r}")
    return value


#: --n-events: how many (weighted) events, showers or simulated decays a command produces
#: (1e8 and 100_000 are accepted).
NEventsOption = Annotated[
    int,
    typer.Option("--n-events", parser=event_count, help="Number of events to generate (>= 1)."),
]
#: the old spelling, hidden, for one release
NLegacyOption = Annotated[
    int | None,
    typer.Option("--n", hidden=True, parser=_whole_number, help="Old spelling of --n-events."),
]

#: --seed, on every stochastic command.
SeedOption = Annotated[int, typer.Option(help="Random seed (same seed, same result).")]

#: --plot, on every command whose result is worth a figure.
PlotOption = Annotated[
    Path | None,
    typer.Option(help="Also draw the standard figure to this file (.png, .pdf or .svg)."),
]

#: --workers / --scheduler, on every command that runs its loop through an executor.
WorkersOption = Annotated[
    int | None,
    typer.Option(min=1, help="Local worker processes (default: all cores; 1: no pool)."),
]
SchedulerOption = Annotated[
    str | None, typer.Option(help="Run on this dask scheduler instead (tcp://HOST:PORT).")
]


def out_option(help: str) -> typer.models.OptionInfo:
    """The ``--out`` option with a command-specific description of what is written."""
    return typer.Option("--out", help=help)


def alias(value: T, legacy: T | None) -> T:
    """The value of an option or, when given, of its old hidden spelling."""
    return value if legacy is None else legacy
