"""Shared data types of the engine: frozen, slotted, no logic beyond small derived properties.

The three made for every reply (Suggestion, Diagnostic, Result) are not `frozen` dataclasses,
only hashable ones that nothing mutates: a frozen dataclass sets each field through
object.__setattr__, which made building them ~3x slower (3.6 µs for a Diagnostic, a tenth of a
whole check). Treat them as immutable; `dataclasses.replace` makes a changed copy.

Offsets (`start`, `end`) are always code-point indices into the caller's ORIGINAL text, end
exclusive, so `text[start:end]` is the flagged phrase whatever normalisation happened inside.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any


class Category(str, Enum):
    FORBIDDEN = "forbidden"
    TONE = "tone"
    JARGON = "jargon"
    FILLER = "filler"
    HONORIFIC = "honorific"
    COURTESY = "courtesy"

    def __str__(self) -> str:
        return self.value

    @property
    def display_name(self) -> str:
        """The Chinese name people read (reports, LanguageTool clients, rule references)."""
        return CATEGORY_DISPLAY_NAMES[self.value]


# the one place the categories' display names are declared (the web page has its own copy in
# service/static/app.js, with its Traditional forms, checked by tests/unit/test_categories.py)
CATEGORY_DISPLAY_NAMES = {"forbidden": "服务禁语", "tone": "语气", "jargon": "术语", "filler": "口头禅与方言",
                          "honorific": "尊称", "courtesy": "文明用语"}


_SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
_APPLICABILITY_RANK = {"display": 0, "unsafe": 1, "safe": 2}


class Severity(str, Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """Order used by `--fail-on`: info < warning < error."""
        return _SEVERITY_RANK[self.value]

    def __str__(self) -> str:
        return self.value


class Applicability(str, Enum):
    """How far a rewrite can be trusted (ruff's three levels).

    safe: definitely what the agent meant, applied by `--fix`;
    unsafe: usually right, applied only on request (`--unsafe-fixes`);
    display: advice to read, never applied automatically.
    """

    DISPLAY = "display"
    UNSAFE = "unsafe"
    SAFE = "safe"

    @property
    def rank(self) -> int:
        return _APPLICABILITY_RANK[self.value]

    def __str__(self) -> str:
        return self.value


CHANNELS = ("chat", "email")
POSITIONS = ("opening", "middle", "closing", "single")


@dataclass(frozen=True, slots=True)
class SourcePos:
    """Where something was declared: a pack file and a 1-based line."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(slots=True, unsafe_hash=True)  # immutable by convention (see the module docstring)
class Suggestion:
    """An edit: `text` replaces [start, end) of the original text (an insertion when start ==
    end). Without a span of its own it replaces the diagnostic's span; a clause-level rewrite
    has the clause's span."""

    text: str
    applicability: Applicability
    start: int | None = None
    end: int | None = None

    def span(self, diag: "Diagnostic") -> tuple[int, int]:
        return (diag.start, diag.end) if self.start is None else (self.start, self.end)  # type: ignore[return-value]

    @property
    def kind(self) -> str:
        """`fix` (the meaning is kept: --fix, 全部修正 and LanguageTool's correct() apply it) or
        `proposal` (the meaning may change: applied only when asked for, one by one)."""
        return "fix" if self.applicability is Applicability.SAFE else "proposal"


@dataclass(slots=True, unsafe_hash=True)  # immutable by convention (see the module docstring)
class Diagnostic:
    rule_id: str
    category: Category
    severity: Severity
    start: int
    end: int
    text: str
    message: str
    suggestions: tuple[Suggestion, ...] = ()

    @property
    def safe(self) -> bool:
        """True when the preferred (first) suggestion may be applied without asking."""
        return bool(self.suggestions) and self.suggestions[0].applicability is Applicability.SAFE

    def to_dict(self) -> dict[str, Any]:
        """The wire form shared by the CLI's JSON output and the HTTP service."""
        return {
            "rule_id": self.rule_id,
            "category": self.category.value,
            "severity": self.severity.value,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "message": self.message,
            "suggestions": [s.text for s in self.suggestions],
            "safe": self.safe,
            "edits": [self.edit_dict(s) for s in self.suggestions],
        }

    def edit_dict(self, suggestion: Suggestion) -> dict[str, Any]:
        start, end = suggestion.span(self)
        return {"start": start, "end": end, "text": suggestion.text, "kind": suggestion.kind}


@dataclass(frozen=True, slots=True)
class Example:
    """A rule example: `text` with the expected span marked by [[ ]] for bad examples."""

    text: str
    bad: bool
    fixed: str | None = None
    channel: str | None = None
    position: str | None = None
    source: SourcePos | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """A validated rule: the header every kind shares plus the kind's own matcher spec."""

    id: str
    category: Category
    severity: Severity
    kind: str
    message: str
    description: str
    spec: Any  # the kind's compiled spec (lint.kinds.*)
    examples: tuple[Example, ...] = ()
    source: SourcePos | None = None
    pack_id: str = ""
    changes: tuple[str, ...] = ()  # what extending packs changed, with where ("severity warning (team.yaml:8)")


@dataclass(frozen=True, slots=True)
class RulePack:
    id: str
    name: str
    version: str
    description: str
    rules: tuple[Rule, ...]
    extends: tuple[str, ...] = ()
    path: str = ""
    scoring: "Scoring | None" = None  # None: the pack (and what it extends) sets none
    allowed: tuple[Any, ...] = ()  # phrases (lint.sequence.Sequence) that cancel any hit they cover, inherited too


@dataclass(frozen=True, slots=True)
class Scoring:
    """How QA scores a conversation: 100 minus the points its findings cost, floored at 0.

    A finding costs the points of its severity (pack key `scoring.weights`).
    """

    error: int = 10
    warning: int = 3
    info: int = 1

    @property
    def weights(self) -> dict[str, int]:
        return {"error": self.error, "warning": self.warning, "info": self.info}

    def conversation_score(self, severities: dict[str, int]) -> float:
        """`severities`: how many findings of each severity the conversation has."""
        weights = self.weights
        return float(max(0, 100 - sum(weights.get(s, 0) * n for s, n in severities.items())))

    def formula(self) -> str:
        parts = " + ".join(f"{w}×{s}" for s, w in self.weights.items())
        return (f"conversation score = max(0, 100 − ({parts})), counting the conversation's findings by severity; "
                "agent score = mean score of the conversations the agent answered in")


@dataclass(slots=True, unsafe_hash=True)  # immutable by convention (see the module docstring)
class Result:
    text: str
    diagnostics: tuple[Diagnostic, ...]
    fixed: str
    script: str = "simplified"  # "simplified", "traditional-tw" or "traditional-hk": suggestions' script
