"""Electromagnetic showers in thick targets and the dark photons they radiate (stage: source).

Working units: GeV, cm, cm^2 (see :mod:`nuportal.sources.shower.qed_constants`); positions
returned to the user are in metres.
"""
