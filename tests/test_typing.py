"""The packages held to ``mypy --strict`` stay strict (``[tool.mypy]`` in pyproject.toml names
them: ``cistrade.model``, ``cistrade.indicators`` and ``cistrade.claims``)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from conftest import ROOT


def test_the_strict_packages_pass_mypy_strict(tmp_path: Path) -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert config["strict"] is True
    assert {"src/cistrade/model.py", "src/cistrade/indicators",
            "src/cistrade/claims"} <= set(config["files"])
    out = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
