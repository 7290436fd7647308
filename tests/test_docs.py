"""Every CLI command and setting is documented in the README (datasette's test_docs idea)."""

from __future__ import annotations

import re

import typer
from conftest import ROOT

from cistrade.cli import app

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(typer_app: typer.Typer, prefix: str = "") -> list[str]:
    names = [f"{prefix}{c.name or c.callback.__name__.replace('_', '-')}" for c in typer_app.registered_commands]
    for group in typer_app.registered_groups:
        names += _commands(group.typer_instance, f"{prefix}{group.name} ")
    return names


def test_every_command_is_in_the_readme():
    commands = _commands(app)
    assert {"demo", "ingest", "share", "check", "serve"} <= set(commands)
    missing = [c for c in commands if f"`cistrade {c}" not in README]
    assert not missing, f"commands not documented in README.md: {missing}"


def test_every_environment_setting_is_in_the_readme():
    used = set()
    for path in (ROOT / "src" / "cistrade").rglob("*.py"):
        used |= set(re.findall(r"\"((?:CISTRADE|COMTRADE)_[A-Z_]+)\"", path.read_text(encoding="utf-8")))
    missing = sorted(v for v in used if f"`{v}`" not in README)
    assert not missing, f"settings not documented in README.md: {missing}"


def test_readme_opens_with_the_two_setup_commands():
    blocks = re.findall(r"```bash\n(.*?)```", README, flags=re.S)
    assert blocks[0].strip() == "pip install -e . && cistrade demo"
    assert blocks[1].strip() == "pip install -e '.[test]' && python -m pytest"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert blocks[1].strip().replace("pip install", "python -m pip install -q") in ci
