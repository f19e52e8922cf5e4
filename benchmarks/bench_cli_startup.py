"""Start-up time of the command line: ``import nuportal``, ``nuportal --version`` and ``--help``.

Runs each command N times in fresh interpreters and prints the median and minimum wall-clock
time and the median CPU time (user + system: the better measure on a shared machine), next to
the bare interpreter (``python -c pass``) as the reference in the same run, and the eager import
of the whole public API (what ``import nuportal`` cost before lazy loading).

    python benchmarks/bench_cli_startup.py [N]
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time

PY = sys.executable
CASES = {
    "python -c pass (reference)": [PY, "-c", "pass"],
    "import nuportal": [PY, "-c", "import nuportal"],
    "nuportal --version": [PY, "-m", "nuportal.cli", "--version"],
    "nuportal --help": [PY, "-m", "nuportal.cli", "--help"],
    "nuportal upscatter --help": [PY, "-m", "nuportal.cli", "upscatter", "--help"],
    "import of the whole public API (eager)": [
        PY,
        "-c",
        "import nuportal as n; [getattr(n, a) for a in n.__all__]",
    ],
}


def main(n: int = 15) -> None:
    print(f"{'command':42s} {'wall median':>12s} {'wall min':>9s} {'CPU median':>11s}  ({n} runs)")
    for label, cmd in CASES.items():
        times, cpu = [], []
        for _ in range(n):
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - t0)
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
        print(
            f"{label:42s} {statistics.median(times):11.3f}s {min(times):8.3f}s "
            f"{statistics.median(cpu):10.3f}s"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
