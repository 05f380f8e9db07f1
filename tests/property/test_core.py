"""The compiled core (lint/_core.c) gives exactly what the pure-Python reference gives.

Both paths run in this process: `normalize_pure` and `Matcher.scan_python` are the reference,
`Checker(compiled=False)` runs the whole engine on them. Inputs mix Simplified and Traditional
phrases, noise inside phrases, emoji and other astral characters, full-width Latin, placeholders,
the characters that have a phrase fix-up (覆 瞭 藉 俱 鍊), clause punctuation and arbitrary Unicode.
Where the core was not built these tests are skipped; the last ones check that the pure path runs
then (and with CSLINT_PURE=1), in a child process.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cslint import normalize as norm
from cslint.checker import Checker
from cslint.kinds.matching import positioned
from cslint.context import CheckContext
from cslint.matcher import STOPS, VISITING_ROLES, make_automaton
from cslint.model import CHANNELS, POSITIONS
from cslint.sequence import SLOTTED, Sequence, complete

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from opencc import OpenCC

ROOT = Path(__file__).resolve().parents[2]
compiled_only = pytest.mark.skipif(not norm.COMPILED, reason="the compiled core was not built here")
SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

PHRASES = [
    "不知道", "不清楚", "应该是", "你好", "你的", "您好", "请您稍等", "为您提供", "请提供订单号", "您提供一下",
    "无法", "不支持", "很抱歉", "工单", "SKU", "policy", "喂", "这个这个", "就是说", "木有", "难道您没收到短信吗",
    "不归我们部门管", "到底要不要", "修不修", "什么？", "有什么可以帮您", "哦", "呵呵", "[呵呵]", "连这都不会吗",
    "覆盖", "回覆", "瞭解", "凭藉", "家俱", "手鍊", "颠覆", "这是我应该做的", "祝您生活愉快", "再见", "亲，",
    "尊敬的客户：", "此致\n敬礼", "拍照发给我", "填写完之后", "麻烦您", "可以 … 吗",
]
_S2T = OpenCC("s2t")
TRADITIONAL = sorted({_S2T.convert(p) for p in PHRASES})
PLACEHOLDERS = ["[订单x]", "[数字x]", "[PHONE]", "{name}", "{{order_id}}", "${amount}", "%s", "%(name)s",
                "【客户姓名】", "［ＮＡＭＥ］", "【", "[", "{", "%"]
NOISE = [" ", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "*", ".", "·", "-", "_", "~", "/",
         "|", "…", "⋯", "\u3000", "\u00a0", "\t", "\x07", "\x85"]
ASTRAL = ["😅", "👍🏽", "🇨🇳", "👨\u200d👩\u200d👧", "𠮷", "𡞵", "\U0002a6a5", "\U00010000"]
OTHER = ["，", "。", "？", "!", "\n", "\r\n", "ＳＫＵ", "Ａ", "１２", "ABC", "“", "”", "（", "）", "\ue000", "\ue001"]


@st.composite
def noisy(draw):
    phrase = draw(st.sampled_from(PHRASES + TRADITIONAL))
    out = [phrase[0]]
    for ch in phrase[1:]:
        out.append(draw(st.sampled_from(["", "", ""] + NOISE)))
        out.append(ch)
    return "".join(out)


pieces = st.one_of(
    st.sampled_from(PHRASES), st.sampled_from(TRADITIONAL), noisy(), st.sampled_from(PLACEHOLDERS),
    st.sampled_from(NOISE), st.sampled_from(ASTRAL), st.sampled_from(OTHER), st.text(max_size=5),
)
texts = st.one_of(st.lists(pieces, max_size=16).map("".join), st.text(max_size=40))


@pytest.fixture(scope="module")
def checkers():
    packs = ["default", "ecommerce"]
    pure = Checker.from_packs(packs)
    pure_checker = Checker(pure.packs, compiled=False, segmenter=pure.segmenter)
    if not norm.COMPILED:
        return None, pure_checker
    return Checker(pure.packs, compiled=True, segmenter=pure.segmenter), pure_checker


@compiled_only
@SETTINGS
@given(text=texts)
def test_fold_compact_and_offset_map_equal_the_reference(text):
    compiled, pure = norm.normalize(text), norm.normalize_pure(text)
    assert (compiled.folded, compiled.compact) == (pure.folded, pure.compact)
    for i in range(len(pure.compact) + 2):
        for j in range(max(0, i - 1), i + 4):
            assert compiled.compact_span_to_original(i, j) == pure.compact_span_to_original(i, j), (i, j)


@compiled_only
@SETTINGS
@given(text=texts)
def test_scan_equals_the_reference(checkers, text):
    compiled, pure = checkers
    compact = norm.normalize_pure(text).compact
    fast, slow = compiled._matcher.scan(compact), pure._matcher.scan_python(compact)
    assert fast.literal == slow.literal
    assert fast.pending == slow.pending
    for owner in slow.owners():  # pending sequences completed by the core, and by Python
        assert fast.get(owner) == slow.get(owner)
    found = compiled._matcher.scan_text(text)
    if found is not None:  # the one-call path: same views and hits, less the misplaced terms
        folded, compact_views, literal, pending, visit = found
        slow_nt = norm.normalize_pure(text)
        assert (folded, compact_views, pending) == (slow_nt.folded, slow_nt.compact, slow.pending)
        ctx = CheckContext(slow_nt, "chat", "middle", slow, pure.segmenter)
        assert set(literal) <= set(slow.literal) and all(literal.values())
        for owner, hits in slow.literal.items():
            kept = literal.get(owner, [])
            dropped = [h for h in hits if h not in kept]
            assert kept == [h for h in hits if h not in dropped]
            for hit in dropped:  # only a term hit that its rule's `at` would not count
                assert owner[1] == "term"
                assert not positioned(pure.rules[owner[0]].spec.at, ctx.to_original(hit), ctx)
        assert visit == {index for index, role in set(literal) | set(pending) if role in VISITING_ROLES}


@compiled_only
@SETTINGS
@given(text=texts)
def test_clause_and_sentence_bounds_equal_the_reference(checkers, text):
    compiled, pure = checkers
    fast = CheckContext(norm.normalize(text), "chat", "middle", None, compiled.segmenter)
    slow = CheckContext(norm.normalize_pure(text), "chat", "middle", None, pure.segmenter)
    for pos in range(-1, len(text) + 2):
        assert fast.clause_bounds(pos) == slow.clause_bounds(pos), pos
        assert fast.sentence_bounds(pos) == slow.sentence_bounds(pos), pos
        if 0 <= pos <= len(text):
            assert fast.clause_start_before(pos) == slow.clause_start_before(pos), pos


@compiled_only
@SETTINGS
@given(text=texts)
def test_noise_removal_equals_the_reference(text):
    assert norm.compact_noise(text) == norm.NOISE_RE.sub("", text)


alternatives = st.one_of(st.text(alphabet="不要好吗?。，.a1", min_size=1, max_size=3),
                         st.text(alphabet="不没就是", min_size=1, max_size=2).map(lambda core: SLOTTED + core))


@compiled_only
@SETTINGS
@given(pieces=st.lists(st.lists(alternatives, min_size=1, max_size=3).map(tuple), min_size=2, max_size=4).map(tuple),
       max_gap=st.integers(1, 10), text=st.text(alphabet="不要好吗?。，.a1没就是修", max_size=30),
       first_end=st.integers(0, 32))
def test_sequence_completion_equals_the_reference(pieces, max_gap, text, first_end):
    seq = Sequence("test", pieces, max_gap)
    assert norm.complete_sequence(pieces, max_gap, text, first_end) == complete(seq, text, 0, first_end, STOPS)


@compiled_only
@SETTINGS
@given(keys=st.lists(st.text(alphabet="您好不知道ab😅\u3000", min_size=1, max_size=4), min_size=1, max_size=12,
                     unique=True),
       text=st.text(alphabet="您好不知道ab😅\u3000c", max_size=30))
def test_automaton_reports_what_pyahocorasick_reports(keys, text):
    values = {key: (len(key), i) for i, key in enumerate(keys)}
    assert make_automaton(values, True).iter(text) == list(make_automaton(values, False).iter(text))


def diagnostics(result):
    return [(d.rule_id, d.start, d.end, d.text, d.message, [s.text for s in d.suggestions],
             [d.edit_dict(s) for s in d.suggestions]) for d in result.diagnostics]


@compiled_only
@SETTINGS
@given(text=texts, channel=st.sampled_from(CHANNELS), position=st.sampled_from(POSITIONS))
def test_every_diagnostic_equals_the_reference(checkers, text, channel, position):
    compiled, pure = checkers
    fast, slow = compiled.check(text, channel, position), pure.check(text, channel, position)
    assert diagnostics(fast) == diagnostics(slow)
    assert (fast.fixed, fast.script) == (slow.fixed, slow.script)


@compiled_only
def test_the_compiled_checker_is_the_default():
    assert Checker.from_packs(["default"]).compiled is True


def test_a_pure_checker_can_always_be_made(checkers):
    _, pure = checkers
    assert pure.compiled is False
    assert [d.rule_id for d in pure.check("你好，这个我不知道").diagnostics] == ["ni-instead-of-nin", "declares-ignorance"]


PROBE = ("import cslint, cslint.normalize as n; from cslint.checker import Checker; "
         "r = Checker.from_packs(['default']).check('你好，这个我不 知道'); "
         "print(cslint.__file__, n.COMPILED, Checker.from_packs(['default']).compiled, [d.rule_id for d in r.diagnostics])")


def test_cslint_pure_forces_the_python_path():
    env = {**os.environ, "CSLINT_PURE": "1"}
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True).stdout
    assert " False False ['ni-instead-of-nin', 'declares-ignorance']" in out


def test_without_the_extension_the_pure_path_runs(tmp_path):
    """A copy of the package with no compiled module in it (as where no compiler was found)."""
    package = tmp_path / "cslint"
    shutil.copytree(ROOT / "lint", package, ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__"))
    shutil.copytree(ROOT / "rules", package / "_packs")
    env = {k: v for k, v in os.environ.items() if k != "CSLINT_PURE"}
    env["PYTHONPATH"] = str(tmp_path)
    # an editable install's finder would still hand out the built module: only the copy may answer
    unhook = "import sys; sys.meta_path[:] = [f for f in sys.meta_path if 'Editable' not in getattr(f, '__name__', '')]; "
    out = subprocess.run([sys.executable, "-c", unhook + PROBE], env=env, capture_output=True, text=True, check=True,
                         cwd=tmp_path).stdout
    assert out.startswith(str(package / "__init__.py")), out  # the copy, not the installed package
    assert " False False ['ni-instead-of-nin', 'declares-ignorance']" in out


@compiled_only
def test_a_matcher_too_large_for_the_compiled_automaton_scans_in_python():
    """More trie states than the core numbers in 16 bits: the matcher keeps pyahocorasick."""
    import random

    from cslint.matcher import MAX_DFA_STATES, Matcher
    from cslint.sequence import parse_sequence

    rng = random.Random(16)
    alphabet = [chr(0x4E00 + i) for i in range(2000)]
    keys = sorted({"".join(rng.choice(alphabet) for _ in range(6)) for _ in range(14000)})
    sequences = tuple(parse_sequence(k) for k in keys)
    matcher = Matcher()
    matcher.register((0, "term"), sequences)
    matcher.build(compiled=True)
    assert matcher._compiled is False and 5 * len(keys) > MAX_DFA_STATES
    folded = [seq.pieces[0][0] for seq in sequences]  # as the automaton holds them
    text = "您好" + folded[7] + "，" + folded[3000][:4] + folded[9000]
    assert matcher.scan_text(text) is None
    assert [(h.index, h.start, h.end) for h in matcher.scan(text).literal[(0, "term")]] == [(7, 2, 8), (9000, 13, 19)]


CLAUSE_KINDS_SETS = [("question",), ("condition",), ("restated",), ("question", "condition", "restated")]
clause_texts = st.lists(st.one_of(pieces, st.sampled_from(
    ["请问", "如果", "的话", "您说", "吗", "么", "嘛", "呢", "哦~", " ", "　如果", "?", "？", "。", "，", "\n", "a.b", "3.5"])),
    max_size=16).map("".join)


@compiled_only
@SETTINGS
@given(text=clause_texts)
def test_ignored_clause_equals_the_reference(checkers, text):
    from dataclasses import replace

    from cslint.kinds.required import _ignored_clause

    compiled, pure = checkers
    spec = pure.rule("refusal-without-apology").spec
    fast = CheckContext(norm.normalize(text), "chat", "middle", None, compiled.segmenter)
    slow = CheckContext(norm.normalize_pure(text), "chat", "middle", None, pure.segmenter)
    for kinds in CLAUSE_KINDS_SETS:
        spec_kinds = replace(spec, when_not_in=kinds)
        for pos in range(len(text) + 1):
            assert _ignored_clause(spec_kinds, fast, pos) == _ignored_clause(spec_kinds, slow, pos), (kinds, pos)


LONG_REPLIES = ["你 " * 3000, "请提供" * 2000, "哦 " * 3000, "提 供，" * 1500, "!" * 3000 + "哦" * 3000,
                "什么，" * 2000, ("您好，" + "这个我不 知道，请您提供订单号哦 " * 40 + "如果不行的话，您说的情况我们无法处理。") * 3]


@compiled_only
@pytest.mark.parametrize("text", LONG_REPLIES, ids=range(len(LONG_REPLIES)))
def test_long_replies_equal_the_reference(checkers, text):
    """Past SHORT_TEXT characters the compiled path answers position questions with the Python
    maps (a count per question would be quadratic): still the same findings."""
    compiled, pure = checkers
    assert len(text) > norm.SHORT_TEXT
    for channel, position in (("chat", "middle"), ("email", "single")):
        fast, slow = compiled.check(text, channel, position), pure.check(text, channel, position)
        assert diagnostics(fast) == diagnostics(slow)
        assert fast.fixed == slow.fixed
