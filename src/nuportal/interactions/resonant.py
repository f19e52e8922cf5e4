"""Resonant single-pion production through the Delta(1232): CC and NC, neutrinos and antineutrinos.

Model (an isobar Delta model, not Rein-Sehgal): nu N -> l Delta with the Llewellyn Smith
N -> Delta vertex and a Rarita-Schwinger Delta (:mod:`._delta_tensor`, the Dirac algebra done
numerically), the Delta decaying to N pi.

* Vector form factors (O. Lalakulich, E. A. Paschos, G. Piranishvili, Phys. Rev. D 74 (2006)
  014009, fit to electroproduction helicity amplitudes; M_V = 0.84 GeV, D_V = (1+Q^2/M_V^2)^-2):
  C3V = 2.13 D_V / (1 + Q^2/(4 M_V^2)), C4V = -1.51 D_V / (1 + Q^2/(4 M_V^2)),
  C5V = 0.48 D_V / (1 + Q^2/(0.776 M_V^2)).
* Axial (Adler model as used there): C5A = 1.2 (1+Q^2/M_A^2)^-2 / (1 + Q^2/(3 M_A^2)),
  C4A = -C5A/4, C3A = 0, C6A = C5A M^2 / (m_pi^2 + Q^2) (pion pole, PCAC).
  M_A = ``M_A_RES`` (default 1.05 GeV, the value of that paper; GENIE's Rein-Sehgal default is
  1.12 GeV, Andreopoulos et al. arXiv:1510.05494; the knob covers both).
* Breit-Wigner in W with the P-wave width
  Gamma(W) = Gamma_0 (M_Delta / W) (p_pi(W)/p_pi(M_Delta))^3, M_Delta = 1.232 GeV,
  Gamma_0 = 0.117 GeV (PDG): d2sigma/dW dQ^2 = dsigma/dQ^2 (Delta mass W)
  x (2W/pi) W Gamma(W) / ((W^2 - M_Delta^2)^2 + W^2 Gamma^2),
  dsigma/dQ^2 = G_F^2 |V_ud|^2 / 2 x (1/2) L_{mu nu} H^{mu nu} / (64 pi M^2 E^2) (NC: G_F^2).
* Isospin (Wigner-Eckart; form factors normalized to n -> Delta+): CC nu p -> Delta++ x3,
  nu n -> Delta+ x1, nubar n -> Delta- x3, nubar p -> Delta0 x1; NC p -> Delta+, n -> Delta0 x1
  with the vector form factors times (1 - 2 sin^2 theta_W) (isovector current).
  Decays: Delta++ -> p pi+, Delta+ -> p pi0 (2/3), n pi+ (1/3), Delta0 -> n pi0 (2/3),
  p pi- (1/3), Delta- -> n pi-; so nu p -> mu- p pi+ : nu n -> mu- p pi0 : nu n -> mu- n pi+
  = 9 : 2 : 1.
* W < W_CUT = 1.7 GeV (:data:`nuportal.interactions.dis.W_CUT`), W > M + m_pi; higher
  resonances are not included (their strength is in the non-resonant DIS extrapolation,
  :mod:`.dis`).

Left out: Fermi motion and Pauli blocking in the total cross sections (sigma per nucleus = Z
sigma_p + N sigma_n), the Rein-Sehgal pion angular distribution (the decay is isotropic in the
Delta rest frame), pion absorption and other final-state interactions, coherent pion production.
pi0 -> gamma gamma is decayed (pi0 stored with status 2, photons with status 1).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.interpolate import RegularGridInterpolator

from nuportal.constants import CKM_VUD, G_FERMI, SIN2_THETA_W
from nuportal.interactions import _delta_tensor as dt
from nuportal.interactions import _inelastic as ki
from nuportal.interactions.dis import W_CUT

__all__ = [
    "DELTA_GAMMA",
    "DELTA_MASS",
    "M_A_RES_DEFAULT",
    "axial_shape",
    "d2sigma_dw_dq2",
    "form_factors",
    "sigma_res",
    "tensor_components",
]

DELTA_MASS: float = 1.232
DELTA_GAMMA: float = 0.117
M_A_RES_DEFAULT: float = 1.05
_MV = 0.84
_W_LO = ki.M_NUCLEON + ki.M_PI
_Q2_GRID_MAX = 8.0


def form_factors(Q2: ArrayLike, M_A: float = M_A_RES_DEFAULT, nc: bool = False
                 ) -> dict[str, NDArray[np.float64]]:
    """N -> Delta form factors C3V..C6A at Q^2 [GeV^2] (module docstring), dimensionless.

    ``M_A`` [GeV] is the axial mass (``inf``: no Q^2 fall-off of the axial ones); ``nc``
    multiplies the vector ones by 1 - 2 sin^2 theta_W.
    """
    if not (M_A > 0):
        raise ValueError(f"M_A_RES must be finite and > 0 GeV, got {M_A!r}")
    Q2 = np.asarray(Q2, float)
    dv = (1.0 + Q2 / _MV**2) ** -2
    c5a = 1.2 * axial_shape(Q2, M_A)
    vs = 1.0 - 2.0 * SIN2_THETA_W if nc else 1.0
    return {
        "C3V": vs * 2.13 * dv / (1.0 + Q2 / (4.0 * _MV**2)),
        "C4V": vs * -1.51 * dv / (1.0 + Q2 / (4.0 * _MV**2)),
        "C5V": vs * 0.48 * dv / (1.0 + Q2 / (0.776 * _MV**2)),
        "C3A": np.zeros_like(Q2),
        "C4A": -0.25 * c5a,
        "C5A": c5a,
        "C6A": c5a * ki.M_NUCLEON**2 / (ki.M_PI**2 + Q2),
    }


def _u(Q2):
    return np.log1p(np.asarray(Q2, float) / 0.05)


def axial_shape(Q2: ArrayLike, M_A: float) -> NDArray[np.float64]:
    """g(Q^2) = C5A(Q^2)/C5A(0) [dimensionless]: every axial form factor is C_iA(Q^2; M_A = inf)
    x g, so the hadron tensor is H_VV + g H_VA + g^2 H_AA with M_A-independent pieces."""
    Q2 = np.asarray(Q2, float)
    return (1.0 + Q2 / M_A**2) ** -2 / (1.0 + Q2 / (3.0 * M_A**2))


@lru_cache(maxsize=4)
def _tensor_table(nc: bool) -> RegularGridInterpolator:
    """H_VV, H_VA, H_AA (q along z) on a (W, ln(1 + Q^2/0.05)) grid, linear interpolation;
    96 outputs: real and imaginary parts of the three 4x4 tensors."""
    w = np.linspace(_W_LO, W_CUT, 40)
    u = np.linspace(0.0, _u(_Q2_GRID_MAX), 56)
    ww, uu = np.meshgrid(w, u, indexing="ij")
    q2 = 0.05 * np.expm1(uu.ravel())
    ff = form_factors(q2, np.inf, nc)  # axial part with g = 1
    zero = np.zeros_like(q2)
    vec = {k: (v if k.endswith("V") else zero) for k, v in ff.items()}
    ax = {k: (v if k.endswith("A") else zero) for k, v in ff.items()}
    h_vv = dt.hadron_tensor(ww.ravel(), q2, vec, ki.M_NUCLEON)
    h_aa = dt.hadron_tensor(ww.ravel(), q2, ax, ki.M_NUCLEON)
    h_va = dt.hadron_tensor(ww.ravel(), q2, ff, ki.M_NUCLEON) - h_vv - h_aa
    parts = [x.reshape(-1, 16) for h in (h_vv, h_va, h_aa) for x in (h.real, h.imag)]
    return RegularGridInterpolator((w, u), np.concatenate(parts, axis=1).reshape(
        w.size, u.size, 96), bounds_error=False, fill_value=0.0)


def tensor_components(E: ArrayLike, W: ArrayLike, Q2: ArrayLike, nu_pdg: int, cc: bool = True
                      ) -> NDArray[np.float64]:
    """(T_VV, T_VA, T_AA) = L_{mu nu} H_XY^{mu nu} [GeV^4 units of the traces], shape (N, 3).

    The spin-summed |M|^2 / (couplings) at axial mass M_A is T_VV + g T_VA + g^2 T_AA with
    g = :func:`axial_shape` (Q^2, M_A). Points must be inside the kinematic range.
    """
    E, W, Q2 = (np.atleast_1d(np.asarray(a, float)) for a in (E, W, Q2))
    m = ki.lepton_mass(nu_pdg, cc)
    vals = _tensor_table(bool(not cc))(np.stack([W, _u(Q2)], axis=-1))
    k, kp = _lepton_frame(E, W, Q2, m)
    L = dt.lepton_tensor_fast(k, kp, nu_pdg < 0)
    out = np.empty((E.size, 3))
    for i in range(3):  # the three tensors
        H = (vals[:, 32 * i: 32 * i + 16] + 1j * vals[:, 32 * i + 16: 32 * i + 32]).reshape(
            -1, 4, 4)
        out[:, i] = dt.contract(L, H)
    return out


def _lepton_frame(E, W, Q2, m):
    """k and k' in the frame of the hadron tensor (nucleon at rest, q along +z)."""
    M = ki.M_NUCLEON
    nu = (W * W - M * M + Q2) / (2.0 * M)
    qv = np.sqrt(nu * nu + Q2)
    pl2 = np.clip((E - nu) ** 2 - m * m, 0.0, None)
    c = np.clip((E * E + qv * qv - pl2) / (2.0 * E * qv), -1.0, 1.0)
    s = np.sqrt(1.0 - c * c)
    z = np.zeros_like(E)
    k = np.stack([E, E * s, z, E * c], axis=-1)
    q = np.stack([nu, z, z, qv], axis=-1)
    return k, k - q


def _breit_wigner(W):
    M = ki.M_NUCLEON

    def p_pi(w):
        return np.sqrt(np.clip(ki.kallen(w * w, M * M, ki.M_PI**2), 0.0, None)) / (2.0 * w)

    gam = DELTA_GAMMA * (DELTA_MASS / W) * (p_pi(W) / p_pi(DELTA_MASS)) ** 3
    return 2.0 * W / np.pi * W * gam / ((W * W - DELTA_MASS**2) ** 2 + (W * gam) ** 2)


def isospin_factor(nu_pdg: int, nucleon_pdg: int, cc: bool) -> float:
    """Squared isospin factor of N -> Delta (3 for Delta++ / Delta-, else 1)."""
    if not cc:
        return 1.0
    return 3.0 if (nu_pdg > 0) == (nucleon_pdg == 2212) else 1.0


def d2sigma_dw_dq2(E: ArrayLike, W: ArrayLike, Q2: ArrayLike, nu_pdg: int, nucleon_pdg: int,
                   cc: bool = True, M_A: float = M_A_RES_DEFAULT) -> NDArray[np.float64]:
    """d^2 sigma / dW dQ^2 [cm^2 / GeV^3] of nu N -> l Delta per nucleon, E [GeV] in the
    nucleon rest frame, W [GeV], Q2 [GeV^2] (broadcast); zero outside the kinematic range."""
    E, W, Q2 = np.broadcast_arrays(*(np.asarray(a, float) for a in (E, W, Q2)))
    shape = E.shape
    E, W, Q2 = E.ravel(), W.ravel(), Q2.ravel()
    m = ki.lepton_mass(nu_pdg, cc)
    lo, hi = ki.q2_limits(E, W, m, ki.M_NUCLEON)
    ok = (W > _W_LO) & (W < W_CUT) & np.isfinite(lo) & (Q2 >= lo) & (Q2 <= hi)
    out = np.zeros(E.size)
    if np.any(ok):
        e, w, q2 = E[ok], W[ok], Q2[ok]
        t = tensor_components(e, w, q2, nu_pdg, cc)
        g = axial_shape(q2, M_A)
        T = t[:, 0] + g * t[:, 1] + g * g * t[:, 2]
        g2 = G_FERMI**2 * (CKM_VUD**2 if cc else 1.0)
        dsdq2 = g2 / 2.0 * 0.5 * T / (64.0 * np.pi * ki.M_NUCLEON**2 * e * e)
        out[ok] = (isospin_factor(nu_pdg, nucleon_pdg, cc) * dsdq2 * _breit_wigner(w)
                   * ki.GEV2_TO_CM2)
    return np.clip(out, 0.0, None).reshape(shape)


def sigma_res(E_nu: ArrayLike, nu_pdg: int, nucleon_pdg: int, cc: bool = True,
              M_A: float = M_A_RES_DEFAULT) -> NDArray[np.float64]:
    """Delta production cross section [cm^2] per nucleon at E_nu [GeV] (W < W_CUT)."""
    from nuportal.interactions.dis import _check_energy

    E = _check_energy(E_nu)
    m = ki.lepton_mass(nu_pdg, cc)
    return ki.integrate_w_q2(
        lambda e, w, q2: d2sigma_dw_dq2(e, w, q2, nu_pdg, nucleon_pdg, cc, M_A),
        E, _W_LO, W_CUT, m, ki.M_NUCLEON, n_w=48, n_q=40)


from nuportal.interactions import _sampler as _sampler  # noqa: E402  (registers)
