"""Issue 10 #14: exports from Chinese Windows tools — UTF-16 with a BOM and CRLF, GB18030 CSV with
Chinese column names, a UTF-8 BOM — are read (BOM, or --encoding), and a scan that could read no
row at all hints at --encoding and exits 2."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cslint.scan import ScanOptions
from test_scan import scan, transcripts

ROWS = transcripts(10)  # 60 rows, 10 conversations


def jsonl_text(rows: list[dict], newline: str) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + newline for r in rows)


def csv_text(rows: list[dict], newline: str) -> str:
    lines = ["会话,轮次,角色,内容,客服工号,时间"]
    lines += [f"{r['session_id']},{r['seq']},{r['speaker']},{r['content']},{r['agent_id']},{r['time']}" for r in rows]
    return newline.join(lines) + newline


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cslint", "scan", *args, "--workers", "1"], capture_output=True,
                          text=True)


@pytest.mark.parametrize("kind", ["jsonl", "csv"])
def test_utf16_with_a_bom_and_crlf_is_read(tmp_path, kind):
    source = tmp_path / f"export.{kind}"
    text = jsonl_text(ROWS, "\r\n") if kind == "jsonl" else csv_text(ROWS, "\r\n")
    source.write_bytes("\ufeff".encode("utf-16-le") + text.encode("utf-16-le"))  # as Windows writes it
    totals = scan([source], tmp_path / "out", partition_bytes=1024).summary["totals"]
    assert (totals["conversations"], totals["turns"], totals["errors"]) == (10, 60, 0)


def test_a_utf8_bom_keeps_the_first_row(tmp_path):
    source = tmp_path / "t.jsonl"
    source.write_bytes(b"\xef\xbb\xbf" + jsonl_text(ROWS, "\n").encode())
    totals = scan([source], tmp_path / "out", partition_bytes=1024).summary["totals"]
    assert (totals["turns"], totals["errors"]) == (60, 0)


def test_gb18030_csv_needs_encoding_and_says_so(tmp_path):
    source = tmp_path / "export.csv"
    source.write_bytes(csv_text(ROWS, "\r\n").encode("gb18030"))
    refused = cli(str(source), "--out", str(tmp_path / "utf8"))
    assert refused.returncode == 2 and "--encoding" in refused.stderr and "Traceback" not in refused.stderr
    errors = [json.loads(line) for line in (tmp_path / "utf8" / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert errors and all("--encoding gb18030" in e["reason"] for e in errors), errors[:2]
    read = cli(str(source), "--out", str(tmp_path / "gb"), "--encoding", "gb18030")
    assert read.returncode == 0, read.stderr
    summary = json.loads((tmp_path / "gb" / "summary.json").read_text(encoding="utf-8"))
    assert (summary["totals"]["conversations"], summary["totals"]["turns"], summary["totals"]["errors"]) == (10, 60, 0)
    findings = (tmp_path / "gb" / "findings.jsonl").read_text(encoding="utf-8")
    assert "不知道" in findings


def test_gb18030_jsonl_with_encoding_gives_the_utf8_results(tmp_path):
    utf8 = tmp_path / "u.jsonl"
    utf8.write_text(jsonl_text(ROWS, "\n"), encoding="utf-8")
    gb = tmp_path / "g.jsonl"
    gb.write_bytes(jsonl_text(ROWS, "\n").encode("gb18030"))
    scan([utf8], tmp_path / "u")
    scan([gb], tmp_path / "g", options=ScanOptions(encoding="gb18030"), partition_bytes=1024)
    assert (tmp_path / "g" / "agents.csv").read_bytes() == (tmp_path / "u" / "agents.csv").read_bytes()
    assert (tmp_path / "g" / "errors.jsonl").read_bytes() == b""
