"""Interval helpers over anything with `start` and `end` (hits, diagnostics), O(n log n)."""
from __future__ import annotations

import bisect
from typing import Iterable, TypeVar

T = TypeVar("T")


def longest_non_overlapping(hits: Iterable[T]) -> list[T]:
    """Longest first; a hit overlapping one already chosen is dropped. O(n log n)."""
    hits = list(hits)
    if len(hits) < 2:  # the usual case
        return hits
    chosen_starts: list[int] = []  # sorted, disjoint chosen spans
    chosen: list[T] = []
    for hit in sorted(hits, key=lambda h: (h.start - h.end, h.start)):
        k = bisect.bisect_left(chosen_starts, hit.start)
        if k > 0 and chosen[k - 1].end > hit.start:
            continue
        if k < len(chosen) and chosen[k].start < hit.end:
            continue
        chosen_starts.insert(k, hit.start)
        chosen.insert(k, hit)
    return chosen


class Spans:
    """Exception spans, queried for "does any of them overlap or touch [start, end]?"."""

    __slots__ = ("starts", "max_end")

    def __init__(self, hits) -> None:
        ordered = sorted(hits, key=lambda h: h.start)
        self.starts = [h.start for h in ordered]
        self.max_end = []  # running maximum of ends, so one bisect answers the query
        top = -1
        for h in ordered:
            top = max(top, h.end)
            self.max_end.append(top)

    def touches(self, start: int, end: int) -> bool:
        k = bisect.bisect_right(self.starts, end) - 1  # spans starting at or before `end`
        return k >= 0 and self.max_end[k] >= start
