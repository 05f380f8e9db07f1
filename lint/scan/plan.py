"""Splitting the inputs into partitions, and reading one partition's rows.

A partition is a whole file (CSV, gzip) or, for a plain JSONL file, a byte range cut at line
starts. Conversations are runs of consecutive rows with the same id, and a run may cross a cut;
so a partition owns the conversations whose first row lies in its range: it skips the rows that
continue the conversation in progress before its start (found once, when planning), and reads
past its end to finish its last conversation. A bad row is reported by the partition whose range holds it. Every partition,
run in any order on any machine, therefore sees whole conversations, and together they see each
row exactly once.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator

from .broken import BROKEN_STREAM, broken_reason
from .inputs import MAX_ROW_BYTES, BadRow, ColumnMap, Row, file_format, is_gzip, open_binary, parse_jsonl_line, read_csv
from ..encodings import is_utf8_compatible, resolve
from .snapshot import open_planned
from .textcodec import newline_safe
from .lines import bounded_lines, count_newlines, lines_backwards, skip_line

MAX_PARTITION_BYTES = 4 << 20  # enough work to pay for a task, small enough to checkpoint often
MIN_PARTITION_BYTES = 256 << 10
PARTITIONS_WANTED = 64  # so that a few workers share the work evenly


def auto_partition_bytes(total_bytes: int) -> int:
    """Partition size for a scan of `total_bytes`: ~64 partitions, within 256 KiB..4 MiB.

    It depends on the inputs only (not on the number of workers), so a scan resumed with other
    --workers is the same scan."""
    return max(MIN_PARTITION_BYTES, min(MAX_PARTITION_BYTES, total_bytes // PARTITIONS_WANTED))


@dataclass(frozen=True, slots=True)
class Partition:
    index: int
    path: str  # absolute
    display: str  # as the user named it (messages, outputs)
    format: str  # "jsonl" or "csv"
    start: int  # byte range [start, end) of a plain JSONL file; whole files: 0, -1
    end: int
    first_line: int  # line number of `start`
    size: int  # bytes, for progress
    in_progress: str | None = None  # conversation of the last usable row before `start`
    limit: int = -1  # the file's size when planned: nothing after it is read

    def to_dict(self) -> dict:
        return asdict(self)


def plan(paths: list[str], target_bytes: int | None = None, columns: ColumnMap | None = None,
         sizes: list[int] | None = None, encoding: str | None = None) -> list[Partition]:
    """Partitions of all inputs, in input order (`columns`: how to find conversation ids), each
    file taken up to its size in `sizes` (default: its size now)."""
    columns = columns or ColumnMap()
    if sizes is None:
        sizes = [Path(p).stat().st_size for p in paths]
    if target_bytes is None:
        target_bytes = auto_partition_bytes(sum(sizes))
    partitions: list[Partition] = []
    for display, size in zip(paths, sizes):
        path = Path(display).resolve()
        if file_format(path) == "csv" or is_gzip(path) or size <= target_bytes or not _splittable(path, encoding):
            partitions.append(Partition(len(partitions), str(path), display, file_format(path), 0, -1, 1, size,
                                        limit=size))
            continue
        with open_planned(path, size) as handle:
            actual = resolve(handle.peek(4)[:4], encoding)[0]
            previous: tuple[int, str | None] = (0, None)  # start of the last cut, its conversation in progress
            for start, end, line in _jsonl_cuts(handle, size, target_bytes):
                in_progress = _conversation_before(handle, start, previous, columns, actual) if start > 0 else None
                previous = (start, in_progress)
                partitions.append(Partition(len(partitions), str(path), display, "jsonl", start, end, line, end - start,
                                            in_progress, limit=size))
    return partitions


def _splittable(path: Path, encoding: str | None) -> bool:
    """Whether byte ranges cut at b"\\n" are whole lines (not in UTF-16/32)."""
    with open(path, "rb") as handle:
        return is_utf8_compatible(resolve(handle.read(4), encoding)[0])


def _jsonl_cuts(handle, size: int, target_bytes: int) -> list[tuple[int, int, int]]:
    """(start, end, line number of start) ranges, each ending just after a newline."""
    cuts = []
    start, line = 0, 1
    while start < size:
        handle.seek(min(start + target_bytes, size))
        if handle.tell() < size:
            skip_line(handle)  # to the end of the line we landed in (however long)
        end = handle.tell()
        cuts.append((start, end, line))
        start, line = end, line + count_newlines(handle, start, end)
    return cuts


def _conversation_before(handle, start: int, previous: tuple[int, str | None], columns: ColumnMap,
                         encoding: str) -> str | None:
    """Conversation id of the last usable row before byte `start` (a line start), however far
    back: looked for back to the previous cut, whose own answer holds when none is found there
    (so each byte is looked at once). Lines over the row limit are bad rows, stepped over unread."""
    stop, answer_there = previous
    for begin, end in lines_backwards(handle, start, stop):
        if end - begin > MAX_ROW_BYTES:
            continue
        handle.seek(begin)
        raw = handle.read(end - begin)
        if raw.strip():
            row = parse_jsonl_line(raw, "", 0, columns, encoding)
            if isinstance(row, Row):
                return row.conversation
    return answer_there


# --- reading a partition -----------------------------------------------------------------------

def read_partition(part: Partition, columns: ColumnMap, encoding: str | None = None) -> Iterator[Row | BadRow]:
    """`encoding`: --encoding (a BOM wins over it)."""
    if part.format == "csv":
        yield from read_csv(Path(part.path), part.display, columns, part.limit, encoding)
    elif part.end < 0:
        yield from _read_whole_jsonl(part, columns, encoding)
    else:
        yield from _read_jsonl_range(part, columns, encoding)


def _read_whole_jsonl(part: Partition, columns: ColumnMap, encoding: str | None) -> Iterator[Row | BadRow]:
    number = 0
    with open_binary(Path(part.path), part.limit) as raw_handle:
        try:
            handle, actual = newline_safe(raw_handle, encoding)
            for raw in bounded_lines(handle, MAX_ROW_BYTES):
                number += 1
                row = parse_jsonl_line(raw, part.display, number, columns, actual)
                if row is not None:
                    yield row
        except BROKEN_STREAM as exc:  # a damaged gzip file: the rows before stand
            yield BadRow(f"{part.display}:{number + 1}", broken_reason(exc))


def _read_jsonl_range(part: Partition, columns: ColumnMap, encoding: str | None) -> Iterator[Row | BadRow]:
    in_progress = part.in_progress
    display, end = part.display, part.end
    with open_planned(part.path, part.limit) as handle:
        actual, _ = resolve(handle.peek(4)[:4], encoding)  # a UTF-8 BOM itself is dropped by the parser
        handle.seek(part.start)
        position, number = part.start, part.first_line
        last: str | None = None  # conversation of the last row this partition kept
        lines = bounded_lines(handle, MAX_ROW_BYTES)
        for raw in lines:  # the lines that start in the range
            row = parse_jsonl_line(raw, display, number, columns, actual)
            number += 1
            position += len(raw) if type(raw) is bytes else raw
            if row is None:
                pass
            elif type(row) is BadRow:
                yield row
            elif in_progress is not None and row.conversation == in_progress:
                pass  # the previous partition owns this conversation
            else:
                in_progress = None
                last = row.conversation
                yield row
            if position >= end:
                break
        if last is None:
            return
        for raw in lines:  # past the range: only the conversation in progress goes on
            row = parse_jsonl_line(raw, display, number, columns, actual)
            number += 1
            if row is None or type(row) is BadRow:
                continue  # the next partition reports it
            if row.conversation != last:
                return
            yield row
