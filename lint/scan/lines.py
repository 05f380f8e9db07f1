"""Lines of a binary file in bounded memory, forwards and backwards.

A transcript row is at most `MAX_ROW_BYTES`; a longer line (a 100 MB blob in a JSONL export) is
a bad row, so it is stepped over in chunks and never held whole. Every function here reads each
byte at most once, so planning and reading stay linear in the size of the file.
"""
from __future__ import annotations

from typing import BinaryIO, Iterator

CHUNK = 1 << 20


def bounded_lines(handle: BinaryIO, limit: int) -> Iterator[bytes | int]:
    """Each line (newline included) as bytes when it is at most `limit` bytes, else its length
    (an int): the line was read through, not kept."""
    while True:
        line = handle.readline(limit + 1)
        if len(line) <= limit:
            if not line:
                return
            yield line
            continue
        size = len(line)
        if not line.endswith(b"\n"):
            size += skip_line(handle)
        yield size


def skip_line(handle: BinaryIO) -> int:
    """Read to just past the next newline (or the end); returns how many bytes that was."""
    skipped = 0
    while True:
        chunk = handle.readline(CHUNK)
        skipped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return skipped


def count_newlines(handle: BinaryIO, start: int, end: int) -> int:
    """Newlines in bytes [start, end) of the file."""
    handle.seek(start)
    count = 0
    left = end - start
    while left > 0:
        chunk = handle.read(min(CHUNK, left))
        if not chunk:
            break
        count += chunk.count(b"\n")
        left -= len(chunk)
    return count


def lines_backwards(handle: BinaryIO, end: int, stop: int = 0) -> Iterator[tuple[int, int]]:
    """(start, end) byte ranges of the lines in [stop, end), last line first; `end` and `stop`
    are line starts. Only newline positions are looked for: the caller reads the lines it wants."""
    line_end = end
    position = end - 1  # the newline that ends the last line is not a line start
    while position > stop:
        begin = max(stop, position - CHUNK)
        handle.seek(begin)
        chunk = handle.read(position - begin)
        cut = len(chunk)
        while True:
            found = chunk.rfind(b"\n", 0, cut)
            if found < 0:
                break
            yield begin + found + 1, line_end
            line_end = begin + found + 1
            cut = found
        position = begin
    if line_end > stop:
        yield stop, line_end
