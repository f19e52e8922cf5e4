"""The ``nuportal`` command: the Typer application, its command groups and the entry point.

Each command group lives in its own module of :mod:`nuportal.cli` (a thin layer over the public
API) and is registered below with one line. Command modules import only typer and the shared
option types at top level; heavy modules (numpy, pandas, particle, matplotlib) are imported
inside the command functions, so ``nuportal --help`` and ``nuportal --version`` answer at once.
Bad input ends with a one-line message on standard error and exit status 2, never a traceback.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence
from typing import Annotated

import typer

from nuportal.cli import detectors as cli_detectors
from nuportal.cli import generate as cli_generate
from nuportal.cli import interactions as cli_interactions
from nuportal.cli import ldm as cli_ldm
from nuportal.cli import neutrinophilic as cli_neutrinophilic
from nuportal.cli import oscillation as cli_oscillation
from nuportal.cli import plot as cli_plot
from nuportal.cli import recast as cli_recast
from nuportal.cli import scan as cli_scan
from nuportal.cli import shower as cli_shower
from nuportal.cli import target as cli_target
from nuportal.cli import upscatter as cli_upscatter
from nuportal.cli._interrupt import install as install_interrupt_handler
from nuportal.cli._runner import NuportalGroup

__all__ = ["app", "main"]

app = typer.Typer(
    name="nuportal",
    help="New-physics phenomenology at accelerator neutrino facilities.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # plain help text: rich markup would swallow bracketed text such as units "[eV^2]"
    rich_markup_mode=None,
    cls=NuportalGroup,
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
    import warnings

    from nuportal.validity import cli_formatwarning

    # documented limitations met at run time: one line "nuportal: warning: ..." on stderr
    warnings.formatwarning = cli_formatwarning


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
app.add_typer(cli_interactions.interactions_app, name="interactions")
app.add_typer(cli_neutrinophilic.nuphilic_app, name="nuphilic")
app.add_typer(cli_ldm.ldm_app, name="ldm")
from nuportal.cli.tune import tune as _tune  # noqa: E402  (tuning study)

app.command("tune")(_tune)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``nuportal`` console script.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments after the program name (default: ``sys.argv[1:]``).

    Every error ends in one line on standard error (:mod:`nuportal.cli._runner`): usage errors
    and bad values with exit status 2, Ctrl-C with 130, an unexpected internal error with 1.
    """
    previous = install_interrupt_handler()
    try:
        app(args=list(sys.argv[1:] if argv is None else argv), prog_name="nuportal")
    except KeyboardInterrupt:  # a handler of the user's own raised it before the command ran
        typer.echo("nuportal: interrupted", err=True)
        sys.exit(130)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


if __name__ == "__main__":  # pragma: no cover
    main()
