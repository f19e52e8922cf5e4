"""``nuportal recast ...``: recast published searches into limits on other models.

Thin layers over :mod:`nuportal.recast`; the group is registered on the main app by
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
    check_out,
    check_plot,
    fail,
    show_progress,
    write_table,
)
from nuportal.cli.options import (
    KdarMixing,
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
        KdarMixing, typer.Option(help="Active flavour the HNL mixes with (K+ -> l+ N).")
    ] = KdarMixing.mu,
    convention: Annotated[
        Convention,
        typer.Option(
            help="physics (default) or kelly-machado (their Br(K->pi S) and widths, for comparison)."
        ),
    ] = Convention.physics,
    masses: Annotated[
        str | None,
        typer.Option(help="Comma-separated HNL masses (GeV) (default: a grid over the data)."),
    ] = None,
    n_events: Annotated[
        int, typer.Option(min=100, help="Simulated events per mass and model (>= 100).")
    ] = 20_000,
    seed: SeedOption = 1,
    data: Annotated[
        Path | None,
        typer.Option(
            help="CSV (m_S_GeV,theta_limit,efficiency) to recast instead of the shipped "
            "arXiv:2106.00568 table."
        ),
    ] = None,
    out: Annotated[
        Path, out_option("Output table: HNL limits on |U_l4|^2 (.csv or .parquet).")
    ] = Path("limits.csv"),
    plot: PlotOption = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Recast MicroBooNE's Higgs-portal scalar KDAR search (arXiv:2106.00568) into HNL limits."""
    mass_list = _parse_masses(masses, mixing)
    check_out(out, TABLE_SUFFIXES)
    check_plot(plot)
    check_executor(workers, scheduler)
    from nuportal import recast
    from nuportal.experiments import microboone_kdar_hps_2021
    from nuportal.scan import InlineExecutor, make_executor

    try:
        table = microboone_kdar_hps_2021(data)
    except (ValueError, OSError) as exc:
        fail(f"--data {exc}")
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
                progress=show_progress(),
            )
    except ValueError as exc:
        fail(str(exc))
    # the run's HNL nature and mixing flavour travel with the table (nuportal plot labels by them)
    limits["mixing"] = mixing.value
    limits["majorana"] = majorana
    write_table(limits, out, float_format="%.6g")
    typer.echo(f"wrote {len(limits)} rows to {out}")
    if plot is not None:
        import pandas as pd

        from nuportal.experiments import kelly_machado_2021_hnl_limit
        from nuportal.plotting import plot_recast

        reference = pd.DataFrame({"mass_GeV": table.mass_GeV, "theta_limit": table.theta_limit})
        published = None
        if mixing == KdarMixing.mu:
            curve = kelly_machado_2021_hnl_limit("scalar")
            published = pd.DataFrame({"mass_GeV": curve.mass_GeV, "U2": curve.limit})
        plot_recast(limits, reference, plot, published=published, mixing=mixing.value,
                    majorana=majorana)  # fmt: skip
        typer.echo(f"wrote {plot}")


def _parse_masses(text: str | None, mixing: KdarMixing) -> list[float] | None:
    """--masses as floats (GeV), each between the N -> nu e+ e- threshold and K+ -> l+ N's end."""
    if text is None:
        return None
    try:
        values = [float(m) for m in text.split(",") if m.strip()]
    except ValueError:
        fail(f"--masses must be comma-separated numbers in GeV, got {text!r}")
    if not values:
        fail(f"--masses must list at least one mass in GeV, got {text!r}")
    from nuportal import constants

    low = 2 * constants.M_ELECTRON
    high = constants.M_K_CHARGED - constants.LEPTON_MASS[mixing.value]
    for m in values:
        if not low < m < high:
            fail(
                f"--masses: {m:g} GeV is outside the recast range ({low:.6f}, {high:.4f}) GeV "
                f"for --mixing {mixing.value} (N -> nu e+ e- threshold to the K+ -> "
                f"{mixing.value}+ N endpoint)"
            )
    return values
