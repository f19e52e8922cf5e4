"""90 % CL reach of the DUNE ND in g_mumu (or g_ee) versus m_phi (binned likelihood on pyhf).

For each mass the signal is generated once at g^2 = 1 (:func:`.signal.signal_sample`), the
backgrounds once for all masses (:func:`.background.background_sample`); both are selected as
wrong-sign lepton candidates (:func:`.background.selection_probability`) and histogrammed in
(E_vis, p_T^miss) (:func:`.selection.histogram`). The expected excluded strength mu_90 on Asimov
background-only data comes from :func:`nuportal.stats.binned_reach.expected_reach` with a shared
flux normalization (signal and background), a background normalization and uncorrelated
bin-to-bin background terms (shape); since N_sig ∝ g^2, g_90 = sqrt(mu_90).

Indicative meson-decay scale: the coupling at which BR(K+ -> mu+ nu phi) equals 1e-6, the NA62
90 % CL upper limit on BR(K+ -> mu+ nu nu nubar) (E. Cortina Gil et al. (NA62),
Phys. Lett. B 816 (2021) 136259, arXiv:2101.12304, abstract). It is NOT a recast: the NA62
limits on K+ -> mu+ nu X for a massive invisible scalar X (10-370 MeV, O(1e-5)-O(1e-7) in the
same paper) could not be obtained as numbers, and the muon spectrum of K -> mu nu phi differs.

Units: GeV; couplings dimensionless.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nuportal._validation import RngLike, as_rng
from nuportal.inference.neutrinophilic.background import background_sample, selection_probability
from nuportal.inference.neutrinophilic.selection import NDSetup, histogram
from nuportal.inference.neutrinophilic.signal import SIGNAL_COMPONENTS, signal_sample
from nuportal.models.neutrinophilic import NeutrinophilicScalar
from nuportal.stats.binned_reach import Systematics, expected_reach

__all__ = [
    "DEFAULT_SYSTEMATICS",
    "NA62_KMU_NUNUNU_BR_LIMIT",
    "ReachTable",
    "indicative_kaon_coupling",
    "nuphilic_reach",
    "selected_histograms",
    "signal_histogram",
]

#: Flux normalization 10 %, background normalization 5 %, bin-to-bin background shape 5 %.
DEFAULT_SYSTEMATICS = Systematics(flux_norm=0.10, channel_norm=0.05, bin_uncorrelated=0.05)
#: NA62 90 % CL limit on BR(K+ -> mu+ nu nu nubar) (arXiv:2101.12304, abstract).
NA62_KMU_NUNUNU_BR_LIMIT: float = 1.0e-6


def indicative_kaon_coupling(m_phi: np.ndarray, br: float = NA62_KMU_NUNUNU_BR_LIMIT) -> np.ndarray:
    """g (= sqrt(sum_b |g_mu b|^2)) at which BR(K+ -> mu+ nu phi) = ``br`` (inf where closed)."""
    from nuportal.models.neutrinophilic import br_meson_to_lepton_nu_phi

    m = np.atleast_1d(np.asarray(m_phi, float))
    per_g2 = np.atleast_1d(np.asarray(br_meson_to_lepton_nu_phi("K+", "mu", m)))
    return np.where(per_g2 > 0, np.sqrt(br / np.where(per_g2 > 0, per_g2, 1.0)), np.inf)


def selected_histograms(
    sample: pd.DataFrame, setup: NDSetup, lepton: str
) -> pd.DataFrame:
    """Histogram (events, flattened (E_vis, p_T^miss) bins) of each component of ``sample``."""
    sel = sample.assign(selected=sample["weight"] * selection_probability(sample, setup, lepton))
    return pd.DataFrame(
        {comp: histogram(part, setup) for comp, part in sel.groupby("component", sort=True)}
    )


def signal_histogram(
    model: NeutrinophilicScalar, sample: pd.DataFrame, setup: NDSetup, lepton: str = "mu"
) -> np.ndarray:
    """Selected signal events per (E_vis, p_T^miss) bin for ``model``: the per-g^2 ``sample``
    (:func:`.signal.signal_sample` at ``model.mass``) times |g_ll|^2 (N_sig ∝ g^2).

    Only the diagonal coupling makes a wrong-sign l+ of the same flavour: nu_l -> nubar_b phi
    (CC emission) and M+ -> l+ nubar_b phi (decay flux) with b != l give l_b+ of the other flavour,
    which this analysis does not count.
    """
    h = selected_histograms(sample, setup, lepton).sum(axis=1).to_numpy()
    return h * model.coupling(lepton, lepton) ** 2


@dataclass(frozen=True)
class ReachTable:
    """Result of :func:`nuphilic_reach`.

    Attributes
    ----------
    table : pandas.DataFrame
        Columns ``m_phi`` [GeV], ``g_90`` (90 % CL expected reach), ``n_signal_g1`` (selected
        signal events at g = 1), ``n_background``, ``g_kaon_indicative``.
    background : pandas.DataFrame
        Selected background histograms per component (events per bin).
    setup : NDSetup
    lepton : str
    signals : dict
        Signal samples per mass (per g^2), reusable for another setup.
    """

    table: pd.DataFrame
    background: pd.DataFrame
    setup: NDSetup
    lepton: str
    signals: dict


def nuphilic_reach(
    masses: Sequence[float],
    lepton: str = "mu",
    setup: NDSetup | None = None,
    systematics: Systematics | None = None,
    *,
    n_events: int = 20_000,
    seed: RngLike = None,
    components: tuple[str, ...] = SIGNAL_COMPONENTS,
    background: pd.DataFrame | None = None,
    signals: dict[float, pd.DataFrame] | None = None,
) -> ReachTable:
    """Expected 90 % CL reach in g_ll versus m_phi (module docstring).

    Parameters
    ----------
    masses : sequence of float
        m_phi [GeV], each in (0, 5].
    lepton : {"mu", "e"}
        g_mumu (mu+ signal) or g_ee (e+ signal).
    setup : NDSetup, optional
        Detector, exposure and selection (default ND-LAr, 3.5 years FHC).
    systematics : Systematics, optional
        Default :data:`DEFAULT_SYSTEMATICS`.
    n_events : int
        Events per signal component (per mass) and per background component.
    seed : int, Generator or None
    components : tuple of str
        Signal components.
    background : pandas.DataFrame, optional
        A background sample to reuse (:func:`.background.background_sample`).
    signals : dict, optional
        Signal samples per mass to reuse (:attr:`ReachTable.signals` of an earlier call).
    """
    st = setup or NDSetup()
    syst = systematics or DEFAULT_SYSTEMATICS
    m = np.asarray(masses, float)
    if m.ndim != 1 or m.size == 0 or np.any(~np.isfinite(m)) or np.any(m <= 0) or np.any(m > 5):
        raise ValueError(f"masses must be a non-empty list of m_phi in (0, 5] GeV, got {masses!r}")
    rng = as_rng(seed)
    bkg_sample = background if background is not None else background_sample(
        lepton, n_events=n_events, seed=rng
    )
    bkg_hist = selected_histograms(bkg_sample, st, lepton)
    b = bkg_hist.sum(axis=1).to_numpy()
    rows = []
    cache = dict(signals or {})
    for mass in m:
        sig = cache.get(float(mass))
        if sig is None:
            sig = signal_sample(float(mass), lepton, n_events=n_events, seed=rng,
                                components=components)
            cache[float(mass)] = sig
        s = selected_histograms(sig, st, lepton).sum(axis=1).to_numpy()
        if s.sum() <= 0:
            g90 = np.inf
        else:
            res = expected_reach({"nd": s}, {"nd": b}, syst)
            g90 = float(np.sqrt(res.mu))
        rows.append(
            {
                "m_phi": float(mass),
                "g_90": g90,
                "n_signal_g1": float(s.sum()),
                "n_background": float(b.sum()),
                "g_kaon_indicative": float(indicative_kaon_coupling(mass)[0]),
            }
        )
    return ReachTable(pd.DataFrame(rows), bkg_hist, st, lepton, cache)
