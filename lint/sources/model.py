"""What a reader makes of a file: the replies in it, each knowing where it sits in the file.

A reply's text is what the checker sees (a YAML string's value, a CSV cell without its quotes).
`offsets[k]` is where the reply's character k starts in the file's decoded text, and
`offsets[len(text)]` is just past its last character, so a finding at reply offset k maps to a
file line and column (`Reply.location`) and an edit of the reply maps to an edit of the file
(lint/fix_files.py). Spreadsheet cells (.xlsx) have no file text: they carry their cell instead.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from ..errors import InputError


class SourceError(InputError):
    """A file that cannot be read as replies: `path:line: what is wrong` (line where known)."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


class LineIndex:
    """Maps a code-point offset in a text to its 1-based line and column (lines end at "\\n")."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        position = text.find("\n")
        while position >= 0:
            self.starts.append(position + 1)
            position = text.find("\n", position + 1)

    def line_column(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1


@dataclass(frozen=True)
class Location:
    """Where a character of a reply is: `path:line:column` in a text file (1-based, code points).

    `key` is what a person looks for besides the line: a YAML/JSON key path (`greetings[2].text`),
    a CSV row and column name, or an .xlsx cell (`Sheet1!B3`, where `line` is None and `column`
    counts characters inside the cell).
    """

    path: str
    line: int | None
    column: int
    key: str | None = None

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}:{self.key}:{self.column}"
        return f"{self.path}:{self.line}:{self.column}"


# how a reply is written in its file, which decides how an edit is escaped (lint/fix_files.py)
RAW = "raw"                  # plain text, Markdown: the characters as they are
DOUBLE_QUOTED = "double"     # a JSON string or a YAML "..." scalar: backslash escapes
SINGLE_QUOTED = "single"     # a YAML '...' scalar: '' for '
PLAIN = "plain"              # a YAML plain scalar: no escapes, some characters not allowed
BLOCK = "block"              # a YAML | or > block scalar
CSV_QUOTED = "csv-quoted"    # a CSV field in "...", "" for "
CSV_PLAIN = "csv-plain"      # a CSV field without quotes
CELL = "cell"                # an .xlsx cell, rewritten whole


@dataclass(frozen=True)
class Reply:
    """One reply read from a file (see the module docstring for `offsets`).

    `span` is the whole token in the file text (quotes included), for rewriting it whole;
    `cell` is (sheet, row, column) for .xlsx replies, whose `offsets` are empty.
    """

    text: str
    path: str
    offsets: tuple[int, ...] = ()
    key: str | None = None
    quoting: str = RAW
    span: tuple[int, int] = (0, 0)
    cell: tuple[str, int, int] | None = None
    lines: LineIndex | None = field(default=None, repr=False, compare=False)

    def line_column(self, offset: int) -> tuple[int, int]:
        """The file line and column of the reply's character `offset` (for a cell: its row, and
        the character's place in the cell), what a formatter prints after the path."""
        where = self.location(offset)
        return (where.line if where.line is not None else self.cell[1] if self.cell else 1), where.column

    def location(self, offset: int = 0) -> Location:
        """Where the reply's character `offset` is (its end when `offset == len(text)`)."""
        if self.cell is not None or self.lines is None:
            return Location(self.path, None, offset + 1, self.key)
        line, column = self.lines.line_column(self.offsets[offset])
        return Location(self.path, line, column, self.key)


@dataclass(frozen=True)
class SourceFile:
    """A file read as replies, with what is needed to write it back byte for byte.

    `text` is the decoded content without its byte-order mark (None for .xlsx); `bom` is the mark
    as it was, and `encoding` the codec the rest was decoded with.
    """

    path: str
    format: str
    replies: tuple[Reply, ...]
    text: str | None = None
    encoding: str = "utf-8"
    bom: bytes = b""
    options: dict = field(default_factory=dict, compare=False)
