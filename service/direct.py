"""Bare ASGI serving for the send-path endpoints (/v1/check and /v2/check).

A chat tool calls these before every message it sends, so their per-request cost matters more
than anywhere else. FastAPI's dependency solving and even Starlette's Request/Response objects
cost more than the check itself (bench/http.py), and these endpoints need only the body, the
query string and one header. So each is written as a `SendPathHandler` taking a `Call` and
returning the JSON bytes, and served two ways:

* `DirectEndpoint`: a bare ASGI app, placed first in the routing table, that serves requests;
* `documented_twin`: an ordinary FastAPI endpoint registered on the same path, which gives the
  route its OpenAPI entry and /docs page (and behaves identically if it is ever reached).

Errors are raised as HTTPException or RequestValidationError and go through the app's exception
handlers like any other route's; middleware (limits, keys, CORS, metrics) applies unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from fastapi import Request
from starlette.responses import Response

JSON_HEADERS = (b"content-type", b"application/json")


@dataclass(slots=True)
class Call:
    """What a send-path handler may read of the request."""

    scope: dict[str, Any]
    body: bytes

    @property
    def app(self) -> Any:
        return self.scope["app"]

    @property
    def query_string(self) -> bytes:
        return self.scope.get("query_string", b"")

    def header(self, name: bytes) -> str:
        """The first value of a header (name in lower case), or ''."""
        for key, value in self.scope["headers"]:
            if key == name:
                return value.decode("latin-1")
        return ""


SendPathHandler = Callable[[Call], Awaitable[bytes]]


class DirectEndpoint:
    """`handler` as a bare ASGI app: read the body, call it, send its JSON with status 200."""

    def __init__(self, handler: SendPathHandler) -> None:
        self.handler = handler

    async def __call__(self, scope, receive, send) -> None:
        chunks = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client left: nothing to answer
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        payload = await self.handler(Call(scope, b"".join(chunks)))
        await send({"type": "http.response.start", "status": 200,
                    "headers": [JSON_HEADERS, (b"content-length", str(len(payload)).encode())]})
        await send({"type": "http.response.body", "body": payload})


def documented_twin(handler: SendPathHandler) -> Callable[[Request], Awaitable[Response]]:
    """The same handler as a FastAPI endpoint (for the schema; requests go to DirectEndpoint)."""

    async def endpoint(request: Request) -> Response:
        return Response(await handler(Call(request.scope, await request.body())), media_type="application/json")

    endpoint.__doc__ = handler.__doc__
    return endpoint
