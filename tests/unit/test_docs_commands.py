"""Every command shown in README.md and docs/*.md works when followed literally.

Each line of a ```sh block is one command (`$ ` prompts and `\\` continuations allowed; lines
after a `$` command that do not start with one are its output):

* `cslint …`: the parser accepts it, every file it names exists (outputs and ../shared aside),
  and `check`, `rules` and `config` commands are run from the repository root and must finish
  with exit 0 or 1 (1: findings) and no traceback;
* `./scripts/…`: the script exists and is executable;
* `curl … localhost:PORT/PATH`: PATH is a route of the service.
"""
from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from cslint.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
CSLINT = Path(sys.executable).with_name("cslint")
RUN = ("check", "rules", "config")  # cheap and self-contained: run for real
OUTPUT_OPTIONS = {"--out", "--map", "--diff"}
PATH_LIKE = re.compile(r"[\w.-]*/[\w./-]*|[\w-]+\.(txt|jsonl|json|yaml|yml|csv|tsv|gz|xlsx|md)$")


def _commands() -> list[tuple[str, str]]:
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for block in re.findall(r"```(?:sh|bash|console)\n(.*?)```", text, re.S):
            prompted = any(line.startswith("$ ") for line in block.splitlines())
            for line in block.replace("\\\n", " ").splitlines():
                if prompted:
                    if not line.startswith("$ "):
                        continue  # the command's output
                    line = line[2:]
                line = line.split("  #", 1)[0].strip()
                if line:
                    found.append((f"{page.relative_to(ROOT)}: {line}", line))
    return found


COMMANDS = _commands()


def test_the_pages_show_commands() -> None:
    assert sum(" cslint " in f" {line} " for _, line in COMMANDS) >= 15


def _cslint_part(line: str) -> list[str] | None:
    """The words of the `cslint …` command in `line` (after a pipe, or alone), else None."""
    segment = line.split("|")[-1].strip() if "|" in line else line
    words = shlex.split(segment.rstrip("&").strip())
    while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):  # VAR=value cslint …
        words = words[1:]
    return words[1:] if words and words[0] == "cslint" else None


@pytest.mark.parametrize("where,line", [c for c in COMMANDS if _cslint_part(c[1]) is not None],
                         ids=lambda value: value if len(value) < 60 else value[:60])
def test_cslint_commands_are_valid_and_name_files_that_exist(where: str, line: str) -> None:
    words = _cslint_part(line)
    try:
        build_parser().parse_args(words)
    except SystemExit as exc:
        pytest.fail(f"{where}: the parser refuses it (exit {exc.code})")
    for previous, word in zip([""] + words, words):
        if previous in OUTPUT_OPTIONS or word.startswith("-") or not PATH_LIKE.fullmatch(word):
            continue
        if word.startswith("../shared"):
            if not SHARED.is_dir():
                continue
        if "*" in word:
            assert list(ROOT.glob(word)) or word.startswith(".."), f"{where}: {word} matches nothing"
            continue
        assert (ROOT / word).exists(), f"{where}: {word} does not exist"
    if words[0] not in RUN:
        return
    completed = subprocess.run(["bash", "-c", line], cwd=ROOT, capture_output=True, text=True, timeout=120,
                               env={"PATH": f"{CSLINT.parent}:/usr/bin:/bin", "HOME": str(Path.home())})
    assert completed.returncode in (0, 1), f"{where}: exit {completed.returncode}\n{completed.stderr}"
    assert "Traceback" not in completed.stderr


def test_scripts_named_exist_and_run() -> None:
    for where, line in COMMANDS:
        for word in shlex.split(line.rstrip("&")):
            if word.startswith("./scripts/") or word.startswith("scripts/"):
                script = ROOT / word.removeprefix("./")
                assert script.is_file() and script.stat().st_mode & 0o111, f"{where}: {word}"


def test_curl_examples_name_routes_of_the_service() -> None:
    from cslint.service.app import create_app

    app = create_app()
    routes = {getattr(route, "path", None) for route in app.routes} | set(app.openapi()["paths"])
    paths = [(where, re.search(r"localhost:\d+(/[^\s'?]*)", line)) for where, line in COMMANDS if "curl" in line]
    assert paths
    for where, match in paths:
        assert match and match.group(1) in routes, f"{where}: no such route"
