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
            help="File written by `nuportal generate`, `nuportal shower` or `nuportal dark-flux`."
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(help="Figure to write: .png, .pdf or .svg (default: a PNG beside the input)."),
    ] = None,
) -> None:
    """Draw the standard distributions of an event, shower or dark-photon file to PNG."""
    out = out or events_file.with_suffix(".png")
    if not events_file.is_file():
        fail(f"{events_file}: file does not exist")
    check_plot(out, "--out")
    from nuportal import io
    from nuportal.plotting import plot_dark_photons, plot_events, plot_shower

    try:
        table = io.read_events(events_file, required=())
        kind = table.attrs["metadata"].get("kind")
        if kind == "shower":
            plot_shower(table.attrs["metadata"], out)
        elif kind == "dark_flux":
            plot_dark_photons(table, out)
        else:
            try:
                io.validate_events(table)
            except io.EventFileError as exc:
                raise io.EventFileError(f"{str(events_file)!r}: {exc}") from None
            plot_events(table, out)
    except (ValueError, OSError) as exc:
        fail(str(exc))
    typer.echo(f"wrote {out}")
