"""What a rule kind may ask about the reply being checked (one CheckContext per check).

Everything here is computed lazily: most replies never need quote regions, jieba, or the
script of the input.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .matcher import Hit, ScanResult
from . import normalize as _normalize
from .normalize import CLAUSE_PUNCT, SENTENCE_MARKS, SHORT_TEXT, NormalizedText, detect_script, is_word_char, to_script
from .segment import Segmenter

_SENTENCE_END_RE = re.compile("[" + re.escape(SENTENCE_MARKS) + "]")
# is_word_char as a pattern: \w is str.isalnum() plus "_" (and every "Lo" letter is alphanumeric)
_WORD_CHAR = re.compile(r"[^\W_]")
_OPENING_PARENS = "(（"
_CLOSING_QUOTES = "”」』’\"'"


@dataclass(slots=True)
class CheckContext:
    nt: NormalizedText
    channel: str
    position: str
    hits: ScanResult
    segmenter: Segmenter
    _quotes: list[tuple[int, int]] | None = None
    _script: str | None = None
    _quote_starts_list: list[int] | None = None
    _sentence_ends: list[int] | None = None
    _clause_breaks: list[int] | None = None

    # --- text views ---------------------------------------------------------------------------
    @property
    def text(self) -> str:
        return self.nt.original

    @property
    def folded(self) -> str:
        return self.nt.folded

    def to_original(self, hit: Hit) -> tuple[int, int]:
        return self.nt.compact_span_to_original(hit.start, hit.end)

    # --- questions a rule may ask -------------------------------------------------------------
    def at_clause_start(self, start: int) -> bool:
        return start == 0 or not is_word_char(self.folded[start - 1])

    def at_clause_end(self, end: int) -> bool:
        return end >= len(self.folded) or not is_word_char(self.folded[end])

    def ends_reply(self, end: int) -> bool:
        """Nothing but punctuation, spaces and emoji after `end`."""
        return not _WORD_CHAR.search(self.folded, end)

    def is_whole_reply(self, start: int, end: int) -> bool:
        """The span holds every word of the reply (呵呵。 哦~)."""
        return self.ends_reply(end) and not _WORD_CHAR.search(self.folded, 0, start)

    def on_word_boundaries(self, hit: Hit, span: tuple[int, int] | None = None) -> bool:
        """Latin edges: whole word in the folded text; CJK edges: jieba token boundaries.

        `span` is the hit's span in the original text, when the caller has it already."""
        start, end = span or self.to_original(hit)
        folded = self.folded
        if folded[start].isascii() and folded[start].isalnum():
            if start > 0 and folded[start - 1].isascii() and folded[start - 1].isalnum():
                return False
        if folded[end - 1].isascii() and folded[end - 1].isalnum():
            if end < len(folded) and folded[end].isascii() and folded[end].isalnum():
                return False
        return self.segmenter.is_boundary_span(self.nt.compact, hit.start, hit.end)

    def quoted(self, start: int, end: int) -> bool:
        """True when [start, end) lies inside quotation marks (quoted customer words)."""
        quotes = self._quotes
        if quotes is None:
            quotes = self._quotes = _quote_regions(self.nt.folded) if _QUOTE_MARK.search(self.nt.folded) else []
        if not quotes:  # the usual case
            return False
        # regions are sorted and disjoint: only the last one starting at or before `start` counts
        k = bisect.bisect_right(self._quote_starts, start) - 1
        return k >= 0 and end <= self._quotes[k][1]

    @property
    def _quote_starts(self) -> list[int]:
        if self._quote_starts_list is None:
            self._quote_starts_list = [a for a, _ in self._quotes]
        return self._quote_starts_list

    def explained(self, end: int) -> bool:
        """True when the phrase ending at `end` is directly followed by a parenthesis."""
        folded = self.folded
        i = end
        while i < len(folded) and (folded[i] in _CLOSING_QUOTES or folded[i] == " "):
            i += 1
        return i < len(folded) and folded[i] in _OPENING_PARENS

    def sentence_bounds(self, pos: int) -> tuple[int, int]:
        """The sentence holding `pos`: between the sentence marks around it."""
        if self.nt.compiled and len(self.nt.folded) <= SHORT_TEXT:  # the same answer, by the core
            return _normalize.bounds(self.nt.folded, pos, False)
        if self._sentence_ends is None:
            self._sentence_ends = [m.start() for m in _SENTENCE_END_RE.finditer(self.folded)]
        ends = self._sentence_ends
        k = bisect.bisect_right(ends, pos - 1)  # marks before pos: ends[:k]
        start = ends[k - 1] + 1 if k else 0
        k2 = bisect.bisect_left(ends, pos)
        end = ends[k2] if k2 < len(ends) else len(self.folded)
        return start, end

    def clause_bounds(self, pos: int) -> tuple[int, int]:
        """The clause holding `pos`: between the clause punctuation (，。！？；：、 …) around it.
        A half-width full stop ends a clause too where it is not inside a number or an address
        (helpdesk posts write 已处理.如果… with "." for 。)."""
        if self.nt.compiled and len(self.nt.folded) <= SHORT_TEXT:  # the same answer, by the core
            return _normalize.bounds(self.nt.folded, pos, True)
        if self._clause_breaks is None:
            self._clause_breaks = [m.start() for m in _CLAUSE_BREAK_RE.finditer(self.folded)]
        breaks = self._clause_breaks
        k = bisect.bisect_left(breaks, pos)  # breaks before pos: breaks[:k]
        start = breaks[k - 1] + 1 if k else 0
        end = breaks[k] if k < len(breaks) else len(self.folded)
        return start, end

    def clause_start_before(self, pos: int) -> int:
        """Start of the clause holding `pos`: just after the previous clause mark or space."""
        if self.nt.compiled:  # the same answer, by the core
            return _normalize.clause_start_before(self.nt.folded, pos)
        folded = self.folded
        start = pos
        while start > 0 and (is_word_char(folded[start - 1]) or folded[start - 1] in "~～"):
            start -= 1
        return start

    # --- output -------------------------------------------------------------------------------
    @property
    def script(self) -> str:
        if self._script is None:
            self._script = detect_script(self.text)
        return self._script

    def in_script(self, suggestion: str) -> str:
        script = self.script
        return suggestion if script == "simplified" else to_script(suggestion, script)


# where a clause ends: clause punctuation, and a "." that is not between two ASCII letters or
# digits (3.5, www.jd.com)
_CLAUSE_BREAK_RE = re.compile(
    "[" + re.escape("".join(sorted(CLAUSE_PUNCT))) + "]|(?<![0-9A-Za-z])\\.|\\.(?![0-9A-Za-z])")


_QUOTE_MARK = re.compile("[“「『‘﹁《\"]")  # where no quotation opens, there is no region
_QUOTED = re.compile("“[^”]*”|「[^」]*」|『[^』]*』|‘[^’]*’|﹁[^﹂]*﹂|《[^》]*》|\"[^\"]*\"")


def _quote_regions(folded: str) -> list[tuple[int, int]]:
    """Inside of each quotation (the marks themselves excluded)."""
    return [(m.start() + 1, m.end() - 1) for m in _QUOTED.finditer(folded)]
