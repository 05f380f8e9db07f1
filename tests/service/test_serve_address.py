"""`cslint serve` says where it listens once the socket is bound (scripts/run relies on it)."""
from __future__ import annotations

import queue
import socket
import subprocess
import sys
import threading
from pathlib import Path

CSLINT = Path(sys.executable).with_name("cslint")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_server_prints_the_address_it_bound() -> None:
    port = _free_port()
    server = subprocess.Popen([str(CSLINT), "serve", "--port", str(port)], stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in server.stderr], daemon=True).start()
    try:
        seen = []
        while True:
            try:
                line = lines.get(timeout=60)
            except queue.Empty:
                raise AssertionError(f"no address printed within 60 s: {''.join(seen)[-2000:]}") from None
            seen.append(line)
            if f"running on http://127.0.0.1:{port}" in line:
                with socket.create_connection(("127.0.0.1", port), timeout=5):
                    pass  # printed after the bind: the port takes connections
                return
    finally:
        server.terminate()
        server.wait(timeout=30)
