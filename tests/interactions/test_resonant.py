"""Delta(1232) model: Dirac-algebra identities, isospin structure, kinematics, reweighting."""

import numpy as np
import pytest

from nuportal.interactions import _delta_tensor as dt
from nuportal.interactions import _inelastic as ki
from nuportal.interactions import _sampler as S
from nuportal.interactions import resonant

M = ki.M_NUCLEON


def test_vector_current_conserved_and_tensor_hermitian():
    # CVC: q_mu H_V^{mu nu} = 0 for any vector form factors (the vertex is gauge invariant)
    W = np.array([1.2, 1.232, 1.5])
    Q2 = np.array([0.1, 0.5, 1.5])
    z = np.zeros(3)
    ffv = dict(C3V=z + 2.13, C4V=z - 1.51, C5V=z + 0.48, C3A=z, C4A=z, C5A=z, C6A=z)
    H = dt.hadron_tensor(W, Q2, ffv, M)
    nu = (W * W - M * M + Q2) / (2 * M)
    q_low = np.stack([nu, z, z, -np.sqrt(nu * nu + Q2)], -1)
    assert np.abs(np.einsum("nm,nmv->nv", q_low, H)).max() < 1e-10 * np.abs(H).max()
    Hf = dt.hadron_tensor(W, Q2, resonant.form_factors(Q2), M)
    assert np.allclose(Hf, np.conj(np.swapaxes(Hf, 1, 2)))


def test_rarita_schwinger_projector_constraints():
    # on shell: p'^beta P_{beta alpha} = 0 and gamma^beta P_{beta alpha} = 0
    pp = np.array([[1.5, 0.2, -0.1, 0.6]])
    W = np.sqrt(dt.mdot(pp, pp))
    P = dt.rs_projector(pp, W)
    assert np.abs(np.einsum("nb,nbaij->naij", pp, P)).max() < 1e-12
    assert np.abs(np.einsum("bij,nbajk->naik", dt.GAMMA, P)).max() < 1e-12


def test_lepton_tensor_symmetric_part():
    # Re L_{mu nu} = 8 (k_mu k'_nu + k'_mu k_nu - g_{mu nu} k.k') from the textbook trace
    k = np.array([[2.0, 0.0, 0.0, 2.0]])
    kp = np.array([[1.2, 0.3, 0.1, 1.1]])
    kp[0, 0] = np.sqrt(np.sum(kp[0, 1:] ** 2) + 0.10566**2)
    L = dt.lepton_tensor(k, kp, 0.10566, False)[0]
    kl, kpl = k[0] @ dt.METRIC, kp[0] @ dt.METRIC
    expected = 8 * (np.outer(kl, kpl) + np.outer(kpl, kl) - dt.METRIC * dt.mdot(k, kp)[0])
    assert np.allclose(L.real, expected)
    for anti in (False, True):  # the closed form used by the model equals the explicit trace
        exact = dt.lepton_tensor(k, kp, 0.10566, anti)
        assert np.allclose(dt.lepton_tensor_fast(k, kp, anti), exact)


def test_isospin_ratios_of_cross_sections():
    E = np.array([1.5])
    pp = resonant.sigma_res(E, 14, 2212)
    nn = resonant.sigma_res(E, 14, 2112)
    assert pp[0] / nn[0] == pytest.approx(3.0, rel=1e-9)
    # antineutrinos are smaller than neutrinos (V-A interference) but approach them at high E
    assert resonant.sigma_res(E, -14, 2112)[0] < pp[0]
    hi = np.array([100.0])
    assert resonant.sigma_res(hi, -14, 2112)[0] / resonant.sigma_res(hi, 14, 2212)[0] > 0.9


def test_channels_9_2_1_and_four_momentum():
    # on an isoscalar nucleus: p pi+ : p pi0 : n pi+ = 9 : 2 : 1 (Delta++ x3, Delta+ -> 2/3, 1/3)
    rng = np.random.default_rng(7)
    n = 2400
    ev, pa = S.sample("res", np.full(n, 1.5), 14, "C12", rng, True)
    had = pa[pa.pdg.isin([2212, 2112, 211, 111])]
    key = had.groupby("event")["pdg"].apply(lambda s: tuple(sorted(s)))
    frac = key.value_counts() / n  # all generated events, Pauli-blocked ones included
    # Pauli blocking: exactly the events whose nucleon is inside the Fermi sphere
    nuc = had[had.pdg.isin([2212, 2112])].set_index("event")
    inside = np.sqrt(nuc.px**2 + nuc.py**2 + nuc.pz**2).sort_index().to_numpy() < 0.221
    assert np.array_equal(ev["weight"].to_numpy() == 0, inside) and 0 < inside.mean() < 0.1
    for chan, p in {(211, 2212): 9 / 12, (111, 2212): 2 / 12, (211, 2112): 1 / 12}.items():
        sig = np.sqrt(p * (1 - p) / n)  # binomial error
        assert abs(frac.get(chan, 0.0) - p) < 4 * sig
    fin = pa[((pa.status == 1) & (pa.pdg != 22)) | (pa.pdg == 111)]
    tot = fin.groupby("event")[["E", "px", "py", "pz"]].sum().to_numpy()
    # initial state: neutrino along z + on-shell Fermi-gas nucleon of momentum (nuc_px, ...)
    pn = ev[["nuc_px", "nuc_py", "nuc_pz"]].to_numpy()
    assert np.all(np.linalg.norm(pn, axis=1) <= 0.221 + 1e-12) and pn.std() > 0.05
    init = np.column_stack([1.5 + np.sqrt(M**2 + np.sum(pn**2, 1)), pn[:, 0], pn[:, 1],
                            1.5 + pn[:, 2]])
    assert np.allclose(tot, init, atol=1e-6)
    mpi = had[had.pdg == 211]
    pi = mpi[["E", "px", "py", "pz"]].to_numpy()
    assert np.allclose(pi[:, 0] ** 2 - np.sum(pi[:, 1:] ** 2, 1), ki.M_PI**2, atol=1e-6)


def test_reweight_m_a_res_equals_regeneration():
    from nuportal.interactions.reweight import reweight

    rng = np.random.default_rng(11)
    n = 1500
    E = np.full(n, 2.0)
    ev0, _ = S.sample("res", E, 14, "H1", rng, True)
    ev1, _ = S.sample("res", E, 14, "H1", rng, True, M_A_RES=1.3)
    w = reweight(ev0, M_A_RES=1.3)
    # total: mean weight = sigma(1.3)/sigma(1.05) from the quadrature (MC error of a mean)
    ratio = resonant.sigma_res(E[:1], 14, 2212, M_A=1.3)[0] / resonant.sigma_res(E[:1], 14, 2212)[0]
    assert w.mean() == pytest.approx(ratio, abs=4 * w.std() / np.sqrt(n))
    # shape: the reweighted mean Q^2 equals the regenerated one within both samples' errors
    q0, q1 = ev0["Q2"].to_numpy(), ev1["Q2"].to_numpy()
    m0 = np.sum(w * q0) / np.sum(w)
    err = np.hypot(q1.std() / np.sqrt(n), np.sqrt(np.sum(w**2 * (q0 - m0) ** 2)) / np.sum(w))
    assert abs(m0 - q1.mean()) < 4 * err


def test_axial_mass_decomposition_matches_direct_tensor():
    # H(M_A) = H_VV + g H_VA + g^2 H_AA (table) equals the hadron tensor computed directly with
    # the M_A form factors, contracted with the same lepton tensor (interpolation error < 1 %)
    E = np.array([1.0, 2.0, 3.0])
    W = np.array([1.2, 1.232, 1.45])
    Q2 = np.array([0.2, 0.6, 1.1])
    t = resonant.tensor_components(E, W, Q2, 14, True)
    g = resonant.axial_shape(Q2, 1.3)
    k, kp = resonant._lepton_frame(E, W, Q2, ki.lepton_mass(14, True))
    H = dt.hadron_tensor(W, Q2, resonant.form_factors(Q2, 1.3), M)
    direct = dt.contract(dt.lepton_tensor(k, kp, ki.lepton_mass(14, True), False), H)
    assert np.allclose(t[:, 0] + g * t[:, 1] + g * g * t[:, 2], direct, rtol=0.01)


def test_cached_tables_equal_direct_quadrature():
    # the generator's cached sigma(E) tables (pchip in ln E) vs the direct quadrature
    E = np.array([0.45, 0.8, 1.7, 7.3])
    for nu, nucleon, cc in ((14, 2212, True), (-12, 2212, True)):
        tab = S.sigma_nucleon("res", E, nu, nucleon, cc)
        direct = resonant.sigma_res(E, nu, nucleon, cc)
        assert np.allclose(tab, direct, rtol=0.01)


def test_total_equals_adaptive_integral_of_the_double_differential():
    # Gauss-Legendre (W, ln Q^2) total vs scipy's adaptive dblquad of d2sigma/dW dQ^2 (Q^2 inner)
    from scipy.integrate import dblquad

    E = 1.2
    m = ki.lepton_mass(14, True)

    def inner_lo(w):
        return float(ki.q2_limits(E, w, m, M)[0])

    def inner_hi(w):
        return float(ki.q2_limits(E, w, m, M)[1])

    w_hi = min(1.7, float(ki.w_max(E, m, M)))
    val, _ = dblquad(lambda q2, w: float(resonant.d2sigma_dw_dq2(E, w, q2, 14, 2212)),
                     M + ki.M_PI + 1e-6, w_hi, inner_lo, inner_hi, epsrel=1e-4)
    assert resonant.sigma_res(np.array([E]), 14, 2212)[0] == pytest.approx(val, rel=0.005)


def test_nc_pi0_photons_are_final_state():
    # NC Delta -> N pi0: the pi0 is kept as decayed (status 2), its two photons are final
    # (status 1) and reconstruct the pi0 mass and momentum
    ev, pa = S.sample("res", np.full(300, 1.0), 14, "C12", np.random.default_rng(3), False)
    assert (ev["lep_pdg"] == 14).all() and not ev["cc"].any()
    pi0 = pa[pa.pdg == 111]
    gam = pa[pa.pdg == 22]
    assert len(pi0) > 100 and (pi0.status == 2).all() and (gam.status == 1).all()
    assert len(gam) == 2 * len(pi0)
    pair = gam.groupby("event")[["E", "px", "py", "pz"]].sum().loc[pi0.event]
    assert np.allclose(pair.to_numpy(), pi0[["E", "px", "py", "pz"]].to_numpy(), atol=1e-9)
    p = pair.to_numpy()
    assert np.allclose(np.sqrt(p[:, 0] ** 2 - np.sum(p[:, 1:] ** 2, 1)), ki.M_PI0, atol=1e-6)


@pytest.mark.parametrize("kind", ["res", "nonres_pion"])
@pytest.mark.parametrize("nu, cc", [(-14, True), (14, False)])
def test_single_pion_charges_conserved(kind, nu, cc):
    # N pi final states: charge = nucleon charge + (+1 nu CC, -1 nubar CC, 0 NC); every
    # isospin-allowed channel appears (Delta0 -> n pi0 / p pi-, Delta+ -> p pi0 / n pi+)
    ev, pa = S.sample(kind, np.full(400, 1.5), nu, "O16", 9, cc)
    had = pa[pa.pdg.isin([2212, 2112, 211, -211, 111])]
    q = had.pdg.map({2212: 1, 2112: 0, 211: 1, -211: -1, 111: 0}).groupby(had.event).sum()
    dq = (1 if nu > 0 else -1) if cc else 0
    expected = (ev["hit_nucleon_pdg"] == 2212).astype(int).to_numpy() + dq
    assert np.array_equal(q.sort_index().to_numpy(), expected)
    chans = set(had.groupby("event").pdg.apply(lambda s: tuple(sorted(s))))
    allowed = {(111, 2112), (111, 2212), (211, 2112), (211, 2212), (-211, 2112), (-211, 2212)}
    assert chans <= allowed and len(chans) >= (2 if cc else 4)


def test_bad_parameters():
    with pytest.raises(ValueError, match="M_A_RES"):
        resonant.form_factors(0.5, M_A=-1.0)
    with pytest.raises(ValueError, match="E_nu"):
        resonant.sigma_res(np.array([1e4]), 14, 2212)
