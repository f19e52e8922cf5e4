"""Figures: every file nuportal writes can be plotted, and every figure says what it shows.

One test per class of defect: empty panels (HepMC3 files carry only four-vectors), titles
without the model, a y-axis naming the wrong coupling, axes without labels or units, labels
running into each other or off the canvas, anything but mathtext, unclear errors.
"""

from __future__ import annotations

import itertools
import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

from nuportal.plotting import plot_file, plot_recast

GEN = {"model": "hnl", "mass": 0.15, "coupling": 1e-6, "n_events": 600, "seed": 1,
       "method": "numpy"}  # fmt: skip


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    from nuportal.generation.pipeline import write_generated
    from nuportal.generation.upscattering import write_upscattering
    from nuportal.models.dark_neutrino import DarkNeutrinoModel

    d = tmp_path_factory.mktemp("plots")
    write_generated(d / "gen.hepmc3", **GEN)
    write_generated(d / "gen.parquet", **GEN)
    model = DarkNeutrinoModel(0.15, 1.25, epsilon=1e-3, Umu4=1e-3, alphaD=0.25, UD4=1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write_upscattering(model, "miniboone", d / "up.hepmc3", 600, seed=1, vegas_neval=500,
                           vegas_nitn=4)  # fmt: skip
    edges = np.linspace(0.2, 3.0, 8)
    spectrum = pd.DataFrame({"E_low_GeV": edges[:-1], "E_high_GeV": edges[1:],
                             "unoscillated_per_cm2_POT": np.linspace(2, 1, 7),
                             "oscillated_per_cm2_POT": np.linspace(2.2, 1, 7),
                             "ratio": np.linspace(1.1, 1, 7)})  # fmt: skip
    spectrum.to_csv(d / "spectrum.csv", index=False)
    return d


def _boxes(fig):
    """(owner, box) of what is drawn: the suptitle and each panel with its labels and ticks."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    out = [(ax.get_label() or str(i), ax.get_tightbbox(renderer)) for i, ax in enumerate(fig.axes)]
    if fig._suptitle is not None and fig._suptitle.get_text():
        out.append(("suptitle", fig._suptitle.get_window_extent(renderer)))
    return out


def _check_layout(fig):
    """Everything fits the canvas, and panels (with their labels) and the title do not overlap."""
    canvas = fig.bbox
    boxes = _boxes(fig)
    for owner, bb in boxes:
        assert bb.x0 >= canvas.x0 - 1 and bb.x1 <= canvas.x1 + 1, f"{owner} off the canvas"
        assert bb.y0 >= canvas.y0 - 1 and bb.y1 <= canvas.y1 + 1, f"{owner} off the canvas"
    for (o1, b1), (o2, b2) in itertools.combinations(boxes, 2):
        assert not b1.overlaps(b2), f"{o1} overlaps {o2}"


def _texts(fig):
    """Every non-empty text of a figure."""
    texts = [fig._suptitle] if fig._suptitle is not None else []
    for ax in fig.axes:
        texts += [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.texts]
    return [t for t in texts if t.get_text()]


def _check_labels(fig):
    """Every data panel has both axis labels; a quantity with dimensions names its unit."""
    for ax in fig.axes:
        if ax.get_label() == "<colorbar>":
            continue
        x, y = ax.get_xlabel(), ax.get_ylabel()
        if not x:  # a panel sharing its x axis with the one below: labelled there
            x = next(
                a.get_xlabel() for a in ax.get_shared_x_axes().get_siblings(ax) if a.get_xlabel()
            )
        assert x and y, f"panel without axis labels: {x!r}, {y!r}"
        for label in (x, y):
            dimensionless = any(k in label for k in ("cos", "sin", "theta", "/ unoscillated",
                                                     "|U", "dimensionless", r"\theta"))  # fmt: skip
            assert "[" in label or dimensionless, f"no unit in {label!r}"


def test_every_panel_of_a_hepmc3_event_plot_has_data(files):
    for name in ("gen.hepmc3", "up.hepmc3"):
        fig, kind = plot_file(files / name)
        assert kind in ("events", "upscattering")
        for ax in fig.axes:
            # step histograms are polygons: their highest vertex is the highest bin
            tops = [p.get_path().vertices[:, 1].max() for p in ax.patches]
            assert max(tops, default=0.0) > 0.0, f"{name}: empty panel {ax.get_xlabel()!r}"


def test_titles_say_model_mass_couplings_nature_beam_and_detector(files):
    fig, _ = plot_file(files / "gen.hepmc3")
    title = fig._suptitle.get_text()
    for part in ("HNL (Majorana)", "150 MeV", r"|U_{\mu 4}|^2", "MicroBooNE", "decaying at rest"):
        assert part in title, (part, title)
    fig, _ = plot_file(files / "up.hepmc3")
    title = fig._suptitle.get_text()
    for part in ("Dirac", "150 MeV", "1.25 GeV", r"\varepsilon", r"|U_{\mu 4}|", "MiniBooNE (FHC)",
                 r"$\nu_\mu$", "POT"):  # fmt: skip
        assert part in title, (part, title)


@pytest.mark.parametrize("name", ["gen.hepmc3", "gen.parquet", "up.hepmc3", "spectrum.csv"])
def test_labels_units_and_layout(files, name):
    fig, _ = plot_file(files / name)
    _check_labels(fig)
    _check_layout(fig)


def _limits(mixing=None):
    m = np.geomspace(0.01, 0.3, 5)
    limits = pd.DataFrame({"mass_GeV": m, "U2_lower": 1e-8 / m, "U2_upper": 1e-2 * m,
                           "efficiency_method": "same"})  # fmt: skip
    if mixing:
        limits.attrs["mixing"] = mixing
    reference = pd.DataFrame({"mass_GeV": m, "theta_limit": 1e-4 / m})
    return limits, reference


@pytest.mark.parametrize(("mixing", "expected"), [("e", "U_{e 4}"), ("mu", r"U_{\mu 4}")])
def test_recast_y_axis_follows_the_mixing(mixing, expected):
    limits, reference = _limits()
    fig = plot_recast(limits, reference, mixing=mixing, majorana=False)
    assert expected in fig.axes[0].get_ylabel()
    assert "Dirac" in fig._suptitle.get_text()
    limits, reference = _limits(mixing)  # or from the table's attrs
    assert expected in plot_recast(limits, reference).axes[0].get_ylabel()
    _check_labels(fig)
    _check_layout(fig)


def test_recast_table_and_scan_directory_are_plotted(tmp_path):
    limits, _ = _limits()
    limits.to_csv(tmp_path / "limits.csv", index=False)
    fig, kind = plot_file(tmp_path / "limits.csv")
    assert kind == "recast" and r"\ell" in fig.axes[0].get_ylabel()  # mixing not in the file

    import sys
    from pathlib import Path

    from nuportal.scan import scan

    sys.path.insert(0, str(Path(__file__).parent))
    try:
        scan("scan_jobs:slow_job", grid={"x": [1.0, 10.0, 100.0]}, out=tmp_path / "s",
             workers=1)  # fmt: skip
    finally:
        sys.path.remove(str(Path(__file__).parent))
    fig, kind = plot_file(tmp_path / "s")
    assert kind == "scan" and fig.axes[0].get_xlabel().startswith("x")


def test_only_mathtext_and_every_text_renders(files):
    assert not matplotlib.rcParams["text.usetex"]
    fig, _ = plot_file(files / "up.hepmc3")
    fig.canvas.draw()  # a mathtext syntax error would raise here
    assert any("$" in t.get_text() for t in _texts(fig))


def test_anything_else_gets_one_clear_line(tmp_path):
    other = tmp_path / "other.csv"
    pd.DataFrame({"a": [1, 2]}).to_csv(other, index=False)
    for path in (other, tmp_path / "x.txt", tmp_path / "missing.parquet"):
        if path.suffix == ".txt":
            path.write_text("hello")
        with pytest.raises(ValueError, match="cannot plot") as err:
            plot_file(path)
        assert "\n" not in str(err.value)
    with pytest.raises(ValueError, match="nuportal plot accepts"):
        plot_file(other)


def test_interaction_event_tables_are_recognized():
    """`nuportal interactions events` files go to their own figure (checked by hand with the
    command; generating interaction events here would cost ~10 s)."""
    from nuportal.plotting.files import classify_table

    table = pd.DataFrame({"nu_pdg": [14], "E_nu": [1.0], "mode": ["ccqe"], "lep_E": [0.5],
                          "weight": [1.0]})  # fmt: skip
    assert classify_table(table) == "interactions"
