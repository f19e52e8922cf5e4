"""Run electromagnetic showers: the public entry point of the shower code.

>>> from nuportal.sources.shower import simulate_showers
>>> result = simulate_showers("e-", 10.0, "graphite", n=100, cut=0.01, seed=1)
>>> result.energy_balance().max() < 1e-9   # deposited + below cut + escaping = E0
True
"""

from __future__ import annotations

import math
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from tqdm.auto import tqdm

from nuportal.sources.shower.materials import Material
from nuportal.sources.shower.primaries import PrimaryList
from nuportal.sources.shower.processes import Species, ledger_energy
from nuportal.sources.shower.qed_constants import M_E
from nuportal.sources.shower.tally import ShowerTally
from nuportal.sources.shower.target import Target
from nuportal.sources.shower.transport import Particles, Segments, ShowerPhysics, transport

__all__ = ["PRIMARIES", "ShowerResult", "simulate_showers"]

#: Primary particle names accepted by :func:`simulate_showers`.
PRIMARIES: dict[str, Species] = {
    "e-": Species.ELECTRON,
    "e+": Species.POSITRON,
    "gamma": Species.PHOTON,
}

#: Live particles per batch the transport aims at (memory ~ 100 bytes each, plus temporaries).
_STACK_TARGET = 200_000


@dataclass(frozen=True)
class ShowerResult:
    """Observables of a set of showers (see :class:`~nuportal.sources.shower.tally.ShowerTally`).

    Energies in GeV, lengths in cm, depths in radiation lengths X0.
    """

    primary: str
    energy: float
    target: Target
    electron_cut: float
    photon_cut: float
    seed: int | None
    summary: pd.DataFrame
    depth_edges: NDArray[np.float64]
    profile: NDArray[np.float64]
    energy_edges: NDArray[np.float64]
    track_length_spectrum: NDArray[np.float64]
    n_segments: int
    primaries: PrimaryList | None = None

    @property
    def n_showers(self) -> int:
        """Number of showers."""
        return len(self.summary)

    @property
    def primary_energy(self) -> float:
        """Ledger energy of one primary [GeV]: E for a photon, E - m_e for e-, E + m_e for e+.

        For a list of primaries (``primary == "list"``): their mean ledger energy.
        """
        if self.primaries is not None:
            return float(self.primaries.ledger_energy.mean())
        return float(ledger_energy(PRIMARIES[self.primary], self.energy))

    def energy_balance(self) -> NDArray[np.float64]:
        """Per shower, |deposited + below cut + escaping - primary energy| / primary energy."""
        s = self.summary
        total = s["deposited"] + s["below_cut"] + s["escaping"]
        if self.primaries is not None:
            expected = self.primaries.ledger_energy
        else:
            expected = self.primary_energy
        return np.abs(total.to_numpy() - expected) / expected

    def mean_profile(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Mean longitudinal profile dE/dt [GeV per X0] per depth bin and its standard error."""
        width = np.diff(self.depth_edges)
        per_x0 = self.profile / width
        n = self.n_showers
        err = per_x0.std(axis=0, ddof=1) / math.sqrt(n) if n > 1 else np.full(len(width), np.nan)
        return per_x0.mean(axis=0), err

    def shower_maximum(self) -> float:
        """Depth of the maximum of the mean profile [X0], from a gamma-distribution fit.

        The fit is dE/dt = E b (bt)^(a-1) e^(-bt) / Gamma(a) (PDG review "Passage of particles
        through matter", longitudinal shower development) to the mean profile by least squares
        weighted with its standard errors; t_max = (a - 1)/b.
        """
        from scipy.optimize import OptimizeWarning, curve_fit
        from scipy.special import gammaln

        centres = 0.5 * (self.depth_edges[1:] + self.depth_edges[:-1])
        mean, err = self.mean_profile()
        ok = mean > 0
        scale = self.primary_energy

        def model(t, a, b, norm):
            return norm * scale * b * np.exp((a - 1) * np.log(b * t) - b * t - gammaln(a))

        peak = centres[np.argmax(mean)]
        with warnings.catch_warnings():  # only the best-fit values are used, not the covariance
            warnings.simplefilter("ignore", OptimizeWarning)
            (a, b, _), _ = curve_fit(
                model,
                centres[ok],
                mean[ok],
                p0=(1.0 + 0.5 * peak, 0.5, 1.0),
                sigma=np.where(err[ok] > 0, err[ok], mean[ok].max() * 1e-3),
                absolute_sigma=False,
                bounds=([1.0, 1e-3, 0.1], [100.0, 5.0, 10.0]),
                maxfev=20_000,
            )
        return float((a - 1.0) / b)

    def track_length_per_shower(self) -> dict[str, NDArray[np.float64]]:
        """Mean track length per shower [cm] per energy bin (``energy_edges``) and species."""
        return {
            name: self.track_length_spectrum[sp] / self.n_showers
            for name, sp in (
                ("gamma", Species.PHOTON),
                ("e-", Species.ELECTRON),
                ("e+", Species.POSITRON),
            )
        }

    def metadata(self) -> dict:
        """Run settings and histograms, JSON-serializable (written into output files)."""
        mean, err = self.mean_profile()
        return {
            "kind": "shower",
            "primary": self.primary,
            "energy_GeV": self.energy,
            "material": self.target.material.name,
            "target_length_cm": self.target.length,
            "target_radius_cm": self.target.radius if math.isfinite(self.target.radius) else None,
            "radiation_length_cm": self.target.material.radiation_length,
            "electron_cut_GeV": self.electron_cut,
            "photon_cut_GeV": self.photon_cut,
            "seed": self.seed,
            "n_showers": self.n_showers,
            "depth_edges_X0": self.depth_edges.tolist(),
            "profile_GeV_per_X0": mean.tolist(),
            "profile_error_GeV_per_X0": np.nan_to_num(err).tolist(),
            "energy_edges_GeV": self.energy_edges.tolist(),
            "track_length_cm_per_shower": {
                k: v.tolist() for k, v in self.track_length_per_shower().items()
            },
        }


def simulate_showers(
    particle: str = "e-",
    energy: float = 10.0,
    material: Material | str = "graphite",
    n: int | None = None,
    *,
    cut: float = 0.01,
    electron_cut: float | None = None,
    photon_cut: float | None = None,
    length: float | None = None,
    radius: float = math.inf,
    seed: int | None = None,
    batch_size: int | None = None,
    depth_bin: float = 0.25,
    scattering: str = "highland",
    progress: bool | None = None,
    on_segments: Sequence[Callable[[Segments, int], None]] = (),
    primaries: PrimaryList | None = None,
) -> ShowerResult:
    """Simulate ``n`` electromagnetic showers of one primary in a thick target.

    Parameters
    ----------
    particle : {"e-", "e+", "gamma"}
        Primary particle, entering at the origin along +z (ignored with ``primaries``).
    energy : float
        Primary total energy [GeV] (ignored with ``primaries``).
    material : Material or str
        Target material (name from :data:`~nuportal.sources.shower.materials.MATERIALS`).
    n : int, optional
        Number of showers (default 1000; with ``primaries``, their number).
    cut : float
        Production and tracking cut [GeV] used for both e+- (kinetic energy) and photons unless
        ``electron_cut`` / ``photon_cut`` are given.
    length, radius : float, optional
        Target length and radius [cm] (default 30 X0 long, infinitely wide).
    seed : int, optional
        Random seed: the same seed (and batch size) gives the same showers.
    batch_size : int, optional
        Showers transported together (default: about 2e5 live particles per batch).
    depth_bin : float
        Width of the depth-profile bins [X0].
    scattering : {"highland", "moliere"}
        Multiple-scattering model (see :class:`~nuportal.sources.shower.transport.ShowerPhysics`).
    progress : bool, optional
        Progress bar (default: when standard error is a terminal).
    on_segments : sequence of callables
        Called as ``f(segments, first_shower)`` with every batch of transport steps (e.g. the
        dark-photon flux estimator); shower indices in ``segments`` are local to the batch, add
        ``first_shower`` for the global index. A callable with an ``end_of_batch`` method has it
        called with the number of showers after each batch.
    primaries : PrimaryList, optional
        One shower per row, each with its own species, energy, start point [cm] inside the
        target, direction and weight; ``n`` is then ``len(primaries)`` (an ``n`` that differs
        raises). Shower i of the result (and of the segments) is row i.

    Returns
    -------
    ShowerResult
    """
    electron_cut = cut if electron_cut is None else electron_cut
    photon_cut = cut if photon_cut is None else photon_cut
    target = Target(material, length, radius)
    _warn_outside_validity(target.material, photon_cut)
    if primaries is not None:
        if not isinstance(primaries, PrimaryList):
            raise ValueError("primaries must be a PrimaryList (see PrimaryList.build)")
        if n is not None and n != len(primaries):
            raise ValueError(f"n ({n}) differs from the number of primaries ({len(primaries)})")
        n = len(primaries)
        primaries.check(target, electron_cut, photon_cut)
        particle = "list"
        energy = float(primaries.energy.max())
        mean_energy = float(primaries.energy.mean())
    else:
        if particle not in PRIMARIES:
            raise ValueError(f"particle must be one of {sorted(PRIMARIES)}, got {particle!r}")
        species = PRIMARIES[particle]
        n = 1000 if n is None else n
        if not isinstance(n, int | np.integer) or n < 1:
            raise ValueError(f"n (number of showers) must be a positive integer, got {n!r}")
        threshold = photon_cut if species is Species.PHOTON else M_E + electron_cut
        if not (math.isfinite(energy) and energy > threshold):
            raise ValueError(
                f"energy must exceed the cut of the primary ({threshold:.4g} GeV total), "
                f"got {energy!r}"
            )
        mean_energy = energy
    physics = ShowerPhysics(target, electron_cut, photon_cut, energy, scattering=scattering)
    if batch_size is None:
        per_shower = max(mean_energy / min(electron_cut, photon_cut), 1.0)
        batch_size = int(min(max(_STACK_TARGET // per_shower, 1), n))
    if batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")

    depth_edges = np.arange(0.0, target.length_in_radiation_lengths + depth_bin, depth_bin)
    e_low = min(electron_cut, photon_cut)
    n_decades = max(math.log10(energy / e_low), 1.0)
    energy_edges = np.geomspace(e_low, energy, math.ceil(10 * n_decades) + 1)
    seeds = np.random.SeedSequence(seed).spawn(math.ceil(n / batch_size))
    summaries, profiles = [], []
    spectrum = np.zeros((3, len(energy_edges) - 1))
    n_segments = 0
    show = sys.stderr.isatty() if progress is None else progress
    with tqdm(total=n, unit="shower", disable=not show, desc=f"{particle} {energy:g} GeV") as bar:
        for batch, batch_seed in enumerate(seeds):
            first = batch * batch_size
            size = min(batch_size, n - first)
            tally = ShowerTally(size, target.material.radiation_length, depth_edges, energy_edges)

            def consume(segments: Segments, first: int = first, tally=tally) -> None:
                tally(segments)
                for callback in on_segments:
                    callback(segments, first)

            if primaries is None:
                stack = Particles.primaries(species, energy, size)
            else:
                rows = primaries.take(slice(first, first + size))
                stack = Particles(
                    species=rows.species.copy(),
                    energy=rows.energy.copy(),
                    position=rows.position.copy(),
                    direction=rows.direction.copy(),
                    shower=np.arange(size, dtype=np.int64),
                )
            transport(stack, physics, np.random.default_rng(batch_seed), consume)
            for callback in on_segments:
                finish = getattr(callback, "end_of_batch", None)
                if finish is not None:
                    finish(size)
            summaries.append(
                pd.DataFrame(
                    {
                        "deposited": tally.deposited,
                        "below_cut": tally.below_cut,
                        "escaping": tally.escaping,
                        "charged_track_length": tally.charged_track_length,
                        "residual_track_length": tally.residual_track_length,
                    }
                )
            )
            profiles.append(tally.profile)
            spectrum += tally.track_length_spectrum
            n_segments += tally.n_segments
            bar.update(size)
    summary = pd.concat(summaries, ignore_index=True)
    summary.index.name = "shower"
    return ShowerResult(
        primary=particle,
        energy=float(energy),
        target=target,
        electron_cut=float(electron_cut),
        photon_cut=float(photon_cut),
        seed=seed,
        summary=summary,
        depth_edges=depth_edges,
        profile=np.concatenate(profiles),
        energy_edges=energy_edges,
        track_length_spectrum=spectrum,
        n_segments=n_segments,
        primaries=primaries,
    )


#: Below this photon cut [GeV] the photoelectric effect, which the shower does not simulate,
#: is no longer negligible in high-Z materials (2 % of Compton at 0.5 MeV in copper, 27 % at
#: 1 MeV in lead; docs/showers.md).
PHOTOELECTRIC_PHOTON_CUT_GEV = 5e-4
#: Materials from iron (Z = 26) up count as high-Z for that limit.
HIGH_Z = 26


def _warn_outside_validity(material, photon_cut: float) -> None:
    """Say at run time that a photon cut below ~0.5 MeV in a high-Z target is outside the
    model's validity (photoelectric absorption is not simulated)."""
    if photon_cut < PHOTOELECTRIC_PHOTON_CUT_GEV and material.Z >= HIGH_Z:
        from nuportal.validity import warn_limitation

        warn_limitation(
            f"photon cut {photon_cut * 1e3:.3g} MeV in {material.name} (Z = {material.Z}) is "
            "outside the shower model's validity: photoelectric absorption, not simulated, "
            "matters below ~0.5 MeV in high-Z materials; use a photon cut >= 0.5 MeV",
            stacklevel=4,
        )
