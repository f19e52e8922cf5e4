"""Tests of nuportal.models.sterile: 3+1 vacuum oscillations (SBL formulas and exact 4-flavour)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nuportal.models.sterile import (
    NUFIT60_NO,
    OSC_PHASE_CONSTANT,
    ThreeFlavourParameters,
    appearance_probability_sbl,
    bin_averaged_appearance,
    bin_averaged_disappearance,
    disappearance_probability_sbl,
    mixing_matrix_3p1,
    oscillation_probability,
    oscillation_probability_3p1,
    probability_matrix,
    sin2_2theta_disappearance,
    sin2_2theta_mue,
    sin2_phase_bin_average,
)

# Standard splittings made negligible: their phases are < 1e-9 at L/E <= 10 km/GeV, so the exact
# probability differs from the two-flavour formula by O(1e-9) (first-order interference).
TINY = ThreeFlavourParameters(
    theta12=NUFIT60_NO.theta12,
    theta13=NUFIT60_NO.theta13,
    theta23=NUFIT60_NO.theta23,
    delta_cp=NUFIT60_NO.delta_cp,
    dm2_21=1e-12,
    dm2_31=1e-11,
)


def test_phase_constant_is_the_pdg_1267():
    # PDG quotes 1.267 (rounded); 1 / (4 hbar c) in eV^2 km / GeV units is 1.26693.
    assert OSC_PHASE_CONSTANT == pytest.approx(1.267, abs=5e-4)


def test_sbl_formulas_scalar_and_values():
    # at Delta = pi/2 the appearance probability is the amplitude itself
    E = OSC_PHASE_CONSTANT * 1.0 * 1.0 / (np.pi / 2)
    assert appearance_probability_sbl(0.01, 1.0, 1.0, E) == pytest.approx(0.01, rel=1e-12)
    assert disappearance_probability_sbl(0.01, 1.0, 1.0, E) == pytest.approx(0.99, rel=1e-12)
    assert isinstance(appearance_probability_sbl(0.01, 1.0, 1.0, 1.0), float)


def test_sbl_broadcasting_over_parameter_grid():
    dm2 = np.array([0.1, 1.0, 10.0])
    s = np.array([1e-3, 1e-2])
    E = np.linspace(0.2, 3.0, 7)
    p = appearance_probability_sbl(s[None, :, None], dm2[:, None, None], 0.5, E[None, None, :])
    assert p.shape == (3, 2, 7)
    assert p[1, 1, 3] == pytest.approx(appearance_probability_sbl(1e-2, 1.0, 0.5, E[3]))


@pytest.mark.parametrize("channel", ["mue", "mumu", "ee"])
def test_four_flavour_reduces_to_sbl_without_standard_phases(channel):
    ue, um, dm2 = 0.02, 0.03, 1.3
    L = np.array([0.11, 0.47, 0.541])[:, None]
    E = np.linspace(0.2, 3.0, 50)[None, :]
    if channel == "mue":
        exact = oscillation_probability_3p1("mu", "e", L, E, dm2, ue, um, standard_phases=False)
        sbl = appearance_probability_sbl(sin2_2theta_mue(ue, um), dm2, L, E)
    elif channel == "mumu":
        exact = oscillation_probability_3p1("mu", "mu", L, E, dm2, ue, um, standard_phases=False)
        sbl = disappearance_probability_sbl(sin2_2theta_disappearance(um), dm2, L, E)
    else:
        exact = oscillation_probability_3p1("e", "e", L, E, dm2, ue, um, standard_phases=False)
        sbl = disappearance_probability_sbl(sin2_2theta_disappearance(ue), dm2, L, E)
    # algebraically identical: only rounding differences
    np.testing.assert_allclose(exact, sbl, rtol=1e-10, atol=1e-15)


def test_four_flavour_with_small_standard_phases_matches_sbl():
    ue, um, dm2 = 0.01, 0.02, 0.8
    L, E = 0.5, np.linspace(0.3, 5.0, 40)
    exact = oscillation_probability_3p1("mu", "e", L, E, dm2, ue, um, three_flavour=TINY)
    sbl = appearance_probability_sbl(4 * ue * um, dm2, L, E)
    # interference with the 3-flavour amplitude is <~ 2 |U_mu3 U_e3| * phase31 ~ 1e-12
    np.testing.assert_allclose(exact, sbl, atol=1e-10)


def test_four_flavour_realistic_standard_phases_are_a_small_correction_at_sbnd():
    # SBND-like L/E: the atmospheric phase is ~3e-4, so the exact probability stays within a few
    # per cent of the two-flavour formula for |U_e4|^2 = |U_mu4|^2 = 0.01 (interference term).
    ue = um = 0.01
    E = np.linspace(0.3, 3.0, 30)
    exact = oscillation_probability_3p1("mu", "e", 0.11, E, 1.3, ue, um)
    sbl = appearance_probability_sbl(4 * ue * um, 1.3, 0.11, E)
    np.testing.assert_allclose(exact, sbl, rtol=0.05)


def test_mixing_matrix_entries_and_three_flavour_block():
    U = mixing_matrix_3p1(0.02, 0.03, 0.04)
    np.testing.assert_allclose(np.abs(U[:3, 3]) ** 2, [0.02, 0.03, 0.04], rtol=1e-12)
    np.testing.assert_allclose(U @ U.conj().T, np.eye(4), atol=1e-14)
    U0 = mixing_matrix_3p1(0.0, 0.0, 0.0)
    assert abs(U0[0, 2]) ** 2 == pytest.approx(np.sin(NUFIT60_NO.theta13) ** 2, rel=1e-12)
    assert abs(U0[1, 2]) ** 2 == pytest.approx(
        (np.sin(NUFIT60_NO.theta23) * np.cos(NUFIT60_NO.theta13)) ** 2, rel=1e-12
    )
    np.testing.assert_allclose(np.abs(U0[3]), [0, 0, 0, 1], atol=1e-15)


def test_mixing_matrix_at_the_unitarity_edge():
    U = mixing_matrix_3p1(0.3, 0.3, 0.4)  # sum = 1: the sterile row has no m_4 component
    np.testing.assert_allclose(U @ U.conj().T, np.eye(4), atol=1e-13)
    assert abs(U[3, 3]) == pytest.approx(0.0, abs=1e-7)


mixing = st.floats(0.0, 0.3)


@settings(max_examples=150, deadline=None)
@given(
    ue=mixing,
    um=mixing,
    ut=mixing,
    d14=st.floats(0.0, 2 * np.pi),
    d24=st.floats(0.0, 2 * np.pi),
    dm2=st.floats(0.0, 100.0),
    L=st.floats(0.0, 2000.0),
    E=st.floats(0.01, 100.0),
    anti=st.booleans(),
)
def test_unitarity_probabilities_sum_to_one(ue, um, ut, d14, d24, dm2, L, E, anti):
    U = mixing_matrix_3p1(ue, um, ut, delta_14=d14, delta_24=d24)
    dm = np.array([0.0, NUFIT60_NO.dm2_21, NUFIT60_NO.dm2_31, dm2])
    P = probability_matrix(U, dm, L, E, antineutrino=anti)
    np.testing.assert_allclose(P.sum(axis=-1), 1.0, atol=1e-12)
    np.testing.assert_allclose(P.sum(axis=-2), 1.0, atol=1e-12)
    assert np.all(P >= -1e-15) and np.all(P <= 1 + 1e-12)


def test_cpt_and_t_relations():
    L = np.array([0.5, 295.0, 1300.0])[:, None]
    E = np.linspace(0.3, 5.0, 25)[None, :]
    kw = dict(delta_14=1.1, delta_24=-0.4)
    U = mixing_matrix_3p1(0.02, 0.03, 0.01, **kw)
    dm = np.array([0.0, NUFIT60_NO.dm2_21, NUFIT60_NO.dm2_31, 1.3])
    P = probability_matrix(U, dm, L, E)
    Pbar = probability_matrix(U, dm, L, E, antineutrino=True)
    # CPT: P(a -> b) = Pbar(b -> a), for any U
    np.testing.assert_allclose(P, np.swapaxes(Pbar, -1, -2), atol=1e-14)
    # with complex phases there is genuine CP violation at long baseline
    assert np.max(np.abs(P[..., 1, 0] - Pbar[..., 1, 0])) > 1e-3
    # real U: T invariance P(a -> b) = P(b -> a) and CP invariance P = Pbar
    real_3nu = ThreeFlavourParameters(
        NUFIT60_NO.theta12, NUFIT60_NO.theta13, NUFIT60_NO.theta23, 0.0, 7.49e-5, 2.513e-3
    )
    Ur = mixing_matrix_3p1(0.02, 0.03, 0.01, three_flavour=real_3nu)
    assert np.allclose(Ur.imag, 0.0)
    Pr = probability_matrix(Ur, dm, L, E)
    np.testing.assert_allclose(Pr, np.swapaxes(Pr, -1, -2), atol=1e-14)
    np.testing.assert_allclose(Pr, probability_matrix(Ur, dm, L, E, antineutrino=True), atol=1e-14)


def test_fast_oscillations_average_to_half_amplitude():
    s = 0.2
    # analytic bin average: |<cos(k/E)>| <~ 2 E^2 / (k dE) ~ 1e-5 here
    avg = bin_averaged_appearance(s, 1e4, 1.0, 1.0, 2.0)
    assert avg == pytest.approx(s / 2, abs=1e-4)
    assert bin_averaged_disappearance(s, 1e4, 1.0, 1.0, 2.0) == pytest.approx(1 - s / 2, abs=1e-4)
    # the exact 4-flavour probability, sampled finely over the same bin, averages to 2|Ue4 Umu4|^2
    E = np.linspace(1.0, 2.0, 400001)
    P = oscillation_probability_3p1("mu", "e", 1.0, E, 1e3, 0.05, 0.05, standard_phases=False)
    assert np.mean(P) == pytest.approx(2 * 0.05 * 0.05, rel=2e-3)


@pytest.mark.parametrize(
    ("dm2", "L", "e1", "e2"),
    [(1.3, 0.47, 0.2, 0.4), (0.04, 0.574, 0.5, 3.0), (20.0, 0.11, 0.3, 0.35), (1.0, 1.0, 1.0, 1.0)],
)
def test_bin_average_matches_fine_sampling(dm2, L, e1, e2):
    n = 200000
    if e1 == e2:
        brute = np.sin(OSC_PHASE_CONSTANT * dm2 * L / e1) ** 2
    else:
        E = e1 + (e2 - e1) * (np.arange(n) + 0.5) / n  # midpoint rule, error ~ (dE/n)^2 f''
        brute = np.mean(np.sin(OSC_PHASE_CONSTANT * dm2 * L / E) ** 2)
    assert sin2_phase_bin_average(dm2, L, e1, e2) == pytest.approx(brute, rel=1e-7, abs=1e-10)


def test_bin_average_narrow_bin_and_broadcast():
    e = 0.7
    narrow = sin2_phase_bin_average(1.3, 0.5, e, e * (1 + 1e-8))
    assert narrow == pytest.approx(np.sin(OSC_PHASE_CONSTANT * 1.3 * 0.5 / e) ** 2, rel=1e-6)
    out = bin_averaged_appearance(0.01, np.array([0.1, 1.0])[:, None], 0.5, [0.2, 1.0], [0.4, 2.0])
    assert out.shape == (2, 2)


def test_flavour_names_and_indices_agree():
    U = mixing_matrix_3p1(0.02, 0.03)
    dm = [0.0, 7.5e-5, 2.5e-3, 1.0]
    assert oscillation_probability(U, dm, "mu", "e", 0.5, 1.0) == oscillation_probability(
        U, dm, 1, 0, 0.5, 1.0
    )


@pytest.mark.parametrize(
    ("func", "args", "match"),
    [
        (appearance_probability_sbl, (0.1, -1.0, 1.0, 1.0), "dm2_eV2"),
        (appearance_probability_sbl, (1.5, 1.0, 1.0, 1.0), "sin2_2theta"),
        (appearance_probability_sbl, (-0.1, 1.0, 1.0, 1.0), "sin2_2theta"),
        (appearance_probability_sbl, (0.1, np.nan, 1.0, 1.0), "dm2_eV2"),
        (disappearance_probability_sbl, (0.1, 1.0, 1.0, 0.0), "E_GeV"),
        (disappearance_probability_sbl, (0.1, 1.0, -1.0, 1.0), "L_km"),
        (bin_averaged_appearance, (0.1, 1.0, 1.0, 2.0, 1.0), "E_high_GeV"),
        (bin_averaged_appearance, (0.1, 1.0, 1.0, np.inf, 2.0), "E_low_GeV"),
        (mixing_matrix_3p1, (0.5, 0.4, 0.2), "unitarity"),
        (mixing_matrix_3p1, (1.2, 0.0, 0.0), "ue4_sq"),
        (mixing_matrix_3p1, (0.1, -0.1, 0.0), "umu4_sq"),
        (sin2_2theta_mue, (0.6, 0.6), "unitarity"),
        (oscillation_probability_3p1, ("mu", "x", 1.0, 1.0, 1.0, 0.1, 0.1), "flavour"),
        (oscillation_probability_3p1, ("mu", "e", 1.0, 1.0, -1.0, 0.1, 0.1), "dm2_41"),
        (probability_matrix, (np.ones((4, 3)), np.zeros(4), 1.0, 1.0), "shape"),
    ],
)
def test_bad_input_raises_clear_value_error(func, args, match):
    with pytest.raises(ValueError, match=match):
        func(*args)
