"""Tests of nuportal.propagation: decay probabilities, decay-point sampling, decay lengths."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nuportal.constants import HBARC
from nuportal.detectors import Box, Sphere, Union
from nuportal.propagation import (
    decay_length,
    decay_probability_in_volume,
    decay_probability_inside,
    geometric_acceptance,
    sample_decay_distance,
)


def test_long_lifetime_limit_is_analytic():
    """lambda >> l: P = (l_exit - l_entry)/lambda * exp(-l_entry/lambda) to machine precision."""
    lam = np.array([1e8, 1e10, 1e15, 1e20, 1e30])
    p = decay_probability_inside(lam, 100.0, 110.0)
    expected = 10.0 / lam * np.exp(-100.0 / lam) * (1 - 5.0 / lam)  # next order of -expm1
    np.testing.assert_allclose(p, expected, rtol=1e-12)
    # The naive difference loses everything here.
    naive = np.exp(-100.0 / 1e20) - np.exp(-110.0 / 1e20)
    assert naive == 0.0 and p[3] > 0.0


def test_agrees_with_naive_formula_where_that_is_stable():
    lam = np.logspace(-0.5, 3, 30)[:, None]
    a = np.array([0.0, 1.0, 5.0, 100.0])
    b = a + 10.0
    p = decay_probability_inside(lam, a, b)
    naive = np.exp(-a / lam) - np.exp(-b / lam)
    assert p.shape == (30, 4)
    np.testing.assert_allclose(p, naive, rtol=1e-12, atol=1e-300)


def test_limits_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert decay_probability_inside(0.0, 100.0, 110.0) == 0.0
        assert decay_probability_inside(1e-300, 100.0, 110.0) == 0.0
        assert decay_probability_inside(np.inf, 100.0, 110.0) == 0.0
        assert decay_probability_inside(0.0, 0.0, 1.0) == 1.0  # decays at once, inside
        assert decay_probability_inside(1.0, 5.0, 5.0) == 0.0  # zero-length path
        lam = np.array([0.0, 1e-300, 1e-10, 1.0, 1e300, np.inf])
        p = decay_probability_inside(lam, 50.0, 60.0)
        assert np.all(np.isfinite(p)) and np.all((p >= 0) & (p <= 1))
        # Misses (NaN pairs from the geometry) give 0.
        np.testing.assert_array_equal(
            decay_probability_inside(10.0, [np.nan, 1.0], [np.nan, 2.0]) > 0, [False, True]
        )


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((-1.0, 1.0, 2.0), "decay_length"),
        ((np.nan, 1.0, 2.0), "decay_length"),
        ((1.0, -1.0, 2.0), "l_entry"),
        ((1.0, 3.0, 2.0), "l_exit"),
        ((1.0, np.nan, 2.0), "NaN together"),
        ((1.0, 1.0, np.inf), "finite"),
    ],
)
def test_bad_lengths(args, match):
    with pytest.raises(ValueError, match=match):
        decay_probability_inside(*args)
    with pytest.raises(ValueError, match=match):
        sample_decay_distance(*args, rng=0)


@pytest.mark.parametrize("lam_over_l", [0.05, 0.3, 1.0, 10.0, 1e8])
def test_sampled_mean_matches_truncated_exponential(lam_over_l):
    a, length = 100.0, 10.0
    lam = lam_over_l * length
    n = 200_000
    x = sample_decay_distance(lam, a, a + length, rng=np.random.default_rng(2024), size=n)
    assert np.all((x >= a) & (x <= a + length))
    # Mean of an exponential truncated to [0, L]: lambda - L / (exp(L/lambda) - 1).
    r = length / lam
    expected = a + (lam - length / np.expm1(r) if r > 1e-6 else length / 2 - length * r / 12)
    # Tolerance: 5 standard errors of the mean (sample std / sqrt(n)).
    tol = 5 * x.std() / np.sqrt(n)
    assert abs(x.mean() - expected) < tol


def test_sampling_limits_and_reproducibility():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        uniform = sample_decay_distance(np.inf, 2.0, 4.0, rng=3, size=100_000)
        assert uniform.min() >= 2.0 and uniform.max() <= 4.0
        assert uniform.mean() == pytest.approx(3.0, abs=5 * (2 / np.sqrt(12)) / np.sqrt(1e5))
        huge = sample_decay_distance(1e300, 2.0, 4.0, rng=3, size=100_000)
        np.testing.assert_allclose(huge, uniform, rtol=1e-12)  # same u, uniform map
        at_entry = sample_decay_distance(0.0, 2.0, 4.0, rng=3, size=10)
        np.testing.assert_array_equal(at_entry, 2.0)
        tiny = sample_decay_distance(1e-300, 2.0, 4.0, rng=3, size=10)
        np.testing.assert_allclose(tiny, 2.0, rtol=0, atol=1e-290)
        miss = sample_decay_distance(1.0, [np.nan, 1.0], [np.nan, 2.0], rng=3)
        assert np.isnan(miss[0]) and 1.0 <= miss[1] <= 2.0
    a = sample_decay_distance(3.0, 0.0, 5.0, rng=np.random.default_rng(11), size=5)
    b = sample_decay_distance(3.0, 0.0, 5.0, rng=np.random.default_rng(11), size=5)
    np.testing.assert_array_equal(a, b)
    per_event = sample_decay_distance(np.array([1.0, 2.0, 3.0]), 0.0, [1.0, 2.0, 3.0], rng=1)
    assert per_event.shape == (3,)


def test_decay_length():
    p, m, width = 0.2, 0.1, 1e-17
    assert decay_length(p, m, width) == pytest.approx(p / m * HBARC / width, rel=1e-14, abs=0)
    assert decay_length(p, m, 0.0) == np.inf
    assert decay_length(0.0, m, width) == 0.0
    np.testing.assert_allclose(
        decay_length([0.1, 0.2], m, [1e-17, 2e-17]), [0.1 / m * HBARC / 1e-17] * 2
    )
    with pytest.raises(ValueError, match="mass"):
        decay_length(p, 0.0, width)
    with pytest.raises(ValueError, match="total_width"):
        decay_length(p, m, -1.0)
    with pytest.raises(ValueError, match="momentum"):
        decay_length(-p, m, width)


def test_decay_probability_in_volume():
    sphere = Sphere([0.0, 0.0, 0.0], 2.0)
    rng = np.random.default_rng(5)
    dirs = rng.normal(size=(10, 3))
    p = decay_probability_in_volume(sphere, [0.0, 0.0, 0.0], dirs, 3.0)
    np.testing.assert_allclose(p, -np.expm1(-2.0 / 3.0))
    two = Union([Box([0, 0, 5], [1, 1, 2]), Box([0, 0, 10], [1, 1, 2])])
    p2 = decay_probability_in_volume(two, [0, 0, 0], [0, 0, 1], 7.0)
    expected = (np.exp(-4 / 7) - np.exp(-6 / 7)) + (np.exp(-9 / 7) - np.exp(-11 / 7))
    assert p2 == pytest.approx(expected, rel=1e-12, abs=0)


def test_geometric_acceptance_of_a_sphere():
    r, dist = 1.0, 5.0
    acc, err = geometric_acceptance(Sphere([0.0, 0.0, dist], r), [0, 0, 0], 200_000, rng=9)
    exact = 0.5 * (1 - np.sqrt(1 - (r / dist) ** 2))  # solid-angle fraction of the cap
    assert abs(acc - exact) < 5 * err
