"""Tests of nuportal.inference.near_detector: binned flux x 3+1 probability at near detectors."""

from __future__ import annotations

import numpy as np
import pytest

from nuportal.inference.near_detector import decay_distance_nodes, oscillated_spectrum
from nuportal.models.sterile import OSC_PHASE_CONSTANT
from nuportal.sources.fluxes import detector_flux


def test_no_mixing_gives_ratio_one():
    for channel in ("numu_to_nue", "numu_disappearance", "nue_disappearance"):
        r = oscillated_spectrum("microboone", channel, 0.0, 1.3)
        np.testing.assert_allclose(r.ratio, 1.0, rtol=1e-14)


def test_unoscillated_spectrum_is_the_flux_integral():
    f = detector_flux("miniboone")
    edges = np.array([0.2, 0.6, 1.0, 2.0])
    r = oscillated_spectrum(f, "numu_disappearance", 0.1, 1.0, edges)
    E = np.linspace(0.2, 2.0, 180001)
    phi = f.interpolate(E, "numu")
    for b in range(3):
        m = (E >= edges[b]) & (E <= edges[b + 1])
        assert r.unoscillated[b] == pytest.approx(np.trapezoid(phi[m], E[m]), rel=1e-6)


@pytest.mark.parametrize(("det", "dm2"), [("microboone", 1.3), ("dune_nd", 0.5), ("sbnd", 20.0)])
def test_appearance_matches_brute_force_sampling(det, dm2):
    f = detector_flux(det)
    s = 0.003
    edges = np.array([1.0, 1.5, 2.5])
    r = oscillated_spectrum(f, "numu_to_nue", s, dm2, edges)
    L = f.baseline_m / 1000.0
    for b in range(2):
        E = np.linspace(edges[b], edges[b + 1], 200001)
        signal = np.trapezoid(
            f.interpolate(E, "numu") * s * np.sin(OSC_PHASE_CONSTANT * dm2 * L / E) ** 2, E
        )
        # sub-bin approximation: flux slope x oscillation correlation is second order, < 1e-3
        assert r.oscillated[b] - r.unoscillated[b] == pytest.approx(signal, rel=1e-3)


def test_fast_oscillations_average_in_disappearance():
    # residual |<cos>| <~ 2 E^2 / (k dE) = 3e-4 at E = 10 GeV, dE = 0.5 GeV, k = 1.45e6 GeV;
    # times s = 0.2 gives < 1e-4
    r = oscillated_spectrum("dune_nd", "numu_disappearance", 0.2, 1e6)
    np.testing.assert_allclose(r.ratio, 0.9, atol=2e-4)
    r = oscillated_spectrum("dune_nd", "numu_disappearance", 0.2, 1e6, decay_region=True)
    np.testing.assert_allclose(r.ratio, 0.9, atol=2e-4)


def test_intermediate_regime_matches_brute_force():
    # dm2 = 1e4 eV^2 at 574 m: oscillation period in E ~ 0.035 GeV at 9 GeV, comparable to the
    # sub-bins; the flux-weighted average is not yet 1/2, and the sub-bin method must follow it
    f = detector_flux("dune_nd")
    r = oscillated_spectrum(f, "numu_disappearance", 0.2, 1e4, [8.5, 9.0])
    E = np.linspace(8.5, 9.0, 1000001)
    phi = f.interpolate(E, "numu")
    P = 1 - 0.2 * np.sin(OSC_PHASE_CONSTANT * 1e4 * 0.574 / E) ** 2
    assert r.oscillated[0] == pytest.approx(np.trapezoid(phi * P, E), rel=1e-5)


def test_parameter_grid_broadcasts():
    s = np.array([1e-3, 1e-2, 0.1])
    dm2 = np.array([0.1, 1.0])[:, None]
    r = oscillated_spectrum("nova_nd", "numu_disappearance", s, dm2)
    assert r.oscillated.shape == (2, 3, 18) and r.ratio.shape == (2, 3, 18)
    one = oscillated_spectrum("nova_nd", "numu_disappearance", 1e-2, 1.0)
    np.testing.assert_allclose(r.oscillated[1, 1], one.oscillated, rtol=1e-14)
    assert np.shape(r.total_ratio) == (2, 3)


def test_decay_region_nodes():
    f = detector_flux("nova_nd")
    d, w = decay_distance_nodes(f, decay_region=True, n_nodes=6)
    assert w.sum() == pytest.approx(1.0) and np.all(w > 0)
    assert np.all((d > 1000.0 - 725.0) & (d < 1000.0 - 50.0))
    d0, w0 = decay_distance_nodes(f)
    assert d0.tolist() == [1000.0] and w0.tolist() == [1.0]


def test_intrinsic_nue_disappearance_in_appearance_channel():
    base = oscillated_spectrum("microboone", "numu_to_nue", 0.003, 1.3)
    both = oscillated_spectrum("microboone", "numu_to_nue", 0.003, 1.3, sin2_2theta_ee=0.1)
    assert np.all(both.oscillated < base.oscillated)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(channel="numu_to_nutau"), "unknown channel"),
        (dict(sin2_2theta=2.0), "sin2_2theta"),
        (dict(E_edges_GeV=[1.0, 0.5]), "strictly increasing"),
        (dict(E_edges_GeV=[1.0]), "at least two"),
        (dict(refine=0), "refine"),
    ],
)
def test_bad_input(kwargs, match):
    args = dict(detector="sbnd", channel="numu_disappearance", sin2_2theta=0.1, dm2_eV2=1.0)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        oscillated_spectrum(**args)
