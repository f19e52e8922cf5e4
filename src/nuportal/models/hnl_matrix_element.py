r"""Polarized three-body decay N -> nu l- l+ of a heavy neutral lepton: |M|^2 and kinematics.

Matrix element of de Gouvea, Fox, Kayser & Kelly, "Three-body decays of heavy Dirac and Majorana
fermions", arXiv:2104.05719, Table 3 (vector/axial couplings only), in the four variables

* ``z_ll  = m_ll^2 / m_N^2``          (invariant mass squared of the l- l+ pair),
* ``z_num = m_(nu l-)^2 / m_N^2``     (invariant mass squared of the nu l- pair),
* ``cos_theta_ll``                    (angle of the l- l+ pair momentum to the spin axis = z axis),
* ``gamma_ll``                        (rotation of the decay plane about the pair direction),

plus an azimuth ``phi`` of the pair about the spin axis on which nothing depends. The N rest frame
is used throughout, with the z axis the axis along which the polarization ``P`` is measured (for
a helicity, the direction of motion of N).

Normalization
-------------
Effective four-fermion interaction at q^2 << M_Z^2, per unit active-sterile mixing U:

    L = -(4 G_F / sqrt 2) U [nubar gamma^mu P_L N] [lbar gamma_mu (g_L P_L + g_R P_R) l] + h.c.

(Z exchange gives g_L = -1/2 + s_W^2, g_R = s_W^2; if N mixes with the flavour of l, the W
exchange, Fierz-rearranged, adds +1 to g_L: :func:`nuportal.models.hnl.nu_ll_couplings`). The
amplitude of N(p, s) -> nu(k) l-(p_m) l+(p_p) is

    M = 2 sqrt2 G_F [ubar_nu gamma^mu P_L u_N] [ubar_m gamma_mu (g_L P_L + g_R P_R) v_p].

Summing over final spins with the N spin density u_N ubar_N -> (pslash + m_N)(1 + P gamma5 sslash)/2
(P = 0 is the spin average) gives |M|^2 = 8 G_F^2 H^{mu nu} L_{mu nu}, i.e.

    |M|^2 = 64 G_F^2 [g_L^2 (p~.p_p)(k.p_m) + g_R^2 (p~.p_m)(k.p_p) + g_L g_R m_m m_p (p~.k)],
    p~ = p - m_N P s,

which is G_F^2 C.(K1, K4, K5, K8, K9, K10) with the Dirac C vector of Table 3 (K1 = m_m m_p p.k,
K4 = (p.p_p)(k.p_m), K5 = (p.p_m)(k.p_p); K8, K9, K10 are the spin parts). For g_R = 0,
massless leptons and P = 0 this is the spin-averaged muon-decay result 64 G_F^2 (p.p_p)(k.p_m)
(e.g. Griffiths, "Introduction to Elementary Particles", muon decay: 2 (g_w/M_W)^4 (p1.p2)(p3.p4)
with (g_w/M_W)^4 = 32 G_F^2), which fixes the absolute normalization. The integrated width then
equals G_F^2 m_N^5/(192 pi^3) [(g_L^2 + g_R^2) f1 + g_L g_R f2] of arXiv:1805.08567 eq. 3.4
(tested, not fitted). A Majorana N adds the charge-conjugate channel N -> nubar l- l+, whose
neutrino current is right-handed (P_L -> P_R: g_L <-> g_R in the unpolarized part and
p~ = p + m_N P s); the sum is the Majorana C vector of Table 3 and twice the Dirac width.
Everything is per unit |U|^2.

Phase space (PDG 2024 review "Kinematics", three-body decays, with the three Euler angles of the
final state):

    dGamma = |M|^2 / (256 pi^3 m_N^3) dm_ll^2 dm_num^2 * dcos(theta_ll) dgamma dphi / (8 pi^2)
           = m_N |M|^2 / (1024 pi^4) dz_ll dz_num dcos(theta_ll) dgamma      (phi integrated),

with z_ll in [s^2, 1], z_num in the Dalitz range of :func:`dalitz_range_z_num`, cos_theta_ll in
[-1, 1], gamma_ll in [0, 2 pi).

Conventions of the momentum construction (:func:`rest_frame_momenta`), consistent with Table 3's
K9 and K10: the pair direction is n = (sin t sin phi, sin t cos phi, cos t), the neutrino moves
along -n with E_nu = m_N (1 - z_ll)/2; the l- momentum makes the angle theta_mnu (cosine given by
:func:`cos_theta_mnu`) with the *neutrino* direction -n and is rotated about it by gamma_ll:
p_m = |p_m| [cos(theta_mnu) (-n) + sin(theta_mnu) (cos(gamma) e1 + sin(gamma) e2)], with
e1 = (-cos t sin phi, -cos t cos phi, sin t) and e2 = (cos phi, -sin phi, 0); l+ balances.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal import constants

__all__ = [
    "PHASE_SPACE_FACTOR",
    "ThreeBodyParameters",
    "coefficient_vector",
    "cos_theta_mnu",
    "dalitz_range_z_num",
    "decay_variables",
    "differential_width",
    "evaluate_unchecked",
    "matrix_element_squared",
    "rest_frame_momenta",
]

#: dGamma/(dz_ll dz_num dcos dgamma) = PHASE_SPACE_FACTOR * m_N * |M|^2  (see module docstring).
PHASE_SPACE_FACTOR: float = 1.0 / (1024.0 * math.pi**4)

_Array = NDArray[np.float64]


@dataclass(frozen=True)
class ThreeBodyParameters:
    """Validated parameters of N -> nu l- l+.

    Parameters
    ----------
    m_N : float
        HNL mass [GeV].
    m_minus, m_plus : float
        Masses of l- and l+ [GeV]; m_N > m_minus + m_plus is required.
    g_L, g_R : float
        Chiral couplings of the charged-lepton current (dimensionless).
    polarization : float
        Polarization P in [-1, 1] of N along the rest-frame z axis.
    majorana : bool
        Majorana (True) or Dirac (False) N.
    g_fermi : float
        Fermi constant [GeV^-2].
    """

    m_N: float
    m_minus: float
    m_plus: float
    g_L: float
    g_R: float
    polarization: float = 0.0
    majorana: bool = False
    g_fermi: float = constants.G_FERMI

    def __post_init__(self) -> None:
        for name in ("m_N", "m_minus", "m_plus", "g_L", "g_R", "polarization", "g_fermi"):
            value = getattr(self, name)
            if not isinstance(value, (int, float, np.floating, np.integer)) or not math.isfinite(
                value
            ):
                raise ValueError(f"{name} must be a finite real number, got {value!r}")
            object.__setattr__(self, name, float(value))
        if self.m_minus < 0.0 or self.m_plus < 0.0:
            raise ValueError(
                f"lepton masses must be >= 0 GeV, got m_minus={self.m_minus}, m_plus={self.m_plus}"
            )
        if not self.m_N > self.m_minus + self.m_plus:
            raise ValueError(
                f"m_N = {self.m_N} GeV is below the threshold m_minus + m_plus = "
                f"{self.m_minus + self.m_plus} GeV of N -> nu l- l+; allowed: m_N > "
                f"{self.m_minus + self.m_plus} GeV"
            )
        if not -1.0 <= self.polarization <= 1.0:
            raise ValueError(f"polarization must be in [-1, 1], got {self.polarization}")
        object.__setattr__(self, "majorana", bool(self.majorana))

    @property
    def z_ll_range(self) -> tuple[float, float]:
        """Range (s^2, 1) of z_ll, s = (m_minus + m_plus)/m_N (massless neutrino)."""
        return ((self.m_minus + self.m_plus) / self.m_N) ** 2, 1.0

    def key(self) -> tuple[float, ...]:
        """Hashable tuple of all parameters (used to cache adapted integration maps)."""
        return (
            self.m_N,
            self.m_minus,
            self.m_plus,
            self.g_L,
            self.g_R,
            self.polarization,
            float(self.majorana),
            self.g_fermi,
        )


def coefficient_vector(g_L: float, g_R: float, majorana: bool) -> NDArray[np.float64]:
    """Coefficients C of (K1, K4, K5, K8, K9, K10) in |M|^2 = G_F^2 C.K (arXiv:2104.05719 Tab. 3).

    Dirac:    C = 64 (gL gR, gL^2, gR^2, -gL gR, -gL^2, -gR^2)
    Majorana: C = (128 gL gR, 64 (gL^2 + gR^2), 64 (gL^2 + gR^2), 0, 64 (gR^2 - gL^2),
                  64 (gL^2 - gR^2))
    """
    gl2, gr2, glr = g_L * g_L, g_R * g_R, g_L * g_R
    if majorana:
        return np.array([128.0 * glr, 64.0 * (gl2 + gr2), 64.0 * (gl2 + gr2), 0.0,
                         64.0 * (gr2 - gl2), 64.0 * (gl2 - gr2)])  # fmt: skip
    return 64.0 * np.array([glr, gl2, gr2, -glr, -gl2, -gr2])


def dalitz_range_z_num(
    z_ll: ArrayLike, m_N: float, m_minus: float, m_plus: float
) -> tuple[_Array, _Array]:
    """Range [b - t, b + t] of z_num = m_(nu l-)^2/m_N^2 at fixed z_ll (massless neutrino).

    arXiv:2104.05719 Table 3 (de Gouvea, Fox, Kayser, Kelly), with s = (m_m + m_p)/m_N,
    d = (m_m - m_p)/m_N:

        t = (1 - z_ll) sqrt((z_ll - d^2)(z_ll - s^2)) / (2 z_ll)
        b = (d^2 z_ll + 2 s d + z_ll (2 - 2 z_ll + s^2)) / (4 z_ll)

    Equal to the PDG limits (:func:`nuportal.kinematics.dalitz_limits`) divided by m_N^2 (tested).

    Parameters
    ----------
    z_ll : array_like
        m_ll^2 / m_N^2, in [s^2, 1] and > 0.
    m_N, m_minus, m_plus : float
        Masses [GeV].

    Returns
    -------
    lo, hi : ndarray
        Dimensionless bounds of z_num.
    """
    z = np.asarray(z_ll, dtype=float)
    s = (m_minus + m_plus) / m_N
    d = (m_minus - m_plus) / m_N
    t = (1.0 - z) * np.sqrt(np.clip((z - d * d) * (z - s * s), 0.0, None)) / (2.0 * z)
    b = (d * d * z + 2.0 * s * d + z * (2.0 - 2.0 * z + s * s)) / (4.0 * z)
    return b - t, b + t


def cos_theta_mnu(
    z_ll: ArrayLike, z_num: ArrayLike, m_N: float, m_minus: float, m_plus: float
) -> _Array:
    """Cosine of the angle between the l- and the neutrino momenta in the N rest frame.

    cos(theta_mnu) = [E_m (m_N^2 - m_ll^2) - m_N (m_num^2 - m_m^2)] / [(m_N^2 - m_ll^2) p_m],
    E_m = (m_ll^2 + m_num^2 - m_p^2)/(2 m_N) (arXiv:2104.05719 Table 3). It follows from
    m_num^2 = m_m^2 + 2 (E_nu E_m - E_nu p_m cos), so it is the angle to the *neutrino* direction.
    Clipped to [-1, 1]; 1 where the angle is undefined (p_m = 0 or E_nu = 0). No range checks.
    """
    ThreeBodyParameters(m_N, m_minus, m_plus, 0.0, 0.0)  # validates the masses
    core = _Core.evaluate(np.asarray(z_ll, float), np.asarray(z_num, float), m_N, m_minus, m_plus)
    return core.cos_mnu


class _Core:
    """Kinematic quantities shared by |M|^2 and the momentum construction (internal)."""

    __slots__ = ("a", "b", "c5", "cos_mnu", "e_m", "e_nu", "mll2", "mnm2", "p_m", "sin_mnu")

    @classmethod
    def evaluate(cls, z_ll: _Array, z_num: _Array, m_N: float, m_m: float, m_p: float) -> _Core:
        self = cls()
        m2 = m_N * m_N
        self.mll2 = z_ll * m2
        self.mnm2 = z_num * m2
        # a = m_N^2 - m_ll^2 = 2 m_N E_nu; b = m_num^2 - m_m^2 = 2 k.p_m; c5 = 2 k.p_p.
        self.a = m2 - self.mll2
        self.b = self.mnm2 - m_m * m_m
        self.c5 = (m2 + m_m * m_m) - self.mnm2 - self.mll2
        self.e_nu = self.a / (2.0 * m_N)
        self.e_m = (self.mll2 + self.mnm2 - m_p * m_p) / (2.0 * m_N)
        self.p_m = np.sqrt(np.maximum(self.e_m * self.e_m - m_m * m_m, 0.0))
        den = self.a * self.p_m
        ok = den > 0.0
        num = self.e_m * self.a - m_N * self.b
        cos_mnu = np.divide(num, den, out=np.ones_like(num), where=ok)
        np.clip(cos_mnu, -1.0, 1.0, out=cos_mnu)
        self.cos_mnu = cos_mnu
        self.sin_mnu = np.sqrt(1.0 - cos_mnu * cos_mnu)
        return self


def _msq_from_core(
    core: _Core,
    cos_t: _Array,
    sin_t: _Array,
    cos_g: _Array,
    prm: ThreeBodyParameters,
) -> _Array:
    """|M|^2 per |U|^2 (dimensionless) from precomputed kinematics (internal, no checks)."""
    c1, c4, c5, c8, c9, c10 = coefficient_vector(prm.g_L, prm.g_R, prm.majorana)
    m_N, m_m, m_p, pol = prm.m_N, prm.m_minus, prm.m_plus, prm.polarization
    mm_mp = m_m * m_p
    # Unpolarized part: c1 K1 + c4 K4 + c5 K5.
    k4 = core.b * ((m_N * m_N + m_p * m_p) - core.mnm2)
    k5 = core.c5 * (core.mll2 + core.mnm2 - m_p * m_p)
    out = (0.5 * c1 * mm_mp) * core.a + 0.25 * (c4 * k4 + c5 * k5)
    if pol != 0.0:
        # x = p_m,z / |p_m|: z component of the l- direction.
        x = cos_g * sin_t * core.sin_mnu - cos_t * core.cos_mnu
        px = core.p_m * x
        k8 = (0.5 * mm_mp) * core.a * cos_t
        k9 = (0.5 * m_N) * core.b * (px - core.e_nu * cos_t)
        k10 = (-0.5 * m_N) * core.c5 * px
        out = out + pol * (c8 * k8 + c9 * k9 + c10 * k10)
    return out * (prm.g_fermi * prm.g_fermi)


def _first_bad(values: _Array, bad: _Array) -> float:
    return float(np.asarray(values)[np.asarray(bad)].flat[0])


def _check_variables(
    z_ll: _Array, z_num: _Array, cos_t: _Array, prm: ThreeBodyParameters, rtol: float = 1e-9
) -> None:
    """ValueError naming the variable, an offending value and the allowed range."""
    lo_z, _ = prm.z_ll_range
    bad = ~np.isfinite(z_ll) | (z_ll < lo_z * (1 - rtol)) | (z_ll > 1.0 + rtol) | (z_ll <= 0.0)
    if np.any(bad):
        raise ValueError(
            f"z_ll must be finite and in [s^2, 1] = [{lo_z:.6g}, 1] (and > 0), "
            f"got {_first_bad(z_ll, bad)!r}"
        )
    lo, hi = dalitz_range_z_num(z_ll, prm.m_N, prm.m_minus, prm.m_plus)
    tol = rtol * np.maximum(hi, 1e-300)
    bad = ~np.isfinite(z_num) | (z_num < lo - tol) | (z_num > hi + tol)
    if np.any(bad):
        i = np.flatnonzero(np.asarray(bad).ravel())[0]
        raise ValueError(
            f"z_num must be finite and inside its Dalitz range [b - t, b + t] = "
            f"[{lo.ravel()[i]:.6g}, {hi.ravel()[i]:.6g}] at z_ll = {z_ll.ravel()[i]:.6g}, "
            f"got {float(z_num.ravel()[i])!r}"
        )
    bad = ~np.isfinite(cos_t) | (np.abs(cos_t) > 1.0)
    if np.any(bad):
        raise ValueError(
            f"cos_theta_ll must be finite and in [-1, 1], got {_first_bad(cos_t, bad)!r}"
        )


def _params(
    m_N: float,
    m_minus: float,
    m_plus: float,
    g_L: float,
    g_R: float,
    polarization: float,
    majorana: bool,
    g_fermi: float,
) -> ThreeBodyParameters:
    return ThreeBodyParameters(m_N, m_minus, m_plus, g_L, g_R, polarization, majorana, g_fermi)


def matrix_element_squared(
    z_ll: ArrayLike,
    z_num: ArrayLike,
    cos_theta_ll: ArrayLike,
    gamma_ll: ArrayLike,
    *,
    m_N: float,
    m_minus: float,
    m_plus: float,
    g_L: float,
    g_R: float,
    polarization: float = 0.0,
    majorana: bool = False,
    g_fermi: float = constants.G_FERMI,
) -> _Array:
    """|M|^2 of the polarized decay N -> nu l- l+ per unit |U|^2 (dimensionless).

    |M|^2 = G_F^2 C . (K1, K4, K5, K8, K9, K10) (arXiv:2104.05719 Table 3), absolutely normalized
    from the four-fermion interaction (see the module docstring for the derivation). For a
    Majorana N the charge-conjugate channel is included (twice the Dirac width).

    Parameters
    ----------
    z_ll, z_num, cos_theta_ll, gamma_ll : array_like
        The four decay variables (broadcast together): m_ll^2/m_N^2, m_(nu l-)^2/m_N^2, the
        cosine of the pair direction to the spin axis and the rotation angle [rad]. Must lie in
        the physical region (ValueError otherwise).
    m_N, m_minus, m_plus : float
        Masses of N, l-, l+ [GeV], m_N > m_minus + m_plus.
    g_L, g_R : float
        Chiral couplings (:func:`nuportal.models.hnl.nu_ll_couplings`).
    polarization : float
        P in [-1, 1], polarization of N along the z axis.
    majorana : bool
        Majorana (True) or Dirac (False).
    g_fermi : float
        Fermi constant [GeV^-2].

    Returns
    -------
    ndarray
        |M|^2 per |U|^2, averaged over the N spin ensemble of polarization P, summed over final
        spins.
    """
    prm = _params(m_N, m_minus, m_plus, g_L, g_R, polarization, majorana, g_fermi)
    z, zn, ct, g = (np.asarray(v, float) for v in (z_ll, z_num, cos_theta_ll, gamma_ll))
    z, zn, ct, g = np.broadcast_arrays(z, zn, ct, g)
    _check_variables(z, zn, ct, prm)
    core = _Core.evaluate(z, zn, prm.m_N, prm.m_minus, prm.m_plus)
    st = np.sqrt(1.0 - ct * ct)
    return _msq_from_core(core, ct, st, np.cos(g), prm)


def differential_width(
    z_ll: ArrayLike,
    z_num: ArrayLike,
    cos_theta_ll: ArrayLike,
    gamma_ll: ArrayLike,
    *,
    m_N: float,
    m_minus: float,
    m_plus: float,
    g_L: float,
    g_R: float,
    polarization: float = 0.0,
    majorana: bool = False,
    g_fermi: float = constants.G_FERMI,
) -> _Array:
    """Fully differential width dGamma/(dz_ll dz_num dcos(theta_ll) dgamma_ll) per |U|^2 [GeV].

    = m_N |M|^2 / (1024 pi^4) (PDG 2024 "Kinematics" review, three-body decays; azimuth phi
    integrated; see the module docstring). Arguments as for :func:`matrix_element_squared`.
    """
    msq = matrix_element_squared(
        z_ll,
        z_num,
        cos_theta_ll,
        gamma_ll,
        m_N=m_N,
        m_minus=m_minus,
        m_plus=m_plus,
        g_L=g_L,
        g_R=g_R,
        polarization=polarization,
        majorana=majorana,
        g_fermi=g_fermi,
    )
    return PHASE_SPACE_FACTOR * float(m_N) * msq


def _momenta_from_core(
    core: _Core,
    cos_t: _Array,
    sin_t: _Array,
    cos_g: _Array,
    sin_g: _Array,
    cos_p: _Array,
    sin_p: _Array,
    m_N: float,
    out: tuple[_Array, _Array, _Array] | None = None,
) -> tuple[_Array, _Array, _Array]:
    """Rest-frame four-momenta (internal; conventions in the module docstring)."""
    n = cos_t.shape[0]
    e_nu = core.e_nu
    if out is None:
        nu, lm, lp = np.empty((n, 4)), np.empty((n, 4)), np.empty((n, 4))
    else:
        nu, lm, lp = out
    # Pair direction n = (st sp, st cp, ct); neutrino along -n.
    nx, ny, nz = sin_t * sin_p, sin_t * cos_p, cos_t
    nu[:, 0] = e_nu
    nu[:, 1] = -e_nu * nx
    nu[:, 2] = -e_nu * ny
    nu[:, 3] = -e_nu * nz
    # l- direction: cos_mnu (-n) + sin_mnu (cos g e1 + sin g e2).
    a = core.p_m * core.cos_mnu
    b1 = core.p_m * core.sin_mnu * cos_g
    b2 = core.p_m * core.sin_mnu * sin_g
    lm[:, 0] = core.e_m
    lm[:, 1] = -a * nx - b1 * cos_t * sin_p + b2 * cos_p
    lm[:, 2] = -a * ny - b1 * cos_t * cos_p - b2 * sin_p
    lm[:, 3] = -a * nz + b1 * sin_t
    lp[:, 0] = m_N - e_nu - core.e_m
    lp[:, 1:] = -nu[:, 1:] - lm[:, 1:]
    return nu, lm, lp


def rest_frame_momenta(
    z_ll: ArrayLike,
    z_num: ArrayLike,
    cos_theta_ll: ArrayLike,
    gamma_ll: ArrayLike,
    phi: ArrayLike,
    *,
    m_N: float,
    m_minus: float,
    m_plus: float,
) -> tuple[_Array, _Array, _Array]:
    """Four-momenta of nu, l-, l+ in the N rest frame from the decay variables.

    Conventions (z axis = spin axis) are in the module docstring; they are those under which
    the K9, K10 terms of arXiv:2104.05719 Table 3 hold (tested against explicit spinor traces).

    Parameters
    ----------
    z_ll, z_num, cos_theta_ll, gamma_ll : array_like
        Decay variables (see :func:`matrix_element_squared`), inside the physical region.
    phi : array_like
        Azimuth of the pair direction about the z axis [rad].
    m_N, m_minus, m_plus : float
        Masses [GeV].

    Returns
    -------
    nu, lepton_minus, lepton_plus : ndarray, shape (N, 4)
        Four-momenta (E, px, py, pz) [GeV]; they sum to (m_N, 0, 0, 0).
    """
    prm = ThreeBodyParameters(m_N, m_minus, m_plus, 0.0, 0.0)
    arrays = np.broadcast_arrays(
        *(np.atleast_1d(np.asarray(v, float)) for v in (z_ll, z_num, cos_theta_ll, gamma_ll, phi))
    )
    z, zn, ct, g, ph = (np.ascontiguousarray(v).ravel() for v in arrays)
    _check_variables(z, zn, ct, prm)
    core = _Core.evaluate(z, zn, prm.m_N, prm.m_minus, prm.m_plus)
    st = np.sqrt(1.0 - ct * ct)
    return _momenta_from_core(core, ct, st, np.cos(g), np.sin(g), np.cos(ph), np.sin(ph), prm.m_N)


def decay_variables(
    nu: ArrayLike, lepton_minus: ArrayLike, lepton_plus: ArrayLike
) -> dict[str, _Array]:
    """Inverse of :func:`rest_frame_momenta`: the decay variables of rest-frame events.

    Parameters
    ----------
    nu, lepton_minus, lepton_plus : array_like, shape (N, 4)
        Rest-frame four-momenta [GeV] (z axis = spin axis).

    Returns
    -------
    dict
        ``z_ll``, ``z_num``, ``cos_theta_ll``, ``gamma_ll`` (in [0, 2 pi)), ``phi`` (in
        [0, 2 pi)), computed from the invariants and directions.
    """
    k = np.atleast_2d(np.asarray(nu, float))
    pm = np.atleast_2d(np.asarray(lepton_minus, float))
    pp = np.atleast_2d(np.asarray(lepton_plus, float))
    total = k + pm + pp
    m2 = total[:, 0] ** 2 - np.sum(total[:, 1:] ** 2, axis=1)
    pair = pm + pp
    knm = k + pm
    z_ll = (pair[:, 0] ** 2 - np.sum(pair[:, 1:] ** 2, axis=1)) / m2
    z_num = (knm[:, 0] ** 2 - np.sum(knm[:, 1:] ** 2, axis=1)) / m2
    q = pair[:, 1:]
    n = q / np.linalg.norm(q, axis=1, keepdims=True)
    cos_t = np.clip(n[:, 2], -1.0, 1.0)
    sin_t = np.sqrt(1.0 - cos_t**2)
    phi = np.mod(np.arctan2(n[:, 0], n[:, 1]), 2.0 * np.pi)
    sp, cp = np.sin(phi), np.cos(phi)
    e1 = np.column_stack([-cos_t * sp, -cos_t * cp, sin_t])
    e2 = np.column_stack([cp, -sp, np.zeros_like(cp)])
    v = pm[:, 1:]
    gamma = np.mod(np.arctan2(np.sum(v * e2, axis=1), np.sum(v * e1, axis=1)), 2.0 * np.pi)
    return {"z_ll": z_ll, "z_num": z_num, "cos_theta_ll": cos_t, "gamma_ll": gamma, "phi": phi}


def evaluate_unchecked(
    z_ll: _Array,
    z_num: _Array,
    cos_theta_ll: _Array,
    gamma_ll: _Array,
    params: ThreeBodyParameters,
    phi: _Array | None = None,
    out: tuple[_Array, _Array, _Array] | None = None,
) -> tuple[_Array, tuple[_Array, _Array, _Array] | None]:
    """Fast path for samplers: |M|^2 and (optionally) the momenta, without input checks.

    Parameters
    ----------
    z_ll, z_num, cos_theta_ll, gamma_ll : ndarray, shape (N,)
        Decay variables, assumed inside the physical region (not checked).
    params : ThreeBodyParameters
        Validated parameters.
    phi : ndarray, shape (N,), optional
        Azimuth [rad]; if given, the rest-frame momenta are built as well.
    out : (nu, lepton_minus, lepton_plus), optional
        Preallocated (N, 4) arrays (or views) to write the momenta into.

    Returns
    -------
    msq : ndarray, shape (N,)
        |M|^2 per |U|^2 (as :func:`matrix_element_squared`).
    momenta : (nu, lepton_minus, lepton_plus) or None
        As :func:`rest_frame_momenta` [GeV], None if ``phi`` is None.
    """
    core = _Core.evaluate(z_ll, z_num, params.m_N, params.m_minus, params.m_plus)
    sin_t = np.sqrt(1.0 - cos_theta_ll * cos_theta_ll)
    cos_g = np.cos(gamma_ll)
    msq = _msq_from_core(core, cos_theta_ll, sin_t, cos_g, params)
    if phi is None:
        return msq, None
    momenta = _momenta_from_core(
        core,
        cos_theta_ll,
        sin_t,
        cos_g,
        np.sin(gamma_ll),
        np.cos(phi),
        np.sin(phi),
        params.m_N,
        out,
    )
    return msq, momenta
