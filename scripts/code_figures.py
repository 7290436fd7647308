"""Figures of the package's structure: lines per module, the longest functions, radon
complexity above 10, imports inside functions, in-package import cycles, ``Any`` in
signatures. Run ``python scripts/code_figures.py [src/cistrade]``; used for issue #15's
before/after note (and worth rerunning after any restructuring)."""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path


def module_name(root: Path, path: Path) -> str:
    rel = path.relative_to(root.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(mod: str, node: ast.ImportFrom, is_pkg: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = mod.split(".") if is_pkg else mod.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports(root: Path) -> tuple[dict[str, set[str]], int, dict[str, set[str]]]:
    """Module-level (non-TYPE_CHECKING) in-package imports, and the count inside functions."""
    pkg = root.name
    mods = {module_name(root, p): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = defaultdict(set)
    inner: dict[str, set[str]] = defaultdict(set)
    n_inner = 0
    for mod, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        is_pkg = path.name == "__init__.py"
        parents: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                parents[child] = node
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            targets = ([a.name for a in node.names] if isinstance(node, ast.Import)
                       else [_resolve(mod, node, is_pkg)])
            if isinstance(node, ast.ImportFrom):
                full = targets[0]
                targets = [f"{full}.{a.name}" if f"{full}.{a.name}" in mods else full
                           for a in node.names]
            targets = [t for t in targets if t.split(".")[0] == pkg]
            if not targets:
                continue
            p, in_func, in_tc = parents.get(node), False, False
            while p is not None:
                if isinstance(p, ast.FunctionDef | ast.AsyncFunctionDef):
                    in_func = True
                if isinstance(p, ast.If) and "TYPE_CHECKING" in ast.unparse(p.test):
                    in_tc = True
                p = parents.get(p)
            if in_tc:
                continue
            for t in targets:
                while t not in mods and "." in t:
                    t = t.rsplit(".", 1)[0]
                if t == mod or mod.startswith(t + "."):  # a package is initialised first
                    continue
                if in_func:
                    n_inner += 1
                    inner[mod].add(t)
                else:
                    graph[mod].add(t)
    return graph, n_inner, inner


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in list(graph):
        if v not in index:
            visit(v)
    return out


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "src/cistrade").resolve()
    files = sorted(root.rglob("*.py"))
    lines = {p: len(p.read_text(encoding="utf-8").splitlines()) for p in files}
    print(f"modules: {len(files)}, lines: {sum(lines.values())}")
    for sub in ("indicators", "claims", "sources", "cli", "web"):
        sel = [n for p, n in lines.items() if sub in p.relative_to(root).parts[:1]]
        print(f"  {sub}: {len(sel)} modules, {sum(sel)} lines")
    print("largest modules:", ", ".join(f"{p.relative_to(root)} {n}" for p, n in
                                         sorted(lines.items(), key=lambda x: -x[1])[:8]))
    funcs = []
    n_any = 0
    for p in files:
        tree = ast.parse(p.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                funcs.append((node.end_lineno - node.lineno + 1, f"{p.relative_to(root)}:{node.name}"))
                args = [*node.args.args, *node.args.kwonlyargs, *node.args.posonlyargs]
                n_any += sum(1 for a in args if a.annotation is not None
                             and ast.unparse(a.annotation) == "Any")
    funcs.sort(reverse=True)
    print(f"functions: {len(funcs)}; longest:", ", ".join(f"{n} {f}" for n, f in funcs[:8]))
    ind = sorted((f for f in funcs if f[1].startswith("indicators/")), reverse=True)
    print("longest in indicators/:", ", ".join(f"{n} {f}" for n, f in ind[:8]))
    print(f"parameters typed Any: {n_any}")
    from radon.complexity import cc_visit

    high = []
    for p in files:
        for b in cc_visit(p.read_text(encoding="utf-8")):
            if b.complexity > 10:
                high.append((b.complexity, f"{p.relative_to(root)}:{b.name}"))
    high.sort(reverse=True)
    by_pkg: dict[str, int] = defaultdict(int)
    for _, f in high:
        by_pkg[f.split("/")[0] if "/" in f else "(top)"] += 1
    print(f"radon cc > 10: {len(high)} ({', '.join(f'{k} {v}' for k, v in sorted(by_pkg.items()))})")
    print("  outside claims/:", ", ".join(f"{c} {f}" for c, f in high if not f.startswith("claims/")))
    graph, n_inner, inner = imports(root)
    print(f"imports inside functions (in-package): {n_inner}")
    print(f"import cycles (module-level imports only): {len(cycles(graph))}")
    full = {m: graph.get(m, set()) | inner.get(m, set()) for m in {*graph, *inner}}
    found = cycles(full)
    print(f"import cycles (counting imports inside functions): {len(found)}")
    for c in found:
        print("  ", " ↔ ".join(c))


if __name__ == "__main__":
    main()
