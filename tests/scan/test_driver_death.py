"""Issue 10 #8: the scan driver killed alone (not its process group) leaves no pool worker behind,
none of them holds DIR's lock, and the documented re-run resumes to identical outputs."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from test_scan import outputs, transcripts, write_jsonl


def _children(pid: int) -> set[int]:
    """PIDs of the descendants of `pid`, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited (whoever adopted it may not reap it at once)


def test_killing_the_driver_alone_leaves_no_worker_and_the_rerun_resumes(tmp_path):
    source = write_jsonl(tmp_path / "t.jsonl", transcripts(600))
    command = [sys.executable, "-m", "cslint", "scan", str(source), "--partition-bytes", "4000", "--workers", "2"]
    reference = subprocess.run(command + ["--out", str(tmp_path / "reference")], capture_output=True, text=True)
    assert reference.returncode == 0, reference.stderr
    out = tmp_path / "killed"
    parts = out / ".cslint-scan" / "parts"
    driver = subprocess.Popen(command + ["--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    workers: set[int] = set()
    try:
        while driver.poll() is None and not (parts.exists() and any(parts.glob("*.part"))):
            time.sleep(0.005)
        assert driver.poll() is None, "the scan ended before it could be killed"
        workers = _children(driver.pid)
        assert workers, "no pool workers found"
        os.kill(driver.pid, signal.SIGKILL)  # the driver alone, as the OOM killer does
        driver.wait()
        deadline = time.monotonic() + 2.0
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not [pid for pid in workers if _alive(pid)], "pool workers outlived the driver"
    finally:
        for pid in workers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    again = subprocess.run(command + ["--out", str(out)], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert "续跑" in again.stdout  # it resumed, not started over
    assert outputs(out) == outputs(tmp_path / "reference")


def test_a_pool_worker_killed_alone_is_replaced_and_the_scan_finishes(tmp_path):
    """The OOM killer takes one pool worker: the pool is replaced for the partitions left, no
    traceback, and the outputs equal an uninterrupted run."""
    source = write_jsonl(tmp_path / "t.jsonl", transcripts(600))
    command = [sys.executable, "-m", "cslint", "scan", str(source), "--partition-bytes", "4000", "--workers", "2"]
    reference = subprocess.run(command + ["--out", str(tmp_path / "reference")], capture_output=True, text=True)
    assert reference.returncode == 0, reference.stderr
    out = tmp_path / "killed"
    parts = out / ".cslint-scan" / "parts"
    driver = subprocess.Popen(command + ["--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while driver.poll() is None and not (parts.exists() and any(parts.glob("*.part"))):
        time.sleep(0.005)
    assert driver.poll() is None, "the scan ended before a worker could be killed"
    victim = min(_children(driver.pid))
    os.kill(victim, signal.SIGKILL)  # one worker alone
    stdout, stderr = driver.communicate(timeout=120)
    assert driver.returncode == 0 and "Traceback" not in stderr, stderr
    assert outputs(out) == outputs(tmp_path / "reference")
