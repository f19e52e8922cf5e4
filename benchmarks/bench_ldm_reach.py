"""Seconds for a full light-dark-matter reach curve at the DUNE ND, against the naive approach.

    python benchmarks/bench_ldm_reach.py [--masses 40] [--workers 2]

Ours: the neutrino background once, then per mass the chi e signal once at a reference coupling
(rescaled as y^2) and the pyhf reach of every configuration (on axis with all POT, 0, 7.5, 15,
22.5, 30 m with their shares, PRISM) for the rate and spectral analyses, the masses spread over
``--workers`` processes. Reference, in the same run: the naive scan that regenerates the signal
at every coupling it tries (8 couplings per mass, the number a bisection needs for a 10 %
answer), timed on 2 masses and scaled to the full curve.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import warnings

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--masses", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    warnings.simplefilter("ignore", UserWarning)

    from nuportal.inference.light_dark_matter import ldm_signal
    from nuportal.inference.light_dark_matter.background import nu_electron_background
    from nuportal.inference.light_dark_matter.reach import RunPlan, ldm_reach

    plan = RunPlan(position_shares={0.0: 0.5, 7.5: 0.125, 15.0: 0.125, 22.5: 0.125, 30.0: 0.125})
    masses = np.geomspace(0.003, 0.3, args.masses)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    t0 = time.perf_counter()
    background = nu_electron_background(plan.positions, n_events=100_000, seed=1)
    t1 = time.perf_counter()
    reach = ldm_reach(masses, plan=plan, workers=args.workers, background=background,
                      progress=False)
    t2 = time.perf_counter()
    n_fits = len(reach)
    print(f"background: {t1 - t0:.1f} s; {args.masses} masses x {n_fits // args.masses} "
          f"(configuration, analysis) reaches: {t2 - t1:.1f} s; total {t2 - t0:.1f} s")

    # reference: regenerate the signal at each of 8 couplings, for 2 masses
    t3 = time.perf_counter()
    for m in masses[[5, 20]]:
        for eps in np.geomspace(1e-5, 1e-3, 8):
            ldm_signal(m, 3 * m, epsilon=eps, positions=plan.positions,
                       channels=["pi0_3body", "eta_3body", "proton_brem"], n_events=30_000,
                       seed=1)
    per_mass = (time.perf_counter() - t3) / 2
    naive = (t1 - t0) + per_mass * args.masses / args.workers
    print(f"naive (signal per coupling): {per_mass:.1f} s per mass -> {naive:.0f} s for the "
          f"curve on {args.workers} workers; ours x{naive / (t2 - t0):.1f} faster")
    on = reach[reach.configuration.isin(["on-axis (all POT)", "PRISM"])]
    print(on.pivot_table(index="m_chi", columns=["configuration", "analysis"],
                         values="y_limit").iloc[::8].to_string(float_format=lambda v: f"{v:.3g}"))


if __name__ == "__main__":
    main()
