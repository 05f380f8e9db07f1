"""Checking one partition: its rows grouped into conversations, each agent turn checked in its
position, and everything the outputs need gathered into one JSON-ready `part` dict.

This is the unit of work of every engine (in-process, process pool, Dask): a pure function of
the partition and the scan options, so any engine produces the same parts, and the merge
(`lint.scan.store`) the same outputs.
"""
from __future__ import annotations

import base64
import csv
import gzip
import hashlib
import io
import json
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Iterable

from ..checker import Checker
from ..conversation import agent_positions, check_conversation
from ..errors import InputError
from ..model import Category, Scoring
from .inputs import BadRow, ColumnMap, Row
from .plan import Partition, read_partition

CATEGORIES = tuple(c.value for c in Category)
WORST_KEPT = 10  # worst conversations kept (with their turns) for the report
CONTEXT_CHARS = 40  # a finding's context: characters of its turn kept on each side of the phrase
CONVERSATION_COLUMNS = ("conversation", "source", "agents", "turns", "agent_turns", "findings", *CATEGORIES, "score", "date")


@dataclass(frozen=True)
class ScanOptions:
    packs: tuple[str, ...] = ()
    packs_dirs: tuple[str, ...] = ()
    channel: str = "chat"
    columns: dict[str, str] = field(default_factory=dict)  # --map field=column
    encoding: str | None = None  # --encoding (a BOM wins over it); None: UTF-8

    def to_dict(self) -> dict:
        return asdict(self)


_CHECKERS: dict[tuple, Checker] = {}  # one engine per process (pool worker, Dask worker)


def checker_for(options: ScanOptions) -> Checker:
    key = (options.packs, options.packs_dirs)
    checker = _CHECKERS.get(key)
    if checker is None:
        checker = _CHECKERS[key] = Checker.from_packs(list(options.packs), list(options.packs_dirs))
    return checker


def scoring_of(checker: Checker) -> Scoring:
    """The scoring of the last pack that sets one (default weights otherwise)."""
    return next((p.scoring for p in reversed(checker.packs) if p.scoring is not None), Scoring())


def run_partition(part: Partition, options: ScanOptions) -> tuple[int, bytes, dict]:
    """What an engine runs: the checked partition as the compressed part file, plus what the
    driver needs without opening it (turns for progress, the first bad row for --strict).

    Rendering and compressing here keeps that work in the (parallel) workers."""
    checked = check_partition(part, options)
    facts = {"turns": checked["totals"].get("turns", 0), "first_error": checked["errors"][0] if checked["errors"] else None}
    return part.index, encode_part(checked), facts


def encode_part(checked: dict) -> bytes:
    """The part file: outputs pre-rendered as text (the merge only concatenates), aggregates as JSON."""
    rows = io.StringIO()  # what csv.DictWriter writes, without its per-row checks
    csv.writer(rows, lineterminator="\n").writerows([[c[k] for k in CONVERSATION_COLUMNS] for c in checked.pop("conversations")])
    checked["conversations_csv"] = rows.getvalue()
    findings = checked.pop("findings")
    checked["findings_jsonl"] = "\n".join(map(_encode, findings)) + "\n" if findings else ""
    errors = checked.pop("errors")
    checked["errors_jsonl"] = "\n".join(map(_encode, errors)) + "\n" if errors else ""
    return gzip.compress(_encode(checked).encode(), compresslevel=1, mtime=0)


# json.dumps(x, ensure_ascii=False) without building an encoder per call (the same output)
_encode = json.JSONEncoder(ensure_ascii=False).encode


def check_partition(part: Partition, options: ScanOptions) -> dict:
    checker = checker_for(options)
    scoring = scoring_of(checker)
    gathered = Gathered(part.index)
    columns = ColumnMap(options.columns)
    for run in _conversations(read_partition(part, columns, options.encoding), gathered):
        _check_conversation(run, checker, scoring, options.channel, gathered)
    return gathered.to_part()


def _conversations(rows: Iterable[Row | BadRow], gathered: "Gathered") -> Iterable[list[Row]]:
    """Runs of consecutive rows with the same conversation id (a row without an id is alone)."""
    run: list[Row] = []
    for row in rows:
        if isinstance(row, BadRow):
            gathered.errors.append({"where": row.where, "reason": row.reason})
            continue
        if run and (row.conversation is None or row.conversation != run[-1].conversation):
            yield run
            run = []
        run.append(row)
    if run:
        yield run


def _check_conversation(run: list[Row], checker: Checker, scoring: Scoring, channel: str, gathered: "Gathered") -> None:
    turns = [r.turn for r in run]
    if turns.count(None) != len(turns) and (None in turns or turns != sorted(turns)):
        run = sorted(run, key=lambda r: (r.turn is None, r.turn if r.turn is not None else 0))  # stable
    conversation = run[0].conversation if run[0].conversation is not None else run[0].where
    if run[0].conversation is None:  # no conversation ids: each turn alone, checked as a middle turn
        checked = [(0, "middle", run[0].text, checker.check(run[0].text, channel, "middle"))] if run[0].role == "agent" else []
    else:
        try:
            checked = check_conversation(checker, [(r.role, r.text) for r in run], channel)
        except InputError:
            checked = _check_turn_by_turn(run, checker, channel, gathered)
    findings_by_turn: dict[int, list[dict]] = defaultdict(list)
    severities: dict[str, int] = {}
    ledger: list[list[str]] = []  # [id, date] of each finding, in findings order
    categories: dict[str, int] = {}
    for index, position, text, result in checked:
        if not result.diagnostics:
            continue
        row = run[index]
        for diag in result.diagnostics:
            suggestion = diag.suggestions[0].text if diag.suggestions else None
            turn = row.turn if row.turn is not None else index
            finding = {
                "id": finding_id(conversation, turn, diag.rule_id, diag.start, diag.end),
                "conversation": conversation, "turn": turn,
                "agent": row.agent, "position": position, "rule": diag.rule_id, "category": diag.category.value,
                "severity": diag.severity.value, "start": diag.start, "end": diag.end, "phrase": diag.text,
                "context": finding_context(text, diag.start, diag.end),
                "suggestion": suggestion, "message": diag.message, "source": row.where,
            }
            gathered.findings.append(finding)
            ledger.append([finding["id"], row.date or ""])
            findings_by_turn[index].append(finding)
            severity, category = finding["severity"], finding["category"]
            severities[severity] = severities.get(severity, 0) + 1
            categories[category] = categories.get(category, 0) + 1
            gathered.count_finding(finding, row.date)
    score = scoring.conversation_score(severities)
    agent_turns = [i for i, _, _, _ in checked]
    agents = sorted({run[i].agent or "" for i in agent_turns})
    gathered.conversations.append({
        "conversation": conversation, "source": run[0].where, "agents": ";".join(a for a in agents if a),
        "turns": len(run), "agent_turns": len(agent_turns), "findings": sum(categories.values()),
        **{c: categories.get(c, 0) for c in CATEGORIES}, "score": score,
        "date": next((r.date for r in run if r.date), "") or "",
    })
    gathered.ledger.append([agents, ledger])
    totals = gathered.totals
    totals["conversations"] += 1
    totals["turns"] += len(run)
    totals["agent_turns"] += len(agent_turns)
    totals["flagged_agent_turns"] += len(findings_by_turn)  # only turns with findings have an entry
    gathered.agent_chars += sum([len(text) for _, _, text, _ in checked])
    if len(agents) == 1:  # the common case: every agent turn is this agent's
        stats = gathered.agents[agents[0]]
        stats["conversations"] += 1
        stats["score_sum"] += score
        stats["turns"] += len(agent_turns)
        for i in agent_turns:
            for finding in findings_by_turn.get(i, ()):
                stats["findings"] += 1
                stats[finding["category"]] += 1
    else:
        for agent in agents:
            stats = gathered.agents[agent]
            stats["conversations"] += 1
            stats["score_sum"] += score
            mine = [i for i in agent_turns if (run[i].agent or "") == agent]
            stats["turns"] += len(mine)
            for i in mine:
                for finding in findings_by_turn.get(i, ()):
                    stats["findings"] += 1
                    stats[finding["category"]] += 1
    if findings_by_turn:
        gathered.consider_worst(conversation, score, run, findings_by_turn)


def finding_id(conversation: object, turn: object, rule: str, start: int, end: int) -> str:
    """A finding's stable id: 16 characters of the base32 SHA-1 of what places it.

    Base32 (a-z, 2-7) rather than hex because the id travels through spreadsheets: a hex id can
    be all digits or digits-E-digits (about 1 in 800), which Excel and WPS turn into a number
    and lose; a base32 one practically never can (about 1 in 10^11). JSON keeps the conversation
    id's type and the field boundaries unambiguous.
    """
    key = _encode([conversation, turn, rule, start, end])
    # the first 16 characters of base64.b32encode(digest).lower(): its first 80 bits, 5 at a time
    bits = int.from_bytes(hashlib.sha1(key.encode("utf-8")).digest()[:10], "big")
    return "".join([_B32[(bits >> shift) & 31] for shift in _SHIFTS])


_B32 = "abcdefghijklmnopqrstuvwxyz234567"
_SHIFTS = range(75, -1, -5)


def finding_context(text: str, start: int, end: int) -> str:
    """The turn's text from CONTEXT_CHARS before the phrase to CONTEXT_CHARS after it (the phrase
    starts at min(start, CONTEXT_CHARS) in it)."""
    return text[max(0, start - CONTEXT_CHARS):end + CONTEXT_CHARS]


def _check_turn_by_turn(run: list[Row], checker: Checker, channel: str, gathered: "Gathered"):
    """A conversation with a turn the engine refuses (over the text limit): report that turn as a
    bad row and check the others as one conversation still (their positions, and the jargon the
    customer used first, stay what they are)."""
    turns = []
    refused = set()
    for index, row in enumerate(run):
        if row.role == "agent":
            if len(row.text) > checker.max_chars:
                gathered.errors.append({"where": row.where, "reason": f"text is {len(row.text)} characters; "
                                                                     f"the limit is {checker.max_chars}"})
                refused.add(index)
        turns.append((row.role, "" if index in refused else row.text))
    return [entry for entry in check_conversation(checker, turns, channel) if entry[0] not in refused]


class Gathered:
    """What one partition contributes to the outputs."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.findings: list[dict] = []
        self.conversations: list[dict] = []
        self.ledger: list[list] = []  # per conversation: [its agents, [[finding id, date], ...] in findings order]
        self.errors: list[dict] = []
        self.totals: Counter[str] = Counter()
        self.by_category: Counter[str] = Counter()
        self.by_rule: Counter[str] = Counter()
        self.by_date_category: dict[str, Counter[str]] = defaultdict(Counter)
        self.by_date_rule: dict[str, Counter[str]] = defaultdict(Counter)
        self.phrases: Counter[tuple[str, str, str]] = Counter()
        self.agents: dict[str, Counter] = defaultdict(Counter)
        self.worst: list[tuple[tuple, dict]] = []
        self.agent_chars = 0

    def count_finding(self, finding: dict, date: str | None) -> None:
        self.by_category[finding["category"]] += 1
        self.by_rule[finding["rule"]] += 1
        if finding["phrase"]:
            self.phrases[(finding["rule"], finding["category"], finding["phrase"])] += 1
        if date:
            self.by_date_category[date][finding["category"]] += 1
            self.by_date_rule[date][finding["rule"]] += 1

    def consider_worst(self, conversation: str, score: float, run: list[Row], findings_by_turn: dict) -> None:
        total = sum(len(f) for f in findings_by_turn.values())
        if not total:
            return
        key = worst_key(score, total, conversation, run[0].where)
        if len(self.worst) >= WORST_KEPT and key >= self.worst[-1][0]:
            return
        detail = {
            "conversation": conversation, "score": score, "findings": total, "source": run[0].where,
            "turns": [{
                "turn": row.turn if row.turn is not None else i, "role": row.role, "agent": row.agent, "text": row.text,
                "findings": [{"id": f["id"], "start": f["start"], "end": f["end"], "rule_id": f["rule"], "category": f["category"],
                              "message": f["message"], "suggestion": f["suggestion"]} for f in findings_by_turn.get(i, [])],
            } for i, row in enumerate(run)],
        }
        self.worst.append((key, detail))
        self.worst.sort(key=lambda item: item[0])
        del self.worst[WORST_KEPT:]

    def to_part(self) -> dict:
        self.totals["findings"] = len(self.findings)
        self.totals["errors"] = len(self.errors)
        return {
            "index": self.index,
            "findings": self.findings,
            "conversations": self.conversations,
            "ledger": self.ledger,
            "errors": self.errors,
            "totals": dict(self.totals),
            "by_category": dict(self.by_category),
            "by_rule": dict(self.by_rule),
            "by_date_category": {d: dict(c) for d, c in self.by_date_category.items()},
            "by_date_rule": {d: dict(c) for d, c in self.by_date_rule.items()},
            "phrases": [[r, c, p, n] for (r, c, p), n in self.phrases.items()],
            "agents": {a: dict(s) for a, s in self.agents.items()},
            "worst": [detail for _, detail in self.worst],
            "agent_chars": self.agent_chars,
        }


def worst_key(score: float, findings: int, conversation: str, source: str) -> tuple:
    """Worst first: lowest score, then most findings, then by id and place (deterministic)."""
    return (score, -findings, conversation, source)
