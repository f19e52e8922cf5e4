"""Reconstructed quantities: analytic two-body cases, momentum conservation, rotation invariance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from nuportal.constants import M_ELECTRON, M_MUON, M_PI0, M_PI_CHARGED, mass
from nuportal.interactions.events import InteractionEvents
from nuportal.interactions.observables import (
    Visibility,
    e_theta2,
    e_theta2_events,
    enu_calorimetric_events,
    enu_qe,
    enu_qe_events,
    hadronic_mask,
    lepton_angle_events,
    missing_pt_events,
    observables,
    off_axis_beam_direction,
    reconstructed_q0_q3_events,
    visible_energy,
    visible_hadronic_energy_events,
)
from nuportal.kinematics.fourvectors import rotate_axis_angle

M_P, M_N = mass("p"), mass("n")
ALL_VISIBLE = Visibility(proton_T_min=0.0, pion_T_min=0.0, em_E_min=0.0)


def _on_shell(p3: np.ndarray, m: float) -> np.ndarray:
    return np.sqrt(np.sum(np.asarray(p3) ** 2, axis=-1) + m**2)


def _record(nu_pdg, E_nu, lepton, hadrons, cc=True):
    """An InteractionEvents from per-event (pdg, p3) lepton and a list of (event, pdg, p3, m)."""
    n = len(E_nu)
    lep_pdg = np.array([pdg for pdg, _ in lepton])
    lep_p = np.array([p for _, p in lepton], dtype=float)
    lep_m = np.array([{11: M_ELECTRON, 13: M_MUON}.get(abs(int(k)), 0.0) for k in lep_pdg])
    lep_E = np.sqrt(np.sum(lep_p**2, axis=1) + lep_m**2)
    events = pd.DataFrame(
        {
            "nu_pdg": np.asarray(nu_pdg, dtype=np.int64),
            "E_nu": np.asarray(E_nu, dtype=float),
            "target": ["Ar40"] * n,
            "hit_nucleon_pdg": np.full(n, 2112),
            "mode": ["ccqe"] * n,
            "cc": np.full(n, cc),
            "weight": np.ones(n),
            "q0": np.zeros(n),
            "q3": np.zeros(n),
            "Q2": np.zeros(n),
            "W": np.zeros(n),
            "x": np.zeros(n),
            "y": np.zeros(n),
            "lep_pdg": lep_pdg,
            "lep_E": lep_E,
            "lep_px": lep_p[:, 0],
            "lep_py": lep_p[:, 1],
            "lep_pz": lep_p[:, 2],
        }
    )
    rows = [(i, int(lep_pdg[i]), lep_E[i], *lep_p[i]) for i in range(n)]
    rows += [(ev, pdg, float(_on_shell(p, m)), *p) for ev, pdg, p, m in hadrons]
    particles = pd.DataFrame(rows, columns=["event", "pdg", "E", "px", "py", "pz"])
    particles["status"] = 1
    particles = particles.sort_values("event", kind="stable").reset_index(drop=True)
    return InteractionEvents(events, particles, {"weight_convention": "generator"})


def _two_body_lepton_energy(E_nu, cos_theta, m_l, m_i, m_f):
    """Lepton energy of nu N_i -> l N_f for N_i at rest with energy m_i, by root finding."""

    def f(E_l):
        p_l = np.sqrt(E_l**2 - m_l**2)
        p_f2 = E_nu**2 + p_l**2 - 2 * E_nu * p_l * cos_theta
        return (E_nu + m_i - E_l) ** 2 - p_f2 - m_f**2

    return brentq(f, m_l * (1 + 1e-12), E_nu + m_i - m_f, xtol=1e-14, rtol=1e-15)


@pytest.mark.parametrize("binding", [0.0, 0.034])
@pytest.mark.parametrize("m_l", [M_MUON, M_ELECTRON])
@pytest.mark.parametrize("anti", [False, True])
def test_qe_formula_is_exact_for_a_nucleon_at_rest(binding, m_l, anti):
    """Two-body kinematics solved numerically (energy conservation) -> the closed formula."""
    m_i = (M_P if anti else M_N) - binding
    m_f = M_N if anti else M_P
    for E_nu in (0.3, 1.0, 4.0):
        for cos_theta in (-0.5, 0.3, 0.95):
            E_l = _two_body_lepton_energy(E_nu, cos_theta, m_l, m_i, m_f)
            p_l = np.sqrt(E_l**2 - m_l**2)
            got = enu_qe(E_l, p_l, cos_theta, m_l, binding_energy=binding, antineutrino=anti)
            assert got == pytest.approx(E_nu, rel=1e-10)


def test_qe_estimator_on_event_records_uses_lepton_flavour_and_neutrino_sign():
    E_nu, cos_t = 1.5, 0.8
    lepton, nus = [], []
    for nu_pdg, l_pdg, m_l in ((14, 13, M_MUON), (12, 11, M_ELECTRON), (-14, -13, M_MUON)):
        anti = nu_pdg < 0
        E_l = _two_body_lepton_energy(
            E_nu, cos_t, m_l, (M_P if anti else M_N) - 0.03, M_N if anti else M_P
        )
        p = np.sqrt(E_l**2 - m_l**2)
        lepton.append((l_pdg, [p * np.sqrt(1 - cos_t**2), 0.0, p * cos_t]))
        nus.append(nu_pdg)
    rec = _record(nus, [E_nu] * 3, lepton, [])
    np.testing.assert_allclose(enu_qe_events(rec, binding_energy=0.03), E_nu, rtol=1e-10)
    np.testing.assert_allclose(lepton_angle_events(rec), np.arccos(cos_t), rtol=1e-12)


def test_qe_estimator_is_nan_for_neutral_current_events():
    rec = _record([14], [1.0], [(14, [0.1, 0.0, 0.5])], [], cc=False)
    assert np.isnan(enu_qe_events(rec, binding_energy=0.0)[0])


def test_binding_energy_is_validated():
    with pytest.raises(ValueError, match="binding_energy"):
        enu_qe(1.0, 1.0, 1.0, M_MUON, binding_energy=-0.01)


def _conserving_event(rng, n_had, pdgs, masses, E_nu=3.0):
    """Hadrons with random momenta; the lepton takes the rest of the transverse momentum."""
    p_had = rng.normal(0.0, 0.3, size=(n_had, 3))
    p_had[:, 2] = np.abs(p_had[:, 2]) + 0.2
    pt = p_had[:, :2].sum(axis=0)
    p_lep = np.array([-pt[0], -pt[1], 1.5])
    return p_lep, [(int(pdgs[k]), p_had[k], masses[k]) for k in range(n_had)]


def test_missing_pt_vanishes_when_every_particle_is_seen():
    """nu along z on a target at rest: the transverse momenta of the final state sum to zero."""
    rng = np.random.default_rng(3)
    hadrons, lepton = [], []
    for ev in range(20):
        pdgs = rng.choice([2212, 211, -211, 111], size=4)
        masses = [{2212: M_P, 211: M_PI_CHARGED, -211: M_PI_CHARGED, 111: M_PI0}[k] for k in pdgs]
        p_lep, had = _conserving_event(rng, 4, pdgs, masses)
        lepton.append((13, p_lep))
        hadrons += [(ev, pdg, p, m) for pdg, p, m in had]
    rec = _record([14] * 20, [3.0] * 20, lepton, hadrons)
    np.testing.assert_allclose(missing_pt_events(rec, visibility=ALL_VISIBLE), 0.0, atol=1e-12)


def test_neutrons_only_hadronic_system_gives_the_neutron_pt():
    """nubar_mu p -> mu+ n: the whole hadronic p_T is a neutron, p_T^miss = p_T(n) = p_T(mu)."""
    E_nu, cos_t, m_l = 2.0, 0.9, M_MUON
    E_l = _two_body_lepton_energy(E_nu, cos_t, m_l, M_P, M_N)
    p = np.sqrt(E_l**2 - m_l**2)
    p_mu = np.array([p * np.sqrt(1 - cos_t**2), 0.0, p * cos_t])
    p_n = np.array([0.0, 0.0, E_nu]) - p_mu
    rec = _record([-14], [E_nu], [(-13, p_mu)], [(0, 2112, p_n, M_N)])
    got = missing_pt_events(rec, visibility=ALL_VISIBLE)[0]
    assert got == pytest.approx(np.hypot(p_n[0], p_n[1]), rel=1e-12)
    assert got == pytest.approx(p * np.sqrt(1 - cos_t**2), rel=1e-12)
    assert visible_hadronic_energy_events(rec, ALL_VISIBLE)[0] == 0.0


def test_visible_energy_model():
    """Protons: kinetic energy above threshold; pi+-: total energy; pi0, gamma: total; n: none."""
    p_small = [0.0, 0.0, np.sqrt((M_P + 0.03) ** 2 - M_P**2)]  # T = 30 MeV
    p_big = [0.0, 0.0, np.sqrt((M_P + 0.2) ** 2 - M_P**2)]  # T = 200 MeV
    pdg = [2212, 2212, 211, 111, 22, 2112, 1000180390, 2009900000]
    p3 = np.array(
        [p_small, p_big, [0.1, 0, 0], [0, 0.2, 0], [0, 0, 0.05], [0.3, 0, 0], [0, 0, 0], [0, 0, 0]]
    )
    m = [M_P, M_P, M_PI_CHARGED, M_PI0, 0.0, M_N, 36.0, 0.0]
    E = _on_shell(p3, np.array(m))
    energy, seen = visible_energy(pdg, E, p3, Visibility(proton_T_min=0.04))
    expected = [0.0, 0.2, E[2], E[3], 0.05, 0.0, 0.0, 0.0]
    np.testing.assert_allclose(energy, expected, rtol=1e-12, atol=1e-15)
    assert seen.tolist() == [False, True, True, True, True, False, False, False]


def test_visibility_thresholds_are_validated():
    with pytest.raises(ValueError, match="proton_T_min"):
        Visibility(proton_T_min=-1.0)


def test_calorimetric_energy_and_reconstructed_transfer():
    """E_cal = E_mu + E_had^vis; |q|_rec computed as a vector difference equals the textbook
    sqrt(Q^2_rec + q0^2) with Q^2_rec = 2 E_cal (E_mu - p_mu cos theta) - m_mu^2."""
    p_mu = np.array([0.15, -0.05, 1.2])
    E_mu = np.sqrt(p_mu @ p_mu + M_MUON**2)
    p_pi, p_p = np.array([0.1, 0.2, 0.5]), np.array([-0.2, 0.1, 0.4])
    rec = _record([14], [3.0], [(13, p_mu)], [(0, 111, p_pi, M_PI0), (0, 2212, p_p, M_P)])
    e_had = _on_shell(p_pi, M_PI0) + (_on_shell(p_p, M_P) - M_P)
    E_cal = enu_calorimetric_events(rec)[0]
    assert E_cal == pytest.approx(E_mu + e_had, rel=1e-12)
    q0, q3 = reconstructed_q0_q3_events(rec)
    assert q0[0] == pytest.approx(e_had, rel=1e-12)
    Q2 = 2 * E_cal * (E_mu - p_mu[2]) - M_MUON**2
    assert q3[0] == pytest.approx(np.sqrt(Q2 + e_had**2), rel=1e-12)


def test_e_theta2_of_nu_e_elastic_scattering():
    """nu e -> nu e, E = 2 GeV, T = 0.5 GeV: theta_e = 39.1 mrad, E_e theta^2 = 0.766 MeV
    (check values computed for this package), and below 2 m_e for any T."""
    E, T = 2.0, 0.5
    cos_t = (E + M_ELECTRON) / E * np.sqrt(T / (T + 2 * M_ELECTRON))
    p = np.sqrt(T * (T + 2 * M_ELECTRON))
    p3 = np.array([[p * np.sqrt(1 - cos_t**2), 0.0, p * cos_t]])
    value = e_theta2(np.array([T + M_ELECTRON]), p3)[0]
    assert value == pytest.approx(0.766e-3, abs=0.001e-3)
    theta = np.arccos(cos_t)
    assert theta == pytest.approx(0.0391, abs=0.00005)


def test_e_theta2_events_uses_the_recoil_electron_of_nu_e_scattering():
    """Events of the nu e -> nu e sampler: E_e theta_e^2 of the electron, all below 2 m_e."""
    from nuportal.interactions.nu_electron import sample_nu_electron

    events, particles = sample_nu_electron(np.full(200, 2.0), 14, "e-", np.random.default_rng(1))
    rec = InteractionEvents(events, particles, {"weight_convention": "cross_section_cm2"})
    value = e_theta2_events(rec)
    T = events["q0"].to_numpy()  # the recoil kinetic energy
    cos_t = (2.0 + M_ELECTRON) / 2.0 * np.sqrt(T / (T + 2 * M_ELECTRON))
    np.testing.assert_allclose(
        value, (T + M_ELECTRON) * np.arccos(np.clip(cos_t, -1, 1)) ** 2, rtol=1e-6, atol=1e-12
    )
    assert np.all(value < 2 * M_ELECTRON)


def test_e_theta2_of_more_electrons():
    E = 2.0
    for T in np.geomspace(1e-3, 1.9, 30):
        cos_t = (E + M_ELECTRON) / E * np.sqrt(T / (T + 2 * M_ELECTRON))
        p = np.sqrt(T * (T + 2 * M_ELECTRON))
        v = e_theta2([T + M_ELECTRON], [[p * np.sqrt(1 - cos_t**2), 0.0, p * cos_t]])[0]
        assert v < 2 * M_ELECTRON


def test_off_axis_direction():
    d = off_axis_beam_direction(30.0, 574.0)
    assert np.arctan2(d[0], d[2]) == pytest.approx(np.arctan(30.0 / 574.0))
    assert np.linalg.norm(d) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="baseline_m"):
        off_axis_beam_direction(1.0, 0.0)


def test_primary_lepton_is_excluded_from_the_hadronic_system_once():
    """A second muon (e.g. from a decay) stays in the hadronic system."""
    rec = _record([14], [2.0], [(13, [0.0, 0.0, 1.0])], [(0, 13, np.array([0.1, 0, 0.2]), M_MUON)])
    assert hadronic_mask(rec).tolist() == [False, True]


def _random_record(seed: int, n_events: int = 6) -> InteractionEvents:
    rng = np.random.default_rng(seed)
    lepton, hadrons = [], []
    for ev in range(n_events):
        k = int(rng.integers(1, 5))
        pdgs = rng.choice([2212, 2112, 211, -211, 111, 22], size=k)
        masses = [
            {2212: M_P, 2112: M_N, 211: M_PI_CHARGED, -211: M_PI_CHARGED, 111: M_PI0, 22: 0.0}[q]
            for q in pdgs
        ]
        p_had = rng.normal(0.0, 0.4, size=(k, 3))
        lepton.append((13, rng.normal(0.0, 0.5, size=3) + np.array([0.0, 0.0, 1.5])))
        hadrons += [(ev, int(pdgs[j]), p_had[j], masses[j]) for j in range(k)]
    return _record([14] * n_events, [4.0] * n_events, lepton, hadrons)


def _rotated(rec: InteractionEvents, axis, angle: float) -> InteractionEvents:
    ev, pa = rec.events.copy(), rec.particles.copy()
    lep = rotate_axis_angle(ev[["lep_px", "lep_py", "lep_pz"]].to_numpy(), axis, angle)
    ev[["lep_px", "lep_py", "lep_pz"]] = lep
    pa[["px", "py", "pz"]] = rotate_axis_angle(pa[["px", "py", "pz"]].to_numpy(), axis, angle)
    return InteractionEvents(ev, pa, rec.metadata)


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    phi=st.floats(-np.pi, np.pi),
    offset=st.floats(0.0, 40.0),
)
def test_observables_are_invariant_under_rotations_about_the_beam(seed, phi, offset):
    """Rotating every momentum about the (possibly tilted) beam axis changes no observable."""
    beam = off_axis_beam_direction(offset, 574.0)
    rec = _random_record(seed)
    a = observables(rec, binding_energy=0.03, beam_direction=beam)
    b = observables(_rotated(rec, beam, phi), binding_energy=0.03, beam_direction=beam)
    np.testing.assert_allclose(b.to_numpy(), a.to_numpy(), rtol=1e-9, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**31), offset=st.floats(1.0, 40.0))
def test_tilting_the_event_with_the_beam_gives_the_on_axis_values(seed, offset):
    """An event rotated from the +z axis onto the off-axis direction, analysed with that
    direction, has the observables of the original event analysed on axis."""
    beam = off_axis_beam_direction(offset, 574.0)
    axis = np.cross([0.0, 0.0, 1.0], beam)
    angle = np.arctan2(np.linalg.norm(axis), beam[2])
    rec = _random_record(seed)
    on_axis = observables(rec, binding_energy=0.03)
    tilted = observables(_rotated(rec, axis, angle), binding_energy=0.03, beam_direction=beam)
    np.testing.assert_allclose(tilted.to_numpy(), on_axis.to_numpy(), rtol=1e-9, atol=1e-12)


def test_observables_table_and_e_theta2_helper_agree():
    rec = _random_record(7)
    table = observables(rec)
    np.testing.assert_allclose(table["E_theta2"], e_theta2_events(rec))
    assert list(table.index) == list(range(len(rec)))


def test_missing_pt_of_fermi_gas_ccqe_is_the_struck_nucleons_transverse_momentum():
    """nu_mu n -> mu- p on the carbon Fermi gas, no final-state interactions, every particle
    seen: the final state's transverse momentum is the initial neutron's (nuc_px, nuc_py)."""
    from nuportal.interactions.generate import generate_interactions

    rec = generate_interactions(
        "nova_nd_fhc", "C12", processes=["ccqe"], n_events=400, seed=5, flavours=["numu"]
    )
    pt = missing_pt_events(rec, visibility=ALL_VISIBLE)
    expected = np.hypot(rec.events["nuc_px"], rec.events["nuc_py"]).to_numpy()
    np.testing.assert_allclose(pt, expected, rtol=1e-9, atol=1e-12)
    assert np.max(expected) <= 0.221 + 1e-12  # inside the Fermi sphere (k_F of carbon)
