"""The ``nuportal`` command: a thin layer over the public API.

Every command maps one to one onto a public function; bad input ends with a one-line message on
standard error and exit status 2, never a traceback.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from nuportal.cli import shower as cli_shower
from nuportal.cli import upscatter as cli_upscatter
from nuportal.cli._util import check_writable, fail

app = typer.Typer(
    name="nuportal",
    help="New-physics phenomenology at accelerator neutrino facilities.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
recast_app = typer.Typer(
    help="Recast published searches into limits on other models.", no_args_is_help=True
)
app.add_typer(recast_app, name="recast")
oscillation_app = typer.Typer(
    help="Sterile-neutrino (3+1) fits to LSND and MiniBooNE, and predictions at detectors.",
    no_args_is_help=True,
)
app.add_typer(oscillation_app, name="oscillation")
app.command("shower")(cli_shower.shower)
app.command("dark-flux")(cli_shower.dark_flux)
app.command("upscatter")(cli_upscatter.upscatter)


class ModelName(str, Enum):
    hnl = "hnl"
    scalar = "scalar"


class Mixing(str, Enum):
    e = "e"
    mu = "mu"
    tau = "tau"


class Method(str, Enum):
    vegas = "vegas"
    numpy = "numpy"


class Efficiency(str, Enum):
    same = "same"
    opening_angle = "opening-angle"
    per_event = "per-event"
    all = "all"


class Convention(str, Enum):
    physics = "physics"
    kelly_machado = "kelly-machado"


#: --workers / --scheduler, shared by every command that runs its loop through an executor.
WorkersOption = Annotated[
    int | None, typer.Option(help="Local worker processes (default: all cores; 1: no pool).")
]
SchedulerOption = Annotated[
    str | None, typer.Option(help="Run on this dask scheduler instead (tcp://HOST:PORT).")
]


@app.command()
def generate(
    model: Annotated[
        ModelName, typer.Option(help="New particle: heavy neutral lepton or scalar.")
    ] = ModelName.hnl,
    mass: Annotated[float, typer.Option(help="Mass of the new particle [GeV].")] = 0.15,
    mixing: Annotated[Mixing, typer.Option(help="HNL: active flavour it mixes with.")] = Mixing.mu,
    coupling: Annotated[
        float, typer.Option(help="HNL: |U_a4|^2; scalar: mixing angle theta (dimensionless).")
    ] = 1e-6,
    majorana: Annotated[bool, typer.Option("--majorana/--dirac", help="HNL nature.")] = True,
    n: Annotated[int, typer.Option("--n", help="Number of weighted events.")] = 100_000,
    detector: Annotated[
        str, typer.Option(help="Detector name (see `nuportal detectors`).")
    ] = "microboone",
    source: Annotated[
        str, typer.Option(help="Source of the parents: kdar (kaons decaying at rest).")
    ] = "kdar",
    method: Annotated[
        Method, typer.Option(help="Rest-frame sampler for three-body decays.")
    ] = Method.vegas,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same events).")] = 1,
    out: Annotated[Path, typer.Option(help="Output file: .parquet, .csv or .hepmc3.")] = Path(
        "events.parquet"
    ),
) -> None:
    """Generate weighted events of a new particle decaying inside a detector."""
    import nuportal

    check_writable(out)
    try:
        nuportal.io._format(out)  # an unknown suffix fails now, not after the generation
        events = nuportal.generate(
            model=model.value,
            mass=mass,
            coupling=coupling,
            mixing=mixing.value,
            majorana=majorana,
            n_events=n,
            detector=detector,
            source=source,
            method=method.value,
            seed=seed,
            progress=sys.stderr.isatty(),
        )
        # PDG Monte Carlo numbers of the decaying particle in HepMC3 files: 9900012 for a heavy
        # neutral lepton (the convention of the HeavyN UFO models, arXiv:1411.7305) and 54 for a
        # spin-0 mediator (PDG Monte Carlo numbering scheme, "dark sector" codes 51-60)
        nuportal.io.write_events(
            events,
            out,
            metadata=events.attrs.get("metadata"),
            parent_pdg=9900012 if model == ModelName.hnl else 54,
        )
    except ValueError as exc:
        fail(str(exc))
    total = events["weight"].sum()
    sel = events.loc[events["selected"], "weight"].sum() if "selected" in events else float("nan")
    typer.echo(
        f"wrote {len(events)} events to {out}; expected decays in the detector per source decay: "
        f"{total:.4g} (selected {sel:.4g})"
    )


@app.command()
def plot(
    events_file: Annotated[
        Path,
        typer.Argument(
            help="File written by `nuportal generate`, `nuportal shower` or `nuportal dark-flux`."
        ),
    ],
    out: Annotated[
        Path | None, typer.Option(help="PNG to write (default: beside the input).")
    ] = None,
) -> None:
    """Draw the standard distributions of an event, shower or dark-photon file to PNG."""
    from nuportal import io
    from nuportal.plotting import plot_dark_photons, plot_events, plot_shower

    out = out or events_file.with_suffix(".png")
    check_writable(out)
    try:
        table = io.read_events(events_file, required=())
        kind = table.attrs["metadata"].get("kind")
        if kind == "shower":
            plot_shower(table.attrs["metadata"], out)
        elif kind == "dark_flux":
            plot_dark_photons(table, out)
        else:
            try:
                io.validate_events(table)
            except io.EventFileError as exc:
                raise io.EventFileError(f"{str(events_file)!r}: {exc}") from None
            plot_events(table, out)
    except (ValueError, OSError) as exc:
        fail(str(exc))
    typer.echo(f"wrote {out}")


@app.command()
def detectors() -> None:
    """List the detectors in the catalog."""
    from nuportal.detectors import get_detector, list_detectors

    for name in list_detectors():
        det = get_detector(name)
        mass = f"{det.active_mass:g} t" if det.active_mass is not None else "-"
        typer.echo(
            f"{name:12s} {det.target_material or '-':20s} active mass {mass:8s} "
            f"sources: {', '.join(det.sources)}"
        )


@recast_app.command("microboone-kdar")
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
    seed: Annotated[int, typer.Option(help="Random seed.")] = 1,
    data: Annotated[
        Path | None,
        typer.Option(
            help="CSV (m_S_GeV,theta_limit,efficiency) to recast instead of the shipped "
            "arXiv:2106.00568 table."
        ),
    ] = None,
    out: Annotated[Path, typer.Option(help="Output table (.csv or .parquet).")] = Path(
        "limits.csv"
    ),
    plot: Annotated[
        Path | None, typer.Option(help="Also draw the standard figure to this PNG.")
    ] = None,
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


@app.command("scan")
def scan_command(
    job: Annotated[
        str,
        typer.Argument(
            help="Registered job (generate, recast-microboone-kdar) or an importable "
            "module:function returning a mapping, a list of mappings or a DataFrame."
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            help="Output directory: one parquet file per finished point; an existing scan there is resumed."
        ),
    ],
    grid: Annotated[
        list[str] | None,
        typer.Option(
            "--grid",
            help="Scanned parameter: NAME=START:STOP:N, NAME=START:STOP:N:log or NAME=A,B,C; repeat for a Cartesian product.",
        ),
    ] = None,
    points: Annotated[
        Path | None,
        typer.Option(
            help="CSV or parquet table of points (one column per parameter) instead of --grid."
        ),
    ] = None,
    settings: Annotated[
        list[str] | None,
        typer.Option("--set", help="Fixed keyword argument NAME=VALUE; repeatable."),
    ] = None,
    seed: Annotated[
        int, typer.Option(help="Scan seed; each point is seeded from it and its parameters.")
    ] = 1,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    retry_failed: Annotated[
        bool,
        typer.Option("--retry-failed", help="Run again the points that failed in an earlier run."),
    ] = False,
) -> None:
    """Run a job over a grid of parameters, in parallel and resumably.

    Example: nuportal scan recast-microboone-kdar --grid mass=0.01:0.38:50:log --set n_events=5000 --out kdar-scan
    """
    import signal
    import threading

    from nuportal import scan as scan_api

    try:
        axes: dict[str, list] = {}
        for spec in grid or []:
            name, values = scan_api.parse_grid(spec)
            if name in axes:
                raise ValueError(f"--grid {name} is given twice")
            axes[name] = values
        fixed: dict[str, object] = {}
        for spec in settings or []:
            name, value = scan_api.parse_setting(spec)
            if name in fixed:
                raise ValueError(f"--set {name} is given twice")
            fixed[name] = value
        point_list = None
        if points is not None:
            if axes:
                raise ValueError("give --grid or --points, not both")
            point_list = _read_points(points)
    except ValueError as exc:
        fail(str(exc))

    received: list[int] = []

    def _interrupt(signum, frame):  # SIGTERM: stop like Ctrl-C (workers stopped, points kept)
        received.append(signum)
        raise KeyboardInterrupt

    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if in_main else None
    try:
        result = scan_api.scan(
            job,
            grid=axes or None,
            points=point_list,
            fixed=fixed,
            out=out,
            seed=seed,
            workers=workers,
            scheduler=scheduler,
            retry_failed=retry_failed,
        )
    except ValueError as exc:
        fail(str(exc))
    except scan_api.ScanAborted as exc:
        typer.echo(f"nuportal: error: {exc}", err=True)
        raise typer.Exit(code=1) from None
    except KeyboardInterrupt:
        typer.echo(
            f"nuportal: interrupted; finished points are kept in {out}: run the same command "
            "again to resume",
            err=True,
        )
        # Every finished point is on disk (written atomically) and the workers are stopped.
        # During interpreter shutdown the stopped pool's feeder thread may still print a
        # traceback about its closed pipe: the message above is the last word on stderr.
        sys.stderr.flush()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stderr.fileno())
        raise typer.Exit(code=143 if received else 130) from None
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)
    typer.echo(result.summary)
    if result.n_failed:
        example = ""
        if result.errors:
            params, error = result.errors[0]
            example = f"; first: {params}: {error}"
        typer.echo(
            f"nuportal: {result.n_failed} of {result.n_points} points failed (errors in the "
            f"'error' column; --retry-failed runs them again){example}",
            err=True,
        )
        raise typer.Exit(code=1)


def _read_points(path: Path) -> list[dict]:
    import pandas as pd

    try:
        table = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read points from {path}: {exc}") from None
    if table.empty:
        raise ValueError(f"{path} holds no points")
    return table.to_dict("records")


@oscillation_app.command("fit")
def oscillation_fit(
    experiment: Annotated[str, typer.Option(help="miniboone, lsnd or joint.")] = "miniboone",
    mode: Annotated[
        str, typer.Option(help="MiniBooNE beam mode: nu, nubar or combined.")
    ] = "combined",
    n_sin2: Annotated[int, typer.Option(help="Grid points in sin^2 2theta (1e-4..1, log).")] = 100,
    n_dm2: Annotated[int, typer.Option(help="Grid points in dm^2 (1e-2..1e2 eV^2, log).")] = 100,
    out: Annotated[Path, typer.Option(help="Surface table (.parquet or .csv).")] = Path(
        "surface.parquet"
    ),
    plot: Annotated[Path | None, typer.Option(help="Draw the allowed regions to this PNG.")] = None,
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


@oscillation_app.command("predict")
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


def main() -> None:
    """Entry point of the ``nuportal`` console script.

    Usage errors (unknown option, invalid choice) are reported like every other error: one line
    on standard error and exit status 2.
    """
    # typer vendors click; its UsageError (unknown option, invalid choice, no arguments) is the
    # base class of the public typer.BadParameter
    usage_error = typer.BadParameter.__mro__[1]
    try:
        code = app(standalone_mode=False)
    except usage_error as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `nuportal`: the help text
            typer.echo(exc.format_message())
            sys.exit(0)
        hint = f" (see: {exc.ctx.command_path} --help)" if exc.ctx is not None else ""
        typer.echo(f"nuportal: error: {exc.format_message()}{hint}", err=True)
        sys.exit(2)
    except typer.Abort:
        typer.echo("nuportal: aborted", err=True)
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
