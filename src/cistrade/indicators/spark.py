"""The Spark engine: one local session per process, reading the store exported to Parquet.

The store is DuckDB; Spark reads its tables (``flows``, ``datasets``) written once
to Parquet under the cache dir and reused while the store does not change (the export is keyed
by the store's path and version: its datasets, rows and supersessions). The session is
``local[2]`` with one shuffle partition, no adaptive execution and no UI;
``CISTRADE_SPARK_MASTER``, ``CISTRADE_SPARK_PARTITIONS`` and ``CISTRADE_SPARK_MEMORY`` override
the master URL, the shuffle partitions and the driver memory.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cistrade.errors import InputError
from cistrade.paths import cache_dir

if TYPE_CHECKING:  # pragma: no cover
    from cistrade.indicators.engine import Engine

__all__ = ["spark_session", "spark_backend", "export_store"]

log = logging.getLogger(__name__)

_SESSION: Any = None
EXTRA_HINT = "pip install 'cistrade[spark]' (and Java 17)"


def spark_session() -> Any:
    """The process's local Spark session, started on first use."""
    global _SESSION
    if _SESSION is not None:
        return _SESSION
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise InputError(f"the Spark engine needs pyspark: {EXTRA_HINT}") from exc
    master = os.environ.get("CISTRADE_SPARK_MASTER", "local[2]")
    builder = (
        SparkSession.builder.master(master)
        .appName("cistrade")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        # the aggregates shrink the rows before any shuffle: one partition and no adaptive
        # re-planning halve the latency of a query (AQE pays off on big shuffles only)
        .config("spark.sql.shuffle.partitions", os.environ.get("CISTRADE_SPARK_PARTITIONS", "1"))
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", os.environ.get("CISTRADE_SPARK_MEMORY", "2g"))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
    )
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 - JVM start-up fails in many ways
        raise InputError(f"cannot start a local Spark session ({exc}); {EXTRA_HINT}") from exc
    session.sparkContext.setLogLevel("ERROR")
    _SESSION = session
    return session


def _export_dir(eng: Engine) -> Path:
    where = str(eng.store_path.resolve()) if eng.store_path else f"memory-{id(eng.meta)}"
    key = hashlib.sha1(repr((where, eng.version)).encode()).hexdigest()[:16]
    return cache_dir() / "spark" / key


def export_store(eng: Engine) -> dict[str, Path]:
    """The store's tables as Parquet files (written once per store version)."""
    folder = _export_dir(eng)
    names = ["flows", "datasets"]
    files = {n: folder / f"{n}.parquet" for n in names}
    if all(p.exists() for p in files.values()):
        return files
    tmp = folder.with_name(folder.name + f".tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for name in names:
        target = str(tmp / f"{name}.parquet").replace("'", "''")
        eng.meta.execute(f"COPY (SELECT * FROM {name}) TO '{target}' (FORMAT parquet)")
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    log.info("exported the store to %s for Spark", folder)
    return files


def spark_backend(eng: Engine) -> Any:
    """An Ibis pyspark backend with the store's tables registered on ``eng``."""
    session = spark_session()
    import ibis

    files = export_store(eng)
    backend = ibis.pyspark.connect(session)
    tag = files["flows"].parent.name
    for name, path in files.items():
        eng._tables[name] = backend.read_parquet(str(path), table_name=f"cistrade_{name}_{tag}")
    return backend
