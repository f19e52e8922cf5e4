"""Mesons from protons on a thick target: yields per proton on target and weighted samples.

Per species and beam, the thin-target production cross section d^2sigma/(dp dOmega) of
:mod:`~nuportal.sources.target.bmpt` (p_B >= 50 GeV) or :mod:`~nuportal.sources.target.sanford_wang`
(BNB energies, beryllium) is tabulated once on a grid in (ln p, ln theta), each cell integrated by
4 x 4 Gauss-Legendre points. The cell integrals give the total cross section sigma_h (theta < pi/2)
and a piecewise-constant proposal; a sample draws a cell (Walker's alias method), a point
uniformly inside it, and carries the exact importance weight density/proposal, so the sampled
distribution is the parametrization itself, not its tabulated approximation.

Normalization (an output): mesons of species h per proton on target (POT) from the primary
protons' first inelastic interactions,

    Y_h = P_int sigma_h / sigma_inel(p A),     P_int = 1 - exp(-L / lambda_I).

Secondary interactions (the leading baryon or produced mesons interacting again in the target)
are NOT included in Y_h; :func:`secondary_interaction_bounds` bounds their size (docs/target.md).

Species: pi+, pi-, K+, K- (BMPT; K- not at BNB energies), pi0 = (pi+ + pi-)/2 (isospin),
K0 (= K0_L or K0_S each): (K+ + 3 K-)/4 (quark counting, as used with BMPT) above 50 GeV, the
Sanford-Wang K0 fit at the BNB; eta: a fixed eta/pi0 ratio with the shape of a heavier meson
(0.114 with the (K+ + K-)/2 shape at >= 50 GeV: the Pythia value of the BdNMC NuMI card,
arXiv:1609.01770 and github pgdeniverville/bdnmc_utilities; 1/30 with the K0 Sanford-Wang shape
at BNB energies: BdNMC's default, tuned to 8.9 GeV).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from nuportal import constants
from nuportal._validation import RngLike, as_rng
from nuportal.sources.point_source import ParentBeam
from nuportal.sources.target import bmpt, sanford_wang
from nuportal.sources.target.beams import BeamTarget, get_beam

__all__ = [
    "ETA_PI0_RATIO",
    "SPECIES",
    "MesonSample",
    "available_species",
    "meson_yields",
    "production_cross_section",
    "sample_mesons",
    "secondary_interaction_bounds",
]

SPECIES = ("pi+", "pi-", "pi0", "K+", "K-", "K0", "eta")

#: eta/pi0 ratio by regime ("bmpt": p_B >= 50 GeV; "sw": BNB energies).
ETA_PI0_RATIO = {"bmpt": 0.114, "sw": 1.0 / 30.0}

MASS = {
    "pi+": constants.M_PI_CHARGED,
    "pi-": constants.M_PI_CHARGED,
    "pi0": constants.M_PI0,
    "K+": constants.M_K_CHARGED,
    "K-": constants.M_K_CHARGED,
    "K0": constants.M_K_LONG,
    "eta": constants.M_ETA,
}

_N_LNP, _N_LNT = 200, 160
_THETA_MIN, _P_MIN = 1.0e-6, 1.0e-2  # rad, GeV: the regions below hold < 1e-8 of the yields
_GL_X, _GL_W = np.polynomial.legendre.leggauss(4)


def _regime(beam: BeamTarget) -> str:
    lo, hi = bmpt.BMPT_BEAM_RANGE
    if lo <= beam.proton_energy <= hi:
        return "bmpt"
    sanford_wang.check_beam_momentum(beam.proton_energy)  # raises with both ranges named
    if beam.material != "beryllium":
        raise ValueError(
            f"material {beam.material!r}: the Sanford-Wang fits of arXiv:0806.1449 describe "
            "beryllium targets only (material must be 'beryllium' below 50 GeV)"
        )
    return "sw"


def available_species(beam: BeamTarget | str) -> tuple[str, ...]:
    """Species that can be produced for this beam (K- needs p_B >= 50 GeV)."""
    beam = get_beam(beam)
    return SPECIES if _regime(beam) == "bmpt" else tuple(s for s in SPECIES if s != "K-")


def _check_species(beam: BeamTarget, species: str) -> str:
    allowed = available_species(beam)
    if species not in allowed:
        raise ValueError(
            f"species must be one of {list(allowed)} for a {beam.proton_energy:g} GeV beam, "
            f"got {species!r}"
        )
    return species


def _bmpt_density(shape: str, p, cos_t, sin_t, p_beam, a_mass):
    """d^2sigma/(dp dOmega) [mb/(GeV sr)] of a BMPT shape (charged-meson kinematics)."""
    par = bmpt.PION if shape.startswith("pi") else bmpt.KAON
    plus, x, energy = bmpt.plus_invariant(par, p, cos_t, sin_t, p_beam, a_mass)
    if shape in ("pi+", "K+"):
        inv = plus
    else:
        minus_over_plus = 1.0 / bmpt.charge_ratio("pi" if shape.startswith("pi") else "K", x)
        if shape in ("pi-", "K-"):
            inv = plus * minus_over_plus
        elif shape == "K0":  # (K+ + 3 K-)/4
            inv = plus * (0.25 + 0.75 * minus_over_plus)
        else:  # pi0 = (pi+ + pi-)/2, Kavg = (K+ + K-)/2
            inv = plus * (0.5 + 0.5 * minus_over_plus)
    return inv * (p * p / energy)


def _sw_density(shape: str, p, theta, cos_t, p_beam):
    if shape == "K+":
        return sanford_wang.feynman_scaling_kplus(p, theta, p_beam)
    if shape == "pi0":
        return 0.5 * sanford_wang.sanford_wang_sum(("pi+", "pi-"), p, theta, cos_t, p_beam)
    return sanford_wang.sanford_wang_sum((shape,), p, theta, cos_t, p_beam)


def _shape_of(species: str, regime: str) -> str:
    if species == "eta":
        return "Kavg" if regime == "bmpt" else "K0"
    return species


@dataclass(frozen=True)
class _Table:
    """A (ln p, ln theta) grid of cell integrals of d^2sigma/(d ln p d ln theta) [mb]."""

    lnp_edges: NDArray[np.float64]
    lnt_edges: NDArray[np.float64]
    cell_mass: NDArray[np.float64]  # (n_p * n_t,), mb
    total: float  # mb
    shape: str
    regime: str
    p_beam: float
    a_mass: float

    alias_prob: NDArray[np.float64] = field(default_factory=lambda: np.empty(0))
    alias_index: NDArray[np.intp] = field(default_factory=lambda: np.empty(0, np.intp))

    def density(self, p, theta, cos_t=None, sin_t=None):
        """d^2sigma/(d ln p d ln theta) [mb] = d^2sigma/(dp dOmega) 2 pi sin(theta) p theta."""
        cos_t = np.cos(theta) if cos_t is None else cos_t
        sin_t = np.sin(theta) if sin_t is None else sin_t
        if self.regime == "bmpt":
            d = _bmpt_density(self.shape, p, cos_t, sin_t, self.p_beam, self.a_mass)
        else:
            d = _sw_density(self.shape, p, theta, cos_t, self.p_beam)
        return d * (2.0 * np.pi) * sin_t * p * theta

    def sample_cells(self, u: NDArray[np.float64]) -> NDArray[np.intp]:
        """Cells drawn with probability cell_mass / total from uniforms ``u`` (Walker's alias
        method: the integer part of u K picks a cell, the fraction accepts it or its alias)."""
        k_u = u * self.alias_prob.size
        k = k_u.astype(np.intp)
        np.minimum(k, self.alias_prob.size - 1, out=k)
        return np.where(k_u - k < self.alias_prob[k], k, self.alias_index[k])


@lru_cache(maxsize=64)
def _table(shape: str, regime: str, p_beam: float, a_mass: float) -> _Table:
    lnp_edges = np.linspace(math.log(_P_MIN), math.log(p_beam), _N_LNP + 1)
    lnt_edges = np.linspace(math.log(_THETA_MIN), math.log(0.5 * math.pi), _N_LNT + 1)
    dlp, dlt = np.diff(lnp_edges)[0], np.diff(lnt_edges)[0]
    # 4 x 4 Gauss-Legendre nodes in every cell
    up = lnp_edges[:-1, None] + 0.5 * dlp * (1.0 + _GL_X[None, :])  # (n_p, 4)
    ut = lnt_edges[:-1, None] + 0.5 * dlt * (1.0 + _GL_X[None, :])  # (n_t, 4)
    P = np.exp(up)[:, None, :, None]
    T = np.exp(ut)[None, :, None, :]
    P, T = np.broadcast_arrays(P, T)
    proto = _Table(lnp_edges, lnt_edges, np.empty(0), 0.0, shape, regime, p_beam, a_mass)
    values = proto.density(P, T)  # (n_p, n_t, 4, 4)
    w = (0.5 * dlp * _GL_W)[:, None] * (0.5 * dlt * _GL_W)[None, :]
    mass = np.einsum("ijkl,kl->ij", values, w).ravel()
    mass = np.maximum(mass, 0.0)
    prob, alias = _alias_table(mass)
    total = float(mass.sum())
    return _Table(lnp_edges, lnt_edges, mass, total, shape, regime, p_beam, a_mass, prob, alias)


def _alias_table(mass: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
    """Walker/Vose alias table of a discrete distribution (built once per table)."""
    k = mass.size
    scaled = mass * (k / mass.sum())
    prob = np.ones(k)
    alias = np.arange(k, dtype=np.intp)
    small = [i for i in range(k) if scaled[i] < 1.0]
    large = [i for i in range(k) if scaled[i] >= 1.0]
    while small and large:
        s_i, l_i = small.pop(), large.pop()
        prob[s_i], alias[s_i] = scaled[s_i], l_i
        scaled[l_i] -= 1.0 - scaled[s_i]
        (small if scaled[l_i] < 1.0 else large).append(l_i)
    return prob, alias


def _species_table(beam: BeamTarget, species: str) -> tuple[_Table, float]:
    """The table whose shape a species follows and the factor sigma_species / table.total."""
    regime = _regime(beam)
    _check_species(beam, species)
    a_mass = beam.mass_number if regime == "bmpt" else 9.0
    table = _table(_shape_of(species, regime), regime, beam.proton_energy, a_mass)
    if species != "eta":
        return table, 1.0
    pi0 = _table("pi0", regime, beam.proton_energy, a_mass)
    return table, ETA_PI0_RATIO[regime] * pi0.total / table.total


def production_cross_section(beam: BeamTarget | str, species: str) -> float:
    """Thin-target production cross section sigma(p A -> h X), theta < pi/2 [mb per nucleus].

    Parameters
    ----------
    beam : BeamTarget or str
        Beam (its momentum and the target nucleus matter, not the target's length).
    species : str
        One of :func:`available_species`.
    """
    beam = get_beam(beam)
    table, factor = _species_table(beam, species)
    return table.total * factor


def meson_yields(
    beam: BeamTarget | str, overrides: dict[str, float] | None = None
) -> dict[str, float]:
    """Mesons per proton on target of every available species (primary interactions).

    Y_h = P_int sigma_h / sigma_inel(p A) with P_int = 1 - exp(-L / lambda_I).

    Parameters
    ----------
    beam : BeamTarget or str
        A :class:`BeamTarget` or a catalog name ("lbnf", "numi", "bnb").
    overrides : dict, optional
        Species -> mesons per POT replacing the computed values (e.g. ``{"pi0": 2.9}``).

    Returns
    -------
    dict[str, float]
        Mesons per POT by species.
    """
    beam = get_beam(beam)
    scale = beam.interaction_probability / beam.inelastic_cross_section
    out = {s: production_cross_section(beam, s) * scale for s in available_species(beam)}
    for key, value in (overrides or {}).items():
        _check_species(beam, key)
        out[key] = _check_yield(value, f"overrides[{key!r}]")
    return out


def _check_yield(value: float, name: str) -> float:
    v = float(value)
    if not (math.isfinite(v) and v >= 0.0):
        raise ValueError(f"{name} must be a finite number >= 0 mesons per POT, got {value!r}")
    return v


@dataclass(frozen=True)
class MesonSample:
    """Weighted mesons from a beam on a target.

    Attributes
    ----------
    species : str
    momenta : ndarray, shape (n, 4)
        Lab four-momenta (E, px, py, pz) [GeV], beam along +z.
    positions : ndarray, shape (n, 3)
        Production points [m]: z from the target's upstream face, x, y transverse.
    weights : ndarray, shape (n,)
        Mesons per POT carried by each row; they sum to the species' yield per POT.
    beam : BeamTarget
    yield_per_pot : float
        Sum of the weights.
    """

    species: str
    momenta: NDArray[np.float64]
    positions: NDArray[np.float64]
    weights: NDArray[np.float64]
    beam: BeamTarget
    yield_per_pot: float = field(default=0.0)

    def __len__(self) -> int:
        return len(self.weights)

    @property
    def momentum(self) -> NDArray[np.float64]:
        """|p| [GeV]."""
        return np.linalg.norm(self.momenta[:, 1:], axis=1)

    @property
    def theta(self) -> NDArray[np.float64]:
        """Polar angle to the beam [rad]."""
        return np.arctan2(np.hypot(self.momenta[:, 1], self.momenta[:, 2]), self.momenta[:, 3])

    def to_dataframe(self) -> pd.DataFrame:
        """Columns E, px, py, pz [GeV], x, y, z [m], weight [per POT], species; the beam in
        ``attrs["metadata"]``."""
        table = pd.DataFrame(
            {
                "E": self.momenta[:, 0],
                "px": self.momenta[:, 1],
                "py": self.momenta[:, 2],
                "pz": self.momenta[:, 3],
                "x": self.positions[:, 0],
                "y": self.positions[:, 1],
                "z": self.positions[:, 2],
                "weight": self.weights,
                "species": self.species,
            }
        )
        table.attrs["metadata"] = {
            "kind": "target_mesons",
            "species": self.species,
            "beam": self.beam.name,
            "proton_energy_GeV": self.beam.proton_energy,
            "material": self.beam.material,
            "target_length_m": self.beam.length,
            "target_radius_m": self.beam.radius,
            "density_g_cm3": self.beam.density,
            "yield_per_pot": self.yield_per_pot,
            "weight_normalization": "weight = mesons per proton on target (sum = yield per POT)",
        }
        return table

    def to_parents(self, origin: np.ndarray | None = None) -> ParentBeam:
        """The sample as decaying parents for the production stage.

        Parameters
        ----------
        origin : array_like, shape (3,), optional
            Position [m] of the target's upstream face in the frame of the consumer (default 0).
        """
        shift = np.zeros(3) if origin is None else np.asarray(origin, float)
        return ParentBeam(
            self.momenta.copy(), self.positions + shift, self.weights.copy(), np.zeros(len(self))
        )


def sample_mesons(
    beam: BeamTarget | str,
    species: str,
    n: int = 100_000,
    seed: RngLike = None,
    yield_per_pot: float | None = None,
) -> MesonSample:
    """Draw ``n`` weighted mesons of one species from a beam on its target.

    Parameters
    ----------
    beam : BeamTarget or str
        A :class:`BeamTarget` or a catalog name ("lbnf", "numi", "bnb").
    species : str
        "pi+", "pi-", "pi0", "K+", "K-", "K0" or "eta" (see :func:`available_species`).
    n : int
        Number of mesons (> 0).
    seed : int, Generator or None
        Random seed or generator: same seed, same sample.
    yield_per_pot : float, optional
        Mesons per POT to normalize the weights to (default: :func:`meson_yields`).

    Returns
    -------
    MesonSample
        Weights sum exactly to the yield per POT.
    """
    beam = get_beam(beam)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0:
        raise ValueError(f"n must be a positive integer number of mesons, got {n!r}")
    table, factor = _species_table(beam, species)
    if yield_per_pot is None:
        total = table.total * factor * beam.interaction_probability / beam.inelastic_cross_section
    else:
        total = _check_yield(yield_per_pot, "yield_per_pot")
    rng = as_rng(seed)
    n = int(n)
    n_t = _N_LNT
    cell = table.sample_cells(rng.random(n))
    i, j = np.divmod(cell, n_t)
    dlp = table.lnp_edges[1] - table.lnp_edges[0]
    dlt = table.lnt_edges[1] - table.lnt_edges[0]
    u = rng.random((3, n))
    p = np.exp(table.lnp_edges[i] + dlp * u[0])
    theta = np.exp(table.lnt_edges[j] + dlt * u[1])
    phi = u[2] * (2.0 * np.pi)
    sin_t, cos_t = np.sin(theta), np.cos(theta)
    ratio = table.density(p, theta, cos_t, sin_t) * (dlp * dlt) / table.cell_mass[cell]
    s = ratio.sum()
    weights = ratio * (total / s) if s > 0 else np.zeros(n)
    m = MASS[species]
    momenta = np.empty((n, 4))
    momenta[:, 0] = np.sqrt(p * p + m * m)
    p_t = p * sin_t
    momenta[:, 1] = p_t * np.cos(phi)
    momenta[:, 2] = p_t * np.sin(phi)
    momenta[:, 3] = p * cos_t
    positions = beam.sample_interaction_points(n, rng)
    return MesonSample(species, momenta, positions, weights, beam, float(total))


def secondary_interaction_bounds(sample: MesonSample) -> dict[str, float]:
    """Bounds on the effect of secondary hadronic interactions in the target.

    Returns
    -------
    dict
        ``leading_baryon``: probability that, after the first inelastic interaction, the
        leading baryon (taken to continue along the axis) interacts again before the end of the
        target, [1 - e^-t (1 + t)] / (1 - e^-t), t = L / lambda_I. Since meson multiplicities
        rise with energy and the leading baryon carries only part of the beam energy, the
        tertiary mesons add at most this fraction to the yields (an upper bound).
        ``meson_reinteraction``: weighted mean probability that a meson of the sample interacts
        before leaving the target cylinder, 1 - exp(-l / lambda_I) with l its path to the
        target's surface and the proton interaction length (mesons interact less: an upper
        bound on the fraction of mesons absorbed or rescattered).
    """
    beam = sample.beam
    lam = beam.interaction_length
    t = beam.length / lam
    leading = (-math.expm1(-t) - t * math.exp(-t)) / -math.expm1(-t)
    d = sample.momenta[:, 1:] / sample.momentum[:, None]
    pos = sample.positions
    # distance to the downstream face or the side of the cylinder along d
    with np.errstate(divide="ignore", invalid="ignore"):
        l_face = np.where(
            d[:, 2] > 0,
            (beam.length - pos[:, 2]) / d[:, 2],
            np.where(d[:, 2] < 0, -pos[:, 2] / d[:, 2], np.inf),
        )
        a = d[:, 0] ** 2 + d[:, 1] ** 2
        b = pos[:, 0] * d[:, 0] + pos[:, 1] * d[:, 1]
        c = pos[:, 0] ** 2 + pos[:, 1] ** 2 - beam.radius**2
        l_side = np.where(a > 0, (-b + np.sqrt(np.maximum(b * b - a * c, 0.0))) / a, np.inf)
    path = np.minimum(l_face, l_side)
    prob = -np.expm1(-path / lam)
    w = sample.weights
    mean = float(np.sum(w * prob) / np.sum(w)) if np.sum(w) > 0 else 0.0
    return {"leading_baryon": leading, "meson_reinteraction": mean}
