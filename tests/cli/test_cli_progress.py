"""Long jobs show a progress bar with a total on a terminal and stay quiet otherwise.

Found: ``upscatter`` had no bar at all and ``recast``'s had no total. The terminal is simulated
by replacing the command module's ``show_progress`` (``sys.stderr.isatty()`` in real use).
"""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

import nuportal.cli.upscatter as cli_upscatter
from nuportal.cli import app
from nuportal.recast import microboone_kdar

runner = CliRunner()
_TOTAL = re.compile(r"(\d+)/(\d+) \[")  # the "n/total [time-so-far, time-left" field of a tqdm bar


def _final_counts(text: str) -> tuple[int, int]:
    counts = _TOTAL.findall(text.replace("\r", "\n"))
    assert counts, text
    done, total = map(int, counts[-1])
    return done, total


@pytest.mark.parametrize("terminal", [True, False])
def test_upscatter_bar_has_a_total_on_a_terminal_only(tmp_path, monkeypatch, terminal):
    monkeypatch.setattr(cli_upscatter, "show_progress", lambda: terminal)
    out = tmp_path / "e.parquet"
    result = runner.invoke(app, ["upscatter", "--n-events", "200", "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    if terminal:
        assert "upscattering" in result.stderr
        done, total = _final_counts(result.stderr)
        assert done == total > 0
    else:
        assert result.stderr == ""


def test_recast_bar_has_a_total(capsys):
    microboone_kdar(masses=[0.1], n_events=100, efficiency="same", progress=True)
    done, total = _final_counts(capsys.readouterr().err)
    # every published scalar mass of arXiv:2106.00568 (the reference) and the one HNL mass
    assert done == total
    from nuportal.experiments import microboone_kdar_hps_2021

    assert total == len(microboone_kdar_hps_2021().mass_GeV) + 1


def test_feldman_cousins_bar_has_a_total(capsys):
    import numpy as np

    from nuportal.stats.feldman_cousins import feldman_cousins

    s, d = np.geomspace(1e-3, 1, 2), np.geomspace(0.1, 10, 3)
    quiet = feldman_cousins("lsnd", s, d, n_toys=10, seed=2)
    assert capsys.readouterr().err == ""
    shown = feldman_cousins("lsnd", s, d, n_toys=10, seed=2, progress=True)
    assert _final_counts(capsys.readouterr().err) == (6, 6)  # one step per grid point
    assert shown.equals(quiet)  # the bar changes nothing
