"""A team pack adapts a shipped pack without forking it: severities, disabled rules, extra
phrases for an existing rule, its own rules, allowed phrases (tests/fixtures/packs/team)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cslint.checker import Checker
from cslint.packs import load_pack

TEAM = Path(__file__).resolve().parents[1] / "fixtures" / "packs" / "team" / "callcenter-a.yaml"


@pytest.fixture(scope="module")
def team() -> Checker:
    return Checker([load_pack(str(TEAM))])


def found(checker: Checker, text: str) -> list[tuple[str, str, str]]:
    return [(d.rule_id, d.text, d.severity.value) for d in checker.check(text).diagnostics]


def test_extra_phrases_join_an_existing_rule(team):
    assert found(team, "您可以办理携转，或者挑个靓号") == [("jargon-telecom", "携转", "warning"), ("jargon-telecom", "靓号", "warning")]
    assert found(team, "您可以办理携号转网") == [("jargon-telecom", "携号转网", "warning")]  # the pack's own terms stay


def test_severity_change_disabled_rule_and_own_rule(team):
    assert found(team, "你好，我在BOSS系统里查一下") == [("ni-instead-of-nin", "你好", "info"),
                                                  ("callcenter-a-no-internal-ids", "BOSS系统", "warning")]
    assert found(team, "这个这个，订单已发货") == []  # repeated-filler is disabled for this team
    assert found(Checker.from_packs(["telecom"]), "这个这个，订单已发货")  # ...but not in telecom itself


def test_an_allowed_phrase_cancels_the_hits_it_covers(team):
    assert found(team, "您的工单号是123") == []
    assert found(team, "已为您提交工单") == [("jargon-ticket", "工单", "warning")]
    assert found(Checker.from_packs(["telecom"]), "您的工单号是123")  # allowed only in the team pack


def test_allowed_phrases_are_inherited(tmp_path):
    child = tmp_path / "child.yaml"
    child.write_text(f"id: child\nname: child\nversion: '1'\nextends: ['{TEAM}']\nallow: [回访]\nrules: []\n", encoding="utf-8")
    checker = Checker([load_pack(str(child))])
    assert found(checker, "您的工单号是123，稍后回访") == []
    assert found(checker, "已为您提交工单") == [("jargon-ticket", "工单", "warning")]


def test_rules_list_says_where_each_rule_came_from_and_what_changed():
    listing = subprocess.run([sys.executable, "-m", "cslint", "rules", "list", "--pack", str(TEAM)],
                             capture_output=True, text=True, check=True).stdout
    lines = {line.split()[0]: line for line in listing.splitlines()[1:]}
    assert "repeated-filler" not in lines
    assert "telecom (telecom.yaml:" in lines["jargon-telecom"] and "+2 terms (callcenter-a.yaml:13)" in lines["jargon-telecom"]
    assert "severity info (callcenter-a.yaml:11)" in lines["ni-instead-of-nin"]
    assert "callcenter-a (callcenter-a.yaml:18)" in lines["callcenter-a-no-internal-ids"]


def test_rules_test_runs_a_team_packs_examples(tmp_path):
    run = subprocess.run([sys.executable, "-m", "cslint", "rules", "test", str(TEAM)], capture_output=True, text=True)
    assert run.returncode == 0 and "callcenter-a" in run.stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text(TEAM.read_text(encoding="utf-8").replace('good: ["我帮您在系统里查一下"]', 'good: ["我在CRM里查一下"]'),
                      encoding="utf-8")
    failed = subprocess.run([sys.executable, "-m", "cslint", "rules", "test", str(broken)], capture_output=True, text=True)
    assert failed.returncode == 1 and "CRM" in failed.stdout + failed.stderr
