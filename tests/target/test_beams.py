"""Beams on targets: catalog, primary-proton attenuation, interaction points, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nuportal.sources.target import BeamTarget, get_beam, list_beams, nuclear


def test_catalog_names_and_lookup():
    assert list_beams() == ["bnb", "lbnf", "numi"]
    assert get_beam("LBNF").proton_energy == 120.0
    assert get_beam("bnb").material == "beryllium"
    beam = get_beam("numi")
    assert get_beam(beam) is beam


def test_bnb_target_is_1p7_interaction_lengths():
    # MiniBooNE flux paper (arXiv:0806.1449, Sec. III): 71.1 cm of Be = 1.7 interaction lengths
    bnb = get_beam("bnb")
    assert bnb.length / bnb.interaction_length == pytest.approx(1.7, abs=0.02)


def test_numi_target_is_about_two_interaction_lengths():
    numi = get_beam("numi")
    assert numi.length / numi.interaction_length == pytest.approx(2.0, abs=0.05)


def test_interaction_probability_and_escape():
    beam = BeamTarget("t", 120.0, "carbon", 0.5, 0.01, density=2.0)
    lam = 85.8 / 2.0 / 100.0  # PDG lambda_I(C) = 85.8 g/cm^2
    assert beam.material == "graphite"
    assert beam.interaction_length == pytest.approx(lam)
    assert beam.interaction_probability == pytest.approx(1 - math.exp(-0.5 / lam))
    assert beam.interaction_probability + beam.escape_fraction == pytest.approx(1.0)


def test_inelastic_cross_sections_against_reference_values():
    # sigma_inel(p C) ~ 230 mb (estimate made for this package); Be: A/(N_A 77.8 g/cm^2) = 192 mb
    assert nuclear.inelastic_cross_section("graphite") == pytest.approx(230.0, rel=0.02)
    assert nuclear.inelastic_cross_section("be") == pytest.approx(192.4, rel=0.002)
    assert nuclear.mass_number("beryllium") == 9.0
    assert nuclear.mass_number("graphite") == 12.0


def test_interaction_points_follow_the_truncated_exponential():
    beam = get_beam("bnb")
    pts = beam.sample_interaction_points(200_000, 3)
    lam, length = beam.interaction_length, beam.length
    assert np.all((pts[:, 2] >= 0) & (pts[:, 2] <= length))
    t = length / lam
    mean = lam * (1 - (1 + t) * math.exp(-t)) / (1 - math.exp(-t))
    # tolerance: 5 standard errors of the mean (std <= L / sqrt(12) is a safe upper bound... use the
    # sample std)
    err = pts[:, 2].std() / math.sqrt(len(pts))
    assert abs(pts[:, 2].mean() - mean) < 5 * err
    assert np.all(pts[:, :2] == 0.0)


def test_beam_spot_is_clipped_to_the_target():
    beam = BeamTarget("spot", 120.0, "graphite", 1.0, 0.004, beam_sigma=0.003)
    pts = beam.sample_interaction_points(10_000, 1)
    assert np.all(np.abs(pts[:, :2]) <= 0.004)
    assert pts[:, 0].std() == pytest.approx(0.0026, rel=0.1)


@pytest.mark.parametrize(
    "kwargs, word",
    [
        ({"material": "unobtainium"}, "material"),
        ({"material": "molybdenum"}, "interaction length"),
        ({"length": -1.0}, "length"),
        ({"proton_energy": float("nan")}, "proton_energy"),
        ({"radius": 0.0}, "radius"),
        ({"density": -2.0}, "density"),
        ({"beam_sigma": -1.0}, "beam_sigma"),
    ],
)
def test_bad_beams_raise(kwargs, word):
    args = {"name": "x", "proton_energy": 120.0, "material": "graphite", "length": 1.0,
            "radius": 0.01}  # fmt: skip
    args.update(kwargs)
    with pytest.raises(ValueError, match=word):
        BeamTarget(**args)


def test_unknown_beam():
    with pytest.raises(ValueError, match="beam must be one of"):
        get_beam("t2k")
