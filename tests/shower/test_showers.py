"""Whole showers: energy conservation, reproducibility, and the textbook shower parameters."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nuportal.sources.shower import simulate_showers
from nuportal.sources.shower.materials import material
from nuportal.sources.shower.parameterizations import rossi_track_length, shower_maximum_depth
from nuportal.sources.shower.processes import Species
from nuportal.sources.shower.qed_constants import M_E
from nuportal.sources.shower.target import Target
from nuportal.sources.shower.transport import Fate, Particles, ShowerPhysics, transport


@pytest.mark.parametrize(
    ("particle", "energy", "mat", "radius", "scattering"),
    [
        ("e-", 2.0, "graphite", math.inf, "highland"),
        ("e+", 1.0, "tungsten", math.inf, "highland"),
        ("gamma", 3.0, "iron", 2.0, "highland"),  # narrow: energy leaks out of the side too
        ("e-", 1.0, "lead", 1.0, "moliere"),
    ],
)
def test_energy_ledger_closes_per_shower(particle, energy, mat, radius, scattering):
    """deposited + below cut + escaping = the primary's ledger energy, to float precision."""
    result = simulate_showers(
        particle, energy, mat, 20, cut=0.005, radius=radius, seed=3, scattering=scattering
    )
    assert result.energy_balance().max() < 1e-12
    s = result.summary
    assert (s[["deposited", "below_cut", "escaping"]] >= 0).all().all()
    if math.isfinite(radius):
        assert s["escaping"].mean() > 0.05 * energy


def test_same_seed_same_showers_and_different_seed_differs():
    a = simulate_showers("e-", 1.0, "lead", 10, cut=0.01, seed=7)
    b = simulate_showers("e-", 1.0, "lead", 10, cut=0.01, seed=7)
    c = simulate_showers("e-", 1.0, "lead", 10, cut=0.01, seed=8)
    assert a.summary.equals(b.summary)
    np.testing.assert_array_equal(a.profile, b.profile)
    assert not a.summary.equals(c.summary)


def test_segments_are_inside_the_target_and_leptons_only_lose_energy():
    target = Target("copper", length=10.0, radius=3.0)
    physics = ShowerPhysics(target, 0.002, 0.002, 2.0)
    seen = []
    transport(
        Particles.primaries(Species.ELECTRON, 2.0, 5),
        physics,
        np.random.default_rng(1),
        seen.append,
    )
    start = np.concatenate([s.position_start for s in seen])
    end = np.concatenate([s.position_end for s in seen])
    for p in (start, end):
        assert np.all(p[:, 2] >= -1e-9) and np.all(p[:, 2] <= target.length + 1e-9)
        assert np.all(np.hypot(p[:, 0], p[:, 1]) <= target.radius + 1e-9)
    species = np.concatenate([s.species for s in seen])
    e0 = np.concatenate([s.energy_start for s in seen])
    e1 = np.concatenate([s.energy_end for s in seen])
    charged = species != Species.PHOTON
    assert np.all(e1[charged] <= e0[charged])
    assert np.all(e1[~charged] == e0[~charged])
    fate = np.concatenate([s.fate for s in seen])
    # a stopped lepton sits at the cut; no particle below its cut is ever transported
    assert np.all(e0[charged] >= M_E + 0.002)
    assert np.all(e0[~charged] >= 0.002)
    assert set(np.unique(fate)) <= {Fate.CONTINUES, Fate.INTERACTED, Fate.ESCAPED, Fate.STOPPED}


def test_photon_attenuation_matches_the_total_cross_section():
    """Uncollided photons through a slab: exp(-n sigma L), counted with its binomial error."""
    target = Target("lead", length=0.5)
    physics = ShowerPhysics(target, 0.01, 0.01, 1.0)
    sigma = sum(p.cross_section(np.array([1.0]))[0] for p in physics.processes[Species.PHOTON])
    expected = math.exp(-target.material.atom_density * sigma * target.length)
    n = 20_000
    first_steps = []

    def keep_first(segments):
        if not first_steps:
            first_steps.append(segments)

    transport(
        Particles.primaries(Species.PHOTON, 1.0, n), physics, np.random.default_rng(2), keep_first
    )
    escaped = np.mean(first_steps[0].fate == Fate.ESCAPED)
    assert escaped == pytest.approx(expected, abs=4 * math.sqrt(expected * (1 - expected) / n))


@pytest.mark.parametrize(
    ("energy", "n", "tolerance"), [(1.0, 100, 0.65), (10.0, 20, 0.5), (100.0, 8, 0.5)]
)
def test_shower_maximum_against_the_pdg_parameterization(energy, n, tolerance):
    """t_max of the mean profile (gamma fit) against ln(E0/Ec) - 0.5 (PDG; Ec(W) = 7.97 MeV).

    Tungsten, 1 MeV lepton cut, 0.5 MeV photon cut (below it photoelectric absorption, which is
    not simulated, would matter). Obtained: 3.80, 6.49, 8.77 X0 against 4.33, 6.63, 8.94; the
    statistical errors (bootstrap over showers) are 0.07, 0.11, 0.23 X0. At 1 GeV (E0/Ec = 125)
    the simulated maximum is 0.53 X0 earlier than the PDG's constant C_e = -0.5 gives; other
    parameterizations put C_e at -0.86 (Grindhammer and Peters, hep-ex/0001020) or -1.0
    (Fabjan and Gianotti, RMP 75 (2003) 1243), so the 1 GeV point gets 0.65 X0.
    """
    tungsten = material("tungsten")
    result = simulate_showers(
        "e-", energy, tungsten, n, electron_cut=0.001, photon_cut=0.0005, seed=2
    )
    expected = float(shower_maximum_depth(energy, tungsten.critical_energy))
    assert result.shower_maximum() == pytest.approx(expected, abs=tolerance)


def test_total_track_length_against_rossi_approximation_b():
    """Total charged track length ~ (E0/Ec) X0 (Rossi B; 'good to tens of %': B. Rossi, High-Energy
    Particles (1952)).

    Tolerance 20 %; the track length includes the residual ranges of leptons below the cut.
    """
    lead = material("lead")
    result = simulate_showers("e-", 2.0, lead, 20, cut=0.001, seed=5)
    s = result.summary
    track = (s["charged_track_length"] + s["residual_track_length"]).mean()
    rossi = float(rossi_track_length(2.0, lead.critical_energy)) * lead.radiation_length
    assert track == pytest.approx(rossi, rel=0.2)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"material": "unobtainium"}, "unobtainium"),
        ({"particle": "mu-"}, "particle"),
        ({"energy": -1.0}, "energy"),
        ({"energy": 0.005}, "energy"),
        ({"n": 0}, "n"),
        ({"cut": -0.01}, "cut"),
        ({"length": -3.0}, "length"),
        ({"scattering": "rutherford"}, "scattering"),
    ],
)
def test_bad_input_is_named(kwargs, message):
    args = {"particle": "e-", "energy": 1.0, "material": "graphite", "n": 2, **kwargs}
    with pytest.raises(ValueError, match=message):
        simulate_showers(
            args.pop("particle"), args.pop("energy"), args.pop("material"), args.pop("n"), **args
        )
