"""The engine end to end through Checker.check, one behaviour per test."""
from __future__ import annotations

import pytest

from cslint.checker import Checker
from cslint.errors import InputError
from cslint.selection import Selection


def flagged(checker: Checker, text: str, **kw) -> list[tuple[str, str]]:
    return [(d.rule_id, d.text) for d in checker.check(text, **kw).diagnostics]


def test_innocent_uses_are_not_flagged(checker):
    for text in ["亲，您好，有什么可以帮您？", "这款奶瓶喂养很方便", "这是我们应该做的",
                 "不知道您是否方便接电话呢？", "也就是说您可以直接拒收", "这款迷你音箱有货"]:
        assert flagged(checker, text) == [], text


def test_offsets_point_into_the_original_text_through_noise(checker):
    text = "😅这个我也不 * 知\u200b道呢"
    (diag,) = [d for d in checker.check(text).diagnostics if d.rule_id == "declares-ignorance"]
    assert text[diag.start:diag.end] == diag.text == "不 * 知\u200b道"


def test_full_width_and_case_folding_for_latin_jargon(checker):
    assert flagged(checker, "该ＳＫＵ已下架") == [("jargon-logistics", "ＳＫＵ")]
    assert flagged(checker, "该sku已下架") == [("jargon-logistics", "sku")]
    assert flagged(checker, "Skullcandy 有货，Beta 版也可以用") == []


def test_traditional_input_gets_traditional_suggestions(checker):
    result = checker.check("這不歸我管，你的問題找別人")
    assert result.script.startswith("traditional")
    by_rule = {d.rule_id: d for d in result.diagnostics}
    assert by_rule["refuses-ownership"].text == "不歸我管"
    assert "幫您" in by_rule["refuses-ownership"].suggestions[0].text
    assert by_rule["ni-instead-of-nin"].suggestions[0].text == "您的"


def test_fix_applies_only_safe_rewrites(checker):
    result = checker.check("你好，你的快递木有问题，应该明天到")
    assert result.fixed == "您好，您的快递没有问题，应该明天到"


def test_quoted_customer_words_are_not_flagged(checker):
    assert flagged(checker, "您说的“你们怎么不发货”我们已经反馈") == []
    assert flagged(checker, "您提到「不可能收到两次」，我们核实一下") == []


def test_jargon_followed_by_an_explanation_is_fine(checker):
    assert flagged(checker, "已提交工单（处理记录）") == []
    assert flagged(checker, "已提交工单") == [("jargon-ticket", "工单")]


def test_required_rules_depend_on_position_and_channel(checker):
    assert flagged(checker, "好的，已处理。", position="middle") == []
    assert flagged(checker, "好的，已处理。", position="closing") == [("missing-closing", "")]
    both = {r for r, _ in flagged(checker, "好的，已处理。", position="single")}
    assert both == {"missing-greeting", "missing-closing"}
    email = {r for r, _ in flagged(checker, "退款已处理。", channel="email", position="single")}
    assert email == {"email-missing-salutation", "email-missing-signoff"}


def test_missing_courtesy_points_at_where_it_belongs(checker):
    result = checker.check("您好，这款商品无法退换")
    (diag,) = result.diagnostics
    assert (diag.rule_id, diag.start, diag.end) == ("refusal-without-apology", 3, 3)
    assert result.fixed == "您好，很抱歉，这款商品无法退换"


def test_empty_and_whitespace_text_is_clean(checker):
    for text in ["", "   \n"]:
        result = checker.check(text)
        assert result.diagnostics == () and result.fixed == text


def test_text_over_the_limit_is_a_clear_error():
    small = Checker.from_packs(max_chars=10)
    with pytest.raises(InputError, match="limit is 10"):
        small.check("你" * 11)


def test_bad_channel_or_position(checker):
    with pytest.raises(InputError, match="channel"):
        checker.check("x", channel="phone")
    with pytest.raises(InputError, match="position"):
        checker.check("x", position="end")


def test_selection_of_rules_and_categories(checker):
    text = "你不知道吗"
    everything = {r for r, _ in flagged(checker, text)}
    assert {"ni-instead-of-nin", "declares-ignorance"} <= everything
    no_honorific = Selection.of(disabled_categories=["honorific"])
    assert "ni-instead-of-nin" not in {r for r, _ in flagged(checker, text, selection=no_honorific)}
    only = Selection.of(enabled_rules=["declares-ignorance"], enabled_only=True)
    assert {r for r, _ in flagged(checker, text, selection=only)} == {"declares-ignorance"}


def test_control_characters_emoji_and_mixed_scripts_keep_offsets(checker):
    text = "\x00\x07👍🏽你好\ud800，這個這個 SKU…不知道\x1b"
    for diag in checker.check(text).diagnostics:
        assert text[diag.start:diag.end] == diag.text


def test_pattern_rule_with_gap(checker):
    assert flagged(checker, "难道您没收到我们的短信吗") == [("rhetorical-nandao", "难道您没收到我们的短信吗")]
    # a gap never crosses clause punctuation
    assert flagged(checker, "难道是系统问题，我帮您查一下吗") == []


def test_jieba_boundary_for_wei(checker):
    assert flagged(checker, "喂，在吗") == [("wei-as-greeting", "喂")]
    assert flagged(checker, "喂养时请注意") == []


def test_check_many_gives_what_check_gives(checker):
    texts = ["你好，这个我不知道", "亲，您好，有什么可以帮您？", "", "  ", "這個我不 知 道呢😅", "您提供一下订单号"]
    assert checker.check_many(texts) == [checker.check(t) for t in texts]
    assert checker.check_many(texts, "email", "closing") == [checker.check(t, "email", "closing") for t in texts]
    mixed = [("你好", "chat", "opening"), "不知道", ("谢谢，再见", "email", "single")]
    assert checker.check_many(mixed) == [checker.check("你好", "chat", "opening"), checker.check("不知道"),
                                         checker.check("谢谢，再见", "email", "single")]
    assert checker.check_many([]) == []


def test_check_many_refuses_what_check_refuses(checker):
    with pytest.raises(InputError, match="channel"):
        checker.check_many(["你好"], channel="fax")
    with pytest.raises(InputError, match="position"):
        checker.check_many(["你好", ("你好", "chat", "first")])
    with pytest.raises(InputError, match="string"):
        checker.check_many(["你好", 3])


def test_clause_rewrite_fills_before_and_after_with_the_clause_words():
    checker = Checker.from_packs(["default"])
    (diag,) = checker.check("您好，订单应该明天到，请留意。").diagnostics
    assert [(s.text, s.start, s.end) for s in diag.suggestions] == [("经核实，订单明天到", 3, 10)]
    (diag,) = checker.check("这个好像已经发货了").diagnostics
    assert [(s.text, s.start, s.end) for s in diag.suggestions] == [("经核实，这个已经发货了", 0, 9)]
