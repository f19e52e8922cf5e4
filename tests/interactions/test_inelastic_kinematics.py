"""Property tests of the inelastic kinematics: four-momentum conservation, invariant masses."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nuportal.interactions import _inelastic as ki

M = ki.M_NUCLEON
MMU = ki.lepton_mass(14, True)


def _m2(p):
    return p[..., 0] ** 2 - np.sum(p[..., 1:] ** 2, axis=-1)


@settings(max_examples=60, deadline=None)
@given(E=st.floats(0.5, 100.0), u=st.floats(0.0, 1.0), v=st.floats(0.0, 1.0),
       seed=st.integers(0, 2**31))
def test_lepton_and_hadron_conserve_momentum(E, u, v, seed):
    w_lo, w_hi = M + ki.M_PI, float(ki.w_max(E, MMU, M))
    W = w_lo + (w_hi - w_lo) * (0.001 + 0.998 * u)
    lo, hi = ki.q2_limits(E, W, MMU, M)
    Q2 = lo + (hi - lo) * v
    kl, had = ki.lepton_and_hadron(np.array([E]), np.array([W]), np.array([Q2]), MMU, M,
                                   np.random.default_rng(seed))
    total = kl[0] + had[0]
    assert np.allclose(total, [E + M, 0, 0, E], atol=1e-9 * E)
    assert np.isclose(_m2(had[0]), W * W, rtol=1e-7, atol=1e-7)
    assert np.isclose(_m2(kl[0]), MMU**2, atol=1e-6 * E)
    q = np.array([E, 0, 0, E]) - kl[0]
    assert np.isclose(-_m2(q), Q2, rtol=1e-6, atol=1e-7 * E)


@settings(max_examples=40, deadline=None)
@given(n_pi=st.integers(1, 8), extra=st.floats(0.01, 5.0), pz=st.floats(-5.0, 20.0),
       seed=st.integers(0, 2**31))
def test_sequential_decay_conserves_momentum_and_masses(n_pi, extra, pz, seed):
    masses = np.array([[ki.M_PROTON] + [ki.M_PI] * n_pi])
    W = masses.sum() + extra
    parent = np.array([[np.sqrt(W * W + pz * pz + 0.09), 0.3, 0.0, pz]])
    out = ki.sequential_decay(parent, masses, np.random.default_rng(seed))
    assert np.allclose(out.sum(axis=1), parent, atol=1e-9 * (1 + abs(pz)))
    assert np.allclose(np.sqrt(np.clip(_m2(out), 0, None)), masses, atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(E=st.floats(0.5, 50.0), p=st.floats(0.0, 0.3), ct=st.floats(-1.0, 1.0),
       phi=st.floats(0.0, 6.28))
def test_rest_frame_round_trip(E, p, ct, phi):
    # the neutrino seen from a moving nucleon, rotated back and boosted, is the lab neutrino
    st_ = np.sqrt(1 - ct * ct)
    pn = np.array([[p * st_ * np.cos(phi), p * st_ * np.sin(phi), p * ct]])
    e_star, direction, beta = ki.nucleon_in_rest_frame(np.array([E]), pn, M)
    k_star = np.array([[e_star[0], 0, 0, e_star[0]]])
    assert np.allclose(ki.to_lab(k_star, direction, beta), [[E, 0, 0, E]], atol=1e-7 * E)
    e_n = np.sqrt(M * M + p * p)
    assert np.isclose(e_star[0] * M, E * (e_n - pn[0, 2]))  # k.p invariant
