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
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from nuportal.inference.light_dark_matter.background import NeutrinoBackground
from nuportal.inference.light_dark_matter.signal import LDMSignal
from nuportal.stats.binned_reach import Systematics, expected_reach

__all__ = [
    "ANALYSES",
    "REACH_CHANNELS",
    "RunPlan",
    "background_positions",
    "channels_for",
    "configurations",
    "ldm_reach",
    "mass_channels",
    "reach_for_signal",
]

ANALYSES: tuple[str, ...] = ("rate", "spectral")
#: Production channels of a reach scan by default (each used where it is open).
REACH_CHANNELS: tuple[str, ...] = ("pi0_3body", "eta_3body", "proton_brem")


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


def mass_channels(
    m_chi: float,
    ratio: float,
    alpha_D: float,
    spin: str,
    channels: Sequence[str] | None = None,
) -> tuple[str, ...]:
    """Production channels of one mass of a scan: those of ``channels`` open at this mass.

    ``channels`` defaults to :data:`REACH_CHANNELS`. A channel closed at this mass (pi0/eta above
    the meson mass, brem outside its validity range) is left out, as for the default list.

    Raises
    ------
    ValueError
        If none of the channels is open at ``m_chi`` [GeV] (m_A' = ratio x m_chi).
    """
    from nuportal.models.light_dark_matter import DarkSector
    from nuportal.sources.target.dark_photons import open_channels

    sector = DarkSector(m_chi, alpha_D, spin)
    m_dark_photon = ratio * m_chi
    # the two-body meson channels are listed without a dark sector, the three-body ones with it
    available = set(open_channels("lbnf", m_dark_photon, sector)) | set(
        open_channels("lbnf", m_dark_photon)
    )
    wanted = REACH_CHANNELS if channels is None else tuple(dict.fromkeys(channels))
    used = tuple(c for c in wanted if c in available)
    if not used:
        raise ValueError(
            f"m_chi = {m_chi:g} GeV (m_A' = {m_dark_photon:g} GeV): none of the production "
            f"channels {', '.join(wanted)} is open at this mass (open: "
            f"{', '.join(sorted(available)) or 'none'})"
        )
    return used


def _one_mass(m_chi: float, ratio: float, background: NeutrinoBackground, plan: RunPlan,
              options: dict) -> pd.DataFrame:
    from nuportal.inference.light_dark_matter.signal import ldm_signal

    opts = dict(options)
    opts["channels"] = list(
        mass_channels(m_chi, ratio, opts["alpha_D"], opts["spin"], opts.get("channels"))
    )
    analyses = opts.pop("analyses")
    systematics = opts.pop("systematics")
    cl = opts.pop("cl")
    signal = ldm_signal(m_chi, ratio * m_chi, positions=background_positions(background), **opts)
    return reach_for_signal(
        signal, background, plan, analyses=analyses, systematics=systematics, cl=cl
    )


def background_positions(background: NeutrinoBackground) -> tuple[float, ...]:
    """Off-axis positions [m] a background was computed at."""
    return tuple(sorted({p for p, _ in background.histograms}))


def ldm_reach(
    m_chi: Sequence[float],
    *,
    ratio: float = 3.0,
    alpha_D: float = 0.5,
    spin: str = "scalar",
    plan: RunPlan | None = None,
    analyses: Sequence[str] = ANALYSES,
    systematics: Systematics | None = None,
    channels: Sequence[str] | None = None,
    n_events: int = 30_000,
    n_background: int = 100_000,
    cl: float = 0.90,
    seed: int = 1,
    workers: int | None = 1,
    scheduler: object = None,
    progress: bool | None = None,
    background: NeutrinoBackground | None = None,
) -> pd.DataFrame:
    """Expected 90 % CL reach in y versus m_chi (m_A' = ratio x m_chi) for every configuration.

    The background is computed once; each mass (signal at a reference coupling, then every
    configuration and analysis) is one job on a local process pool or a dask cluster
    (:func:`nuportal.scan.make_executor`).

    Parameters
    ----------
    m_chi : sequence of float
        chi masses [GeV] (each with 2 m_chi < m_A' = ratio x m_chi below the eta mass or inside
        the brem/cascade channels' reach).
    ratio : float
        m_A' / m_chi (> 2 for on-shell A' -> chi chi; 3 by convention).
    alpha_D : float
        Dark coupling (results scale as sqrt(alpha_D)).
    spin : {"scalar", "dirac"}
    plan : RunPlan, optional
    analyses : sequence of {"rate", "spectral"}
    systematics : Systematics, optional
    channels : sequence of str, optional
        Production channels (default: :data:`REACH_CHANNELS`); at each mass those of them
        that are open are used (:func:`mass_channels`: a mass with none fails before any
        work). Add ``"cascade"`` for the target's EM cascade, which costs ~10 s of showers per
        mass; it makes 0.5-2 % of the pi0 channel's A' at m_A' = 30-90 MeV
        (docs/target_cascade.md) but, being more forward, 3 % of its selected events on axis
        at m_A' = 90 MeV and ~1 % at 10 m (docs/ldm_dune.md).
    n_events, n_background : int
        A' per channel per mass; neutrino events per (position, mode, process, flavour).
    cl : float
        Confidence level.
    seed : int
        Seed of the background and of every mass job (one stream per mass).
    workers, scheduler
        Parallel execution (see :func:`nuportal.scan.make_executor`).
    progress : bool, optional
        Progress bar (default: on a terminal).
    background : NeutrinoBackground, optional
        Reuse a computed background.
    """
    import sys

    from tqdm.auto import tqdm

    from nuportal.inference.light_dark_matter.background import nu_electron_background
    from nuportal.scan import make_executor

    masses = [float(m) for m in m_chi]
    if not masses or any(not (math.isfinite(m) and m > 0) for m in masses):
        raise ValueError(f"m_chi must be masses > 0 GeV, got {m_chi!r}")
    if not (math.isfinite(ratio) and ratio > 2):
        raise ValueError(f"ratio m_A'/m_chi must be > 2 (on-shell A' -> chi chi), got {ratio!r}")
    plan = plan or RunPlan()
    for m in masses:  # a closed mass fails here, before the background is computed
        mass_channels(m, ratio, alpha_D, spin, channels)
    if background is None:
        background = nu_electron_background(
            plan.positions if 0.0 in plan.positions else (0.0, *plan.positions),
            modes=tuple(m for m, y in plan.years.items() if y > 0),
            n_events=n_background,
            seed=seed,
        )
    options = {
        "alpha_D": alpha_D, "spin": spin, "channels": channels, "n_events": n_events,
        "analyses": tuple(analyses), "systematics": systematics, "cl": cl,
    }  # fmt: skip
    show = sys.stderr.isatty() if progress is None else progress
    # the jobs need the background's histograms only: its event table (millions of rows) would
    # be pickled to the workers once per mass
    background = replace(background, events=background.events.iloc[:0])
    frames = []
    with make_executor(workers, scheduler) as (executor, _slots):
        futures = [
            executor.submit(_one_mass, m, ratio, background, plan,
                            {**options, "seed": [seed, i]})
            for i, m in enumerate(masses)
        ]
        for fut in tqdm(futures, total=len(futures), disable=not show, desc="LDM reach",
                        unit="mass"):
            frames.append(fut.result())
    return pd.concat(frames, ignore_index=True)
