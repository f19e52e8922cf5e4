"""The tune fit on 1e6 reweighted near-detector events, against regenerating events per iteration.

    python benchmarks/bench_tune.py [--events FILE.parquet | --n 1000000] [--detector nova_nd]
                                    [--ref-events 20000]

1. Events: read (``--events``, written by ``InteractionEvents.to_parquet``) or generated once
   (``--n``); the generation time is printed.
2. One-off: the per-event response functions of the 7 default knobs (:class:`KnobResponse`).
3. The tune: iminuit fit of the 7 knobs to Asimov pseudo-data with a 3+1 signal
   (sin^2 2theta = 0.02, dm2 = 3 eV^2) in the (|q|, E_had) histogram: wall time, likelihood
   evaluations, time per evaluation.
4. References, per likelihood evaluation: (a) the registry's exact reweighting
   (:func:`nuportal.interactions.reweight`, all 7 knobs, on the same events) and (b) regenerating
   the events at the new knob values (``generate_interactions`` on ``--ref-events`` events, scaled
   linearly to the sample size): the cost of a fit that regenerates per iteration is that times
   the number of evaluations.

Single-threaded numpy; wall-clock and CPU seconds of this process.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402


def _timed(fn):
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w0, time.process_time() - c0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", default=None)
    ap.add_argument("--n", type=float, default=1e6)
    ap.add_argument("--detector", default="nova_nd", choices=["nova_nd", "dune_nd"])
    ap.add_argument("--ref-events", type=int, default=20000)
    args = ap.parse_args()

    from nuportal.inference import tuning as T
    from nuportal.inference.tuning.sample import CC_PROCESSES
    from nuportal.interactions import InteractionEvents, reweight
    from nuportal.interactions.generate import generate_interactions
    from nuportal.sources.fluxes import detector_flux

    det = args.detector
    flux, target = detector_flux(det, "fhc"), T.DETECTORS[det][0]

    def gen(n, seed=2026, **params):
        return generate_interactions(
            flux,
            target,
            processes=list(CC_PROCESSES),
            flavours=["numu"],
            n_events=int(n),
            seed=seed,
            **params,
        )

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"python {platform.python_version()}"
    )
    if args.events:
        ev, w, c = _timed(lambda: InteractionEvents.from_parquet(args.events))
        print(f"read {len(ev)} events in {w:.1f} s")
    else:
        ev, w, c = _timed(lambda: gen(args.n))
        print(f"generated {len(ev)} events in {w:.1f} s wall ({c:.1f} s CPU)")
    sample, w, c = _timed(lambda: T.sample_from_events(ev, det))
    print(f"observables + channels: {w:.1f} s")
    resp, w, c = _timed(lambda: T.KnobResponse(ev, T.DEFAULT_KNOBS))
    print(
        f"response functions of {len(T.DEFAULT_KNOBS)} knobs (one-off): {w:.1f} s wall "
        f"({c:.1f} s CPU); max interpolation error at mid-nodes: "
        + ", ".join(f"{k} {v:.1e}" for k, v in resp.max_error.items())
    )
    binning = T.default_binning("q0q3")
    problem = T.TuneProblem(sample, binning, resp, event_signal=T.sterile_signal(sample, 0.02, 3.0))
    data = problem.pseudo_data(resp.nominal, 1.0)
    res, w, c = _timed(lambda: T.fit(problem, data))
    per = w / res.nfcn
    print(
        f"TUNE: {len(ev)} events, {len(resp.names)} knobs, {binning.n_bins} bins: "
        f"{w:.2f} s wall ({c:.2f} s CPU), {res.nfcn} likelihood evaluations, "
        f"{1e3 * per:.1f} ms each ({len(ev) / per:.3g} reweighted events/s); valid={res.valid}"
    )

    theta = dict(zip(resp.names, resp.nominal * 1.05, strict=True))
    _, w_rw, _ = _timed(lambda: reweight(ev, **theta))
    print(
        f"reference (a) exact registry reweighting per evaluation: {w_rw:.2f} s -> "
        f"a fit with it: {w_rw * res.nfcn:.0f} s ({w_rw / per:.0f}x slower)"
    )
    gen(1000, seed=1)  # tables built, as in the fit loop
    _, w_g, _ = _timed(lambda: gen(args.ref_events, seed=3, **theta))
    w_full = w_g * len(ev) / args.ref_events
    print(
        f"reference (b) regenerating {args.ref_events} events: {w_g:.1f} s -> {len(ev)} events "
        f"per evaluation {w_full:.0f} s -> a fit regenerating per iteration: "
        f"{w_full * res.nfcn / 3600:.1f} h ({w_full / per:.2g}x slower)"
    )


if __name__ == "__main__":
    main()
