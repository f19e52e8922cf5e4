"""``nuportal interactions xsec``: a table and a figure; bad input is one line and exit 2."""

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from nuportal.cli.app import app

runner = CliRunner()


def test_xsec_writes_table_and_plot(tmp_path):
    out = tmp_path / "xs.csv"
    png = tmp_path / "xs.png"
    res = runner.invoke(app, ["interactions", "xsec", "--target", "C12", "--flavour", "numu",
                              "--processes", "dis_cc", "--e-min", "5", "--e-max", "50",
                              "--n-points", "3", "--out", str(out), "--plot", str(png)])
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out)
    assert list(table["E_nu"]) == pytest.approx([5.0, np.sqrt(250.0), 50.0])
    # the table is the API's (same numbers)
    from nuportal.interactions.total import sigma_process

    assert np.allclose(table["dis_cc"], sigma_process("dis_cc", table["E_nu"], 14, "C12"),
                       rtol=1e-5)
    assert png.stat().st_size > 0


@pytest.mark.parametrize("args, option", [
    (["--e-min", "0.01"], "--e-min"),
    (["--e-min", "5", "--e-max", "1000"], "--e-max"),
    (["--m-a-res", "-1"], "--m-a-res"),
    (["--dis-norm", "-0.5"], "--dis-norm"),
    (["--processes", "dis_xx"], "--processes"),
    (["--target", "Xe131"], "--target"),
])
def test_xsec_bad_input(tmp_path, args, option):
    res = runner.invoke(app, ["interactions", "xsec", "--out", str(tmp_path / "x.csv"), *args])
    assert res.exit_code == 2
    lines = [ln for ln in res.stderr.strip().splitlines() if ln.strip()]
    assert option in res.stderr and len(lines) <= 3
