"""The service's client errors and their JSON bodies, without FastAPI.

The send path (service/front.py) raises these and renders them itself; the FastAPI app
(service/app.py) has exception handlers that give the same bodies, and also renders FastAPI's own
RequestValidationError and HTTPException the same way. Every error is `{"error", "detail"}`.
"""
from __future__ import annotations

import json

from starlette.exceptions import HTTPException  # starlette's module only: no framework import


class HTTPError(HTTPException):
    """A client error (status, detail): what a handler raises for 400, 404, 413 or 422. A subclass
    of Starlette's HTTPException, so the FastAPI app's handler for that renders it too."""


class InvalidBody(Exception):
    """A body (or field) that failed validation, with pydantic-style errors (loc, msg, type), as
    FastAPI's RequestValidationError carries them."""

    def __init__(self, errors: list[dict]) -> None:
        super().__init__(errors)
        self._errors = errors

    def errors(self) -> list[dict]:
        return self._errors


ERROR_NAMES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 413: "too_large", 422: "pack_rejected"}


def error_json(error: str, detail: str) -> bytes:
    """`{"error", "detail"}` as Starlette's JSONResponse renders it."""
    return json.dumps({"error": error, "detail": detail}, ensure_ascii=False, allow_nan=False, indent=None,
                      separators=(",", ":")).encode("utf-8")


def validation_error(exc) -> tuple[int, str, str]:
    """(status, error, detail) of a body that failed validation (InvalidBody or FastAPI's
    RequestValidationError): 400 for malformed JSON, else 422 naming the first field at fault."""
    errors = exc.errors()
    invalid_json = [e for e in errors if e.get("type") == "json_invalid"]
    if invalid_json:
        reason = str(invalid_json[0].get("msg", "")).removeprefix("Invalid JSON: ")
        return 400, "malformed_json", "the body is not valid JSON" + (f": {reason}" if reason else "")
    first = errors[0] if errors else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
    return 422, "invalid_field", f"{where}: {first.get('msg', 'invalid value')}"


def http_error(exc: HTTPException) -> tuple[int, str, str]:
    detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
    if exc.status_code == 400 and "parsing the body" in detail:
        detail = "the body could not be read as UTF-8 JSON"
    return exc.status_code, ERROR_NAMES.get(exc.status_code, "error"), detail


def client_error(exc: Exception) -> tuple[int, bytes] | None:
    """The status and JSON body of `exc` (what the app's exception handlers answer), or None for
    an exception that is not a client error."""
    if isinstance(exc, HTTPException):
        status, error, detail = http_error(exc)
    elif isinstance(exc, InvalidBody) or _is_request_validation_error(exc):
        status, error, detail = validation_error(exc)
    else:
        return None
    return status, error_json(error, detail)


def _is_request_validation_error(exc: Exception) -> bool:
    # FastAPI's, recognised without importing FastAPI (if it is raised, FastAPI is loaded)
    return type(exc).__name__ == "RequestValidationError" and callable(getattr(exc, "errors", None))
