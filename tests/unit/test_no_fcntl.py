"""cslint on a platform without fcntl (Windows): every command but the scan's lock must work.

Each test runs a fresh interpreter whose import system refuses `fcntl` (a finder at the front of
sys.meta_path raising ModuleNotFoundError, as on Windows) before anything of cslint is imported.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

WITHOUT_FCNTL = """
import sys
from importlib.abc import MetaPathFinder

class NoFcntl(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "fcntl":
            raise ModuleNotFoundError("No module named 'fcntl'", name="fcntl")
        return None

sys.modules.pop("fcntl", None)
sys.meta_path.insert(0, NoFcntl())
"""


def run_without_fcntl(code: str, *args: str, stdin: str = "", cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CSLINT_PACKS"}
    env["PYTHONUTF8"] = "1"
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-c", WITHOUT_FCNTL + code, *args], input=stdin, capture_output=True,
                          text=True, encoding="utf-8", cwd=cwd, env=env, timeout=300)


CLI = "\nfrom cslint.cli import main\nraise SystemExit(main(sys.argv[1:]))\n"


def test_the_simulation_really_hides_fcntl():
    proc = run_without_fcntl("import fcntl")
    assert proc.returncode == 1 and "ModuleNotFoundError: No module named 'fcntl'" in proc.stderr


def test_check_runs_without_fcntl():
    proc = run_without_fcntl(CLI, "check", "--format", "json", stdin="你好，这个我不知道")
    assert proc.returncode == 1, proc.stderr  # findings, not a crash
    assert "Traceback" not in proc.stderr
    (item,) = json.loads(proc.stdout)
    assert {d["rule_id"] for d in item["diagnostics"]} >= {"declares-ignorance", "ni-instead-of-nin"}


def test_every_module_imports_without_fcntl():
    code = """
import importlib, pkgutil
failed = []
for package in ("cslint",):  # cslint.service is one of its subpackages
    root = importlib.import_module(package)
    for info in pkgutil.walk_packages(root.__path__, package + "."):
        try:
            importlib.import_module(info.name)
        except Exception as exc:
            failed.append(f"{info.name}: {type(exc).__name__}: {exc}")
print("\\n".join(failed))
print("imported", len(sys.modules))
"""
    proc = run_without_fcntl(code)
    assert proc.returncode == 0, proc.stderr
    *failed, last = proc.stdout.strip().splitlines()
    assert failed == [] and last.startswith("imported")
    assert "fcntl" not in proc.stdout


def test_the_scan_lock_says_clearly_what_is_missing(tmp_path):
    rows = [{"session_id": "c1", "seq": 1, "speaker": "坐席", "content": "你好，这个我不知道", "agent_id": "A1",
             "time": "2024-03-01T10:00:00"}]
    source = tmp_path / "t.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    proc = run_without_fcntl(CLI, "scan", str(source), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert line == ("cslint scan: cannot lock the output directory: this platform has neither fcntl nor msvcrt "
                    "file locking")
