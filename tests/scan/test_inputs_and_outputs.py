"""Issue 10 #9: an input that is one of the scan's own files (an output, a temporary output, the
checkpoint) under any name is refused with exit 2 before anything is written."""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cslint.scan import ScanError
from test_scan import scan, transcripts, write_jsonl


def write_csv(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_an_input_named_like_an_output_is_refused_and_left_alone(tmp_path):
    out = tmp_path / "out"
    source = write_csv(out / "conversations.csv", transcripts(4))
    before = source.read_bytes()
    run = subprocess.run([sys.executable, "-m", "cslint", "scan", str(source), "--out", str(out), "--workers", "1"],
                         capture_output=True, text=True)
    assert run.returncode == 2, run.stdout
    assert len(run.stderr.strip().splitlines()) == 1 and "conversations.csv" in run.stderr and "Traceback" not in run.stderr
    assert source.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["conversations.csv"]  # nothing written


@pytest.mark.parametrize("kind", ["symlink", "relative", "hardlink", "temporary", "checkpoint"])
def test_every_name_of_the_scans_own_files_is_refused(tmp_path, kind, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    if kind == "symlink":
        target = write_jsonl(out / "findings.jsonl", transcripts(2))
        source = tmp_path / "link.jsonl"
        source.symlink_to(target)
    elif kind == "relative":
        target = write_jsonl(out / "errors.jsonl", transcripts(2))
        monkeypatch.chdir(out)
        source = Path("..") / "out" / "." / "errors.jsonl"
    elif kind == "hardlink":
        target = write_jsonl(out / "findings.jsonl", transcripts(2))
        source = tmp_path / "copy.jsonl"
        os.link(target, source)
    elif kind == "temporary":
        target = source = write_jsonl(out / "summary.json.tmp", transcripts(2))
    else:
        (out / ".cslint-scan").mkdir()
        target = source = write_jsonl(out / ".cslint-scan" / "old.jsonl", transcripts(2))
    before = target.read_bytes()
    with pytest.raises(ScanError, match="this input"):
        scan([source], out)
    assert target.read_bytes() == before


def test_other_files_in_the_output_directory_are_ordinary_inputs(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    source = write_jsonl(out / "raw.jsonl", transcripts(3))
    assert scan([source], out).summary["totals"]["conversations"] == 3
