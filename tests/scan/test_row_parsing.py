"""Rows are read by orjson straight from their bytes; whatever it refuses or could read inexactly
goes through the json module, so every line gives the row (or the bad-row reason) json gives."""
from __future__ import annotations

import json

import pytest

from cslint.scan.inputs import BadRow, ColumnMap, Row, parse_jsonl_line
from test_scan import scan


def parsed(line: bytes, encoding: str = "utf-8"):
    return parse_jsonl_line(line, "t.jsonl", 3, ColumnMap(), encoding)


def test_a_plain_row():
    row = parsed('{"dialogue": "d1", "turn": 2, "role": "客服", "agent_id": 7, "text": "您好", "time": 1709280000}\n'.encode())
    assert row == Row("d1", 2, "agent", "7", "您好", 1709280000, 3) and row.date == "2024-03-01"


@pytest.mark.parametrize("line, conversation, turn", [
    (b'{"dialogue": 123456789012345678901234567890, "role": "agent", "text": "x"}', "123456789012345678901234567890", None),
    (b'{"dialogue": 123456789012345678901234567891, "role": "agent", "text": "x"}', "123456789012345678901234567891", None),
    (b'{"dialogue": "d", "turn": 99999999999999999999999, "role": "agent", "text": "x"}', "d", None),
    (b'{"dialogue": 1.5, "turn": 2.0, "role": "agent", "text": "x"}', "1.5", 2),
    (b'{"dialogue": "d", "turn": NaN, "role": "agent", "text": "x"}', "d", None),
])
def test_numbers_are_read_exactly(line, conversation, turn):
    """orjson reads integers past 64 bits as floats: such ids are read again, by json."""
    row = parsed(line)
    assert isinstance(row, Row) and (row.conversation, row.turn) == (conversation, turn)


@pytest.mark.parametrize("line, reason", [
    (b'{"dialogue": "d", "role": "agent", "text": "\\ud800 half"}', "lone surrogate"),
    (b'{"dialogue": "d", "role": "agent", "text": "ok", ', "broken JSON"),
    (b'{"dialogue": "d", "role": "agent", "text": "\xff"}', "undecodable"),
    (b'[1, 2]', "a row is a JSON object"),
    (b'{"dialogue": "d", "role": "visitor?", "text": "x"}', "unknown role"),
    (b'{"a": ' * 5000 + b'1' + b'}' * 5000, "broken JSON"),
])
def test_bad_rows(line, reason):
    row = parsed(line)
    assert isinstance(row, BadRow) and row.where == "t.jsonl:3" and reason in row.reason, row


def test_a_bom_and_other_encodings():
    assert parsed('\ufeff{"role": "agent", "text": "您好"}'.encode()).text == "您好"
    assert parsed('{"role": "agent", "text": "您好"}'.encode("gb18030"), "gb18030").text == "您好"
    assert parsed(b"  \n") is None


def test_a_lone_surrogate_is_a_bad_row_not_a_crash(tmp_path):
    """It cannot be written as UTF-8: the scan used to stop on it with a traceback."""
    source = tmp_path / "t.jsonl"
    source.write_text('{"dialogue": "d1", "role": "customer", "text": "hi \\ud800"}\n'
                      '{"dialogue": "d1", "role": "agent", "text": "这个我不知道 \\udc00"}\n'
                      '{"dialogue": "d1", "role": "agent", "text": "这个我不知道"}\n', encoding="utf-8")
    summary = scan([source], tmp_path / "out").summary
    errors = [json.loads(line) for line in (tmp_path / "out" / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [e["where"] for e in errors] == [f"{source}:1", f"{source}:2"]
    assert summary["totals"]["agent_turns"] == 1 and summary["totals"]["findings"] >= 1
