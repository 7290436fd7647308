"""Where cistrade keeps what it can compute again: one home for every cache folder.

``$CISTRADE_CACHE_DIR`` (else the user's cache dir, ``platformdirs``) holds the indicators'
coverage catalogs, prepared queries and Spark exports and the dashboard's assets, each in a
folder of its own; the fetchers' downloads go to ``$CISTRADE_CACHE`` when it is set, else to
``fetch/`` in the same place.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_dir", "fetch_cache_dir"]


def cache_dir() -> Path:
    """The folder of every cistrade cache: ``$CISTRADE_CACHE_DIR`` or the user cache dir."""
    env = os.environ.get("CISTRADE_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_path  # only when no folder is set: tests never need it

    return user_cache_path("cistrade", appauthor=False)


def fetch_cache_dir() -> Path:
    """``$CISTRADE_CACHE``, else ``fetch/`` under :func:`cache_dir`."""
    env = os.environ.get("CISTRADE_CACHE")
    if env:
        return Path(env)
    return cache_dir() / "fetch"
