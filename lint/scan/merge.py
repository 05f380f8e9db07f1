"""Merging the parts into the outputs: their rendered rows copied in partition order, their
tallies added, and from the sum agents.csv, summary.json and report.html.

The merge is a pure function of the parts (and the disputes), so a resumed scan writes outputs
identical to an uninterrupted one, and a re-run with another disputes file merges the kept parts
again without checking anything. Each output is renamed into place whole.
"""
from __future__ import annotations

from collections import Counter
from typing import Any

from ..model import Scoring
from .disputes import Disputes, apply_to_part, unknown_notes
from .outputs import (CATEGORIES, CONVERSATION_COLUMNS, CONVERSATIONS, ERRORS, FINDINGS, Output, write_agents,
                      write_report, write_summary)
from .store import ScanState
from .tally import TOTALS, Tally

TOP_PHRASES = 30
NO_AGENT = "（无坐席编号）"  # the summary's name for agent turns without an agent id


def merge(state: ScanState, count: int, header: dict, rules: dict[str, dict], scoring: Scoring,
          disputes: Disputes | None = None) -> dict:
    """Write every output from the `count` parts, without the disputed findings in any count or
    score; returns the summary (what report.html shows)."""
    out = state.out_dir
    tally = Tally()
    disputed: list[dict] = []
    with Output(out, FINDINGS) as findings, Output(out, ERRORS) as errors, \
            Output(out, CONVERSATIONS, CONVERSATION_COLUMNS) as conversations:
        for part in state.parts(count):
            if disputes is not None:
                disputed += apply_to_part(part, disputes, scoring)
            findings.write(part.findings)
            errors.write(part.errors)
            conversations.write(part.conversations)
            tally.add(part.tally)
    agent_rows = tally.agent_rows()
    write_agents(out, agent_rows)
    summary = summarize(tally, agent_rows, header, rules, scoring)
    if disputes is not None:
        summary["by_rule"] = _by_rule(tally.by_rule, Counter(f["rule"] for f in disputed), rules)
        summary["disputed_by_category"] = {c: sum(1 for f in disputed if f["category"] == c) for c in CATEGORIES}
        summary["notes"] = [*summary.get("notes", []), *unknown_notes(disputes, disputed)]
        summary["disputes"] = {"file": disputes.path, "findings": disputed}
    write_summary(out, summary)
    write_report(out, summary)
    return summary


def summarize(tally: Tally, agent_rows: list[dict[str, Any]], header: dict, rules: dict[str, dict],
              scoring: Scoring) -> dict[str, Any]:
    """summary.json (see lint/scan/report.py for its shape) from the scan's tally."""
    return {
        **header,
        "totals": {k: tally.totals.get(k, 0) for k in TOTALS},
        "agent_chars": tally.agent_chars,
        "by_category": {c: tally.by_category.get(c, 0) for c in CATEGORIES},
        "by_rule": _by_rule(tally.by_rule, Counter(), rules),
        "disputed_by_category": dict.fromkeys(CATEGORIES, 0),
        "by_date_category": {d: {c: tally.by_date_category[d].get(c, 0) for c in CATEGORIES}
                             for d in sorted(tally.by_date_category)},
        "by_date_rule": {d: dict(sorted(tally.by_date_rule[d].items())) for d in sorted(tally.by_date_rule)},
        "top_phrases": [{"rule_id": r, "category": c, "phrase": p, "count": n} for (r, c, p), n in
                        sorted(tally.phrases.items(), key=lambda item: (-item[1], item[0]))[:TOP_PHRASES]],
        "agents": [_agent_entry(a) for a in sorted(agent_rows, key=lambda a: (a["score"], -a["per_100_turns"], a["agent"]))],
        "worst_conversations": tally.worst,
        "score": {"formula": scoring.formula(), "weights": scoring.weights},
    }


def _agent_entry(row: dict[str, Any]) -> dict[str, Any]:
    entry = {"agent": row["agent"] or NO_AGENT, "conversations": row["conversations"], "turns": row["turns"],
             "findings": row["findings"], "per_100_turns": row["per_100_turns"], "score": row["score"],
             "by_category": {c: row[c] for c in CATEGORIES}}
    if row["by_date"]:  # only when the rows have timestamps
        entry["by_date"] = row["by_date"]
    return entry


def _by_rule(counted: dict[str, int], disputed: Counter, rules: dict[str, dict]) -> dict[str, dict]:
    """Findings per rule, most first: counted ones, and (when any) the disputed ones apart."""
    entries = {}
    for rule in sorted(counted.keys() | disputed.keys(), key=lambda r: (-counted.get(r, 0), r)):
        entries[rule] = {"count": counted.get(rule, 0), **rules.get(rule, {"category": "", "message": ""})}
        if disputed[rule]:
            entries[rule]["disputed"] = disputed[rule]
    return entries
