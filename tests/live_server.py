"""A real uvicorn server on 127.0.0.1, started through `cslint serve` (HTTP and browser tests)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from typing import Iterator

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, *args: str, env: dict | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # output goes to a file, not a pipe: a full pipe would block a chatty server
        self.log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cslint", "serve", "--port", str(self.port), *args],
            stdout=self.log, stderr=subprocess.STDOUT, text=True, env={**os.environ, **(env or {})})

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.output()}")
            try:
                if httpx.get(self.url + "/readyz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError("server did not become ready")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@contextmanager
def running(*args: str, env: dict | None = None) -> Iterator[Server]:
    """A ready server for the length of a `with` block (module- or session-scoped fixtures)."""
    srv = Server(*args, env=env)
    try:
        srv.wait_ready()
        yield srv
    finally:
        srv.stop()
