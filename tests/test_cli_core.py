"""The core CLI commands, in process (Typer's CliRunner)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cistrade.cli import app

runner = CliRunner()

CSV = "reporter,partner,flow,period,value,currency\nARM,RUS,export,2024,100,USD\nARM,CHN,import,2024,50,USD\n"


def test_ingest_json_is_one_document(tmp_path):
    src = tmp_path / "a.csv"
    src.write_text(CSV)
    db = tmp_path / "s.duckdb"
    result = runner.invoke(app, ["ingest", "tidy", str(src), "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["rows"][0]["rows"] == 2 and doc["rows"][0]["status"] == "ingested"
    again = runner.invoke(app, ["ingest", "tidy", str(src), "--db", str(db), "--format", "json"])
    assert json.loads(again.stdout)["rows"][0]["status"] == "unchanged"


def test_ingest_table_says_unchanged(tmp_path):
    src = tmp_path / "a.csv"
    src.write_text(CSV)
    db = tmp_path / "s.duckdb"
    runner.invoke(app, ["ingest", "tidy", str(src), "--db", str(db)])
    result = runner.invoke(app, ["ingest", "tidy", str(src), "--db", str(db)])
    assert result.exit_code == 0
    assert "already stored" in result.stdout and "nothing changed" in result.stdout


def test_ingest_error_is_one_line_not_a_traceback(tmp_path):
    src = tmp_path / "bad.csv"
    src.write_text(CSV + "ARM,Narnia,export,2024,1,USD\n")
    result = runner.invoke(app, ["ingest", "tidy", str(src), "--db", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "bad.csv" in result.stderr and "row 4" in result.stderr and "Narnia" in result.stderr


def test_ingest_missing_file(tmp_path):
    result = runner.invoke(app, ["ingest", "tidy", str(tmp_path / "nope.csv"), "--db", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 1 and "no such file" in result.stderr


def test_datasets_lists_provenance(tmp_path):
    src = tmp_path / "a.csv"
    src.write_text(CSV)
    db = tmp_path / "s.duckdb"
    runner.invoke(app, ["ingest", "tidy", str(src), "--db", str(db)])
    result = runner.invoke(app, ["datasets", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)["rows"]
    assert row["file_name"] == "a.csv" and row["row_count"] == 2 and len(row["sha256"]) == 64
    csv_out = runner.invoke(app, ["datasets", "--db", str(db), "--format", "csv"])
    assert csv_out.stdout.splitlines()[0].startswith("dataset_id,source,series")


def test_datasets_verify_finds_changed_and_missing_files(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(CSV)
    b.write_text(CSV.replace("2024", "2023"))
    db = tmp_path / "s.duckdb"
    assert runner.invoke(app, ["ingest", "tidy", str(a), str(b), "--db", str(db)]).exit_code == 0
    ok = runner.invoke(app, ["datasets", "--db", str(db), "--verify", "--format", "json"])
    assert ok.exit_code == 0, ok.output
    assert {r["file_status"] for r in json.loads(ok.stdout)["rows"]} == {"ok"}
    a.write_text(CSV.replace("100", "101"))  # edited after ingest
    b.unlink()
    bad = runner.invoke(app, ["datasets", "--db", str(db), "--verify", "--format", "json"])
    assert bad.exit_code == 1
    status = {r["file_name"]: r["file_status"] for r in json.loads(bad.stdout)["rows"]}
    assert status == {"a.csv": "changed", "b.csv": "missing"}
    assert "file changed since ingest" in bad.stderr and "a.csv" in bad.stderr
    assert "Traceback" not in bad.output


def test_datasets_without_a_store(tmp_path):
    result = runner.invoke(app, ["datasets", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1 and "no store" in result.stderr


def test_countries_lookup_and_search():
    result = runner.invoke(app, ["countries", "Киргизия", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rows"][0]["code"] == "KGZ"
    typo = runner.invoke(app, ["countries", "Kazakstan", "--format", "json"])
    assert typo.exit_code == 1 and "unknown country 'Kazakstan'; did you mean Kazakhstan?" in typo.stderr
    fuzzy = runner.invoke(app, ["countries", "Kazakstan", "--search", "--format", "json"])
    assert fuzzy.exit_code == 0
    rows = json.loads(fuzzy.stdout)["rows"]
    assert rows[0]["code"] == "KAZ" and rows[0]["score"] >= 90
    assert all(0 <= r["score"] <= 100 for r in rows)


@pytest.mark.parametrize("name", ["Atlantis", "Narnia", "Xyzzy"])
def test_an_unknown_country_fails_without_unrelated_matches(name: str):
    """#12: `countries Atlantis` listed ten unrelated countries and exited 0."""
    result = runner.invoke(app, ["countries", name])
    assert result.exit_code == 1, result.output
    assert f"unknown country {name!r}; no country's name is close to it" in result.stderr
    assert result.stdout == ""


def test_a_name_with_characters_no_name_has_is_unknown():
    result = runner.invoke(app, ["countries", "Россия'; --"])
    assert result.exit_code == 1 and "characters no name of Russia has: ';'" in result.stderr


def test_blocs_on_a_date():
    result = runner.invoke(app, ["blocs", "CIS", "--on", "2005-06-01", "--format", "json"])
    assert result.exit_code == 0, result.output
    members = json.loads(result.stdout)["members"]
    assert "GEO" in members and "RUS" in members
    later = json.loads(runner.invoke(app, ["blocs", "CIS", "--on", "2010-01-01", "--format", "json"]).stdout)
    assert "GEO" not in later["members"]
    bad = runner.invoke(app, ["blocs", "Atlantis"])
    assert bad.exit_code == 1 and "unknown bloc" in bad.stderr


def test_ingest_rates_and_reader_options(tmp_path):
    from conftest import shared

    db = tmp_path / "s.duckdb"
    daily = shared("fx", "eurofxref-daily.csv")
    result = runner.invoke(app, ["ingest", "rates", str(daily), "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)["rows"]
    assert row["status"] == "ingested" and "USD" in row["currencies"]
    again = runner.invoke(app, ["ingest", "rates", str(daily), "--db", str(db), "--format", "json"])
    assert json.loads(again.stdout)["rows"][0]["status"] == "unchanged"
    bad_option = runner.invoke(app, ["ingest", "am-armstat", str(daily), "--db", str(db), "-o", "nonsense=1"])
    assert bad_option.exit_code == 1 and "does not take these options" in bad_option.stderr


def test_malformed_csv_line_is_named(tmp_path):
    src = tmp_path / "BACI_HS22_Y2023_V202501.csv"
    src.write_text("t,i,j,k,v,q\n2023,410,4,852352,1.5,2\n2023,410,4,852353,1.5,2,9,9\n")
    result = runner.invoke(app, ["ingest", "baci", str(src), "--db", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "row 3" in result.stderr


def test_auto_passes_the_tidy_options_to_the_files_it_reads_as_tidy(tmp_path):
    src = tmp_path / "ru.csv"
    src.write_bytes("reporter;partner;flow;period;value;currency\n"
                    "Армения;Россия;экспорт;2024;10,5;USD\n".encode("cp1251"))
    db = tmp_path / "s.duckdb"
    refused = runner.invoke(app, ["ingest", "auto", str(src), "--db", str(db)])
    assert refused.exit_code == 1 and "--encoding cp1251" in refused.stderr
    result = runner.invoke(app, ["ingest", "auto", str(src), "--db", str(db), "--encoding", "cp1251",
                                 "--series", "mine", "--format", "json"])
    assert result.exit_code == 0, result.output
    (file,) = json.loads(result.stdout)["files"]
    assert (file["source"], file["rows"]) == ("tidy", 1)
    other = runner.invoke(app, ["ingest", "ru-fts", str(src), "--db", str(db), "--encoding", "cp1251"])
    assert other.exit_code == 1 and "apply to the tidy source" in other.stderr


def test_an_error_message_keeps_its_square_brackets(tmp_path):
    """Rich markup must not eat '[...]' in a message (a file named "trade[final].csv")."""
    src = tmp_path / "trade[final].csv"
    src.write_text(CSV + "ARM,Narnia,export,2024,1,USD\n")
    result = runner.invoke(app, ["ingest", "tidy", str(src), "--db", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 1 and "trade[final].csv" in result.stderr
