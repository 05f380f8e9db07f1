"""Checking one partition: its rows grouped into conversations, each agent turn checked in its
position, the partition's `Tally` filled and its rows of the outputs rendered, as one `Part`.

This is the unit of work of every engine (in-process, process pool, Dask): a pure function of
the partition and the scan options, so any engine produces the same parts, and the merge
(lint/scan/merge.py) the same outputs.

The loop is the scan's hot path: rows are tuples, a conversation without findings costs a CSV row
and a few counts, and a finding's dict is built only for a finding.
"""
from __future__ import annotations

import hashlib
import json
from json.encoder import encode_basestring
from dataclasses import asdict, dataclass, field
from typing import Iterable, Iterator

from ..checker import Checker
from ..conversation import check_conversation
from ..errors import InputError
from ..model import Scoring
from .inputs import BadRow, ColumnMap, Row, _date
from .outputs import CATEGORIES, csv_rows, jsonl_lines
from .part import Part, encode
from .plan import Partition, read_partition
from .tally import Tally

CONTEXT_CHARS = 40  # a finding's context: characters of its turn kept on each side of the phrase
BATCH_ROWS = 2000  # rows read (and held) before their conversations are checked


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


def run_partition(partition: Partition, options: ScanOptions) -> tuple[int, bytes, dict]:
    """What an engine runs: the part file, plus what the driver needs without opening it (turns
    for progress, the first bad row for --strict). Rendering here keeps that work in the
    (parallel) workers."""
    checking = _Checking(partition, options)
    part = checking.run()
    facts = {"turns": part.tally.totals["turns"], "first_error": checking.errors[0] if checking.errors else None}
    return partition.index, encode(part), facts


def check_partition(partition: Partition, options: ScanOptions) -> Part:
    return _Checking(partition, options).run()


class _Checking:
    """One partition being checked."""

    def __init__(self, partition: Partition, options: ScanOptions) -> None:
        self.partition = partition
        self.options = options
        self.checker = checker_for(options)
        self.scoring = scoring_of(self.checker)
        self.perfect = self.scoring.conversation_score({})
        self.channel = options.channel
        self.display = partition.display
        self.tally = Tally()
        self.findings: list[dict] = []
        self.rows: list[list] = []  # conversations.csv
        self.errors: list[dict] = []
        self.ledger: list[list] = []

    def run(self) -> Part:
        rows = read_partition(self.partition, ColumnMap(self.options.columns), self.options.encoding)
        batch: list[list[Row]] = []
        size = 0
        for run in self._conversations(rows):
            batch.append(run)
            size += len(run)
            if size >= BATCH_ROWS:
                self._batch(batch)
                batch, size = [], 0
        self._batch(batch)
        return Part(self.partition.index, self.tally, self.ledger, jsonl_lines(self.findings), csv_rows(self.rows),
                    jsonl_lines(self.errors))

    def _error(self, where: str, reason: str) -> None:
        self.errors.append({"where": where, "reason": reason})
        self.tally.count_error()

    def _conversations(self, rows: Iterable[Row | BadRow]) -> Iterator[list[Row]]:
        """Runs of consecutive rows with the same conversation id (a row without an id is alone)."""
        run: list[Row] = []
        last = None
        for row in rows:
            if type(row) is BadRow:
                self._error(row.where, row.reason)
                continue
            conversation = row[0]
            if run and (conversation is None or conversation != last):
                yield run
                run = []
            run.append(row)
            last = conversation
        if run:
            yield run

    def _batch(self, runs: list[list[Row]]) -> None:
        """Check a batch of conversations, then count them: the engine runs in a tight loop, its
        caches not flushed by the scan's own work between two turns (about a sixth faster)."""
        for checked in [self._check(run) for run in runs]:
            self._conversation(*checked)

    def _conversation(self, run: list[Row], conversation: str, source: str, checked: list) -> None:
        date = _first_date(run)
        agent_of = [run[index].agent or "" for index, _, _, _ in checked]  # "": no agent id
        agents = sorted(set(agent_of))
        flagged = [entry for entry in checked if entry[3].diagnostics]
        tally = self.tally
        tally.count_conversation(len(run), len(checked), len(flagged), sum([len(entry[2]) for entry in checked]))
        named = ";".join(a for a in agents if a) if len(agents) != 1 else agents[0]
        if not flagged:  # a CSV row and a few counts
            score = self.perfect
            self.rows.append([conversation, source, named, len(run), len(checked), 0, *_NONE_FOUND, score, date])
        else:
            by_turn, severities, categories, ledger = self._findings(conversation, run, flagged)
            score = self.scoring.conversation_score(severities)
            self.ledger.append([len(self.rows), agents, ledger])
            self.rows.append([conversation, source, named, len(run), len(checked), len(ledger),
                              *[categories.get(c, 0) for c in CATEGORIES], score, date])
            tally.consider_worst(score, len(ledger), conversation, source,
                                 lambda: _worst_detail(conversation, score, source, date, run, by_turn))
        for agent in agents:
            tally.count_agent(agent, len(checked) if len(agents) == 1 else agent_of.count(agent), score, date)

    def _check(self, run: list[Row]) -> tuple[list[Row], str, str, list]:
        """The conversation's rows in turn order, its id, where it starts, and each agent turn's
        (index, position, text, Result)."""
        first = run[0]
        source = f"{self.display}:{first.line}"
        if first.conversation is None:  # no conversation ids: each turn alone, checked as a middle turn
            checked = ([(0, "middle", first.text, self.checker.check(first.text, self.channel, "middle"))]
                       if first.role == "agent" else [])
            return run, source, source, checked
        turns = [r.turn for r in run]
        if turns.count(None) != len(turns) and (None in turns or turns != sorted(turns)):
            run = sorted(run, key=lambda r: (r.turn is None, r.turn if r.turn is not None else 0))  # stable
            source = f"{self.display}:{run[0].line}"
        try:
            checked = check_conversation(self.checker, [(r.role, r.text) for r in run], self.channel)
        except InputError:
            checked = self._turn_by_turn(run)
        return run, run[0].conversation, source, checked

    def _findings(self, conversation: str, run: list[Row], flagged: list
                  ) -> tuple[dict[int, list[dict]], dict[str, int], dict[str, int], list[list[str]]]:
        """Record the findings of the flagged turns (in file order) and count them; returns them
        by turn index, their counts by severity and by category, and the conversation's ledger
        ([id, date of its turn] of each)."""
        by_turn: dict[int, list[dict]] = {}
        severities: dict[str, int] = {}
        categories: dict[str, int] = {}
        ledger: list[list[str]] = []
        count = self.tally.count_finding
        add = self.findings.append
        for index, position, text, result in flagged:
            row = run[index]
            turn = row.turn if row.turn is not None else index
            where = f"{self.display}:{row.line}"
            date = row.date
            agent = row.agent
            mine = by_turn[index] = []
            for diag in result.diagnostics:
                rule, category, severity, start, end = (diag.rule_id, diag.category.value, diag.severity.value,
                                                        diag.start, diag.end)
                ident = finding_id(conversation, turn, rule, start, end)
                finding = {
                    "id": ident, "conversation": conversation, "turn": turn, "agent": agent, "position": position,
                    "rule": rule, "category": category, "severity": severity, "start": start, "end": end,
                    "phrase": diag.text, "context": text[max(0, start - CONTEXT_CHARS):end + CONTEXT_CHARS],
                    "suggestion": diag.suggestions[0].text if diag.suggestions else None, "message": diag.message,
                    "source": where,
                }
                add(finding)
                mine.append(finding)
                ledger.append([ident, date or ""])
                severities[severity] = severities.get(severity, 0) + 1
                categories[category] = categories.get(category, 0) + 1
                count(agent or "", rule, category, diag.text, date)
        return by_turn, severities, categories, ledger

    def _turn_by_turn(self, run: list[Row]) -> list:
        """A conversation with a turn the engine refuses (over the text limit): report that turn as a
        bad row and check the others as one conversation still (their positions, and the jargon the
        customer used first, stay what they are)."""
        turns = []
        refused = set()
        limit = self.checker.max_chars
        for index, row in enumerate(run):
            if row.role == "agent" and len(row.text) > limit:
                self._error(f"{self.display}:{row.line}", f"text is {len(row.text)} characters; the limit is {limit}")
                refused.add(index)
            turns.append((row.role, "" if index in refused else row.text))
        return [entry for entry in check_conversation(self.checker, turns, self.channel) if entry[0] not in refused]


_NONE_FOUND = (0,) * len(CATEGORIES)


def _first_date(run: list[Row]) -> str:
    """The conversation's date: its first row's with a timestamp that parses ("" without)."""
    for row in run:
        if row.timestamp is not None:
            date = _date(row.timestamp)
            if date:
                return date
    return ""


def _worst_detail(conversation: str, score: float, source: str, date: str, run: list[Row],
                  by_turn: dict[int, list[dict]]) -> dict:
    """What the report shows of a conversation among the worst: every turn, findings marked."""
    detail = {
        "conversation": conversation, "score": score, "findings": sum(len(f) for f in by_turn.values()),
        "source": source,
        "turns": [{
            "turn": row.turn if row.turn is not None else i, "role": row.role, "agent": row.agent, "text": row.text,
            "findings": [{"id": f["id"], "start": f["start"], "end": f["end"], "rule_id": f["rule"],
                          "category": f["category"], "message": f["message"], "suggestion": f["suggestion"]}
                         for f in by_turn.get(i, ())],
        } for i, row in enumerate(run)],
    }
    if date:
        detail["date"] = date
    return detail


def finding_id(conversation: object, turn: object, rule: str, start: int, end: int) -> str:
    """A finding's stable id: 16 characters of the base32 SHA-1 of what places it.

    Base32 (a-z, 2-7) rather than hex because the id travels through spreadsheets: a hex id can
    be all digits or digits-E-digits (about 1 in 800), which Excel and WPS turn into a number
    and lose; a base32 one practically never can (about 1 in 10^11). JSON keeps the conversation
    id's type and the field boundaries unambiguous: the key is json.dumps([conversation, turn,
    rule, start, end], ensure_ascii=False), written out for the usual types.
    """
    if type(conversation) is str and type(turn) is int:
        key = f"[{_string(conversation)}, {turn}, {_string(rule)}, {start}, {end}]"
    else:
        key = _encode([conversation, turn, rule, start, end])
    # the first 16 characters of base64.b32encode(digest).lower(): its first 80 bits, 10 at a time
    bits = int.from_bytes(hashlib.sha1(key.encode("utf-8")).digest()[:10], "big")
    return (_PAIRS[bits >> 70] + _PAIRS[(bits >> 60) & 1023] + _PAIRS[(bits >> 50) & 1023]
            + _PAIRS[(bits >> 40) & 1023] + _PAIRS[(bits >> 30) & 1023] + _PAIRS[(bits >> 20) & 1023]
            + _PAIRS[(bits >> 10) & 1023] + _PAIRS[bits & 1023])


_encode = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(x, ensure_ascii=False), one encoder
_string = encode_basestring  # json.dumps(s, ensure_ascii=False) of a str
_B32 = "abcdefghijklmnopqrstuvwxyz234567"
_PAIRS = [a + b for a in _B32 for b in _B32]  # 10 bits -> 2 base32 characters


def finding_context(text: str, start: int, end: int) -> str:
    """The turn's text from CONTEXT_CHARS before the phrase to CONTEXT_CHARS after it (the phrase
    starts at min(start, CONTEXT_CHARS) in it)."""
    return text[max(0, start - CONTEXT_CHARS):end + CONTEXT_CHARS]
