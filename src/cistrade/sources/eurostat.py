"""Eurostat Comext: DataBrowser "relational view" downloads (EU members' trade with a partner).

One small CSV per download::

    REPORTER,PARTNER,PRODUCT,FLOW,STAT_PROCEDURE,PERIOD,VALUE_IN_EUR
    "Cyprus","Kazakhstan","TOTAL-Total","2-EXPORT","T-Total","202408-Aug. 2024",11421
    Cyprus,Kazakhstan,Total,EXPORT,Total,Aug. 2024,11421

The two label styles (code-prefixed and quoted, or bare) both occur, sometimes for the same
month downloaded twice. What the reader does:

* **Values in EUR** (whole euros), stored as published; never converted.
* **Valuation**: exports FOB, imports CIF (the Comext convention for extra-EU trade);
  **partner basis**: exports by country of destination, imports by country of origin.
* **Periods** ``Oct. 2019`` or ``201910-Oct. 2019``: monthly rows (the code prefix, when
  present, must agree with the label).
* **Reporters** are member states (``Germany (incl. German Democratic Republic 'DD' from
  1991)``: resolved by the full label, else by the name before the parenthesis) and
  Eurostat's aggregates, stored with ``aggregate = true`` under the registry's group codes:
  ``European Union - 27 countries (AT, BE, …)`` → ``G:EU27``; ``European Union (AT-01/1995,
  …, GB-01/1973->01/2020, …)`` (changing composition) → ``G:EU``; ``Euro area - 20
  countries (…)`` → ``G:EA20``; ``Euro area (AT-01/1999, …)`` → ``G:EA``. Each aggregate is
  checked against the sum of the member rows of the same download: the members are read
  from the label itself (a fixed list, or ``XX-MM/YYYY[->MM/YYYY]`` entry and last month),
  giving one :class:`~cistrade.sources.base.AggregateCheck` per aggregate row.
* Product must be TOTAL (``TOTAL-Total``/``Total``); rows of a single statistical procedure
  (anything but ``Total``) and cells without a value (``:``, empty) are skipped and listed.
* **Duplicates** (``on_duplicate = "collapse"``): the same key twice in a download collapses
  (identical) or the later line wins (different values; both counted in the ingest report).
  Across downloads, series ``eurostat/comext`` with the download time as the vintage
  (``Relational_View_2024-11-16T06_38_12.719Z.csv`` → ``2024-11-16T06:38:12.719Z``, else the
  file's modification time): the later download wins for every key it holds, whatever the
  ingest order.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

import pyarrow as pa

from cistrade.errors import InputError, UnknownCountry
from cistrade.model import Flow, Freq, PartnerBasis, Period, Valuation
from cistrade.rowref import format_row_ref
from cistrade.schema import FLOW_SCHEMA
from cistrade.sources.base import AggregateCheck, ReadResult, Skipped, Source, Supports, sniff_text
from cistrade.sources.columns import flow_table

__all__ = ["EurostatSource", "COLUMNS", "parse_period", "members_in_label", "vintage_of"]

log = logging.getLogger(__name__)

COLUMNS = ("REPORTER", "PARTNER", "PRODUCT", "FLOW", "STAT_PROCEDURE", "PERIOD", "VALUE_IN_EUR")

_MONTHS = {m.lower(): i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
_PERIOD = re.compile(r"^(?:(\d{4})(\d{2})-)?([A-Za-z]{3})[a-z]*\.?\s+(\d{4})$")
_STAMP = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2})_(\d{2})_(\d{2})(\.\d+)?Z")
_MEMBER = re.compile(r"\b([A-Z]{2})(?:-(\d{2})/(\d{4})(?:->(\d{2})/(\d{4}))?)?\b")
_FLOWS = {"EXPORT": (Flow.EXPORT, Valuation.FOB, PartnerBasis.DESTINATION),
          "IMPORT": (Flow.IMPORT, Valuation.CIF, PartnerBasis.ORIGIN)}
#: Eurostat's own two-letter codes that differ from ISO 3166
_EUROSTAT_ISO2 = {"EL": "GR", "UK": "GB"}
_MISSING = {"", ":", "-"}
#: label → registry area, across the files of one run (keyed by the registry object)
_AREAS: dict[tuple[int, str], Any] = {}


def parse_period(text: str) -> Period:
    """``Oct. 2019`` or ``201910-Oct. 2019`` → the month; InputError otherwise."""
    m = _PERIOD.match(text.strip())
    month = _MONTHS.get(m[3].lower()) if m else None
    if m is None or month is None:
        raise InputError(f"not a month: {text!r} (expected e.g. 'Oct. 2019' or '201910-Oct. 2019')")
    if m[1] and (int(m[1]), int(m[2])) != (int(m[4]), month):
        raise InputError(f"the period code and label disagree: {text!r}")
    return Period(int(m[4]), Freq.MONTHLY, month)


def members_in_label(label: str, on: date) -> list[str] | None:
    """The ISO alpha-2 codes an aggregate's label lists as members on ``on``.

    ``(AT, BE, …)`` is a fixed list; ``(AT-01/1995, GB-01/1973->01/2020, …)`` gives each
    member's first and (inclusive) last month. None when the label lists no members.
    """
    found = _members(label, on.year, on.month)
    return list(found) if found is not None else None


@lru_cache(maxsize=4096)
def _members(label: str, year: int, month: int) -> tuple[str, ...] | None:
    """:func:`members_in_label`, once per label and month (every file of a folder repeats
    the EU's label of thirty members for each of its months)."""
    inner = label[label.find("(") + 1 : label.rfind(")")] if "(" in label else ""
    found = []
    for m in _MEMBER.finditer(inner):
        code, m1, y1, m2, y2 = m.groups()
        if m1 and (int(y1), int(m1)) > (year, month):
            continue
        if m2 and (int(y2), int(m2)) < (year, month):
            continue
        found.append(_EUROSTAT_ISO2.get(code, code))
    return tuple(found) or None


def vintage_of(path: Path) -> str:
    """The download time in the file name, else the file's modification time (UTC)."""
    m = _STAMP.search(path.name)
    if m:
        return f"{m[1]}T{m[2]}:{m[3]}:{m[4]}{m[5] or '.000'}Z"
    stamp = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


class EurostatSource(Source):
    name = "eurostat"
    title = "Eurostat Comext: EU trade by partner (DataBrowser relational view)"
    publisher = "Eurostat"
    url = "https://ec.europa.eu/eurostat/comext/newxtweb/"
    licence = "CC BY 4.0 (Eurostat copyright notice)"
    supports = Supports(
        freqs=frozenset({Freq.MONTHLY}),
        flows=frozenset({Flow.EXPORT, Flow.IMPORT}),
        valuations=frozenset({Valuation.FOB, Valuation.CIF}),
        bases=frozenset({PartnerBasis.DESTINATION, PartnerBasis.ORIGIN}),
    )
    on_duplicate = "collapse"

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        first = sniff_text(head).splitlines()[0] if head else ""
        return _cells(first) == list(COLUMNS)

    def read(self, path: Path) -> ReadResult:
        path = Path(path)
        rows = _lines(path)
        _check_header(next(rows, (1, []))[1], path)
        reader = _Reader(path)
        for line, cells in rows:
            reader.add(line, cells)
        if not reader.size:
            raise InputError("the file holds no data rows", file=str(path))
        return ReadResult(
            data=reader.to_arrow(),
            series="eurostat/comext",
            vintage=vintage_of(path),
            title=f"Eurostat Comext download {path.name}",
            retrieved_at=vintage_of(path) if _STAMP.search(path.name) else None,
            notes=[
                "values in EUR as published (not converted)",
                "exports FOB by country of destination, imports CIF by country of origin "
                "(Comext convention)",
                "EU and euro-area rows stored as aggregates (G:EU27, G:EU, G:EA20, G:EA) and "
                "checked against the member rows of this download",
            ],
            skipped=reader.skipped,
            checks=reader.checks(),
        )


def _cells(line: str) -> list[str]:
    return [c.strip() for c in next(csv.reader([line.strip()]), [])]


def _lines(path: Path):  # noqa: ANN202 - iterator of (line number, cells)
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError("the file is empty", file=str(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("not UTF-8 text", file=str(path),
                         row=raw[: exc.start].count(b"\n") + 1) from exc
    reader = csv.reader(io.StringIO(text))
    try:
        for cells in reader:
            if reader.line_num == 1 and not text.endswith(("\n", "\r")):
                _check_header(cells, path)  # a changed layout is said first
                raise InputError("the file ends in the middle of a line (a truncated "
                                 "download?)", file=str(path), row=text.count("\n") + 1)
            if any(c.strip() for c in cells):
                yield reader.line_num, cells
    except csv.Error as exc:
        raise InputError(f"not a CSV file: {exc}", file=str(path), row=reader.line_num) from exc


def _check_header(header: list[str], path: Path) -> None:
    found = [h.strip() for h in header]
    if found != list(COLUMNS):
        raise InputError(
            f"expected the columns {', '.join(COLUMNS)}; found {', '.join(found) or 'nothing'}",
            file=str(path),
            row=1,
        )


@dataclass
class _Group:
    """An aggregate row of the download, to check against its members' rows."""

    ref: str
    label: str
    code: str
    value: float
    members: list[str] | None


@dataclass
class _Reader:
    path: Path
    #: the fields that vary by line, one tuple per line (the others are constants of the
    #: format, filled in once by :meth:`to_arrow`)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    groups: dict[tuple, list[_Group]] = field(default_factory=lambda: defaultdict(list))
    by_iso2: dict[tuple, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))
    _areas: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.rows)

    def _fail(self, message: str, line: int, column: str) -> InputError:
        return InputError(message, file=str(self.path), row=line, column=column)

    def area(self, label: str, line: int, column: str) -> Any:
        """The registry area of a label: the full label, else the name before '('."""
        if label not in self._areas:
            from cistrade.reference.countries import registry

            reg = registry()
            key = (id(reg), label)  # the registry is immutable: a label is one area per run
            if key not in _AREAS:
                for attempt in (label, label.split("(")[0]):
                    try:
                        _AREAS[key] = reg.lookup(attempt.strip())
                        break
                    except UnknownCountry:
                        continue
                else:
                    raise UnknownCountry(label, reg.suggest(label.split("(")[0]),
                                         file=str(self.path), row=line, column=column)
            self._areas[label] = _AREAS[key]
        return self._areas[label]

    def add(self, line: int, cells: list[str]) -> None:
        if len(cells) != len(COLUMNS):
            raise self._fail(f"expected {len(COLUMNS)} fields, found {len(cells)}: a truncated "
                             "or shifted line", line, "")
        reporter, partner, product, flow, procedure, period, value = (c.strip() for c in cells)
        ref = format_row_ref(row=line, col="VALUE_IN_EUR")
        if _code(procedure).upper() not in ("T", "TOTAL"):
            self.skipped.append(Skipped(ref, f"statistical procedure {procedure!r}, not Total"))
            return
        if _code(product).upper() != "TOTAL":
            raise self._fail(f"only product TOTAL is read; found {product!r}", line, "PRODUCT")
        spec = _FLOWS.get(flow.split("-")[-1].strip().upper())
        if spec is None:
            raise self._fail(f"unknown flow {flow!r} (expected EXPORT or IMPORT)", line, "FLOW")
        try:
            month = parse_period(period)
        except InputError as exc:
            raise exc.located(file=str(self.path), row=line, column="PERIOD") from None
        if value in _MISSING:
            self.skipped.append(Skipped(ref, f"no value published ({value!r})"))
            return
        try:
            number = float(value)
        except ValueError:
            raise self._fail(f"not a number: {value!r}", line, "VALUE_IN_EUR") from None
        rep = self.area(reporter, line, "REPORTER")
        par = self.area(partner, line, "PARTNER")
        self._append(rep, par, spec, month, number, ref)
        self._remember(rep, reporter, (par.code, spec[0], month), number, ref)

    def _append(
        self, rep: Any, par: Any, spec: tuple, month: Period, value: float, ref: str
    ) -> None:
        flow, valuation, basis = spec
        aggregate = rep.kind in ("world", "group") or par.kind in ("world", "group")
        self.rows.append((rep.code, par.code, flow.value, month.start, month.end, value,
                          valuation.value, basis.value, aggregate, ref))

    def _remember(self, rep: Any, label: str, key: tuple, value: float, ref: str) -> None:
        if rep.kind == "group":
            members = members_in_label(label, key[2].start)
            self.groups[key].append(_Group(ref, label, rep.code, value, members))
        elif rep.iso2:
            self.by_iso2[key][rep.iso2] = value  # the later line wins, as in the store

    def checks(self) -> list[AggregateCheck]:
        out = []
        for key, groups in self.groups.items():
            partner, flow, month = key
            for g in groups:
                if g.members is None:
                    continue
                rows = self.by_iso2.get(key, {})
                out.append(AggregateCheck(
                    row_ref=g.ref,
                    label=f"{g.code} {flow.value}s, partner {partner}, {month}",
                    published=g.value,
                    computed=float(sum(v for iso2, v in rows.items() if iso2 in g.members)),
                    tolerance=1.0,
                ))
        return out

    _VARYING = ("reporter", "partner", "flow", "period_start", "period_end", "value",
                "valuation", "partner_basis", "aggregate", "row_ref")
    _CONSTANT: ClassVar[dict[str, Any]] = {
        "freq": Freq.MONTHLY.value, "product_class": "TOTAL", "product": "TOTAL",
        "currency": "EUR", "quantity": None, "quantity_unit": None, "estimated": False}

    def to_arrow(self) -> pa.Table:
        return flow_table(self.rows, self._VARYING, self._CONSTANT, FLOW_SCHEMA.remove(0))


def _code(text: str) -> str:
    """``TOTAL-Total`` → ``TOTAL``, ``T-Total`` → ``T``, ``Total`` → ``Total``."""
    return text.split("-", 1)[0].strip() if "-" in text else text.strip()
