"""Dark Compton scattering gamma e -> A' e: cross sections, limits, sampler, kinematics."""

from __future__ import annotations

import itertools
import math
from functools import partial
from types import SimpleNamespace

import numpy as np
import pytest
from scipy import integrate, stats

from nuportal.sources.shower.dark_annihilation import dark_annihilation_amplitude_squared
from nuportal.sources.shower.dark_compton import (
    DarkCompton,
    dark_compton_amplitude_squared,
    dark_compton_cross_section,
    dark_compton_dsigma_dcos,
    dark_compton_threshold,
)
from nuportal.sources.shower.processes import DarkProducts, Species
from nuportal.sources.shower.qed_constants import ALPHA, HBARC_GEV_CM, M_E

approx = partial(pytest.approx, abs=0.0)
LEAD = SimpleNamespace(Z=82)
R_E = ALPHA * HBARC_GEV_CM / M_E  # classical electron radius [cm]


def klein_nishina_total(e_gamma):
    """Klein-Nishina (Z. Phys. 52 (1929) 853), per electron [cm^2], typed in independently of the
    module."""
    k = e_gamma / M_E
    return (
        2
        * math.pi
        * R_E**2
        * (
            (1 + k) / k**2 * (2 * (1 + k) / (1 + 2 * k) - math.log(1 + 2 * k) / k)
            + math.log(1 + 2 * k) / (2 * k)
            - (1 + 3 * k) / (1 + 2 * k) ** 2
        )
    )


def klein_nishina_dcos_lab(e_gamma, cos_lab):
    """dsigma/dcos(theta_lab) = 2 pi (r_e^2/2)(E'/E)^2 (E'/E + E/E' - sin^2) [cm^2]."""
    ratio = 1 / (1 + e_gamma / M_E * (1 - cos_lab))
    return math.pi * R_E**2 * ratio**2 * (ratio + 1 / ratio - (1 - cos_lab**2))


def cm_kinematics(e_gamma, mass):
    """Independent CM kinematics: k*, p'*, E_e*, E'* and V(cos*) = 2 m E'_lab - M^2."""
    s = M_E**2 + 2 * M_E * e_gamma
    rs = math.sqrt(s)
    k = (s - M_E**2) / (2 * rs)
    p = math.sqrt((s - (mass + M_E) ** 2) * (s - (mass - M_E) ** 2)) / (2 * rs)
    e_e = math.sqrt(k * k + M_E**2)
    e_a = math.sqrt(p * p + mass**2)
    return k, p, e_e, e_a


def test_note_check_numbers():
    """Check values computed for this package: 9.43e-28 (1 GeV, 10 MeV), 1.387e-28 (10 GeV, 10
    MeV), 3.49e-29 cm^2
    (10 GeV, 100 MeV) per electron at eps = 1. Obtained 9.4283e-28, 1.38681e-28, 3.49247e-29."""
    got = dark_compton_cross_section([1.0, 10.0, 10.0], [0.01, 0.01, 0.1])
    np.testing.assert_allclose(got, [9.43e-28, 1.387e-28, 3.49e-29], rtol=1e-3)


@pytest.mark.parametrize("e_gamma", [1e-4, 1e-3, 0.01, 0.1, 1.0, 100.0])
def test_massless_limit_total_is_klein_nishina(e_gamma):
    """Way 1: the closed-form total at M = 0 against the KN formula (values computed for this
    package:
    0.2112 b at 1 MeV, 1.117 mb at 1 GeV); and a tiny M approaches it continuously."""
    assert dark_compton_cross_section(e_gamma, 0.0) == approx(
        klein_nishina_total(e_gamma), rel=1e-9
    )
    if e_gamma >= 0.01:
        assert dark_compton_cross_section(e_gamma, 1e-6) == approx(
            klein_nishina_total(e_gamma), rel=1e-3
        )


def test_klein_nishina_check_values():
    got = dark_compton_cross_section([1e-3, 1.0], 0.0)
    np.testing.assert_allclose(got, [0.2112e-24, 1.117e-27], rtol=5e-4)


@pytest.mark.parametrize("e_gamma", [0.0005, 0.02, 3.0])
def test_massless_limit_differential_is_klein_nishina(e_gamma):
    """Way 2: the amplitude's CM angular distribution at M = 0, transformed to the lab angle,
    against the KN dsigma/dcos(theta_lab). For M = 0, E' = E/(1 + kappa (1 - cos)), V = 2 m E',
    cos* = (V - V_lo)/(2 k* p'*) - 1 and dcos*/dcos_lab = E'^2/k*^2."""
    k, p, _, _ = cm_kinematics(e_gamma, 0.0)
    v_lo = 2 * M_E * e_gamma / (1 + 2 * e_gamma / M_E)
    for cos_lab in [-1.0, -0.3, 0.2, 0.9, 0.999]:
        e_prime = e_gamma / (1 + e_gamma / M_E * (1 - cos_lab))
        cos_cm = (2 * M_E * e_prime - v_lo) / (2 * k * p) - 1
        ours = dark_compton_dsigma_dcos(e_gamma, np.clip(cos_cm, -1, 1), 0.0) * e_prime**2 / k**2
        assert ours == approx(klein_nishina_dcos_lab(e_gamma, cos_lab), rel=1e-7)


def test_threshold():
    m = 0.01
    e_th = m + m * m / (2 * M_E)
    assert dark_compton_threshold(m) == approx(e_th, rel=1e-15)
    assert dark_compton_threshold(0.1) == approx(9.885, rel=1e-3)  # E = M + M^2/(2 m_e)
    got = dark_compton_cross_section([0.0, e_th * (1 - 1e-9), e_th, e_th * (1 + 1e-6)], m)
    assert got[0] == 0.0 and got[1] == 0.0 and got[2] == 0.0 and got[3] > 0.0
    # phase-space onset: sigma ~ p'* ~ sqrt(E - E_th)
    ratio = dark_compton_cross_section(e_th * (1 + 4e-8), m) / dark_compton_cross_section(
        e_th * (1 + 1e-8), m
    )
    assert ratio == approx(2.0, rel=1e-4)
    assert np.all(dark_compton_dsigma_dcos(e_th * 0.99, np.linspace(-1, 1, 5), m) == 0.0)


@pytest.mark.parametrize(
    ("e_gamma", "mass"), [(0.2, 0.01), (10.0, 0.1), (9.9, 0.1), (0.003, 1e-3), (200.0, 0.005)]
)
def test_dsigma_dcos_integrates_to_total(e_gamma, mass):
    """The closed-form total against a quadrature of dsigma/dcos*; the backward (cos* -> -1)
    u-channel peak is integrated in ln(1 + cos*)."""

    def integrand(x):
        c = -1.0 + math.exp(x)
        return dark_compton_dsigma_dcos(e_gamma, min(c, 1.0), mass) * math.exp(x)

    k, p, e_e, e_a = cm_kinematics(e_gamma, mass)
    x_peak = math.log((2 * (e_e * e_a - k * p) - mass**2) / (2 * k * p))  # width of the peak
    cuts = [-60.0, x_peak - 6.0, x_peak + 6.0, math.log(2.0)]
    cuts = sorted(min(max(c, -60.0), math.log(2.0)) for c in cuts)
    total = sum(
        integrate.quad(integrand, a, b, limit=200, epsrel=1e-10)[0]
        for a, b in itertools.pairwise(cuts)
    )
    assert total == approx(dark_compton_cross_section(e_gamma, mass), rel=1e-8)


def test_crossing_to_annihilation_amplitude():
    """Crossing gamma(k) e(p) -> A'(k') e(p') into e+(p+) e-(p) -> gamma A':
    s_C = u_A, t_C = s_A, and |A_ann|^2(s, t) = -|A_C|^2(u, s) (one fermion crossed)."""
    rng = np.random.default_rng(7)
    for mass in [0.0, 0.003, 0.05]:
        e_pos = mass**2 / M_E + rng.uniform(0.01, 50.0, 20)
        s = 2 * M_E**2 + 2 * M_E * e_pos
        # t between its physical limits
        rs = np.sqrt(s)
        p_in = np.sqrt(s / 4 - M_E**2)
        e_gam = (s - mass**2) / (2 * rs)
        cos = rng.uniform(-0.99, 0.99, 20)
        t = M_E**2 - 2 * e_gam * (rs / 2 - p_in * cos)
        u = 2 * M_E**2 + mass**2 - s - t
        ann = dark_annihilation_amplitude_squared(s, t, mass)
        compton = dark_compton_amplitude_squared(u, s, mass)
        np.testing.assert_allclose(ann, -compton, rtol=1e-9)


def test_amplitude_note_form():
    """The code's rewritten bracket equals the form derived for this package, typed in
    with S and U."""
    s_mand, t_mand, mass = 0.02, -3e-4, 0.01
    big_s = s_mand - M_E**2
    u = 2 * M_E**2 + mass**2 - s_mand - t_mand
    big_u = u - M_E**2
    m2 = M_E**2
    typed = 2 * (
        -big_u / big_s
        - big_s / big_u
        + 4 * m2 * (1 / big_s + 1 / big_u)
        + 4 * m2**2 * (1 / big_s + 1 / big_u) ** 2
    ) + 4 * mass**2 * (
        m2 * (1 / big_s**2 + 1 / big_u**2) + 1 / big_s + 1 / big_u - mass**2 / (big_s * big_u)
    )
    e4 = (4 * math.pi * ALPHA) ** 2
    assert dark_compton_amplitude_squared(s_mand, t_mand, mass) == approx(e4 * typed, rel=1e-12)


# ------------------------------------------------------------------------ the process class
def test_process_interface_and_table():
    proc = DarkCompton(LEAD, 0.01)
    assert proc.name == "dark_compton" and proc.incoming is Species.PHOTON
    rng = np.random.default_rng(3)
    energies = np.exp(rng.uniform(math.log(proc.threshold * 1.000001), math.log(3e4), 20000))
    table = proc.cross_section(energies)
    direct = 82 * dark_compton_cross_section(energies, 0.01)
    np.testing.assert_allclose(table, direct, rtol=1e-4)  # interpolation error ~1e-5
    assert proc.cross_section(1.0) == approx(82 * 9.4283e-28, rel=1e-4)
    below = proc.cross_section(np.array([[0.0, 0.05], [proc.threshold, 2.0]]))
    assert below.shape == (2, 2)
    assert below[0, 0] == 0.0 and below[0, 1] == 0.0 and below[1, 0] == 0.0 and below[1, 1] > 0


def test_bad_input():
    with pytest.raises(ValueError, match="mass"):
        DarkCompton(LEAD, 0.0)
    with pytest.raises(ValueError, match="mass"):
        dark_compton_cross_section(1.0, -0.01)
    with pytest.raises(ValueError, match="mass"):
        dark_compton_cross_section(1.0, math.nan)
    with pytest.raises(ValueError, match="material"):
        DarkCompton(object(), 0.01)
    with pytest.raises(ValueError, match="Z"):
        DarkCompton(SimpleNamespace(Z=0), 0.01)
    proc = DarkCompton(LEAD, 0.01)
    with pytest.raises(ValueError, match="energy"):
        proc.cross_section([1.0, math.nan])
    with pytest.raises(ValueError, match="threshold"):
        proc.sample([1.0, 0.1], np.random.default_rng(0))
    with pytest.raises(ValueError, match="cos_theta_cm"):
        dark_compton_dsigma_dcos(1.0, 1.5, 0.01)


@pytest.mark.parametrize(("e_gamma", "mass"), [(0.5, 0.01), (30.0, 0.05), (0.0012, 2e-4)])
def test_sampler_matches_dsigma_dcos(e_gamma, mass):
    """Histogram of cos* (recovered from the lab A' energy: V = 2 m E' - M^2,
    cos* = (V - V_lo)/(2 k* p'*) - 1) against the bin integrals of dsigma/dcos*, chi^2 test.
    Bins are log-spaced in 1 + cos* to resolve the backward u-channel peak. With 200k events
    the Pearson chi^2 follows chi^2(nbins - 1); we require p > 1e-3 (fixed seed)."""
    proc = DarkCompton(LEAD, mass)
    n = 200_000
    out = proc.sample(np.full(n, e_gamma), np.random.default_rng(11))
    assert isinstance(out, DarkProducts)
    k, p, e_e, e_a = cm_kinematics(e_gamma, mass)
    v_lo = 2 * (e_e * e_a - k * p) - mass**2
    one_plus_cos = (2 * M_E * out.energy - mass**2 - v_lo) / (2 * k * p)
    edges = np.concatenate([[0.0], np.geomspace(1e-6, 2.0, 31)])
    edges[-1] = 2.0 + 1e-12
    observed, _ = np.histogram(one_plus_cos, edges)
    sigma = dark_compton_cross_section(e_gamma, mass)
    probs = (
        np.array(
            [
                integrate.quad(
                    lambda x: dark_compton_dsigma_dcos(e_gamma, min(x - 1.0, 1.0), mass),
                    lo,
                    min(hi, 2.0),
                    epsrel=1e-10,
                )[0]
                for lo, hi in itertools.pairwise(edges)
            ]
        )
        / sigma
    )
    assert probs.sum() == approx(1.0, rel=1e-6)
    expected = n * probs
    keep = expected > 5
    chi2 = np.sum((observed[keep] - expected[keep]) ** 2 / expected[keep])
    assert stats.chi2.sf(chi2, keep.sum() - 1) > 1e-3
    assert observed[~keep].sum() <= max(5 * expected[~keep].sum(), 10)


@pytest.mark.parametrize(("e_gamma", "mass"), [(1.0, 0.01), (100.0, 0.1), (0.11, 0.01)])
def test_lab_kinematics(e_gamma, mass):
    """A' on shell with E_A' >= M, and the recoil electron p' = k + p - k' is on shell:
    E'_e^2 - |p'_e|^2 = m_e^2 (energy conservation closes exactly)."""
    proc = DarkCompton(LEAD, mass)
    out = proc.sample(np.full(20000, e_gamma), np.random.default_rng(5))
    e_a, c = out.energy, out.cos_theta
    assert np.all(e_a >= mass) and np.all(np.abs(c) <= 1.0)
    p_a = np.sqrt(e_a**2 - mass**2)
    e_rec = e_gamma + M_E - e_a
    pz = e_gamma - p_a * c
    px = p_a * np.sqrt(1 - c**2)
    m2 = (e_rec - pz) * (e_rec + pz) - px**2
    np.testing.assert_allclose(m2, M_E**2, rtol=0.0, atol=1e-13 * e_gamma**2 + 1e-12 * M_E**2)
    # E_A' within the two-body limits from the CM boost
    _, p, _, e_star = cm_kinematics(e_gamma, mass)
    gamma = (e_gamma + M_E) / math.sqrt(M_E**2 + 2 * M_E * e_gamma)
    beta = e_gamma / (e_gamma + M_E)
    lo, hi = gamma * (e_star - beta * p), gamma * (e_star + beta * p)
    assert np.all(e_a >= lo * (1 - 1e-12)) and np.all(e_a <= hi * (1 + 1e-12))


def test_sampler_scalar_and_shape_and_reproducible():
    proc = DarkCompton(LEAD, 0.02)
    one = proc.sample(5.0, np.random.default_rng(1))
    assert np.shape(one.energy) == () and np.shape(one.cos_theta) == ()
    grid = proc.sample(np.full((3, 4), 5.0), np.random.default_rng(1))
    assert grid.energy.shape == (3, 4)
    again = proc.sample(np.full((3, 4), 5.0), np.random.default_rng(1))
    np.testing.assert_array_equal(grid.energy, again.energy)
