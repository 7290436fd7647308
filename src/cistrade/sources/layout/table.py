"""A layout's file as grids of cells, and where in each grid the header and the columns are.

A CSV file is one grid whose rows are its records (each remembers its line in the file, so a
row_ref and an error name the line a text editor shows); a spreadsheet gives one grid per
selected sheet (:func:`~cistrade.sources.national.excel.open_workbook`, python-calamine).
CSV columns are named by their heading (``col=2023``), spreadsheet columns by their letter
(``col=D``), as the built-in readers do.

:func:`find_header` finds the header row; :func:`resolve_columns` names every column: the
partner's code and name columns, the period columns of a long table, and the value columns
(each with its flow, and in a wide table its period). A heading the layout does not account for
stops the read: a new column in a publisher's table must never be dropped or misread in silence.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cistrade.errors import InputError
from cistrade.model import Flow, PartnerBasis, Valuation
from cistrade.sources.layout.cells import Span, clean, period_of
from cistrade.sources.layout.model import ColumnRef, Layout, LongShape, PeriodKind, WideShape
from cistrade.sources.national.excel import Grid, column_letter, label_key, open_workbook
from cistrade.sources.transcode import text_encoding
from cistrade.validate import format_row_ref

__all__ = ["Sheet", "open_sheets", "find_header", "Columns", "ValueCol", "resolve_columns", "describe"]


@dataclass
class Sheet:
    """One table's grid with where its rows are in the file."""

    grid: Grid
    file: str
    lines: list[int] | None = None  # CSV: the file line of each record
    truncated: int | None = None  # CSV: the line that has no line end
    headings: dict[int, str] = field(default_factory=dict)

    @property
    def csv(self) -> bool:
        return self.lines is not None

    @property
    def name(self) -> str | None:
        return None if self.csv else self.grid.name

    def line(self, row: int) -> int:
        return self.lines[row - 1] if self.lines is not None else row

    def column(self, col: int) -> str:
        """A column's name in row_refs and errors: its heading (CSV) or letter (spreadsheet)."""
        if self.csv:
            return self.headings.get(col) or str(col)
        return column_letter(col)

    def position(self, col: int) -> str:
        """A column as a person counts it: the field number (CSV) or letter (spreadsheet)."""
        return str(col) if self.csv else column_letter(col)

    def where(self, row: int | None = None, col: int | None = None) -> dict[str, Any]:
        return {
            "file": self.file,
            "sheet": self.name,
            "row": self.line(row) if row is not None else None,
            "column": self.column(col) if col is not None else None,
        }

    def ref(self, row: int, col: int) -> str:
        return format_row_ref(sheet=self.name, row=self.line(row), col=self.column(col))

    def reads(self, rows: range, limit: int = 4) -> str:
        """What the first non-empty rows of a range read, for 'expected … found' messages."""
        shown = []
        for r in rows:
            text = " | ".join(clean(v) for v in self.grid.row_values(r) if clean(v))
            if text:
                shown.append(f"row {self.line(r)} reads {text[:60]!r}")
            if len(shown) == limit:
                break
        return "; ".join(shown) if shown else "the rows are empty"


# -- opening ---------------------------------------------------------------------------------


def _csv_sheet(path: Path, layout: Layout) -> Sheet:
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError("the file is empty", file=str(path))
    encoding = text_encoding(path, raw[:65536], layout.file.encoding)
    try:
        text = raw.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"not {encoding} text (byte {raw[exc.start]:#x})", file=str(path),
                         row=line) from None
    reader = csv.reader(io.StringIO(text), delimiter=layout.file.delimiter)
    rows: list[list[Any]] = []
    lines: list[int] = []
    try:
        for cells in reader:
            rows.append(cells)
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise InputError(f"not a CSV file: {exc}", file=str(path), row=reader.line_num + 1) from None
    truncated = None
    if layout.file.require_final_newline and not text.endswith(("\n", "\r")):
        truncated = lines[-1] if lines else 1
    return Sheet(Grid("", rows), str(path), lines=lines, truncated=truncated)


def open_sheets(path: Path, layout: Layout) -> list[Sheet]:
    """The grids a layout reads in a file: the CSV file, or the selected sheets."""
    path = Path(path)
    if layout.file.format == "csv":
        return [_csv_sheet(path, layout)]
    book = open_workbook(path)
    if layout.file.sheets is None:
        names = book.sheet_names[:1]
    else:
        pattern = re.compile(layout.file.sheets, re.IGNORECASE)
        names = [n for n in book.sheet_names if pattern.search(n)]
    if not names:
        raise InputError(
            f"no sheet's name matches {layout.file.sheets!r}; the sheets are {book.sheet_names}",
            file=str(path),
        )
    return [Sheet(book.grid(n), str(path)) for n in names]


# -- the header ------------------------------------------------------------------------------

_KIND_WORDS = {
    PeriodKind.YEARS: "years",
    PeriodKind.MONTHS: "months",
    PeriodKind.QUARTERS: "quarters",
    PeriodKind.PERIODS: "periods",
}
_EXAMPLES = {
    PeriodKind.YEARS: "a year (e.g. 2023)",
    PeriodKind.MONTHS: "a month (e.g. 2024-03 or Март 2024)",
    PeriodKind.QUARTERS: "a quarter (e.g. 2024-Q1 or I квартал 2024)",
    PeriodKind.PERIODS: "a period (e.g. 2023, 2024-03 or январь-сентябрь 2024)",
}


def _period_kind(layout: Layout) -> PeriodKind:
    shape = layout.shape
    if isinstance(shape, WideShape) and shape.columns is not PeriodKind.FLOWS:
        return shape.columns
    return PeriodKind.PERIODS


def _is_header(sheet: Sheet, row: int, layout: Layout, footnote: re.Pattern[str] | None) -> bool:
    find = layout.header.find or ""
    cells = sheet.grid.row_values(row)
    if find == "periods":
        kind = _period_kind(layout)
        return any(period_of(v, kind, footnote=footnote) for v in cells if v not in ("", None))
    pattern = re.compile(find, re.IGNORECASE)
    return any(pattern.search(clean(v)) for v in cells if clean(v))


def find_header(sheet: Sheet, layout: Layout, footnote: re.Pattern[str] | None) -> int:
    """The header row: fixed by the layout, or the first row that satisfies ``header.find``."""
    grid, header = sheet.grid, layout.header
    if header.row is not None:
        if header.row > grid.n_rows:
            raise InputError(
                f"the layout puts the header in row {header.row}, but the table has "
                f"{grid.n_rows} row(s)", **sheet.where()
            )
        return header.row
    rows = range(1, min(header.within, grid.n_rows) + 1)
    for r in rows:
        if _is_header(sheet, r, layout, footnote):
            if r - header.above < 1:
                raise InputError(
                    f"the header row {r} has no {header.above} row(s) above it (header.above)",
                    **sheet.where(r)
                )
            return r
    if header.find == "periods":
        what = f"header row with {_KIND_WORDS[_period_kind(layout)]}"
    else:
        what = f"header row with a cell matching {header.find!r}"
    raise InputError(
        f"{what} not found in the first {header.within} rows; {sheet.reads(rows)}", **sheet.where()
    )


def _captions(sheet: Sheet, row: int, above: int, footnote: re.Pattern[str] | None) -> dict[int, list[str]]:
    """Each column's heading: its cells in the header rows, top to bottom. An empty cell of
    an upper row takes the one on its left (a merged heading such as 'Экспорт' over the
    years) where that column and the one on its left both have a heading in the last row."""
    grid = sheet.grid
    bottom = [clean(grid.cell(row, c), footnote) for c in range(1, grid.n_cols + 1)]
    uppers = []
    for r in range(row - above, row):
        cells = [clean(grid.cell(r, c), footnote) for c in range(1, grid.n_cols + 1)]
        for i in range(1, len(cells)):
            if not cells[i] and bottom[i] and bottom[i - 1]:
                cells[i] = cells[i - 1]
        uppers.append(cells)
    out = {}
    for i, text in enumerate(bottom):
        parts = [u[i] for u in uppers if u[i]] + ([text] if text else [])
        if parts:
            out[i + 1] = parts
    return out


# -- columns ---------------------------------------------------------------------------------


@dataclass
class ValueCol:
    """A column of figures: its flow (None: the file's flow), period (None: the row's or the
    file's), and the valuation and basis the layout gives it (None: by flow)."""

    col: int
    caption: str
    flow: Flow | None = None
    span: Span | None = None
    valuation: Valuation | None = None
    basis: PartnerBasis | None = None


@dataclass
class Columns:
    header_row: int
    captions: dict[int, str]
    code: int | None
    names: list[int]
    values: list[ValueCol]
    periods: dict[str, int] = field(default_factory=dict)  # long: year/month/quarter/date/text
    unheaded: list[int] = field(default_factory=list)  # columns without a heading


def describe(ref: ColumnRef) -> str:
    if isinstance(ref, int):
        return f"column {ref}"
    if isinstance(ref, dict):
        return f"a column matching {ref['pattern']!r}"
    return str(ref)


def _find(ref: ColumnRef, sheet: Sheet, captions: dict[int, str], header: range) -> int | None:
    if isinstance(ref, int):
        return ref if ref <= max(sheet.grid.n_cols, 1) else None
    if isinstance(ref, dict):
        pattern = re.compile(ref["pattern"], re.IGNORECASE)
        return next((c for c, text in captions.items() if pattern.search(text)), None)
    key = label_key(ref)
    for c, text in captions.items():
        if label_key(text) == key or any(sheet.grid.key(r, c) == key for r in header):
            return c
    return None


class _Resolver:
    """Claims the columns the layout names, then accounts for every other heading."""

    def __init__(self, sheet: Sheet, layout: Layout, row: int, footnote: re.Pattern[str] | None) -> None:
        self.sheet, self.layout, self.row, self.footnote = sheet, layout, row, footnote
        self.parts = _captions(sheet, row, layout.header.above, footnote)
        self.captions = {c: " ".join(parts) for c, parts in self.parts.items()}
        self.header = range(row - layout.header.above, row + 1)
        self.expected: list[str] = []
        self.missing: list[str] = []
        self.claimed: set[int] = set()
        self.default_year: int | None = None

    def claim(self, ref: ColumnRef | None) -> int | None:
        if ref is None:
            return None
        self.expected.append(describe(ref))
        col = _find(ref, self.sheet, self.captions, self.header)
        if col is None:
            self.missing.append(describe(ref))
        else:
            self.claimed.add(col)
        return col

    def found(self) -> str:
        return ", ".join(self.captions.values()) or "an empty row"

    def changed(self, col: int | None = None, extra: str = "") -> InputError:
        return InputError(
            f"expected the columns {', '.join(self.expected)}{extra}; found {self.found()}",
            **self.sheet.where(self.row, col),
        )

    def ignored(self, caption: str) -> bool:
        return any(re.search(p, caption, re.IGNORECASE) for p in self.layout.shape.ignore)

    def others(self) -> list[int]:
        return [c for c in self.captions if c not in self.claimed and not self.ignored(self.captions[c])]


def resolve_columns(sheet: Sheet, layout: Layout, row: int, footnote: re.Pattern[str] | None,
                    default_year: int | None = None) -> Columns:
    """Every column of the table, from the header at ``row``; InputError on a changed layout.
    ``default_year``: the year of month headings without one (``Март``)."""
    res = _Resolver(sheet, layout, row, footnote)
    res.default_year = default_year
    sheet.headings = dict(res.captions)  # CSV columns are named by them, in errors too
    code = res.claim(layout.partner.code)
    names = [res.claim(ref) for ref in layout.partner.columns]
    if isinstance(layout.shape, LongShape):
        columns = _long(res, layout.shape, code, names)
    else:
        columns = _wide(res, layout.shape, code, names)
    columns.unheaded = [c for c in range(1, sheet.grid.n_cols + 1) if c not in res.captions]
    return columns


def _long(res: _Resolver, shape: LongShape, code: int | None, names: list[int | None]) -> Columns:
    period = res.layout.period
    refs = {k: getattr(period, k) for k in ("year", "month", "quarter", "date", "text")}
    periods = {k: res.claim(ref) for k, ref in refs.items() if ref is not None}
    values = [
        ValueCol(col, res.captions.get(col, ""), v.flow, None, v.valuation, v.basis)
        for v in shape.values
        if (col := res.claim(v.column)) is not None
    ]
    others = res.others()
    if res.missing or others:
        raise res.changed(others[0] if others and not res.missing else None)
    return Columns(res.row, res.captions, code, [n for n in names if n], values,
                   {k: c for k, c in periods.items() if c is not None})


def _flow_of(caption: str, patterns: dict[Flow, str] | None) -> list[Flow]:
    return [f for f, p in (patterns or {}).items() if re.search(p, caption, re.IGNORECASE)]


def _wide(res: _Resolver, shape: WideShape, code: int | None, names: list[int | None]) -> Columns:
    kind = shape.columns
    per = "flow" if kind is PeriodKind.FLOWS else kind.value[:-1]
    extra = f", then one column per {per}"
    if res.missing:
        raise res.changed(extra=extra)
    header_patterns = res.layout.flow.header
    values = []
    for col in res.others():
        caption = res.captions[col]
        span = None
        if kind is not PeriodKind.FLOWS:
            span = next((s for p in reversed(res.parts[col])
                         if (s := period_of(p, kind, default_year=res.default_year))), None)
            if span is None:
                raise InputError(
                    f"expected {_EXAMPLES[kind]} as the heading of column {res.sheet.position(col)}, "
                    f"found {caption!r} (the layout reads the columns {', '.join(res.expected)}{extra}; "
                    "a column to leave out goes in shape.ignore)",
                    **res.sheet.where(res.row, col),
                )
        flows = _flow_of(caption, header_patterns)
        if header_patterns and len(flows) != 1:
            said = ", ".join(f"{f.value}: {p!r}" for f, p in header_patterns.items())
            raise InputError(
                f"the heading {caption!r} of column {res.sheet.position(col)} names "
                f"{'no flow' if not flows else 'several flows'} (flow.header: {said})",
                **res.sheet.where(res.row, col),
            )
        values.append(ValueCol(col, caption, flows[0] if flows else None, span))
    if not values:
        raise InputError(
            f"no value columns in the header row (expected one column per {per} after "
            f"{', '.join(res.expected)}); found {res.found()}",
            **res.sheet.where(res.row),
        )
    return Columns(res.row, res.captions, code, [n for n in names if n], values)
