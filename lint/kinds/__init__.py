"""Rule kinds, a closed set (Vale's extension points): each module parses its own YAML fields
into a frozen spec and knows how to check a reply with it."""
from __future__ import annotations

from . import pattern, phrase, required

KINDS = {
    "phrase": phrase,
    "pattern": pattern,
    "required": required,
}
