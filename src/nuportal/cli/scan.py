"""``nuportal scan``: run a job over a grid of parameters, in parallel and resumably.

A thin layer over :func:`nuportal.scan.scan`; registered on the main app by
:mod:`nuportal.cli.app`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from nuportal.cli._util import check_plot, fail
from nuportal.cli.options import PlotOption, SchedulerOption, WorkersOption

__all__ = ["scan_command"]


def scan_command(
    job: Annotated[
        str,
        typer.Argument(
            help="Registered job (generate, recast-microboone-kdar) or an importable "
            "module:function returning a mapping, a list of mappings or a DataFrame."
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            help="Output directory: one parquet file per finished point; an existing scan there is resumed."
        ),
    ],
    grid: Annotated[
        list[str] | None,
        typer.Option(
            "--grid",
            help="Scanned parameter: NAME=START:STOP:N, NAME=START:STOP:N:log or NAME=A,B,C; repeat for a Cartesian product.",
        ),
    ] = None,
    points: Annotated[
        Path | None,
        typer.Option(
            help="CSV or parquet table of points (one column per parameter) instead of --grid."
        ),
    ] = None,
    settings: Annotated[
        list[str] | None,
        typer.Option("--set", help="Fixed keyword argument NAME=VALUE; repeatable."),
    ] = None,
    seed: Annotated[
        int, typer.Option(help="Scan seed; each point is seeded from it and its parameters.")
    ] = 1,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    retry_failed: Annotated[
        bool,
        typer.Option("--retry-failed", help="Run again the points that failed in an earlier run."),
    ] = False,
    plot: PlotOption = None,
) -> None:
    """Run a job over a grid of parameters, in parallel and resumably.

    Example: nuportal scan recast-microboone-kdar --grid mass=0.01:0.38:50:log --set n_events=5000 --out kdar-scan
    """
    check_plot(plot)
    import signal
    import threading

    from nuportal import scan as scan_api

    try:
        axes: dict[str, list] = {}
        for spec in grid or []:
            name, values = scan_api.parse_grid(spec)
            if name in axes:
                raise ValueError(f"--grid {name} is given twice")
            axes[name] = values
        fixed: dict[str, object] = {}
        for spec in settings or []:
            name, value = scan_api.parse_setting(spec)
            if name in fixed:
                raise ValueError(f"--set {name} is given twice")
            fixed[name] = value
        point_list = None
        if points is not None:
            if axes:
                raise ValueError("give --grid or --points, not both")
            point_list = _read_points(points)
    except ValueError as exc:
        fail(str(exc))

    received: list[int] = []

    def _interrupt(signum, frame):  # SIGTERM: stop like Ctrl-C (workers stopped, points kept)
        received.append(signum)
        raise KeyboardInterrupt

    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if in_main else None
    try:
        result = scan_api.scan(
            job,
            grid=axes or None,
            points=point_list,
            fixed=fixed,
            out=out,
            seed=seed,
            workers=workers,
            scheduler=scheduler,
            retry_failed=retry_failed,
        )
    except ValueError as exc:
        fail(str(exc))
    except scan_api.ScanAborted as exc:
        typer.echo(f"nuportal: error: {exc}", err=True)
        raise typer.Exit(code=1) from None
    except KeyboardInterrupt:
        typer.echo(
            f"nuportal: interrupted; finished points are kept in {out}: run the same command "
            "again to resume",
            err=True,
        )
        # Every finished point is on disk (written atomically) and the workers are stopped.
        # During interpreter shutdown the stopped pool's feeder thread may still print a
        # traceback about its closed pipe: the message above is the last word on stderr.
        sys.stderr.flush()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stderr.fileno())
        raise typer.Exit(code=143 if received else 130) from None
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)
    typer.echo(result.summary)
    if plot is not None and result.n_failed < result.n_points:
        from nuportal.plotting import plot_scan

        try:
            plot_scan(out, plot)
        except ValueError as exc:
            fail(f"--plot: {exc}")
        typer.echo(f"wrote {plot}")
    if result.n_failed:
        example = ""
        if result.errors:
            params, error = result.errors[0]
            example = f"; first: {params}: {error}"
        typer.echo(
            f"nuportal: {result.n_failed} of {result.n_points} points failed (errors in the "
            f"'error' column; --retry-failed runs them again){example}",
            err=True,
        )
        raise typer.Exit(code=1)


def _read_points(path: Path) -> list[dict]:
    import pandas as pd

    try:
        table = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read points from {path}: {exc}") from None
    if table.empty:
        raise ValueError(f"{path} holds no points")
    return table.to_dict("records")
