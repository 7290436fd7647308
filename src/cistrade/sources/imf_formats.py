"""The formats IMF trade statistics arrive in, parsed into one list of observations.

* **SDMX-ML 3.0 StructureSpecificData** (also 2.1), as the SDMX 3.0 API at
  ``api.imf.org/external/sdmx/3.0`` answers with ``Accept: application/xml``: ``Series``
  elements whose XML attributes are the dimensions and series attributes (``COUNTRY``,
  ``INDICATOR``, ``COUNTERPART_COUNTRY``, ``FREQUENCY``, ``SCALE`` …) holding ``Obs``
  elements (``TIME_PERIOD``, ``OBS_VALUE``, observation attributes). Read with lxml:
  sdmx1 reads this format only with the data structure definition at hand (without it,
  it takes the series attributes SCALE and OVERLAP for dimensions and warns).
* **SDMX-CSV** 2.0 (``Accept: application/vnd.sdmx.data+csv;version=2.0.0``; first columns
  ``STRUCTURE,STRUCTURE_ID,ACTION``) and 1.0 (first column ``DATAFLOW``): one observation
  per line, every component a column; ``labels=both`` cells (``USA: United States``) are
  read by their code.
* **SDMX-JSON** 2.0 (the 3.0 API's JSON) and 1.0: series keyed by positions
  (``"0:1:0:0"``) into the structure's dimension value lists.
* **DOTS CompactData JSON** (the former ``dataservices.imf.org`` API): ``CompactData.
  DataSet.Series`` (a list, or one object) with ``@FREQ, @REF_AREA, @INDICATOR,
  @COUNTERPART_AREA, @UNIT_MULT`` and ``Obs`` of ``@TIME_PERIOD, @OBS_VALUE``.
* the **data portal's wide CSV** download: one row per series, one column per period
  (``2024``, ``2024-Q1``, ``2024-M01``); the series either as a ``SERIES_CODE`` such as
  ``ARM.XG_FOB_USD.RUS.M`` or in ``COUNTRY``, ``INDICATOR``, ``COUNTERPART_COUNTRY``,
  ``FREQUENCY`` columns (codes or names), with a ``SCALE`` column (``Units``,
  ``Millions`` or a power of ten).

Every parser returns (:class:`Parsed`): observations with their ``row`` (the CSV line, or the
observation's position in the document, 1-based), the format name and the message's
prepared date when it has one.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cistrade.errors import InputError, _cut

__all__ = ["Obs", "Parsed", "parse", "SDMX_ML", "SDMX_CSV", "SDMX_JSON", "DOTS", "WIDE"]

SDMX_ML, SDMX_CSV, SDMX_JSON, DOTS, WIDE = (
    "SDMX-ML", "SDMX-CSV", "SDMX-JSON", "DOTS CompactData JSON", "IMF data portal CSV"
)
_PERIOD_COLUMN = re.compile(r"^\d{4}(-?[QM]\d{1,2}|-\d{2})?$", re.IGNORECASE)
_SCALE_WORDS = {"units": 0, "unit": 0, "thousands": 3, "millions": 6, "billions": 9}
#: the largest power of ten a file may give as its unit (``SCALE``, ``UNIT_MULT``): the IMF
#: publishes 0 to 9; a larger one is a damaged file, and ``10 ** SCALE`` of a huge one never ends
MAX_SCALE = 15


@dataclass
class Obs:
    """One observation as published (codes not yet resolved)."""

    area: str
    counterpart: str
    indicator: str
    freq: str | None
    period: str
    value: str | None
    scale: int
    row: int
    status: str | None = None


@dataclass
class Parsed:
    format: str
    obs: list[Obs] = field(default_factory=list)
    prepared: str | None = None
    attributes: dict[str, set[str]] = field(default_factory=dict)  # other attributes seen


def _scale(text: Any, where: str, row: int | None) -> int:
    s = str(text if text is not None else "0").strip().lower()
    if s in ("", "0"):
        return 0
    if s in _SCALE_WORDS:
        return _SCALE_WORDS[s]
    try:
        scale = int(s) if len(s) <= 4 else None
    except ValueError:
        scale = None
    if scale is None or not -MAX_SCALE <= scale <= MAX_SCALE:
        raise InputError(f"not a scale (a power of ten from -{MAX_SCALE} to {MAX_SCALE}): "
                         f"{_cut(str(text))!r}", file=where, row=row)
    return scale


def _text(cell: Any) -> str:
    return "" if cell is None else str(cell).strip()


def _code(cell: Any) -> str:
    """``USA: United States`` → ``USA`` (SDMX-CSV labels); other text stripped."""
    text = "" if cell is None else str(cell).strip()
    return text.split(": ", 1)[0].strip() if ": " in text else text


# -- SDMX-ML ---------------------------------------------------------------------------------

_AREA_KEYS = ("COUNTRY", "REF_AREA")
_PARTNER_KEYS = ("COUNTERPART_COUNTRY", "COUNTERPART_AREA")
_FREQ_KEYS = ("FREQUENCY", "FREQ")
_SCALE_KEYS = ("SCALE", "UNIT_MULT")
_KNOWN = {*_AREA_KEYS, *_PARTNER_KEYS, *_FREQ_KEYS, *_SCALE_KEYS, "INDICATOR", "TIME_PERIOD",
          "STRUCTURE", "STRUCTURE_ID", "ACTION", "DATAFLOW",
          "OBS_VALUE", "OBS_STATUS", "TIME_FORMAT"}


def _pick(attrs: dict[str, Any], keys: tuple[str, ...]) -> Any:
    return next((attrs[k] for k in keys if k in attrs), None)


def _obs(series: dict[str, Any], ob: dict[str, Any], row: int, where: str,
         parsed: Parsed) -> Obs:
    both = {**series, **ob}
    area, partner = _pick(both, _AREA_KEYS), _pick(both, _PARTNER_KEYS)
    if area is None or partner is None or "INDICATOR" not in both:
        raise InputError(
            f"observation without COUNTRY/COUNTERPART_COUNTRY/INDICATOR (found {sorted(both)})",
            file=where, row=row,
        )
    for key, value in both.items():
        if key not in _KNOWN:
            parsed.attributes.setdefault(key, set()).add(str(value))
    return Obs(
        area=_text(area), counterpart=_text(partner), indicator=_text(both["INDICATOR"]),
        freq=_text(_pick(both, _FREQ_KEYS)) or None, period=_text(both.get("TIME_PERIOD")),
        value=both.get("OBS_VALUE"), scale=_scale(_pick(both, _SCALE_KEYS), where, row),
        row=row, status=both.get("OBS_STATUS"),
    )


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_xml(path: Path) -> Parsed:
    from lxml import etree

    parsed = Parsed(SDMX_ML)
    row = 0
    series: dict[str, Any] = {}
    try:
        for event, el in etree.iterparse(str(path), events=("start", "end"), huge_tree=True):
            name = _local(el.tag)
            if event == "start" and name in ("GenericData", "GenericTimeSeriesData"):
                raise InputError("SDMX-ML generic data is not read: ask the API for "
                                 "structure-specific data (Accept: application/xml)",
                                 file=str(path))
            if event == "start" and name == "Series":
                series = {_local(k): v for k, v in el.attrib.items()}
            elif event == "end" and name == "Obs":
                row += 1
                parsed.obs.append(_obs(series, {_local(k): v for k, v in el.attrib.items()},
                                       row, str(path), parsed))
                el.clear()
            elif event == "end" and name == "Prepared":
                parsed.prepared = (el.text or "").strip() or None
            elif event == "end" and name in ("Error", "ErrorMessage"):
                raise InputError(f"the response is an SDMX error message: "
                                 f"{' '.join(el.itertext()).strip()}", file=str(path))
            elif event == "end" and name == "Series":
                el.clear()
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        raise InputError(f"not a complete XML document (truncated or damaged): {exc.msg}",
                         file=str(path), row=line) from exc
    return parsed


# -- SDMX-CSV and the portal's wide CSV ------------------------------------------------------


def _csv_rows(path: Path) -> list[list[str]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_bytes().decode("latin-1")
    return [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]


def parse_csv(path: Path) -> Parsed:
    rows = _csv_rows(path)
    if not rows:
        raise InputError("the file is empty", file=str(path))
    header = [_code(h).upper() for h in rows[0]]
    if "OBS_VALUE" in header and "TIME_PERIOD" in header:
        return _sdmx_csv(path, header, rows[1:])
    if any(_PERIOD_COLUMN.match(h) for h in header):
        return _wide_csv(path, header, rows[1:])
    raise InputError(
        f"not an IMF table: no TIME_PERIOD/OBS_VALUE columns and no period columns (2024, "
        f"2024-Q1, 2024-M01) in the header {rows[0][:10]}", file=str(path), row=1,
    )


def _sdmx_csv(path: Path, header: list[str], rows: list[list[str]]) -> Parsed:
    parsed = Parsed(SDMX_CSV)
    for line, cells in enumerate(rows, start=2):
        record = {h: _code(c) if h != "OBS_VALUE" else c.strip()
                  for h, c in zip(header, cells, strict=False)}
        if record.get("ACTION", "I").upper() == "D":
            continue  # a deletion instruction carries no figure
        parsed.obs.append(_obs({}, record, line, str(path), parsed))
    return parsed


def _wide_series(record: dict[str, str], where: str, line: int) -> dict[str, str]:
    code = record.get("SERIES_CODE", "")
    parts = code.split(".")
    if len(parts) >= 4 and all(parts[:3]):
        return {"COUNTRY": parts[0], "INDICATOR": parts[1], "COUNTERPART_COUNTRY": parts[2],
                "FREQUENCY": parts[3], "SCALE": record.get("SCALE", "")}
    dims = {k: record.get(k) or "" for k in ("COUNTRY", "INDICATOR", "COUNTERPART_COUNTRY")}
    if not all(dims.values()):
        raise InputError("no SERIES_CODE and no COUNTRY, INDICATOR, COUNTERPART_COUNTRY cells",
                         file=where, row=line)
    return {**dims, "FREQUENCY": record.get("FREQUENCY", ""), "SCALE": record.get("SCALE", "")}


def _wide_csv(path: Path, header: list[str], rows: list[list[str]]) -> Parsed:
    parsed = Parsed(WIDE)
    periods = [(i, h) for i, h in enumerate(header) if _PERIOD_COLUMN.match(h)]
    for line, cells in enumerate(rows, start=2):
        record = {h: c.strip() for h, c in zip(header, cells, strict=False)}
        series = _wide_series(record, str(path), line)
        for i, period in periods:
            cell = cells[i].strip() if i < len(cells) else ""
            if cell:
                ob = {"TIME_PERIOD": period, "OBS_VALUE": cell}
                parsed.obs.append(_obs(series, ob, line, str(path), parsed))
                parsed.obs[-1].freq = None  # the column says it (FREQUENCY may be a name)
    return parsed


# -- JSON: DOTS CompactData and SDMX-JSON ----------------------------------------------------


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _strip_at(d: dict[str, Any]) -> dict[str, Any]:
    return {k.lstrip("@"): v for k, v in d.items() if k.startswith("@")}


def _object(value: Any, what: str, path: Path, row: int | None = None) -> dict[str, Any]:
    """``value`` when it is a JSON object (a missing one reads as empty), else InputError."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(f"{what} is not a JSON object (found {type(value).__name__})",
                         file=str(path), row=row)
    return value


def parse_dots(doc: dict[str, Any], path: Path) -> Parsed:
    compact = _object(doc["CompactData"], "CompactData", path)
    prepared = _object(compact.get("Header"), "CompactData.Header", path).get("Prepared")
    if prepared is not None and not isinstance(prepared, str):
        raise InputError(f"Header.Prepared is not a date: {_cut(repr(prepared))}", file=str(path))
    parsed = Parsed(DOTS, prepared=prepared)
    dataset = _object(compact.get("DataSet"), "CompactData.DataSet", path)
    row = 0
    for n, series in enumerate(_as_list(dataset.get("Series")), start=1):
        attrs = _strip_at(_object(series, f"series {n}", path))
        for ob in _as_list(series.get("Obs")):
            row += 1
            parsed.obs.append(_obs(attrs, _strip_at(_object(ob, f"observation {row}", path, row)),
                                   row, str(path), parsed))
    return parsed


def _values(dims: list[dict[str, Any]], key: list[int]) -> dict[str, Any]:
    out = {}
    for dim, index in zip(dims, key, strict=False):
        values = dim.get("values") or []
        if index is not None and 0 <= index < len(values):
            out[dim["id"]] = values[index].get("id")
    return out


def parse_sdmx_json(doc: dict[str, Any], path: Path) -> Parsed:
    data = doc.get("data", doc)
    structure = (data.get("structures") or [data.get("structure") or doc.get("structure")])[0]
    meta = doc.get("meta") or doc.get("header") or {}
    parsed = Parsed(SDMX_JSON, prepared=meta.get("prepared"))
    dims = structure["dimensions"]
    attrs = structure.get("attributes") or {}
    row = 0
    for dataset in data.get("dataSets") or []:
        for key, series in (dataset.get("series") or {}).items():
            skey = [int(k) for k in key.split(":")]
            s = {**_values(dims.get("series") or [], skey),
                 **_values(attrs.get("series") or [], series.get("attributes") or [])}
            for okey, values in (series.get("observations") or {}).items():
                row += 1
                o = _values(dims.get("observation") or [], [int(k) for k in okey.split(":")])
                o.update(_values(attrs.get("observation") or [], list(values[1:])))
                o["OBS_VALUE"] = values[0] if values else None
                parsed.obs.append(_obs(s, o, row, str(path), parsed))
    return parsed


def parse_json(path: Path) -> Parsed:
    try:
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not a complete JSON document (truncated or damaged): {exc.msg} at line "
            f"{exc.lineno}, column {exc.colno}", file=str(path), row=exc.lineno,
        ) from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 JSON: {exc}", file=str(path)) from exc
    if isinstance(doc, dict) and "CompactData" in doc:
        return parse_dots(doc, path)
    if isinstance(doc, dict) and ("dataSets" in doc or "dataSets" in (doc.get("data") or {})):
        try:
            return parse_sdmx_json(doc, path)
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
            raise InputError(f"malformed SDMX-JSON message: {_cut(repr(exc))}", file=str(path)) from exc
    raise InputError("not IMF data: neither DOTS CompactData nor an SDMX-JSON data message",
                     file=str(path))


def parse(path: Path, head: bytes) -> Parsed:
    """Parse any of the formats above, chosen by content."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start == b"<":
        return parse_xml(path)
    if start in (b"{", b"["):
        return parse_json(path)
    return parse_csv(path)
