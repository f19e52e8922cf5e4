"""Upscattering events per second at equal statistical error, nuportal against DarkNews.

    python benchmarks/bench_upscatter.py [--n 10000 100000] [--repeats 6] [--no-reference]

The default benchmark of the reference generator (MiniBooNE FHC; m4 = 0.15 GeV, m_Z' = 1.25 GeV,
Dirac, epsilon = 1e-3, U_mu4 = 1e-3, g_D = 1, U_D4 = 1; nu_mu on C12 and H1, coherent and
proton-elastic, both helicities, N -> nu e+ e-):

1. nuportal's ``generate_upscattering`` (vegas adaptation included in every run) for several
   seeds at each event count: the total rate, its relative spread over seeds (the error of one
   run), seconds per run, weighted events per second, and the time one run needs for a 1 %
   error on the total rate, t x (error / 1 %)^2.
2. DarkNews 0.4.8 (GenLauncher), in its own virtual environment, through
   ``benchmarks/darknews_reference.py rate`` (created with ``... setup`` if missing; never
   imported here): the same numbers, same definition of the error.
3. HepMC3 output of 1e5 events: nuportal's vectorized writer against the per-event pyhepmc
   writer of ``nuportal.io`` (on 1e4 events, scaled).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from nuportal import io  # noqa: E402
from nuportal.generation.upscattering import (  # noqa: E402
    generate_upscattering,
    upscattering_rates,
    write_upscattering_hepmc3,
)
from nuportal.models.dark_neutrino import DarkNeutrinoModel  # noqa: E402

HERE = Path(__file__).resolve().parent


def nuportal_runs(model, n: int, repeats: int) -> dict:
    rates, times = [], []
    for seed in range(1, repeats + 1):
        t0 = time.perf_counter()
        events = generate_upscattering(model, "miniboone", n, seed=seed)
        times.append(time.perf_counter() - t0)
        rates.append(events["upscattering_weight"].sum())
    rates = np.array(rates)
    rel = float(rates.std(ddof=1) / rates.mean())
    t = float(np.mean(times))
    return {
        "n": n,
        "rate_mean": float(rates.mean()),
        "rel_err_single_run": rel,
        "time_per_run_s": t,
        "events_per_s": n / t,
        "time_for_1pct_s": t * (rel / 0.01) ** 2,
    }


def reference_runs(neval: list[int], repeats: int) -> dict | None:
    script = HERE / "darknews_reference.py"
    venv = HERE / ".venv-darknews"
    if not venv.exists():
        print("setting up DarkNews in benchmarks/.venv-darknews (once, ~40 s) ...")
        if subprocess.run([sys.executable, str(script), "setup"]).returncode != 0:
            return None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "rate.json"
        cmd = [sys.executable, str(script), "rate", "--neval", *map(str, neval),
               "--repeats", str(repeats), "--json", str(out)]  # fmt: skip
        if subprocess.run(cmd, capture_output=True, text=True).returncode != 0:
            print("DarkNews reference run failed; see benchmarks/README_darknews.md")
            return None
        return json.loads(out.read_text())


def hepmc3_speed(model) -> tuple[float, float]:
    events = generate_upscattering(model, "miniboone", 100_000, seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        write_upscattering_hepmc3(events, Path(tmp) / "a.hepmc3")
        vectorized = len(events) / (time.perf_counter() - t0)
        small = events.iloc[:10_000].copy()
        small.attrs = events.attrs
        t0 = time.perf_counter()
        io.write_events(
            small,
            Path(tmp) / "b.hepmc3",
            small.attrs["metadata"],
            parent_pdg=9900012,
            pdg_ids={"nu_in": 14, "recoil": 1000060120},
        )
        loop = len(small) / (time.perf_counter() - t0)
    return vectorized, loop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=6)
    parser.add_argument("--neval", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--no-reference", action="store_true")
    args = parser.parse_args()

    model = DarkNeutrinoModel(0.15, 1.25, epsilon=1e-3, Umu4=1e-3, gD=1.0, UD4=1.0, dirac=True)
    exact = upscattering_rates(model, "miniboone").events.sum()
    print(f"MiniBooNE FHC, default benchmark: quadrature rate {exact:.4f} upscatters")
    ours = []
    for n in args.n:
        r = nuportal_runs(model, n, args.repeats)
        ours.append(r)
        print(
            f"nuportal  n = {n:>7}: rate {r['rate_mean']:.4f}, error of one run "
            f"{100 * r['rel_err_single_run']:.3f} %, {r['time_per_run_s']:.2f} s per run, "
            f"{r['events_per_s']:.3g} events/s, {r['time_for_1pct_s']:.4f} s for 1 %"
        )
    if not args.no_reference:
        ref = reference_runs(args.neval, args.repeats)
        if ref is not None:
            for s in ref["summary"]:
                print(
                    f"DarkNews neval = {s['neval']:>6}: rate {s['rate_mean']:.4f} +- "
                    f"{s['rate_err_of_mean']:.4f}, error of one run "
                    f"{100 * s['rel_err_single_run_seeds']:.3f} %, {s['time_per_run_s']:.2f} s "
                    f"per run, {s['events_per_s']:.3g} events/s, "
                    f"{s['time_for_1pct_s_seeds']:.4f} s for 1 %"
                )
            best_ref = min(s["time_for_1pct_s_seeds"] for s in ref["summary"])
            best_ours = min(r["time_for_1pct_s"] for r in ours)
            print(
                f"throughput at equal error (time for 1 %, best settings): "
                f"x{best_ref / best_ours:.0f} in favour of nuportal"
            )
    vectorized, loop = hepmc3_speed(model)
    print(
        f"HepMC3 output: {vectorized:.3g} events/s vectorized, {loop:.3g} events/s per-event "
        f"pyhepmc writer (x{vectorized / loop:.0f})"
    )
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, numpy {np.__version__}; one thread"
    )


if __name__ == "__main__":
    main()
