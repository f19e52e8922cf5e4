"""Dark photons (and light dark matter) from protons on a thick target, by channel, per POT.

Channels (the ``channel`` column; weights are A' per proton on target at the given epsilon):

* ``pi0``, ``eta``: P -> gamma A' of the mesons of :func:`nuportal.sources.target.sample_mesons`
  (decay kinematics and Br from
  :func:`nuportal.sources.shower.meson_dark_photons.dark_photons_from_mesons`), open for
  M < m_P. Mesons decay where they are made (c tau(pi0) = 25 nm).
* ``proton_brem``: p N -> p N A' (:mod:`.proton_bremsstrahlung`, Blumlein-Brunner) at the
  primary protons' first inelastic interaction points
  (:meth:`~nuportal.sources.target.BeamTarget.sample_interaction_points`); A' per POT =
  P_int x A' per interacting proton. Secondary protons are not counted (a lower bound).
* ``cascade``: the target's own electromagnetic cascade (photons of pi0/eta -> gamma gamma in the
  shower engine), from ``nuportal.sources.target.cascade.cascade_dark_photons`` when that
  module is installed; its rows keep the channel labels it gives them.
* ``pi0_3body``, ``eta_3body`` (need a :class:`~nuportal.models.light_dark_matter.DarkSector`):
  P -> gamma chi chi through an on- or off-shell A' (valid at any M). A row is the chi pair
  (its four-momentum in E..pz, the off-shell A'*), with the two chi in the columns
  ``chi1_E .. chi2_pz``; the weight includes Br(P -> gamma chi chi). The chi angular
  distribution in the A'* frame is the transverse one of
  :func:`~nuportal.models.light_dark_matter.chi_angular_density`. These channels contain the
  on-shell pi0/eta -> gamma A' (-> chi chi) rate, so with a dark sector the default channel list
  uses them instead of ``pi0`` and ``eta``.

:func:`chi_pairs` turns an A' list into chi (two rows per A'): on-shell A' decay isotropically in
their rest frame (as in BdNMC; the transverse polarisation of meson-decay A' changes the
acceptance only slightly, estimated for this package), weighted by Br(A' -> chi chi); the
three-body rows pass their chi through unchanged.

Units: GeV, metres; coordinates with the target's upstream face centre at the origin, beam +z.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from nuportal import constants
from nuportal._validation import RngLike, as_rng
from nuportal.kinematics import boost_from_rest_frame, isotropic_directions, rotate_z_to
from nuportal.models.light_dark_matter import (
    DarkSector,
    br_dark_photon_to_chi,
    chi_angular_density,
    dbr_meson_to_gamma_chi_chi_ds,
    width_dark_photon_total,
)
from nuportal.sources.shower.meson_dark_photons import dark_photons_from_mesons
from nuportal.sources.target.beams import BeamTarget, get_beam
from nuportal.sources.target.proton_bremsstrahlung import check_brem_validity, sample_proton_brem

__all__ = [
    "COLUMNS",
    "DARK_PHOTON_CHANNELS",
    "chi_pairs",
    "dark_photon_yields",
    "open_channels",
    "target_dark_photons",
]

#: Channel names accepted by :func:`target_dark_photons`.
DARK_PHOTON_CHANNELS: tuple[str, ...] = (
    "pi0",
    "eta",
    "proton_brem",
    "cascade",
    "pi0_3body",
    "eta_3body",
)

#: Columns of every A' list.
COLUMNS: tuple[str, ...] = ("E", "px", "py", "pz", "x", "y", "z", "channel", "weight")
_CHI_COLUMNS = tuple(f"chi{i}_{c}" for i in (1, 2) for c in ("E", "px", "py", "pz"))
_MESON = {"pi0": "pi0", "eta": "eta", "pi0_3body": "pi0", "eta_3body": "eta"}


def _check_epsilon(epsilon: float) -> float:
    e = float(epsilon)
    if not (math.isfinite(e) and 0.0 < e <= 1.0):
        raise ValueError(f"epsilon must be finite and in (0, 1], got {epsilon!r}")
    return e


def _check_mass(mass: float) -> float:
    m = float(mass)
    if not (math.isfinite(m) and m > 0.0):
        raise ValueError(f"mass must be finite and > 0 GeV, got {mass!r}")
    return m


def _cascade_function():
    try:
        from nuportal.sources.target.cascade import cascade_dark_photons
    except ImportError:
        return None
    return cascade_dark_photons


def _closed_reason(
    channel: str, beam: BeamTarget, mass: float, chi: DarkSector | None, brem_options: dict
) -> str | None:
    """Why ``channel`` cannot contribute (None if it is open)."""
    if channel in ("pi0", "eta"):
        m_p = constants.mass(channel)
        if mass >= m_p:
            return (
                f"channel {channel} is closed: {channel} -> gamma A' needs mass < m_{channel} = "
                f"{m_p:.5g} GeV, got mass = {mass:g} GeV"
            )
    elif channel in ("pi0_3body", "eta_3body"):
        if chi is None:
            return f"channel {channel} needs a dark sector (chi = DarkSector(m_chi, alpha_D, spin))"
        m_p = constants.mass(_MESON[channel])
        if 2.0 * chi.m_chi >= m_p:
            return (
                f"channel {channel} is closed: needs 2 m_chi < m_{_MESON[channel]} = "
                f"{m_p:.5g} GeV, got m_chi = {chi.m_chi:g} GeV"
            )
    elif channel == "proton_brem":
        try:
            check_brem_validity(beam.proton_energy, mass, **brem_options)
        except ValueError as exc:
            return f"channel proton_brem is outside its validity range: {exc}"
    elif channel == "cascade" and _cascade_function() is None:
        return "channel cascade is not available (nuportal.sources.target.cascade is missing)"
    return None


def open_channels(
    beam: BeamTarget | str,
    mass: float,
    chi: DarkSector | None = None,
    brem_options: dict | None = None,
) -> tuple[str, ...]:
    """The default channel list: every channel open at this mass (see the module docstring).

    With ``chi`` the three-body channels replace ``pi0`` and ``eta``.
    """
    beam = get_beam(beam)
    mass = _check_mass(mass)
    names = ("pi0_3body", "eta_3body") if chi is not None else ("pi0", "eta")
    names = (*names, "proton_brem", "cascade")
    opts = dict(brem_options or {})
    return tuple(c for c in names if _closed_reason(c, beam, mass, chi, opts) is None)


def _frame(momenta, positions, channel, weights) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "E": momenta[:, 0],
            "px": momenta[:, 1],
            "py": momenta[:, 2],
            "pz": momenta[:, 3],
            "x": positions[:, 0],
            "y": positions[:, 1],
            "z": positions[:, 2],
            "channel": channel,
            "weight": weights,
        }
    )


def _meson_channel(beam, channel, mass, epsilon, n, rng) -> pd.DataFrame:
    from nuportal.sources.target import sample_mesons

    mesons = sample_mesons(beam, channel, n=n, seed=rng)
    dark, br_over_eps2, _ = dark_photons_from_mesons(mesons.momenta, channel, mass, rng)
    return _frame(dark, mesons.positions, channel, mesons.weights * br_over_eps2 * epsilon**2)


def _brem_channel(beam, mass, epsilon, n, rng, brem_options) -> pd.DataFrame:
    sample = sample_proton_brem(beam.proton_energy, mass, n, rng, epsilon=epsilon, **brem_options)
    points = beam.sample_interaction_points(n, rng)
    return _frame(
        sample.momenta, points, "proton_brem", sample.weights * beam.interaction_probability
    )


def _sample_cos(n: int, s: NDArray[np.float64], sector: DarkSector, rng) -> NDArray[np.float64]:
    """cos(theta*) from :func:`chi_angular_density` by vectorized rejection."""
    out = np.empty(n)
    todo = np.arange(n)
    a = 4.0 * sector.m_chi**2 / s
    bound = np.where(
        sector.spin == "scalar", 0.75, np.maximum(2.0, 1.0 + a) / (8.0 / 3.0 + 4.0 * a / 3.0)
    )
    while todo.size:
        c = rng.uniform(-1.0, 1.0, todo.size)
        dens = np.asarray(chi_angular_density(c, s[todo], sector.m_chi, sector.spin))
        keep = rng.random(todo.size) * bound[todo] <= dens
        out[todo[keep]] = c[keep]
        todo = todo[~keep]
    return out


def _three_body_channel(beam, channel, mass, epsilon, sector, n, rng) -> pd.DataFrame:
    from nuportal.sources.target import sample_mesons

    meson = _MESON[channel]
    m_p = constants.mass(meson)
    mesons = sample_mesons(beam, meson, n=n, seed=rng)
    s_lo, s_hi = 4.0 * sector.m_chi**2, m_p**2
    mg = mass * float(width_dark_photon_total(mass, epsilon, sector))
    # s from the Breit-Wigner proposal: phi uniform, s = M^2 + M Gamma tan(phi); weight dBr/dphi
    phi_lo, phi_hi = math.atan((s_lo - mass**2) / mg), math.atan((s_hi - mass**2) / mg)
    phi = rng.uniform(phi_lo, phi_hi, n)
    s = np.clip(mass**2 + mg * np.tan(phi), s_lo * (1 + 1e-12), s_hi * (1 - 1e-12))
    dbr_dphi = np.asarray(dbr_meson_to_gamma_chi_chi_ds(meson, s, mass, epsilon, sector)) * (
        ((s - mass**2) ** 2 + mg * mg) / mg
    )
    weights = mesons.weights * dbr_dphi * (phi_hi - phi_lo)
    # P rest frame: A'* isotropic with |p| = (m_P^2 - s) / (2 m_P)
    root = np.sqrt(s)
    p_a = (m_p**2 - s) / (2.0 * m_p)
    n_hat = isotropic_directions(n, rng)
    a_rest = np.column_stack([np.sqrt(p_a**2 + s), p_a[:, None] * n_hat])
    # A'* rest frame: chi at angle theta* from the A'* flight axis n_hat
    cos_t = _sample_cos(n, s, sector, rng)
    sin_t = np.sqrt(np.clip(1.0 - cos_t**2, 0.0, None))
    az = rng.uniform(0.0, 2.0 * math.pi, n)
    p_chi = np.sqrt(np.clip(s / 4.0 - sector.m_chi**2, 0.0, None))
    local = np.column_stack([sin_t * np.cos(az), sin_t * np.sin(az), cos_t]) * p_chi[:, None]
    v = rotate_z_to(local, n_hat)
    e_chi = 0.5 * root
    chi1 = np.column_stack([e_chi, v])
    chi2 = np.column_stack([e_chi, -v])
    lab_a = boost_from_rest_frame(a_rest, mesons.momenta)
    chi1 = boost_from_rest_frame(boost_from_rest_frame(chi1, a_rest), mesons.momenta)
    chi2 = boost_from_rest_frame(boost_from_rest_frame(chi2, a_rest), mesons.momenta)
    frame = _frame(lab_a, mesons.positions, channel, weights)
    for i, p in ((1, chi1), (2, chi2)):
        for j, c in enumerate(("E", "px", "py", "pz")):
            frame[f"chi{i}_{c}"] = p[:, j]
    return frame


def target_dark_photons(
    beam: BeamTarget | str,
    mass: float,
    epsilon: float,
    *,
    channels: Sequence[str] | None = None,
    n_events: int = 100_000,
    seed: RngLike = None,
    chi: DarkSector | None = None,
    brem_options: dict | None = None,
    cascade_options: dict | None = None,
) -> pd.DataFrame:
    """Weighted A' (or chi pairs) from protons on a target, one row per A', by channel.

    Parameters
    ----------
    beam : str or BeamTarget
        ``"lbnf"``, ``"numi"``, ``"bnb"`` or a :class:`BeamTarget`.
    mass : float
        A' mass M [GeV], > 0.
    epsilon : float
        Kinetic mixing, in (0, 1].
    channels : sequence of str, optional
        Subset of :data:`DARK_PHOTON_CHANNELS`; default :func:`open_channels` (all channels open
        at this mass). A channel requested explicitly but closed (M above the meson mass, brem
        outside its validity, no dark sector for a three-body channel) raises ValueError.
    n_events : int
        Rows drawn per channel (>= 1; the cascade channel passes it as ``n_mesons``).
    seed : numpy.random.Generator, int or None
        Random seed (same seed, same output).
    chi : DarkSector, optional
        Dark sector for the three-body channels.
    brem_options : dict, optional
        ``z_range`` and ``pt_max`` [GeV] of :func:`.proton_bremsstrahlung.sample_proton_brem`.
    cascade_options : dict, optional
        Extra keyword arguments of the cascade channel (e.g. ``processes``).

    Returns
    -------
    pandas.DataFrame
        Columns E, px, py, pz [GeV], x, y, z [m], channel, weight [A' per POT] (+ chi1_*,
        chi2_* [GeV] for three-body rows, NaN elsewhere); ``attrs["metadata"]`` holds the run
        settings and the yields per channel.
    """
    beam = get_beam(beam)
    mass = _check_mass(mass)
    epsilon = _check_epsilon(epsilon)
    n = int(n_events)
    if n < 1:
        raise ValueError(f"n_events must be >= 1, got {n_events!r}")
    if chi is not None and not isinstance(chi, DarkSector):
        raise ValueError(f"chi must be a DarkSector or None, got {chi!r}")
    brem_options = dict(brem_options or {})
    unknown = set(brem_options) - {"z_range", "pt_max"}
    if unknown:
        raise ValueError(f"brem_options accepts z_range and pt_max, got {sorted(unknown)}")
    if channels is None:
        chosen = open_channels(beam, mass, chi, brem_options)
    else:
        chosen = tuple(dict.fromkeys(channels))
        for c in chosen:
            if c not in DARK_PHOTON_CHANNELS:
                raise ValueError(f"channel must be one of {DARK_PHOTON_CHANNELS}, got {c!r}")
            reason = _closed_reason(c, beam, mass, chi, brem_options)
            if reason is not None:
                raise ValueError(reason)
    root = np.random.SeedSequence(as_rng(seed).integers(2**63))
    streams = dict(zip(chosen, root.spawn(len(chosen)), strict=True))
    frames = []
    for c in chosen:
        rng = np.random.default_rng(streams[c])
        if c in ("pi0", "eta"):
            frames.append(_meson_channel(beam, c, mass, epsilon, n, rng))
        elif c == "proton_brem":
            frames.append(_brem_channel(beam, mass, epsilon, n, rng, brem_options))
        elif c == "cascade":
            cascade = _cascade_function()
            out = cascade(
                beam,
                mass,
                epsilon,
                n_mesons=n,
                seed=int(rng.integers(2**31)),
                **(cascade_options or {}),
            )
            frames.append(out[[*COLUMNS]].reset_index(drop=True))
        else:
            frames.append(_three_body_channel(beam, c, mass, epsilon, chi, n, rng))
    table = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame({c: pd.Series(dtype=float) for c in COLUMNS})
    )
    table["channel"] = table["channel"].astype(str)
    yields = {str(k): float(v) for k, v in table.groupby("channel")["weight"].sum().items()}
    table.attrs["metadata"] = {
        "kind": "target_dark_photons",
        "beam": beam.name,
        "proton_energy_GeV": beam.proton_energy,
        "material": beam.material,
        "target_length_m": beam.length,
        "dark_photon_mass_GeV": mass,
        "epsilon": epsilon,
        "channels": list(chosen),
        "n_events_per_channel": n,
        "yields_per_pot": yields,
        "dark_sector": None
        if chi is None
        else {"m_chi_GeV": chi.m_chi, "alpha_D": chi.alpha_D, "spin": chi.spin},
        "weight_normalization": "weight = A' (or chi pairs) per proton on target at epsilon",
    }
    return table


def dark_photon_yields(
    beam: BeamTarget | str,
    masses: Sequence[float],
    *,
    channels: Sequence[str] | None = None,
    chi: DarkSector | None = None,
    epsilon: float = 1e-3,
    brem_options: dict | None = None,
    n_events: int = 20_000,
    seed: RngLike = None,
) -> pd.DataFrame:
    """A' yield per POT per eps^2 by channel for a list of masses (closed channels omitted).

    Meson channels are exact (meson yield x Br), proton brem and the three-body channels are
    quadratures; only the cascade channel is a Monte Carlo run (``n_events``, ``seed``).

    Parameters
    ----------
    beam : str or BeamTarget
    masses : sequence of float
        A' masses [GeV].
    channels : sequence of str, optional
        Default: the open channels at each mass (:func:`open_channels`).
    chi : DarkSector, optional
        For the three-body channels (their yields then count chi pairs).
    epsilon : float
        Mixing used for the A' width in the three-body channels and the cascade run; the
        yields are divided by eps^2.
    brem_options : dict, optional
        ``z_range``, ``pt_max`` of proton bremsstrahlung.
    n_events, seed
        Cascade channel only.

    Returns
    -------
    pandas.DataFrame
        Columns ``mass_GeV``, ``channel``, ``per_pot_per_eps2``.
    """
    from nuportal.models.dark_photon import br_meson_to_gamma_dark_photon
    from nuportal.models.light_dark_matter import br_meson_to_gamma_chi_chi
    from nuportal.sources.target import meson_yields
    from nuportal.sources.target.proton_bremsstrahlung import proton_brem_yield

    beam = get_beam(beam)
    epsilon = _check_epsilon(epsilon)
    opts = dict(brem_options or {})
    mesons = meson_yields(beam)
    rows = []
    for mass in masses:
        mass = _check_mass(mass)
        wanted = open_channels(beam, mass, chi, opts) if channels is None else tuple(channels)
        for c in wanted:
            if c not in DARK_PHOTON_CHANNELS:
                raise ValueError(f"channel must be one of {DARK_PHOTON_CHANNELS}, got {c!r}")
            if _closed_reason(c, beam, mass, chi, opts) is not None:
                continue
            if c in ("pi0", "eta"):
                rows.append((mass, c, mesons[c] * br_meson_to_gamma_dark_photon(c, mass)))
            elif c == "proton_brem":
                value = beam.interaction_probability * proton_brem_yield(
                    beam.proton_energy, mass, **opts
                )
                rows.append((mass, c, value))
            elif c in ("pi0_3body", "eta_3body"):
                br = br_meson_to_gamma_chi_chi(_MESON[c], mass, epsilon, chi)
                rows.append((mass, c, mesons[_MESON[c]] * br / epsilon**2))
            else:
                out = target_dark_photons(
                    beam, mass, epsilon, channels=("cascade",), n_events=n_events, seed=seed
                )
                for name, value in out.groupby("channel")["weight"].sum().items():
                    rows.append((mass, str(name), float(value) / epsilon**2))
    return pd.DataFrame(rows, columns=["mass_GeV", "channel", "per_pot_per_eps2"])


def chi_pairs(
    dark_photon_df: pd.DataFrame,
    sector: DarkSector,
    seed: RngLike = None,
    *,
    mass: float | None = None,
    epsilon: float | None = None,
) -> pd.DataFrame:
    """Dark matter particles from an A' list: two rows (the chi pair) per A'.

    On-shell A' rows decay isotropically in the A' rest frame; each chi carries the A' weight x
    Br(A' -> chi chi) (so the chi flux counts both chi). Three-body rows (chi1_*/chi2_* columns
    set) keep their chi and weights.

    Parameters
    ----------
    dark_photon_df : pandas.DataFrame
        Output of :func:`target_dark_photons` (columns E, px, py, pz, x, y, z, channel, weight).
    sector : DarkSector
        chi mass, alpha_D and spin.
    seed : numpy.random.Generator, int or None
        Random seed.
    mass, epsilon : float, optional
        A' mass [GeV] and mixing; default from ``dark_photon_df.attrs["metadata"]``.

    Returns
    -------
    pandas.DataFrame
        Columns E, px, py, pz [GeV], x, y, z [m], channel, weight [chi per POT], parent (row
        index of the A' in ``dark_photon_df``).
    """
    if not isinstance(sector, DarkSector):
        raise ValueError(f"sector must be a DarkSector, got {sector!r}")
    meta = dark_photon_df.attrs.get("metadata", {})
    mass = _check_mass(meta.get("dark_photon_mass_GeV") if mass is None else mass)
    epsilon = _check_epsilon(meta.get("epsilon") if epsilon is None else epsilon)
    missing = [c for c in COLUMNS if c not in dark_photon_df]
    if missing:
        raise ValueError(f"dark_photon_df lacks the columns {missing}")
    rng = as_rng(seed)
    three = (
        dark_photon_df["chi1_E"].notna().to_numpy()
        if "chi1_E" in dark_photon_df
        else np.zeros(len(dark_photon_df), bool)
    )
    parts = []
    on = dark_photon_df.loc[~three]
    if len(on):
        if 2.0 * sector.m_chi >= mass:
            raise ValueError(
                f"A' -> chi chi is closed for an on-shell A': need 2 m_chi < mass = {mass:g} GeV, "
                f"got m_chi = {sector.m_chi:g} GeV (only the *_3body rows make chi then: select "
                "them before calling chi_pairs)"
            )
        p = on[["E", "px", "py", "pz"]].to_numpy()
        br = float(br_dark_photon_to_chi(mass, epsilon, sector))
        k = len(on)
        p_star = math.sqrt(mass**2 / 4.0 - sector.m_chi**2)
        d = isotropic_directions(k, rng) * p_star
        e = np.full(k, 0.5 * mass)
        c1 = boost_from_rest_frame(np.column_stack([e, d]), p)
        c2 = boost_from_rest_frame(np.column_stack([e, -d]), p)
        pos = on[["x", "y", "z"]].to_numpy()
        for c in (c1, c2):
            f = _frame(c, pos, on["channel"].to_numpy(), on["weight"].to_numpy() * br)
            f["parent"] = on.index.to_numpy()
            parts.append(f)
    th = dark_photon_df.loc[three]
    if len(th):
        pos = th[["x", "y", "z"]].to_numpy()
        for i in (1, 2):
            c = th[[f"chi{i}_{x}" for x in ("E", "px", "py", "pz")]].to_numpy()
            f = _frame(c, pos, th["channel"].to_numpy(), th["weight"].to_numpy())
            f["parent"] = th.index.to_numpy()
            parts.append(f)
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in (*COLUMNS, "parent")})
    out = pd.concat(parts, ignore_index=True)
    out.attrs["metadata"] = {
        **meta,
        "kind": "target_chi",
        "dark_sector": {"m_chi_GeV": sector.m_chi, "alpha_D": sector.alpha_D, "spin": sector.spin},
        "weight_normalization": "weight = chi per proton on target (two rows per A')",
    }
    return out
