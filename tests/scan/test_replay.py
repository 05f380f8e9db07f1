"""`cslint replay` end to end: a team pack adds a term; the replay over a made-up archive reports
exactly the new term's findings, the agents' score changes and a reproducible sample."""
from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.scan.test_scan import conversation, write_jsonl

NEW_TERM = "集包"
TEAM_PACK = f"""\
id: replay-team
name: 回放测试团队
version: "1"
description: 在 default 之上加一个物流术语。
extends: [default]
overrides:
  add_terms:
    jargon-logistics: {{{NEW_TERM}: 打包}}
"""


def archive(conversations: int = 30) -> list[dict]:
    """Agent A0 says the new term in every conversation, A1 in every third, A2 never; A3 says
    不知道 (a default finding) every other time."""
    rows = []
    for n in range(conversations):
        agent = f"A{n % 4}"
        says_term = agent == "A0" or (agent == "A1" and n % 3 == 0)
        middle = f"您的包裹正在{NEW_TERM}，明天发出" if says_term else "您的包裹明天发出"
        if agent == "A3" and n % 2:
            middle = "这个我不知道，你去问快递吧"
        replies = ["您好，请问有什么可以帮您？", middle, "还有其他问题吗？感谢您的耐心等待，祝您生活愉快"]
        rows += conversation(f"c{n:03d}", agent, replies, 1 + n % 5)
    return rows


TERM_TURNS = sum(NEW_TERM in row["content"] for row in archive())


def replay(tmp_path: Path, out: str, before: str, after: str, *extra: str) -> subprocess.CompletedProcess:
    source = tmp_path / "archive.jsonl"
    command = [sys.executable, "-m", "cslint", "replay", "--before", before, "--after", after, str(source),
               "--out", str(tmp_path / out), "--workers", "1", *extra]
    result = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert result.returncode == 0, result.stderr
    return result


def findings(directory: Path) -> dict[str, dict]:
    lines = (directory / "findings.jsonl").read_text(encoding="utf-8").splitlines()
    return {row["id"]: row for row in map(json.loads, lines)}


def agents(directory: Path) -> dict[str, float]:
    with open(directory / "agents.csv", encoding="utf-8-sig", newline="") as handle:
        return {row["agent"]: float(row["score"]) for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def replays(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess, subprocess.CompletedProcess]:
    tmp_path = tmp_path_factory.mktemp("replay")
    write_jsonl(tmp_path / "archive.jsonl", archive())
    (tmp_path / "team.yaml").write_text(TEAM_PACK, encoding="utf-8")
    team = str(tmp_path / "team.yaml")
    forward = replay(tmp_path, "forward", "default", team)
    backward = replay(tmp_path, "backward", team, "default")
    return tmp_path, forward, backward


def test_adding_a_term_adds_exactly_its_findings(replays):
    tmp_path, forward, _ = replays
    out = tmp_path / "forward"
    report = json.loads((out / "replay.json").read_text(encoding="utf-8"))
    before, after = findings(out / "before"), findings(out / "after")
    new = {i: f for i, f in after.items() if f["phrase"] == NEW_TERM}
    assert len(new) == TERM_TURNS == 8 + 2  # A0: conversations 0, 4, ..., 28; A1: 9 and 21
    assert {(f["conversation"], f["turn"]) for f in new.values()} == {(r["session_id"], r["seq"]) for r in archive()
                                                                       if NEW_TERM in r["content"]}
    assert report["totals"] == {"added": len(new), "removed": 0, "severity_changed": 0}
    assert set(before) <= set(after) and set(after) - set(before) == set(new)
    rules = {r["rule"]: r for r in report["rules"]}
    assert rules["jargon-logistics"]["added"] == len(new) and sorted(rules["jargon-logistics"]["added_ids"]) == sorted(new)
    assert all(r["removed"] == 0 and not r["removed_ids"] for r in report["rules"])
    assert all(r["added"] == 0 for r in report["rules"] if r["rule"] != "jargon-logistics")
    assert rules["declares-ignorance"]["before"] == rules["declares-ignorance"]["after"] > 0  # untouched, still listed
    sample = report["sample"]
    assert sample["size"] == 20 and len(sample["added"]) == len(new) and sample["removed"] == []
    assert all(f["phrase"] == NEW_TERM and NEW_TERM in f["context"] for f in sample["added"])
    assert f"新增 {len(new)} 个问题，消失 0 个" in forward.stdout
    assert f"【{NEW_TERM}】" in forward.stdout and f"jargon-logistics：+{TERM_TURNS} −0" in forward.stdout


def test_the_reverse_replay_reports_them_removed(replays):
    tmp_path, _, backward = replays
    report = json.loads((tmp_path / "backward" / "replay.json").read_text(encoding="utf-8"))
    forward = json.loads((tmp_path / "forward" / "replay.json").read_text(encoding="utf-8"))
    assert report["totals"] == {"added": 0, "removed": forward["totals"]["added"], "severity_changed": 0}
    removed = {i for r in report["rules"] for i in r["removed_ids"]}
    added = {i for r in forward["rules"] for i in r["added_ids"]}
    assert removed == added and all(f["phrase"] == NEW_TERM for f in report["sample"]["removed"])
    assert report["agents"]["up"] and not report["agents"]["down"]
    assert f"消失问题抽样（{TERM_TURNS}/{TERM_TURNS}" in backward.stdout


def test_agent_score_changes_match_the_two_agents_csv(replays):
    tmp_path, forward, _ = replays
    out = tmp_path / "forward"
    report = json.loads((out / "replay.json").read_text(encoding="utf-8"))
    old, new = agents(out / "before"), agents(out / "after")
    expected = {a: round(new[a] - old[a], 2) for a in old if round(new[a] - old[a], 2)}
    assert set(expected) == {"A0", "A1"} and all(change < 0 for change in expected.values())
    moves = report["agents"]
    assert moves["up"] == []
    assert [(m["agent"], m["change"]) for m in moves["down"]] == sorted(expected.items(), key=lambda item: item[1])
    for move in moves["down"]:
        assert (move["score_before"], move["score_after"]) == (old[move["agent"]], new[move["agent"]])
    assert moves["down"][0]["agent"] == "A0"  # says it in every conversation: moves most
    assert f"A0：{old['A0']:.2f} → {new['A0']:.2f}" in forward.stdout


def test_sample_is_reproducible_for_a_seed(replays):
    tmp_path, _, _ = replays
    team = str(tmp_path / "team.yaml")

    def sampled(seed: str) -> list[str]:
        replay(tmp_path, "forward", "default", team, "--sample", "4", "--seed", seed)  # reuses the finished scans
        report = json.loads((tmp_path / "forward" / "replay.json").read_text(encoding="utf-8"))
        assert report["sample"]["seed"] == int(seed) and report["totals"]["added"] == TERM_TURNS
        return [f["id"] for f in report["sample"]["added"]]

    first = sampled("7")
    assert len(first) == len(set(first)) == 4
    assert sampled("7") == first
    assert any(sampled(seed) != first for seed in ("8", "9", "10"))


def test_outputs_are_self_contained(replays):
    tmp_path, _, _ = replays
    for name in ("forward", "backward"):
        page = (tmp_path / name / "replay.html").read_text(encoding="utf-8")
        assert '<html lang="zh-CN">' in page and "新增问题抽样" in page and f"<mark>{NEW_TERM}</mark>" in page
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", page, re.I)
        assert "<script" not in page and "<link" not in page
        json.loads((tmp_path / name / "replay.json").read_text(encoding="utf-8"))


def test_an_edited_pack_is_scanned_afresh(tmp_path):
    """The pack file keeps its id, version and path; the replay must not reuse the old scan."""
    write_jsonl(tmp_path / "archive.jsonl", archive(8))
    team = tmp_path / "team.yaml"
    team.write_text(TEAM_PACK, encoding="utf-8")
    replay(tmp_path, "out", "default", str(team))
    first = json.loads((tmp_path / "out" / "replay.json").read_text(encoding="utf-8"))
    assert first["totals"]["added"] > 0
    team.write_text(TEAM_PACK.replace(NEW_TERM, "分拨"), encoding="utf-8")
    replay(tmp_path, "out", "default", str(team))
    second = json.loads((tmp_path / "out" / "replay.json").read_text(encoding="utf-8"))
    assert second["totals"] == {"added": 0, "removed": 0, "severity_changed": 0}
