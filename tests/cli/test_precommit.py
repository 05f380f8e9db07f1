"""The repository's .pre-commit-hooks.yaml, run by the real pre-commit on a throw-away repository.

`pre-commit try-repo ROOT cslint --ref HEAD` installs this repository's committed HEAD into a
virtualenv of pre-commit's own (PRE_COMMIT_HOME under tmp, shared by the tests of this module so
the install happens once) and runs the hook on the files named: a reply with a forbidden phrase
fails the hook, the same reply rewritten passes it.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(importlib.util.find_spec("pre_commit") is None, reason="pre-commit is not installed"),
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
]


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture(scope="module")
def team_repo(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A git repository of canned replies, and the environment pre-commit runs in."""
    base = tmp_path_factory.mktemp("precommit")
    repo = base / "replies"
    repo.mkdir()
    git("init", "-q", cwd=repo)
    git("config", "user.email", "qa@example.com", cwd=repo)
    git("config", "user.name", "qa", cwd=repo)
    env = {**os.environ, "PRE_COMMIT_HOME": str(base / "pre-commit-home"), "PYTHONUTF8": "1"}
    env.pop("CSLINT_PACKS", None)
    env.pop("GIT_INDEX_FILE", None)
    return repo, env


def try_repo(repo: Path, env: dict[str, str], *files: str) -> subprocess.CompletedProcess:
    head = git("rev-parse", "HEAD", cwd=ROOT)
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "cslint", "--ref", head,
                           "--files", *files], cwd=repo, env=env, capture_output=True, text=True, encoding="utf-8",
                          timeout=900)


def test_the_hook_is_declared_as_documented():
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "cslint" and hook["entry"] == "cslint check" and hook["language"] == "python"
    assert hook["types"] == ["text"]


def test_the_hook_fails_a_bad_reply_and_passes_the_fixed_one(team_repo):
    repo, env = team_repo
    (repo / "退款.txt").write_text("这个我不知道，你自己去问快递吧\n", encoding="utf-8")
    (repo / "notes.py").write_text("print('不知道')\n", encoding="utf-8")  # not a reply file: never checked
    git("add", ".", cwd=repo)
    bad = try_repo(repo, env, "退款.txt", "notes.py")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout
    assert "退款.txt:1:4: error [forbidden/declares-ignorance]" in bad.stdout
    assert "notes.py" not in bad.stdout

    (repo / "退款.txt").write_text("您好，这个问题我帮您查询一下，请您稍等\n", encoding="utf-8")
    git("add", ".", cwd=repo)
    fixed = try_repo(repo, env, "退款.txt")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "Passed" in fixed.stdout
