"""Readers for plain text (the whole file is one reply, as `cslint check FILE` has always read
it) and Markdown (each paragraph or list item is a reply)."""
from __future__ import annotations

import re

from .model import RAW, LineIndex, Reply

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r" {0,3}#{1,6}(\s|$)")
_SETEXT = re.compile(r" {0,3}(=+|-+)\s*$")
_BREAK = re.compile(r" {0,3}([-*_])(\s*\1){2,}\s*$")
_ITEM = re.compile(r"\s*(?:[-*+]|\d{1,9}[.)])\s+")
_QUOTE = re.compile(r" {0,3}(?:>\s?)+")
_TABLE = re.compile(r"\s*\|")


def read_text(path: str, text: str) -> list[Reply]:
    """The whole file, one reply; nothing when it is empty or blank."""
    if not text.strip():
        return []
    return [Reply(text, path, tuple(range(len(text) + 1)), quoting=RAW, span=(0, len(text)), lines=LineIndex(text))]


def _lines(text: str) -> list[tuple[int, str]]:
    """(offset of the line in `text`, the line without its line end)."""
    found = []
    offset = 0
    for line in text.splitlines(keepends=True):
        content = line.rstrip("\r\n")
        found.append((offset, content))
        offset += len(line)
    return found


class _Paragraph:
    """The pieces of one reply being gathered: each line's kept text and where it starts."""

    def __init__(self) -> None:
        self.pieces: list[tuple[int, str, int]] = []  # (start offset, text, offset of the line end)

    def add(self, start: int, piece: str, line_end: int) -> None:
        self.pieces.append((start, piece, line_end))

    def reply(self, path: str, lines: LineIndex) -> Reply | None:
        if not self.pieces:
            return None
        chars: list[str] = []
        offsets: list[int] = []
        for number, (start, piece, line_end) in enumerate(self.pieces):
            if number:
                chars.append("\n")
                offsets.append(self.pieces[number - 1][2])
            chars.extend(piece)
            offsets.extend(range(start, start + len(piece)))
        last_start, last_piece, _ = self.pieces[-1]
        offsets.append(last_start + len(last_piece))
        span = (self.pieces[0][0], offsets[-1])
        return Reply("".join(chars), path, tuple(offsets), quoting=RAW, span=span, lines=lines)


def read_markdown(path: str, text: str) -> list[Reply]:
    """Paragraphs and list items; headings, code (fenced), tables, HTML comments, thematic breaks
    and YAML front matter are skipped. List and quote markers are not part of a reply."""
    index = LineIndex(text)
    lines = _lines(text)
    replies: list[Reply] = []
    current = _Paragraph()

    def close() -> None:
        nonlocal current
        reply = current.reply(path, index)
        if reply is not None:
            replies.append(reply)
        current = _Paragraph()

    number = 0
    if lines and lines[0][1].strip() == "---":  # front matter: up to the next --- or ...
        number = 1
        while number < len(lines) and lines[number][1].strip() not in ("---", "..."):
            number += 1
        number += 1
    fence: str | None = None
    in_comment = False
    while number < len(lines):
        offset, line = lines[number]
        number += 1
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            continue
        if in_comment:
            in_comment = "-->" not in line
            continue
        opening = _FENCE.match(line)
        if opening:
            close()
            fence = opening.group(1)[:3]
            continue
        if line.lstrip().startswith("<!--"):
            close()
            in_comment = "-->" not in line
            continue
        if not line.strip() or _HEADING.match(line) or _TABLE.match(line):
            close()
            continue
        if _SETEXT.match(line) and current.pieces:  # the paragraph above was a heading
            current = _Paragraph()
            continue
        if _BREAK.match(line):
            close()
            continue
        start = 0
        quote = _QUOTE.match(line)
        if quote:
            start = quote.end()
        item = _ITEM.match(line, start)
        if item:
            close()
            start = item.end()
        content = line[start:]
        lead = len(content) - len(content.lstrip())
        piece = content.strip()
        current.add(offset + start + lead, piece, offset + len(line))
    close()
    return replies
