"""`cslint scan --disputes FILE`: findings judged wrong (申诉) drop out of every score, are marked in
findings.jsonl and listed in report.html; a changed disputes file re-merges without re-checking."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cslint.scan.disputes import read_disputes
from tests.scan.test_scan import ROOT, outputs, scan, transcripts, write_jsonl

HEADER = "编号 id,判定 verdict,备注 note"


def findings_of(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]


def rows_of(out: Path, name: str, key: str) -> dict[str, dict]:
    with open(out / name, encoding="utf-8-sig", newline="") as handle:
        return {row[key]: row for row in csv.DictReader(handle)}


def write_sheet(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    """A judged sheet as Excel saves it: UTF-8 with a BOM, CRLF."""
    lines = [HEADER] + [",".join(row) for row in rows]
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8") + b"\r\n")
    return path


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    """A scan without disputes, and two of its findings in different conversations."""
    root = tmp_path_factory.mktemp("disputes")
    source = write_jsonl(root / "t.jsonl", transcripts(12))
    scan([source], root / "plain")
    findings = findings_of(root / "plain")
    ignorance = [f for f in findings if f["rule"] == "declares-ignorance"]
    return root, source, findings, ignorance[0], ignorance[1]


def test_disputed_findings_leave_every_score(scanned, tmp_path):
    root, source, findings, first, second = scanned
    kept = next(f for f in findings if f["id"] not in (first["id"], second["id"]))
    sheet = write_sheet(tmp_path / "申诉.csv", [(first["id"], "误报", "客户确实问了快递，回答属实"),
                                               (second["id"], "wrong", "上下文是转述"),
                                               (kept["id"], "correct", "确实有问题"),
                                               ("nosuchfinding0000", "错", "编号抄错了")])
    out = tmp_path / "out"
    outcome = scan([source], out, disputes=sheet)
    weights = outcome.summary["score"]["weights"]

    # conversation scores rise by exactly the disputed findings' weights; other rows are unchanged
    before, after = rows_of(root / "plain", "conversations.csv", "conversation"), rows_of(out, "conversations.csv", "conversation")
    for finding in (first, second):
        cid = finding["conversation"]
        assert float(after[cid]["score"]) == float(before[cid]["score"]) + weights[finding["severity"]]
        assert int(after[cid]["findings"]) == int(before[cid]["findings"]) - 1
        assert int(after[cid][finding["category"]]) == int(before[cid][finding["category"]]) - 1
    changed = {first["conversation"], second["conversation"]}
    assert {c: r for c, r in after.items() if c not in changed} == {c: r for c, r in before.items() if c not in changed}

    # agents.csv: the mean of the agent's conversations' scores, findings and per-100-turn figures without them
    agents_before, agents_after = rows_of(root / "plain", "agents.csv", "agent"), rows_of(out, "agents.csv", "agent")
    for finding in (first, second):
        agent = finding["agent"]
        theirs = [float(r["score"]) for r in after.values() if agent in r["agents"].split(";")]
        assert float(agents_after[agent]["score"]) == round(sum(theirs) / len(theirs), 2)
        rise = weights[finding["severity"]] / int(agents_before[agent]["conversations"])
        assert float(agents_after[agent]["score"]) == pytest.approx(float(agents_before[agent]["score"]) + rise, abs=0.01)
        assert int(agents_after[agent]["findings"]) == int(agents_before[agent]["findings"]) - 1
        turns = int(agents_after[agent]["turns"])
        assert float(agents_after[agent]["per_100_turns"]) == round(100 * int(agents_after[agent]["findings"]) / turns, 2)

    # findings.jsonl keeps them, marked with the reason; every other line is as before
    marked = {f["id"]: f for f in findings_of(out)}
    assert marked[first["id"]]["disputed"] is True and marked[first["id"]]["dispute_reason"] == "客户确实问了快递，回答属实"
    assert marked[second["id"]]["dispute_reason"] == "上下文是转述"
    assert [f for f in marked.values() if not f.get("disputed")] == [f for f in findings if f["id"] in marked
                                                                       and f["id"] not in (first["id"], second["id"])]
    assert len(marked) == len(findings)

    # summary: totals and per-rule/category counts say how many were disputed
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    plain = json.loads((root / "plain" / "summary.json").read_text(encoding="utf-8"))
    assert summary["totals"]["findings"] == plain["totals"]["findings"] - 2 and summary["totals"]["disputed"] == 2
    rule = summary["by_rule"]["declares-ignorance"]
    assert rule["count"] == plain["by_rule"]["declares-ignorance"]["count"] - 2 and rule["disputed"] == 2
    assert summary["disputed_by_category"][first["category"]] == 2
    assert summary["by_category"][first["category"]] == plain["by_category"][first["category"]] - 2
    assert [f["id"] for f in summary["disputes"]["findings"]] == [first["id"], second["id"]]
    shown = {f["id"]: c["score"] for c in summary["worst_conversations"] for t in c["turns"] for f in t["findings"]}
    assert first["id"] not in shown and second["id"] not in shown
    worst = {c["conversation"]: c["score"] for c in summary["worst_conversations"]}
    assert all(worst[c] == float(after[c]["score"]) for c in changed if c in worst)

    # an id no finding has is a note, not an error
    assert any("nosuchfinding0000" in note for note in outcome.notes)
    assert any("nosuchfinding0000" in note for note in summary["notes"])

    report = (out / "report.html").read_text(encoding="utf-8")
    section = report[report.index('<section id="disputes">'):]
    section = section[:section.index("</section>")]
    assert "申诉（已排除的问题）" in section
    assert "客户确实问了快递，回答属实" in section and "上下文是转述" in section
    assert first["id"] in section and second["id"] in section and kept["id"] not in section
    assert "申诉" not in (root / "plain" / "report.html").read_text(encoding="utf-8")


def test_changed_disputes_file_recomputes_without_checking_again(scanned, tmp_path):
    root, source, _, first, second = scanned
    out = tmp_path / "out"
    command = [sys.executable, "-m", "cslint", "scan", str(source), "--out", str(out), "--workers", "1"]
    sheet = write_sheet(tmp_path / "disputes.csv", [(first["id"], "误报", "理由一"), ("unknown0000000000", "误报", "")])
    result = subprocess.run(command + ["--disputes", str(sheet)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "unknown0000000000" in result.stderr and "note" in result.stderr

    # changed: the first is now correct, the second disputed (JSONL); only the merge runs again
    changed = tmp_path / "disputes.jsonl"
    changed.write_text(json.dumps({"id": first["id"], "verdict": "correct", "reason": ""}, ensure_ascii=False) + "\n"
                       + json.dumps({"id": second["id"], "verdict": "误报", "reason": "理由二"}, ensure_ascii=False) + "\n",
                       encoding="utf-8")
    result = subprocess.run(command + ["--disputes", str(changed)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "本次检查 0/" in result.stdout  # nothing checked again
    marked = {f["id"]: f for f in findings_of(out)}
    assert not marked[first["id"]].get("disputed") and marked[second["id"]]["dispute_reason"] == "理由二"
    assert "unknown0000000000" not in result.stderr
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "理由二" in report and "理由一" not in report

    # the re-merged outputs are those of a fresh scan with the same disputes file
    fresh = scan([source], tmp_path / "fresh", disputes=changed)
    assert fresh.ran == fresh.partitions
    assert outputs(out) == outputs(tmp_path / "fresh")

    # and without a disputes file, those of a scan that never had one
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert outputs(out) == outputs(root / "plain")


def test_reading_disputes_files(tmp_path):
    rows = [("aaaa", "误报", "理由"), ("bbbb", "对", ""), ("cccc", "", "未判定"), ("dddd", "错误", "")]
    text = "\r\n".join([HEADER] + [",".join(r) for r in rows]) + "\r\n"
    for name, data in (("bom.csv", b"\xef\xbb\xbf" + text.encode("utf-8")), ("plain.csv", text.encode("utf-8")),
                       ("excel.csv", text.encode("gb18030"))):
        path = tmp_path / name
        path.write_bytes(data)
        assert read_disputes(path).reasons == {"aaaa": "理由", "dddd": ""}, name
    jsonl = tmp_path / "d.jsonl"
    jsonl.write_text('{"id": "aaaa", "verdict": "wrong", "reason": "r"}\n\n{"id": "aaaa", "verdict": "对"}\n'
                     '{"id": "bbbb", "verdict": "误报", "reason": "r2"}\n', encoding="utf-8")
    assert read_disputes(jsonl).reasons == {"bbbb": "r2"}  # the last verdict on an id wins


def test_a_bad_disputes_file_stops_the_scan_before_checking(scanned, tmp_path):
    _, source, _, _, _ = scanned
    from cslint.scan import ScanError

    bad = write_sheet(tmp_path / "bad.csv", [("aaaa", "maybe", "")])
    with pytest.raises(ScanError, match="unrecognised verdict"):
        scan([source], tmp_path / "out", disputes=bad)
    assert not (tmp_path / "out").exists()
    with pytest.raises(ScanError, match="cannot read"):
        scan([source], tmp_path / "out", disputes=tmp_path / "missing.csv")
