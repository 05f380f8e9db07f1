"""What phrase and pattern rules share: hits from the automaton, filtered by context.

A candidate hit survives when, in this order (cheap checks first, jieba last):
it is not inside quoted customer words (unless the rule says quotes don't matter), it sits
where the rule says (`at`), no exception covers or touches it, it is not followed by a plain
explanation in parentheses (when `unless_explained`), and it starts and ends on word
boundaries (when `boundary: word`). Overlapping hits of one rule keep the longest.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Iterable, Iterator

from ..context import CheckContext
from ..errors import PackError
from ..fields import Fields, node_line
from ..matcher import Hit
from ..model import Applicability, Category, Diagnostic, Rule, Suggestion
from ..spans import Spans, longest_non_overlapping
from ..edits import tidy
from ..normalize import fold_term, is_word_char
from ..sequence import DEFAULT_MAX_GAP, Sequence, SequenceSyntaxError, parse_sequence

# where a hit must sit: tail = at the end of a clause, after other words of it (a retort: 这是系统
# 问题好不好); whole_reply = the hit is all the reply says (哦。)
AT_CHOICES = ("anywhere", "clause_start", "clause_end", "whole_clause", "tail", "whole_reply")
BOUNDARY_CHOICES = ("word", "none")
APPLICABILITY_CHOICES = tuple(a.value for a in Applicability)

COMMON_KEYS = (
    "exceptions", "at", "boundary", "ignore_in_quotes", "unless_explained", "suggestions",
    "fix", "max_gap", "unless_reply_has", "rewrite",
)
# what a suggestion replaces: the matched phrase, or the whole clause it sits in (a rewrite that is
# a sentence of its own); in a clause rewrite {before} and {after} stand for the clause's words
# before and after the phrase
REWRITE_CHOICES = ("phrase", "clause")


@dataclass(frozen=True, slots=True)
class MatchSpec:
    terms: tuple[Sequence, ...]
    term_suggestions: tuple[tuple[str, ...] | None, ...]  # per term, overrides `suggestions`
    suggestions: tuple[str, ...]
    applicability: Applicability
    exceptions: tuple[Sequence, ...]
    at: str
    boundary: str
    ignore_in_quotes: bool
    unless_explained: bool
    unless_reply_has: tuple[str, ...] = ()  # folded phrases: any of them in the reply cancels every hit
    rewrite: str = "phrase"  # REWRITE_CHOICES

    def sequences(self) -> dict[str, tuple[Sequence, ...]]:
        return {"term": self.terms, "exception": self.exceptions}

    def literal_terms(self) -> Iterable[str]:
        for seq in self.terms:
            if seq.is_literal:
                yield seq.pieces[0][0]


def parse_terms(fields: Fields, key: str, allow_gaps: bool, max_gap: int):
    """`key` is a list of terms, or a mapping term -> suggestion(s)."""
    node = fields.raw(key)
    if node is None:
        raise fields.error(None, f"missing required key '{key}'")
    value = fields.value(key)
    pairs: list[tuple[str, tuple[str, ...] | None]] = []
    if isinstance(value, list):
        for item in value:
            if not isinstance(item, str):
                raise fields.error(key, f"'{key}' items must be strings")
            pairs.append((item, None))
    elif isinstance(value, dict):
        for term, suggestion in value.items():
            if isinstance(suggestion, str):
                suggestion = [suggestion]
            if not isinstance(term, str) or not isinstance(suggestion, list) or not all(
                isinstance(s, str) for s in suggestion
            ):
                raise fields.error(key, f"'{key}' must map each term to a suggestion or a list of them")
            pairs.append((term, tuple(suggestion)))
    else:
        raise fields.error(key, f"'{key}' must be a list of terms or a mapping term: suggestion")
    if not pairs:
        raise fields.error(key, f"'{key}' is empty")
    item_nodes = [v for _, v in node.value] if isinstance(value, dict) else list(node.value)
    item_nodes = [k for k, _ in node.value] if isinstance(value, dict) else item_nodes
    terms = []
    for (term, _), item in zip(pairs, item_nodes):
        try:
            terms.append(parse_sequence(term, max_gap, allow_gaps))
        except SequenceSyntaxError as exc:
            raise PackError(fields.path, node_line(item), str(exc), fields.rule_id) from None
    return tuple(terms), tuple(s for _, s in pairs)


def parse_match_spec(fields: Fields, *, allow_gaps: bool, boundary_default: str, fix_default: str,
                     max_gap_default: int = DEFAULT_MAX_GAP, rewrite_default: str = "phrase") -> MatchSpec:
    max_gap = fields.integer("max_gap", max_gap_default, 1, 50)
    terms, term_suggestions = parse_terms(fields, "terms", allow_gaps, max_gap)
    # exceptions describe context, which may be wider than a compound's gap
    exception_gap = max_gap if fields.has("max_gap") else DEFAULT_MAX_GAP
    exceptions = []
    for source in fields.string_list("exceptions", ()):
        try:
            exceptions.append(parse_sequence(source, exception_gap, True))
        except SequenceSyntaxError as exc:
            raise fields.error("exceptions", str(exc)) from None
    return MatchSpec(
        terms=terms,
        term_suggestions=term_suggestions,
        suggestions=tuple(fields.string_list("suggestions", ())),
        applicability=Applicability(fields.choice("fix", APPLICABILITY_CHOICES, fix_default)),
        exceptions=tuple(exceptions),
        at=fields.choice("at", AT_CHOICES, "anywhere"),
        boundary=fields.choice("boundary", BOUNDARY_CHOICES, boundary_default),
        ignore_in_quotes=fields.boolean("ignore_in_quotes", True),
        unless_explained=fields.boolean("unless_explained", False),
        unless_reply_has=tuple(fold_term(p) for p in fields.string_list("unless_reply_has", ())),
        rewrite=fields.choice("rewrite", REWRITE_CHOICES, rewrite_default),
    )


@dataclass(frozen=True)
class MatchKind:
    """phrase and pattern rules (lint.kinds.Kind): terms found by the automaton, filtered by context."""

    name: str
    allow_gaps: bool
    boundary_default: str
    fix_default: str
    max_gap_default: int = DEFAULT_MAX_GAP
    rewrite_default: str = "phrase"
    keys: tuple[str, ...] = ("terms",) + COMMON_KEYS

    def parse(self, fields: Fields, category: Category) -> MatchSpec:
        return parse_match_spec(fields, allow_gaps=self.allow_gaps, boundary_default=self.boundary_default,
                                fix_default=self.fix_default, max_gap_default=self.max_gap_default,
                                rewrite_default=self.rewrite_default)

    def check(self, rule: Rule, index: int, ctx: CheckContext) -> Iterator[Diagnostic]:
        return check_match(rule, index, ctx)

    def reports_without_hits(self, spec: MatchSpec, channel: str, position: str) -> bool:
        return False  # a finding is a term that was seen

    def example_context(self, spec: MatchSpec) -> tuple[str, str]:
        return "chat", "middle"

    def with_terms(self, rule: Rule, fields: Fields, key: str) -> tuple[MatchSpec, int]:
        terms, suggestions = parse_terms(fields, key, self.allow_gaps, self.max_gap_default)
        spec: MatchSpec = rule.spec
        return replace(spec, terms=spec.terms + terms, term_suggestions=spec.term_suggestions + suggestions), len(terms)


def check_match(rule: Rule, index: int, ctx: CheckContext) -> Iterator[Diagnostic]:
    spec: MatchSpec = rule.spec
    candidates = ctx.hits.get((index, "term"))
    if not candidates:
        return
    if spec.unless_reply_has and any(p in ctx.nt.compact for p in spec.unless_reply_has):
        return
    exceptions: Callable[[int, int], bool] | None | bool = False  # looked up for the first hit where the rule says
    kept: dict[Hit, tuple[int, int]] = {}  # surviving hit -> its span in the original text
    for hit in candidates:
        span = ctx.to_original(hit)
        if not _placed(spec, span, ctx):
            continue
        if exceptions is False:
            exceptions = touch_test(ctx.hits.get((index, "exception"), ()))
        if _not_excused(spec, hit, span, exceptions, ctx):
            kept[hit] = span
    for hit in longest_non_overlapping(kept):
        start, end = kept[hit]
        suggestions = spec.term_suggestions[hit.index] or spec.suggestions
        yield Diagnostic(
            rule_id=rule.id,
            category=rule.category,
            severity=rule.severity,
            start=start,
            end=end,
            text=ctx.text[start:end],
            message=ctx.in_script(rule.message),
            suggestions=tuple([_suggestion(spec, ctx, start, end, s) for s in suggestions]),
        )


def _suggestion(spec: MatchSpec, ctx: CheckContext, start: int, end: int, rewrite: str) -> Suggestion:
    """The rewrite as an edit of the reply: of the phrase, or of the clause around it."""
    text = ctx.text
    if spec.rewrite == "clause":
        clause_start, clause_end = ctx.clause_bounds(start)
        # the clause's words only: emoji, spaces and symbols around them stay where they are
        while clause_start < start and not is_word_char(text[clause_start]):
            clause_start += 1
        while clause_end > end and not is_word_char(text[clause_end - 1]):
            clause_end -= 1
        if clause_end < end:
            clause_end = end
        if "{" in rewrite:  # a rewrite without {before} or {after} is written as it is
            rewrite = rewrite.replace("{before}", text[clause_start:start]).replace("{after}", text[end:clause_end])
        start, end = clause_start, clause_end
    start, end, replacement = tidy(text, start, end, ctx.in_script(rewrite))
    return Suggestion(replacement, spec.applicability, start, end)


def _survives(spec: MatchSpec, hit: Hit, span: tuple[int, int], exceptions: Callable[[int, int], bool] | None,
              ctx: CheckContext) -> bool:
    """Whether a hit is a finding: where the rule says and not excused. Every test is free of side
    effects, so the cheap ones go first (most hits of `at` rules fail on position, before the
    quotes or the exceptions are looked up)."""
    return _placed(spec, span, ctx) and _not_excused(spec, hit, span, exceptions, ctx)


def _placed(spec: MatchSpec, span: tuple[int, int], ctx: CheckContext) -> bool:
    """The hit sits where the rule says (`at`), outside quoted customer words."""
    if spec.at != "anywhere" and not positioned(spec.at, span, ctx):  # anywhere: no test
        return False
    if spec.ignore_in_quotes and ctx.quoted(*span):
        return False
    return True


def positioned(at: str, span: tuple[int, int], ctx: CheckContext) -> bool:
    """Whether a hit at the original `span` sits where `at` says. The compiled scan tests the same
    on one-piece literal terms (lint/_core.c `placed`) and drops those that do not."""
    start, end = span
    if at in ("clause_start", "whole_clause") and not ctx.at_clause_start(start):
        return False
    if at in ("clause_end", "whole_clause") and not ctx.at_clause_end(end):
        return False
    if at == "tail" and (not ctx.at_clause_end(end) or ctx.at_clause_start(start)):
        return False
    if at == "whole_reply" and not ctx.is_whole_reply(start, end):
        return False
    return True


def _not_excused(spec: MatchSpec, hit: Hit, span: tuple[int, int], exceptions: Callable[[int, int], bool] | None,
                 ctx: CheckContext) -> bool:
    """No exception cancels the hit, no explanation follows it, and it stands on word boundaries."""
    # an exception that covers or overlaps the hit, or stands right before or after it,
    # cancels it (exceptions are context phrases written for this rule alone)
    if exceptions is not None and exceptions(hit.start, hit.end):
        return False
    if spec.unless_explained and ctx.explained(span[1]):
        return False
    if spec.boundary == "word" and not ctx.on_word_boundaries(hit, span):
        return False
    return True


FEW_SPANS = 16  # up to this many exception hits, a plain loop answers sooner than building Spans


def touch_test(hits) -> Callable[[int, int], bool] | None:
    """`Spans(hits).touches` (does any hit overlap or touch [start, end]?), or None when there are
    no hits; a plain loop over a few hits (most replies have one or two), Spans past FEW_SPANS so
    that a long reply stays O(n log n)."""
    if not hits:
        return None
    if len(hits) > FEW_SPANS:
        return Spans(hits).touches

    def touches(start: int, end: int) -> bool:
        for hit in hits:
            if hit.start <= end and hit.end >= start:
                return True
        return False
    return touches
