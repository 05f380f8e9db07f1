"""Bare ASGI serving for the send path (/v1/check, /v2/check) and /healthz.

A chat tool calls the check endpoints before every message it sends, so their per-request cost
matters more than anywhere else. FastAPI's dependency solving, Starlette's Request/Response
objects and even the middleware stack (each layer wraps `receive` and `send` in closures) cost
more than the check itself (bench/http.py), and these endpoints need only the body, the query
string and one header. So each is written as a `SendPathHandler` taking a `Call` and returning
the JSON bytes, and served three ways:

* `SendPath`: the ASGI app uvicorn runs. It answers these paths itself, doing what the
  middleware would (API keys, the body limit, metrics and the access log, the JSON errors of the
  app's exception handlers) inline, and hands every other request to the FastAPI app;
* `DirectEndpoint`: the handler as a bare ASGI app placed first in FastAPI's routing table, for
  requests the front hands on (a browser's, with an Origin header, when CORS is configured:
  they need the CORS middleware);
* `documented_twin`: an ordinary FastAPI endpoint registered on the same path, which gives the
  route its OpenAPI entry and /docs page (and behaves identically if it is ever reached).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, NamedTuple

from .limits import too_large_body
from .observe import CLIENT_CLOSED

JSON = b"application/json"
JSON_HEADERS = (b"content-type", JSON)


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


class Answer(NamedTuple):
    """A handler's answer other than 200 with JSON (which it gives as the bare bytes)."""

    status: int
    body: bytes
    content_type: bytes = b"application/json"


SendPathHandler = Callable[[Call], Awaitable["bytes | Answer"]]


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


def documented_twin(handler: SendPathHandler):
    """The same handler as a FastAPI endpoint (for the schema; requests go to DirectEndpoint)."""
    from fastapi import Request
    from starlette.responses import Response

    async def endpoint(request):
        return Response(await handler(Call(request.scope, await request.body())), media_type="application/json")

    endpoint.__annotations__ = {"request": Request, "return": Response}  # real classes: FastAPI reads them
    endpoint.__doc__ = handler.__doc__
    return endpoint


# (status, JSON body) for an exception a handler raised, or None when it is not a client error
ErrorRenderer = Callable[[Exception], "tuple[int, bytes] | None"]


class SendPath:
    """The ASGI app `cslint serve` runs: the send path answered here, the rest by `app`.

    `routes` maps a path to the methods served here and its handler. A request on such a path
    is checked for its API key (when `keys` are set) and body size exactly as the ApiKeys and
    BodySizeLimit middleware do, and recorded by `recorder` (service/observe.py) as the Observe
    middleware does; anything else, and a browser's request when CORS is configured, goes to
    `app` and its middleware.
    """

    def __init__(self, app, routes: dict[str, tuple[frozenset[str], SendPathHandler]], *, context, recorder,
                 render_error: ErrorRenderer, key_check, max_body: int, cors: bool) -> None:
        self.app = app
        self.context = context  # what handlers see as `call.app` (its `state`, `version`)
        self.routes = routes
        self.recorder = recorder
        self.render_error = render_error
        self.key_check = key_check  # service/auth.py KeyCheck
        self.max_body = max_body
        self.cors = cors

    async def __call__(self, scope, receive, send) -> None:
        route = self.routes.get(scope.get("path")) if scope["type"] == "http" else None
        if route is None or scope["method"] not in route[0] or (self.cors and _has_origin(scope)):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        try:
            status = await self._serve(route[1], scope, receive, send)
        finally:
            self.recorder.record(scope, status, time.perf_counter() - started)

    async def _serve(self, handler: SendPathHandler, scope, receive, send) -> int:
        refused = self.key_check.refuse(scope)
        if refused is not None:
            return await _answer(send, *refused)
        body = await self._body(scope, receive)
        if body is None:
            return CLIENT_CLOSED
        if body is TOO_LARGE:
            return await _answer(send, *self._too_large())
        scope["app"] = self.context
        content_type = JSON
        try:
            payload = await handler(Call(scope, body))
        except Exception as exc:
            rendered = self.render_error(exc)
            if rendered is None:
                raise  # uvicorn answers 500 and logs the traceback; recorded as 500
            status, payload = rendered
        else:
            if type(payload) is bytes:
                status = 200
            else:
                status, payload, content_type = payload
        try:
            await send({"type": "http.response.start", "status": status,
                        "headers": [(b"content-type", content_type), (b"content-length", b"%d" % len(payload))]})
            await send({"type": "http.response.body", "body": payload})
            return status
        except RuntimeError:
            if _connection_gone(send):
                return CLIENT_CLOSED  # aborted (write timeout) while the handler ran: nobody to answer
            raise

    async def _body(self, scope, receive):
        """The whole body; None when the client left, TOO_LARGE over --max-body."""
        for name, value in scope["headers"]:
            if name == b"content-length":
                if value.isdigit() and int(value) > self.max_body:
                    return TOO_LARGE
                break
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        body = message.get("body", b"")
        if not message.get("more_body", False):
            return TOO_LARGE if len(body) > self.max_body else body
        chunks, size = [body], len(body)
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return TOO_LARGE
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _too_large(self) -> tuple[int, tuple, bytes]:
        return 413, (), too_large_body(self.max_body)


TOO_LARGE = object()


def _connection_gone(send) -> bool:
    """Whether the connection of uvicorn's `send` is closed: uvloop refuses a write to a closed
    transport, and uvicorn marks only the latest of pipelined requests as disconnected."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    return transport is not None and transport.is_closing()


def _has_origin(scope) -> bool:
    return any(name == b"origin" for name, _ in scope["headers"])


async def _answer(send, status: int, headers, body: bytes) -> int:
    await send({"type": "http.response.start", "status": status,
                "headers": [JSON_HEADERS, (b"content-length", str(len(body)).encode()), *headers]})
    await send({"type": "http.response.body", "body": body})
    return status
