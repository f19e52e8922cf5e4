"""Neutrino backgrounds of the single-electron search at ND-LAr, on and off axis.

* nu e -> nu e (all four flavours; :mod:`nuportal.interactions.nu_electron` with its one-loop
  effective couplings: tree level at the low-Q^2 angle would be 6 % low for nu_mu e), the
  irreducible background: same topology and E_e theta_e^2 < 2 m_e;
* nu_e CCQE and nubar_e CCQE on argon (:mod:`nuportal.interactions.ccqe`, relativistic Fermi gas):
  rejected by a visible proton (kinetic energy above :data:`PROTON_THRESHOLD_GEV`) and by
  E_e theta_e^2 ~ Q^2 / E_nu, except for the low-Q^2 tail that the nucleus' Fermi motion sets
  (no final-state interactions: a proton absorbed in the nucleus would make the tail larger).

Fluxes: the on-axis DUNE ND tables with the DUNE-PRISM off-axis shape
(:func:`nuportal.sources.offaxis_fluxes.dune_prism_flux`). Neutrinos are produced along the LBNF
decay region (uniform in 20-214 m from the target, :mod:`nuportal.sources.fluxes`) and travel in
a straight line to a vertex uniform in the fiducial volume; the electron angle is measured, as for
the signal, from the target -> detector axis. (Off axis the neutrinos therefore arrive tilted by
a few to ~13 mrad with respect to that axis, which the E_e theta_e^2 cut sees.)

Units: GeV, metres; histograms in events per POT.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from nuportal import constants
from nuportal._validation import RngLike, as_rng
from nuportal.detectors.geometry import sample_uniform_points
from nuportal.inference.light_dark_matter.selection import ElectronSelection, NDLArGeometry
from nuportal.kinematics import rotate_z_to, unit_vectors

__all__ = ["FLAVOURS", "NeutrinoBackground", "nu_electron_background"]

#: Flux column and PDG code of the four flavours that scatter on electrons.
FLAVOURS: dict[str, int] = {"numu": 14, "numubar": -14, "nue": 12, "nuebar": -12}

_LBNF_DECAY_REGION_M = (20.0, 214.0)
#: Kinetic energy [GeV] above which a final-state proton is visible in LAr and vetoes the event
#: (MicroBooNE-style 40 MeV; with a relativistic Fermi gas every CCQE proton has T > 30 MeV
#: because of Pauli blocking, so a lower threshold would veto all nu_e CCQE events).
PROTON_THRESHOLD_GEV: float = 0.04
#: Energy [GeV] above which a photon makes a visible shower (and a second one vetoes the event).
PHOTON_THRESHOLD_GEV: float = 0.03


@dataclass(frozen=True)
class NeutrinoBackground:
    """Background histograms per (position, horn mode), events per POT.

    Attributes
    ----------
    histograms : dict
        (position [m], mode) -> selected events per POT per reconstructed E_e bin.
    by_process : pandas.DataFrame
        Selected and total events per POT by position, mode, process and flavour.
    events : pandas.DataFrame
        Weighted electrons (position_m, mode, process, flavour, E_e, E_reco, theta_reco,
        selected, weight per POT).
    """

    histograms: dict[tuple[float, str], NDArray[np.float64]]
    by_process: pd.DataFrame
    events: pd.DataFrame


def _draw_energies(flux_E, flux_col, sigma, n, rng):
    """E_nu drawn from flux x sigma on the table's grid; returns E and the rate per electron."""
    dE = np.gradient(flux_E)
    density = flux_col * sigma * dE  # per POT per cm^2 x cm^2
    total = float(density.sum())
    if total <= 0:
        return np.zeros(0), 0.0
    cdf = np.cumsum(density) / total
    i = np.searchsorted(cdf, rng.random(n), side="right").clip(0, len(cdf) - 1)
    E = flux_E[i] + (rng.random(n) - 0.5) * dE[i]
    return np.clip(E, 1e-3, None), total


def _neutrino_directions(n, geo: NDLArGeometry, x_off: float, rng):
    vertex = sample_uniform_points(geo.fiducial_volume(x_off), n, rng)
    z0, z1 = _LBNF_DECAY_REGION_M
    origin = np.zeros((n, 3))
    origin[:, 2] = z0 + (z1 - z0) * rng.random(n)
    return vertex - origin


def nu_electron_background(
    positions: Sequence[float],
    *,
    modes: Sequence[str] = ("fhc", "rhc"),
    n_events: int = 200_000,
    selection: ElectronSelection | None = None,
    geometry: NDLArGeometry | None = None,
    include_ccqe: bool = True,
    photon_misid: float = 0.0,
    seed: RngLike = 2,
) -> NeutrinoBackground:
    """nu e -> nu e (and nu_e CCQE) events passing the single-electron selection, per POT.

    Parameters
    ----------
    positions : sequence of float
        ND-LAr off-axis positions [m], each in [0, 33].
    modes : sequence of {"fhc", "rhc"}
        Horn polarities.
    n_events : int
        Events drawn per (position, mode, process, flavour).
    selection, geometry
        As in :func:`nuportal.inference.light_dark_matter.ldm_signal`.
    include_ccqe : bool
        Add nu_e and nubar_e CCQE on argon (the proton unseen).
    photon_misid : float
        Probability that a lone photon shower is taken for an electron (dE/dx in the first
        centimetres, no gap to the vertex), in [0, 1]; > 0 adds the NC single-pion bound
        (:func:`_nc_pi0_part`). Default 0: not included.
    seed : int, numpy.random.Generator or None
        Random seed.
    """
    import warnings

    from nuportal.interactions import nu_electron
    from nuportal.sources.offaxis_fluxes import dune_prism_flux

    sel = selection or ElectronSelection()
    geo = geometry or NDLArGeometry()
    rng = as_rng(seed)
    if not (math.isfinite(photon_misid) and 0.0 <= photon_misid <= 1.0):
        raise ValueError(f"photon_misid must be a probability in [0, 1], got {photon_misid!r}")
    n = int(n_events)
    if n < 1:
        raise ValueError(f"n_events must be >= 1, got {n_events!r}")
    me = constants.M_ELECTRON
    n_e = geo.fiducial_electrons
    n_argon = n_e / 18.0
    hists: dict[tuple[float, str], NDArray[np.float64]] = {}
    rows, tables = [], []
    for x in positions:
        for mode in modes:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # extrapolation warned by caller
                flux = dune_prism_flux(float(x), mode)
            h = np.zeros(sel.edges.size - 1)
            for flavour, pdg in FLAVOURS.items():
                col = np.asarray(flux[flavour], float)
                parts = []
                sigma = np.asarray(nu_electron.total_cross_section(
                    np.maximum(flux.E_GeV, 1e-3), pdg, radiative=True))
                E, rate = _draw_energies(flux.E_GeV, col, sigma, n, rng)
                if rate > 0:
                    T = nu_electron.sample_recoil(E, pdg, rng, radiative=True)
                    cos_t = np.asarray(nu_electron.cos_theta_electron(E, T))
                    parts.append(("nu_e_elastic", T + me, cos_t, rate * n_e / n, E))
                if include_ccqe and abs(pdg) == 12:
                    parts.extend(_ccqe_part(flux, col, pdg, n, rng, n_argon))
                if photon_misid > 0 and rate > 0:
                    parts.extend(_nc_pi0_part(flux, flavour, n, rng, n_argon, photon_misid))
                for process, E_e, cos_t, w_each, E_nu in parts:
                    w = np.broadcast_to(np.asarray(w_each, float), E_e.shape).copy()
                    table = _reconstruct(E_e, cos_t, w, E_nu, geo, float(x), sel, rng)
                    h += sel.histogram(table["E_reco"][table["selected"]],
                                       table["weight"][table["selected"]] / sel.efficiency)
                    labels = {"position_m": float(x), "mode": mode, "process": process,
                              "flavour": flavour}
                    rows.append({**labels, "total_per_pot": float(w.sum()),
                                 "selected_per_pot": float(table.loc[table["selected"],
                                                                     "weight"].sum())})
                    tables.append(table.assign(**labels))
            hists[(float(x), mode)] = h
    return NeutrinoBackground(hists, pd.DataFrame(rows), pd.concat(tables, ignore_index=True))


def _reconstruct(E_e, cos_t, w, E_nu, geo, x_off, sel, rng) -> pd.DataFrame:
    """Electron directions from the neutrino's, then the selection's response and cuts."""
    me = constants.M_ELECTRON
    nu_dir = _neutrino_directions(len(E_e), geo, x_off, rng)
    phi = rng.random(len(E_e)) * 2 * math.pi
    p = np.sqrt(np.clip(E_e**2 - me**2, 0, None))
    d = rotate_z_to(unit_vectors(cos_t, phi) * p[:, None], nu_dir)
    E_reco, theta = sel.reconstruct(E_e, d, geo.reference_direction(x_off), rng)
    return pd.DataFrame(
        {
            "E_nu": E_nu,
            "E_e": E_e,
            "E_reco": E_reco,
            "theta_reco": theta,
            "selected": sel.passes(E_reco, theta),
            "weight": w * sel.efficiency,
        }
    )


def _nc_pi0_part(flux, flavour, n, rng, n_argon, photon_misid):
    """Bound on NC single-pion events faking one electron: (process, E, cos theta, w, E_nu).

    NC resonant and non-resonant pion production on argon (:mod:`nuportal.interactions`) with
    pi0 -> gamma gamma; an event is kept when exactly one photon is above the shower threshold
    (:data:`PHOTON_THRESHOLD_GEV`; the other one too soft to be seen) and no charged pion or
    proton is visible; the photon is then taken for the electron with probability
    ``photon_misid``. Photons that convert far from the vertex, or merge, are not modelled
    separately: ``photon_misid`` stands for all of it, so this is an order-of-magnitude bound.
    """
    from nuportal import constants as c
    from nuportal.interactions.generate import generate_interactions

    events = generate_interactions(
        flux, "Ar40", processes=["res_nc", "nonres_nc"], flavours=[flavour], n_events=n,
        seed=rng,
    )  # fmt: skip
    if len(events) == 0:
        return []
    part = events.particles
    part = part[part["status"] == 1]
    kinetic = part["E"] - np.select(
        [part["pdg"].abs() == 211, part["pdg"] == 2212], [c.mass("pi+"), c.mass("p")], 0.0
    )
    charged = part["pdg"].abs().eq(211) | part["pdg"].eq(2212)
    vetoed = set(part.loc[charged & (kinetic > PROTON_THRESHOLD_GEV), "event"])
    photons = part[(part["pdg"] == 22) & (part["E"] > PHOTON_THRESHOLD_GEV)]
    counts = photons.groupby("event").size()
    single = counts.index[(counts == 1).to_numpy()]
    keep = [e for e in single if e not in vetoed]
    if not keep:
        return []
    g = photons.set_index("event").loc[keep]
    p = np.sqrt(g["px"] ** 2 + g["py"] ** 2 + g["pz"] ** 2).to_numpy(float)
    ev = events.events.loc[keep]
    w = ev["weight"].to_numpy(float) * n_argon * photon_misid
    return [("nc_pi0_photon", g["E"].to_numpy(float), g["pz"].to_numpy(float) / p, w,
             ev["E_nu"].to_numpy(float))]


def _ccqe_part(flux, col, pdg, n, rng, n_argon):
    """nu_e / nubar_e CCQE electrons on argon: (process, E_e, cos theta, weight, E_nu)."""
    from nuportal.interactions import ccqe

    sigma = np.asarray(ccqe.total_cross_section(np.maximum(flux.E_GeV, 0.05), pdg, "Ar40"))
    E, rate = _draw_energies(flux.E_GeV, col, sigma, n, rng)
    if rate <= 0:
        return []
    ev, particles = ccqe.sample_ccqe(E, pdg, "Ar40", rng)
    # the sampler's weights have mean sigma(E_nu): divide by sigma(E_nu) (E was drawn from
    # flux x sigma) so that each event carries rate / n on average; energies where the tabulated
    # sigma vanishes (below threshold) carry no weight
    sig_e = np.asarray(ccqe.total_cross_section(E, pdg, "Ar40"), float)
    good = sig_e > 1e-3 * float(sigma.max())
    rel = np.where(good, ev["weight"].to_numpy(float) / np.where(good, sig_e, 1.0), 0.0)
    # a visible proton (kinetic energy above the threshold) vetoes the single-electron topology
    nucleon = particles.loc[particles["pdg"] == 2212].set_index("event")
    t_p = (nucleon["E"] - constants.mass("p")).reindex(range(len(ev)), fill_value=0.0)
    keep = (rel > 0) & (t_p.to_numpy(float) < PROTON_THRESHOLD_GEV)
    ev = ev.loc[keep]
    E_e = ev["lep_E"].to_numpy(float)
    p = np.sqrt(ev["lep_px"] ** 2 + ev["lep_py"] ** 2 + ev["lep_pz"] ** 2).to_numpy(float)
    cos_t = ev["lep_pz"].to_numpy(float) / np.maximum(p, 1e-12)
    w = rate * n_argon / len(rel) * rel[keep]
    return [("nue_ccqe", E_e, cos_t, w, ev["E_nu"].to_numpy(float))]
