"""The worker's loop accepts every waiting connection at once (service/accept.py).

uvloop's own server accepts one connection per turn of the loop, so a busy worker took one turn
(tens of milliseconds) per connection when a client opened many at once. Counted here in turns
of the loop, not in time.
"""
from __future__ import annotations

import asyncio
import socket
from concurrent.futures import ThreadPoolExecutor

import pytest

from cslint.service.accept import new_event_loop

CONNECTIONS = 40


class Counted(asyncio.Protocol):
    made: list[int] = []

    def connection_made(self, transport) -> None:
        Counted.made.append(1)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.transport.write(data)


async def turns_until_all_accepted(loop, clients: list[socket.socket], port: int) -> int:
    for client in clients:
        client.connect(("127.0.0.1", port))  # the kernel completes the handshakes; nobody has accepted yet
    turns = 0
    while len(Counted.made) < CONNECTIONS and turns < 10 * CONNECTIONS:
        await asyncio.sleep(0)  # one turn of the loop
        turns += 1
    return turns


@pytest.mark.parametrize("batch", [True, False], ids=["cslint loop", "uvloop alone"])
def test_waiting_connections_are_accepted_in_a_few_turns(batch: bool) -> None:
    uvloop = pytest.importorskip("uvloop")
    # in a thread of its own: in the whole suite the browser tests' Playwright keeps an event loop
    # running in the main thread, and a second loop cannot run there
    with ThreadPoolExecutor(1) as thread:
        thread.submit(_accept_many, uvloop, batch).result()


def _accept_many(uvloop, batch: bool) -> None:
    loop = new_event_loop() if batch else uvloop.new_event_loop()
    Counted.made = []
    clients = [socket.socket() for _ in range(CONNECTIONS)]
    try:
        server = loop.run_until_complete(loop.create_server(Counted, "127.0.0.1", 0, backlog=256))
        port = server.sockets[0].getsockname()[1]
        turns = loop.run_until_complete(turns_until_all_accepted(loop, clients, port))
        assert len(Counted.made) == CONNECTIONS
        if batch:
            assert turns <= 5
        else:  # what service/accept.py is for: one connection per turn
            assert turns >= CONNECTIONS // 2
        # the connections work, and closing the server stops the batch accepting too
        clients[-1].sendall(b"ping")
        loop.run_until_complete(asyncio.sleep(0.05))
        assert clients[-1].recv(4) == b"ping"
        server.close()
        loop.run_until_complete(asyncio.sleep(0.01))  # libuv closes its handle on the next turn
        with socket.socket() as late, pytest.raises(ConnectionRefusedError):
            late.connect(("127.0.0.1", port))  # nothing listens: neither uvloop's socket nor our twin
    finally:
        for client in clients:
            client.close()
        loop.close()
