"""Output files get the permissions of the user's umask (like a file opened with open(path, "w")).

Event files were 0600: they were written to a ``tempfile.mkstemp`` file (always 0600) and renamed.
Every writer now goes through :func:`nuportal._files.atomic_output`.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nuportal import io
from nuportal._files import atomic_output
from nuportal.hepmc3 import HepMCParticle, HepMCVertex, write_hepmc3


@pytest.fixture(params=[0o022, 0o027, 0o002])
def umask(request):
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _events(n: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame(
        {
            "weight": np.ones(n),
            "vertex_x": rng.random(n),
            "vertex_y": rng.random(n),
            "vertex_z": rng.random(n),
            "e_minus_E": np.full(n, 2.0),
            "e_minus_px": np.zeros(n),
            "e_minus_py": np.zeros(n),
            "e_minus_pz": np.ones(n),
        }
    )


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_event_files_follow_the_umask(tmp_path, umask, suffix):
    path = io.write_events(_events(), tmp_path / f"events{suffix}")
    assert _mode(path) == 0o666 & ~umask
    reference = tmp_path / "reference.txt"  # what open(path, "w") gives under the same umask
    reference.write_text("x")
    assert _mode(path) == _mode(reference)


def test_hepmc3_writer_follows_the_umask_and_is_atomic(tmp_path, umask):
    n = 2
    particles = [HepMCParticle(11, np.tile([1.0, 0.0, 0.0, 1.0], (n, 1)), 0.000511, 1)]
    vertices: list[HepMCVertex] = []
    path = write_hepmc3(tmp_path / "e.hepmc3", particles, vertices, np.ones(n))
    assert _mode(path) == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["e.hepmc3"]  # no temporary left behind


def test_atomic_output_leaves_nothing_on_interrupt(tmp_path):
    target = tmp_path / "out.csv"
    with pytest.raises(KeyboardInterrupt), atomic_output(target) as tmp:
        tmp.write_text("partial")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- through the command line
def test_table_outputs_follow_their_suffix_and_the_umask(tmp_path):
    """Found: CSV text written to a .parquet name; tables 0644 but event files 0600."""
    from typer.testing import CliRunner

    from nuportal.cli import app

    old = os.umask(0o027)
    try:
        for name in ("spectrum.parquet", "spectrum.csv"):
            out = tmp_path / name
            args = ["oscillation", "predict", "--dm2", "1.3", "--sin2-2theta", "0.003",
                    "--detector", "microboone", "--out", str(out)]  # fmt: skip
            result = CliRunner().invoke(app, args)
            assert result.exit_code == 0, result.stderr
            assert _mode(out) == 0o640
        parquet = pd.read_parquet(tmp_path / "spectrum.parquet")  # really parquet
        csv = pd.read_csv(tmp_path / "spectrum.csv")
        assert list(parquet.columns) == list(csv.columns)
        np.testing.assert_allclose(parquet["ratio"], csv["ratio"], rtol=1e-7)  # %.8g in CSV
    finally:
        os.umask(old)


def test_oscillation_fit_seed_drives_the_feldman_cousins_toys(tmp_path):
    """Found: ``oscillation fit`` had no --seed although its toys are random."""
    from typer.testing import CliRunner

    from nuportal.cli import app

    def critical(seed: int, name: str) -> np.ndarray:
        out = tmp_path / name
        grid = ["--experiment", "lsnd", "--n-sin2", "2", "--n-dm2", "2"]
        toys = ["--fc-toys", "10", "--workers", "1", "--seed", str(seed)]
        args = ["oscillation", "fit", *grid, *toys, "--out", str(out)]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.stderr
        return pd.read_csv(out)["delta_critical_fc90"].to_numpy()

    first, again, other = critical(3, "a.csv"), critical(3, "b.csv"), critical(4, "c.csv")
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".hepmc3"])
def test_generated_event_files_follow_the_umask(tmp_path, suffix):
    """The event files of the command line (streamed in chunks) get the umask's permissions."""
    from typer.testing import CliRunner

    from nuportal.cli import app

    if suffix == ".hepmc3":
        pytest.importorskip("pyhepmc")
    out = tmp_path / f"events{suffix}"
    old = os.umask(0o027)
    try:
        args = ["generate", "--n-events", "50", "--method", "numpy", "--out", str(out)]
        result = CliRunner().invoke(app, args)
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.stderr
    assert _mode(out) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == [out.name]
