"""Apply rewrites: sort, skip overlaps, apply right to left so offsets stay valid (ruff's apply_fixes).

The overlaps are resolved here, once, for every surface: the CLI's --fix, the page's 全部修正,
the service's `fixed`, and the order LanguageTool clients see the replacements in.
"""
from __future__ import annotations

from typing import Callable, Iterable

from .edits import tidy
from .model import Applicability, Diagnostic

SENTENCE_LIKE = 6  # a replacement this long is a sentence of its own, not a word swap
Edit = tuple[int, int, str]  # start, end (code points into the original text), replacement
_SAFE = Applicability.SAFE
_SAFE_ONLY = (_SAFE,)


def resolve_edits(text: str, diagnostics: Iterable[Diagnostic],
                  allow: Applicability = Applicability.SAFE) -> list[Edit]:
    return [edit for _, edit in resolve(text, diagnostics, allow)]


def resolve(text: str, diagnostics: Iterable[Diagnostic],
            allow: Applicability = Applicability.SAFE) -> list[tuple[Diagnostic, Edit]]:
    """The edits of the first suggestion of every diagnostic at or above `allow`, sorted and
    without overlaps (the left-most, then the longest, wins; an insertion goes before a
    replacement that starts at the same point, and two insertions at one point are both kept, in
    diagnostic order). A rewrite already made once (two clauses turned into the same sentence)
    is not written twice: the second clause is deleted instead."""
    # the applicabilities at or above `allow` (members compared by identity first, no rank lookups)
    allowed = _SAFE_ONLY if allow is _SAFE else tuple(a for a in Applicability if a.rank >= allow.rank)
    candidates = [d for d in diagnostics if d.suggestions and d.suggestions[0].applicability in allowed]
    if not candidates:  # findings without a rewrite at this level (advice to read)
        return []
    if len(candidates) == 1:  # the usual case: nothing to order or to overlap
        diag = candidates[0]
        start, end = diag.suggestions[0].span(diag)
        return [(diag, (start, end, diag.suggestions[0].text))]
    chosen: list[tuple[Diagnostic, Edit]] = []
    written: set[str] = set()
    last_end = -1
    for diag in sorted(candidates, key=lambda d: (d.suggestions[0].span(d)[0], _length(d) > 0, -_length(d))):
        start, end = diag.suggestions[0].span(diag)
        replacement = diag.suggestions[0].text
        if start < last_end:
            continue
        if len(replacement) >= SENTENCE_LIKE and replacement in written:
            start, end, replacement = tidy(text, start, end, "")
        chosen.append((diag, (start, end, replacement)))
        written.add(replacement)
        last_end = max(last_end, end)
    return chosen


def _length(diag: Diagnostic) -> int:
    start, end = diag.suggestions[0].span(diag)
    return end - start


def apply_edits(text: str, edits: list[Edit]) -> str:
    out = text
    for start, end, replacement in reversed(edits):
        out = out[:start] + replacement + out[end:]
    return out


def offset_before(edits: list[Edit]) -> Callable[[int], int]:
    """Maps an offset of `apply_edits(text, edits)` back to `text`: unchanged characters to where
    they were, a character an edit wrote to the start of the span it replaced. For locating a
    finding of the re-checked reply (which line, which marker covers it), not for editing."""
    def before(offset: int) -> int:
        shift = 0
        for start, end, replacement in edits:
            if offset < start + shift:
                break
            if offset < start + shift + len(replacement):
                return start
            shift += len(replacement) - (end - start)
        return offset - shift
    return before


def apply_fixes(text: str, diagnostics: Iterable[Diagnostic], allow: Applicability = Applicability.SAFE) -> str:
    """`text` with the first suggestion of every diagnostic at or above `allow` applied."""
    edits = resolve_edits(text, diagnostics, allow)
    return apply_edits(text, edits) if edits else text
