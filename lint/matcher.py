"""One Aho–Corasick automaton over the first piece of every sequence of every loaded rule.

A registration says "sequence #i of role R of rule #r". One pass of the automaton over the
compact text finds every first piece; sequences with more pieces are completed with bounded
look-ahead (lint.sequence.complete). The result groups hits by (rule index, role) so each rule
kind only looks at its own.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import ahocorasick

from .normalize import CLAUSE_PUNCT
from .sequence import Sequence, complete

STOPS = "".join(sorted(CLAUSE_PUNCT))  # a gap never crosses these


@dataclass(frozen=True, slots=True)
class Hit:
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
                self._by_key[alternative].append((owner, index, seq))

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

    def scan(self, text: str) -> dict[Owner, list[Hit]]:
        found: dict[Owner, list[Hit]] = defaultdict(list)
        if self._automaton is None or not text:
            return found
        feasible: dict[int, bool] = {}  # id(seq) -> every later piece occurs somewhere in text
        for last, (length, entries) in self._automaton.iter(text):
            start = last + 1 - length
            for owner, index, seq in entries:
                if len(seq.pieces) == 1:
                    found[owner].append(Hit(index, start, last + 1))
                    continue
                ok = feasible.get(id(seq))
                if ok is None:
                    ok = feasible[id(seq)] = all(
                        any(alt in text for alt in piece) for piece in seq.pieces[1:])
                if ok:
                    end = complete(seq, text, start, last + 1, STOPS)
                    if end is not None:
                        found[owner].append(Hit(index, start, end))
        return found
