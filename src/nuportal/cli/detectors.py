"""``nuportal detectors``: the detector catalog (or one detector, or an experiment file).

Registered on the main app by :mod:`nuportal.cli.app`.
"""

from __future__ import annotations

from typing import Annotated

import typer

__all__ = ["detectors"]


def detectors(
    name: Annotated[
        str | None,
        typer.Argument(
            help="A detector (see the list) or an experiment file (.toml): its details and "
            "citations. Without it: one line per detector of the catalog."
        ),
    ] = None,
) -> None:
    """List the detectors: geometry, target material, baselines and the beams each sees."""
    from nuportal.cli._util import fail
    from nuportal.detectors import list_detectors
    from nuportal.detectors.describe import detector_details, detector_line

    if name is None:
        for key in list_detectors():
            typer.echo(detector_line(key))
        return
    try:
        lines = detector_details(name)
    except ValueError as exc:
        fail(str(exc))
    for line in lines:
        typer.echo(line)
