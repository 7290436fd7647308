"""Web commands: ``serve`` (the JSON API and dashboard) and ``report`` (a self-contained HTML report)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from cistrade.cli.base import DbOption, command, err, out
from cistrade.errors import InputError

log = logging.getLogger(__name__)


def _store_path(db: Path | None) -> Path:
    from cistrade.store import default_db_path

    path = Path(db or default_db_path())
    if not path.exists():
        raise InputError(f"no store at {path}; run `cistrade ingest …` or `cistrade demo` first")
    return path


@command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on (default: loopback only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=0, max=65535)] = 8000,
    db: DbOption = None,
    engine: Annotated[str, typer.Option(help="duckdb (default) or spark.")] = "duckdb",
    workers_log: Annotated[str, typer.Option("--log-level", help="uvicorn log level.")] = "warning",
) -> None:
    """Serve the read-only JSON API (/api/v1, docs at /docs) and the dashboard (/)."""
    import uvicorn

    from cistrade.web import create_app
    from cistrade.web.assets import warm

    app = create_app(_store_path(db), engine=engine)
    warm()
    err.print(f"cistrade: serving {app.state.db} on http://{host}:{port}/ (Ctrl-C stops)", highlight=False)
    uvicorn.run(app, host=host, port=port, log_level=workers_log, access_log=False)


@command("report")
def report(
    reporter: Annotated[str, typer.Option("--reporter", "-r", help="Reporting country (name or code).")],
    period: Annotated[str, typer.Option("--period", "-p", help="2024, 2024-Q3 or 2024-01..2024-09.")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the report into.")],
    db: DbOption = None,
    bloc: Annotated[str, typer.Option("--bloc", "-b", help="Bloc for the share-over-time chart and matrix.")]
    = "CIS",
    flow: Annotated[str, typer.Option("--flow", help="turnover, export or import.")] = "turnover",
    estimate: Annotated[bool, typer.Option("--estimate", help="The partners' shares and the "
                        "bloc's share estimated from the partners' reports, with their band "
                        "(docs/estimate.md).")] = False,
) -> None:
    """Write a self-contained HTML report (charts inline as SVG) plus each chart as PNG and SVG."""
    from cistrade.report import write_report

    written = write_report(_store_path(db), reporter=reporter, period=period, out=out_dir, bloc=bloc,
                           flow=flow, estimate=estimate)
    for path in written:
        out.print(str(path), highlight=False)
