"""Physical constants, masses and lifetimes used throughout nuportal.

Units: GeV for masses, energies and widths; metres for lengths; seconds for times
(natural units hbar = c = 1 inside formulas, converted with :data:`HBARC` and :data:`HBAR`).

Sources
-------
* Masses, lifetimes and widths of particles: the ``particle`` package (PDG data), looked up by
  name through :func:`mass`, :func:`lifetime` and :func:`width`; never retyped here.
* G_F, alpha, hbar, hbar*c: CODATA 2022 through :mod:`scipy.constants`.
* Weak mixing angle, decay constants, CKM elements, Higgs vev: PDG 2024 (R. L. Workman et al.
  and S. Navas et al., Phys. Rev. D 110, 030001 (2024)), reviews "Electroweak model and
  constraints on new physics" (sin^2 theta_W), "Leptonic decays of charged pseudoscalar mesons"
  (f_pi, f_K, FLAG 2021 averages) and "CKM quark-mixing matrix" (|V_ij|).
"""

from __future__ import annotations

import math
from functools import cache

import scipy.constants as _sc
from particle import Particle

__all__ = [
    "ALPHA_EM",
    "CKM_VTD",
    "CKM_VTS",
    "CKM_VUD",
    "CKM_VUS",
    "F_K",
    "F_PI",
    "GEV2_TO_CM2",
    "G_FERMI",
    "HBAR",
    "HBARC",
    "HIGGS_VEV",
    "SIN2_THETA_W",
    "SIN2_THETA_W_ON_SHELL",
    "lifetime",
    "mass",
    "width",
]

# ---------------------------------------------------------------- CODATA through scipy.constants
#: Fermi constant G_F [GeV^-2] (CODATA 2022; PDG 2024: 1.1663788e-5).
G_FERMI: float = _sc.physical_constants["Fermi coupling constant"][0]
#: Fine-structure constant at Q^2 = 0 (CODATA 2022).
ALPHA_EM: float = _sc.physical_constants["fine-structure constant"][0]
#: hbar * c [GeV m].
HBARC: float = _sc.physical_constants["reduced Planck constant times c in MeV fm"][0] * 1e-3 * 1e-15
#: (hbar c)^2 [GeV^2 cm^2]: a cross section in GeV^-2 times this is in cm^2.
GEV2_TO_CM2: float = (HBARC * 100.0) ** 2
#: hbar [GeV s].
HBAR: float = _sc.physical_constants["reduced Planck constant in eV s"][0] * 1e-9
#: Speed of light [m / s].
SPEED_OF_LIGHT: float = _sc.c

# ---------------------------------------------------------------- electroweak (PDG 2024)
#: sin^2 theta_W in the MS-bar scheme at M_Z (PDG 2024, 0.23129 +- 0.00004).
SIN2_THETA_W: float = 0.23129
#: Higgs vacuum expectation value v = (sqrt(2) G_F)^(-1/2) [GeV].
HIGGS_VEV: float = (math.sqrt(2.0) * G_FERMI) ** -0.5

# ---------------------------------------------------------------- decay constants (PDG 2024, FLAG)
#: Charged-pion decay constant f_pi [GeV] (PDG 2024: 130.2 +- 1.2 MeV, convention f_pi ~ 130 MeV).
F_PI: float = 0.1302
#: Charged-kaon decay constant f_K [GeV] (PDG 2024: 155.7 +- 0.7 MeV).
F_K: float = 0.1557

# ---------------------------------------------------------------- CKM magnitudes (PDG 2024)
CKM_VUD: float = 0.97367
CKM_VUS: float = 0.22431
CKM_VTD: float = 8.6e-3
CKM_VTS: float = 41.5e-3


# ---------------------------------------------------------------- PDG data through `particle`
#: Monte Carlo particle numbers (PDG numbering scheme) of the names used in nuportal: a lookup by
#: number is a dictionary access in ``particle``, a lookup by name scans its whole table
#: (~0.3 s). Other names fall back to :meth:`particle.Particle.from_name`.
_PDG_IDS: dict[str, int] = {
    "e-": 11,
    "p": 2212,
    "n": 2112,
    "mu-": 13,
    "tau-": 15,
    "pi+": 211,
    "pi0": 111,
    "K+": 321,
    "K(L)0": 130,
    "eta": 221,
    "eta'(958)": 331,
    "rho(770)0": 113,
    "rho(770)+": 213,
    "omega(782)": 223,
    "D+": 411,
    "D(s)+": 431,
    "t": 6,
    "W+": 24,
    "Z0": 23,
    "H0": 25,
}


@cache
def _particle(name: str) -> Particle:
    try:
        if name in _PDG_IDS:
            return Particle.from_pdgid(_PDG_IDS[name])
        return Particle.from_name(name)
    except Exception as exc:  # particle raises its own ParticleNotFound
        raise ValueError(
            f"unknown particle name {name!r} (use PDG names such as 'K+', 'pi0', 'mu-')"
        ) from exc


@cache
def mass(name: str) -> float:
    """Mass of a particle from the PDG data shipped with ``particle``.

    Parameters
    ----------
    name : str
        PDG name as understood by :meth:`particle.Particle.from_name` (``"K+"``, ``"pi0"``,
        ``"mu-"``, ``"e-"``, ``"eta"``, ``"rho(770)0"``, ...).

    Returns
    -------
    float
        Mass [GeV].
    """
    value = _particle(name).mass
    if value is None:
        raise ValueError(f"particle {name!r} has no mass in the PDG data")
    return value * 1e-3


@cache
def lifetime(name: str) -> float:
    """Mean lifetime of a particle [s] from the PDG data (``inf`` for stable particles)."""
    value = _particle(name).lifetime
    if value is None:
        raise ValueError(f"particle {name!r} has no lifetime in the PDG data")
    return value * 1e-9


@cache
def width(name: str) -> float:
    """Total width of a particle [GeV], from its PDG width or, if absent, hbar / lifetime."""
    p = _particle(name)
    if p.width is not None and p.width > 0:
        return p.width * 1e-3
    tau = lifetime(name)
    return 0.0 if math.isinf(tau) else HBAR / tau


# Frequently used masses [GeV], looked up once.
M_ELECTRON: float = mass("e-")
M_MUON: float = mass("mu-")
M_TAU: float = mass("tau-")
M_PI_CHARGED: float = mass("pi+")
M_PI0: float = mass("pi0")
M_K_CHARGED: float = mass("K+")
M_K_LONG: float = mass("K(L)0")
M_ETA: float = mass("eta")
M_TOP: float = mass("t")

#: sin^2 theta_W on shell, 1 - M_W^2/M_Z^2 from the PDG masses (about 0.2233). The value used by
#: the Kelly-Machado MicroBooNE recast (arXiv:2106.06548) is 0.223, i.e. this scheme.
SIN2_THETA_W_ON_SHELL: float = 1.0 - (mass("W+") / mass("Z0")) ** 2

#: Charged-lepton masses by flavour index/name [GeV].
LEPTON_MASS: dict[str, float] = {"e": M_ELECTRON, "mu": M_MUON, "tau": M_TAU}
