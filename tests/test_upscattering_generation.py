"""Upscattering rates and events at an experiment: published/independent numbers and kinematics."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nuportal.generation.upscattering import (
    generate_upscattering,
    reconstructed_energy_qe,
    upscattering_rates,
)
from nuportal.kinematics import invariant_mass
from nuportal.models.dark_neutrino import DarkNeutrinoModel, epsilon_from_alpha_epsilon2

EPS_BJMZ = epsilon_from_alpha_epsilon2(2e-10)


def bjmz(m4=0.42, mzprime=0.03):
    return DarkNeutrinoModel(
        m4, mzprime, epsilon=EPS_BJMZ, Umu4=math.sqrt(9e-7), alphaD=0.25, UD4=1.0
    )


DEFAULT = dict(epsilon=1e-3, Umu4=1e-3, gD=1.0, UD4=1.0)


def test_miniboone_rates_match_exact_integrals():
    """Exact integrals computed for this package: BJMZ 13586.0 (12C coherent 9998.8, 12C
    p-el 2695.4, 1H 891.7); dipole d = 1e-6, m4 = 0.15: 52311 (37565, 11080, 3666)."""
    rates = upscattering_rates(bjmz(), "miniboone")
    by = rates.groupby(["nucleus", "process"]).events.sum()
    assert rates.events.sum() == pytest.approx(13586.0, rel=2e-4)
    assert by["C12", "coherent"] == pytest.approx(9998.8, rel=2e-4)
    # p-el: the reference integrals keep Z' exchange only; we add the (small, 0.02 %) SM Z part
    assert by["C12", "proton"] == pytest.approx(2695.4, rel=1e-3)
    assert by["H1", "proton"] == pytest.approx(891.7, rel=1e-3)
    dipole = DarkNeutrinoModel(0.15, 1.25, epsilon=0.0, gD=0.0, mu_tr_mu4=2e-6)
    by = upscattering_rates(dipole, "miniboone").groupby(["nucleus", "process"]).events.sum()
    assert by.sum() == pytest.approx(52311, rel=2e-4)
    assert by["C12", "coherent"] == pytest.approx(37565, rel=2e-4)


def test_rates_above_the_flux_are_zero_and_the_generator_says_why():
    heavy = DarkNeutrinoModel(9.5, 12.0, **DEFAULT)
    assert upscattering_rates(heavy, "miniboone").events.sum() == 0.0
    with pytest.raises(ValueError, match="above what the miniboone_fhc flux can produce"):
        generate_upscattering(heavy, "miniboone", 100)


@pytest.fixture(scope="module")
def default_events():
    model = DarkNeutrinoModel(0.15, 1.25, **DEFAULT)
    return model, generate_upscattering(model, "miniboone", 40_000, seed=3, vegas_neval=5000)


def test_weights_sum_to_the_rate_within_the_monte_carlo_error(default_events):
    model, events = default_events
    exact = upscattering_rates(model, "miniboone")
    for (nuc, proc), group in events.groupby(["nucleus", "process"]):
        w = group["upscattering_weight"].to_numpy()
        error = math.sqrt(len(w) * np.var(w))  # standard error of the sum of n weights
        rows = (exact.nucleus == nuc) & (exact.process == proc)
        want = exact[rows].events.sum()
        assert w.sum() == pytest.approx(want, abs=4 * error + 1e-12)
        # helicity shares as in the rates
        flip = exact[rows & (exact.helicity == 1)].events.sum()
        got = w[group["helicity"].to_numpy() == 1].sum() / w.sum()
        assert got == pytest.approx(flip / want, abs=4 * error / want + 1e-3)
    # decays inside the detector: weight = upscatters x P(inside) x Br
    br = model.width_nu_ll("e") / model.total_width
    np.testing.assert_allclose(
        events["weight"],
        events["upscattering_weight"] * events["decay_probability"] * br,
        rtol=1e-9,
        atol=0,
    )


def test_event_kinematics_are_consistent(default_events):
    model, events = default_events
    four = lambda name: events[[f"{name}_{c}" for c in "E px py pz".split()]].to_numpy()  # noqa: E731
    nu, em, ep = four("nu"), four("e_minus"), four("e_plus")
    np.testing.assert_allclose(invariant_mass(nu, em, ep), model.m4, rtol=1e-9)
    parent = four("parent")
    np.testing.assert_allclose(nu + em + ep, parent, atol=1e-12)
    # scattering: nu_in + target = N + recoil, Q^2 = -(k1 - k3)^2
    k1 = four("nu_in")
    q = k1 - parent
    q2 = -(q[:, 0] ** 2 - (q[:, 1:] ** 2).sum(axis=1))
    np.testing.assert_allclose(q2, events["Q2"], rtol=1e-6, atol=1e-12)
    # decay vertex on the flight line of N, after the scattering vertex, inside the detector
    start = events[["scatter_x", "scatter_y", "scatter_z"]].to_numpy()
    end = events[["vertex_x", "vertex_y", "vertex_z"]].to_numpy()
    line = end - start
    cos = np.einsum("ij,ij->i", line, parent[:, 1:]) / (
        np.linalg.norm(line, axis=1) * np.linalg.norm(parent[:, 1:], axis=1)
    )
    np.testing.assert_allclose(cos, 1.0, atol=1e-9)
    assert np.all(np.linalg.norm(end, axis=1) <= 6.1 + 1e-9)  # MiniBooNE's tank


def test_on_shell_and_dipole_decays():
    """BJMZ (m4 > m_Z'): N -> nu Z', Z' -> e+ e-, m(e+ e-) = m_Z'; dipole: N -> nu gamma."""
    model = bjmz()
    events = generate_upscattering(model, "miniboone", 3000, seed=2, vegas_neval=2000)
    em = events[[f"e_minus_{c}" for c in "E px py pz".split()]].to_numpy()
    ep = events[[f"e_plus_{c}" for c in "E px py pz".split()]].to_numpy()
    np.testing.assert_allclose(invariant_mass(em, ep), 0.03, rtol=1e-7)
    # prompt decays: the decay probability inside the tank is one
    np.testing.assert_allclose(events["decay_probability"], 1.0, rtol=1e-9)
    dipole = DarkNeutrinoModel(0.15, 1.25, epsilon=0.0, gD=0.0, mu_tr_mu4=2e-6)
    photons = generate_upscattering(
        dipole, "miniboone", 2000, decay="nu gamma", seed=2, vegas_neval=2000
    )
    g = photons[[f"gamma_{c}" for c in "E px py pz".split()]].to_numpy()
    np.testing.assert_allclose(invariant_mass(g), 0.0, atol=1e-6)
    assert photons["weight"].sum() > 0


def test_same_seed_same_events():
    model = DarkNeutrinoModel(0.15, 1.25, **DEFAULT)
    a = generate_upscattering(model, "miniboone", 500, seed=5, vegas_neval=1000)
    b = generate_upscattering(model, "miniboone", 500, seed=5, vegas_neval=1000)
    assert a.equals(b)


def test_reconstructed_energy_matches_reference_values():
    """MiniBooNE CCQE form (PRD 81 (2010) 092005), values computed for this package: E_vis = 0.5
    GeV, cos = 0.9 -> 0.564464 GeV; 0.8, 0.5 -> 1.492597 GeV."""
    assert reconstructed_energy_qe(0.5, 0.9) == pytest.approx(0.564464, rel=1e-5)
    assert reconstructed_energy_qe(0.8, 0.5) == pytest.approx(1.492597, rel=1e-5)


def test_bad_input_is_named():
    model = DarkNeutrinoModel(0.15, 1.25, **DEFAULT)
    with pytest.raises(ValueError, match="unknown experiment"):
        generate_upscattering(model, "t2k", 10)
    with pytest.raises(ValueError, match="decay"):
        generate_upscattering(model, "miniboone", 10, decay="nu tau tau")
    with pytest.raises(ValueError, match="flavour"):
        upscattering_rates(model, "miniboone", flavour="sterile")


def test_hepmc3_output_reads_back(tmp_path, default_events):
    """The vectorized HepMC3 file: two vertices, PDG codes, nominal masses, the weights."""
    hep = pytest.importorskip("pyhepmc")
    from nuportal.generation.upscattering import write_upscattering_hepmc3

    _, events = default_events
    subset = events.iloc[:200].copy()
    subset.attrs = events.attrs
    path = tmp_path / "up.hepmc3"
    write_upscattering_hepmc3(subset, path)
    with hep.io.ReaderAscii(str(path)) as reader:
        for i, event in enumerate(reader):
            row = subset.iloc[i]
            pids = [p.pid for p in event.particles]
            target = 2212 if row["process"] == "proton" else 1000060120
            assert pids == [14, target, 9900012, target, 14, 11, -11]
            assert event.weights[0] == pytest.approx(row["weight"], rel=1e-15)
            n = event.particles[2]
            assert n.generated_mass == pytest.approx(0.15, rel=1e-12)
            assert n.momentum.e == pytest.approx(row["parent_E"], rel=1e-15)
            decay = n.end_vertex.position
            assert decay.z == pytest.approx(1e3 * row["vertex_z"], rel=1e-15)
    assert i == 199


def test_upscatter_command(tmp_path):
    from typer.testing import CliRunner

    from nuportal import io
    from nuportal.cli import app

    out = tmp_path / "ev.parquet"
    result = CliRunner().invoke(app, [
        "upscatter", "--experiment", "miniboone", "--m4", "0.15", "--mzprime", "1.25", "--dirac",
        "--epsilon", "1e-3", "--umu4", "1e-3", "--gD", "1", "--uD4", "1", "--seed", "1",
        "--n", "2000", "--out", str(out), "--plot", str(tmp_path / "ev.png"),
    ])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    events = io.read_events(out)
    assert events.attrs["metadata"]["experiment"] == "miniboone_fhc"
    assert events["upscattering_weight"].sum() == pytest.approx(74.4, rel=0.05)
    assert (tmp_path / "ev.png").stat().st_size > 10_000
    unweighted = tmp_path / "unw.parquet"
    result = CliRunner().invoke(app, ["upscatter", "--n", "2000", "--seed", "1", "--unweight",
                                      "--out", str(unweighted)])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    kept = io.read_events(unweighted)
    assert kept["weight"].nunique() == 1  # equal weights, the same total
    assert kept["weight"].sum() == pytest.approx(events["weight"].sum(), rel=1e-12)
    for args, message in (
        (["--m4", "20"], "above what the miniboone_fhc flux"),
        (["--umu4", "-1e-3"], "--umu4 must be a finite number in [0, 1]"),
        (["--experiment", "t2k"], "unknown experiment"),
        (["--experiment", "icarus"], "has no [[beam]]"),  # geometry only, no flux table
        (["--epsilon", "nan"], "epsilon"),
    ):
        bad = CliRunner().invoke(app, ["upscatter", *args, "--n", "10", "--out", str(out)])
        assert bad.exit_code == 2, args
        assert message in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


def test_upscattering_into_n5_of_a_3p2_model():
    """BPR-type point (arXiv:1808.02915, DarkNews Example_1 notebook): nu_mu -> N5,
    N5 -> N4 e+ e- with N4 leaving unseen."""
    chi = math.sqrt(1e-5)
    model = DarkNeutrinoModel(
        0.107, 1.25, epsilon=chi * math.sqrt(1 - 0.22343), Umu4=math.sqrt(1.5e-6),
        UD4=math.sqrt(7 / 11), gD=2.0, m5=0.150, Umu5=math.sqrt(0.85e-6), UD5=math.sqrt(4 / 11),
    )  # fmt: skip
    rates = upscattering_rates(model, "miniboone", hnl=5)
    # the same as a 3+1 model with N at m5 and the nu_mu-N5 couplings (cross sections of N5)
    view = model.hnl(5)
    assert rates.events.sum() == pytest.approx(
        upscattering_rates(view, "miniboone").events.sum(), rel=1e-12
    )
    events = generate_upscattering(
        model, "miniboone", 5000, hnl=5, decay="N4 e e", seed=4, vegas_neval=2000
    )
    four = lambda name: events[[f"{name}_{c}" for c in "E px py pz".split()]].to_numpy()  # noqa: E731
    np.testing.assert_allclose(invariant_mass(four("N4")), 0.107, rtol=1e-9)
    np.testing.assert_allclose(
        invariant_mass(four("N4"), four("e_minus"), four("e_plus")), 0.150, rtol=1e-9
    )
    br = view.partial_widths()["N4 e e"] / view.total_width
    np.testing.assert_allclose(
        events["weight"],
        events["upscattering_weight"] * events["decay_probability"] * br,
        rtol=1e-9,
        atol=0,
    )
    w = events["upscattering_weight"].to_numpy()
    assert w.sum() == pytest.approx(rates.events.sum(), abs=4 * math.sqrt(len(w) * np.var(w)))
    with pytest.raises(ValueError, match="hnl=5"):
        generate_upscattering(model, "miniboone", 10, decay="N4 e e")
    with pytest.raises(ValueError, match="3\\+2 model"):
        generate_upscattering(DarkNeutrinoModel(0.15, 1.25, **DEFAULT), "miniboone", 10, hnl=5)


def test_antineutrino_beam_upscatters_into_nbar():
    """MiniBooNE RHC, nubar_mu: coherent rate summed over helicities equals the neutrino cross
    section integrated over the same (nubar_mu) flux (the hadronic tensor is symmetric);
    events decay as Nbar -> nubar e+ e- and are written with negative PDG numbers."""
    from nuportal.detectors.exposures import exposure
    from nuportal.models.targets import nucleus
    from nuportal.models.upscattering import threshold_energy, upscattering_cross_section

    model = DarkNeutrinoModel(0.15, 1.25, **DEFAULT)
    rates = upscattering_rates(model, "miniboone_rhc", flavour="mubar")
    coherent = rates[(rates.nucleus == "C12") & (rates.process == "coherent")].events.sum()
    exp = exposure("miniboone_rhc")
    c12 = nucleus("C12")
    lo = max(exp.energy_range[0], 1.05 * float(threshold_energy(0.15, c12.mass)))
    energies = np.linspace(lo, exp.energy_range[1], 20_001)
    sigma = upscattering_cross_section(model, "C12", "mu", energies, process="coherent",
                                       nc_convention="darknews")  # fmt: skip
    flux = exp.flux.interpolate(energies, "numubar")
    direct = exp.pot * exp.number_of_targets("C12", c12.mass) * np.trapezoid(flux * sigma, energies)
    assert coherent == pytest.approx(direct, rel=2e-4)  # trapezoid on the 50 MeV flux table

    events = generate_upscattering(model, "miniboone_rhc", 2000, flavour="mubar", seed=1,
                                   vegas_neval=2000)  # fmt: skip
    assert events.attrs["metadata"]["flavour"] == "mubar"
    four = lambda name: events[[f"{name}_{c}" for c in "E px py pz".split()]].to_numpy()  # noqa: E731
    np.testing.assert_allclose(
        invariant_mass(four("nu"), four("e_minus"), four("e_plus")), 0.15, rtol=1e-9
    )
