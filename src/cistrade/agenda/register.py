"""Reading a cooperation agenda register from CSV or YAML, every cell checked.

One entry per row (CSV, UTF-8, header first) or per item of ``entries:`` (YAML; a top-level
``synthetic: true`` marks a generated file). The columns:

==================  ========  ================================================================
column              required  what
==================  ========  ================================================================
``id``              yes       a stable identifier (a later file's entry of the same id
                              replaces it)
``title``           yes       the measure or agreement, as its source words it
``area``            yes       one of :class:`~cistrade.agenda.areas.Area` (any spelling listed)
``economic``        no        ``true``/``false``; must agree with the area's own flag
``kind``            no        :class:`~cistrade.agenda.areas.Kind` (default ``measure``)
``participants``    yes       countries or blocs, ``;``-separated (``CIS``, ``KAZ; RUS``)
``adopting_body``   yes       who adopted it (``CIS Council of Heads of Government``)
``date_adopted``    no        ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; empty when the source
                              does not say
``due``             no        the same forms: when it is due (``2030`` for "until 2030")
``status``          yes       :class:`~cistrade.agenda.areas.Status`
``source_title``    yes       the source document
``source_url``      yes       its address (``http(s)://…``)
``source_date``     no        the date the source gives for itself
``evidence``        no        the words of the source the entry rests on
``notes``           no        anything else
==================  ========  ================================================================

A bad cell is an :class:`~cistrade.errors.InputError` naming the file, the row (CSV line;
YAML entry number) and the column; nothing is read from a file that has one.
"""

from __future__ import annotations

import csv
import re
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from cistrade.agenda.areas import AREAS, Area, Kind, Status, area_of, kind_of, status_of
from cistrade.errors import InputError, UnknownBloc, UnknownCountry

__all__ = ["Entry", "DateSpan", "read_register", "parse_span", "COLUMNS", "REQUIRED"]

COLUMNS = ("id", "title", "area", "economic", "kind", "participants", "adopting_body",
           "date_adopted", "due", "status", "source_title", "source_url", "source_date",
           "evidence", "notes")
REQUIRED = ("id", "title", "area", "participants", "adopting_body", "status", "source_title",
            "source_url")
_SPAN = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
_TRUE, _FALSE = {"true", "yes", "1", "да"}, {"false", "no", "0", "нет"}


@dataclass(frozen=True)
class DateSpan:
    """A date as precise as its source: ``2030`` is 2030-01-01..2030-12-31."""

    text: str
    first: date
    last: date


@dataclass
class Entry:
    """One measure or agreement of the register."""

    id: str
    title: str
    area: Area
    kind: Kind
    participants: list[str]  # registry country codes and bloc ids, as written
    adopting_body: str
    adopted: DateSpan | None
    due: DateSpan | None
    status: Status
    source_title: str
    source_url: str
    source_date: str | None = None
    evidence: str | None = None
    notes: str | None = None
    row: int = 0
    members: list[str] = field(default_factory=list)  # the countries the participants are

    @property
    def economic(self) -> bool:
        return AREAS[self.area][0]


def parse_span(text: str) -> DateSpan:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as a span of days (ValueError otherwise)."""
    m = _SPAN.match(text.strip())
    if not m:
        raise ValueError(f"{text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = int(m[1]), int(m[2] or 0), int(m[3] or 0)
    if (m[2] and not 1 <= month <= 12) or (m[3] and day == 0):
        raise ValueError(f"{text!r} is not a date")
    if day:
        d = date(year, month, day)
        return DateSpan(text.strip(), d, d)
    if month:
        return DateSpan(text.strip(), date(year, month, 1),
                        date(year, month, monthrange(year, month)[1]))
    return DateSpan(text.strip(), date(year, 1, 1), date(year, 12, 31))


class _Row:
    """One row's cells, each read with the file, row and column an error names."""

    def __init__(self, cells: dict[str, Any], file: str, row: int) -> None:
        self.cells = {str(k).strip().lower(): ("" if v is None else str(v).strip())
                      for k, v in cells.items()}
        self.file, self.row = file, row

    def fail(self, column: str, problem: str) -> InputError:
        return InputError(problem, file=self.file, row=self.row, column=column)

    def get(self, column: str) -> str | None:
        value = self.cells.get(column, "")
        if not value and column in REQUIRED:
            raise self.fail(column, f"no {column.replace('_', ' ')} (a required column)")
        return value or None

    def area(self) -> Area:
        text = self.get("area") or ""
        found = area_of(text)
        if found is None:
            known = ", ".join(a.value for a in Area)
            raise self.fail("area", f"unknown area {text!r}; the areas are: {known} "
                                    "(docs/agenda.md)")
        flag = self.get("economic")
        if flag is not None:
            said = _flag(flag)
            if said is None:
                raise self.fail("economic", f"{flag!r} is not true or false")
            if said != AREAS[found][0]:
                raise self.fail("economic", f"{found.value} is {'' if AREAS[found][0] else 'not '}"
                                            f"an economic area; the row says economic={flag}")
        return found

    def span(self, column: str) -> DateSpan | None:
        text = self.get(column)
        if text is None:
            return None
        try:
            return parse_span(text)
        except ValueError as exc:
            raise self.fail(column, str(exc)) from None

    def participants(self) -> tuple[list[str], list[str]]:
        """(as written, resolved: bloc ids and country codes) and the countries."""
        from cistrade.reference import blocs
        from cistrade.reference.countries import registry

        named, countries = [], []
        for part in re.split(r"[;,]", self.get("participants") or ""):
            if not part.strip():
                continue
            try:
                b = blocs.bloc(part.strip())
                named.append(b.id)
                continue
            except UnknownBloc:
                pass
            try:
                code = registry().lookup(part.strip()).code
            except (UnknownCountry, InputError):
                raise self.fail("participants", f"{part.strip()!r} is neither a country nor a "
                                                "bloc cistrade knows") from None
            named.append(code)
            countries.append(code)
        return named, countries

    def choice(self, column: str, parse: Any, cls: type[StrEnum], default: Any) -> Any:
        text = self.get(column)
        if text is None:
            return default
        found = parse(text)
        if found is None:
            raise self.fail(column, f"unknown {column} {text!r}; one of "
                                    f"{', '.join(m.value for m in cls)}")
        return found


def _flag(text: str) -> bool | None:
    low = text.strip().lower()
    return True if low in _TRUE else False if low in _FALSE else None


def _members(named: list[str], adopted: DateSpan | None) -> list[str]:
    """The countries the participants are: a bloc's members when the entry was adopted
    (today's when the date is not known)."""
    from cistrade.reference import blocs

    out: set[str] = set()
    for name in named:
        try:
            b = blocs.bloc(name)
        except UnknownBloc:
            out.add(name)
            continue
        if adopted is not None:
            out |= set(b.members(on=adopted.last))
        else:
            out |= set(b.members())
    return sorted(out)


def _entry(row: _Row) -> Entry:
    url = row.get("source_url") or ""
    if not re.match(r"^https?://\S+$", url):
        raise row.fail("source_url", f"{url!r} is not an http(s) address")
    named, _ = row.participants()
    adopted = row.span("date_adopted")
    return Entry(
        id=row.get("id") or "", title=row.get("title") or "", area=row.area(),
        kind=row.choice("kind", kind_of, Kind, Kind.MEASURE), participants=named,
        adopting_body=row.get("adopting_body") or "", adopted=adopted, due=row.span("due"),
        status=row.choice("status", status_of, Status, Status.UNKNOWN),
        source_title=row.get("source_title") or "", source_url=url,
        source_date=row.get("source_date"), evidence=row.get("evidence"),
        notes=row.get("notes"), row=row.row, members=_members(named, adopted),
    )


def _csv_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip().lower() for h in reader.fieldnames or []]
            _check_header(header, path)
            return [(reader.line_num, r) for r in reader if any((v or "").strip() for v in r.values())]
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text: {exc}", file=str(path)) from exc


def _yaml_rows(path: Path) -> tuple[list[tuple[int, dict[str, Any]]], bool]:
    import yaml

    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InputError(f"not YAML: {exc}", file=str(path)) from exc
    items = doc.get("entries") if isinstance(doc, dict) else doc
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise InputError("a register in YAML is a list of entries (or `entries:` holding one)",
                         file=str(path))
    header = sorted({str(k).lower() for i in items for k in i})
    _check_header(header, path, all_required=False)
    synthetic = bool(doc.get("synthetic")) if isinstance(doc, dict) else False
    return list(enumerate(items, start=1)), synthetic


def _check_header(header: list[str], path: Path, all_required: bool = True) -> None:
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise InputError(f"unknown column(s) {unknown}; the columns are {', '.join(COLUMNS)}",
                         file=str(path), row=1)
    missing = [c for c in REQUIRED if c not in header]
    if all_required and missing:
        raise InputError(f"missing column(s) {missing}", file=str(path), row=1)


def read_register(path: str | Path) -> tuple[list[Entry], bool]:
    """The entries of a register file and whether it says it is synthetic (YAML only);
    one id twice is an error naming both rows."""
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", file=str(path))
    if path.suffix.lower() in (".yaml", ".yml"):
        rows, synthetic = _yaml_rows(path)
    elif path.suffix.lower() == ".csv":
        rows, synthetic = _csv_rows(path), False
    else:
        raise InputError("a register is a .csv, .yaml or .yml file", file=str(path))
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for n, cells in rows:
        entry = _entry(_Row(cells, str(path), n))
        if entry.id in seen:
            raise InputError(f"id {entry.id!r} again (first on row {seen[entry.id]})",
                             file=str(path), row=n, column="id")
        seen[entry.id] = n
        entries.append(entry)
    if not entries:
        raise InputError("the register has no entries", file=str(path))
    return entries, synthetic
