"""Tests of nuportal.models.hnl and nuportal.models.hnl_hadronic (HNL decay widths)."""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate

from nuportal import constants
from nuportal.kinematics import dalitz_limits, kallen
from nuportal.models import (
    HeavyNeutralLepton,
    cc_phase_space,
    cc_phase_space_one_mass,
    loop_function_L,
    nu_ll_couplings,
    width_3nu_dirac,
    width_cc_lll_dirac,
    width_lepton_pseudoscalar,
    width_lepton_vector,
    width_nu_ll_dirac,
    width_nu_pseudoscalar,
    width_nu_vector,
)

# Inputs of the check table below (check numbers computed for this package).
GF_REF = 1.16638e-5
SW2_REF = 0.2223
M_E, M_MU = constants.M_ELECTRON, constants.M_MUON

# pytest.approx adds abs=1e-12 by default, which would make every width (1e-14 GeV or less)
# compare equal to anything: use purely relative tolerances unless abs is given.
approx = partial(pytest.approx, abs=0.0)


def prefactor(m, gf=GF_REF):
    return gf**2 * m**5 / (192.0 * math.pi**3)


# ------------------------------------------------------------------------ couplings, L(x), f1, f2
@pytest.mark.parametrize("s2", [0.2223, 0.23129])
def test_couplings_reproduce_c1_c2(s2):
    # neutral current only (a != b): C1 = (1 - 4 s^2 + 8 s^4)/4, C2 = s^2 (2 s^2 - 1)/2
    g_l, g_r = nu_ll_couplings("mu", "e", s2)
    assert g_l**2 + g_r**2 == approx((1 - 4 * s2 + 8 * s2**2) / 4, rel=1e-14)
    assert g_l * g_r == approx(s2 * (2 * s2 - 1) / 2, rel=1e-14)
    # charged current interferes (a == b): C1 = (1 + 4 s^2 + 8 s^4)/4, C2 = s^2 (2 s^2 + 1)/2
    g_l, g_r = nu_ll_couplings("e", "e", s2)
    assert g_l**2 + g_r**2 == approx((1 + 4 * s2 + 8 * s2**2) / 4, rel=1e-14)
    assert g_l * g_r == approx(s2 * (2 * s2 + 1) / 2, rel=1e-14)


def test_couplings_reject_bad_input():
    with pytest.raises(ValueError, match="mixing"):
        nu_ll_couplings("muon", "e", 0.22)
    with pytest.raises(ValueError, match="lepton"):
        nu_ll_couplings("mu", "x", 0.22)
    with pytest.raises(ValueError, match="sin2_theta_w"):
        nu_ll_couplings("mu", "e", float("nan"))


def test_stable_L_equals_paper_form_where_both_are_stable():
    # the paper's form loses digits as x -> 0 (2e-8 relative at x = 0.02), so compare from 0.1
    x = np.linspace(0.1, 0.4999, 200)
    r = np.sqrt(1 - 4 * x**2)
    paper = np.log((1 - 3 * x**2 - (1 - x**2) * r) / (x**2 * (1 + r)))
    np.testing.assert_allclose(loop_function_L(x), paper, rtol=1e-9, atol=1e-12)


def test_stable_L_for_tiny_x_and_at_threshold():
    x = M_E / 1.0
    # asymptotic form L ~ 4 ln(x) + x^2 terms; the paper form cancels to garbage here
    assert loop_function_L(x) == approx(4 * math.log(x) + 4 * x**2, rel=1e-10)
    assert loop_function_L(0.5) == 0.0
    assert np.isfinite(loop_function_L(np.array([1e-12, 0.5, 0.7]))).all()


def test_massless_limit_of_three_body_width():
    g_l, g_r = nu_ll_couplings("mu", "e", SW2_REF)
    m = np.array([0.05, 0.3, 1.0])
    exact = prefactor(m) * (g_l**2 + g_r**2)
    np.testing.assert_allclose(
        width_nu_ll_dirac(m, 0.0, g_l, g_r, g_fermi=GF_REF), exact, rtol=1e-14
    )
    # electron at 1 GeV: f1 = 1 - 16 x^2 + O(x^4 ln x), f2 = 8 x^2 + O(x^4 ln x), x^2 = 2.6e-7
    x2 = M_E**2
    w = width_nu_ll_dirac(1.0, M_E, g_l, g_r, g_fermi=GF_REF)
    first_order = prefactor(1.0) * ((g_l**2 + g_r**2) * (1 - 16 * x2) + g_l * g_r * 8 * x2)
    assert w == approx(first_order, rel=1e-10)
    assert w != approx(exact[-1], rel=1e-6)  # the mass correction is resolved


def test_three_body_width_at_and_below_threshold_is_zero_not_nan():
    g_l, g_r = nu_ll_couplings("mu", "mu", 0.22)
    w = width_nu_ll_dirac(np.array([0.1, 2 * M_MU, 2 * M_MU * (1 + 1e-12)]), M_MU, g_l, g_r)
    assert np.all(np.isfinite(w))
    assert w[0] == 0.0 and w[1] == 0.0
    # threshold behaviour f1 ~ f2 ~ (32/35) r^7, r = sqrt(1 - 4 x^2)
    x = M_MU / (2 * M_MU * (1 + 1e-12))
    r7 = (1 - 4 * x**2) ** 3.5
    expected = constants.G_FERMI**2 * (2 * M_MU * (1 + 1e-12)) ** 5 / (192 * math.pi**3)
    expected *= (g_l**2 + g_r**2 + g_l * g_r) * 32 / 35 * r7
    assert w[2] == approx(expected, rel=1e-4)
    assert isinstance(width_nu_ll_dirac(0.2, M_MU, g_l, g_r), float)


def _dalitz_integral(m_n, m1, m2, m3, msq, opts=None):
    """Integrate |M|^2(s12, s23) over the Dalitz plot: Gamma = int |M|^2 / (256 pi^3 M^3)."""
    s12_lo, s12_hi = (m1 + m2) ** 2, (m_n - m3) ** 2

    def lo(s12):
        return float(dalitz_limits(m_n, m1, m2, m3, s12)[0])

    def hi(s12):
        return float(dalitz_limits(m_n, m1, m2, m3, s12)[1])

    val, _ = integrate.dblquad(
        lambda s23, s12: msq(s12, s23), s12_lo, s12_hi, lo, hi, **(opts or {})
    )
    return val / (256.0 * math.pi**3 * m_n**3)


@pytest.mark.parametrize(
    ("m_n", "lepton", "mixing"),
    [
        (0.3, "mu", "mu"),
        (0.38, "mu", "e"),
        (0.25, "mu", "mu"),
        (M_MU / 0.49, "mu", "mu"),
        (M_MU / 0.4995, "mu", "e"),
    ],
)
def test_three_body_width_matches_numerical_dalitz_integral(m_n, lepton, mixing):
    """Independent route: spin-averaged |M|^2 of a Dirac N -> nu l- l+ written with dot products,
    64 G_F^2 [g_L^2 (N.l+)(nu.l-) + g_R^2 (N.l-)(nu.l+) + g_L g_R m_l^2 (N.nu)] (de Gouvea & Kelly,
    arXiv:2104.05719, Table 3), integrated over the Dalitz plot with scipy."""
    ml = constants.LEPTON_MASS[lepton]
    g_l, g_r = nu_ll_couplings(mixing, lepton, SW2_REF)

    # particles: 1 = nu, 2 = l-, 3 = l+; s12 = (nu l-), s23 = (l- l+)
    def msq(s12, s23):
        s13 = m_n**2 + ml**2 + ml**2 - s12 - s23
        nu_lm = (s12 - ml**2) / 2
        nu_lp = (s13 - ml**2) / 2
        n_lp = (m_n**2 + ml**2 - s12) / 2  # (N - l+)^2 = s12
        n_lm = (m_n**2 + ml**2 - s13) / 2
        n_nu = (m_n**2 - s23) / 2
        return (
            64
            * GF_REF**2
            * (g_l**2 * n_lp * nu_lm + g_r**2 * n_lm * nu_lp + g_l * g_r * ml**2 * n_nu)
        )

    numeric = _dalitz_integral(m_n, 0.0, ml, ml, msq, {"epsrel": 1e-10, "epsabs": 0.0})
    closed = width_nu_ll_dirac(m_n, ml, g_l, g_r, g_fermi=GF_REF)
    assert numeric == approx(closed, rel=1e-6)


def test_f1_f2_near_threshold_against_high_precision():
    """The closed forms cancel near x = 1/2; the threshold series must keep full precision."""
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 40
    g_l, g_r = 0.7, 0.2

    def reference(x):
        x = mp.mpf(x)
        r = mp.sqrt(1 - 4 * x**2)
        ell = -4 * mp.log((1 + r) / (2 * x))
        f1 = (1 - 14 * x**2 - 2 * x**4 - 12 * x**6) * r + 12 * x**4 * (x**4 - 1) * ell
        f2 = 4 * (
            x**2 * (2 + 10 * x**2 - 12 * x**4) * r + 6 * x**4 * (1 - 2 * x**2 + 2 * x**4) * ell
        )
        return float((g_l**2 + g_r**2) * f1 + g_l * g_r * f2)

    for x in (1e-3, 0.2, 0.45, 0.47, 0.477, 0.48, 0.49, 0.499, 0.4999, 0.49999):
        m = 0.1 / x
        got = width_nu_ll_dirac(m, 0.1, g_l, g_r) / (
            constants.G_FERMI**2 * m**5 / (192 * math.pi**3)
        )
        assert got == approx(reference(0.1 / m), rel=1e-11), x


# ------------------------------------------------------------------------ charged current
def test_cc_function_reduces_to_one_mass_form():
    x = np.array([1e-3, 0.05, 0.2, 0.5, 0.8, 0.95])
    np.testing.assert_allclose(cc_phase_space(x, 0.0), cc_phase_space_one_mass(x), rtol=1e-9)
    np.testing.assert_allclose(cc_phase_space(0.0, x), cc_phase_space_one_mass(x), rtol=1e-9)
    # at x = 0.99 the closed form itself cancels (1.3e-9 out of O(1) terms): 1e-6 agreement
    assert cc_phase_space(0.99, 0.0) == approx(cc_phase_space_one_mass(0.99), rel=1e-6)
    assert cc_phase_space(0.0, 0.0) == approx(1.0, rel=1e-12)
    assert cc_phase_space(0.6, 0.4) == 0.0
    assert cc_phase_space(0.7, 0.5) == 0.0


@pytest.mark.parametrize(
    ("m_n", "m_a", "m_b"), [(0.3, M_MU, 0.08), (0.25, 0.05, M_MU), (0.2, M_MU, M_E)]
)
def test_cc_width_matches_numerical_dalitz_integral(m_n, m_a, m_b):
    """Independent route: |M|^2 = 64 G_F^2 (p_N . p_lb+)(p_la- . p_nu) (muon-decay structure),
    integrated over the Dalitz plot in the variables s12 = (l_a l_b), s23 = (l_b nu). A fictitious
    0.05-0.08 GeV lepton makes both masses matter."""

    # particles: 1 = l_a-, 2 = l_b+, 3 = nu_b
    def msq(s12, s23):
        s13 = m_n**2 + m_a**2 + m_b**2 - s12 - s23  # (l_a nu)
        la_nu = (s13 - m_a**2) / 2
        n_lb = (m_n**2 + m_b**2 - s13) / 2
        return 64 * GF_REF**2 * n_lb * la_nu

    numeric = _dalitz_integral(m_n, m_a, m_b, 0.0, msq, {"epsrel": 1e-10, "epsabs": 0.0})
    assert numeric == approx(width_cc_lll_dirac(m_n, m_a, m_b, g_fermi=GF_REF), rel=1e-6)


def test_width_functions_reject_bad_input():
    with pytest.raises(ValueError, match="mass"):
        width_nu_ll_dirac(-0.1, M_E, 0.1, 0.2)
    with pytest.raises(ValueError, match="mass"):
        width_3nu_dirac(float("nan"))
    with pytest.raises(ValueError, match="lepton_mass"):
        width_nu_ll_dirac(0.1, -1.0, 0.1, 0.2)
    with pytest.raises(ValueError, match="m_beta"):
        width_cc_lll_dirac(0.3, M_MU, float("inf"))


# ------------------------------------------------------------------------ two-body hadronic widths
def _gamma_matrices():
    i2, z2 = np.eye(2), np.zeros((2, 2))
    sig = [np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.array([[1, 0], [0, -1]])]
    g0 = np.block([[i2, z2], [z2, -i2]]).astype(complex)
    gs = [np.block([[z2, s], [-s, z2]]).astype(complex) for s in sig]
    g5 = np.block([[z2, i2], [i2, z2]]).astype(complex)
    return [g0, *gs], g5


GAMMA, GAMMA5 = _gamma_matrices()
METRIC = np.diag([1.0, -1.0, -1.0, -1.0])


def slash(p):
    return sum(METRIC[mu, mu] * p[mu] * GAMMA[mu] for mu in range(4))


def _two_body_momenta(m_n, m_l, m_h):
    p = math.sqrt(kallen(m_n**2, m_l**2, m_h**2)) / (2 * m_n)
    pn = np.array([m_n, 0, 0, 0.0])
    pl = np.array([math.hypot(p, m_l), 0, 0, p])
    ph = np.array([math.hypot(p, m_h), 0, 0, -p])
    return pn, pl, ph, p


def _trace_width(m_n, m_l, m_h, vector, coupling, ckm):
    """Gamma(N -> l- h+) from the explicit Dirac trace, M = (G_F/sqrt2) V c ubar_l O (1 - g5) u_N,
    O = pslash_h (pseudoscalar, c = f_h) or epsslash* summed over polarizations (vector, g_h)."""
    pn, pl, ph, p = _two_body_momenta(m_n, m_l, m_h)
    one = np.eye(4)
    left = slash(pl) + m_l * one
    right = slash(pn) + m_n * one
    if vector:
        pol = (
            -METRIC + np.outer(METRIC @ ph, METRIC @ ph) / m_h**2
        )  # -g^{mu nu} + p^mu p^nu/m^2 (lower)
        total = 0.0
        for mu in range(4):
            for nu in range(4):
                if pol[mu, nu] == 0:
                    continue
                a = GAMMA[mu] @ (one - GAMMA5)
                b = (one + GAMMA5) @ GAMMA[nu]
                total += pol[mu, nu] * np.trace(left @ a @ right @ b)
        spin_sum = total.real
    else:
        a = slash(ph) @ (one - GAMMA5)
        b = (one + GAMMA5) @ slash(ph)
        spin_sum = np.trace(left @ a @ right @ b).real
    msq = constants.G_FERMI**2 / 2 * ckm**2 * coupling**2 * spin_sum / 2  # average over N spin
    return msq * p / (8 * math.pi * m_n**2)


@pytest.mark.parametrize(
    ("m_n", "m_l", "m_h"), [(0.5, M_MU, 0.1396), (0.9, M_MU, 0.4937), (0.3, M_E, 0.1396)]
)
def test_lepton_pseudoscalar_width_matches_dirac_trace(m_n, m_l, m_h):
    expected = _trace_width(m_n, m_l, m_h, False, 0.13, 0.97)
    assert width_lepton_pseudoscalar(m_n, m_l, m_h, 0.13, 0.97) == approx(expected, rel=1e-10)


@pytest.mark.parametrize(
    ("m_n", "m_l", "m_h"), [(0.95, M_MU, 0.775), (0.9, M_E, 0.775), (0.99, 0.2, 0.6)]
)
def test_lepton_vector_width_matches_dirac_trace(m_n, m_l, m_h):
    expected = _trace_width(m_n, m_l, m_h, True, 0.162, 0.97)
    assert width_lepton_vector(m_n, m_l, m_h, 0.162, 0.97) == approx(expected, rel=1e-10)


def test_neutral_widths_are_half_the_massless_charged_ones():
    m = np.array([0.2, 0.6, 0.99])
    np.testing.assert_allclose(
        width_nu_pseudoscalar(m, 0.135, 0.13),
        0.5 * width_lepton_pseudoscalar(m, 0.0, 0.135, 0.13, 1.0),
    )
    kappa = 0.55
    np.testing.assert_allclose(
        width_nu_vector(m, 0.1, 0.16, kappa),
        0.5 * kappa**2 * width_lepton_vector(m, 0.0, 0.1, 0.16, 1.0),
    )
    assert width_nu_vector(0.7, 0.775, 0.162, 0.5) == 0.0
    assert width_lepton_pseudoscalar(0.2, M_MU, 0.1396, 0.13, 1.0) == 0.0


# ------------------------------------------------------------------------ the model
# Check numbers computed for this package: per |U_mu4|^2, Dirac single channels, GeV.
CHECK_TABLE = {
    0.10: {"nu nu nu": 2.29e-19, "nu e+ e-": 2.89e-20, "total": 5.15e-19, "br_ee": 0.112},
    0.20: {"nu nu nu": 7.31e-18, "nu e+ e-": 9.25e-19, "mu- e+ nu_e": 9.36e-19, "nu pi0": 5.44e-17,
           "total": 1.27e-16, "br_ee": 0.0145},
    0.30: {"nu nu nu": 5.55e-17, "nu e+ e-": 7.03e-18, "mu- e+ nu_e": 2.27e-17,
           "nu mu+ mu-": 3.12e-18, "nu pi0": 3.94e-16, "mu- pi+": 3.53e-16,
           "total": 1.67e-15, "br_ee": 0.0084},
    0.38: {"nu nu nu": 1.81e-16, "nu e+ e-": 2.29e-17, "mu- e+ nu_e": 1.03e-16,
           "nu mu+ mu-": 2.97e-17, "nu pi0": 9.61e-16, "mu- pi+": 1.28e-15,
           "total": 5.16e-15, "br_ee": 0.0089},
}  # fmt: skip


@pytest.mark.parametrize("m_n", sorted(CHECK_TABLE))
def test_check_table(m_n):
    """Tolerance 0.6 %: the table has three significant digits (rounding up to 0.5 %); the only
    input not overridden here is |V_ud| (0.97367 vs 0.974 in the check table, 0.07 % on mu pi)."""
    row = CHECK_TABLE[m_n]
    n = HeavyNeutralLepton(m_n, U2_mu=1.0, majorana=True, sin2_theta_w=SW2_REF, g_fermi=GF_REF)
    widths = n.partial_widths()
    for channel, value in row.items():
        if channel == "total":
            assert n.total_width == approx(value, rel=6e-3)
        elif channel == "br_ee":
            assert n.branching_ratio("nu e+ e-") == approx(value, rel=6e-3)
        else:
            assert widths[channel] / 2 == approx(value, rel=6e-3), channel
    for channel in set(widths) - set(row):
        if channel in ("e- mu+ nu_mu", "e- pi+", "e- K+", "e- rho+"):
            assert widths[channel] == 0.0  # no U_e4
    assert widths["mu- pi+"] == 0.0 or m_n > constants.M_PI_CHARGED + M_MU


def test_width_nu_ll_sums_mixing_flavours_with_interference():
    s2 = 0.23
    n = HeavyNeutralLepton(0.3, U2_e=1e-3, U2_mu=2e-3, U2_tau=3e-3, majorana=False, sin2_theta_w=s2)
    expected = sum(
        u * width_nu_ll_dirac(0.3, M_E, *nu_ll_couplings(a, "e", s2))
        for a, u in (("e", 1e-3), ("mu", 2e-3), ("tau", 3e-3))
    )
    assert n.width_nu_ll("e") == approx(expected, rel=1e-13)
    assert n.partial_widths()["nu e+ e-"] == approx(expected, rel=1e-13)
    nm = HeavyNeutralLepton(0.3, U2_e=1e-3, U2_mu=2e-3, U2_tau=3e-3, majorana=True, sin2_theta_w=s2)
    assert nm.width_nu_ll("e") == approx(2 * expected, rel=1e-13)


@pytest.mark.parametrize("m_n", [0.05, 0.3, 0.45, 0.7, 0.8, 0.97])
def test_majorana_is_twice_dirac_in_every_channel(m_n):
    kw = {"U2_e": 1e-4, "U2_mu": 3e-4, "U2_tau": 1e-5}
    maj = HeavyNeutralLepton(m_n, majorana=True, **kw).partial_widths()
    dirac = HeavyNeutralLepton(m_n, majorana=False, **kw).partial_widths()
    assert maj.keys() == dirac.keys()
    for k in maj:
        assert maj[k] == approx(2 * dirac[k], rel=1e-14)


def test_heavy_channels_open_above_their_thresholds():
    n = HeavyNeutralLepton(np.array([0.5, 0.8, 0.99]), U2_e=1e-3, U2_mu=1e-3, U2_tau=1e-3)
    w = n.partial_widths()
    assert w["nu eta"][0] == 0.0 and w["nu eta"][1] > 0
    assert w["mu- K+"][0] == 0.0 and w["mu- K+"][1] > 0
    assert w["nu rho0"][1] > 0 and w["nu omega"][1] > 0 and w["e- rho+"][1] > 0
    assert w["mu- rho+"][1] == 0.0 and w["mu- rho+"][2] > 0
    assert w["nu eta'"][2] > 0
    assert np.all(np.isfinite(np.array(list(w.values()))))


@settings(max_examples=40, deadline=None)
@given(
    m=st.floats(1e-3, 1.0),
    u=st.tuples(st.floats(0, 1e-2), st.floats(0, 1e-2), st.floats(0, 1e-2)).filter(
        lambda t: sum(t) > 1e-12
    ),
    majorana=st.booleans(),
)
def test_branching_ratios_sum_to_one(m, u, majorana):
    n = HeavyNeutralLepton(m, *u, majorana=majorana)
    brs = n.branching_ratios()
    assert sum(brs.values()) == approx(1.0, rel=1e-12)
    assert all(b >= 0 for b in brs.values())


def test_array_masses_match_scalar_masses():
    masses = np.array([0.02, 0.2, 0.38, 0.6, 0.9])
    arr = HeavyNeutralLepton(masses, U2_e=1e-5, U2_mu=1e-4)
    total = arr.total_width
    assert isinstance(total, np.ndarray) and total.shape == masses.shape
    for i, m in enumerate(masses):
        single = HeavyNeutralLepton(float(m), U2_e=1e-5, U2_mu=1e-4)
        assert isinstance(single.total_width, float)
        assert single.total_width == approx(total[i], rel=1e-14)
        for k, v in single.branching_ratios().items():
            assert v == approx(arr.branching_ratios()[k][i], rel=1e-12, abs=1e-300)


def test_lifetime_ctau_and_decay_length():
    n = HeavyNeutralLepton(0.38, U2_mu=1.0, sin2_theta_w=SW2_REF, g_fermi=GF_REF)
    assert n.lifetime == approx(constants.HBAR / n.total_width, rel=1e-14)
    assert n.ctau == approx(constants.HBARC / n.total_width, rel=1e-9)
    p = np.array([0.0, 0.037, 1.0])
    dl = n.decay_length(p)
    assert dl.shape == (3,)
    np.testing.assert_allclose(dl, n.ctau * p / 0.38)
    # check value computed for this package: c tau beta gamma ~ 4e-3 m / |U|^2 at 0.38 GeV from K
    # decay at rest
    assert n.decay_length(0.0368) == approx(4e-3, rel=0.1)
    with pytest.raises(ValueError, match="momentum"):
        n.decay_length(-1.0)
    zero = HeavyNeutralLepton(0.2)
    assert zero.lifetime == math.inf and zero.ctau == math.inf
    with pytest.raises(ValueError, match="mixings"):
        zero.branching_ratios()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"mass": 0.0}, "mass"),
        ({"mass": -0.1}, "mass"),
        ({"mass": float("nan")}, "mass"),
        ({"mass": 1.5}, "implemented range"),
        ({"mass": np.array([0.3, 1.2])}, "implemented range"),
        ({"mass": 0.3, "U2_mu": -1e-3}, "U2_mu"),
        ({"mass": 0.3, "U2_e": 2.0}, "U2_e"),
        ({"mass": 0.3, "U2_tau": float("inf")}, "U2_tau"),
        ({"mass": 0.3, "sin2_theta_w": 1.5}, "sin2_theta_w"),
    ],
)
def test_bad_model_input_gives_clear_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        HeavyNeutralLepton(**kwargs)


def test_unknown_channel_and_lepton():
    n = HeavyNeutralLepton(0.3, U2_mu=1e-4)
    with pytest.raises(ValueError, match="known channels"):
        n.branching_ratio("nu nu")
    with pytest.raises(ValueError, match="lepton"):
        n.width_nu_ll("electron")
    assert "nu e+ e-" in n.channels
