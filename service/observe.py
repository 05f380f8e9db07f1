"""Request metrics (Prometheus text format) and a structured access log, as one ASGI middleware.

The access log is one JSON line per request on the `cslint.access` logger: method, path,
status, duration and the number of diagnostics. The checked text is left out unless the server
is configured to log it (CSLINT_ACCESS_LOG_TEXT=1). Handlers call `report_check` for every text
they check.
"""
from __future__ import annotations

import bisect
import itertools
import json
import logging
import os
import sys
import time
from collections import Counter

CLIENT_CLOSED = 499  # nginx's status for "the client went away before the answer": not a server error
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)

access_log = logging.getLogger("cslint.access")


def configure_access_log() -> None:
    if not access_log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        access_log.addHandler(handler)
        access_log.setLevel(logging.INFO)
        access_log.propagate = False


class Metrics:
    """Counters of this worker process."""

    def __init__(self) -> None:
        self.requests: Counter[tuple[str, str, int]] = Counter()
        # per path: how many requests fell in each bucket (one increment per request; the
        # cumulative Prometheus counts are summed up when /metrics is read)
        self.latency_bins: dict[str, list[int]] = {}
        self.latency_sum: Counter[str] = Counter()
        self.diagnostics: Counter[str] = Counter()

    def observe(self, method: str, path: str, status: int, seconds: float, diagnostics: Counter | None) -> None:
        self.requests[(method, path, status)] += 1
        self.latency_sum[path] += seconds
        bins = self.latency_bins.get(path)
        if bins is None:
            bins = self.latency_bins[path] = [0] * (len(BUCKETS) + 1)
        bins[bisect.bisect_left(BUCKETS, seconds)] += 1
        if diagnostics:
            self.diagnostics.update(diagnostics)

    def render(self) -> str:
        lines = ["# HELP cslint_requests_total HTTP requests by method, path and status.",
                 "# TYPE cslint_requests_total counter"]
        for (method, path, status), n in sorted(self.requests.items()):
            lines.append(f'cslint_requests_total{{method="{method}",path="{path}",status="{status}"}} {n}')
        lines += ["# HELP cslint_request_duration_seconds Request latency.",
                  "# TYPE cslint_request_duration_seconds histogram"]
        for path in sorted(self.latency_bins):
            cumulative = list(itertools.accumulate(self.latency_bins[path]))
            for bound, count in zip(BUCKETS, cumulative):
                lines.append(f'cslint_request_duration_seconds_bucket{{path="{path}",le="{bound}"}} {count}')
            lines.append(f'cslint_request_duration_seconds_bucket{{path="{path}",le="+Inf"}} {cumulative[-1]}')
            lines.append(f'cslint_request_duration_seconds_sum{{path="{path}"}} {self.latency_sum[path]:.6f}')
            lines.append(f'cslint_request_duration_seconds_count{{path="{path}"}} {cumulative[-1]}')
        lines += ["# HELP cslint_diagnostics_total Diagnostics reported, by category.",
                  "# TYPE cslint_diagnostics_total counter"]
        for category, n in sorted(self.diagnostics.items()):
            lines.append(f'cslint_diagnostics_total{{category="{category}"}} {n}')
        return "\n".join(lines) + "\n"


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
        found = state["diagnostics"] = Counter()
        state["texts"] = []
    found.update(d.category.value for d in diagnostics)
    state["texts"].append(text)


class Observe:
    """ASGI middleware: times each request, counts it, writes the access-log line."""

    def __init__(self, app, metrics: Metrics, known_paths: set[str], log_text: bool = False) -> None:
        self.app = app
        self.metrics = metrics
        self.known_paths = known_paths
        self.log_text = log_text

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
            seconds = time.perf_counter() - started
            path = scope["path"] if scope["path"] in self.known_paths else "other"
            found = scope["state"].get("diagnostics")
            self.metrics.observe(scope["method"], path, status, seconds, found)
            if access_log.isEnabledFor(logging.INFO):
                line = {"method": scope["method"], "path": scope["path"], "status": status,
                        "duration_ms": round(seconds * 1000, 3), "diagnostics": sum(found.values()) if found else 0}
                if self.log_text and found is not None:
                    texts = scope["state"]["texts"]
                    line["text"] = texts[0] if len(texts) == 1 else texts
                access_log.info(json.dumps(line, ensure_ascii=False))
