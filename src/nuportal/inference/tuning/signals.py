"""Injected new physics for tuning studies: a 3+1 oscillation per event, or a fixed template.

A signal enters the prediction of a channel c linearly in its strength mu:

    N_cb(theta, mu) = sum_{i in b} w_i(theta) (a_ci + mu s_ci) + mu T_cb,

with a_ci the event's expected count, w_i(theta) the knob weights, s_ci a per-event signal term
(the oscillation: s_ci = a_ci (P_i - 1), P_i the nu_mu survival probability at the generated
sin^2 2theta, which is linear in sin^2 2theta at fixed dm^2) and T_cb a fixed histogram (a
user-given template, or another model's signal) that the knobs do not touch.

Survival probability of event i (:func:`nuportal.models.sterile.disappearance_probability_sbl`,
short-baseline 3+1) averaged over the parent decay point in the beam's decay region with the
1/(L - z)^2 weights of :func:`nuportal.inference.near_detector.decay_distance_nodes`.

Units: GeV, metres (baselines), eV^2.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal.inference.tuning.sample import Channel, NDSample

__all__ = ["sterile_signal", "survival_probability", "template_signal"]


def survival_probability(
    sample: NDSample,
    channel: Channel,
    sin2_2theta: float,
    dm2_eV2: float,
    *,
    decay_region: bool = True,
    n_nodes: int = 8,
) -> NDArray[np.float64]:
    """nu_mu survival probability of each event at one channel's baseline.

    Parameters
    ----------
    sample : NDSample
    channel : Channel
    sin2_2theta : float
        sin^2 2theta_mumu in [0, 1].
    dm2_eV2 : float
        dm^2_41 [eV^2], >= 0.
    decay_region : bool
        Average over the parent decay region (default) or use the nominal baseline.
    n_nodes : int
        Gauss-Legendre nodes of that average.

    Returns
    -------
    ndarray (N,)
    """
    from nuportal.inference.near_detector import decay_distance_nodes
    from nuportal.models.sterile import disappearance_probability_sbl

    flux = replace(sample.flux, baseline_m=channel.baseline_m)
    dist, wd = decay_distance_nodes(flux, decay_region=decay_region, n_nodes=n_nodes)
    e = sample.E_nu
    p = np.zeros_like(e)
    for d, w in zip(dist, wd, strict=True):
        p += w * np.asarray(disappearance_probability_sbl(sin2_2theta, dm2_eV2, d / 1000.0, e))
    return p


def sterile_signal(
    sample: NDSample, sin2_2theta: float, dm2_eV2: float, *, decay_region: bool = True
) -> list[NDArray[np.float64]]:
    """Per-event signal terms s_ci = a_ci (P_i - 1) of every channel (negative: a deficit)."""
    return [
        ch.weight
        * (survival_probability(sample, ch, sin2_2theta, dm2_eV2, decay_region=decay_region) - 1.0)
        for ch in sample.channels
    ]


def template_signal(template: ArrayLike, n_channels: int, n_bins: int) -> list[NDArray[np.float64]]:
    """A fixed signal histogram per channel from ``template`` (shape (n_bins,) for every channel,
    or (n_channels, n_bins)); finite, expected counts."""
    t = np.asarray(template, dtype=float)
    if t.shape == (n_bins,):
        t = np.broadcast_to(t, (n_channels, n_bins))
    if t.shape != (n_channels, n_bins) or not np.all(np.isfinite(t)):
        raise ValueError(
            f"template must be finite with shape ({n_bins},) or ({n_channels}, {n_bins}), "
            f"got shape {t.shape}"
        )
    return [np.array(row) for row in t]
