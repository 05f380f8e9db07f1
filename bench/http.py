"""HTTP benchmark: /healthz vs /v1/check on one uvicorn worker, side by side in one run.

Starts `cslint serve --workers 1` on 127.0.0.1 (a free port), loads each endpoint at
concurrency 16 and 64 for a bounded time with wrk when it is installed, otherwise with a small
keep-alive asyncio load generator, stops the server, and prints req/s, p50, p99, errors and the
ratio /v1/check ÷ /healthz (target ≥ 0.8 at both concurrencies). Traffic goes to 127.0.0.1 only.

    .venv/bin/python bench/http.py [--seconds 5] [--rounds 3] [--generator auto|wrk|asyncio]
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", "cslint", "serve", "--host", HOST, "--port", str(port),
                                "--workers", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1) as sock:
                sock.sendall(f"GET /readyz HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode())
                if b" 200 " in sock.recv(100):
                    return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not become ready")


def request_bytes(port: int, path: str) -> bytes:
    if path == "/healthz":
        return f"GET /healthz HTTP/1.1\r\nHost: {HOST}:{port}\r\n\r\n".encode()
    body = json.dumps({"text": REPLY}, ensure_ascii=False).encode()
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


def wrk_load(port: int, path: str, concurrency: int, seconds: float) -> dict:
    """One wrk run (a C load generator: it leaves the server most of a core on a 2-core machine)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", encoding="utf-8", delete=False) as script:
        if path != "/healthz":
            body = json.dumps({"text": REPLY}, ensure_ascii=False)
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


async def async_load(port: int, path: str, concurrency: int, seconds: float) -> dict:
    payload = request_bytes(port, path)
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


def combine(runs: list[dict]) -> dict:
    """Equal-length runs of one endpoint: mean req/s, median p50, worst p99, all errors."""
    return {"rps": statistics.fmean(r["rps"] for r in runs), "p50": statistics.median(r["p50"] for r in runs),
            "p99": max(r["p99"] for r in runs), "errors": sum(r["errors"] for r in runs)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="length of one run (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs per endpoint (default 3)")
    parser.add_argument("--generator", choices=("auto", "wrk", "asyncio"), default="auto",
                        help="load generator (auto: wrk when installed)")
    args = parser.parse_args()
    use_wrk = args.generator == "wrk" or (args.generator == "auto" and shutil.which("wrk"))
    if use_wrk and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")

    def load(path: str, concurrency: int, seconds: float) -> dict:
        if use_wrk:
            return wrk_load(port, path, concurrency, seconds)
        return asyncio.run(async_load(port, path, concurrency, seconds))

    port = free_port()
    server = start_server(port)
    rows = []
    try:
        for concurrency in (16, 64):
            # warm-up, then healthz and check alternately, so both see the same machine load
            load("/v1/check", concurrency, 1.0)
            health_runs, check_runs = [], []
            for _ in range(args.rounds):
                health_runs.append(load("/healthz", concurrency, args.seconds))
                check_runs.append(load("/v1/check", concurrency, args.seconds))
            rows.append((concurrency, combine(health_runs), combine(check_runs)))
    finally:
        server.terminate()
        server.wait(timeout=10)
    generator = "wrk (1 thread)" if use_wrk else "asyncio keep-alive load generator"
    print(f"cslint serve, 1 worker, {HOST}; {generator}; {args.rounds} alternating runs of {args.seconds:g} s "
          "per endpoint (req/s: mean, p50: median, p99: worst run)")
    print(f"{'conc':>4}  {'endpoint':<10} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    ok = True
    for concurrency, health, check in rows:
        for name, r in (("/healthz", health), ("/v1/check", check)):
            print(f"{concurrency:>4}  {name:<10} {r['rps']:>9.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['errors']:>7}")
        ratio = check["rps"] / health["rps"] if health["rps"] else 0.0
        passed = ratio >= 0.8 and check["errors"] == 0 and health["errors"] == 0
        ok &= passed
        print(f"      /v1/check ÷ /healthz = {ratio:.3f} (target ≥ 0.8, 0 errors)  {'PASS' if passed else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    raise SystemExit(main())
