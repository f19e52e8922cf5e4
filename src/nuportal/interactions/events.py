"""The event record of Standard-Model neutrino interactions (:class:`InteractionEvents`).

Two tables and a metadata dict:

``events`` (one row per interaction, index ``event`` = 0..N-1; :data:`EVENT_COLUMNS` required)
    ``nu_pdg`` (12, 14, 16, -12, -14, -16), ``E_nu`` [GeV], ``target`` (``"Ar40"``, ``"C12"``,
    ``"H1"``, ``"O16"``, ``"e-"``), ``hit_nucleon_pdg`` (2212, 2112; 0 for electron, coherent or
    multi-nucleon), ``mode`` (one of :data:`MODES`), ``cc`` (bool), ``weight`` (see below), true
    kinematics ``q0`` [GeV] (energy transfer), ``q3`` [GeV] (|q|), ``Q2`` [GeV^2], ``W`` [GeV]
    (hadronic invariant mass), ``x``, ``y`` (Bjorken, inelasticity; NaN where undefined), the
    outgoing lepton ``lep_pdg``, ``lep_E``, ``lep_px``, ``lep_py``, ``lep_pz`` [GeV]
    (beam along +z).
    Optional columns (:data:`OPTIONAL_COLUMNS`) carry what the reweighting knobs need: ``pF``
    [GeV] (magnitude of the struck nucleon's initial momentum), ``nuc_px``, ``nuc_py``,
    ``nuc_pz`` [GeV] (its momentum), ``E_b`` [GeV] (binding energy used), ``kF`` [GeV] (Fermi
    momentum used at the interaction point). Any other column is carried along.

``particles`` (long table, one row per particle; :data:`PARTICLE_COLUMNS`)
    ``event`` (int, ascending), ``pdg``, ``E``, ``px``, ``py``, ``pz`` [GeV], ``status``
    (NuHepMC, arXiv:2310.13211: 1 final state, 4 beam particle, 11 target nucleus). The lepton is
    included; neutrons are stored (visibility is decided by the observables, not here).

Weight convention (metadata ``weight_convention``):

* ``"events_per_pot_per_target"`` (nuportal's generator): ``weight`` = expected number of events
  per POT per target nucleus (per electron for nu e scattering); the sum over events is the
  flux-integrated sigma x flux [events / POT / target]. :meth:`InteractionEvents.scaled`
  converts to an exposure (``"events"``).
* ``"cross_section_cm2"``: per-event cross-section weights [cm^2 per target] (fixed-energy
  samples).
* readers of external generators store the generator's weight and name its convention.

Files: :meth:`InteractionEvents.to_parquet` writes ``path`` (events; metadata in the parquet
schema, through :func:`nuportal.io.write_events`) and ``path.with_suffix(".particles.parquet")``
(particles). :meth:`InteractionEvents.from_parquet` reads both back and validates them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "EVENT_COLUMNS",
    "MODES",
    "NEUTRINO_PDGS",
    "OPTIONAL_COLUMNS",
    "PARTICLE_COLUMNS",
    "STATUS_BEAM",
    "STATUS_FINAL",
    "STATUS_TARGET",
    "WEIGHT_CONVENTIONS",
    "InteractionEvents",
    "concat",
    "empty_events",
    "empty_particles",
    "particles_path",
]

#: Interaction modes. I1: nu_e_elastic, ccqe, 2p2h, nc_elastic; I2 appends its own (pions, DIS).
MODES: tuple[str, ...] = (
    "nu_e_elastic",
    "ccqe",
    "2p2h",
    "res",
    "nonres_pion",
    "dis",
    "nc_elastic",
    "coh_pion",
)

#: Allowed neutrino PDG codes.
NEUTRINO_PDGS: tuple[int, ...] = (12, 14, 16, -12, -14, -16)

#: Required columns of ``events`` and their dtype kind (i int, f float, b bool, O string).
EVENT_COLUMNS: dict[str, str] = {
    "nu_pdg": "i",
    "E_nu": "f",
    "target": "O",
    "hit_nucleon_pdg": "i",
    "mode": "O",
    "cc": "b",
    "weight": "f",
    "q0": "f",
    "q3": "f",
    "Q2": "f",
    "W": "f",
    "x": "f",
    "y": "f",
    "lep_pdg": "i",
    "lep_E": "f",
    "lep_px": "f",
    "lep_py": "f",
    "lep_pz": "f",
}

#: Optional kinematic columns used by reweighting knobs [GeV].
OPTIONAL_COLUMNS: tuple[str, ...] = ("pF", "nuc_px", "nuc_py", "nuc_pz", "E_b", "kF")

#: Required columns of ``particles`` and their dtype kind.
PARTICLE_COLUMNS: dict[str, str] = {
    "event": "i",
    "pdg": "i",
    "E": "f",
    "px": "f",
    "py": "f",
    "pz": "f",
    "status": "i",
}

#: NuHepMC status codes (arXiv:2310.13211, G-R1 / E-R4 conventions): final state, beam, target.
STATUS_FINAL: int = 1
STATUS_BEAM: int = 4
STATUS_TARGET: int = 11

#: Known weight conventions (metadata ``weight_convention``).
WEIGHT_CONVENTIONS: tuple[str, ...] = (
    "events_per_pot_per_target",
    "events",
    "cross_section_cm2",
    "generator",
)

_FLOAT_COLS = [c for c, k in EVENT_COLUMNS.items() if k == "f"]


def particles_path(path: str | os.PathLike[str]) -> Path:
    """The particles file that goes with an events parquet file: ``path.with_suffix(
    ".particles.parquet")``."""
    return Path(path).with_suffix(".particles.parquet")


def _coerce(df: pd.DataFrame, spec: Mapping[str, str], table: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{table} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in spec if c not in df.columns]
    if missing:
        raise ValueError(f"{table} lack required column(s) {missing}; have {list(df.columns)}")
    out = df.copy()
    for col, kind in spec.items():
        try:
            if kind == "i":
                out[col] = out[col].to_numpy().astype(np.int64, casting="safe")
            elif kind == "f":
                out[col] = out[col].to_numpy(dtype=np.float64)
            elif kind == "b":
                vals = out[col].to_numpy()
                if vals.dtype != bool:
                    raise TypeError("not boolean")
                out[col] = vals
            else:
                out[col] = out[col].astype(str)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{table} column {col!r} has the wrong type ({exc})") from None
    return out


def empty_events() -> pd.DataFrame:
    """An ``events`` table with the required columns and no rows."""
    dtypes = {"i": np.int64, "f": np.float64, "b": bool, "O": object}
    return pd.DataFrame(
        {c: np.array([], dtype=dtypes[k]) for c, k in EVENT_COLUMNS.items()}
    ).rename_axis("event")


def empty_particles() -> pd.DataFrame:
    """A ``particles`` table with the required columns and no rows."""
    dtypes = {"i": np.int64, "f": np.float64}
    return pd.DataFrame({c: np.array([], dtype=dtypes[k]) for c, k in PARTICLE_COLUMNS.items()})


@dataclass
class InteractionEvents:
    """Neutrino-interaction events: per-event table, particle table and metadata.

    Attributes
    ----------
    events : pandas.DataFrame
        One row per interaction (columns in the module docstring); index ``event`` = 0..N-1.
    particles : pandas.DataFrame
        Final-state particles (and optionally beam/target entries), ``event`` ascending.
    metadata : dict
        ``flux``, ``target``, ``detector``, ``exposure``/``pot``, ``generator``,
        ``weight_convention`` (one of :data:`WEIGHT_CONVENTIONS`), model parameters, seed, ...

    Raises
    ------
    ValueError
        Missing or mistyped columns, unknown modes or neutrino codes, non-finite weights or
        energies, particle ``event`` numbers outside 0..N-1 or not ascending.
    """

    events: pd.DataFrame
    particles: pd.DataFrame
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ev = _coerce(self.events, EVENT_COLUMNS, "events")
        ev = ev.reset_index(drop=True).rename_axis("event")
        n = len(ev)
        bad = ~np.isin(ev["nu_pdg"].to_numpy(), NEUTRINO_PDGS)
        if bad.any():
            raise ValueError(
                f"events nu_pdg must be one of {NEUTRINO_PDGS}, got "
                f"{sorted(set(ev['nu_pdg'].to_numpy()[bad].tolist()))}"
            )
        unknown = sorted(set(ev["mode"].unique()) - set(MODES))
        if unknown:
            raise ValueError(f"events mode must be one of {MODES}, got {unknown}")
        for col in ("weight", "E_nu", "lep_E", "lep_px", "lep_py", "lep_pz"):
            if not np.all(np.isfinite(ev[col].to_numpy())):
                raise ValueError(f"events column {col!r} has non-finite values")
        if np.any(ev["E_nu"].to_numpy() <= 0.0):
            raise ValueError("events E_nu must be > 0 GeV")
        pa = _coerce(self.particles, PARTICLE_COLUMNS, "particles").reset_index(drop=True)
        evn = pa["event"].to_numpy()
        if evn.size and (evn.min() < 0 or evn.max() >= n or np.any(np.diff(evn) < 0)):
            raise ValueError(f"particles event numbers must be ascending within 0..{n - 1}")
        conv = self.metadata.get("weight_convention")
        if conv is not None and conv not in WEIGHT_CONVENTIONS:
            raise ValueError(
                f"metadata weight_convention must be one of {WEIGHT_CONVENTIONS}, got {conv!r}"
            )
        self.events = ev
        self.particles = pa
        self.metadata = dict(self.metadata)

    def __len__(self) -> int:
        return len(self.events)

    @property
    def total_weight(self) -> float:
        """Sum of the event weights (units of the weight convention)."""
        return float(self.events["weight"].sum())

    def with_weights(self, weights: np.ndarray) -> InteractionEvents:
        """A copy with ``weight`` multiplied by ``weights`` (e.g. from :func:`reweight`)."""
        w = np.asarray(weights, dtype=float)
        if w.shape != (len(self),) or not np.all(np.isfinite(w)) or np.any(w < 0):
            raise ValueError(f"weights must be finite, >= 0, shape ({len(self)},)")
        ev = self.events.copy()
        ev["weight"] = ev["weight"].to_numpy() * w
        return InteractionEvents(ev, self.particles, dict(self.metadata))

    def scaled(self, pot: float, n_targets: float) -> InteractionEvents:
        """Events for an exposure: weights x ``pot`` x ``n_targets``.

        Parameters
        ----------
        pot : float
            Protons on target (> 0).
        n_targets : float
            Number of target nuclei (electrons for nu e scattering) in the detector (> 0).

        Returns
        -------
        InteractionEvents
            ``weight`` = expected events; metadata ``weight_convention = "events"``, ``pot``
            and ``n_targets`` recorded.
        """
        for name, v in (("pot", pot), ("n_targets", n_targets)):
            if not (np.isfinite(v) and v > 0):
                raise ValueError(f"{name} must be finite and > 0, got {v!r}")
        conv = self.metadata.get("weight_convention", "events_per_pot_per_target")
        if conv != "events_per_pot_per_target":
            raise ValueError(
                f"scaled() needs weight_convention 'events_per_pot_per_target', have {conv!r}"
            )
        ev = self.events.copy()
        ev["weight"] = ev["weight"].to_numpy() * float(pot) * float(n_targets)
        meta = {
            **self.metadata,
            "weight_convention": "events",
            "pot": float(pot),
            "n_targets": float(n_targets),
        }
        return InteractionEvents(ev, self.particles, meta)

    def particles_of(self, event: int) -> pd.DataFrame:
        """Particle rows of one event."""
        evn = self.particles["event"].to_numpy()
        lo, hi = np.searchsorted(evn, [event, event + 1])
        return self.particles.iloc[lo:hi]

    def to_parquet(self, path: str | os.PathLike[str]) -> tuple[Path, Path]:
        """Write ``path`` (events + metadata) and ``path.with_suffix(".particles.parquet")``.

        Returns
        -------
        (pathlib.Path, pathlib.Path)
            The events file and the particles file.
        """
        from nuportal.io import write_events

        path = Path(path)
        if path.suffix not in (".parquet", ".pq"):
            raise ValueError(f"path must end in .parquet or .pq, got {str(path)!r}")
        p_path = particles_path(path)
        write_events(self.particles, p_path, {"table": "particles"}, required=())
        meta = {str(k): v for k, v in self.metadata.items()}
        write_events(self.events.reset_index(), path, meta, required=())
        return path, p_path

    @classmethod
    def from_parquet(cls, path: str | os.PathLike[str]) -> InteractionEvents:
        """Read files written by :meth:`to_parquet` (validated; ValueError if malformed)."""
        from nuportal.io import read_events

        path = Path(path)
        ev = read_events(path, required=())
        meta = dict(ev.attrs.get("metadata", {}))
        for k in ("nuportal_version", "format_version"):
            meta.pop(k, None)
        ev.attrs = {}
        if "event" in ev.columns:
            ev = ev.drop(columns="event")
        pa = read_events(particles_path(path), required=())
        pa.attrs = {}
        return cls(ev, pa, meta)


def concat(
    parts: Sequence[InteractionEvents], metadata: Mapping[str, Any] | None = None
) -> InteractionEvents:
    """Join event sets into one, renumbering events (particles follow their events).

    Parameters
    ----------
    parts : sequence of InteractionEvents
        Sets with the same weight convention.
    metadata : mapping, optional
        Metadata of the result (default: that of the first part).
    """
    parts = list(parts)
    if not parts:
        return InteractionEvents(empty_events(), empty_particles(), dict(metadata or {}))
    convs = {p.metadata.get("weight_convention") for p in parts}
    if len(convs) > 1:
        raise ValueError(
            f"cannot concatenate different weight conventions {sorted(map(str, convs))}"
        )
    offset = 0
    evs, pas = [], []
    for p in parts:
        evs.append(p.events)
        pa = p.particles.copy()
        pa["event"] = pa["event"].to_numpy() + offset
        pas.append(pa)
        offset += len(p)
    ev = pd.concat(evs, ignore_index=True)
    pa = pd.concat(pas, ignore_index=True)
    meta = dict(metadata) if metadata is not None else dict(parts[0].metadata)
    return InteractionEvents(ev, pa, meta)


InteractionEvents.concat = staticmethod(concat)  # type: ignore[attr-defined]
