"""`cslint scan` end to end on transcripts written by the tests (and on ../shared/corpora when present)."""
from __future__ import annotations

import csv
import gzip
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cslint.scan import ScanOptions, run_scan

ROOT = Path(__file__).resolve().parents[2]
SHARED_CORPORA = ROOT.parent / "shared" / "corpora"
OUTPUTS = ("findings.jsonl", "conversations.csv", "agents.csv", "errors.jsonl", "summary.json", "report.html")


def conversation(cid: str, agent: str, replies: list[str], day: int) -> list[dict]:
    rows = []
    for turn, reply in enumerate(replies):
        rows.append({"session_id": cid, "seq": 2 * turn, "speaker": "客户", "content": "在吗，我的订单怎么还没到",
                     "agent_id": "", "time": f"2024-03-{day:02d}T10:00:00"})
        rows.append({"session_id": cid, "seq": 2 * turn + 1, "speaker": "坐席", "content": reply,
                     "agent_id": agent, "time": f"2024-03-{day:02d}T10:01:00"})
    return rows


def transcripts(conversations: int = 60) -> list[dict]:
    rows = []
    for n in range(conversations):
        replies = ["您好，请问有什么可以帮您？", "这个我不知道，你去问快递吧" if n % 3 == 0 else "已为您查询，明天送达",
                   "还有其他问题吗？感谢您的耐心等待，祝您生活愉快"]
        rows += conversation(f"c{n:03d}", f"A{n % 4}", replies, 1 + n % 5)
    return rows


def write_jsonl(path: Path, rows: list[dict], bad_lines: dict[int, bytes] | None = None) -> Path:
    with open(path, "wb") as handle:
        for index, row in enumerate(rows):
            if bad_lines and index in bad_lines:
                handle.write(bad_lines[index] + b"\n")
            handle.write(json.dumps(row, ensure_ascii=False).encode() + b"\n")
    return path


def scan(inputs, out: Path, **kw):
    return run_scan([str(p) for p in inputs], out, kw.pop("options", ScanOptions()), workers=kw.pop("workers", 1), **kw)


def outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS}


def test_findings_conversations_agents_and_positions(tmp_path):
    source = write_jsonl(tmp_path / "t.jsonl", transcripts(12))
    outcome = scan([source], tmp_path / "out")
    findings = [json.loads(line) for line in (tmp_path / "out" / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    assert outcome.summary["totals"]["conversations"] == 12 and outcome.summary["totals"]["agent_turns"] == 36
    ignorance = [f for f in findings if f["rule"] == "declares-ignorance"]
    assert len(ignorance) == 4 and all(f["phrase"] == "不知道" and f["position"] == "middle" for f in ignorance)
    assert [f["agent"] for f in ignorance] == ["A0", "A3", "A2", "A1"]  # conversations 0, 3, 6, 9; agent n % 4
    first = ignorance[0]
    assert first["source"].endswith("t.jsonl:4") and first["conversation"] == "c000" and first["turn"] == 3
    # the first agent turn is the opening (it greets), the last the closing (it closes): no courtesy findings
    assert not [f for f in findings if f["category"] == "courtesy"]
    flagged_turns = {(f["conversation"], f["turn"]) for f in findings}
    assert outcome.summary["totals"]["flagged_agent_turns"] == len(flagged_turns) > 0
    rows = list(csv.DictReader(open(tmp_path / "out" / "conversations.csv", encoding="utf-8-sig")))
    assert [r["conversation"] for r in rows] == [f"c{n:03d}" for n in range(12)]
    assert rows[0]["forbidden"] == "1" and float(rows[0]["score"]) < 100 and rows[1]["score"] == "100.0"
    agents = {r["agent"]: r for r in csv.DictReader(open(tmp_path / "out" / "agents.csv", encoding="utf-8-sig"))}
    assert set(agents) == {"A0", "A1", "A2", "A3"} and agents["A0"]["conversations"] == "3"
    assert sum(int(a["findings"]) for a in agents.values()) == len(findings)
    assert float(agents["A0"]["per_100_turns"]) == round(100 * int(agents["A0"]["findings"]) / 9, 2)
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "不知道" in report and "A0" in report and "2024-03-01" in report


def test_bad_rows_are_recorded_and_the_scan_goes_on(tmp_path):
    rows = transcripts(3)
    bad = {2: b'{"session_id": "c000", "content": ', 4: b'{"session_id": "c000", "speaker": "\xe5\x9d", "content": "\xff\xfe"}',
           7: json.dumps({"session_id": "c001", "speaker": "坐席", "content": ""}).encode(),
           9: json.dumps({"session_id": "c001", "speaker": "坐席", "content": "好" * (5 << 20)}).encode()}
    source = write_jsonl(tmp_path / "t.jsonl", rows, bad)
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    scan([source], tmp_path / "out")
    errors = [json.loads(line) for line in (tmp_path / "out" / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    reasons = {e["where"].rsplit(":", 1)[1]: e["reason"] for e in errors}
    assert set(reasons) == {"3", "6", "10", "13"}, errors
    assert "broken JSON" in reasons["3"] and "undecodable" in reasons["6"]
    assert "empty text" in reasons["10"] and "limit" in reasons["13"]
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["totals"]["conversations"] == 3
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before  # inputs are never modified


def test_strict_stops_at_the_first_bad_row(tmp_path):
    source = write_jsonl(tmp_path / "t.jsonl", transcripts(2), {3: b"{oops"})
    run = subprocess.run([sys.executable, "-m", "cslint", "scan", str(source), "--out", str(tmp_path / "out"),
                          "--strict", "--workers", "1"], capture_output=True, text=True)
    assert run.returncode == 2 and "t.jsonl:4" in run.stderr and "broken JSON" in run.stderr
    assert "Traceback" not in run.stderr


def test_csv_gzip_and_column_map(tmp_path):
    rows = transcripts(6)
    plain = write_jsonl(tmp_path / "t.jsonl", rows)
    scan([plain], tmp_path / "jsonl")
    as_csv = tmp_path / "t.csv.gz"
    with gzip.open(as_csv, "wt", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["会话", "seq", "who", "content", "agent_id", "time"])
        writer.writeheader()
        for row in rows:
            writer.writerow({"会话": row["session_id"], "seq": row["seq"], "who": row["speaker"], "content": row["content"],
                             "agent_id": row["agent_id"], "time": row["time"]})
    scan([as_csv], tmp_path / "csv", options=ScanOptions(columns={"role": "who"}))
    jsonl_findings = [json.loads(line) for line in open(tmp_path / "jsonl" / "findings.jsonl", encoding="utf-8")]
    csv_findings = [json.loads(line) for line in open(tmp_path / "csv" / "findings.jsonl", encoding="utf-8")]
    strip = lambda f: {k: v for k, v in f.items() if k != "source"}  # noqa: E731
    assert [strip(f) for f in csv_findings] == [strip(f) for f in jsonl_findings] and csv_findings
    assert (tmp_path / "csv" / "agents.csv").read_bytes() == (tmp_path / "jsonl" / "agents.csv").read_bytes()


def test_bad_csv_rows(tmp_path):
    source = tmp_path / "t.csv"
    with open(source, "wb") as handle:
        handle.write("会话,role,text\n".encode())
        handle.write("c1,客服,您好，这个我不知道\n".encode())
        handle.write(b"c1,\xe5\xae\xa2\xe6\x9c,\xff\xfe\n")  # undecodable bytes
        handle.write(("c1,客服,\"" + "好" * (3 << 20) + "\"\n").encode())  # a 9 MB row
        handle.write("c1,客服,还有两列,多余\n".encode())
        handle.write("c1,客户,好的谢谢\n".encode())
    scan([source], tmp_path / "out", options=ScanOptions(columns={"conversation": "会话"}))
    errors = [json.loads(line) for line in open(tmp_path / "out" / "errors.jsonl", encoding="utf-8")]
    assert [e["where"].rsplit(":", 1)[1] for e in errors] == ["3", "4", "5"], errors
    assert "undecodable" in errors[0]["reason"] and "limit" in errors[1]["reason"] and "fields" in errors[2]["reason"]
    findings = [json.loads(line) for line in open(tmp_path / "out" / "findings.jsonl", encoding="utf-8")]
    assert [f["phrase"] for f in findings if f["rule"] == "declares-ignorance"] == ["不知道"]


def test_small_partitions_give_the_same_outputs(tmp_path):
    """Conversations cross partition cuts: each is still seen whole, exactly once."""
    source = write_jsonl(tmp_path / "t.jsonl", transcripts(40), {17: b"not json", 90: b"{}"})
    scan([source], tmp_path / "whole")
    scan([source], tmp_path / "cut", partition_bytes=1500, workers=2)
    assert outputs(tmp_path / "cut") == outputs(tmp_path / "whole")


def test_a_finished_scan_has_nothing_left_to_do_and_other_inputs_are_refused(tmp_path):
    source = write_jsonl(tmp_path / "t.jsonl", transcripts(5))
    first = scan([source], tmp_path / "out")
    again = scan([source], tmp_path / "out")
    assert first.ran >= 1 and again.ran == 0 and again.summary == first.summary
    other = write_jsonl(tmp_path / "u.jsonl", transcripts(6))
    from cslint.scan.store import StateMismatch

    with pytest.raises(StateMismatch):
        scan([other], tmp_path / "out")
    assert scan([other], tmp_path / "out", fresh=True).summary["totals"]["conversations"] == 6


def test_progress_bar_on_a_terminal(tmp_path):
    import os
    import pty

    source = write_jsonl(tmp_path / "t.jsonl", transcripts(30))
    controller, terminal = pty.openpty()
    run = subprocess.run([sys.executable, "-m", "cslint", "scan", str(source), "--out", str(tmp_path / "out"),
                          "--partition-bytes", "2000", "--workers", "1"], stdout=subprocess.PIPE, stderr=terminal)
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    assert run.returncode == 0
    text = shown.decode("utf-8", "replace")
    assert "100.0%" in text and "轮/秒" in text and "剩余" in text


def test_quiet_when_not_a_terminal(tmp_path):
    source = write_jsonl(tmp_path / "t.jsonl", transcripts(3))
    run = subprocess.run([sys.executable, "-m", "cslint", "scan", str(source), "--out", str(tmp_path / "out")],
                         capture_output=True, text=True)
    assert run.returncode == 0 and run.stderr == "" and "扫描完成" in run.stdout


@pytest.mark.skipif(not SHARED_CORPORA.is_dir(), reason="../shared/corpora is absent")
def test_the_shared_corpora(tmp_path):
    inputs = sorted(SHARED_CORPORA.glob("*.jsonl"))
    outcome = scan(inputs, tmp_path / "out", workers=2)
    totals = outcome.summary["totals"]
    assert totals["errors"] == 0 and totals["agent_turns"] > 10_000 and totals["findings"] > 0


def test_killed_at_random_points_resumes_to_identical_outputs(tmp_path):
    """SIGKILL the whole scan (parent and pool workers) at random moments (during start-up, or
    after a random number of further partitions were committed), re-run the same command each
    time, and compare with an uninterrupted run, byte for byte."""
    import os
    import random
    import signal
    import time

    source = write_jsonl(tmp_path / "t.jsonl", transcripts(1500), {50: b"{broken", 700: b'{"seq": 1}'})
    command = [sys.executable, "-m", "cslint", "scan", str(source), "--partition-bytes", "4000", "--workers", "2"]
    reference = subprocess.run(command + ["--out", str(tmp_path / "reference")], capture_output=True, text=True)
    assert reference.returncode == 0, reference.stderr
    out = tmp_path / "killed"
    parts = out / ".cslint-scan" / "parts"
    committed = lambda: len(list(parts.glob("*.part"))) if parts.exists() else 0  # noqa: E731
    total = len(json.loads((tmp_path / "reference" / ".cslint-scan" / "manifest.json").read_text())["scan"]["partitions"])
    rng = random.Random(20261123)
    kills = []
    for attempt in range(6):
        process = subprocess.Popen(command + ["--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        if attempt == 0:
            time.sleep(rng.uniform(0.05, 0.5))  # still starting up
        else:
            target = committed() + rng.randint(1, max(1, (total - committed()) // 2))
            while process.poll() is None and committed() < target:
                time.sleep(0.005)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            kills.append(committed())
        process.wait()
    final = subprocess.run(command + ["--out", str(out)], capture_output=True, text=True)
    assert final.returncode == 0, final.stderr
    assert len(kills) >= 4, kills  # the scan really was interrupted, at several points
    assert outputs(out) == outputs(tmp_path / "reference")
    assert not list(out.glob("*.tmp"))


def test_dask_cluster_gives_the_same_outputs(tmp_path):
    distributed = pytest.importorskip("distributed")
    source = write_jsonl(tmp_path / "t.jsonl", transcripts(80), {30: b"oops"})
    scan([source], tmp_path / "local", partition_bytes=3000, workers=2)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        outcome = scan([source], tmp_path / "dask", partition_bytes=3000, engine="dask", scheduler=cluster.scheduler_address)
    assert outcome.ran == outcome.partitions > 2
    assert outputs(tmp_path / "dask") == outputs(tmp_path / "local")
    # no --scheduler: the scan starts (and stops) a local distributed cluster of its own
    scan([source], tmp_path / "own-cluster", partition_bytes=3000, engine="dask", workers=2)
    assert outputs(tmp_path / "own-cluster") == outputs(tmp_path / "local")


def test_two_scans_never_write_the_same_directory_at_once(tmp_path):
    from cslint.scan.store import ScanState, StateMismatch

    source = write_jsonl(tmp_path / "t.jsonl", transcripts(3))
    with ScanState(tmp_path / "out").locked():  # as a scan in progress holds it
        with pytest.raises(StateMismatch, match="another scan"):
            scan([source], tmp_path / "out")
    assert scan([source], tmp_path / "out").summary["totals"]["conversations"] == 3
