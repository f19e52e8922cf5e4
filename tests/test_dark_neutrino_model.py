"""Tests of nuportal.models.dark_neutrino (couplings, conventions, N and Z' widths, channels).

[CHK] = check values computed for this package, independently of the code under test (scipy
quadrature of the formulas derived for this package, with the DarkNews couplings of
A. Abdullahi et al., arXiv:2207.04137).
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import pytest

from nuportal import constants
from nuportal.models import dark_neutrino_decays as dec
from nuportal.models.dark_neutrino import (
    DARKNEWS_ELECTROWEAK,
    PHYSICAL_ELECTROWEAK,
    DarkNeutrinoCouplings,
    DarkNeutrinoModel,
    epsilon_from_alpha_epsilon2,
)
from nuportal.models.hnl import width_3nu_dirac

approx = partial(pytest.approx, abs=0.0)  # widths are tiny: never use an absolute tolerance
CM = 1e-2


def dn_default(**kw):
    """DarkNews default point (DarkNews model.py defaults): m4 = 0.15, m_Z' = 1.25, eps = 1e-3,
    U_mu4 = 1e-3,
    g_D = 1, U_D4 = 1, Dirac."""
    args = {"epsilon": 1e-3, "Umu4": 1e-3}
    args.update(kw)
    return DarkNeutrinoModel(args.pop("m4", 0.15), args.pop("mzprime", 1.25), **args)


def bjmz(**kw):
    """BJMZ point (arXiv:1807.09877; U_D4 = 1 as in the DarkNews tests): m4 = 0.42, m_Z' = 0.03,
    |U_mu4|^2 = 9e-7, alpha_D = 0.25,
    alpha eps^2 = 2e-10, U_D4 = 1, Dirac."""
    conv = kw.get("convention", "darknews")
    args = {
        "epsilon": epsilon_from_alpha_epsilon2(2e-10, conv),
        "Umu4": math.sqrt(9e-7),
        "alphaD": 0.25,
    }
    args.update(kw)
    return DarkNeutrinoModel(0.42, 0.03, **args)


# ------------------------------------------------------------------ constants (DarkNews const.py)
def test_darknews_electroweak_constants():
    """[CHK]: g = 0.6529058, g/(2 c_W) = 0.3704505, e_eff = g s_W = 0.3086180 = 1.019140 e0,
    e0 = 0.3028221."""
    ew = DARKNEWS_ELECTROWEAK
    assert ew.g_weak == approx(0.6529058, rel=1e-6)
    assert ew.z_vertex == approx(0.3704505, rel=1e-6)
    assert ew.e_eff == approx(0.3086180, rel=1e-6)
    assert ew.e0 == approx(0.3028221, rel=1e-6)
    assert ew.e_eff / ew.e0 == approx(1.019140, rel=1e-6)


def test_physical_electroweak_fixed_by_g_fermi():
    """Physical convention: w^2/m_Z^2 = sqrt2 G_F and g^2/(8 m_W^2) = G_F/sqrt2 exactly."""
    ew = PHYSICAL_ELECTROWEAK
    assert ew.z_vertex**2 / ew.m_z**2 == approx(math.sqrt(2) * constants.G_FERMI, rel=1e-14)
    assert ew.g_weak**2 / (8 * ew.m_w**2) == approx(constants.G_FERMI / math.sqrt(2), rel=1e-14)
    assert ew.alpha == constants.ALPHA_EM and ew.sin2_theta_w == constants.SIN2_THETA_W


# ------------------------------------------------------------------ couplings (DarkNews model.py)
def test_bjmz_epsilon_chi_gd():
    """[CHK]: alpha eps^2 = 2e-10 -> eps = 1.655512e-4, eps^2 = 2.740720e-8,
    chi = 1.878633e-4; alpha_D = 0.25 -> g_D = 1.7724539; |V_muN| = 1.681497e-3 ([CHK])."""
    m = bjmz()
    assert m.epsilon == approx(1.655512e-4, rel=1e-6)
    assert m.epsilon**2 == approx(2.740720e-8, rel=1e-6)
    assert m.chi == approx(1.878633e-4, rel=1e-6)
    assert m.alpha_epsilon2 == approx(2e-10, rel=1e-12)
    assert m.gD == approx(1.7724539, rel=1e-7)
    assert m.alphaD == approx(0.25, rel=1e-14)
    assert abs(m.couplings.V_N["mu"]) == approx(1.681497e-3, rel=1e-6)


def test_dn_default_couplings():
    """[CHK] (eps = 1e-3, g_D = 1, U_mu4 = 1e-3, U_D4 = 1, m_Z' = 1.25, exact beta):
    V_muN = -1.000000e-3, C_muN = -3.709871e-4, d_pV = 3.086201e-4 = 1.019147 e0 eps,
    d_nV = -1.87e-8, d_eA = 1.9e-8 (quoted to 2-3 digits); V_NN = g_D."""
    c = dn_default().couplings
    e0 = DARKNEWS_ELECTROWEAK.e0
    assert c.V_N["mu"] == approx(-1.000000e-3, rel=1e-6)
    assert c.C_N["mu"] == approx(-3.709871e-4, rel=1e-6)
    assert c.zprime_proton == approx(3.086201e-4, rel=1e-6)
    assert c.zprime_proton / (e0 * 1e-3) == approx(1.019147, rel=1e-6)
    assert c.zprime_neutron == approx(-1.87e-8, rel=3e-3)
    assert c.zprime_electron_axial == approx(1.9e-8, rel=2e-2)
    assert c.V_NN == approx(1.0, rel=1e-7)
    assert c.V_N["e"] == 0.0 and c.C_N["tau"] == 0.0
    assert c.V_N_total_sq() == approx(1e-6, rel=1e-6)


def test_c_n_first_order_correction_in_chi():
    """C_alphaN = -(w (c_b + t_chi s_W s_b) + g_D s_b |U_D4|^2) U_alpha4: the g_D s_beta term is
    first order in chi (s_beta ~ s_W chi), 0.145 % at the DN point, and vanishes for g_D = 0
    (where C -> -w U to O(chi^2)). The leading-order form is often written (1 + O(chi^2)):
    imprecise."""
    ew = DARKNEWS_ELECTROWEAK
    w, sw = ew.z_vertex, math.sqrt(ew.sin2_theta_w)
    c = dn_default().couplings
    chi = 1e-3 / math.sqrt(1 - ew.sin2_theta_w)
    assert c.C_N["mu"] + w * 1e-3 == approx(-sw * chi * 1e-3, rel=2e-3)
    c0 = dn_default(gD=0.0).couplings
    assert c0.C_N["mu"] == approx(-w * 1e-3, rel=1e-6)


def test_12c_weak_charge_and_hadronic_z_coupling():
    """[CHK]: Q_W(12C) = N - (1 - 4 s_W^2) Z = 5.36232, C_had = 6 c_pV + 6 c_nV =
    -0.993238 (DN code), = -(g/4c_W) Q_W = -0.993237 at leading order."""
    ew = DARKNEWS_ELECTROWEAK
    qw = 6 - (1 - 4 * ew.sin2_theta_w) * 6
    assert qw == approx(5.36232, rel=1e-6)
    c = dn_default().couplings
    c_had = 6 * c.z_proton + 6 * c.z_neutron
    assert c_had == approx(-0.993238, rel=1e-6)
    assert c_had == approx(-0.5 * ew.z_vertex * qw, rel=2e-6)


def test_z_couplings_standard_model_values():
    """chi = 0: c_eV = w(-1/2 + 2 s_W^2), c_eA = -w/2, c_pV = w(1/2 - 2 s_W^2), c_nV = -w/2;
    all Z' couplings vanish."""
    m = DarkNeutrinoModel(0.1, 1.0, epsilon=0.0, Umu4=1e-3)
    c, ew = m.couplings, DARKNEWS_ELECTROWEAK
    w, s2 = ew.z_vertex, ew.sin2_theta_w
    assert c.z_electron_vector == approx(w * (-0.5 + 2 * s2), rel=1e-14)
    assert c.z_electron_axial == approx(-0.5 * w, rel=1e-14)
    assert c.z_proton == approx(w * (0.5 - 2 * s2), rel=1e-14)
    assert c.z_neutron == approx(-0.5 * w, rel=1e-14)
    for v in (c.zprime_proton, c.zprime_neutron, c.zprime_electron_vector, c.zprime_electron_axial):
        assert v == 0.0


@pytest.mark.parametrize("convention", ["darknews", "physical"])
def test_leading_order_zprime_couplings(convention):
    """Small eps, light Z': d_pV = eps e_eff (DarkNews) or eps e0 (physical); electron
    d_eV = +d_pV (DarkNews sign) or -eps e0 (electromagnetic current); V, V_NN, dipole."""
    eps = 1e-6
    m = DarkNeutrinoModel(
        0.1, 0.01, epsilon=eps, Ue4=3e-4, Utau4=-2e-4, gD=0.7, UD4=0.9, mu_tr_tau4=4e-6,
        convention=convention,
    )  # fmt: skip
    c = m.couplings
    ew = m.electroweak
    if convention == "darknews":
        assert c.zprime_proton == approx(eps * ew.e_eff, rel=1e-8)
        assert c.zprime_electron_vector == c.zprime_proton
    else:
        assert c.zprime_proton == approx(eps * ew.e0, rel=1e-8)
        assert c.zprime_electron_vector == -c.zprime_proton
    assert abs(c.zprime_neutron) < 1e-8 * c.zprime_proton
    assert c.V_N["e"] == approx(-0.7 * 0.81 * 3e-4, rel=1e-8)
    assert c.V_N["tau"] == approx(0.7 * 0.81 * 2e-4, rel=1e-8)
    assert c.V_NN == approx(0.7 * 0.81, rel=1e-8)
    assert c.dipole["tau"] == 2e-6 and c.dipole["e"] == 0.0
    assert c.W_N["e"] == approx(ew.g_weak / math.sqrt(2) * 3e-4, rel=1e-14)
    assert (c.m_z, c.m_w, c.e_photon) == (ew.m_z, ew.m_w, ew.e0)


def test_couplings_are_frozen():
    c = dn_default().couplings
    assert isinstance(c, DarkNeutrinoCouplings)
    with pytest.raises(AttributeError):
        c.V_NN = 2.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        c.V_N["mu"] = 1.0  # type: ignore[index]


# ------------------------------------------------------------------ Z' widths ([CHK])
def test_zprime_widths_dn_default():
    """[CHK] (DN default, e_eff): ee 3.15811e-9, mumu 3.15713e-9, nu N 3.24411e-8,
    N N 1.58623e-2 GeV."""
    zw = dn_default().zprime_widths()
    assert zw["e+ e-"] == approx(3.15811e-9, rel=1e-5)
    assert zw["mu+ mu-"] == approx(3.15713e-9, rel=1e-5)
    assert zw["nu N"] == approx(3.24411e-8, rel=1e-5)
    assert zw["N N"] == approx(1.58623e-2, rel=1e-5)
    assert dn_default().zprime_total_width() == approx(sum(zw.values()), rel=1e-14)


def test_zprime_widths_bjmz_both_conventions():
    """[CHK]: BJMZ Z' -> e+e-: 2.077290e-12 GeV (c tau 95.0 um) with e_eff,
    2.000000e-12 GeV (98.7 um) with e0; only e+e- open."""
    dn = bjmz().zprime_widths()
    ph = bjmz(convention="physical").zprime_widths()
    assert dn["e+ e-"] == approx(2.077290e-12, rel=1e-6)
    assert ph["e+ e-"] == approx(2.000000e-12, rel=1e-6)
    hbarc = constants.HBARC
    assert hbarc / dn["e+ e-"] == approx(95.0e-6, rel=1e-3)
    assert hbarc / ph["e+ e-"] == approx(98.7e-6, rel=1e-3)
    assert dn["mu+ mu-"] == 0.0 and dn["nu N"] == 0.0 and dn["N N"] == 0.0


def test_zprime_majorana_widths():
    d, mj = dn_default().zprime_widths(), dn_default(dirac=False).zprime_widths()
    assert mj["nu N"] == d["nu N"] and mj["e+ e-"] == d["e+ e-"]
    x = (0.15 / 1.25) ** 2
    assert mj["N N"] / d["N N"] == approx((1 - 4 * x) / (1 - x), rel=1e-12)


# ------------------------------------------------------------------ N widths and channels
def test_bjmz_on_shell_channels():
    """[CHK]: BJMZ Gamma(N -> nu Z') = 2.315070e-6 GeV, c tau = 8.52e-11 m; on-shell
    regime: "nu e e" holds the Z/W part only, width_nu_ll("e") = Gamma(nu Z') Br(Z' -> ee) +
    that part, Br(Z' -> ee) = 1 here."""
    m = bjmz()
    assert m.on_shell
    w = m.partial_widths()
    assert w["nu Z'"] == approx(2.315070e-6, rel=1e-6)
    assert m.ctau == approx(8.52e-11, rel=1e-3)
    z_only = dec.width_n_to_nu_ll(0.42, m.couplings, 0.03, "e", zprime=False)
    assert w["nu e e"] == approx(z_only, rel=1e-12)
    assert w["nu e e"] < 1e-15 * w["nu Z'"]
    assert m.width_nu_ll("e") == approx(w["nu Z'"] + w["nu e e"], rel=1e-12)
    assert m.width_nu_ll("mu") == approx(w["nu mu mu"], rel=1e-12)  # Z' -> mu mu closed
    assert m.branching_ratio("nu Z'") == approx(1.0, rel=1e-10)


def test_on_shell_branching_split_with_muons():
    """m_Z' = 0.3 > 2 m_mu, m4 = 0.5: Gamma(N -> nu l l) = Gamma(nu Z') Gamma_ll/Gamma_Z'."""
    m = DarkNeutrinoModel(0.5, 0.3, epsilon=1e-3, Umu4=1e-3)
    zw = m.zprime_widths()
    tot = sum(zw.values())
    w = m.partial_widths()
    for lep, key in (("e", "e+ e-"), ("mu", "mu+ mu-")):
        z_part = w["nu e e" if lep == "e" else "nu mu mu"]
        assert m.width_nu_ll(lep) == approx(w["nu Z'"] * zw[key] / tot + z_part, rel=1e-12)
    assert m.width_nu_ll("e") + m.width_nu_ll("mu") == approx(w["nu Z'"], rel=1e-6)


def test_dn_default_off_shell_channels_and_ctau():
    """DN default (m4 < m_Z'): "nu Z'" closed, "nu e e" = three-body Z' + Z; its Z'-only part
    is 1.2548e-22 GeV ([CHK]: c tau = 1.57e6 m from the Z' part alone); "nu nu nu" =
    (C/w)^2 G_F^2 m^5/(192 pi^3)."""
    m = dn_default()
    assert not m.on_shell
    w = m.partial_widths()
    assert w["nu Z'"] == 0.0 and w["nu gamma"] == 0.0 and w["nu mu mu"] == 0.0
    full = dec.width_n_to_nu_ll(0.15, m.couplings, 1.25, "e")
    assert w["nu e e"] == approx(full, rel=1e-12)
    zp_only = dec.width_n_to_nu_ll(0.15, m.couplings, 1.25, "e", z=False, w=False)
    assert constants.HBARC / zp_only == approx(1.57e6, rel=3e-3)
    assert m.width_nu_ll("e") == w["nu e e"]
    ew = DARKNEWS_ELECTROWEAK
    z2 = (m.couplings.C_N["mu"] / ew.z_vertex) ** 2
    assert w["nu nu nu"] == approx(z2 * width_3nu_dirac(0.15, g_fermi=ew.g_fermi), rel=1e-12)
    assert m.total_width == approx(sum(w.values()), rel=1e-14)
    assert m.ctau == approx(constants.HBARC / m.total_width, rel=1e-9)


def test_zprime_z_interference_sign_differs_between_conventions():
    """DarkNews' electron sign (d_eV = +d_pV) makes the vector Z-Z' interference in N -> nu e e
    destructive (-0.9 % at the DN point); with the electromagnetic-current sign (physical) it is
    constructive (+0.6 %)."""
    for conv, sign in (("darknews", -1), ("physical", 1)):
        c = dn_default(convention=conv).couplings
        both = dec.width_n_to_nu_ll(0.15, c, 1.25, "e")
        zp = dec.width_n_to_nu_ll(0.15, c, 1.25, "e", z=False)
        z = dec.width_n_to_nu_ll(0.15, c, 1.25, "e", zprime=False)
        inter = (both - zp - z) / zp
        assert sign * inter > 5e-3


def test_dipole_channel():
    """[CHK]: DN mu_tr_mu4 = 2e-6 (d = 1e-6): Gamma(N -> nu gamma) = 2.68574e-16 GeV at
    m = 0.15, c tau = 0.735 m (only channel when U = 0); 9.94718e-15 at m = 0.5."""
    m = DarkNeutrinoModel(0.15, 1.25, epsilon=0.0, gD=0.0, mu_tr_mu4=2e-6)
    assert m.couplings.dipole["mu"] == 1e-6
    assert m.partial_widths()["nu gamma"] == approx(2.68574e-16, rel=1e-5)
    assert m.ctau == approx(0.735, rel=1e-3)
    m5 = DarkNeutrinoModel(0.5, 1.25, mu_tr_e4=-1e-6, mu_tr_mu4=1.5e-6, mu_tr_tau4=1e-6)
    assert m5.partial_widths()["nu gamma"] == approx(9.94718e-15 * (0.25 + 0.5625 + 0.25), rel=1e-5)


def test_majorana_doubles_n_widths():
    kw = {"Umu4": 1e-3, "mu_tr_mu4": 2e-6}
    for mzp in (1.25, 0.1):
        d = DarkNeutrinoModel(0.15, mzp, **kw).partial_widths()
        mj = DarkNeutrinoModel(0.15, mzp, dirac=False, **kw).partial_widths()
        for key in d:
            assert mj[key] == approx(2 * d[key], rel=1e-9), key


def test_no_open_channel():
    m = DarkNeutrinoModel(0.15, 1.25, epsilon=0.0, gD=0.0)
    assert m.total_width == 0.0 and math.isinf(m.lifetime)
    with pytest.raises(ValueError, match="branching ratios are undefined"):
        m.branching_ratios()


def test_repr_and_properties():
    m = DarkNeutrinoModel(0.2, 1.0, Umu4=1e-3, UD4=0.5, gD=0.3, convention="physical")
    assert "DarkNeutrinoModel(m4=0.2" in repr(m)
    assert m.mass == m.m4 == 0.2 and m.mzprime == 1.0 and m.dirac is True
    assert m.mz == constants.mass("Z0") and m.mw == constants.mass("W+")
    assert m.U_a4 == {"e": 0.0, "mu": 1e-3, "tau": 0.0} and m.UD4 == 0.5
    assert m.mu_tr == {"e": 0.0, "mu": 0.0, "tau": 0.0} and m.convention == "physical"
    assert m.chi == approx(1e-3 / math.sqrt(1 - constants.SIN2_THETA_W), rel=1e-14)
    assert set(m.channels) == {"nu e e", "nu mu mu", "nu Z'", "nu gamma", "nu nu nu"}


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((0.0,), {}, "m4"),
        ((-0.1,), {}, "m4"),
        ((np.nan,), {}, "m4"),
        ((np.array([0.1, 0.2]),), {}, "m4 must be a scalar"),
        ((0.1, 0.0), {}, "mzprime"),
        ((0.1, 95.0), {}, "mzprime"),
        ((0.1, np.inf), {}, "mzprime"),
        ((0.1,), {"epsilon": -1e-3}, "epsilon"),
        ((0.1,), {"epsilon": 1.5}, "epsilon"),
        ((0.1,), {"epsilon": np.nan}, "epsilon"),
        ((0.1,), {"gD": -1.0}, "gD"),
        ((0.1,), {"alphaD": -0.1}, "alphaD"),
        ((0.1,), {"gD": 1.0, "alphaD": 0.1}, "either gD or alphaD"),
        ((0.1,), {"Umu4": 1.1}, r"\|Umu4\| <= 1"),
        ((0.1,), {"Ue4": -2.0}, "Ue4"),
        ((0.1,), {"Utau4": np.inf}, "Utau4"),
        ((0.1,), {"UD4": 1.5}, "UD4"),
        ((0.1,), {"mu_tr_mu4": np.nan}, "mu_tr_mu4"),
        ((0.1,), {"convention": "pdg"}, "convention"),
        ((0.1,), {"dirac": "yes"}, "dirac"),
        ((0.1,), {"Umu4": "abc"}, "Umu4"),
    ],
)
def test_bad_input_raises(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        DarkNeutrinoModel(*args, **kwargs)


def test_bad_helper_inputs():
    with pytest.raises(ValueError, match="alpha_epsilon2"):
        epsilon_from_alpha_epsilon2(-1e-10)
    with pytest.raises(ValueError, match="convention"):
        epsilon_from_alpha_epsilon2(1e-10, "x")
    with pytest.raises(ValueError, match="lepton"):
        dn_default().width_nu_ll("tau")
