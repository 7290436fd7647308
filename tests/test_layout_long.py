"""Long tables and CSV files through a layout, on SYNTHETIC files the tests write: periods in
columns, flows per value column or from the file name, a decimal comma, another encoding,
spellings the layout supplies, vintages from the content (never the file's time)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cistrade.errors import InputError
from cistrade.sources.layout import layout_source
from cistrade.sources.layout.model import parse_layout

LAYOUT = """
title = "Synthetic long table"
reporter = "TJK"
publisher = { name = "Synthetic statistics office", licence = "test data" }
file = { format = "csv", delimiter = ";", decimal = ",", encoding = "cp1251" }
header = { find = "^Страна$" }
partner = { columns = ["Страна"] }
period = { text = "Период" }
unit = { multiplier = 1000, currency = "USD" }
flow = { file_name = { export = "exp", import = "imp" } }
rows = { skip = ["^в том числе"] }
names = { "Респ. Корея" = "KOR" }
vintage = { from = "title", pattern = "на (\\\\S+)" }
checks = [{ total = "WLD", parts = "countries" }]

[shape]
kind = "long"
values = [{ column = "Стоимость" }]
"""

CSV = """SYNTHETIC TEST DATA (invented figures); данные на 15.03.2025
Страна;Период;Стоимость
Всего;2024-Q1;100,5
в том числе:;;
Россия;2024-Q1;40
Респ. Корея;2024-Q1;60,5
Всего;2024-Q2;1 200,0
Россия;2024-Q2;1.000,0
Респ. Корея;2024-Q2;200
"""


def source(tmp_path: Path, text: str = LAYOUT, name: str = "tj-long"):  # noqa: ANN201
    path = tmp_path / f"{name}.toml"
    path.write_text(text, "utf-8")
    parse_layout(text, file=str(path))
    return layout_source(path)


def write(tmp_path: Path, text: str = CSV, name: str = "tj_exp_2024.csv", encoding: str = "cp1251") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_periods_in_a_column_flow_from_the_file_name(tmp_path: Path) -> None:
    result = source(tmp_path)().read(write(tmp_path))
    rows = {(r["partner"], r["period_start"].isoformat(), r["freq"]): r["value"] for r in result.data.to_pylist()}
    assert rows == {
        ("WLD", "2024-01-01", "Q"): 100_500.0, ("RUS", "2024-01-01", "Q"): 40_000.0,
        ("KOR", "2024-01-01", "Q"): 60_500.0, ("WLD", "2024-04-01", "Q"): 1_200_000.0,
        ("RUS", "2024-04-01", "Q"): 1_000_000.0, ("KOR", "2024-04-01", "Q"): 200_000.0,
    }
    assert set(result.data.column("flow").to_pylist()) == {"export"}
    assert set(result.data.column("valuation").to_pylist()) == {"unknown"}
    assert result.data.column("row_ref").to_pylist()[0] == "row=3;col=Стоимость"
    assert [s.reason for s in result.skipped] == ["'в том числе:': left out (rows.skip)"]
    assert all(c.ok for c in result.checks) and len(result.checks) == 2


def test_the_vintage_is_the_date_in_the_title(tmp_path: Path) -> None:
    result = source(tmp_path)().read(write(tmp_path))
    assert result.vintage == "2025-03-15"
    assert any(n.startswith("vintage 2025-03-15 from the title") for n in result.notes)
    assert source(tmp_path)(vintage="2025-04").read(write(tmp_path)).vintage == "2025-04"


def test_a_title_without_the_date_asks_for_the_vintage(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        source(tmp_path)().read(write(tmp_path, CSV.replace("данные на 15.03.2025", "данные")))
    assert ("the layout reads the vintage from the title with the pattern 'на (\\\\S+)', but no date is "
            "there (it reads 'SYNTHETIC TEST DATA (invented figures) данные'); give it with --vintage"
            ) in str(caught.value)


def test_a_file_in_another_encoding_than_the_layout_says(tmp_path: Path) -> None:
    utf8 = source(tmp_path, LAYOUT.replace(', encoding = "cp1251"', ""))
    with pytest.raises(InputError) as caught:
        utf8().read(write(tmp_path))
    assert "not UTF-8 text" in str(caught.value) and "cp1251" in str(caught.value)
    assert caught.value.row == 1


def test_no_flow_in_the_file_name(tmp_path: Path) -> None:
    path = write(tmp_path, name="tj_2024.csv")
    with pytest.raises(InputError) as caught:
        source(tmp_path)().read(path)
    assert ("nothing says whether this file holds exports or imports: file name 'tj_2024.csv' "
            "(export: 'exp', import: 'imp') matches none; give the flow") in str(caught.value)
    assert set(source(tmp_path)(flow="import").read(path).data.column("flow").to_pylist()) == {"import"}


def test_a_quarter_that_is_no_period(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        source(tmp_path)().read(write(tmp_path, CSV.replace("Россия;2024-Q2", "Россия;2024-Q5")))
    assert "text 2024-Q5 is no period: a shifted column?" in str(caught.value)
    assert (caught.value.row, caught.value.column) == (8, "Период")


def test_year_and_quarter_columns(tmp_path: Path) -> None:
    layout = LAYOUT.replace('period = { text = "Период" }', 'period = { year = "Год", quarter = "Квартал" }')
    layout = layout.replace('checks = [{ total = "WLD", parts = "countries" }]', "")
    text = "Страна;Год;Квартал;Стоимость\nРоссия;2024;3;5\nРоссия;2024;4;6\n"
    rows = source(tmp_path, layout)().read(write(tmp_path, "SYNTHETIC на 2025-01-31\n" + text)).data.to_pylist()
    assert [(r["period_start"].isoformat(), r["period_end"].isoformat()) for r in rows] == [
        ("2024-07-01", "2024-09-30"), ("2024-10-01", "2024-12-31")]


def test_an_unknown_heading_in_a_long_table(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        source(tmp_path)().read(write(tmp_path, CSV.replace("Период;Стоимость", "Период;Стоимость;Вес")))
    assert str(caught.value).endswith(
        "row 2, column 'Вес': expected the columns Страна, Период, Стоимость; found Страна, Период, Стоимость, Вес")


def test_a_short_line_in_a_csv(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        source(tmp_path)().read(write(tmp_path, CSV.replace("Россия;2024-Q1;40", "Россия;2024-Q1")))
    assert "expected 3 fields (Страна, Период, Стоимость, , , …), found 2: a truncated or shifted line" in str(
        caught.value)
    assert caught.value.row == 5


def test_the_vintage_never_comes_from_the_file_time(tmp_path: Path, mem_store) -> None:
    """A corrected copy with an older modification time is still the correction (issue #14)."""
    layout = source(tmp_path, LAYOUT.replace('vintage = { from = "title", pattern = "на (\\\\S+)" }', ""))
    first = write(tmp_path)
    corrected = write(tmp_path, CSV.replace("Россия;2024-Q1;40", "Россия;2024-Q1;41"), name="fixed_exp.csv")
    os.utime(corrected, (0, 0))
    assert layout().read(first).vintage == layout().read(corrected).vintage == "2024-06"
    mem_store.ingest(layout(), [first])
    # the same vintage and other figures: a tie the user decides (the store's rule), never
    # the order of ingest
    with pytest.raises(InputError, match="same vintage '2024-06'.*--replace"):
        mem_store.ingest(layout(), [corrected])
    report = mem_store.ingest(layout(), [corrected], replace=True)
    assert report.files[0].superseded_rows == 6 and report.files[0].dropped_rows == 0
    value = mem_store.con.execute("SELECT value FROM flows WHERE partner = 'RUS' AND period_start = "
                                  "DATE '2024-01-01'").fetchone()[0]
    assert value == 41_000.0
    # an explicit order: the user's vintage
    ordered = mem_store.ingest(layout(vintage="2024-05"), [write(tmp_path, CSV + "\n", name="old_exp.csv")])
    assert ordered.files[0].rows == 0 and ordered.files[0].dropped_rows == 6
