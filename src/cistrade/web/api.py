"""The read-only JSON endpoints under ``/api/v1/``.

Indicators answer with the CLI's ``--format json`` contract, ``{"query", "rows", "datasets",
"notes"}`` (:meth:`cistrade.indicators.Result.to_dict`); ``/check`` with the CLI ``check``
document ``{"query", "rows" (one verdict each), "summary"}``. Every error has the one shape of
:mod:`cistrade.web.errors`. Results are bounded: ``top`` is capped and at most
:data:`MAX_ROWS` rows are returned (``"truncated": true`` says when rows were cut).
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import threading
from collections import Counter
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from cistrade.contract import jsonable
from cistrade.errors import InputError
from cistrade.indicators.catalog import availability as availability_of
from cistrade.indicators.registry import INDICATORS
from cistrade.indicators.series import bloc_series, mutual_matrix
from cistrade.indicators.share import share
from cistrade.indicators.spec import MAX_TOP, REPORTER, Indicator, Param
from cistrade.indicators.strengths.base import LEVEL, Level
from cistrade.indicators.strengths.matrix import complementarity_matrix
from cistrade.indicators.strengths.profile import strengths
from cistrade.reference.blocs import bloc as get_bloc
from cistrade.reference.blocs import blocs as all_blocs
from cistrade.reference.countries import registry

__all__ = ["router", "MAX_ROWS", "MAX_TOP", "MAX_CHECK_BYTES"]

log = logging.getLogger(__name__)

MAX_ROWS = 1000
MAX_CHECK_BYTES = 256 * 1024
MAX_CLAIMS = 200
#: extractions running at once (each in a child process; the rest wait their turn)
_EXTRACTING = threading.BoundedSemaphore(2)



class ErrorInfo(BaseModel):
    type: str = Field(description="the error class: InputError, UnknownCountry, NoData …")
    message: str
    detail: dict[str, Any] = Field(default_factory=dict)


class ErrorDoc(BaseModel):
    """The one error shape of every endpoint."""

    error: ErrorInfo


_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorDoc, "description": text}
    for code, text in ((400, "Bad input (a malformed period …)"),
                       (404, "Unknown country or bloc, or no data for the query"),
                       (413, "Request body too large"),
                       (422, "Invalid parameters, or figures in different currencies"))
}

router = APIRouter(prefix="/api/v1", responses=_ERRORS)

Flow = Literal["turnover", "export", "import"]
Reporter = Annotated[str, Query(description=REPORTER.help, **REPORTER.bounds)]
PeriodQ = Annotated[str, Query(min_length=4, max_length=40,
                               description="2024, 2024-Q3, 2024-09 or 2024-01..2024-09")]


class CheckRequest(BaseModel):
    """A text to find claims in, or structured claims (docs/claims.md)."""

    text: str | None = Field(default=None, description="English or Russian text")
    claims: list[dict[str, Any]] | None = Field(default=None, description="Structured claims")
    lang: Literal["auto", "en", "ru"] = "auto"


def _dumps(doc: dict[str, Any]) -> bytes:
    return json.dumps(jsonable(doc), ensure_ascii=False, allow_nan=False).encode("utf-8")


def _bounded(doc: dict[str, Any]) -> dict[str, Any]:
    rows = doc.get("rows") or []
    if len(rows) > MAX_ROWS:
        doc["rows"] = rows[:MAX_ROWS]
        doc["truncated"] = True
        doc.setdefault("notes", []).append(f"only the first {MAX_ROWS} of {len(rows)} rows are returned")
    return doc


async def _answer(request: Request, key: tuple[Any, ...], compute: Any) -> Response:
    """One JSON answer: from the cache, on the event loop, or computed in a worker thread
    (DuckDB releases the GIL while it runs; each thread has its own cursor)."""
    state = request.app.state
    found = state.cache.lookup(key)
    if found is None:

        def run() -> bytes:
            return _dumps(_bounded(state.pool.run(compute)))

        body = await state.pool.submit(lambda: state.cache.get_or_compute(key, run))
    elif found[0]:
        body = found[1]
    else:
        raise found[1].with_traceback(None)
    return Response(content=body, media_type="application/json")


async def _indicator(request: Request, spec: Indicator, **kwargs: Any) -> Response:
    key = (spec.name, tuple(sorted((k, v) for k, v in kwargs.items())))
    return await _answer(request, key, lambda eng: spec.function(eng, **kwargs).to_dict())


def _query(p: Param) -> inspect.Parameter:
    annotation = Annotated[p.type, Query(description=p.help, **p.bounds)]
    default = inspect.Parameter.empty if p.required else p.default
    return inspect.Parameter(p.name, inspect.Parameter.KEYWORD_ONLY, default=default,
                             annotation=annotation)


def _plain(value: Any) -> Any:
    """A query parameter's value as the Python API takes it (an enum as its text)."""
    return value.value if isinstance(value, StrEnum) else value


def indicator_route(spec: Indicator) -> Callable[..., Any]:
    """The ``GET /api/v1/<command>`` endpoint of an indicator: its parameters as query
    parameters, with their bounds, in the OpenAPI schema."""

    async def endpoint(request: Request, **kw: Any) -> Response:
        return await _indicator(request, spec, **{k: _plain(v) for k, v in kw.items()})

    request = inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                annotation=Request)
    endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [request, *(_query(p) for p in spec.all_params)])
    endpoint.__name__ = spec.name
    return endpoint


for _spec in INDICATORS:
    router.add_api_route(f"/{_spec.command}", indicator_route(_spec), methods=["GET"],
                         summary=_spec.summary, description=_spec.help,
                         response_class=Response)


@router.get("/bloc-share/series", summary="A bloc's share over time (one point per step)")
async def bloc_share_series(request: Request, reporter: Reporter, bloc: Annotated[str, Query(max_length=40)],
                      period: PeriodQ, flow: Flow = "turnover",
                      step: Literal["auto", "month", "quarter", "year"] = "auto") -> Response:
    key = ("bloc_series", reporter, bloc, period, flow, step)
    return await _answer(request, key, lambda eng: bloc_series(eng, reporter, bloc, period, flow, step))


@router.get("/matrix", summary="Mutual trade of a bloc's members (reporter × partner)")
async def matrix(request: Request, period: PeriodQ, bloc: Annotated[str, Query(max_length=40)] = "CIS",
           flow: Flow = "turnover") -> Response:
    key = ("matrix", bloc, period, flow)
    return await _answer(request, key, lambda eng: mutual_matrix(eng, bloc, period, flow))


@router.get("/availability/{reporter}", summary="What the store holds for a reporter")
async def availability(request: Request, reporter: str) -> Response:
    def compute(eng: Any) -> dict[str, Any]:
        found = availability_of(eng, reporter)
        return {"query": {"indicator": "availability", "reporter": reporter},
                "rows": found.get("sources", []), "reporter": found.get("reporter")}

    return await _answer(request, ("availability", reporter), compute)


@router.get("/datasets", summary="The stored datasets and their provenance")
async def datasets(request: Request) -> Response:
    def compute(eng: Any) -> dict[str, Any]:
        rows = sorted(eng.datasets.values(), key=lambda d: (d["source"], d["dataset_id"]))
        return {"query": {"indicator": "datasets"}, "rows": rows}

    return await _answer(request, ("datasets",), compute)


def _area_row(a: Any) -> dict[str, Any]:
    return {"code": a.code, "kind": a.kind, "name_en": a.name_en, "name_ru": a.name_ru,
            "iso2": a.iso2, "m49": a.m49, "comtrade": a.comtrade, "valid_from": a.valid_from,
            "valid_to": a.valid_to, "bloc": getattr(a, "bloc", None), "aliases": list(a.aliases)[:8]}


@router.get("/countries", summary="Look a name up in the country registry, or search it")
def countries(q: Annotated[str, Query(min_length=1, max_length=80)],
              limit: Annotated[int, Query(ge=1, le=50)] = 10,
              search: Annotated[bool, Query(description="List scored close matches instead of "
                                            "looking one area up")] = False) -> Response:
    """The area ``q`` names (404 ``UnknownCountry`` with close matches when none), or with
    ``search=true`` the closest areas, each with its ``score`` (0–100)."""
    reg = registry()
    if search:
        rows = [{**_area_row(a), "score": round(score, 1)} for a, score in reg.search(q, limit=limit)]
    else:
        rows = [_area_row(reg.lookup(q))]
    return Response(_dumps({"query": {"q": q, "search": search}, "rows": rows}),
                    media_type="application/json")


@router.get("/countries/{code}", summary="One area of the registry")
def country(code: str) -> Response:
    area = registry().lookup(code)
    return Response(_dumps({"query": {"code": code}, "rows": [_area_row(area)]}),
                    media_type="application/json")


@router.get("/blocs", summary="The blocs the registry knows")
def blocs() -> Response:
    rows = [{"id": b.id, "name_en": b.name_en, "name_ru": b.name_ru, "members_today": b.members()}
            for b in all_blocs()]
    return Response(_dumps({"query": {}, "rows": rows}), media_type="application/json")


@router.get("/blocs/{bloc_id}", summary="A bloc's membership intervals and members on a day")
def bloc(bloc_id: str, on: date | None = None) -> Response:
    when = on or date.today()
    b = get_bloc(bloc_id)
    rows = [{"code": m.member, "status": m.status, "start": m.start, "end": m.end, "source": m.source}
            for m in b.memberships]
    doc = {"query": {"bloc": b.id, "on": when}, "rows": rows, "members": b.members(on=when),
           "name_en": b.name_en, "name_ru": b.name_ru}
    return Response(_dumps(doc), media_type="application/json")


def _claims(body: CheckRequest) -> tuple[list[Any], dict[str, Any]]:
    """The claims of a request: structured ones as given, or those found in its text within
    the limits of :mod:`cistrade.workload` (length, sentences, time, in a child process so
    that the server keeps answering meanwhile)."""
    from cistrade.claims import claims_from_data
    from cistrade.workload import extract_within

    if (body.text is None) == (body.claims is None):
        raise InputError('give either "text" or "claims"')
    if body.text is not None:
        with _EXTRACTING:  # each extraction is a child process: a few at a time
            claims = extract_within(body.text, lang=body.lang)
        query = {"input": "text", "lang": body.lang, "chars": len(body.text)}
    else:
        claims = claims_from_data(body.claims, name="claims")
        query = {"input": "claims"}
    if len(claims) > MAX_CLAIMS:
        raise InputError(f"too many claims ({len(claims)}); at most {MAX_CLAIMS} per request")
    return claims, query


#: the verdicts of ``/check`` (:class:`cistrade.claims.VerdictKind`; a test keeps them equal),
#: written out here because the claims load only with the first check
VERDICTS = ("supported", "close", "contradicted", "partial", "unverifiable",
            "consistent_with_estimate", "outside_estimate_band")


@router.post("/check", summary="Check the trade claims of a text, or structured claims",
             description="Answers `{query, rows, summary}`: one row per claim, its `verdict` one "
             "of " + ", ".join(f"`{v}`" for v in VERDICTS) + " (docs/claims.md); the last two "
             "compare a claim about a reporter without partner figures of its own with the band "
             "of an estimate from its partners' reports, described in the row's `estimate`.")
async def check(request: Request, body: CheckRequest) -> Response:
    from cistrade.claims import Verifier  # the claims load with the first /check

    pool = request.app.state.pool
    claims, query = await asyncio.to_thread(_claims, body)  # a thread that waits on a child
    if not claims:
        raise InputError("no trade claims found (the extractor looks for shares, ranks, growth rates, "
                         "values and roles of countries and blocs, comparative advantage and "
                         "complementarity); nothing to check")
    verdicts = await pool.submit(lambda: pool.run(lambda eng: Verifier(eng).verify_all(claims)))
    rows = [v.to_dict() for v in verdicts]
    summary = dict(Counter(r["verdict"] for r in rows))
    return Response(_dumps({"query": {"indicator": "check", **query}, "rows": rows, "summary": summary}),
                    media_type="application/json")


ChartKind = Literal["share", "bloc-share", "matrix", "rca", "complementarity"]
#: the charts drawn for a bloc (no reporter needed)
_BLOC_CHARTS = ("matrix", "complementarity")


def _chart(kind: str, eng: Any, reporter: Any, period: str, bloc: str, flow: str, top: int,
           level: Level, estimate: bool) -> dict[str, Any]:
    from cistrade.report import charts  # Altair: loaded with the first chart

    if kind == "share":
        return charts.share_bars(share(eng, reporter, period, flow, estimate=estimate).to_dict(),
                                 top=top, titled=estimate)
    if kind == "bloc-share":
        return charts.bloc_line(bloc_series(eng, reporter, bloc, period, flow), titled=False)
    if kind == "rca":
        doc = strengths(eng, reporter, period, level=level.value, top=top).to_dict()
        return charts.rca_bars(doc, top=top, titled=False)
    if kind == "complementarity":
        doc = complementarity_matrix(eng, period, bloc=bloc, level=level.value).to_dict()
        return charts.complementarity_heatmap(doc, titled=False)
    return charts.matrix_heatmap(mutual_matrix(eng, bloc, period, flow), titled=False)


@router.get("/charts/{kind}", summary="A dashboard chart as a Vega-Lite spec (data inline)")
async def chart(request: Request, kind: ChartKind, period: PeriodQ,
          reporter: Annotated[str | None, Query(max_length=80)] = None,
          bloc: Annotated[str, Query(max_length=40)] = "CIS", flow: Flow = "turnover",
          top: Annotated[int, Query(ge=1, le=40)] = 15,
          level: Annotated[Level, Query(description=LEVEL.help)] = Level.HS6,
          estimate: Annotated[bool, Query(description="share: estimated from the partners' "
                              "reports, each bar with its band (docs/estimate.md)")] = False,
          ) -> Response:
    if kind not in _BLOC_CHARTS and not reporter:
        raise InputError(f"the {kind} chart needs a reporter")
    if estimate and kind != "share":
        raise InputError(f"estimate=true applies to the share chart, not {kind}")
    key = ("chart", kind, reporter, bloc, period, flow, top, level.value, estimate)
    return await _answer(request, key, lambda eng: _chart(kind, eng, reporter, period, bloc,
                                                          flow, top, level, estimate))
