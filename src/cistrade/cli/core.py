"""Core commands: demo, ingest, datasets, countries, blocs."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from cistrade.cli.base import DbOption, Format, FormatOption, app, command, emit, err, open_store, out
from cistrade.errors import InputError, _cut

SOURCE_HELP = (
    "Source name (tidy, ru-fts, kz-bns, uz-stat, am-armstat, eurostat, comtrade, imf, baci, or a "
    "registered layout's, or a third-party source; `cistrade sources` lists which are available "
    "here and why one is not), layout:PATH.toml to read with a layout file (docs/layouts.md), "
    "or 'auto' to detect each file's publisher from its content."
)


def _expand(paths: list[Path]) -> list[Path]:
    return [p for p, _ in _expand_marked(paths)]


def _expand_marked(paths: list[Path]) -> list[tuple[Path, bool]]:
    """Files to read, each marked True when named explicitly (not found inside a folder)."""
    files: list[tuple[Path, bool]] = []
    for p in paths:
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
            files.extend((f, False) for f in found)
        elif p.exists():
            files.append((p, True))
        else:
            raise InputError("no such file or folder", file=str(p))
    if not files:
        raise InputError("no files to ingest")
    return files


def _parse_map(items: list[str], flag: str = "--map") -> dict[str, str]:
    mapping = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"{flag} takes KEY=VALUE, not {_cut(str(item))!r}")
        mapping[key.strip()] = value.strip()
    return mapping


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} files"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def _detect_all(files: list[tuple[Path, bool]], skip_unknown: bool) -> list[tuple[Any, Path]]:
    """(source class, file) for every file 'auto' recognises. Files no reader recognises are
    an error listing each of them with its reason, unless they are readmes or publishers'
    reference tables (passed by) or ``skip_unknown`` says to pass them by (with a warning)."""
    from cistrade.sources import candidates, detect, is_reference_file

    found, unknown, among = [], [], candidates()
    for f, explicit in files:
        try:
            found.append((detect(f, among), f))
        except InputError as exc:
            if explicit or not is_reference_file(f):
                unknown.append((f, exc))
                continue
            err.print(f"passed by {f}: a readme or reference table, not trade data", highlight=False)
    if unknown and skip_unknown:
        for f, exc in unknown:
            err.print(f"[yellow]skipped[/] {f}: {exc.message}", highlight=False)
    elif unknown:
        listing = "; ".join(f"{f}: {exc.message}" for f, exc in unknown[:50])
        more = f" (and {len(unknown) - 50} more)" if len(unknown) > 50 else ""
        raise InputError(
            f"{len(unknown)} file(s) in no format cistrade reads: {listing}{more}. Name the source "
            "explicitly, move the files away, or pass --skip-unknown to ingest the others; "
            "nothing was ingested"
        )
    return found


def run_ingest(source: str, paths: list[Path], db: Path | None, options: dict[str, Any],  # noqa: ANN201
               auto: dict[str, dict[str, Any]] | None = None, *, skip_unknown: bool = False,
               replace: bool = False):
    """Ingest files (detecting sources with 'auto') with a progress bar; return the report.
    ``auto``: options per source name for the files 'auto' detects. A store file this call
    creates is removed again when the ingest fails (no empty store is left behind)."""
    from cistrade.sources import get_source
    from cistrade.store import default_db_path

    files = _expand_marked(paths)
    if source == "auto":
        found = _detect_all(files, skip_unknown)
    else:
        cls = get_source(source)
        found = [(cls, f) for f, _ in files]
    items = []
    for cls, f in found:
        try:
            src = cls(**options) if source != "auto" else cls(**(auto or {}).get(cls.name, {}))
        except TypeError as exc:
            raise InputError(f"the {cls.name} reader does not take these options: {exc}") from None
        items.append((src, f, lambda s=src, f=f: s.read(f)))
    if not items:
        raise InputError("none of these files is in a format cistrade reads")
    target = Path(db or default_db_path())
    created = not target.exists()
    store = open_store(target, read_only=False)
    try:
        with _progress() as bar:
            task = bar.add_task("ingesting", total=len(items))

            def progress(event: str, info: dict[str, Any]) -> None:
                if event == "file":
                    bar.update(task, description=f"reading {Path(info['path']).name}")
                else:
                    bar.advance(task)

            report = store.ingest_items(items, progress=progress, replace=replace)
    except BaseException:
        store.close()
        if created:
            _remove_store(target)
        raise
    store.close()
    return report, store.path


def _remove_store(path: Path) -> None:
    """Delete a store file (and its write-ahead log) that a failed first ingest created."""
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)


@command("ingest")
def ingest(
    source: Annotated[str, typer.Argument(help=SOURCE_HELP)],
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (folders are read recursively).")],
    db: DbOption = None,
    map_: Annotated[
        list[str] | None,
        typer.Option("--map", help="tidy: FIELD=COLUMN or FIELD=CONSTANT (repeatable)."),
    ] = None,
    encoding: Annotated[str | None, typer.Option(
        help="tidy: the file's text encoding (default utf-8; cp1251, koi8-r, latin-1, utf-16 …).",
    )] = None,
    series: Annotated[str | None, typer.Option(help="tidy: the series vintages replace within.")] = None,
    vintage: Annotated[
        str | None, typer.Option(help="tidy: this file's vintage (later sorts newer).")
    ] = None,
    option: Annotated[
        list[str] | None,
        typer.Option("--option", "-o", help="A reader option KEY=VALUE, e.g. uz-stat: -o flow=import."),
    ] = None,
    skip_unknown: Annotated[bool, typer.Option(
        "--skip-unknown",
        help="auto: pass by files no reader recognises (listed on stderr) instead of failing.",
    )] = False,
    replace: Annotated[bool, typer.Option(
        "--replace",
        help="A file whose figures differ from a stored dataset's of the same series and the "
             "same vintage replaces them (without it such a tie is refused).",
    )] = False,
    layout: Annotated[list[Path] | None, typer.Option(
        "--layout", help="A layout file or folder to register for this command (repeatable): its "
        "layouts are sources by file name, and 'auto' recognises their files.",
    )] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Read publishers' files into the store, in one transaction (all files or none).

    ``cistrade ingest rates FILE`` reads the ECB's euro reference rates (eurofxref-hist.zip or
    eurofxref-daily.csv) used to convert currencies. Reader options go with -o KEY=VALUE, e.g.
    ``-o codes=country_codes_V202501.csv`` (baci), ``-o scale=auto|apply|ignore`` (imf),
    ``-o flow=import`` (uz-stat), ``-o series=... -o vintage=...`` (comtrade, imf).
    ``layout:PATH.toml`` reads with a layout file; ``--vintage`` gives a layout's files their
    vintage when their content does not order them.
    """
    if source == "rates":
        _ingest_rates(paths, db, fmt)
        return
    from cistrade.sources.layout.places import extra_layouts

    with extra_layouts(layout or []):
        _ingest(source, paths, db, fmt, map_=map_, encoding=encoding, series=series, vintage=vintage,
                option=option, skip_unknown=skip_unknown, replace=replace)


def _ingest(source: str, paths: list[Path], db: Path | None, fmt: Format, *, map_: list[str] | None,
            encoding: str | None, series: str | None, vintage: str | None, option: list[str] | None,
            skip_unknown: bool, replace: bool = False) -> None:
    options: dict[str, Any] = {}
    tidy: dict[str, Any] = {"mapping": _parse_map(map_ or []), "series": series, "vintage": vintage}
    if encoding:
        tidy["encoding"] = encoding
    if source == "tidy":
        options = tidy
    elif vintage and not (map_ or encoding or series) and _is_layout(source):
        options["vintage"] = vintage
    elif (map_ or encoding or series or vintage) and source != "auto":
        raise InputError("--map, --encoding, --series and --vintage apply to the tidy source "
                         "(or to the files 'auto' reads as tidy) only; --vintage also to a layout")
    if option:
        if source == "auto":
            raise InputError("--option needs a named source, not 'auto'")
        options.update(_parse_map(option, flag="--option"))
    # with 'auto', the tidy options go to the files it reads as tidy
    report, path = run_ingest(source, paths, db, options, auto={"tidy": tidy},
                              skip_unknown=skip_unknown, replace=replace)
    rows = [
        {
            "file": Path(f.path).name,
            "source": f.source,
            "dataset_id": f.dataset_id,
            "status": f.status,
            "rows": f.rows,
            "superseded": f.superseded_rows,
            "dropped_older": f.dropped_rows,
            "duplicates": f.collapsed_rows,
            "skipped": len(f.skipped),
            "warnings": len(f.warnings),
        }
        for f in report.files
    ]
    if fmt is not Format.table:
        emit(
            rows,
            fmt,
            query={"source": source, "paths": [str(p) for p in paths], "db": str(path)},
            extra={"files": report.to_dict()["files"]},
        )
        return
    emit(rows, fmt, title=f"ingest into {path}")
    _print_details(report)


def _is_layout(source: str) -> bool:
    from cistrade.sources import get_source
    from cistrade.sources.layout.source import LayoutSource

    return source != "auto" and issubclass(get_source(source), LayoutSource)


def _ingest_rates(paths: list[Path], db: Path | None, fmt: Format) -> None:
    from cistrade.rates import ingest_rates

    store = open_store(db, read_only=False)
    try:  # each file in its own transaction (ingest_rates is all or nothing per file)
        rows = [ingest_rates(store, p) for p in _expand(paths)]
    finally:
        store.close()
    query = {"source": "rates", "paths": [str(p) for p in paths]}
    if fmt is Format.table:
        shown = [
            {**r, "file": Path(r["file"]).name, "currencies": len(r.get("currencies") or [])} for r in rows
        ]
        cols = ["file", "dataset_id", "status", "rows", "first_date", "last_date", "currencies"]
        emit(shown, fmt, columns=cols, title="exchange rates (EUR reference rates)", query=query)
    else:
        emit(rows, fmt, query=query)


def _print_details(report: Any) -> None:
    for f in report.files:
        name = Path(f.path).name
        if f.status == "unchanged":
            out.print(f"{name}: already stored as {f.dataset_id}; nothing changed", highlight=False)
        for w in f.warnings[:20]:
            out.print(f"[yellow]warning[/] {name}: {w}", highlight=False)
        for note in f.notes[:20]:
            out.print(f"{name}: {note}", highlight=False)
        reasons: dict[str, int] = {}
        for s in f.skipped:
            reasons[s["reason"]] = reasons.get(s["reason"], 0) + 1
        for reason, n in sorted(reasons.items(), key=lambda kv: -kv[1]):
            out.print(f"{name}: skipped {n} row(s): {reason}", highlight=False)
        if f.replaced_duplicates:
            out.print(
                f"{name}: {f.replaced_duplicates} key(s) appeared with different values; "
                "the later row was kept",
                highlight=False,
            )
    if not report.changed:
        out.print("nothing changed: every file, or every figure in it, was already in the store")


store_app = typer.Typer(help="Upkeep of the store file.", no_args_is_help=True)
app.add_typer(store_app, name="store")


@command("compact", on=store_app)
def store_compact(db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """Rewrite the store without unused space (what killed ingests leave behind); the
    figures stay as they are. Nothing else may have the store open."""
    from cistrade.store import Store, default_db_path

    path = Path(db or default_db_path())
    before, after = Store.compact(path)
    rows = [{"db": str(path), "bytes_before": before, "bytes_after": after,
             "reclaimed": before - after}]
    emit(rows, fmt, title=f"compacted {path}", query={"db": str(path)})


@command("sources")
def sources(fmt: FormatOption = Format.table) -> None:
    """The readers cistrade knows (built-in and third-party), whether each loads here, and why
    not; exit 1 when one cannot load."""
    from cistrade.sources import source_status

    rows = [{"name": st.name, "origin": st.origin, "available": st.available,
             "title": st.title, "reason": st.reason, "target": st.target}
            for st in source_status()]
    emit(rows, fmt, columns=["name", "available", "origin", "title", "reason"]
         if fmt is Format.table else None, title="sources")
    broken = [r for r in rows if not r["available"]]
    for r in broken:
        err.print(f"source {r['name']} ({r['origin']}) cannot load: {r['reason']}", markup=False,
                  highlight=False)
    if broken:
        raise typer.Exit(1)


@command("datasets")
def datasets(
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    verify: Annotated[
        bool,
        typer.Option("--verify", help="Check each dataset's file against the sha256 recorded at "
                     "ingest; exit 1 when one has changed or is missing."),
    ] = False,
) -> None:
    """List the datasets in the store with their provenance."""
    store = open_store(db)
    try:
        rows = store.verify_files() if verify else store.datasets()
    finally:
        store.close()
    cols = [
        "dataset_id",
        "source",
        "series",
        "vintage",
        "file_name",
        "row_count",
        "active_rows",
        "synthetic",
        "ingested_at",
    ]
    if verify:
        cols += ["file_status"]
    if fmt is Format.table:
        rows_shown = [{k: r[k] for k in cols} for r in rows]
        emit(rows_shown, fmt, columns=cols, title="datasets")
    else:
        emit(
            rows,
            fmt,
            columns=cols + ["sha256", "url", "licence", "retrieved_at", "title"]
            + (["file_path", "found_at"] if verify else []),
            query={"db": str(db or ""), "verify": verify},
        )
    broken = [r for r in rows if verify and r["file_status"] in ("changed", "missing")]
    for r in broken:
        where = f"; the ingested body is at {r['found_at']}" if r["found_at"] else ""
        err.print(f"{r['dataset_id']}: file {r['file_status']} since ingest: {r['file_path']}{where}",
                  markup=False, highlight=False)
    if broken:
        raise typer.Exit(1)


@command("countries")
def countries(
    query: Annotated[str, typer.Argument(help="A name, alias or code, in any language the registry knows.")],
    search: Annotated[bool, typer.Option(
        "--search", help="List the closest areas with their scores (0-100) instead of looking one up.",
    )] = False,
    limit: Annotated[int, typer.Option(help="With --search: how many areas to list.")] = 10,
    fmt: FormatOption = Format.table,
) -> None:
    """Look a country (or pseudo-area, or group row) up in the registry.

    An unknown name is an error (exit 1) naming the close matches, if any are close."""
    from cistrade.reference.countries import registry

    reg = registry()
    columns = ["code", "kind", "name_en", "name_ru", "iso2", "m49", "comtrade", "valid_from",
               "valid_to", "aliases"]
    if search:
        rows = [{"score": round(score, 1), **_area_row(a)} for a, score in reg.search(query, limit=limit)]
        columns = ["score", *columns]
    else:
        rows = [_area_row(reg.lookup(query))]
    emit(rows, fmt, columns=columns, query={"query": query, "search": search})


def _area_row(a: Any) -> dict[str, Any]:
    return {
        "code": a.code,
        "kind": a.kind,
        "name_en": a.name_en,
        "name_ru": a.name_ru,
        "iso2": a.iso2,
        "m49": a.m49,
        "comtrade": a.comtrade,
        "valid_from": a.valid_from,
        "valid_to": a.valid_to,
        "aliases": list(a.aliases)[:8],
    }


@command("blocs")
def blocs(
    name: Annotated[
        str | None, typer.Argument(help="A bloc (CIS, EAEU, EU27 …); none lists them all.")
    ] = None,
    on: Annotated[str | None, typer.Option(help="Members on this date (YYYY-MM-DD); default today.")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """A bloc's members on a date, with the source of each membership interval."""
    from cistrade.reference.blocs import bloc as get_bloc
    from cistrade.reference.blocs import blocs as all_blocs
    from cistrade.reference.countries import registry

    if name is None:
        rows = [
            {"id": b.id, "name_en": b.name_en, "name_ru": b.name_ru, "members_today": len(b.members())}
            for b in all_blocs()
        ]
        emit(rows, fmt, title="blocs")
        return
    when = _date(on) if on else date.today()
    bloc = get_bloc(name)
    current = set(bloc.members(on=when))
    reg = registry()
    rows = [
        {
            "code": m.member,
            "name": reg.get(m.member).name_en,
            "status": m.status,
            "start": m.start,
            "end": m.end,
            "member_on_date": m.member in current and _within(m, when),
            "source": m.source,
        }
        for m in bloc.memberships
    ]
    rows = [r for r in rows if r["member_on_date"]] if on else rows
    emit(
        rows,
        fmt,
        title=f"{bloc.id} members on {when}" if on else f"{bloc.id}: every membership interval",
        query={"bloc": bloc.id, "on": when.isoformat()},
        extra={"members": sorted(current)},
    )


def _within(m: Any, when: date) -> bool:
    return (m.start is None or m.start <= when) and (m.end is None or when <= m.end)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"not a date: {_cut(str(text))!r} (expected YYYY-MM-DD)") from None


@command("demo")
def demo(
    db: Annotated[
        Path | None, typer.Option("--db", help="Store to create (default: a fresh temporary file).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed of the synthetic world.")] = 42,
    fmt: FormatOption = Format.table,
) -> None:
    """Generate a small SYNTHETIC world, ingest it, and show partner shares for two CIS countries."""
    from cistrade import synthetic

    workdir = Path(tempfile.mkdtemp(prefix="cistrade-demo-"))
    db = db or workdir / "demo.duckdb"
    if db.exists():
        raise InputError(f"{db} exists already; the demo writes a fresh store (choose another --db)")
    err.print("[bold]cistrade demo[/]: the data below is SYNTHETIC (generated, not official statistics)")
    info = synthetic.small_world(workdir, seed=seed)
    report, _ = run_ingest(
        "tidy",
        [Path(p) for p in info.paths],
        db,
        {"series": f"synthetic/world-{seed}", "vintage": str(seed), "synthetic": True},
    )
    err.print(f"ingested {report.rows:,} synthetic rows into {db}")
    from cistrade.indicators import connect, share

    engine = connect(db)
    docs = []
    for reporter in ("KAZ", "ARM"):
        result = share(engine, reporter=reporter, period="2024", flow="turnover", top=5)
        docs.append(result.to_dict())
        if fmt is Format.table:
            emit(
                result.rows,
                fmt,
                columns=["rank", "partner", "partner_name", "value", "share"],
                title=f"{reporter}: top partners by turnover, 2024 (SYNTHETIC data)",
                formatters={"share": lambda v: f"{v * 100:.1f}%", "value": lambda v: f"{v / 1e6:,.1f} m USD"},
            )
    if fmt is not Format.table:
        emit(
            [r for d in docs for r in d["rows"]],
            fmt,
            query={"demo": True, "db": str(db), "synthetic": True},
            datasets=docs[0]["datasets"],
            extra={"synthetic": True},
        )
    else:
        out.print(f"\nThe store is at {db}. Try: cistrade share --reporter KAZ --period 2024 --db {db}")
        out.print("All figures above come from a synthetic world, labelled so in the store's provenance.")
