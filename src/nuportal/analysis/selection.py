"""Named, composable event selections with cut flows.

Events are a :class:`pandas.DataFrame` (or any mapping from column name to 1-D array) following
the event convention of :mod:`nuportal.io`: one row per event, a ``weight`` column, and for each
final-state particle ``<name>_E, <name>_px, <name>_py, <name>_pz`` (true, GeV) and
``<name>_E_reco, <name>_px_reco, <name>_py_reco, <name>_pz_reco`` (reconstructed).

A :class:`Cut` is a named function ``events -> boolean mask``; cuts combine with ``&`` into a
:class:`Selection`, which gives the combined mask and a cut flow:

>>> sel = energy_thresholds({"e_minus": 0.010, "e_plus": 0.010}) & opening_angle(
...     "e_minus", "e_plus", min_angle_deg=10.0)
>>> mask = sel(events)                        # doctest: +SKIP
>>> sel.cut_flow(events, weights="weight")    # doctest: +SKIP
{'e_minus_E>10MeV': 0.98, 'e_plus_E>10MeV': 0.97, 'angle(e_minus,e_plus)>10deg': 0.61}
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal.analysis.response import above_threshold
from nuportal.kinematics import cos_angle

__all__ = [
    "Cut",
    "Selection",
    "angle_to_direction",
    "energy_threshold",
    "energy_thresholds",
    "four_momentum",
    "opening_angle",
]

Events = Any  # pandas.DataFrame or Mapping[str, array]
MaskFunction = Callable[[Events], ArrayLike]

_COMPONENTS = ("E", "px", "py", "pz")


def _n_events(events: Events) -> int:
    if hasattr(events, "__len__") and hasattr(events, "columns"):  # DataFrame
        return len(events)
    if isinstance(events, Mapping):
        if not events:
            raise ValueError("events must have at least one column")
        return len(np.asarray(next(iter(events.values()))))
    raise ValueError(
        f"events must be a pandas DataFrame or a mapping of column arrays, got {type(events)}"
    )


def _columns(events: Events) -> list[str]:
    return list(events.columns) if hasattr(events, "columns") else list(events)


def four_momentum(events: Events, particle: str, reco: bool = True) -> NDArray[np.float64]:
    """Four-momenta (E, px, py, pz) [GeV] of ``particle`` from the event columns, shape (N, 4).

    Parameters
    ----------
    events : DataFrame or mapping
        Events (see the module docstring).
    particle : str
        Particle name, e.g. ``"e_minus"``.
    reco : bool
        Use the reconstructed columns ``<particle>_<c>_reco`` (default) or the true ones.
    """
    suffix = "_reco" if reco else ""
    names = [f"{particle}_{c}{suffix}" for c in _COMPONENTS]
    missing = [n for n in names if n not in _columns(events)]
    if missing:
        hint = " (pass reco=False for true momenta)" if reco else ""
        raise ValueError(
            f"events lack the column(s) {missing} for particle {particle!r}{hint}; available "
            f"columns: {_columns(events)}"
        )
    return np.stack([np.asarray(events[n], dtype=float) for n in names], axis=-1)


@dataclass(frozen=True)
class Cut:
    """A named cut: ``function(events)`` returns a boolean mask, True for events that pass.

    Attributes
    ----------
    name : str
        Unique name shown in cut flows.
    function : callable
        ``events -> array of bool, shape (N,)``.
    description : str
        Human-readable definition (units included).
    """

    name: str
    function: MaskFunction
    description: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"cut name must be a non-empty string, got {self.name!r}")
        if not callable(self.function):
            raise ValueError(f"cut function for {self.name!r} must be callable")

    def __call__(self, events: Events) -> NDArray[np.bool_]:
        n = _n_events(events)
        mask = np.asarray(self.function(events))
        if mask.dtype != bool:
            raise ValueError(f"cut {self.name!r} must return a boolean mask, got {mask.dtype}")
        if mask.shape != (n,):
            raise ValueError(
                f"cut {self.name!r} returned a mask of shape {mask.shape}, expected ({n},)"
            )
        return mask

    def __and__(self, other: Cut | Selection) -> Selection:
        return Selection(self, other)


class Selection:
    """An ordered conjunction of named cuts.

    Parameters
    ----------
    *cuts : Cut or Selection
        Cuts (selections are flattened). Names must be unique.
    """

    def __init__(self, *cuts: Cut | Selection):
        flat: list[Cut] = []
        for c in cuts:
            if isinstance(c, Selection):
                flat.extend(c.cuts)
            elif isinstance(c, Cut):
                flat.append(c)
            else:
                raise ValueError(f"Selection takes Cut or Selection objects, got {type(c)}")
        names = [c.name for c in flat]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"cut names must be unique in a selection, duplicated: {dupes}")
        self.cuts: tuple[Cut, ...] = tuple(flat)

    @property
    def names(self) -> list[str]:
        """Cut names in order."""
        return [c.name for c in self.cuts]

    def __and__(self, other: Cut | Selection) -> Selection:
        return Selection(self, other)

    def __iter__(self) -> Iterator[Cut]:
        return iter(self.cuts)

    def __len__(self) -> int:
        return len(self.cuts)

    def __repr__(self) -> str:
        return f"Selection({self.names})"

    def masks(self, events: Events) -> dict[str, NDArray[np.bool_]]:
        """Each cut's own mask (not cumulative), by name."""
        return {c.name: c(events) for c in self.cuts}

    def mask(self, events: Events) -> NDArray[np.bool_]:
        """Events passing every cut (all True for an empty selection)."""
        out = np.ones(_n_events(events), dtype=bool)
        for c in self.cuts:
            out &= c(events)
        return out

    __call__ = mask

    def cut_flow(self, events: Events, weights: str | ArrayLike | None = None) -> dict[str, float]:
        """Cumulative passing fraction after each cut, in order.

        Parameters
        ----------
        events : DataFrame or mapping
            Events.
        weights : str or array_like, optional
            Event weights, or the name of a weight column (e.g. ``"weight"``); unweighted
            (event counts) if omitted.

        Returns
        -------
        dict
            ``{cut name: fraction of the (weighted) events passing this and all earlier cuts}``.
        """
        n = _n_events(events)
        if weights is None:
            w = np.ones(n)
        elif isinstance(weights, str):
            if weights not in _columns(events):
                raise ValueError(f"weights column {weights!r} not in events")
            w = np.asarray(events[weights], dtype=float)
        else:
            w = np.asarray(weights, dtype=float)
        if w.shape != (n,) or not np.all(np.isfinite(w)):
            raise ValueError(f"weights must be {n} finite numbers, got shape {w.shape}")
        total = w.sum()
        if total == 0:
            raise ValueError("the total weight of the events is 0; no fractions to compute")
        flow: dict[str, float] = {}
        passing = np.ones(n, dtype=bool)
        for c in self.cuts:
            passing &= c(events)
            flow[c.name] = float(w[passing].sum() / total)
        return flow


# ---------------------------------------------------------------- standard cuts
def _angle_deg(value: float, name: str, upper: float = 180.0) -> float:
    v = float(value)
    if not (np.isfinite(v) and 0.0 <= v <= upper):
        raise ValueError(f"{name} must be in [0, {upper:g}] degrees, got {value!r}")
    return v


def energy_threshold(
    particle: str,
    threshold_GeV: float,
    reco: bool = True,
    kinetic: bool = False,
    name: str | None = None,
) -> Cut:
    """Cut requiring the energy of ``particle`` to exceed ``threshold_GeV`` [GeV] (strictly).

    ``kinetic=True`` compares the kinetic energy E - m instead of E.
    """
    thr = float(threshold_GeV)
    if not (np.isfinite(thr) and thr >= 0):
        raise ValueError(f"threshold_GeV must be finite and >= 0 GeV, got {threshold_GeV!r}")
    label = "T" if kinetic else "E"
    return Cut(
        name or f"{particle}_{label}>{thr * 1e3:g}MeV",
        lambda ev: above_threshold(four_momentum(ev, particle, reco), thr, kinetic=kinetic),
        f"{'kinetic ' if kinetic else ''}energy of {particle} > {thr:g} GeV",
    )


def energy_thresholds(
    thresholds: Mapping[str, float], reco: bool = True, kinetic: bool = False
) -> Selection:
    """One :func:`energy_threshold` cut per particle: ``{"e_minus": 0.01, "e_plus": 0.01}``."""
    if not thresholds:
        raise ValueError("thresholds must name at least one particle")
    return Selection(
        *(energy_threshold(p, t, reco=reco, kinetic=kinetic) for p, t in thresholds.items())
    )


def opening_angle(
    particle_a: str,
    particle_b: str,
    min_angle_deg: float = 10.0,
    reject_back_to_back: bool = False,
    reco: bool = True,
    name: str | None = None,
) -> Cut:
    """Cut on the opening angle theta between two particles.

    Parameters
    ----------
    particle_a, particle_b : str
        Particle names.
    min_angle_deg : float
        Minimum opening angle [degrees], in [0, 90] when ``reject_back_to_back``.
    reject_back_to_back : bool
        False (default): require theta > min_angle. True: require |cos theta| < cos(min_angle),
        the variant of the reference KDAR recast implementation, which also rejects pairs within
        min_angle of back to back.
    reco : bool
        Use reconstructed (default) or true momenta.
    name : str, optional
        Cut name (default built from the arguments).
    """
    upper = 90.0 if reject_back_to_back else 180.0
    amin = _angle_deg(min_angle_deg, "min_angle_deg", upper)
    cmin = np.cos(np.radians(amin))

    def _mask(ev: Events) -> NDArray[np.bool_]:
        c = cos_angle(four_momentum(ev, particle_a, reco), four_momentum(ev, particle_b, reco))
        return np.abs(c) < cmin if reject_back_to_back else c < cmin

    if reject_back_to_back:
        default = f"|cos(angle({particle_a},{particle_b}))|<cos({amin:g}deg)"
        desc = f"|cos theta| < cos({amin:g} deg) between {particle_a} and {particle_b}"
    else:
        default = f"angle({particle_a},{particle_b})>{amin:g}deg"
        desc = f"opening angle between {particle_a} and {particle_b} > {amin:g} deg"
    return Cut(name or default, _mask, desc)


def angle_to_direction(
    particle: str,
    direction: ArrayLike | Callable[[Events], ArrayLike],
    max_angle_deg: float | None = None,
    min_angle_deg: float | None = None,
    reco: bool = True,
    name: str | None = None,
) -> Cut:
    """Cut on the angle between a particle's momentum and a given direction.

    Parameters
    ----------
    particle : str
        Particle name.
    direction : array_like, shape (3,) or (N, 3), or callable
        Reference direction (e.g. the beam axis, or from the source to each vertex), or a
        function ``events -> directions``.
    max_angle_deg, min_angle_deg : float, optional
        Require min_angle < angle < max_angle [degrees]; at least one must be given.
    reco : bool
        Use reconstructed (default) or true momenta.
    name : str, optional
        Cut name.
    """
    if max_angle_deg is None and min_angle_deg is None:
        raise ValueError("give max_angle_deg and/or min_angle_deg")
    amax = None if max_angle_deg is None else _angle_deg(max_angle_deg, "max_angle_deg")
    amin = None if min_angle_deg is None else _angle_deg(min_angle_deg, "min_angle_deg")
    if amax is not None and amin is not None and amin >= amax:
        raise ValueError(f"min_angle_deg ({amin}) must be below max_angle_deg ({amax})")
    if not callable(direction):
        fixed = np.asarray(direction, dtype=float)
        if fixed.shape[-1:] != (3,) or not np.all(np.isfinite(fixed)):
            raise ValueError(f"direction must be finite 3-vectors, got shape {fixed.shape}")
        if np.any(np.linalg.norm(fixed, axis=-1) == 0):
            raise ValueError("direction must be non-zero")

    def _mask(ev: Events) -> NDArray[np.bool_]:
        d = np.asarray(direction(ev) if callable(direction) else direction, dtype=float)
        c = cos_angle(four_momentum(ev, particle, reco), d)
        ok = np.ones(c.shape, dtype=bool)
        if amax is not None:
            ok &= c > np.cos(np.radians(amax))
        if amin is not None:
            ok &= c < np.cos(np.radians(amin))
        return np.broadcast_to(ok, (_n_events(ev),)).copy()

    lo = "" if amin is None else f"{amin:g}deg<"
    hi = "" if amax is None else f"<{amax:g}deg"
    return Cut(
        name or f"{lo}angle({particle},dir){hi}",
        _mask,
        f"angle between {particle} and the reference direction in ({amin}, {amax}) deg",
    )
