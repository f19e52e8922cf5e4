"""Dark photons from 10 GeV electrons in a graphite beam dump, and how many reach a detector.

For three dark-photon masses: the A' yield per electron by production process (dark
bremsstrahlung, dark Compton, e+ e- -> gamma A', resonant e+ e- -> A'), and the part that
crosses a 2 m radius detector face 100 m downstream on axis and 5 degrees off axis. The
fraction that also survives to the detector (decay length from nuportal.DarkPhoton) is
printed for epsilon = 1e-7.

Run: python examples/dark_photons_from_a_beam_dump.py   (about a minute; the first run also
builds the dark-bremsstrahlung tables, ~8 s per mass, cached in ~/.cache/nuportal)
"""

from __future__ import annotations

import math

import numpy as np

import nuportal
from nuportal.sources.shower import dark_photons_through_disk

EPSILON = 1e-7  # beam-dump territory: c tau = 811 m at 10 MeV
DISTANCE, RADIUS = 100.0, 2.0  # m

for mass in (0.01, 0.03, 0.1):
    flux = nuportal.dark_photon_flux(mass, EPSILON, energy=10.0, material="graphite", n=500,
                                     seed=1, progress=False)  # fmt: skip
    a = flux.dark_photons
    parts = ", ".join(f"{k} {v:.2e}" for k, v in flux.yields.items() if k != "total")
    print(f"M = {1e3 * mass:.0f} MeV: {flux.yields['total']:.3e} A' per electron ({parts})")
    ctau = float(nuportal.DarkPhoton(mass, EPSILON).ctau)  # m
    p = np.linalg.norm(a[["dark_photon_px", "dark_photon_py", "dark_photon_pz"]], axis=1)
    survive = np.exp(-DISTANCE * mass / (p * ctau))  # decay length = (p/M) c tau
    for angle in (0.0, 5.0):
        hit = dark_photons_through_disk(a, DISTANCE, RADIUS, math.radians(angle))
        through = a["weight"][hit].sum()
        alive = (a["weight"] * survive)[hit].sum()
        print(
            f"    {angle:3.0f} deg off axis: {through:.3e} through the face, "
            f"{alive:.3e} still undecayed (c tau = {ctau:.3g} m)"
        )
