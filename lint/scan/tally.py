"""Every aggregate of a scan, kept once: a `Tally`.

A partition fills one conversation by conversation (`count_conversation`, `count_agent`,
`count_finding`, `count_error`, `consider_worst`) and stores it in its part file (`to_part`); the
merge reads each part's back (`from_part`) and adds them together in partition order (`add`).
Disputes (lint/scan/disputes.py) take findings back out (`uncount_finding`, `rescore`). The
outputs' figures (agents.csv, summary.json) are computed from the sum (`agent_rows`).

Adding is associative and keeps nothing twice, so the sum of the parts does not depend on how the
scan was cut into partitions, which engine ran them, or whether it was resumed.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from .outputs import CATEGORIES

TOTALS = ("conversations", "turns", "agent_turns", "flagged_agent_turns", "findings", "disputed", "errors")
WORST_KEPT = 10  # worst conversations kept (with their turns) for the report


class AgentTally:
    """One agent's figures: conversations answered in, agent turns, findings (by category and by
    day) and the sum of the scores of those conversations. `by_date` has a day for each day the
    agent answered a conversation or got a finding (0 when none was found that day)."""

    __slots__ = ("conversations", "turns", "findings", "score_sum", "by_category", "by_date")

    def __init__(self, conversations: int = 0, turns: int = 0, findings: int = 0, score_sum: float = 0.0,
                 by_category: dict[str, int] | None = None, by_date: dict[str, int] | None = None) -> None:
        self.conversations = conversations
        self.turns = turns
        self.findings = findings
        self.score_sum = score_sum
        self.by_category: dict[str, int] = dict(by_category or {})
        self.by_date: dict[str, int] = dict(by_date or {})

    def add(self, other: "AgentTally") -> None:
        self.conversations += other.conversations
        self.turns += other.turns
        self.findings += other.findings
        self.score_sum += other.score_sum
        _add_counts(self.by_category, other.by_category)
        _add_counts(self.by_date, other.by_date)

    def to_part(self) -> list:
        return [self.conversations, self.turns, self.findings, self.score_sum, self.by_category, self.by_date]

    @classmethod
    def from_part(cls, entry: list) -> "AgentTally":
        return cls(*entry)


class Tally:
    """The aggregates of some conversations (a partition's, or the whole scan's)."""

    __slots__ = ("totals", "agent_chars", "by_category", "by_rule", "by_date_category", "by_date_rule", "phrases",
                 "agents", "worst")

    def __init__(self) -> None:
        self.totals: dict[str, int] = dict.fromkeys(TOTALS, 0)
        self.agent_chars = 0  # characters of the agent turns checked
        self.by_category: dict[str, int] = {}
        self.by_rule: dict[str, int] = {}
        self.by_date_category: dict[str, dict[str, int]] = {}
        self.by_date_rule: dict[str, dict[str, int]] = {}
        self.phrases: dict[tuple[str, str, str], int] = {}  # (rule, category, phrase) -> findings
        self.agents: dict[str, AgentTally] = {}  # "" for agent turns without an agent id
        self.worst: list[dict] = []  # at most WORST_KEPT details, worst first (see `worst_key`)

    # --- filling ----------------------------------------------------------------------------
    def count_conversation(self, turns: int, agent_turns: int, flagged_agent_turns: int, agent_chars: int) -> None:
        totals = self.totals
        totals["conversations"] += 1
        totals["turns"] += turns
        totals["agent_turns"] += agent_turns
        totals["flagged_agent_turns"] += flagged_agent_turns
        self.agent_chars += agent_chars

    def count_agent(self, agent: str, turns: int, score: float, date: str | None) -> None:
        """A conversation `agent` answered in, with `turns` of its agent turns."""
        stats = self.agents.get(agent)
        if stats is None:
            stats = self.agents[agent] = AgentTally()
        stats.conversations += 1
        stats.turns += turns
        stats.score_sum += score
        if date and date not in stats.by_date:
            stats.by_date[date] = 0

    def count_finding(self, agent: str, rule: str, category: str, phrase: str, date: str | None) -> None:
        """A finding in a turn of `agent` (counted with `count_agent` for the same conversation)."""
        self.totals["findings"] += 1
        self.by_category[category] = self.by_category.get(category, 0) + 1
        self.by_rule[rule] = self.by_rule.get(rule, 0) + 1
        if phrase:
            key = (rule, category, phrase)
            self.phrases[key] = self.phrases.get(key, 0) + 1
        stats = self.agents.get(agent)
        if stats is None:
            stats = self.agents[agent] = AgentTally()
        stats.findings += 1
        stats.by_category[category] = stats.by_category.get(category, 0) + 1
        if date:
            _increment(self.by_date_category.setdefault(date, {}), category, 1)
            _increment(self.by_date_rule.setdefault(date, {}), rule, 1)
            _increment(stats.by_date, date, 1)

    def count_error(self) -> None:
        self.totals["errors"] += 1

    def consider_worst(self, score: float, findings: int, conversation: str, source: str,
                       detail: Callable[[], dict]) -> None:
        """Keep the conversation among the worst if it is; `detail()` builds what the report shows
        of it (called only then)."""
        if len(self.worst) >= WORST_KEPT and (score, -findings, conversation, source) >= worst_key(self.worst[-1]):
            return
        self.worst.append(detail())
        self.worst.sort(key=worst_key)
        del self.worst[WORST_KEPT:]

    # --- disputes ---------------------------------------------------------------------------
    def uncount_finding(self, agent: str, rule: str, category: str, phrase: str, date: str | None) -> None:
        """Take a finding counted by `count_finding` back out, as disputed."""
        self.totals["findings"] -= 1
        self.totals["disputed"] += 1
        _decrement(self.by_category, category)
        _decrement(self.by_rule, rule)
        if phrase:
            _decrement(self.phrases, (rule, category, phrase))
        stats = self.agents[agent]
        stats.findings -= 1
        _decrement(stats.by_category, category)
        if date:
            _decrement(self.by_date_category[date], category)
            if not self.by_date_category[date]:
                del self.by_date_category[date]
            _decrement(self.by_date_rule[date], rule)
            if not self.by_date_rule[date]:
                del self.by_date_rule[date]
            stats.by_date[date] -= 1  # the day stays: the agent worked that day

    def rescore(self, agents: Iterable[str], change: float, unflagged_turns: int) -> None:
        """A conversation's score changed by `change` (its agents' score sums follow), and
        `unflagged_turns` of its agent turns have no finding left."""
        for agent in agents:
            self.agents[agent].score_sum += change
        self.totals["flagged_agent_turns"] -= unflagged_turns

    # --- adding -----------------------------------------------------------------------------
    def add(self, other: "Tally") -> "Tally":
        """Add `other` into this tally (which is returned); `other` is left as it was."""
        _add_counts(self.totals, other.totals)
        self.agent_chars += other.agent_chars
        _add_counts(self.by_category, other.by_category)
        _add_counts(self.by_rule, other.by_rule)
        for mine, theirs in ((self.by_date_category, other.by_date_category), (self.by_date_rule, other.by_date_rule)):
            for date, counts in theirs.items():
                _add_counts(mine.setdefault(date, {}), counts)
        _add_counts(self.phrases, other.phrases)
        for agent, stats in other.agents.items():
            if agent in self.agents:
                self.agents[agent].add(stats)
            else:
                self.agents[agent] = AgentTally.from_part(stats.to_part())
        if other.worst:
            self.worst = sorted(self.worst + other.worst, key=worst_key)[:WORST_KEPT]
        return self

    def to_part(self) -> dict[str, Any]:
        """JSON-ready (see `from_part`)."""
        return {
            "totals": self.totals, "agent_chars": self.agent_chars, "by_category": self.by_category,
            "by_rule": self.by_rule, "by_date_category": self.by_date_category, "by_date_rule": self.by_date_rule,
            "phrases": [[r, c, p, n] for (r, c, p), n in self.phrases.items()],
            "agents": {agent: stats.to_part() for agent, stats in self.agents.items()},
            "worst": self.worst,
        }

    @classmethod
    def from_part(cls, part: dict[str, Any]) -> "Tally":
        tally = cls()
        _add_counts(tally.totals, part["totals"])
        tally.agent_chars = part["agent_chars"]
        tally.by_category = part["by_category"]
        tally.by_rule = part["by_rule"]
        tally.by_date_category = part["by_date_category"]
        tally.by_date_rule = part["by_date_rule"]
        tally.phrases = {(r, c, p): n for r, c, p, n in part["phrases"]}
        tally.agents = {agent: AgentTally.from_part(entry) for agent, entry in part["agents"].items()}
        tally.worst = part["worst"]
        return tally

    # --- figures ----------------------------------------------------------------------------
    def agent_rows(self) -> list[dict[str, Any]]:
        """agents.csv's rows (AGENT_COLUMNS), by agent id, plus each agent's `by_date`."""
        rows = []
        for agent in sorted(self.agents):
            stats = self.agents[agent]
            rows.append({
                "agent": agent, "conversations": stats.conversations, "turns": stats.turns,
                "findings": stats.findings,
                "per_100_turns": round(100 * stats.findings / stats.turns, 2) if stats.turns else 0.0,
                **{c: stats.by_category.get(c, 0) for c in CATEGORIES},
                "score": round(stats.score_sum / stats.conversations, 2) if stats.conversations else 100.0,
                "by_date": dict(sorted(stats.by_date.items())),
            })
        return rows


def worst_key(detail: dict) -> tuple:
    """Worst first: lowest score, then most findings, then by id and place (deterministic)."""
    return (detail["score"], -detail["findings"], detail["conversation"], detail["source"])


def _increment(counts: dict, key: Any, by: int) -> None:
    counts[key] = counts.get(key, 0) + by


def _decrement(counts: dict, key: Any) -> None:
    """One less of `key`; a key whose count falls to 0 goes."""
    counts[key] -= 1
    if not counts[key]:
        del counts[key]


def _add_counts(counts: dict, more: dict) -> None:
    for key, n in more.items():
        counts[key] = counts.get(key, 0) + n
