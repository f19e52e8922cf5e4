"""Expected reach on pyhf against closed forms: single-bin Gaussian and Poisson limits, and the
linear-Gaussian (covariance) solution for several correlated channels."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.stats import chi2

from nuportal.stats.binned_reach import Systematics, build_model, expected_reach

Z2 = chi2.ppf(0.9, 1)  # 2.7055


def test_poisson_no_systematics():
    # Asimov b-only data n = b, -2 ln lambda(s) = 2 [s - b ln(1 + s/b)]: solved here by brentq
    b = 50.0
    exact = brentq(lambda s: 2 * (s - b * math.log1p(s / b)) - Z2, 1e-6, 1e3)
    r = expected_reach({"c": [1.0]}, {"c": [b]}, Systematics(flux_norm=0, channel_norm=0))
    assert r.signal_events == pytest.approx(exact, rel=2e-3)


@pytest.mark.parametrize(
    ("B", "note_S90"),
    # check values computed for this package (Gaussian formula): B = 1e4, sigma_n = 0.1 ->
    # S_90 = 1654; B = 1.75e5 -> 2.88e4
    [(1e4, 1654.0), (1.75e5, 2.88e4)],
)
def test_single_bin_with_normalization(B, note_S90):
    syst = Systematics(
        flux_norm=0.1, channel_norm=0.0, interpolation="linear", signal_shares_flux_norm=False
    )
    r = expected_reach({"on": [1.0]}, {"on": [B]}, syst)
    gaussian = math.sqrt(Z2 * (B + (0.1 * B) ** 2))
    assert r.signal_events == pytest.approx(gaussian, rel=5e-3)  # Poisson vs Gaussian terms
    assert r.signal_events == pytest.approx(note_S90, rel=5e-3)


def test_correlated_channels_match_covariance_solution():
    # linear model, Gaussian limit: -2 ln lambda = mu^2 s^T V^-1 s with
    # V = diag(B) + sigma_f^2 B B^T + sigma_c^2 diag(B_channel sums) (one bin per channel)
    s = np.array([30.0, 12.0, 5.0])
    b = np.array([4.0e4, 1.5e4, 6.0e3])
    sf, sc = 0.10, 0.03
    V = np.diag(b) + sf**2 * np.outer(b, b) + sc**2 * np.diag(b**2)
    mu = math.sqrt(Z2 / (s @ np.linalg.solve(V, s)))
    syst = Systematics(
        flux_norm=sf, channel_norm=sc, interpolation="linear", signal_shares_flux_norm=False
    )
    names = ["on", "x10", "x20"]
    r = expected_reach(dict(zip(names, s, strict=True)), dict(zip(names, b, strict=True)), syst)
    assert r.mu == pytest.approx(mu, rel=1e-2)


def test_bin_to_bin_term_single_bin():
    # one bin with a Poisson-constrained (shapesys) 5 % uncertainty: close to the Gaussian
    # sqrt(z2 (B + (0.05 B)^2)); the Gamma constraint differs from a Gaussian at the % level
    B = 2.0e4
    syst = Systematics(flux_norm=0.0, channel_norm=0.0, bin_uncorrelated=0.05)
    r = expected_reach({"c": [1.0]}, {"c": [B]}, syst)
    assert r.signal_events == pytest.approx(math.sqrt(Z2 * (B + (0.05 * B) ** 2)), rel=0.03)


def test_more_channels_never_hurt():
    s = {"a": [10.0, 5.0], "b": [4.0, 4.0]}
    bkg = {"a": [1e3, 2e3], "b": [5e2, 5e2]}
    syst = Systematics()
    combined = expected_reach(s, bkg, syst).mu
    for name in s:
        alone = expected_reach({name: s[name]}, {name: bkg[name]}, syst).mu
        assert combined <= alone * (1 + 1e-3)


def test_model_has_shared_and_per_channel_terms():
    model = build_model(
        {"a": [1.0, 2.0], "b": [1.0]}, {"a": [10.0, 20.0], "b": [5.0]},
        Systematics(bin_uncorrelated=0.1),
    )
    names = set(model.config.parameters)
    assert {"mu", "flux_norm", "norm_a", "norm_b", "uncorr_a", "uncorr_b"} <= names


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"flux_norm": -0.1}, "flux_norm must be a fraction"),
     ({"bin_uncorrelated": 1.5}, "bin_uncorrelated must be a fraction"),
     ({"interpolation": "code9"}, "interpolation must be")],
)
def test_bad_systematics(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Systematics(**kwargs)


def test_bad_histograms():
    with pytest.raises(ValueError, match="same, non-empty set of channels"):
        expected_reach({"a": [1.0]}, {"b": [1.0]})
    with pytest.raises(ValueError, match="finite and >= 0"):
        expected_reach({"a": [-1.0]}, {"a": [1.0]})
    with pytest.raises(ValueError, match="signal is zero"):
        expected_reach({"a": [0.0]}, {"a": [1.0]})
