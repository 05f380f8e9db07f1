from __future__ import annotations

import pytest

from cslint.matcher import STOPS, Hit, Matcher
from cslint.sequence import SequenceSyntaxError, complete, parse_sequence


def test_parse_pieces_and_alternatives():
    seq = parse_sequence("難道 … 吗|不成", max_gap=5)
    assert seq.pieces == (("难道",), ("吗", "不成"))
    assert not seq.is_literal and parse_sequence("不知道").is_literal


@pytest.mark.parametrize("bad", ["", "  ", "难道 … ", "a||b"])
def test_empty_pieces_are_rejected(bad):
    with pytest.raises(SequenceSyntaxError):
        parse_sequence(bad)


def test_gaps_are_rejected_where_not_allowed():
    with pytest.raises(SequenceSyntaxError, match="gap"):
        parse_sequence("不归 … 管", allow_gaps=False)


def test_complete_respects_the_gap_and_clause_stops():
    seq = parse_sequence("不归 … 管", max_gap=4)
    assert complete(seq, "这不归我们部门管", 1, 3, STOPS) == 8
    assert complete(seq, "这不归我们这个部门管", 1, 3, STOPS) is None  # gap of 6 > 4
    assert complete(seq, "不归我，管", 0, 2, STOPS) is None  # never across a comma


def test_matcher_groups_hits_by_owner():
    matcher = Matcher()
    matcher.register((0, "term"), (parse_sequence("不知道"), parse_sequence("难道 … 吗")))
    matcher.register((1, "term"), (parse_sequence("知道"),))
    matcher.build()
    found = matcher.scan("难道你不知道吗")
    assert sorted(found.get((0, "term")), key=lambda h: h.start) == [Hit(1, 0, 7), Hit(0, 3, 6)]
    assert found.get((1, "term")) == [Hit(0, 4, 6)]


def test_reduplication_slot_takes_any_verb():
    from cslint.matcher import Matcher
    from cslint.normalize import normalize
    from cslint.sequence import parse_sequence

    matcher = Matcher()
    matcher.register((0, "term"), (parse_sequence("到底 … {A}不{A}|{A}没{A}"), parse_sequence("{A}就是{A}")))
    matcher.build()

    def found(text: str) -> list[str]:
        compact = normalize(text).compact
        return [compact[h.start:h.end] for h in matcher.scan(compact).get((0, "term"))]

    assert found("您到底修不修") == ["到底修不修"]
    assert found("到底要没要发票") == ["到底要没要"]
    assert found("规定就是规定") == ["规定就是规定"]
    assert found("到底是什么原因") == [] and found("这就是我们的规定") == []


def test_a_slot_is_written_around_its_core():
    import pytest

    from cslint.sequence import SequenceSyntaxError, parse_sequence

    with pytest.raises(SequenceSyntaxError, match="slot"):
        parse_sequence("{A}不")
