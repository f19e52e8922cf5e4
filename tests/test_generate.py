"""Tests of the event-generation pipeline, :func:`nuportal.generate`.

The pipeline's numbers are checked against routes that share no code with it:

* kinematics: four-momentum conservation, on-shell daughters, vertices on the flight line and
  inside the MicroBooNE TPC (active volume of the MicroBooNE analysis conventions, NuMI absorber
  about 100 m away: arXiv:2106.00568);
* normalization: the sum of the weights against (a) a Gauss-Legendre volume integral over the
  TPC, (1/4 pi) int d^3x exp(-r/lambda)/(lambda r^2) = (1/4 pi) int dOmega P_decay(Omega), and
  (b) isotropic directions drawn in a (cos theta, phi) patch about the global z axis with a
  hand-written ray-box (slab) intersection -- not the cone of the point source, not the
  library's geometry code;
* polarization: the pair direction in the N rest frame and the visible energy in the lab
  against the slope alpha of the matrix element, by quadrature (as in test_decay_samplers.py);
* check numbers computed for this package from the formulas of Kelly & Machado (arXiv:2106.06548)
  and de Gouvea et al. (arXiv:2104.05719).

Statistical tests use fixed seeds. Unless said otherwise a tolerance is 4 standard errors of
the Monte Carlo estimate, each standard error estimated from the weights of the same sample:
sigma(sum w) = sqrt(sum w^2 - (sum w)^2 / n), and for a weighted mean (ratio estimator)
sigma(<x>) = sqrt(sum w^2 (x - <x>)^2) / sum w.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.constants as sc
from scipy.special import roots_legendre

import nuportal
from nuportal import constants
from nuportal.generation import pipeline
from nuportal.models import meson_decays
from nuportal.models.hnl import nu_ll_couplings
from nuportal.models.hnl_matrix_element import dalitz_range_z_num, matrix_element_squared
from nuportal.models.scalar import br_kaon_to_pion_scalar

# MicroBooNE TPC active volume and the NuMI absorber direction (MicroBooNE conventions;
# arXiv:2106.00568), in detector coordinates [m]; deliberately not read from the detector catalog.
TPC_LO = np.array([0.0, -1.165, 0.0])
TPC_HI = np.array([2.5635, 1.165, 10.368])
ABSORBER_DISTANCE = 100.0
ABSORBER_DIRECTION = np.array([0.33, 0.75, -0.59]) / np.linalg.norm([0.33, 0.75, -0.59])
ABSORBER = 0.5 * (TPC_LO + TPC_HI) - ABSORBER_DISTANCE * ABSORBER_DIRECTION
HBARC_GEV_M = sc.hbar * sc.c / sc.e * 1e-9  # hbar c [GeV m], CODATA via scipy

P4 = ("E", "px", "py", "pz")


def _p4(events, name: str) -> np.ndarray:
    return events[[f"{name}_{c}" for c in P4]].to_numpy()


def _mass2(p: np.ndarray) -> np.ndarray:
    return p[:, 0] ** 2 - np.sum(p[:, 1:] ** 2, axis=1)


def _sigma_sum(w: np.ndarray) -> float:
    return float(np.sqrt(max(w @ w - w.sum() ** 2 / len(w), 0.0)))


def _weighted_mean(x: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    mean = float(w @ x / w.sum())
    return mean, float(np.sqrt(np.sum(w**2 * (x - mean) ** 2)) / w.sum())


# --------------------------------------------------------------------------- samples
@pytest.fixture(scope="module")
def hnl_events():
    return nuportal.generate(
        model="hnl", mass=0.15, coupling=1e-6, majorana=False, n_events=60_000, seed=11
    )


@pytest.fixture(scope="module")
def scalar_events():
    return nuportal.generate(model="scalar", mass=0.1, coupling=4e-4, n_events=60_000, seed=12)


# --------------------------------------------------------------------------- kinematics
@pytest.mark.parametrize("which", ["hnl", "scalar"])
def test_lab_frame_kinematics(which, hnl_events, scalar_events):
    events = hnl_events if which == "hnl" else scalar_events
    meta = events.attrs["metadata"]
    m = meta["mass_GeV"]
    parent = _p4(events, "parent")
    lm, lp = _p4(events, "e_minus"), _p4(events, "e_plus")
    daughters = lm + lp
    if which == "hnl":
        nu = _p4(events, "nu")
        daughters = daughters + nu
        np.testing.assert_allclose(_mass2(nu), 0.0, atol=1e-12)
    else:
        assert "nu_E" not in events.columns
    # momentum conservation: round-off only (GeV-scale components, double precision)
    np.testing.assert_allclose(daughters, parent, rtol=0, atol=1e-12)
    np.testing.assert_allclose(np.sqrt(_mass2(daughters)), m, rtol=1e-9)
    np.testing.assert_allclose(np.sqrt(_mass2(parent)), m, rtol=1e-9)
    np.testing.assert_allclose(np.linalg.norm(parent[:, 1:], axis=1), meta["momentum_GeV"])
    me2 = constants.M_ELECTRON**2  # 2.6e-7 GeV^2; atol 1e-12 is 4e-6 of it
    np.testing.assert_allclose(_mass2(lm), me2, rtol=0, atol=1e-12)
    np.testing.assert_allclose(_mass2(lp), me2, rtol=0, atol=1e-12)
    # reconstructed leptons keep energy and mass, only their directions move
    for name, true in (("e_minus", lm), ("e_plus", lp)):
        reco = events[[f"{name}_{c}_reco" for c in P4]].to_numpy()
        np.testing.assert_allclose(reco[:, 0], true[:, 0], rtol=1e-15)
        np.testing.assert_allclose(_mass2(reco), me2, rtol=0, atol=1e-12)

    # vertices: inside the TPC above and of the catalog, on the flight line from the
    # absorber, at the recorded distance; misses have weight 0 and no vertex
    w = events["weight"].to_numpy()
    vertex = events[["vertex_x", "vertex_y", "vertex_z"]].to_numpy()
    hit = w > 0
    assert hit.mean() > 0.2  # however the directions are sampled, most flight lines cross
    assert np.all(np.isnan(vertex[~hit]))
    assert np.all(nuportal.get_detector("microboone").contains(vertex[hit]))
    tol = 1e-9
    assert np.all((vertex[hit] >= TPC_LO - tol) & (vertex[hit] <= TPC_HI + tol))
    np.testing.assert_allclose(meta["source_position_m"], ABSORBER, atol=1e-12)
    disp = vertex[hit] - ABSORBER
    direction = parent[hit, 1:] / np.linalg.norm(parent[hit, 1:], axis=1, keepdims=True)
    np.testing.assert_allclose(np.cross(disp, direction), 0.0, atol=1e-9)
    np.testing.assert_allclose(
        np.einsum("ij,ij->i", disp, direction), events["decay_distance_m"][hit]
    )
    # recorded angles agree with the four-vectors
    c = np.einsum("ij,ij->i", lm[:, 1:], lp[:, 1:])
    c /= np.linalg.norm(lm[:, 1:], axis=1) * np.linalg.norm(lp[:, 1:], axis=1)
    np.testing.assert_allclose(np.cos(np.radians(events["opening_angle_deg"])), c, atol=1e-9)
    # response (Kelly & Machado, arXiv:2106.06548): each lepton direction smeared by a 2D Gaussian
    # of sigma = 3 deg per projection, so theta^2 is exponential with mean 2 sigma^2; 4 standard
    # errors of the sample mean (std of an exponential = its mean)
    sigma = math.radians(meta["response"]["angular_resolution_deg"])
    assert sigma == pytest.approx(math.radians(3.0))
    for name, true in (("e_minus", lm), ("e_plus", lp)):
        reco = events[[f"{name}_{c}_reco" for c in P4]].to_numpy()
        cos_dev = np.einsum("ij,ij->i", reco[:, 1:], true[:, 1:])
        cos_dev /= np.linalg.norm(reco[:, 1:], axis=1) * np.linalg.norm(true[:, 1:], axis=1)
        theta2 = np.arccos(np.clip(cos_dev, -1, 1)) ** 2
        assert abs(theta2.mean() / (2 * sigma**2) - 1) < 4 / math.sqrt(len(theta2))
    # selection: both reconstructed energies > 10 MeV and reconstructed opening angle > 10 deg
    re_m = events[[f"e_minus_{c}_reco" for c in P4]].to_numpy()
    re_p = events[[f"e_plus_{c}_reco" for c in P4]].to_numpy()
    cos_reco = np.einsum("ij,ij->i", re_m[:, 1:], re_p[:, 1:])
    cos_reco /= np.linalg.norm(re_m[:, 1:], axis=1) * np.linalg.norm(re_p[:, 1:], axis=1)
    by_hand = (re_m[:, 0] > 0.010) & (re_p[:, 0] > 0.010) & (cos_reco < math.cos(math.radians(10)))
    np.testing.assert_array_equal(events["selected"].to_numpy(), by_hand)
    assert by_hand.mean() > 0.5
    if which == "hnl":
        assert not by_hand.all()  # some HNL pairs are too soft or too collimated
    if which == "scalar":
        # S is a scalar: e+ e- back to back in its rest frame -> the pair momentum is the parent's
        np.testing.assert_allclose(events["angle_to_beam_deg"], 0.0, atol=1e-4)


# --------------------------------------------------------------------------- normalization
def _box_slab(origin: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Entry and exit distances of rays origin + t d through the TPC above (NaN: miss)."""
    with np.errstate(divide="ignore"):
        t1 = (TPC_LO - origin) / d
        t2 = (TPC_HI - origin) / d
    t_in = np.minimum(t1, t2).max(axis=1)
    t_out = np.maximum(t1, t2).min(axis=1)
    miss = ~(t_out > np.maximum(t_in, 0.0))
    return np.where(miss, np.nan, np.maximum(t_in, 0.0)), np.where(miss, np.nan, t_out)


def _quadrature_route(
    lam: float, n: tuple[int, int, int] = (16, 16, 48), moment: int = 0
) -> tuple[float, float]:
    """(1/4 pi) int dOmega P_decay(Omega) and (1/4 pi) int dOmega L(Omega)/lambda.

    Both as volume integrals over the box (d^3x = r^2 dr dOmega):
    (1/4 pi) int d^3x exp(-r/lambda) / (lambda r^2) and (1/4 pi) int d^3x / (lambda r^2),
    Gauss-Legendre in each coordinate (the integrand is smooth: r = 95...105 m). With
    ``moment=1`` the integrands carry an extra factor r (for the mean decay distance).
    """
    axes = []
    for k, (lo, hi) in enumerate(zip(TPC_LO, TPC_HI, strict=True)):
        x, w = roots_legendre(n[k])
        axes.append((lo + (hi - lo) * (x + 1) / 2, w * (hi - lo) / 2))
    (x, wx), (y, wy), (z, wz) = axes
    r = np.sqrt(
        (x[:, None, None] - ABSORBER[0]) ** 2
        + (y[None, :, None] - ABSORBER[1]) ** 2
        + (z[None, None, :] - ABSORBER[2]) ** 2
    )
    wt = wx[:, None, None] * wy[None, :, None] * wz[None, None, :] * r**moment
    exact = float(np.sum(wt * np.exp(-r / lam) / r**2)) / (4 * math.pi * lam)
    linear = float(np.sum(wt / r**2)) / (4 * math.pi * lam)
    return exact, linear


def _patch_route(lam: float, n: int, seed: int) -> dict[str, float]:
    """Isotropic directions in a (cos theta, phi) patch about +z that contains the TPC.

    Returns the solid-angle fraction hit (acceptance), the mean chord <L> of the hits and the
    estimate of (1/4 pi) int dOmega P_decay with its standard error.
    """
    corners = np.array([[a, b, c] for a in (0, 1) for b in (0, 1) for c in (0, 1)])
    corners = TPC_LO + corners * (TPC_HI - TPC_LO) - ABSORBER
    corners /= np.linalg.norm(corners, axis=1, keepdims=True)
    cos_c, phi_c = corners[:, 2], np.arctan2(corners[:, 1], corners[:, 0])
    pad_c, pad_p = 0.1 * np.ptp(cos_c), 0.1 * np.ptp(phi_c)
    c_lo, c_hi = cos_c.min() - pad_c, cos_c.max() + pad_c
    p_lo, p_hi = phi_c.min() - pad_p, phi_c.max() + pad_p
    rng = np.random.default_rng(seed)
    cos_t = rng.uniform(c_lo, c_hi, n)
    phi = rng.uniform(p_lo, p_hi, n)
    sin_t = np.sqrt(1 - cos_t**2)
    d = np.stack([sin_t * np.cos(phi), sin_t * np.sin(phi), cos_t], axis=1)
    t_in, t_out = _box_slab(ABSORBER, d)
    hit = np.isfinite(t_in)
    # the patch must contain every direction that hits: no hit near its edges
    assert cos_t[hit].min() > c_lo + pad_c / 2 and cos_t[hit].max() < c_hi - pad_c / 2
    assert phi[hit].min() > p_lo + pad_p / 2 and phi[hit].max() < p_hi - pad_p / 2
    frac_patch = (c_hi - c_lo) * (p_hi - p_lo) / (4 * math.pi)
    prob = np.where(
        hit, np.exp(-np.nan_to_num(t_in) / lam) - np.exp(-np.nan_to_num(t_out) / lam), 0
    )
    chord = np.where(hit, np.nan_to_num(t_out - t_in), 0.0)
    return {
        "acceptance": frac_patch * hit.mean(),
        "acceptance_err": frac_patch * math.sqrt(hit.mean() * (1 - hit.mean()) / n),
        "mean_chord": float(chord[hit].mean()),
        "p_mean": frac_patch * float(prob.mean()),
        "p_err": frac_patch * float(prob.std()) / math.sqrt(n),
    }


def _lab_decay_length_and_brs(
    model: str, mass: float, coupling: float
) -> tuple[float, float, float]:
    """lambda [m], Br(K+ -> X), Br(X -> e+ e- ...) from the models and the two-body formulas."""
    m_k = constants.M_K_CHARGED
    if model == "hnl":
        m_a = constants.M_MUON
        hnl = nuportal.HeavyNeutralLepton(mass, U2_mu=coupling, majorana=True)
        width = float(hnl.total_width)
        br = float(hnl.width_nu_ll("e")) / width
        br_prod = float(meson_decays.br_meson_to_lepton_hnl("K+", "mu", mass, coupling))
    else:
        m_a = constants.M_PI_CHARGED
        s = nuportal.HiggsPortalScalar(mass, coupling)
        width = float(s.total_width)
        br = float(s.branching_ratio("e+ e-"))
        br_prod = float(br_kaon_to_pion_scalar(mass, coupling))
    e = (m_k**2 - m_a**2 + mass**2) / (2 * m_k)  # two-body decay at rest
    p = math.sqrt(e**2 - mass**2)
    return p / mass * HBARC_GEV_M / width, br_prod, br


NORMALIZATION_CASES = [
    # (model, mass, coupling, lambda range [m], n_events): long lifetime, then lambda ~ D
    ("hnl", 0.38, 1e-10, (1e6, 1e9), 100_000),
    ("hnl", 0.38, 3.7e-5, (50.0, 200.0), 100_000),
    ("hnl", 0.38, 2.0e-4, (10.0, 30.0), 100_000),
    ("scalar", 0.1, 1e-4, (1e5, 1e8), 100_000),
    ("scalar", 0.1, 1.5e-2, (50.0, 200.0), 100_000),
]


@pytest.mark.parametrize(("model", "mass", "coupling", "lam_range", "n"), NORMALIZATION_CASES)
def test_sum_of_weights_matches_independent_routes(
    model, mass, coupling, lam_range, n, monkeypatch
):
    # several unequal chunks, to test the per-chunk weight bookkeeping too
    monkeypatch.setattr(pipeline, "_CHUNK", 30_001)
    events = nuportal.generate(model=model, mass=mass, coupling=coupling, n_events=n, seed=3)
    w = events["weight"].to_numpy()
    total, sigma = float(w.sum()), _sigma_sum(w)
    assert sigma < 0.01 * total  # a meaningful comparison

    lam, br_prod, br = _lab_decay_length_and_brs(model, mass, coupling)
    assert lam_range[0] < lam < lam_range[1]  # the regime the case is meant to test
    meta = events.attrs["metadata"]
    assert meta["production_branching_ratio"] == pytest.approx(br_prod, rel=1e-12)
    assert meta["decay_branching_ratio"] == pytest.approx(br, rel=1e-12)

    # (a) volume integral by quadrature; converged (two resolutions agree to 1e-9)
    exact, linear = _quadrature_route(lam)
    assert _quadrature_route(lam, (24, 24, 72))[0] == pytest.approx(exact, rel=1e-9)
    expected_a = br_prod * br * exact
    assert abs(total - expected_a) < 4 * sigma
    # where the decays happen: weighted mean distance from the absorber vs the quadrature's
    # <r> = int d^3x r exp(-r/lambda)/r^2 / int d^3x exp(-r/lambda)/r^2 (its exact value)
    r_mean, r_err = _weighted_mean(events["decay_distance_m"].to_numpy()[w > 0], w[w > 0])
    assert abs(r_mean - _quadrature_route(lam, moment=1)[0] / exact) < 4 * r_err

    # (b) isotropic directions and hand-made chords
    patch = _patch_route(lam, 1_000_000, seed=99)
    expected_b, sigma_b = br_prod * br * patch["p_mean"], br_prod * br * patch["p_err"]
    assert abs(total - expected_b) < 4 * math.hypot(sigma, sigma_b)
    assert abs(expected_a - expected_b) < 4 * sigma_b

    # geometric acceptance of the pipeline vs the patch's: weight / P_decay is the event's
    # solid-angle weight times Br_prod Br (rest-frame weights have mean 1)
    prob = events["decay_probability"].to_numpy()
    hit = prob > 0
    solid = w[hit] / prob[hit] / (br_prod * br)
    acc = solid.sum()
    acc_err = float(np.sqrt(max(solid @ solid - acc**2 / n, 0.0)))
    assert abs(acc - patch["acceptance"]) < 4 * math.hypot(acc_err, patch["acceptance_err"])

    if lam > 1e4:
        # long-lifetime regime: sum w = Br_prod Br <L>/lambda x acceptance
        assert exact == pytest.approx(linear, rel=1e-4)
        ll = br_prod * br * patch["mean_chord"] / lam * patch["acceptance"]
        assert ll == pytest.approx(expected_b, rel=1e-4)
        assert abs(total - ll) < 4 * math.hypot(sigma, sigma_b)
    else:
        # exponential regime: far below the linear estimate
        assert exact < 0.7 * linear


# --------------------------------------------------------------------------- polarization
def _decay_moments(m_n: float, majorana: bool) -> dict[str, float]:
    """Rest-frame moments of N -> nu e- e+ (N mixing with nu_mu) by Gauss-Legendre quadrature.

    With |M|^2 = M0 + P (A cos(theta_ll) + B sin(theta_ll) cos(gamma_ll)) (only these two
    angular structures multiply P), <cos theta_ll> = alpha P / 3 with alpha = int A / int M0,
    <E_nu cos theta_ll> = P int E_nu A / (3 int M0), and <E_nu> = int E_nu M0 / int M0, the
    integrals over the Dalitz plane (flat phase space in z_ll, z_num), E_nu = m_N (1 - z_ll)/2.
    """
    m_l = constants.M_ELECTRON
    g_l, g_r = nu_ll_couplings("mu", "e", constants.SIN2_THETA_W_ON_SHELL)
    x, w = roots_legendre(200)
    u, wu = (x + 1) / 2, w / 2
    s2 = (2 * m_l / m_n) ** 2
    z = s2 + (1 - s2) * u**2  # removes the square-root edge at threshold
    lo, hi = dalitz_range_z_num(z, m_n, m_l, m_l)
    zn = lo[:, None] + (hi - lo)[:, None] * u[None, :]
    wt = (wu * 2 * u * (1 - s2) * (hi - lo))[:, None] * wu[None, :]
    kw = {"m_N": m_n, "m_minus": m_l, "m_plus": m_l, "g_L": g_l, "g_R": g_r, "majorana": majorana}
    m0 = matrix_element_squared(z[:, None], zn, 1.0, np.pi / 2, **kw)
    a = matrix_element_squared(z[:, None], zn, 1.0, np.pi / 2, polarization=1.0, **kw) - m0
    e_nu = (m_n * (1 - z) / 2)[:, None]
    norm = np.sum(wt * m0)
    return {
        "alpha": float(np.sum(wt * a) / norm),
        "e_nu_alpha": float(np.sum(wt * a * e_nu) / norm),
        "e_nu": float(np.sum(wt * m0 * e_nu) / norm),
    }


def _pair_cos_in_rest_frame(events) -> np.ndarray:
    """cos of the e+e- pair direction to the N direction, in the N rest frame (own boost)."""
    parent = _p4(events, "parent")
    pair = _p4(events, "e_minus") + _p4(events, "e_plus")
    pmag = np.linalg.norm(parent[:, 1:], axis=1)
    n = parent[:, 1:] / pmag[:, None]
    beta, gamma = pmag / parent[:, 0], parent[:, 0] / np.sqrt(_mass2(parent))
    q_par = np.einsum("ij,ij->i", pair[:, 1:], n)
    q_perp2 = np.sum(pair[:, 1:] ** 2, axis=1) - q_par**2
    q_par_rest = gamma * (q_par - beta * pair[:, 0])
    return q_par_rest / np.sqrt(q_par_rest**2 + q_perp2)


def _flip_polarization(monkeypatch) -> None:
    original = pipeline.kdar_production

    def flipped(*args, **kwargs):
        prod = original(*args, **kwargs)
        return pipeline.KDARProduction(
            prod.mass, prod.momentum, -prod.polarization, prod.branching_ratio
        )

    monkeypatch.setattr(pipeline, "kdar_production", flipped)


@pytest.mark.parametrize("majorana", [False, True])
def test_polarization_shows_up_in_the_lab(majorana, monkeypatch):
    mass, n = 0.3, 150_000
    kw = {"mass": mass, "coupling": 1e-6, "majorana": majorana, "n_events": n, "seed": 21}
    samples = {}
    samples[+1] = nuportal.generate(**kw)
    _flip_polarization(monkeypatch)
    samples[-1] = nuportal.generate(**kw)
    pol = samples[+1].attrs["metadata"]["polarization"]
    assert pol == pytest.approx(0.55, abs=0.005)
    assert samples[-1].attrs["metadata"]["polarization"] == -pol

    mom = _decay_moments(mass, majorana)
    if majorana:
        assert abs(mom["alpha"]) < 1e-12 and abs(mom["e_nu_alpha"]) < 1e-12
    else:
        assert mom["alpha"] > 0.1  # ~1/3 for massless leptons
    p = samples[+1].attrs["metadata"]["momentum_GeV"]
    e = math.hypot(p, mass)
    gamma, beta = e / mass, p / e
    means = {}
    for sign, events in samples.items():
        w = events["weight"].to_numpy()
        keep = w > 0
        w = w[keep]
        # rest frame: <cos theta_pair> = alpha P / 3
        cos_mean, cos_err = _weighted_mean(_pair_cos_in_rest_frame(events)[keep], w)
        assert abs(cos_mean - mom["alpha"] * sign * pol / 3) < 4 * cos_err
        # lab: <E(e-) + E(e+)> = gamma (m - <E_nu> + beta <E_nu cos theta_ll>)
        e_vis = (events["e_minus_E"] + events["e_plus_E"]).to_numpy()[keep]
        e_mean, e_err = _weighted_mean(e_vis, w)
        predicted = gamma * (mass - mom["e_nu"] + beta * sign * pol * mom["e_nu_alpha"] / 3)
        assert abs(e_mean - predicted) < 4 * e_err
        means[sign] = (cos_mean, cos_err, e_mean, e_err)
    d_cos = means[+1][0] - means[-1][0]
    s_cos = math.hypot(means[+1][1], means[-1][1])
    d_e = means[+1][2] - means[-1][2]
    s_e = math.hypot(means[+1][3], means[-1][3])
    if majorana:  # no asymmetry at all
        assert abs(d_cos) < 4 * s_cos and abs(d_e) < 4 * s_e
    else:  # the sign of P is seen, clearly
        assert d_cos > 10 * s_cos and d_e > 10 * s_e


# --------------------------------------------------------------------------- reproducibility
@pytest.mark.parametrize("model", ["hnl", "scalar"])
def test_same_seed_same_events_different_seed_different_events(model):
    kw = {"model": model, "mass": 0.15, "coupling": 1e-4, "n_events": 20_000}
    a = nuportal.generate(seed=5, **kw)
    b = nuportal.generate(seed=5, **kw)
    c = nuportal.generate(seed=6, **kw)
    assert a.equals(b)
    assert a.attrs["metadata"] == b.attrs["metadata"]
    assert not a.equals(c)
    assert not np.any(a["weight"].to_numpy()[:100] == c["weight"].to_numpy()[:100])


def test_vegas_and_numpy_agree_on_rate_and_selected_fraction():
    kw = {"mass": 0.2, "coupling": 1e-6, "majorana": False, "n_events": 150_000, "seed": 8}
    results = {}
    for method in ("vegas", "numpy"):
        events = nuportal.generate(method=method, **kw)
        w = events["weight"].to_numpy()
        sel = events["selected"].to_numpy().astype(float)
        frac, frac_err = _weighted_mean(sel, w)
        results[method] = (w.sum(), _sigma_sum(w), frac, frac_err)
    (tv, sv, fv, efv), (tn, sn, fn, efn) = results["vegas"], results["numpy"]
    assert 0.5 < fv < 0.99  # the cuts do something
    assert efv < 0.01 and efn < 0.01
    assert abs(fv - fn) < 4 * math.hypot(efv, efn)
    assert abs(tv - tn) < 4 * math.hypot(sv, sn)
    assert sv < sn  # vegas' weights spread less


# --------------------------------------------------------------------------- check numbers
@pytest.mark.parametrize(
    ("m_n", "p_n", "helicity", "br_prod", "br_nuee", "majorana_width"),
    [
        (0.10, 0.224, -0.05, 1.20, 0.112, 5.15e-19),
        (0.20, 0.190, +0.47, 2.30, 0.0145, 1.27e-16),
        (0.30, 0.129, +0.55, 2.48, 0.0084, 1.67e-15),
        (0.38, 0.037, +0.24, 0.77, 0.0089, 5.16e-15),
    ],
)
def test_check_numbers(m_n, p_n, helicity, br_prod, br_nuee, majorana_width):
    """Check numbers computed for this package (K+ at rest, N mixing with nu_mu); tolerances are
    half a unit in the last printed digit, and 1 % where their s_W^2 = 0.2223 differs from ours
    (0.223)."""
    u2 = 1e-6
    meta = nuportal.generate(
        mass=m_n, coupling=u2, majorana=True, n_events=1000, method="numpy", seed=1
    ).attrs["metadata"]
    assert meta["momentum_GeV"] == pytest.approx(p_n, abs=5e-4)
    assert meta["polarization"] == pytest.approx(helicity, abs=5e-3)
    assert meta["production_branching_ratio"] / u2 == pytest.approx(br_prod, abs=5e-3)
    assert meta["decay_branching_ratio"] == pytest.approx(br_nuee, rel=0.01)
    assert meta["total_width_GeV"] / u2 == pytest.approx(majorana_width, rel=0.01)


def test_check_numbers_scalar():
    theta = 1e-4
    meta = nuportal.generate(model="scalar", mass=0.1, coupling=theta, n_events=1000, seed=1).attrs[
        "metadata"
    ]
    width_ee = meta["total_width_GeV"] * meta["decay_branching_ratio"]
    assert width_ee / theta**2 == pytest.approx(1.71e-14, rel=0.005)
    assert 1.7e-3 <= meta["production_branching_ratio"] / theta**2 <= 1.8e-3
    assert meta["polarization"] == 0.0


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"mass": 0.5}, "mass"),  # above m_K - m_mu
        ({"mass": 0.389}, "mass"),  # just above m_K - m_mu = 0.3880 GeV
        ({"model": "scalar", "mass": 0.36}, "mass"),  # above m_K - m_pi
        ({"mass": float("nan")}, "mass"),
        ({"mass": -0.1}, "mass"),
        ({"coupling": -1e-6}, "coupling"),
        ({"coupling": float("nan")}, "coupling"),
        ({"coupling": 0.0}, "coupling"),
        ({"model": "scalar", "coupling": -1e-4}, "coupling"),
        ({"detector": "nova"}, "detector"),
        ({"source": "bnb"}, "source"),
        ({"n_events": 0}, "n_events"),
        ({"n_events": -5}, "n_events"),
        ({"method": "mcmc"}, "method"),
        ({"model": "axion"}, "model"),
        ({"mixing": "tau"}, "mixing"),
    ],
)
def test_bad_input_raises_value_error_naming_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=name):
        nuportal.generate(n_events=kwargs.pop("n_events", 10), **kwargs)
