"""The partner-side recipe: every partner's reports of trade with a target, from the IMF and,
where the IMF lacks a partner, from UN Comtrade; cached, resumable, ingested at once.

The responses are composed in the exact form of the real recordings (tests/data/recorded,
values SYNTHETIC; the real IMF answers in ../shared/data/imf/recorded_api_imf_org show the
envelope); nothing here touches the network.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from conftest import shared
from typer.testing import CliRunner

from cistrade.errors import NoData, SourceUnavailable
from cistrade.fetch.http import HttpClient, RetryPolicy
from cistrade.fetch.partners import PartnerQuery, fetch_partners, ingest_partners, series_periods

RECORDED = Path(__file__).parent / "data" / "recorded"
AVAIL = RECORDED / "imf_availability_COUNTRY_under_RUS.json"
CHUNK1 = RECORDED / "imf_imts_partners_ARM+CHN+DEU.XG_FOB_USD+MG_CIF_USD.RUS.A_2022-2023.xml"
CHUNK2 = RECORDED / "imf_imts_partners_KAZ+TUR.XG_FOB_USD+MG_CIF_USD.RUS.A_2022-2023.xml"
COUNT0 = RECORDED / "comtrade_v1_count0.json"
PARTNERS = ["Armenia", "Belarus", "China", "Germany", "Kazakhstan", "Turkey"]


class Apis:
    """The IMF and Comtrade as recorded; unknown requests fail the test loudly (500)."""

    def __init__(self, *, fail_chunk2: int = 0) -> None:
        self.requests: list[httpx.Request] = []
        self.fail_chunk2 = fail_chunk2

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        url = str(request.url)
        if "/availability/" in url:
            return httpx.Response(200, content=AVAIL.read_bytes())
        if "/+/ARM+CHN+DEU.XG_FOB_USD+MG_CIF_USD.RUS.A?" in url:
            return httpx.Response(200, content=CHUNK1.read_bytes())
        if "/+/KAZ+TUR.XG_FOB_USD+MG_CIF_USD.RUS.A?" in url:
            if self.fail_chunk2:
                self.fail_chunk2 -= 1
                return httpx.Response(503, text="maintenance")
            return httpx.Response(200, content=CHUNK2.read_bytes())
        if "comtradeapi" in url:
            q = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
            iso = {"276": "DEU", "792": "TUR"}.get(q["reporterCode"])
            if iso and q["partnerCode"] == "643" and q["period"] == "2023":
                name = f"comtrade_v1_preview_C_A_HS_{iso}_RUS_2023.json"
                return httpx.Response(200, content=(RECORDED / name).read_bytes())
            return httpx.Response(200, content=COUNT0.read_bytes())
        return httpx.Response(500, text=f"unexpected request {url}")

    def paths(self, host: str) -> list[str]:
        return [str(r.url) for r in self.requests if host in str(r.url)]


def client(tmp_path: Path, api: Apis, tries: int = 1) -> HttpClient:
    return HttpClient(tmp_path / "cache", transport=httpx.MockTransport(api),
                      retry=RetryPolicy(tries=tries), sleep=lambda s: None)


def query(**kw: object) -> PartnerQuery:
    return PartnerQuery.build("Russia", "2022", "2023", partners=PARTNERS, chunk=3, **kw)


def test_the_envelopes_are_the_real_ones() -> None:
    """The composed answers keep the real recordings' envelope (namespaces, header, groups)."""
    real = shared("imf", "recorded_api_imf_org")
    xml = (real / "05-data_USA_XG_FOB_USD_G001+G998_A.xml").read_text()
    mine = CHUNK1.read_text()
    assert mine[:mine.index("<message:ID>")] == xml[:xml.index("<message:ID>")]
    a = json.loads((real / "01-availability_COUNTRY.json").read_text())
    b = json.loads(AVAIL.read_text())
    assert a.keys() == b.keys() and a["meta"].keys() == b["meta"].keys()
    assert series_periods(CHUNK1)[("DEU", "MG_CIF_USD")] == {"2022"}


def test_build_resolves_names_and_periods() -> None:
    q = query()
    assert (q.target, q.freq, str(q.start), str(q.end)) == ("RUS", "A", "2022", "2023")
    assert q.partners == ("ARM", "BLR", "CHN", "DEU", "KAZ", "TUR")
    assert q.periods() == ["2022", "2023"]
    assert PartnerQuery.build("RUS", "2024-01", "2024-03", freq="M").periods() == [
        "2024-M01", "2024-M02", "2024-M03"]
    assert q.imf(["ARM", "CHN"]).url().split("/+/")[1].startswith(
        "ARM+CHN.XG_FOB_USD+MG_CIF_USD.RUS.A?c%5BTIME_PERIOD%5D=ge:2022-01-01+le:2023-12-31")


def test_imf_first_then_comtrade_for_what_it_lacks(tmp_path: Path) -> None:
    api = Apis()
    got = fetch_partners(query(), client(tmp_path, api))
    avail = [urlsplit(u).path for u in api.paths("/availability/")]
    assert avail == ["/external/sdmx/3.0/availability/dataflow/IMF.STA/IMTS/%2B/"
                     "*.XG_FOB_USD+MG_CIF_USD.RUS.A/COUNTRY"]
    assert [u.split("/+/")[1].split("?")[0] for u in api.paths("api.imf.org/external/sdmx/3.0/data")
            ] == ["ARM+CHN+DEU.XG_FOB_USD+MG_CIF_USD.RUS.A", "KAZ+TUR.XG_FOB_USD+MG_CIF_USD.RUS.A"]
    assert got.imf.records == 17 and len(got.imf.files) == 2
    assert got.imf_coverage["DEU"] == {"export": ["2022", "2023"], "import": ["2022"]}
    # DEU lacks its 2023 imports, TUR its 2023, BLR is not in the IMF at all
    assert got.asked_comtrade == ["BLR", "DEU", "TUR"]
    asked = sorted((parse_qs(urlsplit(u).query)["reporterCode"][0],
                    parse_qs(urlsplit(u).query)["period"][0]) for u in api.paths("comtradeapi"))
    assert asked == [("112", "2022"), ("112", "2023"), ("276", "2023"), ("792", "2023")]
    assert all(parse_qs(urlsplit(u).query)["partnerCode"] == ["643"]
               for u in api.paths("comtradeapi"))
    assert got.comtrade is not None and got.comtrade.records == 4
    assert got.lacking == ["BLR"]


def test_an_interrupted_run_resumes_from_the_cache(tmp_path: Path) -> None:
    api = Apis(fail_chunk2=1)
    with pytest.raises(SourceUnavailable, match="503"):
        fetch_partners(query(), client(tmp_path, api))
    done = len(api.paths("/data/"))
    again = fetch_partners(query(), client(tmp_path, api))
    data = api.paths("api.imf.org/external/sdmx/3.0/data")
    assert done == 2 and len(data) == 3 and "KAZ+TUR" in data[-1]  # the first chunk was cached
    assert [f.from_cache for f in again.imf.files] == [True, False]
    third = fetch_partners(query(), client(tmp_path, api))
    assert third.requests == 0 and all(f.from_cache for f in third.files)


def test_ingest_both_sources_in_one_transaction(tmp_path: Path, store) -> None:  # noqa: ANN001
    got = fetch_partners(query(), client(tmp_path, Apis()))
    report = ingest_partners(store, got)
    assert report.changed and len(report.files) == 4
    rows = store.con.execute(
        "SELECT d.source, f.reporter, f.flow, year(f.period_start), f.value, f.valuation "
        "FROM flows f JOIN datasets d USING (dataset_id) WHERE f.partner = 'RUS' "
        "ORDER BY 1, 2, 3, 4").fetchall()
    assert ("imf", "DEU", "import", 2022, 36e9, "CIF") in rows
    assert ("comtrade", "DEU", "import", 2023, 2.5e9, "CIF") in rows
    assert ("comtrade", "TUR", "export", 2023, 11e9, "FOB") in rows
    assert {r[1] for r in rows} == {"ARM", "CHN", "DEU", "KAZ", "TUR"}
    urls = {r[0] for r in store.con.execute("SELECT url FROM datasets").fetchall()}
    assert any("partnerCode=643" in u for u in urls) and any("RUS.A" in u for u in urls)
    assert not ingest_partners(store, got).changed


def test_without_comtrade_the_lacking_partners_are_named(tmp_path: Path) -> None:
    api = Apis()
    got = fetch_partners(query(comtrade=False), client(tmp_path, api))
    assert not api.paths("comtradeapi") and got.comtrade is None
    assert got.lacking == ["BLR"]
    assert "Comtrade was not asked" in got.warnings[0]


def test_every_country_is_the_default_universe(tmp_path: Path) -> None:
    q = PartnerQuery.build("RUS", "2022", "2023", comtrade=False, chunk=3)
    got = fetch_partners(q, client(tmp_path, Apis()))
    assert len(got.lacking) > 150 and "BLR" in got.lacking and "RUS" not in got.lacking
    assert "KAZ" not in got.lacking and "DEU" not in got.lacking  # partly in the IMF


def test_nothing_anywhere_is_no_data(tmp_path: Path) -> None:
    def nothing(request: httpx.Request) -> httpx.Response:
        if "comtradeapi" in str(request.url):
            return httpx.Response(200, content=COUNT0.read_bytes())
        return httpx.Response(404, text="NoResultsFound")

    http = HttpClient(tmp_path / "c", transport=httpx.MockTransport(nothing),
                      retry=RetryPolicy(tries=1), sleep=lambda s: None)
    with pytest.raises(NoData, match="neither the IMF nor UN Comtrade"):
        fetch_partners(PartnerQuery.build("RUS", "2023", partners=["BLR"]), http)


def test_cli_fetch_partners(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cistrade.cli import app
    from cistrade.cli import fetch as cli_fetch

    monkeypatch.setattr(cli_fetch, "make_http", lambda cache_dir: client(tmp_path, Apis()))
    db = tmp_path / "s.duckdb"
    args = ["fetch", "partners", "--target", "Russia", "--start", "2022", "--end", "2023",
            "--chunk", "3", "--db", str(db)]
    for p in PARTNERS:
        args += ["--partner", p]
    out = CliRunner().invoke(app, [*args, "--format", "json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc["fetch"]["lacking"] == ["BLR"] and doc["ingest"]["rows"] > 0
    statuses = sorted({(r["source"], r["status"]) for r in doc["rows"]}, key=str)
    assert (None, "lacking") in statuses and ("comtrade", "ingested") in statuses
    table = CliRunner().invoke(app, [*args, "--no-ingest"])
    assert table.exit_code == 0, table.output
    assert "1 lacking" in table.output
