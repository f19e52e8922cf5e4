"""Proton beams on thick targets: the catalog (LBNF, NuMI, BNB) and user-defined targets.

A :class:`BeamTarget` is a cylinder of one material hit on axis by protons of one momentum. It
knows how the primary protons are attenuated: the fraction that interacts inelastically,
P_int = 1 - exp(-L / lambda_I), and where (an exponential in depth with the nuclear interaction
length lambda_I of :mod:`nuportal.sources.target.nuclear`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from nuportal._validation import RngLike, as_rng
from nuportal.sources.shower.materials import resolve_material
from nuportal.sources.target import nuclear

__all__ = ["BEAMS", "BeamTarget", "get_beam", "list_beams"]


@dataclass(frozen=True)
class BeamTarget:
    """Protons of one momentum hitting a cylindrical target on its axis.

    Parameters
    ----------
    name : str
        Label.
    proton_energy : float
        Beam proton momentum p_B [GeV] (the quoted "energy" of the beam: 120 GeV for NuMI and
        LBNF, 8.89 GeV for the BNB; total energy and momentum differ by < 0.5 % here).
    material : str
        A material of :data:`nuportal.sources.shower.materials.MATERIALS` with hadronic data
        (beryllium, graphite, aluminium, iron, copper, tungsten, lead); aliases ("carbon",
        "Be") are accepted and stored under the canonical name.
    length : float
        Target length along the beam [m].
    radius : float
        Target radius [m] (a segmented fin target is represented by its half-width).
    density : float
        Mass density of the target [g/cm^3] (default: the material's tabulated density).
    citation : str
        Where the numbers come from.
    beam_sigma : float
        Gaussian transverse beam-spot width [m] of the production points (0: on axis).
    """

    name: str
    proton_energy: float
    material: str
    length: float
    radius: float
    density: float | None = None
    citation: str = "user-defined"
    beam_sigma: float = 0.0

    def __post_init__(self) -> None:
        mat = resolve_material(self.material)
        nuclear.interaction_length(mat)  # raises for materials without hadronic data
        object.__setattr__(self, "material", mat.name)
        if self.density is None:
            object.__setattr__(self, "density", mat.density)
        for key, unit in (
            ("proton_energy", "GeV"),
            ("length", "m"),
            ("radius", "m"),
            ("density", "g/cm^3"),
        ):
            value = getattr(self, key)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
                raise ValueError(f"{key} must be a finite number > 0 {unit}, got {value!r}")
            object.__setattr__(self, key, float(value))
        if not (math.isfinite(self.beam_sigma) and self.beam_sigma >= 0):
            raise ValueError(f"beam_sigma must be finite and >= 0 m, got {self.beam_sigma!r}")

    @property
    def interaction_length(self) -> float:
        """Nuclear interaction length lambda_I of the target material at its density [m]."""
        return nuclear.interaction_length(self.material, self.density)

    @property
    def interaction_probability(self) -> float:
        """Fraction of beam protons that interact inelastically in the target,
        1 - exp(-L / lambda_I)."""
        return -math.expm1(-self.length / self.interaction_length)

    @property
    def escape_fraction(self) -> float:
        """Fraction of beam protons leaving the target without an inelastic interaction."""
        return math.exp(-self.length / self.interaction_length)

    @property
    def mass_number(self) -> float:
        """Mass number A of the target nucleus (BMPT convention: Be = 9, C = 12)."""
        return nuclear.mass_number(self.material)

    @property
    def inelastic_cross_section(self) -> float:
        """sigma_inel(p A) [mb] of the target material."""
        return nuclear.inelastic_cross_section(self.material)

    def sample_interaction_points(self, n: int, rng: RngLike = None) -> np.ndarray:
        """Points of the primary protons' first inelastic interaction, shape (n, 3) [m].

        z (from the upstream face, along the beam) follows exp(-z / lambda_I) truncated to the
        target length; x, y follow the Gaussian beam spot (``beam_sigma``), clipped to the
        target radius.
        """
        rng = as_rng(rng)
        lam = self.interaction_length
        u = rng.random(n)
        z = -lam * np.log1p(-u * self.interaction_probability)
        points = np.empty((n, 3))
        points[:, 2] = z
        if self.beam_sigma > 0:
            xy = rng.normal(0.0, self.beam_sigma, (n, 2))
            np.clip(xy, -self.radius, self.radius, out=xy)
            points[:, :2] = xy
        else:
            points[:, :2] = 0.0
        return points


_NUMI_GRAPHITE = (
    "graphite density 1.78 g/cm^3 (POCO ZXF-5Q, the NuMI target graphite: P. Adamson et al., "
    "'The NuMI neutrino beam', NIM A 806 (2016) 279, arXiv:1507.06690)"
)

#: The catalog of beams on targets.
BEAMS = MappingProxyType(
    {
        "lbnf": BeamTarget(
            name="lbnf",
            proton_energy=120.0,
            material="graphite",
            length=2.2,
            radius=0.008,
            density=1.78,
            citation="LBNF 120 GeV, 1.2 MW beam on a 2.2 m long, 16 mm diameter graphite target "
            "(DUNE Collaboration, arXiv:2103.04797); " + _NUMI_GRAPHITE + " assumed for LBNF",
        ),
        "numi": BeamTarget(
            name="numi",
            proton_energy=120.0,
            material="graphite",
            length=0.954,
            radius=0.0032,
            density=1.78,
            citation="NuMI low-energy target: 47 graphite fins, 95.4 cm in total, 6.4 mm wide "
            "(radius = half-width), about 2 interaction lengths; " + _NUMI_GRAPHITE,
        ),
        "bnb": BeamTarget(
            name="bnb",
            proton_energy=8.89,
            material="beryllium",
            length=0.711,
            radius=0.0051,
            density=1.848,
            citation="Booster Neutrino Beam: 8.89 GeV/c protons on a 71.1 cm long, 0.51 cm "
            "radius beryllium target of seven slugs, 1.7 interaction lengths (MiniBooNE, "
            "Phys. Rev. D 79, 072002 (2009), arXiv:0806.1449, Sec. III)",
        ),
    }
)


def list_beams() -> list[str]:
    """Names of the beams in the catalog."""
    return sorted(BEAMS)


def get_beam(name: str | BeamTarget) -> BeamTarget:
    """The catalog beam called ``name`` (case-insensitive), or ``name`` itself if it is a
    :class:`BeamTarget`.

    Raises
    ------
    ValueError
        For an unknown name; the message lists the catalog.
    """
    if isinstance(name, BeamTarget):
        return name
    key = str(name).strip().lower()
    if key not in BEAMS:
        raise ValueError(f"beam must be one of {list_beams()}, got {name!r}")
    return BEAMS[key]
