from __future__ import annotations

import pytest

from lint.matcher import STOPS, Hit, Matcher
from lint.sequence import SequenceSyntaxError, complete, parse_sequence


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
