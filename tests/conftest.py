from __future__ import annotations

from pathlib import Path

import pytest

from cslint.checker import Checker
from browser_session import chromium
from live_server import Server

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def checker() -> Checker:
    """The default pack, built once for the whole run."""
    return Checker.from_packs()


@pytest.fixture(scope="session")
def domain_checker() -> Checker:
    return Checker.from_packs(["default", "telecom", "textile"])


@pytest.fixture()
def start_server():
    """Start servers with their own options (`cslint serve` arguments); each is stopped after the test."""
    started: list[Server] = []

    def start(*args: str, env: dict | None = None) -> Server:
        srv = Server(*args, env=env)
        started.append(srv)
        srv.wait_ready()
        return srv

    yield start
    for srv in started:
        srv.stop()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every browser test of the run (tests/web, tests/scan): Playwright's
    sync API allows one instance at a time."""
    with chromium() as launched:
        yield launched
