"""Readers of national statistics offices' own publications (spreadsheets and CSV files).

One module per publisher (``ru_fts``, ``kz_bns``; Uzbekistan's and Armenia's tables are layout
files, ``cistrade/layouts/uz-stat.toml`` and ``am-armstat.toml``); what the
spreadsheet readers share (sheets as grids of cells with their coordinates, Russian labels,
units and period captions, the canonical-row collector) is in :mod:`.excel`.
"""
