"""Neutrino-electron elastic scattering nu e -> nu e, all flavours, neutrinos and antineutrinos.

Tree level (electron at rest, recoil kinetic energy T, neutrino energy E, z = T/E):

    dsigma/dT = (2 G_F^2 m_e / pi) [g_L^2 + g_R^2 (1 - z)^2 - g_L g_R m_e T / E^2],
    T_max = 2 E^2 / (2 E + m_e),

with g_L = -1/2 + s_W^2, g_R = s_W^2 for nu_mu, nu_tau (Z exchange) and g_L = +1/2 + s_W^2 for
nu_e (Z + W exchange); antineutrinos swap g_L <-> g_R ['t Hooft, Phys. Lett. B 37 (1971) 195;
e.g. W. J. Marciano and Z. Parsa, J. Phys. G 29 (2003) 2629, eq. (2)].
The integral over 0 <= T <= T_max is closed:

    sigma = (2 G_F^2 m_e / pi) [g_L^2 T_m + g_R^2 (E/3)(1 - (1 - T_m/E)^3)
                                - g_L g_R m_e T_m^2/(2E^2)].

Default weak mixing angle: the low-Q^2 value sin^2 theta_W(0) = 0.23857 (MS-bar, J. Erler and
R. Ferro-Hernandez, JHEP 03 (2018) 196, arXiv:1712.09146; PDG 2024 review "Electroweak model and
constraints on new physics", sec. 10.2).

Radiative corrections (``radiative=True``), effective-coupling version of J. N. Bahcall,
M. Kamionkowski, A. Sirlin, Phys. Rev. D 51 (1995) 6146, arXiv:astro-ph/9502003 (electroweak
one-loop corrections of W. J. Marciano and A. Sirlin, PRD 22 (1980) 2695 and
S. Sarantakos, A. Sirlin, W. J. Marciano, Nucl. Phys. B 217 (1983) 84): with
s^2 = sin^2 theta_W(M_Z) (MS-bar, 0.23129 from :mod:`nuportal.constants`),

    g_L = rho (-1/2 + kappa(T) s^2) [+ 1 for nu_e],  g_R = rho kappa(T) s^2,
    rho = 1.0126,  kappa_{nu_e}(T) = 0.9791 + 0.0097 I(T),
    kappa_{nu_mu,nu_tau}(T) = 0.9970 - 0.00037 I(T),
    I(T) = (1/6) [1/3 + (3 - x^2) ((x/2) ln((x + 1)/(x - 1)) - 1)],  x = sqrt(1 + 2 m_e/T).

(The numerical constants are quoted from that paper from memory; they could not be re-read
in this session and should be checked against it. The QED corrections f_+-(z) of the same
paper, a few per mille at most for the total, are not included.) The total cross section is
then a 64-point Gauss-Legendre quadrature in T.

Kinematics (exact, electron initially at rest): E_e = T + m_e, |p_e| = sqrt(T^2 + 2 m_e T),
cos theta_e = (1 + m_e/E) sqrt(T / (T + 2 m_e)), Q^2 = 2 m_e T; for E >> m_e,
E_e theta_e^2 ~ 2 m_e (1 - T/E) < 2 m_e.

Units: energies in GeV, cross sections in cm^2 per electron.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from nuportal import constants
from nuportal._validation import RngLike, as_rng
from nuportal._validation import scalar_or_array as _out

__all__ = [
    "GEV2_TO_CM2",
    "SIN2_THETA_W_LOW_Q2",
    "cos_theta_electron",
    "couplings",
    "differential_cross_section",
    "electron_energy_angle2",
    "sample_nu_electron",
    "sample_recoil",
    "t_max",
    "total_cross_section",
]

#: (hbar c)^2 in GeV^2 cm^2: converts GeV^-2 to cm^2.
GEV2_TO_CM2: float = constants.GEV2_TO_CM2
#: Low-Q^2 weak mixing angle sin^2 theta_W(0), MS-bar (Erler, Ferro-Hernandez, arXiv:1712.09146).
SIN2_THETA_W_LOW_Q2: float = 0.23857

M_E: float = constants.M_ELECTRON
#: 2 G_F^2 m_e / pi [cm^2 / GeV].
_PREF: float = 2.0 * constants.G_FERMI**2 * M_E / np.pi * GEV2_TO_CM2

# Bahcall-Kamionkowski-Sirlin effective couplings (module docstring).
_RHO_NC = 1.0126
_KAPPA = {"e": (0.9791, 0.0097), "mu": (0.9970, -0.00037)}

_GL_X, _GL_W = np.polynomial.legendre.leggauss(64)


def _check_pdg(nu_pdg: int) -> int:
    p = int(nu_pdg)
    if p not in (12, 14, 16, -12, -14, -16) or p != nu_pdg:
        raise ValueError(f"nu_pdg must be one of 12, 14, 16, -12, -14, -16, got {nu_pdg!r}")
    return p


def _check_energy(E_nu: ArrayLike, name: str = "E_nu") -> NDArray[np.float64]:
    e = np.asarray(E_nu, dtype=float)
    if np.any(~np.isfinite(e)) or np.any(e <= 0.0):
        raise ValueError(f"{name} must be finite and > 0 GeV, got {E_nu!r}")
    return e


def _check_s2(s2: float) -> float:
    v = float(s2)
    if not (np.isfinite(v) and 0.0 < v < 1.0):
        raise ValueError(f"sin2_theta_w must be finite and in (0, 1), got {s2!r}")
    return v


def _bks_integral(T: NDArray[np.float64]) -> NDArray[np.float64]:
    """I(T) of Bahcall-Kamionkowski-Sirlin (module docstring); T [GeV] >= 0.

    For small T (x = sqrt(1 + 2 m_e/T) large) the closed form cancels catastrophically (each
    term grows as x^2 while I -> 0); there, with u = 1/x^2,
    I = (1/6) sum_{k>=1} u^k [3/(2k+1) - 1/(2k+3)], summed to 30 terms (u < 1/4).
    """
    t = np.maximum(np.asarray(T, dtype=float), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.sqrt(1.0 + 2.0 * M_E / t)
        # ln((x+1)/(x-1)) with x - 1 = (2 m_e/T)/(x + 1), stable for T >> m_e
        xm1 = (2.0 * M_E / t) / (x + 1.0)
        bracket = 0.5 * x * np.log((x + 1.0) / xm1) - 1.0
        direct = (1.0 / 6.0) * (1.0 / 3.0 + (3.0 - x * x) * bracket)
    u = t / (t + 2.0 * M_E)  # 1/x^2, 0 at T = 0
    k = np.arange(1, 31)
    coeff = 3.0 / (2 * k + 1) - 1.0 / (2 * k + 3)
    series = (1.0 / 6.0) * np.sum(coeff * u[..., None] ** k, axis=-1)
    return np.where(u < 0.25, series, direct)


def couplings(
    nu_pdg: int,
    T: ArrayLike | None = None,
    *,
    sin2_theta_w: float | None = None,
    radiative: bool = False,
) -> tuple[NDArray[np.float64] | float, NDArray[np.float64] | float]:
    """Effective chiral couplings (g_L, g_R) of nu e scattering (antineutrinos: swapped).

    Parameters
    ----------
    nu_pdg : int
        12, 14, 16 or their negatives.
    T : array_like, optional
        Electron recoil kinetic energy [GeV]; needed only with ``radiative=True``.
    sin2_theta_w : float, optional
        Weak mixing angle. Default: 0.23857 (low Q^2) at tree level, 0.23129 (MS-bar at M_Z)
        with ``radiative=True``.
    radiative : bool
        Bahcall-Kamionkowski-Sirlin one-loop effective couplings (module docstring).

    Returns
    -------
    (g_L, g_R)
        Dimensionless; arrays shaped like ``T`` when radiative.
    """
    p = _check_pdg(nu_pdg)
    is_e = abs(p) == 12
    if not radiative:
        s2 = _check_s2(SIN2_THETA_W_LOW_Q2 if sin2_theta_w is None else sin2_theta_w)
        gl, gr = -0.5 + s2 + (1.0 if is_e else 0.0), s2
    else:
        s2 = _check_s2(constants.SIN2_THETA_W if sin2_theta_w is None else sin2_theta_w)
        if T is None:
            raise ValueError("T (GeV) is needed for the radiative couplings")
        k0, k1 = _KAPPA["e" if is_e else "mu"]
        kappa = k0 + k1 * _bks_integral(np.asarray(T, dtype=float))
        gl = _RHO_NC * (-0.5 + kappa * s2) + (1.0 if is_e else 0.0)
        gr = _RHO_NC * kappa * s2
    return (gr, gl) if p < 0 else (gl, gr)


def t_max(E_nu: ArrayLike) -> NDArray[np.float64] | float:
    """Maximum electron recoil kinetic energy T_max = 2 E^2 / (2 E + m_e) [GeV]."""
    e = _check_energy(E_nu)
    return _out(2.0 * e * e / (2.0 * e + M_E))


def differential_cross_section(
    E_nu: ArrayLike,
    T: ArrayLike,
    nu_pdg: int,
    *,
    sin2_theta_w: float | None = None,
    radiative: bool = False,
) -> NDArray[np.float64] | float:
    """dsigma/dT [cm^2 / GeV per electron] (module docstring); 0 outside 0 <= T <= T_max.

    Parameters
    ----------
    E_nu : array_like
        Neutrino energy [GeV] (> 0).
    T : array_like
        Electron recoil kinetic energy [GeV] (broadcast with ``E_nu``).
    nu_pdg : int
        Neutrino species (PDG code).
    sin2_theta_w, radiative
        See :func:`couplings`.
    """
    e = _check_energy(E_nu)
    t = np.asarray(T, dtype=float)
    if np.any(~np.isfinite(t)):
        raise ValueError(f"T must be finite (GeV), got {T!r}")
    e, t = np.broadcast_arrays(e, t)
    gl, gr = couplings(nu_pdg, t, sin2_theta_w=sin2_theta_w, radiative=radiative)
    z = t / e
    ds = _PREF * (gl * gl + gr * gr * (1.0 - z) ** 2 - gl * gr * M_E * t / (e * e))
    inside = (t >= 0.0) & (t <= 2.0 * e * e / (2.0 * e + M_E))
    return _out(np.where(inside, ds, 0.0))


def total_cross_section(
    E_nu: ArrayLike,
    nu_pdg: int,
    target: str = "e-",
    *,
    sin2_theta_w: float | None = None,
    radiative: bool = False,
    T_min: float = 0.0,
    **_: object,
) -> NDArray[np.float64] | float:
    """sigma(E_nu) [cm^2 per electron] for recoils T_min <= T <= T_max.

    Closed form at tree level (module docstring); Gauss-Legendre quadrature (64 points) with
    ``radiative=True``. ``target`` is accepted for the process interface (per electron always).

    Parameters
    ----------
    E_nu : array_like
        Neutrino energy [GeV] (> 0).
    nu_pdg : int
        Neutrino species.
    T_min : float
        Recoil threshold [GeV] (>= 0).
    """
    e = _check_energy(E_nu)
    if not (np.isfinite(T_min) and T_min >= 0.0):
        raise ValueError(f"T_min must be finite and >= 0 GeV, got {T_min!r}")
    tm = 2.0 * e * e / (2.0 * e + M_E)
    lo = np.minimum(T_min, tm)
    if not radiative:
        gl, gr = couplings(nu_pdg, sin2_theta_w=sin2_theta_w)

        def prim(t: NDArray[np.float64]) -> NDArray[np.float64]:
            return (
                gl * gl * t
                - gr * gr * (e / 3.0) * (1.0 - t / e) ** 3
                - gl * gr * M_E * t * t / (2.0 * e * e)
            )

        return _out(_PREF * (prim(tm) - prim(lo)))
    half = 0.5 * (tm - lo)
    t = lo[..., None] + half[..., None] * (_GL_X + 1.0)
    ds = differential_cross_section(
        e[..., None], t, nu_pdg, sin2_theta_w=sin2_theta_w, radiative=True
    )
    return _out(half * np.sum(ds * _GL_W, axis=-1))


def cos_theta_electron(E_nu: ArrayLike, T: ArrayLike) -> NDArray[np.float64] | float:
    """cos theta_e = (1 + m_e/E) sqrt(T/(T + 2 m_e)) of the recoil electron (exact)."""
    e = _check_energy(E_nu)
    t = np.asarray(T, dtype=float)
    return _out((1.0 + M_E / e) * np.sqrt(t / (t + 2.0 * M_E)))


def electron_energy_angle2(E_nu: ArrayLike, T: ArrayLike) -> NDArray[np.float64] | float:
    """E_e theta_e^2 [GeV rad^2] with the exact angle; ~ 2 m_e (1 - T/E) for E >> m_e."""
    t = np.asarray(T, dtype=float)
    c = np.clip(np.asarray(cos_theta_electron(E_nu, t), dtype=float), -1.0, 1.0)
    return _out((t + M_E) * np.arccos(c) ** 2)


def sample_recoil(
    E_nu: ArrayLike,
    nu_pdg: int,
    rng: RngLike = None,
    *,
    sin2_theta_w: float | None = None,
    radiative: bool = False,
    T_min: float = 0.0,
) -> NDArray[np.float64]:
    """Draw the recoil T [GeV] from dsigma/dT on [T_min, T_max], one per entry of ``E_nu``.

    Accept-reject with the envelope max(dsigma/dT) at the two ends of the interval (at tree level
    dsigma/dT is convex in T; with the radiative couplings the maximum was checked on a fine grid
    to lie at an end for 1 MeV-100 GeV, and a 5% margin is added). Vectorized: each pass redraws
    only the rejected entries. Where T_min >= T_max, T = T_max is returned (zero cross section).
    """
    gen = as_rng(rng)
    e = np.atleast_1d(_check_energy(E_nu)).astype(float)
    if not (np.isfinite(T_min) and T_min >= 0.0):
        raise ValueError(f"T_min must be finite and >= 0 GeV, got {T_min!r}")
    tm = 2.0 * e * e / (2.0 * e + M_E)
    lo = np.minimum(T_min, tm)
    kw = {"sin2_theta_w": sin2_theta_w, "radiative": radiative}
    f0 = differential_cross_section(e, lo, nu_pdg, **kw)
    f1 = differential_cross_section(e, tm * (1 - 1e-12), nu_pdg, **kw)
    fmax = np.maximum(f0, f1) * (1.05 if radiative else 1.0)
    out = tm.copy()
    todo = np.flatnonzero(lo < tm)
    while todo.size:
        t = lo[todo] + gen.random(todo.size) * (tm[todo] - lo[todo])
        f = differential_cross_section(e[todo], t, nu_pdg, **kw)
        acc = gen.random(todo.size) * fmax[todo] <= f
        out[todo[acc]] = t[acc]
        todo = todo[~acc]
    return out


def sample_nu_electron(
    E_nu: ArrayLike,
    nu_pdg: int,
    target: str = "e-",
    rng: RngLike = None,
    *,
    sin2_theta_w: float | None = None,
    radiative: bool = False,
    T_min: float = 0.0,
    **_: object,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Events of nu e -> nu e for neutrinos along +z (process interface of the generator).

    Parameters
    ----------
    E_nu : array_like
        Neutrino energies [GeV], one event each.
    nu_pdg : int
        Neutrino species.
    target : str
        Ignored (always an electron at rest); kept for the process interface.
    rng : numpy.random.Generator or int or None
        Random source.
    T_min : float
        Recoil threshold [GeV]: only T >= T_min is generated, and the weight is sigma(T >= T_min).

    Returns
    -------
    (events, particles)
        ``events`` with the columns of :data:`nuportal.interactions.events.EVENT_COLUMNS`
        (``weight`` = sigma(E_nu) [cm^2 per electron], ``target`` = "e-", ``lep_*`` = the
        outgoing neutrino, mode ``nu_e_elastic``); ``particles``: the neutrino and the electron.
    """
    gen = as_rng(rng)
    p = _check_pdg(nu_pdg)
    e = np.atleast_1d(_check_energy(E_nu)).astype(float)
    kw = {"sin2_theta_w": sin2_theta_w, "radiative": radiative}
    t = sample_recoil(e, p, gen, T_min=T_min, **kw)
    n = e.size
    pe = np.sqrt(t * t + 2.0 * M_E * t)
    cos = np.clip((1.0 + M_E / e) * np.sqrt(t / (t + 2.0 * M_E)), -1.0, 1.0)
    sin = np.sqrt(1.0 - cos * cos)
    phi = gen.uniform(0.0, 2.0 * np.pi, n)
    el = np.column_stack([t + M_E, pe * sin * np.cos(phi), pe * sin * np.sin(phi), pe * cos])
    nu = np.column_stack([e - t, -el[:, 1], -el[:, 2], e - el[:, 3]])
    events = pd.DataFrame(
        {
            "nu_pdg": np.full(n, p),
            "E_nu": e,
            "target": "e-",
            "hit_nucleon_pdg": np.zeros(n, dtype=np.int64),
            "mode": "nu_e_elastic",
            "cc": np.zeros(n, dtype=bool),
            "weight": np.asarray(total_cross_section(e, p, T_min=T_min, **kw), float).reshape(n),
            "q0": t,
            "q3": pe,
            "Q2": 2.0 * M_E * t,
            "W": np.full(n, M_E),
            "x": np.ones(n),
            "y": t / e,
            "lep_pdg": np.full(n, p),
            "lep_E": nu[:, 0],
            "lep_px": nu[:, 1],
            "lep_py": nu[:, 2],
            "lep_pz": nu[:, 3],
        }
    )
    idx = np.repeat(np.arange(n), 2)
    mom = np.empty((2 * n, 4))
    mom[0::2], mom[1::2] = nu, el
    particles = pd.DataFrame(
        {
            "event": idx,
            "pdg": np.tile([p, 11], n),
            "E": mom[:, 0],
            "px": mom[:, 1],
            "py": mom[:, 2],
            "pz": mom[:, 3],
            "status": np.ones(2 * n, dtype=np.int64),
        }
    )
    return events, particles


def _register() -> None:
    from nuportal.interactions.processes import Process, register_process

    register_process(
        Process(
            name="nu_e_elastic",
            sample=sample_nu_electron,
            total_cross_section=total_cross_section,
            mode="nu_e_elastic",
            per_electron=True,
            doc="nu e -> nu e, tree level with sin^2 theta_W(0) ('t Hooft 1971; arXiv:1712.09146)",
            weighted=True,
        )
    )


_register()
