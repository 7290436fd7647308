"""Reading publishers' spreadsheets: sheets as grids of cells with their Excel coordinates.

What the national spreadsheet readers share:

* :func:`open_workbook` opens ``.xls`` and ``.xlsx`` alike (python-calamine, in a child
  process: :mod:`~cistrade.sources.national.isolated`), by content rather than by file name,
  and turns every failure of a truncated or corrupted file — an abort of the library
  included — into an :class:`~cistrade.errors.InputError`;
* :class:`Grid` is one sheet from cell A1, addressed with 1-based rows and columns as
  Excel shows them, with :meth:`Grid.ref` giving the ``row_ref`` of a cell;
* :func:`normalise_label` cleans Russian labels: line breaks and runs of spaces, footnote
  marks (``ЭКСПОРТ*``), and Latin look-alike letters inside Cyrillic words (``Китaй``);
* :func:`unit_of` reads a unit caption (``млн долларов США``) as a multiplier and currency,
  :func:`months_of` and :func:`year_of` read Russian period captions
  (``Январь-сентябрь 2024``);
* :class:`FlowRows` collects canonical rows and builds the Arrow table.
"""

from __future__ import annotations

import logging
import math
import re
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import pyarrow as pa
import python_calamine  # noqa: F401 - read in a child process (isolated.py); a missing package fails here

from cistrade.errors import InputError, UnknownCountry, _cut
from cistrade.model import Freq, PeriodRange
from cistrade.rowref import format_row_ref
from cistrade.schema import FLOW_SCHEMA
from cistrade.sources.columns import flow_table
from cistrade.sources.national.isolated import Sheets, read_sheets

if TYPE_CHECKING:
    from cistrade.reference.countries import Area

__all__ = [
    "XLS_MAGIC",
    "XLSX_MAGIC",
    "spreadsheet_kind",
    "Workbook",
    "Grid",
    "open_workbook",
    "column_letter",
    "normalise_label",
    "label_key",
    "is_placeholder",
    "unit_of",
    "months_of",
    "year_of",
    "freq_of",
    "decimals",
    "rounding_tolerance",
    "FlowRows",
]

log = logging.getLogger(__name__)

XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2 compound file (Excel 97-2003)
XLSX_MAGIC = b"PK\x03\x04"  # a zip archive (Office Open XML)


def spreadsheet_kind(head: bytes) -> str | None:
    """``"xls"``, ``"xlsx"`` or None, from the first bytes of a file."""
    if head.startswith(XLS_MAGIC):
        return "xls"
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    return None


def column_letter(col: int) -> str:
    """Excel's letters for a 1-based column number: 1 → A, 27 → AA."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# -- labels -----------------------------------------------------------------------------------

_LATIN_TO_CYRILLIC = str.maketrans("aceopxykABCEHKMOPTXY", "асеорхукАВСЕНКМОРТХУ")
_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_WORD = re.compile(r"[^\W\d_]+")
_FOOTNOTE = re.compile(r"(\s*[*¹²³⁴⁵⁶⁷⁸⁹⁰]+|\s+\d\))+$")
_SPACES = re.compile(r"\s+")


def _repair_word(match: re.Match[str]) -> str:
    word = match.group(0)
    if _CYRILLIC.search(word) and _LATIN.search(word):
        fixed = word.translate(_LATIN_TO_CYRILLIC)
        if not _LATIN.search(fixed):
            return fixed
    return word


def normalise_label(value: Any) -> str:
    """A label as printed, cleaned: ``"Республикa \\nКорея*"`` → ``"Республика Корея"``.

    Line breaks and runs of whitespace become one space; footnote marks at the end
    (``*``, superscript digits, ``1)``) go; Latin look-alike letters inside Cyrillic
    words become Cyrillic. Case and inner punctuation are kept.
    """
    if value is None:
        return ""
    text = str(value).replace("\xa0", " ")
    text = _SPACES.sub(" ", text).strip()
    text = _FOOTNOTE.sub("", text).strip()
    if _LATIN.search(text) and _CYRILLIC.search(text):
        text = _WORD.sub(_repair_word, text)
    return text


def label_key(value: Any) -> str:
    """The comparison key of a label: normalised, case-folded, ``ё`` read as ``е``."""
    return normalise_label(value).casefold().replace("ё", "е")


_PLACEHOLDERS = {"…", "...", "-", "–", "—", "x", "х", "н/д", "."}


def is_placeholder(value: Any) -> bool:
    """A publisher's mark for a figure not published (``…``, ``-``, ``x``)."""
    return isinstance(value, str) and value.strip().casefold() in _PLACEHOLDERS


# -- units and periods ----------------------------------------------------------------------

_UNITS: list[tuple[re.Pattern[str], float]] = [
    (re.compile(r"\bтыс\w*\.?"), 1e3),
    (re.compile(r"\bмлн\.?|\bмиллион\w*"), 1e6),
    (re.compile(r"\bмлрд\.?|\bмиллиард\w*"), 1e9),
]
_CURRENCIES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bдолл|\busd\b"), "USD"),
    (re.compile(r"\bевро\b|\beur\b"), "EUR"),
]


def unit_of(text: Any) -> tuple[float, str] | None:
    """``(multiplier, currency)`` from a caption such as ``(млн долларов США)``, else None.

    Tolerates the publishers' typos (``млн доллалов США``) and abbreviations
    (``млрд. долл. США``, ``тыс. долларов США``, ``(миллионов долларов)``).
    """
    key = label_key(text)
    if not key:
        return None
    multiplier = next((m for pattern, m in _UNITS if pattern.search(key)), None)
    currency = next((c for pattern, c in _CURRENCIES if pattern.search(key)), None)
    if multiplier is None or currency is None:
        return None
    return multiplier, currency


_MONTH_WORDS = (
    "январ[ьяею]",
    "феврал[ьяею]",
    "март[аеу]?",
    "апрел[ьяею]",
    "ма[йяею]",
    "июн[ьяею]",
    "июл[ьяею]",
    "август[аеу]?",
    "сентябр[ьяею]",
    "октябр[ьяею]",
    "ноябр[ьяею]",
    "декабр[ьяею]",
)
_MONTH = re.compile("|".join(f"(?P<m{i + 1}>\\b{word}\\b)" for i, word in enumerate(_MONTH_WORDS)))
_QUARTER = re.compile(r"\b(i{1,3}|iv)\s*квартал")
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")


def _month_numbers(key: str) -> list[int]:
    return [int(next(k for k, v in m.groupdict().items() if v)[1:]) for m in _MONTH.finditer(key)]


def months_of(text: Any) -> tuple[int, int] | None:
    """The first and last month a Russian caption names, else None.

    ``"Январь-сентябрь 2024"`` → (1, 9); ``"Март"`` → (3, 3); ``"II квартал"`` → (4, 6);
    ``"2023 год"`` → None (a bare year is for the caller to read as January–December).
    """
    key = label_key(text)
    quarter = _QUARTER.search(key)
    if quarter:
        q = {"i": 1, "ii": 2, "iii": 3, "iv": 4}[quarter.group(1)]
        return 3 * q - 2, 3 * q
    months = _month_numbers(key)
    if not months:
        return None
    return months[0], months[-1]


def year_of(text: Any) -> int | None:
    """The one year a caption names (``"за январь-декабрь 2019 года"`` → 2019), else None."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        year = int(text)
        return year if float(text) == year and 1950 <= year <= 2099 else None
    years = set(_YEAR.findall(str(text)))
    return int(years.pop()) if len(years) == 1 else None


@lru_cache(maxsize=4096)
def freq_of(first: date, last: date) -> Freq:
    """The frequency a run of whole months is stored under: a calendar month, quarter or
    year is stored as such (M, Q, A); any other run as cumulative (C). (Cached: a workbook
    asks it of the same few periods for every partner.)"""
    single = PeriodRange.between(first, last).as_period()
    return single.freq if single is not None else Freq.CUMULATIVE


def decimals(value: Any) -> int:
    """How many decimals a published number shows (``27.39984`` → 5, ``1e-05`` → 5, ``24`` → 0);
    binary noise beyond ten places (``7.7681000000000004``) is ignored."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return 0
    text = repr(round(float(value), 10))
    if "e" in text:
        mantissa, _, exponent = text.partition("e")
        digits = len(mantissa.partition(".")[2].rstrip("0"))
        return max(0, digits - int(exponent))
    return len(text.partition(".")[2].rstrip("0"))


def rounding_tolerance(values: list[Any], multiplier: float = 1.0) -> float:
    """How far a published total may be from the sum of its published parts by rounding
    alone: half a unit of the last printed digit of every number involved (a whole number
    counts as rounded to units), in currency units.
    """
    half_units = sum(0.5 * 10.0 ** -decimals(v) for v in values if isinstance(v, int | float))
    return (half_units + 1e-6) * multiplier


# -- workbooks --------------------------------------------------------------------------------


@dataclass
class Grid:
    """One sheet as rows of cells from A1; ``cell(row, col)`` is 1-based like Excel."""

    name: str
    rows: list[list[Any]]

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @cached_property
    def n_cols(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def cell(self, row: int, col: int) -> Any:
        """The value at (row, col), ``""`` outside the used range."""
        if 1 <= row <= len(self.rows):
            cells = self.rows[row - 1]
            if 1 <= col <= len(cells):
                value = cells[col - 1]
                return "" if value is None else value
        return ""

    def label(self, row: int, col: int) -> str:
        return normalise_label(self.cell(row, col))

    def key(self, row: int, col: int) -> str:
        return label_key(self.cell(row, col))

    def ref(self, row: int, col: int | None = None) -> str:
        """The ``row_ref`` of a cell: ``sheet=2023;row=14;col=D``."""
        return format_row_ref(sheet=self.name, row=row, col=column_letter(col) if col is not None else None)

    def where(
        self, row: int | None = None, col: int | None = None, *, file: str | None = None
    ) -> dict[str, Any]:
        """Keyword arguments locating a cell for :class:`InputError`."""
        return {"file": file, "sheet": self.name, "row": row, "column": column_letter(col) if col else None}

    def area(self, row: int, col: int, *, on: date | None = None, file: str | None = None) -> Area:
        """The registry's area for the label in a cell; UnknownCountry names the cell."""
        from cistrade.reference.countries import registry

        try:
            return registry().lookup(self.label(row, col), on=on)
        except UnknownCountry as exc:
            raise exc.located(**self.where(row, col, file=file)) from None

    def row_values(self, row: int) -> list[Any]:
        return list(self.rows[row - 1]) if 1 <= row <= len(self.rows) else []

    def cells(self, rows: range | None = None, cols: range | None = None) -> Iterator[tuple[int, int, Any]]:
        """(row, col, value) of every non-empty cell in the given ranges."""
        for r in rows or range(1, self.n_rows + 1):
            for c in cols or range(1, len(self.row_values(r)) + 1):
                value = self.cell(r, c)
                if value != "":
                    yield r, c, value

    def find(
        self, predicate: Any, rows: range | None = None, cols: range | None = None
    ) -> tuple[int, int] | None:
        """The first (row, col), row by row, whose label key satisfies ``predicate``."""
        for r, c, value in self.cells(rows, cols):
            if predicate(label_key(value)):
                return r, c
        return None

    def text(self, rows: range | None = None) -> str:
        """Every text cell of the rows, joined (for captions spread over merged cells)."""
        return " ".join(normalise_label(v) for _, _, v in self.cells(rows) if isinstance(v, str))

    def number(self, row: int, col: int, *, file: str | None = None) -> float | None:
        """The number in a cell, None when empty or a placeholder; InputError for text."""
        value = self.cell(row, col)
        if value == "" or is_placeholder(value):
            return None
        if isinstance(value, bool):
            value = str(value)
        if isinstance(value, int) and abs(value) > 10**300:  # float() would overflow
            number = math.inf
        elif isinstance(value, int | float):
            number = float(value)
        else:
            text = str(value).strip().replace("\xa0", "").replace(" ", "").replace(",", ".")
            try:
                number = float(text)
            except ValueError:
                raise InputError(
                    f"expected a number, found {_cut(repr(value))}",
                    file=file,
                    sheet=self.name,
                    row=row,
                    column=column_letter(col),
                ) from None
        if not math.isfinite(number):
            raise InputError(
                f"expected a number, found {_cut(repr(value))}",
                file=file,
                sheet=self.name,
                row=row,
                column=column_letter(col),
            )
        return number


class Workbook:
    """An opened spreadsheet: its sheet names and each sheet as a :class:`Grid` (cached)."""

    def __init__(self, path: Path, sheets: Sheets) -> None:
        self.path = path
        self._sheets = sheets
        self.sheet_names: list[str] = list(sheets.names)
        self._grids: dict[str, Grid] = {}

    def grid(self, name: str) -> Grid:
        if name not in self._grids:
            if name not in self.sheet_names:
                raise InputError(f"no sheet {name!r}; the sheets are {self.sheet_names}", file=str(self.path))
            if name in self._sheets.errors:
                raise InputError(
                    f"cannot read sheet {name!r} as an Excel workbook (truncated or corrupted?): "
                    f"{_cut(self._sheets.errors[name].splitlines()[0], 300)}",
                    file=str(self.path),
                )
            self._grids[name] = Grid(name, self._sheets.rows[name])
        return self._grids[name]

    def grids(self) -> Iterator[Grid]:
        for name in self.sheet_names:
            yield self.grid(name)


#: the workbooks read last (detection opens a file, then its reader opens it again)
_RECENT: OrderedDict[tuple[str, int, int], Sheets | InputError] = OrderedDict()
_RECENT_MAX = 4


def open_workbook(path: Path) -> Workbook:
    """Open an ``.xls`` or ``.xlsx`` file, whatever its name; InputError when damaged.

    The file is read in a child process (:mod:`cistrade.sources.national.isolated`): a
    damaged workbook that makes the spreadsheet library abort or exhaust memory ends the
    child, never this process.
    """
    path = Path(path)
    with open(path, "rb") as fh:
        head = fh.read(8)
    if spreadsheet_kind(head) is None:
        raise InputError(
            "not an Excel workbook (expected an .xls or .xlsx file, found other content)",
            file=str(path),
        )
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    found = _RECENT.get(key)
    if found is None:
        try:
            found = read_sheets(path)
        except InputError as exc:  # a damaged file fails once, not once per sniffer
            found = exc
        _RECENT[key] = found
        if len(_RECENT) > _RECENT_MAX:
            _RECENT.popitem(last=False)
    _RECENT.move_to_end(key)
    if isinstance(found, InputError):
        raise InputError(found.message, file=str(path))
    return Workbook(path, found)


# -- canonical rows -------------------------------------------------------------------------


@dataclass
class FlowRows:
    """Collects canonical flow rows (all goods, one reporter) and builds the Arrow table: one
    tuple per row of what the caller gives, the constants filled in by :meth:`table`."""

    reporter: str
    currency: str = "USD"
    _rows: list[tuple[Any, ...]] = field(default_factory=list)

    FIELDS: ClassVar[tuple[str, ...]] = (
        "reporter", "partner", "flow", "freq", "period_start", "period_end", "value", "currency",
        "valuation", "partner_basis", "aggregate", "row_ref")
    CONSTANTS: ClassVar[dict[str, Any]] = {"product_class": "TOTAL", "product": "TOTAL",
                                           "quantity": None, "quantity_unit": None,
                                           "estimated": False}

    def add(
        self,
        *,
        partner: str,
        flow: str,
        first: date,
        last: date,
        value: float,
        valuation: str,
        basis: str,
        aggregate: bool,
        ref: str,
        freq: str | None = None,
    ) -> None:
        self._rows.append((self.reporter, partner, str(flow), str(freq or freq_of(first, last)),
                           first, last, float(value), self.currency, str(valuation), str(basis),
                           bool(aggregate), ref))

    def __len__(self) -> int:
        return len(self._rows)

    def table(self) -> pa.Table:
        return flow_table(self._rows, self.FIELDS, self.CONSTANTS, FLOW_SCHEMA.remove(0))
