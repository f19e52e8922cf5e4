"""Vectorized HepMC3 ASCII writer for events of one fixed topology.

Every event of a generator run has the same particles and vertices (an upscattering event: beam
neutrino and target nucleus into a vertex, heavy neutral lepton and recoil out, the lepton decaying
at a second vertex). The events are therefore written as one block of bytes built with numpy:
floating-point numbers are rendered by integer arithmetic on their decimal mantissa and exponent
(17 significant digits, three-digit exponent), integers that do not change between events are
rendered once. The output follows the HepMC3 ``Asciiv3`` format (Buckley et al., "The HepMC3
event record library for Monte Carlo event generators", Comput. Phys. Commun. 260 (2021)
107310, arXiv:1912.08005) and reads back with HepMC3's ``ReaderAscii`` (tested with pyhepmc).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal._files import atomic_output

__all__ = [
    "FOOTER",
    "HepMCParticle",
    "HepMCVertex",
    "format_floats",
    "header",
    "render_events",
    "write_hepmc3",
]

_FLOAT_WIDTH = 24  # "-1.2345678901234567e-005"
#: ASCII of "0000" .. "9999": four digits per table lookup.
_FOUR_DIGITS = np.frombuffer(
    "".join(f"{i:04d}" for i in range(10_000)).encode(), dtype=np.uint8
).reshape(10_000, 4)


@dataclass(frozen=True)
class HepMCParticle:
    """One particle of the fixed topology.

    Attributes
    ----------
    pdg : int or numpy.ndarray
        PDG Monte Carlo number, or one per event (e.g. the target nucleus of a run on several
        nuclei; written zero-padded to a common width).
    momentum : numpy.ndarray, shape (N, 4)
        (E, px, py, pz) [GeV] per event.
    mass : float or numpy.ndarray
        Generated mass [GeV] (the nominal mass, not sqrt(E^2 - p^2)).
    status : int
        1 final state, 2 decayed, 4 beam/incoming.
    production_vertex : int
        1-based index of the vertex it comes out of, 0 if none (an incoming particle).
    """

    pdg: int | NDArray[np.int64]
    momentum: NDArray[np.float64]
    mass: float | NDArray[np.float64]
    status: int
    production_vertex: int = 0


@dataclass(frozen=True)
class HepMCVertex:
    """One vertex: its position [mm] per event and its incoming particles (1-based indices)."""

    position: NDArray[np.float64]
    incoming: tuple[int, ...]


_CHUNK = 4096  # events rendered at a time
_POWERS_OF_TEN = 10.0 ** np.arange(-300, 308)  # 10^k for k = -300 .. 307 (index k + 300)


def format_floats(values: ArrayLike) -> NDArray[np.uint8]:
    """Render floats as fixed-width ASCII ``+d.dddddddddddddddde+xxx`` (24 bytes each).

    Vectorized: the decimal exponent and the 17-digit mantissa are computed as integers and
    their digits written into a byte array, four at a time from a table; the sign is always
    written (``+`` or ``-``), so that every number has the same width and tokens stay separated
    by exactly one space (HepMC3's reader steps from space to space).

    Parameters
    ----------
    values : array_like
        Finite floats, |x| <= 1e290 (magnitudes below 1e-290 are written as zero).

    Returns
    -------
    numpy.ndarray of uint8, shape values.shape + (24,)
    """
    x = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(x)):
        raise ValueError("HepMC3 output needs finite numbers (a NaN or inf was given)")
    flat = x.ravel()
    a = np.abs(flat)
    if np.any(a > 1e290):
        raise ValueError("HepMC3 output: a number beyond 1e290 in magnitude")
    zero = a < 1e-290  # written as zero (below any physical quantity in GeV or mm)
    a = np.where(zero, 1.0, a)
    exponent = np.floor(np.log10(a)).astype(np.int64)
    # 17 significant digits as two exact small integers in floating point (fast SIMD
    # arithmetic, no integer division): v = hi * 1e8 + lo, hi in [1e8, 1e9), lo in [0, 1e8)
    v = a * _POWERS_OF_TEN[16 - exponent + 300]
    # log10 rounding can leave v just outside [1e16, 1e17): renormalize
    shift = (v >= 1e17).astype(np.int64) - (v < 1e16)
    if np.any(shift):
        exponent = exponent + shift
        v = a * _POWERS_OF_TEN[16 - exponent + 300]
    hi = np.floor(v * 1e-8)
    lo = np.rint(v - hi * 1e8)
    carry = lo >= 1e8
    hi += carry
    lo -= carry * 1e8
    overflow = hi >= 1e9  # v rounded up to 1e17: 1.0000000000000000e(exponent + 1)
    hi = np.where(zero, 0.0, np.where(overflow, 1e8, hi))
    lo = np.where(zero | overflow, 0.0, lo)
    exponent = np.where(zero, 0, exponent + overflow)
    first = np.floor(hi * 1e-8)
    h8 = hi - first * 1e8
    h_hi = np.floor(h8 * 1e-4)
    l_hi = np.floor(lo * 1e-4)
    groups = np.column_stack([h_hi, h8 - h_hi * 1e4, l_hi, lo - l_hi * 1e4]).astype(np.intp)
    out = np.empty((flat.size, _FLOAT_WIDTH), dtype=np.uint8)
    out[:, 0] = np.where(flat < 0, ord("-"), ord("+"))
    out[:, 1] = first.astype(np.uint8) + ord("0")
    out[:, 2] = ord(".")
    out[:, 3:19] = _FOUR_DIGITS[groups].reshape(-1, 16)
    out[:, 19] = ord("e")
    out[:, 20] = np.where(exponent < 0, ord("-"), ord("+"))
    out[:, 21:24] = _FOUR_DIGITS[np.abs(exponent)][:, 1:]
    return out.reshape(*x.shape, _FLOAT_WIDTH)


def _event_numbers(n: int, start: int, stop: int) -> NDArray[np.uint8]:
    """Event numbers start .. stop - 1, zero-padded to the width of n - 1 (read as decimal)."""
    width = len(str(max(n - 1, 0)))
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    numbers = np.arange(start, stop, dtype=np.int64)[:, None]
    return ((numbers // powers) % 10 + ord("0")).astype(np.uint8)


def _signed_integers(values: NDArray[np.int64]) -> NDArray[np.uint8]:
    """Integers as '+'/'-' and zero-padded digits of a common width (read back as decimal)."""
    v = np.asarray(values, dtype=np.int64)
    width = 10  # PDG numbers have at most 10 digits (nuclei 100ZZZAAAI)
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    digits = (np.abs(v)[:, None] // powers) % 10 + ord("0")
    sign = np.where(v < 0, ord("-"), ord("+"))[:, None]
    return np.concatenate([sign, digits], axis=1).astype(np.uint8)


class _Layout:
    """Byte layout of one event: constant text and float columns at fixed offsets."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.parts: list[tuple[int, NDArray[np.uint8]]] = []
        self.width = 0

    def text(self, s: str) -> None:
        data = np.frombuffer(s.encode(), dtype=np.uint8)
        self.parts.append((self.width, data))
        self.width += data.size

    def block(self, data: NDArray[np.uint8]) -> None:
        self.parts.append((self.width, data))
        self.width += data.shape[1]

    def floats(self, columns: Sequence[NDArray[np.float64]]) -> None:
        """Each float preceded by one space."""
        rendered = format_floats(np.column_stack(columns))  # (n, k, 24)
        self.parts.append((self.width, rendered))
        self.width += rendered.shape[1] * (_FLOAT_WIDTH + 1)

    def render(self) -> NDArray[np.uint8]:
        out = np.empty((self.n, self.width), dtype=np.uint8)
        for offset, data in self.parts:
            if data.ndim == 3:  # floats: " " + 24 bytes each
                k = data.shape[1]
                view = out[:, offset : offset + k * (_FLOAT_WIDTH + 1)].reshape(self.n, k, -1)
                view[:, :, 0] = ord(" ")
                view[:, :, 1:] = data
            else:
                out[:, offset : offset + data.shape[-1]] = data
        return out


def _render_events(
    particles: Sequence[HepMCParticle],
    vertices: Sequence[HepMCVertex],
    w: NDArray[np.float64],
    n: int,
    start: int,
    stop: int,
    number_offset: int = 0,
) -> NDArray[np.uint8]:
    """The bytes of events start .. stop - 1, one row per event (numbered from
    ``number_offset + start``, zero-padded to the width of ``n - 1``)."""
    layout = _Layout(stop - start)
    layout.text("E ")
    layout.block(_event_numbers(n, number_offset + start, number_offset + stop))
    layout.text(f" {len(vertices)} {len(particles)}\nU GEV MM\nW")
    layout.floats([w[start:stop]])
    layout.text("\n")
    started: set[int] = set()
    for index, p in enumerate(particles, start=1):
        v = p.production_vertex
        if v and v not in started:
            started.add(v)
            vertex = vertices[v - 1]
            ids = ",".join(str(i) for i in vertex.incoming)
            layout.text(f"V -{v} 0 [{ids}] @")
            layout.floats([*(vertex.position[start:stop, i] for i in range(3))])
            layout.text(" +0.0000000000000000e+000\n")  # t = 0
        mom = np.asarray(p.momentum, dtype=float)[start:stop]
        if np.ndim(p.pdg) == 0:
            layout.text(f"P {index} {-v if v else 0} {int(p.pdg)}")
        else:
            layout.text(f"P {index} {-v if v else 0} ")
            layout.block(_signed_integers(np.asarray(p.pdg)[start:stop]))
        layout.floats([mom[:, 1], mom[:, 2], mom[:, 3], mom[:, 0]])
        if np.ndim(p.mass) == 0:  # the same mass in every event: rendered once
            layout.text(" " + format_floats(float(p.mass)).tobytes().decode())
        else:
            layout.floats([np.asarray(p.mass, dtype=float)[start:stop]])
        layout.text(f" {p.status}\n")
    return layout.render()


def write_hepmc3(
    path: str | os.PathLike[str],
    particles: Sequence[HepMCParticle],
    vertices: Sequence[HepMCVertex],
    weights: ArrayLike,
    *,
    attributes: Mapping[str, str] | None = None,
    tool: tuple[str, str, str] = ("nuportal", "", ""),
) -> Path:
    """Write ``N`` events of one topology to a HepMC3 ASCII file, vectorized.

    Parameters
    ----------
    path : str or path-like
        Output file.
    particles : sequence of HepMCParticle
        In an order where every particle produced at a vertex comes after that vertex's
        incoming particles (particle ids are their 1-based positions).
    vertices : sequence of HepMCVertex
        Vertex j (1-based) gets the id -j.
    weights : array_like, shape (N,)
        Event weights (the run's one weight, named ``weight``).
    attributes : mapping, optional
        Run attributes (name -> value text, written as ``A name value``).
    tool : tuple of str
        (name, version, description) of the writing program.

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    w = np.asarray(weights, dtype=float)
    n = w.size
    for p in particles:
        if np.ndim(p.pdg) and np.shape(p.pdg) != (n,):
            raise ValueError(f"per-event PDG numbers must have shape ({n},)")
        if np.shape(p.momentum) != (n, 4):
            raise ValueError(f"momentum of PDG {p.pdg} must have shape ({n}, 4)")
    for v in vertices:
        if np.shape(v.position) != (n, 3):
            raise ValueError(f"vertex positions must have shape ({n}, 3)")
    head = header(attributes, tool)
    with atomic_output(path) as tmp, open(tmp, "wb") as fh:  # no partial file on Ctrl-C
        fh.write(head)
        for block in render_events(particles, vertices, w):
            fh.write(block)
        fh.write(FOOTER)
    return path


#: The last line of a HepMC3 ASCII file.
FOOTER = b"HepMC::Asciiv3-END_EVENT_LISTING\n"


def header(
    attributes: Mapping[str, str] | None = None, tool: tuple[str, str, str] = ("nuportal", "", "")
) -> bytes:
    """The header of a HepMC3 ASCII file: version, weight name, tool and run attributes."""
    lines = ["HepMC::Version 3.02.05", "HepMC::Asciiv3-START_EVENT_LISTING", "W weight"]
    name, version, description = tool
    lines.append(f"T {name}\\|{version}\\|{description}")
    for key, value in (attributes or {}).items():
        lines.append(f"A {key} {value}")
    return ("\n".join(lines) + "\n").encode()


def render_events(
    particles: Sequence[HepMCParticle],
    vertices: Sequence[HepMCVertex],
    weights: ArrayLike,
    *,
    first_number: int = 0,
    n_total: int | None = None,
) -> Iterator[bytes]:
    """The bytes of ``N`` events of one topology (no header), in blocks: for writing a file in
    chunks.

    Parameters
    ----------
    particles, vertices, weights
        As for :func:`write_hepmc3` (arrays of this chunk's events).
    first_number : int
        Event number of the first event of the chunk.
    n_total : int, optional
        Number of events in the whole file (sets the zero-padded width of the event numbers;
        default ``first_number + N``).
    """
    w = np.asarray(weights, dtype=float)
    n = w.size
    total = first_number + n if n_total is None else int(n_total)
    for start in range(0, n, _CHUNK):  # chunks keep the working set in cache
        stop = min(start + _CHUNK, n)
        yield _render_events(particles, vertices, w, total, start, stop, first_number).tobytes()
