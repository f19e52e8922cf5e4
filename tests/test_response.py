"""Tests of nuportal.analysis: smearing, thresholds, selections and cut flows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from nuportal.analysis import (
    Cut,
    Selection,
    above_threshold,
    angle_to_direction,
    energy_threshold,
    energy_thresholds,
    four_momentum,
    opening_angle,
    smear_direction,
    smear_energy,
)
from nuportal.kinematics import cos_angle

M_E = 0.000511


def _beam(n, direction, p=0.1, m=M_E):
    d = np.asarray(direction, float)
    d = d / np.linalg.norm(d)
    out = np.empty((n, 4))
    out[:, 0] = np.hypot(p, m)
    out[:, 1:] = p * d
    return out


# ---------------------------------------------------------------- direction smearing
@pytest.mark.parametrize("direction", [(0, 0, 1), (0, 0, -1), (1, 0, 0), (0.33, 0.75, -0.59)])
def test_smeared_angle_distribution(direction):
    sigma = np.radians(3.0)
    n = 200_000
    p4 = _beam(n, direction)
    out = smear_direction(p4, sigma, rng=np.random.default_rng(42))
    # Energy and |p| are kept exactly.
    np.testing.assert_array_equal(out[:, 0], p4[:, 0])
    np.testing.assert_allclose(np.linalg.norm(out[:, 1:], axis=1), 0.1, rtol=1e-12)
    theta = np.arccos(cos_angle(out, p4))
    # 2D Gaussian on the transverse plane: theta^2 ~ 2 sigma^2 * Exp(1), so <theta^2> = 2 sigma^2
    # with standard deviation 2 sigma^2; tolerance: 5 standard errors of the mean.
    se = 2 * sigma**2 / np.sqrt(n)
    assert abs(np.mean(theta**2) - 2 * sigma**2) < 5 * se
    # Azimuth of the deviation about the true direction is uniform.
    d = np.asarray(direction, float) / np.linalg.norm(direction)
    e1 = np.cross(d, [0.12, 0.34, 0.93])
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(d, e1)
    local = out[:, 1:] - (out[:, 1:] @ d)[:, None] * d
    phi = np.arctan2(local @ e2, local @ e1)
    assert stats.kstest(phi, stats.uniform(-np.pi, 2 * np.pi).cdf).pvalue > 1e-3


def test_half_normal_option_and_zero_sigma():
    sigma = 0.02
    n = 200_000
    p4 = _beam(n, (0, 1, 0))
    out = smear_direction(p4, sigma, rng=1, distribution="half_normal")
    theta = np.arccos(cos_angle(out, p4))
    # theta = |N(0, sigma)|: <theta^2> = sigma^2, std(theta^2) = sqrt(2) sigma^2.
    assert abs(np.mean(theta**2) - sigma**2) < 5 * np.sqrt(2) * sigma**2 / np.sqrt(n)
    np.testing.assert_allclose(smear_direction(p4[:5], 0.0, rng=1), p4[:5], atol=1e-15)
    at_rest = np.array([[M_E, 0.0, 0.0, 0.0]])
    np.testing.assert_array_equal(smear_direction(at_rest, 0.1, rng=1), at_rest)
    with pytest.raises(ValueError, match="sigma_angle_rad"):
        smear_direction(p4, -1.0, rng=1)
    with pytest.raises(ValueError, match="distribution"):
        smear_direction(p4, 0.1, rng=1, distribution="cauchy")
    with pytest.raises(ValueError, match="p4"):
        smear_direction(np.ones((3, 3)), 0.1, rng=1)


def test_smearing_is_reproducible_and_rotation_invariant():
    p4 = _beam(50_000, (0, 0, 1))
    a = smear_direction(p4, 0.05, rng=np.random.default_rng(3))
    b = smear_direction(p4, 0.05, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a, b)
    # The distribution of the deviation angle does not depend on the true direction.
    c = smear_direction(_beam(50_000, (1, -2, 0.5)), 0.05, rng=np.random.default_rng(4))
    th_a = np.arccos(cos_angle(a, p4))
    th_c = np.arccos(cos_angle(c, _beam(1, (1, -2, 0.5))))
    assert stats.ks_2samp(th_a, th_c).pvalue > 1e-3


# ---------------------------------------------------------------- energy smearing
def test_energy_smearing_resolution_direction_and_mass():
    n = 100_000
    m = 0.1057
    p4 = _beam(n, (0.3, -0.4, 0.5), p=1.0, m=m)
    e0 = p4[0, 0]
    a, b = 0.05, 0.02
    out = smear_energy(p4, (a, b), rng=np.random.default_rng(8))
    rel = out[:, 0] / e0 - 1
    expected = np.sqrt(a**2 / e0 + b**2)
    # Sample std of a Gaussian: relative standard error 1/sqrt(2n); 5 of them.
    assert abs(rel.std() / expected - 1) < 5 / np.sqrt(2 * n)
    np.testing.assert_allclose(cos_angle(out, p4), 1.0, atol=1e-12)
    mass = np.sqrt(out[:, 0] ** 2 - np.sum(out[:, 1:] ** 2, axis=1))
    np.testing.assert_allclose(mass, m, rtol=1e-6)
    # A huge resolution clips at the mass instead of giving negative energies or NaN.
    wild = smear_energy(p4[:1000], 5.0, rng=1)
    assert np.all(wild[:, 0] >= m - 1e-15) and np.all(np.isfinite(wild))
    with pytest.raises(ValueError, match="resolution"):
        smear_energy(p4, (-0.1, 0.0), rng=1)


def test_above_threshold():
    p4 = np.array([[0.0105, 0.0, 0.0, 0.0105], [0.0095, 0.0, 0.0, 0.0095], [0.01, 0, 0, 0.01]])
    assert above_threshold(p4, 0.010).tolist() == [True, False, False]
    proton = _beam(1, (0, 0, 1), p=0.1, m=0.938)
    assert above_threshold(proton, 0.010).item()  # E = 0.943 GeV
    assert not above_threshold(proton, 0.010, kinetic=True).item()  # T = 5.3 MeV
    with pytest.raises(ValueError, match="threshold_GeV"):
        above_threshold(p4, -1.0)


# ---------------------------------------------------------------- selections
def _events():
    """Four events: opening angles 5, 30, 175 and 90 degrees; e_plus energies vary."""
    angles = np.radians([5.0, 30.0, 175.0, 90.0])
    e_minus = np.array([0.05, 0.05, 0.05, 0.005])
    e_plus = np.array([0.02, 0.008, 0.03, 0.04])
    cols = {"weight": [1.0, 2.0, 3.0, 4.0]}
    for name, e, ang in (
        ("e_minus", e_minus, np.zeros(4)),
        ("e_plus", e_plus, angles),
    ):
        for suffix in ("", "_reco"):
            cols[f"{name}_E{suffix}"] = e
            cols[f"{name}_px{suffix}"] = e * np.sin(ang)
            cols[f"{name}_py{suffix}"] = np.zeros(4)
            cols[f"{name}_pz{suffix}"] = e * np.cos(ang)
    return pd.DataFrame(cols)


def test_opening_angle_variants():
    ev = _events()
    assert opening_angle("e_minus", "e_plus", 10.0)(ev).tolist() == [False, True, True, True]
    b2b = opening_angle("e_minus", "e_plus", 10.0, reject_back_to_back=True)
    assert b2b(ev).tolist() == [False, True, False, True]
    with pytest.raises(ValueError, match="min_angle_deg"):
        opening_angle("e_minus", "e_plus", 120.0, reject_back_to_back=True)


def test_selection_cut_flow_and_composition():
    ev = _events()
    thresholds = energy_thresholds({"e_minus": 0.010, "e_plus": 0.010})
    sel = thresholds & opening_angle("e_minus", "e_plus", 10.0)
    assert isinstance(sel, Selection) and len(sel) == 3
    assert sel.names == ["e_minus_E>10MeV", "e_plus_E>10MeV", "angle(e_minus,e_plus)>10deg"]
    assert sel(ev).tolist() == [False, False, True, False]
    assert sel.cut_flow(ev) == {
        "e_minus_E>10MeV": 0.75,
        "e_plus_E>10MeV": 0.5,
        "angle(e_minus,e_plus)>10deg": 0.25,
    }
    weighted = sel.cut_flow(ev, weights="weight")
    assert weighted["angle(e_minus,e_plus)>10deg"] == pytest.approx(3.0 / 10.0)
    assert list(sel.masks(ev)) == sel.names
    # Custom cuts compose too; names must be unique.
    heavy = Cut("weight>2", lambda e: e["weight"].to_numpy() > 2)
    assert (sel & heavy)(ev).tolist() == [False, False, True, False]
    with pytest.raises(ValueError, match="unique"):
        sel & energy_threshold("e_minus", 0.010)
    with pytest.raises(ValueError, match="boolean"):
        Cut("bad", lambda e: np.ones(len(e)))(ev)


def test_angle_to_direction_and_columns():
    ev = _events()
    beam = angle_to_direction("e_plus", [0, 0, 1], max_angle_deg=45.0)
    assert beam(ev).tolist() == [True, True, False, False]
    ring = angle_to_direction("e_plus", [0, 0, 1], min_angle_deg=10.0, max_angle_deg=100.0)
    assert ring(ev).tolist() == [False, True, False, True]
    per_event = angle_to_direction(
        "e_plus", lambda e: four_momentum(e, "e_minus")[:, 1:], max_angle_deg=10.0
    )
    assert per_event(ev).tolist() == [True, False, False, False]
    true_only = ev[[c for c in ev.columns if not c.endswith("_reco")]]
    with pytest.raises(ValueError, match="reco=False"):
        energy_threshold("e_plus", 0.01)(true_only)
    assert energy_threshold("e_plus", 0.01, reco=False)(true_only).tolist() == [
        True,
        False,
        True,
        True,
    ]
    with pytest.raises(ValueError, match="max_angle_deg"):
        angle_to_direction("e_plus", [0, 0, 1])
