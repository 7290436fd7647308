"""The strengths indicators (RCA, complementarity, similarity, complexity) on every engine.

Two worlds: a hand-made one whose figures are worked out by hand below, and a SYNTHETIC BACI
year (:mod:`cistrade.synthetic_baci`) on which cistrade agrees with the ``ecomplexity``
package (RCA to 1e-9, diversity exactly, ECI and PCI to 1e-6) and with complementarity and
similarity computed here from their textbook formulas (``1 − ½ Σ|m − x|``) in numpy.
On Spark every call must give DuckDB's rows.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from engines_same import same
from test_indicators_data import ingest, rec

from cistrade.errors import InputError, NoData
from cistrade.indicators import connect
from cistrade.indicators.strengths import (
    complementarity,
    complementarity_matrix,
    complexity,
    rca,
    select_products,
    similarity,
)
from cistrade.indicators.strengths.names import find_product_codes, read_product_codes
from cistrade.synthetic_baci import generate_baci_year, ingest_baci_year, write_product_codes

ENGINES = ["duckdb", pytest.param("spark", marks=pytest.mark.spark)]


def _x(exporter: str, importer: str, product: str, value: float) -> dict[str, Any]:
    return rec(exporter, importer, "export", "2023", value, product=product, pc="HS22")


def _hand() -> list[dict[str, Any]]:
    """KAZ exports 010110 60 (to RUS), 020110 40; RUS 010120 50, 010110 50; CHN 020110 100,
    010120 100. A subtotal row (0101), a TOTAL row and a World row must all be left out."""
    return [_x("KAZ", "RUS", "010110", 60), _x("KAZ", "CHN", "020110", 40),
            _x("RUS", "KAZ", "010120", 50), _x("RUS", "CHN", "010110", 50),
            _x("CHN", "KAZ", "020110", 100), _x("CHN", "RUS", "010120", 100),
            _x("KAZ", "RUS", "0101", 999),
            rec("KAZ", "RUS", "export", "2023", 12345),
            rec("KAZ", "WLD", "export", "2023", 777, product="010110", pc="HS22")]


@pytest.fixture(scope="module")
def hand_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cistrade.store import Store

    folder = tmp_path_factory.mktemp("strengths-hand")
    path = folder / "hand.duckdb"
    with Store(path) as store:
        ingest(store, folder / "files", _hand(), series="t/hand")
    write_product_codes(folder / "files" / "product_codes_HS22_V202501.csv",
                        ["010110", "010120", "020110"])
    return path


@pytest.fixture(scope="module")
def duck(hand_path: Path):  # noqa: ANN201
    eng = connect(hand_path)
    yield eng
    eng.close()


@pytest.fixture(scope="module", params=ENGINES)
def eng(request: pytest.FixtureRequest, hand_path: Path, duck: Any):  # noqa: ANN201
    if request.param == "duckdb":
        yield duck
        return
    e = connect(hand_path, engine="spark")
    yield e
    e.close()




@pytest.fixture(scope="module")
def run(eng: Any, duck: Any):  # noqa: ANN201
    def call(fn: Any, *args: Any, **kw: Any) -> Any:
        result = fn(eng, *args, **kw)
        if eng is not duck:
            expected = fn(duck, *args, **kw)
            assert same(result.rows, expected.rows, abs_tol=1e-12), (result.rows, expected.rows)
            assert same(result.sections, expected.sections, abs_tol=1e-12)
            assert result.query["engine"] == "spark"
        return result

    return call


def approx(x: float) -> Any:
    return pytest.approx(x, rel=1e-12)


# -- the hand-made world ---------------------------------------------------------------------------


def test_rca_by_hand(run: Any) -> None:
    r = run(rca, "2023")
    got = {(row["country"], row["product"]): row for row in r.rows}
    assert len(got) == 6  # the subtotal, TOTAL and World rows are not products here
    kaz = got[("KAZ", "010110")]
    assert kaz["value"] == 60 and kaz["share"] == approx(0.6)
    assert kaz["world_share"] == approx(110 / 400)
    assert kaz["rca"] == approx(0.6 / (110 / 400)) and kaz["advantage"] is True
    assert kaz["rsca"] == approx((kaz["rca"] - 1) / (kaz["rca"] + 1))
    assert got[("RUS", "010120")]["rca"] == approx(0.5 / (150 / 400))
    assert kaz["product_name"] == "SYNTHETIC product 010110 (chapter 01)"
    assert any("product_codes_HS22_V202501.csv" in n for n in r.notes)
    assert r.query["exporters"] == 3 and r.datasets[0]["source"] == "testdata"


def test_rca_advantages_top_and_reporter(run: Any) -> None:
    adv = run(rca, "2023", reporter="Kazakhstan", threshold=1.0)
    # 010110: 0.6/(110/400) = 2.18; 020110: 0.4/(140/400) = 1.14
    assert [(row["product"], row["advantage"]) for row in adv.rows] == [("010110", True),
                                                                         ("020110", True)]
    top = run(rca, "2023", top=1)
    assert [row["country"] for row in top.rows] == ["CHN", "KAZ", "RUS"]
    assert top.row(country="CHN")["product"] == "020110"  # 0.5/(140/400) over 0.5/(150/400)


def test_rca_at_hs2(run: Any) -> None:
    r = run(rca, "2023", reporter="KAZ", level="HS2")
    assert {row["product"]: row["value"] for row in r.rows} == {"01": 60, "02": 40}
    assert r.row(product="01")["rca"] == approx(0.6 / (260 / 400))
    assert r.row(product="01")["product_name"] is None  # the file names HS6 codes only


def test_complementarity_by_hand(run: Any) -> None:
    r = run(complementarity, "KAZ", "RUS", "2023")
    assert r.rows[0]["index"] == approx(37.5)  # 100·(1 − ½(|.375−.6| + .625 + .4))
    assert r.rows[0]["products"] == 1
    top = r.sections["products"][0]
    assert (top["product"], top["export_share"], top["import_share"]) == ("010110", approx(0.6),
                                                                          approx(0.375))
    assert run(complementarity, "KAZ", "RUS", "2023", level="HS2").rows[0]["index"] == approx(60.0)


def test_complementarity_with_a_bloc_and_the_world(run: Any) -> None:
    # the CIS's imports in the table without KAZ itself: RUS's (KAZ's other CIS partner)
    cis = run(complementarity, "KAZ", "CIS", "2023")
    assert cis.rows[0]["index"] == approx(37.5)
    assert any("RUS" in n and "members during the period" in n for n in cis.notes)
    world = run(complementarity, "KAZ", "WLD", "2023")
    # world imports = world exports: 010110 .275, 010120 .375, 020110 .35
    assert world.rows[0]["index"] == approx(100 * (0.275 + 0.35))


def test_cis_matrix(run: Any) -> None:
    r = run(complementarity_matrix, "2023")
    pairs = {(row["exporter"], row["importer"]): row["index"] for row in r.rows}
    assert pairs == {("KAZ", "RUS"): approx(37.5), ("RUS", "KAZ"): approx(100 / 3)}  # KAZ imports 010120 50 of 150
    assert "AZE" in r.query["members"] and any("no rows at all" in n and "AZE" in n for n in r.notes)
    status = {m["member"]: m["status"] for m in r.sections["members"]}
    assert status["KAZ"] == status["RUS"] == "exports+imports" and status["AZE"] == "none"


def test_similarity_by_hand(run: Any) -> None:
    r = run(similarity, "KAZ", "RUS", "2023")
    assert r.rows[0]["index"] == approx(50.0)
    in_china = run(similarity, "KAZ", "RUS", "2023", market="CHN")
    # to China KAZ sells only 020110, RUS only 010110: nothing in common
    assert in_china.rows[0]["index"] == 0.0 and in_china.rows[0]["market"] == "CHN"
    assert any("no product in common to CHN" in n for n in in_china.notes)


def test_nothing_at_product_level_says_what_there_is(duck: Any) -> None:
    with pytest.raises(NoData, match="available: testdata HS22 annual 2023–2023"):
        rca(duck, "2022")
    with pytest.raises(NoData, match="not among the exporters"):
        rca(duck, "2023", reporter="ARM")
    with pytest.raises(InputError, match="unknown product level"):
        rca(duck, "2023", level="HS8")
    assert select_products(duck, "2023").product_class == "HS22"


# -- the publisher's nomenclature ------------------------------------------------------------------


def test_product_codes_reader(tmp_path: Path) -> None:
    path = write_product_codes(tmp_path / "product_codes_HS22_V202501.csv", ["010121", "851712"])
    assert read_product_codes(path)["851712"] == "SYNTHETIC product 851712 (chapter 85)"
    (tmp_path / "product_codes_HS22_V202401.csv").write_text("code,description\n10121,x\n")
    assert read_product_codes(tmp_path / "product_codes_HS22_V202401.csv") == {"010121": "x"}
    assert find_product_codes(tmp_path, "HS22", "202501").name == "product_codes_HS22_V202501.csv"
    assert find_product_codes(tmp_path, "HS17") is None
    bad = tmp_path / "bad.csv"
    bad.write_text("k,name\n1,x\n")
    with pytest.raises(InputError, match="expected code,description") as err:
        read_product_codes(bad)
    assert err.value.row == 1
    bad.write_text("code,description\n01x,y\n")
    with pytest.raises(InputError, match="not a product code") as err:
        read_product_codes(bad)
    assert err.value.row == 2


# -- a synthetic BACI year against the reference implementations ----------------------------------


@pytest.fixture(scope="module")
def baci(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """A SYNTHETIC BACI year: 60 countries (the CIS among them), 150 products, 20,000 rows."""
    from cistrade.store import Store

    folder = tmp_path_factory.mktemp("strengths-baci")
    info = generate_baci_year(folder / "baci-2023.parquet", rows=20_000, n_countries=60,
                              n_products=150, seed=3)
    with Store(folder / "baci.duckdb") as store:
        ingest_baci_year(store, info)
    eng = connect(folder / "baci.duckdb")
    yield eng, info
    eng.close()


def _rows(info: Any) -> Any:
    import pyarrow.parquet as pq

    return pq.read_table(info.path).to_pandas()


@pytest.fixture(scope="module")
def reference(baci: Any) -> Any:
    """ecomplexity's output on the same rows (exports summed per exporter and product)."""
    from ecomplexity import ecomplexity

    df = _rows(baci[1])
    data = df.groupby(["reporter", "product"], as_index=False)["value"].sum()
    data["year"] = 2023
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ecomplexity(data, {"time": "year", "loc": "reporter", "prod": "product",
                                  "val": "value"}, verbose=False, check_logsupermodularity=False)


def test_synthetic_year_is_labelled(baci: Any) -> None:
    eng, info = baci
    assert info.synthetic and all(d["synthetic"] for d in rca(eng, "2023", top=1).datasets)


def test_rca_agrees_with_ecomplexity(baci: Any, reference: Any) -> None:
    mine = {(r["country"], r["product"]): r["rca"] for r in rca(baci[0], "2023").rows}
    ref = reference.set_index(["reporter", "product"])["rca"]
    assert set(mine) == set(ref[ref > 0].index)  # the same traded pairs; the rest RCA 0
    worst = max(abs(v - ref[k]) / max(1.0, abs(ref[k])) for k, v in mine.items())
    assert worst < 1e-9


def test_diversity_and_eci_agree_with_ecomplexity(baci: Any, reference: Any) -> None:
    result = complexity(baci[0], "2023")
    ref = reference.groupby("reporter").agg(eci=("eci", "first"), diversity=("diversity", "first"))
    assert {r["country"]: r["diversity"] for r in result.rows} == ref["diversity"].astype(int).to_dict()
    assert max(abs(r["eci"] - ref["eci"][r["country"]]) for r in result.rows) < 1e-6
    pci = reference.groupby("product")["pci"].first()
    assert max(abs(p["pci"] - pci[p["product"]]) for p in result.sections["products"]) < 1e-6
    ubi = reference.groupby("product")["ubiquity"].first()
    assert all(p["ubiquity"] == ubi[p["product"]] for p in result.sections["products"])


def _textbook_share(df: Any, col: str, codes: list[str]) -> dict[str, float]:
    part = df[df[col].isin(codes)].groupby("product")["value"].sum()
    return (part / part.sum()).to_dict()


def _textbook(a: dict[str, float], b: dict[str, float]) -> float:
    """100 · (1 − ½ Σ_k |a_k − b_k|) over the union of products."""
    keys = set(a) | set(b)
    return 100 * (1 - 0.5 * sum(abs(a.get(k, 0.0) - b.get(k, 0.0)) for k in keys))


def test_complementarity_and_similarity_agree_with_the_textbook(baci: Any) -> None:
    eng, info = baci
    df = _rows(info)
    tc = complementarity(eng, "KAZ", "RUS", "2023").rows[0]["index"]
    assert tc == pytest.approx(_textbook(_textbook_share(df, "reporter", ["KAZ"]),
                                         _textbook_share(df, "partner", ["RUS"])), abs=1e-9)
    matrix = complementarity_matrix(eng, "2023")
    for row in matrix.rows[:12]:
        expected = _textbook(_textbook_share(df, "reporter", [row["exporter"]]),
                             _textbook_share(df, "partner", [row["importer"]]))
        assert row["index"] == pytest.approx(expected, abs=1e-9)
    fk = similarity(eng, "KAZ", "UZB", "2023").rows[0]["index"]
    assert fk == pytest.approx(_textbook(_textbook_share(df, "reporter", ["KAZ"]),
                                         _textbook_share(df, "reporter", ["UZB"])), abs=1e-9)
    members = [m for m in ("ARM", "AZE", "BLR", "KGZ", "MDA", "RUS", "TJK", "TKM", "UZB")]
    bloc = complementarity(eng, "KAZ", "CIS", "2023").rows[0]["index"]
    assert bloc == pytest.approx(_textbook(_textbook_share(df, "reporter", ["KAZ"]),
                                           _textbook_share(df, "partner", members)), abs=1e-9)


def test_generator_is_deterministic(tmp_path: Path) -> None:
    a = generate_baci_year(tmp_path / "a.parquet", rows=3000, n_countries=20, n_products=40)
    b = generate_baci_year(tmp_path / "b.parquet", rows=3000, n_countries=20, n_products=40)
    ta, tb = _rows(a), _rows(b)
    assert ta.equals(tb) and a.rows == len(ta) and abs(a.rows - 3000) < 300
    assert not ta.duplicated(["reporter", "partner", "product"]).any()
    assert (ta.reporter != ta.partner).all() and np.all(ta.value > 0)


def test_complexity_needs_varying_diversity(duck: Any) -> None:
    # in the hand-made world every country has RCA >= 1 in exactly two products
    with pytest.raises(NoData, match="same diversity"):
        complexity(duck, "2023")


@pytest.mark.spark
def test_synthetic_year_on_spark(baci: Any) -> None:
    """The same Ibis expressions on Spark: RCA, the CIS matrix and the ECI equal DuckDB's."""
    duck_eng = baci[0]
    spark = connect(duck_eng.store_path, engine="spark")
    try:
        for fn, args, kw in ((rca, ("2023",), {"reporter": "KAZ", "top": 20}),
                             (complementarity_matrix, ("2023",), {}),
                             (complexity, ("2023",), {"level": "HS4"})):
            got, expected = fn(spark, *args, **kw), fn(duck_eng, *args, **kw)
            assert same(got.rows, expected.rows, abs_tol=1e-12) and same(got.sections, expected.sections, abs_tol=1e-12)
            assert got.query["engine"] == "spark"
    finally:
        spark.close()
