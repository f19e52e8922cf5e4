"""Tests of nuportal.models.scalar (Higgs-portal scalar widths and production in kaon decays)."""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import pytest
from scipy import integrate

from nuportal import constants
from nuportal.models import (
    SCALAR_MAX_MASS,
    HiggsPortalScalar,
    br_kaon_to_pion_scalar,
    br_klong_to_pion_scalar,
    width_kaon_to_pion_scalar,
    width_scalar_gamma_gamma,
    width_scalar_leptons,
    width_scalar_pions,
)
from nuportal.models.scalar import IM_LAMBDA_T, _f_loop, loop_amplitude_fermion, loop_amplitude_w

VEV_REF = 246.22

# pytest.approx adds abs=1e-12 by default, which would make every width (1e-14 GeV or less)
# compare equal to anything: use purely relative tolerances unless abs is given.
approx = partial(pytest.approx, abs=0.0)


def test_electron_widths_check_values():
    """Check values computed for this package: Gamma(S -> e+e-)/theta^2 = 1.71e-14, 2.57e-14,
    3.43e-14 GeV (3 digits)."""
    m = np.array([0.10, 0.15, 0.20])
    got = width_scalar_leptons(m, constants.M_ELECTRON, 1.0, vev=VEV_REF)
    np.testing.assert_allclose(got, [1.71e-14, 2.57e-14, 3.43e-14], rtol=4e-3)
    s = HiggsPortalScalar(m, 1.0, vev=VEV_REF)
    np.testing.assert_allclose(s.partial_widths()["e+ e-"], got, rtol=1e-14)


def test_lepton_width_threshold_and_scaling():
    mmu = constants.M_MUON
    w = width_scalar_leptons(np.array([0.2, 2 * mmu, 2 * mmu * 1.0001, 0.5]), mmu, 1e-3)
    assert w[0] == 0.0 and w[1] == 0.0 and 0 < w[2] < w[3]
    # beta^3 threshold behaviour
    beta = math.sqrt(1 - 1 / 1.0001**2)
    expected = 1e-6 * mmu**2 * 2 * mmu * 1.0001 / (8 * math.pi * constants.HIGGS_VEV**2) * beta**3
    assert w[2] == approx(expected, rel=1e-6)
    assert width_scalar_leptons(0.3, mmu, 2e-3) == approx(4 * width_scalar_leptons(0.3, mmu, 1e-3))


@pytest.mark.parametrize("tau", [0.05, 0.3, 0.9, 1.0 - 1e-9, 1.5, 3.0, 50.0, 1e4])
def test_loop_function_f_against_feynman_parameter_integral(tau):
    """Independent route: f(tau) = -1/2 int_0^1 dx/x ln[1 - 4 tau x (1 - x) - i0]."""

    def arg(x):
        return 1 - 4 * tau * x * (1 - x)

    def re(x):
        return -0.5 * math.log(abs(arg(x))) / x

    def im(x):  # ln(negative - i0) = ln|.| - i pi
        return -0.5 * (-math.pi if arg(x) < 0 else 0.0) / x

    pts = None
    if tau > 1:
        r = math.sqrt(1 - 1 / tau)
        pts = [(1 - r) / 2, (1 + r) / 2]
    val_re = integrate.quad(re, 0, 1, points=pts, limit=200, epsrel=1e-11)[0]
    val_im = integrate.quad(im, 0, 1, points=pts, limit=200, epsrel=1e-11)[0]
    f = complex(_f_loop(np.array(tau)))
    assert f.real == approx(val_re, rel=1e-8, abs=1e-12)
    assert f.imag == approx(val_im, rel=1e-8, abs=1e-12)


def test_loop_amplitude_limits_and_continuity():
    assert loop_amplitude_fermion(1e-9) == approx(4 / 3, rel=1e-8)
    assert loop_amplitude_w(1e-9) == approx(-7.0, rel=1e-8)
    assert loop_amplitude_fermion(1.0) == approx(2.0, rel=1e-14)  # f(1) = pi^2/4
    assert loop_amplitude_w(1.0) == approx(-(5 + 3 * math.pi**2 / 4), rel=1e-14)
    # series (tau < 0.1) against the direct formula evaluated just above the switch
    for fn in (loop_amplitude_fermion, loop_amplitude_w):
        below, above = fn(np.array([0.1 - 1e-12, 0.1]))
        assert below == approx(above, rel=1e-10)
    # direct formula at tau = 0.05 (cancellation-free enough in double precision)
    tau = 0.05
    f = math.asin(math.sqrt(tau)) ** 2
    assert loop_amplitude_fermion(tau) == approx(2 * (tau + (tau - 1) * f) / tau**2, rel=1e-11)
    assert loop_amplitude_w(tau) == approx(
        -(2 * tau**2 + 3 * tau + 3 * (2 * tau - 1) * f) / tau**2, rel=1e-11
    )
    # a light fermion decouples: A_1/2 -> 0 for tau -> infinity
    assert abs(loop_amplitude_fermion(1e8)) < 1e-5


def test_gamma_gamma_heavy_loop_limit():
    """For m_S << all loop masses except the electron, A -> -7 + 16/9 + 4/3 (tau) + A(mu) + A(e)."""
    m = 1e-4  # far below 2 m_e every loop particle is heavy: A = -7 + 16/9 + 3 * 4/3
    expected = (
        1e-6 * constants.ALPHA_EM**2 * m**3 / (256 * math.pi**3 * constants.HIGGS_VEV**2)
        * (-7 + 16 / 9 + 4) ** 2
    )  # fmt: skip
    assert width_scalar_gamma_gamma(m, 1e-3) == approx(expected, rel=1e-2)  # A_e = 4/3 + O(tau_e)


def test_pion_widths():
    mpi, mpi0 = constants.M_PI_CHARGED, constants.M_PI0
    m = np.array([0.2, 2 * mpi0 * 1.001, 0.3, 0.5])
    charged = width_scalar_pions(m, 1e-3, True)
    neutral = width_scalar_pions(m, 1e-3, False)
    assert charged[0] == 0.0 and charged[1] == 0.0 and neutral[0] == 0.0 and neutral[1] > 0
    # Bezrukov-Gorbunov total 3 theta^2 m^3/(32 pi v^2)(2/9 + 11/9 m_pi^2/m^2)^2 beta, isospin
    # limit: charged = 2/3 of it with m_pi+, neutral = 1/3 of it with m_pi0
    for mass_pi, width, frac in ((mpi, charged, 2 / 3), (mpi0, neutral, 1 / 3)):
        beta = np.sqrt(np.clip(1 - 4 * mass_pi**2 / m**2, 0, None))
        bg = (
            3e-6
            * m**3
            / (32 * np.pi * constants.HIGGS_VEV**2)
            * (2 / 9 + 11 / 9 * mass_pi**2 / m**2) ** 2
        )
        np.testing.assert_allclose(width, frac * bg * beta, rtol=1e-13)


def test_model_channels_branching_ratios_and_lengths():
    m = np.array([0.05, 0.15, 0.25, 0.35, 0.6, 0.9])
    s = HiggsPortalScalar(m, 1e-4)
    brs = s.branching_ratios()
    np.testing.assert_allclose(sum(brs.values()), 1.0, rtol=1e-13)
    assert set(s.channels) == {"e+ e-", "mu+ mu-", "gamma gamma", "pi+ pi-", "pi0 pi0"}
    assert brs["e+ e-"][1] > 0.9  # below 2 m_mu: e+e- dominates, gamma gamma a few per cent
    assert brs["mu+ mu-"][1] == 0.0 and brs["mu+ mu-"][2] > 0.99
    assert brs["pi+ pi-"][3] > brs["mu+ mu-"][3]
    assert s.lifetime == approx(constants.HBAR / s.total_width, rel=1e-14)
    np.testing.assert_allclose(s.ctau, constants.HBARC / s.total_width, rtol=1e-9)
    np.testing.assert_allclose(s.decay_length(np.full(6, 0.2)), s.ctau * 0.2 / m)
    one = HiggsPortalScalar(0.2, 4e-4)
    assert isinstance(one.decay_length(0.1), float)
    assert one.branching_ratio("e+ e-") == approx(1 - one.branching_ratio("gamma gamma"))


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((0.0, 1e-3), "mass"),
        ((float("nan"), 1e-3), "mass"),
        ((SCALAR_MAX_MASS, 1e-3), "implemented range"),
        ((0.2, -1e-3), "theta"),
        ((0.2, 2.0), "theta"),
        ((0.2, float("inf")), "theta"),
    ],
)
def test_bad_model_input(args, match):
    with pytest.raises(ValueError, match=match):
        HiggsPortalScalar(*args)


def test_zero_mixing_and_unknown_channel():
    s = HiggsPortalScalar(0.2, 0.0)
    assert s.lifetime == math.inf
    with pytest.raises(ValueError, match="theta = 0"):
        s.branching_ratios()
    with pytest.raises(ValueError, match="known channels"):
        HiggsPortalScalar(0.2, 1e-3).branching_ratio("nu nu")
    with pytest.raises(ValueError, match="momentum"):
        HiggsPortalScalar(0.2, 1e-3).decay_length(-0.1)


# ------------------------------------------------------------------------ K -> pi S
def test_kaon_to_pion_scalar_check_numbers():
    """Batell et al. arXiv:1909.11670 eq. 5 (computed for this package): Br(K+ -> pi+ S)/theta^2 =
    1.7e-3 to 1.8e-3 at m_S = 0.1 GeV, 2 p_S/m_K = 0.8715."""
    fp = br_kaon_to_pion_scalar(0.1, 1.0)
    assert 1.7e-3 <= fp <= 1.81e-3
    approximate = br_kaon_to_pion_scalar(0.1, 1.0, form="approximate")
    assert approximate == approx(2.0e-3 * 0.8715, rel=2e-4)
    km = br_kaon_to_pion_scalar(0.1, 1.0, form="kelly-machado")
    assert km == approx(0.5 * approximate, rel=1e-14)


def test_kaon_to_pion_scalar_forms_have_the_same_shape():
    m = np.linspace(0.0, 0.35, 15)
    ratio = br_kaon_to_pion_scalar(m, 1e-3) / br_kaon_to_pion_scalar(m, 1e-3, form="approximate")
    np.testing.assert_allclose(ratio, ratio[0], rtol=1e-12)
    assert ratio[0] == approx(1.03, abs=0.03)


def test_kaon_to_pion_scalar_width_from_the_hsd_vertex():
    """Independent route: L = g h dbar P_R s with g = 3 sqrt2 G_F m_t^2 m_s V_ts V_td / (16 pi^2 v)
    (Leutwyler-Shifman), <pi+|dbar s|K+> ~ m_K^2/m_s: |M| = theta g m_K^2 / (2 m_s), and
    Gamma = |M|^2 p / (8 pi m_K^2)."""
    m_s, theta = 0.12, 1e-3
    g = 3 * math.sqrt(2) * constants.G_FERMI * constants.M_TOP**2 * m_s
    g *= constants.CKM_VTD * constants.CKM_VTS / (16 * math.pi**2 * constants.HIGGS_VEV)
    amp = theta * g * constants.M_K_CHARGED**2 / (2 * m_s)
    mk, mpi = constants.M_K_CHARGED, constants.M_PI_CHARGED
    p = math.sqrt((mk**2 - (0.2 + mpi) ** 2) * (mk**2 - (0.2 - mpi) ** 2)) / (2 * mk)
    expected = amp**2 * p / (8 * math.pi * mk**2)
    assert width_kaon_to_pion_scalar(0.2, theta) == approx(expected, rel=1e-10)


def test_klong_to_pion_scalar():
    m = 0.15
    ratio = br_klong_to_pion_scalar(m, 1e-3) / br_kaon_to_pion_scalar(m, 1e-3)
    mk, mkl = constants.M_K_CHARGED, constants.M_K_LONG
    mpi, mpi0 = constants.M_PI_CHARGED, constants.M_PI0
    lam = (1 - (m / mkl) ** 2 - (mpi0 / mkl) ** 2) ** 2 - 4 * (m / mkl) ** 2 * (mpi0 / mkl) ** 2
    lam_p = (1 - (m / mk) ** 2 - (mpi / mk) ** 2) ** 2 - 4 * (m / mk) ** 2 * (mpi / mk) ** 2
    expected = (IM_LAMBDA_T / (constants.CKM_VTD * constants.CKM_VTS)) ** 2
    expected *= constants.lifetime("K(L)0") / constants.lifetime("K+") * (mkl / mk) ** 3
    expected *= math.sqrt(lam / lam_p)
    assert ratio == approx(expected, rel=1e-10)
    assert 0.1 < IM_LAMBDA_T / (constants.CKM_VTD * constants.CKM_VTS) < 0.5  # |sin(beta)|-like
    assert br_klong_to_pion_scalar(0.4, 1e-3) == 0.0


def test_kaon_to_pion_scalar_closed_and_bad_input():
    edge = constants.M_K_CHARGED - constants.M_PI_CHARGED
    for form in ("first-principles", "approximate", "kelly-machado"):
        assert br_kaon_to_pion_scalar(edge, 1e-3, form=form) == 0.0
        out = br_kaon_to_pion_scalar(np.array([0.1, 0.36, 0.5]), 1e-3, form=form)
        assert out[0] > 0 and out[1] == 0.0 and out[2] == 0.0
    with pytest.raises(ValueError, match="form"):
        br_kaon_to_pion_scalar(0.1, 1e-3, form="exact")
    with pytest.raises(ValueError, match="m_S"):
        br_kaon_to_pion_scalar(-0.1, 1e-3)
    with pytest.raises(ValueError, match="m_S"):
        br_kaon_to_pion_scalar(float("nan"), 1e-3, form="approximate")
    with pytest.raises(ValueError, match="theta"):
        br_kaon_to_pion_scalar(0.1, -1e-3)
