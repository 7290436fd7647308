"""UN Comtrade: API v1 responses, bulk CSV/TSV files and the comtradr R client's tables.

Layouts (:mod:`cistrade.sources.comtrade_layouts`): the API v1 JSON response, the same
camelCase records as CSV/TSV (optionally gzip), and comtradr's snake_case CSV (encoding
detected: UTF-8, else latin-1).

How a Comtrade record becomes a canonical row:

* **areas**: Comtrade's own numeric codes (842 USA, 251 France, 699 India, 0 World, 899
  areas n.e.s.) through the registry's ``comtrade`` codes, then Comtrade's codes of former
  and variant territories and regional n.e.s. areas, then the record's ISO field
  (``reporterISO``/``partnerISO``; W00 is the World) — see
  :mod:`cistrade.sources.comtrade_codes`. The numeric code comes first because Comtrade's
  ISO field is not always ISO (``_X`` areas n.e.s., ``S19`` Other Asia n.e.s.).
* **flows**: M import, X export, RM re-import, RX re-export; other flows (DX, FM …) and
  services records (typeCode S) are skipped with a reason.
* **periods**: ``refMonth`` 52 (or no month) is the year (freq A), 1–12 a month (freq M).
* **value**: ``primaryValue`` in USD (else ``cifvalue``/``fobvalue``). Valuation is CIF when
  ``cifvalue`` equals the primary value, FOB when ``fobvalue`` does, otherwise the flow's
  convention (imports CIF, exports FOB). Imports are by country of origin, exports by
  destination (Comtrade's partner convention).
* **estimated**: true when ``legacyEstimationFlag`` is not 0, or when the record is neither
  reported by the country (``isReported``) nor an exact aggregate UNSD computed from
  reported detail (``isAggregate``). Aggregates of reported data are therefore *not*
  marked estimated; UNSD's own estimates are. (The quantity flags only concern quantities.)
* **products**: ``cmdCode`` TOTAL is all goods (product_class and product ``TOTAL``); other
  codes keep their text under the classification of ``classificationCode`` (H0 → HS92,
  H1 → HS96, H2 → HS02, H3 → HS07, H4 → HS12, H5 → HS17, H6 → HS22, HS as reported →
  HS; S1–S4 → SITC1–SITC4). comtradr tables carry no classification: HS.
* **quantity**: ``qty`` in ``qtyUnitAbbr`` when there is a unit, else ``netWgt`` in kg.
* **breakdowns** (second partner ``partner2Code``, mode of transport ``motCode``, customs
  procedure ``customsCode``): the canonical row has no such columns, so it holds the total
  over them. When a file has the total record (partner2 World, motCode 0, customsCode C00)
  the detail records are skipped with a reason (``partner2 = CHN (second-partner detail
  …)``); when it holds only the detail (comtradr's tables by mode of transport), the
  detail records are summed into one row and the ingest notes say how many.
  Several Comtrade areas that read as one registry area (regional n.e.s. areas as XNS)
  are summed the same way.
* **duplicates**: the same record twice collapses (noted); the same record with different
  values stops the ingest naming both rows.

``row_ref`` is ``row=N``: the line of a CSV file (header = 1), or the record's position in a
JSON response's ``data`` list (1-based). A summed row points at its first record.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from cistrade.errors import InputError
from cistrade.model import Flow, Freq, PartnerBasis, Valuation
from cistrade.sources import comtrade_layouts as layouts
from cistrade.sources import comtrade_steps as steps
from cistrade.sources.base import ReadResult, Source, Supports
from cistrade.sources.comtrade_steps import CLASSIFICATIONS

__all__ = ["ComtradeSource", "CLASSIFICATIONS", "RECORD_LIMITS"]

log = logging.getLogger(__name__)

#: the API's record caps: a response holding exactly this many records may be cut short
RECORD_LIMITS = (500, 100_000, 250_000)


class ComtradeSource(Source):
    """UN Comtrade goods trade (API v1 JSON, bulk CSV/TSV, comtradr tables)."""

    name = "comtrade"
    title = "UN Comtrade"
    publisher = "United Nations Statistics Division"
    url = "https://comtradeplus.un.org/"
    licence = "UN Comtrade terms of use (https://comtradeplus.un.org/)"
    supports = Supports(
        freqs=frozenset({Freq.ANNUAL, Freq.MONTHLY}),
        flows=frozenset(Flow),
        valuations=frozenset({Valuation.CIF, Valuation.FOB}),
        bases=frozenset({PartnerBasis.ORIGIN, PartnerBasis.DESTINATION}),
        products=True,
        fetch=True,
    )
    on_duplicate = "error"
    priority = 40

    def __init__(self, *, series: str | None = None, vintage: str | None = None,
                 **options: Any) -> None:
        super().__init__(**options)
        self.series = series
        self.vintage = vintage

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        try:
            text = layouts.head_text(path) if head[:2] == b"\x1f\x8b" else head
        except InputError:
            return False
        first = text[:4096].decode("latin-1").lower()
        if layouts.is_json(text):
            return '"data"' in first and ("reportercode" in first or '"elapsedtime"' in first)
        line = first.split("\n", 1)[0]
        return ("primaryvalue" in line and "reportercode" in line) or (
            "trade_value_us" in line and "reporter_code" in line
        )

    # -- reading --------------------------------------------------------------------------

    def read(self, path: Path) -> ReadResult:
        path = Path(path)
        con = duckdb.connect()
        try:
            return self._read(con, path)
        finally:
            con.close()

    def _read(self, con: Any, path: Path) -> ReadResult:
        layout, envelope, notes = layouts.load(con, path)
        warnings = _envelope_warnings(envelope)
        steps.check_numbers(con, path, layout)
        con.execute(steps.typed_sql())
        steps.check_periods(con, path, layout)
        skipped = steps.skip_rows(con)
        steps.map_areas(con, path)
        notes += steps.deduplicate(con, path)
        skipped += steps.breakdowns(con)
        table, summed = steps.canonical(con)
        if table.num_rows == 0:
            reasons = sorted({s.reason for s in skipped})[:5]
            raise InputError(
                f"no goods trade records to store; every record was skipped ({reasons})",
                file=str(path))
        if summed:
            notes.append(
                f"{summed[0]} row(s) are sums of {summed[1]} records: a breakdown (mode of "
                "transport, second partner, customs procedure) without its total record, or "
                "several Comtrade areas read as one registry area (regional n.e.s. → XNS)"
            )
        notes.append(f"layout: {layout.name}; {table.num_rows} canonical rows")
        return ReadResult(
            data=table,
            series=self.series or "comtrade",
            vintage=self.vintage or _file_vintage(path),
            title=f"UN Comtrade: {path.name}",
            notes=notes,
            warnings=warnings,
            skipped=skipped,
        )


def _file_vintage(path: Path) -> str:
    """Comtrade records carry no release date: the file's modification time stands in."""
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _envelope_warnings(envelope: dict[str, Any]) -> list[str]:
    warnings = []
    n = envelope.get("records")
    count = envelope.get("count")
    if isinstance(count, int) and n is not None and count != n:
        warnings.append(f"the response says count {count} but holds {n} records")
    if n in RECORD_LIMITS:
        warnings.append(f"the response holds exactly {n} records, an API limit: the query's "
                        "result may be cut short; split the query")
    return warnings


