"""The narrow stored layout: segments and rows, the ``flows`` view, row_ref text and the
upgrade of a store written in the wide layout of the earlier release."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import shared
from hypothesis import given, settings
from hypothesis import strategies as st

from cistrade import segments
from cistrade.errors import StoreError
from cistrade.indicators import connect, share
from cistrade.rowref import (
    _fast_split_sql,
    _regex_split_sql,
    format_row_ref,
    parse_row_ref,
    row_ref_sql,
    split_row_ref_sql,
)
from cistrade.segments import check_segments
from cistrade.sources import get_source
from cistrade.store import Store

#: the wide layout of the release before this one (schema.py at 154d56f): ``flows`` a table
WIDE_FLOWS_DDL = """CREATE TABLE flows (
    dataset_id VARCHAR, reporter VARCHAR, partner VARCHAR, flow VARCHAR, freq VARCHAR,
    period_start DATE, period_end DATE, product_class VARCHAR, product VARCHAR, value DOUBLE,
    currency VARCHAR, valuation VARCHAR, partner_basis VARCHAR, quantity DOUBLE,
    quantity_unit VARCHAR, estimated BOOLEAN, aggregate BOOLEAN, row_ref VARCHAR)"""


@pytest.mark.parametrize(("ref", "line"), [
    ("row=14", 14), ("sheet=2023;row=14;col=D", 14), ("row=3;col=VALUE_IN_EUR", 3),
    ("sheet=a b;row=1", 1), ("row=12;row=13", 12), ("sheet=row=5;row=2", 2),
    # no row part the store could keep as a number: the text is kept whole
    ("", None), ("sheet=x;col=B", None), ("row=007", None), ("row=99999999999999999999", None),
    ("record=5", None),
])
def test_row_ref_comes_apart_and_back_exactly(ref: str, line: int | None) -> None:
    head, num, tail = split_row_ref_sql("r")
    con = duckdb.connect()
    parts = con.execute(f"SELECT {head}, {num}, {tail} FROM (SELECT ? AS r)", [ref]).fetchall()[0]
    assert parts[1] == line
    back = con.execute(f"SELECT {row_ref_sql('h', 'l', 't')} FROM (SELECT ? AS h, ?::BIGINT AS l, "
                       "? AS t)", list(parts)).fetchall()[0][0]
    assert back == ref


#: texts made of the pieces a row_ref is made of, in any order: the cases where the string
#: functions and the regular expressions could part ways
_REF_PARTS = st.lists(st.sampled_from([
    "row=", ";", "0", "7", "12", "-", "+", " ", "123456789012345678", "9223372036854775807",
    "9223372036854775808", "99999999999999999999", "sheet=", "col=", "Лист", "a b", "=", "row",
    "\n", ""]), max_size=8)


@settings(max_examples=300, deadline=None)
@given(st.lists(_REF_PARTS.map("".join), min_size=1, max_size=20))
def test_the_quick_split_agrees_with_the_regular_expressions(refs: list[str]) -> None:
    """Wherever the string functions take a row_ref apart (issue #16: six times quicker),
    they give the parts the regular expressions give; the split as a whole gives them too."""
    ok, fast = _fast_split_sql("r")
    con = duckdb.connect()
    rows = con.execute(
        f"SELECT {ok}, {', '.join(fast)}, {', '.join(_regex_split_sql('r'))}, "
        f"{', '.join(split_row_ref_sql('r'))} FROM (SELECT unnest(?) AS r)", [refs]).fetchall()
    for ref, (quick, *parts) in zip(refs, rows, strict=True):
        if quick:
            assert parts[0:3] == parts[3:6], ref
        assert parts[6:9] == parts[3:6], ref
    readers = ["row=14", "sheet=2023;row=14;col=D", "row=3;col=VALUE_IN_EUR", "sheet=Лист 1;row=9"]
    assert all(q for (q,) in con.execute(f"SELECT {ok} FROM (SELECT unnest(?) AS r)",
                                         [readers]).fetchall())


def test_python_and_sql_give_the_same_row_ref() -> None:
    con = duckdb.connect()
    for sheet, row, col in [(None, 14, None), ("2023", 14, "D"), (None, 3, "VALUE_IN_EUR")]:
        ref = format_row_ref(sheet=sheet, row=row, col=col)
        head, num, tail = con.execute(
            "SELECT {}, {}, {} FROM (SELECT ? AS r)".format(*split_row_ref_sql("r")), [ref]
        ).fetchall()[0]
        assert num == row and parse_row_ref(ref).get("column") == col
        assert con.execute(f"SELECT {row_ref_sql('h', 'l', 't')} FROM (SELECT ? AS h, "
                           "?::BIGINT AS l, ? AS t)", [head, num, tail]).fetchall()[0][0] == ref


def test_baci_rows_share_two_segments(mem_store: Store) -> None:
    path = shared("baci", "BACI_HS22_extract_korea_852352_2023.csv")
    mem_store.ingest(get_source("baci")(), [path])
    con = mem_store.con
    segs = con.execute("SELECT quantity_unit, ref_head, ref_tail FROM segments ORDER BY ALL").fetchall()
    assert segs == [("t", "", ""), (None, "", "")] or sorted(segs, key=str) == sorted(
        [("t", "", ""), (None, "", "")], key=str)
    rows = con.execute("SELECT count(*) FROM flow_rows").fetchall()[0][0]
    assert rows == con.execute("SELECT count(*) FROM flows").fetchall()[0][0] > 0
    # the physical row holds no per-dataset text
    cols = [r[0] for r in con.execute("DESCRIBE flow_rows").fetchall()]
    assert cols == ["seg", "reporter", "partner", "flow", "period_start", "period_end",
                    "product", "value", "quantity", "line"]
    first = con.execute("SELECT row_ref FROM flows ORDER BY row_ref LIMIT 1").fetchall()[0][0]
    assert first.startswith("row=")


def test_clashing_segment_ids_stop_the_ingest(mem_store: Store) -> None:
    mem_store.con.execute("CREATE TEMP TABLE _c AS SELECT * FROM (VALUES (1, 'a'), (1, 'b')) v(seg, x)")
    with pytest.raises(StoreError, match="share the id"):
        check_segments(mem_store.con, "_c")


def _build(path: Path) -> None:
    """A store from real files: sheets and columns in row_refs (FTS, BNS), a newer vintage
    superseding an older one (BNS), BACI's lines."""
    with Store(path) as s:
        s.ingest(get_source("kz-bns")(), [shared("national", "kz-bns", "by_country_2022.xls"),
                                          shared("national", "kz-bns", "by_country_2023.xls")])
        s.ingest(get_source("ru-fts")(), [shared("national", "ru-fts", "countries_2024-04.xlsx")])
        s.ingest(get_source("baci")(), [shared("baci", "BACI_HS22_extract_korea_852352_2023.csv")])


def _answers(path: Path) -> tuple:
    with duckdb.connect(str(path), read_only=True) as con:
        flows = con.execute("SELECT * FROM flows ORDER BY ALL").fetchall()
        others = [con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
                  for t in ("datasets", "superseded", "coverage")]
    with connect(path) as eng:
        kaz = share(eng, "KAZ", "2023").rows
    return flows, others, kaz


def _write_wide(narrow: Path, wide: Path) -> None:
    """The same store in the earlier release's layout: its flows table, datasets, superseded
    and coverage as that release wrote them."""
    with duckdb.connect(str(wide)) as con:
        con.execute(f"ATTACH '{narrow}' AS n (READ_ONLY)")
        con.execute(WIDE_FLOWS_DDL)
        con.execute("INSERT INTO flows SELECT * FROM n.flows")
        for table in ("datasets", "superseded", "coverage", "areas"):
            con.execute(f"CREATE TABLE {table} AS SELECT * FROM n.{table}")
        con.execute("DETACH n")


def test_a_wide_store_reads_as_it_is_and_is_upgraded_in_place(tmp_path: Path) -> None:
    narrow, wide = tmp_path / "narrow.duckdb", tmp_path / "wide.duckdb"
    _build(narrow)
    want = _answers(narrow)
    _write_wide(narrow, wide)
    assert _answers(wide) == want  # read-only: the earlier layout answers the same

    with Store(wide) as s:  # opened for writing: upgraded
        kinds = dict(s.con.execute(
            "SELECT table_name, table_type FROM information_schema.tables").fetchall())
        assert kinds["flows"] == "VIEW" and kinds["flow_rows"] == "BASE TABLE"
        assert s.con.execute("SELECT value FROM store_info WHERE key = 'layout'").fetchall() == [("2",)]
    assert _answers(wide) == want

    # and it takes new files as a new store would: an unchanged file, a new one
    with Store(wide) as s:
        again = s.ingest(get_source("kz-bns")(), [shared("national", "kz-bns", "by_country_2023.xls")])
        assert again.files[0].status == "unchanged"
        s.ingest(get_source("ru-fts")(), [shared("national", "ru-fts", "countries_2024-09.xlsx")])
    with Store(narrow) as s:
        s.ingest(get_source("ru-fts")(), [shared("national", "ru-fts", "countries_2024-09.xlsx")])
    a, b = _answers(wide), _answers(narrow)
    assert a[0] == b[0] and a[2] == b[2]


def test_a_failed_upgrade_leaves_the_wide_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    narrow, wide = tmp_path / "narrow.duckdb", tmp_path / "wide.duckdb"
    _build(narrow)
    _write_wide(narrow, wide)

    def broken(con: object, source: str, number: str = "number") -> None:
        raise StoreError("disk full (for the test)")

    monkeypatch.setattr(segments, "split_wide", broken)
    with pytest.raises(StoreError, match="disk full"):
        Store(wide)
    monkeypatch.undo()
    with duckdb.connect(str(wide), read_only=True) as con:
        kinds = dict(con.execute(
            "SELECT table_name, table_type FROM information_schema.tables").fetchall())
    assert kinds["flows"] == "BASE TABLE" and "flow_rows" not in kinds
    assert _answers(wide) == _answers(narrow)
