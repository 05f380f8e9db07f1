from __future__ import annotations

from cslint.normalize import detect_script, fold, normalize, to_script


def test_fold_is_length_preserving_and_folds_script_width_and_case():
    text = "這個ＳＫＵ　Ｈｅｌｌｏ！應該"
    assert fold(text) == "这个sku hello!应该"
    assert len(fold(text)) == len(text)


def test_compact_view_drops_noise_and_maps_back():
    text = "不 *知\u200b.道，好"
    nt = normalize(text)
    assert nt.compact == "不知道,好"  # full-width comma folded, kept
    assert nt.compact_span_to_original(0, 3) == (0, 7)
    assert text[slice(*nt.compact_span_to_original(4, 5))] == "好"


def test_clause_punctuation_is_not_noise():
    assert normalize("不，知道").compact == "不,知道"


def test_detect_script():
    assert detect_script("您好，我帮您查询一下") == "simplified"
    assert detect_script("您好，我幫您查詢一下") == "traditional-tw"
    assert detect_script("唔好意思，呢個訂單已經取消咗") == "traditional-hk"
    assert detect_script("您好") == "simplified"  # shared characters say nothing


def test_suggestions_go_back_to_the_agents_script():
    assert to_script("我帮您查询一下", "traditional-tw") == "我幫您查詢一下"
    assert to_script("我帮您查询一下", "simplified") == "我帮您查询一下"


def test_gb2312_shortcut_knows_every_traditional_form_gb2312_holds():
    """detect_script's fast path trusts GB2312 except for the listed shared characters."""
    from cslint.normalize import _GB2312_TRADITIONAL, t2s_chars

    def in_gb2312(char: str) -> bool:
        try:
            char.encode("gb2312")
        except UnicodeEncodeError:
            return False
        return True

    shared = [c for c in t2s_chars() if in_gb2312(c)]
    assert shared and all(_GB2312_TRADITIONAL.search(c) for c in shared)
    assert detect_script("我稍後回覆您") == "traditional-tw"  # only shared Traditional forms
