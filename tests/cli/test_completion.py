"""`cslint completion bash|zsh|fish`: the generated scripts, run in a real bash where one is at hand.

The bash tests source the script `cslint completion bash` prints and call its completion function
the way bash's programmable completion does (COMP_WORDS / COMP_CWORD), then read COMPREPLY.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOP_LEVEL = {"check", "rules", "serve", "scan", "replay", "eval", "completion"}  # a few, named by hand
FORMATS = ["text", "json", "jsonl", "sarif", "github", "junit"]


def cslint(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONUTF8": "1", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "cslint", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


@pytest.fixture(scope="module")
def bash_script(tmp_path_factory) -> Path:
    proc = cslint("completion", "bash")
    assert proc.returncode == 0, proc.stderr
    path = tmp_path_factory.mktemp("completion") / "cslint.bash"
    path.write_text(proc.stdout, encoding="utf-8")
    return path


def complete(script: Path, *words: str) -> list[str]:
    """What bash offers for the command line `words` (the last word is the one being completed)."""
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    quoted = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
    program = (f"source '{script}'\nCOMP_WORDS=({quoted})\nCOMP_CWORD={len(words) - 1}\n"
               "_cslint\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n")
    proc = subprocess.run(["bash", "--norc", "--noprofile", "-c", program], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    return [line for line in proc.stdout.splitlines() if line]


def test_bash_registers_the_function_for_cslint(bash_script):
    proc = subprocess.run(["bash", "--norc", "--noprofile", "-c", f"source '{bash_script}'; complete -p cslint"],
                          capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "complete -o default -F _cslint cslint"


def test_bash_completes_subcommands(bash_script):
    offered = complete(bash_script, "cslint", "")
    assert TOP_LEVEL <= set(offered)
    assert complete(bash_script, "cslint", "re") == ["replay"]
    assert complete(bash_script, "cslint", "rules", "") == ["list", "show", "test", "doc", "check"]
    assert complete(bash_script, "cslint", "rules", "sh") == ["show"]


def test_bash_completes_options_of_the_command_typed_so_far(bash_script):
    assert complete(bash_script, "cslint", "check", "--fo") == ["--format"]
    assert complete(bash_script, "cslint", "check", "--unsafe") == ["--unsafe-fixes"]
    assert complete(bash_script, "cslint", "--fo") == []  # the top level has no --format
    assert complete(bash_script, "cslint", "serve", "--wor") == ["--workers", "--worker-start-timeout"]
    # after an option's value, still the options of check
    assert complete(bash_script, "cslint", "check", "--pack", "rules", "--fo") == ["--format"]


def test_bash_completes_the_choices_of_an_option(bash_script):
    assert complete(bash_script, "cslint", "check", "--format", "") == FORMATS
    assert complete(bash_script, "cslint", "check", "--format", "j") == ["json", "jsonl", "junit"]
    assert complete(bash_script, "cslint", "completion", "") == []  # a positional: left to bash's default
    # an option with a free value (a file) leaves it to bash's file-name completion
    assert complete(bash_script, "cslint", "check", "--pack", "") == []


def test_zsh_and_fish_scripts_cover_the_same_commands():
    zsh = cslint("completion", "zsh")
    assert zsh.returncode == 0
    assert "bashcompinit" in zsh.stdout and "complete -o default -F _cslint cslint" in zsh.stdout
    fish = cslint("completion", "fish")
    assert fish.returncode == 0
    lines = fish.stdout.splitlines()
    check_format = [l for l in lines if "= \\'cslint check\\'" in l and "-l format" in l]
    assert len(check_format) == 1 and f"-a '{' '.join(FORMATS)}'" in check_format[0]
    subcommands = {l.split("-a '")[1].split("'")[0] for l in lines if "= \\'cslint\\'" in l and " -a '" in l}
    assert TOP_LEVEL <= subcommands


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_completes_with_its_script(tmp_path):
    script = tmp_path / "cslint.fish"
    script.write_text(cslint("completion", "fish").stdout, encoding="utf-8")

    def offered(line: str) -> list[str]:
        proc = subprocess.run(["fish", "--no-config", "-c", f"source '{script}'; complete -C '{line}'"],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0 and proc.stderr == "", proc.stderr
        return [entry.split("\t")[0] for entry in proc.stdout.splitlines()]

    assert offered("cslint check --fo") == ["--format"]
    assert sorted(offered("cslint check --format ")) == sorted(FORMATS)
    assert sorted(offered("cslint rules ")) == ["check", "doc", "list", "show", "test"]
    assert TOP_LEVEL <= set(offered("cslint "))


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_registers_the_completion(tmp_path):
    script = tmp_path / "cslint.zsh"
    script.write_text(cslint("completion", "zsh").stdout, encoding="utf-8")
    proc = subprocess.run(["zsh", "-f", "-c", f"source '{script}'; print -r -- \"$_comps[cslint]\""],
                          capture_output=True, text=True, timeout=60, env={**os.environ, "HOME": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "_bash_complete -o default -F _cslint"


def test_an_unknown_shell_is_a_usage_error():
    proc = cslint("completion", "powershell")
    assert proc.returncode == 2
    assert "invalid choice: 'powershell'" in proc.stderr
