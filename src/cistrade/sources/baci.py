"""CEPII BACI: bilateral trade by HS6 product, reconciled from both partners' declarations.

BACI is a *mirror* dataset: CEPII starts from UN Comtrade, where each flow is reported
twice (by the exporter, FOB, and by the importer, CIF), removes the importers' CIF margin,
weighs both declarations by the reporters' reliability and publishes one value per flow.
Each row ``t,i,j,k,v,q`` of ``BACI_HS{rev}_Y{year}_V{version}.csv`` is stored as

* reporter = exporter ``i``, partner = importer ``j`` (BACI's numeric country codes, close to
  Comtrade's: read through the registry's Comtrade codes and the BACI country table),
* flow export, valuation FOB, partner basis destination, freq A (year ``t``),
* product_class ``HS{rev}`` from the file name, product ``k`` as six characters (a reader
  that took it for a number lost its leading zero: it is padded back),
* value ``v`` × 1000 USD (BACI's values are in thousand USD), quantity ``q`` in tonnes
  (blank when unknown), estimated false (BACI's figure is its own reconciled value).

The file is read by Arrow's parallel CSV reader with each row's line number
(:class:`~cistrade.sources.numbered_csv.NumberedCsv`), streamed into one SELECT inside the
ingest transaction (:class:`SqlData`): one pass in bounded memory. A file that reader refuses
is read again by DuckDB's CSV reader, every cell as text.
A cell that is not a number, or a country code that neither the registry nor the BACI
country table knows, stops the ingest with a message naming the row and column.

Country codes: pass ``codes=Path`` (``cistrade ingest baci FILE --codes country_codes_V202501.csv``)
or leave a ``country_codes_*.csv`` next to the data file (the one of the same version is
preferred). Both of CEPII's table layouts are read: ``country_code,country_name,
country_iso2,country_iso3`` (V2024 on; names double-encoded UTF-8 as shipped, repaired
here) and ``country_code,country_name_abbreviation,country_name_full,iso_2digit_alpha,
iso_3digit_alpha`` (older).

Series ``baci/HS{rev}/{year}``, vintage the release (``202501``): a newer release of the
same year and revision replaces the older one.
"""

from __future__ import annotations

import csv
import logging
import re
from pathlib import Path
from typing import Any

import pyarrow as pa

from cistrade.errors import InputError, UnknownCountry
from cistrade.model import Flow, Freq, PartnerBasis, Valuation
from cistrade.reference.countries import registry
from cistrade.rowref import line_ref_sql
from cistrade.sources.base import ReadResult, Source, SqlData, Supports, sniff_text
from cistrade.sources.comtrade_codes import EXTRA, NES_CODES, resolve
from cistrade.sources.numbered_csv import NumberedCsv

__all__ = ["BaciSource", "read_codes", "repair_mojibake", "HEADER"]

log = logging.getLogger(__name__)

HEADER = ("t", "i", "j", "k", "v", "q")
_NAME = re.compile(r"BACI_HS(\d\d)_", re.IGNORECASE)
_YEAR = re.compile(r"_Y((?:19|20)\d\d)(?=[_.])|_((?:19|20)\d\d)\.csv$", re.IGNORECASE)
_VERSION = re.compile(r"_V(\d{6}[a-z]?)", re.IGNORECASE)
_CODES_VERSION = re.compile(r"country_codes_V(\d{6}[a-z]?)", re.IGNORECASE)


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 read as latin-1 (``"CÃ´te d'Ivoire"`` → ``"Côte d'Ivoire"``) when it
    round-trips; other text is returned unchanged."""
    if text.isascii():
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def read_codes(path: Path) -> list[tuple[int, str | None, str]]:
    """A BACI country table as (code, ISO alpha-3 or None, name), either layout."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the BACI country table: {exc}", file=str(path)) from exc
    header = [h.strip().lower() for h in rows[0]] if rows else []
    iso_col = next((header.index(h) for h in ("country_iso3", "iso_3digit_alpha") if h in header),
                   None)
    name_col = next((header.index(h) for h in ("country_name", "country_name_full") if h in header),
                    None)
    if not header or header[0] != "country_code" or iso_col is None or name_col is None:
        raise InputError(
            f"not a BACI country table: header {header}; expected country_code,country_name,"
            "country_iso2,country_iso3 (or the older country_name_abbreviation layout)",
            file=str(path), row=1,
        )
    out = []
    for n, row in enumerate(rows[1:], start=2):
        if not row or not row[0].strip():
            continue
        if not row[0].strip().isdigit():
            raise InputError(f"not a country code: {row[0]!r}", file=str(path), row=n,
                             column="country_code")
        iso = row[iso_col].strip() if len(row) > iso_col else ""
        out.append((int(row[0]), iso if iso not in ("", "N/A") else None,
                    repair_mojibake(row[name_col].strip())))
    return out


def _year_of(name: str) -> str | None:
    """The year in ``BACI_HS22_Y2023_V202501.csv`` (or a trailing ``_2023.csv``)."""
    m = _YEAR.search(name)
    return (m[1] or m[2]) if m else None


def _find_codes(data: Path, version: str | None) -> Path | None:
    """A ``country_codes_*.csv`` beside the data file, preferring the same release."""
    found = sorted(data.parent.glob("country_codes_*.csv"))
    same = [p for p in found
            if version and (m := _CODES_VERSION.search(p.name)) and m[1] == version]
    chosen = same or found[-1:]
    return chosen[0] if chosen else None


def code_table(codes_file: Path | None) -> tuple[dict[int, str], list[str]]:
    """(code → registry area) for every code the registry, Comtrade's extras and the BACI
    table know; notes on codes of the table that stay unknown (used only if they occur)."""
    mapping: dict[int, str] = {}
    for area in registry():
        if area.comtrade is not None:
            mapping[area.comtrade] = area.code
    mapping.update({c: a for c, a in EXTRA.items() if c not in mapping})
    mapping.update({c: "XNS" for c in NES_CODES if c not in mapping})
    unknown = []
    for code, iso, name in read_codes(codes_file) if codes_file else []:
        try:
            mapping[code] = resolve(code, iso, name)
        except UnknownCountry:
            mapping.pop(code, None)
            unknown.append(f"{code} {name}")
    notes = [f"BACI codes with no registry area (an error only where a row uses them): "
             f"{'; '.join(unknown)}"] if unknown else []
    return mapping, notes


def _lit(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _fail(rn: str, column: str, problem: str, cell: str) -> str:
    """SQL raising a located error (the store reports its message with the file name)."""
    return (f"error('row ' || {rn} || ', column {column}: {problem}: ' "
            f"|| coalesce('''' || {cell} || '''', 'empty'))")


def _lookup(codes: dict[int, str], column: str) -> str:
    """SQL reading ``codes[column]`` from a constant list indexed by the code (cheaper than
    a join on millions of rows); NULL for a code the list does not hold."""
    top = max(codes, default=0)
    items = ", ".join(_lit(codes[c]) if c in codes else "NULL" for c in range(top + 1))
    return f"CASE WHEN {column} BETWEEN 0 AND {top} THEN ([{items}])[{column} + 1] END"


#: the cells' types on the fast path (:class:`NumberedCsv`); the fallback reads text
_TYPES = {"t": pa.int32(), "i": pa.int32(), "j": pa.int32(), "k": pa.string(),
          "v": pa.float64(), "q": pa.float64()}


def duckdb_scan(path: Path) -> str:
    """DuckDB's reader of a BACI file, every cell as text, rows numbered by their line
    (single-threaded: the fallback when the parallel reader refuses the file)."""
    scan = (
        f"read_csv({_lit(str(path))}, header = true, auto_detect = false, delim = ',', "
        "quote = '\"', columns = {'t': 'VARCHAR', 'i': 'VARCHAR', 'j': 'VARCHAR', "
        "'k': 'VARCHAR', 'v': 'VARCHAR', 'q': 'VARCHAR'}, null_padding = true)"
    )
    return f"(SELECT *, row_number() OVER () + 1 AS _rn FROM {scan})"


def baci_data(path: Path, product_class: str, codes: dict[int, str]) -> SqlData:
    """The rows of a BACI file: Arrow's parallel reader with line numbers, and DuckDB's
    reader as the fallback that names the row at fault."""
    numbered = NumberedCsv(path, _TYPES)
    segments = baci_segments(product_class)
    return SqlData(
        baci_sql(numbered.name, product_class, codes),
        prepare=numbered.register,
        finished=numbered.finished,
        fallback=SqlData(baci_sql(duckdb_scan(path), product_class, codes),
                         segments=lambda con: segments),
        segments=lambda con: segments,
    )


def baci_segments(product_class: str) -> str:
    """The two segments of a BACI file: rows with a quantity in tonnes, and rows without."""
    return (f"SELECT 'A' AS freq, {_lit(product_class)} AS product_class, 'USD' AS currency, "
            "'FOB' AS valuation, 'destination' AS partner_basis, unit AS quantity_unit, "
            "false AS estimated, false AS aggregate FROM (VALUES ('t'), (NULL)) v(unit)")


def baci_sql(rows: str, product_class: str, codes: dict[int, str]) -> str:
    """The SELECT producing the rows and segment fields from ``rows`` (a BACI file's cells
    ``t,i,j,k,v,q``, as text or typed, and ``_rn``, the line of each) in one pass."""
    rn = "r._rn"
    return f"""
    SELECT
        CASE WHEN r.reporter IS NULL
             THEN {_fail(rn, 'i', 'unknown BACI country code (exporter)', 'r.i')}
             ELSE r.reporter END AS reporter,
        CASE WHEN r.partner IS NULL
             THEN {_fail(rn, 'j', 'unknown BACI country code (importer)', 'r.j')}
             ELSE r.partner END AS partner,
        'export' AS flow, 'A' AS freq,
        CASE WHEN r.ty BETWEEN 1900 AND 2100 THEN make_date(r.ty, 1, 1)
             ELSE {_fail(rn, 't', 'not a year', 'r.t')} END AS period_start,
        make_date(r.ty, 12, 31) AS period_end,
        {_lit(product_class)} AS product_class,
        CASE WHEN r.kk IS NOT NULL AND length(r.k) <= 6 AND r.kk >= 0 THEN lpad(r.k, 6, '0')
             ELSE {_fail(rn, 'k', 'not an HS6 code', 'r.k')} END AS product,
        CASE WHEN r.vv IS NOT NULL THEN r.vv * 1000
             ELSE {_fail(rn, 'v', 'not a value in thousand USD', 'r.v')} END AS value,
        'USD' AS currency, 'FOB' AS valuation, 'destination' AS partner_basis,
        CASE WHEN r.q IS NULL OR r.qq IS NOT NULL THEN r.qq
             ELSE {_fail(rn, 'q', 'not a quantity in tonnes', 'r.q')} END AS quantity,
        CASE WHEN r.qq IS NOT NULL THEN 't' END AS quantity_unit,
        false AS estimated, false AS aggregate,
        {line_ref_sql(rn)} AS row_ref, {rn} AS line
    FROM (SELECT *, {_lookup(codes, 'TRY_CAST(i AS INTEGER)')} AS reporter,
                 {_lookup(codes, 'TRY_CAST(j AS INTEGER)')} AS partner,
                 TRY_CAST(t AS INTEGER) AS ty, TRY_CAST(k AS INTEGER) AS kk,
                 TRY_CAST(v AS DOUBLE) AS vv, TRY_CAST(q AS DOUBLE) AS qq
          FROM {rows}) r
    """


class BaciSource(Source):
    """CEPII BACI yearly files (``BACI_HS22_Y2023_V202501.csv``)."""

    name = "baci"
    title = "CEPII BACI (reconciled bilateral trade, HS6)"
    publisher = "CEPII"
    url = "http://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37"
    licence = "Etalab Open Licence 2.0 (cite Gaulier and Zignago, CEPII WP 2010-23)"
    supports = Supports(
        freqs=frozenset({Freq.ANNUAL}),
        flows=frozenset({Flow.EXPORT}),
        valuations=frozenset({Valuation.FOB}),
        bases=frozenset({PartnerBasis.DESTINATION}),
        products=True,
    )
    on_duplicate = "error"
    priority = 30

    def __init__(self, *, codes: str | Path | None = None, hs: str | int | None = None,
                 **options: Any) -> None:
        super().__init__(**options)
        self.codes = Path(codes) if codes else None
        self.hs = f"{int(hs):02d}" if hs is not None else None

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        first = sniff_text(head).split("\n", 1)[0]
        return tuple(c.strip().strip('"').lower() for c in first.split(",")) == HEADER

    def read(self, path: Path) -> ReadResult:
        path = Path(path)
        self._check_header(path)
        rev = self._revision(path)
        version = m[1] if (m := _VERSION.search(path.name)) else None
        year = _year_of(path.name)
        codes_file = self.codes or _find_codes(path, version)
        if self.codes and not self.codes.exists():
            raise InputError("no such BACI country table", file=str(self.codes))
        codes, notes = code_table(codes_file)
        notes.append("country codes: registry (Comtrade codes)" + (
            f" and {codes_file.name}" if codes_file else "; no BACI country table found"))
        warnings = [] if version else ["no release (_V202501) in the file name: vintage '0'"]
        return ReadResult(
            data=baci_data(path, f"HS{rev}", codes),
            series=f"baci/HS{rev}" + (f"/{year}" if year else ""),
            vintage=version or "0",
            title=" ".join(filter(None, ["CEPII BACI", f"HS{rev}", year,
                                         f"V{version}" if version else None])),
            notes=notes,
            warnings=warnings,
        )

    def _revision(self, path: Path) -> str:
        if self.hs:
            return self.hs
        m = _NAME.search(path.name)
        if not m:
            raise InputError(
                "cannot tell the HS revision: the file name does not start BACI_HS22_… "
                "(rename it, or pass hs=22)",
                file=str(path),
            )
        return m[1]

    @staticmethod
    def _check_header(path: Path) -> None:
        with open(path, "rb") as fh:
            first = fh.readline(4096)
            if not first.strip():
                raise InputError("the file is empty", file=str(path))
            fh.seek(-1, 2)
            last = fh.read(1)
        cells = tuple(c.strip().strip('"').lower() for c in sniff_text(first).strip().split(","))
        if cells != HEADER:
            raise InputError(
                f"unknown header {list(cells)}: a BACI file has the columns t,i,j,k,v,q "
                "(year, exporter, importer, HS6 product, value in thousand USD, tonnes)",
                file=str(path), row=1,
            )
        if last != b"\n":
            raise InputError("the last line has no line break: the file looks truncated "
                             "(download or unzip it again)", file=str(path))
