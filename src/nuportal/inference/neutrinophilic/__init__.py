"""The neutrinophilic scalar phi at the DUNE near detector: signal, backgrounds, sensitivity.

Modules: :mod:`.qe_emission` (nu p -> l+ phi n on the Fermi gas with the exact tensor).
"""
