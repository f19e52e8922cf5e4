"""Helpers shared by the command-line modules: one-line errors and writable-output checks."""

from __future__ import annotations

from pathlib import Path

import typer

__all__ = ["check_writable", "fail"]


def fail(message: str) -> None:
    typer.echo(f"nuportal: error: {message}", err=True)
    raise typer.Exit(code=2)


def check_writable(path: Path | None) -> None:
    if path is None:
        return
    parent = path.expanduser().resolve().parent
    if not parent.is_dir():
        fail(f"cannot write {path}: directory {parent} does not exist")
    existed = path.exists()
    try:
        with open(path, "ab"):
            pass
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror}")
    if not existed:  # only a probe: leave nothing behind if the command fails later
        path.unlink(missing_ok=True)
