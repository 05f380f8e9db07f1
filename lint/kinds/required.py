"""`kind: required` (courtesy): a phrase that must be present.

Unconditional form: at the given positions and channels, one of `any_of` must occur in `region`
(anywhere, the first line, or the last `lines` lines). Conditional form (`when`): only when a
trigger occurs (a refusal, a request) must one of `any_of` occur in the same `scope` (the whole
reply or the trigger's sentence).

A missing phrase is reported as an empty span at the place it belongs (`insert`: start of the
reply, end, start of the trigger's clause, or before an email signature); the suggestion is an
insertion there.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import ahocorasick

from ..context import CheckContext
from ..fields import Fields
from ..matcher import STOPS
from ..model import CHANNELS, POSITIONS, Applicability, Category, Diagnostic, Rule, Suggestion
from .. import normalize as _normalize
from ..normalize import NOISE_RE, compact_noise, is_word_char
from ..sequence import SLOTTED, Sequence, SequenceSyntaxError, complete, parse_sequence
from ..edits import tidy
from .matching import touch_test

KEYS = (
    "any_of", "channels", "positions", "region", "lines", "when", "when_exceptions", "scope",
    "insert", "suggestions", "fix", "element", "when_not_in", "unless_answering", "insert_after",
)
# clauses where a trigger does not count (how a QA supervisor judges a refusal or a request):
# a question to the customer, a condition, the customer's own words restated
CLAUSE_KINDS = ("question", "condition", "restated")
CONDITION_OPENERS = ("如果", "假如", "如若", "倘若", "要是", "万一", "一旦", "只要", "如需", "如有", "如", "若")
RESTATING = ("您说", "您提到", "您反映", "您反馈", "您表示", "您所说", "您的意思", "您问", "您咨询")
QUESTION_ENDS = ("吗", "么", "嘛")
QUESTION_STRIP = "呢哦呀啊~ "  # skipped at the end of a clause before QUESTION_ENDS
QUESTION_WORDS = ("请问",)  # before the trigger in its sentence: a question
CONDITION_TAILS = ("的话",)  # after the trigger in its clause: a condition
if _normalize._CORE is not None:  # the compiled _ignored_clause (ignored_clause) looks for the same
    _normalize._CORE.configure_clauses("".join(QUESTION_ENDS), QUESTION_STRIP, QUESTION_WORDS,
                                       CONDITION_OPENERS, CONDITION_TAILS, RESTATING)
# what a rule checks is present, so labels of a missing element can be scored per rule
ELEMENTS = ("greeting", "closing", "salutation", "signoff", "apology", "please")
REGIONS = ("anywhere", "first_line", "last_lines")
SCOPES = ("reply", "sentence")
INSERTS = ("start", "end", "clause", "trigger", "before_signature")
BRACKET_CODE_MAX = 8  # a trailing [微笑]-style emoji code is at most this long
FIRST_LINE_MAX = 40  # characters searched for a salutation when the first line is long
SIGNATURE_MAX = 24  # a last line this short, with no sentence punctuation, is a signature


@dataclass(frozen=True, slots=True)
class RequiredSpec:
    any_of: tuple[Sequence, ...]
    channels: tuple[str, ...]
    positions: tuple[str, ...]
    region: str
    lines: int
    when: tuple[Sequence, ...]
    when_exceptions: tuple[Sequence, ...]
    scope: str
    insert: str
    suggestions: tuple[str, ...]
    applicability: Applicability
    element: str | None = None  # one of ELEMENTS
    when_not_in: tuple[str, ...] = ()  # CLAUSE_KINDS where a trigger is ignored
    # in a conversation: the finding is dropped when the customer's last turn asks one of these
    # (an information question: 有没有货? answered 暂时没有 declines nothing)
    unless_answering: tuple[Sequence, ...] = ()
    # insert: start goes after one of these forms of address opening the reply (亲，|尊敬的客户，)
    insert_after: tuple[str, ...] = ()

    def sequences(self) -> dict[str, tuple[Sequence, ...]]:
        # `any_of` is not in the automaton: phrases such as 请 and 您好 occur in nearly every
        # reply, and they are only needed once the rule applies (see _present).
        return {"trigger": self.when, "trigger_exception": self.when_exceptions}

    def literal_terms(self):
        return ()


def _sequences(fields: Fields, key: str) -> tuple[Sequence, ...]:
    result = []
    for source in fields.string_list(key, ()):
        try:
            result.append(parse_sequence(source))
        except SequenceSyntaxError as exc:
            raise fields.error(key, str(exc)) from None
    return tuple(result)


def _subset(fields: Fields, key: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    values = fields.string_list(key, allowed)
    for value in values:
        if value not in allowed:
            raise fields.error(key, f"'{key}' items must be among {', '.join(allowed)}, not {value!r}")
    return tuple(values)


def parse(fields: Fields) -> RequiredSpec:
    """The spec of a required rule (its category was checked by RequiredKind.parse)."""
    any_of = _sequences(fields, "any_of")
    if not any_of:
        raise fields.error("any_of" if fields.has("any_of") else None, "'any_of' must list at least one phrase")
    suggestions = tuple(fields.string_list("suggestions", allow_empty_list=False))
    return RequiredSpec(
        any_of=any_of,
        channels=_subset(fields, "channels", CHANNELS),
        positions=_subset(fields, "positions", POSITIONS),
        region=fields.choice("region", REGIONS, "anywhere"),
        lines=fields.integer("lines", 3, 1, 50),
        when=_sequences(fields, "when"),
        when_exceptions=_sequences(fields, "when_exceptions"),
        scope=fields.choice("scope", SCOPES, "reply"),
        insert=fields.choice("insert", INSERTS, "start"),
        suggestions=suggestions,
        applicability=Applicability(fields.choice("fix", [a.value for a in Applicability], "safe")),
        element=fields.choice("element", ELEMENTS, None) if fields.has("element") else None,
        when_not_in=_subset(fields, "when_not_in", CLAUSE_KINDS) if fields.has("when_not_in") else (),
        unless_answering=_sequences(fields, "unless_answering"),
        insert_after=tuple(fields.string_list("insert_after", ())),
    )


def check(rule: Rule, index: int, ctx: CheckContext) -> Iterator[Diagnostic]:
    spec: RequiredSpec = rule.spec
    if ctx.channel not in spec.channels or ctx.position not in spec.positions:
        return
    if not spec.when:
        if not _has_any(spec, ctx, *_region(spec, ctx)):
            yield _missing(rule, spec, ctx, None)
        return
    triggers = [t for t in _triggers(index, ctx) if not _ignored_clause(spec, ctx, t[0])]
    if not triggers:
        return
    if spec.scope == "reply":
        if not _has_any(spec, ctx, 0, len(ctx.text)):
            yield _missing(rule, spec, ctx, triggers[0])
        return
    checked: set[tuple[int, int]] = set()
    for trigger in triggers:
        bounds = ctx.sentence_bounds(trigger[0])
        if bounds in checked:
            continue
        checked.add(bounds)
        if not _has_any(spec, ctx, *bounds):
            yield _missing(rule, spec, ctx, trigger)


def _has_any(spec: RequiredSpec, ctx: CheckContext, lo: int, hi: int) -> bool:
    """Does one of `any_of` occur inside the original span [lo, hi)?"""
    if lo == 0 and hi >= len(ctx.text):
        region = ctx.nt.compact
    else:
        region = compact_noise(ctx.folded[lo:hi]) if ctx.nt.compiled else NOISE_RE.sub("", ctx.folded[lo:hi])
    return occurs(spec.any_of, region)


def occurs(sequences: tuple[Sequence, ...], compact: str) -> bool:
    """Does one of `sequences` occur in `compact` (a folded text with noise removed)?"""
    if len(sequences) < FINDER_MIN:
        return _occurs_one_by_one(sequences, compact)
    finder = _FINDERS.get(id(sequences))
    if finder is None or finder[0] is not sequences:
        if len(_FINDERS) >= FINDERS_KEPT:
            _FINDERS.clear()
        finder = _FINDERS[id(sequences)] = (sequences, _finder(sequences))
    for last, (length, single, multi) in finder[1].iter(compact):
        if single:
            return True
        start = last + 1 - length
        for seq in multi:
            if complete(seq, compact, start, last + 1, STOPS) is not None:
                return True
    return False


# `any_of` lists are long (a closing has ~40 phrases) and checked in most replies: past a few
# sequences, one Aho–Corasick pass over the reply beats a str.find per phrase. Finders are kept
# by the identity of the (long-lived, immutable) tuple of a rule's spec; the entry holds the tuple,
# so its id cannot be reused while the entry exists.
FINDER_MIN = 4
FINDERS_KEPT = 4096
_FINDERS: dict[int, tuple[tuple[Sequence, ...], ahocorasick.Automaton]] = {}


def _finder(sequences: tuple[Sequence, ...]) -> ahocorasick.Automaton:
    """An automaton over the first pieces: value (length, some sequence is this piece alone,
    the sequences that continue after it)."""
    by_first: dict[str, tuple[bool, list[Sequence]]] = {}
    for seq in sequences:
        for first in seq.pieces[0]:
            if first.startswith(SLOTTED):  # as str.find: a slotted alternative is never found
                continue
            single, multi = by_first.get(first, (False, []))
            if len(seq.pieces) == 1:
                single = True
            else:
                multi.append(seq)
            by_first[first] = (single, multi)
    automaton = ahocorasick.Automaton()
    for first, (single, multi) in by_first.items():
        automaton.add_word(first, (len(first), single, tuple(multi)))
    if not by_first:
        automaton.add_word(SLOTTED, (1, False, ()))  # an automaton needs a word; this one never matches
    automaton.make_automaton()
    return automaton


def _occurs_one_by_one(sequences: tuple[Sequence, ...], compact: str) -> bool:
    for seq in sequences:
        for first in seq.pieces[0]:
            pos = compact.find(first)
            if pos != -1 and (len(seq.pieces) == 1 or _completes(seq, compact, first, pos)):
                return True
    return False


def _completes(seq: Sequence, region: str, first: str, pos: int) -> bool:
    while pos != -1:
        if complete(seq, region, pos, pos + len(first), STOPS) is not None:
            return True
        pos = region.find(first, pos + 1)
    return False


def _triggers(index: int, ctx: CheckContext) -> list[tuple[int, int]]:
    hits = ctx.hits.get((index, "trigger"), ())
    if not hits:
        return []
    excepted = touch_test(ctx.hits.get((index, "trigger_exception"), ()))
    found = []
    for hit in hits:
        if excepted is not None and excepted(hit.start, hit.end):
            continue
        start, end = ctx.to_original(hit)
        if ctx.quoted(start, end):
            continue
        found.append((start, end))
    return sorted(found)


def _ignored_clause(spec: RequiredSpec, ctx: CheckContext, pos: int) -> bool:
    """Whether the trigger at `pos` sits in a clause the rule says does not count."""
    if not spec.when_not_in:
        return False
    if ctx.nt.compiled and len(ctx.nt.folded) <= _normalize.SHORT_TEXT:  # the same answer, by the core
        kinds = spec.when_not_in
        return _normalize._CORE.ignored_clause(ctx.nt.folded, pos, "question" in kinds, "condition" in kinds,
                                               "restated" in kinds)
    folded = ctx.folded
    clause_start, clause_end = ctx.clause_bounds(pos)
    sentence_start, sentence_end = ctx.sentence_bounds(pos)
    if "question" in spec.when_not_in:
        ends_with_mark = sentence_end < len(folded) and folded[sentence_end] in "?？"
        tail = folded[clause_start:clause_end].rstrip(QUESTION_STRIP)
        if ends_with_mark or tail.endswith(QUESTION_ENDS) or any(w in folded[sentence_start:pos] for w in QUESTION_WORDS):
            return True
    if "condition" in spec.when_not_in:
        clause = folded[clause_start:clause_end].lstrip()
        if clause.startswith(CONDITION_OPENERS) or any(w in folded[pos:clause_end] for w in CONDITION_TAILS):
            return True
    if "restated" in spec.when_not_in and any(r in folded[sentence_start:pos] for r in RESTATING):
        return True
    return False


def _region(spec: RequiredSpec, ctx: CheckContext) -> tuple[int, int]:
    text = ctx.text
    if spec.region == "first_line":
        newline = text.find("\n", len(text) - len(text.lstrip()))
        end = newline if newline != -1 else len(text)
        return 0, min(end, FIRST_LINE_MAX)
    if spec.region == "last_lines":
        starts = _line_starts(text)
        keep = starts[-spec.lines:] if starts else [0]
        return keep[0], len(text)
    return 0, len(text)


def _line_starts(text: str) -> list[int]:
    """Start offsets of the non-empty lines of `text`."""
    starts, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            starts.append(pos)
        pos += len(line) + 1
    return starts


def _missing(rule: Rule, spec: RequiredSpec, ctx: CheckContext, trigger: tuple[int, int] | None) -> Diagnostic:
    text = ctx.text
    suggestion = ctx.in_script(spec.suggestions[0])
    alternatives = [ctx.in_script(s) for s in spec.suggestions[1:]]
    insert = spec.insert
    if insert == "clause" and trigger is not None:
        pos = ctx.clause_start_before(trigger[0])
    elif insert == "trigger" and trigger is not None:
        pos = trigger[0]
    elif insert in ("start", "clause", "trigger"):
        pos = _after_address(spec, ctx)
    else:
        pos = _before_decoration(text)
        prefix = ""
        if insert == "before_signature":
            starts = _line_starts(text)
            last = text[starts[-1]:].strip() if starts else ""
            if len(starts) >= 2 and len(last) <= SIGNATURE_MAX and not any(c in "。！？!?，," for c in last):
                pos = starts[-1]
                suggestion, alternatives = suggestion + "\n", [a + "\n" for a in alternatives]
            else:
                prefix = "\n"
        elif pos > 0 and is_word_char(text[pos - 1]):
            prefix = "。"
        suggestion, alternatives = prefix + suggestion, [prefix + a for a in alternatives]
    return Diagnostic(
        rule_id=rule.id,
        category=rule.category,
        severity=rule.severity,
        start=pos,
        end=pos,
        text="",
        message=ctx.in_script(rule.message),
        suggestions=tuple(_insertion(text, pos, s, spec.applicability) for s in [suggestion, *alternatives]),
    )


def _insertion(text: str, pos: int, suggestion: str, applicability: Applicability) -> Suggestion:
    start, end, replacement = tidy(text, pos, pos, suggestion)
    return Suggestion(replacement, applicability, start, end)


def _after_address(spec: RequiredSpec, ctx: CheckContext) -> int:
    """Where a greeting goes: the start of the reply, after a form of address that opens it
    (亲，在的 → 亲，您好，在的) and the punctuation after that."""
    text, folded = ctx.text, ctx.folded
    pos = len(text) - len(text.lstrip())
    for address in spec.insert_after:
        if folded.startswith(address, pos):
            end = pos + len(address)
            while end < len(text) and (text[end] in "，,！!~～ 　" or text[end].isspace()):
                end += 1
            if end > pos + len(address):  # only a form of address set off by punctuation
                return end
    return pos


def _before_decoration(text: str) -> int:
    """Where a closing goes: the end of the reply, before trailing emoji, emoticons (~ ^^) and
    [微笑]-style emoji codes."""
    pos = len(text.rstrip())
    while pos > 0:
        ch = text[pos - 1]
        if ch == "]" and "[" in text[max(0, pos - BRACKET_CODE_MAX):pos]:
            pos = text.rindex("[", max(0, pos - BRACKET_CODE_MAX), pos)
        elif not is_word_char(ch) and ch not in "。！？!?.…）)」”\"" and not ch.isspace():
            pos -= 1
        elif ch.isspace():
            pos -= 1
        else:
            break
    return pos


class RequiredKind:
    """`kind: required` as a lint.kinds.Kind."""

    name = "required"
    keys = KEYS

    def parse(self, fields: Fields, category: Category) -> RequiredSpec:
        if category is not Category.COURTESY:
            raise fields.error("category", "required rules check courtesy: category must be 'courtesy'")
        return parse(fields)

    def check(self, rule: Rule, index: int, ctx: CheckContext) -> Iterator[Diagnostic]:
        return check(rule, index, ctx)

    def reports_without_hits(self, spec: RequiredSpec, channel: str, position: str) -> bool:
        # unconditional rules report a phrase that is absent; conditional ones need their trigger
        return not spec.when and channel in spec.channels and position in spec.positions

    def example_context(self, spec: RequiredSpec) -> tuple[str, str]:
        return spec.channels[0], ("middle" if "middle" in spec.positions else spec.positions[0])

    def with_terms(self, rule: Rule, fields: Fields, key: str) -> tuple[RequiredSpec, int]:
        raise fields.error(key, f"rule '{rule.id}' is a required rule: it has no terms to add to")


KIND = RequiredKind()
