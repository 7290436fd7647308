"""Uzbekistan, Statistics Agency: exports or imports by partner country (SDMX/SIAT download).

The file is a wide CSV (UTF-8 with a BOM)::

    Code,Klassifikator,Klassifikator_ru,Klassifikator_en,2010,2011,…,2023
    156,Xitoy,Китай,China,931846.9,…
    0,Boshqa mamlakatlar,Другие страны,Other countries,…

* ``Code`` is the partner's UN M49 code, zero-padded to three digits; partners are resolved
  by that code first and by their English, Russian or Uzbek name only when the code is not
  an M49 code (the catch-all row "Other countries" has code ``0``: partner ``XOT``, a
  pseudo-area, stored but never ranked). A few rows have the Russian and English names in
  swapped columns (Slovakia, Bosnia and Herzegovina); the code decides, so that is harmless.
* One column per year: each cell becomes one annual row, ``row_ref`` ``row=12;col=2023``
  (row = line number in the file, the header being line 1).
* **Units: thousand USD.** Verified against the published totals: the rows of 2023 sum to
  24,869 million USD of exports and 38,659 million USD of imports, Uzbekistan's reported
  24.87 and 38.66 billion; a multiplier of 1,000 turns them into whole USD.
* **No total row**: nothing to check the country rows against (said in the notes); the
  reporter's total is the sum of all rows, "Other countries" included.
* **Export or import?** Nothing in the file says so: both downloads have the same header and
  no title or metadata line. The flow is, in order: the ``flow=`` option
  (``UzStatSource(flow="import")``); the agency's SDMX dataset number in the file name
  (``…_sdmx_1105.csv`` exports, ``…_sdmx_1176.csv`` imports, the numbers of the SIAT
  downloads); the word "export"/"import" in the file name; otherwise the read stops and asks
  for the option.
* Valuation and partner basis follow the agency's methodology (IMTS, as in the other CIS
  customs statistics; not printed in the file): exports FOB by country of destination,
  imports CIF by country of origin.
* Vintage: the file carries no date, so the vintage is the last year it covers followed by
  the file's modification time (``2023/2024-11-16T06:38:12``): a download that reaches a
  later year always counts as newer.
"""

from __future__ import annotations

import csv
import functools
import io
import logging
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from cistrade.errors import InputError, UnknownCountry
from cistrade.model import Flow, Freq, PartnerBasis, Valuation
from cistrade.schema import FLOW_SCHEMA
from cistrade.sources.base import ReadResult, Skipped, Source, Supports, sniff_text
from cistrade.validate import format_row_ref

__all__ = ["UzStatSource", "ALIASES", "HEADER"]

log = logging.getLogger(__name__)

HEADER = ("Code", "Klassifikator", "Klassifikator_ru", "Klassifikator_en")
UNIT = 1000.0  # thousand USD, verified against the 2023 totals (module docstring)
REPORTER = "UZB"

#: SIAT dataset numbers of the two downloads (the last resort to tell the flow)
DATASETS = {"1105": Flow.EXPORT, "1176": Flow.IMPORT}

#: cells that mean "nothing published" rather than a number
NOT_PUBLISHED = {"", "-", "–", "—", "…", "...", "x", "X", ".."}

#: the agency's own spellings the registry may lack (registered on first read)
ALIASES: dict[str, list[str]] = {
    "XOT": ["Boshqa mamlakatlar", "Другие страны", "Other countries"],
}

_BASIS = {Flow.EXPORT: PartnerBasis.DESTINATION, Flow.IMPORT: PartnerBasis.ORIGIN}
_VALUATION = {Flow.EXPORT: Valuation.FOB, Flow.IMPORT: Valuation.CIF}
_YEAR = re.compile(r"^\d{4}$")


@functools.cache
def register_aliases() -> None:
    """Add :data:`ALIASES` to the registry, skipping spellings it already resolves."""
    add_missing_aliases(ALIASES)


def add_missing_aliases(aliases: dict[str, list[str]]) -> None:
    """Register spellings the registry does not know; never re-route a known one."""
    from cistrade.reference.countries import registry

    reg = registry()
    for code, names in aliases.items():
        fresh = []
        for name in names:
            try:
                found = reg.lookup(name, scheme="name")
            except UnknownCountry:
                fresh.append(name)
                continue
            if found.code != code:
                log.warning("alias %r for %s already names %s; not added", name, code, found.code)
        if fresh:
            reg.add_aliases(code, fresh)


class UzStatSource(Source):
    name = "uz-stat"
    title = "Uzbekistan: foreign trade by partner country (Statistics Agency, SDMX download)"
    publisher = "Statistics Agency under the President of the Republic of Uzbekistan"
    url = "https://stat.uz/en/official-statistics/merchandise-trade"
    licence = "Open data of the Statistics Agency of Uzbekistan"
    supports = Supports(
        freqs=frozenset({Freq.ANNUAL}),
        flows=frozenset({Flow.EXPORT, Flow.IMPORT}),
        valuations=frozenset({Valuation.FOB, Valuation.CIF}),
        bases=frozenset({PartnerBasis.DESTINATION, PartnerBasis.ORIGIN}),
    )
    #: a newer file replaces every row of the years it covers (partners it drops included)
    vintage_scope = ("reporter", "flow", "freq", "period_start", "period_end")

    def __init__(self, flow: str | Flow | None = None, **options: Any) -> None:
        super().__init__(**options)
        try:
            self.flow = Flow(flow) if flow is not None else None
        except ValueError as exc:
            raise InputError(f"flow must be 'export' or 'import', not {flow!r}") from exc

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        first = sniff_text(head).splitlines()[0] if head else ""
        return first.strip().startswith(",".join(HEADER))

    # -- reading ---------------------------------------------------------------------------

    def flow_of(self, path: Path) -> Flow:
        """Export or import: the option, else the dataset number, else a word in the name."""
        if self.flow is not None:
            return self.flow
        name = path.name.lower()
        number = re.search(r"sdmx[_-]?(\d+)", name)
        if number and number[1] in DATASETS:
            return DATASETS[number[1]]
        words = {f for f in (Flow.EXPORT, Flow.IMPORT) if f.value in name}
        if len(words) == 1:
            return words.pop()
        raise InputError(
            "nothing in this file says whether it holds exports or imports (no title line, "
            "no SIAT dataset number 1105/1176 or the word export/import in its name); "
            "give the flow: UzStatSource(flow='export') or rename the file",
            file=str(path),
        )

    def read(self, path: Path) -> ReadResult:
        path = Path(path)
        register_aliases()
        flow = self.flow_of(path)
        rows = _csv_rows(path)
        header = next(rows, (1, []))[1]
        years = _check_header(header, path)
        table = _Builder(flow)
        resolver = _Resolver(path)
        for line, cells in rows:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                raise InputError(
                    f"expected {len(header)} fields ({', '.join(header[:5])}, …), found "
                    f"{len(cells)}: a truncated or shifted line",
                    file=str(path),
                    row=line,
                )
            partner = resolver.partner(cells, line)
            for column, year in years:
                table.add(partner, year, cells[column], line, header[column], path)
        if not table.size:
            raise InputError("the file holds no data rows", file=str(path))
        last_year = max(year for _, year in years)
        return ReadResult(
            data=table.to_arrow(),
            series=f"uz-stat/by-country/{flow.value}",
            vintage=f"{last_year}/{mtime_text(path)}",
            title=f"Uzbekistan {flow.value}s by partner country, {years[0][1]}–{last_year}",
            notes=[
                "values in thousand USD in the file, multiplied by 1,000 (verified: the rows "
                "of 2023 sum to 24.87 bn USD of exports and 38.66 bn USD of imports)",
                "no total row in the file: the country rows cannot be checked against a "
                "published total; the total is the sum of all rows incl. 'Other countries' "
                "(XOT)",
                f"flow {flow.value!r} from " + self._flow_reason(path),
                *resolver.notes,
            ],
            warnings=resolver.warnings,
            skipped=table.skipped,
        )

    def _flow_reason(self, path: Path) -> str:
        if self.flow is not None:
            return "the flow option"
        if re.search(r"sdmx[_-]?(1105|1176)", path.name.lower()):
            return "the SIAT dataset number in the file name (the content does not say)"
        return "the file name (the content does not say)"


def _csv_rows(path: Path):  # noqa: ANN202 - iterator of (line number, cells)
    """(line number, cells) for every line of the file, header first."""
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError("the file is empty", file=str(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError("not UTF-8 text", file=str(path), row=line) from exc
    reader = csv.reader(io.StringIO(text))
    try:
        for cells in reader:
            if reader.line_num == 1 and not text.endswith(("\n", "\r")):
                _check_header(cells, path)  # a changed layout is said first
                raise InputError(
                    "the file ends in the middle of a line (a truncated download?)",
                    file=str(path),
                    row=text.count("\n") + 1,
                )
            yield reader.line_num, cells
    except csv.Error as exc:
        raise InputError(f"not a CSV file: {exc}", file=str(path), row=reader.line_num) from exc


def _check_header(header: list[str], path: Path) -> list[tuple[int, int]]:
    """The (column index, year) of every year column; InputError on a changed layout."""
    found = [h.strip() for h in header]
    if tuple(found[:4]) != HEADER:
        raise InputError(
            f"expected the columns {', '.join(HEADER)} followed by one column per year; found {found[:6]}",
            file=str(path),
            row=1,
        )
    years = []
    for index, name in enumerate(found[4:], start=4):
        if not _YEAR.match(name):
            raise InputError(
                f"expected a year (e.g. 2023) as the name of column {index + 1}, found {name!r}",
                file=str(path),
                row=1,
                column=name,
            )
        years.append((index, int(name)))
    if not years:
        raise InputError("no year columns after Klassifikator_en", file=str(path), row=1)
    return years


class _Resolver:
    """Partner codes: the M49 code first, the names when the code is no M49 code."""

    def __init__(self, path: Path) -> None:
        from cistrade.reference.countries import registry

        self.reg = registry()
        self.path = path
        self.warnings: list[str] = []
        self.notes: list[str] = []

    def partner(self, cells: list[str], line: int):  # noqa: ANN201 - Area
        code = cells[0].strip()
        names = [c.strip() for c in (cells[3], cells[2], cells[1]) if c.strip()]
        if code.isdigit() and int(code) > 0:
            try:
                area = self.reg.lookup(code.zfill(3), scheme="m49")
            except UnknownCountry:
                area = None
            if area is not None:
                self._compare(area, names, line)
                return area
        for name in names:
            try:
                area = self.reg.lookup(name)
            except UnknownCountry:
                continue
            self.notes.append(
                f"row {line}: Code {code!r} is no M49 code the registry knows; "
                f"{name!r} resolved by name to {area.code}"
            )
            return area
        raise UnknownCountry(
            f"{names[0] if names else ''} (Code {code!r})",
            self.reg.suggest(names[0]) if names else [],
            file=str(self.path),
            row=line,
            column="Code",
        )

    def _compare(self, area: Any, names: list[str], line: int) -> None:
        """Warn when the English name names another area than the code does."""
        if not names:
            return
        try:
            by_name = self.reg.lookup(names[0], scheme="name")
        except UnknownCountry:
            return
        if by_name.code != area.code:
            self.warnings.append(
                f"row {line}: Code gives {area.code} but the name {names[0]!r} is "
                f"{by_name.code}; the code was used"
            )


class _Builder:
    """Collects canonical rows column by column."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        self.cols: dict[str, list[Any]] = {f.name: [] for f in FLOW_SCHEMA if f.name != "dataset_id"}
        self.skipped: list[Skipped] = []

    @property
    def size(self) -> int:
        return len(self.cols["value"])

    def add(self, area: Any, year: int, cell: str, line: int, column: str, path: Path) -> None:
        ref = format_row_ref(row=line, col=column)
        text = cell.strip()
        if text in NOT_PUBLISHED:
            self.skipped.append(Skipped(ref, f"no value published ({text!r})"))
            return
        try:
            value = float(text.replace(" ", "").replace("\u00a0", "")) * UNIT
        except ValueError:
            raise InputError(f"not a number: {cell!r}", file=str(path), row=line, column=column) from None
        c = self.cols
        c["reporter"].append(REPORTER)
        c["partner"].append(area.code)
        c["flow"].append(self.flow.value)
        c["freq"].append(Freq.ANNUAL.value)
        c["period_start"].append(date(year, 1, 1))
        c["period_end"].append(date(year, 12, 31))
        c["product_class"].append("TOTAL")
        c["product"].append("TOTAL")
        c["value"].append(value)
        c["currency"].append("USD")
        c["valuation"].append(_VALUATION[self.flow].value)
        c["partner_basis"].append(_BASIS[self.flow].value)
        c["quantity"].append(None)
        c["quantity_unit"].append(None)
        c["estimated"].append(False)
        c["aggregate"].append(area.kind in ("world", "group"))
        c["row_ref"].append(ref)

    def to_arrow(self) -> pa.Table:
        return pa.table(self.cols, schema=FLOW_SCHEMA.remove(0))


def mtime_text(path: Path) -> str:
    stamp = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S")
