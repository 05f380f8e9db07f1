"""`kind: phrase`: literal terms (forbidden words, jargon, fillers, 你) with their innocent uses.

Fields: terms (list, or mapping term -> suggestion), exceptions, at, boundary (default word),
ignore_in_quotes (default true), unless_explained, suggestions, fix (default unsafe).
"""
from __future__ import annotations

from .matching import MatchKind

KIND = MatchKind("phrase", allow_gaps=False, boundary_default="word", fix_default="unsafe")
