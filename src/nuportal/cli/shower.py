"""``nuportal shower`` and ``nuportal dark-flux``: electromagnetic showers and their dark photons.

Thin layers over :func:`nuportal.sources.shower.simulate_showers` and
:func:`nuportal.sources.shower.dark_photon_flux`; registered on the main app by
:mod:`nuportal.cli.app`.
"""

from __future__ import annotations

import math
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
    parse_list,
    show_progress,
)
from nuportal.cli.options import (
    NLegacyOption,
    PlotOption,
    SeedOption,
    alias,
    out_option,
)

__all__ = ["dark_flux", "shower"]


class Primary(str, Enum):
    electron = "e-"
    positron = "e+"
    gamma = "gamma"


class Material(str, Enum):
    graphite = "graphite"
    beryllium = "beryllium"
    aluminium = "aluminium"
    iron = "iron"
    copper = "copper"
    molybdenum = "molybdenum"
    tungsten = "tungsten"
    lead = "lead"


class Scattering(str, Enum):
    highland = "highland"
    moliere = "moliere"


#: dark-photon production processes of ``dark-flux --processes``
DARK_PROCESSES = ("brem", "compton", "annihilation", "resonant")

ParticleOption = Annotated[Primary, typer.Option(help="Primary particle.")]
EnergyOption = Annotated[float, typer.Option(help="Primary total energy (GeV).")]
MaterialOption = Annotated[Material, typer.Option(help="Target material.")]
CutOption = Annotated[
    float,
    typer.Option(help="Tracking cut (GeV): e+- kinetic energy and photon energy, below --energy."),
]
ShowersOption = Annotated[
    int, typer.Option("--n-events", min=1, help="Number of showers (primaries).")
]
LengthOption = Annotated[
    float | None, typer.Option(help="Target length (cm) (default 30 radiation lengths).")
]
ScatteringOption = Annotated[
    Scattering, typer.Option(help="Multiple scattering: Gaussian (Highland) or Moliere.")
]
RadiusOption = Annotated[
    float | None, typer.Option(help="Target radius (cm) (default: infinitely wide).")
]


#: highest primary energy (GeV): the tabulated cross sections end at 1e6 GeV, and secondaries
#: (e+ annihilating on an atomic electron) may carry a little more than the primary
MAX_PRIMARY_ENERGY = 1.0e5


def _check_shower_options(
    particle: Primary,
    energy: float,
    cut: float,
    n_events: int,
    length: float | None,
    radius: float | None,
) -> None:
    if n_events < 1:
        fail(f"--n-events must be a positive integer, got {n_events}")
    check_number("--energy", energy, low=0.0, high=MAX_PRIMARY_ENERGY, low_open=True, unit="GeV")
    check_number("--cut", cut, low=0.0, high=energy, low_open=True, high_open=True, unit="GeV")
    if particle != Primary.gamma:
        from nuportal.sources.shower.qed_constants import M_E

        if not energy > M_E + cut:
            fail(
                f"--energy {energy:g} GeV is the total energy of the {particle.value}: it must "
                f"exceed its mass plus --cut, {M_E + cut:.6g} GeV"
            )
    check_number("--length", length, low=0.0, low_open=True, unit="cm")
    check_number("--radius", radius, low=0.0, low_open=True, unit="cm")


def shower(
    particle: ParticleOption = Primary.electron,
    energy: EnergyOption = 10.0,
    material: MaterialOption = Material.graphite,
    cut: CutOption = 0.01,
    n_events: ShowersOption = 1000,
    n_legacy: NLegacyOption = None,
    seed: SeedOption = 1,
    length: LengthOption = None,
    radius: RadiusOption = None,
    scattering: ScatteringOption = Scattering.highland,
    out: Annotated[
        Path, out_option("Output: per-shower table (.parquet or .csv) with histograms.")
    ] = Path("shower.parquet"),
    plot: PlotOption = None,
) -> None:
    """Simulate electromagnetic showers in a thick target."""
    n_events = alias(n_events, n_legacy)
    _check_shower_options(particle, energy, cut, n_events, length, radius)
    check_out(out, TABLE_SUFFIXES)
    check_plot(plot)
    from nuportal import io
    from nuportal.sources.shower import simulate_showers

    try:
        result = simulate_showers(
            particle.value,
            energy,
            material.value,
            n_events,
            cut=cut,
            seed=seed,
            length=length,
            radius=math.inf if radius is None else radius,
            scattering=scattering.value,
            progress=show_progress(),
        )
        io.write_events(result.summary.reset_index(), out, result.metadata(), required=())
    except ValueError as exc:
        fail(str(exc))
    mean = result.summary.mean()
    typer.echo(
        f"wrote {n_events} showers to {out}: per shower "
        f"{mean['deposited'] + mean['below_cut']:.4g} GeV deposited, {mean['escaping']:.4g} GeV "
        f"escaping, charged track length "
        f"{mean['charged_track_length'] + mean['residual_track_length']:.4g} cm; "
        f"shower maximum at {result.shower_maximum():.2f} X0"
    )
    if plot is not None:
        from nuportal.plotting import plot_shower

        plot_shower(result.metadata(), plot)
        typer.echo(f"wrote {plot}")


def dark_flux(
    mass: Annotated[float, typer.Option(help="Dark-photon mass (GeV), below --energy.")] = 0.03,
    epsilon: Annotated[
        float, typer.Option(help="Kinetic mixing epsilon (dimensionless, in (0, 1]).")
    ] = 1e-4,
    particle: ParticleOption = Primary.electron,
    energy: EnergyOption = 10.0,
    material: MaterialOption = Material.graphite,
    cut: CutOption = 0.01,
    n_events: ShowersOption = 1000,
    n_legacy: NLegacyOption = None,
    seed: SeedOption = 1,
    length: LengthOption = None,
    scattering: ScatteringOption = Scattering.highland,
    processes: Annotated[
        str,
        typer.Option(help=f"Comma-separated production processes: {', '.join(DARK_PROCESSES)}."),
    ] = ",".join(DARK_PROCESSES),
    distance: Annotated[
        float | None, typer.Option(help="Detector face: distance from the target (m).")
    ] = None,
    detector_radius: Annotated[float, typer.Option(help="Detector face radius (m).")] = 1.0,
    off_axis: Annotated[
        float, typer.Option(help="Detector face: angle from the beam axis (degrees), in [0, 90).")
    ] = 0.0,
    out: Annotated[
        Path, out_option("Output: weighted dark-photon list (.parquet or .csv).")
    ] = Path("dark_photons.parquet"),
    plot: PlotOption = None,
) -> None:
    """Simulate showers and the dark photons they produce (weighted list, yields, flux)."""
    n_events = alias(n_events, n_legacy)
    _check_shower_options(particle, energy, cut, n_events, length, None)
    check_number("--mass", mass, low=0.0, low_open=True, unit="GeV")
    if mass >= energy:
        fail(
            f"--mass {mass:g} GeV is not below the primary energy (--energy {energy:g} GeV): "
            "every production process is kinematically closed"
        )
    check_number("--epsilon", epsilon, low=0.0, high=1.0, low_open=True)
    chosen = parse_list("--processes", processes, DARK_PROCESSES)
    check_number("--distance", distance, low=0.0, low_open=True, unit="m")
    check_number("--detector-radius", detector_radius, low=0.0, low_open=True, unit="m")
    check_number("--off-axis", off_axis, low=0.0, high=90.0, high_open=True, unit="degrees")
    check_out(out, TABLE_SUFFIXES)
    check_plot(plot)
    from nuportal import io
    from nuportal.sources.shower import dark_photon_flux, dark_photons_through_disk

    try:
        result = dark_photon_flux(
            mass,
            epsilon,
            particle=particle.value,
            energy=energy,
            material=material.value,
            n=n_events,
            processes=chosen,
            seed=seed,
            cut=cut,
            length=length,
            scattering=scattering.value,
            progress=show_progress(),
        )
        table = result.dark_photons
        meta = result.metadata()
        if distance is not None:
            hit = dark_photons_through_disk(
                table, distance, detector_radius, math.radians(off_axis)
            )
            table["through_detector"] = hit
            meta["detector_face"] = {
                "distance_m": distance,
                "radius_m": detector_radius,
                "off_axis_deg": off_axis,
                "dark_photons_per_primary": float(table.loc[hit, "weight"].sum()),
            }
        io.write_events(table, out, meta, required=("weight",))
    except ValueError as exc:
        fail(str(exc))
    parts = ", ".join(f"{k} {v:.3g}" for k, v in result.yields.items() if k != "total")
    typer.echo(
        f"wrote {len(table)} weighted dark photons to {out}: {result.yields['total']:.4g} per "
        f"primary at epsilon = {epsilon:g} ({parts})"
    )
    if distance is not None:
        typer.echo(
            f"through the detector face ({detector_radius:g} m radius at {distance:g} m, "
            f"{off_axis:g} deg off axis): {meta['detector_face']['dark_photons_per_primary']:.4g} "
            "per primary"
        )
    if plot is not None:
        from nuportal.plotting import plot_dark_photons

        plot_dark_photons(table, plot)
        typer.echo(f"wrote {plot}")
