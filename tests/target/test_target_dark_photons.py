"""Dark photons and chi from a proton target by channel, and their flux through a detector box.

Second routes: channel sums against meson yields x branching ratios (exact) and against the
quadratures (brem, three-body: within the Monte Carlo error); invariant masses and four-momentum
conservation of every row; the accepted fraction of a cone of directions against the analytic
solid angle of a rectangle; path lengths by geometry.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate

from nuportal import constants
from nuportal.models.dark_photon import br_meson_to_gamma_dark_photon
from nuportal.models.light_dark_matter import (
    DarkSector,
    br_dark_photon_to_chi,
    br_meson_to_gamma_chi_chi,
    dbr_meson_to_gamma_chi_chi_ds,
)
from nuportal.sources.target import get_beam, meson_yields
from nuportal.sources.target.dark_photons import (
    _sample_cos,
    chi_pairs,
    open_channels,
    target_dark_photons,
)
from nuportal.sources.target.detector_flux import (
    acceptance_table,
    detector_flux,
    nd_lar_box,
)
from nuportal.sources.target.proton_bremsstrahlung import proton_brem_yield

N = 20_000


def _mass(df, prefix=""):
    e, px, py, pz = (df[f"{prefix}{c}"].to_numpy() for c in ("E", "px", "py", "pz"))
    return np.sqrt(np.clip(e**2 - px**2 - py**2 - pz**2, 0, None))


def _sum_error(w):
    return w.std() * math.sqrt(len(w))


@pytest.fixture(scope="module")
def a90():
    return target_dark_photons(
        "lbnf", 0.09, 1e-3, channels=("pi0", "eta", "proton_brem"), n_events=N, seed=7
    )


def test_meson_channels_equal_yield_times_branching_ratio(a90):
    yields = meson_yields(get_beam("lbnf"))
    got = a90.groupby("channel")["weight"].sum()
    for meson in ("pi0", "eta"):
        expected = yields[meson] * br_meson_to_gamma_dark_photon(meson, 0.09, 1e-3)
        assert got[meson] == pytest.approx(expected, rel=1e-9)
    assert a90.attrs["metadata"]["yields_per_pot"]["pi0"] == pytest.approx(got["pi0"])


def test_brem_channel_equals_interaction_probability_times_quadrature(a90):
    beam = get_beam("lbnf")
    w = a90.loc[a90.channel == "proton_brem", "weight"].to_numpy()
    expected = beam.interaction_probability * proton_brem_yield(120.0, 0.09, 1e-3)
    assert abs(w.sum() - expected) < 4 * _sum_error(w)  # 4 standard errors
    z = a90.loc[a90.channel == "proton_brem", "z"]
    assert z.min() >= 0.0 and z.max() <= beam.length


def test_rows_are_on_shell_and_inside_the_target(a90):
    np.testing.assert_allclose(_mass(a90), 0.09, rtol=1e-5)
    beam = get_beam("lbnf")
    assert a90["z"].between(0.0, beam.length).all()
    assert (a90["weight"] > 0).all()
    assert set(a90.columns) >= {"E", "px", "py", "pz", "x", "y", "z", "channel", "weight"}


def test_same_seed_same_output():
    a = target_dark_photons("lbnf", 0.03, 1e-4, channels=("pi0",), n_events=500, seed=3)
    b = target_dark_photons("lbnf", 0.03, 1e-4, channels=("pi0",), n_events=500, seed=3)
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("spin", ["scalar", "dirac"])
def test_three_body_channel(spin):
    sector = DarkSector(0.03, 0.5, spin)
    df = target_dark_photons(
        "lbnf", 0.09, 1e-3, channels=("pi0_3body",), n_events=N, seed=11, chi=sector
    )
    w = df["weight"].to_numpy()
    expected = meson_yields(get_beam("lbnf"))["pi0"] * br_meson_to_gamma_chi_chi(
        "pi0", 0.09, 1e-3, sector
    )
    assert abs(w.sum() - expected) < 4 * _sum_error(w)
    assert _sum_error(w) / w.sum() < 0.02
    # chi on shell, chi1 + chi2 = the A'* row, A'* mass inside (2 m_chi, m_pi0)
    np.testing.assert_allclose(_mass(df, "chi1_"), 0.03, rtol=1e-5)
    np.testing.assert_allclose(_mass(df, "chi2_"), 0.03, rtol=1e-5)
    for c in ("E", "px", "py", "pz"):
        np.testing.assert_allclose(df[f"chi1_{c}"] + df[f"chi2_{c}"], df[c], rtol=1e-9, atol=1e-9)
    m = _mass(df)
    assert m.min() > 0.06 - 1e-9 and m.max() < constants.M_PI0
    # the weight within 10 MeV of the A' mass equals the quadrature of dBr/ds there
    near = np.abs(m - 0.09) < 0.01
    window = integrate.quad(
        lambda s: dbr_meson_to_gamma_chi_chi_ds("pi0", s, 0.09, 1e-3, sector),
        0.08**2,
        0.1**2,
        points=[0.09**2],
        limit=200,
    )[0] / br_meson_to_gamma_chi_chi("pi0", 0.09, 1e-3, sector)
    frac = w[near].sum() / w.sum()
    err = math.sqrt(np.sum(w**2 * (near - frac) ** 2)) / w.sum()  # error of a weighted ratio
    assert abs(frac - window) < 4 * err
    assert window > (0.9 if spin == "scalar" else 0.6)  # Gamma/M = 1.7 % (scalar), 15 % (Dirac)


def test_three_body_off_shell_above_the_meson_mass():
    sector = DarkSector(0.01, 0.5)
    df = target_dark_photons(
        "lbnf", 0.3, 1e-3, channels=("pi0_3body",), n_events=2000, seed=1, chi=sector
    )
    assert (df["weight"] > 0).all()
    assert _mass(df).max() < constants.M_PI0


@pytest.mark.parametrize("spin", ["scalar", "dirac"])
def test_angular_sampler_moments(spin):
    # <cos^2> of sin^2: 1/5; of 1 + c^2 + a (1 - c^2): (2/3 + 2/5 + a 4/15) / (2 + 2/3 + a 4/3)
    rng = np.random.default_rng(2)
    s = np.full(200_000, 0.09**2)
    c = _sample_cos(len(s), s, DarkSector(0.03, 0.5, spin), rng)
    a = 4 * 0.03**2 / 0.09**2
    expected = 0.2 if spin == "scalar" else (2 / 3 + 2 / 5 + a * 4 / 15) / (2 + 2 / 3 + a * 4 / 3)
    # standard error of the mean of c^2 (sd < 0.35) with 2e5 draws: < 8e-4; allow 4 sigma
    assert np.mean(c**2) == pytest.approx(expected, abs=3.2e-3)
    assert abs(np.mean(c)) < 3.2e-3


def test_chi_pairs_conserve_four_momentum_and_carry_the_branching_ratio(a90):
    sector = DarkSector(0.03, 0.5, "dirac")
    chi = chi_pairs(a90, sector, seed=4)
    assert len(chi) == 2 * len(a90)
    np.testing.assert_allclose(_mass(chi), 0.03, rtol=1e-5)
    summed = chi.groupby("parent")[["E", "px", "py", "pz"]].sum()
    ref = a90[["E", "px", "py", "pz"]].loc[summed.index]
    np.testing.assert_allclose(summed.to_numpy(), ref.to_numpy(), rtol=1e-9, atol=1e-9)
    br = br_dark_photon_to_chi(0.09, 1e-3, sector)
    assert chi["weight"].sum() == pytest.approx(2 * br * a90["weight"].sum(), rel=1e-12)
    with pytest.raises(ValueError, match="closed"):
        chi_pairs(a90, DarkSector(0.05), seed=1)


@settings(max_examples=20, deadline=None)
@given(st.floats(0.005, 0.13), st.integers(0, 2**31))
def test_property_meson_channel_kinematics(mass, seed):
    df = target_dark_photons("lbnf", mass, 1e-4, channels=("pi0",), n_events=50, seed=seed)
    np.testing.assert_allclose(_mass(df), mass, rtol=1e-4, atol=1e-6)
    assert (df["E"] > 0).all()


def test_closed_channels_and_bad_input():
    assert "pi0" not in open_channels("lbnf", 0.3)
    assert "eta" in open_channels("lbnf", 0.3)
    assert "pi0_3body" in open_channels("lbnf", 0.3, chi=DarkSector(0.01))
    assert "proton_brem" not in open_channels("bnb", 0.09)
    with pytest.raises(ValueError, match="closed"):
        target_dark_photons("lbnf", 0.2, 1e-3, channels=("pi0",), n_events=10)
    with pytest.raises(ValueError, match="validity"):
        target_dark_photons("bnb", 0.09, 1e-3, channels=("proton_brem",), n_events=10)
    with pytest.raises(ValueError, match="dark sector"):
        target_dark_photons("lbnf", 0.09, 1e-3, channels=("pi0_3body",), n_events=10)
    for bad in (-1e-3, 0.0, 2.0, float("nan")):
        with pytest.raises(ValueError, match="epsilon"):
            target_dark_photons("lbnf", 0.09, bad, n_events=10)
    with pytest.raises(ValueError, match="mass"):
        target_dark_photons("lbnf", -0.09, 1e-3, n_events=10)
    with pytest.raises(ValueError, match="channel must be"):
        target_dark_photons("lbnf", 0.09, 1e-3, channels=("kaon",), n_events=10)
    with pytest.raises(ValueError, match="beam"):
        target_dark_photons("nobeam", 0.09, 1e-3, n_events=10)


# ---------------------------------------------------------------- detector flux
def _cone(n, half_angle, origin=(0.0, 0.0, 0.0), seed=0):
    rng = np.random.default_rng(seed)
    cos_t = rng.uniform(math.cos(half_angle), 1.0, n)
    phi = rng.uniform(0, 2 * math.pi, n)
    sin_t = np.sqrt(1 - cos_t**2)
    p = np.column_stack([sin_t * np.cos(phi), sin_t * np.sin(phi), cos_t]) * 10.0
    return pd.DataFrame(
        {
            "E": np.full(n, 10.0),
            "px": p[:, 0],
            "py": p[:, 1],
            "pz": p[:, 2],
            "x": origin[0],
            "y": origin[1],
            "z": origin[2],
            "weight": np.full(n, 1.0 / n),
        }
    )


def test_fraction_equals_solid_angle_of_the_face():
    # rectangle a x b centred at distance d: Omega = 4 arcsin(a b / sqrt((a^2+4d^2)(b^2+4d^2)))
    half = 0.01
    cone = _cone(400_000, half)
    flux = detector_flux(cone, nd_lar_box(0.0))
    a, b, d = 7.0, 3.0, 574.0
    omega = 4 * math.asin(a * b / math.sqrt((a * a + 4 * d * d) * (b * b + 4 * d * d)))
    expected = omega / (2 * math.pi * (1 - math.cos(half)))
    assert abs(flux.fraction - expected) < 4 * flux.fraction_error
    assert flux.fraction_error / flux.fraction < 0.02
    # on-axis lines that enter the upstream face cross the full 5 m length
    inner = (np.abs(cone.px / cone.pz) * 579 < 3.5) & (np.abs(cone.py / cone.pz) * 579 < 1.5)
    np.testing.assert_allclose(flux.path_length[inner.to_numpy()], 5.0, rtol=1e-3)
    assert flux.spectrum.sum() == pytest.approx(flux.accepted_per_pot)
    assert flux.mean_energy == pytest.approx(10.0)


def test_off_axis_box_and_geometry():
    # a line aimed at the centre of the box moved 20 m sideways crosses it; the axis does not
    box = nd_lar_box(20.0)
    target = np.array([20.0, 0.0, 576.5])
    p = target / np.linalg.norm(target) * 5.0
    df = pd.DataFrame(
        {"E": [5.1, 5.1], "px": [p[0], 0.0], "py": [p[1], 0.0], "pz": [p[2], 5.0],
         "x": [0.0, 0.0], "y": [0.0, 0.0], "z": [0.0, 0.0], "weight": [1.0, 1.0]}
    )  # fmt: skip
    flux = detector_flux(df, box)
    assert flux.hit.tolist() == [True, False]
    assert flux.fraction == pytest.approx(0.5)
    # the chord through the box along that direction: 5 m / cos(angle)
    assert flux.path_length[0] == pytest.approx(5.0 / (p[2] / 5.0), rel=1e-9)
    with pytest.raises(ValueError, match="off_axis"):
        nd_lar_box(float("inf"))
    with pytest.raises(ValueError, match="detector"):
        detector_flux(df, "nd-lar")


def test_acceptance_falls_off_axis(a90):
    table = acceptance_table(a90, (0.0, 20.0))
    pi0 = table[table.group == "pi0"].set_index("off_axis_m")["fraction"]
    brem = table[table.group == "proton_brem"].set_index("off_axis_m")["fraction"]
    assert pi0[0.0] > pi0[20.0] > 0
    assert brem[0.0] > pi0[0.0]  # brem A' are far more forward (as the independent toy estimate
    # found)


# ---------------------------------------------------------------- CLI
def _cli(*args):
    from typer.testing import CliRunner

    from nuportal.cli import app

    return CliRunner().invoke(app, ["target", "dark-photons", *[str(a) for a in args]])


def test_cli_writes_the_api_result_and_plots(tmp_path):
    out, plot = tmp_path / "a.parquet", tmp_path / "a.png"
    result = _cli("--beam", "lbnf", "--mass", "0.09", "--epsilon", "1e-4", "--channel", "pi0",
                  "--channel", "proton_brem", "--n-events", "2000", "--seed", "3",
                  "--off-axis", "10", "--masses", "0.03,0.09",
                  "--out", out, "--plot", plot)  # fmt: skip
    assert result.exit_code == 0, result.output
    from nuportal import io

    table = io.read_events(out, required=())
    api = target_dark_photons(
        "lbnf", 0.09, 1e-4, channels=("pi0", "proton_brem"), n_events=2000, seed=3
    )
    np.testing.assert_allclose(table["weight"].to_numpy(), api["weight"].to_numpy())
    assert plot.exists() and (tmp_path / "a_yields.png").exists()
    assert "ND-LAr at 10 m off axis" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--mass", "0.2", "--channel", "pi0"), "closed"),
        (("--epsilon", "-1e-3"), "--epsilon"),
        (("--epsilon", "nan"), "--epsilon"),
        (("--epsilon", "2"), "--epsilon"),
        (("--mass", "0"), "--mass"),
        (("--off-axis", "-5"), "--off-axis"),
        (("--masses", "0.1,x"), "--masses"),
        (("--channel", "pi0_3body"), "dark sector"),
    ],
)
def test_cli_bad_input_is_one_line_exit_2(args, message):
    result = _cli("--beam", "lbnf", *args)
    assert result.exit_code == 2
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and message in lines[0], result.output


def test_yield_table_matches_the_event_lists():
    from nuportal.sources.target.dark_photons import dark_photon_yields

    table = dark_photon_yields("lbnf", [0.03, 0.2], channels=("pi0", "eta", "proton_brem"))
    got = {(r.mass_GeV, r.channel): r.per_pot_per_eps2 for r in table.itertuples()}
    assert (0.2, "pi0") not in got  # closed channels are left out
    events = target_dark_photons(
        "lbnf", 0.03, 1e-3, channels=("pi0", "proton_brem"), n_events=N, seed=5
    )
    sums = events.groupby("channel")["weight"].sum() / 1e-6
    assert got[(0.03, "pi0")] == pytest.approx(sums["pi0"], rel=1e-9)
    w = events.loc[events.channel == "proton_brem", "weight"].to_numpy() / 1e-6
    assert abs(got[(0.03, "proton_brem")] - w.sum()) < 4 * _sum_error(w)


def test_cascade_hook_adds_the_cascade_processes():
    df = target_dark_photons(
        "lbnf", 0.03, 1e-4, channels=("pi0", "cascade"), n_events=2000, seed=1,
        cascade_options={"n_showers": 20},
    )  # fmt: skip
    names = set(df["channel"])
    assert "pi0" in names
    cascade = {c for c in names if c.startswith("cascade")}
    assert cascade and cascade <= {
        "cascade_brem", "cascade_compton", "cascade_annihilation", "cascade_resonant"
    }  # fmt: skip
    rows = df[df.channel.isin(cascade)]
    assert (rows["weight"] > 0).all()
    np.testing.assert_allclose(_mass(rows), 0.03, rtol=1e-4)
    assert rows["z"].between(0.0, get_beam("lbnf").length + 1e-9).all()
    assert "cascade" in open_channels("lbnf", 0.03)


def test_cli_reports_the_chi_flux_with_a_dark_sector():
    result = _cli("--beam", "lbnf", "--mass", "0.05", "--m-chi", "0.03", "--channel",
                  "pi0_3body", "--channel", "proton_brem", "--n-events", "500")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "chi/POT" in result.output
    assert "proton_brem: no chi" in result.output
