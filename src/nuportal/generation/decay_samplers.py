"""Rest-frame decay samplers: weighted events of X -> visible daughters in the parent rest frame.

Every sampler returns a :class:`RestFrameDecays`: four-momenta (columns E, px, py, pz; GeV) in the
rest frame of the parent, with the z axis the parent's spin (polarization) axis, and one weight per
event. For a decay of width Gamma the weights sum to an estimate of Gamma [GeV] (per unit |U|^2 for
an HNL), so a lab-frame pipeline can rotate z onto the parent's direction of motion, boost, and
multiply by whatever else enters the rate.

Samplers
--------
:class:`ThreeBodyNuLL`
    Polarized N -> nu l- l+ (de Gouvea, Fox, Kayser & Kelly, arXiv:2104.05719, Table 3; see
    :mod:`nuportal.models.hnl_matrix_element`), with two routes: ``method="vegas"`` (importance
    sampling through a vegas map adapted to |M|^2) and ``method="numpy"`` (uniform sampling in the
    decay variables). Both give unbiased estimates; vegas has much smaller weight spread.
:class:`TwoBodyIsotropic`
    Isotropic two-body decay at rest, e.g. a scalar S -> l+ l-.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from nuportal import constants
from nuportal.generation.vegas_sampler import AdaptedMap, adapt_map, map_points
from nuportal.kinematics import two_body_decay_at_rest
from nuportal.models import hnl
from nuportal.models.hnl_matrix_element import (
    PHASE_SPACE_FACTOR,
    ThreeBodyParameters,
    dalitz_range_z_num,
    evaluate_unchecked,
)

__all__ = [
    "RestFrameDecays",
    "ThreeBodyNuLL",
    "TwoBodyIsotropic",
    "as_generator",
    "clear_vegas_cache",
]

_Array = NDArray[np.float64]

#: Events processed per batch (keeps the working set in cache; does not change any result).
_CHUNK = 1 << 15
_TWO_PI = 2.0 * math.pi


def as_generator(rng: np.random.Generator | int | np.integer) -> np.random.Generator:
    """Return ``rng`` if it is a :class:`numpy.random.Generator`, else ``default_rng(rng)``.

    Integers (seeds) are accepted; ``None`` and other types are refused, so that no sample is ever
    drawn from an unseeded or global generator.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"rng seed must be a non-negative integer, got {rng}")
        return np.random.default_rng(int(rng))
    raise TypeError(f"rng must be a numpy.random.Generator or an integer seed, got {type(rng)!r}")


@dataclass
class RestFrameDecays:
    """Weighted decays in the parent rest frame (z axis = parent spin axis).

    Attributes
    ----------
    lepton_minus, lepton_plus : ndarray, shape (N, 4)
        Four-momenta [GeV] of the negative and positive charged lepton.
    weight : ndarray, shape (N,)
        Event weights [GeV]: ``weight.sum()`` estimates the decay width the sampler describes
        (per unit |U|^2 for an HNL, per unit sin^2 theta for a scalar, or 1 if the sampler was given
        no width; see the sampler's docstring). Weights may differ from event to event.
    nu : ndarray, shape (N, 4), or None
        Four-momentum [GeV] of the (invisible) neutrino, None for a two-body decay.
    """

    lepton_minus: _Array
    lepton_plus: _Array
    weight: _Array
    nu: _Array | None = None

    def __post_init__(self) -> None:
        n = self.weight.shape[0]
        arrays = [self.lepton_minus, self.lepton_plus] + ([] if self.nu is None else [self.nu])
        for arr in arrays:
            if arr.shape != (n, 4):
                raise ValueError(f"four-momentum arrays must have shape ({n}, 4), got {arr.shape}")

    def __len__(self) -> int:
        return int(self.weight.shape[0])

    @property
    def width(self) -> float:
        """Sum of the weights [GeV]: the width estimate."""
        return float(self.weight.sum())

    @property
    def width_error(self) -> float:
        """Monte Carlo standard error of :attr:`width` [GeV], sqrt(sum w^2 - (sum w)^2 / N)."""
        n = len(self)
        w = self.weight
        return float(math.sqrt(max(float(w @ w) - float(w.sum()) ** 2 / n, 0.0))) if n else 0.0

    @property
    def parent(self) -> _Array:
        """Sum of the daughters' four-momenta [GeV], shape (N, 4) (= (M, 0, 0, 0))."""
        total = self.lepton_minus + self.lepton_plus
        return total if self.nu is None else total + self.nu


# ------------------------------------------------------------------------------- three-body
@lru_cache(maxsize=64)
def _cached_map(key: tuple[float, ...], seed: int, nitn: int, neval: int) -> AdaptedMap:
    prm = ThreeBodyParameters(*key[:6], majorana=bool(key[6]), g_fermi=key[7])
    return adapt_map(lambda x: _unit_cube_density(x, prm), 4, seed=seed, nitn=nitn, neval=neval)


def clear_vegas_cache() -> None:
    """Forget all adapted vegas maps (they are kept in memory only)."""
    _cached_map.cache_clear()


def _variables(
    x: _Array, prm: ThreeBodyParameters
) -> tuple[_Array, _Array, _Array, _Array, _Array]:
    """Unit cube -> (z_ll, z_num, cos_theta_ll, gamma_ll) and the Jacobian of that map."""
    s2, _ = prm.z_ll_range
    z_ll = s2 + (1.0 - s2) * x[:, 0]
    lo, hi = dalitz_range_z_num(z_ll, prm.m_N, prm.m_minus, prm.m_plus)
    width = hi - lo
    z_num = lo + width * x[:, 1]
    cos_t = 2.0 * x[:, 2] - 1.0
    gamma = _TWO_PI * x[:, 3]
    jac = ((1.0 - s2) * 2.0 * _TWO_PI) * width
    return z_ll, z_num, cos_t, gamma, jac


def _unit_cube_density(x: _Array, prm: ThreeBodyParameters) -> _Array:
    """dGamma/d^4x [GeV] on the unit cube (the vegas integrand; integral = Gamma)."""
    z_ll, z_num, cos_t, gamma, jac = _variables(x, prm)
    msq, _ = evaluate_unchecked(z_ll, z_num, cos_t, gamma, prm)
    return (PHASE_SPACE_FACTOR * prm.m_N) * msq * jac


class ThreeBodyNuLL:
    """Sampler of the polarized decay N -> nu l- l+ in the N rest frame.

    Parameters
    ----------
    m_N : float
        HNL mass [GeV], > 2 m_l.
    lepton : {"e", "mu", "tau"}
        Flavour of the charged-lepton pair.
    mixing : {"e", "mu", "tau"}
        Flavour of the active neutrino N mixes with (decides whether the charged current
        interferes, :func:`nuportal.models.hnl.nu_ll_couplings`).
    majorana : bool
        Majorana (True, both N -> nu l- l+ and N -> nubar l- l+) or Dirac (False).
    polarization : float
        Polarization P in [-1, 1] of N along the rest-frame z axis (for a helicity, z is the N
        direction of motion).
    sin2_theta_w : float
        sin^2 theta_W; default :data:`nuportal.constants.SIN2_THETA_W_ON_SHELL` (0.223, the value
        of the reference MicroBooNE recast, arXiv:2106.06548).
    couplings : (float, float), optional
        Explicit (g_L, g_R), overriding ``mixing`` and ``sin2_theta_w``.
    adapt_seed : int
        Seed of the vegas adaptation (the adapted map depends only on the physics parameters and
        this seed, never on the generator passed to :meth:`sample`).
    nitn, neval : int
        vegas iterations and evaluations per iteration of the adaptation.

    Notes
    -----
    Event weights (both methods): ``weight_i = dGamma/dv (v_i) / (q(v_i) n)`` where v are the decay
    variables (z_ll, z_num, cos theta_ll, gamma_ll), q their sampling density and
    dGamma/dv = m_N |M|^2/(1024 pi^4); so ``weight.sum()`` is an unbiased estimate of
    Gamma(N -> nu l+ l-) per unit |U|^2 [GeV] (twice the Dirac width for a Majorana N), and a
    weighted histogram of any observable estimates its differential width.
    """

    def __init__(
        self,
        m_N: float,
        lepton: str = "e",
        mixing: str = "mu",
        *,
        majorana: bool = True,
        polarization: float = 0.0,
        sin2_theta_w: float = constants.SIN2_THETA_W_ON_SHELL,
        couplings: tuple[float, float] | None = None,
        adapt_seed: int = 0,
        nitn: int = 8,
        neval: int = 20_000,
    ) -> None:
        if lepton not in constants.LEPTON_MASS:
            raise ValueError(
                f"lepton must be one of {tuple(constants.LEPTON_MASS)}, got {lepton!r}"
            )
        m_l = constants.LEPTON_MASS[lepton]
        if not (isinstance(m_N, (int, float, np.floating)) and math.isfinite(m_N)):
            raise ValueError(f"m_N must be a finite mass in GeV, got {m_N!r}")
        if not m_N > 2.0 * m_l:
            raise ValueError(
                f"m_N = {m_N} GeV is below the N -> nu {lepton}+ {lepton}- threshold; "
                f"allowed: m_N > 2 m_{lepton} = {2.0 * m_l} GeV"
            )
        if couplings is None:
            g_l, g_r = hnl.nu_ll_couplings(mixing, lepton, sin2_theta_w)
        else:
            g_l, g_r = (float(c) for c in couplings)
        self.lepton = lepton
        self.mixing = mixing
        self.params = ThreeBodyParameters(
            m_N=float(m_N),
            m_minus=m_l,
            m_plus=m_l,
            g_L=g_l,
            g_R=g_r,
            polarization=polarization,
            majorana=majorana,
        )
        if nitn < 3 or neval < 1000:
            raise ValueError(f"need nitn >= 3 and neval >= 1000, got nitn={nitn}, neval={neval}")
        self.adapt_seed = int(adapt_seed)
        self.nitn = int(nitn)
        self.neval = int(neval)

    def __repr__(self) -> str:
        p = self.params
        return (
            f"ThreeBodyNuLL(m_N={p.m_N}, lepton={self.lepton!r}, g_L={p.g_L:.5f}, "
            f"g_R={p.g_R:.5f}, majorana={p.majorana}, polarization={p.polarization})"
        )

    @property
    def m_N(self) -> float:
        """HNL mass [GeV]."""
        return self.params.m_N

    @property
    def polarization(self) -> float:
        """Polarization along the rest-frame z axis."""
        return self.params.polarization

    @property
    def majorana(self) -> bool:
        """True for a Majorana N."""
        return self.params.majorana

    def width(self) -> float:
        """Closed-form Gamma(N -> nu l+ l-) per |U|^2 [GeV].

        :func:`nuportal.models.hnl.width_nu_ll_dirac` (arXiv:1805.08567 eq. 3.4), times 2 for a
        Majorana N.
        """
        p = self.params
        w = hnl.width_nu_ll_dirac(p.m_N, p.m_minus, p.g_L, p.g_R, g_fermi=p.g_fermi)
        return float(w) * (2.0 if p.majorana else 1.0)

    def adapted_map(self) -> AdaptedMap:
        """The vegas map adapted to this decay (computed once per parameter set, then cached)."""
        return _cached_map(self.params.key(), self.adapt_seed, self.nitn, self.neval)

    def sample(
        self,
        n: int,
        rng: np.random.Generator | int,
        method: Literal["vegas", "numpy"] = "vegas",
    ) -> RestFrameDecays:
        """Draw ``n`` weighted decays in the N rest frame.

        Parameters
        ----------
        n : int
            Number of events.
        rng : numpy.random.Generator or int
            Source of all event randomness (an int is a seed). Same seed, same events, bit for bit.
        method : {"vegas", "numpy"}
            ``"vegas"``: uniform numbers from ``rng`` mapped through the adapted vegas map
            (:meth:`adapted_map`; adaptation is deterministic, see ``adapt_seed``).
            ``"numpy"``: uniform in z_ll, in z_num within its Dalitz range, in cos theta_ll and
            in gamma_ll.
            The azimuth phi of the pair about z is uniform in both.

        Returns
        -------
        RestFrameDecays
            ``nu``, ``lepton_minus``, ``lepton_plus`` [GeV] and ``weight`` [GeV] with
            ``weight.sum()`` = estimate of Gamma per unit |U|^2 (see the class notes).
        """
        if method not in ("vegas", "numpy"):
            raise ValueError(f"method must be 'vegas' or 'numpy', got {method!r}")
        if not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"n must be a positive integer, got {n!r}")
        gen = as_generator(rng)
        vmap = self.adapted_map().map if method == "vegas" else None
        prm = self.params
        n = int(n)
        nu = np.empty((n, 4))
        lm = np.empty((n, 4))
        lp = np.empty((n, 4))
        weight = np.empty(n)
        scale = PHASE_SPACE_FACTOR * prm.m_N / n
        for start in range(0, n, _CHUNK):
            stop = min(start + _CHUNK, n)
            y = gen.random((stop - start, 4))
            u_phi = gen.random(stop - start)
            if vmap is None:
                x, jac_map = y, None
            else:
                x, jac_map = map_points(vmap, y)
            z_ll, z_num, cos_t, gamma, jac = _variables(x, prm)
            if jac_map is not None:
                jac *= jac_map
            msq, _ = evaluate_unchecked(
                z_ll,
                z_num,
                cos_t,
                gamma,
                prm,
                phi=_TWO_PI * u_phi,
                out=(nu[start:stop], lm[start:stop], lp[start:stop]),
            )
            np.multiply(msq, jac, out=weight[start:stop])
        weight *= scale
        return RestFrameDecays(lepton_minus=lm, lepton_plus=lp, weight=weight, nu=nu)


# ------------------------------------------------------------------------------- two-body
class TwoBodyIsotropic:
    """Isotropic two-body decay at rest, X -> l- l+ (e.g. a Higgs-portal scalar S -> e+ e-).

    Parameters
    ----------
    parent_mass : float
        Mass of X [GeV].
    daughter_mass : float
        Mass of each daughter [GeV]; parent_mass > 2 daughter_mass.
    width : float, optional
        Partial width Gamma(X -> l+ l-) [GeV] (e.g. per unit sin^2 theta). If given, every event
        has weight Gamma / n, so ``weight.sum()`` = Gamma exactly, as for :class:`ThreeBodyNuLL`;
        if omitted, weights are 1 / n (``weight.sum()`` = 1).

    Notes
    -----
    A scalar decays isotropically, so the spin axis plays no role; the daughters are back to
    back with p = sqrt(lambda(M^2, m^2, m^2))/(2M)
    (:func:`nuportal.kinematics.two_body_decay_at_rest`).
    """

    def __init__(
        self, parent_mass: float, daughter_mass: float, width: float | None = None
    ) -> None:
        for name, value in (("parent_mass", parent_mass), ("daughter_mass", daughter_mass)):
            if not (isinstance(value, (int, float, np.floating)) and math.isfinite(value)):
                raise ValueError(f"{name} must be a finite mass in GeV, got {value!r}")
        if daughter_mass < 0.0:
            raise ValueError(f"daughter_mass must be >= 0 GeV, got {daughter_mass}")
        if not parent_mass > 2.0 * daughter_mass:
            raise ValueError(
                f"parent_mass = {parent_mass} GeV is below threshold; allowed: parent_mass > "
                f"2 daughter_mass = {2.0 * daughter_mass} GeV"
            )
        if width is not None and not (math.isfinite(width) and width >= 0.0):
            raise ValueError(f"width must be finite and >= 0 GeV, got {width}")
        self.parent_mass = float(parent_mass)
        self.daughter_mass = float(daughter_mass)
        self.width = None if width is None else float(width)

    def __repr__(self) -> str:
        return (
            f"TwoBodyIsotropic(parent_mass={self.parent_mass}, "
            f"daughter_mass={self.daughter_mass}, width={self.width})"
        )

    def sample(self, n: int, rng: np.random.Generator | int) -> RestFrameDecays:
        """Draw ``n`` isotropic decays at rest.

        Parameters
        ----------
        n : int
            Number of events.
        rng : numpy.random.Generator or int
            Generator or seed.

        Returns
        -------
        RestFrameDecays
            ``lepton_minus``, ``lepton_plus`` [GeV] back to back, ``nu=None``, weights
            Gamma/n [GeV] (or 1/n without a width).
        """
        if not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"n must be a positive integer, got {n!r}")
        gen = as_generator(rng)
        m = self.daughter_mass
        lm, lp = two_body_decay_at_rest(self.parent_mass, m, m, int(n), gen)
        total = 1.0 if self.width is None else self.width
        weight = np.full(int(n), total / int(n))
        return RestFrameDecays(lepton_minus=lm, lepton_plus=lp, weight=weight, nu=None)
