"""2p2h (multi-nucleon, "MEC") CC scattering: an empirical model in (q0, |q|) and the NOvA 2018 map.

Model (empirical, in the spirit of the GENIE "empirical MEC" of T. Katori, arXiv:1304.6014, and of
the NOvA 2018 tune, which reshaped that model with a two-dimensional weight in (q0, |q|),
NOvA arXiv:2006.08727):

    d^2 sigma / dq0 dq3 = K (E_l / E_nu) q3 G(q0, q3) Theta(2N region),
    G = exp(-[d0^2 - 2 rho d0 d3 + d3^2] / (2 (1 - rho^2))),
    d0 = (q0 - mu0)/s0,  d3 = (q3 - mu3)/s3,

i.e. a response that is a correlated Gaussian in energy and momentum transfer, times the lepton
phase space (E_l q3 / E_nu is the Jacobian of dE_l dcos theta_l -> dq0 dq3 times E_l p_l).
The 2N region is: a charged lepton with E_l = E_nu - q0 >= m_l and
E_nu - p_l <= q3 <= E_nu + p_l, q0 >= 2 E_b, and a two-nucleon final state, W^2 = (P_pair + q)^2
>= 4 M^2 with P_pair = (2 (M - E_b), 0). K is fixed by the saturated cross section:
sigma(E_nu -> inf) = ``MEC_norm`` x sigma_sat x A, with sigma_sat = 1.5e-39 cm^2 per nucleon for
neutrinos and 1.0e-39 for antineutrinos -- a normalization choice of the order of the 2p2h
predictions of J. Nieves, I. Ruiz Simo, M. J. Vicente Vacas, PRC 83 (2011) 045501 and of GENIE's
empirical MEC (about 30% of CCQE at high energy), not a fit. Defaults: mu0 = 0.25 GeV,
mu3 = 0.50 GeV, s0 = 0.12 GeV, s3 = 0.25 GeV, rho = 0.7 (centred where the NOvA tune put the
missing strength, between the QE and Delta peaks).

Final state: a neutrino strikes an np pair -> pp, an antineutrino np -> nn; both initial nucleons
have Fermi momenta uniform in the target's Fermi sphere and energies sqrt(M^2 + p^2) - E_b; the
hadronic system P_pair + q decays isotropically into the two nucleons in its rest frame.

NOvA 2018 map (option ``nova_mec_2018`` in [0, 1], 1 = on): weights x [1 + v (w_map(q3, q0) - 1)]
with w_map the NOvA 2018 tune weight (``data/nova_2018_tune``, NOvARwgt-public v1.0.1; negative
bins clipped to 0; 1 outside the map), numu map for neutrinos and numubar map for antineutrinos,
``nova_mec_variant`` "default" or "rpafix".

Units: GeV; cross sections in cm^2 per nucleus.
"""

from __future__ import annotations

from functools import cache, lru_cache
from importlib import resources

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from nuportal import constants
from nuportal._validation import RngLike, as_rng
from nuportal.interactions.targets import NucleusParameters, nucleus_parameters

__all__ = [
    "MEC_DEFAULTS",
    "NovaMecMap",
    "mec_response",
    "nova_2018_mec_map",
    "nova_map_weight",
    "sample_mec",
    "total_cross_section",
]

M_N: float = 0.5 * (constants.mass("p") + constants.mass("n"))
M_P: float = constants.mass("p")
M_NEU: float = constants.mass("n")
_LEPTON = {12: constants.M_ELECTRON, 14: constants.M_MUON, 16: constants.M_TAU}
SIGMA_SAT_PER_NUCLEON = {1: 1.5e-39, -1: 1.0e-39}

#: Default shape and normalization parameters (module docstring).
MEC_DEFAULTS: dict[str, float] = {
    "MEC_norm": 1.0,
    "MEC_q0_mean": 0.25,
    "MEC_q3_mean": 0.50,
    "MEC_q0_width": 0.12,
    "MEC_q3_width": 0.25,
    "MEC_rho": 0.7,
    "nova_mec_2018": 0.0,
}


def _shape(params: dict) -> tuple[float, float, float, float, float]:
    vals = []
    for key in ("MEC_q0_mean", "MEC_q3_mean", "MEC_q0_width", "MEC_q3_width"):
        v = float(params.get(key, MEC_DEFAULTS[key]))
        if not (np.isfinite(v) and 0.0 < v < 3.0):
            raise ValueError(f"{key} must be finite and in (0, 3) GeV, got {v!r}")
        vals.append(v)
    rho = float(params.get("MEC_rho", MEC_DEFAULTS["MEC_rho"]))
    if not (np.isfinite(rho) and -0.95 <= rho <= 0.95):
        raise ValueError(f"MEC_rho must be finite and in [-0.95, 0.95], got {rho!r}")
    return (*vals, rho)  # type: ignore[return-value]


def _norm(params: dict) -> float:
    v = float(params.get("MEC_norm", 1.0))
    if not (np.isfinite(v) and 0.0 <= v <= 10.0):
        raise ValueError(f"MEC_norm must be finite and in [0, 10], got {v!r}")
    return v


def _nova(params: dict) -> tuple[float, str]:
    v = float(params.get("nova_mec_2018", 0.0))
    if not (np.isfinite(v) and 0.0 <= v <= 1.0):
        raise ValueError(f"nova_mec_2018 must be in [0, 1] (0 off, 1 on), got {v!r}")
    variant = str(params.get("nova_mec_variant", "default"))
    if variant not in ("default", "rpafix"):
        raise ValueError(f"nova_mec_variant must be 'default' or 'rpafix', got {variant!r}")
    return v, variant


def mec_response(q0: ArrayLike, q3: ArrayLike, shape: tuple[float, ...]) -> NDArray[np.float64]:
    """Unnormalized Gaussian G(q0, q3) of the module docstring (peak 1); q0, q3 [GeV]."""
    mu0, mu3, s0, s3, rho = shape
    d0 = (np.asarray(q0, dtype=float) - mu0) / s0
    d3 = (np.asarray(q3, dtype=float) - mu3) / s3
    return np.exp(-(d0 * d0 - 2.0 * rho * d0 * d3 + d3 * d3) / (2.0 * (1.0 - rho * rho)))


def _region(e, q0, q3, m, eb):
    el = e - q0
    pl = np.sqrt(np.maximum(el * el - m * m, 0.0))
    w2 = (2.0 * (M_N - eb) + q0) ** 2 - q3 * q3
    return (el >= m) & (q3 >= e - pl) & (q3 <= e + pl) & (q0 >= 2.0 * eb) & (w2 >= 4.0 * M_N**2)


_Q0 = np.linspace(0.0, 2.5, 501)
_Q3 = np.linspace(0.0, 3.5, 701)
_CELL = 0.01
_MID0 = np.arange(0.5, 250) * _CELL
_MID3 = np.arange(0.5, 350) * _CELL


@lru_cache(maxsize=64)
def _k_norm(shape: tuple[float, ...], eb: float) -> float:
    """int int q3 G Theta(2N, E -> inf) dq0 dq3 [GeV^3] on a fine grid."""
    q0, q3 = np.meshgrid(_Q0, _Q3, indexing="ij")
    w2 = (2.0 * (M_N - eb) + q0) ** 2 - q3 * q3
    ok = (q3 >= q0) & (q0 >= 2.0 * eb) & (w2 >= 4.0 * M_N**2)
    f = np.where(ok, q3 * mec_response(q0, q3, shape), 0.0)
    return float(np.trapezoid(np.trapezoid(f, _Q3, axis=1), _Q0))


def _kconst(nu_pdg: int, t: NucleusParameters, params: dict) -> float:
    """K [cm^2 / GeV^3 per nucleus] of the module docstring."""
    shape = _shape(params)
    sat = _norm(params) * SIGMA_SAT_PER_NUCLEON[1 if nu_pdg > 0 else -1] * t.A
    return sat / _k_norm(shape, t.E_b)


def _check(nu_pdg: int, target: str | NucleusParameters) -> tuple[int, float, NucleusParameters]:
    p = int(nu_pdg)
    if abs(p) not in _LEPTON or p != nu_pdg:
        raise ValueError(f"nu_pdg must be one of 12, 14, 16, -12, -14, -16, got {nu_pdg!r}")
    return p, _LEPTON[abs(p)], nucleus_parameters(target)


def _energies(E_nu: ArrayLike) -> NDArray[np.float64]:
    e = np.asarray(E_nu, dtype=float)
    if np.any(~np.isfinite(e)) or np.any(e <= 0.0):
        raise ValueError(f"E_nu must be finite and > 0 GeV, got {E_nu!r}")
    return e


# ---------------------------------------------------------------- NOvA 2018 map
class NovaMecMap:
    """A NOvA 2018 2p2h weight map: bin edges in |q| and q0 [GeV] and clipped weights."""

    def __init__(self, q3_edges: NDArray, q0_edges: NDArray, weights: NDArray, name: str):
        self.q3_edges, self.q0_edges, self.weights, self.name = q3_edges, q0_edges, weights, name

    def __call__(self, q3: ArrayLike, q0: ArrayLike) -> NDArray[np.float64]:
        """Weight at (|q|, q0) [GeV]; 1 outside the map."""
        a, b = np.asarray(q3, dtype=float), np.asarray(q0, dtype=float)
        i = np.searchsorted(self.q3_edges, a, side="right") - 1
        j = np.searchsorted(self.q0_edges, b, side="right") - 1
        inside = (i >= 0) & (i < self.weights.shape[0]) & (j >= 0) & (j < self.weights.shape[1])
        ii, jj = np.where(inside, i, 0), np.where(inside, j, 0)
        return np.where(inside, self.weights[ii, jj], 1.0)


def _read_map(text: str, label: str) -> NovaMecMap:
    rows = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(",")
        try:
            vals = [float(x) for x in parts]
        except ValueError:
            raise ValueError(f"{label}:{lineno}: non-numeric field in {line!r}") from None
        if len(vals) != 5 or not np.all(np.isfinite(vals)):
            raise ValueError(f"{label}:{lineno}: expected 5 finite numbers, got {line!r}")
        if vals[1] <= vals[0] or vals[3] <= vals[2]:
            raise ValueError(f"{label}:{lineno}: bin edges not increasing in {line!r}")
        rows.append(vals)
    if not rows:
        raise ValueError(f"{label}: no data rows")
    a = np.array(rows)
    q3e = np.unique(np.concatenate([a[:, 0], a[:, 1]]))
    q0e = np.unique(np.concatenate([a[:, 2], a[:, 3]]))
    n3, n0 = q3e.size - 1, q0e.size - 1
    if n3 * n0 != len(rows):
        raise ValueError(f"{label}: {len(rows)} rows do not fill a {n3} x {n0} grid")
    w = np.full((n3, n0), np.nan)
    i = np.searchsorted(q3e, a[:, 0])
    j = np.searchsorted(q0e, a[:, 2])
    w[i, j] = a[:, 4]
    if np.isnan(w).any():
        raise ValueError(f"{label}: missing or duplicated bins")
    return NovaMecMap(q3e, q0e, np.clip(w, 0.0, None), label)


@cache
def nova_2018_mec_map(antineutrino: bool = False, variant: str = "default") -> NovaMecMap:
    """The NOvA 2018 2p2h weight map (validated; negative weights clipped to 0).

    Parameters
    ----------
    antineutrino : bool
        The numubar map (else numu).
    variant : {"default", "rpafix"}
    """
    if variant not in ("default", "rpafix"):
        raise ValueError(f"variant must be 'default' or 'rpafix', got {variant!r}")
    fname = "MEC2018{}_{}_weights_smoothed.csv".format(
        "_RPAfix" if variant == "rpafix" else "", "numubar" if antineutrino else "numu"
    )
    res = resources.files("nuportal.interactions").joinpath("data", "nova_2018_tune", fname)
    label = f"nuportal/interactions/data/nova_2018_tune/{fname}"
    try:
        text = res.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"{label}: shipped file is missing from the installation") from None
    return _read_map(text, label)


def nova_map_weight(
    nu_pdg: ArrayLike, q0: ArrayLike, q3: ArrayLike, value: float, variant: str = "default"
) -> NDArray[np.float64]:
    """1 + value (w_map - 1) per event (numu map for nu_pdg > 0, numubar map otherwise)."""
    pdg = np.asarray(nu_pdg)
    wn = nova_2018_mec_map(False, variant)(q3, q0)
    wb = nova_2018_mec_map(True, variant)(q3, q0)
    w = np.where(pdg > 0, wn, wb)
    return 1.0 + float(value) * (w - 1.0)


# ---------------------------------------------------------------- cross section and sampler
def total_cross_section(
    E_nu: ArrayLike, nu_pdg: int, target: str = "C12", **params: object
) -> NDArray[np.float64] | float:
    """sigma_2p2h(E_nu) [cm^2 per nucleus] by 2D quadrature over (q0, q3) (midpoint rule on
    10 MeV cells; 0 for free nucleons). For more than 16 energies at once, interpolated (in log E)
    on a cached table of 160 energies 0.05-200 GeV (constant above).

    Parameters
    ----------
    E_nu : array_like
        [GeV].
    nu_pdg : int
    target : str
        Nucleus name.
    **params
        ``MEC_norm``, ``MEC_q0_mean``, ``MEC_q3_mean``, ``MEC_q0_width``, ``MEC_q3_width``,
        ``MEC_rho``, ``nova_mec_2018``, ``nova_mec_variant`` (others ignored).
    """
    p, m, t = _check(nu_pdg, target)
    e = np.atleast_1d(_energies(E_nu)).astype(float)
    if t.is_free:
        out = np.zeros_like(e)
    elif e.size > _TABLE_MIN:
        keys = ("nova_mec_variant", *MEC_DEFAULTS)
        key = tuple(sorted((k, v) for k, v in params.items() if k in keys))
        grid, sig = _table(p, t.name, key)
        out = np.interp(np.log(e), np.log(grid), sig, left=0.0)
        out = np.where(e > grid[-1], sig[-1], out)
    else:
        shape = _shape(params)
        k = _kconst(p, t, params)
        nv, variant = _nova(params)
        # midpoint rule on 10 MeV cells whose edges include the NOvA map's 50 MeV bin edges
        q0, q3 = np.meshgrid(_MID0, _MID3, indexing="ij")
        base = q3 * mec_response(q0, q3, shape)
        if nv:
            base = base * nova_map_weight(p, q0, q3, nv, variant)
        out = np.empty_like(e)
        for i, ei in enumerate(e):
            f = np.where(_region(ei, q0, q3, m, t.E_b), base * (ei - q0) / ei, 0.0)
            out[i] = k * f.sum() * _CELL**2
    return float(out[0]) if np.ndim(E_nu) == 0 else out


_TABLE_MIN = 16


@lru_cache(maxsize=64)
def _table(nu_pdg: int, target: str, key: tuple) -> tuple[NDArray, NDArray]:
    grid = np.geomspace(0.05, 200.0, 160)
    sig = np.concatenate(
        [total_cross_section(g, nu_pdg, target, **dict(key)) for g in np.array_split(grid, 12)]
    )
    return grid, sig


def sample_mec(
    E_nu: ArrayLike, nu_pdg: int, target: str, rng: RngLike = None, **params: object
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """2p2h events (process interface): one weighted event per energy, ``weight`` [cm^2/nucleus].

    (q0, q3) are drawn from the normalized Gaussian; the weight K (E_l/E) q3 x 2 pi s0 s3
    sqrt(1 - rho^2) x Theta(2N region) x NOvA map then has mean sigma_2p2h(E_nu). Particles: the
    lepton and two nucleons (pp for neutrinos, nn for antineutrinos).
    """
    gen = as_rng(rng)
    p, m, t = _check(nu_pdg, target)
    e = np.atleast_1d(_energies(E_nu)).astype(float).ravel()
    n = e.size
    shape = _shape(params)
    mu0, mu3, s0, s3, rho = shape
    z = gen.standard_normal((2, n))
    q0 = mu0 + s0 * z[0]
    q3 = mu3 + s3 * (rho * z[0] + np.sqrt(1.0 - rho * rho) * z[1])
    if t.is_free:
        k = 0.0
    else:
        k = _kconst(p, t, params)
    ok = _region(e, q0, q3, m, t.E_b) & (q3 > 0)
    el = e - q0
    w = k * el / e * q3 * 2.0 * np.pi * s0 * s3 * np.sqrt(1.0 - rho * rho)
    nv, variant = _nova(params)
    if nv:
        w = w * nova_map_weight(p, q0, q3, nv, variant)
    # lepton
    elc = np.where(ok, el, e)
    pl = np.sqrt(np.maximum(elc * elc - m * m, 0.0))
    q3c = np.where(ok, q3, 1.0)
    cth = np.clip((e * e + pl * pl - q3c * q3c) / (2.0 * e * np.maximum(pl, 1e-12)), -1.0, 1.0)
    sth = np.sqrt(1.0 - cth * cth)
    phi = gen.uniform(0.0, 2.0 * np.pi, n)
    lep = np.column_stack([elc, pl * sth * np.cos(phi), pl * sth * np.sin(phi), pl * cth])
    # initial pair in the Fermi sea
    u = gen.random((6, n))
    kf = t.kF

    def fermi(a: NDArray, b: NDArray, c: NDArray) -> NDArray:
        pm = kf * np.cbrt(a)
        ct = 2.0 * b - 1.0
        stt = np.sqrt(1.0 - ct * ct)
        ph = 2.0 * np.pi * c
        return np.column_stack([pm * stt * np.cos(ph), pm * stt * np.sin(ph), pm * ct])

    p1, p2 = fermi(u[0], u[1], u[2]), fermi(u[3], u[4], u[5])
    e1 = np.sqrt(M_N**2 + np.sum(p1 * p1, axis=1)) - t.E_b
    e2 = np.sqrt(M_N**2 + np.sum(p2 * p2, axis=1)) - t.E_b
    qv = np.column_stack([e - lep[:, 0], -lep[:, 1], -lep[:, 2], e - lep[:, 3]])
    had = np.column_stack([e1 + e2, p1 + p2]) + qv
    mf = M_P if p > 0 else M_NEU
    w2 = had[:, 0] ** 2 - np.sum(had[:, 1:] ** 2, axis=1)
    # where the moving pair cannot make two nucleons, take it at rest (the weight used the pair
    # at rest: the 2N region), so the weights keep their mean sigma_2p2h
    low = w2 <= (2 * mf) ** 2
    at_rest = np.column_stack([np.full(n, 2.0 * (M_N - t.E_b)), np.zeros((n, 3))]) + qv
    had = np.where(low[:, None], at_rest, had)
    w2 = had[:, 0] ** 2 - np.sum(had[:, 1:] ** 2, axis=1)
    ok &= w2 > (2 * mf) ** 2
    w = np.where(ok, w, 0.0)
    wh = np.sqrt(np.where(ok, w2, (2 * mf + 0.1) ** 2))
    pstar = np.sqrt(np.maximum(wh * wh / 4.0 - mf * mf, 0.0))
    ct = 2.0 * gen.random(n) - 1.0
    ph = gen.uniform(0.0, 2.0 * np.pi, n)
    st_ = np.sqrt(1.0 - ct * ct)
    n1 = np.column_stack([wh / 2.0, pstar * st_ * np.cos(ph), pstar * st_ * np.sin(ph), pstar * ct])
    n2 = n1 * np.array([1.0, -1.0, -1.0, -1.0])
    hadc = np.where(ok[:, None], had, np.column_stack([wh, np.zeros((n, 3))]))
    from nuportal.kinematics import boost_from_rest_frame

    n1, n2 = boost_from_rest_frame(n1, hadc), boost_from_rest_frame(n2, hadc)
    lep_pdg = int(np.sign(p) * (abs(p) - 1))
    out_pdg = 2212 if p > 0 else 2112
    q3v = np.sqrt(np.sum(qv[:, 1:] ** 2, axis=1))
    events = pd.DataFrame(
        {
            "nu_pdg": np.full(n, p, dtype=np.int64),
            "E_nu": e,
            "target": t.name,
            "hit_nucleon_pdg": np.zeros(n, dtype=np.int64),
            "mode": "2p2h",
            "cc": np.ones(n, dtype=bool),
            "weight": w,
            "q0": qv[:, 0],
            "q3": q3v,
            "Q2": q3v * q3v - qv[:, 0] ** 2,
            "W": wh,
            "x": (q3v * q3v - qv[:, 0] ** 2) / (2.0 * M_N * np.maximum(qv[:, 0], 1e-12)),
            "y": qv[:, 0] / e,
            "lep_pdg": np.full(n, lep_pdg, dtype=np.int64),
            "lep_E": lep[:, 0],
            "lep_px": lep[:, 1],
            "lep_py": lep[:, 2],
            "lep_pz": lep[:, 3],
            "E_b": np.full(n, t.E_b),
            "kF": np.full(n, kf),
        }
    )
    mom = np.empty((3 * n, 4))
    mom[0::3], mom[1::3], mom[2::3] = lep, n1, n2
    particles = pd.DataFrame(
        {
            "event": np.repeat(np.arange(n), 3),
            "pdg": np.tile([lep_pdg, out_pdg, out_pdg], n).astype(np.int64),
            "E": mom[:, 0],
            "px": mom[:, 1],
            "py": mom[:, 2],
            "pz": mom[:, 3],
            "status": np.ones(3 * n, dtype=np.int64),
        }
    )
    return events, particles


def _mec_events(df: pd.DataFrame) -> NDArray:
    return ((df["mode"] == "2p2h").to_numpy()) & (df["weight"].to_numpy() > 0)


def _shape_knob(name: str):
    """Knob weight K_new G_new / (K_old G_old) for a 2p2h shape or normalization parameter."""

    def weight(df: pd.DataFrame, value: float) -> NDArray:
        par = {k: v for k, v in (df.attrs.get("params") or {}).items() if k in MEC_DEFAULTS}
        new = {**par, name: float(value)}
        w = np.ones(len(df))
        sel = _mec_events(df)
        if not sel.any():
            return w
        q0, q3 = df["q0"].to_numpy()[sel], df["q3"].to_numpy()[sel]
        s_old, s_new = _shape(par), _shape(new)
        r = (
            np.ones(q0.size)
            if s_old == s_new
            else (mec_response(q0, q3, s_new) / np.maximum(mec_response(q0, q3, s_old), 1e-300))
        )
        # K_new / K_old per (neutrino, nucleus): factorize once instead of comparing strings
        codes, uniq = pd.factorize(
            pd.Series(df["nu_pdg"].to_numpy()[sel]).astype(str) + "|" + df["target"].to_numpy()[sel]
        )
        ratio = np.empty(len(uniq))
        for i, key in enumerate(uniq):
            pdg, tg = str(key).split("|")
            t = nucleus_parameters(tg)
            ratio[i] = _kconst(int(pdg), t, new) / _kconst(int(pdg), t, par)
        w[sel] = r * ratio[codes]
        return w

    return weight


def _nova_knob(df: pd.DataFrame, value: float) -> NDArray:
    par = df.attrs.get("params") or {}
    old, variant = _nova(par)
    w = np.ones(len(df))
    sel = _mec_events(df)
    if sel.any():
        args = (df["nu_pdg"].to_numpy()[sel], df["q0"].to_numpy()[sel], df["q3"].to_numpy()[sel])
        den = nova_map_weight(*args, old, variant)
        num = nova_map_weight(*args, value, variant)
        w[sel] = np.where(den > 0, num / np.where(den > 0, den, 1.0), 1.0)
    return w


def _register() -> None:
    from nuportal.interactions.processes import Process, register_process
    from nuportal.interactions.reweight import Knob, register_knob

    register_knob(
        Knob(
            "MEC_norm",
            1.0,
            0.5,
            "1",
            "2p2h normalization (x sigma_2p2h)",
            _shape_knob("MEC_norm"),
            0.0,
            10.0,
        )
    )
    register_knob(
        Knob(
            "MEC_q0_mean",
            MEC_DEFAULTS["MEC_q0_mean"],
            0.05,
            "GeV",
            "centre in q0 of the 2p2h Gaussian response (shape; sigma_sat fixed)",
            _shape_knob("MEC_q0_mean"),
            0.01,
            2.0,
        )
    )
    register_knob(
        Knob(
            "MEC_q3_mean",
            MEC_DEFAULTS["MEC_q3_mean"],
            0.10,
            "GeV",
            "centre in |q| of the 2p2h Gaussian response (shape; sigma_sat fixed)",
            _shape_knob("MEC_q3_mean"),
            0.01,
            2.5,
        )
    )
    register_knob(
        Knob(
            "nova_mec_2018",
            0.0,
            1.0,
            "1",
            "NOvA 2018 tune 2p2h (q0, |q|) weight map, arXiv:2006.08727 (0 off, 1 on)",
            _nova_knob,
            0.0,
            1.0,
        )
    )

    register_process(
        Process(
            name="2p2h",
            sample=sample_mec,
            total_cross_section=total_cross_section,
            mode="2p2h",
            doc="2p2h: empirical Gaussian response in (q0, |q|); NOvA 2018 map optional",
            weighted=True,
        )
    )


_register()
