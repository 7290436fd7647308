"""The agenda register's tables in the store, its ingest and its queries.

``agenda_files``    one row per ingested register file: name, path, sha256, size, ingested-at,
                    synthetic, entries (the provenance of every entry)
``agenda_entries``  one row per entry (:class:`~cistrade.agenda.register.Entry`), with its
                    file and row, the participants as written and the member countries they
                    stand for, and each date as written and as a span of days

:func:`create_tables` is the store's hook (``Store._create``). :func:`ingest_register` is all
or nothing, like every ingest: a bad row leaves the store as it was; a file already stored
(same sha256) is reported ``unchanged``; an entry whose id is already stored is replaced by the
newer file's, and the report counts it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cistrade.agenda.register import Entry, read_register
from cistrade.errors import StoreError
from cistrade.provenance import sha256_of

__all__ = ["create_tables", "ingest_register", "AgendaReport", "has_register", "ENTRY_COLUMNS"]

FILES_DDL = """
CREATE TABLE IF NOT EXISTS agenda_files (
    file_id VARCHAR PRIMARY KEY,
    file_name VARCHAR NOT NULL,
    file_path VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    size_bytes BIGINT,
    ingested_at TIMESTAMP NOT NULL,
    synthetic BOOLEAN NOT NULL,
    entries BIGINT NOT NULL
)
"""

ENTRIES_DDL = """
CREATE TABLE IF NOT EXISTS agenda_entries (
    entry_id VARCHAR PRIMARY KEY,
    file_id VARCHAR NOT NULL,
    row_ref VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    area VARCHAR NOT NULL,
    economic BOOLEAN NOT NULL,
    kind VARCHAR NOT NULL,
    participants VARCHAR[] NOT NULL,
    members VARCHAR[] NOT NULL,
    adopting_body VARCHAR NOT NULL,
    date_adopted VARCHAR,
    adopted_first DATE,
    adopted_last DATE,
    due VARCHAR,
    due_first DATE,
    due_last DATE,
    status VARCHAR NOT NULL,
    source_title VARCHAR NOT NULL,
    source_url VARCHAR NOT NULL,
    source_date VARCHAR,
    evidence VARCHAR,
    notes VARCHAR
)
"""

ENTRY_COLUMNS = ("entry_id", "file_id", "row_ref", "title", "area", "economic", "kind",
                 "participants", "members", "adopting_body", "date_adopted", "adopted_first",
                 "adopted_last", "due", "due_first", "due_last", "status", "source_title",
                 "source_url", "source_date", "evidence", "notes")


def create_tables(con: Any) -> None:
    """The register's tables (the store calls this when it opens for writing)."""
    con.execute(FILES_DDL)
    con.execute(ENTRIES_DDL)


def has_register(con: Any) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'agenda_entries' "
        "AND schema_name = 'main'").fetchall()[0][0])


@dataclass
class AgendaReport:
    path: str
    file_id: str
    status: str  # "ingested" | "unchanged"
    entries: int = 0
    replaced: int = 0
    synthetic: bool = False


def _values(e: Entry, file_id: str) -> list[Any]:
    a, d = e.adopted, e.due
    return [e.id, file_id, f"row={e.row}", e.title, e.area.value, e.economic, e.kind.value,
            e.participants, e.members, e.adopting_body, a and a.text, a and a.first,
            a and a.last, d and d.text, d and d.first, d and d.last, e.status.value,
            e.source_title, e.source_url, e.source_date, e.evidence, e.notes]


def _ingest_one(con: Any, path: Path, synthetic: bool) -> AgendaReport:
    digest = sha256_of(path)
    file_id = f"agenda-{digest[:12]}"
    if con.execute("SELECT 1 FROM agenda_files WHERE sha256 = ?", [digest]).fetchall():
        return AgendaReport(str(path), file_id, "unchanged")
    entries, said_synthetic = read_register(path)
    ids = [e.id for e in entries]
    replaced = con.execute("SELECT count(*) FROM agenda_entries WHERE list_contains(?, entry_id)",
                           [ids]).fetchall()[0][0]
    con.execute("DELETE FROM agenda_entries WHERE list_contains(?, entry_id)", [ids])
    marks = ", ".join("?" * len(ENTRY_COLUMNS))
    con.executemany(f"INSERT INTO agenda_entries ({', '.join(ENTRY_COLUMNS)}) VALUES ({marks})",
                    [_values(e, file_id) for e in entries])
    flagged = synthetic or said_synthetic
    con.execute("INSERT INTO agenda_files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [file_id, path.name, str(path.resolve()), digest, path.stat().st_size,
                 datetime.now(UTC).replace(tzinfo=None), flagged, len(entries)])
    return AgendaReport(str(path), file_id, "ingested", len(entries), replaced, flagged)


def ingest_register(store: Any, paths: list[Path], *, synthetic: bool = False) -> list[AgendaReport]:
    """Read and store register files in one transaction: all of them or none."""
    if getattr(store, "read_only", False):
        raise StoreError(f"the store {store.path} is open read-only")
    con = store.con
    create_tables(con)
    con.execute("BEGIN TRANSACTION")
    try:
        reports = [_ingest_one(con, Path(p), synthetic) for p in paths]
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return reports
