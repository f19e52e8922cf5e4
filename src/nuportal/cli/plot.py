"""``nuportal plot``: the standard figures of a file written by nuportal.

Registered on the main app by :mod:`nuportal.cli.app`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nuportal.cli._util import check_plot, fail

__all__ = ["plot"]


def plot(
    events_file: Annotated[
        Path,
        typer.Argument(
            help="File or scan directory written by nuportal: events (generate, upscatter; "
            ".parquet, .csv, .hepmc3), shower, dark-flux, recast limits, oscillation fit "
            "surface or predict spectrum, scan directory."
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(help="Figure to write: .png, .pdf or .svg (default: a PNG beside the input)."),
    ] = None,
) -> None:
    """Draw the standard figure of any file (or scan directory) nuportal writes."""
    out = out or (events_file.with_suffix(".png") if events_file.is_file() else
                  events_file.with_name(events_file.name + ".png"))  # fmt: skip
    if not events_file.exists():
        fail(f"{events_file}: file does not exist")
    check_plot(out, "--out")
    from nuportal.plotting import plot_file

    try:
        _, kind = plot_file(events_file, out)
    except (ValueError, OSError) as exc:
        fail(str(exc))
    typer.echo(f"wrote {out} ({kind})")
