"""Weighted Standard-Model neutrino events for a flux and a target material.

For every channel c = (process, nucleus of the material, neutrino flavour) the generator

1. tabulates sigma_c(E) [cm^2 per formula unit of the material; per-electron processes x Z x count]
   at the flux table's energies and the rate density r_c(E) = phi(E) sigma_c(E), with phi the flux
   [nu / cm^2 / POT / GeV] (linear between the table's points, zero outside);
2. gives the channel n_c = max(1, round(n_events R_c / R)) events, R_c = int r_c dE;
3. draws E_nu from the piecewise-linear density r_c (exact inverse CDF in each interval) and calls
   the process sampler at those energies; the sampler's weights w_i have mean sigma_c(E_i)
   (cm^2 per nucleus or electron) for ``weighted`` processes, else w_i = (0 or 1) x sigma(E_i);
4. sets weight_i = phi(E_i) w_i k_c / (n_c r_c(E_i) / R_c) (k_c = nuclei or electrons per formula
   unit): an importance-sampling estimate whose expectation is sum over events = int phi sigma dE,
   i.e. events per POT per formula unit, whatever the accuracy of the tabulated sigma_c (which only
   shapes the proposal).

Events of zero weight (Pauli blocked, below threshold) are dropped. The result follows the event
record of :mod:`nuportal.interactions.events`; ``metadata["params"]`` keeps the model parameters,
from which :func:`nuportal.interactions.reweight` reweights.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from nuportal._validation import RngLike, as_rng
from nuportal.interactions.events import InteractionEvents, empty_events, empty_particles
from nuportal.interactions.processes import PROCESSES
from nuportal.interactions.targets import material, nucleus_parameters
from nuportal.sources.fluxes import FLAVOUR_COLUMNS, Flux, load_flux

__all__ = ["FLAVOUR_PDG", "channel_rates", "generate_interactions"]

#: Flux column -> neutrino PDG code.
FLAVOUR_PDG: dict[str, int] = {
    "nue": 12,
    "numu": 14,
    "nutau": 16,
    "nuebar": -12,
    "numubar": -14,
    "nutaubar": -16,
}


def _flux(flux: Flux | str) -> Flux:
    return flux if isinstance(flux, Flux) else load_flux(flux)


def _channels(
    flux: Flux,
    target: str,
    processes: Sequence[str] | None,
    flavours: Sequence[str] | None,
    params: dict,
) -> list[dict[str, Any]]:
    import nuportal.interactions  # noqa: F401  (fills the process registry)

    comp = material(target)
    names = list(PROCESSES) if processes is None else list(processes)
    unknown = [p for p in names if p not in PROCESSES]
    if unknown:
        raise ValueError(f"unknown process(es) {unknown}; known: {sorted(PROCESSES)}")
    flav = [f for f in FLAVOUR_COLUMNS if np.any(flux[f] > 0)] if flavours is None else flavours
    for f in flav:
        if f not in FLAVOUR_PDG:
            raise ValueError(f"unknown flavour {f!r}; known: {list(FLAVOUR_COLUMNS)}")
    e = flux.E_GeV
    chans = []
    for pname in names:
        proc = PROCESSES[pname]
        for f in flav:
            pdg = FLAVOUR_PDG[f]
            if pdg not in proc.nu_pdgs:
                continue
            phi = flux[f]
            for nuc, count in comp:
                t = nucleus_parameters(nuc)
                k = count * (t.Z if proc.per_electron else 1)
                pos = e > 0
                sig = np.zeros_like(e)
                sig[pos] = np.asarray(
                    proc.total_cross_section(e[pos], pdg, nuc, **params), dtype=float
                )
                r = phi * sig * k
                total = float(np.trapezoid(r, e))
                if total > 0 and np.isfinite(total):
                    chans.append(
                        dict(
                            process=pname,
                            flavour=f,
                            pdg=pdg,
                            nucleus=nuc,
                            k=k,
                            r=r,
                            phi=phi,
                            rate=total,
                        )
                    )
    return chans


def channel_rates(
    flux: Flux | str,
    target: str,
    *,
    processes: Sequence[str] | None = None,
    flavours: Sequence[str] | None = None,
    **params: object,
) -> pd.DataFrame:
    """Expected events per POT per formula unit of ``target`` by channel (trapezoid rule on the
    flux table's energies x tabulated sigma).

    Returns
    -------
    pandas.DataFrame
        Columns ``process``, ``flavour``, ``nu_pdg``, ``nucleus``, ``rate`` [events/POT/unit].
    """
    chans = _channels(_flux(flux), target, processes, flavours, dict(params))
    return pd.DataFrame(
        {
            "process": [c["process"] for c in chans],
            "flavour": [c["flavour"] for c in chans],
            "nu_pdg": [c["pdg"] for c in chans],
            "nucleus": [c["nucleus"] for c in chans],
            "rate": [c["rate"] for c in chans],
        }
    )


def _draw_energies(e: NDArray, r: NDArray, n: int, rng: np.random.Generator) -> NDArray:
    """n energies from the piecewise-linear density through (e, r) (exact inverse CDF)."""
    area = 0.5 * (r[1:] + r[:-1]) * np.diff(e)
    cdf = np.cumsum(area)
    i = np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right")
    i = np.minimum(i, area.size - 1)
    a, b = r[i], r[i + 1]
    h = e[i + 1] - e[i]
    u = rng.random(n)
    # solve a x + (b - a) x^2 / (2 h) = u (a + b) h / 2 for x in [0, h]
    slope = (b - a) / h
    target = u * 0.5 * (a + b) * h
    with np.errstate(invalid="ignore", divide="ignore"):
        disc = np.sqrt(np.maximum(a * a + 2.0 * slope * target, 0.0))
        x = np.where(np.abs(slope) > 1e-300 * np.maximum(a, 1e-300), (disc - a) / slope, target / a)
    x = np.where(np.isfinite(x), x, u * h)
    return e[i] + np.clip(x, 0.0, h)


def generate_interactions(
    flux: Flux | str,
    target: str,
    *,
    processes: Sequence[str] | None = None,
    n_events: int = 10000,
    seed: RngLike = None,
    flavours: Sequence[str] | None = None,
    **params: object,
) -> InteractionEvents:
    """Weighted events of Standard-Model neutrino interactions for a flux and a target material.

    Parameters
    ----------
    flux : Flux or str
        A :class:`nuportal.sources.fluxes.Flux` or the name of a shipped table or detector
        (``"dune_nd_fhc"``, ``"nova_nd"``, ...), in nu / cm^2 / POT / GeV.
    target : str
        Material of :data:`nuportal.interactions.targets.MATERIALS` (``"Ar40"``, ``"C12"``,
        ``"CH"``, ``"CH2"``, ``"H2O"``, ``"O16"``, ``"H1"``).
    processes : sequence of str, optional
        Registered process names (:data:`nuportal.interactions.processes.PROCESSES`); all by
        default.
    n_events : int
        Events to draw (>= 1) before zero-weight events are dropped.
    seed : int or numpy.random.Generator or None
        Random source (same seed, same events).
    flavours : sequence of str, optional
        Flux columns to use (default: every non-zero column).
    **params
        Model parameters passed to every process (each takes the ones it knows): ``M_A_QE``,
        ``kF_scale``, ``E_b_shift``, ``rpa_strength``, ``fermi_gas``, ``MEC_norm``,
        ``MEC_q0_mean``, ``MEC_q3_mean``, ``nova_mec_2018``, ...

    Returns
    -------
    InteractionEvents
        ``weight`` in events per POT per formula unit of ``target``
        (``metadata["weight_convention"] = "events_per_pot_per_target"``).

    Raises
    ------
    ValueError
        Unknown flux, target, process or flavour; ``n_events`` < 1; bad model parameters.
    """
    if isinstance(n_events, bool) or int(n_events) != n_events or n_events < 1:
        raise ValueError(f"n_events must be an integer >= 1, got {n_events!r}")
    rng = as_rng(seed)
    fl = _flux(flux)
    chans = _channels(fl, target, processes, flavours, dict(params))
    meta = {
        "flux": fl.name,
        "target": target,
        "weight_convention": "events_per_pot_per_target",
        "params": {k: v for k, v in params.items()},
        "processes": sorted({c["process"] for c in chans}),
        "seed": seed if isinstance(seed, int) else None,
        "generator": "nuportal",
    }
    if not chans:
        return InteractionEvents(empty_events(), empty_particles(), meta)
    total = sum(c["rate"] for c in chans)
    seeds = (
        rng.bit_generator.seed_seq.spawn(len(chans))
        if hasattr(rng.bit_generator, "seed_seq")
        else None
    )
    ev_parts, pa_parts = [], []
    e = fl.E_GeV
    for j, c in enumerate(chans):
        n_c = max(1, round(int(n_events) * c["rate"] / total))
        crng = np.random.default_rng(seeds[j]) if seeds is not None else rng
        en = _draw_energies(e, c["r"], n_c, crng)
        proc = PROCESSES[c["process"]]
        ev, pa = proc.sample(en, c["pdg"], c["nucleus"], crng, **params)
        phi = np.interp(en, e, c["phi"])
        prop = np.interp(en, e, c["r"]) / c["rate"]
        w_sig = ev["weight"].to_numpy()
        if not proc.weighted:  # events distributed as dsigma: weight 1 x sigma(E)
            w_sig = w_sig * np.asarray(
                proc.total_cross_section(en, c["pdg"], c["nucleus"], **params), dtype=float
            )
        w = phi * w_sig * c["k"] / (n_c * np.maximum(prop, 1e-300))
        ev = ev.copy()
        ev["weight"] = np.where(prop > 0, w, 0.0)
        keep = ev["weight"].to_numpy() > 0
        if not keep.all():
            new_index = np.cumsum(keep) - 1
            pa = pa[keep[pa["event"].to_numpy()]].copy()
            pa["event"] = new_index[pa["event"].to_numpy()]
            ev = ev[keep]
        ev_parts.append(ev.reset_index(drop=True))
        pa_parts.append(pa.reset_index(drop=True))
    offsets = np.cumsum([0] + [len(x) for x in ev_parts[:-1]])
    for off, pa in zip(offsets, pa_parts, strict=True):
        pa["event"] = pa["event"].to_numpy() + off
    events = pd.concat(ev_parts, ignore_index=True)
    particles = pd.concat(pa_parts, ignore_index=True)
    return InteractionEvents(events, particles, meta)
