"""Template placeholders are opaque: never flagged, never joining the words around them, and the
offsets of everything else still point into the original text."""
from __future__ import annotations

import pytest

from cslint.normalize import PLACEHOLDER, mask_placeholders


@pytest.mark.parametrize("placeholder", ["[订单x]", "[数字x]", "[PHONE]", "{name}", "{{ticket.requester.name}}",
                                         "${amount}", "%s", "%(name)s", "【客户姓名】"])
def test_each_kind_of_placeholder_is_masked_whole(placeholder):
    masked = mask_placeholders(f"您好{placeholder}先生")
    assert masked == "您好" + PLACEHOLDER * len(placeholder) + "先生"


@pytest.mark.parametrize("text", ["您好，不[数字x]知道具体时间", "您好，{{sku}}已经发货", "您好，【工单编号】已登记",
                                  "您好，您的${SKU}已经出库", "您好，[姓名x]的订单已处理"])
def test_nothing_inside_or_across_a_placeholder_is_flagged(checker, text):
    assert checker.check(text, "chat", "middle").diagnostics == ()


def test_findings_around_a_placeholder_keep_their_offsets(checker):
    text = "[姓名x]你好，{{order_id}}这个我不知道"
    found = {d.rule_id: d for d in checker.check(text, "chat", "middle").diagnostics}
    assert text[found["ni-instead-of-nin"].start:found["ni-instead-of-nin"].end] == "你好"
    assert text[found["declares-ignorance"].start:found["declares-ignorance"].end] == "不知道"


def test_a_weibo_emoji_code_is_not_a_placeholder():
    assert mask_placeholders("好的[微笑]") == "好的[微笑]"
