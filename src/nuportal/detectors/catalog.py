"""Catalog of real detectors: active volumes, sources of particles, target material and mass.

Each detector is described in its own *detector-local frame* (metres): for the Booster Neutrino
Beam (BNB) detectors z points along the beam and y up. Every source of particles (a beam target,
an absorber) is a point in that same frame, so a ray from the source to the detector is simply
``source.position + t * direction``. Every number carries a citation in the entry's ``citations``;
where a number could not be checked against its primary publication this is said in the citation.

The numbers live in one experiment file per detector, ``nuportal/detectors/data/<name>.toml``,
read by the validating loader of :mod:`nuportal.detectors.experiment_file` (users' own
``.toml`` files have the same format and are accepted wherever a detector name is).

>>> from nuportal.detectors import get_detector
>>> ub = get_detector("MicroBooNE", absorber_distance=102.0)
>>> inter = ub.intersect_from_source(ub.beam_direction("numi_absorber"), source="numi_absorber")
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal.detectors.geometry import Intersection, Volume

__all__ = [
    "LAR_DENSITY",
    "Detector",
    "Source",
    "dune_nd",
    "get_detector",
    "icarus",
    "list_detectors",
    "microboone",
    "miniboone",
    "nova_nd",
    "sbnd",
]

#: Liquid-argon density [t / m^3] at 87 K (about 1.396 g/cm^3; used only for cross-checks).
LAR_DENSITY: float = 1.396


def __getattr__(name: str):
    # MICROBOONE_NUMI_ABSORBER_DIRECTION: direction of flight of particles coming from the NuMI
    # absorber in MicroBooNE coordinates (x drift, y up, z along the BNB), as published (norm
    # 1.0097; normalized where used), read from microboone.toml (Kelly & Machado,
    # arXiv:2106.06548; ~126 degrees from +z: from below and downstream)
    if name == "MICROBOONE_NUMI_ABSORBER_DIRECTION":
        from nuportal.detectors.experiment_file import builtin_spec

        src = {s.name: s for s in builtin_spec("microboone").sources}["numi_absorber"]
        return tuple(float(x) for x in src.direction)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class Source:
    """A point source of particles (beam target, absorber) in a detector-local frame.

    Attributes
    ----------
    name : str
        Short key, e.g. ``"bnb"`` or ``"numi_absorber"``.
    position : ndarray, shape (3,)
        Position [m] in the detector-local frame.
    description : str
        What the point represents and how it was placed.
    citations : tuple of str
        Where the numbers come from.
    """

    name: str
    position: NDArray[np.float64]
    description: str = ""
    citations: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        pos = np.asarray(self.position, dtype=float)
        if pos.shape != (3,) or not np.all(np.isfinite(pos)):
            raise ValueError(f"position must be a finite 3-vector [m], got {self.position!r}")
        object.__setattr__(self, "position", pos)

    def displacement_to(self, points: ArrayLike) -> NDArray[np.float64]:
        """Vectors [m] from the source to ``points`` (shape (3,) or (N, 3))."""
        return np.asarray(points, dtype=float) - self.position

    def distance_to(self, points: ArrayLike) -> NDArray[np.float64]:
        """Distance [m] from the source to ``points``."""
        return np.linalg.norm(self.displacement_to(points), axis=-1)

    def directions_to(self, points: ArrayLike) -> NDArray[np.float64]:
        """Unit vectors pointing from the source to ``points``."""
        disp = self.displacement_to(points)
        norm = np.linalg.norm(disp, axis=-1, keepdims=True)
        if np.any(norm == 0.0):
            raise ValueError("points must differ from the source position")
        return disp / norm


@dataclass(frozen=True)
class Detector:
    """A detector: its active volume, the sources that feed it, and its target.

    Attributes
    ----------
    name : str
        Catalog name (lower case).
    active_volume : Volume
        Active (instrumented) volume in the detector-local frame [m].
    sources : Mapping[str, Source]
        Particle sources in the same frame, by key.
    default_source : str
        Key of the source used when none is named.
    target_material : str or None
        Target/active medium, e.g. ``"LAr"`` or ``"CH2 (mineral oil)"``.
    active_mass : float or None
        Published active mass [t] (metric tonnes).
    fiducial_volume : Volume or None
        Published fiducial volume, where one is standard.
    fiducial_mass : float or None
        Published fiducial mass [t].
    citations : tuple of str
        Sources of the numbers above (see also each source's citations).
    notes : str
        Approximations and caveats.
    title : str
        Display name, e.g. ``"DUNE ND (ND-LAr)"``.
    beams : tuple of str
        Names of the beams (flux tables) the detector sees, e.g. ``("sbnd_fhc",)``.
    off_axis_m : float
        Sideways displacement [m] of the active volume from its nominal (on-axis) position.
    """

    name: str
    active_volume: Volume
    sources: Mapping[str, Source]
    default_source: str
    target_material: str | None = None
    active_mass: float | None = None
    fiducial_volume: Volume | None = None
    fiducial_mass: float | None = None
    citations: tuple[str, ...] = ()
    notes: str = ""
    title: str = ""
    beams: tuple[str, ...] = ()
    off_axis_m: float = 0.0

    def __post_init__(self) -> None:
        srcs = MappingProxyType({str(k).lower(): v for k, v in self.sources.items()})
        object.__setattr__(self, "sources", srcs)
        if self.default_source not in srcs:
            raise ValueError(
                f"default_source {self.default_source!r} is not one of the sources {list(srcs)}"
            )

    # ------------------------------------------------------------ sources
    def source(self, name: str | None = None) -> Source:
        """The source called ``name`` (case-insensitive), or the default source."""
        key = self.default_source if name is None else str(name).strip().lower()
        try:
            return self.sources[key]
        except KeyError:
            raise ValueError(
                f"unknown source {name!r} for detector {self.name!r}; known sources: "
                f"{sorted(self.sources)}"
            ) from None

    def baseline(self, source: str | None = None) -> float:
        """Distance [m] from the source to the centre of the active volume."""
        return float(self.source(source).distance_to(self.active_volume.center))

    def beam_direction(self, source: str | None = None) -> NDArray[np.float64]:
        """Unit vector from the source to the centre of the active volume."""
        return self.source(source).directions_to(self.active_volume.center)

    def intersect_from_source(
        self, directions: ArrayLike, source: str | None = None
    ) -> Intersection:
        """Entry and exit distances [m], measured from the source, of rays through the volume.

        Parameters
        ----------
        directions : array_like, shape (3,) or (N, 3)
            Directions of flight from the source (normalized internally).
        source : str, optional
            Source key (default: :attr:`default_source`).

        Returns
        -------
        Intersection
            ``(l_entry, l_exit)`` [m] from the source; NaN for rays that miss. For a detector made
            of several modules (a :class:`~nuportal.detectors.geometry.Union`) there is one column
            per module.
        """
        return self.active_volume.intersect(self.source(source).position, directions)

    def intersect_towards(self, points: ArrayLike, source: str | None = None) -> Intersection:
        """Like :meth:`intersect_from_source` for rays aimed from the source at ``points`` [m]."""
        src = self.source(source)
        return self.active_volume.intersect(src.position, src.directions_to(points))

    def contains(self, points: ArrayLike) -> NDArray[np.bool_]:
        """Whether points [m] (detector-local frame) lie in the active volume."""
        return self.active_volume.contains(points)


# ---------------------------------------------------------------- factories
def _spec(name: str):
    from nuportal.detectors.experiment_file import builtin_spec

    return builtin_spec(name)


def microboone(
    absorber_distance: float | None = None,
    absorber_direction: ArrayLike | None = None,
    bnb_distance: float | None = None,
) -> Detector:
    """MicroBooNE LArTPC with the BNB target and the NuMI absorber as sources.

    Frame: MicroBooNE detector coordinates [m] (x drift from the anode plane, y up, z along the
    BNB); the active volume is x in [0, 2.5635], y in [-1.165, 1.165], z in [0, 10.368]
    (``data/microboone.toml``, with the citations).

    Parameters
    ----------
    absorber_distance : float, optional
        Distance D [m] from the NuMI absorber to the TPC centre. The absorber is placed at
        ``centre - D * n``, with ``n`` the normalized ``absorber_direction``. Default 100 m as in
        arXiv:2106.00568; the NuMI-to-MicroBooNE coordinate transform gives about 102 m.
    absorber_direction : array_like, shape (3,), optional
        Direction of flight of particles from the absorber in detector coordinates
        (normalized here); default (0.33, 0.75, -0.59).
    bnb_distance : float, optional
        Distance [m] from the BNB target to the TPC centre along -z. Default 463 m to the
        upstream face of the TPC plus half its length, 468.18 m (the rounded '470 m' quoted for
        MicroBooNE).

    Returns
    -------
    Detector
        Sources ``"bnb"`` (default) and ``"numi_absorber"``.
    """
    distances = {k: v for k, v in (("numi_absorber", absorber_distance),
                                   ("bnb", bnb_distance)) if v is not None}  # fmt: skip
    if "numi_absorber" in distances:
        distances["numi_absorber"] = _positive(absorber_distance, "absorber_distance")
    if "bnb" in distances:
        distances["bnb"] = _positive(bnb_distance, "bnb_distance")
    directions = {} if absorber_direction is None else {"numi_absorber": absorber_direction}
    if absorber_direction is not None:
        n = np.asarray(absorber_direction, dtype=float)
        if n.shape != (3,) or not np.all(np.isfinite(n)) or not np.linalg.norm(n) > 0:
            raise ValueError(
                f"absorber_direction must be a finite non-zero 3-vector, got {absorber_direction!r}"
            )
    det = _spec("microboone").detector(source_distances=distances, source_directions=directions)
    if "bnb" in distances:  # an explicit distance is to the TPC centre, not the front face
        centre = det.active_volume.center
        src = det.sources["bnb"]
        bnb = Source("bnb", centre - np.array([0.0, 0.0, distances["bnb"]]),
                     src.description.split(";")[0] + f"; {distances['bnb']:g} m from the TPC "
                     "centre", src.citations)  # fmt: skip
        det = _replace_source(det, bnb)
    return det


def _replace_source(det: Detector, source: Source) -> Detector:
    from dataclasses import replace

    return replace(det, sources={**det.sources, source.name: source})


def _positive(value: float, name: str) -> float:
    from nuportal._validation import positive_length

    return positive_length(value, name)


def _bnb_detector(name: str, bnb_distance: float | None) -> Detector:
    distances = {} if bnb_distance is None else {"bnb": _positive(bnb_distance, "bnb_distance")}
    return _spec(name).detector(source_distances=distances)


def miniboone(bnb_distance: float | None = None) -> Detector:
    """MiniBooNE mineral-oil Cherenkov detector on the BNB (``data/miniboone.toml``).

    Frame: origin at the centre of the spherical tank, z along the BNB, y up [m].

    Parameters
    ----------
    bnb_distance : float, optional
        Distance [m] from the BNB target to the centre of the detector (default 541 m).
    """
    return _bnb_detector("miniboone", bnb_distance)


def sbnd(bnb_distance: float | None = None) -> Detector:
    """SBND LArTPC, the SBN near detector on the BNB (``data/sbnd.toml``).

    Frame: SBND coordinates [m]: x drift (cathode at x = 0, two 2 m drift volumes), y up, z along
    the BNB with the upstream face of the active volume at z = 0.

    Parameters
    ----------
    bnb_distance : float, optional
        Distance [m] from the BNB target to the centre of the active volume (default 110 m, the
        published distance, applied to the centre; the published figure does not say to which
        point of the detector it refers, a 2.5 m ambiguity).
    """
    return _bnb_detector("sbnd", bnb_distance)


def icarus(bnb_distance: float | None = None) -> Detector:
    """ICARUS-T600, the SBN far detector on the BNB: two modules (``data/icarus.toml``).

    Frame: ICARUS coordinates [m]: x across the beam (the two modules at x < 0 and x > 0), y up,
    z along the BNB, origin between the modules at mid-length.

    Parameters
    ----------
    bnb_distance : float, optional
        Distance [m] from the BNB target to the centre of the active volume (default 600 m).
    """
    return _bnb_detector("icarus", bnb_distance)


def dune_nd(off_axis: float = 0.0, lbnf_distance: float | None = None) -> Detector:
    """DUNE near detector ND-LAr on the LBNF beam, on axis or moved sideways (DUNE-PRISM).

    Active volume 7 m wide (x) x 3 m high (y) x 5 m long (z, along the beam), 574 m from the
    target (DUNE ND CDR, arXiv:2103.13910; ``data/dune_nd.toml``).

    Parameters
    ----------
    off_axis : float
        Horizontal displacement [m] of the detector from the beam axis, in [0, 30.5] (DUNE-PRISM
        positions); the target stays on the axis.
    lbnf_distance : float, optional
        Distance [m] along the beam axis from the target to the on-axis active-volume centre
        (default 574 m).
    """
    distances = {} if lbnf_distance is None else {"lbnf": _positive(lbnf_distance, "lbnf_distance")}
    return _spec("dune_nd").detector(off_axis=off_axis, source_distances=distances)


def nova_nd(numi_distance: float | None = None) -> Detector:
    """NOvA near detector on the NuMI beam, 14.6 mrad off axis (``data/nova_nd.toml``).

    Fully active region 3.9 m x 3.9 m x 12.7 m, 193 t, about 1 km from the NuMI target (NOvA,
    arXiv:2108.08219).

    Parameters
    ----------
    numi_distance : float, optional
        Distance [m] from the NuMI target to the centre of the active region (default 1000 m).
    """
    distances = {} if numi_distance is None else {"numi": _positive(numi_distance, "numi_distance")}
    return _spec("nova_nd").detector(source_distances=distances)


# ---------------------------------------------------------------- registry
_FACTORIES: dict[str, Callable[..., Detector]] = {
    "dune_nd": dune_nd,
    "icarus": icarus,
    "microboone": microboone,
    "miniboone": miniboone,
    "nova_nd": nova_nd,
    "sbnd": sbnd,
}


def _aliases() -> dict[str, str]:
    out = {}
    for name in _FACTORIES:
        for alias in _spec(name).aliases:
            out[alias] = name
    return out


def list_detectors() -> list[str]:
    """Names of the detectors in the catalog (lower case, sorted)."""
    return sorted(_FACTORIES)


def resolve_name(name: str) -> str:
    """The catalog name of ``name`` (case-insensitive, aliases such as ``"uboone"`` allowed).

    Raises
    ------
    ValueError
        For an unknown name (the message lists the known names).
    """
    key = str(name).strip().lower()
    key = _aliases().get(key, key)
    if key not in _FACTORIES:
        raise ValueError(
            f"unknown detector {name!r}; known detectors: {list_detectors()} (or a .toml "
            "experiment file)"
        )
    return key


def is_experiment_file(name: object) -> bool:
    """Whether ``name`` designates an experiment file (a path ending in ``.toml``)."""
    return isinstance(name, str | os.PathLike) and str(name).strip().lower().endswith(".toml")


def get_detector(name: str | os.PathLike[str], **options: float) -> Detector:
    """Look up a detector by name (case-insensitive), or read it from an experiment file.

    Parameters
    ----------
    name : str or path-like
        Catalog name, e.g. ``"MicroBooNE"``, ``"sbnd"``, ``"dune_nd"`` (see
        :func:`list_detectors`), or a ``.toml`` experiment file
        (:mod:`nuportal.detectors.experiment_file`).
    **options
        Keyword options of the detector's factory function, e.g. ``absorber_distance=102.0`` for
        MicroBooNE, ``bnb_distance`` for any BNB detector, ``off_axis=10.0`` [m] for the DUNE
        ND; for an experiment file only ``off_axis`` (if the file allows it).

    Returns
    -------
    Detector

    Raises
    ------
    ValueError
        For an unknown name (the message lists the known names), an unknown option, or a
        malformed experiment file.
    """
    if is_experiment_file(name):
        from nuportal.detectors.experiment_file import load_experiment_file

        unknown = sorted(set(options) - {"off_axis"})
        if unknown:
            raise ValueError(
                f"unknown option(s) {unknown} for an experiment file; allowed options: ['off_axis']"
            )
        return load_experiment_file(Path(name)).detector(**options)
    key = resolve_name(str(name))
    factory = _FACTORIES[key]
    allowed = list(inspect.signature(factory).parameters)
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise ValueError(
            f"unknown option(s) {unknown} for detector {key!r}; allowed options: {allowed}"
        )
    return factory(**options)
