"""``nuportal tune``: does a near-detector interaction-model tune absorb new physics?

Thin layer over :mod:`nuportal.inference.tuning`: generate (or read) nu_mu CC events at the ND,
inject a 3+1 oscillation or a user template into pseudo-data, fit the interaction knobs by
reweighting, and report the tune's chi^2, the knob pulls, the absorbed fraction and the
discovery significances; ``--scan`` adds the significance versus injected strength.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from nuportal.cli._util import (
    TABLE_SUFFIXES,
    check_number,
    check_out,
    check_plot,
    fail,
    write_table,
)
from nuportal.cli.options import NEventsOption, PlotOption, SeedOption, out_option

__all__ = ["tune"]

_DEFAULT_KNOBS = "M_A_QE,rpa_strength,MEC_norm,MEC_q0_mean,MEC_q3_mean,nonres_pion_scale,M_A_RES"


class Detector(str, Enum):
    nova_nd = "nova_nd"
    dune_nd = "dune_nd"


class Inject(str, Enum):
    none = "none"
    sterile = "sterile"
    template = "template"


class BinningKind(str, Enum):
    q0q3 = "q0q3"
    enu = "enu"


class Data(str, Enum):
    asimov = "asimov"
    poisson = "poisson"


def _parse_knobs(text: str) -> list[str]:
    from nuportal.interactions import KNOBS

    known = {k.lower(): k for k in [*KNOBS, "flux_norm"]}
    items = [p.strip() for p in text.split(",") if p.strip()]
    if not items:
        fail(f"--knobs must list at least one of {', '.join(known.values())}, got {text!r}")
    out = []
    for p in items:
        if p.lower() not in known:
            fail(f"--knobs: unknown knob {p!r}; choose from {', '.join(known.values())}")
        out.append(known[p.lower()])
    if len(set(out)) != len(out):
        fail(f"--knobs must not repeat a knob, got {text!r}")
    return out


def _parse_prism(text: str | None, detector: Detector) -> list[float] | None:
    import math

    if text is None:
        return None
    if detector != Detector.dune_nd:
        fail("--prism (DUNE-PRISM off-axis positions) needs --detector dune_nd")
    vals = []
    for p in text.split(","):
        try:
            v = float(p)
        except ValueError:
            fail(f"--prism must be comma-separated distances in [0, 33] (m), got {text!r}")
        if not (math.isfinite(v) and 0.0 <= v <= 33.0):
            fail(f"--prism positions must be in [0, 33] (m), got {p.strip()}")
        vals.append(v)
    if len(set(vals)) != len(vals):
        fail(f"--prism positions must be distinct, got {text!r}")
    return vals


def tune(
    detector: Annotated[Detector, typer.Option(help="Near detector.")] = Detector.nova_nd,
    prism: Annotated[
        str | None,
        typer.Option(
            help="DUNE-PRISM positions, comma-separated off-axis distances (m) in [0, 33]."
        ),
    ] = None,
    inject: Annotated[
        Inject, typer.Option(help="New physics in the pseudo-data.")
    ] = Inject.sterile,
    dm2: Annotated[float, typer.Option(help="Delta m^2_41 (eV^2), in (0, 1e4].")] = 20.0,
    sin2_2theta: Annotated[
        float, typer.Option("--sin2-2theta", help="sin^2 2theta_mumu of the injection, in (0, 1].")
    ] = 0.1,
    template: Annotated[
        Path | None,
        typer.Option(
            help="--inject template: expected signal counts per analysis bin (.csv or .npy; "
            "n_bins values, bins flattened row-major over the variables, or one row per channel)."
        ),
    ] = None,
    knobs: Annotated[str, typer.Option(help="Knobs fitted, comma-separated.")] = _DEFAULT_KNOBS,
    binning: Annotated[
        BinningKind,
        typer.Option(help="Analysis histogram: (|q| reco, E_had visible) or E_nu reco."),
    ] = BinningKind.q0q3,
    coarse: Annotated[bool, typer.Option(help="Half as many bins per variable.")] = False,
    data: Annotated[Data, typer.Option(help="Pseudo-data: expectation or a Poisson draw.")] = (
        Data.asimov
    ),
    scan: Annotated[
        int,
        typer.Option(
            help="Also scan the injected strength: this many points from 1/30 to 3 times it "
            "(Asimov; 0: no scan)."
        ),
    ] = 0,
    pot: Annotated[
        float | None, typer.Option(help="Protons on target (default per detector), > 0.")
    ] = None,
    mass: Annotated[
        float | None, typer.Option(help="Fiducial mass (t), > 0 (default per detector).")
    ] = None,
    events: Annotated[
        Path | None,
        typer.Option(
            help="Reuse events generated with this detector's neutrino-mode flux and target "
            "(a .parquet of 'nuportal interactions events' or InteractionEvents.to_parquet; "
            "nu_mu CC events are used) instead of generating."
        ),
    ] = None,
    n_events: NEventsOption = 1_000_000,
    seed: SeedOption = 1,
    out: Annotated[Path, out_option("Result table (.csv or .parquet).")] = Path("tune.csv"),
    plot: PlotOption = None,
) -> None:
    """Fit interaction knobs to near-detector pseudo-data with injected new physics: the tune's
    chi^2, knob pulls, absorbed fraction and discovery significances (true vs tuned model)."""
    check_number("--dm2", dm2, low=0.0, high=1e4, low_open=True, unit="(eV^2)")
    check_number("--sin2-2theta", sin2_2theta, low=0.0, high=1.0, low_open=True)
    check_number("--pot", pot, low=0.0, low_open=True)
    check_number("--mass", mass, low=0.0, low_open=True, unit="(t)")
    if n_events < 100:
        fail(f"--n-events must be >= 100, got {n_events}")
    if scan < 0 or scan > 200:
        fail(f"--scan must be in [0, 200], got {scan}")
    if inject == Inject.template and template is None:
        fail("--inject template needs --template FILE")
    if template is not None and inject != Inject.template:
        fail("--template is used with --inject template only")
    if scan and inject == Inject.none:
        fail("--scan needs an injected signal (--inject sterile or template)")
    prism_m = _parse_prism(prism, detector)
    knob_names = _parse_knobs(knobs)
    check_out(out, TABLE_SUFFIXES)
    check_plot(plot)
    if events is not None and not events.is_file():
        fail(f"--events {events}: no such file")

    import numpy as np

    from nuportal.inference import tuning as T

    bins = T.default_binning(binning.value, coarse=coarse)
    n_ch = len(prism_m) if prism_m else 1
    tmpl = None
    if template is not None:
        if not template.is_file():
            fail(f"--template {template}: no such file")
        try:
            raw = (
                np.load(template)
                if template.suffix.lower() == ".npy"
                else np.loadtxt(template, delimiter=",", ndmin=1)
            )
            tmpl = T.template_signal(raw, n_ch, bins.n_bins)
        except (ValueError, OSError) as exc:
            fail(f"--template {template}: {exc}")
    try:
        if events is not None:
            from nuportal.interactions import InteractionEvents

            sample = T.sample_from_events(
                InteractionEvents.from_parquet(events),
                detector.value,
                prism_m=prism_m,
                pot=pot,
                fiducial_mass_t=mass,
            )
        else:
            sample = T.nd_sample(
                detector.value,
                n_events=n_events,
                seed=seed,
                prism_m=prism_m,
                pot=pot,
                fiducial_mass_t=mass,
            )
        response = T.KnobResponse(sample.events, knob_names)
        ev_sig = T.sterile_signal(sample, sin2_2theta, dm2) if inject == Inject.sterile else None
        problem = T.TuneProblem(sample, bins, response, event_signal=ev_sig, template_signal=tmpl)
        mu = 0.0 if inject == Inject.none else 1.0
        res = T.tuning_study(problem, None, mu, asimov=data == Data.asimov, seed=seed)
        table = _table(res, response)
        write_table(table, out)
        sc = None
        if scan:
            sc = T.significance_scan(problem, np.geomspace(1 / 30, 3.0, scan))
            if inject == Inject.sterile:
                sc.insert(1, "sin2_2theta", sc["mu"] * sin2_2theta)
            scan_out = out.with_name(out.stem + "_scan" + out.suffix)
            write_table(sc, scan_out)
    except ValueError as exc:
        fail(str(exc))
    t = res.tune
    typer.echo(
        f"{detector.value}{' PRISM ' + prism if prism else ''}: tune chi2 = {t.chi2:.4g} "
        f"(+ prior {t.chi2_prior:.3g}) / {t.ndof} bins, p = {t.p_value:.3g}; absorbed fraction "
        f"{res.absorbed_fraction:.3g}; Z true {res.z_true:.3g}, tuned {res.z_tuned:.3g}, "
        f"profiled {res.z_profiled:.3g}; fit {t.seconds:.2f} s; wrote {out}"
    )
    if t.at_limit:
        typer.echo(f"knobs at the end of their fit range: {', '.join(t.at_limit)}")
    if scan:
        typer.echo(f"wrote {scan_out}")
    if plot is not None:
        from nuportal.plotting.tuning import plot_tuning_significance, plot_tuning_spectra

        plot_tuning_spectra(res, bins, 0, plot)
        typer.echo(f"wrote {plot}")
        if sc is not None:
            p2 = plot.with_name(plot.stem + "_significance" + plot.suffix)
            x = "sin2_2theta" if inject == Inject.sterile else "mu"
            xl = r"injected $\sin^2 2\theta_{\mu\mu}$" if x == "sin2_2theta" else "signal strength"
            plot_tuning_significance(sc, p2, x=x, xlabel=xl)
            typer.echo(f"wrote {p2}")


def _table(res, response):
    import numpy as np
    import pandas as pd

    t = res.tune
    rows = [
        {
            "quantity": name,
            "value": float(t.values[i]),
            "error": float(t.errors[i]),
            "true": float(res.theta_true[i]),
            "nominal": float(spec.nominal),
            "prior_sigma": float(spec.sigma),
            "pull": float(res.pulls[i]),
        }
        for i, (name, spec) in enumerate(zip(response.names, response.specs, strict=True))
    ]
    for q, v in (
        ("chi2", t.chi2),
        ("chi2_prior", t.chi2_prior),
        ("ndof", t.ndof),
        ("p_value", t.p_value),
        ("absorbed_fraction", res.absorbed_fraction),
        ("z_true", res.z_true),
        ("z_tuned", res.z_tuned),
        ("z_profiled", res.z_profiled),
        ("signal_events", float(np.abs(res.signal).sum())),
        ("total_events", float(res.true_model.sum())),
        ("fit_seconds", t.seconds),
    ):
        rows.append({"quantity": q, "value": float(v)})
    return pd.DataFrame(rows)
