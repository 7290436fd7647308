"""``cistrade fetch comtrade|imf|partners``: download from publishers' APIs, cache, and ingest.

Each response is saved in the cache (``--cache-dir``, default the user cache dir) before
anything is stored, so an interrupted fetch resumes where it stopped when run again; the
files are then ingested in one transaction, each dataset recording its request URL
(without the API key) and retrieval time. ``--no-ingest`` stops after the download.
``fetch partners`` is a recipe: every partner's reports of trade with one target country
(IMF IMTS, and UN Comtrade where the IMF lacks a partner), the input of ``cistrade.estimate``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from cistrade.cli.base import (
    DbOption,
    Format,
    FormatOption,
    app,
    command,
    emit,
    err,
    open_store,
)

if TYPE_CHECKING:  # pragma: no cover - httpx is imported only when a fetch command runs
    from cistrade.fetch import FetchResult, HttpClient

__all__ = ["fetch_app", "make_http"]

fetch_app = typer.Typer(
    name="fetch",
    help="Download official data from publishers' APIs (UN Comtrade, IMF) into the store.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(fetch_app, name="fetch")


def make_http(cache_dir: Path | None) -> HttpClient:
    """The HTTP client the commands use (tests replace this to inject a transport)."""
    from cistrade.fetch import HttpClient

    return HttpClient(cache_dir)


def fetch_command(name: str, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a ``fetch`` sub-command with the CLI's error handling (``cli.base.command``)."""
    return command(
        name,
        on=fetch_app,
        interrupted="interrupted; finished responses are cached: run the same command again to "
        "resume (the store is unchanged by the unfinished step)",
        **kwargs,
    )


CacheDirOption = Annotated[
    Path | None,
    typer.Option("--cache-dir", help="Where responses are saved (default: the user cache dir, "
                 "or $CISTRADE_CACHE).", show_default=False),
]
NoIngestOption = Annotated[
    bool, typer.Option("--no-ingest", help="Only download into the cache; do not touch the store.")
]
RefreshOption = Annotated[
    bool, typer.Option("--refresh", help="Download again even what is in the cache.")
]


@fetch_command("comtrade")
def comtrade(
    reporter: Annotated[list[str], typer.Option("--reporter", "-r", help="Reporter: name, ISO3 or "
                        "Comtrade code (repeatable, or comma-separated).")],
    period: Annotated[list[str], typer.Option("--period", "-p", help="Year (2023), range "
                      "(2020..2023) or, with --freq M, month (2023-03); repeatable.")],
    partner: Annotated[list[str] | None, typer.Option("--partner", help="Partner(s); default "
                       "every partner, World included.")] = None,
    flow: Annotated[str, typer.Option(help="Flows: M, X, RM, RX (comma-separated).")] = "M,X",
    freq: Annotated[str, typer.Option(help="A (annual) or M (monthly).")] = "A",
    cmd: Annotated[str, typer.Option(help="Commodity codes (comma-separated); TOTAL for all "
                   "goods.")] = "TOTAL",
    db: DbOption = None,
    cache_dir: CacheDirOption = None,
    no_ingest: NoIngestOption = False,
    refresh: RefreshOption = False,
    fmt: FormatOption = Format.table,
) -> None:
    """UN Comtrade API v1 (key from $COMTRADE_API_KEY; without one, the 500-record preview)."""
    from cistrade.fetch.comtrade import ComtradeQuery, fetch_comtrade

    query = ComtradeQuery.build(reporter, period, freq=freq, flows=[flow], partners=partner,
                                cmds=[cmd])
    _run(fetch_comtrade, query, cache_dir=cache_dir, refresh=refresh, no_ingest=no_ingest,
         db=db, fmt=fmt)


@fetch_command("imf")
def imf(
    reporter: Annotated[list[str], typer.Option("--reporter", "-r", help="Reporter: name or ISO3 "
                        "(repeatable).")],
    indicator: Annotated[list[str] | None, typer.Option("--indicator", help="IMTS indicator(s), "
                         "e.g. XG_FOB_USD, MG_CIF_USD (the default: both).")] = None,
    partner: Annotated[list[str] | None, typer.Option("--partner", help="Counterpart(s): name, "
                       "ISO3 or the IMF's code (G001 world); default every partner.")] = None,
    freq: Annotated[str, typer.Option(help="A, Q or M.")] = "A",
    start: Annotated[str | None, typer.Option(help="First period (2023, 2023-Q1, "
                     "2023-01).")] = None,
    end: Annotated[str | None, typer.Option(help="Last period.")] = None,
    csv: Annotated[bool, typer.Option("--csv", help="Ask for SDMX-CSV 2.0 instead of "
                   "SDMX-ML 3.0.")] = False,
    db: DbOption = None,
    cache_dir: CacheDirOption = None,
    no_ingest: NoIngestOption = False,
    refresh: RefreshOption = False,
    fmt: FormatOption = Format.table,
) -> None:
    """IMF International Merchandise Trade Statistics (SDMX 3.0 API, dataflow IMF.STA:IMTS)."""
    from cistrade.fetch.imf import DEFAULT_INDICATORS, ImfQuery, fetch_imf

    query = ImfQuery.build(reporter, indicators=indicator or DEFAULT_INDICATORS,
                           partners=partner or (), freq=freq, start=start, end=end, csv=csv)
    _run(fetch_imf, query, cache_dir=cache_dir, refresh=refresh, no_ingest=no_ingest,
         db=db, fmt=fmt)


@fetch_command("partners")
def partners(
    target: Annotated[str, typer.Option("--target", "-t", help="The country whose partners' "
                      "reports are wanted: name or ISO3 (e.g. Russia).")],
    start: Annotated[str, typer.Option(help="First period (2022, 2022-Q1, 2022-01).")],
    end: Annotated[str | None, typer.Option(help="Last period (default: --start).")] = None,
    freq: Annotated[str, typer.Option(help="A, Q or M (Comtrade is asked for months when "
                    "Q or M).")] = "A",
    partner: Annotated[list[str] | None, typer.Option("--partner", help="Only these partners "
                       "(repeatable); default every country.")] = None,
    comtrade: Annotated[bool, typer.Option("--comtrade/--no-comtrade", help="Ask UN Comtrade "
                        "for the partners the IMF lacks.")] = True,
    chunk: Annotated[int, typer.Option(help="Countries per IMF data request.")] = 25,
    db: DbOption = None,
    cache_dir: CacheDirOption = None,
    no_ingest: NoIngestOption = False,
    refresh: RefreshOption = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Every partner's reports of trade with TARGET: IMF IMTS, then Comtrade for the rest."""
    from cistrade.fetch.partners import PartnerQuery, fetch_partners

    query = PartnerQuery.build(target, start, end, freq=freq, partners=partner or (),
                               comtrade=comtrade, chunk=chunk)
    fetched = _download(fetch_partners, query, cache_dir, refresh)
    for warning in fetched.warnings:
        err.print(f"[yellow]warning[/]: {warning}", highlight=False)
    report, store_path = (None, None) if no_ingest else _ingest_recipe(fetched, db)
    rows = [dict(r, source=res.source) for res in fetched.results for r in _rows(res, report)]
    rows += [{"source": None, "chunk": f"{code}: no report from either source", "records": 0,
              "cached": None, "file": None, "dataset_id": None, "status": "lacking",
              "rows": None} for code in fetched.lacking]
    if fmt is not Format.table:
        emit(rows, fmt, query=query.describe(), extra={
            "fetch": fetched.to_dict(), "ingest": report.to_dict() if report else None,
            "db": str(store_path) if store_path else None})
        return
    emit(rows, fmt, columns=["source", "chunk", "records", "cached", "status", "rows"],
         title=(f"fetch partners of {query.target} {query.range}: {len(fetched.files)} file(s), "
                f"{fetched.requests} downloaded, {len(fetched.imf_coverage)} partner(s) in the "
                f"IMF, {len(fetched.asked_comtrade)} asked of Comtrade, "
                f"{len(fetched.lacking)} lacking"),
         formatters={"cached": lambda v: "" if v is None else ("yes" if v else "no"),
                     "records": lambda v: f"{v:,}", "rows": lambda v: "" if v is None else f"{v:,}"})
    if report is not None:
        err.print(f"ingested {report.rows:,} rows into {store_path}"
                  + ("" if report.changed else " (nothing changed: every file was already stored)"),
                  highlight=False)


def _ingest_recipe(fetched: Any, db: Path | None) -> tuple[Any, Path]:
    from cistrade.fetch.partners import ingest_partners

    store = open_store(db, read_only=False)
    try:
        return ingest_partners(store, fetched), store.path
    finally:
        store.close()


def _progress(unit: str) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn(f"{{task.completed}}/{{task.total}} {unit}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def _download(fetch: Callable[..., FetchResult], query: Any, cache_dir: Path | None,
              refresh: bool) -> FetchResult:
    with make_http(cache_dir) as http, _progress("requests") as bar:
        task = bar.add_task("fetching", total=None)
        total = [0]

        def progress(event: str, info: dict[str, Any]) -> None:
            if event == "plan":
                total[0] = info["total"]
            elif event == "split":
                total[0] += info["into"]
                bar.update(task, description=f"split {info['label']}")
            else:
                bar.update(task, description=info["label"])
            if event != "plan":
                bar.advance(task)
            bar.update(task, total=total[0])

        return fetch(query, http, refresh=refresh, progress=progress)


def _ingest(result: FetchResult, db: Path | None) -> tuple[Any, Path]:
    store = open_store(db, read_only=False)
    try:
        with _progress("files") as bar:
            task = bar.add_task("ingesting", total=len(result.files))

            def progress(event: str, info: dict[str, Any]) -> None:
                if event == "file":
                    bar.update(task, description=f"reading {Path(info['path']).name}")
                else:
                    bar.advance(task)

            from cistrade.fetch import ingest_fetched

            return ingest_fetched(store, result, progress=progress), store.path
    finally:
        store.close()


def _run(fetch: Callable[..., FetchResult], query: Any, *, cache_dir: Path | None, refresh: bool,
         no_ingest: bool, db: Path | None, fmt: Format) -> None:
    result = _download(fetch, query, cache_dir, refresh)
    for warning in result.warnings:
        err.print(f"[yellow]warning[/]: {warning}", highlight=False)
    report, store_path = (None, None) if no_ingest else _ingest(result, db)
    rows = _rows(result, report)
    if fmt is not Format.table:
        emit(rows, fmt, query=result.query, extra={
            "fetch": result.to_dict(),
            "ingest": report.to_dict() if report else None,
            "db": str(store_path) if store_path else None,
        })
        return
    cached = sum(f.from_cache for f in result.files)
    emit(rows, fmt, columns=["chunk", "records", "cached", "status", "rows", "dataset_id"],
         title=(f"fetch {result.source}: {len(rows)} chunk(s), {result.requests} downloaded, "
                f"{cached} from the cache, {result.records:,} records"),
         formatters={"cached": lambda v: "" if v is None else ("yes" if v else "no"),
                     "records": lambda v: f"{v:,}", "rows": lambda v: "" if v is None else f"{v:,}"})
    where = result.files[0].path.parent if result.files else None
    if report is None:
        err.print(f"saved in {where}; not ingested (--no-ingest)", highlight=False)
    else:
        err.print(f"ingested {report.rows:,} rows into {store_path}"
                  + ("" if report.changed else " (nothing changed: every file was already stored)"),
                  highlight=False)


def _rows(result: FetchResult, report: Any) -> list[dict[str, Any]]:
    by_path = {Path(f.path): f for f in (report.files if report else [])}
    rows = []
    for f in result.files:
        stored = by_path.get(Path(f.path))
        rows.append({
            "chunk": f.label,
            "records": f.records,
            "cached": f.from_cache,
            "file": f.path.name,
            "dataset_id": stored.dataset_id if stored else None,
            "status": stored.status if stored else "downloaded",
            "rows": stored.rows if stored and stored.status == "ingested" else None,
        })
    rows += [{"chunk": label, "records": 0, "cached": None, "file": None, "dataset_id": None,
              "status": "no records", "rows": None} for label in result.empty]
    return rows
