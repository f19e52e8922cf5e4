"""Documented limitations are said at run time (a ValidityWarning), and only when met."""

from __future__ import annotations

import warnings

import pytest

from nuportal.validity import ValidityWarning, cli_formatwarning


def test_photon_cut_below_half_an_mev_in_a_high_z_target_warns(monkeypatch):
    from nuportal.sources.shower import simulate
    from nuportal.sources.shower.materials import material

    with pytest.warns(ValidityWarning, match=r"photon cut 0\.1 MeV in lead \(Z = 82\)"):
        simulate._warn_outside_validity(material("lead"), 1e-4)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ValidityWarning)  # no warning where the model is valid
        simulate._warn_outside_validity(material("graphite"), 1e-4)
        simulate._warn_outside_validity(material("lead"), 1e-3)

    class Checked(Exception):
        pass

    def check(mat, cut):  # simulate_showers checks before any work
        assert (mat.name, cut) == ("lead", 1e-4)
        raise Checked

    monkeypatch.setattr(simulate, "_warn_outside_validity", check)
    with pytest.raises(Checked):
        simulate.simulate_showers("e-", 1.0, "lead", n=1, cut=0.01, photon_cut=1e-4, seed=1)


def test_sbnd_rates_warn_they_are_lower_bounds():
    from nuportal.generation.upscattering import upscattering_rates
    from nuportal.models.dark_neutrino import DarkNeutrinoModel

    model = DarkNeutrinoModel(0.15, 1.25, epsilon=1e-3, Umu4=1e-3, alphaD=0.25, UD4=1.0)
    with pytest.warns(ValidityWarning, match="lower bounds"):
        upscattering_rates(model, "sbnd", n_energies=32)


def test_the_command_line_prints_one_line():
    line = cli_formatwarning("rates are lower bounds", ValidityWarning, "x.py", 1)
    assert line == "nuportal: warning: rates are lower bounds\n"
    other = cli_formatwarning("x", RuntimeWarning, "x.py", 1)
    assert "RuntimeWarning" in other  # anything else keeps the standard format


def test_the_sbnd_warning_reaches_the_command_line_user(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "nuportal.cli", "oscillation", "predict", "--dm2", "1",
         "--sin2-2theta", "0.01", "--detector", "sbnd"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "nuportal: warning: the shipped SBND flux table covers 1-3 GeV only (zero below, where "
        "the BNB flux peaks at ~0.7 GeV): SBND rates are lower bounds"
    ]
