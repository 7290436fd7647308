"""Damaged copies of the shared files, per reader, and a harness that ingests each one in a
worker process (issue #14's fuzzing suite; ``tests/test_fuzz.py`` in CI, ``benchmarks/fuzz.py``
at scale).

Every mutant is made at run time from a real file (``../shared/data``) or a SYNTHETIC one,
written to a temporary folder under the original's name (readers read flows and releases
from names) and deleted after its run; none is ever committed. Each mutant must be

* a **clean error**: an :class:`~cistrade.errors.InputError` naming the file, the store
  exactly as it was (:func:`conftest.store_state`: flows, datasets, superseded, coverage); or
* **accepted**: ingested (the worker then goes back to its pristine store);

never a **traceback** (any other exception, or an error that does not name the file), an
**abort** (the worker process dies: python-calamine's Rust core used to abort on a damaged
workbook), or a **hang** (no answer within :data:`HANG_SECONDS`). The worker also runs
content detection on every mutant (what ``ingest auto`` does first): it may fail only with an
InputError.

Mutations: byte flips, truncation, inserted bytes; dropped, duplicated and swapped lines;
numbers replaced by huge, negative, non-finite or 400-digit ones; cells replaced by text;
other encodings; empty and header-only files; JSON values replaced by other types;
the XML members of an ``.xlsx`` mutated inside a sound ZIP; BIFF record fields of an ``.xls``
set to huge values.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SHARED = Path(os.environ.get("CISTRADE_SHARED_DATA", ROOT.parent / "shared" / "data"))

READERS = ("tidy", "ru-fts", "kz-bns", "uz-stat", "am-armstat", "eurostat", "comtrade", "imf", "baci")
HANG_SECONDS = 20.0
OUTCOMES = ("clean", "accepted", "traceback", "abort", "hang")


# -- seeds ------------------------------------------------------------------------------------


def seeds(reader: str, workdir: Path) -> list[Path]:
    """The files a reader's mutants are made from (the first one also fills the worker's
    store before the mutants come). Large files are cut to their head, in ``workdir``."""
    national = SHARED / "national"
    if reader == "tidy":
        return _tidy_seeds(workdir)
    if reader == "am-armstat":
        head = workdir / "arm_trade_country_monthly.csv"
        if not head.exists():
            lines = (national / "am-armstat" / "arm_trade_country_monthly.csv").read_bytes().split(b"\n")
            head.write_bytes(b"\n".join(lines[:1500]) + b"\n")
        return [head]
    found = {
        "ru-fts": sorted((national / "ru-fts").glob("*.xlsx")),
        "kz-bns": sorted((national / "kz-bns").glob("*.xls")),
        "uz-stat": sorted((national / "uz-stat").glob("*.csv")),
        "eurostat": sorted((SHARED / "mirror" / "eurostat").rglob("*.csv"))[:12],
        "comtrade": [SHARED / "comtrade" / "api_v1_get_C_A_HS_sample.json",
                     SHARED / "comtrade" / "armenia_hs8703_monthly_comtradr_latin1.csv",
                     TESTS / "data" / "comtrade" / "bulk_kaz_2023_tab.txt"],
        "imf": [SHARED / "imf" / "dots_compactdata_A.US.TXG_FOB_USD.W00+B0_2020-2023.json",
                SHARED / "imf" / "recorded_api_imf_org" / "05-data_USA_XG_FOB_USD_G001+G998_A.xml",
                *sorted((TESTS / "data" / "imf").glob("imts_*"))],
        "baci": sorted((SHARED / "baci").glob("BACI_*.csv")),
    }[reader]
    return [p for p in found if p.is_file()]


def _tidy_seeds(workdir: Path) -> list[Path]:
    """A SYNTHETIC long table as CSV and as Parquet (cistrade.synthetic, 400 rows)."""
    csv, parquet = workdir / "synthetic-tidy.csv", workdir / "synthetic-tidy.parquet"
    if not csv.exists():
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        from cistrade import synthetic

        info = synthetic.small_world(workdir / "world", seed=3)
        table = pq.read_table(info.paths[0]).slice(0, 400)
        keep = [c for c in ("reporter", "partner", "flow", "period", "value", "currency", "product",
                            "product_class", "partner_basis", "valuation", "quantity",
                            "quantity_unit") if c in table.column_names]
        table = table.select(keep)
        pacsv.write_csv(table, csv)
        pq.write_table(table, parquet)
    return [csv, parquet]


# -- mutations --------------------------------------------------------------------------------

_NUMBER = re.compile(rb"(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.])")
_HUGE = [b"1e308", b"1e20", b"-5", b"-0.0", b"NaN", b"inf", b"-inf", b"1e999", b"0", b"9" * 400,
         b"1" * 20, b"2147483648", b"-2147483649", b"1e-320", b"100000000", b"400", b"3.4e38"]
_TEXT = [b"", b"x", b"N/A", b"\xd0\x9f\xd1\x80", b"'; DROP TABLE flows; --", b"\"", b"\x00",
         b"null", b"true", b"2024-13", b"\xff\xfe", b"=1+1", b"-", b"\xe2\x80\xa6"]
_ENCODINGS = ["utf-16", "cp1251", "latin-1", "utf-8-sig", "koi8-r"]


class Mutator:
    """Deterministic mutants of one file's bytes (``random.Random(seed)``)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def mutate(self, data: bytes, name: str) -> tuple[bytes, str]:
        kind = _kind(data, name)
        if kind == "xlsx" and self.rng.random() < 0.7:
            return self._xlsx(data)
        if kind == "xls" and self.rng.random() < 0.4:
            return self._biff(data)
        ops = self._binary_ops() if kind in ("xls", "xlsx", "parquet") else self._text_ops(kind)
        op = self.rng.choice(ops)
        steps = 1 if self.rng.random() < 0.7 else self.rng.randint(2, 4)
        out, names = data, []
        for _ in range(steps):
            out = op(out)
            names.append(op.__name__.lstrip("_"))
            op = self.rng.choice(ops)
        return out, "+".join(names)

    # text and bytes alike

    def _flip(self, data: bytes) -> bytes:
        if not data:
            return data
        out = bytearray(data)
        for _ in range(self.rng.choice([1, 2, 4, 8, 32])):
            out[self.rng.randrange(len(out))] = self.rng.randrange(256)
        return bytes(out)

    def _truncate(self, data: bytes) -> bytes:
        return data[: self.rng.randrange(len(data) + 1)]

    def _insert(self, data: bytes) -> bytes:
        at = self.rng.randrange(len(data) + 1)
        junk = bytes(self.rng.randrange(256) for _ in range(self.rng.choice([1, 3, 16, 200])))
        return data[:at] + junk + data[at:]

    def _empty(self, data: bytes) -> bytes:
        return b"" if self.rng.random() < 0.5 else b"\n\n"

    def _binary_ops(self) -> list[Callable[[bytes], bytes]]:
        return [self._flip, self._flip, self._truncate, self._insert, self._empty]

    # text

    def _text_ops(self, kind: str) -> list[Callable[[bytes], bytes]]:
        ops = [self._flip, self._truncate, self._insert, self._drop_line, self._duplicate_line,
               self._swap_lines, self._number, self._number, self._number, self._text_cell,
               self._encoding, self._header_only, self._empty]
        if kind == "json":
            ops += [self._json_value, self._json_value, self._json_value]
        return ops

    def _lines(self, data: bytes) -> list[bytes]:
        return data.split(b"\n")

    def _drop_line(self, data: bytes) -> bytes:
        lines = self._lines(data)
        if len(lines) > 1:
            del lines[self.rng.randrange(len(lines))]
        return b"\n".join(lines)

    def _duplicate_line(self, data: bytes) -> bytes:
        lines = self._lines(data)
        i = self.rng.randrange(len(lines))
        lines.insert(i, lines[i])
        return b"\n".join(lines)

    def _swap_lines(self, data: bytes) -> bytes:
        lines = self._lines(data)
        i, j = self.rng.randrange(len(lines)), self.rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
        return b"\n".join(lines)

    def _header_only(self, data: bytes) -> bytes:
        return self._lines(data)[0] + b"\n"

    def _number(self, data: bytes) -> bytes:
        found = list(_NUMBER.finditer(data[:2_000_000]))
        if not found:
            return self._flip(data)
        out = data
        for m in sorted(self.rng.sample(found, min(len(found), self.rng.choice([1, 1, 2, 5]))),
                        key=lambda m: -m.start()):
            out = out[: m.start()] + self.rng.choice(_HUGE) + out[m.end():]
        return out

    def _text_cell(self, data: bytes) -> bytes:
        found = list(_NUMBER.finditer(data[:2_000_000]))
        if not found:
            return self._insert(data)
        m = self.rng.choice(found)
        return data[: m.start()] + self.rng.choice(_TEXT) + data[m.end():]

    def _encoding(self, data: bytes) -> bytes:
        text = data.decode("utf-8", errors="replace")
        return text.encode(self.rng.choice(_ENCODINGS), errors="replace")

    def _json_value(self, data: bytes) -> bytes:
        try:
            doc = json.loads(data.decode("utf-8-sig"))
        except ValueError:
            return self._flip(data)
        paths = list(_json_paths(doc))
        if not paths:
            return self._flip(data)
        parent, key = self.rng.choice(paths)
        parent[key] = self.rng.choice([None, [], {}, [1, 2], "x", 1e308, -1, 10**30, True, "",
                                       {"a": None}, [[None]], "2024-13"])
        return json.dumps(doc).encode()

    # workbooks

    def _xlsx(self, data: bytes) -> tuple[bytes, str]:
        """One XML member of the workbook mutated as text, the ZIP rebuilt around it."""
        try:
            zin = zipfile.ZipFile(io.BytesIO(data))
            names = zin.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return self._flip(data), "flip"
        xml = [n for n in names if n.endswith(".xml")]
        if not xml:
            return self._flip(data), "flip"
        target = self.rng.choice([n for n in xml if "sheet" in n] or xml)
        member, op = self._xml_member(zin.read(target))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for n in names:
                zout.writestr(n, member if n == target else zin.read(n))
        return out.getvalue(), f"xlsx:{target}:{op}"

    def _xml_member(self, data: bytes) -> tuple[bytes, str]:
        op = self.rng.choice(["number", "number", "text_cell", "truncate", "flip", "ref", "dimension"])
        if op == "ref":  # a cell reference with a huge row or column
            refs = list(re.finditer(rb'r="([A-Z]+)(\d+)"', data))
            if refs:
                m = self.rng.choice(refs)
                big = self.rng.choice([b"1048577", b"2147483647", b"9" * 30, b"0"])
                col = self.rng.choice([m[1], b"XFE", b"ZZZZ"])
                return data[: m.start()] + b'r="' + col + big + b'"' + data[m.end():], op
        if op == "dimension":
            m = re.search(rb'<dimension ref="[^"]*"', data)
            if m:
                return data[: m.start()] + b'<dimension ref="A1:XFD1048576"' + data[m.end():], op
        return getattr(self, f"_{op if op in ('number', 'text_cell', 'truncate', 'flip') else 'flip'}")(data), op

    def _biff(self, data: bytes) -> tuple[bytes, str]:
        """A BIFF8 record's fields set to huge values: DIMENSIONS (0x0200), ROW (0x0208),
        LABELSST (0x00FD), NUMBER (0x0203), SST (0x00FC)."""
        ids = {b"\x00\x02": "dimensions", b"\x08\x02": "row", b"\xfd\x00": "labelsst",
               b"\x03\x02": "number", b"\xfc\x00": "sst"}
        rid = self.rng.choice(list(ids))
        found = [m.start() for m in re.finditer(re.escape(rid), data)]
        if not found:
            return self._flip(data), "flip"
        at = self.rng.choice(found) + 4 + self.rng.choice([0, 2, 4, 6, 8])
        out = bytearray(data)
        if at + 4 <= len(out):
            struct.pack_into("<I", out, at, self.rng.choice([0xFFFFFFFF, 0x7FFFFFFF, 0x10000, 0]))
        return bytes(out), f"biff:{ids[rid]}"


def _json_paths(doc: Any, depth: int = 0) -> Iterable[tuple[Any, Any]]:
    if depth > 12:
        return
    items = doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else ()
    for key, value in list(items)[:200]:
        yield doc, key
        yield from _json_paths(value, depth + 1)


def _kind(data: bytes, name: str) -> str:
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"PAR1"):
        return "parquet"
    if data.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] in (b"{", b"["):
        return "json"
    return "text"


# -- the worker ---------------------------------------------------------------------------------


class _Worker:
    """In the worker process: one store per reader, filled with the reader's first seed."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.stores: dict[str, Any] = {}
        self.states: dict[str, tuple] = {}  # each store's state as opened (pristine)

    def store(self, reader: str) -> Any:
        from cistrade.sources import get_source
        from cistrade.store import Store

        if reader not in self.stores:
            pristine = self.workdir / f"pristine-{reader}-{os.getpid()}.duckdb"
            if not pristine.exists():
                with Store(pristine) as s:
                    seed = seeds(reader, self.workdir)[0]
                    s.ingest(get_source(reader)(), [seed])
            self.stores[reader] = self._open(reader)
        return self.stores[reader]

    def _open(self, reader: str) -> Any:
        from conftest import store_state

        from cistrade.store import Store

        work = self.workdir / f"work-{reader}-{os.getpid()}.duckdb"
        shutil.copyfile(self.workdir / f"pristine-{reader}-{os.getpid()}.duckdb", work)
        store = Store(work)
        self.states[reader] = store_state(store.con)
        return store

    def reset(self, reader: str) -> None:
        self.stores.pop(reader).close()
        self.stores[reader] = self._open(reader)

    def run(self, reader: str, path: Path) -> dict[str, Any]:
        from conftest import store_state

        from cistrade.errors import InputError
        from cistrade.sources import detect, get_source

        store = self.store(reader)
        before = self.states[reader]  # every failure leaves it so, every success is undone
        try:
            detect(path)
        except InputError:
            pass
        except Exception:  # noqa: BLE001 - what the fuzzing is for
            return {"outcome": "traceback", "detail": "detection: " + _last(traceback.format_exc())}
        try:
            store.ingest(get_source(reader)(), [path])
        except InputError as exc:
            if str(path) not in str(exc):
                return {"outcome": "traceback", "detail": f"an error without the file: {exc}"}
            if store_state(store.con) != before:
                return {"outcome": "traceback", "detail": f"the store changed on an error: {exc}"}
            return {"outcome": "clean", "detail": str(exc)[len(str(path)) + 2:][:300]}
        except Exception:  # noqa: BLE001 - what the fuzzing is for
            return {"outcome": "traceback", "detail": _last(traceback.format_exc())}
        self.reset(reader)
        return {"outcome": "accepted", "detail": ""}


def _last(tb: str) -> str:
    lines = [ln for ln in tb.strip().splitlines() if ln.strip()]
    return " | ".join(lines[-3:])[:600]


def worker_main(workdir: str) -> None:
    """The worker's loop: one JSON task per line on stdin, one JSON answer per line."""
    w = _Worker(Path(workdir))
    for line in sys.stdin:
        task = json.loads(line)
        started = time.perf_counter()
        answer = w.run(task["reader"], Path(task["path"]))
        answer["seconds"] = round(time.perf_counter() - started, 3)
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


# -- the parent ---------------------------------------------------------------------------------


@dataclass
class ReaderResult:
    reader: str
    counts: Counter = field(default_factory=Counter)
    failures: list[dict[str, Any]] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    @property
    def mutants(self) -> int:
        return sum(self.counts.values())


class _Process:
    """A worker process and a line reader over its stdout with a time limit."""

    def __init__(self, workdir: Path) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(TESTS)])}
        code = f"import sys; sys.path[:0] = {[str(ROOT / 'src'), str(TESTS)]!r}; " \
               "from fuzzing import worker_main; worker_main(sys.argv[1])"
        self.proc = subprocess.Popen([sys.executable, "-c", code, str(workdir)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                                     cwd=str(TESTS))
        self.buffer = b""

    def ask(self, task: dict[str, Any], timeout: float) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        try:
            self.proc.stdin.write((json.dumps(task) + "\n").encode())
            self.proc.stdin.flush()
        except BrokenPipeError:
            return {"outcome": "abort", "detail": f"worker gone (exit {self.proc.poll()})"}
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return {"outcome": "hang", "detail": f"no answer in {timeout:.0f} s"}
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    code = self.proc.wait(timeout=10)
                    return {"outcome": "abort", "detail": f"the worker died (exit {code})"}
                self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return json.loads(line)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()


def run(readers: Iterable[str], per_reader: int, *, workers: int = 2, seed: int = 0,
        workdir: Path | None = None, timeout: float = HANG_SECONDS,
        progress: Callable[[str, int], None] | None = None) -> dict[str, ReaderResult]:
    """``per_reader`` mutants of every reader's seeds, ingested by ``workers`` worker
    processes; the outcome counts and every failure (traceback, abort, hang), by reader."""
    own = workdir is None
    root = Path(tempfile.mkdtemp(prefix="cistrade-fuzz-")) if own else Path(workdir)
    try:
        return _run(list(readers), per_reader, workers, seed, root, timeout, progress)
    finally:
        if own:
            shutil.rmtree(root, ignore_errors=True)


def _tasks(readers: list[str], per_reader: int, seed: int, root: Path) -> Iterable[tuple[str, int, Path, str]]:
    """(reader, index, seed file, label) round-robin over the readers."""
    pools = {r: seeds(r, root) for r in readers}
    for i in range(per_reader):
        for r in readers:
            if pools[r]:
                yield r, i, pools[r][i % len(pools[r])], f"{r}/{i}"


def _run(readers: list[str], per_reader: int, workers: int, seed: int, root: Path, timeout: float,
         progress: Callable[[str, int], None] | None) -> dict[str, ReaderResult]:
    results = {r: ReaderResult(r) for r in readers}
    tasks = iter(list(_tasks(readers, per_reader, seed, root)))
    lock = threading.Lock()
    cache: dict[Path, bytes] = {}

    def next_task() -> tuple[str, int, Path, str] | None:
        with lock:
            return next(tasks, None)

    def serve(n: int) -> None:
        proc = _Process(root)
        try:
            while (task := next_task()) is not None:
                reader, i, src, label = task
                data = cache.setdefault(src, src.read_bytes())
                mutant, op = Mutator(zlib.crc32(f"{seed}/{reader}/{i}".encode())).mutate(data, src.name)
                folder = root / "mutants" / f"w{n}"
                folder.mkdir(parents=True, exist_ok=True)
                path = folder / src.name
                path.write_bytes(mutant)
                answer = proc.ask({"reader": reader, "path": str(path)}, timeout)
                outcome = answer["outcome"]
                with lock:
                    res = results[reader]
                    res.counts[outcome] += 1
                    res.seconds.append(answer.get("seconds", timeout))
                    if outcome not in ("clean", "accepted"):
                        kept = root / "failures" / f"{reader}-{i}-{src.name}"
                        kept.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copyfile(path, kept)
                        res.failures.append({"mutant": str(kept), "seed": src.name, "mutation": op,
                                             "outcome": outcome, "detail": answer.get("detail", "")})
                if outcome in ("abort", "hang"):
                    proc.close()
                    proc = _Process(root)
                path.unlink(missing_ok=True)
                if progress:
                    progress(reader, res.mutants)
        finally:
            proc.close()

    threads = [threading.Thread(target=serve, args=(n,)) for n in range(max(1, workers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results
