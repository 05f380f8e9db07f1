"""Issue 10 #10 and #11: a CSV with an unclosed quote, and a truncated gzip file, lose only what
is damaged: the problem is reported at its file:line and the other rows are still read."""
from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest

from cslint.scan import ScanOptions
from test_scan import scan, transcripts, write_jsonl

COLUMNS = ("session_id", "seq", "speaker", "content", "agent_id", "time")


def csv_lines(rows: list[dict]) -> list[str]:
    lines = []
    for row in [dict(zip(COLUMNS, COLUMNS))] + rows:
        out = _Line()
        csv.writer(out, lineterminator="\n").writerow([row[c] for c in COLUMNS])
        lines.append(out.text)
    return lines


class _Line:
    text = ""

    def write(self, text: str) -> None:
        self.text += text


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("later_quotes", [False, True], ids=["runs-to-the-end", "runs-to-a-later-quote"])
def test_an_unclosed_quote_is_reported_and_the_rows_after_it_are_read(tmp_path, later_quotes):
    rows = transcripts(50)  # 300 rows
    if later_quotes:  # texts with an ASCII comma are quoted: the runaway field stops at the next quote
        for row in rows[40::25]:
            row["content"] = "好的, 我看一下"
    lines = csv_lines(rows)
    broken = lines[12].split(",")  # row 12, on line 13: its text opens a quote that never closes
    assert broken[2] == "坐席"
    broken[3] = '"' + broken[3]
    damaged = tmp_path / "t.csv"
    damaged.write_text("".join(lines[:12]) + ",".join(broken) + "".join(lines[13:]), encoding="utf-8")
    without = tmp_path / "without.csv"
    without.write_text("".join(lines[:12] + lines[13:]), encoding="utf-8")

    outcome = scan([damaged], tmp_path / "out")
    reference = scan([without], tmp_path / "reference")
    errors = read_jsonl(tmp_path / "out" / "errors.jsonl")
    assert [e["where"] for e in errors] == [f"{damaged}:13"], errors
    assert "unclosed quote" in errors[0]["reason"]
    assert outcome.summary["totals"]["turns"] == 299 == reference.summary["totals"]["turns"]
    strip = lambda f: {k: v for k, v in f.items() if k != "source"}  # noqa: E731
    assert [strip(f) for f in read_jsonl(tmp_path / "out" / "findings.jsonl")] == \
           [strip(f) for f in read_jsonl(tmp_path / "reference" / "findings.jsonl")]


def test_a_multi_line_text_in_quotes_is_still_one_turn(tmp_path):
    source = tmp_path / "t.csv"
    source.write_text('session_id,speaker,content\nc1,客户,"第一行\n第二行, 还有逗号\n第三行"\nc1,坐席,您好，这个我不知道\n',
                      encoding="utf-8")
    outcome = scan([source], tmp_path / "out")
    totals = outcome.summary["totals"]
    assert (totals["conversations"], totals["turns"], totals["agent_turns"], totals["errors"]) == (1, 2, 1, 0)


def truncate(path: Path, keep: float) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:int(len(data) * keep)])


@pytest.mark.parametrize("kind", ["jsonl", "csv"])
def test_a_truncated_gzip_keeps_its_first_rows_and_the_scan_goes_on(tmp_path, kind):
    rows = transcripts(100)  # 600 rows
    damaged = tmp_path / f"t.{kind}.gz"
    if kind == "jsonl":
        damaged.write_bytes(gzip.compress(write_jsonl(tmp_path / "plain.jsonl", rows).read_bytes()))
    else:
        damaged.write_bytes(gzip.compress("".join(csv_lines(rows)).encode()))
    truncate(damaged, 0.6)
    intact = write_jsonl(tmp_path / "other.jsonl", transcripts(5))
    outcome = scan([damaged, intact], tmp_path / "out", options=ScanOptions())
    errors = read_jsonl(tmp_path / "out" / "errors.jsonl")
    assert len(errors) == 1 and errors[0]["where"].startswith(f"{damaged}:"), errors
    assert "truncated" in errors[0]["reason"]
    line = int(errors[0]["where"].rsplit(":", 1)[1])
    turns = outcome.summary["totals"]["turns"]
    assert 30 + 100 < turns < 30 + 600  # the other file whole, the damaged one up to the truncation
    assert turns - 30 == line - 1 - (kind == "csv")  # every complete row before the reported line
