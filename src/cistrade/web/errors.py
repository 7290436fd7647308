"""One error shape for every failure the web API answers: ``{"error": {"type", "message", "detail"}}``.

cistrade's own errors carry their HTTP status (:mod:`cistrade.errors`); FastAPI's request
validation errors become 422 ``RequestValidationError``; unknown routes and methods 404/405;
anything unexpected a 500 ``InternalError`` that is logged and never shows a traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from cistrade.contract import jsonable
from cistrade.errors import CistradeError

__all__ = ["install_error_handlers", "error_body", "BodyTooLarge"]

log = logging.getLogger(__name__)

_HTTP_TYPES = {404: "NotFound", 405: "MethodNotAllowed", 413: "BodyTooLarge"}


class BodyTooLarge(CistradeError):
    """A request body over the endpoint's limit."""

    status_code = 413


def error_body(type_: str, message: str, detail: Any = None) -> dict[str, Any]:
    """The pinned error document."""
    return {"error": {"type": type_, "message": message, "detail": detail if detail is not None else {}}}


def _json(status: int, body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(jsonable(body), status_code=status)


async def _cistrade_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CistradeError)
    status = exc.status_code if 400 <= exc.status_code < 600 else 500
    if status >= 500:
        log.error("%s: %s", exc.type, exc)
    return _json(status, {"error": exc.to_dict()})


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [
        {"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")}
        for e in exc.errors()
    ]
    text = "; ".join(f"{p['where']}: {p['problem']}" for p in problems[:5])
    return _json(422, error_body("RequestValidationError", f"invalid request: {text}",
                                 {"errors": problems[:20]}))


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    type_ = _HTTP_TYPES.get(exc.status_code, "HTTPError")
    return _json(exc.status_code, error_body(type_, str(exc.detail)))


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    return _json(500, error_body("InternalError", "internal error; it has been logged"))


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that give every error the one shape."""
    app.add_exception_handler(CistradeError, _cistrade_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _internal_error)
