"""Shared behaviour of a decaying new particle: widths by channel -> branching ratios, lifetime.

A model sets ``self._mass`` (GeV, array or 0-d) and ``self._widths`` ({channel: Gamma [GeV]})
and names its couplings in ``_zero_coupling_message`` (why branching ratios can be undefined).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal import constants
from nuportal._validation import scalar_or_array

__all__ = ["DecayingParticle"]


class DecayingParticle:
    """Mixin: channels, partial and total widths, branching ratios, lifetime and decay length."""

    _mass: NDArray[np.float64]
    _widths: dict[str, NDArray[np.float64]]
    _zero_coupling_message = "branching ratios are undefined: the couplings vanish"

    @property
    def channels(self) -> tuple[str, ...]:
        """Names of all decay channels (keys of :meth:`partial_widths`)."""
        return tuple(self._widths)

    def partial_widths(self) -> dict[str, NDArray[np.float64] | float]:
        """Partial widths {channel: Gamma [GeV]}; see the class docstring for channel names."""
        return {k: scalar_or_array(v.copy()) for k, v in self._widths.items()}

    @property
    def total_width(self) -> NDArray[np.float64] | float:
        """Total width [GeV] (sum over :meth:`partial_widths`)."""
        return scalar_or_array(np.sum(list(self._widths.values()), axis=0))

    def branching_ratios(self) -> dict[str, NDArray[np.float64] | float]:
        """Branching ratios {channel: Br}; ValueError if the couplings vanish."""
        total = np.asarray(self.total_width)
        if np.any(total <= 0.0):
            raise ValueError(self._zero_coupling_message)
        return {k: scalar_or_array(v / total) for k, v in self._widths.items()}

    def branching_ratio(self, channel: str) -> NDArray[np.float64] | float:
        """Branching ratio of one channel (a key of :meth:`partial_widths`)."""
        if channel not in self._widths:
            raise ValueError(f"unknown channel {channel!r}; known channels: {list(self._widths)}")
        return self.branching_ratios()[channel]

    @property
    def lifetime(self) -> NDArray[np.float64] | float:
        """Proper lifetime tau = hbar / Gamma_tot [s] (inf if the couplings vanish)."""
        total = np.asarray(self.total_width)
        safe = np.where(total > 0.0, total, 1.0)
        return scalar_or_array(np.where(total > 0.0, constants.HBAR / safe, np.inf))

    @property
    def ctau(self) -> NDArray[np.float64] | float:
        """c tau = hbar c / Gamma_tot [m]."""
        return scalar_or_array(np.asarray(self.lifetime) * constants.SPEED_OF_LIGHT)

    def decay_length(self, momentum: ArrayLike) -> NDArray[np.float64] | float:
        """Mean lab-frame decay length beta gamma c tau = c tau p / m [m].

        Parameters
        ----------
        momentum : float or array_like
            Momentum |p| [GeV], finite and >= 0; broadcasts against the mass.
        """
        p = np.asarray(momentum, dtype=float)
        if np.any(~np.isfinite(p)) or np.any(p < 0.0):
            raise ValueError(f"momentum must be finite and >= 0 GeV, got {momentum!r}")
        return scalar_or_array(np.asarray(self.ctau) * p / self._mass)
