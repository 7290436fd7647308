"""Arrow columns built from their buffers (:mod:`cistrade.sources.columns`) are the arrays
``pa.array`` makes of the same lists, and a folder of national files is ingested without
importing pandas (issue #16: the import was 0.4-0.7 s of a 5 s target)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from datetime import date, datetime

import pyarrow as pa
import pytest
from conftest import ROOT, shared
from hypothesis import given, settings
from hypothesis import strategies as st

from cistrade.schema import FLOW_SCHEMA
from cistrade.sources.columns import column, constant, flow_table

TYPES = {
    pa.string(): st.text(),
    pa.float64(): st.floats(allow_nan=True, allow_infinity=True),
    pa.date32(): st.dates(),
    pa.bool_(): st.booleans(),
}


def _same(built: pa.Array, expected: pa.Array) -> None:
    """Equal arrays, a NaN equal to a NaN (``Array.equals`` says it is not)."""
    assert built.type == expected.type
    assert built.null_count == expected.null_count

    def key(v: object) -> object:
        return "NaN" if isinstance(v, float) and math.isnan(v) else v

    assert [key(v) for v in built.to_pylist()] == [key(v) for v in expected.to_pylist()]
    built.validate(full=True)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(list(TYPES)).flatmap(
    lambda t: st.tuples(st.just(t), st.lists(st.one_of(st.none(), TYPES[t]) if t != pa.bool_()
                                             else st.one_of(st.none(), TYPES[t]), max_size=40))))
def test_a_column_is_the_array_pa_array_makes(case) -> None:
    type_, values = case
    _same(column(values, type_), pa.array(values, type_))


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(list(TYPES)).flatmap(
    lambda t: st.tuples(st.just(t), st.lists(TYPES[t], min_size=1, max_size=6),
                        st.integers(256, 900))))
def test_a_long_column_of_few_values_is_the_same_array(case) -> None:
    """Repeated values are converted once each and spread by index: the same array."""
    type_, distinct, n = case
    values = [distinct[i % len(distinct)] for i in range(n)]
    values[n // 2] = None
    _same(column(values, type_), pa.array(values, type_))
    values[n // 2] = distinct[0]
    _same(column(values, type_), pa.array(values, type_))


@pytest.mark.parametrize(("values", "type_"), [
    ([1, 2.5], pa.float64()),  # an int among floats: pa.array converts it
    ([datetime(2024, 1, 31, 12), date(2024, 2, 1)], pa.date32()),
    (["a", "\ud800"], pa.string()),  # a lone surrogate: pa.array's own error
    ([1, 2], pa.int64()),
    ([], pa.string()),
    ([None, None], pa.date32()),
])
def test_other_lists_are_left_to_pa_array(values, type_) -> None:
    try:
        expected = pa.array(values, type_)
    except Exception as exc:  # noqa: BLE001 - the same error, whatever it is
        with pytest.raises(type(exc)):
            column(values, type_)
        return
    _same(column(values, type_), expected)


@pytest.mark.parametrize(("value", "type_"), [
    ("TOTAL", pa.string()), ("", pa.string()), ("тыс. долл.", pa.string()), (False, pa.bool_()),
    (None, pa.float64()), (None, pa.string()), (2.5, pa.float64()), (date(2024, 1, 1), pa.date32()),
])
@pytest.mark.parametrize("n", [0, 1, 7, 300])
def test_a_constant_is_the_value_repeated(value, type_, n) -> None:
    _same(constant(value, type_, n), pa.array([value] * n, type_))


def test_a_flow_table_is_the_table_pa_table_makes() -> None:
    schema = FLOW_SCHEMA.remove(0)
    fields = ("partner", "flow", "period_start", "period_end", "value", "aggregate", "row_ref")
    rows = [("RUS", "export", date(2024, m, 1), date(2024, m, 28), m * 1.5, m == 3,
             f"sheet=Лист1;row={m};col=C") for m in range(1, 13)]
    consts = {"reporter": "ARM", "freq": "M", "product_class": "TOTAL", "product": "TOTAL",
              "currency": "USD", "valuation": "fob", "partner_basis": "destination",
              "quantity": None, "quantity_unit": None, "estimated": False}
    columns = dict(zip(fields, map(list, zip(*rows, strict=True)), strict=True))
    expected = pa.table({f.name: pa.array(columns[f.name] if f.name in columns else
                                          [consts[f.name]] * len(rows), f.type) for f in schema},
                        schema=schema)
    built = flow_table(rows, fields, consts, schema)
    assert built.schema == expected.schema
    assert built.equals(expected)
    assert flow_table([], fields, consts, schema).equals(schema.empty_table())


_NO_PANDAS = """
import json, sys
from cistrade.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
finally:
    sys.stderr.write(json.dumps({"pandas": "pandas" in sys.modules}) + "\\n")
"""


@pytest.mark.timeout(300)
def test_a_national_folder_ingest_does_not_import_pandas(tmp_path) -> None:
    """pyarrow imports pandas whenever an array is built from a Python list (to ask whether
    the list is a pandas object); every reader of the national and mirror files builds its
    columns from buffers instead. Run in a fresh process: this one has pandas already."""
    pytest.importorskip("pandas")  # without it installed the question does not arise
    folders = [shared("national"), shared("mirror", "eurostat", "armenia_export_eurostat")]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-c", _NO_PANDAS, "ingest", "auto", *map(str, folders),
         "--db", str(tmp_path / "n.duckdb"), "--format", "json"],
        capture_output=True, text=True, env=env, timeout=280, check=False)
    assert done.returncode == 0, done.stderr[-1500:]
    sources = {f["source"] for f in json.loads(done.stdout)["rows"]}
    assert {"am-armstat", "kz-bns", "ru-fts", "uz-stat", "eurostat"} <= sources
    assert json.loads(done.stderr.strip().splitlines()[-1]) == {"pandas": False}
