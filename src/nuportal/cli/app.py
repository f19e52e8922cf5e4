"""The ``nuportal`` command: the Typer application, its command groups and the entry point.

Each command group lives in its own module of :mod:`nuportal.cli` (a thin layer over the public
API) and is registered below with one line. Command modules import only typer and the shared
option types at top level; heavy modules (numpy, pandas, particle, matplotlib) are imported
inside the command functions, so ``nuportal --help`` and ``nuportal --version`` answer at once.
Bad input ends with a one-line message on standard error and exit status 2, never a traceback.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from nuportal.cli import detectors as cli_detectors
from nuportal.cli import generate as cli_generate
from nuportal.cli import oscillation as cli_oscillation
from nuportal.cli import plot as cli_plot
from nuportal.cli import recast as cli_recast
from nuportal.cli import scan as cli_scan
from nuportal.cli import shower as cli_shower
from nuportal.cli import target as cli_target
from nuportal.cli import upscatter as cli_upscatter

__all__ = ["app", "main"]

app = typer.Typer(
    name="nuportal",
    help="New-physics phenomenology at accelerator neutrino facilities.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from nuportal import __version__

        typer.echo(f"nuportal {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """New-physics phenomenology at accelerator neutrino facilities."""


# ---------------------------------------------------------------- command groups (one line each)
app.command("generate")(cli_generate.generate)
app.command("plot")(cli_plot.plot)
app.command("detectors")(cli_detectors.detectors)
app.add_typer(cli_recast.app, name="recast")
app.command("scan")(cli_scan.scan_command)
app.add_typer(cli_oscillation.app, name="oscillation")
app.command("shower")(cli_shower.shower)
app.command("dark-flux")(cli_shower.dark_flux)
app.command("upscatter")(cli_upscatter.upscatter)
app.add_typer(cli_target.target_app, name="target")


def main() -> None:
    """Entry point of the ``nuportal`` console script.

    Usage errors (unknown option, invalid choice) are reported like every other error: one line
    on standard error and exit status 2.
    """
    # typer vendors click; its UsageError (unknown option, invalid choice, no arguments) is the
    # base class of the public typer.BadParameter
    usage_error = typer.BadParameter.__mro__[1]
    try:
        code = app(standalone_mode=False)
    except usage_error as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `nuportal`: the help text
            typer.echo(exc.format_message())
            sys.exit(0)
        hint = f" (see: {exc.ctx.command_path} --help)" if exc.ctx is not None else ""
        typer.echo(f"nuportal: error: {exc.format_message()}{hint}", err=True)
        sys.exit(2)
    except typer.Abort:
        typer.echo("nuportal: aborted", err=True)
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
