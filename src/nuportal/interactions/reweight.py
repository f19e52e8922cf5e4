"""Reweighting knobs: event weights for a change of a model parameter (GENIE-ReWeight style).

A :class:`Knob` turns the stored true kinematics of events into the ratio
``w = (dsigma at the new parameter value) / (dsigma at the value the events were generated with)``,
vectorized over events; events of processes a knob does not touch get ``w = 1``. Knobs are kept in
the registry :data:`KNOBS` (:func:`register_knob`); :func:`reweight` multiplies the weights of
several knobs. The nominal value of a knob is the generator default; events record the values
they were generated with in ``metadata["params"]``, and every knob reweights *from* that value
(falling back to the nominal).

Knobs registered by the process modules (importing :mod:`nuportal.interactions` registers all):
CCQE axial mass, Fermi momentum, binding energy, RPA-like Q^2 suppression (``ccqe.py``), 2p2h
normalization and (q0, |q|) shape, NOvA 2018 MEC map (``mec.py``); resonant/DIS knobs
(``resonant.py``, ``dis.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

__all__ = ["KNOBS", "Knob", "generated_value", "register_knob", "reweight"]

#: ``weight(events, value)``: events DataFrame (with ``.attrs["params"]`` = generation
#: parameters), new value -> weights (one per row, >= 0).
WeightFunction = Callable[[pd.DataFrame, float], NDArray[np.float64]]


@dataclass(frozen=True)
class Knob:
    """A reweightable model parameter.

    Attributes
    ----------
    name : str
        Registry key, also the keyword of :func:`reweight` and of the generator's ``params``.
    nominal : float
        Default (generator) value, in ``unit``.
    sigma : float
        A conventional 1-sigma uncertainty (for fits and plots), in ``unit``.
    unit : str
        ``"GeV"``, ``"1"`` (dimensionless), ...
    doc : str
        What the knob does, with its reference.
    weight : callable
        ``weight(events_df, value) -> ndarray`` of per-event weight ratios.
    lower, upper : float
        Allowed range of ``value`` (ValueError outside).
    """

    name: str
    nominal: float
    sigma: float
    unit: str
    doc: str
    weight: WeightFunction
    lower: float = -np.inf
    upper: float = np.inf

    def check(self, value: float) -> float:
        """``value`` as float, or ValueError naming the knob and its allowed range."""
        v = float(value)
        if not (np.isfinite(v) and self.lower <= v <= self.upper):
            raise ValueError(
                f"{self.name} must be finite and in [{self.lower}, {self.upper}] {self.unit}, "
                f"got {value!r}"
            )
        return v


#: Registry of knobs by name.
KNOBS: dict[str, Knob] = {}


def register_knob(knob: Knob) -> Knob:
    """Add ``knob`` to :data:`KNOBS` (replacing a knob of the same name) and return it."""
    if not isinstance(knob, Knob):
        raise ValueError(f"knob must be a Knob, got {type(knob).__name__}")
    KNOBS[knob.name] = knob
    return knob


def generated_value(events: pd.DataFrame, name: str) -> float:
    """Value of parameter ``name`` the events were generated with (metadata, else nominal)."""
    params = events.attrs.get("params") or {}
    if name in params:
        return float(params[name])
    return float(KNOBS[name].nominal)


def _frame(events: Any) -> pd.DataFrame:
    df = getattr(events, "events", events)
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"events must be InteractionEvents or a DataFrame, got {type(events)}")
    params = getattr(events, "metadata", {}).get("params") if hasattr(events, "metadata") else None
    if params is not None and "params" not in df.attrs:
        df = df.copy(deep=False)
        df.attrs = {**df.attrs, "params": dict(params)}
    return df


def reweight(events: Any, **values: float) -> NDArray[np.float64]:
    """Product of the knobs' weights for new parameter values.

    Parameters
    ----------
    events : InteractionEvents or pandas.DataFrame
        Events with their true kinematics (and ``metadata["params"]``: generation values).
    **values : float
        New values by knob name (see :data:`KNOBS`), in the knob's unit.

    Returns
    -------
    ndarray
        Weights to multiply the event weights with (1 where no knob applies).

    Raises
    ------
    ValueError
        Unknown knob name (the message lists the known ones) or a value outside its range.
    """
    import nuportal.interactions  # noqa: F401  (registers the process modules' knobs)

    df = _frame(events)
    w = np.ones(len(df))
    for name, value in values.items():
        if name not in KNOBS:
            raise ValueError(f"unknown knob {name!r}; known: {sorted(KNOBS)}")
        knob = KNOBS[name]
        w *= knob.weight(df, knob.check(value))
    return w
