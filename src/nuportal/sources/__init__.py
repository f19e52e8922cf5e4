"""Sources: where the decaying new particles come from (positions, momenta, weights).

The subpackages :mod:`nuportal.sources.shower` (electromagnetic showers) and
:mod:`nuportal.sources.target` (protons on a thick target) load on first access.
"""

import importlib
from typing import Any

from nuportal.sources.point_source import MonochromaticPointSource, ParentBeam, parents_from_list

__all__ = ["MonochromaticPointSource", "ParentBeam", "parents_from_list", "shower", "target"]

_SUBPACKAGES = frozenset({"shower", "target"})


def __getattr__(name: str) -> Any:
    if name in _SUBPACKAGES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
