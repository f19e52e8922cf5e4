"""DUNE ND analysis of the neutrinophilic scalar: wrong-sign flux, signal weights, selection,
reach scaling (N_sig ∝ g^2)."""

import numpy as np
import pandas as pd
import pytest

from nuportal.inference.neutrinophilic.background import selection_probability
from nuportal.inference.neutrinophilic.meson_flux import kaon_fraction, wrong_sign_flux
from nuportal.inference.neutrinophilic.selection import NDSetup, histogram
from nuportal.inference.neutrinophilic.signal import emission_inelastic, emission_qe
from nuportal.interactions import ccqe
from nuportal.models.meson_decays import MESONS
from nuportal.models.neutrinophilic import br_meson_to_lepton_nu_phi
from nuportal.models.neutrinophilic.cc_emission import splitting_function
from nuportal.sources.fluxes import load_flux
from nuportal.stats.binned_reach import Systematics, expected_reach


@pytest.mark.parametrize("m_phi", [0.01, 0.1, 0.3])
def test_wrong_sign_flux_integral(m_phi):
    # int Phi_3 dE = sum_M int f_M Phi_2 dE' x BR_3/BR_2 (the kinematic kernel conserves the
    # number of decays); discretization of the 0.25 GeV grid: 2 % tolerance
    fl = load_flux("dune_nd_fhc")
    e, nm = fl.E_GeV, fl["numu"]
    de = np.gradient(e)
    fk = kaon_fraction(e)
    phi3 = wrong_sign_flux(e, nm, m_phi)
    expected = 0.0
    for meson, frac in (("pi+", 1 - fk), ("K+", fk)):
        br3 = br_meson_to_lepton_nu_phi(meson, "mu", m_phi)
        expected += np.sum(frac * nm * de) * br3 / MESONS[meson].br_sm["mu"]
    assert np.sum(phi3 * de) == pytest.approx(expected, rel=0.02)
    assert np.all(phi3 >= 0)


def test_collinear_generator_reproduces_the_splitting_convolution():
    # emission_inelastic restricted to CCQE: sum of weights = int dE Phi(E) int dz P(z) sigma(zE)
    # (quadrature); the Monte Carlo error of 6000 events is ~3 % (weights spread ~2.3): 10 %
    fl = load_flux("dune_nd_fhc")
    m = 0.1
    s = emission_inelastic(m, "mu", n_events=6000, seed=11, processes=("ccqe",))
    x, w = np.polynomial.legendre.leggauss(60)
    z = 0.5 * (x + 1)
    e = fl.E_GeV
    de = np.gradient(e)
    sel = fl["numu"] > 0
    pz = splitting_function(z, m, 1.0)
    conv = np.array(
        [0.5 * np.sum(w * pz * ccqe.total_cross_section(np.maximum(z * E, 1e-3), -14, "Ar40")
                      * (z * E > 0.05)) for E in e[sel]]
    )
    expected = np.sum(fl["numu"][sel] * de[sel] * conv)
    assert s["weight"].sum() == pytest.approx(expected, rel=0.10)
    assert set(s["lep_pdg"]) == {-13}


def test_qe_signal_observables():
    s = emission_qe(0.1, "mu", n_events=2000, seed=3)
    ok = s["weight"] > 0
    assert ok.mean() > 0.3
    # neutron and phi invisible: E_vis is the lepton energy, p_T^miss its transverse momentum
    assert np.allclose(s["E_vis"], s["E_lep"])
    assert np.all(s["pt_miss"][ok] < s["E_lep"][ok])


def test_selection_probabilities():
    setup = NDSetup.for_detector("lar")
    table = pd.DataFrame(
        {"lep_pdg": [-13, 13, 14, 14, 14], "cand_kind": ["lepton", "lepton", "pion", "pion",
                                                         "shower"],
         "cand_charge": [1, -1, 1, -1, 0]}
    )
    p = selection_probability(table, setup, "mu")
    eff, mis, fake = setup.lepton_efficiency, setup.charge_misid_mu, setup.pion_as_muon
    assert p == pytest.approx([eff * (1 - mis), eff * mis, eff * fake * (1 - mis),
                               eff * fake * mis, eff * setup.shower_as_electron])
    with pytest.raises(ValueError, match="detector"):
        NDSetup.for_detector("water")
    with pytest.raises(ValueError, match="charge_misid_mu"):
        NDSetup(charge_misid_mu=1.5)


def test_histogram_total_is_weight_times_exposure():
    setup = NDSetup()
    t = pd.DataFrame({"E_vis": [0.5, 3.0, 50.0], "pt_miss": [0.1, 2.0, 0.3],
                      "selected": [1e-40, 2e-40, 3e-40]})
    h = histogram(t, setup)
    assert h.size == setup.n_bins
    assert h.sum() == pytest.approx(6e-40 * setup.exposure)


def test_reach_scales_as_g_squared():
    # N_sig ∝ g^2: the reach from a signal computed at g_ref = 0.05 (histogram x g_ref^2) equals
    # the one from g = 1 (g_90 = g_ref sqrt(mu_ref)), and at g_90 the signal is excluded at mu = 1
    rng = np.random.default_rng(0)
    b = rng.uniform(50, 500, 12)
    s1 = rng.uniform(0, 400, 12)  # signal at g = 1
    syst = Systematics(flux_norm=0.1, channel_norm=0.05, bin_uncorrelated=0.05)
    g_from_1 = np.sqrt(expected_reach({"nd": s1}, {"nd": b}, syst).mu)
    g_ref = 0.05
    mu_ref = expected_reach({"nd": s1 * g_ref**2}, {"nd": b}, syst).mu
    assert g_ref * np.sqrt(mu_ref) == pytest.approx(g_from_1, rel=2e-3)
    mu_at_g90 = expected_reach({"nd": s1 * g_from_1**2}, {"nd": b}, syst).mu
    assert mu_at_g90 == pytest.approx(1.0, rel=2e-3)


def test_signal_histogram_of_a_model_scales_with_g_squared():
    from nuportal.inference.neutrinophilic.reach import signal_histogram
    from nuportal.models.neutrinophilic import NeutrinophilicScalar

    s = emission_qe(0.1, "mu", n_events=400, seed=5)
    setup = NDSetup()
    h_a = signal_histogram(NeutrinophilicScalar(0.1, g_mumu=0.01), s, setup)
    h_2 = signal_histogram(NeutrinophilicScalar(0.1, g_mumu=0.02), s, setup)
    # an off-diagonal g_mu e makes nubar_e (e+), not mu+: the mu+ signal is unchanged
    h_b = signal_histogram(
        NeutrinophilicScalar(0.1, g=[[0, 0.02, 0], [0.02, 0.01, 0], [0, 0, 0]]), s, setup
    )
    assert h_a.sum() > 0
    assert np.allclose(h_2, 4.0 * h_a)
    assert np.allclose(h_b, h_a)
