"""HTTP benchmark: cslint's send path against a bare Starlette hello, side by side in one run.

The ceiling is bench/starlette_hello.py: a Starlette hello endpoint under the same uvicorn
settings as `cslint serve --workers 1` (loop, HTTP protocol, timeouts, logging). In one run:

1. start-up: each server is started --starts times, alternately; the time from starting the
   process to the first 200 from /readyz (cslint) or / (hello), and the worker's resident memory
   once ready; for cslint also the first GET /v1/packs after ready, which builds the FastAPI app
   (the worker is ready without it, service/front.py), and the next one;
2. a cold run: `/v1/check` at concurrency 64 for 4 s, started the moment /readyz answers (and
   the same on the hello, for comparison: it shows how loaded the machine is);
3. throughput: hello, /healthz, /v1/check (a 100-character reply with one finding) and
   /v1/check with an empty reply (the send path without the check) at concurrency 16 and 64, --rounds alternating runs of --seconds each, after a 1 s warm-up;
   then each worker's resident memory again (cslint's with its FastAPI app built, by a GET
   /v1/packs after the cold run).

It prints every row, the ratios to hello and issue 16's targets: /v1/check >= 0.6x hello's req/s
at both concurrencies, the cold run's p99 <= 50 ms, ready <= 1.0 s, and a worker's memory at most
80 MiB over the hello process's. Load comes from wrk (1 thread) when installed, else a small
keep-alive asyncio generator. Traffic goes to 127.0.0.1 only.

    .venv/bin/python bench/http.py [--seconds 4] [--rounds 3] [--starts 3] [--generator auto|wrk|asyncio]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
# a 100-character reply with one finding (declares-ignorance)
REPLY = ("您好，您的订单已经从仓库发出，预计明天下午就能送达，快递员会提前电话联系您，请保持手机畅通。"
         "关于发票的问题，这个我不知道具体的开票时间，我们会在发货后统一开具电子发票并发送到您预留的邮箱，请注意查收。")
assert len(REPLY) == 100
# what each measured endpoint sends: (method and path, JSON body or None)
ENDPOINTS = {"hello": "/", "/healthz": "/healthz", "/v1/check": "/v1/check", "/v1/check ''": "/v1/check"}
BODIES = {"/v1/check": REPLY, "/v1/check ''": ""}  # the empty reply: the send path without the engine's work
TARGET_RATIO, TARGET_P99_MS, TARGET_READY_S, TARGET_EXTRA_MIB = 0.6, 50.0, 1.0, 80.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """One server process on a free port; `ready` is the seconds from start to its first 200."""

    def __init__(self, name: str, command: list[str], ready_path: str) -> None:
        self.name = name
        self.port = free_port()
        started = time.perf_counter()
        self.process = subprocess.Popen([*command, "--host", HOST, "--port", str(self.port)], cwd=ROOT,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.ready = self._wait_ok(ready_path, started)

    def _wait_ok(self, path: str, started: float) -> float:
        request = f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode()
        deadline = started + 120
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited with {self.process.returncode}")
            try:
                with socket.create_connection((HOST, self.port), timeout=1) as sock:
                    sock.sendall(request)
                    if sock.recv(100).startswith(b"HTTP/1.1 200 "):
                        return time.perf_counter() - started
            except OSError:
                pass
            time.sleep(0.005)
        self.stop()
        raise SystemExit(f"{self.name} did not become ready")

    def get_seconds(self, path: str) -> float:
        """The time one GET of `path` takes to answer 200, on a new connection."""
        request = f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode()
        started = time.perf_counter()
        with socket.create_connection((HOST, self.port), timeout=30) as sock:
            sock.sendall(request)
            head = sock.recv(100)
            while sock.recv(65536):
                pass
        if not head.startswith(b"HTTP/1.1 200 "):
            raise SystemExit(f"{self.name}: GET {path} answered {head[:40]!r}")
        return time.perf_counter() - started

    def rss_mib(self) -> float:
        """Resident memory of the worker (with one worker, uvicorn serves in this very process)."""
        with open(f"/proc/{self.process.pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def hello_server() -> Server:
    return Server("starlette hello", [sys.executable, str(ROOT / "bench" / "starlette_hello.py")], "/")


def cslint_server() -> Server:
    return Server("cslint serve", [sys.executable, "-m", "cslint", "serve", "--workers", "1"], "/readyz")


def request_bytes(port: int, path: str, text: str | None) -> bytes:
    if text is None:
        return f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n\r\n".encode()
    body = json.dumps({"text": text}, ensure_ascii=False).encode()
    return (f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


async def one_connection(port: int, payload: bytes, until: float, latencies: list[float], errors: list[int]) -> None:
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        while time.perf_counter() < until:
            started = time.perf_counter()
            writer.write(payload)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                errors.append(status)
    except (OSError, asyncio.IncompleteReadError):
        errors.append(-1)
    finally:
        writer.close()


async def async_load(port: int, path: str, text: str | None, concurrency: int, seconds: float) -> dict:
    payload = request_bytes(port, path, text)
    latencies: list[float] = []
    errors: list[int] = []
    until = time.perf_counter() + seconds
    started = time.perf_counter()
    await asyncio.gather(*(one_connection(port, payload, until, latencies, errors) for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(ordered) * 1000 if ordered else float("nan"),
        "p99": ordered[int(len(ordered) * 0.99) - 1] * 1000 if ordered else float("nan"),
        "errors": len(errors),
    }


def wrk_load(port: int, path: str, text: str | None, concurrency: int, seconds: float) -> dict:
    """One wrk run (a C load generator: it leaves the server most of a core on a 2-core machine)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", encoding="utf-8", delete=False) as script:
        if text is not None:
            body = json.dumps({"text": text}, ensure_ascii=False)
            script.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                         f"wrk.body = {lua_string(body)}\n")
    try:
        output = subprocess.run(["wrk", "-t1", f"-c{concurrency}", f"-d{seconds:g}s", "--latency", "-s", script.name,
                                 f"http://{HOST}:{port}{path}"], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    return parse_wrk(output)


def lua_string(value: str) -> str:
    return '"' + "".join(c if c.isalnum() or ord(c) > 127 or c in " {}:,." else f"\\{ord(c):03d}" for c in value) + '"'


def parse_wrk(output: str) -> dict:
    """req/s, p50/p99 in ms and the error count from wrk's --latency report."""
    def ms(label: str) -> float:
        match = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if not match:
            return float("nan")
        return float(match[1]) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[match[2]]

    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]), "p50": ms("50%"), "p99": ms("99%"),
            "errors": errors}


def combine(runs: list[dict]) -> dict:
    """Equal-length runs of one endpoint: mean req/s, median p50, worst p99, all errors."""
    return {"rps": statistics.fmean(r["rps"] for r in runs), "p50": statistics.median(r["p50"] for r in runs),
            "p99": max(r["p99"] for r in runs), "errors": sum(r["errors"] for r in runs)}


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="length of one throughput run (default 4)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs per endpoint (default 3)")
    parser.add_argument("--starts", type=int, default=3, help="start-ups timed per server (default 3)")
    parser.add_argument("--generator", choices=("auto", "wrk", "asyncio"), default="auto",
                        help="load generator (auto: wrk when installed)")
    args = parser.parse_args()
    use_wrk = args.generator == "wrk" or (args.generator == "auto" and shutil.which("wrk"))
    if use_wrk and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")

    def load(server: Server, endpoint: str, concurrency: int, seconds: float) -> dict:
        path, text = ENDPOINTS[endpoint], BODIES.get(endpoint)
        if use_wrk:
            return wrk_load(server.port, path, text, concurrency, seconds)
        return asyncio.run(async_load(server.port, path, text, concurrency, seconds))

    starts: dict[str, list[tuple[float, float]]] = {"starlette hello": [], "cslint serve": []}
    first_app: list[tuple[float, float]] = []  # cslint: the first and second GET /v1/packs after ready
    for _ in range(args.starts):
        for make in (hello_server, cslint_server):
            server = make()
            try:
                starts[server.name].append((server.ready, server.rss_mib()))
                if server.name == "cslint serve":
                    first_app.append((server.get_seconds("/v1/packs"), server.get_seconds("/v1/packs")))
            finally:
                server.stop()

    hello = hello_server()
    hello_cold = load(hello, "hello", 64, 4.0)  # the same cold run on the ceiling, for the machine's load
    cslint = cslint_server()  # started last: the cold run begins the moment its /readyz answers
    rows = []
    try:
        cold = load(cslint, "/v1/check", 64, 4.0)
        cslint.get_seconds("/v1/packs")  # the FastAPI app built too, so that its memory counts below
        for concurrency in (16, 64):
            for endpoint in ENDPOINTS:
                load(hello if endpoint == "hello" else cslint, endpoint, concurrency, 1.0)  # warm-up
            runs: dict[str, list[dict]] = {endpoint: [] for endpoint in ENDPOINTS}
            for _ in range(args.rounds):  # alternately, so all of them see the same machine load
                for endpoint in ENDPOINTS:
                    runs[endpoint].append(load(hello if endpoint == "hello" else cslint, endpoint, concurrency,
                                               args.seconds))
            rows.append((concurrency, {name: combine(r) for name, r in runs.items()}))
        after_load = {"starlette hello": hello.rss_mib(), "cslint serve": cslint.rss_mib()}
    finally:
        cslint.stop()
        hello.stop()

    generator = "wrk (1 thread)" if use_wrk else "asyncio keep-alive load generator"
    ok = True
    print(f"1 uvicorn worker each, {HOST}; {generator}; the hello is bench/starlette_hello.py")
    print(f"\nstart-up, {args.starts} starts each (median): process start -> first 200 from /readyz (cslint) or / (hello)")
    print(f"{'server':<16} {'ready s':>8} {'RSS ready MiB':>14} {'RSS after load MiB':>19}")
    medians = {}
    for name, samples in starts.items():
        ready = statistics.median(s[0] for s in samples)
        rss = statistics.median(s[1] for s in samples)
        medians[name] = (ready, rss)
        print(f"{name:<16} {ready:>8.2f} {rss:>14.1f} {after_load[name]:>19.1f}   "
              f"(ready s: {', '.join(f'{s[0]:.2f}' for s in samples)})")
    ready = medians["cslint serve"][0]
    ok &= ready <= TARGET_READY_S
    print(f"  cslint worker ready in {ready:.2f} s (target <= {TARGET_READY_S:g} s)  {verdict(ready <= TARGET_READY_S)}")
    print(f"  the FastAPI app is built on the first request the front hands on: GET /v1/packs right after ready "
          f"{statistics.median(f[0] for f in first_app) * 1000:.0f} ms, the next one "
          f"{statistics.median(f[1] for f in first_app) * 1000:.1f} ms (medians; information)")
    extra = max(medians["cslint serve"][1] - medians["starlette hello"][1],
                after_load["cslint serve"] - after_load["starlette hello"])
    ok &= extra <= TARGET_EXTRA_MIB
    print(f"  cslint worker memory over the hello process: {extra:.1f} MiB, the larger of ready and after load "
          f"(target <= {TARGET_EXTRA_MIB:g} MiB)  {verdict(extra <= TARGET_EXTRA_MIB)}")

    cold_ok = cold["p99"] <= TARGET_P99_MS and cold["errors"] == 0
    ok &= cold_ok
    print(f"\ncold run, /v1/check at concurrency 64 for 4 s from the moment /readyz answered: {cold['rps']:.0f} req/s, "
          f"p50 {cold['p50']:.2f} ms, p99 {cold['p99']:.2f} ms, {cold['errors']} errors "
          f"(target p99 <= {TARGET_P99_MS:g} ms)  {verdict(cold_ok)}")
    print(f"  the hello, likewise from the moment it answered: {hello_cold['rps']:.0f} req/s, p50 {hello_cold['p50']:.2f} ms, "
          f"p99 {hello_cold['p99']:.2f} ms, {hello_cold['errors']} errors")

    print(f"\nthroughput, {args.rounds} alternating runs of {args.seconds:g} s per endpoint "
          "(req/s: mean, p50: median, p99: worst run)")
    print("(/v1/check '' sends an empty reply: the send path's cost without the engine's check)")
    print(f"{'conc':>4}  {'endpoint':<13} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'x hello':>8}")
    for concurrency, results in rows:
        base = results["hello"]["rps"]
        for name, r in results.items():
            print(f"{concurrency:>4}  {name:<13} {r['rps']:>9.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['errors']:>7} "
                  f"{r['rps'] / base if base else 0.0:>8.3f}")
        check = results["/v1/check"]
        ratio = check["rps"] / base if base else 0.0
        passed = ratio >= TARGET_RATIO and all(r["errors"] == 0 for r in results.values())
        ok &= passed
        print(f"      /v1/check ÷ hello = {ratio:.3f} (target >= {TARGET_RATIO:g}, 0 errors)  {verdict(passed)}")
    return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    raise SystemExit(main())
