"""Existing light-dark-matter limits and the complex-scalar thermal-relic target, in y.

y = eps^2 alpha_D (m_chi/m_A')^4 versus m_chi [GeV] at m_A' = 3 m_chi (files and their sources
in ``data/ldm_limits/README.md``). Converting a curve from the alpha_D of its source to another:
invisible-A' limits (BaBar mono-photon, NA64 missing energy) bound eps^2, so y scales as alpha_D;
scattering limits (E137) bound eps^4 alpha_D, so y scales as sqrt(alpha_D); the relic target is a
line in y.

References: BaBar arXiv:1702.03327; NA64 arXiv:2206.03101; E137 re-analysis arXiv:1406.2698;
relic target and collection: arXiv:1609.01770 (P. deNiverville et al.).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib import resources

import numpy as np
from numpy.typing import NDArray

__all__ = ["LDMCurve", "existing_ldm_limits", "relic_target"]


@dataclass(frozen=True)
class LDMCurve:
    """One curve: y versus m_chi at m_A' = 3 m_chi.

    Attributes
    ----------
    name : str
        Label for plots.
    kind : str
        "invisible", "scattering" or "relic".
    m_chi : ndarray
        chi masses [GeV].
    y : ndarray
        y at the requested alpha_D.
    citation : str
        Source of the curve.
    """

    name: str
    kind: str
    m_chi: NDArray[np.float64]
    y: NDArray[np.float64]
    citation: str

    def at(self, m_chi: float) -> float:
        """y at ``m_chi`` [GeV], log-log interpolation (NaN outside the curve)."""
        return float(
            np.exp(np.interp(math.log(m_chi), np.log(self.m_chi), np.log(self.y), np.nan, np.nan))
        )


_FILES = {
    # name: (file, kind, alpha_D of the file, columns (m_chi, y) or (m_A', m_chi, y), citation)
    "relic target (complex scalar)": (
        "HSL_Y3_Relic_Density.dat", "relic", None, 3,
        "thermal freeze-out, complex scalar; Hidden-Sector-Limits collection (arXiv:1609.01770)",
    ),
    "E137": (
        "HSL_E137update_Y3_0.5.dat", "scattering", 0.5, 2,
        "E137 re-analysis, Batell, Essig, Surujon, arXiv:1406.2698",
    ),
    "BaBar": (
        "ESPP_Constraints_BC2_BaBar.csv", "invisible", 0.1, 2,
        "BaBar mono-photon, arXiv:1702.03327 (ESPP 2026 collection)",
    ),
    "NA64 (2022)": (
        "ESPP_Constraints_BC2_NA64e-2022.csv", "invisible", 0.1, 2,
        "NA64 missing energy, arXiv:2206.03101 (ESPP 2026 collection)",
    ),
}


def _read(filename: str, columns: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    label = f"nuportal/experiments/data/ldm_limits/{filename}"
    text = resources.files("nuportal.experiments").joinpath(
        "data", "ldm_limits", filename
    ).read_text(encoding="utf-8")
    rows = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line[0] in "#\"m":  # comments and CSV headers ("mass","coupling")
            continue
        try:
            values = [float(v) for v in line.replace(",", " ").split()]
        except ValueError:
            raise ValueError(f"{label}, line {lineno}: not a row of numbers") from None
        if len(values) != columns or not all(math.isfinite(v) and v > 0 for v in values):
            raise ValueError(f"{label}, line {lineno}: expected {columns} positive numbers")
        rows.append(values)
    a = np.array(rows)
    m, y = (a[:, 1], a[:, 2]) if columns == 3 else (a[:, 0], a[:, 1])
    order = np.argsort(m, kind="stable")
    return m[order], y[order]


def existing_ldm_limits(alpha_D: float = 0.5) -> dict[str, LDMCurve]:
    """The shipped limits and the relic target at ``alpha_D`` (m_A' = 3 m_chi).

    Parameters
    ----------
    alpha_D : float
        Dark coupling the curves are converted to, in (0, 4 pi].
    """
    if not (math.isfinite(alpha_D) and 0 < alpha_D <= 4 * math.pi):
        raise ValueError(f"alpha_D must be finite and in (0, 4 pi], got {alpha_D!r}")
    out = {}
    for name, (filename, kind, alpha_file, columns, citation) in _FILES.items():
        m, y = _read(filename, columns)
        if kind == "invisible":
            y = y * (alpha_D / alpha_file)
        elif kind == "scattering":
            y = y * math.sqrt(alpha_D / alpha_file)
        out[name] = LDMCurve(name, kind, m, y, citation)
    return out


def relic_target() -> LDMCurve:
    """The complex-scalar thermal-relic line y(m_chi) at m_A' = 3 m_chi."""
    return existing_ldm_limits()["relic target (complex scalar)"]
