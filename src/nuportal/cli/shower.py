"""``nuportal shower`` and ``nuportal dark-flux``: electromagnetic showers and their dark photons.

Thin layers over :func:`nuportal.sources.shower.simulate_showers` and
:func:`nuportal.sources.shower.dark_photon_flux`; registered on the main app by
:mod:`nuportal.cli.app`.
"""

from __future__ import annotations

import math
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from nuportal.cli._util import check_writable, fail

__all__ = ["dark_flux", "shower"]


class Primary(str, Enum):
    electron = "e-"
    positron = "e+"
    gamma = "gamma"


ParticleOption = Annotated[Primary, typer.Option(help="Primary particle.")]
EnergyOption = Annotated[float, typer.Option(help="Primary total energy [GeV].")]
MaterialOption = Annotated[
    str,
    typer.Option(
        help="Target material: graphite, beryllium, aluminium, iron, copper, molybdenum, "
        "tungsten, lead."
    ),
]
CutOption = Annotated[
    float, typer.Option(help="Tracking cut [GeV]: e+- kinetic energy and photon energy.")
]
NOption = Annotated[int, typer.Option("--n", help="Number of showers.")]
SeedOption = Annotated[int, typer.Option(help="Random seed (same seed, same showers).")]
LengthOption = Annotated[
    float | None, typer.Option(help="Target length [cm] (default 30 radiation lengths).")
]


class Scattering(str, Enum):
    highland = "highland"
    moliere = "moliere"


ScatteringOption = Annotated[
    Scattering, typer.Option(help="Multiple scattering: Gaussian (Highland) or Moliere.")
]
RadiusOption = Annotated[
    float | None, typer.Option(help="Target radius [cm] (default: infinitely wide).")
]


def shower(
    particle: ParticleOption = Primary.electron,
    energy: EnergyOption = 10.0,
    material: MaterialOption = "graphite",
    cut: CutOption = 0.01,
    n: NOption = 1000,
    seed: SeedOption = 1,
    length: LengthOption = None,
    radius: RadiusOption = None,
    scattering: ScatteringOption = Scattering.highland,
    out: Annotated[
        Path, typer.Option(help="Output: per-shower table (.parquet or .csv) with histograms.")
    ] = Path("shower.parquet"),
) -> None:
    """Simulate electromagnetic showers in a thick target."""
    from nuportal import io
    from nuportal.sources.shower import simulate_showers

    check_writable(out)
    try:
        io._format(out)
        result = simulate_showers(
            particle.value,
            energy,
            material,
            n,
            cut=cut,
            seed=seed,
            length=length,
            radius=math.inf if radius is None else radius,
            scattering=scattering.value,
            progress=sys.stderr.isatty(),
        )
        io.write_events(result.summary.reset_index(), out, result.metadata(), required=())
    except ValueError as exc:
        fail(str(exc))
    mean = result.summary.mean()
    typer.echo(
        f"wrote {n} showers to {out}: per shower {mean['deposited'] + mean['below_cut']:.4g} GeV "
        f"deposited, {mean['escaping']:.4g} GeV escaping, charged track length "
        f"{mean['charged_track_length'] + mean['residual_track_length']:.4g} cm; "
        f"shower maximum at {result.shower_maximum():.2f} X0"
    )


def dark_flux(
    mass: Annotated[float, typer.Option(help="Dark-photon mass [GeV].")] = 0.03,
    epsilon: Annotated[float, typer.Option(help="Kinetic mixing epsilon.")] = 1e-4,
    particle: ParticleOption = Primary.electron,
    energy: EnergyOption = 10.0,
    material: MaterialOption = "graphite",
    cut: CutOption = 0.01,
    n: NOption = 1000,
    seed: SeedOption = 1,
    length: LengthOption = None,
    scattering: ScatteringOption = Scattering.highland,
    processes: Annotated[
        str, typer.Option(help="Comma-separated: brem, compton, annihilation, resonant.")
    ] = "brem,compton,annihilation,resonant",
    distance: Annotated[
        float | None, typer.Option(help="Detector face: distance from the target [m].")
    ] = None,
    detector_radius: Annotated[float, typer.Option(help="Detector face radius [m].")] = 1.0,
    off_axis: Annotated[
        float, typer.Option(help="Detector face: angle from the beam axis [degrees].")
    ] = 0.0,
    out: Annotated[
        Path, typer.Option(help="Output: weighted dark-photon list (.parquet or .csv).")
    ] = Path("dark_photons.parquet"),
) -> None:
    """Simulate showers and the dark photons they produce (weighted list, yields, flux)."""
    from nuportal import io
    from nuportal.sources.shower import dark_photon_flux, dark_photons_through_disk

    check_writable(out)
    try:
        io._format(out)
        result = dark_photon_flux(
            mass,
            epsilon,
            particle=particle.value,
            energy=energy,
            material=material,
            n=n,
            processes=[p.strip() for p in processes.split(",") if p.strip()],
            seed=seed,
            cut=cut,
            length=length,
            scattering=scattering.value,
            progress=sys.stderr.isatty(),
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
