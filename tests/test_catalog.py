"""Tests of the detector catalog."""

from __future__ import annotations

import numpy as np
import pytest

from nuportal.detectors import Box, Sphere, Union, get_detector, list_detectors
from nuportal.detectors.catalog import LAR_DENSITY, MICROBOONE_NUMI_ABSORBER_DIRECTION


def test_list_and_case_insensitive_lookup():
    assert list_detectors() == ["dune_nd", "icarus", "microboone", "miniboone", "nova_nd", "sbnd"]
    assert get_detector("MicroBooNE").name == "microboone"
    assert get_detector("  SBND ").name == "sbnd"
    assert get_detector("uBooNE").name == "microboone"
    assert get_detector("ICARUS-T600").name == "icarus"


def test_unknown_detector_lists_known_names():
    with pytest.raises(ValueError, match="known detectors") as err:
        get_detector("superk")
    for name in list_detectors():
        assert name in str(err.value)


def test_unknown_option_and_bad_values():
    with pytest.raises(ValueError, match="allowed options"):
        get_detector("sbnd", absorber_distance=10.0)
    with pytest.raises(ValueError, match="absorber_distance"):
        get_detector("microboone", absorber_distance=-1.0)
    with pytest.raises(ValueError, match="known sources"):
        get_detector("sbnd").source("numi_absorber")


def test_microboone_tpc_and_absorber():
    ub = get_detector("microboone")
    tpc = ub.active_volume
    assert isinstance(tpc, Box)
    lo, hi = tpc.center - tpc.size / 2, tpc.center + tpc.size / 2
    np.testing.assert_allclose(lo, [0.0, -1.165, 0.0], atol=1e-12)
    np.testing.assert_allclose(hi, [2.5635, 1.165, 10.368], atol=1e-12)
    # Default absorber distance 100 m; direction of flight = the normalized published vector.
    assert ub.baseline("numi_absorber") == pytest.approx(100.0, rel=1e-12)
    n = np.array(MICROBOONE_NUMI_ABSORBER_DIRECTION) / np.linalg.norm(
        MICROBOONE_NUMI_ABSORBER_DIRECTION
    )
    np.testing.assert_allclose(ub.beam_direction("NuMI_Absorber"), n, rtol=1e-12)
    angle_to_z = np.degrees(np.arccos(n[2]))
    assert 120.0 < angle_to_z < 130.0  # "about 126 degrees from +z"
    # Coming from below and downstream: the absorber is at y < 0, z > z_centre.
    pos = ub.source("numi_absorber").position
    assert pos[1] < tpc.center[1] and pos[2] > tpc.center[2]
    # The central ray crosses the box symmetrically about the centre.
    inter = ub.intersect_from_source(n, source="numi_absorber")
    assert inter.t_entry < 100.0 < inter.t_exit
    assert inter.t_entry + inter.t_exit == pytest.approx(200.0, rel=1e-12)
    # D is a parameter.
    ub102 = get_detector("microboone", absorber_distance=102.0)
    assert ub102.baseline("numi_absorber") == pytest.approx(102.0)
    assert ub102.intersect_from_source(n, "numi_absorber").t_entry == pytest.approx(
        inter.t_entry + 2.0
    )


def test_rays_from_absorber_to_points_in_the_tpc():
    ub = get_detector("microboone")
    tpc = ub.active_volume
    rng = np.random.default_rng(7)
    pts = tpc.center + (rng.uniform(-0.5, 0.5, size=(500, 3)) * tpc.size)
    inter = ub.intersect_towards(pts, source="numi_absorber")
    dist = ub.source("numi_absorber").distance_to(pts)
    assert inter.hit.all()
    assert np.all((inter.t_entry <= dist + 1e-9) & (dist <= inter.t_exit + 1e-9))
    # Path lengths are bounded by the box diagonal.
    assert np.all(inter.length <= np.linalg.norm(tpc.size) + 1e-9)


def test_bnb_baselines():
    assert get_detector("microboone").baseline() == pytest.approx(463.0 + 10.368 / 2)
    assert 463.0 < get_detector("microboone").baseline() < 470.5  # consistent with "470 m"
    assert get_detector("miniboone").baseline() == pytest.approx(541.0)
    assert get_detector("sbnd").baseline() == pytest.approx(110.0)
    assert get_detector("icarus").baseline() == pytest.approx(600.0)
    for name in ("icarus", "microboone", "miniboone", "sbnd"):
        np.testing.assert_allclose(get_detector(name).beam_direction("bnb"), [0, 0, 1])


def test_masses_consistent_with_volumes():
    """Published active masses agree with volume x density within a few per cent."""
    for name in ("microboone", "sbnd", "icarus"):
        det = get_detector(name)
        assert det.target_material == "LAr"
        mass = det.active_volume.volume * LAR_DENSITY
        assert mass == pytest.approx(det.active_mass, rel=0.03), name
    mb = get_detector("miniboone")
    assert isinstance(mb.active_volume, Sphere) and mb.active_volume.radius == 6.1
    assert mb.fiducial_volume.radius == 5.0
    # 818 t of mineral oil at 0.845 t/m^3 (MiniBooNE detector web page) fill the 6.1 m sphere.
    assert mb.active_volume.volume * 0.845 == pytest.approx(mb.active_mass, rel=0.03)


def test_icarus_two_modules():
    ic = get_detector("icarus")
    assert isinstance(ic.active_volume, Union)
    assert len(ic.active_volume.volumes) == 2
    west = ic.active_volume.volumes[1]
    inter = ic.intersect_towards(west.center, source="bnb")
    assert inter.t_entry.shape == (2,)
    assert inter.hit.tolist() == [False, True]
    assert inter.length[1] == pytest.approx(west.size[2], rel=1e-3)


def test_every_entry_is_cited():
    for name in list_detectors():
        det = get_detector(name)
        assert det.citations and all(isinstance(c, str) and c for c in det.citations)
        assert any("arXiv" in c for c in det.citations)
        for src in det.sources.values():
            assert src.citations, (name, src.name)


# ---------------------------------------------------------------- one catalog for every command
def test_dune_nd_is_nd_lar_and_moves_off_axis():
    """DUNE ND CDR (arXiv:2103.13910): active volume 7 m wide x 3 m high x 5 m long, 574 m from
    the target; DUNE-PRISM moves it sideways up to ~30 m."""
    nd = get_detector("dune_nd")
    assert isinstance(nd.active_volume, Box)
    np.testing.assert_allclose(nd.active_volume.size, [7.0, 3.0, 5.0])
    assert nd.baseline() == pytest.approx(574.0)
    assert nd.active_mass == pytest.approx(105.0 * LAR_DENSITY)  # computed from the volume
    moved = get_detector("dune_nd", off_axis=10.0)
    np.testing.assert_allclose(moved.active_volume.center, [10.0, 0.0, 0.0])
    np.testing.assert_allclose(moved.source().position, nd.source().position)  # target stays
    assert moved.baseline() == pytest.approx(np.hypot(574.0, 10.0))
    assert moved.off_axis_m == 10.0
    angle = np.degrees(np.arccos(moved.beam_direction()[2]))
    assert angle == pytest.approx(np.degrees(np.arctan(10.0 / 574.0)))
    for bad in (-1.0, 31.0, np.nan):
        with pytest.raises(ValueError, match="off_axis"):
            get_detector("dune_nd", off_axis=bad)
    from nuportal.detectors.experiment_file import builtin_spec

    with pytest.raises(ValueError, match="off axis"):
        builtin_spec("sbnd").detector(off_axis=1.0)


def test_nova_nd_geometry_and_mass():
    """NOvA: fully active 3.9 m x 3.9 m x 12.7 m, 193 t, about 1 km from the NuMI target."""
    nd = get_detector("NOvA_ND")
    np.testing.assert_allclose(nd.active_volume.size, [3.9, 3.9, 12.7])
    assert nd.active_mass == 193.0
    assert nd.baseline() == pytest.approx(1000.0)
    # average density of the scintillator-filled PVC: close to 1 t/m^3
    assert nd.active_mass / nd.active_volume.volume == pytest.approx(1.0, abs=0.05)
    assert nd.beams == ("nova_nd_fhc", "nova_nd_rhc")


def test_every_detector_has_geometry_material_and_the_flux_detectors_agree():
    """One set of names: the detectors with a shipped flux (oscillation predict) and the
    exposures (upscatter) are all catalog detectors with a geometry."""
    from nuportal.detectors.exposures import exposure, list_exposures
    from nuportal.sources.fluxes import DETECTOR_FLUXES

    assert set(DETECTOR_FLUXES) <= set(list_detectors())
    for name in list_detectors():
        det = get_detector(name)
        assert det.active_volume.volume > 0 and det.target_material and det.active_mass > 0
        assert det.title
    for name in list_exposures():
        ex = exposure(name)
        assert ex.detector in list_detectors()
        assert ex.geometry().name == ex.detector  # events need a geometry: every one has it
        assert ex.name in get_detector(ex.detector).beams
    assert exposure("dune_nd").name == "dune_nd_fhc"
    assert exposure("nova_nd", beam="rhc").name == "nova_nd_rhc"


def test_catalog_baselines_match_the_flux_tables():
    """The geometric baselines agree with the flux tables' nominal ones (within MicroBooNE's
    rounding of 468.2 m to 470 m)."""
    from nuportal.sources.fluxes import DETECTOR_BASELINES_M

    for name, baseline in DETECTOR_BASELINES_M.items():
        assert get_detector(name).baseline() == pytest.approx(baseline, rel=5e-3)


def test_sbnd_flux_warns_that_rates_are_lower_bounds():
    from nuportal.sources.fluxes import detector_flux
    from nuportal.validity import ValidityWarning

    with pytest.warns(ValidityWarning, match="1-3 GeV"):
        detector_flux("sbnd")


def test_detectors_command_shows_geometry_material_baseline_and_beams():
    from typer.testing import CliRunner

    from nuportal.cli.app import app

    result = CliRunner().invoke(app, ["detectors"])
    assert result.exit_code == 0
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert sorted(lines) == list_detectors()
    assert "box 7 x 3 x 5 m" in lines["dune_nd"] and "lbnf 574 m" in lines["dune_nd"]
    assert "dune_nd_fhc (1e+22 POT)" in lines["dune_nd"]
    assert "sphere r = 6.1 m" in lines["miniboone"] and "CH2" in lines["miniboone"]
    assert "none (geometry only)" in lines["icarus"]
    one = CliRunner().invoke(app, ["detectors", "NOvA_ND"])
    assert one.exit_code == 0 and "arXiv:2108.08219" in one.stdout
    bad = CliRunner().invoke(app, ["detectors", "superk"])
    assert bad.exit_code == 2
