"""Readers of real generators' events into :class:`~nuportal.interactions.events.InteractionEvents`.

Two formats:

NuHepMC / HepMC3 ASCII (:func:`read_nuhepmc`; GENIE, NEUT, NuWro, GiBUU and nuportal itself)
    Read through pyhepmc (HepMC3's C++ reader). Conventions of S. Gardiner, J. Isaacson,
    L. Pickering, arXiv:2310.13211 (versions 0.9 and 1.0 of the specification):
    the beam neutrino is the incoming particle with status 4, the target the one with status 11
    (or a generator status declared with a name containing "Target" in
    ``NuHepMC.ParticleStatusInfo``, e.g. NuWro's 20), the struck nucleon a status declared as
    "StruckNucleon" (NuWro's 21) if any; final-state particles have status 1. The process ID is
    the event attribute ``signal_process_id`` (1.0) or ``ProcID`` / ``ProcId`` (earlier
    versions); its meaning is taken from :data:`PROCESS_ID_MODES` (the E.C.1 ranges, CC in
    ``X00-X49``, NC in ``X50-X99``) unless ``NuHepMC.ProcessInfo[<ID>].Name`` is a nuportal mode
    (files written by :func:`nuportal.interactions.nuhepmc.write_nuhepmc`) or the caller gives a
    ``mode_map``. The weight is the event weight named ``CV`` (G.R.7; the first weight if there is
    no CV). Momenta are converted from the event's units (MEV or GEV) to GeV, the interaction
    position (``lab_pos``/``LabPos``, else the primary vertex) from MM or CM to metres
    (``vtx_x, vtx_y, vtx_z`` columns). Run-level information goes into the metadata:
    generator tools, NuHepMC version, ``NuHepMC.FluxAveragedTotalCrossSection`` converted to cm^2
    (``NuHepMC.Units.CrossSection.Unit``: pb by default (E.C.4 of 0.x), cm2, 1e-38 cm2) with its
    target scale, ``NuHepMC.Exposure.NEvents`` and ``.POT``.

GENIE gst summary trees (:func:`read_gst`)
    The flat ``gst`` tree written by GENIE's ``gntpc -f gst`` (GENIE user manual, "gst" summary
    ntuple; branch list of gNtpConv.cxx): ``neu``, ``tgt``, ``hitnuc``, the process flags
    ``qel mec res dis coh dfr imd imdanh singlek nuel em cc nc`` (:data:`GST_MODE_FLAGS`),
    ``wght``, ``Ev`` (and ``pxv, pyv, pzv`` if present), the primary lepton ``fspl, El, pxl, pyl,
    pzl``, the final-state hadronic system ``nf, pdgf[nf], Ef[nf], pxf[nf], pyf[nf], pzf[nf]``
    (pi0 listed as pi0, not as photons), ``Q2, W, x, y`` (computed by GENIE "as an
    experimentalist would", struck nucleon at rest) and ``vtxx, vtxy, vtxz`` [m]. Read with
    uproot. The nuclear remnant is not in ``pdgf``, so it is not in the particles table either.

True kinematics of HepMC3 events, which carry only four-momenta: ``q0 = E_nu - E_l``,
``q3 = |k - l|``, ``Q2 = q3^2 - q0^2`` and, with the nucleon at rest (mass M = (m_p + m_n)/2, or
m_e for an electron target), ``W^2 = M^2 + 2 M q0 - Q2``, ``x = Q2 / (2 M q0)``, ``y = q0/E_nu``
(GENIE's gst convention). The primary lepton is the most energetic final-state particle with
the PDG number of the charged lepton of the neutrino's flavour (charged current) or of the
neutrino itself (neutral current); it is placed first among its event's particles.

Malformed input (missing file, not HepMC3, truncated, an event without beam neutrino, process
ID, weight or lepton; a gst file without a required branch or with inconsistent array lengths)
raises one ValueError naming the file and what is wrong.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "GST_MODE_FLAGS",
    "PROCESS_ID_MODES",
    "cross_section_weights",
    "read_events_file",
    "read_gst",
    "read_nuhepmc",
]

#: NuHepMC process-ID ranges (convention E.C.1 of arXiv:2310.13211) -> nuportal mode. IDs
#: 200-249 (CC quasi-elastic) give "ccqe", 250-299 (NC) "nc_elastic". The 700-999 block
#: ("other") is mapped by process name: names with "lep", "electron" or "nue" (NuWro's
#: "CC lep"/"NC lep", neutrino-lepton scattering) give "nu_e_elastic"; the rest "other" if
#: that mode exists, else an error asking for a ``mode_map``.
PROCESS_ID_MODES: MappingProxyType[tuple[int, int], str] = MappingProxyType(
    {
        (100, 199): "coh_pion",
        (200, 249): "ccqe",
        (250, 299): "nc_elastic",
        (300, 399): "2p2h",
        (400, 499): "res",
        (500, 599): "nonres_pion",
        (600, 699): "dis",
    }
)

#: GENIE gst process flags -> nuportal mode, in priority order (``qel`` is split by ``cc``:
#: "ccqe" or "nc_elastic"; ``imd``, ``imdanh``, ``dfr``, ``singlek``, ``em``, ``amnugamma``:
#: "other" if that mode exists, else an error).
GST_MODE_FLAGS: MappingProxyType[str, str] = MappingProxyType(
    {
        "nuel": "nu_e_elastic",
        "mec": "2p2h",
        "qel": "ccqe",
        "res": "res",
        "coh": "coh_pion",
        "dis": "dis",
        "imd": "other",
        "imdanh": "other",
        "dfr": "other",
        "singlek": "other",
        "em": "other",
        "amnugamma": "other",
    }
)

_NEUTRINOS = (12, 14, 16)
_XS_UNITS_CM2 = {"pb": 1e-36, "cm2": 1.0, "1e-38 cm2": 1e-38, "1e-38cm2": 1e-38}
_GST_REQUIRED = ("neu", "tgt", "cc", "wght", "Ev", "fspl", "El", "pxl", "pyl", "pzl", "nf")
_GST_JAGGED = ("pdgf", "Ef", "pxf", "pyf", "pzf")


def _fail(path: Path, what: str) -> ValueError:
    return ValueError(f"{path}: {what}")


def _modes() -> tuple[str, ...]:
    from nuportal.interactions.events import MODES

    return MODES


def _target_name(pdg: int) -> str:
    """Target name from its PDG number: nuclei as "Ar40", a free proton "H1", electron "e-"."""
    if pdg == 11:
        return "e-"
    if pdg in (2212, 1000010010):
        return "H1"
    if pdg == 2112:
        return "n"
    if pdg > 1_000_000_000:
        from particle import Particle

        try:
            return str(Particle.from_pdgid(pdg).name)
        except Exception:  # particle's own lookup errors
            z, a = (pdg // 10_000) % 1000, (pdg // 10) % 1000
            return f"Z{z}A{a}"
    return "unknown"


def _true_kinematics(E_nu, k3, E_l, l3, target_pdg) -> dict[str, np.ndarray]:
    from nuportal.constants import M_ELECTRON, mass

    q0 = E_nu - E_l
    q3 = np.linalg.norm(k3 - l3, axis=1)
    Q2 = q3**2 - q0**2
    M = np.where(target_pdg == 11, M_ELECTRON, 0.5 * (mass("p") + mass("n")))
    with np.errstate(divide="ignore", invalid="ignore"):
        W = np.sqrt(np.clip(M**2 + 2 * M * q0 - Q2, 0.0, None))
        x = np.where(q0 > 0, Q2 / (2 * M * q0), np.nan)
        y = q0 / E_nu
    return {"q0": q0, "q3": q3, "Q2": Q2, "W": W, "x": x, "y": y}


def _primary_lepton(path, event, pdg, status, E, expected) -> np.ndarray:
    """Row index of the primary lepton of every event (most energetic candidate)."""
    n = len(expected)
    cand = np.flatnonzero((status == 1) & (pdg == expected[event]))
    order = cand[np.lexsort((-E[cand], event[cand]))]
    evs, first = np.unique(event[order], return_index=True)
    if len(evs) < n:
        missing = np.setdiff1d(np.arange(n), evs)[0]
        raise _fail(
            path,
            f"event {missing} has no final-state lepton with PDG {int(expected[missing])} "
            "(status 1)",
        )
    return order[first]


def _build(
    path: Path,
    ev: dict[str, np.ndarray],
    event: np.ndarray,
    pdg: np.ndarray,
    status: np.ndarray,
    mom: np.ndarray,
    metadata: dict[str, Any],
    kinematics: dict[str, np.ndarray] | None = None,
    extra: dict[str, np.ndarray] | None = None,
):
    """Assemble the record: lepton choice, particle table (lepton first), true kinematics."""
    from nuportal.interactions.events import InteractionEvents

    n = len(ev["nu_pdg"])
    if not np.all(np.isfinite(mom)):
        bad = int(event[np.flatnonzero(~np.all(np.isfinite(mom), axis=1))[0]])
        raise _fail(path, f"event {bad} has a non-finite particle momentum")
    nu = ev["nu_pdg"]
    cc = ev["cc"]
    expected = np.where(cc, nu - np.sign(nu), nu)
    lep = _primary_lepton(path, event, pdg, status, mom[:, 0], expected)
    l4 = mom[lep]
    final = status == 1
    is_lep = np.zeros(len(pdg), dtype=bool)
    is_lep[lep] = True
    keep = np.flatnonzero(final)
    keep = keep[np.lexsort((keep, ~is_lep[keep], event[keep]))]
    particles = pd.DataFrame(
        {
            "event": event[keep],
            "pdg": pdg[keep],
            "E": mom[keep, 0],
            "px": mom[keep, 1],
            "py": mom[keep, 2],
            "pz": mom[keep, 3],
            "status": np.ones(len(keep), dtype=np.int64),
        }
    )
    if kinematics is None:
        kinematics = _true_kinematics(ev["E_nu"], ev["k3"], l4[:, 0], l4[:, 1:], ev["target_pdg"])
    names = sorted(set(ev["target_pdg"].tolist()))
    lookup = {p: _target_name(int(p)) for p in names}
    table = {
        "nu_pdg": nu,
        "E_nu": ev["E_nu"],
        "target": [lookup[p] for p in ev["target_pdg"].tolist()],
        "hit_nucleon_pdg": ev["hit_nucleon_pdg"],
        "mode": ev["mode"],
        "cc": cc,
        "weight": ev["weight"],
        **kinematics,
        "lep_pdg": pdg[lep],
        "lep_E": l4[:, 0],
        "lep_px": l4[:, 1],
        "lep_py": l4[:, 2],
        "lep_pz": l4[:, 3],
        "vtx_x": ev["vtx"][:, 0],
        "vtx_y": ev["vtx"][:, 1],
        "vtx_z": ev["vtx"][:, 2],
        **(extra or {}),
    }
    events = pd.DataFrame(table, index=pd.RangeIndex(n, name="event"))
    if not np.all(np.isfinite(ev["weight"])):
        raise _fail(path, "non-finite event weight")
    if np.any(ev["E_nu"] <= 0) or not np.all(np.isfinite(ev["E_nu"])):
        raise _fail(path, "beam neutrino energy must be finite and > 0")
    try:
        return InteractionEvents(events, particles, metadata)
    except ValueError as exc:
        raise _fail(path, str(exc)) from None


# ----------------------------------------------------------------------------- NuHepMC
@contextlib.contextmanager
def _quiet_stdio() -> Iterator[None]:
    """Silence HepMC3's C++ messages on file descriptors 1 and 2 (the error is raised after)."""
    import sys

    saved = []
    try:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        devnull = os.open(os.devnull, os.O_WRONLY)
        for fd in (1, 2):
            saved.append((fd, os.dup(fd)))
            os.dup2(devnull, fd)
        os.close(devnull)
    except OSError:  # no real descriptors (embedded interpreter): leave them alone
        pass
    try:
        yield
    finally:
        for fd, copy in saved:
            os.dup2(copy, fd)
            os.close(copy)


def _check_envelope(path: Path) -> int:
    """Check the HepMC3 ASCII envelope; return the number of event records ('E' lines)."""
    with open(path, "rb") as fh:
        head = fh.read(256)
        if b"HepMC::Asciiv3-START_EVENT_LISTING" not in head:
            raise _fail(
                path, "not a HepMC3 ASCII file (no 'HepMC::Asciiv3-START_EVENT_LISTING' header)"
            )
        fh.seek(0)
        count, previous = 0, b"\n"
        tail = b""
        while chunk := fh.read(1 << 22):
            data = previous[-1:] + chunk
            count += data.count(b"\nE ")
            previous = chunk
            tail = (tail + chunk)[-256:]
    if b"HepMC::Asciiv3-END_EVENT_LISTING" not in tail:
        raise _fail(path, "truncated HepMC3 file (no 'HepMC::Asciiv3-END_EVENT_LISTING' line)")
    return count


def _attribute(attrs: Any, names: tuple[str, ...], kind: str, default: Any = None) -> Any:
    """The first present attribute of ``names`` parsed as ``kind``: "int", "float", "str",
    "ints" or "floats" (whitespace-separated lists); ``default`` if none is present."""
    for name in names:
        try:
            value = attrs[name]
        except (KeyError, IndexError):
            continue
        text = value.astype(str) if hasattr(value, "astype") else str(value)
        try:
            if kind == "str":
                return text
            if kind == "ints":
                return [int(v) for v in text.split()]
            if kind == "floats":
                return [float(v) for v in text.split()]
            return int(text.split()[0]) if kind == "int" else float(text.split()[0])
        except (ValueError, IndexError):
            raise ValueError(f"attribute {name!r} is not {kind}: {text!r}") from None
    return default


def _run_metadata(path: Path, run_info: Any) -> dict[str, Any]:
    attrs = run_info.attributes if run_info is not None else {}
    names = list(attrs) if run_info is not None else []
    meta: dict[str, Any] = {"source_file": str(path), "weight_convention": "generator"}
    tools = [f"{t.name} {t.version}".strip() for t in (run_info.tools if run_info else [])]
    meta["generator"] = " + ".join(tools) if tools else "unknown"
    if "NuHepMC.Version.Major" in names:
        meta["nuhepmc_version"] = ".".join(
            str(_attribute(attrs, (f"NuHepMC.Version.{k}",), "int", 0))
            for k in ("Major", "Minor", "Patch")
        )
    if "nuportal.Metadata" in names:
        with contextlib.suppress(ValueError):
            meta.update(json.loads(_attribute(attrs, ("nuportal.Metadata",), "str")))
        meta["source_file"] = str(path)
    unit = _attribute(attrs, ("NuHepMC.Units.CrossSection.Unit",), "str", "pb").strip()
    scale = _attribute(attrs, ("NuHepMC.Units.CrossSection.TargetScale",), "str", None)
    fatx = _attribute(attrs, ("NuHepMC.FluxAveragedTotalCrossSection",), "float", None)
    if fatx is not None:
        if unit.lower() not in _XS_UNITS_CM2:
            raise _fail(path, f"unknown NuHepMC.Units.CrossSection.Unit {unit!r}")
        meta["flux_averaged_total_cross_section_cm2"] = fatx * _XS_UNITS_CM2[unit.lower()]
        if scale is not None:
            meta["cross_section_target_scale"] = scale.strip()
    for key, name, kind in (
        ("exposure_n_events", "NuHepMC.Exposure.NEvents", "int"),
        ("exposure_pot", "NuHepMC.Exposure.POT", "float"),
    ):
        value = _attribute(attrs, (name,), kind, None)
        if value is not None:
            meta[key] = value
    ids = _attribute(attrs, ("NuHepMC.ProcessIDs",), "ints", [])
    meta["process_names"] = {
        str(i): _attribute(attrs, (f"NuHepMC.ProcessInfo[{i}].Name",), "str", "").strip()
        for i in ids
    }
    status_ids = _attribute(attrs, ("NuHepMC.ParticleStatusIDs",), "ints", [])
    status_names = {
        int(s): _attribute(attrs, (f"NuHepMC.ParticleStatusInfo[{s}].Name",), "str", "").lower()
        for s in status_ids
    }
    meta["_target_status"] = sorted({11} | {s for s, nm in status_names.items() if "target" in nm})
    meta["_struck_status"] = sorted(s for s, nm in status_names.items() if "struck" in nm)
    conv = _attribute(attrs, ("nuportal.WeightConvention",), "str", None)
    if conv is not None:
        meta["weight_convention"] = conv.strip()
    cols = _attribute(attrs, ("nuportal.EventColumns",), "str", "")
    meta["_columns"] = [c.split(":") for c in cols.split() if ":" in c]
    return meta


def _mode_of(ids: np.ndarray, names: Mapping[str, str], mode_map, path: Path) -> np.ndarray:
    modes = _modes()
    out = np.empty(len(ids), dtype=object)
    for pid in np.unique(ids).tolist():
        name = names.get(str(pid), "")
        mode = None
        if mode_map and pid in mode_map:
            mode = mode_map[pid]
        elif name in modes:
            mode = name
        else:
            for (lo, hi), m in PROCESS_ID_MODES.items():
                if lo <= pid <= hi:
                    mode = m
            if mode is None and 700 <= pid <= 999:
                low = name.lower()
                if any(k in low for k in ("lep", "electron", "nue", "nu-e", "nu e")):
                    mode = "nu_e_elastic"
                elif "other" in modes:
                    mode = "other"
        if mode not in modes:
            raise _fail(
                path,
                f"process ID {pid} ({name or 'no name'}) has no nuportal mode; pass "
                f"mode_map={{{pid}: <one of {list(modes)}>}}",
            )
        out[ids == pid] = mode
    return out


def read_nuhepmc(
    path: str | os.PathLike[str],
    *,
    mode_map: Mapping[int, str] | None = None,
    max_events: int | None = None,
):
    """Read a NuHepMC (HepMC3 ASCII) event file (module docstring for the conventions).

    Parameters
    ----------
    path : str or path-like
        The file (plain HepMC3 ASCII, as the generators write it).
    mode_map : mapping of int to str, optional
        Process ID -> nuportal mode, overriding the convention (e.g. ``{900: "ccqe"}``).
    max_events : int, optional
        Read at most this many events.

    Returns
    -------
    InteractionEvents
        ``weight`` = the generator's CV weight (``metadata["weight_convention"]`` says what it
        is: "generator" for external files, nuportal's own convention for its files).

    Raises
    ------
    ValueError
        Missing or malformed file (message names the file and the problem).
    """
    import pyhepmc

    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    if max_events is not None and max_events < 1:
        raise ValueError(f"max_events must be >= 1, got {max_events!r}")
    n_records = _check_envelope(path)
    if n_records == 0:
        raise _fail(path, "no events in the file")
    run_info = None
    scal: dict[str, Any] = {"w": [], "pid": [], "pos": [], "cv": 0}
    extra_cols: dict[str, list] = {}
    p_pdg, p_status, p_mom = [], [], []
    meta: dict[str, Any] = {}
    with _quiet_stdio(), pyhepmc.open(path) as reader:
        for i, event in enumerate(reader):
            if max_events is not None and i >= max_events:
                break
            if run_info is None:
                run_info = event.run_info
                meta = _run_metadata(path, run_info)
                extra_cols = {name: [] for name, _ in meta["_columns"]}
                names = list(run_info.weight_names) if run_info is not None else []
                scal["cv"] = names.index("CV") if "CV" in names else 0
            _read_event(path, i, event, scal, extra_cols, p_pdg, p_status, p_mom)
    n = len(scal["pid"])
    expected = n_records if max_events is None else min(n_records, max_events)
    if n != expected:
        raise _fail(path, f"malformed event record after event {n - 1} ({n} of {expected} read)")
    counts = np.array([len(a) for a in p_pdg], dtype=np.int64)
    event = np.repeat(np.arange(n), counts)
    pdg = np.concatenate(p_pdg).astype(np.int64)
    status = np.concatenate(p_status).astype(np.int64)
    mom = np.concatenate(p_mom).astype(float)
    a = np.abs(pdg)
    is_nu = (a == 12) | (a == 14) | (a == 16)
    beam = _first_per_event(
        path, event, (status == 4) & is_nu, n, "incoming neutrino (status 4)", True
    )
    in_tgt = np.zeros(len(status), dtype=bool)
    for st in meta["_target_status"]:
        in_tgt |= status == st
    tgt = _first_per_event(path, event, in_tgt, n, "target")
    in_struck = np.zeros(len(status), dtype=bool)
    for st in meta["_struck_status"]:
        in_struck |= status == st
    struck = _first_per_event(path, event, in_struck, n, "struck nucleon")
    ids = np.array(scal["pid"], dtype=np.int64)
    nu = pdg[beam]
    mode = _mode_of(ids, meta.get("process_names", {}), mode_map, path)
    cc = (ids % 100) < 50
    hit = np.where(struck >= 0, pdg[struck], 0)
    guess = np.where(nu > 0, 2112, 2212)
    hit = np.where((hit == 0) & (mode == "ccqe"), guess, hit)
    ev = {
        "nu_pdg": nu,
        "E_nu": mom[beam, 0],
        "k3": mom[beam, 1:],
        "target_pdg": np.where(tgt >= 0, pdg[tgt], 0),
        "hit_nucleon_pdg": hit,
        "mode": mode,
        "cc": cc,
        "weight": np.array(scal["w"], dtype=float),
        "vtx": np.array(scal["pos"], dtype=float).reshape(n, 3),
    }
    final = status == 1
    event, pdg, status, mom = event[final], pdg[final], status[final], mom[final]
    kinds = dict(meta.pop("_columns", []))
    for key in ("_target_status", "_struck_status"):
        meta.pop(key, None)
    extra = {}
    for name, values in extra_cols.items():
        arr = np.array(values, dtype=float)
        kind = kinds.get(name, "f")
        extra[name] = arr.astype(np.int64) if kind in "iu" else (arr != 0 if kind == "b" else arr)
    from nuportal.interactions.events import EVENT_COLUMNS

    kin_names = ("q0", "q3", "Q2", "W", "x", "y")
    kinematics = None
    if all(k in extra for k in kin_names):
        kinematics = {k: extra.pop(k) for k in kin_names}
    if "hit_nucleon_pdg" in extra:
        ev["hit_nucleon_pdg"] = extra.pop("hit_nucleon_pdg")
    extra = {k: v for k, v in extra.items() if k not in EVENT_COLUMNS}
    return _build(path, ev, event, pdg, status, mom, meta, kinematics, extra)


def _read_event(path, i, event, scal, extra_cols, p_pdg, p_status, p_mom) -> None:
    """Append one pyhepmc event's content to the accumulators (units converted)."""
    import pyhepmc

    e_unit = 1e-3 if event.momentum_unit == pyhepmc.Units.MEV else 1.0
    l_unit = 1e-3 if event.length_unit == pyhepmc.Units.MM else 1e-2
    arr = event.numpy.particles
    attrs = event.attributes
    pid = _attribute(attrs, ("signal_process_id", "ProcID", "ProcId"), "int", None)
    if pid is None:
        raise _fail(path, f"event {i} has no process ID ('signal_process_id' or 'ProcID')")
    weights = event.weights
    if len(weights) == 0:
        raise _fail(path, f"event {i} has no weight (NuHepMC G.R.7 needs the 'CV' weight)")
    pos = _attribute(attrs, ("lab_pos", "LabPos"), "floats", None)
    if pos is None or len(pos) < 3:
        vert = event.numpy.vertices
        primary = np.flatnonzero(np.asarray(vert.status) == 1)
        k = primary[0] if primary.size else 0
        pos = [vert.x[k], vert.y[k], vert.z[k]] if len(vert.x) else [0.0, 0.0, 0.0]
    scal["w"].append(weights[scal["cv"]] if scal["cv"] < len(weights) else weights[0])
    scal["pid"].append(pid)
    scal["pos"].append([pos[0] * l_unit, pos[1] * l_unit, pos[2] * l_unit])
    for name, values in extra_cols.items():
        values.append(float(_attribute(attrs, (f"nuportal.col.{name}",), "str", "nan")))
    p_pdg.append(arr.pid)
    p_status.append(arr.status)
    p_mom.append(np.column_stack([arr.e, arr.px, arr.py, arr.pz]) * e_unit)


def _first_per_event(path, event, mask, n, what, required=False) -> np.ndarray:
    """Row of the first particle with ``mask`` in every event (-1 where none)."""
    rows = np.flatnonzero(mask)
    out = np.full(n, -1, dtype=np.int64)
    evs, first = np.unique(event[rows], return_index=True)
    out[evs] = rows[first]
    if required and np.any(out < 0):
        raise _fail(path, f"event {int(np.flatnonzero(out < 0)[0])} has no {what}")
    return out


# ----------------------------------------------------------------------------- GENIE gst
def read_gst(path: str | os.PathLike[str], *, tree: str = "gst", max_events: int | None = None):
    """Read a GENIE gst summary tree (module docstring for the branches used).

    Parameters
    ----------
    path : str or path-like
        ROOT file written by ``gntpc -f gst``.
    tree : str
        Tree name (default ``"gst"``).
    max_events : int, optional
        Read at most this many entries.

    Returns
    -------
    InteractionEvents
        ``weight`` = GENIE's ``wght`` (metadata ``weight_convention = "generator"``).

    Raises
    ------
    ValueError
        Missing file, not a ROOT file, no such tree, a missing required branch, arrays whose
        length differs from ``nf``, non-finite values, or an unmapped process.
    """
    import awkward as ak
    import uproot

    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    if max_events is not None and max_events < 1:
        raise ValueError(f"max_events must be >= 1, got {max_events!r}")
    try:
        f = uproot.open(path)
    except Exception as exc:  # uproot raises many exception types for non-ROOT input
        raise _fail(path, f"not a ROOT file ({type(exc).__name__})") from None
    with f:
        if tree not in f:
            raise _fail(path, f"no tree {tree!r} (keys: {sorted(k.split(';')[0] for k in f)})")
        t = f[tree]
        present = set(t.keys())
        missing = [b for b in (*_GST_REQUIRED, *_GST_JAGGED) if b not in present]
        if missing:
            raise _fail(path, f"gst tree lacks branch(es) {missing}")
        wanted = [*_GST_REQUIRED, *_GST_JAGGED]
        wanted += [
            b for b in (*GST_MODE_FLAGS, "nc", "hitnuc", "Q2", "W", "x", "y") if b in present
        ]
        wanted += [b for b in ("pxv", "pyv", "pzv", "vtxx", "vtxy", "vtxz") if b in present]
        try:
            arrays = t.arrays(wanted, entry_stop=max_events, library="ak")
        except Exception as exc:  # decompression or interpretation errors
            raise _fail(path, f"cannot read the gst branches ({exc})") from None
    n = len(arrays)
    if n == 0:
        raise _fail(path, "the gst tree has no entries")
    nf = np.asarray(arrays["nf"], dtype=np.int64)
    for b in _GST_JAGGED:
        if not np.array_equal(np.asarray(ak.num(arrays[b], axis=1)), nf):
            raise _fail(path, f"branch {b!r} does not have nf entries per event")

    def col(name: str, dtype=float) -> np.ndarray:
        return np.asarray(arrays[name]).astype(dtype)

    nu = col("neu", np.int64)
    if not np.all(np.isin(np.abs(nu), _NEUTRINOS)):
        raise _fail(path, f"branch 'neu' must hold neutrino PDG codes, got {np.unique(nu)[:5]}")
    cc = col("cc", bool)
    flags = {b: col(b, bool) for b in GST_MODE_FLAGS if b in arrays.fields}
    modes = _modes()
    mode = np.full(n, "", dtype=object)
    for flag, m in GST_MODE_FLAGS.items():
        if flag not in flags:
            continue
        name = m if flag != "qel" else None
        sel = flags[flag] & (mode == "")
        if flag == "qel":
            mode[sel & cc] = "ccqe"
            mode[sel & ~cc] = "nc_elastic"
        elif name in modes:
            mode[sel] = name
        elif sel.any():
            raise _fail(path, f"gst process flag {flag!r} has no nuportal mode (add 'other')")
    if np.any(mode == ""):
        i = int(np.flatnonzero(mode == "")[0])
        raise _fail(path, f"entry {i} has no process flag set (qel/mec/res/dis/coh/nuel/...)")
    E_nu = col("Ev")
    if all(b in arrays.fields for b in ("pxv", "pyv", "pzv")):
        k3 = np.column_stack([col("pxv"), col("pyv"), col("pzv")])
    else:
        k3 = np.column_stack([np.zeros(n), np.zeros(n), E_nu])
    tgt = col("tgt", np.int64)
    hit = col("hitnuc", np.int64) if "hitnuc" in arrays.fields else np.zeros(n, np.int64)
    vtx = np.zeros((n, 3))
    if all(b in arrays.fields for b in ("vtxx", "vtxy", "vtxz")):
        vtx = np.column_stack([col("vtxx"), col("vtxy"), col("vtxz")])
    lep_pdg = col("fspl", np.int64)
    lep = np.column_stack([col("El"), col("pxl"), col("pyl"), col("pzl")])
    had_pdg = np.asarray(ak.flatten(arrays["pdgf"]), dtype=np.int64)
    had = np.column_stack(
        [np.asarray(ak.flatten(arrays[b]), dtype=float) for b in ("Ef", "pxf", "pyf", "pzf")]
    )
    # lepton first in each event, then the hadronic system
    event = np.concatenate([np.arange(n), np.repeat(np.arange(n), nf)])
    pdg = np.concatenate([lep_pdg, had_pdg])
    mom = np.concatenate([lep, had])
    order = np.argsort(event, kind="stable")
    event, pdg, mom = event[order], pdg[order], mom[order]
    kin = None
    if all(b in arrays.fields for b in ("Q2", "W", "x", "y")):
        l3 = lep[:, 1:]
        q0 = E_nu - lep[:, 0]
        kin = {
            "q0": q0,
            "q3": np.linalg.norm(k3 - l3, axis=1),
            "Q2": col("Q2"),
            "W": col("W"),
            "x": col("x"),
            "y": col("y"),
        }
    ev = {
        "nu_pdg": nu,
        "E_nu": E_nu,
        "k3": k3,
        "target_pdg": tgt,
        "hit_nucleon_pdg": hit,
        "mode": mode,
        "cc": cc,
        "weight": col("wght"),
        "vtx": vtx,
    }
    meta = {"source_file": str(path), "generator": "GENIE (gst)", "weight_convention": "generator"}
    return _build(path, ev, event, pdg, np.ones(len(pdg), np.int64), mom, meta, kin)


def cross_section_weights(events) -> np.ndarray:
    """Per-event cross sections [cm^2 per target, in the file's target scale] of a NuHepMC file.

    sigma_i = w_i x FATX / sum_j w_j, with w the ``CV`` weights and FATX the file's
    ``NuHepMC.FluxAveragedTotalCrossSection`` (G.C.5 of arXiv:2310.13211; for unweighted files
    this is FATX / N): the sum over events is the flux-averaged total cross section, the sum over
    a selection its flux-averaged cross section. The target scale (per atom, per nucleon) is
    ``metadata["cross_section_target_scale"]``.

    Raises
    ------
    ValueError
        If the file had no flux-averaged total cross section, or the weights sum to zero.
    """
    fatx = events.metadata.get("flux_averaged_total_cross_section_cm2")
    if fatx is None:
        raise ValueError(
            "the events carry no flux-averaged total cross section "
            "(NuHepMC.FluxAveragedTotalCrossSection): cross-section weights are undefined"
        )
    w = events.events["weight"].to_numpy(dtype=float)
    total = w.sum()
    if not total != 0:
        raise ValueError("the event weights sum to zero")
    return w * (float(fatx) / total)


def read_events_file(path: str | os.PathLike[str], **kwargs: Any):
    """Read any supported event file by its suffix.

    ``.hepmc3``/``.hepmc`` -> :func:`read_nuhepmc`; ``.root`` -> :func:`read_gst`;
    ``.parquet`` -> :meth:`InteractionEvents.from_parquet`. ValueError for other suffixes.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".hepmc3", ".hepmc"):
        return read_nuhepmc(path, **kwargs)
    if suffix == ".root":
        return read_gst(path, **kwargs)
    if suffix in (".parquet", ".pq"):
        from nuportal.interactions.events import InteractionEvents

        if not path.is_file():
            raise ValueError(f"{path}: no such file")
        return InteractionEvents.from_parquet(path)
    raise ValueError(
        f"{path}: unknown event-file suffix {suffix!r} (use .hepmc3, .root (GENIE gst) or .parquet)"
    )
