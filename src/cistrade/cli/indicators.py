"""Indicator commands: one per declaration of :mod:`cistrade.indicators.registry`.

Each prints a table (default), CSV, or with ``--format json`` one JSON document on stdout:
``{"query", "rows", "datasets", "notes"}`` (``docs/output-contract.md``). A command's options
are its indicator's parameters (:class:`~cistrade.indicators.spec.Param`: name, type, default,
help, short flag), then ``--db``, ``--format`` and ``--engine``; it calls the indicator's
function, never a name looked up. The indicator machinery (Ibis, DuckDB, Spark) is imported
only when a command runs, so that ``cistrade --help`` and every other command start fast.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from cistrade.cli.base import DbOption, Format, FormatOption, command, emit, out
from cistrade.indicators.engine import EngineName, connect
from cistrade.indicators.registry import INDICATORS
from cistrade.indicators.spec import Indicator, Param

__all__ = ["run_indicator", "print_result", "indicator_command"]

EngineOption = Annotated[EngineName, typer.Option("--engine", help="duckdb (default) or spark.")]
_PERCENT = ("share", "growth", "supplier_share", "market_share", "share_low", "share_high",
            "growth_low", "growth_high")
#: what an estimate's table shows besides the indicator's columns (``--estimate``)
_ESTIMATE_COLUMNS = ("share_low", "share_high", "growth_low", "growth_high", "rank_range",
                     "supplier_rank_range", "market_rank_range", "method")
#: the ranks an estimate sets only where certain: its table shows the ranges instead
_RANKS = ("rank", "supplier_rank", "market_rank")
SHOWN_DATASETS = 12
_RATIO = ("export_ratio", "import_ratio", "rca", "rsca", "eci", "pci")
_INDEX = ("index", "contribution")


def _money(value: Any) -> str:
    if value is None:
        return ""
    return f"{value / 1e6:,.1f} m"


def _percent(value: Any) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def _ratio(value: Any) -> str:
    return "" if value is None else f"{value:.3f}"


def _index(value: Any) -> str:
    return "" if value is None else f"{value:.1f}"


def _formatters(columns: list[str]) -> dict[str, Any]:
    fmts: dict[str, Any] = {}
    for c in columns:
        if c in _PERCENT or c.endswith("_share"):
            fmts[c] = _percent
        elif c in _RATIO:
            fmts[c] = _ratio
        elif c in _INDEX:
            fmts[c] = _index
        elif c.endswith("value") or c in ("value", "export", "import", "balance", "change") or (
                c.startswith(("export_", "import_"))):
            fmts[c] = _money
    return fmts


def _title(doc: dict[str, Any]) -> str:
    q = doc["query"]
    who = next((q[k] for k in ("reporter", "group", "exporter") if q.get(k)), None) or q.get(
        "bloc") or "*"
    who = "every exporter" if who == "*" and "level" in q else who
    what = q["indicator"].replace("_", " ")
    if q.get("basis") == "estimate":
        what += " (ESTIMATE from the partners' reports)"
    other = next((q[k] for k in ("partner", "importer", "other") if q.get(k)), None)
    extra = f" with {other}" if other and q["indicator"] != "share" else ""
    bloc = f" — {q['bloc']}" if q.get("bloc") and q["bloc"] != who else ""
    flow = f", {q['flow']}" if q.get("flow") else ""
    products = f", {q['product_class']} at {q['level']}" if q.get("level") else ""
    return f"{who}: {what}{bloc}{extra}{flow}{products}, {q.get('period')} ({q.get('currency')})"


def print_result(result: Any, fmt: Format | str) -> None:
    """A Result as a table (with its notes and datasets), CSV, or the JSON contract."""
    doc = result.to_dict()
    fmt = Format(fmt)
    if fmt is Format.json:
        extra = {k: v for k, v in doc.items() if k not in ("query", "rows", "datasets")}
        emit(doc["rows"], fmt, query=doc["query"], datasets=doc["datasets"], extra=extra)
        return
    columns = _columns(result.kind, doc["rows"])
    if fmt is Format.csv:
        full = list(dict.fromkeys(k for r in doc["rows"] for k in r)) or columns
        emit(doc["rows"], fmt, columns=full)
        return
    if doc["query"].get("reporter") == "*" and "country" not in columns:
        columns = ["reporter", *columns]
    emit(doc["rows"], fmt, columns=columns, title=_title(doc), formatters=_formatters(columns))
    _print_sections(result.kind, doc)
    for note in doc["notes"]:
        out.print(f"· {note}", highlight=False, markup=False)
    _print_datasets(doc["datasets"])


def _print_sections(kind: str, doc: dict[str, Any]) -> None:
    """The sections an indicator declares for the table view (its ``section_columns``),
    each a table of its own after the rows."""
    spec = next((i for i in INDICATORS if i.name == kind), None)
    for name, columns in (spec.section_columns.items() if spec else ()):
        rows = doc.get(name) or []
        if rows:
            emit(rows, Format.table, columns=list(columns), title=name.replace("_", " "),
                 formatters=_formatters(list(columns)))


def _print_datasets(datasets: list[dict[str, Any]]) -> None:
    """The first datasets behind a table, then how many more (JSON lists them all)."""
    shown = datasets[:SHOWN_DATASETS]
    for d in shown:
        label = " (SYNTHETIC)" if d.get("synthetic") else ""
        out.print(f"  source: {d['source']} {d['file']} vintage {d['vintage']} [{d['id']}]{label}",
                  highlight=False, markup=False)
    if len(datasets) > len(shown):
        sources = sorted({d["source"] for d in datasets[len(shown):]})
        out.print(f"  … and {len(datasets) - len(shown)} more datasets "
                  f"({', '.join(sources)}; --format json lists them all)", highlight=False,
                  markup=False)


def _columns(kind: str, rows: list[dict[str, Any]]) -> list[str]:
    for ind in INDICATORS:
        if ind.name == kind:
            if rows and rows[0].get("basis") == "estimate":  # the band, not a single rank
                present = {c for r in rows for c in r}
                return list(dict.fromkeys([c for c in ind.columns if c not in _RANKS] + [
                    c for c in _ESTIMATE_COLUMNS if c in present]))
            return list(ind.columns)
    return list(rows[0]) if rows else []


def run_indicator(spec: Indicator, db: Path | None, engine: str, fmt: Format,
                  **kwargs: Any) -> None:
    """Open the store, run one indicator (its declared function), print it."""
    eng = connect(db, engine=str(engine))
    try:
        result = spec.function(eng, **kwargs)
    finally:
        eng.close()
    print_result(result, fmt)


def _plain(value: Any) -> Any:
    """An option's value as the Python API takes it (an enum as its text)."""
    return value.value if isinstance(value, StrEnum) else value


def _option(p: Param) -> inspect.Parameter:
    annotation = Annotated[p.type, typer.Option(*p.flags, help=p.help)]
    default = inspect.Parameter.empty if p.required else p.default
    return inspect.Parameter(p.name, inspect.Parameter.KEYWORD_ONLY, default=default,
                             annotation=annotation)


_COMMON = (
    inspect.Parameter("db", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=DbOption),
    inspect.Parameter("fmt", inspect.Parameter.KEYWORD_ONLY, default=Format.table,
                      annotation=FormatOption),
    inspect.Parameter("engine", inspect.Parameter.KEYWORD_ONLY, default=EngineName.DUCKDB,
                      annotation=EngineOption),
)


def indicator_command(spec: Indicator) -> Callable[..., None]:
    """The Typer command of an indicator: its parameters as options (in their declared
    order, required ones first as declared), then the store, the format and the engine."""

    def run(**kw: Any) -> None:
        db, fmt, engine = kw.pop("db"), kw.pop("fmt"), kw.pop("engine")
        run_indicator(spec, db, _plain(engine), fmt, **{k: _plain(v) for k, v in kw.items()})

    run.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [*(_option(p) for p in spec.all_params), *_COMMON])
    run.__name__ = f"{spec.name}_cmd"
    run.__doc__ = spec.help
    return run


for _spec in INDICATORS:
    command(_spec.command)(indicator_command(_spec))
