"""Tests of nuportal.io: parquet, CSV and HepMC3 round trips and error handling."""

from __future__ import annotations

import os
import sys

import numpy as np
import pandas as pd
import pytest

from nuportal import __version__
from nuportal.io import EventFileError, read_events, read_metadata, validate_events, write_events

PARTICLES = ("nu", "e_minus", "e_plus")
METADATA = {
    "generator_version": "nuportal 0.1.0 test",
    "seed": 12345,
    "weight_normalization": "events per 1.93e20 POT; sum of weights = expected events\n# tricky",
    "model_parameters": {"model": "hnl", "m_N": 0.2, "U_mu4_sq": 1e-7, "majorana": True},
}


@pytest.fixture
def events() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 25
    cols: dict[str, np.ndarray] = {
        "weight": rng.exponential(1e-3, n),
        "vertex_x": rng.uniform(0, 2.5635, n),
        "vertex_y": rng.uniform(-1.165, 1.165, n),
        "vertex_z": rng.uniform(0, 10.368, n),
    }
    masses = {"nu": 0.0, "e_minus": 0.000511, "e_plus": 0.000511}
    for name in PARTICLES:
        p = rng.normal(0, 0.05, size=(n, 3))
        e = np.sqrt(masses[name] ** 2 + np.sum(p**2, axis=1))
        for suffix, jitter in (("", 0.0), ("_reco", 1e-3)):
            cols[f"{name}_E{suffix}"] = e + jitter
            for k, c in enumerate(("px", "py", "pz")):
                cols[f"{name}_{c}{suffix}"] = p[:, k] + jitter
    cols["run"] = np.arange(n)  # extra columns are carried along
    return pd.DataFrame(cols)


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_round_trip_tabular(tmp_path, events, suffix):
    path = write_events(events, tmp_path / f"events{suffix}", METADATA)
    back = read_events(path)
    pd.testing.assert_frame_equal(back, events, check_exact=True)
    meta = back.attrs["metadata"]
    for key, value in METADATA.items():
        assert meta[key] == value
    assert meta["nuportal_version"] == __version__
    assert read_metadata(path)["seed"] == 12345
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".part")]


def test_parquet_metadata_is_in_the_file_schema(tmp_path, events):
    import pyarrow.parquet as pq

    path = write_events(events, tmp_path / "events.parquet", METADATA)
    schema_meta = pq.read_schema(path).metadata
    assert b"nuportal.seed" in schema_meta and schema_meta[b"nuportal.seed"] == b"12345"


def test_round_trip_hepmc3(tmp_path, events):
    pyhepmc = pytest.importorskip("pyhepmc")
    path = write_events(events, tmp_path / "events.hepmc3", METADATA)
    # Read back with pyhepmc directly.
    with pyhepmc.open(str(path)) as reader:
        read = list(reader)
    assert len(read) == len(events)
    for i, ev in enumerate(read):
        assert ev.weights[0] == pytest.approx(events["weight"][i], rel=1e-15, abs=0)
        finals = [p for p in ev.particles if p.status == 1]
        assert [p.pid for p in finals] == [14, 11, -11]
        for p, name in zip(finals, PARTICLES, strict=True):
            m = p.momentum
            np.testing.assert_allclose(
                [m.e, m.px, m.py, m.pz],
                events.loc[i, [f"{name}_{c}" for c in ("E", "px", "py", "pz")]].to_numpy(float),
                rtol=1e-15,
            )
        vtx = finals[0].production_vertex.position
        assert vtx.z == pytest.approx(1e3 * events["vertex_z"][i], rel=1e-15, abs=0)  # mm
        parent = [p for p in ev.particles if p.status == 2]
        assert len(parent) == 1
    # And through read_events: true momenta, weights and vertices come back.
    back = read_events(path)
    true_cols = ["weight", "vertex_x", "vertex_y", "vertex_z"] + [
        f"{n}_{c}" for n in PARTICLES for c in ("E", "px", "py", "pz")
    ]
    assert list(back.columns) == true_cols
    np.testing.assert_allclose(back[true_cols].to_numpy(), events[true_cols].to_numpy(), rtol=1e-14)
    assert back.attrs["metadata"]["model_parameters"] == METADATA["model_parameters"]
    assert back.attrs["metadata"]["weight_normalization"] == METADATA["weight_normalization"]


def test_hepmc3_reco_custom_pdg_and_absent_particles(tmp_path, events):
    pytest.importorskip("pyhepmc")
    ev = events.rename(columns=lambda c: c.replace("nu_", "N_") if c.startswith("nu_") else c)
    ev.loc[3, ["e_plus_E", "e_plus_px", "e_plus_py", "e_plus_pz"]] = np.nan  # not produced
    with pytest.raises(ValueError, match="PDG id"):
        write_events(ev, tmp_path / "x.hepmc3")
    path = write_events(ev, tmp_path / "x.hepmc3", pdg_ids={"N": 9900012}, parent_pdg=9900012)
    back = read_events(path)
    assert np.isnan(back.loc[3, "e_plus_E"]) and np.isfinite(back.loc[2, "e_plus_E"])
    np.testing.assert_allclose(back["N_E"], ev["N_E"], rtol=1e-15)
    reco = read_events(write_events(events, tmp_path / "r.hepmc", momenta="reco"))
    np.testing.assert_allclose(reco["e_minus_E_reco"], events["e_minus_E_reco"], rtol=1e-15)


def test_missing_pyhepmc_gives_clear_error(tmp_path, events, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyhepmc", None)
    with pytest.raises(ImportError, match=r"nuportal\[hepmc\]"):
        write_events(events, tmp_path / "events.hepmc3")
    assert not (tmp_path / "events.hepmc3").exists()


def test_read_errors(tmp_path, events):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        read_events(tmp_path / "nothing.parquet")
    with pytest.raises(ValueError, match="suffix"):
        read_events(tmp_path / "events.root")
    garbage = tmp_path / "garbage.parquet"
    garbage.write_bytes(b"this is not parquet at all")
    with pytest.raises(EventFileError, match="parquet"):
        read_events(garbage)
    no_weight = tmp_path / "no_weight.csv"
    events.drop(columns="weight").to_csv(no_weight, index=False)
    with pytest.raises(EventFileError, match="weight"):
        read_events(no_weight)
    broken_meta = tmp_path / "broken.csv"
    broken_meta.write_text("# nuportal-events\n# seed: {not json\nweight\n1\n")
    with pytest.raises(EventFileError, match="JSON"):
        read_events(broken_meta)
    half = tmp_path / "half.csv"
    events.drop(columns="e_plus_pz").to_csv(half, index=False)
    with pytest.raises(EventFileError, match="e_plus_pz"):
        read_events(half)
    not_hepmc = tmp_path / "bad.hepmc3"
    not_hepmc.write_text("hello\n")
    pytest.importorskip("pyhepmc")
    with pytest.raises(EventFileError, match="HepMC3"):
        read_events(not_hepmc)


def test_write_errors(tmp_path, events):
    with pytest.raises(FileNotFoundError, match="not an existing directory"):
        write_events(events, tmp_path / "missing_dir" / "events.parquet")
    with pytest.raises(ValueError, match="suffix"):
        write_events(events, tmp_path / "events.txt")
    with pytest.raises(ValueError, match="JSON serializable"):
        write_events(events, tmp_path / "events.csv", {"bad": object()})
    with pytest.raises(ValueError, match="metadata key"):
        write_events(events, tmp_path / "events.csv", {"bad key:": 1})
    with pytest.raises(EventFileError, match="vertex_x"):
        write_events(events.drop(columns="vertex_x"), tmp_path / "events.csv")
    write_events(events, tmp_path / "events.csv")
    with pytest.raises(FileExistsError):
        write_events(events, tmp_path / "events.csv", overwrite=False)
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        try:
            with pytest.raises(PermissionError, match="not writable"):
                write_events(events, locked / "events.parquet")
        finally:
            locked.chmod(0o700)


def test_validate_events(events):
    assert validate_events(events) == list(PARTICLES)
    with pytest.raises(EventFileError, match="no particle"):
        validate_events(events[["weight", "vertex_x", "vertex_y", "vertex_z"]])
    bad = events.copy()
    bad.loc[0, "weight"] = np.inf
    with pytest.raises(EventFileError, match="non-finite"):
        validate_events(bad)
