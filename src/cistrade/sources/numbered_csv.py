"""Large CSV files read in parallel *with* their line numbers, for the store's fast path.

Every stored row points back to its line in the file (``row_ref``). DuckDB's CSV reader is
parallel but cannot say which line a row came from (``file_row_number`` is refused for CSV
in DuckDB 2.0), and numbering its rows with ``row_number() OVER ()`` makes the whole load
single-threaded: four to seven times DuckDB's own load time on two cores.

Arrow's CSV reader (``read_csv``; its streaming reader parses on one thread) parses each
chunk of the file, cut at a line end, on every core; the chunks go in file order, so the
number of every row is the count of rows before it. :class:`NumberedCsv` streams its
record batches, each with a ``_rn`` column (the header is 1, the first row 2: the line number,
unless a quoted cell spans lines; DuckDB's ``row_number()`` counts the same way) into the
ingest's SELECT as a registered table.

It is strict on purpose: typed columns, only the empty cell as null, no blank lines. Anything
it refuses stops the stream quietly (:attr:`error`) and
:meth:`finished` says so: the store then deletes what the fast path wrote and runs the
reader's fallback SELECT over DuckDB's own reader, which either reads the file (a quirk
Arrow refused) or stops at the offending row with a message naming its line and column.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from itertools import count
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pcsv

__all__ = ["NumberedCsv"]

log = logging.getLogger(__name__)

_names = count()


class NumberedCsv:
    """A CSV file as a stream of record batches with a ``_rn`` line-number column."""

    #: Arrow's unit of parallel parsing
    BLOCK_SIZE = 1 << 20
    #: blocks read and parsed at a time (cut at a line end): few enough to stay well under the
    #: memory budget, enough for Arrow to spread the parsing over the cores
    CHUNK_BLOCKS = 16

    def __init__(self, path: Path, types: Mapping[str, pa.DataType], *, delimiter: str = ",",
                 block_size: int | None = None) -> None:
        self.path = Path(path)
        self.types = dict(types)
        self.delimiter = delimiter
        self.block_size = block_size or self.BLOCK_SIZE
        self.name = f"_numbered_csv_{next(_names)}"
        self.error: str | None = None
        self.rows = 0
        #: columns whose distinct values are collected while the rows stream (:attr:`distinct`)
        self.track: list[str] = []
        self.distinct: dict[str, set[Any]] = {}

    def register(self, con: Any) -> None:
        """Register the stream on ``con`` under :attr:`name` (a table for one scan)."""
        self.error = None
        self.rows = 0
        self.distinct = {c: set() for c in self.track}
        con.register(self.name, self._reader())

    def finished(self, con: Any) -> bool:
        """Unregister the stream; True when every row of the file went through it."""
        try:
            con.unregister(self.name)
        except Exception:  # noqa: BLE001 - already gone: nothing to clean up
            pass
        # Arrow's allocator keeps freed blocks for reuse; hand them back before the store's
        # checks need DuckDB's memory (the peak of an ingest would otherwise be both)
        pa.default_memory_pool().release_unused()
        if self.error is not None:
            log.info("%s: the parallel reader stopped after %s rows (%s); reading it again "
                     "with DuckDB's reader", self.path.name, f"{self.rows:,}", self.error)
        return self.error is None

    def _reader(self) -> pa.RecordBatchReader:
        schema = pa.schema([pa.field(n, t) for n, t in self.types.items()]).append(
            pa.field("_rn", pa.int64()))
        return pa.RecordBatchReader.from_batches(schema, self._batches(schema))

    def _batches(self, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
        import numpy as np
        import pyarrow.compute as pc

        try:
            line = 2  # the header is line 1
            for table in self._tables():
                if table.column_names != list(self.types):
                    self.error = f"columns {table.column_names}, expected {list(self.types)}"
                    return
                for batch in table.to_batches():
                    n = batch.num_rows
                    for c in self.track:  # a few distinct values per block: cheap
                        self.distinct[c].update(pc.unique(batch.column(c)).to_pylist())
                    # from the buffer: pa.array() would import pandas (0.2 s) to check its input
                    numbers = pa.Array.from_buffers(
                        pa.int64(), n,
                        [None, pa.py_buffer(np.arange(line, line + n, dtype=np.int64))])
                    yield pa.RecordBatch.from_arrays([*batch.columns, numbers], schema=schema)
                    line += n
                    self.rows += n
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError, UnicodeDecodeError) as exc:
            self.error = str(exc).splitlines()[0][:300]

    def _tables(self) -> Iterator[pa.Table]:
        """The file's rows in chunks of :attr:`CHUNK_BLOCKS` blocks cut at line ends, each
        block parsed by Arrow's multi-threaded reader (its streaming reader parses on one
        thread): the rows of a block are numbered by the count of rows before it."""
        parse = pcsv.ParseOptions(delimiter=self.delimiter, ignore_empty_lines=False)
        convert = pcsv.ConvertOptions(
            column_types=self.types,
            include_columns=list(self.types),
            null_values=[""],
            true_values=["true"],
            false_values=["false"],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,  # as DuckDB reads "" (allow_quoted_nulls)
        )
        with open(self.path, "rb") as fh:
            header = fh.readline()
            names = pcsv.read_csv(pa.py_buffer(header), parse_options=parse).column_names
            options = pcsv.ReadOptions(use_threads=True, block_size=self.block_size,
                                       column_names=names)
            rest = b""
            while True:
                chunk = fh.read(self.block_size * self.CHUNK_BLOCKS)
                data = rest + chunk
                cut = data.rfind(b"\n") + 1 if chunk else len(data)
                block, rest = data[:cut], data[cut:]
                if block:
                    yield pcsv.read_csv(pa.py_buffer(block), read_options=options,
                                        parse_options=parse, convert_options=convert)
                if not chunk:
                    return
