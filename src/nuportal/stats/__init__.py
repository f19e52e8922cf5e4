"""Inference: likelihoods, fits and limits.

* :mod:`nuportal.stats.miniboone_fit`, :mod:`nuportal.stats.miniboone_excess`: MiniBooNE 2020.
* :mod:`nuportal.stats.lsnd_fit`: LSND's L/E excess.
* :mod:`nuportal.stats.oscillation_fit`: surfaces, best fits and regions, joint fits.
"""
