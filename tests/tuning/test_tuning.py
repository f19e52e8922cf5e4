"""Closure and cross-checks of the tuning study (nuportal.inference.tuning).

One small NOvA-ND sample (6000 generated nu_mu CC events, coarse bins) serves every test; the
exposure is scaled down where Poisson pseudo-data need a realistic number of counts per bin.
"""

from __future__ import annotations

import numpy as np
import pytest

from nuportal.inference.tuning import (
    DEFAULT_KNOBS,
    KnobResponse,
    TuneProblem,
    default_binning,
    deviance,
    nd_sample,
    sample_from_events,
    sterile_signal,
    survival_probability,
    template_signal,
    tuning_study,
)
from nuportal.interactions import reweight


@pytest.fixture(scope="module")
def sample():
    return nd_sample("nova_nd", n_events=6000, seed=11)


@pytest.fixture(scope="module")
def response(sample):
    return KnobResponse(sample.events, DEFAULT_KNOBS)


@pytest.fixture(scope="module")
def binning():
    return default_binning("q0q3", coarse=True)


def _theta(response, shifts):
    """Knob values shifted by ``shifts`` prior sigmas from the nominal (inside the fit ranges)."""
    return np.array(
        [
            np.clip(s.nominal + d * s.sigma, s.lower, s.upper)
            for s, d in zip(response.specs, shifts, strict=True)
        ]
    )


def test_response_functions_reproduce_direct_reweighting(sample, response):
    # the polynomial responses against the registry's exact reweighting at off-node values
    for shifts in (
        [0.7, 0.3, -0.6, 1.3, -0.9, 0.45, 0.8],
        [-1.1, 1.7, 1.9, -1.4, 1.2, -0.8, -0.55],
    ):
        th = _theta(response, shifts)
        exact = reweight(sample.events, **dict(zip(response.names, th, strict=True)))
        approx = response.weights(th)
        w0 = sample.channels[0].weight
        # per event within 2 % (interpolation error at mid-nodes is recorded in max_error) ...
        assert np.max(np.abs(approx - exact) / exact.clip(1e-3)) < 0.02
        # ... and the total within 1e-3
        assert abs(np.sum(w0 * approx) / np.sum(w0 * exact) - 1) < 1e-3
    # the normalization knobs are linear: interpolated exactly
    for name in ("MEC_norm", "nonres_pion_scale", "rpa_strength"):
        assert response.max_error[name] < 1e-10


def test_asimov_at_true_knobs_has_zero_chi2_and_tune_recovers_them(sample, response, binning):
    problem = TuneProblem(sample, binning, response)
    th_true = _theta(response, [1.0, 0.8, -0.6, 0.5, -0.5, -0.8, 0.6])
    data = problem.pseudo_data(th_true, asimov=True)
    assert deviance(data, problem.expected(th_true)) == pytest.approx(0.0, abs=1e-9)
    res = tuning_study(problem, th_true)
    # the fit starts at the nominal knobs and must come back to the true ones. The priors
    # (centred on the nominal values) pull it slightly away from the truth: the minimum of
    # deviance + prior is at most the prior term at the truth, the deviance stays ~ 0 (30 bins
    # of ~1e4 counts) and every knob is within a tenth of its post-fit error
    sig = np.array([s.sigma for s in response.specs])
    prior_at_truth = float(np.sum(((th_true - response.nominal) / sig) ** 2))
    assert res.tune.valid
    assert res.tune.total <= prior_at_truth + 1e-6
    assert res.tune.chi2 < 0.01
    assert np.all(np.abs(res.pulls) < 0.1)
    assert np.isnan(res.absorbed_fraction)


def test_sm_only_poisson_pseudo_data_closure(sample, response, binning):
    problem = TuneProblem(sample, binning, response)
    th_true = _theta(response, [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5])
    pulls, pvals = [], []
    for seed in range(4):
        res = tuning_study(problem, th_true, asimov=False, seed=seed, significance=False)
        pulls.append(res.pulls)
        pvals.append(res.tune.p_value)
        # absorbs nothing: the tuned model stays within the statistical error of the true one
        # in every bin (|B^ - B| < 2 sqrt(B) where B > 25)
        b, bh = res.true_model, res.tuned_model
        big = b > 25
        assert np.all(np.abs(bh - b)[big] < 2.0 * np.sqrt(b[big]))
    pulls = np.array(pulls)
    # knobs recovered within their errors: |pull| < 3 each, and the rms pull of 28 values is
    # that of a unit normal within its ~14 % sampling error (generous: 0.5-1.6)
    assert np.all(np.abs(pulls) < 3.0)
    assert 0.5 < np.sqrt(np.mean(pulls**2)) < 1.6
    assert min(pvals) > 1e-3


def test_signal_the_knobs_cannot_mimic_is_left_intact(sample, response, binning):
    problem0 = TuneProblem(sample, binning, response)
    b0 = problem0.expected(response.nominal)[0]
    # a narrow excess in the highest (|q|, q0) bin: DIS territory (W > 1.7 GeV), which none of
    # the fitted knobs (QE, 2p2h, Delta, non-resonant pions) touches
    j = binning.n_bins - 1
    t = np.zeros(binning.n_bins)
    t[j] = 4.0 * np.sqrt(b0[j])
    problem = TuneProblem(sample, binning, response, template_signal=template_signal(t, 1, t.size))
    res = tuning_study(problem)
    s, b = t[j], b0[j]
    # Z_true for a single-bin Asimov excess: sqrt(2 ((s + b) ln(1 + s/b) - s)) (Cowan et al.)
    assert res.z_true == pytest.approx(np.sqrt(2 * ((s + b) * np.log1p(s / b) - s)), rel=1e-4)
    # the tune leaves it alone and the significance survives
    assert abs(res.absorbed_fraction) < 0.15
    assert res.z_tuned > 0.85 * res.z_true
    assert res.z_profiled > 0.85 * res.z_true


def test_localized_excess_in_the_2p2h_region_is_absorbed(sample, response, binning):
    # the contrast: the same excess in the most populated (|q|, q0) bin, between the QE and
    # Delta peaks, is what the 2p2h normalization and (q0, |q|) shape knobs are built to fit
    problem0 = TuneProblem(sample, binning, response)
    b0 = problem0.expected(response.nominal)[0]
    j = int(np.argmax(b0))
    t = np.zeros(binning.n_bins)
    t[j] = 4.0 * np.sqrt(b0[j])
    problem = TuneProblem(sample, binning, response, template_signal=template_signal(t, 1, t.size))
    res = tuning_study(problem)
    assert res.absorbed_fraction > 0.5
    assert res.z_tuned < 0.5 * res.z_true


def test_pyhf_histosys_model_agrees_for_linear_knobs(sample, binning):
    from nuportal.inference.tuning.histfactory import discovery_z_pyhf

    # MEC_norm and nonres_pion_scale act linearly on disjoint events: the +-1 sigma histosys
    # model is then the same likelihood, so pyhf's q0 must equal the iminuit one
    r = KnobResponse(sample.events, ["MEC_norm", "nonres_pion_scale"])
    b0 = TuneProblem(sample, binning, r).expected(r.nominal)[0]
    t = 0.05 * b0 * np.linspace(0.0, 1.0, binning.n_bins)
    problem = TuneProblem(sample, binning, r, template_signal=template_signal(t, 1, t.size))
    res = tuning_study(problem)
    assert res.z_profiled > 0
    assert discovery_z_pyhf(problem, res.data) == pytest.approx(res.z_profiled, rel=1e-3)


def test_survival_probability_limits(sample):
    ch = sample.channels[0]
    # no splitting: no oscillation
    assert np.allclose(survival_probability(sample, ch, 0.3, 0.0), 1.0)
    # very fast oscillations average sin^2 to 1/2: P = 1 - s/2
    p = survival_probability(sample, ch, 0.3, 1e5)
    assert np.mean(p) == pytest.approx(1 - 0.15, abs=5e-3)
    # the signal is linear in sin^2 2theta
    s1 = sterile_signal(sample, 0.05, 10.0)[0]
    s2 = sterile_signal(sample, 0.10, 10.0)[0]
    assert np.allclose(s2, 2 * s1, rtol=1e-12, atol=0)


def test_sterile_signal_is_largely_absorbed_at_nova_nd(sample, response, binning):
    # a benchmark of docs/tuning.md at small statistics: the tune absorbs most of a 3+1
    # disappearance at dm2 = 20 eV^2 in (q0, |q|) (degenerate with M_A, 2p2h and pion knobs)
    sig = sterile_signal(sample, 0.1, 20.0)
    problem = TuneProblem(sample, binning, response, event_signal=sig)
    res = tuning_study(problem, significance=True)
    assert res.absorbed_fraction > 0.5
    assert res.z_tuned < res.z_true


def test_bad_input(sample, response, binning):
    with pytest.raises(ValueError, match="detector"):
        nd_sample("minos_nd", n_events=1000)
    with pytest.raises(ValueError, match="prism_m"):
        nd_sample("nova_nd", n_events=1000, prism_m=[10.0])
    with pytest.raises(ValueError, match="prism_m"):
        nd_sample("dune_nd", n_events=1000, prism_m=[40.0])
    with pytest.raises(ValueError, match="CH2"):
        sample_from_events(sample.events, "dune_nd")
    with pytest.raises(ValueError, match="unknown knob"):
        KnobResponse(sample.events, ["M_A_QE", "bogus"])
    with pytest.raises(ValueError, match="fit range"):
        response.weights([5.0] + [s.nominal for s in response.specs[1:]])
    problem = TuneProblem(sample, binning, response)
    with pytest.raises(ValueError, match="data"):
        from nuportal.inference.tuning import fit

        fit(problem, np.full((1, binning.n_bins), -1.0))
    with pytest.raises(ValueError, match="template"):
        template_signal(np.ones(3), 1, binning.n_bins)
