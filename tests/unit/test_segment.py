from __future__ import annotations

import json
import os
import subprocess
import sys

from cslint.checker import Checker
from cslint.segment import Segmenter


def test_jieba_loads_only_when_a_hit_needs_a_boundary():
    checker = Checker.from_packs()
    assert checker.segmenter._tokenizer is None  # building the checker does not load jieba
    checker.check("您好，SKU：")  # hit edges are punctuation/Latin: no jieba needed
    assert checker.segmenter._tokenizer is None
    checker.check("这个我也不知道呢")
    assert checker.segmenter._tokenizer is not None


def test_boundaries_from_a_small_window():
    seg = Segmenter(["不知道"])
    assert not seg.is_boundary_span("宝宝喂养很方便", 2, 3)  # 喂 inside 喂养
    assert seg.is_boundary_span("小妹也不知道呢", 3, 6)
    assert seg.is_boundary_span("我真不知道", 2, 5)  # 真不知道 is not kept as one word
    assert seg.is_boundary_span("不知道", 0, 3)  # nothing to ask jieba


# --- what registering the terms did, kept between processes (lint.segment.TermState) -------------

TERMS = ["不知道", "不清楚", "没办法", "不归我管", "揽收", "工单"]
WINDOWS = ["我真不知道", "小妹也不知道呢", "这个真不清楚啊", "实在没办法了", "已经揽收了吗", "您的工单号", "我也不归我管",
           "宝宝喂养很方便", "这个我确实不知道", "您好请问还有什么"]


def test_restored_terms_segment_as_registered_ones(tmp_path, monkeypatch):
    monkeypatch.setenv("CSLINT_CACHE_DIR", str(tmp_path))
    registered = Segmenter(TERMS)
    registered.warm_up()
    (state,) = tmp_path.glob("segment-*.json")
    written = state.stat().st_mtime_ns
    restored = Segmenter(TERMS)
    restored.warm_up()
    assert state.stat().st_mtime_ns == written  # read, not registered and written again
    assert restored._tokenizer.FREQ.changes() == registered._tokenizer.FREQ.changes()
    assert restored._tokenizer.total == registered._tokenizer.total
    for window in WINDOWS:
        assert restored._cut_uncached(window) == registered._cut_uncached(window), window


def test_a_damaged_or_foreign_term_state_is_registered_again(tmp_path, monkeypatch):
    monkeypatch.setenv("CSLINT_CACHE_DIR", str(tmp_path))
    expected = Segmenter(TERMS)
    expected.warm_up()
    (state,) = tmp_path.glob("segment-*.json")
    good = json.loads(state.read_text(encoding="utf-8"))
    foreign = dict(good, key=good["key"].replace("不知道", "不晓得"))
    for damage in (b"", b"{", json.dumps(foreign).encode(), json.dumps(dict(good, total="many")).encode()):
        state.write_bytes(damage)
        again = Segmenter(TERMS)
        again.warm_up()
        assert again._tokenizer.total == expected._tokenizer.total
        assert again._tokenizer.FREQ.changes() == expected._tokenizer.FREQ.changes()
        assert json.loads(state.read_text(encoding="utf-8")) == good  # written again


def test_jieba_loads_without_pkg_resources(tmp_path):
    # jieba would import pkg_resources (~150 ms and a deprecation warning) only to find its files
    code = ("import sys\nfrom cslint.segment import Segmenter\n"
            "s = Segmenter(['不知道'])\nassert s.is_boundary_span('我真不知道', 2, 5)\n"
            "print('pkg_resources' in sys.modules, 'jieba' in sys.modules)")
    env = dict(os.environ, CSLINT_CACHE_DIR=str(tmp_path))
    out = subprocess.run([sys.executable, "-W", "error::UserWarning", "-c", code], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "True"]
