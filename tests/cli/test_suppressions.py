"""Inline `cslint: disable` markers (lint/suppress.py) through the real CLI, in throw-away folders.

The reply 这个我不知道 raises declares-ignorance (forbidden, error) and nothing else.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_process import cslint

BAD = "这个我不知道"


def findings(tmp_path: Path, text: str, *args: str) -> tuple[int, list[tuple[int, str]]]:
    """Exit status and (line, rule id) of each finding of a file holding `text`."""
    path = tmp_path / "macro.txt"
    path.write_text(text, encoding="utf-8")
    proc = cslint(tmp_path, "check", "--isolated", "--format", "json", *args, path.name)
    (item,) = json.loads(proc.stdout)
    return proc.returncode, [(text.count("\n", 0, d["start"]) + 1, d["rule_id"]) for d in item["diagnostics"]]


def test_a_line_without_a_marker_is_reported(tmp_path):
    assert findings(tmp_path, f"{BAD}\n") == (1, [(1, "declares-ignorance")])


@pytest.mark.parametrize("text", [
    f"{BAD}  # cslint: disable=declares-ignorance\n",
    f"{BAD} <!-- cslint: disable=declares-ignorance -->\n",
    f"{BAD} // cslint: disable=tone, declares-ignorance\n",
    f"{BAD} # cslint: disable\n",
    f"# cslint: disable-next-line=declares-ignorance\n{BAD}\n",
    f"<!-- cslint: disable-next-line -->\n{BAD}\n",
])
def test_markers_in_each_comment_style_suppress(tmp_path, text):
    assert findings(tmp_path, text) == (0, [])


@pytest.mark.parametrize("text,line", [
    (f"{BAD}  # cslint: disable=ni-instead-of-nin\n", 1),  # another rule
    (f"# cslint: disable-next-line=declares-ignorance\n\n{BAD}\n", 3),  # not the next line
    (f"{BAD}\n# cslint: disable\n", 1),  # the marker is on the line after
    (f"{BAD}  # cslint: disable-next-line\n", 1),  # next-line does not cover its own line
])
def test_markers_cover_only_their_line_and_rules(tmp_path, text, line):
    assert findings(tmp_path, text) == (1, [(line, "declares-ignorance")])


def test_unused_markers_are_reported_and_fail_the_run(tmp_path):
    text = (f"{BAD}  # cslint: disable=declares-ignorance\n"
            "您好，请问还有什么可以帮您？ <!-- cslint: disable -->\n"
            f"{BAD} // cslint: disable=declares-ignorance,filler\n")
    assert findings(tmp_path, text) == (0, [])
    status, found = findings(tmp_path, text, "--report-unused-disables")
    assert found == [(2, "unused-disable"), (3, "unused-disable")]
    assert status == 1
    # it counts whatever --fail-on says
    assert findings(tmp_path, text, "--report-unused-disables", "--fail-on", "error")[0] == 1
    proc = cslint(tmp_path, "check", "--isolated", "--report-unused-disables", "macro.txt")
    lines = proc.stdout.splitlines()
    assert "macro.txt:2:21: warning [suppression/unused-disable]" in lines[0]
    assert any(line.startswith("macro.txt:3:") and "filler" in line and "declares-ignorance" not in line.split("]")[1]
               for line in lines)


def test_markers_yield_no_findings_and_survive_fix(tmp_path):
    text = f"# cslint: disable-next-line=declares-ignorance\n{BAD}\n你好\n"
    path = tmp_path / "macro.txt"
    path.write_text(text, encoding="utf-8")
    proc = cslint(tmp_path, "check", "--isolated", "--format", "json", "macro.txt")
    (item,) = json.loads(proc.stdout)
    assert [d["rule_id"] for d in item["diagnostics"]] == ["ni-instead-of-nin"]
    start = item["diagnostics"][0]["start"]
    assert start == text.index("你好")  # offsets are in the file's own text, marker included
    assert item["fixed"] == text.replace("你好", "您好")
    # a clause-wide rewrite next to a marker never eats the marker
    same_line = f"{BAD} // cslint: disable=tone\n"
    path.write_text(same_line, encoding="utf-8")
    fixed = cslint(tmp_path, "check", "--isolated", "--fix", "--unsafe-fixes", "macro.txt")
    assert "// cslint: disable=tone" in fixed.stdout


def test_suppressions_apply_to_jsonl_records_too(tmp_path):
    rows = [{"id": 1, "text": f"{BAD} # cslint: disable"}, {"id": 2, "text": BAD}]
    (tmp_path / "in.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                                       encoding="utf-8")
    proc = cslint(tmp_path, "check", "--isolated", "--input-format", "jsonl", "--format", "jsonl", "in.jsonl")
    found = {row["id"]: [d["rule_id"] for d in row["diagnostics"]] for row in map(json.loads, proc.stdout.splitlines())}
    assert found == {1: [], 2: ["declares-ignorance"]}


def test_markers_of_a_whole_file_apply_to_the_replies_in_it():
    """In process: a template file holding several replies (YAML values beside their comments).
    The markers are read from the file; each reply's findings are mapped into it by offset."""
    from cslint.checker import Checker
    from cslint.suppress import UNUSED_DISABLE, Suppressions

    checker = Checker.from_packs()
    file_text = ("greeting: 您好，请问有什么可以帮您？  # cslint: disable=ni-instead-of-nin\n"
                 "# cslint: disable-next-line=declares-ignorance\n"
                 f"unknown: {BAD}\n"
                 f"other: {BAD}\n")
    markers = Suppressions(file_text)
    kept = {}
    for key in ("greeting", "unknown", "other"):
        line_start = file_text.index(f"{key}: ") + len(key) + 2
        reply = file_text[line_start:file_text.index("\n", line_start)].split("  #")[0]
        found = checker.check(reply).diagnostics
        kept[key] = [d.rule_id for d in markers.filter(found, to_text=lambda offset: line_start + offset)]
    assert kept == {"greeting": [], "unknown": [], "other": ["declares-ignorance"]}
    (unused,) = markers.unused()
    assert unused.rule_id == UNUSED_DISABLE and "ni-instead-of-nin" in unused.message
    assert file_text[unused.start:unused.end] == "cslint: disable=ni-instead-of-nin"


# --- markers in the comments of a file holding several replies (YAML here) -----------------------

MACROS = (f"greeting: 您好，请问有什么可以帮您？  # cslint: disable=declares-ignorance\n"
          "# cslint: disable-next-line=declares-ignorance\n"
          f"unknown: 喂，{BAD}，你等一下\n"
          f"other: {BAD}\n")


def test_unused_markers_of_a_file_are_reported_at_their_place_in_it(tmp_path):
    (tmp_path / "macros.yaml").write_text(MACROS, encoding="utf-8")
    proc = cslint(tmp_path, "check", "--isolated", "--report-unused-disables", "--format", "jsonl", "macros.yaml")
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    unused = [(row["line"], row["column"] + d["start"], d["text"]) for row in rows for d in row["diagnostics"]
              if d["rule_id"] == "unused-disable"]
    assert unused == [(1, 28, "cslint: disable=declares-ignorance")]  # line 2's marker silenced line 3
    assert proc.returncode == 1
    text = cslint(tmp_path, "check", "--isolated", "--report-unused-disables", "macros.yaml").stdout
    assert "macros.yaml:1:28: warning [suppression/unused-disable]" in text
    quiet = cslint(tmp_path, "check", "--isolated", "--format", "jsonl", "macros.yaml")
    assert "unused-disable" not in quiet.stdout


def test_fix_of_a_file_rechecks_each_reply_under_its_markers(tmp_path):
    """After --fix, what is left is found by checking the fixed replies again, still silenced by
    the file's markers: the exit status is 1 only for the one unsilenced, unfixable finding."""
    macros = tmp_path / "macros.yaml"
    macros.write_text(MACROS, encoding="utf-8")
    proc = cslint(tmp_path, "check", "--isolated", "--fix", "--format", "jsonl", "macros.yaml")
    assert proc.returncode == 1, proc.stderr
    fixed = macros.read_text(encoding="utf-8")
    assert f"unknown: 您好，{BAD}，您等一下\n" in fixed and "# cslint: disable-next-line=declares-ignorance\n" in fixed
    again = cslint(tmp_path, "check", "--isolated", "--format", "jsonl", "macros.yaml")
    left = [(row["key"], d["rule_id"]) for row in map(json.loads, again.stdout.splitlines()) for d in row["diagnostics"]]
    assert left == [("other", "declares-ignorance")]
    macros.write_text(MACROS.replace(f"other: {BAD}\n", "other: 请您稍等\n"), encoding="utf-8")
    clean = cslint(tmp_path, "check", "--isolated", "--fix", "macros.yaml")
    assert clean.returncode == 0, clean.stdout + clean.stderr  # the silenced 不知道 left after the fix does not count
