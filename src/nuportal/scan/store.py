"""Where scan results go: a directory of parquet files, one per finished point.

Layout of an output directory::

    scan.json                      the scan's job, fixed parameters and seed (checked on resume)
    <point_id>.ok.parquet          rows of a point that finished
    <point_id>.error.parquet       one row of a point whose job raised (column ``error``)

Each file is written to a hidden temporary name, flushed to disk and renamed (atomic on POSIX
and Windows), so a file either is complete or does not exist: an interrupted scan (Ctrl-C,
SIGTERM, a killed worker, a crashed machine) never leaves a half-written point. Resuming only
lists the file names.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import uuid
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["META_COLUMNS", "MemoryStore", "ScanStore", "read_scan"]

#: Columns every row carries besides the point's parameters and the job's results.
META_COLUMNS = ("point_id", "status", "error", "seed", "seconds", "row")
MANIFEST = "scan.json"
_FILE = re.compile(r"^([0-9a-f]{16})\.(ok|error)\.parquet$")
_TMP = re.compile(r"^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$")


def point_table(
    params: Mapping[str, object],
    pid: str,
    status: str,
    error: str,
    seed: int | None,
    seconds: float,
    rows: list[dict],
) -> pa.Table:
    """The rows of one point as an arrow table: parameters, meta columns, results.

    A result column whose name clashes with a parameter or meta column is stored as
    ``result_<name>``. A point with no result rows (or an error) is one row without results.
    """
    n = max(len(rows), 1)
    cols: dict[str, object] = {name: [value] * n for name, value in params.items()}
    cols.update(
        point_id=[pid] * n, status=[status] * n, error=[error] * n,
        seed=pa.array([seed] * n, pa.int64()), seconds=[float(seconds)] * n,
        row=pa.array(range(n), pa.int64()),
    )  # fmt: skip
    if rows:
        results = pd.DataFrame(rows)
        for name in results.columns:
            key = f"result_{name}" if name in cols else str(name)
            cols[key] = results[name].to_numpy()
    return pa.table(cols)


def _frame(tables: list[pa.Table]) -> pd.DataFrame:
    """All rows, sorted by the parameters (the columns before ``point_id``) and ``row``."""
    if not tables:
        return pd.DataFrame({c: [] for c in META_COLUMNS})
    table = pa.concat_tables(tables, promote_options="permissive")
    frame = table.to_pandas()
    params = list(frame.columns[: list(frame.columns).index("point_id")])
    try:
        frame = frame.sort_values([*params, "row"], kind="stable")
    except TypeError:  # a parameter mixing types that do not compare
        frame = frame.sort_values(["point_id", "row"], kind="stable")
    return frame.reset_index(drop=True)


class MemoryStore:
    """Results kept in memory (a scan without an output directory)."""

    def __init__(self) -> None:
        self._tables: dict[str, tuple[str, pa.Table]] = {}

    def finished(self) -> dict[str, str]:
        return {pid: status for pid, (status, _) in self._tables.items()}

    def write(self, pid: str, status: str, table: pa.Table) -> None:
        self._tables[pid] = (status, table)

    def read(self) -> pd.DataFrame:
        return _frame([t for _, t in self._tables.values()])

    def __str__(self) -> str:
        return "memory"


class ScanStore:
    """A scan's output directory (see the module docstring).

    Parameters
    ----------
    path : path-like
        The directory; created if missing.
    manifest : dict
        JSON-serializable description of the scan (job, fixed parameters, seed). An existing
        directory must hold the same one, else ValueError: results of different settings are
        never mixed.
    """

    def __init__(self, path: str | os.PathLike, manifest: Mapping[str, object]) -> None:
        self.path = Path(path)
        if self.path.exists() and not self.path.is_dir():
            raise ValueError(f"scan output {self.path} exists and is not a directory")
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ValueError(f"cannot create scan output {self.path}: {exc.strerror}") from None
        manifest = json.loads(json.dumps(manifest))
        file = self.path / MANIFEST
        if file.exists():
            old = read_manifest(self.path)
            keys = ("job", "fixed", "seed")
            if any(old.get(k) != manifest.get(k) for k in keys):
                was = ", ".join(f"{k}={old.get(k)!r}" for k in keys)
                now = ", ".join(f"{k}={manifest.get(k)!r}" for k in keys)
                raise ValueError(
                    f"{self.path} holds a scan with {was}; this scan has {now}: give another "
                    "output directory, or the same settings to resume"
                )
        else:
            if any(_FILE.match(p.name) for p in self.path.iterdir()):
                raise ValueError(f"{self.path} holds scan results but no {MANIFEST}")
            self._atomic_write(file, json.dumps(manifest, indent=1).encode())
        self._remove_stale_temporaries()

    def finished(self) -> dict[str, str]:
        """``{point_id: "ok" | "error"}`` of the points with a file (``ok`` wins)."""
        done: dict[str, str] = {}
        for entry in os.scandir(self.path):
            m = _FILE.match(entry.name)
            if m and done.get(m[1]) != "ok":
                done[m[1]] = m[2]
        return done

    def write(self, pid: str, status: str, table: pa.Table) -> None:
        """Store one point atomically; a successful retry replaces the point's error file."""
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink)
        self._atomic_write(self.path / f"{pid}.{status}.parquet", sink.getvalue().to_pybytes())
        if status == "ok":
            (self.path / f"{pid}.error.parquet").unlink(missing_ok=True)

    def read(self) -> pd.DataFrame:
        return read_scan(self.path)

    def __str__(self) -> str:
        return str(self.path)

    def _atomic_write(self, final: Path, data: bytes) -> None:
        tmp = final.with_name(f".{final.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, final)
        finally:
            tmp.unlink(missing_ok=True)
        _fsync_dir(self.path)

    def _remove_stale_temporaries(self) -> None:
        """Temporary files of scans that died while writing (their process is gone)."""
        for entry in os.scandir(self.path):
            m = _TMP.match(entry.name)
            if m and not _alive(int(m[1])):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _fsync_dir(path: Path) -> None:
    """Make a rename durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_manifest(path: str | os.PathLike) -> dict:
    """The ``scan.json`` of a scan directory."""
    file = Path(path) / MANIFEST
    try:
        return json.loads(file.read_text())
    except FileNotFoundError:
        raise ValueError(f"{path} is not a scan directory (no {MANIFEST})") from None
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read {file}: {exc}") from None


def read_scan(path: str | os.PathLike) -> pd.DataFrame:
    """All points of a scan directory as one DataFrame.

    Parameters
    ----------
    path : path-like
        Output directory of :func:`nuportal.scan.scan`.

    Returns
    -------
    pandas.DataFrame
        One row per result row of each point (one row for a failed point), sorted by the
        parameters: the scanned parameters, ``point_id``, ``status`` (``"ok"`` or ``"error"``),
        ``error`` (the exception, ``""`` if ok), ``seed`` (the seed the job received),
        ``seconds`` (run time of the point), ``row`` (index of the row within its point) and
        the job's result columns (missing for failed points). ``attrs["scan"]`` holds the
        manifest (job, fixed parameters, seed).
    """
    manifest = read_manifest(path)
    done: dict[str, str] = {}
    for entry in os.scandir(path):
        m = _FILE.match(entry.name)
        if m and done.get(m[1]) != "ok":
            done[m[1]] = m[2]
    tables = [pq.read_table(Path(path) / f"{pid}.{status}.parquet") for pid, status in done.items()]
    frame = _frame(tables)
    frame.attrs["scan"] = manifest
    return frame
