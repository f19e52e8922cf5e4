"""Experiment exposures: targets, POT and flux, against numbers computed for this
package from the DarkNews MiniBooNE setup (arXiv:2207.04137)."""

from __future__ import annotations

import numpy as np
import pytest

from nuportal.detectors.exposures import exposure, list_exposures


def test_miniboone_fhc_exposure_matches_the_reference_configuration():
    """Computed for this package (DarkNews MiniBooNE setup): integral of the nu_mu flux 5.1822e-10
    nu/cm^2/POT, <E> = 0.808 GeV;
    N(12C) = 3.519616e31 and N(1H) = 6.986465e31 for M(12C) = 11.1748643, M(1H) = 0.9382721 GeV."""
    mb = exposure("MiniBooNE")
    assert mb.name == "miniboone_fhc" and mb.pot == 18.75e20
    flux = mb.flux
    total = np.trapezoid(flux["numu"], flux.E_GeV)
    assert total == pytest.approx(5.1822e-10, rel=1e-4)
    mean = np.trapezoid(flux["numu"] * flux.E_GeV, flux.E_GeV) / total
    assert mean == pytest.approx(0.808, abs=2e-3)
    assert mb.number_of_targets("C12", 11.1748643) == pytest.approx(3.519616e31, rel=1e-6)
    assert mb.number_of_targets("H1", 0.9382721) == pytest.approx(6.986465e31, rel=1e-6)


def test_every_exposure_has_a_flux_and_positive_targets():
    for name in list_exposures():
        ex = exposure(name)
        assert ex.pot > 0 and all(m > 0 for m in ex.target_masses.values())
        lo, hi = ex.energy_range
        assert 0 < lo < hi
        assert np.trapezoid(ex.flux["numu"], ex.flux.E_GeV) > 0
        assert ex.citations


def test_unknown_experiment_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"known: .*miniboone_fhc"):
        exposure("t2k")
