"""IMF International Merchandise Trade Statistics (IMTS) through the SDMX 3.0 API.

Requests follow the form of the IMF's own API (https://api.imf.org/external/sdmx/3.0),
as recorded in ``shared/data/imf/recorded_api_imf_org/manifest.json``:

* data: ``data/dataflow/IMF.STA/IMTS/+/{COUNTRY}.{INDICATOR}.{COUNTERPART_COUNTRY}.{FREQUENCY}``
  ``?c%5BTIME_PERIOD%5D=ge:2023-01-01+le:2024-12-31&dimensionAtObservation=TIME_PERIOD``
  ``&detail=full&includeHistory=false`` — several codes of one dimension joined with ``+``,
  an empty dimension (every code) as ``*``; answered as SDMX-ML 3.0 StructureSpecificData
  (``Accept: application/xml``, as recorded) or SDMX-CSV 2.0 with ``csv=True``
  (``Accept: application/vnd.sdmx.data+csv;version=2.0.0``);
* availability: ``availability/dataflow/IMF.STA/IMTS/%2B/{key}/{DIMENSION}`` with
  ``Accept: application/json``: the codes of one dimension that have data under ``key``.
  Used to say what *is* there when a query finds nothing.

One request per reporter (COUNTRY). An HTTP 404 from the data endpoint is SDMX's "no
results" and becomes :class:`~cistrade.errors.NoData`. sdmx1 knows this service
(``IMF_DATA3``) but drives it through ``requests``; cistrade uses httpx directly so that the
cache, retries and the injected test transport are the same as for every other fetcher.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cistrade.errors import CistradeError, InputError, NoData, SourceUnavailable
from cistrade.fetch import Fetched, FetchResult
from cistrade.fetch.http import HttpClient, utc_now
from cistrade.model import Period

__all__ = ["ImfQuery", "fetch_imf", "availability", "BASE_URL", "ACCEPT_XML", "ACCEPT_CSV"]

log = logging.getLogger(__name__)

BASE_URL = "https://api.imf.org/external/sdmx/3.0"
FLOW_PATH = "dataflow/IMF.STA/IMTS"
DIMENSIONS = ("COUNTRY", "INDICATOR", "COUNTERPART_COUNTRY", "FREQUENCY")
ACCEPT_XML = "application/xml"
ACCEPT_CSV = "application/vnd.sdmx.data+csv;version=2.0.0"
ACCEPT_JSON = "application/json"
DEFAULT_INDICATORS = ("XG_FOB_USD", "MG_CIF_USD")
IMF_WORLD = "G001"
_CODE = re.compile(r"^[A-Z0-9_]+$")

ProgressFn = Callable[[str, dict[str, Any]], None]


@dataclass(frozen=True)
class ImfQuery:
    """What to ask IMTS for, in the IMF's codes (see :meth:`build` for names)."""

    reporters: tuple[str, ...]  # COUNTRY codes (ISO alpha-3)
    indicators: tuple[str, ...] = DEFAULT_INDICATORS
    partners: tuple[str, ...] = ()  # COUNTERPART_COUNTRY codes; () = every partner
    freq: str = "A"
    start: Period | None = None
    end: Period | None = None
    csv: bool = False

    @classmethod
    def build(
        cls,
        reporters: Sequence[str],
        *,
        indicators: Sequence[str] = DEFAULT_INDICATORS,
        partners: Sequence[str] = (),
        freq: str = "A",
        start: str | None = None,
        end: str | None = None,
        csv: bool = False,
    ) -> ImfQuery:
        """Resolve names (``"Armenia"``, ``"ARM"``, ``"World"`` → ``G001``) and periods."""
        freq = str(freq).upper()
        if freq not in ("A", "Q", "M"):
            raise InputError(f"IMTS frequency is A, Q or M, not {freq!r}")
        if not reporters:
            raise InputError("name at least one reporter (--reporter)")
        first = Period.parse(start) if start else None
        last = Period.parse(end) if end else None
        if first and last and last.end < first.start:
            raise InputError(f"--end {end} is before --start {start}")
        return cls(
            reporters=tuple(dict.fromkeys(_reporter(r) for r in _split_all(reporters))),
            indicators=tuple(dict.fromkeys(_indicator(i) for i in _split_all(indicators)))
            or DEFAULT_INDICATORS,
            partners=tuple(dict.fromkeys(_partner(p) for p in _split_all(partners) if p != "*")),
            freq=freq,
            start=first,
            end=last,
            csv=csv,
        )

    @property
    def accept(self) -> str:
        return ACCEPT_CSV if self.csv else ACCEPT_XML

    def key(self, reporters: Iterable[str] | None = None) -> str:
        parts = [tuple(reporters or self.reporters), self.indicators, self.partners, (self.freq,)]
        return ".".join("+".join(p) if p else "*" for p in parts)

    def url(self, reporter: str | None = None) -> str:
        """The data URL for one reporter (or every reporter of the query)."""
        key = self.key([reporter] if reporter else None)
        bounds = []
        if self.start:
            bounds.append(f"ge:{self.start.start.isoformat()}")
        if self.end:
            bounds.append(f"le:{self.end.end.isoformat()}")
        params = [f"c%5BTIME_PERIOD%5D={'+'.join(bounds)}"] if bounds else []
        params += ["dimensionAtObservation=TIME_PERIOD", "detail=full", "includeHistory=false"]
        return f"{BASE_URL}/data/{FLOW_PATH}/+/{key}?{'&'.join(params)}"

    def name(self, reporter: str) -> str:
        span = f"{self.start or ''}-{self.end or ''}" if self.start or self.end else "all"
        return f"IMTS_{self.key([reporter])}_{span}"

    def describe(self) -> dict[str, Any]:
        return {
            "api": "IMF SDMX 3.0",
            "dataflow": "IMF.STA:IMTS",
            "COUNTRY": list(self.reporters),
            "INDICATOR": list(self.indicators),
            "COUNTERPART_COUNTRY": list(self.partners) or "all",
            "FREQUENCY": self.freq,
            "start": str(self.start) if self.start else None,
            "end": str(self.end) if self.end else None,
            "format": "SDMX-CSV 2.0" if self.csv else "SDMX-ML 3.0 StructureSpecificData",
        }


def _split_all(values: Iterable[str]) -> list[str]:
    return [v.strip() for value in values for v in re.split(r"[,+]", str(value)) if v.strip()]


def _reporter(text: str) -> str:
    from cistrade.reference.countries import registry

    area = registry().lookup(text)
    if area.kind not in ("country", "historical"):
        raise InputError(f"{area.name_en} ({area.code}) is not a country: IMTS reporters are "
                         "countries (ISO alpha-3 codes)")
    return area.code


def _partner(text: str) -> str:
    """An IMF counterpart code: a country's ISO alpha-3, or the IMF's own ``G…`` codes."""
    code = text.strip().upper()
    if re.fullmatch(r"G\d{3}", code):
        return code
    from cistrade.reference.countries import registry

    area = registry().lookup(text)
    if area.kind == "world":
        return IMF_WORLD
    if area.kind not in ("country", "historical"):
        raise InputError(f"{area.name_en} ({area.code}) has no IMTS code in cistrade's registry; "
                         "pass the IMF's own COUNTERPART_COUNTRY code (G001 is the world)")
    return area.code


def _indicator(text: str) -> str:
    code = text.strip().upper()
    if not _CODE.match(code):
        raise InputError(f"not an IMTS indicator code: {text!r} (e.g. XG_FOB_USD, MG_CIF_USD)")
    return code


# -- checking a saved body ----------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def inspect_xml(path: Path) -> int:
    """The number of observations in a saved SDMX-ML data message; raise if it is not one."""
    observations, root = 0, None
    try:
        for _event, elem in ET.iterparse(path, events=("start",)):
            name = _local(elem.tag)
            if root is None:
                root = name
                if name == "Error":
                    raise SourceUnavailable(f"the IMF API answered with an error message: "
                                            f"{_error_text(path)}", status=200)
                if not name.endswith("Data"):
                    raise InputError(f"the answer is not an SDMX-ML data message (root {name})")
            observations += name == "Obs"
    except ET.ParseError as exc:
        raise InputError(f"the IMF API answered with malformed XML: {exc}") from None
    if root is None:
        raise InputError("the IMF API answered with an empty body")
    return observations


def _error_text(path: Path) -> str:
    text = re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8", errors="replace"))
    return " ".join(text.split())[:300]


def inspect_csv(path: Path) -> int:
    """The number of observations in a saved SDMX-CSV file; raise if it is not one."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"the IMF API answered with a body that is not UTF-8: {exc}") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise InputError("the IMF API answered with an empty body")
    header = [h.split(":", 1)[0].strip().upper() for h in rows[0]]
    if "OBS_VALUE" not in header or "TIME_PERIOD" not in header:
        raise InputError("the answer is not SDMX-CSV data (no OBS_VALUE and TIME_PERIOD columns)")
    return sum(1 for row in rows[1:] if any(cell.strip() for cell in row))


# -- availability -------------------------------------------------------------------------------


def availability_url(dimension: str, key: str = "*.*.*.*") -> str:
    return f"{BASE_URL}/availability/{FLOW_PATH}/%2B/{key}/{dimension}"


def parse_availability(doc: dict[str, Any], dimension: str) -> dict[str, Any]:
    """``{"codes": [...], "start": ..., "end": ..., "series": n}`` of an availability answer."""
    try:
        constraint = doc["data"]["dataConstraints"][0]
        components = [c for region in constraint.get("cubeRegions", [])
                      for c in region.get("components", [])]
    except (KeyError, IndexError, TypeError) as exc:
        raise InputError(f"not an SDMX availability answer: {exc!r}") from None
    codes = [v["value"] for c in components if c.get("id") == dimension
             for v in c.get("values", []) if "value" in v]
    notes = {a.get("id"): a.get("title") for a in constraint.get("annotations", [])}
    count = str(notes.get("series_count", ""))
    return {
        "codes": codes,
        "start": notes.get("time_period_start"),
        "end": notes.get("time_period_end"),
        "series": int(count) if count.isdigit() else None,
    }


def availability(http: HttpClient, dimension: str, key: str = "*.*.*.*") -> dict[str, Any]:
    """The codes of ``dimension`` with data under ``key`` (asked afresh, then cached)."""
    if dimension not in DIMENSIONS:
        raise InputError(f"IMTS dimensions are {', '.join(DIMENSIONS)}, not {dimension!r}")
    response = http.get(
        availability_url(dimension, key), headers={"Accept": ACCEPT_JSON},
        name=f"availability_{key}_{dimension}", suffix=".json", subdir="imf/availability",
        validate=_inspect_json, refresh=True,
    )
    return parse_availability(response.info, dimension)


def _inspect_json(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"the IMF API answered with malformed JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise InputError("the IMF availability answer is not a JSON object")
    return doc


# -- the fetch ----------------------------------------------------------------------------------


def fetch_imf(
    query: ImfQuery,
    http: HttpClient,
    *,
    refresh: bool = False,
    progress: ProgressFn | None = None,
) -> FetchResult:
    """Download one response per reporter into the cache (re-using cached ones).

    Raises :class:`NoData` (saying what the IMF has for the first reporter) when no
    response holds an observation.
    """
    notify = progress or (lambda event, info: None)
    result = FetchResult("imf", query.describe(), query.url())
    notify("plan", {"total": len(query.reporters)})
    for reporter in query.reporters:
        label = f"{reporter} {'+'.join(query.indicators)} {'+'.join(query.partners) or 'all'}"
        fetched = _fetch_one(query, reporter, label, http, refresh)
        if fetched is None:
            result.empty.append(label)
        else:
            result.requests += 0 if fetched.from_cache else 1
            result.files.append(fetched)
        notify("chunk", {"label": label, "records": fetched.records if fetched else 0,
                         "from_cache": bool(fetched and fetched.from_cache)})
    result.retrieved_at = utc_now()
    if not result.files:
        raise NoData(
            f"IMF IMTS has no observations for {query.key()} "
            f"({query.start or 'any'} to {query.end or 'any'})",
            available=_what_is_there(query, http), query=result.query_url,
        )
    return result


def _fetch_one(
    query: ImfQuery, reporter: str, label: str, http: HttpClient, refresh: bool
) -> Fetched | None:
    try:
        response = http.get(
            query.url(reporter), headers={"Accept": query.accept},
            name=query.name(reporter), suffix=".csv" if query.csv else ".xml", subdir="imf",
            validate=inspect_csv if query.csv else inspect_xml, refresh=refresh,
        )
    except SourceUnavailable as exc:
        if exc.status == 404:  # SDMX REST: "no results found"
            log.info("%s: no results (HTTP 404)", label)
            return None
        raise
    if not response.info:
        return None
    return Fetched(response.path, response.url, response.retrieved_at, response.from_cache,
                   label, response.info)


def _what_is_there(query: ImfQuery, http: HttpClient) -> dict[str, Any]:
    """Best effort: the indicators, partners and frequencies the first reporter has."""
    reporter = query.reporters[0]
    inds = "+".join(query.indicators)
    partners = "+".join(query.partners) or "*"
    found: dict[str, Any] = {}
    for dimension, key in (
        ("INDICATOR", f"{reporter}.*.*.*"),
        ("COUNTERPART_COUNTRY", f"{reporter}.{inds}.*.*"),
        ("FREQUENCY", f"{reporter}.{inds}.{partners}.*"),
    ):
        try:
            info = availability(http, dimension, key)
        except CistradeError as exc:
            log.info("availability of %s under %s: %s", dimension, key, exc)
            continue
        found[f"{dimension} under {key}"] = info["codes"]
        if info["start"] or info["end"]:
            found[f"time span under {key}"] = f"{info['start']} to {info['end']}"
    return found
