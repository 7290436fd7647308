"""Any statistics office's by-country table, read from a short declarative layout file.

A layout (TOML, validated by :class:`~.model.Layout`, documented in ``docs/layouts.md``) says
which sheet, where the header is, whether the table is long or wide, which columns hold the
partner, the unit, flow and period, which rows are groups or notes, and the checks the
publisher's totals allow. :func:`layout_source` turns one into a
:class:`~cistrade.sources.base.Source` with everything the built-in readers have.

Modules: :mod:`.model` (the language), :mod:`.cells` (reading one cell), :mod:`.table`
(grids, header, columns), :mod:`.rows` (rows into canonical rows), :mod:`.checks`,
:mod:`.source` (a layout as a source class), :mod:`.places` (where layouts are found). The
names below are loaded on first use, so that the source registry, which lists the layout
files, does not import the language (pydantic) until a layout is read.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "Layout": "model",
    "json_schema": "model",
    "load_layout": "model",
    "parse_layout": "model",
    "schema_text": "model",
    "LayoutSource": "source",
    "layout_source": "source",
    "SHIPPED": "places",
    "extra_layouts": "places",
    "layout_argument": "places",
    "layout_dirs": "places",
    "registered_layouts": "places",
    "shipped_layouts": "places",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
