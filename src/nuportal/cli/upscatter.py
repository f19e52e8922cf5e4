"""``nuportal upscatter``: neutrino upscattering into dark neutrinos at an experiment.

A thin layer over :func:`nuportal.generation.upscattering.generate_upscattering`; registered on
the main app by :mod:`nuportal.cli.app`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from nuportal.cli._util import check_writable, fail

__all__ = ["upscatter"]


def upscatter(
    experiment: Annotated[
        str,
        typer.Option(help="miniboone (FHC), miniboone_rhc, microboone, sbnd or dune_nd_fhc."),
    ] = "miniboone",
    m4: Annotated[
        float, typer.Option("--m4", help="Mass of the heavy neutral lepton N [GeV].")
    ] = 0.15,
    mzprime: Annotated[float, typer.Option("--mzprime", help="Z' mass [GeV].")] = 1.25,
    dirac: Annotated[bool, typer.Option("--dirac/--majorana", help="Nature of N.")] = True,
    epsilon: Annotated[float, typer.Option(help="Kinetic mixing epsilon.")] = 1e-3,
    ue4: Annotated[float, typer.Option("--ue4", help="|U_e4|.")] = 0.0,
    umu4: Annotated[float, typer.Option("--umu4", help="|U_mu4|.")] = 1e-3,
    utau4: Annotated[float, typer.Option("--utau4", help="|U_tau4|.")] = 0.0,
    g_d: Annotated[float | None, typer.Option("--gD", help="Dark gauge coupling g_D.")] = None,
    alpha_d: Annotated[
        float | None, typer.Option("--alphaD", help="alpha_D = g_D^2/(4 pi) (instead of --gD).")
    ] = None,
    u_d4: Annotated[float, typer.Option("--uD4", help="|U_D4|.")] = 1.0,
    mu_tr: Annotated[
        float,
        typer.Option(
            "--mu-tr",
            help="Transition magnetic moment mu_tr [GeV^-1] of N and the beam "
            "flavour (dipole portal).",
        ),
    ] = 0.0,
    m5: Annotated[
        float | None, typer.Option("--m5", help="3+2 model: mass of the heavier N5 [GeV].")
    ] = None,
    ue5: Annotated[float, typer.Option("--ue5", help="|U_e5|.")] = 0.0,
    umu5: Annotated[float, typer.Option("--umu5", help="|U_mu5|.")] = 0.0,
    utau5: Annotated[float, typer.Option("--utau5", help="|U_tau5|.")] = 0.0,
    u_d5: Annotated[float, typer.Option("--uD5", help="|U_D5|.")] = 0.0,
    hnl: Annotated[int, typer.Option("--hnl", help="Upscatter into N4 or (3+2 model) N5.")] = 4,
    flavour: Annotated[
        str, typer.Option(help="Beam neutrino flavour: e, mu, tau, or ebar, mubar, taubar.")
    ] = "mu",
    decay: Annotated[
        str,
        typer.Option(help="Decay channel: 'nu e e', 'nu mu mu', 'nu gamma'; for N5 'N4 e e'."),
    ] = "nu e e",
    n: Annotated[int, typer.Option("--n", help="Number of weighted events.")] = 100_000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same events).")] = 1,
    unweight: Annotated[
        bool, typer.Option(help="Unweight by accept-reject (events of equal weight, same total).")
    ] = False,
    out: Annotated[Path, typer.Option(help="Output: .parquet, .csv or .hepmc3.")] = Path(
        "events.parquet"
    ),
    plot: Annotated[
        Path | None, typer.Option(help="Also draw the standard distributions to this PNG.")
    ] = None,
) -> None:
    """Generate weighted upscattering events nu A -> N A, N decaying in the detector."""
    from nuportal import io
    from nuportal.generation.upscattering import generate_upscattering, write_upscattering_hepmc3
    from nuportal.models.dark_neutrino import DarkNeutrinoModel

    check_writable(out)
    check_writable(plot)
    for name, value in (("--ue4", ue4), ("--umu4", umu4), ("--utau4", utau4), ("--uD4", u_d4),
                        ("--gD", g_d), ("--alphaD", alpha_d), ("--mu-tr", mu_tr), ("--ue5", ue5),
                        ("--umu5", umu5), ("--utau5", utau5), ("--uD5", u_d5)):  # fmt: skip
        if value is not None and not value >= 0.0:
            fail(f"{name} must be a non-negative number (a magnitude), got {value}")
    try:
        fmt = io._format(out)
        base = flavour.removesuffix("bar")
        dipole = {f"mu_tr_{base}4": mu_tr} if base in ("e", "mu", "tau") else {}
        model = DarkNeutrinoModel(
            m4, mzprime, epsilon=epsilon, Ue4=ue4, Umu4=umu4, Utau4=utau4, gD=g_d,
            alphaD=alpha_d, UD4=u_d4, dirac=dirac, m5=m5, Ue5=ue5, Umu5=umu5, Utau5=utau5,
            UD5=u_d5, **dipole,
        )  # fmt: skip
        events = generate_upscattering(
            model, experiment, n, flavour=flavour, decay=decay, hnl=hnl, seed=seed,
            progress=sys.stderr.isatty(),
        )  # fmt: skip
        if unweight:
            from nuportal.generation.unweighting import unweight as unweight_events

            metadata = events.attrs["metadata"]
            events = unweight_events(events, rng=seed)
            events.attrs["metadata"] = metadata
        if fmt == "hepmc3":
            write_upscattering_hepmc3(events, out)
        else:
            io.write_events(events, out, events.attrs["metadata"])
        if plot is not None:
            from nuportal.plotting import plot_upscattering

            plot_upscattering(events, plot)
    except ValueError as exc:
        fail(str(exc))
    meta = events.attrs["metadata"]
    typer.echo(
        f"wrote {len(events)} events to {out}: {meta['upscatters']:.4g} upscatters at "
        f"{meta['experiment']} ({meta['pot']:g} POT), {events['weight'].sum():.4g} of them "
        f"decaying into {decay} inside the detector (N c tau = {meta['ctau_m']:.3g} m)"
    )
