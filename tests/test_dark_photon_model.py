"""Tests of nuportal.models.dark_photon (A' widths, lifetime, Br(P -> gamma A'))."""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import pytest

from nuportal import constants
from nuportal.models.dark_photon import (
    BR_MESON_GAMMA_GAMMA,
    DARK_PHOTON_MAX_MASS,
    DarkPhoton,
    br_meson_to_gamma_dark_photon,
    width_dark_photon_leptons,
    width_dark_photon_three_photons,
)

# Widths are ~1e-12 GeV: pytest.approx's default abs=1e-12 would hide everything.
approx = partial(pytest.approx, abs=0.0)

ME = constants.M_ELECTRON
MMU = constants.M_MUON


def test_width_and_ctau_100mev():
    """Check values computed for this package (width of Bjorken et al., arXiv:0906.0580):
    M = 100 MeV, eps = 1e-4: Gamma = 2.432e-9 MeV, c tau = 8.11e-3 cm, lab
    decay length 0.811 cm at 10 GeV (4 and 3 quoted digits)."""
    a = DarkPhoton(0.1, 1e-4)
    assert a.total_width == approx(2.432e-12, rel=2e-4)
    assert a.ctau == approx(8.11e-5, rel=1e-3)  # metres
    p = math.sqrt(10.0**2 - 0.1**2)
    assert a.decay_length(p) == approx(8.11e-3, rel=1e-3)


def test_ctau_10mev():
    """Check value computed for this package: M = 10 MeV, eps = 1e-5: c tau = 8.11 cm."""
    assert DarkPhoton(0.01, 1e-5).ctau == approx(0.0811, rel=1e-3)


def test_lepton_width_formula_written_out():
    """Gamma = (alpha eps^2 M/3)(1 + 2 r)(1 - 4 r)^(1/2), r = m_l^2/M^2, typed in independently."""
    for m, ml in [(0.05, ME), (0.25, MMU), (0.0011, ME)]:
        r = (ml / m) ** 2
        expected = constants.ALPHA_EM * 1e-6 * m / 3 * (1 + 2 * r) * math.sqrt(1 - 4 * r)
        assert width_dark_photon_leptons(m, 1e-3, ml) == approx(expected, rel=1e-13)


def test_lepton_width_threshold_behaviour():
    """Zero at and below 2 m_l; just above it rises like beta = sqrt(1 - 4 m_l^2/M^2), with
    Gamma -> (alpha M / 3)(3/2) beta at threshold."""
    x = np.array([0.75, 1.0, 1 + 1e-8, 1 + 1e-6])
    w = width_dark_photon_leptons(2 * MMU * x, 1.0, MMU)
    assert w[0] == 0.0 and w[1] == 0.0 and 0.0 < w[2] < w[3]
    beta = np.sqrt(1 - 1 / x[2:] ** 2)
    near = constants.ALPHA_EM * 2 * MMU / 3 * 1.5 * beta
    np.testing.assert_allclose(w[2:], near, rtol=1e-5)


def test_muon_channel_opens_at_two_muon_masses():
    below = DarkPhoton(2 * MMU * 0.999, 1e-3).partial_widths()
    above = DarkPhoton(2 * MMU * 1.001, 1e-3).partial_widths()
    assert below["mu+ mu-"] == 0.0
    assert above["mu+ mu-"] > 0.0
    # far above threshold the two leptonic widths approach each other
    w = DarkPhoton(0.27, 1.0).partial_widths()
    assert 0.5 < w["mu+ mu-"] / w["e+ e-"] < 1.0


def test_three_photon_width_below_two_electron_masses():
    """[PRV] Gamma = 17 alpha^3 alpha' M^9 / (2^7 3^6 5^3 pi^3 m_e^8), alpha' = eps^2 alpha;
    PRV quote the coefficient as 4.70e-8. Only channel below 2 m_e, absent above."""
    assert 17 / (2**7 * 3**6 * 5**3 * math.pi**3) == approx(4.70e-8, rel=1e-3)
    m, eps = 0.5e-3, 1e-5
    alpha = constants.ALPHA_EM
    alpha_prime = eps**2 * alpha
    expected = 17 * alpha**3 * alpha_prime * m**9 / (2**7 * 3**6 * 5**3 * math.pi**3 * ME**8)
    assert width_dark_photon_three_photons(m, eps) == approx(expected, rel=1e-13)
    # M^9 scaling
    ratio = width_dark_photon_three_photons(2 * m / 3, eps) / width_dark_photon_three_photons(
        m, eps
    )
    assert ratio == approx((2 / 3) ** 9, rel=1e-12)
    a = DarkPhoton(m, eps)
    assert a.branching_ratio("gamma gamma gamma") == 1.0
    assert a.partial_widths()["e+ e-"] == 0.0
    assert width_dark_photon_three_photons(2.5 * ME, eps) == 0.0
    assert DarkPhoton(2.5 * ME, eps).partial_widths()["gamma gamma gamma"] == 0.0


def test_branching_ratios_sum_to_one_and_arrays():
    masses = np.array([1e-4, 0.9e-3, 1.1e-3, 0.01, 0.1, 0.2, 0.22, 0.27])
    a = DarkPhoton(masses, 3e-4)
    brs = a.branching_ratios()
    assert set(brs) == {"e+ e-", "mu+ mu-", "gamma gamma gamma"}
    np.testing.assert_allclose(sum(brs.values()), 1.0, rtol=1e-14)
    assert np.asarray(a.ctau).shape == masses.shape
    # the scalar and the array forms agree
    assert DarkPhoton(0.2, 3e-4).ctau == approx(a.ctau[5], rel=1e-14)


def test_lifetime_scales_as_inverse_epsilon_squared():
    assert DarkPhoton(0.05, 1e-3).lifetime == approx(
        DarkPhoton(0.05, 1e-4).lifetime / 100, rel=1e-12
    )
    zero = DarkPhoton(0.05, 0.0)
    assert zero.lifetime == math.inf
    with pytest.raises(ValueError, match="epsilon = 0"):
        zero.branching_ratios()


@pytest.mark.parametrize("mass", [0.0, -0.01, math.nan, math.inf, DARK_PHOTON_MAX_MASS, 0.5])
def test_bad_mass_raises(mass):
    with pytest.raises(ValueError, match="mass"):
        DarkPhoton(mass, 1e-4)


def test_max_mass_is_two_charged_pion_masses():
    assert DARK_PHOTON_MAX_MASS == approx(2 * constants.M_PI_CHARGED, rel=1e-15)
    DarkPhoton(DARK_PHOTON_MAX_MASS * 0.999, 1e-4)
    with pytest.raises(ValueError, match="hadronic"):
        DarkPhoton([0.1, 0.3], 1e-4)


@pytest.mark.parametrize("eps", [-1e-4, math.nan, math.inf])
def test_bad_epsilon_raises(eps):
    with pytest.raises(ValueError, match="epsilon"):
        DarkPhoton(0.05, eps)
    with pytest.raises(ValueError, match="epsilon"):
        width_dark_photon_leptons(0.05, eps, ME)


def test_bad_lepton_mass_raises():
    with pytest.raises(ValueError, match="lepton_mass"):
        width_dark_photon_leptons(0.05, 1e-3, -ME)


@pytest.mark.parametrize(
    ("meson", "mass", "expected"),
    [("pi0", 0.05, 1.2694), ("pi0", 0.1, 0.1814), ("eta", 0.1, 0.7120), ("eta", 0.3, 0.2705)],
)
def test_meson_branching_ratios_check_values(meson, mass, expected):
    """Check values (computed for this package from Batell, Pospelov, Ritz, PRD 80 (2009) 095024)
    of Br(P -> gamma A') / eps^2 (4 digits)."""
    assert br_meson_to_gamma_dark_photon(meson, mass) == approx(expected, rel=4e-4)


def test_meson_branching_ratio_formula_and_scaling():
    m_pi = constants.mass("pi0")
    expected = 2 * (1 - (0.06 / m_pi) ** 2) ** 3 * 0.98823
    assert br_meson_to_gamma_dark_photon("pi0", 0.06) == approx(expected, rel=1e-14)
    assert br_meson_to_gamma_dark_photon("eta", 0.2, 1e-3) == approx(
        1e-6 * br_meson_to_gamma_dark_photon("eta", 0.2), rel=1e-14
    )
    br = br_meson_to_gamma_dark_photon("pi0", np.array([0.01, m_pi, 0.2]))
    assert br[0] > 0 and br[1] == 0.0 and br[2] == 0.0
    assert BR_MESON_GAMMA_GAMMA == {"pi0": 0.98823, "eta": 0.3941}


def test_meson_branching_ratio_bad_input():
    with pytest.raises(ValueError, match="meson"):
        br_meson_to_gamma_dark_photon("rho0", 0.1)
    with pytest.raises(ValueError, match="mass"):
        br_meson_to_gamma_dark_photon("pi0", -0.1)
    with pytest.raises(ValueError, match="epsilon"):
        br_meson_to_gamma_dark_photon("pi0", 0.1, -1.0)


def test_repr_and_properties():
    a = DarkPhoton(0.02, 2e-5)
    assert a.mass == 0.02 and a.epsilon == 2e-5
    assert "DarkPhoton" in repr(a)
    assert a.channels == ("e+ e-", "mu+ mu-", "gamma gamma gamma")
