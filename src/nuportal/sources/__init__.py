"""Sources: where the decaying new particles come from (positions, momenta, weights)."""

from nuportal.sources.point_source import MonochromaticPointSource, ParentBeam, parents_from_list

__all__ = ["MonochromaticPointSource", "ParentBeam", "parents_from_list"]
