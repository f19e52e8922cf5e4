"""From rest-frame decays and a beam of parents to weighted lab-frame events in a detector.

Stages (DESIGN.md): propagation (does the parent reach the volume, where does it decay) and
detection (rest-frame daughters rotated onto the spin axis and boosted to the lab). Detector
response is applied afterwards by :mod:`nuportal.generation.response`.

Weight normalization
--------------------
Each event's ``weight`` is the expected number of decays into the sampled channel inside the
detector volume per decay of the source, summed over all events:

    weight_i = w_beam,i * P_inside,i * Br(channel) * (n * w_rest,i / sum(w_rest)),

with w_beam the parent weight (for a point source the solid-angle fraction of the sampling cone
divided by n, times the production branching ratio), P_inside the exact probability to decay
between the entry and exit points of the volume along the parent's flight line, and w_rest the
rest-frame decay weight (normalized to a mean of one). The sum of the weights over the events
is therefore an unbiased estimate of N_decays / N_source.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from nuportal.detectors.geometry import Volume
from nuportal.generation.decay_samplers import RestFrameDecays
from nuportal.kinematics import boost, cos_angle, rotate_z_to
from nuportal.propagation import decay_length as lab_decay_length
from nuportal.propagation import decay_probability_inside, sample_decay_distance
from nuportal.sources import ParentBeam

__all__ = ["decays_in_volume", "four_vector_columns"]

_COMPONENTS = ("E", "px", "py", "pz")


def four_vector_columns(name: str, p4: NDArray[np.float64], suffix: str = "") -> dict:
    """``{name_E: ..., name_px: ..., ...}`` columns for a (N, 4) array."""
    return {f"{name}_{c}{suffix}": p4[:, i] for i, c in enumerate(_COMPONENTS)}


def decays_in_volume(
    beam: ParentBeam,
    decays: RestFrameDecays,
    volume: Volume,
    total_width: float,
    branching_ratio: float,
    rng: np.random.Generator,
    names: tuple[str, str, str] = ("nu", "e_minus", "e_plus"),
) -> dict[str, NDArray[np.float64]]:
    """Propagate parents to a volume, decay them there and boost the daughters to the lab.

    Parameters
    ----------
    beam : ParentBeam
        Parents (four-momenta [GeV], production points [m], weights, helicities). The rest-frame
        decays must have been sampled with the beam's helicity (spin axis = direction of flight).
    decays : RestFrameDecays
        Rest-frame daughters, one per parent (z axis = spin axis).
    volume : Volume
        Detector volume [m], same frame as the beam.
    total_width : float
        Total width of the parent [GeV] (sets the decay length).
    branching_ratio : float
        Branching ratio of the sampled channel.
    rng : numpy.random.Generator
        Random generator (decay positions).
    names : (str, str, str)
        Column-name stems of (neutrino, negative lepton, positive lepton); the neutrino is
        skipped for a two-body decay.

    Returns
    -------
    dict of str to ndarray
        Event columns (one entry per event; ``pandas.DataFrame(columns)`` makes the table):
        ``weight`` (see the module docstring), ``vertex_x, vertex_y,
        vertex_z`` [m], ``decay_distance_m``, ``decay_probability``, ``path_entry_m`` and
        ``path_exit_m`` (distances [m] from production to where the flight line enters and
        leaves the volume), ``acceptance_weight`` (the weight before the decay probability and
        branching ratio: ``weight = acceptance_weight * decay_probability * branching_ratio``, so
        events can be reweighted to another lifetime), ``parent_*`` and each daughter's
        ``*_E, *_px, *_py, *_pz`` [GeV] in the lab; events whose parent misses the volume have
        weight 0 and NaN vertex and path lengths.
    """
    n = len(beam)
    if len(decays) != n:
        raise ValueError(f"need one rest-frame decay per parent: {len(decays)} vs {n}")
    if not (np.isfinite(total_width) and total_width > 0):
        raise ValueError(f"total_width must be finite and > 0 GeV, got {total_width}")
    p = beam.momenta
    directions = beam.directions
    pmag = np.linalg.norm(p[:, 1:], axis=1)
    mass = np.sqrt(np.clip(p[:, 0] ** 2 - pmag**2, 0.0, None))
    lam = lab_decay_length(pmag, mass, total_width)

    inter = volume.intersect(beam.origins, directions)
    l_in, l_out = np.asarray(inter.t_entry), np.asarray(inter.t_exit)
    if l_in.ndim == 2:  # a union of volumes: keep the first module each ray crosses
        first = np.argmin(np.where(np.isfinite(l_in), l_in, np.inf), axis=1)
        rows = np.arange(n)
        prob = decay_probability_inside(lam[:, None], l_in, l_out).sum(axis=1)
        l_in, l_out = l_in[rows, first], l_out[rows, first]
    else:
        prob = decay_probability_inside(lam, l_in, l_out)
    hit = np.isfinite(l_in)
    distance = np.full(n, np.nan)
    distance[hit] = sample_decay_distance(lam[hit], l_in[hit], l_out[hit], rng)
    vertex = beam.origins + distance[:, None] * directions

    rest_weight = decays.weight
    total = rest_weight.sum()
    rest_weight = rest_weight * (n / total) if total > 0 else np.zeros(n)
    acceptance_weight = beam.weights * rest_weight
    weight = acceptance_weight * prob * branching_ratio

    beta = p[:, 1:] / p[:, :1]
    columns: dict[str, NDArray[np.float64]] = {
        "weight": weight,
        "vertex_x": vertex[:, 0],
        "vertex_y": vertex[:, 1],
        "vertex_z": vertex[:, 2],
        "decay_distance_m": distance,
        "decay_probability": prob,
        "path_entry_m": l_in,
        "path_exit_m": l_out,
        "acceptance_weight": acceptance_weight,
    }
    columns |= four_vector_columns("parent", p)
    daughters = [(names[1], decays.lepton_minus), (names[2], decays.lepton_plus)]
    if decays.nu is not None:
        daughters.insert(0, (names[0], decays.nu))
    # all daughters at once: the rotation and the boost of each event are computed once
    lab = boost(rotate_z_to(np.stack([rest for _, rest in daughters]), directions), beta)
    for (name, _), p4 in zip(daughters, lab, strict=True):
        columns |= four_vector_columns(name, p4)
    lm, lp = lab[-2], lab[-1]
    columns["opening_angle_deg"] = np.degrees(np.arccos(cos_angle(lm, lp)))
    columns["angle_to_beam_deg"] = np.degrees(np.arccos(cos_angle(lm + lp, directions)))
    return columns
