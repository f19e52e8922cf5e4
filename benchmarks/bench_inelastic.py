"""Samplers of the inelastic modes (resonant, non-resonant pions, DIS) and the M_A_RES knob.

    python benchmarks/bench_inelastic.py [--n 50000] [--loop-events 200]

1. ``_sampler.sample`` for each mode on Ar40 (Fermi motion, pi0 decays, particles table) at
   energies uniform in 1-10 GeV, after the cross-section tables are built (their one-off
   cost is printed too), against the same sampler called once per event (the per-event loop
   reference, ``--loop-events`` events, scaled).
2. The M_A_RES reweighting knob on 1e6 resonant events (stored tensor contractions) and
   from the kinematics alone (no stored contractions).

Rates per wall-clock second and per CPU second of this process (``time.process_time``;
single-threaded numpy).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from nuportal.interactions import _sampler as S  # noqa: E402
from nuportal.interactions.reweight import reweight  # noqa: E402


def _timed(fn):
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w0, time.process_time() - c0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=50_000)
    ap.add_argument("--loop-events", type=int, default=200)
    args = ap.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    rng = np.random.default_rng(1)
    E = rng.uniform(1.0, 10.0, args.n)
    for kind in ("res", "nonres_pion", "dis"):
        _, wall, _ = _timed(lambda k=kind: S.sample(k, E[:10], 14, "Ar40", rng, True))
        print(f"{kind:12s} tables (one-off): {wall:6.2f} s")
        (ev, _), wall, cpu = _timed(lambda k=kind: S.sample(k, E, 14, "Ar40", rng, True))
        m = args.loop_events
        _, lwall, lcpu = _timed(lambda k=kind, m=m: [
            S.sample(k, E[i:i + 1], 14, "Ar40", rng, True) for i in range(m)])
        gain = (args.n / cpu) / (m / lcpu)
        print(f"{kind:12s} vectorized {args.n / wall:9.0f} ev/s wall {args.n / cpu:9.0f} ev/s "
              f"CPU | per-event loop {m / lwall:7.0f} ev/s wall | x{gain:.0f}")
    ev, _ = S.sample("res", E[:20_000], 14, "Ar40", rng, True)
    big = pd.concat([ev] * 50, ignore_index=True)
    _, wall, cpu = _timed(lambda: reweight(big, M_A_RES=1.25))
    print(f"M_A_RES reweight, {len(big):.0e} events, stored contractions: {wall:.2f} s wall, "
          f"{cpu:.2f} s CPU")
    slim = big.drop(columns=list(S._T_COLUMNS)).iloc[:200_000]
    _, wall, cpu = _timed(lambda: reweight(slim, M_A_RES=1.25))
    print(f"M_A_RES reweight, {len(slim):.0e} events, from kinematics: {wall:.2f} s wall, "
          f"{cpu:.2f} s CPU")


if __name__ == "__main__":
    main()
