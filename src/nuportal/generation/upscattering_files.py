"""Upscattering events into files: chunked writing and the vectorized HepMC3 record.

:func:`write_upscattering` streams the events of
:func:`nuportal.generation.upscattering.iter_upscattering` into parquet, CSV or HepMC3 with the
memory of one chunk; :func:`write_upscattering_hepmc3` writes an in-memory table as HepMC3.
Both are re-exported by :mod:`nuportal.generation.upscattering`.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from nuportal import constants
from nuportal.generation.upscattering import _NU_PDG, iter_upscattering
from nuportal.models.targets import nucleus

__all__ = ["write_upscattering", "write_upscattering_hepmc3"]


def write_upscattering(model, experiment, path, n_events: int = 100_000, **options) -> dict:
    """Upscattering events chunk by chunk straight into a file (memory of one chunk at any n).

    Parameters
    ----------
    model, experiment, n_events
        As for :func:`generate_upscattering`.
    path : str or path-like
        ``.parquet`` (one row group per chunk), ``.csv`` or ``.hepmc3`` (the vectorized writer of
        :func:`write_upscattering_hepmc3`).
    **options
        Keyword arguments of :func:`iter_upscattering` (``flavour``, ``decay``, ``seed``,
        ``chunk_size``, ...).

    Returns
    -------
    dict
        ``n_events``, ``n_chunks``, ``weight_sum`` (events decaying in the detector),
        ``upscatters``, ``metadata`` and ``preview`` (the first chunk, a stratified sample of
        every channel, its weights scaled to the totals: for figures).
    """
    from pathlib import Path

    from nuportal import __version__
    from nuportal.streaming import EventStreamWriter

    chunks = iter_upscattering(model, experiment, n_events, **options)  # validates first
    hepmc3 = Path(path).suffix.lower() in (".hepmc", ".hepmc3")
    upscatters = 0.0
    preview = None
    metadata: dict = {}
    with EventStreamWriter(
        path,
        None,
        deferred=("upscatters",),
        hepmc3_renderer=_hepmc3_renderer if hepmc3 else None,
        hepmc3_tool=("nuportal", __version__, "nuportal.generation.upscattering"),
    ) as out:
        for chunk in chunks:
            if preview is None:
                metadata = dict(chunk.attrs["metadata"])
                out.set_metadata(metadata)
                preview = chunk
            out.write(chunk)
            upscatters += float(chunk["upscattering_weight"].sum())
        out.finish({"upscatters": upscatters})
    metadata["upscatters"] = upscatters
    scaled = preview.copy()
    for column, total in (("weight", out.weight_sum), ("upscattering_weight", upscatters)):
        first = float(preview[column].sum())
        if first > 0:
            scaled[column] *= total / first
    scaled.attrs["metadata"] = metadata
    return {
        "n_events": out.n_events,
        "n_chunks": out.n_chunks,
        "weight_sum": out.weight_sum,
        "upscatters": upscatters,
        "metadata": metadata,
        "preview": scaled,
    }


def _target_pdg(nucleus_names: NDArray, processes: NDArray) -> NDArray[np.int64]:
    """PDG numbers of the scattering targets: 2212 for a proton, 100ZZZAAA0 for a nucleus."""
    out = np.full(len(nucleus_names), 2212, dtype=np.int64)
    for name in np.unique(nucleus_names):
        nuc = nucleus(str(name))
        code = 2212 if nuc.is_nucleon else 1_000_000_000 + 10_000 * nuc.Z + 10 * nuc.A
        out[(nucleus_names == name) & (processes == "coherent")] = code
    return out


def write_upscattering_hepmc3(events: pd.DataFrame, path) -> None:
    """Write upscattering events to HepMC3 ASCII (vectorized, :func:`nuportal.hepmc3.write_hepmc3`).

    Topology: the beam neutrino and the target (a nucleus, or a proton for elastic scattering on
    protons; status 4) meet at the scattering vertex (positions in mm); N (PDG 9900012 for N4,
    9900014 for N5, the HeavyN convention of arXiv:1411.7305; status 2) and the recoil (status 1)
    leave it; N decays at the second vertex into the neutrino (or N4) and the visible particles
    (status 1). Masses are the nominal ones. The event weight is ``weight``; the run attributes
    carry the metadata.
    """
    from nuportal import __version__
    from nuportal.hepmc3 import write_hepmc3

    particles, vertices, weights = _hepmc3_records(events)
    meta = events.attrs.get("metadata", {})
    attributes = {f"nuportal.{k}": json.dumps(v) for k, v in meta.items()}
    write_hepmc3(path, particles, vertices, weights, attributes=attributes,
                 tool=("nuportal", __version__, "nuportal.generation.upscattering"))  # fmt: skip


def _hepmc3_renderer(events: pd.DataFrame, first_number: int):
    """HepMC3 bytes of a chunk of upscattering events (for the streaming writer)."""
    from nuportal.hepmc3 import render_events

    particles, vertices, weights = _hepmc3_records(events)
    return render_events(particles, vertices, weights, first_number=first_number)


def _hepmc3_records(events: pd.DataFrame):
    """Particles, vertices and weights of upscattering events for :mod:`nuportal.hepmc3`."""
    from nuportal.hepmc3 import HepMCParticle, HepMCVertex

    meta = events.attrs.get("metadata", {})
    flavour = meta.get("flavour", "mu")
    nu_pdg = _NU_PDG[flavour]
    four = lambda name: events[[f"{name}_{c}" for c in ("E", "px", "py", "pz")]].to_numpy()  # noqa: E731
    targets = _target_pdg(events["nucleus"].to_numpy(), events["process"].to_numpy())
    target_mass = np.where(
        targets == 2212, nucleus("proton").mass,
        np.array([nucleus(str(x)).mass for x in events["nucleus"]]),
    )  # fmt: skip
    n = len(events)
    at_rest = np.column_stack([target_mass, np.zeros((n, 3))])
    m4 = float(np.sqrt(max(four("parent")[0] @ (four("parent")[0] * [1, -1, -1, -1]), 0.0)))
    # PDG numbers of heavy neutral leptons: the HeavyN convention (arXiv:1411.7305), N4 ->
    # 9900012 and, in a 3+2 model, N5 -> 9900014
    parent_pdg = 9900014 if meta.get("hnl", 4) == 5 else 9900012
    if flavour.endswith("bar"):  # Nbar from an antineutrino beam
        parent_pdg = -parent_pdg
    neutral = ("N4", 9900012 * np.sign(parent_pdg)) if "N4_E" in events else ("nu", nu_pdg)
    if "N4_E" in events:
        n4 = four("N4")[0]
        neutral_mass = float(np.sqrt(max(n4 @ (n4 * [1, -1, -1, -1]), 0.0)))
    else:
        neutral_mass = 0.0
    if "gamma_E" in events:
        visible = [(22, "gamma", 0.0)]
    elif "mu_minus_E" in events:
        m_mu = constants.mass("mu-")
        visible = [(13, "mu_minus", m_mu), (-13, "mu_plus", m_mu)]
    else:
        m_e = constants.mass("e-")
        visible = [(11, "e_minus", m_e), (-11, "e_plus", m_e)]
    particles = [
        HepMCParticle(nu_pdg, four("nu_in"), 0.0, 4),
        HepMCParticle(targets, at_rest, target_mass, 4),
        HepMCParticle(parent_pdg, four("parent"), m4, 2, 1),
        HepMCParticle(targets, four("recoil"), target_mass, 1, 1),
        HepMCParticle(neutral[1], four(neutral[0]), neutral_mass, 1, 2),
    ] + [HepMCParticle(pdg, four(name), mass, 1, 2) for pdg, name, mass in visible]
    mm = 1e3
    vertices = [
        HepMCVertex(events[["scatter_x", "scatter_y", "scatter_z"]].to_numpy() * mm, (1, 2)),
        HepMCVertex(events[["vertex_x", "vertex_y", "vertex_z"]].to_numpy() * mm, (3,)),
    ]
    return particles, vertices, events["weight"].to_numpy()
