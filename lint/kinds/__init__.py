"""Rule kinds, a closed set (Vale's extension points): each parses its own YAML fields into a
frozen spec and knows how to check a reply with it. The interface is `Kind` (lint.kinds.base)."""
from __future__ import annotations

from . import pattern, phrase, required
from .base import Kind, RuleSpec

KINDS: dict[str, Kind] = {kind.name: kind for kind in (phrase.KIND, pattern.KIND, required.KIND)}

__all__ = ["KINDS", "Kind", "RuleSpec"]
