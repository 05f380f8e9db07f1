"""The scan's aggregates are kept once, in a `Tally`: partitions fill one, the merge adds them.
Adding is associative and order-preserving, so how a scan is cut into partitions never shows in
its outputs."""
from __future__ import annotations

import json
import random

import orjson

from cslint.scan.part import Part, decode, encode
from cslint.scan.tally import WORST_KEPT, Tally
from test_scan import outputs, scan, transcripts, write_jsonl

CATEGORIES = ("forbidden", "tone", "courtesy")
RULES = ("declares-ignorance", "ni-instead-of-nin", "no-greeting")


def random_tally(rng: random.Random, conversations: int) -> Tally:
    tally = Tally()
    for n in range(conversations):
        agent = rng.choice(["A1", "A2", "", "007"])
        date = rng.choice(["", "2024-03-01", "2024-03-02"])
        findings = rng.randint(0, 3)
        turns = rng.randint(1, 6)
        tally.count_conversation(turns * 2, turns, min(findings, turns), rng.randint(10, 400))
        score = float(100 - 10 * findings)
        tally.count_agent(agent, turns, score, date)
        for _ in range(findings):
            rule = rng.choice(RULES)
            tally.count_finding(agent, rule, rng.choice(CATEGORIES), rng.choice(["", "不知道", "你"]), date or None)
        if rng.random() < 0.1:
            tally.count_error()
        if findings:
            conversation = f"c{rng.randint(0, 10**6)}"
            tally.consider_worst(score, findings, conversation, f"t.jsonl:{n}",
                                 lambda: {"conversation": conversation, "score": score, "findings": findings,
                                          "source": f"t.jsonl:{n}", "turns": []})
    return tally


def as_json(tally: Tally) -> bytes:
    part = tally.to_part()
    return orjson.dumps({**part, "agents": dict(sorted(part["agents"].items())),
                         "phrases": sorted(part["phrases"])}, option=orjson.OPT_SORT_KEYS)


def test_adding_is_associative_and_keeps_the_worst():
    rng = random.Random(14)
    a, b, c = (random_tally(rng, 40) for _ in range(3))
    left = Tally().add(Tally().add(a).add(b)).add(c)
    right = Tally().add(a).add(Tally().add(b).add(c))
    assert as_json(left) == as_json(right)
    assert left.totals["conversations"] == 120
    assert left.totals["findings"] == sum(left.by_category.values()) == sum(left.by_rule.values())
    assert len(left.worst) == WORST_KEPT
    everyone = sorted(a.worst + b.worst + c.worst, key=lambda d: (d["score"], -d["findings"], d["conversation"]))
    assert [d["conversation"] for d in left.worst] == [d["conversation"] for d in everyone[:WORST_KEPT]]
    assert as_json(a) == as_json(Tally.from_part(json.loads(json.dumps(a.to_part()))))  # a part's round trip
    before = as_json(b)
    Tally().add(b).add(c)
    assert as_json(b) == before  # adding leaves the added tally as it was


def test_taking_a_finding_back_out_undoes_counting_it():
    tally = Tally()
    tally.count_conversation(4, 2, 1, 30)
    tally.count_agent("A1", 2, 100.0, "2024-03-01")
    base = as_json(tally)
    tally.count_finding("A1", "declares-ignorance", "forbidden", "不知道", "2024-03-02")
    tally.uncount_finding("A1", "declares-ignorance", "forbidden", "不知道", "2024-03-02")
    assert tally.totals["disputed"] == 1 and tally.totals["findings"] == 0
    tally.totals["disputed"] = 0
    assert tally.by_category == {} and tally.by_date_rule == {} and tally.phrases == {}
    assert tally.agents["A1"].by_date == {"2024-03-01": 0, "2024-03-02": 0}  # the days stay: the agent worked then
    tally.agents["A1"].by_date.pop("2024-03-02")
    assert as_json(tally) == base


def test_a_part_file_round_trips():
    rng = random.Random(3)
    part = Part(7, random_tally(rng, 20), [[0, ["A1"], [["abc", "2024-03-01"]]]],
                '{"id":"abc"}\n'.encode(), "c1,t.jsonl:1,A1\n".encode(), b"")
    again = decode(encode(part))
    assert (again.index, again.ledger, again.findings, again.conversations, again.errors) == \
        (7, part.ledger, part.findings, part.conversations, b"")
    assert as_json(again.tally) == as_json(part.tally)


def test_agents_daily_findings_in_the_summary(tmp_path):
    source = write_jsonl(tmp_path / "t.jsonl", transcripts(20))  # days 1..5, agent n % 4, every third one has 2 findings
    summary = scan([source], tmp_path / "out").summary
    a0 = next(a for a in summary["agents"] if a["agent"] == "A0")  # conversations 0, 4, 8, 12, 16 on days 1, 5, 4, 3, 2
    assert a0["by_date"] == {"2024-03-01": 2, "2024-03-02": 0, "2024-03-03": 2, "2024-03-04": 0, "2024-03-05": 0}
    assert sum(a0["by_date"].values()) == a0["findings"]
    plain = [{k: v for k, v in row.items() if k != "time"} for row in transcripts(4)]
    undated = scan([write_jsonl(tmp_path / "u.jsonl", plain)], tmp_path / "undated").summary
    assert all("by_date" not in a for a in undated["agents"])  # no timestamps: no daily figures


def test_partitions_of_any_size_give_the_same_outputs(tmp_path):
    rows = transcripts(90)
    for row in rows[::7]:
        row["agent_id"] = "B" if row["speaker"] == "坐席" else ""  # conversations answered by two agents
    source = write_jsonl(tmp_path / "t.jsonl", rows, {40: b"{oops"})
    scan([source], tmp_path / "whole")
    for size in (700, 2500, 9000):
        scan([source], tmp_path / f"cut{size}", partition_bytes=size, workers=2)
        assert outputs(tmp_path / f"cut{size}") == outputs(tmp_path / "whole")


def test_checking_in_batches_gives_the_same_outputs(tmp_path, monkeypatch):
    """A partition's conversations are checked a batch at a time, then counted: where batches
    end never shows."""
    import cslint.scan.partition as partition

    source = write_jsonl(tmp_path / "t.jsonl", transcripts(30), {11: b"{oops"})
    scan([source], tmp_path / "default")
    for rows in (1, 7):
        monkeypatch.setattr(partition, "BATCH_ROWS", rows)
        scan([source], tmp_path / f"batch{rows}")
        assert outputs(tmp_path / f"batch{rows}") == outputs(tmp_path / "default")
