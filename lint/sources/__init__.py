"""Canned-reply files as replies to check: which files (walk.py), how each format is read
(text.py, structured.py, tables.py) and where each reply sits in its file (model.py).

    for path in iter_files(["macros/"], SUFFIXES, include=["*.yaml"]):
        source = read_source(path)
        for reply in source.replies:
            result = checker.check(reply.text)
            for d in result.diagnostics:
                print(reply.location(d.start), d.message)   # macros/a.yaml:3:12

lint/fix_files.py writes edits of the replies back into the file.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from .decode import decode_file
from .model import Location, Reply, SourceError, SourceFile
from .structured import read_json, read_yaml
from .tables import read_csv, read_tsv, read_xlsx
from .text import read_markdown, read_text
from .walk import iter_files, repository_root

# extension -> (format name, reader of decoded text); .xlsx is read from the file itself
TEXT_READERS: dict[str, tuple[str, Callable[..., list[Reply]]]] = {
    ".txt": ("text", read_text),
    ".md": ("markdown", read_markdown),
    ".markdown": ("markdown", read_markdown),
    ".yaml": ("yaml", read_yaml),
    ".yml": ("yaml", read_yaml),
    ".json": ("json", read_json),
    ".csv": ("csv", read_csv),
    ".tsv": ("tsv", read_tsv),
}
SUFFIXES = (*TEXT_READERS, ".xlsx")
TABLES = ("csv", "tsv")

__all__ = ["Location", "Reply", "SourceError", "SourceFile", "SUFFIXES", "iter_files", "read_source",
           "parse_source", "repository_root"]


def format_of(path: str) -> str:
    """The format a path is read as: by extension, plain text for any other."""
    suffix = Path(path).suffix.lower()
    if suffix == ".xlsx":
        return "xlsx"
    return TEXT_READERS.get(suffix, ("text", read_text))[0]


def read_source(path: str, column: str | None = None, encoding: str | None = None,
                max_bytes: int | None = None) -> SourceFile:
    """A file's replies. `column` picks the reply column of a CSV/TSV/.xlsx, `encoding` is used
    when the file has no byte-order mark (default: UTF-8, else GB18030), and a file over
    `max_bytes` is refused. Every problem is a one-line SourceError."""
    fmt = format_of(path)
    if fmt == "xlsx":
        if max_bytes is not None and _size(path) > max_bytes:
            raise SourceError(path, f"file is larger than {max_bytes:,} bytes")
        return SourceFile(path, fmt, tuple(read_xlsx(path, column)), options={"column": column})
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1) if max_bytes is not None else handle.read()
    except OSError as exc:
        raise SourceError(path, f"cannot read: {exc.strerror or exc}") from None
    if max_bytes is not None and len(data) > max_bytes:
        raise SourceError(path, f"file is larger than {max_bytes:,} bytes")
    return parse_source(path, data, column, encoding)


def parse_source(path: str, data: bytes, column: str | None = None, encoding: str | None = None) -> SourceFile:
    """Like `read_source`, from a text file's bytes already in hand (used to re-read a fix)."""
    fmt = format_of(path)
    text, used, bom = decode_file(path, data, encoding)
    reader = TEXT_READERS.get(Path(path).suffix.lower(), ("text", read_text))[1]
    replies = reader(path, text, column) if fmt in TABLES else reader(path, text)
    return SourceFile(path, fmt, tuple(replies), text, used, bom, {"column": column, "encoding": encoding})


def _size(path: str) -> int:
    try:
        return Path(path).stat().st_size
    except OSError as exc:
        raise SourceError(path, f"cannot read: {exc.strerror or exc}") from None
