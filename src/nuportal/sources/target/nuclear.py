"""Hadronic cross sections of protons on the target nuclei: inelastic cross sections and
nuclear interaction lengths.

The one home of sigma_inel(p A) in nuportal. Values are the high-energy nuclear interaction
lengths lambda_I [g/cm^2] of the PDG "Atomic and Nuclear Properties of Materials" tables
(R. L. Workman et al. (Particle Data Group), PTEP 2022, 083C01, and pdg.lbl.gov/AtomicNuclear
Properties), which PDG derives from the inelastic proton/neutron-nucleus cross sections at
~ 60-240 GeV; sigma_inel = A / (N_A lambda_I). They are used at every beam energy: the p-A
inelastic cross section rises by only a few per cent between 10 and 400 GeV (at 8.9 GeV the
MiniBooNE flux paper, arXiv:0806.1449, uses a p-Be inelastic cross section a few per cent below
the PDG value), and that difference is part of the quoted uncertainty of the yields
(docs/target.md).
"""

from __future__ import annotations

from types import MappingProxyType

from nuportal.sources.shower.materials import Material, resolve_material
from nuportal.sources.shower.qed_constants import AVOGADRO

__all__ = [
    "NUCLEAR_INTERACTION_LENGTH",
    "inelastic_cross_section",
    "interaction_length",
    "mass_number",
]

#: PDG nuclear interaction length lambda_I [g/cm^2] by material name (PDG Atomic and Nuclear
#: Properties; high-energy protons/neutrons).
NUCLEAR_INTERACTION_LENGTH = MappingProxyType(
    {
        "beryllium": 77.8,
        "graphite": 85.8,
        "aluminium": 107.2,
        "iron": 132.1,
        "copper": 137.3,
        "tungsten": 191.9,
        "lead": 199.6,
    }
)

_MB_PER_CM2 = 1.0e27


def _nuclear_material(material: Material | str) -> Material:
    mat = resolve_material(material)
    if mat.name not in NUCLEAR_INTERACTION_LENGTH:
        raise ValueError(
            f"material {mat.name!r} has no nuclear interaction length in nuportal; materials "
            f"with hadronic data: {sorted(NUCLEAR_INTERACTION_LENGTH)}"
        )
    return mat


def mass_number(material: Material | str) -> float:
    """Mass number A used for the nuclear scaling of production cross sections.

    The atomic weight rounded to the nucleon number of the dominant isotope (Be: 9, C: 12,
    ...), the convention of the BMPT scaling (A/9)^alpha (Bonesini et al., EPJC 20 (2001) 13).
    """
    return float(round(_nuclear_material(material).A))


def inelastic_cross_section(material: Material | str) -> float:
    """Inelastic proton-nucleus cross section sigma_inel = A / (N_A lambda_I) [mb].

    Parameters
    ----------
    material : Material or str
        A shower material (:data:`nuportal.sources.shower.materials.MATERIALS`) with PDG
        hadronic data: beryllium, graphite, aluminium, iron, copper, tungsten, lead.

    Returns
    -------
    float
        sigma_inel [mb]: 192 mb for Be, 233 mb for C.
    """
    mat = _nuclear_material(material)
    return mat.A / (AVOGADRO * NUCLEAR_INTERACTION_LENGTH[mat.name]) * _MB_PER_CM2


def interaction_length(material: Material | str, density: float | None = None) -> float:
    """Nuclear (inelastic) interaction length lambda_I / rho [m].

    Parameters
    ----------
    material : Material or str
        Target material.
    density : float, optional
        Mass density [g/cm^3] (default: the material's tabulated density; real targets, e.g.
        the NuMI/LBNF graphite at ~1.78 g/cm^3, differ from the crystal density).
    """
    mat = _nuclear_material(material)
    rho = mat.density if density is None else float(density)
    if not rho > 0.0:
        raise ValueError(f"density must be > 0 g/cm^3, got {density!r}")
    return NUCLEAR_INTERACTION_LENGTH[mat.name] / rho / 100.0
