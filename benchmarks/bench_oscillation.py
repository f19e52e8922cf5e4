"""Seconds per full 100 x 100 MiniBooNE 2020 combined chi^2 / -2 ln L surface, on one core.

Grid: sin^2 2theta in [1e-4, 1] (log) x dm2 in [1e-2, 1e2] eV^2 (log), 10^4 points, each with the
oscillated signal from the full-transmutation ntuples (135k rows) and a 38 x 38 covariance.
Reference in the same run: the plain-numpy per-point recipe (np.histogram of the ntuple, covariance
built and collapsed with matrix products, np.linalg.solve), timed on a few points and extrapolated.

    python benchmarks/bench_oscillation.py [--repeat 3] [--n 100]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core, before numpy is imported

import argparse  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import nuportal  # noqa: E402
from nuportal.experiments.miniboone import load_miniboone  # noqa: E402
from nuportal.models.sterile import appearance_probability_sbl  # noqa: E402
from nuportal.stats import miniboone_fit  # noqa: E402


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if "model name" in line)
    except (OSError, StopIteration):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores (BLAS threads: {os.environ['OMP_NUM_THREADS']}), "
        f"Python {platform.python_version()}, numpy {np.__version__}, "
        f"nuportal {nuportal.__version__}"
    )


def reference_point(sin2: float, dm2: float) -> float:
    """One chi^2 the straightforward way (no precomputation shared between points)."""
    rel = load_miniboone("combined")
    p, d, pred = [], [], []
    for m in rel.beams.values():
        nt = m.ntuple
        P = appearance_probability_sbl(sin2, dm2, nt.L_km, nt.E_true_GeV)
        s = np.histogram(nt.E_reco_MeV, rel.bin_edges_MeV, weights=nt.weight * P)[0]
        p.append(np.r_[s, m.nue_background, m.numu_prediction])
        d.append(np.r_[m.nue_data, m.numu_data])
        pred.append(np.r_[s + m.nue_background, m.numu_prediction])
    pv = np.concatenate(p)
    M = rel.fractional_covariance * np.outer(pv, pv)
    for b in range(2):
        i = 30 * b + np.arange(11)
        M[i, i] += pv[i]
    C = miniboone_fit._collapse_matrix(2)
    Mc = C.T @ M @ C
    r = np.concatenate(d) - np.concatenate(pred)
    return float(r @ np.linalg.solve(Mc, r))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--n", type=int, default=100, help="grid points per axis")
    args = ap.parse_args()
    sin2 = np.logspace(-4, 0, args.n)
    dm2 = np.logspace(-2, 2, args.n)

    print(machine())
    t0 = time.perf_counter()
    miniboone_fit._setup("combined")
    print(
        f"first call: load + validate the release and bin the ntuples: "
        f"{time.perf_counter() - t0:.2f} s (once per process)"
    )
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        table = miniboone_fit.surface("combined", sin2, dm2)
        times.append(time.perf_counter() - t0)
    best = miniboone_fit.best_fit(table)
    print(
        f"surface {args.n} x {args.n} combined: best {min(times):.3f} s, "
        f"median {np.median(times):.3f} s over {args.repeat} runs (target < 2 s)"
    )
    print(f"  best fit: dm2 = {best['dm2_eV2']:.4g} eV^2, sin^2 2theta = {best['sin2_2theta']:.3g}")

    n_ref = 20
    pts = list(zip(sin2[:: max(1, args.n // n_ref)][:n_ref], dm2[::-5][:n_ref], strict=False))
    t0 = time.perf_counter()
    ref = [reference_point(s, d) for s, d in pts]
    t_ref = (time.perf_counter() - t0) / len(pts) * args.n**2
    fast = [miniboone_fit.chi2("combined", s, d) for s, d in pts]
    assert np.allclose(ref, fast, rtol=1e-9), "reference and fast chi^2 differ"
    print(
        f"plain-numpy per-point reference: {t_ref:.1f} s extrapolated for {args.n**2} points "
        f"(speed-up {t_ref / min(times):.0f}x)"
    )


if __name__ == "__main__":
    main()
