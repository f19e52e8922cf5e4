"""Tests of the polarized N -> nu l- l+ matrix element and its rest-frame kinematics.

Independent routes used here:
* explicit Dirac-matrix traces with explicit rest-frame N spinors (no spin-projector formula),
* the muon-decay closed form 64 G_F^2 (p.p_p)(k.p_m) in the massless-lepton limit,
* the closed-form width of :func:`nuportal.models.hnl.width_nu_ll_dirac` (arXiv:1805.08567),
  against a deterministic Gauss-Legendre integral of |M|^2,
* the PDG Dalitz limits of :func:`nuportal.kinematics.dalitz_limits`.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import roots_legendre

from nuportal.constants import G_FERMI, LEPTON_MASS, SIN2_THETA_W_ON_SHELL
from nuportal.kinematics import dalitz_limits, invariant_mass_squared, minkowski_dot
from nuportal.models.hnl import nu_ll_couplings, width_nu_ll_dirac
from nuportal.models.hnl_matrix_element import (
    PHASE_SPACE_FACTOR,
    ThreeBodyParameters,
    coefficient_vector,
    cos_theta_mnu,
    dalitz_range_z_num,
    decay_variables,
    differential_width,
    matrix_element_squared,
    rest_frame_momenta,
)

M_E = LEPTON_MASS["e"]
M_MU = LEPTON_MASS["mu"]


def _random_variables(rng, n, m_n, m_m, m_p, margin=0.0):
    """Uniform points of the physical region (margin > 0 keeps away from its boundary)."""
    s2 = ((m_m + m_p) / m_n) ** 2
    u = margin + (1.0 - 2.0 * margin) * rng.random((n, 5))
    z_ll = s2 + (1.0 - s2) * u[:, 0]
    lo, hi = dalitz_range_z_num(z_ll, m_n, m_m, m_p)
    z_num = lo + (hi - lo) * u[:, 1]
    return z_ll, z_num, 2.0 * u[:, 2] - 1.0, 2.0 * np.pi * u[:, 3], 2.0 * np.pi * u[:, 4]


# --------------------------------------------------------------------------- explicit traces
_I2, _Z2 = np.eye(2), np.zeros((2, 2))
_SIGMA = (
    np.array([[0, 1], [1, 0]], complex),
    np.array([[0, -1j], [1j, 0]]),
    np.array([[1, 0], [0, -1]], complex),
)
# Chiral (Weyl) basis of Peskin & Schroeder:
# gamma^0 = [[0, 1], [1, 0]], gamma^i = [[0, sigma_i], [-sigma_i, 0]].
_G0 = np.block([[_Z2, _I2], [_I2, _Z2]]).astype(complex)
_GAMMA = [_G0] + [np.block([[_Z2, s], [-s, _Z2]]) for s in _SIGMA]
_G5 = 1j * _GAMMA[0] @ _GAMMA[1] @ _GAMMA[2] @ _GAMMA[3]  # diag(-1, -1, 1, 1)
_PL = (np.eye(4) - _G5) / 2
_PR = (np.eye(4) + _G5) / 2
_METRIC = np.array([1.0, -1.0, -1.0, -1.0])


def _slash(p):
    return sum(_METRIC[m] * p[m] * _GAMMA[m] for m in range(4))


def _trace_msq(k, pm, pp, m_n, m_m, m_p, g_l, g_r, pol, chirality):
    """|M|^2 for M = 2 sqrt2 G_F [ubar_nu g^mu P u_N][ubar_m g_mu (gL PL + gR PR) v_p] (one event).

    The N state is the mixture (1+P)/2 |up> + (1-P)/2 |down> along z, with the explicit rest-frame
    spinors u = sqrt(m) (xi, xi) of the chiral basis (spin operator diag(sigma3, sigma3)/2).
    """
    rho = np.zeros((4, 4), complex)
    for xi, prob in (((1, 0), (1 + pol) / 2), ((0, 1), (1 - pol) / 2)):
        u = math.sqrt(m_n) * np.array([xi[0], xi[1], xi[0], xi[1]], complex)
        rho += prob * np.outer(u, u.conj()) @ _G0  # u ubar
    proj = _PL if chirality == "L" else _PR
    gam = g_l * _PL + g_r * _PR
    ks, ms, ps = _slash(k), _slash(pm) + m_m * np.eye(4), _slash(pp) - m_p * np.eye(4)
    total = 0.0
    for mu in range(4):
        for nu in range(4):
            h = np.trace(ks @ _GAMMA[mu] @ proj @ rho @ _GAMMA[nu] @ proj)
            lep = np.trace(ms @ _GAMMA[mu] @ gam @ ps @ _GAMMA[nu] @ gam)
            total += _METRIC[mu] * _METRIC[nu] * h * lep
    assert abs(total.imag) <= 1e-12 * abs(total)
    return 8.0 * G_FERMI**2 * total.real


@pytest.mark.parametrize("majorana", [False, True])
@pytest.mark.parametrize(
    ("m_n", "m_m", "m_p"), [(0.3, M_MU, M_MU), (0.05, M_E, M_E), (1.0, 0.2, 0.05)]
)
def test_matrix_element_equals_explicit_spinor_traces(majorana, m_n, m_m, m_p):
    # Table 3 of arXiv:2104.05719 on the momenta of rest_frame_momenta vs explicit traces; the
    # Majorana case adds the conjugate channel, whose neutrino current is right-handed (P_R).
    rng = np.random.default_rng(11)
    g_l, g_r = 0.71, -0.23
    z_ll, z_num, cos_t, gam, phi = _random_variables(rng, 6, m_n, m_m, m_p)
    pols = rng.uniform(-1.0, 1.0, 6)
    nu, lm, lp = rest_frame_momenta(z_ll, z_num, cos_t, gam, phi, m_N=m_n, m_minus=m_m, m_plus=m_p)
    for i in range(6):
        expected = _trace_msq(nu[i], lm[i], lp[i], m_n, m_m, m_p, g_l, g_r, pols[i], "L")
        if majorana:
            expected += _trace_msq(nu[i], lm[i], lp[i], m_n, m_m, m_p, g_l, g_r, pols[i], "R")
        got = matrix_element_squared(
            z_ll[i], z_num[i], cos_t[i], gam[i], m_N=m_n, m_minus=m_m, m_plus=m_p,
            g_L=g_l, g_R=g_r, polarization=pols[i], majorana=majorana,
        )  # fmt: skip
        assert got == pytest.approx(expected, rel=1e-10, abs=0)


def test_massless_limit_is_muon_decay():
    # g_R = 0, massless leptons: |M|^2 = 64 G_F^2 ((p - m P s).p_p)(k.p_m), s = (0, 0, 0, 1).
    rng = np.random.default_rng(3)
    m_n, pol = 0.2, -0.6
    z_ll, z_num, cos_t, gam, phi = _random_variables(rng, 50, m_n, 0.0, 0.0, margin=1e-3)
    nu, lm, lp = rest_frame_momenta(z_ll, z_num, cos_t, gam, phi, m_N=m_n, m_minus=0.0, m_plus=0.0)
    p_tilde = np.array([m_n, 0.0, 0.0, -m_n * pol])  # p - m_N P s
    expected = 64.0 * G_FERMI**2 * minkowski_dot(p_tilde, lp) * minkowski_dot(nu, lm)
    got = matrix_element_squared(
        z_ll, z_num, cos_t, gam, m_N=m_n, m_minus=0.0, m_plus=0.0, g_L=1.0, g_R=0.0,
        polarization=pol,
    )  # fmt: skip
    np.testing.assert_allclose(got, expected, rtol=1e-10)


@pytest.mark.parametrize("pol", [1.0, -0.3])
def test_majorana_is_dirac_plus_conjugate_channel(pol):
    # Majorana C vector = Dirac(gL, gR, P) + Dirac(gR, gL, -P) (conjugate channel).
    rng = np.random.default_rng(5)
    args = _random_variables(rng, 100, 0.3, M_MU, M_MU)[:4]
    kw = {"m_N": 0.3, "m_minus": M_MU, "m_plus": M_MU}
    maj = matrix_element_squared(*args, **kw, g_L=0.72, g_R=0.22, polarization=pol, majorana=True)
    d1 = matrix_element_squared(*args, **kw, g_L=0.72, g_R=0.22, polarization=pol)
    d2 = matrix_element_squared(*args, **kw, g_L=0.22, g_R=0.72, polarization=-pol)
    np.testing.assert_allclose(maj, d1 + d2, rtol=1e-12)
    np.testing.assert_array_equal(coefficient_vector(0.72, 0.22, True)[3], 0.0)


@pytest.mark.parametrize("majorana", [False, True])
def test_polarization_terms_vanish_when_integrated_over_angles(majorana):
    # P enters through cos(theta) and sin(theta) cos(gamma) only: a 2-point Gauss rule in cos and a
    # 4-point uniform rule in gamma integrate them exactly.
    rng = np.random.default_rng(8)
    z_ll, z_num = _random_variables(rng, 20, 0.3, M_E, M_E)[:2]
    xg, wg = roots_legendre(2)
    gam = np.arange(4) * np.pi / 2
    kw = {"m_N": 0.3, "m_minus": M_E, "m_plus": M_E, "g_L": 0.72, "g_R": 0.22}
    zz, zn = z_ll[:, None, None], z_num[:, None, None]
    ct, gg = xg[None, :, None], gam[None, None, :]
    weights = wg[None, :, None] * (np.pi / 2)
    integrals = [
        np.sum(
            weights
            * matrix_element_squared(zz, zn, ct, gg, polarization=p, majorana=majorana, **kw),
            axis=(1, 2),
        )
        for p in (0.0, 1.0, -1.0)
    ]
    # The polarized part is not small pointwise (checked), so the cancellation is meaningful.
    pointwise = matrix_element_squared(zz, zn, ct, gg, polarization=1.0, majorana=majorana, **kw)
    unpolarized = matrix_element_squared(zz, zn, ct, gg, majorana=majorana, **kw)
    assert np.max(np.abs(pointwise - unpolarized) / unpolarized) > 0.1
    np.testing.assert_allclose(integrals[1], integrals[0], rtol=1e-12)
    np.testing.assert_allclose(integrals[2], integrals[0], rtol=1e-12)


def _gauss_integral_over_dalitz(f, m_n, m_l, n=160):
    """Integral of f(z_ll, z_num) over the Dalitz region (Gauss-Legendre, z = s^2 + (1-s^2) u^2)."""
    x, w = roots_legendre(n)
    u, wu = (x + 1) / 2, w / 2
    s2 = (2 * m_l / m_n) ** 2
    z = s2 + (1 - s2) * u**2
    wz = wu * 2 * u * (1 - s2)
    lo, hi = dalitz_range_z_num(z, m_n, m_l, m_l)
    zn = lo[:, None] + (hi - lo)[:, None] * u[None, :]
    return np.sum((wz * (hi - lo))[:, None] * wu[None, :] * f(z[:, None], zn))


@pytest.mark.parametrize("majorana", [False, True])
@pytest.mark.parametrize(
    ("m_n", "lepton", "mixing"),
    [(0.01, "e", "mu"), (0.15, "e", "mu"), (0.38, "e", "mu"), (0.3, "mu", "mu"), (0.3, "e", "e"),
     (0.212, "mu", "tau")],
)  # fmt: skip
def test_integral_of_matrix_element_is_closed_form_width(m_n, lepton, mixing, majorana):
    # Deterministic route: Gauss-Legendre over (z_ll, z_num) at P = 0 (then |M|^2 does not depend
    # on the angles, which give 2 * 2 pi) vs arXiv:1805.08567 eq. 3.4 (x2 for Majorana).
    m_l = LEPTON_MASS[lepton]
    g_l, g_r = nu_ll_couplings(mixing, lepton, SIN2_THETA_W_ON_SHELL)
    kw = {"m_N": m_n, "m_minus": m_l, "m_plus": m_l, "g_L": g_l, "g_R": g_r, "majorana": majorana}
    integral = _gauss_integral_over_dalitz(
        lambda z, zn: differential_width(z, zn, 0.0, 0.0, **kw), m_n, m_l
    ) * (2.0 * 2.0 * np.pi)
    expected = width_nu_ll_dirac(m_n, m_l, g_l, g_r) * (2.0 if majorana else 1.0)
    assert integral == pytest.approx(expected, rel=1e-9, abs=0)


def test_phase_space_factor():
    assert PHASE_SPACE_FACTOR == pytest.approx(
        1.0 / (256 * np.pi**3) / (4 * np.pi), rel=1e-15, abs=0
    )


# --------------------------------------------------------------------------- Dalitz range
@pytest.mark.parametrize(
    ("m_n", "m_m", "m_p"), [(0.3, M_E, M_E), (0.3, M_MU, M_MU), (1.0, 0.3, 0.05), (1.0, 0.05, 0.3)]
)
def test_dalitz_range_matches_pdg_limits(m_n, m_m, m_p):
    # PDG: particle 1 = l+, 2 = l-, 3 = nu; m12 = m_ll, m23 = m_(nu l-).
    s2 = ((m_m + m_p) / m_n) ** 2
    z_ll = np.linspace(s2, 1.0, 201)[1:-1]
    lo, hi = dalitz_range_z_num(z_ll, m_n, m_m, m_p)
    lo_pdg, hi_pdg = dalitz_limits(m_n, m_p, m_m, 0.0, z_ll * m_n**2)
    np.testing.assert_allclose(lo * m_n**2, lo_pdg, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(hi * m_n**2, hi_pdg, rtol=1e-10, atol=1e-14)


def test_cos_theta_mnu_is_angle_to_the_neutrino():
    # theta_mnu is easily read as the angle of l- to the (-p_nu) axis; the formula for it (variables
    # of arXiv:2104.05719) gives the angle to +p_nu (m_num^2 = m_m^2 + 2 E_nu (E_m - p_m cos)),
    # which is what K9, K10 require.
    rng = np.random.default_rng(2)
    z_ll, z_num, cos_t, gam, phi = _random_variables(rng, 200, 0.3, M_MU, M_MU)
    nu, lm, _ = rest_frame_momenta(z_ll, z_num, cos_t, gam, phi, m_N=0.3, m_minus=M_MU, m_plus=M_MU)
    cos_direct = np.sum(nu[:, 1:] * lm[:, 1:], axis=1) / (
        np.linalg.norm(nu[:, 1:], axis=1) * np.linalg.norm(lm[:, 1:], axis=1)
    )
    np.testing.assert_allclose(cos_theta_mnu(z_ll, z_num, 0.3, M_MU, M_MU), cos_direct, atol=1e-10)


# --------------------------------------------------------------------------- four-vectors
@settings(max_examples=60, deadline=None)
@given(
    m_n=st.floats(1e-3, 5.0),
    r_m=st.floats(1e-4, 0.49),
    r_p=st.floats(1e-4, 0.49),
    u=st.lists(st.floats(0.0, 1.0), min_size=5, max_size=5),
)
def test_four_vectors_conserve_momentum_and_have_right_invariants(m_n, r_m, r_p, u):
    m_m, m_p = r_m * m_n, r_p * m_n
    s2 = (r_m + r_p) ** 2
    z_ll = s2 + (1.0 - s2) * u[0]
    lo, hi = dalitz_range_z_num(z_ll, m_n, m_m, m_p)
    z_num = lo + (hi - lo) * u[1]
    nu, lm, lp = rest_frame_momenta(
        z_ll, z_num, 2 * u[2] - 1, 2 * np.pi * u[3], 2 * np.pi * u[4],
        m_N=m_n, m_minus=m_m, m_plus=m_p,
    )  # fmt: skip
    m2 = m_n**2
    np.testing.assert_allclose((nu + lm + lp)[0], [m_n, 0.0, 0.0, 0.0], atol=1e-12 * m_n)
    # Tolerance: a few ulp of m_N^2, amplified by sqrt near the boundary of the physical region.
    tol = 1e-8 * m2
    assert invariant_mass_squared(nu)[0] == pytest.approx(0.0, abs=tol)
    assert invariant_mass_squared(lm)[0] == pytest.approx(m_m**2, abs=tol)
    assert invariant_mass_squared(lp)[0] == pytest.approx(m_p**2, abs=tol)
    assert invariant_mass_squared(lm, lp)[0] == pytest.approx(z_ll * m2, abs=tol)
    assert invariant_mass_squared(nu, lm)[0] == pytest.approx(z_num * m2, abs=tol)
    assert np.all(lp[:, 0] >= m_p - tol / m_n)


def test_decay_variables_round_trip():
    rng = np.random.default_rng(4)
    m_n, m_m, m_p = 0.4, 0.1, 0.02
    z_ll, z_num, cos_t, gam, phi = _random_variables(rng, 500, m_n, m_m, m_p, margin=1e-3)
    nu, lm, lp = rest_frame_momenta(z_ll, z_num, cos_t, gam, phi, m_N=m_n, m_minus=m_m, m_plus=m_p)
    back = decay_variables(nu, lm, lp)
    np.testing.assert_allclose(back["z_ll"], z_ll, rtol=1e-9)
    np.testing.assert_allclose(back["z_num"], z_num, rtol=1e-9)
    np.testing.assert_allclose(back["cos_theta_ll"], cos_t, atol=1e-9)
    for name, value in (("phi", phi), ("gamma_ll", gam)):
        diff = np.angle(np.exp(1j * (back[name] - value)))
        np.testing.assert_allclose(diff, 0.0, atol=1e-7)


# --------------------------------------------------------------------------- bad input
def test_bad_input_raises_value_error():
    kw = {"m_minus": M_MU, "m_plus": M_MU, "g_L": 0.7, "g_R": 0.2}
    z_ll = 0.7
    lo, hi = dalitz_range_z_num(z_ll, 0.3, M_MU, M_MU)
    z_num = 0.5 * (lo + hi)
    assert np.isfinite(matrix_element_squared(z_ll, z_num, 0.0, 0.0, m_N=0.3, **kw))
    with pytest.raises(ValueError, match="m_N"):
        matrix_element_squared(z_ll, z_num, 0.0, 0.0, m_N=0.2, **kw)
    with pytest.raises(ValueError, match="polarization"):
        matrix_element_squared(z_ll, z_num, 0.0, 0.0, m_N=0.3, polarization=1.2, **kw)
    with pytest.raises(ValueError, match="z_ll"):
        matrix_element_squared(0.1, z_num, 0.0, 0.0, m_N=0.3, **kw)
    with pytest.raises(ValueError, match="z_num"):
        matrix_element_squared(z_ll, hi + 0.01, 0.0, 0.0, m_N=0.3, **kw)
    with pytest.raises(ValueError, match="cos_theta_ll"):
        matrix_element_squared(z_ll, z_num, 1.5, 0.0, m_N=0.3, **kw)
    with pytest.raises(ValueError, match="z_ll"):
        rest_frame_momenta(np.nan, z_num, 0.0, 0.0, 0.0, m_N=0.3, m_minus=M_MU, m_plus=M_MU)
    with pytest.raises(ValueError, match="g_L"):
        ThreeBodyParameters(0.3, M_MU, M_MU, float("nan"), 0.2)
    with pytest.raises(ValueError, match="lepton masses"):
        ThreeBodyParameters(0.3, -M_MU, M_MU, 0.7, 0.2)
