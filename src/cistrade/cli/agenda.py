"""``cistrade agenda``: the cooperation agenda register (ingest, list, economic share, areas).

    cistrade agenda ingest --shipped                    # the register shipped with cistrade
    cistrade agenda ingest measures.csv plan.yaml       # one transaction: all or nothing
    cistrade agenda list --participant KAZ --period 2024 --area transport
    cistrade agenda share --participant CIS --period 2024
    cistrade agenda areas                               # the documented areas, economic or not

Every listing takes ``--format table|csv|json`` (JSON: the output contract, ``{"query",
"rows", "datasets", "notes"}``; ``share`` adds the section ``entries``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from cistrade.cli.base import DbOption, Format, FormatOption, app, command, emit, open_store, out

__all__ = ["agenda_app"]

agenda_app = typer.Typer(
    help="The cooperation agenda register: measures and agreements with their sources.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(agenda_app, name="agenda")

AreaOption = Annotated[str | None, typer.Option("--area", help="An area (energy, transport …).")]
ParticipantOption = Annotated[str | None, typer.Option(
    "--participant", help="A country (its entries, directly or through a bloc) or a bloc.")]
PeriodOption = Annotated[str | None, typer.Option(
    "--period", "-p", help="Entries adopted in it: 2024, 2024-Q3, 2023-01..2024-12.")]
BodyOption = Annotated[str | None, typer.Option(
    "--body", help="The adopting body contains this text (Council of Heads of Government …).")]
StatusOption = Annotated[str | None, typer.Option("--status", help="planned, adopted, signed …")]
KindOption = Annotated[str | None, typer.Option("--kind", help="measure, agreement, plan …")]

_LIST_COLUMNS = ["date_adopted", "entry_id", "area", "economic", "title", "adopting_body",
                 "status"]


def _filters(area: str | None, participant: str | None, period: str | None, body: str | None,
             status: str | None, kind: str | None) -> Any:
    from cistrade.agenda import Filters

    return Filters(area=area, participant=participant, period=period, body=body, status=status,
                   kind=kind)


def _print(result: Any, fmt: Format, columns: list[str], title: str) -> None:
    doc = result.to_dict()
    if fmt is Format.json:
        extra = {k: v for k, v in doc.items() if k not in ("query", "rows", "datasets")}
        emit(doc["rows"], fmt, query=doc["query"], datasets=doc["datasets"], extra=extra)
        return
    if fmt is Format.csv:
        rows = doc.get("entries", doc["rows"])
        emit(rows, fmt, columns=list(dict.fromkeys(k for r in rows for k in r)))
        return
    emit(doc["rows"], fmt, columns=columns, title=title)
    for note in doc["notes"]:
        out.print(f"· {note}", highlight=False, markup=False)
    for f in doc["datasets"]:
        label = " (SYNTHETIC)" if f["synthetic"] else ""
        out.print(f"  register: {f['file']} [{f['id']}]{label}", highlight=False, markup=False)


@command("ingest", on=agenda_app)
def ingest_cmd(paths: Annotated[list[Path] | None, typer.Argument(
                   help="Register files (.csv, .yaml); see docs/agenda.md.")] = None,
               shipped: Annotated[bool, typer.Option(
                   "--shipped", help="Also the register shipped with cistrade.")] = False,
               synthetic: Annotated[bool, typer.Option(
                   "--synthetic", help="Mark the files' entries as synthetic.")] = False,
               db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """Read register files into the store, every row checked, in one transaction."""
    from cistrade.agenda import SHIPPED, ingest_register
    from cistrade.errors import InputError

    files = list(paths or [])
    if shipped:
        files.insert(0, Path(str(SHIPPED)))
    if not files:
        raise InputError("no register file given (or --shipped)")
    store = open_store(db, read_only=False)
    try:
        reports = ingest_register(store, files, synthetic=synthetic)
    finally:
        store.close()
    rows = [{"file": Path(r.path).name, "file_id": r.file_id, "status": r.status,
             "entries": r.entries, "replaced": r.replaced, "synthetic": r.synthetic}
            for r in reports]
    emit(rows, fmt, title=f"agenda ingest into {store.path}",
         query={"command": "agenda ingest", "db": str(store.path)})


@command("list", on=agenda_app)
def list_cmd(area: AreaOption = None, participant: ParticipantOption = None,
             period: PeriodOption = None, body: BodyOption = None, status: StatusOption = None,
             kind: KindOption = None, db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """The register's entries, by area, participant and period, with their sources."""
    from cistrade.agenda import entries

    store = open_store(db)
    try:
        result = entries(store.con, _filters(area, participant, period, body, status, kind))
    finally:
        store.close()
    _print(result, fmt, _LIST_COLUMNS, f"agenda: {len(result.rows)} entr"
                                       f"{'y' if len(result.rows) == 1 else 'ies'}")


@command("share", on=agenda_app)
def share_cmd(area: AreaOption = None, participant: ParticipantOption = None,
              period: PeriodOption = None, body: BodyOption = None, status: StatusOption = None,
              kind: KindOption = None, db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """The share of the selected measures on economic issues, and the list behind it."""
    from cistrade.agenda import economic_share

    store = open_store(db)
    try:
        result = economic_share(store.con, _filters(area, participant, period, body, status, kind))
    finally:
        store.close()
    figure = result.rows[0]
    if fmt is not Format.table:
        _print(result, fmt, [], "")
        return
    out.print(f"economic: {figure['economic']} of {figure['entries']} entries = "
              f"{figure['share'] * 100:.1f}%", highlight=False)
    listed = result.sections["entries"]
    emit(listed, fmt, columns=["economic", "area", "date_adopted", "entry_id", "title"])
    for note in result.notes:
        out.print(f"· {note}", highlight=False, markup=False)


@command("areas", on=agenda_app)
def areas_cmd(fmt: FormatOption = Format.table) -> None:
    """The documented areas of the register, each economic or not."""
    from cistrade.agenda import AREAS

    rows = [{"area": a.value, "economic": econ, "name_ru": ru, "also": ", ".join(other)}
            for a, (econ, ru, other) in AREAS.items()]
    emit(rows, fmt, title="agenda areas (docs/agenda.md)", query={"command": "agenda areas"})
