"""Ordered literal pieces with bounded gaps: the only pattern language rule packs get.

Syntax (one string): pieces separated by `…` (or `...`), alternatives inside a piece by `|`:

    难道 … 吗|不成          难道, then within `max_gap` characters 吗 or 不成
    不归 … 管               不归我管, 不归我们部门管
    不知道                  a plain literal is a one-piece sequence

There are no user-supplied regular expressions, so no pattern can backtrack (no ReDoS): a match
is found by the Aho–Corasick automaton for the first piece and bounded `str.find` calls for the
rest.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .normalize import fold_term

GAP_SPLIT = re.compile(r"\s*(?:…|\.\.\.|⋯)+\s*")
DEFAULT_MAX_GAP = 8


class SequenceSyntaxError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Sequence:
    source: str  # as written in the pack
    pieces: tuple[tuple[str, ...], ...]  # folded alternatives of each piece
    max_gap: int = DEFAULT_MAX_GAP

    @property
    def is_literal(self) -> bool:
        return len(self.pieces) == 1 and len(self.pieces[0]) == 1


def parse_sequence(source: str, max_gap: int = DEFAULT_MAX_GAP, allow_gaps: bool = True) -> Sequence:
    if not isinstance(source, str) or not source.strip():
        raise SequenceSyntaxError("empty term")
    parts = GAP_SPLIT.split(source.strip())
    if len(parts) > 1 and not allow_gaps:
        raise SequenceSyntaxError(f"term {source!r} has a gap (…); gaps belong in pattern rules")
    pieces = []
    for part in parts:
        alternatives = tuple(fold_term(alt) for alt in part.split("|"))
        if not part or any(not alt for alt in alternatives):
            raise SequenceSyntaxError(f"term {source!r} has an empty piece or alternative")
        pieces.append(alternatives)
    return Sequence(source, tuple(pieces), max_gap)


def complete(seq: Sequence, text: str, start: int, first_end: int, stops: str) -> int | None:
    """End of `seq` in `text` given its first piece at [start, first_end), or None.

    Each later piece is the nearest occurrence of any alternative within `max_gap` characters;
    a gap never crosses a character in `stops` (clause punctuation).
    """
    pos = first_end
    for alternatives in seq.pieces[1:]:
        limit = min(len(text), pos + seq.max_gap)
        for i, ch in enumerate(text[pos:limit]):
            if ch in stops:
                limit = pos + i
                break
        best = None
        for alt in alternatives:
            found = text.find(alt, pos, limit + len(alt))
            if found != -1 and (best is None or found < best[0]):
                best = (found, found + len(alt))
        if best is None:
            return None
        pos = best[1]
    return pos
