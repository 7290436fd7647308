"""A layout file as a source: one :class:`LayoutSource` subclass per layout.

The store reads a source's name, vintage scope and duplicate rule from its class, so each
layout becomes its own class (:func:`layout_source`, cached per file and modification), named
as the layout says. Where layouts are found is :mod:`.places`.

Vintages come from the content (:class:`~cistrade.sources.layout.model.VintageSpec`: the last
month covered, or a date in the title, sheet or file name) or the ``vintage`` option, never
from the file's modification time: a corrected file copied with an old time is still newer.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import re
from pathlib import Path
from typing import Any, ClassVar

from cistrade.errors import InputError
from cistrade.model import Flow, Freq, PartnerBasis, Valuation
from cistrade.sources.base import ReadResult, Source, Supports, sniff_text
from cistrade.sources.layout.cells import clean, date_text
from cistrade.sources.layout.checks import sheet_checks
from cistrade.sources.layout.model import Layout, LongShape, PeriodKind, load_layout
from cistrade.sources.layout.places import SHIPPED
from cistrade.sources.layout.rows import FileRead, Rows, read_sheet
from cistrade.sources.layout.table import open_sheets
from cistrade.sources.national.excel import label_key, open_workbook, spreadsheet_kind

__all__ = ["LayoutSource", "layout_source"]

_SIGNATURE_ROWS = 20


class LayoutSource(Source):
    """Reads a file as its layout describes (see ``docs/layouts.md``)."""

    layout: ClassVar[Layout]
    layout_path: ClassVar[Path]

    def __init__(self, flow: str | Flow | None = None, vintage: str | None = None, **options: Any) -> None:
        super().__init__(**options)
        try:
            self.flow = Flow(flow) if flow is not None else None
        except ValueError as exc:
            raise InputError(f"flow must be one of {', '.join(f.value for f in Flow)}, not {flow!r}") from exc
        if self.flow is not None and isinstance(self.layout.shape, LongShape) and all(
            v.flow for v in self.layout.shape.values
        ):
            raise InputError(f"the {self.name} layout names the flow of each value column; "
                             "the flow option does not apply")
        self.vintage = str(vintage).strip() if vintage is not None else None
        if self.vintage == "":
            raise InputError("the vintage option is empty")

    # -- detection -----------------------------------------------------------------------

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        sig = cls.layout.signature
        if sig is None:
            return False
        if sig.file_name and not re.search(sig.file_name, Path(path).name, re.IGNORECASE):
            return False
        try:
            rows = _top_rows(cls.layout, Path(path), head)
        except InputError:
            return False
        if rows is None:
            return False
        if sig.columns and not any(_begins(row, sig.columns) for row in rows):
            return False
        if sig.text:
            text = label_key(" ".join(clean(v) for row in rows for v in row))
            return all(label_key(t) in text for t in sig.text)
        return True

    # -- reading -------------------------------------------------------------------------

    def read(self, path: Path) -> ReadResult:
        path = Path(path)
        layout = self.layout
        read = FileRead(layout, path, self.flow, Rows(layout.reporter))
        for sheet in open_sheets(path, layout):
            read_sheet(read, sheet)
        checks = [c for s in read.sheets for c in sheet_checks(s, layout.checks, layout.reporter)]
        data = read.rows.table()
        flows = sorted(set(data.column("flow").to_pylist()))
        vintage, how = self._vintage(read)
        first, last = min(read.spans), max(read.spans)
        return ReadResult(
            data=data,
            series=self._series(flows, path),
            vintage=vintage,
            title=f"{layout.title}: {', '.join(flows)}, {first}–{last}",
            notes=[*layout.notes, *self._notes(read, vintage, how), *read.notes],
            warnings=[*self._example_warning(), *read.warnings],
            skipped=read.skipped,
            checks=checks,
        )

    def _series(self, flows: list[str], path: Path) -> str:
        series = self.layout.series or "{name}/by-country"
        if "{flow}" in series and len(flows) != 1:
            raise InputError(f"the layout's series {series!r} is per flow, but this file holds "
                             f"{' and '.join(flows)}", file=str(path))
        return series.replace("{name}", self.name).replace("{flow}", flows[0] if flows else "")

    def _vintage(self, read: FileRead) -> tuple[str, str]:
        if self.vintage is not None:
            return self.vintage, "the vintage option"
        spec = self.layout.vintage
        if spec.from_ == "period":
            return f"{max(s.last for s in read.spans):%Y-%m}", "the last month the file covers"
        texts = {
            "title": [s.title for s in read.sheets],
            "sheet": [s.sheet.name or "" for s in read.sheets],
            "file_name": [read.path.name],
        }[spec.from_]
        found = sorted({v for t in texts if (v := _date_in(t, spec.pattern))})
        if not found:
            raise InputError(
                f"the layout reads the vintage from the {spec.from_.replace('_', ' ')}"
                f"{f' with the pattern {spec.pattern!r}' if spec.pattern else ''}, but no date is "
                f"there (it reads {texts[0][:120]!r}); give it with --vintage",
                file=str(read.path),
            )
        return found[-1], f"the {spec.from_.replace('_', ' ')} ({texts[0][:80]!r})"

    def _notes(self, read: FileRead, vintage: str, how: str) -> list[str]:
        notes = [f"values in {u}, multiplied out" for u in sorted(read.units)]
        notes += [f"flow {flow!r} from {why}" for flow, why in sorted(read.flow_reasons.items())]
        notes.append(
            f"vintage {vintage} from {how}; never from the file's time. Another file of the same "
            "series with the same vintage replaces this one's rows when ingested after it: give "
            "--vintage to order files whose content does not"
        )
        digest = hashlib.sha256(self.layout_path.read_bytes()).hexdigest()[:12]
        notes.append(f"read with the layout {self.name!r} ({_shown(self.layout_path)}, sha256 {digest})")
        if not self.layout.checks:
            notes.append("the layout declares no check of the country rows against a published total")
        return notes

    def _example_warning(self) -> list[str]:
        if not self.layout.example:
            return []
        return [f"the layout {self.name!r} is an example written from the publisher's structure, "
                "not verified on a real file: check a few figures against the publication"]


def _date_in(text: str, pattern: str | None) -> str | None:
    if pattern:
        match = re.search(pattern, text, re.IGNORECASE)
        if match is None:
            return None
        text = match.group(1) if match.groups() else match.group(0)
    return date_text(text)


def _shown(path: Path) -> str:
    try:
        return f"cistrade/layouts/{path.resolve().relative_to(SHIPPED.resolve()).as_posix()}"
    except ValueError:
        return str(path)


# -- signatures ----------------------------------------------------------------------------


def _top_rows(layout: Layout, path: Path, head: bytes) -> list[list[Any]] | None:
    """The first rows of the file (of its first sheets), or None when it is the wrong kind."""
    kind = spreadsheet_kind(head)
    if layout.file.format == "csv":
        if kind is not None or not head:
            return None
        lines = sniff_text(head).splitlines()[:_SIGNATURE_ROWS]
        return list(csv.reader(lines, delimiter=layout.file.delimiter))
    if kind is None:
        return None
    book = open_workbook(path)
    rows: list[list[Any]] = []
    for name in book.sheet_names[:8]:
        rows += book.grid(name).rows[:_SIGNATURE_ROWS]
    return rows


def _begins(row: list[Any], cells: list[str]) -> bool:
    found = [label_key(clean(v)) for v in row[: len(cells)]]
    return found == [label_key(c) for c in cells]


# -- classes and registries ------------------------------------------------------------------


def _supports(layout: Layout) -> Supports:
    shape = layout.shape
    freqs = frozenset(Freq)
    if not isinstance(shape, LongShape):
        single = {PeriodKind.YEARS: Freq.ANNUAL, PeriodKind.MONTHS: Freq.MONTHLY,
                  PeriodKind.QUARTERS: Freq.QUARTERLY}.get(shape.columns)
        freqs = frozenset({single}) if single else freqs
    return Supports(
        freqs=freqs,
        valuations=frozenset(layout.valuation.values()) or frozenset({Valuation.UNKNOWN}),
        bases=frozenset(layout.basis.values()) or frozenset({PartnerBasis.UNKNOWN}),
    )


@functools.cache
def _source_class(path: Path, stamp: tuple[int, int], given: Path) -> type[LayoutSource]:
    layout = load_layout(given)  # errors name the file as the user gave it
    attrs = {
        "name": layout.name,
        "title": layout.title,
        "publisher": layout.publisher.name,
        "url": layout.publisher.url,
        "licence": layout.publisher.licence,
        "supports": _supports(layout),
        "vintage_scope": tuple(layout.vintage_scope),
        "priority": layout.priority,
        "layout": layout,
        "layout_path": path,
        "__module__": __name__,
        "__doc__": f"{layout.title} (layout {path.name})",
    }
    return type(f"LayoutSource_{(layout.name or path.stem).replace('-', '_')}", (LayoutSource,), attrs)


def layout_source(path: Path, *, name: str | None = None) -> type[LayoutSource]:
    """The source class of a layout file (cached until the file changes). ``name``: the name
    it is registered under, which the layout's own ``name`` must not contradict."""
    given = Path(path)
    path = given.resolve()
    try:
        stat = path.stat()
    except OSError as exc:
        raise InputError(f"cannot read the layout: {exc.strerror}", file=str(given)) from None
    cls = _source_class(path, (stat.st_mtime_ns, stat.st_size), given)
    if name is not None and cls.name != name:
        raise InputError(f"the layout names itself {cls.name!r}; a registered layout's name is its "
                         f"file's name ({name!r}): rename one of them", file=str(path))
    return cls
