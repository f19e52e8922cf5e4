"""``nuportal upscatter``: neutrino upscattering into dark neutrinos at an experiment.

A thin layer over :func:`nuportal.generation.upscattering.generate_upscattering`; registered on
the main app by :mod:`nuportal.cli.app`.

Coupling convention: the mixing options (``--ue4``, ``--umu4``, ``--u-d4``, ...) are the MAGNITUDES
|U_a4| of the mixing-matrix elements, not their squares (DarkNews' convention,
arXiv:2207.04137); ``generate --coupling`` takes the squared |U_l4|^2 of the minimal HNL.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from nuportal.cli._util import (
    EVENT_SUFFIXES,
    check_number,
    check_out,
    check_plot,
    fail,
    show_progress,
)
from nuportal.cli.options import (
    NEventsOption,
    NLegacyOption,
    PlotOption,
    SeedOption,
    alias,
    out_option,
)

__all__ = ["upscatter"]


class Flavour(str, Enum):
    e = "e"
    mu = "mu"
    tau = "tau"
    ebar = "ebar"
    mubar = "mubar"
    taubar = "taubar"


class Decay(str, Enum):
    nu_e_e = "nu e e"
    nu_mu_mu = "nu mu mu"
    nu_gamma = "nu gamma"
    n4_e_e = "N4 e e"
    n4_mu_mu = "N4 mu mu"


_MAGNITUDE = "(magnitude of the mixing-matrix element, not squared)"


def _magnitude(name: str, what: str, hidden: bool = False) -> typer.models.OptionInfo:
    return typer.Option(name, hidden=hidden, help=f"{what} {_MAGNITUDE}.")


def upscatter(
    experiment: Annotated[
        str,
        typer.Option(
            help="Experiment: a detector with a beam (miniboone, microboone, sbnd, dune_nd, "
            "nova_nd; its first beam, FHC), a beam name (e.g. miniboone_rhc, nova_nd_rhc) or an "
            "experiment file (.toml); case-insensitive; see `nuportal detectors`."
        ),
    ] = "miniboone",
    m4: Annotated[
        float, typer.Option("--m4", help="Mass of the heavy neutral lepton N4 (GeV).")
    ] = 0.15,
    mzprime: Annotated[float, typer.Option("--mzprime", help="Z' mass (GeV).")] = 1.25,
    dirac: Annotated[bool, typer.Option("--dirac/--majorana", help="Nature of N.")] = True,
    epsilon: Annotated[
        float, typer.Option(help="Kinetic mixing epsilon (dimensionless, in [0, 1]).")
    ] = 1e-3,
    ue4: Annotated[float, _magnitude("--ue4", "|U_e4|")] = 0.0,
    umu4: Annotated[float, _magnitude("--umu4", "|U_mu4|")] = 1e-3,
    utau4: Annotated[float, _magnitude("--utau4", "|U_tau4|")] = 0.0,
    g_d: Annotated[
        float | None, typer.Option("--g-d", help="Dark gauge coupling g_D (default 1).")
    ] = None,
    g_d_legacy: Annotated[float | None, typer.Option("--gD", hidden=True)] = None,
    alpha_d: Annotated[
        float | None,
        typer.Option(
            "--alpha-d",
            help="Dark fine-structure constant alpha_D = g_D^2/(4 pi) (instead of --g-d).",
        ),
    ] = None,
    alpha_d_legacy: Annotated[float | None, typer.Option("--alphaD", hidden=True)] = None,
    u_d4: Annotated[float, _magnitude("--u-d4", "|U_D4|")] = 1.0,
    u_d4_legacy: Annotated[float | None, typer.Option("--uD4", hidden=True)] = None,
    mu_tr: Annotated[
        float,
        typer.Option(
            "--mu-tr",
            help="Transition magnetic moment mu_tr (GeV^-1) of N4 and the beam flavour "
            "(dipole portal).",
        ),
    ] = 0.0,
    m5: Annotated[
        float | None, typer.Option("--m5", help="3+2 model: mass of the heavier N5 (GeV).")
    ] = None,
    ue5: Annotated[float, _magnitude("--ue5", "|U_e5|")] = 0.0,
    umu5: Annotated[float, _magnitude("--umu5", "|U_mu5|")] = 0.0,
    utau5: Annotated[float, _magnitude("--utau5", "|U_tau5|")] = 0.0,
    u_d5: Annotated[float, _magnitude("--u-d5", "|U_D5|")] = 0.0,
    u_d5_legacy: Annotated[float | None, typer.Option("--uD5", hidden=True)] = None,
    hnl: Annotated[
        int, typer.Option("--hnl", min=4, max=5, help="Upscatter into N4 or (3+2 model) N5.")
    ] = 4,
    flavour: Annotated[
        Flavour, typer.Option(help="Beam neutrino flavour (...bar: antineutrinos).")
    ] = Flavour.mu,
    decay: Annotated[
        Decay, typer.Option(help="Decay channel of the produced N (N4 ...: decays of N5).")
    ] = Decay.nu_e_e,
    n_events: NEventsOption = 100_000,
    n_legacy: NLegacyOption = None,
    seed: SeedOption = 1,
    unweight: Annotated[
        bool, typer.Option(help="Unweight by accept-reject (events of equal weight, same total).")
    ] = False,
    out: Annotated[
        Path, out_option("Output: .parquet, .csv or .hepmc3 (written in chunks).")
    ] = Path("upscattering.parquet"),
    plot: PlotOption = None,
) -> None:
    """Generate weighted upscattering events nu A -> N A, N decaying in the detector."""
    n_events = alias(n_events, n_legacy)
    g_d = alias(g_d, g_d_legacy)
    alpha_d = alias(alpha_d, alpha_d_legacy)
    u_d4 = alias(u_d4, u_d4_legacy)
    u_d5 = alias(u_d5, u_d5_legacy)
    if n_events < 1:
        fail(f"--n-events must be a positive integer, got {n_events}")
    check_number("--m4", m4, low=0.0, low_open=True, unit="GeV")
    from nuportal.models.dark_neutrino import DARKNEWS_ELECTROWEAK

    m_z = DARKNEWS_ELECTROWEAK.m_z  # GeV: the model's Z' is lighter than the Z
    check_number("--mzprime", mzprime, low=0.0, high=m_z, low_open=True, high_open=True, unit="GeV")
    check_number("--m5", m5, low=m4, low_open=True, unit="GeV (above --m4)")
    check_number("--epsilon", epsilon, low=0.0, high=1.0, high_open=True)
    for name, value in (("--ue4", ue4), ("--umu4", umu4), ("--utau4", utau4), ("--u-d4", u_d4),
                        ("--ue5", ue5), ("--umu5", umu5), ("--utau5", utau5), ("--u-d5", u_d5)):  # fmt: skip
        check_number(name, value, low=0.0, high=1.0)
    check_number("--g-d", g_d, low=0.0)
    check_number("--alpha-d", alpha_d, low=0.0)
    check_number("--mu-tr", mu_tr, low=0.0, unit="GeV^-1")
    if g_d is not None and alpha_d is not None:
        fail("give --g-d or --alpha-d, not both")
    if m5 is None and any(v != 0.0 for v in (ue5, umu5, utau5, u_d5)):
        fail("--ue5, --umu5, --utau5 and --u-d5 are couplings of N5: give its mass --m5")
    if m5 is not None and not dirac:
        fail("--m5: the 3+2 model is implemented for Dirac HNLs only (drop --majorana)")
    if m5 is not None and u_d4**2 + u_d5**2 > 1.0 + 1e-12:
        fail(
            f"--u-d4 and --u-d5: |U_D4|^2 + |U_D5|^2 must be <= 1 (unitarity), got "
            f"{u_d4**2 + u_d5**2:.6g}"
        )
    _check_channel(flavour, decay, hnl, m4, m5, mu_tr,
                   {"e": ue4, "mu": umu4, "tau": utau4}, {"e": ue5, "mu": umu5, "tau": utau5})  # fmt: skip
    fmt = check_out(out, EVENT_SUFFIXES)
    check_plot(plot)
    import numpy as np

    from nuportal import io
    from nuportal.detectors.exposures import exposure
    from nuportal.generation.upscattering import (
        ZeroRateError,
        generate_upscattering,
        write_upscattering,
        write_upscattering_hepmc3,
    )
    from nuportal.models.dark_neutrino import DarkNeutrinoModel

    try:
        exposure(experiment)
    except (ValueError, OSError) as exc:
        fail(f"--experiment {experiment}: {exc}")
    options = {"flavour": flavour.value, "decay": decay.value, "hnl": hnl, "seed": seed,
               "progress": show_progress()}  # fmt: skip
    try:
        base = flavour.value.removesuffix("bar")
        model = DarkNeutrinoModel(
            m4, mzprime, epsilon=epsilon, Ue4=ue4, Umu4=umu4, Utau4=utau4, gD=g_d,
            alphaD=alpha_d, UD4=u_d4, dirac=dirac, m5=m5, Ue5=ue5, Umu5=umu5, Utau5=utau5,
            UD5=u_d5, **{f"mu_tr_{base}4": mu_tr},
        )  # fmt: skip
        with np.errstate(invalid="ignore", divide="ignore"):  # a zero rate is reported below
            if unweight:  # accept-reject needs the largest weight of the run: in memory
                from nuportal.generation.unweighting import unweight as unweight_events

                events = generate_upscattering(model, experiment, n_events, **options)
                metadata = events.attrs["metadata"]
                events = unweight_events(events, rng=seed)
                events.attrs["metadata"] = metadata
                if fmt == ".hepmc3":
                    write_upscattering_hepmc3(events, out)
                else:
                    io.write_events(events, out, metadata)
                summary = {"n_events": len(events), "weight_sum": float(events["weight"].sum()),
                           "metadata": metadata, "preview": events}  # fmt: skip
            else:  # streamed: memory of one chunk at any --n-events
                summary = write_upscattering(model, experiment, out, n_events, **options)
    except ZeroRateError as exc:
        fail(f"--flavour {flavour.value}: {exc}")
    except ValueError as exc:
        fail(str(exc))
    meta = summary["metadata"]
    typer.echo(
        f"wrote {summary['n_events']} events to {out}: {meta['upscatters']:.4g} upscatters at "
        f"{meta['experiment']} ({meta['pot']:g} POT), {summary['weight_sum']:.4g} of them "
        f"decaying into {decay.value} inside the detector (N c tau = {meta['ctau_m']:.3g} m)"
    )
    if plot is not None:
        from nuportal.plotting import plot_upscattering

        plot_upscattering(summary["preview"], plot)  # the first chunk samples every channel
        typer.echo(f"wrote {plot}")


def _check_channel(
    flavour: Flavour,
    decay: Decay,
    hnl: int,
    m4: float,
    m5: float | None,
    mu_tr: float,
    u4: dict[str, float],
    u5: dict[str, float],
) -> None:
    """Fail early for a beam flavour that cannot make N, or a decay that is closed or absent."""
    from nuportal import constants

    base = flavour.value.removesuffix("bar")
    if hnl == 5 and m5 is None:
        fail("--hnl 5 needs a 3+2 model: give --m5")
    if hnl == 4 and u4[base] == 0.0 and mu_tr == 0.0:
        fail(
            f"--flavour {flavour.value}: nu_{base} cannot upscatter into N4 with --u{base}4 0 and "
            "--mu-tr 0 (give it a mixing or a dipole)"
        )
    if hnl == 5 and u5[base] == 0.0:
        fail(f"--flavour {flavour.value}: nu_{base} cannot upscatter into N5 with --u{base}5 0")
    if decay.value.startswith("N4") and hnl != 5:
        fail(f"--decay '{decay.value}' is a decay of N5: add --hnl 5 (and --m5)")
    if hnl == 5 and not decay.value.startswith("N4"):
        fail(f"--hnl 5: choose an N5 decay, --decay 'N4 e e' or 'N4 mu mu', not '{decay.value}'")
    parent, mass = ("N5", m5) if hnl == 5 else ("N4", m4)
    lepton = constants.M_MUON if "mu mu" in decay.value else constants.M_ELECTRON
    threshold = 2 * lepton + (m4 if hnl == 5 else 0.0)
    if decay != Decay.nu_gamma and not mass > threshold:
        fail(
            f"--decay '{decay.value}' is kinematically closed: {parent} mass {mass:g} GeV is not "
            f"above the threshold {threshold:.6g} GeV"
        )
    if decay == Decay.nu_gamma and mu_tr == 0.0:
        fail("--decay 'nu gamma' needs the dipole portal: give --mu-tr > 0")
