"""Event generation for a flux and a target; event record and parquet round trip."""

import numpy as np
import pandas as pd
import pytest
from scipy import integrate

from nuportal.interactions import InteractionEvents, concat, nu_electron
from nuportal.interactions.events import EVENT_COLUMNS
from nuportal.interactions.generate import channel_rates, generate_interactions
from nuportal.sources.fluxes import load_flux


def test_nu_e_rate_equals_independent_flux_integral():
    # sum of weights = int phi(E) sigma(E) dE x Z: scipy quadrature of the interpolated flux times
    # the closed-form sigma (independent of the generator's tabulation and sampling)
    flux = load_flux("dune_nd_fhc")
    ev = generate_interactions(
        flux, "Ar40", processes=["nu_e_elastic"], flavours=["numu"], n_events=20_000, seed=4
    )
    w = ev.events["weight"].to_numpy()
    e0, e1 = flux.E_range_GeV
    ref, _ = integrate.quad(
        lambda E: flux.interpolate(E, "numu") * nu_electron.total_cross_section(E, 14) * 18,
        e0,
        e1,
        limit=500,
        points=flux.E_GeV[1:-1][::4],
    )
    err = np.sqrt(np.sum(w**2))  # MC error of the sum of weights
    assert w.sum() == pytest.approx(ref, abs=4 * err)
    assert (ev.events["target"] == "e-").all()
    rates = channel_rates(flux, "Ar40", processes=["nu_e_elastic"], flavours=["numu"])
    assert rates["rate"].sum() == pytest.approx(ref, rel=5e-3)  # trapezoid on the table


def test_ccqe_and_2p2h_on_ch_events():
    ev = generate_interactions(
        "nova_nd_fhc", "CH", processes=["ccqe", "2p2h"], n_events=5000, seed=11
    )
    df, pa = ev.events, ev.particles
    assert set(df["mode"]) == {"ccqe", "2p2h"}
    assert set(df["target"]) == {"C12", "H1"}  # nubar_mu p -> mu+ n on hydrogen
    assert (df["weight"] > 0).all()
    assert (np.diff(pa["event"].to_numpy()) >= 0).all() and pa["event"].max() == len(df) - 1
    # the first particle of each event is the lepton of the events table
    first = pa.groupby("event").head(1).set_index("event")
    np.testing.assert_allclose(first["E"].to_numpy(), df["lep_E"].to_numpy())
    assert (first["pdg"].to_numpy() == df["lep_pdg"].to_numpy()).all()
    # neutrons are stored: antineutrino CCQE gives n
    anti = df.index[(df["nu_pdg"] < 0) & (df["mode"] == "ccqe")]
    assert (pa[pa["event"].isin(anti)]["pdg"] == 2112).any()
    # same seed, same events
    again = generate_interactions(
        "nova_nd_fhc", "CH", processes=["ccqe", "2p2h"], n_events=5000, seed=11
    )
    pd.testing.assert_frame_equal(again.events, df)
    assert ev.metadata["weight_convention"] == "events_per_pot_per_target"


def test_sum_of_weights_matches_channel_rates_for_ccqe():
    ev = generate_interactions(
        "miniboone_fhc", "C12", processes=["ccqe"], flavours=["numu"], n_events=20_000, seed=2
    )
    w = ev.events["weight"].to_numpy()
    r = channel_rates("miniboone_fhc", "C12", processes=["ccqe"], flavours=["numu"])["rate"].sum()
    # channel_rates uses the tabulated sigma (1% correlated MC error), the events are unbiased
    assert w.sum() == pytest.approx(r, abs=4 * np.sqrt(np.sum(w**2)) + 0.015 * r)


def test_parquet_round_trip_scaled_and_concat(tmp_path):
    ev = generate_interactions("miniboone_fhc", "CH2", processes=["ccqe"], n_events=500, seed=5)
    p, pp = ev.to_parquet(tmp_path / "ev.parquet")
    assert pp.name == "ev.particles.parquet"
    back = InteractionEvents.from_parquet(p)
    pd.testing.assert_frame_equal(back.events, ev.events, check_dtype=False)
    pd.testing.assert_frame_equal(back.particles, ev.particles, check_dtype=False)
    assert back.metadata["params"] == {} and back.metadata["target"] == "CH2"
    s = ev.scaled(1e21, 2.0)
    assert s.total_weight == pytest.approx(ev.total_weight * 2e21)
    both = concat([ev, ev])
    assert len(both) == 2 * len(ev) and both.particles["event"].max() == 2 * len(ev) - 1


def test_event_record_validation():
    ev = generate_interactions("miniboone_fhc", "C12", processes=["ccqe"], n_events=50, seed=1)
    bad = ev.events.drop(columns="Q2")
    with pytest.raises(ValueError, match="Q2"):
        InteractionEvents(bad, ev.particles, {})
    bad = ev.events.assign(mode="teleport")
    with pytest.raises(ValueError, match="mode"):
        InteractionEvents(bad, ev.particles, {})
    bad = ev.events.assign(weight=np.nan)
    with pytest.raises(ValueError, match="weight"):
        InteractionEvents(bad, ev.particles, {})
    assert set(EVENT_COLUMNS) <= set(ev.events.columns)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"target": "Xe131"}, "material"),
        ({"processes": ["warp_drive"]}, "process"),
        ({"n_events": 0}, "n_events"),
        ({"flavours": ["numu_sterile"]}, "flavour"),
        ({"M_A_QE": -2.0}, "M_A"),
    ],
)
def test_bad_input(kwargs, match):
    args = {"target": "C12", "processes": ["ccqe"], "n_events": 10, "seed": 1} | kwargs
    with pytest.raises(ValueError, match=match):
        generate_interactions("miniboone_fhc", **args)


def test_unweighted_process_gets_sigma_from_its_total(monkeypatch):
    # a process whose sampler returns weight 1 (events distributed as dsigma): the generator
    # multiplies by total_cross_section; sum of weights = int phi sigma dE (scipy, independent)
    from nuportal.interactions import processes
    from nuportal.interactions.events import EVENT_COLUMNS

    def sigma(E, nu_pdg, target, **_):
        return 1e-38 * np.asarray(E, dtype=float)

    def sample(E, nu_pdg, target, rng, **_):
        E = np.asarray(E, dtype=float)
        n = E.size
        cols = {c: np.zeros(n) for c, k in EVENT_COLUMNS.items() if k == "f"}
        cols.update(
            nu_pdg=np.full(n, nu_pdg),
            E_nu=E,
            target=target,
            hit_nucleon_pdg=0,
            mode="dis",
            cc=np.ones(n, bool),
            weight=np.ones(n),
            lep_pdg=13,
            lep_E=E,
            lep_pz=E,
        )
        pa = pd.DataFrame(
            {"event": np.arange(n), "pdg": 13, "E": E, "px": 0.0, "py": 0.0, "pz": E, "status": 1}
        )
        return pd.DataFrame(cols), pa

    monkeypatch.setitem(processes.PROCESSES, "toy", processes.Process("toy", sample, sigma, "dis"))
    flux = load_flux("nova_nd_fhc")
    ev = generate_interactions(
        flux, "C12", processes=["toy"], flavours=["numu"], n_events=20_000, seed=1
    )
    w = ev.events["weight"].to_numpy()
    e0, e1 = flux.E_range_GeV
    ref, _ = integrate.quad(
        lambda E: flux.interpolate(E, "numu") * 1e-38 * E,
        e0,
        e1,
        limit=500,
        points=flux.E_GeV[1:-1][::4],
    )
    assert w.sum() == pytest.approx(ref, abs=4 * np.sqrt(np.sum(w**2)))
