"""uvicorn's httptools protocol with the timeouts it lacks: reading a request, and writing a response.

uvicorn closes a keep-alive connection that stays idle after a response, but nothing else: a
connection that never sends a request, stops in the middle of its headers or body (slowloris),
or stops reading a response holds a file descriptor, and in the last case the unsent response,
for as long as the peer likes. This protocol adds two deadlines per connection:

* request: from the moment the connection waits for a request (accepted, or its last response
  sent) until that request has been read whole (headers and body);
* write: from the moment the transport's buffer passes its high-water mark (the peer is not
  reading) until it drains again.

When one passes, the connection is aborted: the buffered response is dropped, not flushed, so
its memory is freed at once. The handler still running sees a disconnect.

`cslint serve` sets the two deadlines through CSLINT_REQUEST_TIMEOUT and CSLINT_WRITE_TIMEOUT
(seconds), read once per worker.
"""
from __future__ import annotations

import asyncio
import os
from functools import lru_cache

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

DEFAULT_REQUEST_TIMEOUT = 10.0
DEFAULT_WRITE_TIMEOUT = 10.0


@lru_cache(maxsize=1)
def timeouts() -> tuple[float, float]:
    """(request, write) deadlines in seconds, from the environment `cslint serve` prepared."""
    return (float(os.environ.get("CSLINT_REQUEST_TIMEOUT", DEFAULT_REQUEST_TIMEOUT)),
            float(os.environ.get("CSLINT_WRITE_TIMEOUT", DEFAULT_WRITE_TIMEOUT)))


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """HttpToolsProtocol plus a request-read deadline and a write deadline (see the module)."""

    _request_timer: asyncio.TimerHandle | None = None
    _write_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_request()

    def on_message_complete(self) -> None:
        self._request_timer = _cancelled(self._request_timer)
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._await_request()  # the next request (pipelined or not) gets its own deadline

    def pause_writing(self) -> None:
        super().pause_writing()
        if self._write_timer is None:
            self._write_timer = self.loop.call_later(timeouts()[1], self._abort)

    def resume_writing(self) -> None:
        self._write_timer = _cancelled(self._write_timer)
        super().resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        self._request_timer = _cancelled(self._request_timer)
        self._write_timer = _cancelled(self._write_timer)
        super().connection_lost(exc)

    def _await_request(self) -> None:
        _cancelled(self._request_timer)
        self._request_timer = self.loop.call_later(timeouts()[0], self._abort)

    def _abort(self) -> None:
        self._request_timer = self._write_timer = None
        if self.transport is not None:
            self.transport.abort()  # also when already closing: close() would wait for a flush that never comes
        # what connection_lost (called on a later turn of the loop) will say: from now on the running
        # handler's sends are dropped; writing to the aborted transport would raise instead
        cycle = getattr(self, "cycle", None)
        if cycle is not None and not cycle.response_complete:
            cycle.disconnected = True
            cycle.message_event.set()


def _cancelled(timer: asyncio.TimerHandle | None) -> None:
    if timer is not None:
        timer.cancel()
    return None
