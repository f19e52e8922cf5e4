"""Start-up cost: ``import nuportal`` and every ``--help`` load no heavy module (lazy loading).

Each check runs in a fresh interpreter (the test process has long imported everything), and
fails if pandas, scipy, matplotlib or the particle table is imported eagerly again.
"""

from __future__ import annotations

import subprocess
import sys

import nuportal

HEAVY = ("pandas", "scipy", "matplotlib", "particle", "pyarrow", "numba")

_REPORT = (
    "import sys\n"
    "heavy = {heavy!r}\n"
    "def report():\n"
    "    loaded = sorted({{m.split('.')[0] for m in sys.modules}} & set(heavy))\n"
    "    print('HEAVY:' + ','.join(loaded))\n"
)


def _heavy_modules(body: str) -> list[str]:
    script = _REPORT.format(heavy=HEAVY) + body
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("HEAVY:")]
    assert lines, f"no report; stdout={done.stdout!r} stderr={done.stderr!r}"
    return [m for m in lines[-1].removeprefix("HEAVY:").split(",") if m]


def test_import_nuportal_loads_no_heavy_module():
    assert _heavy_modules("import nuportal\nreport()\n") == []


def test_help_of_every_command_loads_no_heavy_module():
    body = (
        "import typer\n"
        "from nuportal.cli.app import app\n"
        "cmd = typer.main.get_command(app)\n"
        "paths = [[]]\n"
        "for name, sub in cmd.commands.items():\n"
        "    paths.append([name])\n"
        "    for subname in getattr(sub, 'commands', {}):\n"
        "        paths.append([name, subname])\n"
        "for path in paths:\n"
        "    try:\n"
        "        app([*path, '--help'], standalone_mode=False, prog_name='nuportal')\n"
        "    except SystemExit:\n"
        "        pass\n"
        "report()\n"
    )
    assert _heavy_modules(body) == []


def test_public_names_resolve_lazily():
    for name in nuportal.__all__:
        assert getattr(nuportal, name) is not None, name
    assert set(nuportal.__all__) <= set(dir(nuportal))
    assert nuportal.generate is nuportal.generation.pipeline.generate
    assert nuportal.sources.shower.simulate_showers is nuportal.simulate_showers


def test_unknown_attribute_is_an_attribute_error():
    try:
        nuportal.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:
        raise AssertionError("nuportal.no_such_thing did not raise AttributeError")


def test_version_option_prints_the_version():
    done = subprocess.run(
        [sys.executable, "-m", "nuportal.cli", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"nuportal {nuportal.__version__}"
