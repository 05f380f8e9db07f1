"""Which encoding an input is in, and its bytes as the readers want them.

The readers split lines at b"\\n", which is right for UTF-8 and the GB family (a newline byte is
always a line end) but not for UTF-16/32. A file's encoding is its BOM's, else `--encoding`
(UTF-8 by default; see lint/encodings.py). UTF-16/32 files are read whole, through a decoder that
re-encodes them as UTF-8 on the fly, so every reader sees a newline-safe byte stream.
"""
from __future__ import annotations

import codecs
import io
from typing import BinaryIO

from ..encodings import is_utf8_compatible, resolve, undecodable

HEAD = 4  # enough for any BOM


def file_encoding(stream: BinaryIO, requested: str | None) -> tuple[str, int]:
    """(encoding, BOM length) of a stream positioned at its start (peeked, not consumed)."""
    head = stream.peek(HEAD)[:HEAD] if hasattr(stream, "peek") else b""
    return resolve(head, requested)


def newline_safe(stream: BinaryIO, requested: str | None) -> tuple[BinaryIO, str]:
    """The stream past its BOM, in an encoding whose newline bytes are line ends, and that
    encoding (UTF-16/32 come back re-encoded as UTF-8)."""
    encoding, skip = file_encoding(stream, requested)
    stream.read(skip)
    if is_utf8_compatible(encoding):
        return stream, encoding
    return io.BufferedReader(_Recoded(stream, encoding), buffer_size=1 << 16), "utf-8"


class _Recoded(io.RawIOBase):
    """A UTF-16/32 byte stream read as UTF-8 (undecodable units become U+FFFD)."""

    def __init__(self, source: BinaryIO, encoding: str) -> None:
        self._source = source
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            chunk = self._source.read(1 << 16)
            self._pending = self._decoder.decode(chunk, final=not chunk).encode("utf-8", "surrogatepass")
            if not chunk:
                break
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def undecodable_reason(data: bytes, encoding: str, offset: int = 0) -> str:
    """Why `data` (which does not decode) is a bad row, with a hint at --encoding."""
    try:
        data.decode(encoding)
    except UnicodeDecodeError as exc:
        return f"undecodable bytes: {undecodable(encoding, exc, offset)}"
    return f"undecodable bytes (not {encoding})"
