"""``nuportal nuphilic``: the br table, and bad input ends in one line with exit status 2."""

import pandas as pd
import pytest
from typer.testing import CliRunner

from nuportal.cli import app

runner = CliRunner()


def test_br_table(tmp_path):
    out = tmp_path / "br.csv"
    res = runner.invoke(app, ["nuphilic", "br", "--m-phi", "0.01,0.1", "--out", str(out)])
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out)
    # K -> mu nu phi at 0.1 GeV: 8.84e-3 per g^2 (reference value; nuportal's |V_us| and lifetime
    # differ from its inputs by < 0.1 %; rounding of the quoted value 0.06 %)
    assert table["BR(K+->mu nu phi)/g^2"].iloc[1] == pytest.approx(8.84e-3, rel=2e-3)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["br", "--m-phi", "-0.1"], "--m-phi"),
        (["br", "--m-phi", "abc"], "--m-phi"),
        (["events", "--g", "nan"], "--g"),
        (["events", "--m-phi", "9"], "--m-phi"),
        (["events", "--charge-misid", "2"], "--charge-misid"),
        (["events", "--out", "x.txt"], "--out"),
        (["sensitivity", "--detector", "water"], "--detector"),
        (["sensitivity", "--m-phi-min", "0.5", "--m-phi-max", "0.1"], "--m-phi-max"),
        (["sensitivity", "--years", "0"], "--years"),
        (["sensitivity", "--flux-norm", "1.5"], "--flux-norm"),
    ],
)
def test_bad_input_one_line_exit_2(args, needle, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["nuphilic", *args])
    assert res.exit_code == 2
    lines = [ln for ln in res.output.strip().splitlines() if ln.strip()]
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in res.output
    assert list(tmp_path.iterdir()) == []


def test_figures_are_written(tmp_path):
    import numpy as np

    from nuportal.inference.neutrinophilic import NDSetup
    from nuportal.plotting import plot_nuphilic_events, plot_nuphilic_reach

    table = pd.DataFrame({"m_phi": [0.01, 0.1, 1.0], "g_90": [0.3, 0.4, 1.5],
                          "detector": ["lar"] * 3})
    plot_nuphilic_reach(table, tmp_path / "reach.png")
    setup = NDSetup()
    hist = pd.DataFrame(
        {"signal": np.ones(setup.n_bins), "wrong_sign_cc": np.full(setup.n_bins, 9.0)}
    )
    plot_nuphilic_events(hist, setup.evis_edges, setup.pt_edges, tmp_path / "events.png")
    assert (tmp_path / "reach.png").stat().st_size > 1000
    assert (tmp_path / "events.png").stat().st_size > 1000
