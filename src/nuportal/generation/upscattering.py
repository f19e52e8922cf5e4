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

import json
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

__all__ = [
    "DECAY_CHANNELS",
    "Channel",
    "channels",
    "generate_upscattering",
    "reconstructed_energy_qe",
    "upscattering_rates",
    "write_upscattering_hepmc3",
]

_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(16)


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
        raise ValueError(f"N{hnl} has no width into {decay!r} for this model (couplings vanish)")
    branching = channel_width / width
    detector = exp.geometry()
    volume = detector.active_volume
    source = detector.source()
    seeds = np.random.SeedSequence(seed)
    plans = []
    exp_channels = list(channels(exp))
    # one step per channel to adapt and one to generate: a bar with a total on a terminal
    bar = tqdm(total=2 * len(exp_channels), unit="step", desc="upscattering", disable=not progress)
    for index, channel in enumerate(exp_channels):
        lo, hi = _energy_range(produced, exp, channel, e_min_factor)
        bar.update(1)
        if not hi > lo:
            bar.update(1)
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
    shares = np.maximum(np.round(n_events * totals / totals.sum()).astype(int), 1)
    rng = np.random.default_rng(seeds.spawn(1)[0])
    tables = []
    for (channel, parts, target, adapted), n in zip(plans, shares, strict=True):
        x, jac = map_points(adapted.map, rng.random((n, 2)))
        e, q2, f_minus, f_plus = parts(x)
        total = f_minus + f_plus
        weight = total * jac / n
        helicity = np.where(rng.random(n) * total < f_minus, -1, 1)
        tables.append(_events(model, produced, channel, target, e, q2, weight, helicity,
                              volume, source, decay, width, branching, rng,
                              antineutrino=flavour.endswith("bar")))  # fmt: skip
        bar.update(1)
    bar.close()
    events = pd.concat(tables, ignore_index=True)
    events.attrs["metadata"] = {
        "generator": "nuportal.generation.upscattering",
        "experiment": exp.name,
        "pot": exp.pot,
        "flavour": flavour,
        "decay": decay,
        "hnl": hnl,
        "seed": seed,
        "model": repr(model),
        "branching_ratio": branching,
        "ctau_m": float(produced.ctau),
        "upscatters": float(events["upscattering_weight"].sum()),
        "weight_normalization": (
            f"expected events with N decaying into {decay} inside the detector for the "
            f"exposure ({exp.pot:g} POT); upscattering_weight: upscatters (decays normalized "
            "to one)"
        ),
    }
    return events


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
    (upscattering note Sec. 8; MiniBooNE's CCQE formula with E_B = 34 MeV). A single shower is
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


def _target_pdg(nucleus_names: NDArray, processes: NDArray) -> NDArray[np.int64]:
    """PDG numbers of the scattering targets: 2212 for a proton, 100ZZZAAA0 for a nucleus."""
    out = np.full(len(nucleus_names), 2212, dtype=np.int64)
    for name in np.unique(nucleus_names):
        nuc = nucleus(str(name))
        code = 2212 if nuc.is_nucleon else 1_000_000_000 + 10_000 * nuc.Z + 10 * nuc.A
        out[(nucleus_names == name) & (processes == "coherent")] = code
    return out


def write_upscattering_hepmc3(events: pd.DataFrame, path) -> None:
    """Write upscattering events to HepMC3 ASCII (vectorized, :func:`nuportal.hepmc3.write_hepmc3`).

    Topology: the beam neutrino and the target (a nucleus, or a proton for elastic scattering on
    protons; status 4) meet at the scattering vertex (positions in mm); N (PDG 9900012 for N4,
    9900014 for N5, the HeavyN convention of arXiv:1411.7305; status 2) and the recoil (status 1)
    leave it; N decays at the second vertex into the neutrino (or N4) and the visible particles
    (status 1). Masses are the nominal ones. The event weight is ``weight``; the run attributes
    carry the metadata.
    """
    from nuportal import __version__
    from nuportal.hepmc3 import HepMCParticle, HepMCVertex, write_hepmc3

    meta = events.attrs.get("metadata", {})
    flavour = meta.get("flavour", "mu")
    nu_pdg = _NU_PDG[flavour]
    four = lambda name: events[[f"{name}_{c}" for c in ("E", "px", "py", "pz")]].to_numpy()  # noqa: E731
    targets = _target_pdg(events["nucleus"].to_numpy(), events["process"].to_numpy())
    target_mass = np.where(
        targets == 2212, nucleus("proton").mass,
        np.array([nucleus(str(x)).mass for x in events["nucleus"]]),
    )  # fmt: skip
    n = len(events)
    at_rest = np.column_stack([target_mass, np.zeros((n, 3))])
    m4 = float(np.sqrt(max(four("parent")[0] @ (four("parent")[0] * [1, -1, -1, -1]), 0.0)))
    # PDG numbers of heavy neutral leptons: the HeavyN convention (arXiv:1411.7305), N4 ->
    # 9900012 and, in a 3+2 model, N5 -> 9900014
    parent_pdg = 9900014 if meta.get("hnl", 4) == 5 else 9900012
    if flavour.endswith("bar"):  # Nbar from an antineutrino beam
        parent_pdg = -parent_pdg
    neutral = ("N4", 9900012 * np.sign(parent_pdg)) if "N4_E" in events else ("nu", nu_pdg)
    if "N4_E" in events:
        n4 = four("N4")[0]
        neutral_mass = float(np.sqrt(max(n4 @ (n4 * [1, -1, -1, -1]), 0.0)))
    else:
        neutral_mass = 0.0
    if "gamma_E" in events:
        visible = [(22, "gamma", 0.0)]
    elif "mu_minus_E" in events:
        m_mu = constants.mass("mu-")
        visible = [(13, "mu_minus", m_mu), (-13, "mu_plus", m_mu)]
    else:
        m_e = constants.mass("e-")
        visible = [(11, "e_minus", m_e), (-11, "e_plus", m_e)]
    particles = [
        HepMCParticle(nu_pdg, four("nu_in"), 0.0, 4),
        HepMCParticle(targets, at_rest, target_mass, 4),
        HepMCParticle(parent_pdg, four("parent"), m4, 2, 1),
        HepMCParticle(targets, four("recoil"), target_mass, 1, 1),
        HepMCParticle(neutral[1], four(neutral[0]), neutral_mass, 1, 2),
    ] + [HepMCParticle(pdg, four(name), mass, 1, 2) for pdg, name, mass in visible]
    mm = 1e3
    vertices = [
        HepMCVertex(events[["scatter_x", "scatter_y", "scatter_z"]].to_numpy() * mm, (1, 2)),
        HepMCVertex(events[["vertex_x", "vertex_y", "vertex_z"]].to_numpy() * mm, (3,)),
    ]
    attributes = {f"nuportal.{k}": json.dumps(v) for k, v in meta.items()}
    write_hepmc3(path, particles, vertices, events["weight"].to_numpy(), attributes=attributes,
                 tool=("nuportal", __version__, "nuportal.generation.upscattering"))  # fmt: skip
