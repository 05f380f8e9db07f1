"""Code-point offsets -> UTF-16 code units (what JavaScript and LanguageTool clients count)."""
from __future__ import annotations

from typing import Callable


def utf16_prefix(text: str) -> list[int]:
    """prefix[i] = UTF-16 length of text[:i]."""
    prefix = [0]
    for ch in text:
        prefix.append(prefix[-1] + (2 if ord(ch) >= 0x10000 else 1))
    return prefix


def utf16_offsets(text: str) -> Callable[[int], int]:
    """A function mapping a code-point offset of `text` to UTF-16 code units."""
    if len(text.encode("utf-16-le")) == 2 * len(text):  # no astral character (emoji...): the offsets agree
        return _same
    return utf16_prefix(text).__getitem__


def _same(offset: int) -> int:
    return offset
