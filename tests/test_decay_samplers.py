"""Tests of the rest-frame decay samplers (vegas and numpy routes, two-body isotropic).

Statistical tests use fixed seeds; their tolerance is 4 standard errors of the Monte Carlo
estimate, the standard error being estimated from the weights of the same sample.
"""

from __future__ import annotations

import gvar
import numpy as np
import pytest
from scipy import stats
from scipy.special import roots_legendre

from nuportal.constants import LEPTON_MASS, SIN2_THETA_W_ON_SHELL
from nuportal.generation import (
    RestFrameDecays,
    ThreeBodyNuLL,
    TwoBodyIsotropic,
    as_generator,
    clear_vegas_cache,
)
from nuportal.kinematics import invariant_mass_squared
from nuportal.models.hnl import nu_ll_couplings, width_nu_ll_dirac
from nuportal.models.hnl_matrix_element import dalitz_range_z_num, matrix_element_squared

N_EVENTS = 100_000
MASSES = [(0.01, "e", "mu"), (0.05, "e", "mu"), (0.15, "e", "mu"), (0.3, "e", "mu"),
          (0.38, "e", "mu"), (0.3, "mu", "mu"), (0.3, "e", "e")]  # fmt: skip


def _sigma_of_sum(w: np.ndarray) -> float:
    """Standard error of sum(w) as an estimate of its expectation, from the sample itself."""
    return float(np.sqrt(max(w @ w - w.sum() ** 2 / len(w), 0.0)))


@pytest.mark.parametrize("method", ["vegas", "numpy"])
@pytest.mark.parametrize("polarization", [0.0, 1.0, -1.0, 0.47])
@pytest.mark.parametrize("majorana", [False, True])
@pytest.mark.parametrize(("m_n", "lepton", "mixing"), MASSES)
def test_sampled_width_matches_closed_form(m_n, lepton, mixing, majorana, polarization, method):
    decays = ThreeBodyNuLL(m_n, lepton, mixing, majorana=majorana, polarization=polarization)
    events = decays.sample(N_EVENTS, rng=20240601, method=method)
    g_l, g_r = nu_ll_couplings(mixing, lepton, SIN2_THETA_W_ON_SHELL)
    expected = width_nu_ll_dirac(m_n, LEPTON_MASS[lepton], g_l, g_r) * (2 if majorana else 1)
    sigma = _sigma_of_sum(events.weight)
    assert sigma == pytest.approx(events.width_error, abs=0)
    assert sigma < 0.01 * expected  # the comparison is meaningful
    # 4 standard errors of the Monte Carlo estimate (sigma from the sample's own weights).
    assert abs(events.width - expected) < 4.0 * sigma
    assert decays.width() == pytest.approx(expected, rel=1e-14, abs=0)
    assert np.all(events.weight > 0)


def _slope_by_quadrature(m_n, m_l, g_l, g_r, majorana):
    """alpha in dGamma/dcos = Gamma/2 (1 + alpha P cos) from |M|^2, by Gauss-Legendre quadrature.

    Only cos(theta) and sin(theta) cos(gamma) multiply P and cos(gamma) averages to zero, so
    alpha = int [|M|^2(P=1, cos=1, gamma=pi/2) - |M|^2(P=0)] / int |M|^2(P=0) over the Dalitz
    region (z = s^2 + (1 - s^2) u^2 removes the square-root edge at threshold).
    """
    x, w = roots_legendre(160)
    u, wu = (x + 1) / 2, w / 2
    s2 = (2 * m_l / m_n) ** 2
    z = s2 + (1 - s2) * u**2
    lo, hi = dalitz_range_z_num(z, m_n, m_l, m_l)
    zn = lo[:, None] + (hi - lo)[:, None] * u[None, :]
    wt = (wu * 2 * u * (1 - s2) * (hi - lo))[:, None] * wu[None, :]
    kw = {"m_N": m_n, "m_minus": m_l, "m_plus": m_l, "g_L": g_l, "g_R": g_r, "majorana": majorana}
    m0 = matrix_element_squared(z[:, None], zn, 1.0, np.pi / 2, **kw)
    m1 = matrix_element_squared(z[:, None], zn, 1.0, np.pi / 2, polarization=1.0, **kw)
    return float(np.sum(wt * (m1 - m0)) / np.sum(wt * m0))


@pytest.mark.parametrize("method", ["vegas", "numpy"])
@pytest.mark.parametrize("polarization", [0.47, -1.0])
@pytest.mark.parametrize("majorana", [False, True])
@pytest.mark.parametrize(("m_n", "lepton"), [(0.05, "e"), (0.38, "e"), (0.22, "mu")])
def test_pair_direction_distribution_is_linear_with_predicted_slope(
    m_n, lepton, majorana, polarization, method
):
    g_l, g_r = nu_ll_couplings("mu", lepton, SIN2_THETA_W_ON_SHELL)
    alpha = _slope_by_quadrature(m_n, LEPTON_MASS[lepton], g_l, g_r, majorana)
    if majorana:
        # K8 has coefficient 0 and the K9 - K10 part is odd under l- <-> l+: no asymmetry of the
        # pair (equivalently of the neutrino) direction for a Majorana N (cf. arXiv:2104.05719).
        assert abs(alpha) < 1e-12
    else:
        # Dirac: 1/3 for massless leptons, changed by the lepton mass (negative for mu mu at 0.22).
        assert abs(alpha) > 0.1
    decays = ThreeBodyNuLL(m_n, lepton, "mu", majorana=majorana, polarization=polarization)
    events = decays.sample(200_000, rng=7, method=method)
    pair = events.lepton_minus + events.lepton_plus
    cos = pair[:, 3] / np.linalg.norm(pair[:, 1:], axis=1)
    w = events.weight
    mean = float(w @ cos / w.sum())
    # Ratio estimator: sigma^2 = sum w^2 (cos - mean)^2 / (sum w)^2; tolerance 4 sigma.
    sigma = float(np.sqrt(np.sum(w**2 * (cos - mean) ** 2)) / w.sum())
    assert abs(mean - alpha * polarization / 3.0) < 4.0 * sigma
    # Shape: weighted histogram vs the predicted linear density (chi^2 with errors sum w^2).
    edges = np.linspace(-1.0, 1.0, 11)
    hist, _ = np.histogram(cos, edges, weights=w)
    var, _ = np.histogram(cos, edges, weights=w**2)
    predicted = w.sum() / 2 * (np.diff(edges) + alpha * polarization * np.diff(edges**2) / 2)
    chi2 = float(np.sum((hist - predicted) ** 2 / var))
    assert stats.chi2.sf(chi2, len(hist) - 1) > 1e-4


def test_same_seed_same_events_and_different_seed_different_events():
    decays = ThreeBodyNuLL(0.3, "e", "mu", majorana=False, polarization=0.55)
    for method in ("vegas", "numpy"):
        a = decays.sample(50_000, rng=123, method=method)
        b = decays.sample(50_000, rng=np.random.default_rng(123), method=method)
        c = decays.sample(50_000, rng=124, method=method)
        for name in ("nu", "lepton_minus", "lepton_plus", "weight"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
            assert not np.array_equal(getattr(a, name), getattr(c, name))


def test_vegas_adaptation_is_deterministic_and_independent_of_other_rngs():
    decays = ThreeBodyNuLL(0.15, "e", "mu", majorana=True, polarization=-0.3)
    first = decays.sample(10_000, rng=5)
    grid = np.array(decays.adapted_map().map.grid)
    clear_vegas_cache()
    gvar.ranseed(987654)  # vegas' own generator must not matter
    second = decays.sample(10_000, rng=5)
    np.testing.assert_array_equal(np.array(decays.adapted_map().map.grid), grid)
    np.testing.assert_array_equal(first.weight, second.weight)
    np.testing.assert_array_equal(first.lepton_plus, second.lepton_plus)
    # a different adaptation seed gives a different (equally valid) map
    other = ThreeBodyNuLL(0.15, "e", "mu", majorana=True, polarization=-0.3, adapt_seed=1)
    assert not np.array_equal(np.array(other.adapted_map().map.grid), grid)


def test_sampled_events_are_physical_and_multi_chunk():
    decays = ThreeBodyNuLL(0.3, "mu", "mu", majorana=True, polarization=0.2)
    events = decays.sample(70_001, rng=9)  # more than one internal batch
    assert len(events) == 70_001
    np.testing.assert_allclose(events.parent, np.tile([0.3, 0, 0, 0], (70_001, 1)), atol=1e-12)
    m_mu2 = LEPTON_MASS["mu"] ** 2
    np.testing.assert_allclose(invariant_mass_squared(events.lepton_minus), m_mu2, atol=1e-10)
    np.testing.assert_allclose(invariant_mass_squared(events.lepton_plus), m_mu2, atol=1e-10)
    np.testing.assert_allclose(invariant_mass_squared(events.nu), 0.0, atol=1e-10)
    assert np.all(np.isfinite(events.weight)) and np.all(events.weight > 0)


def test_vegas_has_smaller_weight_spread_than_uniform():
    decays = ThreeBodyNuLL(0.38, "e", "mu", majorana=False, polarization=1.0)
    vegas_ev = decays.sample(50_000, rng=1, method="vegas")
    numpy_ev = decays.sample(50_000, rng=1, method="numpy")
    assert vegas_ev.width_error < 0.5 * numpy_ev.width_error


def test_three_body_bad_input():
    with pytest.raises(ValueError, match="m_N"):
        ThreeBodyNuLL(0.2, "mu")
    with pytest.raises(ValueError, match="lepton"):
        ThreeBodyNuLL(0.3, "muon")
    with pytest.raises(ValueError, match="polarization"):
        ThreeBodyNuLL(0.3, "e", polarization=-1.01)
    with pytest.raises(ValueError, match="mixing"):
        ThreeBodyNuLL(0.3, "e", mixing="x")
    decays = ThreeBodyNuLL(0.3, "e", couplings=(0.7, 0.2))
    assert (decays.params.g_L, decays.params.g_R) == (0.7, 0.2)
    with pytest.raises(ValueError, match="method"):
        decays.sample(10, 1, method="mc")
    with pytest.raises(ValueError, match="n must"):
        decays.sample(0, 1)
    with pytest.raises(TypeError, match="rng"):
        decays.sample(10, None)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------- two-body
def test_two_body_isotropic():
    m_s, m_e = 0.15, LEPTON_MASS["e"]
    width = 2.57e-14
    events = TwoBodyIsotropic(m_s, m_e, width=width).sample(100_000, rng=3)
    assert events.nu is None
    assert events.width == pytest.approx(width, rel=1e-12, abs=0)
    np.testing.assert_allclose(events.parent, np.tile([m_s, 0, 0, 0], (100_000, 1)), atol=1e-14)
    np.testing.assert_allclose(invariant_mass_squared(events.lepton_minus), m_e**2, atol=1e-12)
    # Isotropy: mean of cos(theta) and of cos^2 - 1/3 vanish within 4 standard errors.
    cos = events.lepton_minus[:, 3] / np.linalg.norm(events.lepton_minus[:, 1:], axis=1)
    n = len(cos)
    assert abs(cos.mean()) < 4.0 * cos.std() / np.sqrt(n)
    assert abs((cos**2).mean() - 1 / 3) < 4.0 * (cos**2).std() / np.sqrt(n)
    unit = TwoBodyIsotropic(m_s, m_e).sample(10, rng=3)
    assert unit.width == pytest.approx(1.0)
    same = TwoBodyIsotropic(m_s, m_e, width=width).sample(100_000, rng=3)
    np.testing.assert_array_equal(same.lepton_minus, events.lepton_minus)


def test_two_body_bad_input_and_result_type():
    with pytest.raises(ValueError, match="parent_mass"):
        TwoBodyIsotropic(0.001, LEPTON_MASS["e"])
    with pytest.raises(ValueError, match="width"):
        TwoBodyIsotropic(0.1, LEPTON_MASS["e"], width=-1.0)
    with pytest.raises(ValueError, match="shape"):
        RestFrameDecays(np.zeros((3, 4)), np.zeros((2, 4)), np.zeros(3))
    with pytest.raises(ValueError, match="seed"):
        as_generator(-1)
    gen = np.random.default_rng(0)
    assert as_generator(gen) is gen
