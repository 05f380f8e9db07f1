"""Reading transcript files: JSONL or CSV (gzip too), one turn per row, into `Row`s.

Columns are found by common names (see `DEFAULT_COLUMNS`) unless `--map field=column` names them.
A row that cannot be used (broken JSON, no text, undecodable bytes, an unknown role, a row over
`MAX_ROW_BYTES`, a lone surrogate) becomes a `BadRow` with its file:line; reading goes on.

This is the scan's hot path: a `Row` is a plain tuple, a JSONL line is parsed by orjson from its
bytes (the json module reads what orjson refuses, and explains what is wrong), and the fields are
taken through one tuple of column names per file layout (`ColumnMap.layout`).
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from contextlib import contextmanager
from typing import Any, BinaryIO, Iterator, NamedTuple

import orjson

from .csvrecords import records
from .snapshot import open_planned
from .textcodec import newline_safe, undecodable_reason

MAX_ROW_BYTES = 1 << 20  # a turn is a chat message or an email, not a megabyte

FIELDS = ("conversation", "turn", "role", "agent", "text", "timestamp")
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "conversation": ("conversation", "conversation_id", "dialogue", "dialogue_id", "dialog", "dialog_id",
                     "session", "session_id", "chat_id", "ticket_id", "会话id", "会话"),
    "turn": ("turn", "turn_id", "seq", "sequence", "index", "order", "轮次"),
    "role": ("role", "speaker", "sender", "from", "speaker_role", "角色"),
    "agent": ("agent", "agent_id", "staff", "staff_id", "operator", "operator_id", "employee_id", "客服工号", "坐席工号"),
    "text": ("text", "content", "message", "msg", "utterance", "body", "内容", "文本"),
    "timestamp": ("timestamp", "time", "ts", "datetime", "created_at", "date", "时间"),
}
LAYOUT = ("text", "role", "conversation", "agent", "timestamp", "turn")  # the order make_row reads them in
AGENT_ROLES = {"agent", "客服", "坐席", "staff", "service", "assistant", "operator", "人工客服", "support", "waiter", "seller", "卖家"}
CUSTOMER_ROLES = {"customer", "客户", "用户", "user", "client", "buyer", "顾客", "买家", "visitor", "访客"}


class Row(NamedTuple):
    """One usable turn: a plain tuple (one is built per row, on the scan's hot path)."""

    conversation: str | None  # None: the file has no conversation column
    turn: int | None  # the turn column, when there is one
    role: str  # "agent" or "customer"
    agent: str | None  # agent turns only
    text: str
    timestamp: Any  # the timestamp column's value (see `date`)
    line: int  # where it is: its line in the file (a CSV record's first line)

    @property
    def date(self) -> str | None:
        """YYYY-MM-DD from the timestamp column, when it parses (parsed when asked: most rows'
        dates are never needed, only a conversation's first and the flagged turns')."""
        return _date(self.timestamp) if self.timestamp is not None else None


_new_row = tuple.__new__  # Row's fields in order, without NamedTuple's Python-level __new__


@dataclass(frozen=True, slots=True)
class BadRow:
    where: str  # file:line
    reason: str


class ColumnMap:
    """Which column holds each field, from explicit `--map` entries and the default names."""

    def __init__(self, explicit: dict[str, str] | None = None) -> None:
        unknown = set(explicit or {}) - set(FIELDS)
        if unknown:
            raise ValueError(f"--map: unknown field '{sorted(unknown)[0]}' (fields: {', '.join(FIELDS)})")
        self.explicit = dict(explicit or {})
        self._resolved: dict[tuple[str, ...], dict[str, str | None]] = {}  # rows of a file share their keys
        self.layouts: dict[tuple[str, ...], tuple[str | None, ...]] = {}  # keys -> `layout`

    def resolve(self, columns) -> dict[str, str | None]:
        """field -> column name in this file (None when absent); `columns`: a list of names, or a
        row's dict (its keys)."""
        key = tuple(columns)
        cached = self._resolved.get(key)
        if cached is None:
            cached = self._resolved[key] = self._resolve(list(key))
        return cached

    def layout(self, columns) -> tuple[str | None, ...]:
        """The columns of LAYOUT's fields, in that order (None when absent): what `make_row` reads."""
        key = tuple(columns)
        cached = self.layouts.get(key)
        if cached is None:
            resolved = self.resolve(key)
            cached = self.layouts[key] = tuple(resolved[f] for f in LAYOUT)
        return cached

    def _resolve(self, columns: list[str]) -> dict[str, str | None]:
        lowered = {c.lower().strip(): c for c in columns}
        resolved: dict[str, str | None] = {}
        for field in FIELDS:
            if field in self.explicit:
                resolved[field] = self.explicit[field]
            else:
                resolved[field] = next((lowered[n] for n in DEFAULT_COLUMNS[field] if n in lowered), None)
        return resolved


def is_gzip(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


@contextmanager
def open_binary(path: Path, limit: int) -> Iterator[BinaryIO]:
    """The file's bytes (decompressed when gzip), reading only its first `limit` bytes (its size
    when the scan was planned; rows appended later are not read)."""
    with open_planned(path, limit) as raw:
        if is_gzip(path):
            with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
                yield unzipped
        else:
            yield raw


def file_format(path: Path) -> str:
    """'jsonl' or 'csv', from the name (ignoring .gz)."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".csv") or name.endswith(".tsv"):
        return "csv"
    return "jsonl"


# --- one row to a Row ---------------------------------------------------------------------------

_ROLE_OF: dict[Any, str | None] = {}  # raw role value -> "agent" / "customer" / None (a file has few values)


def _role(value: Any) -> str | None:
    try:
        return _ROLE_OF[value]
    except KeyError:
        pass
    except TypeError:  # an unhashable value (a list...): not a role
        return None
    text = str(value).strip().lower() if value is not None else ""
    role = "agent" if text in AGENT_ROLES else "customer" if text in CUSTOMER_ROLES else None
    if len(_ROLE_OF) < 10_000:
        _ROLE_OF[value] = role
    return role


def _date(value: Any) -> str | None:
    """The calendar date of a timestamp (ISO 8601 text or Unix seconds/milliseconds), or None."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, (int, float)) or (isinstance(value, str) and value.strip().replace(".", "", 1).isdigit()):
            seconds = float(value)
            if seconds > 1e11:  # milliseconds
                seconds /= 1000
            return datetime.fromtimestamp(seconds, tz=timezone.utc).date().isoformat()
        return datetime.fromisoformat(str(value).strip().replace("Z", "+00:00")).date().isoformat()
    except (ValueError, OverflowError, OSError):
        return None


def _turn(value: Any) -> int | None:
    """A turn number (past 64 bits, it is none)."""
    try:
        turn = int(value) if value not in (None, "") else None
    except (TypeError, ValueError, OverflowError):
        return None
    return turn if turn is None or _TURNS_LOW <= turn < _TURNS_HIGH else None


_INEXACT = object()  # make_row: a value orjson may have read inexactly (a float); read the line with json


def make_row(record: dict, layout: tuple[str | None, ...], display: str, line: int,
             exact: bool = True) -> Row | BadRow:
    """The row of a parsed record (`layout`: see `ColumnMap.layout`). `exact`: numbers were read
    exactly (json); otherwise (orjson reads integers past 64 bits as floats) a float id or turn
    gives `_INEXACT`."""
    if layout[0] is None:
        return BadRow(f"{display}:{line}", "no text column (use --map text=COLUMN)")
    text, raw_role, conversation, agent, timestamp, turn = map(record.get, layout)  # get(None) is None
    if type(text) is not str or not text.strip():
        if not isinstance(text, str) or not text.strip():
            return BadRow(f"{display}:{line}", "missing or empty text")
    role = _ROLE_OF.get(raw_role) if type(raw_role) is str else None
    if role is None:
        role = _role(raw_role)
        if role is None:
            return BadRow(f"{display}:{line}", f"unknown role {raw_role!r} (agent/客服/坐席 or customer/客户/用户)")
    if type(conversation) is not str or not conversation:
        conversation = _identifier(conversation, exact)
        if conversation is _INEXACT:
            return _INEXACT
    if role != "agent":
        agent = None
    elif type(agent) is not str or not agent:
        agent = _identifier(agent, exact)
        if agent is _INEXACT:
            return _INEXACT
    if turn is not None and (type(turn) is not int or not _TURNS_LOW <= turn < _TURNS_HIGH):
        if type(turn) is float and not exact:
            return _INEXACT
        turn = _turn(turn)
    return _new_row(Row, (conversation, turn, role, agent, text, timestamp, line))


def _identifier(value: Any, exact: bool) -> Any:
    """A conversation or agent id that is not a non-empty string: its text, None when empty or
    missing, `_INEXACT` for a float orjson may have read inexactly."""
    if type(value) is float and not exact:
        return _INEXACT
    return str(value) if value is not None and value != "" else None


_TURNS_LOW, _TURNS_HIGH = -(1 << 63), 1 << 63  # a turn number past 64 bits is no turn number


# --- JSONL ---------------------------------------------------------------------------------------

def parse_jsonl_line(raw: bytes | int, display: str, line: int, columns: ColumnMap,
                     encoding: str = "utf-8") -> Row | BadRow | None:
    """The row of line `line` of `display`; None for a blank line. `raw`: the line, or its length
    when it was too long to keep.

    A UTF-8 line is read by orjson straight from its bytes; whatever orjson refuses (invalid
    UTF-8, a BOM, NaN, a lone surrogate, other encodings...) is read by `_parse_slowly`, which
    explains what is wrong with it."""
    if type(raw) is int or len(raw) > MAX_ROW_BYTES:
        size = raw if isinstance(raw, int) else len(raw)
        return BadRow(f"{display}:{line}", f"row of {size:,} bytes is over the {MAX_ROW_BYTES:,}-byte limit")
    if raw[0] == 0x7B and encoding == "utf-8":  # a line opening with "{"
        try:
            record = orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
        else:
            layout = columns.layouts.get(tuple(record)) or columns.layout(record)
            row = make_row(record, layout, display, line, exact=False)
            if row is not _INEXACT:
                return row
    return _parse_slowly(raw, display, line, columns, encoding)


def _parse_slowly(raw: bytes, display: str, line: int, columns: ColumnMap, encoding: str) -> Row | BadRow | None:
    if raw[0] != 0x7B and not raw.strip():
        return None
    try:
        decoded = raw.decode(encoding)
    except UnicodeDecodeError:
        return BadRow(f"{display}:{line}", undecodable_reason(raw, encoding))
    if decoded.startswith("\ufeff"):  # a UTF-8 BOM opening the file
        decoded = decoded[1:]
    try:
        record = json.loads(decoded)
    except json.JSONDecodeError as exc:
        return BadRow(f"{display}:{line}", f"broken JSON: {exc.msg.removesuffix(' at')} at column {exc.colno}")
    except RecursionError:
        return BadRow(f"{display}:{line}", "broken JSON: nested too deeply")
    if type(record) is not dict:
        return BadRow(f"{display}:{line}", "a row is a JSON object")
    row = make_row(record, columns.layout(record), display, line)
    if type(row) is Row and any(type(v) is str and _SURROGATES.search(v) for v in (row.conversation, row.agent, row.text)):
        return BadRow(f"{display}:{line}", "a lone surrogate (a \\ud800-\\udfff escape that is half a character)")
    return row


_SURROGATES = re.compile("[\ud800-\udfff]")


# --- CSV -----------------------------------------------------------------------------------------

def read_csv(path: Path, display: str, columns: ColumnMap, limit: int, encoding: str | None = None) -> Iterator[Row | BadRow]:
    """All rows of a CSV/TSV file (gzip or plain), in order, from its first `limit` bytes."""
    csv.field_size_limit(max(csv.field_size_limit(), 64 * MAX_ROW_BYTES))  # big rows are reported below, not raised
    dialect = csv.excel_tab if path.name.lower().removesuffix(".gz").endswith(".tsv") else csv.excel
    # streamed (an archive's CSV may not fit in memory); bytes that are not UTF-8 survive as
    # surrogate escapes, so the row holding them can be reported and skipped
    with open_binary(path, limit) as raw:
        safe, actual = newline_safe(raw, encoding)
        with io.TextIOWrapper(safe, encoding=actual, errors="surrogateescape", newline="") as handle:
            yield from csv_rows(handle, dialect, display, columns, actual)


_SURROGATE_ESCAPES = re.compile("[\udc80-\udcff]")  # how undecodable bytes come out of errors="surrogateescape"


def csv_rows(lines: Iterator[str], dialect: type[csv.Dialect], display: str, columns: ColumnMap,
             encoding: str = "utf-8") -> Iterator[Row | BadRow]:
    """The rows of a CSV text given line by line (line ends kept)."""
    header: list[str] = []
    role_at: int | None = None

    def looks_like_row(fields: list[str]) -> bool:
        return bool(header) and len(fields) == len(header) and (role_at is None or _role(fields[role_at]) is not None)

    layout: tuple[str | None, ...] = ()
    for record in records(lines, dialect, looks_like_row):
        where = f"{display}:{record.line}"
        if record.fields is None:
            yield BadRow(where, record.problem or "unreadable row")
            continue
        fields = record.fields
        if not header:
            if not fields:
                continue
            header = fields
            layout = columns.layout(header)
            role_at = header.index(layout[1]) if layout[1] in header else None
            continue
        if not any(f.strip() for f in fields):
            continue
        size = sum(len(f) for f in fields)
        if size > MAX_ROW_BYTES:
            yield BadRow(where, f"row of {size:,} characters is over the {MAX_ROW_BYTES:,} limit")
            continue
        bad = next((f for f in fields if _SURROGATE_ESCAPES.search(f)), None)
        if bad is not None:
            yield BadRow(where, undecodable_reason(bad.encode(encoding, "surrogateescape"), encoding))
            continue
        if len(fields) != len(header):
            yield BadRow(where, f"{len(fields)} fields where the header has {len(header)}")
            continue
        yield make_row(dict(zip(header, fields)), layout, display, record.line)
