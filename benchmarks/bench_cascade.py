"""Speed and statistical power of the target-cascade channel (nuportal.sources.target.cascade).

Prints, for the LBNF target and one A' mass, the showers per second and the relative
statistical error per process after a fixed number of showers, for the default defensive
mixture of photon choices (half ~ weight x energy, half ~ weight), the pure energy-weighted
choice and the plain choice (~ weight) as reference; (error^2 x CPU time) ratios are the
speed-ups at equal error.

    python benchmarks/bench_cascade.py [mass_GeV] [n_showers]
"""

from __future__ import annotations

import sys
import time

import numpy as np

from nuportal.sources.shower import simulate_showers
from nuportal.sources.shower.dark_flux import DarkPhotonTally
from nuportal.sources.shower.qed_constants import M_E
from nuportal.sources.target import get_beam
from nuportal.sources.target.cascade import (
    ANNIHILATION_PHOTON_CUT,
    _importance_sample,
    _target_material,
    cascade_photons,
    default_cut,
)


def _run(primaries, beam, mass, cut, seed):
    material = _target_material(beam)
    t = time.perf_counter()
    c = time.process_time()
    tally = DarkPhotonTally(
        material,
        mass,
        draws_per_shower=1.0,
        rng=np.random.default_rng(seed),
        photon_cut=ANNIHILATION_PHOTON_CUT,
        shower_weights=primaries.weight,
    )
    simulate_showers(
        material=material,
        cut=cut,
        photon_cut=cut,
        length=beam.length * 100.0,
        radius=beam.radius * 100.0,
        seed=seed,
        progress=False,
        on_segments=[tally],
        primaries=primaries,
    )
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    return wall, cpu, tally.yields(1), tally.yield_errors(1)


def main() -> None:
    mass = float(sys.argv[1]) if len(sys.argv) > 1 else 0.03
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    beam = get_beam("lbnf")
    cut = default_cut(mass)
    photons = cascade_photons(beam, n_mesons=50_000, seed=1, min_energy=max(cut, mass + M_E))
    rng = np.random.default_rng(2)
    choices = {
        "mixture (default)": _importance_sample(photons, n, rng, 0.5),
        "energy (w E)": _importance_sample(photons, n, rng, 1.0),
        "plain (w)": _importance_sample(photons, n, rng, 0.0),
    }
    print(
        f"LBNF graphite target, M = {mass * 1e3:g} MeV, cut {cut * 1e3:g} MeV "
        f"(e+ e- -> gamma A' photons above {ANNIHILATION_PHOTON_CUT * 1e3:g} MeV), {n} showers"
    )
    _run(choices["plain (w)"].take(slice(0, 5)), beam, mass, cut, 0)  # load the tables once
    for name, prim in choices.items():
        seconds, cpu, yields, errors = _run(prim, beam, mass, cut, 3)
        print(
            f"  {name:18s} {n / cpu:7.1f} showers/s of CPU ({cpu:5.1f} s CPU, {seconds:5.1f} s "
            f"wall), mean photon energy "
            f"{prim.energy.mean():5.2f} GeV; A'/POT (relative error): "
            + ", ".join(
                f"{k} {v:.3e} ({errors[k] / v:.3f})" if v else f"{k} 0" for k, v in yields.items()
            )
        )


if __name__ == "__main__":
    main()
