"""IMF IMTS fetcher: the recorded request forms, formats, availability, NoData, ingest.

The real responses in ../shared/data/imf/recorded_api_imf_org (with manifest.json) are read
from there; tests/data/recorded holds composed ones (synthetic values).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from conftest import shared
from typer.testing import CliRunner

from cistrade.errors import InputError, NoData, SourceUnavailable
from cistrade.fetch import ingest_fetched
from cistrade.fetch.http import HttpClient, RetryPolicy
from cistrade.fetch.imf import (
    ACCEPT_CSV,
    ACCEPT_XML,
    ImfQuery,
    availability,
    availability_url,
    fetch_imf,
    parse_availability,
)

RECORDED = Path(__file__).parent / "data" / "recorded"
ARM_XML = RECORDED / "imf_imts_ARM.XG_FOB_USD.G001+RUS.A_2023-2024.xml"
ARM_CSV = RECORDED / "imf_imts_ARM.XG_FOB_USD.G001+RUS.A_2023-2024.csv"
ARM_QUERY = {"indicators": ["XG_FOB_USD"], "partners": ["World", "Russia"], "start": "2023",
             "end": "2024"}


def manifest() -> list[dict]:
    folder = shared("imf", "recorded_api_imf_org")
    return json.loads((folder / "manifest.json").read_text())


class Imf:
    """A fake IMF API answering from {url-part: (status, body path or bytes)}; records requests."""

    def __init__(self, routes: dict[str, tuple[int, Path | bytes]]) -> None:
        self.routes = routes
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        for part, (status, content) in self.routes.items():
            if part in str(request.url):
                data = content.read_bytes() if isinstance(content, Path) else content
                return httpx.Response(status, content=data)
        return httpx.Response(404, text="NoResultsFound")


@pytest.fixture
def client(tmp_path: Path) -> Callable[[Imf], HttpClient]:
    def make(server: Imf) -> HttpClient:
        return HttpClient(tmp_path / "cache", transport=httpx.MockTransport(server),
                          retry=RetryPolicy(tries=2), sleep=lambda s: None)
    return make


# -- the request forms ----------------------------------------------------------------------


def test_data_url_has_the_recorded_form() -> None:
    q = ImfQuery.build(["United States"], indicators=["XG_FOB_USD"], partners=["G001", "G998"],
                       start="2023", end="2025")
    assert q.url("USA") == (
        "https://api.imf.org/external/sdmx/3.0/data/dataflow/IMF.STA/IMTS/+/"
        "USA.XG_FOB_USD.G001+G998.A?c%5BTIME_PERIOD%5D=ge:2023-01-01+le:2025-12-31"
        "&dimensionAtObservation=TIME_PERIOD&detail=full&includeHistory=false"
    )
    recorded = next(m for m in manifest() if m["file"].startswith("05-data"))
    # the recording asked up to 2026-01-01; cistrade asks up to the last day of --end
    assert q.url("USA") == recorded["uri"].replace("le:2026-01-01", "le:2025-12-31")
    assert recorded["request_headers"]["Accept"] == [ACCEPT_XML]


def test_availability_urls_are_the_recorded_ones() -> None:
    expected = {
        "01": ("COUNTRY", "*.*.*.*"),
        "02": ("INDICATOR", "USA.*.*.*"),
        "03": ("COUNTERPART_COUNTRY", "USA.XG_FOB_USD.*.*"),
        "04": ("FREQUENCY", "USA.XG_FOB_USD.G001.*"),
    }
    for entry in manifest():
        if entry["file"][:2] in expected:
            dimension, key = expected[entry["file"][:2]]
            assert availability_url(dimension, key) == entry["uri"]


def test_parse_recorded_availability() -> None:
    folder = shared("imf", "recorded_api_imf_org")
    countries = parse_availability(json.loads((folder / "01-availability_COUNTRY.json").read_text()),
                                   "COUNTRY")
    assert len(countries["codes"]) == 237
    assert {"RUS", "KAZ", "KGZ", "UZB", "ARM", "AZE", "BLR", "TJK", "TKM", "MDA", "UKR", "GEO",
            "SUN"} <= set(countries["codes"])
    freq = parse_availability(
        json.loads((folder / "04-availability_USA_XG_FOB_USD_G001_FREQUENCY.json").read_text()),
        "FREQUENCY")
    assert freq == {"codes": ["A", "M", "Q"], "start": "1948-01-01", "end": "2025-09-01",
                    "series": 3}


def test_build_resolves_names() -> None:
    q = ImfQuery.build(["Armenia", "KAZ"], partners=["World", "Russia", "G998"], freq="m",
                       start="2024-01", end="2024-06")
    assert q.reporters == ("ARM", "KAZ") and q.partners == ("G001", "RUS", "G998")
    assert q.indicators == ("XG_FOB_USD", "MG_CIF_USD") and q.freq == "M"
    assert "ge:2024-01-01+le:2024-06-30" in q.url("ARM")
    assert ImfQuery.build(["ARM"]).key() == "ARM.XG_FOB_USD+MG_CIF_USD.*.A"
    with pytest.raises(InputError):
        ImfQuery.build(["ARM"], start="2024", end="2023")
    with pytest.raises(InputError):
        ImfQuery.build(["ARM"], freq="W")


# -- fetching -------------------------------------------------------------------------------


def test_fetch_the_recorded_us_response(client: Callable) -> None:
    body = shared("imf", "recorded_api_imf_org", "05-data_USA_XG_FOB_USD_G001+G998_A.xml")
    server = Imf({"/data/dataflow/IMF.STA/IMTS/+/USA.XG_FOB_USD.G001+G998.A?": (200, body)})
    q = ImfQuery.build(["USA"], indicators=["XG_FOB_USD"], partners=["G001", "G998"],
                       start="2023", end="2024")
    result = fetch_imf(q, client(server))
    (request,) = server.requests
    assert request.headers["Accept"] == ACCEPT_XML
    assert result.records == 4 and result.files[0].path.read_bytes() == body.read_bytes()
    assert result.files[0].url == q.url("USA") and result.files[0].path.suffix == ".xml"


def test_one_request_per_reporter_and_cache_reuse(client: Callable) -> None:
    server = Imf({"/+/ARM.": (200, ARM_XML), "/+/GEO.": (200, ARM_XML)})
    q = ImfQuery.build(["ARM", "GEO"], **ARM_QUERY)
    http = client(server)
    first = fetch_imf(q, http)
    assert [r.url.path.split("/+/")[1] for r in server.requests] == [
        "ARM.XG_FOB_USD.G001+RUS.A", "GEO.XG_FOB_USD.G001+RUS.A"]
    assert first.records == 8 and first.requests == 2
    second = fetch_imf(q, http)
    assert len(server.requests) == 2 and all(f.from_cache for f in second.files)


def test_csv_is_asked_with_the_sdmx_csv_media_type(client: Callable) -> None:
    server = Imf({"/+/ARM.": (200, ARM_CSV)})
    result = fetch_imf(ImfQuery.build(["ARM"], csv=True, **ARM_QUERY), client(server))
    assert server.requests[0].headers["Accept"] == ACCEPT_CSV
    assert result.records == 4 and result.files[0].path.suffix == ".csv"


def test_404_is_no_data_saying_what_is_available(client: Callable) -> None:
    server = Imf({
        "/availability/": (200, RECORDED / "imf_availability_ARM_INDICATOR.json"),
        "/data/": (404, b"NoResultsFound"),
    })
    q = ImfQuery.build(["ARM"], indicators=["XG_CIF_USD"], start="2023", end="2024")
    with pytest.raises(NoData, match="no observations for ARM.XG_CIF_USD") as caught:
        fetch_imf(q, client(server))
    available = caught.value.available
    assert available["INDICATOR under ARM.*.*.*"] == ["MG_CIF_USD", "MG_FOB_USD", "XG_FOB_USD"]
    assert available["time span under ARM.*.*.*"] == "1992-01-01 to 2025-09-01"
    paths = [r.url.raw_path.decode() for r in server.requests[1:]]
    assert paths[0] == "/external/sdmx/3.0/availability/dataflow/IMF.STA/IMTS/%2B/ARM.*.*.*/INDICATOR"
    assert all(r.headers["Accept"] == "application/json" for r in server.requests[1:])


def test_empty_dataset_is_no_data(client: Callable) -> None:
    server = Imf({"/data/": (200, RECORDED / "imf_imts_empty_dataset.xml"),
                  "/availability/": (503, b"down")})
    with pytest.raises(NoData) as caught:
        fetch_imf(ImfQuery.build(["ARM"], **ARM_QUERY), client(server))
    assert caught.value.available == {}  # availability failed: said nothing, hid nothing


def test_malformed_xml_is_an_input_error_naming_the_url(client: Callable) -> None:
    whole = ARM_XML.read_bytes()
    server = Imf({"/data/": (200, whole[: len(whole) // 2])})
    q = ImfQuery.build(["ARM"], **ARM_QUERY)
    with pytest.raises(InputError, match="malformed XML") as caught:
        fetch_imf(q, client(server))
    assert caught.value.file == q.url("ARM") and q.url("ARM") in str(caught.value)


def test_not_sdmx_csv_is_an_input_error(client: Callable) -> None:
    server = Imf({"/data/": (200, b"<html>maintenance</html>")})
    with pytest.raises(InputError, match="not SDMX-CSV"):
        fetch_imf(ImfQuery.build(["ARM"], csv=True, **ARM_QUERY), client(server))


def test_sdmx_error_message_is_source_unavailable(client: Callable) -> None:
    error = (b'<?xml version="1.0"?><message:Error xmlns:message="http://www.sdmx.org/resources/'
             b'sdmxml/schemas/v3_0/message"><message:ErrorMessage code="500"><common:Text '
             b'xmlns:common="x">Internal error</common:Text></message:ErrorMessage></message:Error>')
    server = Imf({"/data/": (200, error)})
    with pytest.raises(SourceUnavailable, match="Internal error"):
        fetch_imf(ImfQuery.build(["ARM"], **ARM_QUERY), client(server))


def test_server_errors_are_retried_then_reported(client: Callable) -> None:
    server = Imf({"/data/": (503, b"Service Unavailable")})
    with pytest.raises(SourceUnavailable, match="HTTP 503") as caught:
        fetch_imf(ImfQuery.build(["ARM"], **ARM_QUERY), client(server))
    assert len(server.requests) == 2 and caught.value.status == 503


def test_availability_helper(client: Callable) -> None:
    server = Imf({"/availability/": (200, RECORDED / "imf_availability_ARM_INDICATOR.json")})
    info = availability(client(server), "INDICATOR", "ARM.*.*.*")
    assert info["codes"] == ["MG_CIF_USD", "MG_FOB_USD", "XG_FOB_USD"] and info["series"] == 1200
    with pytest.raises(InputError):
        availability(client(server), "REF_AREA")


# -- ingest ---------------------------------------------------------------------------------


def test_fetch_and_ingest_record_provenance(client: Callable, mem_store) -> None:
    pytest.importorskip("cistrade.sources.imf", reason="the IMF reader is not there yet")
    body = shared("imf", "recorded_api_imf_org", "05-data_USA_XG_FOB_USD_G001+G998_A.xml")
    server = Imf({"/+/USA.": (200, body)})
    q = ImfQuery.build(["USA"], indicators=["XG_FOB_USD"], partners=["G001", "G998"],
                       start="2023", end="2024")
    result = fetch_imf(q, client(server))
    report = ingest_fetched(mem_store, result)
    assert report.files[0].status == "ingested" and report.rows > 0
    (row,) = mem_store.datasets()
    assert row["source"] == "imf" and row["url"] == q.url("USA")
    assert row["retrieved_at"] == result.files[0].retrieved_at
    assert row["notes"]["query"]["COUNTRY"] == ["USA"]


def test_cli_fetch_imf_without_ingest(monkeypatch, tmp_path: Path) -> None:
    import cistrade.cli.fetch as cli_fetch
    from cistrade.cli import app

    server = Imf({"/+/ARM.": (200, ARM_XML)})
    monkeypatch.setattr(cli_fetch, "make_http", lambda cache_dir: HttpClient(
        cache_dir, transport=httpx.MockTransport(server), sleep=lambda s: None))
    res = CliRunner().invoke(app, [
        "fetch", "imf", "--reporter", "ARM", "--indicator", "XG_FOB_USD", "--partner", "G001",
        "--partner", "RUS", "--freq", "A", "--start", "2023", "--end", "2024",
        "--cache-dir", str(tmp_path), "--no-ingest", "--format", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["fetch"]["files"][0]["url"].endswith(
        "/+/ARM.XG_FOB_USD.G001+RUS.A?c%5BTIME_PERIOD%5D=ge:2023-01-01+le:2024-12-31"
        "&dimensionAtObservation=TIME_PERIOD&detail=full&includeHistory=false")
    assert doc["rows"][0]["records"] == 4


@pytest.mark.parametrize(("flag", "body"), [([], ARM_XML), (["--csv"], ARM_CSV)])
def test_cli_fetch_imf_and_ingest(monkeypatch, tmp_path: Path, flag: list[str], body: Path) -> None:
    pytest.importorskip("cistrade.sources.imf", reason="the IMF reader is not there yet")
    import cistrade.cli.fetch as cli_fetch
    from cistrade.cli import app
    from cistrade.store import Store

    server = Imf({"/+/ARM.": (200, body)})
    monkeypatch.setattr(cli_fetch, "make_http", lambda cache_dir: HttpClient(
        cache_dir, transport=httpx.MockTransport(server), sleep=lambda s: None))
    db = tmp_path / "s.duckdb"
    res = CliRunner().invoke(app, [
        "fetch", "imf", "-r", "Armenia", "--indicator", "XG_FOB_USD", "--partner", "World",
        "--partner", "Russia", "--start", "2023", "--end", "2024", *flag,
        "--cache-dir", str(tmp_path / "c"), "--db", str(db), "--format", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["rows"][0]["status"] == "ingested"
    with Store(db) as store:
        (row,) = store.datasets()
        assert row["url"] == ImfQuery.build(["ARM"], **ARM_QUERY).url("ARM")
        assert row["retrieved_at"] and row["active_rows"] == 4


def test_cli_no_data_says_what_is_available(monkeypatch, tmp_path: Path) -> None:
    import cistrade.cli.fetch as cli_fetch
    from cistrade.cli import app

    server = Imf({"/availability/": (200, RECORDED / "imf_availability_ARM_INDICATOR.json"),
                  "/data/": (404, b"NoResultsFound")})
    monkeypatch.setattr(cli_fetch, "make_http", lambda cache_dir: HttpClient(
        cache_dir, transport=httpx.MockTransport(server), sleep=lambda s: None))
    res = CliRunner().invoke(app, ["fetch", "imf", "-r", "ARM", "--indicator", "XG_CIF_USD",
                                   "--cache-dir", str(tmp_path), "--db", str(tmp_path / "s.db")])
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert "no observations for ARM.XG_CIF_USD.*.A" in res.stderr
    assert "available:" in res.stderr and "XG_FOB_USD" in res.stderr
    assert not (tmp_path / "s.db").exists()


@pytest.mark.live
@pytest.mark.skipif(os.environ.get("CISTRADE_LIVE") != "1", reason="live API test (CISTRADE_LIVE=1)")
def test_live_imf_us_exports(tmp_path: Path) -> None:
    q = ImfQuery.build(["USA"], indicators=["XG_FOB_USD"], partners=["G001"], start="2023",
                       end="2024")
    with HttpClient(tmp_path) as http:
        assert fetch_imf(q, http).records >= 2
