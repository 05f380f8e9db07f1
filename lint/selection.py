"""Which rules run: enabled/disabled rule ids and categories (flake8's DecisionEngine, simplified:
an explicitly enabled rule id beats a disabled category)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .model import Rule


@dataclass(frozen=True, slots=True)
class Selection:
    enabled_rules: frozenset[str] = frozenset()
    disabled_rules: frozenset[str] = frozenset()
    enabled_categories: frozenset[str] = frozenset()
    disabled_categories: frozenset[str] = frozenset()
    enabled_only: bool = False

    @classmethod
    def of(cls, enabled_rules: Iterable[str] = (), disabled_rules: Iterable[str] = (),
           enabled_categories: Iterable[str] = (), disabled_categories: Iterable[str] = (),
           enabled_only: bool = False) -> "Selection":
        return cls(frozenset(enabled_rules or ()), frozenset(disabled_rules or ()),
                   frozenset(enabled_categories or ()), frozenset(disabled_categories or ()), enabled_only)

    @property
    def is_default(self) -> bool:
        return not (self.enabled_rules or self.disabled_rules or self.enabled_categories
                    or self.disabled_categories or self.enabled_only)

    def allows(self, rule: Rule) -> bool:
        if rule.id in self.enabled_rules:
            return True
        if rule.id in self.disabled_rules:
            return False
        if self.enabled_only:
            return rule.category.value in self.enabled_categories
        return rule.category.value not in self.disabled_categories
