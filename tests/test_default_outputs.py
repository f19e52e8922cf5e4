"""Commands do not overwrite each other's outputs: every default output file is distinct.

Found: ``generate`` and ``upscatter`` both wrote events.parquet by default (and the README's
upscatter line named it explicitly), so running the README in order lost the first file.
"""

from __future__ import annotations

from pathlib import Path

import typer.main

from nuportal.cli.app import app


def _commands(group, prefix=()):
    for name, cmd in getattr(group, "commands", {}).items():
        if hasattr(cmd, "commands"):
            yield from _commands(cmd, (*prefix, name))
        else:
            yield " ".join((*prefix, name)), cmd


def test_default_output_files_are_distinct():
    root = typer.main.get_command(app)
    owners: dict[str, str] = {}
    for name, cmd in _commands(root):
        for param in cmd.params:
            if param.name in ("out", "plot") and param.default is not None:
                default = str(Path(str(param.default)))
                assert default not in owners, f"{name} and {owners[default]} both write {default}"
                owners[default] = name
    assert owners["upscattering.parquet"] == "upscatter"
    assert owners["events.parquet"] == "generate"
