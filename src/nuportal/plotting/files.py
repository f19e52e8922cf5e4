"""``nuportal plot``: the standard figure of any file nuportal writes, chosen by its content.

Recognized: event files of ``generate`` and ``upscatter`` (parquet, CSV, HepMC3), shower and
dark-photon files, recast tables (``limits.csv``), scan directories, oscillation fit surfaces
and oscillation spectra (``oscillation predict --out``). Anything else gets a one-line
``ValueError`` saying what is accepted.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from nuportal.plotting.core import _pyplot

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["ACCEPTED", "classify_table", "plot_file", "plot_scan"]

#: What ``nuportal plot`` accepts (named in the error for anything else).
ACCEPTED = (
    "event files of `nuportal generate` / `upscatter` / `interactions events` (.parquet, .csv, "
    ".hepmc3), "
    "`nuportal shower` / `dark-flux` files, recast tables (`nuportal recast ... --out`), scan "
    "directories (`nuportal scan --out`), oscillation surfaces (`oscillation fit --out`) and "
    "spectra (`oscillation predict --out`)"
)

_RECAST = {"mass_GeV", "U2_lower", "U2_upper", "efficiency_method"}
_SURFACE = {"sin2_2theta", "dm2_eV2", "delta"}
_SPECTRUM = {"E_low_GeV", "E_high_GeV", "unoscillated_per_cm2_POT", "oscillated_per_cm2_POT"}
_INTERACTIONS = {"nu_pdg", "E_nu", "mode", "lep_E"}


def classify_table(table: pd.DataFrame) -> str:
    """Kind of a nuportal table: ``"shower"``, ``"dark_flux"``, ``"upscattering"``,
    ``"events"``, ``"interactions"``, ``"recast"``, ``"surface"``, ``"spectrum"`` or
    ``"unknown"``."""
    meta = table.attrs.get("metadata", {}) or {}
    kind = meta.get("kind")
    if kind in ("shower", "dark_flux"):
        return kind
    cols = set(map(str, table.columns))
    if meta.get("generator") == "nuportal.generation.upscattering":
        return "upscattering"
    if _INTERACTIONS <= cols:
        return "interactions"
    if {"weight", "vertex_x"} <= cols and any(c.endswith("_E") for c in cols):
        return "events"
    if _RECAST <= cols:
        return "recast"
    if _SURFACE <= cols:
        return "surface"
    if _SPECTRUM <= cols:
        return "spectrum"
    return "unknown"


def _read_table(path: Path) -> pd.DataFrame:
    """An event file through :func:`nuportal.io.read_events`, else a plain CSV/parquet table."""
    from nuportal import io

    suffix = path.suffix.lower()
    if suffix not in (".parquet", ".pq", ".csv", ".hepmc", ".hepmc3"):
        raise ValueError(
            f"cannot plot {str(path)!r}: unknown file type; nuportal plot accepts {ACCEPTED}"
        )
    if not path.is_file():
        raise ValueError(f"cannot plot {str(path)!r}: no such file")
    try:
        return io.read_events(path, required=())
    except io.EventFileError:
        if suffix in (".hepmc", ".hepmc3"):  # a NuHepMC file of `nuportal interactions`?
            return _interaction_table(path)
    try:  # a table that is not an event file (recast limits, a fit surface, a spectrum)
        return pd.read_parquet(path) if suffix in (".parquet", ".pq") else pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot plot {str(path)!r}: not a readable table ({exc})") from None


def _interaction_table(path: Path) -> pd.DataFrame:
    """A neutrino-interaction event file (NuHepMC), marked as such for :func:`plot_file`."""
    from nuportal.interactions.readers import read_events_file

    try:
        read_events_file(path)
    except (ValueError, OSError) as exc:
        raise ValueError(
            f"cannot plot {str(path)!r}: not a readable HepMC3 event file ({exc})"
        ) from None
    return pd.DataFrame(columns=sorted(_INTERACTIONS))


def plot_file(path: str | Path, out: str | Path | None = None) -> tuple[Figure, str]:
    """Draw the standard figure of a file (or scan directory) written by nuportal.

    Parameters
    ----------
    path : str or Path
        The file or scan directory.
    out : str or Path, optional
        PNG to write.

    Returns
    -------
    (Figure, str)
        The figure and the kind recognized (:func:`classify_table`, or ``"scan"``).

    Raises
    ------
    ValueError
        A file that nuportal does not write (the message says what is accepted), or a malformed
        one.
    """
    from nuportal.plotting.events import plot_events, plot_upscattering
    from nuportal.plotting.oscillation import plot_oscillation_regions, plot_oscillation_spectrum
    from nuportal.plotting.recast import plot_recast
    from nuportal.plotting.showers import plot_dark_photons, plot_shower

    path = Path(path)
    if path.is_dir():
        return plot_scan(path, out), "scan"
    table = _read_table(path)
    kind = classify_table(table)
    if kind == "shower":
        fig = plot_shower(table.attrs["metadata"], out)
    elif kind == "dark_flux":
        fig = plot_dark_photons(table, out)
    elif kind == "upscattering":
        fig = plot_upscattering(table, out)
    elif kind == "events":
        fig = plot_events(table, out)
    elif kind == "interactions":
        from nuportal.interactions.readers import read_events_file
        from nuportal.plotting.interaction_events import plot_interaction_events

        fig = plot_interaction_events(read_events_file(path), out)
    elif kind == "recast":
        fig = plot_recast(table, _kdar_reference(), out)
    elif kind == "surface":
        fig = plot_oscillation_regions(_surface(table), out)
    elif kind == "spectrum":
        fig = plot_oscillation_spectrum(table, out)
    else:
        raise ValueError(
            f"cannot plot {str(path)!r}: not a file nuportal writes (columns: "
            f"{', '.join(map(str, table.columns[:8]))}{', ...' if table.shape[1] > 8 else ''}); "
            f"nuportal plot accepts {ACCEPTED}"
        )
    return fig, kind


def _kdar_reference() -> pd.DataFrame:
    from nuportal.experiments import microboone_kdar_hps_2021

    data = microboone_kdar_hps_2021()
    return pd.DataFrame({"mass_GeV": data.mass_GeV, "theta_limit": data.theta_limit})


def _surface(table: pd.DataFrame) -> pd.DataFrame:
    """A fit surface read back from a file: its best fit recomputed if the attrs were lost."""
    if not table.attrs.get("best_fit"):
        best = table.loc[table["delta"].idxmin()]
        table.attrs["best_fit"] = {"sin2_2theta": best["sin2_2theta"], "dm2_eV2": best["dm2_eV2"]}
    return table


def plot_scan(path: str | Path, out: str | Path | None = None) -> Figure:
    """Results of a scan directory (``nuportal scan --out``) against its scanned parameter.

    A recast scan is drawn as the recast figure; any other job as one panel per numeric result
    column (up to four) against the first scanned parameter, log axes where the values span
    more than two decades.
    """
    from nuportal.plotting.recast import plot_recast
    from nuportal.scan import read_scan

    frame = read_scan(path)
    manifest = frame.attrs.get("scan", {})
    ok = frame[frame["status"] == "ok"] if "status" in frame else frame
    if ok.empty:
        raise ValueError(f"cannot plot {str(path)!r}: the scan has no finished point")
    if _RECAST <= set(ok.columns):
        limits = ok.copy()
        fixed = manifest.get("fixed", {})
        for key in ("mixing", "majorana"):
            if key in fixed:
                limits.attrs[key] = fixed[key]
        return plot_recast(limits, _kdar_reference(), out)
    bookkeeping = {"point_id", "status", "error", "seed", "seconds", "row"}
    result_cols = [c for c in ok.columns if c not in bookkeeping]
    params = [c for c in result_cols if c in _scanned(manifest, ok)]
    if not params:
        raise ValueError(f"cannot plot {str(path)!r}: no scanned parameter found")
    x_name = params[0]
    ys = [c for c in result_cols if c not in params and np.issubdtype(ok[c].dtype, np.number)][:4]
    if not ys:
        raise ValueError(f"cannot plot {str(path)!r}: the job returned no numeric column")
    plt = _pyplot()
    fig, axes = plt.subplots(1, len(ys), figsize=(4.5 * len(ys), 4), constrained_layout=True,
                             squeeze=False)  # fmt: skip
    x = ok[x_name].to_numpy(dtype=float)
    order = np.argsort(x)
    for ax, y_name in zip(axes[0], ys, strict=True):
        y = ok[y_name].to_numpy(dtype=float)
        ax.plot(x[order], y[order], ".-")
        ax.set_xlabel(_with_unit(x_name))
        ax.set_ylabel(_with_unit(y_name))
        for values, setter in ((x, ax.set_xscale), (y, ax.set_yscale)):
            pos = values[np.isfinite(values) & (values > 0)]
            if pos.size and np.all(values[np.isfinite(values)] > 0) and pos.max() > 100 * pos.min():
                setter("log")
    fixed = ", ".join(f"{k} = {v}" for k, v in manifest.get("fixed", {}).items())
    fig.suptitle(f"scan of {manifest.get('job', 'a job')}{f' ({fixed})' if fixed else ''}",
                 fontsize=10)  # fmt: skip
    if out is not None:
        fig.savefig(out, dpi=120)
    return fig


def _scanned(manifest: dict, frame: pd.DataFrame) -> list[str]:
    """Scanned parameters: columns before ``point_id`` in a scan table."""
    cols = list(frame.columns)
    return cols[: cols.index("point_id")] if "point_id" in cols else []


_UNITS = {"_GeV": "GeV", "_m": "m", "_eV2": "eV$^2$", "_s": "s", "_deg": "deg", "_cm": "cm"}


def _with_unit(name: str) -> str:
    """Axis label from a column name: ``mass_GeV`` -> ``mass [GeV]``; no unit: dimensionless."""
    for suffix, unit in _UNITS.items():
        if name.endswith(suffix):
            return f"{name[: -len(suffix)].replace('_', ' ')} [{unit}]"
    if name == "mass":
        return "mass [GeV]"
    return f"{name.replace('_', ' ')} (dimensionless)"
