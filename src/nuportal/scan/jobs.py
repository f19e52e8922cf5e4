"""Jobs a scan can run: the registered ones, by name, and any importable ``module:function``.

A job is a module-level function with keyword parameters returning a mapping (one row), a
sequence of mappings (several rows) or a :class:`pandas.DataFrame`. If it has a ``seed``
parameter the scan passes each point's seed (:func:`nuportal.scan.grid.point_seed`).
"""

from __future__ import annotations

import importlib
import inspect
import math
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

__all__ = ["JOBS", "Job", "generate_summary", "recast_microboone_kdar_point", "resolve_job"]


@dataclass(frozen=True)
class Job:
    """A function a scan runs once per point.

    Attributes
    ----------
    name : str
        Registered name or ``module:function``.
    func : callable
        Module-level (picklable by reference) function taking the point's parameters as keyword
        arguments.
    seeding : {"point", "scan", "none"}
        ``"point"``: ``seed`` receives the point's own seed; ``"scan"``: ``seed`` receives the
        scan seed and the job derives per-point streams itself from (seed, its parameters);
        ``"none"``: the job takes no seed.
    prepare : callable, optional
        ``prepare(fixed, seed, mapper) -> dict``: run once in the driver before the points; its
        result is passed to every point as extra keyword arguments (state shared by all points).
    shared : tuple of str
        Parameters ``prepare`` depends on: they must be fixed, not scanned.
    hidden : tuple of str
        Keyword arguments filled by ``prepare``, not settable by the user.
    description : str
    """

    name: str
    func: Callable[..., Any]
    seeding: Literal["point", "scan", "none"] = "point"
    prepare: Callable[[dict, int, Callable], dict] | None = None
    shared: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()
    description: str = field(default="", compare=False)

    def parameters(self) -> dict[str, inspect.Parameter] | None:
        """Keyword parameters the user may set or scan (``None``: the signature is unknown)."""
        try:
            sig = inspect.signature(self.func)
        except (TypeError, ValueError):
            return None
        if any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values()):
            return None
        return {
            name: p
            for name, p in sig.parameters.items()
            if name not in ("seed", *self.hidden)
            and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        }

    def check(self, fixed: Mapping[str, object], points: Sequence[Mapping[str, object]]) -> None:
        """Raise ValueError for parameters the job does not take, required ones left unset,
        values of the wrong type (where the job's annotations say), a user-given ``seed``, or a
        scanned shared parameter."""
        scanned = set().union(*(p.keys() for p in points))
        given = set(fixed) | scanned
        if "seed" in given:
            raise ValueError(
                "'seed' is set by the scan (--seed); each point gets its own seed from it"
            )
        hidden = given & set(self.hidden)
        if hidden:
            raise ValueError(f"job {self.name!r} computes {sorted(hidden)} itself; do not set it")
        params = self.parameters()
        if params is None:
            return
        unknown = sorted(given - set(params))
        if unknown:
            raise ValueError(
                f"job {self.name!r} has no parameter {unknown[0]!r}; its parameters: "
                f"{', '.join(params)}"
            )
        missing = [n for n, p in params.items() if p.default is p.empty and n not in given]
        if missing:
            raise ValueError(
                f"job {self.name!r} needs a value for {missing[0]!r} (--grid or --set)"
            )
        scanned_shared = sorted(scanned & set(self.shared))
        if scanned_shared:
            raise ValueError(
                f"job {self.name!r}: {scanned_shared[0]!r} is shared by all points (it sets "
                "state computed once per scan); fix it with --set instead of scanning it"
            )
        hints = _type_hints(self.func)
        for source in (fixed, *points):
            for name, value in source.items():
                if name in hints and not _accepts(hints[name], value):
                    raise ValueError(
                        f"job {self.name!r}: parameter {name!r} must be "
                        f"{_describe(hints[name])}, got {value!r}"
                    )

    def defaults(self) -> dict[str, object]:
        params = self.parameters() or {}
        return {n: p.default for n, p in params.items() if p.default is not p.empty}


def _type_hints(func: Callable[..., Any]) -> dict[str, Any]:
    try:
        return typing.get_type_hints(func)
    except Exception:  # unresolvable annotations: no type checks
        return {}


def _accepts(hint: Any, value: object) -> bool:
    """Whether ``value`` fits a simple annotation (unknown annotations accept anything)."""
    origin = typing.get_origin(hint)
    if origin is Literal:
        return any(value == a and type(value) is type(a) for a in typing.get_args(hint))
    if origin in (typing.Union, types.UnionType):
        return any(_accepts(a, value) for a in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    return True


def _describe(hint: Any) -> str:
    origin = typing.get_origin(hint)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(hint))
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_describe(a) for a in typing.get_args(hint))
    names = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}
    return names.get(hint, "None" if hint is type(None) else str(hint))


# --------------------------------------------------------------------------------------------
# registered jobs


def generate_summary(
    model: Literal["hnl", "scalar"] = "hnl",
    mass: float = 0.15,
    coupling: float = 1e-6,
    mixing: Literal["e", "mu"] = "mu",
    majorana: bool = True,
    n_events: int = 100_000,
    detector: str = "microboone",
    source: Literal["kdar"] = "kdar",
    method: Literal["vegas", "numpy"] = "vegas",
    seed: int = 1,
) -> dict[str, float | int]:
    """One :func:`nuportal.generate` run summarized as a row (the ``generate`` scan job).

    Parameters are those of :func:`nuportal.generate`.

    Returns
    -------
    dict
        ``n_generated``, ``n_selected`` (events passing the selection), ``total_weight`` and
        ``selected_weight`` (expected decays in the detector per source decay, all and
        selected), ``total_weight_error`` and ``selected_weight_error`` (Monte Carlo errors,
        sqrt(sum w^2)).
    """
    from nuportal.generation.pipeline import generate

    events = generate(
        model=model, mass=mass, coupling=coupling, mixing=mixing, majorana=majorana,
        n_events=n_events, detector=detector, source=source, method=method, seed=seed,
    )  # fmt: skip
    w = events["weight"].to_numpy(float)
    sel = events["selected"].to_numpy(bool) if "selected" in events else np.ones(len(w), bool)
    return {
        "n_generated": len(w),
        "n_selected": int(sel.sum()),
        "total_weight": float(w.sum()),
        "total_weight_error": math.sqrt(float(np.sum(w * w))),
        "selected_weight": float(w[sel].sum()),
        "selected_weight_error": math.sqrt(float(np.sum(w[sel] ** 2))),
    }


def recast_microboone_kdar_point(
    mass: float,
    majorana: bool = True,
    mixing: Literal["mu", "e"] = "mu",
    efficiency: str = "all",
    n_events: int = 20_000,
    convention: Literal["physics", "kelly-machado"] = "physics",
    absorber_distance: float = 100.0,
    method: Literal["vegas", "numpy"] = "vegas",
    data: str | None = None,
    seed: int = 1,
    reference: object = None,
) -> list[dict]:
    """The MicroBooNE KDAR recast at one HNL mass (the ``recast-microboone-kdar`` scan job).

    Rows and parameters as :func:`nuportal.recast.microboone_kdar` with ``masses=[mass]``;
    ``reference`` is the scalar reference shared by all masses (computed once per scan by
    :func:`_prepare_recast`, or here if omitted). With the same ``seed`` the rows are bit for bit
    those of :func:`~nuportal.recast.microboone_kdar`, whose masses are seeded from
    (seed, mixing, mass).
    """
    mk = importlib.import_module("nuportal.recast.microboone_kdar")

    m = float(mass)
    if mixing not in ("mu", "e"):
        raise ValueError(f"mixing must be 'mu' or 'e', got {mixing!r}")
    mk._check_masses(np.array([m]), mixing)
    methods = mk._methods(efficiency)
    if reference is None:
        reference = _prepare_recast(
            {"n_events": n_events, "convention": convention,
             "absorber_distance": absorber_distance, "data": data}, seed, map,
        )["reference"]  # fmt: skip
    if reference.convention != convention or reference.absorber_distance != absorber_distance:
        raise ValueError("the shared scalar reference was computed with other settings")
    return mk.hnl_band(
        m, reference, majorana=majorana, mixing=mixing, methods=tuple(methods),
        n_events=n_events, seed=seed, method=method,
    )  # fmt: skip


def _prepare_recast(fixed: Mapping[str, object], seed: int, mapper: Callable) -> dict:
    """The scalar reference of the recast, computed once for all masses of a scan."""
    mk = importlib.import_module("nuportal.recast.microboone_kdar")

    defaults = {"n_events": 20_000, "convention": "physics", "absorber_distance": 100.0}
    args = {**defaults, "data": None, **{k: fixed[k] for k in (*defaults, "data") if k in fixed}}
    if args["convention"] not in mk.CONVENTIONS:
        raise ValueError(f"convention must be one of {mk.CONVENTIONS}, got {args['convention']!r}")
    if int(args["n_events"]) < 100:
        raise ValueError(f"n_events must be >= 100, got {args['n_events']!r}")
    reference = mk.scalar_reference(
        int(args["n_events"]), seed, args["convention"], float(args["absorber_distance"]),
        None, args["data"], mapper,
    )  # fmt: skip
    return {"reference": reference}


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job(
            "generate",
            generate_summary,
            seeding="point",
            description="nuportal.generate, one summary row per point (weights, event counts)",
        ),
        Job(
            "recast-microboone-kdar",
            recast_microboone_kdar_point,
            seeding="scan",
            prepare=_prepare_recast,
            shared=("n_events", "convention", "absorber_distance", "data"),
            hidden=("reference",),
            description="MicroBooNE KDAR scalar search recast into HNL limits, one mass a point",
        ),
    )
}


def resolve_job(job: str | Job | Callable[..., Any]) -> Job:
    """The :class:`Job` for a registered name, a ``"module:function"`` text or a function.

    Raises
    ------
    ValueError
        Unknown name, module that cannot be imported, missing or non-callable attribute.
    """
    if isinstance(job, Job):
        return job
    if callable(job):
        name = f"{getattr(job, '__module__', '?')}:{getattr(job, '__qualname__', repr(job))}"
        return _function_job(name, job)
    if not isinstance(job, str):
        raise ValueError(f"job must be a name, 'module:function' or a function, got {job!r}")
    if job in JOBS:
        return JOBS[job]
    module_name, sep, attr = job.partition(":")
    if not sep:
        raise ValueError(
            f"unknown job {job!r}; registered jobs: {', '.join(JOBS)}; or give an importable "
            "function as 'module:function'"
        )
    if not module_name or not attr:
        raise ValueError(f"job {job!r}: expected 'module:function'")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ValueError(f"job {job!r}: cannot import module {module_name!r} ({exc})") from None
    func: Any = module
    for part in attr.split("."):
        func = getattr(func, part, None)
    if not callable(func):
        raise ValueError(f"job {job!r}: module {module_name!r} has no function {attr!r}")
    return _function_job(job, func)


def _function_job(name: str, func: Callable[..., Any]) -> Job:
    try:
        takes_seed = "seed" in inspect.signature(func).parameters
    except (TypeError, ValueError):
        takes_seed = False
    return Job(name, func, seeding="point" if takes_seed else "none")
