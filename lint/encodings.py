"""Which encoding a file is in, and what to tell the user when it is not the one we expected.

Replies and transcripts usually arrive as UTF-8, but exports from Chinese Windows tools (Excel,
WPS, older call-centre suites) are often GBK/GB18030 or UTF-16 with a byte-order mark. A BOM
decides the encoding by itself; otherwise the caller's `--encoding` (default UTF-8) does. When
bytes do not decode, the error says where and suggests the encoding that would have worked.
"""
from __future__ import annotations

import codecs

from .errors import InputError

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
