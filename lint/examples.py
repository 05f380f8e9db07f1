"""Run the examples every rule carries (LanguageTool's PatternRuleTest, for cslint packs).

For each rule: a bad example gives exactly one diagnostic of the rule, at the [[ ]] span; its
safe fix gives `fixed` when that is written; the fixed text no longer triggers the rule; a good
example gives no diagnostic of the rule; every exception occurs in some good example; and the
Traditional form of every example (OpenCC s2t) gives the same spans.

Used by `cslint rules test` and by the test suite.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .checker import Checker
from .kinds import KINDS
from .edits import damage
from .fix import apply_edits, apply_fixes
from .model import Example, Rule
from .normalize import fold_term, to_script
from .packs import MARKER
from .selection import Selection
from .sequence import core_of


@dataclass(frozen=True, slots=True)
class ExampleFailure:
    rule_id: str
    where: str  # file:line of the example (or the rule)
    text: str
    problem: str

    def __str__(self) -> str:
        return f"{self.where}: rule {self.rule_id}: {self.problem}: {self.text!r}"


def split_marker(text: str) -> tuple[str, int | None, int | None]:
    """Remove the [[ ]] marker; return the plain text and the marked span."""
    match = MARKER.search(text)
    if not match:
        return text, None, None
    plain = text[: match.start()] + match.group(1) + text[match.end():]
    return plain, match.start(), match.start() + len(match.group(1))


def example_context(rule: Rule, example: Example) -> tuple[str, str]:
    """The example's own channel and position, else the ones its rule's kind suggests."""
    channel, position = KINDS[rule.kind].example_context(rule.spec)
    return example.channel or channel, example.position or position


def check_rule_examples(checker: Checker, rule: Rule) -> list[ExampleFailure]:
    failures: list[ExampleFailure] = []
    only = Selection.of(enabled_rules=[rule.id], enabled_only=True)
    bad = [e for e in rule.examples if e.bad]
    good = [e for e in rule.examples if not e.bad]
    rule_where = str(rule.source)
    if not bad or not good:
        failures.append(ExampleFailure(rule.id, rule_where, "", "needs at least one bad and one good example"))
    for example in rule.examples:
        where = str(example.source or rule.source)
        plain, start, end = split_marker(example.text)
        channel, position = example_context(rule, example)
        for variant, label in ((plain, ""), (to_script(plain, "traditional-tw"), " (Traditional form)")):
            if label and len(variant) != len(plain):
                continue
            found = checker.check(variant, channel, position, only).diagnostics
            if not example.bad:
                if found:
                    failures.append(ExampleFailure(rule.id, where, variant, f"good example{label} is flagged at {found[0].start}..{found[0].end}"))
                continue
            if len(found) != 1:
                failures.append(ExampleFailure(rule.id, where, variant, f"bad example{label} gives {len(found)} diagnostics, expected 1"))
                continue
            diag = found[0]
            if (diag.start, diag.end) != (start, end):
                failures.append(ExampleFailure(rule.id, where, variant, f"bad example{label} flagged {diag.start}..{diag.end} ({diag.text!r}), expected {start}..{end}"))
                continue
            failures.extend(_unclean_rewrite(checker, rule, diag, variant, label, where, channel, position))
            fixed = apply_fixes(variant, found)
            if not label and example.fixed is not None and fixed != example.fixed:
                failures.append(ExampleFailure(rule.id, where, variant, f"fix gives {fixed!r}, expected {example.fixed!r}"))
            if diag.safe and fixed != variant and checker.check(fixed, channel, position, only).diagnostics:
                failures.append(ExampleFailure(rule.id, where, fixed, f"the fixed text{label} still triggers the rule"))
    exceptions = getattr(rule.spec, "exceptions", ()) or getattr(rule.spec, "when_exceptions", ())
    folded_good = [fold_term(split_marker(e.text)[0]) for e in good]
    for exception in exceptions:
        first = exception.pieces[0]
        if not any(any(core_of(alt) in text for alt in first) for text in folded_good):
            failures.append(ExampleFailure(rule.id, rule_where, exception.source, "exception has no good example that uses it"))
    return failures


def _unclean_rewrite(checker: Checker, rule: Rule, diag, text: str, label: str, where: str,
                     channel: str, position: str) -> list[ExampleFailure]:
    """A bad example's rewrite must apply cleanly: no mechanical damage, and the rule does not
    fire again on the rewritten reply (`rules test` and `rules check` refuse it otherwise)."""
    if not diag.suggestions:
        return []
    suggestion = diag.suggestions[0]
    edits = [(*suggestion.span(diag), suggestion.text)]
    after = apply_edits(text, edits)
    problems = damage(text, after, edits)
    only = Selection.of(enabled_rules=[rule.id], enabled_only=True)
    if checker.check(after, channel, position, only).diagnostics:
        problems.append("the rule fires again on the rewritten reply")
    return [ExampleFailure(rule.id, where, after, f"rewrite{label} does not apply cleanly: {'; '.join(problems)}")
            for _ in [0] if problems]


def check_examples(checker: Checker, rules: Iterable[Rule] | None = None) -> list[ExampleFailure]:
    failures: list[ExampleFailure] = []
    for rule in rules if rules is not None else checker.rules:
        failures.extend(check_rule_examples(checker, rule))
    return failures


def example_rewrite(checker: Checker, rule: Rule, example: Example) -> tuple[str, str] | None:
    """A bad example's reply after its finding's first suggestion is applied (as the page and
    LanguageTool clients apply it), and whether that is a `fix` or a `proposal`."""
    text, start, end = split_marker(example.text)
    channel, position = example_context(rule, example)
    found = [d for d in checker.check(text, channel, position).diagnostics
             if d.rule_id == rule.id and (d.start, d.end) == (start, end)]
    if not found or not found[0].suggestions:
        return None
    suggestion = found[0].suggestions[0]
    edit_start, edit_end = suggestion.span(found[0])
    return apply_edits(text, [(edit_start, edit_end, suggestion.text)]), suggestion.kind
