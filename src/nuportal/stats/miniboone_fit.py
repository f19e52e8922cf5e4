"""MiniBooNE 2020 nu_mu -> nu_e appearance fit with the collaboration's covariance recipe.

Data: the MiniBooNE 2020 release (arXiv:2006.16883, Phys. Rev. D 103, 052002 (2021)), read by
:func:`nuportal.experiments.miniboone.load_miniboone`. The recipe is the one the release documents
(and ``nuportal/experiments/data/miniboone_2020/README.md`` repeats):

1. Oscillated signal in reconstructed-energy bin i (E_nu^QE, 11 bins 200-3000 MeV):
   ``s_i = sum over ntuple rows in bin i of w / N_rows * P(E_true, L)`` with
   P = sin^2 2theta sin^2(1.267 dm2 L / E)
   (:func:`nuportal.models.sterile.appearance_probability_sbl`).
2. Per beam mode the prediction vector in the release's covariance order is
   ``p = (s [11], b [11], n [8])`` (nu_e signal, nu_e background, nu_mu prediction); the
   combined fit stacks the neutrino-mode and antineutrino-mode vectors (60 entries).
3. Absolute covariance ``M_ij = F_ij p_i p_j`` (F: the release's fractional covariance, which
   already holds the statistical error of the background and nu_mu predictions), plus the
   signal's Poisson error ``s_i`` on the diagonal of the signal block.
4. Collapse: the signal and background blocks of each mode are summed into one nu_e block
   (rows and columns), i.e. ``M_c = C^T M C`` with C mapping signal bin i and background bin i to
   the same nu_e bin; the result is 19 x 19 per mode (nu_e 11, nu_mu 8), 38 x 38 combined.
5. Residual ``r = (d_e - b - s, d_mu - n)``; ``chi^2 = r^T M_c^-1 r`` and the likelihood used
   for the collaboration's allowed regions ``-2 ln L = chi^2 + ln det M_c``.

Speed: the ntuple is used once per distinct dm2 (one ``(n_dm2, N_rows) @ (N_rows, n_bins)``
product); the covariance is assembled with the signal-dependent parts only (``M`` is quadratic in
the signal), and chi^2 / ln det are batched LAPACK calls over all grid points. A 100 x 100
combined surface takes well under 2 s on one core (``benchmarks/bench_oscillation.py``).
The excess-event counts (:func:`excess_events`) are in :mod:`nuportal.stats.miniboone_excess`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from nuportal.experiments.miniboone import (
    MODES,
    N_COV_PER_MODE,
    N_NUE_BINS,
    N_NUMU_BINS,
    MiniBooNERelease,
    load_miniboone,
)
from nuportal.models.sterile import appearance_probability_sbl

__all__ = [
    "CONFIDENCE_LEVELS",
    "best_fit",
    "chi2",
    "collapsed_covariance",
    "contour_levels",
    "minus2lnl",
    "oscillated_signal",
    "surface",
]

#: Confidence levels of the standard contours: 1 sigma, 90 %, 99 %, 3 sigma (two-sided Gaussian
#: equivalents for the sigma levels).
CONFIDENCE_LEVELS = {
    "1sigma": float(stats.norm.cdf(1) - stats.norm.cdf(-1)),
    "90%": 0.90,
    "99%": 0.99,
    "3sigma": float(stats.norm.cdf(3) - stats.norm.cdf(-3)),
}

_N_COLL = N_NUE_BINS + N_NUMU_BINS  # collapsed entries per beam mode
_CHUNK = 2048  # grid points per batched linear-algebra call (~24 MB for the combined fit)
_ROW_CHUNK_BYTES = 64 * 2**20  # memory for one (n_dm2, N_rows) probability block


@dataclass(frozen=True)
class _Setup:
    """Everything of one mode that does not depend on (sin^2 2theta, dm2)."""

    release: MiniBooNERelease
    data: np.ndarray  # collapsed observed vector (nu_e, nu_mu per beam)
    prediction0: np.ndarray  # collapsed no-oscillation prediction
    M0: np.ndarray  # collapsed covariance with zero signal
    G_sig: np.ndarray  # C^T diag(p0) F restricted to the signal columns, (n_coll, n_sig)
    F_ss: np.ndarray  # fractional covariance of the signal entries, (n_sig, n_sig)
    nue_idx: np.ndarray  # positions of the nu_e bins in the collapsed vector
    rows: tuple[tuple[np.ndarray, np.ndarray, np.ndarray], ...]  # per beam: L_km, E_GeV, W


def _collapse_matrix(n_beams: int) -> np.ndarray:
    """C (n_full x n_coll): signal and background bin i -> nu_e bin i, nu_mu -> nu_mu."""
    C = np.zeros((N_COV_PER_MODE * n_beams, _N_COLL * n_beams))
    for b in range(n_beams):
        f, c = N_COV_PER_MODE * b, _N_COLL * b
        for i in range(N_NUE_BINS):
            C[f + i, c + i] = 1.0
            C[f + N_NUE_BINS + i, c + i] = 1.0
        for j in range(N_NUMU_BINS):
            C[f + 2 * N_NUE_BINS + j, c + N_NUE_BINS + j] = 1.0
    return C


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise ValueError(f"mode = {mode!r}; allowed values are {MODES}")


@cache
def _setup(mode: str) -> _Setup:
    _check_mode(mode)
    rel = load_miniboone(mode)
    beams = list(rel.beams.values())
    nb = len(beams)
    C = _collapse_matrix(nb)
    F = rel.fractional_covariance
    p0 = np.concatenate(
        [np.r_[np.zeros(N_NUE_BINS), m.nue_background, m.numu_prediction] for m in beams]
    )
    data = np.concatenate([np.r_[m.nue_data, m.numu_data] for m in beams])
    pred0 = np.concatenate([np.r_[m.nue_background, m.numu_prediction] for m in beams])
    M0 = C.T @ (F * np.outer(p0, p0)) @ C
    sig = np.concatenate([N_COV_PER_MODE * b + np.arange(N_NUE_BINS) for b in range(nb)])
    nue = np.concatenate([_N_COLL * b + np.arange(N_NUE_BINS) for b in range(nb)])
    G = (C.T * p0[None, :]) @ F
    rows = []
    edges = rel.bin_edges_MeV
    for m in beams:
        nt = m.ntuple
        ibin = np.searchsorted(edges, nt.E_reco_MeV, side="right") - 1
        keep = (ibin >= 0) & (ibin < N_NUE_BINS)
        W = np.zeros((int(keep.sum()), N_NUE_BINS))
        W[np.arange(W.shape[0]), ibin[keep]] = nt.weight[keep]
        rows.append((nt.L_km[keep], nt.E_true_GeV[keep], W))
    return _Setup(
        release=rel,
        data=data,
        prediction0=pred0,
        M0=M0,
        G_sig=np.ascontiguousarray(G[:, sig]),
        F_ss=np.ascontiguousarray(F[np.ix_(sig, sig)]),
        nue_idx=nue,
        rows=tuple(rows),
    )


def _full_transmutation_signal(setup: _Setup, dm2_eV2: np.ndarray) -> np.ndarray:
    """Signal per nu_e bin for sin^2 2theta = 1, shape (len(dm2), n_beams * 11) [events]."""
    out = []
    for L_km, E_GeV, W in setup.rows:
        n = L_km.size
        step = max(1, _ROW_CHUNK_BYTES // (8 * max(n, 1)))
        parts = []
        for k in range(0, dm2_eV2.size, step):
            P = appearance_probability_sbl(1.0, dm2_eV2[k : k + step, None], L_km, E_GeV)
            parts.append(np.asarray(P) @ W)
        out.append(np.concatenate(parts) if parts else np.zeros((0, N_NUE_BINS)))
    return np.concatenate(out, axis=1)


def _validate(sin2_2theta: ArrayLike, dm2_eV2: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    s = np.asarray(sin2_2theta, dtype=float)
    d = np.asarray(dm2_eV2, dtype=float)
    if not np.all(np.isfinite(s) & (s >= 0) & (s <= 1)):
        bad = s[~(np.isfinite(s) & (s >= 0) & (s <= 1))].flat[0]
        raise ValueError(f"sin2_2theta = {bad!r} is outside the allowed range [0, 1]")
    if not np.all(np.isfinite(d) & (d >= 0)):
        bad = d[~(np.isfinite(d) & (d >= 0))].flat[0]
        raise ValueError(f"dm2_eV2 = {bad!r} eV^2 must be finite and >= 0")
    return s, d


def oscillated_signal(mode: str, sin2_2theta: float, dm2_eV2: float) -> np.ndarray:
    """Expected oscillation signal per E_nu^QE bin [events] (release ntuple, step 1 above).

    Parameters
    ----------
    mode : {"nu", "nubar", "combined"}
    sin2_2theta : float
        Effective mixing sin^2 2theta_mue, in [0, 1].
    dm2_eV2 : float
        Mass splitting dm^2_41 [eV^2], >= 0.

    Returns
    -------
    numpy.ndarray
        11 values per beam mode (neutrino mode first for ``"combined"``).
    """
    setup = _setup(mode)
    s, d = _validate(sin2_2theta, dm2_eV2)
    return float(s) * _full_transmutation_signal(setup, np.atleast_1d(d).astype(float))[0]


def _covariance_batch(setup: _Setup, sig: np.ndarray) -> np.ndarray:
    """Collapsed covariance for a batch of signal vectors ``sig`` (n, n_sig) -> (n, nc, nc).

    With p = p0 + sigma (sigma non-zero on the signal entries only),
    C^T (F o p p^T) C = M0 + G_s sigma (into the nu_e columns) + its transpose
    + (F_ss o sigma sigma^T) (nu_e block) ; then + diag(sigma) on the nu_e block (Poisson).
    """
    n = sig.shape[0]
    nue = setup.nue_idx
    M = np.repeat(setup.M0[None], n, axis=0)
    X = setup.G_sig[None, :, :] * sig[:, None, :]
    M[:, :, nue] += X
    M[:, nue, :] += X.transpose(0, 2, 1)
    block = setup.F_ss[None] * sig[:, :, None] * sig[:, None, :]
    block[:, np.arange(nue.size), np.arange(nue.size)] += sig
    M[:, nue[:, None], nue[None, :]] += block
    return M


def collapsed_covariance(mode: str, sin2_2theta: float, dm2_eV2: float) -> np.ndarray:
    """Collapsed covariance matrix M_c [events^2] at one point (recipe steps 2-4).

    Returns
    -------
    numpy.ndarray
        19 x 19 (one mode) or 38 x 38 (combined), ordered (nu_e 11, nu_mu 8) per beam mode.
    """
    setup = _setup(mode)
    sig = oscillated_signal(mode, sin2_2theta, dm2_eV2)
    return _covariance_batch(setup, sig[None])[0]


def _evaluate(mode: str, sin2_2theta: ArrayLike, dm2_eV2: ArrayLike) -> tuple[np.ndarray, ...]:
    """chi^2 and ln det M_c, broadcast over the inputs."""
    setup = _setup(mode)
    s, d = _validate(sin2_2theta, dm2_eV2)
    s, d = np.broadcast_arrays(s, d)
    shape = s.shape
    s, d = s.ravel(), d.ravel()
    dm2_unique, inverse = np.unique(d, return_inverse=True)
    S = _full_transmutation_signal(setup, dm2_unique)
    chi = np.empty(s.size)
    logdet = np.empty(s.size)
    nue = setup.nue_idx
    for k in range(0, s.size, _CHUNK):
        sig = s[k : k + _CHUNK, None] * S[inverse[k : k + _CHUNK]]
        M = _covariance_batch(setup, sig)
        r = np.repeat((setup.data - setup.prediction0)[None], sig.shape[0], axis=0)
        r[:, nue] -= sig
        sign, ld = np.linalg.slogdet(M)
        if np.any(sign <= 0):
            raise ValueError("collapsed covariance is not positive definite at some grid point")
        chi[k : k + _CHUNK] = np.einsum("ni,ni->n", r, np.linalg.solve(M, r[..., None])[..., 0])
        logdet[k : k + _CHUNK] = ld
    return chi.reshape(shape), logdet.reshape(shape)


def _out(a: np.ndarray) -> np.ndarray | float:
    return float(a) if a.ndim == 0 else a


def chi2(mode: str, sin2_2theta: ArrayLike, dm2_eV2: ArrayLike) -> np.ndarray | float:
    """chi^2 = r^T M_c^-1 r of the MiniBooNE 2020 release (recipe in the module docstring).

    Parameters
    ----------
    mode : {"nu", "nubar", "combined"}
    sin2_2theta : array_like
        sin^2 2theta_mue in [0, 1] (0: no oscillation).
    dm2_eV2 : array_like
        dm^2_41 [eV^2], >= 0; broadcast against ``sin2_2theta``.

    Returns
    -------
    float or numpy.ndarray
    """
    return _out(_evaluate(mode, sin2_2theta, dm2_eV2)[0])


def minus2lnl(mode: str, sin2_2theta: ArrayLike, dm2_eV2: ArrayLike) -> np.ndarray | float:
    """-2 ln L = chi^2 + ln det M_c (the collaboration's likelihood for allowed regions).

    Same parameters as :func:`chi2`; ln det of M_c in events^2 units, so only differences are
    meaningful.
    """
    c, ld = _evaluate(mode, sin2_2theta, dm2_eV2)
    return _out(c + ld)


def surface(mode: str, sin2_grid: ArrayLike, dm2_grid: ArrayLike) -> pd.DataFrame:
    """chi^2 and -2 ln L on the outer product of two 1-D grids.

    Parameters
    ----------
    mode : {"nu", "nubar", "combined"}
    sin2_grid : array_like
        1-D sin^2 2theta values in [0, 1].
    dm2_grid : array_like
        1-D dm^2 values [eV^2], >= 0.

    Returns
    -------
    pandas.DataFrame
        One row per point, dm2-major: ``dm2_eV2``, ``sin2_2theta``, ``chi2``, ``minus2lnL``,
        ``delta_chi2`` and ``delta_minus2lnL`` (relative to the grid minimum of each).
    """
    s = np.asarray(sin2_grid, dtype=float)
    d = np.asarray(dm2_grid, dtype=float)
    if s.ndim != 1 or d.ndim != 1 or s.size == 0 or d.size == 0:
        raise ValueError("sin2_grid and dm2_grid must be non-empty 1-D arrays")
    D, S = np.meshgrid(d, s, indexing="ij")
    c, ld = _evaluate(mode, S, D)
    m2 = c + ld
    return pd.DataFrame(
        {
            "dm2_eV2": D.ravel(),
            "sin2_2theta": S.ravel(),
            "chi2": c.ravel(),
            "minus2lnL": m2.ravel(),
            "delta_chi2": (c - c.min()).ravel(),
            "delta_minus2lnL": (m2 - m2.min()).ravel(),
        }
    )


def best_fit(table: pd.DataFrame, column: str = "minus2lnL") -> pd.Series:
    """Row of a :func:`surface` table with the smallest ``column`` ("minus2lnL" or "chi2")."""
    if column not in table.columns:
        raise ValueError(f"column = {column!r} is not in the table ({list(table.columns)})")
    return table.loc[table[column].idxmin()]


def contour_levels(dof: int = 2) -> dict[str, float]:
    """Delta chi^2 (or Delta(-2 ln L)) thresholds from Wilks' theorem.

    Parameters
    ----------
    dof : int
        Number of fitted parameters (2 for sin^2 2theta and dm2).

    Returns
    -------
    dict
        ``{"1sigma": 2.30, "90%": 4.61, "99%": 9.21, "3sigma": 11.83}`` for 2 dof
        (quantiles of the chi^2 distribution with ``dof`` degrees of freedom).
    """
    if dof < 1:
        raise ValueError(f"dof = {dof!r}; must be a positive integer")
    return {k: float(stats.chi2.ppf(cl, dof)) for k, cl in CONFIDENCE_LEVELS.items()}
