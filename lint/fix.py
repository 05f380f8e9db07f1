"""Apply rewrites: sort, skip overlaps, apply right to left so offsets stay valid (ruff's apply_fixes)."""
from __future__ import annotations

from typing import Iterable

from .model import Applicability, Diagnostic


def apply_fixes(text: str, diagnostics: Iterable[Diagnostic], allow: Applicability = Applicability.SAFE) -> str:
    """`text` with the first suggestion of every diagnostic at or above `allow` applied.

    A fix that overlaps one already chosen is skipped (the left-most, then longest, wins); two
    insertions at the same point are both applied, in diagnostic order.
    """
    chosen: list[tuple[int, int, str]] = []
    last_end = -1
    candidates = [
        d for d in diagnostics if d.suggestions and d.suggestions[0].applicability.rank >= allow.rank
    ]
    if not candidates:  # the usual case: display-only suggestions
        return text
    for diag in sorted(candidates, key=lambda d: (d.start, -(d.end - d.start))):
        if diag.start < last_end:
            continue
        chosen.append((diag.start, diag.end, diag.suggestions[0].text))
        last_end = max(last_end, diag.end)
    out = text
    for start, end, replacement in reversed(chosen):
        out = out[:start] + replacement + out[end:]
    return out
