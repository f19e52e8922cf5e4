"""Figure of neutrino cross sections per process versus energy, with published measurements."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from nuportal.plotting.core import _pyplot

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = ["plot_cross_sections"]

_NU_LABEL = {"numu": r"$\nu_\mu$", "numubar": r"$\bar\nu_\mu$", "nue": r"$\nu_e$",
             "nuebar": r"$\bar\nu_e$", "nutau": r"$\nu_\tau$", "nutaubar": r"$\bar\nu_\tau$"}


def plot_cross_sections(table: pd.DataFrame, flavour: str, target: str, nucleons: int,
                        path: str | Path | None = None,
                        measurements: pd.DataFrame | None = None) -> Figure:
    """sigma/E per nucleon versus E (log axis) for each process column of ``table``.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`nuportal.interactions.total.cross_section_table`: ``E_nu`` [GeV] and
        cross sections [cm^2 per formula unit] by process, ``cc_inclusive``.
    flavour, target : str
        Labels (``"numu"``, ``"Ar40"``, ...).
    nucleons : int
        Nucleons per formula unit (to plot per nucleon).
    path : str or Path, optional
        Where to save the figure (.png, .pdf or .svg).
    measurements : pandas.DataFrame, optional
        :func:`nuportal.interactions.total.load_measurements` rows to overlay (those of this
        flavour; values per nucleon, flux averages drawn at their mean energy).

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = _pyplot()
    E = table["E_nu"].to_numpy(float)
    fig, ax = plt.subplots(figsize=(7.0, 4.6), constrained_layout=True)
    for col in table.columns:
        if col == "E_nu":
            continue
        y = table[col].to_numpy(float) / nucleons / E / 1e-38
        if not np.any(y > 0):
            continue
        style = dict(color="k", lw=2.2) if col == "cc_inclusive" else dict(lw=1.3)
        ax.plot(E, y, label=col.replace("_", " "), **style)
    if measurements is not None and len(measurements):
        rows = measurements[measurements["flavour"] == flavour]
        for _, r in rows.iterrows():
            label = f"{r['experiment']} ({r['target']})"
            if r["quantity"] == "sigma_over_E":
                ax.fill_between([r["E_low_GeV"], min(r["E_high_GeV"], E.max())],
                                r["value"] - r["error"], r["value"] + r["error"], alpha=0.3,
                                label=label)
            else:
                e0 = r["E_mean_GeV"]
                ax.errorbar([e0], [r["value"] / e0], yerr=[[r["error"] / e0]], fmt="o",
                            capsize=3, label=label + r", at $\langle E\rangle$")
    ax.set_xscale("log")
    ax.set_xlabel(r"$E_\nu$ (GeV)")
    ax.set_ylabel(r"$\sigma / E_\nu$ per nucleon ($10^{-38}$ cm$^2$/GeV)")
    ax.set_title(f"{_NU_LABEL.get(flavour, flavour)} cross sections on {target}")
    ax.set_ylim(bottom=0.0)
    ax.legend(fontsize="small", ncol=2)
    if path is not None:
        fig.savefig(path)
    return fig
