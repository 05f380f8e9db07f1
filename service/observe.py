"""Request metrics (Prometheus text format) and a structured access log, kept cheap.

The metrics are prometheus_client's; with several workers they are summed over all of them
(see `Metrics`).

The access log is one JSON line per request on stderr: method, path, status, duration and the
number of diagnostics. The checked text is left out unless the server is configured to log it
(CSLINT_ACCESS_LOG_TEXT=1). Handlers call `report_check` for every text they check. Lines are
handed to a writer thread (`LINES`) that writes them in batches, so a request never waits on a
write to stderr (a pipe whose reader lags would otherwise stall the event loop) and thousands of
requests a second cost a few writes; server events (start, reload) go the same way, in order.
`Recorder.record` is the bookkeeping of one request, shared by the `Observe` middleware and the
send path (service/direct.py).
"""
from __future__ import annotations

import atexit
import json
import logging
import os
import threading
import time
from collections import deque
from functools import lru_cache

from prometheus_client import CollectorRegistry, Histogram, disable_created_metrics, values
from prometheus_client import Counter as PromCounter
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.utils import floatToGoString

CLIENT_CLOSED = 499  # nginx's status for "the client went away before the answer": not a server error
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)
MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"  # set by `cslint serve --workers N` (service/workers.py)

# no `*_created` series: multiprocess mode has none, so both modes print the same series
disable_created_metrics()

access_log = logging.getLogger("cslint.access")


class LineWriter:
    """Lines for a file descriptor (stderr), written by a daemon thread in batches.

    `write` only appends to a deque and, when the thread sleeps, wakes it; the thread waits
    FLUSH_DELAY for more lines, then writes them all in one go. `flush` (at shutdown and exit)
    writes what is left at once. Should the reader of stderr stop reading, at most MAX_PENDING
    lines wait and later ones are counted as dropped (reported in the next batch) rather than
    filling the worker's memory.
    """

    FLUSH_DELAY = 0.05  # seconds
    MAX_PENDING = 100_000

    def __init__(self, fd: int = 2) -> None:
        self.fd = fd
        self._pending: deque[str] = deque()
        self._wake = threading.Event()
        self._write_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()
        self.dropped = 0
        atexit.register(self.flush)

    def write(self, line: str) -> None:
        if len(self._pending) >= self.MAX_PENDING:
            self.dropped += 1
            return
        self._pending.append(line)
        if not self._wake.is_set():
            if self._thread is None or self._pid != os.getpid():
                self._start()
            self._wake.set()

    def _start(self) -> None:
        self._pid = os.getpid()
        self._thread = threading.Thread(target=self._run, name="cslint-access-log", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(self.FLUSH_DELAY)
            self._wake.clear()  # a line written from here on wakes us again
            self.flush()

    def flush(self) -> None:
        with self._write_lock:
            pending = self._pending
            lines = [pending.popleft() for _ in range(len(pending))]
            if self.dropped:
                lines.append(json.dumps({"event": "access_log_dropped", "pid": os.getpid(), "lines": self.dropped}))
                self.dropped = 0
            if not lines:
                return
            data = ("\n".join(lines) + "\n").encode("utf-8", "backslashreplace")
            try:
                while data:
                    data = data[os.write(self.fd, data):]
            except OSError:
                pass  # stderr closed: nowhere to log


LINES = LineWriter()


class _ToLines(logging.Handler):
    """The `cslint.access` logger's handler: its records join the request lines, in order."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            LINES.write(self.format(record))
        except Exception:  # noqa: BLE001 - logging must never fail a request
            self.handleError(record)


def configure_access_log() -> None:
    if not access_log.handlers:
        handler = _ToLines()
        handler.setFormatter(logging.Formatter("%(message)s"))
        access_log.addHandler(handler)
        access_log.setLevel(logging.INFO)
        access_log.propagate = False


class Metrics:
    """The service's request, latency and diagnostic counters (prometheus_client).

    Under `cslint serve --workers N` the variable PROMETHEUS_MULTIPROC_DIR names a directory
    private to that server: every worker writes its counts to files there (prometheus_client's
    multiprocess mode) and `render` adds up the files of every worker, the ones replaced since
    included, so /metrics describes the whole service whichever worker answers. Without the
    variable the counts live in this process.
    """

    def __init__(self) -> None:
        self.shared_dir = os.environ.get(MULTIPROC_DIR) or None
        if self.shared_dir and values.ValueClass is values.MutexValue:
            raise RuntimeError(f"{MULTIPROC_DIR} was set after prometheus_client was imported: "
                               "set it before the service starts")
        # registry=None: kept out of prometheus_client's global registry, so that building the
        # app twice in one process (tests) does not register the same names twice
        self.requests = PromCounter("cslint_requests", "HTTP requests by method, path and status.",
                                    ["method", "path", "status"], registry=None)
        self.latency = Histogram("cslint_request_duration_seconds", "Request latency.", ["path"],
                                 buckets=BUCKETS, registry=None)
        self.diagnostics = PromCounter("cslint_diagnostics", "Diagnostics reported, by category.",
                                       ["category"], registry=None)
        self.registry = CollectorRegistry()
        if self.shared_dir:
            MultiProcessCollector(self.registry, path=self.shared_dir)
        else:
            for metric in (self.requests, self.latency, self.diagnostics):
                self.registry.register(metric)
        # labelled children, looked up once each: `labels()` costs more than the increment
        self._request_counts: dict[tuple[str, str, int], PromCounter] = {}
        self._latencies: dict[str, Histogram] = {}
        self._categories: dict[str, PromCounter] = {}

    def observe(self, method: str, path: str, status: int, seconds: float, diagnostics: dict[str, int] | None) -> None:
        key = (method, path, status)
        count = self._request_counts.get(key)
        if count is None:
            count = self._request_counts[key] = self.requests.labels(method, path, str(status))
        count.inc()
        latency = self._latencies.get(path)
        if latency is None:
            latency = self._latencies[path] = self.latency.labels(path)
        latency.observe(seconds)
        if diagnostics:
            for category, n in diagnostics.items():
                found = self._categories.get(category)
                if found is None:
                    found = self._categories[category] = self.diagnostics.labels(category)
                found.inc(n)

    def render(self) -> str:
        """The Prometheus text exposition of every counter (of every worker, when shared)."""
        return exposition(self.registry)


def exposition(registry: CollectorRegistry) -> str:
    """Prometheus text format, with a bucket's `le` after the series' own labels, as the Go client
    and earlier cslint versions print it (prometheus_client's `generate_latest` sorts `le` first)."""
    lines = []
    for family in registry.collect():
        name = family.name + "_total" if family.type == "counter" else family.name
        lines += [f"# HELP {name} {family.documentation}", f"# TYPE {name} {family.type}"]
        for sample in family.samples:
            labels = sorted(sample.labels.items(), key=lambda item: (item[0] == "le", item[0]))
            text = ",".join(f'{name}="{_escape(value)}"' for name, value in labels)
            lines.append(f"{sample.name}{{{text}}} {floatToGoString(sample.value)}" if text
                         else f"{sample.name} {floatToGoString(sample.value)}")
    return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def log_event(event: str, **fields) -> None:
    """One JSON line on the access log for a server event (start, reload)."""
    level = logging.INFO if fields.get("ok", True) else logging.ERROR
    access_log.log(level, json.dumps({"event": event, "pid": os.getpid(), **fields}, ensure_ascii=False))


def log_reload(trigger: str, before: list[dict], after: list[dict]) -> None:
    """Log a reload with what it loaded; a pack that lost rules (a file truncated into a valid
    but smaller pack, say) makes it a warning that names the pack and the counts."""
    counts = {p["id"]: p["rules"] for p in before}
    shrunk = [f'{p["id"]}: {counts[p["id"]]} -> {p["rules"]} rules' for p in after
              if p["id"] in counts and p["rules"] < counts[p["id"]]]
    dropped = [pack_id for pack_id in counts if all(p["id"] != pack_id for p in after)]
    fields = {"trigger": trigger, "ok": True, "packs": after}
    if shrunk or dropped:
        fields["warning"] = "rules dropped: " + "; ".join(shrunk + [f"{d}: pack no longer loaded" for d in dropped])
    line = json.dumps({"event": "reload", "pid": os.getpid(), **fields}, ensure_ascii=False)
    access_log.log(logging.WARNING if "warning" in fields else logging.INFO, line)


def report_check(scope: dict, text: str, diagnostics) -> None:
    """Tell the middleware what one check in this request found (and on what text)."""
    state = scope.setdefault("state", {})
    found = state.get("diagnostics")
    if found is None:
        found = state["diagnostics"] = {}  # category -> count (a plain dict: Counter() costs more to make)
        state["texts"] = []
    for diag in diagnostics:
        category = diag.category._value_  # _value_: the plain attribute behind the enum's `value`
        found[category] = found.get(category, 0) + 1
    state["texts"].append(text)


@lru_cache(maxsize=512)
def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


class Recorder:
    """What every request leaves behind: its counts in `metrics` and its access-log line."""

    def __init__(self, metrics: Metrics, known_paths: set[str], log_text: bool = False) -> None:
        self.metrics = metrics
        self.known_paths = known_paths
        self.log_text = log_text

    def record(self, scope: dict, status: int, seconds: float) -> None:
        method, path = scope["method"], scope["path"]
        state = scope.get("state")
        found = state.get("diagnostics") if state else None
        self.metrics.observe(method, path if path in self.known_paths else "other", status, seconds, found)
        if not access_log.isEnabledFor(logging.INFO):
            return
        # the same line json.dumps(dict, ensure_ascii=False) gives, without building the dict
        line = (f'{{"method": {_quoted(method)}, "path": {_quoted(path)}, "status": {status}, '
                f'"duration_ms": {round(seconds * 1000, 3)!r}, "diagnostics": {sum(found.values()) if found else 0}')
        if self.log_text and found is not None:
            texts = state["texts"]
            line += ', "text": ' + json.dumps(texts[0] if len(texts) == 1 else texts, ensure_ascii=False)
        LINES.write(line + "}")


class Observe:
    """ASGI middleware: times each request and has it recorded (counts and access-log line)."""

    def __init__(self, app, recorder: Recorder) -> None:
        self.app = app
        self.recorder = recorder

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        client_left = False
        scope.setdefault("state", {})

        async def capture(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        async def watch(message_source=receive):
            nonlocal client_left
            message = await message_source()
            if message["type"] == "http.disconnect":
                client_left = True
            return message

        try:
            await self.app(scope, watch, capture)
        except Exception:
            if not client_left:
                raise
            # the handler failed only because the client went away mid-request (starlette's
            # ClientDisconnect): nobody is left to answer, and it is not the server's error
        finally:
            if client_left and status == 500:
                status = CLIENT_CLOSED
            self.recorder.record(scope, status, time.perf_counter() - started)
