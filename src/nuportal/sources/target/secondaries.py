"""A model estimate of the tertiary mesons made by the leading baryon re-interacting in the target.

Model (documented in docs/target.md): after the first inelastic collision the leading baryon
carries a fraction x of the beam momentum, uniformly distributed in [0, 1] (the roughly flat
leading-proton x_F spectrum of p-A collisions, e.g. D. S. Barton et al., Phys. Rev. D 27, 2580
(1983)), keeps flying along the axis and interacts again in the rest of the target; that
collision makes mesons with the thin-target cross section at momentum x p_B. The added yield
relative to the primary one is

    Delta / Y = P_2 <sigma_h(x p_B)> / sigma_h(p_B),   P_2 = [1 - e^-t (1 + t)] / (1 - e^-t),

t = L / lambda_I (P_2 is :func:`~nuportal.sources.target.secondary_interaction_bounds`'s
``leading_baryon``). Below the parametrization's range (x p_B < 50 GeV for BMPT) sigma_h is not
known: the estimate is given as a range, from 0 (no mesons) to sigma_h(50 GeV) (multiplicities
fall with energy) for that part. Isospin (a leading neutron swaps pi+ and pi-), third and later
generations and meson re-interactions are not included.
"""

from __future__ import annotations

import math

import numpy as np

from nuportal.sources.target import bmpt
from nuportal.sources.target.beams import BeamTarget, get_beam
from nuportal.sources.target.mesons import production_cross_section

__all__ = ["tertiary_yield_estimate"]


def tertiary_yield_estimate(beam: BeamTarget | str, species: str, n_x: int = 8) -> dict:
    """Relative yield added by leading-baryon re-interactions (model estimate, BMPT beams only).

    Parameters
    ----------
    beam : BeamTarget or str
        A beam with p_B in the BMPT range (>= 50 GeV).
    species : str
        Meson species (see :func:`~nuportal.sources.target.available_species`).
    n_x : int
        Gauss-Legendre points in x over the part of [0, 1] inside the BMPT range.

    Returns
    -------
    dict
        ``low`` and ``high``: Delta / Y (added mesons per primary meson) without and with the
        part below 50 GeV; ``leading_baryon``: P_2, the bound on Delta / Y.
    """
    beam = get_beam(beam)
    lo_p, _ = bmpt.BMPT_BEAM_RANGE
    bmpt.check_beam_momentum(beam.proton_energy)
    t = beam.length / beam.interaction_length
    p2 = (-math.expm1(-t) - t * math.exp(-t)) / -math.expm1(-t)
    sigma0 = production_cross_section(beam, species)
    x_min = lo_p / beam.proton_energy
    nodes, w = np.polynomial.legendre.leggauss(n_x)
    xs = x_min + 0.5 * (1.0 - x_min) * (nodes + 1.0)
    ratios = [
        production_cross_section(_at(beam, x * beam.proton_energy), species) / sigma0 for x in xs
    ]
    inside = 0.5 * (1.0 - x_min) * float(np.dot(w, ratios))
    below = x_min * production_cross_section(_at(beam, lo_p), species) / sigma0
    return {"low": p2 * inside, "high": p2 * (inside + below), "leading_baryon": p2}


def _at(beam: BeamTarget, momentum: float) -> BeamTarget:
    return BeamTarget(
        f"{beam.name}@{momentum:.4g}", float(momentum), beam.material, beam.length, beam.radius,
        beam.density,
    )  # fmt: skip
