"""Issue 10 #13: rows appended to an input while it is scanned are not read (each input is read up
to its size when the scan was planned), the change is noted, and a scan resumed after the input
grew still writes the outputs of an uninterrupted run."""
from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from test_scan import OUTPUTS, conversation, outputs, scan, transcripts, write_jsonl


def appended_rows(last_session: str) -> list[dict]:
    """More turns of the file's last conversation, then a new conversation."""
    return conversation(last_session, "A9", ["这个我不知道"], 9) + conversation("late", "A9", ["这个我不知道"], 9)


def append_jsonl(path: Path, rows: list[dict]) -> None:
    with open(path, "ab") as handle:
        handle.write(b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in rows))


def append_csv(path: Path, rows: list[dict]) -> None:
    with open(path, "a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, list(rows[0])).writerows(rows)


def write_csv(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_rows_appended_during_a_scan_are_not_read_and_are_noted(tmp_path):
    rows = transcripts(30)
    jsonl = write_jsonl(tmp_path / "t.jsonl", rows)
    table = write_csv(tmp_path / "t.csv", rows)
    reference = scan([jsonl, table], tmp_path / "reference", partition_bytes=2000)
    appended = []

    def grow(size: int, turns: int) -> None:  # after the first partition, both inputs grow
        if not appended:
            append_jsonl(jsonl, appended_rows(rows[-1]["session_id"]))
            append_csv(table, appended_rows(rows[-1]["session_id"]))
            appended.append(True)

    outcome = scan([jsonl, table], tmp_path / "out", partition_bytes=2000, on_progress=grow)
    assert appended and outcome.ran == outcome.partitions > 2
    for name in ("findings.jsonl", "conversations.csv", "agents.csv", "errors.jsonl"):
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "reference" / name).read_bytes(), name
    assert outcome.summary["totals"] == reference.summary["totals"]
    notes = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))["notes"]
    assert len(notes) == 2 and str(jsonl) in notes[0] and str(table) in notes[1] and "grew" in notes[0]
    assert outcome.notes == notes


def test_a_scan_resumed_after_its_input_grew_writes_the_same_outputs(tmp_path):
    rows = transcripts(400)
    source = write_jsonl(tmp_path / "t.jsonl", rows)
    original = source.read_bytes()
    more = appended_rows(rows[-1]["session_id"])
    command = [sys.executable, "-m", "cslint", "scan", str(source), "--partition-bytes", "4000", "--workers", "1"]
    out = tmp_path / "out"
    parts = out / ".cslint-scan" / "parts"
    killed = subprocess.Popen(command + ["--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    while killed.poll() is None and not (parts.exists() and any(parts.glob("*.part"))):
        time.sleep(0.005)
    assert killed.poll() is None, "the scan ended before it could be killed"
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()
    append_jsonl(source, more)
    resumed = subprocess.run(command + ["--out", str(out)], capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert "续跑" in resumed.stdout and "grew" in resumed.stderr

    source.write_bytes(original)  # the same input growing during an uninterrupted scan
    grown = []

    def grow(size: int, turns: int) -> None:
        if not grown:
            append_jsonl(source, more)
            grown.append(True)

    scan([source], tmp_path / "reference", partition_bytes=4000, on_progress=grow)
    assert outputs(out) == outputs(tmp_path / "reference"), [n for n in OUTPUTS]
