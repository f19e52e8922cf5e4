"""Tests of nuportal.models.nuclear_form_factors (check numbers computed for this
package from the DarkNews form-factor choices, arXiv:2207.04137)."""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import pytest
from scipy import integrate

from nuportal.models import nuclear_form_factors as nff

approx = partial(pytest.approx, abs=0.0)
HBARC_GEV_FM = 1.0 / nff.FM_TO_INV_GEV
Q_CHECK = np.array([0.05, 0.1, 0.2, 0.3])  # GeV


# ------------------------------------------------------------ Fourier-Bessel (de Vries et al. 1987)
def test_fourier_bessel_charge_and_radius_check_numbers():
    assert nff.fourier_bessel_charge() == approx(6.00028, rel=2e-6)
    assert nff.fourier_bessel_rms_radius() == pytest.approx(2.4639, abs=5e-5)


def _fb_density(r):
    p = nff.FOURIER_BESSEL_C12
    n = np.arange(1, len(p.coefficients) + 1)
    k = n * np.pi / p.radius_fm
    return np.sum(np.asarray(p.coefficients) * np.sinc(k * r / np.pi))


def test_fourier_bessel_moments_from_the_density_by_quadrature():
    # independent of the closed forms: integrate rho(r) = sum a_n j0(n pi r / R) numerically
    r_max = nff.FOURIER_BESSEL_C12.radius_fm
    charge = integrate.quad(lambda r: 4 * np.pi * r**2 * _fb_density(r), 0, r_max, limit=200)[0]
    r4 = integrate.quad(lambda r: 4 * np.pi * r**4 * _fb_density(r), 0, r_max, limit=200)[0]
    assert charge == approx(nff.fourier_bessel_charge(), rel=1e-10)
    assert math.sqrt(r4 / charge) == approx(nff.fourier_bessel_rms_radius(), rel=1e-10)


def test_fourier_bessel_form_factor_check_numbers():
    f = nff.fourier_bessel_form_factor(Q_CHECK**2)
    np.testing.assert_allclose(f, [0.93698, 0.76947, 0.33827, 0.06502], atol=6e-6, rtol=0)


@pytest.mark.parametrize("q_gev", [0.05, 0.3, 0.45, 0.8])
def test_fourier_bessel_form_factor_is_the_fourier_transform_of_the_density(q_gev):
    q = q_gev / HBARC_GEV_FM  # fm^-1
    r_max = nff.FOURIER_BESSEL_C12.radius_fm
    ft = integrate.quad(
        lambda r: 4 * np.pi * r**2 * _fb_density(r) * np.sinc(q * r / np.pi), 0, r_max, limit=400
    )[0]
    expected = ft / nff.fourier_bessel_charge()
    assert nff.fourier_bessel_form_factor(q_gev**2) == pytest.approx(expected, rel=1e-8, abs=1e-12)


def test_fourier_bessel_slope_gives_rms_radius():
    q = 1e-4  # GeV
    f = nff.fourier_bessel_form_factor(q * q)
    r2 = 6.0 * (1.0 - f) / (q / HBARC_GEV_FM) ** 2
    assert math.sqrt(r2) == approx(nff.fourier_bessel_rms_radius(), rel=1e-6)


@pytest.mark.parametrize("n", [1, 2, 5, 15])
def test_fourier_bessel_removable_poles_are_continuous(n):
    x_pole = n * np.pi / (nff.FOURIER_BESSEL_C12.radius_fm * nff.FM_TO_INV_GEV)  # Q at x = n pi
    q = x_pole * np.array([1 - 1e-4, 1 - 1e-7, 1.0, 1 + 1e-7, 1 + 1e-4])
    f = nff.fourier_bessel_form_factor(q**2)
    assert np.all(np.isfinite(f))
    assert f[2] == pytest.approx(0.5 * (f[0] + f[4]), rel=1e-3, abs=1e-9)
    assert f[1] == pytest.approx(f[2], rel=1e-5, abs=1e-12)
    assert f[3] == pytest.approx(f[2], rel=1e-5, abs=1e-12)


def test_fourier_bessel_at_zero_and_shapes():
    assert nff.fourier_bessel_form_factor(0.0) == 1.0
    assert isinstance(nff.fourier_bessel_form_factor(0.01), float)
    assert nff.fourier_bessel_form_factor(np.zeros((2, 3))).shape == (2, 3)


def test_fourier_bessel_parameters_validation():
    with pytest.raises(ValueError, match="radius_fm"):
        nff.FourierBesselParameters(radius_fm=-1.0, coefficients=(1.0,))
    with pytest.raises(ValueError, match="coefficients"):
        nff.FourierBesselParameters(radius_fm=5.0, coefficients=())


# ------------------------------------------------------------------ symmetrized Fermi (DarkNews)
def test_symmetrized_fermi_check_numbers():
    f = nff.symmetrized_fermi_form_factor(Q_CHECK**2, 12)
    np.testing.assert_allclose(f, [0.92667, 0.73702, 0.28678, 0.03902], atol=6e-6, rtol=0)


@pytest.mark.parametrize("q_gev", [1e-3, 0.1, 0.3])
def test_symmetrized_fermi_is_the_fourier_transform_of_its_density(q_gev):
    # rho(r) ~ sinh(c/a) / (cosh(r/a) + cosh(c/a)), c = 1.03 A^(1/3) fm, a = 0.523 fm
    a, c = 0.523, 1.03 * 40 ** (1 / 3)
    q = q_gev / HBARC_GEV_FM

    def rho(r):
        return 1.0 / (np.cosh(r / a) + np.cosh(c / a))

    norm = integrate.quad(lambda r: r**2 * rho(r), 0, 40, limit=200)[0]
    ft = integrate.quad(lambda r: r**2 * rho(r) * np.sinc(q * r / np.pi), 0, 40, limit=400)[0]
    got = nff.symmetrized_fermi_form_factor(q_gev**2, 40)
    assert got == pytest.approx(ft / norm, rel=1e-8)


def test_symmetrized_fermi_small_q_series_and_cut():
    a, r0 = 0.523, 1.03 * 208 ** (1 / 3)  # fm
    q2 = np.array([0.0, 1e-16, 1e-10])
    f = nff.symmetrized_fermi_form_factor(q2, 208)
    assert f[0] == 1.0
    # slope at Q -> 0: r_rms^2 = (3/5) r0^2 + (7/5) pi^2 a^2
    r2 = (0.6 * r0**2 + 1.4 * np.pi**2 * a**2) * nff.FM_TO_INV_GEV**2
    assert (1.0 - f[2]) * 6.0 / 1e-10 == approx(r2, rel=1e-5)
    # continuity across the series switches u = Q r0 = 0.1 and v = pi a Q = 0.1
    for q_switch in (0.1 / (r0 * nff.FM_TO_INV_GEV), 0.1 / (np.pi * a * nff.FM_TO_INV_GEV)):
        lo, hi = nff.symmetrized_fermi_form_factor(
            (q_switch * np.array([1 - 1e-12, 1 + 1e-12])) ** 2, 208
        )
        assert abs(lo - hi) < 1e-13
    assert nff.symmetrized_fermi_form_factor([24.99, 25.0, 36.0], 12)[1:].tolist() == [0.0, 0.0]


# ---------------------------------------------------------------- Helm (Phys. Rev. 104 (1956) 1466)
def test_helm_check_numbers():
    f = nff.helm_form_factor(Q_CHECK**2, 12)
    np.testing.assert_allclose(f, [0.93235, 0.75300, 0.29942, 0.03667], atol=6e-6, rtol=0)


def test_helm_series_branch_and_lewin_smith():
    x_switch = 0.05 / (3.9 * (12 / 40) ** (1 / 3) * nff.FM_TO_INV_GEV)
    q = x_switch * np.array([1 - 1e-12, 1 + 1e-12])
    f = nff.helm_form_factor(q**2, 12)
    assert f[0] == approx(f[1], rel=1e-13)
    assert nff.helm_form_factor(0.0, 12) == 1.0
    # Lewin-Smith radius R^2 = c^2 + 7/3 pi^2 a^2 - 5 s^2
    c = 1.23 * 40 ** (1 / 3) - 0.6
    r = math.sqrt(c**2 + 7 / 3 * math.pi**2 * 0.52**2 - 5 * 0.81) * nff.FM_TO_INV_GEV
    qq, s = 0.1, 0.9 * nff.FM_TO_INV_GEV
    x = qq * r
    expected = 3 * (math.sin(x) - x * math.cos(x)) / x**3 * math.exp(-0.5 * qq**2 * s**2)
    assert nff.helm_form_factor(qq**2, 40, parametrization="lewin_smith") == approx(
        expected, rel=1e-12
    )
    with pytest.raises(ValueError, match="parametrization"):
        nff.helm_form_factor(0.01, 40, parametrization="klein-nystrand")


# ------------------------------------------------------------------ nucleons (dipole)
def test_proton_dirac_pauli_check_numbers():
    f1, f2 = nff.nucleon_form_factors([0.1, 0.5, 1.0])
    np.testing.assert_allclose(f1, [0.80653, 0.42134, 0.24098], atol=6e-6, rtol=0)
    np.testing.assert_allclose(f2, [1.33913, 0.54069, 0.24086], atol=6e-6, rtol=0)


@pytest.mark.parametrize("nucleon", ["proton", "neutron"])
def test_sachs_and_dirac_pauli_are_consistent(nucleon):
    q2 = np.array([0.0, 0.2, 2.0])
    ge, gm = nff.nucleon_sachs_form_factors(q2, nucleon)
    f1, f2 = nff.nucleon_form_factors(q2, nucleon)
    tau = q2 / (4 * nff.M_PROTON**2)
    np.testing.assert_allclose(f1 + f2, gm, rtol=1e-14)
    np.testing.assert_allclose(f1 - tau * f2, ge, rtol=1e-14, atol=1e-16)


def test_neutron_static_values():
    ge, gm = nff.nucleon_sachs_form_factors(0.0, "neutron")
    f1, f2 = nff.nucleon_form_factors(0.0, "neutron")
    assert (ge, f1) == (0.0, 0.0)
    assert gm == f2 == nff.MU_NEUTRON
    assert nff.dipole_form_factor(0.843**2) == 0.25


def test_nc_form_factors_static_values():
    s2 = 0.22343
    dn = nff.nucleon_nc_form_factors(0.0, sin2_theta_w=s2, convention="darknews")
    ph = nff.nucleon_nc_form_factors(0.0, sin2_theta_w=s2, convention="physical")
    assert dn.F1 == approx(0.5 - 2 * s2, rel=1e-12)
    assert ph.F1 == approx(0.5 - 2 * s2, rel=1e-12)
    mu_p, mu_n = nff.MU_PROTON, nff.MU_NEUTRON
    assert dn.F2 == approx((0.5 - s2) * (mu_p - mu_n) - s2 * (mu_p + mu_n), rel=1e-12)
    # physical: (1/2 - 2 s^2) kappa_p - kappa_n / 2, kappa_p = mu_p - 1, kappa_n = mu_n
    assert ph.F2 == approx((0.5 - 2 * s2) * (mu_p - 1) - 0.5 * mu_n, rel=1e-12)
    assert dn.FA == ph.FA == approx(0.63, rel=1e-12)
    n = nff.nucleon_nc_form_factors(0.0, "neutron", sin2_theta_w=s2)
    assert n.F1 == approx(-0.5, rel=1e-12)
    assert n.FA == approx(-0.63, rel=1e-12)


def test_nc_form_factors_darknews_formula_at_finite_q2():
    s2, q2 = 0.22343, 0.5
    tau = q2 / (4 * nff.M_PROTON**2)
    d = (1 + q2 / 0.843**2) ** -2
    mu_p, mu_n = 2.792, -1.913
    f1 = d * ((0.5 - s2) * (1 + tau * (1 + mu_p - mu_n)) - s2 * (1 + tau * (1 + mu_p + mu_n)))
    f2 = d * ((0.5 - s2) * (mu_p - mu_n) - s2 * (mu_p + mu_n))
    got = nff.nucleon_nc_form_factors(q2, sin2_theta_w=s2, convention="darknews")
    assert got.F1 == approx(f1 / (1 + tau), rel=1e-13)
    assert got.F2 == approx(f2 / (1 + tau), rel=1e-13)
    assert got.FA == approx(0.63 / (1 + q2 / 1.02**2) ** 2, rel=1e-13)


def test_nc_form_factors_physical_isospin_decomposition():
    q2, s2 = np.array([0.0, 0.3, 1.5]), 0.23
    p1, p2 = nff.nucleon_form_factors(q2, "proton")
    n1, n2 = nff.nucleon_form_factors(q2, "neutron")
    got = nff.nucleon_nc_form_factors(q2, "proton", sin2_theta_w=s2)
    np.testing.assert_allclose(got.F1, (0.5 - 2 * s2) * p1 - 0.5 * n1, rtol=1e-13)
    np.testing.assert_allclose(got.F2, (0.5 - 2 * s2) * p2 - 0.5 * n2, rtol=1e-13)


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: nff.fourier_bessel_form_factor(-1e-3), "Q2"),
        (lambda: nff.fourier_bessel_form_factor([0.1, np.nan]), "Q2"),
        (lambda: nff.symmetrized_fermi_form_factor(np.inf, 12), "Q2"),
        (lambda: nff.symmetrized_fermi_form_factor(0.1, 0.5), "A"),
        (lambda: nff.helm_form_factor(0.1, -4), "A"),
        (lambda: nff.nucleon_form_factors(0.1, "deuteron"), "nucleon"),
        (lambda: nff.nucleon_nc_form_factors(0.1, sin2_theta_w=1.5), "sin2_theta_w"),
        (lambda: nff.nucleon_nc_form_factors(0.1, convention="dn"), "convention"),
        (lambda: nff.dipole_form_factor(0.1, mass=0.0), "mass"),
    ],
)
def test_bad_input_raises(call, match):
    with pytest.raises(ValueError, match=match):
        call()
