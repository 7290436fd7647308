"""Ingest every real national and mirror file with ``cistrade ingest auto``, in one fresh process.

Lists the files under ``../shared/data/national`` and ``../shared/data/mirror`` (or
``$CISTRADE_SHARED_DATA``), asks :func:`cistrade.sources.detect` which source reads each
one (files no installed reader recognises are listed and left out, so this works whichever
readers exist), then runs

    python -m cistrade ingest auto FILE… --db NEW.duckdb --format json

as one child process and reports its wall time, CPU time (user + system) and peak RSS (from
``os.wait4``'s rusage: the child and the workbook readers it starts),
with the rows, warnings and skipped rows per source. Ingest is all or nothing: when a
reader rejects a file, the error is reported, that file is left out and the run repeated
(at most ``--retries`` times), so the figures always say which files they cover.

    python benchmarks/national.py
    python benchmarks/national.py --repeat 3 --json
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CISTRADE_SHARED_DATA", ROOT.parent / "shared" / "data"))
FOLDERS = ("national", "mirror")
_ERROR_FILE = re.compile(r"error\W*:\s*(/[^:]+?):")


def find_files(folders: list[Path]) -> list[Path]:
    files = []
    for folder in folders:
        if folder.is_dir():
            files += sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
    return files


def detect_all(files: list[Path]) -> tuple[dict[Path, str], dict[Path, str]]:
    """(file -> source name) for recognised files, (file -> reason) for the others."""
    from cistrade.errors import CistradeError
    from cistrade.sources import candidates, detect

    found, left_out, among = {}, {}, candidates()
    for path in files:
        try:
            found[path] = detect(path, among).name
        except CistradeError as exc:
            left_out[path] = str(exc).splitlines()[0]
    return found, left_out


def run_child(files: list[Path], db: Path) -> tuple[int, float, float, float, str, str]:
    """(exit code, wall s, CPU s, peak RSS MB, stdout, stderr) of one ``cistrade ingest auto``.

    The CPU time is the child's and its own children's (the isolated workbook readers):
    ``wait4`` reports a process's rusage with that of the children it waited for."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    cmd = [
        sys.executable,
        "-m",
        "cistrade",
        "ingest",
        "auto",
        *map(str, files),
        "--db",
        str(db),
        "--format",
        "json",
    ]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        code = os.waitstatus_to_exitcode(status)
        cpu = usage.ru_utime + usage.ru_stime
        return (code, wall, cpu, usage.ru_maxrss / 1024, out.read().decode(),
                err.read().decode(errors="replace"))


def ingest_once(files: list[Path], workdir: Path, retries: int) -> tuple[dict, list[Path], dict[Path, str]]:
    """Run until one ingest succeeds, leaving out each file a reader rejects."""
    rejected: dict[Path, str] = {}
    for attempt in range(retries + 1):
        db = workdir / f"national-{attempt}.duckdb"
        db.unlink(missing_ok=True)
        code, wall, cpu, rss, stdout, stderr = run_child(files, db)
        db.unlink(missing_ok=True)
        if code == 0:
            run = {"wall_s": wall, "cpu_s": cpu, "peak_rss_mb": rss, "output": json.loads(stdout)}
            return run, files, rejected
        match = _ERROR_FILE.search(stderr)
        bad = Path(match.group(1)) if match else None
        if bad is None or bad not in files:
            sys.exit(f"cistrade ingest failed ({code}) and named no file to leave out:\n{stderr}")
        rejected[bad] = stderr.strip().splitlines()[0]
        files = [f for f in files if f != bad]
    sys.exit(f"gave up after {retries} rejected files: {rejected}")


def summarise(output: dict, sources: dict[Path, str]) -> dict[str, dict[str, int]]:
    per: dict[str, Counter] = defaultdict(Counter)
    for f in output["files"]:
        c = per[f["source"]]
        c["files"] += 1
        c["rows"] += f["rows"]
        c["warnings"] += len(f["warnings"])
        c["skipped"] += len(f["skipped"])
        c["superseded"] += f["superseded_rows"]
    return {name: dict(c) for name, c in sorted(per.items())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs (min and median times, max RSS)")
    parser.add_argument("--retries", type=int, default=20, help="files a reader may reject")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()

    files = find_files([SHARED / f for f in FOLDERS])
    if not files:
        sys.exit(f"no files under {SHARED}/{{{','.join(FOLDERS)}}}")
    sources, undetected = detect_all(files)
    todo = list(sources)
    runs = []
    with tempfile.TemporaryDirectory(prefix="cistrade-bench-") as tmp:
        for _ in range(args.repeat):
            run, todo, rejected = ingest_once(todo, Path(tmp), args.retries)
            runs.append(run)
    result = {
        "data": str(SHARED),
        "files_found": len(files),
        "files_ingested": len(todo),
        "runs": len(runs),
        "wall_s": round(statistics.median(r["wall_s"] for r in runs), 3),
        "wall_min_s": round(min(r["wall_s"] for r in runs), 3),
        "cpu_s": round(statistics.median(r["cpu_s"] for r in runs), 3),
        "cpu_min_s": round(min(r["cpu_s"] for r in runs), 3),
        "peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs), 1),
        "rows": sum(f["rows"] for f in runs[-1]["output"]["files"]),
        "per_source": summarise(runs[-1]["output"], sources),
        "not_recognised": {str(p.relative_to(SHARED)): why for p, why in undetected.items()},
        "rejected": {str(p.relative_to(SHARED)): why for p, why in rejected.items()},
    }
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    print(
        f"{result['files_ingested']} of {result['files_found']} files, {result['rows']:,} rows: "
        f"{result['wall_s']:.2f} s (min {result['wall_min_s']:.2f} s of {result['runs']}), CPU "
        f"{result['cpu_s']:.2f} s user+sys (min {result['cpu_min_s']:.2f} s), peak RSS "
        f"{result['peak_rss_mb']:.0f} MB (one fresh process; target <= 5 s)"
    )
    for name, c in result["per_source"].items():
        print(
            f"  {name:12} {c['files']:4} files {c['rows']:9,} rows  {c['warnings']:4} warnings  "
            f"{c['skipped']:5} skipped  {c['superseded']:6} superseded"
        )
    for label in ("not_recognised", "rejected"):
        for path, why in result[label].items():
            print(f"  {label.replace('_', ' ')}: {path}: {why}")


if __name__ == "__main__":
    main()
