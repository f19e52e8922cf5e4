"""Constants: PDG data through `particle`, and the derived electroweak numbers."""

import math

import pytest
from particle import Particle

from nuportal import constants as c


def test_pdg_id_shortcuts_name_the_particles_they_claim():
    # a lookup by number must give the particle of that name, else a mass would be wrong
    for name, pdgid in c._PDG_IDS.items():
        assert Particle.from_pdgid(pdgid).name == name


def test_masses_and_lifetimes_come_from_pdg_data_in_gev_and_seconds():
    assert c.mass("K+") == pytest.approx(Particle.from_pdgid(321).mass * 1e-3, rel=1e-12, abs=0)
    # PDG: m_K+ = 493.677 MeV, tau_K+ = 1.2380e-8 s, m_mu = 105.658 MeV
    assert c.M_K_CHARGED == pytest.approx(0.493677, abs=2e-6)
    assert c.lifetime("K+") == pytest.approx(1.238e-8, rel=2e-3)
    assert c.M_MUON == pytest.approx(0.1056584, abs=1e-7)
    assert math.isinf(c.lifetime("e-"))
    with pytest.raises(ValueError, match="unknown particle"):
        c.mass("not-a-particle")


def test_derived_electroweak_constants():
    # v = (sqrt(2) G_F)^(-1/2) = 246.22 GeV; on-shell sin^2 theta_W = 1 - M_W^2/M_Z^2 ~ 0.223
    assert c.HIGGS_VEV == pytest.approx(246.22, abs=0.01)
    assert c.SIN2_THETA_W_ON_SHELL == pytest.approx(0.2234, abs=1.5e-3)
    # hbar c = 197.327 MeV fm
    assert c.HBARC == pytest.approx(1.97327e-16, rel=1e-5, abs=0)
    assert c.HBAR / c.HBARC == pytest.approx(1 / c.SPEED_OF_LIGHT, rel=1e-12, abs=0)
