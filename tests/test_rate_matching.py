"""Tests of the generic rate-matching machinery (nuportal.recast.rate_matching).

Independent routes: the series expansion of the decay probability, the identity recast (a model
recast into itself returns its own coupling), the analytic long-lifetime limit k^(-1/2), and the
analytic short-lifetime upper edge through the Lambert W function.
"""

from __future__ import annotations

import itertools
import math
from functools import partial

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import lambertw

from nuportal.constants import HBARC
from nuportal.recast.rate_matching import (
    ExcludedBand,
    PowerLawScaling,
    coupling_limit_from_ratio,
    decay_length,
    decay_probability,
    long_lifetime_limit,
    long_lifetime_rate_coefficient,
    mean_decay_probability,
    published_limit_rate,
    signal_rate,
    solve_excluded_band,
    solve_excluded_bands,
)

# Orders of magnitude of the MicroBooNE KDAR case (check numbers computed for this package): an HNL
# at 0.1 GeV
# (Br/|U|^2 = 1.20, Majorana Gamma(nu e e) = 2 x 2.89e-20 GeV, Gamma_tot = 5.15e-19 GeV per |U|^2,
# p = 0.224 GeV) and a scalar at 0.1 GeV (Br/theta^2 ~ 1.74e-3, Gamma(ee)/theta^2 = 1.71e-14 GeV).
HNL = PowerLawScaling(production=1.20, visible_width=5.78e-20, total_width=5.15e-19)
SCALAR = PowerLawScaling(production=1.74e-3, visible_width=1.71e-14, total_width=1.71e-14)
GEOMETRY = {"l_in": 100.0, "l_out": 110.0}


# ------------------------------------------------------------------ decay probability


def test_decay_length_formula():
    # lambda = p/(m Gamma) hbar c
    assert decay_length(0.2, 0.1, 1e-17) == pytest.approx(
        0.2 / (0.1 * 1e-17) * HBARC, rel=1e-15, abs=0
    )
    assert np.isinf(decay_length(0.2, 0.1, 0.0))


def test_decay_probability_long_lifetime_series():
    # lambda >> l: P = dl/lambda - (l_out^2 - l_in^2)/(2 lambda^2) + ...; the naive difference of
    # exponentials would lose all digits at lambda = 1e14 m.
    l_in, l_out = 100.0, 110.0
    for lam in (1e8, 1e11, 1e14):
        series = (l_out - l_in) / lam - (l_out**2 - l_in**2) / (2 * lam**2)
        assert decay_probability(l_in, l_out, lam) == pytest.approx(series, rel=1e-12, abs=0)
    assert decay_probability(l_in, l_out, np.inf) == 0.0


def test_decay_probability_moderate_and_short_lifetimes():
    assert decay_probability(1.0, 3.0, 2.0) == pytest.approx(
        math.exp(-0.5) - math.exp(-1.5), rel=1e-14, abs=0
    )
    assert decay_probability(0.0, 1e3, 1e-3) == pytest.approx(1.0)  # decays at once, at l = 0
    assert decay_probability(100.0, 110.0, 1e-3) == 0.0  # decays long before the detector
    assert decay_probability(5.0, 5.0, 3.0) == 0.0


@settings(max_examples=100, deadline=None)
@given(
    l_in=st.floats(0.0, 1e3),
    dl=st.floats(0.0, 1e3),
    lam=st.floats(1e-2, 1e5),
)
def test_decay_probability_matches_naive_form(l_in, dl, lam):
    p = decay_probability(l_in, l_in + dl, lam)
    naive = math.exp(-l_in / lam) - math.exp(-(l_in + dl) / lam)
    assert 0.0 <= p <= 1.0
    # the naive difference loses absolute precision ~1e-16 (cancellation when dl << lam)
    assert p == pytest.approx(naive, rel=1e-9, abs=1e-14)


def test_mean_decay_probability_weights():
    l_in = np.array([1.0, 2.0, 3.0])
    l_out = np.array([2.0, 4.0, 3.5])
    w = np.array([1.0, 0.0, 3.0])
    p = decay_probability(l_in, l_out, 2.0)
    assert mean_decay_probability(l_in, l_out, 2.0, w) == pytest.approx((p[0] + 3 * p[2]) / 4)
    assert mean_decay_probability(l_in, l_out, 2.0) == pytest.approx(p.mean())


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"l_in": -1.0, "l_out": 2.0, "decay_length": 1.0}, "l_in"),
        ({"l_in": 3.0, "l_out": 2.0, "decay_length": 1.0}, "l_out must be >= l_in"),
        ({"l_in": 1.0, "l_out": 2.0, "decay_length": 0.0}, "decay_length"),
        ({"l_in": 1.0, "l_out": np.nan, "decay_length": 1.0}, "l_out must be finite"),
    ],
)
def test_decay_probability_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        decay_probability(**kwargs)


# ------------------------------------------------------------------ signal rate


def test_signal_rate_formula_single_path():
    g = 1e-6
    rate = signal_rate(
        g,
        HNL,
        mass=0.1,
        momentum=0.224,
        n_parents=1e18,
        acceptance=1e-6,
        efficiency=0.1,
        **GEOMETRY,
    )
    lam = 0.224 / (0.1 * 5.15e-19 * g) * HBARC
    expected = (
        1e18 * 1.20 * g * 1e-6 * (5.78e-20 / 5.15e-19) * decay_probability(100.0, 110.0, lam) * 0.1
    )
    assert rate == pytest.approx(expected, rel=1e-12, abs=0)
    assert signal_rate(0.0, HNL, mass=0.1, momentum=0.224, **GEOMETRY) == 0.0


def test_signal_rate_vectorized_over_masses_matches_loop():
    masses = np.array([0.05, 0.1, 0.2])
    momenta = np.array([0.23, 0.224, 0.19])
    sc = PowerLawScaling(
        production=[2.0, 1.2, 2.3],
        visible_width=[1e-21, 5.8e-20, 1.8e-18],
        total_width=[1e-20, 5e-19, 1e-16],
    )
    g = np.array([1e-5, 1e-6, 1e-7])
    vec = signal_rate(
        g, sc, mass=masses, momentum=momenta, efficiency=[0.03, 0.11, 0.1], **GEOMETRY
    )
    for i in range(3):
        one = PowerLawScaling(sc.production[i], sc.visible_width[i], sc.total_width[i])
        ref = signal_rate(
            g[i],
            one,
            mass=masses[i],
            momentum=momenta[i],
            efficiency=[0.03, 0.11, 0.1][i],
            **GEOMETRY,
        )
        assert vec[i] == pytest.approx(float(ref), rel=1e-14, abs=0)


def test_signal_rate_per_event_average():
    rng = np.random.default_rng(7)
    l_in = rng.uniform(95.0, 105.0, 500)
    l_out = l_in + rng.uniform(0.0, 12.0, 500)
    w = rng.uniform(0.0, 2.0, 500)
    g = np.array([1e-7, 1e-4, 1e-2])
    rates = signal_rate(g, HNL, mass=0.1, momentum=0.224, l_in=l_in, l_out=l_out, weights=w)
    for gi, ri in zip(g, rates, strict=True):
        lam = decay_length(0.224, 0.1, 5.15e-19 * gi)
        ref = 1.20 * gi * (5.78e-20 / 5.15e-19) * mean_decay_probability(l_in, l_out, lam, w)
        assert ri == pytest.approx(ref, rel=1e-12, abs=0)
    # one event per-event equals the single-path layout
    one = signal_rate(g, HNL, mass=0.1, momentum=0.224, l_in=[100.0], l_out=[110.0])
    np.testing.assert_allclose(
        one, signal_rate(g, HNL, mass=0.1, momentum=0.224, **GEOMETRY), rtol=1e-14
    )
    # per-event momenta (decay in flight)
    p = rng.uniform(0.1, 0.3, 500)
    r = signal_rate(1e-4, HNL, mass=0.1, momentum=p, l_in=l_in, l_out=l_out)
    ref = np.mean(
        1.20e-4
        * (5.78e-20 / 5.15e-19)
        * decay_probability(l_in, l_out, decay_length(p, 0.1, 5.15e-23))
    )
    assert float(r) == pytest.approx(ref, rel=1e-12, abs=0)


def test_signal_rate_accepts_a_callable_model():
    def model(g):
        return 1.20 * g, 5.78e-20 * g, 5.15e-19 * g

    g = np.geomspace(1e-9, 1e-1, 7)
    np.testing.assert_allclose(
        signal_rate(g, model, mass=0.1, momentum=0.224, **GEOMETRY),
        signal_rate(g, HNL, mass=0.1, momentum=0.224, **GEOMETRY),
        rtol=1e-15,
    )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"coupling": -1e-6}, "coupling must be >= 0"),
        ({"mass": 0.0}, "mass must be > 0"),
        ({"momentum": -0.1}, "momentum must be > 0"),
        ({"efficiency": -0.1}, "efficiency must be >= 0"),
        ({"weights": [1.0]}, "weights need per-event"),
        ({"l_in": [1.0, 2.0], "l_out": [2.0, 3.0], "weights": [1.0]}, "weights has shape"),
        (
            {"l_in": [1.0, 2.0], "l_out": [2.0, 3.0], "momentum": [0.1, 0.2, 0.3]},
            "momentum must be one number",
        ),
        (
            {"l_in": [1.0, 2.0], "l_out": [2.0, 3.0], "mass": [0.1, 0.2]},
            "mass must be a single number",
        ),
    ],
)
def test_signal_rate_bad_input(kwargs, match):
    args = {"coupling": 1e-6, "mass": 0.1, "momentum": 0.224, **GEOMETRY} | kwargs
    coupling = args.pop("coupling")
    with pytest.raises(ValueError, match=match):
        signal_rate(coupling, HNL, **args)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"production": -1.0}, "production must be >= 0"),
        ({"total_width": 0.0}, "total_width must be > 0"),
        ({"visible_width": 2.0, "total_width": 1.0}, "visible_width must be <= total_width"),
        ({"production_power": -1.0}, "production_power"),
    ],
)
def test_power_law_scaling_bad_input(kwargs, match):
    args = {"production": 1.0, "visible_width": 1e-20, "total_width": 1e-19} | kwargs
    with pytest.raises(ValueError, match=match):
        PowerLawScaling(**args)


# ------------------------------------------------------------------ excluded band


def _scalar_target(theta=4.6e-4, **geometry):
    geometry = geometry or GEOMETRY
    return float(published_limit_rate(theta, SCALAR, mass=0.1, momentum=0.2145, **geometry))


def test_identity_recast_returns_the_published_coupling():
    # Recasting the scalar into itself: the lower edge is theta_lim^2 (long-lived side).
    theta = 4.6e-4
    target = _scalar_target(theta)
    rate = partial(signal_rate, scaling=SCALAR, mass=0.1, momentum=0.2145, **GEOMETRY)
    band = solve_excluded_band(rate, target, 1e-16, 1.0)
    assert band.excluded
    assert band.lower == pytest.approx(theta**2, rel=1e-9, abs=0)
    # ... and with per-event path lengths and weights
    rng = np.random.default_rng(3)
    l_in = rng.uniform(98.0, 104.0, 2000)
    l_out = l_in + rng.uniform(0.0, 11.0, 2000)
    w = rng.uniform(0.5, 1.5, 2000)
    kw = {"mass": 0.1, "momentum": 0.2145, "l_in": l_in, "l_out": l_out, "weights": w}
    target = float(published_limit_rate(theta, SCALAR, **kw))
    band = solve_excluded_band(partial(signal_rate, scaling=SCALAR, **kw), target, 1e-16, 1.0)
    assert band.lower == pytest.approx(theta**2, rel=1e-9, abs=0)


def test_identity_recast_on_the_short_lifetime_side():
    # A coupling on the falling side of the rate is recovered as the upper edge.
    short = PowerLawScaling(production=0.77, visible_width=4.6e-17, total_width=5.16e-15)
    kw = {"mass": 0.38, "momentum": 0.037, **GEOMETRY}
    rate = partial(signal_rate, scaling=short, **kw)
    band_probe = solve_excluded_band(rate, 1e-300, 1e-14, 1.0)
    g0 = 10 * band_probe.peak_coupling
    band = solve_excluded_band(rate, float(rate(np.array([g0]))[0]), 1e-14, 1.0)
    assert band.upper == pytest.approx(g0, rel=1e-9, abs=0)
    assert band.lower < band.peak_coupling < band.upper


def test_lower_edge_converges_to_long_lifetime_limit():
    # Exact lower edge -> k^(-1/2) as the decay length at the edge grows beyond the distance;
    # the first correction is of order l/lambda, so it shrinks ~10x per 10x in lambda.
    target = _scalar_target()
    differences = []
    for width_scale in (1e4, 1e3, 1e2, 1e1, 1.0):
        sc = PowerLawScaling(
            production=1.20, visible_width=5.78e-20, total_width=5.15e-19 * width_scale
        )
        kw = {"mass": 0.1, "momentum": 0.224, **GEOMETRY}
        exact = solve_excluded_band(
            partial(signal_rate, scaling=sc, **kw), target, 1e-16, 1.0
        ).lower
        approx = float(long_lifetime_limit(target, sc, **kw))
        differences.append(abs(exact / approx - 1.0))
    lam = float(decay_length(0.224, 0.1, 5.15e-19 * exact))  # last case: lambda ~ 2e8 m
    assert lam > 1e6 * GEOMETRY["l_out"]
    assert differences[-1] < 1e-5
    assert all(d1 < d0 for d0, d1 in itertools.pairwise(differences))
    assert differences[-2] / differences[-1] == pytest.approx(10.0, rel=0.05)


def test_lower_edge_scales_as_inverse_square_root_of_k():
    kw = {"mass": 0.1, "momentum": 0.224, **GEOMETRY}
    rate = partial(signal_rate, scaling=HNL, **kw)
    target = _scalar_target()
    g1 = solve_excluded_band(rate, target, 1e-16, 1.0).lower
    g4 = solve_excluded_band(rate, target / 4.0, 1e-16, 1.0).lower  # k -> 4 k
    g100 = solve_excluded_band(rate, target / 100.0, 1e-16, 1.0).lower  # k -> 100 k
    assert g1 / g4 == pytest.approx(2.0, rel=1e-5)
    assert g1 / g100 == pytest.approx(10.0, rel=1e-5)
    # the analytic shortcut itself
    c = float(long_lifetime_rate_coefficient(HNL, **kw))
    assert c == pytest.approx(1.20 * 5.78e-20 * 0.1 * 10.0 / 0.224 / HBARC, rel=1e-14, abs=0)
    assert float(coupling_limit_from_ratio(c / target)) == pytest.approx(
        float(long_lifetime_limit(target, HNL, **kw))
    )
    assert float(coupling_limit_from_ratio(4.0)) == 0.5


def _upper_edge_short_lifetime(target, scaling, mass, momentum, distance):
    """Analytic upper edge for a monochromatic particle that decays before reaching the detector.

    With powers 1, R(g) = B g exp(-c g D) (1 - exp(-c g L)), B = Br_1 Gamma_vis,1/Gamma_tot,1,
    c = m Gamma_tot,1/(p hbar c). For c g L >> 1, R = T at u = c g D with u exp(-u) = c D T/B,
    i.e. u = -W_{-1}(-c D T/B): Gamma_tot(g_upper) = p hbar c/(m D) * u, u ~ ln(B/(c D T)).
    """
    b = scaling.production * scaling.visible_width / scaling.total_width
    c = mass * scaling.total_width / (momentum * HBARC)
    u = -lambertw(-c * distance * target / b, k=-1).real
    return u / (c * distance)


@pytest.mark.parametrize("distance", [50.0, 100.0, 400.0])
def test_upper_edge_follows_the_exponential(distance):
    short = PowerLawScaling(production=0.77, visible_width=4.6e-17, total_width=5.16e-15)
    mass, momentum, length = 0.38, 0.037, 3.0 * distance  # long enough that exp(-c g L) ~ 0
    target = 1e-12
    rate = partial(
        signal_rate,
        scaling=short,
        mass=mass,
        momentum=momentum,
        l_in=distance,
        l_out=distance + length,
    )
    band = solve_excluded_band(rate, target, 1e-14, 1.0)
    expected = _upper_edge_short_lifetime(target, short, mass, momentum, distance)
    assert band.upper == pytest.approx(expected, rel=1e-9, abs=0)
    # at the edge, Gamma_tot = p hbar c/(m D) * u with u = ln(B/(c D T)) + ln(u): the decay length
    # is D/u, a few percent of D.
    lam = float(decay_length(momentum, mass, short.total_width * band.upper))
    assert 10 < distance / lam < 40


def test_upper_edge_moves_with_distance_lower_edge_does_not():
    short = PowerLawScaling(production=0.77, visible_width=4.6e-17, total_width=5.16e-15)
    mass, momentum, target = 0.38, 0.037, 1e-12
    lower, upper = {}, {}
    for d in (100.0, 200.0):
        common = {"scaling": short, "mass": mass, "momentum": momentum, "l_in": d}
        lower[d] = solve_excluded_band(
            partial(signal_rate, l_out=d + 10.0, **common), target, 1e-16, 1.0
        ).lower
        upper[d] = solve_excluded_band(
            partial(signal_rate, l_out=4.0 * d, **common), target, 1e-16, 1.0
        ).upper
    # lower edge (long-lived): set by the path inside the detector, not by D, up to the survival
    # factor exp(-D/lambda) with lambda ~ 1e5 m at the edge
    assert lower[100.0] == pytest.approx(lower[200.0], rel=1e-2)
    # upper edge: g D = u/c with u = -W_{-1}(-c D T/B) ~ ln(B/(c D T)); u falls slowly with D, so
    # g(D)/g(2D) = 2 u(D)/u(2D), slightly more than 2
    c = mass * short.total_width / (momentum * HBARC)
    b = short.production * short.visible_width / short.total_width
    u = {d: -lambertw(-c * d * target / b, k=-1).real for d in (100.0, 200.0)}
    ratio = upper[100.0] / upper[200.0]
    assert ratio == pytest.approx(2.0 * u[100.0] / u[200.0], rel=1e-8)
    assert 2.0 < ratio < 2.5


def test_not_excluded_returns_nan():
    rate = partial(signal_rate, scaling=HNL, mass=0.1, momentum=0.224, **GEOMETRY)
    band = solve_excluded_band(rate, 1.0, 1e-16, 1.0)  # one event per parent: impossible
    assert not band.excluded
    lo, hi = band
    assert math.isnan(lo) and math.isnan(hi)
    assert band.peak_rate < 1.0


def test_band_reaching_the_search_bounds():
    rate = partial(signal_rate, scaling=HNL, mass=0.1, momentum=0.224, **GEOMETRY)
    target = _scalar_target()
    band = solve_excluded_band(rate, target, 1e-16, 1e-2)  # still long-lived at g = 1e-2
    assert band.upper_at_bound and band.upper == 1e-2
    assert not band.lower_at_bound
    band = solve_excluded_band(rate, target, 1e-5, 1e-2)
    assert band.lower_at_bound and band.lower == 1e-5


def test_solve_excluded_bands_loops_over_masses():
    targets = [_scalar_target(), _scalar_target() / 4.0, 1.0]
    fns = [partial(signal_rate, scaling=HNL, mass=0.1, momentum=0.224, **GEOMETRY)] * 3
    lower, upper = solve_excluded_bands(fns, targets, 1e-16, 1.0)
    assert lower[0] / lower[1] == pytest.approx(2.0, rel=1e-5)
    assert math.isnan(lower[2]) and math.isnan(upper[2])
    with pytest.raises(ValueError, match="one entry per rate function"):
        solve_excluded_bands(fns, targets[:2], 1e-16, 1.0)


@pytest.mark.parametrize(
    ("target", "g_min", "g_max", "match"),
    [
        (-1.0, 1e-10, 1.0, "target_rate"),
        (0.0, 1e-10, 1.0, "target_rate"),
        (math.nan, 1e-10, 1.0, "target_rate"),
        (1e-3, 1.0, 1.0, "g_min must be < g_max"),
        (1e-3, 1.0, 1e-3, "g_min must be < g_max"),
        (1e-3, 0.0, 1.0, "g_min"),
        (1e-3, 1e-10, math.inf, "g_max"),
    ],
)
def test_solve_excluded_band_bad_input(target, g_min, g_max, match):
    rate = partial(signal_rate, scaling=HNL, mass=0.1, momentum=0.224, **GEOMETRY)
    with pytest.raises(ValueError, match=match):
        solve_excluded_band(rate, target, g_min, g_max)


def test_solve_excluded_band_bad_rate_function():
    with pytest.raises(ValueError, match="same shape"):
        solve_excluded_band(lambda g: 1.0, 1e-3, 1e-6, 1.0)
    with pytest.raises(ValueError, match="finite and >= 0"):
        solve_excluded_band(lambda g: -g, 1e-3, 1e-6, 1.0)


def test_excluded_band_unpacks_to_two_numbers():
    lo, hi = ExcludedBand(1e-7, 1e-3)
    assert (lo, hi) == (1e-7, 1e-3)


def test_published_limit_rate_bad_input():
    with pytest.raises(ValueError, match="limit must be > 0"):
        published_limit_rate(0.0, SCALAR, mass=0.1, momentum=0.2, **GEOMETRY)
    with pytest.raises(ValueError, match="limit_power"):
        published_limit_rate(1e-4, SCALAR, limit_power=0.0, mass=0.1, momentum=0.2, **GEOMETRY)
    with pytest.raises(ValueError, match="PowerLawScaling"):
        long_lifetime_limit(1e-3, lambda g: (g, g, g), mass=0.1, momentum=0.2, **GEOMETRY)


def test_solve_excluded_band_accepts_zero_dimensional_arrays():
    rate = partial(signal_rate, scaling=HNL, mass=0.1, momentum=0.224, **GEOMETRY)
    target = published_limit_rate(4.6e-4, SCALAR, mass=0.1, momentum=0.2145, **GEOMETRY)
    assert np.ndim(target) == 0
    band = solve_excluded_band(rate, target, np.float64(1e-16), 1)
    assert band.lower == pytest.approx(
        float(long_lifetime_limit(target, HNL, mass=0.1, momentum=0.224, **GEOMETRY)), rel=1e-5
    )
    with pytest.raises(ValueError, match="target_rate"):
        solve_excluded_band(rate, np.array([1e-3, 1e-3]), 1e-16, 1.0)
