"""`cslint serve --workers 2`: /metrics counts the requests of the whole service, whichever worker
answers the scrape, also after a worker died and was replaced; the shared metrics directory is
the server's own and is gone when it stops."""
from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
import time
from pathlib import Path

import httpx
from prometheus_client import CollectorRegistry
from prometheus_client.multiprocess import MultiProcessCollector
import pytest

from live_server import Server

CHECKED = 'cslint_requests_total{method="POST",path="/v1/check",status="200"}'


def checked_count(url: str) -> float:
    """What one scrape of /metrics says about the successful /v1/check requests."""
    text = httpx.get(url + "/metrics", timeout=10).text
    values = [float(line.split()[-1]) for line in text.splitlines() if line.startswith(CHECKED)]
    return values[0] if values else 0.0


def started_pids(srv: Server) -> list[int]:
    """The workers that have started, in order, from the server's start events (access log)."""
    pids = []
    for line in srv.output().splitlines():
        if line.startswith('{"event": "start"'):
            pids.append(json.loads(line)["pid"])
    return pids


def wait_for(condition, what: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.2)


def metrics_dirs(tmp: Path) -> list[Path]:
    return sorted(tmp.glob("cslint-metrics-*"))


def checks_per_worker(tmp: Path) -> dict[int, float]:
    """The successful /v1/check requests each worker counted, read from its own file alone
    (prometheus_client names them counter_<pid>.db) with prometheus_client's own collector."""
    counts = {}
    for source in (f for d in metrics_dirs(tmp) for f in d.glob("counter_*.db")):
        with tempfile.TemporaryDirectory() as alone:
            shutil.copy(source, alone)
            registry = CollectorRegistry()
            MultiProcessCollector(registry, path=alone)
            counts[int(source.stem.split("_")[1])] = sum(
                sample.value for family in registry.collect() for sample in family.samples
                if sample.name == "cslint_requests_total"
                and sample.labels == {"method": "POST", "path": "/v1/check", "status": "200"})
    return counts


def check(url: str, n: int) -> None:
    for _ in range(n):
        # a new connection each time, so either worker may take it
        with httpx.Client(timeout=10) as client:
            assert client.post(url + "/v1/check", json={"text": "这个我不知道"}).status_code == 200


@pytest.fixture()
def two_workers(tmp_path):
    """`cslint serve --workers 2` with its temporary files under tmp_path, both workers started."""
    srv = Server("--pack", "default", "--workers", "2", env={"TMPDIR": str(tmp_path)})
    try:
        srv.wait_ready()
        wait_for(lambda: len(started_pids(srv)) >= 2, "both workers to start")
        yield srv
    finally:
        srv.stop()


def test_metrics_count_every_workers_requests(two_workers, tmp_path):
    srv = two_workers
    assert len(metrics_dirs(tmp_path)) == 1  # made by `cslint serve`, private to it
    sent = 0
    # send until both workers have answered some: the kernel hands each connection to either
    while not (sent and all(checks_per_worker(tmp_path).get(pid) for pid in started_pids(srv))) and sent < 400:
        check(srv.url, 10)
        sent += 10
    per_worker = checks_per_worker(tmp_path)
    assert all(per_worker.get(pid) for pid in started_pids(srv)), f"a worker served no check: {per_worker}"
    # a worker counts a request just after answering it: wait for the last few to land
    wait_for(lambda: sum(checks_per_worker(tmp_path).values()) == sent, f"{sent} checks in the workers' files")
    for _ in range(12):  # scrapes answered by either worker, each reporting the whole service
        assert checked_count(srv.url) == sent

    srv.stop()
    assert metrics_dirs(tmp_path) == []  # removed with the server


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL to kill a worker")
def test_a_replaced_workers_counts_are_kept(two_workers):
    srv = two_workers
    check(srv.url, 20)
    wait_for(lambda: checked_count(srv.url) == 20, "the 20 checks to be counted")
    victim = started_pids(srv)[0]
    os.kill(victim, signal.SIGKILL)
    wait_for(lambda: len(started_pids(srv)) >= 3, "uvicorn to start a worker in place of the killed one")
    for _ in range(6):
        assert checked_count(srv.url) == 20  # the dead worker's requests still count
    check(srv.url, 5)
    wait_for(lambda: checked_count(srv.url) == 25, "the 5 new checks to be counted")
    for _ in range(6):
        assert checked_count(srv.url) == 25
