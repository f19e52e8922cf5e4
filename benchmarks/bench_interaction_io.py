"""Reconstructed observables and NuHepMC input/output of interaction events, per core.

    python benchmarks/bench_interaction_io.py [--n 100000] [--loop-events 5000]

1. :func:`nuportal.interactions.observables.observables` (every reconstructed quantity) on a
   synthetic record of ``--n`` events with 1-6 hadrons each, against a per-event Python loop
   computing the visible hadronic energy and the missing p_T of each event (the reference).
2. :func:`nuportal.interactions.nuhepmc.write_nuhepmc` on the same record, against a per-event
   pyhepmc writer (``--loop-events`` events, scaled); then
   :func:`nuportal.interactions.readers.read_nuhepmc` on the written file.

Rates are given per wall-clock second and per CPU second of this process (``time.process_time``;
single-threaded numpy), the latter being the per-core rate on a shared machine.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import platform  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from nuportal.constants import M_MUON, mass  # noqa: E402
from nuportal.interactions.events import InteractionEvents  # noqa: E402
from nuportal.interactions.nuhepmc import write_nuhepmc  # noqa: E402
from nuportal.interactions.observables import (  # noqa: E402
    Visibility,
    observables,
    visible_energy,
)
from nuportal.interactions.readers import read_nuhepmc  # noqa: E402

_MASSES = {2212: mass("p"), 2112: mass("n"), 211: mass("pi+"), 111: mass("pi0"), 22: 0.0}


def synthetic_record(n: int, seed: int = 1) -> InteractionEvents:
    """n nu_mu CC events on argon: a muon and 1-6 hadrons with random momenta."""
    rng = np.random.default_rng(seed)
    k = rng.integers(1, 7, size=n)
    m = int(k.sum())
    lep = rng.normal(0.0, 0.3, size=(n, 3)) + np.array([0.0, 0.0, 1.5])
    lep_E = np.sqrt(np.sum(lep**2, axis=1) + M_MUON**2)
    pdg = rng.choice(np.array(list(_MASSES)), size=m)
    p3 = rng.normal(0.0, 0.3, size=(m, 3))
    E = np.sqrt(np.sum(p3**2, axis=1) + np.vectorize(_MASSES.get)(pdg) ** 2)
    ev_idx = np.repeat(np.arange(n), k)
    events = pd.DataFrame(
        {
            "nu_pdg": np.full(n, 14),
            "E_nu": lep_E + 1.0,
            "target": "Ar40",
            "hit_nucleon_pdg": np.full(n, 2112),
            "mode": "dis",
            "cc": np.ones(n, dtype=bool),
            "weight": np.full(n, 1e-39),
            **{c: np.zeros(n) for c in ("q0", "q3", "Q2", "W", "x", "y")},
            "lep_pdg": np.full(n, 13),
            "lep_E": lep_E,
            "lep_px": lep[:, 0],
            "lep_py": lep[:, 1],
            "lep_pz": lep[:, 2],
        }
    )
    lep_rows = pd.DataFrame(
        {
            "event": np.arange(n),
            "pdg": 13,
            "E": lep_E,
            "px": lep[:, 0],
            "py": lep[:, 1],
            "pz": lep[:, 2],
        }
    )
    had_rows = pd.DataFrame(
        {"event": ev_idx, "pdg": pdg, "E": E, "px": p3[:, 0], "py": p3[:, 1], "pz": p3[:, 2]}
    )
    parts = pd.concat([lep_rows, had_rows]).sort_values("event", kind="stable")
    parts["status"] = 1
    return InteractionEvents(
        events, parts.reset_index(drop=True), {"weight_convention": "generator"}
    )


def loop_reference(rec: InteractionEvents, n_events: int) -> tuple[np.ndarray, np.ndarray]:
    """Visible hadronic energy and missing p_T, one event at a time (the reference)."""
    vis = Visibility()
    ev, pa = rec.events, rec.particles
    idx = pa["event"].to_numpy()
    bounds = np.searchsorted(idx, np.arange(n_events + 1))
    pdg, E = pa["pdg"].to_numpy(), pa["E"].to_numpy()
    p3 = pa[["px", "py", "pz"]].to_numpy()
    e_had, pt = np.zeros(n_events), np.zeros(n_events)
    for i in range(n_events):
        lo, hi = bounds[i], bounds[i + 1]
        total = np.array([ev["lep_px"].iat[i], ev["lep_py"].iat[i], 0.0])
        for j in range(lo + 1, hi):  # the lepton is first
            energy, seen = visible_energy([pdg[j]], [E[j]], p3[j : j + 1], vis)
            e_had[i] += energy[0]
            if seen[0]:
                total[:2] += p3[j, :2]
        pt[i] = np.hypot(total[0], total[1])
    return e_had, pt


def write_loop(rec: InteractionEvents, path: Path, n_events: int) -> None:
    """The same content written event by event with pyhepmc (the reference writer)."""
    import pyhepmc

    ev, pa = rec.events, rec.particles
    idx = pa["event"].to_numpy()
    bounds = np.searchsorted(idx, np.arange(n_events + 1))
    with pyhepmc.open(path, "w") as f:
        for i in range(n_events):
            g = pyhepmc.GenEvent(pyhepmc.Units.GEV, pyhepmc.Units.MM)
            g.event_number = i + 1
            g.weights = [float(ev["weight"].iat[i])]
            g.attributes["signal_process_id"] = 600
            v = pyhepmc.GenVertex()
            v.status = 1
            e_nu = float(ev["E_nu"].iat[i])
            v.add_particle_in(pyhepmc.GenParticle((0, 0, e_nu, e_nu), 14, 4))
            v.add_particle_in(pyhepmc.GenParticle((0, 0, 0, 37.2), 1000180400, 11))
            for j in range(bounds[i], bounds[i + 1]):
                row = pa.iloc[j]
                v.add_particle_out(
                    pyhepmc.GenParticle((row.px, row.py, row.pz, row.E), int(row.pdg), 1)
                )
            g.add_vertex(v)
            f.write(g)


def _timed(fn, *args):
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn(*args)
    return out, time.perf_counter() - w0, time.process_time() - c0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--loop-events", type=int, default=5000)
    args = parser.parse_args()
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    rec = synthetic_record(args.n)
    print(f"record: {len(rec)} events, {len(rec.particles)} particles")
    table, wall, cpu = _timed(observables, rec)
    print(
        f"observables (vectorized): {args.n / wall:.3g} events/s wall, {args.n / cpu:.3g} per CPU s"
    )
    (e_had, pt), lwall, lcpu = _timed(loop_reference, rec, args.loop_events)
    k = args.loop_events
    np.testing.assert_allclose(e_had, table["E_had_vis"].to_numpy()[:k], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(pt, table["pt_miss"].to_numpy()[:k], rtol=1e-9, atol=1e-12)
    print(f"per-event loop (E_had, p_T^miss only): {k / lwall:.3g} events/s wall, "
          f"{k / lcpu:.3g} per CPU s; vectorized/loop (CPU) = "
          f"{(args.n / cpu) / (k / lcpu):.0f}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.hepmc3"
        _, wall, cpu = _timed(write_nuhepmc, rec, path)
        size = path.stat().st_size / 1e6
        print(f"write_nuhepmc: {args.n / wall:.3g} events/s wall, {args.n / cpu:.3g} per CPU s "
              f"({size:.0f} MB)")  # fmt: skip
        _, lwall, lcpu = _timed(write_loop, rec, Path(tmp) / "loop.hepmc3", k)
        print(f"pyhepmc per-event writer: {k / lwall:.3g} events/s wall, {k / lcpu:.3g} per CPU s; "
              f"ratio (CPU) = {(args.n / cpu) / (k / lcpu):.0f}")  # fmt: skip
        back, wall, cpu = _timed(read_nuhepmc, path)
        assert len(back) == args.n
        print(f"read_nuhepmc: {args.n / wall:.3g} events/s wall, {args.n / cpu:.3g} per CPU s")


if __name__ == "__main__":
    main()
