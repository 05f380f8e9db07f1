"""Every output file of a scan: its name, its columns (or fields) and how it is written.

    findings.jsonl      one finding a line (FINDING_FIELDS; disputed ones add DISPUTE_FIELDS)
    conversations.csv   CONVERSATION_COLUMNS, UTF-8 with a byte-order mark
    agents.csv          AGENT_COLUMNS, UTF-8 with a byte-order mark
    errors.jsonl        one bad row a line (ERROR_FIELDS)
    summary.json        the aggregates (see lint/scan/report.py for its shape)
    report.html         the page (lint/scan/report.py)
    report.xlsx         with --excel: these tables as sheets (lint/scan/workbook.py, same columns)

Rows are rendered here only: JSONL lines by orjson (compact, UTF-8, one object a line), CSV rows
by the csv module (Excel's dialect, "\\n" line ends). A partition renders its own findings,
conversations and errors (see lint/scan/part.py); the merge writes them after a header and the
CSV byte-order mark, which are written here, once. The CSV outputs carry the mark because Excel
and WPS on a Chinese desktop otherwise read them as GBK.
"""
from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Sequence

import orjson

from ..model import Category

CATEGORIES = tuple(c.value for c in Category)

FINDINGS = "findings.jsonl"
CONVERSATIONS = "conversations.csv"
AGENTS = "agents.csv"
ERRORS = "errors.jsonl"
SUMMARY = "summary.json"
REPORT = "report.html"
WORKBOOK = "report.xlsx"
OUTPUTS = (FINDINGS, CONVERSATIONS, AGENTS, ERRORS, SUMMARY, REPORT)  # what every scan writes

FINDING_FIELDS = ("id", "conversation", "turn", "agent", "position", "rule", "category", "severity", "start", "end",
                  "phrase", "context", "suggestion", "message", "source")
DISPUTE_FIELDS = ("disputed", "dispute_reason")  # added to a disputed finding's line
ERROR_FIELDS = ("where", "reason")
CONVERSATION_COLUMNS = ("conversation", "source", "agents", "turns", "agent_turns", "findings", *CATEGORIES,
                        "score", "date")
AGENT_COLUMNS = ("agent", "conversations", "turns", "findings", "per_100_turns", *CATEGORIES, "score")
RULE_COLUMNS = ("rule", "category", "message", "count")  # summary.json's by_rule as a table (the workbook's rules sheet)

BOM = "\ufeff"
BOM_BYTES = BOM.encode("utf-8")
CSV_OUTPUTS = frozenset({CONVERSATIONS, AGENTS})  # written with the byte-order mark


# --- rendering ------------------------------------------------------------------------------------

def jsonl_line(record: dict) -> bytes:
    """One JSONL line (newline included). orjson refuses what JSON cannot carry as UTF-8 (a lone
    surrogate) and integers past 64 bits; those few go through the json module instead."""
    try:
        return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)
    except TypeError:
        return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8", "replace")


def jsonl_lines(records: Iterable[dict]) -> bytes:
    return b"".join([jsonl_line(r) for r in records])


def csv_rows(rows: Iterable[Sequence[Any]]) -> bytes:
    """CSV rows (no header) as UTF-8 bytes, in the outputs' dialect."""
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    return text.getvalue().encode("utf-8", "replace")


def csv_header(columns: Sequence[str]) -> bytes:
    return csv_rows([columns])


def read_csv_rows(data: bytes, columns: Sequence[str]) -> list[dict[str, str]]:
    """Rows as `csv_rows` rendered them, read back as dicts keyed by `columns`."""
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""), fieldnames=columns))


# --- writing --------------------------------------------------------------------------------------

class Output:
    """An output file written to NAME.tmp and renamed into place once complete (never half
    written under its name). A CSV output starts with its byte-order mark and header."""

    def __init__(self, out_dir: Path, name: str, columns: Sequence[str] = ()) -> None:
        self.path = out_dir / name
        self.temporary = self.path.with_name(name + ".tmp")
        self.opening = (BOM_BYTES + csv_header(columns)) if name in CSV_OUTPUTS else b""

    def __enter__(self) -> BinaryIO:
        self.handle = open(self.temporary, "wb")
        self.handle.write(self.opening)
        return self.handle

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.handle.flush()
            os.fsync(self.handle.fileno())
        self.handle.close()
        if kind is None:
            os.replace(self.temporary, self.path)


def write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def write_summary(out_dir: Path, summary: dict) -> None:
    write_atomically(out_dir / SUMMARY, json.dumps(summary, ensure_ascii=False, indent=1).encode("utf-8", "replace"))


def write_report(out_dir: Path, summary: dict) -> None:
    from .report import render_report

    write_atomically(out_dir / REPORT, render_report(summary).encode("utf-8"))


def write_agents(out_dir: Path, rows: Sequence[dict]) -> None:
    with Output(out_dir, AGENTS, AGENT_COLUMNS) as handle:
        handle.write(csv_rows([[row[c] for c in AGENT_COLUMNS] for row in rows]))
