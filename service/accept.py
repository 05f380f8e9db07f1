"""The worker's event loop: uvloop, accepting every waiting connection at once.

libuv (under uvloop) accepts one connection each time the listening socket polls readable,
that is once per turn of the event loop. A turn of a busy worker lasts tens of milliseconds
(every ready connection's request is answered in it), so when a client opens 64 connections at
once, the last ones wait up to 64 turns before their first request is even read. That was the
stall of issue 16: p99 of 400-1,400 ms in 4 s runs at concurrency 64 (for /healthz as much as
for /v1/check) while no request took over 140 ms inside the worker and the loop never blocked
over 90 ms; the late requests were the first ones of the connections accepted last (worker-side
timestamps: the last of 64 connections accepted 0.85 s after the client opened them). Python's
own asyncio loop accepts up to the backlog each time, and had no such tail.

`new_event_loop` (uvicorn's loop factory under `cslint serve`, and under bench/starlette_hello.py)
is uvloop's loop whose `create_server` also watches a duplicate of each listening socket and,
when it is readable, accepts the waiting connections in one go (at most ACCEPT_BATCH) and hands
each to the server's protocol factory through `connect_accepted_socket`, as libuv would. Without
uvloop (Windows) it is asyncio's loop, which already accepts that way.
"""
from __future__ import annotations

import asyncio
import os
import socket

ACCEPT_BATCH = 512  # connections accepted per readiness of a listening socket

try:
    import uvloop
except ImportError:  # pragma: no cover - Windows
    uvloop = None


def new_event_loop() -> asyncio.AbstractEventLoop:
    if uvloop is None:  # pragma: no cover
        return asyncio.new_event_loop()
    return BatchAcceptLoop()


if uvloop is not None:

    class BatchAcceptLoop(uvloop.Loop):  # type: ignore[misc, name-defined]
        async def create_server(self, protocol_factory, *args, **kwargs):
            server = await super().create_server(protocol_factory, *args, **kwargs)
            if kwargs.get("ssl") is not None or not server.sockets:
                return server  # TLS handshakes stay with uvloop's own server
            readers = []
            for listening in server.sockets:
                if listening.family not in (socket.AF_INET, socket.AF_INET6):
                    continue
                # a second descriptor of the same socket: libuv keeps watching its own
                twin = socket.socket(listening.family, listening.type, fileno=os.dup(listening.fileno()))
                twin.setblocking(False)
                self.add_reader(twin.fileno(), self._accept_waiting, twin, protocol_factory)
                readers.append(twin)
            return BatchAcceptingServer(self, server, readers)

        def _accept_waiting(self, listening: socket.socket, protocol_factory) -> None:
            for _ in range(ACCEPT_BATCH):
                try:
                    connection, _address = listening.accept()
                except (BlockingIOError, InterruptedError):
                    return
                except OSError:
                    return  # EMFILE, ECONNABORTED...: left to libuv's own accept and its EMFILE handling
                connection.setblocking(False)
                self.create_task(self._serve(connection, protocol_factory))

        async def _serve(self, connection: socket.socket, protocol_factory) -> None:
            try:
                await self.connect_accepted_socket(protocol_factory, connection)
            except OSError:  # the peer left before the transport was set up
                connection.close()


class BatchAcceptingServer:
    """uvloop's Server, whose `close` also stops the batch accepting (uvicorn's shutdown)."""

    def __init__(self, loop, server, readers: list[socket.socket]) -> None:
        self._loop = loop
        self._server = server
        self._readers = readers

    def close(self) -> None:
        for twin in self._readers:
            self._loop.remove_reader(twin.fileno())
            twin.close()
        self._readers = []
        self._server.close()

    def __getattr__(self, name: str):
        return getattr(self._server, name)
