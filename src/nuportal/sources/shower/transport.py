"""Vectorized transport of electromagnetic cascades: the whole stack advances together.

Each iteration moves every live particle of one species by one step, as arrays:

* photons fly to their next interaction (mean free path from the summed cross sections) or out
  of the target;
* electrons and positrons take a condensed-history step limited by the distance to the next
  discrete interaction, a maximum fractional energy loss, a maximum length (for multiple
  scattering) and the target surface; along it they lose energy continuously (restricted
  collision loss plus soft bremsstrahlung below the photon cut, midpoint rule) and are deflected
  by multiple Coulomb scattering at its end. Because the energy changes along the step, the
  distance to an interaction is drawn with a majorant of the total cross section over the energies
  the step can reach, and an interaction at the end point is accepted with probability
  Sigma(E_end)/majorant (the "fictitious interaction", or delta-scattering, method).

Particles created or slowed below the production cuts stop and give their ledger energy
(:func:`~nuportal.sources.shower.processes.ledger_energy`) to the step's local deposit; particles
leaving the target give it to the escaping energy. Every step is reported to the caller as
:class:`Segments`, which carry all energy flows, so that per shower
deposited + below-cut + escaping = the primaries' ledger energy, to float precision.

The approach is the class II condensed history of EGS4 (Nelson, Hirayama, Rogers,
SLAC-265 (1985)) written over arrays instead of one particle at a time.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

from nuportal.kinematics.fourvectors import rotate_z_to, unit_vectors
from nuportal.sources.shower.energy_loss import continuous_energy_loss_rate, csda_range
from nuportal.sources.shower.multiple_scattering import sample_deflection
from nuportal.sources.shower.processes import DiscreteProcess, Species, ledger_energy
from nuportal.sources.shower.qed_constants import M_E
from nuportal.sources.shower.sm_processes import standard_processes
from nuportal.sources.shower.target import Target

__all__ = ["Fate", "Particles", "Segments", "ShowerPhysics", "transport"]

_GRID_PER_DECADE = 64


class Fate:
    """What ended a step (the ``fate`` column of :class:`Segments`)."""

    CONTINUES = 0  # limited by energy loss or step length; the particle goes on
    INTERACTED = 1  # a discrete interaction at the end point (``process`` says which)
    ESCAPED = 2  # left the target
    STOPPED = 3  # slowed below the cut: its ledger energy is deposited at the end point


@dataclass
class Particles:
    """A stack of particles as arrays (positions [cm], total energies [GeV], unit directions)."""

    species: NDArray[np.int8]
    energy: NDArray[np.float64]
    position: NDArray[np.float64]
    direction: NDArray[np.float64]
    shower: NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.energy)

    def take(self, index: NDArray) -> Particles:
        """The sub-stack selected by a boolean mask or an index array."""
        return Particles(*(getattr(self, f.name)[index] for f in fields(self)))

    @staticmethod
    def concatenate(stacks: Sequence[Particles]) -> Particles:
        """One stack from several."""
        return Particles(
            *(np.concatenate([getattr(s, f.name) for s in stacks]) for f in fields(Particles))
        )

    @staticmethod
    def primaries(species: Species, energy: float, n: int, first_shower: int = 0) -> Particles:
        """``n`` primaries at the origin moving along +z, showers numbered from ``first_shower``."""
        return Particles(
            species=np.full(n, int(species), dtype=np.int8),
            energy=np.full(n, float(energy)),
            position=np.zeros((n, 3)),
            direction=np.tile([0.0, 0.0, 1.0], (n, 1)),
            shower=np.arange(first_shower, first_shower + n, dtype=np.int64),
        )


@dataclass(frozen=True)
class Segments:
    """Straight steps of shower particles, one row per step.

    Attributes
    ----------
    shower, species : numpy.ndarray
        Shower index and :class:`~nuportal.sources.shower.processes.Species` of the particle.
    energy_start, energy_end : numpy.ndarray
        Total energy [GeV] at the start and at the end of the step (equal for photons).
    position_start, direction : numpy.ndarray, shape (N, 3)
        Start point [cm] and unit direction of the step.
    length : numpy.ndarray
        Step length [cm].
    continuous_deposit : numpy.ndarray
        Energy lost continuously along the step [GeV].
    local_deposit : numpy.ndarray
        Ledger energy [GeV] left at the end point by particles below the cuts (secondaries
        produced below the cut, or the particle itself when it stops).
    local_track_length : numpy.ndarray
        Residual (CSDA) range [cm] of the charged particles left below the cut at the end point.
    escaping : numpy.ndarray
        Ledger energy [GeV] carried out of the target (non-zero only for escaping particles).
    fate, process : numpy.ndarray
        :class:`Fate` of the step, and for interactions the index of the process in
        ``ShowerPhysics.processes[species]`` (-1 otherwise).
    """

    shower: NDArray[np.int64]
    species: NDArray[np.int8]
    energy_start: NDArray[np.float64]
    energy_end: NDArray[np.float64]
    position_start: NDArray[np.float64]
    direction: NDArray[np.float64]
    length: NDArray[np.float64]
    continuous_deposit: NDArray[np.float64]
    local_deposit: NDArray[np.float64]
    local_track_length: NDArray[np.float64]
    escaping: NDArray[np.float64]
    fate: NDArray[np.int8]
    process: NDArray[np.int8]

    def __len__(self) -> int:
        return len(self.length)

    @property
    def position_end(self) -> NDArray[np.float64]:
        """End point of each step [cm]."""
        return self.position_start + self.length[:, None] * self.direction


class _Table:
    """Functions of energy tabulated on a log grid, interpolated linearly in log E.

    Each function may have a threshold below which it is exactly zero (the interpolation between
    a zero node and the first non-zero one would otherwise leak below it).
    """

    def __init__(
        self,
        log_energy: NDArray[np.float64],
        values: NDArray[np.float64],
        thresholds: NDArray[np.float64] | None = None,
    ) -> None:
        self.log_energy = log_energy
        self.values = values  # shape (n_functions, n_grid)
        self.thresholds = None if thresholds is None else np.asarray(thresholds)[:, None]

    @classmethod
    def build(
        cls,
        functions: Sequence[Callable],
        e_min: float,
        e_max: float,
        thresholds: Sequence[float] | None = None,
    ) -> _Table:
        n = max(math.ceil(_GRID_PER_DECADE * math.log10(e_max / e_min)), 2) + 1
        grid = np.geomspace(e_min, e_max, n)
        values = np.array([np.asarray(f(grid), dtype=float) for f in functions]).reshape(-1, n)
        return cls(np.log(grid), values, thresholds)

    def __call__(self, energy: NDArray[np.float64]) -> NDArray[np.float64]:
        x = np.log(energy)
        grid = self.log_energy
        i = np.clip(np.searchsorted(grid, x) - 1, 0, len(grid) - 2)
        w = np.clip((x - grid[i]) / (grid[i + 1] - grid[i]), 0.0, 1.0)
        out = self.values[:, i] * (1.0 - w) + self.values[:, i + 1] * w
        if self.thresholds is not None:
            out *= energy >= self.thresholds
        return out


class ShowerPhysics:
    """The Standard-Model physics of one target with its cuts, tabulated for the transport.

    Parameters
    ----------
    target : Target
        Material and geometry.
    electron_cut : float
        Kinetic-energy cut for e+- [GeV]: slower leptons stop and deposit their energy; also the
        delta-ray threshold of Moller and Bhabha scattering.
    photon_cut : float
        Energy cut for photons [GeV]: softer photons are absorbed on the spot; also the
        bremsstrahlung photon threshold (softer photons are part of the continuous loss).
    max_energy : float
        Highest total energy the tables must cover [GeV].
    max_step : float, optional
        Longest charged step [cm]; default 0.1 X0 (multiple-scattering accuracy).
    max_loss_fraction : float, optional
        Largest fraction of its kinetic energy a lepton loses continuously in one step.
    scattering : {"highland", "moliere"}
        Multiple-scattering model of each step
        (:func:`~nuportal.sources.shower.multiple_scattering.sample_deflection`): Gaussian with
        Highland's width (Lynch and Dahl), or Moliere's distribution with its single-scattering
        tail (Bethe's form).
    """

    def __init__(
        self,
        target: Target,
        electron_cut: float,
        photon_cut: float,
        max_energy: float,
        *,
        max_step: float | None = None,
        max_loss_fraction: float = 0.2,
        scattering: str = "highland",
    ) -> None:
        for name, value in (("electron_cut", electron_cut), ("photon_cut", photon_cut)):
            if not (math.isfinite(value) and value > 0.0):
                raise ValueError(f"{name} must be a positive energy [GeV], got {value!r}")
        if not (math.isfinite(max_energy) and max_energy > M_E + electron_cut):
            raise ValueError(
                f"max_energy must exceed m_e + electron_cut = {M_E + electron_cut:.4g} GeV, "
                f"got {max_energy!r}"
            )
        if scattering not in ("highland", "moliere"):
            raise ValueError(f"scattering must be 'highland' or 'moliere', got {scattering!r}")
        self.scattering = scattering
        if not 0.0 < max_loss_fraction < 1.0:
            raise ValueError(f"max_loss_fraction must be in (0, 1), got {max_loss_fraction!r}")
        self.target = target
        self.material = target.material
        self.electron_cut = float(electron_cut)
        self.photon_cut = float(photon_cut)
        self.max_step = 0.1 * self.material.radiation_length if max_step is None else max_step
        self.max_loss_fraction = max_loss_fraction
        self.processes: dict[Species, tuple[DiscreteProcess, ...]] = standard_processes(
            self.material, electron_cut, photon_cut
        )
        e_top = 1.05 * max_energy
        n_atoms = self.material.atom_density
        self.cross_sections = {
            sp: _Table.build(
                [lambda e, p=p: n_atoms * p.cross_section(e) for p in procs],
                self.photon_cut if sp is Species.PHOTON else M_E + self.electron_cut,
                e_top,
                [p.threshold for p in procs],
            )
            for sp, procs in self.processes.items()
        }
        self.majorants = {
            sp: self._majorant(self.cross_sections[sp])
            for sp in (Species.ELECTRON, Species.POSITRON)
        }
        e_min = M_E + 0.5 * self.electron_cut
        self.loss_rate = {
            sp: _Table.build(
                [
                    lambda e, sp=sp: continuous_energy_loss_rate(
                        e, self.material, sp, self.electron_cut, self.photon_cut
                    )
                ],
                e_min,
                e_top,
            )
            for sp in (Species.ELECTRON, Species.POSITRON)
        }
        self.residual_range = {
            sp: _Table.build(
                [lambda e, sp=sp: csda_range(e, self.material, positron=sp is Species.POSITRON)],
                M_E * (1.0 + 1e-6),
                M_E + 1.05 * max(self.electron_cut, self.photon_cut),
            )
            for sp in (Species.ELECTRON, Species.POSITRON)
        }

    def _majorant(self, table: _Table) -> _Table:
        """Largest total cross section a lepton can meet within one step (for the rejection).

        At each grid energy E: the maximum over the grid nodes from the lowest energy a step can
        reach, m_e + (1 - max_loss_fraction)(E - m_e), up to the node above E (the interpolant's
        maximum over an interval is at a node or an end point).
        """
        energy = np.exp(table.log_energy)
        total = table.values.sum(axis=0)
        lowest = M_E + (1.0 - self.max_loss_fraction) * (energy - M_E)
        first = np.searchsorted(energy, lowest, side="right") - 1
        first = np.clip(first, 0, len(energy) - 1)
        last = np.minimum(np.arange(len(energy)) + 1, len(energy) - 1)
        values = np.array([total[i : j + 1].max() for i, j in zip(first, last, strict=True)])
        return _Table(table.log_energy, values[None, :])

    def cut_energy(self, species: NDArray[np.int8]) -> NDArray[np.float64]:
        """Total energy [GeV] below which a particle of each species stops."""
        return np.where(species == Species.PHOTON, self.photon_cut, M_E + self.electron_cut)


def transport(
    primaries: Particles,
    physics: ShowerPhysics,
    rng: np.random.Generator,
    on_segments: Callable[[Segments], None],
) -> None:
    """Transport particles and all their descendants until every one has stopped or escaped.

    Parameters
    ----------
    primaries : Particles
        Starting particles (inside the target, above the cuts).
    physics : ShowerPhysics
        Tabulated physics of the target.
    rng : numpy.random.Generator
        Source of randomness.
    on_segments : callable
        Receives the :class:`Segments` of every species' step, in order.
    """
    if np.any(primaries.energy < physics.cut_energy(primaries.species)):
        raise ValueError("primaries must be above the production cuts")
    stacks = {sp: primaries.take(primaries.species == sp) for sp in Species}
    while any(len(s) for s in stacks.values()):
        for sp in Species:
            stack = stacks[sp]
            if not len(stack):
                continue
            if sp is Species.PHOTON:
                segments, survivors, products = _photon_step(stack, physics, rng)
            else:
                segments, survivors, products = _charged_step(stack, sp, physics, rng)
            stacks[sp] = survivors
            for product in products:
                for s2 in Species:
                    part = product.take(product.species == s2)
                    if len(part):
                        stacks[s2] = Particles.concatenate([stacks[s2], part])
            on_segments(segments)


def _photon_step(
    stack: Particles, physics: ShowerPhysics, rng: np.random.Generator
) -> tuple[Segments, Particles, list[Particles]]:
    n = len(stack)
    sigma = physics.cross_sections[Species.PHOTON](stack.energy)
    total = sigma.sum(axis=0)
    with np.errstate(divide="ignore"):
        s_int = rng.standard_exponential(n) / total
    s_exit = physics.target.distance_to_exit(stack.position, stack.direction)
    escaped = s_exit <= s_int
    length = np.where(escaped, s_exit, s_int)
    fate = np.where(escaped, Fate.ESCAPED, Fate.INTERACTED).astype(np.int8)
    process = np.where(escaped, -1, _choose(sigma, total, rng)).astype(np.int8)
    end = stack.position + length[:, None] * stack.direction
    local, local_range, products = _interact(
        stack, end, process, physics.processes[Species.PHOTON], physics, rng
    )
    segments = _segments(
        stack,
        stack.energy,
        length,
        np.zeros(n),
        local,
        local_range,
        np.where(escaped, stack.energy, 0.0),
        fate,
        process,
    )
    return segments, stack.take(np.zeros(n, bool)), products


def _charged_step(
    stack: Particles, species: Species, physics: ShowerPhysics, rng: np.random.Generator
) -> tuple[Segments, Particles, list[Particles]]:
    n = len(stack)
    energy = stack.energy
    kinetic = energy - M_E
    loss_table = physics.loss_rate[species]
    rate = loss_table(energy)[0]
    majorant = physics.majorants[species](energy)[0]
    with np.errstate(divide="ignore"):
        s_int = rng.standard_exponential(n) / majorant
    s_exit = physics.target.distance_to_exit(stack.position, stack.direction)
    s_stop = (kinetic - physics.electron_cut) / rate
    s_loss = physics.max_loss_fraction * kinetic / rate
    length = np.minimum.reduce([s_int, s_exit, s_stop, s_loss, np.full(n, physics.max_step)])
    # midpoint rule for the continuous loss along the step
    loss = length * loss_table(np.maximum(energy - 0.5 * length * rate, M_E * 1.000001))[0]
    stopped = (length == s_stop) | (kinetic - loss <= physics.electron_cut)
    loss = np.minimum(loss, kinetic)
    energy_end = energy - loss
    escaped = (length == s_exit) & ~stopped
    candidate = (length == s_int) & ~stopped & ~escaped
    sigma_end = physics.cross_sections[species](energy_end)
    total_end = sigma_end.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        accept = rng.random(n) * majorant < total_end
    interacted = candidate & accept
    fate = np.select([interacted, escaped, stopped], [Fate.INTERACTED, Fate.ESCAPED, Fate.STOPPED])
    fate = fate.astype(np.int8)
    process = np.where(interacted, _choose(sigma_end, total_end, rng), -1).astype(np.int8)

    end = stack.position + length[:, None] * stack.direction
    moving = ~stopped & ~escaped
    direction = stack.direction.copy()
    if np.any(moving):
        e_mid = (energy[moving] + energy_end[moving]) / 2.0
        p_mid = np.sqrt(e_mid**2 - M_E**2)
        theta, phi = sample_deflection(
            p_mid,
            p_mid / e_mid,
            length[moving],
            physics.material.radiation_length,
            rng,
            model=physics.scattering,
            material=physics.material,
        )
        direction[moving] = rotate_z_to(unit_vectors(np.cos(theta), phi), direction[moving])
    after = Particles(stack.species, energy_end, end, direction, stack.shower)
    local, local_range, products = _interact(
        after, end, process, physics.processes[species], physics, rng
    )
    local = local + np.where(stopped, ledger_energy(species, energy_end), 0.0)
    local_range = local_range + np.where(
        stopped, physics.residual_range[species](np.maximum(energy_end, M_E * 1.000001))[0], 0.0
    )
    segments = _segments(
        stack,
        energy_end,
        length,
        loss,
        local,
        local_range,
        np.where(escaped, ledger_energy(species, energy_end), 0.0),
        fate,
        process,
    )
    return segments, after.take(fate == Fate.CONTINUES), products


def _choose(sigma: NDArray[np.float64], total: NDArray[np.float64], rng) -> NDArray[np.int64]:
    """Index of the process, with probabilities sigma_p / total (rows of ``sigma``)."""
    u = rng.random(sigma.shape[1]) * total
    return np.minimum((np.cumsum(sigma, axis=0) < u).sum(axis=0), sigma.shape[0] - 1)


def _interact(
    stack: Particles,
    end: NDArray[np.float64],
    process: NDArray[np.int8],
    processes: Sequence[DiscreteProcess],
    physics: ShowerPhysics,
    rng: np.random.Generator,
) -> tuple[NDArray[np.float64], NDArray[np.float64], list[Particles]]:
    """Products of the interactions at the end points; the below-cut part stays local."""
    n = len(stack)
    local = np.zeros(n)
    local_range = np.zeros(n)
    products: list[Particles] = []
    for index, proc in enumerate(processes):
        rows = np.flatnonzero(process == index)
        if not len(rows):
            continue
        out = proc.sample(stack.energy[rows], rng)
        phi = rng.random(len(rows)) * (2.0 * np.pi)
        parent_dir = stack.direction[rows]
        for species, e_out, cos_out, phi_out in (
            (proc.products[0], out.energy_1, out.cos_theta_1, phi),
            (proc.products[1], out.energy_2, out.cos_theta_2, phi + np.pi),
        ):
            below = e_out < physics.cut_energy(np.int8(species))
            if np.any(below):
                np.add.at(local, rows[below], ledger_energy(species, e_out[below]))
                if species is not Species.PHOTON:
                    e_low = np.maximum(e_out[below], M_E * 1.000001)
                    np.add.at(local_range, rows[below], physics.residual_range[species](e_low)[0])
            keep = ~below
            if np.any(keep):
                direction = rotate_z_to(
                    unit_vectors(cos_out[keep], phi_out[keep]), parent_dir[keep]
                )
                products.append(
                    Particles(
                        species=np.full(int(keep.sum()), int(species), dtype=np.int8),
                        energy=e_out[keep],
                        position=end[rows[keep]],
                        direction=direction,
                        shower=stack.shower[rows[keep]],
                    )
                )
    return local, local_range, products


def _segments(
    stack: Particles,
    energy_end: NDArray[np.float64],
    length: NDArray[np.float64],
    continuous: NDArray[np.float64],
    local: NDArray[np.float64],
    local_range: NDArray[np.float64],
    escaping: NDArray[np.float64],
    fate: NDArray[np.int8],
    process: NDArray[np.int8],
) -> Segments:
    return Segments(
        shower=stack.shower,
        species=stack.species,
        energy_start=stack.energy,
        energy_end=energy_end,
        position_start=stack.position,
        direction=stack.direction,
        length=length,
        continuous_deposit=continuous,
        local_deposit=local,
        local_track_length=local_range,
        escaping=escaping,
        fate=fate,
        process=process,
    )
