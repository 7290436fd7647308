"""Indicator commands: share, bloc-share, growth, roles, balance, mirror.

Each prints a table (default), CSV, or with ``--format json`` one JSON document on stdout:
``{"query", "rows", "datasets", "notes"}`` (``docs/output-contract.md``). The indicator
machinery (Ibis, DuckDB, Spark) is imported only when a command runs, so that
``cistrade --help`` and every other command start fast.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from cistrade.cli.base import DbOption, Format, FormatOption, command, emit, out
from cistrade.model import TradeFlow

__all__ = ["run_indicator", "print_result"]


class EngineName(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


class Basis(StrEnum):
    origin = "origin"
    consignment = "consignment"


EngineOption = Annotated[EngineName, typer.Option("--engine", help="duckdb (default) or spark.")]
SourceOption = Annotated[str | None, typer.Option(
    "--source", help="Use this source only (ru-fts, kz-bns, uz-stat, am-armstat, imf, comtrade, "
                     "eurostat, baci, tidy); default: the documented preference.")]
ReporterOption = Annotated[str, typer.Option(
    "--reporter", "-r", help="Reporting country: a name or code (Kazakhstan, KAZ, KZ, 398); "
                             "'*' for every reporter.")]
PeriodOption = Annotated[str, typer.Option(
    "--period", "-p", help="2024, 2024-Q3, 2024-09 or a range 2024-01..2024-09.")]
FlowOption = Annotated[TradeFlow, typer.Option("--flow", help="turnover, export or import.")]
BasisOption = Annotated[Basis | None, typer.Option(
    "--basis", help="Imports by country of origin (default) or consignment, where the source "
                    "gives both.")]
PartnerOption = Annotated[str | None, typer.Option("--partner", help="A partner country.")]
CifFobOption = Annotated[float, typer.Option(
    "--cif-fob", help="CIF/FOB factor for mirror figures (imports / factor, exports × factor).")]

_COLUMNS: dict[str, list[str]] = {
    "share": ["rank", "partner", "partner_name", "value", "share", "basis"],
    "bloc_share": ["partner", "partner_name", "value", "share", "method"],
    "growth": ["partner", "partner_name", "period", "value", "previous_value", "change",
               "growth"],
    "roles": ["partner", "partner_name", "supplier_rank", "supplier_value", "supplier_share",
              "market_rank", "market_value", "market_share", "basis"],
    "balance": ["partner", "partner_name", "export", "import", "balance"],
    "mirror": ["partner", "partner_name", "export_reported", "export_mirror", "export_ratio",
               "import_reported", "import_mirror", "import_ratio"],
}
_PERCENT = ("share", "growth", "supplier_share", "market_share")
SHOWN_DATASETS = 12
_RATIO = ("export_ratio", "import_ratio")


def _money(value: Any) -> str:
    if value is None:
        return ""
    return f"{value / 1e6:,.1f} m"


def _percent(value: Any) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def _ratio(value: Any) -> str:
    return "" if value is None else f"{value:.3f}"


def _formatters(columns: list[str]) -> dict[str, Any]:
    fmts: dict[str, Any] = {}
    for c in columns:
        if c in _PERCENT:
            fmts[c] = _percent
        elif c in _RATIO:
            fmts[c] = _ratio
        elif c.endswith("value") or c in ("value", "export", "import", "balance", "change") or (
                c.startswith(("export_", "import_"))):
            fmts[c] = _money
    return fmts


def _title(doc: dict[str, Any]) -> str:
    q = doc["query"]
    who = q.get("reporter") or q.get("group")
    what = q["indicator"].replace("_", " ")
    extra = f" with {q['partner']}" if q.get("partner") and q["indicator"] != "share" else ""
    bloc = f" — {q['bloc']}" if q.get("bloc") else ""
    flow = f", {q['flow']}" if q.get("flow") else ""
    return f"{who}: {what}{bloc}{extra}{flow}, {q.get('period')} ({q.get('currency')})"


def print_result(result: Any, fmt: Format | str) -> None:
    """A Result as a table (with its notes and datasets), CSV, or the JSON contract."""
    doc = result.to_dict()
    fmt = Format(fmt)
    if fmt is Format.json:
        extra = {k: v for k, v in doc.items() if k not in ("query", "rows", "datasets")}
        emit(doc["rows"], fmt, query=doc["query"], datasets=doc["datasets"], extra=extra)
        return
    columns = _COLUMNS.get(result.kind, list(doc["rows"][0]) if doc["rows"] else [])
    if fmt is Format.csv:
        full = list(dict.fromkeys(k for r in doc["rows"] for k in r)) or columns
        emit(doc["rows"], fmt, columns=full)
        return
    if doc["query"].get("reporter") == "*":
        columns = ["reporter", *columns]
    emit(doc["rows"], fmt, columns=columns, title=_title(doc), formatters=_formatters(columns))
    for note in doc["notes"]:
        out.print(f"· {note}", highlight=False, markup=False)
    shown = doc["datasets"][:SHOWN_DATASETS]
    for d in shown:
        label = " (SYNTHETIC)" if d.get("synthetic") else ""
        out.print(f"  source: {d['source']} {d['file']} vintage {d['vintage']} [{d['id']}]{label}",
                  highlight=False, markup=False)
    if len(doc["datasets"]) > len(shown):
        sources = sorted({d["source"] for d in doc["datasets"][len(shown):]})
        out.print(f"  … and {len(doc['datasets']) - len(shown)} more datasets "
                  f"({', '.join(sources)}; --format json lists them all)", highlight=False,
                  markup=False)


def run_indicator(name: str, db: Path | None, engine: str, fmt: Format, **kwargs: Any) -> None:
    """Open the store, run one indicator of :mod:`cistrade.indicators`, print it."""
    from cistrade import indicators

    eng = indicators.connect(db, engine=str(engine))
    try:
        result = getattr(indicators, name)(eng, **kwargs)
    finally:
        eng.close()
    print_result(result, fmt)


@command("share")
def share_cmd(reporter: ReporterOption, period: PeriodOption,
              flow: FlowOption = TradeFlow.TURNOVER, basis: BasisOption = None,
              top: Annotated[int | None, typer.Option("--top", help="Only the top N.")] = None,
              partner: PartnerOption = None, db: DbOption = None, fmt: FormatOption = Format.table,
              engine: EngineOption = EngineName.duckdb, source: SourceOption = None) -> None:
    """Partners' shares of a reporter's trade, with ranks among countries."""
    run_indicator("share", db, engine, fmt, reporter=reporter, period=period, flow=flow.value,
                  basis=basis.value if basis else None, top=top, partner=partner, source=source)


@command("bloc-share")
def bloc_share_cmd(reporter: ReporterOption, period: PeriodOption,
                   bloc: Annotated[str, typer.Option("--bloc", "-b", help="CIS, EAEU, EU …")],
                   flow: FlowOption = TradeFlow.TURNOVER, basis: BasisOption = None,
                   db: DbOption = None, fmt: FormatOption = Format.table,
                   engine: EngineOption = EngineName.duckdb, source: SourceOption = None) -> None:
    """A bloc's share of a reporter's trade (members during the period, or the published
    group row), with each member's contribution."""
    run_indicator("bloc_share", db, engine, fmt, reporter=reporter, bloc=bloc, period=period,
                  flow=flow.value, basis=basis.value if basis else None, source=source)


@command("growth")
def growth_cmd(reporter: ReporterOption, period: PeriodOption,
               partner: Annotated[str | None, typer.Option(
                   "--partner", help="A country, a bloc (CIS …), '*' for every partner; "
                                     "default: the world.")] = None,
               flow: FlowOption = TradeFlow.TURNOVER,
               by: Annotated[str | None, typer.Option(
                   "--by", help="'month': each month against the same month a year earlier.")]
               = None,
               basis: BasisOption = None, db: DbOption = None, fmt: FormatOption = Format.table,
               engine: EngineOption = EngineName.duckdb, source: SourceOption = None) -> None:
    """Year-on-year growth over a period range (e.g. 2024-01..2024-09 against 2023-01..2023-09)."""
    run_indicator("growth", db, engine, fmt, reporter=reporter, period=period, partner=partner,
                  flow=flow.value, by=by, basis=basis.value if basis else None, source=source)


@command("roles")
def roles_cmd(group: Annotated[str, typer.Option("--group", "-g", help="A bloc: CIS, EAEU …")],
              period: PeriodOption,
              top: Annotated[int, typer.Option("--top", help="Partners ranked in the top N.")] = 10,
              cif_fob: CifFobOption = 1.06, db: DbOption = None,
              fmt: FormatOption = Format.table, engine: EngineOption = EngineName.duckdb,
              source: SourceOption = None) -> None:
    """A group's largest suppliers and markets (members' imports from and exports to each
    partner), and each member's top partners."""
    run_indicator("roles", db, engine, fmt, group=group, period=period, top=top,
                  cif_fob=cif_fob, source=source)


@command("balance")
def balance_cmd(reporter: ReporterOption, period: PeriodOption, partner: PartnerOption = None,
                db: DbOption = None, fmt: FormatOption = Format.table,
                engine: EngineOption = EngineName.duckdb, source: SourceOption = None) -> None:
    """Exports minus imports, in total (WLD) and by partner."""
    run_indicator("balance", db, engine, fmt, reporter=reporter, period=period,
                  partner=partner, source=source)


@command("mirror")
def mirror_cmd(reporter: ReporterOption, period: PeriodOption, partner: PartnerOption = None,
               cif_fob: CifFobOption = 1.06, db: DbOption = None,
               fmt: FormatOption = Format.table, engine: EngineOption = EngineName.duckdb,
               source: SourceOption = None) -> None:
    """A reporter's own figures beside its partners' reports, the asymmetry ratios, and the
    filled view (reported where published, else mirror)."""
    run_indicator("mirror", db, engine, fmt, reporter=reporter, period=period, partner=partner,
                  cif_fob=cif_fob, source=source)
