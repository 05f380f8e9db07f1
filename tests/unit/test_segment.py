from __future__ import annotations

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
