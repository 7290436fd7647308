"""Arrow columns from Python lists, built from their buffers: the same arrays as
``pa.array(values, type)``, without importing pandas.

pyarrow's ``pa.array``, ``pa.table({name: list})``, ``pa.scalar`` and even ``pa.array(ndarray)``
first ask whether their input is a pandas object, and that question imports pandas (installed
with ibis): 0.4-0.7 s, most of what a folder of small national files costs to ingest
(issue #16). ``pa.Array.from_buffers`` asks nothing, so the readers that collect their rows as
Python values build each column from its buffers here: text as UTF-8 bytes and int32
offsets, dates as int32 days, numbers as doubles, flags and nulls as bitmaps.

Only lists whose every value is exactly of the column's type (or ``None``) are built so; any
other list (an int in a float column, a ``datetime`` in a date column, more than 2 GB of text)
goes to ``pa.array`` as before, which converts it or raises as it always did. The tests pin
that both give equal arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import accumulate
from typing import Any

import numpy as np
import pyarrow as pa

__all__ = ["column", "constant", "flow_table"]

_EPOCH = date(1970, 1, 1).toordinal()
_MAX_TEXT = 2**31 - 1  # int32 offsets (pa.string())
#: a column at least this long whose values repeat is converted value by distinct value
_FEW = 256
_PY_TYPES = {pa.string(): str, pa.float64(): float, pa.date32(): date, pa.bool_(): bool}


def column(values: Sequence[Any], type_: pa.DataType) -> pa.Array:
    """``pa.array(values, type_)``, from the buffers where the values allow it."""
    kinds = set(map(type, values))
    nulls = type(None) in kinds
    kinds.discard(type(None))
    py = _PY_TYPES.get(type_)
    if not kinds:  # no values, or None alone
        return pa.nulls(len(values), type_)
    if py is None or not kinds <= {py}:
        return pa.array(values, type_)
    if nulls:
        return _with_nulls(values, type_)
    try:
        return _build(values, type_, py)
    except UnicodeEncodeError:  # a lone surrogate: pa.array says what it says of it
        return pa.array(values, type_)


def _build(values: Sequence[Any], type_: pa.DataType, py: type) -> pa.Array:
    """The array of values all of Python type ``py``, none ``None``."""
    if py is float:
        return pa.Array.from_buffers(type_, len(values), [None, pa.py_buffer(
            np.array(values, dtype=np.float64))])
    if py is bool:
        return pa.Array.from_buffers(type_, len(values), [None, _bitmap(bytes(values))])
    distinct = dict.fromkeys(values) if len(values) >= _FEW else values
    if len(distinct) * 4 > len(values):
        return _text(values) if py is str else _days(values)
    # few distinct values (a partner, a flow, a month repeated): each converted once
    at = {v: i for i, v in enumerate(distinct)}
    indices = pa.Array.from_buffers(pa.int32(), len(values), [None, pa.py_buffer(
        np.fromiter(map(at.__getitem__, values), dtype=np.int32, count=len(values)))])
    return (_text if py is str else _days)(list(distinct)).take(indices)


def constant(value: Any, type_: pa.DataType, n: int) -> pa.Array:
    """``pa.array([value] * n, type_)``: a text constant's bytes repeated, any other value
    by :func:`column` of a list."""
    if value is None:
        return pa.nulls(n, type_)
    if type_ != pa.string() or type(value) is not str:
        return column([value] * n, type_)
    try:
        raw = value.encode()
    except UnicodeEncodeError:  # a lone surrogate: pa.array says what it says of it
        return pa.array([value] * n, type_)
    if len(raw) * n > _MAX_TEXT:
        return pa.array([value] * n, type_)
    offsets = np.arange(n + 1, dtype=np.int64) * len(raw)
    return pa.Array.from_buffers(type_, n, [None, pa.py_buffer(offsets.astype(np.int32)),
                                            pa.py_buffer(raw * n)])


def flow_table(rows: Sequence[tuple[Any, ...]], fields: Sequence[str], constants: dict[str, Any],
               schema: pa.Schema) -> pa.Table:
    """A table of ``schema`` from one tuple per row (the values of ``fields``, in order) and
    ``constants`` (the value of every other column, the same in each row)."""
    n = len(rows)
    varying = dict(zip(fields, zip(*rows, strict=True), strict=True)) if n else {
        f: [] for f in fields}
    arrays = [column(varying[f.name], f.type) if f.name in varying else
              constant(constants[f.name], f.type, n) for f in schema]
    return pa.table(arrays, schema=schema)


def _with_nulls(values: Sequence[Any], type_: pa.DataType) -> pa.Array:
    """A column with some values ``None``: the others' array, spread out under a validity
    bitmap."""
    valid = bytes(v is not None for v in values)
    present = column([v for v in values if v is not None], type_)
    positions = np.cumsum(np.frombuffer(valid, dtype=np.uint8), dtype=np.int64) - 1
    return present.take(pa.Array.from_buffers(pa.int64(), len(values), [
        _bitmap(valid), pa.py_buffer(np.maximum(positions, 0))]))


def _bitmap(flags: bytes) -> pa.Buffer:
    """Arrow's bitmap (least significant bit first) of one byte (0 or 1) per flag."""
    return pa.py_buffer(np.packbits(np.frombuffer(flags, dtype=np.uint8), bitorder="little"))


def _text(values: Sequence[str]) -> pa.Array:
    encoded = list(map(str.encode, values))  # a lone surrogate raises UnicodeEncodeError
    data = b"".join(encoded)
    if len(data) > _MAX_TEXT:
        return pa.array(values, pa.string())
    offsets = np.fromiter(accumulate(map(len, encoded), initial=0), dtype=np.int32,
                          count=len(values) + 1)
    return pa.Array.from_buffers(pa.string(), len(values), [None, pa.py_buffer(offsets),
                                                             pa.py_buffer(data)])


def _days(values: Sequence[date]) -> pa.Array:
    days = np.fromiter(map(date.toordinal, values), dtype=np.int64, count=len(values)) - _EPOCH
    return pa.Array.from_buffers(pa.date32(), len(values), [None, pa.py_buffer(
        days.astype(np.int32))])
