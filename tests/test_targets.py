"""Tests of nuportal.models.targets (nuclear masses as in DarkNews; check
values computed for this package)."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest

from nuportal import constants
from nuportal.models import nuclear_form_factors as nff
from nuportal.models import targets as tg

approx = partial(pytest.approx, abs=0.0)


def test_nuclear_mass_check_numbers():
    assert tg.nucleus("C12").mass == pytest.approx(11.1748643, abs=6e-8)
    assert tg.nucleus("H1").mass == pytest.approx(0.9382721, abs=6e-8)
    assert tg.nucleus("proton").mass == constants.mass("p")


@pytest.mark.parametrize(
    ("name", "z", "n", "atomic_u"),
    [("O16", 8, 8, 15.99491461926), ("Ar40", 18, 22, 39.96238312204), ("C12", 6, 6, 12.0)],
)
def test_registry_masses_follow_the_formula(name, z, n, atomic_u):
    t = tg.nucleus(name)
    assert (t.Z, t.N, t.A) == (z, n, z + n)
    b_e = (14.4381 * z**2.39 + 1.55468e-6 * z**5.35) * 1e-9
    expected = atomic_u * 0.9314941024228 - z * constants.M_ELECTRON + b_e
    assert t.mass == approx(expected, rel=1e-15)
    assert t.atomic_mass_u == atomic_u


def test_electron_binding_energy():
    assert tg.electron_binding_energy(1) == approx(14.4381e-9 + 1.55468e-15, rel=1e-14)
    assert tg.electron_binding_energy(0) == 0.0
    with pytest.raises(ValueError, match="Z"):
        tg.electron_binding_energy(-1)
    with pytest.raises(ValueError, match="atomic_mass_u"):
        tg.nuclear_mass(-12.0, 6)


def test_form_factor_assignment():
    c12, o16, ar40 = tg.nucleus("C12"), tg.nucleus("O16"), tg.nucleus("Ar40")
    assert c12.form_factor_model == "fourier_bessel"
    assert o16.form_factor_model == ar40.form_factor_model == "symmetrized_fermi"
    q2 = np.array([0.0, 0.01, 0.09])
    np.testing.assert_array_equal(c12.charge_form_factor(q2), nff.fourier_bessel_form_factor(q2))
    np.testing.assert_array_equal(
        ar40.charge_form_factor(q2), nff.symmetrized_fermi_form_factor(q2, 40)
    )
    for name in ("H1", "proton"):
        t = tg.nucleus(name)
        assert t.is_nucleon and t.form_factor_model == "nucleon"
        ge, _ = nff.nucleon_sachs_form_factors(q2)
        np.testing.assert_array_equal(t.charge_form_factor(q2), ge)
    helm = tg.Nucleus.from_atomic_mass("Xe132", 54, 78, 131.9041550856, "helm")
    assert helm.charge_form_factor(0.01) == nff.helm_form_factor(0.01, 132)
    assert not c12.is_nucleon


def test_lookup():
    assert tg.nucleus("c12") is tg.NUCLEI["C12"]
    assert tg.nucleus("AR40") is tg.NUCLEI["Ar40"]
    t = tg.NUCLEI["O16"]
    assert tg.nucleus(t) is t
    with pytest.raises(ValueError, match=r"unknown target 'Pb208'.*C12, H1, O16, Ar40, proton"):
        tg.nucleus("Pb208")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"Z": -1}, "Z must"),
        ({"N": 1.5}, "N must"),
        ({"Z": 0, "N": 0}, "Z \\+ N"),
        ({"mass": 0.0}, "mass"),
        ({"mass": float("nan")}, "mass"),
        ({"form_factor_model": "gaussian"}, "form_factor_model"),
        ({"form_factor_model": "fourier_bessel"}, "fourier_bessel"),
        ({"form_factor_model": "nucleon"}, "nucleon"),
    ],
)
def test_nucleus_validation(kwargs, match):
    args = {"name": "X", "Z": 6, "N": 6, "mass": 11.17, "form_factor_model": "symmetrized_fermi"}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        tg.Nucleus(**args)
