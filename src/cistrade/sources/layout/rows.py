"""Reading the rows under a layout's header into canonical flow rows.

Per sheet: the header and columns (:mod:`.table`), the unit, the flow and period where the
file says them once (sheet name, title, file name), then row by row: blank rows pass, the
layout's ``rows.stop`` ends the table, ``rows.skip`` and note rows without figures are left out
(each said in the summary), group rows take the layout's code or are ignored as it says, and
every other row is a partner: by its code column first, then its name columns in order.
Every figure becomes one canonical row; a null token (``-``, ``…``) is recorded as skipped,
never stored as zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from cistrade.errors import InputError, UnknownCountry
from cistrade.model import Flow, PartnerBasis, Valuation
from cistrade.reference.countries import Area, registry
from cistrade.schema import FLOW_SCHEMA
from cistrade.sources.base import Skipped
from cistrade.sources.columns import flow_table
from cistrade.sources.layout.cells import Figure, NotANumber, Span, clean, figure, period_of, unit_caption
from cistrade.sources.layout.model import Layout, LongShape, PeriodKind
from cistrade.sources.layout.table import Columns, Sheet, find_header, resolve_columns
from cistrade.sources.national.excel import label_key

__all__ = ["FileRead", "Record", "read_sheet", "describe_unit"]


@dataclass
class Record:
    """One partner or group row as read: its figures by (flow, basis, period)."""

    row: int
    label: str
    area: Area
    figures: dict[tuple[Flow, str, Span], tuple[float, Any, int]] = field(default_factory=dict)

    @property
    def aggregate(self) -> bool:
        return self.area.kind in ("world", "group")


@dataclass
class SheetRead:
    sheet: Sheet
    multiplier: float
    records: list[Record]
    title: str


class Rows:
    """Canonical rows (all goods, one reporter) collected as tuples and built into one Arrow
    table at the end: a long table gives a row per cell, and a tuple per row is three times
    quicker than :class:`~cistrade.sources.national.excel.FlowRows`' dict per row."""

    FIELDS = ("partner", "flow", "freq", "period_start", "period_end", "value", "valuation",
              "partner_basis", "aggregate", "row_ref")

    def __init__(self, reporter: str, currency: str = "USD") -> None:
        self.reporter, self.currency = reporter, currency
        self._rows: list[tuple[Any, ...]] = []
        self.flows: set[str] = set()

    def add(self, row: tuple[Any, ...]) -> None:
        self._rows.append(row)

    def __len__(self) -> int:
        return len(self._rows)

    def table(self) -> pa.Table:
        constants = {"reporter": self.reporter, "product_class": "TOTAL", "product": "TOTAL",
                     "currency": self.currency, "quantity": None, "quantity_unit": None, "estimated": False}
        return flow_table(self._rows, self.FIELDS, constants, FLOW_SCHEMA.remove(0))


@dataclass
class FileRead:
    """What one file gave: the rows, and what the summary says about them."""

    layout: Layout
    path: Path
    flow_option: Flow | None
    rows: Rows
    sheets: list[SheetRead] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    flow_reasons: dict[str, str] = field(default_factory=dict)
    units: set[str] = field(default_factory=set)
    spans: set[Span] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.footnote = re.compile(f"(?:{self.layout.footnote})$") if self.layout.footnote else None
        self.nulls = frozenset(n.casefold() for n in self.layout.nulls)
        self.partners = Partners(self.layout, self)


def describe_unit(multiplier: float, currency: str) -> str:
    word = {1.0: "", 1e3: "thousand ", 1e6: "million ", 1e9: "billion "}.get(multiplier, f"{multiplier:g} × ")
    return f"{word}{currency}"


# -- partners ------------------------------------------------------------------------------


class Partners:
    """Partner codes from a row's code and names; the layout's own tables first."""

    def __init__(self, layout: Layout, read: FileRead) -> None:
        self.layout, self.read = layout, read
        self.reg = registry()
        self.groups = {label_key(k): v for k, v in layout.groups.items()}
        self.names = {label_key(k): v for k, v in layout.names.items()}
        self._cache: dict[tuple[str, tuple[str, ...]], Area] = {}

    def group(self, labels: list[str]) -> str | None:
        if not self.groups:
            return None
        return next((self.groups[k] for k in map(label_key, labels) if k in self.groups), None)

    def area(self, sheet: Sheet, row: int, cols: Columns, code: str, labels: list[str]) -> Area:
        key = (code, tuple(labels))
        if key not in self._cache:
            self._cache[key] = self._resolve(sheet, row, cols, code, labels)
        return self._cache[key]

    def _resolve(self, sheet: Sheet, row: int, cols: Columns, code: str, labels: list[str]) -> Area:
        for label in labels:
            known = self.groups.get(label_key(label)) or self.names.get(label_key(label))
            if known and known != "ignore":
                return self.reg.get(known)
        if code:
            area = self._by_code(code)
            if area is not None:
                self._compare(sheet, row, area, labels)
                return area
        for label in labels:
            try:
                area = self.reg.lookup(label)
            except UnknownCountry:
                continue
            if code:
                self.read.notes.append(
                    f"row {sheet.line(row)}: {sheet.column(cols.code or 0)} {code!r} is no "
                    f"{self.layout.partner.code_scheme} code the registry knows; {label!r} resolved "
                    f"by name to {area.code}"
                )
            return area
        shown = labels[0] if labels else code
        heading = f" ({sheet.column(cols.code)} {code!r})" if cols.code and code and labels else ""
        raise UnknownCountry(
            f"{shown}{heading}",
            self.reg.suggest(shown) if shown else [],
            **sheet.where(row, cols.code or (cols.names[0] if cols.names else None)),
        )

    def _by_code(self, code: str) -> Area | None:
        try:
            return self.reg.lookup(code, scheme=self.layout.partner.code_scheme)
        except UnknownCountry:
            return None

    def _compare(self, sheet: Sheet, row: int, area: Area, labels: list[str]) -> None:
        """Warn when the first name names another area than the code does (the code wins)."""
        if not labels:
            return
        try:
            by_name = self.reg.lookup(labels[0], scheme="name")
        except UnknownCountry:
            return
        if by_name.code != area.code:
            self.read.warnings.append(
                f"row {sheet.line(row)}: the code gives {area.code} but the name {labels[0]!r} is "
                f"{by_name.code}; the code was used"
            )


# -- what a sheet says once -----------------------------------------------------------------


def _unit(read: FileRead, sheet: Sheet, columns: Columns) -> tuple[float, str]:
    layout = read.layout
    if layout.unit.from_ == "layout":
        read.units.add(f"{describe_unit(layout.unit.multiplier, layout.unit.currency)} (the layout's unit)")
        return layout.unit.multiplier, layout.unit.currency
    found: dict[tuple[float, str], str] = {}
    for _r, _c, value in sheet.grid.cells(range(1, columns.header_row + 1)):
        unit = unit_caption(value)
        if unit:
            found.setdefault(unit, clean(value))
    if not found:
        raise InputError(
            "no unit caption above the table (expected e.g. 'тыс. долларов США' or 'thousand US "
            f"dollars'); {sheet.reads(range(1, columns.header_row + 1))}",
            **sheet.where(),
        )
    if len(found) > 1:
        raise InputError(f"the captions above the table give different units: {list(found.values())}",
                         **sheet.where())
    (unit, caption), = found.items()
    read.units.add(f"{describe_unit(*unit)} (from the caption {caption!r})")
    return unit


def _matches(patterns: dict[Flow, str], text: str) -> list[Flow]:
    return [f for f, p in patterns.items() if re.search(p, text, re.IGNORECASE)]


def _sheet_flow(read: FileRead, sheet: Sheet, title: str) -> Flow:
    """The flow of the value columns that do not name theirs: the option, the layout's fixed
    flow, or the first of the sheet name, title and file name the layout gives patterns for."""
    if read.flow_option is not None:
        read.flow_reasons[read.flow_option.value] = "the flow option"
        return read.flow_option
    spec = read.layout.flow
    if spec.fixed is not None:
        read.flow_reasons[spec.fixed.value] = "the layout"
        return spec.fixed
    places = (("sheet name", spec.sheet, sheet.name or ""), ("title", spec.title, title),
              ("file name", spec.file_name, read.path.name))
    for place, patterns, text in places:
        if not patterns:
            continue
        flows = _matches(patterns, text)
        if len(flows) == 1:
            read.flow_reasons[flows[0].value] = f"the {place} (the layout's pattern {patterns[flows[0]]!r})"
            return flows[0]
        if len(flows) > 1:
            raise InputError(f"the {place} {text!r} matches the patterns of several flows "
                             f"({', '.join(f.value for f in flows)}); give the flow: -o flow=…",
                             **sheet.where())
    said = "; ".join(f"{place} {text!r} ({', '.join(f'{f.value}: {p!r}' for f, p in patterns.items())})"
                     for place, patterns, text in places if patterns)
    found = f"{said} matches none" if said else "the layout gives no flow (flow.fixed, or patterns for " \
        "the headings, sheet, title or file name)"
    raise InputError(
        f"nothing says whether this file holds exports or imports: {found}; "
        "give the flow (-o flow=export or -o flow=import)" + (" or rename the file" if said else ""),
        **sheet.where(),
    )


def _sheet_span(read: FileRead, sheet: Sheet, title: str) -> Span | None:
    """The one period of a table whose layout reads it from the sheet, title or file name."""
    place = read.layout.period.from_
    if place not in ("sheet", "title", "file_name"):
        return None
    text = {"sheet": sheet.name or "", "title": title, "file_name": read.path.name}[place]
    pattern = read.layout.period.pattern
    if pattern:
        match = re.search(pattern, text, re.IGNORECASE)
        if match is None:
            raise InputError(f"the {place} does not match period.pattern {pattern!r}; "
                             f"it reads {text[:120]!r}",
                             **sheet.where())
        text = match.group(1) if match.groups() else match.group(0)
    span = period_of(text, PeriodKind.PERIODS, loose=True)
    if span is None:
        raise InputError(
            f"no period in the {place.replace('_', ' ')} (expected e.g. '2023', '2023 год' or "
            f"'январь-сентябрь 2024'); it reads {text[:120]!r}",
            **sheet.where(),
        )
    return span


# -- long tables: the period of one row --------------------------------------------------------


class RowPeriods:
    """The period of a long table's row from its year/month/quarter/date/text columns, which
    must agree (a year and month that disagree with the date are a shifted column)."""

    def __init__(self, sheet: Sheet, columns: Columns) -> None:
        self.sheet, self.cols = sheet, columns.periods
        self._cache: dict[tuple[Any, ...], Span] = {}
        self._at = [c - 1 for c in self.cols.values()]

    def span(self, row: int) -> Span:
        cells = self.sheet.grid.rows[row - 1]
        key = tuple(cells[i] if i < len(cells) else "" for i in self._at)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._read(row, dict(zip(self.cols, key, strict=True)))
        return found

    def _int(self, row: int, name: str, value: Any) -> int:
        text = str(int(value) if isinstance(value, float) and value.is_integer() else value).strip()
        if not re.fullmatch(r"-?\d+", text):
            raise InputError(f"not a number: {value!r}", **self.sheet.where(row, self.cols[name]))
        return int(text)

    def _read(self, row: int, cells: dict[str, Any]) -> Span:
        numbers = {k: self._int(row, k, v) for k, v in cells.items() if k in ("year", "month", "quarter")}
        year, month, quarter = numbers.get("year"), numbers.get("month"), numbers.get("quarter")
        spans = []
        if year is not None:
            spans.append(_year_span(year, month, quarter))
        if "date" in cells:
            spans.append(_date_span(cells["date"]))
        if "text" in cells:
            spans.append(period_of(cells["text"]))
        if None in spans or len(set(spans)) != 1:
            raise self._disagree(row, cells, year, month)
        return spans[0]

    def _disagree(self, row: int, cells: dict[str, Any], year: int | None, month: int | None) -> InputError:
        said = ", ".join(f"{k} {v}" for k, v in cells.items())
        said = " and ".join(said.rsplit(", ", 1))
        expected = ""
        if "date" in cells and year is not None and month is not None and 1 <= month <= 12:
            expected = f" (expected date {year:04d}-{month:02d}-01)"
        col = self.cols.get("date") or self.cols.get("text") or list(self.cols.values())[-1]
        verb = "do not agree" if len(cells) > 1 else "is no period"
        return InputError(f"{said} {verb}{expected}: a shifted column?", **self.sheet.where(row, col))


def _year_span(year: int, month: int | None, quarter: int | None) -> Span | None:
    if not 1900 <= year <= 2100:
        return None
    if month is not None:
        return Span.months(year, month, month) if 1 <= month <= 12 else None
    if quarter is not None:
        return Span.months(year, 3 * quarter - 2, 3 * quarter) if 1 <= quarter <= 4 else None
    return Span.months(year, 1, 12)


def _date_span(value: Any) -> Span | None:
    if isinstance(value, date):
        return Span.months(value.year, value.month, value.month) if value.day == 1 else None
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-01)?(?:[ T]00:00(?::00)?)?", str(value).strip())
    if not match or not 1 <= int(match[2]) <= 12 or not 1900 <= int(match[1]) <= 2100:
        return None
    return Span.months(int(match[1]), int(match[2]), int(match[2]))


# -- the rows ----------------------------------------------------------------------------------


@dataclass
class _Target:
    """Where one value column's figures go: its flow, valuation, basis and (wide) period."""

    col: int
    name: str  # the column in row_refs
    flow: Flow
    valuation: str
    basis: str
    span: Span | None

    def __post_init__(self) -> None:
        self.flow_value = self.flow.value  # once, not per figure (an enum's .value is a lookup)


@dataclass
class _Table:
    """One sheet being read: its columns, what it says once, and the layout's row patterns."""

    read: FileRead
    sheet: Sheet
    cols: Columns
    multiplier: float
    targets: list[_Target]
    periods: RowPeriods | None
    width: int
    keep: bool  # keep the records (the layout declares checks)
    records: list[Record] = field(default_factory=list)

    def __post_init__(self) -> None:
        rows = self.read.layout.rows
        self.stop = re.compile(rows.stop, re.IGNORECASE) if rows.stop else None
        self.skip = [re.compile(p, re.IGNORECASE) for p in rows.skip]
        self.notes = re.compile(rows.notes, re.IGNORECASE)
        self.prefix = f"sheet={self.sheet.name};" if self.sheet.name is not None else ""
        self._labels: dict[Any, str] = {}

    def ref(self, r: int, target: _Target) -> str:
        return f"{self.prefix}row={self.sheet.line(r)};col={target.name}"

    def label(self, cell: Any) -> str:
        """:func:`clean` of a label cell, once per distinct cell (a long table repeats each
        partner's name on every row: 28,000 rows, 150 names)."""
        try:
            return self._labels[cell]
        except KeyError:
            text = self._labels[cell] = clean(cell, self.read.footnote)
            return text
        except TypeError:  # an unhashable cell value
            return clean(cell, self.read.footnote)


def _targets(
    read: FileRead, sheet: Sheet, cols: Columns, flow: Flow | None, span: Span | None
) -> list[_Target]:
    layout, out = read.layout, []
    for value in cols.values:
        f = value.flow or flow
        assert f is not None
        valuation = value.valuation or layout.valuation.get(f, Valuation.UNKNOWN)
        basis = value.basis or layout.basis.get(f, PartnerBasis.UNKNOWN)
        out.append(_Target(value.col, sheet.column(value.col), f, valuation.value, basis.value,
                           value.span or span))
    return out


def read_sheet(read: FileRead, sheet: Sheet) -> None:
    """Read one grid's rows into ``read`` (InputError at the first thing that does not fit)."""
    layout = read.layout
    header_row = find_header(sheet, layout, read.footnote)
    top = header_row - layout.header.above
    # (Grid.text reads every row when given an empty range)
    title = sheet.grid.text(range(1, top)) if top > 1 else ""
    span = _sheet_span(read, sheet, title)
    cols = resolve_columns(sheet, layout, header_row, read.footnote,
                           default_year=span.first.year if span else None)
    if sheet.truncated is not None:
        raise InputError("the file ends in the middle of a line (a truncated download?)",
                         file=sheet.file, row=sheet.truncated)
    multiplier, currency = _unit(read, sheet, cols)
    if currency != read.rows.currency:
        if len(read.rows):
            raise InputError(f"the sheets are in different currencies ({read.rows.currency}, {currency})",
                             **sheet.where())
        read.rows.currency = currency
    flow = _sheet_flow(read, sheet, title) if any(v.flow is None for v in cols.values) else None
    table = _Table(
        read, sheet, cols, multiplier, _targets(read, sheet, cols, flow, span),
        RowPeriods(sheet, cols) if isinstance(layout.shape, LongShape) else None,
        len(sheet.grid.row_values(header_row)), bool(layout.checks),
    )
    before = len(read.rows)
    for r in range(header_row + 1, sheet.grid.n_rows + 1):
        if _row(table, r) == "stop":
            break
    if len(read.rows) == before:
        raise InputError(
            f"no figures under the header (row {sheet.line(header_row)}); "
            f"{sheet.reads(range(header_row + 1, sheet.grid.n_rows + 1))}",
            **sheet.where(),
        )
    read.sheets.append(SheetRead(sheet, multiplier, table.records, title))


def _blank(values: list[Any]) -> bool:
    return all(v is None or v == "" or (isinstance(v, str) and not v.strip()) for v in values)


def _row(t: _Table, r: int) -> str | None:
    """One row under the header: a partner's figures, or a row the layout leaves out."""
    grid, sheet = t.sheet.grid, t.sheet
    values = grid.rows[r - 1]
    if _blank(values):
        return None
    if sheet.csv and len(values) != t.width:
        header = [sheet.headings.get(c, "") for c in range(1, 6)]
        raise InputError(f"expected {t.width} fields ({', '.join(header)}, …), found {len(values)}: "
                         "a truncated or shifted line", file=sheet.file, row=sheet.line(r))
    labels = [text for c in t.cols.names if (text := t.label(grid.cell(r, c)))]
    label = labels[0] if labels else ""
    if label and t.stop and t.stop.search(label):
        return "stop"
    figures = _figures(t, r)
    numbers = any(f.number is not None for f in figures)
    if not label:
        if numbers:
            raise InputError("figures without a partner name",
                             **sheet.where(r, t.cols.names[0] if t.cols.names else None))
        return None
    reason = _left_out(t, label, labels, numbers)
    if reason:
        t.read.skipped.append(Skipped(sheet.ref(r, t.cols.names[0]), reason))
        return None
    code = clean(grid.cell(r, t.cols.code)) if t.cols.code else ""
    area = t.read.partners.area(sheet, r, t.cols, code, labels)
    _emit(t, r, Record(r, label, area), figures)
    return None


def _left_out(t: _Table, label: str, labels: list[str], numbers: bool) -> str | None:
    """Why a labelled row is no partner row, or None when it is one."""
    if any(p.search(label) for p in t.skip):
        return f"{label!r}: left out (rows.skip)"
    if not numbers and t.notes.search(label):
        return f"note row {label[:60]!r}"
    if t.read.partners.group(labels) == "ignore":
        return f"group row {label!r}: ignored by the layout"
    return None


def _figures(t: _Table, r: int) -> list[Figure]:
    out = []
    cells = t.sheet.grid.rows[r - 1]
    nulls, comma = t.read.nulls, t.read.layout.file.decimal == ","
    for target in t.targets:
        cell = cells[target.col - 1] if target.col <= len(cells) else ""
        try:
            out.append(figure(cell, nulls, comma))
        except NotANumber:
            raise InputError(f"not a number: {cell!r}", **t.sheet.where(r, target.col)) from None
    for c in t.cols.unheaded:
        cell = t.sheet.grid.cell(r, c)
        if isinstance(cell, int | float) and not isinstance(cell, bool):
            raise InputError(f"a figure ({cell!r}) in a column without a heading: the layout cannot "
                             "tell what it is (is header.above right?)", **t.sheet.where(r, c))
    return out


def _emit(t: _Table, r: int, record: Record, figures: list[Figure]) -> None:
    read = t.read
    row_span = t.periods.span(r) if t.periods is not None else None
    partner, aggregate = record.area.code, record.aggregate
    seen = None
    where = f"{t.prefix}row={t.sheet.line(r)};col="  # t.ref(), the row's part once
    add = read.rows.add
    for target, fig in zip(t.targets, figures, strict=True):
        if fig.number is None:
            read.skipped.append(Skipped(t.ref(r, target), f"no value published ({fig.printed!r})"))
            continue
        span = target.span or row_span
        assert span is not None
        add((partner, target.flow_value, span.freq, span.first, span.last, fig.number * t.multiplier,
             target.valuation, target.basis, aggregate, where + target.name))
        if span is not seen:
            read.spans.add(span)
            seen = span
        if t.keep:
            record.figures[(target.flow, target.basis, span)] = (fig.number, fig.printed, target.col)
    if t.keep:
        t.records.append(record)
