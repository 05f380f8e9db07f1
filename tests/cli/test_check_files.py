"""`cslint check PATH...` on a folder of canned replies (话术库), as a team keeps them in git:
findings at file:line:column, --include/--exclude, --diff previews, --fix rewrites in place."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from cli_process import cslint

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "sources"


def _cslint(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return cslint(cwd, *args, "--isolated")  # a config file above tmp_path must not count


def _library(tmp_path: Path) -> Path:
    library = tmp_path / "macros"
    shutil.copytree(FIXTURES, library)
    return library


def test_a_folder_is_walked_and_findings_point_into_each_file(tmp_path: Path) -> None:
    library = _library(tmp_path)
    done = _cslint("check", "macros", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    # 喂 is the 11th character of line 4 of macros.yaml ("    text: 喂，你好…")
    assert "macros/macros.yaml:4:11: error [forbidden/wei-as-greeting]" in "\n".join(lines)
    line4 = (library / "macros.yaml").read_text(encoding="utf-8").splitlines()[3]
    assert line4[10] == "喂"
    named = {line.split(":", 1)[0] for line in lines if line.startswith("macros/")}
    assert {"macros/macros.yaml", "macros/replies.csv"} <= named
    assert "Traceback" not in done.stderr


def test_exclude_leaves_files_out(tmp_path: Path) -> None:
    _library(tmp_path)
    done = _cslint("check", "macros", "--exclude", "*.csv", "--exclude", "*.json", cwd=tmp_path)
    named = {line.split(":", 1)[0] for line in done.stdout.splitlines() if line.startswith("macros/")}
    assert "macros/replies.csv" not in named and "macros/replies.json" not in named
    assert "macros/macros.yaml" in named


def test_diff_previews_and_fix_rewrites_only_the_flagged_phrases(tmp_path: Path) -> None:
    library = _library(tmp_path)
    before = {p.name: p.read_bytes() for p in library.iterdir()}
    preview = _cslint("check", "macros", "--diff", "--format", "json", cwd=tmp_path)
    assert "+++ " in preview.stdout and "-    text: 喂，你好" in preview.stdout, preview.stdout[-2000:]
    assert {p.name: p.read_bytes() for p in library.iterdir()} == before  # a preview writes nothing

    fixed = _cslint("check", "macros", "--fix", "--format", "json", cwd=tmp_path)
    assert fixed.returncode in (0, 1), fixed.stderr
    text = (library / "macros.yaml").read_text(encoding="utf-8")
    assert "text: 喂，您好，请问有什么可以帮您？" in text or "text: 您好，请问有什么可以帮您？" in text
    assert "# 快捷回复 (macros), the way a team keeps them in git" in text  # comments stay
    assert "count: 3" in text
    # only lines with a fixable finding changed
    old_lines = before["macros.yaml"].decode("utf-8").splitlines()
    new_lines = text.splitlines()
    assert len(old_lines) == len(new_lines)
    assert all(a == b or "你" in a for a, b in zip(old_lines, new_lines))
    again = _cslint("check", "macros", "--fix", "--format", "json", cwd=tmp_path)
    assert (library / "macros.yaml").read_text(encoding="utf-8") == text, again.stderr  # nothing left to fix


def test_diff_without_files_that_hold_replies_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "draft.txt").write_text("你好", encoding="utf-8")
    done = _cslint("check", "draft.txt", "--diff", cwd=tmp_path)
    assert done.returncode == 2 and "--diff" in done.stderr


def test_markers_in_a_files_comments_silence_the_replies_they_stand_beside(tmp_path: Path) -> None:
    (tmp_path / "macros.yaml").write_text(
        "greetings:\n"
        "  - text: 喂，您好  # cslint: disable=wei-as-greeting\n"
        "  # cslint: disable-next-line\n"
        "  - text: 这个我不知道\n"
        "  - text: 喂，你好\n", encoding="utf-8")
    done = _cslint("check", "macros.yaml", cwd=tmp_path)
    flagged = [line.split(" ")[0] for line in done.stdout.splitlines() if line.startswith("macros.yaml:")]
    assert flagged == ["macros.yaml:5:11:", "macros.yaml:5:13:"], done.stdout  # only the unmarked reply


def test_findings_name_the_key_path_or_row_a_person_looks_for(tmp_path: Path) -> None:
    """Besides file:line:column: the YAML/JSON key path and the CSV row and column, in the text
    output (位置) and in each JSON record (with the line and column where the reply starts)."""
    import json

    _library(tmp_path)
    text = _cslint("check", "macros/macros.yaml", "macros/replies.csv", cwd=tmp_path).stdout
    block = text.split("macros/macros.yaml:4:11: error [forbidden/wei-as-greeting]", 1)[1].split("\n\n", 1)[0]
    assert "\n  位置: greetings[0].text" in block
    assert "  位置: row 2, 回复" in text
    records = [json.loads(line) for line in _cslint("check", "--format", "jsonl", "macros/macros.yaml",
                                                    cwd=tmp_path).stdout.splitlines()]
    first = next(r for r in records if r["key"] == "greetings[0].text")
    assert (first["path"], first["line"], first["column"]) == ("macros/macros.yaml", 4, 11)
    assert "wei-as-greeting" in {d["rule_id"] for d in first["diagnostics"]}
