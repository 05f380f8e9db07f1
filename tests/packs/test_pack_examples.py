"""Every example of every rule of every shipped pack (LanguageTool's PatternRuleTest)."""
from __future__ import annotations

import pytest

from cslint.checker import Checker
from cslint.examples import check_rule_examples
from cslint.packs import available_packs, builtin_packs_dir, load_pack

SHIPPED = sorted(available_packs([builtin_packs_dir()]))
CASES = []
for pack_id in SHIPPED:
    pack = load_pack(pack_id, [builtin_packs_dir()])
    CASES += [(pack_id, rule.id) for rule in pack.rules if rule.pack_id == pack_id]


@pytest.fixture(scope="module")
def checkers() -> dict[str, Checker]:
    return {pack_id: Checker([load_pack(pack_id, [builtin_packs_dir()])]) for pack_id in SHIPPED}


def test_all_shipped_packs_are_listed():
    assert {"default", "telecom", "textile"} <= set(SHIPPED)


@pytest.mark.parametrize("pack_id,rule_id", CASES)
def test_rule_examples(checkers, pack_id, rule_id):
    checker = checkers[pack_id]
    failures = check_rule_examples(checker, checker.rule(rule_id))
    assert not failures, "\n".join(map(str, failures))


def test_default_pack_covers_every_category():
    pack = load_pack("default", [builtin_packs_dir()])
    assert {r.category.value for r in pack.rules} == {
        "forbidden", "tone", "jargon", "filler", "honorific", "courtesy"}


def test_examples_runner_catches_a_wrong_marker(tmp_path):
    pack = tmp_path / "p.yaml"
    pack.write_text(
        "id: p\nname: p\nversion: '1'\nrules:\n"
        "  - id: r\n    category: filler\n    severity: info\n    kind: phrase\n"
        "    message: m\n    description: d\n    terms: [木有]\n"
        "    examples:\n      bad: ['[[这款]]木有货']\n      good: [没有货]\n", encoding="utf-8")
    checker = Checker([load_pack(str(pack))])
    failures = check_rule_examples(checker, checker.rule("r"))
    assert failures and "expected 0..2" in str(failures[0])
