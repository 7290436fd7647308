"""The fetchers' HTTP client: cache, retries, back-off, error translation, secrets."""

from __future__ import annotations

import email.utils
import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from cistrade.errors import InputError, SourceUnavailable
from cistrade.fetch.http import HttpClient, RetryPolicy, redact_url

URL = "https://api.example.org/data?x=1&y=a,b"
SECRET = "s3cr3t-KEY-value-42"


class Server:
    """A MockTransport handler answering from a script of responses, recording requests."""

    def __init__(self, *answers: httpx.Response | Exception | None) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer or httpx.Response(200, json={"ok": True})


def make(tmp_path: Path, server: Server, tries: int = 3) -> tuple[HttpClient, list[float]]:
    sleeps: list[float] = []
    http = HttpClient(tmp_path / "cache", transport=httpx.MockTransport(server),
                      retry=RetryPolicy(tries=tries, backoff=1.0), sleep=sleeps.append)
    return http, sleeps


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_body_is_cached_and_reused(tmp_path: Path) -> None:
    server = Server(httpx.Response(200, content=b'{"a": 1}', headers={"Content-Type": "application/json"}))
    http, _ = make(tmp_path, server)
    first = http.get(URL, headers={"Accept": "application/json"}, name="demo", suffix=".json")
    second = http.get(URL, headers={"Accept": "application/json"}, name="demo", suffix=".json")
    assert len(server.requests) == 1
    assert not first.from_cache and second.from_cache
    assert first.path == second.path and first.path.read_bytes() == b'{"a": 1}'
    assert second.retrieved_at == first.retrieved_at  # the time of the download, not of the re-use
    assert first.url == URL and first.content_type == "application/json"
    meta = json.loads(http.meta_path(first.path).read_text())
    assert meta["url"] == URL and meta["accept"] == "application/json"
    assert http.meta_path(first.path).name.startswith(".")  # hidden: `ingest auto` skips it
    assert first.path.name.startswith("demo-") and first.path.suffix == ".json"


def test_refresh_downloads_again(tmp_path: Path) -> None:
    server = Server(None)
    http, _ = make(tmp_path, server)
    http.get(URL)
    again = http.get(URL, refresh=True)
    assert len(server.requests) == 2 and not again.from_cache
    assert not (again.path.parent / ".previous").exists()  # the same body: nothing to keep


def test_refresh_keeps_a_different_earlier_body(tmp_path: Path) -> None:
    server = Server(httpx.Response(200, content=b"first"), httpx.Response(200, content=b"second"))
    http, _ = make(tmp_path, server)
    first = http.get(URL, name="demo")
    again = http.get(URL, name="demo", refresh=True)
    assert again.path == first.path and again.path.read_bytes() == b"second"
    (kept,) = (first.path.parent / ".previous").glob("demo-*@*")
    assert kept.read_bytes() == b"first"
    assert json.loads(http.meta_path(kept).read_text())["retrieved_at"] == first.retrieved_at


def test_cache_key_includes_accept_but_not_secrets(tmp_path: Path) -> None:
    http, _ = make(tmp_path, Server(None))
    xml = http.cache_path(URL, accept="application/xml")
    csv = http.cache_path(URL, accept="text/csv")
    assert xml != csv
    assert http.cache_path(URL + "&subscription-key=abc") == http.cache_path(URL)


def test_5xx_is_retried_with_exponential_backoff(tmp_path: Path) -> None:
    server = Server(httpx.Response(500), httpx.Response(503), httpx.Response(200, json={}))
    http, sleeps = make(tmp_path, server, tries=4)
    assert not http.get(URL).from_cache
    assert sleeps == [1.0, 2.0]
    assert len(server.requests) == 3


def test_gives_up_after_bounded_tries(tmp_path: Path) -> None:
    server = Server(httpx.Response(502, text="<html><body>Bad gateway</body></html>"))
    http, sleeps = make(tmp_path, server, tries=3)
    with pytest.raises(SourceUnavailable) as caught:
        http.get(URL)
    assert len(server.requests) == 3 and sleeps == [1.0, 2.0]
    exc = caught.value
    assert exc.status == 502 and exc.url == URL
    assert "gave up after 3 tries" in str(exc) and "Bad gateway" in str(exc)
    assert files_in(tmp_path / "cache") == []  # nothing half-written left behind


def test_429_honours_retry_after_seconds(tmp_path: Path) -> None:
    server = Server(httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, json={}))
    http, sleeps = make(tmp_path, server)
    http.get(URL)
    assert sleeps == [7.0]


def test_429_honours_retry_after_http_date(tmp_path: Path) -> None:
    when = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    server = Server(httpx.Response(429, headers={"Retry-After": when}), httpx.Response(200, json={}))
    http, sleeps = make(tmp_path, server)
    http.get(URL)
    assert len(sleeps) == 1 and 25 <= sleeps[0] <= 31


def test_429_reads_comtrade_message_without_header(tmp_path: Path) -> None:
    body = {"statusCode": 429, "message": "Rate limit is exceeded. Try again in 2 seconds."}
    server = Server(httpx.Response(429, json=body), httpx.Response(200, json={}))
    http, sleeps = make(tmp_path, server)
    http.get(URL)
    assert sleeps == [2.0]


def test_too_long_retry_after_fails_at_once(tmp_path: Path) -> None:
    server = Server(httpx.Response(429, headers={"Retry-After": "86400"},
                                   json={"message": "Out of call volume quota."}))
    http, sleeps = make(tmp_path, server)
    with pytest.raises(SourceUnavailable, match="try again later") as caught:
        http.get(URL)
    assert sleeps == [] and len(server.requests) == 1 and caught.value.status == 429


def test_client_error_is_not_retried(tmp_path: Path) -> None:
    server = Server(httpx.Response(401, json={"statusCode": 401, "message": "Access denied."}))
    http, sleeps = make(tmp_path, server)
    with pytest.raises(SourceUnavailable, match="HTTP 401.*Access denied") as caught:
        http.get(URL)
    assert caught.value.status == 401 and sleeps == [] and len(server.requests) == 1


@pytest.mark.parametrize("error", [httpx.ReadTimeout("timed out"), httpx.ConnectTimeout("slow")])
def test_timeouts_become_source_unavailable(tmp_path: Path, error: Exception) -> None:
    server = Server(error)
    http, sleeps = make(tmp_path, server)
    with pytest.raises(SourceUnavailable, match="no answer from api.example.org") as caught:
        http.get(URL)
    assert caught.value.status is None and caught.value.url == URL
    assert len(server.requests) == 3 and sleeps == [1.0, 2.0]
    assert isinstance(caught.value.__cause__, httpx.TimeoutException)


def test_network_error_is_retried_then_succeeds(tmp_path: Path) -> None:
    server = Server(httpx.ConnectError("connection refused"), httpx.Response(200, json={}))
    http, sleeps = make(tmp_path, server)
    assert http.get(URL).path.exists()
    assert sleeps == [1.0]


def test_unreachable_host_becomes_source_unavailable(tmp_path: Path) -> None:
    http, _ = make(tmp_path, Server(httpx.ConnectError("Name or service not known")), tries=1)
    with pytest.raises(SourceUnavailable, match="cannot reach api.example.org"):
        http.get(URL)


def test_rejected_body_is_not_cached(tmp_path: Path) -> None:
    server = Server(httpx.Response(200, content=b'{"data": [1, 2'))

    def validate(path: Path) -> int:
        try:
            return len(json.loads(path.read_text())["data"])
        except ValueError as exc:
            raise InputError(f"malformed JSON: {exc}") from None

    http, _ = make(tmp_path, server)
    with pytest.raises(InputError, match="malformed JSON") as caught:
        http.get(URL, validate=validate)
    assert caught.value.file == URL and URL in str(caught.value)
    assert files_in(tmp_path / "cache") == []
    server.answers = [httpx.Response(200, content=b'{"data": [1, 2]}')]
    assert http.get(URL, validate=validate).info == 2
    assert len(server.requests) == 2


def test_unusable_cached_body_is_fetched_again(tmp_path: Path) -> None:
    server = Server(httpx.Response(200, content=b"good"))

    def validate(path: Path) -> str:
        if path.read_bytes() != b"good":
            raise InputError("bad body")
        return "ok"

    http, _ = make(tmp_path, server)
    first = http.get(URL, validate=validate)
    first.path.write_bytes(b"damaged")
    again = http.get(URL, validate=validate)
    assert not again.from_cache and again.path.read_bytes() == b"good"
    assert len(server.requests) == 2


def test_secret_is_sent_but_never_stored_logged_or_shown(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server = Server(httpx.Response(200, json={"fine": True}))
    http, _ = make(tmp_path, server)
    got = http.get(URL, secrets={"Ocp-Apim-Subscription-Key": SECRET}, name="keyed")
    assert server.requests[0].headers["Ocp-Apim-Subscription-Key"] == SECRET
    assert SECRET not in str(server.requests[0].url)
    assert SECRET not in got.url
    for path in files_in(tmp_path / "cache"):
        assert SECRET not in path.name and SECRET not in path.read_text()
    # an error body that echoes the key is scrubbed before it reaches the message
    server.answers = [httpx.Response(403, text=f"key {SECRET} is not valid")]
    with pytest.raises(SourceUnavailable) as caught:
        http.get(URL + "&z=2", secrets={"Ocp-Apim-Subscription-Key": SECRET})
    assert SECRET not in str(caught.value) and "***" in str(caught.value)
    assert SECRET not in caplog.text


def test_redact_url_removes_credential_parameters() -> None:
    url = "https://h.example/p?reporterCode=51&subscription-key=abc&period=2023&token=t&Key=k"
    assert redact_url(url) == "https://h.example/p?reporterCode=51&period=2023"
    assert redact_url("https://h.example/p") == "https://h.example/p"


def test_injected_client_is_used_and_left_open(tmp_path: Path) -> None:
    server = Server(None)
    client = httpx.Client(transport=httpx.MockTransport(server))
    with HttpClient(tmp_path, client=client, sleep=lambda s: None) as http:
        http.get(URL)
    assert len(server.requests) == 1 and not client.is_closed
    client.close()


def test_default_cache_dir_follows_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CISTRADE_CACHE", str(tmp_path / "c"))
    with HttpClient() as http:
        assert http.cache_dir == tmp_path / "c"
    monkeypatch.delenv("CISTRADE_CACHE")
    monkeypatch.setenv("CISTRADE_CACHE_DIR", str(tmp_path / "all"))
    with HttpClient() as http:  # one variable for every cache
        assert http.cache_dir == tmp_path / "all" / "fetch"
