"""Layouts as sources: the shipped ones built in, registered folders ($CISTRADE_LAYOUTS, the
user config folder, --layout) recognised by ``ingest auto``, ``layout:PATH`` on the command
line; every problem with a layout file is an error naming it, never a source gone missing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cistrade.cli import app
from cistrade.errors import InputError
from cistrade.sources import detect, get_source, source_names

runner = CliRunner()

LAYOUT = """
title = "Synthetic office: exports by country"
reporter = "TJK"
publisher = { name = "Synthetic statistics office", url = "https://example.org/trade", licence = "test data" }
file = { format = "csv" }
signature = { columns = ["Country", "Year", "Exports"] }
header = { row = 1 }
partner = { columns = ["Country"] }
period = { year = "Year" }
unit = { multiplier = 1000000, currency = "USD" }
shape = { kind = "long", values = [{ column = "Exports", flow = "export", basis = "destination" }] }
"""
DATA = "Country,Year,Exports\nRussia,2023,1.5\nChina,2023,2.25\nKazakhstan,2023,0.25\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    place = tmp_path / "layouts"
    place.mkdir()
    (place / "tj-synth.toml").write_text(LAYOUT, "utf-8")
    return place


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "SYNTHETIC_tj_exports.csv"
    path.write_text(DATA, "utf-8")
    return path


def test_the_shipped_layouts_are_built_in_sources_and_the_examples_are_not() -> None:
    names = source_names()
    assert {"uz-stat", "am-armstat"} <= set(names)
    assert "kg-nsc" not in names
    assert get_source("layout:examples/kg-nsc").name == "kg-nsc"
    assert get_source("uz-stat") is get_source("uz-stat")  # one class per layout file


def test_a_folder_in_cistrade_layouts_is_registered(folder: Path, data: Path, monkeypatch) -> None:
    monkeypatch.setenv("CISTRADE_LAYOUTS", str(folder))
    assert "tj-synth" in source_names()
    cls = get_source("tj-synth")
    assert detect(data) is cls
    assert cls.publisher == "Synthetic statistics office" and cls.url == "https://example.org/trade"


def test_the_user_config_folder_is_registered(folder: Path, data: Path, monkeypatch) -> None:
    import platformdirs

    monkeypatch.delenv("CISTRADE_LAYOUTS", raising=False)
    monkeypatch.setattr(platformdirs, "user_config_path", lambda app: folder.parent)
    assert detect(data).name == "tj-synth"


def test_a_registered_layout_may_not_take_a_builtin_name(folder: Path, monkeypatch) -> None:
    (folder / "kz-bns.toml").write_text(LAYOUT, "utf-8")
    monkeypatch.setenv("CISTRADE_LAYOUTS", str(folder))
    with pytest.raises(InputError, match="has the name of the source 'kz-bns'; rename it"):
        get_source("kz-bns")


def test_a_registered_layout_is_named_by_its_file(folder: Path, monkeypatch) -> None:
    (folder / "tj-synth.toml").write_text('name = "other"\n' + LAYOUT, "utf-8")
    monkeypatch.setenv("CISTRADE_LAYOUTS", str(folder))
    with pytest.raises(InputError, match="the layout names itself 'other'"):
        get_source("tj-synth")


def test_a_broken_registered_layout_stops_detection_naming_it(folder: Path, data: Path, monkeypatch) -> None:
    (folder / "tj-synth.toml").write_text(LAYOUT.replace("columns = [\"Country\"]", "colums = [\"Country\"]"))
    monkeypatch.setenv("CISTRADE_LAYOUTS", str(folder))
    with pytest.raises(InputError) as caught:
        detect(data)
    assert str(caught.value).startswith(f"{folder / 'tj-synth.toml'}: partner: unknown key 'colums'")


def test_cli_ingest_auto_with_layout_option(folder: Path, data: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("CISTRADE_LAYOUTS", raising=False)
    db = tmp_path / "s.duckdb"
    unknown = runner.invoke(app, ["ingest", "auto", str(data), "--db", str(db)])
    assert unknown.exit_code == 1 and "cannot tell which publisher" in unknown.stderr
    result = runner.invoke(app, ["ingest", "auto", str(data), "--db", str(db), "--layout", str(folder),
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)["rows"]
    assert (row["source"], row["status"], row["rows"]) == ("tj-synth", "ingested", 3)
    listed = json.loads(runner.invoke(app, ["datasets", "--db", str(db), "--format", "json"]).stdout)["rows"]
    assert listed[0]["url"] == "https://example.org/trade" and listed[0]["licence"] == "test data"
    assert listed[0]["vintage"] == "2023-12"


def test_cli_ingest_layout_path_with_vintage(folder: Path, data: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    layout = folder / "tj-synth.toml"
    result = runner.invoke(app, ["ingest", f"layout:{layout}", str(data), "--db", str(db),
                                 "--vintage", "2024-03-01", "--format", "json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(runner.invoke(app, ["datasets", "--db", str(db), "--format", "json"]).stdout)["rows"]
    assert (listed[0]["source"], listed[0]["vintage"]) == ("tj-synth", "2024-03-01")
    refused = runner.invoke(app, ["ingest", "kz-bns", str(data), "--db", str(db), "--vintage", "2024"])
    assert refused.exit_code == 1 and "--vintage also to a layout" in refused.stderr


def test_cli_a_bad_layout_is_one_line_never_a_traceback(folder: Path, data: Path, tmp_path: Path) -> None:
    bad = folder / "bad.toml"
    bad.write_text(LAYOUT.replace('header = { row = 1 }', 'header = { rwo = 1 }'), "utf-8")
    result = runner.invoke(app, ["ingest", f"layout:{bad}", str(data), "--db", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{bad}: header: unknown key 'rwo' (did you mean 'row'?)" in result.stderr
    missing = runner.invoke(app, ["ingest", "layout:nowhere.toml", str(data), "--db", str(tmp_path / "s.duckdb")])
    assert missing.exit_code == 1 and "no layout file 'nowhere.toml' (the shipped layouts: am-armstat, " \
        "examples/kg-nsc, uz-stat)" in missing.stderr


def test_cli_a_file_that_does_not_fit(folder: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("Land,Jahr,Ausfuhr\nRussland,2023,1\n", "utf-8")
    result = runner.invoke(app, ["ingest", f"layout:{folder / 'tj-synth.toml'}", str(other),
                                 "--db", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (f"{other}, row 1: expected the columns Country, Year, Exports; found Land, Jahr, Ausfuhr"
            in result.stderr)
    if (tmp_path / "s.duckdb").exists():
        listed = runner.invoke(app, ["datasets", "--db", str(tmp_path / "s.duckdb"), "--format", "json"])
        assert json.loads(listed.stdout)["rows"] == []
