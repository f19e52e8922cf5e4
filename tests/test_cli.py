"""Tests of the ``nuportal`` command line (a thin layer over the public API).

Most cases run in-process through typer's CliRunner (separate stdout and stderr); one good and
one bad case run the real console entry point in a subprocess, to see what a user sees.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

import nuportal
from nuportal.cli import app

runner = CliRunner()


def _invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def events_file(tmp_path_factory):
    base = tmp_path_factory.mktemp("cli")
    (base / "tmp").mkdir()
    cwd = os.getcwd()
    os.chdir(base)  # the relative path of the usual call
    try:
        result = _invoke("generate", "--n", "2000", "--seed", "1", "--out", "tmp/events.parquet")
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.stderr
    return base / "tmp" / "events.parquet", result


def test_generate_writes_a_readable_event_file(events_file):
    out, result = events_file
    assert result.stderr == ""
    assert result.stdout.startswith("wrote 2000 events to tmp/events.parquet")
    events = nuportal.io.read_events(out)
    assert len(events) == 2000
    meta = events.attrs["metadata"]
    assert meta["seed"] == 1
    assert meta["model"] == "hnl"
    assert meta["mass_GeV"] == 0.15
    assert meta["detector"] == "microboone"
    assert "weight_normalization" in meta
    # the same call through the API gives the same events
    api = nuportal.generate(n_events=2000, seed=1)
    assert events[list(api.columns)].equals(api)


def test_generate_scalar_csv(tmp_path):
    out = tmp_path / "s.csv"
    result = _invoke(
        "generate", "--model", "scalar", "--mass", "0.1", "--coupling", "4e-4", "--n", "500",
        "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    events = nuportal.io.read_events(out)
    assert len(events) == 500 and events.attrs["metadata"]["model"] == "scalar"
    assert "nu_E" not in events.columns


def test_plot_writes_a_png(events_file, tmp_path):
    out, _ = events_file
    png = tmp_path / "events.png"
    result = _invoke("plot", out, "--out", png)
    assert result.exit_code == 0, result.stderr
    assert f"wrote {png}" in result.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 10_000


def test_detectors_lists_microboone():
    result = _invoke("detectors")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    names = [line.split()[0] for line in lines]
    assert names == nuportal.list_detectors()
    (ub,) = [line for line in lines if line.startswith("microboone")]
    assert "numi_absorber" in ub and "LAr" in ub


def _assert_clean_failure(result, *words: str) -> None:
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("nuportal: error: ")
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--mass", "0.5"), ("--mass", "0.388")),  # above m_K - m_mu
        (("--model", "scalar", "--mass", "0.4"), ("mass",)),  # above m_K - m_pi
        (("--coupling", "-1e-6"), ("coupling",)),
        (("--coupling", "nan"), ("coupling",)),
        (("--detector", "nova"), ("detector", "microboone")),
        (("--source", "bnb"), ("source", "kdar")),
        (("--n", "0"), ("--n-events",)),
        (("--mixing", "tau"), ("mixing",)),
    ],
)
def test_generate_bad_input(args, words, tmp_path):
    out = tmp_path / "x.parquet"
    result = _invoke("generate", "--n", "100", *args, "--out", out)  # the last --n wins
    _assert_clean_failure(result, *words)
    assert not out.exists()  # nothing left behind


def test_generate_unwritable_path():
    result = _invoke("generate", "--n", "100", "--out", "/nonexistent/dir/x.parquet")
    _assert_clean_failure(result, "/nonexistent/dir")


def test_generate_unknown_suffix_fails_before_generating(tmp_path, monkeypatch):
    def boom(**kwargs):
        raise AssertionError("generation should not start")

    monkeypatch.setattr(nuportal, "generate", boom)
    out = tmp_path / "x.txt"
    result = _invoke("generate", "--n", "100", "--out", out)
    _assert_clean_failure(result, "suffix", ".parquet")
    assert not out.exists()


def test_failed_generate_keeps_an_existing_file(tmp_path):
    out = tmp_path / "old.parquet"
    out.write_bytes(b"previous content")
    result = _invoke("generate", "--mass", "0.5", "--out", out)
    _assert_clean_failure(result, "mass")
    assert out.read_bytes() == b"previous content"


def test_plot_bad_input(tmp_path):
    _assert_clean_failure(_invoke("plot", tmp_path / "missing.parquet"), "does not exist")
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet")
    _assert_clean_failure(_invoke("plot", bad), "parquet")
    assert not bad.with_suffix(".png").exists()


def test_console_entry_point_end_to_end(tmp_path):
    out = tmp_path / "e.parquet"
    cmd = [sys.executable, "-m", "nuportal.cli"]
    good = subprocess.run(
        [*cmd, "generate", "--n", "300", "--seed", "2", "--out", str(out)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert good.returncode == 0, good.stderr
    assert len(nuportal.io.read_events(out)) == 300
    bad = subprocess.run(
        [*cmd, "generate", "--coupling", "-1", "--out", str(tmp_path / "b.parquet")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr.startswith("nuportal: error: --coupling")
    assert bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


def _run_main(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nuportal.cli", *args],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("generate", "--bogus"), "No such option"),
        (("recast", "microboone-kdar", "--efficiency", "magic"), "--efficiency"),
        (("recast", "microboone-kdar", "--masses", "0.5"), "outside the recast range"),
        (("recast", "microboone-kdar", "--masses", "0.1,abc"), "--masses"),
    ],
)
def test_usage_and_input_errors_are_one_line(args, words):
    result = _run_main(*args)
    assert result.returncode == 2
    assert result.stderr.startswith("nuportal: error:") and words in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_recast_reads_a_user_table_and_rejects_a_malformed_one(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("m_S_GeV,theta_limit,efficiency\n0.1,0.0004,1.5\n")
    result = _run_main("recast", "microboone-kdar", "--data", str(bad), "--masses", "0.1")
    assert result.returncode == 2
    assert result.stderr.startswith(f"nuportal: error: --data {bad}")
    assert "efficiency" in result.stderr
    assert result.stderr.count("\n") == 1
    # a well-formed user table is used instead of the shipped one: with the limit on theta
    # doubled, the excluded scalar rate (Br ~ theta^2 times P_decay ~ theta^2) is 16x and the
    # HNL limit on |U|^2 (rate ~ |U|^4) 4x, up to the scalar's finite-lifetime correction
    # (D / lambda_S ~ 1e-3 at the limit)
    data = nuportal.experiments.microboone_kdar_hps_2021()
    good = tmp_path / "good.csv"
    rows = [
        f"{m},{2 * t},{e}"
        for m, t, e in zip(data.mass_GeV, data.theta_limit, data.efficiency, strict=True)
    ]
    good.write_text("m_S_GeV,theta_limit,efficiency\n" + "\n".join(rows) + "\n")
    common = ["recast", "microboone-kdar", "--efficiency", "same", "--masses", "0.1,0.15"]
    out1, out2 = tmp_path / "shipped.csv", tmp_path / "user.csv"
    assert _run_main(*common, "--n-events", "2000", "--out", str(out1)).returncode == 0
    r = _run_main(*common, "--n-events", "2000", "--data", str(good), "--out", str(out2))
    assert r.returncode == 0, r.stderr
    import pandas as pd

    shipped, user = pd.read_csv(out1), pd.read_csv(out2)
    ratio = user.U2_lower_long_lifetime / shipped.U2_lower_long_lifetime
    assert ratio.to_numpy() == pytest.approx([4.0, 4.0], rel=5e-3)


def test_generate_hepmc3_has_the_parent_and_the_daughters(tmp_path):
    pyhepmc = pytest.importorskip("pyhepmc")  # a test extra: installed in CI
    out, ref = tmp_path / "e.hepmc3", tmp_path / "e.parquet"
    for path in (out, ref):
        result = _invoke("generate", "--n", "50", "--seed", "4", "--out", str(path))
        assert result.exit_code == 0, result.output
    events = nuportal.io.read_events(ref)
    with pyhepmc.open(out) as f:
        first = f.read()
    pids = sorted(p.pid for p in first.particles)
    assert pids == sorted([9900012, 14, 11, -11])  # N (status 2) -> nu_mu e- e+
    parent = next(p for p in first.particles if p.pid == 9900012)
    assert parent.status == 2
    assert parent.momentum.e == pytest.approx(events["parent_E"].iloc[0], rel=1e-12)
    electron = next(p for p in first.particles if p.pid == 11)
    assert electron.momentum.px == pytest.approx(events["e_minus_px"].iloc[0], rel=1e-12)
    assert first.weights[0] == pytest.approx(events["weight"].iloc[0], rel=1e-12)
