"""The session's server for the HTTP tests (see tests/live_server.py)."""
from __future__ import annotations

import httpx
import pytest

from live_server import running


@pytest.fixture(scope="session")
def server():
    with running("--pack", "default", "--pack", "telecom", "--max-body", "4096", "--max-chars", "500") as srv:
        yield srv


@pytest.fixture()
def client(server):
    with httpx.Client(base_url=server.url, timeout=10) as c:
        yield c
