"""Shipped packs: their Markdown references are current, and each scores well on its own
labelled examples (corpora/<pack>_labelled.jsonl)."""
from __future__ import annotations

from pathlib import Path

import pytest

from cslint.checker import Checker
from cslint.evaluate import evaluate
from cslint.packs import available_packs, builtin_packs_dir, load_pack
from cslint.ruledoc import pack_doc

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "rules"
SHIPPED = sorted(available_packs([builtin_packs_dir()]))
REGENERATE = f"cslint rules doc {' '.join(SHIPPED)} --out docs/rules"


@pytest.mark.parametrize("pack_id", SHIPPED)
def test_rule_reference_is_current(pack_id):
    path = DOCS / f"{pack_id}.md"
    assert path.exists(), f"docs/rules/{pack_id}.md is missing: run `{REGENERATE}`"
    current = pack_doc(load_pack(pack_id, [builtin_packs_dir()]))
    assert path.read_text(encoding="utf-8") == current, f"docs/rules/{pack_id}.md is stale: run `{REGENERATE}`"


def test_no_reference_for_a_pack_that_is_not_shipped():
    assert sorted(p.stem for p in DOCS.glob("*.md")) == SHIPPED


DOMAIN_PACKS = ["banking", "ecommerce", "telecom", "textile"]


@pytest.mark.parametrize("pack_id", DOMAIN_PACKS)
def test_domain_pack_scores_on_its_labelled_examples(pack_id):
    path = ROOT / "corpora" / f"{pack_id}_labelled.jsonl"
    assert pack_id in SHIPPED and path.exists()
    report = evaluate(Checker([load_pack(pack_id, [builtin_packs_dir()])]), path)
    overall = report.overall
    assert report.replies >= 20
    assert overall.precision >= 0.95 and overall.recall >= 0.95, report.errors
    assert report.by_category["jargon"].found >= 5  # the domain's jargon is really exercised
