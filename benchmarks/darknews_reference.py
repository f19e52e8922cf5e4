"""Reference numbers from DarkNews, the field's upscattering generator, run in its own venv.

nuportal never imports DarkNews. This script installs it into a separate virtual environment and
runs DarkNews' own calculations there, in a subprocess that executes this same file with the
venv's interpreter (hidden ``_worker`` sub-command); only the standard library is imported at the
top level, so the script itself runs with any Python 3.10+.

    python benchmarks/darknews_reference.py setup [--venv DIR] [--force]
    python benchmarks/darknews_reference.py xsecs [--json out.json]
    python benchmarks/darknews_reference.py rate [--neval 1000 10000] [--repeats 5] \
        [--json out.json]

``setup``  creates ``benchmarks/.venv-darknews`` (``--venv`` to change) with ``python3 -m venv`` and
           installs the pinned ``darknews`` (and ``vegas``) into it; skipped when the venv already
           imports DarkNews.
``xsecs``  total upscattering cross sections of nu_mu on 12C (coherent and proton-elastic x 6,
           helicity conserving and flipping separately), computed exactly as DarkNews'
           ``tests/test_physics.py::test_xsecs`` does (``ThreePortalModel``, Dirac, m4 = 0.2 GeV;
           ``UpscatteringProcess.total_xsec`` with NEVAL = 1000, NINT = 10, seed = 42 on
           ``Enu = linspace(0.1, 10, 5)``), plus extra energies (1, 2 GeV) and the VEGAS error of
           each number; prints the test sums next to DarkNews' own test reference values.
``rate``   DarkNews' ``GenLauncher`` for ``miniboone_fhc`` at its default benchmark
           (m4 = 0.15 GeV, m_Z' = 1.25 GeV, Dirac, eps = 1e-3, U_mu4 = 1e-3, g_D = 1, U_D4 = 1;
           nu_mu, e+e-, HC + HF, coherent + p-el on 12C and p-el on 1H), repeated with different
           seeds for each neval: total rate (sum of w_event_rate), its error (spread over seeds,
           and estimated from one run's weights), number of weighted events, wall time, weighted
           events per second, and the time one run needs for a 1% statistical error. DarkNews
           writes its output to a temp dir.

Worker processes run single-threaded (OMP/OPENBLAS/MKL_NUM_THREADS = 1).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_VENV = HERE / ".venv-darknews"

# Pinned versions (what `pip install darknews` gave on 2026-11-25, Python 3.11, Linux x86_64).
PINNED = {"darknews": "0.4.8", "vegas": "6.4.1", "gvar": "13.1.10"}

# DarkNews tests/test_physics.py::test_xsecs reference values: 1e38 x sum over
# Enu = linspace(0.1, 10, 5) of [coherent + p-el] x [conserving + flipping], in cm^2
# (asserted by DarkNews only on macOS 14, tolerance 1e-3).
DN_TEST_XSEC_SUMS = {
    "dipole": 1.167635698988556,
    "vector_light": 47.71350400042774,
    "vector_heavy": 0.0009700678537285885,
}

# Models of test_xsecs (ThreePortalModel keyword arguments; everything else DarkNews defaults:
# Dirac, g_D = 1, U_D4 = 1, eps = 1e-3, U_mu4 = 1e-3, m_Z' = 1.25 GeV).
XSEC_MODELS: dict[str, dict[str, float]] = {
    "dipole": {"m4": 0.200, "mu_tr_mu4": 2e-6},
    "vector_light": {"m4": 0.200, "epsilon": 1e-3, "Umu4": 1e-3, "mzprime": 0.03},
    "vector_heavy": {"m4": 0.200, "epsilon": 1e-3, "Umu4": 1e-3, "mzprime": 1.25},
}
# Extra rows: the dipole model restricted to DarkNews' TMM_SQR diagram (dipole alone).
XSEC_DIAGRAM_ROWS = {"dipole_TMM_only": ("dipole", "TMM_SQR")}
CHANNELS = [
    ("coherent", "conserving"),
    ("coherent", "flipping"),
    ("p-el", "conserving"),
    ("p-el", "flipping"),
]
TEST_ENERGIES = [0.1, 2.575, 5.05, 7.525, 10.0]  # numpy.linspace(0.1, 10, 5)

# GenLauncher benchmark (DarkNews model.py defaults, stated explicitly).
RATE_MODEL: dict[str, Any] = {
    "m4": 0.15,
    "mzprime": 1.25,
    "HNLtype": "dirac",
    "epsilon": 1e-3,
    "Umu4": 1e-3,
    "gD": 1.0,
    "UD4": 1.0,
}
RATE_SCOPE: dict[str, Any] = {
    "experiment": "miniboone_fhc",
    "nu_flavors": ["nu_mu"],
    "decay_product": "e+e-",
}


class DarkNewsError(RuntimeError):
    """A failure reported to the user as one line."""


# ----------------------------------------------------------------------------- helpers


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def worker_env() -> dict[str, str]:
    """Environment for processes in the DarkNews venv: single-threaded, no leaked paths."""
    env = dict(os.environ)
    for var in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP"):
        env.pop(var, None)
    for var in (
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        "NUMEXPR_NUM_THREADS",
    ):
        env[var] = "1"
    env["MPLBACKEND"] = "Agg"
    return env


def darknews_version(venv: Path) -> str | None:
    """The DarkNews version importable in ``venv``, or None."""
    py = venv_python(venv)
    if not py.exists():
        return None
    proc = subprocess.run(
        [str(py), "-c", "import DarkNews; print(DarkNews.__version__)"],
        capture_output=True,
        text=True,
        env=worker_env(),
        check=False,
    )
    if proc.returncode != 0:
        return None
    return proc.stdout.strip().splitlines()[-1]


def setup_hint(venv: Path, extra: str = "") -> str:
    opt = "" if venv == DEFAULT_VENV else f" --venv {venv}"
    return f"python benchmarks/{Path(__file__).name}{opt} setup{extra}"


def require_venv(venv: Path) -> str:
    if not venv_python(venv).exists():
        raise DarkNewsError(f"DarkNews venv not found at {venv}; run `{setup_hint(venv)}` first")
    version = darknews_version(venv)
    if version is None:
        raise DarkNewsError(
            f"DarkNews is not importable in {venv}; run `{setup_hint(venv, ' --force')}`"
        )
    return version


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if "model name" in line)
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def run_worker(venv: Path, task: str, params: dict[str, Any]) -> dict[str, Any]:
    """Run ``task`` in the venv's interpreter; returns the JSON it writes."""
    py = venv_python(venv)
    with tempfile.TemporaryDirectory(prefix="darknews-ref-") as tmp:
        params_file = Path(tmp) / "params.json"
        out_file = Path(tmp) / "out.json"
        params = {**params, "tmpdir": tmp}
        params_file.write_text(json.dumps(params))
        proc = subprocess.run(
            [
                str(py),
                str(Path(__file__).resolve()),
                "_worker",
                task,
                str(params_file),
                str(out_file),
            ],
            cwd=tmp,  # anything DarkNews writes relative to the cwd lands in the temp dir
            env=worker_env(),
            stdout=subprocess.DEVNULL,  # DarkNews' banners and pretty-printer
            check=False,
        )
        if proc.returncode != 0 or not out_file.exists():
            raise DarkNewsError(
                f"DarkNews worker '{task}' failed (exit {proc.returncode}); see the traceback above"
            )
        return json.loads(out_file.read_text())


def write_json(path: str | None, data: dict[str, Any]) -> None:
    if path:
        Path(path).write_text(json.dumps(data, indent=2) + "\n")
        print(f"wrote {path}")


# ----------------------------------------------------------------------------- setup


def cmd_setup(args: argparse.Namespace) -> None:
    venv: Path = args.venv
    if args.force and venv.exists():
        shutil.rmtree(venv)
    version = darknews_version(venv)
    if version is not None:
        print(f"DarkNews {version} already importable in {venv}; nothing to do")
        return
    t0 = time.perf_counter()
    if not venv_python(venv).exists():
        python = args.python or shutil.which("python3") or sys.executable
        proc = subprocess.run([python, "-m", "venv", str(venv)], capture_output=True, text=True)
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["?"])[-1]
            raise DarkNewsError(f"`{python} -m venv {venv}` failed: {last}")
    requirements = (
        ["darknews"] if args.unpinned else [f"{name}=={ver}" for name, ver in PINNED.items()]
    )
    log = venv / "pip-install.log"
    print(f"installing {' '.join(requirements)} into {venv} (log: {log}) ...", flush=True)
    with open(log, "w") as f:
        proc = subprocess.run(
            [str(venv_python(venv)), "-m", "pip", "install", *requirements],
            stdout=f,
            stderr=subprocess.STDOUT,
            env=worker_env(),
            check=False,
        )
    if proc.returncode != 0:
        errors = [ln for ln in log.read_text().splitlines() if ln.startswith("ERROR")]
        cause = f": {errors[-1]}" if errors else ""
        raise DarkNewsError(
            f"pip install {' '.join(requirements)} failed "
            f"(exit {proc.returncode}; log {log}){cause}"
        )
    version = darknews_version(venv)
    if version is None:
        raise DarkNewsError(f"DarkNews installed into {venv} but does not import; see {log}")
    freeze = subprocess.run(
        [str(venv_python(venv)), "-m", "pip", "freeze"],
        capture_output=True,
        text=True,
        env=worker_env(),
        check=False,
    ).stdout.split()
    keep = ("darknews", "vegas", "gvar", "numpy", "scipy", "pandas", "particle")
    deps = [line for line in freeze if line.lower().split("==")[0] in keep]
    print(f"DarkNews {version} installed in {venv} in {time.perf_counter() - t0:.0f} s")
    print("  " + " ".join(deps))


# ----------------------------------------------------------------------------- xsecs


def cmd_xsecs(args: argparse.Namespace) -> None:
    version = require_venv(args.venv)
    params = {
        "models": XSEC_MODELS,
        "diagram_rows": XSEC_DIAGRAM_ROWS,
        "test_energies": TEST_ENERGIES,
        "extra_energies": args.extra_energies,
        "neval": args.neval,
        "nint": args.nint,
        "seed": args.seed,
        "rng": args.rng,
    }
    print(
        f"DarkNews {version}: nu_mu + 12C total cross sections (NEVAL = {args.neval}, "
        f"NINT = {args.nint}, seed = {args.seed}, rng = {args.rng}) ...",
        flush=True,
    )
    t0 = time.perf_counter()
    res = run_worker(args.venv, "xsecs", params)
    wall = time.perf_counter() - t0
    res["wall_time_s"] = wall
    res["machine"] = machine()

    head = f"{'E_nu/GeV':>8}" + "".join(f"{r + ' ' + h[:4]:>20}" for r, h in CHANNELS)
    head += f"{'sum':>14}"
    for name, row in res["rows"].items():
        print(f"\n{name} ({row['label']}) [cm^2; VEGAS relative error in brackets]")
        print(head)
        for i, energy in enumerate(row["energies"]):
            line = f"{energy:8.3f}"
            for ch in row["channels"].values():
                x, e = ch["xsec"][i], ch["err"][i]
                cell = f"{x:.5e}" + (f"({e / x:.0e})" if x > 0 else "")
                line += f"{cell:>20}"
            line += f"{row['sum'][i]:14.6e}"
            print(line)
    print("\ntest_xsecs sums (1e38 x sum over E = linspace(0.1, 10, 5), coh + p-el, HC + HF):")
    for name, val in res["test_sums"].items():
        ref, err = DN_TEST_XSEC_SUMS[name], res["test_sums_vegas_err"][name]
        print(
            f"  {name:13s} {val:.10g} +- {err:.1g} (VEGAS); DarkNews test reference {ref:.10g}: "
            f"rel. diff {val / ref - 1:+.1e}"
        )
    same = all(res["same_as_total_xsec"].values())
    print(f"  (step-by-step values identical to UpscatteringProcess.total_xsec: {same})")
    print(
        "  The references are themselves seeded NEVAL = 1000 numbers (macOS 14), with a MC error"
        "\n  of ~1e-5; use --neval 10000 for converged values."
    )
    print(f"\nwall time {wall:.1f} s (worker {res['worker_time_s']:.1f} s); {res['machine']}")
    res["dn_test_reference"] = DN_TEST_XSEC_SUMS
    write_json(args.json, res)


# ----------------------------------------------------------------------------- rate


def summarize_rate(runs: list[dict[str, Any]]) -> dict[str, Any]:
    rates = [r["rate"] for r in runs]
    mean = statistics.fmean(rates)
    spread = statistics.stdev(rates) if len(rates) > 1 else float("nan")
    t_run = statistics.fmean(r["time_total_s"] for r in runs)
    n_events = statistics.fmean(r["n_events"] for r in runs)
    rel_single = spread / mean if mean else float("nan")
    rel_weights = statistics.fmean(r["err_weights"] / r["rate"] for r in runs)
    return {
        "neval": runs[0]["neval"],
        "repeats": len(runs),
        "rate_mean": mean,
        "rate_std_single_run": spread,
        "rate_err_of_mean": spread / math.sqrt(len(runs)),
        "rel_err_single_run_seeds": rel_single,
        "rel_err_single_run_weights": rel_weights,
        "rel_err_single_run_dn_printed": statistics.fmean(r["err_dn"] / r["rate"] for r in runs),
        "n_events": n_events,
        "time_per_run_s": t_run,
        "events_per_s": n_events / t_run,
        # time one run needs for a 1% error, with error ~ 1/sqrt(time)
        "time_for_1pct_s_seeds": t_run * (rel_single / 0.01) ** 2,
        "time_for_1pct_s_weights": t_run * (rel_weights / 0.01) ** 2,
        "events_for_1pct_seeds": n_events * (rel_single / 0.01) ** 2,
        "cases_rate_mean": {
            case: statistics.fmean(r["cases"][case]["rate"] for r in runs)
            for case in runs[0]["cases"]
        },
    }


def cmd_rate(args: argparse.Namespace) -> None:
    version = require_venv(args.venv)
    generator = {
        k: v
        for k, v in {
            "nint": args.nint,
            "neval_warmup": args.neval_warmup,
            "nint_warmup": args.nint_warmup,
        }.items()
        if v is not None
    }
    print(
        f"DarkNews {version}: GenLauncher miniboone_fhc, model {RATE_MODEL}, "
        f"neval {args.neval} x {args.repeats} seeds (from {args.seed}), "
        f"other settings {generator or 'GenLauncher defaults'} ...",
        flush=True,
    )
    t0 = time.perf_counter()
    out: dict[str, Any] = {"darknews_version": version, "model": RATE_MODEL, "scope": RATE_SCOPE}
    out["rng"] = args.rng
    out["generator"] = generator
    out["summary"] = []
    out["runs"] = []
    for neval in args.neval:
        params = {
            "model": RATE_MODEL,
            "scope": RATE_SCOPE,
            "generator": {"neval": neval, **generator},
            "seeds": [args.seed + i for i in range(args.repeats)],
            "rng": args.rng,
        }
        res = run_worker(args.venv, "rate", params)
        out["runs"].extend(res["runs"])
        out["summary"].append(summarize_rate(res["runs"]))
        out["generator_settings_used"] = res["generator_settings_used"]
    wall = time.perf_counter() - t0
    out["wall_time_s"] = wall
    out["machine"] = machine()

    print("\nper run:")
    print(
        f"{'neval':>7} {'seed':>5} {'rate':>10} {'+-weights':>10} {'+-DN':>8} "
        f"{'events':>7} {'t_init/s':>8} {'t_run/s':>8} {'events/s':>9}"
    )
    for r in out["runs"]:
        print(
            f"{r['neval']:7d} {r['seed']:5d} {r['rate']:10.4f} {r['err_weights']:10.4f} "
            f"{r['err_dn']:8.4f} {r['n_events']:7d} {r['time_init_s']:8.2f} "
            f"{r['time_run_s']:8.2f} {r['n_events'] / r['time_total_s']:9.0f}"
        )
    print("\nper neval (rate = mean over seeds +- its error; single-run errors relative):")
    print(
        f"{'neval':>7} {'rate':>18} {'rel.err 1 run':>14} {'(weights)':>10} {'(DN)':>8} "
        f"{'events':>8} {'t/run s':>8} {'events/s':>9} {'t(1%) s':>8} {'ev(1%)':>8}"
    )
    for s in out["summary"]:
        print(
            f"{s['neval']:7d} {s['rate_mean']:10.4f}+-{s['rate_err_of_mean']:<6.4f} "
            f"{s['rel_err_single_run_seeds']:14.2e} {s['rel_err_single_run_weights']:10.2e} "
            f"{s['rel_err_single_run_dn_printed']:8.2e} {s['n_events']:8.0f} "
            f"{s['time_per_run_s']:8.2f} {s['events_per_s']:9.0f} "
            f"{s['time_for_1pct_s_seeds']:8.1f} {s['events_for_1pct_seeds']:8.0f}"
        )
    last = out["summary"][-1]
    print(f"\nrate by target/regime/helicity (mean over seeds, neval {last['neval']}):")
    for case, val in last["cases_rate_mean"].items():
        print(f"  {case:32s} {val:10.4f}")
    print(
        "\nt(1%), ev(1%) = time and weighted events one run needs for a 1% relative error"
        "\n  (from the seed spread, error ~ 1/sqrt(time));"
        "\n(weights) = sqrt(sum_cases [sum w^2 - (sum w)^2 / n]) of one run's w_event_rate;"
        "\n(DN) = sqrt(sum w^2), the error DarkNews itself prints."
    )
    print(f"wall time {wall:.1f} s; {out['machine']}")
    write_json(args.json, out)


# ----------------------------------------------------------------------------- workers
# Everything below runs inside the DarkNews venv (imports DarkNews, numpy, vegas lazily).


def seed_rngs(seed: int, mode: str) -> None:
    """Seed every generator a DarkNews calculation draws from.

    DarkNews seeds numpy's global RNG (``np.random.seed``), but vegas >= 6 samples with
    ``gvar.RNG``, a separate ``numpy.random.Generator`` that is seeded from the OS: DarkNews'
    ``seed`` then leaves VEGAS unseeded. ``legacy`` points ``gvar.RNG`` at numpy's global RNG
    (the behaviour of gvar < 12.1 that DarkNews' seeding assumes), ``gvar`` seeds vegas' own
    generator (``gvar.ranseed(seed)``); both also seed numpy.
    """
    import gvar
    import numpy as np

    np.random.seed(seed)  # noqa: NPY002 -- DarkNews draws from numpy's global RNG
    if mode == "legacy":
        # gvar's own recipe for its pre-12.1 generator (gvar.ranseed(version=0) raises in 13.x)
        gvar.RNG = gvar._v0_RNG()
    else:
        gvar.ranseed(seed)


def worker_xsecs(params: dict[str, Any]) -> dict[str, Any]:
    import DarkNews as dn
    import numpy as np
    import vegas
    from DarkNews import MC, integrands

    t0 = time.perf_counter()
    neval, nint, seed, rng = params["neval"], params["nint"], params["seed"], params["rng"]
    c12 = dn.detector.NuclearTarget("C12")
    models = {
        name: dn.model.ThreePortalModel(name=name, **kw) for name, kw in params["models"].items()
    }

    def process(model: Any, regime: str, helicity: str) -> Any:
        return dn.UpscatteringProcess(
            TheoryModel=model,
            nu_projectile=dn.pdg.numu,
            nu_upscattered=model.neutrino4,
            nuclear_target=c12,
            scattering_regime=regime,
            helicity=helicity,
        )

    def with_errors(proc: Any, energies: list[float], diagram: str) -> tuple[list, list]:
        """UpscatteringProcess.total_xsec step by step (same seed and calls), keeping sdev."""
        seed_rngs(seed, rng)
        means, errs = [], []
        for energy in energies:
            if energy < proc.Ethreshold:
                means.append(0.0)
                errs.append(0.0)
                continue
            f = integrands.UpscatteringXsec(dim=1, Enu=energy, ups_case=proc, diagram=diagram)
            integ = vegas.Integrator([[0.0, 1.0]])
            res = MC.run_vegas(f, integ, adapt_to_errors=True, NINT=nint, NEVAL=neval)
            # same operation order as total_xsec: (mean * norm) * multiplicity
            norm, mult = f.norm["diff_xsec"], proc.target_multiplicity
            means.append(float(res["diff_xsec"].mean * norm * mult))
            errs.append(float(res["diff_xsec"].sdev * norm * mult))
        return means, errs

    energy_sets = [params["test_energies"]]
    if params["extra_energies"]:
        energy_sets.append(params["extra_energies"])
    rows: dict[str, Any] = {}
    test_sums: dict[str, float] = {}
    test_errs: dict[str, float] = {}
    same: dict[str, bool] = {}
    row_specs = [(name, name, "total") for name in models]
    row_specs += [(row, base, diag) for row, (base, diag) in params["diagram_rows"].items()]
    for row_name, model_name, diagram in row_specs:
        model = models[model_name]
        channels: dict[str, dict[str, list[float]]] = {}
        energies: list[float] = []
        for energy_set in energy_sets:
            energies += energy_set
        for regime, helicity in CHANNELS:
            proc = process(model, regime, helicity)
            xs: list[float] = []
            err: list[float] = []
            for energy_set in energy_sets:
                m, e = with_errors(proc, energy_set, diagram)
                xs += m
                err += e
            channels[f"{regime}_{helicity}"] = {"xsec": xs, "err": err}
            if diagram == "total":
                # the literal test call, checked against the step-by-step values above
                seed_rngs(seed, rng)
                ref = proc.total_xsec(
                    Enu=np.array(params["test_energies"]), NEVAL=neval, NINT=nint, seed=seed
                )
                n = len(params["test_energies"])
                ok = bool(np.array_equal(np.asarray(ref, dtype=float), np.array(xs[:n])))
                same[row_name] = same.get(row_name, True) and ok
        total = [sum(ch["xsec"][i] for ch in channels.values()) for i in range(len(energies))]
        rows[row_name] = {
            "label": f"{model_name} {params['models'][model_name]}, diagrams={diagram}",
            "energies": energies,
            "channels": channels,
            "sum": total,
        }
        if diagram == "total":
            n = len(params["test_energies"])
            test_sums[row_name] = 1e38 * sum(total[:n])
            test_errs[row_name] = 1e38 * math.sqrt(
                sum(e**2 for ch in channels.values() for e in ch["err"][:n])
            )
    return {
        "darknews_version": dn.__version__,
        "vegas_version": vegas.__version__,
        "numpy_version": np.__version__,
        "python": platform.python_version(),
        "settings": {"NEVAL": neval, "NINT": nint, "NEVAL_warmup": 1000, "NINT_warmup": 10},
        "seed": seed,
        "rng": rng,
        "rows": rows,
        "test_sums": test_sums,
        "test_sums_vegas_err": test_errs,
        "same_as_total_xsec": same,
        "worker_time_s": time.perf_counter() - t0,
    }


def worker_rate(params: dict[str, Any]) -> dict[str, Any]:
    import DarkNews as dn
    import numpy as np
    from DarkNews.GenLauncher import GenLauncher

    runs = []
    used: dict[str, Any] = {}
    for seed in params["seeds"]:
        with tempfile.TemporaryDirectory(dir=params["tmpdir"]) as out_dir:
            seed_rngs(seed, params["rng"])
            t0 = time.perf_counter()
            gen = GenLauncher(
                **params["model"],
                **params["scope"],
                **params["generator"],
                seed=seed,
                loglevel="ERROR",
                path=out_dir,
            )
            t1 = time.perf_counter()
            df = gen.run()
            t2 = time.perf_counter()
            written = [str(p.relative_to(out_dir)) for p in Path(out_dir).rglob("*") if p.is_file()]
        used = {k: getattr(gen, k) for k in ("neval", "nint", "neval_warmup", "nint_warmup")}
        w = df["w_event_rate"].to_numpy(dtype=float).ravel()
        keys = ["target", "scattering_regime", "helicity"]
        var = 0.0
        cases = {}
        for key, group in df.groupby(keys):
            wc = group["w_event_rate"].to_numpy(dtype=float).ravel()
            var += float(np.sum(wc**2) - np.sum(wc) ** 2 / len(wc))
            cases["/".join(str(k) for k in key)] = {"rate": float(wc.sum()), "n": len(wc)}
        run = {
            "neval": params["generator"]["neval"],
            "seed": seed,
            "rate": float(w.sum()),
            "err_weights": math.sqrt(max(var, 0.0)),
            "err_dn": float(np.sqrt(np.sum(w**2))),
            "n_events": len(w),
            "time_init_s": t1 - t0,
            "time_run_s": t2 - t1,
            "time_total_s": t2 - t0,
            "cases": cases,
            "files_written": written,
        }
        runs.append(run)
        print(
            f"  neval {run['neval']} seed {seed}: rate {run['rate']:.4f}, "
            f"{run['n_events']} events, {run['time_total_s']:.1f} s",
            file=sys.stderr,
            flush=True,
        )
    return {"darknews_version": dn.__version__, "runs": runs, "generator_settings_used": used}


def worker_main(task: str, params_file: str, out_file: str) -> None:
    params = json.loads(Path(params_file).read_text())
    result = {"xsecs": worker_xsecs, "rate": worker_rate}[task](params)
    Path(out_file).write_text(json.dumps(result))


# ----------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_worker":
        worker_main(*argv[1:4])
        return 0

    venv_help = f"DarkNews venv (default {DEFAULT_VENV})"
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV, help=venv_help)
    # --venv is accepted after the sub-command too
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--venv", type=Path, default=argparse.SUPPRESS, help=venv_help)
    sub = parser.add_subparsers(dest="command", required=True)
    rng_help = (
        "legacy (default): vegas draws from numpy's global RNG, so DarkNews' seed fixes the "
        "result, as DarkNews' tests assume; gvar: vegas' own generator, seeded with gvar.ranseed"
    )

    p = sub.add_parser("setup", parents=[common], help="create the venv and pip install darknews")
    p.add_argument("--force", action="store_true", help="delete and recreate the venv")
    p.add_argument("--python", help="interpreter used for `-m venv` (default: python3 on PATH)")
    p.add_argument("--unpinned", action="store_true", help="install the newest darknews instead")
    p.set_defaults(func=cmd_setup)

    p = sub.add_parser(
        "xsecs", parents=[common], help="total cross sections on 12C (DarkNews test_xsecs setup)"
    )
    p.add_argument("--json", help="write the results to this JSON file")
    p.add_argument("--neval", type=int, default=1000, help="VEGAS NEVAL (test: 1000)")
    p.add_argument("--nint", type=int, default=10, help="VEGAS NINT (test: 10)")
    p.add_argument("--seed", type=int, default=42, help="numpy seed per total_xsec (test: 42)")
    p.add_argument(
        "--extra-energies",
        type=float,
        nargs="*",
        default=[1.0, 2.0],
        help="energies (GeV) computed in a second total_xsec call (default 1 2)",
    )
    p.add_argument("--rng", choices=["legacy", "gvar"], default="legacy", help=rng_help)
    p.set_defaults(func=cmd_xsecs)

    p = sub.add_parser(
        "rate", parents=[common], help="MiniBooNE FHC event rate and generation speed (GenLauncher)"
    )
    p.add_argument("--json", help="write the results to this JSON file")
    p.add_argument("--neval", type=int, nargs="+", default=[1000, 10000], help="GenLauncher neval")
    p.add_argument("--repeats", type=int, default=6, help="runs (seeds) per neval (default 6)")
    p.add_argument("--seed", type=int, default=1, help="first seed (default 1)")
    p.add_argument("--nint", type=int, help="GenLauncher nint (default: DarkNews' 20)")
    p.add_argument("--neval-warmup", type=int, help="GenLauncher neval_warmup (default 1000)")
    p.add_argument("--nint-warmup", type=int, help="GenLauncher nint_warmup (default 10)")
    p.add_argument("--rng", choices=["legacy", "gvar"], default="legacy", help=rng_help)
    p.set_defaults(func=cmd_rate)

    args = parser.parse_args(argv)
    args.venv = args.venv.resolve()
    try:
        args.func(args)
    except DarkNewsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
