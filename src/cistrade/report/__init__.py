"""Charts (Vega-Lite via Altair, rendered offline by vl-convert) and self-contained HTML reports."""

from cistrade.report.html import write_report

__all__ = ["write_report"]
