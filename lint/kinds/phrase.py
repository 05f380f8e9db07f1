"""`kind: phrase`: literal terms (forbidden words, jargon, fillers, 你) with their innocent uses.

Fields: terms (list, or mapping term -> suggestion), exceptions, at, boundary (default word),
ignore_in_quotes (default true), unless_explained, suggestions, fix (default unsafe).
"""
from __future__ import annotations

from .matching import COMMON_KEYS, MatchSpec, check_match, parse_match_spec

KEYS = ("terms",) + COMMON_KEYS


def parse(fields) -> MatchSpec:
    return parse_match_spec(fields, allow_gaps=False, boundary_default="word", fix_default="unsafe")


check = check_match
