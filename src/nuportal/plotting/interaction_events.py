"""Figures of Standard-Model neutrino interaction events (matplotlib mathtext only)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nuportal.plotting.core import _pyplot

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_interaction_events"]


def plot_interaction_events(
    events: Any, path: str | Path | None = None, title: str | None = None
) -> Figure:
    """Weighted true-energy spectra by interaction mode, and the reconstructed energies.

    Parameters
    ----------
    events : InteractionEvents
        Events (:mod:`nuportal.interactions.events`), weights in any convention.
    path : str or Path, optional
        Where to save the figure (.png, .pdf or .svg).
    title : str, optional
        Figure title (default: flux and target of the metadata).

    Returns
    -------
    matplotlib.figure.Figure
        Left: weighted E_nu spectrum per mode (stacked). Right: true E_nu against the
        calorimetric and quasi-elastic estimators of :mod:`nuportal.interactions.observables`
        (charged-current events).
    """
    from nuportal.interactions.observables import enu_calorimetric_events, enu_qe_events

    plt = _pyplot()
    ev = events.events
    w = ev["weight"].to_numpy(dtype=float)
    e = ev["E_nu"].to_numpy(dtype=float)
    hi = float(np.quantile(e, 0.99)) if len(e) else 1.0
    bins = np.linspace(0.0, max(hi, 0.1) * 1.05, 41)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10.5, 4.2), constrained_layout=True)
    modes = list(dict.fromkeys(ev["mode"]))
    ax1.hist(
        [e[(ev["mode"] == m).to_numpy()] for m in modes],
        bins=bins,
        weights=[w[(ev["mode"] == m).to_numpy()] for m in modes],
        stacked=True,
        label=modes,
    )
    ax1.set_xlabel(r"true $E_\nu$ (GeV)")
    ax1.set_ylabel("weighted events per bin")
    ax1.legend(fontsize="small")
    cc = ev["cc"].to_numpy(dtype=bool)
    if cc.any():
        e_cal = enu_calorimetric_events(events)[cc]
        e_qe = enu_qe_events(events, binding_energy=0.03)[cc]
        ok = np.isfinite(e_qe)
        ax2.hist(e[cc], bins=bins, weights=w[cc], histtype="step", label=r"true $E_\nu$")
        ax2.hist(e_cal, bins=bins, weights=w[cc], histtype="step", label=r"calorimetric $E_\nu$")
        ax2.hist(e_qe[ok], bins=bins, weights=w[cc][ok], histtype="step", label=r"$E_\nu^{QE}$")
        ax2.legend(fontsize="small")
    ax2.set_xlabel(r"$E_\nu$ (GeV)")
    ax2.set_ylabel("weighted CC events per bin")
    meta = events.metadata
    fig.suptitle(
        title
        or f"Neutrino interactions: {meta.get('flux', meta.get('source_file', ''))} on "
        f"{meta.get('target', ', '.join(sorted(set(ev['target']))))}"
    )
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig
