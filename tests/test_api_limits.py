"""Issue #14, item 1 (the server's side): one request's work is bounded — its text's length,
its sentences and its time — and the server keeps answering while a text is read."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from cistrade.cli import app as cli
from cistrade.store import Store

#: a run of digits no statement has: the claim patterns were quadratic on it (4,000 digits
#: took 2 s, 12,000 about 18 s), holding the GIL all along
DIGITS = "1" * 12_000


@pytest.fixture
def web(tmp_path: Path):
    """A fresh app per test (its lifespan, run by each test, closes its engine pool)."""
    from cistrade.sources.tidy import TidySource
    from cistrade.web import create_app

    folder = tmp_path
    csv = folder / "t.csv"
    csv.write_text("reporter,partner,flow,period,value\nARM,RUS,export,2023,5\n")
    with Store(folder / "s.duckdb") as store:
        store.ingest(TidySource(), [csv])
    application = create_app(folder / "s.duckdb")
    return application


async def _with_client(application, go):  # noqa: ANN001, ANN202
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=120) as client:
            return await go(client)


@pytest.mark.timeout(120)
def test_a_pathological_text_is_stopped_and_the_server_keeps_answering(web, monkeypatch) -> None:
    """Before: the extraction ran in a thread holding the GIL: /healthz waited for it."""
    monkeypatch.setenv("CISTRADE_CHECK_SECONDS", "2")

    async def go(client: httpx.AsyncClient) -> tuple:
        check = asyncio.create_task(client.post("/api/v1/check", json={"text": DIGITS}))
        await asyncio.sleep(0.5)
        health = [await client.get("/healthz") for _ in range(3)]
        return await check, health

    # no wall-clock bound here (a loaded machine): the extraction runs in a child process that
    # is stopped at the limit, so /healthz is answered meanwhile; the test's timeout guards
    # against a hang, and benchmarks/api_load.py measures how fast the server answers
    resp, health = asyncio.run(_with_client(web, go))
    assert [h.status_code for h in health] == [200, 200, 200]
    # over the time limit: a clear error; once the patterns are linear, the text simply has
    # no claim in it
    assert resp.status_code in (400, 422), resp.text
    error = resp.json()["error"]
    assert error["type"] in ("WorkLimit", "InputError")
    if resp.status_code == 422:
        assert "took over 2 s" in error["message"]


@pytest.mark.parametrize(("text", "what"), [
    ("Russia's share of Armenia's trade was 41.1% in 2024. " * 1_900, "characters"),
    ("Trade rose.\n" * 2_500, "sentences"),
])
def test_a_text_beyond_the_size_limits_is_refused_at_once(web, text: str, what: str) -> None:
    async def go(client: httpx.AsyncClient) -> httpx.Response:
        return await client.post("/api/v1/check", json={"text": text})

    resp = asyncio.run(_with_client(web, go))
    assert resp.status_code == 422, resp.text
    assert resp.json()["error"]["type"] == "WorkLimit" and what in resp.json()["error"]["message"]


@pytest.mark.timeout(120)
def test_cli_check_stops_a_pathological_text_with_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CISTRADE_CHECK_SECONDS", "1")
    text = tmp_path / "statement.txt"
    text.write_text(DIGITS + "\n")
    result = CliRunner().invoke(cli, ["check", str(text), "--extract-only"])
    assert result.exit_code == 1, result.output
    assert str(text) in result.output
    assert any(w in result.output for w in ("took over 1 s", "no trade claims", "claim reader failed"))
