"""Which product rows answer a strengths question, and those rows as one Ibis table.

The strengths indicators compare every exporter with the world, so they read one
product-level *world table*: the export rows of one source and one product classification
(``HS22`` …) whose periods tile the range, for every reporter in it. :func:`select_products`
chooses it from the store's catalog (:mod:`cistrade.indicators.catalog`): sources in the
documented preference (:mod:`cistrade.indicators.preference`; ``source=`` picks one), then the
newest HS revision, then the frequency order. :func:`product_rows` turns the choice into the
table ``exporter, importer, product, value`` that every function of the package takes.

What a row is:

* exports as the exporter declares them (BACI: CEPII's reconciled figure), by importer,
  summed over the periods of the range; the importer's imports of a product are the world's
  exports to it (a *mirror* view: BACI's imports are exactly this);
* only codes of the classification's full detail (six characters for HS): a publisher's
  HS2/HS4 subtotals published beside the HS6 rows would count twice; ``level`` HS2/HS4
  truncates the HS6 codes;
* a reporter's own aggregate rows (World, groups) are left out: its partner rows are added.

Mixed currencies are refused (:class:`~cistrade.errors.MixedUnits`): the world totals of a
product add every exporter's values.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from cistrade.errors import InputError, MixedUnits, NoData
from cistrade.indicators.args import PeriodLike, period_range
from cistrade.indicators.preference import FREQ_ORDER, freq_name, source_rank
from cistrade.indicators.select import units_for
from cistrade.model import PeriodRange

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir

    from cistrade.indicators.catalog import Entry
    from cistrade.indicators.engine import Engine

__all__ = ["Level", "ProductSelection", "select_products", "product_rows", "level_of",
           "product_availability", "DETAIL"]

#: characters of a code at the classification's full detail
DETAIL = {"HS": 6}


class Level(StrEnum):
    """The product level a strengths figure is computed at (HS codes truncated)."""

    HS2 = "HS2"
    HS4 = "HS4"
    HS6 = "HS6"

    @property
    def digits(self) -> int:
        return int(self.value[2:])


def level_of(level: Level | str) -> Level:
    text = str(getattr(level, "value", level) or "HS6").strip().upper()
    try:
        return Level(text)
    except ValueError:
        raise InputError(f"unknown product level {level!r}; one of HS2, HS4, HS6") from None


@dataclass(frozen=True)
class ProductSelection:
    """The world table chosen for a range: one source, classification and frequency."""

    source: str
    product_class: str
    freq: str
    rng: PeriodRange
    units: tuple[tuple[date, date], ...]
    datasets: tuple[str, ...]
    currency: str
    exporters: tuple[str, ...]
    #: several datasets hold rows of one exporter and period: the newest vintage is kept
    overlap: bool = False
    others: tuple[str, ...] = field(default=(), compare=False)  # classes/sources passed by

    def describe(self) -> str:
        return (f"{self.source} {self.product_class} {freq_name(self.freq)} data for {self.rng}: "
                f"exports of {len(self.exporters)} exporters by importer and product")


def _product_entries(eng: Engine, first: date, last: date) -> list[Entry]:
    return [e for es in eng.catalog().by_reporter.values() for e in es
            if e.flow == "export" and e.product_class != "TOTAL" and not e.agg
            and first <= e.start and e.end <= last]


def _hs_revision(product_class: str) -> str:
    return product_class[2:] if product_class.startswith("HS") else ""


def _candidates(entries: Iterable[Entry], rng: PeriodRange) -> list[tuple[Any, list[Entry]]]:
    groups: dict[tuple[str, str, str], list[Entry]] = defaultdict(list)
    for e in entries:
        groups[(e.source, e.product_class, e.freq)].append(e)
    found = []
    for (source, pc, freq), es in groups.items():
        units = units_for(rng, freq)
        if units is None or not set(units) <= {e.unit for e in es}:
            continue
        order = (source_rank(source), -int(_hs_revision(pc) or 0), pc, FREQ_ORDER.index(freq))
        found.append((order, [e for e in es if e.unit in set(units)]))
    return sorted(found, key=lambda c: c[0])


def product_availability(eng: Engine) -> list[dict[str, Any]]:
    """Product-level export rows in the store: source, classification, frequency and span."""
    spans: dict[tuple[str, str, str], list[date]] = defaultdict(list)
    for es in eng.catalog().by_reporter.values():
        for e in es:
            if e.flow == "export" and e.product_class != "TOTAL" and not e.agg:
                spans[(e.source, e.product_class, e.freq)] += [e.start, e.end]
    return [{"source": s, "product_class": pc, "freq": freq_name(f),
             "first": str(min(d)), "last": str(max(d))}
            for (s, pc, f), d in sorted(spans.items(), key=lambda kv: source_rank(kv[0][0]))]


def select_products(eng: Engine, period: PeriodLike, *, source: str | None = None,
                    product_class: str | None = None) -> ProductSelection:
    """The world table for ``period`` (see the module's docstring); NoData says what the
    store holds at product level when nothing covers the range."""
    rng = period if isinstance(period, PeriodRange) else period_range(period)
    entries = _product_entries(eng, rng.first_day, rng.last_day)
    cands = _candidates(entries, rng)
    passed = sorted({f"{es[0].source} {es[0].product_class}" for _, es in cands})
    if source is not None:
        cands = [c for c in cands if c[1][0].source == source]
    if product_class is not None:
        cands = [c for c in cands if c[1][0].product_class == product_class.strip().upper()]
    if not cands:
        avail = product_availability(eng)
        text = "; ".join(f"{a['source']} {a['product_class']} {a['freq']} {a['first'][:4]}–"
                         f"{a['last'][:4]}" for a in avail) or "no product-level exports"
        wanted = " ".join(filter(None, [source, product_class]))
        raise NoData(f"no product-level exports {wanted + ' ' if wanted else ''}cover {rng}; "
                     f"available: {text}", available={"products": avail})
    chosen = cands[0][1]
    currencies = sorted({e.currency for e in chosen})
    if len(currencies) > 1:
        raise MixedUnits(f"the product rows for {rng} are in {' and '.join(currencies)}; "
                         "the strengths indicators need one currency", currencies=currencies)
    seen: dict[tuple[str, tuple[date, date]], set[str]] = defaultdict(set)
    for e in chosen:
        seen[(e.reporter, e.unit)].add(e.dataset_id)
    first = chosen[0]
    return ProductSelection(
        source=first.source, product_class=first.product_class, freq=first.freq, rng=rng,
        units=tuple(sorted({e.unit for e in chosen})),
        datasets=tuple(sorted({e.dataset_id for e in chosen})), currency=currencies[0],
        exporters=tuple(sorted({e.reporter for e in chosen})),
        overlap=any(len(d) > 1 for d in seen.values()),
        others=tuple(p for p in passed if p != f"{first.source} {first.product_class}"),
    )


def _detail(product_class: str) -> int | None:
    return next((n for prefix, n in DETAIL.items() if product_class.startswith(prefix)), None)


def product_rows(eng: Engine, sel: ProductSelection, level: Level | str = Level.HS6) -> ir.Table:
    """``exporter, importer, product, value``: the selection's rows, codes at ``level``."""
    from cistrade.indicators.frame import dedup

    lvl = level_of(level)
    detail = _detail(sel.product_class)
    if detail is None and lvl is not Level.HS6:
        raise InputError(f"{sel.product_class} codes are not HS codes: no {lvl} level")
    t = eng.flows
    first, last = sel.rng.first_day, sel.rng.last_day
    pred = ((t.flow == "export") & ~t["aggregate"] & (t.product_class == sel.product_class)
            & (t.freq == sel.freq) & (t.period_start >= first) & (t.period_end <= last))
    pred = pred & (t.dataset_id == sel.datasets[0] if len(sel.datasets) == 1
                   else t.dataset_id.isin(list(sel.datasets)))
    if detail is not None:
        pred = pred & (t.product.length() == detail)
    rows = t.filter(pred)
    if sel.overlap:
        rows = dedup(eng, rows)
    product = rows.product if detail is None or lvl.digits == detail else \
        rows.product.substr(0, lvl.digits)
    return rows.select(exporter=rows.reporter, importer=rows.partner, product=product,
                       value=rows.value)
