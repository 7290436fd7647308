"""Where a stored figure came from in its file: the ``row_ref`` text, in one place.

A ``row_ref`` reads ``sheet=2023;row=14;col=D`` (parts left out when unknown). The store keeps
it in two pieces (:mod:`cistrade.schema`): the row's integer ``line`` in the row, and what
comes before and after ``row=N`` (``ref_head`` ``sheet=2023;``, ``ref_tail`` ``;col=D``) once
per segment of a dataset, since those repeat over many rows. The text is put together again
only when it is shown: :func:`format_row_ref` in Python, :func:`row_ref_sql` in SQL, both
giving the same text, and :func:`split_row_ref_sql` takes a text apart for the store.
"""

from __future__ import annotations

from typing import Any

__all__ = ["format_row_ref", "parse_row_ref", "row_ref_sql", "line_ref_sql", "split_row_ref_sql"]


def format_row_ref(*, sheet: str | None = None, row: int | None = None, col: str | None = None) -> str:
    """``sheet=2023;row=14;col=D`` (parts left out when unknown)."""
    parts = []
    if sheet is not None:
        parts.append(f"sheet={sheet}")
    if row is not None:
        parts.append(f"row={row}")
    if col is not None:
        parts.append(f"col={col}")
    return ";".join(parts)


def parse_row_ref(ref: str | None) -> dict[str, Any]:
    """The parts of a row_ref as keyword arguments for :class:`~cistrade.errors.InputError`."""
    out: dict[str, Any] = {}
    for part in (ref or "").split(";"):
        key, _, value = part.partition("=")
        if key == "sheet":
            out["sheet"] = value
        elif key == "row" and value.isdigit():
            out["row"] = int(value)
        elif key == "col":
            out["column"] = value
    return out


def line_ref_sql(line: str) -> str:
    """SQL for the row_ref of a file line alone (``row=N``), ``line`` an integer expression."""
    return f"('row=' || ({line})::VARCHAR)"


def row_ref_sql(head: str = "ref_head", line: str = "line", tail: str = "ref_tail") -> str:
    """SQL putting a stored row_ref together: ``head || 'row=' || line || tail``, or ``head``
    alone for a row without a line (a reference that names no row)."""
    return (f"CASE WHEN {line} IS NULL THEN {head} "
            f"ELSE {head} || {line_ref_sql(line)} || {tail} END")


#: the row part of a row_ref: ``row=N`` at the start or after a ``;``
_ROW = r"(^|;)row=(\d+)(;|$)"


def split_row_ref_sql(ref: str = "row_ref") -> tuple[str, str, str]:
    """SQL for (head, line, tail) of a row_ref text: :func:`row_ref_sql` of them gives the text
    back exactly. A reference without a ``row=N`` part (or with a row too large for a number)
    is all head, its line NULL."""
    found = f"regexp_matches({ref}, '{_ROW}')"
    line = f"TRY_CAST(regexp_extract({ref}, '{_ROW}', 2) AS BIGINT)"
    # the head keeps the ';' before row=, the tail the ';' after the number
    head = (f"CASE WHEN {found} AND {line} IS NOT NULL AND {line_ref_sql(line)} = "
            f"'row=' || regexp_extract({ref}, '{_ROW}', 2) "
            f"THEN regexp_extract({ref}, '^(.*?)(^|;)row=\\d+(;|$)', 1) "
            f"|| regexp_extract({ref}, '{_ROW}', 1) ELSE coalesce({ref}, '') END")
    ok = (f"({found} AND {line} IS NOT NULL AND {line_ref_sql(line)} = "
          f"'row=' || regexp_extract({ref}, '{_ROW}', 2))")
    tail = (f"CASE WHEN {ok} THEN regexp_extract({ref}, '(^|;)row=\\d+((;.*)?)$', 2) "
            "ELSE '' END")
    return head, f"CASE WHEN {ok} THEN {line} END", tail
