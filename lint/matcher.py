"""One Aho–Corasick automaton over the first piece of every sequence of every loaded rule.

A registration says "sequence #i of role R of rule #r". One pass of the automaton over the
compact text finds every first piece; sequences with more pieces are completed with bounded
look-ahead (lint.sequence.complete). The result groups hits by (rule index, role) so each rule
kind only looks at its own.

The automaton is pyahocorasick's, or, where the compiled core was built (lint/_core.c), a DFA
over the same keys whose tables `dfa_tables` builds here: same matches, same order
(tests/property/test_core.py).
"""
from __future__ import annotations

import array
from collections import defaultdict
from typing import Any, NamedTuple

import ahocorasick

from . import normalize as _normalize
from .normalize import CLAUSE_PUNCT, mask_placeholders
from .sequence import SLOTTED, Sequence, complete, core_of, reduplicated

STOPS = "".join(sorted(CLAUSE_PUNCT))  # a gap never crosses these
VISITING_ROLES = ("term", "trigger")  # a hit of these roles has the engine visit its rule
# where a hit may have to sit (lint.kinds.matching AT_CHOICES), numbered as lint/_core.c's PLACE_*
PLACEMENTS = ("anywhere", "clause_start", "clause_end", "whole_clause", "tail", "whole_reply")


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
        self._compiled = False
        self._placement: dict[Owner, int] = {}

    def register(self, owner: Owner, sequences: tuple[Sequence, ...], at: str = "anywhere") -> None:
        """`at`: where the owner's hits must sit to count (a phrase rule's `at`, for its terms);
        the compiled scan_text drops one-piece literal hits that are not there."""
        if at not in PLACEMENTS:
            raise ValueError(f"unknown placement {at!r}")
        self._placement[owner] = PLACEMENTS.index(at)
        for index, seq in enumerate(sequences):
            for alternative in seq.pieces[0]:
                slotted = alternative.startswith(SLOTTED)
                self._by_key[core_of(alternative)].append((owner, index, seq, slotted))

    def build(self, compiled: bool | None = None) -> None:
        """The automaton; each key's value: (its length, its entries) where an entry is
        (owner, index, None, False) for a one-piece literal (the common case, no test needed),
        else (owner, index, Pending, slotted). `compiled`: the core's DFA (default: where built)."""
        values = {
            key: (len(key), tuple(
                (owner, index, None if len(seq.pieces) == 1 and not slotted else _pending(seq), slotted)
                for owner, index, seq, slotted in entries))
            for key, entries in self._by_key.items()}
        self._compiled = _normalize.COMPILED if compiled is None else compiled
        try:
            self._automaton = make_automaton(values, self._compiled)
        except DFATooLarge:  # tens of thousands of keys: the pure scan (same results)
            self._compiled = False
            self._automaton = make_automaton(values, False)
        if self._compiled and self._automaton is not None:
            pendings: dict[int, int] = {}  # id(Pending) -> its number, for the scan's feasibility cache
            self._automaton.set_entries(tuple(
                tuple((owner, index, rest, slotted, rest is not None and rest.single,
                       -1 if rest is None else pendings.setdefault(id(rest), len(pendings)),
                       () if rest is None else rest.later,
                       owner[0] if owner[1] in VISITING_ROLES else None,
                       self._placement[owner] if rest is None else 0)
                      for owner, index, rest, slotted in entries)
                for _, entries in values.values()), len(pendings), Hit)

    @property
    def keys(self) -> list[str]:
        return list(self._by_key)

    def scan(self, text: str) -> "ScanResult":
        """One automaton pass. Multi-piece sequences are completed only when a rule asks."""
        if not self._compiled:
            return self.scan_python(text)
        result = CompiledScanResult(text)
        if self._automaton is not None and text:
            result.literal, result.pending, _ = self._automaton.scan(text)
        return result

    def scan_text(self, text: str):
        """Compiled only: normalise and scan the original text in one call of the core, giving
        (folded, compact, literal, pending, visit) as lint.normalize.normalize and `scan` would,
        less the one-piece literal hits that are not where their owner's `at` says (visit: the rule
        indices that hits of VISITING_ROLES ask to visit). None where the text needs Python's
        normalisation (a phrase fix-up) or there is no compiled automaton."""
        if not self._compiled or self._automaton is None:
            return None
        found = self._automaton.scan_text(text)
        if found is not None and found[1] is None:  # placeholders: masked here, the rest by the core
            folded = mask_placeholders(found[0])
            return (folded, *self._automaton.scan_folded(folded))
        return found

    def scan_python(self, text: str) -> "ScanResult":
        """`scan` in Python: the reference the compiled scan (lint/_core.c) must equal."""
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


def make_automaton(values: dict[str, Any], compiled: bool):
    """An object whose iter(text) lists (end index, value) for every key found, by end position,
    longest key first; None when there are no keys."""
    if not values:
        return None
    if compiled:
        from . import _core

        return _core.Automaton(*dfa_tables(list(values)), tuple(values.values()))
    automaton = ahocorasick.Automaton()
    for key, value in values.items():
        automaton.add_word(key, value)
    automaton.make_automaton()
    return automaton


MAX_DFA_STATES = 0x10000  # states are numbered in 16 bits (lint/_core.c)


class DFATooLarge(ValueError):
    """More trie states than the compiled automaton numbers: the matcher stays with pyahocorasick."""


def dfa_tables(keys: list[str]) -> tuple:
    """The compiled automaton's tables for `keys` (distinct, non-empty): the Aho–Corasick trie
    with its failure links folded into a full transition table over the keys' alphabet.

    Returns (alphabet column of each BMP code point, sorted (astral code point, column) pairs,
    row width, transitions, each state's first match in the match list (+ the end), the match
    list (key indices, longest first), each key's length), all as machine arrays."""
    alphabet = sorted(set("".join(keys)))
    column = {ch: i + 1 for i, ch in enumerate(alphabet)}  # column 0: a character in no key
    width = len(alphabet) + 1
    goto: list[dict[int, int]] = [{}]
    ends: list[int] = [-1]  # the key that ends at each state
    for k, key in enumerate(keys):
        state = 0
        for ch in key:
            col = column[ch]
            nxt = goto[state].get(col)
            if nxt is None:
                nxt = goto[state][col] = len(goto)
                goto.append({})
                ends.append(-1)
            state = nxt
        ends[state] = k
    fail = [0] * len(goto)
    order = []  # breadth first
    queue = list(goto[0].values())
    while queue:
        order.extend(queue)
        nxt_queue = []
        for state in queue:
            for col, child in goto[state].items():
                f = fail[state]
                while f and col not in goto[f]:
                    f = fail[f]
                fail[child] = goto[f].get(col, 0)
                nxt_queue.append(child)
        queue = nxt_queue
    outputs: list[list[int]] = [[] for _ in goto]
    for state in order:  # a state's matches: its own key, then those of its failure state
        outputs[state] = ([ends[state]] if ends[state] >= 0 else []) + outputs[fail[state]]
    if len(goto) > MAX_DFA_STATES:
        raise DFATooLarge(f"{len(goto)} states")
    delta = array.array("H", [0] * (len(goto) * width))
    for state in [0] + order:  # each failure state is filled in before the states that use it
        row = state * width
        if state:
            frow = fail[state] * width
            delta[row:row + width] = delta[frow:frow + width]
        for col, child in goto[state].items():
            delta[row + col] = child
    alpha_bmp = array.array("H", [0] * 0x10000)
    astral = array.array("I")
    for ch, col in column.items():
        if ord(ch) < 0x10000:
            alpha_bmp[ord(ch)] = col
        else:
            astral.extend((ord(ch), col))
    out_start = array.array("i", [0])
    out_keys = array.array("i")
    for found in outputs:
        out_keys.extend(found)
        out_start.append(len(out_keys))
    key_len = array.array("i", map(len, keys))
    return (alpha_bmp.tobytes(), astral.tobytes(), width, delta.tobytes(), out_start.tobytes(),
            out_keys.tobytes(), key_len.tobytes())


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

    def __init__(self, text: str, literal: dict | None = None, pending: dict | None = None) -> None:
        self.text = text
        self.literal: dict[Owner, list[Hit]] = {} if literal is None else literal
        self.pending: dict[Owner, list[tuple[int, Pending, int, int]]] = {} if pending is None else pending
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
                end = self._complete(rest, text, start, first_end)
                if end is not None:
                    done.append(Hit(index, start, end))
            self._done[owner] = done
        return done or default

    @staticmethod
    def _complete(rest, text: str, start: int, first_end: int) -> int | None:
        """Where the sequence whose first piece is [start, first_end) ends, or None."""
        return complete(rest.seq, text, start, first_end, STOPS)


class CompiledScanResult(ScanResult):
    """What the compiled scan returns: pending sequences are completed by the core."""

    __slots__ = ()

    @staticmethod
    def _complete(rest, text: str, start: int, first_end: int) -> int | None:
        return _normalize.complete_sequence(rest.seq.pieces, rest.seq.max_gap, text, first_end)
