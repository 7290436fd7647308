"""UN Comtrade API v1: final data by reporter, period, partner, flow and commodity.

Endpoints (https://comtradeapi.un.org):

* ``data/v1/get/{typeCode}/{freqCode}/{clCode}`` with the subscription key from
  ``$COMTRADE_API_KEY``, sent as the ``Ocp-Apim-Subscription-Key`` header (never in the URL,
  the cache, the logs or the provenance); at most 100,000 records per request;
* ``public/v1/preview/{typeCode}/{freqCode}/{clCode}`` without a key; at most 500 records
  per request (a warning says so).

Parameters (as the API names them): ``reporterCode``, ``period`` (``2023`` or ``202303``,
comma-separated), ``partnerCode`` (omitted: every partner, World ``0`` included),
``partner2Code`` (``0``), ``cmdCode`` (``TOTAL``), ``flowCode`` (``M``, ``X``, ``RM``, ``RX``),
``customsCode`` (``C00``: all procedures) and ``motCode`` (``0``: all modes of transport) —
fixing the last three at their totals keeps one record per reporter, partner, flow, period
and commodity — ``maxRecords``, ``format=JSON``, ``breakdownMode=classic``, ``includeDesc``.

Chunking: one request per reporter and calendar year (all that year's months in one
``period`` list when monthly). A response with as many records as the cap may be
truncated: that chunk is split in two along the first dimension with more than one value —
periods, then flows, then partners, then commodity codes — and both halves are asked
again, recursively. A chunk that still hits the cap with nothing left to split is kept,
with a warning. Every chunk is cached, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import json
import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from cistrade.errors import InputError, NoData, SourceUnavailable
from cistrade.fetch import Fetched, FetchResult
from cistrade.fetch.http import HttpClient, utc_now
from cistrade.model import PeriodRange

__all__ = [
    "ComtradeQuery",
    "Chunk",
    "fetch_comtrade",
    "api_key",
    "BASE_URL",
    "KEY_ENV",
    "KEY_HEADER",
    "MAX_RECORDS",
    "MAX_RECORDS_PREVIEW",
]

log = logging.getLogger(__name__)

BASE_URL = "https://comtradeapi.un.org"
KEY_ENV = "COMTRADE_API_KEY"
KEY_HEADER = "Ocp-Apim-Subscription-Key"
MAX_RECORDS = 100_000
MAX_RECORDS_PREVIEW = 500

FLOW_CODES = {
    "m": "M", "import": "M", "imports": "M",
    "x": "X", "export": "X", "exports": "X",
    "rm": "RM", "re-import": "RM", "re-imports": "RM",
    "rx": "RX", "re-export": "RX", "re-exports": "RX",
}

ProgressFn = Callable[[str, dict[str, Any]], None]


def api_key() -> str | None:
    """The subscription key from ``$COMTRADE_API_KEY``, or None (public preview)."""
    return os.environ.get(KEY_ENV, "").strip() or None


@dataclass(frozen=True)
class Chunk:
    """One request: a reporter, a run of periods of one year, flows, partners, commodities."""

    reporter: int
    reporter_label: str
    periods: tuple[str, ...]
    flows: tuple[str, ...]
    partners: tuple[int, ...] | None  # None: every partner
    cmds: tuple[str, ...]

    def params(self, query: ComtradeQuery, max_records: int) -> dict[str, str]:
        params = {"reporterCode": str(self.reporter), "period": ",".join(self.periods)}
        if self.partners is not None:
            params["partnerCode"] = ",".join(map(str, self.partners))
        params.update(
            partner2Code=query.partner2,
            cmdCode=",".join(self.cmds),
            flowCode=",".join(self.flows),
            customsCode=query.customs,
            motCode=query.mot,
            maxRecords=str(max_records),
            format="JSON",
            breakdownMode="classic",
            includeDesc="true",
        )
        return params

    def split(self) -> list[Chunk] | None:
        """Two halves along the first dimension with more than one value, or None."""
        for name in ("periods", "flows", "partners", "cmds"):
            values = getattr(self, name)
            if values is not None and len(values) > 1:
                half = len(values) // 2
                return [replace(self, **{name: part}) for part in (values[:half], values[half:])]
        return None

    @property
    def span(self) -> str:
        first, last = self.periods[0], self.periods[-1]
        return first if first == last else f"{first}-{last}"

    @property
    def label(self) -> str:
        partners = "all partners" if self.partners is None else _short(self.partners)
        flows = "+".join(self.flows)
        return f"{self.reporter_label} {self.span} {flows} {partners} {_short(self.cmds)}"

    @property
    def name(self) -> str:
        """The cache file's readable part (the cache adds a hash of the URL)."""
        partners = "all" if self.partners is None else _short(self.partners, sep="+")
        periods = "+".join(self.periods) if len(self.periods) <= 2 else self.span
        flows, cmds = "+".join(self.flows), _short(self.cmds, sep="+")
        return f"{self.reporter_label}_{periods}_{flows}_p{partners}_{cmds}"


def _short(values: Iterable[object], sep: str = ",", limit: int = 4) -> str:
    items = [str(v) for v in values]
    if len(items) <= limit:
        return sep.join(items)
    return f"{sep.join(items[:limit])}{sep}…{len(items)}"


@dataclass(frozen=True)
class ComtradeQuery:
    """What to ask UN Comtrade for, in its own codes (see :meth:`build` for names)."""

    reporters: tuple[tuple[int, str], ...]  # (Comtrade code, label), e.g. (51, "ARM")
    periods: tuple[str, ...]  # the API's form: "2023" (annual) or "202303" (monthly)
    freq: str = "A"
    flows: tuple[str, ...] = ("M", "X")
    partners: tuple[int, ...] | None = None
    cmds: tuple[str, ...] = ("TOTAL",)
    type_code: str = "C"
    cl_code: str = "HS"
    partner2: str = "0"
    customs: str = "C00"
    mot: str = "0"

    @classmethod
    def build(
        cls,
        reporters: Sequence[str],
        periods: Sequence[str],
        *,
        freq: str = "A",
        flows: Sequence[str] = ("M", "X"),
        partners: Sequence[str] | None = None,
        cmds: Sequence[str] = ("TOTAL",),
        cl_code: str = "HS",
    ) -> ComtradeQuery:
        """Resolve names or codes (``"Armenia"``, ``"ARM"``, ``"51"``) and periods
        (``2023``, ``2022..2023``, ``2023-03`` when monthly) into a query."""
        freq = str(freq).upper()
        if freq not in ("A", "M"):
            raise InputError(f"Comtrade frequency is A (annual) or M (monthly), not {freq!r}")
        if not reporters:
            raise InputError("name at least one reporter (--reporter)")
        return cls(
            reporters=tuple(_dedupe(_resolve(r, "reporter") for r in _split_all(reporters))),
            periods=_periods(periods, freq),
            freq=freq,
            flows=tuple(_dedupe(_flow(f) for f in _split_all(flows))),
            partners=(tuple(_dedupe(_resolve(p, "partner")[0] for p in _split_all(partners)))
                      if partners else None),
            cmds=tuple(_dedupe(c.upper() if c.lower() == "total" else c for c in _split_all(cmds)))
            or ("TOTAL",),
            cl_code=cl_code,
        )

    def chunks(self) -> list[Chunk]:
        """One chunk per reporter and calendar year."""
        years: dict[str, list[str]] = {}
        for p in self.periods:
            years.setdefault(p[:4], []).append(p)
        return [
            Chunk(code, label, tuple(ps), self.flows, self.partners, self.cmds)
            for code, label in self.reporters
            for ps in years.values()
        ]

    def endpoint(self, keyed: bool) -> str:
        path = "data/v1/get" if keyed else "public/v1/preview"
        return f"{BASE_URL}/{path}/{self.type_code}/{self.freq}/{self.cl_code}"

    def url(self, chunk: Chunk, keyed: bool) -> str:
        """The request URL of one chunk (never with the key: that goes in a header)."""
        cap = MAX_RECORDS if keyed else MAX_RECORDS_PREVIEW
        return f"{self.endpoint(keyed)}?{urlencode(chunk.params(self, cap), safe=',')}"

    def whole_url(self, keyed: bool) -> str:
        """The whole query as one URL (the provenance of what was asked, without the key)."""
        whole = Chunk(0, "", self.periods, self.flows, self.partners, self.cmds)
        params = whole.params(self, MAX_RECORDS if keyed else MAX_RECORDS_PREVIEW)
        params["reporterCode"] = ",".join(str(code) for code, _ in self.reporters)
        return f"{self.endpoint(keyed)}?{urlencode(params, safe=',')}"

    def describe(self) -> dict[str, Any]:
        return {
            "api": "UN Comtrade v1",
            "typeCode": self.type_code,
            "freqCode": self.freq,
            "clCode": self.cl_code,
            "reporters": [lbl for _, lbl in self.reporters],
            "reporterCode": [code for code, _ in self.reporters],
            "period": list(self.periods),
            "partnerCode": list(self.partners) if self.partners is not None else "all",
            "flowCode": list(self.flows),
            "cmdCode": list(self.cmds),
        }


def _split_all(values: Iterable[str]) -> list[str]:
    return [v.strip() for value in values for v in str(value).split(",") if v.strip()]


def _dedupe(values: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


def _resolve(text: str, role: str) -> tuple[int, str]:
    """(Comtrade code, registry code) of a name or code; digits are read as Comtrade codes."""
    from cistrade.reference.countries import registry

    area = registry().lookup(text, scheme="comtrade" if text.isdigit() else None)
    if area.comtrade is None:
        raise InputError(f"{area.name_en} ({area.code}) has no UN Comtrade code; "
                         f"pass the {role}'s Comtrade code instead")
    return area.comtrade, area.code


def _flow(text: str) -> str:
    code = FLOW_CODES.get(text.lower())
    if code is None:
        raise InputError(f"unknown flow {text!r}: use M, X, RM, RX (or import, export …)")
    return code


def _periods(texts: Sequence[str], freq: str) -> tuple[str, ...]:
    if not texts:
        raise InputError("name at least one period (--period 2023)")
    out: list[str] = []
    for text in _split_all(texts):
        rng = PeriodRange.parse(text)
        if freq == "A":
            if rng.start.number != 1 or rng.end.number != 12:
                raise InputError(f"{text!r} is not a run of whole years; annual queries take "
                                 "years (use --freq M for months)")
            out.extend(str(y) for y in rng.years())
        else:
            out.extend(f"{m.year}{m.number:02d}" for m in rng.months())
    return tuple(sorted(dict.fromkeys(out)))


def inspect_response(path: Path) -> int:
    """The number of records in a saved Comtrade v1 response; raise if it is not one."""
    try:
        doc = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"the Comtrade API answered with malformed JSON: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
        raise InputError("the answer is not a Comtrade API v1 response (no 'data' list)")
    error = doc.get("error")
    if error:
        raise SourceUnavailable(f"the Comtrade API reported an error: {str(error)[:300]}",
                                status=200)
    return len(doc["data"])


def fetch_comtrade(
    query: ComtradeQuery,
    http: HttpClient,
    *,
    key: str | None = None,
    refresh: bool = False,
    progress: ProgressFn | None = None,
) -> FetchResult:
    """Download every chunk of ``query`` into the cache (re-using cached chunks).

    ``key`` defaults to ``$COMTRADE_API_KEY``; without one the public preview endpoint is
    used. Raises :class:`NoData` when no chunk has a record.
    """
    key = key or api_key()
    keyed = key is not None
    cap = MAX_RECORDS if keyed else MAX_RECORDS_PREVIEW
    notify = progress or (lambda event, info: None)
    result = FetchResult("comtrade", query.describe(), query.whole_url(keyed))
    result.query["endpoint"] = query.endpoint(keyed)
    if not keyed:
        result.warnings.append(
            f"no {KEY_ENV} set: using the public preview endpoint, which returns at most "
            f"{MAX_RECORDS_PREVIEW} records per request (chunks are split to stay below it)"
        )
        log.info(result.warnings[-1])
    pending = deque(query.chunks())
    notify("plan", {"total": len(pending)})
    while pending:
        chunk = pending.popleft()
        response = http.get(
            query.url(chunk, keyed),
            headers={"Accept": "application/json"},
            secrets={KEY_HEADER: key} if key else None,
            name=chunk.name, suffix=".json", subdir="comtrade",
            validate=inspect_response, refresh=refresh,
        )
        result.requests += 0 if response.from_cache else 1
        records: int = response.info
        if records >= cap:
            halves = chunk.split()
            if halves:
                log.info("%s: %d records, the cap; splitting it", chunk.label, records)
                pending.extendleft(reversed(halves))
                notify("split", {"label": chunk.label, "into": len(halves)})
                continue
            result.warnings.append(
                f"{chunk.label}: {records} records, the most one request returns, and the chunk "
                "cannot be split further: the answer may be truncated"
            )
        _record(result, chunk, response, records)
        notify("chunk", {"label": chunk.label, "records": records,
                         "from_cache": response.from_cache})
    result.retrieved_at = utc_now()
    if not result.files:
        raise NoData(
            f"UN Comtrade has no records for {_describe(query)} ({len(result.empty)} request(s), "
            "every answer had count 0); the reporter may not have reported these periods yet",
            available=None, query=result.query_url,
        )
    return result


def _record(result: FetchResult, chunk: Chunk, response: Any, records: int) -> None:
    if records == 0:
        result.empty.append(chunk.label)
        return
    result.files.append(
        Fetched(response.path, response.url, response.retrieved_at, response.from_cache,
                chunk.label, records)
    )


def _describe(query: ComtradeQuery) -> str:
    reporters = ", ".join(f"{lbl} ({code})" for code, lbl in query.reporters)
    partners = "all partners" if query.partners is None else _short(query.partners)
    return (f"reporter {reporters}, period {_short(query.periods)}, flows {'+'.join(query.flows)}, "
            f"{partners}, cmdCode {_short(query.cmds)}")
