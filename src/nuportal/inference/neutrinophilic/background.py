"""Backgrounds of the wrong-sign-lepton search at the DUNE ND in neutrino mode (FHC).

Events from :func:`nuportal.interactions.generate.generate_interactions` on the shipped DUNE ND
FHC flux (arXiv:2103.04797) and argon:

``wrong_sign_cc``
    nubar_l CC (all CC channels) of the beam's wrong-sign component: a true l+.
``charge_misid``
    nu_l CC with the l- given the wrong charge (probability ``NDSetup.charge_misid``).
``nc_pion`` (muon channel)
    nu_mu NC single- and multi-pion events (resonant, non-resonant, DIS) whose leading charged
    pion is taken as a muon (``NDSetup.pion_as_muon``) with the charge of the pion, or the
    opposite one with the mis-ID probability.
``nc_shower`` (electron channel)
    nu_mu NC events with a pi0 whose shower is taken as a positron (``NDSetup.shower_as_electron``).

The selection probability of every row (:func:`selection_probability`) is the lepton
efficiency times the probability that the candidate is reconstructed as a wrong-sign lepton.

Units: GeV; weights in events per POT per Ar atom.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nuportal._validation import RngLike, as_rng
from nuportal.inference.neutrinophilic.selection import NDSetup
from nuportal.inference.neutrinophilic.signal import CC_PROCESSES, _lepton, events_table

__all__ = ["BACKGROUND_COMPONENTS", "background_sample", "selection_probability"]

BACKGROUND_COMPONENTS: tuple[str, ...] = ("wrong_sign_cc", "charge_misid", "nc_pion", "nc_shower")
NC_PROCESSES: tuple[str, ...] = ("res_nc", "nonres_nc", "dis_nc")


def _with_candidate(table: pd.DataFrame, kind: str, charge: np.ndarray) -> pd.DataFrame:
    return table.assign(cand_kind=kind, cand_charge=np.asarray(charge, int))


def lepton_candidates(table: pd.DataFrame) -> pd.DataFrame:
    """Mark the charged lepton of CC rows as the candidate (kind "lepton", its charge)."""
    pdg = table["lep_pdg"].to_numpy()
    return _with_candidate(table, "lepton", -np.sign(pdg))


def _nc_candidates(events, lepton: str) -> pd.DataFrame:
    table = events_table(events, "nc_pion" if lepton == "mu" else "nc_shower")
    parts = events.particles
    n = len(table)
    if lepton == "mu":
        sel = parts[parts["pdg"].abs().eq(211) & parts["status"].eq(1)]
        kind = "pion"
    else:
        sel = parts[parts["pdg"].isin([111, 22]) & parts["status"].eq(1)]
        kind = "shower"
    if len(sel) == 0:
        return _with_candidate(table.iloc[:0], kind, np.zeros(0))
    lead = sel.loc[sel.groupby("event")["E"].idxmax()]
    has = np.zeros(n, bool)
    charge = np.zeros(n, int)
    has[lead["event"].to_numpy()] = True
    charge[lead["event"].to_numpy()] = np.sign(lead["pdg"].to_numpy()) * (kind == "pion")
    table = _with_candidate(table, kind, charge)
    return table[has].reset_index(drop=True)


def background_sample(
    lepton: str = "mu", *, n_events: int = 20_000, seed: RngLike = None,
    flux: str = "dune_nd_fhc", components: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Background events, weights per POT per Ar atom (module docstring).

    Parameters
    ----------
    lepton : {"mu", "e"}
        Search channel.
    n_events : int
        Generated events per component.
    seed : int, Generator or None
    flux : str
        Shipped neutrino-mode flux table.
    components : tuple of str, optional
        Subset of :data:`BACKGROUND_COMPONENTS` (default: those of the channel).
    """
    from nuportal.interactions.generate import generate_interactions

    _, col, bar = _lepton(lepton)
    rng = as_rng(seed)
    default = ("wrong_sign_cc", "charge_misid", "nc_pion" if lepton == "mu" else "nc_shower")
    comps = default if components is None else tuple(components)
    bad = [c for c in comps if c not in BACKGROUND_COMPONENTS]
    if bad or not comps:
        raise ValueError(f"components must be a non-empty subset of {BACKGROUND_COMPONENTS}, "
                         f"got {list(comps)}")
    out = []
    for comp in comps:
        if comp == "wrong_sign_cc":
            ev = generate_interactions(flux, "Ar40", processes=CC_PROCESSES, n_events=n_events,
                                       seed=rng, flavours=[bar])
            out.append(lepton_candidates(events_table(ev, comp)))
        elif comp == "charge_misid":
            ev = generate_interactions(flux, "Ar40", processes=CC_PROCESSES, n_events=n_events,
                                       seed=rng, flavours=[col])
            out.append(lepton_candidates(events_table(ev, comp)))
        else:
            ev = generate_interactions(flux, "Ar40", processes=NC_PROCESSES, n_events=n_events,
                                       seed=rng, flavours=["numu"])
            out.append(_nc_candidates(ev, "mu" if comp == "nc_pion" else "e"))
    return pd.concat(out, ignore_index=True)


def selection_probability(table: pd.DataFrame, setup: NDSetup, lepton: str) -> np.ndarray:
    """Probability that each row is selected as a wrong-sign (positive) lepton candidate."""
    _lepton(lepton)
    kind = table["cand_kind"].to_numpy() if "cand_kind" in table else np.full(len(table), "lepton")
    if "cand_charge" in table:
        q = table["cand_charge"].to_numpy()
    else:
        q = -np.sign(table["lep_pdg"].to_numpy())
    mis = setup.charge_misid(lepton)
    right = np.where(q > 0, 1.0 - mis, mis)
    p = np.where(kind == "lepton", right, 0.0)
    p = np.where(kind == "pion", setup.pion_as_muon * right, p)
    p = np.where(kind == "shower", setup.shower_as_electron, p)
    return setup.lepton_efficiency * p
