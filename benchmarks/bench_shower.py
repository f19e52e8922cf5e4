"""Showers per second, and seconds per dark-photon flux, against a per-particle Python loop.

    python benchmarks/bench_shower.py [--n 1000] [--loop-n 5] [--dark-n 10000] [--mass 0.03]

1. ``simulate_showers``: 10 GeV electrons in graphite, 10 MeV cut (the issue's benchmark), and
   the same physics transported one particle at a time by a plain Python loop (the way the
   field's reference shower code works), in the same run.
2. ``dark_photon_flux`` for ``--dark-n`` showers: table construction (first use, cached) and the
   run itself, timed separately.

Prints showers per second, the speed-up, and the peak resident memory.
"""

from __future__ import annotations

import os

# One thread for every numerical library, set before numpy is imported.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from nuportal.kinematics.fourvectors import rotate_z_to, unit_vectors  # noqa: E402
from nuportal.sources.shower import simulate_showers  # noqa: E402
from nuportal.sources.shower.dark_brem_tables import DarkBremsstrahlung  # noqa: E402
from nuportal.sources.shower.dark_flux import dark_photon_flux  # noqa: E402
from nuportal.sources.shower.materials import material  # noqa: E402
from nuportal.sources.shower.multiple_scattering import sample_deflection  # noqa: E402
from nuportal.sources.shower.processes import Species  # noqa: E402
from nuportal.sources.shower.qed_constants import M_E  # noqa: E402
from nuportal.sources.shower.target import Target  # noqa: E402
from nuportal.sources.shower.transport import ShowerPhysics  # noqa: E402


def loop_showers(physics: ShowerPhysics, energy: float, n: int, rng) -> int:
    """The same condensed-history physics, one particle and one step at a time (reference).

    Uses the transport's own tables and samplers (called on one particle each), so the two
    differ only in being vectorized. Returns the number of steps taken.
    """
    target = physics.target
    steps = 0
    for _ in range(n):
        stack = [(Species.ELECTRON, energy, np.zeros(3), np.array([0.0, 0.0, 1.0]))]
        while stack:
            species, e, pos, d = stack.pop()
            steps += 1
            s_exit = float(target.distance_to_exit(pos[None], d[None])[0])
            if species is Species.PHOTON:
                sigma = physics.cross_sections[species](np.array([e]))[:, 0]
                s_int = rng.standard_exponential() / sigma.sum()
                if s_exit <= s_int:
                    continue
                pos = pos + s_int * d
                e_end = e
            else:
                rate = physics.loss_rate[species](np.array([e]))[0, 0]
                majorant = physics.majorants[species](np.array([e]))[0, 0]
                s_int = rng.standard_exponential() / majorant
                kinetic = e - M_E
                s_stop = (kinetic - physics.electron_cut) / rate
                length = min(
                    s_int,
                    s_exit,
                    s_stop,
                    physics.max_loss_fraction * kinetic / rate,
                    physics.max_step,
                )
                e_mid = max(e - 0.5 * length * rate, M_E * 1.000001)
                e_end = e - length * physics.loss_rate[species](np.array([e_mid]))[0, 0]
                if length == s_stop or e_end - M_E <= physics.electron_cut or length == s_exit:
                    continue
                pos = pos + length * d
                p = math.sqrt(e_end**2 - M_E**2)
                theta, phi = sample_deflection(
                    np.array([p]),
                    np.array([p / e_end]),
                    np.array([length]),
                    target.material.radiation_length,
                    rng,
                )
                d = rotate_z_to(unit_vectors(np.cos(theta), phi), d[None])[0]
                if length != s_int:
                    stack.append((species, e_end, pos, d))
                    continue
                sigma = physics.cross_sections[species](np.array([e_end]))[:, 0]
                if rng.random() * majorant >= sigma.sum():
                    stack.append((species, e_end, pos, d))
                    continue
            choice = min(
                int(np.searchsorted(np.cumsum(sigma), rng.random() * sigma.sum())), len(sigma) - 1
            )
            process = physics.processes[species][choice]
            out = process.sample(np.array([e_end]), rng)
            phi = rng.random() * 2 * math.pi
            for sp, e_out, c, ph in (
                (process.products[0], out.energy_1[0], out.cos_theta_1[0], phi),
                (process.products[1], out.energy_2[0], out.cos_theta_2[0], phi + math.pi),
            ):
                cut = physics.photon_cut if sp is Species.PHOTON else M_E + physics.electron_cut
                if e_out >= cut:
                    new_d = rotate_z_to(unit_vectors(np.array([c]), np.array([ph])), d[None])[0]
                    stack.append((sp, e_out, pos.copy(), new_d))
    return steps


def peak_memory_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="showers for the vectorized run")
    parser.add_argument("--loop-n", type=int, default=5, help="showers for the Python loop")
    parser.add_argument("--dark-n", type=int, default=10_000, help="showers for the A' flux")
    parser.add_argument("--mass", type=float, default=0.03, help="dark-photon mass [GeV]")
    parser.add_argument("--energy", type=float, default=10.0)
    parser.add_argument("--material", default="graphite")
    parser.add_argument("--cut", type=float, default=0.01)
    args = parser.parse_args()

    simulate_showers("e-", args.energy, args.material, 2, cut=args.cut, seed=0)  # warm-up
    t0 = time.perf_counter()
    result = simulate_showers("e-", args.energy, args.material, args.n, cut=args.cut, seed=1)
    t_vec = time.perf_counter() - t0
    rate_vec = args.n / t_vec
    print(
        f"vectorized: {args.n} showers of {args.energy:g} GeV e- in {args.material} "
        f"(cut {1e3 * args.cut:g} MeV) in {t_vec:.2f} s = {rate_vec:.1f} showers/s "
        f"({result.n_segments / args.n:.0f} steps per shower, "
        f"{result.n_segments / t_vec:.3g} steps/s)"
    )

    physics = ShowerPhysics(Target(args.material), args.cut, args.cut, args.energy)
    t0 = time.perf_counter()
    n_steps = loop_showers(physics, args.energy, args.loop_n, np.random.default_rng(1))
    t_loop = time.perf_counter() - t0
    rate_loop = args.loop_n / t_loop
    print(
        f"per-particle Python loop, same physics: {args.loop_n} showers in {t_loop:.2f} s = "
        f"{rate_loop:.2f} showers/s ({n_steps / args.loop_n:.0f} steps per shower)"
    )
    print(f"speed-up: x{rate_vec / rate_loop:.0f}")

    # time the table construction in a fresh cache directory (later runs read the cache)
    os.environ["NUPORTAL_CACHE_DIR"] = tempfile.mkdtemp(prefix="nuportal-bench-")
    t0 = time.perf_counter()
    table = DarkBremsstrahlung(material(args.material), args.mass).table  # built on first use
    t_tables = time.perf_counter() - t0
    print(
        f"dark-bremsstrahlung tables (vegas) for {args.material}, M = {1e3 * args.mass:g} MeV: "
        f"{t_tables:.2f} s for {len(table.energy)} energy nodes (built on first use and cached; "
        "later runs read the cache)"
    )
    t0 = time.perf_counter()
    flux = dark_photon_flux(
        args.mass,
        1e-4,
        energy=args.energy,
        material=args.material,
        n=args.dark_n,
        cut=args.cut,
        seed=1,
    )
    t_dark = time.perf_counter() - t0
    print(
        f"dark-photon flux from {args.dark_n} showers: {t_dark:.1f} s "
        f"({args.dark_n / t_dark:.1f} showers/s), {len(flux.dark_photons)} weighted A', "
        f"{flux.yields['total']:.3g} A' per electron at eps = 1e-4"
    )
    print(f"peak resident memory: {peak_memory_gb():.2f} GB")
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, numpy {np.__version__}; one thread"
    )


if __name__ == "__main__":
    main()
