"""3+1 sterile-neutrino signatures at near detectors: oscillated / unoscillated spectrum ratios.

Prints, for SBND, MicroBooNE, DUNE ND and NOvA ND, the binned ratios of

* the nu_e spectrum with nu_mu -> nu_e appearance to the intrinsic nu_e spectrum, and
* the nu_mu spectrum with nu_mu disappearance to the unoscillated one,

for two points: (dm2 = 1.3 eV^2, sin^2 2theta = 0.003), LSND/MiniBooNE-like appearance, and
(dm2 = 0.04 eV^2, sin^2 2theta = 0.5), a toy large-mixing point. The same sin^2 2theta is used as
the effective amplitude of each channel (a per-channel toy, not one consistent 3+1 matrix).

Then the "tuning absorbs the signal" study: Asimov nu_mu pseudo-data at the DUNE ND with a
disappearance signal are fitted with a free normalization x (1 + slope (E - E0)), as a flux
tuning would do; the part of the sterile deficit absorbed by the tuning is then missing from a
far-detector comparison, where fast oscillations average the deficit to sin^2 2theta / 2.

Run: python examples/near_detector_sterile.py
Flux tables and baselines: nuportal.sources.fluxes (SBND's table covers 1-3 GeV only).
"""

from __future__ import annotations

import numpy as np

from nuportal.inference.near_detector import oscillated_spectrum

DETECTORS = ("sbnd", "microboone", "dune_nd", "nova_nd")
POINTS = ((1.3, 0.003), (0.04, 0.5))


def show_ratios() -> None:
    for dm2, s in POINTS:
        print(f"\n=== dm2 = {dm2} eV^2, sin^2 2theta = {s} (nominal baselines) ===")
        for det in DETECTORS:
            for channel in ("numu_to_nue", "numu_disappearance"):
                r = oscillated_spectrum(det, channel, s, dm2)
                e = r.E_edges_GeV
                print(f"{det:10s} {channel:19s} total ratio {r.total_ratio:.5f}")
                cells = " ".join(f"{x:.4f}" for x in r.ratio)
                print(f"    bins {e[0]:.2f}-{e[-1]:.2f} GeV ({e.size - 1}): {cells}")
        # the decay-region average matters most at SBND (50 m decay pipe, 110 m baseline)
        r0 = oscillated_spectrum("sbnd", "numu_to_nue", s, dm2)
        r1 = oscillated_spectrum("sbnd", "numu_to_nue", s, dm2, decay_region=True)
        print(
            f"sbnd appearance total ratio: nominal L {r0.total_ratio:.5f}, "
            f"decay-region averaged {r1.total_ratio:.5f}"
        )


def tuning_absorbs_signal(dm2: float = 5.0, s: float = 0.1, detector: str = "dune_nd") -> None:
    """Fit the ND nu_mu ratio with N (1 + b (E - E0)); report what the fit absorbs."""
    r = oscillated_spectrum(detector, "numu_disappearance", s, dm2)
    e = r.E_edges_GeV
    centres = 0.5 * (e[1:] + e[:-1])
    e0 = float(np.average(centres, weights=r.unoscillated))
    # Asimov data = oscillated spectrum; Poisson variance proportional to the counts, so the
    # weighted least-squares fit of the ratio uses weights = unoscillated counts (any exposure).
    y = r.ratio
    w = r.unoscillated / r.unoscillated.sum()
    A = np.stack([np.ones_like(centres), centres - e0], axis=1)
    sw = np.sqrt(w)
    (a0, a1), *_ = np.linalg.lstsq(A * sw[:, None], y * sw, rcond=None)
    norm, slope = a0, a1 / a0
    resid = y - A @ np.array([a0, a1])
    nd_deficit = 1.0 - r.total_ratio
    fd_true = s / 2.0  # far detector (L ~ 1300 km): sin^2 averages to 1/2 at dm2 >> 1e-3 eV^2
    fd_seen = 1.0 - (1.0 - fd_true) / norm  # deficit relative to the tuned prediction
    print(f"\n=== tuning absorbs the signal: {detector}, dm2 = {dm2} eV^2, sin^2 2theta = {s} ===")
    print(
        f"ND total deficit {nd_deficit:.4f}; tuned normalization {norm:.4f}, slope {slope:+.4f}/GeV"
    )
    print(f"residual ND shape after tuning: max |data/fit - 1| = {np.max(np.abs(resid)):.4f}")
    print(
        f"FD deficit: true {fd_true:.4f}, seen against the tuned prediction {fd_seen:.4f} "
        f"({100 * (1 - fd_seen / fd_true):.0f}% of the sterile signal absorbed by the ND tuning)"
    )


if __name__ == "__main__":
    show_ratios()
    for dm2 in (0.5, 5.0, 50.0):
        tuning_absorbs_signal(dm2=dm2)
