"""The MiniBooNE flux paper's fits at 8.89 GeV/c p-Be (arXiv:0806.1449)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate

from nuportal import constants
from nuportal.sources.target import get_beam, production_cross_section
from nuportal.sources.target import sanford_wang as sw


def _sw_integral(species, p_max=7.89):
    def f(theta, p):
        return 2 * np.pi * np.sin(theta) * sw.sanford_wang(species, p, theta, 8.89)

    return integrate.dblquad(f, 0.0, p_max, 0.0, np.pi / 2, epsabs=1e-4, epsrel=1e-7)[0]


def test_pi_plus_normalization_matches_bdnmc_integral():
    # BdNMC (arXiv:1609.01770) src/sanfordwang.cpp keeps the integral of its pi+ Sanford-Wang
    # fit over 0 < p < 7.89 GeV, 0 < theta < pi/2 as sigswpip = 158.93469618126042 mb: an
    # independent integration of the same published parameters
    assert _sw_integral("pi+") == pytest.approx(158.93469618, rel=1e-6)


def test_pi_minus_normalization_matches_bdnmc_integral():
    # BdNMC: sigswpim = 144.63 mb (quoted to 0.1 %)
    assert _sw_integral("pi-") == pytest.approx(144.63, rel=2e-3)


def test_pi_plus_at_the_harp_peak_is_positive_and_vanishes_at_the_end_point():
    assert sw.sanford_wang("pi+", 2.0, 0.06) > 0
    assert sw.sanford_wang("pi+", 7.8901, 0.06) == 0.0  # p >= p_B - c9
    assert sw.sanford_wang("K0", 8.89 - 1.2779, 0.0) == 0.0


def test_kplus_feynman_x_end_point():
    # x_F = p_L*/p*_max with M_X = m_Lambda + m_p: the cross section vanishes for |x_F| >= 1
    mp, mk = constants.mass("p"), constants.M_K_CHARGED
    e_b = np.hypot(8.89, mp)
    s = 2 * mp * (mp + e_b)
    e_max = (s + mk**2 - 2.053**2) / (2 * np.sqrt(s))
    p_max_cm = np.sqrt(e_max**2 - mk**2)
    # forward kaon with CM momentum p_max_cm boosted to the lab
    gamma, gb = (e_b + mp) / np.sqrt(s), 8.89 / np.sqrt(s)
    p_lab = gamma * p_max_cm + gb * e_max
    assert sw.feynman_scaling_kplus(0.999 * p_lab, 0.0) > 0
    assert sw.feynman_scaling_kplus(1.001 * p_lab, 0.0) == 0.0


@pytest.mark.parametrize("species", ["pi+", "pi-", "K0"])
def test_sampler_tables_agree_with_quadrature(species):
    # BNB species integrated by the sampler's Gauss-Legendre tables vs scipy over the full range
    p_end = 8.89 - sw.SANFORD_WANG[species][8]
    assert production_cross_section("bnb", species) == pytest.approx(
        _sw_integral(species, p_end), rel=2e-3
    )


def test_kplus_table_agrees_with_quadrature():
    def f(theta, p):
        return 2 * np.pi * np.sin(theta) * sw.feynman_scaling_kplus(p, theta, 8.89)

    ref = integrate.dblquad(f, 0.0, 8.89, 0.0, np.pi / 2, epsabs=1e-4, epsrel=1e-5)[0]
    assert production_cross_section("bnb", "K+") == pytest.approx(ref, rel=2e-3)


def test_bnb_yields_are_consistent():
    beam = get_beam("bnb")
    pip = production_cross_section(beam, "pi+")
    pim = production_cross_section(beam, "pi-")
    assert production_cross_section(beam, "pi0") == pytest.approx(0.5 * (pip + pim), rel=1e-9)
    assert production_cross_section(beam, "eta") == pytest.approx(
        0.5 * (pip + pim) / 30.0, rel=1e-9
    )


def test_outside_the_fit_range_and_materials():
    with pytest.raises(ValueError, match="outside the range"):
        sw.sanford_wang("pi+", 1.0, 0.1, 20.0)
    with pytest.raises(ValueError, match="species"):
        sw.sanford_wang("K+", 1.0, 0.1)
    from nuportal.sources.target import BeamTarget, meson_yields

    with pytest.raises(ValueError, match="beryllium"):
        meson_yields(BeamTarget("c8", 8.89, "graphite", 0.5, 0.01))
    with pytest.raises(ValueError, match="outside the range"):
        meson_yields(BeamTarget("c30", 30.0, "graphite", 0.5, 0.01))
