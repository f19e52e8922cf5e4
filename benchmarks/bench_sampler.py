"""Throughput of the rest-frame samplers of N -> nu l- l+ (and of the two-body sampler).

Prints events per second, on one core, for

* the vegas batch route (uniform numbers from numpy mapped through the adapted vegas map; the
  one-off adaptation time is reported separately),
* the plain-numpy route (uniform in the decay variables),
* a plain per-event Python loop (``math`` module) evaluating the same thing as the numpy route
  (weight and the three four-vectors per event) on a few thousand events, extrapolated; its first
  events are checked against the vectorized sampler fed with the same uniform numbers.

Usage: python benchmarks/bench_sampler.py [--m-N 0.3] [--lepton e] [--polarization 0.47]
Target: >= 1e6 sampled three-body decays per second per core on the batch routes.
"""

from __future__ import annotations

import argparse
import math
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np

from nuportal.generation import ThreeBodyNuLL, TwoBodyIsotropic, clear_vegas_cache
from nuportal.generation.decay_samplers import _CHUNK
from nuportal.models.hnl_matrix_element import PHASE_SPACE_FACTOR, coefficient_vector


def python_loop_reference(decays: ThreeBodyNuLL, y: np.ndarray, u_phi: np.ndarray) -> list:
    """Per-event Python loop: uniform variables -> (weight, nu, l-, l+), numpy-route conventions."""
    p = decays.params
    m_n, m_m, m_p, pol = p.m_N, p.m_minus, p.m_plus, p.polarization
    c1, c4, c5, c8, c9, c10 = (float(c) for c in coefficient_vector(p.g_L, p.g_R, p.majorana))
    gf2 = p.g_fermi**2
    s = (m_m + m_p) / m_n
    d = (m_m - m_p) / m_n
    s2 = s * s
    n = len(y)
    out = []
    for i in range(n):
        x0, x1, x2, x3 = y[i]
        z = s2 + (1.0 - s2) * x0
        t = (1.0 - z) * math.sqrt(max((z - d * d) * (z - s2), 0.0)) / (2.0 * z)
        b = (d * d * z + 2.0 * s * d + z * (2.0 - 2.0 * z + s2)) / (4.0 * z)
        zn = b - t + 2.0 * t * x1
        cos_t = 2.0 * x2 - 1.0
        sin_t = math.sqrt(1.0 - cos_t * cos_t)
        gam = 2.0 * math.pi * x3
        phi = 2.0 * math.pi * u_phi[i]
        mll2, mnm2 = z * m_n * m_n, zn * m_n * m_n
        a = m_n * m_n - mll2
        bb = mnm2 - m_m * m_m
        c5a = m_n * m_n + m_m * m_m - mnm2 - mll2
        e_nu = a / (2.0 * m_n)
        e_m = (mll2 + mnm2 - m_p * m_p) / (2.0 * m_n)
        p_m = math.sqrt(max(e_m * e_m - m_m * m_m, 0.0))
        cm = (e_m * a - m_n * bb) / (a * p_m) if a * p_m > 0 else 1.0
        cm = min(1.0, max(-1.0, cm))
        sm = math.sqrt(1.0 - cm * cm)
        cg, sg, cp, sp = math.cos(gam), math.sin(gam), math.cos(phi), math.sin(phi)
        pz_m = p_m * (cg * sin_t * sm - cos_t * cm)
        k1 = 0.5 * m_m * m_p * a
        k4 = 0.25 * bb * (m_n * m_n + m_p * m_p - mnm2)
        k5 = 0.25 * c5a * (mll2 + mnm2 - m_p * m_p)
        k8 = 0.5 * pol * m_m * m_p * a * cos_t
        k9 = 0.5 * pol * m_n * bb * (pz_m - e_nu * cos_t)
        k10 = -0.5 * pol * m_n * c5a * pz_m
        msq = gf2 * (c1 * k1 + c4 * k4 + c5 * k5 + c8 * k8 + c9 * k9 + c10 * k10)
        jac = (1.0 - s2) * 2.0 * t * 2.0 * 2.0 * math.pi
        weight = PHASE_SPACE_FACTOR * m_n * msq * jac / n
        nx, ny, nz = sin_t * sp, sin_t * cp, cos_t
        nu = (e_nu, -e_nu * nx, -e_nu * ny, -e_nu * nz)
        aa, b1, b2 = p_m * cm, p_m * sm * cg, p_m * sm * sg
        lm = (
            e_m,
            -aa * nx - b1 * cos_t * sp + b2 * cp,
            -aa * ny - b1 * cos_t * cp - b2 * sp,
            -aa * nz + b1 * sin_t,
        )
        lp = (m_n - e_nu - e_m, -nu[1] - lm[1], -nu[2] - lm[2], -nu[3] - lm[3])
        out.append((weight, nu, lm, lp))
    return out


def _rate(fn, n: int, repeat: int) -> float:
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return n / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--m-N", type=float, default=0.3)
    parser.add_argument("--lepton", default="e")
    parser.add_argument("--polarization", type=float, default=0.47)
    parser.add_argument("--loop-events", type=int, default=5000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core

    decays = ThreeBodyNuLL(
        args.m_N, args.lepton, "mu", majorana=True, polarization=args.polarization
    )
    print(f"{decays!r}; closed-form width {decays.width():.4e} GeV per |U|^2")

    clear_vegas_cache()
    t0 = time.perf_counter()
    adapted = decays.adapted_map()
    t_adapt = time.perf_counter() - t0
    print(
        f"vegas adaptation (nitn={decays.nitn}, neval={decays.neval}): {t_adapt * 1e3:.1f} ms, "
        f"integral {adapted.integral:.5e} +- {adapted.error:.1e} GeV"
    )
    decays.sample(1000, 0)  # warm up

    print(f"{'route':<28}{'events':>10}{'events/s':>14}{'rel. MC error':>16}")
    for method in ("vegas", "numpy"):
        for n in (100_000, 1_000_000):
            rate = _rate(lambda n=n, method=method: decays.sample(n, 1, method), n, 3)
            ev = decays.sample(n, 1, method)
            rel = ev.width_error / ev.width
            print(f"{method + ' (batch)':<28}{n:>10.0e}{rate:>14.3e}{rel:>16.2e}")

    # Per-event Python loop on the same uniform numbers as the numpy route.
    n_loop = min(args.loop_events, _CHUNK)
    gen = np.random.default_rng(1)
    y = gen.random((n_loop, 4))
    u_phi = gen.random(n_loop)
    t0 = time.perf_counter()
    ref = python_loop_reference(decays, y, u_phi)
    rate_loop = n_loop / (time.perf_counter() - t0)
    batch = decays.sample(n_loop, 1, "numpy")
    for i in range(10):
        assert math.isclose(ref[i][0], batch.weight[i], rel_tol=1e-9)
        assert np.allclose(ref[i][2], batch.lepton_minus[i], rtol=1e-9, atol=1e-12)
        assert np.allclose(ref[i][3], batch.lepton_plus[i], rtol=1e-9, atol=1e-12)
    print(f"{'python loop (math)':<28}{n_loop:>10.0e}{rate_loop:>14.3e}{'':>16}  (same events)")
    for n in (100_000, 1_000_000):
        print(f"{'  extrapolated':<28}{n:>10.0e}  {n / rate_loop:8.2f} s")

    two = TwoBodyIsotropic(args.m_N, decays.params.m_minus, width=1.0)
    rate2 = _rate(lambda: two.sample(1_000_000, 1), 1_000_000, 3)
    print(f"{'two-body isotropic':<28}{1_000_000:>10.0e}{rate2:>14.3e}")


if __name__ == "__main__":
    main()
