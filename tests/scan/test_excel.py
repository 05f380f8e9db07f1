"""Excel-ready outputs: the CSVs open as UTF-8 in Excel and WPS (a byte-order mark, once), and
`cslint scan --excel` writes report.xlsx. Read back the way people open them."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cslint.scan.run import ScanError
from cslint.scan.workbook import EXCEL_ROWS, truncation_note, write_workbook

from test_scan import conversation, outputs, scan, transcripts, write_jsonl

openpyxl = pytest.importorskip("openpyxl")

BOM = b"\xef\xbb\xbf"
CSVS = ("conversations.csv", "agents.csv")


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def read_findings(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]


def spreadsheet_rows() -> list[dict]:
    """Ids that a spreadsheet would turn into numbers, and a reply that looks like a formula."""
    rows = conversation("0012", "007", ["=这个我不知道", "你去问快递吧，我不知道", "还有其他问题吗？感谢您的耐心等待"], 2)
    return rows + transcripts(5)


def cslint_scan(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cslint", "scan", *map(str, args), "--workers", "1"],
                          capture_output=True, text=True)


def test_csv_outputs_start_with_one_byte_order_mark_and_read_as_utf8_sig(tmp_path):
    source = write_jsonl(tmp_path / "t.jsonl", spreadsheet_rows() + transcripts(30))
    outcome = scan([source], tmp_path / "out", partition_bytes=1500)
    assert outcome.partitions > 3  # the conversations' rows come from several parts
    for name in CSVS:
        data = (tmp_path / "out" / name).read_bytes()
        assert data[:3] == BOM and data.count(BOM) == 1, name
    conversations = read_csv(tmp_path / "out" / "conversations.csv")
    assert list(conversations[0])[:3] == ["conversation", "source", "agents"]
    assert len(conversations) == outcome.summary["totals"]["conversations"] == 36
    assert conversations[0]["conversation"] == "0012" and conversations[0]["agents"] == "007"
    agents = read_csv(tmp_path / "out" / "agents.csv")
    assert list(agents[0])[0] == "agent" and {a["agent"] for a in agents} == {"007", "A0", "A1", "A2", "A3"}


def test_a_resumed_scan_writes_the_same_bytes_with_one_byte_order_mark(tmp_path):
    rows = transcripts(40)
    source = write_jsonl(tmp_path / "t.jsonl", rows, {len(rows) - 5: b"{broken"})
    with pytest.raises(ScanError, match="strict"):  # stops late: the earlier parts stay checkpointed
        scan([source], tmp_path / "resumed", partition_bytes=1500, strict=True)
    resumed = scan([source], tmp_path / "resumed", partition_bytes=1500)
    assert 0 < resumed.ran < resumed.partitions
    scan([source], tmp_path / "fresh", partition_bytes=1500)
    assert outputs(tmp_path / "resumed") == outputs(tmp_path / "fresh")
    for name in CSVS:
        data = (tmp_path / "resumed" / name).read_bytes()
        assert data.startswith(BOM) and data.count(BOM) == 1, name


def test_excel_workbook_sheets_headers_and_types(tmp_path):
    source = write_jsonl(tmp_path / "t.jsonl", spreadsheet_rows())
    run = cslint_scan(source, "--out", tmp_path / "out", "--excel")
    assert run.returncode == 0 and run.stderr == "", run.stderr
    assert "report.xlsx" in run.stdout
    book = openpyxl.load_workbook(tmp_path / "out" / "report.xlsx")
    assert book.sheetnames == ["agents", "conversations", "findings", "rules"]
    assert all(sheet.freeze_panes == "A2" for sheet in book.worksheets)
    findings_sheet = book["findings"]
    headers = [cell.value for cell in findings_sheet[1]]
    assert headers[:4] == ["编号 id", "会话 conversation", "轮次 turn", "坐席 agent"]
    assert [h.rsplit(" ", 1)[1] for h in headers] == ["id", "conversation", "turn", "agent", "position", "rule",
                                                      "category", "severity", "phrase", "context", "suggestion",
                                                      "message", "source"]
    findings = read_findings(tmp_path / "out")
    rows = list(findings_sheet.iter_rows(min_row=2))
    assert len(rows) == len(findings) > 0  # every finding
    first = next(i for i, f in enumerate(findings) if f["rule"] == "declares-ignorance")
    expected = findings[first]
    cells = {h.rsplit(" ", 1)[1]: cell for h, cell in zip(headers, rows[first])}
    assert cells["id"].value == expected["id"] and cells["id"].data_type == "s"
    assert cells["conversation"].value == "0012" and cells["conversation"].data_type == "s"  # not the number 12
    assert cells["agent"].value == "007" and cells["agent"].data_type == "s"  # not the number 7
    assert cells["turn"].value == expected["turn"] == 1 and cells["turn"].data_type == "n"
    assert cells["phrase"].value == "不知道" and cells["rule"].value == "declares-ignorance"
    assert cells["context"].value == "=这个我不知道" and cells["context"].data_type == "s"  # text, not a formula
    assert cells["suggestion"].value == expected["suggestion"] and cells["message"].value == expected["message"]
    assert cells["source"].value.endswith("t.jsonl:2")

    agents = book["agents"]
    assert [c.value for c in agents[1]][:2] == ["坐席 agent", "会话数 conversations"]
    by_agent = {row[0].value: row for row in agents.iter_rows(min_row=2)}
    assert set(by_agent) == {"007", "A0", "A1", "A2", "A3"}
    csv_agents = {a["agent"]: a for a in read_csv(tmp_path / "out" / "agents.csv")}
    for cell, key in zip(by_agent["007"][1:], list(csv_agents["007"])[1:]):
        assert cell.data_type == "n" and cell.value == float(csv_agents["007"][key]), key
    conversations = book["conversations"]
    first_conversation = [c.value for c in conversations[2]]
    assert first_conversation[:4] == ["0012", str(source) + ":1", "007", 6] and isinstance(first_conversation[-2], float | int)

    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    rules = book["rules"]
    assert [c.value for c in rules[1]] == ["规则 rule", "类别 category", "说明 message", "问题数 count"]
    listed = {row[0]: row for row in rules.iter_rows(min_row=2, values_only=True)}
    assert {rule: row[3] for rule, row in listed.items()} == {r: e["count"] for r, e in summary["by_rule"].items()}
    assert listed["declares-ignorance"][1] == "forbidden"


def test_a_sheet_longer_than_excel_holds_ends_with_a_note(tmp_path):
    source = write_jsonl(tmp_path / "t.jsonl", transcripts(12))
    scan([source], tmp_path / "out")
    findings = read_findings(tmp_path / "out")
    assert len(findings) > 4
    counts = {c.sheet: c for c in write_workbook(tmp_path / "out", max_rows=5)}
    cut = counts["findings"]
    assert cut.truncated and cut.written == 3 and cut.total == len(findings)
    sheet = openpyxl.load_workbook(tmp_path / "out" / "report.xlsx")["findings"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 5  # header, 3 findings, the note: never more than the limit
    assert [row[0] for row in values[1:4]] == [f["id"] for f in findings[:3]]
    note = values[4][0]
    assert f"共 {len(findings):,} 行" in note and "findings.jsonl" in note
    message = truncation_note(cut)
    assert f"first 3 of {len(findings):,}" in message and f"{EXCEL_ROWS:,}" in message and "findings.jsonl" in message
    # exactly as many rows as fit: all of them, no note
    counts = {c.sheet: c for c in write_workbook(tmp_path / "out", max_rows=len(findings) + 1)}
    assert not counts["findings"].truncated and counts["findings"].written == len(findings)
    sheet = openpyxl.load_workbook(tmp_path / "out" / "report.xlsx")["findings"]
    assert sheet.max_row == len(findings) + 1 and sheet.cell(sheet.max_row, 1).value == findings[-1]["id"]


def test_excel_without_openpyxl_fails_before_scanning(tmp_path):
    source = write_jsonl(tmp_path / "t.jsonl", transcripts(2))
    without = "import sys; sys.modules['openpyxl'] = None; from cslint.cli import main; sys.exit(main(sys.argv[1:]))"
    run = subprocess.run([sys.executable, "-c", without, "scan", str(source), "--out", str(tmp_path / "out"), "--excel"],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "pip install 'cslint[xlsx]'" in run.stderr
    assert not (tmp_path / "out").exists()  # refused before anything was scanned


def test_disputed_findings_are_marked_in_the_workbook(tmp_path):
    """--disputes: the findings sheet has 申诉 (误报 for a finding judged wrong) and 申诉理由 columns,
    the rules sheet a disputed count, and a disputes sheet lists them with their reasons."""
    source = write_jsonl(tmp_path / "t.jsonl", spreadsheet_rows())
    scan([source], tmp_path / "plain")
    findings = read_findings(tmp_path / "plain")
    judged = findings[1]
    disputes = tmp_path / "disputes.jsonl"
    disputes.write_text(json.dumps({"id": judged["id"], "verdict": "误报", "reason": "客户先说的"}, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    out = tmp_path / "out"
    run = cslint_scan(source, "--out", out, "--disputes", disputes, "--excel")
    assert run.returncode == 0, run.stderr
    book = openpyxl.load_workbook(out / "report.xlsx", read_only=True)
    sheet = [list(row) for row in book["findings"].iter_rows(values_only=True)]
    header = sheet[0]
    assert header[-2:] == ["申诉 disputed", "申诉理由 dispute_reason"]
    width = len(header)
    marked = {row[0]: (row + [None] * width)[width - 2:width] for row in sheet[1:]}  # trailing empty cells are left out
    assert marked[judged["id"]] == ["误报", "客户先说的"]
    assert {tuple(value) for ident, value in marked.items() if ident != judged["id"]} == {(None, None)}, marked
    assert len(marked) == len(findings)
    rules = [list(row) for row in book["rules"].iter_rows(values_only=True)]
    assert rules[0][-1] == "申诉 disputed"
    assert {row[0]: row[-1] for row in rules[1:]}[judged["rule"]] == 1
    listed = [list(row) for row in book["disputes"].iter_rows(values_only=True)]
    assert listed[0][0] == "编号 id" and listed[0][-1] == "申诉理由 reason"
    assert [(row[0], row[-1]) for row in listed[1:]] == [(judged["id"], "客户先说的")]
    plain = openpyxl.load_workbook(cslint_excel(tmp_path / "plain"), read_only=True)
    assert "disputes" not in plain.sheetnames  # without --disputes: no 申诉 columns or sheet
    assert "申诉 disputed" not in [c for c in next(plain["findings"].iter_rows(values_only=True))]


def cslint_excel(out: Path) -> Path:
    write_workbook(out)
    return out / "report.xlsx"
