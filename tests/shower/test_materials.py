"""Shower materials: PDG table, aliases, Tsai radiation length (PDG Atomic and Nuclear Properties;
Tsai, RMP 46 (1974) 815)."""

import dataclasses

import numpy as np
import pytest

from nuportal.sources.shower.materials import (
    MATERIALS,
    Material,
    coulomb_correction,
    material,
    radiation_logarithms,
    resolve_material,
    tsai_radiation_length,
)
from nuportal.sources.shower.qed_constants import ALPHA, AVOGADRO, CLASSICAL_ELECTRON_RADIUS

# PDG Atomic and Nuclear Properties: name -> (X0 [g/cm^2], X0 [cm], n_e [1/cm^3]); X0 [cm] of
# graphite and Mo, X0 [g/cm^2] of W and n_e = rho N_A Z/A computed for this package
PDG_TABLE = {
    "graphite": (42.70, 19.32, 6.649e23),
    "beryllium": (65.19, 35.28, 4.940e23),
    "aluminium": (24.01, 8.897, 7.831e23),
    "iron": (13.84, 1.757, 2.208e24),
    "copper": (12.86, 1.436, 2.463e24),
    "molybdenum": (9.80, 0.9589, 2.694e24),
    "tungsten": (6.76, 0.3504, 4.678e24),
    "lead": (6.37, 0.5612, 2.705e24),
}


def test_table_holds_the_eight_target_materials():
    assert set(MATERIALS) == set(PDG_TABLE)
    for name, m in MATERIALS.items():
        assert isinstance(m, Material) and m.name == name
        assert m.citation  # every entry says where its numbers come from


@pytest.mark.parametrize("name", sorted(PDG_TABLE))
def test_tsai_formula_reproduces_the_pdg_radiation_length(name):
    # check made for this package: Tsai's formula gives every tabulated X0 to < 0.05 %; we require
    # < 0.1 %
    m = material(name)
    x0_g, x0_cm, n_e = PDG_TABLE[name]
    assert m.radiation_length_g_cm2 == x0_g
    assert tsai_radiation_length(m.Z, m.A) == pytest.approx(x0_g, rel=1e-3)
    # X0 in cm and n_e: the table's rounding (4 significant digits) -> 0.1 %
    assert m.radiation_length == pytest.approx(x0_cm, rel=1e-3)
    assert m.electron_density == pytest.approx(n_e, rel=1e-3)
    assert m.atom_density * m.Z == pytest.approx(m.electron_density, rel=1e-14)


def test_tsai_constants_and_coulomb_correction():
    # Tsai RMP 46 (1974), eq. (3.66): 1/(4 alpha r_e^2 N_A) = 716.408 g/cm^2, f(82) = 0.3316, f(26)
    # = 0.0420
    assert 1.0 / (4 * ALPHA * CLASSICAL_ELECTRON_RADIUS**2 * AVOGADRO) == pytest.approx(
        716.408, abs=1e-3
    )
    assert coulomb_correction(82) == pytest.approx(0.3316, abs=1e-4)
    assert coulomb_correction(26) == pytest.approx(0.0420, abs=1e-4)
    assert np.allclose(
        coulomb_correction([26, 82]), [coulomb_correction(26), coulomb_correction(82)]
    )
    # X0(Pb) = 6.370, X0(C) = 42.70 g/cm^2 [computed for this package, Tsai eq. (3.66)]
    assert tsai_radiation_length(82, 207.2) == pytest.approx(6.370, abs=1e-3)
    assert tsai_radiation_length(6, 12.0107) == pytest.approx(42.70, abs=1e-2)


def test_radiation_logarithms_use_tsai_table_below_z5():
    assert radiation_logarithms(4) == (4.71, 5.924)
    assert radiation_logarithms(1) == (5.31, 6.144)
    lrad, lprime = radiation_logarithms(82)
    assert lrad == pytest.approx(np.log(184.15 * 82 ** (-1 / 3)), rel=1e-14)
    assert lprime == pytest.approx(np.log(1194 * 82 ** (-2 / 3)), rel=1e-14)
    with pytest.raises(ValueError, match="Z"):
        radiation_logarithms(0)
    with pytest.raises(ValueError, match="A"):
        tsai_radiation_length(6, -1.0)


def test_rough_radiation_length_fit_agrees_within_its_quoted_accuracy():
    # PDG "Passage of particles through matter": X0 ~ 716.4 A / (Z (Z+1) ln(287/sqrt(Z))); PDG
    # quotes it as good to ~2.5 %
    for m in MATERIALS.values():
        rough = 716.4 * m.A / (m.Z * (m.Z + 1) * np.log(287 / np.sqrt(m.Z)))
        assert rough == pytest.approx(m.radiation_length_g_cm2, rel=0.03)


def test_lookup_is_case_insensitive_with_symbols_and_aliases():
    for alias, name in [
        ("Pb", "lead"), ("LEAD", "lead"), ("W", "tungsten"), ("carbon", "graphite"),
        ("C", "graphite"), ("aluminum", "aluminium"), ("Al", "aluminium"), ("Be", "beryllium"),
        ("fe", "iron"), ("Cu", "copper"), ("Mo", "molybdenum"), (" Tungsten ", "tungsten"),
    ]:  # fmt: skip
        assert material(alias) is MATERIALS[name]
    assert resolve_material("Pb") is MATERIALS["lead"]
    assert resolve_material(MATERIALS["iron"]) is MATERIALS["iron"]


def test_unknown_material_lists_the_known_names():
    with pytest.raises(ValueError, match="lead") as err:
        material("unobtainium")
    assert "unobtainium" in str(err.value) and "tungsten" in str(err.value)


def test_pdg_constants_in_working_units():
    pb = material("Pb")
    assert pb.mean_excitation_energy == pytest.approx(823e-9, rel=1e-12)
    assert pb.density == 11.35 and pb.A == 207.2 and pb.Z == 82
    # tabulated critical energies only where PDG's value could be confirmed
    assert pb.critical_energy == pytest.approx(7.43e-3)
    assert material("W").critical_energy == pytest.approx(7.97e-3)
    assert material("Cu").critical_energy == pytest.approx(19.42e-3)
    for name in ("C", "Be", "Al", "Fe", "Mo"):
        assert material(name).critical_energy is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        pb.density = 1.0  # type: ignore[misc]
