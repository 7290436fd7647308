"""The Vega, Vega-Lite and Vega-Embed JavaScript, from the installed ``vl-convert-python``.

``vl_convert.javascript_bundle()`` returns one self-contained script (no imports, no network)
that defines ``window.vegaEmbed``, ``window.vega`` and ``window.vegaLite``. Building it takes a
few seconds, so it is cached on disk (per vl-convert version, in the cistrade cache dir) and in
memory. Vega, Vega-Lite and Vega-Embed are BSD-3-Clause licensed (University of Washington
Interactive Data Lab); the minified bundle carries no licence comment of its own (see
``static/vendor/README.md``).
"""

from __future__ import annotations

import functools
import logging
import threading

from cistrade.paths import cache_dir

__all__ = ["vega_bundle", "warm"]

log = logging.getLogger(__name__)

_lock = threading.Lock()


@functools.cache
def _build() -> bytes:
    import vl_convert

    tag = f"vega-{vl_convert.get_vega_version()}-embed-{vl_convert.get_vega_embed_version()}"
    path = cache_dir() / "web" / f"{tag}.js"
    try:
        return path.read_bytes()
    except OSError:
        pass
    log.info("building the Vega bundle (%s)", tag)
    data = vl_convert.javascript_bundle().encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError:
        log.debug("cannot cache the Vega bundle at %s", path, exc_info=True)
    return data


def vega_bundle() -> bytes:
    """The bundle's bytes (built once per process, cached on disk across processes)."""
    with _lock:
        return _build()


def warm() -> None:
    """Build the bundle in a background thread, so that the first page load does not wait."""
    threading.Thread(target=vega_bundle, name="vega-bundle", daemon=True).start()
