"""Throughput of event generation: the rest-frame sampler and the whole ``nuportal.generate``.

Prints events per second, on one core, for

(a) the rest-frame sampler of the polarized decay N -> nu e- e+ alone (vegas and numpy routes,
    after the one-off vegas adaptation, whose time is printed separately);
(b) the whole pipeline, ``nuportal.generate`` (source -> propagation -> decay -> rotation and
    boost -> smearing -> selection -> DataFrame), at 1e5 and 1e6 events;
(c) a reference: a plain per-event Python loop (``math`` module) doing the same work as the
    pipeline steps -- direction from the absorber to a point drawn in the TPC and its
    solid-angle weight, ray-box intersection, exact decay probability and decay distance,
    rest-frame decay taken from the same (vectorized) sampler output, rotation onto the flight
    direction and boost, 3-degree direction smearing, the cuts, and a DataFrame at the end --
    on a few thousand events, extrapolated; its rate and selected fraction are checked against
    the pipeline's, and the speed-up of (b) over (c) is printed.

Usage: python benchmarks/bench_generate.py [--mass 0.15] [--coupling 1e-6] [--loop-events 5000]
"""

from __future__ import annotations

import os

# One thread for every numerical library, set before numpy is imported.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import nuportal  # noqa: E402
from nuportal.generation import ThreeBodyNuLL, clear_vegas_cache  # noqa: E402
from nuportal.generation.pipeline import kdar_production, kdar_source_position  # noqa: E402
from nuportal.kinematics import boost, isotropic_directions, rotate_z_to  # noqa: E402
from nuportal.propagation import decay_length  # noqa: E402


def machine() -> str:
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        model = platform.processor() or model
    cores = os.cpu_count()
    pinned = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "n/a"
    import vegas

    return (
        f"CPU: {model}; {cores} logical cores, benchmark pinned to {pinned}\n"
        f"{platform.system()} {platform.release()}; Python {platform.python_version()}; "
        f"numpy {np.__version__}; pandas {pd.__version__}; vegas {vegas.__version__}; "
        f"nuportal {nuportal.__version__}"
    )


def best_time(fn, repeat: int) -> float:
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def breakdown(run) -> None:
    """Time spent in each function ``nuportal.generate`` calls directly (cProfile, one run)."""
    import cProfile
    import pstats

    prof = cProfile.Profile()
    prof.runcall(run)
    stats = pstats.Stats(prof).stats
    top = [key for key in stats if key[2] == "generate" and key[0].endswith("pipeline.py")]
    total = stats[top[0]][3]
    rows = []
    for (path, _line, func), (*_, callers) in stats.items():
        if top[0] in callers:
            rows.append((callers[top[0]][3], f"{os.path.basename(path)}:{func}"))
    print(f"    where the time goes, vegas 1e+06 (cProfile, {total:.2f} s in generate):")
    for t, name in sorted(rows, reverse=True)[:6]:
        print(f"      {name:<42}{t:7.2f} s  {100 * t / total:4.0f} %")


# ----------------------------------------------------------------------------- (c) reference
def python_loop_reference(
    n: int,
    seed: int,
    source: tuple[float, float, float],
    lower: tuple[float, float, float],
    upper: tuple[float, float, float],
    mass: float,
    momentum: float,
    lam: float,
    br_total: float,
    rest: dict[str, list],
    sigma_rad: float,
    threshold: float,
    min_opening_deg: float,
) -> pd.DataFrame:
    """The pipeline's steps, one event at a time, with the ``math`` module.

    ``rest`` holds the rest-frame four-vectors (lists of 4-lists) and weights of ``n`` decays
    from the vectorized sampler. Random numbers come from numpy, drawn up front as lists.
    """
    rng = np.random.default_rng(seed)
    u_point = rng.random((n, 3)).tolist()
    u_dist = rng.random(n).tolist()
    gauss = rng.normal(0.0, sigma_rad, (n, 4)).tolist()
    volume = (upper[0] - lower[0]) * (upper[1] - lower[1]) * (upper[2] - lower[2])
    energy = math.hypot(momentum, mass)
    beta_mag, gamma = momentum / energy, energy / mass
    g2 = gamma * gamma / (gamma + 1.0)
    rest_norm = n / math.fsum(rest["weight"])
    cos_min = math.cos(math.radians(min_opening_deg))
    rows = []
    for i in range(n):
        # direction: towards a point drawn uniformly in the box; solid-angle weight
        pt = [lower[k] + (upper[k] - lower[k]) * u_point[i][k] for k in range(3)]
        d = [pt[k] - source[k] for k in range(3)]
        norm = math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2])
        d = [d[0] / norm, d[1] / norm, d[2] / norm]
        # ray-box intersection (slabs)
        t_in, t_out = -math.inf, math.inf
        for k in range(3):
            if d[k] != 0.0:
                t1 = (lower[k] - source[k]) / d[k]
                t2 = (upper[k] - source[k]) / d[k]
                t_in, t_out = max(t_in, min(t1, t2)), min(t_out, max(t1, t2))
            elif not lower[k] <= source[k] <= upper[k]:
                t_in, t_out = math.inf, -math.inf
        if not t_out > max(t_in, 0.0):
            continue  # cannot happen: every line goes through a point of the box
        t_in = max(t_in, 0.0)
        w_dir = 3.0 * volume / (4.0 * math.pi * (t_out**3 - t_in**3)) / n
        # decay probability and decay distance (truncated exponential)
        span = t_out - t_in
        prob = math.exp(-t_in / lam) * -math.expm1(-span / lam)
        dist = t_in - lam * math.log1p(u_dist[i] * math.expm1(-span / lam))
        vertex = [source[k] + dist * d[k] for k in range(3)]
        weight = br_total * w_dir * prob * rest["weight"][i] * rest_norm
        # rotation z -> d (R_z(phi) R_y(theta)) and boost along d
        cos_t = d[2]
        sin_t = math.sqrt(max(1.0 - cos_t * cos_t, 0.0))
        rho = math.hypot(d[0], d[1])
        cp, sp = (d[0] / rho, d[1] / rho) if rho > 0 else (1.0, 0.0)
        beta = [beta_mag * d[0], beta_mag * d[1], beta_mag * d[2]]
        lab = []
        for name in ("nu", "lepton_minus", "lepton_plus"):
            e, x, y, z = rest[name][i]
            x1 = x * cos_t + z * sin_t
            z1 = -x * sin_t + z * cos_t
            p = [x1 * cp - y * sp, x1 * sp + y * cp, z1]
            bp = beta[0] * p[0] + beta[1] * p[1] + beta[2] * p[2]
            c = g2 * bp + gamma * e
            lab.append(
                [gamma * (e + bp), p[0] + c * beta[0], p[1] + c * beta[1], p[2] + c * beta[2]]
            )
        # smearing: 2D Gaussian deviation about each lepton direction
        reco = []
        for j, (e, px, py, pz) in enumerate(lab[1:]):
            tx, ty = gauss[i][2 * j], gauss[i][2 * j + 1]
            th, ph = math.hypot(tx, ty), math.atan2(ty, tx)
            lx, ly, lz = math.sin(th) * math.cos(ph), math.sin(th) * math.sin(ph), math.cos(th)
            pmag = math.sqrt(px * px + py * py + pz * pz)
            ct = pz / pmag
            st = math.sqrt(max(1.0 - ct * ct, 0.0))
            r = math.hypot(px, py)
            c2, s2 = (px / r, py / r) if r > 0 else (1.0, 0.0)
            x1 = lx * ct + lz * st
            z1 = -lx * st + lz * ct
            reco.append([e, pmag * (x1 * c2 - ly * s2), pmag * (x1 * s2 + ly * c2), pmag * z1])
        # cuts
        a, b = reco
        dot = a[1] * b[1] + a[2] * b[2] + a[3] * b[3]
        na = math.sqrt(a[1] ** 2 + a[2] ** 2 + a[3] ** 2)
        nb = math.sqrt(b[1] ** 2 + b[2] ** 2 + b[3] ** 2)
        cos_open = dot / (na * nb)
        selected = a[0] > threshold and b[0] > threshold and cos_open < cos_min
        rows.append((weight, *vertex, dist, prob, *lab[0], *lab[1], *lab[2], *a, *b, selected))
    names = ["nu", "e_minus", "e_plus", "e_minus_reco", "e_plus_reco"]
    columns = [
        "weight",
        "vertex_x",
        "vertex_y",
        "vertex_z",
        "decay_distance_m",
        "decay_probability",
    ]
    columns += [f"{p}_{c}" for p in names for c in ("E", "px", "py", "pz")] + ["selected"]
    return pd.DataFrame(rows, columns=columns)


def numpy_reference(
    n: int,
    seed: int,
    source: tuple[float, float, float],
    lower: tuple[float, float, float],
    upper: tuple[float, float, float],
    mass: float,
    momentum: float,
    lam: float,
    br_total: float,
    rest,
    sigma_rad: float,
    threshold: float,
    min_opening_deg: float,
) -> pd.DataFrame:
    """The same steps as :func:`python_loop_reference`, written as lean whole-array numpy
    (no validation, no intermediate DataFrames): what the vectorized steps cost at least."""
    rng = np.random.default_rng(seed)
    lo, hi, src = np.asarray(lower), np.asarray(upper), np.asarray(source)
    d = lo + (hi - lo) * rng.random((n, 3)) - src
    d /= np.sqrt(np.einsum("ij,ij->i", d, d))[:, None]
    with np.errstate(divide="ignore"):
        t1, t2 = (lo - src) / d, (hi - src) / d
    t_in = np.maximum(np.minimum(t1, t2).max(axis=1), 0.0)
    t_out = np.maximum(t1, t2).min(axis=1)
    w_dir = 3.0 * np.prod(hi - lo) / (4.0 * np.pi * (t_out**3 - t_in**3)) / n
    span = t_out - t_in
    em = np.expm1(-span / lam)
    prob = -np.exp(-t_in / lam) * em
    dist = t_in - lam * np.log1p(rng.random(n) * em)
    vertex = src + dist[:, None] * d
    weight = br_total * w_dir * prob * rest.weight * (n / rest.weight.sum())
    # rotation z -> d and boost along d
    cos_t = d[:, 2]
    sin_t = np.sqrt(1.0 - cos_t**2)
    rho = np.hypot(d[:, 0], d[:, 1])
    cp, sp = d[:, 0] / rho, d[:, 1] / rho
    energy = math.hypot(momentum, mass)
    bmag, gamma = momentum / energy, energy / mass

    def to_lab(p4):
        x, y, z = p4[:, 1], p4[:, 2], p4[:, 3]
        x1 = x * cos_t + z * sin_t
        pz = -x * sin_t + z * cos_t
        px, py = x1 * cp - y * sp, x1 * sp + y * cp
        # boost along d: parallel component p.d = pz (rest frame z axis = d)
        out = np.empty_like(p4)
        out[:, 0] = gamma * (p4[:, 0] + bmag * z)
        c = (gamma - 1.0) * z + gamma * bmag * p4[:, 0]
        out[:, 1], out[:, 2], out[:, 3] = px + c * d[:, 0], py + c * d[:, 1], pz + c * d[:, 2]
        return out

    nu, lm, lp = to_lab(rest.nu), to_lab(rest.lepton_minus), to_lab(rest.lepton_plus)

    def smear(p4):
        g = rng.normal(0.0, sigma_rad, (len(p4), 2))
        th, ph = np.hypot(g[:, 0], g[:, 1]), np.arctan2(g[:, 1], g[:, 0])
        st = np.sin(th)
        lx, ly, lz = st * np.cos(ph), st * np.sin(ph), np.cos(th)
        pmag = np.sqrt(np.einsum("ij,ij->i", p4[:, 1:], p4[:, 1:]))
        ct = p4[:, 3] / pmag
        s2 = np.sqrt(1.0 - ct**2)
        r = np.hypot(p4[:, 1], p4[:, 2])
        c2, sn2 = p4[:, 1] / r, p4[:, 2] / r
        x1 = lx * ct + lz * s2
        out = np.empty_like(p4)
        out[:, 0] = p4[:, 0]
        out[:, 1] = pmag * (x1 * c2 - ly * sn2)
        out[:, 2] = pmag * (x1 * sn2 + ly * c2)
        out[:, 3] = pmag * (-lx * s2 + lz * ct)
        return out

    a, b = smear(lm), smear(lp)
    cos_open = np.einsum("ij,ij->i", a[:, 1:], b[:, 1:]) / np.sqrt(
        np.einsum("ij,ij->i", a[:, 1:], a[:, 1:]) * np.einsum("ij,ij->i", b[:, 1:], b[:, 1:])
    )
    selected = (a[:, 0] > threshold) & (b[:, 0] > threshold)
    selected &= cos_open < math.cos(math.radians(min_opening_deg))
    cols = {"weight": weight, "vertex_x": vertex[:, 0], "vertex_y": vertex[:, 1]}
    cols |= {"vertex_z": vertex[:, 2], "decay_distance_m": dist, "decay_probability": prob}
    for name, p4 in (("nu", nu), ("e_minus", lm), ("e_plus", lp), ("e_minus_reco", a)):
        cols |= {f"{name}_{c}": p4[:, i] for i, c in enumerate(("E", "px", "py", "pz"))}
    cols |= {f"e_plus_reco_{c}": b[:, i] for i, c in enumerate(("E", "px", "py", "pz"))}
    cols["selected"] = selected
    return pd.DataFrame(cols)


def _sum_and_error(w: np.ndarray) -> tuple[float, float]:
    return float(w.sum()), float(np.sqrt(max(w @ w - w.sum() ** 2 / len(w), 0.0)))


def _fraction_and_error(sel: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    f = float(w @ sel / w.sum())
    return f, float(np.sqrt(np.sum(w**2 * (sel - f) ** 2)) / w.sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mass", type=float, default=0.15, help="HNL mass [GeV]")
    parser.add_argument("--coupling", type=float, default=1e-6, help="|U_mu4|^2")
    parser.add_argument("--loop-events", type=int, default=5000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    print(machine())
    print(f"command: {' '.join([os.path.basename(sys.executable), *sys.argv])}")
    m, u2 = args.mass, args.coupling
    prod = kdar_production("hnl", m, u2, "mu")
    print(
        f"HNL m_N = {m} GeV, |U_mu4|^2 = {u2:g}, Majorana, K+ at rest in the NuMI absorber -> "
        f"MicroBooNE; p_N = {prod.momentum:.4f} GeV, helicity {prod.polarization:+.3f}\n"
    )

    # (a) rest-frame sampler alone
    decay = ThreeBodyNuLL(m, "e", "mu", majorana=True, polarization=prod.polarization)
    clear_vegas_cache()
    t_adapt = best_time(decay.adapted_map, 1)
    print(f"(a) rest-frame sampler N -> nu e- e+ (vegas adaptation, once: {t_adapt * 1e3:.0f} ms)")
    print(f"    {'route':<10}{'events':>10}{'seconds':>10}{'events/s':>12}")
    sampler_rate = {}
    for method in ("vegas", "numpy"):
        decay.sample(1000, 0, method)  # warm up
        for n in (100_000, 1_000_000):
            t = best_time(lambda n=n, method=method: decay.sample(n, 1, method), 3)
            sampler_rate[method, n] = n / t
            print(f"    {method:<10}{n:>10.0e}{t:>10.3f}{n / t:>12.3e}")

    # (a2) sampled and boosted: the target, >= 1e6 three-body decays per second per core
    print(
        "\n(a2) sampled and boosted to the lab "
        "(vegas sample + rotation onto the flight line + boost)"
    )
    p_n = prod.momentum
    for n in (100_000, 1_000_000):
        rng = np.random.default_rng(5)
        directions = isotropic_directions(n, rng)
        beta = (p_n / np.hypot(p_n, m)) * directions

        def sample_and_boost(n=n, directions=directions, beta=beta):
            rest = decay.sample(n, 1, "vegas")
            return [
                boost(rotate_z_to(x, directions), beta)
                for x in (rest.nu, rest.lepton_minus, rest.lepton_plus)
            ]

        t = best_time(sample_and_boost, 3)
        print(f"    {n:>9.0e} decays: {t:.3f} s, {n / t:.3e} decays/s")

    # (b) the whole pipeline
    print("\n(b) nuportal.generate: source -> propagation -> decay -> boost -> smearing -> cuts")
    print(f"    {'route':<10}{'events':>10}{'seconds':>10}{'events/s':>12}")
    kw = {"model": "hnl", "mass": m, "coupling": u2, "majorana": True, "seed": 1}
    pipe_rate = {}
    for method in ("vegas", "numpy"):
        nuportal.generate(n_events=1000, method=method, **kw)  # warm up (adaptation cached)
        for n, repeat in ((100_000, 3), (1_000_000, 2)):
            t = best_time(
                lambda n=n, method=method: nuportal.generate(n_events=n, method=method, **kw),
                repeat,
            )
            pipe_rate[method, n] = n / t
            print(f"    {method:<10}{n:>10.0e}{t:>10.3f}{n / t:>12.3e}")
    breakdown(lambda: nuportal.generate(n_events=1_000_000, method="vegas", **kw))
    skw = {"model": "scalar", "mass": 0.1, "coupling": 4e-4, "seed": 1}
    t = best_time(lambda: nuportal.generate(n_events=1_000_000, **skw), 2)
    print(
        f"    {'scalar':<10}{1_000_000:>10.0e}{t:>10.3f}{1e6 / t:>12.3e}   (S -> e+ e-, m_S = 0.1)"
    )

    # (c) per-event Python loop on the same kind of events
    n_loop = args.loop_events
    det = nuportal.get_detector("microboone")
    box = det.active_volume
    lower = tuple((box.center - box.half).tolist())
    upper = tuple((box.center + box.half).tolist())
    src = tuple(kdar_source_position(det).tolist())
    hnl = nuportal.HeavyNeutralLepton(m, U2_mu=u2, majorana=True)
    br = float(hnl.width_nu_ll("e")) / float(hnl.total_width)
    lam = float(decay_length(prod.momentum, m, float(hnl.total_width)))
    t0 = time.perf_counter()
    rest_batch = decay.sample(n_loop, 2, "vegas")
    t_rest = time.perf_counter() - t0
    rest = {
        "nu": rest_batch.nu.tolist(),
        "lepton_minus": rest_batch.lepton_minus.tolist(),
        "lepton_plus": rest_batch.lepton_plus.tolist(),
        "weight": rest_batch.weight.tolist(),
    }
    resp = nuportal.generate(n_events=10, seed=1).attrs["metadata"]["response"]
    common = (
        src, lower, upper, m, prod.momentum, lam, prod.branching_ratio * br, rest,
        math.radians(resp["angular_resolution_deg"]), resp["threshold_GeV"],
        resp["min_opening_angle_deg"],
    )  # fmt: skip
    t_loop = best_time(lambda: python_loop_reference(n_loop, 3, *common), 3)
    ref = python_loop_reference(n_loop, 3, *common)
    loop_rate = n_loop / t_loop
    print(
        f"\n(c) plain per-event Python loop, {n_loop} events: {t_loop:.3f} s, "
        f"{loop_rate:.3e} events/s"
    )
    print(
        f"    (rest-frame decays from the vectorized sampler: {t_rest * 1e3:.1f} ms, "
        "not in the loop)"
    )
    for n in (100_000, 1_000_000):
        print(f"    extrapolated to {n:.0e} events: {n / loop_rate:8.1f} s")

    # (d) the same steps as lean whole-array numpy, on the same sampler output
    print("\n(d) the same steps as lean whole-array numpy (no pandas until the end, no checks)")
    lean_rate = {}
    for n in (100_000, 1_000_000):
        rest_n = decay.sample(n, 2, "vegas")
        lean = (src, lower, upper, m, prod.momentum, lam, prod.branching_ratio * br, rest_n)
        lean += common[-3:]
        t = best_time(lambda n=n, lean=lean: numpy_reference(n, 3, *lean), 3 if n < 10**6 else 2)
        lean_rate[n] = n / t
        print(f"    {n:>9.0e} events: {t:.3f} s, {n / t:.3e} events/s (plus the sampler)")
    lean_events = numpy_reference(200_000, 4, *lean[:7], decay.sample(200_000, 5), *lean[8:])

    # same physics? rate and selected fraction of the loop vs a pipeline sample
    big = nuportal.generate(n_events=200_000, method="vegas", **kw)
    for label, ev in (("loop", ref), ("lean numpy", lean_events), ("pipeline", big)):
        w = ev["weight"].to_numpy()
        s, ds = _sum_and_error(w)
        f, df = _fraction_and_error(ev["selected"].to_numpy(float), w)
        print(
            f"    {label:<11} {len(ev):>7} events: decays per K+ {s:.4e} +- {ds:.1e}, "
            f"selected fraction {f:.4f} +- {df:.4f}"
        )

    print("\nspeed-up of the vectorized pipeline over the per-event loop (one core):")
    for n in (100_000, 1_000_000):
        t_pipe = n / pipe_rate["vegas", n]
        t_ref = n / loop_rate + n / sampler_rate["vegas", n]  # loop + the same sampler
        t_steps = t_pipe - n / sampler_rate["vegas", n]
        print(
            f"    {n:.0e} events: pipeline {t_pipe:6.2f} s vs loop + sampler {t_ref:7.1f} s: "
            f"x{t_ref / t_pipe:.0f}; steps only (pipeline minus sampler vs loop): "
            f"x{(n / loop_rate) / t_steps:.0f}"
        )
    print("headroom: lean numpy steps vs the pipeline's steps (both without the sampler):")
    for n in (100_000, 1_000_000):
        t_steps = n / pipe_rate["vegas", n] - n / sampler_rate["vegas", n]
        print(f"    {n:.0e} events: x{t_steps / (n / lean_rate[n]):.1f}")


if __name__ == "__main__":
    main()
