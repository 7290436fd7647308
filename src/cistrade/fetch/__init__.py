"""Fetchers: download publishers' API responses into the cache, then ingest them.

A fetch is two steps, so that a long download survives interruptions:

1. ``fetch_*`` splits a query into chunks and saves each chunk's response body, verbatim,
   as one file in the cache (:mod:`cistrade.fetch.http`); a re-run re-uses finished chunks;
2. :func:`ingest_fetched` reads those files with the publisher's reader
   (:mod:`cistrade.sources`) and stores them in **one** transaction, recording for each
   dataset the chunk's URL (without the API key) and its retrieval time.

Modules: :mod:`~cistrade.fetch.http` (the shared client), :mod:`~cistrade.fetch.comtrade`
(UN Comtrade API v1), :mod:`~cistrade.fetch.imf` (IMF SDMX 3.0, dataflow IMTS).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cistrade.fetch.http import (
    CachedResponse,
    HttpClient,
    RetryPolicy,
    default_cache_dir,
    redact_url,
)

if TYPE_CHECKING:
    from cistrade.sources.base import ReadResult, Source
    from cistrade.store import IngestReport, Store

__all__ = [
    "HttpClient",
    "RetryPolicy",
    "CachedResponse",
    "default_cache_dir",
    "redact_url",
    "Fetched",
    "FetchResult",
    "ingest_fetched",
    "ComtradeQuery",
    "fetch_comtrade",
    "ImfQuery",
    "fetch_imf",
]

_LAZY = {
    "ComtradeQuery": "cistrade.fetch.comtrade",
    "fetch_comtrade": "cistrade.fetch.comtrade",
    "ImfQuery": "cistrade.fetch.imf",
    "fetch_imf": "cistrade.fetch.imf",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class Fetched:
    """One saved response body that holds records."""

    path: Path
    url: str  # the chunk's request URL, without the key
    retrieved_at: str  # ISO 8601, UTC
    from_cache: bool
    label: str  # what the chunk asked for, e.g. "ARM 2023 M,X"
    records: int


@dataclass
class FetchResult:
    """What a fetch saved: the files to ingest, the chunks that came back empty, warnings."""

    source: str  # the reader's registered name: "comtrade" | "imf"
    query: dict[str, Any]
    query_url: str  # the whole query as one URL, without the key
    files: list[Fetched] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)  # labels of chunks without records
    warnings: list[str] = field(default_factory=list)
    requests: int = 0  # responses downloaded in this run (not from the cache)
    retrieved_at: str = ""

    @property
    def records(self) -> int:
        return sum(f.records for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "query": self.query,
            "query_url": self.query_url,
            "retrieved_at": self.retrieved_at,
            "records": self.records,
            "requests": self.requests,
            "files": [
                {"label": f.label, "path": str(f.path), "url": f.url, "records": f.records,
                 "from_cache": f.from_cache, "retrieved_at": f.retrieved_at}
                for f in self.files
            ],
            "empty": self.empty,
            "warnings": self.warnings,
        }


ProgressFn = Callable[[str, dict[str, Any]], None]


def ingest_fetched(
    store: Store,
    result: FetchResult,
    *,
    source: Source | None = None,
    progress: ProgressFn | None = None,
) -> IngestReport:
    """Store every file of ``result`` in one transaction, with its URL and retrieval time.

    ``source`` defaults to the reader registered under ``result.source``.
    """
    if source is None:
        from cistrade.sources import get_source

        source = get_source(result.source)()
    items = [(source, f.path, _reader(source, f)) for f in result.files]
    meta = {
        "url": result.query_url,
        "notes": {
            "query": result.query,
            "query_url": result.query_url,
            "retrieved_at": result.retrieved_at,
            "fetch_warnings": result.warnings,
            "empty_chunks": result.empty,
        },
    }
    return store.ingest_items(items, progress=progress, meta=meta)


def _reader(source: Source, fetched: Fetched) -> Callable[[], ReadResult]:
    def read() -> ReadResult:
        result = source.read(fetched.path)
        result.url = fetched.url
        result.retrieved_at = fetched.retrieved_at
        return result

    return read
