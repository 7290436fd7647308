"""The strengths indicators through their interfaces: the CLI (Typer's CliRunner) and the HTTP
API (httpx over ASGI), both made from the declarations on the registry.

Two stores: a SYNTHETIC BACI year (:mod:`cistrade.synthetic_baci`, labelled so in every
answer; its synthetic nomenclature beside it names the products), and the real BACI
**extract** in ../shared/data/baci (81 rows: Korea's 2023 exports of HS 852352 to 81
importers, no nomenclature file beside it), where the answers must say how little the
world table is: one exporter, one product.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import shared
from engines_same import same
from test_web_api import assert_error, get
from typer.testing import CliRunner

from cistrade.cli import app as cli
from cistrade.indicators import connect
from cistrade.indicators.strengths import complementarity, rca
from cistrade.synthetic_baci import generate_baci_year, ingest_baci_year

runner = CliRunner()
CIS = ["ARM", "AZE", "BLR", "KAZ", "KGZ", "MDA", "RUS", "TJK", "TKM", "UZB"]


@pytest.fixture(scope="module")
def baci_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SYNTHETIC BACI year: 40 countries (the CIS among them), 120 products."""
    from cistrade.store import Store

    folder = tmp_path_factory.mktemp("strengths-cli")
    info = generate_baci_year(folder / "baci" / "baci-2023.parquet", rows=8000, n_countries=40,
                              n_products=120, seed=5)
    with Store(folder / "baci.duckdb") as store:
        ingest_baci_year(store, info)
    return folder / "baci.duckdb"


def _json(*args: str) -> dict[str, Any]:
    out = runner.invoke(cli, [*args, "--format", "json"])
    assert out.exit_code == 0, out.output
    return json.loads(out.stdout)


def test_strengths_command_as_the_issue_writes_it(baci_db: Path) -> None:
    doc = _json("strengths", "--reporter", "KAZ", "--partner", "RUS", "--period", "2023",
                "--level", "HS4", "--db", str(baci_db))
    q = doc["query"]
    assert (q["indicator"], q["reporter"], q["partner"], q["level"]) == ("strengths", "KAZ",
                                                                         "RUS", "HS4")
    assert q["product_class"] == "HS22" and q["period"] == "2023" and q["source"]
    assert all(d["synthetic"] for d in doc["datasets"])
    # the rows are KAZ's top 10 products by RCA, the same as the rca indicator's
    eng = connect(baci_db)
    try:
        expected = rca(eng, "2023", reporter="KAZ", level="HS4", top=10).to_dict()["rows"]
        tc = complementarity(eng, "KAZ", "RUS", "2023", level="HS4").to_dict()
    finally:
        eng.close()
    assert doc["rows"] == expected and len(doc["rows"]) == 10
    assert [r["rca"] for r in doc["rows"]] == sorted((r["rca"] for r in doc["rows"]), reverse=True)
    assert all(len(r["product"]) == 4 for r in doc["rows"])
    # complementarity both ways, the first equal to the complementarity indicator's
    there, back = doc["complementarity"]
    assert (there["exporter"], there["importer"], back["exporter"], back["importer"]) == (
        "KAZ", "RUS", "RUS", "KAZ")
    assert there == tc["rows"][0] and doc["exports_to_partner"] == tc["products"]
    assert 0 < there["index"] <= 100 and doc["imports_from_partner"]
    assert {m["member"]: m["status"] for m in doc["members"]} == {
        "KAZ": "exports+imports", "RUS": "exports+imports"}
    assert any("the world is these 40 exporters" in n for n in doc["notes"])


def test_strengths_table_shows_the_sections(baci_db: Path) -> None:
    out = runner.invoke(cli, ["strengths", "-r", "Kazakhstan", "--partner", "CIS", "-p", "2023",
                              "--db", str(baci_db)], env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    for part in ("KAZ: strengths with CIS, HS22 at HS6, 2023 (USD)", "complementarity",
                 "exports to partner", "imports from partner", "members",
                 "SYNTHETIC product", "(SYNTHETIC)", "its members during the period summed"):
        assert part in out.stdout, part
    # the CIS as a partner is its members without Kazakhstan itself
    doc = _json("strengths", "-r", "KAZ", "--partner", "CIS", "-p", "2023", "--db", str(baci_db))
    assert sorted(m["member"] for m in doc["members"]) == CIS


def test_strengths_without_partner_says_so(baci_db: Path) -> None:
    doc = _json("strengths", "-r", "UZB", "-p", "2023", "--top", "3", "--db", str(baci_db))
    assert len(doc["rows"]) == 3 and doc["complementarity"] == []
    assert any("no partner given" in n for n in doc["notes"])


def test_generated_commands(baci_db: Path) -> None:
    db = str(baci_db)
    adv = _json("rca", "-p", "2023", "-r", "KAZ", "--threshold", "1", "--db", db)
    assert adv["rows"] and all(r["advantage"] for r in adv["rows"])
    every = _json("rca", "-p", "2023", "--top", "1", "--db", db)
    assert every["query"]["reporter"] == "*" and len(every["rows"]) == 40
    matrix = _json("complementarity-matrix", "-p", "2023", "--db", db)
    assert matrix["query"]["members"] == CIS and [m["member"] for m in matrix["members"]] == CIS
    assert {(r["exporter"], r["importer"]) for r in matrix["rows"]} <= {
        (a, b) for a in CIS for b in CIS if a != b}
    fk = _json("similarity", "-x", "KAZ", "-o", "UZB", "-p", "2023", "--market", "RUS",
               "--db", db)
    assert fk["rows"][0]["market"] == "RUS" and fk["products"]
    world = _json("complementarity", "-x", "KAZ", "-m", "WLD", "-p", "2023", "--db", db)
    assert world["rows"][0]["importer"] == "WLD"
    assert any("importer: the world" in n for n in world["notes"])
    cx = _json("complexity", "-p", "2023", "--level", "HS2", "--db", db)
    assert cx["rows"] and cx["products"] and cx["query"]["level"] == "HS2"


def test_cli_errors_are_one_line(baci_db: Path) -> None:
    out = runner.invoke(cli, ["strengths", "-r", "KAZ", "-p", "2021", "--db", str(baci_db)])
    assert out.exit_code == 1 and "available: " in out.output and "Traceback" not in out.output
    out = runner.invoke(cli, ["strengths", "-r", "KAZ", "-p", "2023", "--level", "HS8",
                              "--db", str(baci_db)])
    assert out.exit_code != 0 and "HS8" in out.output


# -- the HTTP API ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api(baci_db: Path):  # noqa: ANN201
    from cistrade.web import create_app

    application = create_app(baci_db)
    yield application
    application.state.pool.close()


def test_api_strengths_equals_the_cli(api: Any, baci_db: Path) -> None:
    resp = get(api, "/api/v1/strengths", reporter="KAZ", partner="RUS", period="2023",
               level="HS4")
    assert resp.status_code == 200, resp.text
    cli_doc = _json("strengths", "-r", "KAZ", "--partner", "RUS", "-p", "2023", "--level", "HS4",
                    "--db", str(baci_db))
    # the same document; DuckDB's parallel sums may differ in the last bit between two runs
    assert same(resp.json(), cli_doc), (resp.json(), cli_doc)
    matrix = get(api, "/api/v1/complementarity-matrix", period="2023").json()
    assert matrix["query"]["bloc"] == "CIS" and matrix["members"]


def test_api_errors(api: Any) -> None:
    assert_error(get(api, "/api/v1/strengths", reporter="KAZ", period="2023", level="HS8"),
                 422, "RequestValidationError")
    assert_error(get(api, "/api/v1/rca", reporter="KAZ", period="2021"), 404, "NoData")
    assert get(api, "/api/v1/strengths", reporter="KAZ", period="2023", top=1000).status_code == 422


def test_a_member_with_no_data_is_named(tmp_path: Path) -> None:
    """A matrix over a world without Tajikistan and Turkmenistan names them, with status none."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from cistrade.store import Store

    info = generate_baci_year(tmp_path / "b" / "baci-2023.parquet", rows=4000, n_countries=30,
                              n_products=60, seed=9)
    t = pq.read_table(info.path).to_pandas()
    t = t[~t.reporter.isin(["TJK", "TKM"]) & ~t.partner.isin(["TJK", "TKM"])]
    pq.write_table(pa.Table.from_pandas(t, preserve_index=False), info.path)
    with Store(tmp_path / "s.duckdb") as store:
        ingest_baci_year(store, info)
    doc = _json("complementarity-matrix", "-p", "2023", "--db", str(tmp_path / "s.duckdb"))
    status = {m["member"]: m["status"] for m in doc["members"]}
    assert status["TJK"] == status["TKM"] == "none" and status["KAZ"] == "exports+imports"
    assert any("no rows at all" in n and "TJK, TKM" in n for n in doc["notes"])
    assert not any("TJK" in (r["exporter"], r["importer"]) for r in doc["rows"])


# -- the real BACI extract ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def extract_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cistrade.sources.baci import BaciSource
    from cistrade.store import Store

    path = tmp_path_factory.mktemp("baci-extract") / "extract.duckdb"
    with Store(path) as store:
        store.ingest(BaciSource(), [shared("baci", "BACI_HS22_extract_korea_852352_2023.csv")])
    return path


def test_real_extract_says_how_little_it_covers(extract_db: Path) -> None:
    """The real extract holds one exporter (Korea) and one product: Korea's RCA in it is 1 by
    construction, and every answer says the world is that one exporter."""
    doc = _json("strengths", "-r", "KOR", "--partner", "USA", "-p", "2023", "--db",
                str(extract_db))
    assert doc["query"]["source"] == "baci" and doc["query"]["exporters"] == 1
    assert [(r["product"], r["rca"]) for r in doc["rows"]] == [("852352", pytest.approx(1.0))]
    assert doc["rows"][0]["product_name"] is None
    assert any("no product_codes_HS22_*.csv beside the data" in n for n in doc["notes"])
    assert any("the world is these 1 exporters" in n for n in doc["notes"])
    there, back = doc["complementarity"]
    assert there["index"] == pytest.approx(100.0)  # Korea's one product is all the USA imports here
    assert back["index"] == 0.0 and back["products"] == 0
    status = {m["member"]: m["status"] for m in doc["members"]}
    assert status == {"KOR": "exports", "USA": "imports"}
    assert not any(d["synthetic"] for d in doc["datasets"])
    assert doc["datasets"][0]["file"] == "BACI_HS22_extract_korea_852352_2023.csv"


def test_real_extract_cis_matrix_names_every_member(extract_db: Path) -> None:
    doc = _json("complementarity-matrix", "-p", "2023", "--db", str(extract_db))
    assert doc["rows"] == []  # no CIS member exports in the extract
    status = {m["member"]: m["status"] for m in doc["members"]}
    assert set(status) == set(CIS) and "exports" not in status.values()
    assert any("no export rows of their own in the baci HS22 table" in n for n in doc["notes"])


def _values(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The inline data of a layered Vega-Lite spec (its first layer's, or the top level's)."""
    data = spec.get("data") or spec["layer"][0].get("data")
    if "values" in data:
        return data["values"]
    return next(iter(spec["datasets"].values()))


def test_dashboard_charts(api: Any) -> None:
    bars = get(api, "/api/v1/charts/rca", reporter="KAZ", period="2023", top=8)
    assert bars.status_code == 200, bars.text
    values = [v for v in _values(bars.json()) if "rca" in v]
    assert len(values) == 8 and all(v["label"].startswith(v["product"]) for v in values)
    assert all("SYNTHETIC product" in v["name"] for v in values)  # from the nomenclature file
    heat = get(api, "/api/v1/charts/complementarity", period="2023", bloc="CIS", level="HS4")
    assert heat.status_code == 200, heat.text
    spec = heat.json()
    cells = [v for v in _values(spec) if "index" in v]
    assert cells and all(0 <= c["index"] <= 100 for c in cells)
    assert CIS == spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
    assert_error(get(api, "/api/v1/charts/rca", period="2023"), 400, "InputError")
