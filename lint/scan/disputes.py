"""Disputes (申诉): findings a supervisor judged wrong, taken out of a scan's scores.

    cslint scan INPUT... --out DIR --disputes FILE

FILE is a judged sheet as `cslint sample` writes it (CSV in UTF-8 with or without a BOM, or
GB18030 as Excel saves it; or .xlsx), read by `lint.judging.read_sheet` (columns 编号 id,
判定 verdict, 备注 note, the same verdict vocabulary), or JSONL of {"id", "verdict", "reason"}.
A finding whose last verdict is wrong (误报/wrong/错…) is disputed, the note being its reason; a
correct or empty verdict leaves it counted.

The disputes are applied at merge time, part by part (`apply_to_part`): the part's findings get
`"disputed": true` and `"dispute_reason"`, and its conversation rows, per-agent figures and counts
are recomputed without them, from the part's ledger (each conversation's agents and its findings'
ids and dates, in the order of its findings). Checking is never redone for a change of disputes.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Scoring

DISPUTED_SHOWN_FIELDS = ("id", "conversation", "turn", "agent", "rule", "category", "severity", "phrase",
                         "context", "start", "end", "message", "source")


class DisputesError(Exception):
    """An unreadable disputes file or a bad row in it (one line, exit 2)."""


@dataclass(frozen=True)
class Disputes:
    """The disputed findings of a disputes file: id -> reason."""
    path: str
    reasons: dict[str, str] = field(default_factory=dict)

    def digest(self) -> str:
        """What the merged outputs depend on (the file's name and its disputes)."""
        key = json.dumps([self.path, sorted(self.reasons.items())], ensure_ascii=False)
        return hashlib.sha256(key.encode("utf-8")).hexdigest()


def read_disputes(path: str | Path) -> Disputes:
    """The disputes of FILE (CSV/xlsx sheet or JSONL); the last verdict on an id wins."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DisputesError(f"--disputes {path}: cannot read: {exc.strerror or exc}") from None
    verdicts = _jsonl_verdicts(path, data) if _looks_like_jsonl(data) else _sheet_verdicts(path)
    reasons: dict[str, str] = {}
    for ident, wrong, reason in verdicts:
        if wrong:
            reasons[ident] = reason
        else:
            reasons.pop(ident, None)
    return Disputes(str(path), reasons)


def _looks_like_jsonl(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def _sheet_verdicts(path: Path) -> list[tuple[str, bool, str]]:
    from ..judging import JudgingError, read_sheet  # lint.judging imports lint.scan: import it late

    try:
        rows = read_sheet(path)
    except JudgingError as exc:
        raise DisputesError(f"--disputes {exc}") from None
    return [(row.id, not row.verdict, row.note) for row in rows if row.verdict is not None]


def _jsonl_verdicts(path: Path, data: bytes) -> list[tuple[str, bool, str]]:
    from ..judging import parse_verdict

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DisputesError(f"--disputes {path}: not valid UTF-8 ({exc.reason})") from None
    verdicts = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DisputesError(f"--disputes {path}:{number}: invalid JSON: {exc.msg}") from None
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not entry["id"].strip():
            raise DisputesError(f'--disputes {path}:{number}: expected {{"id": ..., "verdict": ..., "reason": ...}}')
        try:
            verdict = parse_verdict(str(entry.get("verdict") or ""))
        except ValueError:
            raise DisputesError(f"--disputes {path}:{number}: unrecognised verdict {entry.get('verdict')!r} "
                                "(use correct / wrong, 对/错/正确/错误/误报)") from None
        if verdict is not None:
            reason = entry.get("reason", entry.get("note"))
            verdicts.append((entry["id"].strip(), not verdict, "" if reason is None else str(reason).strip()))
    return verdicts


# --- applying them to a part ----------------------------------------------------------------------

def disputed_ids(part: dict, disputes: Disputes) -> set[str]:
    """The part's finding ids that are disputed."""
    return {ident for _, findings in part["ledger"] for ident, _ in findings if ident in disputes.reasons}


def apply_to_part(part: dict, disputes: Disputes, scoring: Scoring) -> list[dict]:
    """Take the part's disputed findings out of its counts and scores (in place); returns them,
    each with its `reason`, in file order."""
    if not disputed_ids(part, disputes):
        return []
    lines = part["findings_jsonl"].splitlines(keepends=True)
    rows = list(csv.DictReader(io.StringIO(part["conversations_csv"], newline=""), fieldnames=_columns()))
    removed: list[dict] = []
    rescored: dict[tuple[str, str], tuple[float, int]] = {}
    at = 0
    for row, (agents, ledger) in zip(rows, part["ledger"]):
        mine = lines[at:at + len(ledger)]
        if any(ident in disputes.reasons for ident, _ in ledger):
            lines[at:at + len(ledger)] = _rescore(row, agents, mine, [date for _, date in ledger], part, disputes,
                                                  scoring, removed)
            rescored[(row["conversation"], row["source"])] = (float(row["score"]), int(row["findings"]))
        at += len(ledger)
    part["findings_jsonl"] = "".join(lines)
    part["conversations_csv"] = _csv_text(rows)
    part["worst"] = _rescored_worst(part["worst"], rescored, disputes)
    for key in ("by_category", "by_rule"):
        part[key] = {k: n for k, n in part[key].items() if n}
    return removed


def _columns() -> tuple[str, ...]:
    from .partition import CONVERSATION_COLUMNS

    return CONVERSATION_COLUMNS


def _csv_text(rows: list[dict]) -> str:
    text = io.StringIO()
    csv.DictWriter(text, _columns(), lineterminator="\n").writerows(rows)
    return text.getvalue()


def _rescore(row: dict, agents: list[str], lines: list[str], dates: list[str], part: dict, disputes: Disputes,
             scoring: Scoring, removed: list[dict]) -> list[str]:
    """One conversation: its findings' lines rewritten, its row and the part's counts updated."""
    findings = [json.loads(line) for line in lines]
    kept = [f for f in findings if f["id"] not in disputes.reasons]
    for finding, date in zip(findings, dates):
        if finding["id"] in disputes.reasons:
            finding["disputed"] = True
            finding["dispute_reason"] = disputes.reasons[finding["id"]]
            _uncount(part, finding, date)
            removed.append({**{k: finding.get(k) for k in DISPUTED_SHOWN_FIELDS}, "reason": finding["dispute_reason"]})
    old_score = float(row["score"])
    new_score = scoring.conversation_score(Counter(f["severity"] for f in kept))
    row["score"] = new_score
    row["findings"] = len(kept)
    categories = Counter(f["category"] for f in kept)
    for category in categories.keys() | {f["category"] for f in findings}:
        if category in row:
            row[category] = categories[category]
    for agent in agents:
        part["agents"][agent]["score_sum"] += new_score - old_score
    flagged_before = {f["source"] for f in findings}
    part["totals"]["flagged_agent_turns"] -= len(flagged_before - {f["source"] for f in kept})
    return [json.dumps(f, ensure_ascii=False) + "\n" for f in findings]


def _uncount(part: dict, finding: dict, date: str) -> None:
    """Take one disputed finding out of the part's counts."""
    category, rule = finding["category"], finding["rule"]
    totals = part["totals"]
    totals["findings"] -= 1
    totals["disputed"] = totals.get("disputed", 0) + 1
    part["by_category"][category] -= 1
    part["by_rule"][rule] -= 1
    if date:
        _decrement(part["by_date_category"], date, category)
        _decrement(part["by_date_rule"], date, rule)
    if finding["phrase"]:
        for entry in part["phrases"]:
            if entry[:3] == [rule, category, finding["phrase"]]:
                entry[3] -= 1
        part["phrases"] = [entry for entry in part["phrases"] if entry[3] > 0]
    stats = part["agents"][finding["agent"] or ""]
    stats["findings"] -= 1
    stats[category] -= 1


def _decrement(by_date: dict[str, dict[str, int]], date: str, key: str) -> None:
    counts = by_date[date]
    counts[key] -= 1
    if not counts[key]:
        del counts[key]
    if not counts:
        del by_date[date]


def _rescored_worst(worst: list[dict], rescored: dict[tuple[str, str], tuple[float, int]],
                    disputes: Disputes) -> list[dict]:
    """The part's worst conversations without their disputed findings (a conversation left with
    none is no longer among them)."""
    kept = []
    for detail in worst:
        change = rescored.get((str(detail["conversation"]), str(detail["source"])))
        if change is None:
            kept.append(detail)
            continue
        if not change[1]:
            continue
        detail["score"], detail["findings"] = change
        for turn in detail["turns"]:
            turn["findings"] = [f for f in turn["findings"] if f.get("id") not in disputes.reasons]
        kept.append(detail)
    return kept
