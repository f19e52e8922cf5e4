"""Tests of nuportal.models.upscattering (check numbers computed for this package by scipy
quadrature of the re-derived formulas; DarkNews test values, arXiv:2207.04137).

The couplings of the DarkNews reference points are built here from the DarkNews formulas (const.py,
model.py: DarkNews constants, e_eff = g s_W, exact Z-Z' mixing angle beta), independently of
nuportal.models.dark_neutrino.
"""

from __future__ import annotations

import math
from functools import partial
from types import SimpleNamespace

import numpy as np
import pytest
from scipy import integrate

from nuportal.models import nuclear_form_factors as nff
from nuportal.models import targets as tg
from nuportal.models import upscattering as up

approx = partial(pytest.approx, abs=0.0)

# ---------------------------------------------------------------- DarkNews constants (const.py)
ALPHA_DN = 1.0 / 137.03599908421
GF_DN = 1.16637876e-5
MW_DN = 80.37912
MZ_DN = 91.187621
S2W_DN = 0.22343
MP_DN = 0.93827208816

C12 = tg.nucleus("C12")
M_C = C12.mass
F_C = C12.charge_form_factor


def dn_couplings(*, eps=1e-3, g_d=1.0, u_mu4=1e-3, u_d4=1.0, mzprime=1.25, mu_tr=0.0):
    """Couplings of the DarkNews three-portal model (DarkNews model.py; one HNL mixing with nu_mu
    only).

    chi = eps/c_W, tan(2 beta) = s_W sin(2chi)/(cos^2 chi - s_W^2 sin^2 chi - m_Z'^2/m_Z^2); Z and
    Z' couplings of quarks and of nu_mu-N with the beta corrections; dipole d = mu_tr/2.
    """
    sw, cw = math.sqrt(S2W_DN), math.sqrt(1 - S2W_DN)
    g = math.sqrt(8 * GF_DN * MW_DN**2 / math.sqrt(2))
    gz = g / (2 * cw)
    chi = eps / cw
    beta = 0.5 * math.atan2(
        sw * math.sin(2 * chi),
        math.cos(chi) ** 2 - S2W_DN * math.sin(chi) ** 2 - (mzprime / MZ_DN) ** 2,
    )
    cb, sb, tc = math.cos(beta), math.sin(beta), math.tan(chi)
    c_uv = gz * (cb * (0.5 - 4 * S2W_DN / 3) - 5 / 6 * sb * sw * tc)
    c_dv = gz * (cb * (-0.5 + 2 * S2W_DN / 3) + 1 / 6 * sb * sw * tc)
    d_uv = gz * (5 / 6 * cb * sw * tc + sb * (0.5 - 4 / 3 * S2W_DN))
    d_dv = gz * (sb * (-0.5 + 2 / 3 * S2W_DN) - 1 / 6 * cb * sw * tc)
    c_n = -u_mu4 * (gz * (cb + tc * sw * sb) + g_d * sb * u_d4**2)
    v_n = -u_mu4 * (gz * (cb * tc * sw - sb) + g_d * u_d4**2)
    return SimpleNamespace(
        V_N={"e": 0.0, "mu": v_n, "tau": 0.0},
        V_NN=g_d * u_d4**2,
        C_N={"e": 0.0, "mu": c_n, "tau": 0.0},
        zprime_proton=2 * d_uv + d_dv,
        zprime_neutron=2 * d_dv + d_uv,
        z_proton=2 * c_uv + c_dv,
        z_neutron=2 * c_dv + c_uv,
        dipole={"e": 0.0, "mu": mu_tr / 2, "tau": 0.0},
    )


def dn_model(m4=0.2, mzprime=1.25, **kw):
    return SimpleNamespace(
        m4=m4, mzprime=mzprime, mz=MZ_DN, couplings=dn_couplings(mzprime=mzprime, **kw)
    )


def test_coupling_helper_reproduces_darknews_couplings():
    c = dn_couplings(eps=1e-3, g_d=1.0, u_mu4=1e-3, mzprime=1.25)
    e0 = math.sqrt(4 * math.pi * ALPHA_DN)
    assert c.zprime_proton == approx(3.086201e-4, rel=5e-7)
    assert c.zprime_proton / (e0 * 1e-3) == approx(1.019147, rel=1e-6)
    assert c.zprime_neutron == pytest.approx(-1.87e-8, rel=3e-3)
    assert c.V_N["mu"] == approx(-1.000000e-3, rel=1e-6)
    assert c.C_N["mu"] == approx(-3.709871e-4, rel=5e-7)
    assert 6 * c.z_proton + 6 * c.z_neutron == approx(-0.993238, rel=1e-6)


# ---------------------------------------------- kinematics (check values computed for this package)
def test_threshold_check_numbers():
    assert up.threshold_energy(0.42, M_C) == pytest.approx(0.427893, abs=5e-7)
    assert up.threshold_energy(0.42, MP_DN) == pytest.approx(0.514003, abs=5e-7)
    np.testing.assert_allclose(up.threshold_energy([0.0, 0.1], 1.0), [0.0, 0.105], rtol=1e-15)


@pytest.mark.parametrize("method", ["exact", "darknews"])
@pytest.mark.parametrize(
    ("m", "M", "q2min", "q2max"),
    [
        (0.42, M_C, 8.630525e-3, 3.058131),
        (0.42, MP_DN, 9.600668e-3, 1.034981),
        (0.15, M_C, 1.281379e-4, 3.351071),
        (0.15, MP_DN, 1.295873e-4, 1.247497),
        (0.2, M_C, 4.089604e-4, 3.318446),
    ],
)
def test_q2_limits_check_numbers(method, m, M, q2min, q2max):
    lo, hi = up.q2_limits(1.0, m, M, method=method)
    assert lo == approx(q2min, rel=6e-7)  # 7 significant digits
    assert hi == pytest.approx(q2max, abs=6e-7)  # 6 decimals


def test_q2_limits_small_mass_switch_and_product_identity():
    e = np.array([0.5, 3.0, 50.0])
    s = M_C**2 + 2 * M_C * e
    for m in (1e-5, 1e-3, 0.3):
        lo, hi = up.q2_limits(e, m, M_C)
        np.testing.assert_allclose(lo * hi, m**4 * M_C**2 / s, rtol=1e-14)
        lo_dn, hi_dn = up.q2_limits(e, m, M_C, method="darknews")
        np.testing.assert_array_equal(hi, hi_dn)
        # DarkNews: m^4 M^2/(s - M^2)^2 below m/sqrt(s) = 1e-3 (relative error about
        # -2 m^2 s/(s - M^2)^2), its direct formula above (cancellation: 6e-8 at E = 50 GeV)
        tol = 3 * m**2 * s / (s - M_C**2) ** 2 if m < 1e-2 else 1e-6
        assert np.all(np.abs(lo_dn / lo - 1) <= tol)
    lo_dn, _ = up.q2_limits(2.0, 1e-4, M_C, method="darknews")
    assert lo_dn == approx(1e-16 / 16, rel=1e-15)
    # ... which fails near threshold: m = 10 MeV on 12C at 1.01 E_th is 67 % low
    e_near = 1.01 * up.threshold_energy(0.01, M_C)
    ratio = (
        up.q2_limits(e_near, 0.01, M_C, method="darknews")[0] / up.q2_limits(e_near, 0.01, M_C)[0]
    )
    assert ratio == pytest.approx(0.325, abs=0.01)


def test_below_and_at_threshold():
    e_th = up.threshold_energy(0.42, M_C)
    lo, hi = up.q2_limits([0.0, 0.3, e_th], 0.42, M_C)
    assert np.all(np.isnan(lo)) and np.all(np.isnan(hi))
    assert isinstance(up.q2_limits(0.3, 0.42, M_C)[0], float)
    kw = {"g_zprime": 1e-7, "mzprime": 0.03}
    d = up.dsigma_dq2_coherent_vector([0.0, 0.3, e_th], 0.01, 0.42, M_C, F_C, **kw)
    np.testing.assert_array_equal(d, 0.0)
    sig = up.integrate_dsigma_dq2(
        lambda e, q2: up.dsigma_dq2_coherent_vector(e, q2, 0.42, M_C, F_C, **kw),
        [0.0, 0.3, e_th, 1.0],
        0.42,
        M_C,
    )
    assert np.all(sig[:3] == 0.0) and sig[3] > 0.0
    # outside [Q2min, Q2max] at a physical energy
    out = up.dsigma_dq2_nucleon_dipole(1.0, [1e-4, 2.0], 0.42, dipole=1e-6)
    np.testing.assert_array_equal(out, 0.0)


def _four_vectors(e, q2, m, M):
    """Explicit lab four-vectors k1, p2, k3, p4 (nu along z, N in the x-z plane)."""
    e3 = e - q2 / (2 * M)
    p3 = math.sqrt(e3**2 - m**2)
    cos = (e * e3 - 0.5 * (q2 + m**2)) / (e * p3)
    sin = math.sqrt(1 - cos**2)
    k1 = np.array([e, 0, 0, e])
    p2 = np.array([M, 0, 0, 0])
    k3 = np.array([e3, p3 * sin, 0, p3 * cos])
    return k1, p2, k3, k1 + p2 - k3


def _dot(a, b):
    return a[0] * b[0] - a[1:] @ b[1:]


@pytest.mark.parametrize(("e", "q2", "m", "M"), [(1.0, 0.01, 0.2, 11.17), (3.0, 1.0, 0.5, 0.938)])
def test_spin_vector_is_the_cm_helicity_axis(e, q2, m, M):
    k1, p2, k3, p4 = _four_vectors(e, q2, m, M)
    P = k1 + p2
    s = _dot(P, P)
    k3P = _dot(k3, P)
    s_n = (k3P * k3 - m**2 * P) / (m * math.sqrt(k3P**2 - m**2 * s))
    got = up.hnl_spin_products(e, q2, m, M)
    assert got.k1 == approx(_dot(s_n, k1), rel=1e-10)
    assert got.p2 == approx(_dot(s_n, p2), rel=1e-10)
    assert got.p4 == approx(_dot(s_n, p4), rel=1e-10)
    assert _dot(s_n, k3) == pytest.approx(0.0, abs=1e-12)
    assert _dot(s_n, s_n) == pytest.approx(-1.0, rel=1e-12)
    # boost to the CM frame: s_N = (p3/m, E3/m n^) along the N momentum
    beta = P[3] / P[0]
    gamma = 1 / math.sqrt(1 - beta**2)

    def boost(v):
        return np.array([gamma * (v[0] - beta * v[3]), v[1], v[2], gamma * (v[3] - beta * v[0])])

    k3c, s_c = boost(k3), boost(s_n)
    p3c = np.linalg.norm(k3c[1:])
    assert s_c[0] == approx(p3c / m, rel=1e-10)
    np.testing.assert_allclose(s_c[1:], k3c[0] / m * k3c[1:] / p3c, rtol=1e-9, atol=1e-12)


def test_spin_products_validation():
    with pytest.raises(ValueError, match="m must"):
        up.hnl_spin_products(1.0, 0.01, 0.0, M_C)
    assert np.isnan(up.hnl_spin_products(0.1, 0.01, 0.2, M_C).k1)


# --------------------------------------------- coherent Z' (check values computed for this package)
BJMZ = {"g": 8.591120e-8, "mzprime": 0.03, "m": 0.42}
DN_DEFAULT = {"g": 3.086180e-7, "mzprime": 1.25, "m": 0.15}
REL = 1e-5  # the reference values are given to 6 digits


def coh(point, h, target=C12):
    def f(e, q2):
        return up.dsigma_dq2_coherent_vector(
            e, q2, point["m"], target.mass, target.charge_form_factor,
            g_zprime=target.Z * point["g"], mzprime=point["mzprime"], helicity=h,
        )  # fmt: skip

    return f


def pel(point, h):
    def f(e, q2):
        return up.dsigma_dq2_nucleon_vector(
            e, q2, point["m"], g_zprime=point["g"], mzprime=point["mzprime"], helicity=h, M=MP_DN
        )

    return f


@pytest.mark.parametrize(
    ("point", "h", "dsig", "sig1", "sig2", "rel2"),
    [
        (BJMZ, -1, 3.87747e-38, 2.76899e-40, 1.87136e-39, REL),
        (BJMZ, +1, 9.35403e-43, 3.04683e-44, 7.25992e-45, REL),
        (DN_DEFAULT, -1, 2.51957e-41, 7.71206e-43, 7.81948e-43, REL),
        # the reference 1.71243e-48 is 2.8e-5 below scipy quad of the same integrand (1.712479e-48)
        (DN_DEFAULT, +1, 4.30144e-46, 2.32177e-47, 1.71243e-48, 4e-5),
    ],
)
def test_coherent_vector_check_numbers(point, h, dsig, sig1, sig2, rel2):
    f = coh(point, h)
    assert f(1.0, 0.01) == approx(dsig, rel=REL)
    s1, s2 = up.integrate_dsigma_dq2(f, [1.0, 2.0], point["m"], M_C)
    assert s1 == approx(sig1, rel=REL)
    assert s2 == approx(sig2, rel=rel2)


def test_coherent_z_only_check_number():
    c = dn_couplings(eps=0.0, g_d=0.0, u_mu4=1e-3)
    g_z = c.C_N["mu"] * (6 * c.z_proton + 6 * c.z_neutron)

    def f(e, q2):
        return up.dsigma_dq2_coherent_vector(
            e, q2, 0.15, M_C, F_C, g_zprime=0.0, mzprime=1.0, g_z=g_z, mz=MZ_DN
        )

    assert up.integrate_dsigma_dq2(f, 1.0, 0.15, M_C) == approx(1.09945e-45, rel=REL)


def test_contact_limit_is_the_cevns_formula():
    # heavy Z' with g/m_Z'^2 = G_F Q_W |U| / sqrt(2): dsigma/dQ^2 -> G_F^2 Q_W^2 U^2 F^2/(8 pi)
    # x [1 - T/E - M T/(2E^2) (+ T^2/(2E^2) for a Dirac nucleus)], T = Q^2/(2M)
    # [D. Z. Freedman, Phys. Rev. D 9 (1974) 1389, spin-0 form]
    qw, u, mzp, m = 6.0 - (1 - 4 * S2W_DN) * 6.0, 1e-3, 1e5, 1e-6
    g = GF_DN * qw * u / math.sqrt(2) * mzp**2
    e = np.array([0.05, 0.3, 1.0])
    q2 = np.array([1e-4, 3e-3, 0.02])
    t = q2 / (2 * M_C)
    f2 = F_C(q2) ** 2
    base = GF_DN**2 * qw**2 * u**2 * f2 / (8 * math.pi) * up.GEV2_TO_CM2
    spin0 = base * (1 - t / e - M_C * t / (2 * e**2))
    spin_half = spin0 + base * t**2 / (2 * e**2)
    for spin, expected in (("1/2", spin_half), ("0", spin0)):
        got = up.dsigma_dq2_coherent_vector(
            e, q2, m, M_C, F_C, g_zprime=g, mzprime=mzp, target_spin=spin
        )
        np.testing.assert_allclose(got, expected, rtol=1e-7)


def test_coherent_scales_as_z_squared_f_squared_at_low_q2():
    # m -> 0, Q^2 -> 0: coherent / (Z^2 x free proton, same Z' coupling per charge)
    # -> (F / F1_p)^2, up to recoil and Pauli terms O(Q^2/(M E), kappa^2 Q^2/M^2) ~ 1e-6
    m, q2 = 1e-3, np.array([1e-7, 1e-6, 1e-5])
    e = np.array([0.3, 2.0, 1.0])
    coh_ = up.dsigma_dq2_coherent_vector(e, q2, m, M_C, F_C, g_zprime=6 * 1e-7, mzprime=0.05)
    prot = up.dsigma_dq2_nucleon_vector(e, q2, m, g_zprime=1e-7, mzprime=0.05)
    f1p = nff.nucleon_form_factors(q2).F1
    assert np.all(1 - F_C(q2) ** 2 > [5e-6, 5e-5, 5e-4])  # the form factor is resolved
    np.testing.assert_allclose(coh_ / (36 * prot), (F_C(q2) / f1p) ** 2, rtol=1e-5)


# ------------------------------------------------- protons (check values computed for this package)
@pytest.mark.parametrize(
    ("point", "h", "dsig", "sig1", "sig2"),
    [
        (BJMZ, -1, 1.55580e-39, 1.54783e-41, 6.78785e-41),
        (BJMZ, +1, 3.71039e-42, 8.94248e-44, 2.65125e-44),
        (DN_DEFAULT, -1, 1.12087e-42, 2.42223e-43, 2.68932e-43),
        (DN_DEFAULT, +1, 2.09814e-46, 6.11431e-46, 1.68093e-46),
    ],
)
def test_proton_vector_check_numbers(point, h, dsig, sig1, sig2):
    f = pel(point, h)
    assert f(1.0, 0.01) == approx(dsig, rel=REL)
    s1, s2 = up.integrate_dsigma_dq2(f, [1.0, 2.0], point["m"], MP_DN)
    assert s1 == approx(sig1, rel=REL)
    assert s2 == approx(sig2, rel=REL)


# -------------------------------------------------- dipole (check values computed for this package)
@pytest.mark.parametrize(
    ("h", "dsig", "sig1", "sig2"),
    [(-1, 9.56545e-42, 3.73698e-42, 9.91594e-43), (+1, 2.29513e-38, 9.56951e-40, 1.50550e-39)],
)
def test_coherent_dipole_check_numbers(h, dsig, sig1, sig2):
    def f(e, q2):
        return up.dsigma_dq2_coherent_dipole(
            e, q2, 0.2, M_C, F_C, Z=6, dipole=1e-6, helicity=h, alpha=ALPHA_DN
        )

    assert f(1.0, 0.01) == approx(dsig, rel=REL)
    s1, s2 = up.integrate_dsigma_dq2(f, [1.0, 2.0], 0.2, M_C)
    assert s1 == approx(sig1, rel=REL)
    assert s2 == approx(sig2, rel=REL)


@pytest.mark.parametrize(
    ("h", "dsig", "sig1", "sig2"),
    [(-1, 4.90436e-43, 1.79707e-43, 4.55407e-44), (+1, 1.01314e-39, 5.31280e-41, 7.11267e-41)],
)
def test_proton_dipole_check_numbers(h, dsig, sig1, sig2):
    def f(e, q2):
        return up.dsigma_dq2_nucleon_dipole(
            e, q2, 0.2, dipole=1e-6, helicity=h, alpha=ALPHA_DN, M=MP_DN
        )

    assert f(1.0, 0.01) == approx(dsig, rel=REL)
    s1, s2 = up.integrate_dsigma_dq2(f, [1.0, 2.0], 0.2, MP_DN)
    assert s1 == approx(sig1, rel=REL)
    assert s2 == approx(sig2, rel=REL)


def test_dipole_massless_limit():
    # m -> 0: alpha (2d)^2 Z^2 F^2 (1/Q^2 - 1/(2ME)) [standard magnetic-moment result, mu = 2d]
    d, m = 1e-6, 1e-5
    e, q2 = np.array([0.5, 2.0, 2.0]), np.array([1e-3, 0.01, 0.1])
    got = up.dsigma_dq2_coherent_dipole(e, q2, m, M_C, F_C, Z=6, dipole=d, alpha=ALPHA_DN)
    expected = ALPHA_DN * (2 * d) ** 2 * 36 * F_C(q2) ** 2 * (1 / q2 - 1 / (2 * M_C * e))
    np.testing.assert_allclose(got / up.GEV2_TO_CM2, expected, rtol=1e-8)
    hc = up.dsigma_dq2_coherent_dipole(e, q2, m, M_C, F_C, Z=6, dipole=d, helicity=-1)
    assert np.all(hc / got < 1e-9)


# -------------------------------------------- helicity sums (closed forms derived for this package)
def _random_points(m, M, n=40, seed=3):
    rng = np.random.default_rng(seed)
    e = up.threshold_energy(m, M) + rng.uniform(0.01, 5.0, n)
    lo, hi = up.q2_limits(e, m, M)
    return e, np.exp(rng.uniform(np.log(lo), np.log(hi)))


@pytest.mark.parametrize(("m", "M"), [(0.2, M_C), (0.42, MP_DN), (0.01, 37.2)])
def test_helicity_sums_equal_the_closed_forms(m, M):
    e, q2 = _random_points(m, M)
    ff = nff.fourier_bessel_form_factor(q2)
    g = 1e-7 / (q2 + 0.09) + 2e-5 / (q2 + MZ_DN**2)
    a = q2 + m**2
    kw = {"g_zprime": 1e-7, "mzprime": 0.3, "g_z": 2e-5, "mz": MZ_DN}

    def both(func, **extra):
        hc, hf, s = (func(helicity=h, **extra) for h in (-1, 1, "both"))
        np.testing.assert_allclose(hc + hf, s, rtol=1e-12)
        return s

    # coherent vector, Dirac and spin-0 nucleus
    vec = both(partial(up.dsigma_dq2_coherent_vector, e, q2, m, M, ff, **kw))
    closed = g**2 * ff**2 / (4 * np.pi) * (1 - a * (1 + 2 * e / M - q2 / (2 * M**2)) / (4 * e**2))
    np.testing.assert_allclose(vec / up.GEV2_TO_CM2, closed, rtol=1e-10)
    vec0 = both(partial(up.dsigma_dq2_coherent_vector, e, q2, m, M, ff, target_spin="0", **kw))
    closed0 = g**2 * ff**2 / (4 * np.pi) * (16 * M**2 * e**2 - a * (8 * M * e + 4 * M**2 - m**2))
    np.testing.assert_allclose(vec0 / up.GEV2_TO_CM2, closed0 / (16 * M**2 * e**2), rtol=1e-10)
    # coherent dipole
    dip = both(partial(up.dsigma_dq2_coherent_dipole, e, q2, m, M, ff, Z=6, dipole=1e-6))
    closed_d = (
        up.constants.ALPHA_EM * 36e-12 * ff**2
        * (4 / q2 - (1 + m**2 / q2) * (2 / (M * e) + m**2 / (e**2 * q2) - m**2 / (2 * M**2 * e**2)))
    )  # fmt: skip
    np.testing.assert_allclose(dip / up.GEV2_TO_CM2, closed_d, rtol=1e-9)
    # nucleon vector without Z: G_p^2 {16 G_M^2 S + c_PP [4K^2 - 4M^2(1+tau) a]}
    nuc = both(partial(up.dsigma_dq2_nucleon_vector, e, q2, m, g_zprime=1e-7, mzprime=0.3, M=M))
    f1, f2 = nff.nucleon_form_factors(q2)
    gm, tau = f1 + f2, q2 / (4 * M**2)
    s_ = 2 * M**2 * e**2 - a * (M * e + M**2 / 2 - q2 / 4)
    k_ = 2 * M * e - a / 2
    cpp = -4 * gm * f2 + 2 * f2**2 * (1 + tau)
    msq = (1e-7 / (q2 + 0.09)) ** 2 * (
        16 * gm**2 * s_ + cpp * (4 * k_**2 - 4 * M**2 * (1 + tau) * a)
    )
    np.testing.assert_allclose(nuc / up.GEV2_TO_CM2, msq / (128 * np.pi * M**2 * e**2), rtol=1e-10)
    # nucleon vector with Z and dipole: only the helicity sum identity
    both(partial(up.dsigma_dq2_nucleon_vector, e, q2, m, M=M, nc_convention="darknews", **kw))
    both(partial(up.dsigma_dq2_nucleon_dipole, e, q2, m, dipole=1e-6, M=M, nucleon="neutron"))


def test_flipping_helicity_vanishes_as_m_squared():
    ratios = []
    for m in (1e-2, 1e-3):
        sig = [
            up.integrate_dsigma_dq2(coh({"g": 1e-7, "mzprime": 0.03, "m": m}, h), 1.0, m, M_C)
            for h in (-1, 1)
        ]
        ratios.append(sig[1] / sig[0])
    assert ratios[0] < 1e-4
    assert ratios[1] / ratios[0] == approx(1e-2, rel=0.02)


def test_flipping_helicity_is_accurate_at_tiny_mass():
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 50
    m, M, e = 1e-4, 37.2, 1000.0
    lo, hi = up.q2_limits(e, m, M)
    for q2 in (lo * (1 + 1e-3), math.sqrt(lo * hi), 0.5 * hi):
        E_, Q2, m_, M_ = (mp.mpf(x) for x in (e, q2, m, M))
        s = M_**2 + 2 * M_ * E_
        k3P, k1k3 = M_ * E_ + m_**2 / 2, (m_**2 + Q2) / 2
        d = mp.sqrt(k3P**2 - m_**2 * s)
        ms_k1 = (k3P * k1k3 - m_**2 * M_ * E_) / d
        ms_p2 = (k3P * (M_ * E_ - Q2 / 2) - m_**2 * (M_**2 + M_ * E_)) / d
        k = (k1k3 - ms_k1, M_ * E_ - Q2 / 2 - ms_p2, M_ * E_ - m_**2 / 2 - ms_k1 - ms_p2)
        s_flip = M_ * E_ * k[2] + (M_ * E_ - k1k3) * k[1] - M_**2 * k[0]
        expected = float(8 * s_flip / (128 * mp.pi * M_**2 * E_**2))
        got = up.dsigma_dq2_coherent_vector(e, q2, m, M, 1.0, g_zprime=1.0, mzprime=1.0, helicity=1)
        assert got * (q2 + 1) ** 2 / up.GEV2_TO_CM2 == approx(expected, rel=1e-9)


# ---------------------------------------------------------------- totals versus quad
def _quad(f, e, m, M, q_cap=None):
    lo, hi = up.q2_limits(e, m, M)
    if q_cap is not None:
        hi = min(hi, q_cap**2)
    a, b = math.log(lo), math.log(hi)
    val, _ = integrate.quad(
        lambda t: f(e, math.exp(t)) * math.exp(t),
        a, b, epsabs=0, epsrel=1e-10, limit=400, points=np.linspace(a, b, 12)[1:-1],
    )  # fmt: skip
    return val


@pytest.mark.parametrize(
    ("label", "m", "M", "q_cap"),
    [
        ("coh-light", 0.05, M_C, None),
        ("coh-heavy", 0.4, tg.nucleus("Ar40").mass, None),
        ("coh-cap", 0.2, M_C, 0.3),
        ("p-Z", 0.3, MP_DN, None),
        ("p-cap", 0.1, MP_DN, 1.0),
        ("dip-coh", 0.01, M_C, None),
        ("dip-p", 0.5, MP_DN, None),
    ],
)
def test_totals_agree_with_adaptive_quadrature(label, m, M, q_cap):
    ar = tg.nucleus("Ar40")
    funcs = {
        "coh-light": lambda e, q2, h: up.dsigma_dq2_coherent_vector(
            e, q2, m, M, F_C, g_zprime=1e-7, mzprime=0.01, g_z=1e-4, helicity=h
        ),
        "coh-heavy": lambda e, q2, h: up.dsigma_dq2_coherent_vector(
            e, q2, m, M, ar.charge_form_factor, g_zprime=1e-7, mzprime=1.0, helicity=h
        ),
        "coh-cap": lambda e, q2, h: up.dsigma_dq2_coherent_vector(
            e, q2, m, M, F_C, g_zprime=1e-7, mzprime=0.1, helicity=h, target_spin="0"
        ),
        "p-Z": lambda e, q2, h: up.dsigma_dq2_nucleon_vector(
            e, q2, m, g_zprime=1e-7, mzprime=1.25, g_z=-3.7e-4 * 0.37, helicity=h
        ),
        "p-cap": lambda e, q2, h: up.dsigma_dq2_nucleon_vector(
            e, q2, m, g_zprime=1e-7, mzprime=0.02, helicity=h
        ),
        "dip-coh": lambda e, q2, h: up.dsigma_dq2_coherent_dipole(
            e, q2, m, M, F_C, Z=6, dipole=1e-6, helicity=h
        ),
        "dip-p": lambda e, q2, h: up.dsigma_dq2_nucleon_dipole(e, q2, m, dipole=1e-6, helicity=h),
    }
    energies = [*(up.threshold_energy(m, M) * np.array([1.02, 1.5])), 4.0, 30.0]
    for h in (-1, 1):
        f = partial(lambda e, q2, h: funcs[label](e, q2, h), h=h)
        tot = up.integrate_dsigma_dq2(f, energies, m, M, q_cap=q_cap)
        ref = [_quad(f, e, m, M, q_cap) for e in energies]
        np.testing.assert_allclose(tot, ref, rtol=1e-6)


# ------------------------------------------- DarkNews reference (tests/test_physics.py of DarkNews)
E_91 = np.linspace(0.1, 10.0, 5)


def _dn_sum(model):
    parts = {}
    for process, cap in (("coherent", 2.0), ("proton", 5.0)):
        parts[process] = up.upscattering_cross_section(
            model, "C12", "mu", E_91, process=process, q_cap=cap, nc_convention="darknews"
        )
    return 1e38 * sum(p.sum() for p in parts.values()), parts


@pytest.mark.parametrize(
    ("kw", "darknews", "ours"),
    [
        ({"mzprime": 0.03}, 47.71350400042774, 47.71270),
        ({"mzprime": 1.25}, 0.0009700678537285885, 9.700519e-4),
        ({"mzprime": 1.25, "mu_tr": 2e-6}, 1.167635698988556, 1.167626),
    ],
    ids=["vector_l", "vector_h", "dipole"],
)
def test_darknews_reference_cross_sections(kw, darknews, ours):
    total, parts = _dn_sum(dn_model(m4=0.2, **kw))
    assert total == approx(darknews, rel=1e-3)
    assert total == approx(ours, rel=2e-6)
    assert parts["coherent"][0] == parts["proton"][0] == 0.0  # 0.1 GeV is below threshold


def test_darknews_per_energy_values_vector_l():
    _, parts = _dn_sum(dn_model(m4=0.2, mzprime=0.03))
    coh_ = [9.56611e-38, 1.01210e-37, 1.02348e-37, 1.02760e-37]
    pel_ = [1.78993e-38, 1.89097e-38, 1.91278e-38, 1.92106e-38]
    np.testing.assert_allclose(parts["coherent"][1:], coh_, rtol=REL)
    np.testing.assert_allclose(parts["proton"][1:], pel_, rtol=REL)


def test_darknews_per_energy_values_dipole_only():
    model = dn_model(m4=0.2, mzprime=1.25, mu_tr=2e-6)
    kw = {"portal": "dipole", "nc_convention": "darknews"}
    coh_ = up.upscattering_cross_section(model, "C12", "mu", E_91[1:], q_cap=2.0, **kw)
    pel_ = up.upscattering_cross_section(
        model, "C12", "mu", E_91[1:], process="proton", q_cap=5.0, **kw
    )
    np.testing.assert_allclose(coh_, [1.71015e-39, 2.25768e-39, 2.58339e-39, 2.81587e-39], rtol=REL)
    np.testing.assert_allclose(pel_, [4.64337e-40, 5.61082e-40, 6.17189e-40, 6.56853e-40], rtol=REL)


def test_vector_h_without_proton_nc_terms():
    # exact integrals computed for this package: without DarkNews' p-el NC terms the vector_h sum
    # is 9.684260e-4 (-0.17 %)
    model = dn_model(m4=0.2, mzprime=1.25)
    model.couplings.C_N = {"e": 0.0, "mu": 0.0, "tau": 0.0}
    coh_ = up.upscattering_cross_section(
        dn_model(m4=0.2, mzprime=1.25), "C12", "mu", E_91, q_cap=2.0
    )
    pel_ = up.upscattering_cross_section(model, "C12", "mu", E_91, process="proton", q_cap=5.0)
    assert 1e38 * (coh_.sum() + pel_.sum()) == approx(9.684260e-4, rel=2e-6)


# ---------------------------------------------------------------- wrappers
def test_wrapper_matches_core_functions_and_multiplicities():
    model = dn_model(m4=0.2, mzprime=1.25, mu_tr=2e-6)
    c = model.couplings
    e, q2 = np.array([1.0, 3.0]), np.array([0.02, 0.3])
    v_n, c_n, d = c.V_N["mu"], c.C_N["mu"], c.dipole["mu"]
    coh_vec = up.dsigma_dq2_coherent_vector(
        e, q2, 0.2, M_C, F_C, g_zprime=v_n * (6 * c.zprime_proton + 6 * c.zprime_neutron),
        mzprime=1.25, g_z=c_n * (6 * c.z_proton + 6 * c.z_neutron), mz=MZ_DN, helicity=1,
    )  # fmt: skip
    coh_dip = up.dsigma_dq2_coherent_dipole(e, q2, 0.2, M_C, F_C, Z=6, dipole=d, helicity=1)
    got = up.upscattering_dsigma_dq2(model, "C12", "mu", e, q2, helicity=1)
    np.testing.assert_allclose(got, coh_vec + coh_dip, rtol=1e-14)
    vec_only = up.upscattering_dsigma_dq2(model, C12, "mu", e, q2, helicity=1, portal="vector")
    np.testing.assert_allclose(vec_only, coh_vec, rtol=1e-14)
    # p-el: x Z with the bound-proton mass m_p; physical NC: N_Z = -2 c_nV = g/(2 c_W)
    s2 = 0.25 * (1 + c.z_proton / c.z_neutron)
    assert s2 == approx(S2W_DN, rel=1e-5)
    p_vec = up.dsigma_dq2_nucleon_vector(
        e, q2, 0.2, g_zprime=v_n * c.zprime_proton, mzprime=1.25,
        g_z=c_n * (-2 * c.z_neutron), mz=MZ_DN, sin2_theta_w=s2,
    )  # fmt: skip
    p_dip = up.dsigma_dq2_nucleon_dipole(e, q2, 0.2, dipole=d)
    got_p = up.upscattering_dsigma_dq2(model, "C12", "mu", e, q2, process="proton")
    np.testing.assert_allclose(got_p, 6 * (p_vec + p_dip), rtol=1e-14)
    got_h = up.upscattering_dsigma_dq2(model, "H1", "mu", e, q2, process="proton", portal="dipole")
    h_dip = up.dsigma_dq2_nucleon_dipole(e, q2, 0.2, dipole=d, M=up.M_PROTON)
    np.testing.assert_allclose(got_h, h_dip, rtol=1e-14)
    # neutrons: x N, Z' through the neutron's electromagnetic form factors
    n_el = up.upscattering_cross_section(model, "C12", "mu", 2.0, process="neutron")
    assert n_el > 0.0
    assert isinstance(up.upscattering_cross_section(model, "C12", "mu", 2.0), float)
    assert up.upscattering_cross_section(model, "C12", "e", 2.0) == 0.0


def test_physical_versus_darknews_nc_convention():
    # DarkNews multiplies its NC form factors by c_pV (weak charge twice): its Z-p-el terms are
    # much smaller than with the physical normalization g/(2 c_W)
    model = dn_model(m4=0.2, mzprime=1.25)
    kw = {"process": "proton", "q_cap": 5.0}
    e = np.array([1.0, 5.0])
    dn = up.upscattering_cross_section(model, "C12", "mu", e, nc_convention="darknews", **kw)
    ph = up.upscattering_cross_section(model, "C12", "mu", e, nc_convention="physical", **kw)
    model.couplings.C_N = {"e": 0.0, "mu": 0.0, "tau": 0.0}
    zp = up.upscattering_cross_section(model, "C12", "mu", e, **kw)
    assert np.all(np.abs(dn / zp - 1) < 0.01)
    assert np.all(np.abs(ph / zp - 1) > 3 * np.abs(dn / zp - 1))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"target": "Pb208"}, "unknown target"),
        ({"flavour": "sterile"}, "flavour"),
        ({"process": "incoherent"}, "process"),
        ({"helicity": 0}, "helicity"),
        ({"portal": "scalar"}, "portal"),
        ({"target": "H1"}, "coherent"),
        ({"target": "proton", "process": "neutron"}, "no neutrons"),
        ({"E": [1.0, np.nan]}, "E must"),
        ({"E": -1.0}, "E must"),
        ({"q_cap": 0.0}, "q_cap"),
        ({"nc_convention": "dn", "process": "proton"}, "nc_convention"),
    ],
)
def test_wrapper_bad_input(kwargs, match):
    args = {"target": "C12", "flavour": "mu", "E": 1.0}
    args.update(kwargs)
    model = dn_model()
    with pytest.raises(ValueError, match=match):
        up.upscattering_cross_section(model, args.pop("target"), args.pop("flavour"), **args)


_CV = partial(up.dsigma_dq2_coherent_vector, 1.0)
_KW = {"g_zprime": 1.0, "mzprime": 1.0}


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: up.threshold_energy(-0.1, M_C), "m must"),
        (lambda: up.threshold_energy(0.1, 0.0), "M must"),
        (lambda: up.q2_limits(1.0, 0.1, M_C, method="approx"), "method"),
        (lambda: _CV(-0.01, 0.1, M_C, F_C, **_KW), "Q2"),
        (lambda: _CV(0.01, 0.1, M_C, F_C, g_zprime=1.0, mzprime=0.0), "mzprime"),
        (lambda: _CV(0.01, 0.1, M_C, F_C, g_zprime=np.inf, mzprime=1.0), "g_zprime"),
        (lambda: _CV(0.01, 0.1, M_C, [np.nan], **_KW), "form_factor"),
        (lambda: _CV(0.01, 0.1, M_C, 1.0, target_spin="1", **_KW), "target_spin"),
        (lambda: _CV(0.01, 0.1, M_C, 1.0, helicity="left", **_KW), "helicity"),
        (lambda: _CV(0.01, -0.1, M_C, 1.0, **_KW), "m must"),
        (
            lambda: up.dsigma_dq2_coherent_dipole(1.0, 0.01, 0.1, M_C, F_C, Z=-6, dipole=1e-6),
            "Z must",
        ),
        (lambda: up.dsigma_dq2_nucleon_dipole(1.0, 0.01, 0.1, dipole=1e-6, alpha=0.0), "alpha"),
        (
            lambda: up.dsigma_dq2_nucleon_vector(1.0, 0.01, 0.1, nucleon="n", **_KW),
            "nucleon",
        ),
        (lambda: up.integrate_dsigma_dq2(lambda e, q: 0 * q, 1.0, 0.0, M_C), "m must"),
    ],
)
def test_core_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_scalar_and_array_shapes():
    f = up.dsigma_dq2_coherent_vector(1.0, 0.01, 0.2, M_C, F_C, g_zprime=1e-7, mzprime=0.1)
    assert isinstance(f, float) and f > 0
    e = np.linspace(0.5, 2.0, 6).reshape(2, 3)
    out = up.dsigma_dq2_coherent_vector(e, 0.01, 0.2, M_C, F_C, g_zprime=1e-7, mzprime=0.1)
    assert out.shape == (2, 3)
    sig = up.integrate_dsigma_dq2(
        lambda x, q2: up.dsigma_dq2_nucleon_dipole(x, q2, 0.2, dipole=1e-6), e, 0.2, MP_DN
    )
    assert sig.shape == (2, 3)
