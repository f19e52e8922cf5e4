"""BMPT invariant cross sections: reference point values and multiplicities, by
quadrature independent of the sampler's tables, and the kinematic conventions."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from scipy import integrate

from nuportal import constants
from nuportal.sources.target import BeamTarget, bmpt, production_cross_section

M_PI = constants.M_PI_CHARGED


def test_point_values_match_reference():
    # computed for this package from the BMPT formula (EPJC 20 (2001) 13): p-C 120 GeV, A = 12;
    # p-Be 400 GeV
    assert bmpt.radial_x(10.0, 0.0, 120.0, M_PI) == pytest.approx(0.0854, abs=1e-4)
    assert bmpt.radial_x(10.0, 0.030, 120.0, M_PI) == pytest.approx(0.0902, abs=1e-4)
    pip = bmpt.invariant_cross_section("pi+", 10.0, 0.0, 120.0, 12)
    pim = bmpt.invariant_cross_section("pi-", 10.0, 0.0, 120.0, 12)
    assert pip == pytest.approx(225.5, abs=0.1)
    assert pip / pim == pytest.approx(1.305, abs=1e-3)
    assert bmpt.invariant_cross_section("pi+", 10.0, 0.030, 120.0, 12) == pytest.approx(
        139.4, abs=0.1
    )
    assert bmpt.invariant_cross_section("pi+", 40.0, 0.0, 400.0, 9) == pytest.approx(164.0, abs=0.1)


def test_feynman_x_is_the_standard_one():
    # a pion at rest in the nucleon-nucleon CM frame has x_F = 0; the forward end point is ~1
    p_beam = 120.0
    mp = constants.mass("p")
    e_beam = np.hypot(p_beam, mp)
    sqrt_s = np.sqrt(2 * mp * (mp + e_beam))
    gamma_beta = p_beam / sqrt_s
    p_rest = M_PI * gamma_beta  # lab momentum of a pion at rest in the CM
    assert bmpt.feynman_x(p_rest, 0.0, p_beam, M_PI) == pytest.approx(0.0, abs=1e-12)
    # E* = p* max for p_L* = sqrt(s)/2 - tiny: x_F -> 1 as the lab momentum -> p_beam
    assert bmpt.feynman_x(p_beam, 0.0, p_beam, M_PI) == pytest.approx(1.0, abs=0.01)


def test_beryllium_is_a9_no_scaling_and_carbon_scales_up():
    p, th = np.array([5.0, 20.0, 60.0]), np.array([0.02, 0.01, 0.003])
    unscaled = bmpt.invariant_cross_section("pi+", p, th, 120.0)
    assert np.array_equal(unscaled, bmpt.invariant_cross_section("pi+", p, th, 120.0, 9.0))
    x_f = bmpt.feynman_x(p, th, 120.0, M_PI)
    expected = unscaled * (12 / 9) ** bmpt.nuclear_alpha(x_f, p * np.sin(th))
    assert np.allclose(bmpt.invariant_cross_section("pi+", p, th, 120.0, 12.0), expected)


def test_kaon_charge_ratio_rises_with_x_r():
    x = np.array([0.0, 0.1, 0.17, 0.3, 0.5])
    r = bmpt.charge_ratio("K", x)
    assert r[0] == pytest.approx(1.15)
    assert np.all(np.diff(r) > 0)
    assert r[2] == pytest.approx(2.0, rel=0.1)  # K+/K- ~ 2 at x ~ 0.15-0.2 (MINOS-doc 3399)


def test_zero_outside_the_physical_region():
    assert bmpt.invariant_cross_section("pi+", 119.0, 0.0, 120.0) == 0.0
    assert bmpt.invariant_cross_section("K-", 119.0, 0.0, 120.0) == 0.0


@cache
def _sigma_quad(species, p_beam, a_mass):
    """sigma = int d^3p (E d3s/dp3)/E over theta < pi/2 by scipy quadrature in (p, theta)."""
    m = M_PI if species.startswith("pi") else constants.M_K_CHARGED

    def f(theta, p):
        return (
            2 * np.pi * np.sin(theta) * p * p / np.hypot(p, m)
            * bmpt.invariant_cross_section(species, p, theta, p_beam, a_mass)
        )  # fmt: skip

    # the distribution is forward-peaked: split theta at 0.05 and 0.3 rad
    total = 0.0
    for lo, hi in ((0.0, 0.05), (0.05, 0.3), (0.3, np.pi / 2)):
        val, _ = integrate.dblquad(f, 0.0, p_beam, lo, hi, epsabs=1e-2, epsrel=1e-4)
        total += val
    return total


@pytest.mark.parametrize(
    "species, p_beam, a_mass, ref_mb",
    [("pi+", 400.0, 9.0, 865.0), ("pi+", 120.0, 12.0, 715.0), ("pi-", 120.0, 12.0, 537.0)],
)
def test_multiplicities_by_quadrature(species, p_beam, a_mass, ref_mb):
    # computed for this package (BMPT): sigma(pi+) = 865 mb (p-Be 400 GeV); 715 / 537 mb (p-C 120
    # GeV)
    assert _sigma_quad(species, p_beam, a_mass) == pytest.approx(ref_mb, rel=2e-3)


def test_pi0_multiplicity_by_plain_monte_carlo():
    # independent route: uniform Monte Carlo in (p, cos theta), not the sampler's tables
    rng = np.random.default_rng(7)
    n = 2_000_000
    p = rng.uniform(0.0, 120.0, n)
    cos_t = rng.uniform(0.0, 1.0, n)
    theta = np.arccos(cos_t)
    inv = 0.5 * (
        bmpt.invariant_cross_section("pi+", p, theta, 120.0, 12)
        + bmpt.invariant_cross_section("pi-", p, theta, 120.0, 12)
    )
    f = 2 * np.pi * p * p / np.hypot(p, M_PI) * inv * 120.0
    est, err = f.mean(), f.std() / np.sqrt(n)
    assert est == pytest.approx(626.0, abs=max(4 * err, 1.0))  # reference: sigma(pi0) = 626 mb
    # ~2.7 pi0 per inelastic p-C collision (reference: 2.72 with sigma_inel ~ 230 mb)
    assert est / 232.5 == pytest.approx(2.70, abs=0.05)


@pytest.mark.parametrize("species", ["pi+", "pi-", "K+", "K-"])
def test_sampler_tables_agree_with_quadrature(species):
    beam = BeamTarget("c120", 120.0, "graphite", 1.0, 0.01)
    assert production_cross_section(beam, species) == pytest.approx(
        _sigma_quad(species, 120.0, 12.0), rel=1e-3
    )


def test_energy_outside_the_range():
    with pytest.raises(ValueError, match="outside the BMPT"):
        bmpt.invariant_cross_section("pi+", 1.0, 0.1, 20.0)
    with pytest.raises(ValueError, match="species"):
        bmpt.invariant_cross_section("pi0", 1.0, 0.1, 120.0)
