"""The target's electromagnetic cascade: shower lists of primaries, meson photons, A' yields."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nuportal import constants
from nuportal.models.dark_photon import BR_MESON_GAMMA_GAMMA
from nuportal.sources.shower import PrimaryList, dark_photon_flux, simulate_showers
from nuportal.sources.target import meson_yields
from nuportal.sources.target.cascade import (
    _importance_sample,
    cascade_dark_photons,
    cascade_photons,
    default_cut,
)

SMALL_BREM_TABLE = {"nodes_per_decade": 3, "neval": 2000, "n_samples": 2000}


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("NUPORTAL_CACHE_DIR", str(tmp_path))
    return tmp_path


# ----------------------------------------------------------------- showers from a list
def test_list_of_identical_primaries_reproduces_the_single_primary_run():
    kwargs = dict(material="copper", cut=0.01, seed=4, batch_size=10, progress=False)
    single = simulate_showers("e-", 1.0, n=20, **kwargs)
    listed = simulate_showers(primaries=PrimaryList.single("e-", 1.0, 20), **kwargs)
    np.testing.assert_array_equal(single.summary.to_numpy(), listed.summary.to_numpy())
    np.testing.assert_array_equal(single.profile, listed.profile)


def test_mixed_primaries_inside_a_finite_cylinder_conserve_energy():
    rng = np.random.default_rng(2)
    n = 30
    direction = rng.normal(size=(n, 3))
    position = np.column_stack(
        [rng.uniform(-0.5, 0.5, n), rng.uniform(-0.5, 0.5, n), rng.uniform(0.0, 50.0, n)]
    )
    primaries = PrimaryList.build(
        rng.choice(["gamma", "e-", "e+"], n), rng.uniform(0.05, 3.0, n), position, direction
    )
    result = simulate_showers(
        material="graphite",
        cut=0.005,
        length=60.0,
        radius=1.0,
        seed=1,
        primaries=primaries,
        progress=False,
    )
    assert result.n_showers == n
    assert result.energy_balance().max() < 1e-9
    # a narrow rod: most of the energy leaves it
    assert result.summary["escaping"].sum() > 0.5 * primaries.ledger_energy.sum()


def test_primary_list_validation():
    with pytest.raises(ValueError, match="species"):
        PrimaryList.build("mu-", [1.0])
    with pytest.raises(ValueError, match="energy"):
        PrimaryList.build("gamma", [-1.0])
    with pytest.raises(ValueError, match="weight"):
        PrimaryList.build("gamma", [1.0], weight=[-2.0])
    outside = PrimaryList.build("gamma", [1.0], position=[[0.0, 0.0, 500.0]])
    with pytest.raises(ValueError, match="inside the target"):
        simulate_showers(material="graphite", length=100.0, primaries=outside, progress=False)
    with pytest.raises(ValueError, match="differs"):
        simulate_showers(n=5, primaries=PrimaryList.single("e-", 1.0, 3), progress=False)


def test_shower_weights_scale_the_yields(cache_dir):
    """Weighted list = sum of weight x per-shower yields; per-primary run x n = unit weights."""
    kwargs = dict(
        material="graphite",
        cut=0.01,
        seed=8,
        progress=False,
        processes=("brem", "compton"),
        brem_options=SMALL_BREM_TABLE,
    )
    plain = dark_photon_flux(0.03, 1.0, particle="e-", energy=2.0, n=40, **kwargs)
    unit = dark_photon_flux(0.03, 1.0, primaries=PrimaryList.single("e-", 2.0, 40), **kwargs)
    tripled = dark_photon_flux(
        0.03,
        1.0,
        primaries=PrimaryList.build("e-", np.full(40, 2.0), weight=np.full(40, 3.0)),
        **kwargs,
    )
    for p in ("brem", "compton"):
        assert unit.yields[p] == pytest.approx(40 * plain.yields[p], rel=1e-12)
        assert tripled.yields[p] == pytest.approx(3 * unit.yields[p], rel=1e-12)
        assert tripled.dark_photons.query("process == @p")["weight"].sum() == pytest.approx(
            tripled.yields[p], rel=1e-9
        )


# ----------------------------------------------------------------- meson photons
def test_cascade_photons_normalization_and_invariant_masses():
    n = 3000
    photons = cascade_photons("lbnf", n_mesons=n, seed=5)
    yields = meson_yields("lbnf")
    expected = sum(2.0 * yields[p] * BR_MESON_GAMMA_GAMMA[p] for p in ("pi0", "eta"))
    assert photons.weight.sum() == pytest.approx(expected, rel=1e-9)
    # blocks: pi0 gamma_1, pi0 gamma_2, eta gamma_1, eta gamma_2 (no energy cut)
    for k, meson in enumerate(("pi0", "eta")):
        g1 = slice(2 * k * n, (2 * k + 1) * n)
        g2 = slice((2 * k + 1) * n, (2 * k + 2) * n)
        p = (photons.energy[g1, None] * photons.direction[g1]) + (
            photons.energy[g2, None] * photons.direction[g2]
        )
        e = photons.energy[g1] + photons.energy[g2]
        m = np.sqrt(e**2 - np.sum(p**2, axis=1))
        np.testing.assert_allclose(m, constants.mass(meson), rtol=1e-6)
        np.testing.assert_array_equal(photons.position[g1], photons.position[g2])
    # production points inside the target (cm)
    assert photons.position[:, 2].min() >= 0.0
    assert photons.position[:, 2].max() <= 220.0 + 1e-9


def test_importance_sampling_is_unbiased():
    rng = np.random.default_rng(3)
    n = 500
    photons = PrimaryList.build("gamma", rng.uniform(0.1, 20.0, n), weight=rng.uniform(0.0, 2.0, n))
    for share in (0.0, 0.5, 1.0):
        draws = _importance_sample(photons, 20_000, np.random.default_rng(4), share)
        # estimates of sum w and sum w E (relative errors ~ 0.5 %): within 4 sigma
        for f in (np.ones_like, lambda e: e):
            exact = np.sum(photons.weight * f(photons.energy))
            per = draws.weight * f(draws.energy) * len(draws)
            err = per.std() / math.sqrt(len(draws))
            assert abs(per.mean() - exact) < 4 * err + 1e-12 * exact
        # the plain half bounds the weights: w / (n p) <= sum w / ((1 - a) n)
        if share < 1.0:
            bound = photons.weight.sum() / ((1.0 - share) * len(draws))
            assert draws.weight.max() <= bound * (1 + 1e-12)
    # pure energy weighting makes weight x E constant: sum w E exact
    draws = _importance_sample(photons, 1000, np.random.default_rng(5), 1.0)
    assert np.sum(draws.weight * draws.energy) == pytest.approx(
        np.sum(photons.weight * photons.energy), rel=1e-12
    )


def test_default_cut_keeps_every_contributing_particle():
    for mass in (0.003, 0.01, 0.03, 0.09, 0.3):
        cut = default_cut(mass)
        assert cut <= 0.5 * mass + 1e-15
        e_r = (mass**2 - 2 * 0.51099895e-3**2) / (2 * 0.51099895e-3)
        if mass > 2 * 0.51099895e-3:
            assert cut <= 0.5 * (e_r - 0.51099895e-3) + 1e-15
    with pytest.raises(ValueError, match="mass"):
        default_cut(-0.1)


def test_yields_do_not_depend_on_the_cut_below_the_contributing_energies(cache_dir):
    """M = 60 MeV: the default cut (30 MeV) and a 10 MeV cut give the same yields within 3
    sigma of their shower-to-shower statistical errors (independent seeds)."""
    mass = 0.06  # Compton threshold M + M^2/(2 m_e) = 3.6 GeV
    primaries = PrimaryList.single("gamma", 10.0, 80)
    runs = []
    for cut, seed in ((default_cut(mass), 21), (0.01, 22)):
        runs.append(
            dark_photon_flux(
                mass,
                1.0,
                primaries=primaries,
                material="graphite",
                cut=cut,
                seed=seed,
                processes=("brem", "compton"),
                progress=False,
                brem_options=SMALL_BREM_TABLE,
                length=100.0,
            )
        )
    a, b = runs
    for p in ("brem", "compton"):
        sigma = math.hypot(a.yield_errors[p], b.yield_errors[p])
        assert 0.0 < sigma < 0.2 * a.yields[p]
        assert abs(a.yields[p] - b.yields[p]) < 3.0 * sigma, p


def test_yield_errors_are_the_shower_to_shower_spread():
    """Two showers with known expected A' numbers: error = sqrt(N) std(per shower) / N."""
    from nuportal.sources.shower.dark_flux import DarkPhotonTally
    from nuportal.sources.shower.materials import material
    from nuportal.sources.shower.processes import Species
    from nuportal.sources.shower.transport import Segments

    mat = material("graphite")
    n = 3
    seg = Segments(
        shower=np.array([0, 0, 1], dtype=np.int64),
        species=np.full(n, int(Species.PHOTON), dtype=np.int8),
        energy_start=np.full(n, 2.0),
        energy_end=np.full(n, 2.0),
        position_start=np.zeros((n, 3)),
        direction=np.tile([0.0, 0.0, 1.0], (n, 1)),
        length=np.array([1.0, 2.0, 5.0]),
        continuous_deposit=np.zeros(n),
        local_deposit=np.zeros(n),
        local_track_length=np.zeros(n),
        escaping=np.zeros(n),
        fate=np.zeros(n, dtype=np.int8),
        process=np.full(n, -1, dtype=np.int8),
    )
    tally = DarkPhotonTally(mat, 0.01, ["compton"], rng=np.random.default_rng(1))
    tally(seg)
    per_cm = tally.totals["compton"] / 8.0
    per_shower = np.array([3.0, 5.0, 0.0, 0.0]) * per_cm  # 4 primaries, two without A'
    expected = math.sqrt(4) * per_shower.std(ddof=1) / 4
    assert tally.yield_errors(4)["compton"] == pytest.approx(expected, rel=1e-12)
    assert tally.yields(4)["compton"] == pytest.approx(per_shower.mean(), rel=1e-12)


# ----------------------------------------------------------------- the cascade channel
def test_cascade_dark_photons_table(cache_dir):
    mass = 0.03
    table = cascade_dark_photons(
        "lbnf", mass, 1e-3, n_mesons=2000, n_showers=40, seed=7, brem_options=SMALL_BREM_TABLE
    )
    assert list(table.columns) == ["E", "px", "py", "pz", "x", "y", "z", "channel", "weight"]
    assert set(table["channel"]) <= {
        "cascade_brem",
        "cascade_compton",
        "cascade_annihilation",
        "cascade_resonant",
    }
    meta = table.attrs["metadata"]
    for p, y in meta["yields_per_pot"].items():
        if p == "total":
            continue
        assert table.loc[table["channel"] == f"cascade_{p}", "weight"].sum() == pytest.approx(
            y, rel=1e-9
        )
    # on shell, inside the target (radius 8 mm, length 2.2 m)
    p2 = table["px"] ** 2 + table["py"] ** 2 + table["pz"] ** 2
    np.testing.assert_allclose(np.sqrt(table["E"] ** 2 - p2), mass, rtol=1e-6)
    assert (np.hypot(table["x"], table["y"]) <= 0.008 + 1e-9).all()
    assert table["z"].between(0.0, 2.2 + 1e-9).all()
    # epsilon^2 scaling
    again = cascade_dark_photons(
        "lbnf", mass, 2e-3, n_mesons=2000, n_showers=40, seed=7, brem_options=SMALL_BREM_TABLE
    )
    assert again["weight"].sum() == pytest.approx(4 * table["weight"].sum(), rel=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"epsilon": -1.0}, "epsilon"),
        ({"mass": 0.0}, "mass"),
        ({"processes": ("brem", "pi0")}, "processes"),
        ({"photon_cut": -0.1}, "photon_cut"),
        ({"n_showers": 0}, "n_showers"),
    ],
)
def test_cascade_bad_input(kwargs, match):
    args = {"beam": "lbnf", "mass": 0.03, "epsilon": 1e-4}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        cascade_dark_photons(**args, n_mesons=10)
