"""``nuportal interactions ...``: Standard-Model neutrino interactions at near detectors.

A thin layer over :mod:`nuportal.interactions`: ``events`` (weighted events for a flux and a
target, :func:`~nuportal.interactions.generate.generate_interactions`), ``rates`` (events per
channel for an exposure, :func:`~nuportal.interactions.rates.event_rates`) and ``convert`` (a
GENIE gst, NuHepMC or nuportal file into parquet or NuHepMC, with the reconstructed observables).
``interactions_app`` is registered on the main app by :mod:`nuportal.cli.app`; further commands
of the group are appended below.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from nuportal.cli._util import check_writable, fail
from nuportal.cli.options import NEventsOption, PlotOption, SeedOption, out_option

__all__ = ["convert", "events", "interactions_app", "rates", "xsec"]

interactions_app = typer.Typer(
    help="Standard-Model neutrino interactions: events, rates and cross sections at detectors.",
    no_args_is_help=True,
)


class FluxName(str, Enum):
    """Shipped flux tables (nuportal.sources.fluxes.FLUX_TABLES)."""

    dune_nd_fhc = "dune_nd_fhc"
    dune_nd_rhc = "dune_nd_rhc"
    nova_nd_fhc = "nova_nd_fhc"
    nova_nd_rhc = "nova_nd_rhc"
    miniboone_fhc = "miniboone_fhc"
    miniboone_rhc = "miniboone_rhc"
    microboone_fhc = "microboone_fhc"
    sbnd_fhc = "sbnd_fhc"


class TargetName(str, Enum):
    """Detector materials (nuportal.interactions.targets.MATERIALS)."""

    Ar40 = "Ar40"
    C12 = "C12"
    CH = "CH"
    CH2 = "CH2"
    H2O = "H2O"
    O16 = "O16"
    H1 = "H1"


class DetectorName(str, Enum):
    """Catalog detectors with a shipped flux (nuportal.sources.fluxes.DETECTOR_FLUXES)."""

    dune_nd = "dune_nd"
    nova_nd = "nova_nd"
    sbnd = "sbnd"
    microboone = "microboone"
    miniboone = "miniboone"


FluxOption = Annotated[
    FluxName, typer.Option(help="Neutrino flux table (nu / cm^2 / POT / GeV) at the detector.")
]
TargetOption = Annotated[TargetName, typer.Option(help="Target material of the detector.")]
# with --detector as the alternative: None means "not given" (defaults dune_nd_fhc, Ar40)
FluxOrDetectorOption = Annotated[
    FluxName | None,
    typer.Option(
        "--flux",
        help="Neutrino flux table (nu / cm^2 / POT / GeV) at the detector [default: dune_nd_fhc].",
    ),
]
TargetOrDetectorOption = Annotated[
    TargetName | None,
    typer.Option("--target", help="Target material of the detector [default: Ar40]."),
]
DetectorOption = Annotated[
    DetectorName | None,
    typer.Option(
        help="Catalog detector instead of --flux/--target: its neutrino-mode flux, its material "
        "(LAr: Ar40; mineral oil, scintillator: CH2) and its active mass as the default --tonnes."
    ),
]


def _resolve(
    detector: DetectorName | None, flux: FluxName | None, target: TargetName | None
) -> tuple[str, str, float | None]:
    """(flux table, material, active mass [t] or None) from --detector or --flux/--target."""
    if detector is None:
        return (
            (flux or FluxName.dune_nd_fhc).value,
            (target or TargetName.Ar40).value,
            None,
        )
    if flux is not None or target is not None:
        fail("give --detector or --flux/--target, not both")
    from nuportal.detectors import get_detector
    from nuportal.sources.fluxes import DETECTOR_FLUXES

    det = get_detector(detector.value)
    medium = (det.target_material or "").lower()
    material = "Ar40" if "lar" in medium or "argon" in medium else "CH2"
    return DETECTOR_FLUXES[detector.value]["fhc"], material, det.active_mass
ProcessesOption = Annotated[
    str | None,
    typer.Option(
        help="Comma-separated processes (default: all registered: nu_e_elastic, ccqe, 2p2h, "
        "res_cc, res_nc, nonres_cc, nonres_nc, dis_cc, dis_nc)."
    ),
]
PotOption = Annotated[float, typer.Option(help="Exposure in protons on target (POT), > 0.")]
TonnesOption = Annotated[
    float | None,
    typer.Option(help="Detector target mass (tonnes), > 0 (default: the detector's, else 1)."),
]


def _processes(text: str | None) -> list[str] | None:
    """The --processes list, checked against the registry before any work."""
    if text is None:
        return None
    import nuportal.interactions  # noqa: F401  (fills the process registry)
    from nuportal.interactions.processes import PROCESSES

    names = [p.strip() for p in text.split(",") if p.strip()]
    unknown = [p for p in names if p not in PROCESSES]
    if not names or unknown:
        fail(f"--processes must name registered processes {sorted(PROCESSES)}, got {text!r}")
    return names


def _positive(value: float, option: str) -> None:
    import math

    if not (math.isfinite(value) and value > 0):
        fail(f"{option} must be finite and > 0, got {value!r}")


def _event_suffix(out: Path) -> None:
    if out.suffix.lower() not in (".parquet", ".hepmc3", ".hepmc"):
        fail(f"--out must end in .parquet or .hepmc3, got {str(out)!r}")


def _write(record, out: Path) -> None:
    if out.suffix.lower() == ".parquet":
        record.to_parquet(out)
    else:
        from nuportal.interactions.nuhepmc import write_nuhepmc

        write_nuhepmc(record, out)


def _plot(record, plot: Path) -> None:
    from nuportal.plotting.interaction_events import plot_interaction_events

    plot_interaction_events(record, plot)
    typer.echo(f"wrote {plot}")


@interactions_app.command("events")
def events(
    flux: FluxOrDetectorOption = None,
    target: TargetOrDetectorOption = None,
    detector: DetectorOption = None,
    processes: ProcessesOption = None,
    n_events: NEventsOption = 10_000,
    seed: SeedOption = 1,
    pot: Annotated[
        float | None,
        typer.Option(help="Scale weights to expected events for this exposure (POT), > 0."),
    ] = None,
    tonnes: Annotated[
        float | None,
        typer.Option(help="Target mass (tonnes) for --pot (default: the detector's, else 1)."),
    ] = None,
    out: Annotated[
        Path,
        out_option(
            "Output file: .parquet (events, plus <name>.particles.parquet) or .hepmc3 (NuHepMC)."
        ),
    ] = Path("interaction_events.parquet"),
    plot: PlotOption = None,
) -> None:
    """Weighted Standard-Model neutrino events for a flux and a target material."""
    _event_suffix(out)
    check_writable(out)
    check_writable(plot)
    flux_name, material, mass = _resolve(detector, flux, target)
    names = _processes(processes)
    if pot is not None:
        _positive(pot, "--pot")
    if tonnes is not None:
        if pot is None:
            fail("--tonnes needs --pot")
        _positive(tonnes, "--tonnes")
    from nuportal.interactions.generate import generate_interactions

    try:
        record = generate_interactions(
            flux_name, material, processes=names, n_events=n_events, seed=seed
        )
        if pot is not None:
            from nuportal.interactions.rates import units_per_tonne

            t = tonnes if tonnes is not None else (mass or 1.0)
            record = record.scaled(pot, t * units_per_tonne(material))
        _write(record, out)
    except ValueError as exc:
        fail(str(exc))
    unit = "events" if pot is not None else "events/POT/formula unit"
    typer.echo(f"wrote {len(record)} events ({record.total_weight:.4g} {unit}) to {out}")
    if plot is not None:
        _plot(record, plot)


@interactions_app.command("rates")
def rates(
    flux: FluxOrDetectorOption = None,
    target: TargetOrDetectorOption = None,
    detector: DetectorOption = None,
    processes: ProcessesOption = None,
    pot: PotOption = 1e21,
    tonnes: TonnesOption = None,
    by_process: Annotated[
        bool, typer.Option("--by-process", help="One row per channel and process.")
    ] = False,
    out: Annotated[Path | None, out_option("Also write the table (.csv or .parquet).")] = None,
) -> None:
    """Expected events per channel (nu_mu CC, nu_e CC, NC, nu e elastic, ...) for an exposure."""
    _positive(pot, "--pot")
    if tonnes is not None:
        _positive(tonnes, "--tonnes")
    if out is not None and out.suffix.lower() not in (".csv", ".parquet"):
        fail(f"--out must end in .csv or .parquet, got {str(out)!r}")
    check_writable(out)
    flux_name, material, mass = _resolve(detector, flux, target)
    tonnes = tonnes if tonnes is not None else (mass or 1.0)
    names = _processes(processes)
    from nuportal.interactions.rates import event_rates, rate_summary

    try:
        table = event_rates(flux_name, material, processes=names, pot=pot, tonnes=tonnes)
    except ValueError as exc:
        fail(str(exc))
    if not by_process:
        table = rate_summary(table).rename("events").reset_index()
    typer.echo(f"{flux_name} on {material}: events for {pot:.3g} POT and {tonnes:g} t")
    typer.echo(table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    if out is not None:
        if out.suffix.lower() == ".parquet":
            table.to_parquet(out)
        else:
            table.to_csv(out, index=False, float_format="%.8g")
        typer.echo(f"wrote {out}")


@interactions_app.command("convert")
def convert(
    source: Annotated[
        Path,
        typer.Argument(
            help="Event file: GENIE gst (.root), NuHepMC (.hepmc3) or nuportal (.parquet)."
        ),
    ],
    out: Annotated[
        Path, out_option("Output: .parquet (with reconstructed observables) or .hepmc3.")
    ] = Path("converted_events.parquet"),
    binding_energy: Annotated[
        float, typer.Option(help="Binding energy of the QE energy estimator (GeV), in [0, 0.1].")
    ] = 0.03,
    plot: PlotOption = None,
) -> None:
    """Read a generator's events into nuportal's record; add the reconstructed observables."""
    _event_suffix(out)
    if not (0.0 <= binding_energy <= 0.1):
        fail(f"--binding-energy must be in [0, 0.1] GeV, got {binding_energy!r}")
    check_writable(out)
    check_writable(plot)
    from nuportal.interactions.readers import read_events_file

    try:
        record = read_events_file(source)
        if out.suffix.lower() == ".parquet":
            from nuportal.interactions.events import InteractionEvents
            from nuportal.interactions.observables import observables

            obs = observables(record, binding_energy=binding_energy).add_prefix("reco_")
            ev = record.events.join(obs)
            record = InteractionEvents(ev, record.particles, record.metadata)
        _write(record, out)
    except ValueError as exc:
        fail(str(exc))
    typer.echo(f"read {len(record)} events from {source}; wrote {out}")
    if plot is not None:
        _plot(record, plot)


class Flavour(str, Enum):
    """Neutrino flavour of the cross-section table."""

    numu = "numu"
    numubar = "numubar"
    nue = "nue"
    nuebar = "nuebar"
    nutau = "nutau"
    nutaubar = "nutaubar"


@interactions_app.command("xsec")
def xsec(
    target: TargetOption = TargetName.Ar40,
    flavour: Annotated[Flavour, typer.Option(help="Neutrino flavour.")] = Flavour.numu,
    processes: ProcessesOption = None,
    e_min: Annotated[float, typer.Option(help="Lowest energy (GeV), >= 0.1.")] = 0.2,
    e_max: Annotated[float, typer.Option(help="Highest energy (GeV), <= 500.")] = 50.0,
    n_points: Annotated[int, typer.Option(min=2, help="Energies, log-spaced.")] = 60,
    m_a_res: Annotated[
        float, typer.Option(help="Axial mass of the N -> Delta form factor (GeV), > 0.")
    ] = 1.05,
    nonres_pion_scale: Annotated[
        float, typer.Option(help="Scale of non-resonant pions below W = 1.7 GeV, >= 0.")
    ] = 1.0,
    dis_norm: Annotated[float, typer.Option(help="DIS normalization, >= 0.")] = 1.0,
    out: Annotated[Path, out_option("Table of cross sections (.csv).")] = Path("xsec.csv"),
    plot: PlotOption = None,
) -> None:
    """Total cross sections per process and inclusive CC versus energy (cm^2 per formula unit)."""
    import math

    lo, hi = 0.1, 500.0  # nuportal.interactions.total.E_RANGE (not imported: start-up time)
    if not (math.isfinite(e_min) and lo <= e_min <= hi):
        fail(f"--e-min must be in [{lo}, {hi}] GeV, got {e_min!r}")
    if not (math.isfinite(e_max) and e_min < e_max <= hi):
        fail(f"--e-max must be in ({e_min}, {hi}] GeV, got {e_max!r}")
    if not (math.isfinite(m_a_res) and m_a_res > 0):
        fail(f"--m-a-res must be finite and > 0 GeV, got {m_a_res!r}")
    for name, v in (("--nonres-pion-scale", nonres_pion_scale), ("--dis-norm", dis_norm)):
        if not (math.isfinite(v) and v >= 0):
            fail(f"{name} must be finite and >= 0, got {v!r}")
    if out.suffix.lower() != ".csv":
        fail(f"--out must end in .csv, got {str(out)!r}")
    check_writable(out)
    check_writable(plot)
    names = _processes(processes)
    import numpy as np

    from nuportal.interactions.targets import material, nucleus_parameters
    from nuportal.interactions.total import cross_section_table, load_measurements

    E = np.geomspace(e_min, e_max, n_points)
    try:
        table = cross_section_table(
            E, flavour.value, target.value, processes=tuple(names) if names else None,
            M_A_RES=m_a_res, nonres_pion_scale=nonres_pion_scale, dis_norm=dis_norm,
        )
    except ValueError as exc:
        fail(str(exc))
    table.to_csv(out, index=False, float_format="%.6e")
    typer.echo(f"wrote {out} ({len(table)} energies; cm^2 per {target.value} formula unit)")
    if plot is not None:
        from nuportal.plotting.interactions import plot_cross_sections

        nucleons = sum(nucleus_parameters(n).A * c for n, c in material(target.value))
        plot_cross_sections(table, flavour.value, target.value, nucleons, plot,
                            measurements=load_measurements())
        typer.echo(f"wrote {plot}")
