"""Dark bremsstrahlung as a shower process: ETL cross-section table and A' kinematics bank.

:class:`DarkBremsstrahlung` follows the :class:`~nuportal.sources.shower.processes.DarkProcess`
contract for e- N -> e- N A' (and e+ N -> e+ N A', identical at tree level: the amplitude is
of order e^3 on one lepton line, and charge conjugation of that line leaves |M|^2 unchanged).

Table (built at first use with :func:`~nuportal.sources.shower.dark_bremsstrahlung.etl_vegas`,
cached on disk)
    Nodes in the kinetic energy above threshold, Delta = E - E_thr, log-spaced from
    ``delta_min_fraction * E_thr`` to ``e_max - E_thr`` with ``nodes_per_decade`` per decade
    (at E >> E_thr this is a log-energy grid). At each node: the exact tree-level cross section
    and its vegas error, and a bank of ``n_samples`` unweighted (x, theta) of the A' drawn by
    systematic resampling of the vegas-weighted points of the estimation iterations.

Cross section
    log sigma linear in log Delta between nodes; outside, the end segments are extended (power
    law in Delta below the first node, so sigma -> 0 at threshold); zero at E <= E_thr.

Sampling
    Between two nodes bracketing log Delta the upper one is chosen with probability equal to the
    fractional position (stochastic linear interpolation of the distributions), then a bank entry
    uniformly. The energy fraction is kept relative to the kinematic range,
    (x - M/E) / (1 - (m_e + M)/E) is the same at the node and at E (so x is unchanged for
    E >> M and every sample is kinematically allowed), and the angle is scaled as
    theta = theta_node E_node / E (the angular scales sqrt(U0)/(E sqrt(x)) of the emission scale
    as 1/E at fixed x), capped at pi.

Cache
    ``$NUPORTAL_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/nuportal``, else ``~/.cache/nuportal``;
    files ``dark_brem/dark_brem_Z.._M..MeV_<hash>.npz`` (numpy arrays only, loaded with
    ``allow_pickle=False``) keyed by (Z, A, mass, table version, grid and vegas settings).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from tqdm.auto import tqdm

from nuportal._files import atomic_output
from nuportal.sources.shower.dark_bremsstrahlung import etl_threshold, etl_vegas
from nuportal.sources.shower.processes import DarkProducts, Species
from nuportal.sources.shower.qed_constants import M_E

__all__ = [
    "TABLE_VERSION",
    "DarkBremTable",
    "DarkBremsstrahlung",
    "build_dark_brem_table",
    "cache_directory",
    "load_or_build_dark_brem_table",
]

#: Bump when the physics or the file layout changes (invalidates cached tables).
TABLE_VERSION: int = 1

_DEFAULTS: dict[str, Any] = {
    "nodes_per_decade": 8,
    "e_max": 1000.0,
    "neval": 20000,
    "nitn": 6,
    "nitn_adapt": 8,
    "n_samples": 10000,
    "delta_min_fraction": 0.02,
    "seed": 20240917,
}


def cache_directory() -> Path:
    """Root of nuportal's user cache.

    Returns
    -------
    pathlib.Path
        ``$NUPORTAL_CACHE_DIR`` if set and non-empty, else ``$XDG_CACHE_HOME/nuportal``, else
        ``~/.cache/nuportal`` (not created here).
    """
    env = os.environ.get("NUPORTAL_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg).expanduser() / "nuportal"
    return Path.home() / ".cache" / "nuportal"


@dataclass(frozen=True)
class DarkBremTable:
    """ETL dark-bremsstrahlung table of one target nucleus and A' mass (eps = 1).

    Attributes
    ----------
    Z, A, mass : float
        Atomic number, atomic mass [g/mol], A' mass [GeV].
    threshold : float
        Lab threshold energy [GeV]
        (:func:`~nuportal.sources.shower.dark_bremsstrahlung.etl_threshold`).
    energy : numpy.ndarray
        (n,) node energies [GeV].
    sigma, sigma_error : numpy.ndarray
        (n,) cross section per atom and its vegas error [cm^2].
    x, theta : numpy.ndarray
        (n, n_samples) unweighted A' energy fractions and polar angles [rad] per node.
    n_eff : numpy.ndarray
        (n,) Kish effective size of the weighted vegas sample each bank was resampled from.
    key : str
        Cache key (settings and version) the table was built with.
    """

    Z: float
    A: float
    mass: float
    threshold: float
    energy: NDArray[np.float64]
    sigma: NDArray[np.float64]
    sigma_error: NDArray[np.float64]
    x: NDArray[np.float64]
    theta: NDArray[np.float64]
    n_eff: NDArray[np.float64]
    key: str


def _settings(overrides: dict[str, Any]) -> dict[str, Any]:
    unknown = set(overrides) - set(_DEFAULTS)
    if unknown:
        raise TypeError(f"unknown table settings: {sorted(unknown)}")
    s = {**_DEFAULTS, **{k: v for k, v in overrides.items() if v is not None}}
    for name in ("nodes_per_decade", "neval", "nitn", "n_samples"):
        if int(s[name]) < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {s[name]!r}")
        s[name] = int(s[name])
    s["nitn_adapt"] = int(s["nitn_adapt"])
    if s["nitn_adapt"] < 0:
        raise ValueError(f"nitn_adapt must be an integer >= 0, got {s['nitn_adapt']!r}")
    e_max = float(s["e_max"])
    if not (np.isfinite(e_max) and e_max > 0.0):
        raise ValueError(f"e_max must be finite and > 0 GeV, got {s['e_max']!r}")
    s["e_max"] = e_max
    frac = float(s["delta_min_fraction"])
    if not (np.isfinite(frac) and 0.0 < frac < 1.0):
        raise ValueError(f"delta_min_fraction must be in (0, 1), got {s['delta_min_fraction']!r}")
    s["delta_min_fraction"] = frac
    s["seed"] = int(s["seed"])
    return s


def _check_mass(mass: float) -> float:
    m = float(np.asarray(mass, dtype=float)) if np.ndim(mass) == 0 else np.nan
    if not (np.isfinite(m) and m > 0.0):
        raise ValueError(f"mass must be a finite scalar > 0 GeV, got {mass!r}")
    return m


def _check_za(Z: float, A: float) -> tuple[float, float]:
    z, a = float(Z), float(A)
    if not (np.isfinite(z) and 1.0 <= z <= 120.0):
        raise ValueError(f"Z must be finite and in [1, 120], got {Z!r}")
    if not (np.isfinite(a) and a >= 1.0):
        raise ValueError(f"A must be finite and >= 1 g/mol, got {A!r}")
    return z, a


def _key(Z: float, A: float, mass: float, s: dict[str, Any]) -> str:
    parts = [f"v{TABLE_VERSION}", f"Z={Z!r}", f"A={A!r}", f"M={mass!r}"]
    parts += [f"{k}={s[k]!r}" for k in sorted(s)]
    return "|".join(parts)


def _node_energies(threshold: float, s: dict[str, Any]) -> NDArray[np.float64]:
    d_lo = s["delta_min_fraction"] * threshold
    d_hi = s["e_max"] - threshold
    if not d_hi > d_lo:
        raise ValueError(
            f"e_max must exceed the threshold {threshold:.6g} GeV by more than "
            f"delta_min_fraction * threshold, got e_max = {s['e_max']!r}"
        )
    n = max(int(np.ceil(np.log10(d_hi / d_lo) * s["nodes_per_decade"])) + 1, 2)
    return threshold + np.geomspace(d_lo, d_hi, n)


def _resample(w: NDArray, n: int, rng: np.random.Generator) -> NDArray[np.intp]:
    """Systematic resampling: n indices with probabilities w / sum(w), shuffled."""
    cdf = np.cumsum(w)
    cdf /= cdf[-1]
    u = (rng.random() + np.arange(n)) / n
    idx = np.minimum(np.searchsorted(cdf, u, side="right"), w.size - 1)
    return rng.permutation(idx)


def build_dark_brem_table(
    Z: float,
    A: float,
    mass: float,
    *,
    progress: bool | None = None,
    label: str = "",
    **settings: Any,
) -> DarkBremTable:
    """Compute the ETL table (no cache); see the module docstring.

    Parameters
    ----------
    Z, A : float
        Atomic number and atomic mass [g/mol] of the target.
    mass : float
        A' mass [GeV].
    progress : bool, optional
        Show a tqdm bar; None (default) shows it only on a terminal.
    label : str
        Text for the progress bar (e.g. the material name).
    **settings
        ``nodes_per_decade`` (8), ``e_max`` [GeV] (1000), ``neval`` (20000), ``nitn`` (6),
        ``nitn_adapt`` (8), ``n_samples`` (10000), ``delta_min_fraction`` (0.02), ``seed``.

    Returns
    -------
    DarkBremTable
    """
    z, a = _check_za(Z, A)
    m = _check_mass(mass)
    s = _settings(settings)
    thr = float(etl_threshold(m, a))
    energies = _node_energies(thr, s)
    n_nodes, n_s = energies.size, s["n_samples"]
    sigma, err, n_eff = np.zeros(n_nodes), np.zeros(n_nodes), np.zeros(n_nodes)
    bank_x, bank_t = np.zeros((n_nodes, n_s)), np.zeros((n_nodes, n_s))
    disable = None if progress is None else not progress
    desc = f"dark brem ETL table {label} M={m * 1e3:.4g} MeV".replace("  ", " ")
    for i in tqdm(range(n_nodes), desc=desc, disable=disable, unit="node"):
        rng = np.random.default_rng([s["seed"], i])
        res = etl_vegas(
            energies[i],
            m,
            z,
            a,
            neval=s["neval"],
            nitn=s["nitn"],
            nitn_adapt=s["nitn_adapt"],
            seed=rng,
            keep_samples=True,
        )
        if res.weight.size == 0 or not res.sigma > 0.0:
            raise RuntimeError(
                f"ETL integration gave no events at E = {energies[i]:.6g} GeV "
                f"(M = {m} GeV, Z = {z})"
            )
        sigma[i], err[i], n_eff[i] = res.sigma, res.error, res.n_eff
        pick = _resample(res.weight, n_s, rng)
        bank_x[i], bank_t[i] = res.x[pick], res.theta[pick]
    key = _key(z, a, m, s)
    return DarkBremTable(z, a, m, thr, energies, sigma, err, bank_x, bank_t, n_eff, key)


def _cache_file(Z: float, mass: float, key: str) -> Path:
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return cache_directory() / "dark_brem" / f"dark_brem_Z{Z:g}_M{mass * 1e3:.6g}MeV_{digest}.npz"


def _save(table: DarkBremTable, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(path) as tmp, open(tmp, "wb") as fh:
        np.savez_compressed(
            fh,
            key=np.array(table.key),
            Z=table.Z,
            A=table.A,
            mass=table.mass,
            threshold=table.threshold,
            energy=table.energy,
            sigma=table.sigma,
            sigma_error=table.sigma_error,
            x=table.x,
            theta=table.theta,
            n_eff=table.n_eff,
        )


def _load(path: Path, key: str) -> DarkBremTable | None:
    try:
        with np.load(path, allow_pickle=False) as f:
            if str(f["key"]) != key:
                return None
            return DarkBremTable(
                float(f["Z"]),
                float(f["A"]),
                float(f["mass"]),
                float(f["threshold"]),
                f["energy"],
                f["sigma"],
                f["sigma_error"],
                f["x"],
                f["theta"],
                f["n_eff"],
                key,
            )
    except (OSError, KeyError, ValueError):
        return None


def load_or_build_dark_brem_table(
    Z: float,
    A: float,
    mass: float,
    *,
    cache: bool = True,
    progress: bool | None = None,
    label: str = "",
    **settings: Any,
) -> DarkBremTable:
    """The table for (Z, A, mass, settings): read from the cache, else built and written.

    Parameters
    ----------
    Z, A : float
        Atomic number and atomic mass [g/mol].
    mass : float
        A' mass [GeV].
    cache : bool
        Read and write the on-disk cache (:func:`cache_directory`).
    progress : bool, optional
        Progress bar while building (None: only on a terminal).
    label : str
        Progress-bar label.
    **settings
        See :func:`build_dark_brem_table`.

    Returns
    -------
    DarkBremTable
    """
    z, a = _check_za(Z, A)
    m = _check_mass(mass)
    s = _settings(settings)
    key = _key(z, a, m, s)
    path = _cache_file(z, m, key)
    if cache and path.is_file():
        table = _load(path, key)
        if table is not None:
            return table
    table = build_dark_brem_table(z, a, m, progress=progress, label=label, **s)
    if cache:
        _save(table, path)
    return table


class DarkBremsstrahlung:
    """Dark bremsstrahlung l N -> l N A' of e- or e+ in one material, at eps = 1 (DarkProcess).

    Parameters
    ----------
    material : object
        Anything with attributes ``name``, ``Z`` and ``A`` [g/mol] (e.g.
        :class:`nuportal.sources.shower.materials.Material`); one effective nucleus per atom.
    mass : float
        A' mass [GeV], > 0.
    incoming : Species
        ``Species.ELECTRON`` (default) or ``Species.POSITRON`` (same cross section and
        kinematics at tree level).
    cache : bool
        Use the on-disk table cache (see the module docstring).
    progress : bool, optional
        Progress bar while the table is built (None: only on a terminal).
    **settings
        Table settings (:func:`build_dark_brem_table`): ``nodes_per_decade``, ``e_max``,
        ``neval``, ``nitn``, ``nitn_adapt``, ``n_samples``, ``delta_min_fraction``, ``seed``.

    Notes
    -----
    The table is built (or read from the cache) at the first call of :meth:`cross_section` or
    :meth:`sample`, or on access of :attr:`table`. Cross sections: exact tree level
    (:mod:`nuportal.sources.shower.dark_bremsstrahlung`), Tsai elastic + inelastic form factors.
    """

    name: str = "dark_brem"

    def __init__(
        self,
        material: Any,
        mass: float,
        incoming: Species = Species.ELECTRON,
        *,
        cache: bool = True,
        progress: bool | None = None,
        **settings: Any,
    ) -> None:
        self.mass = _check_mass(mass)
        try:
            species = Species(incoming)
        except ValueError:
            raise ValueError(
                f"incoming must be Species.ELECTRON or Species.POSITRON, got {incoming!r}"
            ) from None
        if species not in (Species.ELECTRON, Species.POSITRON):
            raise ValueError(
                f"incoming must be Species.ELECTRON or Species.POSITRON, got {incoming!r}"
            )
        self.incoming: Species = species
        self.material = material
        if not all(hasattr(material, attr) for attr in ("Z", "A")):
            raise ValueError(
                f"material must have attributes name, Z and A [g/mol], got {material!r}"
            )
        self.Z, self.A = _check_za(material.Z, material.A)
        self._settings = _settings(settings)
        self._cache = bool(cache)
        self._progress = progress
        self._table: DarkBremTable | None = None
        self.threshold: float = float(etl_threshold(self.mass, self.A))

    def __repr__(self) -> str:
        name = getattr(self.material, "name", "?")
        return (
            f"DarkBremsstrahlung({name!r}, mass={self.mass!r} GeV, "
            f"incoming={self.incoming.name.lower()})"
        )

    @property
    def table(self) -> DarkBremTable:
        """The ETL table (built or loaded on first access)."""
        if self._table is None:
            table = load_or_build_dark_brem_table(
                self.Z,
                self.A,
                self.mass,
                cache=self._cache,
                progress=self._progress,
                label=str(getattr(self.material, "name", "")),
                **self._settings,
            )
            self._table = table
            self._u = np.log(table.energy - table.threshold)
            self._log_sigma = np.log(table.sigma)
        return self._table

    def _energies(self, energy: ArrayLike) -> NDArray[np.float64]:
        e = np.asarray(energy, dtype=float)
        bad = ~np.isfinite(e)
        if np.any(bad):
            raise ValueError(
                f"energy must be finite [GeV], got {int(np.count_nonzero(bad))} non-finite "
                f"value(s), e.g. {e[bad].ravel()[0]!r}"
            )
        return e

    def cross_section(self, energy: ArrayLike) -> NDArray[np.float64]:
        """Cross section per atom [cm^2] at eps = 1 for total lepton energy ``energy`` [GeV].

        Zero at or below :attr:`threshold`; log-log interpolation in (E - E_thr) between the
        table nodes, the end segments extended outside.

        Raises
        ------
        ValueError
            For non-finite energies.
        """
        e = self._energies(energy)
        tab = self.table
        out = np.zeros(e.shape)
        above = e > tab.threshold
        if np.any(above):
            u = np.log(e[above] - tab.threshold)
            uu, ls = self._u, self._log_sigma
            val = np.interp(u, uu, ls)
            lo, hi = u < uu[0], u > uu[-1]
            val[lo] = ls[0] + (u[lo] - uu[0]) * (ls[1] - ls[0]) / (uu[1] - uu[0])
            val[hi] = ls[-1] + (u[hi] - uu[-1]) * (ls[-1] - ls[-2]) / (uu[-1] - uu[-2])
            out[above] = np.exp(val)
        return out

    def sample(self, energy: ArrayLike, rng: np.random.Generator) -> DarkProducts:
        """Draw the A' energy and polar angle (to the incoming lepton) at each ``energy`` [GeV].

        Parameters
        ----------
        energy : array_like
            Incoming lepton total energies [GeV], each above :attr:`threshold`.
        rng : numpy.random.Generator

        Returns
        -------
        DarkProducts
            A' total energy [GeV] (in [M, E - m_e]) and cos theta, shaped like ``energy``.

        Raises
        ------
        ValueError
            For non-finite energies or energies at or below threshold.
        """
        e = self._energies(energy)
        tab = self.table
        if np.any(e <= tab.threshold):
            raise ValueError(
                f"energy must exceed the dark-brem threshold {tab.threshold:.6g} GeV "
                f"(M = {self.mass} GeV), got min {float(np.min(e))!r}"
            )
        flat = e.ravel()
        n = flat.size
        uu = self._u
        u = np.log(flat - tab.threshold)
        j = np.clip(np.searchsorted(uu, u, side="right") - 1, 0, uu.size - 2)
        frac = np.clip((u - uu[j]) / (uu[j + 1] - uu[j]), 0.0, 1.0)
        node = j + (rng.random(n) < frac)
        pick = rng.integers(tab.x.shape[1], size=n)
        x_node, th_node = tab.x[node, pick], tab.theta[node, pick]
        e_node = tab.energy[node]
        m = self.mass
        # x relative to its kinematic range [M/E, 1 - m_e/E]
        span_node = 1.0 - (M_E + m) / e_node
        span = 1.0 - (M_E + m) / flat
        x = m / flat + (x_node - m / e_node) * (span / span_node)
        e_a = np.clip(x * flat, m, flat - M_E)
        theta = np.minimum(th_node * e_node / flat, np.pi)
        return DarkProducts(energy=e_a.reshape(e.shape), cos_theta=np.cos(theta).reshape(e.shape))
