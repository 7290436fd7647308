"""What a source is: a small declarative class with a ``read`` hook.

A source turns one publisher's file into canonical flow rows (:mod:`cistrade.schema`) plus
what the store needs to record its provenance. It declares what it supports
(:class:`Supports`) instead of callers probing it, and how a newer vintage of its data
supersedes an older one (``vintage_scope``).

``read`` returns a :class:`ReadResult` whose ``data`` is one of

* a ``pyarrow.Table`` with the columns :data:`cistrade.schema.DATA_COLUMNS`;
* a ``pyarrow.RecordBatchReader`` of the same (streamed into the store batch by batch);
* a :class:`SqlData`: a DuckDB ``SELECT`` producing those columns, run inside the ingest
  transaction (how the large-file readers let DuckDB's own CSV reader do the work). One that
  also says which segments its rows can fall in (:attr:`SqlData.segments`) is written
  straight into the store's narrow layout (:mod:`cistrade.schema`): its rows also give their
  file ``line`` (an integer), and the store keeps that instead of the ``row_ref`` text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pyarrow as pa

from cistrade.model import Flow, Freq, PartnerBasis, Valuation
from cistrade.provenance import fetch_sidecar, sha256_of, sidecar_path
from cistrade.schema import NATURAL_KEY

__all__ = [
    "Supports",
    "Source",
    "ReadResult",
    "SqlData",
    "AggregateCheck",
    "Skipped",
    "sha256_of",
    "sidecar_path",
    "fetch_sidecar",
    "sniff_text",
]


@dataclass(frozen=True)
class Supports:
    """What a source can deliver."""

    freqs: frozenset[Freq] = frozenset(Freq)
    flows: frozenset[Flow] = frozenset({Flow.EXPORT, Flow.IMPORT})
    valuations: frozenset[Valuation] = frozenset(Valuation)
    bases: frozenset[PartnerBasis] = frozenset(PartnerBasis)
    products: bool = False  # True when it has product detail below TOTAL
    fetch: bool = False  # True when it has an API fetcher


@dataclass(frozen=True)
class SqlData:
    """A DuckDB SELECT producing :data:`DATA_COLUMNS`, with the parameters it binds.

    A fast path that may give up half-way (:class:`~cistrade.sources.numbered_csv.NumberedCsv`
    refusing a cell) sets ``finished``: called after the SELECT ran, it says whether every row
    went through; if not, the store deletes what the SELECT wrote and runs ``fallback``.
    """

    sql: str
    params: tuple[Any, ...] = ()
    # called with the connection before the SELECT runs (e.g. to register helpers)
    prepare: Callable[[Any], None] | None = None
    finished: Callable[[Any], bool] | None = None
    fallback: SqlData | None = None
    #: for a SELECT that also gives ``line`` (its row_ref being ``row=<line>``): called with
    #: the connection after it ran, SQL of every tuple of
    #: :data:`~cistrade.schema.SEGMENT_FIELDS` its rows can hold (more is fine: the store
    #: keeps those some row has)
    segments: Callable[[Any], str] | None = None


@dataclass(frozen=True)
class Skipped:
    """A row the reader left out on purpose, and why (shown in the ingest summary)."""

    row_ref: str
    reason: str


@dataclass(frozen=True)
class AggregateCheck:
    """A published total or group row compared with the sum of the country rows under it."""

    row_ref: str
    label: str  # e.g. "KAZ 2023 export: World"
    published: float
    computed: float
    tolerance: float  # absolute; a difference above it is a warning

    @property
    def difference(self) -> float:
        return self.computed - self.published

    @property
    def ok(self) -> bool:
        return abs(self.difference) <= self.tolerance


@dataclass
class ReadResult:
    data: pa.Table | pa.RecordBatchReader | SqlData
    series: str  # what vintages replace each other within, e.g. "kz-bns/by-country"
    vintage: str  # sortable text (ISO date or year); later sorts newer
    title: str = ""
    url: str | None = None
    licence: str | None = None
    synthetic: bool = False
    retrieved_at: str | None = None
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    checks: list[AggregateCheck] = field(default_factory=list)
    #: run inside the ingest transaction after the rows are written and before they are
    #: checked, with (connection, dataset_id); e.g. resolving country names to codes
    after_load: Callable[[Any, str], None] | None = None

    def check_warnings(self) -> list[str]:
        return [
            f"{c.label}: published {c.published:,.0f}, country rows sum to {c.computed:,.0f} "
            f"(difference {c.difference:+,.0f}; {c.row_ref})"
            for c in self.checks
            if not c.ok
        ]


class Source:
    """Base class of every source. Subclasses set the class attributes and override ``read``."""

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    publisher: ClassVar[str] = ""
    url: ClassVar[str | None] = None
    licence: ClassVar[str | None] = None
    supports: ClassVar[Supports] = Supports()
    #: a newer vintage of the same series replaces older rows that share these columns
    vintage_scope: ClassVar[tuple[str, ...]] = NATURAL_KEY
    #: "error": a key twice in one file is bad input; "collapse": identical rows collapse to
    #: one and, for the same key with different values, the later row wins (reported)
    on_duplicate: ClassVar[str] = "error"
    #: "auto" detection tries sources in ascending priority
    priority: ClassVar[int] = 100

    def __init__(self, **options: Any) -> None:
        if options:
            from cistrade.errors import InputError

            raise InputError(
                f"the {self.name} reader does not take these options: {', '.join(sorted(options))}"
            )
        self.options = options

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        """True when the file's content (``head`` is its first 64 KiB) is this source's."""
        return False

    def read(self, path: Path) -> ReadResult:  # pragma: no cover - abstract
        raise NotImplementedError

    def read_many(self, paths: Iterable[Path]) -> Iterable[tuple[Path, ReadResult]]:
        for path in paths:
            yield path, self.read(path)


def sniff_text(head: bytes) -> str:
    """The head of a file as text, for content detection (BOM and latin-1 tolerated)."""
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start > len(head) - 4:  # a character cut at the end of the head
            return head[: exc.start].decode("utf-8", errors="replace")
        return head.decode("latin-1")
