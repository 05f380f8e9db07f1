"""Scoring rules of `cslint eval`, on labelled lines written here."""
from __future__ import annotations

import json

import pytest

from lint.evaluate import evaluate


def write(tmp_path, rows):
    path = tmp_path / "labelled.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return path


def test_overlap_counts_and_misses_and_false_positives(tmp_path, checker):
    path = write(tmp_path, [
        # found: 你的 overlaps the diagnostic
        {"id": "a", "text": "你的快递到了", "expect": [{"category": "honorific", "phrase": "你的"}]},
        # a false positive: the label says nothing about 不知道
        {"id": "b", "text": "这个我不知道", "expect": []},
        # a miss: nothing flags 好的 as filler
        {"id": "c", "text": "好的", "expect": [{"category": "filler", "phrase": "好的"}]},
    ])
    report = evaluate(checker, path)
    honorific, forbidden, filler = (report.by_category[c] for c in ("honorific", "forbidden", "filler"))
    assert (honorific.tp, honorific.found, honorific.precision, honorific.recall) == (1, 1, 1.0, 1.0)
    assert (forbidden.fp, forbidden.precision) == (1, 0.0)
    assert (filler.missed, filler.recall) == (1, 0.0)
    assert [e["id"] for e in report.errors] == ["b", "c"]


def test_courtesy_items_match_one_to_one(tmp_path, checker):
    path = write(tmp_path, [{
        "id": "mail", "text": "退款已处理。", "channel": "email", "position": "single",
        "expect": [{"category": "courtesy", "phrase": ""}] * 3,
    }])
    courtesy = evaluate(checker, path).by_category["courtesy"]
    assert (courtesy.tp, courtesy.found, courtesy.missed) == (2, 2, 1)  # two diagnostics, three items


@pytest.mark.parametrize("line", ['{"text": 3}', '{"text": "x", "expect": ["forbidden"]}', "not json",
                                  '{"text": "x", "channel": "fax"}'])
def test_malformed_lines_name_file_and_line(tmp_path, checker, line):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "好的"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.jsonl:2: not a labelled reply"):
        evaluate(checker, path)
