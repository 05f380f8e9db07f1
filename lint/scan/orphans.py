"""Pool workers that do not outlive the scan driver.

When the driver dies alone (OOM killer, `kill -9` of its PID), its forked pool workers would
otherwise live on: one blocked writing a result to a pipe nobody reads, the others waiting for
work that never comes. `exit_with_parent` is the pool's initializer: on Linux the kernel kills
the worker when its parent dies (PR_SET_PDEATHSIG); elsewhere, and as a second line, a daemon
thread notices the parent change (the worker is re-parented) and exits.

The workers never write the output directory (the driver alone does), so killing them at any
moment loses nothing a resumed scan does not redo.
"""
from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCH_INTERVAL_S = 0.25


def exit_with_parent(parent_pid: int) -> None:
    """Make this (forked) process exit as soon as `parent_pid`, its parent, is gone."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watchdog below still works
    if os.getppid() != parent_pid:  # the parent died before the signal was armed
        os._exit(1)
    threading.Thread(target=_watch, args=(parent_pid,), name="cslint-scan-parent-watch", daemon=True).start()


def _watch(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(WATCH_INTERVAL_S)
    os._exit(1)
