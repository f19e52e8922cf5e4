"""Reconstructed ("response"-level) quantities of neutrino interaction events.

What a near-detector analysis computes from the final state, without the truth: neutrino-energy
estimators (the quasi-elastic two-body formula, the calorimetric sum), visible hadronic energy,
missing transverse momentum with respect to the beam (on or off axis), the electron variable
``E_e theta_e^2`` and the reconstructed energy and momentum transfer (q0, |q|).

Every function works on plain arrays; the ``*_events`` helpers take an
:class:`~nuportal.interactions.events.InteractionEvents` record (its ``events`` table, one row per
interaction, and its ``particles`` table, sorted by ``event``) and reduce the particles per event
with :func:`numpy.bincount`: no per-event Python loop.

Visibility model (:class:`Visibility`; all thresholds are inputs, the defaults are typical choices
for a liquid-argon TPC, not the values of a specific analysis):

* protons (and antiprotons) count with their kinetic energy if it exceeds ``proton_T_min``;
* charged pions and kaons count with their total energy if their kinetic energy exceeds
  ``pion_T_min`` (the rest energy of a charged pion is deposited by its decay or absorption);
* pi0 (or their photons when a generator lists the photons), photons, electrons and positrons,
  and non-primary muons count with their total energy above ``em_E_min``;
* other baryons (Lambda, Sigma, ...) count with their kinetic energy, like protons;
* neutrons, neutrinos, nuclei (PDG 10LZZZAAAI) and generator pseudo-particles (PDG >= 2e9) are
  invisible.

Units: GeV, GeV/c, radians.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from nuportal.constants import M_ELECTRON, M_MUON, M_TAU, mass

__all__ = [
    "BEAM_AXIS",
    "Visibility",
    "e_theta2",
    "e_theta2_events",
    "enu_calorimetric_events",
    "enu_qe",
    "enu_qe_events",
    "hadronic_mask",
    "lepton_angle",
    "lepton_angle_events",
    "missing_pt",
    "missing_pt_events",
    "observables",
    "off_axis_beam_direction",
    "reconstructed_q0_q3",
    "reconstructed_q0_q3_events",
    "visible_energy",
    "visible_hadronic_energy_events",
]

#: The nominal beam direction in detector coordinates (+z).
BEAM_AXIS: NDArray[np.float64] = np.array([0.0, 0.0, 1.0])
BEAM_AXIS.setflags(write=False)

_M_PROTON = mass("p")
_M_NEUTRON = mass("n")
_LEPTON_MASS = {11: M_ELECTRON, 13: M_MUON, 15: M_TAU, 12: 0.0, 14: 0.0, 16: 0.0}


@dataclass(frozen=True)
class Visibility:
    """Detection thresholds of the visible-energy model (see the module docstring).

    Attributes
    ----------
    proton_T_min : float
        Kinetic-energy threshold of protons [GeV] (default 0.04, a typical LArTPC tracking
        threshold).
    pion_T_min : float
        Kinetic-energy threshold of charged pions and kaons [GeV] (default 0).
    em_E_min : float
        Energy threshold of photons, pi0, electrons and secondary muons [GeV] (default 0).
    """

    proton_T_min: float = 0.04
    pion_T_min: float = 0.0
    em_E_min: float = 0.0

    def __post_init__(self) -> None:
        for name in ("proton_T_min", "pion_T_min", "em_E_min"):
            v = getattr(self, name)
            if not (np.isfinite(v) and v >= 0.0):
                raise ValueError(f"Visibility.{name} must be finite and >= 0 GeV, got {v!r}")


def _unit(direction: ArrayLike, name: str = "beam_direction") -> NDArray[np.float64]:
    d = np.asarray(direction, dtype=float)
    if d.shape[-1:] != (3,) or not np.all(np.isfinite(d)):
        raise ValueError(
            f"{name} must be finite 3-vectors (shape (3,) or (N, 3)), got shape {d.shape}"
        )
    norm = np.linalg.norm(d, axis=-1, keepdims=True)
    if np.any(norm <= 0.0):
        raise ValueError(f"{name} must be non-zero")
    return d / norm


def off_axis_beam_direction(
    offset_x_m: float, baseline_m: float, offset_y_m: float = 0.0
) -> NDArray[np.float64]:
    """Unit vector of the neutrino direction at a detector displaced from the beam axis.

    The neutrinos come from the target region, ``baseline_m`` upstream along the beam axis (+z);
    at a detector centred ``(offset_x_m, offset_y_m)`` off the axis they travel along
    ``(x, y, L) / |(x, y, L)|`` (e.g. DUNE-PRISM: 30 m at 574 m is 52 mrad off axis). Point-like
    source approximation: the spread of the decay points along the decay pipe is neglected.

    Parameters
    ----------
    offset_x_m, offset_y_m : float
        Transverse position of the detector [m].
    baseline_m : float
        Distance from the neutrino source to the detector along the axis [m], > 0.

    Returns
    -------
    numpy.ndarray, shape (3,)
    """
    if not (np.isfinite(baseline_m) and baseline_m > 0.0):
        raise ValueError(f"baseline_m must be finite and > 0 m, got {baseline_m!r}")
    if not (np.isfinite(offset_x_m) and np.isfinite(offset_y_m)):
        raise ValueError("offset_x_m and offset_y_m must be finite [m]")
    return _unit([offset_x_m, offset_y_m, baseline_m])


# ----------------------------------------------------------------------------- array functions
def enu_qe(
    E_l: ArrayLike,
    p_l: ArrayLike,
    cos_theta: ArrayLike,
    m_l: ArrayLike,
    *,
    binding_energy: float,
    antineutrino: ArrayLike = False,
) -> NDArray[np.float64]:
    """Quasi-elastic neutrino-energy estimator from the charged lepton alone.

    Two-body kinematics of nu n -> l- p (antineutrino: nubar p -> l+ n) on a nucleon at rest
    bound with energy ``E_b`` (e.g. MiniBooNE, A. A. Aguilar-Arevalo et al., Phys. Rev. D 81,
    092005 (2010), arXiv:1002.2680, eq. (1)):

        E_nu^QE = [2 (M_i - E_b) E_l - ((M_i - E_b)^2 + m_l^2 - M_f^2)]
                  / [2 (M_i - E_b - E_l + p_l cos theta)]

    with (M_i, M_f) = (m_n, m_p) for neutrinos and (m_p, m_n) for antineutrinos. Exact for a
    nucleon at rest with energy M_i - E_b. Typical E_b: 34 MeV for carbon (MiniBooNE, ibid.),
    27 MeV for oxygen (T2K).

    Parameters
    ----------
    E_l, p_l : array_like
        Lepton energy [GeV] and momentum magnitude [GeV/c].
    cos_theta : array_like
        Cosine of the lepton angle to the neutrino direction.
    m_l : array_like
        Lepton mass [GeV].
    binding_energy : float
        E_b [GeV], >= 0 and below the nucleon mass.
    antineutrino : bool or array_like of bool
        Antineutrino (nubar p -> l+ n) kinematics.

    Returns
    -------
    numpy.ndarray
        E_nu^QE [GeV]; NaN where the denominator vanishes or the estimate is negative (lepton
        kinematics incompatible with the two-body hypothesis).
    """
    eb = float(binding_energy)
    if not (np.isfinite(eb) and 0.0 <= eb < _M_PROTON):
        raise ValueError(
            f"binding_energy must be in [0, {_M_PROTON:.3f}) GeV, got {binding_energy!r}"
        )
    E_l, p_l, c, m_l = (np.asarray(a, dtype=float) for a in (E_l, p_l, cos_theta, m_l))
    anti = np.asarray(antineutrino, dtype=bool)
    m_i = np.where(anti, _M_PROTON, _M_NEUTRON) - eb
    m_f = np.where(anti, _M_NEUTRON, _M_PROTON)
    num = 2.0 * m_i * E_l - (m_i**2 + m_l**2 - m_f**2)
    den = 2.0 * (m_i - E_l + p_l * c)
    with np.errstate(divide="ignore", invalid="ignore"):
        e = num / den
    return np.where((den > 0.0) & (e > 0.0), e, np.nan)


def lepton_angle(p3: ArrayLike, beam_direction: ArrayLike = BEAM_AXIS) -> NDArray[np.float64]:
    """Angle [rad] between momenta ``p3`` (N, 3) [GeV/c] and the beam direction (3,) or (N, 3)."""
    p = np.asarray(p3, dtype=float)
    n = _unit(beam_direction)
    # arctan2 of |p x n| and p.n: accurate for small angles (E_e theta_e^2 needs it)
    s = np.linalg.norm(np.cross(p, n), axis=-1)
    theta = np.arctan2(s, np.sum(p * n, axis=-1))
    return np.where(np.linalg.norm(p, axis=-1) > 0.0, theta, np.nan)


def e_theta2(
    E: ArrayLike, p3: ArrayLike, beam_direction: ArrayLike = BEAM_AXIS
) -> NDArray[np.float64]:
    """``E theta^2`` [GeV rad^2] of electrons (energy ``E`` [GeV], momentum ``p3`` (N, 3)).

    Below 2 m_e for nu e -> nu e (and chi e -> chi e) elastic scattering, about Q^2/E_nu for
    nu_e CCQE: the standard separation of electron-scattering signals (used for example in
    the light-dark-matter studies of arXiv:1903.10505).
    """
    theta = lepton_angle(p3, beam_direction)
    return np.asarray(E, dtype=float) * theta**2


def visible_energy(
    pdg: ArrayLike, E: ArrayLike, p3: ArrayLike, visibility: Visibility | None = None
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Visible energy of each particle and whether it is seen (module docstring's model).

    Parameters
    ----------
    pdg : array_like of int, shape (M,)
    E : array_like, shape (M,)
        Energies [GeV].
    p3 : array_like, shape (M, 3)
        Momenta [GeV/c].
    visibility : Visibility, optional

    Returns
    -------
    (energy, seen) : numpy.ndarray (M,) [GeV] and numpy.ndarray of bool (M,)
    """
    vis = visibility or Visibility()
    pdg = np.asarray(pdg, dtype=np.int64)
    E = np.asarray(E, dtype=float)
    p = np.asarray(p3, dtype=float).reshape(-1, 3)
    m2 = E**2 - np.einsum("ij,ij->i", p, p)
    T = E - np.sqrt(np.clip(m2, 0.0, None))
    a = np.abs(pdg)
    proton_like = (a >= 1000) & (a < 10000) & (a != 2112)  # p, pbar and other baryons
    charged_meson = (a == 211) | (a == 321) | (a == 311) | (a == 310) | (a == 130)  # pi+-, K
    em = (a == 111) | (a == 22) | (a == 11) | (a == 13) | (a == 221)
    seen_p = proton_like & (T > vis.proton_T_min)
    seen_pi = charged_meson & (T > vis.pion_T_min)
    seen_em = em & (E > vis.em_E_min)
    energy = np.where(seen_p, T, 0.0) + np.where(seen_pi | seen_em, E, 0.0)
    return energy, seen_p | seen_pi | seen_em


def missing_pt(
    event: ArrayLike,
    p3: ArrayLike,
    n_events: int,
    beam_direction: ArrayLike = BEAM_AXIS,
) -> NDArray[np.float64]:
    """Magnitude of the summed transverse momentum of the given (visible) particles, per event.

    ``p_T^miss = | sum_i (p_i - (p_i . n) n) |`` with ``n`` the beam direction: zero when every
    final-state particle is seen and the neutrino travels along ``n`` (the target at rest).

    Parameters
    ----------
    event : array_like of int, shape (M,)
        Event number of each particle, in [0, n_events).
    p3 : array_like, shape (M, 3)
        Momenta [GeV/c] of the particles to sum (select the visible ones before).
    n_events : int
    beam_direction : array_like, shape (3,) or (n_events, 3)
        Neutrino direction (unit vector after normalisation), per event or common.

    Returns
    -------
    numpy.ndarray, shape (n_events,)
        p_T^miss [GeV/c].
    """
    ev = np.asarray(event, dtype=np.int64)
    p = np.asarray(p3, dtype=float).reshape(-1, 3)
    total = np.column_stack(
        [np.bincount(ev, weights=p[:, k], minlength=n_events) for k in range(3)]
    )
    n = _unit(beam_direction)
    perp = total - np.sum(total * n, axis=-1, keepdims=True) * n
    return np.linalg.norm(perp, axis=-1)


def reconstructed_q0_q3(
    E_l: ArrayLike,
    p3_l: ArrayLike,
    E_had: ArrayLike,
    beam_direction: ArrayLike = BEAM_AXIS,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Reconstructed energy and momentum transfer, as NOvA and MINERvA define them.

    ``q0 = E_had^vis`` and ``E_nu = E_l + q0`` (calorimetric); ``|q| = |E_nu n - p_l|``
    (equivalently ``sqrt(Q^2 + q0^2)`` with ``Q^2 = 2 E_nu (E_l - p_l cos theta) - m_l^2``).

    Parameters
    ----------
    E_l : array_like (N,)
        Lepton energy [GeV].
    p3_l : array_like (N, 3)
        Lepton momentum [GeV/c].
    E_had : array_like (N,)
        Visible hadronic energy [GeV].
    beam_direction : array_like (3,) or (N, 3)

    Returns
    -------
    (q0, q3) : numpy.ndarray [GeV], numpy.ndarray [GeV/c]
    """
    q0 = np.asarray(E_had, dtype=float)
    e_nu = np.asarray(E_l, dtype=float) + q0
    n = _unit(beam_direction)
    q = e_nu[:, None] * n - np.asarray(p3_l, dtype=float).reshape(-1, 3)
    return q0, np.linalg.norm(q, axis=-1)


# ----------------------------------------------------------------------------- event records
def _tables(events: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    ev, parts = events.events, events.particles
    n = len(ev)
    if len(parts):
        idx = parts["event"].to_numpy()
        if idx.min() < 0 or idx.max() >= n:
            raise ValueError(
                f"particles reference events outside [0, {n}): the particles table does not "
                "belong to this events table"
            )
        if np.any(np.diff(idx) < 0):
            raise ValueError("the particles table must be sorted by its 'event' column")
    return ev, parts


def _lepton_p3(ev: pd.DataFrame) -> NDArray[np.float64]:
    return ev[["lep_px", "lep_py", "lep_pz"]].to_numpy(dtype=float)


def hadronic_mask(events: Any) -> NDArray[np.bool_]:
    """Final-state particles other than the primary lepton (one boolean per particles row).

    The primary lepton is the first particle of each event whose PDG number equals the event's
    ``lep_pdg``; rows with a status other than 1 (when a ``status`` column exists) are excluded.
    """
    ev, parts = _tables(events)
    if len(parts) == 0:
        return np.zeros(0, dtype=bool)
    idx = parts["event"].to_numpy()
    pdg = parts["pdg"].to_numpy()
    mask = np.ones(len(parts), dtype=bool)
    if "status" in parts:
        mask &= parts["status"].to_numpy() == 1
    candidate = np.flatnonzero(mask & (pdg == ev["lep_pdg"].to_numpy()[idx]))
    _, first = np.unique(idx[candidate], return_index=True)
    mask[candidate[first]] = False
    return mask


def _visible_hadrons(events: Any, visibility: Visibility | None):
    ev, parts = _tables(events)
    had = hadronic_mask(events)
    sel = parts[had]
    p3 = sel[["px", "py", "pz"]].to_numpy(dtype=float)
    energy, seen = visible_energy(
        sel["pdg"].to_numpy(), sel["E"].to_numpy(dtype=float), p3, visibility
    )
    return ev, sel["event"].to_numpy(), p3, energy, seen


def visible_hadronic_energy_events(
    events: Any, visibility: Visibility | None = None
) -> NDArray[np.float64]:
    """Visible hadronic energy [GeV] per event (module docstring's model), shape (N,)."""
    ev, idx, _, energy, _ = _visible_hadrons(events, visibility)
    return np.bincount(idx, weights=energy, minlength=len(ev))


def enu_calorimetric_events(
    events: Any, visibility: Visibility | None = None
) -> NDArray[np.float64]:
    """Calorimetric neutrino energy E_l + E_had^vis [GeV] per event (CC events)."""
    return events.events["lep_E"].to_numpy(dtype=float) + visible_hadronic_energy_events(
        events, visibility
    )


def missing_pt_events(
    events: Any,
    beam_direction: ArrayLike = BEAM_AXIS,
    visibility: Visibility | None = None,
) -> NDArray[np.float64]:
    """Missing transverse momentum [GeV/c] per event: lepton plus visible hadrons.

    For neutral-current events the outgoing neutrino is not counted. Use
    :func:`off_axis_beam_direction` for a detector off the beam axis.
    """
    ev, idx, p3, _, seen = _visible_hadrons(events, visibility)
    n = len(ev)
    charged = np.abs(ev["lep_pdg"].to_numpy()) % 2 == 1
    lep = _lepton_p3(ev) * charged[:, None]
    all_idx = np.concatenate([np.arange(n), idx[seen]])
    all_p3 = np.concatenate([lep, p3[seen]])
    return missing_pt(all_idx, all_p3, n, beam_direction)


def lepton_angle_events(events: Any, beam_direction: ArrayLike = BEAM_AXIS) -> NDArray[np.float64]:
    """Angle [rad] of the primary lepton to the beam direction, per event."""
    return lepton_angle(_lepton_p3(events.events), beam_direction)


def e_theta2_events(events: Any, beam_direction: ArrayLike = BEAM_AXIS) -> NDArray[np.float64]:
    """``E_e theta_e^2`` [GeV rad^2] of the most energetic final-state electron (or positron) of
    each event: the primary lepton of nu_e CC events, the recoil electron of nu e -> nu e; NaN
    for events without one."""
    ev, parts = _tables(events)
    n = len(ev)
    out = np.full(n, np.nan)
    if len(parts) == 0:
        return out
    sel = np.abs(parts["pdg"].to_numpy()) == 11
    if "status" in parts:
        sel &= parts["status"].to_numpy() == 1
    idx = parts["event"].to_numpy()[sel]
    E = parts["E"].to_numpy(dtype=float)[sel]
    p3 = parts[["px", "py", "pz"]].to_numpy(dtype=float)[sel]
    order = np.lexsort((-E, idx))  # by event, most energetic first
    first = order[np.unique(idx[order], return_index=True)[1]]
    out[idx[first]] = e_theta2(E[first], p3[first], beam_direction)
    return out


def enu_qe_events(
    events: Any, *, binding_energy: float, beam_direction: ArrayLike = BEAM_AXIS
) -> NDArray[np.float64]:
    """Quasi-elastic estimator :func:`enu_qe` from each event's primary lepton [GeV].

    Antineutrino kinematics for events with ``nu_pdg < 0``; NaN for neutral-current events.
    """
    ev = events.events
    lep_pdg = np.abs(ev["lep_pdg"].to_numpy())
    m_l = np.array([_LEPTON_MASS.get(int(k), np.nan) for k in np.unique(lep_pdg)])
    m_l = m_l[np.searchsorted(np.unique(lep_pdg), lep_pdg)] if len(lep_pdg) else m_l
    p3 = _lepton_p3(ev)
    pmag = np.linalg.norm(p3, axis=-1)
    n = _unit(beam_direction)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.sum(p3 * n, axis=-1) / pmag
    out = enu_qe(
        ev["lep_E"].to_numpy(dtype=float),
        pmag,
        c,
        m_l,
        binding_energy=binding_energy,
        antineutrino=ev["nu_pdg"].to_numpy() < 0,
    )
    return np.where(lep_pdg % 2 == 1, out, np.nan)


def reconstructed_q0_q3_events(
    events: Any,
    beam_direction: ArrayLike = BEAM_AXIS,
    visibility: Visibility | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Reconstructed (q0 [GeV], |q| [GeV/c]) per event (:func:`reconstructed_q0_q3`)."""
    ev = events.events
    e_had = visible_hadronic_energy_events(events, visibility)
    return reconstructed_q0_q3(
        ev["lep_E"].to_numpy(dtype=float), _lepton_p3(ev), e_had, beam_direction
    )


def observables(
    events: Any,
    *,
    binding_energy: float = 0.0,
    beam_direction: ArrayLike = BEAM_AXIS,
    visibility: Visibility | None = None,
) -> pd.DataFrame:
    """All reconstructed quantities of this module as one table (index: event).

    Columns: ``E_had_vis``, ``E_nu_cal``, ``E_nu_qe`` (with ``binding_energy`` [GeV]),
    ``pt_miss``, ``theta_l`` [rad], ``E_theta2`` [GeV rad^2] (of the leading electron, NaN
    without one), ``q0_rec``, ``q3_rec``.
    """
    ev = events.events
    e_had = visible_hadronic_energy_events(events, visibility)
    q0, q3 = reconstructed_q0_q3(
        ev["lep_E"].to_numpy(dtype=float), _lepton_p3(ev), e_had, beam_direction
    )
    return pd.DataFrame(
        {
            "E_had_vis": e_had,
            "E_nu_cal": ev["lep_E"].to_numpy(dtype=float) + e_had,
            "E_nu_qe": enu_qe_events(
                events, binding_energy=binding_energy, beam_direction=beam_direction
            ),
            "pt_miss": missing_pt_events(events, beam_direction, visibility),
            "theta_l": lepton_angle_events(events, beam_direction),
            "E_theta2": e_theta2_events(events, beam_direction),
            "q0_rec": q0,
            "q3_rec": q3,
        },
        index=ev.index,
    )
