# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # From protons on target to light dark matter at the DUNE near detector
#
# Every calculation here starts from "N protons on target": the LBNF beam (120 GeV protons on a
# 2.2 m graphite target) makes mesons; neutral mesons decay to a photon and a dark photon $A'$
# (or, through an off-shell $A'$, to a photon and a pair of dark-matter particles $\chi$);
# protons radiate $A'$ directly. The $\chi$ fly to ND-LAr, 574 m downstream, on axis or moved
# sideways (DUNE-PRISM), and scatter on electrons. This tutorial walks down that chain with the
# public API; it runs in well under a minute.

# %%
import warnings

import numpy as np

from nuportal.models.light_dark_matter import DarkSector
from nuportal.sources.target import (
    acceptance_table,
    chi_pairs,
    get_beam,
    meson_yields,
    sample_mesons,
    target_dark_photons,
)

warnings.simplefilter("ignore", UserWarning)  # off-axis fluxes beyond 19 m are extrapolated

beam = get_beam("lbnf")
print(beam.name, beam.proton_energy, "GeV on", beam.length, "m of", beam.material)
print(f"protons interacting in the target: {beam.interaction_probability:.3f}")
{k: round(v, 3) for k, v in meson_yields(beam).items()}  # mesons per proton on target

# %% [markdown]
# ## Mesons
#
# Weighted $\pi^0$: the weights add up to the $\pi^0$ per POT (BMPT invariant cross sections,
# Bonesini et al., EPJC 20 (2001) 13, with isospin for the neutral pion).

# %%
pi0 = sample_mesons(beam, "pi0", n=50_000, seed=1)
p = np.linalg.norm(pi0.momenta[:, 1:], axis=1)
theta = np.arccos(pi0.momenta[:, 3] / p)
print(f"pi0 per POT {pi0.weights.sum():.3f}, <p> = {np.average(p, weights=pi0.weights):.1f} GeV, "
      f"<theta> = {1e3 * np.average(theta, weights=pi0.weights):.0f} mrad")

# %% [markdown]
# ## Dark photons and dark matter
#
# The benchmark of the light-dark-matter literature: $m_{A'} = 3 m_\chi = 90$ MeV,
# $\alpha_D = 0.5$, $\alpha_D\epsilon^4 = 10^{-15}$. With a dark sector, the $\pi^0$ and $\eta$
# channels are the three-body decays $P \to \gamma \chi\chi$ (valid at any $m_{A'}$).

# %%
sector = DarkSector(m_chi=0.03, alpha_D=0.5, spin="scalar")
epsilon = (1e-15 / 0.5) ** 0.25
aprime = target_dark_photons(beam, 0.09, epsilon, chi=sector,
                             channels=["pi0_3body", "eta_3body", "proton_brem"],
                             n_events=20_000, seed=1)
aprime.groupby("channel")["weight"].sum()  # A' (or chi pairs) per POT

# %%
chi = chi_pairs(aprime, sector, seed=2)
acceptance_table(chi, off_axis=(0.0, 10.0, 20.0, 30.0))[
    ["group", "off_axis_m", "fraction", "mean_energy_GeV", "mean_path_m"]
]

# %% [markdown]
# The $\chi$ beam is wide (the neutral mesons are not focused by the horns) while proton
# bremsstrahlung is forward: moving the detector off axis loses the brem $\chi$ fastest.
#
# ## Signal and background at ND-LAr
#
# $\chi e \to \chi e$ against $\nu e \to \nu e$ (and $\nu_e$ CCQE), through the same single-electron
# selection (resolution, $E_e\theta_e^2$ cut), per proton on target.

# %%
from nuportal.inference.light_dark_matter import ldm_signal
from nuportal.inference.light_dark_matter.background import nu_electron_background

positions = (0.0, 20.0)
signal = ldm_signal(0.03, 0.09, epsilon=epsilon, positions=positions,
                    channels=["pi0_3body", "eta_3body", "proton_brem"], n_events=10_000, seed=1)
background = nu_electron_background(positions, n_events=20_000, seed=2)
pot = 1.1e21
for x in positions:
    s = signal.histograms[x].sum() * pot
    b = sum(background.histograms[(x, m)].sum() for m in ("fhc",)) * pot
    print(f"{x:4.0f} m off axis: signal {s:7.0f}, nu background (FHC) {b:7.0f} per 1.1e21 POT")

# %% [markdown]
# ## Expected reach at this mass
#
# pyhf (HistFactory) with a shared flux normalization, per-position normalizations, Asimov
# background-only data; the signal scales as $y^2$, so it is computed once.

# %%
from nuportal.inference.light_dark_matter.reach import RunPlan, reach_for_signal

plan = RunPlan(position_shares={0.0: 0.5, 20.0: 0.5})
reach = reach_for_signal(signal, background, plan)
reach[["configuration", "analysis", "y_limit", "signal_events", "background_events"]]
