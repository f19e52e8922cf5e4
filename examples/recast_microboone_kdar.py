"""Walk-through: recast MicroBooNE's Higgs-portal scalar search into heavy-neutral-lepton limits.

MicroBooNE looked for S -> e+e- from K+ -> pi+ S, with kaons decaying at rest in the NuMI
absorber about 100 m from the detector (arXiv:2106.00568). A heavy neutral lepton N from
K+ -> mu+ N decaying to nu e+e- in the TPC gives the same signature (Kelly & Machado,
arXiv:2106.06548). Run it with

    python examples/recast_microboone_kdar.py

It uses only the public API and writes two PNG files next to where it runs.
"""

import numpy as np

import nuportal
from nuportal.experiments import kelly_machado_2021_hnl_limit, microboone_kdar_hps_2021
from nuportal.models import br_kaon_to_pion_scalar, br_meson_to_lepton_hnl, hnl_polarization

# 1. The input: MicroBooNE's published limit on the mixing angle theta and the efficiency.
data = microboone_kdar_hps_2021()
print(f"{data.citation}\n{data.n_observed} event observed on {data.background_expected} expected")
for m, th, eff in zip(data.mass_GeV, data.theta_limit, data.efficiency, strict=True):
    print(f"  m_S = {m * 1e3:7.2f} MeV   theta < {th:.2e}   efficiency {eff:.3f}")

# 2. The two models at one mass: production, lifetime, decay branching ratio.
m = 0.15
scalar = nuportal.HiggsPortalScalar(m, theta=4e-4)
hnl = nuportal.HeavyNeutralLepton(m, U2_mu=1e-6, majorana=True)
print(f"\nat {m * 1e3:.0f} MeV:")
print(f"  Br(K+ -> pi+ S) = {br_kaon_to_pion_scalar(m, 4e-4):.2e}, c tau(S) = {scalar.ctau:.2e} m")
print(
    f"  Br(K+ -> mu+ N) = {br_meson_to_lepton_hnl('K+', 'mu', m, 1e-6):.2e}, "
    f"c tau(N) = {hnl.ctau:.2e} m, Br(N -> nu e e) = {hnl.branching_ratio('nu e+ e-'):.3f}, "
    f"N helicity {hnl_polarization('K+', 'mu', m):+.2f}"
)

# 3. Simulated events of both at MicroBooNE: the HNL pair is more collimated than the scalar's,
#    which is why the efficiency cannot simply be copied.
for model, coupling in (("scalar", 4e-4), ("hnl", 1e-6)):
    ev = nuportal.generate(model=model, mass=m, coupling=coupling, n_events=50_000, seed=1)
    w = ev["weight"] * ev["selected"]
    cos = np.average(np.cos(np.radians(ev["opening_angle_deg_reco"])), weights=w)
    print(
        f"  {model:6s}: decays in the TPC per KDAR kaon {ev['weight'].sum():.3e}, "
        f"<cos ee> {cos:+.3f}"
    )
nuportal.plotting.plot_events(ev, "hnl_events.png")

# 4. The recast: full excluded band, three efficiency transfers.
limits = nuportal.recast.microboone_kdar(majorana=True, efficiency="all", seed=1)
print(limits[["mass_GeV", "efficiency_method", "U2_lower", "U2_upper"]].iloc[::15].to_string())

# 5. Against the published recast (their conventions: half-size Br(K -> pi S), nu e e width
#    only, long-lifetime limit) and our default physics.
km = kelly_machado_2021_hnl_limit("scalar")
theirs = nuportal.recast.microboone_kdar(
    efficiency="same", masses=[0.05, 0.1, 0.15], convention="kelly-machado"
)
ours = nuportal.recast.microboone_kdar(efficiency="same", masses=[0.05, 0.1, 0.15])
for mass, u_km, u_phys in zip(theirs.mass_GeV, theirs.U2_lower, ours.U2_lower, strict=True):
    print(
        f"  {mass:.2f} GeV: published {km.at(mass):.2e}, ours with their conventions "
        f"{u_km:.2e}, ours (physics) {u_phys:.2e}"
    )

reference = {"mass_GeV": data.mass_GeV, "theta_limit": data.theta_limit}
published = {"mass_GeV": km.mass_GeV, "U2": km.limit}
nuportal.plotting.plot_recast(limits, reference, "limits.png", published=published)
print("wrote hnl_events.png and limits.png")
