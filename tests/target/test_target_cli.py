"""``nuportal target mesons``: yields printed, files written, one-line errors with exit 2."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from nuportal.cli.app import app
from nuportal.sources.target import meson_yields

runner = CliRunner()


def _invoke(*args):
    return runner.invoke(app, ["target", "mesons", *[str(a) for a in args]])


def test_prints_the_api_yields():
    result = _invoke("--beam", "lbnf")
    assert result.exit_code == 0, result.output
    y = meson_yields("lbnf")
    assert f"pi0 {y['pi0']:.4g}" in result.output
    assert f"eta {y['eta']:.4g}" in result.output
    assert "0.0104 escape" in result.output


def test_writes_weighted_mesons_and_plot(tmp_path):
    out, png = tmp_path / "m.parquet", tmp_path / "m.png"
    result = _invoke("--beam", "bnb", "--species", "pi+", "--n-events", 2000, "--seed", 3,
                     "--out", out, "--plot", png)  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.read_parquet(out)
    assert len(table) == 2000 and set(table["species"]) == {"pi+"}
    assert table["weight"].sum() == pytest.approx(meson_yields("bnb")["pi+"], rel=1e-9)
    assert png.stat().st_size > 1000


def test_custom_target_csv(tmp_path):
    out = tmp_path / "m.csv"
    result = _invoke("--energy", 400, "--material", "be", "--length", 0.5, "--species", "K-",
                     "--n-events", 500, "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "beryllium" in result.output
    assert len(pd.read_csv(out, comment="#")) == 500


@pytest.mark.parametrize(
    "args, word",
    [
        (("--energy", 120, "--material", "unobtainium"), "--material"),
        (("--energy", 30, "--material", "graphite"), "--energy"),
        (("--energy", 8.89, "--material", "graphite"), "--material"),
        (("--energy", -1, "--material", "graphite"), "--energy"),
        (("--beam", "lbnf", "--energy", 120), "not both"),
        (("--material", "graphite"), "--energy"),
        (("--beam", "bnb", "--species", "K-"), "--species"),
        (("--beam", "lbnf", "--out", "x.hepmc3"), "--out"),
        (("--beam", "lbnf", "--energy", 120, "--length", 0), "not both"),
        (("--energy", 120, "--material", "graphite", "--length", 0), "--length"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, word):
    result = _invoke(*args)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and word in lines[0], result.output


@pytest.mark.parametrize(
    "args, word",
    [(("--beam", "t2k"), "--beam"), (("--beam", "lbnf", "--n-events", -3), "--n-events")],
)
def test_usage_errors(args, word):
    # click rejects an invalid choice or a value below the option's minimum before the command
    # runs (nuportal's main() prints it as one line, exit status 2)
    result = _invoke(*args)
    assert result.exit_code == 2 and word in result.output
