"""Score a checker against labelled replies (the dev-examples format).

Each line: {"id", "text", "channel", "position", "expect": [{"category", "phrase"}]}.
A diagnostic is a true positive when its category equals an expected item's and its span
overlaps an occurrence of the expected phrase. Courtesy items whose phrase is "" are matched one
to one by category on the reply (a reply missing two elements needs two diagnostics).
An expected item is found when some diagnostic of its category overlaps its phrase.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .checker import Checker
from .errors import InputError
from .model import Category, Diagnostic


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


@dataclass
class Report:
    by_category: dict[str, Counts] = field(default_factory=lambda: {c.value: Counts() for c in Category})
    errors: list[dict] = field(default_factory=list)  # per reply: false positives and misses
    replies: int = 0

    @property
    def overall(self) -> Counts:
        total = Counts()
        for counts in self.by_category.values():
            total.tp += counts.tp
            total.fp += counts.fp
            total.found += counts.found
            total.missed += counts.missed
        return total


def _occurrences(text: str, phrase: str) -> list[tuple[int, int]]:
    spans, pos = [], text.find(phrase)
    while phrase and pos != -1:
        spans.append((pos, pos + len(phrase)))
        pos = text.find(phrase, pos + 1)
    return spans


def _overlaps(diag: Diagnostic, spans: list[tuple[int, int]]) -> bool:
    return any(diag.start < e and s < diag.end or (diag.start == diag.end and s <= diag.start <= e) for s, e in spans)


def score_reply(diagnostics: Iterable[Diagnostic], text: str, expect: list[dict], report: Report, reply_id: str) -> None:
    diagnostics = list(diagnostics)
    matched_diag = [False] * len(diagnostics)
    misses = []
    for item in expect:
        category, phrase = item["category"], item.get("phrase", "")
        counts = report.by_category.setdefault(category, Counts())
        if not phrase:
            # one-to-one by category on the reply
            index = next((i for i, d in enumerate(diagnostics) if not matched_diag[i] and d.category.value == category), None)
            if index is None:
                counts.missed += 1
                misses.append(item)
            else:
                matched_diag[index] = True
                counts.found += 1
            continue
        spans = _occurrences(text, phrase)
        hits = [i for i, d in enumerate(diagnostics) if d.category.value == category and _overlaps(d, spans)]
        if hits:
            counts.found += 1
            for i in hits:
                matched_diag[i] = True
        else:
            counts.missed += 1
            misses.append(item)
    false_positives = []
    for diag, matched in zip(diagnostics, matched_diag):
        counts = report.by_category.setdefault(diag.category.value, Counts())
        if matched:
            counts.tp += 1
        else:
            counts.fp += 1
            false_positives.append(diag)
    if misses or false_positives:
        report.errors.append({
            "id": reply_id,
            "text": text,
            "missed": misses,
            "false_positives": [{"rule_id": d.rule_id, "category": d.category.value, "text": d.text, "start": d.start} for d in false_positives],
        })


def _validate(row: object) -> tuple[str, list[dict]]:
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        raise ValueError("each line needs a string 'text'")
    expect = row.get("expect", [])
    if not isinstance(expect, list) or not all(
        isinstance(item, dict) and isinstance(item.get("category"), str)
        and isinstance(item.get("phrase", ""), str) for item in expect
    ):
        raise ValueError("'expect' must be a list of {category, phrase}")
    return row["text"], expect


def evaluate(checker: Checker, path: Path) -> Report:
    report = Report()
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                text, expect = _validate(row)
                result = checker.check(text, row.get("channel", "chat"), row.get("position", "middle"))
            except (ValueError, KeyError, TypeError, AttributeError, InputError) as exc:
                raise ValueError(f"{path}:{number}: not a labelled reply ({exc})") from None
            report.replies += 1
            score_reply(result.diagnostics, text, expect, report, str(row.get("id", number)))
    return report
