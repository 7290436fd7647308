"""Opening an untrusted workbook in a child process, so that no file can end this one.

python-calamine is fast and reads ``.xls`` and ``.xlsx`` alike, but its Rust core trusts the
sizes a file declares: a cell reference such as ``B1111…1`` in an ``.xlsx`` sheet, or a damaged
``.xls`` record, makes it allocate hundreds of gigabytes, and a failed allocation in Rust
*aborts* the process (exit 134, no message, no exception to catch). A truncated file may also
make it panic, which does arrive as an exception.

What was measured (``benchmarks/fuzz.py``; see the report of issue #14):

* a size sanity check of the OLE/ZIP structure before parsing catches a damaged container
  but not the cases that abort: the ``B1111…`` reference above sits in a sound ZIP and a
  well-formed XML document; a check would have to parse the sheet, which is calamine's job;
* a resource limit (``RLIMIT_AS``) in this process would bound DuckDB and Arrow too, and the
  abort would still end the process;
* a **child process** with its own memory limit and a time limit contains every failure: an
  abort, a panic, a hang or an allocation beyond the limit ends the child, and the parent
  turns it into an :class:`~cistrade.errors.InputError` naming the file. It costs one
  interpreter start (about 40 ms, python-calamine being the only import) per workbook, and
  the sheets travel back pickled (a restricted unpickler: only lists, text, numbers and
  dates); the workbooks of the statistics offices are a few hundred kilobytes, so the cost is
  a small part of an ingest. That is what :func:`read_sheets` does.

The child reads every sheet at once (one round trip); a sheet that fails, or that spans more
than :data:`MAX_CELLS` cells (a repeat count the file controls), is reported by name and
raises only when a reader asks for it.
"""

from __future__ import annotations

import io
import os
import pickle
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cistrade.errors import InputError, _cut

__all__ = ["Sheets", "read_sheets", "MEMORY_FLOOR", "MAX_CELLS", "memory_limit", "time_limit"]

#: the child's address-space limit: at least this, or 64 bytes per byte of the file
MEMORY_FLOOR = 2 << 30
MEMORY_CEILING = 16 << 30
#: seconds: at least this, plus 2 s per MB of file
TIME_FLOOR = 10.0
#: the most cells one sheet may span from A1 (the offices' largest table is 213 rows by 30
#: columns; one cell reference at row 1,048,577 makes a sheet of 7 million cells that takes
#: half a minute to read and walk): a sheet beyond it is an error when a reader asks for it
MAX_CELLS = 2_000_000

_CHILD = r"""
import pickle, resource, sys
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
import python_calamine
try:
    book = python_calamine.CalamineWorkbook.from_path(sys.argv[1])
except BaseException as exc:  # CalamineError, or a Rust panic (a BaseException)
    sys.stderr.write(f"{type(exc).__name__}: {exc}")
    sys.exit(2)
cells = int(sys.argv[3])
sheets = []
for name in book.sheet_names:
    try:
        sheet = book.get_sheet_by_name(name)
        if sheet.height * sheet.width > cells:
            sheets.append((str(name), None, f"the sheet spans {sheet.height:,} rows x {sheet.width:,} "
                           f"columns from A1, more than {cells:,} cells: no statistics table is that "
                           "large (a damaged cell reference?)"))
            continue
        sheets.append((str(name), sheet.to_python(skip_empty_area=False), None))
    except BaseException as exc:
        sheets.append((str(name), None, f"{type(exc).__name__}: {exc}"))
pickle.dump(sheets, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
"""


@dataclass
class Sheets:
    """A workbook as read by the child: each sheet's rows, or the reason it could not be read."""

    names: list[str]
    rows: dict[str, list[list[Any]]]
    errors: dict[str, str]


def memory_limit(size: int) -> int:
    return min(MEMORY_CEILING, max(MEMORY_FLOOR, 64 * size))


def time_limit(size: int) -> float:
    return TIME_FLOOR + 2.0 * size / 1e6


class _Unpickler(pickle.Unpickler):
    """Only what calamine's cells are: lists, text, numbers, booleans, dates and times."""

    _ALLOWED = {("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"),
                ("datetime", "timedelta")}

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in self._ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"unexpected {module}.{name} from the workbook reader")


def read_sheets(path: Path) -> Sheets:
    """Every sheet of the workbook at ``path``, read by python-calamine in a child process.

    Any failure of the child (an error, a panic, an abort, the memory or time limit) is an
    :class:`InputError` naming the file.
    """
    size = path.stat().st_size
    limit, seconds = memory_limit(size), time_limit(size)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["RUST_BACKTRACE"] = "0"
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-c", _CHILD, str(path), str(limit), str(MAX_CELLS)],
            capture_output=True, timeout=seconds, env=env, check=False,
        )
    except subprocess.TimeoutExpired:
        raise _damaged(path, f"reading it took over {seconds:.0f} s") from None
    if done.returncode != 0:
        raise _damaged(path, _why(done.returncode, done.stderr, limit))
    try:
        sheets = _Unpickler(io.BytesIO(done.stdout)).load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError) as exc:
        raise _damaged(path, f"the reader's answer could not be read ({exc})") from exc
    return Sheets(
        names=[name for name, _, _ in sheets],
        rows={name: rows for name, rows, error in sheets if error is None},
        errors={name: error for name, _, error in sheets if error is not None},
    )


def _why(code: int, stderr: bytes, limit: int) -> str:
    text = stderr.decode("utf-8", errors="replace").strip()
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if code == 2 and lines:  # the library's own error
        return _cut(lines[-1], 300)
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else -code
        alloc = next((ln for ln in lines if "memory allocation" in ln), None)
        if alloc:
            return (f"the spreadsheet library asked for more memory than a workbook of this size "
                    f"can need (limit {limit >> 20:,} MB): {_cut(alloc, 120)}")
        return f"the spreadsheet library failed on it ({name})"
    return f"the spreadsheet library failed on it (exit {code}{': ' + _cut(lines[-1], 200) if lines else ''})"


def _damaged(path: Path, why: str) -> InputError:
    return InputError(
        f"cannot read the file as an Excel workbook (truncated or corrupted?): {why}",
        file=str(path),
    )
