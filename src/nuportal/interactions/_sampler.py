"""Samplers, cached total cross sections and process registration of the inelastic modes.

Modes: ``res`` (Delta(1232), :mod:`.resonant`), ``nonres_pion`` (W < W_CUT, scaled DIS,
:mod:`.dis`), ``dis`` (W >= W_CUT). Struck nucleon at rest (no Fermi motion in these modes; see
docs/interactions.md), chosen with probability Z sigma_p : N sigma_n. Final states:

* res: Delta -> N pi isotropic in the Delta rest frame, branching ratios by isospin;
* nonres_pion: one nucleon and one pion, isotropic in the hadronic rest frame, charges by the
  isospin-1/2 Clebsch-Gordan coefficients (N pi+- : N' pi0 = 2 : 1 where both are allowed);
* dis: one nucleon and n pions (n >= 1 from a Poisson law with the mean of
  :func:`._inelastic.mean_multiplicity`, capped by phase space), charges conserved, momenta from
  sequential isotropic two-body decays of the hadronic system (no jet structure).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.interpolate import PchipInterpolator

from nuportal.interactions import _inelastic as ki
from nuportal.interactions import dis, resonant
from nuportal.interactions.processes import Process, register_process
from nuportal.interactions.targets import nucleus_parameters

__all__: list[str] = []

#: Model parameters of these modes and their defaults.
DEFAULTS = {"M_A_RES": resonant.M_A_RES_DEFAULT, "nonres_pion_scale": 1.0, "dis_norm": 1.0}


def _params(params: dict) -> dict[str, float]:
    out = {}
    for k, v in DEFAULTS.items():
        val = float(params.get(k, v))
        if not (np.isfinite(val) and val >= 0 and (k != "M_A_RES" or val > 0)):
            raise ValueError(f"{k} must be finite and {'> 0 GeV' if k == 'M_A_RES' else '>= 0'}"
                             f", got {params.get(k)!r}")
        out[k] = val
    return out


def dsigma(kind: str, nu_pdg: int, nucleon: int, cc: bool, p: dict[str, float]):
    """d2sigma/dW dQ^2 [cm^2/GeV^3] per nucleon of mode ``kind`` as a function of (E, W, Q2)."""
    if kind == "res":
        return lambda e, w, q2: resonant.d2sigma_dw_dq2(e, w, q2, nu_pdg, nucleon, cc,
                                                        p["M_A_RES"])
    if kind == "nonres_pion":
        r = dis.nonres_scale(nu_pdg, nucleon, cc) * p["nonres_pion_scale"]
        return lambda e, w, q2: r * dis.d2sigma_dw_dq2(e, w, q2, nu_pdg, nucleon, cc)
    return lambda e, w, q2: p["dis_norm"] * dis.d2sigma_dw_dq2(e, w, q2, nu_pdg, nucleon, cc)


def w_range(kind: str) -> tuple[float, float]:
    """(W_lo, W_hi) [GeV] of mode ``kind``."""
    if kind == "dis":
        return dis.W_CUT, np.inf
    return ki.M_NEUTRON + ki.M_PI + 1e-4, dis.W_CUT


@lru_cache(maxsize=256)
def _sigma_table(kind: str, nu_pdg: int, nucleon: int, cc: bool, par: tuple) -> PchipInterpolator:
    p = dict(par)
    m = ki.lepton_mass(nu_pdg, cc)
    lo, _ = w_range(kind)
    e_th = ((lo + m) ** 2 - ki.M_NUCLEON**2) / (2.0 * ki.M_NUCLEON)
    le = np.linspace(np.log(e_th), np.log(dis.E_MAX), 90)
    E = np.exp(le)
    E[0] = e_th
    s = ki.integrate_w_q2(dsigma(kind, nu_pdg, nucleon, cc, p), E[1:], lo, w_range(kind)[1], m,
                          ki.M_NUCLEON, n_w=40, n_q=40)
    return PchipInterpolator(le, np.concatenate([[0.0], s]), extrapolate=False)


def sigma_nucleon(kind: str, E, nu_pdg: int, nucleon: int, cc: bool, **params) -> np.ndarray:
    """Cross section [cm^2] per nucleon of mode ``kind`` (cached table, pchip in ln E)."""
    E = dis._check_energy(E)
    p = _params(params)
    tab = _sigma_table(kind, int(nu_pdg), int(nucleon), bool(cc), tuple(sorted(p.items())))
    return np.nan_to_num(tab(np.log(E)), nan=0.0).clip(0.0)


def sigma_nucleus(kind: str, E, nu_pdg: int, target: str, cc: bool, **params) -> np.ndarray:
    """Cross section [cm^2] per nucleus: Z sigma_p + N sigma_n (no nuclear effects)."""
    nuc = nucleus_parameters(target)
    return (nuc.Z * sigma_nucleon(kind, E, nu_pdg, 2212, cc, **params)
            + nuc.N * sigma_nucleon(kind, E, nu_pdg, 2112, cc, **params))


def _final_state_res(nucleon, nu_pdg, cc, had, rng):
    qh = np.array([ki.hadron_charge(nu_pdg, n_, cc) for n_ in (2212, 2112)])[
        (nucleon == 2112).astype(int)]
    # Delta charge qh: ++ -> p pi+; + -> p pi0 (2/3) / n pi+; 0 -> n pi0 (2/3) / p pi-; - -> n pi-
    u = rng.random(nucleon.size)
    nuc_charge = np.where(qh == 2, 1, np.where(qh == -1, 0, np.where(u < 2 / 3, qh, qh - 1)))
    return nuc_charge, qh - nuc_charge


def _final_state_nonres(nucleon, nu_pdg, cc, had, rng):
    qh = np.array([ki.hadron_charge(nu_pdg, n_, cc) for n_ in (2212, 2112)])[
        (nucleon == 2112).astype(int)]
    u = rng.random(nucleon.size)
    # isospin 1/2: N pi0 : N' pi(+-) = 1 : 2
    nuc_charge = np.where(qh == 2, 1, np.where(qh == -1, 0, np.where(u < 1 / 3, qh, 1 - qh)))
    return nuc_charge, qh - nuc_charge


def _two_body(had, nuc_charge, pi_charge, rng):
    mN = np.where(nuc_charge == 1, ki.M_PROTON, ki.M_NEUTRON)
    mpi = np.where(pi_charge == 0, ki.M_PI0, ki.M_PI)
    a, b = ki.isotropic_two_body(had, mN, mpi, rng)
    hadrons = np.stack([a, b], axis=1)
    pdgs = np.stack([np.where(nuc_charge == 1, 2212, 2112),
                     np.select([pi_charge == 1, pi_charge == 0], [211, 111], -211)],
                    axis=1)
    return hadrons, pdgs


def _final_state_dis(nucleon, nu_pdg, cc, had, W, rng):
    n = W.size
    mean = np.where(nucleon == 2212, ki.mean_multiplicity(W, 2212, nu_pdg),
                    ki.mean_multiplicity(W, 2112, nu_pdg))
    n_max = np.maximum(np.floor((W - ki.M_NUCLEON) / (ki.M_PI + 0.01)).astype(int), 1)
    n_pi = np.clip(rng.poisson(mean - 1.0) + 1, 1, np.minimum(n_max, 12))
    qh = np.where(nucleon == 2212, ki.hadron_charge(nu_pdg, 2212, cc),
                  ki.hadron_charge(nu_pdg, 2112, cc))
    kmax = int(n_pi.max()) + 1
    hadrons = np.zeros((n, kmax, 4))
    pdgs = np.zeros((n, kmax), dtype=np.int64)
    for k in np.unique(n_pi):  # loop over multiplicities (few), vectorized over events
        sel = np.flatnonzero(n_pi == k)
        nuc_q = (rng.random(sel.size) < 0.5).astype(int)
        need = qh[sel] - nuc_q
        nuc_q = np.where(need > k, nuc_q + 1, np.where(need < -k, nuc_q - 1, nuc_q))
        need = qh[sel] - nuc_q
        charges = ki.pion_charges(int(k), need, rng)
        masses = np.concatenate(
            [np.where(nuc_q == 1, ki.M_PROTON, ki.M_NEUTRON)[:, None],
             np.where(charges == 0, ki.M_PI0, ki.M_PI)], axis=1)
        p4 = ki.sequential_decay(had[sel], masses, rng)
        hadrons[sel, : k + 1] = p4
        pdgs[sel, 0] = np.where(nuc_q == 1, 2212, 2112)
        pdgs[sel, 1: k + 1] = np.select([charges == 1, charges == 0], [211, 111], -211)
    return hadrons, pdgs


def sample(kind: str, E_nu, nu_pdg: int, target: str, rng, cc: bool, **params):
    """Events of mode ``kind`` at energies E_nu [GeV] on nucleus ``target`` (see module doc)."""
    from nuportal._validation import as_rng

    rng = as_rng(rng)
    E = dis._check_energy(E_nu)
    p = _params(params)
    nuc = nucleus_parameters(target)
    sp = sigma_nucleon(kind, E, nu_pdg, 2212, cc, **p)
    sn = sigma_nucleon(kind, E, nu_pdg, 2112, cc, **p)
    nucleon = ki.choose_nucleon(E, sp, sn, nuc.Z, nuc.N, rng)
    m = ki.lepton_mass(nu_pdg, cc)
    lo, hi = w_range(kind)
    W = np.full(E.size, np.nan)
    Q2 = np.full(E.size, np.nan)
    for n_pdg in (2212, 2112):
        sel = np.flatnonzero(nucleon == n_pdg)
        if sel.size:
            W[sel], Q2[sel] = ki.sample_w_q2(dsigma(kind, nu_pdg, n_pdg, cc, p), E[sel], lo, hi,
                                             m, ki.M_NUCLEON, rng)
    closed = ~np.isfinite(W)
    # below threshold: a placeholder at threshold kinematics with weight 0
    W = np.where(closed, lo + 1e-6, W)
    Q2 = np.where(closed, 0.0, Q2)
    Etmp = np.where(closed, np.maximum(E, 2 * (lo + m)), E)
    k_l, had = ki.lepton_and_hadron(Etmp, W, np.where(closed, 1e-6, Q2), m, ki.M_NUCLEON, rng)
    if kind == "dis":
        hadrons, pdgs = _final_state_dis(nucleon, nu_pdg, cc, had, W, rng)
    else:
        fs = _final_state_res if kind == "res" else _final_state_nonres
        nq, pq = fs(nucleon, nu_pdg, cc, had, rng)
        hadrons, pdgs = _two_body(had, nq, pq, rng)
    ev, pa = ki.build_tables(E, nu_pdg, cc, nuc.name, kind, nucleon, W, Q2, k_l, hadrons,
                             pdgs, rng)
    ev["weight"] = np.where(closed, 0.0, 1.0)
    return ev, pa


def _register() -> None:
    docs = {
        "res": "Delta(1232) isobar model (Llewellyn Smith vertex, Lalakulich-Paschos form "
               "factors), W < 1.7 GeV",
        "nonres_pion": "non-resonant pions: Bodek-Yang DIS below W = 1.7 GeV x GENIE 1-pion "
                       "factors",
        "dis": "DIS: Bodek-Yang effective LO (hep-ph/0411202) on GRV94 LO, W >= 1.7 GeV",
    }
    for kind in ("res", "nonres_pion", "dis"):
        for cc in (True, False):
            short = {"res": "res", "nonres_pion": "nonres", "dis": "dis"}[kind]

            def _s(E_nu, nu_pdg, target, rng, _k=kind, _cc=cc, **params):
                return sample(_k, E_nu, nu_pdg, target, rng, _cc, **params)

            def _t(E_nu, nu_pdg, target, _k=kind, _cc=cc, **params):
                return sigma_nucleus(_k, E_nu, nu_pdg, target, _cc, **params)

            register_process(Process(name=f"{short}_{'cc' if cc else 'nc'}", sample=_s,
                                     total_cross_section=_t, mode=kind,
                                     doc=docs[kind] + (" (CC)" if cc else " (NC)")))


_register()


# ----------------------------------------------------------------- reweighting knobs
def _scale_knob_weight(mode: str, name: str):
    def weight(events, value: float) -> np.ndarray:
        from nuportal.interactions.reweight import generated_value

        old = generated_value(events, name)
        sel = events["mode"].to_numpy() == mode
        return np.where(sel, value / old if old > 0 else 1.0, 1.0)

    return weight


def _ma_res_weight(events, value: float) -> np.ndarray:
    from nuportal.interactions.reweight import generated_value

    old = generated_value(events, "M_A_RES")
    w = np.ones(len(events))
    mode = events["mode"].to_numpy()
    if old == value or not np.any(mode == "res"):
        return w
    nu = events["nu_pdg"].to_numpy()
    nuc = events["hit_nucleon_pdg"].to_numpy()
    cc = events["cc"].to_numpy()
    E, W, Q2 = (events[c].to_numpy() for c in ("E_nu", "W", "Q2"))
    for key in set(zip(nu[mode == "res"], nuc[mode == "res"], cc[mode == "res"], strict=True)):
        sel = (mode == "res") & (nu == key[0]) & (nuc == key[1]) & (cc == key[2])
        args = (E[sel], W[sel], Q2[sel], int(key[0]), int(key[1]), bool(key[2]))
        d_new = resonant.d2sigma_dw_dq2(*args, M_A=value)
        d_old = resonant.d2sigma_dw_dq2(*args, M_A=old)
        w[sel] = np.where(d_old > 0, d_new / np.where(d_old > 0, d_old, 1.0), 1.0)
    return w


def _register_knobs() -> None:
    from nuportal.interactions.reweight import Knob, register_knob

    register_knob(Knob(
        "M_A_RES", resonant.M_A_RES_DEFAULT, 0.2 * resonant.M_A_RES_DEFAULT, "GeV",
        "Axial mass of the N -> Delta form factor C5A (resonant mode); weight = ratio of "
        "d2sigma/dW dQ^2 at the event's (E, W, Q^2)", _ma_res_weight, lower=0.3, upper=3.0))
    register_knob(Knob(
        "nonres_pion_scale", 1.0, 0.5, "1",
        "Scale of the non-resonant pion (W < 1.7 GeV) cross section; NOvA 2018 tune: 0.41 "
        "(arXiv:2006.08727)", _scale_knob_weight("nonres_pion", "nonres_pion_scale"),
        lower=0.0, upper=10.0))
    register_knob(Knob(
        "dis_norm", 1.0, 0.05, "1", "Normalization of the DIS (W >= 1.7 GeV) cross section",
        _scale_knob_weight("dis", "dis_norm"), lower=0.0, upper=10.0))


_register_knobs()
