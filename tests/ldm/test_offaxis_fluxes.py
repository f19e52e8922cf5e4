"""DUNE-PRISM off-axis fluxes: reader validation, ratios against the raw tables, and the
E-integrated off-axis/on-axis ratios quoted with the data release."""

from __future__ import annotations

import warnings
from importlib import resources

import numpy as np
import pytest

from nuportal.sources.offaxis_fluxes import (
    PRISM_MAX_OFF_AXIS_M,
    PrismTable,
    _ratio_in_slices,
    _table,
    dune_prism_flux,
    dune_prism_ratio,
    parse_prism_table,
)


def _raw(flavour: str = "numu", mode: str = "FHC") -> np.ndarray:
    path = resources.files("nuportal.experiments").joinpath(
        "data", "fluxes", "dune_prism", f"ND_offaxis_{mode}_{flavour}.csv"
    )
    return np.loadtxt(str(path), delimiter=",", comments="#")


def test_on_axis_is_the_on_axis_table():
    from nuportal.sources.fluxes import detector_flux

    on = detector_flux("dune_nd", "fhc")
    f = dune_prism_flux(0.0)
    for flavour in ("numu", "nue", "numubar", "nuebar"):
        np.testing.assert_array_equal(f[flavour], on[flavour])


@pytest.mark.parametrize("x", [0.5, 4.0, 10.0, 18.5])
def test_ratio_at_bin_centres_equals_raw_table(x):
    # independent route: numpy reads the CSV, the ratio is formed here
    raw = _raw()
    centre = 0.5 * (raw[:, 2] + raw[:, 3])
    on = raw[np.isclose(centre, 0.0)]
    off = raw[np.isclose(centre, x)]
    e_centre = 0.5 * (on[:, 0] + on[:, 1])
    good = on[:, 4] > 0
    expected = off[good, 4] / on[good, 4]
    got = dune_prism_ratio(e_centre[good], x)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize(
    ("x", "published"),
    # E-integrated FHC numu of the DUNE-PRISM tables, per cm^2 per POT (data release notes):
    # 9.36e-8 (0 m), 8.19e-8 (4 m), 5.55e-8 (8 m), 3.55e-8 (12 m), 2.07e-8 (18 m)
    [(4.0, 8.19 / 9.36), (8.0, 5.55 / 9.36), (12.0, 3.55 / 9.36), (18.0, 2.07 / 9.36)],
)
def test_integrated_offaxis_fraction(x, published):
    # ours: on-axis normalization (arXiv:2103.04797) times the PRISM shape; the fraction of the
    # integrated flux must follow the PRISM tables' own fraction to the few-% level (the two beam
    # simulations differ in shape by up to ~14 %, which averages out in the integral)
    on = dune_prism_flux(0.0)
    off = dune_prism_flux(x)
    frac = np.trapezoid(off["numu"], on.E_GeV) / np.trapezoid(on["numu"], on.E_GeV)
    assert frac == pytest.approx(published, rel=0.02)


def test_beyond_tables_warns_and_falls():
    with pytest.warns(UserWarning, match="extrapolated"):
        f25 = dune_prism_flux(25.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f30 = dune_prism_flux(30.0)
    f19 = dune_prism_flux(19.0)
    E = f19.E_GeV
    i19, i25, i30 = (np.trapezoid(f["numu"], E) for f in (f19, f25, f30))
    assert i19 > i25 > i30 > 0


def test_extrapolation_quality_on_the_tables_themselves():
    # predict the 19 m slice from the slices up to 15 m with the same 4 m window: the integrated
    # flux is reproduced to 25 % (measured: +23 %); per-bin errors are larger (the off-axis peak
    # moves in energy), which is why extrapolated fluxes carry a warning
    t = _table("numu", "fhc")
    keep = t.x <= 15.0 + 1e-9
    short = PrismTable(t.E_low, t.E_high, t.x[keep], t.flux[keep], t.frac_uncertainty[keep])
    pred = _ratio_in_slices(short, 19.0, 4.0)
    true = _ratio_in_slices(t, 19.0, 4.0)
    w = t.flux[0] * (t.E_high - t.E_low)
    assert (pred * w).sum() / (true * w).sum() == pytest.approx(1.0, abs=0.25)


@pytest.mark.parametrize("bad", [-1.0, float("nan"), PRISM_MAX_OFF_AXIS_M + 1])
def test_bad_off_axis(bad):
    with pytest.raises(ValueError, match=r"off_axis_m must be in \[0, 33\] m"):
        dune_prism_flux(bad)


def test_bad_mode_and_flavour():
    with pytest.raises(ValueError, match="mode must be one of"):
        dune_prism_flux(1.0, "xhc")
    with pytest.raises(ValueError, match="flavour must be one of"):
        dune_prism_ratio(1.0, 1.0, "nutau")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no data rows"),
        ("0,0.5,-0.25,0.25,1e-9\n", "expected 6 finite numbers"),
        ("0,0.5,-0.25,0.25,abc,0.1\n", "not a row of numbers"),
        ("0,0.5,-0.25,0.25,-1e-9,0.1\n", "must be >= 0"),
        ("0,0.5,-0.25,0.25,1e-9,0.1\n0,0.5,0.25,0.75,1e-9,0.1\n0.5,1,-0.25,0.25,1e-9,0.1\n",
         "incomplete grid"),
    ],
)
def test_malformed_table(text, message):
    with pytest.raises(ValueError, match=message):
        parse_prism_table(text, "bad.csv")
