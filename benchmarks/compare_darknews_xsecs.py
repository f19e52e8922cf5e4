"""Upscattering cross sections on C12, nuportal side by side with DarkNews.

    python benchmarks/compare_darknews_xsecs.py [--neval 10000] [--reference dn_xsecs.json]

Runs ``benchmarks/darknews_reference.py xsecs`` (DarkNews in its own virtual environment; never
imported here) unless a JSON file from an earlier run is given, then evaluates nuportal's
cross sections for the same models (DarkNews' ThreePortalModel defaults: m4 = 0.2 GeV,
epsilon = 1e-3, U_mu4 = 1e-3, g_D = 1, U_D4 = 1, m_Z' = 1.25 GeV; the dipole with
mu_tr_mu4 = 2e-6 on top; the light vector with m_Z' = 0.03 GeV), channels (coherent and
proton-elastic x 6, helicity conserving and flipping) and energies, with DarkNews' coupling
convention, its Q caps (2 GeV coherent, 5 GeV proton-elastic) and its weak nucleon form factors,
and prints each pair with the ratio and DarkNews' own integration error.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from nuportal.models.dark_neutrino import DarkNeutrinoModel
from nuportal.models.upscattering import upscattering_cross_section

HERE = Path(__file__).resolve().parent
DEFAULTS = dict(epsilon=1e-3, Umu4=1e-3, gD=1.0, UD4=1.0)
MODELS = {
    "dipole": DarkNeutrinoModel(0.2, 1.25, mu_tr_mu4=2e-6, **DEFAULTS),
    "vector_light": DarkNeutrinoModel(0.2, 0.03, **DEFAULTS),
    "vector_heavy": DarkNeutrinoModel(0.2, 1.25, **DEFAULTS),
    "dipole_TMM_only": DarkNeutrinoModel(0.2, 1.25, mu_tr_mu4=2e-6, **DEFAULTS),
}
CHANNELS = {
    "coherent_conserving": ("coherent", -1, 2.0),
    "coherent_flipping": ("coherent", 1, 2.0),
    "p-el_conserving": ("proton", -1, 5.0),
    "p-el_flipping": ("proton", 1, 5.0),
}


def reference(neval: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "x.json"
        cmd = [sys.executable, str(HERE / "darknews_reference.py"), "xsecs", "--neval",
               str(neval), "--json", str(out)]  # fmt: skip
        if subprocess.run(cmd).returncode != 0:
            raise SystemExit("DarkNews reference failed (run darknews_reference.py setup first)")
        return json.loads(out.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--neval", type=int, default=10_000)
    parser.add_argument("--reference", type=Path, help="JSON from darknews_reference.py xsecs")
    args = parser.parse_args()
    ref = json.loads(args.reference.read_text()) if args.reference else reference(args.neval)
    worst = 0.0
    for name, row in ref["rows"].items():
        model = MODELS[name]
        portal = "dipole" if name == "dipole_TMM_only" else "all"
        energies = np.array(row["energies"])
        print(f"\n{row['label']}")
        print(
            f"{'channel':<22}{'E [GeV]':>8}{'DarkNews [cm^2]':>17}{'nuportal [cm^2]':>17}"
            f"{'ratio - 1':>11}{'DN error':>10}"
        )
        for channel, (process, helicity, q_cap) in CHANNELS.items():
            dn = np.array(row["channels"][channel]["xsec"])
            err = np.array(row["channels"][channel]["err"])
            ours = np.asarray(upscattering_cross_section(
                model, "C12", "mu", energies, process=process, helicity=helicity, q_cap=q_cap,
                portal=portal, nc_convention="darknews",
            ))  # fmt: skip
            for e, a, b, s in zip(energies, dn, ours, err, strict=True):
                if a == 0.0 and b == 0.0:
                    continue
                rel = b / a - 1.0
                worst = max(worst, abs(rel))
                print(f"{channel:<22}{e:>8.3f}{a:>17.6e}{b:>17.6e}{rel:>+11.2e}{s / a:>10.1e}")
    print(f"\nlargest relative difference: {worst:.2e}")


if __name__ == "__main__":
    main()
