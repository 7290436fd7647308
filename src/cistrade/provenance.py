"""A file's provenance on disk: its digest, and the sidecar ``cistrade fetch`` writes beside it.

The store records every ingested file's SHA-256 (a file ingested again changes nothing; a
changed file is a new dataset); the ECB rates are recorded the same way; a downloaded body's
URL (without the key) and retrieval time live in a hidden sidecar beside it, which the
readers, the store and the fetchers all find through :func:`sidecar_path`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

__all__ = ["sha256_of", "sidecar_path", "fetch_sidecar"]


def sha256_of(path: Path) -> str:
    """The file's SHA-256, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sidecar_path(path: Path) -> Path:
    """Where ``cistrade fetch`` records what it knows of a body it saved: ``.NAME.meta.json``
    beside it (hidden, so ``cistrade ingest auto <folder>`` passes it by)."""
    return path.with_name(f".{path.name}.meta.json")


def fetch_sidecar(path: Path) -> dict[str, Any]:
    """What ``cistrade fetch`` recorded beside a response body it saved (URL without the key,
    retrieval time …), or ``{}`` for any other file."""
    side = sidecar_path(path)
    try:
        meta = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}
