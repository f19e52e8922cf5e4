"""Kinematics: property tests (hypothesis) and analytic checks."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nuportal import constants as c
from nuportal.kinematics import (
    boost,
    boost_from_rest_frame,
    boost_to_rest_frame,
    cos_angle,
    dalitz_limits,
    invariant_mass,
    invariant_mass_squared,
    kallen,
    rotate_axis_angle,
    rotate_z_to,
    three_body_phase_space,
    two_body_decay,
    two_body_decay_at_rest,
    two_body_momentum,
    unit_vectors,
)

masses = st.floats(min_value=1e-3, max_value=5.0)
components = st.floats(min_value=-20.0, max_value=20.0)
speeds = st.floats(min_value=0.0, max_value=0.999)
cosines = st.floats(min_value=-1.0, max_value=1.0)
angles = st.floats(min_value=0.0, max_value=2 * np.pi)


def four_vector(m, px, py, pz):
    return np.array([np.sqrt(m * m + px * px + py * py + pz * pz), px, py, pz])


@st.composite
def on_shell(draw):
    return four_vector(draw(masses), draw(components), draw(components), draw(components))


@st.composite
def velocities(draw):
    beta = draw(speeds)
    return beta * unit_vectors(draw(cosines), draw(angles))


@settings(max_examples=200, deadline=None)
@given(p=on_shell(), beta=velocities())
def test_boost_preserves_invariant_mass(p, beta):
    m2 = invariant_mass_squared(p)
    scale = p[0] ** 2
    assert invariant_mass_squared(boost(p, beta)) == pytest.approx(
        m2, abs=1e-9 * scale / (1 - beta @ beta)
    )


@settings(max_examples=200, deadline=None)
@given(p=on_shell(), beta=velocities())
def test_boost_then_inverse_is_identity(p, beta):
    back = boost(boost(p, beta), -beta)
    np.testing.assert_allclose(back, p, rtol=1e-9, atol=1e-9 * p[0] / (1 - beta @ beta))


@settings(max_examples=200, deadline=None)
@given(b1=st.floats(-0.99, 0.99), b2=st.floats(-0.99, 0.99), p=on_shell(), c_=cosines, phi=angles)
def test_collinear_boosts_compose_by_relativistic_velocity_addition(b1, b2, p, c_, phi):
    n = unit_vectors(c_, phi)
    composed = (b1 + b2) / (1 + b1 * b2)
    two_steps = boost(boost(p, b1 * n), b2 * n)
    one_step = boost(p, composed * n)
    gamma = 1 / np.sqrt(1 - composed**2)
    np.testing.assert_allclose(two_steps, one_step, rtol=1e-8, atol=1e-9 * gamma * p[0])


@settings(max_examples=100, deadline=None)
@given(
    big_m=st.floats(0.2, 5.0),
    f1=st.floats(0.0, 0.45),
    f2=st.floats(0.0, 0.45),
    parent=on_shell(),
    seed=st.integers(0, 2**32 - 1),
)
def test_two_body_decay_in_flight_conserves_four_momentum(big_m, f1, f2, parent, seed):
    m1, m2 = f1 * big_m, f2 * big_m
    parent = four_vector(big_m, *parent[1:])
    d1, d2 = two_body_decay(parent[None, :], m1, m2, np.random.default_rng(seed))
    np.testing.assert_allclose(d1 + d2, parent[None, :], rtol=1e-9, atol=1e-9 * parent[0])
    np.testing.assert_allclose(invariant_mass(d1), m1, atol=1e-6 * parent[0])
    np.testing.assert_allclose(invariant_mass(d2), m2, atol=1e-6 * parent[0])


@settings(max_examples=100, deadline=None)
@given(
    big_m=st.floats(0.05, 5.0),
    fractions=st.lists(st.floats(0.0, 0.3), min_size=3, max_size=3),
    seed=st.integers(0, 2**32 - 1),
)
def test_three_body_phase_space_conserves_four_momentum(big_m, fractions, seed):
    m1, m2, m3 = (f * big_m for f in fractions)
    p1, p2, p3, w = three_body_phase_space(big_m, m1, m2, m3, 64, np.random.default_rng(seed))
    total = p1 + p2 + p3
    np.testing.assert_allclose(total[:, 0], big_m, rtol=1e-9)
    np.testing.assert_allclose(total[:, 1:], 0.0, atol=1e-9 * big_m)
    for p, m in ((p1, m1), (p2, m2), (p3, m3)):
        np.testing.assert_allclose(invariant_mass_squared(p), m * m, atol=1e-9 * big_m**2)
    assert np.all(w > 0)


@settings(max_examples=100, deadline=None)
@given(v=st.lists(components, min_size=3, max_size=3), c_=cosines, phi=angles, psi=angles)
def test_rotations_preserve_length_and_carry_z_to_direction(v, c_, phi, psi):
    v = np.array(v)
    d = unit_vectors(c_, phi)
    np.testing.assert_allclose(rotate_z_to(np.array([0.0, 0.0, 1.0]), d), d, atol=1e-12)
    r = rotate_axis_angle(rotate_z_to(v, d), d, psi)
    assert np.linalg.norm(r) == pytest.approx(np.linalg.norm(v), rel=1e-12, abs=1e-12)
    # a rotation about an axis leaves the component along it unchanged
    assert r @ d == pytest.approx(rotate_z_to(v, d) @ d, abs=1e-9 * (1 + np.linalg.norm(v)))


def test_kallen_function_matches_textbook_form_and_two_body_momentum():
    a, b, cc = 0.49367**2, 0.10566**2, 0.2**2
    textbook = a * a + b * b + cc * cc - 2 * (a * b + b * cc + cc * a)
    assert kallen(a, b, cc) == pytest.approx(textbook, rel=1e-12, abs=0)
    # K+ -> mu+ nu at rest: p = (m_K^2 - m_mu^2) / (2 m_K) = 0.2355 GeV (PDG kinematics)
    p = two_body_momentum(c.M_K_CHARGED, c.M_MUON, 0.0)
    assert p == pytest.approx(
        (c.M_K_CHARGED**2 - c.M_MUON**2) / (2 * c.M_K_CHARGED), rel=1e-12, abs=0
    )
    assert p == pytest.approx(0.2355, abs=2e-4)
    with pytest.raises(ValueError, match="closed"):
        two_body_momentum(0.1, 0.06, 0.06)


def test_two_body_at_rest_is_isotropic_and_back_to_back():
    rng = np.random.default_rng(7)
    n = 200_000
    p1, p2 = two_body_decay_at_rest(c.M_K_CHARGED, c.M_PI_CHARGED, 0.1, n, rng)
    np.testing.assert_allclose(p1[:, 1:] + p2[:, 1:], 0.0, atol=1e-15)
    # <cos theta> = 0 and <cos^2 theta> = 1/3 for isotropy; MC errors 1/sqrt(3n) and ~0.3/sqrt(n)
    cz = p1[:, 3] / np.linalg.norm(p1[:, 1:], axis=1)
    assert abs(cz.mean()) < 4 / np.sqrt(3 * n)
    assert abs((cz**2).mean() - 1 / 3) < 4 * np.sqrt(4 / 45) / np.sqrt(n)


def test_rest_frame_round_trip_and_parent_at_rest():
    parent = four_vector(0.3, 0.1, -0.2, 0.4)
    daughters = np.array([four_vector(0.01, 0.05, 0.02, -0.1), four_vector(0.0, -0.05, 0.1, 0.03)])
    there = boost_from_rest_frame(daughters, parent)
    np.testing.assert_allclose(boost_to_rest_frame(there, parent), daughters, atol=1e-14)
    rest = boost_to_rest_frame(parent, parent)
    np.testing.assert_allclose(rest, [0.3, 0, 0, 0], atol=1e-14)


def test_dalitz_area_matches_massless_closed_form():
    # massless three-body decay: the Dalitz region is the triangle of area M^4 / 2
    rng = np.random.default_rng(3)
    n = 400_000
    *_, w = three_body_phase_space(1.0, 0.0, 0.0, 0.0, n, rng)
    # weights are (1 - m12^2) with m12^2 uniform: variance 1/12 around the mean 1/2
    assert w.mean() == pytest.approx(0.5, abs=4 * np.sqrt(1 / 12 / n))
    lo, hi = dalitz_limits(1.0, 0.0, 0.0, 0.0, 0.25)
    assert (lo, hi) == pytest.approx((0.0, 0.75))


def test_cos_angle_of_parallel_and_opposite_vectors():
    a = np.array([[1.0, 1.0, 0.0, 0.0], [1.0, 0.0, 2.0, 0.0]])
    b = np.array([[2.0, 3.0, 0.0, 0.0], [1.0, 0.0, -1.0, 0.0]])
    np.testing.assert_allclose(cos_angle(a, b), [1.0, -1.0])


def test_superluminal_boost_is_rejected():
    with pytest.raises(ValueError, match="beta"):
        boost(np.array([1.0, 0, 0, 0]), np.array([0.0, 0.0, 1.0]))
