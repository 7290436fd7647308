"""A SYNTHETIC 2024 for checking a claim against an estimate: Russia publishes only its World
totals, its partners report their trade with it.

Built for the purpose (claims about the CIS share of Russia's trade in January–September
2024, such as the seed statement's 16.2 %) and labelled synthetic everywhere: the file's
sidecar says ``"synthetic": true`` and :func:`ingest_statement_world` stores it with
``synthetic = true`` in the dataset's provenance. Nothing in it is an official figure.

The world, seeded (``numpy.random.default_rng(seed)``):

* Russia's own annual table by partner for 2019–2021, with its World totals (as FTS
  published until 2021): ``PARTNERS`` countries (the CIS members among them), lognormal sizes
  scaled so that the CIS share of Russia's turnover is ``cis_share``;
* for January–September 2024: Russia's monthly World totals only, and every partner's monthly
  report of its trade with Russia — exports FOB, imports CIF = Russia's exports × 1.06 — except
  the ``silent`` partners (small ones), which report nothing; 2024's partner values are the
  2021 ones with a little noise, so the true CIS share stays about ``cis_share``;
* the truth (Russia's own 2024 partner figures) is returned, not written.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["StatementWorld", "statement_world", "ingest_statement_world", "PARTNERS"]

CIS = ("ARM", "AZE", "BLR", "KAZ", "KGZ", "MDA", "TJK", "TKM", "UZB")
OTHERS = ("CHN", "TUR", "IND", "DEU", "ITA", "NLD", "USA", "KOR", "JPN", "ARE", "EGY", "BRA",
          "SRB", "VNM", "MNG", "IRN", "SAU", "ISR", "GBR", "FRA", "POL", "MYS", "THA", "IDN")
PARTNERS = CIS + OTHERS
SILENT = ("TKM", "MNG", "IRN")  # report nothing in 2024
MONTHS = [f"2024-{m:02d}" for m in range(1, 10)]
CIF_FOB = 1.06
#: the part of Russia's trade its own table lists (the rest: partners it does not name)
LISTED = 0.90


@dataclass
class StatementWorld:
    """What :func:`statement_world` wrote, and the truth it did not write."""

    path: Path
    sidecar: Path
    truth: dict[str, float]  # Russia's true Jan–Sep 2024 turnover per partner, USD
    total: float  # Russia's true (and published) Jan–Sep 2024 turnover
    synthetic: bool = True

    @property
    def cis_share(self) -> float:
        return sum(self.truth[c] for c in CIS) / self.total


def _sizes(rng: np.random.Generator, cis_share: float) -> dict[str, float]:
    """Russia's 2021 turnover per partner (USD): the CIS ``cis_share`` of a 700 bn total, the
    rest of it spread over the others and an unlisted remainder of 10 %."""
    total = 700e9
    cis = rng.lognormal(0, 1.0, len(CIS))
    others = rng.lognormal(0, 1.0, len(OTHERS))
    out = {c: total * cis_share * v / cis.sum() for c, v in zip(CIS, cis, strict=True)}
    out |= {c: total * (LISTED - cis_share) * v / others.sum()
            for c, v in zip(OTHERS, others, strict=True)}
    return out


def statement_world(out_dir: str | Path, *, cis_share: float = 0.16, seed: int = 2024,
                    silent: tuple[str, ...] = SILENT) -> StatementWorld:
    """Write the synthetic world as a tidy CSV under ``out_dir`` (module doc)."""
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"synthetic-statement-2024-{seed}.csv"
    base = _sizes(rng, cis_share)
    rows: list[dict[str, Any]] = []

    def add(rep: str, par: str, flow: str, period: str, value: float, val: str,
            agg: bool = False) -> None:
        rows.append({"reporter": rep, "partner": par, "flow": flow, "period": period,
                     "value": round(value), "currency": "USD", "valuation": val,
                     "partner_basis": "origin" if flow == "import" else "destination",
                     "aggregate": str(agg).lower()})

    for year, growth in (("2019", 0.95), ("2020", 0.85), ("2021", 1.0)):
        exports = imports = 0.0
        for p, size in base.items():
            x = size * growth * 0.6 * rng.lognormal(0, 0.03)
            m = size * growth * 0.4 * rng.lognormal(0, 0.03)
            add("RUS", p, "export", year, x, "FOB")
            add("RUS", p, "import", year, m, "CIF")
            exports, imports = exports + x, imports + m
        add("RUS", "WLD", "export", year, exports / LISTED, "FOB", agg=True)
        add("RUS", "WLD", "import", year, imports / LISTED, "CIF", agg=True)
    truth: dict[str, float] = {}
    total = 0.0
    for month in MONTHS:
        mx = mm = 0.0
        for p, size in base.items():
            x = size * 0.6 / 12 * rng.lognormal(0, 0.05)
            m = size * 0.4 / 12 * rng.lognormal(0, 0.05)
            truth[p] = truth.get(p, 0.0) + x + m
            mx, mm = mx + x, mm + m
            if p not in silent:
                add(p, "RUS", "import", month, x * CIF_FOB * rng.lognormal(0, 0.01), "CIF")
                add(p, "RUS", "export", month, m / CIF_FOB * rng.lognormal(0, 0.01), "FOB")
        add("RUS", "WLD", "export", month, mx / LISTED, "FOB", agg=True)
        add("RUS", "WLD", "import", month, mm / LISTED, "CIF", agg=True)
        total += (mx + mm) / LISTED
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    sidecar = Path(str(path) + ".json")
    sidecar.write_text(json.dumps({
        "synthetic": True, "generator": "cistrade.estimate.synthetic", "seed": seed,
        "series": f"synthetic/statement-2024-{seed}", "vintage": "2024",
        "parameters": {"cis_share": cis_share, "silent": list(silent), "cif_fob": CIF_FOB},
        "note": "SYNTHETIC: built to check claims against an estimate; not official figures",
    }, indent=2) + "\n", encoding="utf-8")
    return StatementWorld(path, sidecar, truth, total)


def ingest_statement_world(store: Any, world: StatementWorld) -> Any:
    """Store the world as a synthetic dataset (``synthetic = true`` in its provenance)."""
    from cistrade.sources.tidy import TidySource

    meta = json.loads(world.sidecar.read_text(encoding="utf-8"))
    return store.ingest(TidySource(series=meta["series"], vintage=meta["vintage"],
                                   synthetic=True), [world.path])
