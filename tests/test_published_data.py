"""Tests of the shipped published tables and their reader (nuportal.experiments.published)."""

from __future__ import annotations

import hashlib
from importlib import resources

import numpy as np
import pytest

from nuportal.experiments import (
    SCHEMAS,
    kelly_machado_2021_hnl_limit,
    microboone_kdar_hps_2021,
    read_table,
)

# sha256 of the MicroBooNE file as collected for the project (arXiv:2106.00568): the shipped copy
# is identical.
MICROBOONE_SHA256 = "ae3e036414de68b09b539eba68e88be0ec4a133bf5c3ce6c52c88888a3111ec0"

GOOD_HEADER = "# citation line\nm_S_GeV,theta_limit,efficiency\n"


def _data_file(name: str):
    return resources.files("nuportal.experiments").joinpath("data", name)


def test_microboone_file_is_the_collected_copy_byte_for_byte():
    raw = _data_file("microboone_kdar_hps_2021.csv").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == MICROBOONE_SHA256
    assert raw.startswith(b"# MicroBooNE search for a Higgs-portal scalar")
    assert b"arXiv:2106.00568" in raw


def test_microboone_table_contents_and_metadata():
    d = microboone_kdar_hps_2021()
    assert d.mass_GeV.shape == d.theta_limit.shape == d.efficiency.shape == (18,)
    assert d.mass_GeV[0] == 0.001023 and d.mass_GeV[-1] == 0.21
    assert np.all(np.diff(d.mass_GeV) > 0)
    assert np.all((d.theta_limit > 0) & (d.theta_limit < 1))
    assert np.all((d.efficiency > 0) & (d.efficiency <= 1))
    # a few rows as printed in the file
    i = int(np.nonzero(d.mass_GeV == 0.14)[0][0])
    assert (d.theta_limit[i], d.efficiency[i]) == (0.00037, 0.17)
    assert (d.protons_on_target, d.n_observed, d.background_expected, d.background_uncertainty) == (
        1.93e20,
        1,
        1.9,
        0.8,
    )
    assert d.absorber_distance_m == 100.0 and d.confidence_level == 0.95
    assert "2106.00568" in d.citation and "151803" in d.citation
    assert any("arXiv:2106.00568" in line for line in d.header)
    with pytest.raises(ValueError):
        d.theta_limit[0] = 1.0  # read-only


def test_microboone_limit_matches_the_published_abstract():
    # Independent source: the abstract of arXiv:2106.00568 / PRL 127, 151803 quotes
    # theta < (3.3-4.6) x 10^-4 at 95% CL for 100 <= m_S <= 200 MeV.
    d = microboone_kdar_hps_2021()
    sel = (d.mass_GeV >= 0.1) & (d.mass_GeV <= 0.2)
    assert d.theta_limit[sel].min() == pytest.approx(3.3e-4)
    assert d.theta_limit[sel].max() == pytest.approx(4.6e-4)


@pytest.mark.parametrize("efficiency", ["scalar", "cos_opening"])
def test_kelly_machado_curves(efficiency):
    c = kelly_machado_2021_hnl_limit(efficiency)
    assert c.coupling == "|U_mu4|^2"
    assert 0.020 < c.mass_GeV[0] < 0.0202 and 0.198 < c.mass_GeV[-1] < 0.2
    assert np.all(np.diff(c.mass_GeV) > 0)
    assert np.all(np.diff(c.limit) < 0)  # the limit improves with mass over 20-200 MeV
    assert "2106.06548" in c.citation and "Hostert" in c.citation
    # interpolation reproduces the tabulated points and stays between neighbours
    np.testing.assert_allclose(c.at(c.mass_GeV[5:8]), c.limit[5:8], rtol=1e-12)
    mid = np.sqrt(c.mass_GeV[10] * c.mass_GeV[11])
    assert c.limit[11] < c.at(mid) < c.limit[10]
    with pytest.raises(ValueError, match="outside the tabulated range"):
        c.at(0.25)


def test_kelly_machado_values_at_100_mev():
    # Digitized values at m_N = 100 MeV (Heavy-Neutrino-Limits, MicroBooNE_kelly/*.dat).
    assert kelly_machado_2021_hnl_limit("cos_opening").at(0.1) == pytest.approx(
        4.09431933067682e-06, rel=1e-12, abs=0
    )
    assert kelly_machado_2021_hnl_limit("scalar").at(0.1) == pytest.approx(3.39e-6, rel=0.01)
    with pytest.raises(ValueError, match="efficiency"):
        kelly_machado_2021_hnl_limit("dirac")


def test_every_shipped_table_reads_and_is_cited_in_the_readme():
    readme = _data_file("README.md").read_text(encoding="utf-8")
    for name, schema in SCHEMAS.items():
        table = read_table(name)
        assert len(table) > 0 and table.header
        assert schema.filename in readme


# ------------------------------------------------------------------ malformed files


def _write(tmp_path, text, name="table.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_a_valid_file_from_disk(tmp_path):
    path = _write(tmp_path, GOOD_HEADER + "0.1,0.00046,0.112\n0.2,0.00033,1.0\n")
    table = read_table(path, schema="microboone_kdar_hps_2021")
    np.testing.assert_array_equal(table["efficiency"], [0.112, 1.0])
    assert table.header == ("citation line",)
    with pytest.raises(KeyError, match="no column"):
        table["mass"]


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ("m_S_GeV,theta,efficiency\n0.1,0.00046,0.112\n", "expected exactly"),
        ("m_S_GeV,efficiency,theta_limit\n0.1,0.112,0.00046\n", "expected exactly"),
        (GOOD_HEADER + "0.2,0.00046,0.112\n0.1,0.00033,0.1\n", "strictly increasing"),
        (GOOD_HEADER + "0.1,0.00046,0.112\n0.1,0.00033,0.1\n", "strictly increasing"),
        (GOOD_HEADER + "-0.1,0.00046,0.112\n", "m_S_GeV"),
        (GOOD_HEADER + "0.1,1.0,0.112\n", "theta_limit"),
        (GOOD_HEADER + "0.1,0.0,0.112\n", "theta_limit"),
        (GOOD_HEADER + "0.1,0.00046,0.0\n", "efficiency"),
        (GOOD_HEADER + "0.1,0.00046,1.2\n", "efficiency"),
        (GOOD_HEADER + "0.1,abc,0.112\n", "non-numeric"),
        (GOOD_HEADER + "0.1,nan,0.112\n", "non-finite"),
        (GOOD_HEADER + "0.1,0.00046\n", "fields"),
        (GOOD_HEADER, "no data rows"),
        ("# only comments\n", "no column-name line"),
        (GOOD_HEADER + "0.1,0.00046,0.112\n# late comment\n", "comment lines"),
    ],
)
def test_malformed_file_raises_naming_file_and_problem(tmp_path, body, match):
    path = _write(tmp_path, body, name="broken_table.csv")
    with pytest.raises(ValueError, match=match) as info:
        read_table(path, schema="microboone_kdar_hps_2021")
    assert "broken_table.csv" in str(info.value)


def test_reader_arguments(tmp_path):
    with pytest.raises(ValueError, match="cannot read"):
        read_table(tmp_path / "missing.csv", schema="microboone_kdar_hps_2021")
    with pytest.raises(ValueError, match="give a schema"):
        read_table(tmp_path / "missing.csv")
    with pytest.raises(ValueError, match="not one of the shipped tables"):
        read_table("microboone_kdar_hps_2021", schema="nonexistent")
