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
    is all head, its line NULL.

    Where the first ``row=`` part is a plain number (every reader's row_ref) the parts are cut
    with string functions (:func:`_fast_split_sql`); any other text goes through the regular
    expressions (:func:`_regex_split_sql`), several times slower (0.3-0.5 s of 120,000 rows),
    which agree with them wherever both apply (tests/test_store_layout.py)."""
    fast_ok, fast = _fast_split_sql(ref)
    slow = _regex_split_sql(ref)
    head, line, tail = (f"CASE WHEN {fast_ok} THEN {f} ELSE {s} END"
                        for f, s in zip(fast, slow, strict=True))
    return head, line, tail


def _fast_split_sql(ref: str) -> tuple[str, tuple[str, str, str]]:
    """(condition, (head, line, tail)): with ``;`` put before the text, a text with one
    ``;row=`` followed by a number without leading zeros (of at most 18 digits: a BIGINT) and a
    ``;`` or the end is cut where that ``;row=`` is, which is where the regular expression
    finds its part. The condition is one search without groups (no capture: the quick kind)."""
    at = f"strpos(';' || {ref}, ';row=')"  # 1-based in the text with ';' before it
    rest = f"substr({ref}, {at} + 4)"  # what follows 'row='
    ok = (f"(strpos({rest}, ';row=') = 0 AND "
          f"regexp_matches(';' || {ref}, ';row=(0|[1-9][0-9]{{0,17}})(;|$)'))")
    end = f"strpos({rest}, ';')"
    line = f"TRY_CAST(CASE WHEN {end} = 0 THEN {rest} ELSE left({rest}, {end} - 1) END AS BIGINT)"
    tail = f"CASE WHEN {end} = 0 THEN '' ELSE substr({rest}, {end}) END"
    return ok, (f"substr({ref}, 1, {at} - 1)", line, tail)


def _regex_split_sql(ref: str) -> tuple[str, str, str]:
    """(head, line, tail) by regular expressions: any text, whatever its ``row=`` parts."""
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
