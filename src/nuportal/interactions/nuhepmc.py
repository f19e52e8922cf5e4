"""NuHepMC writer: :class:`InteractionEvents` as HepMC3 ASCII following the NuHepMC conventions.

NuHepMC (S. Gardiner, J. Isaacson, L. Pickering, "NuHepMC: A standardized event record format
for neutrino event generators", SciPost Phys. Codebases (2025), arXiv:2310.13211; specification
version 1.0.0) adds to HepMC3 (arXiv:1912.08005) what a neutrino event needs. What this writer
puts in the file:

Run information (``HepMC3::GenRunInfo``)
    ``NuHepMC.Version.{Major,Minor,Patch}`` = 1.0.0 (G.R.2); the tool ``nuportal|<version>``
    (G.R.3); ``NuHepMC.ProcessIDs`` with ``NuHepMC.ProcessInfo[<ID>].Name`` (the nuportal mode)
    and ``.Description`` (model and reference) (G.R.4); ``NuHepMC.VertexStatusIDs`` (1, primary
    vertex) and ``NuHepMC.ParticleStatusIDs`` (1 final state, 4 beam, 11 target) with their
    names and descriptions (G.R.5, G.R.6); the event weight ``CV`` (G.R.7);
    ``NuHepMC.Conventions`` (G.C.1); ``NuHepMC.Exposure.NEvents`` (G.C.2) and, when the
    metadata has ``pot``, ``NuHepMC.Exposure.POT`` (G.C.3); for generated events on a single
    nucleus, ``NuHepMC.FluxAveragedTotalCrossSection`` [pb per atom] with its units (G.C.4, G.C.5;
    :func:`flux_averaged_cross_section`); nuportal's metadata as JSON in
    ``nuportal.Metadata`` and the weight convention in ``nuportal.WeightConvention``.
Events (``HepMC3::GenEvent``)
    Event numbers 1..N (E.R.1); the process ID in ``signal_process_id`` (E.R.2; 0.x files
    called it ``ProcID``); units GEV and MM (E.R.3); ``lab_pos`` [mm] (E.R.4; from the event
    columns ``vtx_x, vtx_y, vtx_z`` [m] if present, else the origin); one primary vertex, status
    1 (E.R.5), with the beam neutrino (status 4, along +z, E = ``E_nu``) and the target (status
    11, at rest with its mass; an electron for nu e scattering) in, the final-state particles
    (status 1) out (E.R.6, P.R.1). Every other numeric event column (true ``q0, q3, Q2, W, x,
    y``, ``hit_nucleon_pdg``, the reweighting kinematics ``pF``, ``E_b``, ...) is an event
    attribute ``nuportal.col.<name>``, so that :func:`nuportal.interactions.readers.read_nuhepmc`
    gets the record back unchanged.

Process IDs follow the ranges of NuHepMC convention E.C.1 (:data:`PROCESS_ID_BASE`: CC in
``X00-X49``, NC in ``X50-X99``); nu e -> nu e is in the "other" block as 750 (NC) / 700 (CC),
the numbers NuWro's NuHepMC output uses for neutrino-lepton scattering.

Formatting is vectorized like :mod:`nuportal.hepmc3` (whose number rendering it reuses): every
line type has a fixed width, so a chunk of events is rendered as byte arrays and scattered into
one buffer at computed offsets, whatever the number of particles per event.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from nuportal._files import atomic_output
from nuportal.hepmc3 import _FLOAT_WIDTH, _Layout, _signed_integers, format_floats

__all__ = [
    "NUHEPMC_VERSION",
    "PARTICLE_STATUS_INFO",
    "PROCESS_ID_BASE",
    "flux_averaged_cross_section",
    "process_id",
    "target_pdg",
    "write_nuhepmc",
]

#: NuHepMC specification version written (arXiv:2310.13211, version 1.0.0).
NUHEPMC_VERSION: tuple[int, int, int] = (1, 0, 0)

#: CC process ID of each nuportal mode (add 50 for NC), NuHepMC convention E.C.1 ranges:
#: 100-199 coherent, 200-299 quasi-elastic, 300-399 meson-exchange current (2p2h), 400-499
#: resonance production, 500-599 shallow inelastic (non-resonant pion), 600-699 deep
#: inelastic, 700-999 other (nu e -> nu e: 700/750; any other mode 900/950).
PROCESS_ID_BASE: MappingProxyType[str, int] = MappingProxyType(
    {
        "coh_pion": 100,
        "ccqe": 200,
        "nc_elastic": 200,
        "2p2h": 300,
        "res": 400,
        "nonres_pion": 500,
        "dis": 600,
        "nu_e_elastic": 700,
        "other": 900,
    }
)

#: Particle status codes written, with NuHepMC names and descriptions (P.R.1, G.R.6).
PARTICLE_STATUS_INFO: MappingProxyType[int, tuple[str, str]] = MappingProxyType(
    {
        1: ("UndecayedPhysicalParticle", "Physical final-state particle"),
        4: ("IncomingBeamParticle", "Incoming beam neutrino"),
        11: ("TargetParticle", "Target nucleus (or electron) at rest"),
    }
)

_DEFAULT_DESCRIPTIONS = {
    "ccqe": "CC quasi-elastic",
    "nc_elastic": "NC elastic on nucleons",
    "2p2h": "two-particle two-hole (meson-exchange current)",
    "res": "resonant pion production",
    "nonres_pion": "non-resonant pion production",
    "dis": "deep-inelastic scattering",
    "nu_e_elastic": "neutrino-electron elastic scattering",
    "coh_pion": "coherent pion production",
}
_CHUNK = 4096
_M_ELECTRON_PDG = 11


def process_id(mode: NDArray, cc: NDArray) -> NDArray[np.int64]:
    """NuHepMC process IDs of events with ``mode`` (str array) and ``cc`` (bool array)."""
    mode = np.asarray(mode).astype(str)
    unknown = sorted(set(mode.tolist()) - set(PROCESS_ID_BASE))
    if unknown:
        raise ValueError(
            f"no NuHepMC process ID for mode(s) {unknown}; known: {list(PROCESS_ID_BASE)}"
        )
    base = np.array([PROCESS_ID_BASE[m] for m in mode.tolist()], dtype=np.int64)
    return base + np.where(np.asarray(cc, dtype=bool), 0, 50)


def target_pdg(name: str) -> int:
    """PDG number of a target name: ``"e-"`` 11, ``"H1"`` 1000010010, nuclei 10LZZZAAAI."""
    if name == "e-":
        return _M_ELECTRON_PDG
    from nuportal.interactions.targets import NUCLEUS_PARAMETERS

    for key, t in NUCLEUS_PARAMETERS.items():
        if key.lower() == name.lower():
            return 1_000_000_000 + 10_000 * t.Z + 10 * t.A
    from particle import Particle

    try:
        return int(Particle.from_name(name).pdgid)
    except Exception:  # particle raises its own ParticleNotFound
        raise ValueError(f"unknown target {name!r}: no PDG number") from None


def _target_mass(name: str) -> float:
    if name == "e-":
        from nuportal.constants import M_ELECTRON

        return M_ELECTRON
    from nuportal.interactions.targets import nucleus_parameters

    try:
        return nucleus_parameters(name).mass
    except ValueError:
        return 0.0


def _digits(values: NDArray[np.int64], width: int) -> NDArray[np.uint8]:
    """Non-negative integers as zero-padded decimal digits (read back as decimal)."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return ((np.asarray(values, dtype=np.int64)[:, None] // powers) % 10 + ord("0")).astype(
        np.uint8
    )


def _floats_or_nan(values: NDArray[np.float64]) -> NDArray[np.uint8]:
    """Like :func:`format_floats`, with NaN written as right-aligned ``nan`` (same width)."""
    v = np.asarray(values, dtype=float)
    nan = np.isnan(v)
    out = format_floats(np.where(nan, 0.0, v))
    if nan.any():
        out[nan] = np.frombuffer(b"nan".rjust(_FLOAT_WIDTH), dtype=np.uint8)
    return out


def _run_header(events, modes_cc: list[tuple[str, bool, int]], extra_cols: list[str]) -> str:
    """Run-information lines; ``extra_cols`` are ``name:kind`` (kind i, f or b)."""
    from nuportal import __version__

    meta = events.metadata
    lines = [
        "HepMC::Version 3.02.05",
        "HepMC::Asciiv3-START_EVENT_LISTING",
        "W CV",
        f"T nuportal\\|{__version__}\\|nuportal.interactions (arXiv:2310.13211 conventions)",
    ]
    conventions = ["G.C.1", "G.C.2", "E.C.1"]
    attrs: dict[str, str] = {}
    if meta.get("pot") is not None:
        conventions.append("G.C.3")
        attrs["NuHepMC.Exposure.POT"] = repr(float(meta["pot"]))
    fatx, scale = flux_averaged_cross_section(events), "PerAtom"
    if fatx is None and meta.get("flux_averaged_total_cross_section_cm2") is not None:
        fatx = float(meta["flux_averaged_total_cross_section_cm2"])  # read from a NuHepMC file
        scale = meta.get("cross_section_target_scale")
    if fatx is not None:
        conventions += ["G.C.4", "G.C.5"]
        attrs["NuHepMC.FluxAveragedTotalCrossSection"] = repr(fatx / 1e-36)  # pb
        attrs["NuHepMC.Units.CrossSection.Unit"] = "pb"
        if scale:
            attrs["NuHepMC.Units.CrossSection.TargetScale"] = str(scale)
    attrs["NuHepMC.Conventions"] = " ".join(conventions)
    attrs["NuHepMC.Exposure.NEvents"] = str(len(events))
    ids = sorted({pid for _, _, pid in modes_cc})
    attrs["NuHepMC.ProcessIDs"] = " ".join(map(str, ids))
    docs = _process_docs()
    for mode, cc, pid in sorted(modes_cc, key=lambda t: t[2]):
        attrs[f"NuHepMC.ProcessInfo[{pid}].Name"] = mode
        current = "CC" if cc else "NC"
        attrs[f"NuHepMC.ProcessInfo[{pid}].Description"] = (
            f"{current} {docs.get(mode) or _DEFAULT_DESCRIPTIONS.get(mode, mode)}"
        )
    attrs["NuHepMC.ParticleStatusIDs"] = " ".join(map(str, PARTICLE_STATUS_INFO))
    for status, (name, description) in PARTICLE_STATUS_INFO.items():
        attrs[f"NuHepMC.ParticleStatusInfo[{status}].Name"] = name
        attrs[f"NuHepMC.ParticleStatusInfo[{status}].Description"] = description
    attrs["NuHepMC.VertexStatusIDs"] = "1"
    attrs["NuHepMC.VertexStatusInfo[1].Name"] = "PrimaryVertex"
    attrs["NuHepMC.VertexStatusInfo[1].Description"] = "The neutrino interaction vertex"
    major, minor, patch = NUHEPMC_VERSION
    attrs["NuHepMC.Version.Major"] = str(major)
    attrs["NuHepMC.Version.Minor"] = str(minor)
    attrs["NuHepMC.Version.Patch"] = str(patch)
    attrs["nuportal.Metadata"] = json.dumps(meta, default=str, sort_keys=True)
    attrs["nuportal.WeightConvention"] = str(meta.get("weight_convention", "generator"))
    attrs["nuportal.EventColumns"] = " ".join(extra_cols)
    for key in sorted(attrs):
        value = attrs[key].replace("\n", " ")
        lines.append(f"A {key} {value}")
    return "\n".join(lines) + "\n"


def flux_averaged_cross_section(events) -> float | None:
    """Flux-averaged total cross section [cm^2 per target atom] of generated events, or None.

    For events of nuportal's generator (weights in events per POT per target unit, metadata
    ``flux`` a shipped table, a single-nucleus material, all non-zero flavours of the flux):
    sum of the weights / integral of the summed flavour fluxes (linear between the table points).
    This is NuHepMC's ``NuHepMC.FluxAveragedTotalCrossSection`` (convention G.C.5): with the
    ``CV`` weights w_i and ``NuHepMC.Exposure.NEvents`` = N, an event stands for
    w_i / sum(w) x FATX of cross section.
    """
    from nuportal.interactions.targets import MATERIALS

    meta = events.metadata
    if meta.get("weight_convention") != "events_per_pot_per_target" or len(events) == 0:
        return None
    target = meta.get("target")
    if target not in MATERIALS or len(MATERIALS[target]) != 1 or MATERIALS[target][0][1] != 1:
        return None
    if meta.get("flavours") is not None:
        return None
    try:
        from nuportal.sources.fluxes import FLAVOUR_COLUMNS, load_flux

        flux = load_flux(str(meta.get("flux")))
    except ValueError:
        return None
    total = sum(np.asarray(flux[f], dtype=float) for f in FLAVOUR_COLUMNS)
    e = np.asarray(flux.E_GeV, dtype=float)
    integral = float(np.sum(0.5 * (total[1:] + total[:-1]) * np.diff(e)))
    if not integral > 0:
        return None
    return float(events.events["weight"].sum()) / integral


def _process_docs() -> dict[str, str]:
    """One-line model descriptions (with references) of the registered processes, by mode."""
    try:
        from nuportal.interactions.processes import PROCESSES
    except ImportError:  # pragma: no cover
        return {}
    docs: dict[str, str] = {}
    for proc in PROCESSES.values():
        if proc.doc and proc.mode not in docs:
            docs[proc.mode] = proc.doc
    return docs


def _render_chunk(
    ev_cols: dict[str, NDArray],
    extra: dict[str, NDArray[np.float64]],
    parts: dict[str, NDArray],
    counts: NDArray[np.int64],
    start: int,
    widths: tuple[int, int, int],
) -> bytes:
    """Bytes of events start .. start + len(counts) - 1 (arrays already sliced to the chunk)."""
    n = len(counts)
    ev_width, count_width, id_width = widths
    head = _Layout(n)
    head.text("E ")
    head.block(_digits(np.arange(start + 1, start + n + 1), ev_width))
    head.text(" 1 ")
    head.block(_digits(counts + 2, count_width))
    head.text("\nU GEV MM\nW")
    head.floats([ev_cols["weight"]])
    head.text("\nA 0 signal_process_id ")
    head.block(_digits(ev_cols["proc_id"], 3))
    head.text("\nA 0 lab_pos")
    head.floats([ev_cols["pos"][:, k] for k in range(3)])
    head.text("\n")
    for name, values in extra.items():
        head.text(f"A 0 nuportal.col.{name} ")
        head.block(_floats_or_nan(values))
        head.text("\n")
    head.text("P 1 0 ")
    head.block(_signed_integers(ev_cols["nu_pdg"]))
    zeros = np.zeros(n)
    head.floats([zeros, zeros, ev_cols["E_nu"], ev_cols["E_nu"], zeros])
    head.text(" 4\nP 2 0 ")
    head.block(_signed_integers(ev_cols["tgt_pdg"]))
    head.floats([zeros, zeros, zeros, ev_cols["tgt_m"], ev_cols["tgt_m"]])
    head.text(" 11\nV -1 1 [1,2] @")
    head.floats([*(ev_cols["pos"][:, k] for k in range(3)), zeros])
    head.text("\n")
    header = head.render()

    m = len(parts["pdg"])
    body = _Layout(m)
    body.text("P ")
    body.block(_digits(parts["local"] + 3, id_width))
    body.text(" -1 ")
    body.block(_signed_integers(parts["pdg"]))
    body.floats([parts["px"], parts["py"], parts["pz"], parts["E"], parts["m"]])
    body.text(" 1\n")
    lines = body.render() if m else np.zeros((0, body.width), dtype=np.uint8)

    H, L = header.shape[1], body.width
    sizes = H + counts * L
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    out = np.empty(int(sizes.sum()), dtype=np.uint8)
    out[offsets[:, None] + np.arange(H)] = header
    if m:
        ev_of = np.repeat(np.arange(n), counts)
        pos = offsets[ev_of] + H + parts["local"] * L
        out[pos[:, None] + np.arange(L)] = lines
    return out.tobytes()


def write_nuhepmc(events, path: str | os.PathLike[str]) -> Path:
    """Write an :class:`~nuportal.interactions.events.InteractionEvents` as a NuHepMC file.

    Parameters
    ----------
    events : InteractionEvents
        The events; ``weight`` becomes the NuHepMC ``CV`` weight (its meaning is the record's
        ``weight_convention``, also written to the run information). Particles with a status
        other than 1 are not written (the beam neutrino and the target are rebuilt from
        ``nu_pdg``, ``E_nu`` and ``target``).
    path : str or path-like
        Output file (``.hepmc3`` by convention); written atomically.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ValueError
        Non-finite momenta or weights, or a mode without a process ID.
    """
    from nuportal.interactions.events import EVENT_COLUMNS

    path = Path(path)
    ev, pa = events.events, events.particles
    n = len(ev)
    pa = pa[pa["status"].to_numpy() == 1]
    proc = process_id(ev["mode"].to_numpy(), ev["cc"].to_numpy())
    targets = ev["target"].astype(str).to_numpy()
    names = sorted(set(targets.tolist()))
    t_pdg = dict(zip(names, (target_pdg(t) for t in names), strict=True))
    t_mass = dict(zip(names, (_target_mass(t) for t in names), strict=True))
    pos = np.zeros((n, 3))
    if all(c in ev for c in ("vtx_x", "vtx_y", "vtx_z")):
        pos = ev[["vtx_x", "vtx_y", "vtx_z"]].to_numpy(dtype=float) * 1e3  # m -> mm
    skip = {"nu_pdg", "E_nu", "target", "mode", "cc", "weight", "vtx_x", "vtx_y", "vtx_z"}
    skip |= {"lep_pdg", "lep_E", "lep_px", "lep_py", "lep_pz"}  # from the particles on reading
    extra_names = [
        c
        for c in ev.columns
        if c not in skip
        and (np.issubdtype(ev[c].dtype, np.number) or ev[c].dtype == bool)
        and (c in EVENT_COLUMNS or c.isidentifier())
    ]
    extra = {c: ev[c].to_numpy(dtype=float) for c in extra_names}
    ev_cols = {
        "weight": ev["weight"].to_numpy(dtype=float),
        "proc_id": proc,
        "pos": pos,
        "nu_pdg": ev["nu_pdg"].to_numpy(dtype=np.int64),
        "E_nu": ev["E_nu"].to_numpy(dtype=float),
        "tgt_pdg": np.array([t_pdg[t] for t in targets.tolist()], dtype=np.int64),
        "tgt_m": np.array([t_mass[t] for t in targets.tolist()], dtype=float),
    }
    idx = pa["event"].to_numpy(dtype=np.int64)
    counts = np.bincount(idx, minlength=n).astype(np.int64)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    E = pa["E"].to_numpy(dtype=float)
    p3 = pa[["px", "py", "pz"]].to_numpy(dtype=float)
    parts = {
        "event": idx,
        "local": np.arange(len(pa)) - first[idx] if len(pa) else np.zeros(0, dtype=np.int64),
        "pdg": pa["pdg"].to_numpy(dtype=np.int64),
        "E": E,
        "px": p3[:, 0],
        "py": p3[:, 1],
        "pz": p3[:, 2],
        "m": np.sqrt(np.clip(E**2 - np.einsum("ij,ij->i", p3, p3), 0.0, None)),
    }
    widths = (
        len(str(max(n, 1))),
        len(str(int(counts.max(initial=0)) + 2)),
        len(str(int(counts.max(initial=0)) + 2)),
    )
    modes_cc = sorted(
        {(m, bool(c), int(p)) for m, c, p in zip(ev["mode"], ev["cc"], proc, strict=True)}
    )
    kinds = [f"{c}:{ev[c].dtype.kind if ev[c].dtype.kind in 'ib' else 'f'}" for c in extra_names]
    header = _run_header(events, modes_cc, kinds)
    with atomic_output(path) as tmp, open(tmp, "wb") as fh:
        fh.write(header.encode())
        for start in range(0, n, _CHUNK):
            stop = min(start + _CHUNK, n)
            lo, hi = first[start], (first[stop] if stop < n else len(pa))
            chunk_parts = {k: v[lo:hi] for k, v in parts.items()}
            fh.write(
                _render_chunk(
                    {k: v[start:stop] for k, v in ev_cols.items()},
                    {k: v[start:stop] for k, v in extra.items()},
                    chunk_parts,
                    counts[start:stop],
                    start,
                    widths,
                )
            )
        fh.write(b"HepMC::Asciiv3-END_EVENT_LISTING\n")
    return path
