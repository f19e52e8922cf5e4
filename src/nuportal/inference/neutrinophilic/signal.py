"""Signal of the neutrinophilic scalar at the DUNE ND: wrong-sign leptons with missing p_T.

Three components, each per unit |g_ll|^2 (the diagonal coupling: only b = l in nu_l -> nubar_b
phi and M+ -> l+ nubar_b phi gives a wrong-sign l+ of the same flavour; N_sig ∝ g^2: computed
once per mass and rescaled, :func:`~nuportal.inference.neutrinophilic.reach.signal_histogram`):

``emission_qe``
    nu_l A -> l+ phi n (quasi-elastic) with the exact tensor
    (:func:`~nuportal.inference.neutrinophilic.qe_emission.sample_qe_emission`); the neutron and
    phi are invisible, so E_vis = E_l and p_T^miss = |p_T,l|.
``emission_inelastic``
    The other CC channels of :mod:`nuportal.interactions` (2p2h, resonant and non-resonant pions,
    DIS) in the collinear approximation: z and p_T drawn from the splitting density
    (:func:`~nuportal.models.neutrinophilic.cc_emission.splitting_density`, p_T^2 < Q2_max), the
    Standard-Model antineutrino event generated at z E_nu by the process sampler and rotated onto
    the direction of the recoiling antineutrino (-p_T, z E_nu); phi gets (1 - z) E_nu and p_T.
``meson_decay``
    Antineutrinos of M+ -> l+ nubar phi in the decay pipe
    (:func:`~nuportal.inference.neutrinophilic.meson_flux.wrong_sign_flux`) interacting by CC
    (all channels of :func:`nuportal.interactions.generate.generate_interactions`).

Weights: events per POT per argon atom per g^2 (``weight``). Observables: visible energy (lepton
plus visible hadrons, :mod:`nuportal.interactions.observables`) and p_T^miss with respect to the
beam (+z).

Units: GeV; weights per POT per Ar atom.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nuportal._validation import RngLike, as_rng
from nuportal.kinematics import rotate_z_to
from nuportal.models.neutrinophilic.cc_emission import splitting_density
from nuportal.sources.fluxes import Flux, load_flux

__all__ = [
    "CC_PROCESSES",
    "SIGNAL_COMPONENTS",
    "emission_inelastic",
    "emission_qe",
    "events_table",
    "meson_decay",
    "signal_sample",
]

SIGNAL_COMPONENTS: tuple[str, ...] = ("emission_qe", "emission_inelastic", "meson_decay")
CC_PROCESSES: tuple[str, ...] = ("ccqe", "2p2h", "res_cc", "nonres_cc", "dis_cc")
_INELASTIC = ("2p2h", "res_cc", "nonres_cc", "dis_cc")
_NU = {"mu": (14, "numu", "numubar"), "e": (12, "nue", "nuebar")}


def _lepton(lepton: str) -> tuple[int, str, str]:
    if lepton not in _NU:
        raise ValueError(f"lepton must be 'mu' or 'e', got {lepton!r}")
    return _NU[lepton]


def _check_mphi(m_phi: float) -> float:
    m = float(m_phi)
    if not (np.isfinite(m) and 0.0 < m <= 5.0):
        raise ValueError(f"m_phi must be finite and in (0, 5] GeV, got {m_phi!r}")
    return m


def _check_n(n: int) -> int:
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise ValueError(f"n_events must be an integer >= 1, got {n!r}")
    return int(n)


def _draw_flux(flux: Flux, flavour: str, n: int, rng: np.random.Generator):
    """Energies from the tabulated flux (bin centre +- half width) and the flux per event
    [nu / cm^2 / POT] (total flux / n)."""
    e = flux.E_GeV
    col = flux[flavour]
    width = np.gradient(e)
    per_bin = col * width
    total = float(per_bin.sum())
    if total <= 0:
        raise ValueError(f"flux {flux.name!r} has no {flavour} component")
    idx = rng.choice(e.size, size=n, p=per_bin / total)
    E = e[idx] + (rng.random(n) - 0.5) * width[idx]
    return np.maximum(E, 1e-3), total / n


def events_table(events, component: str, weight: np.ndarray | None = None) -> pd.DataFrame:
    """The common sample table (columns ``weight``, ``component``, ``lep_pdg``, ``E_nu``,
    ``E_vis``, ``pt_miss``, ``E_lep``) of an :class:`~nuportal.interactions.InteractionEvents`."""
    from nuportal.interactions.observables import observables

    ob = observables(events)
    ev = events.events
    lep = ev["lep_pdg"].to_numpy()
    charged = np.abs(lep) % 2 == 1
    e_lep = np.where(charged, ev["lep_E"].to_numpy(float), 0.0)
    return pd.DataFrame(
        {
            "weight": ev["weight"].to_numpy(float) if weight is None else weight,
            "component": component,
            "lep_pdg": lep,
            "E_nu": ev["E_nu"].to_numpy(float),
            "E_vis": e_lep + ob["E_had_vis"].to_numpy(float),
            "pt_miss": ob["pt_miss"].to_numpy(float),
            "E_lep": e_lep,
        }
    )


def emission_qe(
    m_phi: float, lepton: str = "mu", *, n_events: int = 20_000, seed: RngLike = None,
    flux: Flux | str = "dune_nd_fhc",
) -> pd.DataFrame:
    """Quasi-elastic emission events (module docstring), weights per POT per Ar per g^2."""
    from nuportal.inference.neutrinophilic.qe_emission import sample_qe_emission

    pdg, col, _ = _lepton(lepton)
    m = _check_mphi(m_phi)
    rng = as_rng(seed)
    fl = load_flux(flux) if isinstance(flux, str) else flux
    E, per_event = _draw_flux(fl, col, _check_n(n_events), rng)
    s = sample_qe_emission(E, m, pdg, "Ar40", rng)
    lep = s["lep"]
    return pd.DataFrame(
        {
            "weight": s["weight"] * per_event,
            "component": "emission_qe",
            "lep_pdg": -(pdg - 1),
            "E_nu": E,
            "E_vis": lep[:, 0],
            "pt_miss": np.hypot(lep[:, 1], lep[:, 2]),
            "E_lep": lep[:, 0],
        }
    )


def _process_events(name: str, E: np.ndarray, pdg: int, rng: np.random.Generator):
    """(events, particles) of one registered process at energies E, weight = sigma [cm^2/Ar]."""
    from nuportal.interactions.processes import PROCESSES

    proc = PROCESSES[name]
    ev, parts = proc.sample(E, pdg, "Ar40", rng)
    if not proc.weighted:
        sigma = np.asarray(proc.total_cross_section(ev["E_nu"].to_numpy(float), pdg, "Ar40"))
        ev = ev.assign(weight=ev["weight"].to_numpy(float) * sigma)
    return ev, parts


def emission_inelastic(
    m_phi: float, lepton: str = "mu", *, n_events: int = 20_000, seed: RngLike = None,
    flux: Flux | str = "dune_nd_fhc", Q2_max: float = 1.0,
    processes: tuple[str, ...] = _INELASTIC,
) -> pd.DataFrame:
    """Collinear-approximation emission in the non-quasi-elastic CC channels (module docstring);
    ``n_events`` per process. Weights per POT per Ar per g^2."""
    from nuportal.interactions.events import InteractionEvents

    pdg, col, _ = _lepton(lepton)
    m = _check_mphi(m_phi)
    n = _check_n(n_events)
    if not (np.isfinite(Q2_max) and Q2_max > 0):
        raise ValueError(f"Q2_max must be finite and > 0 GeV^2, got {Q2_max!r}")
    rng = as_rng(seed)
    fl = load_flux(flux) if isinstance(flux, str) else flux
    tables = []
    for name in processes:
        E, per_event = _draw_flux(fl, col, n, rng)
        z = rng.random(n)
        lo = np.log(1e-4 * z * m * m)
        hi = np.log(Q2_max)
        pt2 = np.exp(lo + (hi - lo) * rng.random(n))
        dens = splitting_density(z, pt2, m) * pt2 * (hi - lo)  # per unit z, ln p_T^2 sampling
        e_bar = z * E
        e_phi = (1.0 - z) * E
        ok = (e_phi * e_phi > pt2 + m * m) & (e_bar > 0.05)
        # SM antineutrino events at z E (weight = sigma), then rotated onto (-p_T, z E)
        ev, parts = _process_events(name, np.where(ok, e_bar, 1.0), -pdg, rng)
        az = 2.0 * np.pi * rng.random(n)
        pt = np.sqrt(pt2)
        direction = np.column_stack([-pt * np.cos(az), -pt * np.sin(az), e_bar])
        pidx = parts["event"].to_numpy()
        p4 = rotate_z_to(parts[["E", "px", "py", "pz"]].to_numpy(float), direction[pidx])
        parts = parts.assign(px=p4[:, 1], py=p4[:, 2], pz=p4[:, 3])
        l3 = rotate_z_to(ev[["lep_px", "lep_py", "lep_pz"]].to_numpy(float), direction)
        weight = np.where(ok, ev["weight"].to_numpy(float) * dens * per_event, 0.0)
        ev = ev.assign(lep_px=l3[:, 0], lep_py=l3[:, 1], lep_pz=l3[:, 2], E_nu=E, weight=weight)
        table = events_table(InteractionEvents(ev, parts), "emission_inelastic")
        tables.append(table[table["weight"] > 0])
    return pd.concat(tables, ignore_index=True)


def meson_decay(
    m_phi: float, lepton: str = "mu", *, n_events: int = 20_000, seed: RngLike = None,
    flux: Flux | str = "dune_nd_fhc",
) -> pd.DataFrame:
    """CC events of the wrong-sign antineutrinos from M+ -> l+ nubar phi (per g^2)."""
    from types import MappingProxyType

    from nuportal.inference.neutrinophilic.meson_flux import wrong_sign_flux
    from nuportal.interactions.generate import generate_interactions

    _, _, bar = _lepton(lepton)
    m = _check_mphi(m_phi)
    fl = load_flux(flux) if isinstance(flux, str) else flux
    phi3 = wrong_sign_flux(fl.E_GeV, fl["numu"], m, lepton)
    if not np.any(phi3 > 0):
        return events_table_empty()
    cols = {c: np.zeros_like(phi3) for c in fl.columns}
    cols[bar] = phi3
    wrong = Flux(f"{fl.name} M->l nubar phi (m_phi={m:g} GeV)", fl.E_GeV,
                 MappingProxyType(cols), fl.baseline_m, fl.decay_region)
    ev = generate_interactions(wrong, "Ar40", processes=CC_PROCESSES,
                               n_events=_check_n(n_events), seed=seed, flavours=[bar])
    return events_table(ev, "meson_decay")


def events_table_empty() -> pd.DataFrame:
    """An empty sample table."""
    return pd.DataFrame(
        {c: pd.Series(dtype=float) for c in ("weight", "E_nu", "E_vis", "pt_miss", "E_lep")}
    ).assign(component=pd.Series(dtype=object), lep_pdg=pd.Series(dtype=int))


def signal_sample(
    m_phi: float, lepton: str = "mu", *, n_events: int = 20_000, seed: RngLike = None,
    flux: Flux | str = "dune_nd_fhc", Q2_max: float = 1.0,
    components: tuple[str, ...] = SIGNAL_COMPONENTS,
) -> pd.DataFrame:
    """All signal components for one mass, weights per POT per Ar atom per g^2.

    Parameters
    ----------
    m_phi : float
        Scalar mass [GeV], in (0, 5].
    lepton : {"mu", "e"}
        Coupling probed: g_mumu (mu+ signal) or g_ee (e+ signal).
    n_events : int
        Events per component (per process for ``emission_inelastic``).
    seed : int, Generator or None
    flux : Flux or str
        Neutrino-mode flux at the detector (default the shipped DUNE ND FHC table).
    Q2_max : float
        Upper p_T^2 of the collinear splitting [GeV^2].
    components : tuple of str
        Subset of :data:`SIGNAL_COMPONENTS`.
    """
    rng = as_rng(seed)
    bad = [c for c in components if c not in SIGNAL_COMPONENTS]
    if bad or not components:
        raise ValueError(f"components must be a non-empty subset of {SIGNAL_COMPONENTS}, "
                         f"got {list(components)}")
    parts = []
    for comp in components:
        if comp == "emission_qe":
            parts.append(emission_qe(m_phi, lepton, n_events=n_events, seed=rng, flux=flux))
        elif comp == "emission_inelastic":
            parts.append(emission_inelastic(m_phi, lepton, n_events=n_events, seed=rng,
                                            flux=flux, Q2_max=Q2_max))
        else:
            parts.append(meson_decay(m_phi, lepton, n_events=n_events, seed=rng, flux=flux))
    return pd.concat(parts, ignore_index=True)
