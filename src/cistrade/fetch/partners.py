"""The partner side of one country: every partner's reports of its trade with a target.

When a country stops publishing trade by partner (Russia from 2022), its trade can only be
estimated from what its partners report (:mod:`cistrade.estimate`). This recipe downloads
those reports for a target and a period:

1. **IMF IMTS** — which countries have series with the target as counterpart
   (``availability/…/*.XG_FOB_USD+MG_CIF_USD.{target}.{freq}/COUNTRY``), then their data in
   chunks of :data:`CHUNK` countries (``data/…/+/A+B+….XG_FOB_USD+MG_CIF_USD.{target}.{freq}``),
   each chunk cached as the IMF fetcher caches (:mod:`cistrade.fetch.imf`);
2. **UN Comtrade** for every partner the IMF lacks — no series at all, or a flow or a period
   of the range missing — asked as reporter with the target as ``partnerCode``
   (:mod:`cistrade.fetch.comtrade`; monthly when the IMF was asked for months or quarters).
   The partners considered are the registry's countries in force during the range (or those
   named with ``partners``), less the target; a partner absent from both answers is listed
   as lacking, never guessed.

Every response is saved in the cache before anything is stored, so an interrupted run
resumes where it stopped; :func:`ingest_partners` stores both sources' files in **one**
transaction. :class:`PartnerFetch` says per partner which flows and periods each source
gave (``coverage``).
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cistrade.errors import InputError, NoData, SourceUnavailable
from cistrade.fetch import Fetched, FetchResult, _reader
from cistrade.fetch.http import HttpClient, utc_now
from cistrade.fetch.imf import (
    ACCEPT_JSON,
    DEFAULT_INDICATORS,
    ImfQuery,
    _inspect_json,
    availability_url,
    inspect_xml,
    parse_availability,
)
from cistrade.model import Period, PeriodRange

if TYPE_CHECKING:  # pragma: no cover
    from cistrade.store import IngestReport, Store

__all__ = ["PartnerQuery", "PartnerFetch", "fetch_partners", "ingest_partners", "CHUNK",
           "INDICATOR_FLOW"]

log = logging.getLogger(__name__)

#: countries per IMF data request (the key lists them joined with ``+``)
CHUNK = 25
#: the IMF indicator of each flow, as the partner reports it
INDICATOR_FLOW = {"XG_FOB_USD": "export", "MG_CIF_USD": "import"}

ProgressFn = Callable[[str, dict[str, Any]], None]


@dataclass(frozen=True)
class PartnerQuery:
    """A target country, a run of periods and the partners to look for."""

    target: str  # ISO alpha-3
    freq: str  # A, Q or M
    start: Period
    end: Period
    partners: tuple[str, ...] = ()  # () = every country of the registry
    comtrade: bool = True
    chunk: int = CHUNK

    @classmethod
    def build(cls, target: str, start: str, end: str | None = None, *, freq: str = "A",
              partners: Sequence[str] = (), comtrade: bool = True,
              chunk: int = CHUNK) -> PartnerQuery:
        """Resolve names (``"Russia"`` → ``RUS``) and periods (``2022``, ``2024-01``)."""
        base = ImfQuery.build([target], partners=[target], freq=freq, start=start,
                              end=end or start)
        if base.start is None or base.end is None:  # pragma: no cover - build always sets them
            raise InputError("name the first period (--start)")
        if chunk < 1:
            raise InputError(f"chunk must be at least 1, not {chunk}")
        others = tuple(dict.fromkeys(c for c in ImfQuery.build(list(partners)).reporters
                                     if c != base.reporters[0])) if partners else ()
        return cls(base.reporters[0], base.freq, base.start, base.end, others, comtrade, chunk)

    @property
    def range(self) -> PeriodRange:
        return PeriodRange(self.start.months()[0], self.end.months()[-1])

    def periods(self) -> list[str]:
        """The IMF's TIME_PERIOD labels of the range (``2023``, ``2023-Q1``, ``2023-M01``)."""
        months = self.range.months()
        if self.freq == "M":
            return [f"{m.year}-M{m.number:02d}" for m in months]
        if self.freq == "Q":
            return list(dict.fromkeys(f"{m.year}-Q{(m.number - 1) // 3 + 1}" for m in months))
        return list(dict.fromkeys(str(m.year) for m in months))

    def imf(self, countries: Sequence[str]) -> ImfQuery:
        """The IMF data query of one chunk of reporting countries."""
        return ImfQuery(reporters=tuple(countries), indicators=DEFAULT_INDICATORS,
                        partners=(self.target,), freq=self.freq, start=self.start, end=self.end)

    def availability_key(self) -> str:
        return f"*.{'+'.join(DEFAULT_INDICATORS)}.{self.target}.{self.freq}"

    def describe(self) -> dict[str, Any]:
        return {"recipe": "partners", "target": self.target, "freq": self.freq,
                "start": str(self.start), "end": str(self.end),
                "partners": list(self.partners) or "every country", "comtrade": self.comtrade,
                "imf_indicators": list(DEFAULT_INDICATORS)}


@dataclass
class PartnerFetch:
    """What the recipe saved: the IMF's and Comtrade's files, and who gave what."""

    query: PartnerQuery
    imf: FetchResult
    comtrade: FetchResult | None = None
    #: partner → flow → periods (IMF labels) the IMF had
    imf_coverage: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    #: partners asked of Comtrade (the IMF lacked some flow or period of theirs)
    asked_comtrade: list[str] = field(default_factory=list)
    #: partners neither source answered for (Comtrade not asked, or empty)
    lacking: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def results(self) -> list[FetchResult]:
        return [r for r in (self.imf, self.comtrade) if r is not None]

    @property
    def files(self) -> list[Fetched]:
        return [f for r in self.results for f in r.files]

    @property
    def requests(self) -> int:
        return sum(r.requests for r in self.results)

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query.describe(),
                "imf": self.imf.to_dict(),
                "comtrade": self.comtrade.to_dict() if self.comtrade else None,
                "imf_coverage": self.imf_coverage, "asked_comtrade": self.asked_comtrade,
                "lacking": self.lacking, "warnings": self.warnings}


# -- reading what the IMF sent ----------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def series_periods(path: Path) -> dict[tuple[str, str], set[str]]:
    """``{(COUNTRY, INDICATOR): {TIME_PERIOD, …}}`` of the observations in a saved SDMX-ML
    data message (after :func:`~cistrade.fetch.imf.inspect_xml` accepted it)."""
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    key: tuple[str, str] | None = None
    for _event, elem in ET.iterparse(path, events=("start",)):
        name = _local(elem.tag)
        if name == "Series":
            key = (elem.get("COUNTRY", ""), elem.get("INDICATOR", ""))
        elif name == "Obs" and key is not None and elem.get("OBS_VALUE") not in (None, "", "NaN"):
            found[key].add(elem.get("TIME_PERIOD", ""))
    return dict(found)


def _inspect_chunk(path: Path) -> tuple[int, dict[tuple[str, str], set[str]]]:
    return inspect_xml(path), series_periods(path)


# -- the recipe -----------------------------------------------------------------------------------


def _countries(http: HttpClient, query: PartnerQuery, refresh: bool) -> list[str]:
    """The countries with IMTS series against the target (cached like the data: a re-run
    asks the same chunks)."""
    key = query.availability_key()
    try:
        response = http.get(availability_url("COUNTRY", key), headers={"Accept": ACCEPT_JSON},
                            name=f"availability_{key}_COUNTRY", suffix=".json",
                            subdir="imf/availability", validate=_inspect_json, refresh=refresh)
    except SourceUnavailable as exc:
        if exc.status == 404:  # SDMX: no results
            return []
        raise
    codes = parse_availability(response.info, "COUNTRY")["codes"]
    return sorted(c for c in codes if c != query.target and len(c) == 3 and c.isalpha())


def _chunks(codes: Sequence[str], size: int) -> list[tuple[str, ...]]:
    return [tuple(codes[i:i + size]) for i in range(0, len(codes), size)]


def _fetch_imf(http: HttpClient, query: PartnerQuery, countries: Sequence[str], refresh: bool,
               notify: ProgressFn) -> tuple[FetchResult, dict[str, dict[str, list[str]]]]:
    whole = query.imf(countries or (query.target,))
    result = FetchResult("imf", {**whole.describe(), "COUNTRY": f"{len(countries)} countries "
                                 f"with series against {query.target}"}, whole.url())
    coverage: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for chunk in _chunks(countries, query.chunk):
        iq = query.imf(chunk)
        label = f"IMF {chunk[0]}..{chunk[-1]} ({len(chunk)}) → {query.target}"
        try:
            response = http.get(iq.url(), headers={"Accept": iq.accept},
                                name=f"IMTS_partners_{query.target}_{chunk[0]}-{chunk[-1]}_"
                                f"{query.freq}_{query.start}-{query.end}",
                                suffix=".xml", subdir="imf", validate=_inspect_chunk,
                                refresh=refresh)
        except SourceUnavailable as exc:
            if exc.status != 404:
                raise
            result.empty.append(label)
            notify("chunk", {"label": label, "records": 0, "from_cache": False})
            continue
        records, seen = response.info
        for (country, indicator), periods in seen.items():
            flow = INDICATOR_FLOW.get(indicator)
            if flow:
                coverage[country][flow] |= periods
        result.requests += 0 if response.from_cache else 1
        if records:
            result.files.append(Fetched(response.path, response.url, response.retrieved_at,
                                        response.from_cache, label, records))
        else:
            result.empty.append(label)
        notify("chunk", {"label": label, "records": records, "from_cache": response.from_cache})
    result.retrieved_at = utc_now()
    return result, {c: {f: sorted(p) for f, p in flows.items()} for c, flows in coverage.items()}


def _universe(query: PartnerQuery) -> list[str]:
    """The partners to look for: those named, else every country of the registry in force
    at some time of the range that has a Comtrade code."""
    if query.partners:
        return list(query.partners)
    from cistrade.reference.countries import registry

    first, last = query.range.first_day, query.range.last_day
    return sorted(a.code for a in registry() if a.kind == "country" and a.code != query.target
                  and a.comtrade is not None
                  and (a.valid_from is None or a.valid_from <= last)
                  and (a.valid_to is None or a.valid_to >= first))


def _lacking(query: PartnerQuery, universe: Iterable[str],
             coverage: dict[str, dict[str, list[str]]]) -> dict[str, tuple[str, ...]]:
    """Partner → the years the IMF lacks some flow or period of (for Comtrade)."""
    wanted = query.periods()
    out: dict[str, tuple[str, ...]] = {}
    for partner in universe:
        have = coverage.get(partner, {})
        years = sorted({p[:4] for flow in INDICATOR_FLOW.values() for p in wanted
                        if p not in set(have.get(flow, ()))})
        if years:
            out[partner] = tuple(years)
    return out


def _comtrade_periods(query: PartnerQuery, years: Sequence[str]) -> tuple[str, list[str]]:
    """Comtrade's frequency and periods for the lacking years, within the range."""
    if query.freq == "A":
        return "A", list(years)
    rng = query.range
    months = [m for m in rng.months() if str(m.year) in years]
    return "M", [f"{m.year}-{m.number:02d}" for m in months]


def _fetch_comtrade(http: HttpClient, query: PartnerQuery, lacking: dict[str, tuple[str, ...]],
                    refresh: bool, notify: ProgressFn) -> tuple[FetchResult | None, list[str]]:
    """One Comtrade query per set of lacking years; the partners it found nothing for."""
    from cistrade.fetch.comtrade import ComtradeQuery, fetch_comtrade

    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for partner, years in lacking.items():
        groups[years].append(partner)
    merged: FetchResult | None = None
    for years, partners in sorted(groups.items()):
        freq, periods = _comtrade_periods(query, years)
        cq = ComtradeQuery.build(partners, periods, freq=freq, partners=[query.target])
        try:
            part = fetch_comtrade(cq, http, refresh=refresh, progress=notify)
        except NoData as exc:
            log.info("Comtrade: %s", exc.message)
            continue
        merged = part if merged is None else _merge(merged, part)
    found = {f.label.split(" ", 1)[0] for f in (merged.files if merged else [])}
    return merged, sorted(p for p in lacking if p not in found)


def _merge(a: FetchResult, b: FetchResult) -> FetchResult:
    a.files += b.files
    a.empty += b.empty
    a.warnings += [w for w in b.warnings if w not in a.warnings]
    a.requests += b.requests
    a.query.setdefault("more_queries", []).append(b.query)
    a.retrieved_at = b.retrieved_at
    return a


def fetch_partners(query: PartnerQuery, http: HttpClient, *, refresh: bool = False,
                   progress: ProgressFn | None = None) -> PartnerFetch:
    """Download every partner's reports of trade with the target (see the module doc).

    Raises :class:`NoData` when neither the IMF nor Comtrade has a single observation.
    """
    notify = progress or (lambda event, info: None)
    countries = _countries(http, query, refresh)
    universe = sorted(set(_universe(query)) | (set() if query.partners else set(countries)))
    if query.partners:
        countries = [c for c in countries if c in set(query.partners)]
    notify("plan", {"total": len(_chunks(countries, query.chunk))})
    imf, coverage = _fetch_imf(http, query, countries, refresh, notify)
    out = PartnerFetch(query, imf, imf_coverage=coverage)
    lacking = _lacking(query, universe, coverage)
    if query.comtrade and lacking:
        out.asked_comtrade = sorted(lacking)
        out.comtrade, out.lacking = _fetch_comtrade(http, query, lacking, refresh, notify)
    else:
        out.lacking = sorted(p for p in lacking if p not in coverage)
        if lacking and not query.comtrade:
            out.warnings.append(f"the IMF lacks some flow or period for {len(lacking)} "
                                "partner(s); Comtrade was not asked (--no-comtrade)")
    if out.comtrade is not None:
        out.warnings += out.comtrade.warnings
    if not out.files:
        raise NoData(f"neither the IMF nor UN Comtrade has any partner's report of trade with "
                     f"{query.target} in {query.range}",
                     available={"imf_countries": countries, "asked_comtrade": out.asked_comtrade},
                     query=imf.query_url)
    return out


def ingest_partners(store: Store, fetched: PartnerFetch, *,
                    progress: ProgressFn | None = None) -> IngestReport:
    """Store every file of both sources in **one** transaction (all or nothing), each
    dataset recording its request URL and retrieval time."""
    from cistrade.sources import get_source

    items = []
    for result in fetched.results:
        source = get_source(result.source)()
        items += [(source, f.path, _reader(source, f)) for f in result.files]
    meta = {"url": fetched.imf.query_url,
            "notes": {"recipe": fetched.query.describe(),
                      "queries": [r.query for r in fetched.results],
                      "retrieved_at": max(r.retrieved_at for r in fetched.results),
                      "asked_comtrade": fetched.asked_comtrade, "lacking": fetched.lacking,
                      "fetch_warnings": fetched.warnings}}
    return store.ingest_items(items, progress=progress, meta=meta)

