"""`nuportal generate --source target`: the command line equals the API, and its options are
validated before any work."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

import nuportal
from nuportal.cli import app

runner = CliRunner()


def test_cli_matches_api(tmp_path):
    out = tmp_path / "hnl.parquet"
    args = ["generate", "--source", "target", "--beam", "bnb", "--detector", "miniboone",
            "--mass", "0.2", "--coupling", "1e-6", "--n-events", "2000", "--method", "numpy",
            "--seed", "3", "--out", str(out)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    cli = pd.read_parquet(out)
    api = nuportal.generate(
        model="hnl", mass=0.2, coupling=1e-6, n_events=2000, detector="miniboone",
        source="target", beam="bnb", method="numpy", seed=3,
    )  # fmt: skip
    assert cli["weight"].sum() == pytest.approx(api["weight"].sum(), rel=1e-12)
    assert "proton on target" in result.stdout


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--beam", "bnb"], "apply to --source target"),
        (["--source", "target", "--parent", "pi+", "--mass", "0.3"], "--mass must be"),
        (["--source", "target", "--model", "scalar", "--parent", "pi+"], "cannot make"),
        (["--source", "target", "--decay-region", "-5"], "--decay-region must be"),
        (["--source", "target", "--beam", "tevatron"], "tevatron"),
    ],
)
def test_bad_options(tmp_path, extra, message):
    out = tmp_path / "x.parquet"
    result = runner.invoke(app, ["generate", *extra, "--out", str(out)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()
