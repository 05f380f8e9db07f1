"""Write edits of replies back into their files, every other byte left as it was.

The checker's edits (lint/fix.py `resolve_edits`: start, end, replacement in a reply's text) are
mapped through the reply's offsets (lint/sources/model.py) onto the file's text and escaped the
way the reply is written there: backslashes in a JSON or YAML "..." string, '' in a YAML '...'
scalar, "" in a quoted CSV field, line breaks in the file's own style. Where an edit cannot be
written inside the value as it is (a YAML plain scalar that would gain a ": ", a bare CSV field
that would gain a comma), the whole value is rewritten quoted. Only the edited characters are
re-encoded: the bytes between edits are copied from the original, so the encoding, the BOM,
line endings and quoting elsewhere stay byte-identical.

Every plan is re-read before it is used: when the file read back does not give exactly the
expected replies, it is refused (FixError) rather than written. Files are written atomically
(a temporary file in the same folder, then a rename). .xlsx cells are rewritten through openpyxl,
which keeps the other cells' values but not everything a workbook can hold (see `plan_xlsx`).
"""
from __future__ import annotations

import difflib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence, TextIO

import yaml

from .errors import InputError
from .fix import Edit, apply_edits, resolve_edits
from .model import Applicability, Diagnostic
from .sources import parse_source
from .sources.model import (BLOCK, CSV_PLAIN, CSV_QUOTED, DOUBLE_QUOTED, PLAIN, RAW, SINGLE_QUOTED,
                            Reply, SourceFile)
from .sources.tables import load_workbook


class FixError(InputError):
    """A fix that could not be written faithfully: `path: what went wrong`; the file is untouched."""


@dataclass(frozen=True)
class FilePlan:
    """A file's content before and after its replies' edits. For .xlsx, `cells` holds the new
    values by (sheet, row, column) and `before`/`after` are the changed cells as text lines."""

    path: str
    before: bytes
    after: bytes
    edited: int  # replies changed
    cells: dict[tuple[str, int, int], str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.before != self.after


# --- escaping one edit --------------------------------------------------------------------------

_PLAIN_UNSAFE = (": ", " #", "\n", "\r", "\t")
# what YAML allows unescaped (PyYAML's reader: printable characters); the rest only as \ escapes
_YAML_NON_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")


def _yaml_double(text: str) -> str:
    """`text` as a YAML double-quoted scalar, quotes included (PyYAML's emitter, on one line)."""
    return yaml.safe_dump(text, default_style='"', allow_unicode=True, width=float("inf")).rstrip("\n")

_PLAIN_UNSAFE_ENDS = ":#"
_INDICATORS = "-?:,[]{}#&*!|>'\"%@`"


def _escaped(reply: Reply, replacement: str, at_start: bool, newline: str, yaml_file: bool) -> str | None:
    """`replacement` as written inside `reply`'s token, or None when it cannot be."""
    style = reply.quoting
    if yaml_file and style != DOUBLE_QUOTED and _YAML_NON_PRINTABLE.search(replacement):
        return None
    if style in (RAW, BLOCK):
        if style == BLOCK and "\n" in replacement:
            return None  # would need the block's indentation on each new line
        return replacement.replace("\n", newline)
    if style == DOUBLE_QUOTED:
        return _yaml_double(replacement)[1:-1] if yaml_file else json.dumps(replacement, ensure_ascii=False)[1:-1]
    if style == SINGLE_QUOTED:
        return None if "\n" in replacement or "\r" in replacement else replacement.replace("'", "''")
    if style == PLAIN:
        if any(bad in replacement for bad in _PLAIN_UNSAFE) or replacement.endswith(tuple(_PLAIN_UNSAFE_ENDS)):
            return None
        if at_start and replacement and replacement[0] in _INDICATORS + " ":
            return None
        return replacement
    if style == CSV_QUOTED:
        return replacement.replace('"', '""')
    if style == CSV_PLAIN:
        return None if any(c in replacement for c in ',\t"\r\n') else replacement
    return None


def _requoted(reply: Reply, value: str, newline: str, yaml_file: bool) -> str:
    """The whole token rewritten, quoted, for a new value that cannot be written in place."""
    if reply.quoting in (CSV_PLAIN, CSV_QUOTED):
        return '"' + value.replace('"', '""') + '"'
    return _yaml_double(value) if yaml_file else json.dumps(value, ensure_ascii=False)


_REQUOTABLE = (PLAIN, SINGLE_QUOTED, CSV_PLAIN)


def _file_edits(reply: Reply, edits: Sequence[Edit], newline: str, yaml_file: bool, requote: bool = False) -> list[Edit]:
    """The reply's edits as edits of the file text (offsets into SourceFile.text); with
    `requote`, a plain or single-quoted value is rewritten whole, quoted."""
    out: list[Edit] = []
    new_value = apply_edits(reply.text, list(edits))
    requote = requote and reply.quoting in _REQUOTABLE
    for start, end, replacement in edits:
        written = None if requote else _escaped(reply, replacement, start == 0, newline, yaml_file)
        if written is None or (reply.quoting == PLAIN and not new_value.strip()):
            if reply.quoting == BLOCK:
                raise FixError(f"{reply.location(start)}: a rewrite with a line break cannot go into a YAML block "
                               "scalar; edit it by hand")
            return [(reply.span[0], reply.span[1], _requoted(reply, new_value, newline, yaml_file))]
        out.append((reply.offsets[start], reply.offsets[end], written))
    return out


# --- planning -----------------------------------------------------------------------------------

def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _splice(source: SourceFile, original: bytes, edits: list[Edit]) -> bytes:
    """`original` with the file-text edits applied, re-encoding only the replacements: the bytes
    between edits are found by encoding the text before each edit (once, piece by piece)."""
    text = source.text or ""
    byte_at = len(source.bom)
    pieces: list[bytes] = [original[:byte_at]]
    char_at = 0
    for start, end, replacement in edits:
        byte_start = byte_at + len(text[char_at:start].encode(source.encoding))
        byte_end = byte_start + len(text[start:end].encode(source.encoding))
        pieces.append(original[byte_at:byte_start])
        pieces.append(replacement.encode(source.encoding))
        byte_at, char_at = byte_end, end
    pieces.append(original[byte_at:])
    return b"".join(pieces)


def _read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise FixError(f"{path}: cannot read: {exc.strerror or exc}") from None


def plan_fix(source: SourceFile, edits: Mapping[int, Sequence[Edit]], original: bytes | None = None) -> FilePlan:
    """The file after each reply's edits (`edits[i]` for `source.replies[i]`, sorted and without
    overlaps, as `resolve_edits` gives them). `original` is the file's bytes (read when None);
    they must be the bytes `source` was read from."""
    if source.format == "xlsx":
        return plan_xlsx(source, edits)
    original = _read_bytes(source.path) if original is None else original
    expected = [apply_edits(reply.text, list(edits.get(number, ()))) for number, reply in enumerate(source.replies)]
    try:
        after = _edited(source, original, edits, expected, requote=False)
    except FixError:  # e.g. a plain YAML scalar now starting with "- ": try once more, quoted
        after = _edited(source, original, edits, expected, requote=True)
    edited = sum(1 for number, reply in enumerate(source.replies) if expected[number] != reply.text)
    return FilePlan(source.path, original, after, edited)


def _edited(source: SourceFile, original: bytes, edits: Mapping[int, Sequence[Edit]], expected: list[str],
            requote: bool) -> bytes:
    newline = _newline(source.text or "")
    file_edits: list[Edit] = []
    for number, reply in enumerate(source.replies):
        if edits.get(number):
            file_edits.extend(_file_edits(reply, edits[number], newline, source.format == "yaml", requote))
    if not file_edits:
        return original
    file_edits.sort(key=lambda edit: (edit[0], edit[1]))
    after = _splice(source, original, file_edits)
    _verify(source, after, expected)
    return after


def _verify(source: SourceFile, after: bytes, expected: list[str]) -> None:
    """Refuse a plan whose file, read back, does not hold exactly the expected replies."""
    try:
        again = parse_source(source.path, after, source.options.get("column"), source.options.get("encoding"))
    except InputError as exc:
        raise FixError(f"{source.path}: the fixed file would not read back ({exc}); left unchanged") from None
    got = [reply.text for reply in again.replies]
    if got != [text for text in expected if text.strip()]:
        raise FixError(f"{source.path}: the fixed file would not hold the fixed replies; left unchanged")


def plan_xlsx(source: SourceFile, edits: Mapping[int, Sequence[Edit]]) -> FilePlan:
    """The changed cells of a workbook; written by `write_plan` through openpyxl, which keeps the
    values, styles and formulas of the other cells (charts, images and macros it does not keep)."""
    cells: dict[tuple[str, int, int], str] = {}
    before_lines, after_lines = [], []
    for number, reply in enumerate(source.replies):
        reply_edits = list(edits.get(number, ()))
        if not reply_edits or reply.cell is None:
            continue
        value = apply_edits(reply.text, reply_edits)
        if value != reply.text:
            cells[reply.cell] = value
            before_lines.append(f"{reply.key}\t{reply.text}\n")
            after_lines.append(f"{reply.key}\t{value}\n")
    return FilePlan(source.path, "".join(before_lines).encode(), "".join(after_lines).encode(), len(cells), cells)


# --- output -------------------------------------------------------------------------------------

def unified_diff(plan: FilePlan, source: SourceFile) -> str:
    """The plan as a unified diff (`--diff`), in the file's own text; for .xlsx, of the changed cells."""
    if not plan.changed:
        return ""
    if source.format == "xlsx":
        before, after = plan.before.decode(), plan.after.decode()
    else:
        before = plan.before[len(source.bom):].decode(source.encoding)
        after = plan.after[len(source.bom):].decode(source.encoding)
    name = plan.path.replace(os.sep, "/")
    old, new = (name, name) if os.path.isabs(plan.path) else (f"a/{name}", f"b/{name}")  # git's a/ b/ for relative paths
    return "".join(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                        fromfile=old, tofile=new))


def write_plan(plan: FilePlan) -> None:
    """Write a changed plan atomically: a temporary file beside the target, then a rename (the
    target keeps its permission bits). A file edited by someone else since it was read is left
    alone (FixError)."""
    if not plan.changed:
        return
    if not plan.cells and _read_bytes(plan.path) != plan.before:
        raise FixError(f"{plan.path}: changed since it was read; left unchanged (run the fix again)")
    folder = os.path.dirname(os.path.abspath(plan.path))
    handle, temporary = tempfile.mkstemp(prefix=".cslint-", suffix=os.path.splitext(plan.path)[1], dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            if plan.cells:
                _save_cells(plan, out)
            else:
                out.write(plan.after)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, os.stat(plan.path).st_mode & 0o7777)
        os.replace(temporary, plan.path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _save_cells(plan: FilePlan, out) -> None:
    book = load_workbook(plan.path, data_only=False)  # formulas stay formulas
    for (sheet, row, column), value in plan.cells.items():
        book[sheet].cell(row=row, column=column).value = value
    book.save(out)


# --- one file at a time, while its replies are checked ------------------------------------------

class FileFixes:
    """Gathers the edits of each reply of a file as the replies are checked, one file after
    another, and writes the file (or prints its diff) once the next file starts or `close` is
    called. `cslint check --fix PATH...` feeds it every checked reply of every file it reads.

    The edits are the ones `--fix` applies to a reply (`resolve_edits` at `allow`), taken from
    the diagnostics left after suppressions.
    """

    def __init__(self, allow: Applicability = Applicability.SAFE, diff: TextIO | None = None) -> None:
        self.allow = allow
        self.diff = diff  # where --diff writes; None: write the files
        self.source: SourceFile | None = None
        self.edits: dict[int, list[Edit]] = {}
        self.written: list[str] = []  # files changed (or, with --diff, that would be)
        self.errors: list[str] = []  # one line each, FixError's message

    def add(self, source: SourceFile, index: int, diagnostics: Iterable[Diagnostic]) -> None:
        """The diagnostics of `source.replies[index]`."""
        if source is not self.source:
            self.flush()
            self.source = source
        edits = resolve_edits(source.replies[index].text, diagnostics, self.allow)
        if edits:
            self.edits[index] = edits

    def flush(self) -> None:
        """Write (or diff) the file gathered so far."""
        source, edits = self.source, self.edits
        self.source, self.edits = None, {}
        if source is None or not edits:
            return
        try:
            plan = plan_fix(source, edits)
            if not plan.changed:
                return
            if self.diff is not None:
                self.diff.write(unified_diff(plan, source))
            else:
                write_plan(plan)
            self.written.append(source.path)
        except InputError as exc:  # FixError, or the workbook would not open again
            self.errors.append(str(exc))

    def close(self) -> None:
        self.flush()
