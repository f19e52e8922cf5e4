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
# # Standard-Model neutrino interactions at the DUNE near detector
#
# The background of every new-physics search: weighted events for a flux and a target, the
# reconstructed quantities a near-detector analysis uses, and reweighting of the model's knobs
# without regenerating events (as experiments do with GENIE's reweighting).

# %%
import numpy as np

from nuportal.interactions import KNOBS, reweight
from nuportal.interactions.generate import generate_interactions
from nuportal.interactions.observables import observables

events = generate_interactions("dune_nd_fhc", "Ar40", processes=["ccqe", "2p2h"],
                               flavours=["numu"], n_events=50_000, seed=1)
w = events.events["weight"].to_numpy()
print(f"{len(events)} weighted events; nu_mu CCQE + 2p2h per POT per argon atom: {w.sum():.3e}")
events.events.groupby("mode")["weight"].sum() * 1e21 * 1.5e28  # per 1e21 POT in 1 t of argon

# %% [markdown]
# ## Reconstructed quantities
#
# Visible hadronic energy (neutrons invisible, thresholds on protons and pions), the calorimetric
# and quasi-elastic neutrino energies, missing transverse momentum.

# %%
obs = observables(events, binding_energy=0.028)
ok = np.isfinite(obs["E_nu_qe"]).to_numpy()  # the QE formula has no solution for a few events
bias = np.average((obs["E_nu_qe"] - events.events["E_nu"])[ok], weights=w[ok])
print(f"E_nu^QE defined for {np.sum(w[ok]) / np.sum(w):.1%} of the rate; mean E_nu^QE - E_nu = "
      f"{1e3 * bias:.0f} MeV; mean missing p_T = "
      f"{1e3 * np.average(obs['pt_miss'], weights=w):.0f} MeV")
obs.describe().loc[["mean", "std"]]

# %% [markdown]
# ## Reweighting a knob
#
# Every model parameter has an event weight for a change of its value: here the axial mass of
# CCQE, from its generated value to the NOvA 2018 tune's 1.04 GeV, and the 2p2h normalization.

# %%
print({name: (k.nominal, k.sigma) for name, k in KNOBS.items()})
new = reweight(events, M_A_QE=1.04, MEC_norm=1.2)
print(f"total rate changes by {np.sum(w * new) / np.sum(w) - 1:+.3%}")
