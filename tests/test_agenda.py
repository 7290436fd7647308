"""The cooperation agenda register: reading with validation, the store round trip, queries,
the economic share, and the ``cistrade agenda`` commands.

Every entry used here is a real one of the shipped register (``cistrade/agenda/data``), which
cites for each the public page it was read from; files made here only rearrange those entries
or break them on purpose (a bad area, a bad date …) to test the validator.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cistrade.agenda import (
    AREAS,
    SHIPPED,
    Area,
    Filters,
    economic_share,
    entries,
    ingest_register,
    read_register,
)
from cistrade.cli import app
from cistrade.errors import InputError, NoData

runner = CliRunner()


def _shipped_rows() -> list[dict[str, str]]:
    with open(str(SHIPPED), encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_every_shipped_entry_cites_a_source_and_reads() -> None:
    found, synthetic = read_register(str(SHIPPED))
    assert not synthetic and len(found) == 33
    assert all(e.source_url.startswith(("http://", "https://")) and e.source_title for e in found)
    assert {e.area for e in found} <= set(Area)
    kgz = next(e for e in found if e.id == "cis-chg-2023-10-26-03")
    assert kgz.area is Area.ENERGY and kgz.economic and kgz.adopted.first.isoformat() == "2023-10-26"
    assert "KAZ" in kgz.members and "GEO" not in kgz.members  # Georgia left the CIS in 2009


def test_every_area_has_its_flag_and_russian_name() -> None:
    assert set(AREAS) == set(Area)
    assert AREAS[Area.FOOD_SECURITY][0] and not AREAS[Area.CULTURE][0]
    from cistrade.agenda import area_of

    assert area_of("Продовольственная безопасность") is Area.FOOD_SECURITY
    assert area_of("food_security") is Area.FOOD_SECURITY and area_of("astrology") is None


@pytest.mark.parametrize(("column", "value", "message"), [
    ("area", "astrology", "unknown area 'astrology'; the areas are: energy"),
    ("economic", "false", "energy is an economic area; the row says economic=false"),
    ("participants", "Atlantis", "'Atlantis' is neither a country nor a bloc"),
    ("date_adopted", "26.10.2023", "'26.10.2023' is not YYYY, YYYY-MM or YYYY-MM-DD"),
    ("source_url", "gov.kg/post", "is not an http(s) address"),
    ("status", "maybe", "unknown status 'maybe'"),
    ("title", "", "no title (a required column)"),
])
def test_a_bad_cell_names_file_row_and_column(tmp_path: Path, column: str, value: str,
                                              message: str) -> None:
    rows = [{**r, "economic": ""} for r in _shipped_rows()[4:8]]
    rows[2] = {**rows[2], column: value}
    if column == "economic":
        rows[2]["area"] = "energy"
    path = _write(tmp_path / "register.csv", rows)
    with pytest.raises(InputError) as err:
        read_register(path)
    assert message in str(err.value)
    assert (err.value.file, err.value.row, err.value.column) == (str(path), 4, column)


def test_header_duplicates_and_formats(tmp_path: Path) -> None:
    rows = _shipped_rows()[:3]
    with pytest.raises(InputError, match="unknown column"):
        read_register(_write(tmp_path / "a.csv", [{**r, "colour": "red"} for r in rows]))
    with pytest.raises(InputError, match=r"id 'cis-cs-2007-10-05-1.1' again \(first on row 2\)"):
        read_register(_write(tmp_path / "b.csv", [rows[0], rows[1], rows[0]]))
    with pytest.raises(InputError, match="a .csv, .yaml or .yml file"):
        read_register(_write(tmp_path / "c.txt", rows))


def test_yaml_register(tmp_path: Path) -> None:
    import yaml

    rows = [{k: v for k, v in r.items() if v} for r in _shipped_rows()[:2]]
    path = tmp_path / "register.yaml"
    path.write_text(yaml.safe_dump({"entries": rows}, allow_unicode=True), encoding="utf-8")
    found, synthetic = read_register(path)
    assert [e.id for e in found] == [r["id"] for r in rows] and not synthetic
    rows[1]["area"] = "astrology"
    path.write_text(yaml.safe_dump({"entries": rows}, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match="unknown area") as err:
        read_register(path)
    assert err.value.row == 2 and err.value.column == "area"


def test_store_round_trip_and_queries(store) -> None:  # noqa: ANN001
    [report] = ingest_register(store, [Path(str(SHIPPED))])
    assert (report.status, report.entries) == ("ingested", 33)
    assert ingest_register(store, [Path(str(SHIPPED))])[0].status == "unchanged"
    every = entries(store.con)
    assert len(every) == 33 and every.datasets[0]["file"] == "cis_eaeu_measures.csv"
    assert every.rows[0]["entry_id"] == "cis-cs-2007-10-05-1.1"  # oldest first
    got = read_register(str(SHIPPED))[0]
    assert {r["entry_id"]: r["title"] for r in every.rows} == {e.id: e.title for e in got}
    transport = entries(store.con, Filters(area="transport", period="2024"))
    assert {r["entry_id"] for r in transport.rows} == {
        "cis-chg-2024-05-24-corridors", "eaeu-eic-2024-10-01-bottlenecks",
        "eaeu-eic-2024-10-01-roadmap", "cis-chg-2024-12-12-transport-digital"}
    assert any("2 otherwise matching entries without a date" in n for n in transport.notes)
    eaeu = entries(store.con, Filters(participant="EAEU"))
    assert len(eaeu) == 13 and all("EAEU" in r["participants"] for r in eaeu.rows)
    # Tajikistan is in the CIS, not in the EAEU; Georgia was in the CIS only until 2009
    assert len(entries(store.con, Filters(participant="Tajikistan"))) == 20
    assert {r["entry_id"] for r in entries(store.con, Filters(participant="GEO")).rows} == {
        "cis-cs-2007-10-05-1.1", "cis-ec-2009-06-19-1", "cis-ec-2009-06-19-3"}


def test_economic_share_and_the_list_behind_it(store) -> None:  # noqa: ANN001
    ingest_register(store, [Path(str(SHIPPED))])
    whole = economic_share(store.con)
    assert (whole.rows[0]["economic"], whole.rows[0]["entries"]) == (21, 33)
    cis_2024 = economic_share(store.con, Filters(participant="CIS", period="2024"))
    figure = cis_2024.rows[0]
    assert (figure["economic"], figure["entries"]) == (4, 6)
    assert figure["share"] == pytest.approx(4 / 6)
    listed = cis_2024.sections["entries"]
    assert [r["economic"] for r in listed] == [True] * 4 + [False] * 2
    assert {r["area"] for r in listed if not r["economic"]} == {"environment", "humanitarian"}
    assert all(r["source_url"].startswith("https://") for r in listed)
    with pytest.raises(NoData, match="no agenda entries match"):
        economic_share(store.con, Filters(period="1995"))


def test_a_bad_file_leaves_the_store_as_it_was(store, tmp_path: Path) -> None:  # noqa: ANN001
    good = _write(tmp_path / "good.csv", _shipped_rows()[:5])
    bad = _write(tmp_path / "bad.csv", [{**_shipped_rows()[6], "area": "astrology"}])
    with pytest.raises(InputError, match="bad.csv, row 2, column 'area'"):
        ingest_register(store, [good, bad])
    assert store.con.execute("SELECT count(*) FROM agenda_entries").fetchone()[0] == 0
    assert store.con.execute("SELECT count(*) FROM agenda_files").fetchone()[0] == 0


def test_a_later_file_replaces_an_entry_of_the_same_id(store, tmp_path: Path) -> None:  # noqa: ANN001
    ingest_register(store, [Path(str(SHIPPED))])
    first = _shipped_rows()[0]
    later = _write(tmp_path / "later.csv", [{**first, "status": "completed"}])
    [report] = ingest_register(store, [later])
    assert (report.entries, report.replaced) == (1, 1)
    row = entries(store.con, Filters(status="completed")).rows
    assert [r["entry_id"] for r in row] == [first["id"]] and row[0]["file_id"] == report.file_id
    assert len(entries(store.con)) == 33


def test_no_register_in_the_store(mem_store) -> None:  # noqa: ANN001
    mem_store.con.execute("DROP TABLE agenda_entries")
    with pytest.raises(NoData, match="holds no agenda register"):
        entries(mem_store.con)


# -- the commands ----------------------------------------------------------------------------------


def test_agenda_commands(tmp_path: Path) -> None:
    db = str(tmp_path / "agenda.duckdb")
    r = runner.invoke(app, ["agenda", "ingest", "--shipped", "--db", db, "-f", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["rows"][0]["entries"] == 33
    r = runner.invoke(app, ["agenda", "share", "--participant", "CIS", "--period", "2024",
                            "--db", db])
    assert r.exit_code == 0 and "economic: 4 of 6 entries = 66.7%" in r.stdout
    r = runner.invoke(app, ["agenda", "share", "--db", db, "-f", "json"])
    doc = json.loads(r.stdout)
    assert doc["rows"][0]["share"] == pytest.approx(21 / 33) and len(doc["entries"]) == 33
    r = runner.invoke(app, ["agenda", "list", "--area", "energy", "--db", db, "-f", "csv"])
    assert r.exit_code == 0 and r.stdout.count("\n") == 3  # header and two entries
    r = runner.invoke(app, ["agenda", "list", "--area", "astrology", "--db", db])
    assert r.exit_code == 1 and "unknown area 'astrology'" in r.stderr
    r = runner.invoke(app, ["agenda", "areas", "-f", "json"])
    assert {a["area"] for a in json.loads(r.stdout)["rows"]} == {a.value for a in Area}


def test_agenda_ingest_error_is_one_line(tmp_path: Path) -> None:
    bad = _write(tmp_path / "bad.csv", [{**_shipped_rows()[0], "date_adopted": "yesterday"}])
    r = runner.invoke(app, ["agenda", "ingest", str(bad), "--db", str(tmp_path / "a.duckdb")])
    assert r.exit_code == 1
    assert "bad.csv, row 2, column 'date_adopted'" in r.stderr and "Traceback" not in r.output
