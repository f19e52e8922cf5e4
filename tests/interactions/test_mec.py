"""2p2h: NOvA 2018 map reader, high-energy saturation, sampler vs quadrature, kinematics."""

import numpy as np
import pytest

from nuportal.interactions import mec


def test_nova_map_reader():
    m = mec.nova_2018_mec_map()
    assert m.weights.shape == (20, 16)  # 0.05 GeV bins: |q| 0-1 GeV, q0 0-0.8 GeV
    assert m.weights.min() >= 0.0  # negative edge bins clipped (data README)
    # first row of MEC2018_numu_weights_smoothed.csv: q3 [0, 0.05], q0 [0, 0.05] -> 0.767254
    assert m(0.02, 0.01) == pytest.approx(0.767254)
    assert m(1.5, 0.3) == 1.0 and m(0.5, 0.9) == 1.0  # outside the map
    bar = mec.nova_2018_mec_map(antineutrino=True, variant="rpafix")
    assert bar.weights.shape == (20, 16) and not np.array_equal(bar.weights, m.weights)


@pytest.mark.parametrize(
    "text, match",
    [
        ("0,0.05,0,0.05\n", "5 finite"),
        ("0,0.05,0,0.05,abc\n", "non-numeric"),
        ("0.05,0,0,0.05,1\n", "edges"),
        ("0,0.05,0,0.05,1\n0,0.05,0.05,0.1,1\n0.05,0.1,0,0.05,1\n", "grid"),
        ("# only a comment\n", "no data"),
    ],
)
def test_nova_map_reader_rejects_malformed(text, match):
    with pytest.raises(ValueError, match=match):
        mec._read_map(text, "bad.csv")


def test_saturation_at_high_energy():
    # analytic limit: sigma -> MEC_norm x sigma_sat x A (the normalization condition of K)
    for pdg, norm in ((14, 1.0), (-14, 1.7)):
        s = mec.total_cross_section(300.0, pdg, "C12", MEC_norm=norm)
        sat = mec.SIGMA_SAT_PER_NUCLEON[1 if pdg > 0 else -1] * 12 * norm
        assert s == pytest.approx(sat, rel=0.01)  # 1/E corrections and grid: < 1%
    assert mec.total_cross_section(1.0, 14, "H1") == 0.0


@pytest.mark.parametrize("nova", [0.0, 1.0])
def test_sampler_mean_equals_quadrature(nova):
    E = 1.2
    ev, _ = mec.sample_mec(np.full(100_000, E), 14, "Ar40", rng=3, nova_mec_2018=nova)
    w = ev.weight.to_numpy()
    err = w.std() / np.sqrt(w.size)  # MC error of the mean
    quad = mec.total_cross_section(E, 14, "Ar40", nova_mec_2018=nova)
    # 2D trapezoid grid of 5 MeV: < 0.5% quadrature error
    assert w.mean() == pytest.approx(quad, abs=4 * err + 5e-3 * quad)


def test_four_momentum_conservation_and_masses():
    E = 2.0
    ev, pa = mec.sample_mec(np.full(500, E), -14, "C12", rng=8)
    ok = ev.weight.to_numpy() > 0
    mom = pa[["E", "px", "py", "pz"]].to_numpy().reshape(-1, 3, 4)
    tot = mom.sum(axis=1)
    q = np.column_stack([ev.q0, np.zeros(len(ev)), np.zeros(len(ev)), np.zeros(len(ev))])
    # hadrons = pair + q; lepton = k - q  ->  hadrons + lepton - k = pair four-momentum:
    # its energy is 2 (M - E_b) minus the kinetic energy of the pair's Fermi motion, |p| <~ 2 k_F
    pair = tot - np.array([E, 0, 0, E])
    assert np.all(np.abs(pair[ok, 0] - 2 * (mec.M_N - 0.025)) < 0.06)
    assert np.all(np.linalg.norm(pair[ok, 1:], axis=1) <= 2 * 0.221 + 1e-9)
    m_n = np.sqrt(mom[ok, 1:, 0] ** 2 - np.sum(mom[ok, 1:, 1:] ** 2, axis=2))
    np.testing.assert_allclose(m_n, mec.M_NEU, rtol=1e-6)
    assert set(pa.pdg.unique()) == {-13, 2112}
    del q


def test_bad_parameters():
    with pytest.raises(ValueError, match="MEC_norm"):
        mec.total_cross_section(1.0, 14, "C12", MEC_norm=-1)
    with pytest.raises(ValueError, match="nova_mec_2018"):
        mec.sample_mec(np.array([1.0]), 14, "C12", 1, nova_mec_2018=2)
    with pytest.raises(ValueError, match="MEC_q0_mean"):
        mec.total_cross_section(1.0, 14, "C12", MEC_q0_mean=0)
