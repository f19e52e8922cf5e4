"""Helpers shared by the command-line modules: validation before any work, one-line errors,
output files checked up front and written atomically.

Every command validates each option with these helpers BEFORE it computes anything, so a bad
value fails at once with one line that names the option as the user typed it and the allowed
range in the user's units, and no file is written.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "EVENT_SUFFIXES",
    "PLOT_SUFFIXES",
    "TABLE_SUFFIXES",
    "check_executor",
    "check_number",
    "check_out",
    "check_plot",
    "check_writable",
    "clean_message",
    "fail",
    "parse_list",
    "show_progress",
    "write_table",
]

#: Suffixes of the files nuportal writes, by kind.
TABLE_SUFFIXES = (".parquet", ".csv")
EVENT_SUFFIXES = (".parquet", ".csv", ".hepmc3")
PLOT_SUFFIXES = (".png", ".pdf", ".svg")

_NUMPY_SCALAR = re.compile(r"\bnp\.(?:float|int|uint|bool|str)_?\d*\((.*?)\)")
_ARRAY = re.compile(r"\barray\(\[*([^\[\]()]*?)\]*(?:,\s*dtype=[\w.]+)?\)")


def clean_message(text: str) -> str:
    """One line, without numpy reprs: ``np.float64(2.0)`` -> ``2.0``, ``array([[-1.]])`` -> ``-1.``."""
    text = _NUMPY_SCALAR.sub(r"\1", str(text))
    text = _ARRAY.sub(r"\1", text)
    return " ".join(text.split())


def fail(message: str) -> NoReturn:
    """Print ``nuportal: error: <message>`` (one line) on standard error and exit with status 2."""
    typer.echo(f"nuportal: error: {clean_message(message)}", err=True)
    raise typer.Exit(code=2)


def _fmt(value: float) -> str:
    return f"{value:g}"


def check_number(
    option: str,
    value: float | None,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    unit: str = "",
) -> None:
    """Fail unless ``value`` is finite and within [low, high] (``*_open``: the bound excluded).

    ``None`` (an option not given) passes. The message names ``option`` as typed on the command
    line and the allowed range in ``unit``, the unit of the option.
    """
    if value is None:
        return
    lo_ok = low is None or (value > low if low_open else value >= low)
    hi_ok = high is None or (value < high if high_open else value <= high)
    if math.isfinite(value) and lo_ok and hi_ok:
        return
    u = f" {unit}" if unit else ""
    if low is not None and high is not None:
        allowed = (
            f"in {'(' if low_open else '['}{_fmt(low)}, {_fmt(high)}{')' if high_open else ']'}{u}"
        )
    elif low is not None:
        allowed = f"{'>' if low_open else '>='} {_fmt(low)}{u}"
    elif high is not None:
        allowed = f"{'<' if high_open else '<='} {_fmt(high)}{u}"
    else:
        allowed = "finite"
    fail(f"{option} must be a finite number {allowed}, got {_fmt(value)}")


def parse_list(option: str, text: str | None, allowed: Iterable[str]) -> list[str] | None:
    """Split a comma-separated choice list; fail on an empty list or an unknown entry."""
    if text is None:
        return None
    choices = list(allowed)
    items = [p.strip().lower() for p in text.split(",") if p.strip()]
    if not items:
        fail(f"{option} must list at least one of {', '.join(choices)}, got {text!r}")
    unknown = [p for p in items if p not in choices]
    if unknown:
        fail(f"{option}: unknown {unknown[0]!r}; choose from {', '.join(choices)}")
    return list(dict.fromkeys(items))


def check_writable(path: Path | None, option: str = "--out") -> None:
    """Fail unless ``path`` can be created or replaced (probed, nothing left behind)."""
    if path is None:
        return
    target = path.expanduser()
    parent = target.resolve().parent
    if target.is_dir():
        fail(f"{option} {path}: is a directory, give a file name")
    if not parent.is_dir():
        fail(f"{option} {path}: directory {parent} does not exist")
    existed = target.exists()
    try:
        with open(target, "ab"):
            pass
    except OSError as exc:
        fail(f"{option} {path}: cannot write ({exc.strerror})")
    if not existed:  # only a probe: leave nothing behind if the command fails later
        target.unlink(missing_ok=True)


def check_out(path: Path, suffixes: Iterable[str], option: str = "--out") -> str:
    """Fail unless ``path`` has one of ``suffixes`` and can be written; return the suffix."""
    allowed = tuple(suffixes)
    suffix = path.suffix.lower()
    if suffix not in allowed:
        fail(
            f"{option} {path}: unsupported suffix {path.suffix or '(none)'!r}; "
            f"this command writes {', '.join(allowed)}"
        )
    if suffix == ".hepmc3":
        try:
            import pyhepmc  # noqa: F401
        except ImportError:
            fail(f"{option} {path}: HepMC3 files need pyhepmc (pip install 'nuportal[hepmc]')")
    check_writable(path, option)
    return suffix


def check_plot(path: Path | None, option: str = "--plot") -> None:
    """Fail unless the figure file has a supported suffix and can be written."""
    if path is not None:
        check_out(path, PLOT_SUFFIXES, option)


def check_executor(workers: int | None, scheduler: str | None) -> None:
    """Fail on --workers/--scheduler that the executor would reject (both given, a malformed or
    unreachable scheduler address) before any work starts."""
    if workers is None and scheduler is None:
        return
    from nuportal.scan.executors import check_target

    try:
        check_target(workers, scheduler)
    except ValueError as exc:
        fail(f"{'--scheduler' if scheduler is not None else '--workers'}: {exc}")


def write_table(table: pd.DataFrame, path: Path, float_format: str = "%.8g") -> None:
    """Write a result table as its suffix says (.csv or .parquet), atomically."""
    from nuportal._files import atomic_output

    with atomic_output(path) as tmp:
        if path.suffix.lower() == ".parquet":
            table.to_parquet(tmp)
        else:
            table.to_csv(tmp, index=False, float_format=float_format)


def show_progress() -> bool:
    """Progress bars on a terminal only (quiet in pipes, files and batch jobs)."""
    return sys.stderr.isatty()
