"""``nuportal generate``: weighted events of a new particle decaying inside a detector.

A thin layer over :func:`nuportal.generate`; registered on the main app by :mod:`nuportal.cli.app`.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from nuportal.cli._util import check_writable, fail
from nuportal.cli.options import Mixing, SeedOption, out_option

__all__ = ["generate"]


class ModelName(str, Enum):
    hnl = "hnl"
    scalar = "scalar"


class Method(str, Enum):
    vegas = "vegas"
    numpy = "numpy"


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
    seed: SeedOption = 1,
    out: Annotated[Path, out_option("Output file: .parquet, .csv or .hepmc3.")] = Path(
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
