"""The neutrinophilic (lepton-number-charged) scalar phi: parameters and coupling convention.

Lagrangian (Berryman, de Gouvea, Kelly, Zhang, arXiv:1802.00009; Kelly, Zhang, arXiv:1901.01259,
Phys. Rev. D 99 (2019) 055034)::

    L  ⊃  (g_ab / 2) nu_a nu_b phi + h.c.,    a, b in {e, mu, tau},  g symmetric,

the low-energy form of (lambda_ab/Lambda^2)(L_a H)(L_b H) phi, g_ab ∝ lambda_ab v^2/Lambda^2 (the
v^2 versus v^2/2 normalization is a convention of the ultraviolet operator and does not enter
here). With the factor 1/2 the Feynman rule of the nu_a nu_a phi vertex is i g_aa (two identical
fields) and of nu_a nu_b phi (a != b) i g_ab. phi carries lepton number -2: emitting phi turns a
neutrino into an antineutrino, so a nu_mu beam gives mu+ ("wrong-sign") charged-current events.

Conversions to other conventions: a Lagrangian written g' nu nu phi (no 1/2) has g = 2 g', so
widths and cross sections in terms of g' are 4 times larger at equal numerical coupling; decay
constants in the f_pi ≈ 92 MeV convention are f/sqrt(2) of the f_pi ≈ 130 MeV convention used
here (replace f^2 by 2 f^2 in formulas written with the former).

Units: GeV (masses); couplings dimensionless.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["FLAVOURS", "NeutrinophilicScalar"]

#: Lepton flavours in the order of the coupling matrix.
FLAVOURS: tuple[str, ...] = ("e", "mu", "tau")


def _flavour_index(flavour: str) -> int:
    if flavour not in FLAVOURS:
        raise ValueError(f"flavour must be one of {FLAVOURS}, got {flavour!r}")
    return FLAVOURS.index(flavour)


@dataclass(frozen=True, eq=False)
class NeutrinophilicScalar:
    """A scalar phi with L = (g_ab/2) nu_a nu_b phi + h.c. (module docstring).

    Parameters
    ----------
    mass : float
        m_phi [GeV], finite and > 0.
    g_ee, g_mumu, g_tautau : float
        Diagonal couplings (>= 0, finite); ignored when ``g`` is given.
    g : array_like, shape (3, 3), optional
        Full coupling matrix (symmetric, finite, entries >= 0 in magnitude; complex phases do not
        enter any rate and are not kept: |g_ab| is stored).

    Examples
    --------
    >>> phi = NeutrinophilicScalar(0.1, g_mumu=1e-3)
    >>> phi.coupling_sq("mu")  # sum_b |g_mu b|^2
    1e-06
    """

    mass: float
    g_ee: float = 0.0
    g_mumu: float = 0.0
    g_tautau: float = 0.0
    g: NDArray[np.float64] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        m = float(self.mass)
        if not (math.isfinite(m) and m > 0.0):
            raise ValueError(f"mass (m_phi) must be finite and > 0 GeV, got {self.mass!r}")
        if self.g is None:
            for name in ("g_ee", "g_mumu", "g_tautau"):
                v = float(getattr(self, name))
                if not (math.isfinite(v) and v >= 0.0):
                    raise ValueError(f"{name} must be finite and >= 0, got {v!r}")
            mat = np.diag([float(self.g_ee), float(self.g_mumu), float(self.g_tautau)])
        else:
            mat = np.abs(np.asarray(self.g, dtype=complex))
            if mat.shape != (3, 3) or not np.all(np.isfinite(mat)):
                raise ValueError(f"g must be a finite 3x3 matrix, got shape {mat.shape}")
            if not np.allclose(mat, mat.T, rtol=1e-12, atol=0.0):
                raise ValueError("g must be symmetric (g_ab = g_ba: nu_a nu_b phi is symmetric)")
            mat = mat.real.astype(float)
            object.__setattr__(self, "g_ee", float(mat[0, 0]))
            object.__setattr__(self, "g_mumu", float(mat[1, 1]))
            object.__setattr__(self, "g_tautau", float(mat[2, 2]))
        mat.setflags(write=False)
        object.__setattr__(self, "mass", m)
        object.__setattr__(self, "g", mat)

    def coupling(self, a: str, b: str) -> float:
        """|g_ab| (dimensionless)."""
        return float(self.g[_flavour_index(a), _flavour_index(b)])

    def coupling_sq(self, a: str) -> float:
        """sum_b |g_ab|^2: the coupling factor of every process with a charged lepton l_a and a
        summed (unobserved) outgoing neutrino flavour b (meson decays, CC emission)."""
        row = self.g[_flavour_index(a)]
        return float(np.sum(row * row))

    def with_couplings(self, g: ArrayLike) -> NeutrinophilicScalar:
        """The same mass with a new 3x3 coupling matrix."""
        return NeutrinophilicScalar(self.mass, g=np.asarray(g, float))
