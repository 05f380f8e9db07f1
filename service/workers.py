"""`cslint serve --workers N`: uvicorn's worker processes, counted as one service in /metrics.

Each worker keeps its own counters, so a scrape of /metrics would see only the worker that
happened to answer. prometheus_client's multiprocess mode fixes that: every worker writes its
counts to files in PROMETHEUS_MULTIPROC_DIR and any worker can add them all up (service/observe.py).
Here the server gets a directory of its own, created before the first worker starts (the
variable must be set before a worker imports prometheus_client) and removed when the server stops,
so counts never leak from one run into the next. A worker that dies and is replaced keeps its
counter files, so the totals never go down; `mark_process_dead` drops what only a live process
may report (live gauges).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from socket import socket
from typing import Iterator

import uvicorn
from uvicorn.supervisors import Multiprocess

from .observe import MULTIPROC_DIR


@contextmanager
def shared_metrics_dir() -> Iterator[str]:
    """A fresh private directory named by PROMETHEUS_MULTIPROC_DIR for as long as the block runs."""
    path = tempfile.mkdtemp(prefix="cslint-metrics-")
    previous = os.environ.get(MULTIPROC_DIR)
    os.environ[MULTIPROC_DIR] = path
    try:
        yield path
    finally:
        if previous is None:
            os.environ.pop(MULTIPROC_DIR, None)
        else:
            os.environ[MULTIPROC_DIR] = previous
        shutil.rmtree(path, ignore_errors=True)


class MetricsSupervisor(Multiprocess):
    """uvicorn's supervisor of worker processes, which also tells prometheus_client about every
    worker that is gone (died and replaced, retired by a SIGHUP restart or SIGTTOU)."""

    def __init__(self, config: uvicorn.Config, sockets: list[socket], metrics_dir: str) -> None:
        super().__init__(config, sockets)
        self.metrics_dir = metrics_dir
        self.known_pids: set[int] = set()

    def keep_subprocess_alive(self) -> None:
        # runs every half second, after any signal was handled: a pid missing since the last
        # round belongs to a worker that was replaced or retired
        super().keep_subprocess_alive()
        self.forget_gone_workers()

    def forget_gone_workers(self) -> None:
        from prometheus_client.multiprocess import mark_process_dead

        current = {process.pid for process in self.processes if process.pid is not None}
        for pid in self.known_pids - current:
            mark_process_dead(pid, self.metrics_dir)
        self.known_pids = current


def run_workers(config: uvicorn.Config) -> None:
    """Serve `config` (workers > 1, the app as an import string) the way `uvicorn.run` does, with
    the shared metrics directory and the supervisor above."""
    with shared_metrics_dir() as metrics_dir:
        sock = config.bind_socket()
        try:
            MetricsSupervisor(config, [sock], metrics_dir).run()
        except KeyboardInterrupt:
            pass
        finally:
            sock.close()
