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
        automaton = ahocorasick.Automaton()
        for key, entries in self._by_key.items():
            automaton.add_word(key, (len(key), tuple(entries)))
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
        for last, (length, entries) in self._automaton.iter(text):
            start = last + 1 - length
            for owner, index, seq, slotted in entries:
                begin, end = start, last + 1
                if slotted:  # {A}core{A}: the core was found; the slot decides
                    span = reduplicated(text, begin, end)
                    if span is None:
                        continue
                    begin, end = span
                if len(seq.pieces) == 1:
                    literal.setdefault(owner, []).append(Hit(index, begin, end))
                else:
                    pending.setdefault(owner, []).append((index, seq, begin, end))
        return result


class ScanResult:
    """Hits of one scan, grouped by owner: `get(owner)` completes pending sequences lazily.

    Exceptions such as `为 … 提供` start with very common characters; completing them for every
    reply would cost more than the whole check, so it happens only for rules that had a hit.
    """

    __slots__ = ("text", "literal", "pending", "_done")

    def __init__(self, text: str) -> None:
        self.text = text
        self.literal: dict[Owner, list[Hit]] = {}
        self.pending: dict[Owner, list[tuple[int, Sequence, int, int]]] = {}
        self._done: dict[Owner, list[Hit]] = {}

    def owners(self) -> set[Owner]:
        return set(self.literal) | set(self.pending)

    def get(self, owner: Owner, default=()) -> list[Hit]:
        if owner not in self.pending:
            return self.literal.get(owner, default)
        done = self._done.get(owner)
        if done is None:
            done = list(self.literal.get(owner, ()))
            feasible: dict[int, bool] = {}  # id(seq) -> every later piece occurs in the text
            for index, seq, start, first_end in self.pending[owner]:
                ok = feasible.get(id(seq))
                if ok is None:
                    ok = feasible[id(seq)] = all(
                        any(core_of(alt) in self.text for alt in piece) for piece in seq.pieces[1:])
                if ok:
                    end = complete(seq, self.text, start, first_end, STOPS)
                    if end is not None:
                        done.append(Hit(index, start, end))
            self._done[owner] = done
        return done or default
