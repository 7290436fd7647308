"""Sources: one module per publisher, found by name or by content.

Built-in sources are listed in :data:`BUILTIN`; third-party ones arrive through the
``cistrade.sources`` entry point group (``name = "package.module:SourceClass"``). Layout
files (:mod:`cistrade.sources.layout`) are sources too: the package's own (``uz-stat``,
``am-armstat``) are built-in, registered folders add theirs, and ``layout:PATH.toml`` names
any file.
"""

from __future__ import annotations

import importlib
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path

from cistrade.errors import InputError
from cistrade.sources.base import ReadResult, Source, SqlData, Supports
from cistrade.sources.layout import places as _layouts

__all__ = ["Source", "ReadResult", "SqlData", "Supports", "get_source", "source_names", "detect"]

BUILTIN: dict[str, str] = {
    "tidy": "cistrade.sources.tidy:TidySource",
    "ru-fts": "cistrade.sources.national.ru_fts:RuFtsSource",
    "kz-bns": "cistrade.sources.national.kz_bns:KzBnsSource",
    "eurostat": "cistrade.sources.eurostat:EurostatSource",
    "comtrade": "cistrade.sources.comtrade:ComtradeSource",
    "imf": "cistrade.sources.imf:ImfSource",
    "baci": "cistrade.sources.baci:BaciSource",
}
# the package's layout files (uz-stat, am-armstat): "layout:" targets
BUILTIN.update({name: f"layout:{path}" for name, path in _layouts.shipped_layouts().items()})


def _load(target: str) -> type[Source]:
    if target.startswith("layout:"):
        from cistrade.sources.layout.source import layout_source

        path = Path(target.removeprefix("layout:"))
        return layout_source(path, name=path.stem)  # a registered layout is named by its file
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)


@cache
def _installed() -> dict[str, str]:
    found = dict(BUILTIN)
    for ep in entry_points(group="cistrade.sources"):
        found.setdefault(ep.name, ep.value)
    return found


def _registry() -> dict[str, str]:
    """The installed sources and the registered layout folders' (read each time: they change)."""
    found = dict(_installed())
    for name, path in _layouts.registered_layouts().items():
        if name in found:
            raise InputError(f"the registered layout {path} has the name of the source {name!r}; rename it")
        found[name] = f"layout:{path}"
    return found


def source_names() -> list[str]:
    """Names of the sources that can be loaded here."""
    names = []
    for name, target in _registry().items():
        try:
            _load(target)
        except (ImportError, AttributeError):
            continue
        names.append(name)
    return names


def get_source(name: str) -> type[Source]:
    if name.startswith("layout:"):
        from cistrade.sources.layout.source import layout_source

        return layout_source(_layouts.layout_argument(name.removeprefix("layout:")))
    target = _registry().get(name)
    if target is None:
        raise InputError(f"unknown source {name!r}; known: {', '.join(source_names())}")
    return _load(target)


def detect(path: Path) -> type[Source]:
    """The source whose reader recognises this file's content (not its name)."""
    with open(path, "rb") as fh:
        head = fh.read(65536)
    if not head:
        raise InputError("the file is empty", file=str(path))
    candidates = [get_source(n) for n in source_names() if n != "tidy"]
    for cls in sorted(candidates, key=lambda c: c.priority):
        if cls.sniff(path, head):
            return cls
    tidy = get_source("tidy")
    if tidy.sniff(path, head):
        return tidy
    raise InputError(
        "cannot tell which publisher's format this is; name the source explicitly "
        f"(one of {', '.join(source_names())})",
        file=str(path),
    )
