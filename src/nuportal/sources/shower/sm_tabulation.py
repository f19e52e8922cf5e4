"""Numerical helpers of the Standard-Model shower physics: input checks, quadrature, tables.

One home for (i) the validation of energies and cuts (a ValueError naming the parameter, its
value and the allowed range), (ii) Gauss-Legendre nodes, and (iii) :class:`ThresholdTable`, the
log-log interpolation table of a quantity that vanishes at a threshold, used for the total cross
sections and stopping powers that are too expensive to evaluate by quadrature at run time.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "MAX_ENERGY",
    "ThresholdTable",
    "check_cut",
    "check_energy",
    "gauss_legendre",
]

#: Highest total energy [GeV] the tables cover (1 PeV); larger energies raise ValueError.
MAX_ENERGY: float = 1.0e6


def check_energy(
    value: ArrayLike, name: str = "energy", minimum: float = 0.0, maximum: float = MAX_ENERGY
) -> NDArray[np.float64]:
    """``value`` as a float array, or a ValueError unless every element is in [minimum, maximum].

    Parameters
    ----------
    value : array_like
        Energies [GeV].
    name : str
        Parameter name quoted in the error message.
    minimum, maximum : float
        Allowed closed range [GeV].
    """
    e = np.asarray(value, dtype=float)
    if e.size and not (np.all(np.isfinite(e)) and e.min() >= minimum and e.max() <= maximum):
        bad = e[~(np.isfinite(e) & (e >= minimum) & (e <= maximum))]
        raise ValueError(
            f"{name} must be finite and in [{minimum:g}, {maximum:g}] GeV, "
            f"got {bad.ravel()[:3]!r} (first offending values)"
        )
    return e


def check_cut(value: float, name: str) -> float:
    """``value`` as a float, or a ValueError unless it is finite and > 0 [GeV]."""
    v = float(value)
    if not (np.isfinite(v) and 0.0 < v <= MAX_ENERGY):
        raise ValueError(f"{name} must be finite and in (0, {MAX_ENERGY:g}] GeV, got {value!r}")
    return v


@cache
def gauss_legendre(n: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Gauss-Legendre nodes and weights on [0, 1] (``n`` points)."""
    x, w = np.polynomial.legendre.leggauss(n)
    return 0.5 * (x + 1.0), 0.5 * w


class ThresholdTable:
    """Tabulated y(E) >= 0 that vanishes at E = threshold, interpolated log-log in (E - threshold).

    The grid is uniform in ln(E - threshold) from E - threshold = ``lowest`` to E = ``highest``.
    Between two positive nodes the interpolation is linear in (ln(E - threshold),
    ln y), exact for the power laws of cross sections near threshold and at high energy; next to a
    zero node it is linear in y. Below the first node y falls linearly to 0 at the threshold.

    Parameters
    ----------
    threshold : float
        Energy [GeV] at which y vanishes (0 for a quantity without threshold).
    lowest : float
        First grid node above the threshold, E - threshold [GeV].
    highest : float
        Last grid node, E [GeV].
    points_per_decade : int
        Grid density.
    function : callable
        Vectorized y(E), called once on the grid energies.
    """

    def __init__(
        self,
        threshold: float,
        lowest: float,
        highest: float,
        points_per_decade: int,
        function,
    ) -> None:
        span = highest - threshold
        n = int(np.ceil(np.log10(span / lowest) * points_per_decade)) + 1
        self.threshold = float(threshold)
        self._lowest = float(lowest)
        self._x0 = np.log(lowest)
        self._dx = (np.log(span) - self._x0) / (n - 1)
        self.energies = np.minimum(threshold + np.exp(self._x0 + self._dx * np.arange(n)), highest)
        self.values = np.maximum(np.asarray(function(self.energies), dtype=float), 0.0)
        with np.errstate(divide="ignore"):
            self._log_values = np.log(self.values)

    def __call__(self, energy: ArrayLike) -> NDArray[np.float64]:
        """Interpolated y at ``energy`` [GeV] (0 at and below threshold; clamped above the grid)."""
        e = np.asarray(energy, dtype=float)
        d = e - self.threshold
        out = np.zeros_like(d)
        above = d > 0.0
        if not np.any(above):
            return out
        x = (np.log(d[above]) - self._x0) / self._dx
        n = self.values.size
        i = np.clip(np.floor(x).astype(np.intp), 0, n - 2)
        t = np.clip(x - i, 0.0, 1.0)
        y0, y1 = self.values[i], self.values[i + 1]
        positive = (y0 > 0.0) & (y1 > 0.0)
        with np.errstate(invalid="ignore"):
            loglog = np.exp(self._log_values[i] * (1.0 - t) + self._log_values[i + 1] * t)
        y = np.where(positive, loglog, y0 * (1.0 - t) + y1 * t)
        first = x < 0.0  # below the first node: linear ramp from 0 at the threshold
        y = np.where(first, self.values[0] * d[above] / self._lowest, y)
        out[above] = y
        return out
