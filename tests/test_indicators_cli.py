"""The indicator commands and their JSON contract (docs/output-contract.md), in-process."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_indicators_data import ingest, months, rec
from typer.testing import CliRunner

from cistrade.cli import app
from cistrade.indicators import ROW_FIELDS

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT / "docs" / "output-contract.md"
COMMANDS = {
    "share": ["share", "-r", "Kazakhstan", "-p", "2023"],
    "bloc_share": ["bloc-share", "-r", "KAZ", "-b", "CIS", "-p", "2023"],
    "growth": ["growth", "-r", "ARM", "-p", "2024-01..2024-09", "--partner", "RUS"],
    "roles": ["roles", "-g", "EAEU", "-p", "2023"],
    "balance": ["balance", "-r", "KAZ", "-p", "2023"],
    "mirror": ["mirror", "-r", "KAZ", "-p", "2023"],
}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cistrade.store import Store

    folder = tmp_path_factory.mktemp("cli")
    kaz = [rec("KAZ", p, f, y, v) for y in ("2022", "2023")
           for p, f, v in (("CHN", "export", 100), ("RUS", "export", 80), ("XOT", "export", 5),
                           ("CHN", "import", 50), ("RUS", "import", 90), ("WLD", "export", 190),
                           ("WLD", "import", 150), ("G:CIS", "export", 85),
                           ("G:CIS", "import", 95))]
    arm = [rec("ARM", p, f, m, v) for m in months("2023-01", "2024-09")
           for p, f, v in (("RUS", "export", 10), ("RUS", "import", 20), ("CHN", "import", 5))]
    chn = [rec("CHN", "KAZ", "import", "2023", 106), rec("CHN", "KAZ", "export", "2023", 47)]
    path = folder / "cli.duckdb"
    with Store(path) as store:
        for series, records in (("c/kaz", kaz), ("c/arm", arm), ("c/chn", chn)):
            ingest(store, folder / "files", records, series=series)
    return path


@pytest.fixture(scope="module")
def cli(db: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    runner = CliRunner()
    cache = str(tmp_path_factory.mktemp("cli-cache"))

    def invoke(*args: str) -> Any:
        return runner.invoke(app, [*args, "--db", str(db)], env={"CISTRADE_CACHE_DIR": cache})

    return invoke


@pytest.mark.parametrize("kind", sorted(COMMANDS))
def test_json_contract(cli: Any, kind: str) -> None:
    result = cli(*COMMANDS[kind], "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {"query", "rows", "datasets", "notes"} <= set(doc)
    assert doc["query"]["indicator"] == kind and doc["query"]["engine"] == "duckdb"
    assert doc["rows"], doc
    for row in doc["rows"]:
        missing = [f for f in ROW_FIELDS[kind] if f not in row]
        assert not missing, (kind, missing)
    for d in doc["datasets"]:
        assert {"id", "source", "vintage", "file"} <= set(d)
    assert all(isinstance(n, str) for n in doc["notes"])


def test_share_rows_are_fractions_and_ranks(cli: Any) -> None:
    doc = json.loads(cli(*COMMANDS["share"], "--format", "json").stdout)
    assert all(0 <= r["share"] <= 1 for r in doc["rows"])
    assert [r["rank"] for r in doc["rows"]] == [1, 2, None]
    assert {r["basis"] for r in doc["rows"]} == {"reported"}
    assert doc["query"]["reporter"] == "KAZ" and doc["query"]["period"] == "2023"


def test_growth_and_bloc_query(cli: Any) -> None:
    g = json.loads(cli(*COMMANDS["growth"], "--format", "json").stdout)["rows"][0]
    assert (g["value"], g["previous_value"], g["change"]) == (270.0, 270.0, 0.0)
    assert g["growth"] == 0.0
    b = json.loads(cli(*COMMANDS["bloc_share"], "--format", "json").stdout)
    assert "RUS" in b["query"]["members"] and b["query"]["bloc"] == "CIS"


def test_table_and_csv(cli: Any) -> None:
    table = cli(*COMMANDS["share"])
    assert table.exit_code == 0 and "China" in table.stdout and "%" in table.stdout
    assert "source: testdata" in table.stdout
    csv_out = cli(*COMMANDS["share"], "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("reporter,partner,partner_name,flow,period,value")
    assert len(csv_out) == 4


def test_errors_are_one_line_and_exit_1(cli: Any) -> None:
    unknown = cli("share", "-r", "Atlantis", "-p", "2023")
    assert unknown.exit_code == 1 and "unknown country" in unknown.stderr
    missing = cli("share", "-r", "KAZ", "-p", "2024")
    assert missing.exit_code == 1
    assert "no data for KAZ" in missing.stderr and "available" in missing.stderr
    assert "Traceback" not in missing.output


@pytest.mark.spark
def test_spark_engine_gives_the_same_json(cli: Any) -> None:
    duck = json.loads(cli(*COMMANDS["share"], "--format", "json").stdout)
    spark = json.loads(cli(*COMMANDS["share"], "--format", "json", "--engine", "spark").stdout)
    assert spark["rows"] == duck["rows"] and spark["query"]["engine"] == "spark"


def test_cli_import_stays_light() -> None:
    code = ("import sys, cistrade.cli; heavy = [m for m in ('ibis', 'pyspark', 'fastapi') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_question_asked_before_runs_without_ibis(db: Path, tmp_path: Path) -> None:
    """A new process asking a question asked before on the same store version runs the SQL
    prepared then (kept under the cache dir) and does not import Ibis at all."""
    code = ("import sys; from cistrade.cli import app\n"
            "try:\n    app(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "sys.stderr.write(str('ibis' in sys.modules))")
    args = [sys.executable, "-c", code, *COMMANDS["share"], "--db", str(db), "--format", "json"]
    env = {**os.environ, "CISTRADE_CACHE_DIR": str(tmp_path)}
    first = subprocess.run(args, capture_output=True, text=True, env=env, check=True)
    again = subprocess.run(args, capture_output=True, text=True, env=env, check=True)
    assert (first.stderr, again.stderr) == ("True", "False")
    assert json.loads(again.stdout) == json.loads(first.stdout)


def test_contract_document_names_every_command_and_field() -> None:
    text = CONTRACT.read_text(encoding="utf-8")
    for kind, args in COMMANDS.items():
        assert f"cistrade {args[0]}" in text, args[0]
        for field in ROW_FIELDS[kind]:
            assert re.search(rf"`{re.escape(field)}`", text), (kind, field)
    for key in ("query", "rows", "datasets", "notes"):
        assert f"`{key}`" in text
