"""Points of a scan: grid syntax, Cartesian products, stable point identities and seeds.

A point is a mapping of keyword-argument names to scalar values (bool, int, float, str). Its
identity and its seed come from a canonical JSON text of its sorted items, hashed with SHA-256:
the same in every process, on every machine, whatever ``PYTHONHASHSEED`` (Python's ``hash()`` is
never used).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import numbers
import re
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

__all__ = [
    "canonical",
    "grid_points",
    "normalize_point",
    "parse_grid",
    "parse_setting",
    "parse_value",
    "point_id",
    "point_seed",
]

Scalar = bool | int | float | str | None

_GRID_SYNTAX = "NAME=START:STOP:N (linear), NAME=START:STOP:N:log (log-spaced) or NAME=A,B,C"
_INT = re.compile(r"[+-]?\d+")


def parse_value(text: str) -> Scalar:
    """A command-line value: ``true``/``false`` -> bool, an integer -> int, a number -> float,
    ``none`` -> None, anything else -> the stripped string."""
    s = text.strip()
    low = s.lower()
    if low in ("true", "false"):
        return low == "true"
    if low == "none":
        return None
    if _INT.fullmatch(s):
        return int(s)
    try:
        return float(s)
    except ValueError:
        return s


def _split_assignment(spec: str, what: str, syntax: str) -> tuple[str, str]:
    name, sep, rhs = spec.partition("=")
    name = name.strip()
    if not sep or not name.isidentifier() or not rhs.strip():
        raise ValueError(f"malformed {what} {spec!r}: expected {syntax}")
    return name, rhs.strip()


def parse_setting(spec: str) -> tuple[str, Scalar]:
    """Parse ``NAME=VALUE`` (a fixed keyword argument, ``--set``) into ``(name, value)``."""
    name, rhs = _split_assignment(spec, "setting", "NAME=VALUE")
    return name, parse_value(rhs)


def _number(text: str, spec: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ValueError(f"malformed grid {spec!r}: {what} must be a finite number, got {text!r}")
    return value


def parse_grid(spec: str) -> tuple[str, list[Scalar]]:
    """Parse one grid axis.

    Parameters
    ----------
    spec : str
        ``NAME=START:STOP:N`` (``N`` values from START to STOP inclusive, evenly spaced),
        ``NAME=START:STOP:N:log`` (evenly spaced in log; START, STOP > 0) or ``NAME=A,B,C`` (the
        listed values: numbers, ``true``/``false`` or strings; a list of numbers with any
        non-integer is all floats). A linear grid between integers whose values are all
        integers (``n=1000:5000:5``) gives integers, any other numeric grid floats.

    Returns
    -------
    (str, list)
        The parameter name and its values (Python scalars).

    Raises
    ------
    ValueError
        Naming the malformed part and the accepted syntax.
    """
    name, rhs = _split_assignment(spec, "grid", _GRID_SYNTAX)
    if ":" in rhs:
        parts = [p.strip() for p in rhs.split(":")]
        if len(parts) not in (3, 4) or (len(parts) == 4 and parts[3] not in ("log", "lin")):
            raise ValueError(f"malformed grid {spec!r}: expected {_GRID_SYNTAX}")
        start = _number(parts[0], spec, "START")
        stop = _number(parts[1], spec, "STOP")
        if not _INT.fullmatch(parts[2]) or int(parts[2]) < 1:
            raise ValueError(
                f"malformed grid {spec!r}: N must be a positive integer, got {parts[2]!r}"
            )
        n = int(parts[2])
        if len(parts) == 4 and parts[3] == "log":
            if start <= 0 or stop <= 0:
                raise ValueError(
                    f"malformed grid {spec!r}: a log-spaced grid needs START > 0 and STOP > 0"
                )
            values = np.geomspace(start, stop, n)
        else:
            values = np.linspace(start, stop, n)
        if n > 1 and start == stop:
            raise ValueError(f"malformed grid {spec!r}: START == STOP gives {n} equal points")
        if _INT.fullmatch(parts[0]) and _INT.fullmatch(parts[1]) and len(parts) == 3:
            if all(float(v).is_integer() for v in values):  # an integer grid: 1:5:5
                return name, [int(v) for v in values]
        return name, [float(v) for v in values]
    items = [p.strip() for p in rhs.split(",")]
    if any(not p for p in items):
        raise ValueError(f"malformed grid {spec!r}: empty value in the list; expected NAME=A,B,C")
    values = [parse_value(p) for p in items]
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
    if numeric and any(isinstance(v, float) for v in values):
        values = [float(v) for v in values]
    if len(set(map(repr, values))) != len(values):
        raise ValueError(f"malformed grid {spec!r}: a value is repeated")
    return name, values


def _scalar(name: str, value: object) -> Scalar:
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    raise ValueError(
        f"parameter {name!r} has value {value!r} of type {type(value).__name__}; scan "
        "parameters must be numbers, strings, booleans or None"
    )


def normalize_point(point: Mapping[str, object]) -> dict[str, Scalar]:
    """The point with plain Python scalars (numpy numbers converted), names checked."""
    out = {}
    for name, value in point.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"parameter name {name!r} is not a valid keyword-argument name")
        out[name] = _scalar(name, value)
    return out


def grid_points(axes: Mapping[str, Iterable[object]]) -> list[dict[str, Scalar]]:
    """Cartesian product of the axes (the first axis varies slowest), as normalized points."""
    names = list(axes)
    values = []
    for name in names:
        vals = list(np.asarray(axes[name]).ravel()) if _is_array(axes[name]) else list(axes[name])
        if not vals:
            raise ValueError(f"grid axis {name!r} has no values")
        values.append(vals)
    combos = itertools.product(*values)
    return [normalize_point(dict(zip(names, combo, strict=True))) for combo in combos]


def _is_array(obj: object) -> bool:
    return isinstance(obj, np.ndarray)


def canonical(point: Mapping[str, object]) -> str:
    """Canonical text of a point: JSON of its sorted (name, value) items; floats are written
    with their shortest round-trip representation, so equal values give equal text."""
    items = sorted(normalize_point(point).items())
    return json.dumps(items, separators=(",", ":"), allow_nan=True)


def _digest(point: Mapping[str, object]) -> bytes:
    return hashlib.sha256(canonical(point).encode()).digest()


def point_id(point: Mapping[str, object]) -> str:
    """Stable identity of a point: 16 hex digits of the SHA-256 of :func:`canonical`."""
    return _digest(point).hex()[:16]


def point_seed(seed: int, point: Mapping[str, object]) -> int:
    """Seed of one point, from the scan seed and the point's own parameters.

    ``numpy.random.SeedSequence`` mixes the scan seed with the SHA-256 of the point's canonical
    text; the result is a non-negative 63-bit integer (anything that takes a seed accepts it).
    It does not depend on the other points, their order, the number of workers or the process.
    """
    words = np.frombuffer(_digest(point), dtype="<u4").tolist()
    state = np.random.SeedSequence([_check_seed(seed), *words]).generate_state(1, np.uint64)
    return int(state[0]) >> 1


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or int(seed) < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)


def check_points(points: Sequence[Mapping[str, object]]) -> list[dict[str, Scalar]]:
    """Normalized points; duplicates (same canonical text) raise."""
    out = [normalize_point(p) for p in points]
    seen: dict[str, dict] = {}
    for p in out:
        key = canonical(p)
        if key in seen:
            raise ValueError(f"point {p} appears twice in the scan")
        seen[key] = p
    return out
