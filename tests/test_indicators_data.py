"""Helpers for the indicator tests: small hand-made canonical datasets, ingested properly.

A record is written as ``rec("KAZ", "CHN", "export", "2023", 100)``; periods ``2023`` (A),
``2023-Q1`` (Q), ``2023-01`` (M) or ``2023-01..2023-09`` (a cumulative C row). Records go into
a store through :class:`ArrowSource`, a real :class:`cistrade.sources.base.Source`, so every
row passes the store's validation like a publisher's would.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import pyarrow as pa

from cistrade.model import PeriodRange
from cistrade.schema import FLOW_SCHEMA
from cistrade.sources.base import ReadResult, Source

DEFAULT_BASIS = {"export": "destination", "import": "origin"}


def rec(reporter: str, partner: str, flow: str, period: str, value: float, *,
        basis: str | None = None, agg: bool | None = None, currency: str = "USD",
        valuation: str = "unknown", product: str = "TOTAL", pc: str = "TOTAL") -> dict[str, Any]:
    """One canonical row (aggregate defaults to true for WLD and G:… partners)."""
    rng = PeriodRange.parse(period)
    single = rng.as_period()
    freq = "C" if ".." in period else single.freq.value
    return {
        "reporter": reporter, "partner": partner, "flow": flow, "freq": freq,
        "period_start": rng.first_day, "period_end": rng.last_day,
        "product_class": pc, "product": product, "value": float(value),
        "currency": currency, "valuation": valuation,
        "partner_basis": basis or DEFAULT_BASIS.get(flow, "unknown"),
        "quantity": None, "quantity_unit": None, "estimated": False,
        "aggregate": agg if agg is not None else (partner == "WLD" or partner.startswith("G:")),
    }


def table(records: list[dict[str, Any]]) -> pa.Table:
    schema = FLOW_SCHEMA.remove(0)
    rows = [{**r, "row_ref": f"row={i + 2}"} for i, r in enumerate(records)]
    return pa.Table.from_pylist(rows, schema=schema)


def source_class(name: str) -> type[Source]:
    """An in-memory source under a given name (to exercise the source preference)."""
    return type(f"Arrow_{name.replace('-', '_')}", (ArrowSource,), {"name": name})


class ArrowSource(Source):
    """Canonical rows handed over as an Arrow table; the file only gives them an identity."""

    name: ClassVar[str] = "testdata"
    title: ClassVar[str] = "hand-made test rows"

    def __init__(self, records: list[dict[str, Any]], series: str, vintage: str = "1") -> None:
        super().__init__()
        self.records, self.series, self.vintage = records, series, vintage

    def read(self, path: Path) -> ReadResult:
        return ReadResult(data=table(self.records), series=self.series, vintage=self.vintage,
                          title=f"test rows {self.series}")


def ingest(store: Any, folder: Path, records: list[dict[str, Any]], *, series: str,
           source: str = "testdata", vintage: str = "1") -> str:
    """Ingest records as one dataset; returns its id."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{series.replace('/', '_')}-{source}-{vintage}.json"
    path.write_text(json.dumps([{**r, "period_start": str(r["period_start"]),
                                 "period_end": str(r["period_end"])} for r in records]))
    cls = source_class(source) if source != "testdata" else ArrowSource
    report = store.ingest(cls(records, series, vintage), [path])
    return report.files[0].dataset_id


def months(first: str, last: str) -> list[str]:
    return [str(m) for m in PeriodRange.parse(f"{first}..{last}").months()]


def test_rec_periods() -> None:
    assert rec("KAZ", "CHN", "export", "2023", 1)["freq"] == "A"
    assert rec("KAZ", "CHN", "export", "2023-Q2", 1)["freq"] == "Q"
    r = rec("KAZ", "WLD", "export", "2023-01..2023-09", 1)
    assert (r["freq"], r["aggregate"], str(r["period_end"])) == ("C", True, "2023-09-30")
