"""Total cross sections of the Standard-Model shower processes (Tsai 1974, Klein-Nishina, Moller,
Bhabha, Heitler; check values computed for this package from those formulas)."""

import numpy as np
import pytest
from scipy.integrate import quad

from nuportal.sources.shower.annihilation import (
    TwoPhotonAnnihilation,
    heitler_cross_section,
    heitler_dsigma_deps,
)
from nuportal.sources.shower.bremsstrahlung import (
    Bremsstrahlung,
    brems_dsigma_dk,
    integrate_brems_spectrum,
    screening_brackets,
)
from nuportal.sources.shower.compton import (
    THOMSON_CROSS_SECTION,
    Compton,
    klein_nishina_cross_section,
    klein_nishina_dsigma_deps,
)
from nuportal.sources.shower.electron_scattering import (
    BhabhaScattering,
    MollerScattering,
    bhabha_cross_section,
    bhabha_dsigma_deps,
    moller_cross_section,
    moller_dsigma_deps,
)
from nuportal.sources.shower.materials import (
    MATERIALS,
    coulomb_correction,
    material,
    radiation_logarithms,
    tsai_radiation_length,
)
from nuportal.sources.shower.pair_production import PairProduction, pair_dsigma_dx
from nuportal.sources.shower.processes import Species
from nuportal.sources.shower.qed_constants import (
    ALPHA,
    AVOGADRO,
    CLASSICAL_ELECTRON_RADIUS,
    M_E,
)
from nuportal.sources.shower.sm_processes import standard_processes

BARN = 1e-24
AR2 = ALPHA * CLASSICAL_ELECTRON_RADIUS**2


def _bracket(m):
    """Z^2 (L_rad - f) + Z L'_rad."""
    lrad, lprime = radiation_logarithms(m.Z)
    return m.Z**2 * (lrad - coulomb_correction(m.Z)) + m.Z * lprime


# ------------------------------------------------------------------------------ pair production
# PDG "Energy loss by photons" 7/9 law: (7/9) A / (X0 N_A) per atom [b] (computed for this package)
SEVEN_NINTHS_BARN = {
    "lead": 42.01, "tungsten": 35.11, "molybdenum": 12.64, "copper": 6.381, "iron": 5.212,
    "aluminium": 1.451, "graphite": 0.363, "beryllium": 0.179,
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(SEVEN_NINTHS_BARN))
def test_pair_cross_section_reaches_the_seven_ninths_law(name):
    m = material(name)
    seven_ninths = 7 / 9 * m.A / (m.radiation_length_g_cm2 * AVOGADRO)
    # these per-atom values agree to their last quoted digit when X0 is Tsai's formula
    # (they were computed with it) and to 0.05 % with the tabulated PDG X0
    quoted = SEVEN_NINTHS_BARN[name]
    decimals = len(str(quoted).split(".")[1])
    tsai = 7 / 9 * m.A / (tsai_radiation_length(m.Z, m.A) * AVOGADRO)
    assert tsai / BARN == pytest.approx(quoted, abs=0.5 * 10.0**-decimals)
    assert seven_ninths / BARN == pytest.approx(quoted, rel=5e-4, abs=0.5 * 10.0**-decimals)
    # at 100 GeV the Tsai cross section is within 2 % of the 7/9 law (obtained: -0.7 to -0.8 %,
    # from the (1/9) atomic-electron term, see the next test)
    sigma = PairProduction(m).cross_section(100.0)
    assert sigma == pytest.approx(seven_ninths, rel=0.02)
    assert sigma < seven_ninths


@pytest.mark.parametrize("name", ["lead", "beryllium", "copper"])
def test_pair_complete_screening_limit_is_the_analytic_integral(name):
    # integral of the complete-screening form (Tsai 1974): 4 alpha r_e^2 {(7/9)[Z^2(L - f) + Z L']
    # - (Z^2 + Z)/54}; at 1 PeV
    # screening is complete except for x(1-x) < 1e-7 (obtained agreement ~1e-5)
    m = material(name)
    expected = 4 * AR2 * (7 / 9 * _bracket(m) - (m.Z**2 + m.Z) / 54)
    assert PairProduction(m).cross_section(1e6) == pytest.approx(expected, rel=2e-4)


def test_pair_threshold_and_symmetry():
    pb = PairProduction("Pb")
    assert pb.cross_section([0.0, 2 * M_E, 2 * M_E * 0.999]).tolist() == [0.0, 0.0, 0.0]
    assert pb.cross_section(0.01) > 0
    x = np.linspace(0.05, 0.95, 19)
    assert np.allclose(pair_dsigma_dx(x, 0.1, 82), pair_dsigma_dx(1 - x, 0.1, 82), rtol=1e-12)
    assert pair_dsigma_dx(0.5 * M_E / 0.1, 0.1, 82) == 0.0  # outside m_e/k < x


@pytest.mark.parametrize(
    "name,k",
    [("lead", 0.003), ("lead", 0.05), ("lead", 10.0), ("beryllium", 0.002), ("beryllium", 1e3)],
)
def test_pair_table_equals_direct_quadrature(name, k):
    m = material(name)
    lo = M_E / k
    direct = 2 * quad(lambda x: pair_dsigma_dx(x, k, m.Z), lo, 0.5, epsrel=1e-10, limit=200)[0]
    assert PairProduction(m).cross_section(k) == pytest.approx(direct, rel=1e-3)


# ------------------------------------------------------------------------------ bremsstrahlung
def test_screening_brackets_complete_and_no_screening_limits():
    for z in (6, 29, 82):
        m = {6: "C", 29: "Cu", 82: "Pb"}[z]
        lrad, lprime = radiation_logarithms(z)
        f = coulomb_correction(z)
        c1, c2 = screening_brackets(z, 0.0)
        # complete screening: C1 = 4 [Z^2 (L - f) + Z L'], C2 = (2/3)(Z^2 + Z) (Tsai 1974, Sec. III)
        assert c1 == pytest.approx(4 * _bracket(material(m)), rel=2e-5)
        assert c2 == pytest.approx(2 / 3 * (z * z + z), rel=1e-12)
        # no screening (delta >> 1): both brackets -> 4 ln(2/delta) - 2 (unscreened Bethe-Heitler,
        # 4 [ln(2 E E'/(m k)) - 1/2]); the Coulomb correction stays on the nuclear term
        delta = 300.0
        unscreened = 4 * np.log(2 / delta) - 2
        c1, c2 = screening_brackets(z, delta)
        assert c1 == pytest.approx(z * z * (unscreened - 4 * f) + z * unscreened, abs=2e-3 * z * z)
        assert c2 == pytest.approx(0.0, abs=1e-5 * z * z)
        assert lrad > 0 and lprime > 0


@pytest.mark.parametrize("name", sorted(SEVEN_NINTHS_BARN))
def test_radiative_integral_at_high_energy_is_energy_over_x0(name):
    # n_A int k dsigma/dk dk = E/X0 (Tsai X0) within 2 % at 100 GeV (obtained 1.010 Be ...
    # 1.016 Pb); in complete screening (10 TeV) it is exactly 1 + (Z^2+Z)/(18 [Z^2(L-f)+Z L'])
    m = material(name)
    x0 = tsai_radiation_length(m.Z, m.A)

    def ratio(energy):
        loss = integrate_brems_spectrum(energy, 1e-12 * energy, energy, m.Z, moment=1)
        return loss * AVOGADRO / m.A * x0 / energy

    assert ratio(100.0) == pytest.approx(1.0, abs=0.02)
    assert ratio(1e4) == pytest.approx(1 + (m.Z**2 + m.Z) / (18 * _bracket(m)), rel=2e-4)


def test_photon_number_per_radiation_length():
    # PDG 2012 Eq. (30.29): N_gamma = (d/X0)[(4/3) ln(kmax/kmin) - 4(kmax-kmin)/(3E)
    # + (kmax^2-kmin^2)/(2E^2)] = 5.320 per X0 for k in [0.01 E, E] (PDG form, without the
    # (1/9)(Z^2+Z) term).
    pb = material("Pb")
    n_a_x0 = AVOGADRO / pb.A * tsai_radiation_length(pb.Z, pb.A)
    pdg_form = 4 / 3 * np.log(100) - 4 * 0.99 / 3 + (1 - 1e-4) / 2
    assert pdg_form == pytest.approx(5.320, abs=5e-4)
    # complete screening (E = 10 TeV): our spectrum = PDG form + the (1/9)(1-y)(Z^2+Z) term
    energy = 1e4
    n_gamma = integrate_brems_spectrum(energy, 0.01 * energy, energy, pb.Z) * n_a_x0
    extra = (pb.Z**2 + pb.Z) / (9 * _bracket(pb)) * (np.log(100) - 0.99)
    assert n_gamma == pytest.approx(pdg_form + extra, rel=1e-4)  # obtained 5.4375 vs 5.4375
    # computed for this package: 0.0838 photons per 0.01 X0 with k in [1 MeV, 1 GeV] at E = 1 GeV
    # (PDG form); ours is
    # +2.3 % (1/9 term) - 0.3 % (incomplete screening near the tip) = 0.0855 -> within 3 %
    n_1gev = integrate_brems_spectrum(1.0, 1e-3, 1.0, pb.Z) * n_a_x0 * 0.01
    assert n_1gev == pytest.approx(0.0838, rel=0.03)


@pytest.mark.parametrize("name,cut", [("lead", 1e-3), ("beryllium", 1e-6), ("tungsten", 0.05)])
def test_brems_table_equals_direct_quadrature(name, cut):
    m = material(name)
    brems = Bremsstrahlung(m, cut)
    for energy in (M_E + 1.3 * cut, M_E + 10 * cut, 1.0, 300.0):
        t = energy - M_E
        if t <= cut:
            continue

        def per_log_k(u, e=energy):
            return brems_dsigma_dk(np.exp(u), e, m.Z) * np.exp(u)

        def per_log_eprime(v, e=energy):
            return brems_dsigma_dk(e - np.exp(v), e, m.Z) * np.exp(v)

        split = max(cut, t / 2)
        direct = quad(per_log_k, np.log(cut), np.log(split), epsrel=1e-10, limit=400)[0]
        if split < t:
            direct += quad(per_log_eprime, np.log(M_E), np.log(energy - split), epsrel=1e-10)[0]
        assert brems.cross_section(energy) == pytest.approx(direct, rel=1e-3)


def test_brems_threshold_and_species():
    brems = Bremsstrahlung("Cu", 1e-3, incoming=Species.POSITRON)
    assert brems.products == (Species.POSITRON, Species.PHOTON)
    assert brems.threshold == pytest.approx(M_E + 1e-3)
    assert brems.cross_section([M_E, M_E + 0.999e-3]).tolist() == [0.0, 0.0]
    assert brems.cross_section(M_E + 2e-3) > 0
    e_brems = Bremsstrahlung("Cu", 1e-3)
    assert e_brems.cross_section(1.0) == brems.cross_section(1.0)
    with pytest.raises(ValueError, match="incoming"):
        Bremsstrahlung("Cu", 1e-3, incoming=Species.PHOTON)


# ------------------------------------------------------------------------------ Compton
def test_klein_nishina_check_numbers():
    # Klein-Nishina, computed for this package (per electron): 0.2112 b (1 MeV), 0.05099 b (10
    # MeV), 8.199 mb (100 MeV),
    # 1.117 mb (1 GeV); Thomson 0.6652 b; Pb per atom at 1 MeV: 17.32 b
    sigma = klein_nishina_cross_section([1e-3, 1e-2, 0.1, 1.0]) / BARN
    assert sigma == pytest.approx([0.2112, 0.05099, 8.199e-3, 1.117e-3], rel=5e-4)
    assert THOMSON_CROSS_SECTION / BARN == pytest.approx(0.6652, rel=2e-4)
    assert klein_nishina_cross_section(1e-12) == pytest.approx(THOMSON_CROSS_SECTION, rel=1e-8)
    assert Compton("Pb").cross_section(1e-3) / BARN == pytest.approx(17.32, rel=5e-4)


def test_klein_nishina_closed_form_equals_quadrature_and_is_continuous():
    for k in (1e-5, 1e-3, 0.1, 100.0):
        eps0 = 1 / (1 + 2 * k / M_E)
        direct = quad(
            lambda u, k=k: klein_nishina_dsigma_deps(np.exp(u), k) * np.exp(u),
            np.log(eps0), 0.0, epsrel=1e-11,
        )[0]  # fmt: skip
        assert klein_nishina_cross_section(k) == pytest.approx(direct, rel=1e-8)
    # the low-energy expansion (kappa < 1e-3) joins the closed form
    edge = 1e-3 * M_E * np.array([1 - 1e-9, 1 + 1e-9])
    lo, hi = klein_nishina_cross_section(edge)
    assert lo == pytest.approx(hi, rel=2e-8)


# ------------------------------------------------------------------------------ Moller, Bhabha
def test_moller_bhabha_check_numbers():
    # Moller/Bhabha, computed for this package: T = 1 GeV, T_cut = 1 MeV: 0.2548 b (Moller), 0.2518
    # b (Bhabha) per electron;
    # asymptote 2 pi r_e^2 m_e / T_cut = 0.2550 b
    assert moller_cross_section(1.0, 1e-3) / BARN == pytest.approx(0.2548, rel=4e-4)
    assert bhabha_cross_section(1.0, 1e-3) / BARN == pytest.approx(0.2518, rel=4e-4)
    asymptote = 2 * np.pi * CLASSICAL_ELECTRON_RADIUS**2 * M_E / 1e-3
    assert asymptote / BARN == pytest.approx(0.2550, rel=4e-4)
    for sigma in (moller_cross_section(1e5, 1e-3), bhabha_cross_section(1e5, 1e-3)):
        assert sigma == pytest.approx(asymptote, rel=1e-3)


@pytest.mark.parametrize("kinetic", [2.5e-3, 0.05, 1.0, 1e3])
def test_moller_bhabha_closed_forms_equal_log_quadrature(kinetic):
    # T/T_cut up to 1e6: integrate in ln(eps) (plain quadrature of the 1/eps^2 peak fails there)
    cut = 1e-3
    e_c = cut / kinetic

    def integral(f, top):
        return quad(lambda u: f(np.exp(u), kinetic) * np.exp(u), np.log(e_c), np.log(top),
                    epsrel=1e-11, limit=200)[0]  # fmt: skip

    assert moller_cross_section(kinetic, cut) == pytest.approx(
        integral(moller_dsigma_deps, 0.5), rel=1e-8
    )
    assert bhabha_cross_section(kinetic, cut) == pytest.approx(
        integral(bhabha_dsigma_deps, 1.0), rel=1e-8
    )


def test_delta_ray_thresholds_and_per_atom_factor():
    cut = 1e-3
    moller = MollerScattering("Fe", cut)
    bhabha = BhabhaScattering("Fe", cut)
    assert moller.threshold == pytest.approx(M_E + 2 * cut)
    assert bhabha.threshold == pytest.approx(M_E + cut)
    assert moller.cross_section([M_E, M_E + 1.5e-3, M_E + 2e-3]).tolist() == [0.0, 0.0, 0.0]
    assert bhabha.cross_section([M_E, M_E + 1e-3]).tolist() == [0.0, 0.0]
    assert bhabha.cross_section(M_E + 1.5e-3) > 0
    energy = np.array([0.01, 1.0])
    assert np.allclose(moller.cross_section(energy), 26 * moller_cross_section(energy - M_E, cut))
    assert np.allclose(bhabha.cross_section(energy), 26 * bhabha_cross_section(energy - M_E, cut))


# ------------------------------------------------------------------------------ annihilation
def test_heitler_check_numbers():
    # Heitler, computed for this package, per electron: 39.81 mb (10 MeV), 6.439 mb (100 MeV),
    # 0.9285 mb (1 GeV),
    # 0.1221 mb (10 GeV)
    sigma = heitler_cross_section([0.01, 0.1, 1.0, 10.0]) / BARN
    assert sigma == pytest.approx([39.81e-3, 6.439e-3, 0.9285e-3, 0.1221e-3], rel=5e-4)
    assert TwoPhotonAnnihilation("W").cross_section(1.0) == pytest.approx(
        74 * heitler_cross_section(1.0), rel=1e-14
    )
    assert np.isinf(heitler_cross_section(M_E))  # 1/v divergence at rest


@pytest.mark.parametrize("energy", [M_E * 1.001, 0.01, 1.0, 1e3])
def test_heitler_differential_integrates_to_total(energy):
    tau = energy / M_E - 1
    eps_min = 0.5 * (1 - np.sqrt(tau / (tau + 2)))
    half = quad(
        lambda u: heitler_dsigma_deps(np.exp(u), energy) * np.exp(u), np.log(eps_min),
        np.log(0.5), epsrel=1e-11,
    )[0]  # fmt: skip
    assert 2 * half == pytest.approx(heitler_cross_section(energy), rel=1e-8)


# ------------------------------------------------------------------------------ common behaviour
def test_standard_processes_follow_the_contract():
    procs = standard_processes("lead", 1e-3, 5e-4)
    assert [p.name for p in procs[Species.PHOTON]] == ["pair_production", "compton"]
    assert [p.name for p in procs[Species.ELECTRON]] == ["bremsstrahlung", "moller"]
    assert [p.name for p in procs[Species.POSITRON]] == ["bremsstrahlung", "bhabha", "annihilation"]
    for species, group in procs.items():
        for p in group:
            assert p.incoming is species
            assert len(p.products) == 2 and all(isinstance(s, Species) for s in p.products)
            assert p.material is MATERIALS["lead"]
    assert procs[Species.ELECTRON][0].photon_cut == 5e-4
    assert procs[Species.ELECTRON][1].electron_cut == 1e-3
    with pytest.raises(ValueError, match="material"):
        standard_processes("kryptonite", 1e-3, 1e-3)
    with pytest.raises(ValueError, match="electron_cut"):
        standard_processes("lead", -1e-3, 1e-3)
    with pytest.raises(ValueError, match="photon_cut"):
        standard_processes("lead", 1e-3, float("nan"))


def test_cross_sections_are_vectorized_and_reject_bad_energies():
    for group in standard_processes(material("Cu"), 1e-3, 1e-3).values():
        for p in group:
            energy = np.geomspace(0.003, 50.0, 12).reshape(3, 4)
            sigma = p.cross_section(energy)
            assert sigma.shape == (3, 4) and np.all(sigma > 0)
            assert np.ndim(p.cross_section(1.0)) == 0
            assert p.cross_section(1.0) == p.cross_section(np.array([1.0]))[0]
            for bad in (-1.0, np.nan, np.inf, 2e6):
                with pytest.raises(ValueError, match="energy"):
                    p.cross_section([1.0, bad])
