"""Sources: the cone-restricted point source against plain isotropic emission."""

import numpy as np
import pytest

from nuportal.kinematics import invariant_mass
from nuportal.sources import MonochromaticPointSource, parents_from_list


def _hits_sphere(origins, directions, center, radius):
    oc = center - origins
    t = np.einsum("ij,ij->i", oc, directions)
    d2 = np.einsum("ij,ij->i", oc, oc) - t**2
    return (t > 0) & (d2 <= radius**2)


def test_cone_weights_equal_the_isotropic_hit_fraction():
    center, radius = np.array([3.0, -4.0, 12.0]), 2.0  # distance 13 m
    src = MonochromaticPointSource(position=[0, 0, 0], mass=0.2, momentum=0.19, polarization=0.4)
    rng = np.random.default_rng(11)
    cone = src.sample_towards(center, radius, 10_000, rng)
    # every direction of the tangent cone meets the sphere
    assert np.all(_hits_sphere(cone.origins, cone.directions, center, radius))
    expected = 0.5 * (1 - np.sqrt(1 - (radius / 13.0) ** 2))
    assert cone.weights.sum() == pytest.approx(expected, rel=1e-12, abs=0)
    # the same fraction from isotropic emission; binomial error sqrt(f(1-f)/n), 4 sigma
    n = 2_000_000
    iso = src.sample_isotropic(n, rng)
    hit = _hits_sphere(iso.origins, iso.directions, center, radius).mean()
    assert hit == pytest.approx(expected, abs=4 * np.sqrt(expected * (1 - expected) / n))
    np.testing.assert_allclose(invariant_mass(cone.momenta), 0.2, rtol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(cone.momenta[:, 1:], axis=1), 0.19, rtol=1e-12)
    np.testing.assert_array_equal(cone.polarization, 0.4)


def test_cone_directions_are_uniform_within_the_cone():
    center, radius = np.array([0.0, 0.0, 10.0]), 1.0
    src = MonochromaticPointSource(position=[0, 0, 0], mass=0.1, momentum=0.2)
    beam = src.sample_towards(center, radius, 200_000, np.random.default_rng(2))
    cos_alpha = np.sqrt(1 - 0.01)
    c = beam.directions[:, 2]
    assert c.min() >= cos_alpha - 1e-12
    # uniform in cos theta on [cos_alpha, 1]: mean (1 + cos_alpha)/2, sd (1 - cos_alpha)/sqrt(12)
    sd = (1 - cos_alpha) / np.sqrt(12 * len(c))
    assert c.mean() == pytest.approx((1 + cos_alpha) / 2, abs=4 * sd)


def test_same_seed_same_parents():
    src = MonochromaticPointSource(position=[1, 2, 3], mass=0.1, momentum=0.2)
    a = src.sample_towards([0, 0, 50], 3.0, 100, np.random.default_rng(5))
    b = src.sample_towards([0, 0, 50], 3.0, 100, np.random.default_rng(5))
    np.testing.assert_array_equal(a.momenta, b.momenta)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"momentum": -1.0}, "momentum"),
        ({"momentum": float("nan")}, "momentum"),
        ({"polarization": 1.5}, "polarization"),
    ],
)
def test_point_source_rejects_bad_input(kwargs, message):
    args = {"position": [0, 0, 0], "mass": 0.1, "momentum": 0.2} | kwargs
    with pytest.raises(ValueError, match=message):
        MonochromaticPointSource(**args)


def test_parent_list_validates_shapes_and_mass():
    good = parents_from_list([[1.0, 0.0, 0.0, 0.5]], origins=[0, 0, 0])
    assert len(good) == 1 and good.weights[0] == 1.0
    with pytest.raises(ValueError, match="shape"):
        parents_from_list([[1.0, 0.0, 0.5]], origins=[0, 0, 0])
    with pytest.raises(ValueError, match="time-like"):
        parents_from_list([[0.1, 0.0, 0.0, 0.5]], origins=[0, 0, 0])
