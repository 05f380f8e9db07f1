"""Which encoding a file is in, and what to tell the user when it is not the one we expected.

Replies and transcripts usually arrive as UTF-8, but exports from Chinese Windows tools (Excel,
WPS, older call-centre suites) are often GBK/GB18030 or UTF-16 with a byte-order mark. A BOM
decides the encoding by itself; otherwise the caller's `--encoding` (default UTF-8) does. When
bytes do not decode, the error says where and suggests the encoding that would have worked.
"""
from __future__ import annotations

import codecs
from functools import partial
from typing import BinaryIO, Callable, Iterator, NamedTuple

from .errors import InputError, TextTooLong

DEFAULT_ENCODING = "utf-8"
# longest first: the UTF-32 LE mark starts with the UTF-16 LE one
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def encoding_option(name: str) -> str:
    """An `--encoding` value checked against Python's codecs (argparse `type=`)."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise InputError(f"unknown encoding {name!r} (try utf-8, gb18030, gbk, big5 or utf-16)") from None


def sniff_bom(head: bytes) -> tuple[str | None, int]:
    """The encoding a byte-order mark at the start of `head` names, and the mark's length."""
    for mark, encoding in BOMS:
        if head.startswith(mark):
            return encoding, len(mark)
    return None, 0


def resolve(head: bytes, requested: str | None) -> tuple[str, int]:
    """The encoding to read a file with (a BOM wins over `requested`), and how many bytes to skip."""
    found, skip = sniff_bom(head)
    if found is not None:
        return found, skip
    return (requested or DEFAULT_ENCODING), 0


def is_utf8_compatible(encoding: str) -> bool:
    """Whether a newline byte in this encoding is always a line end (UTF-8 and the GB family: yes;
    UTF-16/32: no), so the file can be split into byte ranges at b"\\n"."""
    return not codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))


def suggest(data: bytes) -> str | None:
    """An encoding that decodes `data` (a sample) cleanly where UTF-8 did not, or None."""
    for candidate in ("gb18030", "big5"):
        try:
            data.decode(candidate)
        except UnicodeDecodeError:
            continue
        return candidate
    return None


def undecodable(encoding: str, error: UnicodeDecodeError, offset: int = 0) -> str:
    """'not valid UTF-8 at byte offset N' plus a hint at `--encoding` where one would help."""
    name = "UTF-8" if codecs.lookup(encoding).name == "utf-8" else encoding
    message = f"not valid {name} at byte offset {offset + error.start}"
    if codecs.lookup(encoding).name == "utf-8":
        guess = suggest(error.object[max(0, error.start - 64):error.start + 4096]) if isinstance(error.object, bytes) else None
        hint = f"--encoding {guess}" if guess else "--encoding (e.g. gb18030)"
        message += f"; if it came from a Windows tool, try {hint}"
    return message


def decode(data: bytes, requested: str | None = None) -> str:
    """The whole of `data` as text: BOM first, else `requested` (UTF-8 by default); InputError
    with the byte offset and a hint when it does not decode."""
    encoding, skip = resolve(data[:4], requested)
    try:
        return data[skip:].decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(undecodable(encoding, exc, skip)) from None


# --- bounded reading ----------------------------------------------------------------------------
#
# `cslint check` reads replies from files and pipes that may be endless (/dev/zero) or huge. Every
# read below takes at most a bound the caller derives from --max-chars, so memory stays bounded
# whatever the input; past the bound the input is refused (OverLimit) and the rest is not read.

CHUNK = 64 * 1024
BYTES_PER_CHAR = 4  # the most one character takes in UTF-8, GB18030, UTF-16 and UTF-32
_WIDE_SAMPLE = ("\U0010ffff", "\U0001f600", "中", "\u00e9", "\\", "~", "+")


def text_encoding_option(name: str) -> str:
    """Like `encoding_option`, but also refuses codecs that do not decode bytes to text (hex, rot13)."""
    encoding = encoding_option(name)
    try:
        b"a".decode(encoding, "ignore")  # empty bytes would not reach the codec
    except LookupError:
        raise InputError(f"{name!r} is not a text encoding (try utf-8, gb18030, gbk, big5 or utf-16)") from None
    return encoding


def max_bytes_per_char(encoding: str | None) -> int:
    """An upper bound on the bytes one character takes in `encoding` (4, or more for escaping
    codecs such as utf-7), so `n` characters are never more than `n * max_bytes_per_char` bytes."""
    widest = 0
    for char in _WIDE_SAMPLE:
        try:
            widest = max(widest, len(char.encode(encoding or DEFAULT_ENCODING)))
        except UnicodeEncodeError:
            continue
    return max(BYTES_PER_CHAR, widest)


def read_at_most(handle: BinaryIO, limit: int) -> bytes:
    """Up to `limit + 1` bytes of `handle`, read in chunks: more than `limit` means there was more,
    and a huge `limit` never becomes one huge allocation up front."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        want = min(CHUNK, limit + 1 - size)
        chunk = handle.read(want)
        chunks.append(chunk)
        size += len(chunk)
        if len(chunk) < want:  # a buffered stream reads short only at its end (^D on a terminal)
            break
    return b"".join(chunks)


def read_text(handle: BinaryIO, requested: str | None, max_bytes: int) -> str:
    """A whole stream as one text (see `decode`); OverLimit, without reading the rest, when it
    holds more than `max_bytes` bytes after a byte-order mark."""
    data = read_at_most(handle, max_bytes + 4)
    _, skip = sniff_bom(data[:4])
    if len(data) - skip > max_bytes:
        raise OverLimit(max_bytes)
    return decode(data, requested)


class OverLimit(TextTooLong):
    """The input went past the reading bound; the rest of it was not read."""

    def __init__(self, limit: int, unit: str = "bytes", line: int | None = None) -> None:
        self.limit = limit
        self.unit = unit
        self.line = line
        where = f"line {line} is" if line is not None else "it is"
        super().__init__(f"{where} longer than {limit:,} {unit}")


class Line(NamedTuple):
    """One line of a stream: its 1-based number and its text, or why it could not be decoded
    (a tuple: a batch makes one per record)."""

    number: int
    text: str | None
    error: str | None = None


class RawLine(NamedTuple):
    """A line of a UTF-8 stream not decoded yet (`read_lines(undecoded=True)`): its bytes and
    their offset in the stream, for `decode_line` when the caller needs its text."""

    number: int
    data: bytes
    offset: int


class RawLines(NamedTuple):
    """Complete lines of a UTF-8 stream, undecoded (`read_lines(batched=True)`): every line the
    stream held at one read, each without its b"\\n", after line `number` and from byte `offset`
    of the stream on (line `number + 1 + i` starts at `offset + sum(len(lines[j]) + 1 for j < i)`)."""

    number: int
    offset: int
    lines: list[bytes]


class _Pushback:
    """A binary stream with the bytes read ahead to sniff a BOM put back in front of it."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self.head = head
        self.stream = stream

    def read(self, size: int) -> bytes:
        """Up to `size` bytes, short only at the end of the stream (as BufferedReader.read)."""
        data, self.head = self.head[:size], self.head[size:]
        return data + self.stream.read(size - len(data)) if len(data) < size else data

    def readline(self, limit: int) -> bytes:
        if not self.head:
            return self.stream.readline(limit)
        end = self.head.find(b"\n", 0, limit)
        cut = end + 1 if end >= 0 else min(limit, len(self.head))
        line, self.head = self.head[:cut], self.head[cut:]
        if line.endswith(b"\n") or len(line) == limit:
            return line
        return line + self.stream.readline(limit - len(line))


def read_lines(handle: BinaryIO, requested: str | None, max_line: int,
               before_wait: Callable[[], None] | None = None, undecoded: bool = False,
               batched: bool = False) -> Iterator[Line | RawLine | RawLines]:
    """The lines of a stream in its encoding (a BOM wins over `requested`, as in `resolve`).

    A line longer than `max_line` (bytes; characters in UTF-16/32) raises OverLimit and the
    rest of the stream is not read. In UTF-8 and the GB family each line is decoded on its own,
    so a line that does not decode is one error Line and the others still count; UTF-16/32 is
    decoded as a stream, and bytes that do not decode there end it with an InputError.

    `before_wait` is called whenever every line read so far has been handed out and the stream
    must be read again, which may wait for a writer (a pipe, a terminal): a caller that buffers
    its output flushes it there, so whoever feeds the lines one by one gets each answer before
    sending the next.

    With `undecoded`, the lines of a UTF-8 stream come as RawLine tuples (orjson reads UTF-8
    bytes itself, and checks them); other encodings still give Lines. With `batched` too, the
    complete lines of each read come together as one RawLines (a batch costs a split, not a
    search and a tuple per line); a line that ends the stream without a newline, or lines that
    come near `max_line`, still come one by one as RawLine.
    """
    head = read_at_most(handle, 3)
    encoding, skip = resolve(head, requested)
    if is_utf8_compatible(encoding):
        raw = undecoded and codecs.lookup(encoding).name == "utf-8"
        return _byte_lines(head[skip:], handle, encoding, skip, max_line, before_wait, raw, raw and batched)
    return _decoded_lines(_Pushback(head[skip:], handle), encoding, skip, max_line)


def _byte_lines(buffer: bytes, handle: BinaryIO, encoding: str, offset: int, max_line: int,
                before_wait: Callable[[], None] | None, raw: bool = False,
                batched: bool = False) -> Iterator[Line | RawLine | RawLines]:
    """Lines split out of chunks read with `read1` (what the stream has, up to CHUNK bytes, one
    read at most), never reading more than `max_line + 1` bytes past the start of a line."""
    read = getattr(handle, "read1", None) or handle.read
    whole = not raw and codecs.lookup(encoding).name == "utf-8"  # complete lines may be decoded together
    pos = 0  # start of the next line in `buffer`
    number = 0
    ended = False
    undecodable_until = -1  # lines up to here did not decode together: one by one
    while True:
        if whole and pos > undecodable_until:  # every complete line at once, when they decode and fit
            last = buffer.rfind(b"\n", pos)
            if last >= 0 and last - pos < max_line:
                try:
                    parts = buffer[pos:last + 1].decode("utf-8").split("\n")
                except UnicodeDecodeError:
                    undecodable_until = last  # line by line below: the others still count
                else:
                    parts.pop()  # after the last newline: nothing
                    for part in parts:
                        number += 1
                        yield _new_line((number, part + "\n", None))
                    offset += last + 1 - pos
                    pos = last + 1
        elif batched:  # every complete line at once, undecoded, when together they fit in max_line
            last = buffer.rfind(b"\n", pos)
            if last >= 0 and last - pos < max_line:
                lines = buffer[pos:last].split(b"\n")
                yield _new_raw_lines((number, offset, lines))
                number += len(lines)
                offset += last + 1 - pos
                pos = last + 1
        end = buffer.find(b"\n", pos, pos + max_line)  # a line of max_line bytes ends within them
        if end < 0:
            rest = len(buffer) - pos
            if rest > max_line:
                raise OverLimit(max_line, "bytes", number + 1)
            if ended:
                if rest:
                    number += 1
                    if raw:
                        yield _new_raw_line((number, buffer[pos:], offset))
                    else:
                        yield decode_line(number, buffer[pos:], encoding, offset)
                return
            if before_wait is not None:
                before_wait()
            chunk = read(min(CHUNK, max_line + 1 - rest))
            buffer = buffer[pos:] + chunk
            undecodable_until -= pos
            pos = 0
            ended = not chunk
            continue
        number += 1
        if raw:
            yield _new_raw_line((number, buffer[pos:end + 1], offset))
        else:
            yield decode_line(number, buffer[pos:end + 1], encoding, offset)
        offset += end + 1 - pos
        pos = end + 1


_new_line = partial(tuple.__new__, Line)  # Line((number, text, error)) without Line.__new__'s Python frame


_new_raw_line = partial(tuple.__new__, RawLine)
_new_raw_lines = partial(tuple.__new__, RawLines)


def decode_line(number: int, raw: bytes, encoding: str, offset: int) -> Line:
    """Line `number` of a stream from its bytes at `offset`: its text, or why it does not decode."""
    try:
        return Line(number, raw.decode(encoding))
    except UnicodeDecodeError as exc:
        return Line(number, None, undecodable(encoding, exc, offset))


def _decoded_lines(stream: _Pushback, encoding: str, offset: int, max_line: int) -> Iterator[Line]:
    decoder = codecs.getincrementaldecoder(encoding)()
    pending = ""
    number = 0
    while True:
        chunk = stream.read(CHUNK)
        final = len(chunk) < CHUNK  # a short read is the end: never wait for a second ^D
        failure = None
        try:
            pending += decoder.decode(chunk, final=final)
        except UnicodeDecodeError as exc:  # keep the lines before the bad bytes, then stop
            buffered = len(exc.object) - len(chunk)  # bytes the decoder held back from earlier chunks
            failure = InputError(undecodable(encoding, exc, offset - buffered))
            pending += exc.object[:exc.start].decode(encoding, "replace")
        offset += len(chunk)
        *complete, pending = pending.split("\n")
        for text in complete:
            number += 1
            if len(text) >= max_line:
                raise OverLimit(max_line, "characters", number)
            yield Line(number, text + "\n")
        if failure is not None:
            raise failure
        if len(pending) > max_line:
            raise OverLimit(max_line, "characters", number + 1)
        if final:
            if pending:
                yield Line(number + 1, pending)
            return
