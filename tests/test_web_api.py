"""The HTTP API through httpx's ASGI transport (no socket), on a store of the national files."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import EXAMPLES, shared

ERROR_KEYS = {"type", "message", "detail"}


def build_store(path: Path) -> Path:
    """A store of ../shared/data/national, each file's source detected from its content."""
    from cistrade.sources import detect
    from cistrade.store import Store

    files = sorted(f for f in shared("national").rglob("*") if f.is_file() and not f.name.startswith("."))
    store = Store(path)
    try:
        for f in files:
            store.ingest(detect(f)(), [f])
    finally:
        store.close()
    return path


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    from cistrade.web import create_app

    db = build_store(tmp_path_factory.mktemp("web") / "store.duckdb")
    application = create_app(db)
    yield application
    application.state.pool.close()


def call(app: Any, method: str, url: str, **kw: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.request(method, url, **kw)

    return asyncio.run(go())


def get(app: Any, url: str, **params: Any) -> httpx.Response:
    return call(app, "GET", url, params=params)


def assert_error(resp: httpx.Response, status: int, type_: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    doc = resp.json()
    assert set(doc) == {"error"}
    assert set(doc["error"]) == ERROR_KEYS
    assert doc["error"]["type"] == type_
    assert isinstance(doc["error"]["message"], str) and doc["error"]["message"]
    assert isinstance(doc["error"]["detail"], dict)
    assert "Traceback" not in resp.text
    return doc["error"]


# -- indicators: the CLI's JSON contract --------------------------------------------------------


def test_share_armenia_russia_41_8(app):
    doc = get(app, "/api/v1/share", reporter="Armenia", period="2024-01..2024-09").json()
    assert set(doc) >= {"query", "rows", "datasets", "notes"}
    assert doc["query"]["reporter"] == "ARM"
    rus = next(r for r in doc["rows"] if r["partner"] == "RUS")
    assert rus["rank"] == 1
    assert round(rus["share"] * 100, 1) == 41.8
    assert doc["datasets"] and doc["datasets"][0]["source"] == "am-armstat"


def test_share_matches_cli_json(app, tmp_path):
    """The API answer is the same document as ``cistrade share --format json``."""
    from cistrade import indicators

    api = get(app, "/api/v1/share", reporter="ARM", period="2024-01..2024-09", top=5).json()
    with indicators.connect(app.state.db) as eng:
        lib = indicators.share(eng, "ARM", "2024-01..2024-09", top=5).to_dict()
    lib = json.loads(json.dumps(lib, default=str))
    assert api.keys() == lib.keys()
    assert api["query"] == lib["query"] and api["notes"] == lib["notes"]
    assert api["datasets"] == lib["datasets"]
    assert len(api["rows"]) == len(lib["rows"])
    for a, b in zip(api["rows"], lib["rows"], strict=True):  # sums may differ in the last bits
        assert a.keys() == b.keys()
        for k, v in a.items():
            assert v == (pytest.approx(b[k], rel=1e-9) if isinstance(v, float) else b[k]), k


def test_share_top_is_capped_and_bounded(app):
    assert_error(get(app, "/api/v1/share", reporter="ARM", period="2024", top=100000), 422,
                 "RequestValidationError")
    doc = get(app, "/api/v1/share", reporter="ARM", period="2024", top=3).json()
    assert len([r for r in doc["rows"] if r.get("rank")]) == 3


@pytest.mark.parametrize(("path", "params", "key"), [
    ("/api/v1/bloc-share", {"reporter": "ARM", "bloc": "CIS", "period": "2024-01..2024-09"}, "bloc"),
    ("/api/v1/bloc-share/series", {"reporter": "ARM", "bloc": "CIS", "period": "2024-01..2024-09"}, "label"),
    ("/api/v1/growth", {"reporter": "ARM", "period": "2024-01..2024-09"}, "growth"),
    ("/api/v1/balance", {"reporter": "ARM", "period": "2023"}, "balance"),
    ("/api/v1/mirror", {"reporter": "KAZ", "period": "2023"}, "export_reported"),
    ("/api/v1/roles", {"group": "CIS", "period": "2023", "top": 5}, "supplier_rank"),
    ("/api/v1/matrix", {"bloc": "CIS", "period": "2023"}, "reporter"),
])
def test_indicator_endpoints(app, path, params, key):
    resp = get(app, path, **params)
    assert resp.status_code == 200, resp.text
    doc = resp.json()
    assert {"query", "rows"} <= set(doc)
    assert doc["rows"] and key in doc["rows"][0]


def test_bloc_series_one_point_per_month(app):
    doc = get(app, "/api/v1/bloc-share/series", reporter="ARM", bloc="CIS", period="2024-01..2024-09").json()
    assert [r["label"] for r in doc["rows"]] == [f"2024-{m:02d}" for m in range(1, 10)]
    assert all(0 < r["share"] < 1 for r in doc["rows"])


def test_chart_specs(app):
    for kind in ("share", "bloc-share", "matrix"):
        spec = get(app, f"/api/v1/charts/{kind}", reporter="ARM", period="2024-01..2024-09").json()
        assert spec["$schema"].endswith(".json") and "layer" in spec or "mark" in spec


# -- registry, datasets, availability ------------------------------------------------------------


def test_registry_endpoints(app):
    assert get(app, "/api/v1/countries", q="Армения").json()["rows"][0]["code"] == "ARM"
    assert get(app, "/api/v1/countries/KZ").json()["rows"][0]["code"] == "KAZ"
    assert any(b["id"] == "CIS" for b in get(app, "/api/v1/blocs").json()["rows"])
    cis = get(app, "/api/v1/blocs/CIS", on="2010-01-01").json()
    assert cis["query"] == {"bloc": "CIS", "on": "2010-01-01"}
    assert {"ARM", "KAZ", "RUS"} <= set(cis["members"])
    assert {"code", "status", "start", "end", "source"} <= set(cis["rows"][0])


def test_datasets_and_availability(app):
    rows = get(app, "/api/v1/datasets").json()["rows"]
    assert {"am-armstat", "ru-fts", "kz-bns", "uz-stat"} <= {r["source"] for r in rows}
    avail = get(app, "/api/v1/availability/Armenia").json()
    assert avail["rows"][0]["source"] == "am-armstat"


# -- claims ------------------------------------------------------------------------------------


def test_check_text_example_statement(app):
    path = EXAMPLES / "cis-trade-statement-2024.txt"
    if not path.exists():
        pytest.skip(f"example not available: {path}")
    doc = call(app, "POST", "/api/v1/check", json={"text": path.read_text(encoding="utf-8")}).json()
    assert doc["rows"] and sum(doc["summary"].values()) == len(doc["rows"])
    arm = [r for r in doc["rows"] if r["reporter"] == "ARM" and r["partner"] == "RUS"]
    assert arm and arm[0]["verdict"] in ("close", "contradicted")  # stated 41.1%, computed 41.8%


def test_check_structured_claims(app):
    claim = {"kind": "share", "reporter": "Armenia", "partner": "Russia", "period": "2024-01..2024-09",
             "value": "41.8%"}
    doc = call(app, "POST", "/api/v1/check", json={"claims": [claim]}).json()
    assert doc["rows"][0]["verdict"] == "supported"


# -- errors: one pinned shape ----------------------------------------------------------------------


def test_error_shape_is_pinned(app):
    err = assert_error(get(app, "/api/v1/share", reporter="Narnia", period="2024"), 404, "UnknownCountry")
    assert err["detail"]["name"] == "Narnia"
    assert "suggestions" in err["detail"]


@pytest.mark.parametrize(("path", "params", "status", "type_"), [
    ("/api/v1/share", {"reporter": "ARM", "period": "2024-13"}, 400, "InputError"),
    ("/api/v1/share", {"reporter": "ARM", "period": "last year"}, 400, "InputError"),
    ("/api/v1/share", {"reporter": "ARM", "period": "1995"}, 404, "NoData"),
    ("/api/v1/share", {"reporter": "ARM"}, 422, "RequestValidationError"),
    ("/api/v1/share", {"reporter": "ARM", "period": "2024", "flow": "smuggling"}, 422, "RequestValidationError"),
    ("/api/v1/growth", {"reporter": "Atlantis", "period": "2024"}, 404, "UnknownCountry"),
    ("/api/v1/bloc-share", {"reporter": "ARM", "bloc": "NATO", "period": "2024"}, 404, "UnknownBloc"),
    ("/api/v1/countries/Atlantis", {}, 404, "UnknownCountry"),
    ("/api/v1/blocs/NOPE", {}, 404, "UnknownBloc"),
    ("/api/v1/blocs/CIS", {"on": "yesterday"}, 422, "RequestValidationError"),
    ("/api/v1/no-such-thing", {}, 404, "NotFound"),
    ("/api/v1/mirror", {"reporter": "ARM", "period": "2023", "cif_fob": "-1"}, 422, "RequestValidationError"),
])
def test_errors(app, path, params, status, type_):
    assert_error(get(app, path, **params), status, type_)


def test_no_data_says_what_is_available(app):
    err = assert_error(get(app, "/api/v1/share", reporter="ARM", period="1995"), 404, "NoData")
    assert err["detail"]["available"]


def test_method_not_allowed(app):
    assert_error(call(app, "DELETE", "/api/v1/share"), 405, "MethodNotAllowed")
    assert_error(call(app, "GET", "/api/v1/check"), 405, "MethodNotAllowed")


def test_check_errors(app):
    assert_error(call(app, "POST", "/api/v1/check", json={}), 400, "InputError")
    assert_error(call(app, "POST", "/api/v1/check", json={"text": "The weather was fine."}), 400, "InputError")
    assert_error(call(app, "POST", "/api/v1/check", content=b"{not json",
                      headers={"content-type": "application/json"}), 422, "RequestValidationError")
    assert_error(call(app, "POST", "/api/v1/check", json={"claims": [{"kind": "share"}]}), 400, "InputError")
    big = json.dumps({"text": "x" * (300 * 1024)})
    assert_error(call(app, "POST", "/api/v1/check", content=big,
                      headers={"content-type": "application/json"}), 413, "BodyTooLarge")


def test_internal_error_is_shaped_and_logged(app, monkeypatch, caplog):
    def boom(_fn):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(app.state.pool, "run", boom)
    resp = get(app, "/api/v1/share", reporter="ARM", period="2022-02")
    err = assert_error(resp, 500, "InternalError")
    assert "secret" not in err["message"]
    assert any("internal error" in r.getMessage() for r in caplog.records)


# -- read-only, offline pages -------------------------------------------------------------------


def test_store_is_read_only(app):
    con = app.state.pool.cursor()
    try:
        import duckdb

        with pytest.raises(duckdb.Error):
            con.execute("CREATE TABLE x (a INT)")
    finally:
        con.close()


def test_no_endpoint_runs_sql_or_reads_files(app):
    paths = set(get(app, "/openapi.json").json()["paths"])
    assert all(p.startswith("/api/v1/") for p in paths)
    assert not any(k in p for p in paths for k in ("sql", "query", "file", "path"))


def test_openapi_and_offline_docs(app):
    spec = get(app, "/openapi.json").json()
    assert "/api/v1/share" in spec["paths"] and "/api/v1/check" in spec["paths"]
    errors = spec["paths"]["/api/v1/share"]["get"]["responses"]
    assert {"400", "404", "422"} <= set(errors)
    assert errors["404"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorDoc")
    docs = get(app, "/docs").text
    assert "/static/vendor/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()
    assert get(app, "/static/vendor/swagger-ui-bundle.js").status_code == 200


def test_dashboard_is_offline(app):
    import re

    page = get(app, "/").text
    for ident in ("reporter", "period", "flow", "share-chart", "share-table", "claims-text",
                  "claims-submit", "verdicts", "bloc-chart", "matrix-chart"):
        assert f'id="{ident}"' in page
    refs = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert refs and all(r.startswith("/") for r in refs), refs
    for ref in refs:
        if ref.startswith("/static") or ref.startswith("/assets"):
            assert get(app, ref).status_code == 200, ref
    assert "http" not in get(app, "/static/app.js").text


def test_answers_are_cached_errors_too(app):
    cache = app.state.cache
    get(app, "/api/v1/share", reporter="KAZ", period="2023", top=2)
    hits = cache.hits
    again = get(app, "/api/v1/share", reporter="KAZ", period="2023", top=2)
    assert again.status_code == 200 and cache.hits == hits + 1
    for _ in range(2):
        assert_error(get(app, "/api/v1/share", reporter="KAZ", period="1993"), 404, "NoData")
    assert cache.hits == hits + 2


def test_engine_cache_is_bounded():
    from cistrade.web.engines import AnswerCache

    cache = AnswerCache(size=2)
    for i in range(5):
        assert cache.get_or_compute(i, lambda i=i: i * 10) == i * 10
    assert cache.lookup(0) is None and cache.lookup(4) == (True, 40)


def test_start_up_reads_the_catalog_and_imports_ibis_before_the_first_request(tmp_path: Path) -> None:
    import asyncio

    from cistrade.web import create_app

    application = create_app(build_store(tmp_path / "store.duckdb"))

    async def start_and_stop() -> tuple[bool, bool]:
        async with application.router.lifespan_context(application):
            first = application.state.pool._first  # noqa: SLF001
            return first._catalog is not None, first._backend is not None  # noqa: SLF001

    assert asyncio.run(start_and_stop()) == (True, True)
