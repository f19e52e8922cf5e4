"""Bad input on the command line: every command fails at once, on one line, naming the option.

A table of bad values for every command (each a class of defect found by trying the command as a
new user would) is run in-process through typer's CliRunner, which goes through the same root
group as the console script; each case asserts a non-zero exit status, exactly one line on
standard error that names what the user typed, no traceback, and no file left in the working
directory. A hypothesis fuzzer then draws option values (NaN, infinities, negative, huge) for a
few commands and checks the same contract, or a clean success. Two cases run the real console
script in a subprocess.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from nuportal.cli import app

runner = CliRunner()

# (command line, text the one error line must contain: the option as the user typed it)
# fmt: off
CASES: list[tuple[list[str], str]] = [
    # generate
    (["generate", "--mass", "0.5"], "--mass"),  # above m_K - m_mu
    (["generate", "--mass", "nan"], "--mass"),
    (["generate", "--mass", "-1"], "--mass"),
    (["generate", "--mass", "inf"], "--mass"),
    (["generate", "--mass", "abc"], "--mass"),
    (["generate", "--model", "scalar", "--mass", "0.36"], "--mass"),  # above m_K - m_pi
    (["generate", "--coupling", "-1e-6"], "--coupling"),
    (["generate", "--coupling", "2"], "--coupling"),
    (["generate", "--coupling", "nan"], "--coupling"),
    (["generate", "--n-events", "0"], "--n-events"),
    (["generate", "--n", "0"], "--n-events"),  # the old spelling names the new option
    (["generate", "--mixing", "tau"], "--mixing"),  # K+ -> tau N is closed: not offered
    (["generate", "--model", "fermion"], "--model"),
    (["generate", "--source", "bnb"], "--source"),
    (["generate", "--method", "rk4"], "--method"),
    (["generate", "--detector", "nova"], "--detector"),
    (["generate", "--out", "events.txt"], "--out"),
    (["generate", "--out", "/nonexistent/dir/x.parquet"], "--out"),
    (["generate", "--plot", "events.jpg"], "--plot"),
    (["generate", "--bogus"], "--bogus"),
    # recast
    (["recast", "microboone-kdar", "--masses", ""], "--masses"),  # was "HNL mass none GeV"
    (["recast", "microboone-kdar", "--masses", "0.5"], "--masses"),
    (["recast", "microboone-kdar", "--masses", "0.1,abc"], "--masses"),
    (["recast", "microboone-kdar", "--n-events", "5"], "--n-events"),
    (["recast", "microboone-kdar", "--efficiency", "magic"], "--efficiency"),
    (["recast", "microboone-kdar", "--mixing", "tau"], "--mixing"),
    (["recast", "microboone-kdar", "--out", "limits.txt"], "--out"),
    (["recast", "microboone-kdar", "--plot", "limits.gif"], "--plot"),
    (["recast", "microboone-kdar", "--data", "missing.csv"], "--data"),
    (["recast", "microboone-kdar", "--workers", "0"], "--workers"),
    (["recast", "microboone-kdar", "--scheduler", "foo"], "--scheduler"),
    (["recast", "microboone-kdar", "--workers", "2", "--scheduler", "tcp://h:1"], "--scheduler"),
    # oscillation
    (["oscillation", "fit", "--experiment", "karmen"], "--experiment"),
    (["oscillation", "fit", "--mode", "both"], "--mode"),
    (["oscillation", "fit", "--n-sin2", "1"], "--n-sin2"),
    (["oscillation", "fit", "--fc-toys", "-1"], "--fc-toys"),
    (["oscillation", "fit", "--fc-toys", "5", "--experiment", "joint"], "--fc-toys"),
    (["oscillation", "fit", "--out", "surface.txt"], "--out"),
    (["oscillation", "fit", "--plot", "regions.bmp"], "--plot"),
    (["oscillation", "fit", "--seed", "x"], "--seed"),
    (["oscillation", "predict", "--dm2", "-1", "--sin2-2theta", "0.1"], "--dm2"),
    (["oscillation", "predict", "--dm2", "nan", "--sin2-2theta", "0.1"], "--dm2"),
    (["oscillation", "predict", "--dm2", "1", "--sin2-2theta", "2"], "--sin2-2theta"),
    (["oscillation", "predict", "--dm2", "1", "--sin2-2theta", "0.1", "--detector", "karmen"],
     "--detector"),
    (["oscillation", "predict", "--dm2", "1", "--sin2-2theta", "0.1", "--channel", "x"],
     "--channel"),
    (["oscillation", "predict", "--dm2", "1", "--sin2-2theta", "0.1", "--out", "p.txt"], "--out"),
    (["oscillation", "predict", "--sin2-2theta", "0.1"], "--dm2"),  # missing
    # shower
    (["shower", "--material", "unobtainium"], "--material"),
    (["shower", "--energy", "-1"], "--energy"),
    (["shower", "--energy", "0"], "--energy"),
    (["shower", "--cut", "0"], "--cut"),
    (["shower", "--cut", "20"], "--cut"),  # above the primary energy
    (["shower", "--energy", "1e9"], "--energy"),  # was "energy must be ... got 1019329.5, ..."
    (["shower", "--energy", "0.0004", "--cut", "0.0001"], "--energy"),  # below m_e + cut
    (["shower", "--length", "-3"], "--length"),
    (["shower", "--radius", "0"], "--radius"),
    (["shower", "--out", "shower.hepmc3"], "--out"),  # a table, not events: was a crash
    (["shower", "--particle", "proton"], "--particle"),
    (["shower", "--n-events", "0"], "--n-events"),
    (["shower", "--plot", "shower.jpg"], "--plot"),
    # dark-flux
    (["dark-flux", "--epsilon", "2"], "--epsilon"),  # was accepted
    (["dark-flux", "--epsilon", "nan"], "--epsilon"),
    (["dark-flux", "--processes", ""], "--processes"),  # was accepted
    (["dark-flux", "--processes", "brem,decay"], "--processes"),
    (["dark-flux", "--mass", "-0.01"], "--mass"),
    (["dark-flux", "--mass", "20"], "kinematically closed"),
    (["dark-flux", "--off-axis", "95"], "--off-axis"),  # in degrees, as typed
    (["dark-flux", "--distance", "-5"], "--distance"),
    (["dark-flux", "--detector-radius", "0"], "--detector-radius"),
    (["dark-flux", "--out", "dark.hepmc3"], "--out"),
    # upscatter
    (["upscatter", "--flavour", "tau"], "--flavour"),  # no tau mixing: was zero-weight events
    (["upscatter", "--flavour", "tau", "--utau4", "1e-3"], "--flavour"),  # no nu_tau flux
    (["upscatter", "--decay", "nu mu mu"], "kinematically closed"),  # was "couplings vanish"
    (["upscatter", "--decay", "nu gamma"], "--mu-tr"),
    (["upscatter", "--umu4", "-1e-3"], "--umu4"),
    (["upscatter", "--epsilon", "nan"], "--epsilon"),
    (["upscatter", "--g-d", "1", "--alpha-d", "0.3"], "--alpha-d"),
    (["upscatter", "--gD", "-1"], "--g-d"),  # the old spelling names the new option
    (["upscatter", "--experiment", "t2k"], "--experiment"),
    (["upscatter", "--hnl", "5"], "--m5"),
    (["upscatter", "--m5", "0.1"], "--m5"),  # below --m4
    (["upscatter", "--m4", "0"], "--m4"),
    (["upscatter", "--mzprime", "100"], "--mzprime"),  # above m_Z
    (["upscatter", "--epsilon", "1"], "--epsilon"),
    (["upscatter", "--umu5", "0.1"], "--m5"),  # an N5 coupling without N5
    (["upscatter", "--m5", "0.2", "--majorana", "--umu5", "1e-3"], "--m5"),  # was a traceback
    (["upscatter", "--m5", "0.2", "--u-d4", "0.9", "--u-d5", "0.9", "--umu5", "1e-3", "--hnl",
      "5", "--decay", "N4 e e"], "--u-d5"),  # was "unitarity: UD4^2 + UD5^2 must be <= 1"
    (["upscatter", "--flavour", "x"], "--flavour"),
    (["upscatter", "--out", "events.txt"], "--out"),
    (["upscatter", "--plot", "events.tiff"], "--plot"),
    # scan, plot, the root command
    (["scan", "generate", "--grid", "mass=bad", "--out", "scan"], "mass"),
    (["scan", "generate", "--out", "scan", "--workers", "0"], "--workers"),
    (["scan", "no-such-job", "--out", "scan"], "no-such-job"),
    (["scan", "generate", "--grid", "mass=0.1", "--out", "scan", "--plot", "s.gif"], "--plot"),
    (["plot", "missing.parquet"], "missing.parquet"),
    (["plot", "input.parquet", "--out", "figure.jpg"], "--out"),
    (["--bogus"], "--bogus"),
    (["no-such-command"], "no-such-command"),
]
# fmt: on

_NUMPY_REPRS = ("array(", "np.float64(", "np.int64(", "mass none")


def _check_failure(result, tmp_path: Path, expected: str, before: set[str]) -> None:
    err = result.stderr
    assert result.exit_code != 0, result.stdout
    assert result.stdout == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("nuportal: error: "), err
    assert "Traceback" not in err and "Warning" not in err
    assert not any(r in err for r in _NUMPY_REPRS), err
    assert expected in lines[0], err
    assert set(os.listdir(tmp_path)) == before  # no output file, no temporary left


@pytest.mark.parametrize(("args", "expected"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_bad_input_fails_at_once_on_one_line(args, expected, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "input.parquet").write_bytes(b"not parquet")
    before = set(os.listdir(tmp_path))
    result = runner.invoke(app, args)
    _check_failure(result, tmp_path, expected, before)


# the commands this table is about (groups added by other modules have their own tests)
TABLE_COMMANDS = {"generate", "plot", "scan", "shower", "dark-flux", "upscatter",
                  "recast microboone-kdar", "oscillation fit", "oscillation predict"}  # fmt: skip


def test_the_table_covers_every_command():
    import typer

    root = typer.main.get_command(app)
    commands = {
        name if not hasattr(cmd, "commands") else f"{name} {sub}"
        for name, cmd in root.commands.items()
        for sub in (getattr(cmd, "commands", None) or [None])
    }
    covered = {" ".join(a[:2]) if a[0] in ("recast", "oscillation") else a[0] for a, _ in CASES}
    groups = {c.split()[0] for c in TABLE_COMMANDS}
    assert TABLE_COMMANDS <= commands
    in_groups = {c for c in commands if c.split()[0] in groups}  # a new subcommand is noticed
    assert in_groups <= covered, sorted(in_groups - covered)


# ---------------------------------------------------------------- fuzzing option values
_values = st.one_of(
    st.sampled_from(["nan", "inf", "-inf", "-0", "0", "1e308", "-1e-300", "", "abc"]),
    st.floats(allow_nan=True, allow_infinity=True, width=32).map(repr),
)


def _fuzz(tmp_path: Path, args: list[str], out: Path) -> None:
    with warnings.catch_warnings(record=True) as caught:  # numpy warnings reach the user
        warnings.simplefilter("always")
        result = runner.invoke(app, args)
    numeric = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    assert not numeric, (args, [str(w.message) for w in numeric])
    if result.exit_code == 0:  # only documented-limitation warnings may be said
        assert all(line.startswith("nuportal: warning: ") for line in result.stderr.splitlines())
        assert out.exists()
        out.unlink()
        return
    assert result.exit_code == 2, (args, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("nuportal: error: "), (args, result.stderr)
    assert not any(r in result.stderr for r in _NUMPY_REPRS), result.stderr
    assert not out.exists()


_fuzz_settings = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_fuzz_settings
@given(dm2=_values, amplitude=_values)
def test_fuzz_oscillation_predict(tmp_path, dm2, amplitude):
    out = tmp_path / "p.csv"
    _fuzz(tmp_path, ["oscillation", "predict", "--dm2", dm2, "--sin2-2theta", amplitude,
                     "--detector", "microboone", "--out", str(out)], out)  # fmt: skip


@_fuzz_settings
@given(mass=_values, coupling=_values, model=st.sampled_from(["hnl", "SCALAR"]))
def test_fuzz_generate(tmp_path, mass, coupling, model):
    out = tmp_path / "e.csv"
    _fuzz(tmp_path, ["generate", "--model", model, "--mass", mass, "--coupling", coupling,
                     "--n-events", "20", "--method", "numpy", "--out", str(out)], out)  # fmt: skip


@_fuzz_settings
@given(energy=_values, cut=_values, epsilon=_values, off_axis=_values)
def test_fuzz_dark_flux_checks(tmp_path, energy, cut, epsilon, off_axis):
    # only value combinations that fail are run through: a valid one would simulate showers
    def number(text):
        try:
            return float(text)
        except ValueError:
            return math.nan

    e, c, eps, angle = map(number, (energy, cut, epsilon, off_axis))
    valid = math.isfinite(e) and e > 0.03 and 0 < c < e and 0 < eps <= 1 and 0 <= angle < 90
    if valid:
        return
    out = tmp_path / "d.parquet"
    args = ["dark-flux", "--energy", energy, "--cut", cut, "--epsilon", epsilon,
            "--off-axis", off_axis, "--distance", "10", "--out", str(out)]  # fmt: skip
    _fuzz(tmp_path, args, out)


# ---------------------------------------------------------------- the real console script
def test_console_script_bad_input_and_interrupt(tmp_path):
    bad = subprocess.run(
        [sys.executable, "-m", "nuportal.cli", "dark-flux", "--epsilon", "2"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.splitlines() == [bad.stderr.strip()] and "--epsilon" in bad.stderr
    assert os.listdir(tmp_path) == []
    # Ctrl-C while the command starts (a KeyboardInterrupt raised while a command module is
    # imported): one line, exit status 130, no traceback
    script = (
        "import sys\n"
        "class Interrupt:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'nuportal.cli.generate':\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Interrupt())\n"
        "sys.argv = ['nuportal', 'generate']\n"
        "from nuportal.cli import main\n"
        "main()\n"
    )
    interrupted = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert interrupted.returncode == 130
    assert interrupted.stderr == "nuportal: interrupted\n"
    # a real SIGINT after the command line is imported and before the command runs (while
    # typer builds and parses the command) ends the process with the same line
    script = (
        "import os, signal, sys\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "sys.argv = ['nuportal', 'generate', '--n-events', '10']\n"
        "from nuportal.cli import main\n"
        "os.kill(os.getpid(), signal.SIGINT)\n"
        "main()\n"
    )
    signalled = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
        cwd=tmp_path, check=False,
    )  # fmt: skip
    assert signalled.returncode == 130
    assert signalled.stderr == "nuportal: interrupted\n"
    assert os.listdir(tmp_path) == []


def test_ctrl_c_inside_a_command_is_one_line(monkeypatch, tmp_path):
    from nuportal.generation import pipeline

    def interrupted(**kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "iter_generate", interrupted)  # generate streams through it
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["generate", "--n-events", "10"])
    assert result.exit_code == 130
    assert result.stderr == "nuportal: interrupted\n"
    assert os.listdir(tmp_path) == []


def test_api_reports_a_closed_channel_as_closed():
    """Found: N4 -> nu mu mu below 2 m_mu was reported as 'couplings vanish'."""
    from nuportal.generation.upscattering import generate_upscattering
    from nuportal.models.dark_neutrino import DarkNeutrinoModel

    model = DarkNeutrinoModel(0.15, 1.25, epsilon=1e-3, Umu4=1e-3, gD=1.0, UD4=1.0)
    with pytest.raises(ValueError, match=r"kinematically closed: m4 = 0\.15 GeV .* 0\.211"):
        generate_upscattering(model, "miniboone", 100, decay="nu mu mu")
    with pytest.raises(ValueError, match="couplings vanish"):  # open, but no dipole
        generate_upscattering(model, "miniboone", 100, decay="nu gamma")


def test_api_recast_names_an_empty_mass_list():
    """Found: ``--masses ''`` said "HNL mass none GeV is outside the recast range"."""
    from nuportal.recast import microboone_kdar

    with pytest.raises(ValueError, match="at least one HNL mass") as info:
        microboone_kdar(masses=[], n_events=100)
    assert "none" not in str(info.value)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("got array([[-1.]])", "got -1."),
        ("got array([ 1.5, 2. ])", "got 1.5, 2."),
        ("mass np.float64(0.5) GeV", "mass 0.5 GeV"),
        ("n np.int64(3)\nsecond line", "n 3 second line"),
    ],
)
def test_error_lines_carry_no_numpy_reprs(raw, clean):
    from nuportal.cli._util import clean_message

    assert clean_message(raw) == clean


@_fuzz_settings
@given(m4=_values, mzprime=_values, epsilon=_values, umu4=_values)
def test_fuzz_upscatter_checks(tmp_path, m4, mzprime, epsilon, umu4):
    # only combinations that fail are run through: a valid one would adapt vegas maps
    def number(text):
        try:
            return float(text)
        except ValueError:
            return math.nan

    m, z, eps, u = map(number, (m4, mzprime, epsilon, umu4))
    valid = 0 < m < 9 and 0 < z < 91 and 0 <= eps < 1 and 0 < u <= 1
    if valid:
        return
    out = tmp_path / "u.parquet"
    args = ["upscatter", "--m4", m4, "--mzprime", mzprime, "--epsilon", epsilon,
            "--umu4", umu4, "--n-events", "10", "--out", str(out)]  # fmt: skip
    _fuzz(tmp_path, args, out)


# the computation each command would start; a bad --out or --plot must fail before it
_WORK = {
    "recast": ("nuportal.recast", "microboone_kdar"),
    "oscillation": ("nuportal.stats.oscillation_fit", "fit_surface"),
    "shower": ("nuportal.sources.shower", "simulate_showers"),
    "dark-flux": ("nuportal.sources.shower", "dark_photon_flux"),
    "upscatter": ("nuportal.generation.upscattering", "generate_upscattering"),
    "generate": ("nuportal.generation.pipeline", "iter_generate"),
}


@pytest.mark.parametrize(
    "args",
    [
        ["recast", "microboone-kdar", "--plot", "limits.jpg"],
        ["oscillation", "fit", "--plot", "regions.gif"],
        ["shower", "--plot", "shower.tiff"],
        ["dark-flux", "--out", "dark.hepmc3"],
        ["upscatter", "--plot", "events.eps"],
        ["generate", "--out", "events.txt"],
    ],
    ids=lambda a: " ".join(a),
)
def test_bad_file_names_fail_before_any_work(args, tmp_path, monkeypatch):
    """Found: a bad --plot suffix raised a traceback after the computation and its table."""
    import importlib

    module, name = _WORK[args[0]]

    def boom(*a, **k):
        raise AssertionError("the computation started")

    monkeypatch.setattr(importlib.import_module(module), name, boom)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("nuportal: error: --") and os.listdir(tmp_path) == []
