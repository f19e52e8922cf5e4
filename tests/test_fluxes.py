"""Tests of nuportal.sources.fluxes: shipped flux tables and their validating reader."""

from __future__ import annotations

import hashlib
from importlib import resources

import numpy as np
import pytest

from nuportal.sources.fluxes import (
    DETECTOR_BASELINES_M,
    DETECTOR_FLUXES,
    FLAVOUR_COLUMNS,
    FLUX_TABLES,
    detector_flux,
    load_flux,
    read_flux_file,
)

# sha256 of the published flux files (byte-for-byte copies are shipped; sources in
# src/nuportal/experiments/data/fluxes/README.md)
SHA256 = {
    "DUNE_ND_FHC.dat": "9403dedf4273c36550d3d2f5f126fa89b45e0904e3e9bad9c7b517ff35009cd7",
    "DUNE_ND_RHC.dat": "b00f56328cc257a37eafaf7fccc4f7c837b0171dd952320db340e69c8037101b",
    "MicroBooNE_BNB_fullflux.txt": (
        "07e9124e1eb880436ba78d7178dc26e7b1b2393df9d1fad535ae0370322c07e9"
    ),
    "MiniBooNE_FHC.dat": "6eeb7ec56449223daaa4ede943cfee780e320b35594fb3dea502973d792c4e99",
    "MiniBooNE_RHC.dat": "3e8aba020363798298a76817e9f0c9a2d472f53c524ea36e63f64ce700a4380b",
    "NOvA_FHC.dat": "c8cecb11b7afa3315289acb59ca9562e0632d54c7f6b0c71cceb5023939ada62",
    "NOvA_RHC.dat": "7e39adda69279b9f809ee84077d9674be92f50a8f4946a2a75233863079614da",
    "SBND_FHC_digitized.dat": "6e31a39cb60ab61cf56c859bd2f83f035bf1e486cdd4e5a0cc167e4adb8bc03a",
}


def _resource(filename):
    return resources.files("nuportal.experiments").joinpath("data", "fluxes", filename)


@pytest.mark.parametrize("name", sorted(FLUX_TABLES))
def test_every_shipped_table_loads_and_is_unchanged(name):
    table = FLUX_TABLES[name]
    data = _resource(table.filename).read_bytes()
    assert hashlib.sha256(data).hexdigest() == SHA256[table.filename]
    flux = load_flux(name)
    assert set(flux.columns) == set(FLAVOUR_COLUMNS)
    assert np.all(np.diff(flux.E_GeV) > 0)
    for col in flux.columns.values():
        assert col.shape == flux.E_GeV.shape and np.all(col >= 0)
    # accelerator beams: nu_mu or nubar_mu dominate, no tabulated nu_tau
    assert max(flux["numu"].sum(), flux["numubar"].sum()) > 10 * flux["nue"].sum()


def test_microboone_table_is_converted_from_per_bin_to_per_gev():
    raw = np.loadtxt(str(_resource("MicroBooNE_BNB_fullflux.txt")))
    flux = load_flux("microboone")
    np.testing.assert_allclose(flux["numu"], raw[:, 2] / 0.05, rtol=1e-15)
    # cross-check against MiniBooNE (same beam, 541 m vs 470 m): the integrated nu_mu flux scales
    # roughly as 1/L^2 = 1.32; the two detectors' different sizes and the tables' different
    # simulations allow +-15 %.
    mb = load_flux("miniboone")
    ratio = np.trapezoid(flux["numu"], flux.E_GeV) / np.trapezoid(mb["numu"], mb.E_GeV)
    assert ratio == pytest.approx((541.0 / 470.0) ** 2, rel=0.15)


def test_detector_mapping_and_baselines():
    assert DETECTOR_BASELINES_M == {
        "sbnd": 110.0,
        "microboone": 470.0,
        "miniboone": 541.0,
        "dune_nd": 574.0,
        "nova_nd": 1000.0,
    }
    for det in DETECTOR_FLUXES:
        f = detector_flux(det)
        assert f.baseline_m == DETECTOR_BASELINES_M[det]
        assert f.decay_region is not None and f.decay_region.end_m < f.baseline_m
    assert detector_flux("MiniBooNE", "rhc").name == "miniboone_rhc"
    assert load_flux("DUNE_ND").name == "dune_nd_fhc"


def test_interpolate_is_linear_exact_on_nodes_and_zero_outside():
    f = load_flux("miniboone_fhc")
    np.testing.assert_allclose(f.interpolate(f.E_GeV, "numu"), f["numu"])
    mid = 0.5 * (f.E_GeV[3] + f.E_GeV[4])
    assert f.interpolate(mid, "nue") == pytest.approx(0.5 * (f["nue"][3] + f["nue"][4]))
    assert f.interpolate(50.0, "numu") == 0.0
    assert isinstance(f.interpolate(1.0, "numu"), float)


def test_unknown_names_raise():
    with pytest.raises(ValueError, match="unknown flux"):
        load_flux("t2k_nd280")
    with pytest.raises(ValueError, match="unknown detector"):
        detector_flux("icarus")
    with pytest.raises(ValueError, match="no 'rhc' flux"):
        detector_flux("sbnd", "rhc")
    with pytest.raises(ValueError, match="unknown flavour"):
        load_flux("sbnd").interpolate(1.0, "numu_bar")
    with pytest.raises(ValueError, match="finite"):
        load_flux("sbnd").interpolate(np.nan, "numu")


GOOD = "# E nue numu nutau nuebar numubar nutaubar\n0.1 1 2 0 1 1 0\n0.2 1 2 0 1 1 0\n"


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (GOOD.replace("0.2 1 2 0 1 1 0", "0.2 1 2 0 1 1"), "line 3: expected 7 columns"),
        (GOOD.replace("0.2 1 2", "0.2 x 2"), "line 3: not a number"),
        (GOOD.replace("0.2 1 2", "0.2 nan 2"), "non-finite"),
        (GOOD.replace("0.2 1 2", "0.2 -1 2"), ">= 0"),
        (GOOD.replace("0.2 1 2", "0.1 1 2"), "strictly increasing"),
        ("# only a comment\n0.1 1 2 0 1 1 0\n", "fewer than two"),
    ],
)
def test_malformed_files_raise_naming_the_problem(tmp_path, text, match):
    p = tmp_path / "bad.dat"
    p.write_text(text)
    with pytest.raises(ValueError, match=match):
        read_flux_file(p)


def test_read_flux_file_good_and_per_bin(tmp_path):
    p = tmp_path / "good.dat"
    p.write_text(GOOD)
    f = read_flux_file(p, per_bin_GeV=0.1)
    np.testing.assert_allclose(f["numu"], [20.0, 20.0])
    assert f.baseline_m is None
    with pytest.raises(ValueError, match="cannot read"):
        read_flux_file(tmp_path / "missing.dat")
    with pytest.raises(ValueError, match="per_bin_GeV"):
        read_flux_file(p, per_bin_GeV=0.0)
