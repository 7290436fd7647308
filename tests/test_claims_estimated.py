"""Share claims about a reporter without partner figures of its own, checked against the
estimate from its partners' reports (issue #18 item 4, :mod:`cistrade.claims.estimated`).

The worlds here are SYNTHETIC (:func:`cistrade.estimate.synthetic.statement_world`, stored
with ``synthetic = true``): Russia publishes only its World totals for January–September
2024 and its own partner table for 2019–2021; its partners report their trade with it.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from conftest import EXAMPLES, asgi_request

from cistrade.claims import Verdict, VerdictKind, Verifier, check_text, claims_from_data
from cistrade.estimate.synthetic import CIS, OTHERS, ingest_statement_world, statement_world
from cistrade.indicators import connect

PERIOD = "2024-01..2024-09"
SEED = EXAMPLES / "cis-trade-statement-2024.txt"


def _world(folder: Path, **kw: Any) -> Any:
    from cistrade.store import Store

    world = statement_world(folder, **kw)
    with Store(folder / "s.duckdb") as store:
        ingest_statement_world(store, world)
    return world


@pytest.fixture(scope="module")
def statement(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """The SYNTHETIC 2024 of :mod:`cistrade.estimate.synthetic` (3 small partners silent)."""
    folder = tmp_path_factory.mktemp("claims-estimated")
    world = _world(folder)
    with connect(folder / "s.duckdb") as eng:
        yield eng, world


@pytest.fixture(scope="module")
def thin(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """The same SYNTHETIC world with most partners silent: too little coverage."""
    folder = tmp_path_factory.mktemp("claims-estimated-thin")
    world = _world(folder, silent=CIS[:6] + OTHERS[:10])
    with connect(folder / "s.duckdb") as eng:
        yield eng, world


def _claims(*items: dict[str, Any]) -> list[Any]:
    return claims_from_data([{"reporter": "Russia", "period": PERIOD, **c} for c in items],
                            name="test")


def _without_estimate() -> Any:
    """The default indicators less the estimate: the checker as it was before issue #18."""
    from cistrade.claims.verify import _default_indicators

    ns = vars(_default_indicators()).copy()
    ns.pop("estimate")
    return SimpleNamespace(**ns)


def _doc(v: Verdict) -> dict[str, Any]:
    return json.loads(json.dumps(v.to_dict(), default=str))


def test_the_seed_statements_cis_share_gets_a_band_verdict(statement: Any) -> None:
    """'the share of CIS countries in Russia's foreign trade has risen to 16.2%' (Jan–Sep
    2024), read from the seed statement itself, on the SYNTHETIC 2024."""
    eng, world = statement
    verdicts = check_text(SEED.read_text("utf-8"), eng)
    (v,) = [v for v in verdicts if v.claim.kind.value == "bloc_share"]
    assert v.verdict is VerdictKind.CONSISTENT_WITH_ESTIMATE
    assert v.verdict.estimated and not v.verdict.judged
    assert v.message.startswith("consistent with the estimate (band ")
    assert "supported" not in v.message and "contradicted" not in v.message
    e = v.estimate
    assert e["share_low"] <= world.cis_share <= e["share_high"]
    assert e["share_low"] <= 0.162 <= e["share_high"]
    # what the estimate covers, as every verdict says what it covers
    assert e["period"] == PERIOD and e["sufficient"] and e["coverage"] >= 0.8
    assert len(e["partners_reporting"]) == len(CIS + OTHERS) - 3  # 3 silent
    assert e["sources"] == {"tidy": len(e["partners_reporting"])}
    assert e["cif_fob"] == 1.06 and e["cif_fob_range"] == [1.0, 1.1]
    assert e["total_basis"] == "published world total" and e["known_year"] == 2021
    assert v.basis == "estimate" and v.computed == pytest.approx(e["share"] * 100)
    assert v.coverage["period"] == PERIOD and "partners' reports" in v.coverage["side"]
    assert all(d["synthetic"] for d in v.datasets)
    assert v.evidence[0]["partner"] == "G:CIS" and v.evidence[0]["basis"] == "estimate"
    assert v.notes[0].startswith("ESTIMATE, not RUS's own figures")
    doc = _doc(v)
    assert doc["verdict"] == "consistent_with_estimate" and doc["estimate"]["sufficient"]


def test_outside_the_band_is_said_in_the_estimates_words(statement: Any) -> None:
    eng, _ = statement
    far, italy = Verifier(eng).verify_all(_claims(
        {"bloc": "CIS", "value": "25%"}, {"partner": "Italy", "value": "30%"}))
    assert far.verdict is VerdictKind.OUTSIDE_ESTIMATE_BAND
    assert far.message.startswith("outside the estimate's band (")
    assert italy.verdict is VerdictKind.OUTSIDE_ESTIMATE_BAND and italy.basis == "estimate"


def test_a_partner_share_inside_its_band_and_its_rank(statement: Any) -> None:
    """Without the estimate a partner's share came from its report over Russia's published
    total (mirror, plainly judged); with a sufficient estimate it gets the band verdict, and
    a stated rank is compared with the estimate's rank range."""
    eng, _ = statement
    from cistrade.indicators import share

    rows = {r["partner"]: r for r in share(eng, "RUS", PERIOD, estimate=True).rows}
    kaz = rows["KAZ"]
    stated = f"{kaz['share'] * 100:.1f}%"
    best, worst = kaz["rank_best"], kaz["rank_worst"]
    inside, wrong_rank = Verifier(eng).verify_all(_claims(
        {"partner": "Kazakhstan", "value": stated, "rank": best},
        {"partner": "Kazakhstan", "value": stated, "rank": worst + 5}))
    assert inside.verdict is VerdictKind.CONSISTENT_WITH_ESTIMATE, inside.message
    assert f"within the estimate's rank {kaz['rank_range']}" in inside.message
    assert wrong_rank.verdict is VerdictKind.OUTSIDE_ESTIMATE_BAND
    assert "outside the estimate's rank" in wrong_rank.message
    old = Verifier(eng, indicators=_without_estimate()).verify(inside.claim)
    assert old.basis and "mirror" in old.basis and old.verdict.value != inside.verdict.value


def test_a_reporter_with_its_own_figures_is_checked_as_before(statement: Any) -> None:
    """Russia's own 2021 table (and the partial tables of its partners in 2024): the verdicts
    are exactly those of the checker without the estimate — own data wins."""
    eng, _ = statement
    claims = [*_claims({"bloc": "CIS", "value": "16%", "period": "2021"},
                       {"partner": "Kazakhstan", "value": "3%", "period": "2021"},
                       {"partner": "China", "value": "5%", "rank": 1, "period": "2021"}),
              *claims_from_data([{"reporter": "Kazakhstan", "partner": "Russia",
                                  "period": PERIOD, "value": "18.7%"}], name="test")]
    now = Verifier(eng).verify_all(claims)
    before = Verifier(eng, indicators=_without_estimate()).verify_all(claims)
    assert [_doc(v) for v in now] == [_doc(v) for v in before]
    assert now[0].verdict.judged and not now[0].estimate and now[0].basis != "estimate"
    assert now[3].verdict is VerdictKind.UNVERIFIABLE


def test_too_little_coverage_stays_unverifiable_with_the_estimate_as_evidence(thin: Any) -> None:
    eng, _ = thin
    claim = _claims({"bloc": "CIS", "value": "16.2%"})
    (v,) = Verifier(eng).verify_all(claim)
    (before,) = Verifier(eng, indicators=_without_estimate()).verify_all(claim)
    assert before.verdict is v.verdict is VerdictKind.UNVERIFIABLE
    e = v.estimate
    assert e["sufficient"] is False and e["coverage"] < 0.8
    assert v.message.startswith(before.message)
    assert "below the rule" in v.reasons[-1] and v.reasons[:-1] == before.reasons
    assert f"estimate {e['share'] * 100:.1f}% (band " in v.message
    assert v.evidence and v.evidence[0]["basis"] == "estimate"
    assert _doc(v)["estimate"]["partners_reporting"] == e["partners_reporting"]


def test_a_partner_the_estimate_does_not_hold_is_unverifiable(statement: Any) -> None:
    eng, _ = statement
    (v,) = Verifier(eng).verify_all(_claims({"partner": "Peru", "value": "1%"}))
    assert v.verdict is VerdictKind.UNVERIFIABLE
    assert "holds no figure of Peru" in v.message


def test_check_shows_the_estimate_in_json_csv_and_the_table(statement: Any,
                                                              tmp_path: Path) -> None:
    import csv
    import io

    from typer.testing import CliRunner

    from cistrade.cli import app

    eng, _ = statement
    path = tmp_path / "claims.yaml"
    path.write_text(f"- text: the CIS share of Russia's trade was 16.2%\n  reporter: Russia\n"
                    f"  bloc: CIS\n  period: {PERIOD}\n  value: 16.2%\n", encoding="utf-8")
    args = ["check", str(path), "--db", str(eng.store_path)]
    doc = json.loads(CliRunner().invoke(app, [*args, "-f", "json"]).stdout)
    assert doc["summary"] == {"consistent_with_estimate": 1}
    row = doc["rows"][0]
    assert row["estimate"]["coverage"] >= 0.8 and row["estimate"]["partners_reporting"]
    table = CliRunner().invoke(app, args)
    assert table.exit_code == 0, table.output
    assert "consistent_with_estimate" in table.output and "estimate: estimate " in table.output
    assert "ESTIMATE from 30 partners' reports" in table.output and "(SYNTHETIC)" in table.output
    out = CliRunner().invoke(app, [*args, "-f", "csv"]).stdout
    (line,) = list(csv.DictReader(io.StringIO(out)))
    assert line["verdict"] == "consistent_with_estimate"
    assert "30 partners reporting (tidy: 30)" in line["estimate_text"]
    assert "CIF/FOB 1.06 (band 1.00–1.10)" in line["estimate_text"]


def test_the_api_check_gives_the_band_verdict(statement: Any) -> None:
    eng, _ = statement
    resp = asgi_request(eng.store_path, "POST", "/api/v1/check", json={"claims": [
        {"reporter": "Russia", "bloc": "CIS", "period": PERIOD, "value": "25%"}]})
    assert resp.status_code == 200, resp.text
    doc = resp.json()
    assert doc["summary"] == {"outside_estimate_band": 1}
    assert doc["rows"][0]["estimate"]["sufficient"] is True


def test_the_api_schema_lists_every_verdict(statement: Any) -> None:
    from cistrade.web.api import VERDICTS

    assert set(VERDICTS) == {k.value for k in VerdictKind}
    eng, _ = statement
    spec = asgi_request(eng.store_path, "GET", "/openapi.json").json()
    described = spec["paths"]["/api/v1/check"]["post"]["description"]
    assert all(f"`{k.value}`" in described for k in VerdictKind)
