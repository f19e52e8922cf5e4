"""The scan loop: points -> executor -> store, with progress and resume."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, wait
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

import nuportal
from nuportal.scan.executors import CONNECT_TIMEOUT, check_target, make_executor
from nuportal.scan.grid import (
    _check_seed,
    check_points,
    grid_points,
    normalize_point,
    point_id,
    point_seed,
)
from nuportal.scan.jobs import Job, resolve_job
from nuportal.scan.store import META_COLUMNS, MemoryStore, ScanStore, point_table

__all__ = ["ScanAborted", "ScanResult", "scan"]


class ScanAborted(RuntimeError):
    """The scan stopped before its end (a worker process died); the finished points are kept
    and running the same scan again resumes it."""


@dataclass
class ScanResult:
    """What a scan did.

    Attributes
    ----------
    job : str
    out : str
        Output directory, or ``"memory"``.
    n_points : int
        Points in the scan.
    n_skipped : int
        Points already done before this run (resume).
    n_computed : int
        Points run now.
    n_failed : int
        Points whose job raised (now or in an earlier run, unless retried).
    seconds : float
        Wall time of this run [s].
    errors : list of (dict, str)
        The first few points that failed in this run, with their error.
    """

    job: str
    out: str
    n_points: int
    n_skipped: int
    n_computed: int
    n_failed: int
    seconds: float
    errors: list[tuple[dict, str]] = field(default_factory=list)
    _store: MemoryStore | ScanStore = field(default_factory=MemoryStore, repr=False)

    @property
    def points_per_second(self) -> float:
        return self.n_computed / self.seconds if self.seconds > 0 else float("nan")

    @property
    def summary(self) -> str:
        """One line: points, failures, wall time, points per second."""
        rate = f"{self.points_per_second:.3g} points/s" if self.n_computed else "nothing to run"
        return (
            f"scan {self.job}: {self.n_points} points ({self.n_computed} computed, "
            f"{self.n_skipped} already done), {self.n_failed} failed, "
            f"{self.seconds:.1f} s, {rate} -> {self.out}"
        )

    def frame(self) -> pd.DataFrame:
        """All points as a DataFrame (see :func:`nuportal.scan.read_scan` for the columns)."""
        return self._store.read()


def _rows(value: object) -> list[dict]:
    if isinstance(value, pd.DataFrame):
        return value.to_dict("records")
    if isinstance(value, Mapping):
        return [dict(value)]
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        if all(isinstance(v, Mapping) for v in value):
            return [dict(v) for v in value]
    raise TypeError(
        f"the job returned a {type(value).__name__}; a scan job must return a mapping, a "
        "sequence of mappings or a pandas DataFrame"
    )


def run_point(
    func: Callable[..., Any], params: Mapping[str, object], seed: int | None
) -> tuple[str, list[dict], str, float]:
    """Run a job at one point (in a worker): ``(status, rows, error, seconds)``.

    An exception of the job is returned, not raised, so it is recorded with its point.
    """
    t0 = time.perf_counter()
    kwargs = dict(params) if seed is None else {**params, "seed": seed}
    try:
        rows = _rows(func(**kwargs))
    except Exception as exc:
        return "error", [], f"{type(exc).__name__}: {exc}", time.perf_counter() - t0
    return "ok", rows, "", time.perf_counter() - t0


def scan(
    job: str | Job | Callable[..., Any],
    grid: Mapping[str, Iterable[object]] | None = None,
    points: Sequence[Mapping[str, object]] | None = None,
    *,
    fixed: Mapping[str, object] | None = None,
    out: str | os.PathLike | None = None,
    seed: int = 1,
    workers: int | None = None,
    scheduler: object = None,
    executor: Executor | None = None,
    retry_failed: bool = False,
    progress: bool | None = None,
    timeout: float = CONNECT_TIMEOUT,
) -> ScanResult:
    """Run a job over a grid or a list of points, in parallel, resumably.

    Parameters
    ----------
    job : str, Job or callable
        A registered job (``"generate"``, ``"recast-microboone-kdar"``; see
        :data:`nuportal.scan.JOBS`), an importable ``"module:function"``, or a module-level
        function. It is called with the point's parameters and ``fixed`` as keyword arguments,
        plus ``seed`` if it takes one, and returns a mapping (one row), a sequence of mappings
        or a DataFrame.
    grid : mapping of str to sequence, optional
        Values of each scanned parameter; the scan runs over their Cartesian product (first
        axis slowest), e.g. ``{"mass": np.linspace(0.01, 0.38, 50)}``.
    points : sequence of mappings, optional
        Explicit points instead of a grid.
    fixed : mapping, optional
        Keyword arguments common to all points.
    out : path-like, optional
        Output directory (parquet dataset, one file per finished point, see
        :mod:`nuportal.scan.store`). If it holds this scan already, finished points are
        skipped: the scan resumes. Without it, results stay in memory.
    seed : int
        Scan seed. Each point's seed is :func:`~nuportal.scan.grid.point_seed` (seed, its
        parameters), so results do not depend on the number of workers or the order in which
        points finish; a job with ``seeding="scan"`` receives ``seed`` itself.
    workers : int, optional
        Local worker processes (default: all cores; 1: in this process, no pool).
    scheduler : str or dask.distributed.Client, optional
        Run on a dask cluster instead (address ``"tcp://host:8786"`` or a client).
    executor : concurrent.futures.Executor, optional
        Any other executor (not shut down by the scan).
    retry_failed : bool
        Run points again that failed in an earlier run (default: keep their error).
    progress : bool, optional
        Progress bar on standard error; default: only if it is a terminal.
    timeout : float
        Seconds to wait for a dask scheduler [s].

    Returns
    -------
    ScanResult
        Counts, timing, :attr:`~ScanResult.summary` and :meth:`~ScanResult.frame`.

    Raises
    ------
    ValueError
        Unknown job or parameter, required parameter missing, malformed points, an output
        directory holding another scan, bad ``workers``, unreachable scheduler; all before any
        point runs.
    ScanAborted
        A worker process died (finished points are kept; run again to resume).
    KeyboardInterrupt
        Ctrl-C: the workers are stopped, finished points are kept.
    """
    t_start = time.perf_counter()
    the_job = resolve_job(job)
    seed = _check_seed(seed)
    fixed_params = normalize_point(fixed or {})
    if grid is not None and points is not None:
        raise ValueError("give a grid or a list of points, not both")
    if grid is not None:
        pts = check_points(grid_points(grid))
    elif points is not None:
        pts = check_points(points)
    else:
        pts = [{}]
    if not pts:
        raise ValueError("the scan has no points")
    scanned = set().union(*(p.keys() for p in pts))
    clash = sorted(scanned & set(fixed_params))
    if clash:
        raise ValueError(f"parameter {clash[0]!r} is both scanned and fixed")
    reserved = sorted(scanned & (set(META_COLUMNS) - {"seed"}))
    if reserved:
        raise ValueError(
            f"a scanned parameter cannot be called {reserved[0]!r}: the name of a column the scan "
            f"adds to every row ({', '.join(META_COLUMNS)})"
        )
    the_job.check(fixed_params, pts)
    if sum(x is not None for x in (executor, scheduler)) > 1:
        raise ValueError("give an executor or a dask scheduler, not both")
    if executor is not None and workers is not None:
        raise ValueError("give workers or an executor, not both")
    if executor is None:
        check_target(workers, scheduler, timeout)  # fail before creating the output directory

    manifest = {
        "job": the_job.name,
        "fixed": fixed_params,
        "seed": seed,
        "nuportal": nuportal.__version__,
    }
    store: MemoryStore | ScanStore = MemoryStore() if out is None else ScanStore(out, manifest)
    ids = [point_id(p) for p in pts]
    done = store.finished()
    todo = [
        (pid, p)
        for pid, p in zip(ids, pts, strict=True)
        if pid not in done or (retry_failed and done[pid] == "error")
    ]
    n_skipped = len(pts) - len(todo)
    failed_before = 0 if retry_failed else sum(done.get(pid) == "error" for pid in ids)
    progress = sys.stderr.isatty() if progress is None else progress
    errors: list[tuple[dict, str]] = []
    if todo:
        run = partial(_run, the_job, todo, fixed_params, seed, store, errors=errors,
                      progress=progress, n_total=len(pts), n_skipped=n_skipped)  # fmt: skip
        if executor is not None:
            run(executor, 2 * (getattr(executor, "_max_workers", None) or 4))
        else:
            with make_executor(workers, scheduler, timeout) as (ex, in_flight):
                run(ex, in_flight)
    return ScanResult(
        job=the_job.name,
        out=str(store),
        n_points=len(pts),
        n_skipped=n_skipped,
        n_computed=len(todo),
        n_failed=failed_before + len(errors),
        seconds=time.perf_counter() - t_start,
        errors=errors[:10],
        _store=store,
    )


def _run(
    job: Job,
    todo: list[tuple[str, dict]],
    fixed: dict,
    seed: int,
    store: MemoryStore | ScanStore,
    executor: Executor,
    in_flight: int,
    errors: list[tuple[dict, str]],
    progress: bool,
    n_total: int,
    n_skipped: int,
) -> None:
    """Submit the points (at most ``in_flight`` at a time), store each as it finishes;
    failures are appended to ``errors``."""
    shared = job.prepare(fixed, seed, executor.map) if job.prepare is not None else {}
    func = partial(job.func, **fixed, **shared) if (fixed or shared) else job.func
    window = max(in_flight, 2)
    pending: dict[Future, tuple[str, dict, int | None]] = {}
    queue = iter(todo)
    bar = tqdm(
        total=n_total, initial=n_skipped, disable=not progress, unit="point",
        desc=f"scan {job.name}", dynamic_ncols=True, smoothing=0.1,
    )  # fmt: skip
    broken: BaseException | None = None

    def store_point(future: Future) -> None:
        nonlocal broken
        pid, params, s = pending.pop(future)
        try:
            status, rows, error, seconds = future.result()
        except BrokenExecutor as exc:  # the pool is gone: the point did not run
            broken = exc
            return
        except Exception as exc:  # the point could not run (dask KilledWorker, ...)
            status, rows, error, seconds = "error", [], f"{type(exc).__name__}: {exc}", 0.0
        stored_seed = s if s is not None else point_seed(seed, params)
        try:
            table = point_table(params, pid, status, error, stored_seed, seconds, rows)
        except Exception as exc:
            status, rows = "error", []
            error = f"the result cannot be stored: {type(exc).__name__}: {exc}"
            table = point_table(params, pid, status, error, stored_seed, seconds, rows)
        store.write(pid, status, table)
        if status == "error":
            errors.append((params, error))
            bar.set_postfix(failed=len(errors), refresh=False)
        bar.update(1)

    try:
        while broken is None:
            while len(pending) < window:
                item = next(queue, None)
                if item is None:
                    break
                pid, params = item
                s = {"point": point_seed(seed, params), "scan": seed, "none": None}[job.seeding]
                try:
                    future = executor.submit(run_point, func, params, s)
                except BrokenExecutor as exc:
                    broken = exc
                    break
                pending[future] = (pid, params, s)
            if not pending:
                break
            finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for future in finished:
                store_point(future)
        if broken is not None:
            for future in [f for f in pending if f.done()]:  # keep what did finish
                store_point(future)
            kept = (
                f"the finished points are kept in {store}: run the same scan again to resume"
                if isinstance(store, ScanStore)
                else "without an output directory nothing is kept"
            )
            message = f"a worker process died ({type(broken).__name__}); {kept}"
            raise ScanAborted(message) from broken
    except BaseException:
        for future in pending:
            future.cancel()
        raise
    finally:
        bar.close()
