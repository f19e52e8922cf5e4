"""Event files written in chunks: memory bounded at any number of events.

Large runs (``nuportal generate --n-events 1e8``) are produced and written chunk by chunk:
:class:`EventStreamWriter` appends each chunk to the output (a parquet row group, CSV rows, HepMC3
events) and keeps only running totals, so memory is that of one chunk whatever the total. The
file is written under a temporary name and renamed when complete (an interrupted run leaves
nothing under the final name). Metadata known only at the end (totals over all events) is
declared ``deferred``: parquet stores it in the file footer, CSV and HepMC3 reserve a fixed-width
slot in their header that is filled in place at the end.

The same files as :func:`nuportal.io.write_events` come out (read back with
:func:`nuportal.io.read_events`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nuportal import io
from nuportal._files import atomic_output

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "EventStreamWriter",
    "available_memory",
    "check_memory",
    "chunk_sizes",
    "concat_chunks",
]

#: Events per chunk of the streaming writers and generators (a few hundred MB at most).
DEFAULT_CHUNK_SIZE = 200_000

_SLOT = 48  # characters reserved for a deferred metadata value in CSV and HepMC3 headers


def available_memory() -> int | None:
    """Memory [bytes] the system can give without swapping (Linux MemAvailable), or None."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_memory(n_events: int, bytes_per_event: float, what: str, streaming_hint: str) -> None:
    """Fail up front if ``n_events`` in memory would not fit in the available memory.

    Parameters
    ----------
    n_events : int
        Events requested.
    bytes_per_event : float
        Peak memory per event of the in-memory result [bytes] (measured; see the callers).
    what : str
        The parameter, e.g. ``"n_events"``.
    streaming_hint : str
        How to stream instead (named in the message).

    Raises
    ------
    ValueError
        If the estimate exceeds the available memory.
    """
    need = float(n_events) * bytes_per_event
    have = available_memory()
    if have is not None and need > have:
        raise ValueError(
            f"{what} = {n_events:.3g} events need about {need / 1e9:.3g} GB in memory, more than "
            f"the {have / 1e9:.3g} GB available; {streaming_hint}"
        )


class EventStreamWriter:
    """Write event chunks to one parquet, CSV or HepMC3 file (format from the suffix).

    Use as a context manager; on an exception nothing is left under ``path``::

        with EventStreamWriter("events.parquet", metadata, deferred=("total",)) as out:
            for chunk in chunks:
                out.write(chunk)
            out.finish({"total": out.weight_sum})

    Parameters
    ----------
    path : str or path-like
        Output file: ``.parquet``/``.pq``, ``.csv`` or ``.hepmc``/``.hepmc3``.
    metadata : mapping, optional
        JSON-serializable metadata (as :func:`nuportal.io.write_events`).
    deferred : sequence of str
        Metadata keys whose values are given to :meth:`finish` (totals over all chunks).
    pdg_ids, parent_pdg, momenta, required
        As for :func:`nuportal.io.write_events` (HepMC3 through pyhepmc).
    hepmc3_renderer : callable, optional
        ``(chunk, first_number) -> bytes`` rendering a chunk as HepMC3 events (a vectorized
        writer for a fixed topology, :func:`nuportal.hepmc3.render_events`); with it the header
        is written by :func:`nuportal.hepmc3.header` with ``hepmc3_tool``.
    hepmc3_tool : tuple of str
        (name, version, description) for that header.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        metadata: Mapping[str, Any] | None = None,
        *,
        deferred: Sequence[str] = (),
        pdg_ids: Mapping[str, int] | None = None,
        parent_pdg: int = 0,
        momenta: str = "true",
        required: Sequence[str] = io.REQUIRED_COLUMNS,
        hepmc3_renderer: Callable[[pd.DataFrame, int], bytes | Iterable[bytes]] | None = None,
        hepmc3_tool: tuple[str, str, str] = ("nuportal", "", ""),
    ) -> None:
        self.path = Path(path)
        self.format = io._format(self.path)
        if momenta not in ("true", "reco"):
            raise ValueError(f"momenta must be 'true' or 'reco', got {momenta!r}")
        self.deferred = tuple(deferred)
        clash = [k for k in self.deferred if k in (metadata or {})]
        if clash:
            raise ValueError(f"deferred metadata keys {clash} are also given a value now")
        self._meta = io._encode_metadata(metadata)
        self._pdg = {**io.DEFAULT_PDG_IDS, **(pdg_ids or {})}
        self._parent_pdg = int(parent_pdg)
        self._momenta = momenta
        self._required = tuple(required)
        self._renderer = hepmc3_renderer
        self._tool = hepmc3_tool
        if self.format == "hepmc3" and hepmc3_renderer is None:
            io._import_pyhepmc()
        io._writable_target(self.path, True)
        self.n_events = 0
        self.n_chunks = 0
        self.weight_sum = 0.0
        self._ctx = None
        self._tmp: Path | None = None
        self._handle: Any = None
        self._finished = False

    # ------------------------------------------------------------ context
    def __enter__(self) -> EventStreamWriter:
        self._ctx = atomic_output(self.path)
        self._tmp = self._ctx.__enter__()
        self._previous_sigterm = _stop_on_sigterm()
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        _restore_sigterm(self._previous_sigterm)
        if exc_type is None and not self._finished:
            try:
                self.finish({})
            except BaseException as err:
                self._close_handle()
                self._ctx.__exit__(type(err), err, err.__traceback__)
                raise
        if exc_type is not None:
            self._close_handle()
        return bool(self._ctx.__exit__(exc_type, exc, tb))

    # ------------------------------------------------------------ writing
    def set_metadata(self, metadata: Mapping[str, Any] | None) -> None:
        """Replace the metadata (allowed before the first chunk is written)."""
        if self.n_chunks:
            raise RuntimeError("metadata must be set before the first chunk is written")
        clash = [k for k in self.deferred if k in (metadata or {})]
        if clash:
            raise ValueError(f"deferred metadata keys {clash} are also given a value now")
        self._meta = io._encode_metadata(metadata)

    def _slots(self) -> dict[str, str]:
        return {k: "null".ljust(_SLOT) for k in self.deferred}

    def write(self, chunk: pd.DataFrame) -> None:
        """Append one chunk of events (validated against the event convention)."""
        if self._tmp is None:
            raise RuntimeError("use EventStreamWriter as a context manager (with ...)")
        io.validate_events(chunk, self._required)
        df = chunk.reset_index(drop=True)
        if self.format == "parquet":
            self._write_parquet(df)
        elif self.format == "csv":
            self._write_csv(df)
        else:
            self._write_hepmc3(df)
        self.n_events += len(df)
        self.n_chunks += 1
        if "weight" in df:
            self.weight_sum += float(df["weight"].sum())

    def _write_parquet(self, df: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(df, preserve_index=False)
        if self._handle is None:
            meta = dict(table.schema.metadata or {})
            meta.update({(io._META_PREFIX + k).encode(): v.encode() for k, v in self._meta.items()})
            self._schema = table.schema.with_metadata(meta)
            self._handle = pq.ParquetWriter(self._tmp, self._schema)
        self._handle.write_table(table.cast(self._schema))  # one row group per chunk

    def _write_csv(self, df: pd.DataFrame) -> None:
        if self._handle is None:
            self._handle = open(self._tmp, "w", encoding="utf-8", newline="")
            self._handle.write(f"{io._CSV_MAGIC} (metadata: one JSON value per line)\n")
            for k, v in {**self._meta, **self._slots()}.items():
                self._handle.write(f"# {k}: {v}\n")
            df.to_csv(self._handle, index=False, float_format=None)
        else:
            df.to_csv(self._handle, index=False, header=False, float_format=None)

    def _write_hepmc3(self, df: pd.DataFrame) -> None:
        if self._renderer is not None:
            from nuportal import hepmc3

            if self._handle is None:
                self._handle = open(self._tmp, "wb")
                attrs = {io._META_PREFIX + k: v for k, v in {**self._meta, **self._slots()}.items()}
                self._handle.write(hepmc3.header(attrs, self._tool))
            blocks = self._renderer(df, self.n_events)
            for block in [blocks] if isinstance(blocks, bytes) else blocks:
                self._handle.write(block)
            return
        hep = io._import_pyhepmc()
        if self._handle is None:
            self._layout = io._hepmc3_names(df, self._pdg, self._momenta)
            meta = {**self._meta, **self._slots()}
            self._run = io._hepmc3_run(hep, meta, self._layout[0], self._pdg, self._momenta)
            self._handle = hep.io.WriterAscii(str(self._tmp), self._run)
        io._hepmc3_write_rows(
            hep, self._handle, self._run, df, self._layout, self._pdg, self._parent_pdg,
            self.n_events,
        )  # fmt: skip

    # ------------------------------------------------------------ finishing
    def finish(self, deferred_values: Mapping[str, Any] | None = None) -> Path:
        """Write the deferred metadata and close the file (renamed on leaving the ``with``).

        Parameters
        ----------
        deferred_values : mapping
            A value for every key declared ``deferred`` (missing ones are stored as null).
        """
        values = dict(deferred_values or {})
        unknown = sorted(set(values) - set(self.deferred))
        if unknown:
            raise ValueError(f"{unknown} were not declared deferred (declared: {self.deferred})")
        if self.n_events == 0:
            raise ValueError("no events were written (an empty event file is not written)")
        encoded = {k: json.dumps(values.get(k), default=io._json_default) for k in self.deferred}
        for k, v in encoded.items():
            if len(v) > _SLOT:
                raise ValueError(f"deferred metadata {k!r} is longer than {_SLOT} characters")
        if self.format == "parquet":
            self._handle.add_key_value_metadata(
                {io._META_PREFIX + k: v for k, v in encoded.items()}
            )
            self._close_handle()
        else:
            self._close_handle()
            if self.format == "hepmc3" and self._renderer is not None:
                with open(self._tmp, "ab") as fh:
                    from nuportal.hepmc3 import FOOTER

                    fh.write(FOOTER)
            self._fill_slots(encoded)
        self._finished = True
        return self.path

    def _close_handle(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def _fill_slots(self, encoded: Mapping[str, str]) -> None:
        """Overwrite the reserved header slots in place (same width, no copy of the file)."""
        if not encoded:
            return
        with open(self._tmp, "r+b") as fh:
            head = fh.read(1 << 20)  # the header is at the start (well under 1 MB)
            for key, value in encoded.items():
                if self.format == "csv":
                    marker = f"# {key}: ".encode()
                else:
                    marker = f"A {io._META_PREFIX}{key} ".encode()
                at = head.find(marker)
                if at < 0:
                    raise RuntimeError(f"no slot for deferred metadata {key!r} in the header")
                fh.seek(at + len(marker))
                fh.write(value.ljust(_SLOT).encode())


def _stop_on_sigterm():
    """While a file is streamed, SIGTERM stops like Ctrl-C (the temporary file is removed);
    returns the previous handler (None outside the main thread, where signals cannot be set)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None

    def stop(signum, frame):
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, stop)


def _restore_sigterm(previous) -> None:
    import signal

    if previous is not None:
        signal.signal(signal.SIGTERM, previous)


def chunk_sizes(n_events: int, chunk_size: int) -> Iterator[int]:
    """Sizes of the chunks of a run, lazily: ``chunk_size`` each, the remainder last."""
    n, c = int(n_events), int(chunk_size)
    if c < 1:
        raise ValueError(f"chunk_size must be a positive integer, got {chunk_size!r}")
    return (min(c, n - start) for start in range(0, n, c))


def concat_chunks(chunks: Iterable[pd.DataFrame], n_events: int) -> pd.DataFrame:
    """Concatenate chunks into one DataFrame without a second full copy per column."""
    columns: dict[str, np.ndarray] = {}
    attrs: dict[str, Any] = {}
    done = 0
    for chunk in chunks:
        k = len(chunk)
        for key in chunk.columns:
            values = chunk[key].to_numpy()
            if key not in columns:
                columns[key] = np.empty(n_events, dtype=values.dtype)
            columns[key][done : done + k] = values
        attrs = chunk.attrs
        done += k
    out = pd.DataFrame({k: v[:done] for k, v in columns.items()}, copy=False)
    out.attrs.update(attrs)
    return out
