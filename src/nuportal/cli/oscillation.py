"""``nuportal oscillation ...``: sterile-neutrino (3+1) fits and predictions at detectors.

Thin layers over :mod:`nuportal.stats.oscillation_fit` and
:mod:`nuportal.inference.near_detector`; the group is registered on the main app by
:mod:`nuportal.cli.app`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nuportal.cli._util import check_writable, fail
from nuportal.cli.options import PlotOption, SchedulerOption, WorkersOption, out_option

__all__ = ["app"]

app = typer.Typer(
    help="Sterile-neutrino (3+1) fits to LSND and MiniBooNE, and predictions at detectors.",
    no_args_is_help=True,
)


@app.command("fit")
def oscillation_fit(
    experiment: Annotated[str, typer.Option(help="miniboone, lsnd or joint.")] = "miniboone",
    mode: Annotated[
        str, typer.Option(help="MiniBooNE beam mode: nu, nubar or combined.")
    ] = "combined",
    n_sin2: Annotated[int, typer.Option(help="Grid points in sin^2 2theta (1e-4..1, log).")] = 100,
    n_dm2: Annotated[int, typer.Option(help="Grid points in dm^2 (1e-2..1e2 eV^2, log).")] = 100,
    out: Annotated[Path, out_option("Surface table (.parquet or .csv).")] = Path("surface.parquet"),
    plot: PlotOption = None,
    fc_toys: Annotated[
        int,
        typer.Option(
            help="Feldman-Cousins pseudo-experiments per grid point for the 90% CL region (0: Wilks only)."
        ),
    ] = 0,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Fit a 3+1 model on a (sin^2 2theta, dm^2) grid: the surface, best fit and regions."""
    import numpy as np

    from nuportal.stats.oscillation_fit import fit_surface

    check_writable(out)
    check_writable(plot)
    if n_sin2 < 2 or n_dm2 < 2:
        fail(f"--n-sin2 and --n-dm2 must be >= 2, got {n_sin2} and {n_dm2}")
    if fc_toys < 0 or (fc_toys and experiment == "joint"):
        fail("--fc-toys must be >= 0 and is available for --experiment miniboone or lsnd")
    s_grid, d_grid = np.geomspace(1e-4, 1.0, n_sin2), np.geomspace(1e-2, 1e2, n_dm2)
    try:
        table = fit_surface(experiment, mode, s_grid, d_grid)
        if fc_toys:
            from nuportal.scan import make_executor
            from nuportal.stats.feldman_cousins import feldman_cousins

            with make_executor(workers, scheduler) as (executor, _):
                fc = feldman_cousins(
                    experiment, s_grid, d_grid, mode, fc_toys, 0.9, executor=executor
                )
            table["delta_critical_fc90"] = fc["delta_critical"].to_numpy()
            table["inside_fc90"] = fc["inside"].to_numpy()
    except ValueError as exc:
        fail(str(exc))
    if out.suffix == ".csv":
        table.to_csv(out, index=False, float_format="%.8g")
    else:
        table.to_parquet(out)
    best = table.attrs["best_fit"]
    stat = table.attrs["statistic"]
    typer.echo(
        f"{experiment}: best fit dm2 = {best['dm2_eV2']:.4g} eV^2, sin^2 2theta = "
        f"{best['sin2_2theta']:.4g}, {stat} = {best[stat]:.4g}; wrote {len(table)} points to {out}"
    )
    if plot is not None:
        from nuportal.plotting import plot_oscillation_regions

        plot_oscillation_regions(table, plot)
        typer.echo(f"wrote {plot}")


@app.command("predict")
def oscillation_predict(
    dm2: Annotated[float, typer.Option(help="Delta m^2_41 [eV^2].")],
    sin2_2theta: Annotated[float, typer.Option(help="Amplitude of the channel, in [0, 1].")],
    detector: Annotated[
        str, typer.Option(help="sbnd, microboone, miniboone, dune_nd or nova_nd.")
    ] = "sbnd",
    channel: Annotated[
        str, typer.Option(help="numu_to_nue, numu_disappearance, nue_disappearance (or ...bar).")
    ] = "numu_to_nue",
    out: Annotated[Path | None, typer.Option(help="Also write the table (.csv).")] = None,
) -> None:
    """Oscillated / unoscillated spectrum at a detector for one 3+1 point."""
    import pandas as pd

    from nuportal.inference.near_detector import oscillated_spectrum

    check_writable(out)
    try:
        spec = oscillated_spectrum(detector, channel, sin2_2theta, dm2)
    except ValueError as exc:
        fail(str(exc))
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
    typer.echo(f"total ratio at {detector} ({channel}): {spec.total_ratio:.5g}")
    if out is not None:
        table.to_csv(out, index=False, float_format="%.8g")
        typer.echo(f"wrote {out}")
