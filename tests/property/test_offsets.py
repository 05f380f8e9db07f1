"""Property tests: every diagnostic points into the caller's original text, whatever the input.

Texts are built from a pool of pieces: phrases the packs flag, innocent look-alikes, the same in
Traditional (OpenCC s2t / s2tw), noise between the characters of a phrase (spaces, zero-width
characters, `*`, `.`), emoji (astral, skin tones, ZWJ sequences, flags), full-width Latin,
control characters, line breaks, lone surrogates, and arbitrary Unicode from hypothesis.
"""
from __future__ import annotations

import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cslint.model import CHANNELS, POSITIONS, Category
from cslint.normalize import NOISE_RE, fold, normalize

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from opencc import OpenCC

SETTINGS = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

FLAGGED = [
    "不知道", "不清楚", "应该是", "应该可以", "好像是", "你好", "你的", "帮你", "你", "妳",
    "工单", "回访", "揽收", "妥投", "SKU", "sku", "policy", "风控", "二次鉴权", "喂", "喂喂",
    "这个这个", "那个那个", "就是说", "木有", "酱紫", "一塌糊涂", "难道", "吗", "难道您没收到短信吗",
    "不归我们部门管", "我也没办法", "你自己看", "刚才不是跟你说了吗", "你没看到公告吗",
    "这么简单的操作都不会", "着什么急", "懂不懂", "到底要不要", "随便你找哪个", "不可能", "什么？",
    "套外流量", "VoLTE", "色牢度", "克重",
]
INNOCENT = [
    "您好", "亲，您好", "请您稍等", "这是我应该做的", "有什么可以帮您", "什么时候", "为什么",
    "喂养", "喂奶", "工单（处理记录）", "克重(每平方米的重量)", "也就是说", "Skullcandy", "Beta",
    "不知道您是否方便", "您可能不知道", "你们", "迷你", "“你们怎么回事”", "「你我贷」", "谢谢",
    "祝您生活愉快", "再见", "很抱歉", "无法", "不支持", "提供", "麻烦您", "请", "尊敬的客户：",
    "此致\n敬礼\n客服中心", "小妹", "哦", "呢", "订单", "退款", "好像新的一样",
]
_S2T, _S2TW = OpenCC("s2t"), OpenCC("s2tw")
TRADITIONAL = sorted({conv.convert(p) for conv in (_S2T, _S2TW) for p in FLAGGED + INNOCENT})
PUNCT = ["，", "。", "？", "?", "！", "!", ",", ".", "、", "；", "：", "“", "”", "\"", "「", "」",
         "（", "）", "(", ")", "~", "～", "…", "……", "...", "-", "—", "【", "】"]
EMOJI = ["😅", "🐱", "👍🏽", "😊", "🇨🇳", "👨\u200d👩\u200d👧", "❤\ufe0f", "#E-s", "[微笑]"]
FULL_WIDTH = ["ＳＫＵ", "Ｓｋｕ", "ＰＯＬＩＣＹ", "ｐｏｌｉｃｙ", "１２３", "Ａ", "！", "？", "　"]
CONTROL = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9f", "\u2028", "\u2029", "\u200e", "\u202e",
           "\ufeff", "\u00ad", "\ufffd", "\ufe0f"]
BREAKS = ["\n", "\r\n", "\r", "\n\n", "\t"]
NOISE = [" ", "  ", "\u200b", "\u200c", "\u200d", "\u2060", "*", ".", "·", "\u3000", "\u00a0", "\t"]

lone_surrogates = st.integers(0xD800, 0xDFFF).map(chr)


@st.composite
def noisy(draw, phrases=FLAGGED + TRADITIONAL):
    """A phrase with noise (maybe none) between its characters: 不 知 道, 不*知*道, 不\u200b知道."""
    phrase = draw(st.sampled_from(phrases))
    out = [phrase[0]] if phrase else []
    for ch in phrase[1:]:
        out.append(draw(st.sampled_from(["", ""] + NOISE)))
        out.append(ch)
    return "".join(out)


pieces = st.one_of(
    st.sampled_from(FLAGGED),
    st.sampled_from(INNOCENT),
    st.sampled_from(TRADITIONAL),
    noisy(),
    st.sampled_from(PUNCT),
    st.sampled_from(EMOJI),
    st.sampled_from(FULL_WIDTH),
    st.sampled_from(CONTROL),
    st.sampled_from(BREAKS),
    st.sampled_from(NOISE),
    lone_surrogates,
    st.text(max_size=6),
)
replies = st.lists(pieces, max_size=14).map("".join)
any_text = st.one_of(replies, st.text(max_size=40), st.lists(
    st.one_of(st.characters(), lone_surrogates), max_size=30).map("".join))


def assert_well_formed(text: str, result) -> None:
    assert result.text == text
    assert isinstance(result.fixed, str)
    for d in result.diagnostics:
        assert 0 <= d.start <= d.end <= len(text), d
        assert text[d.start:d.end] == d.text, d
        if d.category is not Category.COURTESY:
            assert d.start < d.end, d  # only a missing courtesy phrase has an empty span
        for suggestion in d.suggestions:
            assert isinstance(suggestion.text, str)
    if not any(d.safe for d in result.diagnostics):
        assert result.fixed == text  # only safe rewrites are applied


@SETTINGS
@given(text=replies, channel=st.sampled_from(CHANNELS), position=st.sampled_from(POSITIONS))
def test_spans_index_the_original_text(domain_checker, text, channel, position):
    assert_well_formed(text, domain_checker.check(text, channel=channel, position=position))


@SETTINGS
@given(text=any_text, channel=st.sampled_from(CHANNELS), position=st.sampled_from(POSITIONS))
def test_arbitrary_unicode_never_breaks_the_checker(checker, text, channel, position):
    assert_well_formed(text, checker.check(text, channel=channel, position=position))


@SETTINGS
@given(text=replies)
def test_the_fixed_text_is_checked_without_error(checker, text):
    """Re-checking the rewritten reply must work too (fixes insert text next to odd characters)."""
    fixed = checker.check(text).fixed
    assert_well_formed(fixed, checker.check(fixed))


# --- noise inside a phrase still matches, and the span covers the noise ------------------------

gap = st.lists(st.sampled_from(NOISE), min_size=1, max_size=3).map("".join)


@SETTINGS
@given(
    prefix=st.sampled_from(["", "这个我", "这个小妹也", "物流的事我", "抱歉，我真的", "😅我也", "這個我也", "ＯＫ，我"]),
    gaps=st.tuples(st.one_of(gap, st.just("")), gap),
    suffix=st.sampled_from(["", "。", "呢", "呀😅", "，抱歉", "\n", "!", " "]),
)
def test_noise_inside_buzhidao_is_still_forbidden(checker, prefix, gaps, suffix):
    text = prefix + "不" + gaps[0] + "知" + gaps[1] + "道" + suffix
    start, end = len(prefix), len(text) - len(suffix)
    forbidden = [(d.start, d.end) for d in checker.check(text).diagnostics
                 if d.category is Category.FORBIDDEN]
    assert (start, end) in forbidden, (text, forbidden)


@pytest.mark.parametrize("spelled", ["不 知 道", "不*知*道", "不.知.道", "不\u200b知\u200b道",
                                     "不 * 知\u200b道", "不\u3000知\u00a0道", "不知\u2060道"])
def test_spelled_out_buzhidao_spans_from_bu_to_dao(checker, spelled):
    text = "这个我也" + spelled + "呢"
    (diag,) = [d for d in checker.check(text).diagnostics if d.category is Category.FORBIDDEN]
    assert (diag.start, diag.end) == (4, 4 + len(spelled))
    assert diag.text == spelled


# --- the normalisation's own invariants -----------------------------------------------------------

def without_noise(text: str, folded: str) -> str:
    """`text` less the characters that are noise once folded (full-width ～ is noise as ~ is). The
    compact view is the fold of this, not the folded text less its noise: 覆 蓋 compacts to 覆盖,
    while 覆 alone folds to 复."""
    return "".join(ch for ch, seen in zip(text, folded) if not NOISE_RE.fullmatch(seen))


@pytest.mark.parametrize("text", ["覆 盖", "覆 蓋", "覆\u200b蓋", "憑 藉"])
def test_phrase_fix_ups_apply_across_noise(text):
    nt = normalize(text)
    assert nt.compact == fold(without_noise(text, nt.folded))

@SETTINGS
@given(text=any_text)
def test_fold_is_length_preserving_and_compact_maps_back(text):
    nt = normalize(text)
    assert len(nt.folded) == len(text)
    assert nt.folded == fold(text)
    assert nt.compact == fold(without_noise(text, nt.folded))
    previous = -1
    for i, ch in enumerate(nt.compact):
        start, end = nt.compact_span_to_original(i, i + 1)
        assert end == start + 1
        assert start > previous  # strictly increasing: the map keeps order
        assert nt.folded[start] == ch  # (fold of one character alone may differ: 憑藉 -> 凭借)
        previous = start
    for i in range(len(nt.compact) + 1):  # empty spans land inside the text
        start, end = nt.compact_span_to_original(i, i)
        assert start == end and 0 <= start <= len(text)


@SETTINGS
@given(text=replies, data=st.data())
def test_compact_spans_map_to_original_spans_with_the_noise_kept(text, data):
    nt = normalize(text)
    if not nt.compact:
        return
    i = data.draw(st.integers(0, len(nt.compact) - 1))
    j = data.draw(st.integers(i + 1, len(nt.compact)))
    start, end = nt.compact_span_to_original(i, j)
    assert start == nt.compact_span_to_original(i, i + 1)[0]
    assert end == nt.compact_span_to_original(j - 1, j)[1]
    # the span holds those characters and noise only (compared folded as a whole: a phrase fix-up
    # such as 覆蓋 -> 覆盖 looks at its neighbours, across noise too)
    assert nt.compact[i:j] == fold(without_noise(text, nt.folded))[i:j]
    assert len(without_noise(text[start:end], nt.folded[start:end])) == j - i
