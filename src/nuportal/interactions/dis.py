"""Deep-inelastic scattering: the Bodek-Yang effective leading-order model on GRV94 LO.

Structure functions (per nucleon, LO quark-parton model with the Bodek-Yang modifications):

* scaling variable xi_w = 2x (Q^2 + B) / (Q^2 [1 + sqrt(1 + 4 M^2 x^2 / Q^2)] + 2 A x)
  (target-mass and higher-twist effects) replaces x in the parton densities;
* K factors at low Q^2: K_sea = Q^2 / (Q^2 + C_s), K_val = [1 - G_D^2] (Q^2 + C_v2) / (Q^2 + C_v1),
  G_D = (1 + Q^2/0.71)^-2, separately for u and d;
* A = 0.538, B = 0.305, C_s^u = 0.363, C_s^d = 0.621, C_v1^u = 0.291, C_v2^u = 0.189,
  C_v1^d = 0.202, C_v2^d = 0.255 (A. Bodek, I. Park, U. K. Yang, Nucl. Phys. Proc. Suppl. 139
  (2005) 113, hep-ph/0411202; the GENIE defaults; see also A. Bodek, U. K. Yang,
  hep-ex/0308007 and arXiv:1011.6592);
* parton densities: GRV94 LO (:mod:`.grv94`; Bodek-Yang fitted GRV98 LO, whose grids cannot be
  installed here: the difference is absorbed by the DIS normalization knob, see docs);
* 2x F1 = F2 (1 + 4 M^2 x^2 / Q^2) / (1 + R) with R = 0; F4 = 0, 2x F5 = F2
  (Albright-Jarlskog relations) for the lepton-mass terms.

CC: F2^{nu p} = 2 xi (d + s + ubar + cbar), xF3^{nu p} = 2 xi (d + s - ubar - cbar) (Cabibbo
mixing summed to 1, charm-production threshold ignored); nubar: q <-> qbar; neutron by isospin.
NC: F2 = 2 xi sum_q (gL_q^2 + gR_q^2)(q + qbar), xF3 = 2 xi sum_q (gL_q^2 - gR_q^2)(q - qbar),
gL_u = 1/2 - 2/3 s_W^2, gR_u = -2/3 s_W^2, gL_d = -1/2 + 1/3 s_W^2, gR_d = 1/3 s_W^2.

Cross section (e.g. E. A. Paschos, J. Y. Yu, Phys. Rev. D 65 (2002) 033002, eq. 1, with the
W/Z propagator):
d2sigma/dx dy = G_F^2 M E / (pi (1 + Q^2/M_V^2)^2) [ (x y^2 + m^2 y / (2 E M)) F1
+ (1 - m^2/(4E^2) - (1 + M x/(2E)) y) F2 +- (x y (1 - y/2) - m^2 y/(4 E M)) F3
+ m^2 (m^2 + Q^2) / (4 E^2 M^2 x) F4 - m^2/(E M) F5 ], + for neutrinos.

Region: ``mode = "dis"`` for W >= W_CUT = 1.7 GeV; below it (W from M + m_pi to W_CUT) the same
structure functions, scaled per channel, give the non-resonant pion background
(``mode = "nonres_pion"``, see :func:`nonres_scale`), as GENIE does (C. Andreopoulos et al.,
Nucl. Instrum. Meth. A 614 (2010) 87, arXiv:0905.2517; GENIE manual arXiv:1510.05494, sec. on
the RES/DIS transition). The resonant model (:mod:`.resonant`) covers W < W_CUT only, so nothing
is counted twice.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal.constants import G_FERMI, SIN2_THETA_W, mass
from nuportal.interactions import _inelastic as ki
from nuportal.interactions.grv94 import grv94lo

__all__ = [
    "BY_PARAMETERS",
    "E_MAX",
    "W_CUT",
    "d2sigma_dw_dq2",
    "d2sigma_dxdy",
    "nonres_scale",
    "sigma_dis",
    "sigma_nonres",
    "structure_functions",
]

#: Boundary between the resonance region and DIS [GeV] (GENIE's default W_cut).
W_CUT: float = 1.7
#: Highest neutrino energy of the model [GeV] (GRV94 LO is fitted up to Q^2 = 1e6 GeV^2).
E_MAX: float = 500.0

#: Bodek-Yang parameters (hep-ph/0411202).
BY_PARAMETERS: dict[str, float] = {
    "A": 0.538, "B": 0.305, "CsU": 0.363, "CsD": 0.621,
    "Cv1U": 0.291, "Cv2U": 0.189, "Cv1D": 0.202, "Cv2D": 0.255,
}
_MW = mass("W+")
_MZ = mass("Z0")

#: Non-resonant pion scale factors for W < W_CUT, GENIE's defaults for the one-pion states
#: (R_{nu p} = R_{nubar n} = 0.1, R_{nu n} = R_{nubar p} = 0.3 for CC; NC 0.1 on protons and
#: 0.3 on neutrons). The NOvA 2018 tune multiplies them by 0.41 (knob ``nonres_pion_scale``).
_NONRES_R = {(True, True): 0.1, (True, False): 0.3, (False, True): 0.1, (False, False): 0.3}


def nonres_scale(nu_pdg: int, nucleon_pdg: int, cc: bool) -> float:
    """Default non-resonant pion scale R for W < W_CUT (dimensionless, GENIE's 1-pion values).

    "Isospin-3/2-like" channels (nu p, nubar n) get 0.1, the others 0.3 (for NC the neutrino's
    nucleon convention is used for both helicities).
    """
    proton = nucleon_pdg == 2212
    key = (True, proton == (nu_pdg > 0)) if cc else (False, proton)
    return _NONRES_R[key]


def _k_factors(Q2, p):
    gd2 = (1.0 + Q2 / 0.71) ** -4
    kvu = (1.0 - gd2) * (Q2 + p["Cv2U"]) / (Q2 + p["Cv1U"])
    kvd = (1.0 - gd2) * (Q2 + p["Cv2D"]) / (Q2 + p["Cv1D"])
    ksu = Q2 / (Q2 + p["CsU"])
    ksd = Q2 / (Q2 + p["CsD"])
    return kvu, kvd, ksu, ksd


def structure_functions(x: ArrayLike, Q2: ArrayLike, nu_pdg: int, nucleon_pdg: int,
                        cc: bool = True) -> tuple[NDArray, NDArray, NDArray]:
    """Bodek-Yang structure functions (F1, F2, xF3) per nucleon (dimensionless).

    Parameters
    ----------
    x, Q2 : array_like
        Bjorken x and Q^2 [GeV^2].
    nu_pdg : int
        Neutrino PDG code (sign selects neutrino/antineutrino).
    nucleon_pdg : int
        2212 or 2112.
    cc : bool
        Charged or neutral current.
    """
    x = np.asarray(x, float)
    Q2 = np.asarray(Q2, float)
    M = ki.M_NUCLEON
    p = BY_PARAMETERS
    xi = 2.0 * x * (Q2 + p["B"]) / (Q2 * (1.0 + np.sqrt(1.0 + 4.0 * M * M * x * x / Q2))
                                     + 2.0 * p["A"] * x)
    f = grv94lo(xi, Q2)
    kvu, kvd, ksu, ksd = _k_factors(Q2, p)
    # proton densities (x f), K-factor modified; valence quarks carry K_val, sea K_sea
    u_v, d_v = kvu * f["uv"], kvd * f["dv"]
    ub, db = ksu * f["ubar"], ksd * f["dbar"]
    sb, cb = ksd * f["s"], ksu * f["c"]
    if nucleon_pdg == 2112:  # isospin: u <-> d
        u_v, d_v = d_v, u_v
        ub, db = db, ub
    u, d = u_v + ub, d_v + db
    if cc:
        if nu_pdg > 0:  # W+ absorbed: d, s -> u, c; ubar, cbar -> dbar, sbar
            q, qb = d + sb, ub + cb
        else:
            q, qb = u + cb, db + sb
        F2 = 2.0 * (q + qb)
        xF3 = 2.0 * (q - qb)
    else:
        sw = SIN2_THETA_W
        glu, gru = 0.5 - 2.0 / 3.0 * sw, -2.0 / 3.0 * sw
        gld, grd = -0.5 + 1.0 / 3.0 * sw, 1.0 / 3.0 * sw
        F2 = 2.0 * ((glu**2 + gru**2) * (u + ub + 2 * cb)
                    + (gld**2 + grd**2) * (d + db + 2 * sb))
        xF3 = 2.0 * ((glu**2 - gru**2) * (u - ub) + (gld**2 - grd**2) * (d - db))
    # grv94lo returns xi q(xi): F2 = 2 sum xi q(xi) is the Bodek-Yang LO form
    F1 = F2 * (1.0 + 4.0 * M * M * x * x / Q2) / (2.0 * x)
    return F1, F2, xF3


def d2sigma_dxdy(E: ArrayLike, x: ArrayLike, y: ArrayLike, nu_pdg: int, nucleon_pdg: int,
                 cc: bool = True) -> NDArray[np.float64]:
    """d^2 sigma / dx dy [cm^2] per nucleon (Paschos-Yu form, module docstring).

    Parameters
    ----------
    E : array_like
        Neutrino energy in the nucleon rest frame [GeV].
    x, y : array_like
        Bjorken x and inelasticity y.
    nu_pdg, nucleon_pdg, cc
        Neutrino code, 2212/2112, charged or neutral current.
    """
    E, x, y = (np.asarray(a, float) for a in (E, x, y))
    M = ki.M_NUCLEON
    m = ki.lepton_mass(nu_pdg, cc)
    Q2 = 2.0 * M * E * x * y
    F1, F2, xF3 = structure_functions(x, Q2, nu_pdg, nucleon_pdg, cc)
    F3 = xF3 / x
    F5 = F2 / (2.0 * x)
    sign = 1.0 if nu_pdg > 0 else -1.0
    mv = _MW if cc else _MZ
    pref = G_FERMI**2 * M * E / (np.pi * (1.0 + Q2 / mv**2) ** 2)
    bracket = ((x * y * y + m * m * y / (2.0 * E * M)) * F1
               + (1.0 - m * m / (4.0 * E * E) - (1.0 + M * x / (2.0 * E)) * y) * F2
               + sign * (x * y * (1.0 - y / 2.0) - m * m * y / (4.0 * E * M)) * F3
               - m * m / (E * M) * F5)
    return np.clip(pref * bracket, 0.0, None) * ki.GEV2_TO_CM2


def d2sigma_dw_dq2(E: ArrayLike, W: ArrayLike, Q2: ArrayLike, nu_pdg: int, nucleon_pdg: int,
                   cc: bool = True) -> NDArray[np.float64]:
    """d^2 sigma / dW dQ^2 [cm^2 / GeV^3] per nucleon: d2sigma/dxdy x W / (2 M^2 nu E)."""
    E, W, Q2 = (np.asarray(a, float) for a in (E, W, Q2))
    M = ki.M_NUCLEON
    nu = (W * W - M * M + Q2) / (2.0 * M)
    x = Q2 / (2.0 * M * nu)
    y = nu / E
    ok = (x > 0) & (x < 1) & (y > 0) & (y < 1)
    val = d2sigma_dxdy(E, np.where(ok, x, 0.5), np.where(ok, y, 0.5), nu_pdg, nucleon_pdg, cc)
    return np.where(ok, val * W / (2.0 * M * M * nu * E), 0.0)


def _check_energy(E: ArrayLike) -> NDArray[np.float64]:
    E = np.atleast_1d(np.asarray(E, float))
    if np.any(~np.isfinite(E)) or np.any(E <= 0) or np.any(E > E_MAX):
        raise ValueError(f"E_nu must be in (0, {E_MAX}] GeV, got {E!r}")
    return E


def sigma_dis(E_nu: ArrayLike, nu_pdg: int, nucleon_pdg: int, cc: bool = True,
              w_cut: float = W_CUT) -> NDArray[np.float64]:
    """DIS cross section [cm^2] per nucleon for W >= ``w_cut`` [GeV], at E_nu [GeV]."""
    E = _check_energy(E_nu)
    m = ki.lepton_mass(nu_pdg, cc)
    return ki.integrate_w_q2(
        lambda e, w, q2: d2sigma_dw_dq2(e, w, q2, nu_pdg, nucleon_pdg, cc),
        E, w_cut, np.inf, m, ki.M_NUCLEON, n_w=64, n_q=64)


def sigma_nonres(E_nu: ArrayLike, nu_pdg: int, nucleon_pdg: int, cc: bool = True,
                 scale: float = 1.0, w_cut: float = W_CUT) -> NDArray[np.float64]:
    """Non-resonant pion cross section [cm^2] per nucleon, W < ``w_cut``.

    ``scale`` [dimensionless] multiplies GENIE's default per-channel factor
    (:func:`nonres_scale`); the NOvA 2018 tune uses 0.41.
    """
    E = _check_energy(E_nu)
    if not (np.isfinite(scale) and scale >= 0):
        raise ValueError(f"nonres_pion_scale must be finite and >= 0, got {scale!r}")
    m = ki.lepton_mass(nu_pdg, cc)
    r = nonres_scale(nu_pdg, nucleon_pdg, cc) * scale
    return r * ki.integrate_w_q2(
        lambda e, w, q2: d2sigma_dw_dq2(e, w, q2, nu_pdg, nucleon_pdg, cc),
        E, ki.M_NUCLEON + ki.M_PI, w_cut, m, ki.M_NUCLEON, n_w=32, n_q=48)
