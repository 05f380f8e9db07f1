"""`cslint check --format sarif|github|junit`: the CI formats, run as a CI job would run them.

SARIF output is validated against the OASIS SARIF 2.1.0 schema (tests/fixtures/sarif) with
jsonschema; GitHub workflow commands are parsed back and unescaped; JUnit XML is parsed with
xml.etree. Expected lines and columns are counted by hand from the inputs written here.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MUYOU = FIXTURES / "muyou-pack.yaml"  # one rule: 木有 -> 没有, a safe fix, severity info
SCHEMA = json.loads((ROOT / "tests" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


@dataclass
class Run:
    status: int
    out: str
    err: str


def cslint(*args: str | Path, stdin: str = "", cwd: Path = ROOT) -> Run:
    env = {k: v for k, v in os.environ.items() if k != "CSLINT_PACKS"}
    env["PYTHONUTF8"] = "1"
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run([sys.executable, "-m", "cslint", *map(str, args)], input=stdin.encode("utf-8"),
                          capture_output=True, cwd=cwd, env=env, timeout=120)
    err = proc.stderr.decode("utf-8")
    assert "Traceback" not in err, err
    return Run(proc.returncode, proc.stdout.decode("utf-8"), err)


def validate_sarif(text: str) -> dict:
    doc = json.loads(text)
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    return doc


# --- SARIF ----------------------------------------------------------------------------------------

def test_sarif_counts_columns_in_code_points_past_an_emoji(tmp_path):
    # line 1: 您好                      line 2: 😀😀 这款木有货了
    # 木有 is code points 5..7 of line 2 (two emoji, a space, 这款), so columns 6 to 8;
    # in UTF-16 code units, which SARIF assumes unless told otherwise, it would be 8 to 10.
    reply = tmp_path / "macro.txt"
    reply.write_text("您好\n😀😀 这款木有货了\n", encoding="utf-8")
    run = cslint("check", "--pack", MUYOU, "--format", "sarif", "macro.txt", cwd=tmp_path)
    assert run.status == 1, run.err
    doc = validate_sarif(run.out)
    assert doc["version"] == "2.1.0"
    (sarif_run,) = doc["runs"]
    assert sarif_run["columnKind"] == "unicodeCodePoints"
    (result,) = sarif_run["results"]
    assert result["ruleId"] == "says-muyou"
    assert result["level"] == "note"  # severity info
    assert result["message"]["text"] == "请说“没有”"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "macro.txt"
    assert {k: location["region"][k] for k in ("startLine", "startColumn", "endLine", "endColumn")} == {
        "startLine": 2, "startColumn": 6, "endLine": 2, "endColumn": 8}
    # the safe fix, as a replacement of the same region
    (fix,) = result["fixes"]
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "macro.txt"
    (replacement,) = change["replacements"]
    assert replacement["insertedContent"]["text"] == "没有"
    assert replacement["deletedRegion"]["startColumn"] == 6 and replacement["deletedRegion"]["endColumn"] == 8
    # the rule, described once, from the pack
    (rule,) = sarif_run["tool"]["driver"]["rules"]
    assert rule == {"id": "says-muyou", "shortDescription": {"text": "请说“没有”"},
                    "defaultConfiguration": {"level": "note"},
                    "properties": {"category": "filler", "tags": ["filler"]}}
    assert result["ruleIndex"] == 0
    assert sarif_run["tool"]["driver"]["name"] == "cslint"
    assert "informationUri" not in sarif_run["tool"]["driver"]


def test_sarif_levels_rules_once_and_proposals_are_not_fixes():
    # the default pack: 不知道 is an error whose rewrite is a proposal (not a fix); 你好 -> 您好 is a
    # safe fix of a warning; the same rule twice is described once
    run = cslint("check", "--format", "sarif", stdin="不知道。你好，我也不知道")
    doc = validate_sarif(run.out)
    (sarif_run,) = doc["runs"]
    by_rule: dict[str, list[dict]] = {}
    for result in sarif_run["results"]:
        by_rule.setdefault(result["ruleId"], []).append(result)
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "stdin"
    rules = sarif_run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(by_rule)  # each rule once, in order of first finding
    ignorance = by_rule["declares-ignorance"]
    assert len(ignorance) == 2 and all(r["level"] == "error" and "fixes" not in r for r in ignorance)
    assert [r["locations"][0]["physicalLocation"]["region"]["startColumn"] for r in ignorance] == [1, 10]
    (hello,) = by_rule["ni-instead-of-nin"]
    assert hello["level"] == "warning"
    assert hello["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == "您好"
    for rule in rules:  # a rule's default level is its severity, which its results carry
        assert {r["level"] for r in by_rule[rule["id"]]} == {rule["defaultConfiguration"]["level"]}
    # --unsafe-fixes makes the proposal a fix too
    unsafe = validate_sarif(cslint("check", "--format", "sarif", "--unsafe-fixes", stdin="不知道。").out)
    assert unsafe["runs"][0]["results"][0]["fixes"]


def test_sarif_of_a_clean_reply_and_of_an_unreadable_file_is_still_valid(tmp_path):
    clean = validate_sarif(cslint("check", "--format", "sarif", stdin="您好，请问有什么可以帮您？").out)
    assert clean["runs"][0]["results"] == []
    assert clean["runs"][0]["invocations"] == [{"executionSuccessful": True}]
    run = cslint("check", "--format", "sarif", tmp_path / "missing.txt")
    assert run.status == 2
    doc = validate_sarif(run.out)
    (invocation,) = doc["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert "missing.txt" in invocation["toolExecutionNotifications"][0]["message"]["text"]


def test_sarif_uris_are_percent_encoded_relative_paths(tmp_path):
    folder = tmp_path / "话术 库"
    folder.mkdir()
    (folder / "退款#1.txt").write_text("木有", encoding="utf-8")
    doc = validate_sarif(cslint("check", "--pack", MUYOU, "--format", "sarif", "话术 库/退款#1.txt", cwd=tmp_path).out)
    uri = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "%E8%AF%9D%E6%9C%AF%20%E5%BA%93/%E9%80%80%E6%AC%BE%231.txt"


# --- GitHub workflow commands ---------------------------------------------------------------------

def unescape_data(value: str) -> str:
    return value.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_property(value: str) -> str:
    return value.replace("%3A", ":").replace("%2C", ",").replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    assert line.startswith("::")
    head, message = line[2:].split("::", 1)
    level, _, props = head.partition(" ")
    fields = dict(p.split("=", 1) for p in props.split(",")) if props else {}
    return level, {k: unescape_property(v) for k, v in fields.items()}, unescape_data(message)


PERCENT_PACK = """\
id: percent
name: percent
version: 0.1.0
description: a message with the characters workflow commands escape
rules:
  - id: says-muyou
    category: filler
    severity: error
    kind: phrase
    message: "100% 不要说: 木有,\\n请说“没有”"
    description: test
    terms: {木有: 没有}
    fix: safe
    examples:
      bad:
        - text: 这款[[木有]]货了
          fixed: 这款没有货了
      good:
        - 这款没有货了
"""


def test_github_annotations_escape_what_the_runner_would_split_on(tmp_path):
    pack = tmp_path / "percent.yaml"
    pack.write_text(PERCENT_PACK, encoding="utf-8")
    name = "a,b:c.txt"  # a comma and a colon in a property value must be escaped
    (tmp_path / name).write_text("第一行\r\n😀这款木有货了\n", encoding="utf-8")
    run = cslint("check", "--pack", pack, "--format", "github", name, cwd=tmp_path)
    assert run.status == 1, run.err
    lines = run.out.splitlines()
    assert len(lines) == 1  # the newline in the message is escaped, not written
    assert "file=a%2Cb%3Ac.txt," in lines[0]
    level, fields, message = parse_command(lines[0])
    assert level == "error"
    # 木有 after 😀这款: code points 3..5 of line 2
    assert fields == {"file": name, "line": "2", "col": "4", "endLine": "2", "endColumn": "6", "title": "says-muyou"}
    assert message.startswith("[filler] 100% 不要说: 木有,\n请说“没有”\n修正: 没有")


def test_github_levels_and_unreadable_files(tmp_path):
    run = cslint("check", "--format", "github", stdin="你好，这个不知道")
    levels = {parse_command(line)[1]["title"]: parse_command(line)[0] for line in run.out.splitlines()}
    assert levels["ni-instead-of-nin"] == "warning" and levels["declares-ignorance"] == "error"
    assert all("file" not in parse_command(line)[1] for line in run.out.splitlines())  # stdin has no file
    info = cslint("check", "--pack", MUYOU, "--format", "github", stdin="木有")
    assert parse_command(info.out.strip())[0] == "notice"
    missing = cslint("check", "--format", "github", tmp_path / "missing.txt")
    assert missing.status == 2
    level, fields, message = parse_command(missing.out.strip())
    assert level == "error" and fields == {"title": "cslint"} and "missing.txt" in message


# --- JUnit XML ------------------------------------------------------------------------------------

def test_junit_has_a_suite_per_file_a_case_per_reply_and_a_failure_per_finding(tmp_path):
    (tmp_path / "bad.txt").write_text("你好，这个我不知道\x01", encoding="utf-8")  # a character XML 1.0 forbids
    (tmp_path / "good.txt").write_text("您好，请问有什么可以帮您？", encoding="utf-8")
    records = tmp_path / "macros.jsonl"
    records.write_text(json.dumps({"id": "r1", "text": "木有货了"}, ensure_ascii=False) + "\n"
                       + json.dumps({"id": "r2\x01", "text": "没有货了"}, ensure_ascii=False) + "\n", encoding="utf-8")
    run = cslint("check", "--format", "junit", "bad.txt", "good.txt", "missing.txt", cwd=tmp_path)
    assert run.status == 2  # missing.txt cannot be read
    root = ET.fromstring(run.out)
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert list(suites) == ["bad.txt", "good.txt", "missing.txt"]
    bad = suites["bad.txt"]
    (case,) = bad.findall("testcase")
    failures = case.findall("failure")
    assert {f.get("type") for f in failures} == {"ni-instead-of-nin", "declares-ignorance"}
    assert bad.get("tests") == "1" and bad.get("failures") == str(len(failures)) and bad.get("errors") == "0"
    assert any(f.text.startswith("bad.txt:1:1: warning [honorific/ni-instead-of-nin]") for f in failures)
    (good_case,) = suites["good.txt"].findall("testcase")
    assert list(good_case) == [] and suites["good.txt"].get("failures") == "0"
    (missing_case,) = suites["missing.txt"].findall("testcase")
    assert missing_case.find("error") is not None and suites["missing.txt"].get("errors") == "1"

    jsonl = cslint("check", "--pack", MUYOU, "--format", "junit", "--input-format", "jsonl", "macros.jsonl", cwd=tmp_path)
    (suite,) = ET.fromstring(jsonl.out).findall("testsuite")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    # an id XML cannot hold is written as a visible escape, and the document still parses
    assert list(cases) == ["r1", "r2\\u0001"] and suite.get("tests") == "2" and suite.get("failures") == "1"
    assert cases["r1"].find("failure").get("type") == "says-muyou" and cases["r2\\u0001"].find("failure") is None


@pytest.mark.parametrize("fmt", ["sarif", "github", "junit"])
def test_ci_formats_are_offered_by_check(fmt):
    run = cslint("check", "--help")
    assert fmt in run.out


# --- replies read from canned-reply files (lint.sources): positions in the file, not the reply ----

def formatted(fmt: str, paths: list[Path], allow=None) -> str:
    """The formatter's output for every reply of `paths`, checked with the default pack, each
    outcome carrying its lint.sources.Reply (as `cslint check PATH...` hands them over)."""
    import io

    from cslint.checker import Checker
    from cslint.model import Applicability
    from cslint.render import FORMATTERS, Outcome
    from cslint.sources import read_source

    checker = Checker.from_packs()
    out = io.StringIO()
    formatter = FORMATTERS[fmt](out, allow or Applicability.SAFE)
    for path in paths:
        for reply in read_source(str(path)).replies:
            result = checker.check(reply.text)
            formatter.handle(Outcome(name=str(path), ident=str(path), text=reply.text,
                                     diagnostics=result.diagnostics, fixed=result.fixed, reply=reply))
    formatter.stop()
    return out.getvalue()


def test_ci_formats_point_into_markdown_and_yaml_files(tmp_path):
    markdown = tmp_path / "macros.md"
    # paragraph 2 starts on line 3; 你好 is its characters 0..2
    markdown.write_text("# 退款\n\n你好，退款已经处理\n", encoding="utf-8")
    yaml_file = tmp_path / "macros.yaml"
    # the value of refund.reply on line 2; 你好 at column 10 (after `  reply: "`)
    yaml_file.write_text('refund:\n  reply: "你好，退款已经处理"\n', encoding="utf-8")

    doc = validate_sarif(formatted("sarif", [markdown, yaml_file]))
    results = doc["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["ni-instead-of-nin", "ni-instead-of-nin"]
    md, yml = (r["locations"][0] for r in results)
    assert md["physicalLocation"]["artifactLocation"]["uri"] == markdown.as_uri()
    assert {k: md["physicalLocation"]["region"][k] for k in ("startLine", "startColumn", "endColumn")} == {
        "startLine": 3, "startColumn": 1, "endColumn": 3}
    assert md["physicalLocation"]["region"]["charOffset"] == len("# 退款\n\n")
    assert results[0]["fixes"][0]["artifactChanges"][0]["replacements"][0]["deletedRegion"]["startLine"] == 3
    assert {k: yml["physicalLocation"]["region"][k] for k in ("startLine", "startColumn", "endColumn")} == {
        "startLine": 2, "startColumn": 11, "endColumn": 13}
    assert yml["logicalLocations"][0]["fullyQualifiedName"] == "refund.reply"
    assert "fixes" not in results[1]  # inside quotes a fix needs escaping: left to cslint check --fix

    (md_line, yml_line) = formatted("github", [markdown, yaml_file]).splitlines()
    assert parse_command(md_line)[1]["line"] == "3" and parse_command(yml_line)[1]["col"] == "11"
    assert parse_command(yml_line)[2].startswith("refund.reply: [honorific]")

    suites = ET.fromstring(formatted("junit", [markdown, yaml_file])).findall("testsuite")
    assert [s.get("name") for s in suites] == [str(markdown), str(yaml_file)]
    assert [c.get("name") for c in suites[1].findall("testcase")] == ["refund.reply"]
    assert suites[0].find("testcase/failure").text.startswith(f"{markdown}:3:1: warning")


def test_ci_formats_point_jsonl_records_at_their_line_and_name_them_by_id(tmp_path):
    """A record's place: the jsonl file and the line holding it (its columns are the JSON's, so
    the offsets in its text go in properties), named by its id; no fix into JSON text."""
    records = tmp_path / "macros.jsonl"
    lines = [json.dumps({"id": "ok", "text": "您好"}, ensure_ascii=False), "",
             json.dumps({"id": "refund-1", "text": "亲，木有货了"}, ensure_ascii=False)]
    records.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = cslint("check", "--pack", MUYOU, "--format", "sarif", "--input-format", "jsonl", "macros.jsonl", cwd=tmp_path)
    (result,) = validate_sarif(run.out)["runs"][0]["results"]
    (location,) = result["locations"]
    assert location == {"physicalLocation": {"artifactLocation": {"uri": "macros.jsonl"}, "region": {"startLine": 3}},
                        "logicalLocations": [{"name": "refund-1", "kind": "object"}]}
    assert result["properties"] == {"start": 2, "end": 4}  # 木有 in the record's text
    assert "fixes" not in result

    (annotation,) = cslint("check", "--pack", MUYOU, "--format", "github", "--input-format", "jsonl", "macros.jsonl",
                           cwd=tmp_path).out.splitlines()
    level, props, message = parse_command(annotation)
    assert props["file"] == "macros.jsonl" and props["line"] == "3" and "col" not in props
    assert message.startswith("refund-1: ")
