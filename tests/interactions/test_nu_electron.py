"""nu e -> nu e: check-value totals, kinematic identities, closed form vs quadrature, sampler."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from nuportal.constants import M_ELECTRON
from nuportal.interactions import nu_electron as ne

# Check values computed for this package (from the tree-level formula, s_W^2 = 0.2312, no radiative
# corrections): sigma/E_nu in the high-energy limit [cm^2/GeV].
NOTE_A5 = {14: 1.552e-42, -14: 1.336e-42, 12: 9.518e-42, -12: 3.991e-42}


@pytest.mark.parametrize("pdg", sorted(NOTE_A5))
def test_sigma_over_e_high_energy_matches_note(pdg):
    E = 1.0e4  # T_max/E = 1 - O(m_e/E): the high-energy limit of the check values
    got = ne.total_cross_section(E, pdg, sin2_theta_w=0.2312) / E
    # the check values have 4 digits; their G_F and m_e differ from CODATA 2022 by < 3e-4
    assert got == pytest.approx(NOTE_A5[pdg], rel=1e-3)


def test_nu_tau_equals_nu_mu():
    E = np.array([0.5, 3.0])
    np.testing.assert_allclose(ne.total_cross_section(E, 16), ne.total_cross_section(E, 14))
    np.testing.assert_allclose(ne.total_cross_section(E, -16), ne.total_cross_section(E, -14))


def test_t_max_from_two_body_kinematics():
    # T_max at backscattering: independent route through the CM frame
    E = np.array([0.01, 0.5, 5.0])
    s = M_ELECTRON**2 + 2 * M_ELECTRON * E
    p_cm = (s - M_ELECTRON**2) / (2 * np.sqrt(s))
    gamma_beta = E / np.sqrt(s)  # lab velocity of the CM times gamma: |p_tot| / sqrt(s)
    gamma = (E + M_ELECTRON) / np.sqrt(s)
    e_cm = np.sqrt(p_cm**2 + M_ELECTRON**2)
    T_back = gamma * e_cm + gamma_beta * p_cm - M_ELECTRON
    np.testing.assert_allclose(ne.t_max(E), T_back, rtol=1e-12)


def test_note_a5_angle_check():
    # check values: E = 2 GeV, T = 0.5 GeV -> theta_e = 39.1 mrad, E_e theta_e^2 = 0.766 MeV
    theta = np.arccos(ne.cos_theta_electron(2.0, 0.5))
    assert theta == pytest.approx(39.1e-3, abs=0.05e-3)
    assert ne.electron_energy_angle2(2.0, 0.5) == pytest.approx(0.766e-3, abs=0.5e-6)


def test_e_theta2_bound_and_small_angle_identity():
    E = 3.0
    T = np.linspace(0.05, ne.t_max(E) * 0.999, 50)
    et2 = ne.electron_energy_angle2(E, T)
    assert np.all(et2 < 2 * M_ELECTRON)
    # E_e theta^2 ~ 2 m_e (1 - T/E) for E >> m_e (small-angle limit; corrections O(m_e/T, theta^2))
    np.testing.assert_allclose(et2, 2 * M_ELECTRON * (1 - T / E), rtol=0.02, atol=2e-5)


def test_recoil_kinematics_conserve_four_momentum():
    ev, pa = ne.sample_nu_electron(np.array([0.3, 1.0, 7.0]), 14, rng=3)
    nu = pa[pa.pdg == 14][["E", "px", "py", "pz"]].to_numpy()
    el = pa[pa.pdg == 11][["E", "px", "py", "pz"]].to_numpy()
    init = np.column_stack([ev.E_nu + M_ELECTRON, 0 * ev.E_nu, 0 * ev.E_nu, ev.E_nu])
    np.testing.assert_allclose(nu + el, init, atol=1e-12)
    m2 = el[:, 0] ** 2 - np.sum(el[:, 1:] ** 2, axis=1)
    np.testing.assert_allclose(m2, M_ELECTRON**2, rtol=1e-6)
    np.testing.assert_allclose(nu[:, 0] ** 2, np.sum(nu[:, 1:] ** 2, axis=1), rtol=1e-9)


@pytest.mark.parametrize("pdg", [12, -12, 14, -14])
@pytest.mark.parametrize("radiative", [False, True])
def test_closed_form_total_equals_integral(pdg, radiative):
    for E in (0.002, 0.1, 2.0):
        tm = ne.t_max(E)
        quad, _ = integrate.quad(
            lambda t, E=E: ne.differential_cross_section(E, t, pdg, radiative=radiative),
            0,
            tm,
            epsrel=1e-10,
            limit=200,
        )
        assert ne.total_cross_section(E, pdg, radiative=radiative) == pytest.approx(quad, rel=1e-7)


def test_threshold_total():
    E, pdg, tmin = 1.0, 14, 0.3
    quad, _ = integrate.quad(lambda t: ne.differential_cross_section(E, t, pdg), tmin, ne.t_max(E))
    assert ne.total_cross_section(E, pdg, T_min=tmin) == pytest.approx(quad, rel=1e-9)


def test_radiative_correction_is_percent_level():
    # Bahcall-Kamionkowski-Sirlin: the one-loop effective couplings move sigma by a few percent
    for pdg in (12, 14, -12, -14):
        ratio = ne.total_cross_section(1.0, pdg, radiative=True) / ne.total_cross_section(
            1.0, pdg, sin2_theta_w=0.2312
        )
        assert 0.95 < ratio < 1.05


@pytest.mark.parametrize("pdg", [14, -12])
def test_sampler_chi2_against_dsigma_dt(pdg):
    E = 2.0
    n = 200_000
    T = ne.sample_recoil(np.full(n, E), pdg, rng=11)
    edges = np.linspace(0, ne.t_max(E), 21)
    counts, _ = np.histogram(T, edges)
    sig = ne.total_cross_section(E, pdg)
    expected = (
        np.array(
            [
                integrate.quad(lambda t: ne.differential_cross_section(E, t, pdg), a, b)[0]
                for a, b in itertools.pairwise(edges)
            ]
        )
        / sig
        * n
    )
    chi2 = np.sum((counts - expected) ** 2 / expected)
    # 20 bins, 19 dof: p-value of a correct sampler is uniform; fail below 1e-3
    assert stats.chi2.sf(chi2, 19) > 1e-3


def test_sampler_seeded_and_weights():
    a, _ = ne.sample_nu_electron(np.array([1.0, 2.0]), 12, rng=5)
    b, _ = ne.sample_nu_electron(np.array([1.0, 2.0]), 12, rng=5)
    assert a.equals(b)
    np.testing.assert_allclose(a.weight, ne.total_cross_section(np.array([1.0, 2.0]), 12))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"E_nu": -1.0, "nu_pdg": 14}, "E_nu"),
        ({"E_nu": 1.0, "nu_pdg": 11}, "nu_pdg"),
        ({"E_nu": 1.0, "nu_pdg": 14, "sin2_theta_w": 1.5}, "sin2_theta_w"),
        ({"E_nu": np.nan, "nu_pdg": 14}, "E_nu"),
    ],
)
def test_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ne.total_cross_section(**kwargs)


def test_radiative_couplings_match_pdg_effective_nu_mu_e_couplings():
    # PDG 2024 review "Electroweak model and constraints on new physics", SM values of the
    # effective nu_mu e couplings: g_V = -0.0397, g_A = -0.5064 (g_V = g_L + g_R, g_A = g_L - g_R)
    gl, gr = ne.couplings(14, 1e-6, radiative=True)
    assert float(gl + gr) == pytest.approx(-0.0397, abs=1e-3)
    assert float(gl - gr) == pytest.approx(-0.5064, abs=1e-3)


@settings(max_examples=40, deadline=None)
@given(E=st.floats(1e-3, 100.0), pdg=st.sampled_from([12, -12, 14, -14, 16, -16]))
def test_sampled_events_conserve_four_momentum_and_obey_e_theta2_bound(E, pdg):
    ev, pa = ne.sample_nu_electron(np.full(64, E), pdg, rng=2)
    mom = pa[["E", "px", "py", "pz"]].to_numpy().reshape(-1, 2, 4)
    init = np.broadcast_to([E + M_ELECTRON, 0.0, 0.0, E], (64, 4))
    np.testing.assert_allclose(mom.sum(axis=1), init, atol=1e-12 * (1 + E))
    el = mom[:, 1]
    theta = np.arccos(np.clip(el[:, 3] / np.linalg.norm(el[:, 1:], axis=1), -1, 1))
    # two-body kinematics: E_e theta_e^2 < 2 m_e (small-angle form; exact for E >> m_e)
    assert np.all(el[:, 0] * theta**2 < 2 * M_ELECTRON * (1 + 2 * M_ELECTRON / E) + 1e-12)
    assert np.all((ev["q0"] >= 0) & (ev["q0"] <= ne.t_max(E) * (1 + 1e-12)))


def test_recoil_threshold_sampling():
    E, pdg, tmin = 3.0, 14, 1.0
    ev, _ = ne.sample_nu_electron(np.full(100_000, E), pdg, rng=6, T_min=tmin)
    T = ev["q0"].to_numpy()
    assert T.min() >= tmin
    np.testing.assert_allclose(ev["weight"], ne.total_cross_section(E, pdg, T_min=tmin))
    # mean T equals int T dsigma / int dsigma over [T_min, T_max] (quadrature)
    num = integrate.quad(lambda t: t * ne.differential_cross_section(E, t, pdg), tmin, ne.t_max(E))[
        0
    ]
    den = integrate.quad(lambda t: ne.differential_cross_section(E, t, pdg), tmin, ne.t_max(E))[0]
    assert T.mean() == pytest.approx(num / den, abs=4 * T.std() / np.sqrt(T.size))


@pytest.mark.parametrize("T", [0.0, 1e-9, 1e-6, 1e-4, 3.4e-4, 3.42e-4, 1e-3, 0.1, 5.0])
def test_bks_integral_matches_high_precision_closed_form(T):
    # the closed form cancels catastrophically at small T (I -> 0 while its terms grow as
    # 2 m_e / T): evaluated here with 60 digits, it checks the small-T series and the switch
    import mpmath

    from nuportal.interactions.nu_electron import _bks_integral

    mpmath.mp.dps = 60
    if T == 0.0:
        expected = 0.0
    else:
        t = mpmath.mpf(T)
        me = mpmath.mpf(ne.M_E)
        x = mpmath.sqrt(1 + 2 * me / t)
        expected = float(
            (mpmath.mpf(1) / 3 + (3 - x * x) * (x / 2 * mpmath.log((x + 1) / (x - 1)) - 1)) / 6
        )
    assert float(_bks_integral(np.array(T))) == pytest.approx(expected, rel=1e-10, abs=1e-300)


def test_radiative_sampler_terminates_and_follows_dsigma():
    # regression: dsigma/dT at T = 0 was ~1e39 times too large with radiative couplings (the
    # cancellation above), so the accept-reject envelope never accepted
    E = np.full(20000, 2.0)
    T = ne.sample_recoil(E, 14, np.random.default_rng(5), radiative=True)
    tmax = float(ne.t_max(2.0))
    edges = np.linspace(0, tmax, 11)
    counts, _ = np.histogram(T, edges)
    mids = 0.5 * (edges[1:] + edges[:-1])
    pdf = ne.differential_cross_section(np.full(10, 2.0), mids, 14, radiative=True)
    expected = pdf / pdf.sum() * len(T)
    chi2 = float(np.sum((counts - expected) ** 2 / expected))
    assert chi2 < 35  # 9 d.o.f.; midpoint rule on a smooth, nearly linear dsigma/dT
