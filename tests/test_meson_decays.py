"""Tests of nuportal.models.meson_decays (M+ -> l+ N production, momentum, helicity)."""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import pytest

from nuportal import constants
from nuportal.models import (
    br_meson_to_lepton_hnl,
    hnl_energy_at_rest,
    hnl_momentum_at_rest,
    hnl_polarization,
    rho_hnl,
    width_meson_to_lepton_hnl,
)
from nuportal.models.meson_decays import MESONS

MASSES = np.array([0.1, 0.2, 0.3, 0.38])

# pytest.approx adds abs=1e-12 by default, which would make every width (1e-14 GeV or less)
# compare equal to anything: use purely relative tolerances unless abs is given.
approx = partial(pytest.approx, abs=0.0)


def test_branching_ratios_momenta_and_helicities_check_values():
    """Check numbers computed for this package (two or three significant digits: compared at half a
    unit of the last)."""
    np.testing.assert_allclose(
        br_meson_to_lepton_hnl("K+", "mu", MASSES), [1.20, 2.30, 2.48, 0.77], atol=0.005
    )
    np.testing.assert_allclose(
        hnl_momentum_at_rest("K+", "mu", MASSES), [0.224, 0.190, 0.129, 0.037], atol=5e-4
    )
    np.testing.assert_allclose(
        hnl_polarization("K+", "mu", MASSES), [-0.05, 0.47, 0.55, 0.24], atol=0.005
    )
    np.testing.assert_allclose(
        hnl_polarization("K+", "mu", MASSES, charge=-1), [0.05, -0.47, -0.55, -0.24], atol=0.005
    )


@pytest.mark.parametrize(
    ("meson", "lepton"), [("K+", "mu"), ("K+", "e"), ("pi+", "e"), ("pi+", "mu")]
)
def test_first_principles_and_ratio_forms_agree(meson, lepton):
    """Two independent routes: G_F^2 f^2 |V|^2 ... tau / hbar against Br_SM * rho_N. They differ by
    the radiative corrections and input precision absorbed in the measured Br_SM: < 3 %."""
    mes = MESONS[meson]
    ml = constants.LEPTON_MASS[lepton]
    m = np.linspace(0.0, mes.mass - ml, 30)[:-1]
    fp = br_meson_to_lepton_hnl(meson, lepton, m, form="first-principles")
    ratio = br_meson_to_lepton_hnl(meson, lepton, m, form="ratio")
    np.testing.assert_allclose(fp, ratio, rtol=0.03)
    # massless N reproduces the SM branching ratio
    assert ratio[0] == approx(mes.br_sm[lepton], rel=1e-12)
    # the shapes agree exactly: width(m_N) / width(0) = rho_N
    w = width_meson_to_lepton_hnl(meson, lepton, m)
    np.testing.assert_allclose(w / w[0], rho_hnl(meson, lepton, m), rtol=1e-12)


def test_width_scales_with_mixing_and_overrides():
    w1 = width_meson_to_lepton_hnl("K+", "mu", 0.2, 1.0)
    assert width_meson_to_lepton_hnl("K+", "mu", 0.2, 1e-4) == approx(1e-4 * w1, rel=1e-14)
    w2 = width_meson_to_lepton_hnl(
        "K+", "mu", 0.2, g_fermi=2 * constants.G_FERMI, decay_constant=0.1, ckm=0.5
    )
    assert w2 == approx(
        w1 * 4 * (0.1 / constants.F_K) ** 2 * (0.5 / constants.CKM_VUS) ** 2, rel=1e-12
    )
    # Br of K+ -> mu+ nu from first principles, no radiative corrections: 0.623 (measured 0.6356)
    br0 = br_meson_to_lepton_hnl("K+", "mu", 0.0, form="first-principles")
    assert br0 == approx(0.6356, rel=0.03)


def test_kaon_to_electron_hnl_is_helicity_unsuppressed():
    # rho_N for K -> e N grows by ~ m_N^2/m_e^2 above the SM helicity suppression
    br = br_meson_to_lepton_hnl("K+", "e", np.array([0.0, 0.1, 0.3]))
    assert br[0] == approx(1.582e-5, rel=1e-12)
    assert br[1] / br[0] > 1e4
    y = (0.1 / constants.M_K_CHARGED) ** 2
    x = (constants.M_ELECTRON / constants.M_K_CHARGED) ** 2
    rho = (x + y - (x - y) ** 2) * math.sqrt((1 - x - y) ** 2 - 4 * x * y) / (x * (1 - x) ** 2)
    assert br[1] == approx(1.582e-5 * rho, rel=1e-12)


def test_closed_channel_gives_zero_for_scalars_and_arrays():
    edge = constants.M_K_CHARGED - constants.M_MUON
    assert br_meson_to_lepton_hnl("K+", "mu", edge) == 0.0
    assert br_meson_to_lepton_hnl("K+", "mu", 0.45, form="first-principles") == 0.0
    out = br_meson_to_lepton_hnl("K+", "mu", np.array([0.2, 0.39, 0.5]))
    assert out[0] > 0 and out[1] == 0.0 and out[2] == 0.0
    assert width_meson_to_lepton_hnl("pi+", "mu", np.array([0.01, 0.04])).tolist()[1] == 0.0
    assert np.isfinite(out).all()


def test_momentum_and_energy_at_rest():
    for meson, lepton in (("K+", "mu"), ("pi+", "e"), ("D(s)+", "tau")):
        mes = MESONS[meson]
        ml = constants.LEPTON_MASS[lepton]
        m = np.linspace(0.0, 0.98 * (mes.mass - ml), 7)
        e = hnl_energy_at_rest(meson, lepton, m)
        p = hnl_momentum_at_rest(meson, lepton, m)
        np.testing.assert_allclose(e**2 - p**2, m**2, atol=1e-12)
        # energy conservation with the lepton recoiling at the same momentum
        np.testing.assert_allclose(e + np.sqrt(p**2 + ml**2), mes.mass, rtol=1e-13)


def _helicity_amplitude_polarization(m_meson, m_l, m_n):
    """Independent route: helicity amplitudes of M+ -> l+ N from u_N-bar (m_N P_L - m_l P_R) v_l,
    A_+ = m_N sqrt((E_N + p)(E_l + p)) + m_l sqrt((E_N - p)(E_l - p)), A_- with (+p <-> -p)."""
    p = math.sqrt((m_meson**2 - (m_l + m_n) ** 2) * (m_meson**2 - (m_l - m_n) ** 2)) / (2 * m_meson)
    e_n, e_l = math.hypot(p, m_n), math.hypot(p, m_l)
    a_plus = m_n * math.sqrt((e_n + p) * (e_l + p)) + m_l * math.sqrt((e_n - p) * (e_l - p))
    a_minus = m_n * math.sqrt((e_n - p) * (e_l - p)) + m_l * math.sqrt((e_n + p) * (e_l + p))
    return (a_plus**2 - a_minus**2) / (a_plus**2 + a_minus**2)


@pytest.mark.parametrize(
    ("meson", "lepton"), [("K+", "mu"), ("K+", "e"), ("pi+", "e"), ("D(s)+", "tau")]
)
def test_polarization_matches_helicity_amplitudes(meson, lepton):
    mes = MESONS[meson]
    ml = constants.LEPTON_MASS[lepton]
    for m in np.linspace(1e-3, 0.99 * (mes.mass - ml), 9):
        expected = _helicity_amplitude_polarization(mes.mass, ml, m)
        assert hnl_polarization(meson, lepton, m) == approx(expected, abs=1e-12)


def test_polarization_limits():
    assert hnl_polarization("K+", "mu", 0.0) == approx(-1.0, abs=1e-15)
    assert hnl_polarization("K+", "mu", 1e-6) == approx(-1.0, abs=1e-9)
    assert hnl_polarization("K+", "mu", 0.0, charge=-1) == approx(1.0, abs=1e-15)
    # the helicity changes sign where m_N = m_l (equal masses: no preferred helicity)
    assert hnl_polarization("K+", "mu", constants.M_MUON) == approx(0.0, abs=1e-12)
    p = hnl_polarization("pi+", "e", np.linspace(0.0, 0.13, 50))
    assert np.all(np.abs(p) <= 1.0)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: br_meson_to_lepton_hnl("B+", "mu", 0.1), "meson"),
        (lambda: br_meson_to_lepton_hnl("K+", "muon", 0.1), "lepton"),
        (lambda: br_meson_to_lepton_hnl("K+", "mu", -0.1), "m_N"),
        (lambda: br_meson_to_lepton_hnl("K+", "mu", float("nan")), "m_N"),
        (lambda: br_meson_to_lepton_hnl("K+", "mu", 0.1, U2=1.5), "U2"),
        (lambda: br_meson_to_lepton_hnl("K+", "mu", 0.1, U2=-1e-3), "U2"),
        (lambda: br_meson_to_lepton_hnl("K+", "mu", 0.1, form="exact"), "form"),
        (lambda: br_meson_to_lepton_hnl("K+", "tau", 0.1), "no measured"),
        (lambda: hnl_momentum_at_rest("K+", "mu", 0.39), "closed"),
        (lambda: hnl_polarization("K+", "mu", np.array([0.1, 0.45])), "closed"),
        (lambda: hnl_polarization("K+", "mu", 0.1, charge=2), "charge"),
    ],
)
def test_bad_input_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_aliases():
    assert br_meson_to_lepton_hnl("K", "mu", 0.2) == br_meson_to_lepton_hnl("K+", "mu", 0.2)
    assert br_meson_to_lepton_hnl("Ds+", "mu", 0.5) == br_meson_to_lepton_hnl("D(s)+", "mu", 0.5)
