"""Large runs stream: events generated and written in chunks, memory bounded at any n.

Memory-light checks: the chunk count, that the concatenated chunks are the one-shot run with the
same seed bit for bit (same seed + same chunk size -> same events), that the files written
chunk by chunk read back as the same events, and that an in-memory run too large for the
machine fails up front.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nuportal import io
from nuportal.generation.pipeline import generate, iter_generate, write_generated
from nuportal.generation.upscattering import (
    generate_upscattering,
    iter_upscattering,
    write_upscattering,
)
from nuportal.models.dark_neutrino import DarkNeutrinoModel

GEN = {"model": "hnl", "mass": 0.2, "coupling": 1e-6, "n_events": 2500, "seed": 7,
       "method": "numpy"}  # fmt: skip


def test_generate_is_the_concatenation_of_its_chunks():
    one_shot = generate(**GEN)
    chunks = list(iter_generate(**GEN))  # default chunk size: one chunk here
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), one_shot)
    small = list(iter_generate(**GEN, chunk_size=1000))
    assert [len(c) for c in small] == [1000, 1000, 500]
    again = list(iter_generate(**GEN, chunk_size=1000))
    for a, b in zip(small, again, strict=True):  # same seed, same chunk size: same events
        pd.testing.assert_frame_equal(a, b)
    # weights are normalized to the whole run in every chunking: totals agree within the
    # Monte Carlo error (each chunking is an independent sample of the same expectation)
    total = pd.concat(small)["weight"]
    ref = one_shot["weight"]
    err = np.hypot(total.std() / np.sqrt(len(total)), ref.std() / np.sqrt(len(ref))) * len(ref)
    assert total.sum() == pytest.approx(ref.sum(), abs=5 * err)


@pytest.mark.parametrize("suffix", ["parquet", "csv", "hepmc3"])
def test_write_generated_streams_into_every_format(tmp_path, suffix):
    path = tmp_path / f"events.{suffix}"
    summary = write_generated(path, chunk_size=1000, **GEN)
    assert summary["n_chunks"] == 3 and summary["n_events"] == 2500
    back = io.read_events(path)
    ref = pd.concat(iter_generate(**GEN, chunk_size=1000), ignore_index=True)
    assert len(back) == 2500
    np.testing.assert_array_equal(back["weight"].to_numpy(), ref["weight"].to_numpy())
    assert back.attrs["metadata"]["mass_GeV"] == 0.2
    if suffix == "parquet":
        import pyarrow.parquet as pq

        assert pq.ParquetFile(path).num_row_groups == 3  # one row group per chunk
        pd.testing.assert_frame_equal(back[ref.columns], ref, check_dtype=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no temporary left


MODEL = DarkNeutrinoModel(0.15, 1.25, epsilon=1e-3, Umu4=1e-3, alphaD=0.25, UD4=1.0)


def test_upscattering_chunks_are_stratified_and_reproducible(tmp_path):
    fast = {"seed": 2, "vegas_neval": 1000, "vegas_nitn": 5}
    one_shot = generate_upscattering(MODEL, "miniboone", 1500, **fast)
    whole = pd.concat(iter_upscattering(MODEL, "miniboone", 1500, **fast, chunk_size=1500))
    pd.testing.assert_frame_equal(whole, one_shot)
    chunks = list(iter_upscattering(MODEL, "miniboone", 1500, **fast, chunk_size=500))
    assert len(chunks) == 3
    for c in chunks:  # every chunk samples every channel
        assert set(zip(c["nucleus"], c["process"], strict=True)) == {
            ("C12", "coherent"), ("C12", "proton"), ("H1", "proton")}  # fmt: skip
    path = tmp_path / "up.hepmc3"
    summary = write_upscattering(MODEL, "miniboone", path, 1500, **fast, chunk_size=500)
    back = io.read_events(path)
    assert len(back) == summary["n_events"] == sum(len(c) for c in chunks)
    total = sum(float(c["upscattering_weight"].sum()) for c in chunks)
    assert back.attrs["metadata"]["upscatters"] == pytest.approx(total, rel=1e-12)
    assert summary["preview"]["weight"].sum() == pytest.approx(summary["weight_sum"])


def test_in_memory_runs_too_large_fail_up_front(monkeypatch):
    import nuportal.streaming as streaming

    monkeypatch.setattr(streaming, "available_memory", lambda: 1e9)
    with pytest.raises(ValueError, match=r"n_events = 1e\+08 events need about .* GB"):
        generate(**{**GEN, "n_events": 10**8})
    # the streaming path is not limited
    assert next(iter_generate(**{**GEN, "n_events": 10**8}, chunk_size=10)).shape[0] == 10


def test_interrupted_stream_leaves_no_file(tmp_path):
    path = tmp_path / "events.parquet"

    def chunks():
        yield from iter_generate(**GEN, chunk_size=1000)
        raise KeyboardInterrupt

    from nuportal.streaming import EventStreamWriter

    with pytest.raises(KeyboardInterrupt), EventStreamWriter(path) as out:
        for c in chunks():
            out.write(c)
    assert list(tmp_path.iterdir()) == []


def test_sigterm_while_streaming_stops_like_ctrl_c(tmp_path):
    import os
    import signal

    from nuportal.streaming import EventStreamWriter

    before = signal.getsignal(signal.SIGTERM)
    path = tmp_path / "events.csv"
    with pytest.raises(KeyboardInterrupt), EventStreamWriter(path) as out:
        out.write(next(iter_generate(**GEN, chunk_size=100)))
        os.kill(os.getpid(), signal.SIGTERM)
    assert list(tmp_path.iterdir()) == []  # no temporary file left
    assert signal.getsignal(signal.SIGTERM) is before
