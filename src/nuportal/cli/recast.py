"""``nuportal recast ...``: recast published searches into limits on other models.

Thin layers over :mod:`nuportal.recast`; the group is registered on the main app by
:mod:`nuportal.cli.app`.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from nuportal.cli._util import check_writable, fail
from nuportal.cli.options import (
    Mixing,
    PlotOption,
    SchedulerOption,
    SeedOption,
    WorkersOption,
    out_option,
)

__all__ = ["app"]

app = typer.Typer(
    help="Recast published searches into limits on other models.", no_args_is_help=True
)


class Efficiency(str, Enum):
    same = "same"
    opening_angle = "opening-angle"
    per_event = "per-event"
    all = "all"


class Convention(str, Enum):
    physics = "physics"
    kelly_machado = "kelly-machado"


@app.command("microboone-kdar")
def recast_microboone_kdar(
    efficiency: Annotated[
        Efficiency, typer.Option(help="Efficiency transfer from S to N.")
    ] = Efficiency.all,
    majorana: Annotated[bool, typer.Option("--majorana/--dirac", help="HNL nature.")] = True,
    mixing: Annotated[
        Mixing, typer.Option(help="Active flavour the HNL mixes with (mu or e).")
    ] = Mixing.mu,
    convention: Annotated[
        Convention,
        typer.Option(
            help="physics (default) or kelly-machado (their Br(K->pi S) and widths, for comparison)."
        ),
    ] = Convention.physics,
    masses: Annotated[
        str | None,
        typer.Option(help="Comma-separated HNL masses [GeV] (default: a grid over the data)."),
    ] = None,
    n_events: Annotated[int, typer.Option(help="Simulated events per mass and model.")] = 20_000,
    seed: SeedOption = 1,
    data: Annotated[
        Path | None,
        typer.Option(
            help="CSV (m_S_GeV,theta_limit,efficiency) to recast instead of the shipped "
            "arXiv:2106.00568 table."
        ),
    ] = None,
    out: Annotated[Path, out_option("Output table (.csv or .parquet).")] = Path("limits.csv"),
    plot: PlotOption = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Recast MicroBooNE's Higgs-portal scalar KDAR search (arXiv:2106.00568) into HNL limits."""
    from nuportal import recast
    from nuportal.scan import InlineExecutor, make_executor

    check_writable(out)
    check_writable(plot)
    try:
        mass_list = None if masses is None else [float(m) for m in masses.split(",") if m.strip()]
    except ValueError:
        fail(f"--masses must be comma-separated numbers in GeV, got {masses!r}")
    try:
        with make_executor(workers, scheduler) as (executor, _):
            limits = recast.microboone_kdar(
                model="hnl",
                majorana=majorana,
                mixing=mixing.value,
                efficiency=efficiency.value,
                masses=mass_list,
                n_events=n_events,
                seed=seed,
                convention=convention.value,
                data=data,
                executor=None if isinstance(executor, InlineExecutor) else executor,
                progress=sys.stderr.isatty(),
            )
    except ValueError as exc:
        fail(str(exc))
    if out.suffix == ".parquet":
        limits.to_parquet(out)
    else:
        limits.to_csv(out, index=False, float_format="%.6g")
    typer.echo(f"wrote {len(limits)} rows to {out}")
    if plot is not None:
        import pandas as pd

        from nuportal.experiments import kelly_machado_2021_hnl_limit, microboone_kdar_hps_2021
        from nuportal.plotting import plot_recast

        data = microboone_kdar_hps_2021(data)
        reference = pd.DataFrame({"mass_GeV": data.mass_GeV, "theta_limit": data.theta_limit})
        published = None
        if mixing == Mixing.mu:
            curve = kelly_machado_2021_hnl_limit("scalar")
            published = pd.DataFrame({"mass_GeV": curve.mass_GeV, "U2": curve.limit})
        plot_recast(limits, reference, plot, published=published)
        typer.echo(f"wrote {plot}")
