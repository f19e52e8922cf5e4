"""Dark-photon yields of a shower checked by routes independent of the segment estimator.

(i) The yield of each process equals n x integral sigma(E) dT/dE dE over the shower's own
    track-length tally (photons for Compton, e+- for bremsstrahlung, e+ for annihilation),
    computed here from ``ShowerResult.track_length_spectrum`` and the cross sections alone.
(ii) Thin targets: an electron crossing L = 0.01 X0 radiates n_A L sigma(E0) A'; a photon
    crossing it makes n_A sigma_C(E0) (1 - exp(-mu L)) / mu by dark Compton.
These are the checks that settled the PETITE comparison of docs/showers.md ("Reconciling the
dark-photon yields with PETITE").
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from nuportal.sources.shower import dark_photon_flux
from nuportal.sources.shower.dark_annihilation import DarkAnnihilation
from nuportal.sources.shower.dark_brem_tables import DarkBremsstrahlung
from nuportal.sources.shower.dark_compton import DarkCompton
from nuportal.sources.shower.materials import material
from nuportal.sources.shower.processes import Species
from nuportal.sources.shower.qed_constants import M_E
from nuportal.sources.shower.sm_processes import standard_processes

SMALL_BREM_TABLE = {"nodes_per_decade": 3, "neval": 2000, "n_samples": 2000}


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("NUPORTAL_CACHE_DIR", str(tmp_path))
    return tmp_path


def _fold(edges, track, sigma, kinetic):
    """n-free integral sigma dT: dT/dlnE taken flat inside each tally bin, sigma on 40 sub-bins."""
    total = 0.0
    for lo, hi, t in zip(edges[:-1], edges[1:], track, strict=True):
        if t == 0.0:
            continue
        e = np.geomspace(lo, hi, 41)
        mid = np.sqrt(e[1:] * e[:-1])
        total += t * float(np.mean(sigma(mid + M_E if kinetic else mid)))
    return total


def test_yields_equal_cross_section_folded_with_the_track_length_tally(cache_dir):
    mat = material("graphite")
    mass, cut = 0.01, 0.01
    flux = dark_photon_flux(
        mass,
        1.0,
        particle="e-",
        energy=2.0,
        material=mat,
        n=150,
        cut=cut,
        processes=("brem", "compton", "annihilation"),
        seed=11,
        progress=False,
        brem_options=SMALL_BREM_TABLE,
    )
    shower = flux.shower
    edges = shower.energy_edges
    track = shower.track_length_per_shower()
    n_atoms = mat.atom_density
    brem = DarkBremsstrahlung(mat, mass, **SMALL_BREM_TABLE).cross_section
    compton = DarkCompton(mat, mass).cross_section
    annihilation = DarkAnnihilation(mat, mass, photon_cut=cut).cross_section
    expected = {
        "brem": n_atoms * _fold(edges, track["e-"] + track["e+"], brem, kinetic=True),
        "compton": n_atoms * _fold(edges, track["gamma"], compton, kinetic=False),
        "annihilation": n_atoms * _fold(edges, track["e+"], annihilation, kinetic=True),
    }
    # Both sides use the same segments, so statistics cancel; what remains is the binning of
    # the tally (10 bins per decade, flat dT/dlnE assumed inside a bin) and the random point
    # along each segment at which the estimator evaluates sigma: 3 % covers both (the
    # differences seen are 0.1-1 %).
    for name, value in expected.items():
        assert value > 0.0
        assert flux.yields[name] == pytest.approx(value, rel=0.03), name


def test_thin_target_electron_yield_is_n_L_sigma(cache_dir):
    """0.01 X0 of graphite: every electron crosses it once, losing ~1 % of its energy."""
    mat = material("graphite")
    mass, energy = 0.03, 2.0
    length = 0.01 * mat.radiation_length
    flux = dark_photon_flux(
        mass,
        1.0,
        particle="e-",
        energy=energy,
        material=mat,
        n=200,
        cut=0.01,
        processes=("brem",),
        length=length,
        seed=3,
        progress=False,
        brem_options=SMALL_BREM_TABLE,
    )
    sigma = float(DarkBremsstrahlung(mat, mass, **SMALL_BREM_TABLE).cross_section(energy))
    expected = mat.atom_density * length * sigma
    # energy loss (1 % of E0 on average) lowers sigma by < 0.5 % (d ln sigma / d ln E ~ 0.3
    # at 2 GeV for M = 30 MeV); multiple scattering lengthens the path by < 1e-4
    assert flux.yields["brem"] == pytest.approx(expected, rel=0.01)


def test_thin_target_photon_compton_yield_is_n_sigma_times_mean_path(cache_dir):
    mat = material("graphite")
    mass, energy = 0.01, 1.0
    length = 0.01 * mat.radiation_length
    flux = dark_photon_flux(
        mass,
        1.0,
        particle="gamma",
        energy=energy,
        material=mat,
        n=2000,
        cut=0.01,
        processes=("compton",),
        length=length,
        seed=5,
        progress=False,
    )
    n_atoms = mat.atom_density
    mu = n_atoms * sum(
        float(p.cross_section(energy)) for p in standard_processes(mat, 0.01, 0.01)[Species.PHOTON]
    )
    mean_path = -math.expm1(-mu * length) / mu
    expected = n_atoms * float(DarkCompton(mat, mass).cross_section(energy)) * mean_path
    # photons that Compton-scatter (0.1 % of them) go on at a lower energy: < 1e-3 effect;
    # the interaction point is exponential, its relative spread over 2000 photons is < 1e-4
    assert flux.yields["compton"] == pytest.approx(expected, rel=2e-3)
