"""Tests of the 3+2 dark-neutrino model (second HNL N5) in nuportal.models.dark_neutrino.

Independent checks: the 3+1 limit (N5 decoupled), the leading-order coupling formulas typed in
here, explicit 4x4 Dirac-matrix traces with a massive daughter N4 (einsum), brute-force
scipy integration over a Dalitz region with independently typed limits, the massless-daughter
limit (existing N -> nu l l), and reference numbers of the generator DarkNews (0.4.8, run in
benchmarks/.venv-darknews; ThreePortalModel at the BPR-type point (P. Ballett, S. Pascoli, M.
Ross-Lonergan,
arXiv:1808.02915) as coded in the DarkNews Example_1 notebook).
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import pytest
from scipy import integrate

from nuportal import constants
from nuportal.models import dark_neutrino_decays as dec
from nuportal.models.dark_neutrino import DarkNeutrinoModel, HNLView
from nuportal.models.upscattering import upscattering_cross_section

approx = partial(pytest.approx, abs=0.0)
ME = constants.M_ELECTRON

# BPR-type heavy Z' point (arXiv:1808.02915, DarkNews Example_1 notebook); DarkNews takes chi, we
# take eps = c_W chi (DarkNews
# on-shell c_W, the default "darknews" convention).
CHI = math.sqrt(1e-5)
EPS = CHI * math.sqrt(1.0 - 0.22343)
BPR = {
    "m4": 0.107,
    "mzprime": 1.25,
    "epsilon": EPS,
    "gD": 2.0,
    "Umu4": math.sqrt(1.5e-6),
    "UD4": math.sqrt(7.0 / 11.0),
    "m5": 0.150,
    "Umu5": math.sqrt(0.85e-6),
    "UD5": math.sqrt(4.0 / 11.0),
}

# DarkNews ThreePortalModel(m4=0.107, m5=0.150, mzprime=1.25, Umu4=sqrt(1.5e-6),
# Umu5=sqrt(0.85e-6), UD4=sqrt(7/11), UD5=sqrt(4/11), gD=2, chi=epsilon=sqrt(1e-5),
# HNLtype="dirac"): d_aj, c_aj, d_ij, c_ij printed with 12+ digits.
DN_COUPLINGS = {
    "V_mu4": -0.002445770503,
    "V_mu5": -0.001848828719,
    "C_mu4": -0.000457364446,
    "C_mu5": -0.000344302988,
    "V_44": 1.2727272727271164,
    "V_45": 0.9620913858415518,
    "V_55": 0.7272727272726388,
    "C_45": 0.0014387850889933705,
}
# DarkNews FermionDileptonDecay(N5 -> N4 e- e+, h_parent = -1 and +1).total_width(NINT=20,
# NEVAL=200000, NINT_warmup=10, NEVAL_warmup=20000) (VEGAS), mean of 6 runs (3 per helicity),
# run-to-run spread 4e-5: 1.376394e-17 GeV. N5 -> nu e- e+ (summed over light flavours):
# 3.325502e-21 GeV (one run).
DN_WIDTH_N5_N4EE = 1.376394e-17
DN_WIDTH_N5_NUEE = 3.325502e-21
DN_WIDTH_RTOL = 2e-4


@pytest.fixture(scope="module")
def bpr() -> DarkNeutrinoModel:
    return DarkNeutrinoModel(**BPR)


# ================================================================== couplings
def test_decoupled_n5_reproduces_3p1_exactly():
    kw = {"m4": 0.2, "mzprime": 1.25, "epsilon": 1e-3, "gD": 1.3, "Ue4": 2e-3, "Umu4": 1e-3}
    kw["UD4"] = 0.8
    one = DarkNeutrinoModel(**kw)
    two = DarkNeutrinoModel(**kw, m5=0.4, UD5=0.0)
    assert dict(two.couplings.V_N) == dict(one.couplings.V_N)
    assert dict(two.couplings.C_N) == dict(one.couplings.C_N)
    assert two.couplings.V_NN == one.couplings.V_NN
    assert two.partial_widths() == one.partial_widths()
    assert two.V_45 == 0.0
    # the leading-order 3+1 formula (DarkNews model.py): V_alphaN = -g_D U_alpha4 |U_D4|^2 (+ O(chi
    # m_Z'^2/m_Z^2))
    assert two.couplings.V_N["mu"] == approx(-1.3 * 1e-3 * 0.64, rel=1e-5)


def test_3p1_model_has_no_n5():
    m = DarkNeutrinoModel(0.1, Umu4=1e-3)
    assert m.m5 is None and m.n_hnls == 1 and m.V_45 == 0.0
    assert set(m.zprime_widths()) == {"e+ e-", "mu+ mu-", "nu N", "N N"}
    with pytest.raises(ValueError, match="no N5"):
        m.hnl(5)
    with pytest.raises(ValueError, match="no N5"):
        m.n5_partial_widths()


def test_leading_order_couplings(bpr):
    """V_alpha i = -g_D U_Di sum_j U_alpha j U_Dj, V_ij = g_D U_Di U_Dj at leading order."""
    g, u4, u5, d4, d5 = 2.0, BPR["Umu4"], BPR["Umu5"], BPR["UD4"], BPR["UD5"]
    overlap = u4 * d4 + u5 * d5
    c = bpr.neutral_lepton_couplings()
    assert c["V_a4"]["mu"] == approx(-g * d4 * overlap, rel=1e-4)
    assert c["V_a5"]["mu"] == approx(-g * d5 * overlap, rel=1e-4)
    assert c["V_44"] == approx(g * d4 * d4, rel=1e-4)
    assert c["V_45"] == approx(g * d4 * d5, rel=1e-4)
    assert c["V_55"] == approx(g * d5 * d5, rel=1e-4)
    w = bpr.electroweak.z_vertex
    # C_alpha5 = -(w U_alpha5 + g_D beta U_D5 overlap), beta = s_W chi at leading order (the
    # g_D beta term is first order in chi, 0.8 % here)
    beta = math.sqrt(0.22343) * CHI
    assert c["C_a5"]["mu"] == approx(-(w * u5 + g * beta * d5 * overlap), rel=1e-4)
    assert c["V_a4"]["e"] == 0.0 and c["C_a5"]["tau"] == 0.0
    assert bpr.hnl(5).couplings.V_NN == c["V_55"]
    assert dict(bpr.couplings5.V_N) == c["V_a5"]


def test_couplings_match_darknews(bpr):
    c = bpr.neutral_lepton_couplings()
    got = {
        "V_mu4": c["V_a4"]["mu"],
        "V_mu5": c["V_a5"]["mu"],
        "C_mu4": c["C_a4"]["mu"],
        "C_mu5": c["C_a5"]["mu"],
        "V_44": c["V_44"],
        "V_45": c["V_45"],
        "V_55": c["V_55"],
        "C_45": c["C_45"],
    }
    for key, ref in DN_COUPLINGS.items():
        # DarkNews values printed to 12 decimals (rel. rounding <= 1.5e-9); C_45 differs at
        # 1e-11 (DarkNews takes sin beta = sqrt(1 - cos^2 beta), we use atan2)
        assert got[key] == approx(ref, rel=3e-9), key


def test_validation():
    with pytest.raises(ValueError, match="m5 must be > m4"):
        DarkNeutrinoModel(0.2, m5=0.1, UD5=0.5)
    with pytest.raises(ValueError, match="need m5"):
        DarkNeutrinoModel(0.2, Umu5=1e-3)
    with pytest.raises(ValueError, match="unitarity"):
        DarkNeutrinoModel(0.2, UD4=0.9, m5=0.3, UD5=0.9)
    with pytest.raises(NotImplementedError):
        DarkNeutrinoModel(0.2, m5=0.3, UD5=0.5, dirac=False)
    with pytest.raises(ValueError, match="i must be 4 or 5"):
        DarkNeutrinoModel(0.2, m5=0.3).hnl(6)
    assert "m5=0.3" in repr(DarkNeutrinoModel(0.2, m5=0.3))


# ================================================================== views and upscattering
def test_hnl4_view_is_the_model(bpr):
    v = bpr.hnl(4)
    assert isinstance(v, HNLView) and v.index == 4
    assert v.m4 == bpr.m4 and v.mzprime == bpr.mzprime and v.mz == bpr.mz and v.dirac
    assert v.couplings is bpr.couplings
    assert v.partial_widths() == bpr.partial_widths()
    for flav in ("mu", "e"):
        a = upscattering_cross_section(bpr, "C12", flav, [0.5, 1.0, 3.0])
        b = upscattering_cross_section(v, "C12", flav, [0.5, 1.0, 3.0])
        np.testing.assert_array_equal(a, b)


def test_hnl5_upscattering_equals_equivalent_3p1_model(bpr):
    """nu_mu C12 -> N5 C12 equals a 3+1 model with m4 = m5 and the same nu_mu-N couplings
    (U_mu4 = U_mu5, U_D4 = 1, g_D' = g_D U_D5 (U_mu4 U_D4 + U_mu5 U_D5)/U_mu5)."""
    v5 = bpr.hnl(5)
    assert v5.m4 == BPR["m5"] == v5.mass
    u5 = BPR["Umu5"]
    g_eff = 2.0 * BPR["UD5"] * (BPR["Umu4"] * BPR["UD4"] + u5 * BPR["UD5"]) / u5
    ref = DarkNeutrinoModel(0.15, 1.25, epsilon=EPS, gD=g_eff, Umu4=u5, UD4=1.0)
    assert ref.couplings.V_N["mu"] == approx(v5.couplings.V_N["mu"], rel=1e-12)
    assert ref.couplings.C_N["mu"] == approx(v5.couplings.C_N["mu"], rel=1e-12)
    e = np.array([0.6, 1.0, 3.0])
    got = upscattering_cross_section(v5, "C12", "mu", e)
    np.testing.assert_allclose(got, upscattering_cross_section(ref, "C12", "mu", e), rtol=1e-10)
    assert np.all(got > 0.0)
    assert np.all(upscattering_cross_section(v5, "C12", "e", e) == 0.0)


# ================================================================== Dirac traces (massive N4)
_I2, _Z2 = np.eye(2), np.zeros((2, 2))
_SIG = [np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.array([[1, 0], [0, -1]])]
GAMMA = np.array(
    [np.block([[_I2, _Z2], [_Z2, -_I2]])] + [np.block([[_Z2, s], [-s, _Z2]]) for s in _SIG],
    dtype=complex,
)
G5 = 1j * GAMMA[0] @ GAMMA[1] @ GAMMA[2] @ GAMMA[3]
ONE = np.eye(4, dtype=complex)
PL, PR = 0.5 * (ONE - G5), 0.5 * (ONE + G5)
METRIC = np.array([1.0, -1.0, -1.0, -1.0])


def slash(p):
    return np.einsum("nm,mab->nab", np.asarray(p) * METRIC, GAMMA)


def heavy_tensor(k, mk, p, m, s, h):
    """H^{mu nu} = Tr[(kslash + m_k) gamma^mu P_L rho(p, h) P_R gamma^nu], batched."""
    n = len(p)
    rho = 0.5 * np.einsum(
        "nab,nbc->nac", slash(p) + m * ONE, ONE + h * np.einsum("ab,nbc->nac", G5, slash(s))
    )
    left = np.einsum("nab,mbc,cd,nde->nmae", slash(k) + mk * ONE[None].repeat(n, 0), GAMMA, PL, rho)
    right = np.einsum("ab,vbc->vac", PR, GAMMA)
    return np.einsum("nmab,vba->nmv", left, right)


def lepton_tensor(p1, p2, ml, a_l, a_r):
    """L_{mu nu} (upper indices) = Tr[(p1slash + m) g^mu G (p2slash - m) Gbar g^nu]."""
    gam = a_l * PL + a_r * PR
    gbar = a_l * PR + a_r * PL
    left = np.einsum(
        "nab,mbc,cd,nde,ef->nmaf", slash(p1) + ml * ONE, GAMMA, gam, slash(p2) - ml * ONE, gbar
    )
    return np.einsum("nmab,vba->nmv", left, GAMMA)


def random_decays(m, mk, ml, n, rng):
    """Random N5 -> N4 l- l+ phase-space points in the N5 rest frame (two-step)."""
    s = rng.uniform((2 * ml) ** 2, (m - mk) ** 2, n)
    e_k = (m * m + mk * mk - s) / (2 * m)
    pk = np.sqrt(e_k**2 - mk * mk)
    nk = rng.normal(size=(n, 3))
    nk /= np.linalg.norm(nk, axis=1)[:, None]
    k = np.column_stack([e_k, pk[:, None] * nk])
    q = np.column_stack([m - e_k, -pk[:, None] * nk])  # l+ l- pair
    # l- in the pair rest frame, then boost along the pair momentum
    p_star = np.sqrt(s / 4 - ml * ml)
    nl = rng.normal(size=(n, 3))
    nl /= np.linalg.norm(nl, axis=1)[:, None]
    l_star = np.column_stack([np.sqrt(s) / 2, p_star[:, None] * nl])
    beta = q[:, 1:] / q[:, :1]
    b2 = np.sum(beta**2, axis=1)
    gam = 1 / np.sqrt(1 - b2)

    def boost(v):
        bp = np.sum(beta * v[:, 1:], axis=1)
        coef = (gam - 1) * bp / b2 + gam * v[:, 0]
        return np.column_stack([gam * (v[:, 0] + bp), v[:, 1:] + coef[:, None] * beta])

    p1 = boost(l_star)
    p2 = boost(l_star * np.array([1, -1, -1, -1]))
    p = np.tile([m, 0.0, 0.0, 0.0], (n, 1))
    return p, k, p1, p2


def _dot(a, b):
    return a[..., 0] * b[..., 0] - np.sum(a[..., 1:] * b[..., 1:], axis=-1)


def test_random_phase_space_is_on_shell():
    rng = np.random.default_rng(1)
    p, k, p1, p2 = random_decays(0.15, 0.107, ME, 50, rng)
    np.testing.assert_allclose(p1 + p2 + k, p, atol=1e-14)
    np.testing.assert_allclose(_dot(p1, p1), ME**2, rtol=1e-6, atol=1e-14)
    np.testing.assert_allclose(_dot(p2, p2), ME**2, rtol=1e-6, atol=1e-14)
    np.testing.assert_allclose(_dot(k, k), 0.107**2, rtol=1e-12)


def test_m4_m5_term_vanishes_for_chiral_vertex():
    """The part of the N-side trace linear in m_N4 is identically zero (any spin state)."""
    rng = np.random.default_rng(2)
    p, k, _, _ = random_decays(0.15, 0.107, ME, 20, rng)
    s = np.tile([0.0, 0.0, 0.0, 1.0], (20, 1))
    for h in (1.0, -1.0):
        full = heavy_tensor(k, 0.107, p, 0.15, s, h)
        massless_k = heavy_tensor(k, 0.0, p, 0.15, s, h)
        np.testing.assert_allclose(full - massless_k, 0.0, atol=1e-14)
        assert np.max(np.abs(full)) > 1e-3


@pytest.mark.parametrize("h", [1.0, -1.0])
def test_polarized_msq_against_explicit_trace(bpr, h):
    rng = np.random.default_rng(3)
    m5, m4, n = 0.15, 0.107, 40
    p, k, p1, p2 = random_decays(m5, m4, ME, n, rng)
    nz = rng.normal(size=(n, 3))
    nz /= np.linalg.norm(nz, axis=1)[:, None]
    s_vec = np.column_stack([np.zeros(n), nz])  # rest-frame spin along nz
    c = bpr.couplings5
    v45, c45 = bpr.V_45, bpr.C_45
    ms = _dot(p1 + p2, p1 + p2)
    a_l = v45 * (c.zprime_electron_vector + c.zprime_electron_axial) / (ms - 1.25**2) + c45 * (
        c.z_electron_vector + c.z_electron_axial
    ) / (ms - c.m_z**2)
    a_r = v45 * (c.zprime_electron_vector - c.zprime_electron_axial) / (ms - 1.25**2) + c45 * (
        c.z_electron_vector - c.z_electron_axial
    ) / (ms - c.m_z**2)
    htens = heavy_tensor(k, m4, p, m5, s_vec, h)
    msq = np.zeros(n)
    for i in range(n):
        lt = lepton_tensor(p1[i : i + 1], p2[i : i + 1], ME, a_l[i], a_r[i])[0]
        lower = np.einsum("m,v,mv->mv", METRIC, METRIC, lt)
        msq[i] = np.einsum("mv,mv->", htens[i], lower).real
    got = dec.msq_ni_to_nj_ll_polarized(p, s_vec, k, p1, p2, v45, c45, c, 1.25, h=h)
    np.testing.assert_allclose(got, msq, rtol=1e-9)
    # helicity sum = 2 x spin average
    other = dec.msq_ni_to_nj_ll_polarized(p, s_vec, k, p1, p2, v45, c45, c, 1.25, h=-h)
    t = _dot(k + p1, k + p1)
    avg = dec.msq_ni_to_nj_ll(ms, t, m5, m4, v45, c45, c, 1.25, "e")
    np.testing.assert_allclose(got + other, 2 * avg, rtol=1e-9)


# ================================================================== widths
def test_massless_daughter_limit_is_n_to_nu_ll(bpr):
    """m4 -> 0: N5 -> N4 l l equals N -> nu l l with V_N -> V_45 (Z' only)."""
    import dataclasses

    c = bpr.couplings5
    cz = dataclasses.replace(c, V_N={"e": bpr.V_45, "mu": 0.0, "tau": 0.0})
    m, mzp = 0.3, 1.25
    s = np.array([0.01, 0.03, 0.05])
    t = np.array([0.02, 0.01, 0.015])
    a = dec.msq_ni_to_nj_ll(s, t, m, 0.0, bpr.V_45, 0.0, c, mzp, "e", z=False)
    b = dec.msq_nu_ll(s, t, m, cz, mzp, "e", z=False, w=False)
    np.testing.assert_allclose(a, b, rtol=1e-13)
    for lep in ("e", "mu"):
        w0 = dec.width_ni_to_nj_ll(m, 0.0, bpr.V_45, 0.0, c, mzp, lep, z=False)
        ref = dec.width_n_to_nu_ll(m, cz, mzp, lep, z=False, w=False)
        assert w0 == approx(ref, rel=1e-8)
        w_small = dec.width_ni_to_nj_ll(m, 1e-4, bpr.V_45, 0.0, c, mzp, lep, z=False)
        assert w_small == approx(ref, rel=1e-5)
    lo, hi = dec.dalitz_limits_three_body(s, m, 0.0, ME)
    lo0, hi0 = dec.dalitz_limits_nu_ll(s, m, ME)
    np.testing.assert_allclose(lo, lo0, rtol=1e-12)
    np.testing.assert_allclose(hi, hi0, rtol=1e-12)


@pytest.mark.parametrize(("m5", "m4", "lep"), [(0.15, 0.107, "e"), (0.6, 0.3, "mu")])
def test_width_equals_brute_force_integral(bpr, m5, m4, lep):
    c = bpr.couplings5
    ml = constants.LEPTON_MASS[lep]

    def t_lim(s):
        lam = (m5**2 - s - m4**2) ** 2 - 4 * s * m4**2
        mid = m4**2 + ml**2 + 0.5 * (m5**2 - s - m4**2)
        half = 0.5 * math.sqrt(max(lam, 0.0)) * math.sqrt(1 - 4 * ml**2 / s)
        return mid - half, mid + half

    def f(t, s):
        return float(dec.msq_ni_to_nj_ll(s, t, m5, m4, bpr.V_45, bpr.C_45, c, 1.25, lep))

    val, _ = integrate.dblquad(
        f,
        4 * ml**2,
        (m5 - m4) ** 2,
        lambda s: t_lim(s)[0],
        lambda s: t_lim(s)[1],
        epsabs=0.0,
        epsrel=1e-9,
    )
    brute = val / ((2 * math.pi) ** 3 * 32 * m5**3)
    got = dec.width_ni_to_nj_ll(m5, m4, bpr.V_45, bpr.C_45, c, 1.25, lep)
    assert got == approx(brute, rel=1e-7)


def test_n5_widths_bpr_and_darknews(bpr):
    w = bpr.n5_partial_widths()
    assert set(w) == {"N4 e e", "N4 mu mu", "N4 Z'", "nu e e", "nu mu mu", "nu Z'", "nu nu nu"}
    assert w["N4 mu mu"] == 0.0 and w["N4 Z'"] == 0.0 and w["nu Z'"] == 0.0
    assert w["N4 e e"] == approx(DN_WIDTH_N5_N4EE, rel=DN_WIDTH_RTOL)
    assert w["nu e e"] == approx(DN_WIDTH_N5_NUEE, rel=DN_WIDTH_RTOL)
    assert w["N4 e e"] / bpr.n5_total_width > 0.999  # N5 -> N4 e+ e- dominates
    v5 = bpr.hnl(5)
    assert v5.partial_widths() == w
    assert v5.total_width == approx(bpr.n5_total_width, rel=1e-15)
    assert v5.lifetime == approx(constants.HBAR / bpr.n5_total_width, rel=1e-15)
    # the light channels are those of the N4 machinery with the N5 couplings
    ref = dec.width_n_to_nu_ll(0.15, bpr.couplings5, 1.25, "e")
    assert w["nu e e"] == approx(ref, rel=1e-14)
    # the Z (interference) changes N5 -> N4 e e by -1.3e-5 at this point
    zp_only = dec.width_ni_to_nj_ll(
        0.15, 0.107, bpr.V_45, bpr.C_45, bpr.couplings5, 1.25, "e", z=False
    )
    assert 1e-6 < zp_only / w["N4 e e"] - 1.0 < 1e-4


def test_on_shell_heavy_channel_and_zprime_widths():
    m = DarkNeutrinoModel(0.1, 0.2, epsilon=1e-3, Umu4=1e-3, UD4=0.6, m5=0.5, Umu5=1e-3, UD5=0.8)
    w = m.n5_partial_widths()
    assert w["N4 Z'"] > 0.0 and w["nu Z'"] > 0.0
    assert w["N4 Z'"] == approx(dec.width_ni_to_nj_zprime(0.5, 0.1, 0.2, m.V_45), rel=1e-15)
    # massless-daughter limit of the two-body widths
    assert dec.width_ni_to_nj_zprime(0.5, 0.0, 0.2, 0.3) == approx(
        dec.width_n_to_nu_zprime(0.5, 0.2, 0.09), rel=1e-13
    )
    assert dec.width_zprime_to_ni_nj(1.0, 0.2, 0.2, 0.3) == approx(
        dec.width_zprime_to_n_n(1.0, 0.2, 0.3), rel=1e-13
    )
    assert 2 * dec.width_zprime_to_ni_nj(1.0, 0.0, 0.2, 0.3) == approx(
        dec.width_zprime_to_nu_n(1.0, 0.2, 0.09), rel=1e-13
    )
    assert dec.width_ni_to_nj_zprime(0.3, 0.2, 0.2, 1.0) == 0.0
    with pytest.raises(ValueError, match="off shell"):
        dec.width_ni_to_nj_ll(0.5, 0.1, m.V_45, 0.0, m.couplings5, 0.2, "e")
    zw = DarkNeutrinoModel(0.1, 1.25, Umu4=1e-3, m5=0.3, UD5=0.5, UD4=0.5).zprime_widths()
    assert zw["N4 N5"] > 0.0 and zw["N5 N5"] > 0.0 and "nu N5" in zw
