"""Tone as constructions: the labelled tone set (corpora/tone_labelled.jsonl, written before the
rules, half innocent uses) meets its targets with the default pack."""
from __future__ import annotations

from pathlib import Path

from cslint.checker import Checker
from cslint.evaluate import evaluate
from cslint.packs import builtin_packs_dir, load_packs

ROOT = Path(__file__).resolve().parents[2]


def test_tone_set_precision_and_recall():
    report = evaluate(Checker(load_packs(["default"], [builtin_packs_dir()])), ROOT / "corpora" / "tone_labelled.jsonl")
    tone = report.by_category["tone"]
    assert report.replies >= 80 and tone.found + tone.missed >= 40
    assert tone.precision >= 0.95 and tone.recall >= 0.90, report.errors
