"""Kinematics shared by the inelastic processes (resonant pions, non-resonant pions, DIS).

One home for: the Q^2 range at fixed (E, W), the (W, ln Q^2) quadrature of a double-differential
cross section, the vectorized accept-reject sampler in (W, ln Q^2), the outgoing lepton and the
hadronic four-momentum, the sequential isotropic decay of a hadronic system into nucleon + pions,
and pi0 -> gamma gamma. Internal module (the public entry points are in resonant, dis, total).

Conventions: neutrino along +z, struck nucleon at rest (the samplers add Fermi motion by boosting),
q = k - k', Q^2 = -q^2 > 0, W^2 = (p + q)^2, nu = q0 in the nucleon rest frame; GeV throughout.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from nuportal import constants
from nuportal.constants import mass
from nuportal.kinematics.fourvectors import boost, kallen, rotate_z_to, unit_vectors

__all__: list[str] = []

M_PROTON = mass("p")
M_NEUTRON = mass("n")
M_NUCLEON = 0.5 * (M_PROTON + M_NEUTRON)
M_PI = mass("pi+")
M_PI0 = mass("pi0")
#: cm^2 per GeV^-2, (hbar c)^2 (CODATA, one home in nuportal.constants).
GEV2_TO_CM2 = constants.GEV2_TO_CM2

_LEPTON_MASS = {11: mass("e-"), 13: mass("mu-"), 15: mass("tau-")}


def lepton_mass(nu_pdg: int, cc: bool) -> float:
    """Mass [GeV] of the outgoing lepton (0 for NC)."""
    return _LEPTON_MASS[abs(int(nu_pdg)) - 1] if cc else 0.0


def lepton_pdg(nu_pdg: int, cc: bool) -> int:
    """PDG code of the outgoing lepton: l- for nu CC, l+ for nubar CC, the neutrino for NC."""
    if not cc:
        return int(nu_pdg)
    return int(np.sign(nu_pdg)) * (abs(int(nu_pdg)) - 1)


def q2_limits(E, W, m_lep, M):
    """Q^2 range [GeV^2] at neutrino energy E [GeV] and hadronic mass W [GeV] (nucleon at rest).

    In the centre-of-mass frame: Q^2 = -m^2 + 2 E*_nu (E*_l -+ p*_l), with s = M^2 + 2 M E.
    Returns (Q2_lo, Q2_hi); both NaN where W + m > sqrt(s) (closed).
    """
    E = np.asarray(E, float)
    W = np.asarray(W, float)
    s = M * M + 2.0 * M * E
    rs = np.sqrt(s)
    e_nu = (s - M * M) / (2.0 * rs)
    e_l = (s + m_lep**2 - W * W) / (2.0 * rs)
    lam = kallen(s, m_lep**2, W * W)
    open_ = (W + m_lep < rs) & (lam >= 0)
    p_l = np.sqrt(np.where(open_, lam, 0.0)) / (2.0 * rs)
    lo = -(m_lep**2) + 2.0 * e_nu * (e_l - p_l)
    hi = -(m_lep**2) + 2.0 * e_nu * (e_l + p_l)
    return np.where(open_, np.maximum(lo, 0.0), np.nan), np.where(open_, hi, np.nan)


def w_max(E, m_lep, M):
    """Largest hadronic mass [GeV] at neutrino energy E [GeV]: sqrt(s) - m_lep."""
    return np.sqrt(M * M + 2.0 * M * np.asarray(E, float)) - m_lep


#: Smallest Q^2 [GeV^2] of the ln Q^2 variable (NC has Q2_lo = 0; the integrand Q^2 dsigma/dQ^2
#: vanishes there, so the cut changes totals by < 1e-5 relative).
Q2_FLOOR = 1e-6

DoubleDiff = Callable[[NDArray, NDArray, NDArray], NDArray]


def integrate_w_q2(dsig_dw_dq2: DoubleDiff, E, W_lo: float, W_hi, m_lep: float, M: float,
                   n_w: int = 48, n_q: int = 48) -> NDArray[np.float64]:
    """Integral of dsigma/dW dQ^2 over W in [W_lo, min(W_hi, W_max(E))] and the full Q^2 range.

    Gauss-Legendre in W (``n_w`` nodes) and in ln Q^2 (``n_q`` nodes) at each W, vectorized over
    the energies ``E`` (1-d array). ``dsig_dw_dq2(E, W, Q2)`` takes broadcastable arrays.
    Returns one integral per energy (0 where the range is closed).
    """
    E = np.atleast_1d(np.asarray(E, float))
    top = np.minimum(np.broadcast_to(np.asarray(W_hi, float), E.shape), w_max(E, m_lep, M))
    ok = top > W_lo
    top = np.where(ok, top, W_lo + 1e-9)
    tw, ww = np.polynomial.legendre.leggauss(n_w)
    tq, wq = np.polynomial.legendre.leggauss(n_q)
    W = W_lo + (top[:, None] - W_lo) * 0.5 * (tw[None, :] + 1.0)  # (nE, nw)
    jw = 0.5 * (top - W_lo)[:, None] * ww[None, :]
    lo, hi = q2_limits(E[:, None], W, m_lep, M)
    good = np.isfinite(lo) & np.isfinite(hi) & (hi > Q2_FLOOR)
    llo = np.log(np.maximum(np.where(good, lo, 1.0), Q2_FLOOR))
    lhi = np.log(np.where(good, hi, 2.0))
    lq = llo[..., None] + (lhi - llo)[..., None] * 0.5 * (tq + 1.0)  # (nE, nw, nq)
    Q2 = np.exp(lq)
    f = dsig_dw_dq2(E[:, None, None], W[..., None], Q2)
    f = np.where(np.isfinite(f), f, 0.0)
    inner = np.sum(f * Q2 * wq, axis=-1) * 0.5 * (lhi - llo)
    inner = np.where(good, inner, 0.0)
    return np.where(ok, np.sum(inner * jw, axis=-1), 0.0)


def sample_w_q2(dsig_dw_dq2: DoubleDiff, E: NDArray, W_lo: float, W_hi: float, m_lep: float,
                M: float, rng: np.random.Generator, n_grid: int = 24,
                safety: float = 1.5, max_rounds: int = 5000) -> tuple[NDArray, NDArray]:
    """Draw (W, Q^2) from dsigma/dW dQ^2 at each energy of ``E`` (vectorized accept-reject).

    Proposal: W uniform in [W_lo, min(W_hi, W_max(E))], then ln Q^2 uniform in its range at
    that W; acceptance g / g_max with g = Q^2 dsigma/dW dQ^2 x (ln Q^2 range) and g_max the
    maximum found on an ``n_grid`` x ``n_grid`` grid at the same energy times ``safety``.
    Events whose range is closed get W = Q^2 = NaN, and so do the few (at most 0.1 %) that fail
    to be accepted in ``max_rounds`` rounds (just above threshold, where the cross section
    vanishes); more failures raise RuntimeError (a model bug, not bad input). A RuntimeWarning
    says if the envelope was exceeded.
    """
    E = np.asarray(E, float)
    n = E.size
    top = np.minimum(W_hi, w_max(E, m_lep, M))
    ok = top > W_lo
    W_out = np.full(n, np.nan)
    Q_out = np.full(n, np.nan)
    idx = np.flatnonzero(ok)
    if idx.size == 0:
        return W_out, Q_out

    def g(e, w, lq):
        lo, hi = q2_limits(e, w, m_lep, M)
        good = np.isfinite(lo) & (hi > Q2_FLOOR)
        llo = np.log(np.maximum(np.where(good, lo, 1.0), Q2_FLOOR))
        lhi = np.log(np.where(good, hi, 2.0))
        q2 = np.exp(lq)
        val = dsig_dw_dq2(e, w, q2) * q2 * (lhi - llo)
        return np.where(good & np.isfinite(val), val, 0.0), llo, lhi

    # envelope on log-spaced energy bins (ratio 1.04): max of g on an n_grid x n_grid grid at
    # both bin edges, times ``safety``
    e_i = E[idx]
    t_i = top[idx]
    lb = np.floor(np.log(e_i) / np.log(1.04))
    ub, inv = np.unique(lb, return_inverse=True)
    edges = np.concatenate([1.04**ub, 1.04 ** (ub + 1)])
    u = np.linspace(0.0, 1.0, n_grid)  # includes the edges (the maximum may sit at Q2_max)
    t_e = np.minimum(W_hi, w_max(edges, m_lep, M)) - 1e-9
    wg = W_lo + (np.maximum(t_e, W_lo)[:, None] - W_lo) * u[None, :]
    lo, hi = q2_limits(edges[:, None], wg, m_lep, M)
    good = np.isfinite(lo) & (hi > Q2_FLOOR)
    llo = np.log(np.maximum(np.where(good, lo, 1.0), Q2_FLOOR))
    lhi = np.log(np.where(good, hi, 2.0))
    gm = np.zeros(edges.size)
    for j in range(n_grid):  # loop over grid columns, vectorized over energies and W
        val, _, _ = g(edges[:, None], wg, llo + (lhi - llo) * u[j])
        gm = np.maximum(gm, val.max(axis=1))
    gmax = safety * np.maximum(gm[: ub.size], gm[ub.size:])[inv]
    todo = np.arange(idx.size)
    worst = 0.0
    for _ in range(max_rounds):
        if todo.size == 0:
            break
        e = e_i[todo]
        w = W_lo + (t_i[todo] - W_lo) * rng.random(todo.size)
        lo, hi = q2_limits(e, w, m_lep, M)
        good = np.isfinite(lo) & (hi > Q2_FLOOR)
        llo = np.log(np.maximum(np.where(good, lo, 1.0), Q2_FLOOR))
        lhi = np.log(np.where(good, hi, 2.0))
        lq = llo + (lhi - llo) * rng.random(todo.size)
        val, _, _ = g(e, w, lq)
        worst = max(worst, float(np.max(val / gmax[todo])))
        acc = rng.random(todo.size) * gmax[todo] < val
        W_out[idx[todo[acc]]] = w[acc]
        Q_out[idx[todo[acc]]] = np.exp(lq[acc])
        todo = todo[~acc]
    if todo.size > max(2, 1e-3 * idx.size):
        raise RuntimeError(f"accept-reject did not converge for {todo.size} events")
    # a handful of events just above threshold, where the open region is a sliver the proposal
    # hardly hits (sigma ~ 0 there): returned as closed (NaN), i.e. weight 0
    if worst > 1.0:
        import warnings

        warnings.warn(f"accept-reject envelope exceeded by a factor {worst:.3f}: the sampled "
                      "(W, Q^2) distribution is slightly biased there", RuntimeWarning,
                      stacklevel=2)
    return W_out, Q_out


def lepton_and_hadron(E, W, Q2, m_lep, M, rng):
    """Outgoing lepton k' and hadronic system P = p + q (nucleon at rest, nu along +z).

    Returns (k_prime, P_had), each (N, 4) [GeV]; the azimuth is uniform.
    """
    E = np.asarray(E, float)
    nu = (W * W - M * M + Q2) / (2.0 * M)
    e_l = E - nu
    p_l = np.sqrt(np.clip(e_l * e_l - m_lep**2, 0.0, None))
    cos_t = np.clip((2.0 * E * e_l - m_lep**2 - Q2) / (2.0 * E * np.where(p_l > 0, p_l, 1.0)),
                    -1.0, 1.0)
    phi = rng.uniform(0.0, 2.0 * np.pi, E.size)
    k_l = np.empty((E.size, 4))
    k_l[:, 0] = e_l
    k_l[:, 1:] = p_l[:, None] * unit_vectors(cos_t, phi)
    had = np.empty_like(k_l)
    had[:, 0] = M + nu
    had[:, 1:] = -k_l[:, 1:]
    had[:, 3] += E
    return k_l, had


def isotropic_two_body(parent, m1, m2, rng):
    """Isotropic decay of ``parent`` (N, 4) into masses m1, m2 (arrays or floats) [GeV]."""
    M = np.sqrt(np.clip(parent[:, 0] ** 2 - np.sum(parent[:, 1:] ** 2, axis=1), 0.0, None))
    m1 = np.broadcast_to(np.asarray(m1, float), M.shape)
    m2 = np.broadcast_to(np.asarray(m2, float), M.shape)
    p = np.sqrt(np.clip(kallen(M * M, m1 * m1, m2 * m2), 0.0, None)) / (2.0 * M)
    d = unit_vectors(rng.uniform(-1.0, 1.0, M.size), rng.uniform(0.0, 2.0 * np.pi, M.size))
    a = np.empty((M.size, 4))
    a[:, 0] = np.sqrt(p * p + m1 * m1)
    a[:, 1:] = p[:, None] * d
    b = np.empty_like(a)
    b[:, 0] = np.sqrt(p * p + m2 * m2)
    b[:, 1:] = -a[:, 1:]
    beta = parent[:, 1:] / parent[:, :1]
    return boost(a, beta), boost(b, beta)


def sequential_decay(parent, masses, rng):
    """Decay ``parent`` (N, 4) into ``masses`` (N, k) by sequential isotropic two-body steps.

    Intermediate invariant masses are drawn uniformly between their kinematic limits
    (an approximate, unweighted n-body phase space: momentum and energy are conserved exactly,
    the distribution is not flat phase space). Returns (N, k, 4).
    """
    n, k = masses.shape
    out = np.empty((n, k, 4))
    cur = parent
    for i in range(k - 1):  # loop over daughters (k <= ~10), vectorized over events
        rest = masses[:, i + 1:].sum(axis=1)
        M = np.sqrt(np.clip(cur[:, 0] ** 2 - np.sum(cur[:, 1:] ** 2, axis=1), 0.0, None))
        if i < k - 2:
            hi = M - masses[:, i]
            m_rest = rest + (hi - rest) * rng.random(n) ** (1.0 / (k - 2 - i))
        else:
            m_rest = masses[:, -1]
        a, b = isotropic_two_body(cur, masses[:, i], m_rest, rng)
        out[:, i] = a
        cur = b
    out[:, -1] = cur
    return out


def pi0_photons(pi0, rng):
    """pi0 -> gamma gamma, isotropic in the pi0 rest frame; ``pi0`` (N, 4) -> two (N, 4)."""
    return isotropic_two_body(pi0, 0.0, 0.0, rng)


def nucleon_in_rest_frame(E, p_nuc, M):
    """Neutrino energy in the rest frame of a moving nucleon and the boost back to the lab.

    ``p_nuc`` (N, 3) [GeV], on-shell with mass M. Returns (E_star, direction (N, 3) of the
    neutrino in the nucleon rest frame, beta (N, 3) of the nucleon in the lab).
    """
    e_n = np.sqrt(M * M + np.sum(p_nuc**2, axis=1))
    beta = p_nuc / e_n[:, None]
    k = np.zeros((E.size, 4))
    k[:, 0] = E
    k[:, 3] = E
    k_star = boost(k, -beta)
    return k_star[:, 0], k_star[:, 1:] / k_star[:, :1], beta


def to_lab(p_star, direction, beta):
    """Rotate rest-frame vectors (z = neutrino direction) onto ``direction`` and boost by beta."""
    return boost(rotate_z_to(p_star, direction), beta)


# ----------------------------------------------------------------- events of the inelastic modes
_PI_PDG = {1: 211, 0: 111, -1: -211}


def hadron_charge(nu_pdg: int, nucleon_pdg: int, cc: bool) -> int:
    """Electric charge of the hadronic final state."""
    q = 1 if nucleon_pdg == 2212 else 0
    if cc:
        q += 1 if nu_pdg > 0 else -1
    return q


def choose_nucleon(E, sig_p, sig_n, Z: int, N: int, rng):
    """Hit nucleon per event (2212/2112) with probabilities Z sigma_p : N sigma_n."""
    tot = Z * sig_p + N * sig_n
    frac = np.where(tot > 0, Z * sig_p / np.where(tot > 0, tot, 1.0), Z / max(Z + N, 1))
    return np.where(rng.random(E.size) < frac, 2212, 2112)


def pion_charges(n_pi: int, total: NDArray, rng) -> NDArray:
    """Charges (N, n_pi) in {-1, 0, 1} drawn uniformly, then adjusted to sum to ``total``."""
    c = rng.integers(-1, 2, size=(total.size, n_pi))
    need = total - c.sum(axis=1)
    for j in range(n_pi):  # loop over pions (few), vectorized over events
        step = np.clip(need, -1 - c[:, j], 1 - c[:, j])
        c[:, j] += step
        need = need - step
    return c


def mean_multiplicity(W, nucleon_pdg: int, nu_pdg: int):
    """Mean number of pions in a hadronic system of mass W [GeV] (simple KNO-like model).

    Charged-hadron multiplicity <n_ch> = a + b ln W^2 with b = 1.42 and a = 0.40 (nu p,
    nubar n) / -0.20 (nu n, nubar p) (the AGKY values: T. Yang et al., Eur. Phys. J. C 63 (2009)
    1, arXiv:0904.4043); pions = 1.5 <n_ch> - 1 (neutral pions half the charged ones, minus the
    nucleon), at least 1.
    """
    a = 0.40 if (nucleon_pdg == 2212) == (nu_pdg > 0) else -0.20
    return np.maximum(1.5 * (a + 1.42 * np.log(W * W)) - 1.0, 1.0)


def build_tables(E, nu_pdg, cc, target_name, mode, nucleon, W, Q2, k_l, hadrons, pdgs, rng):
    """Events and particles DataFrames from per-event arrays.

    ``hadrons`` (N, h, 4) and ``pdgs`` (N, h) with pdg 0 for unused slots; pi0 are decayed to
    photons here (pi0 status 2, photons status 1).
    """
    import pandas as pd

    n = E.size
    M = M_NUCLEON
    nu = (W * W - M * M + Q2) / (2.0 * M)
    q3 = np.sqrt(nu * nu + Q2)
    ev = pd.DataFrame({
        "nu_pdg": np.full(n, nu_pdg, dtype=np.int64), "E_nu": E,
        "target": np.full(n, target_name, dtype=object),
        "hit_nucleon_pdg": nucleon.astype(np.int64), "mode": np.full(n, mode, dtype=object),
        "cc": np.full(n, bool(cc)), "weight": np.ones(n), "q0": nu, "q3": q3, "Q2": Q2, "W": W,
        "x": Q2 / (2.0 * M * nu), "y": nu / E,
        "lep_pdg": np.full(n, lepton_pdg(nu_pdg, cc), dtype=np.int64),
        "lep_E": k_l[:, 0], "lep_px": k_l[:, 1], "lep_py": k_l[:, 2], "lep_pz": k_l[:, 3],
    })
    ev.index.name = "event"
    # particles: lepton, hadrons, photons of pi0
    rows_evt = [np.arange(n)]
    rows_pdg = [np.full(n, lepton_pdg(nu_pdg, cc))]
    rows_p = [k_l]
    rows_st = [np.ones(n, dtype=np.int64)]
    h = pdgs.shape[1]
    for j in range(h):  # loop over hadron slots (few), vectorized over events
        use = pdgs[:, j] != 0
        ids = np.flatnonzero(use)
        is_pi0 = pdgs[ids, j] == 111
        rows_evt.append(ids)
        rows_pdg.append(pdgs[ids, j])
        rows_p.append(hadrons[ids, j])
        rows_st.append(np.where(is_pi0, 2, 1))
        if np.any(is_pi0):
            pid = ids[is_pi0]
            g1, g2 = pi0_photons(hadrons[pid, j], rng)
            rows_evt += [pid, pid]
            rows_pdg += [np.full(pid.size, 22), np.full(pid.size, 22)]
            rows_p += [g1, g2]
            rows_st += [np.ones(pid.size, dtype=np.int64)] * 2
    evt = np.concatenate(rows_evt)
    order = np.argsort(evt, kind="stable")
    P = np.concatenate(rows_p)[order]
    pa = pd.DataFrame({
        "event": evt[order].astype(np.int64),
        "pdg": np.concatenate(rows_pdg)[order].astype(np.int64),
        "E": P[:, 0], "px": P[:, 1], "py": P[:, 2], "pz": P[:, 3],
        "status": np.concatenate(rows_st)[order].astype(np.int64),
    })
    return ev, pa
