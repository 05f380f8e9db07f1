"""A turn over the engine's text limit is a bad row, and the rest of its conversation is still
checked as one conversation: positions and "the customer said this jargon first" stay."""
from __future__ import annotations

import json
from pathlib import Path

from cslint.scan import ScanOptions, run_scan


def write(path: Path, turns: list[tuple[str, str]]) -> Path:
    rows = [{"dialogue": "d1", "turn": i, "role": role, "agent_id": "A1" if role == "agent" else "", "text": text}
            for i, (role, text) in enumerate(turns)]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_an_over_limit_turn_keeps_the_conversation_context(tmp_path):
    source = write(tmp_path / "t.jsonl", [
        ("customer", "我的工单怎么还没处理"),
        ("agent", "您好，您的工单正在处理"),  # the customer said 工单 first: not jargon here
        ("agent", "您" * 20_001),  # over the 20,000-character limit
        ("agent", "工单处理好了，感谢您的耐心等待，再见"),  # the closing turn, still with the customer's word
    ])
    outcome = run_scan([str(source)], tmp_path / "out", ScanOptions(), workers=1)
    errors = [json.loads(line) for line in (tmp_path / "out" / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(errors) == 1 and errors[0]["where"].endswith("t.jsonl:3") and "20000" in errors[0]["reason"]
    findings = [json.loads(line) for line in (tmp_path / "out" / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    assert not [f for f in findings if f["category"] == "jargon"], findings  # the customer's word, twice
    assert not [f for f in findings if f["rule"] == "missing-closing"]  # turn 3 is still the closing
    assert outcome.summary["totals"]["agent_turns"] == 2
