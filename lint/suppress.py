"""Inline suppressions: `cslint: disable` markers written into the text of a template file.

    这个我不知道  # cslint: disable=declares-ignorance          findings of that rule on this line
    <!-- cslint: disable-next-line=declares-ignorance,filler -->   ... on the next line
    // cslint: disable                                            every rule, this line
    # cslint: disable-next-line                                   every rule, the next line

A marker may sit in any comment the file's format has (`#`, `//`, `<!-- -->`) or bare; it is found
by position in the caller's text, so every offset stays an offset into that text. The marker
(with its comment) never yields findings of its own. A finding belongs to the line its start is
on. With `report_unused`, a marker (or one of its rule ids) that suppressed nothing becomes a
finding `unused-disable` at the marker, as ruff's RUF100 reports an unused `noqa`.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from enum import Enum
from typing import Callable, Sequence

from .model import Diagnostic, Severity

UNUSED_DISABLE = "unused-disable"

_ID = r"[A-Za-z0-9_.]+(?:-[A-Za-z0-9_.]+)*"
_MARKER = re.compile(rf"cslint:[ \t]*(?P<kind>disable-next-line|disable)(?![\w-])"
                     rf"(?:[ \t]*=[ \t]*(?P<ids>{_ID}(?:[ \t]*,[ \t]*{_ID})*))?")
_OPENER = re.compile(r"(?:<!--|#|//)[ \t]*$")  # a comment opener just before "cslint:"
_CLOSER = re.compile(r"[ \t]*-->")


class MarkerCategory(str, Enum):
    """The category of cslint's own findings about markers (not a rule category of the packs)."""

    SUPPRESSION = "suppression"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Disable:
    """One marker: the span it occupies, the line it silences, and which rules (None: all)."""

    start: int  # the marker with its comment, [start, end) of the text
    end: int
    directive_start: int  # "cslint: ..." alone, where an unused marker is reported
    directive_end: int
    line: int  # 1-based line whose findings it suppresses
    rules: tuple[str, ...] | None


def find_disables(text: str) -> list[Disable]:
    """Every marker in `text`, in order."""
    if "cslint:" not in text:
        return []
    starts = _line_starts(text)
    found = []
    for match in _MARKER.finditer(text):
        line = bisect_right(starts, match.start())
        line_start = starts[line - 1]
        opener = _OPENER.search(text, line_start, match.start())
        closer = _CLOSER.match(text, match.end())
        ids = match.group("ids")
        rules = tuple(part.strip() for part in ids.split(",")) if ids else None
        target = line + 1 if match.group("kind") == "disable-next-line" else line
        found.append(Disable(opener.start() if opener else match.start(), closer.end() if closer else match.end(),
                             match.start(), match.end(), target, rules))
    return found


def apply(text: str, diagnostics: Sequence[Diagnostic], report_unused: bool = False) -> tuple[Diagnostic, ...]:
    """`diagnostics` less those the text's markers suppress (or that fall on a marker), plus,
    with `report_unused`, an `unused-disable` finding for each marker that suppressed nothing."""
    if "cslint:" not in text:
        return tuple(diagnostics)
    markers = Suppressions(text)
    kept = markers.filter(diagnostics)
    if report_unused:
        kept.extend(markers.unused())
        kept.sort(key=lambda d: (d.start, d.end))
    return tuple(kept)


Offset = Callable[[int], int]


class Suppressions:
    """The markers of one text and which of them have suppressed something.

    The text is usually the reply itself. For a template file holding several replies (a YAML
    value with `# cslint: ...` beside it, a Markdown paragraph after `<!-- cslint: ... -->`), build
    it from the whole file, call `filter` for each reply with `to_text` mapping the reply's
    offsets into the file, then `unused()` once (its findings are positioned in the file).
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.disables = find_disables(text)
        self._starts = _line_starts(text)
        self._used: list[set[str]] = [set() for _ in self.disables]

    def filter(self, diagnostics: Sequence[Diagnostic], to_text: Offset | None = None) -> list[Diagnostic]:
        """The diagnostics no marker suppresses, without those on a marker and without edits
        that would rewrite one. `to_text` maps a diagnostic's offsets into this text, the
        reply's length (an insertion at its end) included; default: they are offsets of it."""
        if not self.disables:
            return list(diagnostics)
        place = to_text or (lambda offset: offset)
        kept = []
        for diag in diagnostics:
            start, end = _span_in(place, diag.start, diag.end)
            if any(_overlaps(start, end, d) for d in self.disables):
                continue
            line = bisect_right(self._starts, start)
            silenced = False
            for index, disable in enumerate(self.disables):
                if disable.line == line and (disable.rules is None or diag.rule_id in disable.rules):
                    self._used[index].add(diag.rule_id)
                    silenced = True
            if not silenced:
                kept.append(_clear_of_markers(diag, self.disables, place))
        return kept

    def unused(self) -> list[Diagnostic]:
        """An `unused-disable` finding (offsets in this text) per marker, or rule id of one,
        that suppressed nothing so far."""
        return [found for disable, used in zip(self.disables, self._used)
                for found in [_unused(self.text, disable, used)] if found is not None]


def _span_in(place: Offset, start: int, end: int) -> tuple[int, int]:
    """[start, end) of the reply as a span of the marker's text (an empty span stays empty)."""
    first = place(start)
    return (first, first) if end == start else (first, place(end - 1) + 1)


def _overlaps(start: int, end: int, disable: Disable) -> bool:
    if start == end:
        return disable.start < start < disable.end
    return start < disable.end and disable.start < end


def _clear_of_markers(diag: Diagnostic, disables: list[Disable], place: Offset) -> Diagnostic:
    """The finding without suggestions whose edit would rewrite a marker (a clause-wide rewrite
    can reach into a comment on the same line): applying a fix must keep the marker intact."""
    suggestions = tuple(s for s in diag.suggestions
                        if not any(_overlaps(*_span_in(place, *s.span(diag)), d) for d in disables))
    return diag if len(suggestions) == len(diag.suggestions) else replace(diag, suggestions=suggestions)


def _unused(text: str, disable: Disable, used: set[str]) -> Diagnostic | None:
    if disable.rules is None:
        if used:
            return None
        message = "这条 cslint: disable 没有屏蔽任何问题，可以删除 (unused suppression)"
    else:
        idle = [rule for rule in disable.rules if rule not in used]
        if not idle:
            return None
        message = f"cslint: disable 中的 {', '.join(idle)} 没有屏蔽任何问题，可以删除 (unused suppression)"
    return Diagnostic(UNUSED_DISABLE, MarkerCategory.SUPPRESSION, Severity.WARNING,  # type: ignore[arg-type]
                      disable.directive_start, disable.directive_end,
                      text[disable.directive_start:disable.directive_end], message)


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(match.end() for match in re.finditer("\n", text))
    return starts
