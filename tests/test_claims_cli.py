"""``cistrade check`` in process (Typer's CliRunner), on a small SYNTHETIC store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cistrade.cli import app

runner = CliRunner()
EXAMPLE = Path(__file__).resolve().parents[2] / "shared" / "examples" / "cis-trade-statement-2024.txt"

# SYNTHETIC figures made up for this test: Kazakhstan's 2023 turnover of 1000 with seven partners
PARTNERS = {"CHN": 215, "RUS": 194, "DEU": 150, "ITA": 140, "TUR": 120, "NLD": 100, "UZB": 81}


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("claims-cli")
    lines = ["reporter,partner,flow,period,value,currency,aggregate"]
    for partner, turnover in PARTNERS.items():
        lines += [f"KAZ,{partner},export,2023,{turnover * 0.4},USD,false",
                  f"KAZ,{partner},import,2023,{turnover * 0.6},USD,false"]
    # the World total, published beside the seven partners: without it a table of seven
    # partners is partial and no share of it is judged (issue #13 §2)
    lines += ["KAZ,WLD,export,2023,400,USD,true", "KAZ,WLD,import,2023,600,USD,true"]
    src = folder / "synthetic_kaz_2023.csv"
    src.write_text("\n".join(lines) + "\n")
    path = folder / "synthetic.duckdb"
    result = runner.invoke(app, ["ingest", "tidy", str(src), "--db", str(path)])
    assert result.exit_code == 0, result.output
    return path


CLAIMS = """\
- text: Russia's share of Kazakhstan's trade in 2023 was 19.4%, second after China
  reporter: Kazakhstan
  partner: Russia
  period: "2023"
  value: 19.4%
  rank: 2
- reporter: KAZ
  partner: Germany
  period: "2023"
  value: 25%
  rank: 1
"""


def test_check_claim_file_from_stdin_as_json(db):
    result = runner.invoke(app, ["check", "-", "--db", str(db), "--format", "json"], input=CLAIMS)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["query"]["file"] == "<stdin>" and doc["summary"] == {"supported": 1, "contradicted": 1}
    first, second = doc["rows"]
    assert first["verdict"] == "supported" and first["computed"] == pytest.approx(19.4)
    assert first["datasets"][0]["file"] == "synthetic_kaz_2023.csv"
    assert second["verdict"] == "contradicted" and second["computed_rank"] == 3
    for key in ("text", "kind", "reporter", "partner", "period", "stated", "computed", "verdict",
                "difference", "datasets"):
        assert key in first


def test_check_text_table_exit_zero_whatever_the_verdicts(db, tmp_path):
    text = tmp_path / "statement.txt"
    text.write_text("In 2023 China was Kazakhstan's largest trading partner with 30% of its "
                    "trade, and Russia's share was 19.4%. Belarus's trade with Russia grew by "
                    "5% in 2023.", encoding="utf-8")
    result = runner.invoke(app, ["check", str(text), "--db", str(db)])
    assert result.exit_code == 0, result.output
    for word in ("contradicted", "supported", "unverifiable", "Belstat"):
        assert word in result.stdout


def test_extract_only_needs_no_store(tmp_path):
    if not EXAMPLE.exists():
        pytest.skip(f"example statement not available: {EXAMPLE}")
    result = runner.invoke(app, ["check", "--extract-only", str(EXAMPLE), "--format", "json",
                                 "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    assert [r["kind"] for r in rows] == ["bloc_share", "growth"] + ["share"] * 5 + ["role"]
    table = runner.invoke(app, ["check", "--extract-only", str(EXAMPLE)])
    assert table.exit_code == 0 and "8 claim(s)" in table.stdout


def test_russian_text_with_lang(tmp_path):
    text = tmp_path / "ru.txt"
    text.write_text("Доля России в товарообороте Казахстана в 2023 году составила 19,4%.",
                    encoding="utf-8")
    result = runner.invoke(app, ["check", "--extract-only", str(text), "--lang", "ru",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)["rows"]
    assert (row["reporter"], row["partner"], row["period"]) == ("KAZ", "RUS", "2023")


def test_a_cp1251_text_is_read_and_the_guess_said(db, tmp_path):
    text = tmp_path / "windows.txt"
    text.write_bytes("Доля России в товарообороте Казахстана в 2023 году составила 19,4%."
                     .encode("cp1251"))
    result = runner.invoke(app, ["check", str(text), "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "read as cp1251" in result.stderr
    document = json.loads(result.stdout)
    assert document["query"]["encoding"] == "cp1251"
    (row,) = document["rows"]
    assert row["verdict"] == "supported" and row["computed"] == pytest.approx(19.4)


@pytest.mark.parametrize(("content", "words"), [
    (b"", "the input is empty"),
    (b"The weather in Astana was fine.", "no trade claims found"),
    (bytes(range(256)) * 8, "binary"),
    (b"- reporter: Narnia\n  partner: Russia\n  period: '2023'\n  value: 5%\n",
     "unknown country 'Narnia'"),
    (b"- reporter: KAZ\n  partner: RUS\n  period: 2023-Q7\n  value: 5%\n", "period: not a period"),
])
def test_bad_input_is_one_clear_line(tmp_path, content, words):
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    result = runner.invoke(app, ["check", "--extract-only", str(path)])
    assert result.exit_code == 1, result.output
    assert words in result.stderr and "input.txt" in result.stderr
    assert "Traceback" not in result.output


def test_missing_file_and_missing_store(tmp_path):
    result = runner.invoke(app, ["check", str(tmp_path / "nope.txt")])
    assert result.exit_code == 1 and "no such file" in result.stderr
    path = tmp_path / "claims.yaml"
    path.write_text(CLAIMS)
    result = runner.invoke(app, ["check", str(path), "--db", str(tmp_path / "absent.duckdb")])
    assert result.exit_code == 1 and "no store" in result.stderr
    assert "Traceback" not in result.output


def test_csv_output_has_the_computed_text(db, tmp_path):
    import csv
    import io

    path = tmp_path / "claims.yaml"
    path.write_text(CLAIMS, encoding="utf-8")
    result = runner.invoke(app, ["check", str(path), "--db", str(db), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["computed_text"] == "19.4%, rank 2"


def test_the_document_date_resolves_last_year_and_coverage_is_shown(db, tmp_path):
    text = tmp_path / "dated.txt"
    text.write_text("Last year Russia's share of Kazakhstan's trade was 19.4%.\n", "utf-8")
    result = runner.invoke(app, ["check", str(text), "--db", str(db), "--date", "2024-03-01",
                                 "-f", "json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)["rows"]
    assert row["period"] == "2023" and row["verdict"] == "supported"
    assert row["coverage"]["total_basis"] == "published world total"
    table = runner.invoke(app, ["check", str(text), "--db", str(db), "--date", "2024-03-01"])
    assert "coverage: 2023; published world total" in table.stdout
    undated = runner.invoke(app, ["check", str(text), "--db", str(db), "-f", "json"])
    (row,) = json.loads(undated.stdout)["rows"]
    assert row["verdict"] == "unverifiable" and "--date" in row["message"]
    bad = runner.invoke(app, ["check", str(text), "--db", str(db), "--date", "March"])
    assert bad.exit_code == 1 and "not a date" in bad.stderr
