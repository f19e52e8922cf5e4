"""The target's own electromagnetic cascade as a dark-photon source.

Every pi0 and eta made by the protons decays at once into two photons (c tau = 25 nm and
0.15 nm), and each photon starts a shower in the same target. Its electrons, positrons and
photons radiate A' by bremsstrahlung, Compton scattering, e+ e- -> gamma A' and resonant
e+ e- -> A' (:mod:`nuportal.sources.shower.dark_flux`), a secondary production to compare with
the primary decays pi0/eta -> gamma A' as a function of m_A' (Blinov, Fox, Kelly, Machado,
Plestid, arXiv:2401.06843).

How it is computed
------------------
1. Mesons from :func:`nuportal.sources.target.sample_mesons` (weights in mesons per POT) decay
   isotropically into gamma gamma; each photon carries weight x Br(P -> gamma gamma).
2. Photons that cannot make an A' of mass M (E_gamma < M + m_e: no lepton of the shower then
   exceeds M) or lie below the photon cut are dropped (exactly zero contribution).
3. ``n_showers`` photons are drawn from the defensive mixture
   p_i = (w_i / sum w + w_i E_i / sum w E) / 2 (the brem and Compton yields of a shower grow
   about linearly with its energy; the plain half bounds the weights, which the resonant and
   e+ e- -> gamma A' yields need), each shower carrying weight w_i / (n_showers p_i): an
   unbiased estimate of sum_i w_i N_A'(photon i).
4. The showers run in the real target (cylinder of the beam's material, density, length and
   radius), starting at the meson production points along the photon directions, so the
   production points of the A' are in target coordinates directly, and the narrow target
   truncates the showers laterally (the LBNF target's 8 mm radius is far below graphite's
   Moliere radius).

Cuts: by default the shower's electron (kinetic) and photon cuts are half the lowest energy
at which a lepton or photon can still contribute, clipped to [1, 150] MeV: 0.5 x min(M,
E_R - m_e) with E_R = (M^2 - 2 m_e^2)/(2 m_e) the resonant positron energy. Particles below
that energy cannot radiate an A' of mass M, so the cut only changes the continuous-loss model
of the leptons above it; tests/target/test_cascade.py checks that the yields are unchanged
within their statistical errors. The lowest photon energy of e+ e- -> gamma A' stays at
:data:`ANNIHILATION_PHOTON_CUT` whatever the shower cut (that cross section depends on it
logarithmically, see docs/showers.md).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from nuportal import constants
from nuportal._validation import as_rng
from nuportal.kinematics import two_body_decay
from nuportal.models.dark_photon import BR_MESON_GAMMA_GAMMA, br_meson_to_gamma_dark_photon
from nuportal.sources.shower.dark_annihilation import resonant_positron_energy
from nuportal.sources.shower.dark_flux import DARK_PROCESSES, DarkPhotonTally
from nuportal.sources.shower.materials import resolve_material
from nuportal.sources.shower.primaries import PrimaryList
from nuportal.sources.shower.qed_constants import M_E
from nuportal.sources.shower.simulate import simulate_showers
from nuportal.sources.target.beams import BeamTarget, get_beam
from nuportal.sources.target.mesons import meson_yields, sample_mesons

__all__ = [
    "ANNIHILATION_PHOTON_CUT",
    "CASCADE_MESONS",
    "cascade_dark_photons",
    "cascade_photons",
    "cascade_yield_table",
    "default_cut",
]

#: Lowest photon energy [GeV] of e+ e- -> gamma A' (the shower code's standard 10 MeV cut).
ANNIHILATION_PHOTON_CUT = 0.01

#: Mesons whose gamma gamma decays seed the cascade.
CASCADE_MESONS = ("pi0", "eta")

_COLUMNS = ["E", "px", "py", "pz", "x", "y", "z", "channel", "weight"]


def default_cut(mass: float) -> float:
    """Default shower cut [GeV] for A' of mass ``mass`` [GeV] (module docstring).

    Half the lowest lepton/photon energy that can still contribute, 0.5 x min(M, E_R - m_e),
    clipped to [0.001, 0.15] GeV.
    """
    m = _check_mass(mass)
    lowest = m
    if m > 2.0 * M_E:
        lowest = min(lowest, float(resonant_positron_energy(m)) - M_E)
    return float(np.clip(0.5 * lowest, 0.001, 0.15))


def _check_mass(mass: float) -> float:
    m = float(mass)
    if not (math.isfinite(m) and m > 0.0):
        raise ValueError(f"mass (A' mass) must be positive and finite [GeV], got {mass!r}")
    return m


def _target_material(beam: BeamTarget):
    mat = resolve_material(beam.material)
    if beam.density != mat.density:
        mat = dataclasses.replace(mat, density=float(beam.density))
    return mat


def cascade_photons(
    beam: BeamTarget | str,
    *,
    n_mesons: int = 20_000,
    seed: int | np.random.Generator | None = None,
    mesons: Sequence[str] = CASCADE_MESONS,
    min_energy: float = 0.0,
) -> PrimaryList:
    """Photons of P -> gamma gamma (P = pi0, eta) from a beam on its target, weighted per POT.

    Parameters
    ----------
    beam : BeamTarget or str
        ``"lbnf"``, ``"numi"``, ``"bnb"`` or a :class:`BeamTarget`.
    n_mesons : int
        Mesons drawn per species (two photons each).
    seed : int, numpy.random.Generator or None
        Random seed.
    mesons : sequence of str
        Subset of :data:`CASCADE_MESONS`.
    min_energy : float
        Photons at or below this energy [GeV] are dropped.

    Returns
    -------
    PrimaryList
        Photons: energies [GeV], start points [cm] (the meson production points, target
        coordinates), directions, weights (photons per POT; sum = 2 sum_P Y_P Br(P -> gamma
        gamma) before the energy cut).
    """
    beam = get_beam(beam)
    if not isinstance(n_mesons, int | np.integer) or n_mesons < 1:
        raise ValueError(f"n_mesons must be a positive integer, got {n_mesons!r}")
    unknown = sorted(set(mesons) - set(CASCADE_MESONS))
    if unknown or not mesons:
        raise ValueError(f"mesons must be a non-empty subset of {CASCADE_MESONS}, got {mesons!r}")
    rng = as_rng(seed)
    pieces = []
    for species in mesons:
        sample = sample_mesons(beam, species, n=int(n_mesons), seed=rng)
        m_p = constants.mass(species)
        p = np.asarray(sample.momenta, dtype=float)
        on_shell = np.column_stack([np.sqrt(np.sum(p[:, 1:] ** 2, axis=1) + m_p**2), p[:, 1:]])
        g1, g2 = two_body_decay(on_shell, 0.0, 0.0, rng)
        weight = np.asarray(sample.weights, dtype=float) * BR_MESON_GAMMA_GAMMA[species]
        position = np.asarray(sample.positions, dtype=float) * 100.0  # m -> cm
        for g in (g1, g2):
            keep = g[:, 0] > min_energy
            if np.any(keep):
                pieces.append(
                    PrimaryList.build(
                        "gamma", g[keep, 0], position[keep], g[keep, 1:], weight[keep]
                    )
                )
    if not pieces:
        raise ValueError(f"no photon above min_energy = {min_energy:g} GeV")
    return PrimaryList.concatenate(pieces)


def _importance_sample(
    photons: PrimaryList,
    n_showers: int,
    rng: np.random.Generator,
    energy_share: float = 0.5,
) -> PrimaryList:
    """``n_showers`` photons drawn from a defensive mixture, reweighted (unbiased).

    p_i = (1 - a) w_i / sum w + a w_i E_i / sum w E (a = ``energy_share``): the energy-weighted
    part puts the showers where the bremsstrahlung and Compton yields are (they grow about
    linearly with E), the plain part bounds every shower weight w_i / (n p_i) by
    sum w / ((1 - a) n), so that the processes that do not grow with E (resonant and
    e+ e- -> gamma A', fed by positrons near E_R) get no heavy tail from rare soft photons.
    """
    if not 0.0 <= energy_share <= 1.0:
        raise ValueError(f"energy_share must be in [0, 1], got {energy_share!r}")
    plain = photons.weight / photons.weight.sum()
    scored = photons.weight * photons.energy
    prob = (1.0 - energy_share) * plain + energy_share * scored / scored.sum()
    rows = rng.choice(len(photons), size=n_showers, p=prob)
    chosen = photons.take(rows)
    weight = chosen.weight / (n_showers * prob[rows])
    return dataclasses.replace(chosen, weight=weight)


def cascade_dark_photons(
    beam: BeamTarget | str,
    mass: float,
    epsilon: float,
    *,
    n_mesons: int = 20_000,
    n_showers: int = 2_000,
    seed: int | None = None,
    processes: Sequence[str] = DARK_PROCESSES,
    photon_cut: float | None = None,
    electron_cut: float | None = None,
    draws_per_shower: float = 5.0,
    brem_options: dict | None = None,
) -> pd.DataFrame:
    """Weighted A' radiated by the showers of the target's pi0/eta photons.

    Parameters
    ----------
    beam : BeamTarget or str
        ``"lbnf"``, ``"numi"``, ``"bnb"`` or a :class:`BeamTarget`.
    mass : float
        A' mass [GeV].
    epsilon : float
        Kinetic mixing (weights scale as epsilon^2), >= 0.
    n_mesons : int
        Mesons drawn per species to build the photon list.
    n_showers : int
        Showers simulated (photons importance-sampled from the list, module docstring).
    seed : int, optional
        Random seed (same seed, same output).
    processes : sequence of str
        Subset of ``("brem", "compton", "annihilation", "resonant")``.
    photon_cut, electron_cut : float, optional
        Shower cuts [GeV] (photon energy, e+- kinetic energy); default :func:`default_cut`.
    draws_per_shower : float
        A' rows drawn per process and shower (weights keep the totals exact).
    brem_options : dict, optional
        Settings of the dark-bremsstrahlung tables.

    Returns
    -------
    pandas.DataFrame
        Columns E, px, py, pz [GeV], x, y, z [m] (production point, target coordinates:
        z from the upstream face), ``channel`` ("cascade_brem", "cascade_compton",
        "cascade_annihilation", "cascade_resonant"), ``weight`` (A' per POT at ``epsilon``).
        ``attrs["metadata"]`` holds the yields per POT by process, their statistical errors,
        the cuts and the sample sizes.
    """
    beam = get_beam(beam)
    mass = _check_mass(mass)
    if not (math.isfinite(epsilon) and epsilon >= 0.0):
        raise ValueError(f"epsilon must be non-negative and finite, got {epsilon!r}")
    if not isinstance(n_showers, int | np.integer) or n_showers < 1:
        raise ValueError(f"n_showers must be a positive integer, got {n_showers!r}")
    unknown = sorted(set(processes) - set(DARK_PROCESSES))
    if unknown or not processes:
        raise ValueError(
            f"processes must be a non-empty subset of {DARK_PROCESSES}, got {processes!r}"
        )
    cut = default_cut(mass)
    photon_cut = cut if photon_cut is None else float(photon_cut)
    electron_cut = cut if electron_cut is None else float(electron_cut)
    for name, value in (("photon_cut", photon_cut), ("electron_cut", electron_cut)):
        if not (math.isfinite(value) and value > 0.0):
            raise ValueError(f"{name} must be a positive energy [GeV], got {value!r}")
    seeds = np.random.SeedSequence(seed).spawn(3)
    photons = cascade_photons(
        beam,
        n_mesons=n_mesons,
        seed=np.random.default_rng(seeds[0]),
        min_energy=max(photon_cut, mass + M_E),
    )
    primaries = _importance_sample(photons, int(n_showers), np.random.default_rng(seeds[1]))
    material = _target_material(beam)
    tally = DarkPhotonTally(
        material,
        mass,
        processes,
        draws_per_shower=draws_per_shower,
        rng=np.random.default_rng(seeds[2]),
        photon_cut=ANNIHILATION_PHOTON_CUT,
        brem_options=brem_options,
        shower_weights=primaries.weight,
    )
    simulate_showers(
        material=material,
        cut=electron_cut,
        photon_cut=photon_cut,
        length=beam.length * 100.0,
        radius=beam.radius * 100.0,
        seed=int(seeds[2].generate_state(1)[0]),
        progress=False,
        on_segments=[tally],
        primaries=primaries,
    )
    table = tally.table(1, epsilon)
    out = pd.DataFrame(
        {
            "E": table["dark_photon_E"].to_numpy(),
            "px": table["dark_photon_px"].to_numpy(),
            "py": table["dark_photon_py"].to_numpy(),
            "pz": table["dark_photon_pz"].to_numpy(),
            "x": table["vertex_x"].to_numpy(),
            "y": table["vertex_y"].to_numpy(),
            "z": table["vertex_z"].to_numpy(),
            "channel": ["cascade_" + str(p) for p in table["process"]],
            "weight": table["weight"].to_numpy(),
        },
        columns=_COLUMNS,
    )
    yields = tally.yields(1, epsilon)
    errors = tally.yield_errors(1, epsilon)
    out.attrs["metadata"] = {
        "channel": "cascade",
        "beam": beam.name,
        "mass_GeV": mass,
        "epsilon": float(epsilon),
        "photon_cut_GeV": photon_cut,
        "electron_cut_GeV": electron_cut,
        "annihilation_photon_cut_GeV": ANNIHILATION_PHOTON_CUT,
        "n_mesons_per_species": int(n_mesons),
        "n_showers": int(n_showers),
        "photons_per_pot_above_threshold": float(photons.weight.sum()),
        "yields_per_pot": yields,
        "yield_errors_per_pot": errors,
    }
    return out


def cascade_yield_table(
    beam: BeamTarget | str,
    masses: Sequence[float],
    *,
    epsilon: float = 1.0,
    n_mesons: int = 20_000,
    n_showers: int = 2_000,
    seed: int | None = None,
    processes: Sequence[str] = DARK_PROCESSES,
    brem_options: dict | None = None,
) -> pd.DataFrame:
    """A' per POT by cascade process, next to the primary pi0/eta -> gamma A' yields.

    Parameters
    ----------
    beam : BeamTarget or str
        Beam and target.
    masses : sequence of float
        A' masses [GeV].
    epsilon : float
        Kinetic mixing (all yields scale as epsilon^2).
    n_mesons, n_showers, seed, processes, brem_options
        As in :func:`cascade_dark_photons`.

    Returns
    -------
    pandas.DataFrame
        One row per mass: ``mass`` [GeV], one column per process and ``cascade_total`` (A' per
        POT), their statistical errors (``<process>_error``), ``pi0_decay`` and ``eta_decay``
        (Y_P Br(P -> gamma A'), A' per POT; 0 above the meson mass).
    """
    beam = get_beam(beam)
    meson = meson_yields(beam)
    rows = []
    for i, m in enumerate(masses):
        frame = cascade_dark_photons(
            beam,
            m,
            epsilon,
            n_mesons=n_mesons,
            n_showers=n_showers,
            seed=None if seed is None else seed + i,
            processes=processes,
            draws_per_shower=1.0,
            brem_options=brem_options,
        )
        meta = frame.attrs["metadata"]
        row = {"mass": float(m)}
        for p in processes:
            row[p] = meta["yields_per_pot"].get(p, 0.0)
            row[f"{p}_error"] = meta["yield_errors_per_pot"].get(p, 0.0)
        row["cascade_total"] = meta["yields_per_pot"]["total"]
        row["cascade_total_error"] = meta["yield_errors_per_pot"]["total"]
        for p in CASCADE_MESONS:
            open_ = m < constants.mass(p) and p in meson
            row[f"{p}_decay"] = (
                meson[p] * float(br_meson_to_gamma_dark_photon(p, m)) * epsilon**2 if open_ else 0.0
            )
        rows.append(row)
    return pd.DataFrame(rows)
