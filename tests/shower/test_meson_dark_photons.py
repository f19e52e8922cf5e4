"""pi0 / eta -> gamma A' decays of mesons from a hadronic source."""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import pytest
from scipy import stats

from nuportal import constants
from nuportal.kinematics import boost_to_rest_frame, invariant_mass_squared
from nuportal.sources.shower.meson_dark_photons import MesonDarkPhotons, dark_photons_from_mesons

approx = partial(pytest.approx, abs=0.0)


def mesons(name, n, seed=0):
    """On-shell mesons with momenta up to 30 GeV in random directions."""
    rng = np.random.default_rng(seed)
    m = constants.mass(name)
    p = rng.exponential(5.0, n)[:, None] * rng.normal(size=(n, 3))
    return np.column_stack([np.sqrt(np.sum(p * p, axis=1) + m * m), p])


@pytest.mark.parametrize(("meson", "mass"), [("pi0", 0.05), ("eta", 0.3), ("eta", 0.01)])
def test_on_shell_and_four_momentum_conservation(meson, mass):
    """A' on shell, photon massless, photon + A' = meson, so m(gamma A') = m_P."""
    parents = mesons(meson, 5000)
    out = dark_photons_from_mesons(parents, meson, mass, np.random.default_rng(1))
    scale = parents[:, 0] ** 2  # invariants from E^2 - p^2 carry a rounding error ~1e-16 E^2
    assert np.all(np.abs(invariant_mass_squared(out.dark_photon) - mass**2) <= 1e-13 * scale)
    assert np.all(np.abs(invariant_mass_squared(out.photon)) <= 1e-13 * scale)
    # (the boost of the kinematics module rounds at ~1e-16 gamma^2 relative; gamma <~ 600 here)
    np.testing.assert_allclose(out.dark_photon + out.photon, parents, rtol=1e-9, atol=1e-12)
    m_p = constants.mass(meson)
    m2 = invariant_mass_squared(out.dark_photon, out.photon)
    assert np.all(np.abs(m2 - m_p**2) <= 1e-13 * scale)


def test_isotropic_in_rest_frame_with_fixed_energy():
    """In the meson rest frame E* = (m^2 + M^2)/(2 m) and cos of the A' to the meson flight
    direction is uniform: Pearson chi^2 on 20 equal bins (50k decays, ~2500 per bin, statistical
    error 2 %), required p > 1e-3 at a fixed seed; the azimuth likewise."""
    m_p, mass = constants.mass("pi0"), 0.08
    parents = mesons("pi0", 50_000, seed=3)
    out = dark_photons_from_mesons(parents, "pi0", mass, np.random.default_rng(4))
    rest = boost_to_rest_frame(out.dark_photon, parents)
    np.testing.assert_allclose(rest[:, 0], (m_p**2 + mass**2) / (2 * m_p), rtol=1e-9)
    axis = parents[:, 1:] / np.linalg.norm(parents[:, 1:], axis=1, keepdims=True)
    cos = np.einsum("ij,ij->i", rest[:, 1:], axis) / np.linalg.norm(rest[:, 1:], axis=1)
    counts, _ = np.histogram(cos, np.linspace(-1, 1, 21))
    assert stats.chisquare(counts).pvalue > 1e-3
    # azimuth about the flight direction, measured from a reference vector orthogonal to it
    ref = np.cross(axis, [0.0, 0.0, 1.0])
    ref /= np.linalg.norm(ref, axis=1, keepdims=True)
    ref2 = np.cross(axis, ref)
    phi = np.arctan2(
        np.einsum("ij,ij->i", rest[:, 1:], ref2), np.einsum("ij,ij->i", rest[:, 1:], ref)
    )
    counts, _ = np.histogram(phi, np.linspace(-math.pi, math.pi, 21))
    assert stats.chisquare(counts).pvalue > 1e-3


@pytest.mark.parametrize(
    ("meson", "mass", "br_gg"), [("pi0", 0.05, 0.98823), ("eta", 0.1, 0.3941), ("eta", 0.5, 0.3941)]
)
def test_weight_is_branching_ratio_over_eps2(meson, mass, br_gg):
    """weight = 2 (1 - M^2/m_P^2)^3 Br(P -> gamma gamma) (Batell, Pospelov, Ritz, PRD 80 (2009)
    095024; check values computed for this package: 1.2694 for pi0 at 50 MeV, 0.7120 for eta at
    100 MeV)."""
    out = dark_photons_from_mesons(mesons(meson, 7), meson, mass, 0)
    m_p = constants.mass(meson)
    expected = 2 * (1 - mass**2 / m_p**2) ** 3 * br_gg
    np.testing.assert_allclose(out.weight, expected, rtol=1e-14)
    assert out.weight.shape == (7,)


def test_result_shapes_unpacking_and_seed():
    parents = mesons("eta", 10)
    out = dark_photons_from_mesons(parents, "eta", 0.2, 5)
    assert isinstance(out, MesonDarkPhotons)
    dark, weight, photon = out
    assert dark.shape == (10, 4) and photon.shape == (10, 4) and weight.shape == (10,)
    again = dark_photons_from_mesons(parents, "eta", 0.2, np.random.default_rng(5))
    np.testing.assert_array_equal(dark, again.dark_photon)
    single = dark_photons_from_mesons(parents[0], "eta", 0.2, 5)
    assert single.dark_photon.shape == (1, 4)
    empty = dark_photons_from_mesons(np.empty((0, 4)), "eta", 0.2, 5)
    assert empty.dark_photon.shape == (0, 4) and empty.weight.shape == (0,)


def test_meson_at_rest():
    m_p = constants.mass("pi0")
    out = dark_photons_from_mesons([[m_p, 0.0, 0.0, 0.0]] * 3, "pi0", 0.1, 2)
    assert out.dark_photon[:, 0] == approx(np.full(3, (m_p**2 + 0.01) / (2 * m_p)), rel=1e-12)
    assert out.photon[:, 0] == approx(np.full(3, (m_p**2 - 0.01) / (2 * m_p)), rel=1e-12)


def test_bad_input():
    parents = mesons("pi0", 4)
    with pytest.raises(ValueError, match="meson"):
        dark_photons_from_mesons(parents, "eta'", 0.05, 0)
    with pytest.raises(ValueError, match="mass"):
        dark_photons_from_mesons(parents, "pi0", 0.14, 0)  # above m_pi0
    with pytest.raises(ValueError, match="mass"):
        dark_photons_from_mesons(parents, "pi0", 0.0, 0)
    with pytest.raises(ValueError, match="mass"):
        dark_photons_from_mesons(parents, "pi0", math.nan, 0)
    with pytest.raises(ValueError, match="shape"):
        dark_photons_from_mesons(parents[:, :3], "pi0", 0.05, 0)
    with pytest.raises(ValueError, match="invariant mass"):
        dark_photons_from_mesons(mesons("eta", 4), "pi0", 0.05, 0)  # eta momenta as pi0
    bad = parents.copy()
    bad[1, 2] = math.inf
    with pytest.raises(ValueError, match="finite"):
        dark_photons_from_mesons(bad, "pi0", 0.05, 0)
