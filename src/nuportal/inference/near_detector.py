"""3+1 oscillation signatures at near detectors: flux x probability, binned, and ratios.

Stages, each visible as one function:

1. flux      :func:`nuportal.sources.fluxes.detector_flux` (tables in nu / cm^2 / POT / GeV);
2. baseline  :func:`decay_distance_nodes`: the nominal baseline, or the parent-decay-to-detector
             distance averaged over the beam's decay region;
3. probability  :func:`nuportal.models.sterile.sin2_phase_bin_average` (short-baseline 3+1,
             [GL] in :mod:`nuportal.models.sterile`), averaged analytically over fine energy
             sub-bins;
4. binning   :func:`oscillated_spectrum`: integrate flux x P over analysis bins, return the
             unoscillated and oscillated spectra and their ratio.

Units: E in GeV, baselines in metres at the interface (the probability functions take km), flux
integrals in nu / cm^2 / POT per bin.

Channels (sin^2 2theta is the effective amplitude of the channel):

* ``"numu_disappearance"``: Phi_mu -> Phi_mu (1 - s sin^2 Delta);
* ``"nue_disappearance"``: Phi_e -> Phi_e (1 - s sin^2 Delta);
* ``"numu_to_nue"``: the nu_e spectrum, Phi_e -> Phi_e + Phi_mu s sin^2 Delta (intrinsic nu_e
  unoscillated unless ``sin2_2theta_ee`` is given, then Phi_e (1 - s_ee sin^2 Delta));
* the same with ``"bar"`` (``"numubar_disappearance"``, ...) for antineutrino columns.

Baseline model. With ``decay_region=False`` every neutrino travels the nominal baseline L. With
``decay_region=True`` the parent decays uniformly along the decay region [z1, z2] (distances from
the target), and the flux from a decay at z is weighted by 1/(L - z)^2 (point-like detector
solid angle); P is averaged over z with Gauss-Legendre nodes. This neglects the exponential decay
of the parents and the energy dependence of where they decay: it shows the size of the
baseline-smearing effect, not a beam simulation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal.models.sterile import sin2_phase_bin_average
from nuportal.sources.fluxes import Flux, detector_flux

__all__ = [
    "CHANNELS",
    "DEFAULT_EDGES_GEV",
    "OscillatedSpectrum",
    "decay_distance_nodes",
    "oscillated_spectrum",
]

#: channel -> (flux column oscillated, flux column observed, kind)
CHANNELS: dict[str, tuple[str, str, str]] = {
    "numu_disappearance": ("numu", "numu", "disappearance"),
    "nue_disappearance": ("nue", "nue", "disappearance"),
    "numu_to_nue": ("numu", "nue", "appearance"),
    "numubar_disappearance": ("numubar", "numubar", "disappearance"),
    "nuebar_disappearance": ("nuebar", "nuebar", "disappearance"),
    "numubar_to_nuebar": ("numubar", "nuebar", "appearance"),
}

#: Default analysis bin edges [GeV] per detector (inside each table's range).
DEFAULT_EDGES_GEV: dict[str, NDArray[np.float64]] = {
    "sbnd": np.linspace(1.0, 3.0, 11),  # the shipped SBND table covers 1-3 GeV only
    "microboone": np.linspace(0.2, 3.0, 15),
    "miniboone": np.linspace(0.2, 3.0, 15),
    "dune_nd": np.linspace(0.5, 10.0, 20),
    "nova_nd": np.linspace(0.5, 5.0, 19),
}


@dataclass(frozen=True)
class OscillatedSpectrum:
    """Binned spectra at one detector for one 3+1 point (or a grid of points).

    Attributes
    ----------
    detector : str
        Detector or flux name.
    channel : str
        A key of :data:`CHANNELS`.
    E_edges_GeV : ndarray, shape (n + 1,)
        Bin edges [GeV].
    unoscillated : ndarray, shape (n,)
        Integral of the observed-flavour flux over each bin [nu / cm^2 / POT].
    oscillated : ndarray, shape ``grid + (n,)``
        The same with oscillations [nu / cm^2 / POT].
    """

    detector: str
    channel: str
    E_edges_GeV: NDArray[np.float64]
    unoscillated: NDArray[np.float64]
    oscillated: NDArray[np.float64]

    @property
    def ratio(self) -> NDArray[np.float64]:
        """Oscillated / unoscillated per bin (NaN where the unoscillated flux is zero)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.unoscillated > 0, self.oscillated / self.unoscillated, np.nan)

    @property
    def total_ratio(self) -> NDArray[np.float64] | float:
        """Ratio of the totals over all bins."""
        r = self.oscillated.sum(axis=-1) / self.unoscillated.sum()
        return float(r) if np.ndim(r) == 0 else r


def decay_distance_nodes(
    flux: Flux, *, decay_region: bool = False, n_nodes: int = 8
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Baselines [m] and normalized weights over which the probability is averaged.

    Parameters
    ----------
    flux : Flux
        Must carry ``baseline_m`` (and ``decay_region`` if ``decay_region=True``).
    decay_region : bool
        False: the nominal baseline, weight 1. True: Gauss-Legendre nodes over the parent decay
        point z in the beam's decay region, distance L - z, weight proportional to 1/(L - z)^2
        (see the module docstring).
    n_nodes : int
        Number of Gauss-Legendre nodes (>= 1).

    Returns
    -------
    distances_m, weights : ndarray
        Weights sum to 1.
    """
    if flux.baseline_m is None:
        raise ValueError(f"flux {flux.name!r} has no baseline; use a detector flux")
    L = flux.baseline_m
    if not decay_region:
        return np.array([L]), np.array([1.0])
    if flux.decay_region is None:
        raise ValueError(f"flux {flux.name!r} has no decay region")
    if int(n_nodes) < 1:
        raise ValueError(f"n_nodes must be >= 1, got {n_nodes!r}")
    x, w = np.polynomial.legendre.leggauss(int(n_nodes))
    z1, z2 = flux.decay_region.start_m, flux.decay_region.end_m
    z = 0.5 * (z2 - z1) * x + 0.5 * (z1 + z2)
    d = L - z
    ww = w / d**2
    return d, ww / ww.sum()


def _fine_edges(edges: NDArray[np.float64], table_E: NDArray[np.float64], refine: int):
    """Sub-bin edges: analysis edges and table cell boundaries, each gap split ``refine`` times."""
    cells = 0.5 * (table_E[1:] + table_E[:-1])
    inner = cells[(cells > edges[0]) & (cells < edges[-1])]
    base = np.union1d(edges, inner)
    t = np.linspace(0.0, 1.0, refine + 1)[:-1]
    fine = (base[:-1, None] + np.diff(base)[:, None] * t[None, :]).ravel()
    fine = np.append(fine, base[-1])
    owner = np.searchsorted(edges, fine[:-1], side="right") - 1
    return fine, owner


def oscillated_spectrum(
    detector: str | Flux,
    channel: str,
    sin2_2theta: ArrayLike,
    dm2_eV2: ArrayLike,
    E_edges_GeV: ArrayLike | None = None,
    *,
    sin2_2theta_ee: ArrayLike = 0.0,
    decay_region: bool = False,
    n_distance_nodes: int = 8,
    refine: int = 4,
) -> OscillatedSpectrum:
    """Unoscillated and oscillated binned spectra for a short-baseline 3+1 point.

    Each analysis bin is split at the flux table's cell boundaries and ``refine`` times more;
    on a sub-bin the flux integral uses Simpson's rule on the linearly interpolated table and
    the probability its exact flat-in-E average (:func:`sin2_phase_bin_average`), so fast
    oscillations average correctly at any dm2. The neglected flux-slope x oscillation
    correlation inside a sub-bin is second order in the sub-bin width.

    Parameters
    ----------
    detector : str or Flux
        ``"sbnd"``, ``"microboone"``, ``"miniboone"``, ``"dune_nd"``, ``"nova_nd"`` (neutrino-mode
        flux of :func:`nuportal.sources.fluxes.detector_flux`), or a :class:`Flux` with a baseline.
    channel : str
        A key of :data:`CHANNELS`.
    sin2_2theta : array_like
        Effective amplitude of the channel, in [0, 1].
    dm2_eV2 : array_like
        dm^2_41 [eV^2]; broadcast with ``sin2_2theta`` into the parameter grid.
    E_edges_GeV : array_like, optional
        Strictly increasing bin edges [GeV]; default :data:`DEFAULT_EDGES_GEV` of the detector.
    sin2_2theta_ee : array_like
        Only for appearance channels: intrinsic nu_e disappearance amplitude (default 0).
    decay_region : bool
        Average over the parent decay region (see :func:`decay_distance_nodes`).
    n_distance_nodes : int
        Gauss-Legendre nodes for that average.
    refine : int
        Sub-bins per table cell (>= 1).

    Returns
    -------
    OscillatedSpectrum
        ``oscillated`` has shape ``broadcast(sin2_2theta, dm2_eV2).shape + (n_bins,)``.
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}; known: {sorted(CHANNELS)}")
    flux = detector if isinstance(detector, Flux) else detector_flux(detector)
    name = detector if isinstance(detector, str) else flux.name
    if E_edges_GeV is None:
        key = str(name).strip().lower()
        if key not in DEFAULT_EDGES_GEV:
            raise ValueError(f"no default bins for {name!r}; give E_edges_GeV")
        E_edges_GeV = DEFAULT_EDGES_GEV[key]
    edges = np.asarray(E_edges_GeV, dtype=float)
    if edges.ndim != 1 or edges.size < 2 or np.any(~np.isfinite(edges)):
        raise ValueError("E_edges_GeV must be a 1-d array of at least two finite edges")
    if np.any(np.diff(edges) <= 0.0) or edges[0] <= 0.0:
        raise ValueError("E_edges_GeV must be > 0 and strictly increasing")
    if int(refine) < 1:
        raise ValueError(f"refine must be >= 1, got {refine!r}")
    s = np.asarray(sin2_2theta, dtype=float)
    dm2 = np.asarray(dm2_eV2, dtype=float)
    s_ee = np.asarray(sin2_2theta_ee, dtype=float)
    for arr, nm in ((s, "sin2_2theta"), (s_ee, "sin2_2theta_ee")):
        if np.any(~np.isfinite(arr)) or np.any(arr < 0.0) or np.any(arr > 1.0):
            raise ValueError(f"{nm} must lie in [0, 1], got {arr!r}")

    # stage 1: flux on fine sub-bins (Simpson on the linear interpolation)
    source_col, observed_col, kind = CHANNELS[channel]
    fine, owner = _fine_edges(edges, flux.E_GeV, int(refine))
    lo, hi = fine[:-1], fine[1:]
    mid = 0.5 * (lo + hi)

    def integral(col: str) -> NDArray[np.float64]:
        f = flux.interpolate
        return (hi - lo) * (f(lo, col) + 4.0 * f(mid, col) + f(hi, col)) / 6.0

    phi_src = integral(source_col)
    phi_obs = integral(observed_col)

    # stage 2: baselines; stage 3: <sin^2 Delta> per sub-bin, averaged over baselines
    dist_m, wdist = decay_distance_nodes(flux, decay_region=decay_region, n_nodes=n_distance_nodes)
    grid = np.broadcast_shapes(s.shape, dm2.shape, s_ee.shape)
    sin2 = sin2_phase_bin_average(
        dm2[..., None, None], dist_m[:, None] / 1000.0, lo[None, :], hi[None, :]
    )
    sin2 = np.einsum("...lk,l->...k", np.asarray(sin2), wdist)

    # stage 4: oscillated spectra, summed into analysis bins
    if kind == "disappearance":
        osc_fine = phi_obs * (1.0 - s[..., None] * sin2)
    else:
        osc_fine = phi_obs * (1.0 - s_ee[..., None] * sin2) + phi_src * s[..., None] * sin2
    osc_fine = np.broadcast_to(osc_fine, (*grid, lo.size))
    starts = np.searchsorted(owner, np.arange(edges.size - 1))  # owner is sorted, no empty bin
    unosc = np.add.reduceat(phi_obs, starts)
    osc = np.add.reduceat(osc_fine, starts, axis=-1)
    return OscillatedSpectrum(str(name), channel, edges, unosc, osc)
