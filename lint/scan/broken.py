"""Inputs that end early: a truncated or corrupt gzip stream.

Reading stops there; the rows before it are kept and one bad row says why, so one damaged file
in an archive costs its own tail, not the scan.
"""
from __future__ import annotations

import gzip
import zlib

BROKEN_STREAM = (EOFError, zlib.error, gzip.BadGzipFile)


def broken_reason(exc: BaseException) -> str:
    what = "truncated" if isinstance(exc, EOFError) else "corrupt"
    return f"{what} gzip data ({exc}); the rows before this line were read, the rest of the file was not"
