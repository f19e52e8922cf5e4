"""The ``nuportal`` command: the Typer application, its command groups and the entry point.

Each command group lives in its own module of :mod:`nuportal.cli` (a thin layer over the public
API) and is registered below with one line. Command modules import only typer and the shared
option types at top level; heavy modules (numpy, pandas, particle, matplotlib) are imported
inside the command functions, so ``nuportal --help`` and ``nuportal --version`` answer at once.
Bad input ends with a one-line message on standard error and exit status 2, never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any, NoReturn

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
    # plain help text: rich markup would swallow bracketed text such as units "[eV^2]"
    rich_markup_mode=None,
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


def _case_insensitive_choices(command: Any) -> None:
    """Every choice of every command accepts any capitalization (``MicroBooNE``, ``KDAR``)."""
    for param in getattr(command, "params", ()):
        # typer >= 0.20 keeps the setting on the option's declaration, click on its type
        info = getattr(getattr(param, "type_descriptor", None), "parameter_info", None)
        if hasattr(info, "case_sensitive"):
            info.case_sensitive = False
        if hasattr(getattr(param, "type", None), "case_sensitive"):
            param.type.case_sensitive = False
    for sub in getattr(command, "commands", {}).values():
        _case_insensitive_choices(sub)


def command() -> Any:
    """The click command behind :data:`app`, as :func:`main` runs it (choices case-insensitive)."""
    cmd = typer.main.get_command(app)
    _case_insensitive_choices(cmd)
    return cmd


def _interrupted() -> NoReturn:
    typer.echo("nuportal: interrupted", err=True)
    sys.exit(130)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``nuportal`` console script.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments after the program name (default: ``sys.argv[1:]``).

    Every error ends in one line on standard error: usage errors (unknown option, invalid
    choice) and bad values with exit status 2, Ctrl-C with 130, an unexpected internal error with
    1 (set ``NUPORTAL_DEBUG=1`` for its traceback).
    """
    # typer vendors click; its UsageError (unknown option, invalid choice, no arguments) is the
    # base class of the public typer.BadParameter
    usage_error = typer.BadParameter.__mro__[1]
    try:
        code = command().main(
            args=list(sys.argv[1:] if argv is None else argv),
            prog_name="nuportal",
            standalone_mode=False,
        )
    except usage_error as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `nuportal`: the help text
            typer.echo(exc.format_message())
            sys.exit(0)
        hint = f" (see: {exc.ctx.command_path} --help)" if exc.ctx is not None else ""
        message = " ".join(exc.format_message().split())
        typer.echo(f"nuportal: error: {message}{hint}", err=True)
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        _interrupted()
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # a bug, not bad input: still one line unless debugging
        if os.environ.get("NUPORTAL_DEBUG"):
            raise
        text = " ".join(str(exc).split()) or type(exc).__name__
        typer.echo(
            f"nuportal: internal error: {type(exc).__name__}: {text} (please report it; "
            "NUPORTAL_DEBUG=1 shows the traceback)",
            err=True,
        )
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
