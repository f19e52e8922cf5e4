"""Emission of the neutrinophilic scalar in charged-current scattering: nu_l N -> l+ phi X.

The incoming neutrino (k) radiates phi (p_phi) and continues as a virtual, spacelike
antineutrino (q' = k - p_phi) that scatters by the charged current, giving a wrong-sign lepton.

Exact tree-level leptonic tensor (massless neutrino; derived for the models of
arXiv:1802.00009 and arXiv:1901.01259, whose equations could not be read)::

    L_sig^{mu nu} = (g^2 / q'^4) L_nubar^{mu nu}[k -> K_eff],   K_eff = -q'^2 p_phi - m_phi^2 q',

i.e. the antineutrino CC lepton tensor with the null vector K_eff (K_eff^2 = 0 identically) in
place of the neutrino momentum. It follows from the spin sum of the chain
vbar(k) P_L qslash' gamma^mu P_L v(p_l) with qslash' kslash qslash' = 2 (q'.k) qslash' - q'^2
kslash; :func:`lepton_tensor_signal` evaluates that chain with explicit Dirac matrices and the
tests check the equality. The hadronic side is any CC hadronic tensor at momentum transfer
q' - p_l; :mod:`nuportal.inference.neutrinophilic.signal` contracts it with the quasi-elastic
nucleon current on the Fermi gas of :mod:`nuportal.interactions`.

Collinear (splitting-function) form, z = light-cone fraction kept by the antineutrino::

    dP = (g^2/16 pi^2) (1 - z) p_T^2 dp_T^2 / (p_T^2 + z m_phi^2)^2 dz,
    -q'^2 = (p_T^2 + z m_phi^2) / (1 - z),
    P(z; Q^2) = (g^2/16 pi^2)(1 - z) [ln((Q^2 + z m^2)/(z m^2)) - Q^2/(Q^2 + z m^2)]
    (p_T^2 < Q^2),

so sigma_sig(E) ≈ ∫ dz P(z) sigma_CC^nubar(z E) (valid for m_phi^2 << Q^2, p_T << E; Q^2 the
hard scale of the CC process). Its normalization agrees with the meson-decay collinear log of
:func:`nuportal.models.neutrinophilic.meson_decays.collinear_log_slope`
(∫ (1 - z) dz = 1/2 -> g^2/32 pi^2).

Units: GeV, GeV^2; probabilities per unit z (and per GeV^2 of p_T^2) per g^2 unless g2 is given.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal._validation import scalar_or_array

__all__ = [
    "DIRAC",
    "effective_momentum",
    "lepton_tensor",
    "lepton_tensor_signal",
    "splitting_density",
    "splitting_function",
    "splitting_moment",
]

_NORM = 1.0 / (16.0 * np.pi**2)


def _check_mphi(m_phi: float) -> float:
    m = float(m_phi)
    if not (np.isfinite(m) and m > 0.0):
        raise ValueError(f"m_phi must be finite and > 0 GeV, got {m_phi!r}")
    return m


def _check_q2(Q2: float) -> float:
    q = float(Q2)
    if not (np.isfinite(q) and q > 0.0):
        raise ValueError(f"Q2_max must be finite and > 0 GeV^2, got {Q2!r}")
    return q


def splitting_density(
    z: ArrayLike, pT2: ArrayLike, m_phi: float, g2: float = 1.0
) -> NDArray[np.float64] | float:
    """dP/(dz dp_T^2) [GeV^-2] of nu -> nubar(z) phi(1 - z) (module docstring); 0 outside 0<z<1."""
    m = _check_mphi(m_phi)
    z = np.asarray(z, float)
    pt2 = np.asarray(pT2, float)
    inside = (z > 0) & (z < 1) & (pt2 >= 0)
    zz = np.where(inside, z, 0.5)
    val = g2 * _NORM * (1.0 - zz) * pt2 / (pt2 + zz * m * m) ** 2
    return scalar_or_array(np.where(inside, val, 0.0))


def splitting_function(
    z: ArrayLike, m_phi: float, Q2_max: float = 1.0, g2: float = 1.0
) -> NDArray[np.float64] | float:
    """P(z) = ∫_0^{Q^2} dp_T^2 dP/(dz dp_T^2) (closed form of the module docstring)."""
    m, q2 = _check_mphi(m_phi), _check_q2(Q2_max)
    z = np.asarray(z, float)
    inside = (z > 0) & (z < 1)
    zz = np.where(inside, z, 0.5)
    a = zz * m * m
    val = g2 * _NORM * (1.0 - zz) * (np.log1p(q2 / a) - q2 / (q2 + a))
    return scalar_or_array(np.where(inside, val, 0.0))


def splitting_moment(m_phi: float, Q2_max: float = 1.0, power: int = 1, g2: float = 1.0) -> float:
    """∫_0^1 z^power P(z) dz: the signal-to-nubar-CC ratio for sigma_CC ∝ E^power.

    Gauss-Legendre in ln z (the integrand has a ln z end-point singularity); relative accuracy
    ~1e-8.
    """
    x, w = np.polynomial.legendre.leggauss(200)
    lo = -40.0
    lz = lo * 0.5 * (1.0 - x)  # ln z in (lo, 0)
    z = np.exp(lz)
    jac = z * 0.5 * (-lo) * w
    return float(np.sum(jac * z**power * splitting_function(z, m_phi, Q2_max, g2)))


def effective_momentum(k: ArrayLike, p_phi: ArrayLike, m_phi: float) -> NDArray[np.float64]:
    """K_eff = -q'^2 p_phi - m_phi^2 q' with q' = k - p_phi [GeV^3]; shape (N, 4)."""
    k = np.asarray(k, float).reshape(-1, 4)
    p = np.asarray(p_phi, float).reshape(-1, 4)
    q = k - p
    q2 = q[:, 0] ** 2 - np.sum(q[:, 1:] ** 2, axis=1)
    return -q2[:, None] * p - m_phi * m_phi * q


class _Dirac:
    """Dirac matrices (Dirac representation) for vectorized spin sums."""

    def __init__(self) -> None:
        i2, z2 = np.eye(2), np.zeros((2, 2))
        pauli = [
            np.array([[0, 1], [1, 0]]),
            np.array([[0, -1j], [1j, 0]]),
            np.array([[1, 0], [0, -1]]),
        ]
        g0 = np.block([[i2, z2], [z2, -i2]]).astype(complex)
        self.gamma = np.array([g0] + [np.block([[z2, s], [-s, z2]]) for s in pauli], complex)
        self.g5 = 1j * self.gamma[0] @ self.gamma[1] @ self.gamma[2] @ self.gamma[3]
        self.one = np.eye(4, dtype=complex)
        self.metric = np.array([1.0, -1.0, -1.0, -1.0])
        #: gamma_mu (lower index): pslash = p^mu gamma_mu
        self.gamma_lower = self.gamma * self.metric[:, None, None]
        self.pl = 0.5 * (self.one - self.g5)
        self.pr = 0.5 * (self.one + self.g5)

    def slash(self, p: NDArray) -> NDArray:
        """(N, 4, 4) pslash of (N, 4) four-vectors."""
        return np.einsum("nm,mab->nab", np.asarray(p, complex), self.gamma_lower)

    def bar(self, m: NDArray) -> NDArray:
        """gamma^0 m^dagger gamma^0 for (..., 4, 4) matrices."""
        g0 = self.gamma[0]
        return g0 @ np.conj(np.swapaxes(m, -1, -2)) @ g0


#: Shared Dirac-matrix helper.
DIRAC = _Dirac()


def lepton_tensor(K: ArrayLike, p_l: ArrayLike, m_l: float, antineutrino: bool = True) -> NDArray:
    """CC lepton tensor L^{mu nu} (N, 4, 4) [GeV^2] of a massless (anti)neutrino K and lepton p_l.

    nubar: L = Tr[Kslash gamma^mu (1 - g5)(pslash_l - m_l)(1 + g5) gamma^nu]
    (chain vbar(K) gamma^mu (1 - g5) v(p_l)); nu: Tr[(pslash_l + m_l) gamma^mu (1 - g5) Kslash
    (1 + g5) gamma^nu]. Linear in K; |M|^2 = (G_F^2 |V|^2 / 2) L^{mu nu} H_{mu nu}.
    """
    d = DIRAC
    ks = d.slash(np.asarray(K, float).reshape(-1, 4))
    ps = d.slash(np.asarray(p_l, float).reshape(-1, 4))
    a, b = d.one - d.g5, d.one + d.g5
    if antineutrino:
        x, y = ks, a @ (ps - m_l * d.one) @ b
    else:
        x, y = ps + m_l * d.one, a @ ks @ b
    return np.einsum("nab,mbc,ncd,vda->nmv", x, d.gamma, y, d.gamma, optimize=True)


def lepton_tensor_signal(
    k: ArrayLike, p_phi: ArrayLike, p_l: ArrayLike, m_l: float
) -> NDArray:
    """Signal lepton tensor per g^2 (N, 4, 4) from the explicit chain (module docstring):
    Tr[kslash P_L qslash' gamma^mu P_L (pslash_l - m_l) P_R gamma^nu qslash' P_R] x 4 / q'^4
    (the factor 4 = (1 - g5) = 2 P_L at both W vertices, as in :func:`lepton_tensor`)."""
    d = DIRAC
    k = np.asarray(k, float).reshape(-1, 4)
    q = k - np.asarray(p_phi, float).reshape(-1, 4)
    q2 = q[:, 0] ** 2 - np.sum(q[:, 1:] ** 2, axis=1)
    x = d.slash(k) @ d.pl @ d.slash(q)
    y = d.pl @ (d.slash(np.asarray(p_l, float).reshape(-1, 4)) - m_l * d.one) @ d.pr
    z = d.slash(q) @ d.pr
    t = np.einsum("nab,mbc,ncd,vde,nea->nmv", x, d.gamma, y, d.gamma, z, optimize=True)
    return 4.0 * t / (q2**2)[:, None, None]


def qe_hadron_tensor(
    P: ArrayLike,
    P_out: ArrayLike,
    q: ArrayLike,
    F1: ArrayLike,
    F2: ArrayLike,
    FA: ArrayLike,
    FP: ArrayLike,
    M: float,
    M_out: float,
) -> NDArray:
    """Quasi-elastic nucleon tensor H^{mu nu} (N, 4, 4) [GeV^2], summed over both nucleon spins.

    H = Tr[(Pslash' + M') Gamma^mu (Pslash + M) Gammabar^nu], with the CC nucleon current
    Gamma^mu = F1 gamma^mu + i (F2 / 2M) sigma^{mu a} q_a - FA gamma^mu g5 - (FP / M) q^mu g5
    (F2 includes the anomalous moment xi; FA > 0 convention of
    :mod:`nuportal.interactions.form_factors`; the signs reproduce Llewellyn Smith's A, B, C: test).
    With |M|^2 = (G_F^2 |V|^2 / 2)(1/2) L^{mu nu} H_{mu nu} the free-nucleon cross section is
    dsigma/dQ^2 = |M|^2 / (64 pi (k.P)^2).
    """
    d = DIRAC
    P = np.asarray(P, float).reshape(-1, 4)
    Po = np.asarray(P_out, float).reshape(-1, 4)
    q = np.asarray(q, float).reshape(-1, 4)
    f1, f2, fa, fp = (
        np.asarray(f, float).reshape(-1)[:, None, None, None] for f in (F1, F2, FA, FP)
    )
    qs = d.slash(q)
    gam = d.gamma[None]  # (1, mu, 4, 4)
    comm = gam @ qs[:, None] - qs[:, None] @ gam  # [gamma^mu, qslash]
    g5 = d.g5
    qmu = q.astype(complex)[:, :, None, None]
    current = (
        f1 * gam
        - f2 / (4.0 * M) * comm  # i sigma^{mu a} q_a = -(1/2)[gamma^mu, qslash]
        - fa * (gam @ g5)
        - fp / M * qmu * g5
    )
    a = d.slash(Po) + M_out * d.one
    b = d.slash(P) + M * d.one
    cbar = d.bar(current)
    return np.einsum("nab,nmbc,ncd,nvda->nmv", a, current, b, cbar, optimize=True)


def contract(L: NDArray, H: NDArray) -> NDArray[np.float64]:
    """L^{mu nu} H_{mu nu} (real part) per event; both (N, 4, 4) with upper indices."""
    g = DIRAC.metric
    return np.einsum("nmv,m,v,nmv->n", L, g, g, H).real
