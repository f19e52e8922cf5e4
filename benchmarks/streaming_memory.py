"""Peak memory and speed of streamed vs in-memory event generation.

Each case runs in a fresh process (peak resident memory from getrusage); the streamed run
writes parquet chunk by chunk (nuportal.generation.pipeline.write_generated,
nuportal.generation.upscattering.write_upscattering), the reference holds every event in
memory (generate, generate_upscattering). Usage: python benchmarks/streaming_memory.py [n ...]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile

CASE = r"""
import json, os, resource, sys, tempfile, time, warnings
warnings.simplefilter("ignore")
kind, how, n = sys.argv[1], sys.argv[2], int(float(sys.argv[3]))
out = os.path.join(tempfile.mkdtemp(), "events.parquet")
t = time.perf_counter()
if kind == "generate":
    from nuportal.generation.pipeline import generate, write_generated
    opts = dict(model="hnl", mass=0.2, coupling=1e-6, n_events=n, seed=1, method="numpy")
    write_generated(out, **opts) if how == "stream" else generate(**opts)
else:
    from nuportal.generation.upscattering import generate_upscattering, write_upscattering
    from nuportal.models.dark_neutrino import DarkNeutrinoModel
    m = DarkNeutrinoModel(0.15, 1.25, epsilon=1e-3, Umu4=1e-3, alphaD=0.25, UD4=1.0)
    if how == "stream":
        write_upscattering(m, "miniboone", out, n, seed=1)
    else:
        generate_upscattering(m, "miniboone", n, seed=1)
dt = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # MB (Linux: kB)
print(json.dumps({"kind": kind, "how": how, "n": n, "seconds": dt, "events_per_s": n / dt,
                  "peak_rss_MB": rss}))
"""


def main(sizes: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        script = f"{tmp}/case.py"
        with open(script, "w") as fh:
            fh.write(CASE)
        for kind in ("generate", "upscatter"):
            for n in sizes:
                for how in ("memory", "stream"):
                    res = subprocess.run([sys.executable, script, kind, how, n], check=True,
                                         capture_output=True, text=True)  # fmt: skip
                    r = json.loads(res.stdout.strip().splitlines()[-1])
                    head = f"{r['kind']:9s} {r['how']:6s} n={r['n']:.0e}"
                    print(f"{head}: peak RSS {r['peak_rss_MB']:7.0f} MB, "
                          f"{r['events_per_s']:9.3g} events/s")  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:] or ["1e5", "1e6", "3e6"])
