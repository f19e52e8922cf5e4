"""Neutrino upscattering nu A -> N A at an experiment, and the decay of N inside the detector.

Stages (DESIGN.md): source (the experiment's flux table), production (upscattering on the
target nuclei: coherent, and elastic on their protons), propagation (N from the scattering vertex
to its decay point, exact decay-in-volume probability), detection (polarized rest-frame decay,
boosted to the lab).

Rates
-----
For each channel c (target nucleus, process) the expected number of upscatters is

    N_c = POT x N_targets x multiplicity x integral dE Phi(E) sigma_c(E),

with the flux Phi [nu / cm^2 / POT / GeV] of the exposure
(:mod:`nuportal.detectors.exposures`), multiplicity 1 for coherent scattering and Z for elastic
scattering on the nucleus' protons, and sigma the sum of the helicity-conserving and -flipping
cross sections (:mod:`nuportal.models.upscattering`). :func:`upscattering_rates` evaluates this
by quadrature; :func:`generate_upscattering` samples it.

Events
------
vegas adapts a map over (E, log Q^2) to Phi(E) dsigma/dQ^2 (summed over helicities) for each
channel; events drawn through the map carry weight = integrand x Jacobian / n, so the weights of a
channel sum to an unbiased estimate of N_c, and the helicity of each event is drawn with the
probability of its part. N is produced at a point drawn uniformly in the detector's active
volume with the neutrino along the line from the beam source; it decays into the requested
channel with its rest-frame distribution for that helicity (applied along its lab direction, as
in DarkNews), at a point drawn with the exact decay probability along its flight line inside the
detector. Event columns: ``weight`` = expected events decaying inside the detector into the
channel (upscatters x P(decay inside) x branching ratio) and ``upscattering_weight`` (upscatters
only: the number the reference generator DarkNews reports, which normalizes decays to one).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from tqdm.auto import tqdm

from nuportal import constants
from nuportal.detectors.exposures import Exposure, exposure
from nuportal.detectors.geometry import sample_uniform_points
from nuportal.generation.dark_neutrino_decays import (
    sample_on_shell_zprime,
    sample_three_body,
    sample_two_body_polarized,
)
from nuportal.generation.decay_samplers import RestFrameDecays
from nuportal.generation.lab_frame import decays_in_volume, four_vector_columns
from nuportal.generation.vegas_sampler import adapt_map, map_points
from nuportal.kinematics import rotate_z_to
from nuportal.kinematics.fourvectors import unit_vectors
from nuportal.models.targets import nucleus
from nuportal.models.upscattering import (
    q2_limits,
    threshold_energy,
    upscattering_cross_section,
    upscattering_dsigma_dq2,
)
from nuportal.sources import ParentBeam
from nuportal.streaming import DEFAULT_CHUNK_SIZE, check_memory, concat_chunks

__all__ = [
    "DECAY_CHANNELS",
    "Channel",
    "ZeroRateError",
    "channels",
    "generate_upscattering",
    "iter_upscattering",
    "reconstructed_energy_qe",
    "upscattering_rates",
]

_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(16)


class ZeroRateError(ValueError):
    """The requested upscattering has a zero rate (no flux of that flavour, vanishing couplings)."""


@dataclass(frozen=True)
class Channel:
    """One upscattering channel: a target nucleus and a process ("coherent" or "proton")."""

    nucleus: str
    process: str


def channels(experiment: Exposure) -> list[Channel]:
    """The channels of an exposure: coherent and proton-elastic on each nucleus (proton-elastic
    only on hydrogen)."""
    out = []
    for name in experiment.target_masses:
        if name != "H1":
            out.append(Channel(name, "coherent"))
        out.append(Channel(name, "proton"))
    return out


_FLAVOUR_COLUMNS = {
    "e": "nue", "mu": "numu", "tau": "nutau",
    "ebar": "nuebar", "mubar": "numubar", "taubar": "nutaubar",
}  # fmt: skip
_NU_PDG = {"e": 12, "mu": 14, "tau": 16, "ebar": -12, "mubar": -14, "taubar": -16}


def _flavour_column(flavour: str) -> str:
    if flavour not in _FLAVOUR_COLUMNS:
        raise ValueError(f"flavour must be one of {list(_FLAVOUR_COLUMNS)}, got {flavour!r}")
    return _FLAVOUR_COLUMNS[flavour]


def _split_flavour(flavour: str) -> tuple[str, bool]:
    """("mu", False) for "mu", ("mu", True) for the antineutrino "mubar"."""
    _flavour_column(flavour)
    return (flavour[:-3], True) if flavour.endswith("bar") else (flavour, False)


def _scattering_target(channel: Channel):
    """(nucleus, target of the scattering): a proton for elastic scattering on protons."""
    nuc = nucleus(channel.nucleus)
    return nuc, (nucleus("proton") if channel.process == "proton" else nuc)


def _energy_range(model, experiment: Exposure, channel: Channel, e_min_factor: float):
    _, target = _scattering_target(channel)
    threshold = float(threshold_energy(model.m4, target.mass))
    lo, hi = experiment.energy_range
    return max(lo, e_min_factor * threshold), hi


def upscattering_rates(
    model,
    experiment: str | Exposure = "miniboone",
    flavour: str = "mu",
    *,
    e_min_factor: float = 1.05,
    nc_convention: str = "darknews",
    n_energies: int = 400,
    hnl: int = 4,
) -> pd.DataFrame:
    """Expected upscatters per channel and helicity for an exposure, by quadrature.

    N = POT x N_targets x integral dE Phi(E) sigma(E) (module docstring), with the energy
    integral by Gauss-Legendre quadrature (16 nodes on each of ``n_energies`` / 16 equal
    intervals of log E) and sigma from
    :func:`nuportal.models.upscattering.upscattering_cross_section` (full Q^2 range,
    multiplicity included).

    Parameters
    ----------
    model : DarkNeutrinoModel
        The model (:class:`nuportal.models.dark_neutrino.DarkNeutrinoModel`).
    experiment : str or Exposure
        Name in :mod:`nuportal.detectors.exposures` or an exposure.
    flavour : {"e", "mu", "tau", "ebar", "mubar", "taubar"}
        Flavour of the beam neutrinos (their flux column); "...bar" for antineutrinos, which
        upscatter into Nbar.
    e_min_factor : float
        Lowest energy = max(exposure's lowest energy, e_min_factor x threshold) (DarkNews: 1.05).
    nc_convention : {"darknews", "physical"}
        Weak NC nucleon form factors
        (:func:`~nuportal.models.upscattering.upscattering_cross_section`).
    hnl : {4, 5}
        Upscattering into N4 or, in a 3+2 model, into N5.

    Returns
    -------
    pandas.DataFrame
        Columns ``nucleus``, ``process``, ``helicity`` (-1 conserving, +1 flipping), ``events``.
    """
    exp = experiment if isinstance(experiment, Exposure) else exposure(experiment)
    model = model if hnl == 4 else model.hnl(hnl)
    column = _flavour_column(flavour)
    base, anti = _split_flavour(flavour)
    flux = exp.flux
    rows = []
    for channel in channels(exp):
        nuc, _ = _scattering_target(channel)
        lo, hi = _energy_range(model, exp, channel, e_min_factor)
        n_targets = exp.number_of_targets(channel.nucleus, nuc.mass)
        if not hi > lo:
            for h in (-1, 1):
                rows.append((channel.nucleus, channel.process, h, 0.0))
            continue
        edges = np.geomspace(lo, hi, max(n_energies // 16, 1) + 1)
        half = 0.5 * np.diff(edges)
        energies = ((edges[:-1] + half)[:, None] + half[:, None] * _GL_NODES).ravel()
        weights = (half[:, None] * _GL_WEIGHTS).ravel()
        phi = flux.interpolate(energies, column)
        for h in (-1, 1):
            sigma = upscattering_cross_section(
                model, channel.nucleus, base, energies, process=channel.process,
                helicity=h, nc_convention=nc_convention, antineutrino=anti,
            )  # fmt: skip
            events = exp.pot * n_targets * float(np.sum(weights * phi * sigma))
            rows.append((channel.nucleus, channel.process, h, events))
    return pd.DataFrame(rows, columns=["nucleus", "process", "helicity", "events"])


#: Visible decay channels of N that events can be generated in ("N4 l l": the heavier N5 of a
#: 3+2 model decaying into N4, which leaves the detector unseen).
DECAY_CHANNELS = ("nu e e", "nu mu mu", "nu gamma", "N4 e e", "N4 mu mu")


def _channel_integrand(model, experiment, channel, flavour, lo, hi, nc_convention):
    """Integrand over the unit square x = (x_E, x_Q2): per-helicity parts and (E, Q^2)."""
    nuc, target = _scattering_target(channel)
    n_targets = experiment.number_of_targets(channel.nucleus, nuc.mass)
    scale = experiment.pot * n_targets
    column = _flavour_column(flavour)
    base, anti = _split_flavour(flavour)
    flux = experiment.flux

    # skip a portal whose couplings vanish (the cross sections add without interference)
    c = model.couplings
    vector_on = abs(c.V_N.get(base, 0.0)) > 0 or abs(c.C_N.get(base, 0.0)) > 0
    dipole_on = abs(c.dipole.get(base, 0.0)) > 0
    portal = "all" if vector_on and dipole_on else ("dipole" if dipole_on else "vector")

    def parts(x: NDArray[np.float64]):
        e = lo + (hi - lo) * x[:, 0]
        q2min, q2max = q2_limits(e, model.m4, target.mass)
        q2min, q2max = np.asarray(q2min, float), np.asarray(q2max, float)
        log_ratio = np.log(q2max / q2min)
        q2 = q2min * np.exp(x[:, 1] * log_ratio)
        jac = scale * flux.interpolate(e, column) * (hi - lo) * q2 * log_ratio
        per_h = [
            jac * np.asarray(
                upscattering_dsigma_dq2(model, channel.nucleus, base, e, q2,
                                        process=channel.process, helicity=h, portal=portal,
                                        nc_convention=nc_convention, antineutrino=anti), float)
            for h in (-1, 1)
        ]  # fmt: skip
        return e, q2, np.nan_to_num(per_h[0]), np.nan_to_num(per_h[1])

    return parts, target


def _helicity_sum(parts, x: NDArray[np.float64]) -> NDArray[np.float64]:
    """The integrand summed over the two helicities (what vegas adapts to)."""
    _, _, f_minus, f_plus = parts(x)
    return f_minus + f_plus


def _rest_frame_decays(model, produced, decay: str, helicity: int, n: int,
                       rng: np.random.Generator):  # fmt: skip
    """Unweighted rest-frame decays of the produced N_i in ``decay`` for one helicity (z = spin
    axis). ``model`` is the full model, ``produced`` the N_i view (or the model for N4)."""
    from nuportal.models import dark_neutrino_decays as dnd

    if decay == "nu gamma":
        d_sq = produced.couplings.dipole_total_sq()
        ends = [dnd.dgamma_dcos_nu_gamma(1.0, c, produced.m4, d_sq, dirac=produced.dirac)
                for c in (1.0, -1.0)]  # fmt: skip
        alpha = (ends[0] - ends[1]) / (ends[0] + ends[1])
        gamma, nu = sample_two_body_polarized(produced.m4, 0.0, 0.0, alpha, helicity, n, rng)
        return RestFrameDecays(lepton_minus=nu, lepton_plus=gamma, weight=np.ones(n))
    lepton = "e" if decay.endswith("e e") else "mu"
    m_l = constants.mass("e-" if lepton == "e" else "mu-")
    if decay.startswith("N4"):  # N5 -> N4 l l through an off-shell Z' (and Z)
        if produced.m4 > model.m4 + model.mzprime:
            raise ValueError(
                "events with an on-shell N5 -> N4 Z' decay are not implemented (m5 > m4 + m_Z'); "
                "the widths are in DarkNeutrinoModel.n5_partial_widths()"
            )

        def amplitude(p_n, s_n, k, minus, plus):
            return dnd.msq_ni_to_nj_ll_polarized(p_n, s_n, k, minus, plus, model.V_45,
                                                 model.C_45, model.couplings, model.mzprime,
                                                 h=helicity)  # fmt: skip

        return sample_three_body(produced.m4, m_l, amplitude, helicity, n, rng,
                                 neutral_mass=model.m4)  # fmt: skip
    if produced.m4 > model.mzprime:  # N -> nu Z', Z' -> l l (the Z/W three-body part is tiny)
        v_sq = produced.couplings.V_N_total_sq()
        ends = [dnd.dgamma_dcos_nu_zprime(1.0, c, produced.m4, model.mzprime, v_sq,
                                          dirac=produced.dirac) for c in (1.0, -1.0)]  # fmt: skip
        alpha = (ends[0] - ends[1]) / (ends[0] + ends[1])
        return sample_on_shell_zprime(produced.m4, model.mzprime, m_l, alpha, helicity, n, rng)

    def amplitude(p_n, s_n, k, minus, plus):
        return dnd.msq_nu_ll_polarized(
            p_n,
            s_n,
            k,
            minus,
            plus,
            produced.couplings,
            model.mzprime,
            lepton,
            h=helicity,
            dirac=produced.dirac,
        )

    return sample_three_body(produced.m4, m_l, amplitude, helicity, n, rng)


def _decay_width(produced, decay: str) -> float:
    """Partial width [GeV] of the produced N_i into the generated channel."""
    if decay == "nu gamma":
        return float(produced.partial_widths()["nu gamma"])
    if decay.startswith("N4"):
        return float(produced.partial_widths().get(decay, 0.0))
    lepton = "e" if decay == "nu e e" else "mu"
    if hasattr(produced, "width_nu_ll"):
        return float(produced.width_nu_ll(lepton))
    widths = produced.partial_widths()
    return float(widths.get(decay, 0.0))


def generate_upscattering(
    model,
    experiment: str | Exposure = "miniboone",
    n_events: int = 100_000,
    *,
    flavour: str = "mu",
    decay: str = "nu e e",
    hnl: int = 4,
    seed: int = 1,
    e_min_factor: float = 1.05,
    nc_convention: str = "darknews",
    vegas_neval: int = 5_000,
    vegas_nitn: int = 20,
    progress: bool = False,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> pd.DataFrame:
    """Weighted upscattering events at an experiment, N decaying inside the detector.

    Parameters
    ----------
    model : DarkNeutrinoModel
        The model.
    experiment : str or Exposure
        Exposure name (:func:`nuportal.detectors.exposures.list_exposures`).
    n_events : int
        Number of weighted events (shared among the channels in proportion to their rates).
    flavour : {"e", "mu", "tau", "ebar", "mubar", "taubar"}
        Beam neutrino flavour ("...bar": antineutrinos, upscattering into Nbar; e.g. the main
        component of MiniBooNE's RHC beam is "mubar").
    decay : {"nu e e", "nu mu mu", "nu gamma", "N4 e e", "N4 mu mu"}
        Decay channel of the produced N generated (weights include its branching ratio).
    hnl : {4, 5}
        Which heavy neutral lepton the neutrinos upscatter into (5: the heavier one of a 3+2
        model, ``DarkNeutrinoModel(..., m5=...)``, typically decaying into N4 e+ e-).
    seed : int
        Random seed (same seed, same events).
    e_min_factor, nc_convention
        As in :func:`upscattering_rates`.
    vegas_neval, vegas_nitn : int
        vegas adaptation settings per channel (the defaults bring the spread of the weights to
        about 30 % of their mean for the reference benchmark, in 0.12 s per channel).
    progress : bool
        Show a progress bar (one step per channel adapted and per channel generated).

    Returns
    -------
    pandas.DataFrame
        One row per event; see the module docstring for ``weight`` and ``upscattering_weight``.
        ``attrs["metadata"]`` holds the model, the exposure and the totals.
    """
    chunks = iter_upscattering(
        model, experiment, n_events, flavour=flavour, decay=decay, hnl=hnl, seed=seed,
        e_min_factor=e_min_factor, nc_convention=nc_convention, vegas_neval=vegas_neval,
        vegas_nitn=vegas_nitn, progress=progress, chunk_size=chunk_size, _check_memory=True,
    )  # fmt: skip
    events = concat_chunks(chunks, n_events + 64)  # shares are rounded per channel
    events.attrs["metadata"] = dict(events.attrs["metadata"])
    events.attrs["metadata"]["upscatters"] = float(events["upscattering_weight"].sum())
    return events


def iter_upscattering(
    model,
    experiment: str | Exposure = "miniboone",
    n_events: int = 100_000,
    *,
    flavour: str = "mu",
    decay: str = "nu e e",
    hnl: int = 4,
    seed: int = 1,
    e_min_factor: float = 1.05,
    nc_convention: str = "darknews",
    vegas_neval: int = 5_000,
    vegas_nitn: int = 20,
    progress: bool = False,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    _check_memory: bool = False,
) -> Iterator[pd.DataFrame]:
    """The events of :func:`generate_upscattering` in chunks (memory of one chunk at any n).

    Every chunk holds events of every channel (each channel's events are spread evenly over the
    chunks, weights normalized to the whole run), so any chunk is a sample of the run.
    Reproducibility: the same seed and ``chunk_size`` give the same events, bit for bit;
    :func:`generate_upscattering` is their concatenation with the default chunk size. The
    metadata of the chunks lacks ``upscatters`` (a total over all chunks).

    Parameters
    ----------
    model : DarkNeutrinoModel
        The model.
    experiment : str or Exposure
        Exposure name (:func:`nuportal.detectors.exposures.list_exposures`).
    n_events : int
        Number of weighted events (shared among the channels in proportion to their rates).
    flavour : {"e", "mu", "tau", "ebar", "mubar", "taubar"}
        Beam neutrino flavour ("...bar": antineutrinos, upscattering into Nbar; e.g. the main
        component of MiniBooNE's RHC beam is "mubar").
    decay : {"nu e e", "nu mu mu", "nu gamma", "N4 e e", "N4 mu mu"}
        Decay channel of the produced N generated (weights include its branching ratio).
    hnl : {4, 5}
        Which heavy neutral lepton the neutrinos upscatter into (5: the heavier one of a 3+2
        model, ``DarkNeutrinoModel(..., m5=...)``, typically decaying into N4 e+ e-).
    seed : int
        Random seed (same seed, same events).
    e_min_factor, nc_convention
        As in :func:`upscattering_rates`.
    vegas_neval, vegas_nitn : int
        vegas adaptation settings per channel (the defaults bring the spread of the weights to
        about 30 % of their mean for the reference benchmark, in 0.12 s per channel).
    progress : bool
        Show a progress bar (one step per channel adapted and per channel generated).

    chunk_size : int
        Events per chunk.

    Yields
    ------
    pandas.DataFrame
        About ``chunk_size`` events (columns as :func:`generate_upscattering`).
    """
    if decay not in DECAY_CHANNELS:
        raise ValueError(f"decay must be one of {DECAY_CHANNELS}, got {decay!r}")
    if not isinstance(n_events, int | np.integer) or n_events < 1:
        raise ValueError(f"n_events must be a positive integer, got {n_events!r}")
    exp = experiment if isinstance(experiment, Exposure) else exposure(experiment)
    _flavour_column(flavour)
    if hnl not in (4, 5):
        raise ValueError(f"hnl must be 4 or 5, got {hnl!r}")
    if hnl == 5 and getattr(model, "m5", None) is None:
        raise ValueError("hnl=5 needs a 3+2 model: DarkNeutrinoModel(..., m5=...)")
    if decay.startswith("N4") and hnl != 5:
        raise ValueError(f"decay {decay!r} is a decay of N5: pass hnl=5")
    produced = model if hnl == 4 else model.hnl(5)
    width = float(produced.total_width)
    channel_width = _decay_width(produced, decay)
    if not channel_width > 0.0:
        lepton = constants.M_MUON if decay.endswith("mu mu") else constants.M_ELECTRON
        threshold = 0.0 if decay == "nu gamma" else 2 * lepton
        threshold += float(model.m4) if decay.startswith("N4") else 0.0
        if not float(produced.m4) > threshold:
            raise ValueError(
                f"N{hnl} -> {decay} is kinematically closed: m{hnl} = {float(produced.m4):g} GeV "
                f"is not above the threshold {threshold:.6g} GeV"
            )
        raise ValueError(f"N{hnl} has no width into {decay!r} for this model (couplings vanish)")
    branching = channel_width / width
    detector = exp.geometry()
    volume = detector.active_volume
    source = detector.source()
    seeds = np.random.SeedSequence(seed)
    plans = []
    exp_channels = list(channels(exp))
    # a bar with a total on a terminal: one step per channel adapted, then one per chunk
    bar = tqdm(total=len(exp_channels), unit="step", desc="upscattering", disable=not progress)
    for index, channel in enumerate(exp_channels):
        lo, hi = _energy_range(produced, exp, channel, e_min_factor)
        bar.update(1)
        if not hi > lo:
            continue
        parts, target = _channel_integrand(produced, exp, channel, flavour, lo, hi, nc_convention)
        adapted = adapt_map(
            partial(_helicity_sum, parts), 2,
            seed=int(seeds.generate_state(1)[0]) + index, nitn=vegas_nitn, neval=vegas_neval,
        )  # fmt: skip
        plans.append((channel, parts, target, adapted))
    if not plans:
        bar.close()
        raise ValueError(
            f"m{hnl} = {produced.m4} GeV is above what the {exp.name} flux can produce "
            f"(highest energy {exp.energy_range[1]} GeV)"
        )
    totals = np.array([max(p[3].integral, 0.0) for p in plans])
    if not (np.all(np.isfinite(totals)) and totals.sum() > 0.0):
        bar.close()
        raise ZeroRateError(
            f"no upscattering at {exp.name}: a zero rate (its flux has no {flavour} neutrinos "
            f"in the range that can produce N{hnl}, or their couplings to N{hnl} vanish)"
        )
    shares = np.maximum(np.round(n_events * totals / totals.sum()).astype(int), 1)
    if _check_memory:
        check_memory(int(shares.sum()), _BYTES_PER_EVENT, "n_events",
                     "write them in chunks with nuportal.generation.upscattering."
                     "write_upscattering (the command line does)")  # fmt: skip
    n_chunks = max(1, -(-int(shares.sum()) // int(chunk_size)))
    bar.total += n_chunks
    bar.refresh()
    rng = np.random.default_rng(seeds.spawn(1)[0])
    metadata = {
        "generator": "nuportal.generation.upscattering",
        "experiment": exp.name,
        "detector": exp.detector,
        "pot": exp.pot,
        "flavour": flavour,
        "decay": decay,
        "hnl": hnl,
        "seed": seed,
        "model": repr(model),
        "m4_GeV": float(model.m4),
        "mzprime_GeV": float(model.mzprime),
        "dirac": bool(model.dirac),
        "branching_ratio": branching,
        "ctau_m": float(produced.ctau),
        "chunk_size": int(chunk_size),
        "weight_normalization": (
            f"expected events with N decaying into {decay} inside the detector for the "
            f"exposure ({exp.pot:g} POT); upscattering_weight: upscatters (decays normalized "
            "to one)"
        ),
    }
    anti = flavour.endswith("bar")

    def chunks() -> Iterator[pd.DataFrame]:
        for j in range(n_chunks):
            tables = []
            for (channel, parts, target, adapted), n in zip(plans, shares, strict=True):
                k = int(n // n_chunks + (j < n % n_chunks))  # channel n spread over the chunks
                if k == 0:
                    continue
                x, jac = map_points(adapted.map, rng.random((k, 2)))
                e, q2, f_minus, f_plus = parts(x)
                total = f_minus + f_plus
                weight = total * jac / n
                helicity = np.where(rng.random(k) * total < f_minus, -1, 1)
                tables.append(_events(model, produced, channel, target, e, q2, weight, helicity,
                                      volume, source, decay, width, branching, rng,
                                      antineutrino=anti))  # fmt: skip
            events = pd.concat(tables, ignore_index=True) if len(tables) > 1 else tables[0]
            events.attrs["metadata"] = metadata
            bar.update(1)
            if j == n_chunks - 1:
                bar.close()
            yield events

    return chunks()


#: Peak memory per upscattering event of :func:`generate_upscattering` [bytes] (1e6 events
#: took 1.5 GB of resident memory).
_BYTES_PER_EVENT = 1500.0


def _events(model, produced, channel, target, e, q2, weight, helicity, volume, source, decay,
            width, branching, rng, *, antineutrino: bool = False) -> pd.DataFrame:  # fmt: skip
    """Lab-frame events of one channel: kinematics, scattering vertex, decay.

    For an antineutrino beam the upscattered particle is Nbar: by CP its decay at rest with
    helicity h is that of N with helicity -h with every particle replaced by its antiparticle
    (the charged leptons swap), which is how it is sampled.
    """
    n = len(e)
    m4, mt = produced.m4, target.mass
    vertex = sample_uniform_points(volume, n, rng)
    beam = source.directions_to(vertex)
    e_n = e - q2 / (2.0 * mt)
    p_n = np.sqrt(np.clip(e_n**2 - m4**2, 0.0, None))
    cos = np.clip((2.0 * e * e_n - m4**2 - q2) / (2.0 * e * p_n), -1.0, 1.0)
    direction = rotate_z_to(unit_vectors(cos, rng.uniform(0.0, 2.0 * np.pi, n)), beam)
    p4_n = np.column_stack([e_n, p_n[:, None] * direction])
    p4_nu = np.column_stack([e, e[:, None] * beam])
    p4_recoil = p4_nu + np.column_stack([np.full(n, mt), np.zeros((n, 3))]) - p4_n
    columns: dict[str, NDArray] = {}
    order = np.argsort(helicity, kind="stable")  # decays are sampled per helicity group
    parts = []
    for h in (-1, 1):
        rows = order[helicity[order] == h]
        if not len(rows):
            continue
        beam_h = ParentBeam(p4_n[rows], vertex[rows], weight[rows], np.full(len(rows), h))
        if antineutrino:
            rest = _rest_frame_decays(model, produced, decay, -h, len(rows), rng)
            if decay != "nu gamma":  # Nbar -> nubar l+ l-: the charged leptons swap
                rest = RestFrameDecays(lepton_minus=rest.lepton_plus,
                                       lepton_plus=rest.lepton_minus, weight=rest.weight,
                                       nu=rest.nu)  # fmt: skip
        else:
            rest = _rest_frame_decays(model, produced, decay, h, len(rows), rng)
        neutral = "N4" if decay.startswith("N4") else "nu"
        if decay == "nu gamma":
            names = ("nu", "nu", "gamma")
        elif decay.endswith("mu mu"):
            names = (neutral, "mu_minus", "mu_plus")
        else:
            names = (neutral, "e_minus", "e_plus")
        cols = decays_in_volume(beam_h, rest, volume, width, branching, rng, names=names)
        cols["rows"] = rows
        parts.append(cols)
    keys = parts[0].keys()
    merged = {k: np.concatenate([p[k] for p in parts]) for k in keys}
    back = np.argsort(merged.pop("rows"))
    columns = {k: v[back] for k, v in merged.items()}
    columns["upscattering_weight"] = weight
    columns["helicity"] = helicity
    columns["E_nu"] = e
    columns["Q2"] = q2
    for axis, values in zip("xyz", vertex.T, strict=True):
        columns[f"scatter_{axis}"] = values
    columns |= four_vector_columns("nu_in", p4_nu)
    columns |= four_vector_columns("recoil", p4_recoil)
    columns |= _visible(columns, beam, decay)
    table = pd.DataFrame(columns)
    table.insert(1, "nucleus", channel.nucleus)
    table.insert(2, "process", channel.process)
    return table


#: Binding energy of the CCQE hypothesis of MiniBooNE's reconstructed energy [GeV].
MINIBOONE_BINDING_ENERGY = 0.034


def reconstructed_energy_qe(
    visible_energy: NDArray[np.float64],
    cos_theta: NDArray[np.float64],
    *,
    lepton_mass: float = 0.0,
    binding_energy: float = MINIBOONE_BINDING_ENERGY,
) -> NDArray[np.float64]:
    """Neutrino energy reconstructed as charged-current quasi-elastic scattering [GeV].

    E_QE = [2 M' E - (M'^2 + m_l^2 - m_p^2)] / [2 (M' - E + p cos(theta))], M' = m_n - E_B
    (MiniBooNE's CCQE formula with E_B = 34 MeV: A. A. Aguilar-Arevalo et al., PRD 81 (2010)
    092005, arXiv:1002.2680; its use for the e-like sample is not verified). A single shower is
    treated as a massless lepton of the visible energy, along the shower direction.

    Parameters
    ----------
    visible_energy : array_like
        Visible energy [GeV] (the e+ e- pair or the photon).
    cos_theta : array_like
        Cosine of its angle to the beam.
    lepton_mass, binding_energy : float
        Lepton mass and binding energy E_B [GeV].
    """
    e = np.asarray(visible_energy, dtype=float)
    m_n, m_p = constants.mass("n"), constants.mass("p")
    mp = m_n - binding_energy
    p = np.sqrt(np.clip(e * e - lepton_mass**2, 0.0, None))
    return (2.0 * mp * e - (mp * mp + lepton_mass**2 - m_p * m_p)) / (
        2.0 * (mp - e + p * np.asarray(cos_theta, dtype=float))
    )


def _visible(columns, beam: NDArray[np.float64], decay: str) -> dict[str, NDArray[np.float64]]:
    """Visible energy, angle of the visible system to the beam, and E_QE."""
    names = ("gamma",) if decay == "nu gamma" else (
        ("e_minus", "e_plus") if decay.endswith("e e") else ("mu_minus", "mu_plus")
    )  # fmt: skip
    p = sum(np.column_stack([columns[f"{n}_{c}"] for c in ("E", "px", "py", "pz")]) for n in names)
    cos = np.einsum("ij,ij->i", p[:, 1:], beam) / np.linalg.norm(p[:, 1:], axis=1)
    return {
        "E_vis": p[:, 0],
        "cos_theta_vis": cos,
        "E_QE": reconstructed_energy_qe(p[:, 0], cos),
    }


def __getattr__(name: str):
    # the file writers live in upscattering_files (they import this module)
    if name in ("write_upscattering", "write_upscattering_hepmc3"):
        from nuportal.generation import upscattering_files

        return getattr(upscattering_files, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
