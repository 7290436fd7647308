"""Vega-Lite chart specs (built with Altair) for the dashboard and the reports, and offline rendering.

Each builder takes an indicator's JSON document (``{"query", "rows", …}``) and returns a
Vega-Lite spec as a dict:

* :func:`share_bars` — partners' shares of a reporter's trade (horizontal bars, top N);
* :func:`bloc_line` — a bloc's share over time (:func:`cistrade.indicators.series.bloc_series`);
* :func:`matrix_heatmap` — a bloc's mutual trade (:func:`cistrade.indicators.series.mutual_matrix`);
* :func:`rca_bars` — a country's top products by revealed comparative advantage (the
  ``strengths`` or ``rca`` document), named from the publisher's nomenclature;
* :func:`complementarity_heatmap` — a bloc's complementarity matrix (``complementarity_matrix``).

``width="container"`` fits the chart to its box in a browser; the report passes a number.
:func:`to_svg` and :func:`to_png` render a spec with vl-convert, offline (no fonts or data
are fetched: the data are inline and the default system fonts are used).
"""

from __future__ import annotations

import logging
from typing import Any

from cistrade.errors import InputError

__all__ = ["share_bars", "bloc_line", "matrix_heatmap", "rca_bars", "complementarity_heatmap",
           "to_svg", "to_png", "FONT"]

log = logging.getLogger(__name__)

#: chart text: metric-compatible fonts first, so that an SVG rendered by vl-convert lays out the
#: same when a browser draws it with its own fonts (system-ui would be wider and clip labels)
FONT = "Arial, Helvetica, 'Liberation Sans', 'Helvetica Neue', sans-serif"
_BLUE = "#1f5f8b"


def _config(chart: Any, *, grid: bool = True) -> Any:
    return (chart.configure(font=FONT)
            .configure_view(stroke=None)
            .configure_axis(labelFontSize=11, titleFontSize=12, grid=grid, gridColor="#e5e7eb")
            .configure_title(fontSize=14, anchor="start"))


def _title(doc: dict[str, Any], what: str) -> str:
    q = doc.get("query", {})
    who = q.get("reporter") or q.get("bloc") or ""
    return f"{who}: {what}, {q.get('flow', 'turnover')}, {q.get('period', '')}".strip(": ")


def share_bars(doc: dict[str, Any], *, top: int = 15, width: Any = "container", height: int | None = None,
               titled: bool = True) -> dict[str, Any]:
    """Horizontal bars of the top partners' shares (countries only: rows with a rank)."""
    import altair as alt

    rows = [r for r in doc.get("rows", []) if r.get("rank") is not None and r.get("share") is not None]
    rows = sorted(rows, key=lambda r: r["rank"])[:top]
    if not rows:
        raise InputError("no partner shares to chart")
    data = [{"partner": r.get("partner_name") or r["partner"], "code": r["partner"], "share": r["share"],
             "value_m": (r.get("value") or 0) / 1e6, "rank": r["rank"],
             "label": f"{r['share'] * 100:.1f}%"} for r in rows]
    base = alt.Chart(alt.Data(values=data))
    bars = base.mark_bar(color=_BLUE).encode(
        x=alt.X("share:Q", title="share of trade", axis=alt.Axis(format="%", tickCount=8)),
        y=alt.Y("partner:N", sort=alt.EncodingSortField("rank", order="ascending"), title=None),
        tooltip=[alt.Tooltip("partner:N"), alt.Tooltip("share:Q", format=".1%"),
                 alt.Tooltip("value_m:Q", title="value, millions", format=",.1f")],
    )
    text = base.mark_text(align="left", dx=3, fontSize=11, color="#111827").encode(
        x="share:Q", y=alt.Y("partner:N", sort=alt.EncodingSortField("rank", order="ascending")),
        text="label:N")
    chart = (bars + text).properties(width=width, height=height or max(120, 22 * len(data)))
    if titled:
        chart = chart.properties(title=_title(doc, f"top {len(data)} partners' shares"))
    return _config(chart).to_dict()


def bloc_line(doc: dict[str, Any], *, width: Any = "container", height: int = 220,
              titled: bool = True) -> dict[str, Any]:
    """A bloc's share of the reporter's trade at each step."""
    import altair as alt

    rows = [r for r in doc.get("rows", []) if r.get("share") is not None]
    if not rows:
        raise InputError("no bloc shares to chart")
    data = [{"label": r["label"], "share": r["share"], "order": i} for i, r in enumerate(rows)]
    q = doc.get("query", {})
    chart = alt.Chart(alt.Data(values=data)).mark_line(point=True, color=_BLUE).encode(
        x=alt.X("label:O", sort=alt.EncodingSortField("order"), title=None, axis=alt.Axis(labelAngle=-40)),
        y=alt.Y("share:Q", title=f"{q.get('bloc', 'bloc')} share", axis=alt.Axis(format="%"),
                scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("label:N", title="period"), alt.Tooltip("share:Q", format=".1%")],
    ).properties(width=width, height=height)
    if titled:
        chart = chart.properties(title=f"{q.get('reporter', '')}: share of {q.get('bloc', '')} in "
                                       f"{q.get('flow', '')}, {q.get('period', '')}")
    return _config(chart).to_dict()


def _heat(base: Any, color: Any, tooltip: list[Any], dark: str) -> Any:
    """Coloured cells with their ``label`` written in them (white where ``dark`` holds)."""
    import altair as alt

    cells = base.mark_rect().encode(color=color, tooltip=tooltip)
    text = base.mark_text(fontSize=10).encode(
        text="label:N", color=alt.condition(dark, alt.value("white"), alt.value("#111827")))
    return cells + text


def matrix_heatmap(doc: dict[str, Any], *, width: Any = None, height: int | None = None,
                   titled: bool = True) -> dict[str, Any]:
    """Reporter × partner heatmap of each member partner's share of the reporter's trade
    (``width=None``: 34 pixels a column, whatever the screen)."""
    import altair as alt

    rows = [r for r in doc.get("rows", []) if r.get("share") is not None]
    if not rows:
        raise InputError("no mutual trade to chart")
    data = [{"reporter": r["reporter"], "partner": r["partner"], "share": r["share"],
             "value_m": (r.get("value") or 0) / 1e6, "label": f"{r['share'] * 100:.1f}"} for r in rows]
    reporters = sorted({r["reporter"] for r in data})
    q = doc.get("query", {})
    base = alt.Chart(alt.Data(values=data)).encode(
        x=alt.X("partner:N", title="partner", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("reporter:N", title="reporter"))
    cells = _heat(base, alt.Color("share:Q", title="share", scale=alt.Scale(scheme="blues"),
                                  legend=alt.Legend(format="%")),
                  [alt.Tooltip("reporter:N"), alt.Tooltip("partner:N"),
                   alt.Tooltip("share:Q", format=".2%"),
                   alt.Tooltip("value_m:Q", title="value, millions", format=",.1f")],
                  "datum.share > 0.2")
    chart = cells.properties(width=width or alt.Step(34),
                                      height=height or max(60, 36 * len(reporters)))
    if titled:
        chart = chart.properties(title=alt.Title(
            f"{q.get('bloc', '')} mutual trade, {q.get('period', '')}",
            subtitle="each partner's share of the reporter's trade, %"))
    return _config(chart, grid=False).to_dict()


def _product_label(row: dict[str, Any], width: int = 44) -> str:
    name = row.get("product_name") or ""
    label = f"{row['product']} {name}".strip()
    return label if len(label) <= width else label[:width - 1] + "…"


def rca_bars(doc: dict[str, Any], *, top: int = 15, width: Any = "container",
             height: int | None = None, titled: bool = True) -> dict[str, Any]:
    """Horizontal bars of a country's products of highest RCA, the advantage threshold (1)
    drawn as a rule; each product labelled with its code and the publisher's name for it."""
    import altair as alt

    rows = sorted((r for r in doc.get("rows", []) if r.get("rca") is not None),
                  key=lambda r: -r["rca"])[:top]
    if not rows:
        raise InputError("no RCA figures to chart")
    data = [{"label": _product_label(r), "product": r["product"],
             "name": r.get("product_name") or "", "rca": r["rca"], "order": i,
             "share": r.get("share"), "value_m": (r.get("value") or 0) / 1e6}
            for i, r in enumerate(rows)]
    sort = alt.EncodingSortField("order", order="ascending")
    bars = alt.Chart(alt.Data(values=data)).mark_bar(color=_BLUE).encode(
        x=alt.X("rca:Q", title="revealed comparative advantage (RCA)"),
        y=alt.Y("label:N", sort=sort, title=None, axis=alt.Axis(labelLimit=260)),
        tooltip=[alt.Tooltip("product:N"), alt.Tooltip("name:N", title="product"),
                 alt.Tooltip("rca:Q", format=".2f"),
                 alt.Tooltip("share:Q", title="share of its exports", format=".2%"),
                 alt.Tooltip("value_m:Q", title="exports, millions", format=",.1f")])
    rule = alt.Chart(alt.Data(values=[{"one": 1.0}])).mark_rule(
        color="#9ca3af", strokeDash=[4, 3]).encode(x="one:Q")
    chart = (bars + rule).properties(width=width, height=height or max(120, 22 * len(data)))
    if titled:
        q = doc.get("query", {})
        chart = chart.properties(title=f"{q.get('reporter', '')}: top {len(data)} products by "
                                       f"RCA, {q.get('product_class', '')} at "
                                       f"{q.get('level', '')}, {q.get('period', '')}")
    return _config(chart).to_dict()


def complementarity_heatmap(doc: dict[str, Any], *, width: Any = None,
                            height: int | None = None, titled: bool = True) -> dict[str, Any]:
    """Exporter × importer heatmap of a bloc's complementarity indices (0–100); every member
    of the echo gets its row and column, so a member with no data shows as an empty line."""
    import altair as alt

    rows = doc.get("rows", [])
    q = doc.get("query", {})
    members = list(q.get("members") or sorted({r["exporter"] for r in rows}
                                              | {r["importer"] for r in rows}))
    if not members:
        raise InputError("no complementarity figures to chart")
    data = [{"exporter": r["exporter"], "importer": r["importer"], "index": r["index"],
             "products": r["products"], "label": f"{r['index']:.0f}"} for r in rows]
    base = alt.Chart(alt.Data(values=data)).encode(
        x=alt.X("importer:N", title="importer", sort=members, scale=alt.Scale(domain=members),
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("exporter:N", title="exporter", sort=members, scale=alt.Scale(domain=members)))
    cells = _heat(base, alt.Color("index:Q", title="index",
                                  scale=alt.Scale(scheme="greens", domain=[0, 100])),
                  [alt.Tooltip("exporter:N"), alt.Tooltip("importer:N"),
                   alt.Tooltip("index:Q", format=".1f"), alt.Tooltip("products:Q")],
                  "datum.index > 50")
    chart = cells.properties(width=width or alt.Step(30),
                                      height=height or max(60, 30 * len(members)))
    if titled:
        chart = chart.properties(title=alt.Title(
            f"{q.get('bloc', '')} trade complementarity, {q.get('period', '')}",
            subtitle="Michaely's index of the exporter's exports with the importer's imports"))
    return _config(chart, grid=False).to_dict()


def to_svg(spec: dict[str, Any]) -> str:
    """The chart as SVG text, rendered offline by vl-convert."""
    import vl_convert

    try:
        return vl_convert.vegalite_to_svg(spec, allowed_base_urls=[])
    except TypeError:  # older vl-convert without allowed_base_urls
        return vl_convert.vegalite_to_svg(spec)


def to_png(spec: dict[str, Any], *, scale: float = 2.0) -> bytes:
    """The chart as PNG bytes, rendered offline by vl-convert."""
    import vl_convert

    try:
        return vl_convert.vegalite_to_png(spec, scale=scale, allowed_base_urls=[])
    except TypeError:
        return vl_convert.vegalite_to_png(spec, scale=scale)
