"""Light-dark-matter signal at ND-LAr: chi from the LBNF target scattering on electrons.

Chain (one weighted Monte Carlo, vectorized):

1. A' (or off-shell A'* -> chi chi) per POT from every open channel of the proton target
   (:func:`nuportal.sources.target.dark_photons.target_dark_photons`: pi0/eta three-body decays,
   proton bremsstrahlung, the target's EM cascade) and their chi
   (:func:`~nuportal.sources.target.dark_photons.chi_pairs`);
2. each chi's straight path through the fiducial volume at every off-axis position
   (:meth:`NDLArGeometry.fiducial_box`);
3. ``recoils_per_chi`` electron recoils per crossing chi, T drawn log-uniformly in
   [T_low, T_max(E)] with the importance weight
   n_e L dsigma/dT(E, T) T ln(T_max / T_low) / recoils_per_chi
   (dsigma/dT of :mod:`nuportal.models.dark_matter_scattering`), so that the sum of weights is
   the expected number of scatters per POT; the electron angle follows from the two-body
   kinematics, with a uniform azimuth about the chi direction;
4. the single-electron response and cuts of :class:`ElectronSelection`.

Scaling: at fixed masses and alpha_D the signal is proportional to epsilon^4 (epsilon^2 in
production, epsilon^2 in the scattering; Br(A' -> chi chi) = 1 to O(epsilon^2 alpha/alpha_D)),
i.e. to y^2 with y = epsilon^2 alpha_D (m_chi/m_A')^4: :meth:`LDMSignal.scaled` rescales a signal
computed once per mass.

Units: GeV, metres; signal histograms in events per POT.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from nuportal import constants
from nuportal._validation import RngLike, as_rng
from nuportal.inference.light_dark_matter.selection import (
    ElectronSelection,
    MiniBooNEGeometry,
    NDLArGeometry,
)
from nuportal.kinematics import rotate_z_to, unit_vectors
from nuportal.models.dark_matter_scattering import (
    chi_electron_dsigma_dT,
    chi_electron_max_recoil,
    electron_recoil_cos_angle,
)
from nuportal.models.light_dark_matter import DarkSector, y_variable

__all__ = ["DEFAULT_POSITIONS", "LDMSignal", "ldm_signal"]

#: Default ND-LAr positions [m off axis]: on axis and three DUNE-PRISM positions.
DEFAULT_POSITIONS: tuple[float, ...] = (0.0, 10.0, 20.0, 30.0)


@dataclass(frozen=True)
class LDMSignal:
    """Signal histograms per ND-LAr position at the reference coupling.

    Attributes
    ----------
    m_chi, m_dark_photon, alpha_D, epsilon : float
        Model point [GeV, GeV, -, -] the histograms were computed at.
    spin : str
        "scalar" or "dirac".
    positions : tuple of float
        Off-axis positions [m].
    histograms : dict
        Position -> selected events per POT in each reconstructed E_e bin.
    by_channel : pandas.DataFrame
        Selected events per POT by (position, channel), and chi crossing the fiducial volume per
        POT.
    events : pandas.DataFrame
        The weighted recoil electrons (position, channel, E_e, theta_e [rad], E_reco, theta_reco,
        selected, weight per POT), for distributions.
    """

    m_chi: float
    m_dark_photon: float
    alpha_D: float
    epsilon: float
    spin: str
    positions: tuple[float, ...]
    histograms: dict[float, NDArray[np.float64]]
    by_channel: pd.DataFrame
    events: pd.DataFrame = field(repr=False)

    @property
    def y(self) -> float:
        """y = epsilon^2 alpha_D (m_chi / m_A')^4 of the reference point."""
        return float(y_variable(self.m_dark_photon, self.epsilon, self.m_chi, self.alpha_D))

    def scale(self, y: float) -> float:
        """Factor turning reference-point counts into counts at ``y`` (same masses, alpha_D)."""
        if not (math.isfinite(y) and y >= 0):
            raise ValueError(f"y must be finite and >= 0, got {y!r}")
        return (y / self.y) ** 2


def _check_positions(positions: Sequence[float]) -> tuple[float, ...]:
    out = tuple(float(p) for p in positions)
    if not out or any(not (math.isfinite(p) and 0 <= p <= 33.0) for p in out):
        raise ValueError(f"positions must be off-axis distances in [0, 33] m, got {positions!r}")
    return out


def _recoils(
    chi: pd.DataFrame,
    path: NDArray[np.float64],
    sector: DarkSector,
    m_dark_photon: float,
    epsilon: float,
    k: int,
    T_low: float,
    rng: np.random.Generator,
    electron_density: float,
):
    """Importance-sampled recoil electrons of the chi rows (all crossing the volume)."""
    E = np.repeat(chi["E"].to_numpy(float), k)
    w_chi = np.repeat(chi["weight"].to_numpy(float) * path, k)
    tmax = chi_electron_max_recoil(E, sector.m_chi)
    ok = tmax > T_low
    E, w_chi, tmax = E[ok], w_chi[ok], tmax[ok]
    idx = np.repeat(np.arange(len(chi)), k)[ok]
    span = np.log(tmax / T_low)
    T = T_low * np.exp(rng.random(E.size) * span)
    dsig_cm2 = chi_electron_dsigma_dT(
        E, T, sector.m_chi, m_dark_photon, epsilon, sector.alpha_D, sector.spin
    )
    # n_e [m^-3] x L [m] x sigma [cm^2 -> m^2]
    weight = w_chi * electron_density * dsig_cm2 * 1e-4 * T * span / k
    cos_t = electron_recoil_cos_angle(E, T, sector.m_chi)
    phi = rng.random(E.size) * 2 * math.pi
    p_e = np.sqrt(T * (T + 2 * constants.M_ELECTRON))
    local = unit_vectors(cos_t, phi) * p_e[:, None]
    chi_dir = chi[["px", "py", "pz"]].to_numpy(float)[idx]
    direction = rotate_z_to(local, chi_dir)
    return idx, T, np.arccos(np.clip(cos_t, -1, 1)), direction, weight


def ldm_signal(
    m_chi: float,
    m_dark_photon: float,
    *,
    alpha_D: float = 0.5,
    epsilon: float = 1e-4,
    spin: str = "scalar",
    beam: str = "lbnf",
    positions: Sequence[float] = DEFAULT_POSITIONS,
    channels: Sequence[str] | None = None,
    n_events: int = 50_000,
    recoils_per_chi: int = 4,
    selection: ElectronSelection | None = None,
    geometry: NDLArGeometry | MiniBooNEGeometry | None = None,
    seed: RngLike = 1,
) -> LDMSignal:
    """chi e -> chi e events at ND-LAr positions, per POT, at one model point.

    Parameters
    ----------
    m_chi, m_dark_photon : float
        chi and A' masses [GeV].
    alpha_D, epsilon : float
        Dark coupling and kinetic mixing of the reference point (results scale as epsilon^4).
    spin : {"scalar", "dirac"}
        chi spin.
    beam : str
        Proton beam and target of :func:`nuportal.sources.target.get_beam` ("lbnf").
    positions : sequence of float
        ND-LAr off-axis positions [m], each in [0, 33].
    channels : sequence of str, optional
        Production channels (default: every open one, see
        :func:`nuportal.sources.target.dark_photons.open_channels`).
    n_events : int
        A' drawn per channel.
    recoils_per_chi : int
        Recoil electrons drawn per chi crossing the detector.
    selection : ElectronSelection, optional
        Response and cuts (defaults of :class:`ElectronSelection`).
    geometry : NDLArGeometry or MiniBooNEGeometry, optional
        Detector geometry and electron density (default ND-LAr).
    seed : int, numpy.random.Generator or None
        Random seed.
    """
    from nuportal.sources.target.dark_photons import chi_pairs, target_dark_photons

    sector = DarkSector(m_chi, alpha_D, spin)
    pos = _check_positions(positions)
    if int(recoils_per_chi) < 1:
        raise ValueError(f"recoils_per_chi must be >= 1, got {recoils_per_chi!r}")
    sel = selection or ElectronSelection()
    geo = geometry or NDLArGeometry()
    rng = as_rng(seed)
    aprime = target_dark_photons(
        beam, m_dark_photon, epsilon, channels=channels, n_events=n_events, seed=rng, chi=sector
    )
    chi = chi_pairs(aprime, sector, rng, mass=m_dark_photon, epsilon=epsilon).reset_index(
        drop=True
    )
    origins = chi[["x", "y", "z"]].to_numpy(float)
    dirs = chi[["px", "py", "pz"]].to_numpy(float)
    # lowest true recoil worth simulating: well below the reconstructed threshold
    T_low = max(0.5 * (sel.edges[0] - constants.M_ELECTRON), 1e-3)
    histograms: dict[float, NDArray[np.float64]] = {}
    rows, tables = [], []
    for x in pos:
        L = geo.fiducial_volume(x).path_length(origins, dirs)
        hit = L > 0
        crossing = chi.loc[hit]
        idx, T, theta_true, direction, w = _recoils(
            crossing, L[hit], sector, m_dark_photon, epsilon, int(recoils_per_chi), T_low, rng,
            geo.electron_density,
        )
        E_e = T + constants.M_ELECTRON
        E_reco, theta = sel.reconstruct(E_e, direction, geo.reference_direction(x), rng)
        selected = sel.passes(E_reco, theta)
        histograms[x] = sel.histogram(E_reco[selected], w[selected])
        channel = crossing["channel"].to_numpy()[idx]
        ev = pd.DataFrame(
            {
                "position_m": x,
                "channel": channel,
                "E_e": E_e,
                "theta_e": theta_true,
                "E_reco": E_reco,
                "theta_reco": theta,
                "selected": selected,
                "weight": w * sel.efficiency,
            }
        )
        tables.append(ev)
        per_channel_chi = crossing.groupby("channel")["weight"].sum()
        for ch, g in ev.groupby("channel"):
            rows.append(
                {
                    "position_m": x,
                    "channel": ch,
                    "chi_crossing_per_pot": float(per_channel_chi.get(ch, 0.0)),
                    "scatters_per_pot": float(g["weight"].sum()),
                    "selected_per_pot": float(g.loc[g["selected"], "weight"].sum()),
                }
            )
    return LDMSignal(
        m_chi=sector.m_chi,
        m_dark_photon=float(m_dark_photon),
        alpha_D=sector.alpha_D,
        epsilon=float(epsilon),
        spin=sector.spin,
        positions=pos,
        histograms=histograms,
        by_channel=pd.DataFrame(rows),
        events=pd.concat(tables, ignore_index=True),
    )
