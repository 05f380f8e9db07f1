"""Ordered literal pieces with bounded gaps: the only pattern language rule packs get.

Syntax (one string): pieces separated by `…` (or `...`), alternatives inside a piece by `|`:

    难道 … 吗|不成          难道, then within `max_gap` characters 吗 or 不成
    不归 … 管               不归我管, 不归我们部门管
    不知道                  a plain literal is a one-piece sequence
    到底 … {A}不{A}         a reduplication slot: {A} is one to three characters, the same on
                            both sides of the core (修不修, 要没要 with {A}没{A}, 规定就是规定
                            with {A}就是{A}); the first {A} may not reach back before the gap
    连 … 都 … 吗|?          clause punctuation may be a piece of its own (a closing ？)

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
SLOT = "{A}"
# a slotted alternative is stored as SLOTTED + its core: {A}不{A} -> "\ue001不"
SLOTTED = "\ue001"
SLOT_MAX = 3


class SequenceSyntaxError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Sequence:
    source: str  # as written in the pack
    pieces: tuple[tuple[str, ...], ...]  # folded alternatives of each piece
    max_gap: int = DEFAULT_MAX_GAP

    @property
    def is_literal(self) -> bool:
        return len(self.pieces) == 1 and len(self.pieces[0]) == 1 and not self.pieces[0][0].startswith(SLOTTED)


def parse_sequence(source: str, max_gap: int = DEFAULT_MAX_GAP, allow_gaps: bool = True) -> Sequence:
    if not isinstance(source, str) or not source.strip():
        raise SequenceSyntaxError("empty term")
    parts = GAP_SPLIT.split(source.strip())
    if len(parts) > 1 and not allow_gaps:
        raise SequenceSyntaxError(f"term {source!r} has a gap (…); gaps belong in pattern rules")
    pieces = []
    for part in parts:
        alternatives = tuple(_alternative(alt, source) for alt in part.split("|"))
        if not part or any(not alt for alt in alternatives):
            raise SequenceSyntaxError(f"term {source!r} has an empty piece or alternative")
        pieces.append(alternatives)
    return Sequence(source, tuple(pieces), max_gap)


def _alternative(written: str, source: str) -> str:
    if SLOT not in written:
        return fold_term(written)
    core = written.removeprefix(SLOT).removesuffix(SLOT)
    if not (written.startswith(SLOT) and written.endswith(SLOT)) or SLOT in core or not core:
        raise SequenceSyntaxError(f"term {source!r}: a slot is written {{A}}core{{A}}, e.g. {{A}}不{{A}}")
    return SLOTTED + fold_term(core)


def core_of(alternative: str) -> str:
    """What the automaton (or a search) looks for: the literal, or a slotted alternative's core."""
    return alternative.removeprefix(SLOTTED)


def reduplicated(text: str, core_start: int, core_end: int, earliest: int = 0) -> tuple[int, int] | None:
    """The span of {A}core{A} around the core at [core_start, core_end): the longest {A} of one
    to SLOT_MAX word characters that stands the same on both sides, not starting before `earliest`."""
    for length in range(SLOT_MAX, 0, -1):
        left = core_start - length
        if left < earliest:
            continue
        slot = text[left:core_start]
        if text[core_end:core_end + length] == slot and all(ch.isalnum() for ch in slot):
            return left, core_end + length
    return None


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
            span = _find(text, alt, pos, limit)
            if span is not None and (best is None or span[0] < best[0]):
                best = span
        if best is None:
            return None
        pos = best[1]
    return pos


def _find(text: str, alternative: str, pos: int, limit: int) -> tuple[int, int] | None:
    """The nearest occurrence of one alternative starting in [pos, limit]."""
    if not alternative.startswith(SLOTTED):
        found = text.find(alternative, pos, limit + len(alternative))
        return None if found == -1 else (found, found + len(alternative))
    core = core_of(alternative)
    found = text.find(core, pos + 1, limit + len(core) + SLOT_MAX)
    while found != -1:
        span = reduplicated(text, found, found + len(core), pos)
        if span is not None:
            return span
        found = text.find(core, found + 1, limit + len(core) + SLOT_MAX)
    return None
