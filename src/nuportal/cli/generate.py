"""``nuportal generate``: weighted events of a new particle decaying inside a detector.

A thin layer over :func:`nuportal.generate`; registered on the main app by :mod:`nuportal.cli.app`.
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
    KdarMixing,
    NEventsOption,
    NLegacyOption,
    PlotOption,
    SeedOption,
    alias,
    out_option,
)

__all__ = ["generate"]


class ModelName(str, Enum):
    hnl = "hnl"
    scalar = "scalar"


class Method(str, Enum):
    vegas = "vegas"
    numpy = "numpy"


class Source(str, Enum):
    kdar = "kdar"
    target = "target"


class Beam(str, Enum):
    lbnf = "lbnf"
    numi = "numi"
    bnb = "bnb"


class Parent(str, Enum):
    k_plus = "K+"
    pi_plus = "pi+"


def _mass_range(
    model: ModelName, mixing: KdarMixing, parent: Parent = Parent.k_plus
) -> tuple[float, float]:
    """Open mass interval (GeV) where the parent meson makes the particle and it decays to e+ e-."""
    from nuportal import constants

    low = 2 * constants.M_ELECTRON
    m_parent = constants.M_K_CHARGED if parent == Parent.k_plus else constants.M_PI_CHARGED
    if model == ModelName.hnl:
        return low, m_parent - constants.LEPTON_MASS[mixing.value]  # M+ -> l+ N
    return low, constants.M_K_CHARGED - constants.M_PI_CHARGED  # K+ -> pi+ S


def generate(
    model: Annotated[
        ModelName, typer.Option(help="New particle: heavy neutral lepton or Higgs-portal scalar.")
    ] = ModelName.hnl,
    mass: Annotated[float, typer.Option(help="Mass of the new particle (GeV).")] = 0.15,
    mixing: Annotated[
        KdarMixing, typer.Option(help="HNL: active flavour it mixes with (K+ -> l+ N).")
    ] = KdarMixing.mu,
    coupling: Annotated[
        float,
        typer.Option(
            help="HNL: squared mixing |U_l4|^2; scalar: mixing angle theta (dimensionless, "
            "in (0, 1])."
        ),
    ] = 1e-6,
    majorana: Annotated[bool, typer.Option("--majorana/--dirac", help="HNL nature.")] = True,
    n_events: NEventsOption = 100_000,
    n_legacy: NLegacyOption = None,
    detector: Annotated[
        str,
        typer.Option(
            help="Detector: dune_nd, icarus, microboone, miniboone, nova_nd, sbnd "
            "(case-insensitive; see `nuportal detectors`) or an experiment file (.toml)."
        ),
    ] = "microboone",
    source: Annotated[
        Source,
        typer.Option(
            help="Source of the parents: kdar (kaons decaying at rest) or target (mesons from "
            "protons on --beam's target decaying in flight; horn focusing not simulated)."
        ),
    ] = Source.kdar,
    beam: Annotated[
        Beam | None,
        typer.Option(help="--source target: proton beam and target (default: the detector's)."),
    ] = None,
    parent: Annotated[
        Parent, typer.Option(help="--source target: decaying meson (K+ or pi+).")
    ] = Parent.k_plus,
    decay_region: Annotated[
        float | None,
        typer.Option(help="--source target: decay length along the meson flight (m) "
                     "[default: the beamline's decay pipe]."),
    ] = None,
    method: Annotated[
        Method, typer.Option(help="Rest-frame sampler for three-body decays.")
    ] = Method.vegas,
    seed: SeedOption = 1,
    out: Annotated[Path, out_option("Output file: .parquet, .csv or .hepmc3.")] = Path(
        "events.parquet"
    ),
    plot: PlotOption = None,
) -> None:
    """Generate weighted events of a new particle decaying inside a detector."""
    n_events = alias(n_events, n_legacy)
    if n_events < 1:
        fail(f"--n-events must be a positive integer, got {n_events}")
    if source == Source.kdar and (beam is not None or decay_region is not None
                                  or parent != Parent.k_plus):
        fail("--beam, --parent and --decay-region apply to --source target")
    if model == ModelName.scalar and parent == Parent.pi_plus:
        fail("--parent pi+ cannot make a Higgs-portal scalar (only K+ -> pi+ S); use --parent K+")
    check_number("--decay-region", decay_region, low=0.0, low_open=True, unit="m")
    low, high = _mass_range(model, mixing, parent)
    check_number("--mass", mass, low=low, high=high, low_open=True, high_open=True, unit="GeV")
    check_number("--coupling", coupling, low=0.0, high=1.0, low_open=True)
    import nuportal

    try:
        nuportal.get_detector(detector)
    except ValueError as exc:
        fail(f"--detector: {exc}")
    check_out(out, EVENT_SUFFIXES)
    check_plot(plot)
    from nuportal.generation.pipeline import write_generated

    try:
        # streamed into the file chunk by chunk: memory of one chunk at any --n-events. PDG
        # Monte Carlo numbers of the decaying particle in HepMC3 files: 9900012 for a heavy
        # neutral lepton (the convention of the HeavyN UFO models, arXiv:1411.7305) and 54 for a
        # spin-0 mediator (PDG Monte Carlo numbering scheme, "dark sector" codes 51-60)
        summary = write_generated(
            out,
            parent_pdg=9900012 if model == ModelName.hnl else 54,
            model=model.value,
            mass=mass,
            coupling=coupling,
            mixing=mixing.value,
            majorana=majorana,
            n_events=n_events,
            detector=detector,
            source=source.value,
            method=method.value,
            **(
                {"beam": beam.value if beam else None, "parent": parent.value,
                 "decay_region": decay_region}
                if source == Source.target
                else {}
            ),
            seed=seed,
            progress=show_progress(),
        )
    except ValueError as exc:
        fail(str(exc))
    typer.echo(
        f"wrote {summary['n_events']} events to {out}; expected decays in the detector per "
        f"{'proton on target' if source == Source.target else 'source decay'}: "
        f"{summary['weight_sum']:.4g} (selected {summary['selected_weight_sum']:.4g})"
    )
    if plot is not None:
        from nuportal.plotting import plot_events

        plot_events(summary["preview"], plot)  # the first chunk, weights scaled to the total
        typer.echo(f"wrote {plot}")
