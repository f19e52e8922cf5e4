"""Seconds per full MicroBooNE KDAR recast (all default masses, all three efficiency methods).

Reference in the same run: the band solve at one mass with the rate summed by a plain per-event
Python loop (math.exp per event, as a notebook would), extrapolated to all masses and methods.

    python benchmarks/bench_recast.py [--repeat 3] [--n-events 20000]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time

import numpy as np

import nuportal
from nuportal.analysis.reconstruct import DetectorResponse
from nuportal.detectors import get_detector
from nuportal.generation.pipeline import kdar_production
from nuportal.models import HeavyNeutralLepton
from nuportal.recast.kdar_events import simulate_kdar_decays as _simulate
from nuportal.recast.rate_matching import PowerLawScaling, signal_rate, solve_excluded_band


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if "model name" in line)
    except (OSError, StopIteration):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}, nuportal {nuportal.__version__}"
    )


def loop_rate_solve(mass: float, n_events: int) -> tuple[float, float]:
    """Seconds for one band solve with the rate summed by a per-event Python loop, and with
    nuportal's vectorized rate, on the same simulated events."""
    sim = _simulate(
        "hnl",
        mass,
        "mu",
        True,
        n_events,
        get_detector("microboone"),
        DetectorResponse(),
        [1],
        "numpy",
    )
    prod = kdar_production("hnl", mass, 1.0, "mu")
    hnl = HeavyNeutralLepton(mass, U2_mu=1.0)
    g_vis, g_tot = float(hnl.width_nu_ll("e")), float(hnl.total_width)
    hbarc = nuportal.constants.HBARC
    w, a, b = sim.acceptance_weight.tolist(), sim.l_in.tolist(), sim.l_out.tolist()

    def rate(u2s):
        out = []
        for u2 in np.atleast_1d(u2s):
            lam = sim.momentum * hbarc / (sim.mass * g_tot * u2)
            total = 0.0
            for wi, ai, bi in zip(w, a, b, strict=True):
                total += wi * (math.exp(-ai / lam) - math.exp(-bi / lam))
            out.append(prod.branching_ratio * u2 * g_vis / g_tot * total * 0.1)
        return np.array(out)

    scaling = PowerLawScaling(prod.branching_ratio, g_vis, g_tot)
    inputs = sim.rate_inputs(0.1)

    def vectorized(u2s):
        return signal_rate(u2s, scaling, **inputs)

    target = float(rate(1e-7)[0])
    timings = []
    for func in (rate, vectorized):
        t0 = time.perf_counter()
        band = solve_excluded_band(func, target, 1e-9, 1.0, points_per_decade=2)
        timings.append(time.perf_counter() - t0)
        print(f"  {func.__name__:10s}: band {band.lower:.4e} - {band.upper:.4e}")
    return timings[0], timings[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--n-events", type=int, default=20_000)
    args = parser.parse_args()
    print(machine())
    nuportal.recast.microboone_kdar(efficiency="all", masses=[0.1], n_events=1000)  # warm-up
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        out = nuportal.recast.microboone_kdar(efficiency="all", n_events=args.n_events)
        times.append(time.perf_counter() - t0)
    n_masses = out["mass_GeV"].nunique()
    best = min(times)
    print(
        f"full recast: {n_masses} masses x 3 methods, {args.n_events} events per mass and model: "
        f"best {best:.2f} s, median {np.median(times):.2f} s of {args.repeat}"
    )
    worst = out.efficiency_N_rel_error.max()
    print(f"  largest per-mass relative statistical error on eps_N: {worst:.4f}")
    print("band solve at 0.2 GeV on the same events:")
    t_loop, t_vec = loop_rate_solve(0.2, args.n_events)
    print(
        f"  per-event Python loop {t_loop:.3f} s, vectorized {t_vec:.4f} s: "
        f"{t_loop / t_vec:.0f}x; the loop would add ~{t_loop * n_masses * 2:.0f} s to a recast"
    )


if __name__ == "__main__":
    main()
