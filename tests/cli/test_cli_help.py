"""One vocabulary across commands, visible in ``--help``.

* every option's help text, units included, appears in the rendered ``--help`` (the rich help
  renderer used to swallow bracketed units such as ``[eV^2]``);
* option names are kebab-case, choices are listed and accepted in any capitalization;
* the shared options exist wherever they belong (``--n-events``, ``--seed``, ``--plot``,
  ``--workers``/``--scheduler``) and the old spellings still work, hidden.
"""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from nuportal.cli import app

runner = CliRunner()


def _commands(root) -> dict[str, object]:
    found = {}
    for name, cmd in root.commands.items():
        if hasattr(cmd, "commands"):
            for sub, subcmd in cmd.commands.items():
                found[f"{name} {sub}"] = subcmd
        else:
            found[name] = cmd
    return found


ROOT = typer.main.get_command(app)
COMMANDS = _commands(ROOT)


def _flat(text: str) -> str:
    # one line; a word broken at its hyphen by the wrapping ("dark-\nflux") is joined again
    return re.sub(r"-\s+", "-", " ".join(text.split()))


def _missing_help(typer_app, path: list[str]) -> list[str]:
    """Help texts of the visible options of ``path`` that do not appear in its --help output."""
    cmd = typer.main.get_command(typer_app)
    for part in path:
        cmd = cmd.commands[part]
    result = runner.invoke(typer_app, [*path, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    shown = _flat(result.stdout)
    return [
        p.help
        for p in cmd.params
        if getattr(p, "help", None) and not getattr(p, "hidden", False)
        if _flat(p.help) not in shown
    ]


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_option_help_and_unit_is_shown(path):
    assert _missing_help(app, path.split()) == []


def test_the_check_sees_swallowed_units():
    """The same check on a rich-markup app: the bracketed unit vanishes and is reported."""
    demo = typer.Typer(rich_markup_mode="rich")

    @demo.command()
    def run(dm2: float = typer.Option(1.0, help="Mass splitting [eV^2].")) -> None:
        """Demo."""

    @demo.command()
    def other() -> None:
        """A second command, so that commands are addressed by name."""

    assert _missing_help(demo, ["run"]) == ["Mass splitting [eV^2]."]


def test_units_are_written_in_parentheses():
    for path, cmd in COMMANDS.items():
        for p in cmd.params:
            text = getattr(p, "help", None) or ""
            assert not re.search(r"\[(GeV|MeV|eV|m|cm|mm|s|deg|degrees|t|POT)[^\]]*\]", text), (
                path,
                text,
            )


_NAME = re.compile(r"^--[a-z0-9]+(-[a-z0-9]+)*$")


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_option_names_are_kebab_case_and_choices_listed(path):
    for p in COMMANDS[path].params:
        if getattr(p, "hidden", False) or p.param_type_name != "option":
            continue
        for name in [*p.opts, *p.secondary_opts]:
            assert _NAME.match(name), (path, name)
        assert "--n" not in p.opts, path
    result = runner.invoke(app, [*path.split(), "--help"])
    for p in COMMANDS[path].params:
        choices = getattr(getattr(p, "type", None), "choices", None)
        if choices:
            for choice in choices:
                value = getattr(choice, "value", choice)
                assert str(value) in result.stdout, (path, p.name, value)


# the shared vocabulary, where it belongs (commands of this package's core groups)
STOCHASTIC = ["generate", "recast microboone-kdar", "oscillation fit", "shower", "dark-flux",
              "upscatter", "scan"]  # fmt: skip
FIGURES = ["generate", "recast microboone-kdar", "oscillation fit", "oscillation predict",
           "shower", "dark-flux", "upscatter", "scan"]  # fmt: skip
EVENTS = ["generate", "recast microboone-kdar", "shower", "dark-flux", "upscatter"]
LONG = ["recast microboone-kdar", "oscillation fit", "scan"]


def _options(path: str) -> set[str]:
    return {o for p in COMMANDS[path].params if not getattr(p, "hidden", False) for o in p.opts}


@pytest.mark.parametrize(
    ("paths", "options"),
    [(STOCHASTIC, {"--seed"}), (FIGURES, {"--plot"}), (EVENTS, {"--n-events"}),
     (LONG, {"--workers", "--scheduler"})],
)  # fmt: skip
def test_shared_options_are_where_they_belong(paths, options):
    for path in paths:
        assert options <= _options(path), (path, options - _options(path))


def test_shared_options_have_one_definition():
    texts: dict[str, set[str]] = {}
    for path, cmd in COMMANDS.items():
        if path.startswith(("target", "interactions", "scan")):  # scan: a seed per point
            continue
        for p in cmd.params:
            if set(p.opts) & {"--seed", "--plot", "--workers", "--scheduler"}:
                texts.setdefault(p.opts[0], set()).add(p.help)
    assert texts and all(len(v) == 1 for v in texts.values()), texts


class _Stop(Exception):
    pass


@pytest.mark.parametrize(
    ("old", "new"),
    [(["--n", "7"], ["--n-events", "7"])],
)
def test_old_event_count_spelling_is_a_hidden_alias(monkeypatch, old, new):
    from nuportal.generation import pipeline

    seen = []

    def fake_generate(**kwargs):
        seen.append(kwargs["n_events"])
        raise ValueError("stop here")

    monkeypatch.setattr(pipeline, "iter_generate", fake_generate)  # generate streams through it
    for args in (old, new):
        result = runner.invoke(app, ["generate", *args, "--out", "/tmp/never-written.parquet"])
        assert result.exit_code == 2, result.stderr
    assert seen == [7, 7]


def test_old_coupling_spellings_are_hidden_aliases(monkeypatch):
    import nuportal.models.dark_neutrino as dn

    seen = []

    def fake_model(*args, **kwargs):
        seen.append({k: kwargs[k] for k in ("gD", "alphaD", "UD4", "UD5")})
        raise ValueError("stop here")

    monkeypatch.setattr(dn, "DarkNeutrinoModel", fake_model)
    base = ["upscatter", "--m5", "0.3", "--umu5", "1e-3", "--out", "/tmp/never-written.parquet"]
    for args in (["--gD", "0.5", "--uD4", "0.3", "--uD5", "0.2"],
                 ["--g-d", "0.5", "--u-d4", "0.3", "--u-d5", "0.2"]):  # fmt: skip
        result = runner.invoke(app, [*base, *args])
        assert result.exit_code == 2, result.stderr
    result = runner.invoke(app, [*base, "--alphaD", "0.25"])
    assert result.exit_code == 2, result.stderr
    assert seen[0] == seen[1] == {"gD": 0.5, "alphaD": None, "UD4": 0.3, "UD5": 0.2}
    assert seen[2]["alphaD"] == 0.25


def test_choices_accept_any_capitalization(tmp_path, monkeypatch):
    """Found: some commands accepted MicroBooNE, others rejected KDAR."""
    from nuportal.generation import pipeline

    seen = []

    def fake_generate(**kwargs):
        seen.append((kwargs["model"], kwargs["source"], kwargs["method"], kwargs["mixing"]))
        raise ValueError("stop here")

    monkeypatch.setattr(pipeline, "iter_generate", fake_generate)  # generate streams through it
    args = ["generate", "--model", "SCALAR", "--mass", "0.1", "--source", "KDAR", "--method",
            "NumPy", "--mixing", "E", "--out", str(tmp_path / "x.parquet")]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "stop here" in result.stderr, result.stderr
    assert seen == [("scalar", "kdar", "numpy", "e")]
    out = tmp_path / "s.csv"
    result = runner.invoke(app, ["oscillation", "fit", "--experiment", "LSND", "--mode", "NU",
                                 "--n-sin2", "2", "--n-dm2", "2", "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert out.exists()
