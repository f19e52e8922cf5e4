"""chi e -> chi e: the closed forms against check values computed for this package and
against |M|^2 contracted numerically from the two currents' tensors (an independent route)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad

from nuportal import constants
from nuportal.models.dark_matter_scattering import (
    chi_electron_dsigma_dT,
    chi_electron_max_recoil,
    chi_electron_sigma,
    electron_recoil_cos_angle,
)

ME = constants.M_ELECTRON
# benchmark: m_chi = 30 MeV, m_A' = 90 MeV, eps^2 alpha_D = 2.236e-8 (alpha_D eps^4 = 1e-15 with
# alpha_D = 0.5); the check values are quoted for this eps^2 alpha_D
ALPHA_D = 0.5
EPS = math.sqrt(2.236e-8 / ALPHA_D)
MCHI, MA = 0.030, 0.090


@pytest.mark.parametrize(
    ("E", "spin", "T_min", "expected"),
    [
        (1.0, "scalar", 0.0, 3.169e-36),
        (1.0, "dirac", 0.0, 3.450e-36),
        (1.0, "scalar", 0.1, 2.054e-36),
        (2.0, "scalar", 0.0, 7.744e-36),
        (2.0, "dirac", 0.0, 8.830e-36),
        (2.0, "scalar", 0.5, 2.926e-36),
        (10.0, "scalar", 0.0, 3.313e-35),
    ],
)
def test_note_check_numbers(E, spin, T_min, expected):
    s = chi_electron_sigma(E, MCHI, MA, EPS, ALPHA_D, spin, T_min=T_min)
    assert s == pytest.approx(expected, rel=2e-3)  # the check values have 4 digits


def test_max_recoil_note():
    assert chi_electron_max_recoil(1.0, MCHI) == pytest.approx(0.531, abs=5e-4)
    assert chi_electron_max_recoil(2.0, MCHI) == pytest.approx(1.388, abs=5e-4)


def test_asymptotic_high_energy_limit():
    # sigma -> 4 pi alpha alpha_D eps^2 / M^2 for E >> M^2 / 2 m_e (check value 9.857e-35 cm^2)
    s = chi_electron_sigma(1e5, MCHI, MA, EPS, ALPHA_D, "scalar")
    assert s == pytest.approx(9.857e-35, rel=2e-3)


@pytest.mark.parametrize("spin", ["scalar", "dirac"])
def test_closed_form_equals_quadrature(spin):
    for E in (0.3, 1.0, 5.0):
        tmax = float(chi_electron_max_recoil(E, MCHI))
        num, _ = quad(
            lambda t, E=E: float(chi_electron_dsigma_dT(E, t, MCHI, MA, EPS, ALPHA_D, spin)),
            0.0, tmax, points=[1e-4, 1e-3, 1e-2], limit=200,
        )
        assert chi_electron_sigma(E, MCHI, MA, EPS, ALPHA_D, spin) == pytest.approx(num, rel=1e-6)


def _metric_dot(a, b):
    return a[..., 0] * b[..., 0] - np.sum(a[..., 1:] * b[..., 1:], axis=-1)


def _matrix_element_squared(p, k, pp, kp, spin):
    """Spin-averaged |M|^2 / (eps e g_D)^2 from the currents' tensors, contracted numerically.

    Electron tensor (1/2) Tr[(k'+m)g^mu(k+m)g^nu]
    = 2 [k'^mu k^nu + k^mu k'^nu - g^{mu nu}(k.k' - m^2)];
    chi: scalar current (p + p')^mu (p + p')^nu, Dirac 2 [p'^mu p^nu + p^mu p'^nu - g(p.p' - m^2)].
    """
    g = np.diag([1.0, -1.0, -1.0, -1.0])

    def fermion_tensor(a, b, m):
        return 2 * (np.outer(a, b) + np.outer(b, a) - g * (_metric_dot(a, b) - m**2))

    L_e = fermion_tensor(kp, k, ME)
    if spin == "scalar":
        s = p + pp
        L_chi = np.outer(s, s)
    else:
        L_chi = fermion_tensor(pp, p, MCHI)
    # contract with lowered indices: L_e^{mu nu} g_{mu a} g_{nu b} L_chi^{ab}
    return float(np.einsum("mn,ma,nb,ab->", L_e, g, g, L_chi))


@pytest.mark.parametrize("spin", ["scalar", "dirac"])
@settings(max_examples=40, deadline=None)
@given(E=st.floats(0.05, 50.0), frac=st.floats(0.01, 0.99), phi=st.floats(0, 2 * math.pi))
def test_dsigma_dT_from_tensor_contraction(spin, E, frac, phi):
    if E <= MCHI * 1.01:
        return
    T = frac * float(chi_electron_max_recoil(E, MCHI))
    pz = math.sqrt(E**2 - MCHI**2)
    p = np.array([E, 0.0, 0.0, pz])
    k = np.array([ME, 0.0, 0.0, 0.0])
    # recoil electron from the exact kinematics, chi' from momentum conservation
    Ee = T + ME
    pe = math.sqrt(Ee**2 - ME**2)
    c = float(electron_recoil_cos_angle(E, T, MCHI))
    s = math.sqrt(max(0.0, 1 - c * c))
    kp = np.array([Ee, pe * s * math.cos(phi), pe * s * math.sin(phi), pe * c])
    pp = p + k - kp
    # the outgoing chi is on shell: checks the angle formula
    assert _metric_dot(pp, pp) == pytest.approx(MCHI**2, abs=1e-9 * E**2)
    q = k - kp
    t = _metric_dot(q, q)
    msq = _matrix_element_squared(p, k, pp, kp, spin)
    coupling2 = (EPS**2 * 4 * math.pi * constants.ALPHA_EM) * (4 * math.pi * ALPHA_D)
    msq *= coupling2 / (t - MA**2) ** 2
    # dsigma/dT = |M|^2 / (32 pi m_e p^2) for a target at rest (dt = -2 m_e dT)
    expected = msq / (32 * math.pi * ME * (E**2 - MCHI**2)) * constants.GEV2_TO_CM2
    got = float(chi_electron_dsigma_dT(E, T, MCHI, MA, EPS, ALPHA_D, spin))
    assert got == pytest.approx(expected, rel=1e-7)


def test_e_theta2_below_2me():
    # the kinematic identity E_e theta_e^2 ~ 2 m_e (1 - T/E) < 2 m_e; chi (30 MeV), E = 2, T = 0.5:
    # theta_e = 36.1 mrad, E_e theta^2 = 0.654 MeV
    c = float(electron_recoil_cos_angle(2.0, 0.5, MCHI))
    theta = math.acos(c)
    assert theta == pytest.approx(36.1e-3, abs=1e-4)
    assert (0.5 + ME) * theta**2 == pytest.approx(0.654e-3, abs=2e-6)


def test_scaling_and_zero_outside():
    s1 = chi_electron_sigma(2.0, MCHI, MA, EPS, ALPHA_D)
    s2 = chi_electron_sigma(2.0, MCHI, MA, 2 * EPS, 3 * ALPHA_D)
    assert s2 == pytest.approx(12 * s1, rel=1e-12)
    assert chi_electron_sigma(MCHI * 0.9, MCHI, MA, EPS, ALPHA_D) == 0.0
    assert chi_electron_dsigma_dT(1.0, 0.6, MCHI, MA, EPS, ALPHA_D) == 0.0  # T > T_max


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"m_chi": -0.01}, "m_chi must be finite and > 0"),
        ({"epsilon": float("nan")}, "epsilon must be finite"),
        ({"alpha_D": -1.0}, "alpha_D must be finite"),
        ({"spin": "majorana"}, "spin must be"),
    ],
)
def test_bad_input(kwargs, message):
    args = {"m_chi": MCHI, "m_dark_photon": MA, "epsilon": EPS, "alpha_D": ALPHA_D}
    args["spin"] = "scalar"
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        chi_electron_sigma(1.0, **args)
