"""UN Comtrade fetcher: query building, chunking, cap splitting, resume, secrets, ingest.

Responses come from tests/data/recorded (composed in the API's form, synthetic values) and
the real sample in ../shared/data/comtrade, through an injected ``httpx.MockTransport``.
"""

from __future__ import annotations

import copy
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from conftest import shared
from typer.testing import CliRunner

from cistrade.errors import InputError, NoData, SourceUnavailable, UnknownCountry
from cistrade.fetch import ingest_fetched
from cistrade.fetch.comtrade import (
    KEY_ENV,
    KEY_HEADER,
    MAX_RECORDS_PREVIEW,
    ComtradeQuery,
    fetch_comtrade,
)
from cistrade.fetch.http import HttpClient, RetryPolicy

RECORDED = Path(__file__).parent / "data" / "recorded"
KEY = "TEST-KEY-0f1e2d3c4b5a69788796a5b4c3d2e1f0"


def recorded(name: str) -> bytes:
    return (RECORDED / name).read_bytes()


def template() -> dict:
    return json.loads(recorded("comtrade_v1_preview_C_A_HS_ARM_2023.json"))


def body(params: dict[str, str], n: int | None = None) -> dict:
    """A response in the API's form for the asked reporter, periods and flows (synthetic)."""
    doc = template()
    if n is None:
        rows = [r for r in doc["data"] if r["flowCode"] in params["flowCode"].split(",")]
    else:
        rows = [copy.deepcopy(doc["data"][i % len(doc["data"])]) for i in range(n)]
        for i, row in enumerate(rows):
            row["partnerCode"] = i
    out = []
    for period in params["period"].split(","):
        for row in rows:
            row = copy.deepcopy(row)
            row.update(reporterCode=int(params["reporterCode"]), period=period,
                       refYear=int(period[:4]))
            out.append(row)
    doc["data"], doc["count"] = out, len(out)
    return doc


class Comtrade:
    """A fake Comtrade API: ``answer(params)`` decides; every request is recorded."""

    def __init__(self, answer: Callable[[dict[str, str]], httpx.Response] | None = None) -> None:
        self.answer = answer or (lambda params: httpx.Response(200, json=body(params)))
        self.seen: list[dict[str, str]] = []
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        self.seen.append(params)
        self.requests.append(request)
        return self.answer(params)

    def asked(self, *keys: str) -> list[tuple[str, ...]]:
        return [tuple(p.get(k, "") for k in keys) for p in self.seen]


@pytest.fixture(autouse=True)
def no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(tmp_path: Path, sleeps: list[float]) -> Callable[[Comtrade], HttpClient]:
    def make(server: Comtrade) -> HttpClient:
        return HttpClient(tmp_path / "cache", transport=httpx.MockTransport(server),
                          retry=RetryPolicy(tries=3, backoff=0.5), sleep=sleeps.append)
    return make


# -- the query ------------------------------------------------------------------------------


def test_build_resolves_names_codes_and_periods() -> None:
    q = ComtradeQuery.build(["Armenia", "KAZ,842"], ["2022..2023"], partners=["Russia", "World"])
    assert q.reporters == ((51, "ARM"), (398, "KAZ"), (842, "USA"))
    assert q.periods == ("2022", "2023")
    assert q.partners == (643, 0)
    assert q.flows == ("M", "X") and q.cmds == ("TOTAL",)
    monthly = ComtradeQuery.build(["ARM"], ["2023-11..2024-02"], freq="M", flows=["import"])
    assert monthly.periods == ("202311", "202312", "202401", "202402")
    assert monthly.flows == ("M",)
    assert [c.periods for c in monthly.chunks()] == [("202311", "202312"), ("202401", "202402")]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"reporters": ["ARM"], "periods": ["2023-03"]}, InputError),  # a month in an annual query
        ({"reporters": ["ARM"], "periods": ["2023"], "flows": ["sideways"]}, InputError),
        ({"reporters": ["ARM"], "periods": ["2023"], "freq": "Q"}, InputError),
        ({"reporters": ["Atlantis"], "periods": ["2023"]}, UnknownCountry),
        ({"reporters": [], "periods": ["2023"]}, InputError),
    ],
)
def test_build_rejects_bad_input(kwargs: dict, error: type[Exception]) -> None:
    with pytest.raises(error):
        ComtradeQuery.build(**kwargs)


def test_preview_endpoint_without_key(client: Callable, caplog: pytest.LogCaptureFixture) -> None:
    server = Comtrade()
    result = fetch_comtrade(ComtradeQuery.build(["ARM"], ["2023"]), client(server))
    request = server.requests[0]
    assert request.url.path == "/public/v1/preview/C/A/HS"
    assert KEY_HEADER not in request.headers
    assert server.seen[0] == {
        "reporterCode": "51", "period": "2023", "partner2Code": "0", "cmdCode": "TOTAL",
        "flowCode": "M,X", "customsCode": "C00", "motCode": "0", "maxRecords": "500",
        "format": "JSON", "breakdownMode": "classic", "includeDesc": "true",
    }
    assert any("preview" in w and "500" in w for w in result.warnings)
    assert result.records == 6 and result.files[0].label == "ARM 2023 M+X all partners TOTAL"


def test_keyed_endpoint_sends_key_as_header(client: Callable, monkeypatch) -> None:
    monkeypatch.setenv(KEY_ENV, KEY)
    server = Comtrade()
    result = fetch_comtrade(ComtradeQuery.build(["ARM"], ["2023"]), client(server))
    request = server.requests[0]
    assert request.url.path == "/data/v1/get/C/A/HS"
    assert request.headers[KEY_HEADER] == KEY
    assert server.seen[0]["maxRecords"] == "100000"
    assert result.warnings == []
    assert result.query_url.startswith("https://comtradeapi.un.org/data/v1/get/C/A/HS?")


# -- chunking -------------------------------------------------------------------------------


def test_several_reporters_and_years_become_one_request_each(client: Callable) -> None:
    server = Comtrade()
    q = ComtradeQuery.build(["ARM", "GEO"], ["2022", "2023"])
    result = fetch_comtrade(q, client(server))
    assert server.asked("reporterCode", "period") == [
        ("51", "2022"), ("51", "2023"), ("268", "2022"), ("268", "2023")]
    assert len(result.files) == 4 and result.requests == 4
    assert len({f.path for f in result.files}) == 4
    assert "reporterCode=51,268&period=2022,2023" in result.query_url


def test_chunk_hitting_the_cap_is_split_and_asked_again(client: Callable) -> None:
    def answer(params: dict[str, str]) -> httpx.Response:
        capped = params["flowCode"] == "M,X"
        return httpx.Response(200, json=body(params, MAX_RECORDS_PREVIEW if capped else None))

    server = Comtrade(answer)
    progress: list[tuple[str, dict]] = []
    result = fetch_comtrade(ComtradeQuery.build(["ARM"], ["2023"]), client(server),
                            progress=lambda event, info: progress.append((event, info)))
    assert server.asked("flowCode") == [("M,X",), ("M",), ("X",)]
    assert [f.label for f in result.files] == ["ARM 2023 M all partners TOTAL",
                                               "ARM 2023 X all partners TOTAL"]
    assert result.records == 6  # the capped answer is not kept
    assert [e for e, _ in progress] == ["plan", "split", "chunk", "chunk"]


def test_monthly_chunk_is_split_by_period_first(client: Callable) -> None:
    def answer(params: dict[str, str]) -> httpx.Response:
        n = MAX_RECORDS_PREVIEW if len(params["period"].split(",")) > 3 else None
        return httpx.Response(200, json=body(params, n))

    server = Comtrade(answer)
    fetch_comtrade(ComtradeQuery.build(["ARM"], ["2023"], freq="M"), client(server))
    periods = [p["period"].count(",") + 1 for p in server.seen]
    assert periods == [12, 6, 3, 3, 6, 3, 3]
    assert all(p["flowCode"] == "M,X" for p in server.seen)


def test_cap_that_cannot_be_split_warns(client: Callable) -> None:
    server = Comtrade(lambda p: httpx.Response(200, json=body(p, MAX_RECORDS_PREVIEW)))
    q = ComtradeQuery.build(["ARM"], ["2023"], flows=["X"])
    result = fetch_comtrade(q, client(server))
    assert len(server.seen) == 1
    assert any("may be truncated" in w for w in result.warnings)
    assert result.records == MAX_RECORDS_PREVIEW


# -- failures, resume, back-off -------------------------------------------------------------


def test_resume_after_a_failure_in_the_middle(client: Callable, sleeps: list[float]) -> None:
    q = ComtradeQuery.build(["ARM"], ["2021..2023"])

    def broken(params: dict[str, str]) -> httpx.Response:
        if params["period"] == "2023":
            return httpx.Response(500, text="Internal Server Error")
        return httpx.Response(200, json=body(params))

    first = Comtrade(broken)
    with pytest.raises(SourceUnavailable) as caught:
        fetch_comtrade(q, client(first))
    assert caught.value.status == 500 and "gave up after 3 tries" in str(caught.value)
    assert first.asked("period") == [("2021",), ("2022",), ("2023",), ("2023",), ("2023",)]
    assert sleeps == [0.5, 1.0]

    second = Comtrade()
    result = fetch_comtrade(q, client(second))
    assert second.asked("period") == [("2023",)]  # 2021 and 2022 came from the cache
    assert [f.from_cache for f in result.files] == [True, True, False]
    assert result.requests == 1 and len(result.files) == 3


def test_429_backs_off_as_told(client: Callable, sleeps: list[float]) -> None:
    answers = [httpx.Response(429, headers={"Retry-After": "3"},
                              content=recorded("comtrade_v1_429.json"))]

    def answer(params: dict[str, str]) -> httpx.Response:
        return answers.pop() if answers else httpx.Response(200, json=body(params))

    server = Comtrade(answer)
    result = fetch_comtrade(ComtradeQuery.build(["ARM"], ["2023"]), client(server))
    assert sleeps == [3.0] and len(server.seen) == 2 and result.records == 6


def test_truncated_json_is_an_input_error_naming_the_url(client: Callable, tmp_path: Path) -> None:
    whole = recorded("comtrade_v1_preview_C_A_HS_ARM_2023.json")
    server = Comtrade(lambda p: httpx.Response(200, content=whole[: len(whole) // 2]))
    with pytest.raises(InputError, match="malformed JSON") as caught:
        fetch_comtrade(ComtradeQuery.build(["ARM"], ["2023"]), client(server))
    url = caught.value.file
    assert url.startswith("https://comtradeapi.un.org/public/v1/preview/C/A/HS?reporterCode=51")
    assert url in str(caught.value)
    assert not [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]  # not cached


def test_api_error_field_is_source_unavailable(client: Callable) -> None:
    doc = {"elapsedTime": "0.01 secs", "count": 0, "data": [], "error": "Invalid period"}
    server = Comtrade(lambda p: httpx.Response(200, json=doc))
    with pytest.raises(SourceUnavailable, match="Invalid period") as caught:
        fetch_comtrade(ComtradeQuery.build(["ARM"], ["2023"]), client(server))
    assert caught.value.url.startswith("https://comtradeapi.un.org/")


def test_empty_answer_is_no_data(client: Callable) -> None:
    server = Comtrade(lambda p: httpx.Response(200, content=recorded("comtrade_v1_count0.json")))
    with pytest.raises(NoData, match="no records for reporter ARM \\(51\\), period 2023"):
        fetch_comtrade(ComtradeQuery.build(["ARM"], ["2023"]), client(server))


def test_partly_empty_answer_keeps_the_rest(client: Callable) -> None:
    def answer(params: dict[str, str]) -> httpx.Response:
        if params["period"] == "2024":
            return httpx.Response(200, content=recorded("comtrade_v1_count0.json"))
        return httpx.Response(200, json=body(params))

    result = fetch_comtrade(ComtradeQuery.build(["ARM"], ["2023..2024"]), client(Comtrade(answer)))
    assert [f.label for f in result.files] == ["ARM 2023 M+X all partners TOTAL"]
    assert result.empty == ["ARM 2024 M+X all partners TOTAL"]


def test_timeout_becomes_source_unavailable(client: Callable) -> None:
    def answer(params: dict[str, str]) -> httpx.Response:
        raise httpx.ReadTimeout("read timed out")

    with pytest.raises(SourceUnavailable, match="no answer from comtradeapi.un.org"):
        fetch_comtrade(ComtradeQuery.build(["ARM"], ["2023"]), client(Comtrade(answer)))


def test_key_never_leaks(client: Callable, monkeypatch, tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv(KEY_ENV, KEY)
    server = Comtrade()
    result = fetch_comtrade(ComtradeQuery.build(["ARM"], ["2022..2023"]), client(server))
    assert all(r.headers[KEY_HEADER] == KEY for r in server.requests)
    assert all(KEY not in str(r.url) for r in server.requests)
    for path in (tmp_path / "cache").rglob("*"):
        assert KEY not in path.name
        if path.is_file():
            assert KEY not in path.read_text()
    assert KEY not in json.dumps(result.to_dict())
    denied = Comtrade(lambda p: httpx.Response(401, json={"message": f"bad key {KEY}"}))
    with pytest.raises(SourceUnavailable) as caught:
        fetch_comtrade(ComtradeQuery.build(["GEO"], ["2023"]), client(denied))
    assert KEY not in str(caught.value) and KEY not in json.dumps(caught.value.to_dict())
    assert KEY not in caplog.text


# -- ingest ---------------------------------------------------------------------------------


def _reader() -> None:
    pytest.importorskip("cistrade.sources.comtrade", reason="the Comtrade reader is not there yet")


def test_fetch_and_ingest_record_provenance(client: Callable, mem_store, monkeypatch) -> None:
    _reader()
    monkeypatch.setenv(KEY_ENV, KEY)
    sample = shared("comtrade", "api_v1_get_C_A_HS_sample.json").read_bytes()

    def answer(params: dict[str, str]) -> httpx.Response:
        if params["reporterCode"] == "156":
            return httpx.Response(200, content=sample)
        return httpx.Response(200, json=body(params))

    result = fetch_comtrade(ComtradeQuery.build(["China", "ARM"], ["2010"]), client(Comtrade(answer)))
    report = ingest_fetched(mem_store, result)
    assert [f.status for f in report.files] == ["ingested", "ingested"]
    assert report.rows > 0
    datasets = {d["file_name"]: d for d in mem_store.datasets()}
    for fetched in result.files:
        row = datasets[fetched.path.name]
        assert row["source"] == "comtrade"
        assert row["url"] == fetched.url and KEY not in row["url"]
        assert row["retrieved_at"] == fetched.retrieved_at
        assert row["notes"]["query"]["reporterCode"] == [156, 51]
        assert row["notes"]["query_url"] == result.query_url
        assert KEY not in json.dumps(row, default=str)
    again = ingest_fetched(mem_store, result)
    assert not again.changed  # the same files twice change nothing


def _cli(monkeypatch, server: Comtrade) -> CliRunner:
    import cistrade.cli.fetch as cli_fetch

    monkeypatch.setattr(cli_fetch, "make_http", lambda cache_dir: HttpClient(
        cache_dir, transport=httpx.MockTransport(server), sleep=lambda s: None))
    return CliRunner()


def test_cli_fetch_without_ingest(monkeypatch, tmp_path: Path) -> None:
    from cistrade.cli import app

    server = Comtrade()
    runner = _cli(monkeypatch, server)
    args = ["fetch", "comtrade", "--reporter", "Armenia", "--period", "2022", "--period", "2023",
            "--cache-dir", str(tmp_path / "c"), "--no-ingest", "--format", "json"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert [r["chunk"] for r in doc["rows"]] == ["ARM 2022 M+X all partners TOTAL",
                                                  "ARM 2023 M+X all partners TOTAL"]
    assert doc["fetch"]["records"] == 12 and doc["ingest"] is None
    assert "preview" in res.stderr
    again = runner.invoke(app, args)
    assert again.exit_code == 0 and len(server.seen) == 2  # the second run used the cache
    assert all(r["cached"] for r in json.loads(again.stdout)["rows"])


def test_cli_empty_answer_exits_1_and_stores_nothing(monkeypatch, tmp_path: Path) -> None:
    from cistrade.cli import app
    from cistrade.store import Store

    server = Comtrade(lambda p: httpx.Response(200, content=recorded("comtrade_v1_count0.json")))
    db = tmp_path / "s.duckdb"
    res = _cli(monkeypatch, server).invoke(app, ["fetch", "comtrade", "-r", "ARM", "-p", "2023",
                                                 "--db", str(db), "--cache-dir", str(tmp_path)])
    assert res.exit_code == 1
    assert "no records for reporter ARM" in res.stderr and "Traceback" not in res.output
    if db.exists():
        with Store(db) as store:
            assert store.count() == 0 and store.datasets() == []


def test_cli_fetch_and_ingest(monkeypatch, tmp_path: Path) -> None:
    _reader()
    from cistrade.cli import app
    from cistrade.store import Store

    db = tmp_path / "s.duckdb"
    res = _cli(monkeypatch, Comtrade()).invoke(
        app, ["fetch", "comtrade", "-r", "ARM", "-p", "2023", "--db", str(db),
              "--cache-dir", str(tmp_path / "c"), "--format", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["rows"][0]["status"] == "ingested" and doc["rows"][0]["rows"] > 0
    with Store(db) as store:
        (row,) = store.datasets()
        assert row["url"].startswith("https://comtradeapi.un.org/public/v1/preview/C/A/HS?")
        assert row["retrieved_at"]


def test_fetched_files_ingested_by_hand_keep_their_url(monkeypatch, tmp_path: Path) -> None:
    _reader()
    from cistrade.cli import app
    from cistrade.store import Store

    cache = tmp_path / "c"
    res = _cli(monkeypatch, Comtrade()).invoke(
        app, ["fetch", "comtrade", "-r", "ARM", "-p", "2023", "--cache-dir", str(cache),
              "--no-ingest", "--format", "json"])
    assert res.exit_code == 0, res.output
    fetched = json.loads(res.stdout)["fetch"]["files"][0]
    db = tmp_path / "s.duckdb"
    # later, by hand: `cistrade ingest auto <cache dir>` (the sidecar files are hidden)
    res = CliRunner().invoke(app, ["ingest", "auto", str(cache), "--db", str(db)])
    assert res.exit_code == 0, res.output
    with Store(db) as store:
        (row,) = store.datasets()
    assert row["url"] == fetched["url"] and KEY not in row["url"]
    assert row["retrieved_at"] == fetched["retrieved_at"]


@pytest.mark.live
@pytest.mark.skipif(os.environ.get("CISTRADE_LIVE") != "1", reason="live API test (CISTRADE_LIVE=1)")
def test_live_preview_armenia(tmp_path: Path) -> None:
    with HttpClient(tmp_path) as http:
        result = fetch_comtrade(ComtradeQuery.build(["ARM"], ["2022"], partners=["World"]), http)
    assert result.records > 0
