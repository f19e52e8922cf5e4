"""Rest-frame decays of a polarized heavy neutral lepton of the dark-neutrino models.

All samplers return :class:`~nuportal.generation.decay_samplers.RestFrameDecays` with the z axis
along the spin of N (helicity h = +1 or -1 along its direction of flight in the lab; the
upscattering sets h in the scattering centre-of-mass frame and, as the DarkNews generator does,
it is applied along the lab direction of N). Events are unweighted (accept-reject on the
matrix element), so their weights are all one:

* :func:`sample_two_body_polarized`: N -> a b with dGamma/dcos(theta_a) = (1 + alpha h cos)/2;
* :func:`sample_on_shell_zprime`: N -> nu Z', Z' -> l- l+ (isotropic in the Z' rest frame: the
  Z' spin is summed over);
* :func:`sample_three_body`: N -> nu l- l+ from flat three-body phase space, accepted with the
  probability |M_h|^2 / max |M_h|^2 for any polarized squared amplitude.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from nuportal.generation.decay_samplers import RestFrameDecays
from nuportal.kinematics import two_body_decay_at_rest
from nuportal.kinematics.fourvectors import unit_vectors
from nuportal.kinematics.phase_space import three_body_phase_space, two_body_decay

__all__ = ["sample_on_shell_zprime", "sample_three_body", "sample_two_body_polarized"]

#: |M_h|^2 as a function of (p_N, s_N, k_nu, p_minus, p_plus), four-vectors of shape (n, 4), with
#: s_N the spin vector of the h = +1 state.
PolarizedAmplitude = Callable[
    [
        NDArray[np.float64],
        NDArray[np.float64],
        NDArray[np.float64],
        NDArray[np.float64],
        NDArray[np.float64],
    ],
    NDArray[np.float64],
]


def _polar_cosines(alpha_h: float, n: int, rng: np.random.Generator) -> NDArray[np.float64]:
    """cos(theta) with density (1 + a cos)/2 on [-1, 1], |a| <= 1, by inverting the CDF."""
    u = rng.random(n)
    if abs(alpha_h) < 1e-12:
        return 2.0 * u - 1.0
    # CDF (c + 1)/2 + a (c^2 - 1)/4 = u  ->  a c^2 + 2 c + (2 - a - 4u) = 0
    disc = 1.0 - alpha_h * (2.0 - alpha_h - 4.0 * u)
    return (-1.0 + np.sqrt(np.clip(disc, 0.0, None))) / alpha_h


def sample_two_body_polarized(
    parent_mass: float,
    m_a: float,
    m_b: float,
    alpha: float,
    helicity: int,
    n: int,
    rng: np.random.Generator,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """N -> a b at rest with dGamma/dcos(theta_a) proportional to 1 + alpha h cos(theta_a).

    Parameters
    ----------
    parent_mass, m_a, m_b : float
        Masses [GeV].
    alpha : float
        Asymmetry parameter, |alpha| <= 1.
    helicity : {-1, +1}
        Spin projection of N on z.
    n : int
    rng : numpy.random.Generator

    Returns
    -------
    p_a, p_b : numpy.ndarray, shape (n, 4)
    """
    if abs(alpha) > 1.0:
        raise ValueError(f"alpha must be in [-1, 1], got {alpha!r}")
    cos = _polar_cosines(alpha * helicity, n, rng)
    directions = unit_vectors(cos, rng.uniform(0.0, 2.0 * np.pi, n))
    return two_body_decay_at_rest(parent_mass, m_a, m_b, n, rng, directions=directions)


def sample_on_shell_zprime(
    m4: float,
    mzprime: float,
    lepton_mass: float,
    alpha: float,
    helicity: int,
    n: int,
    rng: np.random.Generator,
    *,
    neutral_mass: float = 0.0,
) -> RestFrameDecays:
    """N -> nu Z' (polarized, asymmetry ``alpha`` for the Z' direction), Z' -> l- l+.

    The Z' decay is isotropic in its rest frame (its polarization is summed over, as in the
    narrow-width treatment of the DarkNews generator). ``neutral_mass`` is the mass of the
    neutral daughter (0 for a light neutrino, m4 for N5 -> N4 Z').
    """
    zprime, nu = sample_two_body_polarized(m4, mzprime, neutral_mass, alpha, helicity, n, rng)
    minus, plus = two_body_decay(zprime, lepton_mass, lepton_mass, rng)
    return RestFrameDecays(lepton_minus=minus, lepton_plus=plus, weight=np.ones(n), nu=nu)


def sample_three_body(
    m4: float,
    lepton_mass: float,
    amplitude: PolarizedAmplitude,
    helicity: int,
    n: int,
    rng: np.random.Generator,
    *,
    neutral_mass: float = 0.0,
    max_batches: int = 10_000,
) -> RestFrameDecays:
    """N -> nu l- l+ at rest, distributed as |M_h|^2 over three-body phase space.

    Flat phase space (uniform in the Dalitz variables, random orientation) is accepted with
    probability |M_h|^2 / (1.2 x the largest value in a 20 000-point probe); the probe's maximum
    is raised if a larger value turns up (a one-off correction of the few events drawn before).

    Parameters
    ----------
    m4, lepton_mass : float
        Masses of N and of the charged lepton [GeV].
    amplitude : callable
        |M_h|^2(p_N, s_N, k_nu, p_minus, p_plus) of the helicity state ``helicity`` for
        four-vectors of shape (n, 4); p_N at rest and the spin vector s_N = (0, 0, 0, 1) of the
        h = +1 state (spin along +z) are passed in.
    helicity : {-1, +1}
        Recorded for checking; the amplitude closure carries it.
    n : int
    rng : numpy.random.Generator
    neutral_mass : float
        Mass of the neutral daughter [GeV]: 0 for a light neutrino, m4 for N5 -> N4 l- l+.
    """
    if helicity not in (-1, 1):
        raise ValueError(f"helicity must be -1 or +1, got {helicity!r}")

    def draw(size: int):
        nu, minus, plus, area = three_body_phase_space(
            m4, neutral_mass, lepton_mass, lepton_mass, size, rng
        )
        p_n = np.tile([m4, 0.0, 0.0, 0.0], (size, 1))
        s_n = np.tile([0.0, 0.0, 0.0, 1.0], (size, 1))
        value = amplitude(p_n, s_n, nu, minus, plus) * area  # flat in the Dalitz variables
        return nu, minus, plus, value

    probe = draw(20_000)
    ceiling = 1.2 * float(probe[3].max())
    acceptance = max(float(probe[3].mean()) / ceiling, 1e-3)
    parts: list[tuple[NDArray[np.float64], ...]] = []
    kept = 0
    for _ in range(max_batches):
        nu, minus, plus, value = draw(max(int(1.1 * (n - kept) / acceptance), 1000))
        if value.max() > ceiling:
            ceiling = 1.2 * float(value.max())
        accept = rng.random(len(value)) * ceiling < value
        parts.append((nu[accept], minus[accept], plus[accept]))
        kept += int(accept.sum())
        if kept >= n:
            break
    else:  # pragma: no cover - only for a pathological amplitude
        raise RuntimeError("three-body sampler: acceptance too low")
    nu, minus, plus = (np.concatenate([p[i] for p in parts])[:n] for i in range(3))
    return RestFrameDecays(lepton_minus=minus, lepton_plus=plus, weight=np.ones(n), nu=nu)
