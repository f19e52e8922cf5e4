"""``nuportal ldm events|sensitivity`` through typer's CliRunner.

Successful runs (tiny samples) write the files they announce, with the numbers of the API for the
same seed; a table of bad inputs fails at once: exit status 2, one line on standard error that
names the option (or the closed channel), no traceback, no file.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from nuportal.cli import app
from nuportal.constants import M_ELECTRON

runner = CliRunner()


def _ok(args: list[str]):
    result = runner.invoke(app, args)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def test_events_writes_table_and_figure_with_the_api_numbers(tmp_path):
    from nuportal.inference.light_dark_matter import ldm_signal

    out, fig = tmp_path / "ldm.csv", tmp_path / "ldm.png"
    result = _ok(["ldm", "events", "--n-events", "300", "--positions", "0",
                  "--channels", "pi0_3body", "--out", str(out), "--plot", str(fig)])  # fmt: skip
    # the benchmark by default: alpha_D eps^4 = 1e-15 at alpha_D = 0.5 -> eps = 2.115e-4,
    # y = 2.761e-10 (check value computed for this package)
    assert "eps = 0.0002115" in result.stdout and "y = 2.761e-10" in result.stdout
    assert "nu_e_elastic" in result.stdout  # the neutrino background is listed
    table = pd.read_csv(out)
    assert list(table.columns) == ["position_m", "channel", "E_e", "theta_e", "E_reco",
                                   "theta_reco", "selected", "weight"]  # fmt: skip
    assert set(table["channel"]) == {"pi0_3body"} and (table["position_m"] == 0).all()
    assert fig.stat().st_size > 10_000
    # a thin layer: the same seed gives the API's events
    api = ldm_signal(0.03, 0.09, alpha_D=0.5, epsilon=(1e-15 / 0.5) ** 0.25, positions=[0.0],
                     channels=["pi0_3body"], n_events=300, seed=1)  # fmt: skip
    np.testing.assert_allclose(table["weight"], api.events["weight"], rtol=1e-6)
    np.testing.assert_allclose(table["E_reco"], api.events["E_reco"], rtol=1e-6)


def test_miniboone_recoil_window(tmp_path):
    # the BdNMC MiniBooNE example: no smearing, selected electrons have 0.035 < T < 0.9 GeV
    out = tmp_path / "mb.parquet"
    result = _ok(["ldm", "events", "--experiment", "miniboone", "--m-chi", "0.005",
                  "--ratio", "20", "--alpha-d", "0.1", "--epsilon", "1e-3", "--channels", "pi0",
                  "--pot", "2e20", "--n-events", "2000", "--out", str(out)])  # fmt: skip
    assert "neutrino background" not in result.stdout  # DUNE only
    ev = pd.read_parquet(out)
    T = ev["E_reco"] - M_ELECTRON
    np.testing.assert_array_equal(ev["selected"], (T >= 0.035) & (T < 0.9))
    np.testing.assert_allclose(ev["E_reco"], ev["E_e"])
    assert ev["selected"].any() and not ev["selected"].all()


def test_sensitivity_writes_reach_table_and_figure(tmp_path, monkeypatch):
    import nuportal.inference.light_dark_matter.reach as reach

    real = reach.ldm_reach

    def small(*args, **kwargs):  # a small neutrino background keeps the test fast
        return real(*args, n_background=3000, **kwargs)

    monkeypatch.setattr(reach, "ldm_reach", small)
    out, fig = tmp_path / "reach.csv", tmp_path / "reach.png"
    _ok(["ldm", "sensitivity", "--m-chi-min", "0.01", "--m-chi-max", "0.02", "--n-masses", "2",
         "--n-events", "300", "--positions", "0,10", "--analysis", "rate", "--channels",
         "pi0_3body", "--out", str(out), "--plot", str(fig)])  # fmt: skip
    table = pd.read_csv(out)
    # 2 masses x (on axis with all POT, 0 m, 10 m, PRISM) x 1 analysis
    assert len(table) == 8
    assert set(table["configuration"]) == {"on-axis (all POT)", "0 m", "10 m", "PRISM"}
    np.testing.assert_allclose(sorted(set(table["m_chi"])), [0.01, 0.02])
    assert np.all(np.isfinite(table["y_limit"]) & (table["y_limit"] > 0))
    assert fig.stat().st_size > 10_000


# (command line after "ldm", text the one error line must contain)
# fmt: off
BAD: list[tuple[list[str], str]] = [
    # m_chi above the mesons' reach with only meson channels
    (["events", "--m-chi", "0.2", "--channels", "pi0,eta"], "closed"),
    (["events", "--m-chi", "0.1", "--channels", "pi0_3body"], "closed"),
    (["events", "--experiment", "miniboone", "--m-chi", "0.1", "--channels", "pi0"], "closed"),
    (["sensitivity", "--m-chi-min", "0.2", "--m-chi-max", "0.3", "--channels",
      "pi0_3body,eta_3body"], "none of the production channels"),
    # couplings
    (["events", "--epsilon", "-1e-4"], "--epsilon"),
    (["events", "--epsilon", "nan"], "--epsilon"),
    (["events", "--epsilon", "2"], "--epsilon"),
    (["events", "--alpha-d", "-0.5"], "--alpha-d"),
    (["events", "--alpha-d", "nan"], "--alpha-d"),
    (["sensitivity", "--alpha-d", "-1"], "--alpha-d"),
    (["sensitivity", "--alpha-d", "nan"], "--alpha-d"),
    # masses
    (["events", "--m-chi", "0"], "--m-chi"),
    (["events", "--ratio", "2"], "--ratio"),
    (["sensitivity", "--m-chi-min", "0.1", "--m-chi-max", "0.05"], "--m-chi-max"),
    # positions, run plan
    (["events", "--positions", "40"], "--positions"),
    (["events", "--positions", "0,abc"], "--positions"),
    (["sensitivity", "--positions", "40"], "--positions"),
    (["sensitivity", "--positions", "0,10", "--shares", "0.3,0.3"], "--shares"),
    (["sensitivity", "--positions", "0,10", "--shares", "1"], "--shares"),
    (["sensitivity", "--years-fhc", "0", "--years-rhc", "0"], "--years"),
    (["sensitivity", "--flux-norm", "-0.1"], "--flux-norm"),
    (["sensitivity", "--analysis", "shape"], "--analysis"),
    # channels, recoil window
    (["events", "--channels", "pion"], "--channels"),
    (["sensitivity", "--channels", "foo"], "--channels"),
    (["events", "--t-min", "0.1"], "--t-min"),  # the DUNE ND has no recoil window
    (["events", "--experiment", "miniboone", "--t-min", "0.5", "--t-max", "0.1"], "--t-max"),
    # files
    (["events", "--out", "events.txt"], "--out"),
    (["events", "--plot", "events.jpg"], "--plot"),
    (["sensitivity", "--out", "reach.txt"], "--out"),
    (["sensitivity", "--plot", "reach.gif"], "--plot"),
]
# fmt: on


@pytest.mark.parametrize(("args", "expected"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_fails_at_once_on_one_line(args, expected, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = []
    if "--out" not in args:
        files.append(Path(f"out{'.csv' if args[0] == 'sensitivity' else '.parquet'}"))
        args = [*args, "--out", str(files[-1])]
    if "--plot" not in args:
        files.append(Path("figure.png"))
        args = [*args, "--plot", str(files[-1])]
    result = runner.invoke(app, ["ldm", *args, "--n-events", "100"])
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("nuportal: error: ") and expected in lines[0], lines[0]
    assert "Traceback" not in result.stderr
    assert os.listdir(tmp_path) == [], os.listdir(tmp_path)  # no output, no temporary
