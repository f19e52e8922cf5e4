"""LSND: the shipped L/E table and its loader, the mu+ DAR spectra, and the 3+1 chi^2 fit.

Published numbers compared to (A. Aguilar et al. (LSND), Phys. Rev. D 64, 112007 (2001),
hep-ex/0104049): best fit of LSND's own likelihood analysis dm2 = 1.2 eV^2, sin^2 2theta = 0.003;
allowed band from sin^2 2theta ~ 3e-3 at dm2 >~ 10 eV^2 up to sin^2 2theta ~ 1 at dm2 ~ 0.1 eV^2;
oscillation probability P = (0.264 +- 0.067 +- 0.045) %.
"""

from __future__ import annotations

import hashlib
import math
from importlib import resources

import numpy as np
import pytest
from scipy.integrate import quad

from nuportal import constants
from nuportal.experiments.lsnd import LSND_OSC_PROBABILITY, load_lsnd_excess
from nuportal.sources.decay_at_rest import (
    DAR_NU_E_MEAN_ENERGY_GEV,
    DAR_NUMUBAR_MAX_ENERGY_GEV,
    DAR_NUMUBAR_MEAN_ENERGY_GEV,
    dar_nu_e_spectrum,
    dar_numubar_spectrum,
)
from nuportal.stats import lsnd_fit

SHARED_SHA256 = "1781554dcbc1a21ffd8d238a6d887b4110e8632906105575ea27d31c765251d1"
CHI2_90CL_2DOF = 4.605  # chi^2 quantile, 2 degrees of freedom, 90 %


def _raw() -> bytes:
    f = resources.files("nuportal.experiments").joinpath(
        "data", "lsnd", "lsnd_excess_L_over_E_digitized.dat"
    )
    return f.read_bytes()


# ------------------------------------------------------------------ loader


def test_shipped_file_is_the_shared_copy_byte_for_byte():
    assert hashlib.sha256(_raw()).hexdigest() == SHARED_SHA256


def test_loader_contents_match_an_independent_read():
    raw = np.loadtxt(_raw().decode().splitlines(), comments="#")
    t = load_lsnd_excess()
    assert raw.shape == (11, 5)
    np.testing.assert_array_equal(t.L_over_E, raw[:, 0])
    np.testing.assert_array_equal(t.excess, raw[:, 1])
    np.testing.assert_allclose(t.error, raw[:, 2] - raw[:, 1], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(t.background, raw[:, 4])
    np.testing.assert_allclose(t.oscillation_expectation, raw[:, 3] - raw[:, 4], atol=1e-12)
    np.testing.assert_allclose(t.bin_edges, np.arange(0.4, 1.55, 0.1), atol=1e-12)
    assert "112007" in t.citation and "hep-ex/0104049" in t.citation
    with pytest.raises(ValueError):
        t.excess[0] = 0.0  # read-only


def _write(tmp_path, text: str):
    p = tmp_path / "lsnd.dat"
    p.write_text(text)
    return p


@pytest.mark.parametrize(
    ("mutate", "match"),
    [
        (lambda lines: lines[:-1], "11"),  # truncated: a row missing
        (lambda lines: [*lines[:-1], lines[-1][:30]], "fields"),  # truncated last line
        (lambda lines: [lines[0], *lines[2:], lines[1]], "increasing"),  # rows out of order
        (lambda lines: ["# x y z u v", *lines[1:]], "columns"),
        (lambda lines: [lines[0], lines[1].replace("3.51", "abc", 1), *lines[2:]], "non-numeric"),
        (
            lambda lines: [lines[0], lines[1].replace("3.515069859322413", "nan"), *lines[2:]],
            "finite",
        ),
    ],
)
def test_loader_rejects_malformed_files(tmp_path, mutate, match):
    lines = _raw().decode().splitlines()
    p = _write(tmp_path, "\n".join(mutate(lines)))
    with pytest.raises(ValueError, match=match):
        load_lsnd_excess(p)


def test_loader_rejects_error_bar_below_point_and_missing_file(tmp_path):
    lines = _raw().decode().splitlines()
    cells = lines[1].split()
    cells[2] = "0.0"  # top of error bar below the data point 3.5
    p = _write(tmp_path, "\n".join([lines[0], " ".join(cells), *lines[2:]]))
    with pytest.raises(ValueError, match="top_of_errorbar"):
        load_lsnd_excess(p)
    with pytest.raises(ValueError, match="cannot read"):
        load_lsnd_excess(tmp_path / "absent.dat")


# ------------------------------------------------------------------ DAR spectra


def test_dar_numubar_spectrum_normalization_mean_endpoint():
    m = constants.M_MUON
    emax = DAR_NUMUBAR_MAX_ENERGY_GEV
    assert emax == pytest.approx(0.5 * m, rel=1e-15)
    assert emax == pytest.approx(0.0528, abs=1e-4)  # the 52.8 MeV endpoint quoted by LSND
    norm, _ = quad(dar_numubar_spectrum, 0.0, emax, epsabs=0, epsrel=1e-12)
    mean, _ = quad(lambda e: e * dar_numubar_spectrum(e), 0.0, emax, epsabs=0, epsrel=1e-12)
    assert norm == pytest.approx(1.0, rel=1e-10)
    # analytic: <x> = int 2 x^3 (3 - 2x) dx = 2 (3/4 - 2/5) = 7/10 of the endpoint
    assert mean == pytest.approx(0.7 * 0.5 * m, rel=1e-10)
    assert DAR_NUMUBAR_MEAN_ENERGY_GEV == pytest.approx(mean, rel=1e-10)
    # endpoint: dN/dx = 2 x^2 (3 - 2x) -> 2 at x = 1, i.e. 2 / E_max per GeV; zero above and at 0
    assert dar_numubar_spectrum(emax) == pytest.approx(2.0 / emax, rel=1e-12)
    assert dar_numubar_spectrum(emax * (1 + 1e-9)) == 0.0
    assert dar_numubar_spectrum(0.0) == 0.0


def test_dar_numubar_is_the_pdg_michel_spectrum_with_rho_three_quarters():
    # PDG "Muon decay parameters": dN/dx ∝ x^2 [3 (1 - x) + (2 rho / 3)(4x - 3)], m_e -> 0
    rho = 0.75
    x = np.linspace(0.01, 1.0, 50)
    michel = x**2 * (3 * (1 - x) + (2 * rho / 3) * (4 * x - 3))
    michel /= quad(lambda y: y**2 * (3 * (1 - y) + (2 * rho / 3) * (4 * y - 3)), 0, 1)[0]
    emax = DAR_NUMUBAR_MAX_ENERGY_GEV
    np.testing.assert_allclose(dar_numubar_spectrum(x * emax) * emax, michel, rtol=1e-12)


def test_dar_nu_e_spectrum_normalization_and_mean():
    emax = DAR_NUMUBAR_MAX_ENERGY_GEV
    norm, _ = quad(dar_nu_e_spectrum, 0.0, emax, epsabs=0, epsrel=1e-12)
    mean, _ = quad(lambda e: e * dar_nu_e_spectrum(e), 0.0, emax, epsabs=0, epsrel=1e-12)
    assert norm == pytest.approx(1.0, rel=1e-10)
    assert mean == pytest.approx(0.6 * emax, rel=1e-10)  # int 12 x^3 (1 - x) dx = 3/5
    assert DAR_NU_E_MEAN_ENERGY_GEV == pytest.approx(mean, rel=1e-10)
    assert dar_nu_e_spectrum(emax) == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("bad", [-1e-3, math.nan, math.inf])
def test_dar_spectra_reject_bad_energy(bad):
    with pytest.raises(ValueError, match="E_GeV"):
        dar_numubar_spectrum(bad)
    with pytest.raises(ValueError, match="E_GeV"):
        dar_nu_e_spectrum([0.03, bad])


# ------------------------------------------------------------------ fit


@pytest.fixture(scope="module")
def surface():
    return lsnd_fit.surface_lsnd(np.geomspace(1e-4, 1.0, 81), np.geomspace(0.01, 100.0, 81))


def test_lsnd_best_fit_point_is_inside_our_90cl_region(surface):
    best = surface.attrs["best_fit"]["chi2"]
    assert lsnd_fit.chi2_lsnd(3e-3, 1.2) - best < CHI2_90CL_2DOF


def test_published_band_shape(surface):
    best = surface.attrs["best_fit"]["chi2"]
    # far outside LSND's band: too little probability at tiny dm2 even at full mixing, and
    # P = sin^2 2theta / 2 = 1 % (four times LSND's 0.264 %) at large dm2
    assert lsnd_fit.chi2_lsnd(1.0, 0.01) - best > CHI2_90CL_2DOF
    assert lsnd_fit.chi2_lsnd(0.02, 20.0) - best > CHI2_90CL_2DOF
    # at low dm2 the band needs large mixing: nothing below sin^2 2theta = 0.01 at 0.1 eV^2
    low = surface[np.isclose(surface.dm2_eV2, 0.1) & (surface.delta_chi2 < CHI2_90CL_2DOF)]
    assert len(low) > 0 and low.sin2_2theta.min() > 0.01
    assert 1e-3 <= surface.attrs["best_fit"]["sin2_2theta"] <= 1.0


def test_no_oscillation_is_disfavoured_like_the_excess_significance(surface):
    t = load_lsnd_excess()
    # significance of the summed excess over the neutrino background, from the table alone
    z = (t.excess - t.background).sum() / np.sqrt((t.error**2).sum())
    assert z > 3.0
    d = surface.attrs["chi2_no_oscillation"] - surface.attrs["best_fit"]["chi2"]
    assert d > 9.0


def test_high_dm2_fit_reproduces_the_published_probability():
    p, stat, syst = LSND_OSC_PROBABILITY
    s = np.linspace(1e-4, 0.02, 2001)
    chi2 = lsnd_fit.chi2_lsnd(s, 1000.0)
    p_fit = s[np.argmin(chi2)] / 2.0  # averaged oscillations: P = sin^2 2theta / 2
    assert abs(p_fit - p) < math.hypot(stat, syst)


def test_normalization_is_the_published_probability():
    # at averaged dm2 with sin^2 2theta = 2 P_LSND the predicted excess inside 0.4-1.5 m/MeV is
    # LSND's own plotted oscillation expectation
    t = load_lsnd_excess()
    pred = lsnd_fit.predicted_excess_lsnd(2 * LSND_OSC_PROBABILITY[0], 1e3)
    assert pred.sum() == pytest.approx(t.oscillation_expectation.sum(), rel=1e-9)
    # the full-sample yield of the paper, 87.9 / 0.00264, is for all R_gamma; the figure's
    # R_gamma > 10 subsample must hold a fraction of it
    assert 0.0 < lsnd_fit.full_transmutation_events() < 87.9 / 0.00264


def test_template_small_dm2_scales_as_dm2_squared():
    # analytic limit: sin^2(K dm2 L/E) -> (K dm2 L/E)^2
    a, b = lsnd_fit.lsnd_template([1e-4, 2e-4])
    np.testing.assert_allclose(b, 4.0 * a, rtol=1e-6)


def test_vectorized_shapes_and_bad_input():
    s, d = np.meshgrid([1e-3, 1e-2], [0.5, 1.0, 2.0])
    chi2 = lsnd_fit.chi2_lsnd(s, d)
    assert chi2.shape == (3, 2)
    assert chi2[1, 0] == pytest.approx(lsnd_fit.chi2_lsnd(1e-3, 1.0), rel=1e-12)
    assert isinstance(lsnd_fit.chi2_lsnd(1e-3, 1.0), float)
    with pytest.raises(ValueError, match="sin2_2theta"):
        lsnd_fit.chi2_lsnd(1.5, 1.0)
    with pytest.raises(ValueError, match="dm2_eV2"):
        lsnd_fit.chi2_lsnd(0.01, -1.0)
    with pytest.raises(ValueError, match="dm2_eV2"):
        lsnd_fit.chi2_lsnd(0.01, math.nan)
    with pytest.raises(ValueError, match="normalization_uncertainty"):
        lsnd_fit.chi2_lsnd(0.01, 1.0, normalization_uncertainty=-0.1)
    with pytest.raises(ValueError, match="sin2_grid"):
        lsnd_fit.surface_lsnd(np.ones((2, 2)) * 0.01, [1.0])


def test_template_shape_matches_lsnd_expectation_at_their_best_fit():
    # LSND's plotted oscillation expectation (top_of_osc_signal - top_of_background in the
    # released file) is their prediction at their best fit (1.2 eV^2, sin^2 2theta = 0.003,
    # hep-ex/0104049). Our template (DAR flux x IBD cross section x tank geometry x assumed
    # resolution) is independent of it except for the overall normalization, so compare the
    # shapes: bin fractions agree to 0.05 (our resolution model is narrower at low L/E).
    from nuportal.experiments.lsnd import load_lsnd_excess
    from nuportal.stats.lsnd_fit import predicted_excess_lsnd

    theirs = np.asarray(load_lsnd_excess().oscillation_expectation)
    ours = np.asarray(predicted_excess_lsnd(0.003, 1.2))
    np.testing.assert_allclose(ours / ours.sum(), theirs / theirs.sum(), rtol=0, atol=0.05)
    # and the peak is in the same L/E bin (0.6-0.7 m/MeV)
    assert np.argmax(ours) == np.argmax(theirs) == 2
