"""What every strengths indicator shares: its world table, its run on the skeleton, its sides,
and what it says about the countries it names.

Each strengths indicator (:mod:`.rca`, :mod:`.complementarity`, :mod:`.matrix`,
:mod:`.similarity`, :mod:`.complexity`, :mod:`.profile`) runs on the indicators' one skeleton
(:func:`~cistrade.indicators.spec.answer`) through :func:`answered`: its ``make()`` chooses the
world table (:func:`~cistrade.indicators.strengths.frame.select_products`) and builds the
indicator's Ibis expression over it once per store version; the :class:`World` is kept with
the prepared query, so a warm call neither plans nor imports Ibis. Every answer's notes say
what the world is (source, classification, frequency, period, how many exporters, the product
level), the product names' note says which nomenclature file named them, and the ``members``
section (:func:`members`) says of every country a figure names whether the table holds its
own export rows and its imports, so that a country with no data is said, never dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from cistrade.errors import InputError
from cistrade.indicators.args import PeriodLike, area_name, period_range, resolve_partner
from cistrade.indicators.provenance import datasets_of
from cistrade.indicators.result import Result
from cistrade.indicators.spec import Answer, JSONDict, Param, answer, period_echo
from cistrade.indicators.strengths.frame import (
    Level,
    ProductSelection,
    level_of,
    product_rows,
    select_products,
)
from cistrade.indicators.strengths.names import product_names
from cistrade.indicators.strengths.shares import Side

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir
    import pyarrow as pa

    from cistrade.indicators.engine import Engine
    from cistrade.model import PeriodRange

__all__ = ["World", "answered", "finish", "names_of", "side_of", "side_note", "members",
           "MemberStatus", "EXPORTER", "LEVEL", "PRODUCT_CLASS", "STRENGTHS_SOURCE", "Level"]

# -- the parameters the strengths indicators share --------------------------------------------

LEVEL = Param("level", Level, Level.HS6, help="Product level: HS2, HS4 or HS6 (HS codes "
              "truncated).", short="-l")
PRODUCT_CLASS = Param("product_class", str | None, None, help="Use this product classification "
                      "only (HS22, HS17 …); default: the newest HS revision covering the period.",
                      bounds={"max_length": 16})
EXPORTER = Param("exporter", str, help="The exporting country or bloc.", short="-x",
                 bounds={"min_length": 1, "max_length": 80})
STRENGTHS_SOURCE = Param("source", str | None, None, help="Use this product-level source only "
                         "(baci, comtrade, tidy …); default: the documented preference.",
                         bounds={"max_length": 40})


@dataclass(frozen=True)
class World:
    """The world table an answer was read from and its product level: kept with the
    prepared query (so a warm call neither plans nor imports Ibis), picklable."""

    sel: ProductSelection
    level: Level


def _world(eng: Engine, rng: PeriodRange, level: Level, source: str | None,
           product_class: str | None) -> tuple[World, JSONDict, list[JSONDict], list[str]]:
    """The world table of a question: the selection, the query echo, its datasets and the
    notes saying what it covers (the product names' note is added per call: :func:`names_of`)."""
    sel = select_products(eng, rng, source=source, product_class=product_class)
    notes = [sel.describe(),
             f"the world is these {len(sel.exporters)} exporters: a product's world exports "
             "and an importer's imports are the sums of their rows (a mirror view)",
             f"products at {level} (codes of {sel.product_class} truncated; codes shorter than "
             "the full detail, a publisher's subtotals, left out)"]
    if sel.overlap:
        notes.append("overlapping datasets: the newest vintage of each figure kept")
    if sel.others:
        notes.append("also in the store, not used: " + ", ".join(sel.others))
    query = {**period_echo(rng), "level": level.value, "source": sel.source,
             "product_class": sel.product_class, "freq": sel.freq, "currency": sel.currency,
             "exporters": len(sel.exporters), "engine": eng.name}
    return World(sel, level), query, datasets_of(eng, sel.datasets), notes


def names_of(eng: Engine, world: World) -> tuple[dict[str, str], str]:
    """The product names of the publisher's nomenclature beside the data, and the note
    saying which file (read on every call, not kept with the prepared query: a file laid
    beside the data later is found without the store changing)."""
    records = [eng.datasets[d] for d in world.sel.datasets if d in eng.datasets]
    names, names_file = product_names(records, world.sel.product_class)
    note = (f"product names from {names_file.name}" if names_file else
            f"no product_codes_{world.sel.product_class}_*.csv beside the data: products unnamed")
    return names, note


def answered(eng: Engine, key: tuple[Any, ...], period: PeriodLike, level: Level | str, source: str | None,
             product_class: str | None, expr: Callable[[World], ir.Table],
             echo: JSONDict | None = None) -> tuple[Answer[World], pa.Table]:
    """The skeleton's run (:func:`~cistrade.indicators.spec.answer`) for a strengths
    question: ``make()`` chooses the world table and builds ``expr(world)`` over it once per
    store version; the answer carries the query echo (``echo`` added), datasets and notes."""
    eng.refresh()
    rng = period_range(period)
    lvl = level_of(level)

    def make() -> tuple[ir.Table, Answer[World]]:
        world, query, datasets, notes = _world(eng, rng, lvl, source, product_class)
        return expr(world), Answer({**query, **(echo or {})}, datasets, notes, extra=world)

    return answer(eng, ("strengths", key[0], str(rng), lvl.value, source, product_class,
                        *key[1:]), make)


def finish(kind: str, found: Answer[World], notes: list[str], **kw: Any) -> Result:
    """The :class:`Result` of a strengths answer: its echo and datasets, its notes + ``notes``."""
    return Result(kind, dict(found.query), datasets=found.datasets,
                  notes=list(found.notes) + notes, **kw)


def side_of(arg: Any, rng: PeriodRange, *, world: bool = False,
            without: str | None = None) -> Side:
    """A country, a bloc (its members at any time during the range, ``without`` the other
    side when it is a member) or, where ``world`` is allowed, None for every country."""
    if arg is None:
        if not world:
            raise InputError("no country given")
        return Side("WLD", None)
    p = resolve_partner(arg)
    if p.kind == "world":
        if not world:
            raise InputError("the world is no exporter here: name a country or a bloc")
        return Side("WLD", None)
    if p.bloc is not None:
        members = tuple(m for m in p.bloc.members(during=rng) if m != without)
        return Side(p.bloc.id, members)
    if p.kind != "country":
        raise InputError(f"{arg!r} is not a country or a bloc")
    return Side(str(p.code), (str(p.code),))


def side_note(side: Side, role: str) -> list[str]:
    """What a side adds up, when it is more than one country."""
    if side.countries is None:
        return [f"{role}: the world (every importer of the table)"]
    if side.countries != (side.label,):
        return [f"{role}: {side.label}, its members during the period summed "
                f"({', '.join(side.countries)})"]
    return []


# -- who is in the table ----------------------------------------------------------------------


class MemberStatus(StrEnum):
    """What the world table holds of a country a figure names."""

    BOTH = "exports+imports"  # its own export rows, and other exporters' rows to it
    EXPORTS = "exports"  # its own export rows only (no exporter of the table sells to it)
    IMPORTS = "imports"  # no export rows of its own: only the other exporters' rows to it
    NONE = "none"  # no row at all: it counts for nothing in the figure


def _importers_expr(eng: Engine, world: World) -> ir.Table:
    rows = product_rows(eng, world.sel, world.level)
    return rows.filter(rows.value > 0).select("importer").distinct()


def members(eng: Engine, found: Answer[World], countries: Sequence[str]
            ) -> tuple[list[JSONDict], list[str]]:
    """The ``members`` section of the countries a figure names (each with its
    :class:`MemberStatus`), and the notes naming those the table lacks in part or whole.

    Whether a country is an exporter of the table is known from the catalog; its imports
    from a second prepared query (the table's importers, once per store version)."""
    assert found.extra is not None
    w = found.extra
    q = found.query
    _, table = answered(eng, ("importers",), q["period"], q["level"], q["source"],
                        q["product_class"], lambda world: _importers_expr(eng, world))
    importers = set(table.column("importer").to_pylist())
    exporters = set(w.sel.exporters)
    rows = []
    for c in dict.fromkeys(countries):
        status = (MemberStatus.BOTH if c in exporters and c in importers else
                  MemberStatus.EXPORTS if c in exporters else
                  MemberStatus.IMPORTS if c in importers else MemberStatus.NONE)
        rows.append({"member": c, "name": area_name(c), "status": status.value,
                     "exports": c in exporters, "imports": c in importers})
    return rows, _member_notes(rows, w.sel)


def _member_notes(rows: list[JSONDict], sel: ProductSelection) -> list[str]:
    by = {s: [r["member"] for r in rows if r["status"] == s] for s in MemberStatus}
    notes = []
    if by[MemberStatus.IMPORTS]:
        notes.append(f"no export rows of their own in the {sel.source} {sel.product_class} table "
                     "(their imports are the other exporters' rows to them): "
                     + ", ".join(by[MemberStatus.IMPORTS]))
    if by[MemberStatus.EXPORTS]:
        notes.append("no imports in the table (no exporter of it sells to them): "
                     + ", ".join(by[MemberStatus.EXPORTS]))
    if by[MemberStatus.NONE]:
        notes.append(f"no rows at all in the {sel.source} {sel.product_class} table, so no "
                     "figure of theirs: " + ", ".join(by[MemberStatus.NONE]))
    return notes
