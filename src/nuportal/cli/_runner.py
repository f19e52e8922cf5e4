"""How the ``nuportal`` command runs: every error is one line on standard error.

:class:`NuportalGroup` is the click group behind the Typer app. Whether the command is run by the
console script, ``python -m nuportal.cli`` or typer's ``CliRunner`` in the tests, it

* accepts every choice in any capitalization (``MicroBooNE``, ``KDAR``);
* reports usage errors (unknown option, invalid choice, a value out of an option's range) as
  ``nuportal: error: ...`` on one line, exit status 2;
* turns Ctrl-C into ``nuportal: interrupted``, exit status 130;
* reports an unexpected exception (a bug) on one line, exit status 1, unless the environment
  variable ``NUPORTAL_DEBUG`` is set (then the traceback).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import Any, NoReturn

import typer
from typer.core import TyperGroup

from nuportal.cli._interrupt import command_starts

__all__ = ["NuportalGroup"]

# typer vendors click; its UsageError (unknown option, invalid choice, no arguments) is the base
# class of the public typer.BadParameter
_UsageError = typer.BadParameter.__mro__[1]


class _Interrupted(Exception):
    """Ctrl-C inside a command (click would print an empty line for a KeyboardInterrupt)."""


def _case_insensitive_choices(command: Any) -> None:
    for param in getattr(command, "params", ()):
        # typer >= 0.20 keeps the setting on the option's declaration, click on its type
        info = getattr(getattr(param, "type_descriptor", None), "parameter_info", None)
        if hasattr(info, "case_sensitive"):
            info.case_sensitive = False
        if hasattr(getattr(param, "type", None), "case_sensitive"):
            param.type.case_sensitive = False
    for sub in getattr(command, "commands", {}).values():
        _case_insensitive_choices(sub)


def _exit_interrupted() -> NoReturn:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C while leaving: ignored
    typer.echo("nuportal: interrupted", err=True)
    sys.exit(130)


class NuportalGroup(TyperGroup):
    """The root group of ``nuportal`` (see the module docstring)."""

    def invoke(self, ctx: Any) -> Any:
        command_starts()  # Ctrl-C raises KeyboardInterrupt again (see nuportal.cli._interrupt)
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise _Interrupted from None

    def main(  # type: ignore[override]
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        _case_insensitive_choices(self)
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except _UsageError as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # bare `nuportal`: the help text
                typer.echo(exc.format_message())
                sys.exit(0)
            hint = f" (see: {exc.ctx.command_path} --help)" if exc.ctx is not None else ""
            message = " ".join(exc.format_message().split())
            typer.echo(f"nuportal: error: {message}{hint}", err=True)
            sys.exit(2)
        except (_Interrupted, KeyboardInterrupt, typer.Abort):
            _exit_interrupted()
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
