"""The layouts UN Comtrade records arrive in, loaded into one staging table.

* the API v1 JSON response (``data/v1/get/…``): ``{"elapsedTime", "count", "data": [...],
  "error"}`` with 47 camelCase fields per record;
* the same records as CSV or tab-separated text (Comtrade's bulk files and the web
  export; header names compared case-insensitively, so ``refYear`` = ``RefYear``), also
  gzip-compressed;
* the R client comtradr's snake_case layout (``trade_code``, ``partner_code``,
  ``trade_value_us`` …; R writes ``NA`` for missing values), often latin-1 encoded.

:func:`load` writes the rows into a table ``raw`` of a private DuckDB connection with the
columns of :data:`FIELDS` (all text) plus ``_rn``: for CSV the file line (the header is line
1), for JSON the record's position in ``data`` (1-based).
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from cistrade.errors import InputError

__all__ = ["FIELDS", "API", "COMTRADR", "Layout", "load", "detect_layout", "head_text"]

#: canonical staging names
FIELDS = (
    "type_code", "freq", "year", "month", "period", "reporter_code", "reporter_iso",
    "reporter_desc", "flow_code", "flow_desc", "partner_code", "partner_iso", "partner_desc",
    "partner2_code", "partner2_iso", "classification", "cmd_code", "customs_code", "mot_code",
    "qty_unit_code", "qty_unit", "qty", "net_wgt", "cif", "fob", "primary_value",
    "legacy_flag", "is_reported", "is_aggregate",
)

#: API v1 field names (lower-cased) for each staging name
API: dict[str, str] = {
    "type_code": "typecode", "freq": "freqcode", "year": "refyear", "month": "refmonth",
    "period": "period", "reporter_code": "reportercode", "reporter_iso": "reporteriso",
    "reporter_desc": "reporterdesc", "flow_code": "flowcode", "flow_desc": "flowdesc",
    "partner_code": "partnercode", "partner_iso": "partneriso", "partner_desc": "partnerdesc",
    "partner2_code": "partner2code", "partner2_iso": "partner2iso",
    "classification": "classificationcode", "cmd_code": "cmdcode",
    "customs_code": "customscode", "mot_code": "motcode", "qty_unit_code": "qtyunitcode",
    "qty_unit": "qtyunitabbr", "qty": "qty", "net_wgt": "netwgt", "cif": "cifvalue",
    "fob": "fobvalue", "primary_value": "primaryvalue",
    "legacy_flag": "legacyestimationflag", "is_reported": "isreported",
    "is_aggregate": "isaggregate",
}

#: comtradr (snake_case) names, lower-cased
COMTRADR: dict[str, str] = {
    "year": "year", "month": "month", "period": "period_desc",
    "reporter_code": "reporter_code", "reporter_iso": "reporter_iso",
    "reporter_desc": "reporter", "flow_code": "trade_code", "flow_desc": "trade_flow",
    "partner_code": "partner_code", "partner_iso": "partner_iso", "partner_desc": "partner",
    "cmd_code": "commodity_code", "mot_code": "mot_code", "qty_unit_code": "qtyunitcode",
    "qty_unit": "qtyunitabbr", "qty": "qty", "net_wgt": "netweight_kg", "cif": "cifvalue",
    "fob": "fobvalue", "primary_value": "trade_value_us", "is_reported": "isreported",
    "is_aggregate": "isaggregate",
}

REQUIRED = ("year", "reporter_code", "flow_code", "partner_code", "cmd_code", "primary_value")


class Layout:
    """Which publisher layout a file has and how its columns map to the staging names."""

    def __init__(self, name: str, mapping: dict[str, str], columns: list[str]) -> None:
        self.name = name
        self.mapping = mapping
        self.columns = columns  # the file's own header names
        lower = {c.strip().lower(): c for c in columns}
        self.source_of = {f: lower[mapping[f]] for f in FIELDS if mapping.get(f) in lower}

    def missing(self) -> list[str]:
        return [self.mapping[f] for f in REQUIRED if f not in self.source_of]


def detect_layout(columns: list[str], where: str) -> Layout:
    """The layout whose key columns the header has; InputError listing what is missing."""
    lower = {c.strip().lower() for c in columns}
    if "trade_value_us" in lower or "trade_code" in lower:
        layout = Layout("comtradr", COMTRADR, columns)
    else:
        layout = Layout("api", API, columns)
    missing = layout.missing()
    if missing:
        raise InputError(
            f"not a UN Comtrade table: missing column(s) {missing} (found {columns[:12]}"
            f"{' …' if len(columns) > 12 else ''})",
            file=where,
            row=1,
        )
    return layout


def head_text(path: Path, size: int = 65536) -> bytes:
    """The first bytes of the file, decompressed when it is gzip."""
    with open(path, "rb") as fh:
        head = fh.read(size)
    if head[:2] == b"\x1f\x8b":
        with gzip.open(path, "rb") as gz:
            try:
                return gz.read(size)
            except (OSError, EOFError) as exc:
                raise InputError(f"damaged gzip file: {exc}", file=str(path)) from exc
    return head


# -- JSON -------------------------------------------------------------------------------------


def _json_document(path: Path) -> dict[str, Any]:
    with open(path, "rb") as fh:
        magic = fh.read(2)
    opener = gzip.open if magic == b"\x1f\x8b" else open
    try:
        with opener(path, "rt", encoding="utf-8-sig") as fh:
            doc = json.load(fh)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not a complete JSON document (truncated or damaged): {exc.msg} at line "
            f"{exc.lineno}, column {exc.colno}",
            file=str(path),
            row=exc.lineno,
        ) from exc
    except (UnicodeDecodeError, OSError, EOFError) as exc:
        raise InputError(f"cannot read the JSON file: {exc}", file=str(path)) from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
        raise InputError("not a UN Comtrade API response: no \"data\" list at the top level",
                         file=str(path))
    return doc


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def load_json(con: Any, path: Path) -> tuple[Layout, dict[str, Any]]:
    """Stage an API v1 response; returns the layout and the response's envelope."""
    doc = _json_document(path)
    error = doc.get("error")
    if error:
        raise InputError(f"the API response reports an error: {error}", file=str(path))
    records = doc["data"]
    for i, rec in enumerate(records, start=1):
        if not isinstance(rec, dict):
            raise InputError(f"record {i} of \"data\" is not an object", file=str(path), row=i)
    columns = list(records[0]) if records else list(API.values())
    layout = detect_layout(columns, str(path))
    arrays = {"_rn": pa.array(range(1, len(records) + 1), pa.int64())}
    for field in FIELDS:
        key = layout.source_of.get(field)
        arrays[field] = pa.array(
            [_cell(r.get(key)) for r in records] if key else [None] * len(records), pa.string()
        )
    con.register("_raw_in", pa.table(arrays))
    con.execute("CREATE TABLE raw AS SELECT * FROM _raw_in")
    con.unregister("_raw_in")
    envelope = {k: v for k, v in doc.items() if k != "data"}
    envelope["records"] = len(records)
    return layout, envelope


# -- CSV / TSV --------------------------------------------------------------------------------

_LINE = re.compile(r"Line: (\d+)")


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", "\t", ";", "|")}
    return max(counts, key=lambda d: counts[d])


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _scan(path: Path, delim: str, encoding: str) -> str:
    return (
        f"read_csv({_lit(str(path))}, header = true, all_varchar = true, delim = {_lit(delim)}, "
        f"quote = '\"', encoding = {_lit(encoding)}, nullstr = ['', 'NA'])"
    )


def load_csv(con: Any, path: Path) -> tuple[Layout, list[str]]:
    """Stage a CSV/TSV file; returns the layout and notes (e.g. the encoding used)."""
    head = head_text(path)
    first = head.split(b"\n", 1)[0].decode("latin-1").lstrip("\ufeff").rstrip("\r")
    delim = _delimiter(first)
    notes: list[str] = []
    try:
        head.decode("utf-8")
        encodings = ["utf-8", "latin-1"]
    except UnicodeDecodeError as exc:
        encodings = ["utf-8", "latin-1"] if exc.start > len(head) - 4 else ["latin-1"]
    for encoding in encodings:
        try:
            columns = con.sql(f"SELECT * FROM {_scan(path, delim, encoding)} LIMIT 0").columns
            layout = detect_layout(list(columns), str(path))
            picks = ", ".join(
                f'"{layout.source_of[f]}" AS {f}' if f in layout.source_of
                else f"NULL::VARCHAR AS {f}" for f in FIELDS
            )
            con.execute(
                f"CREATE OR REPLACE TABLE raw AS SELECT row_number() OVER () + 1 AS _rn, {picks} "
                f"FROM {_scan(path, delim, encoding)}"
            )
        except duckdb.Error as exc:
            text = str(exc)
            if "unicode" in text.lower() and encoding != encodings[-1]:
                continue
            line = _LINE.search(text)
            raise InputError(
                f"cannot read as CSV: {text.splitlines()[0]}", file=str(path),
                row=int(line[1]) if line else None,
            ) from exc
        if encoding != "utf-8":
            notes.append(f"read as {encoding} text (the file is not UTF-8)")
        return layout, notes
    raise AssertionError("unreachable")  # pragma: no cover


def is_json(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def load(con: Any, path: Path) -> tuple[Layout, dict[str, Any], list[str]]:
    """Stage any Comtrade layout into ``raw``: (layout, JSON envelope or {}, notes)."""
    head = head_text(path)
    if not head.strip():
        raise InputError("the file is empty", file=str(path))
    if is_json(head):
        layout, envelope = load_json(con, path)
        return layout, envelope, []
    layout, notes = load_csv(con, path)
    return layout, {}, notes
