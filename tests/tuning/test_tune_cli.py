"""``nuportal tune``: bad input is one line with exit status 2; a small run writes its tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from nuportal.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--dm2", "-1"], "--dm2"),
        (["--dm2", "nan"], "--dm2"),
        (["--sin2-2theta", "1.5"], "--sin2-2theta"),
        (["--prism", "0,10"], "--prism"),
        (["--detector", "dune_nd", "--prism", "0,40"], "--prism"),
        (["--detector", "dune_nd", "--prism", "0,x"], "--prism"),
        (["--detector", "dune_nd", "--prism", "10,10"], "--prism"),
        (["--knobs", "M_A_QE,bogus"], "--knobs"),
        (["--knobs", "M_A_QE,m_a_qe"], "--knobs"),
        (["--inject", "template"], "--template"),
        (["--inject", "none", "--scan", "3"], "--scan"),
        (["--n-events", "10"], "--n-events"),
        (["--pot", "0"], "--pot"),
        (["--out", "result.txt"], "--out"),
        (["--plot", "figure.gif"], "--plot"),
        (["--events", "no_such_file.parquet"], "--events"),
    ],
)
def test_bad_input_is_one_line_exit_2(args, needle, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["tune", *args])
    assert res.exit_code == 2, res.output
    lines = [x for x in res.output.strip().splitlines() if x]
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in res.output


def test_template_of_the_wrong_length_fails_before_generating(tmp_path):
    t = tmp_path / "t.csv"
    np.savetxt(t, np.ones(5), delimiter=",")
    res = runner.invoke(app, ["tune", "--inject", "template", "--template", str(t)])
    assert res.exit_code == 2
    assert "--template" in res.output and "shape" in res.output


def test_small_run_writes_the_table_and_scan(tmp_path):
    out = tmp_path / "tune.csv"
    res = runner.invoke(
        app,
        [
            "tune",
            "--n-events",
            "600",
            "--coarse",
            "--knobs",
            "M_A_QE,MEC_norm",
            "--dm2",
            "3",
            "--sin2-2theta",
            "0.05",
            "--scan",
            "2",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out).set_index("quantity")
    assert list(table.index[:2]) == ["M_A_QE", "MEC_norm"]
    for q in ("chi2", "p_value", "absorbed_fraction", "z_true", "z_tuned", "z_profiled"):
        assert np.isfinite(table.loc[q, "value"])
    # Asimov data, truth = nominal: q0(true) >= q0(profiled) >= q0(tuned) (each minimum is
    # over a larger set of parameters than the next)
    assert table.loc["z_true", "value"] >= table.loc["z_profiled", "value"] - 1e-6
    assert table.loc["z_profiled", "value"] >= table.loc["z_tuned", "value"] - 1e-6
    scan = pd.read_csv(tmp_path / "tune_scan.csv")
    assert len(scan) == 2 and np.allclose(scan["sin2_2theta"], scan["mu"] * 0.05)
