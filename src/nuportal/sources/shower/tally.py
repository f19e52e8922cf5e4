"""What a shower run keeps: per-shower energy ledger, depth profile, track lengths.

:class:`ShowerTally` consumes the transport's :class:`~nuportal.sources.shower.transport.Segments`
as they come, so nothing per step is stored: memory stays flat however many showers run.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from nuportal.sources.shower.processes import Species
from nuportal.sources.shower.qed_constants import M_E
from nuportal.sources.shower.transport import Segments

__all__ = ["ShowerTally"]


class ShowerTally:
    """Accumulates the observables of ``n_showers`` showers.

    Parameters
    ----------
    n_showers : int
        Number of showers (segments carry shower indices 0 .. n_showers - 1).
    radiation_length : float
        X0 of the target [cm], the unit of the depth profile.
    depth_edges : numpy.ndarray
        Bin edges of the longitudinal profile in units of X0.
    energy_edges : numpy.ndarray
        Bin edges [GeV] of the track-length spectra, in kinetic energy for e+- and energy for
        photons.

    Attributes
    ----------
    deposited, below_cut, escaping : numpy.ndarray
        Per shower: energy lost continuously along tracks, ledger energy of particles stopped
        below the cuts, ledger energy leaving the target [GeV].
    charged_track_length, residual_track_length : numpy.ndarray
        Per shower: summed e+- step lengths above the cut, and the CSDA ranges of the e+- left
        below the cut [cm].
    profile : numpy.ndarray, shape (n_showers, n_depth_bins)
        Energy deposited (continuous + below cut) per depth bin [GeV].
    track_length_spectrum : numpy.ndarray, shape (3, n_energy_bins)
        Summed track length [cm] per energy bin for photons, electrons and positrons.
    """

    def __init__(
        self,
        n_showers: int,
        radiation_length: float,
        depth_edges: NDArray[np.float64],
        energy_edges: NDArray[np.float64],
    ) -> None:
        self.n_showers = n_showers
        self.radiation_length = radiation_length
        self.depth_edges = np.asarray(depth_edges, dtype=float)
        self.energy_edges = np.asarray(energy_edges, dtype=float)
        self.deposited = np.zeros(n_showers)
        self.below_cut = np.zeros(n_showers)
        self.escaping = np.zeros(n_showers)
        self.charged_track_length = np.zeros(n_showers)
        self.residual_track_length = np.zeros(n_showers)
        self.n_segments = 0
        n_depth = len(self.depth_edges) - 1
        self.profile = np.zeros((n_showers, n_depth))
        self.track_length_spectrum = np.zeros((3, len(self.energy_edges) - 1))

    def __call__(self, segments: Segments) -> None:
        """Add one batch of segments."""
        shower = segments.shower
        n = self.n_showers
        self.n_segments += len(segments)
        self.deposited += np.bincount(shower, segments.continuous_deposit, minlength=n)
        self.below_cut += np.bincount(shower, segments.local_deposit, minlength=n)
        self.escaping += np.bincount(shower, segments.escaping, minlength=n)
        charged = segments.species != Species.PHOTON
        self.charged_track_length += np.bincount(
            shower, np.where(charged, segments.length, 0.0), minlength=n
        )
        self.residual_track_length += np.bincount(shower, segments.local_track_length, minlength=n)
        # depth profile: continuous loss at the step's midpoint, local deposits at its end
        z_start = segments.position_start[:, 2]
        z_end = z_start + segments.length * segments.direction[:, 2]
        self._fill_profile(shower, 0.5 * (z_start + z_end), segments.continuous_deposit)
        self._fill_profile(shower, z_end, segments.local_deposit)
        # track-length spectra at the step's mean (kinetic) energy
        mean_energy = 0.5 * (segments.energy_start + segments.energy_end)
        mean_energy = np.where(charged, mean_energy - M_E, mean_energy)
        for sp in Species:
            rows = segments.species == sp
            if np.any(rows):
                self.track_length_spectrum[sp] += np.histogram(
                    mean_energy[rows], self.energy_edges, weights=segments.length[rows]
                )[0]

    def _fill_profile(
        self, shower: NDArray[np.int64], z: NDArray[np.float64], energy: NDArray[np.float64]
    ) -> None:
        nonzero = energy != 0.0
        depth = z[nonzero] / self.radiation_length
        bins = np.searchsorted(self.depth_edges, depth, side="right") - 1
        bins = np.clip(bins, 0, self.profile.shape[1] - 1)
        flat = shower[nonzero] * self.profile.shape[1] + bins
        self.profile += np.bincount(flat, energy[nonzero], minlength=self.profile.size).reshape(
            self.profile.shape
        )
