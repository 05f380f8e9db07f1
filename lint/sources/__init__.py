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
from typing import Callable, Iterable, Iterator, Sequence

from .model import Location, Reply, SourceError, SourceFile

# extension -> format name; .xlsx is read from the file itself. The readers (and what they
# import: PyYAML, pathspec, openpyxl) are imported when a file of their format is read.
FORMATS: dict[str, str] = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
}
SUFFIXES = (*FORMATS, ".xlsx")
TABLES = ("csv", "tsv")

__all__ = ["Location", "Reply", "SourceError", "SourceFile", "SUFFIXES", "iter_files", "read_source",
           "parse_source", "repository_root"]


def format_of(path: str) -> str:
    """The format a path is read as: by extension, plain text for any other."""
    suffix = Path(path).suffix.lower()
    if suffix == ".xlsx":
        return "xlsx"
    return FORMATS.get(suffix, "text")


def _reader(fmt: str) -> Callable[..., list[Reply]]:
    """The function that reads decoded text of format `fmt` into replies."""
    if fmt in ("text", "markdown"):
        from .text import read_markdown, read_text

        return read_text if fmt == "text" else read_markdown
    if fmt in ("yaml", "json"):
        from .structured import read_json, read_yaml

        return read_yaml if fmt == "yaml" else read_json
    from .tables import read_csv, read_tsv

    return read_csv if fmt == "csv" else read_tsv


def iter_files(paths: Sequence[str], suffixes: Iterable[str], include: Sequence[str] | None = None,
               exclude: Sequence[str] | None = None, respect_gitignore: bool = True) -> Iterator[str]:
    """lint.sources.walk.iter_files, imported when called (it needs pathspec only for folders)."""
    from .walk import iter_files as walk

    return walk(paths, suffixes, include, exclude, respect_gitignore)


def repository_root(start: Path) -> Path | None:
    from .walk import repository_root as root

    return root(start)


def read_source(path: str, column: str | None = None, encoding: str | None = None,
                max_bytes: int | None = None) -> SourceFile:
    """A file's replies. `column` picks the reply column of a CSV/TSV/.xlsx, `encoding` is used
    when the file has no byte-order mark (default: UTF-8, else GB18030), and a file over
    `max_bytes` is refused. Every problem is a one-line SourceError."""
    fmt = format_of(path)
    if fmt == "xlsx":
        if max_bytes is not None and _size(path) > max_bytes:
            raise SourceError(path, f"file is larger than {max_bytes:,} bytes")
        from .tables import read_xlsx

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
    from .decode import decode_file

    text, used, bom = decode_file(path, data, encoding)
    reader = _reader(fmt)
    replies = reader(path, text, column) if fmt in TABLES else reader(path, text)
    return SourceFile(path, fmt, tuple(replies), text, used, bom, {"column": column, "encoding": encoding})


def _size(path: str) -> int:
    try:
        return Path(path).stat().st_size
    except OSError as exc:
        raise SourceError(path, f"cannot read: {exc.strerror or exc}") from None
