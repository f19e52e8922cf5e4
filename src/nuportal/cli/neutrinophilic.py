"""``nuportal nuphilic ...``: the neutrinophilic scalar phi, L = (g_ab/2) nu_a nu_b phi.

A thin layer over :mod:`nuportal.models.neutrinophilic` and
:mod:`nuportal.inference.neutrinophilic`: ``br`` (M+ -> l+ nu phi branching ratios), ``events``
(signal and backgrounds of the wrong-sign-lepton search at the DUNE ND) and ``sensitivity`` (the
90 % CL reach in g_mumu or g_ee versus m_phi).
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

__all__ = ["br", "events", "nuphilic_app", "sensitivity"]

nuphilic_app = typer.Typer(
    help="Neutrinophilic scalar phi (lepton number -2): meson decays and the DUNE ND "
    "wrong-sign-lepton search.",
    no_args_is_help=True,
)


class Lepton(str, Enum):
    mu = "mu"
    e = "e"


class Meson(str, Enum):
    pi = "pi+"
    K = "K+"


class Detector(str, Enum):
    lar = "lar"
    gar = "gar"


LeptonOption = Annotated[
    Lepton,
    typer.Option(case_sensitive=False,
                 help="Coupling probed: mu (g_mumu, mu+ signal) or e (g_ee, e+ signal)."),
]
DetectorOption = Annotated[
    Detector,
    typer.Option(case_sensitive=False,
                 help="lar: ND-LAr (67 t, charge from the downstream spectrometer); gar: "
                 "ND-GAr (1 t, magnetized)."),
]
YearsOption = Annotated[float, typer.Option(help="Years in neutrino mode (1.1e21 POT per year).")]


def _masses(text: str) -> list[float]:
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        fail(f"--m-phi must be comma-separated masses (GeV), got {text!r}")
    if not values:
        fail("--m-phi must list at least one mass (GeV)")
    for v in values:
        check_number("--m-phi", v, low=0.0, low_open=True, high=5.0, unit="GeV")
    return values


def _setup(detector: Detector, years: float, charge_misid: float | None,
           pion_as_muon: float | None):
    from nuportal.inference.neutrinophilic import NDSetup

    over: dict[str, float] = {"pot": 1.1e21 * years}
    if charge_misid is not None:
        over["charge_misid_mu"] = charge_misid
        over["charge_misid_e"] = charge_misid
    if pion_as_muon is not None:
        over["pion_as_muon"] = pion_as_muon
    return NDSetup.for_detector(detector.value, **over)


def _check_setup(years: float, charge_misid: float | None, pion_as_muon: float | None) -> None:
    check_number("--years", years, low=0.0, low_open=True, high=100.0, unit="years")
    check_number("--charge-misid", charge_misid, low=0.0, high=1.0)
    check_number("--pion-as-muon", pion_as_muon, low=0.0, high=1.0)


@nuphilic_app.command("br")
def br(
    m_phi: Annotated[str, typer.Option(help="Masses m_phi (GeV), comma-separated.")] =
    "0.0001,0.01,0.05,0.1,0.2,0.3",
    out: Annotated[Path | None, out_option("Write the table (.csv or .parquet).")] = None,
) -> None:
    """Branching ratios per g^2 of pi+ and K+ -> l+ nu phi (full matrix element)."""
    masses = _masses(m_phi)
    if out is not None:
        check_out(out, TABLE_SUFFIXES)
    import pandas as pd

    from nuportal.models.neutrinophilic import br_meson_to_lepton_nu_phi

    rows = []
    for m in masses:
        row = {"m_phi_GeV": m}
        for meson in ("pi+", "K+"):
            for lep in ("e", "mu"):
                row[f"BR({meson}->{lep} nu phi)/g^2"] = br_meson_to_lepton_nu_phi(meson, lep, m)
        rows.append(row)
    table = pd.DataFrame(rows)
    typer.echo(table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    if out is not None:
        write_table(table, out)
        typer.echo(f"wrote {out}")


@nuphilic_app.command("events")
def events(
    m_phi: Annotated[float, typer.Option("--m-phi", help="Scalar mass m_phi (GeV).")] = 0.1,
    g: Annotated[float, typer.Option("--g", help="Coupling g_ll of --lepton (>= 0).")] = 0.1,
    lepton: LeptonOption = Lepton.mu,
    detector: DetectorOption = Detector.lar,
    years: YearsOption = 3.5,
    charge_misid: Annotated[
        float | None, typer.Option(help="Charge mis-ID probability (fraction; default: detector).")
    ] = None,
    pion_as_muon: Annotated[
        float | None, typer.Option(help="NC pi+- taken as a muon (fraction; default 0.01).")
    ] = None,
    n_events: NEventsOption = 20_000,
    seed: SeedOption = 1,
    out: Annotated[
        Path | None, out_option("Write the selected-event histograms (.csv or .parquet).")
    ] = None,
    plot: PlotOption = None,
) -> None:
    """Selected wrong-sign signal and background events at the DUNE ND (neutrino mode)."""
    check_number("--m-phi", m_phi, low=0.0, low_open=True, high=5.0, unit="GeV")
    check_number("--g", g, low=0.0, high=10.0)
    _check_setup(years, charge_misid, pion_as_muon)
    check_number("--n-events", n_events, low=100, high=1e7)
    if out is not None:
        check_out(out, TABLE_SUFFIXES)
    check_plot(plot)
    import pandas as pd

    from nuportal.inference.neutrinophilic import background_sample, signal_sample
    from nuportal.inference.neutrinophilic.reach import selected_histograms

    try:
        setup = _setup(detector, years, charge_misid, pion_as_muon)
        sig = signal_sample(m_phi, lepton.value, n_events=n_events, seed=seed)
        bkg = background_sample(lepton.value, n_events=n_events, seed=seed + 1)
    except ValueError as exc:
        fail(str(exc))
    h_sig = selected_histograms(sig, setup, lepton.value) * g * g
    h_bkg = selected_histograms(bkg, setup, lepton.value)
    hist = pd.concat([h_sig, h_bkg], axis=1)
    typer.echo(
        f"m_phi = {m_phi:g} GeV, g_{lepton.value}{lepton.value} = {g:g}; {detector.value}, "
        f"{setup.fiducial_mass_t:g} t, {setup.pot:.3g} POT (FHC); selected wrong-sign events:"
    )
    totals = hist.sum().rename("events").to_frame()
    typer.echo(totals.to_string(float_format=lambda v: f"{v:.4g}"))
    if out is not None:
        write_table(hist.rename_axis("bin").reset_index(), out)
        typer.echo(f"wrote {out}")
    if plot is not None:
        from nuportal.plotting.neutrinophilic import plot_nuphilic_events

        plot_nuphilic_events(
            hist, setup.evis_edges, setup.pt_edges, plot,
            title=(f"DUNE {detector.value.upper()}: $m_\\phi$ = {m_phi:g} GeV, "
                   f"$g$ = {g:g} ({lepton.value}), {setup.pot:.2g} POT"),
        )  # fmt: skip
        typer.echo(f"wrote {plot}")


@nuphilic_app.command("sensitivity")
def sensitivity(
    m_phi_min: Annotated[float, typer.Option("--m-phi-min", help="Lowest m_phi (GeV).")] = 0.01,
    m_phi_max: Annotated[float, typer.Option("--m-phi-max", help="Highest m_phi (GeV).")] = 1.0,
    n_masses: Annotated[int, typer.Option(help="Masses, log-spaced (1-200).")] = 6,
    lepton: LeptonOption = Lepton.mu,
    detector: Annotated[
        str, typer.Option(help="Detectors, comma-separated, of lar, gar.")
    ] = "lar",
    years: YearsOption = 3.5,
    charge_misid: Annotated[
        float | None, typer.Option(help="Charge mis-ID probability (fraction; default: detector).")
    ] = None,
    pion_as_muon: Annotated[
        float | None, typer.Option(help="NC pi+- taken as a muon (fraction; default 0.01).")
    ] = None,
    flux_norm: Annotated[float, typer.Option(help="Flux normalization (fraction).")] = 0.10,
    bkg_norm: Annotated[float, typer.Option(help="Background normalization (fraction).")] = 0.05,
    bin_uncorrelated: Annotated[
        float, typer.Option(help="Bin-to-bin background shape uncertainty (fraction).")
    ] = 0.05,
    n_events: NEventsOption = 10_000,
    seed: SeedOption = 1,
    out: Annotated[Path, out_option("Reach table (.csv or .parquet).")] = Path(
        "nuphilic_reach.csv"
    ),
    plot: PlotOption = None,
) -> None:
    """Expected 90 % CL reach in g_mumu (or g_ee) versus m_phi at the DUNE ND (pyhf)."""
    check_number("--m-phi-min", m_phi_min, low=0.0, low_open=True, high=5.0, unit="GeV")
    check_number("--m-phi-max", m_phi_max, low=m_phi_min, high=5.0, unit="GeV")
    check_number("--n-masses", n_masses, low=1, high=200)
    dets = [d.strip().lower() for d in detector.split(",") if d.strip()]
    if not dets or any(d not in ("lar", "gar") for d in dets):
        fail(f"--detector must list lar and/or gar, got {detector!r}")
    _check_setup(years, charge_misid, pion_as_muon)
    for name, v in (("--flux-norm", flux_norm), ("--bkg-norm", bkg_norm),
                    ("--bin-uncorrelated", bin_uncorrelated)):
        check_number(name, v, low=0.0, high=1.0, high_open=True)
    check_number("--n-events", n_events, low=100, high=1e7)
    check_out(out, TABLE_SUFFIXES)
    check_plot(plot)
    import numpy as np
    import pandas as pd

    from nuportal.inference.neutrinophilic import background_sample, nuphilic_reach
    from nuportal.stats.binned_reach import Systematics

    masses = np.geomspace(m_phi_min, m_phi_max, n_masses)
    syst = Systematics(flux_norm=flux_norm, channel_norm=bkg_norm,
                       bin_uncorrelated=bin_uncorrelated)  # fmt: skip
    tables = []
    signals: dict = {}
    try:
        bkg = background_sample(lepton.value, n_events=n_events, seed=seed + 1)
        for det in dets:
            setup = _setup(Detector(det), years, charge_misid, pion_as_muon)
            res = nuphilic_reach(masses, lepton.value, setup, syst, n_events=n_events,
                                 seed=seed, background=bkg, signals=signals)  # fmt: skip
            signals = res.signals
            tables.append(res.table.assign(detector=det, pot=setup.pot,
                                           fiducial_mass_t=setup.fiducial_mass_t))
    except ValueError as exc:
        fail(str(exc))
    table = pd.concat(tables, ignore_index=True)
    typer.echo(table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    write_table(table, out)
    typer.echo(f"wrote {out}")
    if plot is not None:
        from nuportal.plotting.neutrinophilic import plot_nuphilic_reach

        plot_nuphilic_reach(
            table, plot, lepton=lepton.value,
            title=(f"Neutrinophilic scalar, DUNE ND (FHC, {years:g} yr):\nexpected 90% CL "
                   f"reach in $g_{{{lepton.value}{lepton.value}}}$"),
        )  # fmt: skip
        typer.echo(f"wrote {plot}")
