"""`kind: pattern`: ordered literal pieces with bounded gaps (反问, 质问, 讽刺, 推诿).

Each term is a sequence such as `难道 … 吗|不成` (see lint.sequence); `max_gap` bounds every
gap, and a gap never crosses clause punctuation. Same fields as phrase rules, but `boundary`
defaults to none, `fix` to display (a tone rewrite is a proposal: the meaning may change) and
`rewrite` to clause (the rewrite replaces the clause the pattern sits in).
"""
from __future__ import annotations

from .matching import MatchKind

KIND = MatchKind("pattern", allow_gaps=True, boundary_default="none", fix_default="display", rewrite_default="clause")
