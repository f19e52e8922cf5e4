"""Timelike Dirac form factor F_1(q^2) of the proton for q^2 > 0 (vector-meson dominance).

F_1(q^2) = sum_V f_V m_V^2 / (m_V^2 - q^2 - i m_V Gamma_V), V = rho, rho', rho'', omega, omega',
omega'': the extended vector-meson-dominance fit of the nucleon form factors of A. Faessler,
M. I. Krivoruchenko, B. V. Martemyanov, arXiv:0910.5589, in the form used for proton
bremsstrahlung of dark photons by P. deNiverville et al., arXiv:1609.01770 (BdNMC): the residues
f_V, masses and widths of :data:`VMD_POLES` are those values (rho and omega both at 0.77 GeV).

Normalisation: the residues sum to 1 (the proton charge; a test). Because the Breit-Wigner
denominators keep their fixed widths at q^2 = 0, F_1(0) = sum f_V / (1 - i Gamma_V/m_V)
= 1.010 - 0.013 i and |F_1(0)|^2 = 1.020: a 2 % offset of this parametrisation, kept as
published. |F_1|^2 rises to 1.57 at q^2 = (0.3 GeV)^2 and resonates near 0.77 GeV; it enters
proton bremsstrahlung of a dark photon of mass M at q^2 = M^2 (Blumlein & Brunner,
arXiv:1311.3870).

Units: GeV, GeV^2.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal._validation import scalar_or_array as _out

__all__ = ["VMD_POLES", "proton_f1_squared", "proton_f1_timelike"]

#: (residue f_V, mass m_V [GeV], width Gamma_V [GeV]) of each vector-meson pole.
VMD_POLES: tuple[tuple[float, float, float], ...] = (
    (0.6165340033101271, 0.77, 0.15),  # rho
    (0.22320420111672623, 1.25, 0.3),  # rho'
    (-0.33973820442685326, 1.45, 0.5),  # rho''
    (1.0117544786579074, 0.77, 0.0085),  # omega
    (-0.8816565944110686, 1.25, 0.3),  # omega'
    (0.3699021157531611, 1.45, 0.5),  # omega''
)


def proton_f1_timelike(q2: ArrayLike) -> NDArray[np.complex128] | complex:
    """F_1^p(q^2) for timelike (or spacelike) q^2 [GeV^2], complex.

    Parameters
    ----------
    q2 : float or array_like
        Four-momentum transfer squared [GeV^2] (q^2 = M^2 for a dark photon of mass M), finite.

    Returns
    -------
    complex or numpy.ndarray of complex
    """
    q = np.asarray(q2, dtype=float)
    if np.any(~np.isfinite(q)):
        raise ValueError(f"q2 must be finite [GeV^2], got {q2!r}")
    total = np.zeros(q.shape, dtype=complex)
    for f, m, g in VMD_POLES:
        total = total + f * m * m / (m * m - q - 1j * m * g)
    return complex(total) if total.ndim == 0 else total


def proton_f1_squared(q2: ArrayLike) -> NDArray[np.float64] | float:
    """|F_1^p(q^2)|^2 (dimensionless) at q^2 [GeV^2]; see :func:`proton_f1_timelike`."""
    return _out(np.abs(np.asarray(proton_f1_timelike(q2))) ** 2)
