"""Tuning studies: fit interaction knobs to near-detector pseudo-data that contain new physics.

Does an experiment's interaction-model tune to its near detector (NOvA, arXiv:2006.08727: M_A,
RPA, 2p2h reweighted in (q0, |q|), non-resonant pions) absorb a new-physics signal, and what is
left of its discovery potential (P. Coyle, S. W. Li, P. Machado, arXiv:2210.03753)?

Stages, one module each: :mod:`.sample` (events generated once at a near detector, reconstructed
observables, DUNE-PRISM positions as weights), :mod:`.response` (per-event knob response
functions: reweighting without regeneration), :mod:`.signals` (3+1 oscillation per event, or a
fixed template), :mod:`.fit` (binned Poisson likelihood with knob priors, iminuit; the study:
absorbed fraction, pulls, significances), :mod:`.histfactory` (the +-1 sigma-template pyhf model,
a cross-check), :mod:`.scan` (significance versus injected strength).
"""

from __future__ import annotations

from nuportal.inference.tuning.fit import (
    FitResult,
    StudyResult,
    TuneProblem,
    absorbed_fraction,
    deviance,
    fit,
    tuning_study,
)
from nuportal.inference.tuning.response import DEFAULT_KNOBS, KnobResponse, KnobSpec, knob_spec
from nuportal.inference.tuning.sample import (
    DETECTORS,
    Binning,
    Channel,
    NDSample,
    default_binning,
    nd_sample,
    sample_from_events,
)
from nuportal.inference.tuning.scan import significance_scan
from nuportal.inference.tuning.signals import sterile_signal, survival_probability, template_signal

__all__ = [
    "DEFAULT_KNOBS",
    "DETECTORS",
    "Binning",
    "Channel",
    "FitResult",
    "KnobResponse",
    "KnobSpec",
    "NDSample",
    "StudyResult",
    "TuneProblem",
    "absorbed_fraction",
    "default_binning",
    "deviance",
    "fit",
    "knob_spec",
    "nd_sample",
    "sample_from_events",
    "significance_scan",
    "sterile_signal",
    "survival_probability",
    "template_signal",
    "tuning_study",
]
