"""Event files: parquet, CSV and HepMC3 writers and validated readers.

Event convention (one row per event, produced by the generation pipeline):

* ``weight``: event weight (expected events represented by the row; the normalization is
  described in the metadata entry ``weight_normalization``);
* ``vertex_x, vertex_y, vertex_z``: decay vertex [m] in the detector frame;
* per final-state particle ``<name>``: true four-momentum ``<name>_E, <name>_px, <name>_py,
  <name>_pz`` [GeV] and, optionally, the reconstructed one ``<name>_E_reco, <name>_px_reco,
  <name>_py_reco, <name>_pz_reco``. Names are identifiers such as ``nu``, ``e_minus``,
  ``e_plus``. Other columns are carried along unchanged (parquet, CSV).

The format follows the file suffix:

========================  =====================================================================
``.parquet``, ``.pq``     Apache Parquet (pyarrow); metadata as key/value pairs of the file
                          schema, keys ``nuportal.<key>``, values JSON.
``.csv``                  CSV with the metadata in leading ``# <key>: <JSON>`` lines.
``.hepmc``, ``.hepmc3``   HepMC3 ASCII (needs pyhepmc, ``pip install 'nuportal[hepmc]'``): one
                          event per row with a decaying parent (status 2, momentum = sum of the
                          final state, PDG id ``parent_pdg``) at the decay vertex [mm] and the
                          final-state particles (status 1); the weight as the event weight
                          ``weight``; metadata as run-info attributes ``nuportal.<key>``. Only
                          the true (or, on request, reconstructed) four-momenta are written.
========================  =====================================================================

Every file gets the metadata entries ``nuportal_version`` and ``format_version`` in addition to
the user's (typical keys: ``generator_version``, ``seed``, ``weight_normalization``,
``model_parameters``). Files are written to a temporary name and renamed, so an interrupted write
never leaves a truncated file under the final name.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nuportal import __version__
from nuportal._files import atomic_output

__all__ = [
    "DEFAULT_PDG_IDS",
    "EventFileError",
    "read_events",
    "read_metadata",
    "validate_events",
    "write_events",
]

FORMAT_VERSION = 1
VERTEX_COLUMNS = ("vertex_x", "vertex_y", "vertex_z")
REQUIRED_COLUMNS = ("weight", *VERTEX_COLUMNS)
_COMPONENTS = ("E", "px", "py", "pz")
_SUFFIXES = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".hepmc": "hepmc3",
    ".hepmc3": "hepmc3",
}
_KEY_RE = re.compile(r"^[A-Za-z0-9_.\-]+$")
_META_PREFIX = "nuportal."
_CSV_MAGIC = "# nuportal-events"
# pandas < 3 needs 'round_trip' for exact floats; pandas 3 is exact by default and deprecates it.
_CSV_READ_OPTIONS: dict[str, Any] = (
    {"float_precision": "round_trip"} if int(pd.__version__.split(".")[0]) < 3 else {}
)

#: Default PDG Monte Carlo ids for particle names used in event columns. ``nu`` (a neutrino of
#: unspecified flavour) defaults to nu_mu; pass ``pdg_ids`` to override.
DEFAULT_PDG_IDS: dict[str, int] = {
    "nu": 14,
    "nubar": -14,
    "nu_e": 12,
    "nu_mu": 14,
    "nu_tau": 16,
    "nubar_e": -12,
    "nubar_mu": -14,
    "nubar_tau": -16,
    "e_minus": 11,
    "e_plus": -11,
    "mu_minus": 13,
    "mu_plus": -13,
    "pi_plus": 211,
    "pi_minus": -211,
    "pi0": 111,
    "gamma": 22,
}


class EventFileError(ValueError):
    """An event file or DataFrame is malformed (unreadable, or missing required columns)."""


# ---------------------------------------------------------------- validation
def _particles(columns: Sequence[str]) -> tuple[list[str], list[str]]:
    """Names with a true four-vector group, and names with a reco group (column order)."""
    cols = set(columns)
    true_names = [c[: -len("_E")] for c in columns if c.endswith("_E")]
    reco_names = [c[: -len("_E_reco")] for c in columns if c.endswith("_E_reco")]
    problems = []
    for name in true_names:
        miss = [f"{name}_{c}" for c in _COMPONENTS if f"{name}_{c}" not in cols]
        if miss:
            problems.append(f"particle {name!r} lacks {miss}")
    for name in reco_names:
        miss = [f"{name}_{c}_reco" for c in _COMPONENTS if f"{name}_{c}_reco" not in cols]
        if miss:
            problems.append(f"particle {name!r} lacks reconstructed {miss}")
    if problems:
        raise EventFileError("incomplete four-momentum columns: " + "; ".join(problems))
    return true_names, reco_names


def validate_events(events: pd.DataFrame, required: Sequence[str] = REQUIRED_COLUMNS) -> list[str]:
    """Check an event DataFrame against the event convention.

    Parameters
    ----------
    events : pandas.DataFrame
        Events.
    required : sequence of str
        Columns that must be present (default: weight and the vertex). With ``()`` the table
        need not hold any particle (a shower summary, for instance).

    Returns
    -------
    list of str
        Names of the particles with four-momentum columns (true, then reconstructed-only).

    Raises
    ------
    EventFileError
        Missing columns, incomplete four-vector groups, no particle at all, or non-finite
        weights/vertices.
    """
    if not isinstance(events, pd.DataFrame):
        raise EventFileError(f"events must be a pandas DataFrame, got {type(events).__name__}")
    cols = [str(c) for c in events.columns]
    missing = [c for c in required if c not in cols]
    if missing:
        raise EventFileError(f"events lack required column(s) {missing}; columns: {cols}")
    true_names, reco_names = _particles(cols)
    names = true_names + [n for n in reco_names if n not in true_names]
    if not names and required:  # required=() accepts tables that are not events
        raise EventFileError(
            "events have no particle four-momentum columns (<name>_E, <name>_px, <name>_py, "
            f"<name>_pz, or the same with _reco); columns: {cols}"
        )
    for c in required:
        values = events[c].to_numpy()
        if not np.issubdtype(values.dtype, np.number):
            raise EventFileError(f"column {c!r} must be numeric, got dtype {values.dtype}")
        if not np.all(np.isfinite(values.astype(float))):
            raise EventFileError(f"column {c!r} has non-finite values")
    return names


# ---------------------------------------------------------------- metadata
def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"{type(obj).__name__} is not JSON serializable")


def _encode_metadata(metadata: Mapping[str, Any] | None) -> dict[str, str]:
    meta: dict[str, Any] = {"nuportal_version": __version__, "format_version": FORMAT_VERSION}
    for key, value in (metadata or {}).items():
        if not isinstance(key, str) or not _KEY_RE.match(key):
            raise ValueError(
                f"metadata key {key!r} must be a non-empty string of letters, digits, '_', '.', '-'"
            )
        meta[key] = value
    out = {}
    for key, value in meta.items():
        try:
            out[key] = json.dumps(value, default=_json_default, allow_nan=True)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"metadata value for {key!r} is not JSON serializable: {exc}") from exc
    return out


def _decode_value(text: str, key: str, path: Path) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise EventFileError(f"{path}: metadata entry {key!r} is not valid JSON: {exc}") from exc


# ---------------------------------------------------------------- paths
def _format(path: Path) -> str:
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(
            f"unknown event-file suffix {path.suffix!r} for {str(path)!r}; supported: "
            f"{sorted(_SUFFIXES)}"
        )
    return fmt


def _writable_target(path: Path, overwrite: bool) -> None:
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise FileNotFoundError(
            f"cannot write events to {str(path)!r}: {str(parent)!r} is not an existing directory"
        )
    if path.is_dir():
        raise IsADirectoryError(f"cannot write events to {str(path)!r}: it is a directory")
    if path.exists() and not overwrite:
        raise FileExistsError(f"{str(path)!r} exists; pass overwrite=True to replace it")
    if not os.access(parent, os.W_OK):
        raise PermissionError(f"cannot write events to {str(path)!r}: directory not writable")


def _atomic_write(path: Path, writer: Callable[[Path], None]) -> None:
    try:
        with atomic_output(path) as tmp:  # permissions from the umask, like open(path, "w")
            writer(tmp)
    except OSError as exc:
        raise OSError(f"cannot write events to {str(path)!r}: {exc}") from exc


def _import_pyhepmc() -> Any:
    try:
        import pyhepmc
    except ImportError as exc:
        raise ImportError(
            "HepMC3 files need the optional dependency pyhepmc: install it with "
            "pip install 'nuportal[hepmc]' (or pip install pyhepmc)"
        ) from exc
    return pyhepmc


# ---------------------------------------------------------------- writers
def _write_parquet(df: pd.DataFrame, meta: dict[str, str], path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, preserve_index=False)
    schema_meta = dict(table.schema.metadata or {})
    schema_meta.update({(_META_PREFIX + k).encode(): v.encode() for k, v in meta.items()})
    pq.write_table(table.replace_schema_metadata(schema_meta), path)


def _write_csv(df: pd.DataFrame, meta: dict[str, str], path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(f"{_CSV_MAGIC} (metadata: one JSON value per line)\n")
        for k, v in meta.items():
            fh.write(f"# {k}: {v}\n")
        df.to_csv(fh, index=False, float_format=None)


def _hepmc3_names(
    df: pd.DataFrame, pdg_ids: Mapping[str, int], momenta: str
) -> tuple[list[str], str, bool]:
    """Final-state particle names written to HepMC3, their column suffix, and whether the
    events carry the decaying parent's four-momentum."""
    names, reco_names = _particles([str(c) for c in df.columns])
    # the decaying parent is the incoming particle of the vertex, not a final-state particle
    has_parent = "parent" in names
    names = [n for n in names if n != "parent"]
    reco_names = [n for n in reco_names if n != "parent"]
    suffix = ""
    if momenta == "reco":
        names, suffix = reco_names, "_reco"
        if not names:
            raise EventFileError("momenta='reco' but the events have no *_reco columns")
    unknown = [n for n in names if n not in pdg_ids]
    if unknown:
        raise ValueError(
            f"no PDG id for particle(s) {unknown}; pass pdg_ids={{name: pdgid}} (known: "
            f"{sorted(pdg_ids)})"
        )
    return names, suffix, has_parent


def _hepmc3_run(hep: Any, meta: Mapping[str, str], names, pdg_ids, momenta: str) -> Any:
    run = hep.GenRunInfo()
    run.weight_names = ["weight"]
    run.tools = [hep.GenRunInfo.ToolInfo("nuportal", __version__, "nuportal.io.write_events")]
    for k, v in meta.items():
        run.attributes[_META_PREFIX + k] = v
    run.attributes[_META_PREFIX + "particles"] = json.dumps({n: int(pdg_ids[n]) for n in names})
    run.attributes[_META_PREFIX + "momenta"] = json.dumps(momenta)
    return run


def _hepmc3_write_rows(
    hep: Any,
    writer: Any,
    run: Any,
    df: pd.DataFrame,
    layout: tuple[list[str], str, bool],
    pdg_ids: Mapping[str, int],
    parent_pdg: int,
    first_number: int = 0,
) -> None:
    """Append the events of ``df`` (numbered from ``first_number``) to an open HepMC3 writer."""
    names, suffix, has_parent = layout
    p4 = np.stack(
        [df[[f"{n}_{c}{suffix}" for c in _COMPONENTS]].to_numpy(dtype=float) for n in names],
        axis=1,
    )  # (N, particles, 4)
    vertex_mm = df[list(VERTEX_COLUMNS)].to_numpy(dtype=float) * 1e3
    if has_parent:
        parent_p4 = df[[f"parent_{c}" for c in _COMPONENTS]].to_numpy(dtype=float)
    weight = df["weight"].to_numpy(dtype=float)
    for i in range(len(df)):
        ev = hep.GenEvent(hep.Units.GEV, hep.Units.MM)
        ev.run_info = run
        ev.event_number = first_number + i
        present = np.all(np.isfinite(p4[i]), axis=1)
        total = parent_p4[i] if has_parent else p4[i][present].sum(axis=0)
        vtx = hep.GenVertex(hep.FourVector(*vertex_mm[i], 0.0))
        parent = hep.GenParticle(hep.FourVector(*total[1:], total[0]), int(parent_pdg), 2)
        vtx.add_particle_in(parent)
        for j, name in enumerate(names):
            if present[j]:
                e, px, py, pz = p4[i, j]
                vtx.add_particle_out(
                    hep.GenParticle(hep.FourVector(px, py, pz, e), int(pdg_ids[name]), 1)
                )
        ev.add_vertex(vtx)
        ev.weights = [float(weight[i])]
        writer.write(ev)


def _write_hepmc3(
    df: pd.DataFrame,
    meta: dict[str, str],
    path: Path,
    pdg_ids: Mapping[str, int],
    parent_pdg: int,
    momenta: str,
) -> None:
    hep = _import_pyhepmc()
    layout = _hepmc3_names(df, pdg_ids, momenta)
    run = _hepmc3_run(hep, meta, layout[0], pdg_ids, momenta)
    with hep.io.WriterAscii(str(path), run) as writer:
        _hepmc3_write_rows(hep, writer, run, df, layout, pdg_ids, parent_pdg)


def write_events(
    events: pd.DataFrame,
    path: str | os.PathLike[str],
    metadata: Mapping[str, Any] | None = None,
    *,
    pdg_ids: Mapping[str, int] | None = None,
    parent_pdg: int = 0,
    momenta: str = "true",
    overwrite: bool = True,
    required: Sequence[str] = REQUIRED_COLUMNS,
) -> Path:
    """Write events to parquet, CSV or HepMC3, chosen by the suffix of ``path``.

    Parameters
    ----------
    events : pandas.DataFrame
        Events following the convention of the module docstring (validated first).
    path : str or path-like
        Output file; suffix ``.parquet``/``.pq``, ``.csv``, ``.hepmc``/``.hepmc3``.
    metadata : mapping, optional
        JSON-serializable values by key (letters, digits, ``_ . -``), e.g.
        ``{"generator_version": ..., "seed": 1, "weight_normalization": "events per 1e20 POT",
        "model_parameters": {"m_N": 0.2, "U2": 1e-7}}``.
    pdg_ids : mapping, optional
        PDG ids by particle name for HepMC3, merged over :data:`DEFAULT_PDG_IDS`.
    parent_pdg : int
        PDG id given to the decaying parent in HepMC3 files (default 0: unspecified).
    momenta : {"true", "reco"}
        Which four-momenta go into a HepMC3 file (parquet and CSV keep all columns).
    overwrite : bool
        Replace an existing file (default True).
    required : sequence of str
        Columns that must be present (default: ``weight`` and the vertex; ``()`` for tables that
        are not events, such as a shower summary).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    EventFileError
        Malformed events.
    ValueError
        Unknown suffix, bad metadata, or a particle without a PDG id (HepMC3).
    ImportError
        HepMC3 requested without pyhepmc installed.
    OSError
        The path cannot be written (missing directory, no permission, ...).
    """
    path = Path(path)
    fmt = _format(path)
    validate_events(events, required)
    if momenta not in ("true", "reco"):
        raise ValueError(f"momenta must be 'true' or 'reco', got {momenta!r}")
    meta = _encode_metadata(metadata)
    ids = {**DEFAULT_PDG_IDS, **(pdg_ids or {})}
    if fmt == "hepmc3":
        _import_pyhepmc()  # fail before touching the file system
    _writable_target(path, overwrite)
    df = events.reset_index(drop=True)
    if fmt == "parquet":
        _atomic_write(path, lambda tmp: _write_parquet(df, meta, tmp))
    elif fmt == "csv":
        _atomic_write(path, lambda tmp: _write_csv(df, meta, tmp))
    else:
        _atomic_write(path, lambda tmp: _write_hepmc3(df, meta, tmp, ids, int(parent_pdg), momenta))
    return path


# ---------------------------------------------------------------- readers
def _read_parquet(path: Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise EventFileError(f"{str(path)!r} is not a readable parquet file: {exc}") from exc
    # the file's key/value metadata holds entries added when a chunked write finished
    # (nuportal.streaming); the schema's are those known when it started
    raw = dict(pq.read_metadata(path).metadata or {})
    raw.update(table.schema.metadata or {})
    meta = {}
    for k, v in raw.items():
        key = k.decode(errors="replace")
        if key.startswith(_META_PREFIX):
            name = key[len(_META_PREFIX) :]
            meta[name] = _decode_value(v.decode(errors="replace"), name, path)
    return table.to_pandas(), meta


def _read_csv(path: Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    meta: dict[str, Any] = {}
    n_header = 0
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if not line.startswith("#"):
                    break
                n_header += 1
                body = line[1:].strip()
                if n_header == 1 and line.startswith(_CSV_MAGIC):
                    continue
                key, sep, value = body.partition(":")
                if not sep or not _KEY_RE.match(key.strip()):
                    raise EventFileError(
                        f"{str(path)!r} line {n_header}: malformed metadata line {line.rstrip()!r}"
                    )
                meta[key.strip()] = _decode_value(value.strip(), key.strip(), path)
        df = pd.read_csv(path, skiprows=n_header, **_CSV_READ_OPTIONS)
    except UnicodeDecodeError as exc:
        raise EventFileError(f"{str(path)!r} is not a UTF-8 text CSV file: {exc}") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise EventFileError(f"{str(path)!r} is not a readable CSV event file: {exc}") from exc
    return df, meta


def _read_hepmc3(path: Path, pdg_ids: Mapping[str, int]) -> tuple[pd.DataFrame, dict[str, Any]]:
    hep = _import_pyhepmc()
    with open(path, encoding="utf-8", errors="replace") as fh:
        first = fh.readline()
    if not first.startswith("HepMC::Version"):
        raise EventFileError(f"{str(path)!r} is not a HepMC3 ASCII file (no HepMC::Version header)")
    reverse: dict[int, str] = {}
    for name, pid in pdg_ids.items():
        reverse.setdefault(int(pid), name)
    rows: list[dict[str, float]] = []
    meta: dict[str, Any] = {}
    names: dict[str, int] | None = None
    suffix = ""
    with hep.open(str(path), "r") as reader:
        for ev in reader:
            if not rows and ev.run_info is not None:
                attrs = ev.run_info.attributes
                for key in list(attrs):
                    if key.startswith(_META_PREFIX):
                        val = _decode_value(attrs[key].astype(str), key, path)
                        meta[key[len(_META_PREFIX) :]] = val
                names = meta.pop("particles", None)
                suffix = "_reco" if meta.pop("momenta", "true") == "reco" else ""
            finals = [p for p in ev.particles if p.status == 1]
            if not finals:
                raise EventFileError(
                    f"{str(path)!r}: event {len(rows)} has no final-state particles (malformed)"
                )
            scale = 1e-3 if ev.length_unit == hep.Units.MM else 1e-2  # to metres (MM or CM)
            mom_scale = 1.0 if ev.momentum_unit == hep.Units.GEV else 1e-3
            pos = finals[0].production_vertex.position
            row = {
                "weight": float(ev.weights[0]) if len(ev.weights) else 1.0,
                "vertex_x": pos.x * scale,
                "vertex_y": pos.y * scale,
                "vertex_z": pos.z * scale,
            }
            # Name the final-state particles: in the writer's order by the writer's PDG ids,
            # else from the PDG ids given to the reader.
            queue = list(names.items()) if isinstance(names, dict) else []
            labels: list[str | None] = []
            for p in finals:
                match = next((item for item in queue if item[1] == p.pid), None)
                if match is not None:
                    queue.remove(match)
                labels.append(None if match is None else match[0])
            seen: dict[str, int] = {}
            for p, label in zip(finals, labels, strict=True):
                if label is None:
                    label = reverse.get(p.pid, f"pdg{p.pid}".replace("-", "m"))
                seen[label] = seen.get(label, 0) + 1
                if seen[label] > 1:
                    label = f"{label}_{seen[label]}"
                m = p.momentum
                for comp, val in zip(_COMPONENTS, (m.e, m.px, m.py, m.pz), strict=True):
                    row[f"{label}_{comp}{suffix}"] = val * mom_scale
            rows.append(row)
    if not rows:
        raise EventFileError(f"{str(path)!r} contains no readable HepMC3 events")
    df = pd.DataFrame(rows)
    if names is not None:
        order = list(REQUIRED_COLUMNS) + [
            f"{n}_{c}{suffix}" for n in names for c in _COMPONENTS if f"{n}_{c}{suffix}" in df
        ]
        df = df[order + [c for c in df.columns if c not in order]]
    return df, meta


def read_events(
    path: str | os.PathLike[str],
    *,
    required: Sequence[str] = REQUIRED_COLUMNS,
    pdg_ids: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Read an event file written by :func:`write_events` (or a compatible one) and validate it.

    Parameters
    ----------
    path : str or path-like
        Event file (format from the suffix, as for :func:`write_events`).
    required : sequence of str
        Columns that must be present (default: ``weight`` and the vertex).
    pdg_ids : mapping, optional
        PDG ids by particle name (HepMC3 files without nuportal particle names), merged over
        :data:`DEFAULT_PDG_IDS`.

    Returns
    -------
    pandas.DataFrame
        The events; the file's metadata is in ``df.attrs["metadata"]`` (a dict). HepMC3 files
        give the true momenta (or the reco ones, if that is what was written).

    Raises
    ------
    FileNotFoundError
        The file does not exist.
    ValueError
        Unknown suffix.
    EventFileError
        The file is malformed or lacks required columns.
    ImportError
        A HepMC3 file without pyhepmc installed.
    """
    path = Path(path)
    fmt = _format(path)
    if not path.is_file():
        raise FileNotFoundError(f"event file {str(path)!r} does not exist")
    if fmt == "parquet":
        df, meta = _read_parquet(path)
    elif fmt == "csv":
        df, meta = _read_csv(path)
    else:
        df, meta = _read_hepmc3(path, {**DEFAULT_PDG_IDS, **(pdg_ids or {})})
    try:
        validate_events(df, required)
    except EventFileError as exc:
        raise EventFileError(f"{str(path)!r}: {exc}") from exc
    df.attrs["metadata"] = meta
    return df


def read_metadata(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Metadata dict of an event file (reads the whole file; see :func:`read_events`)."""
    return dict(read_events(path, required=()).attrs["metadata"])
