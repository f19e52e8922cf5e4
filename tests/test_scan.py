"""Tests of nuportal.scan: grids, seeds, executors (serial, local pool, dask), storage, resume.

The dask tests start a LocalCluster inside the test session (no external service). Jobs that the
worker processes import live in tests/scan_jobs.py.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import nuportal
import scan_jobs
from nuportal.cli import app
from nuportal.scan import (
    JOBS,
    ScanAborted,
    grid_points,
    parse_grid,
    parse_setting,
    point_id,
    point_seed,
    read_scan,
    scan,
)
from nuportal.scan.store import ScanStore

TESTS = Path(__file__).parent
runner = CliRunner()

# columns that legitimately differ between runs (wall time of a point)
VOLATILE = ["seconds"]


def _stable(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=VOLATILE)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TESTS), env.get("PYTHONPATH")]))
    return env


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")  # in the test extra: never skipped in CI
    environ = dict(os.environ)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster, set_as_default=False) as client,
    ):
        yield cluster, client
    # a dask Nanny writes its workers' environment (MALLOC_TRIM_THRESHOLD_, OMP_NUM_THREADS,
    # PYTHONHASHSEED) into this process's os.environ: leave later tests the one they had
    os.environ.clear()
    os.environ.update(environ)


# --- grid syntax and seeds ------------------------------------------------------------------


def test_grid_forms():
    assert parse_grid("mass=0.01:0.38:3") == ("mass", [0.01, 0.195, 0.38])
    name, values = parse_grid("coupling=1e-8:1e-4:5:log")
    assert name == "coupling" and values[0] == 1e-8 and values[-1] == 1e-4
    assert np.allclose(np.diff(np.log10(values)), 1.0)
    assert parse_grid("n_events=1000:3000:3") == ("n_events", [1000, 2000, 3000])
    assert parse_grid("mixing=e,mu") == ("mixing", ["e", "mu"])
    assert parse_grid("x=1,2.5") == ("x", [1.0, 2.5])  # a list with a float is all floats
    assert parse_grid("majorana=true,false") == ("majorana", [True, False])
    assert parse_setting("n_events=2000") == ("n_events", 2000)
    assert parse_setting("data = none") == ("data", None)
    points = grid_points({"a": [1, 2], "b": np.array([0.5, 0.25])})
    assert points == [
        {"a": 1, "b": 0.5},
        {"a": 1, "b": 0.25},
        {"a": 2, "b": 0.5},
        {"a": 2, "b": 0.25},
    ]
    assert all(type(p["b"]) is float for p in points)  # numpy scalars become Python floats


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("mass", "expected NAME=START:STOP:N"),
        ("mass=", "expected NAME=START:STOP:N"),
        ("=1,2", "expected NAME=START:STOP:N"),
        ("2mass=1,2", "expected NAME=START:STOP:N"),
        ("mass=0.01:0.38", "expected NAME=START:STOP:N"),
        ("mass=0.01:0.38:5:cubic", "expected NAME=START:STOP:N"),
        ("mass=0.01:0.38:0", "N must be a positive integer"),
        ("mass=0.01:0.38:2.5", "N must be a positive integer"),
        ("mass=a:0.38:5", "START must be a finite number"),
        ("mass=0.1:inf:5", "STOP must be a finite number"),
        ("mass=0:1:5:log", "START > 0"),
        ("mass=0.1:0.1:5", "equal points"),
        ("mass=0.1,,0.2", "empty value"),
        ("mass=0.1,0.1", "repeated"),
    ],
)
def test_malformed_grid_is_one_clear_error(spec, words):
    with pytest.raises(ValueError, match="malformed grid") as info:
        parse_grid(spec)
    assert words in str(info.value) and "\n" not in str(info.value)


def test_point_seed_is_stable_and_depends_only_on_the_point():
    # a fixed number: the same in every process and under any PYTHONHASHSEED (no hash())
    assert point_seed(1, {"mass": 0.1}) == 1362502083768184052
    assert point_seed(1, {"a": 1, "b": 0.5}) == point_seed(1, {"b": 0.5, "a": 1})
    assert point_seed(1, {"mass": np.float64(0.1)}) == point_seed(1, {"mass": 0.1})
    seeds = {point_seed(s, {"mass": m}) for s in (1, 2) for m in (0.1, 0.2)}
    assert len(seeds) == 4
    assert point_id({"a": 1, "b": 0.5}) == point_id({"b": 0.5, "a": 1})
    code = "from nuportal.scan import point_seed; print(point_seed(1, {'mass': 0.1}))"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "1362502083768184052"
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        point_seed(-1, {"mass": 0.1})


# --- the same results on every executor -----------------------------------------------------

GENERATE_GRID = {"mass": [0.1, 0.2], "coupling": [1e-6, 1e-5]}
GENERATE_FIXED = {"n_events": 1000, "method": "numpy"}


@pytest.fixture(scope="module")
def serial_generate():
    return scan("generate", GENERATE_GRID, fixed=GENERATE_FIXED, seed=7, workers=1).frame()


def test_generate_scan_is_a_summary_of_generate(serial_generate):
    frame = serial_generate
    assert len(frame) == 4 and (frame.status == "ok").all() and (frame.error == "").all()
    row = frame.iloc[1]  # mass 0.1, coupling 1e-5
    assert (row["mass"], row["coupling"]) == (0.1, 1e-5)
    seed = point_seed(7, {"mass": 0.1, "coupling": 1e-5})
    assert row["seed"] == seed
    events = nuportal.generate(mass=0.1, coupling=1e-5, n_events=1000, method="numpy", seed=seed)
    assert row["total_weight"] == events["weight"].sum()
    assert row["n_selected"] == events["selected"].sum()
    assert row["selected_weight"] == events.loc[events.selected, "weight"].sum()


def test_same_results_serial_pool_and_dask(serial_generate, dask_cluster, tmp_path):
    cluster, client = dask_cluster
    expected = _stable(serial_generate)
    pool = scan("generate", GENERATE_GRID, fixed=GENERATE_FIXED, seed=7, workers=2,
                out=tmp_path / "pool")  # fmt: skip
    pd.testing.assert_frame_equal(_stable(pool.frame()), expected, check_exact=True)
    on_dask = scan("generate", GENERATE_GRID, fixed=GENERATE_FIXED, seed=7, scheduler=client)
    pd.testing.assert_frame_equal(_stable(on_dask.frame()), expected, check_exact=True)
    # an address instead of a client; the points in another order
    points = grid_points(GENERATE_GRID)[::-1]
    by_address = scan("generate", points=points, fixed=GENERATE_FIXED, seed=7,
                      scheduler=cluster.scheduler_address, out=tmp_path / "dask")  # fmt: skip
    pd.testing.assert_frame_equal(_stable(by_address.frame()), expected, check_exact=True)
    # what is on disk is what was computed
    pd.testing.assert_frame_equal(_stable(read_scan(tmp_path / "dask")), expected)


def test_recast_job_reproduces_microboone_kdar_bit_for_bit(dask_cluster):
    _, client = dask_cluster
    masses = [0.05, 0.2, 0.3]
    direct = nuportal.recast.microboone_kdar(efficiency="all", masses=masses, n_events=500, seed=3)
    for how in ({"workers": 1}, {"scheduler": client}):
        result = scan("recast-microboone-kdar", {"mass": masses}, fixed={"n_events": 500},
                      seed=3, **how)  # fmt: skip
        frame = result.frame()
        assert list(frame["mass"]) == [m for m in masses for _ in range(3)]
        pd.testing.assert_frame_equal(frame[list(direct.columns)], direct, check_exact=True)


# --- failures, interruptions and resume -----------------------------------------------------


def test_failing_points_are_recorded_and_retried_on_request(tmp_path, dask_cluster):
    flag = tmp_path / "fail"
    flag.touch()
    grid = {"x": list(range(9))}
    fixed = {"fail_flag": str(flag)}
    out = tmp_path / "scan"
    first = scan(scan_jobs.flaky_job, grid, fixed=fixed, out=out, workers=2)
    assert (first.n_computed, first.n_failed) == (9, 3)
    # completion order depends on the two workers' timing: compare as a set
    assert {e[1] for e in first.errors} == {
        f"RuntimeError: failing on purpose at x={x}" for x in (0, 3, 6)
    }
    frame = read_scan(out)
    failed = frame[frame.status == "error"]
    assert list(failed.x) == [0, 3, 6] and failed.draw.isna().all()
    assert (failed.error == [f"RuntimeError: failing on purpose at x={x}" for x in (0, 3, 6)]).all()
    assert len(frame[frame.status == "ok"]) == 12  # two rows per good point

    flag.unlink()
    again = scan(scan_jobs.flaky_job, grid, fixed=fixed, out=out, workers=1)
    assert (again.n_computed, again.n_skipped, again.n_failed) == (0, 9, 3)  # kept, not rerun
    _, client = dask_cluster  # resumed on another executor: the same points, the same numbers
    retried = scan(scan_jobs.flaky_job, grid, fixed=fixed, out=out, scheduler=client,
                   retry_failed=True)  # fmt: skip
    assert (retried.n_computed, retried.n_skipped, retried.n_failed) == (3, 6, 0)
    frame = read_scan(out)
    assert (frame.status == "ok").all() and len(frame) == 18
    assert sorted(frame.groupby("x").size().items()) == [(x, 2) for x in range(9)]
    assert sorted(p.name for p in out.iterdir() if p.name.endswith(".error.parquet")) == []
    clean = scan(scan_jobs.flaky_job, grid, fixed=fixed, workers=1).frame()
    pd.testing.assert_frame_equal(_stable(frame), _stable(clean), check_exact=True)


def test_a_killed_worker_stops_the_scan_and_a_rerun_completes_it(tmp_path):
    flag = tmp_path / "kill"
    flag.touch()
    grid = {"x": list(range(12))}
    fixed = {"kill_flag": str(flag)}
    out = tmp_path / "scan"
    with pytest.raises(ScanAborted, match=r"a worker process died.*run the same scan again"):
        scan(scan_jobs.dying_job, grid, fixed=fixed, out=out, workers=2)
    saved = read_scan(out)
    assert 0 < len(saved) < 12 and (saved.status == "ok").all()
    flag.unlink()
    rerun = scan(scan_jobs.dying_job, grid, fixed=fixed, out=out, workers=2)
    assert rerun.n_skipped == len(saved) and rerun.n_computed == 12 - len(saved)
    frame = read_scan(out)
    assert sorted(frame.x) == list(range(12)) and frame.point_id.is_unique
    clean = scan(scan_jobs.dying_job, grid, fixed=fixed, workers=1).frame()
    pd.testing.assert_frame_equal(_stable(frame), _stable(clean), check_exact=True)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is dead
    except FileNotFoundError:
        return False


def test_sigterm_then_rerun_gives_every_point_exactly_once(tmp_path):
    out, pids = tmp_path / "scan", tmp_path / "pids"
    pids.mkdir()
    command = [
        sys.executable, "-m", "nuportal.cli", "scan", "scan_jobs:slow_job",
        "--grid", "x=0:19:20", "--set", "delay=0.25", "--set", f"pid_dir={pids}",
        "--workers", "2", "--seed", "5", "--out", str(out),
    ]  # fmt: skip
    proc = subprocess.Popen(command, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(list(out.glob("*.ok.parquet"))) < 4:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the scan did not start"
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 143, stderr
    assert stderr.decode().strip().endswith("run the same command again to resume")
    n_first = len(list(out.glob("*.ok.parquet")))
    assert 4 <= n_first < 20
    assert not list(out.glob(".*.tmp"))
    workers = [int(p.name) for p in pids.iterdir()]
    assert workers and not any(_alive(pid) for pid in workers)  # the pool was stopped

    done = subprocess.run(command, env=_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"20 points ({20 - n_first} computed, {n_first} already done), 0 failed" in done.stdout
    frame = read_scan(out)
    assert sorted(frame.x) == list(range(20)) and frame.point_id.is_unique
    serial = scan(scan_jobs.slow_job, {"x": list(range(20))},  # x=0:19:20 is an integer grid
                  fixed={"pid_dir": str(pids)}, seed=5, workers=1).frame()  # fmt: skip
    assert frame.value.tolist() == serial.value.tolist()
    assert frame.seed.tolist() == serial.seed.tolist()


# --- storage --------------------------------------------------------------------------------


def test_store_layout_and_guards(tmp_path):
    out = tmp_path / "scan"
    result = scan(scan_jobs.frame_job, {"a": [1.0, 2.0]}, out=out, workers=1)
    assert result.n_computed == 2
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(["scan.json", *(f"{point_id({'a': a})}.ok.parquet" for a in (1.0, 2.0))])
    manifest = json.loads((out / "scan.json").read_text())
    assert manifest["job"] == "scan_jobs:frame_job" and manifest["fixed"] == {}
    frame = read_scan(out)
    # a result column named like a parameter is kept as result_<name>
    assert frame[["a", "row", "result_a", "label"]].values.tolist() == [
        [1.0, 0, 1.0, "u"], [1.0, 1, 2.0, "uu"], [2.0, 0, 2.0, "u"], [2.0, 1, 4.0, "uu"],
    ]  # fmt: skip
    assert frame.attrs["scan"]["seed"] == 1
    # another scan's settings in the same directory: refused
    with pytest.raises(ValueError, match="holds a scan with"):
        scan(scan_jobs.frame_job, {"a": [1.0]}, fixed={"b": "v"}, out=out, workers=1)
    # leftovers of a process killed while writing are removed; the scan is still complete
    stale = out / f".{point_id({'a': 1.0})}.ok.parquet.999999999.0123abcd.tmp"
    stale.write_bytes(b"partial")
    ScanStore(out, manifest)
    assert not stale.exists()
    with pytest.raises(ValueError, match="not a scan directory"):
        read_scan(tmp_path)
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="not a directory"):
        scan(scan_jobs.frame_job, {"a": [1.0]}, out=tmp_path / "file", workers=1)


def test_a_job_returning_something_else_is_a_recorded_error():
    result = scan(scan_jobs.bad_return, {"x": [1.0]}, workers=1)
    assert result.n_failed == 1
    assert "must return a mapping" in result.frame().error.iloc[0]


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (dict(job="nojob"), "unknown job 'nojob'; registered jobs: generate"),
        (dict(job="no_such_module:f"), "cannot import module 'no_such_module'"),
        (dict(job="scan_jobs:nothing"), "has no function 'nothing'"),
        (dict(job="generate", grid={"foo": [1]}), "has no parameter 'foo'"),
        (dict(job="generate", grid={"mass": ["heavy"]}), "'mass' must be a number"),
        (dict(job="generate", fixed={"mixing": "tau"}), "must be one of 'e', 'mu'"),
        (dict(job="generate", fixed={"seed": 3}), "'seed' is set by the scan"),
        (dict(job="recast-microboone-kdar"), "needs a value for 'mass'"),
        (
            dict(job="recast-microboone-kdar", grid={"mass": [0.1], "n_events": [100, 200]}),
            "'n_events' is shared by all points",
        ),
        (dict(job="generate", grid={"mass": [0.1]}, fixed={"mass": 0.2}), "scanned and fixed"),
        (dict(job=scan_jobs.frame_job, grid={"a": [1.0], "row": [1]}), "cannot be called 'row'"),
        (dict(job="generate", grid={"mass": [0.1, 0.1]}), "appears twice"),
        (dict(job="generate", grid={"mass": [0.1]}, workers=0), "workers must be a positive"),
        (
            dict(job="generate", grid={"mass": [0.1]}, scheduler="tcp://127.0.0.1:1"),
            "cannot reach the dask scheduler at tcp://127.0.0.1:1",
        ),
        (dict(job="generate", grid={"mass": [0.1]}, scheduler="nohost"), "malformed dask"),
        (
            dict(job="generate", grid={"mass": [0.1]}, scheduler="tcp://127.0.0.1:1", workers=2),
            "not both",
        ),
    ],
)
def test_bad_input_is_one_clear_error(call, words):
    t0 = time.monotonic()
    with pytest.raises(ValueError) as info:
        scan(**call)
    assert words in str(info.value) and "\n" not in str(info.value)
    assert time.monotonic() - t0 < 5  # an unreachable scheduler fails fast


# --- command line ---------------------------------------------------------------------------


def test_cli_scan_runs_resumes_and_reports(tmp_path):
    args = ["scan", "generate", "--grid", "mass=0.1,0.2", "--grid", "coupling=1e-6,1e-5",
            "--set", "n_events=1000", "--set", "method=numpy", "--seed", "7", "--workers", "1",
            "--out", str(tmp_path / "s")]  # fmt: skip
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.stderr
    assert first.stdout.startswith("scan generate: 4 points (4 computed, 0 already done), 0 failed")
    assert "points/s" in first.stdout
    # the same numbers as the API (and so as any executor)
    frame = read_scan(tmp_path / "s")
    expected = scan("generate", GENERATE_GRID, fixed=GENERATE_FIXED, seed=7, workers=1).frame()
    pd.testing.assert_frame_equal(_stable(frame), _stable(expected), check_exact=True)
    again = runner.invoke(app, args)
    assert again.exit_code == 0
    assert "4 points (0 computed, 4 already done), 0 failed" in again.stdout
    # points from a table; a failing point gives exit status 1 and its error on stderr
    table = tmp_path / "points.csv"
    pd.DataFrame({"mass": [0.1, 0.5]}).to_csv(table, index=False)
    args = ["scan", "generate", "--points", str(table), "--set", "n_events=500",
            "--workers", "1", "--out", str(tmp_path / "p")]  # fmt: skip
    failing = runner.invoke(app, args)
    assert failing.exit_code == 1
    assert (
        "1 of 2 points failed" in failing.stderr and "{'mass': 0.5}: ValueError" in failing.stderr
    )


def test_cli_registered_jobs_are_the_ones_in_the_help():
    help_text = runner.invoke(app, ["scan", "--help"]).stdout
    assert all(name in help_text for name in JOBS)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("scan", "nojob", "--out", "x"), "unknown job 'nojob'"),
        (("scan", "generate", "--grid", "mass=0.1:0.3", "--out", "x"), "malformed grid"),
        (("scan", "generate", "--set", "n_events", "--out", "x"), "malformed setting"),
        (
            (
                "scan",
                "generate",
                "--grid",
                "mass=0.1",
                "--scheduler",
                "tcp://127.0.0.1:1",
                "--out",
                "x",
            ),
            "cannot reach the dask scheduler",
        ),
        (
            ("recast", "microboone-kdar", "--masses", "0.1", "--scheduler", "tcp://127.0.0.1:1"),
            "cannot reach the dask scheduler",
        ),
        (("recast", "microboone-kdar", "--masses", "0.1", "--workers", "0"), "'--workers'"),
    ],
)
def test_cli_bad_input_is_one_line_exit_2(args, words, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "nuportal.cli", *args],
        capture_output=True, text=True, cwd=tmp_path, env=_env(), timeout=60,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("nuportal: error:") and words in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "x").exists()


def test_cli_recast_workers_and_dask_give_the_same_table(tmp_path, dask_cluster):
    cluster, _ = dask_cluster
    common = ["recast", "microboone-kdar", "--masses", "0.1,0.2", "--n-events", "500"]
    outputs = []
    for extra in (
        ["--workers", "1"],
        ["--workers", "2"],
        ["--scheduler", cluster.scheduler_address],
    ):
        out = tmp_path / f"limits{len(outputs)}.csv"
        result = runner.invoke(app, [*common, *extra, "--out", str(out)])
        assert result.exit_code == 0, result.stderr
        outputs.append(out.read_text())
    assert outputs[0] == outputs[1] == outputs[2]


def test_without_dask_a_scheduler_is_one_clear_error(monkeypatch):
    import socket

    monkeypatch.setitem(sys.modules, "distributed", None)  # as if dask were not installed
    with socket.socket() as listener:  # something listening, so the address is reachable
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        address = f"tcp://127.0.0.1:{listener.getsockname()[1]}"
        with pytest.raises(ValueError, match=r"needs dask.distributed: pip install"):
            scan("generate", {"mass": [0.1]}, scheduler=address)
