"""Event rates: the knot-and-Gauss-Legendre integral against direct quadrature of flux x sigma,
target counts, and the nu e / nu_mu CC ratio estimated for this package from sigma ~ E."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import simpson

import nuportal.interactions  # noqa: F401  (fills the process registry)
from nuportal.interactions.generate import channel_rates
from nuportal.interactions.processes import PROCESSES
from nuportal.interactions.rates import (
    channel_of,
    event_rates,
    flux_averaged_rate,
    rate_summary,
    units_per_tonne,
)
from nuportal.sources.fluxes import load_flux


def _direct(flux, flavour, pdg, process, targets, n_points):
    """Composite Simpson on a uniform grid, sigma evaluated at every point (no knots)."""
    e = np.linspace(flux.E_GeV[0], flux.E_GeV[-1], n_points)
    e = e[e > 0.0]
    sigma = sum(count * np.asarray(process.total_cross_section(e, pdg, t)) for t, count in targets)
    return simpson(flux.interpolate(e, flavour) * sigma, x=e)


def test_nu_e_rate_equals_direct_quadrature_on_the_dune_flux():
    flux = load_flux("dune_nd_fhc")
    proc = PROCESSES["nu_e_elastic"]
    for flavour, pdg in (("numu", 14), ("nue", 12), ("numubar", -14)):
        ours = flux_averaged_rate(flux, flavour, "nu_e_elastic", "Ar40")
        direct = 18 * _direct(flux, flavour, pdg, proc, [("e-", 1)], 100_001)
        assert ours == pytest.approx(direct, rel=2e-4)


def test_ccqe_rate_equals_direct_quadrature_on_the_nova_flux():
    """CH2: carbon (Fermi gas) plus two free protons (antineutrino QE on hydrogen)."""
    flux = load_flux("nova_nd_fhc")
    proc = PROCESSES["ccqe"]
    for flavour, pdg in (("numu", 14), ("numubar", -14)):
        ours = flux_averaged_rate(flux, flavour, "ccqe", "CH2")
        direct = _direct(flux, flavour, pdg, proc, [("C12", 1), ("H1", 2)], 601)
        assert ours == pytest.approx(direct, rel=2e-3)
        # the generator's own channel rates: trapezoid on the flux table's energies
        gen = channel_rates(flux, "CH2", processes=["ccqe"], flavours=[flavour])
        assert ours == pytest.approx(gen["rate"].sum(), rel=3e-3)


def test_targets_per_tonne():
    """Ar40: 1.507e28 atoms, 2.71e29 electrons per tonne (check value computed for this
    package: 2.7135e29 with natural argon, 39.948 u, against 39.962 u for 40Ar here)."""
    assert 18 * units_per_tonne("Ar40") == pytest.approx(2.7135e29, rel=1e-3)
    # CH2 of 12C and 1H: 12 + 2 x 1.007825 u (AME2020) per formula unit
    assert units_per_tonne("CH2") == pytest.approx(1e6 / 14.01565 * 6.02214076e23, rel=1e-5)


def test_nu_e_to_numu_cc_ratio_is_about_one_in_ten_thousand():
    """Estimate made for this package: N(nu_mu e)/N(nu_mu CC) ~ 1.55e-42 x (18/40) /
    0.67e-38 ~ 1.0e-4 (sigma ~ E for both); with the full CC model (QE, 2p2h, pions, DIS) on
    the DUNE flux within 30 %."""
    cc = [n for n, p in PROCESSES.items() if channel_of(p) == "cc"]
    rates = event_rates(
        "dune_nd_fhc", "Ar40", processes=["nu_e_elastic", *cc], flavours=["numu"], n_knots=40
    )
    summary = rate_summary(rates)
    ratio = summary["nu_e_elastic"] / summary["numu_cc"]
    assert 0.7e-4 < ratio < 1.3e-4
    # the exposure scales linearly
    doubled = event_rates("dune_nd_fhc", "Ar40", processes=["nu_e_elastic"], pot=2e21, tonnes=3)
    single = event_rates("dune_nd_fhc", "Ar40", processes=["nu_e_elastic"])
    np.testing.assert_allclose(doubled["events"], 6 * single["events"], rtol=1e-12)


def test_bad_inputs():
    with pytest.raises(ValueError, match="unknown flux"):
        event_rates("nowhere", "Ar40", processes=["nu_e_elastic"])
    with pytest.raises(ValueError, match="unknown target material"):
        event_rates("dune_nd_fhc", "Xe", processes=["nu_e_elastic"])
    with pytest.raises(ValueError, match="unknown process"):
        event_rates("dune_nd_fhc", "Ar40", processes=["magic"])
    with pytest.raises(ValueError, match="unknown flavour"):
        event_rates("dune_nd_fhc", "Ar40", processes=["nu_e_elastic"], flavours=["nux"])
    with pytest.raises(ValueError, match="pot"):
        event_rates("dune_nd_fhc", "Ar40", processes=["nu_e_elastic"], pot=-1)
