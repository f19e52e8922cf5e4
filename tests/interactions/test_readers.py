"""Readers (NuHepMC via pyhepmc, GENIE gst via uproot) and the NuHepMC writer: round trips on
small files written here following the published conventions (arXiv:2310.13211; GENIE's gst
branch list), and one clear error per malformed file."""

from __future__ import annotations

import re

import awkward as ak
import numpy as np
import pandas as pd
import pyhepmc
import pytest
import uproot

from nuportal.constants import M_MUON, M_PI0, M_PI_CHARGED, mass
from nuportal.interactions.events import MODES, InteractionEvents
from nuportal.interactions.nu_electron import sample_nu_electron
from nuportal.interactions.nuhepmc import process_id, write_nuhepmc
from nuportal.interactions.readers import (
    cross_section_weights,
    read_events_file,
    read_gst,
    read_nuhepmc,
)

M_P, M_N = mass("p"), mass("n")


def _p4(p3, m):
    p3 = np.asarray(p3, dtype=float)
    return np.array([np.sqrt(p3 @ p3 + m * m), *p3])


def _handmade_record() -> InteractionEvents:
    """CC and NC events of several modes, antineutrinos, neutrons, a NaN Bjorken x, extras."""
    rows = [  # nu_pdg, mode, cc, target, lepton (pdg, p3, m), hadrons [(pdg, p3, m)]
        (14, "ccqe", True, "Ar40", (13, [0.1, 0.2, 1.1], M_MUON), [(2212, [-0.1, 0.0, 0.4], M_P)]),
        (-14, "ccqe", True, "C12", (-13, [0.0, -0.3, 2.0], M_MUON), [(2112, [0.0, 0.3, 0.5], M_N)]),
        (
            14,
            "res",
            True,
            "Ar40",
            (13, [0.3, 0.0, 1.5], M_MUON),
            [(2212, [0.0, 0.1, 0.6], M_P), (211, [-0.2, 0.0, 0.3], M_PI_CHARGED)],
        ),
        (
            12,
            "dis",
            True,
            "O16",
            (11, [0.0, 0.5, 3.0], 0.000511),
            [
                (2212, [0.1, 0.0, 0.4], M_P),
                (111, [0.0, -0.2, 1.0], M_PI0),
                (-211, [0.1, 0, 0.2], M_PI_CHARGED),
            ],
        ),
        (
            14,
            "nc_elastic",
            False,
            "H1",
            (14, [0.2, 0.0, 0.9], 0.0),
            [(2212, [-0.2, 0.0, 0.3], M_P)],
        ),
        (
            14,
            "2p2h",
            True,
            "C12",
            (13, [0.0, 0.1, 1.0], M_MUON),
            [(2212, [0.2, 0, 0.3], M_P), (2112, [0, 0.1, 0.2], M_N)],
        ),
    ]
    ev, parts = [], []
    for i, (nu, mode, cc, tgt, (lpdg, lp3, lm), hadrons) in enumerate(rows):
        l4 = _p4(lp3, lm)
        ev.append(
            {
                "nu_pdg": nu,
                "E_nu": 2.0 + 0.5 * i,
                "target": tgt,
                "hit_nucleon_pdg": 2112 if nu > 0 else 2212,
                "mode": mode,
                "cc": cc,
                "weight": 1.234e-39 * (i + 1),
                "q0": 0.3 + i,
                "q3": 0.5 + i,
                "Q2": 0.2 * i,
                "W": 1.1,
                "x": np.nan if i == 2 else 0.5,
                "y": 0.25,
                "lep_pdg": lpdg,
                "lep_E": l4[0],
                "lep_px": l4[1],
                "lep_py": l4[2],
                "lep_pz": l4[3],
                "pF": 0.1 * i,
                "E_b": 0.025,
                "vtx_x": 0.5,
                "vtx_y": -1.25,
                "vtx_z": 3.0 + i,
            }
        )
        parts.append((i, lpdg, *l4))
        parts += [(i, pdg, *_p4(p3, m)) for pdg, p3, m in hadrons]
    particles = pd.DataFrame(parts, columns=["event", "pdg", "E", "px", "py", "pz"])
    particles["status"] = 1
    meta = {"weight_convention": "events_per_pot_per_target", "flux": "dune_nd_fhc", "seed": 3}
    return InteractionEvents(pd.DataFrame(ev), particles, meta)


def test_nuhepmc_round_trip_of_a_handmade_record(tmp_path):
    rec = _handmade_record()
    path = write_nuhepmc(rec, tmp_path / "events.hepmc3")
    back = read_nuhepmc(path)
    pd.testing.assert_frame_equal(back.particles, rec.particles, rtol=1e-15)
    cols = list(rec.events.columns)
    pd.testing.assert_frame_equal(back.events[cols], rec.events, rtol=1e-15)
    assert back.metadata["weight_convention"] == "events_per_pot_per_target"
    assert back.metadata["flux"] == "dune_nd_fhc"
    assert back.metadata["nuhepmc_version"] == "1.0.0"


def test_nuhepmc_round_trip_of_sampled_nu_e_events_and_read_events_file(tmp_path):
    ev, pa = sample_nu_electron(np.geomspace(0.3, 20, 300), -12, "e-", np.random.default_rng(5))
    rec = InteractionEvents(ev, pa, {"weight_convention": "cross_section_cm2"})
    path = write_nuhepmc(rec, tmp_path / "nue.hepmc3")
    back = read_events_file(path)
    pd.testing.assert_frame_equal(back.particles, rec.particles, rtol=1e-15)
    pd.testing.assert_frame_equal(back.events[list(rec.events.columns)], rec.events, rtol=1e-15)


def test_written_file_follows_nuhepmc_as_pyhepmc_reads_it(tmp_path):
    """Independent reading with pyhepmc: run info, process IDs, statuses, units, weights."""
    rec = _handmade_record()
    path = write_nuhepmc(rec, tmp_path / "events.hepmc3")
    with pyhepmc.open(path) as f:
        events = list(f)
    assert len(events) == len(rec)
    ri = events[0].run_info
    attrs = ri.attributes
    assert attrs["NuHepMC.Version.Major"].astype(int) == 1
    assert ri.weight_names == ["CV"]
    assert ri.tools[0].name == "nuportal"
    ids = sorted(int(v) for v in attrs["NuHepMC.ProcessIDs"].astype(str).split())
    assert ids == [200, 250, 300, 400, 600]
    for pid in ids:
        assert attrs[f"NuHepMC.ProcessInfo[{pid}].Name"].astype(str) in MODES
        assert attrs[f"NuHepMC.ProcessInfo[{pid}].Description"].astype(str)
    expected_ids = process_id(rec.events["mode"], rec.events["cc"])
    for i, e in enumerate(events):
        assert e.event_number == i + 1
        assert e.momentum_unit == pyhepmc.Units.GEV and e.length_unit == pyhepmc.Units.MM
        assert int(e.attributes["signal_process_id"].astype(str)) == expected_ids[i]
        assert e.weights[0] == pytest.approx(rec.events["weight"][i], rel=1e-15)
        status = np.asarray(e.numpy.particles.status)
        assert status[0] == 4 and status[1] == 11 and np.all(status[2:] == 1)
        assert [v.status for v in e.vertices] == [1]
        pos = [float(v) for v in e.attributes["lab_pos"].astype(str).split()]
        np.testing.assert_allclose(pos, rec.events.loc[i, ["vtx_x", "vtx_y", "vtx_z"]] * 1e3)


def _nuwro_like_file(path, *, version=(0, 9, 6), proc_attr="ProcID", pos_attr="LabPos"):
    """Events as NuWro writes them through nuwro2hepmc3 (arXiv:2310.13211 conventions):
    MEV and CM, target status 20 and struck nucleon 21 declared in the run info, a second
    weight besides CV, a nuclear-remnant pseudo-particle in the final state."""
    ri = pyhepmc.GenRunInfo()
    ri.tools = [pyhepmc.GenRunInfo.ToolInfo("NuWro", "21.09", "test")]
    ri.weight_names = ["other", "CV"]
    a = ri.attributes
    a["NuHepMC.Version.Major"], a["NuHepMC.Version.Minor"], a["NuHepMC.Version.Patch"] = version
    a["NuHepMC.ProcessIDs"] = [200, 400, 650, 750]
    for pid, name in ((200, "CC qel"), (400, "CC res"), (650, "NC dis"), (750, "NC lep")):
        a[f"NuHepMC.ProcessInfo[{pid}].Name"] = name
        a[f"NuHepMC.ProcessInfo[{pid}].Description"] = name
    a["NuHepMC.ParticleStatusIDs"] = [1, 4, 20, 21]
    a["NuHepMC.ParticleStatusInfo[20].Name"] = "TargetParticle"
    a["NuHepMC.ParticleStatusInfo[21].Name"] = "StruckNucleon"
    a["NuHepMC.FluxAveragedTotalCrossSection"] = 0.5  # pb
    a["NuHepMC.Units.CrossSection.Unit"] = "pb"
    a["NuHepMC.Units.CrossSection.TargetScale"] = "PerNucleon"
    a["NuHepMC.Exposure.NEvents"] = 4
    specs = [  # (proc, nu, E_nu MeV, struck, final [(pdg, p3 MeV, m MeV)])
        (200, 14, 1000.0, 2112, [(13, [100, 50, 700], 105.658), (2212, [-100, -50, 250], 938.272)]),
        (400, 14, 2000.0, 2212, [(211, [30, 0, 200], 139.57), (13, [-30, 10, 1500], 105.658)]),
        (650, -14, 3000.0, 2112, [(-14, [200, 0, 2000], 0.0), (2112, [-200, 0, 700], 939.565)]),
        (750, 14, 1500.0, 0, [(14, [10, 0, 1000], 0.0), (11, [-10, 0, 400], 0.511)]),
    ]
    with pyhepmc.open(path, "w") as f:
        for i, (pid, nu, E, struck, final) in enumerate(specs):
            ev = pyhepmc.GenEvent(pyhepmc.Units.MEV, pyhepmc.Units.CM)
            ev.run_info = ri
            ev.event_number = i
            ev.weights = [7.0, 1.5 + i]
            ev.attributes[proc_attr] = pid
            ev.attributes[pos_attr] = [10.0 * i, 20.0, 30.0, 0.0]
            v = pyhepmc.GenVertex((0, 0, 0, 0))
            v.status = 1
            v.add_particle_in(pyhepmc.GenParticle((0, 0, E, E), nu, 4))
            v.add_particle_in(pyhepmc.GenParticle((0, 0, 0, 11175.0), 1000060120, 20))
            if struck:
                v.add_particle_in(pyhepmc.GenParticle((0, 0, 0, 939.0), struck, 21))
            for pdg, p3, m in final:
                e = float(np.sqrt(np.dot(p3, p3) + m * m))
                v.add_particle_out(pyhepmc.GenParticle((*p3, e), pdg, 1))
            v.add_particle_out(pyhepmc.GenParticle((0, 0, 0, 0), 2009900000, 1))  # remnant
            ev.add_vertex(v)
            f.write(ev)
    return specs


@pytest.mark.parametrize(
    "version,proc_attr,pos_attr",
    [((0, 9, 6), "ProcID", "LabPos"), ((1, 0, 0), "signal_process_id", "lab_pos")],
)
def test_reading_a_nuwro_style_file(tmp_path, version, proc_attr, pos_attr):
    path = tmp_path / "nuwro.hepmc3"
    specs = _nuwro_like_file(path, version=version, proc_attr=proc_attr, pos_attr=pos_attr)
    rec = read_nuhepmc(path)
    ev = rec.events
    assert ev["mode"].tolist() == ["ccqe", "res", "dis", "nu_e_elastic"]
    assert ev["cc"].tolist() == [True, True, False, False]
    np.testing.assert_allclose(ev["E_nu"], [1.0, 2.0, 3.0, 1.5])  # MeV -> GeV
    np.testing.assert_allclose(ev["weight"], [1.5, 2.5, 3.5, 4.5])  # the CV weight
    assert ev["target"].tolist() == ["C12"] * 4
    assert ev["hit_nucleon_pdg"].tolist() == [2112, 2212, 2112, 0]
    assert ev["lep_pdg"].tolist() == [13, 13, -14, 14]
    np.testing.assert_allclose(ev[["vtx_x", "vtx_y", "vtx_z"]].iloc[1], [0.1, 0.2, 0.3])  # cm->m
    np.testing.assert_allclose(ev["lep_px"], [0.1, -0.03, 0.2, 0.01])
    # the lepton comes first in each event; the remnant pseudo-particle is kept (invisible)
    first = rec.particles.groupby("event").head(1)
    assert first["pdg"].tolist() == [13, 13, -14, 14]
    assert len(rec.particles) == sum(len(s[4]) + 1 for s in specs)
    # true kinematics from the four-momenta, nucleon at rest (GENIE's gst convention)
    q0 = ev["E_nu"] - ev["lep_E"]
    np.testing.assert_allclose(ev["q0"], q0)
    M = 0.5 * (M_P + M_N)
    np.testing.assert_allclose(ev["W"] ** 2, M**2 + 2 * M * q0 - ev["Q2"], rtol=1e-12)
    meta = rec.metadata
    assert meta["generator"] == "NuWro 21.09"
    assert meta["flux_averaged_total_cross_section_cm2"] == pytest.approx(0.5e-36)
    assert meta["cross_section_target_scale"] == "PerNucleon"
    assert meta["weight_convention"] == "generator"
    xs = cross_section_weights(rec)
    assert xs.sum() == pytest.approx(0.5e-36)
    np.testing.assert_allclose(xs / xs.sum(), ev["weight"] / ev["weight"].sum())
    # rewritten by nuportal, the file keeps its cross-section normalization
    again = read_nuhepmc(write_nuhepmc(rec, tmp_path / "again.hepmc3"))
    np.testing.assert_allclose(cross_section_weights(again), xs, rtol=1e-14)
    assert again.metadata["cross_section_target_scale"] == "PerNucleon"


def test_unknown_process_ids_need_a_mode_map(tmp_path):
    rec = _handmade_record()
    path = write_nuhepmc(rec, tmp_path / "a.hepmc3")
    text = path.read_text()
    text = text.replace("signal_process_id 200", "signal_process_id 901")
    text = text.replace("A NuHepMC.ProcessInfo[200].Name ccqe", "A NuHepMC.ProcessInfo[901].Name x")
    bad = tmp_path / "b.hepmc3"
    bad.write_text(text)
    if "other" not in MODES:
        with pytest.raises(ValueError, match=r"b\.hepmc3.*process ID 901.*mode_map"):
            read_nuhepmc(bad)
    back = read_nuhepmc(bad, mode_map={901: "ccqe"})
    assert back.events["mode"].tolist() == rec.events["mode"].tolist()


@pytest.mark.parametrize(
    "edit,message",
    [
        (lambda t: "hello\nworld\n", "not a HepMC3"),
        (lambda t: t.replace("Asciiv3-START", "IO_GenEvent-START"), "not a HepMC3"),  # HepMC2
        (lambda t: t[: len(t) // 2], "truncated"),
        (lambda t: t.replace(" 4\nP 2 0", " 1\nP 2 0", 1), "no incoming neutrino"),
        (lambda t: t.replace("A 0 signal_process_id", "A 0 something_else", 1), "process ID"),
        (
            lambda t: re.sub(
                r"^E 2 1 (\d+)$", lambda m: f"E 2 1 {int(m[1]) + 5}", t, count=1, flags=re.M
            ),
            "malformed event record after event 0",
        ),
    ],
)
def test_malformed_nuhepmc_files_give_one_clear_error(tmp_path, edit, message):
    rec = _handmade_record()
    text = write_nuhepmc(rec, tmp_path / "good.hepmc3").read_text()
    bad = tmp_path / "bad.hepmc3"
    bad.write_text(edit(text))
    with pytest.raises(ValueError, match=message) as info:
        read_nuhepmc(bad)
    assert "bad.hepmc3" in str(info.value)
    with pytest.raises(ValueError, match="no such file"):
        read_nuhepmc(tmp_path / "missing.hepmc3")


# ----------------------------------------------------------------------------- GENIE gst
def _gst_arrays():
    """Three GENIE-like entries: nu_mu CCQE on Ar40, numubar CC RES with pi0, nu_mu NC DIS."""
    lep = np.array(
        [[1.2, 0.1, 0.2, 1.19], [2.5, -0.3, 0.0, 2.47], [1.0, 0.2, 0.1, 0.97]], dtype=float
    )
    lep[:, 0] = np.sqrt(np.sum(lep[:, 1:] ** 2, axis=1) + np.array([M_MUON, M_MUON, 0.0]) ** 2)
    hadrons = [
        [(2212, [-0.1, -0.2, 0.5], M_P)],
        [(2112, [0.2, 0.1, 0.4], M_N), (111, [0.1, -0.1, 0.5], M_PI0)],
        [
            (2212, [0.0, 0.1, 0.6], M_P),
            (211, [-0.2, 0.0, 0.8], M_PI_CHARGED),
            (2112, [0, 0, 0.3], M_N),
        ],
    ]
    had4 = [[_p4(p3, m) for _, p3, m in h] for h in hadrons]
    branches = {
        "iev": np.arange(3, dtype=np.int32),
        "neu": np.array([14, -14, 14], dtype=np.int32),
        "fspl": np.array([13, -13, 14], dtype=np.int32),
        "tgt": np.array([1000180400] * 3, dtype=np.int32),
        "hitnuc": np.array([2112, 2212, 2112], dtype=np.int32),
        "qel": np.array([True, False, False]),
        "mec": np.zeros(3, dtype=bool),
        "res": np.array([False, True, False]),
        "dis": np.array([False, False, True]),
        "coh": np.zeros(3, dtype=bool),
        "nuel": np.zeros(3, dtype=bool),
        "cc": np.array([True, True, False]),
        "nc": np.array([False, False, True]),
        "wght": np.array([1.0, 0.8, 1.2]),
        "Q2": np.array([0.3, 0.5, 0.7]),
        "W": np.array([0.94, 1.23, 1.9]),
        "x": np.array([0.8, 0.4, 0.2]),
        "y": np.array([0.2, 0.3, 0.6]),
        "Ev": np.array([1.7, 3.6, 2.9]),
        "pxv": np.zeros(3),
        "pyv": np.zeros(3),
        "pzv": np.array([1.7, 3.6, 2.9]),
        "El": lep[:, 0],
        "pxl": lep[:, 1],
        "pyl": lep[:, 2],
        "pzl": lep[:, 3],
        "vtxx": np.array([0.1, 0.2, 0.3]),
        "vtxy": np.zeros(3),
        "vtxz": np.array([1.0, 2.0, 3.0]),
        "pdgf": ak.Array([[p for p, _, _ in h] for h in hadrons]),
        "Ef": ak.Array([[p[0] for p in h] for h in had4]),
        "pxf": ak.Array([[p[1] for p in h] for h in had4]),
        "pyf": ak.Array([[p[2] for p in h] for h in had4]),
        "pzf": ak.Array([[p[3] for p in h] for h in had4]),
    }
    return branches, lep, had4, hadrons


def _write_gst(path, branches, counter=lambda counted: "nf"):
    types = {
        k: (f"var * {ak.type(v).content.content}" if isinstance(v, ak.Array) else v.dtype)
        for k, v in branches.items()
    }
    with uproot.recreate(path) as f:
        f.mktree("gst", types, counter_name=counter)
        f["gst"].extend(branches)


def test_gst_round_trip(tmp_path):
    branches, lep, had4, hadrons = _gst_arrays()
    path = tmp_path / "genie.gst.root"
    _write_gst(path, branches)
    rec = read_gst(path)
    ev = rec.events
    assert ev["mode"].tolist() == ["ccqe", "res", "dis"]
    assert ev["cc"].tolist() == [True, True, False]
    assert ev["target"].tolist() == ["Ar40"] * 3
    assert ev["hit_nucleon_pdg"].tolist() == [2112, 2212, 2112]
    np.testing.assert_array_equal(ev["weight"], branches["wght"])
    np.testing.assert_array_equal(ev[["lep_E", "lep_px", "lep_py", "lep_pz"]].to_numpy(), lep)
    np.testing.assert_array_equal(
        ev[["Q2", "W", "x", "y"]].to_numpy().T, [branches[k] for k in ("Q2", "W", "x", "y")]
    )
    np.testing.assert_allclose(ev["q0"], branches["Ev"] - lep[:, 0])
    expected = []
    for i in range(3):
        expected.append((i, int(branches["fspl"][i]), *lep[i]))
        expected += [(i, pdg, *p4) for (pdg, _, _), p4 in zip(hadrons[i], had4[i], strict=True)]
    table = pd.DataFrame(expected, columns=["event", "pdg", "E", "px", "py", "pz"])
    table["status"] = 1
    pd.testing.assert_frame_equal(rec.particles, table, check_dtype=False)
    assert rec.metadata["weight_convention"] == "generator"
    assert read_events_file(path).events["mode"].tolist() == ["ccqe", "res", "dis"]


def test_gst_missing_branch_and_inconsistent_arrays(tmp_path):
    branches, *_ = _gst_arrays()
    missing = {k: v for k, v in branches.items() if k != "pzl"}
    _write_gst(tmp_path / "a.root", missing)
    with pytest.raises(ValueError, match=r"a\.root: gst tree lacks branch\(es\) \['pzl'\]"):
        read_gst(tmp_path / "a.root")
    # separate counters per array and a wrong nf
    bad = dict(branches)
    bad["nf"] = np.array([1, 1, 1], dtype=np.int32)
    _write_gst(tmp_path / "b.root", bad, counter=lambda counted: "n" + counted)
    with pytest.raises(ValueError, match=r"b\.root: branch 'pdgf' does not have nf entries"):
        read_gst(tmp_path / "b.root")
    (tmp_path / "c.root").write_text("not a root file")
    with pytest.raises(ValueError, match=r"c\.root: not a ROOT file"):
        read_gst(tmp_path / "c.root")
    with pytest.raises(ValueError, match="unknown event-file suffix"):
        read_events_file(tmp_path / "events.txt")


def test_generated_events_carry_the_flux_averaged_cross_section(tmp_path):
    """nu e events on argon from the DUNE flux: FATX = sum of weights / integral of the flux
    (all flavours), written in pb (G.C.4/G.C.5) and turned back into per-event cross sections."""
    from nuportal.interactions.generate import generate_interactions
    from nuportal.sources.fluxes import FLAVOUR_COLUMNS, load_flux

    rec = generate_interactions(
        "dune_nd_fhc", "Ar40", processes=["nu_e_elastic"], n_events=200, seed=1
    )
    path = write_nuhepmc(rec, tmp_path / "nue.hepmc3")
    flux = load_flux("dune_nd_fhc")
    integral = np.trapezoid(sum(flux[f] for f in FLAVOUR_COLUMNS), flux.E_GeV)
    expected = rec.events["weight"].sum() / integral  # cm^2 per Ar atom
    with pyhepmc.open(path) as f:
        attrs = next(iter(f)).run_info.attributes
    assert float(attrs["NuHepMC.FluxAveragedTotalCrossSection"].astype(str)) == pytest.approx(
        expected / 1e-36, rel=1e-12
    )
    assert attrs["NuHepMC.Units.CrossSection.TargetScale"].astype(str) == "PerAtom"
    back = read_nuhepmc(path)
    xs = cross_section_weights(back)
    assert xs.sum() == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ValueError, match="flux-averaged"):
        cross_section_weights(_handmade_record())
