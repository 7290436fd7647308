"""The package's import graph: no cycles, and the layers import one way (issue #15).

Every in-package import counts, the ones inside functions too (an import moved into a
function to break a cycle is still a cycle); ``if TYPE_CHECKING:`` imports do not (they never
run). Layers, lowest first: the vocabulary and helpers, reference data, sources, the store,
indicators, claims, and the interfaces (CLI, web, report) on top; nothing imports upwards.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "src" / "cistrade"


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_pkg: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    base = module.split(".") if is_pkg else module.split(".")[:-1]
    if node.level:
        base = base[: len(base) - (node.level - 1)]
        stem = ".".join([*base, node.module] if node.module else base)
    else:
        stem = node.module or ""
    return [stem, *(f"{stem}.{a.name}" for a in node.names)]


def import_graph() -> dict[str, set[str]]:
    """Module → the in-package modules it imports (at any depth, TYPE_CHECKING excepted)."""
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_checking_lines(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom) or node.lineno in skip:
                continue
            for target in _targets(node, name, path.name == "__init__.py"):
                # a package is initialised before its modules: importing an ancestor
                # (``from cistrade.indicators import prepared``) is no edge back to it
                if target in modules and not name.startswith(target + ".") and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: list[str] = []
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = len(index)
        on_stack.append(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    on_stack.append(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = on_stack[on_stack.index(node):]
                del on_stack[on_stack.index(node):]
                if len(comp) > 1:
                    found.append(sorted(comp))
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles() -> None:
    found = cycles(import_graph())
    assert not found, "import cycles: " + "; ".join(" ↔ ".join(c) for c in found)


#: the layers, lowest first; a module may import its own layer and those below
LAYERS = [
    {"cistrade", "cistrade.errors", "cistrade.model", "cistrade.charsets", "cistrade.paths",
     "cistrade.provenance", "cistrade.contract", "cistrade.rowref", "cistrade.schema"},
    {"cistrade.reference"},
    {"cistrade.sources", "cistrade.validate", "cistrade.rates", "cistrade.fetch",
     "cistrade.synthetic", "cistrade.synthetic_baci"},
    {"cistrade.store", "cistrade.segments", "cistrade.ingest_batch", "cistrade.agenda.areas", "cistrade.agenda.register",
     "cistrade.agenda.tables"},
    {"cistrade.indicators", "cistrade.agenda"},
    {"cistrade.claims", "cistrade.workload"},
    {"cistrade.report", "cistrade.web", "cistrade.cli", "cistrade.__main__"},
]


def _layer(module: str) -> int:
    for i, names in enumerate(LAYERS):
        if module in names or any(module.startswith(n + ".") for n in names if n != "cistrade"):
            return i
    raise AssertionError(f"{module} is in no layer: add it to LAYERS")


def test_layers_import_downwards_only() -> None:
    upward = sorted(f"{m} → {t}" for m, targets in import_graph().items() for t in targets
                    if _layer(t) > _layer(m))
    assert not upward, "imports against the layers: " + ", ".join(upward)


def test_the_architecture_note_names_every_part_and_only_real_ones() -> None:
    """docs/architecture.md is the picture as the code is: every top-level module and package
    has its line there, every indicator step's module too, and every path it names exists."""
    import re

    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:[a-z_]+/)*[a-z_]+(?:\.py|/))", text))
    missing = sorted(p for p in named if not (PACKAGE / p).exists() and not (ROOT / p).exists())
    assert not missing, f"docs/architecture.md names what does not exist: {missing}"
    parts = sorted(p.name + ("/" if p.is_dir() else "") for p in PACKAGE.iterdir()
                   if p.name not in ("__init__.py", "__main__.py", "__pycache__", "layouts")
                   and (p.suffix == ".py" or (p / "__init__.py").exists()))
    parts += [f"indicators/{p.name}" for p in (PACKAGE / "indicators").glob("*.py")
              if p.name != "__init__.py"]
    unnamed = [p for p in parts if f"`{p}" not in text]
    assert not unnamed, f"not in docs/architecture.md: {unnamed}"
