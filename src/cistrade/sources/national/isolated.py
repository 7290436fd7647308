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
  turns it into an :class:`~cistrade.errors.InputError` naming the file. The sheets travel
  back pickled (a restricted unpickler: only lists, text, numbers and dates). That is what
  :func:`read_sheets` does.

The child is a worker that reads one workbook after another (:class:`_Worker`): an interpreter
start costs about 40 ms (python-calamine being the only import), which a folder of workbooks
paid once per workbook (half a second of the 559 national files' ingest, issue #16), while
reading one of the offices' workbooks takes 1-10 ms. Before each workbook the worker sets its
address-space limit for that file's size; a failure ends the worker, names the file, and the
next workbook starts a new worker, so one damaged file still costs only itself. The worker
ends when this process does (the end of its input).

The child reads every sheet at once (one round trip); a sheet that fails, or that spans more
than :data:`MAX_CELLS` cells (a repeat count the file controls), is reported by name and
raises only when a reader asks for it.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
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

#: the worker: one request (path, address-space limit, cells) after another on stdin, each
#: answered on stdout by a length and a pickle of ("sheets", [(name, rows | None, error | None)])
#: or ("error", the library's message); it ends at the end of its input (this process gone)
_WORKER = r"""
import pickle, resource, struct, sys
import python_calamine
requests, answers = sys.stdin.buffer, sys.stdout.buffer
hard = resource.getrlimit(resource.RLIMIT_AS)[1]

def read(path, cells):
    try:
        book = python_calamine.CalamineWorkbook.from_path(path)
    except BaseException as exc:  # CalamineError, or a Rust panic (a BaseException)
        return ("error", f"{type(exc).__name__}: {exc}")
    sheets = []
    for name in book.sheet_names:
        try:
            sheet = book.get_sheet_by_name(name)
            if sheet.height * sheet.width > cells:
                sheets.append((str(name), None, f"the sheet spans {sheet.height:,} rows x "
                               f"{sheet.width:,} columns from A1, more than {cells:,} cells: no "
                               "statistics table is that large (a damaged cell reference?)"))
                continue
            sheets.append((str(name), sheet.to_python(skip_empty_area=False), None))
        except BaseException as exc:
            sheets.append((str(name), None, f"{type(exc).__name__}: {exc}"))
    return ("sheets", sheets)

while True:
    try:
        path, limit, cells = pickle.load(requests)
    except EOFError:
        break
    soft = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    data = pickle.dumps(read(path, cells), protocol=pickle.HIGHEST_PROTOCOL)
    answers.write(struct.pack("<Q", len(data)) + data)
    answers.flush()
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
    with _LOCK:
        kind, answer = _worker().ask([str(path), limit, MAX_CELLS], seconds, path, limit)
    if kind == "error":  # the library's own error
        lines = [ln for ln in str(answer).splitlines() if ln.strip()]
        raise _damaged(path, _cut(lines[-1] if lines else "", 300))
    return Sheets(
        names=[name for name, _, _ in answer],
        rows={name: rows for name, rows, error in answer if error is None},
        errors={name: error for name, _, error in answer if error is not None},
    )


class _Worker:
    """The child process reading workbooks, one after another: an interpreter start (about
    40 ms) once, not once per workbook. A failure while it reads one (an abort, the memory
    or time limit) ends it, the file is reported, and the next workbook starts a new one."""

    def __init__(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        env["RUST_BACKTRACE"] = "0"
        self.stderr = tempfile.TemporaryFile()
        self.said, self.last_words = 0, b""  # its stderr: where this workbook's part starts
        self.owner = os.getpid()
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-c", _WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self.stderr, env=env, bufsize=0)

    def alive(self) -> bool:
        return self.owner == os.getpid() and self.proc.poll() is None

    def ask(self, request: list[Any], seconds: float, path: Path, limit: int) -> tuple[str, Any]:
        """The worker's answer (kind, value) for one workbook; InputError when it fails."""
        self.said = os.fstat(self.stderr.fileno()).st_size  # what it wrote before this workbook
        assert self.proc.stdin is not None and self.proc.stdout is not None
        deadline, body = time.monotonic() + seconds, b""
        try:
            self.proc.stdin.write(pickle.dumps(request))
            head = _read(self.proc.stdout.fileno(), 8, deadline)
            if len(head) == 8:
                size = struct.unpack("<Q", head)[0]
                body = _read(self.proc.stdout.fileno(), size, deadline)
                body = body if len(body) == size else b""
        except TimeoutError:
            self.stop(kill=True)
            raise _damaged(path, f"reading it took over {seconds:.0f} s") from None
        except BrokenPipeError:
            pass
        except BaseException:  # an interrupt: its answer would be taken for the next workbook's
            self.stop(kill=True)
            raise
        if not body:  # it died while reading this workbook
            code = self.stop()
            raise _damaged(path, _why(code, self.last_words, limit))
        try:
            kind, value = _Unpickler(io.BytesIO(body)).load()
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError) as exc:
            self.stop()
            raise _damaged(path, f"the reader's answer could not be read ({exc})") from exc
        return kind, value

    def stop(self, *, kill: bool = False) -> int:
        """End the worker (the end of its input, or a kill); its exit code."""
        if self.owner != os.getpid():  # a forked process's copy: the worker is its parent's
            return 0
        if kill:
            self.proc.kill()
        with contextlib.suppress(OSError):
            if self.proc.stdin is not None:
                self.proc.stdin.close()
        try:
            code = self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        if not self.stderr.closed:
            self.stderr.seek(self.said)
            self.last_words = self.stderr.read()
            self.stderr.close()
        return code


_LOCK = threading.Lock()
_WORKERS: list[_Worker] = []


def _worker() -> _Worker:
    """The running worker, or a new one (the first workbook, or after a failure)."""
    if _WORKERS and _WORKERS[0].alive():
        return _WORKERS[0]
    if _WORKERS:
        _WORKERS.pop().stop()
    _WORKERS.append(_Worker())
    return _WORKERS[0]


@atexit.register
def _stop_workers() -> None:
    while _WORKERS:
        _WORKERS.pop().stop()


def _read(fd: int, n: int, deadline: float) -> bytes:
    """``n`` bytes from ``fd`` by the deadline (TimeoutError), or fewer at its end."""
    chunks, got = [], 0
    while got < n:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise TimeoutError
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


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
