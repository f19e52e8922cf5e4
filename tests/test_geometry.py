"""Tests of nuportal.detectors.geometry: containment and ray intersection."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nuportal.detectors.geometry import (
    Box,
    Cylinder,
    Intersection,
    Sphere,
    Union,
    rotation_matrix,
)

# ---------------------------------------------------------------- strategies
coord = st.floats(-20.0, 20.0, allow_nan=False, allow_infinity=False)
length = st.floats(0.1, 8.0, allow_nan=False, allow_infinity=False)
vec = st.tuples(coord, coord, coord).map(np.array)
unit_component = st.floats(-1.0, 1.0, allow_nan=False, allow_infinity=False)
direction = (
    st.tuples(unit_component, unit_component, unit_component)
    .map(np.array)
    .filter(lambda v: np.linalg.norm(v) > 0.1)
)
angle = st.floats(-np.pi, np.pi, allow_nan=False, allow_infinity=False)


@st.composite
def boxes(draw):
    center = draw(st.tuples(coord, coord, coord).map(np.array)) / 4
    size = np.array(draw(st.tuples(length, length, length)))
    rot = rotation_matrix(draw(direction), draw(angle))
    return Box(center, size, rot)


@st.composite
def spheres(draw):
    return Sphere(draw(vec) / 4, draw(length))


@st.composite
def cylinders(draw):
    return Cylinder(draw(vec) / 4, draw(length), draw(length), draw(direction))


volumes = st.one_of(boxes(), spheres(), cylinders())


# ---------------------------------------------------------------- properties
@settings(max_examples=300, deadline=None)
@given(volumes, vec, direction, st.floats(0.02, 0.98))
def test_points_on_chord_inside_and_outside_beyond(vol, origin, d, u):
    inter = vol.intersect(origin, d)
    unit = d / np.linalg.norm(d)
    scale = 1.0 + np.linalg.norm(origin) + np.linalg.norm(vol.center) + 10.0
    eps = 1e-6 * scale
    if not inter.hit:
        assert np.isnan(inter.t_entry) and np.isnan(inter.t_exit)
        assert inter.length == 0.0
        # Dense samples along the forward ray: none strictly inside a slightly smaller volume.
        t = np.linspace(0.0, 4 * scale, 4001)
        pts = origin + t[:, None] * unit
        inside = vol.contains(pts)
        assert inside.sum() <= 1  # at most a grazing touch
        return
    t_in, t_out = float(inter.t_entry), float(inter.t_exit)
    assert 0.0 <= t_in < t_out
    if t_out - t_in > 10 * eps:
        t_mid = t_in + u * (t_out - t_in)
        assert vol.contains(origin + t_mid * unit)
    assert not vol.contains(origin + (t_out + eps) * unit)
    if t_in > eps:
        assert not vol.contains(origin + (t_in - eps) * unit)
    else:
        assert t_in == 0.0 or t_in < eps


@settings(max_examples=200, deadline=None)
@given(st.tuples(length, length, length).map(np.array), direction, angle, vec, direction)
def test_rotated_box_equals_unrotated_box_with_rotated_rays(size, axis, ang, origin, d):
    center = np.array([0.3, -0.2, 1.0])
    r = rotation_matrix(axis, ang)
    rotated = Box(center, size, r)
    plain = Box(center, size)
    a = rotated.intersect(origin, d)
    # Express the ray in the rotated box's own frame: x_local = R^T (x - c).
    b = plain.intersect(center + r.T @ (origin - center), r.T @ d)
    assert a.hit == b.hit
    if a.hit:
        np.testing.assert_allclose(a.t_entry, b.t_entry, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(a.t_exit, b.t_exit, rtol=1e-9, atol=1e-9)


@settings(max_examples=200, deadline=None)
@given(spheres(), st.floats(0.0, 0.999), direction, st.floats(1.5, 50.0))
def test_sphere_chord_analytic(sphere, b_frac, d, dist):
    """A ray with impact parameter b has chord 2 sqrt(r^2 - b^2) centred on closest approach."""
    r = sphere.radius
    d = d / np.linalg.norm(d)
    perp = np.cross(d, [0.3, 0.5, 0.8])
    assume(np.linalg.norm(perp) > 1e-3)
    perp /= np.linalg.norm(perp)
    b = b_frac * r
    origin = sphere.center + b * perp - dist * r * d
    half = np.sqrt(r * r - b * b)
    inter = sphere.intersect(origin, d)
    np.testing.assert_allclose(inter.length, 2 * half, rtol=1e-9, atol=1e-12 * r)
    np.testing.assert_allclose(inter.t_entry, dist * r - half, rtol=1e-9, atol=1e-9 * r)


# ---------------------------------------------------------------- analytic cases
def test_box_traversed_along_each_axis():
    box = Box.from_bounds([0.0, -1.165, 0.0], [2.5635, 1.165, 10.368])
    c = box.center
    for axis, size in enumerate(box.size):
        d = np.zeros(3)
        d[axis] = 1.0
        origin = c - 50.0 * d
        inter = box.intersect(origin, d)
        assert inter.t_entry == pytest.approx(50.0 - size / 2, rel=1e-12)
        assert inter.t_exit == pytest.approx(50.0 + size / 2, rel=1e-12)
        assert inter.length == pytest.approx(size, rel=1e-12)
        back = box.intersect(origin, -d)  # pointing away: the chord is behind the origin
        assert not back.hit


def test_box_traversed_along_diagonal():
    size = np.array([1.0, 2.0, 3.0])
    box = Box([0.0, 0.0, 0.0], size)
    diag = size / np.linalg.norm(size)
    inter = box.intersect(-10.0 * diag, diag)
    half = np.linalg.norm(size) / 2
    assert inter.t_entry == pytest.approx(10.0 - half, rel=1e-12)
    assert inter.length == pytest.approx(np.linalg.norm(size), rel=1e-12)
    # The same diagonal inside a box rotated by 90 degrees about z swaps x and y.
    rot = Box([0.0, 0.0, 0.0], size, rotation_matrix([0, 0, 1], np.pi / 2))
    rotated_diag = np.array([-size[1], size[0], size[2]]) / np.linalg.norm(size)
    assert rot.intersect(-10 * rotated_diag, rotated_diag).length == pytest.approx(
        np.linalg.norm(size), rel=1e-12
    )


def test_ray_starting_inside_has_zero_entry():
    for vol in (Box([0, 0, 0], [2, 2, 2]), Sphere([0, 0, 0], 1.0), Cylinder([0, 0, 0], 1, 2)):
        inter = vol.intersect([0.1, 0.2, 0.3], [0.0, 0.0, 1.0])
        assert inter.t_entry == 0.0
        assert inter.t_exit > 0.0
        assert vol.contains([0.1, 0.2, 0.3])


def test_cylinder_analytic_chords():
    cyl = Cylinder([1.0, 2.0, 3.0], radius=2.0, length=6.0, axis=[0, 0, 1])
    c = cyl.center
    along = cyl.intersect(c - [0, 0, 10], [0, 0, 1])
    assert along.length == pytest.approx(6.0) and along.t_entry == pytest.approx(7.0)
    across = cyl.intersect(c - [10, 0, 0], [1, 0, 0])
    assert across.length == pytest.approx(4.0) and across.t_entry == pytest.approx(8.0)
    offset = cyl.intersect(c + np.array([-10, 1.5, 0]), [1, 0, 0])
    assert offset.length == pytest.approx(2 * np.sqrt(4 - 1.5**2))
    assert not cyl.intersect(
        c + np.array([3.0, 0, -10]), [0, 0, 1]
    ).hit  # parallel, outside the radius
    # A tilted axis: the chord along the axis is still the full length.
    tilted = Cylinder([0, 0, 0], 0.5, 4.0, axis=[1, 1, 0])
    a = np.array([1, 1, 0]) / np.sqrt(2)
    assert tilted.intersect(-5 * a, a).length == pytest.approx(4.0)


def test_vectorized_and_broadcast():
    box = Box([0, 0, 0], [2, 2, 2])
    rng = np.random.default_rng(1)
    dirs = rng.normal(size=(1000, 3))
    inter = box.intersect([0.0, 0.0, -5.0], dirs)
    assert inter.t_entry.shape == (1000,)
    one = [box.intersect([0.0, 0.0, -5.0], d) for d in dirs[:20]]
    np.testing.assert_array_equal(inter.hit[:20], [o.hit for o in one])
    np.testing.assert_allclose(inter.length[:20], [o.length for o in one])
    assert box.contains(rng.uniform(-1, 1, size=(50, 3))).all()


def test_union_returns_segments_per_component():
    a = Box([-2.0, 0, 0], [1, 1, 1])
    b = Box([2.0, 0, 0], [1, 1, 1])
    u = Union([a, b])
    inter = u.intersect([-10.0, 0, 0], [[1.0, 0, 0], [0, 1.0, 0]])
    assert isinstance(inter, Intersection)
    assert inter.t_entry.shape == (2, 2)
    np.testing.assert_allclose(inter.t_entry[0], [7.5, 11.5])
    np.testing.assert_allclose(u.path_length([-10.0, 0, 0], [1.0, 0, 0]), 2.0)
    assert u.volume == pytest.approx(2.0)
    np.testing.assert_allclose(u.center, [0, 0, 0], atol=1e-15)
    assert u.contains([[2.0, 0, 0], [0, 0, 0]]).tolist() == [True, False]


@pytest.mark.parametrize(
    ("factory", "match"),
    [
        (lambda: Box([0, 0, 0], [1, -1, 1]), "size"),
        (lambda: Box([0, 0, 0], [1, 1, 1], np.diag([1, 1, -1])), "rotation"),
        (lambda: Box([0, 0], [1, 1, 1]), "center"),
        (lambda: Sphere([0, 0, 0], 0.0), "radius"),
        (lambda: Cylinder([0, 0, 0], 1.0, np.inf), "length"),
        (lambda: Cylinder([0, 0, 0], 1.0, 1.0, axis=[0, 0, 0]), "axis"),
        (lambda: Box([0, 0, 0], [1, 1, 1]).intersect([0, 0, 0], [0, 0, 0]), "directions"),
        (lambda: Box([0, 0, 0], [1, 1, 1]).intersect([np.nan, 0, 0], [0, 0, 1]), "origins"),
        (lambda: Box.from_bounds([0, 0, 0], [1, 0, 1]), "upper"),
        (lambda: Union([]), "volumes"),
    ],
)
def test_bad_input_raises_value_error(factory, match):
    with pytest.raises(ValueError, match=match):
        factory()
