"""Estimates from a store: a small SYNTHETIC store written here (the reporter RUS publishes
only World totals in 2024; its partners report), the synthetic truth check, and the real
files (Russia 2019-2021 against FTS's own figures; Jan-Apr 2024 with FTS's published total).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from conftest import SHARED_DATA, shared

from cistrade.errors import NoData
from cistrade.estimate.model import Settings
from cistrade.estimate.run import MIN_COVERAGE, estimate_bloc, estimate_share
from cistrade.estimate.truth import RUSSIA_FILES, own_check, summary, synthetic_check
from cistrade.indicators import connect
from cistrade.sources.tidy import TidySource

B = 1e9
MONTHS = [f"2024-{m:02d}" for m in range(1, 10)]


def rows_small() -> list[dict[str, Any]]:
    """RUS's own table 2020-2021 (KAZ, DEU, BLR, World); 2024: only its World total by month;
    KAZ reports both flows by month in USD, DEU its exports to RUS in EUR, BLR nothing."""
    rows = []

    def add(rep: str, par: str, flow: str, period: str, value: float, cur: str = "USD",
            val: str = "unknown", agg: bool = False) -> None:
        rows.append({"reporter": rep, "partner": par, "flow": flow, "period": period,
                     "value": value, "currency": cur, "valuation": val,
                     "aggregate": str(agg).lower()})

    for year, k in (("2020", 1.0), ("2021", 1.1)):
        for par, x, m in (("KAZ", 20, 10), ("DEU", 30, 25), ("BLR", 25, 15)):
            add("RUS", par, "export", year, x * k * B, val="FOB")
            add("RUS", par, "import", year, m * k * B, val="CIF")
        add("RUS", "WLD", "export", year, 100 * k * B, val="FOB", agg=True)
        add("RUS", "WLD", "import", year, 80 * k * B, val="CIF", agg=True)
        add("KAZ", "RUS", "import", year, 20 * k * 1.06 * B, val="CIF")  # gap exactly 1.06
        add("KAZ", "RUS", "export", year, 10 * k / 1.06 * B, val="FOB")
    for month in MONTHS:
        add("RUS", "WLD", "export", month, 10 * B, val="FOB", agg=True)
        add("RUS", "WLD", "import", month, 8 * B, val="CIF", agg=True)
        add("KAZ", "RUS", "import", month, 2.12 * B, val="CIF")
        add("KAZ", "RUS", "export", month, 1.0 * B, val="FOB")
        add("DEU", "RUS", "export", month, 1.0 * B, cur="EUR", val="FOB")
    return rows


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    from cistrade.rates import ingest_rates
    from cistrade.store import Store

    tmp_path = tmp_path_factory.mktemp("estimate-small")
    path = tmp_path / "synthetic-estimate.csv"
    rows = rows_small()
    with open(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    with Store(tmp_path / "small.duckdb") as store:
        store.ingest(TidySource(series="synthetic/estimate-test", vintage="2024",
                                synthetic=True), [path])
        ingest_rates(store, shared("fx", "eurofxref-hist.zip"))
    with connect(tmp_path / "small.duckdb") as eng:
        yield eng


def test_a_cumulative_range_from_monthly_partner_reports(small: Any) -> None:
    r = estimate_share(small, "Russia", "2024-01..2024-09")
    q = r.query
    assert q["basis"] == "estimate" and q["total_basis"] == "published world total"
    assert q["total"] == pytest.approx(9 * 18 * B)
    kaz = r.row(partner="KAZ")
    assert kaz["export"] == pytest.approx(9 * 2 * B)  # 2.12 ÷ 1.06 a month
    assert kaz["import"] == pytest.approx(9 * 1.06 * B)
    assert kaz["method"] == "mirror" and kaz["sources"] == ["tidy"]
    assert kaz["share"] == pytest.approx(kaz["value"] / q["total"])
    assert kaz["value_low"] <= kaz["value"] <= kaz["value_high"]
    assert kaz["basis"] == "estimate" and "rank_range" in kaz and "share_low" in kaz


def test_euro_reports_are_converted_at_the_stored_rates(small: Any) -> None:
    r = estimate_share(small, "RUS", "2024-01..2024-09")
    deu = r.row(partner="DEU")
    assert deu["method"] == "export carried forward + import mirror"
    assert 9 * 1.06 * 1.05 * B < deu["import"] < 9 * 1.06 * 1.12 * B  # EUR/USD 1.05-1.12 in 2024
    assert any("EUR converted to USD" in n for n in r.notes)
    assert r.query["currency"] == "USD"


def test_a_partner_without_a_report_carries_its_2021_share(small: Any) -> None:
    r = estimate_share(small, "RUS", "2024-01..2024-09")
    blr = r.row(partner="BLR")
    assert blr["method"] == "carried forward" and blr["value_low"] == 0
    assert blr["export"] == pytest.approx(25 * 1.1 / 110 * 90 * B)  # 2021 share × published
    assert blr["rank"] is None and "–" in blr["rank_range"]
    est = r.query["estimate"]
    assert est["known_year"] == 2021 and est["partners_reporting"] == ["DEU", "KAZ"]
    # KAZ and DEU held (22+11+33+27.5)/198 of RUS's 2021 trade, by flow: exports 22/110 (DEU
    # reports no exports), imports (11+27.5)/88
    assert est["coverage"] == pytest.approx((22 / 110 * 90 + 38.5 / 88 * 72) / 162)
    assert est["sufficient"] is False and est["coverage"] < MIN_COVERAGE
    assert any("below 80%" in n for n in r.notes)


def test_a_bloc_estimate_names_its_members(small: Any) -> None:
    r = estimate_bloc(small, "RUS", "EAEU", "2024-01..2024-09")
    row = r.rows[0]
    assert row["members_reporting"] == ["KAZ"] and row["members_carried"] == ["BLR"]
    assert set(row["members_unknown"]) == {"ARM", "KGZ"}
    kaz_blr = estimate_share(small, "RUS", "2024-01..2024-09")
    assert row["value"] == pytest.approx(kaz_blr.row(partner="KAZ")["value"]
                                         + kaz_blr.row(partner="BLR")["value"])
    assert row["share_low"] <= row["share"] <= row["share_high"] <= 1


def test_settings_move_the_point_and_the_band(small: Any) -> None:
    flat = estimate_share(small, "RUS", "2024-01..2024-09",
                          settings=Settings(cif_fob=1.0, cif_fob_range=(1.0, 1.0), use_gap=False))
    kaz = flat.row(partner="KAZ")
    assert kaz["export"] == pytest.approx(9 * 2.12 * B)
    assert kaz["value_low"] == pytest.approx(kaz["value"]) == pytest.approx(kaz["value_high"])


def test_no_partner_report_is_no_data(small: Any) -> None:
    with pytest.raises(NoData, match="cistrade fetch partners"):
        estimate_share(small, "KGZ", "2024-01..2024-09")


def test_the_output_contract_is_documented() -> None:
    from conftest import ROOT

    text = (ROOT / "docs" / "output-contract.md").read_text(encoding="utf-8")
    for name in ("value_low", "value_high", "share_low", "share_high", "rank_range",
                 "rank_best", "rank_worst", "method", "sources", "coverage", "sufficient",
                 "members_reporting", "members_carried", "members_unknown", "known_year"):
        assert f"`{name}`" in text, name


# -- truth ------------------------------------------------------------------------------------


def test_synthetic_truth_check(tmp_path: Path) -> None:
    """Russia's own 2021 rows hidden in the synthetic world (its World totals kept): the truth
    lies inside the band for at least 90 % of partners and for the CIS share."""
    checks = synthetic_check(tmp_path, ("RUS",), year=2021, first_year=2020)
    s = summary(checks)
    assert s["partners"] > 150
    assert s["inside_band"] >= 0.9 and s["share_inside_band"] >= 0.9
    assert s["bloc_inside_band"] == 1.0
    assert s["median_error"] < 0.01 and s["bloc_median_error_pp"] < 0.5
    assert checks[0].total_basis == "published world total"


# -- the real files ----------------------------------------------------------------------------



@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    from cistrade.rates import ingest_rates
    from cistrade.sources import get_source
    from cistrade.store import Store

    shared("national")
    path = tmp_path_factory.mktemp("estimate-real") / "real.duckdb"
    with Store(path) as store:
        for name, (folder, pattern) in RUSSIA_FILES.items():
            store.ingest(get_source(name)(), sorted((SHARED_DATA / folder).glob(pattern)))
        ingest_rates(store, shared("fx", "eurofxref-hist.zip"))
    with connect(path) as eng:
        yield eng


@pytest.mark.parametrize(("year", "kaz_pp", "cis_pp"), [("2019", 0.2, 0.6), ("2020", 0.2, 0.6),
                                                        ("2021", 0.2, 0.6)])
def test_russia_against_its_own_figures(real: Any, year: str, kaz_pp: float,
                                        cis_pp: float) -> None:
    """The estimate made without FTS's partner figures of the year, against them: KAZ from
    Kazakhstan's report; BLR (no report in the shared files) carried from the year before;
    the CIS from three reporting members, carried ones and FTS's own CIS row before."""
    c = own_check(real, "RUS", year, ["BLR", "KAZ"], bloc="CIS")
    by = {r["what"]: r for r in c.rows}
    assert by["KAZ"]["method"] == "mirror" and abs(by["KAZ"]["error_pp"]) < kaz_pp
    assert by["BLR"]["method"] == "carried forward" and by["BLR"]["low"] == 0
    assert all(r["inside"] for r in c.rows)
    assert abs(by["CIS"]["error_pp"]) < cis_pp
    assert {"ARM", "KAZ", "UZB", "DEU"} <= set(c.reporting) and "BLR" not in c.reporting
    assert c.coverage < 0.25 and not c.sufficient
    assert any("below 80%" in n for n in c.notes)


def test_russia_jan_apr_2024_from_the_partners_with_fts_total(real: Any) -> None:
    """FTS publishes only continents in 2024: its Jan-Apr World total is the denominator
    (a cumulative row); Armenia and the EU members report (Eurostat to Aug 2024)."""
    r = estimate_share(real, "RUS", "2024-01..2024-04")
    assert r.query["total_basis"] == "published world total"
    assert any("countries_2024-04" in d["file"] for d in r.datasets)
    arm = r.row(partner="ARM")
    assert arm["method"] == "mirror" and arm["sources"] == ["am-armstat"]
    assert r.row(partner="CHN")["method"] == "carried forward"
    assert r.query["estimate"]["sufficient"] is False


# -- a claim against the estimate (a SYNTHETIC 2024 built for it) ------------------------------


@pytest.fixture(scope="module")
def statement(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    from cistrade.estimate.synthetic import ingest_statement_world, statement_world
    from cistrade.store import Store

    folder = tmp_path_factory.mktemp("statement")
    world = statement_world(folder)
    with Store(folder / "s.duckdb") as store:
        ingest_statement_world(store, world)
    with connect(folder / "s.duckdb") as eng:
        yield eng, world


def test_the_seed_statements_cis_share_against_a_synthetic_estimate(statement: Any) -> None:
    """'the share of CIS countries in Russia's foreign trade has risen to 16.2%' (Jan-Sep
    2024): Russia publishes only totals in this SYNTHETIC 2024; the partners reporting held
    over 80 % of its last known trade, so the estimate may judge the claim — in its own words."""
    from cistrade.estimate.run import estimate_verdict

    eng, world = statement
    r = estimate_bloc(eng, "RUS", "CIS", "2024-01..2024-09")
    assert all(d["synthetic"] for d in r.datasets)
    assert r.query["estimate"]["sufficient"] and r.query["estimate"]["coverage"] >= 0.8
    row = r.rows[0]
    assert row["share_low"] <= world.cis_share <= row["share_high"]
    v = estimate_verdict(0.162, r)
    assert v.outcome == "consistent with the estimate"
    assert v.text.startswith("consistent with the estimate (band ")
    far = estimate_verdict(0.25, r)
    assert far.outcome == "outside the estimate's band" and "supported" not in far.text


def test_too_few_partners_reporting_give_no_verdict(real: Any) -> None:
    from cistrade.estimate.run import estimate_verdict

    r = estimate_bloc(real, "RUS", "CIS", "2024-01..2024-04")
    v = estimate_verdict(0.162, r)
    assert v.outcome == "insufficient" and "not checked" in v.text


# -- the --estimate variant of share and bloc-share (CLI, Python, HTTP) ------------------------


def test_share_estimate_variant_in_python(statement: Any) -> None:
    from cistrade.indicators import bloc_share, share

    eng, _ = statement
    r = share(eng, "Russia", "2024-01..2024-09", estimate=True)
    assert r.kind == "share" and r.query["basis"] == "estimate"
    assert r.to_dict()["query"]["indicator"] == "share"
    assert all(row["basis"] == "estimate" for row in r.rows)
    from cistrade.indicators.registry import indicator

    for name in indicator("share").variants[0].fields:
        assert name in r.rows[0], name
    b = bloc_share(eng, "RUS", "CIS", "2024-01..2024-09", estimate=True)
    assert b.rows[0]["aggregate"] and b.rows[0]["partner"] == "G:CIS"
    assert {row["partner"] for row in b.rows[1:]} <= set(b.query["members"])
    one = share(eng, "RUS", "2024-01..2024-09", partner="Kazakhstan", estimate=True)
    assert [row["partner"] for row in one.rows] == ["KAZ"]


def test_share_estimate_refuses_what_does_not_apply(statement: Any) -> None:
    from cistrade.errors import InputError
    from cistrade.indicators import share

    eng, _ = statement
    with pytest.raises(InputError, match="one reporter at a time"):
        share(eng, "*", "2024-01..2024-09", estimate=True)
    with pytest.raises(InputError, match="do not apply to an estimate"):
        share(eng, "RUS", "2024-01..2024-09", source="tidy", estimate=True)


def test_cli_share_estimate(statement: Any) -> None:
    import json

    from typer.testing import CliRunner

    from cistrade.cli import app

    eng, world = statement
    db = str(eng.store_path)
    args = ["share", "--reporter", "RUS", "--period", "2024-01..2024-09", "--estimate",
            "--db", db]
    table = CliRunner().invoke(app, args)
    assert table.exit_code == 0, table.output
    assert "ESTIMATE from the partners' reports" in table.output and "rank_range" in table.output
    doc = json.loads(CliRunner().invoke(app, [*args, "--format", "json"]).stdout)
    assert doc["query"]["estimate"]["sufficient"] is True
    assert doc["notes"][0].startswith("ESTIMATE, not RUS's own figures")
    bloc = CliRunner().invoke(app, ["bloc-share", "-r", "RUS", "-b", "CIS", "-p",
                                    "2024-01..2024-09", "--estimate", "--db", db,
                                    "--format", "json"])
    assert bloc.exit_code == 0, bloc.output
    row = json.loads(bloc.stdout)["rows"][0]
    assert row["share_low"] <= world.cis_share <= row["share_high"]
    factor = CliRunner().invoke(app, [*args, "--cif-fob", "1.08", "--format", "json"])
    assert json.loads(factor.stdout)["query"]["estimate"]["cif_fob"] == 1.08
    refused = CliRunner().invoke(app, ["share", "-r", "RUS", "-p", "2021", "--cif-fob", "1.08",
                                       "--db", db])
    assert refused.exit_code != 0 and "applies only to an estimate" in refused.output


def test_api_share_estimate(statement: Any) -> None:
    import asyncio

    import httpx

    from cistrade.web import create_app

    eng, _ = statement
    application = create_app(eng.store_path)

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.get("/api/v1/share", params={
                "reporter": "RUS", "period": "2024-01..2024-09", "estimate": "true"})

    try:
        resp = asyncio.run(go())
    finally:
        application.state.pool.close()
    assert resp.status_code == 200, resp.text
    doc = resp.json()
    assert doc["query"]["basis"] == "estimate" and "share_low" in doc["rows"][0]


def test_the_estimates_factor_is_configurable_and_said(statement: Any) -> None:
    from cistrade.errors import InputError
    from cistrade.indicators import bloc_share, share

    eng, _ = statement
    base = share(eng, "RUS", "2024-01..2024-09", estimate=True)
    other = share(eng, "RUS", "2024-01..2024-09", estimate=True, cif_fob=1.12)
    assert base.query["estimate"]["cif_fob"] == 1.06
    assert other.query["estimate"]["cif_fob"] == 1.12
    assert other.query["estimate"]["cif_fob_range"] == [1.0, 1.12]  # widened to hold it
    assert "CIF/FOB factor 1.06, the IMF's" in base.notes[0]
    assert "CIF/FOB factor 1.12" in other.notes[0] and "IMF" not in other.notes[0]
    reports = base.notes[1]
    assert reports.startswith("partners' reports used (") and "tidy: " in reports
    assert "carried forward from 2021 (no report): " in reports
    for row in other.rows:
        assert row["value_low"] <= row["value"] <= row["value_high"]
    with pytest.raises(InputError, match="applies only to an estimate"):
        share(eng, "RUS", "2021", cif_fob=1.1)
    with pytest.raises(InputError, match="applies only to an estimate"):
        bloc_share(eng, "RUS", "CIS", "2021", cif_fob=1.1)
    b = bloc_share(eng, "RUS", "CIS", "2024-01..2024-09", estimate=True, cif_fob=1.0)
    assert b.query["estimate"]["cif_fob"] == 1.0


def test_settings_keep_the_factor_inside_its_range() -> None:
    from cistrade.errors import InputError

    assert Settings.with_factor(None) == Settings()
    assert Settings.with_factor(0.95).cif_fob_range == (0.95, 1.10)
    with pytest.raises(InputError, match="outside its range"):
        Settings(cif_fob=1.2)


# -- the dashboard's chart and the report show the band, labelled ESTIMATE ---------------------


def test_the_share_chart_draws_the_band_as_an_error_bar(statement: Any) -> None:
    from cistrade.indicators import share
    from cistrade.report.charts import share_bars, to_svg

    eng, _ = statement
    doc = share(eng, "RUS", "2024-01..2024-09", estimate=True).to_dict()
    spec = share_bars(doc, width=400)
    marks = [layer["mark"] for layer in spec["layer"]]
    assert {"type": "errorbar", "ticks": True, "color": "#111827"} in marks
    bar = spec["layer"][-1]["data"]["values"] if "data" in spec["layer"][-1] else spec["data"]["values"]
    first = bar[0]
    assert first["low"] <= first["share"] <= first["high"] and "est." in first["label"]
    assert [d["share"] for d in bar] == sorted((d["share"] for d in bar), reverse=True)
    svg = to_svg(spec)
    assert "ESTIMATE from the partners' reports" in svg and "est. (" in svg


def test_the_report_shows_the_estimate_with_its_band(statement: Any, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cistrade.cli import app

    eng, world = statement
    out = tmp_path / "report"
    done = CliRunner().invoke(app, ["report", "-r", "RUS", "-p", "2024-01..2024-09",
                                    "--estimate", "--out", str(out), "--db",
                                    str(eng.store_path)])
    assert done.exit_code == 0, done.output
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "(ESTIMATE from the partners&#x27; reports)</h1>" in page
    assert "Share of CIS — ESTIMATE" in page and "CIF/FOB factor 1.06" in page
    assert page.count('class="estimate"') == 2 and "band, millions" in page
    assert "rank (range)" in page and "<svg" in page


def test_the_chart_route_takes_estimate(statement: Any) -> None:
    import asyncio

    import httpx

    from cistrade.web import create_app

    eng, _ = statement
    application = create_app(eng.store_path)

    async def go() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            q = {"reporter": "RUS", "period": "2024-01..2024-09", "estimate": "true"}
            return [await client.get("/api/v1/charts/share", params=q),
                    await client.get("/api/v1/charts/bloc-share", params=q)]

    try:
        share_chart, bloc_chart = asyncio.run(go())
    finally:
        application.state.pool.close()
    assert share_chart.status_code == 200, share_chart.text
    assert any(layer["mark"].get("type") == "errorbar" for layer in share_chart.json()["layer"])
    assert bloc_chart.status_code == 400 and "applies to the share chart" in bloc_chart.text


# -- the claims checker's entry (the claims branch calls it for reporters without own figures) --


def test_check_share_claim_gives_band_verdicts(statement: Any, real: Any) -> None:
    from cistrade.errors import InputError
    from cistrade.estimate.run import check_share_claim

    eng, world = statement
    cis = check_share_claim(eng, "Russia", "2024-01..2024-09", 0.162, bloc="CIS")
    assert cis.outcome == "consistent with the estimate" and not cis.own_figures
    assert cis.low is not None and cis.low <= world.cis_share <= (cis.high or 1.0)
    assert "band " in cis.text and "supported" not in cis.text
    far = check_share_claim(eng, "RUS", "2024-01..2024-09", 0.30, partner="Italy")
    assert far.outcome == "outside the estimate's band"
    none = check_share_claim(eng, "RUS", "2024-01..2024-09", 0.01, partner="Peru")
    assert none.outcome == "insufficient" and "PER has no figure" in none.text
    few = check_share_claim(real, "RUS", "2024-01..2024-04", 0.162, bloc="CIS")
    assert few.outcome == "insufficient" and "not checked" in few.text
    own = check_share_claim(real, "RUS", "2021", 0.03, partner="KAZ")
    assert own.own_figures  # FTS published 2021 by partner: the checker uses those instead
    with pytest.raises(InputError, match="one bloc or one partner"):
        check_share_claim(eng, "RUS", "2024", 0.1)


def test_growth_estimate_compares_two_estimates_with_a_band(small: Any) -> None:
    from cistrade.errors import InputError
    from cistrade.estimate.growth import growth_band
    from cistrade.indicators import growth

    r = growth(small, "RUS", "2021", "Kazakhstan", estimate=True)
    assert r.kind == "growth" and r.query["basis"] == "estimate"
    row = r.rows[0]
    assert row["partner"] == "KAZ" and row["previous_period"] == "2020"
    assert row["value"] == pytest.approx(33 * B) and row["previous_value"] == pytest.approx(30 * B)
    assert row["growth"] == pytest.approx(0.10)
    assert row["growth_low"] <= row["growth"] <= row["growth_high"]
    assert any("estimated the same way" in n for n in r.notes)
    assert r.notes[0].startswith("ESTIMATE, not RUS's own figures")
    world = growth(small, "RUS", "2021", estimate=True).rows[0]
    assert world["partner"] == "WLD" and world["growth"] == pytest.approx(0.10)
    assert world["growth_low"] == pytest.approx(0.10)  # published World totals: exact
    with pytest.raises(InputError, match="does not apply to an estimate"):
        growth(small, "RUS", "2021", "KAZ", by="month", estimate=True)
    with pytest.raises(InputError, match="applies only to an estimate"):
        growth(small, "RUS", "2021", "KAZ", cif_fob=1.1)
    point, low, high = growth_band((110.0, 100.0, 120.0), (100.0, 0.0, None))
    assert point == pytest.approx(0.10) and low == -1.0 and high is None  # open at the top
