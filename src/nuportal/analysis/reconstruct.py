"""Apply a detector response to an event table: smeared (reconstructed) momenta and selection.

The response of the reference KDAR recast (Kelly & Machado, arXiv:2106.06548, and its
public code) is the default: each charged lepton's direction smeared by a Gaussian angle of
3 degrees with a random azimuth, energies as true, a 10 MeV threshold per lepton and an opening
angle above 10 degrees.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nuportal.analysis.response import smear_direction, smear_energy
from nuportal.analysis.selection import Selection, energy_thresholds, opening_angle
from nuportal.kinematics import cos_angle

__all__ = ["DetectorResponse", "reconstruct"]

_COMPONENTS = ("E", "px", "py", "pz")


@dataclass(frozen=True)
class DetectorResponse:
    """Resolution, thresholds and pair selection for two visible charged leptons.

    Attributes
    ----------
    angular_resolution_deg : float
        Gaussian angular smearing sigma [degrees] of each lepton direction.
    energy_resolution : float or (float, float)
        Relative energy resolution a/sqrt(E) (+) b (0: energies as true).
    threshold_GeV : float
        Energy threshold [GeV] for each lepton to be seen.
    min_opening_angle_deg : float
        Minimum opening angle of the pair [degrees].
    reject_back_to_back : bool
        Use the reference implementation's |cos theta_ee| < cos(min angle), which also rejects
        pairs within that angle of back to back.
    """

    angular_resolution_deg: float = 3.0
    energy_resolution: float | tuple[float, float] = 0.0
    threshold_GeV: float = 0.010
    min_opening_angle_deg: float = 10.0
    reject_back_to_back: bool = False

    def selection(self, leptons: tuple[str, str]) -> Selection:
        """The selection as a composable :class:`~nuportal.analysis.selection.Selection`."""
        return energy_thresholds(
            {leptons[0]: self.threshold_GeV, leptons[1]: self.threshold_GeV}
        ) & (
            opening_angle(
                leptons[0],
                leptons[1],
                self.min_opening_angle_deg,
                reject_back_to_back=self.reject_back_to_back,
            )
        )


def reconstruct(
    events: pd.DataFrame | Mapping[str, np.ndarray],
    response: DetectorResponse,
    rng: np.random.Generator,
    leptons: tuple[str, str] = ("e_minus", "e_plus"),
) -> pd.DataFrame | dict[str, np.ndarray]:
    """Add reconstructed lepton momenta, reconstructed angles and the ``selected`` flag.

    Parameters
    ----------
    events : pandas.DataFrame or mapping of column name to array
        Events with true ``<lepton>_E, _px, _py, _pz`` columns [GeV].
    response : DetectorResponse
    rng : numpy.random.Generator
    leptons : (str, str)
        Column stems of the two visible leptons.

    Returns
    -------
    pandas.DataFrame or dict
        A copy of the same kind with ``<lepton>_E_reco ...``, ``opening_angle_deg_reco``,
        ``cos_opening_reco``, ``angle_to_beam_deg_reco`` (when parent columns exist) and
        ``selected``.
    """
    columns = dict(events.items()) if isinstance(events, pd.DataFrame) else dict(events)
    columns = {k: np.asarray(v) for k, v in columns.items()}
    reco = {}
    for name in leptons:
        p4 = np.column_stack([columns[f"{name}_{c}"] for c in _COMPONENTS])
        p4 = smear_direction(p4, np.radians(response.angular_resolution_deg), rng)
        if response.energy_resolution:
            p4 = smear_energy(p4, response.energy_resolution, rng)
        reco[name] = p4
        for i, c in enumerate(_COMPONENTS):
            columns[f"{name}_{c}_reco"] = p4[:, i]
    c = cos_angle(reco[leptons[0]], reco[leptons[1]])
    columns["cos_opening_reco"] = c
    columns["opening_angle_deg_reco"] = np.degrees(np.arccos(c))
    if "parent_px" in columns:
        parent = np.column_stack([columns["parent_px"], columns["parent_py"], columns["parent_pz"]])
        pair = reco[leptons[0]][:, 1:] + reco[leptons[1]][:, 1:]
        columns["angle_to_beam_deg_reco"] = np.degrees(np.arccos(cos_angle(pair, parent)))
    columns["selected"] = np.asarray(response.selection(leptons).mask(columns), dtype=bool)
    return pd.DataFrame(columns) if isinstance(events, pd.DataFrame) else columns
