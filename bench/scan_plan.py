"""How long does `cslint scan` take to plan an input holding one giant JSONL line?

Planning cuts a JSONL file into byte ranges and, for each cut, looks back for the conversation in
progress. A line of many megabytes (a blob exported by mistake) used to make that look-back
quadratic and the cut read the line whole. For line sizes of 25, 50 and 100 MB (`--sizes`), the
script writes, in a temporary directory, 3,000 ordinary rows, the giant line (inside a
conversation), then 3,000 more rows, and prints for each: the file size, the partitions planned,
the planning time (best of `--rounds`, without tracing), and the most memory planning held at
once (a separate run under tracemalloc). Time per MB should stay flat as the line grows (linear).

    .venv/bin/python bench/scan_plan.py [--sizes 25,50,100] [--rounds 3]

It prints figures and asserts nothing; the tests never look at timings.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cslint.scan.inputs import ColumnMap  # noqa: E402
from cslint.scan.plan import plan  # noqa: E402

ROWS_AROUND = 3000


def build(path: Path, line_mb: int) -> Path:
    def row(n: int) -> bytes:
        record = {"session_id": f"c{n // 6:05d}", "seq": n % 6, "speaker": "坐席" if n % 2 else "客户",
                  "content": "您好，请问有什么可以帮您？", "agent_id": "A1"}
        return json.dumps(record, ensure_ascii=False).encode() + b"\n"

    with open(path, "wb") as handle:
        for n in range(ROWS_AROUND):
            handle.write(row(n))
        giant = {"session_id": f"c{(ROWS_AROUND - 1) // 6:05d}", "speaker": "坐席", "content": ""}
        head, tail = json.dumps(giant, ensure_ascii=False).encode().rsplit(b'""', 1)
        handle.write(head + b'"')
        chunk = b"x" * (1 << 20)
        for _ in range(line_mb):
            handle.write(chunk)
        handle.write(b'"' + tail + b"\n")
        for n in range(ROWS_AROUND, 2 * ROWS_AROUND):
            handle.write(row(n))
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="25,50,100", help="giant line sizes in MB, comma-separated")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"{'line MB':>8} {'file MB':>8} {'partitions':>10} {'plan s':>8} {'s per 100 MB':>12} {'peak MiB':>9}")
    with tempfile.TemporaryDirectory(prefix="cslint-scan-plan-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            path = build(Path(tmp) / f"giant-{size}.jsonl", size)
            file_mb = path.stat().st_size / 1e6
            best = float("inf")
            for _ in range(args.rounds):
                started = time.perf_counter()
                partitions = plan([str(path)], None, ColumnMap())
                best = min(best, time.perf_counter() - started)
            tracemalloc.start()
            plan([str(path)], None, ColumnMap())
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            print(f"{size:>8} {file_mb:>8.1f} {len(partitions):>10} {best:>8.3f} {best / file_mb * 100:>12.3f} "
                  f"{peak / (1 << 20):>9.1f}")
            path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
