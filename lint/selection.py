"""Which rules run: one selection model for the CLI, the config file and the HTTP service.

A rule can be named three ways, from the most specific to the least:

    rule id     declares-ignorance, ni-instead-of-nin, ...
    category    forbidden, tone, jargon, filler, honorific, courtesy
    severity    error, warning, info

`Selection.from_codes(select, ignore, extend_select)` reads those codes as ruff does:

* `select` (when given) replaces the default of "every rule" with the rules it names;
  `extend_select` adds to whatever is selected; `ignore` takes away;
* for each rule the MOST SPECIFIC code that names it decides (rule id > category > severity),
  so `select=["tone"], ignore=["warning"]` keeps tone's warnings (the category is more specific)
  and `ignore=["tone"], extend_select=["some-tone-rule"]` runs that one tone rule;
* at the same specificity ignore beats select.

The older fields (enabled/disabled rules and categories, LanguageTool's enabledOnly) map onto the
same decision table (`Selection.of`), so /v1/check, /v2/check and the CLI agree.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .model import Category, Rule, Severity

CATEGORY_CODES = tuple(c.value for c in Category)
SEVERITY_CODES = tuple(s.value for s in Severity)


class SelectionError(ValueError):
    """A code names no rule, category or severity (`unknown rule code 'x'`)."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(f"unknown rule code {code!r}: expected a rule id (see `cslint rules list`), "
                         f"a category ({', '.join(CATEGORY_CODES)}) or a severity ({', '.join(SEVERITY_CODES)})")


def split_codes(values: Iterable[str] | None) -> list[str]:
    """Codes from repeatable, comma-separated values ("tone,filler", " error ") in order."""
    codes: list[str] = []
    for value in values or ():
        codes.extend(part.strip() for part in str(value).split(",") if part.strip())
    return codes


@dataclass(frozen=True, slots=True)
class Selection:
    enabled_rules: frozenset[str] = frozenset()
    disabled_rules: frozenset[str] = frozenset()
    enabled_categories: frozenset[str] = frozenset()
    disabled_categories: frozenset[str] = frozenset()
    enabled_only: bool = False  # a rule no code selects is off (a `select` was given)
    enabled_severities: frozenset[str] = frozenset()
    disabled_severities: frozenset[str] = frozenset()

    @classmethod
    def of(cls, enabled_rules: Iterable[str] = (), disabled_rules: Iterable[str] = (),
           enabled_categories: Iterable[str] = (), disabled_categories: Iterable[str] = (),
           enabled_only: bool = False) -> "Selection":
        return cls(frozenset(enabled_rules or ()), frozenset(disabled_rules or ()),
                   frozenset(enabled_categories or ()), frozenset(disabled_categories or ()), enabled_only)

    @classmethod
    def from_codes(cls, select: Iterable[str] | None = None, ignore: Iterable[str] = (),
                   extend_select: Iterable[str] = (), known_rules: Iterable[str] | None = None) -> "Selection":
        """The selection the codes describe (see the module docstring for the precedence).

        `select=None` means "not given" (every rule is on unless ignored); `select=[]` selects
        nothing but what `extend_select` adds. With `known_rules`, a code that is neither one of
        them, a category nor a severity raises SelectionError.
        """
        known = None if known_rules is None else frozenset(known_rules)
        chosen = split_codes(select) + split_codes(extend_select)
        dropped = split_codes(ignore)
        enabled = _sort(chosen, known)
        disabled = _sort(dropped, known)
        return cls(enabled_rules=enabled[0], disabled_rules=disabled[0],
                   enabled_categories=enabled[1], disabled_categories=disabled[1],
                   enabled_only=select is not None,
                   enabled_severities=enabled[2], disabled_severities=disabled[2])

    @property
    def is_default(self) -> bool:
        return not (self.enabled_rules or self.disabled_rules or self.enabled_categories
                    or self.disabled_categories or self.enabled_only
                    or self.enabled_severities or self.disabled_severities)

    def allows(self, rule: Rule) -> bool:
        """The most specific code naming the rule decides; ignore wins a tie."""
        if rule.id in self.disabled_rules:
            return False
        if rule.id in self.enabled_rules:
            return True
        category = rule.category.value
        if category in self.disabled_categories:
            return False
        if category in self.enabled_categories:
            return True
        severity = rule.severity.value
        if severity in self.disabled_severities:
            return False
        if severity in self.enabled_severities:
            return True
        return not self.enabled_only


def _sort(codes: list[str], known: frozenset[str] | None) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Codes split into (rule ids, categories, severities); unknown ones refused when `known` is given."""
    rules, categories, severities = set(), set(), set()
    for code in codes:
        if code in CATEGORY_CODES:
            categories.add(code)
        elif code in SEVERITY_CODES:
            severities.add(code)
        elif known is None or code in known:
            rules.add(code)
        else:
            raise SelectionError(code)
    return frozenset(rules), frozenset(categories), frozenset(severities)
