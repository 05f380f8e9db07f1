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


# Windows' msvcrt, as far as the scan's lock uses it: locking(fd, LK_NBLCK, n) takes a lock on n
# bytes from the file position or raises OSError while another process holds one. Built on
# POSIX record locks (os.lockf, which does not need the fcntl module) so that two processes here
# contend as two processes on Windows would.
# The stand-in is installed after the standard library has settled which platform it is on
# (subprocess takes an importable msvcrt to mean Windows), so only cslint's own lock sees it.
WITH_MSVCRT = """
import os, types
import subprocess, concurrent.futures.process, cslint.cli, cslint.scan
msvcrt = types.ModuleType("msvcrt")
msvcrt.LK_NBLCK = 2
def _locking(fd, mode, nbytes):
    assert mode == msvcrt.LK_NBLCK, mode
    try:
        os.lockf(fd, os.F_TLOCK, nbytes)
    except OSError:
        raise PermissionError(13, "Permission denied") from None
msvcrt.locking = _locking
sys.modules["msvcrt"] = msvcrt
"""

HOLD_THE_LOCK = """
import os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
os.lockf(fd, os.F_TLOCK, 1)
print("held", flush=True)
sys.stdin.read()  # until the test closes our stdin
"""


def test_the_scan_lock_on_windows_msvcrt(tmp_path):
    """Without fcntl the scan locks DIR with msvcrt: a second scan into a held DIR is refused with
    one line, and runs once the holder is gone."""
    rows = [{"session_id": "c1", "seq": 1, "speaker": "坐席", "content": "你好，这个我不知道", "agent_id": "A1",
             "time": "2024-03-01T10:00:00"}]
    source = tmp_path / "t.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out"
    first = run_without_fcntl(WITH_MSVCRT + CLI, "scan", str(source), "--out", str(out), "--workers", "1")
    assert first.returncode in (0, 1) and "Traceback" not in first.stderr, first.stderr
    lock_file = next(out.rglob("lock"))
    holder = subprocess.Popen([sys.executable, "-c", HOLD_THE_LOCK, str(lock_file)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        refused = run_without_fcntl(WITH_MSVCRT + CLI, "scan", str(source), "--out", str(out), "--workers", "1")
        assert refused.returncode == 2 and "Traceback" not in refused.stderr
        assert refused.stderr.strip() == f"cslint scan: another scan is writing to {out}"
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    again = run_without_fcntl(WITH_MSVCRT + CLI, "scan", str(source), "--out", str(out), "--workers", "1", "--fresh")
    assert again.returncode in (0, 1) and "Traceback" not in again.stderr, again.stderr
