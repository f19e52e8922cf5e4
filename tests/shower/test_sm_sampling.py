"""Samplers of the Standard-Model shower processes: distributions, kinematics, energy ledger.

Every sampler is checked against its own differential cross section (a chi^2 test of the
histogram of the sampled variable against the bin integrals of dsigma, computed by quadrature).
Seeds are fixed; the chi^2 p-value threshold 1e-3 is what a correct sampler fails with
probability 1e-3 (statistical tolerance), while a shape error of a few per cent with 2e5 events
gives p < 1e-3.
"""

import numpy as np
import pytest
from scipy import stats
from scipy.integrate import quad

from nuportal.sources.shower.annihilation import TwoPhotonAnnihilation, heitler_dsigma_deps
from nuportal.sources.shower.bremsstrahlung import (
    Bremsstrahlung,
    brems_dsigma_dk,
    sample_modified_tsai_cos,
)
from nuportal.sources.shower.compton import Compton, klein_nishina_dsigma_deps
from nuportal.sources.shower.electron_scattering import (
    BhabhaScattering,
    MollerScattering,
    bhabha_dsigma_deps,
    moller_dsigma_deps,
)
from nuportal.sources.shower.pair_production import PairProduction, pair_dsigma_dx
from nuportal.sources.shower.processes import ledger_energy
from nuportal.sources.shower.qed_constants import M_E
from nuportal.sources.shower.sm_processes import standard_processes

N_EVENTS = 200_000
P_MIN = 1e-3


def _chi2_pvalue(values, edges, density, transform=None):
    """p-value of the histogram of ``values`` in ``edges`` against integral of ``density``.

    ``transform`` maps the histogram variable to the variable of ``density`` (bin edges are
    mapped, the integral is done in the density's variable). Bins with < 20 expected events are
    merged with their neighbours.
    """
    counts, _ = np.histogram(values, edges)
    lo = edges[:-1] if transform is None else transform(edges[:-1])
    hi = edges[1:] if transform is None else transform(edges[1:])
    probs = np.array(
        [quad(density, a, b, epsrel=1e-9, limit=200)[0] for a, b in zip(lo, hi, strict=True)]
    )
    probs /= probs.sum()
    expected = probs * len(values)
    merged_c, merged_e, acc_c, acc_e = [], [], 0.0, 0.0
    for c, e in zip(counts, expected, strict=True):
        acc_c, acc_e = acc_c + c, acc_e + e
        if acc_e >= 20:
            merged_c.append(acc_c)
            merged_e.append(acc_e)
            acc_c = acc_e = 0.0
    merged_c[-1] += acc_c
    merged_e[-1] += acc_e
    merged_c, merged_e = np.array(merged_c), np.array(merged_e)
    chi2 = np.sum((merged_c - merged_e) ** 2 / merged_e)
    assert counts.sum() == len(values)  # nothing outside the kinematic range
    return stats.chi2.sf(chi2, len(merged_c) - 1)


@pytest.mark.parametrize(
    "name,cut,energy", [("Pb", 1e-3, 0.01), ("Pb", 1e-3, 10.0), ("Be", 1e-6, 1.0)]
)
def test_brems_photon_spectrum_follows_dsigma_dk(name, cut, energy):
    proc = Bremsstrahlung(name, cut)
    out = proc.sample(np.full(N_EVENTS, energy), np.random.default_rng(11))
    k = out.energy_2
    z = proc.material.Z
    edges = np.linspace(np.log(cut), np.log(energy - M_E), 31)
    p = _chi2_pvalue(np.log(k), edges, lambda u: brems_dsigma_dk(np.exp(u), energy, z) * np.exp(u))
    assert p > P_MIN
    assert np.all(out.cos_theta_1 == 1.0)


@pytest.mark.parametrize("name,k", [("Pb", 0.005), ("Pb", 1.0), ("C", 0.1)])
def test_pair_energy_sharing_follows_dsigma_dx(name, k):
    proc = PairProduction(name)
    out = proc.sample(np.full(N_EVENTS, k), np.random.default_rng(12))
    z = proc.material.Z
    x_electron = out.energy_1 / k
    edges = np.linspace(M_E / k, 1 - M_E / k, 31)
    # dsigma/dx is symmetric, so the electron fraction has the same density as the positron's
    assert _chi2_pvalue(x_electron, edges, lambda x: pair_dsigma_dx(x, k, z)) > P_MIN
    assert np.all(np.abs(out.cos_theta_1) <= 1) and np.all(np.abs(out.cos_theta_2) <= 1)


@pytest.mark.parametrize("k", [2e-4, 0.01, 1.0])
def test_compton_spectrum_and_kinematics(k):
    out = Compton("Cu").sample(np.full(N_EVENTS, k), np.random.default_rng(13))
    eps = out.energy_1 / k
    eps0 = 1 / (1 + 2 * k / M_E)
    edges = np.linspace(np.log(eps0), 0.0, 31)
    density = lambda u: klein_nishina_dsigma_deps(np.exp(u), k) * np.exp(u)  # noqa: E731
    assert _chi2_pvalue(np.log(eps), edges, density) > P_MIN
    # two-body kinematics on an electron at rest: Compton formula and momentum balance
    cos_g, cos_e = out.cos_theta_1, out.cos_theta_2
    assert np.allclose(out.energy_1, k / (1 + k / M_E * (1 - cos_g)), rtol=1e-9)
    p_e = np.sqrt(out.energy_2**2 - M_E**2)
    sin_g, sin_e = np.sqrt(1 - cos_g**2), np.sqrt(1 - cos_e**2)
    assert np.allclose(out.energy_1 * cos_g + p_e * cos_e, k, rtol=1e-9, atol=1e-12 * k)
    assert np.allclose(out.energy_1 * sin_g, p_e * sin_e, rtol=1e-6, atol=1e-9 * k)


@pytest.mark.parametrize("kinetic", [0.003, 0.01, 1.0])
def test_moller_and_bhabha_spectra_and_kinematics(kinetic):
    cut = 1e-3
    rng = np.random.default_rng(14)
    energy = np.full(N_EVENTS, kinetic + M_E)
    for proc, density, top in (
        (MollerScattering("W", cut), moller_dsigma_deps, 0.5),
        (BhabhaScattering("W", cut), bhabha_dsigma_deps, 1.0),
    ):
        out = proc.sample(energy, rng)
        eps = (out.energy_2 - M_E) / kinetic
        edges = np.linspace(np.log(cut / kinetic), np.log(top), 31)
        p = _chi2_pvalue(np.log(eps), edges, lambda u, d=density: d(np.exp(u), kinetic) * np.exp(u))
        assert p > P_MIN, proc.name
        # momentum conservation with the atomic electron at rest
        p_in = np.sqrt(kinetic * (kinetic + 2 * M_E))
        p1 = np.sqrt(out.energy_1**2 - M_E**2)
        p2 = np.sqrt(out.energy_2**2 - M_E**2)
        c1, c2 = out.cos_theta_1, out.cos_theta_2
        assert np.allclose(p1 * c1 + p2 * c2, p_in, rtol=1e-8)
        s1, s2 = np.sqrt(1 - c1**2), np.sqrt(1 - c2**2)
        assert np.allclose(p1 * s1, p2 * s2, rtol=1e-5, atol=1e-9 * p_in)


@pytest.mark.parametrize("energy", [0.003, 1.0])
def test_annihilation_spectrum_and_kinematics(energy):
    out = TwoPhotonAnnihilation("Al").sample(np.full(N_EVENTS, energy), np.random.default_rng(15))
    total = energy + M_E
    eps = out.energy_1 / total
    tau = energy / M_E - 1
    eps_min = 0.5 * (1 - np.sqrt(tau / (tau + 2)))
    # histogram in logit(eps), which resolves both ends of the symmetric spectrum
    lo, hi = np.log(eps_min / (1 - eps_min)), np.log((1 - eps_min) / eps_min)
    edges = np.linspace(lo * (1 - 1e-12), hi * (1 - 1e-12), 31)
    edges[0], edges[-1] = lo - 1e-9, hi + 1e-9
    p = _chi2_pvalue(
        np.log(eps / (1 - eps)),
        edges,
        lambda e: heitler_dsigma_deps(e, energy),
        transform=lambda t: np.clip(1 / (1 + np.exp(-t)), eps_min, 1 - eps_min),
    )
    assert p > P_MIN
    p_in = np.sqrt(energy**2 - M_E**2)
    c1, c2 = out.cos_theta_1, out.cos_theta_2
    assert np.allclose(out.energy_1 * c1 + out.energy_2 * c2, p_in, rtol=1e-8)
    s1, s2 = np.sqrt(1 - c1**2), np.sqrt(1 - c2**2)
    assert np.allclose(out.energy_1 * s1, out.energy_2 * s2, rtol=1e-5, atol=1e-9 * total)


def test_modified_tsai_angles_follow_their_distribution():
    # u = theta E/m_e ~ (1/4) Gamma(2, a) + (3/4) Gamma(2, 3a), a = 0.625 (Geant4 PRM); at
    # E = 1 GeV the truncation u <= 2E/m_e is irrelevant. KS test, fixed seed.
    energy = 1.0
    cos = sample_modified_tsai_cos(np.full(N_EVENTS, energy), np.random.default_rng(16))
    u = 2 * energy / M_E * np.sqrt((1 - cos) / 2)

    def cdf(x):
        g = lambda lam: 1 - np.exp(-lam * x) * (1 + lam * x)  # noqa: E731
        return 0.25 * g(0.625) + 0.75 * g(1.875)

    assert stats.kstest(u, cdf).pvalue > P_MIN
    low = sample_modified_tsai_cos(np.full(1000, M_E * 1.01), np.random.default_rng(1))
    assert np.all((low >= -1) & (low <= 1))


def _all_processes():
    return [p for group in standard_processes("Pb", 1e-3, 1e-3).values() for p in group]


@pytest.mark.parametrize("proc", _all_processes(), ids=lambda p: f"{p.incoming.name}-{p.name}")
def test_every_sample_conserves_the_energy_ledger(proc):
    rng = np.random.default_rng(17)
    low = max(proc.threshold, 0.0) if proc.name != "pair_production" else 0.003
    energy = np.exp(rng.uniform(np.log(low * 1.0001 + 1e-4), np.log(500.0), 20_000))
    out = proc.sample(energy, rng)
    ledger_in = ledger_energy(proc.incoming, energy)
    ledger_out = ledger_energy(proc.products[0], out.energy_1) + ledger_energy(
        proc.products[1], out.energy_2
    )
    # exact up to the rounding of one addition: a few ulp of the energy
    assert np.all(np.abs(ledger_out - ledger_in) <= 4 * np.spacing(energy))
    for species, e_out in zip(proc.products, (out.energy_1, out.energy_2), strict=True):
        assert np.all(e_out >= species.mass * (1 - 1e-12))
    for c in (out.cos_theta_1, out.cos_theta_2):
        assert np.all(np.isfinite(c) & (np.abs(c) <= 1))


def test_sampling_is_reproducible_and_shape_preserving():
    proc = Compton("Fe")
    energy = np.geomspace(0.001, 10.0, 12).reshape(3, 4)
    a = proc.sample(energy, np.random.default_rng(3))
    b = proc.sample(energy, np.random.default_rng(3))
    assert a.energy_1.shape == (3, 4) and a.cos_theta_2.shape == (3, 4)
    assert np.array_equal(a.energy_1, b.energy_1)
    scalar = Bremsstrahlung("Fe", 1e-3).sample(1.0, np.random.default_rng(1))
    assert np.ndim(scalar.energy_2) == 0


def test_limiting_kinematics_at_and_below_threshold():
    # a caller's interpolated cross section may pick a process just below its threshold: the
    # sample then takes the limiting kinematics and still conserves the ledger
    rng = np.random.default_rng(5)
    brems = Bremsstrahlung("Pb", 1e-3)
    out = brems.sample([M_E + 0.5e-3, M_E], rng)
    assert out.energy_2.tolist() == pytest.approx([0.5e-3, 0.0]) and out.energy_1 == pytest.approx(
        M_E
    )
    moller = MollerScattering("Pb", 1e-3).sample(M_E + 1.5e-3, rng)
    assert moller.energy_2 - M_E == pytest.approx(0.75e-3)  # eps = 1/2
    bhabha = BhabhaScattering("Pb", 1e-3).sample(M_E + 0.5e-3, rng)
    assert bhabha.energy_2 - M_E == pytest.approx(0.5e-3)  # eps = 1
    # Pb: the screened Born cross section vanishes just above 2 m_e (x = 1/2 is returned)
    pair = PairProduction("Pb")
    assert pair.cross_section(2.2e-3) == 0.0
    out = pair.sample(2.2e-3, rng)
    assert out.energy_1 == pytest.approx(1.1e-3) and out.energy_2 == pytest.approx(1.1e-3)


def test_samplers_reject_impossible_energies():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="2 m_e"):
        PairProduction("W").sample([0.01, 1.5 * M_E], rng)
    with pytest.raises(ValueError, match="energy"):
        TwoPhotonAnnihilation("W").sample(M_E, rng)
    with pytest.raises(ValueError, match="energy"):
        Compton("W").sample([0.0], rng)
    with pytest.raises(ValueError, match="energy"):
        Bremsstrahlung("W", 1e-3).sample([np.nan], rng)
    with pytest.raises(ValueError, match="energy"):
        MollerScattering("W", 1e-3).sample([-1.0], rng)
