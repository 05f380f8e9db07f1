"""Precision on real work: the hand-labelled sample of real agent turns (corpora/real-labels.jsonl,
texts in ../shared/corpora) and the dev examples meet the targets, and docs/precision.md is
current. Skipped when ../shared is absent (a clone without the shared data)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from cslint.checker import Checker
from cslint.evaluate import evaluate
from cslint.packs import builtin_packs_dir, load_packs
from cslint.precision import DOC, build

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
LABELS = ROOT / "corpora" / "real-labels.jsonl"
needs_shared = pytest.mark.skipif(not (SHARED / "corpora").is_dir(), reason="../shared is not here")


def test_the_label_file_holds_no_text():
    rows = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]
    meta, turns = rows[0]["meta"], rows[1:]
    assert len(turns) >= 300 and meta["seed"] and "labels_changed_after_seeing_the_checker" in meta
    for row in turns:
        assert set(row) == {"id", "file", "position", "channel", "expect"}
        assert all(set(item) in ({"category", "start", "end"}, {"category", "element"}) for item in row["expect"])


@needs_shared
def test_real_turns_meet_the_precision_targets():
    report = evaluate(Checker(load_packs(["default", "ecommerce"], [builtin_packs_dir()])), LABELS, SHARED / "corpora")
    for rule, counts in report.by_rule.items():
        if counts.tp + counts.fp >= 5:
            assert counts.precision >= 0.95, (rule, counts, report.errors)
    courtesy = report.by_category["courtesy"]
    assert courtesy.precision >= 0.95 and courtesy.recall >= 0.90, report.errors


@needs_shared
def test_dev_examples_stay_above_the_targets_in_every_category():
    checker = Checker(load_packs(["default", "telecom", "textile"], [builtin_packs_dir()]))
    report = evaluate(checker, SHARED / "spec" / "dev-examples.jsonl")
    for category, counts in report.by_category.items():
        assert counts.precision >= 0.95 and counts.recall >= 0.90, (category, report.errors)


@needs_shared
def test_precision_page_is_current():
    assert DOC.exists() and DOC.read_text(encoding="utf-8") == build(SHARED), \
        "docs/precision.md is stale: run `cslint precision --out docs/precision.md`"
