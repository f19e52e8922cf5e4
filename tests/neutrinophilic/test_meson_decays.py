"""M+ -> l+ nu phi: reference values, limits, and the Dirac-trace route."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nuportal import constants
from nuportal.kinematics.phase_space import three_body_phase_space
from nuportal.models.meson_decays import MESONS
from nuportal.models.neutrinophilic import (
    NeutrinophilicScalar,
    br_meson_to_lepton_nu_phi,
    collinear_log_slope,
    matrix_element_sigma,
    nubar_energy_spectrum,
    width_massless,
    width_meson_to_lepton_nu_phi,
)

from .dirac import PL, bar, dot, slash

# Reference values derived for this package before the implementation, with the inputs
# V_ud = 0.97373, V_us = 0.2243, tau_pi = 2.6033e-8 s, tau_K = 1.2380e-8 s. nuportal uses
# PDG 2024 |V| (0.97367, 0.22431) and the `particle` lifetimes; convert so the comparison is
# like for like.
REF = {"pi+": (0.97373, 2.6033e-8), "K+": (0.2243, 1.2380e-8)}


def ref_br(meson, lepton, m_phi):
    v, tau = REF[meson]
    width = width_meson_to_lepton_nu_phi(meson, lepton, m_phi) * (v / MESONS[meson].ckm) ** 2
    return np.asarray(width) * tau / constants.HBAR


def test_massless_closed_form_matches_reference():
    # reference: Gamma_pi = 2.497e-19 GeV (BR 9.87e-3), Gamma_K = 8.384e-19 GeV (BR 1.577e-2);
    # tolerance: rounding of the quoted 4 digits
    for meson, gamma, br in (("pi+", 2.497e-19, 9.87e-3), ("K+", 8.384e-19, 1.577e-2)):
        v, tau = REF[meson]
        g = width_massless(meson) * (v / MESONS[meson].ckm) ** 2
        assert g == pytest.approx(gamma, rel=3e-4)
        assert g * tau / constants.HBAR == pytest.approx(br, rel=6e-4)


def test_full_width_reaches_massless_limit():
    # m_e and m_phi = 1e-5 GeV: 2-d quadrature of Sigma equals the closed form (tiny mass terms)
    for meson in ("pi+", "K+"):
        full = width_meson_to_lepton_nu_phi(meson, "e", 1e-5)
        assert full == pytest.approx(width_massless(meson), rel=2e-3)


@pytest.mark.parametrize(
    ("meson", "lepton", "masses", "expected"),
    [
        ("K+", "e", [0.01, 0.05, 0.1, 0.2, 0.3], [1.55e-2, 1.27e-2, 8.45e-3, 2.50e-3, 3.70e-4]),
        ("K+", "mu", [0.01, 0.05, 0.1, 0.2, 0.3], [2.42e-2, 1.53e-2, 8.84e-3, 1.96e-3, 1.26e-4]),
        ("pi+", "e", [0.01, 0.05, 0.1], [8.72e-3, 2.18e-3, 4.93e-5]),
        ("pi+", "mu", [1e-4], [3.05e-2]),
    ],
)
def test_branching_ratios_match_reference(meson, lepton, masses, expected):
    # three significant figures quoted: rounding <= 0.5 unit in the last place (<= 0.4 %)
    got = ref_br(meson, lepton, np.array(masses))
    assert got == pytest.approx(expected, rel=4.5e-3)


def test_collinear_log_slope():
    # for m_phi -> 0 with a muon, d Gamma / d ln(1/m_phi^2) -> Gamma(M -> mu nu) g^2/(32 pi^2)
    for meson in ("pi+", "K+"):
        w1, w2 = width_meson_to_lepton_nu_phi(meson, "mu", np.array([1e-5, 1e-6]))
        slope = (w2 - w1) / np.log(100.0)
        assert slope == pytest.approx(collinear_log_slope(meson, "mu"), rel=1e-4)


def test_model_coupling_and_closed_channel():
    phi = NeutrinophilicScalar(0.1, g=[[0, 1e-3, 0], [1e-3, 2e-3, 0], [0, 0, 0]])
    br = br_meson_to_lepton_nu_phi("K+", "mu", phi)
    assert br == pytest.approx(5e-6 * br_meson_to_lepton_nu_phi("K+", "mu", 0.1), rel=1e-12)
    assert width_meson_to_lepton_nu_phi("pi+", "mu", 0.04) == 0.0  # m_phi > m_pi - m_mu
    with pytest.raises(ValueError, match="m_phi"):
        width_meson_to_lepton_nu_phi("K+", "mu", -0.1)
    with pytest.raises(ValueError, match="meson"):
        width_meson_to_lepton_nu_phi("D+", "mu", 0.1)
    with pytest.raises(ValueError, match="g_mumu"):
        NeutrinophilicScalar(0.1, g_mumu=-1.0)
    with pytest.raises(ValueError, match="mass"):
        NeutrinophilicScalar(float("nan"))


def test_energy_spectrum_integrates_to_width():
    # int dGamma/dE_nu dE_nu over the rest-frame range = Gamma (an independent quadrature order)
    for meson, lepton, m_phi in (("K+", "mu", 0.1), ("pi+", "e", 0.03), ("K+", "e", 0.2)):
        mes = MESONS[meson]
        ml = constants.LEPTON_MASS[lepton]
        e_max = (mes.mass**2 - (ml + m_phi) ** 2) / (2 * mes.mass)
        x, w = np.polynomial.legendre.leggauss(160)
        e = 0.5 * e_max * (x + 1)
        total = 0.5 * e_max * np.sum(w * nubar_energy_spectrum(meson, lepton, m_phi, e))
        assert total == pytest.approx(width_meson_to_lepton_nu_phi(meson, lepton, m_phi), rel=2e-3)


def _trace_sigma(pM, pl, pnu, pphi, ml):
    q = pnu + pphi
    gam = PL @ slash(q) @ slash(pM) @ PL
    return np.trace(slash(pnu) @ gam @ (slash(pl) - ml * np.eye(4)) @ bar(gam)).real


@settings(max_examples=40, deadline=None)
@given(
    meson=st.sampled_from(["pi+", "K+"]),
    lepton=st.sampled_from(["e", "mu"]),
    frac=st.floats(0.01, 0.95),
    seed=st.integers(0, 2**31),
)
def test_sigma_equals_dirac_trace(meson, lepton, frac, seed):
    # Sigma (invariants) against the spin sum by explicit gamma matrices at a random Dalitz point
    M = MESONS[meson].mass
    ml = constants.LEPTON_MASS[lepton]
    m_phi = frac * (M - ml)
    pphi, pnu, pl, _ = three_body_phase_space(M, m_phi, 0.0, ml, 1, np.random.default_rng(seed))
    pM = np.array([M, 0.0, 0.0, 0.0])
    s = dot(pnu[0] + pphi[0], pnu[0] + pphi[0])
    t = dot(pnu[0] + pl[0], pnu[0] + pl[0])
    expected = _trace_sigma(pM, pl[0], pnu[0], pphi[0], ml)
    got = matrix_element_sigma(M, ml, m_phi, s, t)
    assert got == pytest.approx(expected, rel=1e-8, abs=1e-12 * M**6)
