"""One Aho–Corasick automaton over the first piece of every sequence of every loaded rule.

A registration says "sequence #i of role R of rule #r". One pass of the automaton over the
compact text finds every first piece; sequences with more pieces are completed with bounded
look-ahead (lint.sequence.complete). The result groups hits by (rule index, role) so each rule
kind only looks at its own.
"""
from __future__ import annotations

from typing import NamedTuple

from collections import defaultdict

import ahocorasick

from .normalize import CLAUSE_PUNCT
from .sequence import SLOTTED, Sequence, complete, core_of, reduplicated

STOPS = "".join(sorted(CLAUSE_PUNCT))  # a gap never crosses these


class Hit(NamedTuple):
    """A sequence found in the compact text (a tuple: millions are made in a batch scan)."""

    index: int  # which sequence of the role
    start: int  # compact offsets, end exclusive
    end: int


Owner = tuple[int, str]  # (rule index, role)


class Matcher:
    def __init__(self) -> None:
        self._by_key: dict[str, list[tuple[Owner, int, Sequence]]] = defaultdict(list)
        self._automaton = None

    def register(self, owner: Owner, sequences: tuple[Sequence, ...]) -> None:
        for index, seq in enumerate(sequences):
            for alternative in seq.pieces[0]:
                slotted = alternative.startswith(SLOTTED)
                self._by_key[core_of(alternative)].append((owner, index, seq, slotted))

    def build(self) -> None:
        """The automaton; each key's value: (its length, its entries) where an entry is
        (owner, index, None, False) for a one-piece literal (the common case, no test needed),
        else (owner, index, Pending, slotted)."""
        automaton = ahocorasick.Automaton()
        for key, entries in self._by_key.items():
            automaton.add_word(key, (len(key), tuple(
                (owner, index, None if len(seq.pieces) == 1 and not slotted else _pending(seq), slotted)
                for owner, index, seq, slotted in entries)))
        if len(automaton):
            automaton.make_automaton()
            self._automaton = automaton

    @property
    def keys(self) -> list[str]:
        return list(self._by_key)

    def scan(self, text: str) -> "ScanResult":
        """One automaton pass. Multi-piece sequences are completed only when a rule asks."""
        result = ScanResult(text)
        if self._automaton is None or not text:
            return result
        literal = result.literal
        pending = result.pending
        feasible: dict[int, bool] = {}  # id(Pending) -> every later piece occurs in the text
        for last, (length, entries) in self._automaton.iter(text):
            end = last + 1
            start = end - length
            for owner, index, rest, slotted in entries:
                if rest is None:  # a one-piece literal
                    hits = literal.get(owner)
                    if hits is None:
                        literal[owner] = [Hit(index, start, end)]
                    else:
                        hits.append(Hit(index, start, end))
                    continue
                if not rest.single:
                    # a common first piece (您 …): drop it at once when a later piece is absent
                    ok = feasible.get(id(rest))
                    if ok is None:
                        ok = feasible[id(rest)] = _can_complete(rest.later, text)
                    if not ok:
                        continue
                begin, stop = start, end
                if slotted:  # {A}core{A}: the core was found; the slot decides
                    span = reduplicated(text, start, end)
                    if span is None:
                        continue
                    begin, stop = span
                if rest.single:
                    literal.setdefault(owner, []).append(Hit(index, begin, stop))
                else:
                    pending.setdefault(owner, []).append((index, rest, begin, stop))
        return result


class Pending(NamedTuple):
    """A registered sequence as the scan needs it: is it one piece, and the cores each later
    piece may be (a quick test that the rest can occur before completing it)."""

    seq: Sequence
    single: bool
    later: tuple[tuple[str, ...], ...]


def _pending(seq: Sequence) -> Pending:
    later = tuple(tuple(core_of(alt) for alt in piece) for piece in seq.pieces[1:])
    return Pending(seq, len(seq.pieces) == 1, later)


def _can_complete(later: tuple[tuple[str, ...], ...], text: str) -> bool:
    """Every later piece has an alternative somewhere in `text`."""
    for cores in later:
        for core in cores:
            if core in text:
                break
        else:
            return False
    return True


class ScanResult:
    """Hits of one scan, grouped by owner: `get(owner)` completes pending sequences lazily.

    Exceptions such as `为 … 提供` start with very common characters; completing them for every
    reply would cost more than the whole check, so it happens only for rules that had a hit.
    """

    __slots__ = ("text", "literal", "pending", "_done")

    def __init__(self, text: str) -> None:
        self.text = text
        self.literal: dict[Owner, list[Hit]] = {}
        self.pending: dict[Owner, list[tuple[int, Pending, int, int]]] = {}
        self._done: dict[Owner, list[Hit]] = {}

    def owners(self) -> set[Owner]:
        return set(self.literal) | set(self.pending)

    def get(self, owner: Owner, default=()) -> list[Hit]:
        if owner not in self.pending:
            return self.literal.get(owner, default)
        done = self._done.get(owner)
        if done is None:
            done = list(self.literal.get(owner, ()))
            text = self.text
            for index, rest, start, first_end in self.pending[owner]:  # all feasible (see scan)
                end = complete(rest.seq, text, start, first_end, STOPS)
                if end is not None:
                    done.append(Hit(index, start, end))
            self._done[owner] = done
        return done or default
