"""Readers for CSV/TSV and Excel .xlsx: the cells of one column are the replies.

The column is the one named by `column=` (a header, compared without case or surrounding
spaces, or a 1-based number), else the first header among COMMON_NAMES, else the only column.
The first row is the header. A CSV reply knows its line and column in the file and its row and
column name (`row 3, 回复`); an .xlsx reply knows its cell (`话术!B3`).
"""
from __future__ import annotations

from typing import Sequence

from .model import CELL, CSV_PLAIN, CSV_QUOTED, LineIndex, Reply, SourceError

COMMON_NAMES = ("reply", "replies", "text", "content", "message", "body", "answer", "response",
                "回复", "话术", "内容", "回复内容", "快捷回复", "话术内容", "标准话术", "答案", "文本", "消息")


def pick_column(path: str, header: Sequence[str], column: str | None, line: int | None = 1) -> int:
    """The 0-based index of the reply column in `header` (see the module docstring)."""
    names = [str(name or "").strip() for name in header]
    folded = [name.casefold() for name in names]
    if column is not None:
        wanted = column.strip().casefold()
        if wanted in folded:
            return folded.index(wanted)
        if column.strip().isdigit() and 1 <= int(column) <= len(names):
            return int(column) - 1
        raise SourceError(path, f"no column {column!r} (columns: {', '.join(names) or 'none'})", line)
    for common in COMMON_NAMES:
        if common.casefold() in folded:
            return folded.index(common.casefold())
    if len(names) == 1:
        return 0
    raise SourceError(path, f"no reply column among {', '.join(names) or 'no columns'}; "
                      f"name one with --column (looked for {', '.join(COMMON_NAMES[:4])}, 回复, 话术, 内容…)", line)


# --- CSV / TSV ----------------------------------------------------------------------------------

Field = tuple[int, int, bool]  # start, end (in the file text, quotes included), quoted


def split_records(path: str, text: str, delimiter: str) -> list[list[Field]]:
    """The records of a CSV text as field spans (RFC 4180: "" inside quotes, line breaks allowed
    inside quoted fields; a record ends at \\n or \\r\\n)."""
    records: list[list[Field]] = []
    fields: list[Field] = []
    i, size = 0, len(text)
    while size:
        start = i
        if i < size and text[i] == '"':
            i += 1
            while True:
                close = text.find('"', i)
                if close < 0:
                    raise SourceError(path, "a quoted field is never closed", LineIndex(text).line_column(start)[0])
                i = close + 2 if text.startswith('""', close) else close + 1
                if i == close + 1:
                    break
        while i < size and text[i] not in (delimiter, "\n", "\r"):  # text after a closing quote stays in the field
            i += 1
        fields.append((start, i, text[start:start + 1] == '"'))
        if i < size and text[i] == delimiter:
            i += 1
            continue
        records.append(fields)
        fields = []
        if i >= size:
            break
        i += 2 if text.startswith("\r\n", i) else 1
        if i >= size:
            break
    return [record for record in records if len(record) > 1 or record[0][0] < record[0][1]]


def field_value(text: str, field: Field) -> str:
    start, end, quoted = field
    if not quoted:
        return text[start:end]
    raw = text[start + 1:end]
    close = raw.rfind('"')
    return raw[:close].replace('""', '"') + raw[close + 1:] if close >= 0 else raw


def _field_offsets(text: str, field: Field, value: str) -> tuple[int, ...]:
    start, end, quoted = field
    if not quoted:
        return tuple(range(start, end + 1))
    offsets = []
    i = start + 1
    for char in value:
        offsets.append(i)
        i += 2 if char == '"' and text.startswith('""', i) else 1
    offsets.append(i)
    return tuple(offsets)


def read_csv(path: str, text: str, column: str | None = None, delimiter: str = ",") -> list[Reply]:
    """The non-blank cells of the reply column, below the header row."""
    records = split_records(path, text, delimiter)
    if not records:
        return []
    lines = LineIndex(text)
    header = [field_value(text, field) for field in records[0]]
    index = pick_column(path, header, column)
    name = header[index].strip() or str(index + 1)
    replies = []
    for row, record in enumerate(records[1:], start=2):
        if index >= len(record):
            continue
        field = record[index]
        value = field_value(text, field)
        if not value.strip():
            continue
        replies.append(Reply(value, path, _field_offsets(text, field, value), f"row {row}, {name}",
                             CSV_QUOTED if field[2] else CSV_PLAIN, (field[0], field[1]), lines=lines))
    return replies


def read_tsv(path: str, text: str, column: str | None = None) -> list[Reply]:
    return read_csv(path, text, column, delimiter="\t")


# --- Excel .xlsx --------------------------------------------------------------------------------

def load_workbook(path: str, data_only: bool = True):
    """openpyxl's workbook, or a one-line error saying how to install it."""
    try:
        import openpyxl
    except ImportError:
        raise SourceError(path, "reading .xlsx needs openpyxl: pip install 'cslint[xlsx]'") from None
    try:
        return openpyxl.load_workbook(path, data_only=data_only)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException: all "not a workbook"
        raise SourceError(path, f"not a readable .xlsx workbook ({exc})") from None


def read_xlsx(path: str, column: str | None = None) -> list[Reply]:
    """Per sheet, the text cells of its reply column below the header (row 1); sheets without
    such a column are skipped, and a workbook where none has one is an error."""
    from openpyxl.utils import get_column_letter

    book = load_workbook(path)
    replies: list[Reply] = []
    found = False
    problems = []
    for sheet in book.worksheets:
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if not header:
            continue
        try:
            index = pick_column(path, [str(cell) if cell is not None else "" for cell in header], column, None)
        except SourceError as exc:
            problems.append(f"sheet {sheet.title}: {str(exc).split(': ', 1)[1]}")
            continue
        found = True
        letter = get_column_letter(index + 1)
        for row, values in enumerate(rows, start=2):
            value = values[index] if index < len(values) else None
            if isinstance(value, str) and value.strip() and not value.startswith("="):
                replies.append(Reply(value, path, key=f"{sheet.title}!{letter}{row}", quoting=CELL,
                                     cell=(sheet.title, row, index + 1)))
    if not found:
        raise SourceError(path, "; ".join(problems) or "no sheet with a header row")
    return replies
