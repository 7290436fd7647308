"""The FastAPI application: the JSON API, the dashboard at ``/``, and offline API docs.

::

    from cistrade.web import create_app
    app = create_app(Path("cistrade.duckdb"))      # then: uvicorn, or httpx.ASGITransport(app=app)

Everything the browser loads comes from the app itself: the dashboard's HTML, CSS and JS
(``static/``), the Vega, Vega-Lite and Vega-Embed bundle (built from the ``vl-convert-python``
package, see :mod:`cistrade.web.assets`) and Swagger UI (vendored in ``static/vendor``), so the
dashboard and ``/docs`` work without internet.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from cistrade.web.api import MAX_CHECK_BYTES, router
from cistrade.web.assets import vega_bundle
from cistrade.web.engines import AnswerCache, EnginePool
from cistrade.web.errors import BodyTooLarge, error_body, install_error_handlers

__all__ = ["create_app", "STATIC"]

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"


class BodyLimit:
    """ASGI middleware: a request body over ``limit`` bytes is answered 413 in the error shape."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._reject(send)
            return
        seen = 0

        async def counting() -> dict[str, Any]:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise BodyTooLarge(f"the request body is over {self.limit // 1024} KiB")
            return message

        await self.app(scope, counting, send)

    async def _reject(self, send: Any) -> None:
        import json

        body = json.dumps(error_body("BodyTooLarge", f"the request body is over {self.limit // 1024} KiB"))
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body.encode()})


def create_app(db: Path, *, engine: str = "duckdb", cache_size: int = 1024) -> FastAPI:
    """The web app over the store ``db``, opened read-only when the app starts."""
    db = Path(db)
    pool = EnginePool(db, engine=engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # read the store's catalog and import Ibis before the first request, not during it
        await pool.submit(pool.warm)
        try:
            yield
        finally:
            pool.close()

    app = FastAPI(
        title="cistrade",
        summary="Official trade statistics of the CIS countries: indicators and claim checking",
        version=_version(),
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.pool = pool
    app.state.cache = AnswerCache(cache_size)
    app.state.db = db
    install_error_handlers(app)
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _pages(app)
    app.add_middleware(BodyLimit, limit=MAX_CHECK_BYTES)
    return app


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cistrade")
    except PackageNotFoundError:
        return "0"


def _pages(app: FastAPI) -> None:
    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    @app.get("/assets/vega-bundle.js", include_in_schema=False)
    def vega() -> Response:
        return Response(vega_bundle(), media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="cistrade API",
            swagger_js_url="/static/vendor/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    @app.get("/healthz", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}
