"""docs/layouts.md's worked example runs as written: from an empty layout file to a share table.

The page's files (a block after ``<!-- file: NAME -->``) are written in order, each version
replacing the last, and each ``$ cistrade …`` command of a ``console`` block runs in process in
that folder; every output line the page shows must appear, in order, in the real output (table
borders and runs of spaces aside).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from cistrade.cli import app

PAGE = (ROOT / "docs" / "layouts.md").read_text(encoding="utf-8")
EXAMPLE = PAGE.split("## A worked example", 1)[1].split("\n## ", 1)[0]
BLOCK = re.compile(r"(?:<!-- file: (?P<file>\S+) -->\n)?```(?P<lang>\w+)\n(?P<body>.*?)```", re.S)
BORDERS = re.compile(r"[│┃━─┏┓┗┛┡┩└┘┳┻╇┼╋┃]")


def _norm(text: str) -> str:
    return " ".join(BORDERS.sub(" ", text).split())


def _steps() -> list[tuple[str, str, str]]:
    """(kind, name or command, body or expected output) in the page's order."""
    steps = []
    for m in BLOCK.finditer(EXAMPLE):
        if m["file"]:
            steps.append(("file", m["file"], m["body"]))
        elif m["lang"] == "console":
            for chunk in re.split(r"^\$ ", m["body"], flags=re.M)[1:]:
                command, _, output = chunk.partition("\n")
                steps.append(("run", command, output))
    return steps


def test_the_example_has_files_and_commands() -> None:
    kinds = [k for k, _, _ in _steps()]
    assert kinds.count("file") == 5 and kinds.count("run") == 5


def test_the_worked_example_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CISTRADE_LAYOUTS", raising=False)
    runner = CliRunner()
    for kind, name, body in _steps():
        if kind == "file":
            (tmp_path / name).write_text(body, encoding="utf-8")
            continue
        args = shlex.split(name)
        assert args[0] == "cistrade"
        result = runner.invoke(app, args[1:])
        actual = _norm(result.stdout + "\n" + result.stderr)
        expected = [_norm(line) for line in body.splitlines() if line.strip()]
        assert "Traceback" not in actual
        assert result.exit_code == (1 if expected[0].startswith("error:") else 0), actual
        at = 0
        for line in expected:
            found = actual.find(line, at)
            assert found >= 0, f"`{name}`: the page shows\n  {line}\nbut the output is\n  {actual[at:]}"
            at = found + len(line)
