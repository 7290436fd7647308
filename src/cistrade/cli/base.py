"""The Typer app every command module registers on, and the shared CLI plumbing.

Each command module (``cli/core.py``, ``cli/indicators.py`` …) decorates its functions
with :func:`command`, which turns every cistrade error into one clear line on stderr and a
non-zero exit code — never a traceback. Output goes through :func:`emit`: a Rich table, CSV,
or one JSON document on stdout (``{"query", "rows", "datasets"}``) and nothing else there.
"""

from __future__ import annotations

import csv
import functools
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cistrade.contract import jsonable
from cistrade.errors import CistradeError, InputError

__all__ = [
    "app",
    "command",
    "guarded",
    "emit",
    "DbOption",
    "FormatOption",
    "Format",
    "err",
    "out",
    "open_store",
]

app = typer.Typer(
    name="cistrade",
    help="Official trade statistics of the CIS countries: ingest, compute, check claims.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)

# piped output is not cut to 80 columns: tables keep their figures readable
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True)


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="DuckDB store file (default: the user data dir, or $CISTRADE_DB).",
        envvar="CISTRADE_DB",
        show_default=False,
    ),
]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output: table, csv or json.")]

EXIT_ERROR = 1
EXIT_INTERNAL = 3


def guarded(fn: Callable[..., Any], *, interrupted: str = "") -> Callable[..., Any]:
    """``fn`` with every cistrade error turned into one line on stderr and exit 1."""
    note = interrupted or "interrupted; the store is unchanged by the unfinished step"

    @functools.wraps(fn)
    def wrapper(*args: Any, **kw: Any) -> Any:
        try:
            return fn(*args, **kw)
        except CistradeError as exc:
            # the message is the user's text and file names: never read as Rich markup
            # (a '[2023]' or '[col]' in it would vanish)
            err.print(f"[bold red]error[/]: {escape(str(exc))}", highlight=False, markup=True)
            detail = getattr(exc, "available", None)
            if detail:
                err.print(f"available: {_short(detail)}", highlight=False, markup=False)
            raise typer.Exit(EXIT_ERROR) from None
        except typer.Exit:
            raise
        except BrokenPipeError:  # `cistrade … | head`: the reader has gone; stop quietly
            import contextlib

            with contextlib.suppress(OSError):
                sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the final flush
            raise typer.Exit(0) from None
        except KeyboardInterrupt:
            err.print(note)
            raise typer.Exit(130) from None
        except Exception as exc:  # noqa: BLE001 - the CLI edge: never a traceback
            if os.environ.get("CISTRADE_DEBUG"):
                raise
            logging.getLogger("cistrade").debug("internal error", exc_info=True)
            err.print(
                f"[bold red]internal error[/]: {type(exc).__name__}: {escape(str(exc))}\n"
                "(set CISTRADE_DEBUG=1 for the traceback, and please report it)",
                highlight=False,
            )
            raise typer.Exit(EXIT_INTERNAL) from None

    return wrapper


def command(
    *names: str, on: typer.Typer | None = None, interrupted: str = "", **kwargs: Any
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a command (on ``app``, or the sub-app ``on``) wrapped by :func:`guarded`."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        (on or app).command(*names, **kwargs)(guarded(fn, interrupted=interrupted))
        return fn

    return decorate


def _short(obj: Any) -> str:
    text = json.dumps(obj, ensure_ascii=False, default=str)
    return text if len(text) < 2000 else text[:2000] + " …"


def open_store(db: Path | None, *, read_only: bool = True):  # noqa: ANN201
    from cistrade.store import Store, default_db_path

    path = db or default_db_path()
    if read_only and not Path(path).exists():
        raise InputError(f"no store at {path}; run `cistrade ingest …` or `cistrade demo` first")
    return Store(path, read_only=read_only)


def to_json(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, default=jsonable)


def emit(
    rows: Sequence[dict[str, Any]],
    fmt: Format | str,
    *,
    columns: Sequence[str] | None = None,
    title: str | None = None,
    query: dict[str, Any] | None = None,
    datasets: Sequence[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
    formatters: dict[str, Callable[[Any], str]] | None = None,
    footer: str | None = None,
) -> None:
    """Print rows as a table, CSV or one JSON document."""
    fmt = Format(fmt)
    cols = list(columns or (rows[0].keys() if rows else []))
    if fmt is Format.json:
        doc: dict[str, Any] = {"query": query or {}, "rows": list(rows)}
        if datasets is not None:
            doc["datasets"] = list(datasets)
        doc.update(extra or {})
        sys.stdout.write(to_json(doc) + "\n")
        return
    if fmt is Format.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _csv_cell(row.get(k)) for k in cols})
        return
    table = Table(title=title, title_justify="left", header_style="bold")
    fmts = formatters or {}
    for c in cols:
        numeric = any(isinstance(r.get(c), int | float) and not isinstance(r.get(c), bool) for r in rows)
        long = any(len(_cell(r.get(c))) > 40 for r in rows)
        table.add_column(
            c,
            justify="right" if numeric else "left",
            no_wrap=long,
            overflow="ellipsis",
            max_width=48 if long else None,
        )
    for row in rows:
        table.add_row(*[fmts[c](row.get(c)) if c in fmts else _cell(row.get(c)) for c in cols])
    out.print(table)
    if footer:
        out.print(footer, highlight=False)


def _csv_cell(value: Any) -> Any:
    value = jsonable(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def _cell(value: Any) -> str:
    value = jsonable(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)
