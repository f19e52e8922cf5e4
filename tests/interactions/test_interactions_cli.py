"""``nuportal interactions events | rates | convert``: files match the API, bad input is one line
and exit status 2."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from nuportal.cli import app
from nuportal.cli.interactions import FluxName, TargetName
from nuportal.interactions.events import InteractionEvents
from nuportal.interactions.generate import generate_interactions
from nuportal.interactions.rates import event_rates, rate_summary, units_per_tonne
from nuportal.interactions.readers import read_nuhepmc
from nuportal.interactions.targets import MATERIALS
from nuportal.sources.fluxes import FLUX_TABLES

runner = CliRunner()


def _invoke(*args):
    return runner.invoke(app, ["interactions", *[str(a) for a in args]])


def test_choices_follow_the_catalogs():
    assert {f.value for f in FluxName} == set(FLUX_TABLES)
    assert {t.value for t in TargetName} == set(MATERIALS)


def test_events_command_matches_the_api_and_writes_parquet_and_nuhepmc(tmp_path):
    args = ["--flux", "nova_nd_fhc", "--target", "CH2", "--processes", "ccqe,nu_e_elastic"]
    args += ["--n-events", "300", "--seed", "4"]
    out = tmp_path / "ev.parquet"
    result = _invoke("events", *args, "--out", out, "--plot", tmp_path / "ev.png")
    assert result.exit_code == 0, result.stderr
    got = InteractionEvents.from_parquet(out)
    api = generate_interactions(
        "nova_nd_fhc", "CH2", processes=["ccqe", "nu_e_elastic"], n_events=300, seed=4
    )
    pd.testing.assert_frame_equal(got.events, api.events)
    pd.testing.assert_frame_equal(got.particles, api.particles)
    assert (tmp_path / "ev.png").stat().st_size > 0
    # the same events as NuHepMC, scaled to an exposure
    hep = tmp_path / "ev.hepmc3"
    result = _invoke("events", *args, "--pot", "1e20", "--tonnes", "2", "--out", hep)
    assert result.exit_code == 0, result.stderr
    back = read_nuhepmc(hep)
    expected = api.events["weight"].to_numpy() * 1e20 * 2 * units_per_tonne("CH2")
    np.testing.assert_allclose(back.events["weight"], expected, rtol=1e-14)
    assert back.metadata["weight_convention"] == "events"


def test_rates_command_matches_the_api(tmp_path):
    out = tmp_path / "rates.csv"
    result = _invoke(
        "rates", "--flux", "dune_nd_fhc", "--processes", "nu_e_elastic,ccqe", "--tonnes", "50",
        "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    table = pd.read_csv(out).set_index("channel")["events"]
    api = rate_summary(
        event_rates("dune_nd_fhc", "Ar40", processes=["nu_e_elastic", "ccqe"], tonnes=50)
    )
    np.testing.assert_allclose(table[api.index].to_numpy(), api.to_numpy(), rtol=1e-7)
    assert "numu_cc" in result.stdout and "nu_e_elastic" in result.stdout


def test_detector_option_sets_flux_material_and_mass(tmp_path):
    """--detector nova_nd: the NOvA ND neutrino-mode flux, CH2 and its 193 t active mass."""
    from nuportal.detectors import get_detector

    out = tmp_path / "r.csv"
    result = _invoke("rates", "--detector", "nova_nd", "--processes", "nu_e_elastic", "--out", out)
    assert result.exit_code == 0, result.stderr
    mass = get_detector("nova_nd").active_mass
    api = rate_summary(event_rates("nova_nd_fhc", "CH2", processes=["nu_e_elastic"], tonnes=mass))
    got = pd.read_csv(out).set_index("channel")["events"]
    np.testing.assert_allclose(got[api.index].to_numpy(), api.to_numpy(), rtol=1e-7)
    assert "nova_nd_fhc on CH2" in result.stdout
    result = _invoke("rates", "--detector", "dune_nd", "--flux", "nova_nd_fhc")
    assert result.exit_code == 2 and "not both" in result.stderr


def test_convert_command_adds_observables(tmp_path):
    from nuportal.interactions.nuhepmc import write_nuhepmc

    api = generate_interactions("nova_nd_fhc", "CH2", processes=["ccqe"], n_events=50, seed=2)
    src = write_nuhepmc(api, tmp_path / "in.hepmc3")
    out = tmp_path / "conv.parquet"
    result = _invoke("convert", src, "--out", out)
    assert result.exit_code == 0, result.stderr
    got = InteractionEvents.from_parquet(out)
    assert {"reco_E_nu_qe", "reco_pt_miss", "reco_E_had_vis"} <= set(got.events.columns)
    np.testing.assert_allclose(got.events["E_nu"], api.events["E_nu"], rtol=1e-15)


@pytest.mark.parametrize(
    "args,message",
    [
        (["events", "--processes", "magic"], "--processes"),
        (["events", "--out", "x.txt"], "--out must end in .parquet or .hepmc3"),
        (["events", "--pot", "-1"], "--pot must be finite and > 0"),
        (["events", "--tonnes", "2"], "--tonnes needs --pot"),
        (["events", "--target", "Xe"], "Xe"),
        (["events", "--n-events", "0"], "n-events"),
        (["rates", "--tonnes", "0"], "--tonnes must be finite and > 0"),
        (["rates", "--flux", "nowhere"], "nowhere"),
        (["convert", "missing.hepmc3"], "no such file"),
        (["convert", "in.hepmc3", "--binding-energy", "1"], "--binding-energy"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = _invoke(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_malformed_event_file_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "bad.hepmc3"
    bad.write_text("HepMC::Version 3.02.05\nHepMC::Asciiv3-START_EVENT_LISTING\nE 0 1 2\n")
    result = _invoke("convert", bad, "--out", tmp_path / "x.parquet")
    assert result.exit_code == 2
    assert "bad.hepmc3: truncated" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
