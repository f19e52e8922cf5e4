"""``nuportal oscillation ...``: sterile-neutrino (3+1) fits and predictions at detectors.

Thin layers over :mod:`nuportal.stats.oscillation_fit` and
:mod:`nuportal.inference.near_detector`; the group is registered on the main app by
:mod:`nuportal.cli.app`.
"""

from __future__ import annotations

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
    show_progress,
    write_table,
)
from nuportal.cli.options import (
    PlotOption,
    SchedulerOption,
    SeedOption,
    WorkersOption,
    out_option,
)

__all__ = ["app"]

app = typer.Typer(
    help="Sterile-neutrino (3+1) fits to LSND and MiniBooNE, and predictions at detectors.",
    no_args_is_help=True,
)


class Experiment(str, Enum):
    miniboone = "miniboone"
    lsnd = "lsnd"
    joint = "joint"


class Mode(str, Enum):
    nu = "nu"
    nubar = "nubar"
    combined = "combined"


class Channel(str, Enum):
    numu_to_nue = "numu_to_nue"
    numu_disappearance = "numu_disappearance"
    nue_disappearance = "nue_disappearance"
    numubar_to_nuebar = "numubar_to_nuebar"
    numubar_disappearance = "numubar_disappearance"
    nuebar_disappearance = "nuebar_disappearance"


@app.command("fit")
def oscillation_fit(
    experiment: Annotated[
        Experiment, typer.Option(help="Data fitted: MiniBooNE, LSND or both.")
    ] = Experiment.miniboone,
    mode: Annotated[Mode, typer.Option(help="MiniBooNE beam mode.")] = Mode.combined,
    n_sin2: Annotated[
        int, typer.Option(min=2, help="Grid points in sin^2 2theta (1e-4 to 1, log spaced).")
    ] = 100,
    n_dm2: Annotated[
        int, typer.Option(min=2, help="Grid points in dm^2 (1e-2 to 1e2 eV^2, log spaced).")
    ] = 100,
    out: Annotated[Path, out_option("Surface table (.parquet or .csv).")] = Path("surface.parquet"),
    plot: PlotOption = None,
    fc_toys: Annotated[
        int,
        typer.Option(
            min=0,
            help="Feldman-Cousins pseudo-experiments per grid point for the 90% CL region "
            "(0: Wilks only; miniboone or lsnd).",
        ),
    ] = 0,
    seed: SeedOption = 1,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Fit a 3+1 model on a (sin^2 2theta, dm^2) grid: the surface, best fit and regions."""
    if fc_toys and experiment == Experiment.joint:
        fail("--fc-toys is available for --experiment miniboone or lsnd, not joint")
    check_out(out, TABLE_SUFFIXES)
    check_plot(plot)
    check_executor(workers, scheduler)
    import numpy as np

    from nuportal.stats.oscillation_fit import fit_surface

    s_grid, d_grid = np.geomspace(1e-4, 1.0, n_sin2), np.geomspace(1e-2, 1e2, n_dm2)
    try:
        table = fit_surface(experiment.value, mode.value, s_grid, d_grid)
        if fc_toys:
            from nuportal.scan import make_executor
            from nuportal.stats.feldman_cousins import feldman_cousins

            with make_executor(workers, scheduler) as (executor, _):
                fc = feldman_cousins(
                    experiment.value,
                    s_grid,
                    d_grid,
                    mode.value,
                    fc_toys,
                    0.9,
                    seed=seed,
                    executor=executor,
                    progress=show_progress(),
                )
            table["delta_critical_fc90"] = fc["delta_critical"].to_numpy()
            table["inside_fc90"] = fc["inside"].to_numpy()
    except ValueError as exc:
        fail(str(exc))
    write_table(table, out)
    best = table.attrs["best_fit"]
    stat = table.attrs["statistic"]
    typer.echo(
        f"{experiment.value}: best fit dm2 = {best['dm2_eV2']:.4g} eV^2, sin^2 2theta = "
        f"{best['sin2_2theta']:.4g}, {stat} = {best[stat]:.4g}; wrote {len(table)} points to {out}"
    )
    if plot is not None:
        from nuportal.plotting import plot_oscillation_regions

        plot_oscillation_regions(table, plot)
        typer.echo(f"wrote {plot}")


@app.command("predict")
def oscillation_predict(
    dm2: Annotated[float, typer.Option(help="Delta m^2_41 (eV^2), in (0, 1e6].")],
    sin2_2theta: Annotated[
        float, typer.Option(help="Effective amplitude sin^2 2theta of the channel, in [0, 1].")
    ],
    detector: Annotated[
        str,
        typer.Option(
            help="Detector with a flux table: dune_nd, microboone, miniboone, nova_nd, sbnd "
            "(case-insensitive; see `nuportal detectors`), or an experiment file (.toml) with "
            "a [[beam]] (its FHC beam; 20 bins over its energy range)."
        ),
    ] = "sbnd",
    channel: Annotated[Channel, typer.Option(help="Oscillation channel.")] = Channel.numu_to_nue,
    out: Annotated[
        Path | None, out_option("Also write the spectrum table (.csv or .parquet).")
    ] = None,
    plot: PlotOption = None,
) -> None:
    """Oscillated / unoscillated spectrum at a detector for one 3+1 point."""
    # above ~1e3 eV^2 the oscillation is averaged at every detector; 1e6 keeps phases finite
    check_number("--dm2", dm2, low=0.0, high=1e6, low_open=True, unit="eV^2")
    check_number("--sin2-2theta", sin2_2theta, low=0.0, high=1.0)
    if out is not None:
        check_out(out, TABLE_SUFFIXES)
    check_plot(plot)
    import numpy as np
    import pandas as pd

    from nuportal.detectors.catalog import is_experiment_file, resolve_name
    from nuportal.inference.near_detector import oscillated_spectrum
    from nuportal.sources.fluxes import DETECTOR_FLUXES

    try:
        if is_experiment_file(detector):  # a user's setup: its flux, 20 bins over its range
            from nuportal.detectors.experiment_file import load_experiment_file

            setup = load_experiment_file(detector)
            beam = setup.beam("fhc" if any(b.mode == "fhc" for b in setup.beams.values()) else None)
            flux = setup.flux(beam.name)
            lo = max(beam.energy_range_GeV[0], float(flux.E_GeV[0]), 1e-3)
            hi = min(beam.energy_range_GeV[1], float(flux.E_GeV[-1]))
            spec = oscillated_spectrum(flux, channel.value, sin2_2theta, dm2,
                                       np.linspace(lo, hi, 21))  # fmt: skip
        else:
            name = resolve_name(detector)
            if name not in DETECTOR_FLUXES:
                fail(f"--detector {detector}: no flux table is shipped for {name} (geometry "
                     f"only); detectors with one: {', '.join(sorted(DETECTOR_FLUXES))}")  # fmt: skip
            spec = oscillated_spectrum(name, channel.value, sin2_2theta, dm2)
    except ValueError as exc:
        fail(f"--detector {detector}: {exc}" if detector in str(exc) else str(exc))
    edges = spec.E_edges_GeV
    table = pd.DataFrame(
        {
            "E_low_GeV": edges[:-1],
            "E_high_GeV": edges[1:],
            "unoscillated_per_cm2_POT": spec.unoscillated,
            "oscillated_per_cm2_POT": spec.oscillated,
            "ratio": spec.ratio,
        }
    )
    typer.echo(table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    table.attrs.update(
        detector=detector, channel=channel.value, dm2_eV2=dm2, sin2_2theta=sin2_2theta
    )
    typer.echo(f"total ratio at {detector} ({channel.value}): {spec.total_ratio:.5g}")
    if out is not None:
        write_table(table, out)
        typer.echo(f"wrote {out}")
    if plot is not None:
        from nuportal.plotting import plot_oscillation_spectrum

        plot_oscillation_spectrum(table, plot)
        typer.echo(f"wrote {plot}")
