"""Throughput of the neutrinophilic-scalar stages, each against a plain reference in the same run.

    python benchmarks/bench_neutrinophilic.py [--n 100000]

1. Exact quasi-elastic emission sampler (nu Ar -> mu+ phi n, Dirac-matrix tensors vectorized in
   blocks) in events/s, against the same sampler called once per event (the per-event loop).
2. M+ -> l+ nu phi width with the full matrix element (2-d Gauss-Legendre, vectorized) in masses/s,
   against scipy.integrate.dblquad of the same Sigma (in ln m^2_{nu phi}, to 1e-9).
3. Collinear emission generator for the inelastic CC channels (events/s, all processes).
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()

    from nuportal.inference.neutrinophilic.qe_emission import sample_qe_emission
    from nuportal.inference.neutrinophilic.signal import emission_inelastic
    from nuportal.models.neutrinophilic import meson_decays as md

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    E = np.random.default_rng(1).uniform(0.5, 10.0, args.n)
    t0 = time.perf_counter()
    sample_qe_emission(E, 0.1, 14, "Ar40", 1)
    t1 = time.perf_counter()
    n_loop = 300
    for i in range(n_loop):
        sample_qe_emission(E[i : i + 1], 0.1, 14, "Ar40", i)
    t2 = time.perf_counter()
    fast, slow = args.n / (t1 - t0), n_loop / (t2 - t1)
    print(f"QE emission sampler: {fast:,.0f} events/s vectorized; per-event loop {slow:,.0f} "
          f"events/s ({fast / slow:.0f}x)")

    masses = np.linspace(0.01, 0.35, 40)
    md._width_g1.cache_clear()
    t0 = time.perf_counter()
    w = [md.width_meson_to_lepton_nu_phi("K+", "mu", m) for m in masses]
    t1 = time.perf_counter()
    from scipy import integrate

    from nuportal.kinematics.phase_space import dalitz_limits

    mes = md._meson("K+")
    M, ml, pref = mes.mass, md._lepton_mass("mu"), md._prefactor("K+")
    t2 = time.perf_counter()
    ref = []
    for m in masses[:4]:
        # the same integral in (ln m^2_{nu phi}, m^2_{l nu}) by adaptive quadrature
        def f(t, ls, m=m):
            s = np.exp(ls)
            return pref * md.matrix_element_sigma(M, ml, m, s, t) / s

        val, _ = integrate.dblquad(
            f, 2 * np.log(m), 2 * np.log(M - ml),
            lambda ls, m=m: float(dalitz_limits(M, m, 0.0, ml, np.exp(ls))[0]),
            lambda ls, m=m: float(dalitz_limits(M, m, 0.0, ml, np.exp(ls))[1]),
            epsrel=1e-9, epsabs=0,
        )
        ref.append(val / ((2 * np.pi) ** 3 * 32 * M**3))
    t3 = time.perf_counter()
    dev = max(abs(a / b - 1) for a, b in zip(w[:4], ref, strict=True))
    print(f"K -> mu nu phi width: {len(masses) / (t1 - t0):,.0f} masses/s Gauss-Legendre; "
          f"dblquad {4 / (t3 - t2):,.1f} masses/s; max relative difference {dev:.1e}")

    n = max(args.n // 20, 1000)
    t0 = time.perf_counter()
    emission_inelastic(0.1, "mu", n_events=n, seed=2)
    t1 = time.perf_counter()
    print(f"collinear inelastic emission: {4 * n / (t1 - t0):,.0f} events/s "
          f"(4 processes x {n} events)")


if __name__ == "__main__":
    main()
