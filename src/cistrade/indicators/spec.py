"""What an indicator is: a declaration, from which its Python API, CLI command, HTTP route,
OpenAPI schema and output-contract documentation are all derived.

An :class:`Indicator` names the indicator (``share``: the ``query.indicator`` of its JSON
document), its typed :class:`Param`\\ s (as the Python function, ``cistrade share --…`` and
``GET /api/v1/share?…`` take them), the pure Ibis function building its table, the notes it
always contributes, the row fields it guarantees, the columns the CLI shows and its paragraph
of ``docs/output-contract.md``. The declarations are collected, once and read-only, in
:mod:`cistrade.indicators.registry`; the CLI (:mod:`cistrade.cli.indicators`) and the API
(:mod:`cistrade.web.api`) iterate over them and dispatch to ``Indicator.function``, never by
name through ``getattr``.

A :class:`Variant` is the same indicator computed another way (issue #18's ``--estimate``:
the same table over a mirror-estimated partner table, with extra row fields): it adds a flag,
its own parameters and fields to the indicator it belongs to.

The run of every indicator is one skeleton (:func:`answer`): a key for the question, a
``make()`` planning it once per store version into the Ibis expression and an
:class:`Answer` (the query echo, the datasets, the notes, how rows are built from the
answer's columns), the engine's prepared query run, and a :class:`~cistrade.indicators.result.Result`.

Importing this module is light (no Ibis, DuckDB or Arrow): the CLI builds its commands from
the declarations at start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from cistrade.indicators.result import Result
from cistrade.model import PeriodRange, TradeFlow

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir
    import pyarrow as pa

    from cistrade.indicators.engine import Engine

__all__ = ["Param", "Indicator", "Variant", "Answer", "RowBuilder", "ImportBasis", "By",
           "REQUIRED", "MAX_TOP", "DEFAULT_CIF_FOB", "JSONDict", "answer", "result",
           "period_echo", "run_echo", "with_rates",
           "REPORTER", "PERIOD", "FLOW", "BASIS", "PARTNER", "SOURCE", "CIF_FOB_FACTOR", "TOP",
           "BLOC", "GROUP"]

X = TypeVar("X")

#: the value of a JSON document (a query echo, a row): what :func:`~cistrade.indicators.result.jsonable` takes
JSONDict = dict[str, Any]
#: how an indicator turns its answer's Arrow table into row dicts (picklable: kept on disk)
RowBuilder = Callable[["pa.Table"], list[JSONDict]]

#: the most ranked partners a ``top`` may ask for over HTTP (answers stay bounded)
MAX_TOP = 250


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


#: a parameter without a default
REQUIRED: Any = _Required()


class ImportBasis(StrEnum):
    """The partner basis a caller may ask for imports (where a source gives both)."""

    ORIGIN = "origin"
    CONSIGNMENT = "consignment"


class By(StrEnum):
    """How growth may be broken down."""

    MONTH = "month"


@dataclass(frozen=True)
class Param:
    """One parameter, as the Python function, the CLI and the HTTP API take it.

    ``type`` is the annotation of the CLI option and the query parameter (``str``,
    ``int | None``, a ``StrEnum`` …); ``short`` the CLI's one-letter flag; ``bounds`` the
    HTTP API's limits (``min_length``, ``max_length``, ``ge``, ``le``, ``gt``, ``lt``), which
    keep a public endpoint's work bounded and mean nothing on the command line.
    """

    name: str
    type: Any
    default: Any = REQUIRED
    help: str = ""
    short: str | None = None
    bounds: Mapping[str, float | int] = field(default_factory=dict, compare=False)

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    @property
    def flags(self) -> tuple[str, ...]:
        long = "--" + self.name.replace("_", "-")
        return (long, self.short) if self.short else (long,)


@dataclass(frozen=True)
class Variant:
    """Another way to compute an indicator, asked for by a flag: ``--estimate`` on the CLI,
    ``estimate=true`` over HTTP, ``estimate=True`` in Python (the indicator's function takes
    the flag and the variant's own parameters as keywords); the row fields it adds."""

    name: str
    help: str
    params: tuple[Param, ...] = ()
    fields: tuple[str, ...] = ()

    @property
    def flag(self) -> Param:
        return Param(self.name, bool, False, help=self.help)


@dataclass(frozen=True)
class Indicator:
    """An indicator's declaration (see module doc)."""

    name: str  # the JSON document's ``query.indicator``: share, bloc_share …
    summary: str  # one line: the API route's summary
    help: str  # the CLI command's help
    params: tuple[Param, ...]
    fields: tuple[str, ...]  # the row fields every row carries (more may follow them)
    columns: tuple[str, ...]  # what the CLI's table shows
    function: Callable[..., Result]  # the Python API: function(engine, **params)
    table: Callable[..., ir.Table]  # the pure Ibis function building the answer's table
    contract: str  # its paragraph of docs/output-contract.md (Markdown)
    notes: tuple[str, ...] = ()  # the notes it always adds (templates: {names} filled in)
    sections: tuple[str, ...] = ()  # top-level keys it adds to the document (roles: members)
    variants: tuple[Variant, ...] = ()
    #: the sections the CLI's table shows after the rows, and their columns
    section_columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False)

    @property
    def command(self) -> str:
        """The CLI command and the route: ``bloc-share``."""
        return self.name.replace("_", "-")

    @property
    def all_params(self) -> tuple[Param, ...]:
        """The parameters, then each variant's flag and its own parameters: what the
        function, the CLI command and the route take."""
        return (*self.params, *(p for v in self.variants for p in (v.flag, *v.params)))

    def param(self, name: str) -> Param:
        for p in self.all_params:
            if p.name == name:
                return p
        raise KeyError(name)


# -- the parameters the indicators share ----------------------------------------------------

REPORTER = Param("reporter", str, help="Reporting country: a name or code (Kazakhstan, KAZ, KZ, "
                 "398); '*' for every reporter.", short="-r",
                 bounds={"min_length": 1, "max_length": 80})
PERIOD = Param("period", str, help="2024, 2024-Q3, 2024-09 or a range 2024-01..2024-09.",
               short="-p", bounds={"min_length": 4, "max_length": 40})
FLOW = Param("flow", TradeFlow, TradeFlow.TURNOVER, help="turnover, export or import.")
BASIS = Param("basis", ImportBasis | None, None, help="Imports by country of origin (default) "
              "or consignment, where the source gives both.")
PARTNER = Param("partner", str | None, None, help="A partner country.",
                bounds={"max_length": 80})
SOURCE = Param("source", str | None, None, help="Use this source only (ru-fts, kz-bns, uz-stat, "
               "am-armstat, imf, comtrade, eurostat, baci, tidy); default: the documented "
               "preference.", bounds={"max_length": 40})
#: the CIF/FOB factor mirror figures are adjusted by unless told otherwise: a typical
#: freight-and-insurance margin, the IMF's for DOTS-style estimates
DEFAULT_CIF_FOB = 1.06
CIF_FOB_FACTOR = Param("cif_fob", float, DEFAULT_CIF_FOB, help="CIF/FOB factor for mirror figures (imports / "
                "factor, exports × factor).", bounds={"gt": 0.5, "lt": 2.0})
TOP = Param("top", int | None, None, help="Only the top N.", bounds={"ge": 1, "le": MAX_TOP})
BLOC = Param("bloc", str, help="CIS, EAEU, EU …", short="-b", bounds={"max_length": 40})
GROUP = Param("group", str, help="A bloc: CIS, EAEU …", short="-g", bounds={"max_length": 40})


# -- the skeleton every indicator runs on ---------------------------------------------------


@dataclass
class Answer(Generic[X]):
    """What an indicator's planning gives besides the expression, kept with the prepared
    query (in memory and pickled on disk): the query echo, the datasets, the notes, how
    rows are built from the answer's columns, and ``extra``, what the indicator itself needs
    to finish (share's per-reporter listing, roles' member tables)."""

    query: JSONDict
    datasets: list[JSONDict]
    notes: list[str]
    build: RowBuilder | None = None
    extra: X | None = None


def period_echo(rng: PeriodRange) -> JSONDict:
    """``period``, ``period_start``, ``period_end`` of the query echo."""
    return {"period": str(rng), "period_start": rng.first_day, "period_end": rng.last_day}


def run_echo(currency: str, eng: Engine) -> JSONDict:
    """``currency`` of every value and the ``engine`` that computed them."""
    return {"currency": currency, "engine": eng.name}


def with_rates(query: JSONDict, rates: Sequence[JSONDict]) -> JSONDict:
    """The exchange rates used, last in the echo (only when values were converted)."""
    if rates:
        query["rates"] = list(rates)
    return query


def answer(eng: Engine, key: tuple[Any, ...],
           make: Callable[[], tuple[ir.Table, Answer[X]]]) -> tuple[Answer[X], pa.Table]:
    """The skeleton's run: the prepared query for ``key`` (planned by ``make`` once per store
    version), executed; its :class:`Answer` and the answer's Arrow table."""
    prepared = eng.prepare(key, make)
    return prepared.meta, eng.execute(prepared)


def result(name: str, found: Answer[Any], table: pa.Table, *,
           query: JSONDict | None = None, notes: list[str] | None = None) -> Result:
    """The :class:`Result` of a prepared answer (rows built from ``table`` on first use)."""
    return Result(name, dict(found.query) if query is None else query,
                  datasets=found.datasets,
                  notes=list(found.notes) if notes is None else notes,
                  table=table, build=found.build)
