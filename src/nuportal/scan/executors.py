"""Executors a scan (or any ``executor=`` argument of nuportal) runs on.

* ``workers=1``: in this process, one point after the other (no pool);
* ``workers=N``: a :class:`concurrent.futures.ProcessPoolExecutor` of N processes started with
  ``spawn`` (no fork of a process that may hold threads; the same on Linux, macOS, Windows);
  ``workers=None``: as many as the cores this process may use;
* ``scheduler="tcp://host:8786"`` or a ``dask.distributed.Client``: the cluster's workers,
  through ``Client.get_executor()``. dask is imported only then (``pip install nuportal[dask]``).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import re
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any

__all__ = ["InlineExecutor", "available_cores", "make_executor"]

#: Seconds to wait for a dask scheduler before giving up.
CONNECT_TIMEOUT = 10.0


class InlineExecutor(Executor):
    """Runs each call in the calling thread when it is submitted (``workers=1``)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        future.set_running_or_notify_cancel()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:
            future.set_exception(exc)
        return future


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity where the OS reports it)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _worker_init() -> None:
    """Pool workers: leave Ctrl-C to the parent (it stops them), and exit if the parent dies
    (SIGKILL, crash) instead of waiting for work forever."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:

        def watch() -> None:
            multiprocessing.connection.wait([parent.sentinel])
            os._exit(1)

        threading.Thread(target=watch, daemon=True, name="nuportal-parent-watch").start()


def _check_workers(workers: object) -> int:
    if workers is None:
        return available_cores()
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive integer, got {workers!r}")
    return workers


def _stop_now(executor: Executor) -> None:
    """Cancel what has not started and stop the workers without waiting for running calls."""
    if isinstance(executor, ProcessPoolExecutor):
        processes = list((getattr(executor, "_processes", None) or {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
        for p in processes:
            with contextlib.suppress(Exception):
                p.terminate()
        for p in processes:
            with contextlib.suppress(Exception):
                p.join(timeout=5)
    else:
        with contextlib.suppress(Exception):
            executor.shutdown(wait=False)


@contextlib.contextmanager
def make_executor(
    workers: int | None = None,
    scheduler: object = None,
    timeout: float = CONNECT_TIMEOUT,
) -> Iterator[tuple[Executor, int]]:
    """An executor and its number of parallel slots, shut down on exit.

    Parameters
    ----------
    workers : int, optional
        Local worker processes (default: all available cores; 1: run in this process).
    scheduler : str or dask.distributed.Client, optional
        Address of a dask scheduler (``tcp://host:8786``) or a client: run on that cluster.
        A client given by the caller is left open; one opened from an address is closed.
    timeout : float
        Seconds to wait for the scheduler [s].

    Yields
    ------
    (Executor, int)
        The executor and how many calls to keep submitted to keep it busy: twice the local
        workers; eight times the dask worker threads (at least 32), to hide the round trip
        through the scheduler.

    Raises
    ------
    ValueError
        ``workers`` not a positive integer, both ``workers`` and ``scheduler`` given, dask not
        installed, a malformed or unreachable scheduler address.

    Notes
    -----
    On an exception (Ctrl-C included) the local pool is stopped at once, running calls
    included; on a normal exit it waits for the calls it still runs.
    """
    if scheduler is not None:
        if workers is not None:
            raise ValueError("give workers (local processes) or a dask scheduler, not both")
        with _dask_executor(scheduler, timeout) as pair:
            yield pair
        return
    n = _check_workers(workers)
    executor: Executor
    if n == 1:
        executor = InlineExecutor()
    else:
        executor = ProcessPoolExecutor(
            max_workers=n, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_init
        )
    try:
        yield executor, 2 * n
    except BaseException:
        _stop_now(executor)
        raise
    executor.shutdown(wait=True)


_ADDRESS = re.compile(r"^(?:(tcp|tls)://)?(\[[^\]]+\]|[^:/\[\]]+):(\d{1,5})/?$")


def check_target(
    workers: object = None, scheduler: object = None, timeout: float = CONNECT_TIMEOUT
) -> None:
    """Raise the ValueError :func:`make_executor` would, before anything is started or written:
    bad ``workers``, both given, a malformed or unreachable scheduler address."""
    if scheduler is None:
        _check_workers(workers)
        return
    if workers is not None:
        raise ValueError("give workers (local processes) or a dask scheduler, not both")
    if isinstance(scheduler, str):
        _preflight(scheduler, timeout)


def _preflight(address: str, timeout: float) -> None:
    """Fail fast and clearly on a malformed or closed tcp/tls address (dask itself retries
    until its timeout and leaves a half-built client behind)."""
    m = _ADDRESS.match(address.strip())
    if m is None:
        if "://" in address and not address.startswith(("tcp://", "tls://")):
            return  # another dask transport (ws, ucx, inproc): let dask judge it
        raise ValueError(f"malformed dask scheduler address {address!r}: expected tcp://HOST:PORT")
    host, port = m[2].strip("[]"), int(m[3])
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ValueError(
            f"cannot reach the dask scheduler at {address}: {reason} (is the scheduler "
            "running, and is the address right?)"
        ) from None


@contextlib.contextmanager
def _dask_executor(scheduler: object, timeout: float) -> Iterator[tuple[Executor, int]]:
    try:
        from distributed import Client
    except ImportError:
        raise ValueError(
            "running on a dask scheduler needs dask.distributed: pip install 'nuportal[dask]'"
        ) from None
    own = not isinstance(scheduler, Client)
    if own:
        if not isinstance(scheduler, str):
            raise ValueError(
                f"scheduler must be an address such as 'tcp://host:8786' or a "
                f"dask.distributed.Client, got {scheduler!r}"
            )
        _preflight(scheduler, timeout)
        try:
            client = Client(scheduler, timeout=timeout, set_as_default=False)
        except Exception as exc:
            raise ValueError(
                f"cannot connect to the dask scheduler at {scheduler}: {exc}"
            ) from None
    else:
        client = scheduler
    try:
        executor = client.get_executor(pure=False)
        threads = sum(client.nthreads().values())
        try:
            yield executor, max(8 * threads, 32)
        except BaseException:
            _stop_now(executor)
            raise
        executor.shutdown(wait=True)
    finally:
        if own:
            client.close()
