"""Every dependency is declared, and every part of the package loads (#12).

Two checks that fail before a user does:

* every module of ``cistrade`` imports, and every built-in source loads, in this environment
  (which ``.ci/run`` creates fresh from ``pyproject.toml``, so an undeclared package is absent);
* statically, every third-party module that ``src/`` imports is provided by a distribution
  that ``pyproject.toml`` declares for it (the runtime dependencies, or the extra that the
  importing module names in its error), and every runtime dependency is used. This one fails
  even where the package happens to be installed by hand.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from conftest import ROOT

import cistrade
from cistrade.sources import BUILTIN, get_source, source_names
from cistrade.sources.base import Source

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
#: modules imported only by a part that names its extra when the import fails
OPTIONAL = {"pyspark": "spark"}
#: runtime dependencies no module of src/ imports, and why they are declared
INDIRECT: dict[str, str] = {}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_names(reqs: list[str]) -> set[str]:
    return {_norm(re.split(r"[\s\[<>=!~;]", r, maxsplit=1)[0]) for r in reqs}


def _third_party_imports(folder: Path) -> dict[str, set[str]]:
    """Top-level module → the files importing it, for every module neither in the standard
    library nor part of the project."""
    own = {"cistrade", "conftest", "child"} | {p.stem for p in folder.glob("*.py")}
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in own and top != "__future__":
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def _distributions(module: str) -> set[str]:
    return {_norm(d) for d in packages_distributions().get(module, [])}


def test_every_module_of_the_package_imports():
    failed = []
    for info in pkgutil.walk_packages(cistrade.__path__, prefix="cistrade."):
        if info.name.endswith(".__main__"):  # runs the CLI
            continue
        try:
            importlib.import_module(info.name)
        except Exception as exc:  # noqa: BLE001 - every failure is listed
            failed.append(f"{info.name}: {type(exc).__name__}: {exc}")
    assert not failed, "\n".join(failed)


@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_every_builtin_source_loads(name: str):
    cls = get_source(name)
    assert issubclass(cls, Source) and cls.name == name
    assert name in source_names()


def test_src_imports_are_declared():
    runtime = _requirement_names(PYPROJECT["project"]["dependencies"])
    extras = {k: _requirement_names(v) for k, v in PYPROJECT["project"]["optional-dependencies"].items()}
    undeclared = []
    for module, files in sorted(_third_party_imports(ROOT / "src").items()):
        dists = _distributions(module)
        allowed = runtime | extras.get(OPTIONAL.get(module, ""), set())
        if not dists:
            undeclared.append(f"{module} (no installed distribution provides it) in {sorted(files)}")
        elif not dists & allowed:
            undeclared.append(f"{module} (from {sorted(dists)}) in {sorted(files)}")
    assert not undeclared, "imported by src/ but not declared in pyproject.toml:\n" + "\n".join(undeclared)


def test_test_imports_are_declared():
    """What tests/ imports is in the runtime dependencies or the test extra (and what the
    test extra pulls in: the spark extra)."""
    extras = PYPROJECT["project"]["optional-dependencies"]
    declared = _requirement_names(PYPROJECT["project"]["dependencies"] + extras["test"] + extras["spark"])
    undeclared = [f"{m} in {sorted(files)}" for m, files in sorted(_third_party_imports(ROOT / "tests").items())
                  if not _distributions(m) & declared]
    assert not undeclared, "\n".join(undeclared)


def test_every_runtime_dependency_is_used():
    imported: set[str] = set()
    for module in _third_party_imports(ROOT / "src"):
        imported |= _distributions(module)
    unused = sorted(_requirement_names(PYPROJECT["project"]["dependencies"]) - imported - set(INDIRECT))
    assert not unused, f"declared but never imported by src/: {unused}"
