"""Dark photons from a simulated shower: every track segment weighted by its expected emissions.

Dark-photon production (rate ~ epsilon^2 << 1) never feeds back on the cascade, so the
Standard-Model shower is simulated once and each of its straight steps i (length l_i, energy E_i,
species s_i) is given the expected number of A' it radiates (Blinov, Fox, Kelly, Machado,
Plestid, arXiv:2401.06843, Sec. 2, and the PETITE code, ``dark_shower.py``):

* e+-: dark bremsstrahlung, w = l n_atoms sigma_brem(E);
* e+ : associated annihilation e+ e- -> gamma A', w = l n_atoms sigma_ann(E) (Z electrons per
  atom inside sigma), and resonant annihilation e+ e- -> A' where the positron's continuous loss
  sweeps through E_R = (M^2 - 2 m_e^2)/(2 m_e): w = n_atoms I_res l / (E_start - E_end), the
  narrow-width integral I_res = integral sigma dE over a step along which E falls linearly;
* photons: dark Compton gamma e -> A' e, w = l n_atoms sigma_C(E).

No rare process is sampled analogously. Because a run has millions of segments, a fixed number of
them is drawn per batch and per process with probability proportional to w (each drawn A' then
carries the process's summed weight divided by the number drawn: the totals are exact and every
distribution unbiased), and the A' four-momentum is sampled from the differential cross section
at the segment's energy, rotated onto the segment's direction.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from nuportal.kinematics.fourvectors import rotate_z_to, unit_vectors
from nuportal.sources.shower.dark_annihilation import (
    DarkAnnihilation,
    resonant_cross_section_integral,
    resonant_dark_photon_energy,
    resonant_positron_energy,
)
from nuportal.sources.shower.dark_brem_tables import DarkBremsstrahlung
from nuportal.sources.shower.dark_compton import DarkCompton
from nuportal.sources.shower.materials import Material, resolve_material
from nuportal.sources.shower.primaries import PrimaryList
from nuportal.sources.shower.processes import Species
from nuportal.sources.shower.qed_constants import M_E
from nuportal.sources.shower.simulate import ShowerResult, simulate_showers
from nuportal.sources.shower.transport import Segments

__all__ = [
    "DARK_PROCESSES",
    "DarkFluxResult",
    "DarkPhotonTally",
    "dark_photon_flux",
    "dark_photons_through_disk",
]

#: Dark-photon production processes in a shower, by name.
DARK_PROCESSES = ("brem", "compton", "annihilation", "resonant")


class _Candidates(NamedTuple):
    """Emitting segments of one batch for one process (production point already chosen)."""

    weight: NDArray[np.float64]
    energy: NDArray[np.float64]
    point: NDArray[np.float64]
    direction: NDArray[np.float64]
    shower: NDArray[np.int64]


@dataclass
class _Draws:
    """A' drawn from one batch: arrays to be stacked into the output table."""

    process: NDArray[np.int8]
    weight: NDArray[np.float64]
    vertex: NDArray[np.float64]
    momentum: NDArray[np.float64]
    parent_energy: NDArray[np.float64]
    shower: NDArray[np.int64]


class DarkPhotonTally:
    """Consumer of shower segments that accumulates the dark-photon yield and a weighted A' list.

    Parameters
    ----------
    material : Material
        Target material (the one the shower runs in).
    mass : float
        Dark-photon mass M [GeV].
    processes : sequence of str
        Subset of :data:`DARK_PROCESSES`.
    draws_per_shower : float
        A' drawn per process and per shower (at the end of each batch of showers, from that
        batch's emitting segments).
    rng : numpy.random.Generator
        Source of randomness for the draws and the A' kinematics.
    photon_cut : float
        Minimum lab energy [GeV] of the photon of e+ e- -> gamma A' (the shower's photon cut:
        softer photons belong to the resonant line's radiative tail, see
        :func:`~nuportal.sources.shower.dark_annihilation.dark_annihilation_cross_section_photon_cut`).
    brem_options : dict, optional
        Settings of the dark-bremsstrahlung tables
        (:class:`~nuportal.sources.shower.dark_brem_tables.DarkBremsstrahlung`).
    shower_weights : numpy.ndarray, optional
        Weight of each shower (indexed by global shower number, e.g.
        :attr:`~nuportal.sources.shower.primaries.PrimaryList.weight`); every segment's expected
        A' number is multiplied by its shower's weight. Default: 1 for every shower.

    Notes
    -----
    Weights are computed at epsilon = 1; :meth:`table` scales them by epsilon^2.
    """

    def __init__(
        self,
        material: Material,
        mass: float,
        processes: Sequence[str] = DARK_PROCESSES,
        *,
        draws_per_shower: float = 10.0,
        rng: np.random.Generator,
        photon_cut: float = 0.0,
        brem_options: dict | None = None,
        shower_weights: NDArray[np.float64] | None = None,
    ) -> None:
        unknown = sorted(set(processes) - set(DARK_PROCESSES))
        if unknown:
            raise ValueError(f"unknown dark-photon processes {unknown}; known: {DARK_PROCESSES}")
        if not (math.isfinite(mass) and mass > 0.0):
            raise ValueError(f"dark-photon mass must be positive and finite [GeV], got {mass!r}")
        self.material = material
        self.mass = float(mass)
        self.processes = tuple(p for p in DARK_PROCESSES if p in processes)
        if not (math.isfinite(draws_per_shower) and draws_per_shower > 0.0):
            raise ValueError(f"draws_per_shower must be positive, got {draws_per_shower!r}")
        self.draws_per_shower = float(draws_per_shower)
        self.rng = rng
        n_atoms = material.atom_density
        self._n_atoms = n_atoms
        brem_options = brem_options or {}
        self._emitters: dict[str, tuple[tuple[Species, ...], object]] = {}
        if "brem" in self.processes:
            self._emitters["brem"] = (
                (Species.ELECTRON, Species.POSITRON),
                DarkBremsstrahlung(material, mass, **brem_options),
            )
        if "compton" in self.processes:
            self._emitters["compton"] = ((Species.PHOTON,), DarkCompton(material, mass))
        if "annihilation" in self.processes:
            self._emitters["annihilation"] = (
                (Species.POSITRON,),
                DarkAnnihilation(material, mass, photon_cut=photon_cut),
            )
        if "resonant" in self.processes:
            if mass > 2.0 * M_E:
                self.resonant_energy = float(resonant_positron_energy(mass))
                self._resonant_integral = float(
                    resonant_cross_section_integral(material.Z, mass=mass)
                )
            else:  # no resonance below the e+ e- threshold
                self.processes = tuple(p for p in self.processes if p != "resonant")
        self.shower_weights = (
            None if shower_weights is None else np.asarray(shower_weights, dtype=float)
        )
        self.totals = dict.fromkeys(self.processes, 0.0)
        self._per_shower = {p: np.zeros(0) for p in self.processes}
        self._candidates: dict[str, list[_Candidates]] = {p: [] for p in self.processes}
        self._draws: list[_Draws] = []

    # ------------------------------------------------------------------ consumer
    def __call__(self, segments: Segments, first_shower: int = 0) -> None:
        """Add the dark-photon weights of one set of segments; keep the emitting ones."""
        for name in self.processes:
            if name == "resonant":
                weight, energy, fraction = self._resonant_weights(segments)
                if self.shower_weights is not None:
                    weight = weight * self.shower_weights[segments.shower + first_shower]
            else:
                species, process = self._emitters[name]
                rows = np.isin(segments.species, species)
                fraction = self.rng.random(len(segments))
                energy = segments.energy_start + fraction * (
                    segments.energy_end - segments.energy_start
                )
                sigma = np.zeros(len(segments))
                sigma[rows] = process.cross_section(energy[rows])
                weight = segments.length * self._n_atoms * sigma
            if self.shower_weights is not None:
                weight = weight * self.shower_weights[segments.shower + first_shower]
            keep = weight > 0.0
            if not np.any(keep):
                continue
            self.totals[name] += float(weight.sum())
            self._add_per_shower(name, segments.shower[keep] + first_shower, weight[keep])
            along = (fraction * segments.length)[keep, None] * segments.direction[keep]
            self._candidates[name].append(
                _Candidates(
                    weight=weight[keep],
                    energy=energy[keep],
                    point=segments.position_start[keep] + along,
                    direction=segments.direction[keep],
                    shower=segments.shower[keep] + first_shower,
                )
            )

    def _add_per_shower(self, name: str, shower: NDArray[np.int64], weight: NDArray) -> None:
        sums = np.bincount(shower, weight)
        acc = self._per_shower[name]
        if len(sums) > len(acc):
            acc = np.concatenate([acc, np.zeros(len(sums) - len(acc))])
        acc[: len(sums)] += sums
        self._per_shower[name] = acc

    def end_of_batch(self, n_showers: int) -> None:
        """Draw the A' of a finished batch of ``n_showers`` showers from its emitting segments."""
        for index, name in enumerate(self.processes):
            pieces = self._candidates[name]
            if not pieces:
                continue
            cand = _Candidates(
                *(np.concatenate([getattr(c, f) for c in pieces]) for f in _Candidates._fields)
            )
            pieces.clear()
            self._draw(index, name, cand, max(1, round(self.draws_per_shower * n_showers)))

    def _resonant_weights(self, segments: Segments):
        e_r = self.resonant_energy
        start, end = segments.energy_start, segments.energy_end
        crossing = (segments.species == Species.POSITRON) & (end <= e_r) & (e_r < start)
        loss = np.where(crossing, start - end, 1.0)
        weight = np.where(
            crossing, self._n_atoms * self._resonant_integral * segments.length / loss, 0.0
        )
        fraction = np.where(crossing, (start - e_r) / loss, 0.0)
        return weight, np.full(len(segments), e_r), fraction

    def _draw(self, index: int, name: str, cand: _Candidates, n: int) -> None:
        rng = self.rng
        total = float(cand.weight.sum())
        rows = rng.choice(len(cand.weight), size=n, p=cand.weight / total)
        e_parent = cand.energy[rows]
        if name == "resonant":
            e_dark = np.full(n, resonant_dark_photon_energy(self.mass))
            cos_theta = np.ones(n)
        else:
            out = self._emitters[name][1].sample(e_parent, rng)
            e_dark, cos_theta = out.energy, out.cos_theta
        direction = rotate_z_to(
            unit_vectors(cos_theta, rng.random(n) * 2.0 * np.pi), cand.direction[rows]
        )
        p = np.sqrt(np.maximum(e_dark**2 - self.mass**2, 0.0))
        self._draws.append(
            _Draws(
                process=np.full(n, index, dtype=np.int8),
                weight=np.full(n, total / n),
                vertex=cand.point[rows],
                momentum=np.column_stack([e_dark, p[:, None] * direction]),
                parent_energy=e_parent,
                shower=cand.shower[rows],
            )
        )

    # ------------------------------------------------------------------ results
    def yields(self, n_primaries: int, epsilon: float = 1.0) -> dict[str, float]:
        """Expected A' per primary by process (and ``"total"``) at kinetic mixing ``epsilon``."""
        out = {k: v * epsilon**2 / n_primaries for k, v in self.totals.items()}
        out["total"] = sum(out.values())
        return out

    def yield_errors(self, n_primaries: int, epsilon: float = 1.0) -> dict[str, float]:
        """Statistical (shower-to-shower) standard errors of :meth:`yields`, same units.

        The showers are independent, so the error of the summed weight is sqrt(N) times the
        standard deviation of the per-shower sums (N = ``n_primaries`` or the number of showers
        seen, whichever is larger).
        """
        n_seen = max((len(v) for v in self._per_shower.values()), default=0)
        n = max(int(n_primaries), n_seen, 2)
        out, total = {}, None
        for name, acc in self._per_shower.items():
            full = np.concatenate([acc, np.zeros(n - len(acc))])
            out[name] = float(math.sqrt(n) * full.std(ddof=1)) * epsilon**2 / n_primaries
            total = full if total is None else total + full
        out["total"] = (
            0.0
            if total is None
            else float(math.sqrt(n) * total.std(ddof=1)) * epsilon**2 / n_primaries
        )
        return out

    def table(self, n_primaries: int, epsilon: float = 1.0) -> pd.DataFrame:
        """The weighted A' list.

        Columns: ``weight`` (expected A' per primary particle at ``epsilon``), ``vertex_x/y/z``
        (production point [m]), ``dark_photon_E/px/py/pz`` [GeV], ``process``,
        ``parent_energy`` (energy of the emitting particle [GeV]) and ``shower``.
        """
        if any(self._candidates.values()):  # segments given outside simulate_showers
            self.end_of_batch(n_primaries)
        if not self._draws:
            columns = [
                "weight",
                "vertex_x",
                "vertex_y",
                "vertex_z",
                "dark_photon_E",
                "dark_photon_px",
                "dark_photon_py",
                "dark_photon_pz",
                "process",
                "parent_energy",
                "shower",
            ]
            return pd.DataFrame({c: [] for c in columns})
        cat = {
            f: np.concatenate([getattr(d, f) for d in self._draws]) for f in _Draws.__annotations__
        }
        vertex_m = cat["vertex"] / 100.0
        return pd.DataFrame(
            {
                "weight": cat["weight"] * epsilon**2 / n_primaries,
                "vertex_x": vertex_m[:, 0],
                "vertex_y": vertex_m[:, 1],
                "vertex_z": vertex_m[:, 2],
                "dark_photon_E": cat["momentum"][:, 0],
                "dark_photon_px": cat["momentum"][:, 1],
                "dark_photon_py": cat["momentum"][:, 2],
                "dark_photon_pz": cat["momentum"][:, 3],
                "process": pd.Categorical.from_codes(cat["process"], list(self.processes)),
                "parent_energy": cat["parent_energy"],
                "shower": cat["shower"],
            }
        )


def dark_photons_through_disk(
    dark_photons: pd.DataFrame,
    distance: float,
    radius: float,
    off_axis_angle: float = 0.0,
) -> NDArray[np.bool_]:
    """Which A' cross a detector face: a disk facing the target.

    The disk's centre is at ``distance`` [m] from the origin (the target's upstream face centre),
    in the x-z plane at ``off_axis_angle`` [rad] from the beam axis (+z); its plane is
    perpendicular to the line from the origin to its centre.

    Parameters
    ----------
    dark_photons : pandas.DataFrame
        A' list with ``vertex_x/y/z`` [m] and ``dark_photon_px/py/pz`` [GeV].
    distance, radius : float
        Distance to the disk centre and disk radius [m].
    off_axis_angle : float
        Angle of the disk centre from the beam axis [rad].

    Returns
    -------
    numpy.ndarray of bool
        True for the A' whose straight line from the production point crosses the disk.
    """
    for name, value in (("distance", distance), ("radius", radius)):
        if not (math.isfinite(value) and value > 0.0):
            raise ValueError(f"{name} must be positive and finite [m], got {value!r}")
    if not (math.isfinite(off_axis_angle) and 0.0 <= off_axis_angle < math.pi / 2):
        raise ValueError(f"off_axis_angle must be in [0, pi/2) rad, got {off_axis_angle!r}")
    normal = np.array([math.sin(off_axis_angle), 0.0, math.cos(off_axis_angle)])
    centre = distance * normal
    vertex = dark_photons[["vertex_x", "vertex_y", "vertex_z"]].to_numpy()
    momentum = dark_photons[["dark_photon_px", "dark_photon_py", "dark_photon_pz"]].to_numpy()
    along = np.einsum("ij,j->i", momentum, normal)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.einsum("ij,j->i", centre - vertex, normal) / along
    hit = vertex + t[:, None] * momentum
    off_centre = np.linalg.norm(hit - centre, axis=1)
    return (along > 0.0) & (t > 0.0) & (off_centre <= radius)


@dataclass(frozen=True)
class DarkFluxResult:
    """Dark photons from ``n`` showers: the weighted A' list, yields and the shower itself."""

    mass: float
    epsilon: float
    dark_photons: pd.DataFrame
    yields: dict[str, float]
    shower: ShowerResult
    yield_errors: dict[str, float] | None = None

    def metadata(self) -> dict:
        """Run settings, yields and the shower's histograms (JSON-serializable)."""
        return {
            **self.shower.metadata(),
            "kind": "dark_flux",
            "dark_photon_mass_GeV": self.mass,
            "epsilon": self.epsilon,
            "yields_per_primary": self.yields,
            "yield_errors_per_primary": self.yield_errors,
            "weight_normalization": "expected dark photons per primary particle at epsilon",
        }


def dark_photon_flux(
    mass: float,
    epsilon: float = 1e-4,
    *,
    particle: str = "e-",
    energy: float = 10.0,
    material: Material | str = "graphite",
    n: int = 1000,
    cut: float = 0.01,
    photon_cut: float | None = None,
    processes: Sequence[str] = DARK_PROCESSES,
    draws_per_shower: float = 10.0,
    seed: int | None = None,
    progress: bool | None = None,
    brem_options: dict | None = None,
    primaries: PrimaryList | None = None,
    **shower_options,
) -> DarkFluxResult:
    """Simulate showers and the dark photons they radiate.

    Parameters
    ----------
    mass : float
        Dark-photon mass [GeV].
    epsilon : float
        Kinetic mixing (weights scale as epsilon^2).
    particle, energy, material, n, cut, photon_cut, seed, progress
        As in :func:`~nuportal.sources.shower.simulate.simulate_showers`; the photon cut is also
        the lowest photon energy of e+ e- -> gamma A'.
    processes : sequence of str
        Production processes, a subset of :data:`DARK_PROCESSES`.
    draws_per_shower : float
        A' drawn per process per shower (the list has about ``draws_per_shower`` x processes x
        ``n`` rows; the weights keep every total exact).
    brem_options : dict, optional
        Keyword arguments for the dark-bremsstrahlung tables (grid size, vegas evaluations).
    primaries : PrimaryList, optional
        Start one shower per row (species, energy, position, direction, weight) instead of
        ``n`` identical primaries; yields and A' weights are then sums over showers of the
        row weight x the A' of that shower (not divided by the number of showers): with
        weights in photons per proton on target they are A' per proton on target.
    **shower_options
        Passed to :func:`~nuportal.sources.shower.simulate.simulate_showers` (``electron_cut``,
        ``length``, ``radius``, ``batch_size``, ...).

    Returns
    -------
    DarkFluxResult
    """
    if not (math.isfinite(epsilon) and epsilon >= 0.0):
        raise ValueError(f"epsilon must be non-negative and finite, got {epsilon!r}")
    target_material = resolve_material(material)
    photon_cut = cut if photon_cut is None else photon_cut
    # a stream of its own: the showers use the children (0,), (1,), ... of the same seed
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0xDA4C, 0)))
    if primaries is not None:
        n = len(primaries)
    tally = DarkPhotonTally(
        target_material,
        mass,
        processes,
        draws_per_shower=draws_per_shower,
        rng=rng,
        photon_cut=photon_cut,
        brem_options=brem_options,
        shower_weights=None if primaries is None else primaries.weight,
    )
    shower = simulate_showers(
        particle,
        energy,
        target_material,
        n,
        cut=cut,
        photon_cut=photon_cut,
        seed=seed,
        progress=progress,
        on_segments=[tally],
        primaries=primaries,
        **shower_options,
    )
    norm = n if primaries is None else 1
    return DarkFluxResult(
        mass=float(mass),
        epsilon=float(epsilon),
        dark_photons=tally.table(norm, epsilon),
        yields=tally.yields(norm, epsilon),
        yield_errors=tally.yield_errors(norm, epsilon),
        shower=shower,
    )
