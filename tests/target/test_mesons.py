"""Meson samples: normalization, distribution against the analytic cross section (chi^2),
kinematics, production points, overrides and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nuportal.sources.target import (
    BeamTarget,
    available_species,
    bmpt,
    get_beam,
    meson_yields,
    sample_mesons,
    sanford_wang,
    secondary_interaction_bounds,
)
from nuportal.sources.target.mesons import MASS


def test_weights_sum_to_the_yield_and_same_seed_same_sample():
    a = sample_mesons("lbnf", "pi0", n=20_000, seed=3)
    b = sample_mesons("lbnf", "pi0", n=20_000, seed=3)
    assert np.array_equal(a.momenta, b.momenta) and np.array_equal(a.weights, b.weights)
    assert a.weights.sum() == pytest.approx(meson_yields("lbnf")["pi0"], rel=1e-12)
    assert a.momenta.shape == (20_000, 4) and a.positions.shape == (20_000, 3)
    assert np.all(a.weights >= 0)


def test_yields_per_pot_lbnf():
    y = meson_yields("lbnf")
    beam = get_beam("lbnf")
    # 2.69 pi0 per inelastic p-C collision (626 mb / 232.5 mb) times P_int
    assert y["pi0"] == pytest.approx(626.0 / 232.5 * beam.interaction_probability, rel=3e-3)
    assert y["eta"] == pytest.approx(0.114 * y["pi0"], rel=1e-9)
    assert y["pi+"] > y["pi-"] and y["K+"] > y["K-"]


def test_user_overrides():
    y = meson_yields("numi", overrides={"pi0": 2.9})
    assert y["pi0"] == 2.9
    s = sample_mesons("numi", "pi0", n=1000, seed=1, yield_per_pot=2.9)
    assert s.weights.sum() == pytest.approx(2.9)
    with pytest.raises(ValueError, match="overrides"):
        meson_yields("numi", overrides={"pi0": -1.0})
    with pytest.raises(ValueError, match="species"):
        meson_yields("bnb", overrides={"K-": 0.1})


def _chi2(sample, density, p_edges, t_edges):
    """chi^2 of the weighted (p, theta) histogram against d^2sigma/(dp dOmega) integrated over
    each bin by 12 x 12 Gauss-Legendre points in (p, theta) (not the sampler's log grid)."""
    x, w = np.polynomial.legendre.leggauss(12)
    expected = np.zeros((len(p_edges) - 1, len(t_edges) - 1))
    for i in range(len(p_edges) - 1):
        pa, pb = p_edges[i], p_edges[i + 1]
        pp = 0.5 * (pb - pa) * (x + 1) + pa
        for j in range(len(t_edges) - 1):
            ta, tb = t_edges[j], t_edges[j + 1]
            tt = 0.5 * (tb - ta) * (x + 1) + ta
            P, T = np.meshgrid(pp, tt, indexing="ij")
            f = density(P, T) * 2 * np.pi * np.sin(T)
            expected[i, j] = 0.25 * (pb - pa) * (tb - ta) * np.einsum("ij,i,j->", f, w, w)
    mom, th = sample.momentum, sample.theta
    h, _, _ = np.histogram2d(mom, th, [p_edges, t_edges], weights=sample.weights)
    h2, _, _ = np.histogram2d(mom, th, [p_edges, t_edges], weights=sample.weights**2)
    # expected mesons per POT per bin: fraction of the cross section times the yield
    scale = sample.beam.interaction_probability / sample.beam.inelastic_cross_section
    exp_yield = expected * scale
    mask = h2 > 0
    return np.sum((h[mask] - exp_yield[mask]) ** 2 / h2[mask]), mask.sum()


def test_lbnf_pi_plus_distribution_chi2():
    beam = BeamTarget("c120", 120.0, "graphite", 2.2, 0.008, density=1.78)
    s = sample_mesons(beam, "pi+", n=200_000, seed=11)

    def density(p, t):
        inv = bmpt.invariant_cross_section("pi+", p, t, 120.0, 12)
        return inv * p * p / np.hypot(p, MASS["pi+"])

    p_edges = np.array([0.05, 0.5, 1, 2, 4, 8, 16, 32, 64, 120])
    t_edges = np.array([0, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.4, np.pi / 2])
    chi2, ndf = _chi2(s, density, p_edges, t_edges)
    # fixed seed; the weighted-histogram chi^2 has mean ~ndf: 1.6 ndf is a > 3 sigma excess
    assert chi2 < 1.6 * ndf, (chi2, ndf)
    assert ndf > 40


def test_bnb_pi_plus_distribution_chi2():
    s = sample_mesons("bnb", "pi+", n=200_000, seed=5)
    p_edges = np.array([0.05, 0.5, 1, 1.5, 2, 3, 4, 5, 6, 7.89])
    t_edges = np.array([0, 0.03, 0.06, 0.1, 0.15, 0.21, 0.3, 0.5, 0.8, np.pi / 2])
    chi2, ndf = _chi2(s, lambda p, t: sanford_wang.sanford_wang("pi+", p, t), p_edges, t_edges)
    assert chi2 < 1.6 * ndf, (chi2, ndf)
    assert ndf > 50


@settings(max_examples=20, deadline=None)
@given(
    beam=st.sampled_from(["lbnf", "numi", "bnb"]),
    species=st.sampled_from(["pi+", "pi-", "pi0", "K+", "K0", "eta"]),
    seed=st.integers(0, 2**31),
)
def test_mesons_are_on_shell_and_in_the_target(beam, species, seed):
    s = sample_mesons(beam, species, n=500, seed=seed)
    m2 = s.momenta[:, 0] ** 2 - np.sum(s.momenta[:, 1:] ** 2, axis=1)
    assert np.allclose(np.sqrt(np.maximum(m2, 0)), MASS[species], rtol=1e-6, atol=1e-9)
    assert np.all(s.theta <= np.pi / 2)
    b = get_beam(beam)
    assert np.all((s.positions[:, 2] >= 0) & (s.positions[:, 2] <= b.length))
    assert s.momentum.max() <= b.proton_energy


def test_parents_and_dataframe():
    s = sample_mesons("bnb", "K+", n=100, seed=2)
    parents = s.to_parents(origin=[0.0, 0.0, -50.0])
    assert len(parents) == 100
    assert np.allclose(parents.origins[:, 2], s.positions[:, 2] - 50.0)
    df = s.to_dataframe()
    assert list(df.columns[:8]) == ["E", "px", "py", "pz", "x", "y", "z", "weight"]
    assert df.attrs["metadata"]["yield_per_pot"] == pytest.approx(s.weights.sum())


def test_secondary_interaction_bounds():
    s = sample_mesons("lbnf", "pi+", n=20_000, seed=1)
    b = secondary_interaction_bounds(s)
    t = 2.2 / get_beam("lbnf").interaction_length
    assert b["leading_baryon"] == pytest.approx(
        (1 - np.exp(-t) * (1 + t)) / (1 - np.exp(-t)), rel=1e-12
    )
    assert 0.0 < b["meson_reinteraction"] < b["leading_baryon"]


def test_species_and_bad_input():
    assert "K-" not in available_species("bnb")
    assert available_species("lbnf")[-1] == "eta"
    with pytest.raises(ValueError, match="species"):
        sample_mesons("bnb", "K-", n=10)
    with pytest.raises(ValueError, match="species"):
        sample_mesons("lbnf", "rho0", n=10)
    for bad in (0, -5, 2.5, True):
        with pytest.raises(ValueError, match="positive integer"):
            sample_mesons("lbnf", "pi0", n=bad)


def test_tertiary_estimate_limits():
    from nuportal.sources.target import tertiary_yield_estimate

    # at p_B = 50 GeV every re-interaction is below the BMPT range: the range is [0, P_2]
    beam50 = BeamTarget("c50", 50.0, "graphite", 1.0, 0.01, density=1.78)
    est = tertiary_yield_estimate(beam50, "pi0", n_x=2)
    assert est["low"] == 0.0
    assert est["high"] == pytest.approx(est["leading_baryon"], rel=1e-12)
    # at 120 GeV: part of the re-interactions is in range, multiplicities fall with energy
    est = tertiary_yield_estimate("numi", "pi0", n_x=3)
    assert 0.0 < est["low"] < est["high"] < est["leading_baryon"]
    with pytest.raises(ValueError, match="BMPT"):
        tertiary_yield_estimate("bnb", "pi0")
