"""A self-contained HTML report for one reporter and period (``cistrade report``).

The report holds the partners' shares (chart and table), the chosen bloc's share over time,
the bloc members' mutual trade, the notes of each figure and the datasets used. Charts are
inline SVG (rendered offline by vl-convert), styles inline, fonts the system's: opening the
file makes no request. Each chart is also written as ``NAME.svg`` and ``NAME.png``.
"""

from __future__ import annotations

import html
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cistrade.errors import CistradeError, InputError, NoData

__all__ = ["write_report", "render_html"]

log = logging.getLogger(__name__)

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;
color:#111827;max-width:1000px;margin:0 auto;padding:1rem;line-height:1.45}
h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.1rem;margin:1.6rem 0 .5rem}
.chart{padding-left:1.5rem}.chart svg{max-width:100%;height:auto;overflow:visible}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #e5e7eb}
th{color:#6b7280;font-size:.8rem}.num{text-align:right;font-variant-numeric:tabular-nums}
.notes{color:#6b7280;font-size:.85rem}.meta{color:#6b7280;font-size:.85rem}
.synthetic{color:#991b1b;font-weight:600}
.estimate{color:#92400e;background:#fef3c7;padding:.4rem .6rem;font-weight:600}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _pct(x: Any) -> str:
    return "" if x is None else f"{x * 100:.1f}%"


def _m(x: Any) -> str:
    return "" if x is None else f"{x / 1e6:,.1f}"


def _table(headers: list[tuple[str, bool]], rows: list[list[Any]]) -> str:
    head = "".join(f'<th class="num">{_e(h)}</th>' if num else f"<th>{_e(h)}</th>" for h, num in headers)
    body = []
    for row in rows:
        cells = "".join(f'<td class="num">{_e(v)}</td>' if num else f"<td>{_e(v)}</td>"
                        for v, (_, num) in zip(row, headers, strict=True))
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _notes(doc: dict[str, Any] | None) -> str:
    notes = (doc or {}).get("notes") or []
    return "".join(f'<p class="notes">{_e(n)}</p>' for n in notes)


def _section(title: str, svg: str | None, body: str, missing: str | None = None) -> str:
    chart = f'<div class="chart">{svg}</div>' if svg else ""
    gap = f'<p class="notes">{_e(missing)}</p>' if missing else ""
    return f"<section><h2>{_e(title)}</h2>{chart}{gap}{body}</section>"


def render_html(title: str, meta: str, sections: list[str], datasets: list[dict[str, Any]]) -> str:
    """The report page: inline CSS, inline SVG charts, no external reference."""
    items = []
    for d in datasets:
        flag = ' <span class="synthetic">SYNTHETIC</span>' if d.get("synthetic") else ""
        licence = f", licence {_e(d['licence'])}" if d.get("licence") else ""
        items.append(f"<li>{_e(d.get('source'))}: {_e(d.get('file') or d.get('title'))} — vintage "
                     f"{_e(d.get('vintage'))}{licence} [{_e(d.get('id'))}]{flag}</li>")
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{_e(title)}</h1><p class=\"meta\">{_e(meta)}</p>{''.join(sections)}"
        f"<section><h2>Datasets used</h2><ul class=\"notes\">{''.join(items)}</ul></section>"
        "</body></html>\n"
    )


class _Collector:
    """Renders charts to files and keeps the datasets of every figure."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.written: list[Path] = []
        self.datasets: dict[str, dict[str, Any]] = {}

    def use(self, doc: dict[str, Any]) -> dict[str, Any]:
        for d in doc.get("datasets", []):
            self.datasets.setdefault(str(d.get("id")), d)
        return doc

    def chart(self, name: str, spec: dict[str, Any]) -> str:
        from cistrade.report.charts import to_png, to_svg

        svg = to_svg(spec)
        (self.out / f"{name}.svg").write_text(svg, encoding="utf-8")
        (self.out / f"{name}.png").write_bytes(to_png(spec))
        self.written += [self.out / f"{name}.svg", self.out / f"{name}.png"]
        return svg


def _band(r: dict[str, Any], low: str, high: str, fmt: Any) -> str:
    hi = r.get(high)
    return f"{fmt(r.get(low))}–{'open' if hi is None else fmt(hi)}"


def _share_section(eng: Any, c: _Collector, reporter: str, period: str, flow: str,
                   estimate: bool = False) -> tuple[str, dict]:
    from cistrade.indicators import share
    from cistrade.report.charts import share_bars

    doc = c.use(share(eng, reporter, period, flow, estimate=estimate).to_dict())
    svg = c.chart("share", share_bars(doc, width=640))
    if not estimate:
        rows = [[r.get("rank") or "", r.get("partner_name") or r["partner"], _m(r.get("value")),
                 _pct(r.get("share"))] for r in doc["rows"][:30]]
        table = _table([("#", False), ("partner", False), ("value, millions", True),
                        ("share", True)], rows)
        return _section("Partners' shares", svg, table + _notes(doc)), doc
    rows = [[r.get("rank_range") or "", r.get("partner_name") or r["partner"],
             _m(r.get("value")), _band(r, "value_low", "value_high", _m), _pct(r.get("share")),
             _band(r, "share_low", "share_high", _pct), r.get("method")]
            for r in doc["rows"][:30]]
    table = _table([("rank (range)", False), ("partner", False),
                    ("estimate, millions", True), ("band, millions", True),
                    ("estimated share", True), ("band", True), ("method", False)], rows)
    return _section("Partners' shares — ESTIMATE from the partners' reports", svg,
                    _estimate_banner(doc) + table + _notes(doc)), doc


def _estimate_banner(doc: dict[str, Any]) -> str:
    """What an estimate is, above its figures: never read as the reporter's own."""
    q = doc["query"]
    e = q["estimate"]
    coverage = "unknown" if e.get("coverage") is None else f"{e['coverage']:.0%}"
    return (f'<p class="estimate">ESTIMATE, not {_e(q["reporter"])}\'s own figures: from '
            f"{len(e['partners_reporting'])} partners' reports (CIF/FOB factor "
            f"{e['cif_fob']:.2f}, band range {e['cif_fob_range'][0]:.2f}–"
            f"{e['cif_fob_range'][1]:.2f}); coverage {coverage} of its last known trade"
            f"{'' if e.get('sufficient') else ' (below the 80% rule: not sufficient)'}.</p>")


def _estimate_bloc_section(eng: Any, c: _Collector, reporter: str, bloc: str, period: str,
                           flow: str) -> str:
    from cistrade.indicators import bloc_share

    try:
        doc = c.use(bloc_share(eng, reporter, bloc, period, flow, estimate=True).to_dict())
    except (NoData, InputError) as exc:
        return _section(f"Share of {bloc} — ESTIMATE", None, "", missing=f"not available: {exc}")
    rows = [[r.get("partner_name") or r["partner"], _m(r.get("value")),
             _band(r, "value_low", "value_high", _m), _pct(r.get("share")),
             _band(r, "share_low", "share_high", _pct), r.get("method")] for r in doc["rows"]]
    table = _table([("partner", False), ("estimate, millions", True), ("band, millions", True),
                    ("estimated share", True), ("band", True), ("method", False)], rows)
    return _section(f"Share of {bloc} — ESTIMATE from the partners' reports", None,
                    _estimate_banner(doc) + table + _notes(doc))


def _optional(title: str, c: _Collector, name: str, make_doc: Any, make_spec: Any,
              table: Any) -> str:
    try:
        doc = c.use(make_doc())
    except (NoData, InputError) as exc:
        return _section(title, None, "", missing=f"not available: {exc}")
    try:
        svg = c.chart(name, make_spec(doc))
    except CistradeError as exc:
        svg, doc = None, {**doc, "notes": [*doc.get("notes", []), str(exc)]}
    return _section(title, svg, table(doc) + _notes(doc))


def write_report(db: Path, *, reporter: str, period: str, out: Path, bloc: str = "CIS",
                 flow: str = "turnover", estimate: bool = False) -> list[Path]:
    """Write ``report.html`` and the charts (SVG and PNG) into ``out``; return the files.
    ``estimate``: the partners' shares and the bloc's share estimated from the partners'
    reports (``share --estimate``), each with its band, labelled ESTIMATE."""
    from cistrade.indicators import connect
    from cistrade.indicators.series import bloc_series, mutual_matrix
    from cistrade.report.charts import bloc_line, matrix_heatmap

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    c = _Collector(out)
    with connect(db) as eng:
        share_html, share_doc = _share_section(eng, c, reporter, period, flow, estimate)
        q = share_doc["query"]
        extra = [_estimate_bloc_section(eng, c, reporter, bloc, period, flow)] if estimate else []
        series_html = _optional(
            f"Share of {bloc} over time", c, "bloc-share",
            lambda: bloc_series(eng, reporter, bloc, period, flow), lambda d: bloc_line(d, width=640),
            lambda d: _table([("period", False), (f"{bloc} share", True), ("value, millions", True)],
                             [[r["label"], _pct(r["share"]), _m(r["value"])] for r in d["rows"]]))
        matrix_html = _optional(
            f"{bloc} members' mutual trade", c, "matrix",
            lambda: mutual_matrix(eng, bloc, period, flow), lambda d: matrix_heatmap(d),
            lambda d: _table([("reporter", False), ("partner", False), ("value, millions", True),
                              ("share of reporter's trade", True)],
                             [[r["reporter"], r["partner"], _m(r["value"]), _pct(r["share"])]
                              for r in d["rows"]]))
    reporter_code = q.get("reporter", reporter)
    title = f"{reporter_code}: foreign trade by partner, {q.get('period', period)}" + (
        " (ESTIMATE from the partners' reports)" if estimate else "")
    meta = (f"{q.get('flow', flow)}, values in {q.get('currency', '')}; generated by cistrade on "
            f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC from store {Path(db).name}")
    page = render_html(title, meta, [share_html, *extra, series_html, matrix_html],
                       list(c.datasets.values()))
    target = out / "report.html"
    target.write_text(page, encoding="utf-8")
    log.info("report written to %s", target)
    return [target, *c.written]
