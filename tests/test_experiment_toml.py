"""Experiment files (TOML): users' setups and the built-in catalog, one validating loader."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from nuportal.detectors import get_detector, list_detectors
from nuportal.detectors.experiment_file import (
    ExperimentFileError,
    builtin_names,
    builtin_spec,
    load_experiment_file,
)
from nuportal.detectors.exposures import exposure

GOOD = """
schema = "nuportal-experiment/1"

[detector]
name = "my_lartpc"
title = "My LArTPC"
target_material = "LAr"
density_t_per_m3 = 1.396

[[detector.active_volume]]
shape = "box"
lower_m = [-1.0, -1.0, 0.0]
upper_m = [1.0, 1.0, 4.0]

[[source]]
name = "target"
distance_m = 100.0
reference = "front_face"

[[beam]]
name = "my_beam"
source = "target"
mode = "fhc"
flux_file = "flux.dat"
energy_range_GeV = [0.1, 3.0]
limitation = "a toy flux"

[beam.exposure]
pot = 1e20
target_mass_t = 22.336
molecule = { Ar40 = 1 }
"""

FLUX = "# E nue numu nutau nuebar numubar nutaubar\n" + "\n".join(
    f"{e:.2f} 0 {1e-10 * e:.3e} 0 0 0 0" for e in np.linspace(0.1, 3.0, 30)
)


def _write(tmp_path, text: str = GOOD, flux: bool = True):
    if flux:
        (tmp_path / "flux.dat").write_text(FLUX)
    path = tmp_path / "setup.toml"
    path.write_text(textwrap.dedent(text))
    return path


def test_user_file_builds_detector_exposure_and_flux(tmp_path):
    path = _write(tmp_path)
    det = get_detector(path)
    assert det.name == "my_lartpc" and det.title == "My LArTPC"
    assert det.active_mass == pytest.approx(16.0 * 1.396)  # 2 x 2 x 4 m^3 of LAr
    # 100 m to the upstream face at z = 0: 102 m to the centre
    assert det.baseline() == pytest.approx(102.0)
    with pytest.warns(UserWarning, match="toy flux"):
        ex = exposure(str(path))
        flux = ex.flux
    assert ex.name == "my_beam" and ex.pot == 1e20 and ex.target_masses == {"Ar40": 22.336}
    assert flux.baseline_m == pytest.approx(102.0)
    assert flux.interpolate(1.5, "numu") == pytest.approx(1.5e-10)
    assert ex.geometry().name == "my_lartpc"


def test_upscattering_rates_accept_an_experiment_file(tmp_path):
    """A user's copy of a built-in exposure gives the same rates as the built-in one."""
    from nuportal.generation.upscattering import upscattering_rates
    from nuportal.models.dark_neutrino import DarkNeutrinoModel

    text = GOOD.replace('flux_file = "flux.dat"', 'flux_table = "miniboone_fhc"')
    text = text.replace('limitation = "a toy flux"\n', "")
    text = text.replace("energy_range_GeV = [0.1, 3.0]", "energy_range_GeV = [0.1, 9.0]")
    text = text.replace("pot = 1e20", "pot = 18.75e20")
    text = text.replace("target_mass_t = 22.336\nmolecule = { Ar40 = 1 }",
                        "target_mass_t = 818.0\nmolecule = { C12 = 1, H1 = 2 }")  # fmt: skip
    path = _write(tmp_path, text, flux=False)
    model = DarkNeutrinoModel(0.15, 1.25, epsilon=1e-3, Umu4=1e-3, alphaD=0.25, UD4=1.0)
    ours = upscattering_rates(model, str(path), n_energies=64)
    builtin = upscattering_rates(model, "miniboone", n_energies=64)
    np.testing.assert_allclose(ours["events"], builtin["events"], rtol=1e-12)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("title", "titel"), r"unknown key detector\.titel; allowed keys: .*title"),
        (
            ("distance_m = 100.0", "distance_cm = 1e4"),
            r"wrong unit in key source\[0\]\.distance_cm: give distance_m \(in metres\)",
        ),
        (("pot = 1e20", 'pot = "1e20"'), r"beam\[0\]\.exposure\.pot must be a number"),
        (
            ('mode = "fhc"', 'mode = "both"'),
            r"beam\[0\]\.mode = 'both' is not allowed; allowed values: fhc, rhc",
        ),
        (('shape = "box"', 'shape = "cone"'), r"allowed values: box, sphere, cylinder"),
        (('target_material = "LAr"\n', ""), r"missing key detector\.target_material"),
        (
            ("upper_m = [1.0, 1.0, 4.0]", "upper_m = [1.0, 1.0]"),
            r"upper_m must be a list of three numbers",
        ),
        (
            ("upper_m = [1.0, 1.0, 4.0]", "upper_m = [1.0, -2.0, 4.0]"),
            r"upper_m must exceed lower_m",
        ),
        (('source = "target"', 'source = "bnb"'), r"allowed values: target"),
        (("molecule = { Ar40 = 1 }", "molecule = { Xx99 = 1 }"), r"molecule\.Xx99"),
        (('flux_file = "flux.dat"', 'flux_file = "missing.dat"'), r"missing\.dat' does not exist"),
        (("distance_m = 100.0", "distance_m = -5.0"), r"distance_m must be > 0 \(m\)"),
        (
            ("[[source]]", "[[source]]\nposition_m = [0.0, 0.0, -100.0]"),
            r"exactly one of position_m",
        ),
        (
            ('schema = "nuportal-experiment/1"', 'schema = "v2"'),
            r"allowed values: nuportal-experiment/1",
        ),
        (("[detector]", "[detector"), r"not valid TOML"),
    ],
)
def test_malformed_files_fail_with_one_line_naming_the_key(tmp_path, edit, message):
    old, new = edit
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ExperimentFileError, match=message) as err:
        load_experiment_file(path)
    text = str(err.value)
    assert "\n" not in text and str(path) in text


def test_builtin_catalog_is_the_same_format():
    """Every catalog detector is a shipped TOML file read by the same loader, with citations."""
    assert builtin_names() == list_detectors()
    for name in builtin_names():
        spec = builtin_spec(name)
        assert spec.name == name and spec.citations
        assert any("arXiv" in c for c in spec.citations)
        for beam in spec.beams.values():
            if beam.exposure is not None:
                assert beam.exposure["citations"]


def test_a_copy_of_a_builtin_file_is_a_valid_user_file(tmp_path):
    """The shipped files are what users copy: loading one from disk gives the same detector."""
    from importlib import resources

    text = resources.files("nuportal.detectors").joinpath("data", "dune_nd.toml").read_text()
    path = tmp_path / "dune.toml"
    path.write_text(text)
    mine = get_detector(path, off_axis=10.0)
    ref = get_detector("dune_nd", off_axis=10.0)
    np.testing.assert_allclose(mine.active_volume.center, ref.active_volume.center)
    assert mine.baseline() == ref.baseline()
    with pytest.raises(ValueError, match="allowed options"):
        get_detector(path, bnb_distance=3.0)


def test_every_command_that_takes_an_experiment_takes_the_file(tmp_path):
    """generate --detector, upscatter --experiment, oscillation predict --detector, detectors."""
    from typer.testing import CliRunner

    from nuportal.cli.app import app

    text = GOOD.replace('flux_file = "flux.dat"', 'flux_table = "miniboone_fhc"')
    text = text.replace('limitation = "a toy flux"\n', "")
    path = _write(tmp_path, text, flux=False)
    runner = CliRunner()
    runs = [
        ["detectors", str(path)],
        ["generate", "--detector", str(path), "--n-events", "200", "--method", "numpy",
         "--out", str(tmp_path / "g.parquet")],
        ["upscatter", "--experiment", str(path), "--n-events", "200",
         "--out", str(tmp_path / "u.parquet")],
        ["oscillation", "predict", "--dm2", "1", "--sin2-2theta", "0.01", "--detector", str(path)],
    ]  # fmt: skip
    for args in runs:
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.stderr)
    assert "my_lartpc" in runner.invoke(app, runs[0]).stdout
    bad = _write(tmp_path, text.replace("title", "titel"), flux=False)
    for args in runs:
        args = [str(bad) if a == str(path) else a for a in args]
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and "unknown key detector.titel" in result.stderr, args
        assert len(result.stderr.strip().splitlines()) == 1
