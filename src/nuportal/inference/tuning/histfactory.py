"""The tune's likelihood as a pyhf HistFactory model with +-1 sigma knob templates (cross-check).

Each knob k becomes a ``histosys`` modifier of the background sample whose up/down templates are
the reweighted histograms B(theta^0 +- sigma_k e_k) (piecewise-linear interpolation, pyhf code 0,
Gaussian constraint of unit width on alpha_k = (theta_k - theta_k^0)/sigma_k), and the signal a
sample with a free normalization ``mu``. For knobs whose effect on the histograms is linear (the
normalizations ``MEC_norm``, ``nonres_pion_scale``, ``flux_norm``) this model is the likelihood of
:mod:`.fit` exactly; for the others it is its linearization around the nominal values. It is the
independent computation the tests compare the iminuit fit with, and a pyhf model a user can take
to pyhf's own inference (limits, toys).

Reference: L. Heinrich, M. Feickert, G. Stark, K. Cranmer, JOSS 6 (2021) 2823 (pyhf);
K. Cranmer et al., CERN-OPEN-2012-016 (HistFactory).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from nuportal.inference.tuning.fit import TuneProblem

__all__ = ["discovery_z_pyhf", "histosys_model"]


def histosys_model(problem: TuneProblem, signal: ArrayLike | None = None):
    """The pyhf model (background with one histosys per knob, signal x ``mu``).

    Parameters
    ----------
    problem : TuneProblem
    signal : array_like (n_channels, n_bins), optional
        Signal histograms; default: the problem's signal at nominal knobs, mu = 1.

    Returns
    -------
    pyhf.Model
        Channels named as the sample's channels; bins with no background are dropped.
    """
    import pyhf

    th0 = problem.response.nominal
    b0 = problem.expected(th0, 0.0)
    s = problem.expected(th0, 1.0) - b0 if signal is None else np.asarray(signal, dtype=float)
    keep = b0 > 0
    channels = []
    for c, ch in enumerate(problem.sample.channels):
        k = keep[c]
        mods = [{"name": "mu", "type": "normfactor", "data": None}]
        bmods = []
        for j, spec in enumerate(problem.response.specs):
            up, dn = th0.copy(), th0.copy()
            up[j] = min(th0[j] + spec.sigma, spec.upper)
            dn[j] = max(th0[j] - spec.sigma, spec.lower)
            hi = problem.expected(up, 0.0)[c][k]
            lo = problem.expected(dn, 0.0)[c][k]
            # a one-sided range (knob at a boundary): mirror the other side
            if up[j] - th0[j] < spec.sigma:
                hi = 2 * b0[c][k] - lo
            if th0[j] - dn[j] < spec.sigma:
                lo = 2 * b0[c][k] - hi
            bmods.append(
                {
                    "name": spec.name,
                    "type": "histosys",
                    "data": {"hi_data": hi.tolist(), "lo_data": lo.tolist()},
                }
            )
        channels.append(
            {
                "name": ch.name,
                "samples": [
                    {"name": "signal", "data": s[c][k].tolist(), "modifiers": mods},
                    {"name": "background", "data": b0[c][k].tolist(), "modifiers": bmods},
                ],
            }
        )
    return pyhf.Model({"channels": channels}, poi_name="mu")


def discovery_z_pyhf(
    problem: TuneProblem, data: ArrayLike, signal: ArrayLike | None = None
) -> float:
    """Discovery significance sqrt(q0) of pyhf's profile-likelihood test statistic (knobs
    profiled, mu >= 0) for observed counts ``data`` (n_channels, n_bins)."""
    import pyhf

    model = histosys_model(problem, signal)
    th0 = problem.response.nominal
    keep = problem.expected(th0, 0.0) > 0
    n = np.asarray(data, dtype=float)
    obs = np.concatenate([n[c][keep[c]] for c in range(n.shape[0])])
    # pyhf orders channels alphabetically
    order = sorted(range(n.shape[0]), key=lambda c: problem.sample.channels[c].name)
    obs = np.concatenate([n[c][keep[c]] for c in order])
    full = obs.tolist() + model.config.auxdata
    pyhf.set_backend("numpy", "minuit")
    bounds = model.config.suggested_bounds()
    q0 = pyhf.infer.test_statistics.q0(
        0.0, full, model, model.config.suggested_init(), bounds, model.config.suggested_fixed()
    )
    return float(np.sqrt(max(float(q0), 0.0)))
