"""Jobs used by tests/test_scan.py, in an importable module (not collected by pytest): worker
processes, dask workers and ``python -m nuportal.cli scan tests.scan_jobs:...`` subprocesses
import them by name (``scan_jobs:slow_job`` with tests/ on PYTHONPATH)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pandas as pd


def slow_job(x: float, delay: float = 0.0, pid_dir: str = "", seed: int = 0) -> dict:
    """A random number from the point's seed, after ``delay`` seconds; records its process id
    in ``pid_dir`` (to check that workers are stopped)."""
    if pid_dir:
        Path(pid_dir, str(os.getpid())).touch()
    time.sleep(delay)
    rng = np.random.default_rng(seed)
    return {"value": float(rng.random()), "x_squared": x * x}


def flaky_job(x: int, fail_flag: str = "", seed: int = 0) -> list[dict]:
    """Raises for every third point while the file ``fail_flag`` exists; two rows otherwise."""
    if fail_flag and os.path.exists(fail_flag) and x % 3 == 0:
        raise RuntimeError(f"failing on purpose at x={x}")
    rng = np.random.default_rng(seed)
    return [{"draw": float(d)} for d in rng.random(2)]


def dying_job(x: int, kill_flag: str = "", seed: int = 0) -> dict:
    """Kills its worker process at x == 5 while the file ``kill_flag`` exists."""
    if kill_flag and os.path.exists(kill_flag) and x == 5:
        os._exit(13)
    time.sleep(0.05)
    return {"value": float(np.random.default_rng(seed).random())}


def frame_job(a: float, b: str = "u") -> pd.DataFrame:
    """No seed; returns a DataFrame (two rows), one column named like a parameter."""
    return pd.DataFrame({"a": [a, 2 * a], "label": [b, b + b]})


def bad_return(x: float) -> int:
    return 42
