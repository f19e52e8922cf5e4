"""Reader for the published tables shipped in ``nuportal/experiments/data``.

Every shipped table is a small CSV file: citation lines starting with ``#``, one line of column
names (each name carries its unit, e.g. ``m_S_GeV``), then numeric rows. :func:`read_table` is the
single reader: it checks the column names against a :class:`TableSchema`, parses every value as a
finite float and checks each column's allowed range, and raises a :class:`ValueError` that names
the file, the row and the problem for a malformed file. The typed accessors
(:func:`microboone_kdar_hps_2021`, :func:`kelly_machado_2021_hnl_limit`) wrap the generic table in
a dataclass with unit-bearing attribute names and the analysis metadata quoted in the paper.

Units: GeV for masses, metres for lengths. The sources of every file are listed in
``nuportal/experiments/data/README.md`` and in each file's header.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "SCHEMAS",
    "ColumnSpec",
    "KDARScalarSearch",
    "PublishedLimitCurve",
    "PublishedTable",
    "TableSchema",
    "kelly_machado_2021_hnl_limit",
    "microboone_kdar_hps_2021",
    "read_table",
]

#: Allowed value ranges of a column (see :class:`ColumnSpec`).
_KINDS = {
    "mass": "finite, > 0 and strictly increasing",
    "positive": "finite and > 0",
    "open_unit": "in the open interval (0, 1)",
    "efficiency": "in the half-open interval (0, 1]",
}


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a published table.

    Attributes
    ----------
    name : str
        Column name as written in the file's header line (unit-bearing, e.g. ``"m_S_GeV"``).
    kind : str
        Allowed range: ``"mass"`` (> 0, strictly increasing), ``"positive"`` (> 0),
        ``"open_unit"`` (in (0, 1)), ``"efficiency"`` (in (0, 1]).
    description : str
        What the column holds, with its unit.
    """

    name: str
    kind: str
    description: str

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"column kind {self.kind!r} is not one of {sorted(_KINDS)}")


@dataclass(frozen=True)
class TableSchema:
    """Expected layout of a shipped table: file name, columns in order, citation."""

    filename: str
    columns: tuple[ColumnSpec, ...]
    citation: str

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


@dataclass(frozen=True)
class PublishedTable:
    """A validated published table.

    Attributes
    ----------
    source : str
        File the table was read from.
    header : tuple of str
        The citation/comment lines of the file, without the leading ``#``.
    columns : Mapping[str, numpy.ndarray]
        Read-only float arrays by column name, all of the same length.
    """

    source: str
    header: tuple[str, ...]
    columns: Mapping[str, np.ndarray]

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self.columns[name]
        except KeyError:
            raise KeyError(
                f"{self.source}: no column {name!r}; columns are {list(self.columns)}"
            ) from None

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0


_MICROBOONE_CITATION = (
    "MicroBooNE Collaboration, P. Abratenko et al., 'Search for a Higgs portal scalar decaying to "
    "electron-positron pairs in the MicroBooNE detector', arXiv:2106.00568, "
    "Phys. Rev. Lett. 127, 151803 (2021)"
)
_KELLY_MACHADO_CITATION = (
    "K. J. Kelly and P. A. N. Machado, 'MicroBooNE experiment, NuMI absorber, and heavy neutral "
    "leptons', arXiv:2106.06548, Phys. Rev. D 104, 055015 (2021); curve digitized by M. Hostert "
    "(github.com/mhostert/Heavy-Neutrino-Limits, MIT licence)"
)

#: Schemas of the shipped tables, by table name (the file name without ``.csv``).
SCHEMAS: Mapping[str, TableSchema] = MappingProxyType(
    {
        "microboone_kdar_hps_2021": TableSchema(
            filename="microboone_kdar_hps_2021.csv",
            columns=(
                ColumnSpec("m_S_GeV", "mass", "scalar mass [GeV]"),
                ColumnSpec(
                    "theta_limit", "open_unit", "95% CL upper limit on the mixing angle theta"
                ),
                ColumnSpec(
                    "efficiency", "efficiency", "signal efficiency for S decaying in the TPC"
                ),
            ),
            citation=_MICROBOONE_CITATION,
        ),
        "kelly_machado_2021_umu4_eff_scalar": TableSchema(
            filename="kelly_machado_2021_umu4_eff_scalar.csv",
            columns=(
                ColumnSpec("m_N_MeV", "mass", "HNL mass [MeV]"),
                ColumnSpec("U_mu4_sq_limit", "open_unit", "upper limit on |U_mu4|^2"),
            ),
            citation=_KELLY_MACHADO_CITATION,
        ),
        "kelly_machado_2021_umu4_eff_cos_opening": TableSchema(
            filename="kelly_machado_2021_umu4_eff_cos_opening.csv",
            columns=(
                ColumnSpec("m_N_MeV", "mass", "HNL mass [MeV]"),
                ColumnSpec("U_mu4_sq_limit", "open_unit", "upper limit on |U_mu4|^2"),
            ),
            citation=_KELLY_MACHADO_CITATION,
        ),
    }
)


def _check_column(source: str, spec: ColumnSpec, values: np.ndarray, first_row: int) -> None:
    """Raise ValueError naming the file, column and row if ``values`` break ``spec.kind``."""
    kind = spec.kind
    if kind in ("mass", "positive"):
        bad = ~(values > 0)
    elif kind == "open_unit":
        bad = ~((values > 0) & (values < 1))
    else:  # efficiency
        bad = ~((values > 0) & (values <= 1))
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(
            f"{source}: column {spec.name!r} ({spec.description}) must be {_KINDS[kind]}; "
            f"row {first_row + i} has {values[i]!r}"
        )
    if kind == "mass" and values.size > 1:
        steps = np.diff(values)
        if (steps <= 0).any():
            i = int(np.argmax(steps <= 0)) + 1
            raise ValueError(
                f"{source}: column {spec.name!r} must be strictly increasing; row {first_row + i} "
                f"has {values[i]!r} after {values[i - 1]!r}"
            )


def _parse(text: str, source: str, schema: TableSchema) -> PublishedTable:
    lines = text.splitlines()
    header: list[str] = []
    i = 0
    while i < len(lines) and (lines[i].startswith("#") or not lines[i].strip()):
        if lines[i].startswith("#"):
            header.append(lines[i][1:].strip())
        i += 1
    if i == len(lines):
        raise ValueError(
            f"{source}: no column-name line and no data (expected columns {schema.column_names})"
        )
    names = tuple(n.strip() for n in next(csv.reader([lines[i]])))
    if names != schema.column_names:
        raise ValueError(
            f"{source}: line {i + 1} has columns {names}; expected exactly {schema.column_names}"
        )
    first_row = i + 2  # 1-based line number of the first data row
    rows: list[list[float]] = []
    for lineno, row in enumerate(
        csv.reader(io.StringIO("\n".join(lines[i + 1 :]))), start=first_row
    ):
        if not row or all(not cell.strip() for cell in row):
            continue
        if row[0].lstrip().startswith("#"):
            raise ValueError(
                f"{source}: line {lineno}: comment lines are only allowed before the column names"
            )
        if len(row) != len(names):
            raise ValueError(
                f"{source}: line {lineno} has {len(row)} fields; expected {len(names)} ({names})"
            )
        try:
            values = [float(cell) for cell in row]
        except ValueError:
            raise ValueError(f"{source}: line {lineno}: non-numeric value in {row}") from None
        if not all(math.isfinite(v) for v in values):
            raise ValueError(f"{source}: line {lineno}: non-finite value in {row}")
        rows.append(values)
    if not rows:
        raise ValueError(f"{source}: the table has no data rows")
    data = np.array(rows, dtype=float)
    columns: dict[str, np.ndarray] = {}
    for j, spec in enumerate(schema.columns):
        col = np.ascontiguousarray(data[:, j])
        _check_column(source, spec, col, first_row)
        col.setflags(write=False)
        columns[spec.name] = col
    return PublishedTable(source=source, header=tuple(header), columns=MappingProxyType(columns))


def read_table(
    source: str | os.PathLike[str], schema: TableSchema | str | None = None
) -> PublishedTable:
    """Read and validate one published table.

    Parameters
    ----------
    source : str or path-like
        Either the name of a shipped table (a key of :data:`SCHEMAS`, e.g.
        ``"microboone_kdar_hps_2021"``), loaded from the package data with
        :mod:`importlib.resources`, or the path of a CSV file on disk.
    schema : TableSchema or str, optional
        Expected layout; a key of :data:`SCHEMAS` or a :class:`TableSchema`. Defaults to the
        schema of the named shipped table (required for a path).

    Returns
    -------
    PublishedTable

    Raises
    ------
    ValueError
        If the file is missing, its column names differ from the schema, a value is not a finite
        number, or a value is outside its column's range (masses must be > 0 and strictly
        increasing, mixing-angle-like limits in (0, 1), efficiencies in (0, 1]). The message names
        the file, the line and the problem.
    """
    if isinstance(schema, str):
        if schema not in SCHEMAS:
            raise ValueError(
                f"schema {schema!r} is not one of the shipped tables {sorted(SCHEMAS)}"
            )
        schema = SCHEMAS[schema]
    key = os.fspath(source)
    if key in SCHEMAS:
        schema = schema or SCHEMAS[key]
        resource = resources.files("nuportal.experiments").joinpath("data", SCHEMAS[key].filename)
        label = f"nuportal/experiments/data/{SCHEMAS[key].filename}"
        try:
            text = resource.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ValueError(
                f"{label}: shipped data file is missing from the installation"
            ) from None
    else:
        if schema is None:
            raise ValueError(
                f"{key}: not a shipped table name ({sorted(SCHEMAS)}); give a schema to read a file"
            )
        label = key
        try:
            text = Path(key).read_text(encoding="utf-8")
        except OSError as exc:
            raise ValueError(f"{key}: cannot read the file ({exc.strerror or exc})") from None
    return _parse(text, label, schema)


# ------------------------------------------------------------------ typed accessors


@dataclass(frozen=True)
class KDARScalarSearch:
    """MicroBooNE's search for S -> e+e- from kaons decaying at rest in the NuMI absorber.

    Per-mass arrays come from the shipped table; the scalar metadata are the numbers quoted in
    the paper's abstract (arXiv:2106.00568).

    Attributes
    ----------
    mass_GeV : numpy.ndarray
        Scalar masses [GeV], strictly increasing.
    theta_limit : numpy.ndarray
        95% CL upper limit on the scalar-Higgs mixing angle theta (dimensionless).
    efficiency : numpy.ndarray
        Signal selection efficiency for S decaying inside the TPC.
    confidence_level : float
        0.95.
    protons_on_target : float
        NuMI exposure, 1.93e20 POT.
    n_observed : int
        Observed candidates, 1.
    background_expected, background_uncertainty : float
        Expected background 1.9 +- 0.8 events.
    absorber_distance_m : float
        Distance from the NuMI hadron absorber to the detector quoted in the paper, 100 m.
    citation : str
    header : tuple of str
        The file's comment lines.
    source : str
        The file read.
    """

    mass_GeV: np.ndarray
    theta_limit: np.ndarray
    efficiency: np.ndarray
    confidence_level: float = 0.95
    protons_on_target: float = 1.93e20
    n_observed: int = 1
    background_expected: float = 1.9
    background_uncertainty: float = 0.8
    absorber_distance_m: float = 100.0
    citation: str = _MICROBOONE_CITATION
    header: tuple[str, ...] = field(default=(), repr=False)
    source: str = ""


@cache
def microboone_kdar_hps_2021(path: str | os.PathLike[str] | None = None) -> KDARScalarSearch:
    """The MicroBooNE KDAR Higgs-portal-scalar limit and efficiencies (arXiv:2106.00568).

    Parameters
    ----------
    path : str or path-like, optional
        A CSV file with the same columns (``m_S_GeV, theta_limit, efficiency``) to use instead
        of the shipped table, e.g. an updated analysis; validated like the shipped one.

    Returns
    -------
    KDARScalarSearch
        Read-only arrays ``mass_GeV`` [GeV], ``theta_limit`` and ``efficiency`` (18 masses,
        1.023 MeV to 210 MeV), and the analysis metadata: 1.93e20 POT, 1 event observed on
        1.9 +- 0.8 expected background, absorber 100 m from the detector, 95% CL.
    """
    if path is None:
        table = read_table("microboone_kdar_hps_2021")
    else:
        table = read_table(path, schema="microboone_kdar_hps_2021")
    return KDARScalarSearch(
        mass_GeV=table["m_S_GeV"],
        theta_limit=table["theta_limit"],
        efficiency=table["efficiency"],
        header=table.header,
        source=table.source,
    )


@dataclass(frozen=True)
class PublishedLimitCurve:
    """A published limit curve on a coupling versus mass.

    Attributes
    ----------
    mass_GeV : numpy.ndarray
        Masses [GeV], strictly increasing.
    limit : numpy.ndarray
        Upper limit on the coupling at each mass (for the Kelly-Machado curves, |U_mu4|^2; the
        lower edge of the excluded region).
    coupling : str
        Name of the coupling, e.g. ``"|U_mu4|^2"``.
    description : str
        Which curve this is and the assumptions behind it.
    citation : str
    header : tuple of str
    source : str
    """

    mass_GeV: np.ndarray
    limit: np.ndarray
    coupling: str
    description: str
    citation: str
    header: tuple[str, ...] = field(default=(), repr=False)
    source: str = ""

    def at(self, mass_GeV: ArrayLike) -> np.ndarray:
        """Limit interpolated linearly in (log m, log limit).

        Parameters
        ----------
        mass_GeV : array_like
            Masses [GeV] inside the tabulated range.

        Returns
        -------
        numpy.ndarray
            Interpolated limit, same shape as ``mass_GeV``.

        Raises
        ------
        ValueError
            If a mass is outside ``[mass_GeV[0], mass_GeV[-1]]`` or not finite.
        """
        m = np.asarray(mass_GeV, dtype=float)
        lo, hi = self.mass_GeV[0], self.mass_GeV[-1]
        outside = ~((m >= lo) & (m <= hi))
        if np.any(outside):
            bad = m[outside].flat[0] if m.ndim else float(m)
            raise ValueError(
                f"mass_GeV = {bad!r} is outside the tabulated range [{lo:.6g}, {hi:.6g}] GeV of "
                f"{self.source}"
            )
        return np.exp(np.interp(np.log(m), np.log(self.mass_GeV), np.log(self.limit)))


_KM_CURVES = {
    "scalar": (
        "kelly_machado_2021_umu4_eff_scalar",
        "Kelly-Machado MicroBooNE recast, solid curve: HNL efficiency set equal to MicroBooNE's "
        "scalar efficiency at the same mass, eps(m_N) = eps(m_S)",
    ),
    "cos_opening": (
        "kelly_machado_2021_umu4_eff_cos_opening",
        "Kelly-Machado MicroBooNE recast, dashed curve: HNL efficiency read off MicroBooNE's "
        "scalar efficiency at the HNL's mean e+e- opening angle, eps(m_N) = eps(<cos theta_ee>)",
    ),
}


@cache
def kelly_machado_2021_hnl_limit(efficiency: str = "cos_opening") -> PublishedLimitCurve:
    """Kelly and Machado's recast of the MicroBooNE KDAR scalar search into |U_mu4|^2.

    K. J. Kelly and P. A. N. Machado, arXiv:2106.06548, Phys. Rev. D 104, 055015 (2021); the
    curves digitized by M. Hostert (github.com/mhostert/Heavy-Neutrino-Limits). They cover
    20-200 MeV only (MicroBooNE's efficiencies stop at 210 MeV) and give the lower edge of the
    excluded region.

    Parameters
    ----------
    efficiency : {"cos_opening", "scalar"}
        Which of the paper's two efficiency treatments: ``"cos_opening"`` (dashed curve,
        eps(m_N) = eps(<cos theta_ee>); the curve used by the Heavy-Neutrino-Limits compilation)
        or ``"scalar"`` (solid curve, eps(m_N) = eps(m_S)).

    Returns
    -------
    PublishedLimitCurve
        ``mass_GeV`` [GeV] and ``limit`` (upper limit on |U_mu4|^2).
    """
    if efficiency not in _KM_CURVES:
        raise ValueError(f"efficiency = {efficiency!r}; allowed values are {sorted(_KM_CURVES)}")
    name, description = _KM_CURVES[efficiency]
    table = read_table(name)
    mass = table["m_N_MeV"] * 1e-3
    mass.setflags(write=False)
    return PublishedLimitCurve(
        mass_GeV=mass,
        limit=table["U_mu4_sq_limit"],
        coupling="|U_mu4|^2",
        description=description,
        citation=SCHEMAS[name].citation,
        header=table.header,
        source=table.source,
    )
