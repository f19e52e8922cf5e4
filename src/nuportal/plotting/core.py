"""Shared plotting helpers: matplotlib imported lazily, the Agg backend for files.

The figures live in one module per family (:mod:`~nuportal.plotting.events`,
:mod:`~nuportal.plotting.recast`, :mod:`~nuportal.plotting.oscillation`,
:mod:`~nuportal.plotting.showers`, :mod:`~nuportal.plotting.files`, ...); they use matplotlib's
mathtext only (no LaTeX installation needed).
"""

from __future__ import annotations

__all__: list[str] = []


def _pyplot():
    import matplotlib

    if matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline"):
        try:
            matplotlib.use("Agg")
        except Exception:  # pragma: no cover - backend already fixed by the user
            pass
    import matplotlib.pyplot as plt

    return plt
