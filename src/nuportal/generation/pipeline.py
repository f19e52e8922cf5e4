"""The generate job: model + source + detector -> weighted, reconstructed events.

source (kaons decaying at rest, or pi+/K+ from protons on a target decaying in flight) ->
production (K+ -> mu+ N, pi+ -> mu+ N or K+ -> pi+ S: momentum, helicity, branching ratio) ->
propagation (exact decay probability in the volume) -> detection (rest-frame decay sampled from
its matrix element, boosted) -> response (smearing, thresholds, selection).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

import nuportal
from nuportal import constants
from nuportal.analysis.reconstruct import DetectorResponse, reconstruct
from nuportal.detectors import Detector, get_detector
from nuportal.generation.decay_samplers import ThreeBodyNuLL, TwoBodyIsotropic
from nuportal.generation.lab_frame import decays_in_volume
from nuportal.kinematics import two_body_momentum
from nuportal.models import meson_decays
from nuportal.models.hnl import HeavyNeutralLepton
from nuportal.models.scalar import HiggsPortalScalar, br_kaon_to_pion_scalar
from nuportal.sources import MonochromaticPointSource
from nuportal.sources.target.beams import BeamTarget
from nuportal.streaming import DEFAULT_CHUNK_SIZE, check_memory, chunk_sizes, concat_chunks

__all__ = [
    "KDARProduction",
    "generate",
    "iter_generate",
    "kdar_production",
    "kdar_source_position",
    "target_production",
    "write_generated",
]

#: Weight normalization, stored with every event file.
WEIGHT_NORMALIZATION = (
    "weight = expected number of decays of the new particle into the sampled channel inside the "
    "detector's active volume per K+ decaying at rest in the source (sum over events); multiply "
    "by the number of kaons decaying at rest to get events"
)
#: ``source="target"``: at most this many batches of mesons are drawn per chunk to find mesons
#: whose daughters can reach the detector.
_MAX_BATCHES = 200

#: Weight normalization of ``source="target"``.
WEIGHT_NORMALIZATION_TARGET = (
    "weight = expected number of decays of the new particle into the sampled channel inside the "
    "detector's active volume per proton on target (sum over events); multiply by the POT"
)


@dataclass(frozen=True)
class KDARProduction:
    """A new particle X from K+ decaying at rest (production stage).

    Attributes
    ----------
    mass, momentum : float
        Mass and momentum [GeV] of X.
    polarization : float
        Helicity of X along its direction of flight.
    branching_ratio : float
        Br(K+ -> partner X) at the given coupling.
    """

    mass: float
    momentum: float
    polarization: float
    branching_ratio: float


def _check_coupling(coupling: float, name: str) -> float:
    c = float(coupling)
    if not (math.isfinite(c) and 0.0 < c <= 1.0):
        raise ValueError(f"{name} must be finite and in (0, 1], got {coupling!r}")
    return c


def kdar_production(
    model: Literal["hnl", "scalar"],
    mass: float,
    coupling: float,
    mixing: str = "mu",
    br_form: str = "first-principles",
) -> KDARProduction:
    """Momentum, helicity and branching ratio of X from K+ -> l+ N or K+ -> pi+ S at rest.

    Parameters
    ----------
    model : {"hnl", "scalar"}
    mass : float
        m_N or m_S [GeV].
    coupling : float
        |U_l4|^2 (HNL) or theta (scalar).
    mixing : {"e", "mu"}
        HNL: flavour of the charged lepton in K+ -> l+ N (and of the mixing).
    br_form : str
        Scalar: form of Br(K+ -> pi+ S) (see :func:`nuportal.models.scalar.br_kaon_to_pion_scalar`).
    """
    if model == "hnl":
        limit = constants.M_K_CHARGED - constants.LEPTON_MASS[mixing]
        if not 0.0 < mass < limit:
            raise ValueError(
                f"mass = {mass} GeV is outside the range of K+ -> {mixing}+ N at rest: "
                f"0 < m_N < m_K - m_{mixing} = {limit:.4f} GeV"
            )
        return KDARProduction(
            mass=mass,
            momentum=float(meson_decays.hnl_momentum_at_rest("K+", mixing, mass)),
            polarization=float(meson_decays.hnl_polarization("K+", mixing, mass)),
            branching_ratio=float(
                meson_decays.br_meson_to_lepton_hnl("K+", mixing, mass, coupling)
            ),
        )
    if model == "scalar":
        limit = constants.M_K_CHARGED - constants.M_PI_CHARGED
        if not 0.0 < mass < limit:
            raise ValueError(
                f"mass = {mass} GeV is outside the range of K+ -> pi+ S: 0 < m_S < m_K - m_pi = "
                f"{limit:.4f} GeV"
            )
        return KDARProduction(
            mass=mass,
            momentum=float(two_body_momentum(constants.M_K_CHARGED, constants.M_PI_CHARGED, mass)),
            polarization=0.0,
            branching_ratio=float(br_kaon_to_pion_scalar(mass, coupling, form=br_form)),
        )
    raise ValueError(f"model must be 'hnl' or 'scalar', got {model!r}")


def kdar_source_position(detector) -> np.ndarray:
    """Where kaons decay at rest for a detector: the NuMI absorber for MicroBooNE, otherwise
    the detector's default (beam-target) source [m, detector frame]."""
    key = "numi_absorber" if "numi_absorber" in detector.sources else None
    return detector.source(key).position


def target_production(
    model: Literal["hnl", "scalar"],
    mass: float,
    coupling: float,
    mixing: str,
    detector: Detector,
    beam: str | BeamTarget | None = None,
    parent: str = "K+",
    decay_region: float | None = None,
) -> tuple[KDARProduction, Callable, dict]:
    """Production stage of ``source="target"``: mesons from a target decaying in flight.

    Parameters
    ----------
    model, mass, coupling, mixing
        As in :func:`generate` (mass [GeV]).
    detector : Detector
        The target sits at the detector's source of the same name as the beam (else its default
        source), with the proton beam along the detector frame's +z axis.
    beam : str or BeamTarget, optional
        Default: the first of the detector's sources that is a catalog beam.
    parent : {"K+", "pi+"}
        Decaying meson; the scalar is produced in K+ -> pi+ S only.
    decay_region : float, optional
        Length [m] where the mesons may decay (default: the beamline's decay pipe).

    Returns
    -------
    production, make_beam, metadata
        The branching ratio and rest-frame momentum of X (helicity 0: the spin of X is not
        tracked through the boost), a function ``(k, rng) -> ParentBeam`` of k X aimed through
        the active volume with weights per POT (before the branching ratio), and metadata.
    """
    from nuportal.sources.target import get_beam, list_beams, sample_mesons
    from nuportal.sources.target.decay_in_flight import (
        DECAY_REGION,
        can_reach,
        daughters_through_volume,
    )

    if parent not in ("K+", "pi+"):
        raise ValueError(f"parent must be 'K+' or 'pi+', got {parent!r}")
    if beam is None:
        names = [s for s in detector.sources if s in list_beams()]
        if not names:
            raise ValueError(
                f"detector {detector.name!r} has no catalog beam source; give beam= "
                f"(one of {list_beams()} or a BeamTarget)"
            )
        beam = names[0]
    target = get_beam(beam)
    if decay_region is None:
        if target.name not in DECAY_REGION:
            raise ValueError(f"decay_region (m) is needed for the beam {target.name!r}")
        decay_region = DECAY_REGION[target.name]
    if not (math.isfinite(decay_region) and decay_region > 0):
        raise ValueError(f"decay_region must be finite and > 0 m, got {decay_region!r}")
    m_parent = constants.mass(parent)
    if model == "hnl":
        partner = constants.LEPTON_MASS[mixing]
        channel = f"{parent} -> {mixing}+ N"
        branching = (
            float(meson_decays.br_meson_to_lepton_hnl(parent, mixing, mass, coupling))
            if mass < m_parent - partner
            else 0.0
        )
    elif model == "scalar":
        if parent != "K+":
            raise ValueError("the scalar is produced in K+ -> pi+ S: parent must be 'K+'")
        partner = constants.M_PI_CHARGED
        channel = "K+ -> pi+ S"
        branching = (
            float(br_kaon_to_pion_scalar(mass, coupling)) if mass < m_parent - partner else 0.0
        )
    else:
        raise ValueError(f"model must be 'hnl' or 'scalar', got {model!r}")
    if not 0.0 < mass < m_parent - partner:
        raise ValueError(
            f"mass = {mass} GeV is outside the range of {channel}: 0 < m < "
            f"{m_parent - partner:.4f} GeV"
        )
    ctau = constants.lifetime(parent) * constants.SPEED_OF_LIGHT
    origin = (
        detector.sources[target.name].position
        if target.name in detector.sources
        else (detector.source(None).position)
    )
    volume = detector.active_volume

    def make_beam(k: int, rng: np.random.Generator):
        # Mesons whose X cannot reach the detector contribute exactly zero: draw batches of k,
        # keep those that can (can_reach is conservative), and subsample k of them at random
        # with the weights scaled by n_kept / k (unbiased; weights per batch sum to the yield,
        # hence the division by the number of batches).
        kept_p, kept_x, kept_w, n_batches = [], [], [], 0
        while n_batches < _MAX_BATCHES and sum(len(w) for w in kept_w) < k:
            mesons = sample_mesons(target, parent, n=k, seed=rng)
            pos = mesons.positions + origin
            ok = can_reach(mesons.momenta, pos, m_parent, mass, partner, volume, decay_region)
            kept_p.append(mesons.momenta[ok])
            kept_x.append(pos[ok])
            kept_w.append(mesons.weights[ok])
            n_batches += 1
        p4, x0, w = np.concatenate(kept_p), np.concatenate(kept_x), np.concatenate(kept_w)
        w = w / n_batches
        if len(w) == 0:  # nothing can reach the detector: k zero-weight placeholders
            mesons = sample_mesons(target, parent, n=k, seed=rng)
            p4, x0, w = mesons.momenta, mesons.positions + origin, np.zeros(k)
        elif len(w) > k:
            pick = rng.choice(len(w), size=k, replace=False)
            p4, x0, w = p4[pick], x0[pick], w[pick] * (len(w) / k)
        elif len(w) < k:  # batch limit hit: resample with replacement (still unbiased)
            pick = rng.integers(0, len(w), size=k)
            p4, x0, w = p4[pick], x0[pick], w[pick] * (len(w) / k)
        return daughters_through_volume(
            p4, x0, w, m_parent, ctau, mass, partner, volume, float(decay_region), rng
        )

    prod = KDARProduction(
        mass=mass,
        momentum=float(two_body_momentum(m_parent, mass, partner)),
        polarization=0.0,
        branching_ratio=branching,
    )
    meta = {
        "source": f"{parent} from {target.proton_energy:g} GeV protons on {target.material} "
        f"({target.name}) decaying in flight within {decay_region:g} m; no horn focusing",
        "source_position_m": np.asarray(origin, float).tolist(),
        "beam": target.name,
        "parent": parent,
        "decay_region_m": float(decay_region),
        "weight_normalization": WEIGHT_NORMALIZATION_TARGET,
    }
    return prod, make_beam, meta


def generate(
    model: Literal["hnl", "scalar"] = "hnl",
    mass: float = 0.15,
    coupling: float = 1e-6,
    mixing: Literal["e", "mu"] = "mu",
    majorana: bool = True,
    n_events: int = 100_000,
    detector: str | Detector = "microboone",
    source: Literal["kdar"] = "kdar",
    method: Literal["vegas", "numpy"] = "vegas",
    seed: int | Sequence[int] | None = 1,
    response: DetectorResponse | None = None,
    progress: bool = False,
    *,
    beam: str | BeamTarget | None = None,
    parent: Literal["K+", "pi+"] = "K+",
    decay_region: float | None = None,
) -> pd.DataFrame:
    """Weighted events of a new particle from meson decays, decaying in a detector.

    Parameters
    ----------
    model : {"hnl", "scalar"}
        Heavy neutral lepton (K+ -> l+ N, N -> nu e+ e-, polarized three-body decay) or
        Higgs-portal scalar (K+ -> pi+ S, S -> e+ e-).
    mass : float
        Mass of the new particle [GeV].
    coupling : float
        HNL: |U_l4|^2 with l = ``mixing``; scalar: mixing angle theta. In (0, 1].
    mixing : {"e", "mu"}
        HNL mixing flavour (also the charged lepton of the production decay).
    majorana : bool
        HNL: Majorana (True) or Dirac.
    n_events : int
        Number of weighted events (> 0).
    detector : str or Detector
        Catalog name (:func:`nuportal.detectors.list_detectors`) or a
        :class:`~nuportal.detectors.Detector` (e.g. ``get_detector("microboone",
        absorber_distance=102)``).
    source : {"kdar", "target"}
        ``"kdar"``: kaons decaying at rest at the detector's KDAR site
        (:func:`kdar_source_position`). ``"target"``: ``parent`` mesons from protons on the
        ``beam``'s target (:mod:`nuportal.sources.target`) decaying in flight within
        ``decay_region`` of their production point (:func:`target_production`); weights per POT.
        Horn focusing is NOT simulated: exact for a beam dump or an unmagnetized decay volume, an
        underestimate of on-axis fluxes in a horn-focused beam (docs/target.md).
    method : {"vegas", "numpy"}
        Rest-frame sampler of the three-body decay.
    seed : int or sequence of int
        Random seed (anything :func:`numpy.random.default_rng` takes): same seed, same events,
        bit for bit.
    response : DetectorResponse, optional
        Detector response (default: :class:`DetectorResponse()`, the reference recast's).
    progress : bool
        Show a progress bar.
    beam : str or BeamTarget, optional
        ``source="target"``: catalog beam ("lbnf", "numi", "bnb") or a
        :class:`~nuportal.sources.target.BeamTarget` (default: the detector's beam source).
    parent : {"K+", "pi+"}
        ``source="target"``: the decaying meson (K+ -> l+ N, pi+ -> l+ N, K+ -> pi+ S).
    decay_region : float, optional
        ``source="target"``: length [m] along the meson's flight where it may decay (default:
        the beamline's decay pipe, :data:`nuportal.sources.target.decay_in_flight.DECAY_REGION`).

    Returns
    -------
    pandas.DataFrame
        One row per event (see :func:`nuportal.generation.lab_frame.decays_in_volume` and
        :func:`nuportal.analysis.reconstruct.reconstruct` for the columns); ``attrs["metadata"]``
        records the inputs, the seed and the weight normalization.
    """
    return concat_chunks(
        iter_generate(
            model, mass, coupling, mixing, majorana, n_events, detector, source, method, seed,
            response, progress, chunk_size=_CHUNK, _check_memory=True, beam=beam, parent=parent,
            decay_region=decay_region,
        ),
        int(n_events),
    )  # fmt: skip


#: Events per chunk of :func:`generate` (the default of :func:`iter_generate`).
_CHUNK = DEFAULT_CHUNK_SIZE

#: Peak memory per event of :func:`generate` [bytes]: ~45 float columns of the result plus the
#: working arrays of one chunk (1e6 events took 0.7 GB of resident memory).
_BYTES_PER_EVENT = 700.0


def iter_generate(
    model: Literal["hnl", "scalar"] = "hnl",
    mass: float = 0.15,
    coupling: float = 1e-6,
    mixing: Literal["e", "mu"] = "mu",
    majorana: bool = True,
    n_events: int = 100_000,
    detector: str | Detector = "microboone",
    source: Literal["kdar"] = "kdar",
    method: Literal["vegas", "numpy"] = "vegas",
    seed: int | Sequence[int] | None = 1,
    response: DetectorResponse | None = None,
    progress: bool = False,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    _check_memory: bool = False,
    beam: str | BeamTarget | None = None,
    parent: Literal["K+", "pi+"] = "K+",
    decay_region: float | None = None,
) -> Iterator[pd.DataFrame]:
    """The events of :func:`generate` in chunks of ``chunk_size`` (memory of one chunk).

    Same parameters as :func:`generate`. Every chunk is a DataFrame with the same columns and
    ``attrs["metadata"]``; the weights are normalized to the whole run (their sum over all
    chunks is the total). Reproducibility: the same seed and the same ``chunk_size`` give the
    same events, bit for bit; :func:`generate` is the concatenation of the chunks with the
    default chunk size.

    Yields
    ------
    pandas.DataFrame
        ``chunk_size`` events (the last chunk: the remainder).
    """
    if source not in ("kdar", "target"):
        raise ValueError(f"unknown source {source!r}; available sources: ['kdar', 'target']")
    if int(n_events) <= 0:
        raise ValueError(f"n_events must be a positive integer, got {n_events!r}")
    if method not in ("vegas", "numpy"):
        raise ValueError(f"method must be 'vegas' or 'numpy', got {method!r}")
    if model == "hnl" and mixing not in ("e", "mu"):
        raise ValueError(f"mixing must be 'e' or 'mu' for production in K+ decays, got {mixing!r}")
    if not (isinstance(mass, (int, float)) and math.isfinite(mass) and mass > 0):
        raise ValueError(f"mass must be a finite number > 0 GeV, got {mass!r}")
    n_events = int(n_events)
    sizes = chunk_sizes(n_events, chunk_size)
    if _check_memory:
        check_memory(n_events, _BYTES_PER_EVENT, "n_events",
                     "write them in chunks with nuportal.generation.pipeline.write_generated "
                     "(the command line does)")  # fmt: skip
    coupling = _check_coupling(coupling, "coupling (|U|^2 for an HNL, theta for a scalar)")
    det = detector if isinstance(detector, Detector) else get_detector(detector)
    response = response or DetectorResponse()
    rng = np.random.default_rng(seed)

    if source == "target":
        prod, make_beam, source_meta = target_production(
            model, float(mass), coupling, mixing, det, beam, parent, decay_region
        )
    else:
        prod = kdar_production(model, float(mass), coupling, mixing)
        point = MonochromaticPointSource(
            kdar_source_position(det), prod.mass, prod.momentum, prod.polarization
        )
        make_beam = lambda k, r: point.sample_through(det.active_volume, k, r)  # noqa: E731
        source_meta = {
            "source": "kaons decaying at rest",
            "source_position_m": kdar_source_position(det).tolist(),
            "weight_normalization": WEIGHT_NORMALIZATION,
        }
    if model == "hnl":
        if mass <= 2 * constants.M_ELECTRON:
            raise ValueError(
                f"mass = {mass} GeV is below the N -> nu e+ e- threshold 2 m_e = "
                f"{2 * constants.M_ELECTRON:.6f} GeV"
            )
        hnl = HeavyNeutralLepton(mass, **{f"U2_{mixing}": coupling}, majorana=majorana)
        total_width = float(hnl.total_width)
        br = float(hnl.width_nu_ll("e")) / total_width
        decay = ThreeBodyNuLL(
            mass, lepton="e", mixing=mixing, majorana=majorana, polarization=prod.polarization
        )
        sample = lambda k, r: decay.sample(k, r, method=method)  # noqa: E731
    else:
        if mass <= 2 * constants.M_ELECTRON:
            raise ValueError(
                f"mass = {mass} GeV is below the S -> e+ e- threshold 2 m_e = "
                f"{2 * constants.M_ELECTRON:.6f} GeV"
            )
        scalar = HiggsPortalScalar(mass, coupling)
        total_width = float(scalar.total_width)
        br = float(scalar.branching_ratio("e+ e-"))
        decay = TwoBodyIsotropic(mass, constants.M_ELECTRON)
        sample = decay.sample

    return _generate_chunks(
        model, mass, coupling, mixing, majorana, n_events, det, method, seed, response,
        progress, rng, prod, total_width, br, sample, sizes, make_beam, source_meta,
    )  # fmt: skip


def _generate_chunks(model, mass, coupling, mixing, majorana, n_events, det, method, seed,
                     response, progress, rng, prod, total_width, br, sample, sizes, make_beam,
                     source_meta):  # fmt: skip
    metadata = _metadata(model, mass, coupling, mixing, majorana, det, seed, method, prod, br,
                         total_width, response, source_meta)  # fmt: skip
    bar = tqdm(total=n_events, unit="ev", disable=not progress, desc=f"{model} m={mass:g} GeV")
    for k in sizes:
        beam = make_beam(k, rng)
        rest = sample(k, rng)
        chunk = decays_in_volume(beam, rest, det.active_volume, total_width, br, rng)
        # chunk weights are normalized to the chunk: rescale to the whole sample
        chunk["weight"] *= prod.branching_ratio * k / n_events
        chunk["acceptance_weight"] *= k / n_events
        chunk = reconstruct(chunk, response, rng)
        events = pd.DataFrame(chunk, copy=False)
        events.attrs["metadata"] = metadata
        bar.update(k)
        yield events
    bar.close()


def _metadata(model, mass, coupling, mixing, majorana, det, seed, method, prod, br, total_width,
              response, source_meta) -> dict:  # fmt: skip
    return {
        "generator": f"nuportal {nuportal.__version__}",
        "seed": seed if seed is None or isinstance(seed, int) else list(seed),
        "model": model,
        "mass_GeV": mass,
        "coupling": coupling,
        "mixing": mixing if model == "hnl" else None,
        "majorana": majorana if model == "hnl" else None,
        "detector": det.name,
        **{k: v for k, v in source_meta.items() if k != "weight_normalization"},
        "method": method if model == "hnl" else "two-body isotropic",
        "production_branching_ratio": prod.branching_ratio,
        "decay_branching_ratio": br,
        "total_width_GeV": total_width,
        "momentum_GeV": prod.momentum,
        "polarization": prod.polarization,
        "response": asdict(response),
        "weight_normalization": source_meta["weight_normalization"],
    }


def write_generated(
    path: str | Path,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    parent_pdg: int | None = None,
    **options,
) -> dict:
    """Generate events chunk by chunk straight into a file (memory of one chunk at any n).

    Parameters
    ----------
    path : str or Path
        Output: ``.parquet`` (one row group per chunk), ``.csv`` or ``.hepmc3``.
    chunk_size : int
        Events per chunk (same seed and chunk size: the same events as :func:`iter_generate`).
    parent_pdg : int, optional
        PDG number of the decaying particle in HepMC3 files (default 9900012 for an HNL, the
        HeavyN convention of arXiv:1411.7305, and 54 for a scalar, a PDG "dark sector" code).
    **options
        Keyword arguments of :func:`generate` (``model``, ``mass``, ``n_events``, ...).

    Returns
    -------
    dict
        ``n_events``, ``n_chunks``, ``weight_sum``, ``selected_weight_sum``, ``metadata`` and
        ``preview`` (the first chunk, its weights scaled so that they add up to the total: a
        sample of the run for figures).
    """
    from nuportal.streaming import EventStreamWriter

    chunks = iter_generate(chunk_size=chunk_size, **options)  # validates before any file work
    model = options.get("model", "hnl")
    pdg = parent_pdg if parent_pdg is not None else (9900012 if model == "hnl" else 54)
    selected = 0.0
    preview = None
    metadata: dict = {}
    with EventStreamWriter(path, None, deferred=(), parent_pdg=pdg) as out:
        for chunk in chunks:
            if not metadata:
                metadata = chunk.attrs["metadata"]
                out.set_metadata(metadata)
                preview = chunk
            out.write(chunk)
            if "selected" in chunk:
                selected += float(chunk.loc[chunk["selected"], "weight"].sum())
        out.finish({})
    scaled = preview.copy()
    first = float(preview["weight"].sum())
    if first > 0:
        scaled["weight"] *= out.weight_sum / first
    scaled.attrs["metadata"] = metadata
    return {
        "n_events": out.n_events,
        "n_chunks": out.n_chunks,
        "weight_sum": out.weight_sum,
        "selected_weight_sum": selected,
        "metadata": metadata,
        "preview": scaled,
    }
