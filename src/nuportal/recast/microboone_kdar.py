"""Recast of MicroBooNE's Higgs-portal-scalar KDAR search into heavy-neutral-lepton limits.

MicroBooNE searched for S -> e+e- from K+ -> pi+ S, kaons decaying at rest (KDAR) in the NuMI
hadron absorber ~100 m away (arXiv:2106.00568). A heavy neutral lepton from K+ -> mu+ N decaying
to nu e+e- in the TPC leaves the same signature (K. J. Kelly and P. A. N. Machado,
arXiv:2106.06548). At each HNL mass the excluded signal rate is that of the scalar at its
published limit,

    R_S = Br(K+ -> pi+ S)(theta_lim) * Br(S -> ee) * <P_decay(S)> * acceptance * eps_S,

and the excluded band of |U|^2 is where

    R_N(|U|^2) = Br(K+ -> mu+ N) * Br(N -> nu ee) * <P_decay(N) * eps_N> * acceptance >= R_S,

with the exact decay probability exp(-l_in/lambda) - exp(-l_out/lambda) per simulated flight
line (lower edge: long lifetime, R ~ |U|^4; upper edge: N decays before reaching the TPC). The
number of kaons decaying at rest cancels. Both models are simulated with the same source,
geometry and response (:func:`nuportal.generate`), so the acceptance is computed, not assumed.

The published efficiency eps_S(m) is transferred to the HNL in one of three ways
(:mod:`nuportal.recast.efficiency_transfer`): ``same``, ``opening-angle``, ``per-event``.

HNL masses above the largest scalar mass of the data (0.21 GeV) use the scalar inputs at that
mass (flagged ``extrapolated``): MicroBooNE published no limit there.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from nuportal import constants
from nuportal.analysis.reconstruct import DetectorResponse
from nuportal.detectors import get_detector
from nuportal.experiments import microboone_kdar_hps_2021
from nuportal.generation.pipeline import kdar_production
from nuportal.models.hnl import HeavyNeutralLepton
from nuportal.models.scalar import HiggsPortalScalar, br_kaon_to_pion_scalar
from nuportal.propagation import decay_length, decay_probability_inside
from nuportal.recast.efficiency_transfer import (
    EFFICIENCY_METHODS,
    OpeningAngleEfficiency,
    fit_opening_angle_efficiency,
    transfer_efficiency,
)
from nuportal.recast.kdar_events import SimulatedDecays, simulate_kdar_decays, weighted_mean
from nuportal.recast.rate_matching import (
    PowerLawScaling,
    published_limit_rate,
    signal_rate,
    solve_excluded_band,
)

__all__ = [
    "CONVENTIONS",
    "EFFICIENCY_METHODS",
    "ScalarReference",
    "default_masses",
    "hnl_band",
    "microboone_kdar",
    "scalar_reference",
]

CONVENTIONS = ("physics", "kelly-machado")

#: Relative statistical error on the HNL passing fraction aimed at per mass, and the largest
#: multiple of ``n_events`` spent to reach it.
TARGET_REL_ERROR = 0.015
MAX_STAT_FACTOR = 8

#: Search range of |U|^2 for the excluded band.
U2_RANGE = (1e-14, 1.0)


def default_masses(mixing: str = "mu", n: int = 50) -> np.ndarray:
    """Default HNL mass grid [GeV]: log-spaced from 2 MeV (above the e+e- threshold the data
    starts at) to just below the K+ -> l+ N endpoint m_K - m_l."""
    top = constants.M_K_CHARGED - constants.LEPTON_MASS[mixing] - 1e-3
    return np.geomspace(2e-3, top, n)


@dataclass(frozen=True)
class ScalarReference:
    """What the HNL recast takes from the scalar analysis, per published scalar mass.

    Attributes
    ----------
    mass_GeV, theta_limit, efficiency : ndarray
        The published table.
    target_rate : ndarray
        Excluded signal rate per kaon decaying at rest, R_S(theta_lim): simulated acceptance and
        exact decay probability times the published efficiency.
    passing_fraction, mean_cos_ee : ndarray
        Fraction of the simulated S decays in the TPC passing the reference cuts, and the mean
        reconstructed cos(theta_ee) of those passing.
    per_event : OpeningAngleEfficiency
        The fitted per-event efficiency.
    convention : str
    absorber_distance : float
        [m]
    response : DetectorResponse
    """

    mass_GeV: np.ndarray
    theta_limit: np.ndarray
    efficiency: np.ndarray
    target_rate: np.ndarray
    passing_fraction: np.ndarray
    mean_cos_ee: np.ndarray
    per_event: OpeningAngleEfficiency
    convention: str
    absorber_distance: float
    response: DetectorResponse

    def at(self, mass: float) -> tuple[float, float, float, float, float]:
        """(reference mass, target rate, eps_S, passing fraction, <cos theta_ee>) at an HNL mass:
        interpolated inside the published range, the end values outside it."""
        m_ref = float(np.clip(mass, self.mass_GeV[0], self.mass_GeV[-1]))
        log_target = np.interp(np.log(m_ref), np.log(self.mass_GeV), np.log(self.target_rate))
        return (
            m_ref,
            float(np.exp(log_target)),
            float(np.interp(m_ref, self.mass_GeV, self.efficiency)),
            float(np.interp(m_ref, self.mass_GeV, self.passing_fraction)),
            float(np.interp(m_ref, self.mass_GeV, self.mean_cos_ee)),
        )


def _scalar_point(
    m_s: float, n_events: int, seed: int, absorber_distance: float, response: DetectorResponse
) -> SimulatedDecays:
    detector = get_detector("microboone", absorber_distance=absorber_distance)
    return simulate_kdar_decays(
        "scalar", m_s, "mu", True, n_events, detector, response, _seed(seed, "scalar", m_s),
        "numpy",
    )  # fmt: skip


def scalar_reference(
    n_events: int = 20_000,
    seed: int = 1,
    convention: str = "physics",
    absorber_distance: float = 100.0,
    response: DetectorResponse | None = None,
    data: str | Path | None = None,
    mapper: Callable = map,
    on_mass_done: Callable[[int], object] = lambda _: None,
) -> ScalarReference:
    """Simulate the scalar at every published mass: excluded rates, cut fractions, angles.

    Parameters are those of :func:`microboone_kdar`; ``mapper`` is ``map`` or an executor's
    ``map``, and ``on_mass_done(1)`` is called after each mass (progress).
    """
    table = microboone_kdar_hps_2021(data)
    response = response or DetectorResponse()
    long_lifetime = convention == "kelly-machado"
    br_form = "kelly-machado" if long_lifetime else "first-principles"
    point = partial(
        _scalar_point,
        n_events=n_events,
        seed=seed,
        absorber_distance=absorber_distance,
        response=response,
    )
    scalar = []
    for sim in mapper(point, table.mass_GeV):
        scalar.append(sim)
        on_mass_done(1)
    theta = table.theta_limit
    s_model = HiggsPortalScalar(table.mass_GeV, 1.0)
    gamma_ee_1 = np.asarray(s_model.partial_widths()["e+ e-"])  # per theta^2
    # Kelly-Machado convention: the e+e- partial width is the only width
    gamma_tot_1 = gamma_ee_1 if long_lifetime else np.asarray(s_model.total_width)
    br_prod_1 = np.asarray(br_kaon_to_pion_scalar(table.mass_GeV, 1.0, form=br_form))
    n = len(scalar)
    target, s_pass, s_cos, s_prob = np.empty(n), np.empty(n), np.empty(n), []
    for j, sim in enumerate(scalar):
        scaling = PowerLawScaling(br_prod_1[j], gamma_ee_1[j], gamma_tot_1[j])
        target[j] = published_limit_rate(theta[j], scaling, **sim.rate_inputs(table.efficiency[j]))
        lam = decay_length(sim.momentum, sim.mass, gamma_tot_1[j] * theta[j] ** 2)
        prob = decay_probability_inside(lam, sim.l_in, sim.l_out)
        s_prob.append(prob)
        w = sim.acceptance_weight * prob
        s_pass[j] = weighted_mean(sim.selected, w)
        s_cos[j] = weighted_mean(np.cos(np.radians(sim.opening_angle_deg)), w * sim.selected)
    return ScalarReference(
        mass_GeV=np.asarray(table.mass_GeV),
        theta_limit=np.asarray(theta),
        efficiency=np.asarray(table.efficiency),
        target_rate=target,
        passing_fraction=s_pass,
        mean_cos_ee=s_cos,
        per_event=fit_opening_angle_efficiency(scalar, s_prob, table.efficiency),
        convention=convention,
        absorber_distance=absorber_distance,
        response=response,
    )


def hnl_band(
    mass: float,
    reference: ScalarReference,
    majorana: bool = True,
    mixing: str = "mu",
    methods: Sequence[str] = EFFICIENCY_METHODS,
    n_events: int = 20_000,
    seed: int = 1,
    method: str = "vegas",
) -> list[dict]:
    """Excluded |U|^2 band of the HNL at one mass, one row per efficiency method.

    The unit of work of :func:`microboone_kdar` (picklable arguments; seeded from
    (seed, mixing, mass), so independent of the order in which masses run); see there for the
    parameters and the columns of the rows.
    """
    m = float(mass)
    detector = get_detector("microboone", absorber_distance=reference.absorber_distance)
    simulate = partial(
        simulate_kdar_decays, "hnl", m, mixing, majorana, detector=detector,
        response=reference.response, seed=_seed(seed, f"hnl-{mixing}", m), method=method,
    )  # fmt: skip
    sim = simulate(n_events=n_events)
    # where few events pass the cuts (light N), add statistics until the relative error of the
    # passing fraction is below TARGET_REL_ERROR (at most MAX_STAT_FACTOR x n_events)
    rel = sim.passing_fraction_error()
    if rel > TARGET_REL_ERROR:
        factor = min(MAX_STAT_FACTOR, math.ceil((rel / TARGET_REL_ERROR) ** 2 * 1.1))
        sim = simulate(n_events=factor * n_events)

    long_lifetime = reference.convention == "kelly-machado"
    prod = kdar_production("hnl", m, 1.0, mixing)
    hnl = HeavyNeutralLepton(m, **{f"U2_{mixing}": 1.0}, majorana=majorana)
    g_vis = float(hnl.width_nu_ll("e"))
    g_tot = g_vis if long_lifetime else float(hnl.total_width)
    scaling = PowerLawScaling(prod.branching_ratio, g_vis, g_tot)
    m_ref, target, eps_s, c_s, cos_s = reference.at(m)
    w_long = sim.acceptance_weight * sim.chord()
    c_n = weighted_mean(sim.selected, w_long)
    cos_n = weighted_mean(np.cos(np.radians(sim.opening_angle_deg)), w_long * sim.selected)

    rows = []
    solved: dict[tuple, tuple[float, float, float]] = {}
    for name in methods:
        eps, err = transfer_efficiency(
            name, sim, eps_s, c_s, reference.mean_cos_ee, reference.efficiency, reference.per_event
        )
        # a common efficiency only scales the rate: solve with unit efficiency, scaled target
        common = np.ndim(eps) == 0
        key = ("common", target / eps) if common else (name, target)
        if key not in solved:
            rate = partial(signal_rate, scaling=scaling, **sim.rate_inputs(1.0 if common else eps))
            solved[key] = _excluded_band(rate, key[1], long_lifetime)
        lo, hi, u2_ll = solved[key]
        rows.append(
            {
                "mass_GeV": m,
                "efficiency_method": name,
                "U2_lower": lo,
                "U2_upper": hi,
                "U2_lower_long_lifetime": u2_ll,
                "efficiency_S": eps_s,
                "efficiency_N": weighted_mean(np.broadcast_to(eps, w_long.shape), w_long),
                "efficiency_N_rel_error": err,
                "mean_cos_ee_S": cos_s,
                "mean_cos_ee_N": cos_n,
                "passing_fraction_S": c_s,
                "passing_fraction_N": c_n,
                "reference_mass_GeV": m_ref,
                "extrapolated": bool(m > reference.mass_GeV[-1] or m < reference.mass_GeV[0]),
            }
        )
    return rows


def microboone_kdar(
    model: Literal["hnl"] = "hnl",
    majorana: bool = True,
    efficiency: str | Sequence[str] = "opening-angle",
    masses: Sequence[float] | None = None,
    n_events: int = 20_000,
    seed: int = 1,
    mixing: Literal["mu", "e"] = "mu",
    convention: Literal["physics", "kelly-machado"] = "physics",
    absorber_distance: float = 100.0,
    response: DetectorResponse | None = None,
    method: Literal["vegas", "numpy"] = "vegas",
    data: str | Path | None = None,
    executor: Executor | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Excluded |U_l4|^2 band of a heavy neutral lepton from MicroBooNE's KDAR scalar search.

    Parameters
    ----------
    model : {"hnl"}
        The model to recast into (the heavy neutral lepton).
    majorana : bool
        Majorana (True) or Dirac HNL.
    efficiency : str or sequence of str
        ``"same"``, ``"opening-angle"``, ``"per-event"``, a list of them, or ``"all"``.
    masses : sequence of float, optional
        HNL masses [GeV]; default :func:`default_masses`.
    n_events : int
        Simulated events per mass and model (raised automatically, up to 8x, where few HNL
        pairs pass the cuts).
    seed : int
        Random seed; each (model, mass) is seeded from (seed, model, mass), so results do not
        depend on the order or number of masses.
    mixing : {"mu", "e"}
        Flavour the HNL mixes with (production K+ -> l+ N).
    convention : {"physics", "kelly-machado"}
        ``"physics"``: first-principles Br(K+ -> pi+ S), the total N width, exact decay
        probabilities. ``"kelly-machado"``: the conventions of arXiv:2106.06548 for comparison:
        Br(K+ -> pi+ S) = 2e-3 theta^2 p_S/m_K (half the first-principles rate), the
        N -> nu e+e- (and S -> e+e-) partial width as the only width, long-lifetime limit (no
        upper edge).
    absorber_distance : float
        Distance from the NuMI absorber to the TPC centre [m] (default 100 m, the paper's).
    response : DetectorResponse, optional
        Smearing and cuts (default: the reference recast's, 3 deg, 10 MeV, 10 deg).
    method : {"vegas", "numpy"}
        Rest-frame sampler of the HNL decay.
    data : str or Path, optional
        CSV file with the scalar limit and efficiencies (columns ``m_S_GeV, theta_limit,
        efficiency``) to recast instead of the shipped arXiv:2106.00568 table.
    executor : concurrent.futures.Executor, optional
        Runs the per-mass simulations and band solves (e.g. a ``ProcessPoolExecutor`` or a
        dask ``Client.get_executor()``); serial if omitted. The result does not depend on it.
    progress : bool
        Show a progress bar.

    Returns
    -------
    pandas.DataFrame
        One row per (mass, efficiency method): ``mass_GeV``, ``efficiency_method``,
        ``U2_lower``, ``U2_upper`` (NaN: not excluded; 1.0: the band reaches the search bound
        |U|^2 = 1), ``U2_lower_long_lifetime`` (the k^(-1/2) shortcut), ``efficiency_S``,
        ``efficiency_N``, ``efficiency_N_rel_error``, ``mean_cos_ee_S``, ``mean_cos_ee_N``,
        ``passing_fraction_S``, ``passing_fraction_N``, ``reference_mass_GeV`` (scalar mass
        whose limit is used), ``extrapolated`` (HNL mass outside the published scalar masses).
        ``attrs`` hold the per-event efficiency fit and the scalar reference.
    """
    if model != "hnl":
        raise ValueError(f"model must be 'hnl' (the only recast target so far), got {model!r}")
    methods = _methods(efficiency)
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {CONVENTIONS}, got {convention!r}")
    if mixing not in ("mu", "e"):
        raise ValueError(f"mixing must be 'mu' or 'e', got {mixing!r}")
    if int(n_events) < 100:
        raise ValueError(f"n_events must be >= 100, got {n_events!r}")
    m_grid = default_masses(mixing) if masses is None else np.asarray(masses, float).ravel()
    _check_masses(m_grid, mixing)
    mapper = map if executor is None else executor.map
    n_steps = len(microboone_kdar_hps_2021(data).mass_GeV) + len(m_grid)  # scalar + HNL masses
    with tqdm(
        total=n_steps, disable=not progress, unit="mass", desc="MicroBooNE KDAR recast"
    ) as bar:
        reference = scalar_reference(
            n_events, seed, convention, absorber_distance, response, data, mapper, bar.update
        )
        point = partial(
            hnl_band, reference=reference, majorana=majorana, mixing=mixing,
            methods=tuple(methods), n_events=n_events, seed=seed, method=method,
        )  # fmt: skip
        rows = []
        for mass_rows in mapper(point, m_grid):
            rows.extend(mass_rows)
            bar.update(1)
    out = pd.DataFrame(rows)
    fit = reference.per_event
    out.attrs["per_event_efficiency"] = {
        "knots_deg": fit.knots_deg.tolist(),
        "values": fit.values.tolist(),
        "eps_S_refolded": fit.fitted.tolist(),
        "eps_S_published": fit.published.tolist(),
        "rms_relative_deviation": fit.rms_relative_deviation,
    }
    out.attrs["scalar"] = {
        "mass_GeV": reference.mass_GeV.tolist(),
        "mean_cos_ee": reference.mean_cos_ee.tolist(),
        "passing_fraction": reference.passing_fraction.tolist(),
        "target_rate_per_kaon": reference.target_rate.tolist(),
    }
    out.attrs["convention"] = convention
    return out


def _excluded_band(rate, target: float, long_lifetime: bool) -> tuple[float, float, float]:
    """(lower, upper, long-lifetime lower) edges of |U|^2 where ``rate`` exceeds ``target``."""
    # long-lifetime shortcut: R = k |U|^4 for small |U|^2, so |U|^2 = (target / k)^(1/2)
    k = float(rate(1e-12)) / 1e-24
    if not k > 0:
        return math.nan, math.nan, math.nan
    u2_ll = math.sqrt(target / k)
    if long_lifetime:
        return (u2_ll, math.nan, u2_ll) if u2_ll <= 1.0 else (math.nan, math.nan, u2_ll)
    if u2_ll >= U2_RANGE[1]:
        return math.nan, math.nan, u2_ll
    # the exact rate never exceeds its long-lifetime form, so the band starts above u2_ll
    g_min = max(U2_RANGE[0], 0.5 * u2_ll)
    lo, hi = solve_excluded_band(rate, target, g_min, U2_RANGE[1], points_per_decade=2)
    return lo, hi, u2_ll


def _methods(efficiency: str | Sequence[str]) -> list[str]:
    if efficiency == "all":
        return list(EFFICIENCY_METHODS)
    names = [efficiency] if isinstance(efficiency, str) else list(efficiency)
    for name in names:
        if name not in EFFICIENCY_METHODS:
            raise ValueError(
                f"unknown efficiency method {name!r}; choose from {[*EFFICIENCY_METHODS, 'all']}"
            )
    return names


def _check_masses(masses: np.ndarray, mixing: str) -> None:
    top = constants.M_K_CHARGED - constants.LEPTON_MASS[mixing]
    low = 2 * constants.M_ELECTRON
    if masses.size == 0:
        raise ValueError("masses must hold at least one HNL mass [GeV]")
    bad = ~np.isfinite(masses) | (masses <= low) | (masses >= top)
    if np.any(bad):
        value = float(masses[bad][0])
        raise ValueError(
            f"HNL mass {value:g} GeV is outside the recast range: {low:.6f} < m_N < "
            f"m_K - m_{mixing} = {top:.4f} GeV (N -> nu e+e- threshold to the K+ -> {mixing}+ N "
            "endpoint)"
        )


def _seed(seed: int, label: str, mass: float) -> list[int]:
    """Seed of one (model, mass) point from the run seed, independent of order."""
    return [int(seed), *label.encode(), round(float(mass) * 1e9)]
