"""The ``nuportal`` command: one module per command group, each a thin layer over the public API.

:mod:`nuportal.cli.app` holds the top-level Typer application and the entry point :func:`main`;
command groups live in sibling modules and are registered there.
"""

from nuportal.cli.app import app, main

__all__ = ["app", "main"]
