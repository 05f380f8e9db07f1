"""End to end: the `cslint` command run in a subprocess, as a user or a script would run it.

Inputs are written here or kept in tests/cli/fixtures; every expected value below comes from
those inputs (offsets counted by hand, labels written by hand), not from the checker's output.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEV_EXAMPLES = ROOT.parent / "shared" / "spec" / "dev-examples.jsonl"


@dataclass
class Run:
    status: int
    out: str
    err: str
    raw: bytes


def cslint(*args: str | Path, stdin: str | bytes = b"") -> Run:
    env = {k: v for k, v in os.environ.items() if k != "CSLINT_PACKS"}
    env["PYTHONUTF8"] = "1"
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    proc = subprocess.run([sys.executable, "-m", "cslint", *map(str, args)], input=data,
                          capture_output=True, cwd=ROOT, env=env, timeout=120)
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    # strict: whatever the input held (lone surrogates included), the output is valid UTF-8
    return Run(proc.returncode, proc.stdout.decode("utf-8"), err, proc.stdout)


def blocks(out: str) -> list[list[str]]:
    """The diagnostic blocks of the text format (the summary line is the last chunk)."""
    return [chunk.splitlines() for chunk in out.strip().split("\n\n")][:-1]


def block_for(out: str, header_start: str) -> list[str]:
    found = [b for b in blocks(out) if b[0].startswith(header_start)]
    assert len(found) == 1, out
    return found[0]


# --- check: text format ---------------------------------------------------------------------------

def test_text_format_points_at_the_phrase_on_traditional_and_emoji_lines():
    # replies.txt line 2: 這個我不知道，請稍等   (Traditional; 不知道 is code points 3..6 of the line)
    #             line 3: 😀😀 你好！稍等哦😂   (你好 after two emoji and a space: code points 3..5)
    path = "tests/cli/fixtures/replies.txt"
    run = cslint("check", path)
    assert run.status == 1, run.err
    ignorance = block_for(run.out, f"{path}:2:4: error [forbidden/declares-ignorance] ")
    assert ignorance[1] == "    這個我不知道，請稍等"
    assert ignorance[2] == "    " + " " * 6 + "^" * 6  # 這個我 = 6 columns; 不知道 = 6 columns
    assert ignorance[3].startswith("  改写: “這個我不知道” → ")
    greeting = block_for(run.out, f"{path}:3:4: warning [honorific/ni-instead-of-nin] ")
    assert greeting[1] == "    😀😀 你好！稍等哦😂"
    assert greeting[2] == "    " + " " * 5 + "^" * 4  # two wide emoji + a space; 你好 = 4 columns
    assert greeting[3].startswith("  修正: 您好")
    assert run.out.rstrip().endswith("2 个问题 (error 1, warning 1)，其中 1 个可用 --fix 自动修复")


def test_stdin_is_named_and_an_insertion_point_gets_one_caret():
    run = cslint("check", "--position", "closing", stdin="好的，已经为您处理了")
    assert run.status == 1
    block = block_for(run.out, "<stdin>:1:11: warning [courtesy/missing-closing] ")
    assert block[2] == "    " + " " * 20 + "^"  # after 10 wide characters
    run = cslint("check", "-", stdin="你好")
    assert run.out.startswith("<stdin>:1:1: warning [honorific/ni-instead-of-nin]")


def test_clean_and_empty_input_print_nothing_and_exit_0(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    run = cslint("check", empty)
    assert (run.status, run.out, run.err) == (0, "", "")
    run = cslint("check", stdin="您好，您的订单已经发货了")
    assert (run.status, run.out) == (0, "")


def test_control_characters_emoji_and_mixed_scripts_do_not_crash(tmp_path):
    odd = tmp_path / "odd.txt"
    odd.write_text("\x1b[31m你好\x00 hello 世界 👨\u200d👩\u200d👧 ｈｅｌｌｏ\t喂\u202e", encoding="utf-8")
    run = cslint("check", odd)
    assert run.status == 1
    assert "odd.txt:1:6: warning [honorific/ni-instead-of-nin]" in run.out  # \x1b [ 3 1 m = 5
    assert "\x1b" not in run.out and "\x00" not in run.out and "\u202e" not in run.out


# --- check: json and jsonl ----------------------------------------------------------------------

def test_json_format_offsets_index_the_text(tmp_path):
    one = tmp_path / "one.txt"
    two = tmp_path / "two.txt"
    one.write_text("你好，你的快递到了", encoding="utf-8")
    two.write_text("😀😀 这个我不知道", encoding="utf-8")
    run = cslint("check", "--format", "json", one, two)
    assert run.status == 1
    doc = json.loads(run.out)
    assert [item["path"] for item in doc] == [str(one), str(two)]
    texts = {str(one): one.read_text("utf-8"), str(two): two.read_text("utf-8")}
    for item in doc:
        for diag in item["diagnostics"]:
            assert texts[item["path"]][diag["start"]:diag["end"]] == diag["text"]
            assert set(diag) >= {"rule_id", "category", "severity", "start", "end", "text", "message", "suggestions"}
    spans = [(d["start"], d["end"], d["text"]) for d in doc[0]["diagnostics"]]
    assert spans == [(0, 2, "你好"), (3, 5, "你的")]
    assert doc[0]["fixed"] == "您好，您的快递到了"
    assert [(d["start"], d["end"]) for d in doc[1]["diagnostics"]] == [(6, 9)]  # 😀😀␠这个我 = 6


def test_jsonl_format_is_one_line_per_input():
    run = cslint("check", "--format", "jsonl", "-", stdin="你好")
    lines = run.out.splitlines()
    assert len(lines) == 1
    item = json.loads(lines[0])
    assert item["path"] == "<stdin>" and item["fixed"] == "您好"
    assert item["diagnostics"][0]["suggestions"] == ["您好"]


# --- check: --fix and --fail-on -----------------------------------------------------------------

def test_fix_prints_the_rewritten_reply_and_exits_by_what_is_left():
    run = cslint("check", "--fix", stdin="你好，你的快递到了")
    assert (run.status, run.out) == (0, "您好，您的快递到了")
    run = cslint("check", "--fix", stdin="你好，这个我不知道")  # 不知道 has advice only
    assert (run.status, run.out) == (1, "您好，这个我不知道")
    assert "剩余 1 个问题 (error 1)" in run.err


def test_unsafe_fixes_only_on_request():
    reply = "这批货包装得一塌糊涂"  # dialect-expression: info, unsafe rewrite to 很不理想
    run = cslint("check", "--fix", stdin=reply)
    assert (run.status, run.out) == (1, reply)
    run = cslint("check", "--fix", "--unsafe-fixes", stdin=reply)
    assert (run.status, run.out) == (0, "这批货包装得很不理想")


@pytest.mark.parametrize("reply,fail_on,status", [
    ("您好，您的订单已经发货了", "info", 0),
    ("你好", "info", 1),  # warning
    ("你好", "warning", 1),
    ("你好", "error", 0),
    ("这批货包装得一塌糊涂", "info", 1),  # info
    ("这批货包装得一塌糊涂", "warning", 0),
    ("这个我不知道", "error", 1),  # error
])
def test_fail_on(reply, fail_on, status):
    assert cslint("check", "--fail-on", fail_on, "--format", "json", stdin=reply).status == status


def test_fix_with_several_inputs_in_text_format_is_a_usage_error(tmp_path):
    (tmp_path / "a.txt").write_text("你好", encoding="utf-8")
    run = cslint("check", "--fix", tmp_path / "a.txt", tmp_path / "a.txt")
    assert run.status == 2 and "--format json" in run.err


# --- check: jsonl input -------------------------------------------------------------------------

def test_jsonl_input_survives_bad_lines_and_keeps_surrogate_offsets(tmp_path):
    lines = [
        json.dumps({"id": "ok", "text": "你好，你的快递到了", "position": "middle"}),
        '{"id": "broken", "text": ',
        r'{"id": "lone", "text": "\ud800喂，这个我不知道"}',
        json.dumps({"id": "long", "text": "您" * 31}),
        json.dumps({"id": "number", "text": 7}),
        json.dumps({"id": "closing", "text": "好的，已经为您处理了", "position": "closing"}),
    ]
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    run = cslint("check", "--input-format", "jsonl", "--format", "jsonl", "--max-chars", "30", batch)
    assert run.status == 2
    rows = [json.loads(line) for line in run.out.splitlines()]
    assert [row["id"] for row in rows] == ["ok", None, "lone", "long", "number", "closing"]
    assert rows[0]["fixed"] == "您好，您的快递到了"
    assert f"{batch}:2: invalid JSON" in rows[1]["error"]
    assert "limit is 30" in rows[3]["error"]
    assert '"text" must be a string' in rows[4]["error"]
    lone = rows[2]
    assert "error" not in lone
    text = "\ud800喂，这个我不知道"
    assert lone["fixed"] == "\ud800您好，这个我不知道"  # 喂 → 您好 is a fix; the surrogate comes back intact
    assert [(d["start"], d["end"], d["rule_id"]) for d in lone["diagnostics"]] == [
        (1, 2, "wei-as-greeting"), (6, 9, "declares-ignorance")]
    for diag in lone["diagnostics"]:
        assert text[diag["start"]:diag["end"]] == diag["text"]
    assert rb"\ud800" in run.raw  # escaped on the wire, so the output stays valid UTF-8
    assert rows[5]["diagnostics"][0]["rule_id"] == "missing-closing"  # per-line position
    assert f"{batch}:2: invalid JSON" in run.err  # errors are also reported on stderr


def test_jsonl_input_with_text_output_names_records_by_id():
    line = json.dumps({"id": "t-1", "text": "你好"}) + "\n" + "not json\n"
    run = cslint("check", "--input-format", "jsonl", stdin=line)
    assert run.status == 2
    assert run.out.startswith("t-1:1:1: warning [honorific/ni-instead-of-nin]")
    assert "<stdin>:2: invalid JSON" in run.err


# --- check: bad input and bad packs -------------------------------------------------------------

def test_invalid_utf8_is_reported_with_its_byte_offset_and_other_files_are_checked(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes("你好".encode("utf-8") + b"\xff tail")  # 你好 is 6 bytes
    good = tmp_path / "good.txt"
    good.write_text("你好", encoding="utf-8")
    run = cslint("check", bad, good)
    assert run.status == 2
    assert f"{bad}: not valid UTF-8 at byte offset 6" in run.err
    assert f"{good}:1:1: warning" in run.out


def test_missing_file_and_too_long_text(tmp_path):
    run = cslint("check", tmp_path / "nope.txt")
    assert run.status == 2 and "nope.txt: cannot read: No such file" in run.err
    long = tmp_path / "long.txt"
    long.write_text("您" * 11, encoding="utf-8")
    run = cslint("check", "--max-chars", "10", long)
    assert run.status == 2 and "limit is 10" in run.err
    assert cslint("check", "--max-chars", "11", long).status == 0


def test_broken_pack_names_the_file_and_line():
    pack = FIXTURES / "broken-pack.yaml"
    line = pack.read_text("utf-8").splitlines().index("    severity: loud") + 1
    run = cslint("check", "--pack", pack, stdin="你好")
    assert run.status == 2
    assert f"broken-pack.yaml:{line}:" in run.err and "severity" in run.err


def test_pack_given_by_path_replaces_the_default():
    run = cslint("check", "--pack", FIXTURES / "muyou-pack.yaml", "--format", "json", stdin="你好，这款木有货了")
    diags = json.loads(run.out)[0]["diagnostics"]
    assert [(d["rule_id"], d["start"], d["end"]) for d in diags] == [("says-muyou", 5, 7)]


def test_unknown_pack_and_bad_option_exit_2():
    assert cslint("check", "--pack", "no-such-pack", stdin="你好").status == 2
    assert cslint("check", "--channel", "fax", stdin="你好").status == 2


# --- rules --------------------------------------------------------------------------------------

def test_rules_list_shows_each_effective_rule_with_its_pack():
    run = cslint("rules", "list", "--pack", "telecom")
    assert run.status == 0
    rows = {line.split()[0]: line.split()[:5] for line in run.out.splitlines()[1:]}
    assert rows["ni-instead-of-nin"] == ["ni-instead-of-nin", "honorific", "warning", "phrase", "default"]
    assert rows["jargon-telecom"] == ["jargon-telecom", "jargon", "warning", "phrase", "telecom"]


def test_rules_show_and_unknown_id():
    pack = FIXTURES / "muyou-pack.yaml"
    run = cslint("rules", "show", "says-muyou", "--pack", pack)
    assert run.status == 0
    assert "请说“没有”" in run.out and "kind:        phrase" in run.out
    line = pack.read_text("utf-8").splitlines().index("  - id: says-muyou") + 1
    assert f"muyou-pack.yaml:{line}" in run.out  # where the rule is declared
    assert "这款[[木有]]货了  ->  这款没有货了" in run.out
    run = cslint("rules", "show", "no-such-rule")
    assert run.status == 2 and "no-such-rule" in run.err


def test_rules_test_passes_and_fails():
    run = cslint("rules", "test", FIXTURES / "muyou-pack.yaml")
    assert run.status == 0 and "muyou 0.2.0: 1 rule, 2 examples checked, ok" in run.out
    failing = FIXTURES / "failing-pack.yaml"
    line = failing.read_text("utf-8").splitlines().index('        - text: "[[这款]]木有货了"') + 1
    run = cslint("rules", "test", failing)
    assert run.status == 1
    assert f"failing-pack.yaml:{line}: rule says-muyou: bad example flagged 2..4" in run.out
    assert "2 failed" in run.out


def test_rules_test_default_pack():
    run = cslint("rules", "test")
    assert run.status == 0, run.out
    assert re.search(r"^default \S+: \d+ rules, \d+ examples checked, ok$", run.out, re.M)


def test_rules_check():
    run = cslint("rules", "check", FIXTURES / "muyou-pack.yaml")
    assert (run.status, run.out) == (0, "ok: muyou 0.2.0, 1 rule\n")
    run = cslint("rules", "check", FIXTURES / "broken-pack.yaml")
    assert run.status == 2 and "broken-pack.yaml:8:" in run.err


# --- eval ---------------------------------------------------------------------------------------

def test_eval_table_on_a_hand_labelled_file():
    # labelled.jsonl: r1 two honorific hits, r2 one forbidden hit, r3 labelled clean but flagged
    # (one filler false positive), r4 expects a tone phrase nothing flags (one miss).
    run = cslint("eval", FIXTURES / "labelled.jsonl", "--show-errors")
    assert run.status == 0
    rows = {line.split()[0]: line.split()[1:] for line in run.out.splitlines() if line.strip()}
    order = [line.split()[0] for line in run.out.splitlines()[1:8]]
    assert order == ["forbidden", "tone", "jargon", "filler", "honorific", "courtesy", "overall"]
    assert rows["honorific"] == ["1.000", "1.000", "1.000", "2", "0", "2", "0"]
    assert rows["filler"][:2] == ["0.000", "1.000"] and rows["filler"][3:5] == ["0", "1"]
    assert rows["tone"][1] == "0.000" and rows["tone"][6] == "1"
    assert rows["overall"] == ["0.750", "0.750", "0.750", "3", "1", "3", "1"]
    assert "4 条回复" in run.out
    assert "filler/dialect-expression" in run.out and "漏报  tone: 已经" in run.out


def test_eval_json_and_bad_input(tmp_path):
    run = cslint("eval", FIXTURES / "labelled.jsonl", "--format", "json")
    report = json.loads(run.out)
    assert report["replies"] == 4
    assert list(report["categories"]) == ["forbidden", "tone", "jargon", "filler", "honorific", "courtesy"]
    assert report["overall"]["precision"] == 0.75
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "x", "text": "你好"}\n{oops\n', encoding="utf-8")
    run = cslint("eval", broken)
    assert run.status == 2 and f"{broken}:2:" in run.err
    assert cslint("eval", tmp_path / "missing.jsonl").status == 2


@pytest.mark.skipif(not DEV_EXAMPLES.exists(), reason="../shared/spec/dev-examples.jsonl is not here")
def test_eval_on_the_dev_examples_meets_the_targets():
    run = cslint("eval", DEV_EXAMPLES, "--pack", "default", "--pack", "telecom", "--pack", "textile",
                 "--format", "json")
    assert run.status == 0, run.err
    for category, counts in json.loads(run.out)["categories"].items():
        assert counts["precision"] >= 0.95, (category, counts)
        assert counts["recall"] >= 0.90, (category, counts)


# --- misc ---------------------------------------------------------------------------------------

def test_version():
    run = cslint("--version")
    assert (run.status, run.out.strip()) == (0, f"cslint {version('cslint')}")


def test_no_command_is_a_usage_error():
    run = cslint()
    assert run.status == 2 and "usage:" in run.err


def test_rules_check_refuses_a_rewrite_that_does_not_apply_cleanly(tmp_path):
    pack = tmp_path / "team.yaml"
    pack.write_text("""id: team
name: team
version: "1"
rules:
  - id: ticket-word
    category: jargon
    severity: warning
    kind: phrase
    message: 内部用语
    description: 团队内部用语
    terms: {工单: 工单记录}
    examples:
      bad: ["已经提交[[工单]]了"]
      good: [已经提交服务记录了]
""", encoding="utf-8")
    run = cslint("rules", "check", str(pack))
    assert run.status == 2
    assert "team.yaml:13: rule ticket-word: rewrite does not apply cleanly: the rule fires again" in run.err
    pack.write_text(pack.read_text(encoding="utf-8").replace("{工单: 工单记录}", "{工单: 服务记录}"), encoding="utf-8")
    assert cslint("rules", "check", str(pack)).status == 0
