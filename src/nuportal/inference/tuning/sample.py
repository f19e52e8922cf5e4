"""Near-detector event samples for tuning studies: events generated once, histogrammed, reweighted.

:func:`nd_sample` generates nu_mu charged-current events once with the built-in interaction model
(:func:`nuportal.interactions.generate.generate_interactions`: CCQE, 2p2h, resonant and
non-resonant pions, DIS) at a near detector, computes the reconstructed quantities an experiment
tunes in (:mod:`nuportal.interactions.observables`: visible hadronic energy ``q0_rec`` = E_had^vis,
``q3_rec`` = |q| reconstructed, ``enu_rec`` = E_l + E_had^vis) and scales the weights to an
exposure (events). Detector positions (channels) are weights on the same events:

* ``"nova_nd"``: NuMI FHC flux at the NOvA ND, CH2 (scintillator approximated as CH2);
* ``"dune_nd"``: LBNF FHC flux, Ar40, on axis, and for each DUNE-PRISM position x the same events
  with weights x R(E_nu, x) (:func:`nuportal.sources.offaxis_fluxes.dune_prism_ratio`, the
  off-axis to on-axis flux ratio): the flux enters the event weights only through E_nu, so this
  is exact for everything but the baseline (sqrt(574^2 + x^2) m, kept per position) and the
  beam direction, which is taken along each event's neutrino (the observables are computed in
  the neutrino's frame). The on-axis events cover the softer off-axis spectra.

Exposures (inputs, round numbers, not a collaboration's selection): NOvA ND 8.85e20 POT
(the FHC exposure of NOvA arXiv:1906.04907) on 20 t of CH2; DUNE ND 1.1e21 POT (one year at
1.2 MW, DUNE ND CDR arXiv:2103.13910) on 67 t of argon, split equally among the positions.
Only nu_mu CC is simulated (no wrong-sign, nu_e or NC backgrounds, no selection efficiency).

Units: GeV, metres, counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from nuportal._validation import RngLike

__all__ = [
    "DETECTORS",
    "Binning",
    "Channel",
    "NDSample",
    "default_binning",
    "nd_sample",
    "sample_from_events",
]

_N_A = 6.02214076e23  # Avogadro's number (exact, SI 2019)
#: grams per mole of one formula unit of each target material
_MOLAR_MASS_G = {"CH2": 14.027, "Ar40": 39.962}

#: detector -> (target material, default POT, default fiducial mass [t])
DETECTORS: dict[str, tuple[str, float, float]] = {
    "nova_nd": ("CH2", 8.85e20, 20.0),
    "dune_nd": ("Ar40", 1.1e21, 67.0),
}

#: the processes of a nu_mu CC sample
CC_PROCESSES: tuple[str, ...] = ("ccqe", "2p2h", "res_cc", "nonres_cc", "dis_cc")


@dataclass(frozen=True)
class Binning:
    """Analysis histogram in one (``enu_rec``) or two (``q3_rec``, ``q0_rec``) reco variables.

    Attributes
    ----------
    variables : tuple of str
        ``("q3_rec", "q0_rec")`` (|q| reco [GeV], E_had^vis [GeV], as NOvA arXiv:2006.08727) or
        ``("enu_rec",)`` [GeV].
    edges : tuple of ndarray
        Bin edges [GeV] per variable; events outside are not used.
    """

    variables: tuple[str, ...]
    edges: tuple[NDArray[np.float64], ...]

    def __post_init__(self) -> None:
        known = ("q3_rec", "q0_rec", "enu_rec")
        if not self.variables or len(self.variables) != len(self.edges):
            raise ValueError("binning needs one edge array per variable")
        for v, e in zip(self.variables, self.edges, strict=True):
            if v not in known:
                raise ValueError(f"binning variable must be one of {known}, got {v!r}")
            e = np.asarray(e, dtype=float)
            if e.ndim != 1 or e.size < 2 or not np.all(np.isfinite(e)) or np.any(np.diff(e) <= 0):
                raise ValueError(f"edges of {v} must be >= 2 finite, increasing values (GeV)")

    @property
    def shape(self) -> tuple[int, ...]:
        """Histogram shape (bins per variable)."""
        return tuple(len(e) - 1 for e in self.edges)

    @property
    def n_bins(self) -> int:
        """Total number of bins."""
        return int(np.prod(self.shape))

    def index(self, values: dict[str, NDArray[np.float64]]) -> NDArray[np.int64]:
        """Flat bin index of each event (-1 outside the histogram or NaN)."""
        flat = None
        inside = None
        for v, e in zip(self.variables, self.edges, strict=True):
            x = np.asarray(values[v], dtype=float)
            i = np.searchsorted(e, x, side="right") - 1
            ok = (i >= 0) & (i < len(e) - 1) & np.isfinite(x)
            inside = ok if inside is None else inside & ok
            flat = i if flat is None else flat * (len(e) - 1) + i
        return np.where(inside, flat, -1).astype(np.int64)


def default_binning(kind: str = "q0q3", coarse: bool = False) -> Binning:
    """The default histograms: ``"q0q3"`` (|q| reco 0-2 GeV x E_had^vis 0-1.5 GeV, 16 x 12 bins,
    8 x 6 if ``coarse``) or ``"enu"`` (E_nu reco 0.5-6 GeV, 22 bins, 11 if ``coarse``)."""
    k = 2 if coarse else 1
    if kind == "q0q3":
        return Binning(
            ("q3_rec", "q0_rec"),
            (np.linspace(0.0, 2.0, 16 // k + 1), np.linspace(0.0, 1.5, 12 // k + 1)),
        )
    if kind == "enu":
        return Binning(("enu_rec",), (np.linspace(0.5, 6.0, 22 // k + 1),))
    raise ValueError(f"binning kind must be 'q0q3' or 'enu', got {kind!r}")


@dataclass
class Channel:
    """One detector position: per-event expected counts (at the generated knob values).

    Attributes
    ----------
    name : str
    weight : ndarray (N,)
        Expected events of each simulated event at this position's exposure.
    baseline_m : float
        Nominal baseline [m] (source to detector).
    off_axis_m : float
        Off-axis distance [m] (0 on axis).
    """

    name: str
    weight: NDArray[np.float64]
    baseline_m: float
    off_axis_m: float = 0.0


@dataclass
class NDSample:
    """Events generated once at a near detector, with their reconstructed quantities and channels.

    Attributes
    ----------
    detector : str
    events : InteractionEvents
        The generated events (true kinematics for the reweighting knobs).
    observables : dict of str to ndarray
        ``q0_rec``, ``q3_rec``, ``enu_rec`` [GeV] and the true ``E_nu`` [GeV], per event.
    channels : list of Channel
    flux : Flux
        The on-axis flux the events were generated with (its decay region and baseline serve
        the oscillation baselines).
    """

    detector: str
    events: object
    observables: dict[str, NDArray[np.float64]]
    channels: list[Channel] = field(default_factory=list)
    flux: object = None

    @property
    def E_nu(self) -> NDArray[np.float64]:
        """True neutrino energy [GeV] per event."""
        return self.observables["E_nu"]


def _units_per_tonne(material: str) -> float:
    return 1e6 / _MOLAR_MASS_G[material] * _N_A


def nd_sample(
    detector: str = "nova_nd",
    *,
    n_events: int = 1_000_000,
    seed: RngLike = None,
    prism_m: Sequence[float] | None = None,
    pot: float | None = None,
    fiducial_mass_t: float | None = None,
) -> NDSample:
    """Generate nu_mu CC events once at a near detector and set up its channels.

    Parameters
    ----------
    detector : {"nova_nd", "dune_nd"}
    n_events : int
        Events to generate (>= 100).
    seed : int or numpy.random.Generator or None
    prism_m : sequence of float, optional
        DUNE-PRISM off-axis positions [m] in [0, 33] (``dune_nd`` only); default: on axis only.
        The exposure is split equally among the positions.
    pot : float, optional
        Protons on target (> 0); default per detector (module docstring).
    fiducial_mass_t : float, optional
        Fiducial mass [t] (> 0); default per detector.

    Returns
    -------
    NDSample
    """
    from nuportal.interactions.generate import generate_interactions
    from nuportal.sources.fluxes import detector_flux

    det = _check_detector(detector)
    if isinstance(n_events, bool) or int(n_events) != n_events or n_events < 100:
        raise ValueError(f"n_events must be an integer >= 100, got {n_events!r}")
    _positions(det, prism_m)
    _exposure(det, pot, fiducial_mass_t)
    ev = generate_interactions(
        detector_flux(det, "fhc"),
        DETECTORS[det][0],
        processes=list(CC_PROCESSES),
        flavours=["numu"],
        n_events=int(n_events),
        seed=seed,
    )
    return sample_from_events(ev, det, prism_m=prism_m, pot=pot, fiducial_mass_t=fiducial_mass_t)


def _check_detector(detector: str) -> str:
    det = str(detector).strip().lower()
    if det not in DETECTORS:
        raise ValueError(f"detector must be one of {sorted(DETECTORS)}, got {detector!r}")
    return det


def _positions(det: str, prism_m: Sequence[float] | None) -> list[float]:
    positions = [0.0] if prism_m is None or len(prism_m) == 0 else [float(x) for x in prism_m]
    if det != "dune_nd" and positions != [0.0]:
        raise ValueError(f"prism_m (DUNE-PRISM positions) only exists for dune_nd, not {det}")
    for x in positions:
        if not (np.isfinite(x) and 0.0 <= x <= 33.0):
            raise ValueError(f"prism_m positions must be in [0, 33] m, got {x!r}")
    if len(set(positions)) != len(positions):
        raise ValueError(f"prism_m positions must be distinct, got {positions}")
    return positions


def _exposure(det: str, pot: float | None, mass: float | None) -> tuple[float, float]:
    _, pot_default, mass_default = DETECTORS[det]
    pot = pot_default if pot is None else pot
    mass = mass_default if mass is None else mass
    for name, v in (("pot", pot), ("fiducial_mass_t", mass)):
        if not (np.isfinite(v) and v > 0):
            raise ValueError(f"{name} must be finite and > 0, got {v!r}")
    return float(pot), float(mass)


def sample_from_events(
    events: object,
    detector: str,
    *,
    prism_m: Sequence[float] | None = None,
    pot: float | None = None,
    fiducial_mass_t: float | None = None,
) -> NDSample:
    """An :class:`NDSample` from events already generated at ``detector``'s on-axis FHC flux
    (weights in events per POT per formula unit, e.g. read back with
    :meth:`InteractionEvents.from_parquet`); only nu_mu CC events count (others get weight 0);
    arguments as :func:`nd_sample`."""
    from nuportal.interactions.observables import observables
    from nuportal.sources.fluxes import detector_flux

    det = _check_detector(detector)
    positions = _positions(det, prism_m)
    pot, mass = _exposure(det, pot, fiducial_mass_t)
    ev = events
    meta = getattr(ev, "metadata", {})
    if meta.get("weight_convention") != "events_per_pot_per_target":
        raise ValueError("events must carry weights in events per POT per target (the generator's)")
    if meta.get("target") not in (None, DETECTORS[det][0]):
        raise ValueError(
            f"events were generated on {meta.get('target')}, {det} is {DETECTORS[det][0]}"
        )
    flux = detector_flux(det, "fhc")
    material = DETECTORS[det][0]
    obs = observables(ev)
    o = {
        "q0_rec": obs["q0_rec"].to_numpy(),
        "q3_rec": obs["q3_rec"].to_numpy(),
        "enu_rec": obs["E_nu_cal"].to_numpy(),
        "E_nu": ev.events["E_nu"].to_numpy(),
    }
    scale = pot / len(positions) * mass * _units_per_tonne(material)
    numu_cc = (ev.events["nu_pdg"].to_numpy() == 14) & ev.events["cc"].to_numpy()
    w0 = np.where(numu_cc, ev.events["weight"].to_numpy() * scale, 0.0)
    channels = []
    for x in positions:
        if x == 0.0:
            channels.append(Channel(f"{det}_on_axis", w0, float(flux.baseline_m), 0.0))
        else:
            from nuportal.sources.offaxis_fluxes import dune_prism_ratio

            r = dune_prism_ratio(o["E_nu"], x, "numu", "fhc")
            base = float(np.hypot(flux.baseline_m, x))
            channels.append(Channel(f"{det}_{x:g}m", w0 * r, base, x))
    return NDSample(det, ev, o, channels, flux)
