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



def test_ci_runs_the_readme_test_command_in_a_fresh_virtualenv():
    """.ci/run reads the README's second block and evaluates it, after creating and activating
    a new virtualenv (so nothing installed by hand can hide a missing declaration)."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'python3 -m venv "$venv"' in ci and 'source "$venv/bin/activate"' in ci
    assert "blocks[1].strip()" in ci and 'eval "$test_command"' in ci
    assert ci.index("-m venv") < ci.index("activate") < ci.index('eval "$test_command"')
    assert 'export CI="${CI:-1}"' in ci
