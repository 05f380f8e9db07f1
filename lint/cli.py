"""The `cslint` command: check replies, inspect and test rule packs, score a labelled set.

    cslint check [FILE ...]           lint replies (stdin when no FILE or FILE is -)
    cslint config [FILE]              the effective settings (.cslint.toml / pyproject.toml) and their sources
    cslint rules list|show|test|doc|check   work with rule packs
    cslint eval FILE.jsonl            precision / recall / F1 per category
    cslint scan INPUT... --out DIR    QA batch scan of transcripts (lint/scan/)
    cslint replay --before PACK --after PACK INPUT... --out DIR   what a rule change does to an archive
    cslint precision                  per-rule precision on the labelled sets (docs/precision.md)
    cslint sample FINDINGS --out SHEET   sample findings per rule for judging (lint/judging.py)
    cslint eval --judged SHEET FINDINGS  precision from the judged sample

A thin wrapper over `Checker.check`; output formats live in `lint.render`. Exit status: 0 clean,
1 findings at or above `--fail-on`, 2 usage, input or pack errors. A user error is always a
one-line message on stderr, never a traceback.
"""
from __future__ import annotations

import argparse
import errno
import json
import os
import sys
import warnings
from contextlib import nullcontext
from dataclasses import dataclass, replace
from enum import IntEnum
from pathlib import Path
from typing import Any, BinaryIO, Callable, ContextManager, Iterator, Sequence

import orjson

from . import suppress
from .checker import DEFAULT_MAX_CHARS, Checker
from .config import COMMAND_LINE, Config, ConfigError, Settings, resolve as resolve_config
from .encodings import (OverLimit, RawLines, decode_line, max_bytes_per_char, read_lines, read_text,
                        text_encoding_option)
from .errors import InputError, PackError
from .fix import apply_fixes, offset_before, resolve_edits
from .model import CHANNELS, POSITIONS, Applicability, Diagnostic, Result, Severity
from .render import FORMATTERS, FixFormatter, JsonlFormatter, Outcome, Tally, diagnostics_json, dumps
from .selection import Selection, SelectionError, split_codes


class ExitStatus(IntEnum):
    OK = 0
    FINDINGS = 1  # `check`: something at or above --fail-on; `rules test`: an example failed
    ERROR = 2  # bad usage, unreadable input, broken pack
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as a shell reports it)
    BROKEN_PIPE = 141  # the reader went away (128 + SIGPIPE)


STDIN = "-"
STDIN_NAME = "<stdin>"
LINE_SLACK = 64 * 1024  # a jsonl line's id, channel, position and any other fields


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- reading inputs -----------------------------------------------------------------------------

@dataclass(slots=True)
class Job:
    """One reply to check: where it came from (for messages) and the context to check it in."""

    outcome: Outcome
    where: str
    channel: str
    position: str
    selection: Selection | None = None  # None: every rule
    fail_on: str = "info"
    file: Any = None  # the lint.sources.SourceFile the reply was read from (--fix rewrites it)
    index: int = 0  # which of the file's replies this is
    markers: suppress.Suppressions | None = None  # the file's `cslint: disable` markers, when it has any
    done: bool = False  # the outcome is complete already (unused markers of a file): nothing to check
    result: Result | None = None  # Checker.check's result when it was checked already (CleanLines)


def _display_name(path: str) -> str:
    return STDIN_NAME if path == STDIN else path


def _stdin() -> BinaryIO:
    """Standard input's bytes; OSError when the shell closed it (`cslint check <&-`)."""
    if sys.stdin is None:
        raise OSError(errno.EBADF, "standard input is closed")
    return sys.stdin.buffer


def _open(path: str) -> ContextManager[BinaryIO]:
    """The input's byte stream, closed after use (stdin is never closed)."""
    return nullcontext(_stdin()) if path == STDIN else open(path, "rb")


def _failed(name: str, key: str, ident: object, where: str, message: str, args: argparse.Namespace) -> Job:
    outcome = Outcome(name=name, key=key, ident=ident, error=f"{where}: {message}")
    return Job(outcome, where, args.channel, args.position)


def text_bound(args: argparse.Namespace) -> int:
    """Bytes a text input may hold: beyond them it has more than --max-chars characters."""
    return args.max_chars * max_bytes_per_char(args.encoding)


def line_bound(args: argparse.Namespace) -> int:
    """Bytes (characters in UTF-16/32) a jsonl line may hold: a reply of --max-chars characters
    written as JSON escapes (\\ud83d\\ude00: 12 per character) plus room for its other fields."""
    return 3 * text_bound(args) + LINE_SLACK


def _read_reply(path: str, args: argparse.Namespace) -> str:
    with _open(path) as handle:
        return read_text(handle, args.encoding, text_bound(args))


def text_jobs(paths: Sequence[str], args: argparse.Namespace) -> Iterator[Job]:
    """Each file (or stdin) is one reply, read up to `text_bound` bytes and no further."""
    for path in paths:
        name = _display_name(path)
        try:
            text = _read_reply(path, args)
        except OSError as exc:
            yield _failed(name, "path", name, name, f"cannot read: {exc.strerror or exc}", args)
        except OverLimit as exc:
            yield _failed(name, "path", name, name, f"text is over the {args.max_chars}-character limit "
                          f"(--max-chars): more than {exc.limit:,} bytes; the rest was not read", args)
        except InputError as exc:  # does not decode
            yield _failed(name, "path", name, name, str(exc), args)
        else:
            settings = args.settings_for(path)
            yield Job(Outcome(name=name, key="path", ident=name, text=text), name, settings.channel, settings.position,
                      settings.selection, settings.fail_on)


def file_jobs(paths: Sequence[str], args: argparse.Namespace, in_place: bool) -> Iterator[Job]:
    """Files and directories (walked: lint/sources/walk.py). Stdin, and a plain text file named
    alone, are one reply as before; Markdown, YAML, JSON, CSV/TSV and .xlsx files hold a reply per
    paragraph, string or cell, each located in its file (lint/sources). With `in_place` (--fix
    and --diff rewrite files) every file is read through lint/sources, text files too."""
    from .sources import SUFFIXES, SourceError, format_of, iter_files, read_source

    for path in iter_files(paths, SUFFIXES, args.include, args.exclude, args.respect_gitignore):
        if path == STDIN or (format_of(path) == "text" and not in_place):
            yield from text_jobs([path], args)
            continue
        try:
            source = read_source(path, args.column, args.encoding, max_bytes=text_bound(args))
        except SourceError as exc:
            yield Job(Outcome(name=path, key="path", ident=path, error=str(exc)), path, args.channel, args.position)
            continue
        settings = args.settings_for(path)
        # markers in the file's comments (# cslint: disable=… beside a YAML value, <!-- … --> before
        # a Markdown paragraph) apply to the replies around them
        markers = suppress.Suppressions(source.text) if source.text and "cslint:" in source.text else None
        for number, reply in enumerate(source.replies):
            outcome = Outcome(name=path, key="path", ident=path, text=reply.text, reply=reply)
            yield Job(outcome, str(reply.location()), settings.channel, settings.position, settings.selection,
                      settings.fail_on, source, number, markers if reply.offsets else None)
        if markers is not None and args.report_unused_disables:  # every reply of the file was checked
            yield from _unused_marker_jobs(source, markers, settings)


def _unused_marker_jobs(source: Any, markers: suppress.Suppressions, settings: FileSettings) -> Iterator[Job]:
    """A finished job per line of the file holding markers that suppressed nothing: the line is
    its text (a reply of its own, located in the file), so every format shows it like a finding."""
    from .sources.model import LineIndex, Reply

    lines = LineIndex(source.text)
    by_line: dict[int, list[Diagnostic]] = {}
    for found in markers.unused():
        by_line.setdefault(lines.line_column(found.start)[0], []).append(found)
    for number, found in by_line.items():
        start = lines.starts[number - 1]
        end = source.text.find("\n", start)
        end = len(source.text) if end < 0 else end
        text = source.text[start:end]
        reply = Reply(text, source.path, tuple(range(start, end + 1)), lines=lines)
        diagnostics = tuple(replace(d, start=d.start - start, end=d.end - start) for d in found)
        outcome = Outcome(name=source.path, key="path", ident=source.path, text=text, diagnostics=diagnostics,
                          fixed=text, remaining=diagnostics, reply=reply)
        yield Job(outcome, f"{source.path}:{number}", settings.channel, settings.position, settings.selection,
                  settings.fail_on, done=True)


@dataclass(slots=True)
class CleanLines:
    """The jsonl batch's shortcut (`jsonl_jobs(clean=…)`, issue 16): a record read by orjson and
    checked clean becomes its output line at once, without a Job or an Outcome. Its line is the
    bytes `Outcome.json_line` writes for it, appended to the jsonl formatter's pending lines (the
    formatter writes them out as it does its own). Any other record (findings, an error, a
    suppression marker when unused markers are reported, a value orjson and json may read apart)
    is a Job as before, carrying its result when it was checked already."""

    check: Callable[..., Any]  # Checker.check
    pending: list[bytes]  # the JsonlFormatter's lines not written yet
    write: Callable[[], None]  # its write_pending
    batch: int  # its BATCH
    report_unused: bool  # a marker that suppresses nothing is a finding (--report-unused-disables)
    # records with findings too, when they are written as checked (no --fix, --unsafe-fixes or
    # --report-unused-disables) and hold no `cslint:` marker; `failed` is set when one of them
    # has a finding at or above its file's --fail-on
    findings: bool = False
    failed: bool = False


def jsonl_jobs(paths: Sequence[str], args: argparse.Namespace, clean: CleanLines | None = None) -> Iterator[Job]:
    """Each line `{"id", "text", "channel"?, "position"?}` is one reply; a bad line is one error.

    A line longer than `line_bound` ends its file (the rest is not read): it cannot hold a reply
    within --max-chars, and its end may never come (/dev/zero). With `clean`, the records of a
    UTF-8 file that check clean are written here and yield no job (CleanLines).
    """
    before_wait = getattr(args, "before_wait", None)  # the formatter's flush (cmd_check)
    for path in paths:
        name = _display_name(path)
        settings = None  # the file's settings, looked up at its first record
        try:
            with _open(path) as handle:
                # a UTF-8 file's lines come undecoded (orjson reads the bytes): (number, bytes, offset),
                # with `clean` in batches: RawLines (number before them, offset, lines without b"\n")
                for item in read_lines(handle, args.encoding, line_bound(args), before_wait, True, clean is not None):
                    if type(item) is RawLines:
                        if settings is None:
                            settings = args.settings_for(path)
                        yield from _clean_lines(item, name, args, settings, clean)
                        continue
                    number, text, extra = item
                    if type(text) is not bytes and extra is not None:  # a Line that did not decode
                        where = f"{name}:{number}"
                        yield _failed(where, "id", None, where, extra, args)
                    elif text and not text.isspace():
                        if settings is None:
                            settings = args.settings_for(path)
                        job = _jsonl_job(text, f"{name}:{number}", args, settings, name, number,
                                         extra if type(text) is bytes else 0)
                        if job is not None:
                            yield job
        except BrokenPipeError:  # writing the lines out (before_wait, CleanLines): not the input's fault
            raise
        except OSError as exc:
            yield _failed(name, "id", None, name, f"cannot read: {exc.strerror or exc}", args)
        except OverLimit as exc:
            where = f"{name}:{exc.line}"
            yield _failed(where, "id", None, where, f"line is longer than {exc.limit:,} {exc.unit}, more than a reply "
                          f"within the {args.max_chars}-character limit (--max-chars) takes; "
                          f"the rest of {name} was not read", args)
        except InputError as exc:  # UTF-16/32 bytes that do not decode: the rest cannot be split into lines
            yield _failed(name, "id", None, name, f"{exc}; the rest was not read", args)


_CLEAN_LINE = b'{"id": %b, "diagnostics": [], "fixed": %b}'  # a clean record's line: its id and text
_FOUND_LINE = b'{"id": %b, "diagnostics": %b, "fixed": %b}'  # and one with findings


def _clean_lines(batch: RawLines, name: str, args: argparse.Namespace, settings: FileSettings,
                 clean: CleanLines) -> Iterator[Job]:
    """The records of a batch of lines: those that check clean written at once, a job for each
    of the others (see CleanLines). Each line is read by orjson as `_jsonl_job` reads it; a line
    orjson refuses, or whose values json may read otherwise (`_PLAIN`), goes to `_jsonl_job`."""
    plain_record, dumps_ = _plain_record, orjson.dumps
    check, pending, batch_size, report_unused = clean.check, clean.pending, clean.batch, clean.report_unused
    findings = clean.findings
    channel_default, position_default, selection = settings.channel, settings.position, settings.selection
    floor = Severity(settings.fail_on).rank
    lines = batch.lines
    number = batch.number
    known, offset = 0, batch.offset  # where line `known` of the batch starts (counted on when needed)
    for line in lines:
        number += 1
        record = plain_record(line)
        if record is not None:
            ident, text, channel, position = record
            if channel is None:
                channel = channel_default
            if position is None:
                position = position_default
            try:
                result = check(text, channel, position, selection)
            except InputError:  # run_job checks it again and reports why
                result = None
            if result is not None:
                diagnostics = result.diagnostics
                if not diagnostics:
                    if not (report_unused and "cslint:" in text):
                        pending.append(_CLEAN_LINE % (dumps_(ident), dumps_(text)))
                        if len(pending) >= batch_size:
                            clean.write()
                        continue
                elif findings and "cslint:" not in text:
                    # Outcome.json_line of what run_job makes of it: nothing to suppress, the
                    # checker's own rewrite
                    try:
                        line = _FOUND_LINE % (dumps_(ident), diagnostics_json(diagnostics), dumps_(result.fixed))
                    except TypeError:  # a lone surrogate (not from orjson's text): json_line knows
                        pass
                    else:
                        pending.append(line)
                        if len(pending) >= batch_size:
                            clean.write()
                        if not clean.failed and any(_counts(d, floor) for d in diagnostics):
                            clean.failed = True
                        continue
            where = f"{name}:{number}"
            outcome = Outcome(where if ident is None else str(ident), "id", ident, text, source=name,
                              record_line=number)
            yield Job(outcome, where, channel, position, selection, settings.fail_on, result=result)
            continue
        # anything else as jsonl_jobs reads a line: with its newline (json's error columns count it)
        line += b"\n"
        if not line.isspace():
            index = number - batch.number - 1
            offset += sum(map(len, lines[known:index])) + index - known
            known = index
            job = _jsonl_job(line, f"{name}:{number}", args, settings, name, number, offset)
            if job is not None:
                yield job


def _jsonl_job(line: str | bytes, where: str, args: argparse.Namespace, settings: "FileSettings", source: str = "",
               number: int | None = None, offset: int = 0) -> Job | None:
    """One record (None when the line is blank after all); `source` and `number` are the file and
    line it was read from (CI formats point there), `offset` where the line starts in the file when
    it comes as undecoded UTF-8 bytes.

    orjson reads the usual record several times faster than json; the record is read again by
    json (`_json_job`, the reference) whenever the two could differ: orjson refuses some JSON
    json accepts (NaN, Infinity, 1e400, lone surrogate escapes, deep nesting) and reads integers
    beyond 64 bits as floats, so only a record whose id, channel and position are strings,
    (64-bit, hence exact) integers, booleans or null, with a string text, is taken from orjson.
    """
    record = _plain_record(line)
    if record is not None:
        ident, text, channel, position = record
        outcome = Outcome(where if ident is None else str(ident), "id", ident, text, source=source,
                          record_line=number)
        return Job(outcome, where, settings.channel if channel is None else channel,
                   settings.position if position is None else position, settings.selection, settings.fail_on)
    if type(line) is bytes:  # decoded now: it may not decode, or hold only Unicode spaces
        decoded = decode_line(number or 0, line, "utf-8", offset)
        if decoded.error is not None:
            return _failed(where, "id", None, where, decoded.error, args)
        line = decoded.text
        if line.isspace():
            return None
    return _json_job(line, where, args, settings, source, number)


_PLAIN = frozenset((str, int, bool, type(None)))  # values orjson and json read alike


def _plain_record(line: str | bytes) -> tuple[Any, str, Any, Any] | None:
    """(id, text, channel, position) of a record orjson reads exactly as json would: a JSON object
    with a string text and an id, channel and position of `_PLAIN` types; None for any other line
    (`_json_job` reads it, the reference)."""
    try:
        row = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if type(row) is not dict:
        return None
    ident, text, channel, position = row.get("id"), row.get("text"), row.get("channel"), row.get("position")
    if type(text) is str and type(ident) in _PLAIN and type(channel) in _PLAIN and type(position) in _PLAIN:
        return ident, text, channel, position
    return None


def _json_job(line: str, where: str, args: argparse.Namespace, settings: "FileSettings", source: str = "",
              number: int | None = None) -> Job:
    """`_jsonl_job` with json.loads: any record, and the errors' messages."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        return _failed(where, "id", None, where, f"invalid JSON: {exc.msg} (column {exc.colno})", args)
    except (ValueError, RecursionError) as exc:
        return _failed(where, "id", None, where, f"invalid JSON: {'nested too deeply' if isinstance(exc, RecursionError) else exc}", args)
    if not isinstance(row, dict):
        return _failed(where, "id", None, where, 'expected a JSON object with "id" and "text"', args)
    ident = row.get("id")
    name = where if ident is None else str(ident)
    text = row.get("text")
    if not isinstance(text, str):
        problem = '"text" is missing' if "text" not in row else f'"text" must be a string, not {type(text).__name__ if text is not None else "null"}'
        return _failed(name, "id", ident, where, problem, args)
    channel = row.get("channel")
    position = row.get("position")
    outcome = Outcome(name=name, key="id", ident=ident, text=text, source=source, record_line=number)
    return Job(outcome, where, settings.channel if channel is None else channel,
               settings.position if position is None else position, settings.selection, settings.fail_on)


# --- cslint check -------------------------------------------------------------------------------

def _fixable(diag: Diagnostic, allow: Applicability) -> bool:
    return bool(diag.suggestions) and diag.suggestions[0].applicability.rank >= allow.rank


def run_job(checker: Checker, job: Job, allow: Applicability, fix: bool, report_unused: bool = False) -> None:
    """Fill in the job's outcome: diagnostics (less what inline `cslint: disable` markers
    suppress, lint/suppress.py), fixed text and, with --fix, what is left."""
    outcome = job.outcome
    result = job.result
    if result is None:
        try:
            result = checker.check(outcome.text, job.channel, job.position, job.selection)
        except InputError as exc:
            outcome.error = f"{job.where}: {exc}"
            return
    if job.markers is not None:  # the reply's offsets lead into the file, where the markers are
        offsets = outcome.reply.offsets
        diagnostics = tuple(job.markers.filter(result.diagnostics, to_text=offsets.__getitem__))
    else:
        diagnostics = suppress.apply(result.text, result.diagnostics, report_unused)
    outcome.diagnostics = diagnostics
    if allow is Applicability.SAFE and len(diagnostics) == len(result.diagnostics) and not report_unused:
        outcome.fixed = result.fixed  # nothing was suppressed: the checker's own rewrite stands
    else:
        outcome.fixed = apply_fixes(result.text, diagnostics, allow)
    outcome.remaining = diagnostics
    if fix and outcome.fixed != outcome.text:
        # Re-check rather than trust the rewrite: --fix exits clean only when the fixed reply is clean.
        try:
            again = checker.check(outcome.fixed, job.channel, job.position, job.selection)
        except InputError:  # the insertions pushed it over --max-chars
            outcome.remaining = tuple(d for d in diagnostics if not _fixable(d, allow))
            return
        if job.markers is not None:  # through the edits back to the reply, then into the file
            before = offset_before(resolve_edits(result.text, diagnostics, allow))
            offsets = outcome.reply.offsets
            outcome.remaining = tuple(job.markers.filter(again.diagnostics, to_text=lambda k: offsets[before(k)]))
        else:
            outcome.remaining = suppress.apply(again.text, again.diagnostics, report_unused)


def _counts(diag: Diagnostic, floor: int) -> bool:
    """Whether a finding fails the run: at or above --fail-on, or an unused suppression."""
    return diag.severity.rank >= floor or diag.rule_id == suppress.UNUSED_DISABLE


@dataclass(frozen=True)
class FileSettings:
    """What `check` needs of the effective settings (lint/config.py) for one input."""

    channel: str
    position: str
    selection: Selection | None
    fail_on: str


def _cli_settings(args: argparse.Namespace) -> dict[str, object]:
    """The settings given as flags (None: not given, so the config file or the default decides)."""
    return {"packs": args.pack or None, "packs-dirs": args.packs_dir or None,
            "channel": getattr(args, "channel", None), "position": getattr(args, "position", None),
            "select": None if getattr(args, "select", None) is None else split_codes(args.select),
            "ignore": split_codes(getattr(args, "ignore", None)) or None,
            "extend-select": split_codes(getattr(args, "extend_select", None)) or None,
            "fail-on": getattr(args, "fail_on", None),
            "report-unused-disables": getattr(args, "report_unused_disables", None)}


def _load_config(args: argparse.Namespace) -> tuple[Config, Settings]:
    config = resolve_config(args.config, args.isolated)
    return config, config.settings(None, _cli_settings(args))


def _selection(settings: Settings, known: frozenset[str]) -> Selection | None:
    """The settings' selection (None when it selects every rule); a bad code names its source."""
    try:
        selection = Selection.from_codes(settings.select, settings.ignore, settings.extend_select, known)
    except SelectionError as exc:
        keys = [k for k in ("select", "extend-select", "ignore")
                if exc.code in split_codes(getattr(settings, k.replace("-", "_")) or ())]
        where = settings.source(keys[0]) if keys else COMMAND_LINE
        where = "--" + keys[0] if keys and where == COMMAND_LINE else where
        raise ConfigError(where, None, str(exc)) from None
    return None if selection.is_default else selection


def _check_codes(config: Config, base: Settings, known: frozenset[str]) -> None:
    """Refuse a code that names nothing before any output, saying where it was written: the
    config file's line, its per-file override, or the flag."""
    for key in ("select", "ignore", "extend-select"):
        try:
            Selection.from_codes(None, config.values.get(key, ()), (), known)
        except SelectionError as exc:
            raise ConfigError(str(config.path), config.lines.get(key), f"{key}: {exc}") from None
        for override in config.overrides:
            try:
                Selection.from_codes(None, override.values.get(key, ()), (), known)
            except SelectionError as exc:
                raise ConfigError(str(config.path), override.line,
                                  f"per-file-overrides.{override.glob}: {exc}") from None
    _selection(base, known)


def _settings_lookup(config: Config, args: argparse.Namespace, known: frozenset[str]) -> Callable[[str], FileSettings]:
    """Per-input settings, worked out once per distinct combination of values."""
    cli = _cli_settings(args)
    by_values: dict[tuple, FileSettings] = {}
    by_path: dict[str, FileSettings] = {}  # a jsonl file asks once per line

    def settings_for(path: str) -> FileSettings:
        if path not in by_path:
            by_path[path] = _settings_of(path)
        return by_path[path]

    def _settings_of(path: str) -> FileSettings:
        settings = config.settings(None if path == STDIN else path, cli)
        key = (settings.channel, settings.position, settings.select, settings.ignore, settings.extend_select,
               settings.fail_on)
        if key not in by_values:
            by_values[key] = FileSettings(settings.channel, settings.position, _selection(settings, known),
                                          settings.fail_on)
        return by_values[key]

    return settings_for


def cmd_check(args: argparse.Namespace) -> int:
    """Check each input as it is read and write its outcome at once: memory stays bounded by the
    largest single reply, whatever the number of inputs."""
    files = args.files or [STDIN]
    from .sources import format_of

    in_place = args.input_format == "text" and any(
        f != STDIN and (os.path.isdir(f) or format_of(f) != "text") for f in files)
    if args.diff and not in_place:
        args.parser.error("--diff previews fixes to Markdown, YAML, JSON, CSV/TSV and .xlsx files or directories")
    if args.fix and args.format == "text" and not in_place and (args.input_format == "jsonl" or len(files) > 1):
        args.parser.error("--fix prints one fixed reply; for several use --format json or --format jsonl")
    config, base = _load_config(args)
    checker = Checker.from_packs(list(base.packs), list(base.packs_dirs), args.max_chars)
    known = frozenset(rule.id for rule in checker.rules)
    _check_codes(config, base, known)
    args.settings_for = _settings_lookup(config, args, known)
    args.channel, args.position, args.fail_on = base.channel, base.position, base.fail_on  # for error jobs
    args.report_unused_disables = base.report_unused_disables
    allow = Applicability.DISPLAY if args.unsafe_fixes else Applicability.SAFE
    formatter_class = FixFormatter if args.fix and args.format == "text" and not in_place else FORMATTERS[args.format]
    formatter = formatter_class(sys.stdout, allow)
    status = ExitStatus.OK
    left = Tally(allow)
    clean = None
    if args.input_format == "jsonl" and type(formatter) is JsonlFormatter and not formatter.eager:
        # the usual batch (issue 16): a record that checks clean is written by jsonl_jobs itself
        report_unused = bool(args.report_unused_disables)
        clean = CleanLines(checker.check, formatter.pending, formatter.write_pending, formatter.BATCH, report_unused,
                           findings=not (args.fix or args.unsafe_fixes or report_unused))
    jobs = jsonl_jobs(files, args, clean) if args.input_format == "jsonl" else file_jobs(files, args, in_place)
    rewrites = None
    if in_place and (args.fix or args.diff):
        from .fix_files import FileFixes

        rewrites = FileFixes(allow, sys.stdout if args.diff else None)
    if args.diff:  # the diffs go to stdout too: each result is written out before the next diff
        formatter.eager = True
    args.before_wait = formatter.flush  # read_lines calls it before the input may keep us waiting
    floors: dict[str, int] = {}  # --fail-on value -> its severity rank
    fix, report_unused, handle = args.fix, args.report_unused_disables, formatter.handle
    for job in jobs:
        outcome = job.outcome
        if outcome.error is None and not job.done:
            run_job(checker, job, allow, fix, report_unused)
            if rewrites is not None and job.file is not None:
                rewrites.add(job.file, job.index, outcome.diagnostics)
        if outcome.error is not None:
            _err(outcome.error)
            status = ExitStatus.ERROR
        handle(outcome)
        counted = outcome.remaining if fix else outcome.diagnostics
        if not counted:
            continue
        left.add(counted)
        floor = floors.get(job.fail_on)
        if floor is None:
            floor = floors[job.fail_on] = Severity(job.fail_on).rank
        if status is ExitStatus.OK and any(_counts(d, floor) for d in counted):
            status = ExitStatus.FINDINGS
    if clean is not None and clean.failed and status is ExitStatus.OK:  # findings written by jsonl_jobs
        status = ExitStatus.FINDINGS
    if rewrites is not None:
        rewrites.close()
        for error in rewrites.errors:
            _err(error)
            status = ExitStatus.ERROR
    formatter.stop()
    if isinstance(formatter, FixFormatter) and left.total:
        _err(f"剩余 {left.line(with_fixable=False)}，需人工处理（去掉 --fix 可查看详情）")
    return status


# --- cslint config ------------------------------------------------------------------------------

_SHOWN = ("packs", "packs-dirs", "channel", "position", "select", "ignore", "extend-select", "fail-on",
          "report-unused-disables")


def cmd_config(args: argparse.Namespace) -> int:
    """The effective settings (for FILE when given: with its per-file overrides) and the source
    of each: a configuration file, "default" or "command line"."""
    config = resolve_config(args.config, args.isolated)
    settings = config.settings(args.file, _cli_settings(args))
    rows = {key: getattr(settings, key.replace("-", "_")) for key in _SHOWN}
    if not rows["packs"]:
        rows["packs"] = ("default",)
    if args.format == "json":
        print(dumps({"config": str(config.path) if config.path else None,
                     "settings": {k: list(v) if isinstance(v, tuple) else v for k, v in rows.items()},
                     "sources": {k: settings.source(k) for k in _SHOWN}}, indent=2))
        return ExitStatus.OK
    print(f"# config file: {config.path if config.path else 'none' + (' (--isolated)' if args.isolated else '')}")
    for key, value in rows.items():
        shown = "(all rules)" if key == "select" and value is None else (
            ", ".join(value) if isinstance(value, tuple) else str(value).lower() if isinstance(value, bool) else str(value))
        print(f"{key:<22} {shown or '-':<40} # {settings.source(key)}")
    return ExitStatus.OK


# --- cslint rules -------------------------------------------------------------------------------

def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def cmd_rules_list(args: argparse.Namespace) -> int:
    from .render import rules_table

    checker = Checker.from_packs(args.pack, args.packs_dir)
    print(rules_table(checker.rules))
    return ExitStatus.OK


def cmd_rules_show(args: argparse.Namespace) -> int:
    from .render import rule_details

    checker = Checker.from_packs(args.pack, args.packs_dir)
    rule = checker.rule(args.rule_id)
    if rule is None:
        packs = ", ".join(p.id for p in checker.packs)
        _err(f"unknown rule '{args.rule_id}' in pack(s) {packs} (see `cslint rules list`)")
        return ExitStatus.ERROR
    from .examples import example_rewrite

    rewrites = {i: r for i, e in enumerate(rule.examples) if e.bad
                for r in [example_rewrite(checker, rule, e)] if r is not None}
    print(rule_details(rule, rewrites))
    return ExitStatus.OK


def cmd_rules_test(args: argparse.Namespace) -> int:
    """Each pack on its own: its examples must pass with exactly the rules (and terms) it loads."""
    from .examples import check_examples
    from .packs import DEFAULT_PACK, load_pack, packs_dirs

    dirs = packs_dirs(args.packs_dir)
    status = ExitStatus.OK
    for name in args.packs or [DEFAULT_PACK]:
        pack = load_pack(name, dirs)
        checker = Checker([pack])
        failures = check_examples(checker)
        for failure in failures:
            print(failure)
        examples = sum(len(rule.examples) for rule in checker.rules)
        verdict = "ok" if not failures else f"{len(failures)} failed"
        print(f"{pack.id} {pack.version}: {_count(len(checker.rules), 'rule')}, "
              f"{_count(examples, 'example')} checked, {verdict}")
        if failures:
            status = ExitStatus.FINDINGS
    return status


def cmd_rules_doc(args: argparse.Namespace) -> int:
    from .packs import load_pack, packs_dirs
    from .ruledoc import pack_doc, write_docs

    packs = [load_pack(name, packs_dirs(args.packs_dir)) for name in args.packs]
    if args.out:
        for path in write_docs(packs, Path(args.out)):
            _err(f"wrote {path}")
    else:
        print("\n".join(pack_doc(pack) for pack in packs), end="")
    return ExitStatus.OK


def cmd_rules_check(args: argparse.Namespace) -> int:
    from .packs import load_pack, packs_dirs

    pack = load_pack(args.pack_file, packs_dirs(args.packs_dir))
    # a rewrite that cannot apply cleanly to its own bad examples is refused like a broken field
    from .examples import check_examples

    failures = [f for f in check_examples(Checker([pack]), [r for r in pack.rules if r.pack_id == pack.id])
                if "does not apply cleanly" in f.problem]
    for failure in failures:
        _err(str(failure))
    if failures:
        return ExitStatus.ERROR
    own = sum(1 for rule in pack.rules if rule.pack_id == pack.id)
    detail = f" ({own} own)" if own != len(pack.rules) else ""
    print(f"ok: {pack.id} {pack.version}, {_count(len(pack.rules), 'rule')}{detail}")
    return ExitStatus.OK


# --- cslint eval --------------------------------------------------------------------------------

def cmd_eval(args: argparse.Namespace) -> int:
    if args.judged:  # supervisors' verdicts on a sample of a scan's findings (lint/judging.py)
        from .judging import cmd_eval_judged

        return cmd_eval_judged(args)
    from .evaluate import evaluate
    from .render import eval_dict, eval_errors, eval_table

    try:
        Path(args.file).read_bytes().decode("utf-8")
    except OSError as exc:
        _err(f"{args.file}: cannot read: {exc.strerror or exc}")
        return ExitStatus.ERROR
    except UnicodeDecodeError as exc:
        _err(f"{args.file}: not valid UTF-8 at byte offset {exc.start}")
        return ExitStatus.ERROR
    checker = Checker.from_packs(args.pack, args.packs_dir)
    try:
        report = evaluate(checker, Path(args.file), Path(args.corpus) if args.corpus else None)
    except InputError as exc:  # a reply the checker refuses (bad channel, too long)
        _err(f"{args.file}: {exc}")
        return ExitStatus.ERROR
    except ValueError as exc:  # evaluate's own message names file:line
        _err(str(exc))
        return ExitStatus.ERROR
    except (KeyError, TypeError, AttributeError) as exc:  # an "expect" item that is not {category, phrase}
        _err(f"{args.file}: malformed \"expect\" labels ({type(exc).__name__}: {exc})")
        return ExitStatus.ERROR
    if args.format == "json":
        print(dumps(eval_dict(report, args.show_errors), indent=2))
    else:
        print(eval_table(report))
        if args.show_errors and report.errors:
            print("\n" + eval_errors(report))
    return ExitStatus.OK


# --- the parser ---------------------------------------------------------------------------------

def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cslint")
    except PackageNotFoundError:
        return "unknown"


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, not {value!r}")
    return number


def _encoding(value: str) -> str:
    try:
        return text_encoding_option(value)
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _packs_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--packs-dir", action="append", default=[], metavar="DIR",
                        help="look for packs named by id here first (repeatable; also $CSLINT_PACKS)")


def _pack_options() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--pack", action="append", default=[], metavar="PACK",
                        help="rule pack id or .yaml path (repeatable; default: the default pack)")
    _packs_dir_option(parent)
    return parent


def _settings_options(parser: argparse.ArgumentParser) -> None:
    """Flags that override the configuration file (lint/config.py); None means "not given"."""
    parser.add_argument("--channel", choices=CHANNELS, default=None, help="chat or email (default: chat)")
    parser.add_argument("--position", choices=POSITIONS, default=None,
                        help="where the reply sits in the conversation (default: middle)")
    parser.add_argument("--fail-on", choices=[s.value for s in Severity], default=None,
                        help="exit 1 on a finding at or above this severity (default: info)")
    for flag, what in (("--select", "run only these rules (replaces the configured select)"),
                       ("--extend-select", "run these rules too"), ("--ignore", "skip these rules")):
        parser.add_argument(flag, action="append", default=None, metavar="CODES",
                            help=f"{what}: rule ids, categories or severities, comma-separated, repeatable; "
                                 "the most specific code wins (rule > category > severity)")


def _config_options() -> argparse.ArgumentParser:
    """--config and --isolated, for every command that reads the configuration file."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--config", metavar="FILE",
                        help="use this .cslint.toml / pyproject.toml instead of looking upwards from here")
    parent.add_argument("--isolated", action="store_true", help="ignore every configuration file")
    return parent


def apply_config_packs(args: argparse.Namespace) -> None:
    """For the commands other than check/config that load packs (rules list/show, serve, scan,
    eval): the configuration file's packs and packs-dirs (and scan's channel) where no flag gave them."""
    given = {"packs": args.pack or None, "packs-dirs": args.packs_dir or None}
    if hasattr(args, "channel"):
        given["channel"] = args.channel
    settings = resolve_config(args.config, args.isolated).settings(None, given)
    args.pack, args.packs_dir = list(settings.packs), list(settings.packs_dirs)
    if hasattr(args, "channel"):
        args.channel = settings.channel


def _command(sub: argparse._SubParsersAction, name: str, handler: Callable[[argparse.Namespace], int], help: str,
             parents: Sequence[argparse.ArgumentParser] = ()) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help, description=help, parents=list(parents))
    parser.set_defaults(handler=handler, parser=parser)
    return parser


class _VersionAction(argparse.Action):
    """`--version`, looking the installed version up only when asked (importlib.metadata is slow
    to import)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="show program's version number and exit")

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        parser._print_message(f"{parser.prog} {_version()}\n", sys.stdout)
        parser.exit()


# commands whose options live in their own modules (which import a lot): with `only` set to
# another command, build_parser gives them a bare parser and never imports those modules
_LAZY = ("serve", "precision", "scan", "replay", "sample", "completion")


def _command_named(argv: Sequence[str]) -> str | None:
    """The command word of a command line (`cslint` takes no option before it but --help/--version)."""
    for word in argv:
        if word == "--":
            return None
        if not word.startswith("-"):
            return word
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; with `only` naming a command, the commands of _LAZY other than that one
    are bare (a start-up of `cslint check` then imports neither the scanner nor the server)."""
    packs = _pack_options()
    config_file = _config_options()
    parser = argparse.ArgumentParser(prog="cslint", description="Check Chinese customer-service replies.")
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    bare = set(_LAZY) - {only} if only is not None else set()

    check = _command(sub, "check", cmd_check, "check replies (stdin when no FILE is given)", [packs, config_file])
    check.add_argument("files", nargs="*", metavar="PATH",
                       help="a text file is one reply; Markdown, YAML, JSON, CSV/TSV and .xlsx files hold several; "
                            "directories are walked; - is stdin")
    check.add_argument("--include", action="append", metavar="GLOB",
                       help="under directories, read only files matching GLOB (gitignore syntax; repeatable)")
    check.add_argument("--exclude", action="append", metavar="GLOB",
                       help="under directories, skip files and folders matching GLOB (repeatable)")
    check.add_argument("--no-respect-gitignore", dest="respect_gitignore", action="store_false",
                       help="also read files that .gitignore leaves out")
    check.add_argument("--column", metavar="NAME",
                       help="the reply column of CSV/TSV/.xlsx files, by header or number "
                            "(default: reply, text, content, 回复, 话术, 内容…)")
    check.add_argument("--diff", action="store_true",
                       help="print the fixes to files as a unified diff instead of writing them")
    _settings_options(check)
    check.add_argument("--report-unused-disables", action="store_true", default=None,
                       help="report `cslint: disable` markers that suppress nothing (rule unused-disable; fails the run)")
    check.add_argument("--format", choices=tuple(FORMATTERS), default="text")
    check.add_argument("--input-format", choices=("text", "jsonl"), default="text",
                       help='jsonl: one {"id", "text", "channel"?, "position"?} object per line')
    check.add_argument("--fix", action="store_true",
                       help="apply safe rewrites (text format: print the fixed reply); "
                            "the exit status then reflects what the fixes leave")
    check.add_argument("--unsafe-fixes", action="store_true",
                       help="apply proposals too (rewrites that may change the meaning), in --fix output and the fixed field")
    check.add_argument("--max-chars", type=_positive, default=DEFAULT_MAX_CHARS, metavar="N",
                       help=f"refuse longer replies, without reading past what N characters can take "
                            f"(default: {DEFAULT_MAX_CHARS})")
    check.add_argument("--encoding", type=_encoding, default=None, metavar="NAME",
                       help="encoding of inputs without a byte-order mark (default: utf-8; e.g. gb18030, "
                            "big5); a UTF-8/16/32 BOM always wins")

    config = _command(sub, "config", cmd_config, "print the effective settings and where each comes from",
                      [packs, config_file])
    config.add_argument("file", nargs="?", metavar="FILE", help="show the settings for this file (per-file overrides)")
    config.add_argument("--format", choices=("text", "json"), default="text")
    _settings_options(config)

    rules = sub.add_parser("rules", help="list, show, test and validate rule packs",
                           description="list, show, test and validate rule packs")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True, metavar="ACTION")
    _command(rules_sub, "list", cmd_rules_list, "one line per effective rule", [packs, config_file])
    show = _command(rules_sub, "show", cmd_rules_show, "everything about one rule", [packs, config_file])
    show.add_argument("rule_id", metavar="ID")
    test = _command(rules_sub, "test", cmd_rules_test, "run the examples of each pack's rules")
    test.add_argument("packs", nargs="*", metavar="PACK", help="pack ids or .yaml paths (default: default)")
    _packs_dir_option(test)
    doc = _command(rules_sub, "doc", cmd_rules_doc, "write a Markdown reference of a pack's rules")
    doc.add_argument("packs", nargs="+", metavar="PACK", help="pack ids or .yaml paths")
    doc.add_argument("--out", metavar="DIR", help="write DIR/<pack id>.md for each pack (default: print)")
    _packs_dir_option(doc)
    validate = _command(rules_sub, "check", cmd_rules_check, "validate a pack file (load it)")
    validate.add_argument("pack_file", metavar="PACK", help="pack id or .yaml path")
    _packs_dir_option(validate)

    _lazy_commands(sub, bare, packs, config_file, "serve", "precision", "scan", "replay", "sample")

    evaluation = _command(sub, "eval", cmd_eval, "score the packs against a labelled .jsonl file", [packs, config_file])
    evaluation.add_argument("file", metavar="FILE.jsonl", help="labelled replies; with --judged, the scan's findings.jsonl")
    evaluation.add_argument("--judged", metavar="SHEET",
                            help="a sheet from `cslint sample` with verdicts filled in: precision per rule and overall")
    evaluation.add_argument("--format", choices=("text", "json"), default="text")
    evaluation.add_argument("--show-errors", action="store_true", help="list misses and false positives per reply")
    evaluation.add_argument("--corpus", metavar="DIR",
                            help="where the corpus files named by labels without text are (e.g. ../shared/corpora)")

    _lazy_commands(sub, bare, packs, config_file, "completion")
    return parser


def _lazy_commands(sub: argparse._SubParsersAction, bare: set[str], packs: argparse.ArgumentParser,
                   config_file: argparse.ArgumentParser, *names: str) -> None:
    """The commands of _LAZY named, in order: whole, or bare (a name and a help line) when in `bare`."""
    helps = {
        "serve": "run the HTTP service (FastAPI under uvicorn)",
        "precision": "per-rule precision and recall on every labelled set (docs/precision.md)",
        "scan": "QA batch scan of transcript files into reports",
        "replay": "scan the same transcripts with the rules before and after a change "
                  "and report what it adds, removes and does to agents' scores",
        "sample": "draw findings of a scan, per rule, into a sheet for supervisors to judge",
        "completion": "print a shell completion script (bash, zsh or fish)",
    }
    for name in names:
        if name in bare:
            sub.add_parser(name, help=helps[name], description=helps[name])
            continue
        if name == "serve":
            from .serve_command import add_arguments, cmd_serve as handler
        elif name == "precision":
            from .precision import add_arguments, cmd_precision as handler
        elif name == "scan":
            from .scan.command import add_arguments, cmd_scan as handler
        elif name == "replay":
            from .scan.replay import add_arguments, cmd_replay as handler
        elif name == "sample":
            from .judging import add_arguments, cmd_sample as handler
        else:
            from .completion import add_arguments, cmd_completion as handler
        parents = [packs, config_file] if name in ("serve", "scan") else []
        command = _command(sub, name, handler, helps[name], parents)
        if name == "replay":
            _packs_dir_option(command)
        add_arguments(command)


# --- entry point --------------------------------------------------------------------------------

def _prepare_process() -> None:
    """Keep stderr for our own messages and never die printing an odd character."""
    # jieba imports pkg_resources, which warns about our namespace package on some setups.
    warnings.filterwarnings("ignore", message=r"Module lint was already imported", category=UserWarning)
    warnings.filterwarnings("ignore", message=r"pkg_resources is deprecated", category=UserWarning)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _exit_code(code: object) -> int:
    if code is None:
        return ExitStatus.OK
    return code if isinstance(code, int) else ExitStatus.ERROR


def main(argv: Sequence[str] | None = None) -> int:
    _prepare_process()
    try:
        args = build_parser(_command_named(sys.argv[1:] if argv is None else argv)).parse_args(argv)
        if hasattr(args, "isolated") and args.handler not in (cmd_check, cmd_config):
            apply_config_packs(args)
        status = int(args.handler(args))
        sys.stdout.flush()  # a closed pipe shows up here, not in the interpreter's exit
        return status
    except SystemExit as exc:  # argparse: --help, --version, usage errors
        return _exit_code(exc.code)
    except (PackError, ConfigError) as exc:
        _err(str(exc))
        return ExitStatus.ERROR
    except KeyboardInterrupt:
        _err("interrupted")
        return ExitStatus.INTERRUPTED
    except BrokenPipeError:
        # Point stdout at /dev/null so the interpreter's final flush does not fail again.
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return ExitStatus.BROKEN_PIPE


if __name__ == "__main__":
    raise SystemExit(main())
