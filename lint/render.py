"""Output formats of the CLI: one small function or formatter per format.

`cslint check` hands each input to a formatter as an `Outcome` (flake8's BaseFormatter hooks,
reduced to `handle` and `stop`):

* text: linter style, one block per diagnostic (`path:line:col: severity [category/rule] message`,
  the source line, a caret line under the phrase, `建议:`), then one summary line;
* json: one document for all inputs, written item by item; jsonl: one line per input, flushed
  whenever the input may keep us waiting (at a terminal, after each line). Formatters keep counts,
  never the diagnostics, so output memory is flat;
* sarif (SARIF 2.1.0, for code scanning), github (workflow command annotations), junit (one
  testsuite per file, one testcase per reply, a failure per finding): for CI.

JSON is written with Chinese left readable, but a lone surrogate (possible in JSON input such as
"\\ud800") is written back as a `\\uXXXX` escape, so the output is valid UTF-8 and every offset
still indexes the same code points. The `rules` and `eval` commands' tables are also here.
"""
from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, Iterable, TextIO

import orjson

from .model import Applicability, Category, Diagnostic, Rule, Severity, Suggestion

if TYPE_CHECKING:
    from .evaluate import Counts, Report

SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)
CATEGORY_ORDER = tuple(c.value for c in Category)
_SURROGATE = re.compile("[\ud800-\udfff]")
_FIX_NOTE = {
    "fix": "（修正，可用 --fix 自动应用）",
    "proposal": "（改写建议，意思可能改变，确认后用 --fix --unsafe-fixes 应用）",
}


@dataclass(slots=True)
class Outcome:
    """One checked input: its diagnostics and fixed text, or the error that stopped it.

    `key` is "path" for files and stdin, "id" for records of a jsonl input; `ident` is the value
    written under that key; `name` is how the text format and error messages refer to it.
    """

    name: str
    key: str = "path"
    ident: Any = None
    text: str = ""
    diagnostics: tuple[Diagnostic, ...] = ()
    fixed: str = ""
    remaining: tuple[Diagnostic, ...] = ()  # what --fix leaves behind (re-checked fixed text)
    error: str | None = None
    source: str = ""  # the file a record or part of a file came from; "" when `name` is the file
    record_line: int | None = None  # the line of a jsonl input holding this record
    # a lint.sources.Reply when the text is one reply of a file (a Markdown paragraph, a CSV cell,
    # a YAML string): it knows where each of its characters sits in the file
    reply: Any = None

    @property
    def artifact(self) -> str:
        """The file a person opens for this outcome (CI formats group and locate by it)."""
        if self.reply is not None:
            return self.reply.path
        return self.source or (self.name if self.key == "path" else "")

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column (code points) of the reply's character `offset` in that file."""
        if self.reply is not None:
            return self.reply.line_column(offset)
        return line_col(self.text, offset)

    @property
    def key_path(self) -> str | None:
        """Where in a structured file the reply is: a YAML/JSON key path, a CSV row and column."""
        return getattr(self.reply, "key", None)

    @property
    def located_key(self) -> str | None:
        """The key path when it adds to file:line:column (an .xlsx cell is its location already)."""
        return None if self.reply is None or self.reply.cell is not None else self.key_path

    def to_dict(self) -> dict[str, Any]:
        if self.error is not None:
            return {self.key: self.ident, "error": self.error}
        record = {self.key: self.ident}
        if self.reply is not None:  # one reply of a file: where it starts there
            line, column = self.line_col(0)
            record.update(line=line, column=column)
            if self.key_path:
                record["key"] = self.key_path
        record.update(diagnostics=[d.to_dict() for d in self.diagnostics], fixed=self.fixed)
        return record

    def json_line(self) -> bytes:
        """`dumps(self.to_dict())` in UTF-8, made without the dict for the usual record (a reply
        checked, not part of a file; a jsonl batch writes one per reply): orjson writes its id
        and fixed text, as json does every character but a lone surrogate, which orjson refuses
        (then, and for any other record, `dumps` itself)."""
        key = _KEYS.get(self.key)
        if key is not None and self.error is None and self.reply is None and type(self.ident) in _PLAIN:
            try:
                found = diagnostics_json(self.diagnostics) if self.diagnostics else b"[]"
                return b"".join((key, _orjson_dumps(self.ident), b', "diagnostics": ', found, b', "fixed": ',
                                 _orjson_dumps(self.fixed), b"}"))
            except (TypeError, UnicodeEncodeError):  # lone surrogates (orjson.JSONEncodeError is a TypeError)
                pass
        return dumps(self.to_dict()).encode("utf-8")


# --- JSON ---------------------------------------------------------------------------------------

def dumps(obj: Any, indent: int | None = None) -> str:
    """JSON with readable CJK, lone surrogates escaped (see the module docstring)."""
    return escape_surrogates(one_line(obj) if indent is None else json.dumps(obj, ensure_ascii=False, indent=indent))


def one_line(obj: Any) -> str:
    """`json.dumps(obj, ensure_ascii=False)`, lone surrogates left as they are."""
    if _ENCODE is not None:
        return "".join(_ENCODE(obj, 0))
    return json.dumps(obj, ensure_ascii=False)


def escape_surrogates(text: str) -> str:
    """Lone surrogates as `\\uXXXX` escapes (a string that encodes to UTF-8 has none)."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


_KEYS = {"id": b'{"id": ', "path": b'{"path": '}  # how Outcome.json_line opens a record
_PLAIN = frozenset((str, int, bool, type(None)))  # orjson writes these as json does (ints within 64 bits)
_orjson_dumps = orjson.dumps


def diagnostics_json(diagnostics: Iterable[Diagnostic]) -> bytes:
    """`one_line([d.to_dict() for d in diagnostics])` in UTF-8, written by orjson one value at a
    time between the keys and separators json writes (five times faster than the dicts and the
    json encoder: a jsonl batch writes this for every reply with findings). A TypeError for a
    lone surrogate, which orjson refuses (the caller then writes `dumps` of the dicts).
    Diagnostic.to_dict decides the form; tests/cli/test_batch.py holds the two together."""
    dumps = _orjson_dumps
    items = []
    for diag in diagnostics:
        suggestions = diag.suggestions
        edits = []
        for suggestion in suggestions:
            start, end = suggestion.span(diag)
            edits.append(b'{"start": %b, "end": %b, "text": %b, "kind": %b}'
                         % (dumps(start), dumps(end), dumps(suggestion.text), dumps(suggestion.kind)))
        items.append(b'{"rule_id": %b, "category": %b, "severity": %b, "start": %b, "end": %b, "text": %b, '
                     b'"message": %b, "suggestions": [%b], "safe": %b, "edits": [%b]}'
                     % (dumps(diag.rule_id), dumps(diag.category.value), dumps(diag.severity.value),
                        dumps(diag.start), dumps(diag.end), dumps(diag.text), dumps(diag.message),
                        b", ".join([dumps(s.text) for s in suggestions]), b"true" if diag.safe else b"false",
                        b", ".join(edits)))
    return b"[" + b", ".join(items) + b"]"


def _one_line_encoder() -> Any:
    """The C encoder `json.dumps(obj, ensure_ascii=False)` uses, made once: dumps builds a new
    JSONEncoder per call, a third of the cost of a jsonl record. None where the interpreter has
    no C encoder or it does not write exactly what json.dumps writes (then json.dumps is used)."""
    try:
        from json.encoder import c_make_encoder, encode_basestring

        if c_make_encoder is None:
            return None
        default = json.JSONEncoder(ensure_ascii=False).default  # its TypeError for other types
        encode = c_make_encoder(None, default, encode_basestring, None, ": ", ", ", False, False, True)
        sample = {"id": [1, -0.0, 2.5e-08, 1e400, float("nan"), True, None, 2 ** 70],
                  "text": "你好\u0001\n\"\\\u2028😀", "nested": {"a": [], "b": {}}}
        if "".join(encode(sample, 0)) != json.dumps(sample, ensure_ascii=False):
            return None
        return encode
    except Exception:  # an interpreter whose encoder takes other arguments
        return None


_ENCODE = _one_line_encoder()


# --- display width and the caret ----------------------------------------------------------------

_EMOJI_MODIFIERS = range(0x1F3FB, 0x1F400)  # skin tones: drawn inside the emoji before them
_ZWJ = "\u200d"


def _cell(ch: str, prev: str = "") -> tuple[str, int]:
    """How one code point is shown in a source line, and how many columns it takes.

    An approximation of what terminals do (no full grapheme clustering): CJK and full-width
    characters take two columns; combining marks, zero-width characters, skin-tone modifiers and
    whatever follows a zero-width joiner (the rest of an emoji sequence) take none.
    """
    if ch == "\t":
        return " ", 1
    category = unicodedata.category(ch)
    if category in ("Cc", "Cs", "Co"):
        return "\ufffd", 1  # never send raw control characters or surrogates to a terminal
    if ch == _ZWJ:
        return ch, 0
    if category == "Cf":
        return "", 0  # zero-width and bidi controls
    if category in ("Mn", "Me") or ord(ch) in _EMOJI_MODIFIERS or prev == _ZWJ:
        return ch, 0
    return ch, 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _cells(text: str) -> list[tuple[str, int]]:
    return [_cell(ch, text[i - 1] if i else "") for i, ch in enumerate(text)]


def display_width(text: str) -> int:
    """Terminal columns `text` takes (see `_cell`)."""
    return sum(width for _, width in _cells(text))


def show_line(text: str) -> str:
    return "".join(shown for shown, _ in _cells(text))


def escape(text: str) -> str:
    """Messages and suggestions on one line: control characters and surrogates as escapes."""
    out = []
    for ch in text:
        if ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif unicodedata.category(ch) in ("Cc", "Cs"):
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in code points) of `offset`; lines end at "\\n"."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _line_bounds(text: str, offset: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    end = len(text) if end == -1 else end
    if end > start and text[end - 1] == "\r":
        end -= 1
    return start, end


def caret(text: str, start: int, end: int) -> tuple[str, str]:
    """The source line holding `start`, and a caret line under [start, end) of it.

    A span that runs past the end of its line is underlined to the end of the line; an empty
    span (a missing phrase's insertion point) gets a single caret.
    """
    line_start, line_end = _line_bounds(text, start)
    pad = display_width(text[line_start:start])
    width = display_width(text[start:min(end, line_end)]) if end > start else 0
    return show_line(text[line_start:line_end]), " " * pad + "^" * max(width, 1)


# --- text format --------------------------------------------------------------------------------

def suggestion_line(diag: Diagnostic, text: str = "") -> str | None:
    """`修正: 您的` for a fix; for a proposal, the span it rewrites and the text it becomes."""
    if not diag.suggestions:
        return None
    first = diag.suggestions[0]
    if first.kind == "fix":
        shown = " / ".join(escape(s.text) if s.text else "（删除）" for s in diag.suggestions)
        return f"修正: {shown}{_FIX_NOTE['fix']}"
    start, end = first.span(diag)
    old = text[start:end] if text else diag.text
    if not first.text:
        shown = f"删除“{escape(old)}”"
    elif not old:
        shown = f"插入“{escape(first.text)}”"
    else:
        shown = f"“{escape(old)}” → “{escape(first.text)}”"
    return f"改写: {shown}{_FIX_NOTE['proposal']}"


def text_block(name: str, text: str, diag: Diagnostic, position: tuple[int, int] | None = None,
               key: str | None = None) -> str:
    """One diagnostic in linter style: location and message, source line, caret, suggestions.
    `position` is the line and column to print when `text` is one reply of a larger file, `key`
    where in that file a person finds it besides the line (a YAML/JSON key path, a CSV row)."""
    line, col = position or line_col(text, diag.start)
    source, marks = caret(text, diag.start, diag.end)
    lines = [
        f"{name}:{line}:{col}: {diag.severity.value} [{diag.category.value}/{diag.rule_id}] {escape(diag.message)}",
        f"    {source}",
        f"    {marks}",
    ]
    if key:
        lines.append(f"  位置: {escape(key)}")
    advice = suggestion_line(diag, text)
    if advice:
        lines.append(f"  {advice}")
    return "\n".join(lines)


def severity_counts(diagnostics: Iterable[Diagnostic]) -> str:
    """`error 1, warning 2` (zero counts left out)."""
    tally = Tally()
    tally.add(diagnostics)
    return tally.severities()


def summary(diagnostics: Iterable[Diagnostic], fixable: int = 0) -> str:
    """`3 个问题 (error 1, warning 2)`, with a hint when some can be fixed; "" when clean."""
    tally = Tally()
    tally.add(diagnostics)
    tally.fixable = fixable
    return tally.line()


class Tally:
    """Diagnostics counted by severity, and how many a fix at `allow` would rewrite: the summary
    line of a run without keeping every diagnostic of it in memory."""

    def __init__(self, allow: Applicability = Applicability.SAFE) -> None:
        self.allow = allow
        self.counts = {s: 0 for s in SEVERITY_ORDER}
        self.fixable = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def add(self, diagnostics: Iterable[Diagnostic]) -> None:
        for diag in diagnostics:
            self.counts[diag.severity] += 1
            if diag.suggestions and diag.suggestions[0].applicability.rank >= self.allow.rank:
                self.fixable += 1

    def severities(self) -> str:
        return ", ".join(f"{s.value} {n}" for s, n in self.counts.items() if n)

    def line(self, with_fixable: bool = True) -> str:
        """`3 个问题 (error 1, warning 2)`, with a hint when some can be fixed; "" when clean."""
        if not self.total:
            return ""
        line = f"{self.total} 个问题 ({self.severities()})"
        if with_fixable and self.fixable:
            line += f"，其中 {self.fixable} 个可用 --fix 自动修复"
        return line


# --- formatters for `cslint check` --------------------------------------------------------------

class Formatter:
    """flake8-style hooks: `handle` is called once per input, `stop` once at the end; `flush`
    whenever the input may keep us waiting (lint.encodings.read_lines' before_wait)."""

    eager = False  # write each result out at once (another writer shares the stream)

    def __init__(self, out: TextIO, allow: Applicability = Applicability.SAFE) -> None:
        self.out = out
        self.allow = allow

    def handle(self, outcome: Outcome) -> None:
        raise NotImplementedError

    def flush(self) -> None:
        self.out.flush()

    def stop(self) -> None:
        self.flush()


class TextFormatter(Formatter):
    def __init__(self, out: TextIO, allow: Applicability = Applicability.SAFE) -> None:
        super().__init__(out, allow)
        self.tally = Tally(allow)

    def handle(self, outcome: Outcome) -> None:
        for diag in outcome.diagnostics:
            if self.tally.total:
                self.out.write("\n")
            self.out.write(text_block(outcome.name, outcome.text, diag, outcome.line_col(diag.start),
                                      outcome.located_key) + "\n")
            self.tally.add((diag,))

    def stop(self) -> None:
        line = self.tally.line()
        if line:
            self.out.write(f"\n{line}\n")
        super().stop()


class FixFormatter(Formatter):
    """`--fix` with text output: the reply itself, rewritten, byte for byte otherwise."""

    def handle(self, outcome: Outcome) -> None:
        if outcome.error is None:
            self.out.write(outcome.fixed)


class JsonFormatter(Formatter):
    """One JSON array for all inputs, written item by item as each is checked: the same text as
    `dumps(items, indent=2)`, without holding the items."""

    def __init__(self, out: TextIO, allow: Applicability = Applicability.SAFE) -> None:
        super().__init__(out, allow)
        self.written = 0

    def handle(self, outcome: Outcome) -> None:
        # JSON strings never hold a raw newline, so indenting every line nests the item safely
        item = dumps(outcome.to_dict(), indent=2).replace("\n", "\n  ")
        self.out.write(("[\n  " if not self.written else ",\n  ") + item)
        self.written += 1

    def stop(self) -> None:
        self.out.write("\n]\n" if self.written else "[]\n")
        super().stop()


class JsonlFormatter(Formatter):
    """One line per input. Lines are written in batches, and all that are ready whenever the
    input may keep us waiting (`flush`), so a consumer that sends a reply and waits gets its
    line, and a batch costs no system call per line; at a terminal each line is flushed."""

    BATCH = 256  # lines gathered before they are handed to the stream

    def __init__(self, out: TextIO, allow: Applicability = Applicability.SAFE) -> None:
        super().__init__(out, allow)
        isatty = getattr(out, "isatty", None)
        self.eager = bool(isatty is not None and isatty())
        self.pending: list[bytes] = []  # UTF-8 lines (Outcome.json_line)
        # a UTF-8 text stream's bytes underneath take the lines as they are (where the text layer
        # would not turn "\n" into os.linesep); another stream, text
        encoding = (getattr(out, "encoding", None) or "").lower().replace("_", "-")
        self.binary = getattr(out, "buffer", None) if encoding in ("utf-8", "utf8") and os.linesep == "\n" else None

    def handle(self, outcome: Outcome) -> None:
        self.pending.append(outcome.json_line())
        if self.eager:
            self.flush()
        elif len(self.pending) >= self.BATCH:
            self.write_pending()

    def write_pending(self) -> None:
        """The pending lines, in one write."""
        if not self.pending:
            return
        data = b"\n".join(self.pending) + b"\n"
        self.pending.clear()
        if self.binary is None:
            self.out.write(data.decode("utf-8"))
        else:
            self.out.flush()  # whatever went through the text layer first stays first
            self.binary.write(data)

    def flush(self) -> None:
        self.write_pending()
        self.out.flush()


# --- formats for CI: SARIF, GitHub workflow commands, JUnit XML ---------------------------------

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
STDIN_URI = "stdin"


def artifact_uri(path: str) -> str:
    """A SARIF artifactLocation uri: relative paths stay relative (with "/" and percent-encoding),
    absolute ones become file: URIs; stdin (no path) is "stdin"."""
    if not path or path in ("-", "<stdin>"):
        return STDIN_URI
    from urllib.parse import quote

    pure = PurePath(path)
    if pure.is_absolute():
        return Path(path).as_uri()
    return quote(pure.as_posix(), safe="/")


def sarif_region(outcome: Outcome, start: int, end: int) -> dict[str, int]:
    """1-based lines and code-point columns in the file (the run says columnKind
    unicodeCodePoints); endColumn is the column just after the span, as SARIF defines it.
    charOffset and charLength are code points into the file's text, where it has one."""
    start_line, start_col = outcome.line_col(start)
    end_line, end_col = outcome.line_col(end)
    region = {"startLine": start_line, "startColumn": start_col, "endLine": end_line, "endColumn": end_col}
    reply = outcome.reply
    if reply is None:
        region.update(charOffset=start, charLength=end - start)
    elif reply.offsets:
        region.update(charOffset=reply.offsets[start], charLength=reply.offsets[end] - reply.offsets[start])
    return region


class SarifFormatter(Formatter):
    """One SARIF 2.1.0 log with one run. Results are written as inputs are checked; the rules seen
    (id, message, default level) and the invocation's errors are written once, after them."""

    def __init__(self, out: TextIO, allow: Applicability = Applicability.SAFE) -> None:
        super().__init__(out, allow)
        self.rules: dict[str, int] = {}  # rule id -> index in tool.driver.rules
        self.rule_objects: list[dict[str, Any]] = []
        self.errors: list[str] = []
        self.written = 0
        self.out.write('{\n  "$schema": ' + dumps(SARIF_SCHEMA) + ',\n  "version": "2.1.0",\n  "runs": [\n    {\n'
                       '      "columnKind": "unicodeCodePoints",\n      "results": [')

    def _rule_index(self, diag: Diagnostic) -> int:
        index = self.rules.get(diag.rule_id)
        if index is None:
            index = self.rules[diag.rule_id] = len(self.rule_objects)
            self.rule_objects.append({
                "id": diag.rule_id,
                "shortDescription": {"text": diag.message},
                "defaultConfiguration": {"level": SARIF_LEVEL[diag.severity]},
                "properties": {"category": diag.category.value, "tags": [diag.category.value]},
            })
        return index

    def result(self, outcome: Outcome, diag: Diagnostic) -> dict[str, Any]:
        result: dict[str, Any] = {
            "ruleId": diag.rule_id,
            "ruleIndex": self._rule_index(diag),
            "level": SARIF_LEVEL[diag.severity],
            "message": {"text": diag.message},
        }
        location: dict[str, Any] = {}
        in_file = outcome.record_line is None and (outcome.key == "path" or bool(outcome.artifact))
        if outcome.record_line is not None:  # a jsonl record: its line in the file; offsets in its text
            location["physicalLocation"] = {"artifactLocation": {"uri": artifact_uri(outcome.artifact)},
                                            "region": {"startLine": outcome.record_line}}
            result["properties"] = {"start": diag.start, "end": diag.end}
        elif in_file:
            location["physicalLocation"] = {"artifactLocation": {"uri": artifact_uri(outcome.artifact)},
                                            "region": sarif_region(outcome, diag.start, diag.end)}
        else:  # a record with no file (built by a caller): offsets in its text only
            result["properties"] = {"start": diag.start, "end": diag.end}
        if outcome.key_path:  # a YAML/JSON key path, a CSV row and column, an .xlsx cell
            location["logicalLocations"] = [{"fullyQualifiedName": outcome.key_path, "kind": "member"}]
        elif outcome.key == "id":  # a record of a jsonl input: its id names the reply
            location["logicalLocations"] = [{"name": str(outcome.ident), "kind": "object"}]
        result["locations"] = [location]
        fixes = [self.fix(outcome, diag, s) for s in diag.suggestions
                 if in_file and s.applicability.rank >= self.allow.rank and self.fixable_in_place(outcome)]
        if fixes:
            result["fixes"] = fixes
        return result

    @staticmethod
    def fixable_in_place(outcome: Outcome) -> bool:
        """A SARIF fix inserts its text as is: only where the file holds the reply's characters
        as they are (plain text, Markdown), not inside quotes, escapes or a spreadsheet cell."""
        return outcome.reply is None or (getattr(outcome.reply, "quoting", "") == "raw" and bool(outcome.reply.offsets))

    def fix(self, outcome: Outcome, diag: Diagnostic, suggestion: Suggestion) -> dict[str, Any]:
        start, end = suggestion.span(diag)
        return {
            "description": {"text": f"{outcome.text[start:end]} → {suggestion.text}" if suggestion.text
                            else f"删除 {outcome.text[start:end]}"},
            "artifactChanges": [{
                "artifactLocation": {"uri": artifact_uri(outcome.artifact)},
                "replacements": [{"deletedRegion": sarif_region(outcome, start, end),
                                  "insertedContent": {"text": suggestion.text}}],
            }],
        }

    def handle(self, outcome: Outcome) -> None:
        if outcome.error is not None:
            self.errors.append(outcome.error)
            return
        for diag in outcome.diagnostics:
            item = dumps(self.result(outcome, diag), indent=2).replace("\n", "\n        ")
            self.out.write(("\n        " if not self.written else ",\n        ") + item)
            self.written += 1

    def stop(self) -> None:
        from . import __version__

        driver = {"name": "cslint", "version": __version__, "rules": self.rule_objects}
        invocation: dict[str, Any] = {"executionSuccessful": not self.errors}
        if self.errors:
            invocation["toolExecutionNotifications"] = [{"level": "error", "message": {"text": e}} for e in self.errors]
        tail = {"tool": {"driver": driver}, "invocations": [invocation]}
        body = dumps(tail, indent=2)[1:-1].strip("\n").replace("\n", "\n    ")  # the members, nested in the run
        self.out.write(("\n      ]" if self.written else "]") + ",\n    " + body + "\n    }\n  ]\n}\n")
        super().stop()


def github_escape(value: str, property_value: bool = False) -> str:
    """Workflow-command escaping as GitHub documents it: % CR LF in the message; also : and , in
    property values (file, title)."""
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


class GithubFormatter(Formatter):
    """`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=<rule>::<message>` per finding,
    which GitHub Actions shows as an annotation on the line; a file that could not be read is an
    annotation without a place."""

    def handle(self, outcome: Outcome) -> None:
        if outcome.error is not None:
            self.out.write(f"::error title=cslint::{github_escape(outcome.error)}\n")
            return
        for diag in outcome.diagnostics:
            self.out.write(self.command(outcome, diag) + "\n")

    def command(self, outcome: Outcome, diag: Diagnostic) -> str:
        props = []
        if outcome.artifact and outcome.artifact not in ("-", "<stdin>"):
            props.append(f"file={github_escape(PurePath(outcome.artifact).as_posix(), True)}")
        if outcome.record_line is not None:  # a jsonl record: its line (columns are the JSON's, not the reply's)
            props.append(f"line={outcome.record_line}")
        else:
            line, col = outcome.line_col(diag.start)
            end_line, end_col = outcome.line_col(diag.end)
            props += [f"line={line}", f"col={col}", f"endLine={end_line}", f"endColumn={end_col}"]
        props.append(f"title={github_escape(diag.rule_id, True)}")
        message = f"[{diag.category.value}] {diag.message}"
        if outcome.key_path:
            message = f"{outcome.key_path}: {message}"
        elif outcome.key == "id" and outcome.ident is not None:
            message = f"{outcome.ident}: {message}"
        advice = suggestion_line(diag, outcome.text)
        if advice:
            message += "\n" + advice
        return f"::{GITHUB_LEVEL[diag.severity]} {','.join(props)}::{github_escape(message)}"


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """Text XML 1.0 can hold: characters it forbids (control characters, lone surrogates) become
    visible \\uXXXX escapes; then &, < and > are escaped."""
    from xml.sax.saxutils import escape as xml_escape

    return xml_escape(_XML_INVALID.sub(lambda m: f"\\u{ord(m.group()):04x}", value))


def xml_attr(value: str) -> str:
    from xml.sax.saxutils import quoteattr as xml_quoteattr

    return xml_quoteattr(_XML_INVALID.sub(lambda m: f"\\u{ord(m.group()):04x}", value))


class JunitFormatter(Formatter):
    """JUnit XML: one testsuite per file, one testcase per reply, a failure per finding (an error
    for an input that could not be checked). A suite is written when the next file starts, so only
    one file's cases are held at a time."""

    def __init__(self, out: TextIO, allow: Applicability = Applicability.SAFE) -> None:
        super().__init__(out, allow)
        self.suite: str | None = None
        self.cases: list[str] = []
        self.counts = {"tests": 0, "failures": 0, "errors": 0}
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="cslint">\n')

    def handle(self, outcome: Outcome) -> None:
        suite = outcome.artifact or ("records" if outcome.key == "id" else STDIN_URI)
        if outcome.artifact in ("-", "<stdin>"):
            suite = STDIN_URI
        if suite != self.suite:
            self.flush_suite()
            self.suite = suite
        self.cases.append(self.case(outcome, suite))

    def case(self, outcome: Outcome, suite: str) -> str:
        if outcome.reply is not None:  # one reply of a file: named by its key path or its first line
            name = outcome.key_path or f"{suite}:{outcome.line_col(0)[0]}"
        else:
            name = outcome.name if outcome.key == "id" else suite
        self.counts["tests"] += 1
        head = f"    <testcase classname={xml_attr(suite)} name={xml_attr(str(name))}"
        if outcome.error is not None:
            self.counts["errors"] += 1
            return f"{head}>\n      <error message={xml_attr(outcome.error)}/>\n    </testcase>"
        if not outcome.diagnostics:
            return head + "/>"
        lines = [head + ">"]
        for diag in outcome.diagnostics:
            self.counts["failures"] += 1
            block = text_block(suite if outcome.key == "path" else str(name), outcome.text, diag,
                               outcome.line_col(diag.start))
            lines.append(f"      <failure type={xml_attr(diag.rule_id)} message={xml_attr(diag.message)}>"
                         f"{xml_text(block)}</failure>")
        lines.append("    </testcase>")
        return "\n".join(lines)

    def flush_suite(self) -> None:
        if self.suite is None:
            return
        tests = len(self.cases)
        failures = sum(c.count("<failure ") for c in self.cases)
        errors = sum(c.count("<error ") for c in self.cases)
        self.out.write(f"  <testsuite name={xml_attr(self.suite)} tests=\"{tests}\" failures=\"{failures}\" "
                       f"errors=\"{errors}\">\n" + "\n".join(self.cases) + "\n  </testsuite>\n")
        self.cases = []

    def stop(self) -> None:
        self.flush_suite()
        self.out.write("</testsuites>\n")
        super().stop()


FORMATTERS: dict[str, type[Formatter]] = {
    "text": TextFormatter, "json": JsonFormatter, "jsonl": JsonlFormatter,
    "sarif": SarifFormatter, "github": GithubFormatter, "junit": JunitFormatter,
}


# --- `cslint rules` -----------------------------------------------------------------------------

def _pad(cell: str, width: int) -> str:
    return cell + " " * (width - display_width(cell))


def table(rows: list[list[str]], right: Iterable[int] = ()) -> str:
    """Rows aligned by display width; columns in `right` are right-aligned; the last is left ragged."""
    right = set(right)
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            if i == len(row) - 1 and i not in right:
                cells.append(cell)
            elif i in right:
                cells.append(" " * (widths[i] - display_width(cell)) + cell)
            else:
                cells.append(_pad(cell, widths[i]))
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def rules_table(rules: Iterable[Rule]) -> str:
    """The effective rules, with where each was defined and what extending packs changed."""
    rows = [["id", "category", "severity", "kind", "from", "changed by", "message"]]
    rows += [[r.id, r.category.value, r.severity.value, r.kind, _defined_at(r), "; ".join(r.changes) or "-",
              escape(r.message)] for r in rules]
    return table(rows)


def _defined_at(rule: Rule) -> str:
    if rule.source is None:
        return rule.pack_id
    return f"{rule.pack_id} ({Path(rule.source.path).name}:{rule.source.line})"


def rule_details(rule: Rule, rewrites: dict[int, tuple[str, str]] | None = None) -> str:
    """Everything about one rule, for `cslint rules show`; `rewrites` gives, per bad example
    (by position in rule.examples), the reply after its suggestion and whether that is a fix."""
    lines = [
        f"{rule.id}",
        f"  pack:        {rule.pack_id}",
        f"  category:    {rule.category.value}",
        f"  severity:    {rule.severity.value}",
        f"  kind:        {rule.kind}",
        f"  source:      {rule.source}",
        *([f"  changed by:  {'; '.join(rule.changes)}"] if rule.changes else []),
        f"  message:     {escape(rule.message)}",
        f"  description: {escape(rule.description.strip())}",
    ]
    for bad, title in ((True, "bad examples"), (False, "good examples")):
        examples = [e for e in rule.examples if e.bad is bad]
        if not examples:
            continue
        lines.append(f"  {title}:")
        for example in examples:
            entry = f"    - {escape(example.text)}"
            rewrite = (rewrites or {}).get(rule.examples.index(example)) if bad else None
            if rewrite is not None:
                entry += f"  ->  {escape(rewrite[0])}  [{'修正' if rewrite[1] == 'fix' else '改写建议'}]"
            elif example.fixed is not None:
                entry += f"  ->  {escape(example.fixed)}"
            context = ", ".join(x for x in (example.channel, example.position) if x)
            if context:
                entry += f"  ({context})"
            lines.append(entry)
    return "\n".join(lines)


# --- `cslint eval` ------------------------------------------------------------------------------

def _ordered_categories(report: Report) -> list[str]:
    extra = [c for c in report.by_category if c not in CATEGORY_ORDER]
    return [c for c in CATEGORY_ORDER if c in report.by_category] + sorted(extra)


def counts_dict(counts: Counts) -> dict[str, Any]:
    return {
        "precision": round(counts.precision, 4),
        "recall": round(counts.recall, 4),
        "f1": round(counts.f1, 4),
        "tp": counts.tp,
        "fp": counts.fp,
        "found": counts.found,
        "missed": counts.missed,
    }


def eval_dict(report: Report, show_errors: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "replies": report.replies,
        "flagged_replies": report.flagged_replies,
        "categories": {c: counts_dict(report.by_category[c]) for c in _ordered_categories(report)},
        "overall": counts_dict(report.overall),
        "rules": {r: counts_dict(report.by_rule[r]) for r in sorted(report.by_rule)},
        "courtesy_elements": {e: counts_dict(report.by_element[e]) for e in sorted(report.by_element)},
    }
    if show_errors:
        data["errors"] = report.errors
    return data


def eval_table(report: Report) -> str:
    """Per-category precision, recall and F1 with their counts, then the overall line."""
    rows = [["category", "precision", "recall", "f1", "tp", "fp", "found", "missed"]]
    named = [(c, report.by_category[c]) for c in _ordered_categories(report)] + [("overall", report.overall)]
    sections = [_counts_table("category", named)]
    if report.by_rule:
        sections.append(_counts_table("rule", sorted(report.by_rule.items())))
    if report.by_element:
        sections.append(_counts_table("courtesy element", sorted(report.by_element.items())))
    share = report.flagged_replies / report.replies if report.replies else 0.0
    sections.append(f"{report.replies} 条回复，{report.flagged_replies} 条被标记（{share:.1%}）")
    return "\n\n".join(sections)


def _counts_table(heading: str, named: list[tuple[str, Counts]]) -> str:
    rows = [[heading, "precision", "recall", "f1", "tp", "fp", "found", "missed"]]
    for name, counts in named:
        rows.append([name, f"{counts.precision:.3f}", f"{counts.recall:.3f}", f"{counts.f1:.3f}",
                     str(counts.tp), str(counts.fp), str(counts.found), str(counts.missed)])
    return table(rows, right=range(1, 8))


def eval_errors(report: Report) -> str:
    """Per reply: the expected phrases the checker missed and the diagnostics nobody expected."""
    blocks = []
    for error in report.errors:
        lines = [f"{error['id']}: {escape(error['text'])}"]
        for item in error["missed"]:
            phrase = item.get("phrase", "")
            missing = f"（缺少 {item['element']}）" if item.get("element") else "（缺少）"
            lines.append(f"  漏报  {item['category']}: {escape(phrase) if phrase else missing}")
        for fp in error["false_positives"]:
            lines.append(f"  误报  {fp['category']}/{fp['rule_id']} @{fp['start']}: {escape(fp['text'])}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
