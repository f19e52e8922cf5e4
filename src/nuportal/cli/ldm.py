"""``nuportal ldm ...``: light dark matter from a proton target scattering on electrons.

A thin layer over :mod:`nuportal.inference.light_dark_matter`: ``events`` (signal and neutrino
background at the DUNE ND positions, or MiniBooNE with a recoil window) and ``sensitivity`` (the
90 % CL reach in y versus m_chi for every configuration, rate and spectral).
"""

from __future__ import annotations

import math
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from nuportal.cli._util import (
    TABLE_SUFFIXES,
    check_executor,
    check_number,
    check_out,
    check_plot,
    fail,
    parse_list,
    show_progress,
    write_table,
)
from nuportal.cli.options import (
    NEventsOption,
    PlotOption,
    SchedulerOption,
    SeedOption,
    WorkersOption,
    out_option,
)

__all__ = ["events", "ldm_app", "sensitivity"]

ldm_app = typer.Typer(
    help="Light dark matter (dark photon portal) at the DUNE ND on and off axis, or MiniBooNE.",
    no_args_is_help=True,
)

_ME = 0.51099895e-3
_CHANNELS = ("pi0", "eta", "pi0_3body", "eta_3body", "proton_brem", "cascade")


class Experiment(str, Enum):
    dune_nd = "dune_nd"
    miniboone = "miniboone"


class Spin(str, Enum):
    scalar = "scalar"
    dirac = "dirac"


ExperimentOption = Annotated[
    Experiment,
    typer.Option(
        case_sensitive=False,
        help="dune_nd: ND-LAr on the LBNF beam (120 GeV, graphite), at --positions; miniboone: "
        "the BdNMC MiniBooNE example (8.9 GeV BNB on beryllium, 5 m CH2 sphere at 491 m).",
    ),
]
MChiOption = Annotated[float, typer.Option("--m-chi", help="Dark matter mass m_chi (GeV).")]
SpinOption = Annotated[Spin, typer.Option(case_sensitive=False, help="chi spin.")]
AlphaDOption = Annotated[
    float, typer.Option("--alpha-d", help="Dark coupling alpha_D = g_D^2/(4 pi), in (0, 4 pi].")
]
PositionsOption = Annotated[
    str,
    typer.Option(
        help="ND-LAr off-axis positions (m), comma-separated, each in [0, 33] (tables to 19 m, "
        "extrapolated beyond with a warning)."
    ),
]
SharesOption = Annotated[
    str | None,
    typer.Option(
        help="Time share of each position, comma-separated, summing to 1 (default: half on axis, "
        "the rest split evenly)."
    ),
]
ChannelsOption = Annotated[
    str | None,
    typer.Option(
        help=f"Production channels, comma-separated, of {', '.join(_CHANNELS)} (default: every "
        "open channel; cascade costs ~10 s per mass)."
    ),
]


def _positions(text: str, option: str = "--positions") -> list[float]:
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        fail(f"{option} must be comma-separated numbers (m), got {text!r}")
    if not values:
        fail(f"{option} must list at least one position (m)")
    for v in values:
        check_number(option, v, low=0.0, high=33.0, unit="m")
    return list(dict.fromkeys(values))


def _shares(text: str | None, positions: list[float]) -> dict[float, float]:
    if text is None:
        if len(positions) == 1:
            return {positions[0]: 1.0}
        on = 0.5 if 0.0 in positions else 0.0
        rest = [p for p in positions if p != 0.0]
        out = {p: (1.0 - on) / len(rest) for p in rest}
        if on:
            out[0.0] = on
        return dict(sorted(out.items()))
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        fail(f"--shares must be comma-separated numbers, got {text!r}")
    if len(values) != len(positions):
        fail(f"--shares needs one value per position ({len(positions)}), got {len(values)}")
    if any(not (math.isfinite(v) and v >= 0) for v in values) or abs(sum(values) - 1) > 1e-6:
        fail(f"--shares must be >= 0 and sum to 1, got {text!r}")
    return dict(zip(positions, values, strict=True))


def _check_model(m_chi: float, ratio: float, alpha_d: float, epsilon: float | None) -> None:
    check_number("--m-chi", m_chi, low=1e-4, high=1.0, unit="GeV")
    check_number("--ratio", ratio, low=2.0, low_open=True, high=1e3)
    check_number("--alpha-d", alpha_d, low=0.0, low_open=True, high=4 * math.pi)
    check_number("--epsilon", epsilon, low=0.0, low_open=True, high=1.0)


@ldm_app.command("events")
def events(
    m_chi: MChiOption = 0.03,
    ratio: Annotated[float, typer.Option(help="m_A' / m_chi (> 2).")] = 3.0,
    alpha_d: AlphaDOption = 0.5,
    epsilon: Annotated[
        float | None,
        typer.Option(help="Kinetic mixing (default: alpha_D eps^4 = 1e-15, the benchmark)."),
    ] = None,
    spin: SpinOption = Spin.scalar,
    experiment: ExperimentOption = Experiment.dune_nd,
    positions: PositionsOption = "0,10,20,30",
    pot: Annotated[
        float, typer.Option(help="Protons on target per position and horn mode.")
    ] = 1.1e21,
    channels: ChannelsOption = None,
    t_min: Annotated[
        float | None,
        typer.Option(help="MiniBooNE: lowest electron kinetic energy T (GeV) [default 0.035]."),
    ] = None,
    t_max: Annotated[
        float | None,
        typer.Option(help="MiniBooNE: highest electron kinetic energy T (GeV) [default 0.9]."),
    ] = None,
    n_events: NEventsOption = 50_000,
    seed: SeedOption = 1,
    out: Annotated[
        Path | None, out_option("Write the signal's weighted electrons (.parquet or .csv).")
    ] = None,
    plot: PlotOption = None,
) -> None:
    """Signal events per production channel and neutrino background, per position."""
    if epsilon is None:
        epsilon = (1e-15 / alpha_d) ** 0.25 if alpha_d > 0 else math.nan
    _check_model(m_chi, ratio, alpha_d, epsilon)
    check_number("--pot", pot, low=0.0, low_open=True, unit="POT")
    chosen = parse_list("--channels", channels, _CHANNELS)
    if out is not None:
        check_out(out, TABLE_SUFFIXES)
    check_plot(plot)
    if experiment == Experiment.miniboone:
        if t_min is None:
            t_min = 0.035
        if t_max is None:
            t_max = 0.9
        check_number("--t-min", t_min, low=0.0, low_open=True, unit="GeV")
        check_number("--t-max", t_max, low=t_min, low_open=True, unit="GeV")
        pos = [0.0]
    else:
        if t_min is not None or t_max is not None:
            fail("--t-min/--t-max apply to --experiment miniboone (the DUNE ND uses 250 MeV bins)")
        pos = _positions(positions)
    import warnings

    import pandas as pd

    from nuportal.inference.light_dark_matter import ElectronSelection, ldm_signal
    from nuportal.inference.light_dark_matter.background import nu_electron_background
    from nuportal.inference.light_dark_matter.selection import MiniBooNEGeometry

    kwargs = {}
    if experiment == Experiment.miniboone:
        kwargs = {
            "beam": "bnb",
            "geometry": MiniBooNEGeometry(),
            "selection": ElectronSelection(
                energy_edges=(t_min + _ME, t_max + _ME), e_theta2_max=math.inf,
                resolution_stochastic=0.0, resolution_constant=0.0, angular_resolution=0.0,
            ),
        }  # fmt: skip
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UserWarning)
            signal = ldm_signal(
                m_chi, ratio * m_chi, alpha_D=alpha_d, epsilon=epsilon, spin=spin.value,
                positions=pos, channels=chosen, n_events=n_events, seed=seed, **kwargs,
            )  # fmt: skip
            background = None
            if experiment == Experiment.dune_nd:
                background = nu_electron_background(pos, n_events=n_events, seed=seed + 1)
    except ValueError as exc:
        if "closed" in str(exc) or "outside its validity" in str(exc):
            fail(f"--m-chi {m_chi:g} GeV, --ratio {ratio:g} (m_A' = {ratio * m_chi:g} GeV): {exc}")
        fail(str(exc))
    for msg in {str(w.message) for w in caught}:
        typer.echo(f"nuportal: warning: {msg}", err=True)
    table = signal.by_channel.assign(selected_events=signal.by_channel["selected_per_pot"] * pot)
    typer.echo(
        f"m_chi = {m_chi:g} GeV, m_A' = {ratio * m_chi:g} GeV, alpha_D = {alpha_d:g}, "
        f"eps = {epsilon:.4g} ({spin.value} chi), y = {signal.y:.4g}; {pot:.3g} POT per position"
        + (" and horn mode" if background is not None else "")
    )
    typer.echo(
        table[["position_m", "channel", "chi_crossing_per_pot", "selected_events"]].to_string(
            index=False, float_format=lambda v: f"{v:.4g}"
        )
    )
    if background is not None:
        bkg = background.by_process.assign(
            selected_events=background.by_process["selected_per_pot"] * pot
        )
        summary = bkg.groupby(["position_m", "mode", "process"], as_index=False)[
            "selected_events"
        ].sum()
        typer.echo("neutrino background (selected):")
        typer.echo(summary.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    if out is not None:
        write_table(pd.DataFrame(signal.events), out)
        typer.echo(f"wrote {out}")
    if plot is not None:
        from nuportal.plotting.ldm import plot_ldm_events

        bkg_events = background.events if background is not None else signal.events.iloc[:0]
        plot_ldm_events(
            signal.events, bkg_events, {x: pot for x in pos}, plot,
            title=(
                f"{experiment.value}: $m_\\chi$ = {m_chi * 1e3:g} MeV, $m_{{A'}}$ = "
                f"{ratio * m_chi * 1e3:g} MeV, $\\alpha_D$ = {alpha_d:g}, $\\epsilon$ = "
                f"{epsilon:.3g} ({spin.value}); {pot:.3g} POT per position and mode"
            ),
        )  # fmt: skip
        typer.echo(f"wrote {plot}")


@ldm_app.command("sensitivity")
def sensitivity(
    m_chi_min: Annotated[float, typer.Option("--m-chi-min", help="Lowest m_chi (GeV).")] = 0.003,
    m_chi_max: Annotated[float, typer.Option("--m-chi-max", help="Highest m_chi (GeV).")] = 0.3,
    n_masses: Annotated[int, typer.Option(min=1, help="Masses, log-spaced.")] = 40,
    ratio: Annotated[float, typer.Option(help="m_A' / m_chi (> 2).")] = 3.0,
    alpha_d: AlphaDOption = 0.5,
    spin: SpinOption = Spin.scalar,
    positions: PositionsOption = "0,10,20,30",
    shares: SharesOption = None,
    years_fhc: Annotated[float, typer.Option(help="Years in neutrino mode.")] = 3.5,
    years_rhc: Annotated[float, typer.Option(help="Years in antineutrino mode.")] = 3.5,
    pot_per_year: Annotated[float, typer.Option(help="Protons on target per year.")] = 1.1e21,
    analysis: Annotated[
        str, typer.Option(help="Analyses, comma-separated: rate, spectral.")
    ] = "rate,spectral",
    flux_norm: Annotated[
        float, typer.Option(help="Shared flux normalization uncertainty (fraction).")
    ] = 0.10,
    position_norm: Annotated[
        float, typer.Option(help="Per-position normalization uncertainty (fraction).")
    ] = 0.02,
    bin_uncorrelated: Annotated[
        float,
        typer.Option(help="Uncorrelated bin-to-bin uncertainty (fraction; slower when > 0)."),
    ] = 0.0,
    channels: ChannelsOption = None,
    n_events: NEventsOption = 30_000,
    seed: SeedOption = 1,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    out: Annotated[
        Path, out_option("Reach table: one row per mass, configuration and analysis.")
    ] = Path("ldm_reach.csv"),
    plot: PlotOption = None,
) -> None:
    """90 % CL reach in y = eps^2 alpha_D (m_chi/m_A')^4 versus m_chi at the DUNE ND."""
    check_number("--m-chi-min", m_chi_min, low=1e-4, high=1.0, unit="GeV")
    check_number("--m-chi-max", m_chi_max, low=m_chi_min, high=1.0, unit="GeV")
    _check_model(m_chi_min, ratio, alpha_d, None)
    for name, v in (("--years-fhc", years_fhc), ("--years-rhc", years_rhc)):
        check_number(name, v, low=0.0, unit="years")
    if years_fhc + years_rhc <= 0:
        fail("--years-fhc and --years-rhc cannot both be 0")
    check_number("--pot-per-year", pot_per_year, low=0.0, low_open=True, unit="POT")
    for name, v in (("--flux-norm", flux_norm), ("--position-norm", position_norm),
                    ("--bin-uncorrelated", bin_uncorrelated)):
        check_number(name, v, low=0.0, high=1.0, high_open=True)
    analyses = parse_list("--analysis", analysis, ("rate", "spectral"))
    chosen = parse_list("--channels", channels, _CHANNELS)
    pos = _positions(positions)
    plan_shares = _shares(shares, pos)
    check_out(out, TABLE_SUFFIXES)
    check_plot(plot)
    check_executor(workers, scheduler)
    import numpy as np

    from nuportal.experiments.ldm_limits import existing_ldm_limits
    from nuportal.inference.light_dark_matter.reach import RunPlan, ldm_reach
    from nuportal.stats.binned_reach import Systematics

    plan = RunPlan(pot_per_year=pot_per_year, years={"fhc": years_fhc, "rhc": years_rhc},
                   position_shares=plan_shares)  # fmt: skip
    syst = Systematics(flux_norm=flux_norm, channel_norm=position_norm,
                       bin_uncorrelated=bin_uncorrelated)  # fmt: skip
    masses = np.geomspace(m_chi_min, m_chi_max, n_masses)
    try:
        reach = ldm_reach(
            masses, ratio=ratio, alpha_D=alpha_d, spin=spin.value, plan=plan, analyses=analyses,
            systematics=syst, channels=chosen, n_events=n_events, seed=seed, workers=workers,
            scheduler=scheduler, progress=show_progress(),
        )  # fmt: skip
    except ValueError as exc:
        fail(str(exc))
    write_table(reach, out)
    best = reach.loc[reach.groupby(["configuration", "analysis"])["y_limit"].idxmin()]
    typer.echo(best[["configuration", "analysis", "m_chi", "y_limit"]].to_string(
        index=False, float_format=lambda v: f"{v:.3g}"))  # fmt: skip
    typer.echo(f"wrote {out}")
    if plot is not None:
        from nuportal.plotting.ldm import plot_ldm_reach

        plot_ldm_reach(reach, plot, limits=existing_ldm_limits(alpha_d))
        typer.echo(f"wrote {plot}")
