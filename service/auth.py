"""API keys for /v1 and /v2, as a pure ASGI middleware installed only when keys are configured.

A middleware (not a FastAPI dependency) because the check endpoints sit in a chat tool's send
path: with no keys configured it costs nothing at all, and with keys it is one header lookup.
Probes (/healthz, /readyz, /metrics), the docs, and /v1/admin/* (which has its own token) are
not guarded here. CORS pre-flight requests carry no credentials, so this middleware sits inside
the CORS one.
"""
from __future__ import annotations

import hmac
import json
from urllib.parse import parse_qs

GUARDED_PREFIXES = ("/v1/", "/v2/")
UNGUARDED_PREFIXES = ("/v1/admin/",)
MESSAGE = "an API key is required: Authorization: Bearer <key>, X-API-Key or apiKey"


def header_key(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The secret sent in `Authorization: Bearer` or `X-API-Key`, or None."""
    for name, value in headers:
        if name == b"authorization" and value[:7].lower() == b"bearer ":
            return value[7:].strip().decode("latin-1")
    for name, value in headers:
        if name == b"x-api-key":
            return value.strip().decode("latin-1")
    return None


def secret_matches(presented: str | None, *secrets: str) -> bool:
    """Whether `presented` is one of `secrets`, in time that does not depend on how much of it
    matched (hmac.compare_digest, against every secret: no early exit)."""
    given = (presented or "").encode("utf-8", "surrogateescape")
    found = False
    for secret in secrets:
        found |= hmac.compare_digest(given, secret.encode("utf-8", "surrogateescape"))
    return presented is not None and found


def presented_key(headers: list[tuple[bytes, bytes]], query_string: bytes) -> str | None:
    """The key a client sent: `Authorization: Bearer`, `X-API-Key`, or the `apiKey` query
    parameter (which LanguageTool clients use; never accepted for the admin token)."""
    key = header_key(headers)
    if key is not None:
        return key
    if b"apiKey=" in query_string:
        values = parse_qs(query_string.decode("latin-1")).get("apiKey")
        return values[0] if values else None
    return None


UNAUTHORIZED = (401, ((b"www-authenticate", b"Bearer"),),
                json.dumps({"error": "unauthorized", "detail": MESSAGE}).encode())


class KeyCheck:
    """`refuse(scope)`: the 401 answer (status, extra headers, body) for an HTTP request to a
    guarded path without one of `keys`, else None. With no keys, nothing is guarded."""

    def __init__(self, keys: frozenset[str] | tuple[str, ...]) -> None:
        self.keys = tuple(keys)

    def refuse(self, scope) -> tuple[int, tuple, bytes] | None:
        if not self.keys:
            return None
        path = scope.get("path", "")
        if (scope["type"] == "http" and path.startswith(GUARDED_PREFIXES) and not path.startswith(UNGUARDED_PREFIXES)
                and not secret_matches(presented_key(scope["headers"], scope.get("query_string", b"")), *self.keys)):
            return UNAUTHORIZED
        return None


class ApiKeys:
    def __init__(self, app, keys: frozenset[str]) -> None:
        self.app = app
        self.check = KeyCheck(keys)

    async def __call__(self, scope, receive, send) -> None:
        refused = self.check.refuse(scope)
        if refused is not None:
            status, headers, body = refused
            await send({"type": "http.response.start", "status": status, "headers": [
                (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers]})
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)
