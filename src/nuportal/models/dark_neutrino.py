"""Dark neutrino N (= nu_4) of the three-portal model: couplings, widths, lifetime.

The heavy neutral lepton N mixes with the active neutrinos (U_alpha4) and with a dark neutrino
nu_D charged under a dark U(1)' (U_D4); the dark gauge boson Z' (mass m_Z', gauge coupling g_D)
kinetically mixes with hypercharge (chi, eps = c_W chi), and N may have a transition magnetic
moment to the light neutrinos. This module builds all vertex couplings
(:class:`DarkNeutrinoCouplings`) and the N widths (:class:`DarkNeutrinoModel`); the formulas of
the individual widths live in :mod:`nuportal.models.dark_neutrino_decays`.

Units: GeV for masses, widths and energies, GeV^-1 for dipole couplings, seconds, metres.

Lagrangian and couplings ([DN], [BJMZ]; DarkNews code ``model.py::ThreePortalModel``)::

    L = -(1/4) X_mn X^mn - (sin chi / 2) X_mn B^mn + (1/2) m_X^2 X^2
        + g_D X_m (nubar_D gamma^m P_L nu_D)
        + d_alpha (Nbar sigma^mn P_L nu_alpha) F_mn + h.c.

After diagonalising the neutral gauge bosons (angle beta, tan 2 beta = s_W sin 2chi /
(cos^2 chi - s_W^2 sin^2 chi - m_Z'^2/m_Z^2), no mass mixing) the vertices are::

    L = Z'_m [ V_alphaN nubar_alpha gamma^m P_L N + V_NN Nbar gamma^m P_L N + h.c. ]
      + Z_m  [ C_alphaN nubar_alpha gamma^m P_L N + h.c. ]
      + Z'_m fbar gamma^m (d_fV - d_fA gamma5) f + Z_m fbar gamma^m (c_fV - c_fA gamma5) f

with, exactly as in DarkNews (abbreviations w = g/(2 c_W), t = tan chi, s = sin beta,
c = cos beta)::

    V_alphaN = -(g_D |U_D4|^2 + w (c t s_W - s)) U_alpha4
    V_NN     =   g_D |U_D4|^2 + w (c t s_W - s) sum_alpha |U_alpha4|^2
    C_alphaN = -(w (c + t s_W s) + g_D s |U_D4|^2) U_alpha4
    d_pV = w (3/2 c t s_W + s (1/2 - 2 s_W^2)),   d_nV = (w/2)(c t s_W - s)
    d_eA = (w/2)(s - c t s_W)
    c_pV = w (c (1/2 - 2 s_W^2) - 3/2 s t s_W),   c_nV = -(w/2)(c + s t s_W)
    c_eV = -c_pV,   c_eA = -(w/2)(c + s t s_W)
    d_alpha = mu_tr^(alpha 4) / 2   [GeV^-1]

At leading order d_pV = eps e, d_nV = 0 and the Z' axial couplings vanish (they are of order
chi m_Z'^2/m_Z^2). Note: C_alphaN differs from -(g/2c_W) U_alpha4 at *first* order in chi, by
-g_D s_beta |U_D4|^2 U_alpha4 (0.14 % at the DarkNews default point), not only at O(chi^2).

Conventions (``convention=``)
-----------------------------
``"darknews"`` (default, so that comparisons with the reference generator DarkNews are like
for like): the DarkNews electroweak inputs of :data:`DARKNEWS_ELECTROWEAK` (alpha =
1/137.03599908421, G_F = 1.16637876e-5 GeV^-2, m_W = 80.37912, m_Z = 91.187621 GeV,
on-shell s_W^2 = 0.22343, g = sqrt(8 G_F m_W^2/sqrt 2), DarkNews ``const.py``) and the exact
DarkNews coupling forms above. The Z' couplings to charged fermions are then built from
e_eff = g s_W = 1.019 e0, so they are 1.9 % larger than eps e0 (cross sections 3.9 %).
DarkNews gives the electron the Z' vector coupling +d_pV (same sign as the proton); this is
reproduced here. It is *not* the sign the Lagrangian implies (the Z' couples to the
electromagnetic current, so d_eV = -d_pV at leading order); the sign only matters for the Z-Z'
interference in N -> nu e+ e- (about 1 % of that width at the DarkNews default point, with the
opposite sign to the physical one).

``"physical"``: package constants (:data:`PHYSICAL_ELECTROWEAK`: CODATA alpha and G_F,
PDG m_W, m_Z, MS-bar s_W^2 = 0.23129 of :mod:`nuportal.constants`), the same exact mixing
forms, Z vertex normalisation w = g/(2 c_W) = (sqrt 2 G_F)^(1/2) m_Z and W vertex
g = (4 sqrt 2 G_F)^(1/2) m_W (both fixed by G_F, the low-energy normalisation), and the Z'
vector couplings to the proton and the electron rescaled by e0/(g s_W), e0 = sqrt(4 pi alpha),
i.e. d_pV = eps e0 and d_eV = -eps e0 at leading order (the electromagnetic current at
Q^2 = 0, with the electron sign of the Lagrangian).

Majorana N
----------
Every width of N into nu + X is doubled (N -> nubar + conjugate X opens with the same width:
for a Majorana N the term V nubar gamma^m P_L N + h.c. also reads -V* nubar^c gamma^m P_R N),
the two-body angular distributions become isotropic (the two charge-conjugate channels have
opposite asymmetries, by CP), and Z' -> N N changes (a pure axial Majorana vertex, see
:func:`~nuportal.models.dark_neutrino_decays.width_zprime_to_n_n`). Same rule as for the SM HNL
of :mod:`nuportal.models.hnl` ([BBGR] sec. 3) and as in DarkNews ``decay_rates.py``.

References
----------
* [DER] derived for this package: the couplings re-derived from the Lagrangian and checked
  against the DarkNews code; widths in :mod:`nuportal.models.dark_neutrino_decays`; the check
  values in the tests were computed for this package.
* [DN] A. Abdullahi, M. Hostert, D. Massaro, S. Pascoli, "DarkNews: a Python-based event
  generator for heavy neutral lepton production in neutrino-nucleus scattering",
  arXiv:2207.04137 (code: github.com/mhostert/DarkNews-generator).
* [BJMZ] E. Bertuzzo, S. Jana, P. A. N. Machado, R. Zukanovich Funchal, PRL 121 (2018) 241801,
  arXiv:1807.09877 (three-portal model, MiniBooNE benchmark point).
* [BBGR] K. Bondarenko et al., arXiv:1805.08567 (SM HNL widths, Dirac vs Majorana).
* [BPR] P. Ballett, S. Pascoli, M. Ross-Lonergan, arXiv:1808.02915 (3+2 model, heavy Z').

A second HNL N5 (3+2 model, e.g. the [BPR]-type heavy-Z' point of the DarkNews
Example_1 notebook) is optional: see
:class:`DarkNeutrinoModel`, "Two HNLs".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from nuportal import constants
from nuportal.models import dark_neutrino_decays as _dec
from nuportal.models.decaying import DecayingParticle
from nuportal.models.hnl import width_3nu_dirac

__all__ = [
    "CONVENTIONS",
    "DARKNEWS_ELECTROWEAK",
    "FLAVOURS",
    "PHYSICAL_ELECTROWEAK",
    "DarkNeutrinoCouplings",
    "DarkNeutrinoModel",
    "ElectroweakInputs",
    "HNLView",
    "epsilon_from_alpha_epsilon2",
]

#: Active-neutrino flavours, the keys of the flavour-indexed couplings.
FLAVOURS: tuple[str, str, str] = ("e", "mu", "tau")
#: Allowed values of ``convention``.
CONVENTIONS: tuple[str, str] = ("darknews", "physical")


@dataclass(frozen=True)
class ElectroweakInputs:
    """Electroweak inputs of one coupling convention (see the module docstring).

    Attributes
    ----------
    alpha : float
        Fine-structure constant at Q^2 = 0 (photon vertex e0 = sqrt(4 pi alpha)).
    g_fermi : float
        Fermi constant [GeV^-2].
    m_w, m_z : float
        W and Z masses [GeV] (propagators).
    sin2_theta_w : float
        s_W^2 used in the couplings and in the Z-Z' mixing angle.
    z_vertex : float
        w = g/(2 c_W), the Z-neutrino vertex normalisation.
    g_weak : float
        SU(2) coupling g of the W vertex (g/sqrt 2) nubar gamma P_L l.
    """

    alpha: float
    g_fermi: float
    m_w: float
    m_z: float
    sin2_theta_w: float
    z_vertex: float
    g_weak: float

    @property
    def e0(self) -> float:
        """e0 = sqrt(4 pi alpha)."""
        return math.sqrt(4.0 * math.pi * self.alpha)

    @property
    def e_eff(self) -> float:
        """e_eff = g_Z s_W c_W 2 = (2 w c_W) s_W: the charge the exact mixing forms produce."""
        return 2.0 * self.z_vertex * math.sqrt(self.sin2_theta_w * (1.0 - self.sin2_theta_w))


def _darknews_inputs() -> ElectroweakInputs:
    # DarkNews const.py [DN]: g from G_F and m_W, on-shell s_W^2.
    g_f, m_w, s2w = 1.16637876e-5, 80.37912, 0.22343
    g = math.sqrt(8.0 * g_f * m_w**2 / math.sqrt(2.0))
    return ElectroweakInputs(
        alpha=1.0 / 137.03599908421,
        g_fermi=g_f,
        m_w=m_w,
        m_z=91.187621,
        sin2_theta_w=s2w,
        z_vertex=g / (2.0 * math.sqrt(1.0 - s2w)),
        g_weak=g,
    )


def _physical_inputs() -> ElectroweakInputs:
    g_f = constants.G_FERMI
    m_w, m_z = constants.mass("W+"), constants.mass("Z0")
    root = math.sqrt(math.sqrt(2.0) * g_f)
    return ElectroweakInputs(
        alpha=constants.ALPHA_EM,
        g_fermi=g_f,
        m_w=m_w,
        m_z=m_z,
        sin2_theta_w=constants.SIN2_THETA_W,
        z_vertex=root * m_z,  # w^2/m_Z^2 = sqrt(2) G_F
        g_weak=2.0 * root * m_w,  # g^2/(8 m_W^2) = G_F/sqrt(2)
    )


#: Electroweak inputs of ``convention="darknews"`` (DarkNews ``const.py``, [DN]).
DARKNEWS_ELECTROWEAK: ElectroweakInputs = _darknews_inputs()
#: Electroweak inputs of ``convention="physical"`` (package constants).
PHYSICAL_ELECTROWEAK: ElectroweakInputs = _physical_inputs()
_INPUTS = {"darknews": DARKNEWS_ELECTROWEAK, "physical": PHYSICAL_ELECTROWEAK}


def _frozen(d: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType({k: float(v) for k, v in d.items()})


def _zeros() -> Mapping[str, float]:
    return _frozen(dict.fromkeys(FLAVOURS, 0.0))


@dataclass(frozen=True)
class DarkNeutrinoCouplings:
    """All vertex couplings (dimensionless unless stated), signed.

    Conventions of the Lagrangian: see the module docstring ([DN], [BJMZ]). Fermion currents
    are fbar gamma^m (g_V - g_A gamma5) f; the neutral-lepton currents are left-chiral,
    nubar_alpha gamma^m P_L N.

    Attributes
    ----------
    V_N : Mapping[str, float]
        Z' nu_alpha N coupling V_alphaN, keys "e", "mu", "tau".
    V_NN : float
        Z' N N coupling.
    C_N : Mapping[str, float]
        Z nu_alpha N coupling C_alphaN.
    zprime_proton : float
        Z' vector coupling to the proton (eps e, or eps e_eff in the DarkNews convention).
    zprime_neutron : float
        Z' vector coupling to the neutron (0 at leading order).
    zprime_electron_vector, zprime_electron_axial : float
        Z' vector and axial couplings to charged leptons (lepton universal).
    z_proton, z_neutron : float
        SM Z vector couplings c_pV, c_nV (weak charge Q_W = N - (1 - 4 s_W^2) Z).
    z_electron_vector, z_electron_axial : float
        SM Z couplings c_eV, c_eA to charged leptons.
    dipole : Mapping[str, float]
        Transition dipole d_alpha [GeV^-1], d = mu_tr/2 (DarkNews ``model.py``, [DN]).
    W_N : Mapping[str, float]
        W vertex (g/sqrt 2) U_alpha4 of l_alpha W N (charged current; used for the W exchange
        in N -> nu_alpha l_alpha+ l_alpha-). Default 0.
    g_weak : float
        SU(2) coupling g (W vertex g/sqrt 2 for l nu_l W). Default: DarkNews value.
    m_z, m_w : float
        Z and W masses [GeV] of the convention (propagators). Default: DarkNews values.
    e_photon : float
        Photon vertex e0 = sqrt(4 pi alpha) (dipole portal). Default: DarkNews value.
    """

    V_N: Mapping[str, float]
    V_NN: float
    C_N: Mapping[str, float]
    zprime_proton: float
    zprime_neutron: float
    zprime_electron_vector: float
    zprime_electron_axial: float
    z_proton: float
    z_neutron: float
    z_electron_vector: float
    z_electron_axial: float
    dipole: Mapping[str, float]
    W_N: Mapping[str, float] = field(default_factory=_zeros)
    g_weak: float = DARKNEWS_ELECTROWEAK.g_weak
    m_z: float = DARKNEWS_ELECTROWEAK.m_z
    m_w: float = DARKNEWS_ELECTROWEAK.m_w
    e_photon: float = DARKNEWS_ELECTROWEAK.e0

    def V_N_total_sq(self) -> float:
        """sum_alpha |V_alphaN|^2 (decays into any light neutrino) [DN]."""
        return float(sum(v * v for v in self.V_N.values()))

    def C_N_total_sq(self) -> float:
        """sum_alpha |C_alphaN|^2."""
        return float(sum(c * c for c in self.C_N.values()))

    def dipole_total_sq(self) -> float:
        """sum_alpha |d_alpha|^2 [GeV^-2] (N -> nu gamma into any light neutrino)."""
        return float(sum(d * d for d in self.dipole.values()))


def epsilon_from_alpha_epsilon2(alpha_epsilon2: float, convention: str = "darknews") -> float:
    """Kinetic mixing eps from the product alpha eps^2 (eps = c_W chi, [DN]).

    Parameters
    ----------
    alpha_epsilon2 : float
        alpha eps^2, finite and >= 0 (BJMZ point: 2e-10 -> eps = 1.655512e-4).
    convention : {"darknews", "physical"}
        Which alpha(0) to use (they differ by 7e-10 relative).

    Returns
    -------
    float
        eps = sqrt(alpha_epsilon2 / alpha).
    """
    v = _finite(alpha_epsilon2, "alpha_epsilon2")
    if v < 0.0:
        raise ValueError(f"alpha_epsilon2 must be finite and >= 0, got {alpha_epsilon2!r}")
    return math.sqrt(v / _inputs(convention).alpha)


# ------------------------------------------------------------------------ validation helpers
def _finite(value: object, name: str) -> float:
    if np.ndim(value) != 0:
        raise ValueError(f"{name} must be a scalar, got {value!r}")
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a finite real number, got {value!r}") from exc
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return v


def _positive(value: object, name: str, unit: str = "GeV") -> float:
    v = _finite(value, name)
    if v <= 0.0:
        raise ValueError(f"{name} must be finite and > 0 {unit}, got {value!r}")
    return v


def _non_negative(value: object, name: str) -> float:
    v = _finite(value, name)
    if v < 0.0:
        raise ValueError(f"{name} must be finite and >= 0, got {value!r}")
    return v


def _mixing(value: object, name: str) -> float:
    v = _finite(value, name)
    if abs(v) > 1.0:
        raise ValueError(f"{name} must be finite with |{name}| <= 1, got {value!r}")
    return v


def _inputs(convention: str) -> ElectroweakInputs:
    if convention not in _INPUTS:
        raise ValueError(f"convention must be one of {CONVENTIONS}, got {convention!r}")
    return _INPUTS[convention]


# ------------------------------------------------------------------------ couplings
def _mixing_factors(
    epsilon: float, mzprime: float, convention: str
) -> tuple[float, float, float, float, float]:
    """(w, s_W, tan chi, sin beta, cos beta) of the exact Z-Z' mixing ([DN] ``model.py``)."""
    ew = _inputs(convention)
    s2w = ew.sin2_theta_w
    s_w, c_w = math.sqrt(s2w), math.sqrt(1.0 - s2w)
    chi = epsilon / c_w
    t = math.tan(chi)
    # tan 2 beta = s_W sin 2chi / (cos^2 chi - s_W^2 sin^2 chi - m_Z'^2/m_Z^2)  ([DN] model.py).
    # beta from atan2 (DarkNews: sqrt(1 - cos^2 beta), which loses digits for small chi).
    num = s_w * math.sin(2.0 * chi)
    den = math.cos(chi) ** 2 - s2w * math.sin(chi) ** 2 - (mzprime / ew.m_z) ** 2
    beta = 0.5 * math.atan2(num, den)
    return ew.z_vertex, s_w, t, math.sin(beta), math.cos(beta)


def _heavy_pair_couplings(
    *,
    epsilon: float,
    mzprime: float,
    g_d: float,
    u_d4: float,
    u_a4: Mapping[str, float],
    u_d5: float,
    u_a5: Mapping[str, float],
    convention: str,
) -> tuple[float, float]:
    """(V_45, C_45): Z' and Z couplings of Nbar_4 gamma^m P_L N_5 (3+2 model).

    V_45 = g_D U_D4 U_D5 + w (c t s_W - s) sum_alpha U_alpha4 U_alpha5,
    C_45 = g_D s U_D4 U_D5 + w (c + t s_W s) sum_alpha U_alpha4 U_alpha5
    (abbreviations of the module docstring; DarkNews ``model.py`` d_ij, c_ij).
    """
    w, s_w, t, sb, cb = _mixing_factors(epsilon, mzprime, convention)
    a45 = sum(u_a4[a] * u_a5[a] for a in FLAVOURS)
    d45 = u_d4 * u_d5
    v45 = g_d * d45 + w * (cb * t * s_w - sb) * a45
    c45 = g_d * sb * d45 + w * (cb + t * s_w * sb) * a45
    return float(v45), float(c45)


def _build_couplings(
    *,
    epsilon: float,
    mzprime: float,
    g_d: float,
    u_d4: float,
    u_a4: Mapping[str, float],
    mu_tr: Mapping[str, float],
    convention: str,
    u_d_other: float = 0.0,
    u_a_other: Mapping[str, float] | None = None,
) -> DarkNeutrinoCouplings:
    """Couplings of the three-portal model [DN], exact DarkNews Z-Z' mixing (module docstring).

    ``u_d4``/``u_a4`` are the mixings of the HNL whose couplings are built; ``u_d_other`` and
    ``u_a_other`` those of the other HNL of the 3+2 model (omitted: 3+1, unchanged formulas).
    They add -g_D U_D4 U_alpha5 U_D5 to V_alpha4 and -g_D s_beta U_D4 U_alpha5 U_D5 to
    C_alpha4 (see :class:`DarkNeutrinoModel`, "Two HNLs").
    """
    ew = _inputs(convention)
    s2w = ew.sin2_theta_w
    w, s_w, t, sb, cb = _mixing_factors(epsilon, mzprime, convention)
    dark_corr = cb * t * s_w - sb  # O(chi m_Z'^2/m_Z^2)
    weak_corr = cb + t * s_w * sb  # 1 + O(chi^2)
    ud2 = u_d4 * u_d4
    a4 = sum(u * u for u in u_a4.values())

    v_n = {a: -(g_d * ud2 + w * dark_corr) * u for a, u in u_a4.items()}
    v_nn = g_d * ud2 + w * dark_corr * a4
    c_n = {a: -(w * weak_corr + g_d * sb * ud2) * u for a, u in u_a4.items()}
    if u_a_other is not None:
        # 3+2: nu_alpha-N_j through the light states, sum_{k light} U_alpha k U_Dk
        # = -sum_{i heavy} U_alpha i U_Di (unitarity); the i = j term is the one above.
        for a in v_n:
            cross = u_d4 * u_a_other[a] * u_d_other
            v_n[a] = v_n[a] - g_d * cross
            c_n[a] = c_n[a] - g_d * sb * cross

    d_pv = w * (1.5 * cb * s_w * t + sb * (0.5 - 2.0 * s2w))
    d_nv = 0.5 * w * dark_corr
    d_ea = 0.5 * w * (sb - cb * s_w * t)
    c_pv = w * (cb * (0.5 - 2.0 * s2w) - 1.5 * sb * s_w * t)
    c_nv = -0.5 * w * (cb + sb * s_w * t)
    c_ev = -c_pv
    c_ea = -0.5 * w * (cb + sb * s_w * t)
    if convention == "darknews":
        d_ev = d_pv  # DarkNews sign (see module docstring)
    else:
        scale = ew.e0 / ew.e_eff
        d_pv *= scale
        d_ev = -d_pv  # electromagnetic current: Q_e = -Q_p

    g = ew.g_weak
    return DarkNeutrinoCouplings(
        V_N=_frozen(v_n),
        V_NN=float(v_nn),
        C_N=_frozen(c_n),
        zprime_proton=float(d_pv),
        zprime_neutron=float(d_nv),
        zprime_electron_vector=float(d_ev),
        zprime_electron_axial=float(d_ea),
        z_proton=float(c_pv),
        z_neutron=float(c_nv),
        z_electron_vector=float(c_ev),
        z_electron_axial=float(c_ea),
        dipole=_frozen({a: 0.5 * m for a, m in mu_tr.items()}),
        W_N=_frozen({a: g / math.sqrt(2.0) * u for a, u in u_a4.items()}),
        g_weak=float(g),
        m_z=float(ew.m_z),
        m_w=float(ew.m_w),
        e_photon=float(ew.e0),
    )


# ------------------------------------------------------------------------ the model
class DarkNeutrinoModel(DecayingParticle):
    """The HNL N (= nu_4) of the three-portal model: couplings, Z' widths, N widths.

    Parameters
    ----------
    m4 : float
        N mass [GeV], finite and > 0 (scalar).
    mzprime : float
        Z' mass [GeV], 0 < m_Z' < m_Z (the exact Z-Z' mixing form assumes m_Z' below m_Z).
        Default 1.25 (DarkNews default).
    epsilon : float, keyword-only
        Kinetic mixing eps = c_W chi, 0 <= eps < 1 (use :func:`epsilon_from_alpha_epsilon2`
        for an alpha eps^2 input). Default 1e-3 (DarkNews default).
    Ue4, Umu4, Utau4 : float, keyword-only
        Active-heavy mixing U_alpha4 (signed, |U| <= 1). Default 0 (DarkNews defaults to
        Umu4 = 1e-3).
    gD : float, keyword-only
        Dark gauge coupling g_D >= 0; default 1 (DarkNews default). Give either gD or alphaD.
    UD4 : float, keyword-only
        Dark-heavy mixing U_D4, |U_D4| <= 1. Default 1.
    alphaD : float, keyword-only
        alpha_D = g_D^2/(4 pi) >= 0, alternative to gD.
    mu_tr_e4, mu_tr_mu4, mu_tr_tau4 : float, keyword-only
        Transition magnetic moments [GeV^-1] (DarkNews input; the dipole coupling is
        d_alpha = mu_tr/2, DarkNews ``model.py``). Signed, finite.
    dirac : bool, keyword-only
        True (default) for a Dirac N, False for Majorana (see the module docstring).
    convention : {"darknews", "physical"}, keyword-only
        Coupling convention, see the module docstring. Default "darknews", so that results
        are directly comparable with the reference generator DarkNews.
    m5 : float or None, keyword-only
        Mass of an optional second HNL N5 [GeV], m5 > m4 (3+2 model, Dirac only). Default
        None: the 3+1 model, exactly as without these arguments.
    Ue5, Umu5, Utau5, UD5 : float, keyword-only
        Mixings of N5 (|U| <= 1, U_D4^2 + U_D5^2 <= 1); default 0; need ``m5``.

    Two HNLs (3+2 model)
    --------------------
    With nu_D = sum_i U_Di nu_i and nu_alpha = sum_i U_alpha i nu_i (all mass states, real
    mixings), g_D X_m nubar_D gamma^m P_L nu_D contains g_D U_Di U_Dj Nbar_i gamma^m P_L N_j
    and, between the light states k and N_j, g_D U_Dk U_Dj. The low-energy nu_alpha couples to
    N_j through sum_{k light} U_alpha k U_Dk = -sum_{i = 4, 5} U_alpha i U_Di (orthogonality of
    the rows alpha and D of the unitary mixing matrix; leading order in the active mixings:
    the normalisation 1 - sum_i |U_alpha i|^2 of the flavour state is set to 1). With the
    abbreviations of the module docstring (DarkNews ``model.py`` d_aj, c_aj, d_ij, c_ij)::

        V_alpha j = -w (c t s_W - s) U_alpha j - g_D U_Dj (U_alpha4 U_D4 + U_alpha5 U_D5)
        C_alpha j = -w (c + t s_W s) U_alpha j - g_D s U_Dj (U_alpha4 U_D4 + U_alpha5 U_D5)
        V_ij = g_D U_Di U_Dj + w (c t s_W - s) sum_alpha U_alpha i U_alpha j
        C_45 = g_D s U_D4 U_D5 + w (c + t s_W s) sum_alpha U_alpha4 U_alpha5

    For U_D5 = U_alpha5 = 0 these are the 3+1 couplings, bit for bit. :attr:`couplings` holds
    the N4 couplings (V_N = V_alpha4, V_NN = V_44), :attr:`couplings5` those of N5
    (V_N = V_alpha5, V_NN = V_55, no dipole), :attr:`V_45`, :attr:`C_45` the N4-N5 couplings,
    :meth:`neutral_lepton_couplings` all of them. :meth:`hnl` (i = 4, 5) gives an
    :class:`HNLView` for upscattering into N_i and for its widths; the N5 widths are
    :meth:`n5_partial_widths`, :attr:`n5_total_width` (= ``hnl(5).partial_widths()``,
    ``hnl(5).total_width``). :meth:`partial_widths` etc. stay those of N4. In the 3+2 model
    :meth:`zprime_widths` also has the keys ``"nu N5"``, ``"N4 N5"`` (both charge states) and
    ``"N5 N5"``.

    Channels (keys of :meth:`partial_widths`, widths in GeV, summed over the light-neutrino
    flavours, Majorana factor 2 included; all keys always present, closed channels 0):

    ``"nu e e"``, ``"nu mu mu"``
        N -> nu l+ l- three-body: off-shell Z' + Z (+ W for the flavour alpha = l), amplitudes
        added (:func:`~nuportal.models.dark_neutrino_decays.width_n_to_nu_ll`). In the on-shell
        regime (m4 > m_Z') the Z' exchange is *not* included here (it is the resonant
        ``"nu Z'"`` channel, narrow-width approximation); these keys then hold the Z/W part
        only. Use :meth:`width_nu_ll` for the full Gamma(N -> nu l+ l-) in either regime.
    ``"nu Z'"``
        N -> nu Z' on shell (m4 > m_Z'), 0 otherwise ([DER]). The Z' then decays
        with :meth:`zprime_widths`.
    ``"nu gamma"``
        N -> nu gamma through the transition dipole ([DER]).
    ``"nu nu nu"``
        N -> nu nu nubar through the Z (invisible; sum_alpha |C_alphaN|^2/w^2 times
        G_F^2 m^5/(192 pi^3), [BBGR] eq. 3.5). The Z' contribution (through the O(chi m_Z'^2
        /m_Z^2) and O(g_D U^2) Z'-light-neutrino couplings) is neglected.

    Not included: SM hadronic channels of N (nu pi0, l pi, ... of
    :class:`~nuportal.models.hnl.HeavyNeutralLepton`), N -> nu l+ l- through the dipole
    (photon exchange), Z' -> hadrons and Z' -> nu nubar (so :meth:`zprime_widths` is complete
    only below 2 m_pi), widths in the Z' and Z propagators (as in DarkNews). Narrow-width
    approximation: very close to the threshold m4 = m_Z' (where the on-shell width, which
    vanishes like (1 - m_Z'^2/m4^2)^2, drops below the off-shell three-body width, e.g. for
    |m4 - m_Z'|/m4 < ~1e-4 at the DarkNews couplings) neither regime is accurate and the
    channel widths jump at m4 = m_Z'; a Z' width in the propagator would be needed there.
    """

    _zero_coupling_message = "branching ratios are undefined: N has no open decay channel"

    def __init__(
        self,
        m4: float,
        mzprime: float = 1.25,
        *,
        epsilon: float = 1e-3,
        Ue4: float = 0.0,
        Umu4: float = 0.0,
        Utau4: float = 0.0,
        gD: float | None = None,
        UD4: float = 1.0,
        alphaD: float | None = None,
        mu_tr_e4: float = 0.0,
        mu_tr_mu4: float = 0.0,
        mu_tr_tau4: float = 0.0,
        dirac: bool = True,
        convention: str = "darknews",
        m5: float | None = None,
        Ue5: float = 0.0,
        Umu5: float = 0.0,
        Utau5: float = 0.0,
        UD5: float = 0.0,
    ) -> None:
        ew = _inputs(convention)
        self._convention = convention
        self._m4 = _positive(m4, "m4")
        mzp = _positive(mzprime, "mzprime")
        if mzp >= ew.m_z:
            raise ValueError(f"mzprime must be in (0, m_Z = {ew.m_z} GeV), got {mzprime!r}")
        self._mzprime = mzp
        eps = _non_negative(epsilon, "epsilon")
        if eps >= 1.0:
            raise ValueError(f"epsilon must be finite and in [0, 1), got {epsilon!r}")
        self._epsilon = eps
        if gD is not None and alphaD is not None:
            raise ValueError("give either gD or alphaD, not both")
        if alphaD is not None:
            self._g_d = math.sqrt(4.0 * math.pi * _non_negative(alphaD, "alphaD"))
        else:
            self._g_d = _non_negative(1.0 if gD is None else gD, "gD")
        self._u_d4 = _mixing(UD4, "UD4")
        self._u_a4 = {
            "e": _mixing(Ue4, "Ue4"),
            "mu": _mixing(Umu4, "Umu4"),
            "tau": _mixing(Utau4, "Utau4"),
        }
        self._mu_tr = {
            "e": _finite(mu_tr_e4, "mu_tr_e4"),
            "mu": _finite(mu_tr_mu4, "mu_tr_mu4"),
            "tau": _finite(mu_tr_tau4, "mu_tr_tau4"),
        }
        if not isinstance(dirac, (bool, np.bool_)):
            raise ValueError(f"dirac must be True or False, got {dirac!r}")
        self._dirac = bool(dirac)
        self._init_n5(m5, Ue5, Umu5, Utau5, UD5)
        other = {} if self._m5 is None else {"u_d_other": self._u_d5, "u_a_other": self._u_a5}
        self._couplings = _build_couplings(
            epsilon=eps,
            mzprime=mzp,
            g_d=self._g_d,
            u_d4=self._u_d4,
            u_a4=self._u_a4,
            mu_tr=self._mu_tr,
            convention=convention,
            **other,
        )
        self._couplings5: DarkNeutrinoCouplings | None = None
        self._v45 = self._c45 = 0.0
        if self._m5 is not None:
            self._couplings5 = _build_couplings(
                epsilon=eps,
                mzprime=mzp,
                g_d=self._g_d,
                u_d4=self._u_d5,
                u_a4=self._u_a5,
                mu_tr=dict.fromkeys(FLAVOURS, 0.0),
                convention=convention,
                u_d_other=self._u_d4,
                u_a_other=self._u_a4,
            )
            self._v45, self._c45 = _heavy_pair_couplings(
                epsilon=eps,
                mzprime=mzp,
                g_d=self._g_d,
                u_d4=self._u_d4,
                u_a4=self._u_a4,
                u_d5=self._u_d5,
                u_a5=self._u_a5,
                convention=convention,
            )
        self._n5_widths: dict[str, NDArray[np.float64]] | None = None
        self._ew = ew
        self._mass = np.asarray(self._m4)
        self._widths = self._compute_widths()

    def _init_n5(self, m5: object, ue5: object, umu5: object, utau5: object, ud5: object) -> None:
        """Validate and store the optional second HNL N5 (3+2 model)."""
        self._m5: float | None = None
        self._u_d5 = 0.0
        self._u_a5 = dict.fromkeys(FLAVOURS, 0.0)
        if m5 is None:
            if any(
                _finite(v, n) != 0.0
                for v, n in ((ue5, "Ue5"), (umu5, "Umu5"), (utau5, "Utau5"), (ud5, "UD5"))
            ):
                raise ValueError("N5 mixings (Ue5, Umu5, Utau5, UD5) need m5")
            return
        if not self._dirac:
            raise NotImplementedError("the 3+2 model (m5) is implemented for Dirac HNLs only")
        m5v = _positive(m5, "m5")
        if m5v <= self._m4:
            raise ValueError(f"m5 must be > m4 = {self._m4!r} GeV, got {m5!r}")
        self._m5 = m5v
        self._u_d5 = _mixing(ud5, "UD5")
        self._u_a5 = {
            "e": _mixing(ue5, "Ue5"),
            "mu": _mixing(umu5, "Umu5"),
            "tau": _mixing(utau5, "Utau5"),
        }
        if self._u_d4**2 + self._u_d5**2 > 1.0 + 1e-12:
            raise ValueError("unitarity: UD4^2 + UD5^2 must be <= 1")

    # -------------------------------------------------------------- parameters
    def __repr__(self) -> str:
        extra = ""
        if self._m5 is not None:
            extra = (
                f", m5={self._m5!r}, Ue5={self._u_a5['e']!r}, Umu5={self._u_a5['mu']!r}, "
                f"Utau5={self._u_a5['tau']!r}, UD5={self._u_d5!r}"
            )
        return (
            f"DarkNeutrinoModel(m4={self.m4!r}, mzprime={self.mzprime!r}, "
            f"epsilon={self.epsilon!r}, Ue4={self._u_a4['e']!r}, Umu4={self._u_a4['mu']!r}, "
            f"Utau4={self._u_a4['tau']!r}, gD={self.gD!r}, UD4={self.UD4!r}, "
            f"mu_tr_e4={self._mu_tr['e']!r}, mu_tr_mu4={self._mu_tr['mu']!r}, "
            f"mu_tr_tau4={self._mu_tr['tau']!r}, dirac={self.dirac!r}, "
            f"convention={self.convention!r}{extra})"
        )

    # -------------------------------------------------------------- second HNL (3+2)
    @property
    def m5(self) -> float | None:
        """N5 mass [GeV], None in the 3+1 model."""
        return self._m5

    @property
    def UD5(self) -> float:
        """Dark-heavy mixing U_D5 (0 in the 3+1 model)."""
        return self._u_d5

    @property
    def U_a5(self) -> dict[str, float]:
        """{"e": U_e5, "mu": U_mu5, "tau": U_tau5} (a copy; zeros in the 3+1 model)."""
        return dict(self._u_a5)

    @property
    def n_hnls(self) -> int:
        """Number of heavy neutral leptons: 1 (3+1) or 2 (3+2)."""
        return 1 if self._m5 is None else 2

    def _require_n5(self) -> None:
        if self._m5 is None:
            raise ValueError("this model has no N5 (give m5 to build the 3+2 model)")

    @property
    def couplings5(self) -> DarkNeutrinoCouplings:
        """Couplings of N5 (V_N = V_alpha5, V_NN = V_55, C_N = C_alpha5, W_N of U_alpha5,
        no dipole; charged-fermion couplings as :attr:`couplings`). 3+2 model only."""
        self._require_n5()
        assert self._couplings5 is not None
        return self._couplings5

    @property
    def V_45(self) -> float:
        """Z' coupling of Nbar_4 gamma^m P_L N_5 (0 in the 3+1 model)."""
        return self._v45

    @property
    def C_45(self) -> float:
        """Z coupling of Nbar_4 gamma^m P_L N_5 (0 in the 3+1 model)."""
        return self._c45

    def neutral_lepton_couplings(self) -> dict[str, object]:
        """All Z'/Z neutral-lepton couplings by name: "V_a4", "V_a5", "C_a4", "C_a5" (dicts by
        flavour) and "V_44", "V_45", "V_55", "C_45" (floats); N5 entries 0 in the 3+1 model."""
        c4, c5 = self._couplings, self._couplings5
        zeros = dict.fromkeys(FLAVOURS, 0.0)
        return {
            "V_a4": dict(c4.V_N),
            "V_a5": dict(c5.V_N) if c5 is not None else zeros,
            "C_a4": dict(c4.C_N),
            "C_a5": dict(c5.C_N) if c5 is not None else dict(zeros),
            "V_44": c4.V_NN,
            "V_45": self._v45,
            "V_55": c5.V_NN if c5 is not None else 0.0,
            "C_45": self._c45,
        }

    def hnl(self, i: int) -> HNLView:
        """Light-weight view of N_i (i = 4 or 5) for upscattering and decays.

        The view has ``m4`` (= m_i, the name upscattering code expects), ``mass``, ``mzprime``,
        ``mz``, ``mw``, ``dirac``, ``convention``, ``index`` and ``couplings`` (V_N, C_N: the
        nu_alpha-N_i couplings; the same hadronic and charged-lepton couplings), and is a
        :class:`~nuportal.models.decaying.DecayingParticle`: ``partial_widths()``,
        ``total_width``, ``lifetime``, ... are those of N_i (for i = 4 the model's own).
        """
        if i == 4:
            return HNLView(self, 4, self._m4, self._couplings, self._widths)
        if i == 5:
            self._require_n5()
            assert self._m5 is not None and self._couplings5 is not None
            return HNLView(self, 5, self._m5, self._couplings5, self._n5_width_arrays())
        raise ValueError(f"i must be 4 or 5, got {i!r}")

    def n5_partial_widths(self) -> dict[str, float]:
        """Partial widths of N5 [GeV] (Dirac; 3+2 model only).

        Keys: ``"N4 e e"``, ``"N4 mu mu"`` (N5 -> N4 l+ l- through an off-shell Z' and the Z,
        massive N4; Z/Z'-exchange only, no W; Z part only when m5 > m4 + m_Z'),
        ``"N4 Z'"`` (on shell, m5 > m4 + m_Z'), ``"nu e e"``, ``"nu mu mu"``, ``"nu Z'"``,
        ``"nu nu nu"`` (as the N4 channels of the same names, with the N5 couplings). Not
        included: N5 -> N4 nu nubar (estimated, not computed: through the Z, C_45 ~ g_D
        s_beta U_D4 U_D5, ~1e-8 of N5 -> N4 e e, and through the Z'-light-neutrino coupling
        g_D (sum_i U_alpha i U_Di)^2, ~(4.7e-6/8.6e-4)^2/2 ~ 1.5e-5 of it at the BPR point),
        N5 -> N4 nu_alpha nu_beta from the W or light-state mixing, N5 -> nu gamma and
        N5 -> N4 gamma (no N5 dipole), hadronic channels. The Z-exchange part of "N4 e e" is
        kept (-1.3e-5 of it at the BPR point, through the interference).
        """
        return {k: float(v) for k, v in self._n5_width_arrays().items()}

    @property
    def n5_total_width(self) -> float:
        """Sum of :meth:`n5_partial_widths` [GeV]."""
        return float(sum(self.n5_partial_widths().values()))

    def _n5_width_arrays(self) -> dict[str, NDArray[np.float64]]:
        self._require_n5()
        if self._n5_widths is None:
            self._n5_widths = self._compute_n5_widths()
        return self._n5_widths

    def _compute_n5_widths(self) -> dict[str, NDArray[np.float64]]:
        c5 = self._couplings5
        m5, m4, mzp = self._m5, self._m4, self._mzprime
        assert c5 is not None and m5 is not None
        w: dict[str, float] = {}
        heavy_on = m5 > m4 + mzp
        for key, lep in (("N4 e e", "e"), ("N4 mu mu", "mu")):
            w[key] = _dec.width_ni_to_nj_ll(
                m5, m4, self._v45, self._c45, c5, mzp, lep, zprime=not heavy_on, z=True
            )
        w["N4 Z'"] = _dec.width_ni_to_nj_zprime(m5, m4, mzp, self._v45)
        for key, lep in (("nu e e", "e"), ("nu mu mu", "mu")):
            w[key] = float(
                _dec.width_n_to_nu_ll(m5, c5, mzp, lep, zprime=not m5 > mzp, z=True, w=True)
            )
        w["nu Z'"] = float(_dec.width_n_to_nu_zprime(m5, mzp, c5.V_N_total_sq()))
        z2 = c5.C_N_total_sq() / self._ew.z_vertex**2
        w["nu nu nu"] = z2 * float(width_3nu_dirac(m5, g_fermi=self._ew.g_fermi))
        return {k: np.asarray(v, dtype=float) for k, v in w.items()}

    @property
    def m4(self) -> float:
        """N mass [GeV]."""
        return self._m4

    @property
    def mass(self) -> float:
        """N mass [GeV] (alias of :attr:`m4`)."""
        return self._m4

    @property
    def mzprime(self) -> float:
        """Z' mass [GeV]."""
        return self._mzprime

    @property
    def dirac(self) -> bool:
        """True for a Dirac N, False for Majorana."""
        return self._dirac

    @property
    def convention(self) -> str:
        """Coupling convention, "darknews" or "physical"."""
        return self._convention

    @property
    def electroweak(self) -> ElectroweakInputs:
        """Electroweak inputs of the convention."""
        return self._ew

    @property
    def epsilon(self) -> float:
        """Kinetic mixing eps = c_W chi."""
        return self._epsilon

    @property
    def chi(self) -> float:
        """Kinetic mixing angle chi = eps / c_W (c_W of the convention)."""
        return self._epsilon / math.sqrt(1.0 - self._ew.sin2_theta_w)

    @property
    def alpha_epsilon2(self) -> float:
        """alpha eps^2 (alpha of the convention)."""
        return self._ew.alpha * self._epsilon**2

    @property
    def gD(self) -> float:
        """Dark gauge coupling g_D."""
        return self._g_d

    @property
    def alphaD(self) -> float:
        """alpha_D = g_D^2/(4 pi)."""
        return self._g_d**2 / (4.0 * math.pi)

    @property
    def UD4(self) -> float:
        """Dark-heavy mixing U_D4."""
        return self._u_d4

    @property
    def U_a4(self) -> dict[str, float]:
        """{"e": U_e4, "mu": U_mu4, "tau": U_tau4} (a copy)."""
        return dict(self._u_a4)

    @property
    def mu_tr(self) -> dict[str, float]:
        """Transition magnetic moments {"e": mu_tr_e4, ...} [GeV^-1] (a copy)."""
        return dict(self._mu_tr)

    @property
    def couplings(self) -> DarkNeutrinoCouplings:
        """All vertex couplings (:class:`DarkNeutrinoCouplings`)."""
        return self._couplings

    @property
    def mz(self) -> float:
        """Z mass of the convention [GeV] (Z propagator)."""
        return self._ew.m_z

    @property
    def mw(self) -> float:
        """W mass of the convention [GeV] (W propagator)."""
        return self._ew.m_w

    @property
    def on_shell(self) -> bool:
        """True if N -> nu Z' is open (m4 > m_Z'): the Z' is produced on shell."""
        return self._m4 > self._mzprime

    # -------------------------------------------------------------- Z' widths
    def zprime_widths(self) -> dict[str, float]:
        """Partial widths of the Z' [GeV] ([DER]).

        Keys: ``"e+ e-"``, ``"mu+ mu-"`` (vector + axial couplings), ``"nu N"`` (Z' -> nubar N
        + nu Nbar summed over flavours, open for m_Z' > m4) and ``"N N"`` (m_Z' > 2 m4).
        Z' -> hadrons (open above 2 m_pi) and Z' -> nu nubar are not included.
        """
        c = self._couplings
        mzp, m4 = self._mzprime, self._m4
        out = {}
        for key, lep in (("e+ e-", "e"), ("mu+ mu-", "mu")):
            out[key] = float(
                _dec.width_zprime_to_leptons(
                    mzp, c.zprime_electron_vector, c.zprime_electron_axial, lep
                )
            )
        out["nu N"] = float(_dec.width_zprime_to_nu_n(mzp, m4, c.V_N_total_sq(), dirac=self._dirac))
        out["N N"] = float(_dec.width_zprime_to_n_n(mzp, m4, c.V_NN, dirac=self._dirac))
        if self._m5 is not None:
            c5 = self._couplings5
            assert c5 is not None
            m5 = self._m5
            out["nu N5"] = float(_dec.width_zprime_to_nu_n(mzp, m5, c5.V_N_total_sq()))
            out["N4 N5"] = 2.0 * _dec.width_zprime_to_ni_nj(mzp, m4, m5, self._v45)
            out["N5 N5"] = float(_dec.width_zprime_to_n_n(mzp, m5, c5.V_NN))
        return out

    def zprime_total_width(self) -> float:
        """Sum of :meth:`zprime_widths` [GeV]."""
        return float(sum(self.zprime_widths().values()))

    # -------------------------------------------------------------- N widths
    def width_nu_ll(self, lepton: str = "e") -> float:
        """Full Gamma(N -> nu l+ l-) [GeV] in either regime, summed over light flavours.

        Off-shell regime (m4 <= m_Z'): the three-body width with Z' + Z (+ W) exchange
        (:func:`~nuportal.models.dark_neutrino_decays.width_n_to_nu_ll`). On-shell regime
        (m4 > m_Z'): narrow-width Gamma(N -> nu Z') Br(Z' -> l+ l-) plus the Z/W three-body
        part (narrow-width approximation); the Z'-Z interference is then neglected.
        """
        if lepton not in ("e", "mu"):
            raise ValueError(f"lepton must be 'e' or 'mu', got {lepton!r}")
        key = "nu e e" if lepton == "e" else "nu mu mu"
        width = float(self._widths[key])
        if self.on_shell:
            zw = self.zprime_widths()
            total = sum(zw.values())
            if total > 0.0:
                br = zw["e+ e-" if lepton == "e" else "mu+ mu-"] / total
                width += float(self._widths["nu Z'"]) * br
        return width

    def _compute_widths(self) -> dict[str, NDArray[np.float64]]:
        c = self._couplings
        m4, mzp, dirac = self._m4, self._mzprime, self._dirac
        w: dict[str, float] = {}
        for key, lep in (("nu e e", "e"), ("nu mu mu", "mu")):
            w[key] = float(
                _dec.width_n_to_nu_ll(
                    m4, c, mzp, lep, dirac=dirac, zprime=not self.on_shell, z=True, w=True
                )
            )
        w["nu Z'"] = float(_dec.width_n_to_nu_zprime(m4, mzp, c.V_N_total_sq(), dirac=dirac))
        w["nu gamma"] = float(_dec.width_n_to_nu_gamma(m4, c.dipole_total_sq(), dirac=dirac))
        factor = 1.0 if dirac else 2.0
        z2 = c.C_N_total_sq() / self._ew.z_vertex**2
        w["nu nu nu"] = factor * z2 * float(width_3nu_dirac(m4, g_fermi=self._ew.g_fermi))
        return {k: np.asarray(v, dtype=float) for k, v in w.items()}


class HNLView(DecayingParticle):
    """One HNL N_i of a :class:`DarkNeutrinoModel` (from :meth:`DarkNeutrinoModel.hnl`).

    Duck-types the model for :mod:`nuportal.models.upscattering` (``m4`` is the mass of N_i,
    ``couplings`` its nu_alpha-N_i couplings) and is a
    :class:`~nuportal.models.decaying.DecayingParticle` with the N_i widths.
    """

    _zero_coupling_message = "branching ratios are undefined: the HNL has no open channel"

    def __init__(
        self,
        model: DarkNeutrinoModel,
        index: int,
        mass: float,
        couplings: DarkNeutrinoCouplings,
        widths: dict[str, NDArray[np.float64]],
    ) -> None:
        self._model = model
        self._index = index
        self._m = float(mass)
        self._cpl = couplings
        self._mass = np.asarray(self._m)
        self._widths = widths

    def __repr__(self) -> str:
        return f"HNLView(N{self._index}, mass={self._m!r}, model={self._model!r})"

    @property
    def index(self) -> int:
        """4 or 5."""
        return self._index

    @property
    def m4(self) -> float:
        """Mass of N_i [GeV] (named m4 for the upscattering interface)."""
        return self._m

    @property
    def mass(self) -> float:
        """Mass of N_i [GeV]."""
        return self._m

    @property
    def couplings(self) -> DarkNeutrinoCouplings:
        """Couplings with V_N, C_N, W_N, V_NN of N_i."""
        return self._cpl

    @property
    def mzprime(self) -> float:
        """Z' mass [GeV]."""
        return self._model.mzprime

    @property
    def mz(self) -> float:
        """Z mass of the convention [GeV]."""
        return self._model.mz

    @property
    def mw(self) -> float:
        """W mass of the convention [GeV]."""
        return self._model.mw

    @property
    def dirac(self) -> bool:
        """True for Dirac HNLs."""
        return self._model.dirac

    @property
    def convention(self) -> str:
        """Coupling convention of the model."""
        return self._model.convention
