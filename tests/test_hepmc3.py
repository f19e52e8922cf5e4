"""The vectorized HepMC3 writer: number rendering and a round trip through HepMC3's reader."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nuportal.hepmc3 import HepMCParticle, HepMCVertex, format_floats, write_hepmc3

EDGES = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    10.0,
    0.1,
    9.999999999999999e5,
    1e-290,
    1e290,
    5e-324 * 0 + 1e-17,
    0.15,
    0.0005109989500015,
    123456789.123456789,
    -2.5e-7,
    99999999999999.99,
]


def _parse(rendered: np.ndarray) -> np.ndarray:
    return np.array([float(r.tobytes().decode()) for r in rendered.reshape(-1, 24)])


def test_rendered_numbers_read_back_to_within_two_ulp():
    values = np.array(EDGES)
    text = format_floats(values)
    assert text.shape == (len(values), 24)
    back = _parse(text)
    np.testing.assert_allclose(back, values, rtol=4.5e-16, atol=0)
    # always signed, fixed width, three-digit exponent
    assert all(chr(r[0]) in "+-" and chr(r[19]) == "e" for r in text)


@given(st.floats(min_value=-1e290, max_value=1e290, allow_nan=False, allow_infinity=False))
def test_any_float_round_trips(x):
    back = _parse(format_floats(np.array([x])))[0]
    expected = x if abs(x) >= 1e-290 else 0.0  # below 1e-290: written as zero
    assert back == pytest.approx(expected, rel=4.5e-16, abs=0)


def test_non_finite_numbers_are_refused():
    with pytest.raises(ValueError, match="finite"):
        format_floats([1.0, np.nan])
    with pytest.raises(ValueError, match="1e290"):
        format_floats([1e300])


def test_round_trip_through_hepmc3_reader(tmp_path):
    """Particles, PDG codes, statuses, masses, vertices and weights as written (pyhepmc)."""
    hep = pytest.importorskip("pyhepmc")
    rng = np.random.default_rng(1)
    n = 300

    def momentum(m):
        p = rng.normal(size=(n, 3))
        return np.column_stack([np.sqrt((p**2).sum(axis=1) + m * m), p])

    particles = [
        HepMCParticle(14, momentum(0.0), 0.0, 4),
        HepMCParticle(1000060120, momentum(11.17), 11.17, 4),
        HepMCParticle(9900012, momentum(0.15), 0.15, 2, 1),
        HepMCParticle(1000060120, momentum(11.17), 11.17, 1, 1),
        HepMCParticle(14, momentum(0.0), 0.0, 1, 2),
        HepMCParticle(11, momentum(5.11e-4), np.full(n, 5.11e-4), 1, 2),
        HepMCParticle(-11, momentum(5.11e-4), 5.11e-4, 1, 2),
    ]
    vertices = [
        HepMCVertex(rng.normal(size=(n, 3)) * 1e3, (1, 2)),
        HepMCVertex(rng.normal(size=(n, 3)) * 1e3, (3,)),
    ]
    weights = rng.random(n) * 1e-30
    path = write_hepmc3(
        tmp_path / "e.hepmc3",
        particles,
        vertices,
        weights,
        attributes={"nuportal.seed": "1"},
        tool=("nuportal", "0.1", "test"),
    )
    seen = 0
    with hep.io.ReaderAscii(str(path)) as reader:
        for i, event in enumerate(reader):
            seen += 1
            assert event.event_number == i
            assert event.weights[0] == pytest.approx(weights[i], rel=4.5e-16)
            assert [p.pid for p in event.particles] == [p.pdg for p in particles]
            assert [p.status for p in event.particles] == [p.status for p in particles]
            for got, want in zip(event.particles, particles, strict=True):
                mom = got.momentum
                np.testing.assert_allclose(
                    [mom.e, mom.px, mom.py, mom.pz], want.momentum[i], rtol=4.5e-16, atol=0
                )
                assert got.generated_mass == pytest.approx(np.broadcast_to(want.mass, n)[i])
            decay = event.particles[2].end_vertex
            assert [p.pid for p in decay.particles_out] == [14, 11, -11]
            pos = decay.position
            np.testing.assert_allclose([pos.x, pos.y, pos.z], vertices[1].position[i], rtol=4.5e-16)
    assert seen == n
