"""``nuportal shower``, ``nuportal dark-flux`` and ``nuportal plot`` on their files."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

import nuportal
from nuportal.cli import app

runner = CliRunner()


def _invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("NUPORTAL_CACHE_DIR", str(tmp_path / "cache"))


def test_shower_command_matches_the_api_and_plots(tmp_path):
    out = tmp_path / "shower.parquet"
    result = _invoke(
        "shower",
        "--particle",
        "e-",
        "--energy",
        "1",
        "--material",
        "graphite",
        "--cut",
        "0.01",
        "--n",
        "20",
        "--seed",
        "1",
        "--out",
        out,
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"wrote 20 showers to {out}")
    table = nuportal.io.read_events(out, required=())
    api = nuportal.simulate_showers("e-", 1.0, "graphite", 20, cut=0.01, seed=1)
    pd.testing.assert_frame_equal(
        table.drop(columns="shower").reset_index(drop=True),
        api.summary.reset_index(drop=True),
    )
    meta = table.attrs["metadata"]
    assert meta["kind"] == "shower" and meta["n_showers"] == 20
    assert meta["profile_GeV_per_X0"] == pytest.approx(api.mean_profile()[0].tolist())
    png = tmp_path / "shower.png"
    result = _invoke("plot", out, "--out", png)
    assert result.exit_code == 0, result.stderr
    assert png.stat().st_size > 10_000


def test_dark_flux_command_writes_weighted_dark_photons(tmp_path, cache_dir):
    out = tmp_path / "dark.parquet"
    result = _invoke(
        "dark-flux",
        "--mass",
        "0.03",
        "--epsilon",
        "1e-4",
        "--energy",
        "2",
        "--material",
        "tungsten",
        "--n",
        "10",
        "--processes",
        "compton,annihilation,resonant",
        "--distance",
        "50",
        "--detector-radius",
        "1",
        "--out",
        out,
    )
    assert result.exit_code == 0, result.stderr
    table = nuportal.io.read_events(out, required=("weight",))
    meta = table.attrs["metadata"]
    assert meta["kind"] == "dark_flux"
    assert table["weight"].sum() == pytest.approx(meta["yields_per_primary"]["total"], rel=1e-9)
    through = table.loc[table["through_detector"], "weight"].sum()
    assert through == pytest.approx(meta["detector_face"]["dark_photons_per_primary"], rel=1e-9)
    assert 0 < through <= table["weight"].sum()
    result = _invoke("plot", out, "--out", tmp_path / "dark.png")
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("shower", "--material", "unobtainium"), "--material"),
        (("shower", "--energy", "-1"), "energy"),
        (("shower", "--cut", "0"), "cut"),
        (("shower", "--out", "x.txt"), "suffix"),
        (("dark-flux", "--mass", "-0.01"), "mass"),
        (("dark-flux", "--epsilon", "nan"), "epsilon"),
        (("dark-flux", "--processes", "brem,decay"), "processes"),
        (("dark-flux", "--processes", "compton", "--distance", "-5"), "distance"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, message):
    result = (
        _invoke(*args, "--n", "1")
        if "--out" in args
        else _invoke(*args, "--n", "1", "--out", tmp_path / "o.parquet")
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("nuportal: error:") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
