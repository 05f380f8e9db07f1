"""Issue 10 #12: a JSONL line of many megabytes is a bad row (over the limit), stepped over in
bounded memory while planning and reading; the conversation around it keeps its other turns."""
from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

from cslint.scan.inputs import BadRow, ColumnMap
from cslint.scan.plan import plan, read_partition
from test_scan import scan, transcripts

GIANT_BYTES = 24 << 20
BOUND = 8 << 20  # what planning or reading may hold at once, far below the giant line


def write_with_giant_line(path: Path, rows: list[dict], at: int) -> Path:
    with open(path, "wb") as handle:
        for index, row in enumerate(rows):
            if index == at:
                giant = {"session_id": rows[at]["session_id"], "speaker": "坐席", "content": "好" * (GIANT_BYTES // 3)}
                handle.write(json.dumps(giant, ensure_ascii=False).encode() + b"\n")
            handle.write(json.dumps(row, ensure_ascii=False).encode() + b"\n")
    return path


def peak_of(work) -> tuple[object, int]:
    tracemalloc.start()
    try:
        result = work()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_giant_line_is_planned_and_read_in_bounded_memory(tmp_path):
    rows = transcripts(40)  # 240 rows; the giant line goes inside conversation c020
    source = write_with_giant_line(tmp_path / "t.jsonl", rows, at=123)
    partitions, planning_peak = peak_of(lambda: plan([str(source)], 1 << 20, ColumnMap()))
    assert planning_peak < BOUND, f"planning held {planning_peak:,} bytes"
    assert len(partitions) == 2 and partitions[1].in_progress == "c020"  # found by looking back past the giant line

    def read_all() -> list[str]:
        return [row.reason for part in partitions for row in read_partition(part, ColumnMap()) if isinstance(row, BadRow)]

    reasons, reading_peak = peak_of(read_all)
    assert reading_peak < BOUND, f"reading held {reading_peak:,} bytes"
    assert len(reasons) == 1 and "over the" in reasons[0], reasons


def test_a_giant_line_costs_only_itself(tmp_path):
    rows = transcripts(40)
    source = write_with_giant_line(tmp_path / "t.jsonl", rows, at=123)
    plain = tmp_path / "plain.jsonl"
    plain.write_bytes(b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in rows))
    outcome = scan([source], tmp_path / "out", partition_bytes=1 << 20, workers=2)
    reference = scan([plain], tmp_path / "reference")
    errors = [json.loads(line) for line in (tmp_path / "out" / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [e["where"] for e in errors] == [f"{source}:124"] and "limit" in errors[0]["reason"]
    ours, theirs = outcome.summary["totals"], reference.summary["totals"]
    assert {k: v for k, v in ours.items() if k != "errors"} == {k: v for k, v in theirs.items() if k != "errors"}
    assert (tmp_path / "out" / "agents.csv").read_bytes() == (tmp_path / "reference" / "agents.csv").read_bytes()
