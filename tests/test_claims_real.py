"""Checking the example statement against the real files in ../shared/data (all ingested).

The store is built once per test session (about a minute: ~560 files, most of them small
Eurostat downloads).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import EXAMPLES, shared
from typer.testing import CliRunner

from cistrade.claims import VerdictKind, check_claims, check_text, load_claims

pytestmark = pytest.mark.slow

HAND_WRITTEN = """\
- text: Russia's share of Kazakhstan's trade in 2023 was 19.4%, second after China
  kind: share
  reporter: Kazakhstan
  partner: Russia
  period: "2023"
  value: 19.4%
  rank: 2
"""


@pytest.fixture(scope="session")
def real_db(tmp_path_factory) -> Path:
    from cistrade.errors import InputError
    from cistrade.sources import detect
    from cistrade.store import Store

    root = shared()
    groups: dict[type, list[Path]] = defaultdict(list)
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")):
        try:
            groups[detect(path)].append(path)
        except InputError:  # reference tables, readmes, exchange rates: not trade flows
            continue
    db = tmp_path_factory.mktemp("claims-real") / "real.duckdb"
    store = Store(db)
    try:
        for cls, paths in groups.items():
            store.ingest(cls(), paths)
    finally:
        store.close()
    return db


@pytest.fixture(scope="session")
def engine(real_db):
    from cistrade.indicators import connect

    eng = connect(real_db)
    yield eng
    eng.close()


@pytest.fixture(scope="session")
def example_verdicts(engine):
    path = EXAMPLES / "cis-trade-statement-2024.txt"
    if not path.exists():
        pytest.skip(f"example statement not available: {path}")
    return check_text(path.read_text("utf-8"), engine)


def _by(verdicts, kind, reporter=None):
    return next(v for v in verdicts
                if v.claim.kind.value == kind and (reporter is None or v.claim.reporter == reporter))


def test_armenia_is_close_on_the_origin_basis(example_verdicts):
    v = _by(example_verdicts, "share", "ARM")
    assert v.verdict is VerdictKind.CLOSE
    assert v.computed == pytest.approx(41.8, abs=0.05) and v.computed_rank == 1
    assert v.difference == pytest.approx(0.7, abs=0.05)
    assert "origin" in v.basis and "reported" in v.basis
    assert {d["source"] for d in v.datasets} == {"am-armstat"}
    assert v.evidence and all(e["row_ref"] and e["file"] for e in v.evidence)
    assert json.loads(json.dumps(v.to_dict()))["evidence"][0]["row_ref"]


@pytest.mark.parametrize("reporter", ["BLR", "KAZ", "UZB", "KGZ"])
def test_partner_claims_without_2024_data_are_unverifiable(example_verdicts, reporter):
    v = _by(example_verdicts, "share", reporter)
    assert v.verdict is VerdictKind.UNVERIFIABLE
    assert "2024-01..2024-09" in v.message and "available: " in v.message


def test_kazakhstan_message_says_what_exists(example_verdicts):
    v = _by(example_verdicts, "share", "KAZ")
    assert "available: kz-bns annual 2018–2023" in v.message
    assert v.context == "in 2023 Russia was second with 19.4%"
    assert "stat.gov.kz" in v.message
    assert "Belstat" in _by(example_verdicts, "share", "BLR").message


def test_cis_share_of_russias_trade_is_unverifiable(example_verdicts):
    v = _by(example_verdicts, "bloc_share", "RUS")
    assert v.verdict is VerdictKind.UNVERIFIABLE
    assert "ru-fts" in v.available and "stopped publishing" in v.message
    assert _by(example_verdicts, "growth", "RUS").verdict is VerdictKind.UNVERIFIABLE


def test_largest_supplier_claim_says_how_thin_the_data_is(example_verdicts, engine):
    # the example's role claim stands in a paragraph that states no period: not checked
    # against another (until issue #13 it borrowed January–September 2024)
    v = _by(example_verdicts, "role")
    assert v.verdict is VerdictKind.UNVERIFIABLE and "does not say which period" in v.message
    (dated,) = check_text("Russia remains the largest supplier to CIS countries in "
                          "January–September 2024.", engine)
    assert dated.verdict is VerdictKind.UNVERIFIABLE
    assert "own figures" in dated.message and "ARM" in dated.message


def test_hand_written_claim_is_supported(engine):
    (v,) = check_claims(load_claims(HAND_WRITTEN), engine)
    assert v.verdict is VerdictKind.SUPPORTED
    assert v.computed == pytest.approx(19.4, abs=0.05) and v.computed_rank == 2
    assert {d["source"] for d in v.datasets} == {"kz-bns"}


def test_cli_json_on_the_real_store(real_db):
    from cistrade.cli import app

    path = EXAMPLES / "cis-trade-statement-2024.txt"
    if not path.exists():
        pytest.skip(f"example statement not available: {path}")
    result = CliRunner().invoke(app, ["check", str(path), "--db", str(real_db), "-f", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [r["verdict"] for r in doc["rows"]].count("close") == 1
    assert doc["summary"]["unverifiable"] == 7


VALUES = """\
Trade between Kazakhstan and Russia totalled $27 billion in 2023.
Kazakhstan's foreign trade turnover reached $139.6 billion in 2023.
Товарооборот Казахстана с Россией в 2023 году составил 25 млрд долларов.
Kazakhstan's imports from Germany reached EUR 2.8 billion in 2023.
"""


def test_amounts_of_trade_are_checked_against_the_published_values(engine):
    verdicts = check_text(VALUES, engine)
    assert [v.claim.kind.value for v in verdicts] == ["value"] * 4
    pair, total, wrong, euros = verdicts
    # kz-bns 2023: turnover with Russia 27.05 bn USD, in all 139.55 bn USD
    assert pair.verdict is VerdictKind.SUPPORTED and pair.computed == pytest.approx(27.054e9, rel=1e-3)
    assert pair.computed_text == "27.05 bn USD" and pair.evidence
    assert total.verdict is VerdictKind.SUPPORTED and total.computed == pytest.approx(139.551e9, rel=1e-4)
    assert wrong.verdict is VerdictKind.CONTRADICTED
    assert "above the stated 25 млрд долларов" in wrong.message
    # the data is in USD and this store has no exchange rates: not converted, and said so
    assert euros.verdict is VerdictKind.UNVERIFIABLE
    assert "the data is in USD, the claim in EUR" in euros.message and "rates" in euros.message


@pytest.fixture(scope="module")
def engine_with_rates(real_db, tmp_path_factory):
    """The real store plus the ECB's reference rates."""
    import shutil

    from cistrade.indicators import connect
    from cistrade.rates import ingest_rates
    from cistrade.store import Store

    db = tmp_path_factory.mktemp("with-rates") / "with-rates.duckdb"
    shutil.copy(real_db, db)
    with Store(db) as store:
        ingest_rates(store, shared() / "fx" / "eurofxref-hist.zip")
    eng = connect(db)
    yield eng
    eng.close()


def test_an_amount_in_another_currency_is_converted_at_the_ecb_average(engine_with_rates):
    (v,) = check_text(VALUES.splitlines()[3], engine_with_rates)
    # 3.03 bn USD of imports from Germany at about 0.925 EUR per USD (2023 average)
    assert v.verdict is VerdictKind.SUPPORTED and v.computed_text == "2.81 bn EUR"
    assert any("converted from USD to EUR" in n and "ECB reference rates" in n for n in v.notes)


def test_a_bloc_is_ranked_as_one_partner_against_countries(engine):
    """DOMAIN.md: statements sometimes rank a group against countries; say so."""
    eu, cis, russia = check_text(
        "The European Union remained Kazakhstan's largest trading partner in 2023. "
        "The EAEU was Kazakhstan's largest trading partner in 2023. "
        "Russia was Kazakhstan's largest trading partner in 2023.", engine)
    # kz-bns 2023: the EU (its members summed) about 29.6%, China 21.5%, Russia 19.4%
    assert eu.verdict is VerdictKind.SUPPORTED and eu.computed_rank == 1
    assert "counted as one partner against the countries outside it" in eu.message
    assert "then China with 21.5%" in eu.message
    # the EAEU (Russia, Belarus, Kyrgyzstan, Armenia) comes after China
    assert cis.verdict is VerdictKind.CONTRADICTED and cis.computed_rank == 2
    assert "after China with 21.5%" in cis.message
    assert russia.verdict is VerdictKind.CONTRADICTED and russia.computed_rank == 2


def test_a_value_the_reporter_does_not_show_is_taken_from_the_partners_reports(engine_with_rates):
    """Russia's 2023 figures (FTS) list a few partners; Germany's exports to Russia (Eurostat,
    in EUR) are Russia's imports from Germany seen from the other side."""
    shown, missing = check_text("Russia's imports from Germany reached $10 billion in 2023. "
                                "Russia's exports to Germany fell to EUR 3 billion in 2023.",
                                engine_with_rates)
    assert shown.verdict is VerdictKind.SUPPORTED and shown.basis == "mirror"
    assert shown.computed == pytest.approx(10.2e9, rel=0.01)
    assert "from Germany's reports: a mirror figure" in shown.message
    assert {d["source"] for d in shown.datasets} >= {"eurostat"}
    # the evidence is Germany's own rows: its monthly exports to Russia, with file and row
    assert len(shown.evidence) == 12 and all(
        (e["source"], e["reporter"], e["partner"], e["flow"]) == ("eurostat", "DEU", "RUS", "export")
        and e["row_ref"] and e["file"] for e in shown.evidence)
    # Germany's imports from Russia are not in the shared Eurostat extract: nothing to mirror
    assert missing.verdict is VerdictKind.UNVERIFIABLE


def test_an_unverifiable_value_gives_the_latest_value_as_context(engine):
    (v,) = check_text("Trade between Kazakhstan and Russia totalled $30 billion in "
                      "January-September 2024.", engine)
    assert v.verdict is VerdictKind.UNVERIFIABLE
    assert v.context == "in 2023 the value was 27.05 bn USD"


def test_a_total_comes_from_the_published_world_row(engine):
    """Russia's 2023 tables have totals but no partner detail: a total is still checkable."""
    (v,) = check_text("Russia's foreign trade turnover reached $710 billion in 2023.", engine)
    assert v.verdict is VerdictKind.SUPPORTED and v.computed_text == "710.14 bn USD"
    assert {d["source"] for d in v.datasets} == {"ru-fts"} and v.evidence


def test_a_share_the_reporter_does_not_show_is_taken_from_both_sides(engine_with_rates):
    """Germany's exports to Russia (Eurostat) over Russia's published 2023 imports (FTS)."""
    plain, ranked = check_text(
        "Germany's share of Russia's imports was 3.6% in 2023. "
        "Germany was Russia's third largest supplier with 3.5% of its imports in 2023.",
        engine_with_rates)
    assert plain.verdict is VerdictKind.SUPPORTED and plain.basis == "mirror"
    assert plain.computed == pytest.approx(3.58, abs=0.05)
    assert any("published total with the world" in n for n in plain.notes)
    assert {d["source"] for d in plain.datasets} >= {"eurostat", "ru-fts"}
    # the rank cannot be known from one partner's reports: the share judged, the rank not
    assert ranked.verdict is VerdictKind.PARTIAL and ranked.computed_rank is None
    assert ranked.parts == {"value": "close", "rank": "unverifiable"}
    assert "rank 3 not checked" in ranked.message and ranked.reasons


def test_growth_of_a_pair_the_reporter_does_not_show_comes_from_the_partners_reports(
        engine_with_rates):
    (v,) = check_text("Russia's imports from Germany fell by 20% in 2023.", engine_with_rates)
    # Eurostat: German exports to Russia 2022 -> 2023, × 1.06 both years: about -38%
    assert v.verdict is VerdictKind.CONTRADICTED and v.basis == "mirror"
    assert v.computed == pytest.approx(-37.8, abs=0.5)
    assert any("growth from Germany's reports (mirror) for 2023 against 2022" in n
               for n in v.notes)
    assert {e["period_start"].year for e in v.evidence} == {2022, 2023}


def test_verdicts_know_what_the_data_covers(engine):
    """Issue #13 §2 on the shared files: Russia's 2017 partners are a table of 29 (96stran)
    beside a published World total (94itog); its EU members are 13 of 28."""
    share, rank, eu, half = check_text(
        "China accounted for 14.9% of Russia's foreign trade in 2017. "
        "China was Russia's largest trading partner in 2017. "
        "The EU accounted for 43.4% of Russia's trade in 2018. "
        "Kazakhstan's trade with Russia grew by 5% in the first half of 2023.", engine)
    assert share.verdict is VerdictKind.SUPPORTED and share.computed == pytest.approx(14.86, abs=0.01)
    assert share.coverage["total_basis"] == "published world total"
    assert share.coverage["complete"] is False and share.coverage["partners_listed"] == 29
    assert rank.verdict is VerdictKind.UNVERIFIABLE and "lists only 29 partners" in rank.message
    assert eu.verdict is VerdictKind.UNVERIFIABLE
    assert "lists 13 of the 28 members" in eu.message and "PRT" in eu.message
    # kz-bns publishes years only: a half year is not checked against a full year
    assert half.verdict is VerdictKind.UNVERIFIABLE and "2023-01..2023-06" in half.message


def test_an_extract_of_one_product_is_not_a_pairs_trade(engine):
    """Issue #13 §2: the 81-row BACI extract (Korea's 2023 exports of HS 852352) is one
    product, not Korea's trade with anyone; a pair's amount summed over the products it
    happens to hold is not judged (it was 'contradicted' against 43 m USD)."""
    value, share = check_text(
        "South Korea's exports to the United States were $1 billion in 2023. "
        "The United States accounted for 10% of South Korea's exports in 2023.", engine)
    for v in (value, share):
        assert v.verdict is VerdictKind.UNVERIFIABLE, v.message
    assert "summed over the products of HS22" in value.message
    assert value.coverage["total_basis"] == "sum of listed partners (partial table)"
    # a pair's amount read from an all-goods table (cmdCode TOTAL) is still judged
    (china,) = check_text("China's exports to Germany were $1 billion in 2010.", engine)
    assert china.verdict.judged, china.message
