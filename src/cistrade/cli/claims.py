"""``cistrade check``: find the trade claims in a text (or read a claim file) and check them.

The input is English or Russian text, or a YAML/JSON claim file (``docs/claims.md``), told
apart by content; ``-`` reads standard input. The exit code is 0 whatever the verdicts, and
non-zero only for errors (no such file, empty or binary input, no claims found, a claim file
naming an unknown country or a malformed period, no store).
"""

from __future__ import annotations

import sys
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import JustifyMethod
from rich.markup import escape
from rich.table import Table

from cistrade.cli.base import DbOption, Format, FormatOption, command, emit, err, out
from cistrade.errors import InputError

__all__ = ["check"]

_COLOURS = {"supported": "green", "close": "yellow", "contradicted": "red",
            "partial": "cyan", "unverifiable": "bright_black",
            "consistent_with_estimate": "blue", "outside_estimate_band": "magenta"}


class Lang(StrEnum):
    auto = "auto"
    en = "en"
    ru = "ru"


def _read(file: str) -> tuple[bytes, str]:
    if file == "-":
        return sys.stdin.buffer.read(), "<stdin>"
    path = Path(file)
    if not path.is_file():
        raise InputError("no such file", file=file)
    try:
        return path.read_bytes(), file
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", file=file) from exc


def _shorten(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def _claim_rows(claims: list[Any]) -> list[dict[str, Any]]:
    rows = []
    for i, c in enumerate(claims, start=1):
        d = c.to_dict()
        d["n"] = i
        d["stated"] = (c.stated.text or c.stated.label()) if c.stated else None
        d["counterpart"] = c.partner or c.bloc
        rows.append(d)
    return rows


def _print_claims(claims: list[Any], fmt: Format, query: dict[str, Any]) -> None:
    rows = _claim_rows(claims)
    if fmt is Format.json:
        emit(rows, fmt, query=query, extra={"count": len(rows)})
        return
    if fmt is Format.csv:
        emit(rows, fmt, columns=["n", "kind", "reporter", "partner", "bloc", "flow", "period",
                                 "period_note", "stated", "rank", "role", "text"])
        return
    table = _table(f"{len(rows)} claim(s) in {query['file']}",
                   [("#", "right"), ("claim", "left"), ("stated", "right"), ("sentence", "left")])
    for c, r in zip(claims, rows, strict=True):
        stated = ", ".join(x for x in (r["stated"], f"rank {c.rank}" if c.rank else "") if x)
        table.add_row(str(r["n"]), escape(_label(c)), escape(stated), escape(_shorten(c.text, 80)))
    out.print(table)


def _label(c: Any) -> str:
    """``share RUS in ARM`` / ``growth RUS–CIS export`` / ``value KAZ–world`` and the period,
    for a table cell."""
    flow = "" if c.flow.value == "turnover" or c.kind.value == "role" else f" {c.flow.value}"
    period = str(c.period) if c.period else "latest"
    note = " (from context)" if c.period_note else ""
    return f"{c.kind.value} {_sides(c)}{flow}\n{period}{note}"


def _sides(c: Any) -> str:
    """Who a claim is about, as a table cell shows it."""
    other = c.partner or c.bloc or "world"
    if c.kind.value == "role":
        return f"{c.partner} → {c.bloc} ({c.role.value if c.role else 'supplier'})"
    if c.kind.value == "bloc_share":
        return f"{c.bloc} in {c.reporter}"
    if c.kind.value in ("growth", "value", "change"):
        return f"{c.reporter}–{other}"
    if c.kind.value in ("advantage", "complementarity"):  # "KAZ in wheat", "KAZ → RUS vs CHN"
        return str(c.strength_who())
    return f"{c.partner or c.bloc} in {c.reporter}"


def _table(title: str, columns: list[tuple[str, JustifyMethod]]) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold", show_lines=True)
    for name, justify in columns:
        wide = name in ("sentence", "evidence")
        table.add_column(name, justify=justify, overflow="fold", ratio=3 if wide else None,
                         no_wrap=name in ("#", "verdict"))
    return table


def coverage_text(coverage: dict[str, Any]) -> str:
    """``2017; published world total; partial table (29 partners); rank uncertain``."""
    parts = [str(coverage["period"])] if coverage.get("period") else []
    if coverage.get("total_basis"):
        parts.append(str(coverage["total_basis"]))
    if coverage.get("complete") is False and coverage.get("partners_listed"):
        parts.append(f"{coverage['partners_listed']} partners listed")
    if coverage.get("rank_certain") is False:
        parts.append("rank uncertain")
    if coverage.get("method"):
        parts.append(str(coverage["method"]))
    if coverage.get("members_missing"):
        parts.append("members missing: " + ", ".join(coverage["members_missing"]))
    if coverage.get("side"):
        parts.append(f"figures of {coverage['side']}")
    return "; ".join(parts)


def _estimate_text(estimate: dict[str, Any]) -> str:
    """What an estimate a verdict used rests on (:func:`cistrade.claims.estimated.estimate_text`;
    the claims load with the first check, not at start-up)."""
    from cistrade.claims.estimated import estimate_text

    return estimate_text(estimate)


def _estimate_cell(e: dict[str, Any]) -> str:
    """What an estimate verdict rests on: the partners' reports, not one file's rows."""
    return _shorten(f"ESTIMATE from {len(e.get('partners_reporting') or [])} partners' "
                    f"reports ({', '.join(e.get('sources') or {})}); coverage "
                    f"{e['coverage']:.0%}", 90)


def _evidence_cell(v: Any) -> str:
    return _estimate_cell(v.estimate) if v.verdict.estimated else _data_cell(v)


def _data_cell(v: Any) -> str:
    """The files and rows behind a verdict (what exists, for an unverifiable one)."""
    if v.verdict.value == "unverifiable":
        return _shorten(f"available: {v.available}" if v.available else v.message, 90)
    sources = sorted({str(d.get("source")) for d in v.datasets})
    refs = [e.get("row_ref") for e in v.evidence if e.get("row_ref")]
    parts = [", ".join(sources)]
    if v.basis:
        parts.append(f"({v.basis})")
    if refs:
        parts.append(f"{len(refs)} row(s)")
    return " ".join(p for p in parts if p)


_CSV_COLUMNS = ["kind", "reporter", "partner", "bloc", "flow", "period", "stated", "computed",
                "computed_text", "computed_rank", "verdict", "difference", "basis",
                "coverage_text", "estimate_text", "reasons_text", "message", "text"]


def _print_verdicts(verdicts: list[Any], fmt: Format, query: dict[str, Any]) -> None:
    rows = [v.to_dict() for v in verdicts]
    counts = Counter(r["verdict"] for r in rows)
    if fmt is Format.json:
        emit(rows, fmt, query=query, extra={"summary": dict(counts)})
        return
    if fmt is Format.csv:
        for r in rows:
            _csv_texts(r)
        emit(rows, fmt, columns=_CSV_COLUMNS)
        return
    _verdict_table(verdicts, query)
    for i, v in enumerate(verdicts, start=1):
        _print_verdict(i, v)
    out.print(", ".join(f"{n} {k}" for k, n in counts.items()), highlight=False)


def _csv_texts(r: dict[str, Any]) -> None:
    """A verdict's coverage, estimate and reasons in words, for its CSV row."""
    r["coverage_text"] = coverage_text(r.get("coverage") or {})
    r["estimate_text"] = _estimate_text(r.get("estimate") or {})
    r["reasons_text"] = "; ".join(r.get("reasons") or [])


def _verdict_table(verdicts: list[Any], query: dict[str, Any]) -> None:
    table = _table(f"{len(verdicts)} claim(s) checked: {query['file']}",
                   [("#", "right"), ("claim", "left"), ("stated", "right"),
                    ("computed", "right"), ("verdict", "left"), ("evidence", "left")])
    for i, v in enumerate(verdicts, start=1):
        colour = _COLOURS.get(v.verdict.value, "white")
        claim = f"{escape(_shorten(v.claim.text, 60))}\n[dim]{escape(_label(v.claim))}[/]"
        table.add_row(str(i), claim, v.stated_text, v.computed_text,
                      f"[{colour}]{v.verdict.value}[/]", escape(_evidence_cell(v)))
    out.print(table)


def _print_verdict(i: int, v: Any) -> None:
    """One verdict below the table: its message, coverage and files."""
    out.print(f"{i}. {_shorten(v.claim.text, 100)}\n   {v.verdict.value}: {v.message}",
              highlight=False, markup=False)
    if v.coverage:
        out.print(f"   coverage: {coverage_text(v.coverage)}", highlight=False, markup=False)
    if v.estimate:
        out.print(f"   estimate: {_estimate_text(v.estimate)}", highlight=False, markup=False)
    files = sorted({f"{d.get('source')} {d.get('file')} [{d.get('id')}]"
                    + (" (SYNTHETIC)" if d.get("synthetic") else "") for d in v.datasets})
    for f in files[:3]:
        out.print(f"   source: {f}", highlight=False, markup=False)


def _claims(text: str, name: str, lang: str, when: Any = None) -> list[Any]:
    """A claim file's claims or a text's, read within the limits of :mod:`cistrade.workload`
    (length, sentences, time and memory, in a child process: a clear error, never a hang)."""
    from cistrade.workload import extract_within

    return extract_within(text, lang=lang, name=name, files=True, date=when)


@command("check")
def check(
    file: Annotated[str, typer.Argument(
        help="A text (English or Russian) or a YAML/JSON claim file; '-' reads stdin.")],
    db: DbOption = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of a text: auto, en or ru.")]
    = Lang.auto,
    extract_only: Annotated[bool, typer.Option(
        "--extract-only", help="List the claims found, without checking them (no store needed).")]
    = False,
    encoding: Annotated[str | None, typer.Option(
        "--encoding", metavar="<name>",
        help="The text's encoding (default: UTF-8 or UTF-16 with a BOM, else the likeliest of "
             "cp1251, koi8-r and cp1252, said on stderr).")] = None,
    date: Annotated[str | None, typer.Option(
        "--date", metavar="<YYYY-MM-DD>",
        help="The text's date (YYYY-MM-DD, YYYY-MM or YYYY): what 'last year', 'this year' and "
             "months without a year mean.")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Find the trade claims in a text (shares, ranks, growth, values, roles, comparative advantage,
    complementarity) and check each against the data: supported, close, contradicted or
    unverifiable, with the evidence (for a reporter without partner figures of its own:
    consistent with, or outside, the band of an estimate from its partners' reports)."""
    from cistrade.claims import Verifier
    from cistrade.claims.io import decode_text

    data, name = _read(file)
    text, used = decode_text(data, name=name, encoding=encoding)
    if encoding is None and used not in ("utf-8", "utf-16"):
        err.print(f"note: {name} is not UTF-8; read as {used} (give --encoding if that is wrong)",
                  highlight=False, markup=False)
    from cistrade.claims.extract import as_date

    when = as_date(date)
    claims = _claims(text, name, lang.value, when)
    if not claims:
        raise InputError("no trade claims found (the extractor looks for shares, ranks, growth "
                         "rates, values and roles of countries and blocs, comparative advantage "
                         "and complementarity); nothing to check",
                         file=name)
    query: dict[str, Any] = {"file": name, "lang": lang.value, "encoding": used,
                             "date": when, "extract_only": extract_only}
    if extract_only:
        _print_claims(claims, fmt, query)
        return
    from cistrade.indicators import connect

    eng = connect(db)
    try:
        query["db"] = str(eng.store_path) if eng.store_path else None
        verdicts = Verifier(eng).verify_all(claims)
    finally:
        eng.close()
    _print_verdicts(verdicts, fmt, query)
