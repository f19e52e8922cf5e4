"""Samplers, cached total cross sections and process registration of the inelastic modes.

Modes: ``res`` (Delta(1232), :mod:`.resonant`), ``nonres_pion`` (W < W_CUT, scaled DIS,
:mod:`.dis`), ``dis`` (W >= W_CUT). The struck nucleon (proton or neutron with probability
Z sigma_p : N sigma_n) moves with a Fermi-gas momentum (on shell, no binding energy); totals
are Z sigma_p + N sigma_n of nucleons at rest. Pauli blocking (an approximation): res and
nonres_pion events on nuclei whose final nucleon has |p| < k_F get weight 0 (3-8 % of Delta
events on carbon at 0.6-3 GeV). Final states:

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
    le = np.linspace(np.log(e_th), np.log(dis.E_MAX), 64)
    E = np.exp(le)
    E[0] = e_th
    s = ki.integrate_w_q2(dsigma(kind, nu_pdg, nucleon, cc, p), E[1:], lo, w_range(kind)[1], m,
                          ki.M_NUCLEON, n_w=36, n_q=32)
    return PchipInterpolator(le, np.concatenate([[0.0], s]), extrapolate=False)


def sigma_nucleon(kind: str, E, nu_pdg: int, nucleon: int, cc: bool, **params) -> np.ndarray:
    """Cross section [cm^2] per nucleon of mode ``kind`` (cached table, pchip in ln E)."""
    E = dis._check_energy(E)
    p = _params(params)
    scale = 1.0
    if kind == "res":  # p and n differ by the isospin factor only: one table per (nu, cc)
        base = 2112 if nu_pdg > 0 else 2212
        scale = (resonant.isospin_factor(nu_pdg, nucleon, cc)
                 / resonant.isospin_factor(nu_pdg, base, cc))
        nucleon = base
    tab = _sigma_table(kind, int(nu_pdg), int(nucleon), bool(cc), tuple(sorted(p.items())))
    return scale * np.nan_to_num(tab(np.log(E)), nan=0.0).clip(0.0)


def sigma_nucleus(kind: str, E, nu_pdg: int, target: str, cc: bool, **params) -> np.ndarray:
    """Cross section [cm^2] per nucleus: Z sigma_p + N sigma_n (no nuclear effects)."""
    nuc = nucleus_parameters(target)
    return (nuc.Z * sigma_nucleon(kind, E, nu_pdg, 2212, cc, **params)
            + nuc.N * sigma_nucleon(kind, E, nu_pdg, 2112, cc, **params))


def _final_state_res(nucleon, nu_pdg, cc, rng):
    qh = np.array([ki.hadron_charge(nu_pdg, n_, cc) for n_ in (2212, 2112)])[
        (nucleon == 2112).astype(int)]
    # Delta charge qh: ++ -> p pi+; + -> p pi0 (2/3) / n pi+; 0 -> n pi0 (2/3) / p pi-; - -> n pi-
    u = rng.random(nucleon.size)
    nuc_charge = np.where(qh == 2, 1, np.where(qh == -1, 0, np.where(u < 2 / 3, qh, 1 - qh)))
    return nuc_charge, qh - nuc_charge


def _final_state_nonres(nucleon, nu_pdg, cc, rng):
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


def _fermi_momenta(E, kind, nu_pdg, nucleon, cc, kF, p, rng):
    """Struck-nucleon momenta (N, 3) [GeV], uniform in the Fermi sphere of radius kF, accepted
    with probability proportional to sigma(E*) M E* / (E E_N) (cross section times flux factor,
    E* the neutrino energy in the nucleon rest frame)."""
    n = E.size
    out = np.zeros((n, 3))
    if kF <= 0 or n == 0:
        return out
    M = ki.M_NUCLEON

    def f(e, pn):
        e_n = np.sqrt(M * M + np.sum(pn * pn, axis=1))
        e_star = e * (e_n - pn[:, 2]) / M
        sig = sigma_nucleon(kind, np.clip(e_star, 1e-6, dis.E_MAX), nu_pdg, nucleon, cc, **p)
        return sig * M * e_star / (e * e_n)

    e_n_max = np.sqrt(M * M + kF * kF)
    grid = np.linspace(e_n_max - kF, e_n_max + kF, 9) / M  # E*/E over the sphere
    env = np.zeros(n)
    for r in grid:  # 9 energies, vectorized over events
        sig = sigma_nucleon(kind, np.clip(E * r, 1e-6, dis.E_MAX), nu_pdg, nucleon, cc, **p)
        env = np.maximum(env, sig * r)
    env *= 1.2
    todo = np.flatnonzero(env > 0)
    for _ in range(200):
        if todo.size == 0:
            break
        d = rng.normal(size=(todo.size, 3))
        d /= np.linalg.norm(d, axis=1, keepdims=True)
        pn = d * (kF * rng.random(todo.size) ** (1.0 / 3.0))[:, None]
        acc = rng.random(todo.size) * env[todo] < f(E[todo], pn)
        out[todo[acc]] = pn[acc]
        todo = todo[~acc]
    return out


def sample(kind: str, E_nu, nu_pdg: int, target: str, rng, cc: bool, **params):
    """Events of mode ``kind`` at energies E_nu [GeV] on nucleus ``target`` (module docstring).

    The struck nucleon moves with a momentum drawn from the global Fermi gas of the target
    (:data:`nuportal.interactions.targets.NUCLEUS_PARAMETERS` k_F; free nucleons at rest), on
    shell and without binding energy; the interaction is generated in its rest frame and boosted
    to the lab. Events below threshold get weight 0, and so do Pauli-blocked ones (res and
    nonres_pion on nuclei: final nucleon momentum below k_F), so the
    generator's rates include the blocking while the sigma tables are free-nucleon sums.
    """
    from nuportal._validation import as_rng

    rng = as_rng(rng)
    E = dis._check_energy(E_nu)
    p = _params(params)
    nuc = nucleus_parameters(target)
    M = ki.M_NUCLEON
    sp = sigma_nucleon(kind, E, nu_pdg, 2212, cc, **p)
    sn = sigma_nucleon(kind, E, nu_pdg, 2112, cc, **p)
    nucleon = ki.choose_nucleon(E, sp, sn, nuc.Z, nuc.N, rng)
    p_nuc = np.zeros((E.size, 3))
    for n_pdg in (2212, 2112):
        sel = np.flatnonzero(nucleon == n_pdg)
        p_nuc[sel] = _fermi_momenta(E[sel], kind, nu_pdg, n_pdg, cc, nuc.kF, p, rng)
    e_star, direction, beta = ki.nucleon_in_rest_frame(E, p_nuc, M)
    m = ki.lepton_mass(nu_pdg, cc)
    lo, hi = w_range(kind)
    W = np.full(E.size, np.nan)
    Q2 = np.full(E.size, np.nan)
    for n_pdg in (2212, 2112):
        sel = np.flatnonzero(nucleon == n_pdg)
        if sel.size:
            W[sel], Q2[sel] = ki.sample_w_q2(dsigma(kind, nu_pdg, n_pdg, cc, p), e_star[sel], lo,
                                             hi, m, M, rng)
    closed = ~np.isfinite(W)
    # below threshold: placeholder kinematics (at a safe energy), weight 0
    W = np.where(closed, lo + 1e-6, W)
    Q2 = np.where(closed, 1e-6, Q2)
    e_gen = np.where(closed, 2.0 * (lo + m) + 1.0, e_star)
    k_l, had = ki.lepton_and_hadron(e_gen, W, Q2, m, M, rng)
    if kind == "dis":
        hadrons, pdgs = _final_state_dis(nucleon, nu_pdg, cc, had, W, rng)
    else:
        fs = _final_state_res if kind == "res" else _final_state_nonres
        nq, pq = fs(nucleon, nu_pdg, cc, rng)
        hadrons, pdgs = _two_body(had, nq, pq, rng)
    moving = np.any(p_nuc != 0.0, axis=1) & ~closed
    if np.any(moving):
        k_l[moving] = ki.to_lab(k_l[moving], direction[moving], beta[moving])
        hadrons[moving] = ki.to_lab(hadrons[moving], direction[moving][:, None, :],
                                    beta[moving][:, None, :])
    ev, pa = ki.build_tables(E, nu_pdg, cc, nuc.name, kind, nucleon, W, Q2, k_l, hadrons,
                             pdgs, rng)
    nu_lab = E - k_l[:, 0]
    ev["q0"] = nu_lab
    ev["q3"] = np.sqrt(k_l[:, 1] ** 2 + k_l[:, 2] ** 2 + (E - k_l[:, 3]) ** 2)
    nu_rest = (W * W - M * M + Q2) / (2.0 * M)
    ev["x"] = Q2 / (2.0 * M * nu_rest)
    ev["y"] = nu_rest / e_gen
    ev["pF"] = np.linalg.norm(p_nuc, axis=1)
    ev["nuc_px"], ev["nuc_py"], ev["nuc_pz"] = p_nuc[:, 0], p_nuc[:, 1], p_nuc[:, 2]
    ev["kF"] = nuc.kF
    if kind == "res":  # what the M_A_RES knob needs: the three tensor contractions
        t = np.full((E.size, 3), np.nan)
        ok = ~closed
        if np.any(ok):
            t[ok] = resonant.tensor_components(e_gen[ok], W[ok], Q2[ok], nu_pdg, cc)
        for i, col in enumerate(_T_COLUMNS):
            ev[col] = t[:, i]
    blocked = np.zeros(E.size, dtype=bool)
    if nuc.kF > 0 and kind != "dis":  # Pauli blocking of the nucleon of the N pi final state
        blocked = np.linalg.norm(hadrons[:, 0, 1:], axis=1) < nuc.kF
    ev["weight"] = np.where(closed | blocked, 0.0, 1.0)
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


_T_COLUMNS = ("res_t_vv", "res_t_va", "res_t_aa")


def _e_star(events) -> np.ndarray:
    """Neutrino energy in the struck nucleon's rest frame [GeV] (nucleon at rest if unknown)."""
    E = events["E_nu"].to_numpy(float)
    if "nuc_pz" not in events.columns:
        return E
    pn = events[["nuc_px", "nuc_py", "nuc_pz"]].to_numpy(float)
    pn = np.nan_to_num(pn)
    M = ki.M_NUCLEON
    return E * (np.sqrt(M * M + np.sum(pn * pn, axis=1)) - pn[:, 2]) / M


def _ma_res_weight(events, value: float) -> np.ndarray:
    """Ratio of |M|^2 at M_A_RES = value and at the generation value, from the stored tensor
    contractions (T_VV + g T_VA + g^2 T_AA; recomputed from the kinematics if absent)."""
    from nuportal.interactions.reweight import generated_value

    old = generated_value(events, "M_A_RES")
    w = np.ones(len(events))
    res = events["mode"].to_numpy() == "res"
    if old == value or not np.any(res):
        return w
    idx = np.flatnonzero(res)
    Q2 = events["Q2"].to_numpy(float)[idx]
    if all(c in events.columns for c in _T_COLUMNS):
        t = events.loc[:, list(_T_COLUMNS)].to_numpy(float)[idx]
    else:
        t = np.full((idx.size, 3), np.nan)
    missing = ~np.all(np.isfinite(t), axis=1)
    if np.any(missing):
        sub = events.iloc[idx[missing]]
        e_star = _e_star(sub)
        nu = sub["nu_pdg"].to_numpy()
        cc = sub["cc"].to_numpy()
        for key in set(zip(nu, cc, strict=True)):
            sel = (nu == key[0]) & (cc == key[1])
            t_sel = resonant.tensor_components(e_star[sel], sub["W"].to_numpy(float)[sel],
                                               sub["Q2"].to_numpy(float)[sel], int(key[0]),
                                               bool(key[1]))
            tmp = t[missing]
            tmp[sel] = t_sel
            t[missing] = tmp
    g_old = resonant.axial_shape(Q2, old)
    g_new = resonant.axial_shape(Q2, value)
    num = t[:, 0] + g_new * t[:, 1] + g_new**2 * t[:, 2]
    den = t[:, 0] + g_old * t[:, 1] + g_old**2 * t[:, 2]
    w[idx] = np.where(den > 0, np.clip(num, 0.0, None) / np.where(den > 0, den, 1.0), 1.0)
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
