"""Tuning-study figures: near-detector spectra before/after the tune, significance vs strength."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from nuportal.plotting.core import _pyplot

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_tuning_significance", "plot_tuning_spectra"]

_LABELS = {
    "q3_rec": r"reconstructed $|\vec q|$ [GeV]",
    "q0_rec": r"visible hadronic energy $E_{had}^{vis}$ [GeV]",
    "enu_rec": r"reconstructed $E_\nu$ [GeV]",
}


def plot_tuning_spectra(
    study: object,
    binning: object,
    channel: int = 0,
    path: str | Path | None = None,
    title: str | None = None,
) -> Figure:
    """Pseudo-data and the model before and after the tune, projected on each analysis variable,
    with data/MC ratio panels (in the spirit of NOvA arXiv:2006.08727, fig. 2).

    Parameters
    ----------
    study : StudyResult
        From :func:`nuportal.inference.tuning.tuning_study`.
    binning : Binning
        The analysis histogram of the study.
    channel : int
        Channel (detector position) to show.
    path : str or Path, optional
        Where to save the figure.
    title : str, optional
    """
    plt = _pyplot()
    shape = binning.shape
    hists = {
        "data": study.data[channel],
        "before tune (nominal knobs)": study.nominal_model[channel],
        "after tune": study.tuned_model[channel],
        "true model (no signal)": study.true_model[channel],
    }
    nvar = len(shape)
    fig, axes = plt.subplots(
        2,
        nvar,
        figsize=(5.5 * nvar, 6),
        sharex="col",
        squeeze=False,
        gridspec_kw={"height_ratios": [3, 1.4]},
        constrained_layout=True,
    )
    styles = {
        "data": dict(color="k", marker="o", ls="none", ms=3),
        "before tune (nominal knobs)": dict(color="#2e86c1", ls="--"),
        "after tune": dict(color="#c0392b", ls="-"),
        "true model (no signal)": dict(color="0.5", ls=":"),
    }
    for v, (var, edges) in enumerate(zip(binning.variables, binning.edges, strict=True)):
        axes_other = tuple(a for a in range(nvar) if a != v)
        proj = {k: h.reshape(shape).sum(axis=axes_other) for k, h in hists.items()}
        centres = 0.5 * (edges[1:] + edges[:-1])
        width = np.diff(edges)
        ax, rax = axes[0, v], axes[1, v]
        for k, h in proj.items():
            if k == "data":
                ax.errorbar(centres, h / width, yerr=np.sqrt(h) / width, label=k, **styles[k])
            else:
                ax.stairs(h / width, edges, label=k, **styles[k])
        ax.set_ylabel("events / GeV")
        ax.legend(fontsize=8)
        d = proj["data"]
        for k in ("before tune (nominal knobs)", "after tune"):
            with np.errstate(invalid="ignore", divide="ignore"):
                ratio = np.where(proj[k] > 0, d / proj[k], np.nan)
                rax.stairs(ratio, edges, baseline=None, **styles[k])
        rax.axhline(1.0, color="k", lw=0.5)
        rax.set_ylabel("data / MC")
        rax.set_xlabel(_LABELS.get(var, var))
    fig.suptitle(title or "Near-detector pseudo-data before and after the interaction-model tune")
    if path is not None:
        fig.savefig(path)
    return fig


def plot_tuning_significance(
    table: pd.DataFrame,
    path: str | Path | None = None,
    title: str | None = None,
    x: str = "mu",
    xlabel: str | None = None,
) -> Figure:
    """Discovery significance with the true, tuned and profiled models, and the absorbed
    fraction, versus the injected strength (output of
    :func:`nuportal.inference.tuning.significance_scan`).

    Parameters
    ----------
    table : pandas.DataFrame
    path : str or Path, optional
    title : str, optional
    x : str
        Column for the horizontal axis (``"mu"`` or e.g. ``"sin2_2theta"``).
    xlabel : str, optional
    """
    plt = _pyplot()
    fig, (ax, fax) = plt.subplots(
        2,
        1,
        figsize=(6.5, 6.5),
        sharex=True,
        gridspec_kw={"height_ratios": [3, 1.5]},
        constrained_layout=True,
    )
    xs = table[x].to_numpy()
    for col, lab, st in (
        ("z_true", "true interaction model", dict(color="k", ls="-")),
        ("z_profiled", "knobs profiled (with priors)", dict(color="#2e86c1", ls="--")),
        ("z_tuned", "tuned model (tune, then search)", dict(color="#c0392b", ls="-.")),
    ):
        ax.plot(xs, table[col].to_numpy(), marker="o", ms=3, label=lab, **st)
    for z in (3.0, 5.0):
        ax.axhline(z, color="0.6", lw=0.6, ls=":")
    ax.set_yscale("log")
    ax.set_ylabel(r"discovery significance $Z$ [$\sigma$]")
    ax.legend(fontsize=9)
    fax.plot(xs, table["absorbed_fraction"].to_numpy(), color="#7d3c98", marker="o", ms=3)
    fax.set_ylabel("absorbed fraction")
    fax.set_ylim(min(0.0, float(np.nanmin(table["absorbed_fraction"]))) - 0.05, 1.05)
    fax.set_xlabel(xlabel or x)
    if np.all(xs > 0) and xs.max() / xs.min() > 20:
        fax.set_xscale("log")
    ax.set_title(title or "Significance of the injected signal before and after the tune")
    if path is not None:
        fig.savefig(path)
    return fig
