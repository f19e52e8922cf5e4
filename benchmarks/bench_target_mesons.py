"""Throughput of the meson samplers of ``nuportal.sources.target`` (mesons per second, one core).

For each (beam, species) the vectorized :func:`~nuportal.sources.target.sample_mesons` is timed
on ``--n`` mesons (best of ``--repeat``; the one-off table build is reported separately) and
compared, in the same run, with a plain per-event Python loop (``math`` module) doing the same
work per meson: pick a cell of the same table by bisection of its cumulative sum, a point inside
it, the importance weight from the same cross-section formula, the four-momentum and the
production depth. The loop runs on ``--loop-n`` mesons and is extrapolated; its first mesons are
checked against the vectorized formula.

Usage: python benchmarks/bench_target_mesons.py [--n 1000000] [--loop-n 20000]
Target: >= 1e6 mesons per second per core.
"""

from __future__ import annotations

import argparse
import bisect
import math
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np

from nuportal import constants
from nuportal.sources.target import bmpt, get_beam, sample_mesons
from nuportal.sources.target.mesons import _N_LNT, MASS, _species_table


def _bmpt_pi_plus_loop(p, cos_t, sin_t, p_beam, a_mass):
    """E d3s/dp3 (pi+) with nuclear scaling for one meson, scalar Python."""
    par = bmpt.PION
    mp = constants.mass("p")
    s = 2.0 * mp * (mp + math.hypot(p_beam, mp))
    e_sum = math.hypot(p_beam, mp) + mp
    energy = math.sqrt(p * p + par.mass**2)
    x = 2.0 * (e_sum * energy - p_beam * p * cos_t) / (s + par.mass**2 - 1.88**2)
    if not 0.0 < x < 1.0:
        return 0.0, energy
    p_t = p * sin_t
    a1 = par.a / x**par.gamma
    b1 = par.a * par.a / (2.0 * x**par.delta)
    val = (par.A * (1 - x) ** par.alpha * (1 + par.B * x) * x**-par.beta
           * (1 + a1 * p_t + b1 * p_t * p_t) * math.exp(-a1 * p_t))  # fmt: skip
    x_f = max(-1.0, min(1.0, 2.0 * (e_sum * p * cos_t - p_beam * energy) / s))
    alpha = (0.74 - 0.55 * x_f + 0.26 * x_f * x_f) * (0.98 + 0.21 * p_t)
    return val * (a_mass / 9.0) ** alpha, energy


def python_loop(beam, n, seed):
    """Per-meson Python loop for pi+ on a BMPT beam; returns (momenta list, weights list)."""
    table, _ = _species_table(beam, "pi+")
    cdf = np.cumsum(table.cell_mass).tolist()
    total = cdf[-1]
    lnp, lnt = table.lnp_edges.tolist(), table.lnt_edges.tolist()
    dlp, dlt = lnp[1] - lnp[0], lnt[1] - lnt[0]
    mass = table.cell_mass.tolist()
    lam, prob = beam.interaction_length, beam.interaction_probability
    rng = np.random.default_rng(seed)
    u = rng.random((n, 5)).tolist()
    out, weights = [], []
    for u0, u1, u2, u3, u4 in u:
        cell = bisect.bisect_right(cdf, u0 * total)
        i, j = divmod(cell, _N_LNT)
        p = math.exp(lnp[i] + dlp * u1)
        theta = math.exp(lnt[j] + dlt * u2)
        sin_t, cos_t = math.sin(theta), math.cos(theta)
        inv, energy = _bmpt_pi_plus_loop(p, cos_t, sin_t, beam.proton_energy, beam.mass_number)
        dens = inv * p * p / energy * 2 * math.pi * sin_t * p * theta
        weights.append(dens * dlp * dlt / mass[cell])
        phi = 2 * math.pi * u3
        e = math.sqrt(p * p + MASS["pi+"] ** 2)
        z = -lam * math.log1p(-u4 * prob)
        out.append((e, p * sin_t * math.cos(phi), p * sin_t * math.sin(phi), p * cos_t, z))
    return out, weights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--loop-n", type=int, default=20_000)
    args = parser.parse_args()

    print("rates per core: wall clock and process CPU time (the CPU rate is what one core does;")
    print("on a shared machine the wall-clock rate is lower)")
    print(f"{'beam':6s} {'species':7s} {'table build':>12s} {'wall /s':>10s} {'CPU /s':>10s}")
    cases = [("lbnf", "pi+"), ("lbnf", "pi0"), ("lbnf", "K+"), ("lbnf", "eta"), ("numi", "pi0"),
             ("bnb", "pi+"), ("bnb", "K+"), ("bnb", "pi0")]  # fmt: skip
    for beam_name, species in cases:
        t0 = time.perf_counter()
        sample_mesons(beam_name, species, n=10, seed=0)
        build = time.perf_counter() - t0
        best, best_cpu = math.inf, math.inf
        for r in range(args.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            sample_mesons(beam_name, species, n=args.n, seed=r)
            best = min(best, time.perf_counter() - t0)
            best_cpu = min(best_cpu, time.process_time() - c0)
        print(
            f"{beam_name:6s} {species:7s} {build:10.3f} s {args.n / best:10.3g} "
            f"{args.n / best_cpu:10.3g}"
        )

    beam = get_beam("lbnf")
    c0 = time.process_time()
    momenta, _weights = python_loop(beam, args.loop_n, 1)
    loop = time.process_time() - c0
    rate_loop = args.loop_n / loop
    # cross-check: the loop's weight formula equals the vectorized one on its own mesons
    mom = np.array(momenta)[:200]
    p = np.linalg.norm(mom[:, 1:4], axis=1)
    theta = np.arccos(mom[:, 3] / p)
    ref = bmpt.invariant_cross_section("pi+", p, theta, 120.0, 12.0)
    mine = [
        _bmpt_pi_plus_loop(pi, math.cos(t), math.sin(t), 120.0, 12.0)[0]
        for pi, t in zip(p, theta, strict=True)
    ]
    assert np.allclose(mine, ref, rtol=1e-10), "loop and vectorized formulas differ"
    c0 = time.process_time()
    sample_mesons(beam, "pi+", n=args.n, seed=5)
    vec = args.n / (time.process_time() - c0)
    print(
        f"\nper-meson Python loop (lbnf pi+, {args.loop_n} mesons): {rate_loop:.3g} mesons/s (CPU)"
    )
    print(f"vectorized sample_mesons (lbnf pi+, {args.n} mesons):     {vec:.3g} mesons/s (CPU) "
          f"(x{vec / rate_loop:.0f})")  # fmt: skip


if __name__ == "__main__":
    main()
