"""Speed of the dark-photon flux from a proton target (all channels, one mass).

Runs :func:`nuportal.sources.target.dark_photons.target_dark_photons` for the LBNF target at one
A' mass with every open channel and counts the flux through DUNE ND-LAr on axis (7 x 3 x 5 m at
574 m). The number of events per channel is raised until the total accepted flux has a relative
statistical error <= 1 % (standard error of the weighted sum); the script prints the wall time
of that run, the error of every channel, and events/s.

Reference: the same pi0 -> gamma A' channel with a plain per-event Python loop (one meson at a
time: two-body decay with math, boost, ray-box test), on a subsample, events/s compared.

Usage: python benchmarks/bench_target_dark_photons.py [--mass 0.09] [--target-error 0.01]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import time

import numpy as np

from nuportal import constants
from nuportal.models.dark_photon import br_meson_to_gamma_dark_photon
from nuportal.sources.target import get_beam, sample_mesons
from nuportal.sources.target.dark_photons import target_dark_photons
from nuportal.sources.target.detector_flux import detector_flux, nd_lar_box


def accepted_error(df, box):
    """Total accepted flux per POT, its standard error, and per-channel relative errors."""
    flux = detector_flux(df, box)
    w = df["weight"].to_numpy()
    hit = flux.hit
    total = float((w * hit).sum())
    per = {}
    err2 = 0.0
    for name, rows in df.groupby("channel"):
        idx = rows.index.to_numpy()
        wh = w[idx] * hit[idx]
        n = len(idx)
        e2 = float(wh.var() * n)  # variance of the sum of n independent rows
        err2 += e2
        per[name] = (float(wh.sum()), math.sqrt(e2) / wh.sum() if wh.sum() > 0 else math.inf)
    return total, math.sqrt(err2), per


def loop_reference(beam, mass, n, seed=1):
    """pi0 -> gamma A' and the ND-LAr test, one meson at a time in plain Python."""
    mesons = sample_mesons(beam, "pi0", n=n, seed=seed)
    m_p = constants.M_PI0
    br = br_meson_to_gamma_dark_photon("pi0", mass, 1e-4)
    p_star = (m_p**2 - mass**2) / (2 * m_p)
    e_star = math.sqrt(p_star**2 + mass**2)
    lo = (-3.5, -1.5, 574.0)
    hi = (3.5, 1.5, 579.0)
    rnd = random.Random(seed)
    total = 0.0
    start = time.process_time()
    for (e, px, py, pz), (x0, y0, z0), w in zip(
        mesons.momenta.tolist(), mesons.positions.tolist(), mesons.weights.tolist(), strict=True
    ):
        c = rnd.uniform(-1, 1)
        s = math.sqrt(1 - c * c)
        phi = rnd.uniform(0, 2 * math.pi)
        d = (p_star * s * math.cos(phi), p_star * s * math.sin(phi), p_star * c)
        bx, by, bz = px / e, py / e, pz / e
        b2 = bx * bx + by * by + bz * bz
        g = 1 / math.sqrt(1 - b2)
        bp = bx * d[0] + by * d[1] + bz * d[2]
        f = (g - 1) * bp / b2 + g * e_star
        q = (d[0] + f * bx, d[1] + f * by, d[2] + f * bz)
        t_near, t_far = 0.0, math.inf
        for o, v, a, b in zip((x0, y0, z0), q, lo, hi, strict=True):
            if v == 0:
                if not a <= o <= b:
                    t_near = math.inf
                continue
            t1, t2 = (a - o) / v, (b - o) / v
            t_near = max(t_near, min(t1, t2))
            t_far = min(t_far, max(t1, t2))
        if t_far > t_near:
            total += w * br
    return total, time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mass", type=float, default=0.09)
    parser.add_argument("--target-error", type=float, default=0.01)
    parser.add_argument("--n-loop", type=int, default=100_000)
    args = parser.parse_args()
    beam = get_beam("lbnf")
    box = nd_lar_box(0.0)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, numpy {np.__version__}; load average "
          f"{os.getloadavg()[0]:.1f}")  # fmt: skip
    target_dark_photons(beam, args.mass, 1e-4, channels=("pi0",), n_events=1000, seed=0)  # warm up
    n = 100_000
    while True:
        start, cpu0 = time.perf_counter(), time.process_time()
        df = target_dark_photons(beam, args.mass, 1e-4, n_events=n, seed=1)
        run = time.perf_counter() - start
        total, err, per = accepted_error(df, box)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu0
        rel = err / total
        print(f"n_events/channel {n:>8d}: {elapsed:6.2f} s wall, {cpu:6.2f} s CPU (generation "
              f"{run:.2f} s wall), accepted A'/POT {total:.4g} +- {100 * rel:.2f} %")  # fmt: skip
        if rel <= args.target_error:
            break
        n = int(n * min(8.0, 1.1 * (rel / args.target_error) ** 2))
    for name, (value, r) in per.items():
        print(f"  {name:22s} {value:.4g} A'/POT in ND-LAr, rel. error {100 * r:.2f} %")
    rows = len(df)
    print(f"all channels, m_A' = {args.mass:g} GeV, {100 * rel:.2f} % error: {elapsed:.1f} s wall, "
          f"{cpu:.1f} s CPU ({rows / cpu:.3g} A' rows per CPU second)")  # fmt: skip
    # per-event reference vs the vectorized pi0 channel on the same number of mesons
    ref_total, ref_time = loop_reference(beam, args.mass, args.n_loop)
    start = time.process_time()
    vec = target_dark_photons(beam, args.mass, 1e-4, channels=("pi0",), n_events=args.n_loop,
                              seed=1)  # fmt: skip
    vec_flux = detector_flux(vec, box)
    vec_time = time.process_time() - start
    rate = args.n_loop / vec_time
    print(f"pi0 channel, {args.n_loop} mesons, CPU: vectorized {rate:.3g} events/s "
          f"(incl. meson sampling), per-event loop {args.n_loop / ref_time:.3g} events/s "
          f"(decay + ray test only): x{ref_time / vec_time:.1f}; accepted A'/POT "
          f"{vec_flux.accepted_per_pot:.4g} vs loop {ref_total:.4g}")  # fmt: skip


if __name__ == "__main__":
    main()
