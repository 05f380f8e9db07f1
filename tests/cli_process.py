"""`cslint` run as a user runs it: a subprocess in a given folder, with no CSLINT_PACKS from the
caller's environment; a traceback on stderr fails the test whatever the exit status."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def cslint(cwd: Path, *args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CSLINT_PACKS"}
    env["PYTHONUTF8"] = "1"
    proc = subprocess.run([sys.executable, "-m", "cslint", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=timeout)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc
