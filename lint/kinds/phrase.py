"""`kind: phrase`: literal terms (forbidden words, jargon, fillers, 你) with their innocent uses.

Fields: terms (list, or mapping term -> suggestion), exceptions, at, boundary (default word),
ignore_in_quotes (default true), unless_explained, suggestions, fix (default unsafe). A term may
name a compound with room for a word inside (`升级 … 处理` finds 升级专员处理): the gap is at most
`max_gap` characters, 2 by default for phrases.
"""
from __future__ import annotations

from .matching import MatchKind

KIND = MatchKind("phrase", allow_gaps=True, boundary_default="word", fix_default="unsafe", max_gap_default=2)
