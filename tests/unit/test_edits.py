"""Edits fitted to the reply (lint.edits.tidy) and resolved once (lint.fix.resolve)."""
from __future__ import annotations

import pytest

from cslint.edits import tidy
from cslint.fix import apply_edits, resolve_edits
from cslint.model import Applicability


def applied(text: str, start: int, end: int, replacement: str) -> str:
    return apply_edits(text, [tidy(text, start, end, replacement)])


@pytest.mark.parametrize("text, span, replacement, expected", [
    ("这个我不知道", (3, 6), "我帮您查询", "这个我帮您查询"),  # 我 not doubled
    ("包裹已妥投", (3, 5), "已签收", "包裹已签收"),
    ("您把身份证照片发一下", (0, 0), "请您", "请您把身份证照片发一下"),
    ("你把订单号发我一下", (0, 0), "请您", "请您把订单号发我一下"),  # not 请您你把
    ("什么？您要退哪一单？", (0, 2), "麻烦您再说一遍好吗？", "麻烦您再说一遍好吗？您要退哪一单？"),  # no ？？
    ("这个这个，您稍等", (0, 4), "", "您稍等"),  # a deleted filler takes its comma
    ("好的，这个这个", (3, 7), "", "好的"),
    ("喂，您好，请问是王女士吗", (0, 1), "您好", "您好，请问是王女士吗"),  # no second greeting
    ("谢谢", (0, 0), "谢", "谢谢谢"),  # 谢谢 is a word: the rule of doubled characters leaves it
])
def test_tidy(text, span, replacement, expected):
    assert applied(text, *span, replacement) == expected


def test_one_resolution_for_every_surface(checker):
    text = "我要下班了，你明天再来问吧"
    result = checker.check(text)
    edits = resolve_edits(text, result.diagnostics, Applicability.DISPLAY)
    out = apply_edits(text, edits)
    assert out.count("请您稍等") == 1  # the same rewrite is never written twice
    assert not any(a[1] > b[0] for a, b in zip(edits, edits[1:]))  # sorted, no overlap
    # fixes alone: what --fix, 全部修正 and `fixed` apply
    assert result.fixed == apply_edits(text, resolve_edits(text, result.diagnostics, Applicability.SAFE))


def test_traditional_drafts_get_traditional_messages_and_rewrites(checker):
    (diag,) = [d for d in checker.check("這個我不知道，請稍等").diagnostics if d.rule_id == "declares-ignorance"]
    assert "請勿" in diag.message and "请勿" not in diag.message
    assert diag.suggestions[0].text.startswith("我幫您查詢") and diag.suggestions[0].kind == "proposal"
    assert (diag.suggestions[0].start, diag.suggestions[0].end) == (0, 6)  # the clause 這個我不知道
