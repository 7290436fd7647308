"""Claims about strengths (issue #19): comparative advantage and complementarity, extracted
from English and Russian text, products resolved through the publisher's nomenclature, and
checked on a SYNTHETIC BACI year against reference computations (pandas), on a national
store (no products) and on the real BACI extract (one exporter: an extract).

The nomenclature descriptions below are WRITTEN FOR THESE TESTS in the layout of BACI's
``product_codes_HS22_V202501.csv`` (``code,description``); each marked as a test name where
it is laid beside synthetic data.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import shared
from typer.testing import CliRunner

from cistrade.claims import Verifier
from cistrade.claims.extract import extract_claims
from cistrade.claims.io import dump_claims, load_claims
from cistrade.claims.model import Bound, Claim, ClaimKind
from cistrade.claims.products import resolve_product, search_words
from cistrade.claims.strengths import MIN_WORLD_EXPORTERS, NO_THRESHOLD
from cistrade.claims.strengths_rules import RULES, advantage_stated
from cistrade.claims.verdict import VerdictKind
from cistrade.cli import app
from cistrade.errors import InputError
from cistrade.indicators import connect
from cistrade.model import Freq, Period, PeriodRange
from cistrade.store import Store
from cistrade.synthetic_baci import generate_baci_year, ingest_baci_year

runner = CliRunner()
YEAR = PeriodRange.of(Period(2023, Freq.ANNUAL))

# -- product words → HS codes -----------------------------------------------------------------

#: descriptions written for this test, in BACI's style ("heading; detail")
NAMES = {
    "100111": "Cereals; wheat and meslin, durum wheat, seed",
    "100199": "Cereals; wheat and meslin, other than durum wheat, other than seed",
    "100191": "Cereals; wheat and meslin, other than durum wheat, seed",
    "110100": "Wheat or meslin flour",
    "110900": "Wheat gluten; whether or not dried",
    "520100": "Cotton; not carded or combed",
    "520300": "Cotton; carded or combed",
    "520511": "Cotton yarn; single, of uncombed fibres",
    "261210": "Uranium or thorium ores and concentrates; uranium ores and concentrates",
    "261220": "Uranium or thorium ores and concentrates; thorium ores and concentrates",
    "740311": "Copper; refined, cathodes and sections of cathodes",
    "260300": "Copper ores and concentrates",
    "270900": "Petroleum oils and oils obtained from bituminous minerals; crude",
    "151110": "Vegetable oils; palm oil and its fractions, crude",
}


@pytest.mark.parametrize(("words", "code", "level"), [
    ("wheat", "1001", "HS4"),  # 1101 flour set aside: fewer, another chapter
    ("пшеницы", "1001", "HS4"),  # the Russian word's search word
    ("Wheat", "1001", "HS4"),
    ("cotton", "52", "HS2"),  # two headings of one chapter: the chapter
    ("хлопка", "52", "HS2"),
    ("uranium", "2612", "HS4"),
    ("copper", "740311", "HS6"),  # "Copper ores" is ore, not copper
    ("меди", "740311", "HS6"),
    ("HS 1001", "1001", "HS4"),
    ("aluminium (HS 7601)", "7601", "HS4"),  # a code in the text wins, without a name
    ("HS code 27", "27", "HS2"),
])
def test_product_words_resolve_through_the_nomenclature(words: str, code: str, level: str) -> None:
    found = resolve_product(words, NAMES, "test.csv")
    assert (found.code, found.level) == (code, level), found
    assert found.note


def test_wheat_reads_as_its_heading_and_says_what_it_set_aside() -> None:
    found = resolve_product("wheat", NAMES, "test.csv")
    assert found.candidates == ["100111", "100191", "100199"]
    assert "110100" in found.note and "set aside" in found.note
    assert "110900" not in found.note  # wheat gluten: wheat qualifies gluten


@pytest.mark.parametrize(("words", "why"), [
    ("crude oil", "ambiguous"),  # palm oil and petroleum: two chapters, one each
    ("oil", "ambiguous"),
    ("bananas", "no product of test.csv matches"),
    ("молока", "no English search word"),
])
def test_unresolved_products_say_why_never_guess(words: str, why: str) -> None:
    found = resolve_product(words, NAMES, "test.csv")
    assert not found.found and found.code is None
    assert why in (found.reason or "")


def test_without_a_nomenclature_only_a_code_resolves() -> None:
    assert resolve_product("HS 100111", {}).code == "100111"
    found = resolve_product("wheat", {})
    assert not found.found and "never typed into cistrade" in (found.reason or "")
    assert search_words("медицинских") is None  # медь's forms only, not words it starts


# -- extraction ---------------------------------------------------------------------------------


def _one(text: str) -> Claim:
    found = [c for c in extract_claims(text)
             if c.kind in (ClaimKind.ADVANTAGE, ClaimKind.COMPLEMENTARITY)]
    assert len(found) == 1, (text, [c.describe() for c in found])
    return found[0]


@pytest.mark.parametrize(("text", "reporter", "product", "negated"), [
    ("In 2023 Kazakhstan had a strong comparative advantage in wheat.", "KAZ", "wheat", False),
    ("Kazakhstan's comparative advantage in uranium is well known (2022).", "KAZ", "uranium",
     False),
    ("The revealed comparative advantage of Kyrgyzstan in gold was evident in 2022.", "KGZ",
     "gold", False),
    ("Tajikistan enjoys a comparative advantage in the production of aluminium (HS 7601), "
     "the 2023 data show.", "TJK", "aluminium (HS 7601)", False),
    ("Uzbekistan specialises in the export of cotton, according to 2022 data.", "UZB", "cotton",
     False),
    ("In 2021 Russia had no comparative advantage in cotton.", "RUS", "cotton", True),
    ("Armenia lacks a comparative advantage in copper, 2023 figures suggest.", "ARM", "copper",
     True),
    ("В 2023 году Казахстан обладает сравнительным преимуществом в экспорте пшеницы.", "KAZ",
     "пшеницы", False),
    ("Сравнительные преимущества Узбекистана в производстве хлопка сохранились в 2022 году.",
     "UZB", "хлопка", False),
    ("Кыргызстан специализируется на экспорте золота (2023).", "KGZ", "золота", False),
    ("Армения не обладает сравнительным преимуществом в экспорте меди в 2022 году.", "ARM",
     "меди", True),
    # real public phrasing (an abstract on China–Kazakhstan trade, pdfslide.us "Study on Trade
    # Complementarity and Trade Potential between China and Kazakhstan", IJSR 2017), the second
    # clause: the product it names is no HS product, so its verdict will say so
    ("Studies show that China has a comparative advantage in labor-intensive goods, while "
     "Kazakhstan has a comparative advantage in resource-intensive products.", None, None, None),
])
def test_advantage_phrasings(text: str, reporter: str | None, product: str | None,
                             negated: bool | None) -> None:
    found = [c for c in extract_claims(text) if c.kind is ClaimKind.ADVANTAGE]
    if reporter is None:  # the real two-clause sentence: one claim per country
        assert [(c.reporter, c.product) for c in found] == [
            ("CHN", "labor-intensive goods"), ("KAZ", "resource-intensive products")]
        return
    claim = _one(text)
    assert (claim.kind, claim.reporter, claim.product) == (ClaimKind.ADVANTAGE, reporter, product)
    assert claim.stated is not None
    assert claim.stated.bound is (Bound.UNDER if negated else Bound.AT_LEAST)
    assert any(n.startswith("rule ") for n in claim.notes)


@pytest.mark.parametrize(("text", "who", "versus", "mutual", "bound"), [
    ("Kazakhstan's exports complement Russia's imports, the ministry said in 2023.",
     ("KAZ", "RUS", None), None, False, None),
    ("The exports of Belarus complement the imports of Russia (2022).", ("BLR", "RUS", None),
     None, False, None),
    ("In 2022 the imports of Russia were complemented well by the exports of Belarus.",
     ("BLR", "RUS", None), None, False, None),
    ("In 2023, Kazakhstan's exports complemented Russia's imports more than China's.",
     ("KAZ", "RUS", None), "CHN", False, Bound.OVER),
    ("Kyrgyzstan's exports fit Kazakhstan's imports less closely than Uzbekistan's, and "
     "complement them less than those of Uzbekistan in 2023.", ("KGZ", "KAZ", None), "UZB",
     False, Bound.UNDER),
    ("The economies of Armenia and Georgia are highly complementary, trade data for 2023 show.",
     ("ARM", "GEO", None), None, True, None),
    ("Kazakhstan's exports complement the imports of the EAEU in 2023.", ("KAZ", None, "EAEU"),
     None, False, None),
    ("Эксперты отмечают высокую взаимодополняемость экономик России и Казахстана в 2023 году.",
     ("RUS", "KAZ", None), None, True, None),
    ("Экспорт Казахстана дополняет импорт России больше, чем импорт Китая (2023).",
     ("KAZ", "RUS", None), "CHN", False, Bound.OVER),
    ("Торговля Беларуси и России отличается высокой комплементарностью (2022).",
     ("BLR", "RUS", None), None, True, None),
])
def test_complementarity_phrasings(text: str, who: tuple[Any, ...], versus: str | None,
                                   mutual: bool, bound: Bound | None) -> None:
    claim = _one(text)
    assert claim.kind is ClaimKind.COMPLEMENTARITY
    assert (claim.reporter, claim.partner, claim.bloc) == who
    assert (claim.versus, claim.mutual) == (versus, mutual)
    assert (claim.stated.bound if claim.stated else None) is bound


@pytest.mark.parametrize("text", [
    "A logistics company in Kazakhstan specialises in freight forwarding.",
    "The company, based in Kazakhstan, specialises in freight forwarding.",
    "Kazakhstan's exports could complement Russia's imports in the coming years.",
    "The two presidents said their visions complement each other.",
    "Kazakhstan's exports do not complement Russia's imports.",
    "The main results reveal that Kazakhstan shows a comparative advantage in a number of "
    "sectors.",  # real phrasing (jbrmr.com abstract): no product named
    "Кыргызстан обладает сравнительными преимуществами в ряде отраслей.",
    "Экономики наших стран могут дополнять друг друга.",
    "Kazakhstan should make use of comparative advantages to optimize its grain trade.",
])
def test_no_strength_claim(text: str) -> None:
    assert not [c for c in extract_claims(text)
                if c.kind in (ClaimKind.ADVANTAGE, ClaimKind.COMPLEMENTARITY)]


def test_rules_are_named_per_language() -> None:
    names = [r.name for r in RULES]
    assert len(set(names)) == len(names)
    assert {r.lang for r in RULES} == {"en", "ru"}
    assert {r.kind for r in RULES} == {ClaimKind.ADVANTAGE, ClaimKind.COMPLEMENTARITY}


def test_a_year_from_the_paragraph_is_noted_and_none_is_unknown() -> None:
    claims = extract_claims("In 2023 Kazakhstan's grain harvest was large. Kazakhstan has a "
                            "comparative advantage in wheat.")
    advantage = next(c for c in claims if c.kind is ClaimKind.ADVANTAGE)
    assert str(advantage.period) == "2023" and advantage.period_note
    bare = _one("Kazakhstan has a comparative advantage in wheat.")
    assert bare.period is None and bare.period_note


# -- claim files ----------------------------------------------------------------------------------


CLAIM_FILE = """\
- {kind: advantage, reporter: Kazakhstan, product: wheat, period: "2023"}
- {kind: advantage, reporter: RUS, product: cotton, period: "2021", negated: true}
- {kind: complementarity, reporter: KAZ, partner: Russia, versus: China, period: "2023"}
- {kind: complementarity, reporter: ARM, partner: GEO, mutual: true, period: "2023"}
"""


def test_claim_file_round_trip() -> None:
    claims = load_claims(CLAIM_FILE)
    assert [c.kind for c in claims] == [ClaimKind.ADVANTAGE] * 2 + [ClaimKind.COMPLEMENTARITY] * 2
    assert claims[0].stated is not None and claims[0].stated.bound is Bound.AT_LEAST
    assert claims[1].stated is not None and claims[1].stated.bound is Bound.UNDER
    assert claims[2].versus == "CHN" and claims[2].stated is not None
    assert claims[3].stated is None and claims[3].mutual
    again = load_claims(json.dumps(dump_claims(claims)))
    assert [c.key() for c in again] == [c.key() for c in claims]


@pytest.mark.parametrize(("item", "message"), [
    ("- {kind: advantage, reporter: KAZ, period: '2023'}", "needs product"),
    ("- {kind: advantage, reporter: KAZ, product: wheat, value: 12%}", "states no value"),
    ("- {kind: complementarity, reporter: KAZ, period: '2023'}", "needs a partner or a bloc"),
])
def test_claim_file_errors(item: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        load_claims(item)


# -- verdicts on a SYNTHETIC BACI year --------------------------------------------------------------


def _reference_rca(frame: pd.DataFrame, digits: int) -> pd.Series:
    x = frame.assign(product=frame["product"].str[:digits]).groupby(
        ["reporter", "product"])["value"].sum()
    x = x[x > 0]
    share = x / x.groupby(level=0).transform("sum")
    world = x.groupby(level=1).sum() / x.sum()
    return share / world.reindex(x.index.get_level_values(1)).to_numpy()


def _reference_tc(frame: pd.DataFrame, exporter: str, importer: str) -> float:
    ex = frame[frame.reporter == exporter].groupby("product")["value"].sum()
    im = frame[frame.partner == importer].groupby("product")["value"].sum()
    x, m = ex / ex.sum(), im / im.sum()
    both = x.index.intersection(m.index)
    return float(100 * pd.concat([x[both], m[both]], axis=1).min(axis=1).sum())


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A SYNTHETIC BACI year, its store, and a nomenclature beside it naming four of its
    products with test descriptions (the others keep their synthetic names)."""
    folder = tmp_path_factory.mktemp("strength-claims")
    info = generate_baci_year(folder / "files" / "baci_2023.parquet", rows=20_000, year=2023)
    frame = pq.read_table(info.path).to_pandas()
    path = folder / "synthetic.duckdb"
    with Store(path) as store:
        ingest_baci_year(store, info)
    rca6 = _reference_rca(frame, 6)
    kaz = rca6.loc["KAZ"].sort_values()
    top, low = kaz.index[-1], kaz.index[0]
    absent = sorted(set(frame["product"]) - set(kaz.index))[0]
    chapters = {top[:2], low[:2], absent[:2]}
    others = [p for p in sorted(set(frame["product"])) if p[:2] not in chapters]
    oil_a = others[0]
    oil_b = next(p for p in others if p[:2] != oil_a[:2])
    test_names = {
        top: "Cereals; wheat and meslin, other than durum wheat (SYNTHETIC test name)",
        low: "Cotton; not carded or combed (SYNTHETIC test name)",
        absent: "Uranium or thorium ores and concentrates; uranium ores (SYNTHETIC test name)",
        oil_a: "Petroleum oils; crude (SYNTHETIC test name)",
        oil_b: "Vegetable oils; palm oil, crude (SYNTHETIC test name)",
    }
    codes = sorted(set(frame["product"]))
    lines = ["code,description"] + [
        f'{c},"{test_names.get(c, f"SYNTHETIC product {c} (chapter {c[:2]})")}"' for c in codes]
    (info.path.parent / "product_codes_HS22_SYNTHETIC.csv").write_text("\n".join(lines) + "\n")
    eng = connect(path)
    yield {"eng": eng, "frame": frame, "rca6": rca6, "top": top, "low": low, "absent": absent,
           "path": path, "folder": folder}
    eng.close()


def _check(world: dict[str, Any], text: str) -> Any:
    claim = _one(text)
    return Verifier(world["eng"]).verify(claim)


def _says_synthetic(v: Any) -> None:
    assert "SYNTHETIC" in v.coverage["method"] and "exporters" in v.coverage["method"]
    assert v.query["source"] and v.query["product_class"] == "HS22" and v.query["exporters"] > 20
    assert v.datasets and all(d.get("synthetic") for d in v.datasets)


def test_advantage_supported_on_the_reference_rca(world: dict[str, Any]) -> None:
    v = _check(world, "In 2023 Kazakhstan had a comparative advantage in wheat.")
    expected = world["rca6"].loc[("KAZ", world["top"])]
    assert expected >= 1
    assert v.verdict is VerdictKind.SUPPORTED
    assert v.computed == pytest.approx(expected, rel=1e-9)
    assert f"HS {world['top']}" in v.message and v.computed_text.startswith("RCA ")
    assert v.query["product"] == world["top"] and v.query["level"] == "HS6"
    assert any("wheat" in n and "read as" in n for n in v.notes)
    assert v.evidence and v.evidence[0]["rca"] == pytest.approx(expected, rel=1e-9)
    _says_synthetic(v)


def test_advantage_contradicted_and_its_negation_supported(world: dict[str, Any]) -> None:
    expected = world["rca6"].loc[("KAZ", world["low"])]
    assert expected < 1
    yes = _check(world, "In 2023 Kazakhstan had a comparative advantage in cotton.")
    no = _check(world, "In 2023 Kazakhstan had no comparative advantage in cotton.")
    assert yes.verdict is VerdictKind.CONTRADICTED and no.verdict is VerdictKind.SUPPORTED
    assert yes.computed == pytest.approx(expected, rel=1e-9)


def test_advantage_in_a_product_not_exported_is_rca_zero(world: dict[str, Any]) -> None:
    v = _check(world, "Казахстан обладал сравнительным преимуществом в экспорте урана в 2023 году.")
    assert v.verdict is VerdictKind.CONTRADICTED and v.computed == 0.0
    assert "RCA 0" in v.evidence[0].get("note", "") or v.evidence[0]["rca"] == 0.0


def test_advantage_at_the_level_of_a_code_the_text_gives(world: dict[str, Any]) -> None:
    chapter = world["top"][:2]
    v = _check(world, f"In 2023 Kazakhstan had a comparative advantage in HS {chapter}.")
    assert v.query["level"] == "HS2"
    assert v.computed == pytest.approx(_reference_rca(world["frame"], 2).loc[("KAZ", chapter)],
                                       rel=1e-9)


@pytest.mark.parametrize(("text", "why"), [
    ("In 2023 Kazakhstan had a comparative advantage in crude oil.", "ambiguous"),
    ("In 2023 Kazakhstan had a comparative advantage in bananas.", "no product of"),
    ("Kazakhstan has a comparative advantage in wheat.", "which year"),
    ("In 2021 Kazakhstan had a comparative advantage in wheat.", "no product-level data"),
    ("In 2023 Kazakhstan had a comparative advantage in HS 99.", "no exporter of the table"),
])
def test_advantage_unverifiable_says_why(world: dict[str, Any], text: str, why: str) -> None:
    v = _check(world, text)
    assert v.verdict is VerdictKind.UNVERIFIABLE
    assert why in v.message and v.reasons


def test_complementarity_comparison_is_judged(world: dict[str, Any]) -> None:
    frame = world["frame"]
    rus, chn = _reference_tc(frame, "KAZ", "RUS"), _reference_tc(frame, "KAZ", "CHN")
    v = _check(world, "In 2023, Kazakhstan's exports complemented Russia's imports more than "
                      "China's.")
    assert v.computed == pytest.approx(rus - chn, rel=1e-9, abs=1e-9)
    assert v.verdict is (VerdictKind.SUPPORTED if rus > chn else VerdictKind.CONTRADICTED)
    less = _check(world, "In 2023, Kazakhstan's exports complemented Russia's imports less than "
                         "China's.")
    assert less.verdict is (VerdictKind.CONTRADICTED if rus > chn else VerdictKind.SUPPORTED)
    _says_synthetic(v)


def test_bare_complementarity_is_reported_not_judged(world: dict[str, Any]) -> None:
    expected = _reference_tc(world["frame"], "KAZ", "RUS")
    v = _check(world, "Kazakhstan's exports complement Russia's imports (2023).")
    assert v.verdict is VerdictKind.UNVERIFIABLE and v.reasons == [NO_THRESHOLD]
    assert v.computed == pytest.approx(expected, rel=1e-9)
    assert f"{expected:.1f}" in v.message and "world's imports" in v.message
    assert "CIS" in v.message  # the importer's rank among the exporter's CIS partners
    assert v.evidence and "contribution" in v.evidence[0]
    _says_synthetic(v)


def test_mutual_complementarity_is_the_mean_of_both_directions(world: dict[str, Any]) -> None:
    frame = world["frame"]
    expected = (_reference_tc(frame, "RUS", "KAZ") + _reference_tc(frame, "KAZ", "RUS")) / 2
    v = _check(world, "Эксперты отмечают высокую взаимодополняемость экономик России и "
                      "Казахстана в 2023 году.")
    assert v.verdict is VerdictKind.UNVERIFIABLE
    assert v.computed == pytest.approx(expected, rel=1e-9)


def test_cli_check_shows_the_new_kinds(world: dict[str, Any]) -> None:
    text = world["folder"] / "statement.txt"
    text.write_text("In 2023 Kazakhstan had a comparative advantage in wheat. In 2023, "
                    "Kazakhstan's exports complemented Russia's imports more than China's.\n",
                    encoding="utf-8")
    table = runner.invoke(app, ["check", str(text), "--db", str(world["path"])])
    assert table.exit_code == 0, table.output
    assert "advantage KAZ in wheat" in table.output and "RCA" in table.output
    assert "complementarity KAZ" in table.output and "SYNTHETIC" in table.output
    doc = json.loads(runner.invoke(app, ["check", str(text), "--db", str(world["path"]),
                                         "--format", "json"]).stdout)
    kinds = {r["kind"]: r for r in doc["rows"]}
    assert set(kinds) == {"advantage", "complementarity"}
    assert kinds["advantage"]["verdict"] == "supported"
    assert kinds["advantage"]["computed_text"].startswith("RCA ")
    assert kinds["advantage"]["product"] == "wheat"
    assert kinds["complementarity"]["versus"] == "CHN"


def test_api_check_answers_structured_strength_claims(world: dict[str, Any]) -> None:
    import asyncio

    import httpx

    from cistrade.web import create_app

    application = create_app(world["path"])
    claims = [{"kind": "advantage", "reporter": "KAZ", "product": "wheat", "period": "2023"},
              {"kind": "complementarity", "reporter": "KAZ", "partner": "RUS", "period": "2023"}]

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.post("/api/v1/check", json={"claims": claims})

    try:
        resp = asyncio.run(go())
    finally:
        application.state.pool.close()
    assert resp.status_code == 200, resp.text
    rows = resp.json()["rows"]
    assert [(r["kind"], r["verdict"]) for r in rows] == [("advantage", "supported"),
                                                         ("complementarity", "unverifiable")]
    assert rows[0]["product"] == "wheat" and "SYNTHETIC" in rows[0]["coverage"]["method"]
    assert rows[1]["reasons"] == [NO_THRESHOLD]


# -- no products, or an extract ---------------------------------------------------------------------


def test_national_tables_have_no_products(tmp_path: Path) -> None:
    src = tmp_path / "synthetic_kaz_2023.csv"  # SYNTHETIC totals by partner, no products
    src.write_text("reporter,partner,flow,period,value,currency\n"
                   "KAZ,RUS,export,2023,400,USD\nKAZ,RUS,import,2023,600,USD\n")
    db = tmp_path / "national.duckdb"
    assert runner.invoke(app, ["ingest", "tidy", str(src), "--db", str(db)]).exit_code == 0
    with connect(db) as eng:
        claim = Claim(ClaimKind.ADVANTAGE, "KAZ", period=YEAR, product="wheat",
                      stated=advantage_stated(False))
        v = Verifier(eng).verify(claim)
    assert v.verdict is VerdictKind.UNVERIFIABLE and "no product-level data" in v.message


def test_the_real_baci_extract_is_an_extract(tmp_path: Path) -> None:
    from cistrade.sources import get_source

    db = tmp_path / "baci.duckdb"
    with Store(db) as store:
        store.ingest(get_source("baci")(),
                     [shared("baci", "BACI_HS22_extract_korea_852352_2023.csv")])
    with connect(db) as eng:
        claim = Claim(ClaimKind.ADVANTAGE, "KOR", period=YEAR, product="HS 852352",
                      stated=advantage_stated(False))
        v = Verifier(eng).verify(claim)
    assert v.verdict is VerdictKind.UNVERIFIABLE
    assert "1 exporter(s)" in v.message and str(MIN_WORLD_EXPORTERS) in v.message
