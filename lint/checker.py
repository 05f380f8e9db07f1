"""The one entry point the CLI, the HTTP service and the batch scanner call.

    checker = Checker.from_packs(["default"])
    result = checker.check("这个我不知道", channel="chat", position="middle")

Pipeline: normalise (lint.normalize) -> one automaton pass (lint.matcher) -> each rule kind
filters its hits (lint.kinds) -> suggestions in the agent's script -> safe fixes applied.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence

from .context import CheckContext
from .errors import InputError, TextTooLong
from .fix import apply_fixes
from .kinds import KINDS
from .matcher import VISITING_ROLES, CompiledScanResult, Matcher
from .model import CHANNELS, POSITIONS, Diagnostic, Result, Rule, RulePack
from .normalize import COMPILED, CompiledText, normalize, normalize_pure
from .packs import load_packs
from .segment import Segmenter
from .selection import Selection
from .spans import longest_non_overlapping

DEFAULT_MAX_CHARS = 20_000


class Checker:
    def __init__(self, packs: Sequence[RulePack], max_chars: int = DEFAULT_MAX_CHARS,
                 segmenter: Segmenter | None = None, *, compiled: bool | None = None) -> None:
        """`segmenter`: share one (jieba holds ~40 MB) between checkers over subsets of the same
        packs, as the service does; it must know these packs' terms. By default a new one.
        `compiled`: normalise and scan with the compiled core (lint/_core.c); None: where it was
        built (and CSLINT_PURE is not set), False: the pure-Python reference. Same results."""
        if compiled and not COMPILED:
            raise ValueError("the compiled core (cslint._core) is not available")
        self.compiled = COMPILED if compiled is None else compiled
        self._normalize = normalize if self.compiled else normalize_pure
        self.packs = tuple(packs)
        self.max_chars = max_chars
        rules: list[Rule] = []
        seen: set[str] = set()
        for pack in self.packs:
            for rule in pack.rules:
                if rule.id not in seen:
                    seen.add(rule.id)
                    rules.append(rule)
        self.rules: tuple[Rule, ...] = tuple(rules)
        self._by_id = {r.id: r for r in rules}
        # rule id -> the customer questions that excuse its finding (lint.conversation)
        self.unless_answering: dict[str, tuple] = {
            r.id: r.spec.unless_answering for r in rules if getattr(r.spec, "unless_answering", ())}
        self._kinds = tuple(KINDS[r.kind] for r in rules)
        self._matcher = Matcher()
        terms: list[str] = []
        for index, rule in enumerate(rules):
            for role, sequences in rule.spec.sequences().items():
                if sequences:
                    # a phrase rule's terms count only where its `at` says (tested in the scan too)
                    at = getattr(rule.spec, "at", "anywhere") if role == "term" else "anywhere"
                    self._matcher.register((index, role), sequences, at)
            terms.extend(rule.spec.literal_terms())
        # allowed phrases (pack key `allow`): a hit they cover is cancelled, whatever its rule
        allowed = tuple({a.source: a for pack in self.packs for a in pack.allowed}.values())
        if allowed:
            self._matcher.register(ALLOWED, allowed)
        self._has_allowed = bool(allowed)
        self._matcher.build(compiled=self.compiled)
        self.segmenter = segmenter if segmenter is not None else Segmenter(terms)
        # Rules that can report without any automaton hit (required rules with no trigger), by
        # (channel, position): every other rule is only visited when the scan found its terms.
        self._always: dict[tuple[str, str], tuple[int, ...]] = {
            (channel, position): tuple(
                i for i, (rule, kind) in enumerate(zip(rules, self._kinds))
                if kind.reports_without_hits(rule.spec, channel, position))
            for channel in CHANNELS for position in POSITIONS
        }

    @classmethod
    def from_packs(cls, names: Sequence[str] = (), dirs: Sequence[str | Path] | None = None,
                   max_chars: int = DEFAULT_MAX_CHARS) -> "Checker":
        from .packs import packs_dirs

        return cls(load_packs(names, packs_dirs(dirs or ())), max_chars)

    def rule(self, rule_id: str) -> Rule | None:
        return self._by_id.get(rule_id)

    def check(self, text: str, channel: str = "chat", position: str = "middle",
              selection: Selection | None = None) -> Result:
        if not isinstance(text, str):
            raise InputError("text must be a string")
        always = self._always.get((channel, position))
        if always is None:
            _bad_context(channel, position)
        return self._check(text, channel, position, selection, always)

    def check_many(self, texts: Iterable[str | tuple[str, str, str]], channel: str = "chat",
                   position: str = "middle", selection: Selection | None = None) -> list[Result]:
        """`check` of each text, in order, with the per-call work done once per batch (the CLI's
        files, a scan's partition, /v1/check/batch). An item is a reply (checked in `channel` at
        `position`) or a (reply, channel, position) tuple. Raises as `check` does, at the first
        item that `check` would refuse."""
        default = self._always.get((channel, position))
        if default is None:
            _bad_context(channel, position)
        contexts = self._always
        check = self._check
        results = []
        for item in texts:
            if isinstance(item, str):
                results.append(check(item, channel, position, selection, default))
                continue
            if not isinstance(item, tuple) or len(item) != 3:
                raise InputError("an item must be a string or a (text, channel, position) tuple")
            text, item_channel, item_position = item
            if not isinstance(text, str):
                raise InputError("text must be a string")
            always = contexts.get((item_channel, item_position))
            if always is None:
                _bad_context(item_channel, item_position)
            results.append(check(text, item_channel, item_position, selection, always))
        return results

    def _check(self, text: str, channel: str, position: str, selection: Selection | None,
               always: tuple[int, ...]) -> Result:
        """`check` once the arguments were validated (`always`: the rules visited in this context)."""
        if len(text) > self.max_chars:
            raise TextTooLong(f"text is {len(text)} characters; the limit is {self.max_chars}")
        if not text or text.isspace():
            return Result(text, (), text)
        found = self._matcher.scan_text(text) if self.compiled else None
        if found is None:
            nt = self._normalize(text)
            hits = self._matcher.scan(nt.compact)
            # a rule is visited when its own terms or triggers were seen (exceptions alone say nothing)
            to_visit = set(always)
            for owners in (hits.literal, hits.pending):
                for index, role in owners:
                    if role in VISITING_ROLES:
                        to_visit.add(index)
        else:  # the compiled core normalised and scanned in one call; objects only when needed
            folded, compact, literal, pending, to_visit = found
            if always:
                to_visit.update(always)
        if not to_visit:  # no rule to ask (most replies)
            return Result(text, (), text, "simplified")
        if found is not None:
            nt = CompiledText(text, compact, folded)
            hits = CompiledScanResult(compact, literal, pending)
        ctx = CheckContext(nt, channel, position, hits, self.segmenter)
        diagnostics: list[Diagnostic] = []
        # in pack order: of two equally long findings of one category on one phrase, the rule
        # listed first is kept (_one_per_phrase)
        for index in sorted(to_visit):
            rule = self.rules[index]
            if selection is not None and not selection.allows(rule):
                continue
            diagnostics.extend(self._kinds[index].check(rule, index, ctx))
        script = ctx._script or "simplified"
        if diagnostics and self._has_allowed:
            diagnostics = _not_allowed(diagnostics, hits.get(ALLOWED), nt)
        if not diagnostics:
            return Result(text, (), text, script)
        diagnostics = _one_per_phrase(diagnostics)
        return Result(text, tuple(diagnostics), apply_fixes(text, diagnostics), script)


ALLOWED = (-1, "allow")  # the matcher owner of the packs' allowed phrases


def _bad_context(channel: object, position: object) -> None:
    if channel not in CHANNELS:
        raise InputError(f"channel must be one of {', '.join(CHANNELS)}, not {channel!r}")
    raise InputError(f"position must be one of {', '.join(POSITIONS)}, not {position!r}")


def _not_allowed(diagnostics: list[Diagnostic], allowed_hits, nt) -> list[Diagnostic]:
    """Drop each finding whose span lies inside an occurrence of an allowed phrase."""
    if not allowed_hits:
        return diagnostics
    spans = [nt.compact_span_to_original(h.start, h.end) for h in allowed_hits]
    return [d for d in diagnostics
            if d.start == d.end or not any(a <= d.start and d.end <= b for a, b in spans)]


def _one_per_phrase(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Sorted diagnostics where two rules of one category never flag overlapping phrases.

    (难道你没看到…吗 is both 反问 and 质问: the agent needs one tone finding, the longest.)
    Insertion points (missing courtesy) are always kept.
    """
    if len(diagnostics) == 1:
        return diagnostics
    by_category: dict[str, list[Diagnostic]] = {}
    kept = [d for d in diagnostics if d.start == d.end]
    for diag in diagnostics:
        if diag.start < diag.end:
            by_category.setdefault(diag.category.value, []).append(diag)
    for group in by_category.values():
        kept.extend(group if len(group) == 1 else longest_non_overlapping(group))
    return sorted(kept, key=lambda d: (d.start, d.end, d.rule_id))
