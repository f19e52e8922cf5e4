"""Recasting published searches into limits on other models.

* :func:`microboone_kdar`: MicroBooNE's Higgs-portal scalar search with kaons decaying at rest
  (arXiv:2106.00568) recast into heavy-neutral-lepton limits (method of arXiv:2106.06548).
* :mod:`nuportal.recast.rate_matching`: the generic rate-matching machinery.
"""

from nuportal.recast.microboone_kdar import EFFICIENCY_METHODS, default_masses, microboone_kdar

__all__ = ["EFFICIENCY_METHODS", "default_masses", "microboone_kdar"]
