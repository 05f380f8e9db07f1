"""CSV records with their line numbers, and a guard against a runaway quoted field.

One unclosed quote makes the csv module read everything after it, up to the next quote or the
end of the file, as a single field: hundreds of rows silently become one turn. A record spanning
several lines is therefore looked at again: it is a runaway when its quoted field ran into the end
of the file, when it grew past the row limit, or when its inner lines look like rows of their own
(the header's number of fields, a known role). A runaway is reported at the line of its opening
quote, and reading restarts on the line after it, so the rows it swallowed are still read.
"""
from __future__ import annotations

import csv
from collections import deque
from dataclasses import dataclass
from typing import Callable, Iterator

from .broken import BROKEN_STREAM, broken_reason

MAX_RECORD_CHARS = 1 << 20  # as inputs.MAX_ROW_BYTES


class _TooLong(Exception):
    """The record being read grew past the limit."""


class Tape:
    """Text lines handed to csv.reader one at a time. It keeps the lines of the record being
    read (at most about `limit` characters), so reading can restart after the first of them."""

    def __init__(self, lines: Iterator[str], limit: int = MAX_RECORD_CHARS) -> None:
        self._source = lines
        self._again: deque[str] = deque()
        self.limit = limit
        self.taken: list[str] = []
        self._chars = 0
        self.number = 0  # line number of the last line handed out
        self.ended = False  # the source ran out while a record was being read

    def __iter__(self) -> "Tape":
        return self

    def __next__(self) -> str:
        if self._again:
            line = self._again.popleft()
        else:
            try:
                line = next(self._source)
            except StopIteration:
                self.ended = True
                raise
        self.number += 1
        self.taken.append(line)
        self._chars += len(line)
        if self._chars > self.limit:
            raise _TooLong
        return line

    def start_record(self) -> int:
        """Forget the last record; returns the line number of the next one."""
        self.taken = []
        self._chars = 0
        self.ended = False
        return self.number + 1

    def rewind(self) -> None:
        """Hand out again every line of the current record but its first."""
        self._again.extendleft(reversed(self.taken[1:]))
        self.number -= len(self.taken) - 1
        self.taken = []
        self._chars = 0
        self.ended = False


@dataclass(frozen=True, slots=True)
class Record:
    line: int  # line number of its first line
    fields: list[str] | None  # None: not a usable record (see `problem`)
    problem: str | None = None


def records(lines: Iterator[str], dialect: type[csv.Dialect], looks_like_row: Callable[[list[str]], bool],
            limit: int = MAX_RECORD_CHARS) -> Iterator[Record]:
    """The records of a CSV text (header included), each with its first line number.

    `looks_like_row(fields)`: whether a line on its own would be a row of this file."""
    tape = Tape(lines, limit)
    reader = csv.reader(tape, dialect)
    while True:
        start = tape.start_record()
        try:
            fields = next(reader)
        except StopIteration:
            return
        except BROKEN_STREAM as exc:  # a damaged gzip file: what came before stands
            yield Record(start, None, broken_reason(exc))
            return
        except _TooLong:
            if len(tape.taken) == 1:
                yield Record(start, None, f"row over the {limit:,}-character limit")
                tape.start_record()
                continue
            yield Record(start, None, _runaway(len(tape.taken), f"past the {limit:,}-character row limit"))
            tape.rewind()
            continue
        taken = len(tape.taken)
        if taken > 1:
            if tape.ended:
                yield Record(start, None, _runaway(taken, "to the end of the file"))
                tape.rewind()
                continue
            if _inner_rows(tape.taken[1:], dialect, looks_like_row):
                yield Record(start, None, _runaway(taken, "over lines that look like rows of their own"))
                tape.rewind()
                continue
        yield Record(start, fields)


def _runaway(lines: int, how: str) -> str:
    return (f"unclosed quote: the quoted field opened on this line runs {how} ({lines:,} lines); "
            "this row is skipped and the lines after it are read as rows")


def _inner_rows(inner: list[str], dialect: type[csv.Dialect], looks_like_row: Callable[[list[str]], bool]) -> bool:
    """Whether at least half of the non-blank inner lines of a record (and one at least) look
    like rows."""
    candidates = [line for line in inner if line.strip()]
    if not candidates:
        return False
    rows = sum(1 for line in candidates if looks_like_row(next(csv.reader([line], dialect), [])))
    return rows > 0 and 2 * rows >= len(candidates)
