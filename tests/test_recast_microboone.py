"""MicroBooNE KDAR recast: published check, internal consistency, bad input."""

import math

import numpy as np
import pytest

from nuportal import constants
from nuportal.analysis.reconstruct import DetectorResponse
from nuportal.detectors import get_detector
from nuportal.experiments import kelly_machado_2021_hnl_limit, microboone_kdar_hps_2021
from nuportal.models import HeavyNeutralLepton, HiggsPortalScalar, br_kaon_to_pion_scalar
from nuportal.models.meson_decays import hnl_momentum_at_rest
from nuportal.recast import microboone_kdar
from nuportal.recast.kdar_events import simulate_kdar_decays as _simulate
from nuportal.recast.rate_matching import (
    PowerLawScaling,
    published_limit_rate,
    signal_rate,
    solve_excluded_band,
)

MASSES_KM = [0.03, 0.05, 0.1, 0.15, 0.19]


@pytest.fixture(scope="module")
def kelly_machado_run():
    return microboone_kdar(
        efficiency="same", masses=MASSES_KM, n_events=10_000, convention="kelly-machado"
    )


def test_reproduces_kelly_machado_long_lifetime_limit(kelly_machado_run):
    # Published: Kelly & Machado arXiv:2106.06548, MicroBooNE recast with eps_N = eps_S (solid
    # curve), digitized in mhostert/Heavy-Neutrino-Limits (see experiments/data/README.md).
    # Their conventions (half-size Br(K -> pi S), nu e e width only, long lifetime) are the
    # "kelly-machado" option. Agreement within 15 %: their digitized curve and Monte Carlo.
    km = kelly_machado_2021_hnl_limit("scalar")
    run = kelly_machado_run
    ratios = [u / km.at(m) for m, u in zip(run.mass_GeV, run.U2_lower, strict=True)]
    assert np.all(np.abs(np.array(ratios) - 1) < 0.15), ratios
    # the shape, not only the size: the ratio is flat across a factor 2000 in |U|^2
    assert np.ptp(ratios) < 0.05
    assert kelly_machado_run.U2_upper.isna().all()  # long-lifetime convention: no upper edge


def test_physics_convention_differs_by_the_scalar_rate_normalization(kelly_machado_run):
    # Long lifetime (S at its limit: lambda ~ 1e5 m >> 100 m; N at its lower edge): the rates
    # are Br(K -> X) * Gamma(X -> ee) * chord / (p/m) whatever the total widths, so the only
    # difference between the conventions is Br(K+ -> pi+ S): the HNL limit on |U|^2 moves by
    # sqrt(Br_physics / Br_KM) (about sqrt(2)), computed here from the model's own formulas.
    phys = microboone_kdar(efficiency="same", masses=MASSES_KM, n_events=10_000)
    m = np.array(MASSES_KM)
    br_ratio = br_kaon_to_pion_scalar(m, 1.0) / br_kaon_to_pion_scalar(m, 1.0, form="kelly-machado")
    expected = np.sqrt(br_ratio)
    got = phys.U2_lower.to_numpy() / kelly_machado_run.U2_lower.to_numpy()
    np.testing.assert_allclose(got, expected, rtol=0.01)


def test_recasting_the_scalar_into_itself_is_the_identity():
    data = microboone_kdar_hps_2021()
    j = int(np.argmin(np.abs(data.mass_GeV - 0.15)))
    m, theta = data.mass_GeV[j], data.theta_limit[j]
    det = get_detector("microboone")
    sim = _simulate("scalar", m, "mu", True, 5000, det, DetectorResponse(), [7], "numpy")
    s = HiggsPortalScalar(m, 1.0)
    scaling = PowerLawScaling(
        br_kaon_to_pion_scalar(m, 1.0), s.partial_widths()["e+ e-"], s.total_width
    )
    inputs = sim.rate_inputs(data.efficiency[j])
    target = published_limit_rate(theta, scaling, **inputs)

    def rate(g):
        return signal_rate(g, scaling, **inputs)

    lo, hi = solve_excluded_band(rate, float(target), 1e-14, 1.0)
    assert lo == pytest.approx(theta**2, rel=1e-6, abs=0)
    assert hi > 1e-3  # the scalar decays before the TPC only at much larger mixing


def test_majorana_and_dirac_lower_edges_differ_by_the_width_ratio():
    # long lifetime: R_N ~ Br(K -> mu N) Gamma(N -> nu ee) |U|^4, so the lower edges scale as
    # k^(-1/2) with k ~ Gamma(nu ee): ratio sqrt(Gamma_Dirac / Gamma_Majorana) = 1/sqrt(2).
    # Same seeds and eps_N = eps_S: only the rest-frame weights differ (MC error ~0.3 %).
    m = [0.1, 0.2, 0.3]
    maj = microboone_kdar(efficiency="same", masses=m, majorana=True, n_events=5000)
    dirac = microboone_kdar(efficiency="same", masses=m, majorana=False, n_events=5000)
    widths = [
        HeavyNeutralLepton(x, U2_mu=1.0, majorana=True).width_nu_ll("e")
        / HeavyNeutralLepton(x, U2_mu=1.0, majorana=False).width_nu_ll("e")
        for x in m
    ]
    expected = 1 / np.sqrt(widths)
    np.testing.assert_allclose(maj.U2_lower / dirac.U2_lower, expected, rtol=0.01)
    # and the exact lower edge equals the k^(-1/2) shortcut where N is long-lived
    np.testing.assert_allclose(maj.U2_lower, maj.U2_lower_long_lifetime, rtol=1e-3)


def test_upper_edge_moves_with_distance_as_the_exponential_says():
    # Near the endpoint N is slow: at the upper edge R ~ A |U|^2 exp(-y), y = |U|^2 c D with
    # c = m Gamma_tot(|U|^2 = 1) / (p hbar c); both the HNL and the scalar rate fall as 1/D^2,
    # so y(D) solves y = ln(a y / D) with the same a: y2 = y1 - ln(D2/D1) + ln(y2/y1).
    m = 0.38
    runs = {
        d: microboone_kdar(efficiency="same", masses=[m], n_events=5000, absorber_distance=d)
        for d in (100.0, 200.0)
    }
    p = hnl_momentum_at_rest("K+", "mu", m)
    c = m * HeavyNeutralLepton(m, U2_mu=1.0).total_width / (p * constants.HBARC)
    # the TPC entry point, not its centre, is where the exponential starts to matter
    entry = {d: d - 5.0 for d in runs}
    y1 = runs[100.0].U2_upper.iloc[0] * c * entry[100.0]
    y2 = y1
    for _ in range(50):
        y2 = y1 - math.log(entry[200.0] / entry[100.0]) + math.log(y2 / y1)
    predicted = y2 / (c * entry[200.0])
    assert runs[200.0].U2_upper.iloc[0] == pytest.approx(predicted, rel=0.05)
    # the lower (long-lifetime) edge does not move: both rates scale as 1/D^2
    assert runs[200.0].U2_lower.iloc[0] == pytest.approx(runs[100.0].U2_lower.iloc[0], rel=0.02)


def test_per_event_efficiency_reproduces_the_published_scalar_efficiencies():
    out = microboone_kdar(efficiency="per-event", masses=[0.1], n_events=5000)
    fit = out.attrs["per_event_efficiency"]
    published = np.array(fit["eps_S_published"])
    refolded = np.array(fit["eps_S_refolded"])
    assert np.all(np.array(fit["values"]) >= 0) and np.all(np.array(fit["values"]) <= 1)
    # where MicroBooNE's efficiency is sizeable (m_S >= 54 MeV) the fit reproduces it to 10 %
    big = microboone_kdar_hps_2021().mass_GeV >= 0.054
    np.testing.assert_allclose(refolded[big], published[big], rtol=0.10)


def test_output_columns_and_statistical_precision():
    out = microboone_kdar(efficiency="all", masses=[0.05, 0.2, 0.3], n_events=20_000)
    for col in (
        "mass_GeV",
        "efficiency_method",
        "U2_lower",
        "U2_upper",
        "efficiency_S",
        "efficiency_N",
        "mean_cos_ee_S",
        "mean_cos_ee_N",
    ):
        assert col in out.columns
    assert set(out.efficiency_method) == {"same", "opening-angle", "per-event"}
    assert (out.efficiency_N_rel_error < 0.02).all()
    assert (out.U2_lower < out.U2_upper).all()
    assert out.extrapolated.tolist() == [False] * 6 + [True] * 3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"masses": [0.5]}, "outside the recast range"),
        ({"masses": [0.0005]}, "outside the recast range"),
        ({"efficiency": "magic"}, "unknown efficiency method"),
        ({"convention": "other"}, "convention"),
        ({"model": "scalar"}, "model"),
        ({"mixing": "tau"}, "mixing"),
    ],
)
def test_bad_input_is_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        microboone_kdar(**({"masses": [0.1], "n_events": 200} | kwargs))
