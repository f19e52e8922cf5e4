"""Proton bremsstrahlung of dark photons (Blumlein-Brunner) and the timelike proton form factor.

Reference numbers: computed for this package from the Blumlein-Brunner formula (arXiv:1311.3870)
with the BdNMC sigma_pp and F_1 parameters (120 GeV, z in [0.1, 0.9], p_T^2 < 1 GeV^2). Second
routes: quadrature against the importance-sampled Monte Carlo sum; the
massless large-p_T limit of w_ba against the textbook equivalent-photon splitting function.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nuportal import constants
from nuportal.sources.target.proton_bremsstrahlung import (
    check_brem_validity,
    proton_brem_yield,
    sample_proton_brem,
    sigma_pp_total,
    splitting_w_ba,
)
from nuportal.sources.target.timelike_form_factor import (
    VMD_POLES,
    proton_f1_squared,
    proton_f1_timelike,
)

M_P = constants.mass("p")


def test_sigma_pp_at_120_gev():
    assert sigma_pp_total(2 * M_P * 120.0) == pytest.approx(38.6, abs=0.05)
    with pytest.raises(ValueError, match="s must be"):
        sigma_pp_total(10.0)


@pytest.mark.parametrize(
    ("mass", "form_factor", "expected"),
    [(0.03, True, 8.0e-3), (0.09, True, 8.0e-3), (0.3, True, 9.6e-3), (0.09, False, 7.6e-3)],
)
def test_yield_matches_reference_values(mass, form_factor, expected):
    # per inelastic proton and eps^2; the reference values have 2 significant digits
    value = proton_brem_yield(120.0, mass, form_factor=form_factor)
    assert value == pytest.approx(expected, abs=0.051e-3)


def test_form_factor_values():
    # residues sum to one (charge normalisation); the fixed widths leave |F1(0)|^2 = 1.020
    assert sum(f for f, _, _ in VMD_POLES) == pytest.approx(1.0, abs=1e-12)
    f0 = proton_f1_timelike(0.0)
    expected = sum(f / (1 - 1j * g / m) for f, m, g in VMD_POLES)
    assert f0 == pytest.approx(expected, rel=1e-14)
    assert abs(f0 - 1.0) < 0.02
    # reference value computed for this package: |F1|^2 = 1.57 at 300 MeV
    assert proton_f1_squared(0.09) == pytest.approx(1.57, abs=0.01)
    # the rho/omega resonance: much larger near 0.77 GeV
    assert proton_f1_squared(0.77**2) > 20.0


def test_quadrature_is_converged():
    a = proton_brem_yield(120.0, 0.09, n_nodes=48)
    b = proton_brem_yield(120.0, 0.09, n_nodes=160)
    assert a == pytest.approx(b, rel=1e-8)


@pytest.mark.parametrize(
    ("mass", "z_range", "pt_max"), [(0.09, (0.1, 0.9), 1.0), (0.5, (0.2, 0.8), 0.5)]
)
def test_monte_carlo_sum_equals_quadrature(mass, z_range, pt_max):
    sample = sample_proton_brem(120.0, mass, 40_000, rng=5, z_range=z_range, pt_max=pt_max)
    w = sample.weights
    total = w.sum()
    sigma = w.std() * math.sqrt(len(w))  # standard error of the sum
    ref = proton_brem_yield(120.0, mass, z_range=z_range, pt_max=pt_max)
    assert abs(total - ref) < 4 * sigma  # 4 standard errors
    assert sigma / total < 0.01
    # kinematics: on shell, p_z = z P in range, p_T below the cut
    p = sample.momenta
    m2 = p[:, 0] ** 2 - (p[:, 1:] ** 2).sum(axis=1)
    np.testing.assert_allclose(np.sqrt(m2), mass, rtol=1e-6)
    z = p[:, 3] / 120.0
    assert z.min() >= z_range[0] and z.max() <= z_range[1]
    assert np.hypot(p[:, 1], p[:, 2]).max() <= pt_max + 1e-12


def test_splitting_function_has_the_equivalent_photon_limit():
    # M -> 0, p_T >> m_p: 2 pi H w_ba / (eps^2 alpha) -> [1 + (1-z)^2]/z (Weizsacker-Williams);
    # BdNMC's extra 1/4 would give a quarter of it
    for z in (0.1, 0.4, 0.8):
        pt2 = 1e6
        h = pt2 + z * z * M_P**2
        value = splitting_w_ba(z, pt2, 1e-6) * 2 * math.pi * h / constants.ALPHA_EM
        assert value == pytest.approx((1 + (1 - z) ** 2) / z, rel=1e-5)


def test_yield_scales_as_epsilon_squared():
    assert proton_brem_yield(120.0, 0.09, 1e-3) == pytest.approx(
        1e-6 * proton_brem_yield(120.0, 0.09), rel=1e-12
    )


def test_validity_is_enforced():
    with pytest.raises(ValueError, match="valid only"):
        proton_brem_yield(8.89, 0.09)  # BNB: z P = 0.9 GeV is not >> m_p
    with pytest.raises(ValueError, match="valid only"):
        check_brem_validity(120.0, 0.09, (0.01, 0.9))
    with pytest.raises(ValueError, match="valid only"):
        check_brem_validity(120.0, 0.09, (0.1, 0.9), pt_max=5.0)
    with pytest.raises(ValueError, match="z_range"):
        check_brem_validity(120.0, 0.09, (0.9, 0.1))
    with pytest.raises(ValueError, match="pt_max"):
        check_brem_validity(120.0, 0.09, (0.1, 0.9), pt_max=-1.0)
    with pytest.raises(ValueError, match="mass"):
        check_brem_validity(120.0, float("nan"))
    # adjustable inside the range
    assert check_brem_validity(400.0, 0.09, (0.05, 0.95), 2.0) == (0.05, 0.95, 2.0)


@settings(max_examples=40, deadline=None)
@given(st.floats(0.1, 0.9), st.floats(0.0, 1.0), st.floats(0.001, 1.0))
def test_splitting_function_is_positive(z, pt2, mass):
    assert splitting_w_ba(z, pt2, mass) > 0.0
