"""`cslint scan --excel`: DIR/report.xlsx, the scan's tables as one Excel workbook.

Sheets `agents` and `conversations` (agents.csv, conversations.csv), `findings` (every finding of
findings.jsonl) and `rules` (findings per rule, from summary.json), with the columns of those
outputs (lint/scan/outputs.py); with --disputes, findings has 申诉 disputed (误报 for a finding judged
wrong) and 申诉理由 dispute_reason columns, rules a disputed count, and a `disputes` sheet lists the
disputed findings with their reasons. Each sheet has a bold frozen header row that names a column in
Chinese and by its key ("坐席 agent"). Counts and scores are numbers; everything else is text, stored
as text whatever it looks like (an id of digits, or one starting with "=", never becomes a number or
a formula).

A sheet holds at most Excel's 1,048,576 rows: a table with more rows keeps the first ones and ends
with a row saying how many of how many it lists; `write_workbook` returns that as a note too.

The workbook is written from the finished outputs (streamed, so a scan with millions of findings
does not need them in memory) to report.xlsx.tmp, then renamed into place. Needs openpyxl.
"""
from __future__ import annotations

import csv
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from ..model import CATEGORY_DISPLAY_NAMES
from .outputs import (AGENTS, CONVERSATIONS, DISPUTE_FIELDS, FINDING_FIELDS, FINDINGS, RULE_COLUMNS, SUMMARY,
                      WORKBOOK)

EXCEL_ROWS = 1_048_576  # rows in an Excel sheet, the header included
MAX_CELL_CHARS = 32_767  # characters in an Excel cell
FINDING_COLUMNS = tuple(f for f in FINDING_FIELDS if f not in ("start", "end"))  # offsets mean nothing in a sheet
DISPUTE_COLUMNS = ("id", "conversation", "turn", "agent", "rule", "category", "severity", "phrase", "context",
                   "message", "source", "reason")  # the disputes sheet (summary.json's disputes)
TEXT_COLUMNS = frozenset({"id", "conversation", "agent", "agents", "source", "date", "position", "rule", "category",
                          "severity", "phrase", "context", "suggestion", "message", "dispute_reason", "reason"})
LABELS = {
    "id": "编号", "conversation": "会话", "turn": "轮次", "agent": "坐席", "agents": "坐席", "position": "位置",
    "rule": "规则", "category": "类别", "severity": "严重程度", "phrase": "问题用语", "context": "上下文",
    "suggestion": "建议", "message": "说明", "source": "来源", "conversations": "会话数", "turns": "轮次",
    "agent_turns": "坐席轮次", "findings": "问题数", "per_100_turns": "每百轮问题数", "score": "得分",
    "date": "日期", "count": "问题数", "disputed": "申诉", "dispute_reason": "申诉理由", "reason": "申诉理由",
    **CATEGORY_DISPLAY_NAMES,
}
DISPUTED = "误报"  # a disputed finding's 申诉 cell: judged wrong, counted nowhere
WIDTHS = {"id": 18, "conversation": 16, "source": 28, "phrase": 14, "context": 60, "suggestion": 24, "message": 48,
          "rule": 24, "agents": 16}
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters a sheet cannot hold


class WorkbookUnavailable(Exception):
    """openpyxl is not installed."""


@dataclass(frozen=True)
class SheetCount:
    sheet: str
    written: int  # data rows in the sheet
    total: int  # rows of the table

    @property
    def truncated(self) -> bool:
        return self.written < self.total


def require_openpyxl() -> None:
    """Raise WorkbookUnavailable (with the install command) when openpyxl is missing."""
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise WorkbookUnavailable("--excel needs openpyxl: pip install 'cslint[xlsx]'") from None


def header(key: str) -> str:
    label = LABELS.get(key)
    return f"{label} {key}" if label else key


def write_workbook(out_dir: Path, max_rows: int = EXCEL_ROWS) -> list[SheetCount]:
    """Write out_dir/report.xlsx from the scan's outputs in out_dir; returns each sheet's counts."""
    require_openpyxl()
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    summary = json.loads((out_dir / SUMMARY).read_text(encoding="utf-8"))
    disputes = summary.get("disputes")  # --disputes: a 申诉 column in findings and rules, and a disputes sheet
    finding_columns = FINDING_COLUMNS + DISPUTE_FIELDS if disputes else FINDING_COLUMNS
    rule_columns = RULE_COLUMNS + ("disputed",) if disputes else RULE_COLUMNS
    counts = []
    with open(out_dir / AGENTS, encoding="utf-8-sig", newline="") as agents, \
            open(out_dir / CONVERSATIONS, encoding="utf-8-sig", newline="") as conversations, \
            open(out_dir / FINDINGS, encoding="utf-8") as findings:
        counts.append(_csv_sheet(book, "agents", agents, max_rows))
        counts.append(_csv_sheet(book, "conversations", conversations, max_rows))
        counts.append(_sheet(book, "findings", finding_columns, findings,
                             lambda line: _finding_row(line, finding_columns), max_rows, FINDINGS))
    rules = [{"rule": rule, **entry} for rule, entry in summary.get("by_rule", {}).items()]
    counts.append(_sheet(book, "rules", rule_columns, rules, lambda entry: _rule_row(entry, rule_columns), max_rows,
                         SUMMARY))
    if disputes:
        counts.append(_sheet(book, "disputes", DISPUTE_COLUMNS, disputes.get("findings") or [],
                             lambda entry: [_finding_value(key, entry.get(key)) for key in DISPUTE_COLUMNS],
                             max_rows, SUMMARY))
    temporary = out_dir / (WORKBOOK + ".tmp")
    book.save(temporary)
    os.replace(temporary, out_dir / WORKBOOK)
    return counts


def truncation_note(count: SheetCount) -> str:
    """The stderr note for a sheet that could not hold its whole table."""
    return (f"{WORKBOOK}: sheet {count.sheet} lists the first {count.written:,} of {count.total:,} rows "
            f"(Excel holds {EXCEL_ROWS:,} rows a sheet); all are in {_complete_source(count.sheet)}")


def _complete_source(sheet: str) -> str:
    return {"findings": FINDINGS, "rules": SUMMARY, "disputes": SUMMARY}.get(sheet, f"{sheet}.csv")


# --- one sheet --------------------------------------------------------------------------------------

def _csv_sheet(book: Any, name: str, handle: Iterable[str], max_rows: int) -> SheetCount:
    reader = csv.reader(handle)
    columns = tuple(next(reader, ()))
    to_row = lambda values: [_csv_value(key, value) for key, value in zip(columns, values)]  # noqa: E731
    return _sheet(book, name, columns, reader, to_row, max_rows, f"{name}.csv")


def _sheet(book: Any, name: str, columns: tuple[str, ...], records: Iterable[Any], to_row: Callable[[Any], list],
           max_rows: int, source: str) -> SheetCount:
    """A sheet of `columns` with a row per record (`to_row` makes it), at most `max_rows` rows in all."""
    sheet = book.create_sheet(name)
    sheet.freeze_panes = "A2"
    for index, key in enumerate(columns, 1):
        sheet.column_dimensions[_letter(index)].width = WIDTHS.get(key, max(10, len(header(key)) + 2))
    sheet.append([_bold(sheet, header(key)) for key in columns])
    written, total = _fill(sheet, iter(records), to_row, max_rows - 1)
    if written < total:
        sheet.append([_text_cell(sheet, f"（仅列出前 {written:,} 行，共 {total:,} 行，Excel 一张表最多 {EXCEL_ROWS:,} 行；"
                                        f"完整数据见 {source}）Only the first {written:,} of {total:,} rows fit "
                                        f"in Excel; all are in {source}.")])
    return SheetCount(name, written, total)


def _fill(sheet: Any, records: Iterator[Any], to_row: Callable[[Any], list], room: int) -> tuple[int, int]:
    """Append the records while they fit in `room` rows; a table with more rows keeps the last
    row free for the note. Returns (rows written, records in all)."""
    written = total = 0
    held = None
    for record in records:
        total += 1
        if total < room:
            sheet.append(_cells(sheet, to_row(record)))
            written += 1
        elif total == room:
            held = record  # written only if it is the last one: else this row is the note's
    if total == room:
        sheet.append(_cells(sheet, to_row(held)))
        written += 1
    return written, total


# --- rows -------------------------------------------------------------------------------------------

def _finding_row(line: str, columns: tuple[str, ...]) -> list:
    finding = json.loads(line)
    return [_finding_value(key, finding.get(key)) for key in columns]


def _finding_value(key: str, value: Any) -> Any:
    if value is None or value == "" or value is False:
        return None
    if key == "turn" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if key == "disputed":
        return DISPUTED
    return _text(str(value))


def _rule_row(entry: dict, columns: tuple[str, ...]) -> list:
    return [_text(str(entry.get(key) or "")) if key in TEXT_COLUMNS else entry.get(key) for key in columns]


def _csv_value(key: str, value: str) -> Any:
    if value == "":
        return None
    if key in TEXT_COLUMNS:
        return _text(value)
    return _number(value)


def _number(text: str) -> int | float | Any:
    """A count or score as a number (text that is not one stays text)."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return _text(text)


# --- cells ------------------------------------------------------------------------------------------

def _text(value: str) -> str:
    """Text as a cell holds it: control characters a sheet cannot hold become U+FFFD, and an
    over-long text is cut to what a cell holds."""
    return _ILLEGAL.sub("\ufffd", value)[:MAX_CELL_CHARS]


def _cells(sheet: Any, values: list) -> list:
    """A row for `sheet.append`: text openpyxl would take for a formula ("=…") or an error code
    ("#N/A") becomes a cell typed as text; other values go as they are."""
    return [_text_cell(sheet, value) if isinstance(value, str) and value[:1] in ("=", "#") else value
            for value in values]


def _text_cell(sheet: Any, value: str) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=_text(value))
    cell.data_type = "s"
    return cell


def _bold(sheet: Any, value: str) -> Any:
    from openpyxl.styles import Font

    cell = _text_cell(sheet, value)
    cell.font = Font(bold=True)
    return cell


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)
