"""e+ e- -> gamma A' and resonant e+ e- -> A': cross sections, limits, sampler, kinematics."""

from __future__ import annotations

import itertools
import math
from functools import partial
from types import SimpleNamespace

import numpy as np
import pytest
from scipy import integrate, stats

from nuportal import constants
from nuportal.models.dark_photon import DarkPhoton, width_dark_photon_leptons
from nuportal.sources.shower.dark_annihilation import (
    DarkAnnihilation,
    dark_annihilation_amplitude_squared,
    dark_annihilation_cross_section,
    dark_annihilation_cross_section_photon_cut,
    dark_annihilation_dsigma_dcos,
    dark_annihilation_threshold,
    resonant_cross_section,
    resonant_cross_section_integral,
    resonant_dark_photon_energy,
    resonant_positron_energy,
    resonant_yield,
)
from nuportal.sources.shower.processes import DarkProducts, Species
from nuportal.sources.shower.qed_constants import ALPHA, GEV2_CM2, HBARC_GEV_CM, M_E

approx = partial(pytest.approx, abs=0.0)
TUNGSTEN = SimpleNamespace(Z=74)
LEAD = SimpleNamespace(Z=82)
R_E = ALPHA * HBARC_GEV_CM / M_E


def heitler(e_pos):
    """Two-photon annihilation in flight per electron [cm^2] (Heitler, The Quantum Theory of
    Radiation), typed in."""
    g = e_pos / M_E
    root = math.sqrt(g * g - 1)
    return (
        math.pi
        * R_E**2
        / (g + 1)
        * ((g * g + 4 * g + 1) / (g * g - 1) * math.log(g + root) - (g + 3) / root)
    )


def cm(e_pos, mass):
    """Independent CM kinematics: s, E*, p*, E_gamma*."""
    s = 2 * M_E**2 + 2 * M_E * e_pos
    return s, math.sqrt(s) / 2, math.sqrt(s / 4 - M_E**2), (s - mass**2) / (2 * math.sqrt(s))


def test_note_check_numbers():
    """Check values computed for this package: 2.078e-27 (1 GeV, 10 MeV), 2.466e-28 (10 GeV, 10
    MeV), 2.215e-26 cm^2
    (10 GeV, 100 MeV). Obtained 2.07782e-27, 2.46591e-28, 2.21484e-26."""
    got = dark_annihilation_cross_section([1.0, 10.0, 10.0], [0.01, 0.01, 0.1])
    np.testing.assert_allclose(got, [2.078e-27, 2.466e-28, 2.215e-26], rtol=2e-4)


@pytest.mark.parametrize(
    ("e_pos", "mb"), [(0.01, 39.81), (0.1, 6.439), (1.0, 0.9285), (10.0, 0.1221)]
)
def test_massless_limit_is_heitler(e_pos, mb):
    """M -> 0 times 1/2 (identical photons) is Heitler's formula (values computed for this
    package)."""
    half = 0.5 * dark_annihilation_cross_section(e_pos, 0.0)
    assert half == approx(heitler(e_pos), rel=1e-12)
    assert half == approx(mb * 1e-27, rel=2e-4)
    assert 0.5 * dark_annihilation_cross_section(e_pos, 1e-6) == approx(heitler(e_pos), rel=1e-3)


def test_heitler_near_rest():
    for e_pos in [M_E * 1.0001, M_E * 1.2, 2e-3]:
        assert 0.5 * dark_annihilation_cross_section(e_pos, 0.0) == approx(heitler(e_pos), rel=1e-8)


def test_amplitude_note_form_and_symmetry():
    """The code's cancellation-free bracket equals the form derived for this package, typed in with
    T, U, and is
    symmetric under t <-> u."""
    s, t, mass = 0.02, -3e-3, 0.03
    u = 2 * M_E**2 + mass**2 - s - t
    big_t, big_u = t - M_E**2, u - M_E**2
    m2 = M_E**2
    inv = 1 / big_t + 1 / big_u
    ref = 2 * (big_u / big_t + big_t / big_u - 4 * m2 * inv - 4 * m2**2 * inv**2) - 4 * mass**2 * (
        m2 * (1 / big_t**2 + 1 / big_u**2) + inv - mass**2 / (big_t * big_u)
    )
    e4 = (4 * math.pi * ALPHA) ** 2
    assert dark_annihilation_amplitude_squared(s, t, mass) == approx(e4 * ref, rel=1e-12)
    assert dark_annihilation_amplitude_squared(s, u, mass) == approx(e4 * ref, rel=1e-12)


def test_threshold():
    """s > max(M^2, 4 m^2): E+ > E_R = (M^2 - 2 m^2)/(2 m) for M > 2 m_e, else E+ > m_e.
    Above E_R the soft-photon limit gives sigma ~ 1/(E+ - E_R); for M < 2 m_e sigma ~ 1/beta."""
    e_r = (0.1**2 - 2 * M_E**2) / (2 * M_E)
    assert dark_annihilation_threshold(0.1) == approx(e_r, rel=1e-15)
    assert e_r == approx(9.784, rel=1e-4)
    assert dark_annihilation_threshold(1e-3) == M_E
    got = dark_annihilation_cross_section([0.0, e_r * (1 - 1e-9), e_r, e_r * (1 + 1e-6)], 0.1)
    assert got[0] == 0.0 and got[1] == 0.0 and got[2] == 0.0 and got[3] > 0.0
    near = dark_annihilation_cross_section(e_r + np.array([1e-6, 2e-6]), 0.1)
    assert near[0] / near[1] == approx(2.0, rel=1e-4)
    slow = dark_annihilation_cross_section(M_E * (1 + np.array([1e-8, 4e-8])), 1e-3)
    assert slow[0] / slow[1] == approx(2.0, rel=1e-4)
    assert np.all(dark_annihilation_dsigma_dcos(e_r * 0.99, np.linspace(-1, 1, 5), 0.1) == 0.0)


@pytest.mark.parametrize(
    ("e_pos", "mass"), [(1.0, 0.01), (10.0, 0.1), (300.0, 0.02), (0.02, 0.002), (0.0006, 5e-4)]
)
def test_dsigma_dcos_integrates_to_total(e_pos, mass):
    """Quadrature of dsigma/dcos* (both collinear peaks integrated in ln(1 -+ cos*)) against
    the closed form."""

    def half(sign):
        def integrand(x):
            c = sign * (1.0 - math.exp(x))
            return dark_annihilation_dsigma_dcos(e_pos, c, mass) * math.exp(x)

        _, e_star, p_star, _ = cm(e_pos, mass)
        x_peak = math.log(M_E**2 / (e_star * (e_star + p_star)))  # width of the peaks
        cuts = sorted(min(max(c, -70.0), 0.0) for c in (-70.0, x_peak - 6, x_peak + 6, 0.0))
        return sum(
            integrate.quad(integrand, a, b, limit=200, epsrel=1e-10)[0]
            for a, b in itertools.pairwise(cuts)
        )

    total = half(1.0) + half(-1.0)
    assert total == approx(dark_annihilation_cross_section(e_pos, mass), rel=1e-8)


# ------------------------------------------------------------------------ the process class
def test_process_interface_and_table():
    proc = DarkAnnihilation(TUNGSTEN, 0.01)
    assert proc.name == "dark_annihilation" and proc.incoming is Species.POSITRON
    rng = np.random.default_rng(4)
    energies = np.exp(rng.uniform(math.log(proc.threshold * 1.000001), math.log(3e4), 20000))
    np.testing.assert_allclose(
        proc.cross_section(energies),
        74 * dark_annihilation_cross_section(energies, 0.01),
        rtol=1e-4,
    )
    got = proc.cross_section([0.05, proc.threshold, 1.0])
    assert got[0] == 0.0 and got[1] == 0.0 and got[2] == approx(74 * 2.07782e-27, rel=1e-4)
    low = DarkAnnihilation(TUNGSTEN, 5e-4)  # M < 2 m_e: threshold at the positron at rest
    assert low.threshold == M_E and low.cross_section(M_E) == 0.0
    assert low.cross_section(M_E * 1.001) > 0.0


def test_bad_input():
    with pytest.raises(ValueError, match="mass"):
        DarkAnnihilation(TUNGSTEN, -1.0)
    with pytest.raises(ValueError, match="Z"):
        DarkAnnihilation(SimpleNamespace(Z=math.nan), 0.01)
    proc = DarkAnnihilation(TUNGSTEN, 0.01)
    with pytest.raises(ValueError, match="threshold"):
        proc.sample(np.array([1.0, 0.05]), np.random.default_rng(0))
    with pytest.raises(ValueError, match="energy"):
        proc.sample(math.inf, np.random.default_rng(0))
    with pytest.raises(ValueError, match="cos_theta_cm"):
        dark_annihilation_dsigma_dcos(1.0, -1.01, 0.01)


@pytest.mark.parametrize(("e_pos", "mass"), [(2.0, 0.01), (10.0, 0.1), (0.003, 1e-3)])
def test_sampler_matches_dsigma_dcos(e_pos, mass):
    """cos* recovered from the lab A' energy (E_A' = (M^2 + P)/(2 m), P = 2 E_g* (E* + p* cos*))
    histogrammed in bins log-spaced towards both collinear peaks; Pearson chi^2 with 200k events
    follows chi^2(nbins - 1), we require p > 1e-3 (fixed seed)."""
    proc = DarkAnnihilation(TUNGSTEN, mass)
    n = 200_000
    out = proc.sample(np.full(n, e_pos), np.random.default_rng(21))
    assert isinstance(out, DarkProducts)
    _, e_star, p_star, e_g = cm(e_pos, mass)
    p_lo = 2 * e_g * M_E**2 / (e_star + p_star)
    one_plus_cos = (2 * M_E * out.energy - mass**2 - p_lo) / (2 * e_g * p_star)
    side = np.geomspace(1e-7, 1.0, 16)
    edges = np.concatenate([[0.0], side, 2.0 - side[::-1][1:], [2.0 + 1e-12]])
    observed, _ = np.histogram(one_plus_cos, edges)

    def prob(lo, hi):
        # integrate in 1 + cos (lower half) or 1 - cos (upper half) so that quad sees the peak
        if hi <= 1.0:
            f = lambda x: dark_annihilation_dsigma_dcos(e_pos, x - 1.0, mass)  # noqa: E731
            return integrate.quad(f, lo, hi, epsrel=1e-10)[0]
        f = lambda x: dark_annihilation_dsigma_dcos(e_pos, 1.0 - x, mass)  # noqa: E731
        return integrate.quad(f, max(2.0 - hi, 0.0), 2.0 - lo, epsrel=1e-10)[0]

    probs = np.array([prob(a, b) for a, b in itertools.pairwise(edges)])
    probs /= dark_annihilation_cross_section(e_pos, mass)
    assert probs.sum() == approx(1.0, rel=1e-6)
    expected = n * probs
    keep = expected > 5
    chi2 = np.sum((observed[keep] - expected[keep]) ** 2 / expected[keep])
    assert stats.chi2.sf(chi2, keep.sum() - 1) > 1e-3
    assert observed[~keep].sum() <= max(5 * expected[~keep].sum(), 10)


@pytest.mark.parametrize(("e_pos", "mass"), [(1.0, 0.01), (50.0, 0.2), (9.8, 0.1), (0.002, 4e-4)])
def test_lab_kinematics(e_pos, mass):
    """A' on shell (E_A' >= M) and the photon k = p+ + p - k' massless: energy and momentum
    conservation close."""
    proc = DarkAnnihilation(TUNGSTEN, mass)
    out = proc.sample(np.full(20000, e_pos), np.random.default_rng(8))
    e_a, c = out.energy, out.cos_theta
    assert np.all(e_a >= mass) and np.all(np.abs(c) <= 1.0)
    p_a = np.sqrt(e_a**2 - mass**2)
    e_g = e_pos + M_E - e_a
    assert np.all(e_g > 0)
    pz = math.sqrt(e_pos**2 - M_E**2) - p_a * c
    px = p_a * np.sqrt(1 - c**2)
    m2 = (e_g - pz) * (e_g + pz) - px**2
    np.testing.assert_allclose(m2, 0.0, atol=1e-13 * e_pos**2 + 1e-12 * M_E**2)


def test_sampler_shapes_reproducible():
    proc = DarkAnnihilation(TUNGSTEN, 0.03)
    one = proc.sample(3.0, np.random.default_rng(2))
    assert np.shape(one.energy) == ()
    a = proc.sample(np.full((2, 5), 3.0), np.random.default_rng(2))
    b = proc.sample(np.full((2, 5), 3.0), np.random.default_rng(2))
    assert a.energy.shape == (2, 5)
    np.testing.assert_array_equal(a.cos_theta, b.cos_theta)


# ------------------------------------------------------------------------ resonant e+ e- -> A'
def test_resonant_energies():
    """Check values computed for this package: E_R = 282.3 MeV (17 MeV), 2.446 GeV (50 MeV), 9.784
    GeV (100 MeV)."""
    got = resonant_positron_energy(np.array([0.017, 0.05, 0.1]))
    np.testing.assert_allclose(got, [0.2823, 2.446, 9.784], rtol=2e-4)
    assert resonant_dark_photon_energy(0.017) == approx(resonant_positron_energy(0.017) + M_E)
    with pytest.raises(ValueError, match="mass"):
        resonant_positron_energy(1e-3)  # below 2 m_e: no resonance


def test_resonant_integral_check_numbers():
    """Narrow-width resonance (computed for this package; cf. Marsicano et al.,
    arXiv:1802.03794): 2 pi^2 alpha (hbar c)^2 / m_e = 1.0976e-22 cm^2 MeV per electron; n_e times
    it: W 513.5, Pb 296.9 MeV/cm (n_e = 4.678e24, 2.705e24 /cm^3)."""
    assert resonant_cross_section_integral(1) == approx(1.0976e-25, rel=1e-4)  # cm^2 GeV
    assert resonant_cross_section_integral(74) == approx(74 * 1.0976e-25, rel=1e-4)
    # yield with |dE/dx| = 1 MeV/cm equals n_e x integral in MeV/cm
    assert resonant_yield(74, 4.678e24 / 74, 1e-3) == approx(513.5, rel=5e-4)
    assert resonant_yield(82, 2.705e24 / 82, -1e-3) == approx(296.9, rel=5e-4)
    # exact electron-mass factor (1 + 2 m^2/M^2)/beta
    r = (M_E / 0.017) ** 2
    factor = (1 + 2 * r) / math.sqrt(1 - 4 * r)
    assert factor == approx(1.0036, abs=1e-4)
    assert resonant_cross_section_integral(1, mass=0.017) == approx(factor * 1.09761e-25, rel=1e-4)


@pytest.mark.parametrize("gamma_over_m", [1e-9, 1e-3])
def test_breit_wigner_integrates_to_narrow_width(gamma_over_m):
    """int sigma_BW dE+ = eps^2 x resonant_cross_section_integral(1, mass=M), up to O(Gamma/M).
    The Lorentzian is integrated exactly by s = M^2 + M Gamma tan(phi)."""
    mass, eps = 0.017, 1e-4
    gam = gamma_over_m * mass

    def integrand(phi):
        s = mass**2 + mass * gam * math.tan(phi)
        e_pos = (s - 2 * M_E**2) / (2 * M_E)
        ds_dphi = mass * gam / math.cos(phi) ** 2
        return resonant_cross_section(e_pos, mass, eps, gam) * ds_dphi / (2 * M_E)

    phi_lo = math.atan((4 * M_E**2 * (1 + 1e-12) - mass**2) / (mass * gam))
    total = integrate.quad(integrand, phi_lo, math.pi / 2 - 1e-12, limit=400, epsrel=1e-11)[0]
    narrow = eps**2 * resonant_cross_section_integral(1, mass=mass)
    assert total == approx(narrow, rel=max(5 * gamma_over_m, 1e-8))


def test_breit_wigner_peak_uses_model_widths():
    """At s = M^2: sigma = 12 pi Gamma_ee / (M^2 Gamma beta^2), Gamma_ee from the model."""
    mass, eps = 0.05, 3e-4
    gam = DarkPhoton(mass, eps).total_width
    e_r = resonant_positron_energy(mass)
    beta2 = 1 - 4 * M_E**2 / mass**2
    gamma_ee = width_dark_photon_leptons(mass, eps, M_E)
    peak = 12 * math.pi * gamma_ee / (mass**2 * gam * beta2) * GEV2_CM2
    assert resonant_cross_section(e_r, mass, eps, gam) == approx(peak, rel=1e-12)
    assert resonant_cross_section([0.0, M_E], mass, eps, gam).tolist() == [0.0, 0.0]
    # the A' of the model decays only to e+ e- here
    assert gam == approx(gamma_ee, rel=1e-14) and constants.M_MUON * 2 > mass


def test_resonant_bad_input():
    with pytest.raises(ValueError, match="Z"):
        resonant_cross_section_integral(0)
    with pytest.raises(ValueError, match="atom_density"):
        resonant_yield(74, -1.0, 1e-3)
    with pytest.raises(ValueError, match="dE_dx"):
        resonant_yield(74, 1e22, 0.0)
    with pytest.raises(ValueError, match="total_width"):
        resonant_cross_section(0.3, 0.017, 1e-4, 0.0)
    with pytest.raises(ValueError, match="epsilon"):
        resonant_cross_section(0.3, 0.017, -1e-4, 1e-12)


# ------------------------------------------------------------------------ photon energy cut
@pytest.mark.parametrize(("e_pos", "mass"), [(1.0, 0.01), (10.0, 0.1), (0.2, 0.01)])
def test_photon_cut_quadrature_reproduces_the_closed_form_without_cut(e_pos, mass):
    full = dark_annihilation_cross_section(e_pos, mass)
    assert dark_annihilation_cross_section_photon_cut([e_pos], mass, 0.0)[0] == approx(
        full, rel=1e-7
    )


@pytest.mark.parametrize(("e_pos", "mass", "cut"), [(1.0, 0.01, 0.01), (10.0, 0.1, 0.05)])
def test_photon_cut_fraction_two_ways(e_pos, mass, cut):
    """sigma(k > cut)/sigma from quadrature = the fraction of unrestricted samples whose lab
    photon k = E+ + m_e - E_A' is above the cut (binomial error, 4 sigma)."""
    ratio = dark_annihilation_cross_section_photon_cut([e_pos], mass, cut)[
        0
    ] / dark_annihilation_cross_section(e_pos, mass)
    n = 200_000
    out = DarkAnnihilation(LEAD, mass).sample(np.full(n, e_pos), np.random.default_rng(9))
    k = e_pos + M_E - out.energy
    got = np.mean(k >= cut)
    assert got == approx(ratio, abs=4 * math.sqrt(ratio * (1 - ratio) / n))
    cut_proc = DarkAnnihilation(LEAD, mass, photon_cut=cut)
    assert cut_proc.cross_section([e_pos])[0] == approx(
        LEAD.Z * ratio * dark_annihilation_cross_section(e_pos, mass), rel=1e-4
    )
    kept = cut_proc.sample(np.full(20_000, e_pos), np.random.default_rng(10))
    assert np.all(e_pos + M_E - kept.energy >= cut * (1 - 1e-12))


def test_photon_cut_removes_the_soft_photon_growth_at_the_resonance():
    """Without a cut sigma ~ 1/(E+ - E_R) near E_R; with one it vanishes below a threshold."""
    mass = 0.03
    proc = DarkAnnihilation(LEAD, mass, photon_cut=0.01)
    e_r = float(resonant_positron_energy(mass))
    assert proc.threshold > e_r
    assert proc.cross_section([0.5 * (e_r + proc.threshold)])[0] == 0.0
    assert proc.cross_section([proc.threshold * 1.5])[0] > 0.0
