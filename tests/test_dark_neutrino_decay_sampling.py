"""Rest-frame samplers of polarized dark-neutrino decays (generation/dark_neutrino_decays.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nuportal.generation.dark_neutrino_decays import (
    sample_on_shell_zprime,
    sample_three_body,
    sample_two_body_polarized,
)
from nuportal.kinematics import invariant_mass
from nuportal.models import dark_neutrino_decays as dnd
from nuportal.models.dark_neutrino import DarkNeutrinoModel


@pytest.mark.parametrize(("alpha", "helicity"), [(0.8, -1), (0.8, 1), (-1.0, 1), (0.0, 1)])
def test_two_body_asymmetry(alpha, helicity):
    """<cos theta_a> = alpha h / 3 for dGamma/dcos = (1 + alpha h cos)/2 (4 sigma)."""
    n = 200_000
    a, b = sample_two_body_polarized(0.42, 0.03, 0.0, alpha, helicity, n, np.random.default_rng(1))
    cos = a[:, 3] / np.linalg.norm(a[:, 1:], axis=1)
    expected = alpha * helicity / 3.0
    sigma = math.sqrt((1.0 / 3.0 - expected**2) / n)
    assert cos.mean() == pytest.approx(expected, abs=4 * sigma)
    np.testing.assert_allclose(invariant_mass(a), 0.03, rtol=1e-9)
    np.testing.assert_allclose((a + b)[:, 0], 0.42, rtol=1e-12)


def test_on_shell_chain_with_a_massive_neutral_daughter():
    rng = np.random.default_rng(2)
    d = sample_on_shell_zprime(0.5, 0.2, 5.11e-4, 0.5, 1, 5000, rng, neutral_mass=0.1)
    np.testing.assert_allclose(invariant_mass(d.lepton_minus, d.lepton_plus), 0.2, rtol=1e-9)
    np.testing.assert_allclose(invariant_mass(d.nu), 0.1, rtol=1e-9)
    np.testing.assert_allclose(d.parent, np.tile([0.5, 0, 0, 0], (5000, 1)), atol=1e-12)


def test_three_body_spin_asymmetry_follows_the_polarized_matrix_element():
    """Accept-reject on |M_h|^2: the mean of cos(theta) of the e- along the spin axis equals the
    ratio of integrals of |M_h|^2 cos and |M_h|^2 over flat phase space (two independent
    samples; 4 combined sigma), and flips sign with h."""
    model = DarkNeutrinoModel(0.15, 1.25, epsilon=1e-3, Umu4=1e-3, gD=1.0, UD4=1.0)
    rng = np.random.default_rng(3)
    means = {}
    for h in (-1, 1):

        def amplitude(p_n, s_n, k, minus, plus, h=h):
            return dnd.msq_nu_ll_polarized(
                p_n, s_n, k, minus, plus, model.couplings, model.mzprime, "e", h=h, dirac=True
            )

        d = sample_three_body(0.15, 5.11e-4, amplitude, h, 100_000, rng)
        cos = d.lepton_minus[:, 3] / np.linalg.norm(d.lepton_minus[:, 1:], axis=1)
        means[h] = (cos.mean(), cos.std() / math.sqrt(len(cos)))
        np.testing.assert_allclose(
            invariant_mass(d.nu, d.lepton_minus, d.lepton_plus), 0.15, rtol=1e-9
        )
    # flat phase space weighted by |M_h|^2: an independent estimate of the same mean
    from nuportal.kinematics.phase_space import three_body_phase_space

    nu, em, ep, area = three_body_phase_space(0.15, 0.0, 5.11e-4, 5.11e-4, 400_000, rng)
    p_n = np.tile([0.15, 0.0, 0.0, 0.0], (len(nu), 1))
    s_n = np.tile([0.0, 0.0, 0.0, 1.0], (len(nu), 1))
    for h in (-1, 1):
        w = area * dnd.msq_nu_ll_polarized(
            p_n, s_n, nu, em, ep, model.couplings, model.mzprime, "e", h=h, dirac=True
        )
        cos = em[:, 3] / np.linalg.norm(em[:, 1:], axis=1)
        ref = np.sum(w * cos) / np.sum(w)
        ref_err = math.sqrt(np.sum((w * (cos - ref)) ** 2)) / np.sum(w)
        got, err = means[h]
        assert got == pytest.approx(ref, abs=4 * math.hypot(err, ref_err))
    assert means[1][0] * means[-1][0] < 0  # the asymmetry flips with the helicity
