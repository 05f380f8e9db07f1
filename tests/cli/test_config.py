"""Configuration files (lint/config.py): found from the current directory upwards, overridden by
flags, per-file overrides, `cslint config` and its sources, broken files as one-line errors.

Every run is the real `cslint` in a subprocess, in a throw-away directory.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
import pytest
from cli_process import cslint
from live_server import running

# one reply, three findings: declares-ignorance (forbidden, error), ni-instead-of-nin twice (honorific, warning)
RUDE = "你好，这个我不知道，你等一下\n"
# clean in the middle of a chat; a closing email misses its sign-off (email-missing-signoff)
POLITE = "您好，这个问题我帮您看一下\n"


def rules_found(proc: subprocess.CompletedProcess) -> dict[str, list[str]]:
    """path -> rule ids, from --format jsonl output."""
    return {row["path"]: [d["rule_id"] for d in row["diagnostics"]] for row in map(json.loads, proc.stdout.splitlines())}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A project whose config lives at the top and whose replies sit two folders down."""
    write(tmp_path / "replies" / "chat" / "rude.txt", RUDE)
    return tmp_path


def test_pyproject_table_found_from_a_subdirectory(project):
    write(project / "pyproject.toml", '[project]\nname = "x"\n\n[tool.cslint]\nignore = ["honorific"]\n')
    proc = cslint(project / "replies" / "chat", "check", "--format", "jsonl", "rude.txt")
    assert rules_found(proc) == {"rude.txt": ["declares-ignorance"]}
    # --isolated: no configuration at all
    proc = cslint(project / "replies" / "chat", "check", "--format", "jsonl", "--isolated", "rude.txt")
    assert rules_found(proc)["rude.txt"].count("ni-instead-of-nin") == 2


def test_nearest_file_wins_and_cslint_toml_beats_pyproject(project):
    write(project / ".cslint.toml", 'select = ["honorific"]\n')
    write(project / "replies" / "pyproject.toml", '[tool.cslint]\nselect = ["forbidden"]\n')
    inner = cslint(project / "replies" / "chat", "check", "--format", "jsonl", "rude.txt")
    assert rules_found(inner) == {"rude.txt": ["declares-ignorance"]}  # replies/pyproject.toml is nearer
    write(project / "replies" / ".cslint.toml", 'select = ["error"]\nignore = ["declares-ignorance"]\n')
    same_dir = cslint(project / "replies" / "chat", "check", "--format", "jsonl", "rude.txt")
    assert rules_found(same_dir) == {"rude.txt": []}  # .cslint.toml beats pyproject.toml beside it
    outer = cslint(project, "check", "--format", "jsonl", "replies/chat/rude.txt")
    assert rules_found(outer) == {"replies/chat/rude.txt": ["ni-instead-of-nin", "ni-instead-of-nin"]}


def test_pyproject_without_a_cslint_table_is_skipped(project):
    write(project / ".cslint.toml", 'select = ["forbidden"]\n')
    write(project / "replies" / "pyproject.toml", '[project]\nname = "x"\n')
    proc = cslint(project / "replies" / "chat", "check", "--format", "jsonl", "rude.txt")
    assert rules_found(proc) == {"rude.txt": ["declares-ignorance"]}


def test_flags_override_the_file(project):
    write(project / ".cslint.toml", 'select = ["forbidden"]\nfail-on = "error"\nignore = ["tone"]\n')
    proc = cslint(project, "check", "--format", "jsonl", "--select", "honorific", "replies/chat/rude.txt")
    assert rules_found(proc)["replies/chat/rude.txt"] == ["ni-instead-of-nin", "ni-instead-of-nin"]
    assert proc.returncode == 0  # fail-on = error from the file: warnings alone pass
    assert cslint(project, "check", "--select", "honorific", "--fail-on", "warning",
                  "replies/chat/rude.txt").returncode == 1
    # --ignore adds to the configured ignore; --extend-select adds to the configured select
    proc = cslint(project, "check", "--format", "jsonl", "--ignore", "forbidden", "--extend-select", "ni-instead-of-nin",
                  "replies/chat/rude.txt")
    assert rules_found(proc)["replies/chat/rude.txt"] == ["ni-instead-of-nin", "ni-instead-of-nin"]


def test_per_file_overrides(project):
    write(project / "pyproject.toml", '[tool.cslint]\nposition = "closing"\n\n'
                                      '[tool.cslint.per-file-overrides."replies/email/*.txt"]\nchannel = "email"\n\n'
                                      '[tool.cslint.per-file-overrides."*.md"]\nignore = ["courtesy"]\n')
    write(project / "replies" / "email" / "a.txt", POLITE)
    write(project / "replies" / "chat" / "a.txt", POLITE)
    write(project / "replies" / "email" / "a.md", POLITE)
    proc = cslint(project, "check", "--format", "jsonl", "replies/email/a.txt", "replies/chat/a.txt", "replies/email/a.md")
    assert rules_found(proc) == {"replies/email/a.txt": ["email-missing-signoff"],
                                 "replies/chat/a.txt": ["missing-closing"],
                                 "replies/email/a.md": []}
    # a flag beats the override
    proc = cslint(project, "check", "--format", "jsonl", "--channel", "chat", "replies/email/a.txt")
    assert rules_found(proc) == {"replies/email/a.txt": ["missing-closing"]}


def test_paths_in_the_file_are_relative_to_it(project):
    write(project / "team" / "mine.yaml", (Path(__file__).resolve().parents[2] / "rules" / "default.yaml")
          .read_text(encoding="utf-8").replace("id: default", "id: mine", 1))
    write(project / ".cslint.toml", 'packs = ["team/mine.yaml"]\n')
    proc = cslint(project / "replies", "config", "--format", "json")
    settings = json.loads(proc.stdout)
    assert Path(settings["settings"]["packs"][0]) == project / "team" / "mine.yaml"
    checked = cslint(project / "replies", "check", "--format", "jsonl", "chat/rude.txt")
    assert checked.returncode == 1 and "declares-ignorance" in rules_found(checked)["chat/rude.txt"], checked.stderr
    write(project / ".cslint.toml", 'packs = ["team/missing.yaml"]\n')
    missing = cslint(project / "replies", "check", "chat/rude.txt")
    assert missing.returncode == 2 and missing.stderr.startswith(str(project / "team" / "missing.yaml"))


def test_config_prints_values_and_sources(project):
    config = write(project / "pyproject.toml", '[tool.cslint]\nchannel = "email"\nignore = ["filler"]\n\n'
                                               '[tool.cslint.per-file-overrides."replies/**"]\nselect = ["tone"]\n')
    proc = cslint(project / "replies", "config", "--ignore", "jargon", "--format", "json")
    shown = json.loads(proc.stdout)
    assert shown["config"] == str(config)
    assert shown["settings"]["channel"] == "email" and shown["sources"]["channel"] == str(config)
    assert shown["settings"]["position"] == "middle" and shown["sources"]["position"] == "default"
    assert shown["settings"]["ignore"] == ["filler", "jargon"]
    assert shown["sources"]["ignore"] == f"{config} + command line"
    assert shown["settings"]["select"] is None
    for_file = json.loads(cslint(project, "config", "--format", "json", "replies/chat/rude.txt").stdout)
    assert for_file["settings"]["select"] == ["tone"] and for_file["sources"]["select"] == f"{config} [replies/**]"
    text = cslint(project / "replies", "config", "--fail-on", "error").stdout
    assert f"# config file: {config}" in text
    assert any(line.startswith("fail-on") and line.endswith("# command line") for line in text.splitlines())
    assert any(line.startswith("channel") and line.endswith(f"# {config}") for line in text.splitlines())
    isolated = cslint(project / "replies", "config", "--isolated").stdout
    assert "# config file: none (--isolated)" in isolated


def test_explicit_config_file(project, tmp_path):
    other = write(tmp_path / "elsewhere" / "settings.toml", 'select = ["forbidden"]\n')
    proc = cslint(project, "check", "--format", "jsonl", "--config", other, "replies/chat/rude.txt")
    assert rules_found(proc) == {"replies/chat/rude.txt": ["declares-ignorance"]}
    missing = cslint(project, "check", "--config", "nope.toml", "replies/chat/rude.txt")
    assert missing.returncode == 2 and missing.stderr.strip() == "nope.toml: no such configuration file (--config)"


@pytest.mark.parametrize("name,content,expected", [
    (".cslint.toml", 'channel = "email"\nselect = ["tone"\n', ".cslint.toml:2: invalid TOML"),
    (".cslint.toml", 'channel = "email"\n\ncolour = "red"\n', ".cslint.toml:3: unknown key 'colour'"),
    (".cslint.toml", 'select = "tone"\nfail-on = 2\n', ".cslint.toml:2: fail-on must be a string"),
    (".cslint.toml", 'ignore = [1, 2]\n', ".cslint.toml:1: ignore must be a list of strings"),
    (".cslint.toml", 'channel = "fax"\n', ".cslint.toml:1: channel must be one of chat, email, not 'fax'"),
    (".cslint.toml", 'channel = "chat"\nreport-unused-disables = "yes"\n', ".cslint.toml:2: report-unused-disables must be true or false"),
    ("pyproject.toml", '[project]\nname = "x"\n[tool.cslint]\nposition = "end"\n',
     "pyproject.toml:4: position must be one of"),
    ("pyproject.toml", '[tool.cslint]\n[tool.cslint.per-file-overrides."a/*"]\npacks = ["x"]\n',
     "pyproject.toml:3: unknown key 'per-file-overrides.a/*.packs'"),
    (".cslint.toml", 'channel = "chat"\nselect = ["tone", "no-such-rule"]\n',
     ".cslint.toml:2: select: unknown rule code 'no-such-rule'"),
    (".cslint.toml", '[per-file-overrides."*.txt"]\nignore = ["nope"]\n',
     ".cslint.toml:1: per-file-overrides.*.txt: unknown rule code 'nope'"),
])
def test_broken_config_is_one_line_exit_2(project, name, content, expected):
    write(project / name, content)
    proc = cslint(project, "check", "replies/chat/rude.txt")
    assert proc.returncode == 2 and proc.stdout == ""
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith(str(project / name)) and expected.split(":", 1)[1] in line, line
    assert line.startswith(str(project / expected.split(":")[0]))


def test_unknown_code_on_the_command_line(project):
    proc = cslint(project, "check", "--isolated", "--ignore", "tone,nope", "replies/chat/rude.txt")
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("--ignore: unknown rule code 'nope'")


def test_report_unused_disables_from_the_file(project):
    write(project / "replies" / "chat" / "marked.txt", "您好，请您稍等  # cslint: disable=filler\n")
    write(project / ".cslint.toml", "report-unused-disables = true\n")
    proc = cslint(project, "check", "--format", "jsonl", "replies/chat/marked.txt")
    assert rules_found(proc) == {"replies/chat/marked.txt": ["unused-disable"]} and proc.returncode == 1
    shown = json.loads(cslint(project, "config", "--format", "json").stdout)
    assert shown["settings"]["report-unused-disables"] is True
    assert shown["sources"]["report-unused-disables"] == str(project / ".cslint.toml")


TEAM_PACK = Path(__file__).resolve().parent / "fixtures" / "muyou-pack.yaml"  # one rule: says-muyou


def test_other_commands_load_the_configured_packs(project, tmp_path):
    """rules list / rules show, scan and serve check with the packs the file names, as check does
    (scan with its channel too);
    --pack on the command line and --isolated still win."""
    write(project / "team" / "mine.yaml", TEAM_PACK.read_text(encoding="utf-8"))
    write(project / ".cslint.toml", 'packs = ["team/mine.yaml", "default"]\nchannel = "email"\n')
    listed = cslint(project / "replies", "rules", "list")
    assert listed.returncode == 0 and "says-muyou" in listed.stdout, listed.stderr
    assert "says-muyou" not in cslint(project / "replies", "rules", "list", "--isolated").stdout
    assert "says-muyou" not in cslint(project / "replies", "rules", "list", "--pack", "default").stdout
    assert cslint(project, "rules", "show", "says-muyou").returncode == 0

    transcript = write(project / "t.jsonl", json.dumps(
        {"conversation_id": "c1", "turn": 1, "role": "agent", "agent_id": "a1", "text": "亲，木有货了"},
        ensure_ascii=False) + "\n")
    scan = cslint(project, "scan", transcript.name, "--out", "out", "--workers", "1")
    assert scan.returncode in (0, 1), scan.stderr
    found = [json.loads(line) for line in (project / "out" / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {"says-muyou", "email-missing-salutation"} <= {f["rule"] for f in found}  # the file's pack and channel
    chat = cslint(project, "scan", transcript.name, "--out", "out-chat", "--workers", "1", "--channel", "chat")
    assert chat.returncode in (0, 1), chat.stderr
    assert "email-missing-salutation" not in (project / "out-chat" / "findings.jsonl").read_text(encoding="utf-8")

    with running("--config", str(project / ".cslint.toml")) as server:  # the real uvicorn, its packs from the file
        answer = httpx.post(server.url + "/v1/check", json={"text": "亲，木有货了"}, timeout=30).json()
    assert "says-muyou" in {d["rule_id"] for d in answer["diagnostics"]}
