"""Worst-case requests at the default limits: the worker's peak memory and liveness during them.

Starts `cslint serve` (one worker, default limits) on 127.0.0.1, measures the worker's idle RSS
after warm-up, then for each hostile request below resets the kernel's peak-RSS mark
(/proc/PID/clear_refs), sends the request while another thread polls /healthz, and prints:
the answer's status and size, the worker's peak RSS (target: under 2x idle RSS) and the worst
/healthz latency while it ran (target: under 1 s). Prints figures; asserts nothing.

    .venv/bin/python bench/hostile.py
"""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

# bench/http.py would shadow the standard library's `http` package that httpx imports
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
import httpx  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
FORM = {"content-type": "application/x-www-form-urlencoded"}
MAX_BODY = 64 * 1024  # the default --max-body


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) of a process, in MiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) // 1024
    return fields


def hostile_requests() -> list[tuple[str, str, dict]]:
    """(name, path, httpx keyword arguments): each the worst of its kind within the default limits."""
    flood = "你" * 20_000  # every character a finding, no sentence end: 60 KB of UTF-8
    per_item = (MAX_BODY - 2_000) // 100 // 3  # 100 items filling the body
    mixed = ("你好，这个我不知道，你自己去查吧，喂？" * 20)[:per_item]
    # a 200-character reply with two findings: the heaviest batch that passes the caps
    reply = ("您好，您的订单已经从仓库发出，预计明天下午就能送达，快递员会提前电话联系您，请保持手机畅通。"
             "关于发票的问题，这个我不知道具体的开票时间，我们会在发货后统一开具电子发票并发送到您预留的邮箱，请注意查收。") * 2
    return [
        ("/v2/check, 20,000 x 你 as a form", "/v2/check", {"content": ("text=" + flood).encode(), "headers": FORM}),
        ("/v1/check, 20,000 x 你", "/v1/check", {"json": {"text": flood}}),
        ("/v1/check/batch, 100 items of 你", "/v1/check/batch",
         {"json": {"items": [{"id": i, "text": "你" * per_item} for i in range(100)]}}),
        ("/v1/check/batch, 100 items of mixed findings", "/v1/check/batch",
         {"json": {"items": [{"id": i, "text": mixed} for i in range(100)]}}),
        ("/v1/check/batch, 100 items of 200 chars", "/v1/check/batch",
         {"json": {"items": [{"id": i, "text": reply[:per_item]} for i in range(100)]}}),
        ("/v1/conversations/check, 100 agent turns", "/v1/conversations/check",
         {"json": {"turns": [{"role": "agent", "text": mixed[:per_item - 10]} for _ in range(100)]}}),
    ]


def run(url: str, pid: int, path: str, kwargs: dict) -> dict:
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    stop = threading.Event()
    latencies: list[float] = []

    def poll() -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            while not stop.is_set():
                started = time.perf_counter()
                client.get("/healthz")
                latencies.append(time.perf_counter() - started)
                time.sleep(0.01)

    poller = threading.Thread(target=poll)
    poller.start()
    started = time.perf_counter()
    answer = httpx.post(url + path, timeout=300, **kwargs)
    seconds = time.perf_counter() - started
    stop.set()
    poller.join()
    return {"status": answer.status_code, "bytes": len(answer.content), "seconds": seconds,
            "peak_mib": memory(pid)["VmHWM"], "healthz_max_ms": max(latencies, default=0.0) * 1000, "polls": len(latencies)}


def per_diagnostic(url: str, rounds: int = 15) -> str:
    """Median request time per diagnostic for one 900-finding text on each endpoint, side by side
    (the batch and conversation answers are built like /v1/check's: plain dicts, pydantic-core)."""
    text = "你" * 900
    calls = {"/v1/check": {"text": text}, "/v1/check/batch": {"items": [{"id": 1, "text": text}]},
             "/v1/conversations/check": {"turns": [{"role": "agent", "text": text}]}}
    parts = []
    with httpx.Client(base_url=url, timeout=60) as client:
        for path, body in calls.items():
            times = []
            for _ in range(rounds):
                started = time.perf_counter()
                client.post(path, json=body).raise_for_status()
                times.append(time.perf_counter() - started)
            parts.append(f"{path} {sorted(times)[rounds // 2] / 900 * 1e6:.1f} µs")
    return "per diagnostic (900 in one text, median of 15): " + ", ".join(parts)


def main() -> int:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "cslint", "serve", "--host", HOST, "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    url = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(url + "/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        httpx.post(url + "/v1/check", json={"text": "您好"})  # first request paths warmed
        idle = memory(server.pid)["VmRSS"]
        print(f"worker idle RSS: {idle} MiB (one worker, default limits, pack default)")
        print(f"{'request':48} {'status':>6} {'answer':>10} {'time s':>7} {'peak MiB':>9} {'x idle':>7} "
              f"{'healthz max ms':>15}")
        worst_ratio = worst_latency = 0.0
        for name, path, kwargs in hostile_requests():
            row = run(url, server.pid, path, kwargs)
            ratio = row["peak_mib"] / idle
            worst_ratio, worst_latency = max(worst_ratio, ratio), max(worst_latency, row["healthz_max_ms"])
            print(f"{name:48} {row['status']:>6} {row['bytes']:>10} {row['seconds']:>7.2f} {row['peak_mib']:>9} "
                  f"{ratio:>7.2f} {row['healthz_max_ms']:>15.1f}")
        print(per_diagnostic(url))
        print(json.dumps({"idle_rss_mib": idle, "worst_peak_over_idle": round(worst_ratio, 2),
                          "worst_healthz_ms": round(worst_latency, 1)}))
        print(f"peak memory < 2x idle: {'PASS' if worst_ratio < 2 else 'FAIL'}; "
              f"liveness < 1 s: {'PASS' if worst_latency < 1000 else 'FAIL'}")
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
