"""Light-dark-matter reach at the DUNE ND: rate and spectral analyses, on axis and DUNE-PRISM.

For each chi mass (m_A' = ratio x m_chi, fixed alpha_D) the signal is computed once at a
reference coupling (:func:`~nuportal.inference.light_dark_matter.signal.ldm_signal`) and rescaled
(N_sig proportional to y^2); the neutrino background once for all masses
(:func:`~nuportal.inference.light_dark_matter.background.nu_electron_background`). Each
*configuration* is a set of (position, horn mode) channels with the exposure of the
:class:`RunPlan`:

* ``on-axis (all POT)``: the whole exposure at 0 m (no PRISM);
* ``x m``: one position alone, with its share of the exposure;
* ``PRISM``: every position with its share (the combined on/off-axis fit).

Statistics: :func:`nuportal.stats.binned_reach.expected_reach` (pyhf), with a flux normalization
shared by every channel and sample, one normalization per position, optional bin-to-bin terms;
the ``rate`` analysis sums each channel's selected bins into one, the ``spectral`` analysis keeps
the 250 MeV bins of reconstructed E_e. The reach is y_90 = y_ref sqrt(mu_90).

Units: GeV; exposures in protons on target.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nuportal.inference.light_dark_matter.background import NeutrinoBackground
from nuportal.inference.light_dark_matter.signal import LDMSignal
from nuportal.stats.binned_reach import Systematics, expected_reach

__all__ = ["ANALYSES", "RunPlan", "channels_for", "configurations", "reach_for_signal"]

ANALYSES: tuple[str, ...] = ("rate", "spectral")


def _default_shares() -> dict[float, float]:
    return {0.0: 0.5, 10.0: 1 / 6, 20.0: 1 / 6, 30.0: 1 / 6}


@dataclass(frozen=True)
class RunPlan:
    """Exposure per position and horn mode.

    Attributes
    ----------
    pot_per_year : float
        Protons on target per year (1.1e21: 120 GeV at 1.2 MW).
    years : mapping
        Years per horn mode (default 3.5 FHC + 3.5 RHC, seven years in all).
    position_shares : mapping
        Fraction of the time at each off-axis position [m] (default: half on axis, the rest
        split evenly between 10, 20 and 30 m: an illustrative DUNE-PRISM plan, an input).
    """

    pot_per_year: float = 1.1e21
    years: Mapping[str, float] = field(default_factory=lambda: {"fhc": 3.5, "rhc": 3.5})
    position_shares: Mapping[float, float] = field(default_factory=_default_shares)

    def __post_init__(self) -> None:
        if not (math.isfinite(self.pot_per_year) and self.pot_per_year > 0):
            raise ValueError(f"pot_per_year must be finite and > 0, got {self.pot_per_year!r}")
        for mode, y in self.years.items():
            if mode not in ("fhc", "rhc") or not (math.isfinite(y) and y >= 0):
                raise ValueError(
                    f"years must map 'fhc'/'rhc' to years >= 0, got {dict(self.years)}"
                )
        shares = np.array(list(self.position_shares.values()), float)
        if shares.size == 0 or np.any(shares < 0) or abs(shares.sum() - 1) > 1e-6:
            raise ValueError(
                f"position_shares must be >= 0 and sum to 1, got {dict(self.position_shares)}"
            )

    @property
    def positions(self) -> tuple[float, ...]:
        """Positions with a non-zero share [m]."""
        return tuple(float(p) for p, s in self.position_shares.items() if s > 0)

    def pot(self, position: float, mode: str, *, share: float | None = None) -> float:
        """POT at ``position`` in ``mode`` (``share`` overrides the plan's time fraction)."""
        s = self.position_shares.get(position, 0.0) if share is None else share
        return self.pot_per_year * self.years.get(mode, 0.0) * s


def configurations(plan: RunPlan) -> dict[str, dict[float, float]]:
    """Configuration name -> {position: time share}: on axis (all POT), each position, PRISM."""
    out = {"on-axis (all POT)": {0.0: 1.0}}
    for p in plan.positions:
        out[f"{p:g} m"] = {p: float(plan.position_shares[p])}
    if len(plan.positions) > 1:
        out["PRISM"] = {p: float(plan.position_shares[p]) for p in plan.positions}
    return out


def channels_for(
    signal: LDMSignal,
    background: NeutrinoBackground,
    plan: RunPlan,
    shares: Mapping[float, float],
    analysis: str,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Signal (at the reference coupling) and background event histograms per channel."""
    if analysis not in ANALYSES:
        raise ValueError(f"analysis must be one of {list(ANALYSES)}, got {analysis!r}")
    sig, bkg = {}, {}
    for position, share in shares.items():
        if position not in signal.histograms:
            raise ValueError(f"the signal was not computed at {position:g} m off axis")
        for mode, years in plan.years.items():
            if years <= 0:
                continue
            if (position, mode) not in background.histograms:
                raise ValueError(f"no background at {position:g} m in {mode}")
            pot = plan.pot(position, mode, share=share)
            s = signal.histograms[position] * pot
            b = background.histograms[(position, mode)] * pot
            if analysis == "rate":
                s, b = np.array([s.sum()]), np.array([b.sum()])
            name = f"x{position:g}m_{mode}"
            sig[name], bkg[name] = s, b
    return sig, bkg


def reach_for_signal(
    signal: LDMSignal,
    background: NeutrinoBackground,
    plan: RunPlan | None = None,
    *,
    analyses: Sequence[str] = ANALYSES,
    systematics: Systematics | None = None,
    cl: float = 0.90,
) -> pd.DataFrame:
    """y_90 of every configuration and analysis for one signal (one mass point).

    Returns
    -------
    pandas.DataFrame
        Columns m_chi, m_dark_photon, alpha_D, spin, configuration, analysis, y_limit,
        signal_events (at y_limit), background_events, mu.
    """
    plan = plan or RunPlan()
    syst = systematics or Systematics()
    rows = []
    for config, shares in configurations(plan).items():
        for analysis in analyses:
            sig, bkg = channels_for(signal, background, plan, shares, analysis)
            if sum(float(s.sum()) for s in sig.values()) <= 0:
                y_lim, res = math.inf, None
            else:
                res = expected_reach(sig, bkg, syst, cl=cl)
                y_lim = signal.y * math.sqrt(res.mu)
            rows.append(
                {
                    "m_chi": signal.m_chi,
                    "m_dark_photon": signal.m_dark_photon,
                    "alpha_D": signal.alpha_D,
                    "spin": signal.spin,
                    "configuration": config,
                    "analysis": analysis,
                    "y_limit": y_lim,
                    "signal_events": res.signal_events if res else 0.0,
                    "background_events": res.background_events if res else float(
                        sum(b.sum() for b in bkg.values())
                    ),
                    "mu": res.mu if res else math.inf,
                }
            )
    return pd.DataFrame(rows)
