"""Parameter scans: speed-up on local workers and the per-point overhead of each executor.

1. A 200-point recast scan (``recast-microboone-kdar``, one HNL mass a point, all three
   efficiency transfers, 2000 events per mass) on 1 and 2 local worker processes, written to a
   parquet dataset as a user would; the plain ``microboone_kdar`` call on the same masses as the
   reference (same numbers, no scan machinery).
2. The same scan on a dask ``LocalCluster`` of 2 single-threaded worker processes.
3. The cost of the machinery itself: a job that does nothing, run over many points serially
   (in-process), on the local pool and on dask, with and without the output directory.

    python benchmarks/bench_scan.py [--points 200] [--n-events 2000] [--noop-points 300]

Timings include starting the local pool (spawn) but not starting the dask cluster (reported
separately): a user's cluster is already running.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import platform  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

import nuportal  # noqa: E402
from nuportal.recast.microboone_kdar import default_masses  # noqa: E402
from nuportal.scan import available_cores, scan  # noqa: E402


def noop(x: float, seed: int = 0) -> dict:
    """A job that does no work: the scan's own cost per point."""
    return {"x": x, "seed_low_bits": seed & 0xFFFF}


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if "model name" in line)
    except (OSError, StopIteration):
        pass
    import dask
    import distributed

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{cpu}, {os.cpu_count()} cores ({available_cores()} usable), load {load:.2f}; "
        f"Python {platform.python_version()}, numpy {np.__version__}, dask {dask.__version__}, "
        f"distributed {distributed.__version__}, nuportal {nuportal.__version__}"
    )


def timed(label: str, n: int, **kwargs) -> tuple[float, object]:
    t0 = time.perf_counter()
    result = scan(progress=False, **kwargs)
    wall = time.perf_counter() - t0
    assert result.n_failed == 0 and result.n_computed == n, result.summary
    print(f"  {label:34s} {wall:8.2f} s  {n / wall:8.1f} points/s  {1e3 * wall / n:8.2f} ms/point")
    return wall, result


def busy_seconds(result) -> float:
    """Seconds spent inside the job, summed over points."""
    return float(result.frame().drop_duplicates("point_id").seconds.sum())


def noop_cost(label: str, n1: int, **kwargs) -> float:
    """Per-point cost [ms] of the scan machinery: slope between n1 and 4 n1 empty points."""
    walls = []
    for n in (n1, 4 * n1):
        kw = dict(kwargs)
        if "out" in kw:
            kw["out"] = Path(f"{kw['out']}-{n}")
        wall, _ = timed(f"{label}, {n}", n, job=noop, grid={"x": np.arange(n, dtype=float)}, **kw)
        walls.append(wall)
    slope = (walls[1] - walls[0]) / (3 * n1)
    print(f"    -> {1e3 * slope:.2f} ms/point, start-up {walls[0] - n1 * slope:.2f} s")
    return 1e3 * slope


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, default=200)
    parser.add_argument("--n-events", type=int, default=2000)
    parser.add_argument("--noop-points", type=int, default=300)
    args = parser.parse_args()
    print(machine())
    masses = default_masses("mu", args.points)
    recast = {
        "job": "recast-microboone-kdar",
        "grid": {"mass": masses},
        "fixed": {"n_events": args.n_events, "efficiency": "all"},
        "seed": 1,
    }
    tmp = Path(tempfile.mkdtemp(prefix="bench_scan_"))

    print(f"1. recast scan: {args.points} masses x 3 methods, {args.n_events} events per mass")
    nuportal.recast.microboone_kdar(efficiency="all", masses=[0.1], n_events=500)  # warm-up
    t0 = time.perf_counter()
    direct = nuportal.recast.microboone_kdar(
        efficiency="all", masses=masses, n_events=args.n_events, seed=1
    )
    t_direct = time.perf_counter() - t0
    print(f"  {'microboone_kdar, serial (reference)':34s} {t_direct:8.2f} s")
    walls, frames, busy = {}, {}, {}
    for workers in (1, 2):
        walls[workers], res = timed(
            f"scan, {workers} local worker(s)", args.points, workers=workers,
            out=tmp / f"recast-{workers}", **recast,
        )  # fmt: skip
        frames[workers] = res.frame().drop(columns="seconds")
        busy[workers] = busy_seconds(res)
    same = frames[1].equals(frames[2]) and frames[1][list(direct.columns)].equals(direct)
    print(f"  speed-up 1 -> 2 workers: x{walls[1] / walls[2]:.2f}; time inside the job "
          f"{busy[1]:.1f} s (1 worker), {busy[2]:.1f} s (2 workers); bit-identical to each "
          f"other and to microboone_kdar: {same}")  # fmt: skip
    print(f"  scan overhead on 1 worker vs the plain call: "
          f"{1e3 * (walls[1] - t_direct) / args.points:+.1f} ms/point")  # fmt: skip

    n1 = args.noop_points
    print(f"2. a job that does nothing, {n1} and {4 * n1} points: start-up + cost per point")
    cost = {}
    for label, kwargs in (
        ("serial, in memory", {"workers": 1}),
        ("serial, parquet dataset", {"workers": 1, "out": tmp / "noop-1"}),
        ("local pool (2), in memory", {"workers": 2}),
        ("local pool (2), parquet dataset", {"workers": 2, "out": tmp / "noop-2"}),
    ):
        cost[label] = noop_cost(label, n1, **kwargs)

    # dask last: a dask Nanny writes its worker environment (MALLOC_TRIM_THRESHOLD_=65536,
    # OMP_NUM_THREADS=1, ...) into this process's os.environ, which later pools would inherit
    from distributed import Client, LocalCluster

    print("3. dask LocalCluster, 2 workers x 1 thread")
    for label, trim in (("dask's default worker environment", None),
                        ("MALLOC_TRIM_THRESHOLD_=2147483648", "2147483648")):  # fmt: skip
        if trim:  # os.environ overrides dask's distributed.nanny.pre-spawn-environ
            os.environ["MALLOC_TRIM_THRESHOLD_"] = trim
        t0 = time.perf_counter()
        with (
            LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            ) as lc,
            Client(lc, set_as_default=False) as client,
        ):
            print(f"  {label} (cluster started in {time.perf_counter() - t0:.1f} s)")
            client.run(lambda: __import__("nuportal"))  # import once, as the pool's start-up
            t_dask, res = timed("recast scan on dask", args.points, scheduler=client,
                                out=tmp / f"recast-dask-{trim}", **recast)  # fmt: skip
            same = res.frame().drop(columns="seconds").equals(frames[1])
            extra = 1e3 * (t_dask - walls[2]) / args.points
            inside = busy_seconds(res)
            print(f"    vs local pool (2 workers): {extra:+.1f} ms/point; time inside the job "
                  f"{inside:.1f} s (pool {busy[2]:.1f} s); bit-identical: {same}")  # fmt: skip
            if trim is None:
                stores = (("in memory", {}), ("parquet dataset", {"out": tmp / "noop-dask"}))
                for store, kwargs in stores:
                    cost[f"dask (2), {store}"] = noop_cost(
                        f"dask (2), {store}", n1, scheduler=client, **kwargs
                    )
    for store in ("in memory", "parquet dataset"):
        extra = cost[f"dask (2), {store}"] - cost[f"local pool (2), {store}"]
        print(f"  dask overhead per point against the local pool ({store}): {extra:+.2f} ms")
    print(f"(outputs in {tmp})")


if __name__ == "__main__":
    main()
