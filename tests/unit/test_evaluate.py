"""Scoring rules of `cslint eval`, on labelled lines written here."""
from __future__ import annotations

import json

import pytest

from cslint.evaluate import evaluate


def write(tmp_path, rows, name: str = "labelled.jsonl"):
    path = tmp_path / name
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


def test_per_rule_and_per_element_counts(tmp_path, checker):
    path = write(tmp_path, [
        # a missing greeting labelled by element, a false closing claim: 谢谢 is a closing
        {"id": "g", "text": "在的，订单已发货", "position": "opening",
         "expect": [{"category": "courtesy", "element": "greeting"}]},
        {"id": "c", "text": "好的，谢谢", "position": "closing", "expect": [{"category": "courtesy", "element": "closing"}]},
        {"id": "n", "text": "你的订单到了", "expect": [{"category": "honorific", "start": 0, "end": 1}]},
    ])
    report = evaluate(checker, path)
    greeting, closing = report.by_element["greeting"], report.by_element["closing"]
    assert (greeting.tp, greeting.found, greeting.missed) == (1, 1, 0)
    assert (closing.tp, closing.fp, closing.found, closing.missed) == (0, 0, 0, 1)
    assert report.by_rule["missing-greeting"].tp == 1
    assert report.by_rule["missing-closing"].missed == 1  # the element's rule is blamed for the miss
    assert report.by_rule["ni-instead-of-nin"].tp == 1
    assert (report.replies, report.flagged_replies) == (3, 2)


def test_labels_by_reference_are_joined_from_the_corpus_and_checked_in_their_dialogue(tmp_path, checker):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    turns = [("customer", "我的工单怎么还没处理"), ("agent", "您好，您的工单正在处理，感谢您的耐心等待"),
             ("customer", "有没有现货？"), ("agent", "暂时没有现货哦，感谢理解")]
    (corpus / "chats.jsonl").write_text("\n".join(json.dumps(
        {"id": f"d1-{i}", "dialogue": "d1", "turn": i, "role": role, "text": text}, ensure_ascii=False)
        for i, (role, text) in enumerate(turns)) + "\n", encoding="utf-8")
    path = write(tmp_path, [
        {"meta": {"what": "a test"}},
        # jargon the customer used first and a refusal answering 有没有 are not findings in the dialogue
        {"id": "d1-1", "file": "chats.jsonl", "position": "opening", "expect": []},
        {"id": "d1-3", "file": "chats.jsonl", "position": "closing", "expect": []},
    ])
    report = evaluate(checker, path, corpus)
    assert report.replies == 2 and report.errors == []
    alone = write(tmp_path, [{"id": "x", "text": "暂时没有现货哦，感谢理解", "position": "closing", "expect": []}],
                  "alone.jsonl")
    assert evaluate(checker, alone).by_rule["refusal-without-apology"].fp == 1  # without the question, it is one
    with pytest.raises(ValueError, match="--corpus"):
        evaluate(checker, path)


@pytest.mark.parametrize("item", ['{"category": "honorific", "start": 5, "end": 2}',
                                  '{"category": "tone", "element": "closing"}',
                                  '{"category": "honorific", "phrase": "不在文中"}'])
def test_bad_labels_name_file_and_line(tmp_path, checker, item):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "好的"}\n{"text": "你好", "expect": [' + item + ']}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.jsonl:2: not a labelled reply"):
        evaluate(checker, path)
