"""Bytes of a text file to text, remembering how to write it back (encoding and byte-order mark).

A BOM decides (UTF-8, UTF-16, UTF-32); otherwise the caller's encoding; with none given, UTF-8,
and GB18030 when the file is not UTF-8 but is valid GB18030 (what Excel and WPS on Chinese
Windows save CSV and text as). Anything else is a one-line SourceError with the byte offset.
"""
from __future__ import annotations

import codecs

from ..encodings import DEFAULT_ENCODING, sniff_bom, undecodable
from .model import SourceError

FALLBACK = "gb18030"


def decode_file(path: str, data: bytes, requested: str | None = None) -> tuple[str, str, bytes]:
    """(text, encoding, bom) of a file's bytes (see the module docstring)."""
    found, skip = sniff_bom(data[:4])
    bom = data[:skip]
    body = data[skip:]
    encoding = found or requested or DEFAULT_ENCODING
    try:
        return body.decode(encoding), codecs.lookup(encoding).name, bom
    except UnicodeDecodeError as exc:
        if found is None and requested is None:
            try:
                return body.decode(FALLBACK), FALLBACK, bom
            except UnicodeDecodeError:
                pass
        raise SourceError(path, undecodable(encoding, exc, skip)) from None

