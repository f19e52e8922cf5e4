"""Spin-summed |M|^2 of nu N -> l Delta with a Rarita-Schwinger Delta, by explicit Dirac algebra.

The hadronic vertex (Llewellyn Smith, Phys. Rept. 3 (1972) 261; in the notation of
E. Hernandez, J. Nieves, M. Valverde, Phys. Rev. D 76 (2007) 033005, eq. 5-6):

Gamma^{alpha mu} = [C3V/M (g^{alpha mu} qslash - q^alpha gamma^mu)
                    + C4V/M^2 (g^{alpha mu} q.p' - q^alpha p'^mu)
                    + C5V/M^2 (g^{alpha mu} q.p - q^alpha p^mu)] gamma5
                 + C3A/M (g^{alpha mu} qslash - q^alpha gamma^mu)
                 + C4A/M^2 (g^{alpha mu} q.p' - q^alpha p'^mu) + C5A g^{alpha mu}
                 + C6A/M^2 q^alpha q^mu,

the Rarita-Schwinger spin sum for a Delta of four-momentum p' and mass W,
sum u_beta ubar_alpha = -(p'slash + W) [g_{beta alpha} - gamma_beta gamma_alpha / 3
 - 2 p'_beta p'_alpha / (3 W^2) + (p'_beta gamma_alpha - p'_alpha gamma_beta) / (3 W)],
and the lepton tensor L_{mu nu} = Tr[(k'slash + m) gamma_mu (1 - g5) kslash (1 + g5) gamma_nu]
(neutrino; antineutrino: Tr[kslash gamma_mu (1 - g5) (k'slash - m) (1 + g5) gamma_nu]).

Instead of expanding the traces by hand, the contraction L_{mu nu} H^{mu nu} is evaluated with
explicit 4x4 Dirac matrices (Dirac representation): L is split into its eigen-currents
l^(i)_mu (L = sum_i l^(i)_mu l^(i)*_nu, rank 2), X^alpha = l_mu Gamma^{alpha mu}, and
sum |M|^2 = sum_i sum_{alpha beta} Tr[X^alpha (pslash + M) Xbar^beta P_{beta alpha}],
vectorized over kinematic points. Internal module of :mod:`.resonant`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

_I2 = np.eye(2)
_Z2 = np.zeros((2, 2))
_SIG = (np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.diag([1.0, -1.0]))
GAMMA = np.zeros((4, 4, 4), complex)
GAMMA[0] = np.block([[_I2, _Z2], [_Z2, -_I2]])
for _i, _s in enumerate(_SIG):
    GAMMA[_i + 1] = np.block([[_Z2, _s], [-_s, _Z2]])
GAMMA5 = 1j * GAMMA[0] @ GAMMA[1] @ GAMMA[2] @ GAMMA[3]
METRIC = np.diag([1.0, -1.0, -1.0, -1.0])
GAMMA_LOW = np.einsum("mn,nij->mij", METRIC, GAMMA)
ONE = np.eye(4, dtype=complex)


def slash(p: NDArray) -> NDArray:
    """p_mu gamma^mu for contravariant p (..., 4) (real or complex) -> (..., 4, 4)."""
    return np.einsum("...m,mij->...ij", p @ METRIC, GAMMA)


def mdot(a: NDArray, b: NDArray) -> NDArray:
    """Minkowski product of contravariant four-vectors (..., 4)."""
    return a[..., 0] * b[..., 0] - np.sum(a[..., 1:] * b[..., 1:], axis=-1)


def lepton_tensor(k: NDArray, kp: NDArray, m: float, anti: bool) -> NDArray:
    """L_{mu nu} (lower indices), shape (N, 4, 4), complex Hermitian."""
    ks, kps = slash(k), slash(kp)
    if anti:
        a, b = ks, kps - m * ONE
    else:
        a, b = kps + m * ONE, ks
    left = ONE - GAMMA5
    right = ONE + GAMMA5
    ga = np.einsum("ajk,kl->ajl", GAMMA_LOW, left)
    gb = np.einsum("kl,blm->bkm", right, GAMMA_LOW)
    # Tr[a gamma_mu (1-g5) b (1+g5) gamma_nu]
    t1 = np.einsum("nij,ajk->naik", a, ga)
    t2 = np.einsum("nkl,blm->nbkm", b, gb)
    return np.einsum("naik,nbki->nab", t1, t2)


def rs_projector(pp: NDArray, W: NDArray) -> NDArray:
    """Rarita-Schwinger spin sum P_{beta alpha}(p') for mass W, shape (N, 4b, 4a, 4, 4)."""
    W = np.asarray(W, float)
    pp_low = pp @ METRIC
    gl = GAMMA_LOW
    bracket = (METRIC[None, :, :, None, None] * ONE
               - np.einsum("bij,ajk->baik", gl, gl)[None] / 3.0
               - (2.0 / (3.0 * W**2))[:, None, None, None, None]
               * (pp_low[:, :, None] * pp_low[:, None, :])[..., None, None] * ONE
               + (pp_low[:, :, None, None, None] * gl[None, None, :, :, :]
                  - pp_low[:, None, :, None, None] * gl[None, :, None, :, :])
               / (3.0 * W)[:, None, None, None, None])
    return -np.einsum("nij,nbajk->nbaik", slash(pp) + W[:, None, None] * ONE, bracket)


def hadron_tensor(W: NDArray, Q2: NDArray, ff: dict[str, NDArray], M: float) -> NDArray:
    """H^{mu nu} = sum Tr[Gamma^{alpha mu} (pslash + M) Gammabar^{beta nu} P_{beta alpha}].

    Frame: nucleon at rest, q = (nu, 0, 0, |q|) along +z; W [GeV], Q2 [GeV^2] arrays (N,).
    Returns (N, 4, 4) complex (upper indices; not averaged over the nucleon spin).
    """
    W = np.asarray(W, float)
    Q2 = np.asarray(Q2, float)
    n = W.size
    nu = (W * W - M * M + Q2) / (2.0 * M)
    p = np.zeros((n, 4))
    p[:, 0] = M
    q = np.zeros((n, 4))
    q[:, 0] = nu
    q[:, 3] = np.sqrt(nu * nu + Q2)
    pp = p + q
    ps = slash(p) + M * ONE
    qs = slash(q)
    proj = rs_projector(pp, W)
    qp_ = mdot(q, pp)[:, None, None, None]
    qp = mdot(q, p)[:, None, None, None]
    c = {k: np.asarray(v, float)[:, None, None, None] for k, v in ff.items()}
    g0 = GAMMA[0]
    gam = np.broadcast_to(GAMMA[None, None], (n, 4, 4, 4, 4))  # (n, alpha, mu, i, j)
    g_up = METRIC[None, :, :, None, None] * ONE  # g^{alpha mu} times the unit Dirac matrix
    qa = q[:, :, None, None, None]
    qm = q[:, None, :, None, None]
    ppm = pp[:, None, :, None, None]
    pm = p[:, None, :, None, None]
    t3 = METRIC[None, :, :, None, None] * qs[:, None, None] - qa * gam
    t4 = (g_up * qp_[:, None] - qa * ppm * ONE)
    t5 = (g_up * qp[:, None] - qa * pm * ONE)
    cc = {k: v[:, None] for k, v in c.items()}
    vec = ((cc["C3V"] / M) * t3 + (cc["C4V"] / M**2) * t4 + (cc["C5V"] / M**2) * t5) @ GAMMA5
    ax = ((cc["C3A"] / M) * t3 + (cc["C4A"] / M**2) * t4 + cc["C5A"] * g_up
          + (cc["C6A"] / M**2) * qa * qm * ONE)
    gmat = vec + ax  # Gamma^{alpha mu}: (n, alpha, mu, 4, 4)
    gbar = np.einsum("ij,namkj,kl->namil", g0, gmat.conj(), g0)
    left = np.einsum("namij,njk->namik", gmat, ps)
    right = np.einsum("nbvkl,nbalm->navkm", gbar, proj)
    return np.einsum("namik,navki->nmv", left, right)


def _levi_civita() -> NDArray:
    import itertools

    eps = np.zeros((4, 4, 4, 4))
    for perm in itertools.permutations(range(4)):
        eps[perm] = np.linalg.det(np.eye(4)[list(perm)])
    return eps


#: epsilon_{mu nu alpha beta} with epsilon_{0123} = +1.
EPSILON = _levi_civita()


def lepton_tensor_fast(k: NDArray, kp: NDArray, anti: bool) -> NDArray:
    """Closed form of :func:`lepton_tensor` (the lepton mass drops out of the trace):

    L_{mu nu} = 8 (k_mu k'_nu + k'_mu k_nu - g_{mu nu} k.k') -+ 8 i eps_{mu nu alpha beta}
    k^alpha k'^beta (upper sign neutrino, eps_{0123} = +1, this module's gamma5 = i g0 g1 g2 g3);
    the sign is fixed by, and tested against, the explicit trace.
    """
    kl, kpl = k @ METRIC, kp @ METRIC
    sym = (kl[:, :, None] * kpl[:, None, :] + kpl[:, :, None] * kl[:, None, :]
           - METRIC[None] * mdot(k, kp)[:, None, None])
    asym = np.einsum("mnab,ia,ib->imn", EPSILON, k, kp)
    sign = 1.0 if anti else -1.0
    return 8.0 * sym + 8j * sign * asym


def contract(L: NDArray, H: NDArray) -> NDArray[np.float64]:
    """L_{mu nu} H^{mu nu} (real part), both (N, 4, 4)."""
    return np.einsum("nmv,nmv->n", L, H).real
