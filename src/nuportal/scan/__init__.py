"""Parameter scans that scale: local processes by default, a dask cluster when given one.

Run a job (a registered name, ``"module:function"`` or a function with keyword parameters) over
a grid or a list of points::

    from nuportal.scan import scan
    result = scan("recast-microboone-kdar", grid={"mass": np.geomspace(0.01, 0.38, 50)},
                  fixed={"n_events": 5000}, out="kdar-scan", workers=4)
    print(result.summary)
    limits = result.frame()

* Executors (:mod:`nuportal.scan.executors`): ``workers=N`` local processes (default: all
  cores; 1: serial in this process), ``scheduler="tcp://host:8786"`` or a
  ``dask.distributed.Client`` for a cluster, or any ``concurrent.futures.Executor``.
* Seeds (:mod:`nuportal.scan.grid`): each point's seed comes from the scan seed and its own
  parameters (SHA-256, SeedSequence): results are the same bit for bit serially, on a pool of
  any size, or on dask.
* Storage and resume (:mod:`nuportal.scan.store`): one parquet file per finished point, written
  atomically; running the same scan again skips the finished points; a point whose job raised is
  stored with its error and retried only with ``retry_failed=True``.

The command line: ``nuportal scan JOB --grid mass=0.01:0.38:50 --set n_events=5000 --out DIR``.
"""

from nuportal.scan.executors import InlineExecutor, available_cores, make_executor
from nuportal.scan.grid import (
    canonical,
    grid_points,
    parse_grid,
    parse_setting,
    parse_value,
    point_id,
    point_seed,
)
from nuportal.scan.jobs import JOBS, Job, resolve_job
from nuportal.scan.runner import ScanAborted, ScanResult, run_point, scan
from nuportal.scan.store import read_manifest, read_scan

__all__ = [
    "JOBS",
    "InlineExecutor",
    "Job",
    "ScanAborted",
    "ScanResult",
    "available_cores",
    "canonical",
    "grid_points",
    "make_executor",
    "parse_grid",
    "parse_setting",
    "parse_value",
    "point_id",
    "point_seed",
    "read_manifest",
    "read_scan",
    "resolve_job",
    "run_point",
    "scan",
]
