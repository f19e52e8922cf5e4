"""Antineutrino upscattering nubar A -> Nbar A (nuportal.models.upscattering, antineutrino=True).

The closed forms are checked against explicit 4x4 Dirac traces (einsum) at random physical
phase-space points: lepton currents ubar(k3) Gamma P_L u(k1) (neutrino) and vbar(k1) Gamma v(k3)
(antineutrino; vector Gamma = gamma^mu P_L, dipole the h.c. vertex sigma^{mu nu} q_nu P_R), spin
projectors u ubar = (k3-slash + m)(1 + gamma5 s-slash)/2 and v vbar = (k3-slash - m)(1 + gamma5
s-slash)/2 with s = h s_N (s_N the helicity axis of the HNL in the CM frame, s the physical spin of
N or Nbar), target spin averaged with the hadronic currents of the module.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from nuportal.models import nuclear_form_factors as nff
from nuportal.models import targets as tg
from nuportal.models import upscattering as up

C12 = tg.nucleus("C12")
M_C = C12.mass
F_C = C12.charge_form_factor
MZ = 91.1876

# ---------------------------------------------------------------- Dirac algebra (Dirac basis)
_I2, _Z2 = np.eye(2), np.zeros((2, 2))
_PAULI = [np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.array([[1, 0], [0, -1]])]
GAM = np.array(
    [np.block([[_I2, _Z2], [_Z2, -_I2]])] + [np.block([[_Z2, p], [-p, _Z2]]) for p in _PAULI],
    dtype=complex,
)
G5 = 1j * GAM[0] @ GAM[1] @ GAM[2] @ GAM[3]
ONE = np.eye(4, dtype=complex)
PL, PR = (ONE - G5) / 2, (ONE + G5) / 2
METRIC = np.array([1.0, -1.0, -1.0, -1.0])
# sigma^{mu nu} = (i/2)[gamma^mu, gamma^nu]
SIGMA = 0.5j * (np.einsum("mab,nbc->mnac", GAM, GAM) - np.einsum("nab,mbc->mnac", GAM, GAM))


def slash(p):
    return np.einsum("m,mab->ab", METRIC * p, GAM)


def mm(*ms):
    """Product of 4x4 matrices by einsum (no BLAS)."""
    out = ms[0]
    for x in ms[1:]:
        out = np.einsum("ab,bc->ac", out, x)
    return out


def bar(gs):
    """gamma0 Gamma^dagger gamma0 for a stack of 4x4 matrices (..., 4, 4)."""
    return np.einsum("ab,...cb,cd->...ad", GAM[0], np.conj(gs), GAM[0])


def dot(a, b):
    return float(np.sum(METRIC * a * b))


def tensor(proj_in, left, proj_out, right):
    """T^{mu nu} = Tr[proj_in left^mu proj_out right^nu] (left, right: stacks (4, 4, 4))."""
    return np.einsum("ab,mbc,cd,nda->mn", proj_in, left, proj_out, right)


def contract(lep, had):
    return np.einsum("mn,mn,m,n->", lep, had, METRIC, METRIC)


def four_vectors(e, q2, m, M):
    """Lab four-vectors k1, p2, k3, p4 and the HNL helicity axis s_N."""
    e3 = e - q2 / (2 * M)
    p3 = math.sqrt(e3**2 - m**2)
    cos = (e * e3 - 0.5 * (q2 + m**2)) / (e * p3)
    sin = math.sqrt(max(0.0, 1 - cos**2))
    k1 = np.array([e, 0, 0, e])
    p2 = np.array([M, 0, 0, 0])
    k3 = np.array([e3, p3 * sin, 0, p3 * cos])
    P = k1 + p2
    k3P = dot(k3, P)
    s_n = (k3P * k3 - m**2 * P) / (m * math.sqrt(k3P**2 - m**2 * dot(P, P)))
    return k1, p2, k3, k1 + p2 - k3, s_n


def lepton_tensor(kin, m, h, *, anti, dipole):
    k1, _, k3, _, s_n = kin
    spin = (ONE + G5 @ slash(h * s_n)) / 2
    if dipole:
        q = k1 - k3
        vtx = np.einsum("mnab,n->mab", SIGMA, METRIC * q)  # sigma^{mu nu} q_nu
        chir = PR if anti else PL
    else:
        vtx, chir = GAM, PL
    gam = np.einsum("mab,bc->mac", vtx, chir)  # Gamma^mu
    if anti:  # sum |vbar(k1) Gamma v(k3)|^2 = Tr[k1 Gamma (k3 - m)(1 + g5 s)/2 bar(Gamma)]
        return tensor(slash(k1), gam, mm(slash(k3) - m * ONE, spin), bar(gam))
    # sum |ubar(k3) Gamma u(k1)|^2 = Tr[(k3 + m)(1 + g5 s)/2 Gamma k1 bar(Gamma)]
    return tensor(mm(slash(k3) + m * ONE, spin), gam, slash(k1), bar(gam))


def hadron_tensor(kin, M, *, a, f2=0.0, c=0.0, spin0=False):
    """Target-spin-summed current tensor; Gordon form a gamma^mu - f2 P'^mu/(2M) + c gamma^mu g5."""
    _, p2, _, p4, _ = kin
    pp = p2 + p4
    if spin0:  # a (p2 + p4)^mu
        return a * a * np.outer(pp, pp)
    cur = (
        a * GAM
        - f2 * np.einsum("m,ab->mab", pp / (2 * M), ONE)
        + c * np.einsum("mab,bc->mac", GAM, G5)
    )
    return tensor(slash(p4) + M * ONE, cur, slash(p2) + M * ONE, bar(cur))


def phase_space(m, M, n, seed):
    rng = np.random.default_rng(seed)
    e = up.threshold_energy(m, M) * (1.0 + rng.uniform(0.05, 3.0, n))
    lo, hi = up.q2_limits(e, m, M)
    return e, lo + (hi - lo) * rng.uniform(0.02, 0.98, n)


def to_msq(dsig, e, M):
    """Target-spin-summed sum|M|^2 from dsigma/dQ^2 = (1/2) sum|M|^2/(16 pi (s - M^2)^2)."""
    return dsig / up.GEV2_TO_CM2 * 128 * np.pi * M**2 * e**2


RTOL = 1e-9
POINTS = [(0.2, M_C, 11), (0.42, up.M_PROTON, 12), (0.05, up.M_PROTON, 13)]


# ---------------------------------------------------------------- item 1: explicit traces
@pytest.mark.parametrize(("m", "M", "seed"), POINTS)
@pytest.mark.parametrize("anti", [False, True])
@pytest.mark.parametrize("h", [-1, 1])
def test_traces_coherent_vector_and_dipole(m, M, seed, anti, h):
    e, q2 = phase_space(m, M, 4, seed)
    g, mzp, ff = 3e-6, 0.3, 0.7
    for target_spin in ("1/2", "0"):
        got = up.dsigma_dq2_coherent_vector(
            e, q2, m, M, ff, g_zprime=g, mzprime=mzp, helicity=h, target_spin=target_spin,
            antineutrino=anti,
        )  # fmt: skip
        for i in range(e.size):
            kin = four_vectors(e[i], q2[i], m, M)
            a = g / (q2[i] + mzp**2) * ff
            had = hadron_tensor(kin, M, a=a, spin0=target_spin == "0")
            avg = 1.0 if target_spin == "1/2" else 2.0  # spin 0: no 1/2 average
            ref = avg * contract(lepton_tensor(kin, m, h, anti=anti, dipole=False), had)
            assert abs(ref.imag) < 1e-12 * abs(ref)
            assert to_msq(got[i], e[i], M) == pytest.approx(ref.real, rel=RTOL, abs=0)
    d, z = 1e-6, 6
    got = up.dsigma_dq2_coherent_dipole(
        e, q2, m, M, ff, Z=z, dipole=d, helicity=h, antineutrino=anti
    )
    for i in range(e.size):
        kin = four_vectors(e[i], q2[i], m, M)
        # amplitude 2 d [lepton] (e Z F/Q^2) [ubar gamma u]
        pref = (2 * d) ** 2 * 4 * np.pi * up.constants.ALPHA_EM * (z * ff / q2[i]) ** 2
        had = hadron_tensor(kin, M, a=1.0)
        ref = pref * contract(lepton_tensor(kin, m, h, anti=anti, dipole=True), had)
        assert to_msq(got[i], e[i], M) == pytest.approx(ref.real, rel=RTOL, abs=0)


def _nucleon_couplings(q2, nucleon, g_zp, mzp, g_z, conv, s2):
    tau3 = 1.0 if nucleon == "proton" else -1.0
    f1, f2 = nff._dirac_pauli(q2, tau3)
    gp = g_zp / (q2 + mzp**2)
    f1z, f2z, fa = nff._nc(q2, tau3, s2, conv)
    gz = g_z / (q2 + MZ**2)
    f1t, f2t = gp * f1 + gz * f1z, gp * f2 + gz * f2z
    return f1t + f2t, f2t, -gz * fa


@pytest.mark.parametrize(("m", "M", "seed"), POINTS)
@pytest.mark.parametrize("anti", [False, True])
@pytest.mark.parametrize("h", [-1, 1])
@pytest.mark.parametrize("nucleon", ["proton", "neutron"])
def test_traces_nucleon_vector_and_dipole(m, M, seed, anti, h, nucleon):
    e, q2 = phase_space(m, M, 3, seed)
    # a large Z coupling so that the vector-axial interference is O(1) of the total
    kw = {"g_zprime": 1e-6, "mzprime": 0.3, "g_z": 2e-2, "mz": MZ, "nc_convention": "physical"}
    s2 = 0.231
    got = up.dsigma_dq2_nucleon_vector(
        e, q2, m, nucleon=nucleon, M=M, helicity=h, sin2_theta_w=s2, antineutrino=anti, **kw
    )
    d = 1e-6
    got_d = up.dsigma_dq2_nucleon_dipole(
        e, q2, m, dipole=d, nucleon=nucleon, M=M, helicity=h, antineutrino=anti
    )
    for i in range(e.size):
        kin = four_vectors(e[i], q2[i], m, M)
        a, f2, c = _nucleon_couplings(
            q2[i], nucleon, kw["g_zprime"], kw["mzprime"], kw["g_z"], "physical", s2
        )
        had = hadron_tensor(kin, M, a=a, f2=f2, c=c)
        ref = contract(lepton_tensor(kin, m, h, anti=anti, dipole=False), had)
        assert to_msq(got[i], e[i], M) == pytest.approx(ref.real, rel=RTOL, abs=0)
        f1, f2e = nff._dirac_pauli(q2[i], 1.0 if nucleon == "proton" else -1.0)
        pref = (2 * d) ** 2 * 4 * np.pi * up.constants.ALPHA_EM / q2[i] ** 2
        had_d = hadron_tensor(kin, M, a=f1 + f2e, f2=f2e)
        ref_d = pref * contract(lepton_tensor(kin, m, h, anti=anti, dipole=True), had_d)
        assert to_msq(got_d[i], e[i], M) == pytest.approx(ref_d.real, rel=RTOL, abs=0)


@pytest.mark.parametrize("h", [-1, 1])
def test_traces_lepton_tensor_is_the_transpose(h):
    """nubar tensor with Nbar helicity h = transpose of the nu tensor with N helicity -h."""
    for m, M, seed in POINTS:
        e, q2 = phase_space(m, M, 2, seed)
        for i in range(e.size):
            kin = four_vectors(e[i], q2[i], m, M)
            nu = lepton_tensor(kin, m, -h, anti=False, dipole=False)
            nub = lepton_tensor(kin, m, h, anti=True, dipole=False)
            np.testing.assert_allclose(nub, nu.T, rtol=0, atol=1e-12 * np.max(np.abs(nu)))
            assert np.max(np.abs(nu - nu.T)) > 1e-3 * np.max(np.abs(nu))  # epsilon part


def test_nubar_massless_limit_helicities():
    """m -> 0: vbar gamma P_L v makes right-handed Nbar (h = +1); the dipole flips it (h = -1)."""
    e, q2, m = 2.0, 0.05, 1e-3
    kw = {"g_zprime": 1e-6, "mzprime": 0.3}
    vec = [up.dsigma_dq2_coherent_vector(e, q2, m, M_C, 1.0, helicity=h, antineutrino=True, **kw)
           for h in (-1, 1)]  # fmt: skip
    assert vec[0] < 1e-6 * vec[1]
    dip = [
        up.dsigma_dq2_coherent_dipole(e, q2, m, M_C, 1.0, Z=6, dipole=1e-6, helicity=h,
                                      antineutrino=True)
        for h in (-1, 1)
    ]  # fmt: skip
    assert dip[1] < 1e-4 * dip[0]


# ---------------------------------------------------------------- item 3: relations
def test_coherent_helicity_sum_equals_neutrino():
    e, q2 = phase_space(0.2, M_C, 50, 21)
    ff = F_C(q2)
    kw = {"g_zprime": 1e-7, "mzprime": 0.3, "g_z": 2e-5, "mz": MZ}
    for spin in ("1/2", "0"):
        nu = up.dsigma_dq2_coherent_vector(e, q2, 0.2, M_C, ff, target_spin=spin, **kw)
        nub = up.dsigma_dq2_coherent_vector(
            e, q2, 0.2, M_C, ff, target_spin=spin, antineutrino=True, **kw
        )
        np.testing.assert_allclose(nub, nu, rtol=1e-12)
        for h in (-1, 1):
            np.testing.assert_allclose(
                up.dsigma_dq2_coherent_vector(
                    e, q2, 0.2, M_C, ff, target_spin=spin, helicity=h, antineutrino=True, **kw
                ),
                up.dsigma_dq2_coherent_vector(e, q2, 0.2, M_C, ff, target_spin=spin, helicity=-h,
                                              **kw),
                rtol=1e-12,
            )  # fmt: skip
    nu = up.dsigma_dq2_coherent_dipole(e, q2, 0.2, M_C, ff, Z=6, dipole=1e-6)
    nub = up.dsigma_dq2_coherent_dipole(e, q2, 0.2, M_C, ff, Z=6, dipole=1e-6, antineutrino=True)
    np.testing.assert_allclose(nub, nu, rtol=1e-12)


@pytest.mark.parametrize("nucleon", ["proton", "neutron"])
def test_nucleon_zprime_only_is_neutrino_with_opposite_helicity(nucleon):
    e, q2 = phase_space(0.15, up.M_PROTON, 30, 22)
    kw = {"g_zprime": 1e-7, "mzprime": 0.3, "nucleon": nucleon}
    for h in (-1, 1):
        nub = up.dsigma_dq2_nucleon_vector(e, q2, 0.15, helicity=h, antineutrino=True, **kw)
        nu = up.dsigma_dq2_nucleon_vector(e, q2, 0.15, helicity=-h, **kw)
        np.testing.assert_allclose(nub, nu, rtol=1e-12)
        nub_d = up.dsigma_dq2_nucleon_dipole(
            e, q2, 0.15, dipole=1e-6, nucleon=nucleon, helicity=h, antineutrino=True
        )
        nu_d = up.dsigma_dq2_nucleon_dipole(e, q2, 0.15, dipole=1e-6, nucleon=nucleon, helicity=-h)
        np.testing.assert_allclose(nub_d, nu_d, rtol=1e-12)


@pytest.mark.parametrize("h", [-1, 1, "both"])
def test_nucleon_z_interference_flips_sign(h):
    """nu(-h) - nubar(h) = -2 x 32 a c A(K)/2 /(128 pi M^2 E^2) = 2 x the V-A interference."""
    m, M = 0.15, up.M_PROTON
    e = np.array([0.6, 1.0, 3.0, 10.0])
    lo, hi = up.q2_limits(e, m, M)
    q2 = 0.5 * (lo + hi)
    kw = {"g_zprime": 1e-7, "mzprime": 0.3, "g_z": 2e-3, "mz": MZ, "M": M}
    h_nu = h if h == "both" else -h
    nu = up.dsigma_dq2_nucleon_vector(e, q2, m, helicity=h_nu, **kw)
    nub = up.dsigma_dq2_nucleon_vector(e, q2, m, helicity=h, antineutrino=True, **kw)
    # V-A interference of the neutrino at helicity h_nu: -32 a c A(K)/2, K = k3 - h_nu m s_N
    a, _, c = _nucleon_couplings(q2, "proton", 1e-7, 0.3, 2e-3, "physical",
                                 up.constants.SIN2_THETA_W_ON_SHELL)  # fmt: skip
    sp = up.hnl_spin_products(e, q2, m, M)
    k1p2, k1k3 = M * e, 0.5 * (m * m + q2)
    k1p4, k3p2, k3p4 = k1p2 - k1k3, k1p2 - 0.5 * q2, k1p2 - 0.5 * m * m
    if h == "both":
        kp2, kp4 = 2 * k3p2, 2 * k3p4
    else:
        kp2, kp4 = k3p2 - h_nu * m * sp.p2, k3p4 - h_nu * m * sp.p4
    interference = -16.0 * a * c * (kp4 * k1p2 - kp2 * k1p4)
    interference = interference / (128 * np.pi * M**2 * e**2) * up.GEV2_TO_CM2
    assert np.all(np.abs(interference) > 1e-3 * nu)  # not a trivial check
    np.testing.assert_allclose(nu - nub, 2 * interference, rtol=1e-6)


def test_totals_integrate_and_wrappers_pass_through():
    from types import SimpleNamespace

    cpl = SimpleNamespace(
        V_N={"mu": -1e-3}, C_N={"mu": -3.7e-4}, dipole={"mu": 1e-6},
        zprime_proton=3.0e-4, zprime_neutron=-1.9e-8, z_proton=0.028, z_neutron=-0.37,
    )  # fmt: skip
    model = SimpleNamespace(m4=0.2, mzprime=1.25, mz=MZ, couplings=cpl)
    e = np.array([0.1, 1.0, 3.0])  # 0.1 GeV: below both thresholds
    for process in ("coherent", "proton"):
        tgt = "C12"
        for h in (-1, 1, "both"):
            nub = up.upscattering_cross_section(
                model, tgt, "mu", e, process=process, helicity=h, antineutrino=True
            )
            h_nu = h if h == "both" else -h
            nu = up.upscattering_cross_section(model, tgt, "mu", e, process=process, helicity=h_nu)
            assert np.all(np.isfinite(nub)) and nub[0] == 0.0 and np.all(nub[1:] > 0.0)
            # coherent: identical; proton: only the V-A Z interference differs (~10 % here)
            if process == "coherent":
                np.testing.assert_allclose(nub, nu, rtol=1e-12)
            else:
                np.testing.assert_allclose(nub, nu, rtol=0.2)
                kv = {"process": process, "portal": "vector"}
                v_nub = up.upscattering_cross_section(
                    model, tgt, "mu", e, helicity=h, antineutrino=True, **kv
                )
                v_nu = up.upscattering_cross_section(model, tgt, "mu", e, helicity=h_nu, **kv)
                assert np.all(np.abs(v_nub[1:] / v_nu[1:] - 1) > 1e-4)
            # wrapper = integral of the core function (per proton x Z)
            if process == "proton" and h == "both":
                d = up.upscattering_dsigma_dq2(
                    model, tgt, "mu", 1.0, 0.1, process=process, antineutrino=True
                )
                core = up.dsigma_dq2_nucleon_vector(
                    1.0,
                    0.1,
                    0.2,
                    g_zprime=-1e-3 * 3.0e-4,
                    mzprime=1.25,
                    g_z=-3.7e-4 * 0.74,
                    mz=MZ,
                    sin2_theta_w=0.25 * (1 + 0.028 / -0.37),
                    antineutrino=True,
                ) + up.dsigma_dq2_nucleon_dipole(1.0, 0.1, 0.2, dipole=1e-6, antineutrino=True)
                assert d == pytest.approx(6 * core, rel=1e-13)  # fmt: skip
                f = up.integrate_dsigma_dq2(
                    lambda ee, qq: up.upscattering_dsigma_dq2(
                        model, "C12", "mu", ee, qq, process="proton", antineutrino=True
                    ),
                    e, 0.2, up.M_PROTON,
                )  # fmt: skip
                np.testing.assert_allclose(f, nub, rtol=1e-13)
    # default stays the neutrino
    np.testing.assert_array_equal(
        up.upscattering_cross_section(model, "C12", "mu", e, process="proton"),
        up.upscattering_cross_section(model, "C12", "mu", e, process="proton", antineutrino=False),
    )


@pytest.mark.parametrize("h", [-1, 1])
def test_v_spinor_projector_and_helicity(h):
    """v(p, h) = i gamma^2 u(p, h)^* (antiparticle of helicity h): v vbar = (p - m)(1 + g5 s)/2
    with s the helicity axis times h, and P_L v -> v for h = +1 as m -> 0 (right-handed Nbar)."""
    rng = np.random.default_rng(5)
    for m in (0.3, 1e-4):
        pvec = rng.normal(size=3)
        pabs = float(np.linalg.norm(pvec))
        n = pvec / pabs
        en = math.sqrt(pabs**2 + m**2)
        sig_n = sum(n[i] * _PAULI[i] for i in range(3))
        w, vecs = np.linalg.eigh(sig_n)
        chi = vecs[:, int(np.argmin(np.abs(w - h)))]
        u = np.concatenate([math.sqrt(en + m) * chi, h * pabs / math.sqrt(en + m) * chi])
        v = 1j * np.einsum("ab,b->a", GAM[2], np.conj(u))
        p = np.array([en, *pvec])
        s_axis = np.array([pabs / m, *(en / m * n)])
        vvbar = np.einsum("a,b->ab", v, np.einsum("a,ab->b", np.conj(v), GAM[0]))
        proj = mm(slash(p) - m * ONE, (ONE + G5 @ slash(h * s_axis)) / 2)
        np.testing.assert_allclose(vvbar, proj, atol=1e-9 * en)
        if m < 1e-2:
            frac = np.linalg.norm(np.einsum("ab,b->a", PL, v)) / np.linalg.norm(v)
            assert frac == pytest.approx(1.0 if h == 1 else 0.0, abs=1e-3)
