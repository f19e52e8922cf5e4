"""Production of new particles in two-body decays of charged pseudoscalar mesons, M+ -> l+ N.

Units: GeV for masses, momenta and widths; branching ratios are dimensionless.

Two independent routes are provided for the branching ratio:

``form="first-principles"``
    Gamma(M+ -> l+ N) = G_F^2 f_M^2 |V_qq'|^2 |U_l4|^2 m_M^3 / (8 pi)
                        * [x + y - (x - y)^2] sqrt(lambda(1, x, y)),
    x = m_l^2/m_M^2, y = m_N^2/m_M^2
    (R. E. Shrock, Phys. Rev. D 24 (1981) 1232; Bondarenko et al. arXiv:1805.08567 eq. 2.3),
    Br = Gamma * tau_M / hbar with the PDG lifetime. No radiative corrections: for y -> 0 this
    reproduces the measured Br(M+ -> l+ nu) to a few per cent (K+ -> mu+ nu: 0.623 against 0.6356).
``form="ratio"``
    Br = Br_SM(M+ -> l+ nu) |U_l4|^2 rho_N(x, y),
    rho_N = [x + y - (x - y)^2] sqrt(lambda(1, x, y)) / [x (1 - x)^2]
    (Shrock 1981; Kelly & Machado arXiv:2106.06548), with the measured SM branching ratio, which
    carries the radiative corrections and the measured f_M |V|.

Kinematically closed decays (m_N >= m_M - m_l) have width and branching ratio 0, for scalar and
array masses alike; quantities that are undefined for a closed decay (the N momentum and helicity)
raise ValueError instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal import constants
from nuportal._validation import scalar_or_array as _out
from nuportal.kinematics import kallen

__all__ = [
    "MESONS",
    "LeptonicMeson",
    "br_meson_to_lepton_hnl",
    "hnl_energy_at_rest",
    "hnl_momentum_at_rest",
    "hnl_polarization",
    "rho_hnl",
    "width_meson_to_lepton_hnl",
]


@dataclass(frozen=True)
class LeptonicMeson:
    """A charged pseudoscalar meson decaying to l+ nu.

    Attributes
    ----------
    name : str
        PDG name (mass and lifetime from :mod:`nuportal.constants`).
    decay_constant : float
        f_M [GeV].
    ckm : float
        |V_qq'|.
    br_sm : dict
        Measured Br(M+ -> l+ nu) by lepton flavour.
    """

    name: str
    decay_constant: float
    ckm: float
    br_sm: dict[str, float]

    @property
    def mass(self) -> float:
        """Meson mass [GeV]."""
        return constants.mass(self.name)

    @property
    def lifetime(self) -> float:
        """Meson lifetime [s]."""
        return constants.lifetime(self.name)


# Decay constants: f_pi, f_K from nuportal.constants (PDG 2024); f_D = 0.2120 GeV and
# f_Ds = 0.2499 GeV (FLAG 2021 N_f = 2+1+1, quoted in the PDG 2024 review "Leptonic decays of
# charged pseudoscalar mesons"). |V_cd| = 0.221, |V_cs| = 0.975 (PDG 2024 CKM review).
# SM branching ratios (PDG 2024 listings): pi+ -> mu+ nu 0.9998770, pi+ -> e+ nu 1.2327e-4;
# K+ -> mu+ nu 0.6356, K+ -> e+ nu 1.582e-5; D+ -> mu+ nu 3.74e-4, D+ -> tau+ nu 1.20e-3;
# Ds+ -> mu+ nu 5.35e-3, Ds+ -> tau+ nu 5.36e-2, Ds+ -> e+ nu: not measured (< 8.3e-5), not given.
MESONS: dict[str, LeptonicMeson] = {
    "pi+": LeptonicMeson(
        "pi+", constants.F_PI, constants.CKM_VUD, {"mu": 0.9998770, "e": 1.2327e-4}
    ),
    "K+": LeptonicMeson("K+", constants.F_K, constants.CKM_VUS, {"mu": 0.6356, "e": 1.582e-5}),
    "D+": LeptonicMeson("D+", 0.2120, 0.221, {"mu": 3.74e-4, "tau": 1.20e-3}),
    "D(s)+": LeptonicMeson("D(s)+", 0.2499, 0.975, {"mu": 5.35e-3, "tau": 5.36e-2}),
}
_ALIASES = {"pi": "pi+", "K": "K+", "D": "D+", "Ds+": "D(s)+", "Ds": "D(s)+", "D_s+": "D(s)+"}
_LEPTONS = ("e", "mu", "tau")


def _meson(meson: str) -> LeptonicMeson:
    key = _ALIASES.get(meson, meson)
    if key not in MESONS:
        raise ValueError(
            f"meson must be one of {sorted(MESONS)} (or {sorted(_ALIASES)}), got {meson!r}"
        )
    return MESONS[key]


def _lepton_mass(lepton: str) -> float:
    if lepton not in _LEPTONS:
        raise ValueError(f"lepton must be one of {_LEPTONS}, got {lepton!r}")
    return constants.LEPTON_MASS[lepton]


def _hnl_mass(m_N: ArrayLike) -> NDArray[np.float64]:
    m = np.asarray(m_N, dtype=float)
    if np.any(~np.isfinite(m)) or np.any(m < 0.0):
        raise ValueError(f"m_N must be finite and >= 0 GeV, got {m_N!r}")
    return m


def _mixing(U2: ArrayLike) -> NDArray[np.float64]:
    u = np.asarray(U2, dtype=float)
    if np.any(~np.isfinite(u)) or np.any(u < 0.0) or np.any(u > 1.0):
        raise ValueError(f"U2 (|U_l4|^2) must be finite and in [0, 1], got {U2!r}")
    return u


def _require_open(m: NDArray[np.float64], meson: LeptonicMeson, ml: float, lepton: str) -> None:
    limit = meson.mass - ml
    if np.any(m >= limit):
        raise ValueError(
            f"m_N = {m!r} GeV: {meson.name} -> {lepton}+ N is closed; allowed range is "
            f"0 <= m_N < m_M - m_l = {limit:.6g} GeV"
        )


def rho_hnl(meson: str, lepton: str, m_N: ArrayLike) -> NDArray[np.float64] | float:
    """Kinematic factor rho_N(x, y) = Gamma(M -> l N)/(|U|^2 Gamma(M -> l nu)) (dimensionless).

    rho_N = [x + y - (x - y)^2] sqrt(lambda(1, x, y)) / [x (1 - x)^2], x = m_l^2/m_M^2,
    y = m_N^2/m_M^2 (Shrock, PRD 24 (1981) 1232). 1 at m_N = 0, 0 when closed.
    """
    mes = _meson(meson)
    ml = _lepton_mass(lepton)
    m = _hnl_mass(m_N)
    x = (ml / mes.mass) ** 2
    y = (m / mes.mass) ** 2
    open_ = m < mes.mass - ml
    lam = np.clip(kallen(1.0, x, y), 0.0, None)
    rho = (x + y - (x - y) ** 2) * np.sqrt(lam) / (x * (1.0 - x) ** 2)
    return _out(np.where(open_, rho, 0.0))


def width_meson_to_lepton_hnl(
    meson: str,
    lepton: str,
    m_N: ArrayLike,
    U2: ArrayLike = 1.0,
    *,
    g_fermi: float = constants.G_FERMI,
    decay_constant: float | None = None,
    ckm: float | None = None,
) -> NDArray[np.float64] | float:
    """Gamma(M+ -> l+ N) [GeV] from first principles.

    Gamma = G_F^2 f_M^2 |V|^2 |U|^2 m_M^3 / (8 pi) [x + y - (x - y)^2] sqrt(lambda(1, x, y)),
    x = m_l^2/m_M^2, y = m_N^2/m_M^2 (Shrock 1981; arXiv:1805.08567 eq. 2.3). 0 when closed.

    Parameters
    ----------
    meson : {"pi+", "K+", "D+", "D(s)+"}
        Decaying meson (aliases "pi", "K", "Ds+" accepted).
    lepton : {"e", "mu", "tau"}
        Flavour of the charged lepton (and of the mixing |U_l4|^2).
    m_N : float or array_like
        HNL mass [GeV], >= 0.
    U2 : float or array_like
        |U_l4|^2 in [0, 1].
    g_fermi, decay_constant, ckm : float, optional
        Override G_F [GeV^-2], f_M [GeV] and |V_qq'|.
    """
    mes = _meson(meson)
    ml = _lepton_mass(lepton)
    m = _hnl_mass(m_N)
    u = _mixing(U2)
    f = mes.decay_constant if decay_constant is None else decay_constant
    v = mes.ckm if ckm is None else ckm
    mm = mes.mass
    x = (ml / mm) ** 2
    y = (m / mm) ** 2
    lam = np.clip(kallen(1.0, x, y), 0.0, None)
    w = g_fermi**2 * f**2 * v**2 * mm**3 / (8.0 * np.pi) * (x + y - (x - y) ** 2) * np.sqrt(lam)
    return _out(u * np.where(m < mm - ml, w, 0.0))


def br_meson_to_lepton_hnl(
    meson: str,
    lepton: str,
    m_N: ArrayLike,
    U2: ArrayLike = 1.0,
    form: str = "ratio",
) -> NDArray[np.float64] | float:
    """Br(M+ -> l+ N) (dimensionless); 0 when the decay is closed.

    Parameters
    ----------
    meson, lepton, m_N, U2
        As in :func:`width_meson_to_lepton_hnl`.
    form : {"ratio", "first-principles"}
        ``"ratio"``: Br_SM(M+ -> l+ nu) |U|^2 rho_N (default; the measured SM branching ratio
        carries radiative corrections). ``"first-principles"``: Gamma tau_M / hbar with
        :func:`width_meson_to_lepton_hnl` (a few per cent lower for K+ -> mu+ N).
    """
    mes = _meson(meson)
    if form == "ratio":
        if lepton not in mes.br_sm:
            _lepton_mass(lepton)
            raise ValueError(
                f"no measured Br({mes.name} -> {lepton}+ nu) in nuportal; use "
                f"form='first-principles' (measured: {sorted(mes.br_sm)})"
            )
        rho = np.asarray(rho_hnl(meson, lepton, m_N))
        return _out(mes.br_sm[lepton] * _mixing(U2) * rho)
    if form == "first-principles":
        width = np.asarray(width_meson_to_lepton_hnl(meson, lepton, m_N, U2))
        return _out(width * mes.lifetime / constants.HBAR)
    raise ValueError(f"form must be 'ratio' or 'first-principles', got {form!r}")


def hnl_energy_at_rest(meson: str, lepton: str, m_N: ArrayLike) -> NDArray[np.float64] | float:
    """N energy E_N = (m_M^2 - m_l^2 + m_N^2)/(2 m_M) [GeV] for M at rest; ValueError if closed."""
    mes = _meson(meson)
    ml = _lepton_mass(lepton)
    m = _hnl_mass(m_N)
    _require_open(m, mes, ml, lepton)
    return _out((mes.mass**2 - ml**2 + m**2) / (2.0 * mes.mass))


def hnl_momentum_at_rest(meson: str, lepton: str, m_N: ArrayLike) -> NDArray[np.float64] | float:
    """N momentum p_N = sqrt(lambda(m_M^2, m_l^2, m_N^2))/(2 m_M) [GeV] for M at rest.

    Raises ValueError if the decay is closed (m_N >= m_M - m_l).
    """
    mes = _meson(meson)
    ml = _lepton_mass(lepton)
    m = _hnl_mass(m_N)
    _require_open(m, mes, ml, lepton)
    mm = mes.mass
    return _out(np.sqrt(np.clip(kallen(mm**2, ml**2, m**2), 0.0, None)) / (2.0 * mm))


def hnl_polarization(
    meson: str, lepton: str, m_N: ArrayLike, charge: int = +1
) -> NDArray[np.float64] | float:
    """Helicity (longitudinal polarization) of N from M -> l N, in the M rest frame.

    P = (y_l^2 - y_N^2) sqrt(lambda(1, y_N^2, y_l^2))
        / (y_l^4 + y_N^4 - 2 y_l^2 y_N^2 - y_l^2 - y_N^2),
    y_i = m_i / m_M, for M+ -> l+ N; M- -> l- Nbar gives -P (de Gouvea & Kelly arXiv:2104.05719;
    the formula as used by Kelly & Machado, arXiv:2106.06548, verified against
    the helicity amplitudes
    A_+ = m_N sqrt((E_N + p)(E_l + p)) + m_l sqrt((E_N - p)(E_l - p)),
    A_- = m_N sqrt((E_N - p)(E_l - p)) + m_l sqrt((E_N + p)(E_l + p)) in the tests).
    P -> -1 for m_N -> 0 (left-handed neutrino from M+).

    Parameters
    ----------
    meson : {"pi+", "K+", "D+", "D(s)+"}
        Meson species (the sign of its charge is given by ``charge``).
    lepton : {"e", "mu", "tau"}
    m_N : float or array_like
        HNL mass [GeV]; ValueError if the decay is closed.
    charge : {+1, -1}
        Charge of the decaying meson.
    """
    if charge not in (1, -1):
        raise ValueError(f"charge must be +1 or -1, got {charge!r}")
    mes = _meson(meson)
    ml = _lepton_mass(lepton)
    m = _hnl_mass(m_N)
    _require_open(m, mes, ml, lepton)
    yl2 = (ml / mes.mass) ** 2
    yn2 = (m / mes.mass) ** 2
    lam = np.clip(kallen(1.0, yn2, yl2), 0.0, None)
    den = yl2**2 + yn2**2 - 2.0 * yl2 * yn2 - yl2 - yn2
    return _out(charge * (yl2 - yn2) * np.sqrt(lam) / den)
