"""Oscillation fits: the joint surface, the regions plot and the `nuportal oscillation` CLI."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from nuportal.stats import lsnd_fit, miniboone_fit
from nuportal.stats.oscillation_fit import fit_surface

SIN2 = np.geomspace(1e-3, 1.0, 12)
DM2 = np.geomspace(1e-2, 1e2, 10)


def test_joint_surface_is_the_sum_of_the_independent_likelihoods():
    joint = fit_surface("joint", "combined", SIN2, DM2)
    # independent route: each experiment's statistic at each point, computed directly
    s, d = joint["sin2_2theta"].to_numpy(), joint["dm2_eV2"].to_numpy()
    direct = miniboone_fit.minus2lnl("combined", s, d) + lsnd_fit.chi2_lsnd(s, d)
    np.testing.assert_allclose(joint["minus2lnL"], direct, rtol=1e-10)
    assert joint["delta"].min() == 0.0
    best = joint.attrs["best_fit"]
    assert best["minus2lnL"] == pytest.approx(direct.min(), rel=1e-12)
    assert joint.attrs["levels"]["90%"] == pytest.approx(4.605, abs=1e-3)  # chi2(2 dof) 90 %


def test_miniboone_best_fit_region_matches_the_paper():
    # MiniBooNE 2020 (arXiv:2006.16883): best fit near dm2 ~ 0.04 eV^2 at large mixing
    table = fit_surface(
        "miniboone", "combined", np.geomspace(0.1, 1.0, 15), np.geomspace(0.01, 1, 25)
    )
    best = table.attrs["best_fit"]
    assert 0.02 < best["dm2_eV2"] < 0.08
    assert best["sin2_2theta"] > 0.5


def test_regions_plot_and_bad_experiment(tmp_path):
    from nuportal.plotting import plot_oscillation_regions

    table = fit_surface("lsnd", sin2_grid=SIN2, dm2_grid=DM2)
    plot_oscillation_regions(table, tmp_path / "r.png")
    assert (tmp_path / "r.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="unknown experiment"):
        fit_surface("karmen")


def _cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "nuportal.cli", "oscillation", *args],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_cli_fit_and_predict(tmp_path):
    out = tmp_path / "surface.csv"
    r = _cli("fit", "--experiment", "lsnd", "--n-sin2", "8", "--n-dm2", "6", "--out", str(out))
    assert r.returncode == 0, r.stderr
    table = pd.read_csv(out)
    assert {"dm2_eV2", "sin2_2theta", "chi2"} <= set(table.columns) and len(table) == 48
    r = _cli("predict", "--dm2", "1.3", "--sin2-2theta", "0.003", "--detector", "microboone")
    assert r.returncode == 0, r.stderr
    assert "total ratio at microboone" in r.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("predict", "--dm2", "-1", "--sin2-2theta", "0.003"), "dm2"),
        (("predict", "--dm2", "1", "--sin2-2theta", "2"), "--sin2-2theta"),
        (("predict", "--dm2", "1", "--sin2-2theta", "0.1", "--detector", "karmen"), "detector"),
        (("fit", "--experiment", "karmen"), "--experiment"),
    ],
)
def test_cli_bad_input_is_one_line(args, words):
    r = _cli(*args)
    assert r.returncode == 2
    assert r.stderr.startswith("nuportal: error:") and words in r.stderr
    assert r.stderr.count("\n") == 1


def test_cli_feldman_cousins_columns(tmp_path):
    out = tmp_path / "fc.csv"
    r = _cli(
        "fit", "--experiment", "lsnd", "--n-sin2", "4", "--n-dm2", "3", "--fc-toys", "50",
        "--workers", "1", "--out", str(out),
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    table = pd.read_csv(out)
    assert {"delta_critical_fc90", "inside_fc90"} <= set(table.columns)
    assert (table["delta_critical_fc90"] >= 0).all()
