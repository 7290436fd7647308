"""``cistrade report``: the self-contained HTML report and the charts as PNG and SVG (offline)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import shared
from typer.testing import CliRunner

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cistrade.sources import detect
    from cistrade.store import Store

    path = tmp_path_factory.mktemp("report") / "store.duckdb"
    store = Store(path)
    try:
        for f in sorted(shared("national", "am-armstat").iterdir()):
            store.ingest(detect(f)(), [f])
        for f in sorted(shared("national", "kz-bns").iterdir()):
            store.ingest(detect(f)(), [f])
    finally:
        store.close()
    return path


@pytest.fixture(scope="module")
def report_dir(db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cistrade.cli import app

    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(app, ["report", "--reporter", "ARM", "--period", "2024-01..2024-09",
                                      "--out", str(out), "--db", str(db), "--bloc", "CIS"])
    assert result.exit_code == 0, result.output
    return out


def test_files_exist(report_dir: Path):
    names = {p.name for p in report_dir.iterdir()}
    assert {"report.html", "share.svg", "share.png", "bloc-share.svg", "bloc-share.png",
            "matrix.svg", "matrix.png"} <= names


def test_png_magic_and_svg_parse(report_dir: Path):
    for name in ("share", "bloc-share", "matrix"):
        assert (report_dir / f"{name}.png").read_bytes()[:8] == PNG_MAGIC
        root = ET.fromstring((report_dir / f"{name}.svg").read_text(encoding="utf-8"))
        assert root.tag.endswith("svg")


def test_html_is_self_contained(report_dir: Path):
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", page, flags=re.I)
    assert not [r for r in refs if re.match(r"(https?:)?//", r)], refs
    assert "@import" not in page and "url(http" not in page
    assert page.count("<svg") >= 3


def test_html_has_the_figures_and_sources(report_dir: Path):
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    assert "Russia" in page and "41.8%" in page
    assert "am-armstat" in page and "arm_trade_country_monthly.csv" in page
    assert "Share of CIS over time" in page


def test_report_unknown_reporter_is_one_line(db: Path, tmp_path: Path):
    from cistrade.cli import app

    result = CliRunner().invoke(app, ["report", "-r", "Narnia", "-p", "2024", "--out", str(tmp_path),
                                      "--db", str(db)])
    assert result.exit_code == 1
    assert "unknown country" in result.output and "Traceback" not in result.output


def test_chart_specs_are_vega_lite():
    from cistrade.report.charts import bloc_line, matrix_heatmap, share_bars, to_svg

    doc = {"query": {"reporter": "ARM", "period": "2024", "flow": "turnover"},
           "rows": [{"partner": "RUS", "partner_name": "Russia", "share": 0.4, "value": 4e9, "rank": 1},
                    {"partner": "WLD", "partner_name": "World", "share": 1.0, "value": 1e10, "rank": None}]}
    spec = share_bars(doc, width=300)
    assert "vega-lite" in spec["$schema"]
    assert "Russia" in to_svg(spec) and "World" not in to_svg(spec)
    series = {"query": {"reporter": "ARM", "bloc": "CIS"}, "rows": [{"label": "2024-01", "share": 0.4}]}
    assert bloc_line(series, width=300)["$schema"]
    matrix = {"query": {"bloc": "CIS"}, "rows": [{"reporter": "ARM", "partner": "RUS", "share": 0.4, "value": 1.0}]}
    assert matrix_heatmap(matrix, width=300)["$schema"]
