"""The interface every rule kind implements, so the engine, the pack loader and the example
runner never branch on kind names.

A kind turns a rule's YAML fields into a frozen spec (`parse`), tells the automaton what to look
for (`spec.sequences()`), checks one reply with the hits (`check`), and answers the few questions
the rest of the engine has about its rules: whether a rule can report with no automaton hit at
all (a missing greeting has no hit), which context an example without one is checked in, and how
a team pack's `add_terms` extends it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Iterator, Protocol

if TYPE_CHECKING:
    from ..context import CheckContext
    from ..fields import Fields
    from ..model import Category, Diagnostic, Rule
    from ..sequence import Sequence


class RuleSpec(Protocol):
    """A kind's compiled rule fields (frozen)."""

    def sequences(self) -> dict[str, tuple["Sequence", ...]]:
        """Role -> sequences the automaton must find for this rule ("term", "exception", "trigger"…)."""

    def literal_terms(self) -> Iterable[str]:
        """Words jieba must keep whole (so they are not split when boundaries are checked)."""


class Kind(Protocol):
    name: str
    keys: tuple[str, ...]  # the YAML keys of a rule of this kind, beyond the common header

    def parse(self, fields: "Fields", category: "Category") -> RuleSpec:
        """The spec of one rule; PackError with file:line when a field is wrong."""

    def check(self, rule: "Rule", index: int, ctx: "CheckContext") -> Iterator["Diagnostic"]:
        """The rule's findings in one reply (`index` is the rule's owner id in the automaton)."""

    def reports_without_hits(self, spec: RuleSpec, channel: str, position: str) -> bool:
        """Whether the rule must be visited in this context even when the automaton saw none of its
        sequences (a required phrase is missing precisely when nothing was seen)."""

    def example_context(self, spec: RuleSpec) -> tuple[str, str]:
        """(channel, position) for an example that names neither."""

    def with_terms(self, rule: "Rule", fields: "Fields", key: str) -> tuple[RuleSpec, int]:
        """The spec with the terms listed under `key` added (a team pack's `add_terms`), and how
        many were added; PackError when this kind has no terms."""
