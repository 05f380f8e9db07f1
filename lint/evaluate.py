"""Score a checker against labelled replies: per category, per rule, and per courtesy element.

Two line formats, mixed freely:

* with the text (the dev examples): {"id", "text", "channel", "position",
  "expect": [{"category", "phrase"}]};
* by reference into a corpus of real turns (corpora/real-labels.jsonl): {"id", "file",
  "position", "channel", "expect": [{"category", "start", "end"} | {"category": "courtesy",
  "element": "closing"}]}; the text is joined from `corpus/<file>` by id, so the project keeps
  the labels and not the customers' words, and the turn is checked inside its whole dialogue,
  as `cslint scan` checks it (lint.conversation). A line {"meta": {...}} describes the file and
  is skipped.

A diagnostic is a true positive when its category equals an expected item's and its span
overlaps the item (the span given, or any occurrence of the phrase). A missing courtesy element
is matched one to one with a diagnostic of a rule that checks that element (pack key `element`
of required rules); an item with an empty phrase and no element (the older form) is matched by
category alone. Each diagnostic counts for its rule; a found item counts for the rule that found
it, and a missed element for the rule that checks it, so courtesy rules get precision and recall
of their own. A missed phrase has no rule to blame and counts for its category only.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from .checker import Checker
from .conversation import check_conversation
from .errors import InputError
from .model import Category, Diagnostic

Span = tuple[int, int]


@dataclass
class Counts:
    tp: int = 0  # diagnostics that match an expected item
    fp: int = 0
    found: int = 0  # expected items found
    missed: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.found / (self.found + self.missed) if self.found + self.missed else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def labelled(self) -> int:
        """Items a person labelled or the checker flagged: what a precision figure rests on."""
        return self.tp + self.fp

    def add(self, other: "Counts") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.found += other.found
        self.missed += other.missed


@dataclass
class Report:
    by_category: dict[str, Counts] = field(default_factory=lambda: {c.value: Counts() for c in Category})
    by_rule: dict[str, Counts] = field(default_factory=dict)
    by_element: dict[str, Counts] = field(default_factory=dict)  # courtesy elements (greeting, closing…)
    errors: list[dict] = field(default_factory=list)  # per reply: false positives and misses
    replies: int = 0
    flagged_replies: int = 0  # replies with at least one diagnostic

    @property
    def overall(self) -> Counts:
        total = Counts()
        for counts in self.by_category.values():
            total.add(counts)
        return total


@dataclass(frozen=True)
class Expected:
    """One labelled violation: a phrase (where it may occur) or a missing courtesy element."""

    category: str
    spans: tuple[Span, ...] = ()
    element: str | None = None  # a missing courtesy element, matched to rules checking it
    label: str = ""  # how it reads in error listings


@dataclass(frozen=True)
class LabelledReply:
    id: str
    text: str
    channel: str
    position: str
    expect: tuple[Expected, ...]
    line: int = 0  # in the labelled file
    dialogue: tuple[tuple[str, str], ...] = ()  # (role, text) of the whole dialogue, for corpus turns
    index: int = 0  # of this turn in `dialogue`


def _occurrences(text: str, phrase: str) -> list[Span]:
    spans, pos = [], text.find(phrase)
    while phrase and pos != -1:
        spans.append((pos, pos + len(phrase)))
        pos = text.find(phrase, pos + 1)
    return spans


def _overlaps(diag: Diagnostic, spans: Iterable[Span]) -> bool:
    return any(diag.start < e and s < diag.end or (diag.start == diag.end and s <= diag.start <= e) for s, e in spans)


def rule_elements(checker: Checker) -> dict[str, str]:
    """rule id -> the courtesy element it checks, for required rules that name one."""
    return {r.id: r.spec.element for r in checker.rules if getattr(r.spec, "element", None)}


def score_reply(diagnostics: Iterable[Diagnostic], reply: LabelledReply, report: Report,
                elements: dict[str, str]) -> None:
    diagnostics = list(diagnostics)
    credited: list[bool] = [False] * len(diagnostics)
    element_rules: dict[str, list[str]] = {}
    for rule_id, element in elements.items():
        element_rules.setdefault(element, []).append(rule_id)
    misses = []
    report.replies += 1
    report.flagged_replies += bool(diagnostics)
    for item in reply.expect:
        counts = report.by_category.setdefault(item.category, Counts())
        element_counts = report.by_element.setdefault(item.element, Counts()) if item.element else None
        if item.spans:
            hits = [i for i, d in enumerate(diagnostics) if d.category.value == item.category and _overlaps(d, item.spans)]
        else:
            hits = [next((i for i, d in enumerate(diagnostics) if not credited[i] and d.category.value == item.category
                          and (item.element is None or elements.get(d.rule_id) == item.element)), None)]
            hits = [i for i in hits if i is not None]
        if hits:
            counts.found += 1
            report.by_rule.setdefault(diagnostics[hits[0]].rule_id, Counts()).found += 1
            if element_counts is not None:
                element_counts.found += 1
            for i in hits:
                credited[i] = True
            continue
        counts.missed += 1
        misses.append(item)
        if element_counts is not None:
            element_counts.missed += 1
            for rule_id in element_rules.get(item.element, ())[:1]:
                report.by_rule.setdefault(rule_id, Counts()).missed += 1
    false_positives = []
    for diag, matched in zip(diagnostics, credited):
        for counts in (report.by_category.setdefault(diag.category.value, Counts()),
                       report.by_rule.setdefault(diag.rule_id, Counts()),
                       report.by_element.setdefault(elements[diag.rule_id], Counts()) if diag.rule_id in elements else None):
            if counts is None:
                continue
            if matched:
                counts.tp += 1
            else:
                counts.fp += 1
        if not matched:
            false_positives.append(diag)
    if misses or false_positives:
        report.errors.append({
            "id": reply.id,
            "text": reply.text,
            "missed": [{"category": m.category, "phrase": m.label, **({"element": m.element} if m.element else {})}
                       for m in misses],
            "false_positives": [{"rule_id": d.rule_id, "category": d.category.value, "text": d.text, "start": d.start}
                                for d in false_positives],
        })


def _expected(item: object, text: str) -> Expected:
    if not isinstance(item, dict) or not isinstance(item.get("category"), str):
        raise ValueError("each 'expect' item needs a 'category'")
    category = item["category"]
    if "start" in item or "end" in item:
        start, end = item.get("start"), item.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            raise ValueError(f"'start'/'end' must be a span of the text, not {start!r}..{end!r}")
        return Expected(category, ((start, end),), label=text[start:end])
    element = item.get("element")
    if element is not None:
        if not isinstance(element, str) or category != Category.COURTESY.value:
            raise ValueError("'element' is a string, on courtesy items")
        return Expected(category, element=element, label="")
    phrase = item.get("phrase", "")
    if not isinstance(phrase, str):
        raise ValueError("'phrase' must be a string")
    if phrase and phrase not in text:
        raise ValueError(f"phrase {phrase!r} is not in the text")
    return Expected(category, tuple(_occurrences(text, phrase)), label=phrase)


class Corpus:
    """Turns of a corpus directory by id, with their dialogues, read on demand from
    `directory/<file>` (the shared corpora's format: id, dialogue, turn, role, text)."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self._turns: dict[str, dict[str, tuple[str, int]]] = {}  # file -> id -> (dialogue, index)
        self._dialogues: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {}  # file -> dialogue -> turns

    def turn(self, file: str, turn_id: str) -> tuple[tuple[tuple[str, str], ...], int]:
        """The dialogue (role, text pairs in order) holding a turn, and the turn's index in it."""
        if self.directory is None:
            raise ValueError("this line names a corpus file: give the corpus directory (--corpus DIR)")
        if file not in self._turns:
            self._load(file)
        try:
            dialogue, index = self._turns[file][turn_id]
        except KeyError:
            raise ValueError(f"turn {turn_id!r} is not in {file}") from None
        return self._dialogues[file][dialogue], index

    def _load(self, file: str) -> None:
        path = self.directory / Path(file).name
        if not path.is_file():
            raise ValueError(f"corpus file {path} not found")
        rows: dict[str, list[dict]] = {}
        with path.open(encoding="utf-8") as handle:
            for row in map(json.loads, handle):
                rows.setdefault(row["dialogue"], []).append(row)
        turns, dialogues = {}, {}
        for dialogue, members in rows.items():
            members.sort(key=lambda r: r["turn"])
            dialogues[dialogue] = tuple((r["role"], r["text"]) for r in members)
            for index, r in enumerate(members):
                turns[r["id"]] = (dialogue, index)
        self._turns[file], self._dialogues[file] = turns, dialogues


def labelled_replies(path: Path, corpus: Corpus) -> Iterator[LabelledReply]:
    """The labelled replies of a file, ValueError with file:line for a bad line."""
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if isinstance(row, dict) and "meta" in row:
                    continue
                if not isinstance(row, dict):
                    raise ValueError("each line is a JSON object")
                dialogue, index = (), 0
                if isinstance(row.get("file"), str):
                    dialogue, index = corpus.turn(row["file"], str(row.get("id")))
                    text = dialogue[index][1]
                elif isinstance(row.get("text"), str):
                    text = row["text"]
                else:
                    raise ValueError("each line needs a string 'text' (or 'file' and 'id' of a corpus turn)")
                expect = row.get("expect", [])
                if not isinstance(expect, list):
                    raise ValueError("'expect' must be a list")
                yield LabelledReply(str(row.get("id", number)), text, row.get("channel", "chat"),
                                    row.get("position", "middle"), tuple(_expected(i, text) for i in expect), number,
                                    dialogue, index)
            except (ValueError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: not a labelled reply ({exc})") from None


def evaluate(checker: Checker, path: Path, corpus: Path | None = None) -> Report:
    report = Report()
    elements = rule_elements(checker)
    conversations: dict[tuple, dict[int, tuple]] = {}  # dialogue -> turn index -> diagnostics
    for reply in labelled_replies(path, Corpus(corpus)):
        try:
            if reply.dialogue:
                key = (reply.dialogue, reply.channel)
                if key not in conversations:
                    conversations[key] = {i: result.diagnostics for i, _, _, result
                                          in check_conversation(checker, list(reply.dialogue), reply.channel)}
                diagnostics = conversations[key].get(reply.index, ())
            else:
                diagnostics = checker.check(reply.text, reply.channel, reply.position).diagnostics
        except InputError as exc:
            raise ValueError(f"{path}:{reply.line}: not a labelled reply ({exc})") from None
        score_reply(diagnostics, reply, report, elements)
    return report
