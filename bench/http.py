"""HTTP benchmark: /healthz vs /v1/check on one uvicorn worker, side by side in one run.

Starts `cslint serve --workers 1` on 127.0.0.1 (a free port), loads each endpoint at
concurrency 16 and 64 for a bounded time with wrk when it is installed, otherwise with a small
keep-alive asyncio load generator, stops the server, and prints req/s, p50, p99, errors and the
ratio /v1/check ÷ /healthz (target ≥ 0.8 at both concurrencies). Traffic goes to 127.0.0.1 only.

    .venv/bin/python bench/http.py [--seconds 5]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
# a 100-character reply with one finding (declares-ignorance)
REPLY = ("您好，您的订单已经从仓库发出，预计明天下午送达，快递员会提前电话联系您，"
         "请保持手机畅通。关于发票的问题，这个我不知道具体的开票时间，我们会在发货后统一开具电子发票，")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", "lint.cli", "serve", "--host", HOST, "--port", str(port),
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


async def load(port: int, path: str, concurrency: int, seconds: float) -> dict:
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per endpoint and concurrency (default 5)")
    args = parser.parse_args()
    port = free_port()
    server = start_server(port)
    rows = []
    try:
        for concurrency in (16, 64):
            # warm-up, then healthz and check back to back so both see the same machine load
            asyncio.run(load(port, "/v1/check", concurrency, 1.0))
            health = asyncio.run(load(port, "/healthz", concurrency, args.seconds))
            check = asyncio.run(load(port, "/v1/check", concurrency, args.seconds))
            rows.append((concurrency, health, check))
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"cslint serve, 1 worker, {HOST}; asyncio keep-alive load generator; {args.seconds:g} s per run")
    print(f"{'conc':>4}  {'endpoint':<10} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    ok = True
    for concurrency, health, check in rows:
        for name, r in (("/healthz", health), ("/v1/check", check)):
            print(f"{concurrency:>4}  {name:<10} {r['rps']:>9.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['errors']:>7}")
        ratio = check["rps"] / health["rps"] if health["rps"] else 0.0
        passed = ratio >= 0.8 and check["errors"] == 0 and health["errors"] == 0
        ok &= passed
        print(f"      /v1/check ÷ /healthz = {ratio:.2f} (target ≥ 0.8, 0 errors)  {'PASS' if passed else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    raise SystemExit(main())
