"""Mesons decaying in flight into a new particle aimed through a detector, and the
``generate(source="target")`` pipeline built on it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nuportal import constants
from nuportal.detectors.geometry import Box
from nuportal.generation.pipeline import generate
from nuportal.kinematics import (
    boost_from_rest_frame,
    boost_to_rest_frame,
    isotropic_directions,
    two_body_momentum,
)
from nuportal.sources.target.decay_in_flight import daughters_through_volume

M_K, M_MU = constants.M_K_CHARGED, constants.M_MUON
CTAU_K = constants.lifetime("K+") * constants.SPEED_OF_LIGHT


def _brute_force(p_k, m_x, box, region, n, rng):
    """Fraction of kaons (along +z from the origin) whose X crosses the box: isotropic decays in
    the kaon frame boosted to the lab, counted (times the decay probability in the region)."""
    lam = p_k / M_K * CTAU_K
    prob = -np.expm1(-region / lam)
    z = -lam * np.log1p(-rng.random(n) * prob)
    p_star = float(two_body_momentum(M_K, m_x, M_MU))
    rest = np.empty((n, 4))
    rest[:, 0] = np.hypot(p_star, m_x)
    rest[:, 1:] = p_star * isotropic_directions(n, rng)
    kaon = np.zeros((n, 4))
    kaon[:, 0], kaon[:, 3] = np.hypot(p_k, M_K), p_k
    lab = boost_from_rest_frame(rest, kaon)
    origins = np.zeros((n, 3))
    origins[:, 2] = z
    dirs = lab[:, 1:] / np.linalg.norm(lab[:, 1:], axis=1, keepdims=True)
    inter = box.intersect(origins, dirs)
    hit = np.isfinite(inter.t_entry) & (inter.t_exit > 0)
    return hit.mean() * prob, np.sqrt(hit.sum()) / n * prob


@pytest.mark.parametrize(
    "p_k, m_x, box, region",
    [
        (3.0, 0.30, Box([1.0, 0.0, 40.0], [4.0, 4.0, 4.0]), 30.0),  # one and two kinematic roots
        (1.0, 0.35, Box([1.0, 0.0, 40.0], [4.0, 4.0, 4.0]), 30.0),  # X slow in the kaon frame
        (10.0, 0.05, Box([0.0, 0.0, 60.0], [2.0, 2.0, 2.0]), 50.0),  # light X, one root
    ],
)
def test_weights_match_isotropic_decays_counted_by_brute_force(p_k, m_x, box, region):
    rng = np.random.default_rng(4)
    n = 40_000
    kaons = np.zeros((n, 4))
    kaons[:, 0], kaons[:, 3] = np.hypot(p_k, M_K), p_k
    beam = daughters_through_volume(
        kaons, np.zeros((n, 3)), np.full(n, 1.0 / n), M_K, CTAU_K, m_x, M_MU, box, region, rng
    )
    est = beam.weights.sum()
    err = beam.weights.std() * np.sqrt(n)
    ref, ref_err = _brute_force(p_k, m_x, box, region, 600_000, rng)
    # 4 combined standard errors (both estimates are Monte Carlo)
    assert est == pytest.approx(ref, abs=4 * np.hypot(err, ref_err))
    ok = beam.weights > 0
    m = np.sqrt(beam.momenta[ok, 0] ** 2 - np.sum(beam.momenta[ok, 1:] ** 2, axis=1))
    assert np.allclose(m, m_x, rtol=1e-9)
    # every line of flight with weight crosses the box
    inter = box.intersect(beam.origins[ok], beam.directions[ok])
    assert np.all(np.isfinite(inter.t_entry))


def test_generate_from_the_lbnf_target():
    ev = generate("hnl", 0.3, 1e-6, n_events=4000, detector="dune_nd", source="target",
                  method="numpy", seed=3)  # fmt: skip
    meta = ev.attrs["metadata"]
    assert meta["beam"] == "lbnf" and meta["parent"] == "K+" and meta["decay_region_m"] == 194.0
    assert "per proton on target" in meta["weight_normalization"]
    assert ev["weight"].sum() > 0 and np.all(ev["weight"] >= 0)
    again = generate("hnl", 0.3, 1e-6, n_events=4000, detector="dune_nd", source="target",
                     method="numpy", seed=3)  # fmt: skip
    assert np.array_equal(ev["weight"].to_numpy(), again["weight"].to_numpy())


def test_generate_target_rate_scales_with_the_coupling_squared_when_long_lived():
    # production ~ |U|^2 and decay in the detector ~ |U|^2 for a long-lived N
    kw = dict(n_events=3000, detector="miniboone", source="target", method="numpy", seed=5)
    a = generate("hnl", 0.2, 1e-8, **kw)["weight"].sum()
    b = generate("hnl", 0.2, 2e-8, **kw)["weight"].sum()
    assert b / a == pytest.approx(4.0, rel=1e-4)  # exp(-L/lambda) ~ 1 - 1e-6


@pytest.mark.parametrize(
    "kwargs, word",
    [
        ({"model": "scalar", "mass": 0.1, "parent": "pi+"}, "parent"),
        ({"mass": 0.45}, "outside the range"),
        ({"parent": "K0"}, "parent"),
        ({"decay_region": -1.0}, "decay_region"),
        ({"beam": "t2k"}, "beam"),
    ],
)
def test_generate_target_bad_input(kwargs, word):
    args = {"model": "hnl", "mass": 0.2, "coupling": 1e-6, "n_events": 10, "detector": "sbnd",
            "source": "target", "method": "numpy"}  # fmt: skip
    args.update(kwargs)
    with pytest.raises(ValueError, match=word):
        generate(**args)


@settings(max_examples=25, deadline=None)
@given(
    p_k=st.floats(0.3, 60.0),
    theta=st.floats(0.0, 0.5),
    m_x=st.floats(0.01, 0.38),
    seed=st.integers(0, 2**31),
)
def test_daughter_momentum_is_p_star_in_the_meson_frame(p_k, theta, m_x, seed):
    # two-body kinematics: in the meson rest frame |p_X| = p* (four-momentum conservation with
    # the partner) and X is on shell, for every kinematic root the sampler picks
    rng = np.random.default_rng(seed)
    n = 200
    kaons = np.zeros((n, 4))
    kaons[:, 0] = np.hypot(p_k, M_K)
    kaons[:, 1], kaons[:, 3] = p_k * np.sin(theta), p_k * np.cos(theta)
    box = Box([0.0, 0.0, 30.0], [6.0, 6.0, 6.0])
    beam = daughters_through_volume(
        kaons, np.zeros((n, 3)), np.full(n, 1.0 / n), M_K, CTAU_K, m_x, M_MU, box, 20.0, rng
    )
    ok = beam.weights > 0
    if not np.any(ok):
        return
    rest = boost_to_rest_frame(beam.momenta[ok], kaons[ok])
    p_star = float(two_body_momentum(M_K, m_x, M_MU))
    assert np.allclose(np.linalg.norm(rest[:, 1:], axis=1), p_star, rtol=1e-6, atol=1e-9)
    assert np.allclose(rest[:, 0], np.hypot(p_star, m_x), rtol=1e-6)


@pytest.mark.parametrize("parent, m_x, partner", [("K+", 0.3, M_MU), ("pi+", 0.1, 0.000511)])
def test_can_reach_is_conservative(parent, m_x, partner):
    # the pre-selection of generate(source="target") drops only mesons whose X get zero weight
    from nuportal.sources.target import sample_mesons
    from nuportal.sources.target.decay_in_flight import can_reach

    rng = np.random.default_rng(8)
    mesons = sample_mesons("lbnf", parent, n=100_000, seed=rng)
    m_parent = constants.mass(parent)
    ctau = constants.lifetime(parent) * constants.SPEED_OF_LIGHT
    pos = mesons.positions + np.array([0.0, 0.0, -574.0])  # ND-LAr-like box at the origin
    box = Box([0.0, 0.0, 0.0], [7.0, 3.0, 5.0])
    ok = can_reach(mesons.momenta, pos, m_parent, m_x, partner, box, 194.0)
    beam = daughters_through_volume(
        mesons.momenta, pos, mesons.weights, m_parent, ctau, m_x, partner, box, 194.0, rng
    )
    assert np.all(beam.weights[~ok] == 0.0)
    assert 0.0 < ok.mean() < 0.9  # it does remove mesons
