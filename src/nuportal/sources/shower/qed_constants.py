"""Constants of the electromagnetic-shower code, in its working units.

Working units of :mod:`nuportal.sources.shower`: GeV for energies (total energies E for e+-,
rest mass included), cm for lengths (material tables are quoted in g/cm^2 and cm), cm^2 for
cross sections, GeV/cm for stopping powers. Positions leave the package in metres, like every
other nuportal output.

Sources: alpha, hbar*c, Avogadro's number and the atomic mass unit are CODATA 2022 through
:mod:`scipy.constants`; the electron and proton masses come from the ``particle`` package (PDG).
"""

from __future__ import annotations

import scipy.constants as _sc

from nuportal import constants

__all__ = [
    "ALPHA",
    "AMU",
    "AVOGADRO",
    "CLASSICAL_ELECTRON_RADIUS",
    "GEV2_CM2",
    "HBARC_GEV_CM",
    "M_E",
    "M_PROTON",
]

#: Fine-structure constant at Q^2 = 0.
ALPHA: float = constants.ALPHA_EM
#: Electron mass [GeV].
M_E: float = constants.mass("e-")
#: Proton mass [GeV].
M_PROTON: float = constants.mass("p")
#: hbar * c [GeV cm].
HBARC_GEV_CM: float = constants.HBARC * 100.0
#: (hbar c)^2 [GeV^2 cm^2]: a cross section in GeV^-2 times this is in cm^2.
GEV2_CM2: float = HBARC_GEV_CM**2
#: Classical electron radius r_e = alpha hbar c / m_e [cm].
CLASSICAL_ELECTRON_RADIUS: float = ALPHA * HBARC_GEV_CM / M_E
#: Avogadro's number [1/mol].
AVOGADRO: float = _sc.N_A
#: Atomic mass unit [GeV].
AMU: float = _sc.physical_constants["atomic mass constant energy equivalent in MeV"][0] * 1e-3
