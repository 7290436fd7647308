"""A source that cannot load is an error, never a skip; folder ingests say what they pass by (#12)."""

from __future__ import annotations

import json
import logging
import shutil
import sys
from types import SimpleNamespace

import pytest
from conftest import shared
from typer.testing import CliRunner

import cistrade.sources as sources
from cistrade.cli import app
from cistrade.errors import MissingDependency
from cistrade.sources import get_source, is_reference_file, source_names, source_status

runner = CliRunner()
CSV = "reporter,partner,flow,period,value,currency\nARM,RUS,export,2024,100,USD\n"


@pytest.fixture
def no_calamine(monkeypatch: pytest.MonkeyPatch) -> None:
    """python-calamine absent, as on a bare machine where it was never declared: the modules
    that import it are imported afresh and fail."""
    monkeypatch.setitem(sys.modules, "python_calamine", None)  # `import` raises ImportError
    for name in [m for m in sys.modules if m.startswith("cistrade.sources.national")]:
        monkeypatch.delitem(sys.modules, name)


def test_a_builtin_source_that_cannot_import_names_the_package(no_calamine):
    with pytest.raises(MissingDependency) as info:
        get_source("kz-bns")
    message = str(info.value)
    assert "kz-bns" in message and "pip install 'python-calamine>=" in message
    assert info.value.package == "python_calamine"
    with pytest.raises(MissingDependency):  # never a shorter list of sources
        source_names()


def test_the_cli_says_which_package_to_install(no_calamine, tmp_path):
    book = shared("national", "kz-bns", "by_country_2023.xls")
    result = runner.invoke(app, ["ingest", "kz-bns", str(book), "--db", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.stderr and "pip install 'python-calamine" in result.stderr
    auto = runner.invoke(app, ["ingest", "auto", str(book.parent), "--db", str(tmp_path / "s.duckdb")])
    assert auto.exit_code == 1 and "python-calamine" in auto.stderr
    assert not (tmp_path / "s.duckdb").exists()
    listing = runner.invoke(app, ["sources", "--format", "json"])
    assert listing.exit_code == 1
    rows = {r["name"]: r for r in json.loads(listing.stdout)["rows"]}
    assert rows["kz-bns"]["available"] is False and "python-calamine" in rows["kz-bns"]["reason"]
    assert rows["tidy"]["available"] is True


class _EntryPoint(SimpleNamespace):
    pass


def test_a_broken_third_party_source_is_reported_once_by_name(monkeypatch, caplog, tmp_path):
    good = tmp_path / "goodsource.py"
    good.write_text("from cistrade.sources.tidy import TidySource\n"
                    "class Mine(TidySource):\n    name = 'mine'\n    title = 'my office'\n")
    (tmp_path / "badsource.py").write_text("import not_a_package_anywhere\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    eps = [_EntryPoint(name="mine", value="goodsource:Mine", dist=SimpleNamespace(name="my-plugin")),
           _EntryPoint(name="broken", value="badsource:Thing", dist=SimpleNamespace(name="bad-plugin"))]
    monkeypatch.setattr(sources, "entry_points", lambda group: eps)
    sources._plugins.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="cistrade.sources"):
            names = source_names()
            source_names()
            status = {s.name: s for s in source_status()}
        assert "mine" in names and "broken" not in names
        warned = [r for r in caplog.records if "broken" in r.getMessage()]
        assert len(warned) == 1 and "bad-plugin" in warned[0].getMessage()
        assert status["broken"].available is False and "not_a_package_anywhere" in status["broken"].reason
        assert status["mine"].available and status["mine"].origin == "my-plugin"
        with pytest.raises(MissingDependency, match="broken"):
            get_source("broken")
        result = runner.invoke(app, ["sources"])
        assert result.exit_code == 1 and "source broken (bad-plugin) cannot load" in result.stderr
    finally:
        sources._plugins.cache_clear()


def test_sources_lists_every_builtin_source_available():
    result = runner.invoke(app, ["sources", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    assert {r["name"] for r in rows} >= set(sources.BUILTIN)
    assert all(r["available"] for r in rows)
    assert "cistrade sources" in runner.invoke(app, ["ingest", "--help"]).stdout


@pytest.mark.parametrize(("name", "reference"), [
    ("README.md", True), ("Readme_V202501.txt", True), ("country_codes_V202501.csv", True),
    ("product_codes_HS22_V202501.csv", True), ("Reporters.json", True), ("manifest.json", True),
    ("partners_reference.csv", True), ("01-availability_COUNTRY.json", True),
    ("by_country_2023.xls", False), ("notes.dat", False), ("trade.csv", False),
])
def test_reference_files_are_known(tmp_path, name: str, reference: bool):
    assert is_reference_file(tmp_path / name) is reference


def test_a_folder_with_an_unrecognised_file_fails_and_names_it(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.csv").write_text(CSV)
    (folder / "README.md").write_text("# what these files are\n")
    (folder / "notes.dat").write_bytes(b"\x00\x01binary")
    (folder / "other.txt").write_text("just some words\nand more words\n")
    db = tmp_path / "s.duckdb"
    result = runner.invoke(app, ["ingest", "auto", str(folder), "--db", str(db)])
    assert result.exit_code == 1, result.output
    assert "2 file(s) in no format cistrade reads" in result.stderr
    assert "notes.dat" in result.stderr and "other.txt" in result.stderr
    assert "README.md" not in result.stderr.split("error")[-1]
    assert not db.exists()  # nothing ingested, and no empty store left behind
    skipped = runner.invoke(app, ["ingest", "auto", str(folder), "--db", str(db), "--skip-unknown",
                                  "--format", "json"])
    assert skipped.exit_code == 0, skipped.output
    assert "skipped" in skipped.stderr and "notes.dat" in skipped.stderr
    assert [f["source"] for f in json.loads(skipped.stdout)["files"]] == ["tidy"]


def test_a_folder_whose_only_extras_are_readmes_and_code_tables_succeeds(tmp_path):
    folder = tmp_path / "baci"
    folder.mkdir()
    shutil.copy(shared("baci", "BACI_HS22_extract_korea_852352_2023.csv"), folder)
    shutil.copy(shared("baci", "country_codes_V202501.csv"), folder)
    shutil.copy(shared("baci", "Readme_V202501.txt"), folder)
    result = runner.invoke(app, ["ingest", "auto", str(folder), "--db", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 0, result.output
    assert "passed by" in result.stderr and "country_codes_V202501.csv" in result.stderr


def test_several_unrecognised_files_are_each_named(tmp_path):
    files = []
    for name in ("one.bin", "two.bin", "three.bin"):
        (tmp_path / name).write_bytes(b"\x00\x02\x03 not trade data")
        files.append(str(tmp_path / name))
    result = runner.invoke(app, ["ingest", "auto", *files, "--db", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 1
    assert all(name in result.stderr for name in ("one.bin", "two.bin", "three.bin"))


def test_tidy_on_a_workbook_says_what_it_is_not_an_encoding(tmp_path):
    book = tmp_path / "table.xlsx"
    shutil.copy(shared("national", "ru-fts", "94itog.xlsx"), book)
    db = tmp_path / "new.duckdb"
    result = runner.invoke(app, ["ingest", "tidy", str(book), "--db", str(db)])
    assert result.exit_code == 1
    assert "Excel workbook (.xlsx)" in result.stderr and "--encoding" not in result.stderr
    assert "latin-1" not in result.stderr
    assert not db.exists() and not (tmp_path / "new.duckdb.wal").exists()


def test_a_failed_ingest_into_an_existing_store_keeps_the_store(tmp_path):
    good, bad = tmp_path / "a.csv", tmp_path / "b.csv"
    good.write_text(CSV)
    bad.write_text(CSV + "ARM,Narnia,export,2024,1,USD\n")
    db = tmp_path / "s.duckdb"
    assert runner.invoke(app, ["ingest", "tidy", str(good), "--db", str(db)]).exit_code == 0
    assert runner.invoke(app, ["ingest", "tidy", str(bad), "--db", str(db)]).exit_code == 1
    listed = runner.invoke(app, ["datasets", "--db", str(db), "--format", "json"])
    assert listed.exit_code == 0 and len(json.loads(listed.stdout)["rows"]) == 1
