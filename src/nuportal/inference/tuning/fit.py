"""The tune: fit interaction knobs to near-detector pseudo-data by reweighting, and what it absorbs.

Likelihood (binned Poisson, as a -2 ln L with Gaussian priors on the knobs):

    -2 ln L(theta, mu) = 2 sum_cb [N_cb - n_cb + n_cb ln(n_cb / N_cb)]
                         + sum_k ((theta_k - theta_k^0) / sigma_k)^2,

the Poisson deviance (S. Baker, R. D. Cousins, NIM 221 (1984) 437) of the data n against the
prediction N(theta, mu) of :class:`TuneProblem`, plus the priors of the knobs (their conventional
1-sigma, :data:`nuportal.interactions.KNOBS`). It is minimized with iminuit (MIGRAD; errors from
HESSE). Why iminuit and not a pyhf model: the knobs act nonlinearly and per event (M_A changes the
Q^2 shape, the 2p2h shape knobs move a Gaussian), which pyhf's modifiers (normalizations,
piecewise interpolation between +-1 sigma templates) only approximate; the per-event response
functions give the exact reweighted histograms at every step. :mod:`.histfactory` builds the
+-1 sigma-template pyhf model as a cross-check (identical for linear knobs).

Reported by :func:`tuning_study`:

* the post-fit chi^2 = the deviance plus the prior term at the best fit, with ndof = the number of
  non-empty bins (each prior adds a pseudo-measurement and each knob removes a degree of
  freedom), and its p-value;
* the pulls of the knobs, (theta_hat - theta_true) / sigma_hat (sigma_hat from HESSE);
* the absorbed fraction: with S_b the injected signal (expected counts: data expectation minus
  the true model), B_b the true model and B^_b the tuned model (knobs at the tune),

      f_abs = sum_b S_b (B^_b - B_b) / B_b  /  sum_b S_b^2 / B_b,

  the chi^2-weighted projection of the tune's change of the prediction onto the signal:
  1 when the tuned model reproduces the signal, 0 when it leaves it alone (noise in Poisson data
  averages out in the projection);
* discovery significances of the signal (q0 test statistic, one-sided, mu >= 0;
  G. Cowan et al., EPJC 71 (2011) 1554, arXiv:1007.1727):
  ``Z_true`` with the knobs fixed at their true values, ``Z_tuned`` with the knobs fixed at the
  tune (tune first, then search the same data: what an analysis does that takes its tuned model
  as the prediction), ``Z_profiled`` with the knobs free (within their priors) in both fits.

Units: counts; knobs in their own units.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nuportal._validation import RngLike, as_rng
from nuportal.inference.tuning.response import KnobResponse
from nuportal.inference.tuning.sample import Binning, NDSample

__all__ = [
    "FitResult",
    "StudyResult",
    "TuneProblem",
    "absorbed_fraction",
    "deviance",
    "fit",
    "tuning_study",
]

MU_MAX: float = 20.0


def deviance(data: ArrayLike, pred: ArrayLike) -> float:
    """Poisson deviance 2 sum [N - n + n ln(n / N)] (Baker-Cousins chi^2), data n, prediction N."""
    n = np.asarray(data, dtype=float)
    m = np.maximum(np.asarray(pred, dtype=float), 1e-300)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(n > 0, n * np.log(n / m), 0.0)
    return float(2.0 * np.sum(m - n + t))


class TuneProblem:
    """Predictions N_cb(theta, mu) of a sample's channels in a binning (see :mod:`.signals`).

    Parameters
    ----------
    sample : NDSample
    binning : Binning
    response : KnobResponse
        Response functions of the fitted knobs, built on ``sample.events``.
    event_signal : list of ndarray, optional
        Per-event signal terms s_ci per channel (:func:`.signals.sterile_signal`).
    template_signal : list of ndarray, optional
        Fixed signal histograms T_cb per channel (:func:`.signals.template_signal`).
    """

    def __init__(
        self,
        sample: NDSample,
        binning: Binning,
        response: KnobResponse,
        event_signal: Sequence[NDArray[np.float64]] | None = None,
        template_signal: Sequence[NDArray[np.float64]] | None = None,
    ) -> None:
        if response.n_events != len(sample.E_nu):
            raise ValueError("response was built on other events than the sample's")
        nc = len(sample.channels)
        for name, sig, size in (
            ("event_signal", event_signal, len(sample.E_nu)),
            ("template_signal", template_signal, binning.n_bins),
        ):
            if sig is not None and (len(sig) != nc or any(np.shape(s) != (size,) for s in sig)):
                raise ValueError(f"{name} needs {nc} arrays of length {size}")
        self.sample, self.binning, self.response = sample, binning, response
        idx = binning.index(sample.observables)
        self._sel = np.flatnonzero(idx >= 0)
        self._idx = idx[self._sel]
        self._base = [ch.weight[self._sel] for ch in sample.channels]
        self._sig = None if event_signal is None else [s[self._sel] for s in event_signal]
        self._tmpl = None if template_signal is None else [np.asarray(t) for t in template_signal]

    @property
    def n_channels(self) -> int:
        """Number of channels (detector positions)."""
        return len(self._base)

    def _hist(self, w: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.bincount(self._idx, weights=w, minlength=self.binning.n_bins)

    def expected(self, theta: Sequence[float], mu: float = 0.0) -> NDArray[np.float64]:
        """Expected counts (n_channels, n_bins) at knob values ``theta`` and strength ``mu``."""
        w = self.response.weights(theta)[self._sel]
        out = np.empty((self.n_channels, self.binning.n_bins))
        for c in range(self.n_channels):
            a = self._base[c]
            if self._sig is not None and mu != 0.0:
                a = a + mu * self._sig[c]
            out[c] = self._hist(w * a)
            if self._tmpl is not None:
                out[c] += mu * self._tmpl[c]
        return out

    def pseudo_data(
        self,
        theta_true: Sequence[float],
        mu: float = 1.0,
        *,
        asimov: bool = True,
        seed: RngLike = None,
    ) -> NDArray[np.float64]:
        """Pseudo-data at the true knobs and injected strength: the expectation (Asimov) or a
        Poisson draw of it."""
        e = self.expected(theta_true, mu)
        return e if asimov else as_rng(seed).poisson(e).astype(float)


@dataclass(frozen=True)
class FitResult:
    """One fit: best values, HESSE errors, -2 ln L parts and bookkeeping.

    Attributes
    ----------
    names : list of str
        Knob names (then ``"mu"`` if the strength was free).
    values, errors : ndarray
        Best-fit values and HESSE errors (knob units).
    chi2 : float
        Poisson deviance at the best fit.
    chi2_prior : float
        Prior term at the best fit.
    ndof : int
        Non-empty bins.
    p_value : float
        P(chi^2_ndof > chi2 + chi2_prior).
    valid : bool
        MIGRAD converged.
    nfcn : int
        Likelihood evaluations.
    seconds : float
        Wall time of the fit [s].
    at_limit : list of str
        Knobs that ended at an end of their fit range.
    """

    names: list[str]
    values: NDArray[np.float64]
    errors: NDArray[np.float64]
    chi2: float
    chi2_prior: float
    ndof: int
    p_value: float
    valid: bool
    nfcn: int
    seconds: float
    at_limit: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        """-2 ln L at the best fit (deviance + prior)."""
        return self.chi2 + self.chi2_prior


def fit(
    problem: TuneProblem,
    data: ArrayLike,
    *,
    free_mu: bool = False,
    mu: float = 0.0,
    fixed: Sequence[float] | None = None,
) -> FitResult:
    """Minimize -2 ln L (module docstring) with iminuit.

    Parameters
    ----------
    problem : TuneProblem
    data : array_like (n_channels, n_bins)
        Observed counts (>= 0).
    free_mu : bool
        Fit the signal strength too (in [0, 20]); otherwise it is held at ``mu``.
    mu : float
        Signal strength held fixed (default 0: the tune, background only).
    fixed : sequence of float, optional
        Hold the knobs at these values (then only ``mu`` is fitted, if free).
    """
    from iminuit import Minuit
    from scipy.stats import chi2 as chi2_dist

    n = np.asarray(data, dtype=float)
    shape = (problem.n_channels, problem.binning.n_bins)
    if n.shape != shape or not np.all(np.isfinite(n)) or np.any(n < 0):
        raise ValueError(f"data must be finite counts >= 0 with shape {shape}")
    specs = problem.response.specs
    th0 = problem.response.nominal
    sig = np.array([s.sigma for s in specs])
    nk = len(specs)

    def prior(th: NDArray[np.float64]) -> float:
        return float(np.sum(((th - th0) / sig) ** 2))

    def fcn(x: NDArray[np.float64]) -> float:
        th = np.asarray(x[:nk]) if fixed is None else np.asarray(fixed, dtype=float)
        m = x[-1] if free_mu else mu
        return deviance(n, problem.expected(th, m)) + (0.0 if fixed is not None else prior(th))

    names = [s.name for s in specs] + (["mu"] if free_mu else [])
    x0 = list(th0 if fixed is None else np.asarray(fixed, dtype=float)) + ([0.5] if free_mu else [])
    t0 = time.perf_counter()
    m = Minuit(fcn, x0, name=names)
    m.errordef = Minuit.LEAST_SQUARES
    for s in specs:
        m.limits[s.name] = (s.lower, s.upper)
        m.errors[s.name] = 0.5 * s.sigma
        if fixed is not None:
            m.fixed[s.name] = True
    if free_mu:
        m.limits["mu"] = (0.0, MU_MAX)
        m.errors["mu"] = 0.1
    if fixed is None or free_mu:
        m.migrad()
        m.hesse()
    seconds = time.perf_counter() - t0
    vals = np.array(m.values)
    th = vals[:nk] if fixed is None else np.asarray(fixed, dtype=float)
    pred = problem.expected(th, vals[-1] if free_mu else mu)
    dev = deviance(n, pred)
    pri = 0.0 if fixed is not None else prior(th)
    ndof = int(np.count_nonzero((n > 0) | (pred > 0)))
    at_limit = [
        s.name
        for s, v in zip(specs, th, strict=True)
        if fixed is None and min(v - s.lower, s.upper - v) < 1e-3 * s.sigma
    ]
    return FitResult(
        names,
        vals,
        np.array(m.errors),
        dev,
        pri,
        ndof,
        float(chi2_dist.sf(dev + pri, ndof)),
        bool(m.valid) if (fixed is None or free_mu) else True,
        int(m.nfcn),
        seconds,
        at_limit,
    )


@dataclass(frozen=True)
class StudyResult:
    """Outcome of :func:`tuning_study` (definitions in the module docstring).

    Attributes
    ----------
    theta_true : ndarray
        True knob values of the pseudo-data.
    data, true_model, tuned_model, nominal_model, signal : ndarray (n_channels, n_bins)
        Pseudo-data, B(theta_true), B(theta_hat) (after the tune), B(theta^0) (before it: the
        knobs at their prior centres) and the injected signal (expected counts).
    tune : FitResult
        The background-only tune.
    pulls : ndarray
        (theta_hat - theta_true) / sigma_hat per knob.
    absorbed_fraction : float
        f_abs (NaN without a signal).
    z_true, z_tuned, z_profiled : float
        Discovery significances (NaN without a signal).
    """

    theta_true: NDArray[np.float64]
    data: NDArray[np.float64]
    true_model: NDArray[np.float64]
    tuned_model: NDArray[np.float64]
    nominal_model: NDArray[np.float64]
    signal: NDArray[np.float64]
    tune: FitResult
    pulls: NDArray[np.float64]
    absorbed_fraction: float
    z_true: float
    z_tuned: float
    z_profiled: float


def _z(q0: float) -> float:
    return float(np.sqrt(max(q0, 0.0)))


def absorbed_fraction(signal: ArrayLike, true_model: ArrayLike, tuned_model: ArrayLike) -> float:
    """f_abs = sum S (B^ - B) / B / sum S^2 / B over bins with B > 0 (NaN if S = 0)."""
    s, b, bh = (np.asarray(a, dtype=float).ravel() for a in (signal, true_model, tuned_model))
    ok = b > 0
    den = float(np.sum(s[ok] ** 2 / b[ok]))
    if den <= 0:
        return float("nan")
    return float(np.sum(s[ok] * (bh[ok] - b[ok]) / b[ok]) / den)


def tuning_study(
    problem: TuneProblem,
    theta_true: Sequence[float] | None = None,
    mu: float = 1.0,
    *,
    asimov: bool = True,
    seed: RngLike = None,
    significance: bool = True,
) -> StudyResult:
    """Pseudo-data (true knobs + mu x signal), the tune, and what it absorbs (module docstring).

    Parameters
    ----------
    problem : TuneProblem
    theta_true : sequence of float, optional
        True knob values (default: the nominal ones).
    mu : float
        Injected signal strength (>= 0; 1 = the signal as built).
    asimov : bool
        Asimov pseudo-data (the expectation) or a Poisson draw (with ``seed``).
    significance : bool
        Also compute the three discovery significances (three more fits).
    """
    if not (np.isfinite(mu) and mu >= 0):
        raise ValueError(f"mu must be finite and >= 0, got {mu!r}")
    th_true = problem.response.nominal if theta_true is None else np.asarray(theta_true, float)
    data = problem.pseudo_data(th_true, mu, asimov=asimov, seed=seed)
    b_true = problem.expected(th_true, 0.0)
    signal = problem.expected(th_true, mu) - b_true
    tune = fit(problem, data)
    th_hat = tune.values[: len(th_true)]
    b_hat = problem.expected(th_hat, 0.0)
    pulls = (th_hat - th_true) / np.where(
        tune.errors[: len(th_true)] > 0, tune.errors[: len(th_true)], np.nan
    )
    has_signal = mu > 0 and bool(np.any(signal != 0))
    f_abs = absorbed_fraction(signal, b_true, b_hat) if has_signal else float("nan")
    z_true = z_tuned = z_prof = float("nan")
    if significance and has_signal:
        z_true = _z(deviance(data, b_true) - fit(problem, data, free_mu=True, fixed=th_true).chi2)
        z_tuned = _z(tune.chi2 - fit(problem, data, free_mu=True, fixed=th_hat).chi2)
        z_prof = _z(tune.total - fit(problem, data, free_mu=True).total)
    return StudyResult(
        th_true,
        data,
        b_true,
        b_hat,
        problem.expected(problem.response.nominal, 0.0),
        signal,
        tune,
        pulls,
        f_abs,
        z_true,
        z_tuned,
        z_prof,
    )
