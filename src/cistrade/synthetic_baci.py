"""A seeded **synthetic** BACI year: exports by exporter, importer and HS6 product.

The shape of one year of CEPII BACI (every row an exporter's FOB exports of one HS6 product
to one importer, in USD), for the tests and benchmarks of the product-level indicators
(:mod:`cistrade.indicators.strengths`); nothing in it is real. Every file says so: the data
file's sidecar ``<file>.json`` carries ``"synthetic": true`` and the parameters, the
nomenclature written beside it describes each code as ``SYNTHETIC product …``, and
:func:`ingest_baci_year` stores the dataset with ``synthetic = true``.

The model, all drawn from ``numpy.random.default_rng(seed)``, is built so that revealed
comparative advantage and economic complexity have a structure to find:

* countries: the registry's countries (or ``n_countries`` of them, the CIS members first),
  each with a
  lognormal economic mass and a *capability* ``c_i ~ N(0, 1)``;
* products: ``n_products`` HS6-like codes (chapters 01–97), each with a world weight and a
  *complexity* ``q_p ~ N(0, 1)``;
* a country exports a product with probability ``σ(2 (c_i − q_p) + bias)`` (capable
  countries export most products, complex products have few exporters: the nested pattern
  of real trade), with value ``mass_i · weight_p · lognormal``;
* each exporter–product value is split among ``k`` importers, more for larger values, a
  run of consecutive countries from a random offset (never the exporter itself), with
  lognormal weights; ``k`` is scaled so that the file has about ``rows`` rows.

The file is the tidy layout (:mod:`cistrade.sources.tidy`): ``reporter`` (exporter),
``partner`` (importer), ``flow`` export, ``period`` the year, ``product_class`` HS22,
``product``, ``value`` whole USD, FOB, partner basis destination; written exporter by
exporter, so memory stays at one block of rows.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from cistrade.synthetic import CIS, SyntheticInfo, sidecar_path

__all__ = ["BaciYear", "generate_baci_year", "ingest_baci_year", "write_product_codes",
           "PRODUCT_CLASS"]

log = logging.getLogger(__name__)

PRODUCT_CLASS = "HS22"
#: exporters per written block (a block's rows are built in memory at once)
_BLOCK = 16


@dataclass
class BaciYear:
    """The drawn model: who exports what, worth how much, to how many importers."""

    codes: np.ndarray  # (C,) country codes, sorted
    products: np.ndarray  # (P,) HS6 codes, sorted
    value: np.ndarray  # (C, P) exports of each country in each product (0 where none)
    partners: np.ndarray  # (C, P) importers each exporter–product value is split among


def _countries(n: int | None) -> np.ndarray:
    from cistrade.reference.countries import registry

    codes = sorted(a.code for a in registry() if a.kind == "country" and a.comtrade is not None)
    if n is None:
        return np.array(codes)
    first = [c for c in CIS if c in codes] + [c for c in codes if c not in CIS]
    return np.array(sorted(first[:n]))


def _products(rng: np.random.Generator, n: int) -> np.ndarray:
    chapters = [c for c in range(1, 98) if c != 77]
    grid = np.array([f"{c:02d}{h:02d}{s:02d}" for c in chapters for h in range(1, 31)
                     for s in (10, 11, 19, 20, 21, 29, 30, 90)])
    if n > len(grid):
        raise ValueError(f"at most {len(grid)} synthetic products")
    return np.sort(rng.choice(grid, n, replace=False))


def _partner_counts(value: np.ndarray, n_countries: int, rows: int) -> np.ndarray:
    """Importers per exporter–product value (≥ 1 where there is one): ∝ value^0.35, scaled
    by bisection so that their sum is about ``rows``."""
    present = value > 0
    base = np.where(present, (value / np.median(value[present])) ** 0.35, 0.0)
    cap = n_countries - 1

    def count(scale: float) -> np.ndarray:
        return np.where(present, np.clip(np.rint(scale * base), 1, cap), 0).astype(np.int64)

    lo, hi = 1e-3, 1e4
    for _ in range(60):
        mid = (lo * hi) ** 0.5
        lo, hi = (mid, hi) if count(mid).sum() < rows else (lo, mid)
    return count(hi)


def build_baci_year(*, rows: int, n_countries: int | None, n_products: int, seed: int) -> BaciYear:
    """Draw the model (see the module's docstring)."""
    rng = np.random.default_rng([seed, 19])
    codes = _countries(n_countries)
    products = _products(rng, n_products)
    mass = rng.lognormal(np.log(20), 1.4, len(codes))
    capability = rng.normal(0, 1, len(codes))
    weight = rng.lognormal(0, 1.0, len(products))
    complexity = rng.normal(0, 1, len(products))
    logit = 2.0 * (capability[:, None] - complexity[None, :]) - 0.3
    present = rng.random((len(codes), len(products))) < 1 / (1 + np.exp(-logit))
    noise = rng.lognormal(0, 1.2, present.shape)
    value = np.where(present, np.rint(1e6 * mass[:, None] * weight[None, :] * noise), 0.0)
    return BaciYear(codes, products, value, _partner_counts(value, len(codes), rows))


def _block_rows(model: BaciYear, exporters: np.ndarray, rng: np.random.Generator) -> dict:
    """(exporter, importer, product, value) of the rows of some exporters."""
    n = len(model.codes)
    sub = model.partners[exporters]
    ex_local, prod = np.nonzero(sub)
    k = sub[ex_local, prod]
    exporter = exporters[ex_local]
    cell = np.repeat(np.arange(len(k)), k)
    step = np.arange(k.sum()) - np.repeat(np.cumsum(k) - k, k)  # 0..k-1 within each cell
    offset = rng.integers(0, n - 1, len(k))
    importer = (exporter[cell] + 1 + (offset[cell] + step) % (n - 1)) % n
    w = rng.lognormal(0, 1.0, len(cell))
    total = np.add.reduceat(w, np.cumsum(k) - k)
    v = np.maximum(1.0, np.rint(model.value[exporter, prod][cell] * w / total[cell]))
    return {"exporter": exporter[cell], "importer": importer, "product": prod[cell], "value": v}


def generate_baci_year(out: str | Path, *, rows: int = 100_000, year: int = 2023,
                       n_countries: int | None = None, n_products: int | None = None,
                       seed: int = 7) -> SyntheticInfo:
    """Write a synthetic BACI year to ``out`` (Parquet, tidy layout), its sidecar and, beside
    it, the synthetic nomenclature ``product_codes_HS22_SYNTHETIC.csv``.

    ``n_products`` defaults to about one code per 2,000 rows (5,000 at 10 million rows, as
    many as BACI's HS6 codes); the same arguments give the same bytes.
    """
    out = Path(out)
    n_products = n_products or int(np.clip(rows // 2000, 20, 5000))
    model = build_baci_year(rows=rows, n_countries=n_countries, n_products=n_products, seed=seed)
    rng = np.random.default_rng([seed, 20])
    labels = {"codes": pa.array(model.codes.tolist()), "products": pa.array(model.products.tolist())}
    const = {"flow": "export", "period": str(year), "currency": "USD", "product_class": PRODUCT_CLASS,
             "partner_basis": "destination", "valuation": "FOB"}
    out.parent.mkdir(parents=True, exist_ok=True)
    written, writer = 0, None
    try:
        for first in range(0, len(model.codes), _BLOCK):
            cols = _block_rows(model, np.arange(first, min(first + _BLOCK, len(model.codes))), rng)
            n = len(cols["value"])
            batch = pa.RecordBatch.from_pydict({
                "reporter": labels["codes"].take(pa.array(cols["exporter"])),
                "partner": labels["codes"].take(pa.array(cols["importer"])),
                "product": labels["products"].take(pa.array(cols["product"])),
                "value": pa.array(cols["value"]),
                **{k: pa.array([v] * n, pa.string()) for k, v in const.items()},
            })
            writer = writer or pq.ParquetWriter(out, batch.schema)
            writer.write_batch(batch)
            written += n
    finally:
        if writer is not None:
            writer.close()
    params = {"rows_requested": rows, "year": year, "countries": len(model.codes),
              "products": len(model.products), "format": "parquet", "layout": "tidy (BACI shape)"}
    info = SyntheticInfo(out, sidecar_path(out), written, seed, params)
    meta = {"synthetic": True, "generator": "cistrade.synthetic_baci", "file": out.name,
            "rows": written, "seed": seed, "series": f"synthetic/baci-{seed}/{year}",
            "vintage": str(year), "parameters": params}
    info.sidecar.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    write_product_codes(out.parent / f"product_codes_{PRODUCT_CLASS}_SYNTHETIC.csv", model.products)
    log.info("wrote %s synthetic BACI rows to %s (seed %s)", written, out, seed)
    return info


def write_product_codes(path: str | Path, codes: np.ndarray | list[str]) -> Path:
    """A nomenclature file in BACI's layout (``code,description``), every description
    ``SYNTHETIC product <code> (chapter <HS2>)``: the format of the publisher's file, none
    of its words."""
    path = Path(path)
    lines = ["code,description"] + [f'{c},"SYNTHETIC product {c} (chapter {c[:2]})"'
                                    for c in codes]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def ingest_baci_year(store: object, info: SyntheticInfo) -> object:
    """Ingest a generated year as series ``synthetic/baci-<seed>/<year>``, marked synthetic."""
    from cistrade.sources.tidy import TidySource

    meta = json.loads(info.sidecar.read_text(encoding="utf-8"))
    source = TidySource(series=meta["series"], vintage=meta["vintage"], synthetic=True)
    return store.ingest(source, [info.path])  # type: ignore[attr-defined]
