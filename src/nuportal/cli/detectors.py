"""``nuportal detectors``: the detector catalog.

Registered on the main app by :mod:`nuportal.cli.app`.
"""

from __future__ import annotations

import typer

__all__ = ["detectors"]


def detectors() -> None:
    """List the detectors in the catalog."""
    from nuportal.detectors import get_detector, list_detectors

    for name in list_detectors():
        det = get_detector(name)
        mass = f"{det.active_mass:g} t" if det.active_mass is not None else "-"
        typer.echo(
            f"{name:12s} {det.target_material or '-':20s} active mass {mass:8s} "
            f"sources: {', '.join(det.sources)}"
        )
