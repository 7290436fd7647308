"""API load: ``cistrade serve`` under 32 concurrent clients on a 10-million-row SYNTHETIC store.

Generates (once, cached in ``--workdir``) a synthetic monthly world of about ``--rows`` rows
(:func:`cistrade.synthetic.generate`, TOTAL and HS6 rows, 2019–2024) and ingests it
(:func:`cistrade.synthetic.ingest_synthetic`). Then it starts the server in a subprocess
(uvicorn on 127.0.0.1, a free port), and:

1. **cold**: asks every distinct query of the mix once, one after the other — the latency of
   a question the server has not answered before (the indicator runs on DuckDB);
2. **load**: ``--clients`` concurrent clients (one ``httpx.AsyncClient`` each, keep-alive) ask
   queries drawn at random from the mix for ``--seconds`` seconds;
3. **cold load**: the same clients for the same time, but every request a question never
   asked before (:func:`new_questions`: different reporter, partner, period, flow, ``top``
   and indicator, none of them in the mix), so no answer is cached and no prepared query
   is on disk (the server gets a fresh ``CISTRADE_CACHE_DIR`` each run). It prints req/s,
   p50 and p99 per endpoint and over all. Target: p99 under 250 ms at 32 clients.

The mix: ``share`` (top 10), ``bloc-share`` (CIS) and ``growth`` for the CIS members and a few
large economies, over four periods. It prints requests per second, p50 / p99 latency per
endpoint and the errors. Target: p99 under 100 ms for share, zero errors. ``--cache 0``
turns the server's answer cache off (every request computes).

    python benchmarks/api_load.py                      # 10 million rows, 32 clients, 30 s
    python benchmarks/api_load.py --rows 1000000 --seconds 10
    python benchmarks/api_load.py --phases cold        # only the cold load
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

REPORTERS = ("ARM", "AZE", "BLR", "KAZ", "KGZ", "MDA", "TJK", "UZB", "CHN", "DEU", "TUR", "USA")
PERIODS = ("2023", "2024-01..2024-09", "2022", "2024-Q2")
#: the partners the cold load's growth questions ask about
PARTNERS = ("CHN", "RUS", "DEU", "TUR", "KAZ", "USA", "IND")
SERVER = """
import sys, uvicorn
from cistrade.web import create_app
app = create_app(sys.argv[1], cache_size=int(sys.argv[3]))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False)
"""


def store_for(workdir: Path, rows: int) -> Path:
    """The cached synthetic store (generated and ingested once per size)."""
    from cistrade.store import Store
    from cistrade.synthetic import generate, ingest_synthetic

    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / f"api-load-{rows}.duckdb"
    if db.exists():
        return db
    data = workdir / f"api-load-{rows}.parquet"
    started = time.perf_counter()
    info = generate(data, rows=rows, years=range(2019, 2025), monthly=True, annual=True, seed=7)
    print(f"generated {info.rows:,} SYNTHETIC rows in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    tmp = db.with_suffix(".tmp.duckdb")
    tmp.unlink(missing_ok=True)
    store = Store(tmp)
    try:
        ingest_synthetic(store, data)
    finally:
        store.close()
    tmp.rename(db)
    print(f"ingested in {time.perf_counter() - started:.0f} s")
    return db


def queries() -> list[tuple[str, dict[str, str]]]:
    mix: list[tuple[str, dict[str, str]]] = []
    for r in REPORTERS:
        for p in PERIODS:
            mix.append(("share", {"reporter": r, "period": p, "top": "10"}))
            mix.append(("bloc-share", {"reporter": r, "bloc": "CIS", "period": p}))
            mix.append(("growth", {"reporter": r, "period": p}))
    return mix


def new_questions(seed: int = 11) -> list[tuple[str, dict[str, str]]]:
    """Questions that are all different from each other and from :func:`queries` (so none
    meets a cached answer): every reporter over every month, quarter, year and cumulative
    run of 2019–2024; ``share`` with a different ``top`` and flow, ``bloc-share``, and
    ``growth`` against the world and against one of a few partners; shuffled."""
    periods = [f"{y}-{m:02d}" for y in range(2019, 2025) for m in range(1, 13)]
    periods += [f"{y}-Q{q}" for y in range(2019, 2025) for q in range(1, 5)]
    periods += [str(y) for y in range(2019, 2025)]
    periods += [f"{y}-01..{y}-{m:02d}" for y in range(2019, 2025) for m in range(2, 12)]
    asked = {(e, tuple(sorted(p.items()))) for e, p in queries()}
    mix: list[tuple[str, dict[str, str]]] = []
    for i, (r, p) in enumerate((r, p) for r in REPORTERS for p in periods):
        flow = ("turnover", "export", "import")[i % 3]
        mix.append(("share", {"reporter": r, "period": p, "top": str(1 + i % 200), "flow": flow}))
        mix.append(("bloc-share", {"reporter": r, "bloc": "CIS", "period": p}))
        mix.append(("growth", {"reporter": r, "period": p}))
        mix.append(("growth", {"reporter": r, "period": p, "partner": PARTNERS[i % len(PARTNERS)]}))
    mix = [(e, q) for e, q in mix if (e, tuple(sorted(q.items()))) not in asked]
    random.Random(seed).shuffle(mix)
    return mix


async def cold_load(url: str, clients: int, seconds: float
                    ) -> tuple[dict, dict, dict, float]:
    """``clients`` clients, each taking the next question nobody has asked yet: latencies per
    endpoint, 5xx and transport errors, statuses, elapsed seconds."""
    questions = iter(new_questions())
    lat: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    statuses: dict[int, int] = defaultdict(int)

    async def one(client: httpx.AsyncClient, stop: float) -> None:
        while time.perf_counter() < stop:
            endpoint, params = next(questions, (None, None))
            if endpoint is None:
                return
            started = time.perf_counter()
            try:
                resp = await client.get(f"/api/v1/{endpoint}", params=params)
            except httpx.HTTPError as exc:
                errors[f"{endpoint} {type(exc).__name__}"] += 1
                continue
            statuses[resp.status_code] += 1
            if resp.status_code >= 500:
                errors[f"{endpoint} HTTP {resp.status_code}"] += 1
                continue
            lat[endpoint].append((time.perf_counter() - started) * 1000)

    pool = [httpx.AsyncClient(base_url=url, timeout=60) for _ in range(clients)]
    try:
        await asyncio.gather(*(c.get("/healthz") for c in pool))
        started = time.perf_counter()
        await asyncio.gather(*(one(c, started + seconds) for c in pool))
        return lat, errors, statuses, time.perf_counter() - started
    finally:
        await asyncio.gather(*(c.aclose() for c in pool))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, cache: int, cache_dir: Path) -> tuple[subprocess.Popen, str]:
    """The server in a subprocess, with a cache folder of its own (``cache_dir``, fresh each
    run): prepared queries a previous run left on disk would make "new" questions warm."""
    port = free_port()
    env = {**os.environ, "CISTRADE_CACHE_DIR": str(cache_dir)}
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(db), str(port), str(cache)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start in 120 s")


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def cold_pass(url: str, mix: list[tuple[str, dict[str, str]]]) -> dict[str, list[float]]:
    times: dict[str, list[float]] = defaultdict(list)
    statuses: dict[int, int] = defaultdict(int)
    with httpx.Client(base_url=url, timeout=60) as client:
        for endpoint, params in mix:
            started = time.perf_counter()
            resp = client.get(f"/api/v1/{endpoint}", params=params)
            times[endpoint].append((time.perf_counter() - started) * 1000)
            statuses[resp.status_code] += 1
    print(f"cold pass: {len(mix)} distinct queries, statuses {dict(statuses)}")
    return times


async def client_loop(client: httpx.AsyncClient, mix: list, stop: float, seed: int, lat: dict,
                      errors: dict) -> None:
    rng = random.Random(seed)
    while time.perf_counter() < stop:
        endpoint, params = rng.choice(mix)
        started = time.perf_counter()
        try:
            resp = await client.get(f"/api/v1/{endpoint}", params=params)
            ok = resp.status_code < 400
            if not ok:
                errors[f"{endpoint} HTTP {resp.status_code}"] += 1
        except httpx.HTTPError as exc:
            ok = False
            errors[f"{endpoint} {type(exc).__name__}"] += 1
        if ok:
            lat[endpoint].append((time.perf_counter() - started) * 1000)


async def load(url: str, mix: list, clients: int, seconds: float) -> tuple[dict, dict, float]:
    """``clients`` keep-alive clients, made and connected (one request each) before the clock
    starts: making an ``httpx.AsyncClient`` builds an SSL context (tens of ms of the client's
    CPU), which would otherwise show as server latency in the first second."""
    lat: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    pool = [httpx.AsyncClient(base_url=url, timeout=30) for _ in range(clients)]
    try:
        await asyncio.gather(*(c.get("/healthz") for c in pool))
        started = time.perf_counter()
        stop = started + seconds
        await asyncio.gather(*(client_loop(c, mix, stop, i, lat, errors) for i, c in enumerate(pool)))
        return lat, errors, time.perf_counter() - started
    finally:
        await asyncio.gather(*(c.aclose() for c in pool))


def report(title: str, lat: dict[str, list[float]], elapsed: float | None = None) -> None:
    total = sum(len(v) for v in lat.values())
    rate = f", {total / elapsed:,.0f} requests/s" if elapsed else ""
    print(f"\n{title}: {total:,} requests{rate}")
    print(f"  {'endpoint':<12} {'n':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'mean ms':>8}")
    for endpoint in ("share", "bloc-share", "growth"):
        v = lat.get(endpoint, [])
        if v:
            print(f"  {endpoint:<12} {len(v):>7} {pct(v, .5):>8.1f} {pct(v, .99):>8.1f} "
                  f"{max(v):>8.1f} {statistics.fmean(v):>8.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--cache", type=int, default=1024, help="server answer cache size (0: off)")
    default_dir = Path(tempfile.gettempdir()) / "cistrade-bench"
    ap.add_argument("--workdir", type=Path, default=Path(os.environ.get("CISTRADE_BENCH_DIR", default_dir)))
    ap.add_argument("--phases", default="cached,cold",
                    help="which to run: cached (the mix's cold pass and load), cold (every "
                         "request a new question), or both (default)")
    args = ap.parse_args()
    if not 1 <= args.clients <= 256 or not 1 <= args.seconds <= 300:
        raise SystemExit("clients 1–256 and seconds 1–300")
    db = store_for(args.workdir, args.rows)
    mix = queries()
    with tempfile.TemporaryDirectory(prefix="cistrade-bench-cache-") as cache_dir:
        proc, url = start_server(db, args.cache, Path(cache_dir))
        try:
            if "cached" in args.phases:
                cached_phases(url, mix, args)
            if "cold" in args.phases:
                cold_phase(url, args)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def cached_phases(url: str, mix: list[tuple[str, dict[str, str]]], args: argparse.Namespace) -> None:
    """The mix's cold pass, then the load over the mix (answers cached after the first)."""
    report("cold (each distinct query once, sequential)", cold_pass(url, mix))
    lat, errors, elapsed = asyncio.run(load(url, mix, args.clients, args.seconds))
    title = f"load ({args.clients} clients, {args.seconds:.0f} s, server cache {args.cache})"
    report(title, lat, elapsed)
    print(f"  errors: {dict(errors) if errors else 0}")
    share_p99 = pct(lat.get("share", []), .99)
    verdict = "OK" if share_p99 < 100 and not errors else "OVER TARGET"
    print(f"\ntarget p99(share) < 100 ms and zero errors: {share_p99:.1f} ms, "
          f"{sum(errors.values())} errors -> {verdict}")


def cold_phase(url: str, args: argparse.Namespace) -> None:
    """Every request a question never asked before (no answer cached in memory or on disk)."""
    cold, errors, statuses, elapsed = asyncio.run(cold_load(url, args.clients, args.seconds))
    report(f"cold load ({args.clients} clients, {args.seconds:.0f} s, every request a new "
           "question; 4xx answers such as NoData count, 5xx are errors)", cold, elapsed)
    print(f"  statuses: {dict(sorted(statuses.items()))}; errors: {dict(errors) if errors else 0}")
    every = [v for vs in cold.values() for v in vs]
    p99 = pct(every, .99)
    verdict = "OK" if p99 < 250 and not errors else "OVER TARGET"
    print(f"  all endpoints: p50 {pct(every, .5):.1f} ms, p99 {p99:.1f} ms")
    print(f"\ntarget cold p99 (all endpoints) < 250 ms and zero errors: {p99:.1f} ms, "
          f"{sum(errors.values())} errors -> {verdict}")


if __name__ == "__main__":
    main()
