"""Errors as the dashboard answers them: a page for a browser, JSON for ``/api/``.

Bad input is the client's fault and says so with the right status (404 unknown id, 422
malformed filter); a database that is missing, locked or unreadable is 503 with the
storage layer's one-line reason; nothing a client sends produces a traceback. A bug still
answers 500, with a generic page, and is logged on the server.
"""

from __future__ import annotations

import json
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import DlbenchError, StorageError, UsageError
from ..storage import NoDatabase
from .deps import DatabaseUnavailable
from .render import render

log = logging.getLogger("dlbench.web")


def wants_json(request: Request) -> bool:
    if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def validation_message(exc: RequestValidationError) -> str:
    """``page_size: Input should be less than or equal to 200`` (one line per field)."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body"))
        parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else err.get("msg", ""))
    return "; ".join(parts) or "invalid request"


def error_response(request: Request, status: int, message: str, *, detail=None):
    if wants_json(request):
        return JSONResponse({"detail": detail if detail is not None else message},
                            status_code=status)
    return render(request, "error.html", status_code=status, status=status, message=message)


def status_of(exc: DlbenchError) -> int:
    from .results import NotFound

    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, (DatabaseUnavailable, NoDatabase, StorageError)):
        return 503
    if isinstance(exc, UsageError):
        return 400
    return 500


def install(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        response = error_response(request, exc.status_code, message, detail=exc.detail)
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_input(request: Request, exc: RequestValidationError):
        message = validation_message(exc)
        if wants_json(request):
            return JSONResponse({"detail": message, "errors": _jsonable(exc.errors())},
                                status_code=422)
        return error_response(request, 422, message)

    @app.exception_handler(DlbenchError)
    async def dlbench_error(request: Request, exc: DlbenchError):
        return error_response(request, status_of(exc), str(exc))

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception):
        log.exception("unhandled error on %s", request.url.path)
        return error_response(request, 500, "internal error (see the server's log)")


def _jsonable(errors: list) -> list:
    """Validation errors without the raw exception objects pydantic may put in ``ctx``."""
    out = []
    for err in errors:
        err = dict(err)
        if "ctx" in err:
            err["ctx"] = {k: str(v) for k, v in err["ctx"].items()}
        err.pop("url", None)
        if "input" in err:  # a non-JSON body arrives as bytes: json.dumps would raise (500)
            try:
                json.dumps(err["input"])
            except (TypeError, ValueError):
                raw = err["input"]
                err["input"] = (raw.decode("utf-8", "replace")
                                if isinstance(raw, (bytes, bytearray)) else str(raw))
        out.append(err)
    return out
