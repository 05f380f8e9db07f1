"""Disputes (申诉): findings a supervisor judged wrong, taken out of a scan's scores.

    cslint scan INPUT... --out DIR --disputes FILE

FILE is a judged sheet as `cslint sample` writes it (CSV in UTF-8 with or without a BOM, or
GB18030 as Excel saves it; or .xlsx), read by `lint.judging.read_sheet` (columns 编号 id,
判定 verdict, 备注 note, the same verdict vocabulary), or JSONL of {"id", "verdict", "reason"}.
A finding whose last verdict is wrong (误报/wrong/错…) is disputed, the note being its reason; a
correct or empty verdict leaves it counted.

The disputes are applied at merge time, part by part (`apply_to_part`): the part's findings get
`"disputed": true` and `"dispute_reason"`, its conversation rows are rescored and its `Tally`
(lint/scan/tally.py) loses them, from the part's ledger (each flagged conversation's row, its
agents and its findings' ids and dates, in the order of its findings). Checking is never redone
for a change of disputes.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from ..model import Scoring
from .outputs import CONVERSATION_COLUMNS, csv_rows, jsonl_line, read_csv_rows
from .part import Part
from .tally import Tally, worst_key

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

def apply_to_part(part: Part, disputes: Disputes, scoring: Scoring) -> list[dict]:
    """Take the part's disputed findings out of its tally, rows and scores (in place); returns
    them, each with its `reason`, in file order."""
    lines: list[bytes] | None = None
    rows: list[dict[str, str]] = []
    removed: list[dict] = []
    rescored: dict[tuple[str, str], tuple[float, int]] = {}
    at = 0  # the conversation's first line in the part's findings (the ledger lists them in order)
    for row_index, agents, ledger in part.ledger:
        if any(ident in disputes.reasons for ident, _ in ledger):
            if lines is None:
                lines = part.findings.splitlines(keepends=True)
                rows = read_csv_rows(part.conversations, CONVERSATION_COLUMNS)
            row = rows[row_index]
            lines[at:at + len(ledger)] = _rescore(row, agents, lines[at:at + len(ledger)], [d for _, d in ledger],
                                                  part.tally, disputes, scoring, removed)
            rescored[(row["conversation"], row["source"])] = (float(row["score"]), int(row["findings"]))
        at += len(ledger)
    if lines is None:
        return []
    part.findings = b"".join(lines)
    part.conversations = csv_rows([[row[c] for c in CONVERSATION_COLUMNS] for row in rows])
    part.tally.worst = _rescored_worst(part.tally.worst, rescored, disputes)
    return removed


def _rescore(row: dict, agents: list[str], lines: list[bytes], dates: list[str], tally: Tally, disputes: Disputes,
             scoring: Scoring, removed: list[dict]) -> list[bytes]:
    """One conversation: its findings' lines rewritten, its row and the part's tally updated."""
    findings = [orjson.loads(line) for line in lines]
    kept = [f for f in findings if f["id"] not in disputes.reasons]
    for finding, date in zip(findings, dates):
        if finding["id"] in disputes.reasons:
            finding["disputed"] = True
            finding["dispute_reason"] = disputes.reasons[finding["id"]]
            tally.uncount_finding(finding["agent"] or "", finding["rule"], finding["category"], finding["phrase"], date)
            removed.append({**{k: finding.get(k) for k in DISPUTED_SHOWN_FIELDS}, "reason": finding["dispute_reason"]})
    old_score = float(row["score"])
    new_score = scoring.conversation_score(Counter(f["severity"] for f in kept))
    row["score"] = new_score
    row["findings"] = len(kept)
    categories = Counter(f["category"] for f in kept)
    for category in categories.keys() | {f["category"] for f in findings}:
        if category in row:
            row[category] = categories[category]
    unflagged = {f["source"] for f in findings} - {f["source"] for f in kept}
    tally.rescore(agents, new_score - old_score, len(unflagged))
    return [jsonl_line(f) for f in findings]


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
    return sorted(kept, key=worst_key)


def unknown_notes(disputes: Disputes, disputed: list[dict]) -> list[str]:
    """A note on the ids of the disputes file that no finding of the scan has."""
    unknown = sorted(set(disputes.reasons) - {f["id"] for f in disputed})
    if not unknown:
        return []
    shown = ", ".join(unknown[:10]) + (", …" if len(unknown) > 10 else "")
    return [f"{disputes.path}: {len(unknown)} disputed id(s) match no finding of this scan: {shown}"]
