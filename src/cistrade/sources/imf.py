"""IMF International Trade in Goods Statistics (IMTS, formerly Direction of Trade, DOTS).

Formats (content-detected; see :mod:`cistrade.sources.imf_formats`): SDMX-ML 3.0
structure-specific data, SDMX-CSV 2.0/1.0 and SDMX-JSON from the SDMX 3.0 API (dataflow
``IMF.STA:IMTS``), the former DOTS API's CompactData JSON, and the data portal's wide CSV.

Indicators: ``XG_FOB_USD`` exports FOB, ``MG_CIF_USD`` imports CIF, ``MG_FOB_USD`` imports
FOB (DOTS: ``TXG_FOB_USD``, ``TMG_CIF_USD``, ``TMG_FOB_USD``). When a file has both import
valuations for the same figure, the CIF one is kept (the headline import figure) and the
FOB one is skipped with a reason. ``TBG_USD`` (the trade balance) is not a flow: skipped.
Exports are by destination, imports by origin (the IMF's partner convention).

Areas: ISO alpha-3 (SDMX 3.0) or alpha-2 (DOTS ``REF_AREA``). ``G001``/``W00`` are the World;
``G998``/``B0`` the European Union (the recorded responses show G998 = DOTS B0, to the
dollar); ``G163``/``U2`` the euro area. Other IMF regional aggregates (``G110`` advanced
economies, ``GX…``/``TX…`` regional residuals, DOTS numeric region codes) have no registry
group: skipped with a reason.

**Scale.** ``SCALE`` (``UNIT_MULT`` in DOTS) is the power of ten of the unit. The IMF's
SDMX 3.0 API serves ``OBS_VALUE`` in whole US dollars although its series say
``SCALE="6"``; DOTS values with ``UNIT_MULT`` 6 are genuinely millions. The reader decides
per file, in this order: with the scale applied, a figure above 1e13 USD (more than any
country's yearly trade) means whole units; DOTS's ``UNIT_MULT`` is otherwise trusted;
values with decimals mean the scale applies; whole-number values of 10,000 and more mean
whole units (a figure in millions is rarely a whole number); else the format's known
convention decides (SDMX 3.0 API formats: whole units; the portal's CSV: scaled). A
warning always says which reading was taken and why; ``scale="apply"``/``"ignore"``
overrides.

``estimated`` is true where ``OBS_STATUS`` is E (estimated) or F (forecast).
"""

from __future__ import annotations

import logging
import math
import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyarrow as pa

from cistrade.errors import InputError, UnknownCountry
from cistrade.model import Flow, Freq, PartnerBasis, Period, Valuation
from cistrade.reference.countries import registry, source_aliases
from cistrade.rowref import format_row_ref
from cistrade.schema import DATA_COLUMNS
from cistrade.sources import imf_formats as fmt
from cistrade.sources.base import ReadResult, Skipped, Source, Supports, sniff_text

__all__ = ["ImfSource", "INDICATORS", "AREA_CODES", "decide_scale"]

log = logging.getLogger(__name__)

#: indicator → (flow, valuation); None: not a flow (skipped)
INDICATORS: dict[str, tuple[str, str] | None] = {
    "XG_FOB_USD": ("export", "FOB"), "TXG_FOB_USD": ("export", "FOB"),
    "MG_CIF_USD": ("import", "CIF"), "TMG_CIF_USD": ("import", "CIF"),
    "MG_FOB_USD": ("import", "FOB"), "TMG_FOB_USD": ("import", "FOB"),
    "TBG_USD": None, "TBG_FOB_USD": None,
}
#: IMF aggregate codes with a registry area
AREA_CODES = {"G001": "WLD", "W00": "WLD", "G998": "G:EU", "B0": "G:EU", "G163": "G:EA",
              "U2": "G:EA"}
#: a country's yearly trade never exceeds this (world exports are about 2.4e13 USD)
ABSURD_USD = 1e13
WHOLE_NUMBER_FLOOR = 1e4
#: IMF regional aggregates (G110, GX170, TX910), DOTS numeric and mixed region codes (110, F6)
_AGGREGATE = re.compile(r"^(G|GX|TX)\d{3}$|^\d+$|^(?=.*\d)[A-Z0-9]{2}$|_")
_DEFAULT_WHOLE = {fmt.SDMX_ML: True, fmt.SDMX_CSV: True, fmt.SDMX_JSON: True,
                  fmt.DOTS: False, fmt.WIDE: False}
_INDICATOR_NAMES = (("balance", None), ("export", "XG_FOB_USD"),
                    ("cif", "MG_CIF_USD"), ("cost, insurance", "MG_CIF_USD"),
                    ("fob", "MG_FOB_USD"), ("free on board", "MG_FOB_USD"))


def _number(text: Any) -> float | None:
    try:
        value = float(str(text).strip())
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def decide_scale(obs: list[fmt.Obs], values: list[float | None], format_name: str,
                 mode: str = "auto") -> tuple[bool, str | None]:
    """(apply the SCALE attribute?, the warning saying which reading was taken and why)."""
    scaled = [(o, v) for o, v in zip(obs, values, strict=True) if o.scale and v is not None]
    if not scaled:
        return False, None
    scales = sorted({o.scale for o, _ in scaled})
    if mode in ("apply", "ignore"):
        return mode == "apply", f"SCALE {scales}: {mode} (as asked)"
    apply, why = _judge(scaled, format_name)
    one = f"OBS_VALUE × 10^{scales[0]}" if len(scales) == 1 else "OBS_VALUE × 10^SCALE"
    reading = one if apply else "OBS_VALUE in whole USD (SCALE ignored)"
    return apply, f"SCALE {scales} in the file: read as {reading}; {why}"


def _judge(scaled: list[tuple[fmt.Obs, float]], format_name: str) -> tuple[bool, str]:
    """Whether the values are scaled, from their magnitudes, then the format's convention."""
    top_obs, top = max(scaled, key=lambda ov: abs(ov[1]) * 10 ** ov[0].scale)
    biggest = abs(top) * 10 ** top_obs.scale
    if biggest > ABSURD_USD:
        return False, (f"with the scale applied, {top_obs.area} → {top_obs.counterpart} "
                       f"{top_obs.period} would be {biggest:.3g} USD, more than any country "
                       "trades")
    if format_name == fmt.DOTS:
        return True, "DOTS's UNIT_MULT is the unit of its values"
    if not all(float(v).is_integer() for _, v in scaled):
        return True, "the values have decimals, as scaled figures do"
    if max(abs(v) for _, v in scaled) >= WHOLE_NUMBER_FLOOR:
        return False, "every value is a whole number, as whole-dollar figures are"
    default_whole = _DEFAULT_WHOLE.get(format_name, False)
    return not default_whole, f"the magnitudes cannot tell; {format_name} convention"


#: the IMF's own spellings ("China, P.R.: Mainland"), declared in the registry's data
#: (``reference/aliases.tsv``, source ``imf``), which is built with them
IMF_ALIASES: dict[str, tuple[str, ...]] = source_aliases("imf")
#: the IMF's qualifiers after a country's name: "Armenia, Rep. of", "Bahrain, Kingdom of",
#: "Curaçao, Kingdom of the Netherlands". Never stripped when they tell two countries apart
#: ("Congo, Dem. Rep. of the", "Korea, Dem. People's Rep. of"): those need their full name.
_QUALIFIER = re.compile(
    r",\s*(the\s+)?((islamic|arab|federal|fed\.|united|bolivariana|plurinational)\s+)*"
    r"(rep\.|republic\b|kingdom\b|principality\b|states?\b).*$",
    re.IGNORECASE,
)
_DISTINGUISHING = re.compile(r"\b(dem\.|democratic|people's)", re.IGNORECASE)




def _by_name(text: str) -> str:
    """An IMF area name: as written, then without the IMF's qualifier (", Rep. of" …)."""
    reg = registry()
    try:
        return reg.lookup(text).code
    except UnknownCountry:
        short = "" if _DISTINGUISHING.search(text) else _QUALIFIER.sub("", text).strip()
        if not short or short == text:
            raise
        return reg.lookup(short).code


def _area(code: str, where: str, row: int) -> str | None:
    """Registry code of an IMF area (code or name); None for an IMF aggregate without a
    registry group."""
    text = code.strip()
    up = text.upper()
    if up in AREA_CODES:
        return AREA_CODES[up]
    reg = registry()
    if len(up) == 3 and up.isalpha() and up in reg:
        return reg.get(up).code
    if _AGGREGATE.match(up):
        return None
    try:
        if len(up) == 2 and up.isalpha():
            return reg.lookup(up, scheme="iso2").code
        return _by_name(text)  # the portal's CSV may name the areas
    except UnknownCountry as exc:
        raise exc.located(file=where, row=row) from None


def _indicator(text: str) -> str:
    code = text.strip().upper()
    if code in INDICATORS:
        return code
    lower = text.lower()
    if "import" in lower or "export" in lower or "balance" in lower:
        for word, known in _INDICATOR_NAMES:
            if word in lower and (known or word == "balance"):
                return known or "TBG_USD"
    return code


class ImfSource(Source):
    """IMF IMTS / DOTS bilateral goods trade in USD."""

    name = "imf"
    title = "IMF International Trade in Goods (IMTS, formerly DOTS)"
    publisher = "International Monetary Fund"
    url = "https://data.imf.org/"
    licence = "IMF terms of use for data (https://www.imf.org/external/terms.htm)"
    supports = Supports(
        freqs=frozenset({Freq.ANNUAL, Freq.QUARTERLY, Freq.MONTHLY}),
        flows=frozenset({Flow.EXPORT, Flow.IMPORT}),
        valuations=frozenset({Valuation.FOB, Valuation.CIF}),
        bases=frozenset({PartnerBasis.ORIGIN, PartnerBasis.DESTINATION}),
        fetch=True,
    )
    on_duplicate = "error"
    priority = 45

    def __init__(self, *, scale: str = "auto", series: str | None = None,
                 vintage: str | None = None, **options: Any) -> None:
        super().__init__(**options)
        if scale not in ("auto", "apply", "ignore"):
            raise InputError(f"scale is auto, apply or ignore, not {scale!r}")
        self.scale = scale
        self.series = series
        self.vintage = vintage

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        text = sniff_text(head)
        start = text.lstrip("\ufeff \t\r\n")[:1]
        if start == "<":
            return "StructureSpecificData" in text and ("IMTS" in text or "COUNTERPART_" in text)
        if start == "{":
            return ('"CompactData"' in text and "COUNTERPART_AREA" in text) or (
                "dataSets" in text and "COUNTERPART_COUNTRY" in text)
        first = text.split("\n", 1)[0].upper()
        return "COUNTERPART_COUNTRY" in first or "COUNTERPART_AREA" in first

    def read(self, path: Path) -> ReadResult:
        path = Path(path)
        with open(path, "rb") as fh:
            head = fh.read(4096)
        if not head.strip():
            raise InputError("the file is empty", file=str(path))
        parsed = fmt.parse(path, head)
        if not parsed.obs:
            raise InputError(f"the {parsed.format} message holds no observations", file=str(path))
        values = [_number(o.value) for o in parsed.obs]
        apply, scale_note = decide_scale(parsed.obs, values, parsed.format, self.scale)
        rows, skipped = _rows(parsed, values, apply, str(path))
        rows, dropped = _prefer_cif(rows)
        skipped += dropped
        if not rows:
            reasons = sorted({s.reason for s in skipped})[:5]
            raise InputError(f"no trade flows to store; every observation was skipped ({reasons})",
                             file=str(path))
        notes = [f"format: {parsed.format}; {len(rows)} rows"]
        notes += [f"attribute {k}: {', '.join(sorted(v))}" for k, v in parsed.attributes.items()]
        return ReadResult(
            data=_table(rows),
            series=self.series or "imf/imts",
            vintage=self.vintage or parsed.prepared or _file_vintage(path),
            title=f"IMF IMTS: {path.name}",
            notes=notes,
            warnings=[scale_note] if scale_note else [],
            skipped=skipped,
        )


def _file_vintage(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _rows(parsed: fmt.Parsed, values: list[float | None], apply: bool,
          where: str) -> tuple[list[dict[str, Any]], list[Skipped]]:
    rows: list[dict[str, Any]] = []
    skipped: list[Skipped] = []
    for ob, value in zip(parsed.obs, values, strict=True):
        ref = format_row_ref(row=ob.row, col=ob.period if parsed.format == fmt.WIDE else None)
        reason = _skip_reason(ob, value)
        kind = INDICATORS.get(_indicator(ob.indicator))
        if reason or kind is None or value is None:
            skipped.append(Skipped(ref, reason or "no value"))
            continue
        flow, valuation = kind
        reporter, partner = _area(ob.area, where, ob.row), _area(ob.counterpart, where, ob.row)
        if reporter is None or partner is None:
            code = ob.area if reporter is None else ob.counterpart
            skipped.append(Skipped(ref, f"IMF aggregate {code}: no registry group"))
            continue
        period = _period(ob, where)
        rows.append({
            "reporter": reporter, "partner": partner, "flow": flow, "freq": period.freq.value,
            "period_start": period.start, "period_end": period.end,
            "value": _scaled(ob, value) if apply else value, "valuation": valuation,
            "partner_basis": "destination" if flow == "export" else "origin",
            "estimated": (ob.status or "").upper() in ("E", "F"),
            "aggregate": _is_total(reporter) or _is_total(partner), "row_ref": ref,
        })
    return rows, skipped


def _scaled(ob: fmt.Obs, value: float) -> float:
    """``OBS_VALUE × 10^SCALE`` in decimal arithmetic (233754.7771e6 stays exact)."""
    try:
        return float(Decimal(str(ob.value).strip()).scaleb(ob.scale))
    except InvalidOperation:
        return value * 10**ob.scale


def _skip_reason(ob: fmt.Obs, value: float | None) -> str | None:
    code = _indicator(ob.indicator)
    if code not in INDICATORS:
        return f"indicator {ob.indicator}: not a goods trade flow in USD"
    if INDICATORS[code] is None:
        return f"indicator {ob.indicator}: the trade balance, not a flow"
    if value is None:
        return f"no value ({ob.value!r})"
    return None


def _period(ob: fmt.Obs, where: str) -> Period:
    try:
        period = Period.parse(ob.period.replace("-M", "-"))
    except InputError:
        raise InputError(f"not a period: {ob.period!r}", file=where, row=ob.row) from None
    freq = (ob.freq or "").upper()[:1]
    if freq and freq in "AQM" and freq != period.freq.value:
        raise InputError(f"period {ob.period!r} does not match frequency {ob.freq!r}",
                         file=where, row=ob.row)
    return period


def _is_total(code: str) -> bool:
    return registry().get(code).kind in ("world", "group")


def _prefer_cif(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[Skipped]]:
    """Drop FOB imports whose CIF counterpart is in the file (same key, one figure)."""
    key = ("reporter", "partner", "flow", "period_start", "period_end")
    cif = {tuple(r[k] for k in key) for r in rows if r["flow"] == "import"
           and r["valuation"] == "CIF"}

    def redundant(r: dict[str, Any]) -> bool:
        return r["valuation"] == "FOB" and tuple(r[k] for k in key) in cif

    reason = "imports FOB (MG_FOB_USD): the CIF figure of the same imports is kept"
    return ([r for r in rows if not redundant(r)],
            [Skipped(r["row_ref"], reason) for r in rows if redundant(r)])


def _table(rows: list[dict[str, Any]]) -> pa.Table:
    n = len(rows)
    cols = {c: [r.get(c) for r in rows] for c in DATA_COLUMNS}
    cols.update(product_class=["TOTAL"] * n, product=["TOTAL"] * n, currency=["USD"] * n,
                quantity=[None] * n, quantity_unit=[None] * n)
    types = {"period_start": pa.date32(), "period_end": pa.date32(), "value": pa.float64(),
             "quantity": pa.float64(), "estimated": pa.bool_(), "aggregate": pa.bool_()}
    return pa.table({c: pa.array(cols[c], types.get(c, pa.string())) for c in DATA_COLUMNS})
