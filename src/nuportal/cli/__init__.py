"""The ``nuportal`` command: one module per command group, each a thin layer over the public API.

:mod:`nuportal.cli.app` holds the top-level Typer application and the entry point :func:`main`;
command groups live in sibling modules and are registered there.
"""

from nuportal.cli import _interrupt

if _interrupt.is_program_entry():  # Ctrl-C while the command starts: one line, exit 130
    _interrupt.install()

try:
    from nuportal.cli.app import app, main
except KeyboardInterrupt:  # SIGINT handled by Python (nuportal.cli imported by a program)
    import sys

    sys.stderr.write("nuportal: interrupted\n")
    raise SystemExit(130) from None

__all__ = ["app", "main"]
