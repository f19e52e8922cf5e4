"""``nuportal target ...``: sources from protons on a thick target.

A thin layer over :mod:`nuportal.sources.target`. ``target_app`` is registered on the main app
by :mod:`nuportal.cli.app`. Shared options and :func:`resolve_beam` sit at the top so that
further commands of the group (dark photons from a beam, ...) reuse them; each command is one
function below.
"""

from __future__ import annotations

import math
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from nuportal.cli._util import check_writable, fail
from nuportal.cli.options import NEventsOption, PlotOption, SeedOption, out_option

__all__ = ["dark_photons", "mesons", "resolve_beam", "target_app"]

target_app = typer.Typer(
    help="Protons on a thick target: meson production and the new particles it sources.",
    no_args_is_help=True,
)


class BeamName(str, Enum):
    lbnf = "lbnf"
    numi = "numi"
    bnb = "bnb"


class Species(str, Enum):
    all = "all"
    pi_plus = "pi+"
    pi_minus = "pi-"
    pi0 = "pi0"
    k_plus = "K+"
    k_minus = "K-"
    k0 = "K0"
    eta = "eta"


# ---------------------------------------------------------------- options shared by the group
BeamOption = Annotated[
    BeamName | None,
    typer.Option(help="Catalog beam and target (or give --energy and --material instead)."),
]
EnergyOption = Annotated[
    float | None,
    typer.Option(
        help="Proton beam momentum (GeV): 6.4-12.3 (Sanford-Wang, beryllium) or 50-1000 (BMPT)."
    ),
]
MaterialOption = Annotated[
    str | None,
    typer.Option(
        help="Target material with --energy: beryllium, graphite, aluminium, iron, copper, "
        "tungsten, lead."
    ),
]
LengthOption = Annotated[
    float | None, typer.Option(help="Target length (m) with --energy (default 1 m).")
]
RadiusOption = Annotated[
    float | None, typer.Option(help="Target radius (m) with --energy (default 0.01 m).")
]
DensityOption = Annotated[
    float | None,
    typer.Option(help="Target density (g/cm^3) with --energy (default: the material's)."),
]
OutOption = Annotated[
    Path | None, out_option("Write the weighted list (.parquet or .csv), one row per meson.")
]


def resolve_beam(
    beam: BeamName | None,
    energy: float | None,
    material: str | None,
    length: float | None,
    radius: float | None,
    density: float | None,
):
    """The :class:`~nuportal.sources.target.BeamTarget` the options describe (or a one-line
    error naming the option, exit status 2)."""
    from nuportal.sources.target import BeamTarget, get_beam

    custom = {"--energy": energy, "--material": material, "--length": length,
              "--radius": radius, "--density": density}  # fmt: skip
    if beam is not None:
        given = [k for k, v in custom.items() if v is not None]
        if given:
            fail(f"give --beam or {', '.join(given)}, not both")
        return get_beam(beam.value)
    if energy is None or material is None:
        fail("give --beam lbnf|numi|bnb, or --energy (GeV) and --material")
    for name, value, unit in (("--energy", energy, "GeV"), ("--length", length, "m"),
                              ("--radius", radius, "m"), ("--density", density, "g/cm^3")):  # fmt: skip
        if value is not None and not (math.isfinite(value) and value > 0):
            fail(f"{name} must be a finite number > 0 {unit}, got {value}")
    try:
        return BeamTarget(
            name=f"{material} {energy:g} GeV",
            proton_energy=energy,
            material=material,
            length=1.0 if length is None else length,
            radius=0.01 if radius is None else radius,
            density=density,
        )
    except ValueError as exc:
        fail(f"--material: {exc}" if "material" in str(exc) else str(exc))


def _check_output(out: Path | None, suffixes: tuple[str, ...] = (".parquet", ".csv")) -> None:
    if out is not None and out.suffix.lower() not in suffixes:
        fail(f"--out must end in {' or '.join(suffixes)}, got {str(out)!r}")
    check_writable(out)


def _check_plot(plot: Path | None) -> None:
    if plot is not None and plot.suffix.lower() not in (".png", ".pdf", ".svg"):
        fail(f"--plot must end in .png, .pdf or .svg, got {str(plot)!r}")
    check_writable(plot)


# ---------------------------------------------------------------- commands
@target_app.command("mesons")
def mesons(
    beam: BeamOption = None,
    energy: EnergyOption = None,
    material: MaterialOption = None,
    length: LengthOption = None,
    radius: RadiusOption = None,
    density: DensityOption = None,
    species: Annotated[Species, typer.Option(help="Meson species to sample.")] = Species.all,
    n_events: NEventsOption = 100_000,
    seed: SeedOption = 1,
    out: OutOption = None,
    plot: PlotOption = None,
) -> None:
    """Meson yields per proton on target and weighted meson samples (momentum, production point)."""
    if n_events <= 0:
        fail(f"--n-events must be a positive integer, got {n_events}")
    _check_output(out)
    _check_plot(plot)
    target = resolve_beam(beam, energy, material, length, radius, density)
    import pandas as pd

    from nuportal.sources.target import available_species, meson_yields, sample_mesons

    try:
        allowed = available_species(target)
        chosen = list(allowed) if species == Species.all else [species.value]
        if chosen[0] not in allowed:
            fail(f"--species must be one of {list(allowed)} for this beam, got {chosen[0]!r}")
        yields = meson_yields(target)
    except ValueError as exc:
        # a custom beam's energy or material outside the parametrizations names its option
        prefix = ""
        if beam is None and "proton energy" in str(exc):
            prefix = "--energy: "
        elif beam is None and "material" in str(exc):
            prefix = "--material: "
        fail(prefix + str(exc))
    typer.echo(
        f"{target.name}: {target.proton_energy:g} GeV protons on {target.length:g} m of "
        f"{target.material} ({target.density:g} g/cm^3): {target.interaction_probability:.4f} "
        f"interact, {target.escape_fraction:.4f} escape"
    )
    typer.echo("mesons per POT (primary interactions): " + ", ".join(
        f"{k} {v:.4g}" for k, v in yields.items()))  # fmt: skip
    if out is None and plot is None:
        return
    import numpy as np

    frames = []
    rng = np.random.default_rng(seed)
    for name in chosen:
        frames.append(sample_mesons(target, name, n=n_events, seed=rng).to_dataframe())
    table = pd.concat(frames, ignore_index=True)
    table.attrs["metadata"] = {**frames[0].attrs["metadata"], "species": chosen, "seed": seed,
                               "yields_per_pot": {k: yields[k] for k in chosen}}  # fmt: skip
    del table.attrs["metadata"]["yield_per_pot"]
    if out is not None:
        from nuportal import io

        io.write_events(table, out, table.attrs["metadata"], required=())
        typer.echo(f"wrote {len(table)} weighted mesons to {out}")
    if plot is not None:
        from nuportal.plotting import plot_meson_maps

        plot_meson_maps(table, plot)
        typer.echo(f"wrote {plot}")


# ---------------------------------------------------------------- dark photons from a target
class DarkPhotonChannel(str, Enum):
    pi0 = "pi0"
    eta = "eta"
    proton_brem = "proton_brem"
    cascade = "cascade"
    pi0_3body = "pi0_3body"
    eta_3body = "eta_3body"


class ChiSpin(str, Enum):
    scalar = "scalar"
    dirac = "dirac"


@target_app.command("dark-photons")
def dark_photons(
    beam: BeamOption = None,
    energy: EnergyOption = None,
    material: MaterialOption = None,
    length: LengthOption = None,
    radius: RadiusOption = None,
    density: DensityOption = None,
    mass: Annotated[float, typer.Option(help="Dark-photon mass (GeV), > 0.")] = 0.09,
    epsilon: Annotated[float, typer.Option(help="Kinetic mixing, in (0, 1].")] = 1e-4,
    channel: Annotated[
        list[DarkPhotonChannel] | None,
        typer.Option(help="Channel (repeatable; default: every channel open at this mass)."),
    ] = None,
    off_axis: Annotated[
        float,
        typer.Option(help="Sideways offset of the DUNE ND-LAr box at 574 m (m), 0-100."),
    ] = 0.0,
    m_chi: Annotated[
        float | None,
        typer.Option(help="Dark matter mass (GeV): adds the pi0/eta -> gamma chi chi channels."),
    ] = None,
    alpha_d: Annotated[float, typer.Option(help="Dark coupling alpha_D, in (0, 4 pi].")] = 0.5,
    spin: Annotated[ChiSpin, typer.Option(help="Dark matter spin.")] = ChiSpin.scalar,
    masses: Annotated[
        str | None,
        typer.Option(help="Comma-separated masses (GeV): also tabulate/plot yields vs mass."),
    ] = None,
    n_events: NEventsOption = 100_000,
    seed: SeedOption = 1,
    out: Annotated[
        Path | None,
        out_option("Write the weighted A' list (.parquet or .csv), one row per A'."),
    ] = None,
    plot: PlotOption = None,
) -> None:
    """Dark photons from protons on a target by channel: yields per POT and ND-LAr acceptance
    (of the chi, two per A', when --m-chi is given)."""
    for name, value, ok, allowed in (
        ("--mass", mass, mass > 0, "> 0 GeV"),
        ("--epsilon", epsilon, 0 < epsilon <= 1, "in (0, 1]"),
        ("--off-axis", off_axis, 0 <= off_axis <= 100, "in [0, 100] m"),
        ("--alpha-d", alpha_d, 0 < alpha_d <= 4 * math.pi, "in (0, 4 pi]"),
    ):
        if not (math.isfinite(value) and ok):
            fail(f"{name} must be finite and {allowed}, got {value}")
    if m_chi is not None and not (math.isfinite(m_chi) and m_chi > 0):
        fail(f"--m-chi must be finite and > 0 GeV, got {m_chi}")
    if n_events <= 0:
        fail(f"--n-events must be a positive integer, got {n_events}")
    mass_list = None
    if masses is not None:
        try:
            mass_list = [float(m) for m in masses.split(",") if m.strip()]
        except ValueError:
            fail(f"--masses must be comma-separated numbers (GeV), got {masses!r}")
        if not mass_list or not all(math.isfinite(m) and m > 0 for m in mass_list):
            fail(f"--masses must be finite masses > 0 GeV, got {masses!r}")
    _check_output(out)
    _check_plot(plot)
    target = resolve_beam(beam, energy, material, length, radius, density)
    from nuportal.models.light_dark_matter import DarkSector
    from nuportal.sources.target.dark_photons import dark_photon_yields, target_dark_photons
    from nuportal.sources.target.detector_flux import acceptance_table

    chosen = None if not channel else [c.value for c in channel]
    try:
        chi = None if m_chi is None else DarkSector(m_chi, alpha_d, spin.value)
        table = target_dark_photons(
            target, mass, epsilon, channels=chosen, n_events=n_events, seed=seed, chi=chi
        )
        scan = None
        if mass_list is not None:
            scan = dark_photon_yields(
                target, mass_list, channels=chosen, chi=chi, epsilon=epsilon, seed=seed
            )
    except ValueError as exc:
        fail(str(exc))
    yields = table.attrs["metadata"]["yields_per_pot"]
    typer.echo(
        f"{target.name}: A' of {mass:g} GeV at epsilon = {epsilon:g}, per POT: "
        + ", ".join(f"{k} {v:.4g}" for k, v in yields.items())
        + f" (total {sum(yields.values()):.4g})"
    )
    particles, kind = table, "A'"
    if chi is not None:  # report the chi flux: chi pairs of every row that can make them
        from nuportal.sources.target.dark_photons import chi_pairs

        three = table["chi1_E"].notna() if "chi1_E" in table else table["E"].isna()
        rows = table if 2 * chi.m_chi < mass else table[three]
        if len(rows) < len(table):
            dropped = sorted(set(table.loc[~three, "channel"]))
            typer.echo(f"  {', '.join(dropped)}: no chi (on-shell A' below 2 m_chi)")
        particles, kind = chi_pairs(rows, chi, seed=seed, mass=mass, epsilon=epsilon), "chi"
    acc = acceptance_table(particles, (off_axis,))
    for row in acc.itertuples():
        typer.echo(
            f"  {row.group}: ND-LAr at {off_axis:g} m off axis: fraction {row.fraction:.3g} "
            f"+- {row.fraction_error:.2g}, {row.accepted_per_pot:.3g} {kind}/POT, <E> "
            f"{row.mean_energy_GeV:.3g} GeV"
        )
    if scan is not None:
        typer.echo("yield per POT / eps^2 versus mass:")
        typer.echo(scan.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    if out is not None:
        from nuportal import io

        io.write_events(table, out, table.attrs["metadata"], required=())
        typer.echo(f"wrote {len(table)} weighted A' to {out}")
    if plot is not None:
        from nuportal.plotting.target_dark_photons import (
            plot_target_dark_photons,
            plot_target_yields_vs_mass,
        )

        plot_target_dark_photons(table, plot, off_axis_angle=math.atan2(off_axis, 576.5))
        typer.echo(f"wrote {plot}")
        if scan is not None:
            scan_plot = plot.with_name(plot.stem + "_yields" + plot.suffix)
            plot_target_yields_vs_mass(scan, scan_plot, title=f"A' yields per POT: {target.name}")
            typer.echo(f"wrote {scan_plot}")
